//! podman's global options (`berth --root DIR images`), repeated options (the last one wins)
//! and the error texts scripts match.

use crate::util::Env;

#[test]
fn root_and_runroot_hold_the_store_in_every_process() {
    let Some(env) = Env::rootless() else { return };
    let store = env.work.join("store");
    let run = env.work.join("run");
    let global = |args: &[&str]| {
        env.berth(["--root"])
            .arg(&store)
            .arg("--runroot")
            .arg(&run)
            .args(args)
    };
    let tar = crate::util::fixtures::busybox_tar();
    let out = global(&["import"]).arg(&tar).arg("busybox").output();
    out.success();
    let id = out.stdout().trim().trim_start_matches("sha256:").to_owned();
    global(&["images", "-q", "--no-trunc"])
        .output()
        .success()
        .stdout_contains(&id[..12]);
    // The default store does not have it.
    env.berth(["images", "-q"]).output().success().stdout_eq("");
    // A container runs from the other store: its session finds the same directories.
    global(&["run", "--rm", "busybox", "echo", "from-root"])
        .output()
        .success()
        .stdout_eq("from-root\n");
    global(&["create", "--name", "kept", "busybox", "true"])
        .output()
        .success();
    global(&["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .success()
        .stdout_eq("kept\n");
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
    assert!(
        store.join("containers").is_dir(),
        "the store is under --root"
    );
    assert!(run.is_dir(), "the runtime directory is --runroot");
    assert!(
        !env.data_home.join("berth").join("images.json").exists(),
        "no image was written to the default store"
    );
}

#[test]
fn volumepath_holds_named_volumes() {
    let Some(env) = Env::rootless() else { return };
    let vols = env.work.join("vols");
    env.berth(["--volumepath"])
        .arg(&vols)
        .args(["volume", "create", "v1"])
        .output()
        .success();
    assert!(vols.join("v1").is_dir(), "the volume is under --volumepath");
}

#[test]
fn repeated_options_last_wins_and_lists_collect() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "--name",
        "ignored",
        "--name",
        "used",
        "-e",
        "A=1",
        "-e",
        "B=2",
        "--tz=US/Eastern",
        "--tz=UTC",
        "busybox",
        "sh",
        "-c",
        "echo $A$B $(date +%Z)",
    ])
    .output()
    .success()
    .stdout_eq("12 UTC\n");
    env.berth([
        "create", "--name", "first", "--name", "second", "busybox", "true",
    ])
    .output()
    .success();
    env.berth(["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .success()
        .stdout_eq("second\n");
    env.berth([
        "inspect",
        "--format",
        "{{.XYZ}}",
        "--format",
        "{{.Name}}",
        "second",
    ])
    .output()
    .success()
    .stdout_eq("second\n");
}

#[test]
fn noout_drops_berths_stdout() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["--noout", "create", "--name", "quiet", "busybox", "true"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .success()
        .stdout_eq("quiet\n");
    env.berth(["--noout", "rm", "quiet"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn log_level_is_checked_and_filters() {
    let Some(env) = Env::cli() else { return };
    let out = env.berth(["--log-level=telepathic", "version"]).output();
    out.code(1).check(
        out.stderr()
            .starts_with("Log Level \"telepathic\" is not supported, choose from: trace,"),
        "podman's words and exit status",
    );
    let out = env
        .berth(["--log-level=trace", "version"])
        .expect_stderr()
        .output();
    out.success();
    for level in [" level=trace ", " level=debug ", " level=info "] {
        out.stderr_contains(level);
    }
    let out = env
        .berth(["--log-level=info", "version"])
        .expect_stderr()
        .output();
    out.success().stderr_contains(" level=info ");
    out.check(!out.stderr().contains(" level=debug "), "info hides debug");
    let out = env.berth(["-D", "version"]).expect_stderr().output();
    out.success().stderr_contains(" level=debug ");
    let out = env
        .berth(["--debug", "--log-level=panic", "version"])
        .output();
    out.code(1).check(
        out.stderr() == "Setting --log-level and --debug is not allowed\n",
        "podman's words",
    );
    let out = env.berth(["--log-level=warn", "version"]).output();
    out.success();
    out.check(!out.stderr().contains("level="), "warn logs nothing here");
}

#[test]
fn options_berth_cannot_honour_are_refused() {
    let Some(env) = Env::cli() else { return };
    let refused: &[(&[&str], &str)] = &[
        (
            &["--storage-driver=vfs"],
            "storage driver `vfs` is not supported",
        ),
        (
            &["--storage-opt", "overlay.mountopt=nodev"],
            "overlay.mountopt=nodev",
        ),
        (&["--runtime=idonotexist"], "\"idonotexist\" not found"),
        (
            &["--runtime=/bin/sh"],
            "cannot hand them to another OCI runtime",
        ),
        (&["--runtime-flag", "invalidflag"], "invalidflag"),
        (&["--events-backend=journald"], "journald"),
        (
            &["--events-backend=carrier-pigeon"],
            "invalid --events-backend",
        ),
        (&["--cgroup-manager=bogus"], "invalid --cgroup-manager"),
        (
            &["--default-mounts-file=/x"],
            "--default-mounts-file is not supported",
        ),
        (&["--conmon=/usr/bin/conmon"], "no conmon"),
        (&["--hooks-dir=/x"], "OCI hooks"),
        (&["--url=unix:/x"], "no remote service"),
        (&["--remote"], "no remote service"),
        (&["-c", "x"], "no remote service"),
        (&["--syslog"], "syslog"),
        (&["--tmpdir=/x"], "--runroot"),
    ];
    for (args, want) in refused {
        let out = env.berth(*args).arg("version").output();
        out.code(125)
            .check(out.stderr().starts_with("Error: "), "one berth error")
            .stderr_contains(want);
    }
    for ok in [
        &["--storage-driver=overlay"][..],
        &["--storage-opt="],
        &["--events-backend=file"],
        &["--events-backend", "none"],
        &["--cgroup-manager=systemd"],
        &["--cgroup-manager=cgroupfs"],
    ] {
        env.berth(ok).arg("version").output().success();
    }
}

#[test]
fn lookup_errors_read_as_podmans() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let exact = |args: &[&str], code: i32, want: &str| {
        let out = env.berth(args).output();
        out.code(code).check(
            out.stderr() == want,
            &format!("stderr must be exactly {want:?}"),
        );
    };
    exact(
        &["rmi", "tyufanafih"],
        1,
        "Error: tyufanafih: image not known\n",
    );
    exact(
        &["run", "--pull=never", "nosuch:1", "true"],
        125,
        "Error: nosuch:1: image not known\n",
    );
    exact(
        &["logs", "nosuch"],
        125,
        "Error: no container with name or ID \"nosuch\" found: no such container\n",
    );
    exact(
        &["untag", "busybox", "registry.com/foo:bar"],
        125,
        "Error: registry.com/foo:bar: tag not known\n",
    );
    exact(
        &["network", "rm", "bogus"],
        1,
        "Error: unable to find network with name or ID bogus: network not found\n",
    );
}
