//! `berth commit`: a container's upper directory becomes a new layer on top of its image's
//! layers, with a config that carries the container's settings, `--change` applied, and a
//! history entry. Runs in the session (the upper dir belongs to the mapped ids).

use std::io::{Seek, SeekFrom};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chrono::{SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::cli::commit::CommitArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::change::RuntimeConfig;
use crate::image::config::{self as image_config, Descriptor, MEDIA_CONFIG};
use crate::image::reference::Reference;
use crate::storage::changes::{self, Archiver, TarMode};
use crate::storage::Store;
use crate::userns::session::SessionRequest;

/// Validated `commit` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitOptions {
    pub container: String,
    /// The full name (`localhost/NAME:latest`), if one was given.
    pub name: Option<String>,
    pub message: Option<String>,
    pub author: Option<String>,
    pub changes: Vec<String>,
}

impl CommitOptions {
    /// Check the name and the `--change` values before the session starts.
    pub fn from_args(args: CommitArgs) -> Result<Self> {
        let name = match &args.image {
            Some(r) => Some(
                Reference::parse_local(r)
                    .map_err(|e| Error::msg(e.to_string()))?
                    .to_string(),
            ),
            None => None,
        };
        RuntimeConfig::default()
            .apply_all(&args.change)
            .map_err(|e| Error::msg(e.to_string()))?;
        Ok(CommitOptions {
            container: args.container,
            name,
            message: args.message,
            author: args.author,
            changes: args.change,
        })
    }
}

/// P0's half of `berth commit`: check the options before the session.
pub fn host_half(args: CommitArgs) -> Result<Option<SessionRequest>> {
    CommitOptions::from_args(args)?;
    Ok(Some(SessionRequest::same_command_line()))
}

/// The session's half of `berth commit`.
pub fn in_session(args: CommitArgs) -> Result<()> {
    let opts = CommitOptions::from_args(args)?;
    let id = commit(&opts)?;
    println!("{id}");
    Ok(())
}

/// Commit a container; returns the new image id.
pub fn commit(opts: &CommitOptions) -> Result<String> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let ctr = super::container::find(&paths, &opts.container)?;
    let what = || format!("commit container `{}`", ctr.config.name);
    let image = store
        .resolve_image(&ctr.config.image_id)
        .with_context(|| format!("find the image of container `{}`", ctr.config.name))?;
    let image_dir = store.images_dir().join(&image.id);
    let read_json = |name: &str| -> Result<Value> {
        let path = image_dir.join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("read `{}`", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("parse `{}`", path.display()))
    };
    let base_config = read_json("config.json")?;
    let base_manifest = read_json("manifest.json")?;

    // The layer: the upper dir as a tar with OCI whiteouts, spooled to an unnamed file.
    let mut spool = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(store.root())
        .with_context(|| format!("create a temporary file in `{}`", store.root().display()))?;
    let upper = ctr.upper();
    let root = changes::open_tree(&upper).with_context(what)?;
    let mut archiver = Archiver::new(&mut spool, TarMode::Layer);
    archiver
        .add_contents(root.as_fd(), Path::new(""), &upper)
        .with_context(what)?;
    archiver.finish().with_context(what)?;
    spool.seek(SeekFrom::Start(0)).with_context(what)?;
    let mut warn = |msg: String| crate::config::global::warn(msg);
    let layer = store
        .add_layer(
            &mut spool,
            image.layers.last().map(String::as_str),
            &mut warn,
        )
        .with_context(what)
        .map_err(|e| super::pull::with_space_hint(e, store.root()))?;

    // The container's settings, as inspect shows them, are the new image's defaults.
    let state = ctr.state().with_context(what)?;
    let inspected = super::inspect::build_container_json(&ctr, &state, &base_config);
    let config = new_config(&NewConfig {
        base: &base_config,
        container: &inspected["Config"],
        changes: &opts.changes,
        diff_id: &layer.diff_id,
        created_by: &shell_words(&ctr.config.command),
        message: opts.message.as_deref(),
        author: opts.author.as_deref(),
        now: Utc::now().to_rfc3339_opts(SecondsFormat::Nanos, true),
    })
    .map_err(|e| Error::msg(e.to_string()))?;
    let config_bytes = serde_json::to_vec(&config).with_context(what)?;
    let config_desc = Descriptor {
        media_type: MEDIA_CONFIG.into(),
        digest: crate::image::blob::sha256_digest(&config_bytes),
        size: config_bytes.len() as u64,
    };
    let mut layers = manifest_layers(&base_manifest);
    layers.push(Descriptor {
        media_type: layer.media_type.clone(),
        digest: layer.blob_digest.clone(),
        size: layer.blob_size,
    });
    let manifest = image_config::manifest(&config_desc, &layers);
    let mut chain = image.layers.clone();
    chain.push(layer.chain_id.clone());
    let summary = store
        .add_image(&config_bytes, &manifest, opts.name.as_deref(), chain)
        .with_context(what)?;
    Ok(summary.id)
}

/// What the new config is made of.
pub struct NewConfig<'a> {
    /// The image's config JSON.
    pub base: &'a Value,
    /// The container's `Config` as `inspect` shows it.
    pub container: &'a Value,
    pub changes: &'a [String],
    pub diff_id: &'a str,
    pub created_by: &'a str,
    pub message: Option<&'a str>,
    pub author: Option<&'a str>,
    pub now: String,
}

/// The committed image's config JSON. Pure.
pub fn new_config(n: &NewConfig<'_>) -> Result<Value, crate::image::change::ChangeError> {
    let mut top = n.base.as_object().cloned().unwrap_or_default();
    let mut runtime = top
        .get("config")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for key in ["Env", "Cmd", "Entrypoint", "User", "WorkingDir"] {
        if let Some(v) = n.container.get(key) {
            runtime.insert(key.into(), v.clone());
        }
    }
    let mut rt = runtime_from_json(&runtime);
    rt.apply_all(n.changes)?;
    runtime_into_json(&rt, &mut runtime);
    top.insert("config".into(), Value::Object(runtime));
    top.insert("created".into(), json!(n.now));
    if let Some(a) = n.author {
        top.insert("author".into(), json!(a));
    }
    top.remove("container");
    top.remove("container_config");
    let mut rootfs = top
        .get("rootfs")
        .cloned()
        .unwrap_or_else(|| json!({"type": "layers", "diff_ids": []}));
    match rootfs.get_mut("diff_ids").and_then(Value::as_array_mut) {
        Some(ids) => ids.push(json!(n.diff_id)),
        None => rootfs["diff_ids"] = json!([n.diff_id]),
    }
    top.insert("rootfs".into(), rootfs);
    let mut entry = Map::new();
    entry.insert("created".into(), json!(n.now));
    entry.insert("created_by".into(), json!(n.created_by));
    if let Some(a) = n.author {
        entry.insert("author".into(), json!(a));
    }
    if let Some(m) = n.message {
        entry.insert("comment".into(), json!(m));
    }
    let mut history = top
        .get("history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    history.push(Value::Object(entry));
    top.insert("history".into(), Value::Array(history));
    Ok(Value::Object(top))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn runtime_from_json(c: &Map<String, Value>) -> RuntimeConfig {
    let text = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let list = |k: &str| match c.get(k) {
        Some(Value::Array(_)) => Some(strings(c.get(k))),
        _ => None,
    };
    RuntimeConfig {
        user: text("User"),
        exposed_ports: keys(c.get("ExposedPorts")),
        env: strings(c.get("Env")),
        entrypoint: list("Entrypoint").filter(|e| !e.is_empty()),
        cmd: list("Cmd").filter(|e| !e.is_empty()),
        volumes: keys(c.get("Volumes")),
        working_dir: text("WorkingDir"),
        labels: c
            .get("Labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        stop_signal: text("StopSignal"),
    }
}

fn runtime_into_json(r: &RuntimeConfig, c: &mut Map<String, Value>) {
    let mut set = |k: &str, v: Option<Value>| match v {
        Some(v) => {
            c.insert(k.into(), v);
        }
        None => {
            c.remove(k);
        }
    };
    set("User", r.user.as_ref().map(|u| json!(u)));
    let object = |items: &[String]| -> Option<Value> {
        (!items.is_empty())
            .then(|| Value::Object(items.iter().map(|p| (p.clone(), json!({}))).collect()))
    };
    set("ExposedPorts", object(&r.exposed_ports));
    set("Env", (!r.env.is_empty()).then(|| json!(r.env)));
    set("Entrypoint", r.entrypoint.as_ref().map(|e| json!(e)));
    set("Cmd", r.cmd.as_ref().map(|e| json!(e)));
    set("Volumes", object(&r.volumes));
    set("WorkingDir", r.working_dir.as_ref().map(|w| json!(w)));
    set("Labels", (!r.labels.is_empty()).then(|| json!(r.labels)));
    set("StopSignal", r.stop_signal.as_ref().map(|s| json!(s)));
}

/// The base image's layer descriptors, with Docker media types given their OCI names (the
/// new manifest is an OCI one).
fn manifest_layers(manifest: &Value) -> Vec<Descriptor> {
    manifest["layers"]
        .as_array()
        .map(|layers| {
            layers
                .iter()
                .map(|l| Descriptor {
                    media_type: oci_media_type(l["mediaType"].as_str().unwrap_or_default())
                        .to_string(),
                    digest: l["digest"].as_str().unwrap_or_default().to_string(),
                    size: l["size"].as_u64().unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn oci_media_type(media_type: &str) -> &str {
    match media_type {
        "application/vnd.docker.image.rootfs.diff.tar.gzip" => image_config::MEDIA_LAYER_GZIP,
        "application/vnd.docker.image.rootfs.diff.tar" => image_config::MEDIA_LAYER_TAR,
        "application/vnd.docker.image.rootfs.diff.tar.zstd" => image_config::MEDIA_LAYER_ZSTD,
        other => other,
    }
}

/// The container's command as one line for the history's `created_by`.
fn shell_words(command: &[String]) -> String {
    command
        .iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(image: Option<&str>, change: &[&str]) -> CommitArgs {
        CommitArgs {
            message: None,
            author: None,
            change: change.iter().map(|s| s.to_string()).collect(),
            quiet: false,
            container: "c".into(),
            image: image.map(str::to_string),
        }
    }

    #[test]
    fn options_are_checked() {
        let o = CommitOptions::from_args(args(Some("mine"), &["ENV A=1"])).unwrap();
        assert_eq!(o.name.as_deref(), Some("localhost/mine:latest"));
        assert!(CommitOptions::from_args(args(Some("Bad"), &[])).is_err());
        let e = CommitOptions::from_args(args(None, &["NOPE x"])).unwrap_err();
        assert!(e.render().unwrap().contains("invalid --change `NOPE x`"));
    }

    #[test]
    fn config_carries_container_settings_changes_and_history() {
        let base = json!({
            "architecture": "amd64", "os": "linux",
            "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"], "Labels": {"a": "1"}},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:aa"]},
            "history": [{"created_by": "import"}],
        });
        let container = json!({"Env": ["PATH=/bin", "X=2"], "Cmd": ["sh", "-c", "true"],
            "Entrypoint": [], "User": "", "WorkingDir": "/"});
        let changes = vec![
            "LABEL b=2".to_string(),
            "EXPOSE 80".to_string(),
            "WORKDIR /srv".into(),
        ];
        let v = new_config(&NewConfig {
            base: &base,
            container: &container,
            changes: &changes,
            diff_id: "sha256:bb",
            created_by: "sh -c true",
            message: Some("msg"),
            author: Some("me"),
            now: "2026-01-01T00:00:00Z".into(),
        })
        .unwrap();
        assert_eq!(v["rootfs"]["diff_ids"], json!(["sha256:aa", "sha256:bb"]));
        assert_eq!(v["config"]["Env"], json!(["PATH=/bin", "X=2"]));
        assert_eq!(v["config"]["Cmd"], json!(["sh", "-c", "true"]));
        assert!(v["config"].get("Entrypoint").is_none());
        assert_eq!(v["config"]["Labels"], json!({"a": "1", "b": "2"}));
        assert_eq!(v["config"]["ExposedPorts"], json!({"80/tcp": {}}));
        assert_eq!(v["config"]["WorkingDir"], "/srv");
        assert_eq!(v["author"], "me");
        assert_eq!(v["history"][1]["comment"], "msg");
        assert_eq!(v["history"][1]["created_by"], "sh -c true");
        assert_eq!(v["history"].as_array().unwrap().len(), 2);
        assert!(crate::image::config::parse_config(&serde_json::to_vec(&v).unwrap()).is_ok());
    }

    #[test]
    fn docker_layers_get_oci_types() {
        let m = json!({"layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "digest": "sha256:x", "size": 3}]});
        let l = manifest_layers(&m);
        assert_eq!(l[0].media_type, image_config::MEDIA_LAYER_GZIP);
        assert_eq!(l[0].size, 3);
        assert_eq!(
            shell_words(&["sh".into(), "-c".into(), "echo hi".into()]),
            "sh -c 'echo hi'"
        );
    }
}
