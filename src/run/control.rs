//! Acting on a running container from another berth process: signal it, stop it, wait for
//! it. The container's processes may run as subordinate ids, which the caller cannot signal
//! from the host; a short-lived child joins the container's user namespace (where we, its
//! owner, hold every capability) and sends the signal from there.

use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use crate::storage::container::{process_start_time, Container, ContainerState, Status};
use crate::sys::process::{clone3, exit_now, Forked};

/// Why a container could not be signalled.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("container `{0}` is not running")]
    NotRunning(String),
    #[error("signal container `{name}`")]
    Signal {
        name: String,
        #[source]
        source: std::io::Error,
    },
}

/// The init process of a running container, pinned by a pidfd.
pub struct Target {
    pub name: String,
    pub pidfd: OwnedFd,
}

impl Target {
    /// Pin the container's init, checking its start time so a reused pid is never hit.
    pub fn of(ctr: &Container, state: &ContainerState) -> Result<Self, ControlError> {
        let not_running = || ControlError::NotRunning(ctr.config.name.clone());
        let (Status::Running, Some(pid), Some(start)) = (state.status, state.pid, state.pid_start)
        else {
            return Err(not_running());
        };
        // Pinned by a pidfd, and checked to be the process we recorded.
        let pidfd = super::exec::open_target(pid, Some(start)).map_err(|_| not_running())?;
        Ok(Target {
            name: ctr.config.name.clone(),
            pidfd,
        })
    }

    /// Send `sig` to the container's init.
    pub fn signal(&self, sig: i32) -> Result<(), ControlError> {
        let err = |source| ControlError::Signal {
            name: self.name.clone(),
            source,
        };
        match crate::sys::process::pidfd_kill(&self.pidfd, sig) {
            Ok(()) => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
            Err(e) => return Err(err(e)),
        }
        // The init runs as a subordinate id: signal it from inside its user namespace, in a
        // child, so that this process keeps its own namespaces.
        match clone3(0).map_err(err)? {
            Forked::Child => {
                let code =
                    match crate::sys::ns::setns_pidfd(self.pidfd.as_fd(), crate::sys::ns::USER)
                        .and_then(|()| crate::sys::process::pidfd_kill(&self.pidfd, sig))
                    {
                        Ok(()) => 0,
                        Err(e) => e.raw_os_error().unwrap_or(libc::EIO),
                    };
                exit_now(code)
            }
            Forked::Parent { pidfd, .. } => {
                match crate::sys::process::wait_pidfd(&pidfd).map_err(err)? {
                    nix::sys::wait::WaitStatus::Exited(_, 0) => Ok(()),
                    nix::sys::wait::WaitStatus::Exited(_, errno) => {
                        Err(err(std::io::Error::from_raw_os_error(errno)))
                    }
                    _ => Err(err(std::io::Error::from_raw_os_error(libc::EIO))),
                }
            }
        }
    }

    /// Wait up to `limit` for the init to exit; true when it did.
    pub fn wait_exit(&self, limit: Duration) -> bool {
        wait_readable(&self.pidfd, limit)
    }
}

/// Wait until a pidfd reports its process's exit.
fn wait_readable(fd: &OwnedFd, limit: Duration) -> bool {
    let start = Instant::now();
    loop {
        let left = limit.saturating_sub(start.elapsed());
        let ms = u16::try_from(left.as_millis().min(u128::from(u16::MAX))).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(n) if n > 0 => return true,
            Ok(_) if left.is_zero() => return false,
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return false,
        }
        if start.elapsed() >= limit {
            return false;
        }
    }
}

/// Wait until the container's monitor has recorded an exit: its state file says `exited`
/// (a restart policy may start it again later), or the monitor is gone. At most `limit`;
/// returns the state then.
pub fn wait_recorded(ctr: &Container, limit: Duration) -> Option<ContainerState> {
    let deadline = Instant::now() + limit;
    let monitor = ctr
        .recorded_state()
        .ok()
        .and_then(|s| s.monitor)
        .and_then(|(pid, start)| {
            let fd = crate::sys::ns::pidfd_open(pid).ok()?;
            (process_start_time(pid) == Some(start)).then_some(fd)
        });
    loop {
        let recorded = ctr.recorded_state().ok()?;
        if recorded.status != Status::Running {
            return Some(recorded);
        }
        match &monitor {
            // No monitor (or it died): the liveness check tells the truth.
            None => return ctr.state().ok(),
            Some(fd) => {
                if wait_readable(fd, Duration::from_millis(50)) {
                    return ctr.state().ok();
                }
            }
        }
        if Instant::now() >= deadline {
            return ctr.state().ok();
        }
    }
}

/// Wait (at most `limit`) until a container's previous monitor has exited, so that a new
/// start does not race its last state write.
pub fn wait_monitor_gone(ctr: &Container, limit: Duration) {
    let deadline = Instant::now() + limit;
    while ctr.monitor_alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// SIGKILL the whole container: `cgroup.kill` where it has a cgroup and the kernel has the
/// file (every process in it, frozen or not), else its init.
pub fn kill_all(target: &Target, leaf: Option<&crate::cgroup::Leaf>) -> Result<(), ControlError> {
    if let Some(l) = leaf {
        if l.kill().unwrap_or(false) {
            return Ok(());
        }
    }
    target.signal(libc::SIGKILL)
}

/// Stop a running container: mark it stopped by the user (no restart), send `signal`, and
/// after `timeout` SIGKILL. Returns once its monitor recorded the exit.
pub fn stop(ctr: &Container, signal: i32, timeout: Duration) -> Result<(), ControlError> {
    let state = ctr
        .state()
        .map_err(|_| ControlError::NotRunning(ctr.config.name.clone()))?;
    let target = match Target::of(ctr, &state) {
        Ok(t) => t,
        // Already stopped: nothing to do, as podman.
        Err(ControlError::NotRunning(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let _ = std::fs::write(ctr.dir.join(super::spawn::STOPPED_MARK), b"");
    let leaf = crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id)
        .filter(crate::cgroup::Leaf::exists);
    if signal == libc::SIGKILL {
        kill_all(&target, leaf.as_ref())?;
    } else {
        target.signal(signal)?;
    }
    // A paused container is thawed so that it can act on the signal, as podman does.
    if let Some(l) = leaf.as_ref().filter(|l| l.is_frozen()) {
        let _ = l.freeze(false);
    }
    if !target.wait_exit(timeout) {
        kill_all(&target, leaf.as_ref())?;
        target.wait_exit(Duration::from_secs(10));
    }
    // Whatever is left in the cgroup (a process that left the container's tree) goes too.
    if let Some(l) = &leaf {
        let _ = l.kill();
    }
    wait_recorded(ctr, Duration::from_secs(10));
    Ok(())
}
