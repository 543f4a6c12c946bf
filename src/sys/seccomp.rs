//! Loading a compiled seccomp filter into the kernel.
//!
//! Order for the caller (the container init, single-threaded, step 15 of DESIGN.md). The
//! kernel accepts a filter only from a task that has no_new_privs set or holds CAP_SYS_ADMIN
//! in its user namespace, so:
//! - with no_new_privs: drop capabilities (step 14), `prctl(PR_SET_NO_NEW_PRIVS, 1)`, then
//!   [`install`], then `execve`;
//! - without no_new_privs: [`install`] while CAP_SYS_ADMIN is still held, i.e. before the
//!   capability drop of step 14, then drop capabilities, then `execve` (the profile must allow
//!   `capset`, `prctl` and `execve`, which every sane profile does).
//!
//! The program is compiled for the container's final capability set in both cases.

/// `SECCOMP_SET_MODE_FILTER`
const SECCOMP_SET_MODE_FILTER: libc::c_uint = 1;

/// Install the classic BPF program `filters` (the instructions of a compiled
/// `crate::seccomp::SeccompProgram`) for the calling thread (and its future children).
///
/// Fails with EACCES when neither no_new_privs is set nor CAP_SYS_ADMIN is held, and with
/// EINVAL when the kernel rejects the program.
pub fn install(filters: &[libc::sock_filter]) -> std::io::Result<()> {
    let len = u16::try_from(filters.len())
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let prog = libc::sock_fprog {
        len,
        // The kernel only reads the program; the cast to *mut is required by the C type.
        filter: filters.as_ptr().cast_mut(),
    };
    // SAFETY: `prog` points at `len` valid, initialised sock_filter entries that outlive the
    // call; the kernel copies the program and never writes through the pointer.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_SET_MODE_FILTER,
            0 as libc::c_uint,
            std::ptr::from_ref(&prog),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
