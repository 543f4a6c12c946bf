//! The container lifecycle: `create`, `start`, `stop`, `kill`, `restart`, `wait`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::lifecycle::{KillArgs, RestartArgs, StartArgs, StopArgs, WaitArgs};
use crate::cli::run::RunArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result, EXIT_CANNOT_INVOKE, EXIT_NOT_FOUND};
use crate::run::control::{self, ControlError, Target};
use crate::spec::{parse_signal, RunOptions};
use crate::storage::container::{self, Container, ContainerError, Status};
use crate::userns::session::{SessionLink, SessionRequest};

/// podman's status when a named container does not exist.
const EXIT_NO_SUCH: i32 = 125;

/// P0's half of `berth create`: validate, and pull the image (the network half of a pull
/// runs in P0, as for `run`).
pub fn create_host_half(args: RunArgs) -> Result<SessionRequest> {
    crate::commands::pod::join::create_new_pod(&args)?;
    let opts = create_options(args)?;
    for warning in &opts.extras.warnings {
        eprintln!("{warning}");
    }
    crate::commands::run::check_cgroup(&opts)?;
    crate::net::bridge::holder::check_networks(&opts.user_networks)?;
    crate::commands::pull::ensure_image(&opts.image, opts.pull)?;
    Ok(SessionRequest::same_command_line())
}

/// The session's half of `berth create`: record the container.
pub fn create_in_session(args: RunArgs) -> Result<()> {
    let opts = create_options(args)?;
    crate::commands::run::replace_existing(&opts)?;
    let ctr = crate::run::spawn::create(&opts)?;
    println!("{}", ctr.config.id);
    Ok(())
}

fn create_options(args: RunArgs) -> Result<RunOptions> {
    crate::commands::run::options_for(args, "invalid create options")
}

/// The command line of the session that starts one container of `berth start`.
fn start_args(args: &StartArgs, name: &str) -> Vec<OsString> {
    let mut argv: Vec<OsString> = vec!["start".into()];
    if args.attach {
        argv.push("--attach".into());
    }
    if args.interactive {
        argv.push("--interactive".into());
    }
    argv.push(name.into());
    argv
}

/// P0's half of `berth start`: one session per container, each staying behind as its
/// monitor.
pub fn start(args: &StartArgs) -> Result<()> {
    let mut first_error = None;
    for name in &start_targets(args)? {
        if let Err(e) = start_session(name, start_args(args, name)) {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// What `start` starts, each by the key it prints: the names as given (with `--filter`,
/// those that match), or the ids of the containers `--all`, `--latest` or `--filter` pick
/// (those not running).
fn start_targets(args: &StartArgs) -> Result<Vec<String>> {
    let named = !args.containers.is_empty();
    if args.all && named {
        return Err(Error::msg(
            "either start all containers or the container(s) provided in the arguments",
        ));
    }
    if args.latest && named {
        return Err(Error::msg(
            "--latest and containers cannot be used together",
        ));
    }
    let filters = parse_filters(&args.filter)?;
    if !named && !args.all && !args.latest && filters.is_empty() {
        return Err(Error::msg("you must provide at least one name or id")
            .hint("name the containers to start, or use --all, --latest or --filter"));
    }
    if named && filters.is_empty() {
        return Ok(args.containers.clone());
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let matches = |c: &Container| {
        let state = c
            .state()
            .unwrap_or_else(|_| container::ContainerState::created());
        crate::commands::ps::all_match(&filters, c, &state)
    };
    if named {
        // A name that does not resolve stays, so that starting it reports the error.
        return Ok(args
            .containers
            .iter()
            .filter(|n| container::find(&paths.data, n).map_or(true, |c| matches(&c)))
            .cloned()
            .collect());
    }
    let mut all = container::list(&paths.data).context("list containers")?;
    all.sort_by_key(|c| c.config.created);
    if args.latest {
        all = all.pop().into_iter().collect();
    }
    Ok(all
        .into_iter()
        .filter(|c| !c.state().is_ok_and(|s| s.status == Status::Running) && matches(c))
        .map(|c| c.config.id)
        .collect())
}

/// `--filter` values, as `ps` takes them.
fn parse_filters(texts: &[String]) -> Result<Vec<crate::commands::ps::Filter>> {
    texts
        .iter()
        .map(|f| crate::commands::ps::Filter::parse(f))
        .collect()
}

/// How a command names the containers it acts on (`stop`, `rm`): on the command line or
/// in `--cidfile` files, or picked by `--all`, `--latest` or `--filter`.
pub(crate) struct Selection<'a> {
    pub names: &'a [String],
    pub cidfiles: &'a [PathBuf],
    pub all: bool,
    pub latest: bool,
    pub filters: &'a [String],
    /// `--all` picks the running containers only (`stop`), not every one (`rm`).
    pub all_running: bool,
    /// `--ignore`: a missing cidfile names no container (podman's units stop with
    /// `rm --ignore --cidfile` after the file may be gone).
    pub ignore: bool,
}

/// The containers a [`Selection`] names, each with the key printed for it: the name as
/// given, the id read from a cidfile, or the id of a picked container. Picked ones come in
/// creation order.
pub(crate) fn select(
    paths: &Paths,
    s: &Selection<'_>,
) -> Result<Vec<(String, std::result::Result<Container, ContainerError>)>> {
    let mut names = s.names.to_vec();
    for file in s.cidfiles {
        let text = match std::fs::read_to_string(file) {
            Err(e) if s.ignore && e.kind() == std::io::ErrorKind::NotFound => continue,
            read => read.map_err(|e| {
                Error::from_source(format!("read the cidfile `{}`", file.display()), e)
            })?,
        };
        names.push(text.lines().next().unwrap_or("").trim().to_string());
    }
    if names.is_empty() && !s.cidfiles.is_empty() && s.ignore {
        return Ok(Vec::new());
    }
    let named = !names.is_empty();
    let refuse = |what: &str| Err(Error::msg(what.to_string()));
    if s.all && named {
        return refuse("no arguments are needed with --all");
    }
    if !s.filters.is_empty() && named {
        return refuse("--filter takes no arguments");
    }
    if s.latest && named {
        return refuse("--latest and containers cannot be used together");
    }
    if !named && !s.all && !s.latest && s.filters.is_empty() {
        return Err(Error::msg("you must provide at least one name or id")
            .hint("name the containers, or use --all, --latest, --filter or --cidfile"));
    }
    if named {
        return Ok(names
            .into_iter()
            .map(|n| {
                let found = container::find(&paths.data, &n);
                (n, found)
            })
            .collect());
    }
    let filters = parse_filters(s.filters)?;
    let mut all = container::list(&paths.data).context("list containers")?;
    all.sort_by_key(|c| c.config.created);
    if s.latest {
        all = all.pop().into_iter().collect();
    }
    let mut out = Vec::new();
    for c in all {
        let state = c
            .state()
            .unwrap_or_else(|_| container::ContainerState::created());
        if s.all && s.all_running && state.status != Status::Running {
            continue;
        }
        if crate::commands::ps::all_match(&filters, &c, &state) {
            out.push((c.config.id.clone(), Ok(c)));
        }
    }
    Ok(out)
}

/// P0: start the stored container `key` in a session that runs `argv`, in the user
/// namespace its network needs: the holder's on user networks, the owner's with
/// `--network container:X` or `ns:PATH` (that namespace owns the network it joins), else
/// its own.
fn start_session(key: &str, argv: Vec<OsString>) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let options = find(&paths, key)?.config.options;
    crate::commands::run::start_pod_infra(&options)?;
    let owner = crate::commands::run::network_owner(&options)?;
    let holder = crate::net::bridge::holder::prepare_for_container(key, super::launch)?;
    super::launch(&SessionRequest::new(argv).joining(holder.or(owner)))
}

/// The session's half of `berth start`: start the one container named, and stay as its
/// monitor.
pub fn start_in_session(args: &StartArgs, link: &SessionLink) -> Result<()> {
    let name = &args.containers[0];
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = find(&paths, name)?;
    let lock = ctr.lock().context("lock the container")?;
    let state = ctr
        .state()
        .with_context(|| format!("read the state of container `{name}`"))?;
    if state.status != Status::Running {
        // A monitor that is still finishing the last run must be done before this one.
        control::wait_monitor_gone(&ctr, Duration::from_secs(10));
    }
    if state.status == Status::Running {
        // Starting a running container changes nothing, as in podman.
        println!("{name}");
        return Ok(());
    }
    let mut prepared = crate::run::spawn::prepare(ctr)?;
    prepared.opts.interactive = args.interactive;
    // A container that cannot start is berth's failure to `start` (125), as in podman; `run`
    // keeps 126 and 127 for a command it cannot invoke or find.
    let started = crate::run::spawn::start(prepared, !args.attach, link, name, Some(lock))
        .map_err(|e| match e {
            Error::Failed { code, .. } if code == EXIT_CANNOT_INVOKE || code == EXIT_NOT_FOUND => {
                e.with_code(crate::error::EXIT_BERTH)
            }
            e => e,
        })?;
    match started {
        0 => Ok(()),
        code if args.attach => Err(Error::Exit(code)),
        _ => Ok(()),
    }
}

/// `berth stop`.
pub fn stop(args: StopArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let selection = Selection {
        names: &args.containers,
        cidfiles: &args.cidfile,
        all: args.all,
        latest: args.latest,
        filters: &args.filter,
        all_running: true,
        ignore: args.ignore,
    };
    let targets = select(&paths, &selection)?
        .into_iter()
        .filter_map(|(key, found)| match found {
            Err(ContainerError::NotFound(_)) if args.ignore => None,
            found => Some((key, found.map_err(no_such))),
        })
        .collect();
    each(targets, |key, ctr| {
        let (signal, timeout) = stop_settings(&paths, ctr, args.time);
        let _lock = ctr.lock().context("lock the container")?;
        let was_running = ctr.state().is_ok_and(|s| s.status == Status::Running);
        let started = std::time::Instant::now();
        control::stop(ctr, signal, timeout).context("stop container")?;
        crate::storage::events::container("stop", &ctr.config, None);
        // `control::stop` returns before the timeout unless the signal failed and it sent
        // SIGKILL: say so, as podman does.
        // `-t 0` asks for SIGKILL at once: no warning then.
        if was_running
            && signal != libc::SIGKILL
            && !timeout.is_zero()
            && started.elapsed() >= timeout
        {
            let name = nix::sys::signal::Signal::try_from(signal)
                .map_or_else(|_| signal.to_string(), |s| s.as_str().to_string());
            eprintln!(
                "warning: StopSignal {name} failed to stop container {} in {} seconds, resorting to SIGKILL",
                ctr.config.name,
                timeout.as_secs()
            );
        }
        println!("{key}");
        Ok(())
    })
}

/// `kill -s`'s signal: a number or a name, with or without `SIG` and a leading dash, refused
/// in podman's words (which scripts match).
pub fn kill_signal(text: &str) -> Result<i32> {
    let bare = text.strip_prefix('-').unwrap_or(text);
    if let Ok(n) = bare.parse::<i64>() {
        if n != 0 && !(1..=64).contains(&n) {
            return Err(Error::msg("valid signals are 1 through 64"));
        }
    }
    parse_signal(bare).ok_or_else(|| Error::msg(format!("invalid signal: {bare}")))
}

/// `berth kill`.
pub fn kill(args: KillArgs) -> Result<()> {
    let signal = kill_signal(&args.signal)?;
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = targets(&paths, &args.containers, args.all)?;
    each(targets, |key, ctr| {
        let _lock = ctr.lock().context("lock the container")?;
        let state = ctr
            .state()
            .with_context(|| format!("read the state of container `{key}`"))?;
        let target = Target::of(ctr, &state).context("kill container")?;
        if signal == libc::SIGKILL {
            let leaf = crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id)
                .filter(crate::cgroup::Leaf::exists);
            control::kill_all(&target, leaf.as_ref()).context("kill container")?;
        } else {
            target.signal(signal).context("kill container")?;
        }
        crate::storage::events::container("kill", &ctr.config, None);
        println!("{key}");
        Ok(())
    })
}

/// `berth restart`: stop, then start again detached.
pub fn restart(args: RestartArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = targets(&paths, &args.containers, false)?;
    each(targets, |key, ctr| {
        let (signal, timeout) = stop_settings(&paths, ctr, args.time);
        control::stop(ctr, signal, timeout).context("stop container")?;
        let argv = vec!["start".into(), ctr.config.id.clone().into()];
        crate::storage::events::container("restart", &ctr.config, None);
        start_session(&ctr.config.id, argv).map_err(|e| match e {
            Error::Exit(code) => Error::msg(format!("restart container `{key}`")).with_code(code),
            other => other,
        })?;
        Ok(())
    })
}

/// `berth wait`: block until each container has exited and print its exit code.
pub fn wait(args: WaitArgs) -> Result<()> {
    let conditions = wait_conditions(&args.condition)?;
    let interval = crate::spec::parse_duration(&args.interval)
        .ok_or_else(|| Error::msg(format!("invalid --interval `{}`", args.interval)))?;
    let paths = Paths::discover().context("find berth's directories")?;
    let names: Vec<String> = if args.ignore {
        args.containers
            .iter()
            .filter(|n| crate::storage::container::find(&paths.data, n).is_ok())
            .cloned()
            .collect()
    } else {
        args.containers.clone()
    };
    if names.is_empty() {
        return Ok(());
    }
    let targets = targets(&paths, &names, false)?;
    if conditions != [WaitCondition::Exited] {
        return each(targets, |key, ctr| {
            let code = loop {
                let state = ctr
                    .state()
                    .with_context(|| format!("read the state of container `{key}`"))?;
                let paused = state.status == Status::Running
                    && crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id)
                        .is_some_and(|l| l.is_frozen());
                let now = match state.status {
                    Status::Created => WaitCondition::Created,
                    Status::Running if paused => WaitCondition::Paused,
                    Status::Running => WaitCondition::Running,
                    Status::Exited => WaitCondition::Exited,
                };
                if conditions.contains(&now) {
                    break if now == WaitCondition::Exited {
                        state.exit_code.unwrap_or(-1)
                    } else {
                        -1
                    };
                }
                std::thread::sleep(interval);
            };
            println!("{code}");
            Ok(())
        });
    }
    each(targets, |key, ctr| {
        let state = loop {
            let state = control::wait_recorded(ctr, Duration::from_secs(3600))
                .ok_or_else(|| Error::msg(format!("container `{key}` disappeared")))?;
            if state.status != Status::Running {
                break state;
            }
        };
        println!("{}", state.exit_code.unwrap_or(-1));
        Ok(())
    })
}

/// A state `wait --condition` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WaitCondition {
    Created,
    Running,
    Paused,
    Exited,
}

/// `--condition` values (podman's `stopped` is berth's exited); none: exited.
fn wait_conditions(values: &[String]) -> Result<Vec<WaitCondition>> {
    let mut out = Vec::new();
    for v in values {
        let c = match v.as_str() {
            "created" | "configured" => WaitCondition::Created,
            "running" => WaitCondition::Running,
            "paused" => WaitCondition::Paused,
            "stopped" | "exited" => WaitCondition::Exited,
            other => {
                return Err(Error::msg(format!(
                    "invalid --condition `{other}`: berth waits for created, running, paused, stopped or exited"
                )))
            }
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push(WaitCondition::Exited);
    }
    Ok(out)
}

/// The signal and timeout `stop` uses: --stop-signal, else the image's StopSignal, else
/// SIGTERM; -t, else --stop-timeout, else 10 seconds.
pub(crate) fn stop_settings(paths: &Paths, ctr: &Container, time: Option<u32>) -> (i32, Duration) {
    let opts = Some(&ctr.config.options);
    let image_signal = || {
        let store = crate::storage::Store::open(paths).ok()?;
        let image = store.resolve_image(&ctr.config.image_id).ok()?;
        let name = image.config.config().as_ref()?.stop_signal().clone()?;
        parse_signal(&name)
    };
    let signal = opts
        .as_ref()
        .and_then(|o| o.stop_signal)
        .or_else(image_signal)
        .unwrap_or(libc::SIGTERM);
    let secs = time
        .or_else(|| opts.as_ref().and_then(|o| o.stop_timeout))
        .unwrap_or(10);
    (signal, Duration::from_secs(u64::from(secs)))
}

/// The containers a command acts on: the named ones (in order), or all running ones.
pub(crate) fn targets(
    paths: &Paths,
    names: &[String],
    all: bool,
) -> Result<Vec<(String, Result<Container>)>> {
    if all {
        let mut out = Vec::new();
        for c in container::list(&paths.data).context("list containers")? {
            if c.state().is_ok_and(|s| s.status == Status::Running) {
                out.push((c.config.id.clone(), Ok(c)));
            }
        }
        return Ok(out);
    }
    Ok(names
        .iter()
        .map(|n| (n.clone(), container::find(&paths.data, n).map_err(no_such)))
        .collect())
}

fn find(paths: &Paths, name: &str) -> Result<Container> {
    container::find(&paths.data, name).map_err(no_such)
}

pub(crate) fn no_such(e: ContainerError) -> Error {
    match e {
        // podman's words, which scripts match.
        ContainerError::NotFound(key) => Error::msg(format!(
            "no container with name or ID \"{key}\" found: no such container"
        ))
        .with_code(EXIT_NO_SUCH),
        e => Error::from_source("find container", e),
    }
}

/// Act on each container; report every failure and exit with the first one's status.
pub(crate) fn each(
    targets: Vec<(String, Result<Container>)>,
    mut act: impl FnMut(&str, &Container) -> Result<()>,
) -> Result<()> {
    let mut first: Option<Error> = None;
    for (key, found) in targets {
        let result = found.and_then(|ctr| act(&key, &ctr));
        if let Err(e) = result {
            first.get_or_insert(Error::Exit(e.report()));
        }
    }
    first.map_or(Ok(()), Err)
}

impl crate::error::Hint for ControlError {
    fn hint(&self) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_signals_in_podmans_words() {
        assert_eq!(kill_signal("-1").unwrap(), 1);
        assert_eq!(kill_signal("-SIGUSR1").unwrap(), libc::SIGUSR1);
        assert_eq!(kill_signal("fpe").unwrap(), libc::SIGFPE);
        assert_eq!(kill_signal("64").unwrap(), 64);
        let err = |s: &str| {
            let e = kill_signal(s).unwrap_err().to_string();
            e.trim_start_matches("Error: ").to_string()
        };
        assert_eq!(err("0"), "invalid signal: 0");
        assert_eq!(err("-0"), "invalid signal: 0");
        assert_eq!(err("-SIGBADSIG"), "invalid signal: SIGBADSIG");
        assert_eq!(err("-"), "invalid signal: ");
        assert_eq!(err("65"), "valid signals are 1 through 64");
        assert_eq!(err("-99999999"), "valid signals are 1 through 64");
    }
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: StartArgs,
    }

    #[test]
    fn each_container_gets_a_start_session_of_its_own() {
        let args = Wrap::parse_from(["start", "-a", "-i", "one", "two"]).args;
        let want: Vec<OsString> = ["start", "--attach", "--interactive", "two"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(start_args(&args, "two"), want);
        let args = Wrap::parse_from(["start", "one"]).args;
        assert_eq!(
            start_args(&args, "one"),
            vec![OsString::from("start"), OsString::from("one")]
        );
    }
}
