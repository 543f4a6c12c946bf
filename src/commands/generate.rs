//! The hidden `berth __generate`: man pages and completions from the clap definitions.

use crate::cli::GenerateArgs;
use crate::error::{Error, Result};

/// Run `berth __generate`.
pub fn execute(_args: GenerateArgs) -> Result<()> {
    Err(Error::msg("`berth __generate` is not available in this build"))
}
