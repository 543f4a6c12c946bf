//! Named volumes: `volumes/<name>/_data` holds the data and `volumes/<name>/volume.json` the
//! record. A volume is created under a temporary name and renamed into place, so it is never
//! seen half made; it is removed by renaming it out of sight first.
//!
//! Containers record the volumes they use in their options (`named_volumes`), which is how
//! `volume rm` knows a volume is in use. The session-side work of a container start (create
//! a missing volume, copy the image's content into a new empty one, `:U`) is
//! [`prepare_volumes`].

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::spec::VolumeMount;
use crate::spec::{RunOptions, UserSpec};
use crate::storage::container::{self, Container, ContainerError};

/// The only driver berth has.
pub const DRIVER: &str = "local";

/// Why a volume operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VolumeError {
    #[error("invalid volume name `{0}`: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")]
    InvalidName(String),
    #[error("volume `{0}` already exists")]
    Exists(String),
    #[error("no such volume `{0}`")]
    NotFound(String),
    #[error("invalid volume option `{option}`: {reason}")]
    Option {
        option: String,
        reason: &'static str,
    },
    #[error("{op} `{path}`")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("parse `{path}`")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("generate a volume name")]
    Random(#[source] io::Error),
    #[error("find the containers that use volume `{volume}`")]
    Containers {
        volume: String,
        #[source]
        source: ContainerError,
    },
    #[error("list containers")]
    ListContainers(#[source] ContainerError),
    #[error("copy `{target}` of the image into volume `{volume}`")]
    CopyUp {
        volume: String,
        target: String,
        #[source]
        source: Box<VolumeError>,
    },
    #[error("resolve the owner of volume `{volume}` (`:U`): {reason}")]
    Owner { volume: String, reason: String },
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> VolumeError + 'a {
    move |source| VolumeError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// A volume's `volume.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeConfig {
    pub name: String,
    pub driver: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub anonymous: bool,
    /// Not yet mounted by any container: the first one copies its image's content in.
    #[serde(default)]
    pub needs_copy_up: bool,
}

/// A volume in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub config: VolumeConfig,
    pub dir: PathBuf,
}

impl Volume {
    /// The directory mounted into containers.
    pub fn data(&self) -> PathBuf {
        self.dir.join("_data")
    }
}

/// Names as podman allows them (the same rule as container names).
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A new anonymous volume's name: 64 hex digits.
pub fn anonymous_name() -> Result<String, VolumeError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        VolumeError::Random(io::Error::from_raw_os_error(
            e.raw_os_error().unwrap_or(libc::EIO),
        ))
    })?;
    Ok(hex::encode(bytes))
}

/// `<store>/volumes`.
pub fn volumes_dir(store_root: &Path) -> PathBuf {
    store_root.join("volumes")
}

/// Where a volume's data live, whether or not it exists yet.
pub fn data_dir(volumes_dir: &Path, name: &str) -> PathBuf {
    volumes_dir.join(name).join("_data")
}

/// Check `volume create --opt` values. Only `o=uid=N,gid=N` (the owner of the new volume's
/// data) is supported: mounting a device or a file system needs root on the host.
pub fn parse_options(
    options: &BTreeMap<String, String>,
) -> Result<(Option<u32>, Option<u32>), VolumeError> {
    let mut uid = None;
    let mut gid = None;
    for (key, value) in options {
        let bad = |reason| VolumeError::Option {
            option: format!("{key}={value}"),
            reason,
        };
        match key.as_str() {
            "o" => {
                for item in value.split(',').filter(|i| !i.is_empty()) {
                    match item.split_once('=') {
                        Some(("uid", n)) => {
                            uid = Some(n.parse().map_err(|_| bad("uid must be a number"))?);
                        }
                        Some(("gid", n)) => {
                            gid = Some(n.parse().map_err(|_| bad("gid must be a number"))?);
                        }
                        _ => return Err(bad("berth's local driver supports only o=uid=N,gid=N")),
                    }
                }
            }
            "type" | "device" => {
                return Err(bad(
                    "mounting a device or file system as a volume needs root; berth does not",
                ))
            }
            _ => return Err(bad("unknown option (berth supports o=uid=N,gid=N)")),
        }
    }
    Ok((uid, gid))
}

/// Create a volume. `name` `None` makes an anonymous volume with a random name.
pub fn create(
    store_root: &Path,
    name: Option<&str>,
    labels: BTreeMap<String, String>,
    options: BTreeMap<String, String>,
    anonymous: bool,
) -> Result<Volume, VolumeError> {
    let name = match name {
        Some(n) if !valid_name(n) => return Err(VolumeError::InvalidName(n.to_string())),
        Some(n) => n.to_string(),
        None => anonymous_name()?,
    };
    let (uid, gid) = parse_options(&options)?;
    let dir = volumes_dir(store_root);
    std::fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
    let final_dir = dir.join(&name);
    if final_dir.exists() {
        return Err(VolumeError::Exists(name));
    }
    let config = VolumeConfig {
        name: name.clone(),
        driver: DRIVER.to_string(),
        labels,
        options,
        created: Utc::now(),
        anonymous,
        needs_copy_up: true,
    };
    let tmp = dir.join(format!(".tmp-{}", anonymous_name()?));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(io_err("create", &tmp))?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o700))
            .map_err(io_err("chmod", &tmp))?;
        let data = tmp.join("_data");
        std::fs::create_dir(&data).map_err(io_err("create", &data))?;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755))
            .map_err(io_err("chmod", &data))?;
        if uid.is_some() || gid.is_some() {
            std::os::unix::fs::lchown(&data, uid, gid).map_err(io_err("chown", &data))?;
        }
        let path = tmp.join("volume.json");
        let bytes = serde_json::to_vec_pretty(&config).map_err(|source| VolumeError::Parse {
            path: path.clone(),
            source,
        })?;
        write_synced(&path, &bytes).map_err(io_err("write", &path))?;
        // RENAME_NOREPLACE: of two creations of one name, exactly one wins.
        nix::fcntl::renameat2(
            None,
            &tmp,
            None,
            &final_dir,
            nix::fcntl::RenameFlags::RENAME_NOREPLACE,
        )
        .map_err(|e| match e {
            nix::errno::Errno::EEXIST | nix::errno::Errno::ENOTEMPTY => {
                VolumeError::Exists(name.clone())
            }
            e => VolumeError::Io {
                op: "rename",
                path: final_dir.clone(),
                source: e.into(),
            },
        })
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(Volume {
        config,
        dir: final_dir,
    })
}

/// Find a volume by its full name.
pub fn find(store_root: &Path, name: &str) -> Result<Volume, VolumeError> {
    if !valid_name(name) {
        return Err(VolumeError::NotFound(name.to_string()));
    }
    let dir = volumes_dir(store_root).join(name);
    let path = dir.join("volume.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(VolumeError::NotFound(name.to_string()))
        }
        Err(e) => return Err(io_err("read", &path)(e)),
    };
    let config =
        serde_json::from_slice(&bytes).map_err(|source| VolumeError::Parse { path, source })?;
    Ok(Volume { config, dir })
}

/// Every volume, sorted by name (temporary and trash directories skipped).
pub fn list(store_root: &Path) -> Result<Vec<Volume>, VolumeError> {
    let dir = volumes_dir(store_root);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err("read", &dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !valid_name(&name) {
            continue;
        }
        match find(store_root, &name) {
            Ok(v) => out.push(v),
            Err(VolumeError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by(|a, b| a.config.name.cmp(&b.config.name));
    Ok(out)
}

/// Remove a volume and its data. The directory is renamed out of sight first, so a crash
/// half-way leaves only `.trash-*` garbage.
pub fn remove(store_root: &Path, volume: &Volume) -> Result<(), VolumeError> {
    let dir = volumes_dir(store_root);
    let trash = dir.join(format!(".trash-{}", anonymous_name()?));
    std::fs::rename(&volume.dir, &trash).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            VolumeError::NotFound(volume.config.name.clone())
        } else {
            io_err("rename", &volume.dir)(e)
        }
    })?;
    std::fs::remove_dir_all(&trash).map_err(io_err("remove", &trash))
}

/// The containers (in any state) that use the volume `name`.
pub fn users(store_root: &Path, name: &str) -> Result<Vec<Container>, VolumeError> {
    let all = container::list(store_root).map_err(|source| VolumeError::Containers {
        volume: name.to_string(),
        source,
    })?;
    Ok(all
        .into_iter()
        .filter(|c| {
            c.config
                .options
                .named_volumes
                .iter()
                .any(|m| m.name == name)
        })
        .collect())
}

/// The names of every volume some container uses.
pub fn names_in_use(store_root: &Path) -> Result<Vec<String>, VolumeError> {
    let all = container::list(store_root).map_err(VolumeError::ListContainers)?;
    let mut names: Vec<String> = all
        .iter()
        .flat_map(|c| {
            c.config
                .options
                .named_volumes
                .iter()
                .map(|m| m.name.clone())
        })
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// At container creation: add an anonymous volume for each of the image's VOLUME paths
/// that no other mount of the container already covers. `taken` are the targets of its
/// other mounts (binds, tmpfs).
pub fn add_image_volumes(
    mounts: &mut Vec<VolumeMount>,
    taken: &[&str],
    image_volumes: &[String],
) -> Result<(), VolumeError> {
    for path in image_volumes {
        let target = normalize_target(path);
        if target == "/"
            || taken.iter().any(|t| normalize_target(t) == target)
            || mounts.iter().any(|m| normalize_target(&m.target) == target)
        {
            continue;
        }
        mounts.push(VolumeMount {
            name: anonymous_name()?,
            target,
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous: true,
        });
    }
    Ok(())
}

/// At container creation, before its options are recorded: add anonymous volumes for the
/// image config's `Volumes` that the options do not already mount something on.
pub fn attach(
    opts: &mut RunOptions,
    image: &oci_spec::image::ImageConfiguration,
) -> Result<(), VolumeError> {
    let image_volumes = image
        .config()
        .as_ref()
        .and_then(|c| c.volumes().clone())
        .unwrap_or_default();
    let taken: Vec<&str> = opts
        .volumes
        .iter()
        .map(|b| b.target.as_str())
        .chain(opts.tmpfs.iter().map(|t| t.target.as_str()))
        .collect();
    add_image_volumes(&mut opts.named_volumes, &taken, &image_volumes)
}

/// `/a//b/` and `/a/b` name the same mount point.
fn normalize_target(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Create every volume of `mounts` that does not exist yet (named volumes are created on
/// first use). A volume created concurrently by someone else is fine.
pub fn ensure(store_root: &Path, mounts: &[VolumeMount]) -> Result<(), VolumeError> {
    for m in mounts {
        match find(store_root, &m.name) {
            Ok(_) => {}
            Err(VolumeError::NotFound(_)) => {
                match create(
                    store_root,
                    Some(&m.name),
                    BTreeMap::new(),
                    BTreeMap::new(),
                    m.anonymous,
                ) {
                    Ok(_) | Err(VolumeError::Exists(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Remove the anonymous volumes of a removed container (`rm -v`, `--rm`); a volume another
/// container still uses is kept.
pub fn remove_anonymous(store_root: &Path, mounts: &[VolumeMount]) -> Result<(), VolumeError> {
    // Looking for other users reads every container: only when there is something to remove
    // (the start path must not get slower as the store fills up).
    if !mounts.iter().any(|m| m.anonymous) {
        return Ok(());
    }
    let in_use = names_in_use(store_root)?;
    for m in mounts.iter().filter(|m| m.anonymous) {
        if in_use.contains(&m.name) {
            continue;
        }
        match find(store_root, &m.name) {
            Ok(v) => match remove(store_root, &v) {
                Ok(()) | Err(VolumeError::NotFound(_)) => {}
                Err(e) => return Err(e),
            },
            Err(VolumeError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The session side of a container start, after its rootfs is mounted at `rootfs` and
/// before it is cloned: create missing volumes; copy the image's content at the mount
/// point into a volume no container has mounted yet when it is empty (ownership, modes,
/// symlinks and hard links preserved); and chown `:U` volumes to the container's
/// user (`user` resolved in the container's own /etc/passwd and /etc/group; with
/// `keep_id`, translated through the nested namespace's map).
pub fn prepare_volumes(
    store_root: &Path,
    mounts: &[VolumeMount],
    rootfs: &Path,
    user: Option<&UserSpec>,
    keep_id: bool,
) -> Result<(), VolumeError> {
    ensure(store_root, mounts)?;
    let mut owner = None;
    if let Some(first) = mounts.iter().find(|m| m.chown) {
        owner =
            Some(
                container_owner(rootfs, user, keep_id).map_err(|reason| VolumeError::Owner {
                    volume: first.name.clone(),
                    reason,
                })?,
            );
    }
    for m in mounts {
        let mut volume = find(store_root, &m.name)?;
        let data = volume.data();
        if volume.config.needs_copy_up {
            if m.copy_up && is_empty_dir(&data)? {
                copy_up(rootfs, &m.target, &data).map_err(|e| VolumeError::CopyUp {
                    volume: m.name.clone(),
                    target: m.target.clone(),
                    source: Box::new(e),
                })?;
            }
            volume.config.needs_copy_up = false;
            let path = volume.dir.join("volume.json");
            let bytes =
                serde_json::to_vec_pretty(&volume.config).map_err(|source| VolumeError::Parse {
                    path: path.clone(),
                    source,
                })?;
            super::atomic::write_atomic(&path, &bytes, super::atomic::Durability::Unsynced)
                .map_err(|e| io_err("write", &path)(e.source))?;
        }
        if m.chown {
            if let Some((uid, gid)) = owner {
                chown_tree(&data, uid, gid)?;
            }
        }
    }
    Ok(())
}

/// Write a new file and fsync it (the directory it is in is renamed into place after).
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// The uid and gid, as the session sees them, that the container's process runs as.
fn container_owner(
    rootfs: &Path,
    user: Option<&UserSpec>,
    keep_id: bool,
) -> Result<(u32, u32), String> {
    let passwd = read_in_root(rootfs, "/etc/passwd");
    let group = read_in_root(rootfs, "/etc/group");
    let resolved = crate::run::user::resolve(user, passwd.as_deref(), group.as_deref())
        .map_err(|e| e.to_string())?;
    if !keep_id {
        return Ok((resolved.uid, resolved.gid));
    }
    let host = |map: &str| {
        std::fs::read_to_string(map)
            .ok()
            .and_then(|text| session_zero_outside(&text))
            .ok_or_else(|| format!("read `{map}`"))
    };
    Ok((
        keep_id_to_session(resolved.uid, host("/proc/self/uid_map")?),
        keep_id_to_session(resolved.gid, host("/proc/self/gid_map")?),
    ))
}

/// A small file of the container's rootfs, read with the path resolved inside it.
fn read_in_root(rootfs: &Path, path: &str) -> Option<String> {
    let root = std::fs::File::open(rootfs).ok()?;
    let fd = crate::sys::fs::openat2(
        &root,
        Path::new(path),
        libc::O_RDONLY,
        0,
        crate::sys::fs::RESOLVE_IN_ROOT | crate::sys::fs::RESOLVE_NO_MAGICLINKS,
    )
    .ok()?;
    std::io::read_to_string(std::fs::File::from(fd)).ok()
}

/// The host id that the session's 0 maps to, from `/proc/self/uid_map` text.
fn session_zero_outside(map: &str) -> Option<u32> {
    map.lines().find_map(|line| {
        let mut f = line.split_whitespace().map(str::parse::<u32>);
        match (f.next(), f.next()) {
            (Some(Ok(0)), Some(Ok(outside))) => Some(outside),
            _ => None,
        }
    })
}

/// A keep-id container's id as the session sees it (see `userns::map::keep_id_maps`): the
/// user's own id is session 0, ids below it are shifted up by one, ids above are unchanged.
fn keep_id_to_session(id: u32, host: u32) -> u32 {
    match id.cmp(&host) {
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Less => id + 1,
        std::cmp::Ordering::Greater => id,
    }
}

fn is_empty_dir(path: &Path) -> Result<bool, VolumeError> {
    let mut entries = std::fs::read_dir(path).map_err(io_err("read", path))?;
    Ok(entries.next().is_none())
}

/// Copy the directory at `target` inside `rootfs` (resolved inside it: symlinks on the way
/// cannot lead out) into `dest`. Nothing is copied when the path does not exist or is not a
/// directory. The walk below never follows a symlink: it only enters what `lstat` says is a
/// directory, and the container is not running yet.
pub fn copy_up(rootfs: &Path, target: &str, dest: &Path) -> Result<(), VolumeError> {
    let root = std::fs::File::open(rootfs).map_err(io_err("open", rootfs))?;
    let fd = match crate::sys::fs::openat2(
        &root,
        Path::new(target),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
        crate::sys::fs::RESOLVE_IN_ROOT | crate::sys::fs::RESOLVE_NO_MAGICLINKS,
    ) {
        Ok(fd) => fd,
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => return Ok(()),
        Err(e) => return Err(io_err("resolve", Path::new(target))(e)),
    };
    let proc_link = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
    let source = std::fs::read_link(&proc_link).map_err(io_err("read", &proc_link))?;
    if !source.starts_with(rootfs) {
        return Err(io_err("resolve", Path::new(target))(
            io::Error::from_raw_os_error(libc::EXDEV),
        ));
    }
    drop(fd);
    let mut links = HashMap::new();
    copy_tree(&source, dest, &mut links)?;
    copy_meta(&source, dest)
}

/// Copy the entries of directory `from` into the existing directory `to`.
fn copy_tree(
    from: &Path,
    to: &Path,
    links: &mut HashMap<(u64, u64), PathBuf>,
) -> Result<(), VolumeError> {
    for entry in std::fs::read_dir(from).map_err(io_err("read", from))? {
        let entry = entry.map_err(io_err("read", from))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let meta = std::fs::symlink_metadata(&src).map_err(io_err("stat", &src))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(io_err("create", &dst))?;
            copy_tree(&src, &dst, links)?;
            copy_meta(&src, &dst)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src).map_err(io_err("read", &src))?;
            std::os::unix::fs::symlink(&target, &dst).map_err(io_err("create", &dst))?;
            std::os::unix::fs::lchown(&dst, Some(meta.uid()), Some(meta.gid()))
                .map_err(io_err("chown", &dst))?;
        } else if kind.is_file() {
            if meta.nlink() > 1 {
                if let Some(first) = links.get(&(meta.dev(), meta.ino())) {
                    std::fs::hard_link(first, &dst).map_err(io_err("link", &dst))?;
                    continue;
                }
                links.insert((meta.dev(), meta.ino()), dst.clone());
            }
            std::fs::copy(&src, &dst).map_err(io_err("copy", &src))?;
            copy_meta(&src, &dst)?;
        } else {
            use std::os::unix::fs::FileTypeExt;
            // Device nodes cannot be made in a user namespace, and sockets belong to a
            // process: only FIFOs can be recreated.
            if kind.is_fifo() {
                nix::unistd::mkfifo(&dst, nix::sys::stat::Mode::from_bits_truncate(0o600))
                    .map_err(|e| io_err("create", &dst)(e.into()))?;
                copy_meta(&src, &dst)?;
            }
        }
    }
    Ok(())
}

/// Owner, then mode (a chown clears set-id bits), then times.
fn copy_meta(src: &Path, dst: &Path) -> Result<(), VolumeError> {
    let meta = std::fs::symlink_metadata(src).map_err(io_err("stat", src))?;
    std::os::unix::fs::lchown(dst, Some(meta.uid()), Some(meta.gid()))
        .map_err(io_err("chown", dst))?;
    std::fs::set_permissions(dst, std::fs::Permissions::from_mode(meta.mode() & 0o7777))
        .map_err(io_err("chmod", dst))?;
    let atime = nix::sys::time::TimeSpec::new(meta.atime(), meta.atime_nsec());
    let mtime = nix::sys::time::TimeSpec::new(meta.mtime(), meta.mtime_nsec());
    nix::sys::stat::utimensat(
        None,
        dst,
        &atime,
        &mtime,
        nix::sys::stat::UtimensatFlags::NoFollowSymlink,
    )
    .map_err(|e| io_err("set the times of", dst)(e.into()))
}

/// `chown -R` without following symlinks.
fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), VolumeError> {
    let meta = std::fs::symlink_metadata(path).map_err(io_err("stat", path))?;
    let mode = meta.mode() & 0o7777;
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(io_err("chown", path))?;
    if meta.file_type().is_dir() {
        for entry in std::fs::read_dir(path).map_err(io_err("read", path))? {
            let entry = entry.map_err(io_err("read", path))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    if !meta.file_type().is_symlink() && mode & 0o6000 != 0 {
        // Keep the set-id bits the chown cleared.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_err("chmod", path))?;
    }
    Ok(())
}

/// What `volume ls --filter` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Names containing this text (podman matches a substring).
    Name(String),
    /// `label=KEY` or `label=KEY=VALUE`.
    Label(String, Option<String>),
    /// Volumes no container uses (`true`) or some container uses (`false`).
    Dangling(bool),
    Driver(String),
}

impl Filter {
    /// Parse one `--filter KEY=VALUE`.
    pub fn parse(text: &str) -> Option<Filter> {
        let (key, value) = text.split_once('=')?;
        Some(match key {
            "name" => Filter::Name(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => Filter::Label(k.to_string(), Some(v.to_string())),
                None => Filter::Label(value.to_string(), None),
            },
            "dangling" => Filter::Dangling(match value {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return None,
            }),
            "driver" => Filter::Driver(value.to_string()),
            _ => return None,
        })
    }

    /// Does `volume` (used when `in_use`) pass?
    pub fn matches(&self, volume: &VolumeConfig, in_use: bool) -> bool {
        match self {
            Filter::Name(n) => volume.name.contains(n.as_str()),
            Filter::Label(k, v) => volume
                .labels
                .get(k)
                .is_some_and(|have| v.as_ref().is_none_or(|want| want == have)),
            Filter::Dangling(d) => *d != in_use,
            Filter::Driver(d) => volume.driver == *d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(root: &Path, name: &str) -> Volume {
        create(root, Some(name), BTreeMap::new(), BTreeMap::new(), false).unwrap()
    }

    #[test]
    fn names() {
        assert!(valid_name("data"));
        assert!(valid_name("a.b_c-1"));
        assert!(!valid_name(""));
        assert!(!valid_name("-x"));
        assert!(!valid_name("a/b"));
        let n = anonymous_name().unwrap();
        assert_eq!(n.len(), 64);
        assert!(n.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn create_find_list_remove() {
        let tmp = tempfile::tempdir().unwrap();
        let mut labels = BTreeMap::new();
        labels.insert("k".to_string(), "v".to_string());
        let v = create(tmp.path(), Some("data"), labels, BTreeMap::new(), false).unwrap();
        assert!(v.data().is_dir());
        assert_eq!(v.config.driver, "local");
        assert!(v.config.needs_copy_up);
        assert!(matches!(
            create(
                tmp.path(),
                Some("data"),
                BTreeMap::new(),
                BTreeMap::new(),
                false
            ),
            Err(VolumeError::Exists(_))
        ));
        assert!(matches!(
            create(
                tmp.path(),
                Some("../x"),
                BTreeMap::new(),
                BTreeMap::new(),
                false
            ),
            Err(VolumeError::InvalidName(_))
        ));
        let found = find(tmp.path(), "data").unwrap();
        assert_eq!(found, v);
        make(tmp.path(), "alpha");
        let names: Vec<String> = list(tmp.path())
            .unwrap()
            .into_iter()
            .map(|v| v.config.name)
            .collect();
        assert_eq!(names, ["alpha", "data"]);
        remove(tmp.path(), &found).unwrap();
        assert!(matches!(
            find(tmp.path(), "data"),
            Err(VolumeError::NotFound(_))
        ));
        // No temporary or trash directory is left behind.
        let left: Vec<_> = std::fs::read_dir(volumes_dir(tmp.path()))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["alpha"]);
    }

    #[test]
    fn options() {
        let mut o = BTreeMap::new();
        o.insert("o".to_string(), "uid=5,gid=6".to_string());
        assert_eq!(parse_options(&o).unwrap(), (Some(5), Some(6)));
        o.insert("type".to_string(), "tmpfs".to_string());
        assert!(matches!(parse_options(&o), Err(VolumeError::Option { .. })));
        let mut o = BTreeMap::new();
        o.insert("o".to_string(), "size=1m".to_string());
        assert!(parse_options(&o).is_err());
    }

    #[test]
    fn image_volumes_become_anonymous_unless_covered() {
        let mut mounts = vec![VolumeMount {
            name: "named".into(),
            target: "/data".into(),
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous: false,
        }];
        add_image_volumes(
            &mut mounts,
            &["/bound"],
            &["/data/".into(), "/bound".into(), "/logs".into(), "/".into()],
        )
        .unwrap();
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[1].target, "/logs");
        assert!(mounts[1].anonymous);
        assert_eq!(mounts[1].name.len(), 64);
    }

    fn use_of(name: &str, anonymous: bool) -> VolumeMount {
        VolumeMount {
            name: name.into(),
            target: format!("/{name}"),
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous,
        }
    }

    fn container_using(root: &Path, mounts: &[VolumeMount]) -> Container {
        let options: crate::spec::RunOptions =
            serde_json::from_value(serde_json::json!({ "named_volumes": mounts })).unwrap();
        container::create(root, None, |id, name| container::ContainerConfig {
            id: id.into(),
            name: name.into(),
            image_id: "i".repeat(64),
            image_name: "busybox".into(),
            command: vec!["true".into()],
            created: Utc::now(),
            rm: false,
            options: options.clone(),
        })
        .unwrap()
    }

    #[test]
    fn users_and_anonymous_removal() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let anon = anonymous_name().unwrap();
        let mounts = [use_of("named", false), use_of(&anon, true)];
        ensure(root, &mounts).unwrap();
        assert!(find(root, &anon).unwrap().config.anonymous);
        let a = container_using(root, &mounts);
        let b = container_using(root, &[use_of(&anon, true)]);
        assert_eq!(a.config.options.named_volumes, mounts);
        assert_eq!(users(root, "named").unwrap().len(), 1);
        assert_eq!(users(root, &anon).unwrap().len(), 2);
        assert_eq!(names_in_use(root).unwrap().len(), 2);
        // Still used by b: kept.
        container::remove(root, &a).unwrap();
        remove_anonymous(root, &mounts).unwrap();
        assert!(find(root, &anon).is_ok());
        container::remove(root, &b).unwrap();
        remove_anonymous(root, &mounts).unwrap();
        assert!(matches!(find(root, &anon), Err(VolumeError::NotFound(_))));
        assert!(find(root, "named").is_ok(), "named volumes stay");
        assert!(users(root, "named").unwrap().is_empty());
    }

    #[test]
    fn keep_id_translation() {
        assert_eq!(
            session_zero_outside(
                "         0       1001          1\n         1     100000      65536\n"
            ),
            Some(1001)
        );
        assert_eq!(keep_id_to_session(1001, 1001), 0);
        assert_eq!(keep_id_to_session(0, 1001), 1);
        assert_eq!(keep_id_to_session(2000, 1001), 2000);
    }

    #[test]
    fn filters() {
        let mut cfg = VolumeConfig {
            name: "webdata".into(),
            driver: DRIVER.into(),
            labels: BTreeMap::new(),
            options: BTreeMap::new(),
            created: Utc::now(),
            anonymous: false,
            needs_copy_up: false,
        };
        cfg.labels.insert("app".into(), "web".into());
        assert!(Filter::parse("name=web").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("name=db").unwrap().matches(&cfg, false));
        assert!(Filter::parse("label=app").unwrap().matches(&cfg, false));
        assert!(Filter::parse("label=app=web").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("label=app=db").unwrap().matches(&cfg, false));
        assert!(Filter::parse("dangling=true").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("dangling=true").unwrap().matches(&cfg, true));
        assert!(Filter::parse("dangling=maybe").is_none());
        assert!(Filter::parse("bogus=1").is_none());
    }

    #[test]
    fn copy_up_preserves_modes_symlinks_and_links_and_stays_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let etc = root.join("etc");
        std::fs::create_dir_all(etc.join("sub")).unwrap();
        std::fs::write(etc.join("a"), b"A").unwrap();
        std::fs::set_permissions(etc.join("a"), std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::hard_link(etc.join("a"), etc.join("sub/b")).unwrap();
        std::os::unix::fs::symlink("/etc/a", etc.join("link")).unwrap();
        std::fs::set_permissions(&etc, std::fs::Permissions::from_mode(0o751)).unwrap();
        // A symlink in the image that points out of the rootfs resolves inside it.
        std::os::unix::fs::symlink("/../../../../etc", root.join("escape")).unwrap();

        let dest = tmp.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        copy_up(&root, "/etc", &dest).unwrap();
        assert_eq!(std::fs::read(dest.join("a")).unwrap(), b"A");
        let meta = |p: &Path| std::fs::symlink_metadata(p).unwrap();
        assert_eq!(meta(&dest.join("a")).mode() & 0o777, 0o640);
        assert_eq!(meta(&dest).mode() & 0o777, 0o751);
        assert_eq!(meta(&dest.join("a")).ino(), meta(&dest.join("sub/b")).ino());
        assert_eq!(
            std::fs::read_link(dest.join("link")).unwrap(),
            Path::new("/etc/a")
        );

        let dest2 = tmp.path().join("dest2");
        std::fs::create_dir(&dest2).unwrap();
        copy_up(&root, "/escape", &dest2).unwrap();
        assert!(dest2.join("a").exists(), "resolved inside the rootfs");
        assert!(!dest2.join("passwd").exists());

        let dest3 = tmp.path().join("dest3");
        std::fs::create_dir(&dest3).unwrap();
        copy_up(&root, "/missing", &dest3).unwrap();
        assert!(is_empty_dir(&dest3).unwrap());
    }

    #[test]
    fn prepare_copies_once_and_only_into_empty_volumes() {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("d")).unwrap();
        std::fs::write(root.join("d/f"), b"image").unwrap();
        let m = VolumeMount {
            name: "v".into(),
            target: "/d".into(),
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous: false,
        };
        prepare_volumes(&store, std::slice::from_ref(&m), &root, None, false).unwrap();
        let v = find(&store, "v").unwrap();
        assert!(!v.config.needs_copy_up);
        assert_eq!(std::fs::read(v.data().join("f")).unwrap(), b"image");
        // A second start copies nothing, even after the volume was emptied.
        std::fs::remove_file(v.data().join("f")).unwrap();
        prepare_volumes(&store, std::slice::from_ref(&m), &root, None, false).unwrap();
        assert!(is_empty_dir(&v.data()).unwrap());
        // nocopy leaves a new volume empty.
        let m2 = VolumeMount {
            name: "w".into(),
            copy_up: false,
            ..m.clone()
        };
        prepare_volumes(&store, &[m2], &root, None, false).unwrap();
        assert!(is_empty_dir(&find(&store, "w").unwrap().data()).unwrap());
        // `:U` names a user of the container's /etc/passwd; an unknown one is an error.
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), "app:x:0:0::/:/bin/sh\n").unwrap();
        let m3 = VolumeMount {
            name: "u".into(),
            chown: true,
            ..m
        };
        let spec = UserSpec::parse("app").unwrap();
        prepare_volumes(&store, std::slice::from_ref(&m3), &root, Some(&spec), false).unwrap();
        let nobody = UserSpec::parse("nobody").unwrap();
        assert!(matches!(
            prepare_volumes(&store, &[m3], &root, Some(&nobody), false),
            Err(VolumeError::Owner { .. })
        ));
    }
}
