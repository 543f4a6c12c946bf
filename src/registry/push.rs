//! The push side: blob existence checks, cross-repository mounts, uploads (one PUT or PATCH
//! chunks) and manifest PUTs.

use std::io::{self, Read};

use oci_spec::image::Digest;
use ureq::http::{Method, Response};
use ureq::Body;

use super::client::{encode, header, pull_scope, push_scope, redact, resolve_url, Client, ReqBody};
use super::verify::sha256_digest;
use super::RegistryError;

/// How a blob reached the registry in a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobPush {
    /// The registry already had it.
    Existed,
    /// Mounted from another repository of the same registry.
    Mounted,
    Uploaded,
}

impl Client {
    /// HEAD a blob: its size when the registry has it.
    pub fn blob_exists(&self, repo: &str, digest: &Digest) -> Result<Option<u64>, RegistryError> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base()?);
        let resp = self.send(Method::HEAD, &url, &[push_scope(repo)], &[], ReqBody::Empty)?;
        match resp.status().as_u16() {
            200 => Ok(Some(
                header(&resp, "content-length")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
            )),
            404 => Ok(None),
            _ => Err(self.status_error(&Method::HEAD, &url, repo, resp)),
        }
    }

    /// Ask the registry to mount `digest` from repository `from`; false when it will not.
    pub fn mount_blob(
        &self,
        repo: &str,
        digest: &Digest,
        from: &str,
    ) -> Result<bool, RegistryError> {
        let base = self.base()?;
        let url = format!(
            "{base}/v2/{repo}/blobs/uploads/?mount={}&from={}",
            encode(digest.as_ref()),
            encode(from)
        );
        let scopes = [push_scope(repo), pull_scope(from)];
        let resp = self.send(Method::POST, &url, &scopes, &[], ReqBody::Empty)?;
        match resp.status().as_u16() {
            201 => Ok(true),
            202 => {
                // The registry opened an ordinary upload instead: cancel it.
                if let Some(next) = header(&resp, "location").and_then(|l| resolve_url(&url, &l)) {
                    let _ = self.send(Method::DELETE, &next, &scopes, &[], ReqBody::Empty);
                }
                Ok(false)
            }
            _ => Err(self.status_error(&Method::POST, &url, repo, resp)),
        }
    }

    /// Upload a blob of `size` bytes read from `open()` (called again for each retry):
    /// one PUT, or PATCH chunks then a PUT when `chunk_size` is set and smaller.
    pub fn upload_blob<R: Read>(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        open: &dyn Fn() -> io::Result<R>,
    ) -> Result<(), RegistryError> {
        let mut auth_retried = false;
        self.with_retries(true, |_| loop {
            match self.upload_once(repo, digest, size, open) {
                // A token that expired during the upload: start over once with a new one.
                Err(RegistryError::Unauthorized { .. }) if !auth_retried => auth_retried = true,
                other => return other,
            }
        })
    }

    fn upload_once<R: Read>(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        open: &dyn Fn() -> io::Result<R>,
    ) -> Result<(), RegistryError> {
        let scopes = [push_scope(repo)];
        let post = format!("{}/v2/{repo}/blobs/uploads/", self.base()?);
        let resp = self.send(Method::POST, &post, &scopes, &[], ReqBody::Empty)?;
        if resp.status().as_u16() != 202 {
            return Err(self.status_error(&Method::POST, &post, repo, resp));
        }
        let mut location = self.upload_location(&post, &resp)?;
        let rerr = |source| RegistryError::ReadUpload {
            digest: digest.to_string(),
            source,
        };
        let mut reader = open().map_err(rerr)?;
        let octets = ("content-type", "application/octet-stream".to_string());
        let with_digest = |loc: &str| {
            let sep = if loc.contains('?') { '&' } else { '?' };
            format!("{loc}{sep}digest={}", encode(digest.as_ref()))
        };
        let put_body_len = match self.opts.chunk_size {
            Some(chunk) if chunk > 0 && size > chunk => {
                let mut start = 0u64;
                while start < size {
                    let len = chunk.min(size - start);
                    let mut part = (&mut reader).take(len);
                    let headers = [
                        octets.clone(),
                        ("content-range", format!("{start}-{}", start + len - 1)),
                    ];
                    let resp = self.send(
                        Method::PATCH,
                        &location,
                        &scopes,
                        &headers,
                        ReqBody::Stream(&mut part, len),
                    )?;
                    if resp.status().as_u16() != 202 {
                        return Err(self.status_error(&Method::PATCH, &location, repo, resp));
                    }
                    location = self.upload_location(&location, &resp)?;
                    start += len;
                }
                0
            }
            _ => size,
        };
        let put = with_digest(&location);
        let resp = if put_body_len == 0 {
            self.send(Method::PUT, &put, &scopes, &[], ReqBody::Empty)?
        } else {
            self.send(
                Method::PUT,
                &put,
                &scopes,
                &[octets],
                ReqBody::Stream(&mut reader, size),
            )?
        };
        match resp.status().as_u16() {
            201 | 204 => Ok(()),
            _ => Err(self.status_error(&Method::PUT, &put, repo, resp)),
        }
    }

    fn upload_location(&self, url: &str, resp: &Response<Body>) -> Result<String, RegistryError> {
        let location = header(resp, "location").unwrap_or_default();
        resolve_url(url, &location).ok_or_else(|| RegistryError::BadLocation {
            url: redact(url),
            location: redact(&location),
        })
    }

    /// Make sure the registry has a blob: HEAD, then a cross-repository mount from
    /// `mount_from` when given, then an upload.
    pub fn push_blob<R: Read>(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        mount_from: Option<&str>,
        open: &dyn Fn() -> io::Result<R>,
    ) -> Result<BlobPush, RegistryError> {
        if self.blob_exists(repo, digest)?.is_some() {
            return Ok(BlobPush::Existed);
        }
        if let Some(from) = mount_from.filter(|f| *f != repo) {
            if self.mount_blob(repo, digest, from)? {
                return Ok(BlobPush::Mounted);
            }
        }
        self.upload_blob(repo, digest, size, open)?;
        Ok(BlobPush::Uploaded)
    }

    /// PUT a manifest under `reference` (a tag or its digest) with its media type; returns
    /// its digest, the sha256 of exactly `bytes`.
    pub fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base()?);
        let resp = self.send(
            Method::PUT,
            &url,
            &[push_scope(repo)],
            &[("content-type", media_type.to_string())],
            ReqBody::Bytes(bytes),
        )?;
        if !matches!(resp.status().as_u16(), 200 | 201 | 204) {
            return Err(self.status_error(&Method::PUT, &url, repo, resp));
        }
        let digest = sha256_digest(bytes);
        if let Some(theirs) = header(&resp, "docker-content-digest") {
            if theirs != digest.to_string() {
                return Err(RegistryError::DigestMismatch {
                    expected: digest.to_string(),
                    actual: theirs,
                });
            }
        }
        Ok(digest)
    }
}
