//! The session's side of `berth run`: record the container, mount its rootfs, clone C with
//! its namespaces, start it, and supervise it until it exits.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use chrono::Utc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::CloneFlags;
use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::WaitStatus;

use super::options::{RunOptions, SeccompChoice, UserSpec, UsernsMode};
use super::plan::{self, ImageDefaults, Plan, PlanInput};
use super::sync::{FromInit, ToInit};
use crate::config::{Config, Paths};
use crate::error::{Context, Error, HintContext, Result};
use crate::storage::container::{self, Container, ContainerConfig, ContainerState, Status};
use crate::storage::overlay::{self, OverlaySpec};
use crate::storage::Store;
use crate::sys::channel::Channel;
use crate::sys::process::{clone3, Forked};
use crate::userns::session::FORWARDED;

/// Run a container in the foreground and return its exit status.
pub fn run(opts: &RunOptions) -> Result<i32> {
    let paths = Paths::discover().context("find berth's directories")?;
    let config = Config::load(&paths).context("load berth's configuration")?;
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let store = Store::open(&paths).context("open the store")?;
    let image = store
        .resolve_image(&opts.image)
        .with_context(|| format!("resolve image `{}`", opts.image))?;

    let supported: caps::CapsHashSet = super::caps::all_supported();
    let defaults = image_defaults(&image.config);
    let options_json = serde_json::to_value(opts).unwrap_or_default();
    let image_name = image
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| image.id.clone());
    let ctr = container::create(store.root(), opts.name.as_deref(), |id, name| {
        ContainerConfig {
            id: id.to_string(),
            name: name.to_string(),
            image_id: image.id.clone(),
            image_name: image_name.clone(),
            command: opts.command.clone().unwrap_or_default(),
            created: Utc::now(),
            rm: opts.rm,
            options: options_json.clone(),
        }
    })
    .context("create the container")?;

    // From here on, the guard removes (--rm) or finalises the container on every exit.
    let mut guard = Guard {
        store_root: store.root().to_path_buf(),
        container: ctr.clone(),
        rm: opts.rm,
        mounted: false,
        exit_code: None,
    };

    let host_hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plan = plan::build(&PlanInput {
        opts,
        image: &defaults,
        id: &ctr.config.id,
        etc_dir: ctr.etc_dir(),
        host_hostname,
        supported_caps: &supported,
    })
    .context("plan the container")?;
    let mut plan = plan;
    if opts.userns == UsernsMode::KeepId && opts.user.is_none() {
        // keep-id runs as the user's own uid and gid by default, as podman does.
        let (uid, gid) = host_ids().context("read the session's id maps")?;
        plan.process.user = Some(UserSpec {
            user: uid.to_string(),
            group: Some(gid.to_string()),
        });
    }
    write_etc_files(&ctr, &plan).context("write the container's /etc files")?;

    let seccomp = match (&opts.seccomp, opts.privileged) {
        (SeccompChoice::Unconfined, _) | (SeccompChoice::Default, true) => None,
        (choice, _) => {
            let path = match choice {
                SeccompChoice::Profile(p) => Some(p.as_path()),
                _ => None,
            };
            let profile = super::seccomp::load_profile(path).context("load the seccomp profile")?;
            let names = super::caps::names(&plan.process.caps.bounding);
            Some(super::seccomp::compile(&profile, &names).context("compile the seccomp profile")?)
        }
    };

    let lowers = image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_link(l))
        .collect::<std::result::Result<Vec<PathBuf>, _>>()
        .context("find the image's layers")?;
    let spec = OverlaySpec {
        layers_dir: store.layers_dir(),
        lowers,
        upper: ctr.upper(),
        work: ctr.work(),
        merged: ctr.merged(),
    };
    overlay::mount(&spec, config.storage.overlay, &paths.runtime)
        .hinted_context("mount the container's rootfs")?;
    guard.mounted = true;

    let code = start_and_wait(&ctr, &plan, seccomp.as_ref(), &supported, opts)?;
    guard.exit_code = Some(code);
    drop(guard);
    Ok(code)
}

/// The parts of the image config a container needs.
fn image_defaults(config: &oci_spec::image::ImageConfiguration) -> ImageDefaults {
    let Some(c) = config.config() else {
        return ImageDefaults::default();
    };
    ImageDefaults {
        entrypoint: c.entrypoint().clone().unwrap_or_default(),
        cmd: c.cmd().clone().unwrap_or_default(),
        env: c.env().clone().unwrap_or_default(),
        workdir: c.working_dir().clone(),
        user: c.user().clone(),
    }
}

fn write_etc_files(ctr: &Container, plan: &Plan) -> std::io::Result<()> {
    let dir = ctr.etc_dir();
    std::fs::write(
        dir.join("hosts"),
        plan::hosts_file(&plan.hostname, &ctr.config.name),
    )?;
    std::fs::write(dir.join("hostname"), format!("{}\n", plan.hostname))?;
    let resolv = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    std::fs::write(dir.join("resolv.conf"), resolv)?;
    Ok(())
}

/// Finalises a container on every way out of `run`: unmounts its rootfs, records its exit,
/// and removes it with --rm.
struct Guard {
    store_root: PathBuf,
    container: Container,
    rm: bool,
    mounted: bool,
    exit_code: Option<i32>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.mounted {
            let _ = overlay::unmount(&self.container.merged());
        }
        if self.rm {
            let _ = container::remove(&self.store_root, &self.container);
        } else {
            let started_at = self.container.state().ok().and_then(|s| s.started_at);
            let _ = self.container.write_state(&ContainerState {
                status: Status::Exited,
                exit_code: self.exit_code,
                started_at,
                finished_at: Some(Utc::now()),
                ..ContainerState::created()
            });
        }
    }
}

/// Kills and reaps C unless disarmed.
struct ChildGuard {
    pidfd: Option<OwnedFd>,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(fd) = self.pidfd.take() {
            let _ = crate::sys::process::pidfd_kill(&fd, libc::SIGKILL);
            let _ = crate::sys::process::wait_pidfd(&fd);
        }
    }
}

fn start_and_wait(
    ctr: &Container,
    plan: &Plan,
    seccomp: Option<&super::seccomp::SeccompProgram>,
    supported: &caps::CapsHashSet,
    opts: &RunOptions,
) -> Result<i32> {
    // Signals are blocked before the clone so that none is lost; S reads them from a
    // signalfd, and C resets its mask right before execve.
    let mut mask = SigSet::empty();
    for sig in FORWARDED {
        mask.add(sig);
    }
    mask.add(Signal::SIGCHLD);
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&mask), None)
        .map_err(std::io::Error::from)
        .context("block signals")?;
    let sfd = SignalFd::with_flags(&mask, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)
        .map_err(std::io::Error::from)
        .context("create a signalfd")?;

    let mut flags = CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC;
    if plan.new_net {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    if plan.keep_id {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    let winsize = if opts.tty {
        crate::sys::tty::get_winsize(std::io::stdin().as_fd()).ok()
    } else {
        None
    };
    let (parent_end, child_end) = Channel::pair().context("create the init's sync socket")?;
    let rootfs = ctr.merged();
    let forked = clone3(flags.bits() as u64)
        .context("create the container's namespaces")
        .map_err(|e| {
            e.hint("check `berth info`: user namespaces may be limited on this machine")
        })?;
    let (pid, pidfd) = match forked {
        Forked::Child => {
            drop(parent_end);
            drop(sfd);
            super::init::container_main(super::init::InitContext {
                plan,
                rootfs: &rootfs,
                chan: child_end,
                seccomp,
                supported_caps: supported,
                winsize,
            })
        }
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(child_end);
    let mut child_guard = ChildGuard {
        pidfd: Some(pidfd.try_clone().context("duplicate the pidfd")?),
    };

    if plan.keep_id {
        write_keep_id_maps(pid).context("write the keep-id maps")?;
    }
    ctr.write_state(&ContainerState {
        status: Status::Running,
        pid: Some(pid),
        pid_start: container::process_start_time(pid),
        monitor: {
            let me = std::process::id().cast_signed();
            container::process_start_time(me).map(|start| (me, start))
        },
        started_at: Some(Utc::now()),
        ..ContainerState::created()
    })
    .context("record the container as running")?;
    parent_end
        .send(&ToInit::Go)
        .context("start the container")?;

    // Until end of file: the pty (with -t), or a failure.
    let mut master: Option<OwnedFd> = None;
    loop {
        match parent_end.recv_with_fd::<FromInit>() {
            Ok(Some((FromInit::Pty, fd))) => master = fd,
            Ok(Some((FromInit::Failed(failure), _))) => {
                let code = failure.exit_code();
                // An exec failure speaks for itself; other steps name the init's step.
                let what = match failure.step {
                    super::sync::Step::Exec => failure.to_string(),
                    step => format!("container init: {}: {failure}", step.name()),
                };
                return Err(Error::Failed {
                    what,
                    source: None,
                    hint: None,
                    code,
                });
            }
            Ok(None) => break,
            Err(e) => return Err(e).context("read from the container init"),
        }
    }

    let stdin = std::io::stdin();
    // Raw mode whenever there is a pty, so that the outer terminal does not translate the
    // container's output a second time.
    let _raw = if master.is_some() && crate::sys::tty::is_tty(stdin.as_fd()) {
        crate::sys::tty::RawMode::enable(stdin.as_fd()).ok()
    } else {
        None
    };
    if let Some(m) = &master {
        if let Ok(size) = crate::sys::tty::get_winsize(stdin.as_fd()) {
            let _ = crate::sys::tty::set_winsize(m.as_fd(), size);
        }
    }
    let status = supervise(&pidfd, &sfd, master.as_ref(), opts.interactive)?;
    // Reaped: the guard has nothing left to kill.
    child_guard.pidfd = None;
    Ok(status)
}

/// Forward signals and copy the terminal until C exits; return its status.
fn supervise(
    pidfd: &OwnedFd,
    sfd: &SignalFd,
    master: Option<&OwnedFd>,
    interactive: bool,
) -> Result<i32> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut stdin_open = interactive && master.is_some();
    let mut master_open = master.is_some();
    loop {
        let mut fds = vec![
            PollFd::new(pidfd.as_fd(), PollFlags::POLLIN),
            PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
        ];
        if let (Some(m), true) = (master, master_open) {
            fds.push(PollFd::new(m.as_fd(), PollFlags::POLLIN));
        }
        if stdin_open {
            fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(std::io::Error::from(e)).context("poll"),
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        drop(fds);
        if ready[1] {
            while let Ok(Some(info)) = sfd.read_signal() {
                let signo = i32::try_from(info.ssi_signo).unwrap_or(0);
                match signo {
                    libc::SIGCHLD => {}
                    libc::SIGWINCH => {
                        if let Some(m) = master {
                            if let Ok(size) = crate::sys::tty::get_winsize(stdin.as_fd()) {
                                let _ = crate::sys::tty::set_winsize(m.as_fd(), size);
                            }
                        }
                    }
                    sig => {
                        let _ = crate::sys::process::pidfd_kill(pidfd, sig);
                    }
                }
            }
        }
        let mut idx = 2;
        if let (Some(m), true) = (master, master_open) {
            if ready[idx] && !copy(m.as_fd(), stdout.as_fd()) {
                master_open = false;
            }
            idx += 1;
        }
        if stdin_open && ready[idx] {
            if let Some(m) = master {
                if !copy(stdin.as_fd(), m.as_fd()) {
                    stdin_open = false;
                }
            }
        }
        if ready[0] {
            // Drain what the container wrote before it exited.
            if let (Some(m), true) = (master, master_open) {
                drain(m.as_fd(), stdout.as_fd());
            }
            let status =
                crate::sys::process::wait_pidfd(pidfd).context("wait for the container")?;
            return Ok(match status {
                WaitStatus::Exited(_, code) => code,
                WaitStatus::Signaled(_, sig, _) => 128 + sig as i32,
                _ => crate::error::EXIT_BERTH,
            });
        }
    }
}

/// Copy one chunk; false at end of file or error.
fn copy(from: BorrowedFd<'_>, to: BorrowedFd<'_>) -> bool {
    let mut buf = [0u8; 8192];
    match nix::unistd::read(from.as_raw_fd(), &mut buf) {
        Ok(0) | Err(_) => false,
        Ok(n) => write_all(to, &buf[..n]),
    }
}

fn write_all(to: BorrowedFd<'_>, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        match nix::unistd::write(to, data) {
            Ok(n) => data = &data[n..],
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return false,
        }
    }
    true
}

fn drain(from: BorrowedFd<'_>, to: BorrowedFd<'_>) {
    loop {
        let mut fds = [PollFd::new(from, PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::ZERO) {
            Ok(n) if n > 0 => {
                if !copy(from, to) {
                    return;
                }
            }
            _ => return,
        }
    }
}

/// The user's host uid and gid: what the session's 0 maps to.
fn host_ids() -> std::io::Result<(u32, u32)> {
    let uids = read_proc_maps(Path::new("/proc/self/uid_map"))?;
    let gids = read_proc_maps(Path::new("/proc/self/gid_map"))?;
    let uid = uids.iter().find(|e| e.inside == 0).map_or(0, |e| e.outside);
    let gid = gids.iter().find(|e| e.inside == 0).map_or(0, |e| e.outside);
    Ok((uid, gid))
}

/// keep-id: the nested user namespace maps the user's own uid and gid to themselves.
fn write_keep_id_maps(pid: i32) -> std::io::Result<()> {
    let session = read_proc_maps(Path::new("/proc/self/uid_map"))?;
    let session_g = read_proc_maps(Path::new("/proc/self/gid_map"))?;
    let (host_uid, host_gid) = host_ids()?;
    let maps = crate::userns::map::keep_id_maps(
        &crate::userns::map::IdMaps {
            uids: session,
            gids: session_g,
        },
        host_uid,
        host_gid,
    );
    let proc = PathBuf::from(format!("/proc/{pid}"));
    std::fs::write(
        proc.join("uid_map"),
        crate::userns::map::IdMaps::to_proc_format(&maps.uids),
    )?;
    std::fs::write(
        proc.join("gid_map"),
        crate::userns::map::IdMaps::to_proc_format(&maps.gids),
    )?;
    Ok(())
}

/// Parse `/proc/PID/uid_map` text.
fn read_proc_maps(path: &Path) -> std::io::Result<Vec<crate::userns::map::IdMapEntry>> {
    let text = std::fs::read_to_string(path)?;
    Ok(parse_proc_maps(&text))
}

/// `inside outside count` lines.
fn parse_proc_maps(text: &str) -> Vec<crate::userns::map::IdMapEntry> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace().map(str::parse::<u32>);
            match (f.next(), f.next(), f.next()) {
                (Some(Ok(inside)), Some(Ok(outside)), Some(Ok(count))) => {
                    Some(crate::userns::map::IdMapEntry {
                        inside,
                        outside,
                        count,
                    })
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_maps_parse() {
        let m = parse_proc_maps(
            "         0       1001          1\n         1     100000      65536\nbad\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!((m[1].inside, m[1].outside, m[1].count), (1, 100000, 65536));
    }
}
