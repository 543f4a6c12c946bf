//! `berth pause` and `berth unpause`: not available, and saying why.
//!
//! Pausing needs the cgroup freezer, and berth does not place containers in cgroups yet (it
//! would need a delegated cgroup v2 subtree). Rather than stop processes with SIGSTOP, which
//! a container can see, berth refuses with a clear error, as podman does for rootless
//! containers without cgroup v2.

use crate::cli::lifecycle::PauseArgs;
use crate::error::{Error, Result};

/// Run `berth pause` or `berth unpause`.
pub fn execute(args: &PauseArgs, verb: &str) -> Result<()> {
    let names = args.containers.join(", ");
    Err(Error::msg(format!(
        "cannot {verb} `{names}`: berth does not place containers in cgroups yet, and pausing needs the cgroup v2 freezer"
    ))
    .hint("stop and start the container instead (`berth stop`, `berth start`)"))
}
