//! A container's filesystem changes and tar archives of container trees, for `diff`,
//! `commit`, `export` and `cp`.
//!
//! The overlay's upper directory holds what the container changed. Deleted files are
//! whiteouts there: a 0/0 character device (kernel overlay and fuse-overlayfs), or a
//! `.wh.NAME` file where fuse-overlayfs could not create a device. A directory that replaced a
//! lower one carries an opaque marker (the `user.overlay.opaque` xattr, or a `.wh..wh..opq`
//! file). A committed layer uses the OCI form of both: `.wh.NAME` and `.wh..wh..opq` entries.
//!
//! Every walk goes by descriptor, one component at a time, and never follows a symlink, so a
//! container that swaps a directory for a link while we read cannot lead us out of its tree.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{FileStat, SFlag};

use super::atomic::{fs_err, FsError};
use crate::sys::fs::{openat2, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS};

const RESOLVE: u64 = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";
/// The opaque-directory xattrs of kernel overlay (with and without `userxattr`) and of
/// fuse-overlayfs.
const OPAQUE_XATTRS: [&str; 3] = [
    "user.overlay.opaque",
    "trusted.overlay.opaque",
    "user.fuseoverlayfs.opaque",
];
/// File capabilities survive a commit, an export and a copy.
const CAPABILITY_XATTR: &str = "security.capability";

/// Errors reading a container tree.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("write the archive entry `{path}`")]
    Archive {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn errno(e: nix::errno::Errno) -> io::Error {
    io::Error::from(e)
}

/// How a path differs from the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Changed,
    Deleted,
}

impl ChangeKind {
    /// podman's letter: `A`, `C` or `D`.
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Changed => 'C',
            ChangeKind::Deleted => 'D',
        }
    }
}

/// One changed path, absolute inside the container (`/etc/passwd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: PathBuf,
}

/// What an entry of an upper directory stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Upper {
    /// `name` was deleted.
    Whiteout(OsString),
    /// The `.wh..wh..opq` file of fuse-overlayfs: a marker, not content.
    OpaqueMarker,
    /// A real file, directory, link or node.
    Plain,
}

fn classify(name: &OsStr, st: &FileStat) -> Upper {
    let kind = SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits());
    if kind == SFlag::S_IFCHR && st.st_rdev == 0 {
        return Upper::Whiteout(name.to_os_string());
    }
    let bytes = name.as_bytes();
    if bytes == OPAQUE_MARKER.as_bytes() {
        return Upper::OpaqueMarker;
    }
    if let Some(hidden) = bytes.strip_prefix(WHITEOUT_PREFIX.as_bytes()) {
        if kind == SFlag::S_IFREG && !hidden.is_empty() {
            return Upper::Whiteout(OsStr::from_bytes(hidden).to_os_string());
        }
    }
    Upper::Plain
}

fn is_dir(st: &FileStat) -> bool {
    st.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFDIR.bits()
}

fn is_opaque(dir: impl AsFd) -> bool {
    let fd = dir.as_fd();
    OPAQUE_XATTRS.iter().any(|name| {
        crate::sys::fs::fgetxattr(fd, OsStr::new(name))
            .ok()
            .flatten()
            .is_some_and(|v| v == b"y")
    })
}

fn open_dir_at(parent: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    openat2(
        parent,
        Path::new(name),
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
        0,
        RESOLVE,
    )
}

fn stat_at(parent: BorrowedFd<'_>, name: &OsStr) -> io::Result<FileStat> {
    nix::sys::stat::fstatat(Some(parent.as_raw_fd()), name, AtFlags::AT_SYMLINK_NOFOLLOW)
        .map_err(errno)
}

/// The names in a directory, sorted, without `.` and `..`.
fn names(dir: BorrowedFd<'_>, path: &Path) -> Result<Vec<OsString>, ChangesError> {
    let mut d = nix::dir::Dir::openat(
        Some(dir.as_raw_fd()),
        ".",
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(|e| fs_err("read", path)(errno(e)))?;
    let mut out = Vec::new();
    for entry in d.iter() {
        let entry = entry.map_err(|e| fs_err("read", path)(errno(e)))?;
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name != "." && name != ".." {
            out.push(name.to_os_string());
        }
    }
    out.sort();
    Ok(out)
}

/// The changes recorded in `upper`, compared with the image's layer directories `lowers`
/// (top layer first), sorted by path.
pub fn diff(upper: &Path, lowers: &[PathBuf]) -> Result<Vec<Change>, ChangesError> {
    let root = std::fs::File::open(upper).map_err(fs_err("open", upper))?;
    let mut out = Vec::new();
    diff_dir(root.as_fd(), Path::new("/"), upper, lowers, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn diff_dir(
    dir: BorrowedFd<'_>,
    rel: &Path,
    upper: &Path,
    lowers: &[PathBuf],
    out: &mut Vec<Change>,
) -> Result<(), ChangesError> {
    let here = upper.join(rel.strip_prefix("/").unwrap_or(rel));
    for name in names(dir, &here)? {
        let host = here.join(&name);
        let st = match stat_at(dir, &name) {
            Ok(st) => st,
            // Removed while we read: no longer a change.
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(fs_err("stat", &host)(e).into()),
        };
        match classify(&name, &st) {
            Upper::OpaqueMarker => {}
            Upper::Whiteout(hidden) => out.push(Change {
                kind: ChangeKind::Deleted,
                path: rel.join(hidden),
            }),
            Upper::Plain => {
                let path = rel.join(&name);
                let kind = if lower_exists(lowers, &path) {
                    ChangeKind::Changed
                } else {
                    ChangeKind::Added
                };
                out.push(Change {
                    kind,
                    path: path.clone(),
                });
                if is_dir(&st) {
                    let sub = open_dir_at(dir, &name).map_err(fs_err("open", &host))?;
                    // Below an opaque directory nothing of the image shows.
                    let lowers: &[PathBuf] = if is_opaque(&sub) { &[] } else { lowers };
                    diff_dir(sub.as_fd(), &path, upper, lowers, out)?;
                }
            }
        }
    }
    Ok(())
}

/// Does absolute container path `path` exist in the stack of layer directories `lowers`
/// (top first)? Every prefix is checked with lstat, so no symlink in a layer is followed,
/// and whiteouts and opaque directories hide what is below them.
pub fn lower_exists(lowers: &[PathBuf], path: &Path) -> bool {
    let comps: Vec<&OsStr> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect();
    if comps.is_empty() {
        return true;
    }
    'layers: for layer in lowers {
        let mut cur = layer.clone();
        let mut opaque_above = false;
        for (i, comp) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut wh = OsString::from(WHITEOUT_PREFIX);
            wh.push(comp);
            if cur.join(&wh).symlink_metadata().is_ok() {
                return false;
            }
            cur.push(comp);
            let Ok(meta) = cur.symlink_metadata() else {
                if opaque_above {
                    return false;
                }
                continue 'layers;
            };
            if std::os::unix::fs::FileTypeExt::is_char_device(&meta.file_type())
                && std::os::unix::fs::MetadataExt::rdev(&meta) == 0
            {
                return false;
            }
            if last {
                return true;
            }
            if !meta.is_dir() {
                // A file or a symlink where a directory would be: the path is not here,
                // and this entry hides every layer below.
                return false;
            }
            let opaque = std::fs::File::open(&cur).is_ok_and(is_opaque)
                || cur.join(OPAQUE_MARKER).symlink_metadata().is_ok();
            opaque_above |= opaque;
        }
    }
    false
}

/// How [`Archiver`] writes entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TarMode {
    /// As the files are (a merged rootfs: `export`, `cp`).
    Plain,
    /// An overlay upper dir as an OCI layer: whiteout devices become `.wh.NAME` entries and
    /// opaque directories get a `.wh..wh..opq` entry.
    Layer,
}

/// Writes a tree read by descriptor into a tar archive.
pub struct Archiver<W: Write> {
    builder: tar::Builder<W>,
    mode: TarMode,
    /// Set every entry's owner to this (`cp` gives copied files to the destination's root).
    owner: Option<(u64, u64)>,
    /// Hard links: (dev, ino) -> the first archive name.
    links: HashMap<(u64, u64), PathBuf>,
    /// Every entry's mtime (a reproducible build's `--timestamp`).
    mtime: Option<u64>,
}

impl<W: Write> Archiver<W> {
    pub fn new(out: W, mode: TarMode) -> Self {
        let mut builder = tar::Builder::new(out);
        builder.mode(tar::HeaderMode::Complete);
        builder.follow_symlinks(false);
        Archiver {
            builder,
            mode,
            owner: None,
            links: HashMap::new(),
            mtime: None,
        }
    }

    /// Record every entry as owned by `uid:gid`.
    #[must_use]
    pub fn with_owner(mut self, uid: u64, gid: u64) -> Self {
        self.owner = Some((uid, gid));
        self
    }

    /// Record every entry with this mtime.
    #[must_use]
    pub fn with_mtime(mut self, mtime: u64) -> Self {
        self.mtime = Some(mtime);
        self
    }

    /// Archive the contents of directory `dir` (not the directory itself), with names
    /// relative to it under `prefix` (empty for none). `host` names `dir` in errors.
    pub fn add_contents(
        &mut self,
        dir: BorrowedFd<'_>,
        prefix: &Path,
        host: &Path,
    ) -> Result<(), ChangesError> {
        for name in names(dir, host)? {
            self.add_entry(dir, &name, &prefix.join(&name), &host.join(&name))?;
        }
        Ok(())
    }

    /// Archive `parent/name` (recursively for a directory) as `archive_name`.
    pub fn add_entry(
        &mut self,
        parent: BorrowedFd<'_>,
        name: &OsStr,
        archive_name: &Path,
        host: &Path,
    ) -> Result<(), ChangesError> {
        let st = match stat_at(parent, name) {
            Ok(st) => st,
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(()),
            Err(e) => return Err(fs_err("stat", host)(e).into()),
        };
        if self.mode == TarMode::Layer {
            match classify(name, &st) {
                Upper::Whiteout(hidden) if !name.as_bytes().starts_with(b".wh.") => {
                    let mut wh = OsString::from(WHITEOUT_PREFIX);
                    wh.push(&hidden);
                    let archive_name = archive_name.with_file_name(wh);
                    return self.empty_file(&archive_name, &st);
                }
                // fuse-overlayfs' file forms are already the OCI forms.
                _ => {}
            }
        }
        let kind = SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits());
        let mut header = self.header(&st);
        let ar = |source| ChangesError::Archive {
            path: archive_name.to_path_buf(),
            source,
        };
        if kind != SFlag::S_IFDIR && st.st_nlink > 1 {
            let key = (st.st_dev, st.st_ino);
            if let Some(first) = self.links.get(&key) {
                header.set_entry_type(tar::EntryType::Link);
                header.set_size(0);
                let first = first.clone();
                return self
                    .builder
                    .append_link(&mut header, archive_name, &first)
                    .map_err(ar);
            }
            self.links.insert(key, archive_name.to_path_buf());
        }
        if kind == SFlag::S_IFDIR {
            let sub = open_dir_at(parent, name).map_err(fs_err("open", host))?;
            header.set_entry_type(tar::EntryType::Directory);
            header.set_size(0);
            let mut dir_name = archive_name.as_os_str().to_os_string();
            dir_name.push("/");
            self.builder
                .append_data(&mut header, Path::new(&dir_name), io::empty())
                .map_err(ar)?;
            if self.mode == TarMode::Layer && is_opaque(&sub) {
                self.empty_file(&archive_name.join(OPAQUE_MARKER), &st)?;
            }
            return self.add_contents(sub.as_fd(), archive_name, host);
        }
        if kind == SFlag::S_IFREG {
            let file = openat2(
                parent,
                Path::new(name),
                libc::O_RDONLY | libc::O_NOFOLLOW,
                0,
                RESOLVE,
            )
            .map_err(fs_err("open", host))?;
            // Size from the open file: what we read is what the header says.
            let st = nix::sys::stat::fstat(file.as_raw_fd())
                .map_err(|e| fs_err("stat", host)(errno(e)))?;
            let mut header = self.header(&st);
            header.set_entry_type(tar::EntryType::Regular);
            if let Ok(Some(cap)) = crate::sys::fs::fgetxattr(&file, OsStr::new(CAPABILITY_XATTR)) {
                let key = format!("SCHILY.xattr.{CAPABILITY_XATTR}");
                self.builder
                    .append_pax_extensions([(key.as_str(), cap.as_slice())])
                    .map_err(ar)?;
            }
            let size = u64::try_from(st.st_size).unwrap_or(0);
            header.set_size(size);
            let reader = Exact::new(std::fs::File::from(file), size);
            return self
                .builder
                .append_data(&mut header, archive_name, reader)
                .map_err(ar);
        }
        header.set_size(0);
        match kind {
            SFlag::S_IFLNK => {
                let target = nix::fcntl::readlinkat(Some(parent.as_raw_fd()), name)
                    .map_err(|e| fs_err("read the link", host)(errno(e)))?;
                header.set_entry_type(tar::EntryType::Symlink);
                self.builder
                    .append_link(&mut header, archive_name, Path::new(&target))
                    .map_err(ar)
            }
            SFlag::S_IFCHR | SFlag::S_IFBLK => {
                header.set_entry_type(if kind == SFlag::S_IFCHR {
                    tar::EntryType::Char
                } else {
                    tar::EntryType::Block
                });
                let major = libc::major(st.st_rdev);
                let minor = libc::minor(st.st_rdev);
                header.set_device_major(major).map_err(ar)?;
                header.set_device_minor(minor).map_err(ar)?;
                self.builder
                    .append_data(&mut header, archive_name, io::empty())
                    .map_err(ar)
            }
            SFlag::S_IFIFO => {
                header.set_entry_type(tar::EntryType::Fifo);
                self.builder
                    .append_data(&mut header, archive_name, io::empty())
                    .map_err(ar)
            }
            // Sockets have no place in an archive.
            _ => Ok(()),
        }
    }

    fn header(&self, st: &FileStat) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.set_mode(st.st_mode & 0o7777);
        let (uid, gid) = self
            .owner
            .unwrap_or((u64::from(st.st_uid), u64::from(st.st_gid)));
        header.set_uid(uid);
        header.set_gid(gid);
        header.set_mtime(
            self.mtime
                .unwrap_or_else(|| u64::try_from(st.st_mtime).unwrap_or(0)),
        );
        header
    }

    fn empty_file(&mut self, archive_name: &Path, st: &FileStat) -> Result<(), ChangesError> {
        let mut header = self.header(st);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(0);
        self.builder
            .append_data(&mut header, archive_name, io::empty())
            .map_err(|source| ChangesError::Archive {
                path: archive_name.to_path_buf(),
                source,
            })
    }

    /// Write the end of the archive and return the writer.
    pub fn finish(self) -> Result<W, ChangesError> {
        self.builder
            .into_inner()
            .map_err(|source| ChangesError::Archive {
                path: PathBuf::from("end of archive"),
                source,
            })
    }
}

/// Reads exactly `size` bytes: a file that shrank while we read is padded with zeros and
/// one that grew is cut, so the archive always matches its headers.
struct Exact<R> {
    inner: R,
    left: u64,
    eof: bool,
}

impl<R: Read> Exact<R> {
    fn new(inner: R, size: u64) -> Self {
        Exact {
            inner,
            left: size,
            eof: false,
        }
    }
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = if self.eof {
            buf[..want].fill(0);
            want
        } else {
            match self.inner.read(&mut buf[..want])? {
                0 => {
                    self.eof = true;
                    buf[..want].fill(0);
                    want
                }
                n => n,
            }
        };
        self.left -= n as u64;
        Ok(n)
    }
}

/// Open a directory for reading (`O_DIRECTORY`), as the start of a walk.
pub fn open_tree(path: &Path) -> Result<OwnedFd, ChangesError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(path)
        .map(OwnedFd::from)
        .map_err(|e| fs_err("open", path)(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mknod_whiteout(path: &Path) -> bool {
        nix::sys::stat::mknod(
            path,
            SFlag::S_IFCHR,
            nix::sys::stat::Mode::from_bits_truncate(0o600),
            0,
        )
        .is_ok()
    }

    #[test]
    fn diff_reports_added_changed_and_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let lower = tmp.path().join("lower");
        let upper = tmp.path().join("upper");
        std::fs::create_dir_all(lower.join("etc")).unwrap();
        std::fs::write(lower.join("etc/passwd"), "x").unwrap();
        std::fs::write(lower.join("etc/gone"), "x").unwrap();
        std::fs::create_dir_all(upper.join("etc")).unwrap();
        std::fs::write(upper.join("etc/passwd"), "y").unwrap();
        std::fs::write(upper.join("etc/new"), "y").unwrap();
        // fuse-overlayfs' fallback form of a whiteout.
        std::fs::write(upper.join("etc/.wh.gone"), "").unwrap();
        let got: Vec<String> = diff(&upper, &[lower])
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c.kind.letter(), c.path.display()))
            .collect();
        assert_eq!(
            got,
            ["C /etc", "D /etc/gone", "A /etc/new", "C /etc/passwd"]
        );
    }

    #[test]
    fn lower_exists_honours_whiteouts_and_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("top");
        let base = tmp.path().join("base");
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::fs::create_dir_all(base.join("real")).unwrap();
        std::fs::write(base.join("real/f"), "").unwrap();
        std::fs::create_dir_all(&top).unwrap();
        symlink("real", top.join("link")).unwrap();
        std::fs::write(top.join(".wh.a"), "").unwrap();
        let lowers = [top.clone(), base.clone()];
        assert!(lower_exists(&lowers, Path::new("/real/f")));
        assert!(!lower_exists(&lowers, Path::new("/a/b")), "whited out");
        assert!(lower_exists(&[base], Path::new("/a/b")));
        assert!(
            !lower_exists(&lowers, Path::new("/link/f")),
            "never through a symlink"
        );
        assert!(lower_exists(&lowers, Path::new("/link")));
    }

    fn entries(tar: &[u8]) -> Vec<(String, tar::EntryType, u64)> {
        let mut a = tar::Archive::new(tar);
        a.entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.header().entry_type(),
                    e.header().size().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn layer_archive_converts_whiteouts() {
        let tmp = tempfile::tempdir().unwrap();
        let upper = tmp.path();
        std::fs::create_dir(upper.join("d")).unwrap();
        std::fs::write(upper.join("d/f"), "hello").unwrap();
        std::fs::hard_link(upper.join("d/f"), upper.join("d/g")).unwrap();
        symlink("/etc/passwd", upper.join("l")).unwrap();
        std::fs::write(upper.join("d/.wh..wh..opq"), "").unwrap();
        let device = mknod_whiteout(&upper.join("gone"));
        let root = open_tree(upper).unwrap();
        let mut ar = Archiver::new(Vec::new(), TarMode::Layer);
        ar.add_contents(root.as_fd(), Path::new(""), upper).unwrap();
        let got = entries(&ar.finish().unwrap());
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        let mut want = vec!["d/", "d/.wh..wh..opq", "d/f", "d/g"];
        if device {
            want.push(".wh.gone");
        }
        want.push("l");
        assert_eq!(names, want);
        assert_eq!(got[2].2, 5);
        assert_eq!(got[3].1, tar::EntryType::Link);
        assert_eq!(got.last().unwrap().1, tar::EntryType::Symlink);
    }

    #[test]
    fn exact_pads_and_cuts() {
        let mut out = Vec::new();
        Exact::new(&b"abc"[..], 5).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abc\0\0");
        let mut out = Vec::new();
        Exact::new(&b"abcdef"[..], 2).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"ab");
    }
}
