//! Writing into a build's rootfs (COPY, ADD, WORKDIR) with every path resolved inside it:
//! a symlink in the image never leads a write out of the rootfs. Runs in the session, as
//! uid 0 of the user namespace, on the mounted overlay of the step.

use std::ffi::OsStr;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use nix::sys::stat::{Mode, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::{fchownat, Gid, Uid};

use crate::sys::fs::{openat2, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS};

/// Owner and mode for what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Meta {
    /// `--chown` ids; `None` is 0:0 (docker's default for COPY and ADD).
    pub owner: Option<(u32, u32)>,
    /// `--chmod`: the mode of every file and directory copied.
    pub chmod: Option<u32>,
}

impl Meta {
    fn ids(self) -> (u32, u32) {
        self.owner.unwrap_or((0, 0))
    }
}

/// The first destination of each multiply-linked source file a copy wrote, by (dev, inode).
type Links = std::collections::HashMap<(u64, u64), String>;

/// The rootfs, open as a directory.
pub struct Root {
    fd: OwnedFd,
}

/// `path` without its leading `/`, `.` components dropped (`..` is left to the kernel,
/// which keeps it inside the root).
fn relative(path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            other => out.push(other),
        }
    }
    out
}

fn nix_io(e: nix::errno::Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

impl Root {
    pub fn open(path: &Path) -> io::Result<Root> {
        let fd = std::fs::File::open(path)?;
        Ok(Root { fd: fd.into() })
    }

    /// Open `path` inside the root with `flags`.
    fn open_in(&self, path: &Path, flags: i32) -> io::Result<OwnedFd> {
        let p = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        openat2(
            self.fd.as_fd(),
            p,
            flags,
            0,
            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        )
    }

    /// Is `path` (following symlinks inside the root) a directory?
    pub fn is_dir(&self, path: &str) -> bool {
        self.open_in(&relative(path), libc::O_PATH | libc::O_DIRECTORY)
            .is_ok()
    }

    /// Does `path` exist (the last component not followed)?
    pub fn exists(&self, path: &str) -> bool {
        let rel = relative(path);
        let (Some(parent), Some(name)) = (rel.parent(), rel.file_name()) else {
            return true;
        };
        self.open_in(parent, libc::O_PATH | libc::O_DIRECTORY)
            .is_ok_and(|dir| {
                nix::sys::stat::fstatat(
                    Some(dir.as_raw_fd()),
                    name,
                    nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
                )
                .is_ok()
            })
    }

    /// Create directory `path` and its missing parents (`mode`, owned by `owner`); return
    /// it open.
    pub fn mkdir_all(&self, path: &str, mode: u32, owner: (u32, u32)) -> io::Result<OwnedFd> {
        let rel = relative(path);
        let mut cur = PathBuf::new();
        let mut dir = self.open_in(&cur, libc::O_DIRECTORY | libc::O_RDONLY)?;
        for comp in rel.components() {
            cur.push(comp);
            match self.open_in(&cur, libc::O_DIRECTORY | libc::O_RDONLY) {
                Ok(d) => dir = d,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                    let name = comp.as_os_str();
                    match nix::sys::stat::mkdirat(
                        Some(dir.as_raw_fd()),
                        name,
                        Mode::from_bits_truncate(mode),
                    ) {
                        Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
                        Err(e) => return Err(nix_io(e)),
                    }
                    let new = self.open_in(&cur, libc::O_DIRECTORY | libc::O_RDONLY)?;
                    nix::unistd::fchown(
                        new.as_raw_fd(),
                        Some(Uid::from_raw(owner.0)),
                        Some(Gid::from_raw(owner.1)),
                    )
                    .map_err(nix_io)?;
                    nix::sys::stat::fchmod(new.as_raw_fd(), Mode::from_bits_truncate(mode))
                        .map_err(nix_io)?;
                    dir = new;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(dir)
    }

    /// The parent directory of `path` (created, 0755 and `owner`, when missing) and the
    /// last name.
    fn parent_of(&self, path: &str, owner: (u32, u32)) -> io::Result<(OwnedFd, PathBuf)> {
        let rel = relative(path);
        let name = rel
            .file_name()
            .map(PathBuf::from)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EISDIR))?;
        let parent = rel.parent().unwrap_or(Path::new(""));
        let dir = self.mkdir_all(&parent.to_string_lossy(), 0o755, owner)?;
        Ok((dir, name))
    }

    /// Write a regular file at `path` from `data` (an existing file or link there is
    /// replaced), then give it `mode`, `owner` and, when known, `mtime`.
    pub fn write_file(
        &self,
        path: &str,
        data: &mut dyn Read,
        mode: u32,
        owner: (u32, u32),
        mtime: Option<i64>,
    ) -> io::Result<()> {
        let (dir, name) = self.parent_of(path, owner)?;
        remove_non_dir(&dir, &name);
        let fd = openat2(
            dir.as_fd(),
            &name,
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_NOFOLLOW,
            0o600,
            crate::sys::fs::RESOLVE_BENEATH,
        )?;
        let mut file = std::fs::File::from(fd);
        io::copy(data, &mut file)?;
        nix::unistd::fchown(
            file.as_raw_fd(),
            Some(Uid::from_raw(owner.0)),
            Some(Gid::from_raw(owner.1)),
        )
        .map_err(nix_io)?;
        // After chown, which clears set-id bits.
        nix::sys::stat::fchmod(file.as_raw_fd(), Mode::from_bits_truncate(mode & 0o7777))
            .map_err(nix_io)?;
        if let Some(t) = mtime {
            let ts = TimeSpec::new(t, 0);
            nix::sys::stat::futimens(file.as_raw_fd(), &ts, &ts).map_err(nix_io)?;
        }
        Ok(())
    }

    /// Create a symlink at `path` pointing at `target` (replacing a file or link there).
    pub fn symlink(&self, path: &str, target: &Path, owner: (u32, u32)) -> io::Result<()> {
        let (dir, name) = self.parent_of(path, owner)?;
        remove_non_dir(&dir, &name);
        nix::unistd::symlinkat(target, Some(dir.as_raw_fd()), &name).map_err(nix_io)?;
        fchownat(
            Some(dir.as_raw_fd()),
            &name,
            Some(Uid::from_raw(owner.0)),
            Some(Gid::from_raw(owner.1)),
            nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
        )
        .map_err(nix_io)
    }

    /// Make `path` a directory (keeping one that exists) with `mode` and `owner`.
    pub fn dir(
        &self,
        path: &str,
        mode: u32,
        owner: (u32, u32),
        mtime: Option<i64>,
    ) -> io::Result<()> {
        let d = self.mkdir_all(path, mode, owner)?;
        nix::unistd::fchown(
            d.as_raw_fd(),
            Some(Uid::from_raw(owner.0)),
            Some(Gid::from_raw(owner.1)),
        )
        .map_err(nix_io)?;
        nix::sys::stat::fchmod(d.as_raw_fd(), Mode::from_bits_truncate(mode & 0o7777))
            .map_err(nix_io)?;
        if let Some(t) = mtime {
            let ts = TimeSpec::new(t, 0);
            nix::sys::stat::futimens(d.as_raw_fd(), &ts, &ts).map_err(nix_io)?;
        }
        Ok(())
    }

    /// A hard link at `path` to `target` (both inside the root).
    pub fn hardlink(&self, path: &str, target: &str) -> io::Result<()> {
        let (dir, name) = self.parent_of(path, (0, 0))?;
        let trel = relative(target);
        let tparent = self.open_in(
            trel.parent().unwrap_or(Path::new("")),
            libc::O_PATH | libc::O_DIRECTORY,
        )?;
        let tname = trel
            .file_name()
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        remove_non_dir(&dir, &name);
        nix::unistd::linkat(
            Some(tparent.as_raw_fd()),
            tname,
            Some(dir.as_raw_fd()),
            name.as_os_str(),
            nix::fcntl::AtFlags::empty(),
        )
        .map_err(nix_io)
    }

    /// Copy host path `src` (a file, a symlink, or a directory's contents when `src` is a
    /// directory) to `dest` in the root, as docker's COPY does: file times kept, modes
    /// kept unless `meta.chmod`, owner 0:0 unless `meta.owner`. `skip(path, is_dir)` says
    /// which host paths (relative to `src`) to leave out.
    pub fn copy_in(
        &self,
        src: &Path,
        dest: &str,
        meta: Meta,
        skip: &dyn Fn(&Path, bool) -> bool,
    ) -> io::Result<()> {
        let md = std::fs::symlink_metadata(src)?;
        let mut links = Links::default();
        self.copy_entry(src, Path::new(""), &md, dest, meta, skip, &mut links)
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_entry(
        &self,
        src: &Path,
        rel: &Path,
        md: &std::fs::Metadata,
        dest: &str,
        meta: Meta,
        skip: &dyn Fn(&Path, bool) -> bool,
        links: &mut Links,
    ) -> io::Result<()> {
        let ft = md.file_type();
        if ft.is_dir() {
            let mode = meta.chmod.unwrap_or(md.mode() & 0o7777);
            self.dir(dest, mode, meta.ids(), None)?;
            let mut names: Vec<_> = std::fs::read_dir(src)?
                .map(|e| e.map(|e| e.file_name()))
                .collect::<io::Result<_>>()?;
            names.sort();
            for name in names {
                let child_rel = rel.join(&name);
                let child = src.join(&name);
                let cmd = std::fs::symlink_metadata(&child)?;
                if skip(&child_rel, cmd.is_dir()) {
                    continue;
                }
                let child_dest = format!(
                    "{}/{}",
                    dest.trim_end_matches('/'),
                    OsStr::new(&name).to_string_lossy()
                );
                self.copy_entry(&child, &child_rel, &cmd, &child_dest, meta, skip, links)?;
            }
            // Times last: adding entries changed them.
            let d = self.open_in(&relative(dest), libc::O_DIRECTORY | libc::O_RDONLY)?;
            let ts = TimeSpec::new(md.mtime(), md.mtime_nsec());
            nix::sys::stat::futimens(d.as_raw_fd(), &ts, &ts).map_err(nix_io)?;
            Ok(())
        } else if ft.is_symlink() {
            let target = std::fs::read_link(src)?;
            self.symlink(dest, &target, meta.ids())?;
            let (dir, name) = self.parent_of(dest, meta.ids())?;
            let ts = TimeSpec::new(md.mtime(), md.mtime_nsec());
            let _ = nix::sys::stat::utimensat(
                Some(dir.as_raw_fd()),
                &name,
                &ts,
                &ts,
                UtimensatFlags::NoFollowSymlink,
            );
            Ok(())
        } else if ft.is_file() {
            // Hard links among the copied files stay hard links (as buildah's COPY).
            let key = (md.dev(), md.ino());
            if md.nlink() > 1 {
                if let Some(first) = links.get(&key) {
                    return self.hardlink(dest, first);
                }
            }
            let mut f = std::fs::File::open(src)?;
            let mode = meta.chmod.unwrap_or(md.mode() & 0o7777);
            self.write_file(dest, &mut f, mode, meta.ids(), Some(md.mtime()))?;
            if md.nlink() > 1 {
                links.insert(key, dest.to_string());
            }
            Ok(())
        } else {
            // Devices, fifos and sockets in a context are not copied (as docker).
            Ok(())
        }
    }
}

/// Remove `name` in `dir` unless it is a directory (a COPY replaces files and links).
fn remove_non_dir(dir: &OwnedFd, name: &Path) {
    let is_dir = nix::sys::stat::fstatat(
        Some(dir.as_raw_fd()),
        name,
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR);
    if !is_dir {
        let _ = nix::unistd::unlinkat(
            Some(dir.as_raw_fd()),
            name,
            nix::unistd::UnlinkatFlags::NoRemoveDir,
        );
    }
}

/// The name of `path`'s last component as bytes (for messages).
pub fn display(path: &Path) -> String {
    String::from_utf8_lossy(path.as_os_str().as_bytes()).into_owned()
}
