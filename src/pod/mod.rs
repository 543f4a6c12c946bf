//! Pods on disk: `pods/<id>/pod.json`, written temp + rename, with names reserved as
//! `pods/names/<name> -> <id>` symlinks (created atomically, as containers' are: of two
//! `pod create --name x` at once exactly one wins). A pod's members are not listed in its
//! record: each container records its pod (`Extras::pod`), so the two cannot disagree.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::storage::atomic::{fs_err, write_atomic, Durability, FileLock, FsError};
use crate::storage::container::{Container, ContainerState, Status};

/// Errors of the pod store.
#[derive(Debug, thiserror::Error)]
pub enum PodError {
    #[error("the pod name `{name}` is already in use by pod {id}")]
    NameInUse { name: String, id: String },
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("parse `{path}`")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("no pod with name or ID {0} found: no such pod")]
    NotFound(String),
    #[error("more than one pod matches `{0}`: give more of the id")]
    Ambiguous(String),
}

/// The namespaces a pod's members may share with its infra (`--share`).
pub const SHAREABLE: &[&str] = &["net", "ipc", "uts", "cgroup", "pid"];

/// pod.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PodConfig {
    pub id: String,
    pub name: String,
    pub created: DateTime<Utc>,
    pub labels: BTreeMap<String, String>,
    /// The members' hostname (the pod's name unless `--hostname`).
    pub hostname: String,
    /// Namespaces the members join (`net`, `ipc`, `uts`), in order.
    pub share: Vec<String>,
    /// The infra container's id, when the pod has one.
    pub infra_id: Option<String>,
    /// `--exit-policy`: `continue` (the default) or `stop` (stop the pod when its last
    /// member exits).
    pub exit_policy: String,
    /// The command line that created the pod.
    pub create_command: Vec<String>,
    /// `--network` values the infra was given.
    pub networks: Vec<String>,
    /// `-p` values the infra was given (the pod's published ports).
    pub publish: Vec<String>,
}

impl Default for PodConfig {
    fn default() -> Self {
        PodConfig {
            id: String::new(),
            name: String::new(),
            created: DateTime::<Utc>::UNIX_EPOCH,
            labels: BTreeMap::new(),
            hostname: String::new(),
            share: Vec::new(),
            infra_id: None,
            exit_policy: "continue".into(),
            create_command: Vec::new(),
            networks: Vec::new(),
            publish: Vec::new(),
        }
    }
}

impl PodConfig {
    /// Does the pod share `ns` (`net`, `ipc`, `uts`) with its members?
    pub fn shares(&self, ns: &str) -> bool {
        self.infra_id.is_some() && self.share.iter().any(|s| s == ns)
    }
}

/// A stored pod.
#[derive(Debug, Clone)]
pub struct Pod {
    pub config: PodConfig,
    pub dir: PathBuf,
}

/// `pods/` in the store.
pub fn pods_dir(store_root: &Path) -> PathBuf {
    store_root.join("pods")
}

fn lock_store(store_root: &Path) -> Result<FileLock, PodError> {
    let dir = pods_dir(store_root);
    std::fs::create_dir_all(dir.join("names")).map_err(fs_err("create", &dir))?;
    Ok(FileLock::exclusive(&dir.join(".lock"))?)
}

/// Record a new pod; its name is reserved first (atomically) and released again if the
/// record cannot be written.
pub fn create(store_root: &Path, config: &PodConfig) -> Result<Pod, PodError> {
    let _lock = lock_store(store_root)?;
    let dir = pods_dir(store_root);
    let link = dir.join("names").join(&config.name);
    match std::os::unix::fs::symlink(&config.id, &link) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let id = std::fs::read_link(&link)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Err(PodError::NameInUse {
                name: config.name.clone(),
                id,
            });
        }
        Err(e) => return Err(fs_err("create", &link)(e).into()),
    }
    let pod_dir = dir.join(&config.id);
    let written = std::fs::create_dir_all(&pod_dir)
        .map_err(|e| PodError::from(fs_err("create", &pod_dir)(e)))
        .and_then(|()| {
            save(&Pod {
                config: config.clone(),
                dir: pod_dir.clone(),
            })
        });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&pod_dir);
        let _ = std::fs::remove_file(&link);
        return Err(e);
    }
    Ok(Pod {
        config: config.clone(),
        dir: pod_dir,
    })
}

/// Write a pod's record again (temp + rename).
pub fn save(pod: &Pod) -> Result<(), PodError> {
    let path = pod.dir.join("pod.json");
    let bytes = serde_json::to_vec_pretty(&pod.config).map_err(|source| PodError::Parse {
        path: path.clone(),
        source,
    })?;
    Ok(write_atomic(&path, &bytes, Durability::Unsynced)?)
}

/// Remove a pod's record and release its name.
pub fn remove(store_root: &Path, pod: &Pod) -> Result<(), PodError> {
    let _lock = lock_store(store_root)?;
    let link = pods_dir(store_root).join("names").join(&pod.config.name);
    if std::fs::read_link(&link).is_ok_and(|p| p.as_os_str() == pod.config.id.as_str()) {
        let _ = std::fs::remove_file(&link);
    }
    match std::fs::remove_dir_all(&pod.dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(fs_err("remove", &pod.dir)(e).into()),
    }
}

/// Every pod in the store, oldest first.
pub fn list(store_root: &Path) -> Result<Vec<Pod>, PodError> {
    let dir = pods_dir(store_root);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(fs_err("read", &dir)(e).into()),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let path = entry.path().join("pod.json");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let config: PodConfig =
            serde_json::from_slice(&bytes).map_err(|source| PodError::Parse { path, source })?;
        out.push(Pod {
            config,
            dir: entry.path(),
        });
    }
    out.sort_by_key(|p| p.config.created);
    Ok(out)
}

/// Find a pod by name, full id or unique id prefix.
pub fn find(store_root: &Path, key: &str) -> Result<Pod, PodError> {
    let all = list(store_root)?;
    if let Some(p) = all.iter().find(|p| p.config.name == key) {
        return Ok(p.clone());
    }
    let matches: Vec<&Pod> = all
        .iter()
        .filter(|p| !key.is_empty() && p.config.id.starts_with(key))
        .collect();
    match matches.len() {
        1 => Ok(matches[0].clone()),
        0 => Err(PodError::NotFound(key.to_string())),
        _ => Err(PodError::Ambiguous(key.to_string())),
    }
}

/// The pod's containers (the infra first, then members oldest first).
pub fn members(pod: &Pod, containers: &[Container]) -> Vec<Container> {
    let mut out: Vec<Container> = containers
        .iter()
        .filter(|c| c.config.options.extras.pod.as_deref() == Some(pod.config.id.as_str()))
        .cloned()
        .collect();
    out.sort_by_key(|c| (!c.config.options.extras.infra, c.config.created));
    out
}

/// podman's pod status from its containers' states: `Created` with none, `Running` when all
/// run, `Degraded` when some do, `Exited` when all have exited, else `Created`.
pub fn status(states: &[ContainerState]) -> &'static str {
    if states.is_empty() {
        return "Created";
    }
    let running = states
        .iter()
        .filter(|s| s.status == Status::Running)
        .count();
    let exited = states.iter().filter(|s| s.status == Status::Exited).count();
    if running == states.len() {
        "Running"
    } else if running > 0 {
        "Degraded"
    } else if exited == states.len() {
        "Exited"
    } else {
        "Created"
    }
}

/// podman's pod name check: as a container name.
pub fn valid_name(name: &str) -> bool {
    crate::spec::valid_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: Status) -> ContainerState {
        ContainerState {
            status,
            ..ContainerState::created()
        }
    }

    #[test]
    fn status_follows_podman() {
        assert_eq!(status(&[]), "Created");
        assert_eq!(status(&[state(Status::Running)]), "Running");
        assert_eq!(
            status(&[state(Status::Running), state(Status::Exited)]),
            "Degraded"
        );
        assert_eq!(
            status(&[state(Status::Exited), state(Status::Exited)]),
            "Exited"
        );
        assert_eq!(
            status(&[state(Status::Created), state(Status::Exited)]),
            "Created"
        );
    }

    #[test]
    fn records_round_trip_and_names_are_unique() {
        let dir = tempfile::tempdir().unwrap();
        let config = PodConfig {
            id: "a".repeat(64),
            name: "web".into(),
            created: Utc::now(),
            share: vec!["net".into()],
            infra_id: Some("b".repeat(64)),
            ..PodConfig::default()
        };
        let pod = create(dir.path(), &config).unwrap();
        assert!(pod.config.shares("net"));
        assert!(!pod.config.shares("ipc"));
        let again = PodConfig {
            id: "c".repeat(64),
            ..config.clone()
        };
        assert!(matches!(
            create(dir.path(), &again),
            Err(PodError::NameInUse { .. })
        ));
        assert_eq!(find(dir.path(), "web").unwrap().config, config);
        assert_eq!(find(dir.path(), "aaaa").unwrap().config.name, "web");
        assert!(matches!(find(dir.path(), "x"), Err(PodError::NotFound(_))));
        remove(dir.path(), &pod).unwrap();
        assert!(list(dir.path()).unwrap().is_empty());
        create(dir.path(), &again).unwrap();
    }
}
