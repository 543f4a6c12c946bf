//! `berth run`: validate the options in the host process, then run the container from the
//! session, in the foreground.

use crate::cli::run::RunArgs;
use crate::error::{Context, Error, Result};
use crate::spec::RunOptions;
use crate::userns::session::Stage;

/// Run `berth run`.
pub fn execute(args: RunArgs, stage: Stage) -> Result<()> {
    let opts =
        RunOptions::from_args(args, |k| std::env::var(k).ok()).context("invalid run options")?;
    match stage {
        // Usage errors are caught above, before anything is spawned.
        Stage::Host => {
            // The network half of a pull runs here, before the session exists.
            crate::net::bridge::holder::check_networks(&opts.user_networks)?;
            crate::commands::pull::ensure_image(&opts.image, opts.pull)?;
            join_network_owner(&opts)?;
            if !opts.user_networks.is_empty() {
                let paths = crate::config::Paths::discover().context("find berth's directories")?;
                crate::net::bridge::holder::prepare_session(&paths, &opts.user_networks)?;
            }
            crate::userns::session::run_in_session()
        }
        Stage::Session(link) => match crate::run::spawn::run(&opts, &link)? {
            0 => Ok(()),
            code => Err(Error::Exit(code)),
        },
    }
}

/// `--network container:X` and `ns:PATH`: the session joins the user namespace that owns the
/// network namespace (see `userns::session::join_user_namespace_of`).
pub fn join_network_owner(opts: &RunOptions) -> Result<()> {
    let pid = match &opts.network {
        crate::spec::NetworkMode::Container(key) => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            Some(crate::net::network_owner(&paths.data, key)?.1)
        }
        crate::spec::NetworkMode::Ns(path) => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            Some(crate::net::ns_owner(&paths, path)?)
        }
        _ => None,
    };
    crate::userns::session::join_user_namespace_of(pid);
    Ok(())
}
