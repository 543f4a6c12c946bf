//! `berth version` arguments.

use super::info::OutputFormat;

/// Arguments of `berth version`.
#[derive(Debug, Clone, clap::Args)]
pub struct VersionArgs {
    /// Output format: `json`, or a template such as `{{.Client.Version}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
}

/// Validated options of `berth version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionOptions {
    pub format: OutputFormat,
}

impl From<VersionArgs> for VersionOptions {
    fn from(args: VersionArgs) -> Self {
        VersionOptions {
            format: OutputFormat::from_arg(args.format.as_deref()),
        }
    }
}
