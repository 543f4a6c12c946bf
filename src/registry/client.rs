//! The HTTP side: one [`Client`] per registry host.
//!
//! Every request goes through [`Client::send`]: it adds the `Authorization` the registry's
//! challenge asks for (basic credentials, or a bearer token cached per scope), answers a 401
//! by refreshing the token once, retries transient failures (connection errors, 5xx, 429) a
//! bounded number of times with exponential backoff, and follows redirects itself so that
//! credentials are never sent to another host.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use oci_spec::image::{Digest, ImageManifest};
use ureq::http::{Method, Request, Response};
use ureq::{Body, SendBody};

use super::challenge::{self, Challenge};
use super::manifest::{self, Fetched, Parsed, PlatformSpec};
use super::tls;
use super::verify::{sha256_digest, Verifier};
use super::RegistryError;
use crate::config::auth::Credential;
use crate::config::registries::Endpoint;

/// The largest manifest berth accepts (the distribution registry's own limit is 4 MiB).
const MAX_MANIFEST: u64 = 4 << 20;
const MAX_REDIRECTS: usize = 10;
const BUF: usize = 128 * 1024;

/// How to talk to one registry.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `--tls-verify`; false allows plain HTTP and unverified TLS, as podman does.
    pub tls_verify: bool,
    /// registries.conf marks the endpoint `insecure = true` (same effect as `tls_verify = false`).
    pub insecure: bool,
    /// Credentials from `--creds` or auth.json.
    pub credential: Option<Credential>,
    /// `certs.d` directories, searched for `<host[:port]>/*.crt`.
    pub certs_dirs: Vec<PathBuf>,
    /// Retries of a transient failure (so at most `retries + 1` attempts).
    pub retries: u32,
    /// The first retry's delay; it doubles each time (capped at 10 s).
    pub backoff: Duration,
    /// Upload blobs larger than this in PATCH chunks of this size; `None` uploads in one PUT.
    pub chunk_size: Option<u64>,
    pub connect_timeout: Duration,
    /// Longest silence while reading a response.
    pub read_timeout: Duration,
    pub user_agent: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            tls_verify: true,
            insecure: false,
            credential: None,
            certs_dirs: tls::default_certs_dirs(|k| std::env::var(k).ok()),
            retries: 3,
            backoff: Duration::from_millis(500),
            chunk_size: None,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            user_agent: concat!("berth/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl ClientOptions {
    /// Options for an endpoint from registries.conf. `tls_verify` is `--tls-verify` when
    /// the user gave it: as in containers-image, an explicit value wins over the endpoint's
    /// `insecure`, which decides otherwise.
    pub fn for_endpoint(endpoint: &Endpoint, tls_verify: Option<bool>) -> Self {
        ClientOptions {
            tls_verify: tls_verify.unwrap_or(true),
            insecure: tls_verify.is_none() && endpoint.insecure,
            ..ClientOptions::default()
        }
    }
}

/// A bearer token; its value is never printed.
struct Token {
    value: String,
    expires: Instant,
}

#[derive(Default)]
struct State {
    /// `https://host[:port]` or `http://…`, once a ping has decided.
    base: Option<String>,
    challenge: Option<Challenge>,
    /// Tokens by their space-joined scopes.
    tokens: HashMap<String, Token>,
}

/// A request body.
enum ReqBody<'a> {
    Empty,
    Bytes(&'a [u8]),
    /// A stream of a known length; it cannot be replayed, so it is never retried here.
    Stream(&'a mut dyn Read, u64),
}

impl ReqBody<'_> {
    fn replayable(&self) -> bool {
        !matches!(self, ReqBody::Stream(..))
    }
}

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
    /// The partial file: resumed when it already holds a prefix of the blob. The caller
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

/// How a blob reached the registry in a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobPush {
    /// The registry already had it.
    Existed,
    /// Mounted from another repository of the same registry.
    Mounted,
    Uploaded,
}

/// A client for one registry host.
pub struct Client {
    /// The registry as named in references (`docker.io`, `localhost:5000`).
    registry: String,
    /// The host actually contacted.
    host: String,
    opts: ClientOptions,
    agent: ureq::Agent,
    state: Mutex<State>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("registry", &self.registry)
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

fn pull_scope(repo: &str) -> String {
    format!("repository:{repo}:pull")
}

fn push_scope(repo: &str) -> String {
    format!("repository:{repo}:pull,push")
}

impl Client {
    /// A client for `registry` (`host[:port]`). Nothing is sent until the first request.
    pub fn new(registry: &str, opts: ClientOptions) -> Result<Self, RegistryError> {
        let host = if registry == "docker.io" {
            "registry-1.docker.io".to_string()
        } else {
            registry.to_string()
        };
        let verify = opts.tls_verify && !opts.insecure;
        let tls = tls::config_for(registry, &opts.certs_dirs, verify)?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_recv_response(Some(opts.read_timeout))
            .timeout_per_read(Some(opts.read_timeout))
            .user_agent(opts.user_agent.as_str())
            .tls_config(tls)
            .build()
            .new_agent();
        Ok(Client {
            registry: registry.to_string(),
            host,
            opts,
            agent,
            state: Mutex::new(State::default()),
        })
    }

    /// The registry as named.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    fn allow_http(&self) -> bool {
        !self.opts.tls_verify || self.opts.insecure
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `GET /v2/`: find the scheme (HTTPS, or HTTP where allowed) and the auth challenge.
    pub fn ping(&self) -> Result<(), RegistryError> {
        let schemes: &[&str] = if self.allow_http() {
            &["https", "http"]
        } else {
            &["https"]
        };
        let mut last: Option<ureq::Error> = None;
        for scheme in schemes {
            let url = format!("{scheme}://{}/v2/", self.host);
            let resp = match self.with_retries(true, |_| {
                let r = self.execute(&Method::GET, &url, &[], None, &mut ReqBody::Empty)?;
                let status = r.status().as_u16();
                if status >= 500 || status == 429 {
                    // Transient: retried, and the error if it stays so.
                    return Err(RegistryError::Status {
                        method: "GET".into(),
                        url: redact(&url),
                        status,
                        detail: String::new(),
                    });
                }
                Ok(r)
            }) {
                Ok(r) => r,
                Err(RegistryError::Transport { source, .. }) => {
                    last = Some(source);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let status = resp.status().as_u16();
            // Like containers-image, take a challenge from a 200 as well as from a 401.
            let challenge = match status {
                200..=299 => header(&resp, "www-authenticate").and_then(|h| challenge::parse(&h)),
                401 => Some(
                    header(&resp, "www-authenticate")
                        .and_then(|h| challenge::parse(&h))
                        .unwrap_or(Challenge::Basic),
                ),
                _ => {
                    return Err(RegistryError::NotRegistry {
                        registry: self.registry.clone(),
                        status,
                    })
                }
            };
            let mut st = self.lock();
            st.base = Some(format!("{scheme}://{}", self.host));
            st.challenge = challenge;
            return Ok(());
        }
        Err(RegistryError::Connect {
            registry: self.registry.clone(),
            source: last.unwrap_or(ureq::Error::ConnectionFailed),
        })
    }

    /// Check the client's credentials the way `login` needs: ping, then authenticate
    /// without touching a repository (basic auth on `/v2/`, or a token without a scope).
    /// A registry that asks for no authentication accepts any credentials.
    pub fn check_login(&self) -> Result<(), RegistryError> {
        let base = self.base()?;
        let challenge = self.lock().challenge.clone();
        match challenge {
            None => Ok(()),
            Some(Challenge::Bearer { realm, service, .. }) => self
                .fetch_token(&realm, service.as_deref(), &[])
                .map(|_| ()),
            Some(Challenge::Basic) => {
                let url = format!("{base}/v2/");
                let resp = self.send(Method::GET, &url, &[], &[], ReqBody::Empty)?;
                match resp.status().as_u16() {
                    200..=299 => Ok(()),
                    _ => Err(self.status_error(&Method::GET, &url, "", resp)),
                }
            }
        }
    }

    fn base(&self) -> Result<String, RegistryError> {
        if let Some(b) = self.lock().base.clone() {
            return Ok(b);
        }
        self.ping()?;
        Ok(self.lock().base.clone().unwrap_or_default())
    }

    /// Run `op` again after a transient failure, up to `retries` times with backoff.
    fn with_retries<T>(
        &self,
        replayable: bool,
        mut op: impl FnMut(u32) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let mut attempt = 0;
        loop {
            match op(attempt) {
                Err(e) if replayable && attempt < self.opts.retries && is_transient(&e) => {
                    std::thread::sleep(self.delay(attempt, None));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let cap = Duration::from_secs(10);
        retry_after
            .unwrap_or_else(|| self.opts.backoff.saturating_mul(1 << attempt.min(16)))
            .min(cap)
    }

    /// One exchange, following redirects of GET and HEAD; `Authorization` is dropped when a
    /// redirect leaves the origin.
    fn execute(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&str, String)],
        auth: Option<&str>,
        body: &mut ReqBody<'_>,
    ) -> Result<Response<Body>, RegistryError> {
        let mut url = url.to_string();
        let mut auth = auth.map(str::to_string);
        let transport = |url: &str, source: ureq::Error| RegistryError::Transport {
            method: method.to_string(),
            url: redact(url),
            source,
        };
        for _ in 0..MAX_REDIRECTS {
            let mut b = Request::builder().method(method.clone()).uri(url.as_str());
            for (k, v) in headers {
                b = b.header(*k, v.as_str());
            }
            if let Some(a) = &auth {
                b = b.header("authorization", a.as_str());
            }
            let result = match body {
                ReqBody::Empty => {
                    if *method == Method::POST || *method == Method::PUT {
                        b = b.header("content-length", "0");
                    }
                    b.body(()).map(|r| self.agent.run(r))
                }
                ReqBody::Bytes(bytes) => b
                    .header("content-length", bytes.len().to_string())
                    .body(*bytes)
                    .map(|r| self.agent.run(r)),
                ReqBody::Stream(reader, len) => b
                    .header("content-length", len.to_string())
                    .body(SendBody::from_reader(&mut **reader))
                    .map(|r| self.agent.run(r)),
            };
            let resp = match result {
                Ok(r) => r.map_err(|e| transport(&url, e))?,
                Err(e) => return Err(transport(&url, ureq::Error::Http(e))),
            };
            let status = resp.status().as_u16();
            let follow = matches!(status, 301 | 302 | 303 | 307 | 308)
                && (*method == Method::GET || *method == Method::HEAD);
            if !follow {
                return Ok(resp);
            }
            let Some(location) = header(&resp, "location") else {
                return Ok(resp);
            };
            let next = resolve_url(&url, &location).ok_or_else(|| RegistryError::BadLocation {
                url: redact(&url),
                location: redact(&location),
            })?;
            if origin(&next) != origin(&url) {
                auth = None;
            }
            url = next;
        }
        Err(RegistryError::TooManyRedirects { url: redact(&url) })
    }

    /// A request with authorization, the 401 refresh and transient retries.
    fn send(
        &self,
        method: Method,
        url: &str,
        scopes: &[String],
        headers: &[(&str, String)],
        mut body: ReqBody<'_>,
    ) -> Result<Response<Body>, RegistryError> {
        let replayable = body.replayable();
        let mut attempt = 0;
        let mut reauthed = false;
        loop {
            let auth = self.authorization(scopes)?;
            match self.execute(&method, url, headers, auth.as_deref(), &mut body) {
                Err(e) if replayable && attempt < self.opts.retries && is_transient(&e) => {
                    std::thread::sleep(self.delay(attempt, None));
                    attempt += 1;
                }
                Err(e) => return Err(e),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    if status == 401 && !reauthed {
                        // A stream cannot be sent again here, but the stale token is
                        // forgotten so that the caller's next attempt takes a fresh one.
                        reauthed = true;
                        if self.reauth(&resp, scopes, auth.is_some()) && replayable {
                            continue;
                        }
                    } else if (status >= 500 || status == 429)
                        && replayable
                        && attempt < self.opts.retries
                    {
                        let after = header(&resp, "retry-after")
                            .and_then(|s| s.trim().parse::<u64>().ok())
                            .map(Duration::from_secs);
                        std::thread::sleep(self.delay(attempt, after));
                        attempt += 1;
                        continue;
                    }
                    return Ok(resp);
                }
            }
        }
    }

    /// After a 401: take the new challenge, forget the token, and say whether to try again.
    fn reauth(&self, resp: &Response<Body>, scopes: &[String], sent_auth: bool) -> bool {
        let fresh = header(resp, "www-authenticate").and_then(|h| challenge::parse(&h));
        let mut st = self.lock();
        if let Some(c) = fresh {
            st.challenge = Some(c);
        }
        st.tokens.remove(&scopes.join(" "));
        match &st.challenge {
            Some(Challenge::Bearer { .. }) => true,
            Some(Challenge::Basic) => !sent_auth && self.opts.credential.is_some(),
            None => false,
        }
    }

    /// The `Authorization` value for `scopes`, fetching a token when needed.
    fn authorization(&self, scopes: &[String]) -> Result<Option<String>, RegistryError> {
        let key = scopes.join(" ");
        let challenge = {
            let st = self.lock();
            if let Some(t) = st.tokens.get(&key) {
                if t.expires > Instant::now() {
                    return Ok(Some(format!("Bearer {}", t.value)));
                }
            }
            st.challenge.clone()
        };
        match challenge {
            None => Ok(None),
            Some(Challenge::Basic) => Ok(self
                .opts
                .credential
                .as_ref()
                .map(|c| format!("Basic {}", c.basic_token()))),
            Some(Challenge::Bearer { realm, service, .. }) => {
                let token = self.fetch_token(&realm, service.as_deref(), scopes)?;
                let value = format!("Bearer {}", token.value);
                self.lock().tokens.insert(key, token);
                Ok(Some(value))
            }
        }
    }

    /// GET the realm with `service` and `scope` parameters (and basic credentials if any).
    fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scopes: &[String],
    ) -> Result<Token, RegistryError> {
        let mut query: Vec<String> = Vec::new();
        if let Some(c) = &self.opts.credential {
            query.push(format!("account={}", encode(&c.username)));
        }
        if let Some(s) = service {
            query.push(format!("service={}", encode(s)));
        }
        for s in scopes {
            query.push(format!("scope={}", encode(s)));
        }
        let sep = if realm.contains('?') { '&' } else { '?' };
        let url = if query.is_empty() {
            realm.to_string()
        } else {
            format!("{realm}{sep}{}", query.join("&"))
        };
        let auth = self
            .opts
            .credential
            .as_ref()
            .map(|c| format!("Basic {}", c.basic_token()));
        let started = Instant::now();
        let resp = self.with_retries(true, |_| {
            let r = self.execute(
                &Method::GET,
                &url,
                &[("accept", "application/json".into())],
                auth.as_deref(),
                &mut ReqBody::Empty,
            )?;
            if r.status().as_u16() >= 500 {
                return Err(RegistryError::TokenStatus {
                    registry: self.registry.clone(),
                    realm: redact(realm),
                    status: r.status().as_u16(),
                });
            }
            Ok(r)
        })?;
        let status = resp.status().as_u16();
        if status == 401 {
            let repository = scopes
                .first()
                .and_then(|s| s.split(':').nth(1))
                .unwrap_or("")
                .to_string();
            let registry = self.registry.clone();
            return Err(if self.opts.credential.is_some() {
                RegistryError::BadCredentials {
                    registry,
                    repository,
                    status,
                }
            } else {
                RegistryError::Unauthorized {
                    registry,
                    repository,
                    status,
                }
            });
        }
        let bad = |message: String| RegistryError::TokenResponse {
            registry: self.registry.clone(),
            realm: redact(realm),
            message,
        };
        if status != 200 {
            return Err(RegistryError::TokenStatus {
                registry: self.registry.clone(),
                realm: redact(realm),
                status,
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenJson {
            token: Option<String>,
            access_token: Option<String>,
            expires_in: Option<i64>,
        }
        let body = resp
            .into_body()
            .with_config()
            .limit(MAX_MANIFEST)
            .read_to_vec()
            .map_err(|_| bad("the response could not be read".into()))?;
        let parsed: TokenJson =
            serde_json::from_slice(&body).map_err(|_| bad("the response is not JSON".into()))?;
        let value = parsed
            .token
            .filter(|t| !t.is_empty())
            .or(parsed.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| bad("the response has no token".into()))?;
        // The spec's default lifetime is 60 s; keep a margin so a token does not expire in
        // flight.
        let secs = parsed.expires_in.unwrap_or(60).max(1).unsigned_abs();
        let life = Duration::from_secs(secs);
        let margin = (life / 10).min(Duration::from_secs(10));
        Ok(Token {
            value,
            expires: started + life - margin,
        })
    }

    /// The error for an unexpected status.
    fn status_error(
        &self,
        method: &Method,
        url: &str,
        repo: &str,
        resp: Response<Body>,
    ) -> RegistryError {
        let status = resp.status().as_u16();
        match status {
            // With basic auth a 401 means the credentials are wrong; with a token it means
            // the token does not grant the access.
            401 if self.opts.credential.is_some()
                && matches!(self.lock().challenge, Some(Challenge::Basic)) =>
            {
                RegistryError::BadCredentials {
                    registry: self.registry.clone(),
                    repository: repo.to_string(),
                    status,
                }
            }
            401 => RegistryError::Unauthorized {
                registry: self.registry.clone(),
                repository: repo.to_string(),
                status,
            },
            403 => RegistryError::Denied {
                registry: self.registry.clone(),
                repository: repo.to_string(),
                status,
            },
            _ => {
                let detail = resp
                    .into_body()
                    .with_config()
                    .limit(64 * 1024)
                    .read_to_vec()
                    .ok()
                    .and_then(|b| error_detail(&b))
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                RegistryError::Status {
                    method: method.to_string(),
                    url: redact(url),
                    status,
                    detail,
                }
            }
        }
    }

    /// GET a manifest or index by tag or digest, keeping its exact bytes. A manifest fetched
    /// by digest must hash to it.
    pub fn get_manifest(&self, repo: &str, reference: &str) -> Result<Fetched, RegistryError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base()?);
        let resp = self.send(
            Method::GET,
            &url,
            &[pull_scope(repo)],
            &[("accept", manifest::ACCEPT.into())],
            ReqBody::Empty,
        )?;
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
        let bytes = resp
            .into_body()
            .with_config()
            .limit(MAX_MANIFEST)
            .read_to_vec()
            .map_err(|source| RegistryError::Transport {
                method: "GET".into(),
                url: redact(&url),
                source,
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
        let media_type = manifest::media_type_of(content_type.as_deref(), &bytes);
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
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base()?);
        let resp = self.send(
            Method::HEAD,
            &url,
            &[pull_scope(repo)],
            &[("accept", manifest::ACCEPT.into())],
            ReqBody::Empty,
        )?;
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
            Parsed::Image(image) => Ok(ResolvedImage {
                index: None,
                manifest: first,
                image: *image,
            }),
            Parsed::Index(index) => {
                let chosen = manifest::select_platform(&index, platform, &what)?;
                let digest = chosen.digest().to_string();
                let fetched = self.get_manifest(repo, &digest)?;
                let inner = format!("{}/{repo}@{digest}", self.registry);
                match fetched.parse(&inner)? {
                    Parsed::Image(image) => Ok(ResolvedImage {
                        index: Some(first),
                        manifest: fetched,
                        image: *image,
                    }),
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

fn header(resp: &Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Is this failure worth another try?
fn is_transient(e: &RegistryError) -> bool {
    match e {
        RegistryError::Transport { source, .. } => match source {
            ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed => true,
            ureq::Error::Io(io) => matches!(
                io.kind(),
                io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::TimedOut
                    | io::ErrorKind::Interrupted
            ),
            _ => false,
        },
        RegistryError::TokenStatus { status, .. } => *status >= 500,
        RegistryError::Status { status, .. } => *status >= 500 || *status == 429,
        _ => false,
    }
}

/// Does this transport error come from TLS (an unknown CA, a bad certificate)?
pub(crate) fn is_tls_error(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => true,
        ureq::Error::Io(io) => {
            let text = io.to_string().to_ascii_lowercase();
            text.contains("certificate") || text.contains("tls") || text.contains("handshake")
        }
        _ => false,
    }
}

/// A URL without its query string: signed blob-storage URLs carry secrets there.
fn redact(url: &str) -> String {
    match url.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => url.to_string(),
    }
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> &str {
    let Some(i) = url.find("://") else { return url };
    let rest = &url[i + 3..];
    let end = rest.find(['/', '?', '#']).map_or(url.len(), |j| i + 3 + j);
    &url[..end]
}

/// Resolve a `Location` against the URL it came from.
fn resolve_url(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() {
        return None;
    }
    if location.starts_with("http://") || location.starts_with("https://") {
        return Some(location.to_string());
    }
    if !base.contains("://") {
        return None;
    }
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = &base[..base.find("://")?];
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{}{location}", origin(base)));
    }
    let path_end = base.find(['?', '#']).unwrap_or(base.len());
    let dir = &base[..path_end];
    let dir = &dir[..=dir.rfind('/')?];
    if dir.len() < origin(base).len() {
        return Some(format!("{}/{location}", origin(base)));
    }
    Some(format!("{dir}{location}"))
}

/// Percent-encode a query value.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `CODE: message` of the first entry of a registry's `{"errors": [...]}` body.
fn error_detail(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        code: Option<String>,
        message: Option<String>,
    }
    let e: Errors = serde_json::from_slice(body).ok()?;
    let first = e.errors.into_iter().next()?;
    let text = match (first.code, first.message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c,
        (None, Some(m)) => m,
        (None, None) => return None,
    };
    // One line, and short: the body is the registry's, not ours.
    Some(
        text.lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_against_their_origin() {
        let base = "https://r.io:5000/v2/a/blobs/uploads/";
        assert_eq!(
            resolve_url(base, "/v2/a/blobs/uploads/u1?_state=x").unwrap(),
            "https://r.io:5000/v2/a/blobs/uploads/u1?_state=x"
        );
        assert_eq!(
            resolve_url(base, "http://s3.example/b?sig=1").unwrap(),
            "http://s3.example/b?sig=1"
        );
        assert_eq!(
            resolve_url(base, "//cdn.example/x").unwrap(),
            "https://cdn.example/x"
        );
        assert_eq!(
            resolve_url(base, "u2").unwrap(),
            "https://r.io:5000/v2/a/blobs/uploads/u2"
        );
        assert_eq!(resolve_url("https://h", "x").unwrap(), "https://h/x");
        assert!(resolve_url(base, "").is_none());
        assert_eq!(origin("https://r.io:5000/v2/"), "https://r.io:5000");
        assert_eq!(origin("http://h?x"), "http://h");
        assert_ne!(origin("https://r.io/a"), origin("https://r.io:444/a"));
    }

    #[test]
    fn redaction_and_encoding() {
        assert_eq!(redact("https://s3/x?X-Amz-Signature=abc"), "https://s3/x?…");
        assert_eq!(redact("https://r/v2/"), "https://r/v2/");
        assert_eq!(
            encode("repository:a/b:pull,push"),
            "repository%3Aa%2Fb%3Apull%2Cpush"
        );
    }

    #[test]
    fn registry_error_detail() {
        let d = error_detail(
            br#"{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{}}]}"#,
        );
        assert_eq!(d.unwrap(), "MANIFEST_INVALID: manifest invalid");
        assert!(error_detail(b"<html>").is_none());
    }

    #[test]
    fn transient_classification() {
        let t = |source| RegistryError::Transport {
            method: "GET".into(),
            url: "u".into(),
            source,
        };
        assert!(is_transient(&t(ureq::Error::Io(io::Error::from(
            io::ErrorKind::ConnectionReset
        )))));
        assert!(!is_transient(&t(ureq::Error::HostNotFound)));
        assert!(is_transient(&RegistryError::Status {
            method: "GET".into(),
            url: "u".into(),
            status: 503,
            detail: String::new()
        }));
        assert!(!is_transient(&RegistryError::DigestMismatch {
            expected: "a".into(),
            actual: "b".into()
        }));
    }

    #[test]
    fn options_debug_hides_credentials() {
        let opts = ClientOptions {
            credential: Some(Credential::new("u", "topsecret")),
            ..ClientOptions::default()
        };
        let c = Client::new("localhost:1", opts).unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains("topsecret"), "{text}");
    }

    #[test]
    fn explicit_tls_verify_wins_over_insecure() {
        let ep = Endpoint {
            registry: "r.io".into(),
            repository: "a".into(),
            insecure: true,
            mirror: false,
        };
        let o = ClientOptions::for_endpoint(&ep, None);
        assert!(o.insecure && o.tls_verify);
        let o = ClientOptions::for_endpoint(&ep, Some(true));
        assert!(!o.insecure && o.tls_verify);
        let o = ClientOptions::for_endpoint(&ep, Some(false));
        assert!(!o.tls_verify);
        let secure = Endpoint {
            insecure: false,
            ..ep
        };
        assert!(!ClientOptions::for_endpoint(&secure, None).insecure);
    }

    #[test]
    fn hints() {
        let e = RegistryError::Unauthorized {
            registry: "r.io".into(),
            repository: "a".into(),
            status: 401,
        };
        assert_eq!(e.hint().unwrap(), "log in with `berth login r.io`");
        let tls = RegistryError::Connect {
            registry: "r.io:5000".into(),
            source: ureq::Error::Tls("invalid peer certificate"),
        };
        assert!(tls.hint().unwrap().contains("certs.d/r.io:5000/ca.crt"));
    }
}
