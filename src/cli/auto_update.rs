//! `berth auto-update` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth auto-update`.
#[derive(Debug, Clone, Args)]
pub struct AutoUpdateArgs {
    /// Only report which containers would be updated
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: json, or a Go template such as `{{.Unit}} {{.Updated}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Go back to the previous image when the unit fails to restart on the new one
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub rollback: bool,
    /// Verify the registry's TLS certificate
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub tls_verify: Option<bool>,
    /// The auth file for registries
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<PathBuf>,
}
