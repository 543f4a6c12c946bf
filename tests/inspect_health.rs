//! `inspect` shows a container's healthcheck results in `State.Health`, as podman does.

use std::time::Duration;

use crate::util::{wait_until, Env};

fn inspect(env: &Env, name: &str, format: &str) -> String {
    let out = env.berth(["inspect", "--format", format, name]).output();
    out.success();
    out.stdout().trim_end().to_string()
}

#[test]
fn inspect_shows_a_failing_healthcheck_and_an_empty_health_without_one() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "-d",
        "--name",
        "ailing",
        "--health-cmd",
        "echo not yet; exit 3",
        "--health-interval",
        "300ms",
        "--health-retries",
        "2",
        "busybox",
        "sleep",
        "300",
    ])
    .output()
    .success();
    assert!(
        wait_until(Duration::from_secs(20), || inspect(
            &env,
            "ailing",
            "{{.State.Health.Status}}"
        ) == "unhealthy"),
        "never unhealthy: {}",
        inspect(&env, "ailing", "{{json .State.Health}}")
    );
    let out = env.berth(["inspect", "ailing"]).output();
    out.success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let health = &v[0]["State"]["Health"];
    let streak = health["FailingStreak"].as_u64().unwrap();
    assert!(streak >= 2, "{health}");
    let log = health["Log"].as_array().unwrap();
    assert!(!log.is_empty() && log.len() <= 5, "{health}");
    let last = log.last().unwrap();
    assert_eq!(last["ExitCode"], 3, "{health}");
    assert_eq!(last["Output"], "not yet\n", "{health}");
    assert!(
        last["Start"].as_str().is_some_and(|s| s.contains('T')),
        "{health}"
    );
    assert!(
        last["End"].as_str().is_some_and(|s| s.contains('T')),
        "{health}"
    );
    env.berth(["rm", "-f", "ailing"]).output().success();

    // Without a healthcheck podman 4.3 prints an empty one.
    env.berth(["create", "--name", "plain", "busybox", "true"])
        .output()
        .success();
    let health: serde_json::Value =
        serde_json::from_str(&inspect(&env, "plain", "{{json .State.Health}}")).unwrap();
    assert_eq!(
        health,
        serde_json::json!({"Status": "", "FailingStreak": 0, "Log": null})
    );
    assert_eq!(inspect(&env, "plain", "[{{.State.Health.Status}}]"), "[]");
}
