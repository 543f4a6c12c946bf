//! OCI image configs and manifests: loading real-world configs tolerantly, and building the
//! config and manifest of an imported one-layer image. Pure.

use chrono::{DateTime, SecondsFormat, Utc};
use oci_spec::image::ImageConfiguration;
use serde_json::{json, Map, Value};

use super::change::RuntimeConfig;

/// OCI media types berth writes.
pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
pub const MEDIA_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MEDIA_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";

/// Parse an image config. The OCI spec makes `history` optional and real images omit it,
/// while oci-spec 0.7 requires it; a missing (or null) `history` is read as empty.
pub fn parse_config(bytes: &[u8]) -> Result<ImageConfiguration, serde_json::Error> {
    let mut value: Value = serde_json::from_slice(bytes)?;
    if let Value::Object(map) = &mut value {
        if map.get("history").is_none_or(Value::is_null) {
            map.insert("history".into(), Value::Array(Vec::new()));
        }
        if map.get("rootfs").is_none_or(Value::is_null) {
            map.insert("rootfs".into(), json!({"type": "layers", "diff_ids": []}));
        }
    }
    serde_json::from_value(value)
}

/// The Go name (GOARCH) of a Rust target architecture.
pub fn go_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "arm",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips64" => "mips64le",
        other => other,
    }
}

/// What an imported image's config is made of.
#[derive(Debug, Clone)]
pub struct ImportSpec<'a> {
    pub created: DateTime<Utc>,
    pub architecture: &'a str,
    pub os: &'a str,
    pub variant: Option<&'a str>,
    pub runtime: &'a RuntimeConfig,
    /// The layer's diff id (`sha256:<hex>`).
    pub diff_id: &'a str,
    /// `--message`.
    pub comment: Option<&'a str>,
}

/// The config JSON of an imported image. Keys are ordered, so the same input always gives
/// the same bytes (and the same image id).
pub fn import_config(spec: &ImportSpec<'_>) -> Vec<u8> {
    let created = spec.created.to_rfc3339_opts(SecondsFormat::Nanos, true);
    let r = spec.runtime;
    let mut config = Map::new();
    if let Some(u) = &r.user {
        config.insert("User".into(), json!(u));
    }
    if !r.exposed_ports.is_empty() {
        let ports: Map<String, Value> = r
            .exposed_ports
            .iter()
            .map(|p| (p.clone(), json!({})))
            .collect();
        config.insert("ExposedPorts".into(), Value::Object(ports));
    }
    if !r.env.is_empty() {
        config.insert("Env".into(), json!(r.env));
    }
    if let Some(e) = &r.entrypoint {
        config.insert("Entrypoint".into(), json!(e));
    }
    if let Some(c) = &r.cmd {
        config.insert("Cmd".into(), json!(c));
    }
    if !r.volumes.is_empty() {
        let vols: Map<String, Value> = r.volumes.iter().map(|v| (v.clone(), json!({}))).collect();
        config.insert("Volumes".into(), Value::Object(vols));
    }
    if let Some(w) = &r.working_dir {
        config.insert("WorkingDir".into(), json!(w));
    }
    if !r.labels.is_empty() {
        config.insert("Labels".into(), json!(r.labels));
    }
    if let Some(s) = &r.stop_signal {
        config.insert("StopSignal".into(), json!(s));
    }
    let hex = spec.diff_id.strip_prefix("sha256:").unwrap_or(spec.diff_id);
    let mut history = Map::new();
    history.insert("created".into(), json!(created));
    history.insert(
        "created_by".into(),
        json!(format!("/bin/sh -c #(nop) ADD file:{hex} in / ")),
    );
    if let Some(c) = spec.comment {
        history.insert("comment".into(), json!(c));
    }
    let mut top = Map::new();
    top.insert("created".into(), json!(created));
    top.insert("architecture".into(), json!(spec.architecture));
    top.insert("os".into(), json!(spec.os));
    if let Some(v) = spec.variant {
        top.insert("variant".into(), json!(v));
    }
    top.insert("config".into(), Value::Object(config));
    top.insert(
        "rootfs".into(),
        json!({"type": "layers", "diff_ids": [spec.diff_id]}),
    );
    top.insert("history".into(), json!([history]));
    serde_json::to_vec(&Value::Object(top)).unwrap_or_default()
}

/// A content descriptor inside a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
}

/// The manifest format an image is written in (`build --format`, `commit --format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImageFormat {
    #[default]
    Oci,
    /// Docker's image manifest v2 schema 2, with docker's media types.
    Docker,
}

impl ImageFormat {
    /// `oci` or `docker` (buildah's names; `v2s2` is docker's).
    pub fn parse(text: &str) -> Option<ImageFormat> {
        match text {
            "oci" => Some(ImageFormat::Oci),
            "docker" | "v2s2" => Some(ImageFormat::Docker),
            _ => None,
        }
    }
}

/// The docker media type of a layer stored with an OCI one (the same bytes).
fn docker_layer_type(oci: &str) -> Result<&str, String> {
    match oci {
        MEDIA_LAYER_GZIP | DOCKER_LAYER_GZIP => Ok(DOCKER_LAYER_GZIP),
        MEDIA_LAYER_TAR | DOCKER_LAYER_TAR => Ok(DOCKER_LAYER_TAR),
        other => Err(format!(
            "a layer of media type `{other}` cannot be written in the docker format (use --format oci)"
        )),
    }
}

/// Docker's media types for a config and for layers.
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
pub const DOCKER_LAYER_TAR: &str = "application/vnd.docker.image.rootfs.diff.tar";

/// The image manifest's JSON in `format`: OCI's, or docker's v2s2 (the same descriptors
/// with docker's media types; a zstd layer has none and is refused).
pub fn manifest_in(
    format: ImageFormat,
    config: &Descriptor,
    layers: &[Descriptor],
) -> Result<Vec<u8>, String> {
    match format {
        ImageFormat::Oci => Ok(manifest(config, layers)),
        ImageFormat::Docker => {
            let desc = |d: &Descriptor, media_type: &str| json!({"mediaType": media_type, "digest": d.digest, "size": d.size});
            let mut docker_layers = Vec::new();
            for l in layers {
                docker_layers.push(desc(l, docker_layer_type(&l.media_type)?));
            }
            let value = json!({
                "schemaVersion": 2,
                "mediaType": crate::image::manifest::DOCKER_MANIFEST,
                "config": desc(config, DOCKER_CONFIG),
                "layers": docker_layers,
            });
            Ok(serde_json::to_vec(&value).unwrap_or_default())
        }
    }
}

/// An OCI image manifest's JSON.
pub fn manifest(config: &Descriptor, layers: &[Descriptor]) -> Vec<u8> {
    let desc =
        |d: &Descriptor| json!({"mediaType": d.media_type, "digest": d.digest, "size": d.size});
    let value = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_MANIFEST,
        "config": desc(config),
        "layers": layers.iter().map(desc).collect::<Vec<_>>(),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_without_history_loads() {
        let text = br#"{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[]}}"#;
        let c = parse_config(text).unwrap();
        assert!(c.history().is_empty());
        assert_eq!(
            c.config().as_ref().unwrap().cmd().as_ref().unwrap(),
            &["sh"]
        );
        let text = br#"{"architecture":"arm64","os":"linux","history":null}"#;
        assert!(parse_config(text).unwrap().rootfs().diff_ids().is_empty());
        assert!(parse_config(b"[1]").is_err());
    }

    #[test]
    fn import_config_round_trips() {
        let mut rt = RuntimeConfig::default();
        rt.apply_all(&[
            "CMD [\"sh\"]".into(),
            "EXPOSE 80".into(),
            "LABEL a=b".into(),
            "VOLUME /data".into(),
        ])
        .unwrap();
        let diff = format!("sha256:{}", "1".repeat(64));
        let spec = ImportSpec {
            created: DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
                .unwrap()
                .with_timezone(&Utc),
            architecture: "amd64",
            os: "linux",
            variant: None,
            runtime: &rt,
            diff_id: &diff,
            comment: Some("hello"),
        };
        let bytes = import_config(&spec);
        assert_eq!(bytes, import_config(&spec), "deterministic");
        let c = parse_config(&bytes).unwrap();
        assert_eq!(c.architecture().to_string(), "amd64");
        assert_eq!(c.rootfs().diff_ids(), &[diff]);
        assert_eq!(c.history()[0].comment().as_deref(), Some("hello"));
        let cfg = c.config().as_ref().unwrap();
        assert_eq!(cfg.cmd().as_ref().unwrap(), &["sh"]);
        assert_eq!(cfg.exposed_ports().as_ref().unwrap(), &["80/tcp"]);
        assert_eq!(cfg.volumes().as_ref().unwrap(), &["/data"]);
        assert_eq!(cfg.labels().as_ref().unwrap()["a"], "b");
    }

    /// A descriptor of media type `m` whose digest repeats `n`.
    fn d(m: &str, n: char) -> Descriptor {
        Descriptor {
            media_type: m.into(),
            digest: format!("sha256:{}", n.to_string().repeat(64)),
            size: 7,
        }
    }

    #[test]
    fn docker_format_uses_docker_media_types() {
        let layers = [d(MEDIA_LAYER_GZIP, 'b'), d(MEDIA_LAYER_TAR, 'c')];
        let bytes = manifest_in(ImageFormat::Docker, &d(MEDIA_CONFIG, 'a'), &layers).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["mediaType"], crate::image::manifest::DOCKER_MANIFEST);
        assert_eq!(v["config"]["mediaType"], DOCKER_CONFIG);
        assert_eq!(v["layers"][0]["mediaType"], DOCKER_LAYER_GZIP);
        assert_eq!(v["layers"][1]["mediaType"], DOCKER_LAYER_TAR);
        assert_eq!(v["layers"][1]["digest"], layers[1].digest);
        let oci = manifest_in(ImageFormat::Oci, &d(MEDIA_CONFIG, 'a'), &layers).unwrap();
        assert_eq!(oci, manifest(&d(MEDIA_CONFIG, 'a'), &layers));
        let zstd = [d(MEDIA_LAYER_ZSTD, 'z')];
        let e = manifest_in(ImageFormat::Docker, &d(MEDIA_CONFIG, 'a'), &zstd).unwrap_err();
        assert!(e.contains("zstd"), "{e}");
        assert_eq!(ImageFormat::parse("docker"), Some(ImageFormat::Docker));
        assert_eq!(ImageFormat::parse("oci"), Some(ImageFormat::Oci));
        assert_eq!(ImageFormat::parse("OCI"), None);
    }

    #[test]
    fn manifest_shape() {
        let bytes = manifest(&d(MEDIA_CONFIG, 'a'), &[d(MEDIA_LAYER_GZIP, 'b')]);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["schemaVersion"], 2);
        assert_eq!(v["layers"][0]["mediaType"], MEDIA_LAYER_GZIP);
        assert_eq!(v["config"]["size"], 7);
    }

    #[test]
    fn go_arch_names() {
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_arch("aarch64"), "arm64");
    }
}
