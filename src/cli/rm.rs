//! `berth rm` arguments.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Stop a running container (its stop signal, then SIGKILL after --time) before removing it
    #[arg(short, long)]
    pub force: bool,
    /// Seconds to wait for a running container to stop before killing it (with -f; 0 kills at once)
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u32>,
    /// Remove all containers
    #[arg(short, long)]
    pub all: bool,
    /// Also remove the containers that depend on it (`--network container:NAME`), first
    #[arg(long)]
    pub depend: bool,
    /// Read the container's id from this file (repeatable)
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<PathBuf>,
    /// Remove the containers that match: id=, name=, status=, ancestor=, label=KEY[=VALUE],
    /// exited=CODE, restart-policy= (repeatable)
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Remove the latest created container
    #[arg(short, long)]
    pub latest: bool,
    /// Remove the containers' anonymous volumes too
    #[arg(short, long)]
    pub volumes: bool,
    /// Ignore containers that do not exist
    #[arg(short, long)]
    pub ignore: bool,
    /// Containers to remove (names or ids)
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}
