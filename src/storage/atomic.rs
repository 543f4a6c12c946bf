//! Writing files into the store: the one atomic write, the one filesystem error, and the
//! temporary names that say which process owns them.
//!
//! A temporary name carries its writer's pid and start time (`.tmp-<pid>-<start>-<tail>`,
//! `.trash-<pid>-<start>-<tail>`), so a later command knows a leftover of a killed writer from
//! the work of one still running without guessing by age: the writer is alive exactly when
//! `/proc/<pid>/stat` shows that start time (docs/design-notes.md, "Cleanup").

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A filesystem operation that failed: what was done (`write`, `rename`, ...), on which path,
/// and the errno.
#[derive(Debug, thiserror::Error)]
#[error("{op} `{path}`")]
pub struct FsError {
    pub op: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl FsError {
    /// Did the write fail for a full disk (or quota)?
    pub fn is_no_space(&self) -> bool {
        is_no_space(&self.source)
    }
}

/// Is `e` ENOSPC or EDQUOT?
pub fn is_no_space(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT))
}

/// For `map_err`: the [`FsError`] of `op` on `path`.
pub fn fs_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> FsError + 'a {
    move |source| FsError {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// An exclusive `flock` on a lock file, created if missing; released when dropped. Every
/// lock of the store (the image store, a container, the network store) is one of these.
#[derive(Debug)]
pub struct FileLock {
    _file: nix::fcntl::Flock<std::fs::File>,
}

impl FileLock {
    /// Wait for the lock on `path`.
    pub fn exclusive(path: &Path) -> Result<FileLock, FsError> {
        Self::take(path, nix::fcntl::FlockArg::LockExclusive)
    }

    /// The lock on `path` if nobody holds it now.
    pub fn try_exclusive(path: &Path) -> Result<FileLock, FsError> {
        Self::take(path, nix::fcntl::FlockArg::LockExclusiveNonblock)
    }

    fn take(path: &Path, how: nix::fcntl::FlockArg) -> Result<FileLock, FsError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(fs_err("open", path))?;
        let locked = nix::fcntl::Flock::lock(file, how)
            .map_err(|(_, errno)| fs_err("lock", path)(errno.into()))?;
        Ok(FileLock { _file: locked })
    }
}

/// How much of a crash a write survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file and its directory are fsynced before the write returns: the record survives a
    /// power cut. For records other records point at (blobs, layers, image configs and
    /// manifests, the image index, volume and network configs).
    Synced,
    /// Atomic against a killed berth (a reader sees the old or the new file, never half of
    /// one), but a power cut may lose the update. For records rewritten at every state change
    /// and corrected from the live processes by the next command (container state, holder and
    /// link state, health) and for caches.
    Unsynced,
}

/// Write `bytes` to `path` atomically: an owned temporary file in the same directory,
/// renamed over the old one, fsynced as `durability` says. On failure the temporary file is
/// removed, so a refused or full-disk write gives its space back.
pub fn write_atomic(path: &Path, bytes: &[u8], durability: Durability) -> Result<(), FsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(temp_name(
        &path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(fs_err("create", &tmp))?;
        f.write_all(bytes).map_err(fs_err("write", &tmp))?;
        if durability == Durability::Synced {
            f.sync_all().map_err(fs_err("sync", &tmp))?;
        }
        drop(f);
        std::fs::rename(&tmp, path).map_err(fs_err("rename", &tmp))?;
        if durability == Durability::Synced {
            sync_dir(dir);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// fsync a directory, so a rename into it survives a power cut (best effort: a filesystem
/// that cannot sync directories has nothing more to give).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Which process wrote a temporary name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub pid: i32,
    /// Field 22 of `/proc/<pid>/stat` (clock ticks since boot).
    pub start: u64,
}

impl Owner {
    /// This process. Computed again after a fork (the session is a forked copy of P0).
    pub fn current() -> Owner {
        static CACHE: std::sync::Mutex<Option<Owner>> = std::sync::Mutex::new(None);
        let pid = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
        let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(owner) = *cache {
            if owner.pid == pid {
                return owner;
            }
        }
        let owner = Owner {
            pid,
            start: super::container::process_start_time(pid).unwrap_or(0),
        };
        *cache = Some(owner);
        owner
    }

    /// Is the process still running (the same one: a reused pid has another start time)?
    pub fn is_alive(self) -> bool {
        super::container::process_start_time(self.pid) == Some(self.start)
    }
}

/// What a leftover-looking name says about its writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// Named by a process that is still running: its work in progress.
    Alive,
    /// Named by a process that is gone: a leftover, safe to remove.
    Dead,
    /// A `.tmp-*`/`.trash-*` name without an owner (written by an earlier release).
    Unknown,
}

/// `.tmp-` or `.trash-` followed by `<pid>-<start>-`: the owner of a temporary name.
pub fn owner_of(name: &str) -> Option<Owner> {
    let rest = name
        .strip_prefix(".tmp-")
        .or_else(|| name.strip_prefix(".trash-"))?;
    let mut parts = rest.splitn(3, '-');
    let pid = parts.next()?.parse().ok()?;
    let start = parts.next()?.parse().ok()?;
    parts.next()?;
    Some(Owner { pid, start })
}

/// The writer of the `.tmp-*`/`.trash-*` entry `name`; `None` for any other name.
pub fn writer_of(name: &str) -> Option<Writer> {
    if !(name.starts_with(".tmp-") || name.starts_with(".trash-")) {
        return None;
    }
    Some(match owner_of(name) {
        Some(o) if o.is_alive() => Writer::Alive,
        Some(_) => Writer::Dead,
        None => Writer::Unknown,
    })
}

/// A fresh temporary name owned by this process: `.tmp-<pid>-<start>-<tail>.<n>`.
pub fn temp_name(tail: &str) -> String {
    owned_name("tmp", tail)
}

/// A trash name owned by this process: `.trash-<pid>-<start>-<tail>.<n>`.
pub fn trash_name(tail: &str) -> String {
    owned_name("trash", tail)
}

fn owned_name(kind: &str, tail: &str) -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let Owner { pid, start } = Owner::current();
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    format!(".{kind}-{pid}-{start}-{tail}.{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_names_round_trip() {
        let name = temp_name("layer.json");
        let me = Owner::current();
        assert_eq!(owner_of(&name), Some(me));
        assert_eq!(writer_of(&name), Some(Writer::Alive));
        assert_ne!(temp_name("x"), temp_name("x"));
        assert_eq!(owner_of(&trash_name("abc")), Some(me));
        // A dead writer: same pid, another start time.
        let dead = format!(".tmp-{}-{}-x", me.pid, me.start + 1);
        assert_eq!(writer_of(&dead), Some(Writer::Dead));
        assert_eq!(writer_of(".tmp-ABCDEF"), Some(Writer::Unknown));
        assert_eq!(writer_of(".tmp-load-XYZ"), Some(Writer::Unknown));
        assert_eq!(writer_of("images.json"), None);
    }

    #[test]
    fn write_atomic_replaces_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        for d in [Durability::Synced, Durability::Unsynced] {
            write_atomic(&path, b"one", d).unwrap();
            write_atomic(&path, b"two", d).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), b"two");
        }
        // A write that fails (its target is a directory) leaves no temporary file.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir_all(blocked.join("inner")).unwrap();
        let err = write_atomic(&blocked, b"x", Durability::Synced).unwrap_err();
        assert_eq!(err.op, "rename");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("rename `") && text.ends_with("`"),
            "{text}"
        );
        assert!(err.path.starts_with(dir.path()));
    }
}
