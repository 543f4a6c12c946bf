//! Hostile registry replies and archives, built inside each test and served by the fake
//! registry on 127.0.0.1: ambiguous manifests (CVE-2021-41190), a `mediaType` that disagrees
//! with the Content-Type or with the descriptor that pointed at it, and manifests or configs
//! over the 4 MiB cap are refused with exit 125 and one error line naming the reference;
//! nothing is stored and `system check` stays clean. A layer whose hard link target is
//! written absolute is taken as rooted in the layer, as podman does, and the image runs.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use sha2::Digest as _;

use crate::registry_fake::{FakeResp, FakeServer};
use crate::util::fixtures::{self, TarBuilder};
use crate::util::Env;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// What the fake registry serves: manifests by tag or digest (with their Content-Type) and
/// blobs by digest.
#[derive(Default, Clone)]
struct Served {
    manifests: HashMap<String, (String, Vec<u8>)>,
    blobs: HashMap<String, Vec<u8>>,
}

impl Served {
    /// An image of uncompressed `layers`; returns its manifest as JSON (not yet served).
    fn image(&mut self, layers: &[Vec<u8>]) -> Value {
        let diff_ids: Vec<String> = layers.iter().map(|l| digest(l)).collect();
        let config = serde_json::to_vec(&json!({
            "architecture": host_arch(),
            "os": "linux",
            "config": {"Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
        }))
        .unwrap();
        let cfg_digest = digest(&config);
        let cfg_size = config.len();
        self.blobs.insert(cfg_digest.clone(), config);
        let layer_descs: Vec<Value> = layers
            .iter()
            .map(|l| {
                self.blobs.insert(digest(l), l.clone());
                json!({"mediaType": LAYER_TAR, "digest": digest(l), "size": l.len()})
            })
            .collect();
        json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": CONFIG, "digest": cfg_digest, "size": cfg_size},
            "layers": layer_descs,
        })
    }

    fn manifest(&mut self, reference: &str, content_type: &str, body: Vec<u8>) -> String {
        let d = digest(&body);
        self.manifests
            .insert(d.clone(), (content_type.to_string(), body.clone()));
        self.manifests
            .insert(reference.to_string(), (content_type.to_string(), body));
        d
    }

    fn start(self) -> FakeServer {
        let served = Arc::new(self);
        FakeServer::start(move |req| {
            if req.path == "/v2/" {
                return FakeResp::status(200);
            }
            let Some((_, rest)) = req.path.split_once("/v2/hostile/img/") else {
                return FakeResp::status(404);
            };
            let found = if let Some(r) = rest.strip_prefix("manifests/") {
                served.manifests.get(r).map(|(ct, b)| {
                    FakeResp::status(200)
                        .header("content-type", ct)
                        .body(b.clone())
                })
            } else if let Some(d) = rest.strip_prefix("blobs/") {
                served
                    .blobs
                    .get(d)
                    .map(|b| FakeResp::status(200).body(b.clone()))
            } else {
                None
            };
            found.unwrap_or_else(|| FakeResp::status(404))
        })
    }
}

fn pull(env: &Env, server: &FakeServer, tag: &str) -> crate::util::command::Output {
    let reference = format!("{}/hostile/img:{tag}", server.addr);
    env.berth(["pull", "-q", "--tls-verify=false", &reference])
        .output()
}

/// A refused pull: exit 125, one error line naming the reference and `why`, nothing stored.
fn refused(env: &Env, server: &FakeServer, tag: &str, why: &[&str]) {
    let out = pull(env, server, tag);
    out.code(125).stderr_is_one_error();
    out.stderr_contains(&format!("{}/hostile/img", server.addr));
    for w in why {
        out.stderr_contains(w);
    }
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}

fn check_clean(env: &Env) {
    env.berth(["system", "check"])
        .output()
        .success()
        .stdout_eq("no problems found\n");
}

#[test]
fn registry_hostile_ambiguous_manifests_are_refused() {
    let Some(env) = Env::rootless() else { return };
    let mut s = Served::default();
    let good = s.image(&[fixtures::busybox_tar_bytes().to_vec()]);

    // An image manifest that is also an index.
    let mut both = good.clone();
    both["manifests"] = json!([]);
    s.manifest("both", OCI_MANIFEST, serde_json::to_vec(&both).unwrap());

    // An index body served as an image manifest.
    let index_body = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [],
    }))
    .unwrap();
    s.manifest("lie", OCI_MANIFEST, index_body);

    // An index that points at an OCI manifest, but the body there says Docker.
    let mut docker = good.clone();
    docker["mediaType"] = json!(DOCKER_MANIFEST);
    let docker_bytes = serde_json::to_vec(&docker).unwrap();
    let inner = s.manifest("inner", DOCKER_MANIFEST, docker_bytes.clone());
    let index = json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX,
        "manifests": [{
            "mediaType": OCI_MANIFEST, "digest": inner, "size": docker_bytes.len(),
            "platform": {"os": "linux", "architecture": host_arch()},
        }],
    });
    s.manifest("idx", OCI_INDEX, serde_json::to_vec(&index).unwrap());
    let server = s.start();

    refused(&env, &server, "both", &["ambiguous", "`manifests`"]);
    refused(&env, &server, "lie", &["Content-Type", OCI_INDEX]);
    refused(&env, &server, "idx", &["the index", DOCKER_MANIFEST]);
    // Nothing was downloaded for any of them.
    let blobs: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/blobs/"))
        .map(|r| r.path.clone())
        .collect();
    assert!(
        blobs.is_empty(),
        "a refused manifest's blobs were fetched: {blobs:?}"
    );
    check_clean(&env);
}

#[test]
fn registry_hostile_oversized_config_and_manifest_are_refused() {
    let Some(env) = Env::rootless() else { return };
    let mut s = Served::default();
    let good = s.image(&[fixtures::busybox_tar_bytes().to_vec()]);

    // A config descriptor of 64 MiB: refused before anything is downloaded.
    let mut big = good.clone();
    big["config"]["size"] = json!(64u64 << 20);
    s.manifest("bigcfg", OCI_MANIFEST, serde_json::to_vec(&big).unwrap());

    // A manifest body over 4 MiB.
    let mut fat = good.clone();
    fat["annotations"] = json!({"pad": "x".repeat(5 << 20)});
    s.manifest("bigman", OCI_MANIFEST, serde_json::to_vec(&fat).unwrap());
    let server = s.start();

    refused(
        &env,
        &server,
        "bigcfg",
        &["image config", "limit of 4194304"],
    );
    refused(&env, &server, "bigman", &["manifest", "limit of 4194304"]);
    let blobs = server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/blobs/"))
        .count();
    assert_eq!(blobs, 0, "an oversized image's blobs were fetched");
    check_clean(&env);
}

#[test]
fn registry_hostile_absolute_hard_link_target_runs() {
    let Some(env) = Env::rootless() else { return };
    let mut extra = TarBuilder::new();
    extra.dir("opt", 0o755, (0, 0));
    extra.file("opt/perlbug", 0o755, (0, 0), b"perl bug\n");
    // Written absolute, as several image builders write it.
    extra.hardlink("opt/perlthanks", "/opt/perlbug");
    let mut s = Served::default();
    let m = s.image(&[fixtures::busybox_tar_bytes().to_vec(), extra.finish()]);
    s.manifest("1", OCI_MANIFEST, serde_json::to_vec(&m).unwrap());
    let server = s.start();

    pull(&env, &server, "1").success();
    let image = format!("{}/hostile/img:1", server.addr);
    env.berth(["run", "--rm", &image, "/bin/sh", "-c"])
        .arg("test /opt/perlthanks -ef /opt/perlbug && cat /opt/perlthanks")
        .output()
        .success()
        .stdout_eq("perl bug\n");
    assert!(
        !Path::new("/opt/perlthanks").exists(),
        "the link was made on the host"
    );
    check_clean(&env);
}

/// An OCI layout directory holding `manifest` (listed in index.json as `declared`) and the
/// blobs given.
fn oci_dir(env: &Env, name: &str, declared: &str, manifest: &[u8], blobs: &[&[u8]]) -> String {
    let dir = env.make_dir(name);
    let sha = dir.join("blobs/sha256");
    std::fs::create_dir_all(&sha).unwrap();
    for b in blobs.iter().chain(std::iter::once(&manifest)) {
        let d = digest(b);
        std::fs::write(sha.join(d.trim_start_matches("sha256:")), b).unwrap();
    }
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{"mediaType": declared, "digest": digest(manifest), "size": manifest.len()}],
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    for p in [
        dir.join("blobs"),
        sha.clone(),
        dir.join("oci-layout"),
        dir.join("index.json"),
    ] {
        env.give_to_user(&p);
    }
    for e in std::fs::read_dir(&sha).unwrap() {
        env.give_to_user(&e.unwrap().path());
    }
    dir.to_string_lossy().into_owned()
}

#[test]
fn registry_hostile_load_refuses_ambiguous_and_oversized() {
    let Some(env) = Env::rootless() else { return };
    let layer = fixtures::busybox_tar_bytes().to_vec();
    let mut s = Served::default();
    let good = s.image(std::slice::from_ref(&layer));
    let cfg_digest = good["config"]["digest"].as_str().unwrap().to_string();
    let config = s.blobs[&cfg_digest].clone();

    // Both `layers` and `manifests`.
    let mut both = good.clone();
    both["manifests"] = json!([]);
    let dir = oci_dir(
        &env,
        "both",
        OCI_MANIFEST,
        &serde_json::to_vec(&both).unwrap(),
        &[&config, &layer],
    );
    let out = env.berth(["load", "-i", &dir]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("ambiguous");

    // The descriptor says OCI manifest, the body says Docker.
    let mut docker = good.clone();
    docker["mediaType"] = json!(DOCKER_MANIFEST);
    let dir = oci_dir(
        &env,
        "lie",
        OCI_MANIFEST,
        &serde_json::to_vec(&docker).unwrap(),
        &[&config, &layer],
    );
    let out = env.berth(["load", "-i", &dir]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("its descriptor says");

    // A 5 MiB config, honestly described: over the cap, refused without reading it whole.
    let mut fat_config: Value = serde_json::from_slice(&config).unwrap();
    fat_config["config"]["Labels"] = json!({"pad": "x".repeat(5 << 20)});
    let fat_config = serde_json::to_vec(&fat_config).unwrap();
    let mut m = good.clone();
    m["config"]["digest"] = json!(digest(&fat_config));
    m["config"]["size"] = json!(fat_config.len());
    let dir = oci_dir(
        &env,
        "fat",
        OCI_MANIFEST,
        &serde_json::to_vec(&m).unwrap(),
        &[&fat_config, &layer],
    );
    let out = env.berth(["load", "-i", &dir]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("larger than the limit of 4194304");

    env.berth(["images", "-q"]).output().success().stdout_eq("");
    check_clean(&env);
}

/// Without a Content-Length the cap still holds: the body is read through a bounded reader
/// and refused once it runs past 4 MiB.
#[test]
fn registry_hostile_unsized_manifest_body_is_cut_at_the_cap() {
    let body = {
        let mut m = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST});
        m["annotations"] = json!({"pad": "x".repeat(6 << 20)});
        serde_json::to_vec(&m).unwrap()
    };
    let server = FakeServer::start(move |req| match req.path.as_str() {
        "/v2/" => FakeResp::status(200),
        _ => FakeResp::status(200)
            .header("content-type", OCI_MANIFEST)
            .header("transfer-encoding", "chunked")
            .body(body.clone()),
    });
    let client = berth::registry::Client::new(
        &server.addr,
        berth::registry::ClientOptions {
            insecure: true,
            ..crate::registry::opts()
        },
    )
    .unwrap();
    let err = client.get_manifest("hostile/img", "big").unwrap_err();
    assert!(
        matches!(
            err,
            berth::registry::RegistryError::BodyTooLarge { limit: 4194304, .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("hostile/img:big"), "{err}");
}
