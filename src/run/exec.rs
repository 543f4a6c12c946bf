//! `berth exec`: run one more process in a running container.
//!
//! This runs in P0, not in a session: P0 joins the container's own namespaces (DESIGN.md
//! section 2, "Exec"). While it is still single-threaded it opens a pidfd for the container
//! init (and checks the pid's start time, against pid reuse), turns dumpable off (so that
//! nothing in the container can ptrace or read a process that came from the host), and joins
//! the user, mount, PID, UTS, IPC and network namespaces with one `setns(pidfd, …)`. Joining
//! the user namespace of a container we own gives full capabilities in it; joining its mount
//! namespace moves our root to the container's. A PID namespace applies to children only,
//! so P0 then forks once: the child sets up its stdio and runs steps 10 to 15 of the
//! container init (`init::become_process`); P0 forwards signals, copies the pty and passes
//! the child's exit status on.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use nix::sys::signalfd::SignalFd;

use super::caps::CapPlan;
use super::init::become_process;
use super::plan::{Plan, Process};
use super::sync::{FromInit, InitFailure, Step};
use crate::seccomp::SeccompProgram;
use crate::spec::UserSpec;
use crate::sys::channel::Channel;
use crate::sys::process::{clone3, Forked};

/// Why an exec could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("open a pidfd for the container's process {pid}")]
    Pidfd {
        pid: i32,
        #[source]
        source: io::Error,
    },
    #[error("the container's process {pid} is gone")]
    Gone { pid: i32 },
    #[error("turn off dumpable")]
    Dumpable(#[source] io::Error),
    #[error("join the namespaces of the container's process {pid}")]
    Join {
        pid: i32,
        #[source]
        source: io::Error,
    },
    #[error("{op}")]
    Setup {
        op: &'static str,
        #[source]
        source: io::Error,
    },
    /// The child failed before its `execve`: the step, what and errno, as the init reports.
    #[error("{0}")]
    Init(InitFailure),
}

impl ExecError {
    /// The exit status: 126/127 when the command cannot be run, else 125.
    pub fn exit_code(&self) -> i32 {
        match self {
            ExecError::Init(f) => f.exit_code(),
            _ => crate::error::EXIT_BERTH,
        }
    }
}

fn setup(op: &'static str) -> impl FnOnce(io::Error) -> ExecError {
    move |source| ExecError::Setup { op, source }
}

/// `berth exec`'s validated options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOptions {
    pub container: String,
    pub command: Vec<String>,
    pub interactive: bool,
    pub tty: bool,
    pub detach: bool,
    pub privileged: bool,
    /// `KEY=VALUE` pairs in order: env files first, then `-e`.
    pub env: Vec<(String, String)>,
    pub user: Option<UserSpec>,
    pub workdir: Option<String>,
}

/// The exec's process, from the container's: its environment plus `-e`, its user and
/// working directory unless overridden, its capabilities (all of them with
/// `--privileged`) and no_new_privs. Never berth's reaping init: the container has its PID 1.
pub fn exec_process(base: &Process, opts: &ExecOptions, supported: &caps::CapsHashSet) -> Process {
    let mut env = base.env.clone();
    for (k, v) in &opts.env {
        env.retain(|(key, _)| key != k);
        env.push((k.clone(), v.clone()));
    }
    let caps = if opts.privileged {
        CapPlan {
            bounding: supported.clone(),
            added: supported.clone(),
        }
    } else {
        base.caps.clone()
    };
    Process {
        args: opts.command.clone(),
        env,
        cwd: opts.workdir.clone().unwrap_or_else(|| base.cwd.clone()),
        create_cwd: true,
        user: opts.user.clone().or_else(|| base.user.clone()),
        terminal: opts.tty,
        stdin: opts.interactive && !opts.detach,
        no_new_privs: base.no_new_privs,
        caps,
        init: false,
        pause: false,
        rlimits: base.rlimits.clone(),
        extra_groups: base.extra_groups.clone(),
    }
}

/// The namespaces to join (`crate::sys::ns` bits): the user namespace the container's
/// process lives in, and every namespace it was created with. A container on the host's
/// network keeps the host's network namespace, which we must not (and cannot) join.
pub fn namespaces(plan: &Plan) -> i32 {
    use crate::sys::ns;
    let mut flags = ns::USER | ns::MOUNT | ns::PID | ns::UTS;
    // The host's IPC namespace is the one we are in (and one we could not join).
    if plan.ipc != crate::spec::IpcMode::Host {
        flags |= ns::IPC;
    }
    if plan.new_net || plan.join_net {
        flags |= ns::NET;
    }
    flags
}

/// Open a pidfd for the container's process and make sure it is still the process that
/// was recorded (same start time: the pid was not reused).
pub fn open_target(pid: i32, start: Option<u64>) -> Result<OwnedFd, ExecError> {
    let pidfd = crate::sys::ns::pidfd_open(pid).map_err(|source| match source.raw_os_error() {
        Some(libc::ESRCH) => ExecError::Gone { pid },
        _ => ExecError::Pidfd { pid, source },
    })?;
    // Checked after the open: from here on the pidfd pins this very process.
    if start.is_none() || crate::storage::container::process_start_time(pid) != start {
        return Err(ExecError::Gone { pid });
    }
    Ok(pidfd)
}

/// Turn dumpable off and join `flags` of the process behind `pidfd`. Must be called while
/// the process is single-threaded; afterwards our root is the container's.
pub fn join(pidfd: BorrowedFd<'_>, pid: i32, flags: i32) -> Result<(), ExecError> {
    crate::sys::process::set_dumpable(false).map_err(ExecError::Dumpable)?;
    // A container's monitor (running a healthcheck) is already in the container's user
    // namespace, and the kernel refuses to join the namespace one is in.
    let flags = if same_user_namespace(pid) {
        flags & !crate::sys::ns::USER
    } else {
        flags
    };
    crate::sys::ns::setns_pidfd(pidfd, flags).map_err(|source| ExecError::Join { pid, source })
}

/// Are we in the user namespace of `pid` already?
fn same_user_namespace(pid: i32) -> bool {
    use std::os::unix::fs::MetadataExt;
    let ours = std::fs::metadata("/proc/self/ns/user");
    let theirs = std::fs::metadata(format!("/proc/{pid}/ns/user"));
    match (ours, theirs) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

/// A started exec process.
pub struct Started {
    pub pid: i32,
    pub pidfd: OwnedFd,
    /// The pty master (`-t`).
    pub master: Option<OwnedFd>,
}

/// The parent's view of the signals it forwards: blocked, and readable from a signalfd.
pub struct Signals {
    fd: SignalFd,
}

impl Signals {
    /// Block the forwarded signals and SIGCHLD (before the fork, so none is lost; the child
    /// unblocks them right before its `execve`).
    pub fn block() -> Result<Self, ExecError> {
        let fd = crate::sys::process::block_signals(&crate::userns::session::FORWARDED_AND_CHLD)
            .map_err(setup("block signals"))?;
        Ok(Signals { fd })
    }
}

/// Fork the exec process (already inside the container's namespaces) and wait until it has
/// exec'd its command, or report why it could not.
pub fn start(
    process: &Process,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    winsize: Option<crate::sys::tty::WinSize>,
    detach: bool,
) -> Result<Started, ExecError> {
    let (parent_end, child_end) = Channel::pair().map_err(setup("create the sync socket"))?;
    match clone3(0).map_err(setup("fork into the container's PID namespace"))? {
        Forked::Child => {
            drop(parent_end);
            crate::sys::process::set_name("berth:[exec]");
            let failure =
                match child_steps(process, seccomp, supported, winsize, detach, &child_end) {
                    Ok(never) => match never {},
                    Err(f) => f,
                };
            let code = failure.exit_code();
            let _ = child_end.send(&FromInit::Failed(failure));
            crate::sys::process::exit_now(code)
        }
        Forked::Parent { pid, pidfd } => {
            drop(child_end);
            let mut master = None;
            loop {
                match parent_end.recv_with_fd::<FromInit>() {
                    Ok(Some((FromInit::Pty, fd))) => master = fd,
                    Ok(Some((FromInit::Failed(failure), _))) => {
                        let _ = crate::sys::process::wait_pidfd(&pidfd);
                        return Err(ExecError::Init(failure));
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = crate::sys::process::pidfd_kill(&pidfd, libc::SIGKILL);
                        let _ = crate::sys::process::wait_pidfd(&pidfd);
                        return Err(setup("read from the exec process")(e));
                    }
                }
            }
            Ok(Started { pid, pidfd, master })
        }
    }
}

fn step_fail(step: Step, what: &str, err: &io::Error) -> InitFailure {
    InitFailure {
        step,
        what: what.to_string(),
        errno: err.raw_os_error(),
    }
}

/// The child: a session of its own, stdio, then steps 10 to 15 of the container init.
fn child_steps(
    process: &Process,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    winsize: Option<crate::sys::tty::WinSize>,
    detach: bool,
    chan: &Channel,
) -> Result<super::init::Never, InitFailure> {
    // A session of its own: a Ctrl-C typed at the user's terminal reaches P0 only, which
    // forwards it once; with -t the pty becomes this session's controlling terminal.
    nix::unistd::setsid().map_err(|e| step_fail(Step::Terminal, "setsid", &e.into()))?;
    if process.terminal {
        // The container's /dev/ptmx: our mount namespace is the container's.
        let (master, slave) = crate::sys::tty::open_pty()
            .map_err(|e| step_fail(Step::Terminal, "open a pty from `/dev/ptmx`", &e))?;
        if let Some(size) = winsize {
            crate::sys::tty::set_winsize(slave.as_fd(), size)
                .map_err(|e| step_fail(Step::Terminal, "set the pty's window size", &e))?;
        }
        chan.send_with_fd(&FromInit::Pty, master.as_fd())
            .map_err(|e| step_fail(Step::Terminal, "send the pty to berth", &e))?;
        drop(master);
        crate::sys::tty::set_controlling_terminal(slave.as_fd())
            .map_err(|e| step_fail(Step::Terminal, "make the pty the controlling terminal", &e))?;
        for target in 0..=2 {
            dup_onto(slave.as_fd(), target)?;
        }
    } else {
        let null = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
            .map_err(|e| step_fail(Step::Terminal, "open `/dev/null`", &e))?;
        if !process.stdin {
            dup_onto(null.as_fd(), 0)?;
        }
        if detach {
            dup_onto(null.as_fd(), 1)?;
            dup_onto(null.as_fd(), 2)?;
        }
    }
    become_process(process, seccomp, supported)
}

fn dup_onto(fd: BorrowedFd<'_>, target: i32) -> Result<(), InitFailure> {
    nix::unistd::dup2(fd.as_raw_fd(), target)
        .map(|_| ())
        .map_err(|e| step_fail(Step::Terminal, &format!("dup2 onto {target}"), &e.into()))
}

/// Forward signals and copy the terminal until the exec process exits; return its status
/// (128+N when a signal ended it).
pub fn supervise(
    started: &Started,
    signals: &Signals,
    interactive: bool,
) -> Result<i32, ExecError> {
    match super::relay::relay(
        &started.pidfd,
        &signals.fd,
        started.master.as_ref(),
        interactive,
        None,
    )
    .map_err(setup("wait for the exec process"))?
    {
        super::relay::Relayed::Exited(code) => Ok(code),
        // Without detach keys the relay only ends when the process does.
        super::relay::Relayed::Detached => Ok(crate::error::EXIT_BERTH),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Process {
        Process {
            args: vec!["sleep".into(), "300".into()],
            env: vec![("PATH".into(), "/bin".into()), ("A".into(), "run".into())],
            cwd: "/work".into(),
            create_cwd: true,
            user: Some(UserSpec {
                user: "tester".into(),
                group: None,
            }),
            terminal: false,
            stdin: false,
            no_new_privs: true,
            caps: CapPlan {
                bounding: [caps::Capability::CAP_CHOWN].into_iter().collect(),
                added: caps::CapsHashSet::new(),
            },
            init: true,
            rlimits: Vec::new(),
            pause: false,
            extra_groups: Vec::new(),
        }
    }

    fn opts(command: &str) -> ExecOptions {
        ExecOptions {
            container: "c".into(),
            command: vec![command.into()],
            interactive: false,
            tty: false,
            detach: false,
            privileged: false,
            env: Vec::new(),
            user: None,
            workdir: None,
        }
    }

    #[test]
    fn process_inherits_the_containers() {
        let supported = super::super::caps::all_supported();
        let o = ExecOptions {
            env: vec![("A".into(), "exec".into()), ("B".into(), "new".into())],
            ..opts("id")
        };
        let p = exec_process(&base(), &o, &supported);
        assert_eq!(p.args, ["id"]);
        assert_eq!(
            p.env,
            [
                ("PATH".into(), "/bin".into()),
                ("A".into(), "exec".into()),
                ("B".into(), "new".into())
            ]
        );
        assert_eq!(p.cwd, "/work");
        assert_eq!(p.user, base().user);
        assert!(p.no_new_privs && !p.init && !p.terminal && !p.stdin);
        assert_eq!(p.caps, base().caps);

        let o = ExecOptions {
            interactive: true,
            tty: true,
            privileged: true,
            user: UserSpec::parse("0"),
            workdir: Some("/".into()),
            ..opts("sh")
        };
        let p = exec_process(&base(), &o, &supported);
        assert_eq!(p.user.as_ref().map(|u| u.user.as_str()), Some("0"));
        assert_eq!(p.cwd, "/");
        assert!(p.terminal && p.stdin);
        assert_eq!(p.caps.bounding, supported);

        // A detached exec never reads stdin.
        let o = ExecOptions {
            detach: true,
            interactive: true,
            ..opts("sh")
        };
        assert!(!exec_process(&base(), &o, &supported).stdin);
    }

    #[test]
    fn namespaces_follow_the_plan() {
        use crate::sys::ns;
        let mut plan = Plan {
            hostname: "h".into(),
            new_net: true,
            join_net: false,
            keep_id: false,
            ipc: crate::spec::IpcMode::Shareable,
            uts: crate::spec::UtsMode::Private,
            mounts: Vec::new(),
            masked: Vec::new(),
            readonly_paths: Vec::new(),
            readonly_rootfs: false,
            sysctls: Vec::new(),
            restricted: Vec::new(),
            process: base(),
        };
        let all = ns::USER | ns::MOUNT | ns::PID | ns::UTS | ns::IPC | ns::NET;
        assert_eq!(namespaces(&plan), all);
        plan.new_net = false;
        assert_eq!(namespaces(&plan), all & !ns::NET);
        plan.join_net = true;
        assert_eq!(namespaces(&plan), all);
        // --ipc host: the host's IPC namespace is not joined.
        plan.ipc = crate::spec::IpcMode::Host;
        assert_eq!(namespaces(&plan), all & !ns::IPC);
    }

    #[test]
    fn exit_codes() {
        let failure = |step, errno| {
            ExecError::Init(InitFailure {
                step,
                what: String::new(),
                errno: Some(errno),
            })
        };
        assert_eq!(failure(Step::Exec, libc::ENOENT).exit_code(), 127);
        assert_eq!(failure(Step::Exec, libc::EACCES).exit_code(), 126);
        assert_eq!(failure(Step::SetIds, libc::EPERM).exit_code(), 125);
        assert_eq!(ExecError::Gone { pid: 1 }.exit_code(), 125);
    }

    #[test]
    fn target_must_be_the_recorded_process() {
        let me = std::process::id().cast_signed();
        let start = crate::storage::container::process_start_time(me);
        assert!(open_target(me, start).is_ok());
        assert!(matches!(
            open_target(me, start.map(|s| s + 1)),
            Err(ExecError::Gone { .. })
        ));
        assert!(matches!(open_target(me, None), Err(ExecError::Gone { .. })));
        assert!(matches!(
            open_target(i32::MAX, Some(1)),
            Err(ExecError::Gone { .. })
        ));
    }
}
