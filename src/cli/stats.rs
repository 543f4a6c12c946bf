//! `berth stats` arguments.

use clap::Args;

/// Arguments of `berth stats`.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// Show all containers (default: the running ones)
    #[arg(short, long)]
    pub all: bool,
    /// Print one reading and exit
    #[arg(long)]
    pub no_stream: bool,
    /// Do not clear the screen between readings
    #[arg(long)]
    pub no_reset: bool,
    /// Seconds between readings
    #[arg(short, long, value_name = "SECONDS", default_value_t = 5)]
    pub interval: u32,
    /// Output: table, json, or a Go template (fields CPUPerc, MemUsage, MemPerc, NetIO,
    /// BlockIO, PIDs, Name, ID)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Containers (names or ids; default: all running)
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}
