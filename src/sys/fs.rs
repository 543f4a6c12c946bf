//! File-system syscalls that nix does not wrap: `openat2` with resolve flags, and extended
//! attributes on descriptors and on paths without following symlinks.

use std::ffi::{CString, OsStr};
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Refuse any resolution that leaves the starting directory (`..` above it, absolute paths).
pub const RESOLVE_BENEATH: u64 = libc::RESOLVE_BENEATH;
/// Treat the starting directory as `/` (for paths inside a container root).
pub const RESOLVE_IN_ROOT: u64 = libc::RESOLVE_IN_ROOT;
/// Refuse every symlink on the way, including the last component.
pub const RESOLVE_NO_SYMLINKS: u64 = libc::RESOLVE_NO_SYMLINKS;
/// Refuse `/proc/<pid>/fd/*`-style magic links.
pub const RESOLVE_NO_MAGICLINKS: u64 = libc::RESOLVE_NO_MAGICLINKS;
/// Refuse crossing mount points.
pub const RESOLVE_NO_XDEV: u64 = libc::RESOLVE_NO_XDEV;

fn cstring(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// `openat2(dirfd, path, oflags | O_CLOEXEC, mode, resolve)`, retried on EAGAIN and EINTR.
pub fn openat2(
    dirfd: impl AsFd,
    path: &Path,
    oflags: i32,
    mode: u32,
    resolve: u64,
) -> io::Result<OwnedFd> {
    let cpath = cstring(path.as_os_str().as_bytes())?;
    // SAFETY: `open_how` consists of plain integers, so all-zero is a valid value.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = u64::try_from(oflags | libc::O_CLOEXEC)
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    how.mode = u64::from(mode);
    how.resolve = resolve;
    let raw_dir = dirfd.as_fd().as_raw_fd();
    loop {
        // SAFETY: the kernel reads the NUL-terminated path and one `open_how` of the given
        // size; both outlive the call, and `raw_dir` is borrowed for its duration.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                raw_dir,
                cpath.as_ptr(),
                std::ptr::addr_of!(how),
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if ret < 0 {
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EAGAIN | libc::EINTR) => continue,
                _ => return Err(err),
            }
        }
        let fd = i32::try_from(ret).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
        // SAFETY: openat2 returned a fresh descriptor that nothing else owns.
        return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
    }
}

/// `fsetxattr(fd, name, value, 0)`.
pub fn fsetxattr(fd: impl AsFd, name: &OsStr, value: &[u8]) -> io::Result<()> {
    let cname = cstring(name.as_bytes())?;
    // SAFETY: the name is NUL-terminated and the value pointer/length describe a live slice.
    let ret = unsafe {
        libc::fsetxattr(
            fd.as_fd().as_raw_fd(),
            cname.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `lsetxattr(path, name, value, 0)`: on the path itself, never following a final symlink.
pub fn lsetxattr(path: &Path, name: &OsStr, value: &[u8]) -> io::Result<()> {
    let cpath = cstring(path.as_os_str().as_bytes())?;
    let cname = cstring(name.as_bytes())?;
    // SAFETY: both strings are NUL-terminated and the value pointer/length describe a live
    // slice for the duration of the call.
    let ret = unsafe {
        libc::lsetxattr(
            cpath.as_ptr(),
            cname.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `fgetxattr(fd, name)`: the attribute's value, or `None` when it is not set.
pub fn fgetxattr(fd: impl AsFd, name: &OsStr) -> io::Result<Option<Vec<u8>>> {
    let cname = cstring(name.as_bytes())?;
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: the name is NUL-terminated and the kernel writes at most `buf.len()` bytes
        // into the live buffer.
        let ret = unsafe {
            libc::fgetxattr(
                fd.as_fd().as_raw_fd(),
                cname.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        if ret >= 0 {
            buf.truncate(usize::try_from(ret).unwrap_or(0));
            return Ok(Some(buf));
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENODATA) => return Ok(None),
            Some(libc::ERANGE) if buf.len() < (1 << 20) => buf.resize(buf.len() * 4, 0),
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openat2_refuses_escape_and_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("d")).unwrap();
        std::os::unix::fs::symlink("/etc", tmp.path().join("link")).unwrap();
        let root = std::fs::File::open(tmp.path()).unwrap();
        let flags = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        let ro = libc::O_RDONLY | libc::O_DIRECTORY;
        assert!(openat2(&root, Path::new("d"), ro, 0, flags).is_ok());
        let err = openat2(&root, Path::new("../"), ro, 0, flags).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EXDEV));
        let err = openat2(&root, Path::new("link"), ro, 0, flags).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ELOOP));
    }

    #[test]
    fn xattr_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        std::fs::write(&path, b"x").unwrap();
        let f = std::fs::File::open(&path).unwrap();
        let name = OsStr::new("user.berth.test");
        assert_eq!(fgetxattr(&f, name).unwrap(), None);
        fsetxattr(&f, name, b"y").unwrap();
        assert_eq!(fgetxattr(&f, name).unwrap().as_deref(), Some(&b"y"[..]));
        lsetxattr(&path, name, b"zz").unwrap();
        assert_eq!(fgetxattr(&f, name).unwrap().as_deref(), Some(&b"zz"[..]));
    }
}
