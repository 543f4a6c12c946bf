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
    for warning in &opts.extras.warnings {
        eprintln!("{warning}");
    }
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
    replace_existing(&opts)?;
    match crate::run::spawn::run(&opts, link)? {
        0 => Ok(()),
        code => Err(Error::Exit(code)),
    }
}

/// `--replace`: remove the container that has the new one's name, running or not.
pub fn replace_existing(opts: &RunOptions) -> Result<()> {
    let (true, Some(name)) = (opts.extras.replace, &opts.name) else {
        return Ok(());
    };
    let paths = crate::config::Paths::discover().context("find berth's directories")?;
    match crate::storage::container::find(&paths.data, name) {
        Ok(c) if c.config.name == *name => crate::commands::rm::remove_one(&paths, &c, true)
            .with_context(|| format!("--replace: remove container `{name}`")),
        _ => Ok(()),
    }
}

fn options(args: RunArgs) -> Result<RunOptions> {
    RunOptions::from_args(args, |k| std::env::var(k).ok()).context("invalid run options")
}

/// `--network container:X` and `ns:PATH`, and `--ipc container:X`: the process whose user
/// namespace owns the namespace to join, which the session joins (see
/// `SessionRequest::join_userns_of`). Both must be in the same user namespace.
pub fn network_owner(opts: &RunOptions) -> Result<Option<i32>> {
    let net = match &opts.network {
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
    let ipc = match &opts.extras.ipc {
        crate::spec::IpcMode::Container(key) => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            Some(crate::run::spawn::ipc_owner(&paths.data, key)?.1)
        }
        _ => None,
    };
    match (net, ipc) {
        (Some(n), Some(i)) if !same_userns(n, i) => Err(Error::msg(
            "--network and --ipc name namespaces of different sessions: berth can join only one",
        )
        .hint("use the same container for --network container: and --ipc container:")),
        (n, i) => Ok(n.or(i)),
    }
}

/// Are processes `a` and `b` in the same user namespace?
fn same_userns(a: i32, b: i32) -> bool {
    let ns = |pid: i32| std::fs::read_link(format!("/proc/{pid}/ns/user")).ok();
    a == b || matches!((ns(a), ns(b)), (Some(x), Some(y)) if x == y)
}
