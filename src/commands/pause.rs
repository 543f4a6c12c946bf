//! `berth pause` and `berth unpause`: freeze and thaw a container's cgroup (`cgroup.freeze`,
//! which needs no controller). A container without a cgroup of its own (no delegated subtree,
//! or `--cgroups=disabled`) cannot be paused, and berth says why rather than stop processes
//! with SIGSTOP, which a container can see.

use crate::cgroup::Leaf;
use crate::cli::lifecycle::PauseArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{Container, Status};

/// The leaf of a running container, or the reason it has none.
pub fn running_leaf(ctr: &Container, verb: &str) -> Result<Leaf> {
    let state = ctr
        .state()
        .with_context(|| format!("read the state of container `{}`", ctr.config.name))?;
    if state.status != Status::Running || !state.is_alive() {
        // podman's words.
        return Err(Error::msg(format!(
            "\"{}\" is not running, can't {verb}: container state improper",
            ctr.config.name
        )));
    }
    match crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id) {
        Some(leaf) if leaf.exists() => Ok(leaf),
        _ => Err(Error::msg(format!(
            "cannot {verb} `{}`: it has no cgroup of its own, and pausing needs the cgroup v2 freezer",
            ctr.config.name
        ))
        .hint("berth gives containers a cgroup where it has a delegated cgroup v2 subtree (see `berth info`, host.cgroupControllers and berth.toml [cgroups]); --cgroups=disabled gives none")),
    }
}

/// Run `berth pause` (`pause` true) or `berth unpause`.
pub fn execute(args: &PauseArgs, verb: &str) -> Result<()> {
    let pause = verb == "pause";
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = super::lifecycle::targets(&paths, &args.containers, false)?;
    super::lifecycle::each(targets, |key, ctr| {
        let _lock = ctr.lock().context("lock the container")?;
        let leaf = running_leaf(ctr, verb)?;
        if leaf.is_frozen() == pause {
            return Err(Error::msg(format!(
                "\"{}\" is {}, can't {verb}: container state improper",
                ctr.config.name,
                if pause { "paused" } else { "not paused" }
            )));
        }
        leaf.freeze(pause)
            .map_err(|e| crate::cgroup::into_error(format!("{verb} container `{key}`"), e))?;
        crate::storage::events::container(verb, &ctr.config, None);
        println!("{key}");
        Ok(())
    })
}

/// Is a running container paused?
pub fn is_paused(ctr: &Container) -> bool {
    crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id)
        .is_some_and(|l| l.is_frozen())
}
