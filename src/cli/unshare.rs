//! `berth unshare` arguments.

use clap::Args;

/// Arguments of `berth unshare`.
#[derive(Debug, Clone, Args)]
pub struct UnshareArgs {
    /// Also join the rootless network namespace of user networks (not supported by berth)
    #[arg(long)]
    pub rootless_netns: bool,
    /// The command and its arguments (default: $SHELL, else /bin/sh)
    #[arg(
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
}
