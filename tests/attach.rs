//! `berth attach` to detached containers: output, input, exit status, detach keys.

use std::time::Duration;

use crate::util::pty::PtyRun;
use crate::util::{require, wait_until, Env, Need};

#[test]
fn attach_pipes_input_and_returns_the_exit_code() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "-i",
        "--name",
        "echoer",
        "busybox",
        "sh",
        "-c",
        "while read l; do echo got:$l; done; echo eof; exit 7",
    ])
    .output()
    .success();
    env.berth(["attach", "echoer"])
        .stdin("a\nb\n")
        .output()
        .code(7)
        .stdout_eq("got:a\ngot:b\neof\n");
}

#[test]
fn attach_without_stdin_shows_later_output() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "later",
        "busybox",
        "sh",
        "-c",
        "sleep 1; echo late; exit 3",
    ])
    .output()
    .success();
    env.berth(["attach", "--no-stdin", "later"])
        .output()
        .code(3)
        .stdout_eq("late\n");
    env.berth(["attach", "later"])
        .output()
        .code(125)
        .stderr_contains("not running");
}

#[test]
fn detach_keys_leave_a_tty_container_running() {
    let Some(env) = Env::rootless() else { return };
    if !require(Need::Setsid) {
        return;
    }
    env.import_busybox();
    env.berth(["run", "-d", "-t", "-i", "--name", "shell", "busybox", "sh"])
        .output()
        .success();
    let mut run = PtyRun::spawn(&env.berth(["attach", "shell"]), 24, 80);
    run.write(b"echo marker-$((6*7))\r");
    run.wait_for("marker-42");
    // ctrl-p ctrl-q: detach.
    run.write(&[16, 17]);
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "detaching exits 0:\n{text}");
    let out = env.berth(["ps", "--format", "json"]).output();
    assert!(
        out.success().stdout().contains("\"shell\""),
        "still running"
    );
    // Custom keys; then exit the shell through a new attach.
    let mut run = PtyRun::spawn(
        &env.berth(["attach", "--detach-keys", "ctrl-x", "shell"]),
        24,
        80,
    );
    run.write(b"exit 5\r");
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(5), "the shell's status:\n{text}");
    assert!(wait_until(Duration::from_secs(10), || !env
        .berth(["ps"])
        .output()
        .stdout()
        .contains("shell")));
}
