//! `--init`: PID 1 of the container is berth's reaper, re-executed from a sealed memfd copy
//! of berth, so nothing of the host's berth binary is reachable from inside the container
//! (CVE-2019-5736's class). It still reaps, forwards signals and passes the exit status on.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, Instant};

use nix::fcntl::{fcntl, FcntlArg, SealFlag};
use sha2::{Digest, Sha256};

use crate::util::{berth_bin, Env};

fn digest(path: &std::path::Path) -> Vec<u8> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("read `{}`: {e}", path.display()));
    Sha256::digest(&bytes).to_vec()
}

#[test]
fn init_runs_from_a_sealed_copy_not_the_host_binary() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // A berth the container's root could write to: owned by the test user, whom the
    // container's uid 0 maps to (as a berth in ~/.local/bin is).
    let bin = env.work.join("berth");
    fs::copy(berth_bin(), &bin).expect("copy berth");
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).expect("chmod berth");
    env.give_to_user(&bin);
    let host = fs::metadata(&bin).expect("stat berth");
    let before = digest(&bin);

    let script = "readlink /proc/1/exe; \
        stat -L -c '%d %i' /proc/1/exe; \
        if echo x >> /proc/1/exe; then echo wrote; else echo refused; fi; \
        if cat /proc/1/exe > /proc/1/exe; then echo wrote; else echo refused; fi; \
        readlink /proc/1/root; readlink /proc/1/cwd; \
        stat -L -c '%d %i' /proc/1/root/; stat -c '%d %i' /; \
        for f in /proc/1/fd/*; do readlink $f; done | sort -u | tr '\\n' ' '; echo; \
        wc -c < /proc/1/environ";
    let out = env
        .as_user(
            &bin,
            ["run", "--rm", "--init", "busybox", "sh", "-c", script],
        )
        .expect_stderr()
        .output();
    out.success();
    let lines = out.stdout_lines();
    out.check(lines.len() == 10, "ten lines");
    let host_path = bin.to_string_lossy();
    out.check(
        !lines[0].contains(&*host_path) && !lines[0].contains("berth-it-bin"),
        "/proc/1/exe must not name the host's berth",
    );
    out.check(
        lines[0].starts_with("/memfd:berth-init"),
        "/proc/1/exe is the sealed memfd",
    );
    out.check(
        lines[1] != format!("{} {}", host.dev(), host.ino()),
        "/proc/1/exe must not open the host's berth",
    );
    out.check(
        lines[2] == "refused" && lines[3] == "refused",
        "/proc/1/exe cannot be written to",
    );
    out.check(
        lines[4] == "/" && lines[5] == "/",
        "PID 1's root and working directory are the container's /",
    );
    out.check(lines[6] == lines[7], "/proc/1/root is the container's root");
    // /dev/null on 0, 1 and 2, and the signalfd.
    out.check(
        lines[8].trim() == "/dev/null anon_inode:[signalfd]",
        "PID 1 holds nothing of the host but /dev/null",
    );
    out.check(lines[9] == "0", "PID 1 has an empty environment");
    assert!(
        digest(&bin) == before,
        "the host's berth binary changed\n{}",
        out.report()
    );

    // The exit status is the command's.
    env.as_user(
        &bin,
        ["run", "--rm", "--init", "busybox", "sh", "-c", "exit 7"],
    )
    .output()
    .code(7);
    env.as_user(
        &bin,
        [
            "run",
            "--rm",
            "--init",
            "--userns=keep-id",
            "busybox",
            "sh",
            "-c",
            "exit 9",
        ],
    )
    .output()
    .code(9);
}

/// The container's init pid, from the host.
fn init_pid(env: &Env, name: &str) -> i32 {
    env.berth(["inspect", "--format", "{{.State.Pid}}", name])
        .output()
        .success()
        .stdout()
        .trim()
        .parse()
        .expect("a pid")
}

#[test]
fn init_exe_is_sealed_holds_only_cap_kill_and_stop_forwards_sigterm() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for (name, user) in [("root-init", "0"), ("user-init", "1000")] {
        env.berth([
            "run",
            "-d",
            "--init",
            "--network",
            "none",
            "--name",
            name,
            "-u",
            user,
            "busybox",
            "sleep",
            "300",
        ])
        .output()
        .success();
        let pid = init_pid(&env, name);
        // The host (root, here) opens what /proc/PID/exe refers to: a memfd, sealed.
        let exe = fs::File::open(format!("/proc/{pid}/exe")).expect("open the init's exe");
        let seals = fcntl(std::os::fd::AsRawFd::as_raw_fd(&exe), FcntlArg::F_GET_SEALS)
            .expect("F_GET_SEALS on the init's exe: it must be a memfd");
        let seals = SealFlag::from_bits_retain(seals);
        let want = SealFlag::F_SEAL_SEAL
            | SealFlag::F_SEAL_SHRINK
            | SealFlag::F_SEAL_GROW
            | SealFlag::F_SEAL_WRITE;
        assert!(seals.contains(want), "seals {seals:?}, want {want:?}");
        let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
        for field in ["CapEff", "CapPrm", "CapBnd"] {
            let value = status
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{field}:")))
                .map(str::trim);
            // CAP_KILL is bit 5.
            assert_eq!(value, Some("0000000000000020"), "{field} of the init");
        }

        // exec joins the reaper's namespaces and sees the container's root.
        env.berth(["exec", "-u", "0", name, "readlink", "/proc/1/exe"])
            .output()
            .success()
            .stdout_contains("/memfd:berth-init");

        // stop sends SIGTERM to PID 1, which passes it to `sleep`: 128+15, at once (not
        // after stop's 10 s timeout and a SIGKILL).
        let started = Instant::now();
        env.berth(["stop", name]).output().success();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "stop took {took:?}");
        env.berth(["inspect", "--format", "{{.State.ExitCode}}", name])
            .output()
            .success()
            .stdout_eq("143\n");
        env.berth(["rm", name]).output().success();
    }
}

#[test]
fn init_with_a_tty_gives_the_command_the_pty_and_ctrl_c() {
    let Some(env) = Env::rootless() else { return };
    if !crate::util::require(crate::util::Need::Setsid) {
        return;
    }
    env.import_busybox();
    // The command's process sets up the terminal (the reaper forked before step 9): it is
    // the session leader on the pty, and a Ctrl-C reaches its foreground `sleep`.
    let mut run = crate::util::pty::PtyRun::spawn(
        &env.berth([
            "run",
            "--rm",
            "-i",
            "-t",
            "--init",
            "busybox",
            "sh",
            "-c",
            "tty; stty size; echo ready; sleep 60; echo \"slept:$?\"",
        ]),
        33,
        101,
    );
    run.wait_for("ready");
    run.write(b"\x03");
    let (status, text) = run.wait();
    assert!(text.contains("/dev/pts/0"), "terminal output:\n{text}");
    assert!(text.contains("33 101"), "terminal output:\n{text}");
    assert!(
        !text.contains("slept:0"),
        "sleep was not interrupted\n{text}"
    );
    assert!(status.code().is_some(), "{status:?}\n{text}");
}

#[test]
fn init_restarts_run_from_the_same_sealed_copy() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // The monitor keeps its sealed copy: every restart's PID 1 runs from it.
    env.berth([
        "run",
        "-d",
        "--init",
        "--network",
        "none",
        "--name",
        "flaky-init",
        "--restart",
        "on-failure:2",
        "busybox",
        "sh",
        "-c",
        "echo $(readlink /proc/1/exe) $(stat -L -c %i /proc/1/exe); exit 3",
    ])
    .output()
    .success();
    let done = crate::util::wait_until(Duration::from_secs(20), || {
        env.berth([
            "inspect",
            "--format",
            "{{.State.Status}} {{.State.ExitCode}}",
            "flaky-init",
        ])
        .output()
        .stdout()
            == "exited 3\n"
            && env
                .berth(["logs", "flaky-init"])
                .output()
                .stdout_lines()
                .len()
                == 3
    });
    let logs = env.berth(["logs", "flaky-init"]).output();
    logs.check(done, "three runs, then exited 3");
    let lines = logs.stdout_lines();
    logs.check(
        lines[0].starts_with("/memfd:berth-init (deleted) ")
            && lines.iter().all(|l| *l == lines[0]),
        "every run's PID 1 is the same memfd",
    );
}
