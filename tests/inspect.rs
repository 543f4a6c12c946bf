//! `inspect`, `rename`, `container exists|prune|ls`, `diff` and `export`.

use std::time::Duration;

use crate::util::{wait_until, Env};

fn json(out: &crate::util::command::Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout()).unwrap_or_else(|e| out.fail(&format!("not JSON: {e}")))
}

/// The entries of a tar archive: (path, uid, contents).
fn tar_entries(bytes: &[u8]) -> Vec<(String, u64, Vec<u8>)> {
    let mut archive = tar::Archive::new(bytes);
    archive
        .entries()
        .expect("a tar archive")
        .map(|e| {
            let mut e = e.expect("a tar entry");
            let path = e.path().expect("entry path").to_string_lossy().into_owned();
            let uid = e.header().uid().expect("uid");
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).expect("entry data");
            (path, uid, data)
        })
        .collect()
}

#[test]
fn inspect_containers_and_images() {
    let Some(env) = Env::rootless() else { return };
    let image_id = env.import_busybox();
    env.berth([
        "run", "--name", "insp", "-e", "A=1", "busybox", "sh", "-c", "exit 3",
    ])
    .output()
    .code(3);
    let out = env.berth(["inspect", "insp"]).output();
    out.success();
    let v = json(&out);
    let c = &v[0];
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(c["Name"], "insp");
    assert_eq!(c["Id"].as_str().map(str::len), Some(64));
    assert_eq!(c["Image"], image_id.as_str());
    assert_eq!(c["ImageName"], "localhost/busybox:latest");
    assert_eq!(c["Path"], "sh");
    assert_eq!(c["Args"], serde_json::json!(["-c", "exit 3"]));
    assert_eq!(c["State"]["Status"], "exited");
    assert_eq!(c["State"]["Running"], false);
    assert_eq!(c["State"]["ExitCode"], 3);
    assert!(c["Config"]["Env"]
        .as_array()
        .is_some_and(|e| e.iter().any(|x| x == "A=1")));
    assert_eq!(c["HostConfig"]["AutoRemove"], false);

    // Containers first, then images; one template line each.
    let out = env
        .berth(["inspect", "--format", "{{.Id}}", "insp", "busybox"])
        .output();
    out.success();
    let lines = out.stdout_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], c["Id"].as_str().unwrap());
    assert_eq!(lines[1], image_id);

    env.berth([
        "inspect",
        "-f",
        "{{.State.Status}} {{.State.ExitCode}}",
        "insp",
    ])
    .output()
    .success()
    .stdout_eq("exited 3\n");
    env.berth(["container", "inspect", "--format", "{{.Name}}", "insp"])
        .output()
        .success()
        .stdout_eq("insp\n");

    let out = env
        .berth(["inspect", "--type", "image", "busybox"])
        .output();
    out.success();
    let img = &json(&out)[0];
    assert_eq!(img["Id"], image_id.as_str());
    assert_eq!(
        img["RepoTags"],
        serde_json::json!(["localhost/busybox:latest"])
    );
    assert_eq!(img["RootFS"]["Layers"].as_array().map(Vec::len), Some(1));
    assert!(img["Digest"]
        .as_str()
        .is_some_and(|d| d.starts_with("sha256:")));

    // A container is not an image, and unknown names are an error.
    env.berth(["inspect", "--type", "image", "insp"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("no such object");
    env.berth(["inspect", "nothing-here"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("no such object: `nothing-here`");
    env.berth(["inspect", "-f", "{{define \"x\"}}{{end}}", "insp"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("unsupported action");

    // Go-template pipelines, parentheses, range and if, as podman's --format takes them.
    env.berth([
        "inspect",
        "-f",
        "{{.Name | upper}} {{range .Args}}<{{.}}>{{end}} {{(index .Args 1)}} {{if eq .State.ExitCode 3}}three{{end}}",
        "insp",
    ])
    .output()
    .success()
    .stdout_eq("INSP <-c><exit 3> exit 3 three\n");
    // podman's fields: the image digest and the log configuration.
    let out = env
        .berth([
            "inspect",
            "-f",
            "{{.ImageDigest}} {{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Path}} {{.HostConfig.LogConfig.Size}}",
            "insp",
        ])
        .output();
    out.success();
    let text = out.stdout();
    let fields: Vec<&str> = text.split_whitespace().collect();
    out.check(
        fields.len() == 4 && fields[0] == img["Digest"] && fields[1] == "k8s-file",
        "ImageDigest is the image's digest, LogConfig.Type k8s-file",
    );
    out.check(
        fields[2].ends_with("ctr.log") && fields[3] == "0B",
        "LogConfig.Path is the log file, Size 0B without --log-opt max-size",
    );
}

#[test]
fn rename_and_exists() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "old", "busybox", "true"])
        .output()
        .success();
    env.berth(["run", "--name", "other", "busybox", "true"])
        .output()
        .success();
    env.berth(["rename", "old", "new"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["container", "exists", "new"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["container", "exists", "old"])
        .output()
        .code(1)
        .stdout_eq("");
    env.berth(["inspect", "-f", "{{.Name}}", "new"])
        .output()
        .success()
        .stdout_eq("new\n");
    // A name in use is refused, and nothing changes.
    env.berth(["rename", "new", "other"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("already in use");
    env.berth(["container", "exists", "new"]).output().success();
    // The old name is free again.
    env.berth(["run", "--name", "old", "busybox", "true"])
        .output()
        .success();
}

#[test]
fn prune_removes_only_stopped_containers() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for name in ["p1", "p2"] {
        env.berth(["run", "--name", name, "busybox", "true"])
            .output()
            .success();
    }
    env.berth(["run", "-d", "--name", "up", "busybox", "sleep", "60"])
        .output()
        .success();
    let full = |name: &str| {
        env.berth(["inspect", "-f", "{{.Id}}", name])
            .output()
            .success()
            .stdout()
            .trim()
            .to_owned()
    };
    let mut want = vec![full("p1"), full("p2")];
    want.sort();
    let out = env.berth(["container", "prune", "-f"]).output();
    out.success();
    let mut got = out.stdout_lines();
    got.sort();
    assert_eq!(got, want);
    env.berth(["container", "ls", "-a", "--format", "json"])
        .output()
        .success()
        .stdout_contains("\"up\"")
        .stdout_lacks("p1");
    env.berth(["rm", "-f", "up"]).output().success();
}

#[test]
fn diff_lists_added_changed_and_deleted() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "d",
        "busybox",
        "sh",
        "-c",
        "echo x > /etc/new && rm /bin/ls && echo y >> /etc/passwd && mkdir /tmp/priv && chown 1000:1000 /tmp/priv && chmod 700 /tmp/priv && touch /tmp/priv/f",
    ])
    .output()
    .success();
    let out = env.berth(["diff", "d"]).output();
    out.success();
    let lines = out.stdout_lines();
    for want in [
        "A /etc/new",
        "D /bin/ls",
        "C /etc/passwd",
        "C /etc",
        "A /tmp/priv/f",
    ] {
        out.check(
            lines.iter().any(|l| l == want),
            &format!("missing `{want}`"),
        );
    }
    out.check(
        !lines.iter().any(|l| l.ends_with(" /bin/sh")),
        "unchanged files are not listed",
    );
    out.check(
        !lines
            .iter()
            .any(|l| l.ends_with(" /run/.containerenv") || l.ends_with(" /etc/resolv.conf")),
        "the engine's own mount points are not the container's changes",
    );
    let out = env.berth(["diff", "--format", "json", "d"]).output();
    out.success();
    let v = json(&out);
    assert!(v["deleted"]
        .as_array()
        .is_some_and(|d| d.iter().any(|p| p == "/bin/ls")));
    assert!(v["added"]
        .as_array()
        .is_some_and(|d| d.iter().any(|p| p == "/etc/new")));
    env.berth(["diff", "nope"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("nope");
}

#[test]
fn export_stopped_and_running_containers() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "ex",
        "busybox",
        "sh",
        "-c",
        "echo secret > /root/s && chown 1000:1000 /root/s && chmod 600 /root/s && rm /bin/ls",
    ])
    .output()
    .success();
    let out = env.berth(["export", "ex"]).output();
    out.success();
    let entries = tar_entries(&out.stdout);
    let s = entries
        .iter()
        .find(|e| e.0 == "root/s")
        .unwrap_or_else(|| out.fail("no root/s in the export"));
    assert_eq!((s.1, s.2.as_slice()), (1000, &b"secret\n"[..]));
    assert!(entries.iter().any(|e| e.0 == "bin/sh"), "the image's files");
    assert!(!entries.iter().any(|e| e.0 == "bin/ls"), "deleted files");

    // -o, and a running container.
    env.berth([
        "run",
        "-d",
        "--name",
        "live",
        "busybox",
        "sh",
        "-c",
        "echo here > /live; sleep 60",
    ])
    .output()
    .success();
    let file = env.work.join("live.tar");
    let mut found = false;
    wait_until(Duration::from_secs(10), || {
        let out = env.berth(["export", "-o", "live.tar", "live"]).output();
        out.success();
        let bytes = std::fs::read(&file).expect("the -o file");
        found = tar_entries(&bytes)
            .iter()
            .any(|e| e.0 == "live" && e.2 == b"here\n");
        found
    });
    assert!(found, "the running container's new file is exported");
    env.berth(["rm", "-f", "live"]).output().success();
}

#[test]
fn diff_latest_picks_the_newest_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "older", "busybox", "touch", "/older"])
        .output()
        .success();
    env.berth(["run", "--name", "newer", "busybox", "touch", "/newer"])
        .output()
        .success();
    let out = env.berth(["diff", "--format", "json", "-l"]).output();
    out.success();
    let v = json(&out);
    let added = v["added"].as_array().expect("added");
    assert!(added.iter().any(|p| p == "/newer"), "{}", out.report());
    assert!(!added.iter().any(|p| p == "/older"), "{}", out.report());
    env.berth(["diff", "-l", "older"])
        .expect_stderr()
        .output()
        .code(125);
}
