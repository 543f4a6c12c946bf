//! `berth rename`: give a container a new name. Runs in P0: the names and config.json
//! belong to the user.

use crate::cli::rename::RenameArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container;

/// Run `berth rename`.
pub fn execute(args: RenameArgs) -> Result<()> {
    if !crate::spec::valid_name(&args.name) {
        return Err(Error::msg(format!(
            "invalid container name `{}`: use letters, digits, `_`, `.` and `-`, starting with a letter or digit",
            args.name
        )));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = super::container::find(&paths, &args.container)?;
    container::rename(&paths.data, &ctr, &args.name)
        .with_context(|| format!("rename container `{}`", ctr.config.name))?;
    let mut renamed = ctr.config.clone();
    renamed.name = args.name.clone();
    crate::storage::events::container("rename", &renamed, None);
    Ok(())
}
