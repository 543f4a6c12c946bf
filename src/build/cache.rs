//! The layer cache: `build-cache/<key>.json` maps a step's cache key to the state after the
//! step (its layer chain ids and its config). Keys chain: each one hashes its parent's key,
//! the instruction, the build args it can see and, for COPY/ADD, its sources' digest, so a
//! change anywhere invalidates that step and every one after it, and nothing before.
//!
//! There are no intermediate images: an entry points at layers in the layer store, and a
//! lookup checks that they are still there (an `rmi` may have removed them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::storage::atomic::{fs_err, trash_name, write_atomic, Durability};
use crate::storage::{hex_of, Store, StoreError};

/// The state after a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Chain ids, base first.
    pub layers: Vec<String>,
    pub config: Value,
}

/// A cache key: the hex sha256 of the parent's key and the step's parts, each
/// length-prefixed so that no two different lists hash alike.
pub fn key(parent: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(b"berth-build-cache-v1\0");
    for part in std::iter::once(parent).chain(parts.iter().copied()) {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The cache directory: `$XDG_DATA_HOME/berth/build-cache`.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache in the store at `store_root`.
    pub fn new(store_root: &Path) -> Cache {
        Cache {
            dir: store_root.join("build-cache"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry for `key`, when it exists and its layers are all stored.
    pub fn get(&self, store: &Store, key: &str) -> Option<Entry> {
        let bytes = std::fs::read(self.dir.join(format!("{key}.json"))).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        entry
            .layers
            .iter()
            .all(|l| store.layer(l).is_ok())
            .then_some(entry)
    }

    /// Record `entry` under `key` (written to a temporary name and renamed).
    pub fn put(&self, key: &str, entry: &Entry) -> Result<(), StoreError> {
        std::fs::create_dir_all(&self.dir).map_err(fs_err("create", &self.dir))?;
        let bytes = serde_json::to_vec(entry).map_err(|source| StoreError::Parse {
            path: self.dir.join(format!("{key}.json")),
            source,
        })?;
        Ok(write_atomic(
            &self.dir.join(format!("{key}.json")),
            &bytes,
            Durability::Unsynced,
        )?)
    }

    /// Remove every entry, and the layers only the cache used (not those of any image).
    /// Returns how many entries went.
    pub fn prune(&self, store: &Store) -> Result<usize, StoreError> {
        let lock = store.lock()?;
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(fs_err("read", &self.dir)(e).into()),
        };
        let mut cached: Vec<String> = Vec::new();
        let mut count = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if let Ok(bytes) = std::fs::read(&path) {
                if let Ok(e) = serde_json::from_slice::<Entry>(&bytes) {
                    cached.extend(e.layers);
                }
            }
            let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(fs_err("remove", &path))?;
            if path.extension().is_some_and(|x| x == "json") {
                count += 1;
            }
        }
        let images = store.images()?;
        let used: HashSet<&str> = images
            .iter()
            .flat_map(|i| i.layers.iter().map(String::as_str))
            .collect();
        let mut kept_blobs: HashSet<String> = HashSet::new();
        for image in &images {
            for chain in &image.layers {
                if let Ok(r) = store.layer(chain) {
                    kept_blobs.insert(r.blob_digest);
                }
            }
        }
        let mut seen = HashSet::new();
        let layers = store.layers_dir();
        for chain in cached {
            if used.contains(chain.as_str()) || !seen.insert(chain.clone()) {
                continue;
            }
            let Ok(record) = store.layer(&chain) else {
                continue;
            };
            let dir = layers.join(hex_of(&chain));
            let trash = layers.join(trash_name("layer"));
            std::fs::rename(&dir, &trash).map_err(fs_err("rename", &dir))?;
            let _ = std::fs::remove_file(layers.join(&record.link));
            let _ = std::fs::remove_dir_all(&trash);
            if !kept_blobs.contains(&record.blob_digest) {
                let _ = std::fs::remove_file(store.blobs_dir().join(hex_of(&record.blob_digest)));
            }
        }
        drop(lock);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_chain_and_separate_parts() {
        let a = key("p", &["RUN x", "A=1"]);
        assert_eq!(a, key("p", &["RUN x", "A=1"]));
        assert_ne!(a, key("q", &["RUN x", "A=1"]));
        assert_ne!(key("p", &["ab", "c"]), key("p", &["a", "bc"]));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn entries_round_trip_and_need_their_layers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_at(dir.path()).unwrap();
        let cache = Cache::new(store.root());
        let e = Entry {
            layers: vec![],
            config: serde_json::json!({"a": 1}),
        };
        cache.put("k", &e).unwrap();
        assert_eq!(cache.get(&store, "k"), Some(e));
        let missing = Entry {
            layers: vec!["sha256:00".into()],
            config: Value::Null,
        };
        cache.put("m", &missing).unwrap();
        assert_eq!(cache.get(&store, "m"), None);
        assert_eq!(cache.prune(&store).unwrap(), 2);
        assert_eq!(cache.get(&store, "k"), None);
    }
}
