//! One launch of C: join or make its network namespace as the launch plan says, clone it,
//! start its network helper, let it go and wait for its `execve`. Also the build's
//! transient RUN process.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use chrono::Utc;
use nix::sched::CloneFlags;
use nix::sys::signalfd::SignalFd;

use super::super::init::Stdio;
use super::super::plan::Plan;
use super::super::sync::{FromInit, ToInit};
use super::*;
use crate::error::{Context, Error, Result};
use crate::run::launch_plan::{LaunchPlan, NetworkPlan};
use crate::seccomp::SeccompProgram;
use crate::spec::{IpcMode, NetworkMode, UtsMode};
use crate::storage::container::{self, ContainerState, Status};
use crate::sys::channel::Channel;
use crate::sys::process::Forked;
use crate::userns::session::FORWARDED_AND_CHLD;

/// A started container.
pub(super) struct Launched {
    pub(super) pidfd: OwnedFd,
    pub(super) master: Option<OwnedFd>,
    guard: ChildGuard,
    /// The network helper; dropped (stopped) with the container.
    pub(super) _net: Option<crate::net::Helper>,
    /// The published-port forwarder of a container on user networks.
    pub(super) _bridge_ports: Option<crate::net::bridge::forward::Forwarder>,
}

impl Launched {
    /// C has been reaped: nothing left to kill. Returns the network helper, for a caller
    /// that must wait until it is gone (a dropped helper is killed without waiting).
    pub(super) fn disarm(mut self) -> Option<crate::net::Helper> {
        self.guard.pidfd = None;
        self._net.take()
    }
}

pub(super) fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?)
}

/// What a failed network start should point at.
pub(super) const NET_HINT: &str = "check `berth info` for pasta, slirp4netns and /dev/net/tun";

/// Clone C as `launch` says, record the container as running, let it go, and wait until
/// its command has been exec'd (or report why it could not be).
pub(super) fn launch(
    p: &Prepared,
    launch: &LaunchPlan,
    stdio: Option<Stdio>,
    tty: bool,
    sfd: &SignalFd,
    restarts: u32,
    early_net: Option<crate::net::EarlyNet>,
) -> Result<Launched> {
    let mut flags = CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWNS;
    match &p.plan.uts {
        UtsMode::Private => flags |= CloneFlags::CLONE_NEWUTS,
        UtsMode::Host => {}
        UtsMode::Container(key) => join_uts(p, key)?,
    }
    if p.plan.ipc.new_ns() {
        flags |= CloneFlags::CLONE_NEWIPC;
    }
    if let IpcMode::Container(key) = &p.plan.ipc {
        join_ipc(p, key)?;
    }
    let plan = &p.plan;
    if launch.clone_netns && early_net.is_none() {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    if launch.clone_userns {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    let winsize = if tty && stdio.is_none() {
        crate::sys::tty::get_winsize(std::io::stdin().as_fd()).ok()
    } else {
        None
    };
    // The signalfd stays open in C until it execs (it is close-on-exec).
    let _ = sfd;
    match &launch.network {
        NetworkPlan::JoinPath(path) => {
            // As below, for a path: S is in the user namespace that owns it.
            let netns = std::fs::File::open(path)
                .with_context(|| format!("open the network namespace `{}`", path.display()))?;
            nix::sched::setns(&netns, CloneFlags::CLONE_NEWNET)
                .map_err(std::io::Error::from)
                .with_context(|| format!("join the network namespace `{}`", path.display()))?;
        }
        NetworkPlan::JoinContainer(key) => {
            // C is cloned into X's network namespace: S enters it first (S is in X's user
            // namespace, which owns it; see `commands::run::join_network_owner`).
            let (_, owner) = crate::net::network_owner(&p.store_root, key)?;
            let netns = std::fs::File::open(format!("/proc/{owner}/ns/net"))
                .with_context(|| format!("open the network namespace of container `{key}`"))?;
            nix::sched::setns(&netns, CloneFlags::CLONE_NEWNET)
                .map_err(std::io::Error::from)
                .with_context(|| format!("join the network namespace of container `{key}`"))
                .map_err(|e| {
                    e.hint("the container must have been started after this one's session joined it; start this container again")
                })?;
        }
        NetworkPlan::Host | NetworkPlan::Cloned | NetworkPlan::Early => {}
    }
    let rootfs = p.ctr.merged();
    let (early_netns, early_pending) = match early_net {
        Some(e) => (Some(e.netns), Some(e.pending)),
        None => (None, None),
    };
    let init_copy =
        match &p.init_copy {
            Some(copy) => Some(copy.sealed().context(
                "--init: copy berth's own binary (`/proc/self/exe`) into a sealed memfd",
            )?),
            None => None,
        };
    // The container's own cgroup, made (or reused, on a restart) with its limits; C is
    // cloned straight into it.
    let cgroup = &p.opts.extras.cgroup;
    let leaf = match cgroup.leaf(&p.ctr.config.id) {
        Some(path) => {
            let limits =
                crate::cgroup::LimitPlan::of(&cgroup.limits, &crate::cgroup::plan::block_device)
                    .map_err(|e| crate::cgroup::into_error("apply the container's limits", e))?;
            let leaf = crate::cgroup::Leaf::create(&path, &limits)
                .map_err(|e| crate::cgroup::into_error("create the container's cgroup", e))?;
            Some(leaf.open().map_err(|e| crate::cgroup::into_error("", e))?)
        }
        None => None,
    };
    if cgroup.ns_private {
        flags |= CloneFlags::CLONE_NEWCGROUP;
    }
    let (pid, pidfd, parent_end, guard) = clone_init(
        plan,
        &rootfs,
        p.seccomp.as_ref(),
        &p.supported,
        winsize,
        stdio,
        flags,
        early_netns.as_ref().map(AsFd::as_fd),
        init_copy,
        leaf.as_ref().map(AsFd::as_fd),
    )?;
    if let Some(adj) = cgroup.oom_score_adj {
        std::fs::write(format!("/proc/{pid}/oom_score_adj"), adj.to_string())
            .context("--oom-score-adj: write the container's oom_score_adj")
            .map_err(|e| {
                e.hint("an unprivileged user can raise the score but not lower it below its own")
            })?;
    }

    if launch.clone_userns {
        write_keep_id_maps(pid).context("write the keep-id maps")?;
    }
    // The network helper attaches to C's namespace now; C mounts meanwhile and waits for
    // NetReady before it execs, so the command starts with its network up. The helper is
    // stopped when `Launched` goes (or on any early return).
    let pending = match early_pending {
        Some(pending) => Some(pending),
        None => crate::net::begin_helper(
            &p.opts.network,
            &p.opts.net.ports,
            pid,
            &crate::net::helper_dir(&p.paths.runtime, &p.ctr.config.id),
        )
        .context("set up the container's network")
        .map_err(|e| e.hint(NET_HINT))?,
    };
    // User networks: veths from the rootless namespace's bridges, and published ports.
    let bridge_ports = if launch.bridge {
        crate::net::bridge::attach::connect(
            &p.paths,
            &p.ctr.config.id,
            &p.opts.user_networks,
            &p.opts.net.ports,
            pid,
        )?
    } else {
        None
    };
    // Let C go first and record it while C sets up its mounts: the two overlap. The start
    // time is read before, while C cannot have exited yet.
    let pid_start = container::process_start_time(pid);
    parent_end
        .send(&ToInit::Go)
        .context("start the container")?;
    p.ctr
        .write_state(&ContainerState {
            status: Status::Running,
            pid: Some(pid),
            pid_start,
            monitor: {
                let me = std::process::id().cast_signed();
                container::process_start_time(me).map(|start| (me, start))
            },
            started_at: Some(Utc::now()),
            restart_count: restarts,
            ..ContainerState::created()
        })
        .context("record the container as running")?;
    crate::storage::events::container("init", &p.ctr.config, None);
    crate::storage::events::container("start", &p.ctr.config, None);
    if let Some(path) = &p.opts.extras.pidfile {
        std::fs::write(path, pid.to_string())
            .with_context(|| format!("write the pid file `{}`", path.display()))?;
    }
    let net = match pending {
        Some(pending) => Some(
            pending
                .wait()
                .context("set up the container's network")
                .map_err(|e| e.hint(NET_HINT))?,
        ),
        None => None,
    };
    // C may already have failed (its message follows below); a lost NetReady is no error.
    let _ = parent_end.send(&ToInit::NetReady);

    let master = await_exec(&parent_end)?;
    Ok(Launched {
        pidfd,
        master,
        guard,
        _net: net,
        _bridge_ports: bridge_ports,
    })
}

/// `--ipc container:X`: container X and its running process.
pub fn ipc_owner(store_root: &Path, key: &str) -> Result<(container::Container, i32)> {
    let ctr = container::find(store_root, key)
        .map_err(|e| Error::msg(format!("--ipc container:{key}: {e}")))?;
    let state = ctr
        .state()
        .map_err(|e| Error::from_source(format!("read the state of container `{key}`"), e))?;
    let pid = state.pid.filter(|_| state.is_alive()).ok_or_else(|| {
        Error::msg(format!(
            "--ipc container:{key}: container `{}` is not running",
            ctr.config.name
        ))
        .hint(format!("start it first: berth start {}", ctr.config.name))
    })?;
    Ok((ctr, pid))
}

/// `--uts container:X` (a pod member and its infra): S enters X's UTS namespace, so C is
/// cloned into it and keeps X's hostname.
fn join_uts(p: &Prepared, key: &str) -> Result<()> {
    let (_, owner) = ipc_owner(&p.store_root, key)?;
    let ns = std::fs::File::open(format!("/proc/{owner}/ns/uts"))
        .with_context(|| format!("open the UTS namespace of container `{key}`"))?;
    nix::sched::setns(&ns, CloneFlags::CLONE_NEWUTS)
        .map_err(std::io::Error::from)
        .with_context(|| format!("join the UTS namespace of container `{key}`"))
}

/// `--ipc container:X`: S enters X's IPC namespace (S is in X's user namespace, as for
/// `--network container:`).
fn join_ipc(p: &Prepared, key: &str) -> Result<()> {
    let (donor, owner) = ipc_owner(&p.store_root, key)?;
    match &donor.config.options.extras.ipc {
        IpcMode::Private | IpcMode::None => {
            return Err(Error::msg(format!(
                "--ipc container:{key}: joining the IPC namespace of container `{}` is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)",
                donor.config.name
            )))
        }
        IpcMode::Host => {
            return Err(Error::msg(format!(
                "--ipc container:{key}: container `{}` uses the host's IPC namespace; use --ipc host",
                donor.config.name
            )))
        }
        IpcMode::Container(_) | IpcMode::Shareable => {}
    }
    let ns = std::fs::File::open(format!("/proc/{owner}/ns/ipc"))
        .with_context(|| format!("open the IPC namespace of container `{key}`"))?;
    nix::sched::setns(&ns, CloneFlags::CLONE_NEWIPC)
        .map_err(std::io::Error::from)
        .with_context(|| format!("join the IPC namespace of container `{key}`"))?;
    // SysV IPC and message queues are shared now. X's /dev/shm lives in X's mount
    // namespace, which cannot be bound from here (EINVAL): C keeps a /dev/shm of its own.
    Ok(())
}

/// Clone C into its namespaces (`flags`) to carry out `plan` on `rootfs`; returns its pid,
/// pidfd, the parent's end of the sync socket and a guard that kills C unless disarmed.
#[allow(clippy::too_many_arguments)]
fn clone_init(
    plan: &Plan,
    rootfs: &Path,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    winsize: Option<crate::sys::tty::WinSize>,
    stdio: Option<Stdio>,
    flags: CloneFlags,
    netns: Option<BorrowedFd<'_>>,
    init_copy: Option<BorrowedFd<'_>>,
    cgroup: Option<BorrowedFd<'_>>,
) -> Result<(i32, OwnedFd, Channel, ChildGuard)> {
    let (parent_end, child_end) = Channel::pair().context("create the init's sync socket")?;
    let forked = crate::sys::process::clone3_into(flags.bits() as u64, cgroup)
        .context("create the container's namespaces")
        .map_err(|e| {
            e.hint("check `berth info`: user namespaces may be limited on this machine")
        })?;
    let (pid, pidfd) = match forked {
        Forked::Child => {
            drop(parent_end);
            crate::run::init::container_main(crate::run::init::InitContext {
                plan,
                rootfs,
                chan: child_end,
                seccomp,
                supported_caps: supported,
                winsize,
                stdio,
                netns,
                init_copy,
            })
        }
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(child_end);
    drop(stdio);
    let guard = ChildGuard {
        pidfd: Some(pidfd.try_clone().context("duplicate the pidfd")?),
    };
    Ok((pid, pidfd, parent_end, guard))
}

/// Read from C until end of file (its command was exec'd): the pty (with -t), or the
/// reason it failed.
fn await_exec(parent_end: &Channel) -> Result<Option<OwnedFd>> {
    let mut master: Option<OwnedFd> = None;
    loop {
        match parent_end.recv_with_fd::<FromInit>() {
            Ok(Some((FromInit::Pty, fd))) => master = fd,
            Ok(Some((FromInit::Failed(failure), _))) => {
                let code = failure.exit_code();
                // An exec failure speaks for itself; other steps name the init's step.
                let what = match failure.step {
                    crate::run::sync::Step::Exec => failure.to_string(),
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
    Ok(master)
}

/// Run `plan` once on an already mounted `rootfs` that is no recorded container (a build's
/// RUN step): clone C, let it go, and wait for its status while forwarding signals. The
/// process is in no `ps` listing; the caller owns the rootfs's mount. `stdio` `None`
/// passes berth's own stdout and stderr through (stdin is /dev/null).
pub fn run_transient(
    plan: &Plan,
    rootfs: &Path,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    stdio: Option<Stdio>,
    network: (&NetworkMode, &Path),
) -> Result<i32> {
    let sfd = crate::sys::process::block_signals(&FORWARDED_AND_CHLD).context("block signals")?;
    let mut flags = CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC;
    if plan.new_net {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    let (pid, pidfd, parent_end, mut guard) = clone_init(
        plan, rootfs, seccomp, supported, None, stdio, flags, None, None, None,
    )?;
    // pasta or slirp4netns (`build --network`), as for a container; `_net` stops it.
    let (mode, helper_dir) = network;
    let pending = crate::net::begin_helper(mode, &[], pid, helper_dir)
        .context("set up the RUN step's network")
        .map_err(|e| e.hint(NET_HINT))?;
    parent_end
        .send(&ToInit::Go)
        .context("start the container")?;
    let _net = match pending {
        Some(p) => Some(
            p.wait()
                .context("set up the RUN step's network")
                .map_err(|e| e.hint(NET_HINT))?,
        ),
        None => None,
    };
    let _ = parent_end.send(&ToInit::NetReady);
    await_exec(&parent_end)?;
    // No detach keys: the relay ends only when the process exits.
    let code = match crate::run::relay::relay(&pidfd, &sfd, None, false, None)
        .context("wait for the process")?
    {
        crate::run::relay::Relayed::Exited(code) => code,
        crate::run::relay::Relayed::Detached => crate::error::EXIT_BERTH,
    };
    guard.pidfd = None;
    // Between steps a signal acts on berth itself again (Ctrl-C stops the build).
    let mut mask = nix::sys::signal::SigSet::empty();
    for sig in FORWARDED_AND_CHLD {
        mask.add(sig);
    }
    let _ =
        nix::sys::signal::sigprocmask(nix::sys::signal::SigmaskHow::SIG_UNBLOCK, Some(&mask), None);
    Ok(code)
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

/// The ids keep-id gives the container's process: the user's own, seen from the host (in
/// the session, what its 0 maps to).
pub(super) fn keep_id_ids() -> std::io::Result<(u32, u32)> {
    if nix::unistd::getuid().is_root() {
        host_ids()
    } else {
        Ok((
            nix::unistd::getuid().as_raw(),
            nix::unistd::getgid().as_raw(),
        ))
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
