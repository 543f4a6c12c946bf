//! Named volumes: `volumes/<name>/_data` holds the data and `volumes/<name>/volume.json` the
//! record. A volume is created under a temporary name and renamed into place, so it is never
//! seen half made; it is removed by renaming it out of sight first.
//!
//! Containers record the volumes they use in their options (`named_volumes`), which is how
//! `volume rm` knows a volume is in use. The session-side work of a container start (copy
//! the image's content into a new empty volume, `:U`) is `run::volumes::prepare_volumes`.

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::spec::ImageVolumeMode;
use crate::spec::RunOptions;
use crate::spec::VolumeMount;
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
    #[error("no volume with name \"{0}\" found: no such volume")]
    NotFound(String),
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
    #[error(transparent)]
    BadOption(OptionError),
}

/// A [`VolumeError::Io`] for `op` on `path`, for `map_err`.
pub fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> VolumeError + 'a {
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
    /// Not yet mounted by any container: the first one chowns `_data` to its user.
    #[serde(default)]
    pub needs_chown: bool,
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

    /// What is mounted into containers: its options were checked at creation, so a record
    /// edited since into something unusable reads as a plain directory's.
    pub fn kind(&self) -> VolumeKind {
        parse_options(&self.config.options).unwrap_or(VolumeKind::Dir {
            uid: None,
            gid: None,
        })
    }

    /// The host path a container's bind of this volume uses (`None` for a tmpfs).
    pub fn mount_source(&self) -> Option<PathBuf> {
        match self.kind() {
            VolumeKind::Dir { .. } => Some(self.data()),
            VolumeKind::Bind(dir) => Some(dir),
            VolumeKind::Tmpfs(_) => None,
        }
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

/// `<store>/volumes`, or `--volumepath` (`BERTH_VOLUME_PATH`) when given.
pub fn volumes_dir(store_root: &Path) -> PathBuf {
    match std::env::var_os(crate::config::global::VOLUME_PATH_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => store_root.join("volumes"),
    }
}

/// What volume `name` in `volumes_dir` mounts; a plain directory when it has no record (yet).
pub fn kind_in(volumes_dir: &Path, name: &str) -> VolumeKind {
    let plain = VolumeKind::Dir {
        uid: None,
        gid: None,
    };
    if !valid_name(name) {
        return plain;
    }
    let record = volumes_dir.join(name).join("volume.json");
    match std::fs::read(&record)
        .ok()
        .and_then(|b| serde_json::from_slice::<VolumeConfig>(&b).ok())
    {
        Some(config) => parse_options(&config.options).unwrap_or(plain),
        None => plain,
    }
}

/// Where a volume's data live, whether or not it exists yet.
pub fn data_dir(volumes_dir: &Path, name: &str) -> PathBuf {
    volumes_dir.join(name).join("_data")
}

/// What a volume's data are, from its `volume create --opt` values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeKind {
    /// A directory in the store (`_data`), optionally owned by `o=uid=N,gid=N`.
    Dir { uid: Option<u32>, gid: Option<u32> },
    /// `-o type=bind -o device=/host/dir`: the host directory is mounted instead.
    Bind(PathBuf),
    /// `-o type=tmpfs -o device=tmpfs [-o o=size=…]`: a new tmpfs at each container start,
    /// with this mount data.
    Tmpfs(String),
}

/// podman's words for a volume option it cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid volume option {key} for driver 'local': {reason}")]
pub struct OptionError {
    pub key: String,
    pub reason: String,
}

/// Check `volume create --opt` values. A directory (`o=uid=N,gid=N`), a bind of a host
/// directory (`type=bind,device=DIR`) and a tmpfs (`type=tmpfs`) are possible rootless;
/// mounting a device or another file system needs root on the host.
pub fn parse_options(options: &BTreeMap<String, String>) -> Result<VolumeKind, VolumeError> {
    let bad = |key: &str, reason: String| {
        VolumeError::BadOption(OptionError {
            key: key.to_string(),
            reason,
        })
    };
    for key in options.keys() {
        if !matches!(key.as_str(), "o" | "type" | "device") {
            return Err(bad(key, "berth supports type, device and o".into()));
        }
    }
    let items: Vec<&str> = options
        .get("o")
        .map(|o| o.split(',').filter(|i| !i.is_empty()).collect())
        .unwrap_or_default();
    let bind_word = items.iter().any(|i| matches!(*i, "bind" | "rbind"));
    let kind = options.get("type").map(String::as_str);
    match (kind, options.get("device")) {
        (None | Some(""), None) if !bind_word => {
            let (mut uid, mut gid) = (None, None);
            for item in &items {
                match item.split_once('=') {
                    Some(("uid", n)) => {
                        uid = Some(n.parse().map_err(|_| bad("o", format!("uid `{n}` is not a number")))?);
                    }
                    Some(("gid", n)) => {
                        gid = Some(n.parse().map_err(|_| bad("o", format!("gid `{n}` is not a number")))?);
                    }
                    _ => {
                        return Err(bad(
                            "o",
                            format!("`{item}`: without a type, berth supports only uid=N,gid=N"),
                        ))
                    }
                }
            }
            Ok(VolumeKind::Dir { uid, gid })
        }
        (Some("tmpfs"), _) => {
            for item in &items {
                let key = item.split_once('=').map_or(*item, |(k, _)| k);
                if !matches!(
                    key,
                    "size" | "mode" | "uid" | "gid" | "nr_inodes" | "nr_blocks" | "noexec"
                        | "nosuid" | "nodev" | "exec" | "suid" | "dev"
                ) {
                    return Err(bad("o", format!("`{item}` is not a tmpfs option")));
                }
            }
            Ok(VolumeKind::Tmpfs(items.join(",")))
        }
        (None | Some("") | Some("bind") | Some("none"), Some(device))
            if bind_word || kind == Some("bind") =>
        {
            let path = Path::new(device);
            let meta = std::fs::metadata(path).map_err(|e| {
                bad(
                    "device",
                    format!("stat {device}: {}", crate::error::io_text(&e)),
                )
            })?;
            if !meta.is_dir() {
                return Err(bad("device", format!("{device} is not a directory")));
            }
            let canonical = std::fs::canonicalize(path)
                .map_err(|e| bad("device", format!("{device}: {}", crate::error::io_text(&e))))?;
            Ok(VolumeKind::Bind(canonical))
        }
        (Some("bind"), None) => Err(bad("device", "type=bind needs device=DIR".into())),
        _ => Err(bad(
            "type",
            "mounting a device or another file system needs root on the host; berth supports type=bind and type=tmpfs".into(),
        )),
    }
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
    let kind = parse_options(&options)?;
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
        // A bind's or a tmpfs's content is not berth's to fill.
        needs_copy_up: matches!(kind, VolumeKind::Dir { .. }),
        needs_chown: matches!(
            kind,
            VolumeKind::Dir {
                uid: None,
                gid: None
            }
        ),
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
        if let VolumeKind::Dir { uid, gid } = kind {
            if uid.is_some() || gid.is_some() {
                std::os::unix::fs::lchown(&data, uid, gid).map_err(io_err("chown", &data))?;
            }
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

/// The image's VOLUME paths (normalized) that neither `taken` (binds, tmpfs) nor `mounts`
/// already cover, `/` left out.
fn uncovered(image_volumes: &[String], taken: &[&str], mounts: &[VolumeMount]) -> Vec<String> {
    image_volumes
        .iter()
        .map(|p| normalize_target(p))
        .filter(|target| {
            target != "/"
                && !taken.iter().any(|t| normalize_target(t) == *target)
                && !mounts
                    .iter()
                    .any(|m| normalize_target(&m.target) == *target)
        })
        .collect()
}

/// At container creation: add an anonymous volume for each of the image's VOLUME paths
/// that no other mount of the container already covers. `taken` are the targets of its
/// other mounts (binds, tmpfs).
pub fn add_image_volumes(
    mounts: &mut Vec<VolumeMount>,
    taken: &[&str],
    image_volumes: &[String],
) -> Result<(), VolumeError> {
    for target in uncovered(image_volumes, taken, mounts) {
        mounts.push(VolumeMount {
            name: anonymous_name()?,
            target,
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous: true,
            restrict: Default::default(),
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
    match opts.image_volume.unwrap_or_default() {
        ImageVolumeMode::Bind => add_image_volumes(&mut opts.named_volumes, &taken, &image_volumes),
        ImageVolumeMode::Ignore => Ok(()),
        ImageVolumeMode::Tmpfs => {
            // podman's flags for an image volume's tmpfs: no device nodes or set-id.
            let add: Vec<crate::spec::TmpfsMount> =
                uncovered(&image_volumes, &taken, &opts.named_volumes)
                    .into_iter()
                    .map(|target| crate::spec::TmpfsMount {
                        target,
                        options: vec!["exec".into(), "nosuid".into(), "nodev".into()],
                    })
                    .collect();
            opts.tmpfs.extend(add);
            Ok(())
        }
    }
}

/// `/a//b/` and `/a/b` name the same mount point.
pub fn normalize_target(path: &str) -> String {
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

/// Write `volume`'s record back (after a container start copied the image's content in).
pub fn save_config(volume: &Volume) -> Result<(), VolumeError> {
    let path = volume.dir.join("volume.json");
    let bytes = serde_json::to_vec_pretty(&volume.config).map_err(|source| VolumeError::Parse {
        path: path.clone(),
        source,
    })?;
    super::atomic::write_atomic(&path, &bytes, super::atomic::Durability::Unsynced)
        .map_err(|e| io_err("write", &path)(e.source))
}

/// Write a new file and fsync it (the directory it is in is renamed into place after).
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// What `volume ls --filter` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Names matching this regular expression anywhere (podman's rule; checked at parse).
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
            "name" => {
                regex_lite::Regex::new(value).ok()?;
                Filter::Name(value.to_string())
            }
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
            Filter::Name(n) => regex_lite::Regex::new(n).is_ok_and(|r| r.is_match(&volume.name)),
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
        assert_eq!(
            parse_options(&o).unwrap(),
            VolumeKind::Dir {
                uid: Some(5),
                gid: Some(6)
            }
        );
        o.insert("type".to_string(), "ext4".to_string());
        assert!(matches!(parse_options(&o), Err(VolumeError::BadOption(_))));
        let mut o = BTreeMap::new();
        o.insert("o".to_string(), "size=1m".to_string());
        assert!(parse_options(&o).is_err());
        o.insert("type".to_string(), "tmpfs".to_string());
        o.insert("device".to_string(), "tmpfs".to_string());
        assert_eq!(
            parse_options(&o).unwrap(),
            VolumeKind::Tmpfs("size=1m".into())
        );
        let tmp = tempfile::tempdir().unwrap();
        let mut o = BTreeMap::new();
        o.insert("type".to_string(), "bind".to_string());
        o.insert("device".to_string(), "/no/such/dir".to_string());
        assert_eq!(
            parse_options(&o).unwrap_err().to_string(),
            "invalid volume option device for driver 'local': stat /no/such/dir: no such file or directory"
        );
        o.insert("device".to_string(), tmp.path().display().to_string());
        assert_eq!(
            parse_options(&o).unwrap(),
            VolumeKind::Bind(tmp.path().canonicalize().unwrap())
        );
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
            restrict: Default::default(),
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
            restrict: Default::default(),
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
    fn filters() {
        let mut cfg = VolumeConfig {
            name: "webdata".into(),
            driver: DRIVER.into(),
            labels: BTreeMap::new(),
            options: BTreeMap::new(),
            created: Utc::now(),
            anonymous: false,
            needs_copy_up: false,
            needs_chown: false,
        };
        cfg.labels.insert("app".into(), "web".into());
        assert!(Filter::parse("name=web").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("name=db").unwrap().matches(&cfg, false));
        assert!(Filter::parse("name=^web.+a$").unwrap().matches(&cfg, false));
        assert!(Filter::parse("name=wex*b").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("name=^data").unwrap().matches(&cfg, false));
        assert!(Filter::parse("name=(").is_none());
        assert!(Filter::parse("label=app").unwrap().matches(&cfg, false));
        assert!(Filter::parse("label=app=web").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("label=app=db").unwrap().matches(&cfg, false));
        assert!(Filter::parse("dangling=true").unwrap().matches(&cfg, false));
        assert!(!Filter::parse("dangling=true").unwrap().matches(&cfg, true));
        assert!(Filter::parse("dangling=maybe").is_none());
        assert!(Filter::parse("bogus=1").is_none());
    }
}
