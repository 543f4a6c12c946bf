//! The registry client against a scripted HTTP server on 127.0.0.1, for what the real
//! registry will not do on demand: redirects to another host, transient 5xx and 429
//! answers, bodies cut off in the middle, and a token the registry stops accepting.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use berth::config::auth::Credential;
use berth::registry::{Client, ClientOptions, RegistryError};

use crate::registry::{opts, sha256};

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
pub struct FakeReq {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HashMap<String, String>,
}

impl FakeReq {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// Every value of query parameter `name`, percent-decoded.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| decode(v))
            .collect()
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The answer to one request.
pub struct FakeResp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send only this many body bytes, then close (Content-Length stays the full size).
    pub cut_at: Option<usize>,
}

impl FakeResp {
    pub fn status(status: u16) -> FakeResp {
        FakeResp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            cut_at: None,
        }
    }

    pub fn json(v: &serde_json::Value) -> FakeResp {
        FakeResp::status(200)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(v).unwrap())
    }

    pub fn header(mut self, k: &str, v: &str) -> FakeResp {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    pub fn body(mut self, b: Vec<u8>) -> FakeResp {
        self.body = b;
        self
    }
}

type Handler = dyn Fn(&FakeReq) -> FakeResp + Send + Sync;

/// A tiny HTTP/1.1 server (one connection at a time, `Connection: close`), stopped on drop.
pub struct FakeServer {
    pub addr: String,
    pub requests: Arc<Mutex<Vec<FakeReq>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeServer {
    pub fn start(handler: impl Fn(&FakeReq) -> FakeResp + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stopping) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let _ = serve(stream, &*handler, &reqs);
            }
        });
        FakeServer {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub fn requests(&self) -> Vec<FakeReq> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, handler: &Handler, reqs: &Mutex<Vec<FakeReq>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // A TLS ClientHello (a client trying HTTPS first): close at once, so the client falls
    // back to plain HTTP without waiting for a timeout.
    let mut first = [0u8; 1];
    if stream.peek(&mut first)? == 1 && first[0] == 0x16 {
        return Ok(());
    }
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    if method.is_empty() {
        return Ok(());
    }
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    let req = FakeReq {
        method,
        path,
        query,
        headers,
    };
    reqs.lock().unwrap().push(req.clone());
    let resp = handler(&req);
    let mut out = stream;
    // A response that sets `transfer-encoding: chunked` is sent without a length.
    let chunked = resp
        .headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v == "chunked");
    let mut head = if chunked {
        format!("HTTP/1.1 {} X\r\nconnection: close\r\n", resp.status)
    } else {
        format!(
            "HTTP/1.1 {} X\r\nconnection: close\r\ncontent-length: {}\r\n",
            resp.status,
            resp.body.len()
        )
    };
    for (k, v) in &resp.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if req.method != "HEAD" && chunked {
        for chunk in resp.body.chunks(64 * 1024) {
            out.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
            out.write_all(chunk)?;
            out.write_all(b"\r\n")?;
        }
        out.write_all(b"0\r\n\r\n")?;
    } else if req.method != "HEAD" {
        let n = resp.cut_at.unwrap_or(resp.body.len()).min(resp.body.len());
        out.write_all(&resp.body[..n])?;
    }
    out.flush()?;
    Ok(())
}

fn http_client(addr: &str, cred: Option<Credential>) -> Client {
    Client::new(
        addr,
        ClientOptions {
            insecure: true,
            credential: cred,
            ..opts()
        },
    )
    .unwrap()
}

#[test]
fn registry_redirect_to_another_host_drops_credentials() {
    let blob = b"blob in the bucket".to_vec();
    let digest = sha256(&blob);
    let storage = {
        let blob = blob.clone();
        FakeServer::start(move |_| FakeResp::status(200).body(blob.clone()))
    };
    let bucket = format!("http://{}/bucket/data?X-Signature=secret", storage.addr);
    let registry = FakeServer::start(move |req| {
        if req.header("authorization").is_none() {
            return FakeResp::status(401).header("www-authenticate", "Basic realm=\"r\"");
        }
        match req.path.as_str() {
            "/v2/" => FakeResp::status(200),
            p if p.starts_with("/v2/a/blobs/") => FakeResp::status(307).header("location", &bucket),
            _ => FakeResp::status(404),
        }
    });
    let client = http_client(&registry.addr, Some(Credential::new("u", "pw")));
    let mut out = Vec::new();
    client
        .get_blob("a", &digest, Some(blob.len() as u64), &mut out)
        .unwrap();
    assert_eq!(out, blob);
    let at_storage = storage.requests();
    assert_eq!(at_storage.len(), 1);
    assert!(
        at_storage[0].header("authorization").is_none(),
        "credentials went to another host"
    );
    assert_eq!(at_storage[0].query, "X-Signature=secret");
}

#[test]
fn registry_retries_transient_answers_with_a_bound() {
    let blob = b"retry me".to_vec();
    let digest = sha256(&blob);
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let body = blob.clone();
    let registry = FakeServer::start(move |req| match req.path.as_str() {
        "/v2/" => FakeResp::status(200),
        p if p.starts_with("/v2/ok/") => match seen.fetch_add(1, Ordering::SeqCst) {
            0 => FakeResp::status(503),
            1 => FakeResp::status(429).header("retry-after", "0"),
            _ => FakeResp::status(200).body(body.clone()),
        },
        _ => FakeResp::status(502)
            .body(br#"{"errors":[{"code":"UNAVAILABLE","message":"backend down"}]}"#.to_vec()),
    });
    let client = http_client(&registry.addr, None);
    let mut out = Vec::new();
    client.get_blob("ok", &digest, None, &mut out).unwrap();
    assert_eq!(out, blob);
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    let before = registry.requests().len();
    let err = client
        .get_blob("down", &digest, None, &mut Vec::new())
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, RegistryError::Status { status: 502, .. }),
        "{text}"
    );
    assert!(text.contains("UNAVAILABLE: backend down"), "{text}");
    // retries = 2: three attempts, then the error.
    assert_eq!(registry.requests().len() - before, 3);
}

#[test]
fn registry_resumes_a_cut_body_with_range() {
    let blob: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let digest = sha256(&blob);
    let body = blob.clone();
    let registry = FakeServer::start(move |req| {
        if req.path == "/v2/" {
            return FakeResp::status(200);
        }
        match req.header("range") {
            None => {
                let mut r = FakeResp::status(200).body(body.clone());
                r.cut_at = Some(20_000);
                r
            }
            Some(range) => {
                let start: usize = range
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap();
                FakeResp::status(206)
                    .header(
                        "content-range",
                        &format!("bytes {start}-{}/{}", body.len() - 1, body.len()),
                    )
                    .body(body[start..].to_vec())
            }
        }
    });
    let client = http_client(&registry.addr, None);
    let mut out = Vec::new();
    let n = client
        .get_blob("r", &digest, Some(blob.len() as u64), &mut out)
        .unwrap();
    assert_eq!(n, blob.len() as u64);
    assert_eq!(out, blob);
    let ranges: Vec<String> = registry
        .requests()
        .iter()
        .filter_map(|r| r.header("range").map(str::to_string))
        .collect();
    assert_eq!(ranges, vec!["bytes=20000-".to_string()]);
}

#[test]
fn registry_refreshes_a_token_the_registry_rejects() {
    let issued = Arc::new(AtomicUsize::new(0));
    let count = issued.clone();
    let addr_cell: Arc<Mutex<String>> = Arc::new(Mutex::new(String::new()));
    let realm_addr = addr_cell.clone();
    let registry = FakeServer::start(move |req| {
        let realm = format!("http://{}/token", realm_addr.lock().unwrap());
        let challenge = format!("Bearer realm=\"{realm}\",service=\"fake\"");
        match req.path.as_str() {
            "/token" => {
                assert_eq!(req.query_all("service"), vec!["fake"]);
                assert_eq!(req.query_all("scope"), vec!["repository:a/b:pull"]);
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                // The first token claims a long life but the registry soon refuses it.
                FakeResp::json(
                    &serde_json::json!({"access_token": format!("t{n}"), "expires_in": 300}),
                )
            }
            "/v2/" => FakeResp::status(401).header("www-authenticate", &challenge),
            p if p.ends_with("/never") => {
                FakeResp::status(401).header("www-authenticate", &challenge)
            }
            _ => match req.header("authorization") {
                Some("Bearer t2") => FakeResp::status(200)
                    .header("content-type", "application/vnd.oci.image.manifest.v1+json")
                    .body(br#"{"schemaVersion":2,"config":{},"layers":[]}"#.to_vec()),
                _ => FakeResp::status(401).header("www-authenticate", &challenge),
            },
        }
    });
    *addr_cell.lock().unwrap() = registry.addr.clone();
    let client = http_client(&registry.addr, None);
    let m = client.get_manifest("a/b", "latest").unwrap();
    assert_eq!(m.media_type, "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    // t2 stays cached for other requests.
    client.get_manifest("a/b", "other").unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    // Refused even after a refresh: a typed error, not a loop.
    let err = client.get_manifest("a/b", "never").unwrap_err();
    assert!(
        matches!(err, RegistryError::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(issued.load(Ordering::SeqCst), 3);
}

#[test]
fn registry_manifest_by_digest_must_match() {
    let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}"#.to_vec();
    let served = body.clone();
    let registry = FakeServer::start(move |req| {
        if req.path == "/v2/" {
            FakeResp::status(200)
        } else {
            FakeResp::status(200)
                .header("content-type", "application/vnd.oci.image.manifest.v1+json")
                .body(served.clone())
        }
    });
    let client = http_client(&registry.addr, None);
    let right = sha256(&body);
    assert_eq!(
        client.get_manifest("a", right.as_ref()).unwrap().digest,
        right
    );
    let wrong = sha256(b"something else");
    let err = client.get_manifest("a", wrong.as_ref()).unwrap_err();
    assert!(
        matches!(err, RegistryError::DigestMismatch { .. }),
        "{err:?}"
    );
    // An unknown media type is a typed error naming it.
    let odd = FakeServer::start(|req| {
        if req.path == "/v2/" {
            FakeResp::status(200)
        } else {
            FakeResp::status(200)
                .header("content-type", "application/vnd.example.thing+json")
                .body(b"{}".to_vec())
        }
    });
    let client = http_client(&odd.addr, None);
    let err = client
        .resolve_image("a", "latest", &berth::registry::PlatformSpec::host())
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::UnsupportedMediaType { .. }),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("application/vnd.example.thing+json"));
}
