//! `berth info`.

use crate::cli::info::InfoArgs;
use crate::error::{Error, Result};

/// Run `berth info`.
pub fn execute(_args: InfoArgs) -> Result<()> {
    Err(Error::msg("`berth info` is not available in this build"))
}
