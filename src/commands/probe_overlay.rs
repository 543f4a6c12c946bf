//! The hidden `berth __probe-overlay`: mount a tiny overlay in the session and print which
//! implementation did it (`kernel` or `fuse`). `berth info` runs it as a child.

use crate::config::{Config, Paths};
use crate::error::{Context, HintContext, Result};

/// Run `berth __probe-overlay`.
pub fn execute() -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let config = Config::load(&paths).context("load berth's configuration")?;
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let kind = crate::storage::overlay::probe(config.storage.overlay, &paths.runtime)
        .hinted_context("mount a test overlay")?;
    println!("{}", kind.name());
    Ok(())
}
