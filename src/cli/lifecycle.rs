//! Arguments of the container lifecycle commands: `create`, `start`, `stop`, `kill`,
//! `restart`, `wait`, `logs`.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth start`.
#[derive(Debug, Clone, Args)]
pub struct StartArgs {
    /// Attach to the container's output and wait for it (foreground)
    #[arg(short, long)]
    pub attach: bool,
    /// Keep stdin open (with --attach)
    #[arg(short, long)]
    pub interactive: bool,
    /// Start every container that is not running
    #[arg(long)]
    pub all: bool,
    /// Start only the containers that match: id=, name=, status=, ancestor=,
    /// label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable; without names, of all
    /// containers)
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Start the latest created container
    #[arg(short, long)]
    pub latest: bool,
    /// Containers to start (names or ids)
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Arguments of `berth stop`.
#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    /// Seconds to wait before killing the container (default: its --stop-timeout, else 10)
    #[arg(
        short = 't',
        long = "time",
        visible_alias = "timeout",
        value_name = "SECONDS"
    )]
    pub time: Option<u32>,
    /// Stop all running containers
    #[arg(short, long)]
    pub all: bool,
    /// Ignore containers that do not exist
    #[arg(short, long)]
    pub ignore: bool,
    /// Read the container's id from this file (repeatable)
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<PathBuf>,
    /// Stop only the running containers that match: id=, name=, status=, ancestor=,
    /// label=KEY[=VALUE], exited=CODE, restart-policy= (repeatable)
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Stop the latest created container
    #[arg(short, long)]
    pub latest: bool,
    /// Containers to stop (names or ids)
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Arguments of `berth kill`.
#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// Signal to send (name or number, with or without SIG or a dash)
    #[arg(
        short,
        long,
        default_value = "KILL",
        value_name = "SIGNAL",
        allow_hyphen_values = true
    )]
    pub signal: String,
    /// Kill all running containers
    #[arg(short, long)]
    pub all: bool,
    /// Containers to signal (names or ids)
    #[arg(value_name = "CONTAINER", required_unless_present = "all")]
    pub containers: Vec<String>,
}

/// Arguments of `berth restart`.
#[derive(Debug, Clone, Args)]
pub struct RestartArgs {
    /// Seconds to wait before killing the container
    #[arg(
        short = 't',
        long = "time",
        visible_alias = "timeout",
        value_name = "SECONDS"
    )]
    pub time: Option<u32>,
    /// Containers to restart (names or ids)
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

/// Arguments of `berth wait`.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// The state to wait for: created, running, paused, stopped or exited (repeatable: any
    /// of them; default: exited)
    #[arg(long, value_name = "STATE")]
    pub condition: Vec<String>,
    /// How often to check a condition other than exited: a duration (default 250ms)
    #[arg(short, long, value_name = "DURATION", default_value = "250ms")]
    pub interval: String,
    /// A container that does not exist is not an error
    #[arg(long)]
    pub ignore: bool,
    /// Containers to wait for (names or ids)
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

/// Arguments of `berth logs`.
#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Follow the log until the container exits
    #[arg(short, long)]
    pub follow: bool,
    /// Only the last N lines
    #[arg(long, value_name = "N")]
    pub tail: Option<usize>,
    /// Prefix each line with its time
    #[arg(short, long)]
    pub timestamps: bool,
    /// Only lines since this time (RFC 3339, unix seconds, or a duration like 10m)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only lines until this time (RFC 3339, unix seconds, or a duration like 10m)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Prefix each line with the container's name
    #[arg(short, long)]
    pub names: bool,
    /// Containers whose logs to show (names or ids)
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

/// Arguments of `berth attach`.
#[derive(Debug, Clone, Args)]
pub struct AttachArgs {
    /// Key sequence that detaches, leaving the container running
    #[arg(long, default_value = "ctrl-p,ctrl-q", value_name = "KEYS")]
    pub detach_keys: String,
    /// Do not send stdin to the container
    #[arg(long)]
    pub no_stdin: bool,
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// Arguments of `berth healthcheck`.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    #[command(subcommand)]
    pub command: HealthcheckCommand,
}

/// `berth healthcheck` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum HealthcheckCommand {
    /// Run a container's healthcheck now
    Run {
        /// The container (name or id)
        #[arg(value_name = "CONTAINER")]
        container: String,
    },
}

/// Arguments of `berth pause` and `berth unpause`.
#[derive(Debug, Clone, Args)]
pub struct PauseArgs {
    /// Containers (names or ids)
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}
