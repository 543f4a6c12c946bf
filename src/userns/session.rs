//! The session re-exec: P0 spawns S, writes its id maps, and waits.

use crate::error::{Error, Result};

/// Which process this is.
#[derive(Debug)]
pub enum Stage {
    /// P0, the host process, running as the real user.
    Host,
    /// S, inside the session user namespace as uid 0.
    Session,
}

/// Stage dispatch: the first call in `main`.
pub fn dispatch() -> Stage {
    Stage::Host
}

/// P0: run this same command line again inside the session user namespace.
pub fn run_in_session() -> Result<()> {
    Err(Error::msg("the session is not available in this build"))
}
