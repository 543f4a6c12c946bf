//! `berth save`: write images, blobs as stored, as a docker-archive, an oci-archive or an
//! OCI layout directory.

use std::io::{IsTerminal, Write};
use std::path::Path;

use oci_spec::image::ImageManifest;

use crate::cli::save::SaveArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::archive::{self, DirSink, Format, SaveImage, SaveLayer, TarSink};
use crate::image::manifest::OCI_MANIFEST;
use crate::image::reference::{lookup_candidates, Reference};
use crate::storage::{random_name, Store};

/// Read image `name_or_id` from the store as [`archive`] wants it.
pub fn save_image(store: &Store, name_or_id: &str) -> Result<SaveImage> {
    let what = || format!("save `{name_or_id}`");
    let record = store.resolve_image(name_or_id).with_context(what)?;
    let dir = store.images_dir().join(&record.id);
    let manifest = std::fs::read(dir.join("manifest.json")).with_context(what)?;
    let config = std::fs::read(dir.join("config.json")).with_context(what)?;
    let parsed: ImageManifest =
        serde_json::from_slice(&manifest).context("parse the stored manifest")?;
    let media_type = serde_json::from_slice::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|v| v["mediaType"].as_str().map(str::to_string))
        .unwrap_or_else(|| OCI_MANIFEST.to_string());
    if parsed.layers().len() != record.layers.len() {
        return Err(Error::msg(format!(
            "save `{name_or_id}`: the manifest and the store disagree on the layers"
        ))
        .hint("run `berth system check`"));
    }
    let mut layers = Vec::new();
    for (desc, chain) in parsed.layers().iter().zip(&record.layers) {
        let rec = store.layer(chain).with_context(what)?;
        let digest = desc.digest().to_string();
        layers.push(SaveLayer {
            blob: store.blob_path(&digest),
            digest,
            size: desc.size(),
            diff_id: rec.diff_id,
            diff_size: rec.size,
        });
    }
    let names = Reference::parse(name_or_id)
        .ok()
        .and_then(|r| {
            lookup_candidates(&r)
                .into_iter()
                .find(|c| record.names.contains(c))
        })
        .into_iter()
        .collect();
    Ok(SaveImage {
        names,
        config_digest: format!("sha256:{}", record.id),
        config,
        manifest,
        manifest_media_type: media_type,
        layers,
    })
}

/// Run `berth save`.
pub fn execute(args: SaveArgs) -> Result<()> {
    let format = Format::parse(&args.format).ok_or_else(|| {
        Error::msg(format!(
            "unsupported --format `{}` (docker-archive, oci-archive, oci-dir)",
            args.format
        ))
    })?;
    if format == Format::OciDir && args.output.is_none() {
        return Err(Error::msg("save: --format oci-dir needs -o DIRECTORY"));
    }
    if args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(
            Error::msg("refusing to save to a terminal").hint("use -o FILE, or redirect stdout")
        );
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let mut images = args
        .images
        .iter()
        .map(|i| save_image(&store, i))
        .collect::<Result<Vec<_>>>()?;
    // Removed when the command ends, whichever way.
    let scratch = if args.uncompressed && format != Format::DockerArchive {
        let dir = Scratch(store.root().join(format!(
            ".tmp-save-{}",
            random_name(12).context("name a directory")?
        )));
        std::fs::create_dir_all(&dir.0).with_context(|| format!("create `{}`", dir.0.display()))?;
        for image in &mut images {
            uncompress(image, &dir.0)?;
        }
        Some(dir)
    } else {
        None
    };
    let write = |sink: &mut dyn archive::Sink| match format {
        Format::DockerArchive => archive::write_docker(sink, &images),
        Format::OciArchive | Format::OciDir => archive::write_oci(sink, &images),
    };
    match (&args.output, format) {
        (Some(dir), Format::OciDir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("create `{}`", dir.display()))?;
            write(&mut DirSink { root: dir.clone() })
                .with_context(|| format!("save to `{}`", dir.display()))?;
        }
        (Some(file), _) => {
            let parent = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let tmp = parent.join(format!(".tmp-{}", random_name(12).context("name a file")?));
            let result = (|| -> Result<()> {
                let out = std::fs::File::create(&tmp)
                    .with_context(|| format!("create `{}`", tmp.display()))?;
                let mut sink = TarSink::new(std::io::BufWriter::new(out), file);
                write(&mut sink).with_context(|| format!("save to `{}`", file.display()))?;
                let mut out = sink.finish().context("finish the archive")?;
                out.flush()
                    .with_context(|| format!("write `{}`", file.display()))?;
                std::fs::rename(&tmp, file)
                    .with_context(|| format!("rename to `{}`", file.display()))
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result?;
        }
        (None, _) => {
            let stdout = std::io::stdout().lock();
            let mut sink = TarSink::new(std::io::BufWriter::new(stdout), Path::new("stdout"));
            write(&mut sink).context("save to stdout")?;
            let mut out = sink.finish().context("finish the archive")?;
            out.flush().context("write stdout")?;
        }
    }
    let target = args
        .output
        .as_ref()
        .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    for image in &images {
        let id = image.config_digest.trim_start_matches("sha256:");
        crate::storage::events::record(&crate::storage::events::Event::image("save", id, &target));
    }
    drop(scratch);
    Ok(())
}

/// A directory removed with its contents when dropped.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `--uncompressed`: write each layer of `image` uncompressed into `dir`, and point its
/// manifest at those tars (digest = the diff id, size, the tar media type).
fn uncompress(image: &mut SaveImage, dir: &Path) -> Result<()> {
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&image.manifest).context("parse the stored manifest")?;
    let tar_type = if image.manifest_media_type.contains("docker") {
        "application/vnd.docker.image.rootfs.diff.tar"
    } else {
        "application/vnd.oci.image.layer.v1.tar"
    };
    for (i, layer) in image.layers.iter_mut().enumerate() {
        let path = dir.join(layer.diff_id.trim_start_matches("sha256:"));
        let what = || format!("uncompress layer `{}`", layer.digest);
        let mut reader = archive::decompressed(&layer.blob).with_context(what)?;
        let mut out = std::fs::File::create(&path).with_context(what)?;
        let size = std::io::copy(&mut reader, &mut out).with_context(what)?;
        layer.blob = path;
        layer.digest.clone_from(&layer.diff_id);
        layer.size = size;
        let entry = &mut manifest["layers"][i];
        entry["digest"] = layer.diff_id.clone().into();
        entry["size"] = size.into();
        entry["mediaType"] = tar_type.into();
    }
    image.manifest = serde_json::to_vec(&manifest).context("render the manifest")?;
    Ok(())
}
