//! `berth run -t`: a real pty in the container, window size, and Ctrl-C.

use crate::util::pty::PtyRun;
use crate::util::{require, Env, Need};

fn tty_env() -> Option<Env> {
    let env = Env::rootless()?;
    if !require(Need::Setsid) {
        return None;
    }
    env.import_busybox();
    Some(env)
}

#[test]
fn tty_is_a_pty_in_the_container() {
    let Some(env) = tty_env() else { return };
    let run = PtyRun::spawn(&env.berth(["run", "--rm", "-t", "busybox", "tty"]), 24, 80);
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert_eq!(text.trim(), "/dev/pts/0", "terminal output:\n{text}");
}

#[test]
fn without_tty_stdin_is_not_a_terminal() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env.berth(["run", "--rm", "busybox", "tty"]).output();
    out.code(1).stdout_eq("not a tty\n");
}

#[test]
fn tty_has_the_callers_window_size() {
    let Some(env) = tty_env() else { return };
    let run = PtyRun::spawn(
        &env.berth(["run", "--rm", "-t", "busybox", "stty", "size"]),
        33,
        101,
    );
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert_eq!(text.trim(), "33 101", "terminal output:\n{text}");
}

#[test]
fn tty_passes_input_through() {
    let Some(env) = tty_env() else { return };
    let mut run = PtyRun::spawn(
        &env.berth([
            "run",
            "--rm",
            "-i",
            "-t",
            "busybox",
            "sh",
            "-c",
            "echo ready; read line; echo \"got:$line\"",
        ]),
        24,
        80,
    );
    run.wait_for("ready");
    run.write(b"hello\r");
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert!(text.contains("got:hello"), "terminal output:\n{text}");
}

#[test]
fn ctrl_c_reaches_the_container() {
    let Some(env) = tty_env() else { return };
    // sh is PID 1 and ignores SIGINT; the Ctrl-C typed into the terminal must reach the
    // foreground `sleep` through the container's own pty, which kills it long before 60 s.
    let mut run = PtyRun::spawn(
        &env.berth([
            "run",
            "--rm",
            "-i",
            "-t",
            "busybox",
            "sh",
            "-c",
            "echo ready; sleep 60; echo \"slept:$?\"",
        ]),
        24,
        80,
    );
    run.wait_for("ready");
    run.write(b"\x03");
    let display = run.display().to_owned();
    let (status, text) = run.wait();
    assert!(
        !text.contains("slept:0"),
        "`{display}`: sleep was not interrupted\n{text}"
    );
    assert!(
        status.code().is_some(),
        "berth itself must not die of the Ctrl-C: {status:?}\n{text}"
    );
}

#[test]
fn tty_sees_window_size_changes() {
    let Some(env) = tty_env() else { return };
    // The container prints the size on every SIGWINCH and ends once it sees the new one.
    let mut run = PtyRun::spawn(
        &env.berth([
            "run",
            "--rm",
            "-i",
            "-t",
            "busybox",
            "sh",
            "-c",
            "trap 's=$(stty size); echo \"size:$s\"; [ \"$s\" = \"50 132\" ] && exit 0' WINCH; \
             echo ready; while :; do sleep 0.1; done",
        ]),
        24,
        80,
    );
    run.wait_for("ready");
    run.resize(50, 132);
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert!(text.contains("size:50 132"), "terminal output:\n{text}");
}
