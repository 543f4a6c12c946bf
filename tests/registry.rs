//! The registry client library against the real CNCF distribution registry (Debian's
//! `docker-registry`), started per test on 127.0.0.1: plain HTTP, HTTPS with a CA made here
//! with openssl, htpasswd basic auth, and token auth with a small issuer in the test.
//!
//! These drive `berth::registry` directly; the `pull`/`push` commands come later.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use berth::config::auth::Credential;
use berth::registry::{
    BlobJob, BlobPush, Client, ClientOptions, PlatformSpec, Progress, RegistryError,
};
use oci_spec::image::Digest;
use sha2::Digest as _;

use crate::registry_fake::{FakeResp, FakeServer};
use crate::util::fixtures::{gzip, TarBuilder};

pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// Skip (with the reason on stderr) when a tool is missing; under `CI=true`, fail.
pub fn have(tool: &str) -> bool {
    if Path::new(tool).exists() || crate::util::find_in_path(tool).is_some() {
        return true;
    }
    let why = format!("`{tool}` is not installed (run scripts/setup.sh)");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and the machine lacks a capability: {why}");
    }
    eprintln!("skipped: {why}");
    false
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

pub fn sha256(bytes: &[u8]) -> Digest {
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
        .parse()
        .expect("digest")
}

/// Options quick to fail in tests.
pub fn opts() -> ClientOptions {
    ClientOptions {
        certs_dirs: Vec::new(),
        retries: 2,
        backoff: Duration::from_millis(20),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    }
}

/// How the registry is configured.
#[derive(Default)]
pub(crate) struct Setup {
    pub(crate) tls: Option<(PathBuf, PathBuf)>,
    pub(crate) htpasswd: Option<PathBuf>,
    /// realm, service, issuer, rootcertbundle
    pub(crate) token: Option<(String, String, String, PathBuf)>,
}

/// A running `docker-registry serve`, killed on drop.
pub(crate) struct Registry {
    child: Child,
    dir: tempfile::TempDir,
    pub(crate) addr: String,
}

impl Registry {
    pub(crate) fn start(setup: Setup, dir: tempfile::TempDir) -> Registry {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let storage = dir.path().join("storage");
        fs::create_dir_all(&storage).unwrap();
        let mut yaml = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n  secret: berth-test-secret\n",
            storage.display()
        );
        if let Some((crt, key)) = &setup.tls {
            yaml.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                crt.display(),
                key.display()
            ));
        }
        if let Some(h) = &setup.htpasswd {
            yaml.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: berth-realm\n    path: {}\n",
                h.display()
            ));
        }
        if let Some((realm, service, issuer, bundle)) = &setup.token {
            yaml.push_str(&format!(
                "auth:\n  token:\n    realm: {realm}\n    service: {service}\n    issuer: {issuer}\n    rootcertbundle: {}\n",
                bundle.display()
            ));
        }
        let config = dir.path().join("config.yml");
        fs::write(&config, yaml).unwrap();
        let log = fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        let mut reg = Registry { child, dir, addr };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(&reg.addr).is_err() {
            if let Ok(Some(status)) = reg.child.try_wait() {
                panic!(
                    "docker-registry exited with {status}: {}",
                    fs::read_to_string(reg.dir.path().join("registry.log")).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "docker-registry did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        reg
    }

    /// The file holding a blob in the registry's storage.
    pub(crate) fn blob_file(&self, digest: &Digest) -> PathBuf {
        let hex = digest.digest();
        self.dir
            .path()
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small image: one gzip layer, a config, an OCI manifest.
pub struct TestImage {
    pub layer: Vec<u8>,
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
}

impl TestImage {
    pub fn new(arch: &str, text: &str) -> TestImage {
        let mut tar = TarBuilder::new();
        tar.dir("etc", 0o755, (0, 0))
            .file("etc/hello", 0o644, (0, 0), text.as_bytes());
        let raw = tar.finish();
        let layer = gzip(&raw);
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": arch,
            "os": "linux",
            "config": {"Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": [sha256(&raw).to_string()]},
        }))
        .unwrap();
        let manifest = serde_json::to_vec_pretty(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": sha256(&config).to_string(),
                "size": config.len(),
            },
            "layers": [{
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": sha256(&layer).to_string(),
                "size": layer.len(),
            }],
        }))
        .unwrap();
        TestImage {
            layer,
            config,
            manifest,
        }
    }

    pub fn push(&self, client: &Client, repo: &str, tag: &str) -> Digest {
        for blob in [&self.layer, &self.config] {
            client
                .push_blob(repo, &sha256(blob), blob.len() as u64, None, &|| {
                    Ok(std::io::Cursor::new(blob.clone()))
                })
                .expect("push blob");
        }
        client
            .put_manifest(
                repo,
                tag,
                "application/vnd.oci.image.manifest.v1+json",
                &self.manifest,
            )
            .expect("put manifest")
    }
}

/// Pull `repo:tag` and check everything matches `img`.
fn pull_and_check(client: &Client, repo: &str, tag: &str, img: &TestImage, want: &Digest) {
    let r = client
        .resolve_image(repo, tag, &PlatformSpec::host())
        .expect("resolve image");
    assert_eq!(&r.manifest.digest, want);
    assert_eq!(
        r.manifest.bytes, img.manifest,
        "manifest bytes kept exactly"
    );
    let mut config = Vec::new();
    let cd = r.image.config();
    client
        .get_blob(repo, cd.digest(), Some(cd.size()), &mut config)
        .expect("get config");
    assert_eq!(config, img.config);
    let mut layer = Vec::new();
    let ld = &r.image.layers()[0];
    client
        .get_blob(repo, ld.digest(), Some(ld.size()), &mut layer)
        .expect("get layer");
    assert_eq!(layer, img.layer);
}

pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a server certificate for 127.0.0.1 signed by it: (ca.crt, server.crt, server.key).
pub(crate) fn make_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=berth test CA",
        ],
    );
    fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    (
        dir.join("ca.crt"),
        dir.join("server.crt"),
        dir.join("server.key"),
    )
}

pub(crate) fn insecure() -> ClientOptions {
    ClientOptions {
        insecure: true,
        ..opts()
    }
}

#[test]
fn registry_plain_http_push_pull_mount_chunked() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let img = TestImage::new(&PlatformSpec::host().arch, "plain\n");
    let digest = img.push(&client, "test/plain", "v1");
    assert_eq!(digest, sha256(&img.manifest));
    pull_and_check(&client, "test/plain", "v1", &img, &digest);
    // By digest too, and HEAD agrees.
    let by_digest = client.get_manifest("test/plain", digest.as_ref()).unwrap();
    assert_eq!(by_digest.bytes, img.manifest);
    let head = client.head_manifest("test/plain", "v1").unwrap().unwrap();
    assert_eq!(head.digest.as_ref(), Some(&digest));
    assert!(client
        .head_manifest("test/plain", "nope")
        .unwrap()
        .is_none());
    assert!(matches!(
        client.get_manifest("test/plain", "nope"),
        Err(RegistryError::ManifestUnknown { .. })
    ));

    // Through registries.conf: a prefix rewritten to this registry, marked insecure.
    let conf = berth::config::registries::RegistriesConf::parse(
        &format!(
            "[[registry]]\nprefix = \"example.test/app\"\nlocation = \"{}/test/plain\"\ninsecure = true\n",
            reg.addr
        ),
        Path::new("registries.conf"),
    )
    .unwrap();
    let endpoints = conf.resolve("example.test/app:v1");
    assert_eq!(endpoints.len(), 1);
    let ep = &endpoints[0];
    let via_conf = Client::new(&ep.registry, ClientOptions::for_endpoint(ep, None)).unwrap();
    pull_and_check(&via_conf, &ep.repository, "v1", &img, &digest);

    // A second push uploads nothing; another repository mounts.
    let layer = sha256(&img.layer);
    let open = || Ok(std::io::Cursor::new(img.layer.clone()));
    assert_eq!(
        client
            .push_blob("test/plain", &layer, img.layer.len() as u64, None, &open)
            .unwrap(),
        BlobPush::Existed
    );
    assert_eq!(
        client
            .push_blob(
                "test/other",
                &layer,
                img.layer.len() as u64,
                Some("test/plain"),
                &open
            )
            .unwrap(),
        BlobPush::Mounted
    );
    assert_eq!(
        client.blob_exists("test/other", &layer).unwrap(),
        Some(img.layer.len() as u64)
    );

    // Chunked upload: PATCH pieces of 100 bytes, then PUT.
    let chunked = Client::new(
        &reg.addr,
        ClientOptions {
            chunk_size: Some(100),
            ..insecure()
        },
    )
    .unwrap();
    let big: Vec<u8> = (0..1000u32).flat_map(|i| i.to_le_bytes()).collect();
    let big_digest = sha256(&big);
    assert_eq!(
        chunked
            .push_blob("test/chunked", &big_digest, big.len() as u64, None, &|| {
                Ok(std::io::Cursor::new(big.clone()))
            })
            .unwrap(),
        BlobPush::Uploaded
    );
    let mut back = Vec::new();
    client
        .get_blob(
            "test/chunked",
            &big_digest,
            Some(big.len() as u64),
            &mut back,
        )
        .unwrap();
    assert_eq!(back, big);

    // Pushing the pulled manifest bytes again reproduces the digest.
    let again = client.put_manifest(
        "test/copy",
        "v1",
        "application/vnd.oci.image.manifest.v1+json",
        &by_digest.bytes,
    );
    assert!(
        again.is_err(),
        "blobs of test/copy are missing, the registry refuses"
    );
    for blob in [&img.layer, &img.config] {
        client
            .push_blob(
                "test/copy",
                &sha256(blob),
                blob.len() as u64,
                Some("test/plain"),
                &|| Ok(std::io::Cursor::new(blob.clone())),
            )
            .unwrap();
    }
    let copied = client
        .put_manifest(
            "test/copy",
            "v1",
            "application/vnd.oci.image.manifest.v1+json",
            &by_digest.bytes,
        )
        .unwrap();
    assert_eq!(copied, digest);
}

#[test]
fn registry_plain_http_needs_insecure() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let strict = Client::new(&reg.addr, opts()).unwrap();
    let err = strict.ping().unwrap_err();
    assert!(matches!(err, RegistryError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains(&reg.addr));
    // --tls-verify=false allows HTTP as podman does.
    let loose = Client::new(
        &reg.addr,
        ClientOptions {
            tls_verify: false,
            ..opts()
        },
    )
    .unwrap();
    loose.ping().unwrap();
}

#[test]
fn registry_multi_arch_index() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let amd = TestImage::new("amd64", "amd64\n");
    let arm = TestImage::new("arm64", "arm64\n");
    let amd_d = amd.push(&client, "test/multi", "amd64");
    let arm_d = arm.push(&client, "test/multi", "arm64");
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd_d.to_string(),
             "size": amd.manifest.len(), "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm_d.to_string(),
             "size": arm.manifest.len(), "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        ],
    }))
    .unwrap();
    let index_d = client
        .put_manifest(
            "test/multi",
            "latest",
            "application/vnd.oci.image.index.v1+json",
            &index,
        )
        .unwrap();
    for (platform, want, img) in [("linux/amd64", &amd_d, &amd), ("linux/arm64", &arm_d, &arm)] {
        let r = client
            .resolve_image(
                "test/multi",
                "latest",
                &PlatformSpec::parse(platform).unwrap(),
            )
            .unwrap();
        assert_eq!(&r.manifest.digest, want, "{platform}");
        assert_eq!(r.manifest.bytes, img.manifest);
        assert_eq!(r.index.as_ref().unwrap().digest, index_d);
    }
    let err = client
        .resolve_image(
            "test/multi",
            "latest",
            &PlatformSpec::parse("linux/s390x").unwrap(),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, RegistryError::NoPlatform { .. }), "{text}");
    assert!(text.contains("linux/amd64, linux/arm64/v8"), "{text}");
}

#[test]
fn registry_https_with_generated_ca() {
    if !have(REGISTRY_BIN) || !have("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, crt, key) = make_ca(dir.path());
    let reg = Registry::start(
        Setup {
            tls: Some((crt, key)),
            ..Setup::default()
        },
        dir,
    );
    // Unknown CA: a TLS error with the certs.d hint.
    let strict = Client::new(&reg.addr, opts()).unwrap();
    let err = strict.ping().unwrap_err();
    let hint = err.hint().unwrap_or_default();
    assert!(
        hint.contains("certs.d") && hint.contains(&reg.addr),
        "{err:?} / {hint}"
    );

    // certs.d/<host:port>/ca.crt makes it trusted.
    let certs = tempfile::tempdir().unwrap();
    fs::create_dir(certs.path().join(&reg.addr)).unwrap();
    fs::copy(&ca, certs.path().join(&reg.addr).join("ca.crt")).unwrap();
    let trusted = Client::new(
        &reg.addr,
        ClientOptions {
            certs_dirs: vec![certs.path().to_path_buf()],
            ..opts()
        },
    )
    .unwrap();
    let img = TestImage::new(&PlatformSpec::host().arch, "tls\n");
    let digest = img.push(&trusted, "test/tls", "v1");
    pull_and_check(&trusted, "test/tls", "v1", &img, &digest);

    // --tls-verify=false talks to it without the CA.
    let loose = Client::new(
        &reg.addr,
        ClientOptions {
            tls_verify: false,
            ..opts()
        },
    )
    .unwrap();
    pull_and_check(&loose, "test/tls", "v1", &img, &digest);
}

#[test]
fn registry_htpasswd_basic_auth() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let htpasswd = dir.path().join("htpasswd");
    let hash = bcrypt::hash("s3cret-pw", 4).unwrap();
    fs::write(&htpasswd, format!("alice:{hash}\n")).unwrap();
    let reg = Registry::start(
        Setup {
            htpasswd: Some(htpasswd),
            ..Setup::default()
        },
        dir,
    );
    // Plain HTTP here: the client needs `insecure` for that, basic auth works over it.
    let with = |cred: Option<Credential>| {
        Client::new(
            &reg.addr,
            ClientOptions {
                credential: cred,
                ..insecure()
            },
        )
        .unwrap()
    };
    let good = with(Some(Credential::new("alice", "s3cret-pw")));
    good.check_login().unwrap();
    let err = with(Some(Credential::new("alice", "bad")))
        .check_login()
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::BadCredentials { .. }),
        "{err:?}"
    );
    let img = TestImage::new(&PlatformSpec::host().arch, "basic\n");
    let digest = img.push(&good, "test/basic", "v1");
    pull_and_check(&good, "test/basic", "v1", &img, &digest);

    for cred in [None, Some(Credential::new("alice", "wrong-pw"))] {
        let wrong = cred.is_some();
        let err = with(cred).get_manifest("test/basic", "v1").unwrap_err();
        let text = format!("{err} {err:?}");
        if wrong {
            assert!(
                matches!(err, RegistryError::BadCredentials { status: 401, .. }),
                "{text}"
            );
        } else {
            assert!(
                matches!(err, RegistryError::Unauthorized { status: 401, .. }),
                "{text}"
            );
        }
        assert!(
            !text.contains("wrong-pw") && !text.contains("s3cret"),
            "{text}"
        );
        assert_eq!(
            err.hint().unwrap(),
            format!("log in with `berth login {}`", reg.addr)
        );
    }
}

#[test]
fn registry_digest_mismatch_truncation_and_resume() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let img = TestImage::new(&PlatformSpec::host().arch, &"resume me\n".repeat(500));
    img.push(&client, "test/bad", "v1");
    let layer = sha256(&img.layer);
    let size = img.layer.len() as u64;
    let work = tempfile::tempdir().unwrap();

    // An interrupted download left the first half: only the rest is fetched.
    let partial = work.path().join("layer.partial");
    let half = img.layer.len() / 2;
    fs::write(&partial, &img.layer[..half]).unwrap();
    let config = sha256(&img.config);
    let jobs = [
        BlobJob {
            digest: layer.clone(),
            size: Some(size),
            path: partial.clone(),
        },
        BlobJob {
            digest: config.clone(),
            size: Some(img.config.len() as u64),
            path: work.path().join("config.partial"),
        },
    ];
    let seen = Seen::default();
    let results = client.download_blobs("test/bad", &jobs, 4, &seen).unwrap();
    assert_eq!(seen.done.load(Ordering::Relaxed), 2);
    assert_eq!(
        seen.first.lock().unwrap()[&0],
        half as u64,
        "resumed after the prefix"
    );
    assert_eq!(seen.last.lock().unwrap()[&0], size);
    assert_eq!(*results[0].as_ref().unwrap(), size);
    assert_eq!(
        fs::read(work.path().join("config.partial")).unwrap(),
        img.config
    );
    assert_eq!(fs::read(&partial).unwrap(), img.layer);

    // A partial file holding garbage: the mismatch empties it, the retry succeeds.
    let mut garbage = img.layer[..half].to_vec();
    garbage[0] ^= 0xff;
    fs::write(&partial, &garbage).unwrap();
    let mut f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&partial)
        .unwrap();
    let err = client
        .get_blob_resume("test/bad", &layer, Some(size), &mut f)
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::DigestMismatch { .. }),
        "{err:?}"
    );
    assert_eq!(fs::metadata(&partial).unwrap().len(), 0);
    client
        .get_blob_resume("test/bad", &layer, Some(size), &mut f)
        .unwrap();
    assert_eq!(fs::read(&partial).unwrap(), img.layer);

    // The registry's copy is corrupted: same size, other bytes.
    let stored = reg.blob_file(&layer);
    let mut corrupt = img.layer.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0x55;
    fs::write(&stored, &corrupt).unwrap();
    let target = work.path().join("layer");
    let results = client
        .download_blobs(
            "test/bad",
            &[BlobJob {
                digest: layer.clone(),
                size: Some(size),
                path: work.path().join("c.partial"),
            }],
            2,
            &berth::registry::NoProgress,
        )
        .unwrap();
    let err = results.into_iter().next().unwrap().unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, RegistryError::DigestMismatch { .. }),
        "{text}"
    );
    assert!(text.contains(&layer.to_string()), "{text}");
    assert!(!target.exists(), "nothing renamed into place");

    // Truncated: the registry has fewer bytes than the manifest says.
    fs::write(&stored, &img.layer[..half]).unwrap();
    let mut out = Vec::new();
    let err = client
        .get_blob("test/bad", &layer, Some(size), &mut out)
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::SizeMismatch { .. } | RegistryError::ReadBody { .. }
        ),
        "{err:?}"
    );

    // An unknown blob is a typed error naming it.
    let missing = sha256(b"not there");
    let err = client
        .get_blob("test/bad", &missing, None, &mut Vec::new())
        .unwrap_err();
    assert!(matches!(err, RegistryError::BlobUnknown { .. }), "{err:?}");
    assert!(err.to_string().contains(&missing.to_string()));
}

/// Records what `download_blobs` reports.
#[derive(Default)]
struct Seen {
    done: AtomicUsize,
    first: std::sync::Mutex<std::collections::HashMap<usize, u64>>,
    last: std::sync::Mutex<std::collections::HashMap<usize, u64>>,
}

impl Progress for Seen {
    fn bytes(&self, index: usize, bytes: u64) {
        self.first.lock().unwrap().entry(index).or_insert(bytes);
        self.last.lock().unwrap().insert(index, bytes);
    }

    fn done(&self, _index: usize, result: &Result<u64, RegistryError>) {
        assert!(result.is_ok(), "{result:?}");
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// A token issuer for the registry's `auth: token` mode: RS256 JWTs with an `x5c` header,
/// signed by openssl with a key whose certificate is the registry's `rootcertbundle`.
pub(crate) struct Issuer {
    pub(crate) server: FakeServer,
    pub(crate) issued: Arc<AtomicUsize>,
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sign_jwt(dir: &Path, claims: &serde_json::Value) -> String {
    let pem = fs::read_to_string(dir.join("tok.crt")).unwrap();
    let der_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [der_b64]});
    let input = format!(
        "{}.{}",
        b64url(&serde_json::to_vec(&header).unwrap()),
        b64url(&serde_json::to_vec(claims).unwrap())
    );
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(dir.join("tok.key"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let mut sig = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut sig).unwrap();
    assert!(child.wait().unwrap().success());
    format!("{input}.{}", b64url(&sig))
}

impl Issuer {
    /// Issue tokens for `user`/`password`; anonymous requests get pull-only tokens.
    pub(crate) fn start(
        dir: &Path,
        user: &'static str,
        password: &'static str,
        expires_in: u64,
    ) -> Issuer {
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "tok.key",
                "-out",
                "tok.crt",
                "-days",
                "2",
                "-subj",
                "/CN=berth token issuer",
            ],
        );
        let issued = Arc::new(AtomicUsize::new(0));
        let count = issued.clone();
        let dir = dir.to_path_buf();
        let server = FakeServer::start(move |req| {
            let want = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            );
            let authed = match req.header("authorization") {
                None => false,
                Some(h) if h == want => true,
                Some(_) => return FakeResp::status(401),
            };
            let scopes: Vec<String> = req.query_all("scope").into_iter().collect();
            let access: Vec<serde_json::Value> = scopes
                .iter()
                .filter_map(|s| {
                    let mut parts = s.splitn(3, ':');
                    let (kind, name, actions) = (parts.next()?, parts.next()?, parts.next()?);
                    let actions: Vec<&str> = actions
                        .split(',')
                        .filter(|a| authed || *a == "pull")
                        .collect();
                    Some(serde_json::json!({"type": kind, "name": name, "actions": actions}))
                })
                .collect();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let n = count.fetch_add(1, Ordering::SeqCst);
            let claims = serde_json::json!({
                "iss": "berth-test-issuer",
                "sub": if authed { user } else { "" },
                "aud": "berth-test-registry",
                "exp": now + 300,
                "nbf": now - 10,
                "iat": now,
                "jti": format!("t{n}"),
                "access": access,
            });
            let token = sign_jwt(&dir, &claims);
            FakeResp::json(&serde_json::json!({"token": token, "expires_in": expires_in}))
        });
        Issuer { server, issued }
    }
}

#[test]
fn registry_token_auth() {
    if !have(REGISTRY_BIN) || !have("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let issuer = Issuer::start(dir.path(), "bob", "tok-pw", 2);
    let realm = format!("http://{}/token", issuer.server.addr);
    let reg = Registry::start(
        Setup {
            token: Some((
                realm,
                "berth-test-registry".into(),
                "berth-test-issuer".into(),
                dir.path().join("tok.crt"),
            )),
            ..Setup::default()
        },
        tempfile::tempdir().unwrap(),
    );
    let with = |cred: Option<Credential>| {
        Client::new(
            &reg.addr,
            ClientOptions {
                credential: cred,
                ..insecure()
            },
        )
        .unwrap()
    };
    let bob = with(Some(Credential::new("bob", "tok-pw")));
    bob.check_login().unwrap();
    let err = with(Some(Credential::new("bob", "bad")))
        .check_login()
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::BadCredentials { .. }),
        "{err:?}"
    );
    let img = TestImage::new(&PlatformSpec::host().arch, "token\n");
    let digest = img.push(&bob, "test/token", "v1");
    pull_and_check(&bob, "test/token", "v1", &img, &digest);
    let before = issuer.issued.load(Ordering::SeqCst);
    assert!(before >= 2, "a pull token and a push token");

    // Tokens are cached per scope, and fetched again once expired (expires_in = 2 s).
    bob.get_manifest("test/token", "v1").unwrap();
    assert_eq!(issuer.issued.load(Ordering::SeqCst), before, "cached");
    std::thread::sleep(Duration::from_millis(2100));
    bob.get_manifest("test/token", "v1").unwrap();
    assert_eq!(
        issuer.issued.load(Ordering::SeqCst),
        before + 1,
        "refreshed"
    );

    // Anonymous: pull works (the issuer grants pull), push is refused.
    let anon = with(None);
    pull_and_check(&anon, "test/token", "v1", &img, &digest);
    let err = anon
        .put_manifest(
            "test/token",
            "v2",
            "application/vnd.oci.image.manifest.v1+json",
            &img.manifest,
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::Unauthorized { .. } | RegistryError::Denied { .. }
        ),
        "{err:?}"
    );

    // A wrong password: the issuer says 401, a typed error without the password.
    let err = with(Some(Credential::new("bob", "nope-pw")))
        .get_manifest("test/token", "v1")
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        matches!(err, RegistryError::BadCredentials { .. }),
        "{text}"
    );
    assert!(!text.contains("nope-pw"), "{text}");
}

/// Write `img` as an OCI layout directory tagged `tag`.
fn write_oci_layout(dir: &Path, img: &TestImage, tag: &str) {
    let blobs = dir.join("blobs/sha256");
    fs::create_dir_all(&blobs).unwrap();
    for blob in [&img.layer, &img.config, &img.manifest] {
        fs::write(blobs.join(sha256(blob).digest()), blob).unwrap();
    }
    fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": sha256(&img.manifest).to_string(),
            "size": img.manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": tag},
        }],
    });
    fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

fn skopeo(args: &[&str]) -> std::process::Output {
    let out = Command::new("skopeo")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run skopeo");
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn registry_interop_with_skopeo() {
    if !have(REGISTRY_BIN) || !have("skopeo") {
        return;
    }
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let arch = PlatformSpec::host().arch;

    // skopeo pushes (converting to a Docker schema 2 manifest); berth pulls.
    let theirs = TestImage::new(&arch, "from skopeo\n");
    let layout = tempfile::tempdir().unwrap();
    write_oci_layout(layout.path(), &theirs, "v1");
    let src = format!("oci:{}:v1", layout.path().display());
    let dst = format!("docker://{}/test/skopeo:v1", reg.addr);
    skopeo(&[
        "copy",
        "--quiet",
        "--dest-tls-verify=false",
        "--format",
        "v2s2",
        &src,
        &dst,
    ]);
    let r = client
        .resolve_image("test/skopeo", "v1", &PlatformSpec::host())
        .unwrap();
    assert_eq!(
        r.manifest.media_type,
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    let ld = &r.image.layers()[0];
    let mut layer = Vec::new();
    client
        .get_blob("test/skopeo", ld.digest(), Some(ld.size()), &mut layer)
        .unwrap();
    assert_eq!(layer, theirs.layer);
    let mut config = Vec::new();
    let cd = r.image.config();
    client
        .get_blob("test/skopeo", cd.digest(), Some(cd.size()), &mut config)
        .unwrap();
    assert_eq!(sha256(&config), *cd.digest());

    // berth pushes; skopeo reads the manifest with the same digest and copies every blob.
    let ours = TestImage::new(&arch, "from berth\n");
    let digest = ours.push(&client, "test/berth", "v1");
    let out = skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--raw",
        &format!("docker://{}/test/berth:v1", reg.addr),
    ]);
    assert_eq!(out.stdout, ours.manifest);
    let copy = tempfile::tempdir().unwrap();
    skopeo(&[
        "copy",
        "--quiet",
        "--src-tls-verify=false",
        &format!("docker://{}/test/berth@{digest}", reg.addr),
        &format!("dir:{}", copy.path().join("out").display()),
    ]);
    let copied = fs::read(copy.path().join("out").join(sha256(&ours.layer).digest())).unwrap();
    assert_eq!(copied, ours.layer);
}
