//! Manifest media types and the checks every manifest, index and config passes before berth
//! trusts it, wherever it came from (a registry, an OCI layout, a docker archive): its size,
//! its media type against what points at it, and no ambiguous body (CVE-2021-41190).

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The largest manifest or index berth reads: containers/image's limit, and the distribution
/// registry's own.
pub const MAX_MANIFEST: u64 = 4 << 20;
/// The largest image config berth reads (containers/image's limit).
pub const MAX_CONFIG: u64 = 4 << 20;

/// The `Accept` header of a manifest request.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// A single-image manifest or an index of manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    Index,
}

/// The kind of a manifest media type; `None` for one berth cannot use.
pub fn kind_of(media_type: &str) -> Option<Kind> {
    match media_type {
        OCI_MANIFEST | DOCKER_MANIFEST => Some(Kind::Image),
        OCI_INDEX | DOCKER_LIST => Some(Kind::Index),
        _ => None,
    }
}

/// The media type of a manifest: the body's own `mediaType` when it has one, else the
/// `Content-Type` header, else a guess from the shape (`manifests` means an index).
pub fn media_type_of(content_type: Option<&str>, bytes: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Peek {
        media_type: Option<String>,
        schema_version: Option<u32>,
        manifests: Option<serde_json::Value>,
        layers: Option<serde_json::Value>,
    }
    let peek: Option<Peek> = serde_json::from_slice(bytes).ok();
    if let Some(mt) = peek.as_ref().and_then(|p| p.media_type.clone()) {
        return mt;
    }
    let header = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_string())
        .filter(|c| !c.is_empty() && c != "application/json" && c != "text/plain");
    if let Some(h) = header {
        return h;
    }
    match peek {
        Some(p) if p.schema_version == Some(1) => DOCKER_SCHEMA1.to_string(),
        Some(p) if p.manifests.is_some() => OCI_INDEX.to_string(),
        Some(p) if p.layers.is_some() => OCI_MANIFEST.to_string(),
        _ => content_type.unwrap_or("").to_string(),
    }
}

/// A media type without its parameters (`application/json; charset=utf-8` → `application/json`).
pub fn bare(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or(media_type).trim()
}

/// A manifest media type, as opposed to the generic types some servers send
/// (`application/json`, `text/plain`, `application/octet-stream`).
fn is_manifest_type(media_type: &str) -> bool {
    kind_of(media_type).is_some()
        || media_type == DOCKER_SCHEMA1
        || media_type == DOCKER_SCHEMA1_SIGNED
}

/// Refuse a body that could be read as more than one kind of document (CVE-2021-41190, and
/// containers/image's rule): an image manifest may hold `config` and `layers` but not
/// `manifests` (nor schema 1's `fsLayers` and `history`), an index `manifests` and nothing of
/// an image manifest's. `media_type` is the type the body is being read as. A body's own
/// `mediaType`, when present, must be a string. The message names what is wrong.
pub fn check_unambiguous(bytes: &[u8], media_type: &str) -> Result<(), String> {
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Fields {
        media_type: Option<serde_json::Value>,
        config: Option<IgnoredAny>,
        layers: Option<IgnoredAny>,
        manifests: Option<IgnoredAny>,
        fs_layers: Option<IgnoredAny>,
        history: Option<IgnoredAny>,
    }
    let f: Fields = serde_json::from_slice(bytes).map_err(|e| format!("not a JSON object: {e}"))?;
    if f.media_type.as_ref().is_some_and(|m| !m.is_string()) {
        return Err("its `mediaType` is not a string".into());
    }
    let present = |name: &'static str, yes: bool| yes.then_some(name);
    let unexpected: Vec<&str> = match kind_of(bare(media_type)) {
        Some(Kind::Image) => [
            present("manifests", f.manifests.is_some()),
            present("fsLayers", f.fs_layers.is_some()),
            present("history", f.history.is_some()),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Some(Kind::Index) => [
            present("config", f.config.is_some()),
            present("layers", f.layers.is_some()),
            present("fsLayers", f.fs_layers.is_some()),
            present("history", f.history.is_some()),
        ]
        .into_iter()
        .flatten()
        .collect(),
        None => Vec::new(),
    };
    if unexpected.is_empty() {
        Ok(())
    } else {
        let kind = if kind_of(bare(media_type)) == Some(Kind::Index) {
            "an index"
        } else {
            "an image manifest"
        };
        Err(format!(
            "ambiguous: {kind} (`{}`) that also has `{}`",
            bare(media_type),
            unexpected.join("`, `")
        ))
    }
}

/// Refuse a body whose own `mediaType` disagrees with the type `declared` for it by `by`
/// (the registry's `Content-Type`, or the descriptor that pointed at it). Generic types
/// (`application/json`…) and an absent `mediaType` declare nothing.
pub fn check_declared(bytes: &[u8], declared: Option<&str>, by: &str) -> Result<(), String> {
    let Some(declared) = declared.map(bare).filter(|d| is_manifest_type(d)) else {
        return Ok(());
    };
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Peek {
        media_type: Option<String>,
    }
    let Some(own) = serde_json::from_slice::<Peek>(bytes)
        .ok()
        .and_then(|p| p.media_type)
    else {
        // Read as the declared type: the shape check then applies to that type.
        return check_unambiguous(bytes, declared);
    };
    if own != declared {
        return Err(format!(
            "its `mediaType` is `{own}` but {by} says `{declared}`"
        ));
    }
    Ok(())
}
