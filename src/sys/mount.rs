//! Mount helpers for the container init: paths resolved inside the rootfs with openat2
//! (RESOLVE_IN_ROOT), mounts made onto the resolved descriptor, and read-only remounts that
//! keep the flags the kernel has locked.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

use nix::mount::MsFlags;

use super::fs::openat2;

/// Resolve flags for paths inside a container root.
pub const IN_ROOT: u64 = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;

/// A directory descriptor for a rootfs.
pub fn open_root(path: &Path) -> io::Result<OwnedFd> {
    let fd = nix::fcntl::open(
        path,
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_DIRECTORY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )?;
    // SAFETY: `open` returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Open `path` inside `root` (O_PATH), following symlinks only within the root.
pub fn open_in_root(root: &OwnedFd, path: &Path) -> io::Result<OwnedFd> {
    openat2(root, relative(path).as_path(), libc::O_PATH, 0, IN_ROOT)
}

/// What kind of mount point to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
}

/// Make sure `path` exists inside `root` (creating what is missing, the last component as
/// `kind`, symlinks followed inside the root), and return an O_PATH descriptor for it.
pub fn ensure_in_root(root: &OwnedFd, path: &Path, kind: Kind) -> io::Result<OwnedFd> {
    match open_in_root(root, path) {
        Ok(fd) => Ok(fd),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            super::fs::create_in_root(root, path, kind == Kind::File)
        }
        Err(e) => Err(e),
    }
}

/// The `/proc/self/fd/N` path of a descriptor, for syscalls that take paths.
pub fn fd_path(fd: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// A path relative to the root: leading `/` removed, `.` dropped.
fn relative(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
        .collect()
}

/// `mount(2)` onto a resolved target descriptor.
pub fn mount_at(
    source: Option<&Path>,
    target: &OwnedFd,
    fstype: Option<&str>,
    flags: MsFlags,
    data: Option<&str>,
) -> io::Result<()> {
    nix::mount::mount(source, &fd_path(target), fstype, flags, data).map_err(io::Error::from)
}

/// Remount the mount at `target` read-only (bind remount), keeping the flags the kernel
/// locked on it (nosuid, nodev, noexec, atime flags), which a user namespace cannot clear.
pub fn remount_readonly(target: &Path, recursive: bool) -> io::Result<()> {
    let locked = locked_flags(target)?;
    let mut flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | locked;
    if recursive {
        flags |= MsFlags::MS_REC;
    }
    nix::mount::mount(None::<&str>, target, None::<&str>, flags, None::<&str>)
        .map_err(io::Error::from)
}

/// Remount the bind mount at `target` with the restricting `flags` (nosuid, nodev,
/// noexec) added to those the kernel locked.
pub fn remount_restricted(target: &Path, flags: MsFlags) -> io::Result<()> {
    let locked = locked_flags(target)?;
    let st = nix::sys::statvfs::statvfs(target)?;
    let mut all = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | locked | flags;
    if st.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY) {
        all |= MsFlags::MS_RDONLY;
    }
    nix::mount::mount(None::<&str>, target, None::<&str>, all, None::<&str>)
        .map_err(io::Error::from)
}

/// The mount flags of the mount holding `path` that must be kept on remount.
pub fn locked_flags(path: &Path) -> io::Result<MsFlags> {
    use nix::sys::statvfs::FsFlags;
    let st = nix::sys::statvfs::statvfs(path)?;
    let f = st.flags();
    let mut out = MsFlags::empty();
    for (fs, ms) in [
        (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
        (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
        (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
        (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
        (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
    ] {
        if f.contains(fs) {
            out |= ms;
        }
    }
    Ok(out)
}
