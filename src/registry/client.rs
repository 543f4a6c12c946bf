//! The HTTP side: one [`Client`] per registry host.
//!
//! Every request goes through [`Client::send`]: it adds the `Authorization` the registry's
//! challenge asks for (basic credentials, or a bearer token cached per scope), answers a 401
//! by refreshing the token once, retries transient failures (connection errors, 5xx, 429) a
//! bounded number of times with exponential backoff, and follows redirects itself so that
//! credentials are never sent to another host.
//!
//! The transport lives here; `auth.rs` holds the ping and the token flow, `pull.rs` the
//! manifest and blob downloads, `push.rs` the uploads (each adds an `impl Client` block).

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::http::{Method, Request, Response};
use ureq::{Body, SendBody};

use super::challenge::Challenge;
use super::tls;
use super::RegistryError;
use crate::config::auth::Credential;
use crate::config::registries::Endpoint;

pub(super) use crate::image::manifest::MAX_MANIFEST;
pub(super) const MAX_REDIRECTS: usize = 10;
pub(super) const BUF: usize = 128 * 1024;

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
pub(super) struct Token {
    pub(super) value: String,
    pub(super) expires: Instant,
}

#[derive(Default)]
pub(super) struct State {
    /// `https://host[:port]` or `http://…`, once a ping has decided.
    pub(super) base: Option<String>,
    pub(super) challenge: Option<Challenge>,
    /// Tokens by their space-joined scopes.
    pub(super) tokens: HashMap<String, Token>,
}

/// A request body.
pub(super) enum ReqBody<'a> {
    Empty,
    Bytes(&'a [u8]),
    /// A stream of a known length; it cannot be replayed, so it is never retried here.
    Stream(&'a mut dyn Read, u64),
}

impl ReqBody<'_> {
    pub(super) fn replayable(&self) -> bool {
        !matches!(self, ReqBody::Stream(..))
    }
}

/// A client for one registry host.
pub struct Client {
    /// The registry as named in references (`docker.io`, `localhost:5000`).
    pub(super) registry: String,
    /// The host actually contacted.
    pub(super) host: String,
    pub(super) opts: ClientOptions,
    pub(super) agent: ureq::Agent,
    pub(super) state: Mutex<State>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("registry", &self.registry)
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

pub(super) fn pull_scope(repo: &str) -> String {
    format!("repository:{repo}:pull")
}

pub(super) fn push_scope(repo: &str) -> String {
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

    pub(super) fn allow_http(&self) -> bool {
        !self.opts.tls_verify || self.opts.insecure
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn base(&self) -> Result<String, RegistryError> {
        if let Some(b) = self.lock().base.clone() {
            return Ok(b);
        }
        self.ping()?;
        Ok(self.lock().base.clone().unwrap_or_default())
    }

    /// Run `op` again after a transient failure, up to `retries` times with backoff.
    pub(super) fn with_retries<T>(
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

    pub(super) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let cap = Duration::from_secs(10);
        retry_after
            .unwrap_or_else(|| self.opts.backoff.saturating_mul(1 << attempt.min(16)))
            .min(cap)
    }

    /// One exchange, following redirects of GET and HEAD; `Authorization` is dropped when a
    /// redirect leaves the origin.
    pub(super) fn execute(
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
    pub(super) fn send(
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

    /// The error for an unexpected status.
    pub(super) fn status_error(
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
}

pub(super) fn header(resp: &Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Is this failure worth another try?
pub(super) fn is_transient(e: &RegistryError) -> bool {
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
pub(super) fn redact(url: &str) -> String {
    match url.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => url.to_string(),
    }
}

/// `scheme://host[:port]` of an absolute URL.
pub(super) fn origin(url: &str) -> &str {
    let Some(i) = url.find("://") else { return url };
    let rest = &url[i + 3..];
    let end = rest.find(['/', '?', '#']).map_or(url.len(), |j| i + 3 + j);
    &url[..end]
}

/// Resolve a `Location` against the URL it came from.
pub(super) fn resolve_url(base: &str, location: &str) -> Option<String> {
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
pub(super) fn encode(s: &str) -> String {
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
pub(super) fn error_detail(body: &[u8]) -> Option<String> {
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
