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

#[test]
fn run_it_detach_keys_leave_the_container_running() {
    let Some(env) = tty_env() else { return };
    let mut run = PtyRun::spawn(
        &env.berth(["run", "-i", "-t", "--name", "fg", "busybox", "sh"]),
        24,
        80,
    );
    run.write(b"echo marker-$((6*7))\r");
    run.wait_for("marker-42");
    // ctrl-p ctrl-q: berth returns 0 and the shell keeps running under its monitor.
    run.write(&[16, 17]);
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "detaching exits 0:\n{text}");
    let out = env
        .berth(["ps", "--format", "{{.Names}} {{.State}}"])
        .output();
    out.success().stdout_eq("fg running\n");
    // The detached shell is attachable, and its exit is recorded.
    let mut run = PtyRun::spawn(&env.berth(["attach", "fg"]), 24, 80);
    run.write(b"echo again-$((2*3)); exit 4\r");
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(4), "the shell's status:\n{text}");
    assert!(text.contains("again-6"), "terminal output:\n{text}");
    let out = env.berth(["wait", "fg"]).output();
    out.success().stdout_eq("4\n");
}

#[test]
fn run_it_with_detach_keys_off_passes_them_through() {
    let Some(env) = tty_env() else { return };
    let mut run = PtyRun::spawn(
        &env.berth([
            "run",
            "--rm",
            "-i",
            "-t",
            "--detach-keys",
            "",
            "busybox",
            "sh",
            "-c",
            "echo ready; read line; echo \"len:${#line}\"",
        ]),
        24,
        80,
    );
    run.wait_for("ready");
    // Without detach keys, ctrl-p ctrl-q do not detach: ctrl-p is input, and ctrl-q is
    // XON, which the container's terminal swallows; the shell reads a line of two bytes.
    run.write(&[16, 17]);
    run.write(b"x\r");
    let (status, text) = run.wait();
    assert_eq!(status.code(), Some(0), "terminal output:\n{text}");
    assert!(text.contains("len:2"), "terminal output:\n{text}");
}
