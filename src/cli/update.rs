//! `berth update` arguments.

use clap::Args;

/// Arguments of `berth update`.
#[derive(Debug, Clone, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub limits: super::cgroup_options::LimitArgs,
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}
