//! `berth login` and `berth logout` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth login`.
#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// The registry (`host[:port]`, or `host[:port]/namespace` for a narrower credential)
    #[arg(value_name = "REGISTRY")]
    pub registry: String,

    /// User name (prompted for on a terminal when missing)
    #[arg(short, long, value_name = "USER")]
    pub username: Option<String>,

    /// Password (prefer --password-stdin: a command line is visible to other users)
    #[arg(
        short,
        long,
        value_name = "PASSWORD",
        conflicts_with = "password_stdin"
    )]
    pub password: Option<String>,

    /// Read the password from stdin
    #[arg(long)]
    pub password_stdin: bool,

    /// Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,

    /// Require HTTPS and verify certificates (default: true, unless registries.conf says insecure)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub tls_verify: Option<bool>,
}

/// Arguments of `berth logout`.
#[derive(Debug, Clone, Args)]
pub struct LogoutArgs {
    /// The registry to forget the credentials of
    #[arg(value_name = "REGISTRY", required_unless_present = "all")]
    pub registry: Option<String>,

    /// Remove the credentials of every registry
    #[arg(short, long, conflicts_with = "registry")]
    pub all: bool,

    /// Path of the authentication file (default: ${XDG_RUNTIME_DIR}/containers/auth.json)
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,
}
