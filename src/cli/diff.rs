//! `berth diff` arguments.

use clap::Args;

/// Arguments of `berth diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// Output format: `json` (lines of `A|C|D PATH` by default)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Show the latest created container's changes
    #[arg(short, long)]
    pub latest: bool,
    /// The container (name or id)
    #[arg(
        value_name = "CONTAINER",
        required_unless_present = "latest",
        conflicts_with = "latest"
    )]
    pub container: Option<String>,
}
