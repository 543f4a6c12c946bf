//! `berth rm`: remove containers. Runs in the session, because a container's files belong to
//! the mapped ids. A running container is only removed with `-f`, which kills its monitor
//! (and with it the container) first.

use std::time::{Duration, Instant};

use crate::cli::rm::RmArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, ContainerError, Status};
use crate::storage::volume;

/// podman's status when a container named on the command line does not exist.
const EXIT_NO_SUCH: i32 = 1;
/// podman's status when a running container is not removed for lack of `-f`.
const EXIT_RUNNING: i32 = 2;

/// Run `berth rm`.
pub fn execute(args: RmArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let targets: Vec<(String, Result<container::Container, ContainerError>)> = if args.all {
        container::list(&paths.data)
            .context("list containers")?
            .into_iter()
            .map(|c| (c.config.id.clone(), Ok(c)))
            .collect()
    } else {
        args.containers
            .iter()
            .map(|k| (k.clone(), container::find(&paths.data, k)))
            .collect()
    };
    super::remove_each(targets, |found| {
        Some(match found {
            Err(ContainerError::NotFound(key)) if args.force => {
                match container::find_damaged(&paths.data, &key) {
                    Some((id, dir)) => container::remove_damaged(&paths.data, &id, &dir)
                        .with_context(|| format!("remove damaged container record `{id}`")),
                    None if args.ignore => return None,
                    None => Err(Error::from_source(
                        "remove container",
                        ContainerError::NotFound(key),
                    )
                    .with_code(EXIT_NO_SUCH)),
                }
            }
            Err(ContainerError::NotFound(_)) if args.ignore => return None,
            Err(e @ ContainerError::NotFound(_)) => {
                Err(Error::from_source("remove container", e).with_code(EXIT_NO_SUCH))
            }
            Err(e) => Err(Error::from_source("remove container", e)),
            Ok(c) => remove_one(&paths, &c, args.force).and_then(|()| {
                if !args.volumes {
                    return Ok(());
                }
                volume::remove_anonymous(&paths.data, &c.config.options.named_volumes)
                    .with_context(|| format!("remove the volumes of container `{}`", c.config.name))
            }),
        })
    })
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
    if state.status == Status::Running || c.monitor_alive() {
        if !force {
            return Err(Error::msg(format!(
                "cannot remove container `{}`: it is running",
                c.config.name
            ))
            .hint("stop it first, or use `berth rm -f`")
            .with_code(EXIT_RUNNING));
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
