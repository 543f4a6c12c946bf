//! `berth exec` arguments, as podman spells them.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `berth exec`.
#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    /// Run the command in the background (stdio on /dev/null)
    #[arg(short, long)]
    pub detach: bool,

    /// Keep stdin open
    #[arg(short, long)]
    pub interactive: bool,

    /// Allocate a pseudo-terminal
    #[arg(short, long)]
    pub tty: bool,

    /// Set an environment variable (KEY=VALUE, or KEY to take it from the host)
    #[arg(short, long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Read environment variables from a file
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// Run as user: name or uid, with an optional :group or :gid
    #[arg(short, long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,

    /// Working directory inside the container
    #[arg(short, long, value_name = "DIR")]
    pub workdir: Option<String>,

    /// Give the process every capability (still inside the user namespace)
    #[arg(long)]
    pub privileged: bool,

    /// The container (name or id), then the command and its arguments
    #[arg(
        required = true,
        num_args = 2..,
        trailing_var_arg = true,
        value_name = "CONTAINER COMMAND [ARG...]"
    )]
    pub container_and_command: Vec<String>,
}
