//! `berth images`.

use crate::cli::images::ImagesArgs;
use crate::error::{Error, Result};

/// Run `berth images`.
pub fn execute(_args: ImagesArgs) -> Result<()> {
    Err(Error::msg("`berth images` is not available in this build"))
}
