//! `berth cp` arguments.

use clap::Args;

/// Arguments of `berth cp`.
#[derive(Debug, Clone, Args)]
pub struct CpArgs {
    /// What to copy: a host path, `CONTAINER:PATH`, or `-` for a tar stream on stdin
    #[arg(value_name = "SRC")]
    pub source: String,
    /// Where to copy it: a host path, `CONTAINER:PATH`, or `-` for a tar stream on stdout
    #[arg(value_name = "DEST")]
    pub dest: String,
}
