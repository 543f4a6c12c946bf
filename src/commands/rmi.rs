//! `berth rmi`.

use crate::cli::rmi::RmiArgs;
use crate::error::{Error, Result};

/// Run `berth rmi`.
pub fn execute(_args: RmiArgs) -> Result<()> {
    Err(Error::msg("`berth rmi` is not available in this build"))
}
