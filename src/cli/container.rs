//! `berth container` arguments: podman's container command group, mapped onto the top-level
//! commands.

use clap::{Args, Subcommand};

use super::{
    commit, cp, diff, export, inspect, lifecycle, port, ps, rename, rm, run, stats, top, update,
};

/// Arguments of `berth container`.
#[derive(Debug, Clone, Args)]
pub struct ContainerArgs {
    #[command(subcommand)]
    pub command: ContainerCommand,
}

/// The subcommands of `berth container`.
#[derive(Debug, Clone, Subcommand)]
pub enum ContainerCommand {
    /// List containers
    #[command(visible_alias = "list", visible_alias = "ps")]
    Ls(ps::PsArgs),
    /// Run a command in a new container
    Run(Box<run::RunArgs>),
    /// Remove one or more containers
    Rm(rm::RmArgs),
    /// Show the configuration and state of containers
    Inspect(ContainerInspectArgs),
    /// Rename a container
    Rename(rename::RenameArgs),
    /// Remove all containers that are not running
    Prune(PruneArgs),
    /// Exit 0 when a container exists, 1 when it does not
    Exists(ExistsArgs),
    /// Show the files a container changed, added or deleted
    Diff(diff::DiffArgs),
    /// Write a container's filesystem as a tarball
    Export(export::ExportArgs),
    /// Create an image from a container's changes
    Commit(commit::CommitArgs),
    /// Copy files between a container and the host
    Cp(cp::CpArgs),
    /// Stop running containers
    Stop(lifecycle::StopArgs),
    /// Send a signal to running containers
    Kill(lifecycle::KillArgs),
    /// Wait for containers to reach a condition (default: exited) and print their exit codes
    Wait(lifecycle::WaitArgs),
    /// Show a container's log
    Logs(lifecycle::LogsArgs),
    /// Pause containers (cgroup freezer)
    Pause(lifecycle::PauseArgs),
    /// Unpause paused containers
    Unpause(lifecycle::PauseArgs),
    /// Show containers' resource use
    Stats(stats::StatsArgs),
    /// Change a container's resource limits
    Update(Box<update::UpdateArgs>),
    /// Show the processes of a running container
    Top(top::TopArgs),
    /// List a container's published ports
    Port(port::PortArgs),
}

/// Arguments of `berth container inspect`.
#[derive(Debug, Clone, Args)]
pub struct ContainerInspectArgs {
    /// Output format: `json`, or a Go template with field paths such as `{{.State.Status}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Containers to inspect (names or ids)
    #[arg(value_name = "CONTAINER", required = true)]
    pub names: Vec<String>,
}

impl From<ContainerInspectArgs> for inspect::InspectArgs {
    fn from(a: ContainerInspectArgs) -> Self {
        inspect::InspectArgs {
            kind: inspect::InspectType::Container,
            format: a.format,
            names: a.names,
        }
    }
}

/// Arguments of `berth container prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// Arguments of `berth container exists`.
#[derive(Debug, Clone, Args)]
pub struct ExistsArgs {
    /// Also look at containers in storage that berth does not control (berth's store holds
    /// only its own containers, so the answer is the same)
    #[arg(long)]
    pub external: bool,
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}
