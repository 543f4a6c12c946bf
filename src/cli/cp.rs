//! `berth cp` arguments.

use clap::{ArgAction, Args};

/// Arguments of `berth cp`.
#[derive(Debug, Clone, Args)]
pub struct CpArgs {
    /// Give copied files the owner of the destination: inside a container its user (or
    /// root), on the host the calling user; `-a=false` keeps the owners of the source
    #[arg(
        short = 'a',
        long = "archive",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_value_t = true,
        default_missing_value = "true",
        action = ArgAction::Set
    )]
    pub archive: bool,
    /// Let a directory replace a non-directory of the same name and the other way round
    #[arg(long)]
    pub overwrite: bool,
    /// Accepted for podman compatibility: berth cannot freeze a container (it has no
    /// cgroup freezer), so the copy always runs without pausing, as podman's does where
    /// pausing is unavailable
    #[arg(
        long = "pause",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_value_t = true,
        default_missing_value = "true",
        action = ArgAction::Set
    )]
    pub pause: bool,
    /// What to copy: a host path, `CONTAINER:PATH`, or `-` for a tar stream on stdin
    #[arg(value_name = "SRC")]
    pub source: String,
    /// Where to copy it: a host path, `CONTAINER:PATH`, or `-` for a tar stream on stdout
    #[arg(value_name = "DEST")]
    pub dest: String,
}
