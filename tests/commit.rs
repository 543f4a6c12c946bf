//! `commit` (then `run` of the new image) and `cp`, including symlinks that point out of
//! the container.

use std::fs;

use crate::util::Env;

#[test]
fn commit_then_run_sees_changed_and_deleted_files() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "src",
        "busybox",
        "sh",
        "-c",
        // A new file, a changed one, a deleted one, and a directory replaced whole (opaque).
        "echo hi > /etc/greeting && echo extra >> /etc/group && rm /bin/ls && rm -rf /home && mkdir /home && echo only > /home/only",
    ])
    .output()
    .success();
    let out = env
        .berth([
            "commit",
            "-m",
            "my message",
            "--author",
            "Tester <t@example.com>",
            "-c",
            "ENV FOO=bar",
            "-c",
            "CMD [\"cat\", \"/etc/greeting\"]",
            "src",
            "committed",
        ])
        .output();
    out.success();
    let id = out.stdout().trim().to_owned();
    out.check(
        id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "commit prints the image id",
    );
    // The --change CMD is the new default command.
    env.berth(["run", "--rm", "committed"])
        .output()
        .success()
        .stdout_eq("hi\n");
    env.berth([
        "run",
        "--rm",
        "committed",
        "sh",
        "-c",
        "echo $FOO; tail -n1 /etc/group; test -e /bin/ls || echo ls-gone; ls /home",
    ])
    .output()
    .success()
    .stdout_eq("bar\nextra\nls-gone\nonly\n");
    let out = env
        .berth(["inspect", "-f", "{{.Id}} {{.Author}}", "committed"])
        .output();
    out.success()
        .stdout_eq(&format!("{id} Tester <t@example.com>\n"));
    let out = env
        .berth(["inspect", "--type", "image", "committed"])
        .output();
    out.success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    assert_eq!(v[0]["RootFS"]["Layers"].as_array().map(Vec::len), Some(2));
    let history = v[0]["History"].as_array().expect("history");
    assert_eq!(history.last().unwrap()["comment"], "my message");
    // A bad --change is refused before anything is written.
    env.berth(["commit", "-c", "BOGUS x", "src", "other"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("BOGUS");
}

#[test]
fn cp_both_ways_on_a_stopped_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "box",
        "busybox",
        "sh",
        "-c",
        "mkdir -p /data/sub && echo inside > /data/sub/f && chown -R 1000:1000 /data && chmod 700 /data/sub",
    ])
    .output()
    .success();
    // Host to container: a file into a directory, a directory under a new name.
    env.write_file("host.txt", b"from host\n");
    let dir = env.make_dir("hostdir/nested");
    fs::write(dir.join("n"), b"nested\n").expect("write");
    env.give_to_user(&env.work.join("hostdir"));
    env.berth(["cp", "host.txt", "box:/tmp"]).output().success();
    env.berth(["cp", "hostdir", "box:/copied"])
        .output()
        .success();
    // Container to host: a file owned by a subordinate id in a private directory.
    env.berth(["cp", "box:/data/sub/f", "out.txt"])
        .output()
        .success();
    assert_eq!(
        fs::read(env.work.join("out.txt")).expect("out.txt"),
        b"inside\n"
    );
    env.berth(["cp", "box:/data", "outdir"]).output().success();
    assert_eq!(
        fs::read(env.work.join("outdir/sub/f")).expect("outdir/sub/f"),
        b"inside\n"
    );
    env.berth(["cp", "box:/tmp/host.txt", "back.txt"])
        .output()
        .success();
    assert_eq!(
        fs::read(env.work.join("back.txt")).expect("back"),
        b"from host\n"
    );
    env.berth(["cp", "box:/copied/nested/n", "n.txt"])
        .output()
        .success();
    assert_eq!(fs::read(env.work.join("n.txt")).expect("n"), b"nested\n");

    // Tar streams: out on stdout, in on stdin.
    let out = env.berth(["cp", "box:/data/sub/f", "-"]).output();
    out.success();
    let mut archive = tar::Archive::new(out.stdout.as_slice());
    let names: Vec<String> = archive
        .entries()
        .expect("tar")
        .map(|e| {
            e.expect("entry")
                .path()
                .expect("path")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["f"]);
    env.berth(["cp", "-", "box:/tmp"])
        .stdin(out.stdout.clone())
        .output()
        .success();
    env.berth(["cp", "box:/tmp/f", "f2.txt"]).output().success();
    assert_eq!(fs::read(env.work.join("f2.txt")).expect("f2"), b"inside\n");

    env.berth(["cp", "box:/no/such", "x"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_is_one_error();
    env.berth(["cp", "a", "b"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("CONTAINER:PATH");
}

#[test]
fn cp_never_follows_a_symlink_out_of_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let outside = env.make_dir("outside");
    env.write_file("outside/secret", b"host secret\n");
    let abs = outside.display().to_string();
    let rel = format!("../../../../../../../../../..{abs}");
    env.berth([
        "run",
        "--name",
        "trap",
        "busybox",
        "sh",
        "-c",
        &format!("ln -s {abs} /abs && ln -s {rel} /rel && ln -s /tmp /tmplink"),
    ])
    .output()
    .success();
    for link in ["abs", "rel"] {
        // Into the container through the link: refused, or kept inside; never on the host.
        let _ = env
            .berth(["cp", "outside/secret", &format!("trap:/{link}/planted")])
            .expect_stderr()
            .output();
        assert!(
            !outside.join("planted").exists(),
            "cp wrote through /{link} onto the host"
        );
        // Out of the container through the link: the host's file never comes back.
        let out = env
            .berth(["cp", &format!("trap:/{link}/secret"), "-"])
            .expect_stderr()
            .output();
        out.check(
            !out.stdout.windows(11).any(|w| w == b"host secret"),
            "cp read the host's file through a symlink",
        );
    }
    // A link that stays inside is resolved inside.
    env.write_file("in.txt", b"in\n");
    env.berth(["cp", "in.txt", "trap:/tmplink/"])
        .output()
        .success();
    env.berth(["cp", "trap:/tmp/in.txt", "in-back.txt"])
        .output()
        .success();
    assert_eq!(
        fs::read(env.work.join("in-back.txt")).expect("back"),
        b"in\n"
    );
    // Copying the link itself follows it, as podman does, inside the container: there
    // the host path does not exist, so nothing is copied.
    env.berth(["cp", "trap:/abs", "link-copy"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("could not be found on container trap");
    assert!(fs::symlink_metadata(env.work.join("link-copy")).is_err());
}

#[test]
fn cp_into_a_running_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "-d", "--name", "run", "busybox", "sleep", "60"])
        .output()
        .success();
    env.write_file("live.txt", b"live\n");
    env.berth(["cp", "live.txt", "run:/live.txt"])
        .output()
        .success();
    env.berth(["cp", "run:/live.txt", "-"])
        .output()
        .success()
        .stdout_contains("live\n");
    env.berth(["cp", "run:/etc/passwd", "passwd"])
        .output()
        .success();
    assert!(fs::read(env.work.join("passwd")).is_ok_and(|p| p.starts_with(b"root:")));
    env.berth(["rm", "-f", "run"]).output().success();
}
