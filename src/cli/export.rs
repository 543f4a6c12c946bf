//! `berth export` arguments.

use clap::Args;

/// Arguments of `berth export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Write the tarball to this file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}
