//! `berth exec` and `berth top`: a process joins a running container's namespaces.

use std::time::Duration;

use crate::util::pty::PtyRun;
use crate::util::{require, wait_until, Env, Need};

/// A detached busybox container running `sleep 300`, removed with `rm -f` when dropped.
struct Target<'a> {
    env: &'a Env,
    name: String,
}

impl<'a> Target<'a> {
    fn start(env: &'a Env, name: &str, extra: &[&str]) -> Target<'a> {
        env.import_busybox();
        let mut args = vec!["run", "-d", "--name", name];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["busybox", "sleep", "300"]);
        env.berth(args).output().success();
        Target {
            env,
            name: name.to_string(),
        }
    }
}

impl Drop for Target<'_> {
    fn drop(&mut self) {
        let _ = self.env.berth(["rm", "-f", &self.name]).output();
    }
}

#[test]
fn exec_joins_the_pid_namespace_and_hostname() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "ns", &["--hostname", "exec-host"]);
    // PID 1 is the container's sleep, and the shell's own pid is one of the container's
    // (small), not a host pid.
    env.berth([
        "exec",
        &t.name,
        "sh",
        "-c",
        "cat /proc/1/comm; hostname; test $$ -lt 100 && echo small-pid",
    ])
    .output()
    .success()
    .stdout_eq("sleep\nexec-host\nsmall-pid\n");
    // Only the container's processes are visible: sleep and this exec's ps.
    let out = env
        .berth(["exec", &t.name, "ps", "-o", "pid,comm"])
        .output();
    out.success();
    let lines = out.stdout_lines();
    assert_eq!(lines.len(), 3, "ps in the container:\n{}", out.stdout());
    assert!(lines[1].split_whitespace().eq(["1", "sleep"]), "{lines:?}");
}

#[test]
fn exec_exit_codes() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "codes", &[]);
    env.berth(["exec", &t.name, "true"]).output().success();
    env.berth(["exec", &t.name, "sh", "-c", "exit 3"])
        .output()
        .code(3);
    env.berth(["exec", &t.name, "/etc/passwd"])
        .output()
        .code(126)
        .stderr_is_one_error();
    env.berth(["exec", &t.name, "no-such-command"])
        .output()
        .code(127)
        .stderr_is_one_error()
        .stderr_contains("no-such-command");
}

#[test]
fn exec_into_a_stopped_container_exits_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "done", "busybox", "true"])
        .output()
        .success();
    env.berth(["exec", "done", "true"])
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("running");
    env.berth(["exec", "no-such-container", "true"])
        .output()
        .code(125)
        .stderr_is_one_error();
    env.berth(["top", "done"]).output().code(125);
}

#[test]
fn exec_env_user_and_workdir() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "opts", &["-e", "FROM_RUN=run"]);
    let env_file = env.write_file("exec.env", b"# comment\nFROM_FILE=file\nFOO=overridden\n");
    env.berth([
        "exec",
        "-e",
        "FOO=bar",
        "--env-file",
        env_file.to_str().unwrap(),
        "-u",
        "tester",
        "-w",
        "/tmp",
        &t.name,
        "sh",
        "-c",
        "echo $FOO $FROM_FILE $FROM_RUN; id -u; id -g; pwd",
    ])
    .output()
    .success()
    .stdout_eq("bar file run\n1000\n1000\n/tmp\n");
    // By default: the container's user (root) and working directory.
    env.berth(["exec", &t.name, "sh", "-c", "id -u; pwd"])
        .output()
        .success()
        .stdout_eq("0\n/\n");
}

#[test]
fn exec_interactive_stdin() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "stdin", &[]);
    env.berth(["exec", "-i", &t.name, "cat"])
        .stdin("through stdin\n")
        .output()
        .success()
        .stdout_eq("through stdin\n");
    // Without -i the process reads /dev/null.
    env.berth(["exec", &t.name, "cat"])
        .stdin("ignored\n")
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn exec_tty_is_a_pty_with_the_window_size() {
    let Some(env) = Env::rootless() else { return };
    if !require(Need::Setsid) {
        return;
    }
    let t = Target::start(&env, "tty", &[]);
    let run = PtyRun::spawn(
        &env.berth(["exec", "-t", &t.name, "sh", "-c", "tty; stty size"]),
        31,
        97,
    );
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("/dev/pts/")),
        "terminal output:\n{text}"
    );
    assert_eq!(lines.get(1), Some(&"31 97"), "terminal output:\n{text}");

    let mut run = PtyRun::spawn(
        &env.berth([
            "exec",
            "-it",
            &t.name,
            "sh",
            "-c",
            "echo ready; read line; echo \"got:$line\"",
        ]),
        24,
        80,
    );
    run.wait_for("ready");
    run.write(b"typed\r");
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert!(text.contains("got:typed"), "terminal output:\n{text}");
}

#[test]
fn exec_forwards_signals() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "signals", &[]);
    let mut running = env
        .berth([
            "exec",
            &t.name,
            "sh",
            "-c",
            "trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.1; done",
        ])
        .spawn();
    running.wait_for_line("ready");
    running.signal(nix::sys::signal::Signal::SIGTERM);
    running.wait().code(5).stdout_contains("got-term");

    // A signal that ends the process gives 128+N.
    let mut running = env
        .berth(["exec", &t.name, "sh", "-c", "echo ready; exec sleep 60"])
        .spawn();
    running.wait_for_line("ready");
    running.signal(nix::sys::signal::Signal::SIGHUP);
    running.wait().code(129);
}

fn cap_eff(out: &str) -> u64 {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .unwrap_or_else(|| panic!("no CapEff line in {out:?}"));
    u64::from_str_radix(line.trim(), 16).expect("hex CapEff")
}

#[test]
fn exec_privileged_has_every_capability() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "priv", &[]);
    const CAP_SYS_ADMIN: u64 = 1 << 21;
    const CAP_CHOWN: u64 = 1;
    let plain = env
        .berth(["exec", &t.name, "cat", "/proc/self/status"])
        .output();
    plain.success();
    let plain = cap_eff(&plain.stdout());
    assert_eq!(plain & CAP_SYS_ADMIN, 0, "default caps: {plain:x}");
    assert_ne!(plain & CAP_CHOWN, 0, "default caps: {plain:x}");
    let privileged = env
        .berth(["exec", "--privileged", &t.name, "cat", "/proc/self/status"])
        .output();
    privileged.success();
    let privileged = cap_eff(&privileged.stdout());
    assert_ne!(
        privileged & CAP_SYS_ADMIN,
        0,
        "privileged caps: {privileged:x}"
    );
}

#[test]
fn exec_into_a_keep_id_container() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "keepid", &["--userns=keep-id"]);
    let uid = env.user.uid;
    env.berth(["exec", &t.name, "sh", "-c", "id -u; cat /proc/1/comm"])
        .output()
        .success()
        .stdout_eq(&format!("{uid}\nsleep\n"));
}

#[test]
fn exec_detached_runs_in_the_background() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "detach", &[]);
    env.berth([
        "exec",
        "-d",
        &t.name,
        "sh",
        "-c",
        "echo done > /tmp/detached",
    ])
    .output()
    .success()
    .stdout_eq("");
    let seen = wait_until(Duration::from_secs(10), || {
        env.berth(["exec", &t.name, "cat", "/tmp/detached"])
            .expect_stderr()
            .output()
            .stdout()
            == "done\n"
    });
    assert!(seen, "the detached exec never wrote its file");
}

#[test]
fn top_lists_the_containers_processes() {
    let Some(env) = Env::rootless() else { return };
    let t = Target::start(&env, "top", &[]);
    let out = env.berth(["top", &t.name]).output();
    out.success();
    let lines = out.stdout_lines();
    assert!(
        lines[0]
            .split_whitespace()
            .eq(["USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"]),
        "header: {}",
        lines[0]
    );
    assert_eq!(lines.len(), 2, "top:\n{}", out.stdout());
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(&row[..3], ["root", "1", "0"], "row: {}", lines[1]);
    assert_eq!(row[5], "?", "row: {}", lines[1]);
    assert_eq!(&row[7..], ["sleep", "300"], "row: {}", lines[1]);

    let out = env.berth(["top", &t.name, "pid,comm", "user"]).output();
    out.success();
    let lines = out.stdout_lines();
    assert!(lines[0].split_whitespace().eq(["PID", "COMMAND", "USER"]));
    assert!(lines[1].split_whitespace().eq(["1", "sleep", "root"]));

    // Anything else goes to the container's own ps.
    let out = env.berth(["top", &t.name, "-o", "pid,args"]).output();
    out.success();
    assert!(
        out.stdout_lines()
            .iter()
            .any(|l| l.split_whitespace().eq(["1", "sleep", "300"])),
        "ps in the container:\n{}",
        out.stdout()
    );
}
