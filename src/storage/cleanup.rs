//! Finishing what a killed berth left: the leftovers of writers that are gone, found by name
//! (docs/design-notes.md, "Cleanup").
//!
//! - `.tmp-<pid>-<start>-*` and `.trash-<pid>-<start>-*` in the store's root, `layers/`,
//!   `blobs/sha256/`, `images/` and `containers/`: left over when that process is gone
//!   ([`super::atomic::writer_of`]). Names without an owner (written by an earlier release)
//!   count as left over once they are a day old.
//! - `blobs/sha256/.partial-<hex>`: a download is in progress exactly while its blob lock
//!   (`locks/blob-<hex>`) is held, so a partial whose lock can be taken is left over.
//! - `layers/l/<short>` links whose layer is missing: a layer gets its link just before its
//!   rename into place, both under the store lock, so under that lock a dangling link is left
//!   over.
//! - `containers/names/<name>` links whose container has neither a directory nor a
//!   temporary or trash directory of a live writer (`create` makes its directory before the
//!   name; `rm` releases the name after moving the directory to the trash).
//!
//! Finding them costs one `readdir` of each of those directories; a leftover costs a read of
//! `/proc/<pid>/stat`.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::{owner_of, writer_of, Writer};
use super::{hex_of, Store, StoreLock};

/// Unowned `.tmp-*` entries older than this are left over from a killed command.
pub const STALE_UNOWNED: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// How a found leftover is to be treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    /// Its writer is gone (or it is an unowned name older than [`STALE_UNOWNED`]).
    Dead,
    /// An unowned name, younger than a day: reported by `system check`, not removed by
    /// ordinary commands.
    Unowned,
}

/// One leftover of an interrupted write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub path: PathBuf,
    pub age: Age,
}

/// Where writers put temporary and trash names.
fn temp_dirs(store: &Store) -> [PathBuf; 5] {
    [
        store.root().to_path_buf(),
        store.layers_dir(),
        store.blobs_dir(),
        store.images_dir(),
        super::container::containers_dir(store.root()),
    ]
}

fn read_dir(dir: &Path) -> Vec<std::fs::DirEntry> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

impl Store {
    /// The leftovers of writers that are gone, and unowned ones. Needs the store lock (for
    /// the layer links); partial blobs are checked by taking their blob lock for a moment.
    pub fn leftovers(&self, _lock: &StoreLock) -> Vec<Leftover> {
        let now = std::time::SystemTime::now();
        let mut out = Vec::new();
        // Container ids whose temporary or trash directory belongs to a live writer.
        let mut live_ids: HashSet<String> = HashSet::new();
        let containers = super::container::containers_dir(self.root());
        for dir in temp_dirs(self) {
            for entry in read_dir(&dir) {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if !name.starts_with('.') {
                    continue;
                }
                let path = entry.path();
                if let Some(hex) = name.strip_prefix(".partial-") {
                    if dir == self.blobs_dir() && self.blob_unlocked(hex) {
                        out.push(Leftover {
                            path,
                            age: Age::Dead,
                        });
                    }
                    continue;
                }
                match writer_of(&name) {
                    None => {}
                    Some(Writer::Alive) if dir == containers => {
                        live_ids.insert(container_id_of(&name));
                    }
                    Some(Writer::Alive) => {}
                    Some(Writer::Dead) => out.push(Leftover {
                        path,
                        age: Age::Dead,
                    }),
                    Some(Writer::Unknown) => {
                        let old = entry
                            .metadata()
                            .and_then(|m| m.modified())
                            .ok()
                            .and_then(|t| now.duration_since(t).ok())
                            .is_some_and(|age| age > STALE_UNOWNED);
                        if dir == containers && !old {
                            // An earlier release's `.tmp-<id>`: maybe a create in progress.
                            live_ids.insert(container_id_of(&name));
                        }
                        out.push(Leftover {
                            path,
                            age: if old { Age::Dead } else { Age::Unowned },
                        });
                    }
                }
            }
        }
        let layers = self.layers_dir();
        for entry in read_dir(&layers.join("l")) {
            // A link to `../<hex>/diff` whose layer directory is gone.
            if std::fs::metadata(entry.path()).is_err() {
                out.push(Leftover {
                    path: entry.path(),
                    age: Age::Dead,
                });
            }
        }
        for entry in read_dir(&containers.join("names")) {
            let Ok(target) = std::fs::read_link(entry.path()) else {
                continue;
            };
            let id = target.to_string_lossy().into_owned();
            let valid = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
            if valid && !containers.join(&id).exists() && !live_ids.contains(&id) {
                out.push(Leftover {
                    path: entry.path(),
                    age: Age::Dead,
                });
            }
        }
        out
    }

    /// Remove the leftovers of writers that are gone. Best effort and quiet: a leftover that
    /// cannot be removed now (its files belong to the mapped ids and this is P0) is removed
    /// by the next command that can. Skipped while another berth holds the store lock.
    pub fn clean_leftovers(&self) {
        let Some(lock) = self.try_lock() else {
            return;
        };
        for leftover in self.leftovers(&lock) {
            if leftover.age == Age::Dead {
                let _ = remove_any(&leftover.path);
            }
        }
    }

    /// Can the blob lock of `hex` be taken now (no download of it is running)? Held for
    /// the moment of the check only.
    fn blob_unlocked(&self, hex: &str) -> bool {
        let locks = self.root().join("locks");
        // No locks directory: no download ever took a lock, so none is running.
        if !locks.is_dir() {
            return true;
        }
        let path = locks.join(format!("blob-{}", hex_of(hex)));
        let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
        else {
            return false;
        };
        nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock).is_ok()
    }
}

impl Store {
    /// Remove the network helpers' directories (`$XDG_RUNTIME_DIR/berth/net/<short id>`, see
    /// `net::helper_dir`) of containers that are gone: a monitor killed by `rm -f` or by a
    /// user never removed its own. One `readdir` of `net/` and one of `containers/`.
    pub fn clean_helper_dirs(&self, runtime: &Path) {
        let net = runtime.join("net");
        let dirs = read_dir(&net);
        if dirs.is_empty() {
            return;
        }
        let containers = super::container::containers_dir(self.root());
        let mut ids: Vec<String> = Vec::new();
        for entry in read_dir(&containers) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.len() == 64 {
                ids.push(name);
            } else if matches!(writer_of(&name), Some(Writer::Alive | Writer::Unknown)) {
                // A container being created or removed by a live berth keeps its helper.
                ids.push(container_id_of(&name));
            }
        }
        for entry in dirs {
            let short = entry.file_name().to_string_lossy().into_owned();
            let known = short.len() == 12 && short.bytes().all(|b| b.is_ascii_hexdigit());
            if known && !ids.iter().any(|id| id.starts_with(&short)) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The container id in a `containers/.tmp-<pid>-<start>-<id>.<n>` name (or an earlier
/// release's `.tmp-<id>` / `.trash-<id>`).
fn container_id_of(name: &str) -> String {
    let rest = if owner_of(name).is_some() {
        name.splitn(4, '-').nth(3).unwrap_or_default()
    } else {
        name.split_once('-').map_or("", |(_, r)| r)
    };
    rest.split('.').next().unwrap_or_default().to_string()
}

/// Remove a file, link or directory tree; gone already is fine.
pub fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
        Ok(_) => match std::fs::remove_file(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::atomic::{temp_name, trash_name, Owner};
    use super::*;

    /// A name as a writer that is gone would have made it: this pid, another start time.
    fn dead(kind: &str, tail: &str) -> String {
        let me = Owner::current();
        format!(".{kind}-{}-{}-{tail}.0", me.pid, me.start + 1)
    }

    #[test]
    fn dead_writers_leftovers_go_live_ones_stay() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_at(tmp.path()).unwrap();
        let dead_layer = store.layers_dir().join(dead("tmp", "layer"));
        std::fs::create_dir_all(dead_layer.join("diff/usr")).unwrap();
        let dead_blob = store.blobs_dir().join(dead("tmp", "blob"));
        std::fs::write(&dead_blob, b"half").unwrap();
        let dead_trash = store.images_dir().join(dead("trash", "image"));
        std::fs::create_dir(&dead_trash).unwrap();
        let partial = store
            .blobs_dir()
            .join(format!(".partial-{}", "a".repeat(64)));
        std::fs::write(&partial, b"half a download").unwrap();
        let live_layer = store.layers_dir().join(temp_name("layer"));
        std::fs::create_dir(&live_layer).unwrap();
        let live_trash = store.layers_dir().join(trash_name("layer"));
        std::fs::create_dir(&live_trash).unwrap();
        // A download in progress: its blob lock is held.
        let busy = store
            .blobs_dir()
            .join(format!(".partial-{}", "b".repeat(64)));
        std::fs::write(&busy, b"in progress").unwrap();
        let held = store
            .blob_lock(&format!("sha256:{}", "b".repeat(64)))
            .unwrap();
        let unowned = store.blobs_dir().join(".tmp-fresh");
        std::fs::write(&unowned, b"x").unwrap();
        // Names: one of a killed create (no directory), one of a create in progress.
        let containers = super::super::container::containers_dir(store.root());
        let names = containers.join("names");
        std::fs::create_dir_all(&names).unwrap();
        std::os::unix::fs::symlink("c".repeat(64), names.join("killed")).unwrap();
        std::fs::create_dir(containers.join(temp_name(&"d".repeat(64)))).unwrap();
        std::os::unix::fs::symlink("d".repeat(64), names.join("creating")).unwrap();
        let dangling = store.layers_dir().join("l").join("SHORT");
        std::os::unix::fs::symlink(format!("../{}/diff", "e".repeat(64)), &dangling).unwrap();

        store.clean_leftovers();
        for gone in [&dead_layer, &dead_blob, &dead_trash, &partial] {
            assert!(!gone.exists(), "{} stays", gone.display());
        }
        assert!(std::fs::symlink_metadata(names.join("killed")).is_err());
        assert!(std::fs::symlink_metadata(&dangling).is_err());
        for kept in [&live_layer, &live_trash, &busy, &unowned] {
            assert!(kept.exists(), "{} is gone", kept.display());
        }
        assert!(std::fs::symlink_metadata(names.join("creating")).is_ok());
        // What is left: the live writers' work and the young unowned file.
        let lock = store.lock().unwrap();
        let left = store.leftovers(&lock);
        assert_eq!(
            left,
            [Leftover {
                path: unowned.clone(),
                age: Age::Unowned
            }]
        );
        drop(held);
        drop(lock);
        store.clean_leftovers();
        assert!(!busy.exists(), "a partial whose download ended is removed");
    }

    #[test]
    fn container_ids_in_names() {
        let id = "f".repeat(64);
        assert_eq!(container_id_of(&temp_name(&id)), id);
        assert_eq!(container_id_of(&trash_name(&id)), id);
        assert_eq!(container_id_of(&format!(".tmp-{id}")), id);
    }
}
