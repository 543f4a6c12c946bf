//! `berth push` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth push`.
#[derive(Debug, Clone, Args)]
pub struct PushArgs {
    /// The local image, by name or id
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// Where to push it (`[docker://]REGISTRY/NAME[:TAG]`); default: the image's name
    #[arg(value_name = "DESTINATION")]
    pub destination: Option<String>,

    /// Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,

    /// Credentials (USERNAME[:PASSWORD]) for the registry
    #[arg(long, value_name = "USER[:PASSWORD]")]
    pub creds: Option<String>,

    /// Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,

    /// Write the pushed manifest's digest to this file
    #[arg(long, value_name = "FILE")]
    pub digestfile: Option<PathBuf>,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}
