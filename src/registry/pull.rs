//! The pull side: manifests and indexes, platform resolution, and verified blob downloads
//! with resume and retries (in parallel on scoped threads, from P0 only).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use oci_spec::image::{Digest, ImageManifest};
use ureq::http::Method;

use super::client::{header, pull_scope, redact, Client, ReqBody, BUF, MAX_MANIFEST};
use super::manifest::{self, Fetched, Parsed, PlatformSpec};
use super::verify::{sha256_digest, Verifier};
use super::RegistryError;

/// What a HEAD of a manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestHead {
    /// `Docker-Content-Digest`, when the registry sends it.
    pub digest: Option<Digest>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
}

/// An image manifest resolved from a tag or digest, through an index when there is one.
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    /// The index or manifest list the reference named, as fetched.
    pub index: Option<Fetched>,
    /// The image manifest, as fetched.
    pub manifest: Fetched,
    pub image: ImageManifest,
}

/// One blob for [`Client::download_blobs`].
#[derive(Debug, Clone)]
pub struct BlobJob {
    pub digest: Digest,
    pub size: Option<u64>,
    /// The partial file: resumed when it already holds a prefix of the blob (from an earlier
    /// attempt of the same pull; a killed pull's partials are removed). The caller
    /// renames it into place only after an `Ok`.
    pub path: PathBuf,
}

/// What [`Client::download_blobs`] reports, from its worker threads.
pub trait Progress: Sync {
    /// Job `index`'s partial file now holds `bytes` (a resumed prefix included).
    fn bytes(&self, index: usize, bytes: u64) {
        let _ = (index, bytes);
    }
    /// Job `index` has finished.
    fn done(&self, index: usize, result: &Result<u64, RegistryError>) {
        let _ = (index, result);
    }
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

/// A writer that reports its running total.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    total: u64,
    report: &'a dyn Fn(u64),
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.total += n as u64;
        (self.report)(self.total);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Client {
    /// Send `method` for the manifest `reference` of `repo`, accepting every manifest and index
    /// type berth reads; returns the URL (for errors) and the response.
    fn manifest_request(
        &self,
        method: Method,
        repo: &str,
        reference: &str,
    ) -> Result<(String, ureq::http::Response<ureq::Body>), RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base()?);
        let resp = self.send(
            method,
            &url,
            &[pull_scope(repo)],
            &[("accept", crate::image::manifest::ACCEPT.into())],
            ReqBody::Empty,
        )?;
        Ok((url, resp))
    }

    /// GET a manifest or index by tag or digest, keeping its exact bytes. A manifest fetched
    /// by digest must hash to it.
    pub fn get_manifest(&self, repo: &str, reference: &str) -> Result<Fetched, RegistryError> {
        let (url, resp) = self.manifest_request(Method::GET, repo, reference)?;
        match resp.status().as_u16() {
            200 => {}
            404 => {
                return Err(RegistryError::ManifestUnknown {
                    registry: self.registry.clone(),
                    repository: repo.to_string(),
                    reference: reference.to_string(),
                })
            }
            _ => return Err(self.status_error(&Method::GET, &url, repo, resp)),
        }
        let content_type = header(&resp, "content-type");
        let what = format!("{}/{repo}:{reference}", self.registry);
        let too_large = |size: u64| RegistryError::TooLarge {
            what: "manifest",
            reference: what.clone(),
            size,
            limit: MAX_MANIFEST,
        };
        // A declared length over the cap is refused before reading; otherwise the body is
        // read through a bounded reader (no more than the cap is ever held).
        if let Some(len) = header(&resp, "content-length").and_then(|s| s.parse::<u64>().ok()) {
            if len > MAX_MANIFEST {
                return Err(too_large(len));
            }
        }
        let bytes = resp
            .into_body()
            .with_config()
            .limit(MAX_MANIFEST)
            .read_to_vec()
            .map_err(|source| match source {
                ureq::Error::BodyExceedsLimit(_) => RegistryError::BodyTooLarge {
                    what: "manifest",
                    reference: what.clone(),
                    limit: MAX_MANIFEST,
                },
                source => RegistryError::Transport {
                    method: "GET".into(),
                    url: redact(&url),
                    source,
                },
            })?;
        let digest = match super::verify::parse_digest(reference) {
            Some(want) => {
                let mut v = Verifier::new(&want)?;
                v.update(&bytes);
                v.finish(&want, None)?;
                want
            }
            None => sha256_digest(&bytes),
        };
        crate::image::manifest::check_declared(
            &bytes,
            content_type.as_deref(),
            "the registry's Content-Type",
        )
        .map_err(|message| RegistryError::AmbiguousManifest {
            reference: what.clone(),
            message,
        })?;
        let media_type = crate::image::manifest::media_type_of(content_type.as_deref(), &bytes);
        Ok(Fetched {
            bytes,
            media_type,
            digest,
        })
    }

    /// HEAD a manifest: `None` when the registry does not have it.
    pub fn head_manifest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<ManifestHead>, RegistryError> {
        let (url, resp) = self.manifest_request(Method::HEAD, repo, reference)?;
        match resp.status().as_u16() {
            200 => Ok(Some(ManifestHead {
                digest: header(&resp, "docker-content-digest")
                    .and_then(|d| super::verify::parse_digest(&d)),
                media_type: header(&resp, "content-type"),
                size: header(&resp, "content-length").and_then(|s| s.parse().ok()),
            })),
            404 => Ok(None),
            _ => Err(self.status_error(&Method::HEAD, &url, repo, resp)),
        }
    }

    /// Fetch `reference` and, when it is an index, the manifest for `platform`.
    pub fn resolve_image(
        &self,
        repo: &str,
        reference: &str,
        platform: &PlatformSpec,
    ) -> Result<ResolvedImage, RegistryError> {
        let what = format!("{}/{repo}:{reference}", self.registry);
        let first = self.get_manifest(repo, reference)?;
        match first.parse(&what)? {
            Parsed::Image(image) => {
                check_config_size(&image, &what)?;
                Ok(ResolvedImage {
                    index: None,
                    manifest: first,
                    image: *image,
                })
            }
            Parsed::Index(index) => {
                let chosen = manifest::select_platform(&index, platform, &what)?;
                let digest = chosen.digest().to_string();
                let inner = format!("{}/{repo}@{digest}", self.registry);
                if chosen.size() > MAX_MANIFEST {
                    return Err(RegistryError::TooLarge {
                        what: "manifest",
                        reference: inner,
                        size: chosen.size(),
                        limit: MAX_MANIFEST,
                    });
                }
                let fetched = self.get_manifest(repo, &digest)?;
                crate::image::manifest::check_declared(
                    &fetched.bytes,
                    Some(chosen.media_type().as_ref()),
                    &format!("the index `{what}`"),
                )
                .map_err(|message| RegistryError::AmbiguousManifest {
                    reference: inner.clone(),
                    message,
                })?;
                match fetched.parse(&inner)? {
                    Parsed::Image(image) => {
                        check_config_size(&image, &inner)?;
                        Ok(ResolvedImage {
                            index: Some(first),
                            manifest: fetched,
                            image: *image,
                        })
                    }
                    Parsed::Index(_) => Err(RegistryError::UnsupportedMediaType {
                        reference: inner,
                        media_type: format!("{} (an index inside an index)", fetched.media_type),
                    }),
                }
            }
        }
    }

    /// Stream a blob into `out`, verifying its size (when given) and digest. Transient
    /// failures in the middle resume with a Range request. On an error, `out` holds garbage
    /// the caller must not keep.
    pub fn get_blob(
        &self,
        repo: &str,
        digest: &Digest,
        size: Option<u64>,
        out: &mut dyn Write,
    ) -> Result<u64, RegistryError> {
        let mut v = Verifier::new(digest)?;
        self.fetch_into(repo, digest, size, &mut v, out)?;
        v.finish(digest, size)?;
        Ok(v.len())
    }

    /// Like [`Self::get_blob`], into a partial file that may already hold a prefix of the
    /// blob from an interrupted pull: the prefix is hashed and only the rest is fetched. A
    /// digest or size mismatch empties the file so the next attempt starts clean.
    pub fn get_blob_resume(
        &self,
        repo: &str,
        digest: &Digest,
        size: Option<u64>,
        file: &mut File,
    ) -> Result<u64, RegistryError> {
        self.resume_into(repo, digest, size, file, &|_| {})
    }

    /// [`Self::get_blob_resume`], telling `report` how many bytes the file holds as it grows.
    fn resume_into(
        &self,
        repo: &str,
        digest: &Digest,
        size: Option<u64>,
        file: &mut File,
        report: &dyn Fn(u64),
    ) -> Result<u64, RegistryError> {
        let werr = |source| RegistryError::WriteBlob {
            digest: digest.to_string(),
            source,
        };
        let mut v = Verifier::new(digest)?;
        file.seek(SeekFrom::Start(0)).map_err(werr)?;
        let mut buf = vec![0u8; BUF];
        loop {
            let n = file.read(&mut buf).map_err(werr)?;
            if n == 0 {
                break;
            }
            v.update(&buf[..n]);
        }
        if size.is_some_and(|s| v.len() > s) {
            file.set_len(0).map_err(werr)?;
            v = Verifier::new(digest)?;
        }
        file.seek(SeekFrom::End(0)).map_err(werr)?;
        report(v.len());
        let mut counting = Counting {
            inner: &mut *file,
            total: v.len(),
            report,
        };
        let result = self
            .fetch_into(repo, digest, size, &mut v, &mut counting)
            .and_then(|()| v.finish(digest, size));
        if let Err(RegistryError::DigestMismatch { .. } | RegistryError::SizeMismatch { .. }) =
            &result
        {
            file.set_len(0).map_err(werr)?;
        }
        result.map(|()| v.len())
    }

    fn fetch_into(
        &self,
        repo: &str,
        digest: &Digest,
        size: Option<u64>,
        v: &mut Verifier,
        out: &mut dyn Write,
    ) -> Result<(), RegistryError> {
        let url = format!("{}/v2/{repo}/blobs/{digest}", self.base()?);
        let scopes = [pull_scope(repo)];
        let mut failures = 0;
        let mut buf = vec![0u8; BUF];
        loop {
            let offset = v.len();
            if offset > 0 && size == Some(offset) {
                return Ok(());
            }
            let mut headers = Vec::new();
            if offset > 0 {
                headers.push(("range", format!("bytes={offset}-")));
            }
            let resp = self.send(Method::GET, &url, &scopes, &headers, ReqBody::Empty)?;
            let mut skip = match resp.status().as_u16() {
                200 => offset,
                206 if offset > 0 => {
                    let range = header(&resp, "content-range").unwrap_or_default();
                    if !range.starts_with(&format!("bytes {offset}-")) {
                        return Err(RegistryError::Status {
                            method: "GET".into(),
                            url: redact(&url),
                            status: 206,
                            detail: format!(": unexpected Content-Range `{range}`"),
                        });
                    }
                    0
                }
                416 if offset > 0 => return Ok(()),
                404 => {
                    return Err(RegistryError::BlobUnknown {
                        registry: self.registry.clone(),
                        repository: repo.to_string(),
                        digest: digest.to_string(),
                    })
                }
                _ => return Err(self.status_error(&Method::GET, &url, repo, resp)),
            };
            let mut reader = resp.into_body().into_reader();
            let read = loop {
                match reader.read(&mut buf) {
                    Ok(0) => break Ok(()),
                    Ok(n) => {
                        let mut chunk = &buf[..n];
                        if skip > 0 {
                            let k = skip.min(n as u64) as usize;
                            skip -= k as u64;
                            chunk = &chunk[k..];
                        }
                        if chunk.is_empty() {
                            continue;
                        }
                        if let Some(s) = size {
                            let total = v.len() + chunk.len() as u64;
                            if total > s {
                                return Err(RegistryError::SizeMismatch {
                                    digest: digest.to_string(),
                                    expected: s,
                                    actual: total,
                                });
                            }
                        }
                        out.write_all(chunk)
                            .map_err(|source| RegistryError::WriteBlob {
                                digest: digest.to_string(),
                                source,
                            })?;
                        v.update(chunk);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(e),
                }
            };
            match read {
                Ok(()) => return Ok(()),
                Err(source) => {
                    if failures >= self.opts.retries {
                        return Err(RegistryError::ReadBody {
                            registry: self.registry.clone(),
                            digest: digest.to_string(),
                            source,
                        });
                    }
                    std::thread::sleep(self.delay(failures, None));
                    failures += 1;
                }
            }
        }
    }

    /// Download `jobs` on up to `parallel` scoped threads, each into its partial file with
    /// resume (see [`Self::get_blob_resume`]), reporting to `progress` from the workers.
    /// Returns one result per job, in order; the outer error is a failure before any download
    /// (the ping or the token).
    ///
    /// Threads: call this only from P0, the host process, never from the session process.
    pub fn download_blobs(
        &self,
        repo: &str,
        jobs: &[BlobJob],
        parallel: usize,
        progress: &dyn Progress,
    ) -> Result<Vec<Result<u64, RegistryError>>, RegistryError> {
        // Ping and take a token once, before the workers race for them.
        self.base()?;
        self.authorization(&[pull_scope(repo)])?;
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<u64, RegistryError>>>> =
            Mutex::new(jobs.iter().map(|_| None).collect());
        let one = |i: usize, job: &BlobJob| -> Result<u64, RegistryError> {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&job.path)
                .map_err(|source| RegistryError::WriteBlob {
                    digest: job.digest.to_string(),
                    source,
                })?;
            let n = self.resume_into(repo, &job.digest, job.size, &mut file, &|bytes| {
                progress.bytes(i, bytes);
            })?;
            file.sync_all().map_err(|source| RegistryError::WriteBlob {
                digest: job.digest.to_string(),
                source,
            })?;
            Ok(n)
        };
        let workers = parallel.clamp(1, jobs.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let r = one(i, job);
                    progress.done(i, &r);
                    results
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(r);
                });
            }
        });
        // The workers take every index before they stop, and a panicking worker makes
        // `scope` panic, so every slot is filled here.
        Ok(results
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .into_iter()
            .map(|r| r.expect("every job ran"))
            .collect())
    }
}

/// Refuse an image whose config descriptor is over [`crate::image::manifest::MAX_CONFIG`]: the config is
/// downloaded with its declared size enforced, so it can never be larger than this.
fn check_config_size(image: &ImageManifest, what: &str) -> Result<(), RegistryError> {
    let size = image.config().size();
    if size > crate::image::manifest::MAX_CONFIG {
        return Err(RegistryError::TooLarge {
            what: "image config",
            reference: what.to_string(),
            size,
            limit: crate::image::manifest::MAX_CONFIG,
        });
    }
    Ok(())
}
