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
}

/// Arguments of `berth system check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Remove what is found
    #[arg(short, long)]
    pub repair: bool,
}
