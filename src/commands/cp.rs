//! `berth cp`: copy files and directories between a container and the host, or a tar stream
//! (`-`) in or out. Runs in the session, with the container's rootfs open as a directory
//! (mounted for a stopped container). Every container path is resolved with openat2
//! `RESOLVE_IN_ROOT`, so a symlink in the container is resolved inside it and can never lead
//! out; the copy itself walks by descriptor and never follows a symlink.
//!
//! The placement rules are docker's: copying `SRC` onto an existing directory puts it inside
//! as `basename(SRC)` (or only its contents when `SRC` ends in `/.`); otherwise `DEST` names
//! the copy. Copied files belong to the destination's root (the user on the host side).

use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::cli::cp::CpArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::changes::{Archiver, TarMode};
use crate::sys::fs::{openat2, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS};
use crate::userns::session::SessionRequest;

/// One side of a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `-`: a tar stream on stdin or stdout.
    Stream,
    Host(PathBuf),
    Container {
        container: String,
        path: String,
    },
}

impl Location {
    /// docker's rule: `NAME:PATH` is a container path unless the part before the colon
    /// looks like a path itself (`./a:b`, `/x:y`).
    pub fn parse(text: &str) -> Location {
        if text == "-" {
            return Location::Stream;
        }
        match text.split_once(':') {
            Some((name, path))
                if !name.is_empty() && !name.contains('/') && !name.starts_with('.') =>
            {
                Location::Container {
                    container: name.to_string(),
                    path: path.to_string(),
                }
            }
            _ => Location::Host(PathBuf::from(text)),
        }
    }
}

/// Which way a copy goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    /// From the container to a host path or stdout (`dest: None`).
    Out {
        container: String,
        path: String,
        dest: Option<PathBuf>,
    },
    /// From a host path or stdin (`source: None`) into the container.
    In {
        source: Option<PathBuf>,
        container: String,
        path: String,
    },
}

impl Direction {
    /// Validate the two sides before the session starts.
    pub fn from_args(args: &CpArgs) -> Result<Direction> {
        let usage = |why: &str| {
            Error::msg(format!(
                "invalid copy `{}` -> `{}`: {why}",
                args.source, args.dest
            ))
        };
        match (Location::parse(&args.source), Location::parse(&args.dest)) {
            (Location::Container { container, path }, dest) => Ok(Direction::Out {
                container,
                path: non_empty(path),
                dest: match dest {
                    Location::Stream => None,
                    Location::Host(p) => Some(p),
                    Location::Container { .. } => {
                        return Err(usage("copying between containers is not supported"))
                    }
                },
            }),
            (source, Location::Container { container, path }) => Ok(Direction::In {
                source: match source {
                    Location::Stream => None,
                    Location::Host(p) => Some(p),
                    Location::Container { .. } => unreachable!("matched above"),
                },
                container,
                path: non_empty(path),
            }),
            (Location::Stream, Location::Stream) => {
                Err(usage("one side must be a container path (CONTAINER:PATH)"))
            }
            _ => Err(usage("one side must be a container path (CONTAINER:PATH)")),
        }
    }
}

fn non_empty(path: String) -> String {
    if path.is_empty() {
        "/".into()
    } else {
        path
    }
}

/// A source path split for archiving: where it is, and whether only its contents are
/// copied (`SRC/.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// The parent directory.
    pub parent: PathBuf,
    /// The last component; `None` for the root.
    pub name: Option<OsString>,
    pub contents_only: bool,
}

/// Split a source path. `a/b/.` copies b's contents; trailing slashes are ignored.
pub fn split_source(path: &Path) -> SourceSpec {
    let bytes = path.as_os_str().as_bytes();
    let contents_only = bytes.ends_with(b"/.") || bytes == b".";
    let mut comps: Vec<&OsStr> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n),
            std::path::Component::ParentDir => Some(OsStr::new("..")),
            _ => None,
        })
        .collect();
    let absolute = path.is_absolute();
    let name = comps.pop().map(OsStr::to_os_string);
    let mut parent = if absolute {
        PathBuf::from("/")
    } else {
        PathBuf::from(".")
    };
    parent.extend(comps);
    // `..` as the last component is a directory to copy whole, reached through itself.
    match name {
        Some(n) if n == ".." => SourceSpec {
            parent: parent.join(".."),
            name: None,
            contents_only,
        },
        name => SourceSpec {
            parent,
            name,
            contents_only,
        },
    }
}

/// P0's half of `berth cp`: check the arguments; copy from here after joining a running
/// container's namespaces, or hand the copy to a session.
pub fn host_half(args: CpArgs) -> Result<Option<SessionRequest>> {
    let direction = Direction::from_args(&args)?;
    let container = match &direction {
        Direction::Out { container, .. } | Direction::In { container, .. } => container,
    };
    if !super::container::join_running(container)? {
        return Ok(Some(SessionRequest::same_command_line()));
    }
    copy(direction).map(|()| None)
}

/// The session's half of `berth cp`: the container is stopped, its rootfs mounted here.
pub fn in_session(args: &CpArgs) -> Result<()> {
    copy(Direction::from_args(args)?)
}

/// Copy, with the container's rootfs reachable from this process.
fn copy(direction: Direction) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    match direction {
        Direction::Out {
            container,
            path,
            dest,
        } => copy_out(&paths, &container, &path, dest.as_deref()),
        Direction::In {
            source,
            container,
            path,
        } => copy_in(&paths, source.as_deref(), &container, &path),
    }
}

const IN_ROOT: u64 = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

/// Open a directory inside the container root, symlinks resolved inside it.
fn open_in_root(root: BorrowedFd<'_>, path: &Path) -> std::io::Result<OwnedFd> {
    openat2(root, path, libc::O_PATH | libc::O_DIRECTORY, 0, IN_ROOT)
}

fn is_dir_at(parent: BorrowedFd<'_>, name: &OsStr) -> Option<bool> {
    nix::sys::stat::fstatat(
        Some(parent.as_raw_fd()),
        name,
        nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
    )
    .ok()
    .map(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR)
}

/// An unnamed temporary file to hold a tar stream between reading and extracting.
fn spool(paths: &Paths) -> Result<std::fs::File> {
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(&paths.runtime)
        .with_context(|| format!("create a temporary file in `{}`", paths.runtime.display()))
}

/// Archive `spec` (resolved under `root`) into `out`, its top entry named `top` (or its
/// contents at the top when `top` is empty).
fn archive(
    root: BorrowedFd<'_>,
    in_root: bool,
    spec: &SourceSpec,
    top: &Path,
    out: impl Write,
    shown: &str,
) -> Result<()> {
    let what = || format!("copy `{shown}`");
    let parent = if in_root {
        open_in_root(root, &spec.parent)
    } else {
        openat2(root, &spec.parent, libc::O_PATH | libc::O_DIRECTORY, 0, 0)
    }
    .with_context(what)?;
    let mut archiver = Archiver::new(out, TarMode::Plain).with_owner(0, 0);
    let name: &OsStr = spec.name.as_deref().unwrap_or(OsStr::new("."));
    if is_dir_at(parent.as_fd(), name).is_none() {
        return Err(Error::msg(format!(
            "copy `{shown}`: no such file or directory"
        )));
    }
    if spec.contents_only || top.as_os_str().is_empty() {
        let dir = openat2(
            parent.as_fd(),
            Path::new(name),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW,
            0,
            crate::sys::fs::RESOLVE_BENEATH | crate::sys::fs::RESOLVE_NO_SYMLINKS,
        )
        .with_context(what)?;
        archiver
            .add_contents(dir.as_fd(), top, Path::new(shown))
            .with_context(what)?;
    } else {
        archiver
            .add_entry(parent.as_fd(), name, top, Path::new(shown))
            .with_context(what)?;
    }
    archiver.finish().with_context(what)?;
    Ok(())
}

/// Where a copy lands: the directory to extract into and the name of the top entry (empty:
/// the source's contents go straight into the directory).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    dir: PathBuf,
    top: PathBuf,
}

/// docker's placement rules. `dest_is_dir`: `Some(true)` an existing directory,
/// `Some(false)` an existing non-directory, `None` nothing there.
fn place(
    source: &SourceSpec,
    source_is_dir: bool,
    dest: &Path,
    dest_is_dir: Option<bool>,
) -> std::result::Result<Target, &'static str> {
    let source_name = source.name.clone().map_or_else(PathBuf::new, PathBuf::from);
    let dest_bytes = dest.as_os_str().as_bytes();
    match dest_is_dir {
        Some(true) => Ok(Target {
            dir: dest.to_path_buf(),
            top: if source.contents_only {
                PathBuf::new()
            } else {
                source_name
            },
        }),
        Some(false) if source_is_dir => Err("cannot copy a directory onto a file"),
        None if dest_bytes.ends_with(b"/") && !source_is_dir => {
            Err("the destination directory does not exist")
        }
        _ => {
            let spec = split_source(dest);
            match spec.name {
                Some(name) if !spec.contents_only => Ok(Target {
                    dir: spec.parent,
                    top: PathBuf::from(name),
                }),
                _ => Err("invalid destination"),
            }
        }
    }
}

fn copy_out(paths: &Paths, container: &str, path: &str, dest: Option<&Path>) -> Result<()> {
    let ctr = super::container::find(paths, container)?;
    let rootfs = super::container::open_rootfs(paths, &ctr)?;
    let shown = format!("{container}:{path}");
    let spec = split_source(Path::new(path));
    let Some(dest) = dest else {
        let top = spec.name.clone().map_or_else(PathBuf::new, PathBuf::from);
        let top = if spec.contents_only {
            PathBuf::new()
        } else {
            top
        };
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        archive(rootfs.fd.as_fd(), true, &spec, &top, &mut out, &shown)?;
        return out.flush().context("write the archive");
    };
    let source_is_dir = {
        let parent = open_in_root(rootfs.fd.as_fd(), &spec.parent)
            .with_context(|| format!("copy `{shown}`"))?;
        is_dir_at(
            parent.as_fd(),
            spec.name.as_deref().unwrap_or(OsStr::new(".")),
        )
        .ok_or_else(|| Error::msg(format!("copy `{shown}`: no such file or directory")))?
    };
    let dest_is_dir = std::fs::metadata(dest).ok().map(|m| m.is_dir());
    let target = place(&spec, source_is_dir, dest, dest_is_dir)
        .map_err(|why| Error::msg(format!("copy to `{}`: {why}", dest.display())))?;
    let mut tar = spool(paths)?;
    archive(
        rootfs.fd.as_fd(),
        true,
        &spec,
        &target.top,
        &mut tar,
        &shown,
    )?;
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    extract(tar, &target.dir, &dest.display().to_string())
}

fn copy_in(paths: &Paths, source: Option<&Path>, container: &str, path: &str) -> Result<()> {
    let ctr = super::container::find(paths, container)?;
    let rootfs = super::container::open_rootfs(paths, &ctr)?;
    let shown_dest = format!("{container}:{path}");
    let dest = Path::new(path);
    let dest_is_dir = match open_in_root(rootfs.fd.as_fd(), dest) {
        Ok(_) => Some(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => Some(false),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => None,
        Err(e) => return Err(e).with_context(|| format!("copy to `{shown_dest}`")),
    };
    let Some(source) = source else {
        // A tar stream goes into an existing directory.
        if dest_is_dir != Some(true) {
            return Err(Error::msg(format!(
                "copy to `{shown_dest}`: the destination must be an existing directory"
            )));
        }
        let dir = open_in_root(rootfs.fd.as_fd(), dest)
            .with_context(|| format!("copy to `{shown_dest}`"))?;
        return extract(std::io::stdin().lock(), &fd_path(&dir), &shown_dest);
    };
    let spec = split_source(source);
    let cwd = std::fs::File::open(".").context("open the current directory")?;
    let source_is_dir = std::fs::symlink_metadata(source)
        .with_context(|| format!("copy `{}`", source.display()))?
        .is_dir();
    let target = place(&spec, source_is_dir, dest, dest_is_dir)
        .map_err(|why| Error::msg(format!("copy to `{shown_dest}`: {why}")))?;
    let dir = open_in_root(rootfs.fd.as_fd(), &target.dir)
        .with_context(|| format!("copy to `{shown_dest}`"))?;
    let mut tar = spool(paths)?;
    archive(
        cwd.as_fd(),
        false,
        &spec,
        &target.top,
        &mut tar,
        &source.display().to_string(),
    )?;
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    extract(tar, &fd_path(&dir), &shown_dest)
}

/// The `/proc/self/fd` path of a descriptor: extraction opens the very directory that was
/// resolved inside the container, whatever happens to its path meanwhile.
fn fd_path(fd: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

fn extract(tar: impl Read, dir: &Path, shown: &str) -> Result<()> {
    let mut warn = |msg: String| crate::config::global::warn(msg);
    crate::storage::layer::unpack(tar, dir, &mut warn)
        .with_context(|| format!("copy to `{shown}`"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(source: &str, dest: &str) -> Result<Direction> {
        Direction::from_args(&CpArgs {
            source: source.into(),
            dest: dest.into(),
        })
    }

    #[test]
    fn sides_are_parsed() {
        assert_eq!(
            cp("web:/etc/passwd", "out").unwrap(),
            Direction::Out {
                container: "web".into(),
                path: "/etc/passwd".into(),
                dest: Some("out".into())
            }
        );
        assert_eq!(
            cp("-", "web:").unwrap(),
            Direction::In {
                source: None,
                container: "web".into(),
                path: "/".into()
            }
        );
        assert_eq!(Location::parse("./a:b"), Location::Host("./a:b".into()));
        assert_eq!(Location::parse("/x:y"), Location::Host("/x:y".into()));
        assert!(cp("a", "b").is_err());
        assert!(cp("-", "-").is_err());
        assert!(cp("a:/x", "b:/y").is_err());
    }

    #[test]
    fn sources_are_split() {
        let s = split_source(Path::new("/etc/passwd"));
        assert_eq!(s.parent, Path::new("/etc"));
        assert_eq!(s.name.as_deref(), Some(OsStr::new("passwd")));
        assert!(!s.contents_only);
        let s = split_source(Path::new("/etc/."));
        assert_eq!(s.name.as_deref(), Some(OsStr::new("etc")));
        assert!(s.contents_only);
        let s = split_source(Path::new("/"));
        assert_eq!(s.name, None);
        let s = split_source(Path::new("dir/"));
        assert_eq!(s.parent, Path::new("."));
        assert_eq!(s.name.as_deref(), Some(OsStr::new("dir")));
    }

    #[test]
    fn placement_follows_docker() {
        let file = split_source(Path::new("/etc/passwd"));
        let dir = split_source(Path::new("/etc"));
        let contents = split_source(Path::new("/etc/."));
        let t = place(&file, false, Path::new("/tmp"), Some(true)).unwrap();
        assert_eq!(
            (t.dir.as_path(), t.top.as_path()),
            (Path::new("/tmp"), Path::new("passwd"))
        );
        let t = place(&file, false, Path::new("/tmp/x"), None).unwrap();
        assert_eq!(
            (t.dir.as_path(), t.top.as_path()),
            (Path::new("/tmp"), Path::new("x"))
        );
        let t = place(&file, false, Path::new("/tmp/x"), Some(false)).unwrap();
        assert_eq!(t.top, Path::new("x"));
        assert!(place(&file, false, Path::new("/tmp/x/"), None).is_err());
        assert!(place(&dir, true, Path::new("/tmp/f"), Some(false)).is_err());
        let t = place(&dir, true, Path::new("/tmp/new"), None).unwrap();
        assert_eq!(t.top, Path::new("new"));
        let t = place(&contents, true, Path::new("/tmp"), Some(true)).unwrap();
        assert_eq!(t.top, Path::new(""));
    }
}
