//! `berth kube` arguments, as podman spells them.

use clap::{Args, Subcommand};

/// Arguments of `berth kube`.
#[derive(Debug, Clone, Args)]
pub struct KubeArgs {
    #[command(subcommand)]
    pub command: KubeCommand,
}

/// The `kube` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum KubeCommand {
    /// Create pods, containers and volumes from Kubernetes YAML
    Play(KubePlayArgs),
    /// Remove the pods (and the volumes they owned) that `kube play` made from a file
    Down(KubeDownArgs),
    /// Write Kubernetes YAML for containers or pods
    Generate(KubeGenerateArgs),
}

/// Arguments of `berth kube play`.
#[derive(Debug, Clone, Args)]
pub struct KubePlayArgs {
    /// Remove what the file makes first, if it exists
    #[arg(long)]
    pub replace: bool,
    /// Remove what the file made instead (as `kube down`)
    #[arg(long)]
    pub down: bool,
    /// The network mode of every pod (as `pod create --network`)
    #[arg(long, value_name = "MODE")]
    pub network: Vec<String>,
    /// Set or override a published port of every pod: [IP:]HOSTPORT:CONTAINERPORT[/PROTOCOL]
    #[arg(long, value_name = "PORT")]
    pub publish: Vec<String>,
    /// YAML files with ConfigMaps (and Secrets) the pods use
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    pub configmap: Vec<std::path::PathBuf>,
    /// Start the pods (the default); --start=false only creates them
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", default_value = "true")]
    pub start: bool,
    /// Add an annotation to every container: KEY=VALUE (the value at most 63 characters)
    #[arg(long, value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,
    /// Log driver of every container (as `run --log-driver`)
    #[arg(long, value_name = "DRIVER")]
    pub log_driver: Option<String>,
    /// Build images from directories named after them (not supported yet)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub build: Option<bool>,
    /// Print nothing but errors
    #[arg(short, long)]
    pub quiet: bool,
    /// The YAML file, or - for stdin
    #[arg(value_name = "FILE|-")]
    pub file: String,
}

/// Arguments of `berth kube down`.
#[derive(Debug, Clone, Args)]
pub struct KubeDownArgs {
    /// The YAML file, or - for stdin
    #[arg(value_name = "FILE|-")]
    pub file: String,
}

/// Arguments of `berth kube generate`.
#[derive(Debug, Clone, Args)]
pub struct KubeGenerateArgs {
    /// Also write a Service for the published ports
    #[arg(short, long)]
    pub service: bool,
    /// Write the YAML to this file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub filename: Option<std::path::PathBuf>,
    /// Containers or pods (names or ids)
    #[arg(value_name = "CONTAINER|POD", required = true)]
    pub names: Vec<String>,
}

/// `berth play kube`: podman 4's older spelling of `kube play`.
#[derive(Debug, Clone, Args)]
pub struct PlayArgs {
    #[command(subcommand)]
    pub command: PlayCommand,
}

/// The `play` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum PlayCommand {
    /// Create pods, containers and volumes from Kubernetes YAML (as `kube play`)
    Kube(KubePlayArgs),
}
