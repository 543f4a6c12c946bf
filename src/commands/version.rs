//! `berth version`.

use crate::cli::version::VersionArgs;
use crate::error::{Error, Result};

/// Run `berth version`.
pub fn execute(_args: VersionArgs) -> Result<()> {
    Err(Error::msg("`berth version` is not available in this build"))
}
