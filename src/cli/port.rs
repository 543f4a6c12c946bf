//! `berth port` arguments.

use clap::Args;

/// Arguments of `berth port`.
#[derive(Debug, Clone, Args)]
pub struct PortArgs {
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// Show only this container port: PORT[/PROTOCOL]
    #[arg(value_name = "PRIVATE_PORT")]
    pub port: Option<String>,
}
