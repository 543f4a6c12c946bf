//! `berth push`: upload an image's blobs as stored (only those the registry lacks), then
//! its manifest as stored, so an image pushed unchanged keeps its manifest digest.

use std::path::PathBuf;

use oci_spec::image::{Descriptor, ImageManifest};

use crate::cli::push::PushArgs;
use crate::config::auth::{AuthFiles, Credential};
use crate::config::registries::RegistriesConf;
use crate::config::Paths;
use crate::error::{Context, Error, HintContext, Result};
use crate::image::manifest::OCI_MANIFEST;
use crate::image::reference::Reference;
use crate::registry::{check_not_blocked, BlobPush, Client, ClientOptions};
use crate::storage::{hex_of, Store};

/// Validated `push` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    pub image: String,
    /// The fully qualified destination, if given.
    pub destination: Option<Reference>,
    pub tls_verify: Option<bool>,
    pub creds: Option<String>,
    pub authfile: Option<PathBuf>,
    pub digestfile: Option<PathBuf>,
    pub quiet: bool,
}

fn parse_destination(text: &str) -> Result<Reference> {
    let text = text.strip_prefix("docker://").unwrap_or(text);
    if let Some((transport, _)) = text.split_once(':') {
        if matches!(
            transport,
            "oci" | "oci-archive" | "docker-archive" | "dir" | "containers-storage"
        ) {
            return Err(Error::msg(format!(
                "push to `{text}`: the `{transport}:` transport is not supported"
            ))
            .hint("use `berth save` for archives"));
        }
    }
    Reference::parse_normalized(text).map_err(|e| Error::msg(e.to_string()))
}

impl PushOptions {
    /// Check the destination before anything is read or sent.
    pub fn from_args(args: PushArgs) -> Result<Self> {
        let destination = args
            .destination
            .as_deref()
            .map(parse_destination)
            .transpose()?;
        Ok(PushOptions {
            image: args.image,
            destination,
            tls_verify: args.tls_verify,
            creds: args.creds,
            authfile: args.authfile,
            digestfile: args.digestfile,
            quiet: args.quiet,
        })
    }
}

/// Run `berth push`.
pub fn execute(args: PushArgs) -> Result<()> {
    let opts = PushOptions::from_args(args)?;
    push(&opts)?;
    if let Ok(paths) = Paths::discover() {
        if let Ok(record) = Store::open(&paths).and_then(|s| s.resolve_image(&opts.image)) {
            let dest = opts
                .destination
                .as_ref()
                .map_or_else(|| opts.image.clone(), ToString::to_string);
            crate::storage::events::record(&crate::storage::events::Event::image(
                "push", &record.id, &dest,
            ));
        }
    }
    Ok(())
}

/// Push `opts.image`; returns the manifest digest.
pub fn push(opts: &PushOptions) -> Result<String> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let record = store
        .resolve_image(&opts.image)
        .with_context(|| format!("push `{}`", opts.image))?;
    let dest = match &opts.destination {
        Some(d) => d.clone(),
        None => {
            // The name the user gave, fully qualified, when it names this image.
            let named = Reference::parse(&opts.image)
                .ok()
                .and_then(|r| {
                    crate::image::reference::lookup_candidates(&r)
                        .into_iter()
                        .find(|c| record.names.contains(c))
                })
                .ok_or_else(|| {
                    Error::msg(format!("push `{}`: no destination given", opts.image))
                        .hint("name one: `berth push IMAGE REGISTRY/NAME[:TAG]`")
                })?;
            Reference::parse_normalized(&named).map_err(|e| Error::msg(e.to_string()))?
        }
    };
    let dest_name = dest.to_string();
    let what = || format!("push `{dest_name}`");
    let manifest_path = store.images_dir().join(&record.id).join("manifest.json");
    let manifest_bytes = std::fs::read(&manifest_path)
        .with_context(|| format!("read `{}`", manifest_path.display()))?;
    let manifest: ImageManifest =
        serde_json::from_slice(&manifest_bytes).context("parse the stored manifest")?;
    let media_type = serde_json::from_slice::<serde_json::Value>(&manifest_bytes)
        .ok()
        .and_then(|v| v["mediaType"].as_str().map(str::to_string))
        .unwrap_or_else(|| OCI_MANIFEST.to_string());

    let conf = RegistriesConf::load().context("read registries.conf")?;
    check_not_blocked(&conf, &dest_name).hinted_context(what())?;
    let ep = conf
        .push_endpoint(&dest_name)
        .ok_or_else(|| Error::msg(format!("push `{dest_name}`: no registry to push to")))?;
    let auth = AuthFiles::discover(opts.authfile.as_deref()).context("find the auth files")?;
    let mut copts = ClientOptions::for_endpoint(&ep, opts.tls_verify);
    copts.credential = match &opts.creds {
        Some(c) => Some(Credential::from_creds(c)),
        None => auth
            .lookup(&ep.registry, &ep.repository)
            .context("read the auth files")?,
    };
    let client =
        Client::new(&ep.registry, copts).hinted_context(format!("connect to `{}`", ep.registry))?;
    if !opts.quiet {
        eprintln!("Getting image source signatures");
    }
    let mut blobs: Vec<(&Descriptor, &str)> =
        manifest.layers().iter().map(|d| (d, "blob")).collect();
    blobs.push((manifest.config(), "config"));
    for (desc, kind) in blobs {
        let digest = desc.digest().to_string();
        let path = store.blob_path(&digest);
        if !path.is_file() {
            return Err(Error::msg(format!(
                "push `{dest_name}`: blob `{digest}` is missing from the store"
            ))
            .hint("run `berth system check`, then pull or load the image again"));
        }
        let open = || std::fs::File::open(&path);
        let how = client
            .push_blob(&ep.repository, desc.digest(), desc.size(), None, &open)
            .hinted_context(what())?;
        if !opts.quiet {
            let short = &hex_of(&digest)[..12.min(hex_of(&digest).len())];
            match how {
                BlobPush::Existed => eprintln!("Copying {kind} {short} skipped: already exists"),
                BlobPush::Mounted | BlobPush::Uploaded => eprintln!("Copying {kind} {short} done"),
            }
        }
    }
    if !opts.quiet {
        eprintln!("Writing manifest to image destination");
    }
    let reference = dest.tag().or(dest.digest()).unwrap_or("latest").to_string();
    let digest = client
        .put_manifest(&ep.repository, &reference, &media_type, &manifest_bytes)
        .hinted_context(what())?
        .to_string();
    if let Some(file) = &opts.digestfile {
        std::fs::write(file, &digest).with_context(|| format!("write `{}`", file.display()))?;
    }
    Ok(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert_eq!(
            parse_destination("docker://h:5000/a/b")
                .unwrap()
                .to_string(),
            "h:5000/a/b:latest"
        );
        assert_eq!(
            parse_destination("busybox:1").unwrap().to_string(),
            "docker.io/library/busybox:1"
        );
        let e = parse_destination("oci-archive:/x.tar").unwrap_err();
        assert!(e.render().unwrap().contains("not supported"));
        assert!(parse_destination("Bad").is_err());
    }
}
