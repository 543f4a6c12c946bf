//! Process creation and per-process attributes: clone3 with namespace flags and a pidfd,
//! prctl knobs, and exec.

use std::ffi::CString;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

/// What `clone3` returned, seen from one side.
#[derive(Debug)]
pub enum Forked {
    /// We are the new child process.
    Child,
    /// We are the parent; the child has this pid (in our PID namespace) and pidfd.
    Parent { pid: i32, pidfd: OwnedFd },
}

/// Number of threads in this process, from /proc/self/status.
pub fn thread_count() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:").map(|v| v.trim().parse().ok()))
                .flatten()
        })
        .unwrap_or(1)
}

/// `clone3` with `flags` (CLONE_NEW* namespace flags), always asking for a pidfd and
/// SIGCHLD as the exit signal. Fork semantics: the child gets a copy of the address space.
///
/// The caller must be single-threaded (a debug assertion checks it): the child of a
/// multithreaded process may find locks held by threads that do not exist in it.
pub fn clone3(flags: u64) -> io::Result<Forked> {
    clone3_into(flags, None)
}

/// `CLONE_INTO_CGROUP` (not in every libc crate release).
const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;

/// As [`clone3`], with the child started in the cgroup whose directory `cgroup` is open
/// (`CLONE_INTO_CGROUP`), so it never runs a moment outside it. With `CLONE_NEWCGROUP` in
/// `flags` the child's cgroup namespace is rooted at that cgroup.
pub fn clone3_into(flags: u64, cgroup: Option<std::os::fd::BorrowedFd<'_>>) -> io::Result<Forked> {
    use std::os::fd::AsRawFd as _;
    debug_assert_eq!(thread_count(), 1, "clone3 from a multithreaded process");
    let mut pidfd: RawFd = -1;
    let (into, cgroup_fd) = match cgroup {
        Some(fd) => (
            CLONE_INTO_CGROUP,
            u64::try_from(fd.as_raw_fd()).unwrap_or(0),
        ),
        None => (0, 0),
    };
    let args = libc::clone_args {
        flags: flags | into | libc::CLONE_PIDFD as u64,
        pidfd: std::ptr::addr_of_mut!(pidfd) as u64,
        child_tid: 0,
        parent_tid: 0,
        exit_signal: libc::SIGCHLD as u64,
        stack: 0,
        stack_size: 0,
        tls: 0,
        set_tid: 0,
        set_tid_size: 0,
        cgroup: cgroup_fd,
    };
    // SAFETY: clone3 with no stack and no CLONE_VM behaves like fork: the child runs on a copy
    // of our memory. `args` and `pidfd` outlive the call, and the size passed is the struct's;
    // `cgroup`, when given, is a descriptor borrowed for the length of the call.
    // The process is single-threaded (asserted above), so no lock can be held by a thread that
    // is missing in the child.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_clone3,
            std::ptr::addr_of!(args),
            std::mem::size_of::<libc::clone_args>(),
        )
    };
    match ret {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => {
            // SAFETY: with CLONE_PIDFD the kernel stored a new, owned descriptor in `pidfd`.
            let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd) };
            Ok(Forked::Parent {
                pid: i32::try_from(pid).unwrap_or(-1),
                pidfd,
            })
        }
    }
}

/// Leave the process after a fork without running destructors or atexit handlers that
/// belong to the parent.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` only ends the process; it is always sound to call.
    unsafe { libc::_exit(code) }
}

/// Point this process's stdio at /dev/null, so that whoever reads berth's output (a shell's
/// `$(berth run -d …)`) sees its end when the foreground berth exits.
pub fn silence_stdio() {
    use std::os::fd::AsRawFd as _;
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..=2 {
            let _ = nix::unistd::dup2(null.as_raw_fd(), fd);
        }
    }
}

/// Set the name shown by `ps -o comm` (at most 15 bytes).
pub fn set_name(name: &str) {
    if let Ok(name) = CString::new(name) {
        let _ = nix::sys::prctl::set_name(&name);
    }
}

/// Ask for `sig` when the parent dies.
pub fn set_parent_death_signal(sig: nix::sys::signal::Signal) -> io::Result<()> {
    nix::sys::prctl::set_pdeathsig(sig).map_err(io::Error::from)
}

/// The parent-death signal now set, if any.
pub fn parent_death_signal() -> io::Result<Option<nix::sys::signal::Signal>> {
    nix::sys::prctl::get_pdeathsig().map_err(io::Error::from)
}

/// Keep permitted capabilities across a change away from uid 0.
pub fn set_keep_caps(on: bool) -> io::Result<()> {
    nix::sys::prctl::set_keepcaps(on).map_err(io::Error::from)
}

/// Set no_new_privs: execve never grants privileges again.
pub fn set_no_new_privs() -> io::Result<()> {
    nix::sys::prctl::set_no_new_privs().map_err(io::Error::from)
}

/// Turn off dumpability (before joining a container's namespaces).
pub fn set_dumpable(on: bool) -> io::Result<()> {
    nix::sys::prctl::set_dumpable(on).map_err(io::Error::from)
}

/// Mark every descriptor from `first` up close-on-exec.
pub fn cloexec_from(first: u32) -> io::Result<()> {
    // SAFETY: close_range with CLOSE_RANGE_CLOEXEC only changes descriptor flags; it closes
    // nothing, so no owned descriptor in this process is invalidated.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            first,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Close every descriptor from `first` up (a process that will never exec: a pod's pause).
pub fn close_from(first: u32) -> io::Result<()> {
    // SAFETY: the only caller is a process that never returns to code holding those
    // descriptors (it waits for a signal and `_exit`s), so no `OwnedFd` is used after its
    // descriptor is closed.
    let ret = unsafe { libc::syscall(libc::SYS_close_range, first, u32::MAX, 0) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Set the calling process's real, effective and saved ids in one go.
pub fn set_ids(uid: u32, gid: u32, groups: &[u32]) -> io::Result<()> {
    use nix::unistd::{setgroups, setresgid, setresuid, Gid, Uid};
    let groups: Vec<Gid> = groups.iter().map(|g| Gid::from_raw(*g)).collect();
    match setgroups(&groups) {
        Ok(()) => {}
        // setgroups is denied in a single-mapping user namespace; with no supplementary
        // groups asked for, that is harmless.
        Err(nix::errno::Errno::EPERM) if groups.is_empty() => {}
        Err(e) => return Err(e.into()),
    }
    let gid = Gid::from_raw(gid);
    setresgid(gid, gid, gid)?;
    let uid = Uid::from_raw(uid);
    setresuid(uid, uid, uid)?;
    Ok(())
}

/// `execve(path, argv, envp)`. Returns only on failure.
pub fn execve(path: &CString, argv: &[CString], envp: &[CString]) -> io::Error {
    match nix::unistd::execve(path, argv, envp) {
        Err(e) => e.into(),
        Ok(never) => match never {},
    }
}

/// Wait for a process through its pidfd without reaping it from any other child.
pub fn wait_pidfd(pidfd: &OwnedFd) -> io::Result<nix::sys::wait::WaitStatus> {
    use std::os::fd::AsRawFd;
    let mut info = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
    loop {
        // SAFETY: waitid(P_PIDFD) writes a siginfo_t into `info`, which is sized for it.
        let ret = unsafe {
            libc::waitid(
                libc::P_PIDFD,
                pidfd.as_raw_fd() as libc::id_t,
                info.as_mut_ptr(),
                libc::WEXITED,
            )
        };
        if ret == -1 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(err);
        }
        break;
    }
    // SAFETY: waitid succeeded, so the kernel filled the structure.
    let info = unsafe { info.assume_init() };
    // SAFETY: for WEXITED results the kernel sets si_pid and si_status.
    let (pid, status) = unsafe { (info.si_pid(), info.si_status()) };
    let pid = nix::unistd::Pid::from_raw(pid);
    Ok(match info.si_code {
        libc::CLD_EXITED => nix::sys::wait::WaitStatus::Exited(pid, status),
        _ => nix::sys::wait::WaitStatus::Signaled(
            pid,
            nix::sys::signal::Signal::try_from(status).unwrap_or(nix::sys::signal::SIGKILL),
            info.si_code == libc::CLD_DUMPED,
        ),
    })
}

/// Send a signal through a pidfd (no pid reuse race).
pub fn pidfd_kill(pidfd: &OwnedFd, sig: i32) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: pidfd_send_signal takes a descriptor and plain integers; a null siginfo makes
    // the kernel fill it as kill(2) would.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            sig,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Reset every signal disposition to the default and unblock all signals (before exec, so
/// the container does not inherit what berth ignores or blocks).
pub fn reset_signals() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for sig in Signal::iterator() {
        if sig == Signal::SIGKILL || sig == Signal::SIGSTOP {
            continue;
        }
        // SAFETY: installing SIG_DFL runs no handler code of ours; it cannot break Rust's
        // invariants.
        let _ = unsafe { sigaction(sig, &default) };
    }
    let _ = nix::sys::signal::sigprocmask(
        nix::sys::signal::SigmaskHow::SIG_SETMASK,
        Some(&SigSet::empty()),
        None,
    );
}

/// Restore SIGPIPE's default action so that writing to a closed pipe ends berth quietly,
/// as a Unix filter should.
pub fn default_sigpipe() {
    use nix::sys::signal::{signal, SigHandler, Signal};
    // SAFETY: SIG_DFL runs no handler code of ours.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
}

/// Block `signals` and return a signalfd (close-on-exec, non-blocking) to read them from:
/// blocked before a fork, none is lost, and a child unblocks them before `execve`.
pub fn block_signals(
    signals: &[nix::sys::signal::Signal],
) -> io::Result<nix::sys::signalfd::SignalFd> {
    use nix::sys::signal::{SigSet, SigmaskHow};
    use nix::sys::signalfd::{SfdFlags, SignalFd};
    let mut mask = SigSet::empty();
    for sig in signals {
        mask.add(*sig);
    }
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&mask), None)?;
    Ok(SignalFd::with_flags(
        &mask,
        SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK,
    )?)
}

/// Spawn a helper process (pasta, slirp4netns) that dies with this process
/// (`PR_SET_PDEATHSIG`, SIGKILL) and inherits `keep` at their own descriptor numbers.
/// std resets the signal mask in the child, so the helper does not inherit our blocked set.
pub fn spawn_helper(
    cmd: &mut std::process::Command,
    keep: &[std::os::fd::BorrowedFd<'_>],
) -> io::Result<std::process::Child> {
    spawn_keeping(cmd, keep, true)
}

/// Spawn a long-lived helper (the user networks' slirp4netns) that outlives this process:
/// a session of its own, no parent-death signal; it inherits `keep` as [`spawn_helper`]'s do.
pub fn spawn_daemon(
    cmd: &mut std::process::Command,
    keep: &[std::os::fd::BorrowedFd<'_>],
) -> io::Result<std::process::Child> {
    spawn_keeping(cmd, keep, false)
}

fn spawn_keeping(
    cmd: &mut std::process::Command,
    keep: &[std::os::fd::BorrowedFd<'_>],
    die_with_parent: bool,
) -> io::Result<std::process::Child> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let raw: Vec<i32> = keep.iter().map(AsRawFd::as_raw_fd).collect();
    // SAFETY: the closure runs in the forked child before execve and only makes
    // async-signal-safe system calls (prctl, setsid, fcntl) on integers; it allocates nothing
    // (the vector was built before the fork and is only read).
    unsafe {
        cmd.pre_exec(move || {
            if die_with_parent {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
            } else if libc::setsid() == -1 {
                return Err(io::Error::last_os_error());
            }
            for fd in &raw {
                if libc::fcntl(*fd, libc::F_SETFD, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    cmd.spawn()
}
