//! berth under a service manager: `--sdnotify` (the test plays systemd: it listens on the
//! NOTIFY_SOCKET it gives berth), the cidfile flags podman's units use, `generate systemd`.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::Duration;

use crate::util::{wait_until, Env};

/// A notify socket the test listens on, writable by the test user.
pub struct Listener {
    pub path: PathBuf,
    sock: UnixDatagram,
}

impl Listener {
    pub fn new(env: &Env) -> Listener {
        let path = env.work.join("notify.sock");
        let sock = UnixDatagram::bind(&path).expect("bind the notify socket");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        Listener { path, sock }
    }

    /// The next datagram, or None after `limit`.
    pub fn next_within(&self, limit: Duration) -> Option<String> {
        self.sock.set_read_timeout(Some(limit)).unwrap();
        let mut buf = [0u8; 4096];
        let n = self.sock.recv(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).into_owned())
    }

    /// Datagrams until one has `READY=1` (panics after 20 s); returns them all, joined.
    pub fn until_ready(&self) -> String {
        let mut all = String::new();
        while !all.lines().any(|l| l == "READY=1") {
            match self.next_within(Duration::from_secs(20)) {
                Some(m) => {
                    all.push_str(&m);
                    all.push('\n');
                }
                None => panic!("no READY=1 on the notify socket; got {all:?}"),
            }
        }
        all
    }
}

/// A container command that exits on SIGTERM (a shell as PID 1 ignores it otherwise).
pub const TRAPPING: &str = "trap 'exit 0' TERM; while true; do sleep 1; done";

/// The `MAINPID=` of notify messages.
pub fn main_pid(messages: &str) -> i32 {
    messages
        .lines()
        .find_map(|l| l.strip_prefix("MAINPID="))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no MAINPID in {messages:?}"))
}

/// Is this pid a live process (not a zombie)?
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

#[test]
fn sdnotify_conmon_sends_ready_and_the_monitor_pid() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let listener = Listener::new(&env);
    env.berth([
        "run", "-d", "--name", "svc", "busybox", "sh", "-c", TRAPPING,
    ])
    .env("NOTIFY_SOCKET", &listener.path)
    .output()
    .success();
    let got = listener.until_ready();
    let pid = main_pid(&got);
    assert!(alive(pid), "MAINPID {pid} is not alive: {got:?}");
    // The main pid is the container's monitor: it stops with the container.
    env.berth(["stop", "-t", "2", "svc"]).output().success();
    assert!(wait_until(Duration::from_secs(10), || !alive(pid)));
    // The service manager's socket does not reach the container.
    env.berth([
        "run",
        "--rm",
        "--env-host",
        "busybox",
        "sh",
        "-c",
        "echo ${NOTIFY_SOCKET:-unset}",
    ])
    .env("NOTIFY_SOCKET", &listener.path)
    .output()
    .success()
    .stdout_eq("unset\n");
}

#[test]
fn sdnotify_ignore_sends_nothing() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let listener = Listener::new(&env);
    env.berth([
        "run",
        "-d",
        "--sdnotify=ignore",
        "--name",
        "quiet",
        "busybox",
        "sleep",
        "300",
    ])
    .env("NOTIFY_SOCKET", &listener.path)
    .output()
    .success();
    assert_eq!(listener.next_within(Duration::from_millis(700)), None);
    env.berth(["rm", "-f", "quiet"]).output().success();
}

#[test]
fn sdnotify_healthy_waits_for_a_passing_healthcheck() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let listener = Listener::new(&env);
    env.berth([
        "run",
        "-d",
        "--sdnotify=healthy",
        "--health-cmd",
        "test -f /tmp/ok",
        "--health-interval",
        "300ms",
        "--name",
        "hl",
        "busybox",
        "sleep",
        "300",
    ])
    .env("NOTIFY_SOCKET", &listener.path)
    .output()
    .success();
    let first = listener
        .next_within(Duration::from_secs(20))
        .expect("the monitor's MAINPID");
    assert!(!first.contains("READY=1"), "ready too early: {first:?}");
    let pid = main_pid(&first);
    // Failing checks: still not ready.
    assert_eq!(listener.next_within(Duration::from_millis(1000)), None);
    env.berth(["exec", "hl", "touch", "/tmp/ok"])
        .output()
        .success();
    assert_eq!(listener.until_ready().trim(), "READY=1");
    assert!(alive(pid));
    env.berth(["rm", "-f", "hl"]).output().success();
    // Without a healthcheck, healthy is refused.
    env.berth(["run", "-d", "--sdnotify=healthy", "busybox", "true"])
        .env("NOTIFY_SOCKET", &listener.path)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("needs a healthcheck");
}

#[test]
fn sdnotify_container_forwards_the_containers_messages() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let listener = Listener::new(&env);
    let id = env
        .berth([
            "run",
            "-d",
            "--sdnotify=container",
            "--name",
            "self",
            "busybox",
            "sh",
            "-c",
            "test -S $NOTIFY_SOCKET && echo $NOTIFY_SOCKET; sleep 300",
        ])
        .env("NOTIFY_SOCKET", &listener.path)
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    let first = listener
        .next_within(Duration::from_secs(20))
        .expect("the monitor's MAINPID");
    assert!(
        !first.contains("READY=1"),
        "the monitor said ready: {first:?}"
    );
    assert!(alive(main_pid(&first)));
    assert!(wait_until(Duration::from_secs(10), || env
        .berth(["logs", "self"])
        .output()
        .stdout()
        .contains("/run/notify/notify.sock")));
    // What the container sends (here: sent to its socket from outside) is forwarded, with
    // its meaningless MAINPID dropped.
    let sock = env
        .containers_dir()
        .join(&id)
        .join("etc/notify/notify.sock");
    // Through /proc/self/fd: the store's path is longer than a socket address may be.
    let dir = std::fs::File::open(sock.parent().unwrap()).unwrap();
    use std::os::fd::AsRawFd;
    let short = format!("/proc/self/fd/{}/notify.sock", dir.as_raw_fd());
    UnixDatagram::unbound()
        .unwrap()
        .send_to(b"MAINPID=1\nREADY=1\nSTATUS=up", short)
        .expect("send to the container's notify socket");
    assert_eq!(
        listener.next_within(Duration::from_secs(10)).as_deref(),
        Some("READY=1\nSTATUS=up")
    );
    env.berth(["rm", "-f", "self"]).output().success();
}

#[test]
fn systemd_always_is_refused_and_false_accepted() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "--systemd=always", "busybox", "true"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("--systemd is not supported yet");
    env.berth(["run", "--rm", "--systemd=false", "busybox", "true"])
        .output()
        .success();
    env.berth(["run", "--rm", "--systemd=maybe", "busybox", "true"])
        .expect_stderr()
        .output()
        .code(125);
}

#[test]
fn cidfile_with_replace_and_rm_ignore_of_a_missing_cidfile() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let cid = env.work.join("svc.cid");
    let run = |env: &Env| {
        env.berth(["run", "-d", "--replace", "--name", "svc", "--cidfile"])
            .arg(&cid)
            .args(["busybox", "sleep", "300"])
            .output()
            .success()
            .stdout()
            .trim()
            .to_string()
    };
    let first = run(&env);
    let second = run(&env);
    assert_ne!(first, second);
    assert_eq!(std::fs::read_to_string(&cid).unwrap().trim(), second);
    env.berth(["rm", "-f", "--ignore", "--cidfile"])
        .arg(&cid)
        .output()
        .success();
    std::fs::remove_file(&cid).unwrap();
    env.berth(["stop", "--ignore", "--cidfile"])
        .arg(&cid)
        .output()
        .success();
    env.berth(["rm", "-f", "--ignore", "--cidfile"])
        .arg(&cid)
        .output()
        .success();
    env.berth(["rm", "--cidfile"])
        .arg(&cid)
        .expect_stderr()
        .output()
        .code(125);
}

/// The values of `Key=` in a unit file's text (every section).
pub fn unit_values(text: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(v) = line.strip_prefix(&format!("{key}=")) else {
            continue;
        };
        let mut v = v.to_string();
        // generate systemd continues long command lines with `\`.
        while v.ends_with('\\') {
            v.pop();
            v.push(' ');
            v.push_str(lines.next().unwrap_or_default().trim());
        }
        out.push(v);
    }
    out
}

/// Split a unit's command line as systemd does (quotes, backslashes) and expand the
/// specifiers a user unit uses: %t (the runtime dir), %n (the unit), %N (without suffix).
pub fn command_words(env: &Env, line: &str, unit: &str) -> Vec<String> {
    let line = line.trim_start_matches(['-', '@', '+', '!']);
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut word = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match c {
                c if c.is_whitespace() && !quoted => break,
                '"' => quoted = !quoted,
                '\\' => word.push(chars.next().unwrap_or('\\')),
                c => word.push(c),
            }
        }
        words.push(word);
    }
    let base = unit.rsplit_once('.').map_or(unit, |(b, _)| b);
    words
        .into_iter()
        .map(|w| {
            w.replace("%t", &env.runtime_dir.to_string_lossy())
                .replace("%N", base)
                .replace("%n", unit)
                .replace("%%", "%")
        })
        .collect()
}

/// Run one of a unit's commands as the service manager would: as the test user, with the
/// unit's `Environment=` and, when given, a NOTIFY_SOCKET.
pub fn run_unit_command(
    env: &Env,
    text: &str,
    key: &str,
    unit: &str,
    notify: Option<&Listener>,
) -> crate::util::command::Output {
    let line = unit_values(text, key)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {key}= in {unit}:\n{text}"));
    let words = command_words(env, &line, unit);
    let mut cmd = env.as_user(std::path::Path::new(&words[0]), &words[1..]);
    for e in unit_values(text, "Environment") {
        if let Some((k, v)) = e.split_once('=') {
            cmd = cmd.env(k, v.replace("%n", unit));
        }
    }
    if let Some(l) = notify {
        cmd = cmd.env("NOTIFY_SOCKET", &l.path);
    }
    cmd.output()
}

/// `systemd-analyze --user verify` of unit files, as the test user; None (after saying
/// why) when systemd-analyze is missing.
pub fn verify_units(env: &Env, units: &[PathBuf]) -> Option<crate::util::command::Output> {
    let Some(analyze) = crate::util::find_in_path("systemd-analyze") else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true and systemd-analyze is missing (run scripts/setup.sh)"
        );
        eprintln!("skipped: systemd-analyze is not installed (apt install systemd)");
        return None;
    };
    Some(
        env.as_user(&analyze, ["--user", "verify", "--man=no"])
            .args(units)
            .output(),
    )
}

/// `generate systemd --new`: the unit verifies, its ExecStart runs a new container that
/// notifies READY=1 with a live MAINPID, ExecStop and ExecStopPost remove it.
#[test]
fn generate_systemd_new_makes_a_unit_that_runs_and_removes_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "create", "--name", "gen", "-e", "WHO=100%", "busybox", "sh", "-c", TRAPPING,
    ])
    .output()
    .success();
    let dir = env.make_dir("units");
    // --files writes into the current directory: run it from `units/`.
    let written = {
        let mut c = env.berth(["generate", "systemd", "--new", "--files", "--name", "gen"]);
        c.dir = dir.clone();
        c.output().success().stdout().trim().to_string()
    };
    let unit = dir.join("container-gen.service");
    assert_eq!(written, unit.display().to_string());
    if let Some(v) = verify_units(&env, std::slice::from_ref(&unit)) {
        v.success();
    }
    let text = std::fs::read_to_string(&unit).unwrap();
    for want in [
        "Type=notify",
        "NotifyAccess=all",
        "--cidfile=%t/%n.ctr-id",
        "--sdnotify=conmon",
        "--replace",
        "WHO=100%%",
        "TimeoutStopSec=70",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    // The created container is not the unit's: the unit makes its own under that name.
    env.berth(["rm", "gen"]).output().success();
    let listener = Listener::new(&env);
    run_unit_command(
        &env,
        &text,
        "ExecStart",
        "container-gen.service",
        Some(&listener),
    )
    .success();
    let pid = main_pid(&listener.until_ready());
    assert!(alive(pid));
    env.berth(["exec", "gen", "sh", "-c", "echo $WHO"])
        .output()
        .success()
        .stdout_eq("100%\n");
    run_unit_command(&env, &text, "ExecStop", "container-gen.service", None).success();
    assert!(wait_until(Duration::from_secs(10), || !alive(pid)));
    run_unit_command(&env, &text, "ExecStopPost", "container-gen.service", None).success();
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
}

/// Without --new the unit starts and stops the existing container.
#[test]
fn generate_systemd_starts_and_stops_an_existing_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["create", "--name", "old", "busybox", "sh", "-c", TRAPPING])
        .output()
        .success();
    let out = env
        .berth([
            "generate",
            "systemd",
            "--name",
            "--no-header",
            "--restart-policy=always",
            "-t",
            "5",
            "--container-prefix",
            "app",
            "--separator",
            "_",
            "old",
        ])
        .output();
    let text = out.success().stdout();
    assert!(
        text.starts_with("[Unit]\nDescription=berth app_old.service\n"),
        "{text}"
    );
    assert!(
        text.contains("Restart=always\nTimeoutStopSec=65\n"),
        "{text}"
    );
    let unit = env.write_file("app_old.service", text.as_bytes());
    if let Some(v) = verify_units(&env, &[unit]) {
        v.success();
    }
    let listener = Listener::new(&env);
    run_unit_command(&env, &text, "ExecStart", "app_old.service", Some(&listener)).success();
    let pid = main_pid(&listener.until_ready());
    assert!(alive(pid));
    run_unit_command(&env, &text, "ExecStop", "app_old.service", None).success();
    assert!(wait_until(Duration::from_secs(10), || !alive(pid)));
    env.berth(["ps", "-a", "--format", "{{.Names}} {{.Status}}"])
        .output()
        .success()
        .stdout_contains("old Exited");
    env.berth(["generate", "systemd", "nope"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("no such container");
    env.berth(["generate", "systemd", "--restart-policy=sometimes", "old"])
        .expect_stderr()
        .output()
        .code(125);
}
