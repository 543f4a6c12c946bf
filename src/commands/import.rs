//! `berth import`: one tarball becomes a one-layer image.

use std::io::Read;

use chrono::Utc;

use crate::cli::import::ImportArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::change::RuntimeConfig;
use crate::image::config::{self, Descriptor, ImportSpec, MEDIA_CONFIG};
use crate::image::reference::Reference;
use crate::storage::layer::LayerError;
use crate::storage::{Store, StoreError};

/// Validated `import` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// A path, or `-` for stdin.
    pub source: String,
    /// The full name (`localhost/NAME:latest`), if one was given.
    pub name: Option<String>,
    pub runtime: RuntimeConfig,
    pub message: Option<String>,
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl ImportOptions {
    /// Check the reference and the `--change` values before anything is read or written.
    pub fn from_args(args: ImportArgs) -> Result<Self> {
        let name = match &args.reference {
            Some(r) => Some(
                Reference::parse_local(r)
                    .map_err(|e| Error::msg(e.to_string()))?
                    .to_string(),
            ),
            None => None,
        };
        let mut runtime = RuntimeConfig::default();
        runtime
            .apply_all(&args.change)
            .map_err(|e| Error::msg(e.to_string()))?;
        Ok(ImportOptions {
            source: args.source,
            name,
            runtime,
            message: args.message,
            os: args.os.unwrap_or_else(|| "linux".into()),
            arch: args
                .arch
                .unwrap_or_else(|| config::go_arch(std::env::consts::ARCH).to_string()),
            variant: args.variant,
        })
    }
}

/// Run `berth import`.
pub fn execute(args: ImportArgs) -> Result<()> {
    let opts = ImportOptions::from_args(args)?;
    let id = import(&opts)?;
    println!("{id}");
    Ok(())
}

/// Import `opts.source`; returns the image id (64 hex digits).
pub fn import(opts: &ImportOptions) -> Result<String> {
    if opts.source.starts_with("http://") || opts.source.starts_with("https://") {
        return Err(Error::msg(format!(
            "import `{}`: importing from a URL is not supported",
            opts.source
        ))
        .hint("download the tarball first, or pipe it: `curl -L URL | berth import - NAME`"));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let input: Box<dyn Read> = if opts.source == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&opts.source).with_context(|| format!("open `{}`", opts.source))?,
        )
    };
    let store = Store::open(&paths).context("open the store")?;
    let what = || format!("import `{}`", opts.source);
    let mut warn = |msg: String| crate::config::global::warn(msg);
    let layer = match store.add_layer(input, None, &mut warn) {
        Ok(layer) => layer,
        Err(e @ StoreError::Layer(LayerError::Unmapped { .. })) => {
            return Err(Err::<(), _>(e).context(what()).unwrap_err().hint(
                "berth maps ids 1..N onto your ranges in /etc/subuid and /etc/subgid; \
                 a larger range (e.g. 65536 ids) covers the ids images use",
            ))
        }
        Err(e) => {
            let err = Err::<(), _>(e).context(what()).unwrap_err();
            return Err(super::pull::with_space_hint(err, store.root()));
        }
    };
    let mut spec = ImportSpec {
        created: Utc::now(),
        architecture: &opts.arch,
        os: &opts.os,
        variant: opts.variant.as_deref(),
        runtime: &opts.runtime,
        diff_id: &layer.diff_id,
        comment: opts.message.as_deref(),
    };
    // The same tarball with the same options is the same image (as podman does it): when
    // the store holds an image whose config would be these bytes but for its creation time,
    // keep that time, and so its id.
    if let Ok(images) = store.images() {
        for image in images
            .iter()
            .filter(|i| i.layers == [layer.chain_id.clone()])
        {
            let candidate = ImportSpec {
                created: image.created,
                ..spec
            };
            let bytes = config::import_config(&candidate);
            if crate::image::blob::sha256_digest(&bytes) == format!("sha256:{}", image.id) {
                spec.created = image.created;
                break;
            }
        }
    }
    let config_bytes = config::import_config(&spec);
    let config_desc = Descriptor {
        media_type: MEDIA_CONFIG.into(),
        digest: crate::image::blob::sha256_digest(&config_bytes),
        size: config_bytes.len() as u64,
    };
    let layer_desc = Descriptor {
        media_type: layer.media_type.clone(),
        digest: layer.blob_digest.clone(),
        size: layer.blob_size,
    };
    let manifest = config::manifest(&config_desc, &[layer_desc]);
    let image = store
        .add_image(
            &config_bytes,
            &manifest,
            opts.name.as_deref(),
            vec![layer.chain_id.clone()],
        )
        .with_context(what)?;
    Ok(image.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(reference: Option<&str>, change: &[&str]) -> ImportArgs {
        ImportArgs {
            source: "x.tar".into(),
            reference: reference.map(str::to_string),
            change: change.iter().map(|s| s.to_string()).collect(),
            message: None,
            quiet: false,
            os: None,
            arch: None,
            variant: None,
        }
    }

    #[test]
    fn names_are_normalised_locally() {
        let o = ImportOptions::from_args(args(Some("busybox"), &[])).unwrap();
        assert_eq!(o.name.as_deref(), Some("localhost/busybox:latest"));
        let o = ImportOptions::from_args(args(Some("quay.io/a/b:1"), &[])).unwrap();
        assert_eq!(o.name.as_deref(), Some("quay.io/a/b:1"));
        assert_eq!(o.os, "linux");
        let o = ImportOptions::from_args(args(None, &[])).unwrap();
        assert_eq!(o.name, None);
    }

    #[test]
    fn bad_input_is_one_line_exit_125() {
        let e = ImportOptions::from_args(args(Some("Bad"), &[])).unwrap_err();
        assert_eq!(e.code(), 125);
        assert_eq!(
            e.render().unwrap(),
            "Error: invalid reference `Bad`: repository name must be lowercase"
        );
        let e = ImportOptions::from_args(args(None, &["BOGUS x"])).unwrap_err();
        assert!(e
            .render()
            .unwrap()
            .starts_with("Error: invalid --change `BOGUS x`"));
        assert_eq!(e.render().unwrap().lines().count(), 1);
    }
}
