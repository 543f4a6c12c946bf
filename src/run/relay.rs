//! Copying between berth's terminal and a container process, shared by the foreground
//! `run`, `exec`, and the detached monitor: the pty relay loop, signal forwarding, and the
//! small read/write helpers they use.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signalfd::SignalFd;
use nix::sys::wait::WaitStatus;

/// A process's exit as berth reports it: its code, or 128+N for a signal.
pub fn status_code(status: WaitStatus) -> i32 {
    match status {
        WaitStatus::Exited(_, code) => code,
        WaitStatus::Signaled(_, sig, _) => 128 + sig as i32,
        _ => crate::error::EXIT_BERTH,
    }
}

/// Which of the polled descriptors have something to say.
pub fn ready(fds: &[PollFd<'_>]) -> Vec<bool> {
    fds.iter()
        .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
        .collect()
}

/// Write all of `data`; false when the other side is gone.
pub fn write_all(to: BorrowedFd<'_>, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        match nix::unistd::write(to, data) {
            Ok(n) => data = &data[n..],
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Copy one chunk; false at end of file or error.
pub fn copy(from: BorrowedFd<'_>, to: BorrowedFd<'_>) -> bool {
    let mut buf = [0u8; 8192];
    match nix::unistd::read(from.as_raw_fd(), &mut buf) {
        Ok(0) | Err(_) => false,
        Ok(n) => write_all(to, &buf[..n]),
    }
}

/// Read what is waiting on `fd` without blocking and hand it to `sink`.
pub fn drain(fd: BorrowedFd<'_>, mut sink: impl FnMut(&[u8])) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::ZERO) {
            Ok(n) if n > 0 => match nix::unistd::read(fd.as_raw_fd(), &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => sink(&buf[..n]),
            },
            _ => return,
        }
    }
}

/// Pass the signals waiting on `sfd` to the process behind `pidfd`; SIGWINCH resizes the
/// pty `master` from our terminal instead, and SIGCHLD is ours.
pub fn forward_signals(sfd: &SignalFd, pidfd: &OwnedFd, master: Option<&OwnedFd>) {
    while let Ok(Some(info)) = sfd.read_signal() {
        match i32::try_from(info.ssi_signo).unwrap_or(0) {
            libc::SIGCHLD => {}
            libc::SIGWINCH => {
                if let Some(m) = master {
                    if let Ok(size) = crate::sys::tty::get_winsize(io::stdin().as_fd()) {
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

/// How a relay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relayed {
    /// The process exited with this status.
    Exited(i32),
    /// The user typed the detach keys; the process is still running.
    Detached,
}

/// Forward signals and copy the terminal (with a pty: raw mode, output, and with
/// `interactive` input) until the process behind `pidfd` exits, or until the `detach` keys
/// are typed into the pty.
pub fn relay(
    pidfd: &OwnedFd,
    sfd: &SignalFd,
    master: Option<&OwnedFd>,
    interactive: bool,
    mut detach: Option<&mut super::attach::DetachKeys>,
) -> io::Result<Relayed> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    // Raw mode whenever there is a pty, so that the outer terminal does not translate the
    // process's output a second time.
    let _raw = if master.is_some() && crate::sys::tty::is_tty(stdin.as_fd()) {
        crate::sys::tty::RawMode::enable(stdin.as_fd()).ok()
    } else {
        None
    };
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
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
        let ready = ready(&fds);
        drop(fds);
        if ready[1] {
            forward_signals(sfd, pidfd, master);
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
                match detach.as_deref_mut() {
                    None => {
                        if !copy(stdin.as_fd(), m.as_fd()) {
                            stdin_open = false;
                        }
                    }
                    Some(keys) => {
                        let mut buf = [0u8; 8192];
                        match nix::unistd::read(stdin.as_raw_fd(), &mut buf) {
                            Ok(0) | Err(_) => stdin_open = false,
                            Ok(n) => {
                                let mut forward = Vec::with_capacity(n);
                                let detached = keys.feed(&buf[..n], &mut forward);
                                if !write_all(m.as_fd(), &forward) {
                                    stdin_open = false;
                                }
                                if detached {
                                    return Ok(Relayed::Detached);
                                }
                            }
                        }
                    }
                }
            }
        }
        if ready[0] {
            // What the process wrote before it exited.
            if let (Some(m), true) = (master, master_open) {
                drain(m.as_fd(), |data| {
                    write_all(stdout.as_fd(), data);
                });
            }
            return Ok(Relayed::Exited(status_code(
                crate::sys::process::wait_pidfd(pidfd)?,
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::Pid;

    #[test]
    fn statuses_follow_the_shell() {
        assert_eq!(status_code(WaitStatus::Exited(Pid::from_raw(1), 3)), 3);
        let killed =
            WaitStatus::Signaled(Pid::from_raw(1), nix::sys::signal::Signal::SIGKILL, false);
        assert_eq!(status_code(killed), 137);
    }

    #[test]
    fn copy_and_drain_move_everything() {
        let (r, w) = nix::unistd::pipe().unwrap();
        assert!(write_all(w.as_fd(), b"hello"));
        let mut got = Vec::new();
        drain(r.as_fd(), |d| got.extend_from_slice(d));
        assert_eq!(got, b"hello");
        drop(w);
        let (r2, w2) = nix::unistd::pipe().unwrap();
        assert!(!copy(r.as_fd(), w2.as_fd()), "end of file");
        drop(r2);
    }
}
