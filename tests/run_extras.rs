//! `run` flags from the lifecycle issue: labels, id and pid files, host environment, time
//! zone, resource limits, /dev/shm size, sysctls, devices, extra groups.

use crate::util::Env;

#[test]
fn files_env_limits_and_groups() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let cid = env.work.join("cid");
    let pid = env.work.join("pid");
    let script = "echo $FROM_HOST $TZ; ulimit -n; ulimit -Hn; df -k /dev/shm | tail -1; \
                  cat /proc/sys/net/ipv4/ip_forward; id -G; ls /dev/extra-null; \
                  test -s /etc/localtime && echo tz-file";
    let out = env
        .berth([
            "run",
            "--rm",
            "--env-host",
            "--ulimit",
            "nofile=100:200",
            "--shm-size",
            "2m",
            "--sysctl",
            "net.ipv4.ip_forward=1",
            "--group-add",
            "extra",
            "--tz",
            "UTC",
            "--device",
            "/dev/null:/dev/extra-null",
            "--label",
            "team=core",
        ])
        .arg("--cidfile")
        .arg(&cid)
        .arg("--pidfile")
        .arg(&pid)
        .args(["busybox", "sh", "-c", script])
        .env("FROM_HOST", "hello")
        .output();
    out.success();
    let lines = out.stdout_lines();
    assert_eq!(lines[0], "hello UTC", "--env-host and --tz: {lines:?}");
    assert_eq!(lines[1], "100");
    assert_eq!(lines[2], "200");
    assert!(
        lines[3].split_whitespace().nth(1) == Some("2048"),
        "--shm-size 2m: {}",
        lines[3]
    );
    assert_eq!(lines[4], "1", "--sysctl");
    assert!(
        lines[5].split_whitespace().any(|g| g == "2000"),
        "--group-add: {}",
        lines[5]
    );
    assert_eq!(lines[6], "/dev/extra-null");
    assert_eq!(lines[7], "tz-file");
    let id = std::fs::read_to_string(&cid).expect("the cidfile");
    assert!(
        crate::util::is_image_id(&id),
        "cidfile holds the id: {id:?}"
    );
    let pid_text = std::fs::read_to_string(&pid).expect("the pidfile");
    assert!(
        pid_text.trim().parse::<u32>().is_ok(),
        "pidfile: {pid_text:?}"
    );
    // An existing cidfile is refused before anything is created.
    env.berth(["run", "--rm"])
        .arg("--cidfile")
        .arg(&cid)
        .args(["busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("exists");
}

#[test]
fn bad_flag_values_are_one_line_errors() {
    let Some(env) = Env::rootless() else { return };
    for args in [
        ["--ulimit", "nofile=300:200"],
        ["--sysctl", "kernel.panic=1"],
        ["--shm-size", "lots"],
        ["--tz", "Mars/Olympus"],
        ["--restart", "sometimes"],
        ["--stop-signal", "SIGNOPE"],
    ] {
        env.berth(["run", "--rm", args[0], args[1], "busybox", "true"])
            .output()
            .code(125)
            .stderr_is_one_error()
            .stderr_contains(args[1]);
    }
}

#[test]
fn podman_container_environment_and_ipc() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // TERM=xterm without a tty, unless unset; an empty /run/.containerenv; /etc/mtab.
    let out = env
        .berth(["run", "--rm", "busybox", "sh", "-c", "echo $TERM"])
        .output();
    out.success().stdout_eq("xterm\n");
    env.berth([
        "run",
        "--rm",
        "--unsetenv",
        "TERM",
        "busybox",
        "sh",
        "-c",
        "echo ${TERM-unset}",
    ])
    .output()
    .success()
    .stdout_eq("unset\n");
    env.berth([
        "run",
        "--rm",
        "busybox",
        "stat",
        "-c",
        "%s",
        "/run/.containerenv",
    ])
    .output()
    .success()
    .stdout_eq("0\n");
    env.berth([
        "run",
        "--rm",
        "--privileged",
        "--name",
        "envc",
        "busybox",
        "sh",
        "-c",
        ". /run/.containerenv; echo $name $rootless",
    ])
    .output()
    .success()
    .stdout_eq("envc 1\n");
    env.berth(["run", "--rm", "busybox", "readlink", "/etc/mtab"])
        .output()
        .success()
        .stdout_eq("/proc/mounts\n");
    // --ipc host shares the session's IPC namespace (the host's); the default is new.
    let host = env
        .berth([
            "run",
            "--rm",
            "--ipc",
            "host",
            "busybox",
            "readlink",
            "/proc/self/ns/ipc",
        ])
        .output();
    let own = env
        .berth(["run", "--rm", "busybox", "readlink", "/proc/self/ns/ipc"])
        .output();
    assert_ne!(host.success().stdout, own.success().stdout);
    let none = env
        .berth(["run", "--rm", "--ipc", "none", "busybox", "ls", "/dev/shm"])
        .output();
    assert_ne!(none.status.code(), Some(0));
}
