//! `berth generate systemd` arguments (podman 4's, for those who still use it).

use clap::{Args, Subcommand};

/// Arguments of `berth generate`.
#[derive(Debug, Clone, Args)]
pub struct GenerateUnitsArgs {
    #[command(subcommand)]
    pub command: GenerateCommand,
}

/// The `generate` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum GenerateCommand {
    /// Generate a systemd unit for a container
    Systemd(GenerateSystemdArgs),
    /// Write Kubernetes YAML for containers or pods (podman 4's spelling of `kube generate`)
    Kube(super::kube::KubeGenerateArgs),
}

/// Arguments of `berth generate systemd`.
#[derive(Debug, Clone, Args)]
pub struct GenerateSystemdArgs {
    /// Create a new container at each start, and remove it at stop
    #[arg(long)]
    pub new: bool,
    /// Use the container's name instead of its id in the unit
    #[arg(short, long)]
    pub name: bool,
    /// Write the unit into the current directory and print its path
    #[arg(short, long)]
    pub files: bool,
    /// The unit's Restart= policy: no, on-success, on-failure, on-abnormal, on-watchdog,
    /// on-abort, always
    #[arg(long, value_name = "POLICY", default_value = "on-failure")]
    pub restart_policy: String,
    /// The unit's RestartSec= in seconds
    #[arg(long, value_name = "SECONDS")]
    pub restart_sec: Option<u32>,
    /// Stop timeout in seconds (default: the container's, else 10)
    #[arg(
        short,
        long = "time",
        visible_alias = "stop-timeout",
        value_name = "SECONDS"
    )]
    pub time: Option<u32>,
    /// The unit's TimeoutStartSec= in seconds
    #[arg(long, value_name = "SECONDS")]
    pub start_timeout: Option<u32>,
    /// The unit name's prefix
    #[arg(long, value_name = "PREFIX", default_value = "container")]
    pub container_prefix: String,
    /// Between the prefix and the name
    #[arg(long, value_name = "SEPARATOR", default_value = "-")]
    pub separator: String,
    /// Leave out the header with the version and date
    #[arg(long)]
    pub no_header: bool,
    /// Add Wants= to [Unit]
    #[arg(long, value_name = "UNIT")]
    pub wants: Vec<String>,
    /// Add After= to [Unit]
    #[arg(long, value_name = "UNIT")]
    pub after: Vec<String>,
    /// Add Requires= to [Unit]
    #[arg(long, value_name = "UNIT")]
    pub requires: Vec<String>,
    /// Print the units as JSON (unit name -> text)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The container (a name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}
