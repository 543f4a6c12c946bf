//! `berth import`.

use crate::cli::import::ImportArgs;
use crate::error::{Error, Result};

/// Run `berth import`.
pub fn execute(_args: ImportArgs) -> Result<()> {
    Err(Error::msg("`berth import` is not available in this build"))
}
