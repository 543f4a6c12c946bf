//! Containers on disk: `containers/<id>/` with config.json, state.json, the overlay's
//! upper/work/merged directories and the generated /etc files. Names are reserved with a
//! symlink `containers/names/<name> -> <id>`, which `symlink(2)` creates atomically: of two
//! `run --name x` at once, exactly one wins.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{fs_err, temp_name, trash_name, write_atomic, Durability, FsError};

/// Errors of the container store.
#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("the container name `{name}` is already in use by container {id}")]
    NameInUse { name: String, id: String },
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("parse `{path}`")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("no container with name or ID \"{0}\" found: no such container")]
    NotFound(String),
    #[error("more than one container matches `{0}`: give more of the id")]
    Ambiguous(String),
}

impl ContainerError {
    /// The command layer's error for a failed lookup: a missing container as podman words
    /// it (no operation in front, as scripts match it), anything else after `what`.
    pub fn into_lookup_error(self, what: &str) -> crate::error::Error {
        match self {
            e @ ContainerError::NotFound(_) => crate::error::Error::not_found(e),
            e => crate::error::Error::from_source(what, e),
        }
    }
}

/// config.json: what the container was created from. Never changes after create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerConfig {
    pub id: String,
    pub name: String,
    pub image_id: String,
    pub image_name: String,
    pub command: Vec<String>,
    pub created: DateTime<Utc>,
    pub rm: bool,
    /// The container's spec, so later commands (start, inspect) see the same container.
    /// A record that lacks fields (written by an earlier release) takes the spec's defaults.
    pub options: crate::spec::RunOptions,
}

/// Where a container is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Running,
    Exited,
}

/// state.json: changes as the container runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerState {
    pub status: Status,
    pub pid: Option<i32>,
    pub exit_code: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The start time of `pid` (field 22 of /proc/PID/stat), so a reused pid is never
    /// mistaken for the container.
    #[serde(default)]
    pub pid_start: Option<u64>,
    /// The session process that supervises the container (our conmon), and its start time.
    #[serde(default)]
    pub monitor: Option<(i32, u64)>,
    /// How often the restart policy has started the container again.
    #[serde(default)]
    pub restart_count: u32,
}

impl ContainerState {
    /// A fresh `created` state.
    pub fn created() -> Self {
        ContainerState {
            status: Status::Created,
            pid: None,
            exit_code: None,
            started_at: None,
            finished_at: None,
            pid_start: None,
            monitor: None,
            restart_count: 0,
        }
    }

    /// Is the recorded process still the container's? A `running` state whose process is
    /// gone (its session was killed) is not running, whatever the file says.
    pub fn is_alive(&self) -> bool {
        match (self.status, self.pid, self.pid_start) {
            (Status::Running, Some(pid), Some(start)) => process_start_time(pid) == Some(start),
            _ => false,
        }
    }
}

/// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. `None`
/// when the process is gone, or is a zombie nobody has reaped yet (it is dead all the same).
pub fn process_start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses: skip past its end.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    if matches!(fields.next(), Some("Z" | "X")) {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

/// A held container lock; released when dropped.
#[derive(Debug)]
pub struct ContainerLock {
    _file: super::atomic::FileLock,
}

/// One container's directory.
#[derive(Debug, Clone)]
pub struct Container {
    pub config: ContainerConfig,
    pub dir: PathBuf,
}

impl Container {
    pub fn upper(&self) -> PathBuf {
        self.dir.join("upper")
    }
    pub fn work(&self) -> PathBuf {
        self.dir.join("work")
    }
    pub fn merged(&self) -> PathBuf {
        self.dir.join("merged")
    }
    /// Where hosts, hostname and resolv.conf are generated.
    pub fn etc_dir(&self) -> PathBuf {
        self.dir.join("etc")
    }

    /// Read state.json; a `running` state whose process is gone reads as exited with no
    /// known code (its monitor was killed).
    pub fn state(&self) -> Result<ContainerState, ContainerError> {
        let mut state = self.recorded_state()?;
        if state.status == Status::Running && !state.is_alive() {
            state.status = Status::Exited;
            state.pid = None;
        }
        Ok(state)
    }

    /// state.json as its writer left it, without the liveness check.
    pub fn recorded_state(&self) -> Result<ContainerState, ContainerError> {
        let path = self.dir.join("state.json");
        let bytes = std::fs::read(&path).map_err(fs_err("read", &path))?;
        serde_json::from_slice(&bytes).map_err(|source| ContainerError::Parse {
            path: path.clone(),
            source,
        })
    }

    /// Take the container's lock (flock on `lock` in its directory): commands that change
    /// a container's state hold it, so two of them on one container run one after the
    /// other. A detached container's monitor does not hold it while the container runs.
    pub fn lock(&self) -> Result<ContainerLock, ContainerError> {
        Ok(ContainerLock {
            _file: super::atomic::FileLock::exclusive(&self.dir.join("lock"))?,
        })
    }

    /// Is the session that supervises this container still alive?
    pub fn monitor_alive(&self) -> bool {
        self.recorded_state()
            .ok()
            .and_then(|s| s.monitor)
            .is_some_and(|(pid, start)| process_start_time(pid) == Some(start))
    }

    /// Replace state.json atomically.
    pub fn write_state(&self, state: &ContainerState) -> Result<(), ContainerError> {
        let path = self.dir.join("state.json");
        let bytes = serde_json::to_vec_pretty(state).map_err(|source| ContainerError::Parse {
            path: path.clone(),
            source,
        })?;
        Ok(write_atomic(&path, &bytes, Durability::Unsynced)?)
    }

    /// Replace config.json atomically (`update`'s new limits).
    pub fn write_config(&self, config: &ContainerConfig) -> Result<(), ContainerError> {
        let path = self.dir.join("config.json");
        let bytes = serde_json::to_vec_pretty(config).map_err(|source| ContainerError::Parse {
            path: path.clone(),
            source,
        })?;
        Ok(write_atomic(&path, &bytes, Durability::Unsynced)?)
    }
}

/// The containers directory of a store root.
pub fn containers_dir(store_root: &Path) -> PathBuf {
    store_root.join("containers")
}

/// A new 64-hex container id.
pub fn new_id() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the kernel's random source failed");
    hex::encode(bytes)
}

/// A podman-like generated name: `adjective_noun`.
pub fn generated_name(id: &str) -> String {
    const ADJ: [&str; 16] = [
        "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry",
        "nimble", "proud", "quiet", "rapid", "sunny", "witty",
    ];
    const NOUN: [&str; 16] = [
        "anchor", "beacon", "buoy", "cove", "dock", "ferry", "harbor", "jetty", "keel", "lagoon",
        "mast", "pier", "quay", "reef", "sail", "wharf",
    ];
    let b = hex::decode(&id[..4]).unwrap_or_else(|_| vec![0, 0]);
    format!(
        "{}_{}",
        ADJ[usize::from(b[0]) % ADJ.len()],
        NOUN[usize::from(b[1]) % NOUN.len()]
    )
}

/// Create a container: make its directory under a temporary name owned by this process,
/// reserve its name, fill the directory and rename it into place. The directory exists
/// before the name does, so a name whose container has neither a directory nor a live
/// writer's temporary one is a leftover of a killed `create` (see `super::cleanup`).
pub fn create(
    store_root: &Path,
    name: Option<&str>,
    make_config: impl FnOnce(&str, &str) -> ContainerConfig,
) -> Result<Container, ContainerError> {
    let dir = containers_dir(store_root);
    let names = dir.join("names");
    std::fs::create_dir_all(&names).map_err(fs_err("create", &names))?;
    let id = new_id();
    let tmp = dir.join(temp_name(&id));
    std::fs::create_dir(&tmp).map_err(fs_err("create", &tmp))?;
    let mut link = None;
    let result = (|| {
        let mut chosen = name.map_or_else(|| generated_name(&id), str::to_string);
        loop {
            let path = names.join(&chosen);
            match std::os::unix::fs::symlink(&id, &path) {
                Ok(()) => {
                    link = Some(path);
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if name.is_some() {
                        let other = std::fs::read_link(&path)
                            .map(|p| p.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        return Err(ContainerError::NameInUse {
                            name: chosen,
                            id: other,
                        });
                    }
                    // A generated name clashed: make it unique with the id.
                    chosen = format!("{}_{}", generated_name(&id), &id[..6]);
                }
                Err(e) => return Err(fs_err("create", &path)(e).into()),
            }
        }
        let config = make_config(&id, &chosen);
        for sub in ["upper", "work", "merged", "etc"] {
            let p = tmp.join(sub);
            std::fs::create_dir(&p).map_err(fs_err("create", &p))?;
        }
        let path = tmp.join("config.json");
        let bytes = serde_json::to_vec_pretty(&config).map_err(|source| ContainerError::Parse {
            path: path.clone(),
            source,
        })?;
        write_atomic(&path, &bytes, Durability::Unsynced)?;
        let container = Container {
            config,
            dir: tmp.clone(),
        };
        container.write_state(&ContainerState::created())?;
        let final_dir = dir.join(&id);
        std::fs::rename(&tmp, &final_dir).map_err(fs_err("rename", &final_dir))?;
        Ok(Container {
            dir: final_dir,
            ..container
        })
    })();
    if result.is_err() {
        if let Some(link) = link {
            let _ = std::fs::remove_file(link);
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Remove a container's directory and its name. The directory is first renamed out of
/// sight, so a crash half-way leaves only `.trash-*` garbage.
pub fn remove(store_root: &Path, container: &Container) -> Result<(), ContainerError> {
    let trash = retire(store_root, container)?;
    purge(&trash)
}

/// The first, fast half of `remove`: the container disappears from the store (its
/// directory renamed to a `.trash-*` name this process owns, its name released). Returns the trash path.
pub fn retire(store_root: &Path, container: &Container) -> Result<PathBuf, ContainerError> {
    let dir = containers_dir(store_root);
    // The name on disk, which `rename` may have changed since `container` was read.
    let name = std::fs::read(container.dir.join("config.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<ContainerConfig>(&b).ok())
        .map_or_else(|| container.config.name.clone(), |c| c.name);
    let trash = dir.join(trash_name(&container.config.id));
    std::fs::rename(&container.dir, &trash).map_err(fs_err("rename", &container.dir))?;
    let link = dir.join("names").join(&name);
    if std::fs::read_link(&link).is_ok_and(|p| p.as_os_str() == container.config.id.as_str()) {
        let _ = std::fs::remove_file(&link);
    }
    // The container's cgroup goes with it (what is left in it is killed first).
    if let Some(leaf) = crate::cgroup::leaf_of(
        &container.config.options.extras.cgroup,
        &container.config.id,
    ) {
        let _ = leaf.remove();
    }
    Ok(trash)
}

/// The second half of `remove`: delete a retired container's files.
pub fn purge(trash: &Path) -> Result<(), ContainerError> {
    Ok(std::fs::remove_dir_all(trash).map_err(fs_err("remove", trash))?)
}

/// Give a container a new name: the new name is reserved first (atomically, so a name in
/// use is refused), then config.json is replaced, then the old name is released.
pub fn rename(
    store_root: &Path,
    container: &Container,
    new_name: &str,
) -> Result<Container, ContainerError> {
    let names = containers_dir(store_root).join("names");
    let link = names.join(new_name);
    let id = &container.config.id;
    match std::os::unix::fs::symlink(id, &link) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let other = std::fs::read_link(&link)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            return Err(ContainerError::NameInUse {
                name: new_name.to_string(),
                id: other,
            });
        }
        Err(e) => return Err(fs_err("create", &link)(e).into()),
    }
    let config = ContainerConfig {
        name: new_name.to_string(),
        ..container.config.clone()
    };
    let path = container.dir.join("config.json");
    let written = serde_json::to_vec_pretty(&config)
        .map_err(|source| ContainerError::Parse {
            path: path.clone(),
            source,
        })
        .and_then(|bytes| Ok(write_atomic(&path, &bytes, Durability::Unsynced)?));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&link);
        return Err(e);
    }
    let old = names.join(&container.config.name);
    if std::fs::read_link(&old).is_ok_and(|p| p.as_os_str() == id.as_str()) {
        let _ = std::fs::remove_file(&old);
    }
    Ok(Container {
        config,
        dir: container.dir.clone(),
    })
}

/// Find a container by full id, unique id prefix, or name.
pub fn find(store_root: &Path, key: &str) -> Result<Container, ContainerError> {
    let dir = containers_dir(store_root);
    if let Ok(id) = std::fs::read_link(dir.join("names").join(key)) {
        let id = id.to_string_lossy().into_owned();
        if let Some(c) = list(store_root)?.into_iter().find(|c| c.config.id == id) {
            return Ok(c);
        }
    }
    let matches: Vec<Container> = list(store_root)?
        .into_iter()
        .filter(|c| !key.is_empty() && c.config.id.starts_with(key))
        .collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => Err(ContainerError::NotFound(key.to_string())),
        _ => Err(ContainerError::Ambiguous(key.to_string())),
    }
}

/// Load every container (skipping temporary and trash directories).
pub fn list(store_root: &Path) -> Result<Vec<Container>, ContainerError> {
    let dir = containers_dir(store_root);
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
        let path = entry.path().join("config.json");
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let config: ContainerConfig = match serde_json::from_slice(&bytes) {
            Ok(c) => c,
            Err(e) => {
                // One damaged record must not break every command: it is skipped with one
                // warning, and `rm -f` removes it (see `find_damaged`).
                warn_damaged(&path, &e);
                continue;
            }
        };
        out.push(Container {
            config,
            dir: entry.path(),
        });
    }
    Ok(out)
}

/// Print the warning for a damaged container record, once per record and process (a command
/// may list the containers more than once).
fn warn_damaged(path: &Path, e: &serde_json::Error) {
    use std::sync::Mutex;
    static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
    if warned.iter().any(|p| p == path) {
        return;
    }
    warned.push(path.to_path_buf());
    crate::config::global::warn(format_args!(
        "skipping damaged container record `{}`: {e} (hint: `berth rm -f <id>` removes it)",
        path.display()
    ));
}

/// The directory of a container whose record cannot be read, found by its name (the
/// `names/` link), full id or unique id prefix; `None` when `key` names no damaged record.
pub fn find_damaged(store_root: &Path, key: &str) -> Option<(String, PathBuf)> {
    let dir = containers_dir(store_root);
    let damaged = |id: &str| {
        let path = dir.join(id);
        let bytes = std::fs::read(path.join("config.json")).ok();
        let ok = bytes.is_some_and(|b| serde_json::from_slice::<ContainerConfig>(&b).is_ok());
        (path.is_dir() && !ok).then_some(path)
    };
    let is_id = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Ok(id) = std::fs::read_link(dir.join("names").join(key)) {
        let id = id.to_string_lossy().into_owned();
        if is_id(&id) {
            if let Some(p) = damaged(&id) {
                return Some((id, p));
            }
        }
    }
    if key.is_empty() {
        return None;
    }
    let mut hits: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_id(n) && n.starts_with(key))
        .collect();
    if hits.len() != 1 {
        return None;
    }
    let id = hits.pop()?;
    damaged(&id).map(|p| (id, p))
}

/// Remove a damaged container record: its directory goes to the trash first (as in `retire`),
/// then every name link that points at it is released.
pub fn remove_damaged(store_root: &Path, id: &str, path: &Path) -> Result<(), ContainerError> {
    let dir = containers_dir(store_root);
    let trash = dir.join(trash_name(id));
    std::fs::rename(path, &trash).map_err(fs_err("rename", path))?;
    if let Ok(names) = std::fs::read_dir(dir.join("names")) {
        for link in names.flatten() {
            if std::fs::read_link(link.path()).is_ok_and(|p| p.as_os_str() == id) {
                let _ = std::fs::remove_file(link.path());
            }
        }
    }
    purge(&trash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(id: &str, name: &str) -> ContainerConfig {
        ContainerConfig {
            id: id.into(),
            name: name.into(),
            image_id: "i".repeat(64),
            image_name: "busybox".into(),
            command: vec!["true".into()],
            created: Utc::now(),
            rm: false,
            options: crate::spec::RunOptions::default(),
        }
    }

    /// Does `new` hold everything `old` holds (objects may have more keys)?
    fn is_subset(old: &serde_json::Value, new: &serde_json::Value) -> bool {
        match (old, new) {
            (serde_json::Value::Object(a), serde_json::Value::Object(b)) => a
                .iter()
                .all(|(k, v)| b.get(k).is_some_and(|w| is_subset(v, w))),
            _ => old == new,
        }
    }

    /// Records written by the release before the typed spec (`tests/fixtures/records/`, made
    /// with that release's `berth create`) read, keep every field, and mean the same.
    #[test]
    fn records_of_the_previous_release_still_read() {
        use crate::spec::{NetworkMode, RestartPolicy, UsernsMode};
        let records = [
            include_str!("../../tests/fixtures/records/fixture.config.json"),
            include_str!("../../tests/fixtures/records/fx-keepid.config.json"),
            include_str!("../../tests/fixtures/records/fx-net.config.json"),
        ];
        let mut read = Vec::new();
        for text in records {
            let c: ContainerConfig = serde_json::from_str(text).expect("an old record reads");
            let original: serde_json::Value = serde_json::from_str(text).unwrap();
            // Every field the old release wrote is kept with its value; fields added since
            // are written with their defaults.
            let written = serde_json::to_value(&c).unwrap();
            assert!(
                is_subset(&original, &written),
                "{} keeps its fields:\n{original}\n{written}",
                c.name
            );
            read.push(c);
        }
        let o = &read[0].options;
        assert_eq!(o.restart, RestartPolicy::OnFailure(Some(3)));
        assert_eq!(o.net.ports[0].host_port, 18080);
        assert!(matches!(&o.network, NetworkMode::Slirp4netns(s) if s.allow_host_loopback));
        assert_eq!(o.extras.labels["app"], "web");
        assert_eq!(o.named_volumes[0].name, "vol1");
        assert_eq!(
            o.extras.health.interval,
            Some(std::time::Duration::from_secs(30))
        );
        assert_eq!(read[1].options.userns, UsernsMode::KeepId);
        let n = &read[2].options;
        assert_eq!(n.network, NetworkMode::Bridge);
        assert_eq!(n.user_networks, ["fxnet"]);
        // --network-alias joins the one network's own aliases.
        assert_eq!(n.network_opts["fxnet"].aliases, ["web", "other"]);
        assert_eq!(
            n.network_opts["fxnet"].ip,
            Some(std::net::Ipv4Addr::new(10, 77, 0, 5))
        );
    }

    #[test]
    fn create_list_remove() {
        let tmp = tempfile::tempdir().unwrap();
        let c = create(tmp.path(), Some("web"), config).unwrap();
        assert!(c.upper().is_dir() && c.merged().is_dir());
        assert_eq!(c.config.name, "web");
        let all = list(tmp.path()).unwrap();
        assert_eq!(all.len(), 1);
        remove(tmp.path(), &c).unwrap();
        assert!(list(tmp.path()).unwrap().is_empty());
        // The name is free again.
        create(tmp.path(), Some("web"), config).unwrap();
    }

    #[test]
    fn a_name_is_taken_once() {
        let tmp = tempfile::tempdir().unwrap();
        let first = create(tmp.path(), Some("x"), config).unwrap();
        match create(tmp.path(), Some("x"), config) {
            Err(ContainerError::NameInUse { name, id }) => {
                assert_eq!(name, "x");
                assert_eq!(id, first.config.id);
            }
            other => panic!("expected NameInUse, got {other:?}"),
        }
        assert_eq!(list(tmp.path()).unwrap().len(), 1);
    }

    #[test]
    fn liveness_checks_pid_and_start_time() {
        let me = i32::try_from(std::process::id()).unwrap();
        let mut state = ContainerState::created();
        state.status = Status::Running;
        state.pid = Some(me);
        state.pid_start = process_start_time(me);
        assert!(state.pid_start.is_some());
        assert!(state.is_alive());
        state.pid_start = state.pid_start.map(|s| s + 1);
        assert!(!state.is_alive());
    }

    #[test]
    fn a_dead_running_container_reads_as_exited() {
        let tmp = tempfile::tempdir().unwrap();
        let c = create(tmp.path(), None, config).unwrap();
        let mut state = ContainerState::created();
        state.status = Status::Running;
        state.pid = Some(i32::MAX);
        state.pid_start = Some(1);
        c.write_state(&state).unwrap();
        assert_eq!(c.state().unwrap().status, Status::Exited);
    }

    #[test]
    fn rename_moves_the_name() {
        let tmp = tempfile::tempdir().unwrap();
        let first = create(tmp.path(), Some("first"), config).unwrap();
        create(tmp.path(), Some("taken"), config).unwrap();
        match rename(tmp.path(), &first, "taken") {
            Err(ContainerError::NameInUse { name, .. }) => assert_eq!(name, "taken"),
            other => panic!("expected NameInUse, got {other:?}"),
        }
        let b = rename(tmp.path(), &first, "second").unwrap();
        assert_eq!(b.config.name, "second");
        assert_eq!(
            find(tmp.path(), "second").unwrap().config.id,
            first.config.id
        );
        assert_eq!(find(tmp.path(), "second").unwrap().config.name, "second");
        assert!(matches!(
            find(tmp.path(), "first"),
            Err(ContainerError::NotFound(_))
        ));
        // The old name is free again, and removing with the stale record frees the new one.
        create(tmp.path(), Some("first"), config).unwrap();
        remove(tmp.path(), &first).unwrap();
        create(tmp.path(), Some("second"), config).unwrap();
    }

    #[test]
    fn generated_names_are_unique() {
        let tmp = tempfile::tempdir().unwrap();
        let a = create(tmp.path(), None, config).unwrap();
        let b = create(tmp.path(), None, config).unwrap();
        assert_ne!(a.config.name, b.config.name);
    }
}
