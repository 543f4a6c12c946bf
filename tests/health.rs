//! Healthchecks run by the container's monitor, without systemd.

use std::time::Duration;

use crate::util::{wait_until, Env};

fn status(env: &Env, name: &str) -> String {
    let out = env
        .berth(["ps", "-a", "--filter", &format!("name={name}")])
        .output();
    out.success()
        .stdout_lines()
        .get(1)
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_failing_check_marks_unhealthy_and_a_passing_one_healthy() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "probe",
        "--health-cmd",
        "test -f /tmp/ready",
        "--health-interval",
        "500ms",
        "--health-retries",
        "2",
        "busybox",
        "sleep",
        "300",
    ])
    .output()
    .success();
    assert!(
        wait_until(Duration::from_secs(20), || status(&env, "probe")
            .contains("(unhealthy)")),
        "unhealthy: {}",
        status(&env, "probe")
    );
    env.berth(["healthcheck", "run", "probe"])
        .output()
        .code(1)
        .stdout_eq("unhealthy\n");
    env.berth(["exec", "probe", "touch", "/tmp/ready"])
        .output()
        .success();
    env.berth(["healthcheck", "run", "probe"])
        .output()
        .success();
    assert!(wait_until(Duration::from_secs(20), || status(
        &env, "probe"
    )
    .contains("(healthy)")));
    env.berth(["rm", "-f", "probe"]).output().success();
}

#[test]
fn health_on_failure_restart_restarts_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "sick",
        "--health-cmd",
        "false",
        "--health-interval",
        "300ms",
        "--health-retries",
        "1",
        "--health-on-failure",
        "restart",
        "busybox",
        "sh",
        "-c",
        "echo started; sleep 300",
    ])
    .output()
    .success();
    // Each restart runs the command again.
    assert!(wait_until(Duration::from_secs(30), || env
        .berth(["logs", "sick"])
        .output()
        .stdout()
        .matches("started")
        .count()
        >= 2));
    env.berth(["rm", "-f", "sick"]).output().success();
}

#[test]
fn health_on_failure_kill_ends_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "doomed",
        "--health-cmd",
        "false",
        "--health-interval",
        "300ms",
        "--health-retries",
        "1",
        "--health-on-failure",
        "kill",
        "busybox",
        "sleep",
        "300",
    ])
    .output()
    .success();
    env.berth(["wait", "doomed"])
        .output()
        .success()
        .stdout_eq("137\n");
}
