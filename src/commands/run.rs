//! `berth run`: validate the options in the host process, then run the container from the
//! session, in the foreground.

use crate::cli::run::RunArgs;
use crate::cli::run_options::OptionsError;
use crate::error::{Context, Error, Result};
use crate::spec::RunOptions;
use crate::userns::session::{SessionLink, SessionRequest};

/// P0's half of `berth run`: validate (usage errors cost no fork), pull the image (the
/// network half of a pull runs here, before the session exists), and find the user
/// namespace the session joins.
pub fn host_half(args: RunArgs) -> Result<SessionRequest> {
    crate::commands::pod::join::create_new_pod(&args)?;
    let opts = options(args)?;
    for warning in &opts.extras.warnings {
        eprintln!("{warning}");
    }
    if opts.tty
        && opts.interactive
        && !opts.detach
        && !std::io::IsTerminal::is_terminal(&std::io::stdin())
    {
        // podman's warning, which scripts look for; the container still runs.
        eprintln!(
            "warning: The input device is not a TTY. The --tty and --interactive flags might not work properly"
        );
    }
    check_cgroup(&opts)?;
    crate::net::bridge::holder::check_networks(&opts.user_networks)?;
    crate::commands::pull::ensure_image(&opts.image, opts.pull)?;
    start_pod_infra(&opts)?;
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

/// Refuse limits the host cannot apply before anything starts, and leave the cgroup
/// containers go in if berth runs in it (`cgroup::leave_parent`).
pub fn check_cgroup(opts: &RunOptions) -> Result<()> {
    if let Some(dir) = crate::run::spawn::cgroup_dir(&opts.extras.cgroup)? {
        crate::cgroup::leave_parent(&dir, &opts.extras.cgroup).map_err(|e| {
            crate::cgroup::into_error("move berth out of the containers' cgroup", e)
        })?;
    }
    Ok(())
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
    options_for(args, "invalid run options")
}

/// `run`'s and `create`'s options from their flags: parsed, the pod joined, `--volumes-from`
/// added. `what` heads a parse error.
pub fn options_for(args: RunArgs, what: &'static str) -> Result<RunOptions> {
    let from = args.volumes_from.clone();
    let asked = crate::commands::pod::join::Asked::of(&args);
    let mut opts = match RunOptions::from_args(args, |k| std::env::var(k).ok()) {
        // podman's words, which scripts match: `Error: /data: duplicate mount destination`.
        Err(e @ (OptionsError::DuplicateMount(_) | OptionsError::SignalRange)) => {
            return Err(Error::msg(e.to_string()))
        }
        other => other.context(what)?,
    };
    crate::commands::pod::join::apply(&mut opts, asked)?;
    add_volumes_from(&mut opts, &from)?;
    Ok(opts)
}

/// P0: a pod member joins its infra's namespaces, so the infra must run first (the infra
/// itself joins nothing).
pub fn start_pod_infra(opts: &RunOptions) -> Result<()> {
    match &opts.extras.pod {
        Some(pod) if !opts.extras.infra => {
            let paths = crate::config::Paths::discover().context("find berth's directories")?;
            crate::commands::pod::ensure_infra_running(&paths, pod)
        }
        _ => Ok(()),
    }
}

/// `--volumes-from CONTAINER[:ro|rw]`: the other container's bind mounts and volumes, on
/// the paths this container does not mount anything else on. Its anonymous volumes are
/// shared, not owned: removing this container leaves them.
pub fn add_volumes_from(opts: &mut RunOptions, from: &[String]) -> Result<()> {
    if from.is_empty() {
        return Ok(());
    }
    let paths = crate::config::Paths::discover().context("find berth's directories")?;
    for spec in from {
        let (name, mode) = match spec.rsplit_once(':') {
            Some((n, m)) => (n, Some(m)),
            None => (spec.as_str(), None),
        };
        let readonly = match mode {
            None => None,
            Some("ro") => Some(true),
            Some("rw") => Some(false),
            // SELinux relabelling has nothing to do here.
            Some("z" | "Z") => None,
            Some(other) => {
                return Err(Error::msg(format!(
                    "invalid --volumes-from `{spec}`: unknown option `{other}` (want ro or rw)"
                )))
            }
        };
        let source = crate::storage::container::find(&paths.data, name)
            .map_err(|e| Error::from_source(format!("--volumes-from `{spec}`"), e))?;
        let theirs = &source.config.options;
        let taken = |target: &str, opts: &RunOptions| {
            use crate::storage::volume::normalize_target as norm;
            let t = norm(target);
            let targets = opts.volumes.iter().map(|b| &b.target);
            let targets = targets.chain(opts.named_volumes.iter().map(|v| &v.target));
            let mut targets = targets.chain(opts.tmpfs.iter().map(|m| &m.target));
            targets.any(|other| norm(other) == t)
        };
        for b in &theirs.volumes {
            if !taken(&b.target, opts) {
                let mut b = b.clone();
                b.readonly = readonly.unwrap_or(b.readonly);
                opts.volumes.push(b);
            }
        }
        for v in &theirs.named_volumes {
            if !taken(&v.target, opts) {
                let mut v = v.clone();
                v.readonly = readonly.unwrap_or(v.readonly);
                v.anonymous = false;
                v.copy_up = false;
                opts.named_volumes.push(v);
            }
        }
    }
    Ok(())
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
    let uts = match &opts.extras.uts {
        crate::spec::UtsMode::Container(key) => {
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
        (n, i) => Ok(n.or(i).or(uts)),
    }
}

/// Are processes `a` and `b` in the same user namespace?
fn same_userns(a: i32, b: i32) -> bool {
    let ns = |pid: i32| std::fs::read_link(format!("/proc/{pid}/ns/user")).ok();
    a == b || matches!((ns(a), ns(b)), (Some(x), Some(y)) if x == y)
}
