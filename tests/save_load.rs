//! `save` and `load` in each format, and with skopeo: what berth saves skopeo reads, and
//! what skopeo writes berth loads.

use std::process::Command;

use crate::registry::have;
use crate::util::Env;

fn skopeo(args: &[&str]) {
    let out = Command::new("skopeo")
        .args(["--insecure-policy"])
        .args(args)
        .output()
        .expect("run skopeo");
    assert!(
        out.status.success(),
        "skopeo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Load `path` into a fresh store and run the image (by `name`, else by the printed id).
/// skopeo re-serialises the config when it converts formats, so its copies get new ids.
fn load_and_run(path: &std::path::Path, name: &str) -> Env {
    let fresh = Env::rootless().unwrap();
    let out = fresh.berth(["load", "-i"]).arg(path).output();
    out.success();
    let target = if name.is_empty() {
        let text = out.stdout();
        let id = text
            .trim()
            .strip_prefix("Loaded image: sha256:")
            .unwrap_or_else(|| out.fail("load must print the image id"));
        id.to_string()
    } else {
        out.stdout_eq(&format!("Loaded image: {name}\n"));
        name.to_string()
    };
    fresh
        .berth(["run", "--rm", &target, "echo", "loaded ok"])
        .output()
        .success()
        .stdout_eq("loaded ok\n");
    fresh
}

#[test]
fn save_load_round_trip_each_format() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    for (format, file) in [
        ("docker-archive", "d.tar"),
        ("oci-archive", "o.tar"),
        ("oci-dir", "odir"),
    ] {
        let path = env.work.join(file);
        env.berth(["save", "--format", format, "-o"])
            .arg(&path)
            .arg("busybox")
            .output()
            .success();
        let fresh = load_and_run(&path, "localhost/busybox:latest");
        let ids = fresh.berth(["images", "-q", "--no-trunc"]).output();
        ids.success().stdout_contains(&id);
    }
    // From stdin, and the same image loaded twice is one image.
    let data = std::fs::read(env.work.join("o.tar")).unwrap();
    env.berth(["load", "-q"])
        .stdin(data)
        .output()
        .success()
        .stdout_eq("");
    let out = env.berth(["images", "-q"]).output();
    out.success();
    assert_eq!(out.stdout_lines().len(), 1, "{}", out.report());
    // Not an archive.
    let junk = env.write_file("junk.tar", b"definitely not a tar archive");
    env.berth(["load", "-i"]).arg(&junk).output().code(125);
}

#[test]
fn save_load_interop_with_skopeo() {
    if !have("skopeo") {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let saved = env.work.join("b.tar");
    env.berth(["save", "-o"])
        .arg(&saved)
        .arg("busybox")
        .output()
        .success();
    // berth's docker-archive → skopeo → an OCI layout and an oci-archive → berth.
    let scratch = tempfile::tempdir().unwrap();
    let layout = scratch.path().join("layout");
    skopeo(&[
        "copy",
        &format!("docker-archive:{}", saved.display()),
        &format!("oci:{}:v1", layout.display()),
    ]);
    let oci_tar = scratch.path().join("s-oci.tar");
    skopeo(&[
        "copy",
        &format!("docker-archive:{}", saved.display()),
        &format!("oci-archive:{}:localhost/viaskopeo:2", oci_tar.display()),
    ]);
    // berth's oci-archive → skopeo → docker-archive → berth.
    let saved_oci = env.work.join("b-oci.tar");
    env.berth(["save", "--format", "oci-archive", "-o"])
        .arg(&saved_oci)
        .arg("busybox")
        .output()
        .success();
    let dock = scratch.path().join("s-dock.tar");
    skopeo(&[
        "copy",
        &format!("oci-archive:{}", saved_oci.display()),
        &format!("docker-archive:{}:localhost/back:3", dock.display()),
    ]);
    for p in [&layout, &oci_tar, &dock] {
        env.give_to_user(p);
    }
    std::fs::set_permissions(
        scratch.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let _ = load_and_run(&layout, "");
    let _ = load_and_run(&oci_tar, "localhost/viaskopeo:2");
    let _ = load_and_run(&dock, "localhost/back:3");
}

#[test]
fn save_multi_image_archive_and_uncompressed_oci_layers() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["tag", "busybox", "localhost/second:v2"])
        .output()
        .success();
    let multi = env.work.join("m.tar");
    env.berth(["save", "-m", "-o"])
        .arg(&multi)
        .args(["busybox", "localhost/second:v2"])
        .output()
        .success();
    let fresh = Env::rootless().unwrap();
    fresh.berth(["load", "-i"]).arg(&multi).output().success();
    fresh
        .berth(["image", "exists", "localhost/second:v2"])
        .output()
        .success();
    fresh
        .berth(["image", "exists", "busybox"])
        .output()
        .success();

    // --uncompressed: each layer blob of the oci-archive is a plain tar, and it loads.
    let oci = env.work.join("u.tar");
    env.berth(["save", "--format", "oci-archive", "--uncompressed", "-o"])
        .arg(&oci)
        .arg("busybox")
        .output()
        .success();
    let mut archive = tar::Archive::new(std::fs::File::open(&oci).unwrap());
    let mut tars = 0;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let mut head = vec![0u8; 512];
        if entry.path().unwrap().starts_with("blobs")
            && std::io::Read::read_exact(&mut entry, &mut head).is_ok()
            && &head[257..262] == b"ustar"
        {
            tars += 1;
        }
    }
    assert!(tars >= 1, "no uncompressed layer in the oci-archive");
    let fresh = load_and_run(&oci, "localhost/busybox:latest");
    drop(fresh);
}
