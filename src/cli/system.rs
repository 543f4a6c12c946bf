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
