//! The distribution (OCI registry) client: ping, the auth challenge flow, manifests and
//! indexes, verified blob downloads with retries and resume, and pushes.
//!
//! Synchronous and thread-free apart from [`Client::download_blobs`], which runs parallel
//! downloads on scoped threads. Only P0, the host process, may call that (it does the network
//! work of a pull before any namespace exists); the session process S must never, because a
//! process with threads cannot enter a user namespace.
//!
//! Credentials and tokens never appear in errors: URLs in errors lose their query strings
//! (signed blob-storage URLs carry secrets there), and no header value is ever rendered.
//!
//! A pull, as the command layer strings it together (mirrors first, then the location):
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use berth::config::{auth::AuthFiles, registries::RegistriesConf};
//! use berth::registry::{check_not_blocked, BlobJob, Client, ClientOptions, NoProgress, PlatformSpec};
//!
//! let conf = RegistriesConf::load()?;
//! let name = "docker.io/library/alpine:3.20";
//! check_not_blocked(&conf, name)?;
//! let auth = AuthFiles::discover(None)?;
//! for ep in conf.resolve(name) {
//!     let mut opts = ClientOptions::for_endpoint(&ep, None);
//!     opts.credential = auth.lookup(&ep.registry, &ep.repository)?;
//!     let client = Client::new(&ep.registry, opts)?;
//!     let image = client.resolve_image(&ep.repository, "3.20", &PlatformSpec::host())?;
//!     let jobs: Vec<BlobJob> = image
//!         .image
//!         .layers()
//!         .iter()
//!         .map(|l| BlobJob {
//!             digest: l.digest().clone(),
//!             size: Some(l.size()),
//!             path: format!("/tmp/{}.partial", l.digest().digest()).into(),
//!         })
//!         .collect();
//!     for result in client.download_blobs(&ep.repository, &jobs, 4, &NoProgress)? {
//!         result?; // verified: now rename the partial file into the store
//!     }
//!     break;
//! }
//! # Ok(())
//! # }
//! ```

pub mod auth;
pub mod challenge;
pub mod client;
pub mod manifest;
pub mod pull;
pub mod push;
pub mod tls;
pub mod verify;

use std::io;
use std::path::PathBuf;

pub use client::{Client, ClientOptions};
pub use manifest::{Fetched, Parsed, PlatformSpec};
pub use pull::{BlobJob, ManifestHead, NoProgress, Progress, ResolvedImage};
pub use push::BlobPush;

/// Errors talking to a registry. Every variant names what it was working on.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("registry `{registry}` is blocked in registries.conf")]
    Blocked { registry: String },
    #[error("connect to `{registry}`")]
    Connect {
        registry: String,
        #[source]
        source: ureq::Error,
    },
    #[error("`{registry}` is not a registry: GET /v2/ answered HTTP {status}")]
    NotRegistry { registry: String, status: u16 },
    #[error("authentication required for `{registry}/{repository}` (HTTP {status})")]
    Unauthorized {
        registry: String,
        repository: String,
        status: u16,
    },
    #[error("the credentials for `{registry}` were refused (HTTP {status})")]
    BadCredentials {
        registry: String,
        repository: String,
        status: u16,
    },
    #[error("access to `{registry}/{repository}` is denied (HTTP {status})")]
    Denied {
        registry: String,
        repository: String,
        status: u16,
    },
    #[error("get a token from `{realm}` for `{registry}`: HTTP {status}")]
    TokenStatus {
        registry: String,
        realm: String,
        status: u16,
    },
    #[error("get a token from `{realm}` for `{registry}`: {message}")]
    TokenResponse {
        registry: String,
        realm: String,
        message: String,
    },
    #[error("manifest `{reference}` is not in `{registry}/{repository}`")]
    ManifestUnknown {
        registry: String,
        repository: String,
        reference: String,
    },
    #[error("blob `{digest}` is not in `{registry}/{repository}`")]
    BlobUnknown {
        registry: String,
        repository: String,
        digest: String,
    },
    #[error("{method} `{url}`: HTTP {status}{detail}")]
    Status {
        method: String,
        url: String,
        status: u16,
        /// The registry's own error code and message, `: CODE: message`, or empty.
        detail: String,
    },
    #[error("{method} `{url}`")]
    Transport {
        method: String,
        url: String,
        #[source]
        source: ureq::Error,
    },
    #[error("read blob `{digest}` from `{registry}`")]
    ReadBody {
        registry: String,
        digest: String,
        #[source]
        source: io::Error,
    },
    #[error("write blob `{digest}`")]
    WriteBlob {
        digest: String,
        #[source]
        source: io::Error,
    },
    #[error("read blob `{digest}` for upload")]
    ReadUpload {
        digest: String,
        #[source]
        source: io::Error,
    },
    #[error("digest mismatch: expected `{expected}`, got `{actual}`")]
    DigestMismatch { expected: String, actual: String },
    #[error("size mismatch for `{digest}`: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        digest: String,
        expected: u64,
        actual: u64,
    },
    #[error("unsupported digest algorithm in `{digest}`")]
    UnsupportedDigest { digest: String },
    #[error("manifest `{reference}` has the unsupported media type `{media_type}`")]
    UnsupportedMediaType {
        reference: String,
        media_type: String,
    },
    #[error("parse manifest `{reference}`: {message}")]
    BadManifest { reference: String, message: String },
    #[error("refuse manifest `{reference}`: {message}")]
    AmbiguousManifest { reference: String, message: String },
    #[error("refuse {what} of `{reference}`: {size} bytes, more than the limit of {limit}")]
    TooLarge {
        what: &'static str,
        reference: String,
        size: u64,
        limit: u64,
    },
    #[error("refuse {what} of `{reference}`: the body runs past the limit of {limit} bytes")]
    BodyTooLarge {
        what: &'static str,
        reference: String,
        limit: u64,
    },
    #[error("`{reference}` has no image for platform `{wanted}`; it has: {}", available.join(", "))]
    NoPlatform {
        reference: String,
        wanted: String,
        available: Vec<String>,
    },
    #[error("invalid platform `{text}`: expected os/arch[/variant]")]
    BadPlatform { text: String },
    #[error("`{url}` answered with an unusable Location `{location}`")]
    BadLocation { url: String, location: String },
    #[error("too many redirects from `{url}`")]
    TooManyRedirects { url: String },
    #[error("read certificates `{path}`")]
    Certs {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("parse certificates `{path}`: not a valid PEM file")]
    BadCert { path: PathBuf },
}

impl RegistryError {
    /// A line the user can act on, for the command layer's `.hint(..)`.
    pub fn hint(&self) -> Option<String> {
        match self {
            RegistryError::Unauthorized { registry, .. }
            | RegistryError::BadCredentials { registry, .. }
            | RegistryError::Denied { registry, .. } => {
                Some(format!("log in with `berth login {registry}`"))
            }
            RegistryError::TokenStatus {
                registry, status, ..
            } if *status == 401 || *status == 403 => {
                Some(format!("log in with `berth login {registry}`"))
            }
            RegistryError::Connect { registry, source } if client::is_tls_error(source) => {
                Some(format!(
                    "put the registry's CA in `certs.d/{registry}/ca.crt` under ~/.config/containers or /etc/containers, or use --tls-verify=false"
                ))
            }
            RegistryError::Blocked { .. } => {
                Some("see the [[registry]] blocks of registries.conf".into())
            }
            _ => None,
        }
    }
}

impl crate::error::Hint for RegistryError {
    fn hint(&self) -> Option<String> {
        RegistryError::hint(self)
    }
}

/// Fail with [`RegistryError::Blocked`] when registries.conf blocks `name`
/// (`host[:port]/path[:tag][@digest]`).
pub fn check_not_blocked(
    conf: &crate::config::registries::RegistriesConf,
    name: &str,
) -> Result<(), RegistryError> {
    if conf.is_blocked(name) {
        let registry = name.split('/').next().unwrap_or(name).to_string();
        return Err(RegistryError::Blocked { registry });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::registries::RegistriesConf;

    #[test]
    fn blocked_registry_is_a_clear_error() {
        let conf = RegistriesConf::parse(
            "[[registry]]\nlocation = \"bad.io\"\nblocked = true\n",
            std::path::Path::new("r.conf"),
        )
        .unwrap();
        let e = check_not_blocked(&conf, "bad.io/a/b:1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "registry `bad.io` is blocked in registries.conf"
        );
        assert!(e.hint().is_some());
        check_not_blocked(&conf, "good.io/a/b").unwrap();
    }
}
