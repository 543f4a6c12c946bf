//! `--init`: berth's own reaping init. C forks once more right before `execve`: the child
//! runs the command, and C stays as PID 1, forwarding signals to it and reaping every
//! zombie, then exits with the command's status (128+N for a signal).

use std::os::fd::{AsFd, AsRawFd};

use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

use super::sync::{InitFailure, Step};
use crate::sys::channel::Channel;
use crate::sys::process::{clone3, exit_now, Forked};

/// Fork the init. Returns in the child, which goes on to exec the command; the parent
/// never returns.
pub fn start(chan: &Channel) -> Result<(), InitFailure> {
    let all = SigSet::all();
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&all), None).map_err(|e| {
        InitFailure {
            step: Step::Init,
            what: "block signals".into(),
            errno: Some(e as i32),
        }
    })?;
    let forked = clone3(0).map_err(|e| InitFailure {
        step: Step::Init,
        what: "fork the command".into(),
        errno: e.raw_os_error(),
    })?;
    let child = match forked {
        Forked::Child => return Ok(()),
        Forked::Parent { pid, .. } => Pid::from_raw(pid),
    };
    // The session learns that the command started from end of file on this socket; only
    // the child's copy may keep it open, until its execve.
    let _ = nix::unistd::close(chan.as_fd().as_raw_fd());
    crate::sys::process::set_name("berth-init");
    exit_now(supervise(child, &all))
}

fn supervise(child: Pid, mask: &SigSet) -> i32 {
    let Ok(sfd) = SignalFd::with_flags(mask, SfdFlags::SFD_CLOEXEC) else {
        return crate::error::EXIT_BERTH;
    };
    loop {
        let Ok(Some(info)) = sfd.read_signal() else {
            continue;
        };
        let signo = i32::try_from(info.ssi_signo).unwrap_or(0);
        if signo == libc::SIGCHLD {
            if let Some(code) = reap(child) {
                return code;
            }
        } else if let Ok(sig) = Signal::try_from(signo) {
            let _ = nix::sys::signal::kill(child, sig);
        }
    }
}

/// Reap every exited child; the command's status when it was among them.
fn reap(child: Pid) -> Option<i32> {
    let mut result = None;
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(status @ (WaitStatus::Exited(pid, _) | WaitStatus::Signaled(pid, _, _)))
                if pid == child =>
            {
                result = Some(super::relay::status_code(status));
            }
            Ok(WaitStatus::StillAlive) | Err(_) => return result,
            Ok(_) => {}
        }
    }
}
