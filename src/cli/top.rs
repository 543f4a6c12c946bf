//! `berth top` arguments.

use clap::Args;

/// Arguments of `berth top`.
#[derive(Debug, Clone, Args)]
pub struct TopArgs {
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,

    /// Format descriptors (user, pid, ppid, pcpu, etime, tty, time, args, comm, group, nice,
    /// pgid, rgroup, ruser, state, vsz), or arguments for the container's own `ps`
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "DESCRIPTORS|PS-ARGS"
    )]
    pub descriptors: Vec<String>,
}
