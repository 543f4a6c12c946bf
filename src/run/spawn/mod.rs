//! The session's side of `berth run`, `create` and `start`: record the container, mount its
//! rootfs, clone C with its namespaces, start it, and supervise it until it exits. A
//! detached container keeps its session as its monitor (berth's conmon): it writes the logs,
//! records the exit, and applies `--rm` and the restart policy.
//!
//! `create` records and prepares, `launch` clones C as a [`LaunchPlan`] says, `monitor`
//! supervises; this file drives one start through them, one function per I/O plan.

mod create;
mod launch;
mod monitor;

use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use nix::sys::signalfd::SignalFd;

use super::init::Stdio;
use super::launch_plan::{IoPlan, LaunchPlan, Supervision};
use super::logs::{LogWriter, Stream};
use crate::config::Paths;
use crate::error::{Context, HintContext, Result};
use crate::spec::{LogDriver, RunOptions};
use crate::storage::container::{self, Container};
use crate::storage::overlay;
use crate::storage::volume;
use crate::storage::Store;
use crate::userns::session::{SessionLink, FORWARDED_AND_CHLD};

pub use create::{
    cgroup_dir, container_plan, create, prepare, seccomp_program, ContainerPlan, Prepared,
};
use create::{create_in, prepare_in};
pub use launch::{ipc_owner, run_transient};
use launch::{launch, pipe, Launched, NET_HINT};
use monitor::{finish, monitor, monitor_detached, monitor_outputs, record_exit};
use monitor::{HealthRun, MonitorIo};

/// The file in a container's directory that says `stop` ended it (no restart).
pub const STOPPED_MARK: &str = "stopped-by-user";

/// `berth run`: create the container and start it, in the foreground or detached.
pub fn run(opts: &RunOptions, link: &SessionLink) -> Result<i32> {
    // The start path is hot: find the directories, open the store and resolve the image
    // once, for both halves.
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    // --init: the copy of berth is made while the container is recorded and mounted.
    let init_copy = opts.init.then(create::begin_init_copy).transpose()?;
    let (ctr, image) = create_in(&store, opts)?;
    let prepared = match prepare_in(paths, &store, ctr.clone(), Some(image), init_copy) {
        Ok(p) => p,
        Err(e) => {
            finish(&ctr, opts.rm, None, &Paths::discover().ok());
            return Err(e);
        }
    };
    let id = prepared.ctr.config.id.clone();
    start(prepared, opts.detach, link, &id, None)
}

/// Start a prepared container: in the foreground (stdio passed straight through, or copied
/// into the log), or detached (this session becomes the container's monitor, and P0
/// returns once the command has been exec'd, after `announce` is printed).
pub fn start(
    p: Prepared,
    detach: bool,
    link: &SessionLink,
    announce: &str,
    lock: Option<container::ContainerLock>,
) -> Result<i32> {
    let plan = LaunchPlan::new(&p.opts, p.plan.new_net, p.plan.keep_id, detach, true);
    // The container's lock (from `start`) is held until the container is launched, so that
    // two starts at once give one container; the monitor does not keep it.
    let mut lock = lock;
    let _ = std::fs::remove_file(p.ctr.dir.join(STOPPED_MARK));
    let mut guard = Guard {
        store_root: p.store_root.clone(),
        container: p.ctr.clone(),
        rm: p.opts.rm,
        mounted: false,
        exit_code: None,
        link: (!detach).then_some(link),
    };
    // A taken host port fails here, before anything is mounted or started.
    crate::net::ports::check_free(&p.opts.net.ports)
        .context("start the container")
        .map_err(|e| e.hint("choose another host port with -p, or stop what listens there"))?;
    // pasta starts now, in a network namespace made for C, and gets ready while the rootfs
    // is mounted and C is cloned.
    let early_net = if plan.network == super::launch_plan::NetworkPlan::Early {
        crate::net::begin_early(
            &p.opts.network,
            &p.opts.net.ports,
            &crate::net::helper_dir(&p.paths.runtime, &p.ctr.config.id),
        )
        .context("set up the container's network")
        .map_err(|e| e.hint(NET_HINT))?
    } else {
        None
    };
    overlay::mount(&p.overlay, p.config.storage.overlay, &p.paths.runtime)
        .hinted_context("mount the container's rootfs")?;
    guard.mounted = true;
    super::volumes::prepare_volumes(
        &p.store_root,
        &p.opts.named_volumes,
        &p.opts.volumes,
        &p.ctr.merged(),
        p.plan.process.user.as_ref(),
        p.plan.keep_id,
    )
    .context("prepare the container's volumes")?;
    // User networks: addresses, hosts and resolv.conf; freed when this returns.
    let _networks =
        crate::net::bridge::attach::Attachment::claim(&p.paths, &p.ctr, &p.opts, &p.plan.hostname)?;
    // Blocked before any clone; C resets its mask right before execve.
    let sfd = crate::sys::process::block_signals(&FORWARDED_AND_CHLD).context("block signals")?;
    if p.opts.extras.sdnotify == crate::spec::SdNotify::Healthy && p.health.is_none() {
        return Err(crate::error::Error::msg(
            "--sdnotify=healthy needs a healthcheck: the container has none",
        )
        .hint("add --health-cmd, or use --sdnotify=conmon"));
    }
    let notify = super::sdnotify::NotifyState::setup(&p.opts, &p.ctr.etc_dir())?;
    let started = Started {
        p: &p,
        plan: &plan,
        sfd: &sfd,
        early_net,
        notify,
    };
    let code = match (plan.io, &plan.supervision) {
        (IoPlan::Logged { stdin }, _) => start_logged(started, stdin, &mut lock)?,
        (IoPlan::Direct { tty }, Supervision::Relay { detach_keys }) => start_direct(
            started,
            tty,
            detach_keys.clone(),
            link,
            &mut guard,
            &mut lock,
        )?,
        (IoPlan::Monitored { tty, stdin_pipe }, _) => start_monitored(
            started, tty, stdin_pipe, link, announce, &mut guard, &mut lock,
        )?,
        (IoPlan::Direct { .. }, _) => unreachable!("a direct start is always relayed"),
    };
    guard.exit_code = Some(code);
    Ok(code)
}

/// What every start function needs: the container, its launch plan, the signalfd, and the
/// network namespace made ahead of the first clone.
struct Started<'a> {
    p: &'a Prepared,
    plan: &'a LaunchPlan,
    sfd: &'a SignalFd,
    early_net: Option<crate::net::EarlyNet>,
    /// `--sdnotify` under a service manager.
    notify: Option<super::sdnotify::NotifyState>,
}

/// A foreground start whose output is copied, through pipes, into the k8s-file log and to
/// berth's own stdout and stderr.
fn start_logged(
    s: Started<'_>,
    stdin: bool,
    lock: &mut Option<container::ContainerLock>,
) -> Result<i32> {
    let p = s.p;
    let log_path = p.ctr.dir.join(super::logs::LOG_FILE);
    let mut log = LogWriter::open(
        &log_path,
        LogDriver::K8sFile,
        p.opts.extras.log_max_size,
        true,
    )
    .context("open the container log")?;
    let (out_r, out_w) = pipe().context("create the stdout pipe")?;
    let (err_r, err_w) = pipe().context("create the stderr pipe")?;
    let stdin = if stdin {
        Some(
            std::io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .context("duplicate stdin")?,
        )
    } else {
        None
    };
    let stdio = Stdio {
        stdin,
        stdout: out_w,
        stderr: err_w,
    };
    let launched = launch(p, s.plan, Some(stdio), false, s.sfd, 0, s.early_net)?;
    drop(lock.take());
    let mut notify = s.notify;
    if let Some(n) = notify.as_mut() {
        n.started();
    }
    let (code, _) = monitor(
        &launched,
        s.sfd,
        out_r,
        err_r,
        MonitorIo {
            log: &mut log,
            server: None,
            stdin_pipe: None,
            health: None,
            notify: notify.as_mut(),
        },
    );
    launched.disarm();
    Ok(code)
}

/// A foreground start with berth's own stdio (or a pty relayed to it). The detach keys of
/// `run -it` turn this session into the container's monitor.
fn start_direct(
    s: Started<'_>,
    tty: bool,
    detach_keys: Option<Vec<u8>>,
    link: &SessionLink,
    guard: &mut Guard<'_>,
    lock: &mut Option<container::ContainerLock>,
) -> Result<i32> {
    let p = s.p;
    let launched = launch(p, s.plan, None, tty, s.sfd, 0, s.early_net)?;
    drop(lock.take());
    let mut notify = s.notify;
    if let Some(n) = notify.as_mut() {
        n.started();
    }
    let mut keys = detach_keys.map(super::attach::DetachKeys::new);
    let relayed = super::relay::relay(
        &launched.pidfd,
        s.sfd,
        launched.master.as_ref(),
        p.opts.interactive,
        keys.as_mut(),
    )
    .context("supervise the container")?;
    let code = match relayed {
        super::relay::Relayed::Exited(code) => code,
        super::relay::Relayed::Detached => {
            guard.link = None;
            link.detached()
                .context("tell berth the container was detached")?;
            crate::sys::process::silence_stdio();
            let log_path = p.ctr.dir.join(super::logs::LOG_FILE);
            monitor_detached(p, &launched, s.sfd, &log_path, notify.as_mut())?
        }
    };
    launched.disarm();
    Ok(code)
}

/// A detached start: announce the container, let P0 go, and stay as its monitor, starting
/// it again as its restart policy (or a failing healthcheck) says.
fn start_monitored(
    s: Started<'_>,
    tty: bool,
    stdin_pipe: bool,
    link: &SessionLink,
    announce: &str,
    _guard: &mut Guard<'_>,
    lock: &mut Option<container::ContainerLock>,
) -> Result<i32> {
    let p = s.p;
    let log_path = p.ctr.dir.join(super::logs::LOG_FILE);
    let (mut log, mut server) = monitor_outputs(p, &log_path)?;
    let mut early_net = s.early_net;
    let mut notify = s.notify;
    let mut plan = s.plan.clone();
    let mut restarts: u32 = 0;
    loop {
        let first = restarts == 0;
        let (out_r, out_w) = pipe().context("create the stdout pipe")?;
        let (err_r, err_w) = pipe().context("create the stderr pipe")?;
        let (stdin_r, stdin_w): (Option<OwnedFd>, Option<OwnedFd>) = if stdin_pipe {
            let (r, w) = pipe().context("create the stdin pipe")?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        let stdio = (!tty).then_some(Stdio {
            stdin: stdin_r,
            stdout: out_w,
            stderr: err_w,
        });
        let launched = match launch(p, &plan, stdio, tty, s.sfd, restarts, early_net.take()) {
            Ok(l) => l,
            Err(e) if first => return Err(e),
            Err(e) => {
                // A restart failed: record it in the log, then stop trying.
                let _ = log.write(Stream::Stderr, format!("{e}\n").as_bytes());
                return Ok(e.code());
            }
        };
        drop(lock.take());
        if first {
            // Before P0 exits: the manager must know its new main process first.
            if let Some(n) = notify.as_mut() {
                n.started();
            }
            println!("{announce}");
            use std::io::Write as _;
            let _ = std::io::stdout().flush();
            link.detached()
                .context("tell berth the container started")?;
            crate::sys::process::silence_stdio();
        }
        if p.health.is_some() {
            let _ = super::health::save(&p.ctr.dir, &super::health::HealthState::default());
        }
        let (code, health_restart) = monitor(
            &launched,
            s.sfd,
            out_r,
            err_r,
            MonitorIo {
                log: &mut log,
                server: server.as_mut(),
                stdin_pipe: stdin_w,
                health: HealthRun::of(p),
                notify: notify.as_mut(),
            },
        );
        if let Some(net) = launched.disarm() {
            // Its ports must be free before a restart publishes them again.
            net.stop();
        }
        let stopped = p.ctr.dir.join(STOPPED_MARK).exists();
        if !health_restart && !p.opts.restart.should_restart(code, restarts, stopped) {
            return Ok(code);
        }
        restarts += 1;
        plan = plan.restart();
        record_exit(&p.ctr, Some(code), restarts);
        // Back off a little on a container that keeps failing.
        std::thread::sleep(std::time::Duration::from_millis(
            (100 * u64::from(restarts)).min(2000),
        ));
    }
}

/// Finalises a container on every way out of `start`: unmounts its rootfs, records its
/// exit, and removes it with --rm.
struct Guard<'a> {
    store_root: PathBuf,
    container: Container,
    rm: bool,
    mounted: bool,
    exit_code: Option<i32>,
    /// P0, waiting for a foreground container's status.
    link: Option<&'a SessionLink>,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if self.mounted {
            let _ = overlay::unmount(&self.container.merged());
        }
        stop_pod_after_last_member(&self.store_root, &self.container);
        if self.rm {
            // Deleting the files is the slowest part of a short container's life: once the
            // container is out of the store, tell P0 its status and let it go, and delete
            // the files after (a crash in between leaves `.trash-*`, which `system check`
            // removes).
            use crate::storage::events;
            if self.exit_code.is_some() {
                events::container("died", &self.container.config, self.exit_code);
            }
            let Ok(trash) = container::retire(&self.store_root, &self.container) else {
                return;
            };
            events::container("remove", &self.container.config, None);
            // Anonymous volumes (and the image with --rmi) go before the report: a caller
            // may list them next.
            let _ = volume::remove_anonymous(
                &self.store_root,
                &self.container.config.options.named_volumes,
            );
            if self.container.config.options.extras.rmi {
                if let Ok(paths) = Paths::discover() {
                    monitor::remove_unused_image(&paths, &self.container.config.image_id);
                }
            }
            if let (Some(link), Some(code)) = (self.link, self.exit_code) {
                if link.exited(code).is_ok() {
                    crate::sys::process::silence_stdio();
                }
            }
            let _ = container::purge(&trash);
        } else {
            let restarts = self.container.state().map(|s| s.restart_count).unwrap_or(0);
            record_exit(&self.container, self.exit_code, restarts);
        }
    }
}

/// `pod create --exit-policy stop`: when the last member of a pod has exited for good, stop
/// its infra too (so the pod is Exited, as in podman). This session is in the infra's user
/// namespace (the member joined it), so it may signal the infra.
fn stop_pod_after_last_member(store_root: &std::path::Path, ctr: &Container) {
    let extras = &ctr.config.options.extras;
    let Some(pod_id) = extras.pod.as_deref().filter(|_| !extras.infra) else {
        return;
    };
    let Ok(pod) = crate::pod::find(store_root, pod_id) else {
        return;
    };
    let Some(infra_id) = pod.config.infra_id.as_deref() else {
        return;
    };
    if pod.config.exit_policy != "stop" {
        return;
    }
    let Ok(all) = container::list(store_root) else {
        return;
    };
    let others_run = crate::pod::members(&pod, &all).iter().any(|c| {
        c.config.id != ctr.config.id
            && c.config.id != infra_id
            && c.state()
                .is_ok_and(|s| s.status == container::Status::Running && s.is_alive())
    });
    if others_run {
        return;
    }
    if let Some(infra) = all.iter().find(|c| c.config.id == infra_id) {
        let _ = crate::run::control::stop(infra, libc::SIGTERM, std::time::Duration::from_secs(10));
    }
}
