//! File-system syscalls that nix does not wrap: `openat2` with resolve flags, and extended
//! attributes on descriptors and on paths without following symlinks; and
//! [`read_regular_in_root`], the one way berth reads a file out of a container's rootfs.

use std::ffi::{CString, OsStr};
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

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

/// A file berth reads out of a rootfs that it refused or could not read.
#[derive(Debug, thiserror::Error)]
pub enum RootFileError {
    #[error("`{0}` in the image is not a regular file")]
    NotRegular(PathBuf),
    #[error("`{path}` in the image is larger than {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("`{0}` in the image changed while it was opened")]
    Changed(PathBuf),
    #[error("read `{path}` in the image")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Read the file at `path` inside `root` (resolved as if `root` were `/`: symlinks and `..`
/// cannot lead out of it, magic links are refused), at most `limit` bytes of it. A missing
/// file (or a missing directory on the way) is `None`; anything but a regular file (a FIFO,
/// a device such as `/dev/zero`, a directory) is refused before it is opened for reading, so
/// that reading cannot block, never end, or act on a device. The one exception is the null
/// device, which berth itself binds over a masked path: it reads as empty, unopened.
pub fn read_regular_in_root(
    root: &Path,
    path: &Path,
    limit: u64,
) -> Result<Option<Vec<u8>>, RootFileError> {
    use std::io::Read as _;
    use std::os::unix::fs::MetadataExt as _;
    let io_err = |source| RootFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    let dir = std::fs::File::open(root).map_err(io_err)?;
    // First an O_PATH look, which opens nothing, then the read open of the same inode:
    // opening a FIFO for reading blocks, and opening a device can act on it.
    let probe = match openat2(&dir, path, libc::O_PATH, 0, resolve) {
        Ok(fd) => std::fs::File::from(fd),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => {
            return Ok(None)
        }
        Err(e) => return Err(io_err(e)),
    };
    let seen = probe.metadata().map_err(io_err)?;
    if is_null_device(&seen) {
        // A masked path (the container's /dev/null bound over it) reads as empty.
        return Ok(Some(Vec::new()));
    }
    if !seen.file_type().is_file() {
        return Err(RootFileError::NotRegular(path.to_path_buf()));
    }
    let flags = libc::O_RDONLY | libc::O_NONBLOCK | libc::O_NOCTTY;
    let file = std::fs::File::from(openat2(&dir, path, flags, 0, resolve).map_err(io_err)?);
    let meta = file.metadata().map_err(io_err)?;
    if !meta.file_type().is_file() || (meta.dev(), meta.ino()) != (seen.dev(), seen.ino()) {
        return Err(RootFileError::Changed(path.to_path_buf()));
    }
    if meta.len() > limit {
        return Err(RootFileError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(RootFileError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(Some(bytes))
}

/// Is this the null device (char 1:3)?
fn is_null_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    meta.file_type().is_char_device() && meta.rdev() == libc::makedev(1, 3)
}

/// The most symlinks [`create_in_root`] follows for one path (the kernel's own limit).
const MAX_SYMLINKS: u32 = 40;

/// Make sure `path` exists inside `root` (an open directory, taken as `/`), creating what is
/// missing: directories on the way, and the last component as a directory, or as an empty
/// file when `last_is_file`. Symlinks on the way, the last one included, are followed inside
/// the root (an absolute target starts again at `root`, `..` stops at it), so a dangling
/// symlink in an image (`/vol -> ../../tmp/x`) gets its target created inside the root, as
/// podman does for a mount destination. Returns an O_PATH descriptor of what `path` names.
pub fn create_in_root(root: impl AsFd, path: &Path, last_is_file: bool) -> io::Result<OwnedFd> {
    use nix::fcntl::{AtFlags, OFlag};
    use nix::sys::stat::{fstatat, mkdirat, Mode, SFlag};
    use std::collections::VecDeque;
    use std::path::Component;
    let root = root.as_fd();
    let mut todo: VecDeque<PathBuf> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(PathBuf::from(n)),
            Component::ParentDir => Some(PathBuf::from("..")),
            _ => None,
        })
        .collect();
    // `cur` is always a real directory path below the root: no symlinks, no `..`.
    let mut cur = PathBuf::new();
    let mut links = 0;
    let dot = |p: &Path| -> PathBuf {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    };
    while let Some(part) = todo.pop_front() {
        if part.as_os_str() == ".." {
            cur.pop();
            continue;
        }
        let parent = openat2(
            root,
            &dot(&cur),
            libc::O_PATH | libc::O_DIRECTORY,
            0,
            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
        )?;
        let pfd = parent.as_raw_fd();
        match fstatat(Some(pfd), &part, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) if SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT == SFlag::S_IFLNK => {
                links += 1;
                if links > MAX_SYMLINKS {
                    return Err(io::Error::from_raw_os_error(libc::ELOOP));
                }
                let target = PathBuf::from(nix::fcntl::readlinkat(Some(pfd), &part)?);
                if target.is_absolute() {
                    cur = PathBuf::new();
                }
                for c in target.components().rev() {
                    match c {
                        Component::Normal(n) => todo.push_front(PathBuf::from(n)),
                        Component::ParentDir => todo.push_front(PathBuf::from("..")),
                        _ => {}
                    }
                }
            }
            Ok(_) => cur.push(&part),
            Err(nix::errno::Errno::ENOENT) => {
                let made = if todo.is_empty() && last_is_file {
                    nix::fcntl::openat(
                        Some(pfd),
                        &part,
                        OFlag::O_CREAT
                            | OFlag::O_EXCL
                            | OFlag::O_WRONLY
                            | OFlag::O_CLOEXEC
                            | OFlag::O_NOFOLLOW,
                        Mode::from_bits_truncate(0o644),
                    )
                    // SAFETY: openat returned a new descriptor that nothing else owns; it is
                    // closed right away.
                    .map(|fd| drop(unsafe { OwnedFd::from_raw_fd(fd) }))
                } else {
                    mkdirat(Some(pfd), &part, Mode::from_bits_truncate(0o755))
                };
                match made {
                    Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
                    Err(e) => return Err(e.into()),
                }
                cur.push(&part);
            }
            Err(e) => return Err(e.into()),
        }
    }
    openat2(
        root,
        &dot(&cur),
        libc::O_PATH,
        0,
        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
    )
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
    fn read_regular_in_root_stays_inside_and_refuses_odd_files() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::write(&outside, b"host secret").unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), b"root:x:0:0::/:/bin/sh\n").unwrap();
        // Absolute and climbing symlinks resolve inside the root.
        std::os::unix::fs::symlink(&outside, root.join("etc/abs")).unwrap();
        std::os::unix::fs::symlink("../../../../outside", root.join("etc/up")).unwrap();
        std::fs::write(root.join("outside"), b"inside").unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("etc/zero")).unwrap();
        std::os::unix::fs::symlink("/proc/self/root/etc/passwd", root.join("etc/magic")).unwrap();
        nix::unistd::mkfifo(&root.join("etc/fifo"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        let read = |p: &str, limit| read_regular_in_root(&root, Path::new(p), limit);

        assert_eq!(
            read("/etc/passwd", 1024).unwrap().unwrap(),
            b"root:x:0:0::/:/bin/sh\n"
        );
        assert_eq!(read("/etc/abs", 1024).unwrap(), None, "not the host's file");
        assert_eq!(read("/etc/up", 1024).unwrap().unwrap(), b"inside");
        assert_eq!(read("/etc/missing", 1024).unwrap(), None);
        assert_eq!(read("/etc/passwd/x", 1024).unwrap(), None);
        // No /dev/zero in this root: missing, not the host's device.
        assert_eq!(read("/etc/zero", 1024).unwrap(), None);
        let e = read("/etc/fifo", 1024).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`/etc/fifo` in the image is not a regular file"
        );
        assert!(matches!(
            read("/etc", 1024),
            Err(RootFileError::NotRegular(_))
        ));
        assert_eq!(read("/etc/magic", 1024).unwrap(), None, "no magic link out");
        let e = read("/etc/passwd", 4).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`/etc/passwd` in the image is larger than 4 bytes"
        );
    }

    #[test]
    fn create_in_root_follows_symlinks_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("tmp")).unwrap();
        let outside = tmp.path().join("x");
        // Climbing out, absolute, and a chain through an existing directory.
        std::os::unix::fs::symlink("../../../x/deeper", root.join("vol")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("abs")).unwrap();
        std::os::unix::fs::symlink("tmp", root.join("t")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        let dir = std::fs::File::open(&root).unwrap();
        let ino = |fd: OwnedFd| std::fs::File::from(fd).metadata().unwrap().ino();
        use std::os::unix::fs::MetadataExt as _;

        let fd = create_in_root(&dir, Path::new("/vol"), false).unwrap();
        assert!(root.join("x/deeper").is_dir());
        assert_eq!(
            ino(fd),
            std::fs::metadata(root.join("x/deeper")).unwrap().ino()
        );
        let fd = create_in_root(&dir, Path::new("/abs/f"), true).unwrap();
        assert!(root
            .join(outside.strip_prefix("/").unwrap())
            .join("f")
            .is_file());
        assert_eq!(
            ino(fd),
            std::fs::metadata(root.join(outside.strip_prefix("/").unwrap()).join("f"))
                .unwrap()
                .ino()
        );
        create_in_root(&dir, Path::new("/t/a/../b"), false).unwrap();
        assert!(root.join("tmp/a").is_dir() && root.join("tmp/b").is_dir());
        // Existing paths are opened, not changed.
        let fd = create_in_root(&dir, Path::new("/tmp"), false).unwrap();
        assert_eq!(ino(fd), std::fs::metadata(root.join("tmp")).unwrap().ino());
        let e = create_in_root(&dir, Path::new("/loop"), false).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
        assert!(!outside.exists(), "created outside the root");
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
