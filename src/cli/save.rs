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

    /// Save every image named into one docker-archive (berth always does: each name is an
    /// image, never an extra tag of the first)
    #[arg(short = 'm', long)]
    pub multi_image_archive: bool,

    /// Write the layers of an oci-archive or oci-dir uncompressed (docker-archive layers
    /// always are)
    #[arg(long)]
    pub uncompressed: bool,

    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
}
