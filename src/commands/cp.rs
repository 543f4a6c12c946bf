//! `berth cp`: copy files and directories between a container and the host, or a tar stream
//! (`-`) in or out. Runs in the session, with the container's rootfs open as a directory
//! (a running container's through its init's `/proc/PID/root`, so its tmpfs and volumes are
//! seen; a stopped one's mounted, with its volumes bound on it). Relative container paths
//! are relative to its working directory. Every container path is resolved with openat2
//! `RESOLVE_IN_ROOT`, so a symlink in the container is resolved inside it and can never lead
//! out; the copy itself walks by descriptor and never follows a symlink.
//!
//! The placement rules are docker's: copying `SRC` onto an existing directory puts it inside
//! as `basename(SRC)` (or only its contents when `SRC` ends in `/.`); otherwise `DEST` names
//! the copy. With `-a` (the default) copied files belong to the destination's user (the
//! container's, or the calling user on the host); `-a=false` keeps the source's owners.

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

/// The environment variable through which P0 tells the receiving half of a copy between
/// containers what the tar stream on its stdin holds: the source path as given. The
/// stream is then placed by the rules of a path copy (named after the destination when
/// that does not exist), not extracted into the destination as a `-` stream is.
const STREAM_SOURCE_ENV: &str = "BERTH_CP_STREAM_SOURCE";

/// What `-a` and `--overwrite` asked for.
#[derive(Debug, Clone, Copy)]
struct Options {
    archive: bool,
    overwrite: bool,
}

/// P0's half of `berth cp`: check the arguments; copy from here after joining a running
/// container's namespaces, or hand the copy to a session. A copy between two containers
/// runs as two copies through a tar stream, each of which reaches its own container.
pub fn host_half(args: CpArgs) -> Result<Option<SessionRequest>> {
    if let Some((from, to)) = between(&args)? {
        return copy_between(&args, &from, &to).map(|()| None);
    }
    let direction = Direction::from_args(&args)?;
    let container = match &direction {
        Direction::Out { container, .. } | Direction::In { container, .. } => container,
    };
    if !super::container::join_running(container)? {
        return Ok(Some(SessionRequest::same_command_line()));
    }
    copy(direction, opts(&args)).map(|()| None)
}

/// The session's half of `berth cp`: the container is stopped, its rootfs mounted here.
pub fn in_session(args: &CpArgs) -> Result<()> {
    copy(Direction::from_args(args)?, opts(args))
}

fn opts(args: &CpArgs) -> Options {
    Options {
        archive: args.archive,
        overwrite: args.overwrite,
    }
}

/// Both sides in containers: `Some((source container, dest container))`.
fn between(args: &CpArgs) -> Result<Option<(String, String)>> {
    match (Location::parse(&args.source), Location::parse(&args.dest)) {
        (Location::Container { container: a, .. }, Location::Container { container: b, .. }) => {
            Ok(Some((a, b)))
        }
        _ => Ok(None),
    }
}

/// `cp A:SRC B:DEST`: `berth cp A:SRC -` into a spool file, then `berth cp - B:DEST` from
/// it, told (by [`STREAM_SOURCE_ENV`]) to place the stream as SRC would be placed.
fn copy_between(args: &CpArgs, from: &str, to: &str) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    // Both containers must exist before anything runs.
    super::container::find(&paths, from)?;
    super::container::find(&paths, to)?;
    let exe = std::env::current_exe().context("find berth's own executable")?;
    let mut tar = spool(&paths)?;
    let out = tar.try_clone().context("duplicate the spool file")?;
    let status = std::process::Command::new(&exe)
        .arg("cp")
        .arg(format!("--archive={}", args.archive))
        .arg(&args.source)
        .arg("-")
        .stdout(out)
        .status()
        .with_context(|| format!("run `{}`", exe.display()))?;
    if !status.success() {
        return Err(Error::Exit(status.code().unwrap_or(125)));
    }
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    let source_path = match Location::parse(&args.source) {
        Location::Container { path, .. } => non_empty(path),
        _ => unreachable!("checked by the caller"),
    };
    let mut cmd = std::process::Command::new(&exe);
    cmd.arg("cp").arg(format!("--archive={}", args.archive));
    if args.overwrite {
        cmd.arg("--overwrite");
    }
    let status = cmd
        .arg("-")
        .arg(&args.dest)
        .env(STREAM_SOURCE_ENV, source_path)
        .stdin(tar)
        .status()
        .with_context(|| format!("run `{}`", exe.display()))?;
    if !status.success() {
        return Err(Error::Exit(status.code().unwrap_or(125)));
    }
    let _ = to;
    Ok(())
}

/// Copy, with the container's rootfs reachable from this process.
fn copy(direction: Direction, opts: Options) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    match direction {
        Direction::Out {
            container,
            path,
            dest,
        } => copy_out(&paths, &container, &path, dest.as_deref(), opts),
        Direction::In {
            source,
            container,
            path,
        } => copy_in(&paths, source.as_deref(), &container, &path, opts),
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

/// A container's filesystem as its processes see it, open as a directory, with what a
/// copy into it needs to know.
struct CtrRoot {
    root: OwnedFd,
    /// The container as the user named it, for messages.
    name: String,
    workdir: String,
    /// Who owns what `-a` copies in: the container's user.
    owner: (u64, u64),
    /// A stopped container's volumes and host mounts whose targets are missing from its
    /// rootfs (so they could not be bound on it): a target and its source directory.
    unbound: Vec<(String, OwnedFd)>,
    /// A stopped container's mounted rootfs (unmounted, with the volumes bound on it, when
    /// dropped).
    _rootfs: Option<super::container::Rootfs>,
}

impl CtrRoot {
    /// A path in the container: relative ones are relative to its working directory.
    fn path(&self, path: &str) -> String {
        if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.workdir.trim_end_matches('/'))
        }
    }

    /// Where an absolute container `path` is: on a volume not bound on the rootfs (its
    /// directory and the path inside it), or in the rootfs.
    fn route(&self, path: &str) -> (BorrowedFd<'_>, String) {
        let comps = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .map(str::to_string)
                .collect()
        };
        let pc = comps(path);
        if pc.iter().any(|c| c == "..") {
            return (self.root.as_fd(), path.to_string());
        }
        let mut best: Option<(usize, &OwnedFd)> = None;
        for (target, fd) in &self.unbound {
            let tc = comps(target);
            if pc.len() >= tc.len()
                && pc[..tc.len()] == tc[..]
                && best.is_none_or(|(n, _)| tc.len() > n)
            {
                best = Some((tc.len(), fd));
            }
        }
        let Some((n, fd)) = best else {
            return (self.root.as_fd(), path.to_string());
        };
        let suffix = if path.ends_with("/.") {
            "/."
        } else if path.ends_with('/') {
            "/"
        } else {
            ""
        };
        let rest = pc[n..].join("/");
        let routed = if rest.is_empty() {
            if suffix == "/." {
                "/.".to_string()
            } else {
                "/".to_string()
            }
        } else {
            format!("/{rest}{suffix}")
        };
        (fd.as_fd(), routed)
    }

    fn not_found(&self, shown: &str) -> Error {
        Error::msg(format!(
            "\"{shown}\" could not be found on container {}: no such file or directory",
            self.name
        ))
    }
}

/// Open container `key`: a running one through its init's `/proc/PID/root` (so its tmpfs
/// and volume mounts are seen as the container sees them), a stopped one by mounting its
/// rootfs here and binding its volumes and host mounts onto it.
fn open_ctr(paths: &Paths, key: &str) -> Result<CtrRoot> {
    let ctr = super::container::find(paths, key)?;
    let state = ctr
        .state()
        .with_context(|| format!("read the state of container `{}`", ctr.config.name))?;
    let store = crate::storage::Store::open(paths).context("open the store")?;
    let image: serde_json::Value = std::fs::read(
        store
            .images_dir()
            .join(&ctr.config.image_id)
            .join("config.json"),
    )
    .ok()
    .and_then(|b| serde_json::from_slice(&b).ok())
    .unwrap_or(serde_json::Value::Null);
    let ic = &image["config"];
    let o = &ctr.config.options;
    let workdir = o
        .workdir
        .clone()
        .or_else(|| ic["WorkingDir"].as_str().map(str::to_string))
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| "/".into());
    let mut rootfs = None;
    let mut unbound = Vec::new();
    let root = match running_root(&state) {
        Some(fd) => fd,
        None => {
            let r = super::container::open_rootfs(paths, &ctr)?;
            let fd =
                r.fd.try_clone()
                    .context("duplicate the rootfs descriptor")?;
            unbound = bind_volumes(&store, &ctr, fd.as_fd())?;
            rootfs = Some(r);
            fd
        }
    };
    let owner = if o.userns == crate::spec::UsernsMode::KeepId {
        // The user's own id inside is root of the session namespace berth runs in.
        (0, 0)
    } else {
        let spec = o
            .user
            .clone()
            .or_else(|| ic["User"].as_str().and_then(crate::spec::UserSpec::parse));
        let dir = fd_path(&root);
        let read = |p: &str| {
            crate::sys::fs::read_regular_in_root(&dir, Path::new(p), 1 << 20)
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        let (passwd, group) = (read("/etc/passwd"), read("/etc/group"));
        crate::run::user::resolve(spec.as_ref(), passwd.as_deref(), group.as_deref())
            .map_or((0, 0), |r| (u64::from(r.uid), u64::from(r.gid)))
    };
    Ok(CtrRoot {
        root,
        name: key.to_string(),
        workdir,
        owner,
        unbound,
        _rootfs: rootfs,
    })
}

/// A running container's root as its init sees it, when this process may look there
/// (after [`super::container::join_running`]).
fn running_root(state: &crate::storage::container::ContainerState) -> Option<OwnedFd> {
    if !state.is_alive() {
        return None;
    }
    let pid = state.pid?;
    let fd: OwnedFd = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
        .open(format!("/proc/{pid}/root"))
        .ok()?
        .into();
    // Checked after opening, so a reused pid is never entered.
    (crate::storage::container::process_start_time(pid) == state.pid_start).then_some(fd)
}

/// Bind a stopped container's volumes and host mounts onto its rootfs, as they will be when
/// it runs, so that a copy to a path on one lands in it. A target missing from the rootfs
/// is not created (the container creates it when it starts): such a mount is returned, with
/// its source open, for [`CtrRoot::route`].
fn bind_volumes(
    store: &crate::storage::Store,
    ctr: &crate::storage::container::Container,
    root: BorrowedFd<'_>,
) -> Result<Vec<(String, OwnedFd)>> {
    let mut unbound = Vec::new();
    let o = &ctr.config.options;
    let volumes_dir = crate::storage::volume::volumes_dir(store.root());
    let mut binds: Vec<(PathBuf, &str)> = o
        .volumes
        .iter()
        .filter(|v| v.source.is_dir())
        .map(|v| (v.source.clone(), v.target.as_str()))
        .chain(o.named_volumes.iter().map(|v| {
            (
                crate::storage::volume::data_dir(&volumes_dir, &v.name),
                v.target.as_str(),
            )
        }))
        .collect();
    binds.sort_by_key(|(_, t)| t.split('/').filter(|c| !c.is_empty()).count());
    for (source, target) in binds {
        let Ok(at) = open_in_root(root, Path::new(target)) else {
            if let Ok(dir) = std::fs::File::open(&source) {
                unbound.push((target.to_string(), OwnedFd::from(dir)));
            }
            continue;
        };
        nix::mount::mount(
            Some(&source),
            &fd_path(&at),
            None::<&str>,
            nix::mount::MsFlags::MS_BIND | nix::mount::MsFlags::MS_REC,
            None::<&str>,
        )
        .map_err(std::io::Error::from)
        .with_context(|| {
            format!(
                "bind `{}` on `{target}` in the rootfs of container `{}`",
                source.display(),
                ctr.config.name
            )
        })?;
    }
    Ok(unbound)
}

/// Resolve the source `spec` inside `root`, following a symlink in its last component (as
/// podman does) inside the container: the parent directory and the name to archive, or
/// `None` when nothing is there.
fn resolve_source(root: BorrowedFd<'_>, spec: &SourceSpec) -> Option<(OwnedFd, OsString)> {
    let mut spec = spec.clone();
    for _ in 0..40 {
        let parent = open_in_root(root, &spec.parent).ok()?;
        let Some(name) = spec.name.clone() else {
            return Some((parent, OsString::from(".")));
        };
        let st = nix::sys::stat::fstatat(
            Some(parent.as_raw_fd()),
            name.as_os_str(),
            nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW,
        )
        .ok()?;
        if st.st_mode & libc::S_IFMT != libc::S_IFLNK {
            return Some((parent, name));
        }
        let target = nix::fcntl::readlinkat(Some(parent.as_raw_fd()), name.as_os_str()).ok()?;
        let next = spec.parent.join(target);
        spec = split_source(&next);
    }
    None
}

/// A destination whose last component is a symlink in the container names the symlink's
/// target (podman writes through a dangling link rather than replacing it). `DEST/`
/// and paths that are not symlinks are kept as they are.
fn follow_dest_link(root: BorrowedFd<'_>, path: &str) -> String {
    if path.ends_with('/') || path.ends_with("/.") {
        return path.to_string();
    }
    let mut current = PathBuf::from(path);
    for _ in 0..40 {
        let spec = split_source(&current);
        let Some(name) = spec.name else { break };
        let Ok(parent) = open_in_root(root, &spec.parent) else {
            break;
        };
        match nix::fcntl::readlinkat(Some(parent.as_raw_fd()), name.as_os_str()) {
            Ok(target) => current = spec.parent.join(target),
            Err(_) => break,
        }
    }
    current.to_string_lossy().into_owned()
}

/// Archive `name` under `parent` into `out`, its top entry named `top` (or its contents at
/// the top when `top` is empty).
fn archive(
    parent: BorrowedFd<'_>,
    name: &OsStr,
    contents_only: bool,
    top: &Path,
    owner: Option<(u64, u64)>,
    out: impl Write,
    shown: &str,
) -> Result<()> {
    let what = || format!("copy `{shown}`");
    let mut archiver = Archiver::new(out, TarMode::Plain);
    if let Some((uid, gid)) = owner {
        archiver = archiver.with_owner(uid, gid);
    }
    if contents_only || top.as_os_str().is_empty() {
        let dir = openat2(
            parent,
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
            .add_entry(parent, name, top, Path::new(shown))
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

/// Why a copy cannot be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlaceError {
    /// A directory onto an existing non-directory.
    DirOntoFile,
    /// `DEST/` names a directory that is not there.
    NoDestDir,
    Invalid,
}

/// docker's placement rules. `dest_is_dir`: `Some(true)` an existing directory,
/// `Some(false)` an existing non-directory, `None` nothing there.
fn place(
    source: &SourceSpec,
    source_is_dir: bool,
    dest: &Path,
    dest_is_dir: Option<bool>,
) -> std::result::Result<Target, PlaceError> {
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
        Some(false) if source_is_dir => Err(PlaceError::DirOntoFile),
        Some(false) if dest_bytes.ends_with(b"/") || dest_bytes.ends_with(b"/.") => {
            Err(PlaceError::NoDestDir)
        }
        None if (dest_bytes.ends_with(b"/") || dest_bytes.ends_with(b"/.")) && !source_is_dir => {
            Err(PlaceError::NoDestDir)
        }
        _ => {
            let spec = split_source(dest);
            match spec.name {
                Some(name) if name != ".." => Ok(Target {
                    dir: spec.parent,
                    top: PathBuf::from(name),
                }),
                _ => Err(PlaceError::Invalid),
            }
        }
    }
}

const DIR_ONTO_FILE: &str = "destination must be a directory when copying a directory";

fn copy_out(
    paths: &Paths,
    container: &str,
    path: &str,
    dest: Option<&Path>,
    opts: Options,
) -> Result<()> {
    let ctr = open_ctr(paths, container)?;
    let shown = format!("{container}:{path}");
    let spec = split_source(Path::new(&ctr.path(path)));
    let owner = opts.archive.then_some((0, 0));
    let (parent, name) =
        resolve_source(ctr.root.as_fd(), &spec).ok_or_else(|| ctr.not_found(path))?;
    let source_is_dir = is_dir_at(parent.as_fd(), &name).ok_or_else(|| ctr.not_found(path))?;
    let Some(dest) = dest else {
        let top = if spec.contents_only {
            PathBuf::new()
        } else {
            spec.name.clone().map_or_else(PathBuf::new, PathBuf::from)
        };
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        archive(
            parent.as_fd(),
            &name,
            spec.contents_only,
            &top,
            owner,
            &mut out,
            &shown,
        )?;
        return out.flush().context("write the archive");
    };
    let dest_meta = std::fs::metadata(dest).ok();
    if let Some(m) = &dest_meta {
        if !m.is_dir() && !m.is_file() {
            return Err(Error::msg(format!(
                "invalid destination: \"{}\" must be a directory or a regular file",
                dest.display()
            )));
        }
    }
    let dest_is_dir = dest_meta.map(|m| m.is_dir());
    let target = place(&spec, source_is_dir, dest, dest_is_dir).map_err(|why| match why {
        PlaceError::DirOntoFile => Error::msg(DIR_ONTO_FILE),
        PlaceError::NoDestDir | PlaceError::Invalid => Error::msg(format!(
            "\"{}\" could not be found on the host: no such file or directory",
            dest.display()
        )),
    })?;
    let mut tar = spool(paths)?;
    archive(
        parent.as_fd(),
        &name,
        spec.contents_only,
        &target.top,
        owner,
        &mut tar,
        &shown,
    )?;
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    let dir = std::fs::File::open(&target.dir).map_err(|_| {
        Error::msg(format!(
            "\"{}\" could not be found on the host: no such file or directory",
            target.dir.display()
        ))
    })?;
    let dir = OwnedFd::from(dir);
    check_overwrite(&mut tar, dir.as_fd(), Path::new("/"), opts.overwrite)?;
    extract(tar, &fd_path(&dir), &dest.display().to_string())
}

fn copy_in(
    paths: &Paths,
    source: Option<&Path>,
    container: &str,
    path: &str,
    opts: Options,
) -> Result<()> {
    let ctr = open_ctr(paths, container)?;
    let shown_dest = format!("{container}:{path}");
    let (root, full) = ctr.route(&ctr.path(path));
    let full = follow_dest_link(root, &full);
    let dest = Path::new(&full);
    let dest_is_dir = match open_in_root(root, dest) {
        Ok(_) => Some(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => Some(false),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => None,
        Err(e) => return Err(e).with_context(|| format!("copy to `{shown_dest}`")),
    };
    let owner = opts.archive.then_some(ctr.owner);
    let Some(source) = source else {
        return copy_stream_in(paths, &ctr, root, dest, dest_is_dir, path, opts);
    };
    let meta = std::fs::symlink_metadata(source).map_err(|_| host_not_found(source))?;
    // A symlink named on the command line is followed, as podman does.
    let real = if meta.file_type().is_symlink() {
        std::fs::canonicalize(source).map_err(|_| host_not_found(source))?
    } else {
        source.to_path_buf()
    };
    let spec = split_source(source);
    let real_spec = split_source(&real);
    let source_is_dir = std::fs::metadata(&real)
        .map_err(|_| host_not_found(source))?
        .is_dir();
    let target = place(&spec, source_is_dir, dest, dest_is_dir).map_err(|why| match why {
        PlaceError::DirOntoFile => Error::msg(DIR_ONTO_FILE),
        PlaceError::NoDestDir | PlaceError::Invalid => ctr.not_found(path),
    })?;
    let dir = open_in_root(root, &target.dir).map_err(|_| ctr.not_found(path))?;
    let cwd = std::fs::File::open(".").context("open the current directory")?;
    let parent = openat2(
        cwd.as_fd(),
        &real_spec.parent,
        libc::O_PATH | libc::O_DIRECTORY,
        0,
        0,
    )
    .map_err(|_| host_not_found(source))?;
    let name = real_spec
        .name
        .clone()
        .unwrap_or_else(|| OsString::from("."));
    let mut tar = spool(paths)?;
    archive(
        parent.as_fd(),
        &name,
        spec.contents_only,
        &target.top,
        Some(owner.unwrap_or((0, 0))),
        &mut tar,
        &source.display().to_string(),
    )?;
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    check_overwrite(&mut tar, dir.as_fd(), &target.dir, opts.overwrite)?;
    extract(tar, &fd_path(&dir), &shown_dest)
}

fn host_not_found(source: &Path) -> Error {
    Error::msg(format!(
        "\"{}\" could not be found on the host: no such file or directory",
        source.display()
    ))
}

/// `-` (or, between containers, the other container's copy) into a container: the tar
/// stream on stdin, decompressed when it is gzip, spooled so it can be checked first.
fn copy_stream_in(
    paths: &Paths,
    ctr: &CtrRoot,
    root: BorrowedFd<'_>,
    dest: &Path,
    dest_is_dir: Option<bool>,
    shown_path: &str,
    opts: Options,
) -> Result<()> {
    let owner = opts.archive.then_some(ctr.owner);
    let shown_dest = format!("{}:{shown_path}", ctr.name);
    let mut raw = spool(paths)?;
    std::io::copy(&mut std::io::stdin().lock(), &mut raw).context("read the archive from stdin")?;
    raw.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    let mut magic = [0u8; 2];
    let n = raw.read(&mut magic).context("read the archive")?;
    raw.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    let input: Box<dyn Read> = if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(flate2::read::GzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let placed_as = std::env::var_os(STREAM_SOURCE_ENV);
    let mut entries = Vec::new();
    let mut tar = spool(paths)?;
    {
        let mut archive = tar::Archive::new(input);
        let not_tar =
            || Error::msg("source must be a (compressed) tar archive when copying from stdin");
        let mut builder = tar::Builder::new(&mut tar);
        let list = archive.entries().map_err(|_| not_tar())?;
        for entry in list {
            let mut entry = entry.map_err(|_| not_tar())?;
            let mut header = entry.header().clone();
            let path = entry.path().map_err(|_| not_tar())?.into_owned();
            let link = entry.link_name().ok().flatten().map(|l| l.into_owned());
            entries.push((path.clone(), header.entry_type().is_dir()));
            if let Some((uid, gid)) = owner {
                header.set_uid(uid);
                header.set_gid(gid);
            }
            builder
                .pipe_entry(&mut header, &path, link.as_deref(), &mut entry)
                .context("spool the archive")?;
        }
        if entries.is_empty() {
            return Err(not_tar());
        }
        builder.finish().context("spool the archive")?;
    }
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    let (dir, prefix) = match placed_as {
        Some(source) => {
            let spec = split_source(Path::new(&source));
            let first = &entries[0];
            let source_is_dir = spec.contents_only || first.1;
            let target =
                place(&spec, source_is_dir, dest, dest_is_dir).map_err(|why| match why {
                    PlaceError::DirOntoFile => Error::msg(DIR_ONTO_FILE),
                    PlaceError::NoDestDir | PlaceError::Invalid => ctr.not_found(shown_path),
                })?;
            // The stream's names start with the source's name (nothing for its contents).
            let strip = if spec.contents_only {
                PathBuf::new()
            } else {
                spec.name.clone().map_or_else(PathBuf::new, PathBuf::from)
            };
            (target.dir, Some((strip, target.top)))
        }
        None => {
            if dest_is_dir != Some(true) {
                return Err(Error::msg(
                    "destination must be a directory when copying from stdin",
                ));
            }
            (dest.to_path_buf(), None)
        }
    };
    let tar = match prefix {
        Some((strip, top)) if strip != top => rename_top(paths, tar, &strip, &top)?,
        _ => tar,
    };
    let dir_fd = open_in_root(root, &dir).map_err(|_| ctr.not_found(shown_path))?;
    let mut tar = tar;
    check_overwrite(&mut tar, dir_fd.as_fd(), &dir, opts.overwrite)?;
    extract(tar, &fd_path(&dir_fd), &shown_dest)
}

/// Rewrite a spooled tar so that names under `strip` are under `top` instead.
fn rename_top(
    paths: &Paths,
    mut input: std::fs::File,
    strip: &Path,
    top: &Path,
) -> Result<std::fs::File> {
    let mut out = spool(paths)?;
    {
        let mut archive = tar::Archive::new(&mut input);
        let mut builder = tar::Builder::new(&mut out);
        for entry in archive.entries().context("read the archive")? {
            let mut entry = entry.context("read the archive")?;
            let mut header = entry.header().clone();
            let path = entry.path().context("read the archive")?.into_owned();
            let link = entry.link_name().ok().flatten().map(|l| l.into_owned());
            let Ok(rest) = path.strip_prefix(strip) else {
                continue;
            };
            let name = if rest.as_os_str().is_empty() {
                top.to_path_buf()
            } else {
                top.join(rest)
            };
            if name.as_os_str().is_empty() {
                continue;
            }
            // A hard link names another entry, which moved too.
            let link = match (header.entry_type(), link) {
                (tar::EntryType::Link, Some(l)) => {
                    Some(l.strip_prefix(strip).map_or(l.clone(), |r| top.join(r)))
                }
                (_, l) => l,
            };
            builder
                .pipe_entry(&mut header, &name, link.as_deref(), &mut entry)
                .context("rewrite the archive")?;
        }
        builder.finish().context("rewrite the archive")?;
    }
    out.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    Ok(out)
}

/// Append a copied entry under a (possibly new) name.
trait PipeEntry {
    fn pipe_entry(
        &mut self,
        header: &mut tar::Header,
        name: &Path,
        link: Option<&Path>,
        data: impl Read,
    ) -> std::io::Result<()>;
}

impl<W: Write> PipeEntry for tar::Builder<W> {
    fn pipe_entry(
        &mut self,
        header: &mut tar::Header,
        name: &Path,
        link: Option<&Path>,
        data: impl Read,
    ) -> std::io::Result<()> {
        match link {
            Some(target) => self.append_link(header, name, target),
            None => self.append_data(header, name, data),
        }
    }
}

/// Without `--overwrite`, refuse when an entry would replace a directory with a
/// non-directory or the other way round (podman's rule). `shown` is where `dir` is, for
/// the message. Leaves `tar` rewound.
fn check_overwrite(
    tar: &mut std::fs::File,
    dir: BorrowedFd<'_>,
    shown: &Path,
    overwrite: bool,
) -> Result<()> {
    if overwrite {
        return Ok(());
    }
    {
        let mut archive = tar::Archive::new(&mut *tar);
        for entry in archive.entries().context("read the archive")? {
            let entry = entry.context("read the archive")?;
            let path = entry.path().context("read the archive")?.into_owned();
            let is_dir = entry.header().entry_type().is_dir();
            let spec = split_source(&path);
            let Some(name) = spec.name else { continue };
            let Ok(parent) = open_in_root(dir, &spec.parent) else {
                continue;
            };
            if let Some(existing) = is_dir_at(parent.as_fd(), &name) {
                if existing != is_dir {
                    let rel: PathBuf = path.components().collect();
                    let at = shown.join(&rel);
                    let at = Path::new("/").join(at.strip_prefix(".").unwrap_or(&at));
                    return Err(Error::msg(format!(
                        "copying: error creating \"{}\": {} exists where a {} would go: file exists",
                        at.display(),
                        if existing { "a directory" } else { "a non-directory" },
                        if is_dir { "directory" } else { "non-directory" },
                    ))
                    .hint("pass --overwrite to replace it"));
                }
            }
        }
    }
    tar.seek(SeekFrom::Start(0)).context("rewind the archive")?;
    Ok(())
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
            archive: true,
            overwrite: false,
            pause: true,
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
