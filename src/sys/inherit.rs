//! Passing one descriptor to a re-executed child at a fixed number.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command};

/// The descriptor number a re-executed stage finds its sync socket at.
pub const SYNC_FD: i32 = 3;

/// Spawn `cmd` with `fd` duplicated to [`SYNC_FD`] in the child (and not close-on-exec
/// there). Everything else keeps its close-on-exec flag.
pub fn spawn_with_fd(cmd: &mut Command, fd: &OwnedFd) -> io::Result<Child> {
    let raw = fd.as_raw_fd();
    // SAFETY: the closure runs in the child between fork and exec and only calls dup2 and
    // fcntl, which are async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            if raw == SYNC_FD {
                let flags = libc::fcntl(raw, libc::F_GETFD);
                if flags == -1 || libc::fcntl(raw, libc::F_SETFD, flags & !libc::FD_CLOEXEC) == -1 {
                    return Err(io::Error::last_os_error());
                }
            } else if libc::dup2(raw, SYNC_FD) == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn()
}

/// Take ownership of the inherited sync descriptor, marking it close-on-exec.
/// Returns `None` when it is not open.
pub fn take_sync_fd() -> Option<OwnedFd> {
    // SAFETY: F_GETFD on a number only reads flags; it tells us whether it is open.
    let flags = unsafe { libc::fcntl(SYNC_FD, libc::F_GETFD) };
    if flags == -1 {
        return None;
    }
    // SAFETY: the descriptor is open, was given to us by our parent for exactly this purpose,
    // and nothing else in this process refers to it.
    let fd = unsafe { OwnedFd::from_raw_fd(SYNC_FD) };
    // SAFETY: setting FD_CLOEXEC on a descriptor we own.
    unsafe { libc::fcntl(SYNC_FD, libc::F_SETFD, flags | libc::FD_CLOEXEC) };
    Some(fd)
}

/// Take ownership of descriptor `raw`, which a parent left open across `execve` and named on
/// the command line, marking it close-on-exec. Returns `None` when it is not open, or is one
/// of the standard streams.
pub fn take_fd(raw: i32) -> Option<OwnedFd> {
    if raw <= 2 {
        return None;
    }
    // SAFETY: F_GETFD on a number only reads flags; it tells us whether it is open.
    let flags = unsafe { libc::fcntl(raw, libc::F_GETFD) };
    if flags == -1 {
        return None;
    }
    // SAFETY: the descriptor is open and was inherited for exactly this purpose (the caller
    // has nothing else that refers to it: it is a fresh process image).
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: setting FD_CLOEXEC on a descriptor we own.
    unsafe { libc::fcntl(raw, libc::F_SETFD, flags | libc::FD_CLOEXEC) };
    Some(fd)
}
