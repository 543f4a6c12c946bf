//! Detached containers and their lifecycle: `run -d`, `logs`, `stop`, `kill`, `wait`,
//! `start`, `create`, `restart`, and restart policies.

use std::time::Duration;

use crate::util::{is_image_id, unique, wait_until, Env};

fn ps_status(env: &Env, name: &str) -> String {
    let out = env.berth(["ps", "-a", "--format", "json"]).output();
    out.success();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    rows.as_array()
        .expect("an array")
        .iter()
        .find(|r| r["Names"][0] == name)
        .map(|r| format!("{} {}", r["State"].as_str().unwrap_or(""), r["ExitCode"]))
        .unwrap_or_default()
}

#[test]
fn run_detached_keeps_running_after_berth_exits() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "-d",
            "--name",
            "bg",
            "busybox",
            "sh",
            "-c",
            "echo started; sleep 300",
        ])
        .output();
    out.success();
    let id = out.stdout().trim().to_string();
    assert!(is_image_id(&id), "run -d prints the full id: {id:?}");
    // berth has exited; the container is still up.
    assert_eq!(ps_status(&env, "bg"), "running 0");
    assert!(wait_until(Duration::from_secs(10), || {
        env.berth(["logs", "bg"]).output().stdout() == "started\n"
    }));
    env.berth(["rm", "-f", "bg"]).output().success();
}

#[test]
fn logs_follow_new_output_and_streams() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "chatty",
        "busybox",
        "sh",
        "-c",
        "echo one; echo err >&2; sleep 1; echo two; sleep 1; echo three",
    ])
    .output()
    .success();
    // -f prints what comes later and returns when the container exits.
    let out = env.berth(["logs", "-f", "chatty"]).expect_stderr().output();
    out.success().stdout_eq("one\ntwo\nthree\n");
    assert_eq!(out.stderr(), "err\n");
    env.berth(["logs", "--tail", "1", "chatty"])
        .output()
        .success()
        .stdout_eq("three\n");
    let stamped = env.berth(["logs", "-t", "chatty"]).expect_stderr().output();
    assert!(
        stamped
            .stdout_lines()
            .iter()
            .all(|l| l.len() > 30 && l.contains("T")),
        "timestamps: {:?}",
        stamped.stdout_lines()
    );
    env.berth(["logs", "--since", "2100-01-01T00:00:00Z", "chatty"])
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn stop_waits_then_kills_a_container_that_ignores_sigterm() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // PID 1 without a handler ignores SIGTERM: stop must fall back to SIGKILL.
    env.berth(["run", "-d", "--name", "stubborn", "busybox", "sleep", "300"])
        .output()
        .success();
    env.berth(["stop", "-t", "1", "stubborn"])
        .expect_stderr()
        .output()
        .success()
        .stdout_eq("stubborn\n")
        .stderr_contains("failed to stop container stubborn in 1 seconds, resorting to SIGKILL");
    assert_eq!(ps_status(&env, "stubborn"), "exited 137");
    env.berth(["wait", "stubborn"])
        .output()
        .success()
        .stdout_eq("137\n");
}

#[test]
fn stop_with_a_trap_exits_cleanly_and_start_runs_it_again() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "polite",
        "busybox",
        "sh",
        "-c",
        "trap 'echo bye; exit 5' TERM; echo hi; while :; do sleep 0.1; done",
    ])
    .output()
    .success();
    assert!(wait_until(Duration::from_secs(10), || env
        .berth(["logs", "polite"])
        .output()
        .stdout()
        == "hi\n"));
    env.berth(["stop", "polite"]).output().success();
    env.berth(["wait", "polite"])
        .output()
        .success()
        .stdout_eq("5\n");
    env.berth(["start", "polite"])
        .output()
        .success()
        .stdout_eq("polite\n");
    assert_eq!(ps_status(&env, "polite"), "running 0");
    env.berth(["kill", "-s", "TERM", "polite"])
        .output()
        .success();
    env.berth(["wait", "polite"])
        .output()
        .success()
        .stdout_eq("5\n");
    env.berth(["logs", "polite"])
        .output()
        .success()
        .stdout_eq("hi\nbye\nhi\nbye\n");
    env.berth(["kill", "polite"])
        .output()
        .code(125)
        .stderr_contains("not running");
}

#[test]
fn create_then_start() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "create",
            "--name",
            "later",
            "busybox",
            "sh",
            "-c",
            "echo ran; exit 4",
        ])
        .output();
    out.success();
    assert!(is_image_id(out.stdout().trim()));
    assert_eq!(ps_status(&env, "later"), "created 0");
    env.berth(["start", "-a", "later"])
        .output()
        .code(4)
        .stdout_eq("ran\n");
    env.berth(["start", "later"])
        .output()
        .success()
        .stdout_eq("later\n");
    env.berth(["wait", "later"])
        .output()
        .success()
        .stdout_eq("4\n");
}

#[test]
fn restart_on_failure_restarts_exactly_n_times() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "flaky",
        "--restart",
        "on-failure:2",
        "busybox",
        "sh",
        "-c",
        "echo attempt; exit 3",
    ])
    .output()
    .success();
    assert!(wait_until(Duration::from_secs(20), || ps_status(
        &env, "flaky"
    ) == "exited 3"
        && !env.berth(["ps"]).output().stdout().contains("flaky")
        && env.berth(["logs", "flaky"]).output().stdout()
            == "attempt\nattempt\nattempt\n"));
    // Give a wrong implementation the chance to restart a fourth time.
    std::thread::sleep(Duration::from_millis(500));
    env.berth(["logs", "flaky"])
        .output()
        .success()
        .stdout_eq("attempt\nattempt\nattempt\n");
}

#[test]
fn restart_always_is_ended_by_stop() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let marker = unique("always");
    let script = format!("echo up; sleep 0.2; : {marker}");
    env.berth([
        "run",
        "-d",
        "--name",
        "loop",
        "--restart",
        "always",
        "busybox",
        "sh",
        "-c",
        &script,
    ])
    .output()
    .success();
    assert!(wait_until(Duration::from_secs(20), || env
        .berth(["logs", "loop"])
        .output()
        .stdout()
        .matches("up")
        .count()
        >= 3));
    // A stop that lands while sh runs may need SIGKILL (PID 1 ignores SIGTERM), and then
    // warns on stderr as podman does.
    env.berth(["stop", "-t", "2", "loop"])
        .expect_stderr()
        .output()
        .success();
    assert!(wait_until(Duration::from_secs(10), || Env::processes_with(
        &marker
    )
    .is_empty()));
    let before = env.berth(["logs", "loop"]).output().stdout();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        env.berth(["logs", "loop"]).output().stdout(),
        before,
        "no restart after stop"
    );
    env.berth(["rm", "loop"]).output().success();
}

#[test]
fn detached_rm_removes_itself() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "-d", "--rm", "busybox", "true"])
        .output()
        .success();
    assert!(wait_until(Duration::from_secs(10), || env
        .container_ids()
        .is_empty()));
}

#[test]
fn log_drivers_and_rotation() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // k8s-file in the foreground: output is shown and kept.
    env.berth([
        "run",
        "--name",
        "kept",
        "--log-driver",
        "k8s-file",
        "busybox",
        "echo",
        "shown",
    ])
    .output()
    .success()
    .stdout_eq("shown\n");
    env.berth(["logs", "kept"])
        .output()
        .success()
        .stdout_eq("shown\n");
    // none: nothing is kept.
    env.berth([
        "run",
        "-d",
        "--name",
        "silent",
        "--log-driver",
        "none",
        "busybox",
        "echo",
        "lost",
    ])
    .output()
    .success();
    env.berth(["wait", "silent"]).output().success();
    env.berth(["logs", "silent"])
        .output()
        .code(125)
        .stderr_contains("no log");
    env.berth([
        "run",
        "-d",
        "--log-driver",
        "passthrough",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains("passthrough");
    // max-size rotates: the newest lines are there, the log stays small.
    env.berth([
        "run",
        "-d",
        "--name",
        "rotor",
        "--log-opt",
        "max-size=300",
        "busybox",
        "sh",
        "-c",
        "for i in $(seq 50); do echo line-$i; done",
    ])
    .output()
    .success();
    env.berth(["wait", "rotor"]).output().success();
    let out = env.berth(["logs", "rotor"]).output();
    let lines = out.success().stdout_lines();
    assert_eq!(lines.last().map(String::as_str), Some("line-50"));
    assert!(
        lines.len() < 50,
        "older lines were rotated away: {}",
        lines.len()
    );
}

#[test]
fn a_storm_of_runs_ps_and_rm_leaves_a_clean_store() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let marker = unique("storm");
    let script = format!("sleep 30; : {marker}");
    // 50 detached runs, with ps and rm -f racing them, 10 at a time.
    let mut children = Vec::new();
    for i in 0..50 {
        let name = format!("s{i}");
        children.push(
            env.berth(["run", "-d", "--name", &name, "busybox", "sh", "-c", &script])
                .expect_stderr()
                .spawn(),
        );
        children.push(env.berth(["ps", "-a", "-q"]).expect_stderr().spawn());
        if i % 3 == 0 {
            children.push(env.berth(["rm", "-f", &name]).expect_stderr().spawn());
        }
        if children.len() >= 10 {
            for c in children.drain(..) {
                let _ = c.wait();
            }
        }
    }
    for c in children.drain(..) {
        let _ = c.wait();
    }
    env.berth(["rm", "-af"]).expect_stderr().output();
    env.berth(["ps", "-aq"]).output().success().stdout_eq("");
    assert!(
        wait_until(Duration::from_secs(30), || Env::processes_with(&marker)
            .is_empty()),
        "container processes left: {:?}",
        Env::processes_with(&marker)
    );
    let data = env.data_home.to_string_lossy().into_owned();
    assert!(
        wait_until(Duration::from_secs(30), || Env::processes_with(&data)
            .is_empty()),
        "berth processes left: {:?}",
        Env::processes_with(&data)
    );
    // Nothing half-written: the store checks clean.
    env.berth(["system", "check"]).output().success();
    assert!(env.container_ids().is_empty(), "{:?}", env.container_ids());
}

#[test]
fn two_starts_at_once_give_one_running_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let marker = unique("twice");
    let script = format!("sleep 300; : {marker}");
    env.berth(["create", "--name", "once", "busybox", "sh", "-c", &script])
        .output()
        .success();
    let a = env.berth(["start", "once"]).spawn();
    let b = env.berth(["start", "once"]).spawn();
    a.wait().success().stdout_eq("once\n");
    b.wait().success().stdout_eq("once\n");
    // Exactly one container process: the second start found it running.
    assert!(wait_until(Duration::from_secs(10), || Env::processes_with(
        &marker
    )
    .len()
        == 1));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        Env::processes_with(&marker).len(),
        1,
        "one container, one process"
    );
    env.berth(["rm", "-f", "once"]).output().success();
}

#[test]
fn foreground_output_is_logged_by_default() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "--name",
            "fg",
            "busybox",
            "sh",
            "-c",
            "echo to-out; echo to-err >&2; exit 3",
        ])
        .expect_stderr()
        .output();
    out.code(3).stdout_eq("to-out\n");
    assert_eq!(out.stderr(), "to-err\n", "stderr stays stderr");
    let out = env.berth(["logs", "fg"]).expect_stderr().output();
    out.success().stdout_contains("to-out");
    assert!(out.stderr().contains("to-err"), "{}", out.report());
    // -i still passes stdin through while logging.
    env.berth(["run", "-i", "--name", "fgin", "busybox", "cat"])
        .stdin("piped-in\n")
        .output()
        .success()
        .stdout_eq("piped-in\n");
    env.berth(["logs", "fgin"])
        .output()
        .success()
        .stdout_eq("piped-in\n");
    // --rm containers leave no log behind and take the direct path.
    env.berth(["run", "--rm", "busybox", "echo", "gone"])
        .output()
        .success()
        .stdout_eq("gone\n");
}

#[test]
fn rm_force_of_a_keep_id_container_leaves_no_process() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--network",
        "none",
        "--name",
        "kid",
        "--userns=keep-id",
        "busybox",
        "sleep",
        "300",
    ])
    .output()
    .success();
    let pid: i32 = env
        .berth(["inspect", "--format", "{{.State.Pid}}", "kid"])
        .output()
        .success()
        .stdout()
        .trim()
        .parse()
        .expect("a pid");
    assert!(pid > 0);
    env.berth(["rm", "-f", "kid"]).output().success();
    // The id change in keep-id's namespace used to clear the parent-death signal, so the
    // container's process outlived its killed monitor.
    assert!(
        crate::util::wait_until(std::time::Duration::from_secs(5), || !std::path::Path::new(
            &format!("/proc/{pid}")
        )
        .exists()),
        "process {pid} of the removed container is still running"
    );
}

/// The container ids `ps -a` lists, in its order.
fn ps_ids(env: &Env, extra: &[&str]) -> Vec<String> {
    let out = env
        .berth(["ps", "-a", "--no-trunc", "--format", "{{.ID}}"])
        .args(extra)
        .output();
    out.success();
    out.stdout_lines()
}

#[test]
fn rm_time_zero_stops_at_once_and_all_force_ignore_on_nothing_is_quiet() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // podman's test setup: nothing to remove is a quiet success.
    env.berth(["rm", "-t", "0", "--all", "--force", "--ignore"])
        .output()
        .success()
        .stdout_eq("");
    // A container that ignores SIGTERM: `-t 0` kills it without the 10 s wait.
    let name = unique("rmt");
    env.berth(["run", "-d", "--name", &name, "busybox", "sh", "-c"])
        .arg("trap '' TERM; while :; do sleep 1; done")
        .output()
        .success();
    let started = std::time::Instant::now();
    env.berth(["rm", "-t0", "-f", &name])
        .output()
        .success()
        .stdout_eq(&format!("{name}\n"));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "rm -t 0 -f waited {:?}",
        started.elapsed()
    );
    assert!(ps_ids(&env, &[]).is_empty());
    // -f passes over a container that does not exist, as podman.
    env.berth(["container", "rm", "--time", "3", "--force", "nosuch"])
        .output()
        .success()
        .stdout_eq("");
    let out = env.berth(["rm", "nosuch"]).expect_stderr().output();
    out.code(1)
        .stderr_contains("no container with name or ID \"nosuch\" found: no such container");
    env.berth(["rm"]).expect_stderr().output().code(125);
    env.berth(["rm", "--all", "x"])
        .expect_stderr()
        .output()
        .code(125);
}

#[test]
fn rm_f_of_a_foreground_run_makes_it_exit_137() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let name = unique("fg");
    let run = env
        .berth(["run", "--name", &name, "busybox", "sleep", "30"])
        .spawn();
    assert!(wait_until(Duration::from_secs(10), || {
        ps_status(&env, &name).starts_with("running")
    }));
    env.berth(["rm", "-t", "0", "-f", &name]).output().success();
    run.wait().code(137);
}

#[test]
fn rm_depend_cidfile_and_filter() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let base = env.berth(["create", "busybox", "true"]).output();
    base.success();
    let base = base.stdout().trim().to_string();
    let user = env
        .berth([
            "create",
            "--network",
            &format!("container:{base}"),
            "busybox",
            "true",
        ])
        .output();
    user.success();
    let user = user.stdout().trim().to_string();
    let out = env.berth(["rm", &base]).expect_stderr().output();
    out.code(125).stderr_contains(&format!(
        "container {base} has dependent containers which must be removed before it: {user}"
    ));
    env.berth(["rm", "--depend", &base])
        .output()
        .success()
        .stdout_eq(&format!("{user}\n{base}\n"));
    assert!(ps_ids(&env, &[]).is_empty());

    // --cidfile: the id read from the file.
    let id = env.berth(["create", "busybox", "true"]).output();
    id.success();
    let id = id.stdout().trim().to_string();
    let cidfile = env.write_file("cid", format!("{id}\n").as_bytes());
    env.berth(["rm", "--cidfile"])
        .arg(&cidfile)
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));
    env.berth(["rm", "--cidfile", "/nonexistent/cid"])
        .expect_stderr()
        .output()
        .code(125);

    // --filter picks among all containers and prints ids.
    let keep = env
        .berth(["create", "--label", "k=keep", "busybox", "true"])
        .output();
    keep.success();
    let gone = env
        .berth(["create", "--label", "k=gone", "busybox", "true"])
        .output();
    gone.success();
    env.berth(["rm", "--filter", "label=k=gone"])
        .output()
        .success()
        .stdout_eq(&gone.stdout());
    assert_eq!(ps_ids(&env, &[]), vec![keep.stdout().trim().to_string()]);
    env.berth(["rm", "--filter", "label=k=keep", "x"])
        .expect_stderr()
        .output()
        .code(125);
}

#[test]
fn start_all_and_filter_print_ids_names_as_given() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let a = env.berth(["create", "busybox", "true"]).output();
    a.success();
    let a = a.stdout().trim().to_string();
    let b = env
        .berth(["create", "--restart", "always", "busybox", "sleep", "60"])
        .output();
    b.success();
    let b = b.stdout().trim().to_string();
    // --all starts what is not running, printing ids.
    let out = env.berth(["start", "--all"]).output();
    out.success();
    let mut lines = out.stdout_lines();
    lines.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(lines, want, "{}", out.report());
    env.berth(["wait", &a]).output().success();
    // b runs: --all leaves it alone; a (restart policy none) matches the filter.
    env.berth(["start", "--all"])
        .output()
        .success()
        .stdout_eq(&format!("{a}\n"));
    env.berth(["wait", &a]).output().success();
    env.berth(["start", "--filter", "restart-policy=always", &a])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["start", "--filter", "restart-policy=none", &a[..12]])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &a[..12]));
    env.berth(["wait", &a]).output().success();
    env.berth(["start", "--all", "--filter", "exited=0"])
        .output()
        .success()
        .stdout_eq(&format!("{a}\n"));
    let out = env
        .berth(["start", "--filter", "restart-policy=fakepolicy", &a])
        .expect_stderr()
        .output();
    out.code(125);
    assert_eq!(out.stderr(), "Error: fakepolicy invalid restart policy\n");
    let out = env.berth(["start", "--all", "x"]).expect_stderr().output();
    out.code(125).stderr_contains(
        "either start all containers or the container(s) provided in the arguments",
    );
    env.berth(["rm", "-t", "0", "-f", "--all"])
        .output()
        .success();
}

#[test]
fn stop_cidfile_ignore_all_and_the_sigkill_warning() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env.berth(["stop", "nosuch"]).expect_stderr().output();
    out.code(125)
        .stderr_contains("no container with name or ID \"nosuch\" found: no such container");
    env.berth(["stop", "--ignore", "nosuch"])
        .output()
        .success()
        .stdout_eq("");
    let name = unique("stopme");
    let id = env
        .berth(["run", "-d", "--name", &name, "busybox", "sleep", "100"])
        .output();
    id.success();
    let id = id.stdout().trim().to_string();
    let cidfile = env.write_file("cid", id.as_bytes());
    // sleep ignores SIGTERM as PID 1: stop kills it after 1 s and says so.
    let out = env
        .berth(["stop", "-t", "1", "--cidfile"])
        .arg(&cidfile)
        .expect_stderr()
        .output();
    out.success()
        .stdout_eq(&format!("{id}\n"))
        .stderr_contains(&format!(
            "StopSignal SIGTERM failed to stop container {name} in 1 seconds, resorting to SIGKILL"
        ));
    env.berth(["start", &name]).output().success();
    env.berth(["stop", "--all", "-t", "0"])
        .expect_stderr()
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));
    env.berth(["stop", "--all", "x"])
        .expect_stderr()
        .output()
        .code(125);
    env.berth(["rm", &name]).output().success();
}

#[test]
fn kill_signals_wait_conditions_and_the_container_group() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // Bad signals are refused in podman's words, before the container is looked up.
    for (sig, want) in [
        ("0", "Error: invalid signal: 0\n"),
        ("-SIGBADSIG", "Error: invalid signal: SIGBADSIG\n"),
        ("65", "Error: valid signals are 1 through 64\n"),
        ("-65", "Error: valid signals are 1 through 64\n"),
    ] {
        let out = env
            .berth(["kill", "-s", sig, "nosuchcontainer"])
            .expect_stderr()
            .output();
        out.code(125).check(out.stderr() == want, "podman's words");
    }
    // `create` checks --stop-signal with the same words.
    let out = env
        .berth(["create", "--stop-signal=99", "busybox"])
        .expect_stderr()
        .output();
    out.code(125).check(
        out.stderr() == "Error: valid signals are 1 through 64\n",
        "podman's words",
    );
    // A created container has an empty log, and `container wait --condition` sees its states.
    env.berth([
        "create",
        "--name",
        "w",
        "busybox",
        "sh",
        "-c",
        "trap 'echo got 10' USR1; echo up; while ! test -e /stop; do sleep 0.1; done",
    ])
    .output()
    .success();
    env.berth(["logs", "w"]).output().success().stdout_eq("");
    env.berth(["container", "wait", "--condition", "created", "w"])
        .output()
        .success()
        .stdout_eq("-1\n");
    env.berth(["start", "w"]).output().success();
    env.berth([
        "container",
        "wait",
        "--condition=running",
        "--interval",
        "50ms",
        "w",
    ])
    .output()
    .success()
    .stdout_eq("-1\n");
    assert!(
        wait_until(Duration::from_secs(10), || env
            .berth(["logs", "w"])
            .output()
            .stdout()
            .contains("up")),
        "the container started"
    );
    // A leading dash and a name without SIG both name the signal.
    env.berth(["container", "kill", "-s", "-USR1", "w"])
        .output()
        .success();
    assert!(
        wait_until(Duration::from_secs(10), || env
            .berth(["container", "logs", "w"])
            .output()
            .stdout()
            .contains("got 10")),
        "the trap ran"
    );
    env.berth(["exec", "w", "touch", "/stop"])
        .output()
        .success();
    env.berth([
        "container",
        "wait",
        "--condition",
        "stopped",
        "--condition",
        "exited",
        "w",
    ])
    .output()
    .success()
    .stdout_eq("0\n");
    env.berth(["container", "wait", "--ignore", "nosuch"])
        .output()
        .success();
    env.berth(["container", "wait", "--condition", "bogus", "w"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_is_one_error();
    // A container whose command cannot be run fails `start` with 125 (run keeps 127).
    env.berth(["create", "--name", "nocmd", "busybox", "/no/such/command"])
        .output()
        .success();
    env.berth(["start", "nocmd"])
        .expect_stderr()
        .output()
        .code(125);
    env.berth(["run", "--rm", "busybox", "/no/such/command"])
        .expect_stderr()
        .output()
        .code(127);
    // -t -i with a stdin that is not a terminal: podman's warning, and the container runs.
    env.berth(["run", "--rm", "-t", "-i", "busybox", "echo", "hi"])
        .stdin(Vec::new())
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("The input device is not a TTY");
}
