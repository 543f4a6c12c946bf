//! `ps` and `rm`, honest state, and the fuse-overlayfs rootfs.

use std::time::Duration;

use nix::sys::signal::Signal;

use crate::util::{unique, wait_until, Env};

#[test]
fn ps_lists_running_and_exited_containers() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "done", "busybox", "sh", "-c", "exit 4"])
        .output()
        .code(4);
    let out = env.berth(["ps", "-a"]).output();
    out.success();
    let lines = out.stdout_lines();
    assert!(
        lines[0].starts_with("CONTAINER ID  IMAGE"),
        "podman's header: {lines:?}"
    );
    let row = lines
        .iter()
        .find(|l| l.ends_with("done"))
        .expect("a row for `done`");
    assert!(row.contains("Exited (4)"), "status column: {row}");
    assert!(
        row.contains("localhost/busybox:latest"),
        "image column: {row}"
    );
    // Without -a only running containers are listed.
    env.berth(["ps"]).output().success().stdout_lacks("done");

    let mut running = env
        .berth([
            "run",
            "--name",
            "up",
            "busybox",
            "sh",
            "-c",
            "echo ready; sleep 60",
        ])
        .spawn();
    running.wait_for_line("ready");
    let out = env.berth(["ps", "--format", "json"]).output();
    out.success();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 1, "only the running container: {rows:?}");
    assert_eq!(rows[0]["Names"][0], "up");
    assert_eq!(rows[0]["State"], "running");
    let ids = env.berth(["ps", "-aq"]).output();
    assert_eq!(ids.success().stdout_lines().len(), 2);
    running.signal(Signal::SIGKILL);
    let _ = running.wait();
}

#[test]
fn rm_removes_exited_and_refuses_running_without_force() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // A container that wrote files as a subordinate id: only the session can delete them.
    env.berth([
        "run",
        "--name",
        "gone",
        "busybox",
        "sh",
        "-c",
        "mkdir -p /data && chown 1000:1000 /data && touch /data/f && chmod 700 /data",
    ])
    .output()
    .success();
    env.berth(["rm", "gone"])
        .output()
        .success()
        .stdout_eq("gone\n");
    assert!(env.container_ids().is_empty());
    env.berth(["rm", "gone"])
        .output()
        .code(1)
        .stderr_contains("gone");
    env.berth(["rm", "--ignore", "gone"]).output().success();

    let marker = unique("busy");
    let script = format!("echo ready; sleep 300; : {marker}");
    let mut running = env
        .berth(["run", "--name", "busy", "busybox", "sh", "-c", &script])
        .spawn();
    running.wait_for_line("ready");
    env.berth(["rm", "busy"])
        .output()
        .code(2)
        .stderr_contains("running");
    env.berth(["rm", "-f", "busy"]).output().success();
    let _ = running.wait();
    assert!(env.container_ids().is_empty());
    assert!(
        wait_until(Duration::from_secs(10), || Env::processes_with(&marker)
            .is_empty()),
        "rm -f leaves no container process"
    );
}

#[test]
fn a_container_whose_monitor_died_is_not_running() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let marker = unique("orphan");
    let script = format!("echo ready; sleep 300; : {marker}");
    let mut running = env
        .berth(["run", "--name", "orphan", "busybox", "sh", "-c", &script])
        .spawn();
    running.wait_for_line("ready");
    // Kill the session (berth's monitor), not the container.
    let session = Env::processes_with(&env.data_home.to_string_lossy())
        .into_iter()
        .filter(|pid| *pid != running.pid())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "berth:[session]")
        })
        .collect::<Vec<_>>();
    assert_eq!(session.len(), 1, "one session process: {session:?}");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(session[0]), Signal::SIGKILL).unwrap();
    let _ = running.wait();
    assert!(
        wait_until(Duration::from_secs(10), || Env::processes_with(&marker)
            .is_empty()),
        "the container dies with its monitor"
    );
    // The process may still be finishing its exit (its command line is gone before it is
    // a zombie): wait for the row, which must turn into an unknown exit.
    let row = || {
        let out = env.berth(["ps", "-a"]).output();
        out.success();
        out.stdout_lines()
            .into_iter()
            .find(|l| l.ends_with("orphan"))
            .expect("a row")
    };
    assert!(
        wait_until(Duration::from_secs(5), || row().contains("Exited (-1)")),
        "an unknown exit, not running: {}",
        row()
    );
    env.berth(["ps"]).output().success().stdout_lacks("orphan");
    env.berth(["rm", "orphan"]).output().success();
}

#[test]
fn fuse_overlayfs_rootfs() {
    let Some(env) = Env::rootless() else { return };
    if !crate::util::require(crate::util::Need::Fuse) {
        return;
    }
    env.import_busybox();
    let out = env
        .berth([
            "run", "--rm", "busybox", "sh", "-c",
            "grep ' / ' /proc/mounts; echo changed > /bin/new; cat /bin/new; rm /bin/busybox.not-there 2>/dev/null; ls /bin/sh",
        ])
        .env("BERTH_OVERLAY", "fuse")
        .output();
    out.success()
        .stdout_contains("fuse-overlayfs")
        .stdout_contains("changed\n")
        .stdout_contains("/bin/sh");
    env.berth(["__probe-overlay"])
        .env("BERTH_OVERLAY", "fuse")
        .output()
        .success()
        .stdout_eq("fuse\n");
    // The default on this kernel is the kernel overlay.
    env.berth(["run", "--rm", "busybox", "grep", " / ", "/proc/mounts"])
        .output()
        .success()
        .stdout_contains("overlay");
}

#[test]
fn ps_filters() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run", "--label", "team=a", "--name", "three", "busybox", "sh", "-c", "exit 3",
    ])
    .output()
    .code(3);
    env.berth(["run", "--name", "zero", "busybox", "true"])
        .output()
        .success();
    let names = |filter: &str| {
        let out = env
            .berth(["ps", "-a", "--filter", filter, "--format", "json"])
            .output();
        out.success();
        let rows: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
        let mut names: Vec<String> = rows
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["Names"][0].as_str().unwrap_or("").to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("exited=3"), ["three"]);
    assert_eq!(names("label=team=a"), ["three"]);
    assert_eq!(names("label=team"), ["three"]);
    assert_eq!(names("name=zero"), ["zero"]);
    assert_eq!(names("status=exited"), ["three", "zero"]);
    assert_eq!(names("ancestor=busybox"), ["three", "zero"]);
    assert!(names("status=running").is_empty());
    env.berth(["ps", "--filter", "color=red"])
        .output()
        .code(125)
        .stderr_is_one_error();
}

#[test]
fn a_damaged_record_is_skipped_with_a_warning_and_rm_f_removes_it() {
    use std::os::unix::fs::PermissionsExt;
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["create", "--name", "whole", "busybox", "true"])
        .output()
        .success();
    env.berth(["create", "--name", "cut", "busybox", "true"])
        .output()
        .success();
    let id = env
        .berth(["inspect", "--format", "{{.Id}}", "cut"])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    // The store is the user's alone.
    let store = env.containers_dir().parent().unwrap().to_path_buf();
    let mode = std::fs::metadata(&store).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "store root `{}` mode", store.display());

    // Cut one record short, as a full disk or a crash of an older berth would.
    let config = env.containers_dir().join(&id).join("config.json");
    let bytes = std::fs::read(&config).unwrap();
    std::fs::write(&config, &bytes[..bytes.len() / 2]).unwrap();

    let out = env
        .berth(["ps", "-a", "--format", "{{.Names}}"])
        .expect_stderr()
        .output();
    out.success().stdout_contains("whole").stdout_lacks("cut");
    out.stderr_contains("damaged container record")
        .stderr_contains(&id);
    env.berth(["rm", "-f", "cut"])
        .expect_stderr()
        .output()
        .success();
    assert!(
        !env.containers_dir().join(&id).exists(),
        "rm -f removed the damaged record"
    );
    let out = env.berth(["ps", "-a", "--format", "{{.Names}}"]).output();
    out.success().stdout_contains("whole");
    assert!(!out.stderr().contains("damaged"), "{}", out.report());
    // The name is free again.
    env.berth(["create", "--name", "cut", "busybox", "true"])
        .output()
        .success();
}

#[test]
fn ps_sort_and_external_and_exists_external() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // Created in this order, one second apart so the creation times differ.
    for name in ["bb", "aa", "cc"] {
        env.berth(["create", "--name", name, "busybox", "true"])
            .output()
            .success();
        std::thread::sleep(Duration::from_millis(1100));
    }
    let names = |extra: &[&str]| {
        let out = env
            .berth(["ps", "-a", "--format", "{{.Names}}"])
            .args(extra)
            .output();
        out.success();
        out.stdout_lines()
    };
    // podman's default order is creation order, oldest first.
    assert_eq!(names(&[]), ["bb", "aa", "cc"]);
    assert_eq!(names(&["--sort", "created"]), ["bb", "aa", "cc"]);
    assert_eq!(names(&["--sort", "names"]), ["aa", "bb", "cc"]);
    assert_eq!(names(&["--external"]), ["bb", "aa", "cc"]);
    env.berth(["ps", "--sort", "bogus"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("bogus");
    // Filters on one key match when any does; on different keys, all must.
    env.berth(["start", "aa"]).output().success();
    env.berth(["wait", "aa"]).output().success();
    assert_eq!(
        names(&["--filter", "status=created", "--filter", "status=exited"]),
        ["bb", "aa", "cc"]
    );
    assert_eq!(
        names(&["--filter", "status=created", "--filter", "name=c"]),
        ["cc"]
    );
    env.berth(["container", "exists", "--external", "aa"])
        .output()
        .success();
    env.berth(["container", "exists", "--external", "nosuch"])
        .output()
        .code(1);
}
