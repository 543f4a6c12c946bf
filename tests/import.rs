//! `berth import`: plain, gzip and zstd rootfs tarballs, stdin, names, and `--change`.

use crate::util::{fixtures, is_image_id, Env};

/// Import `data` (written to a file) and check the image runs.
fn import_and_run(env: &Env, data: &[u8], file: &str) {
    let tar = env.write_file(file, data);
    let id = env.import_tar(&tar, "busybox");
    let out = env
        .berth(["run", "--rm", "busybox", "cat", "/etc/passwd"])
        .output();
    out.success().stdout_eq(fixtures::PASSWD);
    // The same content imports to the same image id.
    let again = env.import_tar(&tar, "busybox");
    assert_eq!(
        id, again,
        "importing the same tarball twice must give the same id"
    );
}

#[test]
fn import_plain_tar() {
    let Some(env) = Env::rootless() else { return };
    import_and_run(&env, fixtures::busybox_tar_bytes(), "rootfs.tar");
}

#[test]
fn import_gzip_tar() {
    let Some(env) = Env::rootless() else { return };
    import_and_run(
        &env,
        &fixtures::gzip(fixtures::busybox_tar_bytes()),
        "rootfs.tar.gz",
    );
}

#[test]
fn import_zstd_tar() {
    let Some(env) = Env::rootless() else { return };
    import_and_run(
        &env,
        &fixtures::zstd(fixtures::busybox_tar_bytes()),
        "rootfs.tar.zst",
    );
}

#[test]
fn import_from_stdin() {
    let Some(env) = Env::rootless() else { return };
    let out = env
        .berth(["import", "-", "fromstdin"])
        .stdin(fixtures::busybox_tar_bytes())
        .output();
    out.success();
    let id = out.stdout().trim().to_owned();
    out.check(is_image_id(&id), "import must print the 64-hex image id");
    env.berth(["images", "--format", "json"])
        .output()
        .success()
        .stdout_contains(&id)
        .stdout_contains("localhost/fromstdin:latest");
}

#[test]
fn short_name_becomes_localhost_latest() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env.berth(["images"]).output();
    out.success();
    let row = out
        .stdout_lines()
        .into_iter()
        .find(|l| l.starts_with("localhost/busybox "))
        .unwrap_or_else(|| out.fail("no row for localhost/busybox"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    out.check(cols.get(1) == Some(&"latest"), "the tag column is `latest`");
    // Every spelling of the name finds the same image.
    for name in ["busybox", "busybox:latest", "localhost/busybox:latest"] {
        env.berth(["run", "--rm", name, "true"]).output().success();
    }
}

#[test]
fn import_with_explicit_tag() {
    let Some(env) = Env::rootless() else { return };
    let tar = fixtures::busybox_tar();
    let id = env.import_tar(&tar, "example.org/team/box:v1");
    let out = env.berth(["images", "--format", "json"]).output();
    out.success()
        .stdout_contains("example.org/team/box:v1")
        .stdout_contains(&id);
    env.berth(["run", "--rm", "example.org/team/box:v1", "true"])
        .output()
        .success();
}

#[test]
fn change_cmd_env_workdir_user_are_honoured() {
    let Some(env) = Env::rootless() else { return };
    let tar = fixtures::busybox_tar();
    // No spaces inside the values: podman splits `--change` at the first space or `=`.
    env.berth([
        "import",
        "--change",
        r#"CMD=["/bin/env"]"#,
        "--change",
        "ENV=FOO=bar",
        "--change",
        "WORKDIR=/home/tester",
        "--change",
        "USER=tester",
    ])
    .arg(&tar)
    .arg("changed")
    .output()
    .success();
    // CMD runs when no command is given, with the image's ENV.
    env.berth(["run", "--rm", "changed"])
        .output()
        .success()
        .stdout_contains("FOO=bar\n");
    env.berth([
        "run",
        "--rm",
        "changed",
        "sh",
        "-c",
        "echo $FOO; pwd; id -u",
    ])
    .output()
    .success()
    .stdout_eq("bar\n/home/tester\n1000\n");
    // Flags on `run` override what the image says.
    env.berth([
        "run",
        "--rm",
        "-e",
        "FOO=baz",
        "-w",
        "/tmp",
        "-u",
        "0",
        "changed",
        "sh",
        "-c",
        "echo $FOO; pwd; id -u",
    ])
    .output()
    .success()
    .stdout_eq("baz\n/tmp\n0\n");
}

#[test]
fn change_entrypoint_is_honoured() {
    let Some(env) = Env::rootless() else { return };
    let tar = fixtures::busybox_tar();
    env.berth([
        "import",
        "--change",
        r#"ENTRYPOINT=["/bin/echo","from-entrypoint"]"#, // no spaces: see above
    ])
    .arg(&tar)
    .arg("ep")
    .output()
    .success();
    env.berth(["run", "--rm", "ep", "arg1", "arg2"])
        .output()
        .success()
        .stdout_eq("from-entrypoint arg1 arg2\n");
}

#[test]
fn import_of_missing_file_fails() {
    let Some(env) = Env::rootless() else { return };
    let missing = env.work.join("no-such.tar");
    let out = env.berth(["import"]).arg(&missing).arg("x").output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("no-such.tar");
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}

#[test]
fn import_of_garbage_fails() {
    let Some(env) = Env::rootless() else { return };
    let bad = env.write_file("garbage.tar", &[0x5a; 4096]);
    let out = env.berth(["import"]).arg(&bad).arg("x").output();
    out.code(125).stderr_contains("Error: ");
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}
