//! Supervising a started container: the detached monitor's loop (log, attach socket,
//! healthchecks), the record of its exit, and its removal.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use chrono::Utc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signalfd::SignalFd;

use super::super::logs::{LogWriter, Stream};
use super::super::relay::{drain, forward_signals, write_all};
use super::*;
use crate::config::Paths;
use crate::error::{Context, Result};
use crate::spec::LogDriver;
use crate::storage::container::{self, Container, ContainerState, Status};
use crate::storage::volume;
use crate::sys::process::{clone3, Forked};

/// A monitor's log, and its attach socket (`berth attach` connects there; without the
/// socket the container still runs).
pub(super) fn monitor_outputs(
    p: &Prepared,
    log_path: &Path,
) -> Result<(LogWriter, Option<crate::run::attach::Server>)> {
    let log = LogWriter::open(
        log_path,
        p.opts.extras.log_driver.unwrap_or(LogDriver::K8sFile),
        p.opts.extras.log_max_size,
        false,
    )
    .context("open the container log")?;
    let server = crate::run::attach::Server::bind(&crate::run::attach::socket_path(
        &p.paths.runtime,
        &p.ctr.config.id,
    ))
    .ok();
    Ok((log, server))
}

/// Watch a container that was started in the foreground and then detached from: log its
/// output, serve `attach`, and return its status when it exits.
pub(super) fn monitor_detached(
    p: &Prepared,
    launched: &Launched,
    sfd: &SignalFd,
    log_path: &Path,
    notify: Option<&mut crate::run::sdnotify::NotifyState>,
) -> Result<i32> {
    let (mut log, mut server) = monitor_outputs(p, log_path)?;
    // With a pty the monitor reads only the master; these pipes stay empty.
    let (out_r, _out_w) = pipe().context("create the stdout pipe")?;
    let (err_r, _err_w) = pipe().context("create the stderr pipe")?;
    let (code, _) = monitor(
        launched,
        sfd,
        out_r,
        err_r,
        MonitorIo {
            log: &mut log,
            server: server.as_mut(),
            stdin_pipe: None,
            health: HealthRun::of(p),
            notify,
        },
    );
    Ok(code)
}

/// A detached container's monitor loop: copy its output into the log and forward signals
/// until it exits; return its status.
/// What a monitor loop writes to and reads from besides the container.
pub(super) struct MonitorIo<'a> {
    pub(super) log: &'a mut LogWriter,
    pub(super) server: Option<&'a mut crate::run::attach::Server>,
    /// `-d -i`: the write end of the container's stdin.
    pub(super) stdin_pipe: Option<OwnedFd>,
    pub(super) health: Option<HealthRun<'a>>,
    /// `--sdnotify`: READY after a passing healthcheck, or the container's own messages.
    pub(super) notify: Option<&'a mut crate::run::sdnotify::NotifyState>,
}

/// A healthcheck the monitor runs on a timer.
pub(super) struct HealthRun<'a> {
    pub(super) cfg: &'a crate::run::health::HealthConfig,
    pub(super) dir: &'a Path,
    pub(super) id: &'a str,
}

impl<'a> HealthRun<'a> {
    /// The healthcheck of a prepared container, if it has one.
    pub(super) fn of(p: &'a Prepared) -> Option<Self> {
        p.health.as_ref().map(|cfg| HealthRun {
            cfg,
            dir: &p.ctr.dir,
            id: &p.ctr.config.id,
        })
    }
}

/// The monitor's healthcheck timer and the check running now (a child of the monitor).
struct HealthTimer {
    next: std::time::Instant,
    started: std::time::Instant,
    checker: Option<OwnedFd>,
    /// SIGKILL after a `stop` action's timeout.
    kill_at: Option<std::time::Instant>,
}

/// Returns the container's status, and whether a healthcheck asked for a restart.
pub(super) fn monitor(
    launched: &Launched,
    sfd: &SignalFd,
    out: OwnedFd,
    err: OwnedFd,
    io: MonitorIo<'_>,
) -> (i32, bool) {
    let MonitorIo {
        log,
        mut server,
        mut stdin_pipe,
        health,
        mut notify,
    } = io;
    let mut timer = health.as_ref().map(|h| HealthTimer {
        next: std::time::Instant::now() + h.cfg.interval,
        started: std::time::Instant::now(),
        checker: None,
        kill_at: None,
    });
    let mut health_restart = false;
    let pidfd = &launched.pidfd;
    // With a pty, everything arrives on the master, as stdout.
    let mut sources: Vec<(BorrowedFd<'_>, Stream)> = match &launched.master {
        Some(m) => vec![(m.as_fd(), Stream::Stdout)],
        None => vec![(out.as_fd(), Stream::Stdout), (err.as_fd(), Stream::Stderr)],
    };
    let mut buf = vec![0u8; 16 * 1024];
    let record = |log: &mut LogWriter,
                  server: &mut Option<&mut crate::run::attach::Server>,
                  stream: Stream,
                  data: &[u8]| {
        let _ = log.write(stream, data);
        if let Some(s) = server.as_deref_mut() {
            let kind = match stream {
                Stream::Stdout => crate::run::attach::Kind::Stdout,
                Stream::Stderr => crate::run::attach::Kind::Stderr,
            };
            s.broadcast(kind, data);
        }
    };
    loop {
        let mut fds = vec![
            PollFd::new(pidfd.as_fd(), PollFlags::POLLIN),
            PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
        ];
        fds.extend(
            sources
                .iter()
                .map(|(fd, _)| PollFd::new(*fd, PollFlags::POLLIN)),
        );
        let attach_fds: Vec<BorrowedFd<'_>> = server.as_ref().map(|s| s.fds()).unwrap_or_default();
        let attach_base = fds.len();
        fds.extend(
            attach_fds
                .iter()
                .map(|fd| PollFd::new(*fd, PollFlags::POLLIN)),
        );
        let checker_index = fds.len();
        if let Some(c) = timer.as_ref().and_then(|t| t.checker.as_ref()) {
            fds.push(PollFd::new(c.as_fd(), PollFlags::POLLIN));
        }
        let proxy_fd = notify.as_ref().and_then(|n| n.proxy_fd());
        let proxy_index = fds.len();
        if let Some(fd) = proxy_fd {
            fds.push(PollFd::new(fd, PollFlags::POLLIN));
        }
        let timeout = timer.as_ref().map_or(PollTimeout::NONE, |t| {
            let now = std::time::Instant::now();
            let mut due = if t.checker.is_some() {
                None
            } else {
                Some(t.next)
            };
            if let Some(k) = t.kill_at {
                due = Some(due.map_or(k, |d| d.min(k)));
            }
            due.map_or(PollTimeout::NONE, |d| {
                let ms = d.saturating_duration_since(now).as_millis().min(60_000);
                PollTimeout::from(u16::try_from(ms).unwrap_or(u16::MAX))
            })
        });
        match poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return (crate::error::EXIT_BERTH, false),
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        drop(fds);
        drop(attach_fds);
        if ready[1] {
            forward_signals(sfd, pidfd, None);
        }
        if proxy_fd.is_some() && ready.get(proxy_index).copied().unwrap_or(false) {
            if let Some(n) = notify.as_deref_mut() {
                n.forward();
            }
        }
        let mut closed = Vec::new();
        for (i, (fd, stream)) in sources.iter().enumerate() {
            if ready[i + 2] {
                match nix::unistd::read(fd.as_raw_fd(), &mut buf) {
                    Ok(0) | Err(_) => closed.push(i),
                    Ok(n) => record(log, &mut server, *stream, &buf[..n]),
                }
            }
        }
        for i in closed.into_iter().rev() {
            sources.remove(i);
        }
        if let Some(s) = server.as_deref_mut() {
            let req = s.serve(&ready[attach_base..]);
            // Input goes to the pty, or to the stdin pipe of a `-d -i` container.
            let input = launched
                .master
                .as_ref()
                .map(AsFd::as_fd)
                .or(stdin_pipe.as_ref().map(AsFd::as_fd));
            if let Some(fd) = input {
                if !req.input.is_empty() {
                    write_all(fd, &req.input);
                }
                if let (Some((rows, cols)), Some(m)) = (req.resize, &launched.master) {
                    let _ = crate::sys::tty::set_winsize(
                        m.as_fd(),
                        crate::sys::tty::WinSize { rows, cols },
                    );
                }
            }
            if req.eof {
                stdin_pipe = None;
            }
        }
        if let (Some(t), Some(h)) = (timer.as_mut(), health.as_ref()) {
            let checker_done =
                t.checker.is_some() && ready.get(checker_index).copied().unwrap_or(false);
            if checker_done {
                if let Some(c) = t.checker.take() {
                    let _ = crate::sys::process::wait_pidfd(&c);
                }
                t.next = std::time::Instant::now() + h.cfg.interval;
                let status = crate::run::health::load(h.dir).map(|s| s.status);
                if status.as_deref() == Some("healthy") {
                    if let Some(n) = notify.as_deref_mut() {
                        n.healthy();
                    }
                }
                let unhealthy = status.as_deref() == Some("unhealthy");
                if unhealthy {
                    act_on_unhealthy(h, t, pidfd, &mut health_restart);
                }
            }
            let now = std::time::Instant::now();
            if t.kill_at.is_some_and(|k| now >= k) {
                let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
                t.kill_at = None;
            }
            if t.checker.is_none() && now >= t.next && !ready[0] {
                let in_start_period = t.started.elapsed() < h.cfg.start_period;
                t.checker = start_health_check(h, in_start_period);
                if t.checker.is_none() {
                    t.next = now + h.cfg.interval;
                }
            }
        }
        if ready[0] {
            for (fd, stream) in &sources {
                drain(*fd, |data| record(log, &mut server, *stream, data));
            }
            let code = crate::sys::process::wait_pidfd(pidfd)
                .map_or(crate::error::EXIT_BERTH, crate::run::relay::status_code);
            if let Some(s) = server.as_deref_mut() {
                s.exit(code);
            }
            if let Some(c) = timer.and_then(|t| t.checker) {
                let _ = crate::sys::process::pidfd_kill(&c, libc::SIGKILL);
                let _ = crate::sys::process::wait_pidfd(&c);
            }
            return (code, health_restart);
        }
    }
}

/// `--health-on-failure`: what the monitor does once the container is unhealthy.
fn act_on_unhealthy(
    h: &HealthRun<'_>,
    t: &mut HealthTimer,
    pidfd: &OwnedFd,
    health_restart: &mut bool,
) {
    use crate::spec::OnFailure;
    match h.cfg.on_failure {
        OnFailure::None => {}
        OnFailure::Kill => {
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
        }
        OnFailure::Restart => {
            *health_restart = true;
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
        }
        OnFailure::Stop => {
            let _ = std::fs::write(h.dir.join(STOPPED_MARK), b"");
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGTERM);
            t.kill_at = Some(std::time::Instant::now() + std::time::Duration::from_secs(10));
        }
    }
}

/// Run one healthcheck in a child of the monitor (it may take up to its timeout; the
/// monitor keeps copying output meanwhile). The child records the result in health.json.
fn start_health_check(h: &HealthRun<'_>, in_start_period: bool) -> Option<OwnedFd> {
    match clone3(0).ok()? {
        Forked::Child => {
            crate::sys::process::reset_signals();
            let result = crate::run::health::run_check(h.id, h.cfg);
            let mut state = crate::run::health::load(h.dir).unwrap_or_default();
            state.record(result, h.cfg.retries, in_start_period);
            let _ = crate::run::health::save(h.dir, &state);
            crate::sys::process::exit_now(0)
        }
        Forked::Parent { pidfd, .. } => Some(pidfd),
    }
}

/// Record an exit in state.json, keeping when it started and how often it restarted.
pub(super) fn record_exit(ctr: &Container, code: Option<i32>, restarts: u32) {
    crate::storage::events::container("died", &ctr.config, code);
    let previous = ctr.state().ok();
    let _ = ctr.write_state(&ContainerState {
        status: Status::Exited,
        exit_code: code,
        started_at: previous.as_ref().and_then(|s| s.started_at),
        finished_at: Some(Utc::now()),
        restart_count: restarts,
        ..ContainerState::created()
    });
}

/// Finalise a container that will not run again: remove it (--rm) or record its exit.
pub(super) fn finish(ctr: &Container, rm: bool, code: Option<i32>, paths: &Option<Paths>) {
    if rm {
        if code.is_some() {
            crate::storage::events::container("died", &ctr.config, code);
        }
        if let Some(paths) = paths {
            let _ = container::remove(&paths.data, ctr);
            crate::storage::events::container("remove", &ctr.config, None);
            let _ = volume::remove_anonymous(&paths.data, &ctr.config.options.named_volumes);
            if ctr.config.options.extras.rmi {
                remove_unused_image(paths, &ctr.config.image_id);
            }
        }
    } else {
        let restarts = ctr.state().map(|s| s.restart_count).unwrap_or(0);
        record_exit(ctr, code, restarts);
    }
}

/// `--rmi`: delete the container's image once the container is gone, unless another
/// container still uses it (then it stays, as in podman).
pub(super) fn remove_unused_image(paths: &Paths, image_id: &str) {
    let removed = (|| -> Result<bool> {
        let store = crate::storage::Store::open(paths).context("open the store")?;
        let lock = store.lock().context("lock the store")?;
        let containers = container::list(store.root()).context("list the containers")?;
        if containers.iter().any(|c| c.config.image_id == image_id) {
            return Ok(false);
        }
        store
            .delete_image(&lock, image_id)
            .context("delete the image")?;
        Ok(true)
    })();
    if let Err(e) = removed {
        eprintln!(
            "warning: --rmi: image `{}`: {e}",
            &image_id[..image_id.len().min(12)]
        );
    }
}
