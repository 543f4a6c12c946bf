//! `berth load` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth load`.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Read from this archive (or OCI layout directory) instead of stdin
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}
