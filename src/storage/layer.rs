//! Layer extraction. The tar crate parses; every entry is written here, resolved inside the
//! layer directory: absolute paths and `..` are refused, parents are opened one component at
//! a time with openat2 (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), and a
//! hard link may only point at an entry reachable the same way. Whiteouts become overlay's
//! form: `.wh.NAME` a 0/0 character device, `.wh..wh..opq` the xattr `user.overlay.opaque=y`.
//!
//! [`ingest`] is the single pass over a layer blob: it hashes the raw bytes (the blob digest)
//! while copying them to the blob file, detects the compression by magic, hashes the
//! uncompressed tar (the diff id) and extracts it.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::AtFlags;
use nix::sys::stat::{Mode, SFlag, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::{Gid, Uid};
use sha2::{Digest, Sha256};

use crate::image::blob::{Compression, ExtensionCap};
use crate::sys::fs::{
    fsetxattr, lsetxattr, openat2, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
};

const RESOLVE: u64 = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
const WHITEOUT_PREFIX: &[u8] = b".wh.";
const OPAQUE_MARKER: &[u8] = b".wh..wh..opq";
/// The xattr overlayfs reads (mounted with `userxattr` in a user namespace).
pub const OPAQUE_XATTR: &str = "user.overlay.opaque";

/// Why one entry is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("path escapes the layer directory")]
    Escapes,
    #[error("absolute path refused")]
    Absolute,
    #[error("path goes through a symlink")]
    ThroughSymlink,
    #[error("a parent is not a directory")]
    ParentNotDir,
    #[error("hard link target `{0}` escapes the layer directory")]
    LinkEscapes(String),
    #[error("hard link target `{0}` goes through a symlink")]
    LinkThroughSymlink(String),
    #[error("hard link target `{0}` does not exist")]
    LinkMissing(String),
    #[error("hard link without a target")]
    LinkEmpty,
    #[error("unsupported entry type `{0}`")]
    UnsupportedType(char),
}

/// Errors extracting a layer.
#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    #[error("layer entry `{entry}`: {problem}")]
    Refused {
        entry: String,
        problem: EntryProblem,
    },
    #[error("layer entry `{entry}`: owner {uid}:{gid} is not mapped in the user namespace")]
    Unmapped { entry: String, uid: u32, gid: u32 },
    #[error("layer entry `{entry}`: {op}")]
    Write {
        entry: String,
        op: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("read the layer archive")]
    Read {
        #[source]
        source: io::Error,
    },
    #[error("the layer archive holds no entries (is it a tar archive?)")]
    Empty,
    #[error("{op} `{path}`")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What one pass over a layer blob found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// `sha256:<hex>` of the raw blob bytes.
    pub blob_digest: String,
    pub blob_size: u64,
    /// `sha256:<hex>` of the uncompressed tar.
    pub diff_id: String,
    pub diff_size: u64,
    pub compression: Compression,
}

/// A reader that hashes (and optionally copies) everything read through it.
struct Hashing<'a, R> {
    inner: R,
    hasher: Sha256,
    count: u64,
    sink: Option<&'a mut dyn Write>,
}

impl<'a, R: Read> Hashing<'a, R> {
    fn new(inner: R, sink: Option<&'a mut dyn Write>) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            count: 0,
            sink,
        }
    }

    fn finish(self) -> (String, u64) {
        (
            format!("sha256:{}", hex::encode(self.hasher.finalize())),
            self.count,
        )
    }
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        if let Some(sink) = self.sink.as_mut() {
            sink.write_all(&buf[..n])?;
        }
        Ok(n)
    }
}

/// One pass over a layer blob: copy the raw bytes to `blob`, hash them, decompress, hash the
/// tar and extract it into `root` (an existing, empty directory).
pub fn ingest(
    input: impl Read,
    blob: &mut dyn Write,
    root: &Path,
    warn: &mut dyn FnMut(String),
) -> Result<Ingested, LayerError> {
    let read_err = |source| LayerError::Read { source };
    let mut raw = Hashing::new(input, Some(blob));
    let mut magic = [0u8; 4];
    let mut have = 0;
    while have < magic.len() {
        match raw.read(&mut magic[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_err(e)),
        }
    }
    let compression = Compression::detect(&magic[..have]);
    let (diff_id, diff_size) = {
        let chained = io::Cursor::new(&magic[..have]).chain(&mut raw);
        let mut buffered = io::BufReader::with_capacity(128 * 1024, chained);
        let (diff_id, diff_size) = {
            let decoder = compression.decoder(&mut buffered).map_err(read_err)?;
            let mut plain = Hashing::new(decoder, None);
            let entries = unpack(&mut plain, root, warn)?;
            if entries == 0 {
                return Err(LayerError::Empty);
            }
            // The end-of-archive blocks and any padding still count towards the diff id.
            io::copy(&mut plain, &mut io::sink()).map_err(read_err)?;
            plain.finish()
        };
        io::copy(&mut buffered, &mut io::sink()).map_err(read_err)?;
        (diff_id, diff_size)
    };
    let (blob_digest, blob_size) = raw.finish();
    Ok(Ingested {
        blob_digest,
        blob_size,
        diff_id,
        diff_size,
        compression,
    })
}

/// Split an entry path into its components: empty and `.` components are dropped, an
/// absolute path or a `..` component is refused.
pub fn clean_path(path: &[u8]) -> Result<Vec<&OsStr>, EntryProblem> {
    if path.starts_with(b"/") {
        return Err(EntryProblem::Absolute);
    }
    let mut out = Vec::new();
    for comp in path.split(|b| *b == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => return Err(EntryProblem::Escapes),
            c => out.push(OsStr::from_bytes(c)),
        }
    }
    Ok(out)
}

/// Split a hard link's target into components inside the layer. As in podman and docker, a
/// target written absolute (`/usr/bin/perlbug`, as several image builders write it) is rooted
/// in the layer, and `..` is resolved lexically; only a target that climbs above the layer's
/// root is refused (a symlink on the way is refused when the target is opened).
pub fn clean_link_target(path: &[u8]) -> Result<Vec<&OsStr>, EntryProblem> {
    let mut out: Vec<&OsStr> = Vec::new();
    for comp in path.split(|b| *b == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => {
                if out.pop().is_none() {
                    return Err(EntryProblem::Escapes);
                }
            }
            c => out.push(OsStr::from_bytes(c)),
        }
    }
    Ok(out)
}

/// What [`Unpacker::walk`] found wrong.
enum WalkError {
    Symlink,
    NotDir,
    Missing,
    Io(io::Error),
}

/// Extract a plain tar stream into `root`; returns the number of entries seen.
pub fn unpack(
    archive: impl Read,
    root: &Path,
    warn: &mut dyn FnMut(String),
) -> Result<u64, LayerError> {
    let root_fd: OwnedFd = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(root)
        .map_err(|source| LayerError::Io {
            op: "open",
            path: root.to_path_buf(),
            source,
        })?
        .into();
    let mut unpacker = Unpacker {
        root: root.to_path_buf(),
        root_fd,
        dirs: Vec::new(),
        last_parent: None,
        warn,
    };
    let mut tar = tar::Archive::new(ExtensionCap::new(archive));
    let mut count = 0;
    let entries = tar
        .entries()
        .map_err(|source| LayerError::Read { source })?;
    for entry in entries {
        let mut entry = entry.map_err(|source| LayerError::Read { source })?;
        count += 1;
        unpacker.entry(&mut entry)?;
    }
    unpacker.fix_dir_times()?;
    Ok(count)
}

/// Ownership, mode, times and xattrs of one entry.
struct Meta {
    uid: u32,
    gid: u32,
    mode: u32,
    mtime: i64,
    xattrs: Vec<(OsString, Vec<u8>)>,
}

struct Unpacker<'w> {
    root: PathBuf,
    root_fd: OwnedFd,
    /// Directories whose mtime is set at the end (writing into them changes it).
    dirs: Vec<(Vec<OsString>, i64)>,
    /// The last parent directory opened, by its components.
    last_parent: Option<(Vec<OsString>, OwnedFd)>,
    warn: &'w mut dyn FnMut(String),
}

impl Unpacker<'_> {
    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), LayerError> {
        let raw_path = entry.path_bytes().into_owned();
        let name = String::from_utf8_lossy(&raw_path).into_owned();
        let refuse = |problem| LayerError::Refused {
            entry: name.clone(),
            problem,
        };
        let comps: Vec<OsString> = clean_path(&raw_path)
            .map_err(refuse)?
            .into_iter()
            .map(OsStr::to_os_string)
            .collect();
        let kind = entry.header().entry_type();
        let meta = self.meta(entry, &name)?;
        let Some((last, parents)) = comps.split_last() else {
            // The layer root itself ("./").
            if kind.is_dir() {
                let fd = self.root_fd.try_clone().map_err(write_err(&name, "open"))?;
                self.set_owner_mode(&fd, &name, &meta)?;
                self.set_xattrs_fd(&fd, &name, &meta)?;
                self.dirs.push((Vec::new(), meta.mtime));
            }
            return Ok(());
        };
        let parent = self
            .parent_dir(parents)
            .map_err(|e| walk_refusal(e, &name))?;

        let last_bytes = last.as_bytes();
        if last_bytes == OPAQUE_MARKER {
            return fsetxattr(&parent, OsStr::new(OPAQUE_XATTR), b"y")
                .map_err(write_err(&name, "set the opaque xattr"));
        }
        if let Some(hidden) = last_bytes.strip_prefix(WHITEOUT_PREFIX) {
            let hidden = OsStr::from_bytes(hidden);
            if hidden.is_empty() || hidden == "." || hidden == ".." {
                return Err(refuse(EntryProblem::Escapes));
            }
            self.remove_existing(&parent, parents, hidden, &name)?;
            return mknod(&parent, hidden, SFlag::S_IFCHR, 0, 0)
                .map_err(write_err(&name, "create the whiteout"));
        }

        use tar::EntryType as T;
        match kind {
            T::Directory => {
                match nix::sys::stat::mkdirat(
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                    Mode::from_bits_truncate(0o700),
                ) {
                    Ok(()) => {}
                    Err(Errno::EEXIST) => {
                        // An existing directory is kept (its metadata updated); anything
                        // else of that name is replaced.
                        if open_dir(&parent, last).is_err() {
                            self.remove_existing(&parent, parents, last, &name)?;
                            nix::sys::stat::mkdirat(
                                Some(parent.as_raw_fd()),
                                last.as_os_str(),
                                Mode::from_bits_truncate(0o700),
                            )
                            .map_err(|e| write_err(&name, "create the directory")(e.into()))?;
                        }
                    }
                    Err(e) => return Err(write_err(&name, "create the directory")(e.into())),
                }
                let fd = open_dir(&parent, last).map_err(write_err(&name, "open the directory"))?;
                self.set_owner_mode(&fd, &name, &meta)?;
                self.set_xattrs_fd(&fd, &name, &meta)?;
                self.dirs.push((comps.clone(), meta.mtime));
            }
            T::Regular | T::Continuous | T::GNUSparse => {
                self.remove_existing(&parent, parents, last, &name)?;
                let fd = openat2(
                    &parent,
                    Path::new(last),
                    libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW,
                    0o600,
                    RESOLVE,
                )
                .map_err(write_err(&name, "create the file"))?;
                let mut file = std::fs::File::from(fd);
                io::copy(entry, &mut file).map_err(|source| LayerError::Read { source })?;
                let fd = OwnedFd::from(file);
                // chown clears setuid bits and file capabilities: owner first, then mode,
                // then xattrs.
                self.set_owner_mode(&fd, &name, &meta)?;
                self.set_xattrs_fd(&fd, &name, &meta)?;
                let t = TimeSpec::new(meta.mtime, 0);
                nix::sys::stat::futimens(fd.as_raw_fd(), &t, &t)
                    .map_err(|e| write_err(&name, "set the mtime")(e.into()))?;
            }
            T::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| OsString::from_vec_lossless(&t))
                    .unwrap_or_default();
                self.remove_existing(&parent, parents, last, &name)?;
                nix::unistd::symlinkat(
                    target.as_os_str(),
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                )
                .map_err(|e| write_err(&name, "create the symlink")(e.into()))?;
                self.set_owner_at(&parent, last, &name, &meta)?;
                self.set_xattrs_at(&parent, last, &name, &meta)?;
                let t = TimeSpec::new(meta.mtime, 0);
                nix::sys::stat::utimensat(
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                    &t,
                    &t,
                    UtimensatFlags::NoFollowSymlink,
                )
                .map_err(|e| write_err(&name, "set the mtime")(e.into()))?;
            }
            T::Link => {
                let target_raw = entry
                    .link_name_bytes()
                    .map(|t| t.into_owned())
                    .unwrap_or_default();
                let target_name = String::from_utf8_lossy(&target_raw).into_owned();
                let target = clean_link_target(&target_raw)
                    .map_err(|_| refuse(EntryProblem::LinkEscapes(target_name.clone())))?;
                let Some((tlast, tparents)) = target.split_last() else {
                    return Err(refuse(EntryProblem::LinkEmpty));
                };
                let tparents: Vec<OsString> = tparents.iter().map(|c| c.to_os_string()).collect();
                let tdir = self.walk(&tparents, false).map_err(|e| match e {
                    WalkError::Symlink => {
                        refuse(EntryProblem::LinkThroughSymlink(target_name.clone()))
                    }
                    WalkError::Missing | WalkError::NotDir => {
                        refuse(EntryProblem::LinkMissing(target_name.clone()))
                    }
                    WalkError::Io(source) => LayerError::Write {
                        entry: name.clone(),
                        op: "open the link target",
                        source,
                    },
                })?;
                if comps
                    .iter()
                    .map(OsString::as_os_str)
                    .eq(target.iter().copied())
                {
                    return Ok(());
                }
                self.remove_existing(&parent, parents, last, &name)?;
                match nix::unistd::linkat(
                    Some(tdir.as_raw_fd()),
                    *tlast,
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                    AtFlags::empty(),
                ) {
                    Ok(()) => {}
                    Err(Errno::ENOENT) => {
                        return Err(refuse(EntryProblem::LinkMissing(target_name)))
                    }
                    Err(e) => return Err(write_err(&name, "create the hard link")(e.into())),
                }
            }
            T::Fifo => {
                self.remove_existing(&parent, parents, last, &name)?;
                mknod(&parent, last, SFlag::S_IFIFO, 0o600, 0)
                    .map_err(write_err(&name, "create the fifo"))?;
                self.set_owner_at(&parent, last, &name, &meta)?;
                nix::sys::stat::fchmodat(
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                    Mode::from_bits_truncate(meta.mode),
                    nix::sys::stat::FchmodatFlags::FollowSymlink,
                )
                .map_err(|e| write_err(&name, "set the mode")(e.into()))?;
                self.set_xattrs_at(&parent, last, &name, &meta)?;
                let t = TimeSpec::new(meta.mtime, 0);
                nix::sys::stat::utimensat(
                    Some(parent.as_raw_fd()),
                    last.as_os_str(),
                    &t,
                    &t,
                    UtimensatFlags::NoFollowSymlink,
                )
                .map_err(|e| write_err(&name, "set the mtime")(e.into()))?;
            }
            T::Char | T::Block => {
                let major = entry.header().device_major().ok().flatten().unwrap_or(0);
                let minor = entry.header().device_minor().ok().flatten().unwrap_or(0);
                if kind == T::Char && major == 0 && minor == 0 {
                    // Already overlay's whiteout form; creating it is allowed unprivileged.
                    self.remove_existing(&parent, parents, last, &name)?;
                    return mknod(&parent, last, SFlag::S_IFCHR, 0, 0)
                        .map_err(write_err(&name, "create the whiteout"));
                }
                (self.warn)(format!(
                    "layer entry `{name}`: device node skipped (cannot be created rootless)"
                ));
            }
            T::XGlobalHeader => {}
            other => {
                return Err(refuse(EntryProblem::UnsupportedType(char::from(
                    other.as_byte(),
                ))))
            }
        }
        Ok(())
    }

    fn meta<R: Read>(&self, entry: &mut tar::Entry<'_, R>, name: &str) -> Result<Meta, LayerError> {
        let header = entry.header();
        let bad = |source| LayerError::Write {
            entry: name.to_string(),
            op: "read the header",
            source,
        };
        let mut meta = Meta {
            uid: u32::try_from(header.uid().map_err(bad)?).unwrap_or(u32::MAX),
            gid: u32::try_from(header.gid().map_err(bad)?).unwrap_or(u32::MAX),
            mode: header.mode().map_err(bad)? & 0o7777,
            mtime: i64::try_from(header.mtime().unwrap_or(0)).unwrap_or(0),
            xattrs: Vec::new(),
        };
        if let Some(exts) = entry
            .pax_extensions()
            .map_err(|source| LayerError::Read { source })?
        {
            for ext in exts {
                let ext = ext.map_err(|source| LayerError::Read { source })?;
                let key = ext.key_bytes();
                let value = ext.value_bytes();
                let number = || {
                    std::str::from_utf8(value)
                        .ok()
                        .and_then(|v| v.split('.').next()?.parse::<i64>().ok())
                };
                match key {
                    b"uid" => {
                        meta.uid = number()
                            .and_then(|n| u32::try_from(n).ok())
                            .unwrap_or(meta.uid)
                    }
                    b"gid" => {
                        meta.gid = number()
                            .and_then(|n| u32::try_from(n).ok())
                            .unwrap_or(meta.gid)
                    }
                    b"mtime" => meta.mtime = number().unwrap_or(meta.mtime),
                    _ => {
                        if let Some(attr) = key.strip_prefix(b"SCHILY.xattr.") {
                            meta.xattrs
                                .push((OsStr::from_bytes(attr).to_os_string(), value.to_vec()));
                        }
                    }
                }
            }
        }
        Ok(meta)
    }

    /// The parent directory of an entry; entries come grouped by directory, so the last one
    /// is kept open.
    fn parent_dir(&mut self, comps: &[OsString]) -> Result<OwnedFd, WalkError> {
        if let Some((cached, fd)) = &self.last_parent {
            if cached.as_slice() == comps {
                return fd.try_clone().map_err(WalkError::Io);
            }
        }
        let fd = self.walk(comps, true)?;
        self.last_parent = Some((comps.to_vec(), fd.try_clone().map_err(WalkError::Io)?));
        Ok(fd)
    }

    /// Open the directory `comps` below the root, one component at a time and never through
    /// a symlink; missing directories are created (mode 0755) when `create` is set.
    fn walk(&self, comps: &[OsString], create: bool) -> Result<OwnedFd, WalkError> {
        let mut cur = self.root_fd.try_clone().map_err(WalkError::Io)?;
        for comp in comps {
            let next = match open_dir(&cur, comp) {
                Ok(fd) => fd,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) && create => {
                    match nix::sys::stat::mkdirat(
                        Some(cur.as_raw_fd()),
                        comp.as_os_str(),
                        Mode::from_bits_truncate(0o755),
                    ) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(WalkError::Io(e.into())),
                    }
                    open_dir(&cur, comp).map_err(classify)?
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
                    // O_DIRECTORY reports a symlink as "not a directory": tell them apart.
                    let is_link = nix::sys::stat::fstatat(
                        Some(cur.as_raw_fd()),
                        comp.as_os_str(),
                        AtFlags::AT_SYMLINK_NOFOLLOW,
                    )
                    .is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFLNK);
                    return Err(if is_link {
                        WalkError::Symlink
                    } else {
                        WalkError::NotDir
                    });
                }
                Err(e) => return Err(classify(e)),
            };
            cur = next;
        }
        Ok(cur)
    }

    /// Remove whatever exists at `parent/name` (a later entry replaces an earlier one).
    fn remove_existing(
        &mut self,
        parent: &OwnedFd,
        parents: &[OsString],
        name: &OsStr,
        entry: &str,
    ) -> Result<(), LayerError> {
        match nix::unistd::unlinkat(
            Some(parent.as_raw_fd()),
            name,
            nix::unistd::UnlinkatFlags::NoRemoveDir,
        ) {
            Ok(()) | Err(Errno::ENOENT) => Ok(()),
            Err(Errno::EISDIR | Errno::EPERM) => {
                // The cached parent may lie inside the directory that goes away.
                self.last_parent = None;
                // A directory: its parents were opened without following symlinks, and
                // remove_dir_all does not follow symlinks inside it.
                let mut path = self.root.clone();
                path.extend(parents);
                path.push(name);
                std::fs::remove_dir_all(&path).map_err(write_err(entry, "replace the directory"))
            }
            Err(e) => Err(write_err(entry, "replace the existing entry")(e.into())),
        }
    }

    fn set_owner_mode(&self, fd: &OwnedFd, name: &str, meta: &Meta) -> Result<(), LayerError> {
        chown_result(
            nix::unistd::fchown(
                fd.as_raw_fd(),
                Some(Uid::from_raw(meta.uid)),
                Some(Gid::from_raw(meta.gid)),
            ),
            name,
            meta,
        )?;
        nix::sys::stat::fchmod(fd.as_raw_fd(), Mode::from_bits_truncate(meta.mode))
            .map_err(|e| write_err(name, "set the mode")(e.into()))
    }

    fn set_owner_at(
        &self,
        parent: &OwnedFd,
        last: &OsStr,
        name: &str,
        meta: &Meta,
    ) -> Result<(), LayerError> {
        chown_result(
            nix::unistd::fchownat(
                Some(parent.as_raw_fd()),
                last,
                Some(Uid::from_raw(meta.uid)),
                Some(Gid::from_raw(meta.gid)),
                AtFlags::AT_SYMLINK_NOFOLLOW,
            ),
            name,
            meta,
        )
    }

    fn set_xattrs_fd(&mut self, fd: &OwnedFd, name: &str, meta: &Meta) -> Result<(), LayerError> {
        for (key, value) in &meta.xattrs {
            let result = fsetxattr(fd, key, value);
            self.xattr_result(result, name, key)?;
        }
        Ok(())
    }

    fn set_xattrs_at(
        &mut self,
        parent: &OwnedFd,
        last: &OsStr,
        name: &str,
        meta: &Meta,
    ) -> Result<(), LayerError> {
        if meta.xattrs.is_empty() {
            return Ok(());
        }
        let mut path = PathBuf::from(format!("/proc/self/fd/{}", parent.as_raw_fd()));
        path.push(last);
        for (key, value) in &meta.xattrs {
            let result = lsetxattr(&path, key, value);
            self.xattr_result(result, name, key)?;
        }
        Ok(())
    }

    /// An xattr the file system or the user namespace does not allow (trusted.*, selinux
    /// labels, user.* on symlinks) is skipped with a warning; other failures are errors.
    fn xattr_result(
        &mut self,
        result: io::Result<()>,
        name: &str,
        key: &OsStr,
    ) -> Result<(), LayerError> {
        match result {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EPERM | libc::EOPNOTSUPP | libc::EACCES)
                ) =>
            {
                (self.warn)(format!(
                    "layer entry `{name}`: xattr `{}` skipped ({})",
                    key.to_string_lossy(),
                    Errno::from_raw(e.raw_os_error().unwrap_or(0)).desc()
                ));
                Ok(())
            }
            Err(source) => Err(LayerError::Write {
                entry: name.to_string(),
                op: "set an xattr",
                source,
            }),
        }
    }

    /// Directory mtimes, last: creating entries inside a directory changes its mtime.
    fn fix_dir_times(&mut self) -> Result<(), LayerError> {
        let dirs = std::mem::take(&mut self.dirs);
        for (comps, mtime) in dirs.iter().rev() {
            let t = TimeSpec::new(*mtime, 0);
            let name = comps
                .iter()
                .map(|c| c.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let result = match comps.split_last() {
                None => nix::sys::stat::futimens(self.root_fd.as_raw_fd(), &t, &t),
                Some((last, parents)) => {
                    // A later entry may have replaced the directory; skip what is gone.
                    let Ok(parent) = self.walk(parents, false) else {
                        continue;
                    };
                    nix::sys::stat::utimensat(
                        Some(parent.as_raw_fd()),
                        last.as_os_str(),
                        &t,
                        &t,
                        UtimensatFlags::NoFollowSymlink,
                    )
                }
            };
            match result {
                Ok(()) | Err(Errno::ENOENT) => {}
                Err(e) => return Err(write_err(&name, "set the mtime")(e.into())),
            }
        }
        Ok(())
    }
}

trait FromVecLossless {
    fn from_vec_lossless(bytes: &[u8]) -> OsString;
}

impl FromVecLossless for OsString {
    fn from_vec_lossless(bytes: &[u8]) -> OsString {
        OsStr::from_bytes(bytes).to_os_string()
    }
}

fn open_dir(parent: &OwnedFd, name: &OsStr) -> io::Result<OwnedFd> {
    openat2(
        parent,
        Path::new(name),
        libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW,
        0,
        RESOLVE,
    )
}

fn classify(e: io::Error) -> WalkError {
    match e.raw_os_error() {
        Some(libc::ELOOP) => WalkError::Symlink,
        Some(libc::ENOTDIR) => WalkError::NotDir,
        Some(libc::ENOENT) => WalkError::Missing,
        Some(libc::EXDEV) => WalkError::Symlink,
        _ => WalkError::Io(e),
    }
}

fn walk_refusal(e: WalkError, name: &str) -> LayerError {
    let refused = |problem| LayerError::Refused {
        entry: name.to_string(),
        problem,
    };
    match e {
        WalkError::Symlink => refused(EntryProblem::ThroughSymlink),
        WalkError::NotDir | WalkError::Missing => refused(EntryProblem::ParentNotDir),
        WalkError::Io(source) => LayerError::Write {
            entry: name.to_string(),
            op: "open the parent directory",
            source,
        },
    }
}

fn write_err<'a>(entry: &'a str, op: &'static str) -> impl FnOnce(io::Error) -> LayerError + 'a {
    move |source| LayerError::Write {
        entry: entry.to_string(),
        op,
        source,
    }
}

fn chown_result(result: nix::Result<()>, name: &str, meta: &Meta) -> Result<(), LayerError> {
    match result {
        Ok(()) => Ok(()),
        Err(Errno::EINVAL) => Err(LayerError::Unmapped {
            entry: name.to_string(),
            uid: meta.uid,
            gid: meta.gid,
        }),
        Err(e) => Err(write_err(name, "set the owner")(e.into())),
    }
}

fn mknod(parent: &OwnedFd, name: &OsStr, kind: SFlag, perm: u32, dev: u64) -> io::Result<()> {
    nix::sys::stat::mknodat(
        Some(parent.as_raw_fd()),
        name,
        kind,
        Mode::from_bits_truncate(perm),
        dev,
    )
    .map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::blob::{chain_id, sha256_digest};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    /// A tar entry with a raw (unchecked) path, so hostile names can be built.
    fn raw_entry(
        b: &mut tar::Builder<Vec<u8>>,
        kind: tar::EntryType,
        path: &str,
        link: Option<&str>,
        mode: u32,
        data: &[u8],
    ) {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        {
            let name = &mut h.as_old_mut().name;
            name.fill(0);
            name[..path.len()].copy_from_slice(path.as_bytes());
        }
        if let Some(l) = link {
            let ln = &mut h.as_old_mut().linkname;
            ln.fill(0);
            ln[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_mode(mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(1_000_000);
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }

    fn build(f: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        f(&mut b);
        b.into_inner().unwrap()
    }

    /// Unpack into `<tmp>/root`; returns the tempdir, the result and the warnings.
    fn unpack_in_tmp(tar: &[u8]) -> (tempfile::TempDir, Result<u64, LayerError>, Vec<String>) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("root")).unwrap();
        let mut warnings = Vec::new();
        let r = unpack(tar, &tmp.path().join("root"), &mut |w| warnings.push(w));
        (tmp, r, warnings)
    }

    fn only_root_exists(tmp: &tempfile::TempDir) {
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [OsString::from("root")], "something escaped");
    }

    fn refused(r: Result<u64, LayerError>) -> (String, EntryProblem) {
        match r {
            Err(LayerError::Refused { entry, problem }) => (entry, problem),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    use tar::EntryType as T;

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path(b"./a//b/./c").unwrap(), ["a", "b", "c"]);
        assert!(clean_path(b"./").unwrap().is_empty());
        assert_eq!(clean_path(b"/etc/passwd"), Err(EntryProblem::Absolute));
        assert_eq!(clean_path(b"a/../../b"), Err(EntryProblem::Escapes));
        assert_eq!(
            clean_path(b"a/b.."),
            Ok(vec![OsStr::new("a"), OsStr::new("b..")])
        );
    }

    #[test]
    fn dotdot_is_refused() {
        let tar = build(|b| raw_entry(b, T::Regular, "../evil", None, 0o644, b"x"));
        let (tmp, r, _) = unpack_in_tmp(&tar);
        let err = r.unwrap_err();
        assert_eq!(
            err.to_string(),
            "layer entry `../evil`: path escapes the layer directory"
        );
        only_root_exists(&tmp);
    }

    #[test]
    fn absolute_is_refused() {
        let tar = build(|b| raw_entry(b, T::Regular, "/abs", None, 0o644, b"x"));
        let (tmp, r, _) = unpack_in_tmp(&tar);
        assert_eq!(refused(r), ("/abs".into(), EntryProblem::Absolute));
        only_root_exists(&tmp);
    }

    #[test]
    fn symlink_parent_is_refused() {
        let tar = build(|b| {
            raw_entry(b, T::Symlink, "link", Some(".."), 0o777, b"");
            raw_entry(b, T::Regular, "link/evil", None, 0o644, b"x");
        });
        let (tmp, r, _) = unpack_in_tmp(&tar);
        assert_eq!(
            refused(r),
            ("link/evil".into(), EntryProblem::ThroughSymlink)
        );
        only_root_exists(&tmp);
        // Even a symlink pointing inside is not followed.
        let tar = build(|b| {
            raw_entry(b, T::Directory, "d", None, 0o755, b"");
            raw_entry(b, T::Symlink, "l", Some("d"), 0o777, b"");
            raw_entry(b, T::Regular, "l/f", None, 0o644, b"x");
        });
        let (_tmp, r, _) = unpack_in_tmp(&tar);
        assert_eq!(refused(r).1, EntryProblem::ThroughSymlink);
    }

    #[test]
    fn hard_link_escapes_are_refused() {
        let tar = build(|b| raw_entry(b, T::Link, "h", Some("../outside"), 0o644, b""));
        let (tmp, r, _) = unpack_in_tmp(&tar);
        assert_eq!(
            refused(r),
            ("h".into(), EntryProblem::LinkEscapes("../outside".into()))
        );
        only_root_exists(&tmp);
        // Absolute, but climbing out of the root through `..`.
        let tar = build(|b| raw_entry(b, T::Link, "h", Some("/a/../../etc/passwd"), 0o644, b""));
        let (tmp, r, _) = unpack_in_tmp(&tar);
        assert!(matches!(refused(r).1, EntryProblem::LinkEscapes(_)));
        only_root_exists(&tmp);
        // Absolute: rooted in the layer, and `/etc/passwd` of the host is not it.
        let tar = build(|b| raw_entry(b, T::Link, "h", Some("/etc/passwd"), 0o644, b""));
        let (tmp, r, _) = unpack_in_tmp(&tar);
        assert_eq!(
            refused(r),
            ("h".into(), EntryProblem::LinkMissing("/etc/passwd".into()))
        );
        only_root_exists(&tmp);
        // Through a symlink to the outside.
        let tar = build(|b| {
            raw_entry(b, T::Symlink, "s", Some("/etc"), 0o777, b"");
            raw_entry(b, T::Link, "h", Some("s/passwd"), 0o644, b"");
        });
        let (tmp, r, _) = unpack_in_tmp(&tar);
        let (entry, problem) = refused(r);
        assert_eq!(entry, "h");
        assert_eq!(problem, EntryProblem::LinkThroughSymlink("s/passwd".into()));
        assert_eq!(
            LayerError::Refused { entry, problem }.to_string(),
            "layer entry `h`: hard link target `s/passwd` goes through a symlink"
        );
        only_root_exists(&tmp);
    }

    #[test]
    fn huge_extension_headers_are_refused_while_streaming() {
        // A GNU long name of 64 MiB, produced lazily: refused after the header, not buffered.
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(T::GNULongName);
        h.set_size(64 << 20);
        h.set_cksum();
        let stream = std::io::Read::chain(&h.as_bytes()[..], std::io::repeat(b'a'));
        let tmp = tempfile::tempdir().unwrap();
        let e = unpack(stream, tmp.path(), &mut |_| {}).unwrap_err();
        assert!(
            e.to_string().contains("extension") || format!("{e:?}").contains("extension"),
            "{e:?}"
        );
        // PAX headers too; a normal one (with a `size` record for the next entry) passes.
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(T::XHeader);
        h.set_size(2 << 20);
        h.set_cksum();
        let stream = std::io::Read::chain(&h.as_bytes()[..], std::io::repeat(b'a'));
        assert!(unpack(stream, tmp.path(), &mut |_| {}).is_err());
        let mut b = tar::Builder::new(Vec::new());
        let long = format!("d/{}/{}/f", "n".repeat(120), "m".repeat(120));
        let mut fh = tar::Header::new_gnu();
        fh.set_mode(0o644);
        fh.set_uid(0);
        fh.set_gid(0);
        fh.set_mtime(1);
        fh.set_size(5);
        b.append_data(&mut fh, &long, &b"hello"[..]).unwrap();
        let mut fh = tar::Header::new_ustar();
        fh.set_mode(0o644);
        fh.set_uid(0);
        fh.set_gid(0);
        fh.set_mtime(1);
        // The header says 9 bytes; the PAX `size` record (3) wins, as in the tar crate.
        fh.set_size(9);
        fh.set_entry_type(T::Regular);
        b.append_pax_extensions([("size", &b"3"[..]), ("path", &b"p/x"[..])])
            .unwrap();
        b.append_data(&mut fh, "ignored", &b"abc"[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let (tmp, r, _) = unpack_in_tmp(&tar);
        r.unwrap();
        assert_eq!(
            std::fs::read(tmp.path().join("root").join(&long)).unwrap(),
            b"hello"
        );
        assert_eq!(std::fs::read(tmp.path().join("root/p/x")).unwrap(), b"abc");
    }

    #[test]
    fn absolute_hard_link_targets_are_rooted_in_the_layer() {
        use std::os::unix::fs::MetadataExt;
        let tar = build(|b| {
            raw_entry(b, T::Directory, "usr/bin", None, 0o755, b"");
            raw_entry(b, T::Regular, "usr/bin/perlbug", None, 0o755, b"#!perl");
            raw_entry(
                b,
                T::Link,
                "usr/bin/perlthanks",
                Some("/usr/bin/perlbug"),
                0o755,
                b"",
            );
            raw_entry(
                b,
                T::Link,
                "usr/bin/dots",
                Some("/usr/./lib/../bin//perlbug"),
                0o755,
                b"",
            );
        });
        let (tmp, r, _) = unpack_in_tmp(&tar);
        r.unwrap();
        let a = std::fs::metadata(tmp.path().join("root/usr/bin/perlbug")).unwrap();
        let b = std::fs::metadata(tmp.path().join("root/usr/bin/perlthanks")).unwrap();
        let c = std::fs::metadata(tmp.path().join("root/usr/bin/dots")).unwrap();
        assert_eq!((a.ino(), a.nlink()), (b.ino(), 3));
        assert_eq!(a.ino(), c.ino());
        assert_eq!(
            clean_link_target(b"/..").unwrap_err(),
            EntryProblem::Escapes
        );
        assert_eq!(
            clean_link_target(b"a/../..").unwrap_err(),
            EntryProblem::Escapes
        );
        assert_eq!(clean_link_target(b"//a/./b/../c").unwrap(), ["a", "c"]);
    }

    #[test]
    fn regular_tree_with_modes_links_and_times() {
        let tar = build(|b| {
            raw_entry(b, T::Directory, "./", None, 0o755, b"");
            raw_entry(b, T::Directory, "bin", None, 0o755, b"");
            raw_entry(b, T::Regular, "bin/su", None, 0o4755, b"#!/bin/sh\n");
            raw_entry(b, T::Directory, "tmp", None, 0o1777, b"");
            raw_entry(b, T::Regular, "bin/sg", None, 0o2711, b"g");
            raw_entry(b, T::Link, "bin/su2", Some("bin/su"), 0o4755, b"");
            raw_entry(b, T::Symlink, "bin/sh", Some("busybox"), 0o777, b"");
            raw_entry(b, T::Fifo, "run/fifo", None, 0o640, b"");
            // No directory entry for `deep/er`: parents are created.
            raw_entry(b, T::Regular, "deep/er/file", None, 0o600, b"z");
        });
        let (tmp, r, w) = unpack_in_tmp(&tar);
        assert_eq!(r.unwrap(), 9);
        assert!(w.is_empty(), "{w:?}");
        let root = tmp.path().join("root");
        let su = std::fs::metadata(root.join("bin/su")).unwrap();
        assert_eq!(su.permissions().mode() & 0o7777, 0o4755);
        assert_eq!(su.mtime(), 1_000_000);
        assert_eq!(su.nlink(), 2);
        let sg = std::fs::metadata(root.join("bin/sg")).unwrap();
        assert_eq!(sg.permissions().mode() & 0o7777, 0o2711);
        let t = std::fs::metadata(root.join("tmp")).unwrap();
        assert_eq!(t.permissions().mode() & 0o7777, 0o1777);
        assert_eq!(t.mtime(), 1_000_000, "directory times are fixed up last");
        assert_eq!(std::fs::metadata(&root).unwrap().mtime(), 1_000_000);
        assert_eq!(
            std::fs::read_link(root.join("bin/sh")).unwrap(),
            Path::new("busybox")
        );
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::symlink_metadata(root.join("run/fifo"))
            .unwrap()
            .file_type()
            .is_fifo());
        assert_eq!(std::fs::read(root.join("deep/er/file")).unwrap(), b"z");
    }

    #[test]
    fn whiteouts_and_opaque_dirs() {
        let tar = build(|b| {
            raw_entry(b, T::Directory, "etc", None, 0o755, b"");
            raw_entry(b, T::Regular, "etc/.wh.gone", None, 0o644, b"");
            raw_entry(b, T::Directory, "var", None, 0o755, b"");
            raw_entry(b, T::Regular, "var/.wh..wh..opq", None, 0o644, b"");
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(T::Char);
            h.set_path("dev/null").unwrap();
            h.set_mode(0o666);
            h.set_uid(0);
            h.set_gid(0);
            h.set_mtime(0);
            h.set_device_major(1).unwrap();
            h.set_device_minor(3).unwrap();
            h.set_size(0);
            h.set_cksum();
            b.append(&h, &b""[..]).unwrap();
        });
        let (tmp, r, w) = unpack_in_tmp(&tar);
        r.unwrap();
        let root = tmp.path().join("root");
        use std::os::unix::fs::FileTypeExt;
        let wh = std::fs::symlink_metadata(root.join("etc/gone")).unwrap();
        assert!(wh.file_type().is_char_device());
        assert_eq!(wh.rdev(), 0);
        assert!(!root.join("etc/.wh.gone").exists());
        assert!(!root.join("var/.wh..wh..opq").exists());
        let var = std::fs::File::open(root.join("var")).unwrap();
        assert_eq!(
            crate::sys::fs::fgetxattr(&var, OsStr::new(OPAQUE_XATTR))
                .unwrap()
                .as_deref(),
            Some(&b"y"[..])
        );
        assert!(!root.join("dev/null").exists());
        assert_eq!(
            w,
            ["layer entry `dev/null`: device node skipped (cannot be created rootless)"]
        );
    }

    #[test]
    fn later_entries_replace_earlier_ones() {
        let tar = build(|b| {
            raw_entry(b, T::Regular, "f", None, 0o644, b"one");
            raw_entry(b, T::Regular, "f", None, 0o644, b"two");
            raw_entry(b, T::Directory, "d", None, 0o755, b"");
            raw_entry(b, T::Regular, "d/x", None, 0o644, b"");
            raw_entry(b, T::Symlink, "d", Some("/"), 0o777, b"");
        });
        let (tmp, r, _) = unpack_in_tmp(&tar);
        r.unwrap();
        let root = tmp.path().join("root");
        assert_eq!(std::fs::read(root.join("f")).unwrap(), b"two");
        assert!(std::fs::symlink_metadata(root.join("d"))
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn pax_xattrs_and_owner() {
        let mut b = tar::Builder::new(Vec::new());
        b.append_pax_extensions([
            ("SCHILY.xattr.user.berth", &b"v"[..]),
            ("uid", &b"1234"[..]),
            ("gid", &b"5678"[..]),
        ])
        .unwrap();
        raw_entry(&mut b, T::Regular, "f", None, 0o644, b"x");
        let tar = b.into_inner().unwrap();
        let (tmp, r, _) = unpack_in_tmp(&tar);
        r.unwrap();
        let path = tmp.path().join("root/f");
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678));
        let f = std::fs::File::open(&path).unwrap();
        assert_eq!(
            crate::sys::fs::fgetxattr(&f, OsStr::new("user.berth"))
                .unwrap()
                .as_deref(),
            Some(&b"v"[..])
        );
    }

    #[test]
    fn ingest_hashes_and_detects_compression() {
        let tar = build(|b| raw_entry(b, T::Regular, "a", None, 0o644, b"hello"));
        let diff = sha256_digest(&tar);
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&tar).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::stream::encode_all(&tar[..], 1).unwrap();
        for (blob, kind) in [
            (tar.clone(), Compression::None),
            (gz, Compression::Gzip),
            (zst, Compression::Zstd),
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let mut copy = Vec::new();
            let got = ingest(&blob[..], &mut copy, tmp.path(), &mut |_| {}).unwrap();
            assert_eq!(got.compression, kind);
            assert_eq!(got.diff_id, diff);
            assert_eq!(got.diff_size, tar.len() as u64);
            assert_eq!(got.blob_digest, sha256_digest(&blob));
            assert_eq!(got.blob_size, blob.len() as u64);
            assert_eq!(copy, blob, "the blob is kept byte for byte");
            assert_eq!(std::fs::read(tmp.path().join("a")).unwrap(), b"hello");
        }
    }

    #[test]
    fn garbage_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let r = ingest(&b""[..], &mut Vec::new(), tmp.path(), &mut |_| {});
        assert!(matches!(r, Err(LayerError::Empty)));
        let junk = vec![b'x'; 2000];
        let r = ingest(&junk[..], &mut Vec::new(), tmp.path(), &mut |_| {});
        assert!(matches!(r, Err(LayerError::Read { .. })), "{r:?}");
    }

    #[test]
    fn chain_ids() {
        let a = format!("sha256:{}", "a".repeat(64));
        let b = format!("sha256:{}", "b".repeat(64));
        assert_eq!(chain_id(None, &a), a);
        assert_eq!(
            chain_id(Some(&a), &b),
            sha256_digest(format!("{a} {b}").as_bytes())
        );
    }
}
