//! Parsing of fetched manifests, and platform choice from an index (the media types and
//! checks are `image::manifest`).
//!
//! Docker v2 schema 2 manifests and manifest lists have the same shape as OCI image manifests
//! and indexes, so both parse into the `oci-spec` types. The exact bytes as fetched are kept
//! next to the parsed value: the digest is the sha256 of those bytes.

use oci_spec::image::{Descriptor, Digest, ImageIndex, ImageManifest};

use super::RegistryError;
use crate::image::manifest::{
    check_unambiguous, kind_of, Kind, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED,
};

/// A manifest as fetched: its exact bytes, media type and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: Digest,
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Image(Box<ImageManifest>),
    Index(Box<ImageIndex>),
}

impl Fetched {
    /// Parse the bytes according to the media type. `what` names the manifest in errors.
    pub fn parse(&self, what: &str) -> Result<Parsed, RegistryError> {
        let bad = |message: String| RegistryError::BadManifest {
            reference: what.to_string(),
            message,
        };
        if kind_of(&self.media_type).is_some() {
            check_unambiguous(&self.bytes, &self.media_type).map_err(|message| {
                RegistryError::AmbiguousManifest {
                    reference: what.to_string(),
                    message,
                }
            })?;
        }
        match kind_of(&self.media_type) {
            Some(Kind::Image) => serde_json::from_slice::<ImageManifest>(&self.bytes)
                .map(|m| Parsed::Image(Box::new(m)))
                .map_err(|e| bad(e.to_string())),
            Some(Kind::Index) => serde_json::from_slice::<ImageIndex>(&self.bytes)
                .map(|i| Parsed::Index(Box::new(i)))
                .map_err(|e| bad(e.to_string())),
            None => Err(RegistryError::UnsupportedMediaType {
                reference: what.to_string(),
                media_type: if self.media_type == DOCKER_SCHEMA1
                    || self.media_type == DOCKER_SCHEMA1_SIGNED
                {
                    format!("{} (Docker schema 1 is obsolete)", self.media_type)
                } else {
                    self.media_type.clone()
                },
            }),
        }
    }
}

/// An `os/arch[/variant]` to pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformSpec {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl std::fmt::Display for PlatformSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl PlatformSpec {
    /// Parse `os/arch[/variant]` (`--platform`); arch names are normalised
    /// (`x86_64` → `amd64`, `aarch64` → `arm64`).
    pub fn parse(text: &str) -> Result<Self, RegistryError> {
        let bad = || RegistryError::BadPlatform {
            text: text.to_string(),
        };
        let parts: Vec<&str> = text.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) || !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let (arch, variant) = normalize_arch(parts[1], parts.get(2).copied());
        Ok(PlatformSpec {
            os: parts[0].to_ascii_lowercase(),
            arch,
            variant,
        })
    }

    /// The platform of this machine, as Go names it.
    pub fn host() -> Self {
        let (arch, variant) = normalize_arch(std::env::consts::ARCH, None);
        PlatformSpec {
            os: "linux".into(),
            arch,
            variant,
        }
    }
}

/// Go's GOARCH names, with the variant a bare name implies (`arm64` is `v8`, `arm` is `v7`).
fn normalize_arch(arch: &str, variant: Option<&str>) -> (String, Option<String>) {
    let arch = arch.to_ascii_lowercase();
    let variant = variant.map(str::to_ascii_lowercase);
    match arch.as_str() {
        "x86_64" | "x86-64" | "amd64" => ("amd64".into(), variant),
        "aarch64" | "arm64" => ("arm64".into(), variant.or_else(|| Some("v8".into()))),
        "armhf" | "armv7l" | "armv7" => ("arm".into(), Some("v7".into())),
        "armel" | "armv6l" | "armv6" => ("arm".into(), Some("v6".into())),
        "arm" => ("arm".into(), variant.or_else(|| Some("v7".into()))),
        "i386" | "i686" | "x86" | "386" => ("386".into(), variant),
        other => (other.to_string(), variant),
    }
}

/// `os/arch[/variant]` of an index entry, normalised; `None` for entries without a usable
/// platform (attestations say `unknown/unknown`).
fn entry_platform(d: &Descriptor) -> Option<PlatformSpec> {
    let p = d.platform().as_ref()?;
    let os = p.os().to_string();
    let arch = p.architecture().to_string();
    if os == "unknown" || arch == "unknown" {
        return None;
    }
    let (arch, variant) = normalize_arch(&arch, p.variant().as_deref().filter(|v| !v.is_empty()));
    Some(PlatformSpec {
        os: os.to_ascii_lowercase(),
        arch,
        variant,
    })
}

/// The variants acceptable for `want`, best first.
fn acceptable_variants(want: &PlatformSpec) -> Vec<Option<String>> {
    match (want.arch.as_str(), want.variant.as_deref()) {
        ("arm", Some(v)) => {
            let n: u32 = v.trim_start_matches('v').parse().unwrap_or(7);
            (5..=n).rev().map(|i| Some(format!("v{i}"))).collect()
        }
        (_, Some(v)) => vec![Some(v.to_string())],
        (_, None) => vec![None],
    }
}

/// Choose the manifest for `want` from `index`. An error lists the platforms the index has.
pub fn select_platform<'a>(
    index: &'a ImageIndex,
    want: &PlatformSpec,
    reference: &str,
) -> Result<&'a Descriptor, RegistryError> {
    let entries: Vec<(&Descriptor, PlatformSpec)> = index
        .manifests()
        .iter()
        .filter_map(|d| entry_platform(d).map(|p| (d, p)))
        .collect();
    let same = |p: &PlatformSpec| p.os == want.os && p.arch == want.arch;
    // A wanted variant prefers an exact match, then older compatible ones (arm), and
    // accepts an entry without a variant last; no wanted variant takes the first entry.
    if want.variant.is_none() {
        // An entry without a variant is the baseline (amd64 `v2`/`v3` need newer CPUs).
        let plain = entries.iter().find(|(_, p)| same(p) && p.variant.is_none());
        if let Some((d, _)) = plain.or_else(|| entries.iter().find(|(_, p)| same(p))) {
            return Ok(d);
        }
    } else {
        for v in acceptable_variants(want) {
            if let Some((d, _)) = entries.iter().find(|(_, p)| same(p) && p.variant == v) {
                return Ok(d);
            }
        }
        if let Some((d, _)) = entries.iter().find(|(_, p)| same(p) && p.variant.is_none()) {
            return Ok(d);
        }
    }
    let mut available: Vec<String> = entries.iter().map(|(_, p)| p.to_string()).collect();
    available.dedup();
    Err(RegistryError::NoPlatform {
        reference: reference.to_string(),
        wanted: want.to_string(),
        available,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::manifest::*;

    const CFG: &str = r#""config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2}"#;

    #[test]
    fn ambiguous_bodies_are_refused() {
        let both = format!(r#"{{"schemaVersion":2,{CFG},"layers":[],"manifests":[]}}"#);
        let e = check_unambiguous(both.as_bytes(), OCI_MANIFEST).unwrap_err();
        assert_eq!(
            e,
            format!("ambiguous: an image manifest (`{OCI_MANIFEST}`) that also has `manifests`")
        );
        let e = check_unambiguous(both.as_bytes(), OCI_INDEX).unwrap_err();
        assert!(
            e.contains("an index") && e.contains("`config`, `layers`"),
            "{e}"
        );
        // Through Fetched::parse, whichever type the body is read as.
        for mt in [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST] {
            let f = Fetched {
                bytes: both.clone().into_bytes(),
                media_type: mt.into(),
                digest: sha256_digest_for_test(both.as_bytes()),
            };
            let err = f.parse("r.io/a:1").unwrap_err();
            assert!(
                matches!(err, RegistryError::AmbiguousManifest { .. }),
                "{mt}: {err}"
            );
            assert!(err
                .to_string()
                .starts_with("refuse manifest `r.io/a:1`: ambiguous"));
        }
        let schema1_mix = r#"{"manifests":[],"fsLayers":[],"history":[]}"#;
        assert!(check_unambiguous(schema1_mix.as_bytes(), OCI_INDEX).is_err());
        let bad_type = r#"{"mediaType":7,"manifests":[]}"#;
        assert!(check_unambiguous(bad_type.as_bytes(), OCI_INDEX).is_err());
        // Plain ones pass; null fields count as absent, as in containers/image.
        let image = format!(r#"{{"schemaVersion":2,{CFG},"layers":[],"manifests":null}}"#);
        check_unambiguous(image.as_bytes(), OCI_MANIFEST).unwrap();
        check_unambiguous(br#"{"schemaVersion":2,"manifests":[]}"#, OCI_INDEX).unwrap();
        assert!(check_unambiguous(b"[1,2]", OCI_INDEX).is_err());
    }

    fn sha256_digest_for_test(bytes: &[u8]) -> Digest {
        super::super::verify::sha256_digest(bytes)
    }

    #[test]
    fn declared_media_types_must_agree() {
        let index = format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[]}}"#);
        let e = check_declared(
            index.as_bytes(),
            Some(OCI_MANIFEST),
            "the registry's Content-Type",
        )
        .unwrap_err();
        assert_eq!(
            e,
            format!("its `mediaType` is `{OCI_INDEX}` but the registry's Content-Type says `{OCI_MANIFEST}`")
        );
        // Parameters and generic types declare nothing wrong.
        check_declared(
            index.as_bytes(),
            Some(&format!("{OCI_INDEX}; charset=utf-8")),
            "x",
        )
        .unwrap();
        check_declared(index.as_bytes(), Some("application/json"), "x").unwrap();
        check_declared(index.as_bytes(), None, "x").unwrap();
        // No mediaType of its own: read as the declared type, so the shape must fit it.
        assert!(check_declared(br#"{"manifests":[]}"#, Some(OCI_MANIFEST), "x").is_err());
        check_declared(br#"{"manifests":[]}"#, Some(OCI_INDEX), "x").unwrap();
        assert!(
            check_declared(index.as_bytes(), Some(DOCKER_LIST), "the index").is_err(),
            "docker list and OCI index are different types"
        );
    }

    fn index(platforms: &[(&str, &str, Option<&str>)]) -> ImageIndex {
        let manifests: Vec<serde_json::Value> = platforms
            .iter()
            .enumerate()
            .map(|(i, (os, arch, variant))| {
                let mut p = serde_json::json!({"os": os, "architecture": arch});
                if let Some(v) = variant {
                    p["variant"] = serde_json::json!(v);
                }
                serde_json::json!({
                    "mediaType": OCI_MANIFEST,
                    "size": 100 + i,
                    "digest": format!("sha256:{:064x}", i),
                    "platform": p,
                })
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": manifests,
        }))
        .unwrap()
    }

    fn chosen(idx: &ImageIndex, want: &str) -> Result<u64, RegistryError> {
        select_platform(idx, &PlatformSpec::parse(want).unwrap(), "r/x:1").map(|d| d.size() - 100)
    }

    #[test]
    fn picks_exact_then_compatible() {
        let idx = index(&[
            ("linux", "amd64", None),
            ("linux", "arm64", Some("v8")),
            ("linux", "arm", Some("v6")),
            ("linux", "arm", Some("v7")),
            ("unknown", "unknown", None),
        ]);
        assert_eq!(chosen(&idx, "linux/amd64").unwrap(), 0);
        assert_eq!(chosen(&idx, "linux/arm64").unwrap(), 1);
        assert_eq!(chosen(&idx, "linux/aarch64/v8").unwrap(), 1);
        assert_eq!(chosen(&idx, "linux/arm/v7").unwrap(), 3);
        assert_eq!(chosen(&idx, "linux/arm/v6").unwrap(), 2);
        assert_eq!(chosen(&idx, "linux/x86_64").unwrap(), 0);
        // arm64 entries without a variant are v8.
        let levels = index(&[("linux", "amd64", Some("v3")), ("linux", "amd64", None)]);
        assert_eq!(chosen(&levels, "linux/amd64").unwrap(), 1);
        assert_eq!(chosen(&levels, "linux/amd64/v3").unwrap(), 0);
        let bare = index(&[("linux", "arm64", None)]);
        assert_eq!(chosen(&bare, "linux/arm64").unwrap(), 0);
    }

    #[test]
    fn missing_platform_lists_what_there_is() {
        let idx = index(&[("linux", "arm64", Some("v8")), ("linux", "s390x", None)]);
        let e = chosen(&idx, "linux/amd64").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("linux/amd64"), "{text}");
        assert!(text.contains("linux/arm64/v8, linux/s390x"), "{text}");
        assert!(chosen(&idx, "linux/arm/v5").is_err());
    }

    #[test]
    fn platform_parsing() {
        assert_eq!(
            PlatformSpec::parse("linux/arm64").unwrap().to_string(),
            "linux/arm64/v8"
        );
        assert_eq!(
            PlatformSpec::parse("linux/amd64").unwrap().to_string(),
            "linux/amd64"
        );
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d"] {
            assert!(PlatformSpec::parse(bad).is_err(), "{bad}");
        }
        let host = PlatformSpec::host();
        assert_eq!(host.os, "linux");
        assert!(!host.arch.is_empty());
    }

    #[test]
    fn media_types() {
        assert_eq!(kind_of(OCI_MANIFEST), Some(Kind::Image));
        assert_eq!(kind_of(DOCKER_MANIFEST), Some(Kind::Image));
        assert_eq!(kind_of(OCI_INDEX), Some(Kind::Index));
        assert_eq!(kind_of(DOCKER_LIST), Some(Kind::Index));
        assert_eq!(kind_of("application/x-foo"), None);
        // The body's own media type wins; generic content types fall back to the shape.
        assert_eq!(
            media_type_of(
                Some(OCI_INDEX),
                br#"{"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}"#
            ),
            DOCKER_MANIFEST
        );
        assert_eq!(
            media_type_of(
                Some("application/vnd.oci.image.manifest.v1+json; charset=utf-8"),
                b"{}"
            ),
            OCI_MANIFEST
        );
        assert_eq!(
            media_type_of(
                Some("application/json"),
                br#"{"schemaVersion":2,"manifests":[]}"#
            ),
            OCI_INDEX
        );
        assert_eq!(
            media_type_of(None, br#"{"schemaVersion":2,"layers":[]}"#),
            OCI_MANIFEST
        );
        assert_eq!(
            media_type_of(None, br#"{"schemaVersion":1}"#),
            DOCKER_SCHEMA1
        );
    }

    #[test]
    fn parse_docker_and_unknown() {
        let bytes = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2, "digest": format!("sha256:{:064x}", 1)},
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 3, "digest": format!("sha256:{:064x}", 2)}],
        }))
        .unwrap();
        let f = Fetched {
            digest: super::super::verify::sha256_digest(&bytes),
            media_type: media_type_of(None, &bytes),
            bytes,
        };
        match f.parse("r/x:1").unwrap() {
            Parsed::Image(m) => assert_eq!(m.layers()[0].size(), 3),
            Parsed::Index(_) => panic!("not an index"),
        }
        let odd = Fetched {
            media_type: "application/vnd.example+json".into(),
            ..f.clone()
        };
        let e = odd.parse("r/x:1").unwrap_err();
        assert!(matches!(e, RegistryError::UnsupportedMediaType { .. }));
        assert!(e.to_string().contains("application/vnd.example+json"));
        let broken = Fetched {
            bytes: b"{\"schemaVersion\":2}".to_vec(),
            ..f
        };
        assert!(matches!(
            broken.parse("r/x:1"),
            Err(RegistryError::BadManifest { .. })
        ));
    }
}
