//! `pull`, `push`, `login`/`logout`, `tag`/`untag`, `history`, `image prune` and
//! `system check` against the real distribution registry on 127.0.0.1 (plain HTTP, so the
//! commands get `--tls-verify=false`).

use std::fs;

use berth::registry::{Client, PlatformSpec};

use crate::registry::{have, insecure, Registry, Setup, TestImage, REGISTRY_BIN};
use crate::util::Env;

fn registry() -> Option<(Env, Registry)> {
    if !have(REGISTRY_BIN) {
        return None;
    }
    let env = Env::rootless()?;
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    Some((env, reg))
}

/// The manifest digest `images --digests` would show, read from the index.
fn stored_digest(env: &Env, id: &str) -> String {
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(env.data_home.join("berth/images.json")).unwrap())
            .unwrap();
    index
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .map(|i| i["digest"].as_str().unwrap().to_string())
        .expect("image in the index")
}

#[test]
fn pull_push_round_trip_and_run() {
    let Some((env, reg)) = registry() else { return };
    let id = env.import_busybox();
    let dest = format!("{}/test/busybox:1", reg.addr);
    let digestfile = env.work.join("digest");
    env.berth(["push", "--tls-verify=false", "busybox"])
        .arg(&dest)
        .arg("--digestfile")
        .arg(&digestfile)
        .expect_stderr()
        .output()
        .success();
    let pushed = fs::read_to_string(&digestfile).unwrap();
    assert_eq!(
        pushed,
        stored_digest(&env, &id),
        "push keeps the manifest digest"
    );

    let fresh = Env::rootless().unwrap();
    let out = fresh
        .berth(["pull", "--tls-verify=false", &dest])
        .expect_stderr()
        .output();
    out.success().stdout_eq(&format!("{id}\n"));
    out.check(
        out.stderr().contains("Copying blob"),
        "progress lines on stderr",
    );
    assert_eq!(stored_digest(&fresh, &id), pushed);
    fresh
        .berth(["images"])
        .output()
        .success()
        .stdout_contains(&format!("{}/test/busybox", reg.addr));
    fresh
        .berth(["run", "--rm", &dest, "echo", "pulled ok"])
        .output()
        .success()
        .stdout_eq("pulled ok\n");

    // A second pull of a present image: one HEAD, nothing downloaded, quiet prints the id.
    let out = fresh
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .output();
    out.success().stdout_eq(&format!("{id}\n"));
    assert_eq!(out.stderr(), "");

    // Push again from the pulled copy to another name: same digest.
    let again = format!("{}/other/bb:2", reg.addr);
    fresh
        .berth(["push", "-q", "--tls-verify=false", &dest, &again])
        .arg("--digestfile")
        .arg(fresh.work.join("d2"))
        .output()
        .success();
    assert_eq!(fs::read_to_string(fresh.work.join("d2")).unwrap(), pushed);
}

#[test]
fn pull_multi_arch_index_and_missing_platform() {
    let Some((env, reg)) = registry() else { return };
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let host = PlatformSpec::host();
    let mine = TestImage::new(&host.arch, "mine\n");
    let other_arch = if host.arch == "amd64" {
        "arm64"
    } else {
        "amd64"
    };
    let other = TestImage::new(other_arch, "other\n");
    let d1 = mine.push(&client, "test/multi", "host");
    let d2 = other.push(&client, "test/multi", "other");
    let entry = |d: &oci_spec::image::Digest, len: usize, arch: &str| {
        serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": d.to_string(), "size": len,
            "platform": {"os": "linux", "architecture": arch},
        })
    };
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [entry(&d1, mine.manifest.len(), &host.arch), entry(&d2, other.manifest.len(), other_arch)],
    }))
    .unwrap();
    client
        .put_manifest(
            "test/multi",
            "v1",
            "application/vnd.oci.image.index.v1+json",
            &index,
        )
        .unwrap();
    let name = format!("{}/test/multi:v1", reg.addr);
    let out = env
        .berth(["pull", "-q", "--tls-verify=false", &name])
        .output();
    out.success();
    let id = out.stdout().trim().to_string();
    assert_eq!(
        format!("sha256:{id}"),
        crate::registry::sha256(&mine.config).to_string()
    );
    // Present and current: the second pull answers from the index digest alone.
    env.berth(["pull", "-q", "--tls-verify=false", &name])
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));

    let out = env
        .berth([
            "pull",
            "-q",
            "--tls-verify=false",
            "--platform",
            "linux/s390x",
            &name,
        ])
        .output();
    out.code(125).stderr_contains("linux/s390x");
    out.stderr_contains(&format!("linux/{}", host.arch));
    out.stderr_contains(&format!("linux/{other_arch}"));
}

#[test]
fn login_logout_round_trip_with_htpasswd() {
    use std::os::unix::fs::PermissionsExt;
    if !have(REGISTRY_BIN) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let dir = tempfile::tempdir().unwrap();
    let htpasswd = dir.path().join("htpasswd");
    let secret = "pw-S3cr3t-xyz";
    fs::write(
        &htpasswd,
        format!("alice:{}\n", bcrypt::hash(secret, 4).unwrap()),
    )
    .unwrap();
    let reg = Registry::start(
        Setup {
            htpasswd: Some(htpasswd),
            ..Setup::default()
        },
        dir,
    );
    let mut outputs = Vec::new();
    env.import_busybox();
    let dest = format!("{}/priv/bb:1", reg.addr);

    // Without credentials: refused, with a hint to log in.
    let out = env
        .berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output();
    out.code(125).stderr_contains("berth login");
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));

    let out = env
        .berth([
            "login",
            "--tls-verify=false",
            "-u",
            "alice",
            "--password-stdin",
            &reg.addr,
        ])
        .stdin("wrong-password\n")
        .output();
    out.code(125).stderr_contains("refused");
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    assert!(!env.runtime_dir.join("containers/auth.json").exists());

    let out = env
        .berth([
            "login",
            "--tls-verify=false",
            "-u",
            "alice",
            "--password-stdin",
            &reg.addr,
        ])
        .stdin(format!("{secret}\n"))
        .output();
    out.success().stdout_eq("Login Succeeded!\n");
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let auth = env.runtime_dir.join("containers/auth.json");
    let mode = fs::metadata(&auth).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "auth.json is private");
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(&auth).unwrap()).unwrap();
    assert!(doc["auths"][&reg.addr]["auth"].is_string());

    // Logged in: push and pull work.
    let out = env
        .berth(["push", "--tls-verify=false", "busybox", &dest])
        .expect_stderr()
        .output();
    out.success();
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env
        .berth(["pull", "--tls-verify=false", &dest])
        .expect_stderr()
        .output();
    out.success();
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));

    let out = env.berth(["logout", &reg.addr]).output();
    out.success()
        .stdout_eq(&format!("Removed login credentials for {}\n", reg.addr));
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env.berth(["logout", &reg.addr]).output();
    out.code(125).stderr_contains("not logged into");
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env
        .berth([
            "pull",
            "--tls-verify=false",
            "--creds",
            &format!("alice:{secret}x"),
            &dest,
        ])
        .output();
    out.code(125);
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    for text in outputs {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
}

#[test]
fn tag_and_untag() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    env.berth(["tag", "busybox", "extra:1", "quay.io/x/y"])
        .output()
        .success();
    let out = env.berth(["images", "--format", "json"]).output();
    out.success()
        .stdout_contains("localhost/extra:1")
        .stdout_contains("quay.io/x/y:latest");
    env.berth(["run", "--rm", "extra:1", "true"])
        .output()
        .success();
    env.berth(["untag", &id[..12], "extra:1"])
        .output()
        .success();
    env.berth(["images", "--format", "json"])
        .output()
        .success()
        .stdout_lacks("localhost/extra:1")
        .stdout_contains("quay.io/x/y:latest");
    env.berth(["untag", "busybox"]).output().success();
    env.berth(["images", "--format", "json"])
        .output()
        .success()
        .stdout_lacks("quay.io/x/y")
        .stdout_lacks("localhost/busybox");
    env.berth(["untag", &id, "nosuch"])
        .output()
        .code(125)
        .stderr_contains("no name `nosuch`");
}
