//! Image references in the docker grammar:
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] component ( "/" component )*
//! domain     := host [ ":" port ]         host: dns labels, IPv4, or "[" IPv6 "]"
//! component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest     := algorithm ":" hex          (sha256: exactly 64 lowercase hex digits)
//! ```
//!
//! The first path element is a domain when it contains `.` or `:`, is `localhost`, or has an
//! uppercase letter (as docker decides). Parsing is pure; normalisation is explicit.

use std::fmt;

/// The registry a name without a domain belongs to, in docker's normalisation.
pub const DOCKER_DOMAIN: &str = "docker.io";
/// The domain of locally built or imported images without a registry.
pub const LOCAL_DOMAIN: &str = "localhost";
/// The tag a reference without tag or digest gets.
pub const DEFAULT_TAG: &str = "latest";
/// The longest name (domain and path) docker accepts.
pub const NAME_MAX: usize = 255;

/// Why a reference is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference `{reference}`: empty repository name")]
    Empty { reference: String },
    #[error("invalid reference `{reference}`: name is longer than 255 characters")]
    NameTooLong { reference: String },
    #[error("invalid reference `{reference}`: repository name must be lowercase")]
    Uppercase { reference: String },
    #[error("invalid reference `{reference}`: invalid registry `{domain}`")]
    Domain { reference: String, domain: String },
    #[error("invalid reference `{reference}`: invalid repository path component `{component}`")]
    Component {
        reference: String,
        component: String,
    },
    #[error("invalid reference `{reference}`: invalid tag `{tag}`")]
    Tag { reference: String, tag: String },
    #[error("invalid reference `{reference}`: invalid digest `{digest}`")]
    Digest { reference: String, digest: String },
    #[error(
        "invalid reference `{reference}`: a 64-digit hexadecimal repository name is reserved for image ids"
    )]
    HexName { reference: String },
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    domain: Option<String>,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl Reference {
    /// Parse `text` exactly as written, without adding a domain or tag.
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        let err_ref = || text.to_string();
        if text.is_empty() {
            return Err(ReferenceError::Empty {
                reference: err_ref(),
            });
        }
        let (rest, digest) = match text.split_once('@') {
            Some((name, digest)) => {
                if !valid_digest(digest) {
                    return Err(ReferenceError::Digest {
                        reference: err_ref(),
                        digest: digest.to_string(),
                    });
                }
                (name, Some(digest.to_string()))
            }
            None => (text, None),
        };
        // A tag follows the last ':' only if no '/' comes after it (else it is a port).
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i + 1..].contains('/') => {
                let tag = &rest[i + 1..];
                if !valid_tag(tag) {
                    return Err(ReferenceError::Tag {
                        reference: err_ref(),
                        tag: tag.to_string(),
                    });
                }
                (&rest[..i], Some(tag.to_string()))
            }
            _ => (rest, None),
        };
        if name.is_empty() {
            return Err(ReferenceError::Empty {
                reference: err_ref(),
            });
        }
        if name.len() > NAME_MAX {
            return Err(ReferenceError::NameTooLong {
                reference: err_ref(),
            });
        }
        let (domain, path) = split_domain(name);
        if let Some(d) = domain {
            if !valid_domain(d) {
                return Err(ReferenceError::Domain {
                    reference: err_ref(),
                    domain: d.to_string(),
                });
            }
        }
        for component in path.split('/') {
            if !valid_component(component) {
                if component.bytes().any(|b| b.is_ascii_uppercase())
                    && valid_component(&component.to_ascii_lowercase())
                {
                    return Err(ReferenceError::Uppercase {
                        reference: err_ref(),
                    });
                }
                return Err(ReferenceError::Component {
                    reference: err_ref(),
                    component: component.to_string(),
                });
            }
        }
        if domain.is_none() && path.len() == 64 && path.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ReferenceError::HexName {
                reference: err_ref(),
            });
        }
        Ok(Reference {
            domain: domain.map(str::to_string),
            path: path.to_string(),
            tag,
            digest,
        })
    }

    /// Parse and normalise as docker does: `busybox` becomes `docker.io/library/busybox:latest`.
    pub fn parse_normalized(text: &str) -> Result<Reference, ReferenceError> {
        Ok(Self::parse(text)?
            .with_default_domain(DOCKER_DOMAIN)
            .with_default_tag())
    }

    /// Parse and normalise as podman does for local images (import, build, tag): a name
    /// without a registry becomes `localhost/NAME:latest`.
    pub fn parse_local(text: &str) -> Result<Reference, ReferenceError> {
        Ok(Self::parse(text)?
            .with_default_domain(LOCAL_DOMAIN)
            .with_default_tag())
    }

    /// Give a reference without a domain the domain `domain`. For docker.io a one-component
    /// path gains `library/`; `index.docker.io` is spelled `docker.io`.
    #[must_use]
    pub fn with_default_domain(mut self, domain: &str) -> Reference {
        let domain = match self.domain.take() {
            Some(d) if d == "index.docker.io" => DOCKER_DOMAIN.to_string(),
            Some(d) => d,
            None => domain.to_string(),
        };
        if domain == DOCKER_DOMAIN && !self.path.contains('/') {
            self.path = format!("library/{}", self.path);
        }
        self.domain = Some(domain);
        self
    }

    /// Add the tag `latest` when the reference has neither tag nor digest.
    #[must_use]
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.to_string());
        }
        self
    }

    /// The registry, if the reference names one.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The repository path inside the registry (`library/busybox`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The tag, if any.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`sha256:<hex>`), if any.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// `domain/path` (or just `path` without a domain): the repository column of `images`.
    pub fn repository(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}/{}", self.path),
            None => self.path.clone(),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repository())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Split off the first path element when it is a domain, as docker decides.
fn split_domain(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == LOCAL_DOMAIN
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

fn valid_domain(domain: &str) -> bool {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        // "[IPv6]" with an optional ":port".
        let Some((ip, after)) = rest.split_once(']') else {
            return false;
        };
        if ip.is_empty() || !ip.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => return valid_port(port),
                None => return false,
            },
        }
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        }
    };
    if let Some(p) = port {
        if !valid_port(p) {
            return false;
        }
    }
    !host.is_empty() && host.split('.').all(valid_label)
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

fn valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

/// `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*`
fn valid_component(component: &str) -> bool {
    let b = component.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// `algorithm:hex`; sha256 needs exactly 64 lowercase hex digits, others at least 32.
pub fn valid_digest(digest: &str) -> bool {
    let Some((alg, hex)) = digest.split_once(':') else {
        return false;
    };
    let alg_ok = !alg.is_empty()
        && alg.split(['+', '.', '_', '-']).all(|c| {
            !c.is_empty()
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    let hex_ok = hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match alg {
        "sha256" => hex_ok && hex.len() == 64,
        "sha512" => hex_ok && hex.len() == 128,
        _ => alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_alphanumeric()),
    }
}

/// The full names a local lookup of `text` tries, in order, as podman does for short names:
/// `localhost/NAME:TAG`, then docker's normalisation. A name with a registry is tried as
/// written (with `:latest` added when it has neither tag nor digest).
pub fn lookup_candidates(reference: &Reference) -> Vec<String> {
    if reference.domain().is_some() {
        // `with_default_domain` keeps the domain but spells docker.io's names in full.
        return vec![reference
            .clone()
            .with_default_domain(DOCKER_DOMAIN)
            .with_default_tag()
            .to_string()];
    }
    let local = reference
        .clone()
        .with_default_domain(LOCAL_DOMAIN)
        .with_default_tag()
        .to_string();
    let docker = reference
        .clone()
        .with_default_domain(DOCKER_DOMAIN)
        .with_default_tag()
        .to_string();
    vec![local, docker]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Reference::parse_normalized(s).unwrap().to_string()
    }

    #[test]
    fn docker_normalisation() {
        assert_eq!(norm("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(norm("busybox:1.36"), "docker.io/library/busybox:1.36");
        assert_eq!(norm("user/app"), "docker.io/user/app:latest");
        assert_eq!(
            norm("docker.io/busybox"),
            "docker.io/library/busybox:latest"
        );
        assert_eq!(
            norm("index.docker.io/busybox"),
            "docker.io/library/busybox:latest"
        );
        assert_eq!(norm("localhost:5000/x"), "localhost:5000/x:latest");
        assert_eq!(norm("localhost/x"), "localhost/x:latest");
        assert_eq!(norm("quay.io/a/b/c:v1"), "quay.io/a/b/c:v1");
        assert_eq!(norm("[::1]:5000/img:t"), "[::1]:5000/img:t");
    }

    #[test]
    fn local_normalisation() {
        let r = Reference::parse_local("busybox").unwrap();
        assert_eq!(r.to_string(), "localhost/busybox:latest");
        assert_eq!(r.repository(), "localhost/busybox");
        assert_eq!(r.tag(), Some("latest"));
        assert_eq!(
            Reference::parse_local("user/app:v2").unwrap().to_string(),
            "localhost/user/app:v2"
        );
        assert_eq!(
            Reference::parse_local("quay.io/x:1").unwrap().to_string(),
            "quay.io/x:1"
        );
    }

    #[test]
    fn tags_digests_and_ports() {
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("reg:5000/ns/app:v1@{d}")).unwrap();
        assert_eq!(r.domain(), Some("reg:5000"));
        assert_eq!(r.path(), "ns/app");
        assert_eq!(r.tag(), Some("v1"));
        assert_eq!(r.digest(), Some(d.as_str()));
        // No tag is added when a digest is given.
        let r = Reference::parse_normalized(&format!("alpine@{d}")).unwrap();
        assert_eq!(r.to_string(), format!("docker.io/library/alpine@{d}"));
        // A port is not a tag.
        let r = Reference::parse("localhost:5000/x").unwrap();
        assert_eq!(r.tag(), None);
        assert_eq!(r.domain(), Some("localhost:5000"));
    }

    #[test]
    fn separators_in_components() {
        for ok in ["a.b", "a_b", "a__b", "a-b", "a---b", "a1-2.b_c"] {
            assert!(Reference::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a..b", "a___b", "-a", "a-", "a_.b", "_a", "a/", "/a", "a//b",
        ] {
            assert!(
                matches!(Reference::parse(bad), Err(ReferenceError::Component { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_name_the_reference() {
        let e = Reference::parse("Busybox").unwrap_err();
        assert!(matches!(e, ReferenceError::Uppercase { .. }));
        assert_eq!(
            e.to_string(),
            "invalid reference `Busybox`: repository name must be lowercase"
        );
        let e = Reference::parse("busybox:-bad").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid reference `busybox:-bad`: invalid tag `-bad`"
        );
        let e = Reference::parse("busybox@sha256:abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid reference `busybox@sha256:abc`: invalid digest `sha256:abc`"
        );
        let e = Reference::parse("bad_host.:5000/x").unwrap_err();
        assert!(matches!(e, ReferenceError::Domain { .. }), "{e:?}");
        let e = Reference::parse("reg.io:po/x").unwrap_err();
        assert!(matches!(e, ReferenceError::Domain { .. }), "{e:?}");
        assert!(matches!(
            Reference::parse(""),
            Err(ReferenceError::Empty { .. })
        ));
        assert_eq!(
            Reference::parse(":tag").unwrap_err().to_string(),
            "invalid reference `:tag`: empty repository name"
        );
        let long = "a".repeat(256);
        assert!(matches!(
            Reference::parse(&long),
            Err(ReferenceError::NameTooLong { .. })
        ));
        assert!(matches!(
            Reference::parse(&"ab".repeat(32)),
            Err(ReferenceError::HexName { .. })
        ));
        assert!(Reference::parse(&format!("x:{}", "t".repeat(129))).is_err());
        assert!(Reference::parse(&format!("x:{}", "t".repeat(128))).is_ok());
        assert!(Reference::parse("a b").is_err());
    }

    #[test]
    fn uppercase_first_element_is_a_domain() {
        let r = Reference::parse("Registry/x").unwrap();
        assert_eq!(r.domain(), Some("Registry"));
    }

    #[test]
    fn digests() {
        assert!(valid_digest(&format!("sha256:{}", "0".repeat(64))));
        assert!(!valid_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(!valid_digest(&format!("sha256:{}", "0".repeat(63))));
        assert!(valid_digest(&format!("sha512:{}", "f".repeat(128))));
        assert!(valid_digest(&format!(
            "multihash+base58:{}",
            "Q".repeat(40)
        )));
        assert!(!valid_digest("sha256"));
    }

    #[test]
    fn candidates_for_short_names() {
        let r = Reference::parse("busybox").unwrap();
        assert_eq!(
            lookup_candidates(&r),
            [
                "localhost/busybox:latest",
                "docker.io/library/busybox:latest"
            ]
        );
        let r = Reference::parse("quay.io/x").unwrap();
        assert_eq!(lookup_candidates(&r), ["quay.io/x:latest"]);
        let r = Reference::parse("docker.io/alpine").unwrap();
        assert_eq!(lookup_candidates(&r), ["docker.io/library/alpine:latest"]);
    }
}
