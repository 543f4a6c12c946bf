//! `berth run`: validate the options in the host process, then run the container from the
//! session, in the foreground.

use crate::cli::run::RunArgs;
use crate::error::{Context, Error, Result};
use crate::spec::RunOptions;
use crate::userns::session::{SessionLink, SessionRequest};

/// P0's half of `berth run`: validate (usage errors cost no fork), pull the image (the
/// network half of a pull runs here, before the session exists), and find the user
/// namespace the session joins.
pub fn host_half(args: RunArgs) -> Result<SessionRequest> {
    let opts = options(args)?;
    crate::net::bridge::holder::check_networks(&opts.user_networks)?;
    crate::commands::pull::ensure_image(&opts.image, opts.pull)?;
    let mut join = network_owner(&opts)?;
    if !opts.user_networks.is_empty() {
        let paths = crate::config::Paths::discover().context("find berth's directories")?;
        join = crate::net::bridge::holder::prepare_session(
            &paths,
            &opts.user_networks,
            super::launch,
        )?;
    }
    Ok(SessionRequest::same_command_line().joining(join))
}

/// The session's half of `berth run`: run the container in the foreground.
pub fn in_session(args: RunArgs, link: &SessionLink) -> Result<()> {
    let opts = options(args)?;
    match crate::run::spawn::run(&opts, link)? {
        0 => Ok(()),
        code => Err(Error::Exit(code)),
    }
}

fn options(args: RunArgs) -> Result<RunOptions> {
    RunOptions::from_args(args, |k| std::env::var(k).ok()).context("invalid run options")
}

/// `--network container:X` and `ns:PATH`: the process whose user namespace owns the network
/// namespace, which the session joins (see `SessionRequest::join_userns_of`).
pub fn network_owner(opts: &RunOptions) -> Result<Option<i32>> {
    Ok(match &opts.network {
        crate::spec::NetworkMode::Container(key) => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            Some(crate::net::network_owner(&paths.data, key)?.1)
        }
        crate::spec::NetworkMode::Ns(path) => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            Some(crate::net::ns_owner(&paths, path)?)
        }
        _ => None,
    })
}
