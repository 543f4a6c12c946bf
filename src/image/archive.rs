//! Image archives for `save` and `load`: docker-archive (docker's `manifest.json` with
//! uncompressed `<diff-id>.tar` layers), oci-archive (a tarred OCI image layout) and oci-dir
//! (the layout as a directory). What podman and skopeo write, and read back.
//!
//! Writing goes through a [`Sink`] (a tar stream or a directory); reading works on a
//! directory: a tar archive is first unpacked (regular files and directories only, every
//! path checked) by [`unpack_archive`].

use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Value};

use super::blob::{sha256_digest, Compression, ExtensionCap};

/// Errors reading or writing an archive. Each names the file or entry involved.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{op} `{path}`")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("archive entry `{entry}` escapes the archive")]
    BadEntry { entry: String },
    #[error("parse `{path}`")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "`{path}` is neither a docker-archive nor an OCI layout (no manifest.json or index.json)"
    )]
    UnknownFormat { path: PathBuf },
    #[error("`{path}`: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error("refuse manifest `{digest}`: {message}")]
    Ambiguous { digest: String, message: String },
    #[error("refuse `{path}`: larger than the limit of {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("layer `{digest}` decompresses to {actual} bytes, the store recorded {expected}")]
    LayerSize {
        digest: String,
        expected: u64,
        actual: u64,
    },
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> ArchiveError + 'a {
    move |source| ArchiveError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// The archive formats of `save --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DockerArchive,
    OciArchive,
    OciDir,
}

impl Format {
    /// Parse a `--format` value (`docker-archive`, `oci-archive`, `oci-dir`).
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "docker-archive" => Some(Format::DockerArchive),
            "oci-archive" => Some(Format::OciArchive),
            "oci-dir" => Some(Format::OciDir),
            _ => None,
        }
    }
}

/// One layer to save: the stored blob and what the config says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveLayer {
    pub blob: PathBuf,
    /// `sha256:<hex>` of the blob.
    pub digest: String,
    pub size: u64,
    /// `sha256:<hex>` of the uncompressed tar.
    pub diff_id: String,
    /// Bytes of the uncompressed tar.
    pub diff_size: u64,
}

/// One image to save, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveImage {
    /// Full names to record (may be empty).
    pub names: Vec<String>,
    pub config: Vec<u8>,
    /// `sha256:<hex>` of the config.
    pub config_digest: String,
    pub manifest: Vec<u8>,
    pub manifest_media_type: String,
    pub layers: Vec<SaveLayer>,
}

/// Where saved files go.
pub trait Sink {
    /// A directory (`a/b`, no trailing slash).
    fn dir(&mut self, path: &str) -> Result<(), ArchiveError>;
    /// A regular file of exactly `size` bytes read from `data`.
    fn file(&mut self, path: &str, size: u64, data: &mut dyn Read) -> Result<(), ArchiveError>;
}

/// A tar stream.
pub struct TarSink<W: Write> {
    builder: tar::Builder<W>,
    /// Names the output in errors.
    name: PathBuf,
}

impl<W: Write> TarSink<W> {
    pub fn new(out: W, name: &Path) -> Self {
        TarSink {
            builder: tar::Builder::new(out),
            name: name.to_path_buf(),
        }
    }

    /// Write the end-of-archive blocks and return the writer.
    pub fn finish(self) -> Result<W, ArchiveError> {
        let name = self.name;
        self.builder.into_inner().map_err(io_err("write", &name))
    }
}

impl<W: Write> Sink for TarSink<W> {
    fn dir(&mut self, path: &str) -> Result<(), ArchiveError> {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        self.builder
            .append_data(&mut h, format!("{path}/"), io::empty())
            .map_err(io_err("write", &self.name))
    }

    fn file(&mut self, path: &str, size: u64, data: &mut dyn Read) -> Result<(), ArchiveError> {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_size(size);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        let mut counted = Counted {
            inner: data,
            count: 0,
        };
        self.builder
            .append_data(&mut h, path, &mut counted)
            .map_err(io_err("write", &self.name))
    }
}

/// Counts what passes through (the tar crate pads a short reader silently, so callers that
/// stream decompressed data check the count themselves).
struct Counted<'a> {
    inner: &'a mut dyn Read,
    count: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// A directory (oci-dir).
pub struct DirSink {
    pub root: PathBuf,
}

impl Sink for DirSink {
    fn dir(&mut self, path: &str) -> Result<(), ArchiveError> {
        let p = self.root.join(path);
        std::fs::create_dir_all(&p).map_err(io_err("create", &p))
    }

    fn file(&mut self, path: &str, _size: u64, data: &mut dyn Read) -> Result<(), ArchiveError> {
        let p = self.root.join(path);
        if p.is_file() && path.starts_with("blobs/") {
            // Content-addressed: already there.
            return Ok(());
        }
        let tmp = self.root.join(format!("{path}.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(io_err("create", &tmp))?;
        io::copy(data, &mut f).map_err(io_err("write", &tmp))?;
        std::fs::rename(&tmp, &p).map_err(io_err("rename", &tmp))
    }
}

fn hex(digest: &str) -> &str {
    digest.split_once(':').map_or(digest, |(_, h)| h)
}

fn bytes_file(sink: &mut dyn Sink, path: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
    sink.file(path, bytes.len() as u64, &mut &bytes[..])
}

fn blob_file(sink: &mut dyn Sink, path: &str, blob: &Path, size: u64) -> Result<(), ArchiveError> {
    let mut f = std::fs::File::open(blob).map_err(io_err("open", blob))?;
    let meta = f.metadata().map_err(io_err("stat", blob))?;
    if meta.len() != size {
        return Err(ArchiveError::Malformed {
            path: blob.to_path_buf(),
            message: format!(
                "the blob has {} bytes, the manifest says {size}",
                meta.len()
            ),
        });
    }
    sink.file(path, size, &mut f)
}

/// The `index.json` of an OCI layout holding `images` (pure).
pub fn oci_index(images: &[SaveImage]) -> Vec<u8> {
    let mut manifests = Vec::new();
    for image in images {
        let digest = sha256_digest(&image.manifest);
        let base = json!({
            "mediaType": image.manifest_media_type,
            "digest": digest,
            "size": image.manifest.len(),
        });
        for name in &image.names {
            let mut d = base.clone();
            d["annotations"] = json!({"org.opencontainers.image.ref.name": name});
            manifests.push(d);
        }
        if image.names.is_empty() {
            manifests.push(base);
        }
    }
    serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": manifests})).unwrap_or_default()
}

/// Write `images` as an OCI image layout into `sink`, blobs as stored.
pub fn write_oci(sink: &mut dyn Sink, images: &[SaveImage]) -> Result<(), ArchiveError> {
    sink.dir("blobs")?;
    sink.dir("blobs/sha256")?;
    bytes_file(sink, "oci-layout", br#"{"imageLayoutVersion": "1.0.0"}"#)?;
    let mut written = std::collections::HashSet::new();
    for image in images {
        for layer in &image.layers {
            if written.insert(layer.digest.clone()) {
                let path = format!("blobs/sha256/{}", hex(&layer.digest));
                blob_file(sink, &path, &layer.blob, layer.size)?;
            }
        }
        if written.insert(image.config_digest.clone()) {
            let path = format!("blobs/sha256/{}", hex(&image.config_digest));
            bytes_file(sink, &path, &image.config)?;
        }
        let digest = sha256_digest(&image.manifest);
        if written.insert(digest.clone()) {
            bytes_file(
                sink,
                &format!("blobs/sha256/{}", hex(&digest)),
                &image.manifest,
            )?;
        }
    }
    bytes_file(sink, "index.json", &oci_index(images))
}

/// The `manifest.json` of a docker archive holding `images` (pure).
pub fn docker_manifest(images: &[SaveImage]) -> Vec<u8> {
    let entries: Vec<Value> = images
        .iter()
        .map(|image| {
            json!({
                "Config": format!("{}.json", hex(&image.config_digest)),
                "RepoTags": image.names,
                "Layers": image.layers.iter().map(|l| format!("{}.tar", hex(&l.diff_id))).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_vec(&entries).unwrap_or_default()
}

/// A reader of a blob's uncompressed tar.
pub fn decompressed(blob: &Path) -> Result<Box<dyn Read>, ArchiveError> {
    let mut f = std::fs::File::open(blob).map_err(io_err("open", blob))?;
    let mut magic = [0u8; 6];
    let n = read_up_to(&mut f, &mut magic).map_err(io_err("read", blob))?;
    let head = io::Cursor::new(magic[..n].to_vec());
    let chained = io::BufReader::new(head.chain(f));
    match archive_compression(&magic[..n]) {
        Some(ArchiveCompression::Xz) => Ok(Box::new(liblzma::read::XzDecoder::new(chained))),
        Some(ArchiveCompression::Bzip2) => Ok(Box::new(bzip2::read::MultiBzDecoder::new(chained))),
        None => Compression::detect(&magic[..n])
            .decoder(chained)
            .map_err(io_err("read", blob)),
    }
}

/// The compressions an archive (not a layer) may have besides a layer's gzip and zstd:
/// `load` and a build's ADD take them, as podman and docker do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveCompression {
    Xz,
    Bzip2,
}

/// xz or bzip2, by magic number.
pub fn archive_compression(magic: &[u8]) -> Option<ArchiveCompression> {
    if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Some(ArchiveCompression::Xz)
    } else if magic.len() >= 4 && magic.starts_with(b"BZh") && (b'1'..=b'9').contains(&magic[3]) {
        Some(ArchiveCompression::Bzip2)
    } else {
        None
    }
}

/// Is `path` a tar archive, plain or compressed in any way [`decompressed`] reads? (Its
/// first header says `ustar`.)
pub fn holds_tar(path: &Path) -> bool {
    let Ok(mut r) = decompressed(path) else {
        return false;
    };
    let mut header = [0u8; 512];
    read_up_to(&mut r, &mut header).is_ok_and(|n| n >= 262 && &header[257..262] == b"ustar")
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Write `images` as a docker archive: `manifest.json`, `repositories`, the configs and
/// the layers uncompressed as `<diff-id>.tar`.
pub fn write_docker(sink: &mut dyn Sink, images: &[SaveImage]) -> Result<(), ArchiveError> {
    let mut written = std::collections::HashSet::new();
    let mut repositories = serde_json::Map::new();
    for image in images {
        for layer in &image.layers {
            if !written.insert(layer.diff_id.clone()) {
                continue;
            }
            let mut reader = decompressed(&layer.blob)?;
            let mut counted = Counted {
                inner: &mut reader,
                count: 0,
            };
            let path = format!("{}.tar", hex(&layer.diff_id));
            sink.file(&path, layer.diff_size, &mut counted)?;
            // The tar crate pads a short stream; a long one would be cut. Either is wrong.
            let extra =
                read_up_to(&mut counted, &mut [0u8; 1]).map_err(io_err("read", &layer.blob))?;
            if counted.count != layer.diff_size || extra != 0 {
                return Err(ArchiveError::LayerSize {
                    digest: layer.digest.clone(),
                    expected: layer.diff_size,
                    actual: counted.count,
                });
            }
        }
        let path = format!("{}.json", hex(&image.config_digest));
        if written.insert(path.clone()) {
            bytes_file(sink, &path, &image.config)?;
        }
        if let Some(top) = image.layers.last() {
            for name in &image.names {
                if let Some((repo, tag)) = name
                    .rsplit_once(':')
                    .filter(|(r, _)| !r.is_empty() && !name[r.len()..].contains('/'))
                {
                    let e = repositories
                        .entry(repo.to_string())
                        .or_insert_with(|| json!({}));
                    e[tag] = json!(hex(&top.diff_id));
                }
            }
        }
    }
    bytes_file(sink, "manifest.json", &docker_manifest(images))?;
    if !repositories.is_empty() {
        let bytes = serde_json::to_vec(&Value::Object(repositories)).unwrap_or_default();
        bytes_file(sink, "repositories", &bytes)?;
    }
    Ok(())
}

/// Check an archive entry's path: relative, no `..` (pure).
pub fn clean_entry(path: &Path) -> Result<PathBuf, ArchiveError> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => {
                return Err(ArchiveError::BadEntry {
                    entry: path.display().to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// Unpack a (maybe gzip- or zstd-compressed) tar archive into `dest`: regular files and
/// directories only (the legacy symlinks of docker archives are skipped).
pub fn unpack_archive(input: impl Read, dest: &Path, name: &Path) -> Result<(), ArchiveError> {
    let mut input = io::BufReader::new(input);
    let magic = io::BufRead::fill_buf(&mut input)
        .map_err(io_err("read", name))?
        .to_vec();
    let reader = Compression::detect(&magic)
        .decoder(input)
        .map_err(io_err("read", name))?;
    let mut archive = tar::Archive::new(ExtensionCap::new(reader));
    for entry in archive.entries().map_err(io_err("read", name))? {
        let mut entry = entry.map_err(io_err("read", name))?;
        let path = entry.path().map_err(io_err("read", name))?.into_owned();
        let rel = clean_entry(&path)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&rel);
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                std::fs::create_dir_all(&target).map_err(io_err("create", &target))?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(io_err("create", parent))?;
                }
                let mut f = std::fs::File::create(&target).map_err(io_err("create", &target))?;
                io::copy(&mut entry, &mut f).map_err(io_err("write", &target))?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// What an unpacked archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    Oci,
    Docker,
}

/// Tell an unpacked archive's format.
pub fn detect(dir: &Path) -> Result<Layout, ArchiveError> {
    if dir.join("index.json").is_file() {
        Ok(Layout::Oci)
    } else if dir.join("manifest.json").is_file() {
        Ok(Layout::Docker)
    } else {
        Err(ArchiveError::UnknownFormat {
            path: dir.to_path_buf(),
        })
    }
}

/// Read a file of at most `limit` bytes (a manifest, an index, a config) through a bounded
/// reader: a larger file is refused after reading `limit + 1` bytes, never read whole.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, ArchiveError> {
    let f = std::fs::File::open(path).map_err(io_err("open", path))?;
    let mut bytes = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err("read", path))?;
    if bytes.len() as u64 > limit {
        return Err(ArchiveError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

/// Refuse an archive's manifest or index that could be read as another kind, or whose own
/// `mediaType` disagrees with the descriptor that pointed at it (`declared`).
pub fn check_manifest(
    bytes: &[u8],
    declared: Option<&str>,
    digest: &str,
) -> Result<(), ArchiveError> {
    use crate::image::manifest::{check_declared, check_unambiguous, media_type_of};
    let refuse = |message| ArchiveError::Ambiguous {
        digest: digest.to_string(),
        message,
    };
    check_declared(bytes, declared, "its descriptor").map_err(refuse)?;
    check_unambiguous(bytes, &media_type_of(declared, bytes)).map_err(refuse)
}

fn read_json(path: &Path) -> Result<Value, ArchiveError> {
    let bytes = read_capped(path, crate::image::manifest::MAX_MANIFEST)?;
    serde_json::from_slice(&bytes).map_err(|source| ArchiveError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// The path of blob `digest` in an OCI layout at `dir`.
pub fn oci_blob(dir: &Path, digest: &str) -> PathBuf {
    let (alg, h) = digest.split_once(':').unwrap_or(("sha256", digest));
    dir.join("blobs").join(alg).join(h)
}

/// One manifest listed in an OCI layout's index.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OciEntry {
    pub digest: String,
    pub media_type: String,
    /// `io.containerd.image.name`, else `org.opencontainers.image.ref.name`.
    pub name: Option<String>,
}

/// The entries of an OCI layout's `index.json`.
pub fn oci_entries(dir: &Path) -> Result<Vec<OciEntry>, ArchiveError> {
    let path = dir.join("index.json");
    let index = read_json(&path)?;
    let Some(manifests) = index["manifests"].as_array() else {
        return Err(ArchiveError::Malformed {
            path,
            message: "no `manifests` list".into(),
        });
    };
    Ok(manifests
        .iter()
        .filter_map(|m| {
            let annotations = &m["annotations"];
            let name = annotations["io.containerd.image.name"]
                .as_str()
                .or_else(|| annotations["org.opencontainers.image.ref.name"].as_str())
                .map(str::to_string);
            Some(OciEntry {
                digest: m["digest"].as_str()?.to_string(),
                media_type: m["mediaType"].as_str().unwrap_or_default().to_string(),
                name,
            })
        })
        .collect())
}

/// One image of a docker archive's `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerEntry {
    pub config: PathBuf,
    pub repo_tags: Vec<String>,
    pub layers: Vec<PathBuf>,
}

/// The entries of a docker archive's `manifest.json`, paths checked to stay inside `dir`.
pub fn docker_entries(dir: &Path) -> Result<Vec<DockerEntry>, ArchiveError> {
    let path = dir.join("manifest.json");
    let doc = read_json(&path)?;
    let malformed = |message: &str| ArchiveError::Malformed {
        path: path.clone(),
        message: message.to_string(),
    };
    let list = doc.as_array().ok_or_else(|| malformed("not a list"))?;
    let mut out = Vec::new();
    for e in list {
        let config = e["Config"]
            .as_str()
            .ok_or_else(|| malformed("an entry has no `Config`"))?;
        let layers = e["Layers"]
            .as_array()
            .ok_or_else(|| malformed("an entry has no `Layers`"))?
            .iter()
            .map(|l| {
                l.as_str()
                    .ok_or_else(|| malformed("a layer is not a path"))
                    .and_then(|l| clean_entry(Path::new(l)))
                    .map(|l| dir.join(l))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(DockerEntry {
            config: dir.join(clean_entry(Path::new(config))?),
            repo_tags: e["RepoTags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            layers,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(dir: &Path) -> SaveImage {
        let raw = b"not really a tar".to_vec();
        let blob = dir.join("layer");
        std::fs::write(&blob, &raw).unwrap();
        let config = br#"{"rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec();
        SaveImage {
            names: vec!["localhost/a:1".into()],
            config_digest: sha256_digest(&config),
            config,
            manifest: b"{}".to_vec(),
            manifest_media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            layers: vec![SaveLayer {
                blob,
                digest: sha256_digest(&raw),
                size: raw.len() as u64,
                diff_id: sha256_digest(&raw),
                diff_size: raw.len() as u64,
            }],
        }
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("oci-dir"), Some(Format::OciDir));
        assert_eq!(Format::parse("docker-archive"), Some(Format::DockerArchive));
        assert_eq!(Format::parse("oci-archive"), Some(Format::OciArchive));
        assert_eq!(Format::parse("docker-dir"), None);
    }

    #[test]
    fn entries_cannot_escape() {
        assert!(clean_entry(Path::new("../x")).is_err());
        assert!(clean_entry(Path::new("/etc/passwd")).is_err());
        assert_eq!(clean_entry(Path::new("./a/b")).unwrap(), Path::new("a/b"));
    }

    #[test]
    fn oci_round_trip_through_a_tar() {
        let dir = tempfile::tempdir().unwrap();
        let img = image(dir.path());
        let mut sink = TarSink::new(Vec::new(), Path::new("out.tar"));
        write_oci(&mut sink, std::slice::from_ref(&img)).unwrap();
        let bytes = sink.finish().unwrap();
        let out = dir.path().join("unpacked");
        std::fs::create_dir(&out).unwrap();
        unpack_archive(&bytes[..], &out, Path::new("out.tar")).unwrap();
        assert_eq!(detect(&out).unwrap(), Layout::Oci);
        let entries = oci_entries(&out).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].name.as_deref(), Some("localhost/a:1"));
        let m = std::fs::read(oci_blob(&out, &entries[0].digest)).unwrap();
        assert_eq!(m, img.manifest);
        assert!(oci_blob(&out, &img.layers[0].digest).is_file());
    }

    #[test]
    fn docker_round_trip_and_size_check() {
        let dir = tempfile::tempdir().unwrap();
        let img = image(dir.path());
        let out = dir.path().join("d");
        std::fs::create_dir(&out).unwrap();
        write_docker(
            &mut DirSink { root: out.clone() },
            std::slice::from_ref(&img),
        )
        .unwrap();
        assert_eq!(detect(&out).unwrap(), Layout::Docker);
        let entries = docker_entries(&out).unwrap();
        assert_eq!(entries[0].repo_tags, ["localhost/a:1"]);
        assert_eq!(
            std::fs::read(&entries[0].layers[0]).unwrap(),
            b"not really a tar"
        );
        let repos: Value =
            serde_json::from_slice(&std::fs::read(out.join("repositories")).unwrap()).unwrap();
        assert!(repos["localhost/a"]["1"].is_string());
        let mut wrong = img.clone();
        wrong.layers[0].diff_size += 1;
        wrong.layers[0].diff_id = "sha256:00".into();
        let e = write_docker(&mut DirSink { root: out }, &[wrong]).unwrap_err();
        assert!(matches!(e, ArchiveError::LayerSize { .. }), "{e}");
    }
}
