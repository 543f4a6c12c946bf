//! `berth rm`: remove containers. Runs in the session, because a container's files belong to
//! the mapped ids. A running container is only removed with `-f`, which kills its monitor
//! (and with it the container) first.

use std::time::{Duration, Instant};

use crate::cli::rm::RmArgs;
use crate::commands::lifecycle::{select, Selection};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::spec::NetworkMode;
use crate::storage::container::{self, Container, ContainerError, Status};
use crate::storage::volume;
use crate::userns::session::SessionRequest;

/// podman's status when a container named on the command line does not exist.
const EXIT_NO_SUCH: i32 = 1;
/// podman's status when a running container is not removed for lack of `-f`.
const EXIT_RUNNING: i32 = 2;

/// A container to remove, by the key printed for it.
type Target = (String, std::result::Result<Container, ContainerError>);

/// P0's half of `berth rm`: with `-f`, stop the running targets from here (their stop
/// signal, then SIGKILL after `-t`), as `stop` does: P0 can signal a process of any
/// container, the session only its own. The session then removes them. With nothing to
/// remove (`--all` of an empty store), the command ends here.
pub fn host_half(args: &RmArgs) -> Result<Option<SessionRequest>> {
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = targets(&paths, args)?;
    if targets.is_empty() {
        return Ok(None);
    }
    if args.force {
        let found: Vec<&Container> = targets
            .iter()
            .filter_map(|(_, found)| found.as_ref().ok())
            .filter(|c| refuse_pod_infra(&paths, c).is_ok())
            .collect();
        stop_all(&paths, &found, args.time);
    }
    Ok(Some(SessionRequest::same_command_line()))
}

/// [`stop_running`] for each container, all at once (one thread each, in P0), so that
/// `rm -af` waits one timeout, not one per container.
pub(crate) fn stop_all(paths: &Paths, containers: &[&Container], time: Option<u32>) {
    std::thread::scope(|scope| {
        for c in containers {
            scope.spawn(move || stop_running(paths, c, time));
        }
    });
}

/// Stop `c` if it runs, with its stop signal and `time` (else its --stop-timeout, else 10
/// seconds) before SIGKILL. A container this cannot stop is killed by the session's
/// `remove_one`, which kills its monitor.
pub(crate) fn stop_running(paths: &Paths, c: &Container, time: Option<u32>) {
    if !c.state().is_ok_and(|s| s.status == Status::Running) {
        return;
    }
    let (signal, timeout) = crate::commands::lifecycle::stop_settings(paths, c, time);
    let Ok(_lock) = c.lock() else { return };
    let _ = crate::run::control::stop(c, signal, timeout);
}

/// What `rm` removes, in order: the containers named (also in `--cidfile` files) or picked
/// by `--all`, `--latest` or `--filter`; with `--depend` (and for `--all`), each one's
/// dependents come before it.
fn targets(paths: &Paths, args: &RmArgs) -> Result<Vec<Target>> {
    let selection = Selection {
        names: &args.containers,
        cidfiles: &args.cidfile,
        all: args.all,
        latest: args.latest,
        filters: &args.filter,
        all_running: false,
        ignore: args.ignore,
    };
    let picked = select(paths, &selection)?;
    if !args.depend && !args.all {
        return Ok(picked);
    }
    let everyone = container::list(&paths.data).context("list containers")?;
    let mut out: Vec<Target> = Vec::new();
    for (key, found) in picked {
        match found {
            Ok(c) => push_with_dependents(&everyone, c, Some(key), &mut out),
            Err(e) => out.push((key, Err(e))),
        }
    }
    Ok(out)
}

/// Push `c`'s dependents (theirs first), then `c`, each once; dependents by id.
fn push_with_dependents(
    everyone: &[Container],
    c: Container,
    key: Option<String>,
    out: &mut Vec<Target>,
) {
    let queued = |out: &[Target], id: &str| {
        out.iter()
            .any(|(_, f)| f.as_ref().is_ok_and(|q| q.config.id == id))
    };
    if queued(out, &c.config.id) {
        return;
    }
    for d in dependents(everyone, &c) {
        if !queued(out, &d.config.id) {
            push_with_dependents(everyone, d.clone(), None, out);
        }
    }
    let key = key.unwrap_or_else(|| c.config.id.clone());
    out.push((key, Ok(c)));
}

/// The containers that use `target`'s network namespace (`--network container:X`, where X
/// is its name, id or a prefix of its id).
fn dependents<'a>(everyone: &'a [Container], target: &Container) -> Vec<&'a Container> {
    everyone
        .iter()
        .filter(|c| c.config.id != target.config.id)
        .filter(|c| match &c.config.options.network {
            NetworkMode::Container(key) => {
                !key.is_empty()
                    && (*key == target.config.name || target.config.id.starts_with(key.as_str()))
            }
            _ => false,
        })
        .collect()
}

/// Run `berth rm` (the session's half).
pub fn execute(args: RmArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = targets(&paths, &args)?;
    // Containers that may depend on another, checked again as each target goes.
    let users: Vec<Container> = container::list(&paths.data)
        .context("list containers")?
        .into_iter()
        .filter(|c| matches!(c.config.options.network, NetworkMode::Container(_)))
        .collect();
    super::remove_each(targets, |found| {
        Some(match found {
            Err(ContainerError::NotFound(key)) if args.force => {
                match container::find_damaged(&paths.data, &key) {
                    Some((id, dir)) => container::remove_damaged(&paths.data, &id, &dir)
                        .with_context(|| format!("remove damaged container record `{id}`")),
                    // As podman, `-f` passes over a container that does not exist.
                    None => return None,
                }
            }
            Err(ContainerError::NotFound(_)) if args.ignore => return None,
            Err(ContainerError::NotFound(key)) => Err(no_such(&key)),
            Err(e) => Err(Error::from_source("remove container", e)),
            // `--all` takes the pods' infras too, and with them the pods.
            Ok(c) => (if args.depend || args.all {
                remove_pod_of_infra(&paths, &c, args.force)
            } else {
                refuse_pod_infra(&paths, &c)
            })
            .and_then(|()| refuse_dependents(&users, &c))
            .and_then(|()| remove_one(&paths, &c, args.force))
            .and_then(|()| {
                if !args.volumes {
                    return Ok(());
                }
                volume::remove_anonymous(&paths.data, &c.config.options.named_volumes)
                    .with_context(|| format!("remove the volumes of container `{}`", c.config.name))
            }),
        })
    })
}

/// podman's words and status for a container that does not exist.
fn no_such(key: &str) -> Error {
    Error::msg(format!(
        "no container with name or ID \"{key}\" found: no such container"
    ))
    .with_code(EXIT_NO_SUCH)
}

/// A container others still depend on is not removed (podman's wording and status).
fn refuse_dependents(users: &[Container], c: &Container) -> Result<()> {
    let left: Vec<&str> = dependents(users, c)
        .into_iter()
        .filter(|d| d.dir.exists())
        .map(|d| d.config.id.as_str())
        .collect();
    if left.is_empty() {
        return Ok(());
    }
    Err(Error::msg(format!(
        "container {} has dependent containers which must be removed before it: {}",
        c.config.id,
        left.join(", ")
    ))
    .hint("remove those first, or use `berth rm --depend` to remove them too"))
}

/// A pod's infra goes with its pod (`pod rm`), not on its own (podman's rule).
fn refuse_pod_infra(paths: &Paths, c: &Container) -> Result<()> {
    let extras = &c.config.options.extras;
    let Some(pod_id) = extras.pod.as_deref().filter(|_| extras.infra) else {
        return Ok(());
    };
    match crate::pod::find(&paths.data, pod_id) {
        Ok(pod) if pod.config.infra_id.as_deref() == Some(c.config.id.as_str()) => {
            Err(Error::msg(format!(
                "container {} is the infra container of pod {} and cannot be removed without removing the pod",
                c.config.id, pod.config.id
            ))
            .hint(format!("remove the pod: berth pod rm {}", pod.config.name)))
        }
        _ => Ok(()),
    }
}

/// `rm --depend` (or `--all`) of a pod's infra: its pod goes, members first (podman's rule), then the
/// infra itself is removed by the caller.
fn remove_pod_of_infra(paths: &Paths, c: &Container, force: bool) -> Result<()> {
    let extras = &c.config.options.extras;
    let Some(pod_id) = extras.pod.as_deref().filter(|_| extras.infra) else {
        return Ok(());
    };
    let Ok(pod) = crate::pod::find(&paths.data, pod_id) else {
        return Ok(());
    };
    if pod.config.infra_id.as_deref() != Some(c.config.id.as_str()) {
        return Ok(());
    }
    let all = container::list(&paths.data).context("list containers")?;
    for m in crate::pod::members(&pod, &all) {
        if m.config.id != c.config.id {
            remove_one(paths, &m, force)?;
            println!("{}", m.config.id);
        }
    }
    crate::pod::remove(&paths.data, &pod)
        .map_err(|e| Error::from_source(format!("remove pod `{}`", pod.config.name), e))
}

/// Remove one container; with `force` a running one is killed first (`volume rm -f` uses
/// this too).
pub fn remove_one(paths: &Paths, c: &container::Container, force: bool) -> Result<()> {
    // Serialised with start/stop/kill on the same container. A container removed by a
    // racing command meanwhile is simply gone.
    let _lock = match c.lock() {
        Ok(l) => l,
        Err(_) if !c.dir.exists() => return Ok(()),
        Err(e) => return Err(e).context("lock the container"),
    };
    if !c.dir.exists() {
        return Ok(());
    }
    let state = c
        .state()
        .with_context(|| format!("read the state of container `{}`", c.config.name))?;
    // A monitor that is still alive (a restart policy between two runs, or one finishing its
    // records) counts as running too.
    // A monitor whose container has exited (stopped by P0's half of `rm -f`, or just
    // finished) is given a moment to finish its records and exit by itself, so that a
    // foreground `run` reports the container's status rather than its monitor's death.
    if state.status != Status::Running && c.monitor_alive() {
        crate::run::control::wait_monitor_gone(c, Duration::from_secs(5));
    }
    if state.status == Status::Running || c.monitor_alive() {
        if !force {
            // podman's words, which scripts match; `-f` is the way out.
            return Err(Error::msg(format!(
                "cannot remove container {} as it is running - running or paused containers cannot be removed without force: container state improper",
                c.config.id
            ))
            .with_code(EXIT_RUNNING));
        }
        // Everything in the container's cgroup dies, a paused container's too.
        if let Some(leaf) = crate::cgroup::leaf_of(&c.config.options.extras.cgroup, &c.config.id) {
            let _ = leaf.kill();
            let _ = leaf.freeze(false);
        }
        kill_monitor(&c.recorded_state().unwrap_or(state));
        wait_gone(c, Duration::from_secs(10));
    }
    // The monitor of a killed container may still be unmounting: it is gone when the
    // container reads as not running.
    container::remove(&paths.data, c)
        .with_context(|| format!("remove container `{}`", c.config.name))?;
    crate::storage::events::container("remove", &c.config, None);
    // A killed monitor never removed its network helper's directory.
    let _ = std::fs::remove_dir_all(crate::net::helper_dir(&paths.runtime, &c.config.id));
    Ok(())
}

/// Kill the session that supervises a running container; the container dies with it (its
/// parent-death signal is SIGKILL).
fn kill_monitor(state: &container::ContainerState) {
    if let Some((pid, start)) = state.monitor {
        if container::process_start_time(pid) == Some(start) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

fn wait_gone(c: &container::Container, limit: Duration) {
    let start = Instant::now();
    while start.elapsed() < limit {
        let running = c.state().is_ok_and(|s| s.status == Status::Running);
        if !running && !c.monitor_alive() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
