//! `berth save` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth save`.
#[derive(Debug, Clone, Args)]
pub struct SaveArgs {
    /// The images to save, by name or id
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<String>,

    /// Write to this file (a directory for oci-dir) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// docker-archive, oci-archive or oci-dir
    #[arg(long, value_name = "FORMAT", default_value = "docker-archive")]
    pub format: String,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}
