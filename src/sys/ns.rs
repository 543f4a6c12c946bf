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

/// A network namespace made ahead of the process that will join it.
#[derive(Debug)]
pub struct NewNetns {
    /// The namespace (an open `/proc/…/ns/net`).
    pub ns: OwnedFd,
    /// A non-blocking rtnetlink socket inside it, subscribed to IPv4 and IPv6 route events,
    /// so that the caller sees the routes a helper adds there.
    pub routes: OwnedFd,
}

/// A new network namespace, owned by our user namespace, without moving into it: a child
/// cloned into it (sharing our descriptor table) opens it, and a route-event socket in it,
/// onto descriptors we reserved, and exits. The caller must be single-threaded, as for
/// [`super::process::clone3`].
pub fn new_netns() -> io::Result<NewNetns> {
    // The slots the child fills: close-on-exec, as every descriptor of ours.
    let ns_slot = OwnedFd::from(std::fs::File::open("/dev/null")?);
    let routes_slot = OwnedFd::from(std::fs::File::open("/dev/null")?);
    let (ns_target, routes_target) = (ns_slot.as_raw_fd(), routes_slot.as_raw_fd());
    // Built before the fork: the child only reads it.
    // SAFETY: sockaddr_nl is plain data, for which all zero bytes are a valid value.
    let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    addr.nl_groups = (libc::RTMGRP_IPV4_ROUTE | libc::RTMGRP_IPV6_ROUTE) as u32;
    let addr_len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    let flags = (libc::CLONE_NEWNET | libc::CLONE_FILES) as u64;
    match super::process::clone3(flags)? {
        super::process::Forked::Child => {
            // SAFETY: the child of a single-threaded process, on a copy of its memory, makes
            // only async-signal-safe system calls on a static, NUL-terminated path, the
            // address built above and integers, then leaves with _exit. CLONE_FILES makes
            // the dup3s land in the parent's descriptor table, on the slots it owns.
            unsafe {
                let fd = libc::open(
                    c"/proc/self/ns/net".as_ptr(),
                    libc::O_RDONLY | libc::O_CLOEXEC,
                );
                let mut ok = fd >= 0 && libc::dup3(fd, ns_target, libc::O_CLOEXEC) == ns_target;
                libc::close(fd);
                let sock = libc::socket(
                    libc::AF_NETLINK,
                    libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
                    libc::NETLINK_ROUTE,
                );
                ok = ok
                    && sock >= 0
                    && libc::bind(sock, std::ptr::addr_of!(addr).cast(), addr_len) == 0
                    && libc::dup3(sock, routes_target, libc::O_CLOEXEC) == routes_target;
                libc::close(sock);
                libc::_exit(if ok { 0 } else { 1 })
            }
        }
        super::process::Forked::Parent { pid, .. } => {
            let status = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None)?;
            match status {
                nix::sys::wait::WaitStatus::Exited(_, 0) => Ok(NewNetns {
                    ns: ns_slot,
                    routes: routes_slot,
                }),
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
