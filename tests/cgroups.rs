//! cgroup v2: containers in leaves of the delegated subtree (scripts/setup.sh), `pause` and
//! `unpause` through the freezer, `stats`, `cgroup.kill` on stop, and limits: refused (125)
//! where the controller is not delegated, enforced where it is.

use std::time::Duration;

use crate::util::{cgroup_has, cgroup_subtree, require, wait_until, Env, Need};

fn env() -> Option<Env> {
    if !require(Need::Cgroup) {
        return None;
    }
    let env = Env::rootless()?;
    env.import_busybox();
    Some(env)
}

fn leaf(id: &str) -> std::path::PathBuf {
    cgroup_subtree().unwrap().join(format!("berth-{id}"))
}

fn run_d(env: &Env, name: &str, script: &str) -> String {
    let out = env
        .berth(["run", "-d", "--name", name, "busybox", "sh", "-c", script])
        .output();
    out.success();
    out.stdout().trim().to_string()
}

fn log_lines(env: &Env, name: &str) -> usize {
    env.berth(["logs", name]).output().stdout_lines().len()
}

fn inspect(env: &Env, name: &str, field: &str) -> String {
    let out = env
        .berth(["inspect", "--format", &format!("{{{{{field}}}}}"), name])
        .output();
    out.success();
    out.stdout().trim().to_string()
}

#[test]
fn pause_stops_a_counter_and_unpause_resumes_it() {
    let Some(env) = env() else { return };
    let id = run_d(
        &env,
        "counter",
        "i=0; while :; do i=$((i+1)); echo $i; sleep 0.2; done",
    );
    assert!(
        leaf(&id).join("cgroup.procs").exists(),
        "the container has its leaf"
    );
    assert!(wait_until(Duration::from_secs(10), || log_lines(
        &env, "counter"
    ) >= 2));
    env.berth(["pause", "counter"])
        .output()
        .success()
        .stdout_eq("counter\n");
    assert_eq!(inspect(&env, "counter", ".State.Status"), "paused");
    assert_eq!(inspect(&env, "counter", ".State.Paused"), "true");
    env.berth(["ps", "--format", "{{.Names}} {{.Status}}"])
        .output()
        .success()
        .stdout_contains("counter Paused");
    let frozen = log_lines(&env, "counter");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        log_lines(&env, "counter"),
        frozen,
        "a paused counter does not count"
    );
    // exec into a paused container is refused, as podman does; a second pause too.
    env.berth(["exec", "counter", "true"])
        .output()
        .code(125)
        .stderr_contains("container state improper");
    env.berth(["pause", "counter"]).output().code(125);
    env.berth(["unpause", "counter"]).output().success();
    assert_eq!(inspect(&env, "counter", ".State.Status"), "running");
    assert!(
        wait_until(Duration::from_secs(10), || log_lines(&env, "counter")
            > frozen + 2),
        "the counter resumes"
    );
    env.berth(["unpause", "counter"])
        .output()
        .code(125)
        .stderr_contains("not paused");
    // stop thaws and stops a paused container.
    env.berth(["pause", "counter"]).output().success();
    env.berth(["stop", "-t", "2", "counter"])
        .expect_stderr()
        .output()
        .success();
    assert_eq!(inspect(&env, "counter", ".State.Status"), "exited");
    env.berth(["rm", "counter"]).output().success();
    assert!(!leaf(&id).exists(), "rm removes the leaf");
}

#[test]
fn stats_reads_the_cgroup_and_marks_missing_controllers() {
    let Some(env) = env() else { return };
    run_d(&env, "busy", "while :; do :; done");
    std::thread::sleep(Duration::from_millis(500));
    let out = env
        .berth(["stats", "--no-stream", "--format", "json"])
        .output();
    out.success();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    let row = &rows.as_array().expect("an array")[0];
    assert_eq!(row["name"], "busy");
    let cpu = row["cpu_percent"].as_str().unwrap();
    let value: f64 = cpu.trim_end_matches('%').parse().expect(cpu);
    assert!(value > 10.0, "a busy loop uses the CPU: {cpu}");
    if !cgroup_has("memory") {
        assert_eq!(row["mem_usage"], "--");
    }
    if !cgroup_has("pids") {
        assert_eq!(row["pids"], "--");
    }
    let out = env.berth(["stats", "--no-stream", "busy"]).output();
    out.success()
        .stdout_contains("CPU %")
        .stdout_contains("MEM USAGE / LIMIT");
    env.berth(["stats", "--no-stream", "--format", "{{.Name}}:{{.CPUPerc}}"])
        .output()
        .success()
        .stdout_contains("busy:");
    env.berth(["stats", "--no-stream", "--format", "{{.Nope}}"])
        .output()
        .code(125);
    env.berth(["rm", "-f", "busy"]).output().success();
}

#[test]
fn stop_and_kill_reach_processes_that_left_the_tree() {
    let Some(env) = env() else { return };
    let id = run_d(
        &env,
        "escape",
        "setsid sh -c 'sleep 1000 & sleep 1000' & exec sleep 1000",
    );
    let procs = |id: &str| {
        std::fs::read_to_string(leaf(id).join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    assert!(
        wait_until(Duration::from_secs(10), || procs(&id) >= 3),
        "the processes are in the leaf"
    );
    env.berth(["stop", "-t", "1", "escape"])
        .expect_stderr()
        .output()
        .success();
    assert_eq!(procs(&id), 0, "cgroup.kill left nothing behind");
    // A leaf that cgroup.kill emptied takes a new start (berth makes it afresh).
    env.berth(["start", "escape"]).output().success();
    assert!(wait_until(Duration::from_secs(10), || procs(&id) >= 3));
    env.berth(["rm", "-f", "escape"]).output().success();
    assert!(!leaf(&id).exists());

    let id = run_d(&env, "escape2", "setsid sleep 1000 & exec sleep 1000");
    assert!(wait_until(Duration::from_secs(10), || procs(&id) >= 2));
    env.berth(["pause", "escape2"]).output().success();
    env.berth(["kill", "escape2"]).output().success();
    assert!(
        wait_until(Duration::from_secs(10), || procs(&id) == 0),
        "kill reaches a paused container"
    );
    env.berth(["rm", "-f", "escape2"]).output().success();
    assert!(!leaf(&id).exists());
}

#[test]
fn a_limit_without_its_controller_is_refused_before_anything_starts() {
    let Some(env) = env() else { return };
    for (flag, value, controller) in [("--memory", "32m", "memory"), ("--pids-limit", "5", "pids")]
    {
        if cgroup_has(controller) {
            continue;
        }
        let out = env
            .berth([
                "run", "--rm", "--name", "limited", flag, value, "busybox", "true",
            ])
            .output();
        out.code(125)
            .stderr_contains(flag)
            .stderr_contains(&format!("`{controller}` controller"))
            .stderr_contains("hint: ")
            .stderr_contains("[cgroups]");
        env.berth(["create", flag, value, "busybox", "true"])
            .output()
            .code(125);
    }
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
    // --cgroups=disabled: no cgroup, so no pause, and limits are refused.
    env.berth([
        "run",
        "--rm",
        "--cgroups=disabled",
        "--pids-limit",
        "5",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains("--cgroups=disabled");
    env.berth([
        "run",
        "-d",
        "--name",
        "nocg",
        "--cgroups=disabled",
        "busybox",
        "sleep",
        "100",
    ])
    .output()
    .success();
    env.berth(["pause", "nocg"])
        .output()
        .code(125)
        .stderr_contains("no cgroup");
    env.berth(["rm", "-f", "nocg"]).output().success();
}

#[test]
fn limits_are_enforced_where_the_controller_is_delegated() {
    let Some(env) = env() else { return };
    if cgroup_has("pids") {
        let out = env
            .berth([
                "run",
                "--rm",
                "--pids-limit",
                "5",
                "busybox",
                "sh",
                "-c",
                "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done; wait",
            ])
            .output();
        out.stderr_contains("fork");
    } else {
        eprintln!("skipped: pids enforcement: the pids controller is not delegated here");
    }
    if cgroup_has("memory") {
        env.berth([
            "run",
            "--name",
            "oom",
            "--memory",
            "32m",
            "--memory-swap",
            "32m",
            "busybox",
            "sh",
            "-c",
            "head -c 67108864 /dev/zero | tail",
        ])
        .output()
        .code(137);
        assert_eq!(inspect(&env, "oom", ".State.OOMKilled"), "true");
        env.berth(["rm", "oom"]).output().success();
    } else {
        eprintln!("skipped: memory enforcement: the memory controller is not delegated here");
    }
}

#[test]
fn cgroupns_oom_score_and_update() {
    let Some(env) = env() else { return };
    // The container runs in its leaf; with a private cgroup namespace that leaf is its `/`.
    let out = env
        .berth(["run", "--rm", "busybox", "cat", "/proc/self/cgroup"])
        .output();
    out.success().stdout_contains("0::/berth-tests/berth-");
    env.berth([
        "run",
        "--rm",
        "--cgroupns=private",
        "busybox",
        "cat",
        "/proc/self/cgroup",
    ])
    .output()
    .success()
    .stdout_contains("0::/\n");
    env.berth([
        "run",
        "--rm",
        "--oom-score-adj",
        "123",
        "busybox",
        "cat",
        "/proc/self/oom_score_adj",
    ])
    .output()
    .success()
    .stdout_eq("123\n");
    // A core cgroup file needs no controller.
    env.berth([
        "run",
        "--rm",
        "--cgroup-conf",
        "cgroup.max.depth=2",
        "busybox",
        "true",
    ])
    .output()
    .success();
    let id = run_d(&env, "upd", "sleep 100");
    if cgroup_has("pids") {
        env.berth(["update", "--pids-limit", "7", "upd"])
            .output()
            .success();
        assert_eq!(
            std::fs::read_to_string(leaf(&id).join("pids.max"))
                .unwrap()
                .trim(),
            "7"
        );
    } else {
        env.berth(["update", "--pids-limit", "7", "upd"])
            .output()
            .code(125)
            .stderr_contains("`pids` controller");
    }
    env.berth(["update", "upd"]).output().code(125);
    env.berth(["rm", "-f", "upd"]).output().success();
}
