//! The image store (DESIGN.md section 3): plain files, atomic renames, one flock for the
//! index.
//!
//! ```text
//! blobs/sha256/<hex>             layer blobs as given, image configs, manifests
//! layers/<chain-hex>/diff/       an extracted layer; layer.json beside it
//! layers/l/<short>               -> ../<chain-hex>/diff (keeps overlay's lowerdir short)
//! images/<id>/                   manifest.json, config.json
//! images.json                    the index `images` reads
//! store.lock                     flock held while the index changes
//! ```
//!
//! Everything is written under a `.tmp-*` name owned by its writer, synced and renamed, so a
//! killed command leaves at worst `.tmp-*`/`.trash-*`/`.partial-*` garbage, never a
//! half-written file under a final name, and the next command removes it ([`cleanup`]).

pub mod atomic;
pub mod changes;
pub mod cleanup;
pub mod container;
pub mod events;
pub mod overlay;
pub mod volume;

pub mod layer;

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::image::config::parse_config;
use crate::image::reference::{lookup_candidates, Reference, ReferenceError};
use atomic::{fs_err, temp_name, trash_name, write_atomic, Durability, FsError};
use layer::{Ingested, LayerError};

/// Errors of the image store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{name}: image not known")]
    ImageNotFound { name: String },
    #[error("`{name}` matches more than one image: {}", candidates.join(", "))]
    Ambiguous {
        name: String,
        candidates: Vec<String>,
    },
    #[error("layer `{chain_id}` is not in the store")]
    LayerNotFound { chain_id: String },
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("parse `{path}`")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("extract the layer")]
    Layer(#[from] LayerError),
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    #[error("blob `{path}` does not match its digest: expected `{expected}`, got `{actual}`")]
    BlobMismatch {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("read random bytes")]
    Random(#[source] io::Error),
}

impl StoreError {
    /// The command layer's error for a failed image lookup: ``x: image not known`` as podman
    /// words it (no operation in front), anything else after `what`.
    pub fn into_lookup_error(self, what: &str) -> crate::error::Error {
        match self {
            e @ StoreError::ImageNotFound { .. } => crate::error::Error::not_found(e),
            e => crate::error::Error::from_source(what, e),
        }
    }
}

/// One image in `images.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSummary {
    /// sha256 of the config JSON, 64 hex digits.
    pub id: String,
    /// Full references (`localhost/busybox:latest`).
    pub names: Vec<String>,
    /// The manifest's digest (`sha256:<hex>`).
    pub digest: String,
    pub created: DateTime<Utc>,
    /// Bytes of the uncompressed layers.
    pub size: u64,
    /// Chain ids (`sha256:<hex>`), base layer first.
    pub layers: Vec<String>,
}

/// An image with its config loaded.
#[derive(Debug, Clone)]
pub struct ImageRecord {
    pub id: String,
    pub names: Vec<String>,
    pub digest: String,
    pub created: DateTime<Utc>,
    pub size: u64,
    /// Chain ids (`sha256:<hex>`), base layer first.
    pub layers: Vec<String>,
    pub config: oci_spec::image::ImageConfiguration,
}

/// `layers/<chain-hex>/layer.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRecord {
    pub diff_id: String,
    pub chain_id: String,
    pub parent: Option<String>,
    /// Bytes of the uncompressed tar.
    pub size: u64,
    pub blob_digest: String,
    pub blob_size: u64,
    pub media_type: String,
    /// `l/<short>`, relative to the layers directory.
    pub link: String,
}

/// How a lookup matched an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// By this full name.
    Name(String),
    /// By id or id prefix.
    Id,
}

/// The exclusive store lock; released when dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: atomic::FileLock,
}

/// The image store under `$XDG_DATA_HOME/berth`.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Open the store of `paths`, creating its directories, and remove what killed
    /// writers left there (see [`cleanup`]).
    pub fn open(paths: &crate::config::Paths) -> Result<Store, StoreError> {
        let store = Store::open_at(&paths.data)?;
        store.clean_leftovers();
        store.clean_helper_dirs(&paths.runtime);
        Ok(store)
    }

    /// Open the store as it is, leftovers included (`system check` looks at them).
    pub fn open_unchanged(paths: &crate::config::Paths) -> Result<Store, StoreError> {
        Store::open_at(&paths.data)
    }

    /// Open (and create) a store rooted at `root`.
    pub fn open_at(root: &Path) -> Result<Store, StoreError> {
        let store = Store {
            root: root.to_path_buf(),
        };
        make_private(root)?;
        for dir in [
            store.blobs_dir(),
            store.layers_dir().join("l"),
            store.images_dir(),
            root.join("containers"),
        ] {
            std::fs::create_dir_all(&dir).map_err(fs_err("create", &dir))?;
        }
        Ok(store)
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `layers/`.
    pub fn layers_dir(&self) -> PathBuf {
        self.root.join("layers")
    }

    /// `blobs/sha256/`.
    pub fn blobs_dir(&self) -> PathBuf {
        self.root.join("blobs").join("sha256")
    }

    /// `images/`.
    pub fn images_dir(&self) -> PathBuf {
        self.root.join("images")
    }

    fn index_path(&self) -> PathBuf {
        self.root.join("images.json")
    }

    /// The extracted contents of a layer: `layers/<chain-hex>/diff`.
    pub fn layer_diff(&self, chain_id: &str) -> PathBuf {
        self.layers_dir().join(hex_of(chain_id)).join("diff")
    }

    /// A layer's record (layer.json).
    pub fn layer(&self, chain_id: &str) -> Result<LayerRecord, StoreError> {
        let path = self.layers_dir().join(hex_of(chain_id)).join("layer.json");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::LayerNotFound {
                    chain_id: chain_id.to_string(),
                })
            }
            Err(e) => return Err(fs_err("read", &path)(e).into()),
        };
        serde_json::from_slice(&bytes).map_err(|source| StoreError::Parse { path, source })
    }

    /// The short link of a layer, `l/<short>`, relative to [`Store::layers_dir`].
    pub fn layer_link(&self, chain_id: &str) -> Result<PathBuf, StoreError> {
        Ok(PathBuf::from(self.layer(chain_id)?.link))
    }

    /// Take the exclusive store lock (blocks while another berth holds it).
    pub fn lock(&self) -> Result<StoreLock, StoreError> {
        let path = self.root.join("store.lock");
        Ok(StoreLock {
            _file: atomic::FileLock::exclusive(&path)?,
        })
    }

    /// The store lock if no other berth holds it now.
    pub fn try_lock(&self) -> Option<StoreLock> {
        let path = self.root.join("store.lock");
        atomic::FileLock::try_exclusive(&path)
            .ok()
            .map(|f| StoreLock { _file: f })
    }

    /// The index: every image, as stored.
    pub fn images(&self) -> Result<Vec<ImageSummary>, StoreError> {
        let path = self.index_path();
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| StoreError::Parse { path, source })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(fs_err("read", &path)(e).into()),
        }
    }

    fn write_index(&self, _lock: &StoreLock, images: &[ImageSummary]) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec_pretty(images).map_err(|source| StoreError::Parse {
            path: self.index_path(),
            source,
        })?;
        Ok(write_atomic(
            &self.index_path(),
            &bytes,
            Durability::Synced,
        )?)
    }

    /// Find an image by name, full id, `sha256:<id>` or unique id prefix (see
    /// [`find_image`]) and load its config.
    pub fn resolve_image(&self, name_or_id: &str) -> Result<ImageRecord, StoreError> {
        let images = self.images()?;
        let (index, _) = find_image(&images, name_or_id)?;
        self.load_record(images[index].clone())
    }

    /// Load an index entry's config.
    pub fn load_record(&self, summary: ImageSummary) -> Result<ImageRecord, StoreError> {
        let path = self.images_dir().join(&summary.id).join("config.json");
        let bytes = std::fs::read(&path).map_err(fs_err("read", &path))?;
        let config = parse_config(&bytes).map_err(|source| StoreError::Parse { path, source })?;
        Ok(ImageRecord {
            id: summary.id,
            names: summary.names,
            digest: summary.digest,
            created: summary.created,
            size: summary.size,
            layers: summary.layers,
            config,
        })
    }

    /// Store `bytes` as a blob; returns its digest.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let digest = crate::image::blob::sha256_digest(bytes);
        write_atomic(
            &self.blobs_dir().join(hex_of(&digest)),
            bytes,
            Durability::Synced,
        )?;
        Ok(digest)
    }

    /// Read a layer blob from `input` in one pass: keep the raw bytes as a blob, extract the
    /// layer on top of `parent` (a chain id) and record it. An identical layer is stored once.
    /// On error nothing but `.tmp-*` garbage is left, and only if the process dies. The
    /// returned record's blob fields describe the blob just read, even when the layer was
    /// already stored from another blob.
    pub fn add_layer(
        &self,
        input: impl Read,
        parent: Option<&str>,
        warn: &mut dyn FnMut(String),
    ) -> Result<LayerRecord, StoreError> {
        let layers = self.layers_dir();
        let tmp = layers.join(temp_name("layer"));
        let diff = tmp.join("diff");
        std::fs::create_dir(&tmp).map_err(fs_err("create", &tmp))?;
        let blob_tmp = self.blobs_dir().join(temp_name("blob"));
        let result = (|| {
            std::fs::create_dir(&diff).map_err(fs_err("create", &diff))?;
            let mut blob = std::fs::File::create(&blob_tmp).map_err(fs_err("create", &blob_tmp))?;
            let ingested = {
                let mut writer = io::BufWriter::with_capacity(256 * 1024, &mut blob);
                let ingested = layer::ingest(input, &mut writer, &diff, warn)?;
                writer.flush().map_err(fs_err("write", &blob_tmp))?;
                ingested
            };
            blob.sync_all().map_err(fs_err("sync", &blob_tmp))?;
            drop(blob);
            let mut record = self.finish_layer(&tmp, &blob_tmp, parent, &ingested)?;
            // A layer stored earlier from another blob (say gzip instead of plain): the
            // caller's manifest names the blob it gave us.
            record.blob_digest = ingested.blob_digest.clone();
            record.blob_size = ingested.blob_size;
            record.media_type = ingested.compression.media_type().to_string();
            Ok(record)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&blob_tmp);
            let _ = std::fs::remove_dir_all(&tmp);
        }
        result
    }

    fn finish_layer(
        &self,
        tmp: &Path,
        blob_tmp: &Path,
        parent: Option<&str>,
        ingested: &Ingested,
    ) -> Result<LayerRecord, StoreError> {
        let blob = self.blobs_dir().join(hex_of(&ingested.blob_digest));
        std::fs::rename(blob_tmp, &blob).map_err(fs_err("rename", blob_tmp))?;
        let chain_id = crate::image::blob::chain_id(parent, &ingested.diff_id);
        let layers = self.layers_dir();
        let final_dir = layers.join(hex_of(&chain_id));
        if final_dir.join("layer.json").is_file() {
            // Already stored (by an earlier import or another process): keep that copy.
            let _ = std::fs::remove_dir_all(tmp);
            return self.layer(&chain_id);
        }
        let short = random_name(26)?;
        let record = LayerRecord {
            diff_id: ingested.diff_id.clone(),
            chain_id: chain_id.clone(),
            parent: parent.map(str::to_string),
            size: ingested.diff_size,
            blob_digest: ingested.blob_digest.clone(),
            blob_size: ingested.blob_size,
            media_type: ingested.compression.media_type().to_string(),
            link: format!("l/{short}"),
        };
        let json = serde_json::to_vec_pretty(&record).map_err(|source| StoreError::Parse {
            path: tmp.join("layer.json"),
            source,
        })?;
        write_atomic(&tmp.join("layer.json"), &json, Durability::Synced)?;
        // The extracted files reach the disk before the layer appears under its final name.
        let dir = std::fs::File::open(tmp).map_err(fs_err("open", tmp))?;
        nix::unistd::syncfs(std::os::fd::AsRawFd::as_raw_fd(&dir))
            .map_err(|e| fs_err("sync", tmp)(e.into()))?;
        let link = layers.join(&record.link);
        // The link and the rename under the store lock: a dangling link seen under it is a
        // leftover (see `cleanup`).
        let _lock = self.lock()?;
        std::os::unix::fs::symlink(format!("../{}/diff", hex_of(&chain_id)), &link)
            .map_err(fs_err("create", &link))?;
        match std::fs::rename(tmp, &final_dir) {
            Ok(()) => Ok(record),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EEXIST | libc::ENOTEMPTY)) => {
                // Another process stored the same layer first.
                let _ = std::fs::remove_file(&link);
                let _ = std::fs::remove_dir_all(tmp);
                self.layer(&chain_id)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&link);
                Err(fs_err("rename", tmp)(e).into())
            }
        }
    }

    /// Record an image: its config and manifest blobs, `images/<id>/`, and the index entry.
    /// `name` (a full reference) moves to this image from any other image that had it.
    pub fn add_image(
        &self,
        config: &[u8],
        manifest: &[u8],
        name: Option<&str>,
        layers: Vec<String>,
    ) -> Result<ImageSummary, StoreError> {
        let parsed = parse_config(config).map_err(|source| StoreError::Parse {
            path: PathBuf::from("config.json"),
            source,
        })?;
        let config_digest = self.put_blob(config)?;
        let manifest_digest = self.put_blob(manifest)?;
        let id = hex_of(&config_digest).to_string();
        let created = parsed
            .created()
            .as_deref()
            .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
            .map_or_else(Utc::now, |c| c.with_timezone(&Utc));

        let dir = self.images_dir().join(&id);
        if !dir.join("config.json").is_file() {
            let tmp = self.images_dir().join(temp_name("image"));
            std::fs::create_dir(&tmp).map_err(fs_err("create", &tmp))?;
            let written = write_atomic(&tmp.join("config.json"), config, Durability::Synced)
                .and_then(|()| {
                    write_atomic(&tmp.join("manifest.json"), manifest, Durability::Synced)
                });
            if let Err(e) = written {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e.into());
            }
            if let Err(e) = std::fs::rename(&tmp, &dir) {
                let _ = std::fs::remove_dir_all(&tmp);
                if !matches!(e.raw_os_error(), Some(libc::EEXIST | libc::ENOTEMPTY)) {
                    return Err(fs_err("rename", &tmp)(e).into());
                }
            }
        }

        let lock = self.lock()?;
        // Checked under the lock: a concurrent `rmi` removes layers only while holding it.
        let mut size = 0;
        for chain in &layers {
            size += self.layer(chain)?.size;
        }
        let mut images = self.images()?;
        if let Some(name) = name {
            for image in &mut images {
                image.names.retain(|n| n != name);
            }
        }
        let summary = match images.iter_mut().find(|i| i.id == id) {
            Some(existing) => {
                if let Some(name) = name {
                    existing.names.insert(0, name.to_string());
                }
                existing.clone()
            }
            None => {
                let summary = ImageSummary {
                    id,
                    names: name.map(str::to_string).into_iter().collect(),
                    digest: manifest_digest,
                    created,
                    size,
                    layers,
                };
                images.push(summary.clone());
                summary
            }
        };
        self.write_index(&lock, &images)?;
        Ok(summary)
    }

    /// Remove `name` from image `id`; returns the image as it is now.
    pub fn untag(
        &self,
        lock: &StoreLock,
        id: &str,
        name: &str,
    ) -> Result<ImageSummary, StoreError> {
        let mut images = self.images()?;
        let image =
            images
                .iter_mut()
                .find(|i| i.id == id)
                .ok_or_else(|| StoreError::ImageNotFound {
                    name: id.to_string(),
                })?;
        image.names.retain(|n| n != name);
        let now = image.clone();
        self.write_index(lock, &images)?;
        Ok(now)
    }

    /// Delete image `id`: the index entry first, then its directory, its blobs and the
    /// layers no other image uses (each renamed to `.trash-*` before it is removed).
    pub fn delete_image(&self, lock: &StoreLock, id: &str) -> Result<(), StoreError> {
        let mut images = self.images()?;
        let Some(pos) = images.iter().position(|i| i.id == id) else {
            return Err(StoreError::ImageNotFound {
                name: id.to_string(),
            });
        };
        let gone = images.remove(pos);
        self.write_index(lock, &images)?;

        let used: HashSet<&str> = images
            .iter()
            .flat_map(|i| i.layers.iter().map(String::as_str))
            .collect();
        let mut unused_blobs = vec![format!("sha256:{}", gone.id)];
        if !images.iter().any(|i| i.digest == gone.digest) {
            unused_blobs.push(gone.digest.clone());
        }
        let layers = self.layers_dir();
        for chain in gone.layers.iter().filter(|c| !used.contains(c.as_str())) {
            let record = match self.layer(chain) {
                Ok(r) => r,
                Err(StoreError::LayerNotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            let dir = layers.join(hex_of(chain));
            let trash = layers.join(trash_name("layer"));
            std::fs::rename(&dir, &trash).map_err(fs_err("rename", &dir))?;
            let _ = std::fs::remove_file(layers.join(&record.link));
            std::fs::remove_dir_all(&trash).map_err(fs_err("remove", &trash))?;
            unused_blobs.push(record.blob_digest);
        }
        unused_blobs.extend(self.manifest_layer_blobs(&gone.id));
        // A blob may still back another image's manifest or another stored layer.
        let mut kept_blobs = HashSet::new();
        for image in &images {
            kept_blobs.insert(format!("sha256:{}", image.id));
            kept_blobs.insert(image.digest.clone());
            kept_blobs.extend(self.manifest_layer_blobs(&image.id));
            for chain in &image.layers {
                if let Ok(r) = self.layer(chain) {
                    kept_blobs.insert(r.blob_digest);
                }
            }
        }
        for digest in unused_blobs.iter().filter(|d| !kept_blobs.contains(*d)) {
            let path = self.blobs_dir().join(hex_of(digest));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(fs_err("remove", &path)(e).into()),
            }
        }
        let dir = self.images_dir().join(&gone.id);
        let trash = self.images_dir().join(trash_name("image"));
        match std::fs::rename(&dir, &trash) {
            Ok(()) => Ok(std::fs::remove_dir_all(&trash).map_err(fs_err("remove", &trash))?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(fs_err("rename", &dir)(e).into()),
        }
    }
}

impl Store {
    /// Remove what killed commands left behind (see [`cleanup`]), with the lock held.
    pub fn collect_garbage(&self, lock: &StoreLock) -> Result<(), StoreError> {
        for leftover in self.leftovers(lock) {
            if leftover.age == cleanup::Age::Dead {
                cleanup::remove_any(&leftover.path).map_err(fs_err("remove", &leftover.path))?;
            }
        }
        Ok(())
    }

    /// The layer blob digests image `id`'s manifest names (empty if it cannot be read).
    fn manifest_layer_blobs(&self, id: &str) -> Vec<String> {
        let path = self.images_dir().join(id).join("manifest.json");
        let Ok(bytes) = std::fs::read(path) else {
            return Vec::new();
        };
        let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return Vec::new();
        };
        manifest["layers"]
            .as_array()
            .map(|layers| {
                layers
                    .iter()
                    .filter_map(|l| l["digest"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Create the store root with mode 0700 (podman's storage is private too: image and container
/// files may hold secrets) and narrow an existing one made wider by an older berth. One stat
/// when the mode is already right.
fn make_private(root: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(root)
        .map_err(fs_err("create", root))?;
    let meta = std::fs::metadata(root).map_err(fs_err("read", root))?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))
            .map_err(fs_err("chmod", root))?;
    }
    Ok(())
}

/// The hex part of `sha256:<hex>` (or the string itself).
pub fn hex_of(digest: &str) -> &str {
    digest.strip_prefix("sha256:").unwrap_or(digest)
}

fn is_hex(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Find an image in the index, as podman does: a full id (or `sha256:<id>`), a full name, a
/// short name (`localhost/NAME:TAG`, then docker.io's normalisation, then any stored name
/// with that path), and finally a unique id prefix of at least 3 hex digits.
pub fn find_image(images: &[ImageSummary], query: &str) -> Result<(usize, Match), StoreError> {
    let not_found = || StoreError::ImageNotFound {
        name: query.to_string(),
    };
    if let Some(hex) = query.strip_prefix("sha256:") {
        if !is_hex(hex) {
            return Err(not_found());
        }
        return find_by_prefix(images, query, hex);
    }
    if query.len() == 64 && is_hex(query) {
        if let Some(i) = images.iter().position(|i| i.id == query) {
            return Ok((i, Match::Id));
        }
        return Err(not_found());
    }
    if let Ok(reference) = Reference::parse(query) {
        for candidate in lookup_candidates(&reference) {
            if let Some(i) = images.iter().position(|i| i.names.contains(&candidate)) {
                return Ok((i, Match::Name(candidate)));
            }
        }
        if let Some(digest) = reference.digest() {
            // `name@sha256:…` matches the image with that manifest digest under that name.
            let repos: Vec<String> = lookup_candidates(&reference)
                .iter()
                .filter_map(|c| Reference::parse(c).ok())
                .map(|r| r.repository())
                .collect();
            let hit = images.iter().position(|i| {
                i.digest == digest
                    && i.names
                        .iter()
                        .any(|n| Reference::parse(n).is_ok_and(|r| repos.contains(&r.repository())))
            });
            if let Some(i) = hit {
                return Ok((i, Match::Id));
            }
        }
        if reference.domain().is_none() {
            let want_tag = reference.tag().unwrap_or("latest");
            let mut hits: Vec<(usize, String)> = Vec::new();
            for (i, image) in images.iter().enumerate() {
                for name in &image.names {
                    let Ok(stored) = Reference::parse(name) else {
                        continue;
                    };
                    let path_matches = stored.path() == reference.path()
                        || stored.path().ends_with(&format!("/{}", reference.path()));
                    let tag_matches = match reference.digest() {
                        Some(d) => stored.digest() == Some(d) || image.digest == d,
                        None => stored.tag() == Some(want_tag),
                    };
                    if path_matches && tag_matches {
                        hits.push((i, name.clone()));
                    }
                }
            }
            hits.dedup_by_key(|h| h.0);
            match hits.len() {
                0 => {}
                1 => {
                    let (i, name) = hits.remove(0);
                    return Ok((i, Match::Name(name)));
                }
                _ => {
                    return Err(StoreError::Ambiguous {
                        name: query.to_string(),
                        candidates: hits.into_iter().map(|h| h.1).collect(),
                    })
                }
            }
        }
    }
    if query.len() >= 3 && is_hex(query) {
        return find_by_prefix(images, query, query);
    }
    Err(not_found())
}

fn find_by_prefix(
    images: &[ImageSummary],
    query: &str,
    prefix: &str,
) -> Result<(usize, Match), StoreError> {
    let hits: Vec<usize> = images
        .iter()
        .enumerate()
        .filter(|(_, i)| i.id.starts_with(prefix))
        .map(|(n, _)| n)
        .collect();
    match hits.as_slice() {
        [] => Err(StoreError::ImageNotFound {
            name: query.to_string(),
        }),
        [one] => Ok((*one, Match::Id)),
        many => Err(StoreError::Ambiguous {
            name: query.to_string(),
            candidates: many
                .iter()
                .map(|n| images[*n].id[..12].to_string())
                .collect(),
        }),
    }
}

/// `n` random characters from `[A-Z0-9]`.
pub fn random_name(n: usize) -> Result<String, StoreError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        StoreError::Random(io::Error::from_raw_os_error(
            e.raw_os_error().unwrap_or(libc::EIO),
        ))
    })?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// Blob helpers for pull, load and push (`blobs/sha256/`).
impl Store {
    /// The path of blob `digest` (`sha256:<hex>`).
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        self.blobs_dir().join(hex_of(digest))
    }

    /// Is blob `digest` stored (it was verified before it got its name)?
    pub fn has_blob(&self, digest: &str) -> bool {
        self.blob_path(digest).is_file()
    }

    /// Where a download of `digest` accumulates: a stable name, so a killed pull resumes.
    pub fn partial_blob_path(&self, digest: &str) -> PathBuf {
        self.blobs_dir()
            .join(format!(".partial-{}", hex_of(digest)))
    }

    /// Take the lock of blob `digest` (blocks while another berth downloads it).
    pub fn blob_lock(&self, digest: &str) -> Result<StoreLock, StoreError> {
        let dir = self.root.join("locks");
        std::fs::create_dir_all(&dir).map_err(fs_err("create", &dir))?;
        let path = dir.join(format!("blob-{}", hex_of(digest)));
        Ok(StoreLock {
            _file: atomic::FileLock::exclusive(&path)?,
        })
    }

    /// Rename a verified partial download into place as blob `digest`.
    pub fn commit_partial_blob(&self, partial: &Path, digest: &str) -> Result<(), StoreError> {
        let path = self.blob_path(digest);
        std::fs::rename(partial, &path).map_err(fs_err("rename", partial))?;
        if let Ok(d) = std::fs::File::open(self.blobs_dir()) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Copy the file `src` into the store as blob `digest`, checking that it hashes to it.
    pub fn copy_blob_in(&self, src: &Path, digest: &str) -> Result<(), StoreError> {
        use sha2::Digest as _;
        let tmp = self.blobs_dir().join(temp_name("blob"));
        let result = (|| {
            let mut input = std::fs::File::open(src).map_err(fs_err("open", src))?;
            let mut out = std::fs::File::create(&tmp).map_err(fs_err("create", &tmp))?;
            let mut hasher = sha2::Sha256::new();
            let mut buf = vec![0u8; 128 * 1024];
            loop {
                let n = input.read(&mut buf).map_err(fs_err("read", src))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).map_err(fs_err("write", &tmp))?;
            }
            let actual = format!("sha256:{}", hex::encode(hasher.finalize()));
            if actual != digest {
                return Err(StoreError::BlobMismatch {
                    path: src.to_path_buf(),
                    expected: digest.to_string(),
                    actual,
                });
            }
            out.sync_all().map_err(fs_err("sync", &tmp))?;
            std::fs::rename(&tmp, self.blob_path(digest)).map_err(fs_err("rename", &tmp))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Give image `id` the full name `name`, taking it from any other image that had it.
    pub fn tag(&self, lock: &StoreLock, id: &str, name: &str) -> Result<ImageSummary, StoreError> {
        let mut images = self.images()?;
        if !images.iter().any(|i| i.id == id) {
            return Err(StoreError::ImageNotFound {
                name: id.to_string(),
            });
        }
        for image in &mut images {
            if image.id == id {
                if !image.names.iter().any(|n| n == name) {
                    image.names.push(name.to_string());
                }
            } else {
                image.names.retain(|n| n != name);
            }
        }
        let now = images.iter().find(|i| i.id == id).cloned();
        self.write_index(lock, &images)?;
        now.ok_or_else(|| StoreError::ImageNotFound {
            name: id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_root_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let fresh = dir.path().join("fresh");
        Store::open_at(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        // One made wider by an older berth is narrowed on the next open.
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        Store::open_at(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
    }

    fn summary(id: char, names: &[&str]) -> ImageSummary {
        ImageSummary {
            id: id.to_string().repeat(64),
            names: names.iter().map(|s| s.to_string()).collect(),
            digest: format!("sha256:{}", "d".repeat(64)),
            created: Utc::now(),
            size: 1,
            layers: vec![],
        }
    }

    #[test]
    fn lookup_by_name_id_and_prefix() {
        let images = vec![
            summary('a', &["localhost/busybox:latest"]),
            summary('b', &["docker.io/library/alpine:3"]),
            summary(
                'c',
                &["quay.io/team/tool:latest", "quay.io/other/tool:latest"],
            ),
        ];
        let name = |q: &str| find_image(&images, q);
        assert_eq!(
            name("busybox").unwrap(),
            (0, Match::Name("localhost/busybox:latest".into()))
        );
        assert_eq!(name("localhost/busybox").unwrap().0, 0);
        assert_eq!(name("alpine:3").unwrap().0, 1);
        assert_eq!(name("docker.io/alpine:3").unwrap().0, 1);
        assert_eq!(name(&"b".repeat(64)).unwrap(), (1, Match::Id));
        assert_eq!(name(&format!("sha256:{}", "b".repeat(64))).unwrap().0, 1);
        assert_eq!(name("bbb").unwrap(), (1, Match::Id));
        assert_eq!(name("sha256:ccc").unwrap(), (2, Match::Id));
        let by_digest = format!("localhost/busybox@sha256:{}", "d".repeat(64));
        assert_eq!(name(&by_digest).unwrap(), (0, Match::Id));
        assert!(name(&format!("busybox@sha256:{}", "e".repeat(64))).is_err());
        // A short name found by path under another registry.
        assert_eq!(name("team/tool").unwrap().0, 2);
        // Two names with the path `tool` on the same image are not ambiguous.
        assert_eq!(name("tool").unwrap().0, 2);
        for missing in ["nope", "alpine", "ab", &"e".repeat(64), "sha256:zz"] {
            let err = name(missing).unwrap_err();
            assert_eq!(err.to_string(), format!("{missing}: image not known"));
        }
    }

    #[test]
    fn ambiguity_is_reported() {
        let mut images = vec![
            summary('a', &["quay.io/x/app:latest"]),
            summary('b', &["ghcr.io/y/app:latest"]),
        ];
        images[1].id = format!("aaa{}", "b".repeat(61));
        let err = find_image(&images, "app").unwrap_err();
        assert!(matches!(err, StoreError::Ambiguous { .. }), "{err}");
        assert!(err.to_string().contains("quay.io/x/app:latest"));
        let err = find_image(&images, "aaa").unwrap_err();
        assert!(matches!(err, StoreError::Ambiguous { .. }));
    }

    fn layer_tar(content: &[u8]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_path("bin/sh").unwrap();
        h.set_mode(0o755);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(content.len() as u64);
        h.set_cksum();
        b.append(&h, content).unwrap();
        b.into_inner().unwrap()
    }

    fn import(store: &Store, tar: &[u8], name: Option<&str>, created: &str) -> ImageSummary {
        let layer = store.add_layer(tar, None, &mut |_| {}).unwrap();
        let config = format!(
            r#"{{"created":"{created}","architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
            layer.diff_id
        );
        store
            .add_image(config.as_bytes(), b"{}", name, vec![layer.chain_id])
            .unwrap()
    }

    #[test]
    fn index_round_trip_layers_shared_and_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_at(tmp.path()).unwrap();
        assert!(store.images().unwrap().is_empty());
        let tar = layer_tar(b"#!");
        let a = import(
            &store,
            &tar,
            Some("localhost/a:latest"),
            "2026-01-01T00:00:00Z",
        );
        let b = import(
            &store,
            &tar,
            Some("localhost/b:latest"),
            "2026-01-02T00:00:00Z",
        );
        assert_ne!(a.id, b.id);
        assert_eq!(a.layers, b.layers, "identical layers are stored once");
        let chain = a.layers[0].clone();
        assert_eq!(chain, crate::image::blob::sha256_digest(&tar));

        // The record resolves with its config, and the layer link points at the diff.
        let rec = store.resolve_image("a").unwrap();
        assert_eq!(rec.id, a.id);
        assert!(rec.config.history().is_empty());
        let link = store.layer_link(&chain).unwrap();
        assert!(link.to_string_lossy().starts_with("l/"));
        assert_eq!(link.to_string_lossy().len(), 2 + 26);
        let via_link = store.layers_dir().join(&link).join("bin/sh");
        assert_eq!(std::fs::read(via_link).unwrap(), b"#!");
        assert_eq!(
            store.layer_diff(&chain),
            store.layers_dir().join(hex_of(&chain)).join("diff")
        );

        // A name moves to the newest image that takes it.
        let c = import(
            &store,
            &layer_tar(b"other"),
            Some("localhost/a:latest"),
            "2026-01-03T00:00:00Z",
        );
        let all = store.images().unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().find(|i| i.id == a.id).unwrap().names.is_empty());
        assert_eq!(store.resolve_image("a").unwrap().id, c.id);

        // Deleting `a` keeps the layer `b` still uses.
        let lock = store.lock().unwrap();
        store.delete_image(&lock, &a.id).unwrap();
        assert!(store.layer_diff(&chain).is_dir());
        store.delete_image(&lock, &b.id).unwrap();
        assert!(!store.layer_diff(&chain).exists());
        assert!(!store.layers_dir().join(&link).exists());
        assert!(!store.blobs_dir().join(&a.id).exists());
        assert!(!store.blobs_dir().join(hex_of(&chain)).exists());
        assert!(!store.images_dir().join(&b.id).exists());
        let after = store.untag(&lock, &c.id, "localhost/a:latest").unwrap();
        assert!(after.names.is_empty());
        drop(lock);
        assert_eq!(store.images().unwrap().len(), 1);
        let err = store.resolve_image("b").unwrap_err();
        assert_eq!(err.to_string(), "b: image not known");
        // No temporary garbage is left behind.
        for dir in [store.layers_dir(), store.blobs_dir(), store.images_dir()] {
            for e in std::fs::read_dir(dir).unwrap() {
                let n = e.unwrap().file_name();
                assert!(!n.to_string_lossy().starts_with('.'), "{n:?}");
            }
        }
    }

    #[test]
    fn refused_layer_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_at(tmp.path()).unwrap();
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..7].copy_from_slice(b"../evil");
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(0);
        h.set_cksum();
        b.append(&h, &b""[..]).unwrap();
        let tar = b.into_inner().unwrap();
        let err = store.add_layer(&tar[..], None, &mut |_| {}).unwrap_err();
        assert!(matches!(err, StoreError::Layer(LayerError::Refused { .. })));
        assert!(!tmp.path().join("evil").exists());
        let layers: Vec<_> = std::fs::read_dir(store.layers_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(layers, [std::ffi::OsString::from("l")]);
        assert_eq!(std::fs::read_dir(store.blobs_dir()).unwrap().count(), 0);
    }

    #[test]
    fn garbage_is_collected() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_at(tmp.path()).unwrap();
        let me = atomic::Owner::current();
        let trash = store
            .layers_dir()
            .join(format!(".trash-{}-{}-layer.0", me.pid, me.start + 1));
        std::fs::create_dir_all(trash.join("diff/sub")).unwrap();
        let fresh = store.blobs_dir().join(".tmp-fresh");
        std::fs::write(&fresh, b"in progress").unwrap();
        let old = store.blobs_dir().join(".tmp-old");
        std::fs::write(&old, b"left over").unwrap();
        let two_days_ago = std::time::SystemTime::now() - 2 * cleanup::STALE_UNOWNED;
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_days_ago)
            .unwrap();
        let live = store.blobs_dir().join(temp_name("blob"));
        std::fs::write(&live, b"being written").unwrap();
        let lock = store.lock().unwrap();
        store.collect_garbage(&lock).unwrap();
        assert!(!trash.exists());
        assert!(!old.exists());
        assert!(fresh.exists());
        assert!(live.exists());
    }

    #[test]
    fn random_names_use_the_alphabet() {
        let n = random_name(26).unwrap();
        assert_eq!(n.len(), 26);
        assert!(n
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    }
}
