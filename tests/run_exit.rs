//! `berth run` exit codes and signal forwarding.

use nix::sys::signal::Signal;

use crate::util::Env;

#[test]
fn exit_code_zero_and_container_code() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "busybox", "true"])
        .output()
        .code(0)
        .stdout_eq("");
    // The container's own code passes through silently.
    let out = env
        .berth(["run", "--rm", "busybox", "sh", "-c", "exit 3"])
        .output();
    out.code(3);
    out.check(
        out.stderr.is_empty(),
        "a container's exit status is not an error",
    );
    env.berth(["run", "--rm", "busybox", "false"])
        .output()
        .code(1);
}

#[test]
fn unknown_image_exits_125() {
    let Some(env) = Env::rootless() else { return };
    // Without a registry to pull from (--pull=never), as podman: `image not known`.
    env.berth(["run", "--rm", "--pull=never", "nosuchimage", "true"])
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("image not known")
        .stderr_contains("nosuchimage");
}

#[test]
fn not_executable_exits_126() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for cmd in ["/etc", "/etc/passwd"] {
        env.berth(["run", "--rm", "busybox", cmd])
            .output()
            .code(126)
            .stderr_contains(cmd);
    }
}

#[test]
fn not_found_exits_127() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "busybox", "no-such-command"])
        .output()
        .code(127)
        .stderr_contains("no-such-command");
    env.berth(["run", "--rm", "busybox", "/bin/missing"])
        .output()
        .code(127)
        .stderr_contains("/bin/missing");
}

#[test]
fn killed_by_signal_exits_128_plus_n() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // The command must not be PID 1 here: the kernel ignores signals a namespace's init
    // gets from inside its own namespace, even SIGKILL. With --init, the init passes the
    // command's death on as 128+N.
    env.berth(["run", "--rm", "--init", "busybox", "sh", "-c", "kill -9 $$"])
        .output()
        .code(137);
    env.berth([
        "run",
        "--rm",
        "--init",
        "busybox",
        "sh",
        "-c",
        "kill -15 $$",
    ])
    .output()
    .code(143);
    // A child killed by a signal is the shell's business: sh reports 128+15 as its own code.
    env.berth([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "sleep 30 & kill -15 $!; wait $!",
    ])
    .output()
    .code(143);
}

#[test]
fn pid_1_ignores_its_own_kill() {
    // Without --init the command is PID 1, and `kill -9 $$` from inside does nothing
    // (kernel semantics, the same under podman): the shell goes on and exits 0.
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "kill -9 $$; echo alive",
    ])
    .output()
    .success()
    .stdout_eq("alive\n");
}

/// Run a container that traps `sig` and exits with `code`, send `sig` to berth once the
/// container is ready, and expect `code`.
fn forwards(sig: Signal, name: &str, code: i32) {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let script = format!(
        "trap 'echo got-{name}; exit {code}' {name}; echo ready; while :; do sleep 0.1; done"
    );
    let mut run = env
        .berth(["run", "--rm", "busybox", "sh", "-c", &script])
        .spawn();
    run.wait_for_line("ready");
    run.signal(sig);
    let out = run.wait();
    out.code(code).stdout_eq(&format!("ready\ngot-{name}\n"));
    out.check(env.container_ids().is_empty(), "--rm removes the container");
}

#[test]
fn sigterm_is_forwarded() {
    forwards(Signal::SIGTERM, "TERM", 42);
}

#[test]
fn sigint_is_forwarded() {
    forwards(Signal::SIGINT, "INT", 43);
}

#[test]
fn sighup_is_forwarded() {
    forwards(Signal::SIGHUP, "HUP", 44);
}

#[test]
fn sigterm_to_a_container_without_handler_still_ends_it() {
    // PID 1 ignores signals it has no handler for, as in podman; berth must not hang or
    // die itself: the container keeps running until it ends on its own.
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let mut run = env
        .berth([
            "run",
            "--rm",
            "busybox",
            "sh",
            "-c",
            "echo ready; sleep 1; echo done",
        ])
        .spawn();
    run.wait_for_line("ready");
    run.signal(Signal::SIGTERM);
    let out = run.wait();
    out.code(0).stdout_eq("ready\ndone\n");
}
