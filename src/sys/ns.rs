//! Joining a running process's namespaces: `pidfd_open` and `setns` with a pidfd, which
//! enters several namespaces of one process in a single, atomic call.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// The namespaces `setns` can join, as `CLONE_NEW*` bits.
pub const USER: i32 = libc::CLONE_NEWUSER;
pub const MOUNT: i32 = libc::CLONE_NEWNS;
pub const PID: i32 = libc::CLONE_NEWPID;
pub const UTS: i32 = libc::CLONE_NEWUTS;
pub const IPC: i32 = libc::CLONE_NEWIPC;
pub const NET: i32 = libc::CLONE_NEWNET;

/// Open a pidfd for `pid` (close-on-exec, as every pidfd is).
pub fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags (0) and returns a new descriptor or -1.
    let ret = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::try_from(ret).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
    // SAFETY: the kernel returned a new descriptor that nothing else in this process owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `setns(pidfd, flags)`: join the namespaces named by `flags` (a union of the constants
/// above) of the process behind `pidfd`, all at once. Joining a user namespace needs a
/// single-threaded caller that shares no filesystem information with another process.
pub fn setns_pidfd(pidfd: BorrowedFd<'_>, flags: i32) -> io::Result<()> {
    debug_assert_eq!(
        super::process::thread_count(),
        1,
        "setns from a multithreaded process"
    );
    // SAFETY: setns takes a descriptor and a flag word; it changes only this process's
    // namespaces and credentials, none of which Rust's memory safety depends on.
    let ret = unsafe { libc::setns(pidfd.as_raw_fd(), flags) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A new network namespace, owned by our user namespace, without moving into it: a child
/// cloned into it (sharing our descriptor table) opens it onto a descriptor we reserved, and
/// exits. The caller must be single-threaded, as for [`super::process::clone3`].
pub fn new_netns() -> io::Result<OwnedFd> {
    // The slot the child fills: close-on-exec, as every descriptor of ours.
    let slot = OwnedFd::from(std::fs::File::open("/dev/null")?);
    let target = slot.as_raw_fd();
    let flags = (libc::CLONE_NEWNET | libc::CLONE_FILES) as u64;
    match super::process::clone3(flags)? {
        super::process::Forked::Child => {
            // SAFETY: the child of a single-threaded process, on a copy of its memory, makes
            // only async-signal-safe system calls on a static, NUL-terminated path and
            // integers, then leaves with _exit. CLONE_FILES makes the dup3 land in the
            // parent's descriptor table, on the slot it owns.
            unsafe {
                let fd = libc::open(
                    c"/proc/self/ns/net".as_ptr(),
                    libc::O_RDONLY | libc::O_CLOEXEC,
                );
                let ok = fd >= 0 && libc::dup3(fd, target, libc::O_CLOEXEC) == target;
                libc::close(fd);
                libc::_exit(if ok { 0 } else { 1 })
            }
        }
        super::process::Forked::Parent { pid, .. } => {
            let status = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None)?;
            match status {
                nix::sys::wait::WaitStatus::Exited(_, 0) => Ok(slot),
                _ => Err(io::Error::other(
                    "the network namespace could not be opened",
                )),
            }
        }
    }
}

/// `ioctl(NS_GET_NSTYPE)`: the `CLONE_NEW*` kind of the namespace behind `ns` (a
/// `/proc/PID/ns/*` file or a bind mount of one).
pub fn ns_type(ns: BorrowedFd<'_>) -> io::Result<i32> {
    // NS_GET_NSTYPE is _IO(0xb7, 0x3); it takes no argument.
    const NS_GET_NSTYPE: libc::Ioctl = 0xb703;
    // SAFETY: this ioctl reads nothing from user memory and returns the type or -1.
    let ret = unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_NSTYPE) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(ret)
}

/// `ioctl(NS_GET_USERNS)`: a descriptor for the user namespace that owns the namespace
/// behind `ns`.
pub fn owning_userns(ns: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    // NS_GET_USERNS is _IO(0xb7, 0x1); it takes no argument.
    const NS_GET_USERNS: libc::Ioctl = 0xb701;
    // SAFETY: this ioctl reads nothing from user memory and returns a new descriptor or -1.
    let ret = unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_USERNS) };
    if ret == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new descriptor that nothing else in this process owns.
    Ok(unsafe { OwnedFd::from_raw_fd(ret) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pidfd_of_self() {
        // (No setns here: the test harness is multithreaded.)
        let fd = pidfd_open(std::process::id().cast_signed()).unwrap();
        assert!(fd.as_raw_fd() > 2);
    }

    #[test]
    fn pidfd_of_missing_process() {
        // pid_max is at most 2^22, so this pid cannot exist.
        let err = pidfd_open(i32::MAX).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ESRCH));
    }

    #[test]
    fn kind_and_owner_of_own_network_namespace() {
        use std::os::fd::AsFd;
        let net = std::fs::File::open("/proc/self/ns/net").unwrap();
        assert_eq!(ns_type(net.as_fd()).unwrap(), NET);
        let owner = owning_userns(net.as_fd()).unwrap();
        assert_eq!(ns_type(owner.as_fd()).unwrap(), USER);
        // Not a namespace file at all.
        let file = std::fs::File::open("/proc/self/status").unwrap();
        assert!(ns_type(file.as_fd()).is_err());
    }
}
