//! `berth system` arguments.

use clap::{Args, Subcommand};

/// Arguments of `berth system`.
#[derive(Debug, Clone, Args)]
pub struct SystemArgs {
    #[command(subcommand)]
    pub command: SystemCommand,
}

/// The `system` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum SystemCommand {
    /// Find (and with --repair remove) half-written blobs, layers and index entries
    Check(CheckArgs),
    /// Remove stopped containers, dangling images and the build cache
    Prune(SystemPruneArgs),
    /// Show the event log (as `berth events`)
    Events(super::events::EventsArgs),
    /// Show the space images, containers and volumes use
    Df(DfArgs),
}

/// Arguments of `berth system df`.
#[derive(Debug, Clone, Args)]
pub struct DfArgs {
    /// One table per image, container and volume
    #[arg(short, long)]
    pub verbose: bool,
    /// Output format: `json`, or a template with .Type, .Total, .Active, .Size, .Reclaimable
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

/// Arguments of `berth system prune`.
#[derive(Debug, Clone, Args)]
pub struct SystemPruneArgs {
    /// Remove every image no container uses, not only the dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Also remove the volumes no container uses
    #[arg(long)]
    pub volumes: bool,
}

/// Arguments of `berth system check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Remove what is found
    #[arg(short, long)]
    pub repair: bool,
}
