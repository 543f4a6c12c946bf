//! `berth pull`: the network half runs here in P0 (manifests and verified blobs into
//! `blobs/sha256/`), the unpacking half in the session (`__unpack-image`), which extracts
//! the layers from the stored blobs and registers the image in one index write.
//!
//! Crash safety: a blob is renamed into place only once verified, a layer only once
//! extracted, and the index entry is written last, so a killed pull never leaves an image
//! listed that is not whole; the next pull reuses what is there (a partial blob resumes).
//! Two pulls at once: each missing blob is fetched under its own flock, so it is fetched once.

use std::io::Write;
use std::os::fd::AsFd as _;
use std::path::PathBuf;

use oci_spec::image::{Descriptor, ImageManifest};

use crate::cli::pull::{PullArgs, UnpackArgs};
use crate::config::auth::{AuthFiles, Credential};
use crate::config::registries::{Endpoint, RegistriesConf};
use crate::config::Paths;
use crate::error::{Context, Error, HintContext, Result};
use crate::image::blob::{chain_id, sha256_digest};
use crate::image::config::parse_config;
use crate::image::reference::Reference;
use crate::registry::manifest::select_platform;
use crate::registry::{
    check_not_blocked, BlobJob, Client, ClientOptions, PlatformSpec, Progress, RegistryError,
};
use crate::storage::{find_image, hex_of, ImageSummary, Store, StoreError};

/// Parallel blob downloads.
const PARALLEL: usize = 4;

/// Validated `pull` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullOptions {
    /// The reference as the user wrote it.
    pub reference: String,
    pub platform: PlatformSpec,
    /// `--tls-verify`, when given.
    pub tls_verify: Option<bool>,
    pub creds: Option<String>,
    pub authfile: Option<PathBuf>,
    pub quiet: bool,
}

impl PullOptions {
    /// Check the reference and platform before any network work.
    pub fn from_args(args: PullArgs) -> Result<Self> {
        let reference = args
            .reference
            .strip_prefix("docker://")
            .unwrap_or(&args.reference)
            .to_string();
        Reference::parse(&reference).map_err(|e| Error::msg(e.to_string()))?;
        let host = PlatformSpec::host();
        let platform = match args.platform {
            Some(p) => PlatformSpec::parse(&p).map_err(|e| Error::msg(e.to_string()))?,
            None if args.arch.is_some() || args.os.is_some() || args.variant.is_some() => {
                let text = format!(
                    "{}/{}{}",
                    args.os.as_deref().unwrap_or(&host.os),
                    args.arch.as_deref().unwrap_or(&host.arch),
                    args.variant.map(|v| format!("/{v}")).unwrap_or_default()
                );
                PlatformSpec::parse(&text).map_err(|e| Error::msg(e.to_string()))?
            }
            None => host,
        };
        Ok(PullOptions {
            reference,
            platform,
            tls_verify: args.tls_verify,
            creds: args.creds,
            authfile: args.authfile,
            quiet: args.quiet,
        })
    }
}

/// Run `berth pull`.
pub fn execute(args: PullArgs) -> Result<()> {
    let opts = PullOptions::from_args(args)?;
    let id = pull(&opts)?;
    crate::storage::events::record(&crate::storage::events::Event::image(
        "pull",
        "",
        &opts.reference,
    ));
    println!("{id}");
    Ok(())
}

/// The fully qualified names to try for `text`, in order: as written when it names a
/// registry, else one per `unqualified-search-registries` entry (docker.io when none).
pub fn candidates(text: &str, conf: &RegistriesConf) -> Result<Vec<Reference>> {
    let parsed = Reference::parse(text).map_err(|e| Error::msg(e.to_string()))?;
    if parsed.domain().is_some() {
        return Ok(vec![
            Reference::parse_normalized(text).map_err(|e| Error::msg(e.to_string()))?
        ]);
    }
    let registries: Vec<String> = if conf.unqualified_search.is_empty() {
        vec!["docker.io".into()]
    } else {
        conf.unqualified_search.clone()
    };
    Ok(registries
        .iter()
        .map(|r| parsed.clone().with_default_domain(r).with_default_tag())
        .collect())
}

/// The name a pulled image gets in the store: `host/path:tag`, or `host/path@digest`.
fn store_name(r: &Reference) -> String {
    match (r.tag(), r.digest()) {
        (Some(t), _) => format!("{}:{t}", r.repository()),
        (None, Some(d)) => format!("{}@{d}", r.repository()),
        (None, None) => format!("{}:latest", r.repository()),
    }
}

/// Pull `opts.reference` into the store (P0 only: it uses threads); returns the image id.
pub fn pull(opts: &PullOptions) -> Result<String> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let conf = RegistriesConf::load().context("read registries.conf")?;
    let auth = AuthFiles::discover(opts.authfile.as_deref()).context("find the auth files")?;
    let mut last = None;
    for reference in candidates(&opts.reference, &conf)? {
        let name = store_name(&reference);
        check_not_blocked(&conf, &reference.to_string())
            .hinted_context(format!("pull `{name}`"))?;
        for ep in conf.resolve(&reference.to_string()) {
            if !opts.quiet {
                eprintln!("Trying to pull {name}...");
            }
            match pull_from(&store, opts, &auth, &ep, &reference, &name) {
                Ok(id) => return Ok(id),
                Err(e) => last = Some(e),
            }
        }
    }
    Err(last
        .unwrap_or_else(|| Error::msg(format!("pull `{}`: no registry to try", opts.reference))))
}

fn client_for(
    ep: &Endpoint,
    tls_verify: Option<bool>,
    creds: Option<&str>,
    auth: &AuthFiles,
) -> Result<Client> {
    let mut copts = ClientOptions::for_endpoint(ep, tls_verify);
    copts.credential = match creds {
        Some(c) => Some(Credential::from_creds(c)),
        None => auth
            .lookup(&ep.registry, &ep.repository)
            .context("read the auth files")?,
    };
    Client::new(&ep.registry, copts).hinted_context(format!("connect to `{}`", ep.registry))
}

/// Is the local image `summary` what the registry serves as `remote` (a manifest digest,
/// or an index whose entry for `platform` is the local manifest)?
fn is_current(
    store: &Store,
    summary: &ImageSummary,
    remote: &str,
    platform: &PlatformSpec,
) -> bool {
    if summary.digest == remote {
        return true;
    }
    let Ok(bytes) = std::fs::read(store.blobs_dir().join(hex_of(remote))) else {
        return false;
    };
    let Ok(index) = serde_json::from_slice::<oci_spec::image::ImageIndex>(&bytes) else {
        return false;
    };
    select_platform(&index, platform, remote)
        .is_ok_and(|d| d.digest().to_string() == summary.digest)
}

fn pull_from(
    store: &Store,
    opts: &PullOptions,
    auth: &AuthFiles,
    ep: &Endpoint,
    reference: &Reference,
    name: &str,
) -> Result<String> {
    let what = || format!("pull `{name}`");
    let client = client_for(ep, opts.tls_verify, opts.creds.as_deref(), auth)?;
    let tag_or_digest = reference
        .digest()
        .or(reference.tag())
        .unwrap_or("latest")
        .to_string();
    let repo = &ep.repository;

    // Already here? One HEAD decides.
    let images = store.images().context("read the image index")?;
    if let Ok((i, _)) = find_image(&images, name) {
        if let Ok(Some(head)) = client.head_manifest(repo, &tag_or_digest) {
            if let Some(d) = head.digest {
                if is_current(store, &images[i], d.as_ref(), &opts.platform) {
                    return Ok(images[i].id.clone());
                }
            }
        }
    }

    let resolved = client
        .resolve_image(repo, &tag_or_digest, &opts.platform)
        .hinted_context(what())?;
    if !opts.quiet {
        eprintln!("Getting image source signatures");
    }
    let config = resolved.image.config().clone();
    let mut blobs: Vec<Descriptor> = resolved.image.layers().clone();
    blobs.push(config.clone());
    fetch_blobs(store, &client, repo, &blobs, opts.quiet).with_context(what)?;
    if let Some(index) = &resolved.index {
        store.put_blob(&index.bytes).with_context(what)?;
    }
    let manifest_digest = store
        .put_blob(&resolved.manifest.bytes)
        .with_context(what)?;
    if !opts.quiet {
        eprintln!("Writing manifest to image destination");
    }
    let args: Vec<std::ffi::OsString> = vec![
        "__unpack-image".into(),
        "--manifest".into(),
        manifest_digest.into(),
        "--name".into(),
        name.into(),
    ];
    // The unpack writes layers owned by the mapped ids: a session of its own.
    super::launch(&crate::userns::session::SessionRequest::new(args))?;
    Ok(hex_of(config.digest().as_ref()).to_string())
}

/// An error caused by a full disk (ENOSPC or EDQUOT anywhere in its chain) gets a hint that
/// says so and names the store; any other error is returned as it is.
pub(crate) fn with_space_hint(err: Error, store_root: &std::path::Path) -> Error {
    fn no_space(err: &(dyn std::error::Error + 'static)) -> bool {
        let mut cause = Some(err);
        while let Some(c) = cause {
            if let Some(io) = c.downcast_ref::<std::io::Error>() {
                if crate::storage::atomic::is_no_space(io) {
                    return true;
                }
            }
            if let Some(Error::Failed {
                source: Some(inner),
                ..
            }) = c.downcast_ref::<Error>()
            {
                return no_space(inner.as_ref());
            }
            cause = c.source();
        }
        false
    }
    let full = match &err {
        Error::Failed {
            source: Some(s), ..
        } => no_space(s.as_ref()),
        _ => false,
    };
    if full {
        err.hint(format!(
            "no space left on device for the store `{}`: what was written is removed; free some space and try again",
            store_root.display()
        ))
    } else {
        err
    }
}

/// Prints one plain line per finished blob on stderr (podman's wording).
struct Lines {
    quiet: bool,
    digests: Vec<String>,
}

impl Progress for Lines {
    fn done(&self, index: usize, result: &std::result::Result<u64, RegistryError>) {
        if !self.quiet && result.is_ok() {
            let short = hex_of(&self.digests[index]);
            let _ = writeln!(
                std::io::stderr(),
                "Copying blob {} done",
                &short[..short.len().min(12)]
            );
        }
    }
}

/// Progress bars on a terminal, one per blob (podman's `Copying blob …` with a bar).
struct Bars {
    _multi: indicatif::MultiProgress,
    bars: Vec<indicatif::ProgressBar>,
}

impl Bars {
    fn new(jobs: &[BlobJob]) -> Self {
        let multi = indicatif::MultiProgress::with_draw_target(
            indicatif::ProgressDrawTarget::stderr_with_hz(10),
        );
        let style = indicatif::ProgressStyle::with_template(
            "Copying blob {prefix} [{bar:30}] {bytes} / {total_bytes} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bars = jobs
            .iter()
            .map(|j| {
                let short = hex_of(j.digest.as_ref());
                let bar = multi.add(indicatif::ProgressBar::new(j.size.unwrap_or(0)));
                bar.set_style(style.clone());
                bar.set_prefix(short[..short.len().min(12)].to_string());
                bar
            })
            .collect();
        Bars {
            _multi: multi,
            bars,
        }
    }
}

impl Progress for Bars {
    fn bytes(&self, index: usize, bytes: u64) {
        if let Some(b) = self.bars.get(index) {
            b.set_position(bytes);
        }
    }
    fn done(&self, index: usize, result: &std::result::Result<u64, RegistryError>) {
        if let Some(b) = self.bars.get(index) {
            match result {
                Ok(_) => b.finish_with_message("done"),
                Err(_) => b.abandon_with_message("failed"),
            }
        }
    }
}

/// Download the blobs the store lacks, each under its own lock, verified before it is
/// renamed into `blobs/sha256/`.
fn fetch_blobs(
    store: &Store,
    client: &Client,
    repo: &str,
    wanted: &[Descriptor],
    quiet: bool,
) -> Result<()> {
    let mut missing: Vec<&Descriptor> = Vec::new();
    for d in wanted {
        let digest = d.digest().to_string();
        if store.has_blob(&digest) {
            if !quiet {
                eprintln!(
                    "Copying blob {} skipped: already exists",
                    &hex_of(&digest)[..12.min(hex_of(&digest).len())]
                );
            }
        } else if !missing.iter().any(|m| m.digest() == d.digest()) {
            missing.push(d);
        }
    }
    // Sorted, so two pulls take the locks in the same order.
    missing.sort_by_key(|d| d.digest().to_string());
    let mut locks = Vec::new();
    for d in &missing {
        locks.push(
            store
                .blob_lock(d.digest().as_ref())
                .context("lock a blob")?,
        );
    }
    // Another pull may have fetched them while we waited.
    missing.retain(|d| !store.has_blob(d.digest().as_ref()));
    let jobs: Vec<BlobJob> = missing
        .iter()
        .map(|d| BlobJob {
            digest: d.digest().clone(),
            size: Some(d.size()),
            path: store.partial_blob_path(d.digest().as_ref()),
        })
        .collect();
    if jobs.is_empty() {
        return Ok(());
    }
    let on_tty = !quiet && crate::sys::tty::is_tty(std::io::stderr().as_fd());
    let results = if on_tty {
        client.download_blobs(repo, &jobs, PARALLEL, &Bars::new(&jobs))
    } else {
        let lines = Lines {
            quiet,
            digests: jobs.iter().map(|j| j.digest.to_string()).collect(),
        };
        client.download_blobs(repo, &jobs, PARALLEL, &lines)
    }
    .hinted_context("download the blobs");
    // A refused or failed pull keeps nothing it downloaded: every partial file goes (the
    // blob locks are still held, so no other pull is writing them).
    let remove_partials = || {
        for job in &jobs {
            let _ = std::fs::remove_file(&job.path);
        }
    };
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            remove_partials();
            return Err(e);
        }
    };
    let mut failed = None;
    for (job, result) in jobs.iter().zip(results) {
        if let (Err(e), None) = (result, &failed) {
            failed = Some((job, e));
        }
    }
    if let Some((job, e)) = failed {
        remove_partials();
        let err = Err::<(), _>(e)
            .hinted_context(format!("download blob `{}`", job.digest))
            .unwrap_err();
        return Err(with_space_hint(err, store.root()));
    }
    for job in &jobs {
        store
            .commit_partial_blob(&job.path, job.digest.as_ref())
            .context("store a blob")?;
    }
    drop(locks);
    Ok(())
}

/// Run the hidden `__unpack-image` (in the session): extract the layers of a manifest whose
/// blobs are all in the store, then register the image.
pub fn unpack(args: UnpackArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let what = || {
        format!(
            "unpack `{}`",
            args.name.as_deref().unwrap_or(&args.manifest)
        )
    };
    let manifest = read_blob(&store, &args.manifest).with_context(what)?;
    let blobs = store.blobs_dir();
    register_image(&store, &manifest, args.name.as_deref(), &|d| {
        blobs.join(hex_of(d))
    })
    .with_context(what)
    .map_err(|e| with_space_hint(e, store.root()))?;
    Ok(())
}

fn read_blob(store: &Store, digest: &str) -> Result<Vec<u8>> {
    let path = store.blobs_dir().join(hex_of(digest));
    std::fs::read(&path).with_context(|| format!("read `{}`", path.display()))
}

/// Extract each layer of `manifest` (skipping those already stored) from the blob file
/// `blob(digest)` gives, check it against the config's diff ids, and register the image
/// with its config and manifest as given, so pushing it reproduces the same digests.
pub fn register_image(
    store: &Store,
    manifest_bytes: &[u8],
    name: Option<&str>,
    blob: &dyn Fn(&str) -> PathBuf,
) -> Result<ImageSummary> {
    let manifest: ImageManifest =
        serde_json::from_slice(manifest_bytes).context("parse the manifest")?;
    let config_digest = manifest.config().digest().to_string();
    let config_path = blob(&config_digest);
    let config_bytes =
        crate::image::archive::read_capped(&config_path, crate::image::manifest::MAX_CONFIG)
            .context("read the image config")?;
    if sha256_digest(&config_bytes) != config_digest {
        return Err(Error::msg(format!(
            "config `{config_digest}` does not match its digest"
        )));
    }
    let config = parse_config(&config_bytes).context("parse the image config")?;
    let diff_ids = config.rootfs().diff_ids();
    if diff_ids.len() != manifest.layers().len() {
        return Err(Error::msg(format!(
            "the manifest has {} layers but the config {} diff ids",
            manifest.layers().len(),
            diff_ids.len()
        )));
    }
    let mut parent: Option<String> = None;
    let mut chains = Vec::new();
    let mut warn = |msg: String| crate::config::global::warn(msg);
    for (desc, diff_id) in manifest.layers().iter().zip(diff_ids) {
        let digest = desc.digest().to_string();
        let chain = chain_id(parent.as_deref(), diff_id);
        let path = blob(&digest);
        match store.layer(&chain) {
            Ok(_) => {
                if !store.has_blob(&digest) {
                    store
                        .copy_blob_in(&path, &digest)
                        .with_context(|| format!("store blob `{digest}`"))?;
                }
            }
            Err(StoreError::LayerNotFound { .. }) => {
                let file = std::fs::File::open(&path)
                    .with_context(|| format!("open `{}`", path.display()))?;
                let rec = store
                    .add_layer(file, parent.as_deref(), &mut warn)
                    .with_context(|| format!("extract layer `{digest}`"))?;
                if rec.blob_digest != digest {
                    return Err(Error::msg(format!(
                        "layer `{digest}` does not match its digest (got `{}`)",
                        rec.blob_digest
                    )));
                }
                if rec.chain_id != chain {
                    return Err(Error::msg(format!(
                        "layer `{digest}` does not match the config's diff id `{diff_id}`"
                    )));
                }
            }
            Err(e) => return Err(e).context("read the layer store"),
        }
        chains.push(chain.clone());
        parent = Some(chain);
    }
    store
        .add_image(&config_bytes, manifest_bytes, name, chains)
        .context("register the image")
}

pub use crate::spec::PullPolicy;

/// For `run`/`create` in P0: pull `image` when `policy` says so. With `missing`, an image
/// found locally costs no network access at all.
pub fn ensure_image(image: &str, policy: PullPolicy) -> Result<()> {
    ensure_image_with(image, policy, None)
}

/// [`ensure_image`] with an `--authfile`.
pub fn ensure_image_with(
    image: &str,
    policy: PullPolicy,
    authfile: Option<&std::path::Path>,
) -> Result<()> {
    let present = || -> Result<bool> {
        let paths = Paths::discover().context("find berth's directories")?;
        let store = Store::open(&paths).context("open the store")?;
        match store.resolve_image(image) {
            Ok(_) => Ok(true),
            Err(StoreError::ImageNotFound { .. }) => Ok(false),
            Err(e) => Err(e).context("read the image index"),
        }
    };
    let (needed, local_fallback) = match policy {
        PullPolicy::Never => (false, false),
        PullPolicy::Missing => (!present()?, false),
        PullPolicy::Always => (true, false),
        // As podman: pull when the registry's digest differs (one HEAD when it does not);
        // when the registry cannot be asked, a local image is used with a warning.
        PullPolicy::Newer => (true, present()?),
    };
    if !needed {
        return Ok(());
    }
    // A 64-hex id or a prefix of one is never pulled.
    if Reference::parse(image).is_err() {
        return Ok(());
    }
    let opts = PullOptions {
        reference: image.to_string(),
        platform: PlatformSpec::host(),
        tls_verify: None,
        creds: None,
        authfile: authfile.map(std::path::Path::to_path_buf),
        quiet: false,
    };
    match pull(&opts) {
        Ok(_) => Ok(()),
        Err(e) if local_fallback => {
            let why = e.render().unwrap_or_default();
            let why = why.lines().next().unwrap_or_default();
            let why = why.strip_prefix("Error: ").unwrap_or(why);
            crate::config::global::warn(format_args!(
                "could not check for a newer `{image}`, using the local image: {why}"
            ));
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// `auto-update --dry-run`: does the registry serve another image for `reference` than the
/// local image `image_id`? One HEAD per registry tried; nothing is pulled.
pub fn registry_differs(
    reference: &str,
    image_id: &str,
    tls_verify: Option<bool>,
    authfile: Option<&std::path::Path>,
) -> Result<bool> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let conf = RegistriesConf::load().context("read registries.conf")?;
    let auth = AuthFiles::discover(authfile).context("find the auth files")?;
    let images = store.images().context("read the image index")?;
    let local = images.iter().find(|i| i.id == image_id);
    let mut last = None;
    for r in candidates(reference, &conf)? {
        let tag = r.digest().or(r.tag()).unwrap_or("latest").to_string();
        for ep in conf.resolve(&r.to_string()) {
            let client = match client_for(&ep, tls_verify, None, &auth) {
                Ok(c) => c,
                Err(e) => {
                    last = Some(e);
                    continue;
                }
            };
            match client.head_manifest(&ep.repository, &tag) {
                Ok(Some(head)) => {
                    let Some(d) = head.digest else {
                        return Ok(true);
                    };
                    return Ok(!local.is_some_and(|l| {
                        is_current(&store, l, d.as_ref(), &PlatformSpec::host())
                    }));
                }
                Ok(None) => {
                    last = Some(Error::msg(format!("`{reference}`: manifest unknown")));
                }
                Err(e) => last = Some(Error::from_source(format!("ask `{}`", ep.registry), e)),
            }
        }
    }
    Err(last.unwrap_or_else(|| Error::msg(format!("`{reference}`: no registry to ask"))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn args(r: &str) -> PullArgs {
        PullArgs {
            reference: r.into(),
            platform: None,
            arch: None,
            os: None,
            variant: None,
            tls_verify: None,
            creds: None,
            authfile: None,
            quiet: false,
        }
    }

    #[test]
    fn options_validate_reference_and_platform() {
        let o = PullOptions::from_args(args("docker://busybox")).unwrap();
        assert_eq!(o.reference, "busybox");
        assert_eq!(o.platform, PlatformSpec::host());
        let e = PullOptions::from_args(args("Bad")).unwrap_err();
        assert_eq!(e.code(), 125);
        let mut a = args("busybox");
        a.platform = Some("linux/arm64".into());
        let o = PullOptions::from_args(a).unwrap();
        assert_eq!(o.platform.arch, "arm64");
        let mut a = args("busybox");
        a.arch = Some("arm".into());
        let o = PullOptions::from_args(a).unwrap();
        assert_eq!(o.platform.to_string(), "linux/arm/v7");
        let mut a = args("busybox");
        a.platform = Some("linux".into());
        assert!(PullOptions::from_args(a).is_err());
    }

    #[test]
    fn short_names_use_the_search_registries() {
        let conf = RegistriesConf::default();
        let c = candidates("busybox", &conf).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].to_string(), "docker.io/library/busybox:latest");
        let conf = RegistriesConf::parse(
            "unqualified-search-registries = [\"quay.io\", \"127.0.0.1:5000\"]\n",
            Path::new("r.conf"),
        )
        .unwrap();
        let c = candidates("a/b:1", &conf).unwrap();
        let names: Vec<String> = c.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["quay.io/a/b:1", "127.0.0.1:5000/a/b:1"]);
        let c = candidates("127.0.0.1:5000/x", &conf).unwrap();
        assert_eq!(c[0].to_string(), "127.0.0.1:5000/x:latest");
    }

    #[test]
    fn store_names() {
        let r = Reference::parse_normalized("busybox").unwrap();
        assert_eq!(store_name(&r), "docker.io/library/busybox:latest");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse_normalized(&format!("h:1/x@{d}")).unwrap();
        assert_eq!(store_name(&r), format!("h:1/x@{d}"));
    }

    #[test]
    fn pull_policies_parse() {
        assert_eq!(PullPolicy::parse("missing"), Some(PullPolicy::Missing));
        assert_eq!(PullPolicy::parse("never"), Some(PullPolicy::Never));
        assert_eq!(PullPolicy::parse("always"), Some(PullPolicy::Always));
        assert_eq!(PullPolicy::parse("newer"), Some(PullPolicy::Newer));
        assert_eq!(PullPolicy::parse("sometimes"), None);
    }
}
