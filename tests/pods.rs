//! Pods: `pod create` with berth's pause as the infra, members sharing its network, IPC and
//! UTS namespaces (`run --pod`), the pod's published port, and the pod lifecycle.

use std::net::TcpListener;

use crate::util::{http_get, require, Env, Need};

fn env() -> Option<Env> {
    let env = Env::rootless()?;
    if !require(Need::Pasta) {
        return None;
    }
    env.import_busybox();
    Some(env)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `NAME STATUS` of every container, sorted.
fn statuses(env: &Env) -> Vec<String> {
    let out = env
        .berth(["ps", "-a", "--format", "{{.Names}} {{.State}}"])
        .output();
    out.success();
    let mut lines = out.stdout_lines();
    lines.sort();
    lines
}

const HTTPD: &str =
    "mkdir -p /www && echo hello from $(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

#[test]
fn a_pod_serves_its_members_on_loopback_and_on_its_published_port() {
    let Some(env) = env() else { return };
    let port = free_port();
    let out = env
        .berth([
            "pod",
            "create",
            "--name",
            "web",
            "-p",
            &format!("127.0.0.1:{port}:80"),
        ])
        .output();
    out.success();
    let pod_id = out.stdout().trim().to_string();
    assert_eq!(pod_id.len(), 64, "pod create prints the pod id: {pod_id}");
    // No image is pulled: the infra is berth's own pause.
    env.berth(["pod", "exists", "web"]).output().success();
    env.berth(["pod", "exists", "nope"]).output().code(1);
    env.berth([
        "run", "-d", "--pod", "web", "--name", "srv", "busybox", "sh", "-c", HTTPD,
    ])
    .output()
    .success();
    // A client in the pod reaches the server on 127.0.0.1 and shares its hostname.
    let client = env
        .berth([
            "run", "--rm", "--pod", "web", "busybox", "sh", "-c",
            "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:80/ && break; sleep 0.3; done",
        ])
        .output();
    client.success().stdout_contains("hello from web");
    // And the host reaches it through the pod's published port.
    assert!(http_get(port).contains("hello from web"));

    let ps = env
        .berth([
            "pod",
            "ps",
            "--format",
            "{{.Name}} {{.Status}} {{.NumberOfContainers}}",
        ])
        .output();
    ps.success().stdout_eq("web Running 2\n");
    let inspect = env.berth(["pod", "inspect", "web"]).output();
    inspect.success();
    let v: serde_json::Value = serde_json::from_str(&inspect.stdout()).unwrap();
    assert_eq!(v["Id"], pod_id.as_str());
    assert_eq!(
        v["SharedNamespaces"],
        serde_json::json!(["ipc", "net", "uts"])
    );
    assert_eq!(v["NumContainers"], 2);
    assert_eq!(
        v["InfraConfig"]["PortBindings"]["80/tcp"][0]["HostPort"],
        port.to_string()
    );
    let members = env
        .berth([
            "ps",
            "-a",
            "--pod",
            "--filter",
            "pod=web",
            "--format",
            "{{.Names}} {{.PodName}}",
        ])
        .output();
    members.success().stdout_contains("srv web");

    // `pod stop` stops every container, the infra last; `pod start` brings them back.
    env.berth(["pod", "stop", "-t", "0", "web"])
        .output()
        .success()
        .stdout_eq(&format!("{pod_id}\n"));
    let infra = format!("{}-infra", &pod_id[..12]);
    assert_eq!(
        statuses(&env),
        [format!("{infra} exited"), "srv exited".to_string()]
    );
    env.berth(["pod", "start", "web"]).output().success();
    assert_eq!(
        statuses(&env),
        [format!("{infra} running"), "srv running".to_string()]
    );
    assert!(http_get(port).contains("hello from web"));

    // The infra goes with its pod, not on its own.
    env.berth(["rm", "-f", &infra])
        .output()
        .code(125)
        .stderr_contains("is the infra container of pod");
    // `pod rm` refuses a running pod; `-f` removes it and every container.
    env.berth(["pod", "rm", "web"]).output().code(125);
    env.berth(["pod", "rm", "-f", "-t", "0", "web"])
        .output()
        .success();
    assert!(
        statuses(&env).is_empty(),
        "pod rm -f removes the containers"
    );
    env.berth(["pod", "ps", "-q"])
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn pod_teardown_with_no_pods_succeeds_and_new_pods_are_made_on_demand() {
    let Some(env) = env() else { return };
    // podman's test teardown.
    env.berth(["pod", "rm", "-t", "0", "--all", "--force", "--ignore"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["pod", "rm", "nope"]).output().code(1);
    let out = env
        .berth(["pod", "kill", "-s", "-0", "nope"])
        .expect_stderr()
        .output();
    out.code(125).check(
        out.stderr() == "Error: invalid signal: 0\n",
        "the signal is checked first, in podman's words",
    );
    env.berth(["pod", "rm", "--ignore", "nope"])
        .output()
        .success();
    env.berth(["run", "--rm", "--pod", "new:fresh", "busybox", "hostname"])
        .output()
        .success()
        .stdout_eq("fresh\n");
    env.berth(["run", "--rm", "--pod", "new:fresh", "busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("already exists");
    // A member may not publish ports of its own: they belong to the pod.
    env.berth([
        "run", "--rm", "--pod", "fresh", "-p", "8080:80", "busybox", "true",
    ])
    .output()
    .code(125)
    .stderr_contains("invalid config provided");
    // `create --pod` records a member; `pod start` starts the infra first, then it.
    env.berth([
        "create", "--pod", "fresh", "--name", "later", "busybox", "sleep", "60",
    ])
    .output()
    .success();
    env.berth(["pod", "start", "fresh"]).output().success();
    let out = env
        .berth(["exec", "later", "cat", "/etc/hostname"])
        .output();
    out.success().stdout_eq("fresh\n");
    // pod pause freezes every running container (the cgroup freezer); unpause thaws them.
    if crate::util::require(crate::util::Need::Cgroup) {
        env.berth(["pod", "pause", "fresh"]).output().success();
        env.berth(["inspect", "--format", "{{.State.Status}}", "later"])
            .output()
            .success()
            .stdout_eq("paused\n");
        env.berth(["pod", "pause", "fresh"])
            .expect_stderr()
            .output()
            .code(125);
        env.berth(["pod", "unpause", "fresh"]).output().success();
        env.berth(["exec", "later", "true"]).output().success();
    }
    env.berth(["pod", "kill", "fresh"]).output().success();
    // --exit-policy stop: the pod stops with its last member.
    let out = env
        .berth(["pod", "create", "--exit-policy", "stop"])
        .output();
    out.success();
    let stop_pod = out.stdout().trim().to_string();
    env.berth(["run", "--rm", "--pod", &stop_pod, "busybox", "true"])
        .output()
        .success();
    env.berth([
        "pod",
        "inspect",
        &stop_pod,
        "--format",
        "{{.State}} {{.ExitPolicy}}",
    ])
    .output()
    .success()
    .stdout_eq("Exited stop\n");
    // `rm --depend` of an infra removes its pod, members first.
    env.berth(["create", "--pod", "new:dep", "busybox", "true"])
        .output()
        .success();
    let out = env
        .berth(["pod", "inspect", "--format", "{{.InfraContainerID}}", "dep"])
        .output();
    out.success();
    let infra = out.stdout().trim().to_string();
    env.berth(["rm", "--depend", &infra]).output().success();
    env.berth(["pod", "exists", "dep"]).output().code(1);
    // So does `rm -af`.
    env.berth(["create", "--pod", "new:all", "busybox", "true"])
        .output()
        .success();
    env.berth(["rm", "-af", "-t", "0"]).output().success();
    env.berth(["pod", "exists", "all"]).output().code(1);
    env.berth(["pod", "prune", "-f"]).output().success();
    env.berth(["pod", "ps", "-q"])
        .output()
        .success()
        .stdout_eq("");
    assert!(statuses(&env).is_empty());
}

#[test]
fn bad_pod_options_are_one_line_errors_and_leave_nothing() {
    let Some(env) = Env::cli() else { return };
    for args in [
        &["pod", "create", "--share", "bogus"][..],
        &["pod", "create", "--infra=false", "-p", "80"],
        &["pod", "pause", "x"],
        &["pod", "stats", "x"],
        &["pod", "create", "--exit-policy", "sometimes"],
    ] {
        let out = env.berth(args).output();
        out.code(125);
        let err = out.stderr();
        let lines: Vec<&str> = err.lines().collect();
        out.check(
            lines[0].starts_with("Error: ")
                && lines.iter().skip(1).all(|l| l.starts_with("hint: ")),
            "one error line, and at most a hint",
        );
    }
    env.berth(["pod", "ps", "-q"])
        .output()
        .success()
        .stdout_eq("");
}
