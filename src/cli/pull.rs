//! `berth pull` arguments, and the hidden `__unpack-image` the session runs for it.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth pull`.
#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// The image to pull (`[REGISTRY/]NAME[:TAG|@DIGEST]`)
    #[arg(value_name = "IMAGE")]
    pub reference: String,

    /// Pull the image for this platform (os/arch[/variant]) instead of the host's
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Pull the image for this architecture
    #[arg(long, value_name = "ARCH", conflicts_with = "platform")]
    pub arch: Option<String>,

    /// Pull the image for this OS
    #[arg(long, value_name = "OS", conflicts_with = "platform")]
    pub os: Option<String>,

    /// Pull the image for this architecture variant
    #[arg(long, value_name = "VARIANT", conflicts_with = "platform")]
    pub variant: Option<String>,

    /// Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,

    /// Credentials (USERNAME[:PASSWORD]) for the registry
    #[arg(long, value_name = "USER[:PASSWORD]")]
    pub creds: Option<String>,

    /// Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,

    /// Print only the image id
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of the hidden `__unpack-image`: the session's half of a pull.
#[derive(Debug, Clone, Args)]
pub struct UnpackArgs {
    /// The manifest's digest (`sha256:<hex>`); it and its blobs are in the store
    #[arg(long, value_name = "DIGEST")]
    pub manifest: String,

    /// The full name to give the image
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}
