//! pidfds and joining a process's user namespace, for signalling a container whose
//! processes run as subordinate ids.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `pidfd_open(pid, 0)`.
pub fn open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes plain integers and returns a new descriptor or -1.
    let ret = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::try_from(ret).map_err(|_| io::Error::other("bad descriptor"))?;
    // SAFETY: pidfd_open returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Join the user namespace of the process behind `pidfd`. The caller must be
/// single-threaded (the kernel refuses otherwise). As the namespace's owner we get every
/// capability in it.
pub fn join_user_namespace(pidfd: &OwnedFd) -> io::Result<()> {
    debug_assert_eq!(super::process::thread_count(), 1);
    // SAFETY: setns takes a descriptor and a flag; it changes only this process's
    // namespaces.
    let ret = unsafe { libc::setns(pidfd.as_raw_fd(), libc::CLONE_NEWUSER) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
