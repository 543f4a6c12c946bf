//! `berth rm` arguments.

use clap::Args;

/// Arguments of `berth rm`.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Kill a running container before removing it
    #[arg(short, long)]
    pub force: bool,
    /// Remove all containers
    #[arg(short, long)]
    pub all: bool,
    /// Remove the containers' anonymous volumes too
    #[arg(short, long)]
    pub volumes: bool,
    /// Ignore containers that do not exist
    #[arg(short, long)]
    pub ignore: bool,
    /// Containers to remove (names or ids)
    #[arg(value_name = "CONTAINER", required_unless_present = "all")]
    pub containers: Vec<String>,
}
