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
        .stderr_contains("nosuch: tag not known");
}

/// Make the registry at `addr` insecure (plain HTTP) in the env's registries.conf.
fn insecure_conf(env: &Env, addr: &str) {
    let dir = env.config_home.join("containers");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("registries.conf"),
        format!("[[registry]]\nlocation = \"{addr}\"\ninsecure = true\n"),
    )
    .unwrap();
    env.give_to_user(&env.config_home);
}

#[test]
fn run_pulls_a_missing_image_and_pull_never_refuses() {
    let Some((env, reg)) = registry() else { return };
    env.import_busybox();
    let dest = format!("{}/test/runpull:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output()
        .success();
    let fresh = Env::rootless().unwrap();
    insecure_conf(&fresh, &reg.addr);
    fresh
        .berth(["run", "--rm", "--pull=never", &dest, "true"])
        .output()
        .code(125)
        .stderr_contains("image not known");
    fresh
        .berth(["run", "--rm", &dest, "echo", "auto"])
        .expect_stderr()
        .output()
        .success()
        .stdout_eq("auto\n");
    // Present now: `missing` does not touch the network (the registry is gone).
    drop(reg);
    let out = fresh
        .berth(["run", "--rm", &dest, "echo", "again"])
        .output();
    out.success().stdout_eq("again\n");
    assert_eq!(out.stderr(), "");
    // `newer` asks the registry; when it cannot, it warns and uses the local image.
    let out = fresh
        .berth(["run", "--rm", "--pull=newer", &dest, "echo", "newer"])
        .expect_stderr()
        .output();
    out.success()
        .stdout_eq("newer\n")
        .stderr_contains("warning: could not check for a newer");
    // `always` fails without the registry.
    fresh
        .berth(["run", "--rm", "--pull=always", &dest, "true"])
        .expect_stderr()
        .output()
        .code(125);
}

#[test]
fn pull_newer_fetches_a_changed_image() {
    let Some((env, reg)) = registry() else { return };
    env.import_busybox();
    let dest = format!("{}/test/newer:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output()
        .success();
    let fresh = Env::rootless().unwrap();
    insecure_conf(&fresh, &reg.addr);
    fresh.berth(["pull", "-q", &dest]).output().success();
    let before = fresh
        .berth(["image", "inspect", "--format", "{{.Id}}", &dest])
        .output()
        .success()
        .stdout();
    // The registry's image changes under the same tag.
    let out = env
        .berth(["import", "--change", "LABEL v=2"])
        .arg(crate::util::fixtures::busybox_tar())
        .arg("localhost/changed")
        .output();
    out.success();
    env.berth([
        "push",
        "-q",
        "--tls-verify=false",
        "localhost/changed",
        &dest,
    ])
    .output()
    .success();
    fresh
        .berth(["run", "--rm", "--pull=newer", &dest, "true"])
        .expect_stderr()
        .output()
        .success();
    let after = fresh
        .berth(["image", "inspect", "--format", "{{.Labels.v}}", &dest])
        .output()
        .success()
        .stdout();
    assert_eq!(
        after, "2\n",
        "the newer image was pulled (before: {before})"
    );
}

#[test]
fn pull_refuses_a_corrupt_blob_and_stores_nothing() {
    let Some((env, reg)) = registry() else { return };
    let client = Client::new(&reg.addr, insecure()).unwrap();
    let img = TestImage::new(&PlatformSpec::host().arch, "corrupt\n");
    img.push(&client, "test/bad", "v1");
    // Flip a byte of the layer in the registry's storage: the digest no longer matches.
    let layer = reg.blob_file(&crate::registry::sha256(&img.layer));
    let mut bytes = fs::read(&layer).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&layer, &bytes).unwrap();
    let name = format!("{}/test/bad:v1", reg.addr);
    let out = env
        .berth(["pull", "-q", "--tls-verify=false", &name])
        .output();
    out.code(125).stderr_contains("digest mismatch");
    env.berth(["images", "-q"]).output().success().stdout_eq("");
    let blobs = env.data_home.join("berth/blobs/sha256");
    let kept: Vec<_> = fs::read_dir(&blobs)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .filter(|n| n.as_str() == crate::registry::sha256(&img.layer).digest())
        .collect();
    assert!(kept.is_empty(), "the bad blob was stored: {kept:?}");
    // Truncated: shorter than the manifest says.
    bytes.truncate(bytes.len() / 2);
    fs::write(&layer, &bytes).unwrap();
    env.berth(["pull", "-q", "--tls-verify=false", &name])
        .output()
        .code(125);
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}

#[test]
fn interrupted_and_concurrent_pulls_complete() {
    use nix::sys::signal::Signal;
    let Some((env, reg)) = registry() else { return };
    env.import_busybox();
    let dest = format!("{}/test/kill:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output()
        .success();

    // kill -9 at some moment of the pull: whatever is listed afterwards must be whole.
    let fresh = Env::rootless().unwrap();
    let running = fresh
        .berth(["pull", "--tls-verify=false", &dest])
        .expect_stderr()
        .spawn();
    running.signal(Signal::SIGKILL);
    let _ = running.wait();
    let listed = fresh.berth(["images", "-q"]).output();
    listed.success();
    if !listed.stdout().trim().is_empty() {
        fresh
            .berth(["run", "--rm", &dest, "true"])
            .output()
            .success();
    }
    fresh
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .output()
        .success();
    fresh
        .berth(["run", "--rm", &dest, "echo", "whole"])
        .output()
        .success()
        .stdout_eq("whole\n");

    // A partial download left by a killed pull is removed by the next command and fetched
    // again; leftovers are found and repaired.
    let other = Env::rootless().unwrap();
    let blobs = other.data_home.join("berth/blobs/sha256");
    fs::create_dir_all(&blobs).unwrap();
    let layer_hex = {
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(env.data_home.join("berth/images.json")).unwrap())
                .unwrap();
        let id = m[0]["id"].as_str().unwrap().to_string();
        let manifest: serde_json::Value = serde_json::from_slice(
            &fs::read(
                env.data_home
                    .join("berth/images")
                    .join(&id)
                    .join("manifest.json"),
            )
            .unwrap(),
        )
        .unwrap();
        manifest["layers"][0]["digest"].as_str().unwrap()[7..].to_string()
    };
    let full = fs::read(env.data_home.join("berth/blobs/sha256").join(&layer_hex)).unwrap();
    fs::write(
        blobs.join(format!(".partial-{layer_hex}")),
        &full[..full.len() / 3],
    )
    .unwrap();
    other.give_to_user(&other.data_home);

    // Two pulls at once: both succeed.
    let a = other
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .spawn();
    let b = other
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .spawn();
    let (oa, ob) = (a.wait(), b.wait());
    oa.success();
    ob.success();
    assert_eq!(oa.stdout(), ob.stdout());
    let out = other.berth(["images", "-q"]).output();
    assert_eq!(out.stdout_lines().len(), 1, "{}", out.report());
    // The partial download was resumed and renamed into place.
    assert!(!blobs.join(format!(".partial-{layer_hex}")).exists());
    assert!(blobs.join(&layer_hex).is_file());
    // Leftovers are found and repaired.
    fs::write(blobs.join(".tmp-leftover"), b"x").unwrap();
    other.give_to_user(&blobs.join(".tmp-leftover"));
    other
        .berth(["system", "check"])
        .output()
        .code(1)
        .stdout_contains(".tmp-leftover");
    other
        .berth(["system", "check", "--repair"])
        .output()
        .success();
    other
        .berth(["system", "check"])
        .output()
        .success()
        .stdout_eq("no problems found\n");
}

#[test]
fn history_and_prune() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    let out = env.berth(["history", "busybox"]).output();
    out.success()
        .stdout_contains("ID            CREATED")
        .stdout_contains("CREATED BY")
        .stdout_contains("COMMENT")
        .stdout_contains(&id[..12]);
    env.berth(["history", "-q", "busybox"])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &id[..12]));
    // Named: `prune` keeps it; `prune -a` removes it.
    env.berth(["image", "prune"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["image", "prune", "-a"])
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}

#[test]
fn pull_on_a_terminal_draws_progress_bars() {
    let Some((env, reg)) = registry() else { return };
    if !crate::util::require(crate::util::Need::Setsid) {
        return;
    }
    env.import_busybox();
    let dest = format!("{}/test/bars:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output()
        .success();
    let fresh = Env::rootless().unwrap();
    let run = crate::util::pty::PtyRun::spawn(
        &fresh.berth(["pull", "--tls-verify=false", &dest]),
        24,
        100,
    );
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    // The bar: `Copying blob <id> [=====] 1.02 MiB / 1.02 MiB done`.
    assert!(
        text.contains("Copying blob") && text.contains("[===") && text.contains("done"),
        "a progress bar per blob on a terminal:\n{text}"
    );
}

#[test]
fn cli_pull_over_tls_trusts_certs_d() {
    if !have(REGISTRY_BIN) || !have("openssl") {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (ca, crt, key) = crate::registry::make_ca(dir.path());
    let reg = Registry::start(
        Setup {
            tls: Some((crt, key)),
            ..Setup::default()
        },
        dir,
    );
    env.import_busybox();
    let dest = format!("{}/test/tls:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .output()
        .success();

    // TLS is verified by default: an unknown CA is refused, with the certs.d hint.
    let fresh = Env::rootless().unwrap();
    let out = fresh.berth(["pull", "-q", &dest]).output();
    out.code(125)
        .stderr_contains("certs.d")
        .stderr_contains(&reg.addr);
    // certs.d/<host:port>/ca.crt under $XDG_CONFIG_HOME/containers makes it trusted.
    let certs = fresh.config_home.join("containers/certs.d").join(&reg.addr);
    fs::create_dir_all(&certs).unwrap();
    fs::copy(&ca, certs.join("ca.crt")).unwrap();
    fresh.give_to_user(&fresh.config_home);
    fresh.berth(["pull", "-q", &dest]).output().success();
    fresh
        .berth(["run", "--rm", "--pull=never", &dest, "echo", "over tls"])
        .output()
        .success()
        .stdout_eq("over tls\n");
}

#[test]
fn cli_login_push_pull_with_bearer_tokens() {
    if !have(REGISTRY_BIN) || !have("openssl") {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let dir = tempfile::tempdir().unwrap();
    let secret = "tok-S3cret-pw";
    let issuer = crate::registry::Issuer::start(dir.path(), "bob", "tok-S3cret-pw", 60);
    let reg = Registry::start(
        Setup {
            token: Some((
                format!("http://{}/token", issuer.server.addr),
                "berth-test-registry".into(),
                "berth-test-issuer".into(),
                dir.path().join("tok.crt"),
            )),
            ..Setup::default()
        },
        tempfile::tempdir().unwrap(),
    );
    insecure_conf(&env, &reg.addr);
    env.import_busybox();
    let dest = format!("{}/priv/tok:1", reg.addr);
    let mut outputs = Vec::new();

    // Anonymous tokens grant pull only: the push is refused with a hint to log in.
    let out = env.berth(["push", "-q", "busybox", &dest]).output();
    out.code(125);
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env
        .berth(["login", "-u", "bob", "--password-stdin", &reg.addr])
        .stdin("not-the-password\n")
        .output();
    out.code(125);
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env
        .berth(["login", "-u", "bob", "--password-stdin", &reg.addr])
        .stdin(format!("{secret}\n"))
        .output();
    out.success().stdout_contains("Login Succeeded");
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let out = env
        .berth(["push", "busybox", &dest])
        .expect_stderr()
        .output();
    out.success();
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    let issued = issuer.issued.load(std::sync::atomic::Ordering::SeqCst);
    assert!(issued >= 2, "berth asked the issuer for tokens ({issued})");

    // Another store pulls it anonymously (the issuer grants pull to everyone).
    let fresh = Env::rootless().unwrap();
    insecure_conf(&fresh, &reg.addr);
    let out = fresh.berth(["pull", &dest]).expect_stderr().output();
    out.success();
    outputs.push(format!("{}{}", out.stdout(), out.stderr()));
    for text in &outputs {
        assert!(!text.contains(secret), "a credential was printed:\n{text}");
    }
}
