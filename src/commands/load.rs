//! `berth load` (in the session): read a docker-archive, an oci-archive or an OCI layout
//! directory (the format is detected), from a file or stdin, and store its images.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::load::LoadArgs;
use crate::commands::pull::register_image;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::archive::{self, Layout};
use crate::image::blob::{sha256_digest, Compression};
use crate::image::config::{self as imgconfig, Descriptor, MEDIA_CONFIG};
use crate::image::manifest::{kind_of, Kind, MAX_CONFIG, MAX_MANIFEST};
use crate::image::reference::Reference;
use crate::registry::manifest::select_platform;
use crate::registry::PlatformSpec;
use crate::storage::{ImageSummary, Store};

/// The store name for a name found in an archive: a full reference as docker normalises
/// it; a bare tag (what `skopeo copy … oci:DIR:TAG` records) names nothing.
pub fn archive_name(text: &str) -> Option<String> {
    if !text.contains(['/', ':']) {
        return None;
    }
    Reference::parse_normalized(text)
        .ok()
        .filter(|r| r.digest().is_none())
        .map(|r| r.to_string())
}

/// Removes the scratch directory when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `load`'s error for `source`: a payload that is not a tar, or a tar that is no image
/// archive, in podman's words (which scripts match); an error of the system (an errno) as
/// what failed on what.
fn load_error(e: archive::ArchiveError, source: &Path) -> Error {
    let format_problem = match &e {
        archive::ArchiveError::UnknownFormat { .. } => true,
        archive::ArchiveError::Io { source, .. } => source.raw_os_error().is_none(),
        _ => false,
    };
    if format_problem {
        return Error::msg(format!(
            "payload does not match any of the supported image formats: oci-archive, docker-archive (`{}`: {e})",
            source.display()
        ));
    }
    Error::from_source(format!("load `{}`", source.display()), e)
}

/// Run `berth load`.
pub fn execute(args: LoadArgs) -> Result<()> {
    if args.input.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        // podman's words.
        return Err(Error::msg(
            "cannot read from terminal, use command-line redirection or the --input flag",
        ));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let source = args.input.clone().unwrap_or_else(|| PathBuf::from("stdin"));
    let what = || format!("load `{}`", source.display());
    let scratch;
    let dir: PathBuf = match &args.input {
        Some(p) if p.is_dir() => p.clone(),
        _ => {
            let tmp = store.root().join(crate::storage::atomic::temp_name("load"));
            std::fs::create_dir(&tmp).with_context(|| format!("create `{}`", tmp.display()))?;
            scratch = Scratch(tmp.clone());
            let input: Box<dyn Read> = match &args.input {
                Some(p) => Box::new(
                    std::fs::File::open(p).with_context(|| format!("open `{}`", p.display()))?,
                ),
                None => Box::new(std::io::stdin().lock()),
            };
            archive::unpack_archive(input, &scratch.0, &source)
                .map_err(|e| super::pull::with_space_hint(load_error(e, &source), store.root()))?;
            tmp
        }
    };
    let loaded = match archive::detect(&dir).map_err(|e| load_error(e, &source))? {
        Layout::Oci => load_oci(&store, &dir),
        Layout::Docker => load_docker(&store, &dir),
    }
    .with_context(what)
    .map_err(|e| super::pull::with_space_hint(e, store.root()))?;
    if loaded.is_empty() {
        return Err(Error::msg(format!(
            "{}: the archive holds no image",
            what()
        )));
    }
    crate::storage::events::record(&crate::storage::events::Event::image(
        "loadfromarchive",
        "",
        &source.display().to_string(),
    ));
    if !args.quiet {
        for image in loaded {
            if image.names.is_empty() {
                println!("Loaded image: sha256:{}", image.id);
            }
            for name in image.names {
                println!("Loaded image: {name}");
            }
        }
    }
    Ok(())
}

fn load_oci(store: &Store, dir: &Path) -> Result<Vec<ImageSummary>> {
    let mut out = Vec::new();
    for entry in archive::oci_entries(dir).context("read index.json")? {
        let path = archive::oci_blob(dir, &entry.digest);
        let mut bytes = archive::read_capped(&path, MAX_MANIFEST).context("read the archive")?;
        if sha256_digest(&bytes) != entry.digest {
            return Err(Error::msg(format!(
                "manifest `{}` does not match its digest",
                entry.digest
            )));
        }
        let declared = Some(entry.media_type.as_str()).filter(|m| !m.is_empty());
        archive::check_manifest(&bytes, declared, &entry.digest).context("read the archive")?;
        let media_type = crate::image::manifest::media_type_of(declared, &bytes);
        if kind_of(&media_type) == Some(Kind::Index) {
            let index: oci_spec::image::ImageIndex =
                serde_json::from_slice(&bytes).context("parse an image index")?;
            let chosen = select_platform(&index, &PlatformSpec::host(), &entry.digest)
                .context("choose a platform")?;
            let p = archive::oci_blob(dir, chosen.digest().as_ref());
            bytes = archive::read_capped(&p, MAX_MANIFEST).context("read the archive")?;
            let declared = chosen.media_type().to_string();
            archive::check_manifest(&bytes, Some(&declared), chosen.digest().as_ref())
                .context("read the archive")?;
        }
        let name = entry.name.as_deref().and_then(archive_name);
        let image = register_image(store, &bytes, name.as_deref(), &|d| {
            archive::oci_blob(dir, d)
        })?;
        out.push(image);
    }
    Ok(out)
}

fn file_digest(path: &Path) -> Result<(String, u64, Compression)> {
    use sha2::Digest as _;
    let mut f = std::fs::File::open(path).with_context(|| format!("open `{}`", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 128 * 1024];
    let mut total = 0u64;
    let mut magic = Vec::new();
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("read `{}`", path.display()))?;
        if n == 0 {
            break;
        }
        if magic.len() < 4 {
            magic.extend_from_slice(&buf[..n.min(4 - magic.len())]);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((
        format!("sha256:{}", hex::encode(hasher.finalize())),
        total,
        Compression::detect(&magic),
    ))
}

fn load_docker(store: &Store, dir: &Path) -> Result<Vec<ImageSummary>> {
    let mut out = Vec::new();
    for entry in archive::docker_entries(dir).context("read manifest.json")? {
        let config = archive::read_capped(&entry.config, MAX_CONFIG).context("read the archive")?;
        let config_digest = sha256_digest(&config);
        let mut paths: HashMap<String, PathBuf> = HashMap::new();
        paths.insert(config_digest.clone(), entry.config.clone());
        let mut layers = Vec::new();
        for layer in &entry.layers {
            let (digest, size, compression) = file_digest(layer)?;
            paths.insert(digest.clone(), layer.clone());
            layers.push(Descriptor {
                media_type: compression.media_type().to_string(),
                digest,
                size,
            });
        }
        let manifest = imgconfig::manifest(
            &Descriptor {
                media_type: MEDIA_CONFIG.into(),
                digest: config_digest,
                size: config.len() as u64,
            },
            &layers,
        );
        let names: Vec<String> = entry
            .repo_tags
            .iter()
            .filter_map(|t| archive_name(t))
            .collect();
        let lookup = |d: &str| paths.get(d).cloned().unwrap_or_else(|| dir.join("missing"));
        let mut image =
            register_image(store, &manifest, names.first().map(String::as_str), &lookup)?;
        if names.len() > 1 {
            let lock = store.lock().context("lock the store")?;
            for name in &names[1..] {
                image = store
                    .tag(&lock, &image.id, name)
                    .with_context(|| format!("name the image `{name}`"))?;
            }
        }
        out.push(image);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names() {
        assert_eq!(
            archive_name("busybox:latest").as_deref(),
            Some("docker.io/library/busybox:latest")
        );
        assert_eq!(
            archive_name("localhost/a:1").as_deref(),
            Some("localhost/a:1")
        );
        assert_eq!(archive_name("latest"), None);
        assert_eq!(archive_name("Bad:x/"), None);
    }
}
