//! `berth run`.

use crate::cli::run::RunArgs;
use crate::error::{Error, Result};
use crate::userns::session::Stage;

/// Run `berth run`.
pub fn execute(_args: RunArgs, _stage: Stage) -> Result<()> {
    Err(Error::msg("`berth run` is not available in this build"))
}
