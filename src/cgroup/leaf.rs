//! A container's own cgroup: made before C is cloned into it, given its limits, frozen for
//! `pause`, emptied with `cgroup.kill`, removed at `rm`.

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::host::{controllers, names};
use super::plan::LimitPlan;
use super::CgroupError;

/// The cgroup directory of one container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub path: PathBuf,
}

fn write(path: PathBuf, value: &str) -> Result<(), CgroupError> {
    std::fs::write(&path, value).map_err(|source| CgroupError::Write {
        path,
        value: value.to_string(),
        source,
    })
}

/// Make `controller` usable by the children of `dir`: enabled in its parent first when
/// `dir` itself lacks it (as far up as the user owns), then in its cgroup.subtree_control.
fn enable(dir: &Path, controller: &str) -> Result<(), CgroupError> {
    let enabled = std::fs::read_to_string(dir.join("cgroup.subtree_control"))
        .map(|t| names(&t))
        .unwrap_or_default();
    if enabled.iter().any(|c| c == controller) {
        return Ok(());
    }
    if !controllers(dir).iter().any(|c| c == controller) {
        if let Some(parent) = dir.parent().filter(|p| super::host::owned(p)) {
            enable(parent, controller)?;
        }
    }
    write(
        dir.join("cgroup.subtree_control"),
        &format!("+{controller}"),
    )
}

impl Leaf {
    /// The leaf at `path` (which may not exist).
    pub fn at(path: impl Into<PathBuf>) -> Leaf {
        Leaf { path: path.into() }
    }

    /// Make the leaf (and the directories above it, below the delegated subtree), enable the
    /// controllers `plan` needs in its parent, and write the limits. An existing leaf (a
    /// restart) is reused.
    pub fn create(path: &Path, plan: &LimitPlan) -> Result<Leaf, CgroupError> {
        // A leaf left by an earlier run is made afresh when empty: a cgroup that `cgroup.kill`
        // was written to can SIGKILL a child cloned into it later (seen on 6.18 with
        // CLONE_INTO_CGROUP), and a new one carries no stale settings either.
        let old = Leaf::at(path);
        if old.exists() && !old.populated() {
            let _ = std::fs::remove_dir(path);
        }
        std::fs::create_dir_all(path).map_err(|source| CgroupError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        let leaf = Leaf::at(path);
        if let Some(parent) = path.parent() {
            for (_, c) in plan.controllers() {
                enable(parent, &c)?;
            }
        }
        leaf.apply(plan)?;
        Ok(leaf)
    }

    /// Write the limits of `plan`.
    pub fn apply(&self, plan: &LimitPlan) -> Result<(), CgroupError> {
        for w in &plan.writes {
            write(self.path.join(&w.file), &w.value)?;
        }
        Ok(())
    }

    /// The leaf's directory, opened for `clone3`'s CLONE_INTO_CGROUP.
    pub fn open(&self) -> Result<OwnedFd, CgroupError> {
        std::fs::File::open(&self.path)
            .map(OwnedFd::from)
            .map_err(|source| CgroupError::Read {
                path: self.path.clone(),
                source,
            })
    }

    pub fn exists(&self) -> bool {
        self.path.join("cgroup.procs").exists()
    }

    /// A `key value` line of a flat-keyed file such as cgroup.events.
    fn key(&self, file: &str, key: &str) -> Option<u64> {
        let text = std::fs::read_to_string(self.path.join(file)).ok()?;
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            (k == key).then(|| v.trim().parse().ok()).flatten()
        })
    }

    /// Does the leaf (or a cgroup below it) hold a process?
    pub fn populated(&self) -> bool {
        self.key("cgroup.events", "populated") == Some(1)
    }

    /// Is the leaf frozen (paused)?
    pub fn is_frozen(&self) -> bool {
        self.key("cgroup.events", "frozen") == Some(1)
    }

    /// Freeze (`true`) or thaw the leaf, waiting until the kernel reports it done.
    pub fn freeze(&self, on: bool) -> Result<(), CgroupError> {
        write(self.path.join("cgroup.freeze"), if on { "1" } else { "0" })?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.is_frozen() != on {
            if Instant::now() > deadline {
                return Err(CgroupError::FreezeTimeout {
                    path: self.path.clone(),
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    }

    /// SIGKILL every process in the leaf with `cgroup.kill` (also a frozen one, and one that
    /// left the container's process tree). `false` when the kernel has no cgroup.kill.
    pub fn kill(&self) -> Result<bool, CgroupError> {
        let file = self.path.join("cgroup.kill");
        if !file.exists() {
            return Ok(false);
        }
        if !self.populated() {
            return Ok(true);
        }
        write(file, "1")?;
        Ok(true)
    }

    /// The pids in the leaf.
    pub fn procs(&self) -> Vec<i32> {
        std::fs::read_to_string(self.path.join("cgroup.procs"))
            .map(|t| t.lines().filter_map(|l| l.trim().parse().ok()).collect())
            .unwrap_or_default()
    }

    /// Wait up to `limit` for the leaf to have no process left.
    pub fn wait_empty(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if !self.populated() {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Remove the leaf: kill what is left in it first. A leaf that is gone already is fine.
    pub fn remove(&self) -> Result<(), CgroupError> {
        if !self.exists() {
            return Ok(());
        }
        if self.populated() {
            let _ = self.kill();
            let _ = self.freeze(false);
            self.wait_empty(Duration::from_secs(5));
        }
        match std::fs::remove_dir(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(CgroupError::Remove {
                path: self.path.clone(),
                source,
            }),
        }
    }

    /// The memory controller's count of OOM kills in the leaf (memory.events `oom_kill`).
    pub fn oom_kills(&self) -> u64 {
        self.key("memory.events", "oom_kill").unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Limits;

    /// A fake cgroup directory: plain files standing in for the kernel's.
    fn fake_parent(t: &Path) -> PathBuf {
        let parent = t.join("deleg");
        std::fs::create_dir_all(&parent).unwrap();
        std::fs::write(parent.join("cgroup.controllers"), "cpu memory pids\n").unwrap();
        std::fs::write(parent.join("cgroup.subtree_control"), "").unwrap();
        parent
    }

    #[test]
    fn create_enables_controllers_in_the_parent_and_writes_the_limits() {
        let t = tempfile::tempdir().unwrap();
        let parent = fake_parent(t.path());
        let limits = Limits {
            memory: Some(32 << 20),
            pids_limit: Some(5),
            ..Limits::default()
        };
        let plan = LimitPlan::of(&limits, &|_| None).unwrap();
        let leaf = Leaf::create(&parent.join("berth-abc"), &plan).unwrap();
        let read = |f: &str| std::fs::read_to_string(leaf.path.join(f)).unwrap();
        assert_eq!(read("memory.max"), "33554432");
        assert_eq!(read("pids.max"), "5");
        // A plain file keeps only the last write: pids, after memory.
        assert_eq!(
            std::fs::read_to_string(parent.join("cgroup.subtree_control")).unwrap(),
            "+pids"
        );
        // A restart reuses the leaf.
        assert!(Leaf::create(&parent.join("berth-abc"), &plan).is_ok());
    }

    #[test]
    fn flat_keys_are_read() {
        let t = tempfile::tempdir().unwrap();
        let leaf = Leaf::at(t.path());
        std::fs::write(t.path().join("cgroup.events"), "populated 1\nfrozen 1\n").unwrap();
        std::fs::write(t.path().join("memory.events"), "low 0\noom 2\noom_kill 1\n").unwrap();
        std::fs::write(t.path().join("cgroup.procs"), "12\n13\n").unwrap();
        assert!(leaf.is_frozen());
        assert_eq!(leaf.oom_kills(), 1);
        assert_eq!(leaf.procs(), [12, 13]);
        // No cgroup.kill here: the kernel lacks it.
        assert!(!leaf.kill().unwrap());
    }
}
