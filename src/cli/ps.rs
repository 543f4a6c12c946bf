//! `berth ps` arguments.

use clap::Args;

/// Arguments of `berth ps`.
#[derive(Debug, Clone, Args)]
pub struct PsArgs {
    /// Show all containers, not only running ones
    #[arg(short, long)]
    pub all: bool,
    /// Print only the container ids
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not truncate ids and commands
    #[arg(long)]
    pub no_trunc: bool,
    /// Do not print the header
    #[arg(long, visible_alias = "noheading")]
    pub no_heading: bool,
    /// Show the latest created container (all states)
    #[arg(short, long)]
    pub latest: bool,
    /// Show the N latest created containers (all states)
    #[arg(short = 'n', long, value_name = "N")]
    pub last: Option<usize>,
    /// Filter: id=, name=, status=, ancestor=, label=KEY[=VALUE], exited=CODE, restart-policy=
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Sort by: command, created, id, image, names, runningfor, size, status (default: created)
    #[arg(long, value_name = "KEY", value_parser = ["command", "created", "id", "image", "names", "runningfor", "size", "status"])]
    pub sort: Option<String>,
    /// Also show containers in storage that berth does not control (berth's store holds
    /// only its own containers, so this lists the same ones)
    #[arg(long)]
    pub external: bool,
    /// Output format: `json` (table by default)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Show each container's pod (POD ID and PODNAME columns)
    #[arg(short, long)]
    pub pod: bool,
}
