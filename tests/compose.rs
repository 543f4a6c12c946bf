//! `berth compose`: a two-tier app from tests/fixtures/compose/twotier (a web server with a
//! healthcheck, a client built from a Containerfile that waits for it to be healthy, a shared
//! named volume, a published port) comes up, answers, finds services by name, is kept as it
//! is by a second `up`, recreated service by service when its configuration changes, and
//! goes with `down -v`. Bad input is refused before anything starts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{http_get, wait_until, Env};

/// Copy a fixture directory into the test's work directory (owned by the test user).
fn fixture(env: &Env, name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dest = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compose")
        .join(name);
    let dest = env.work.join(name);
    copy(&src, &dest);
    env.give_to_user(&dest);
    dest
}

/// Are the host tools of berth's user networks (and, with `ports`, of published ports)
/// installed? Skip with the reason, or fail under CI=true, as `require` does.
fn have_net_tools(ports: bool) -> bool {
    let mut tools = vec!["nsenter", "ip"];
    if ports {
        tools.push("pasta");
    }
    for tool in tools {
        let found = std::env::var_os("PATH").is_some_and(|p| {
            std::env::split_paths(&p)
                .chain(["/usr/sbin".into(), "/sbin".into()])
                .any(|d| d.join(tool).exists())
        });
        if !found {
            let why = format!("`{tool}` is not installed (run scripts/setup.sh)");
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "CI=true and the machine lacks a capability: {why}"
            );
            eprintln!("skipped: {why}");
            return false;
        }
    }
    true
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `down -v` however the test ends, so no container or monitor outlives it.
struct Down<'a> {
    env: &'a Env,
    file: PathBuf,
}

impl Drop for Down<'_> {
    fn drop(&mut self) {
        let _ = self
            .env
            .berth(["compose", "-f"])
            .arg(&self.file)
            .args(["down", "-v", "-t", "0"])
            .env("WEB_PORT", "1")
            .expect_stderr()
            .output();
    }
}

fn ids(env: &Env, file: &Path, port: u16) -> Vec<String> {
    env.berth(["compose", "-f"])
        .arg(file)
        .args(["ps", "-a", "--format", "{{.Service}} {{.ID}}"])
        .env("WEB_PORT", port.to_string())
        .output()
        .success()
        .stdout_lines()
}

#[test]
fn two_tier_app_up_answers_recreates_only_what_changed_and_down_removes_it() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(true) {
        return;
    }
    env.import_busybox();
    let dir = fixture(&env, "twotier");
    let file = dir.join("compose.yaml");
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let port = free_port();
    let compose = |args: &[&str]| {
        env.berth(["compose", "-f"])
            .arg(&file)
            .args(args)
            .env("WEB_PORT", port.to_string())
    };
    let out = compose(&["up", "-d"]).expect_stderr().output();
    out.success();
    out.stderr_contains("Network twotier_default  Created");
    out.stderr_contains("Volume twotier_shared  Created");
    out.stderr_contains("Container twotier-web-1  Healthy");
    out.stderr_contains("Container twotier-client-1  Started");
    // The published port answers from the host.
    let body = http_get(port);
    assert!(body.ends_with("hello from web\n"), "{body}");
    // The client found `web` by name and wrote its page into the shared volume; the web
    // container sees the same volume.
    assert!(
        wait_until(Duration::from_secs(20), || {
            env.berth(["exec", "twotier-web-1", "cat", "/shared/client.txt"])
                .output()
                .stdout()
                == "hello from web\n"
        }),
        "the client never fetched web's page into the volume"
    );
    compose(&["logs", "client"])
        .output()
        .success()
        .stdout_contains("client-1  | client got: hello from web (built-by-compose)");
    // ps: both services, running, with the labels docker compose sets.
    let out = compose(&["ps"]).output();
    out.success();
    out.stdout_contains("twotier-web-1");
    out.stdout_contains("twotier-client-1");
    env.berth([
        "inspect",
        "--format",
        "{{index .Config.Labels \"com.docker.compose.project\"}} {{index .Config.Labels \"com.docker.compose.service\"}} {{index .Config.Labels \"com.docker.compose.container-number\"}}",
        "twotier-web-1",
    ])
    .output()
    .success()
    .stdout_eq("twotier web 1\n");
    let before = ids(&env, &file, port);
    assert_eq!(before.len(), 2, "{before:?}");
    // A second `up -d` with nothing changed recreates nothing.
    let out = compose(&["up", "-d"]).expect_stderr().output();
    out.success();
    out.stderr_contains("Container twotier-web-1  Running");
    assert_eq!(ids(&env, &file, port), before);
    // A changed environment recreates that service only.
    let out = compose(&["up", "-d"])
        .env("GREETING", "changed")
        .expect_stderr()
        .output();
    out.success();
    out.stderr_contains("Container twotier-web-1  Recreated");
    out.stderr_contains("Container twotier-client-1  Running");
    let after = ids(&env, &file, port);
    assert_ne!(after[1], before[1], "web was not recreated: {after:?}");
    assert_eq!(after[0], before[0], "client was recreated: {after:?}");
    let body = http_get(port);
    assert!(body.ends_with("changed from web\n"), "{body}");
    // --force-recreate of one service, without its dependencies; --build rebuilds.
    let out = compose(&["up", "-d", "--no-deps", "--force-recreate", "client"])
        .env("GREETING", "changed")
        .expect_stderr()
        .output();
    out.success();
    out.stderr_contains("Container twotier-client-1  Recreated");
    assert!(!out.stderr().contains("twotier-web-1"), "{}", out.report());
    let now = ids(&env, &file, port);
    assert_eq!(now[1], after[1], "web was recreated: {now:?}");
    assert_ne!(now[0], after[0], "client was not recreated: {now:?}");
    compose(&["up", "-d", "--no-deps", "--build", "client"])
        .env("GREETING", "changed")
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("Image twotier-client  Built");
    compose(&["port", "web", "80"])
        .output()
        .success()
        .stdout_eq(&format!("127.0.0.1:{port}\n"));
    // config: the resolved model.
    compose(&["config", "--services"])
        .output()
        .success()
        .stdout_eq("web\nclient\n");
    // The resolved model reads back as a compose file of its own (`-f -`).
    let resolved = compose(&["config"]).output();
    resolved.success();
    env.berth(["compose", "-f", "-", "config", "--services"])
        .stdin(resolved.stdout())
        .output()
        .success()
        .stdout_eq("web\nclient\n");
    compose(&["config", "--volumes"])
        .output()
        .success()
        .stdout_eq("shared\n");
    // down -v: containers, network and volume go.
    let out = compose(&["down", "-v", "--rmi", "local"])
        .expect_stderr()
        .output();
    out.success();
    // --rmi local: the built image goes, the pulled one stays.
    out.stderr_contains("Image twotier-client  Removed");
    env.berth(["image", "exists", "twotier-client"])
        .output()
        .code(1);
    env.berth(["image", "exists", "busybox"]).output().success();
    out.stderr_contains("Network twotier_default  Removed");
    out.stderr_contains("Volume twotier_shared  Removed");
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["network", "exists", "twotier_default"])
        .output()
        .code(1);
    env.berth(["volume", "exists", "twotier_shared"])
        .output()
        .code(1);
}

#[test]
fn a_static_site_in_the_awesome_compose_style_serves_a_bind_mount() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(true) {
        return;
    }
    env.import_busybox();
    let dir = fixture(&env, "static");
    let file = dir.join("compose.yaml");
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let port = free_port();
    // The project directory's name is the project name; the file is found in it.
    env.berth(["compose", "--project-directory"])
        .arg(&dir)
        .args(["up", "-d"])
        .env("FRONT_PORT", port.to_string())
        .expect_stderr()
        .output()
        .success();
    let body = http_get(port);
    assert!(body.ends_with("static site via compose\n"), "{body}");
    assert!(
        dir.join("logs").is_dir(),
        "up did not create the bind source ./logs"
    );
    env.berth(["compose", "ls"])
        .output()
        .success()
        .stdout_contains("static");
    env.berth(["compose", "--project-directory"])
        .arg(&dir)
        .args(["down"])
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("Container static-frontend-1  Removed");
}

#[test]
fn bad_input_is_refused_naming_the_file_and_key_and_nothing_starts() {
    let Some(env) = Env::rootless() else { return };
    let cases: &[(&str, &str)] = &[
        ("services:\n  web: [\n", "compose.yaml`: "),
        (
            "services:\n  web:\n    image: busybox\n    depends_on: [nope]\n",
            "services.web.depends_on: depends on undefined service `nope`",
        ),
        (
            "services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n",
            "services.a.depends_on: dependency cycle: a -> b -> a",
        ),
        (
            "services:\n  a:\n    image: busybox\n    ports: [\"${PORT:?PORT is needed}:80\"]\n",
            "services.a.ports[0]: required variable PORT is missing a value: PORT is needed",
        ),
    ];
    for (yaml, want) in cases {
        let file = env.write_file("compose.yaml", yaml.as_bytes());
        let out = env
            .berth(["compose", "-f"])
            .arg(&file)
            .args(["up", "-d"])
            .output();
        out.code(125);
        out.stderr_contains(want);
        out.stderr_contains(&file.display().to_string());
        assert_eq!(out.stderr().lines().count(), 1, "{}", out.report());
    }
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
    let nets = env.berth(["network", "ls", "-q"]).output();
    nets.success();
    assert!(!nets.stdout().contains("_default"), "{}", nets.report());
}

#[test]
fn attached_up_prefixes_output_and_aborts_with_the_exit_status_then_run_exec_and_scale() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(false) {
        return;
    }
    env.import_busybox();
    let dir = env.make_dir("attached");
    let file = dir.join("compose.yaml");
    std::fs::write(
        &file,
        "services:\n  first:\n    image: busybox\n    command: sh -c 'echo one; echo two; exit 3'\n  second:\n    image: busybox\n    command: sh -c 'trap \"exit 0\" TERM; while true; do sleep 1; done'\n    stop_grace_period: 1s\n",
    )
    .unwrap();
    env.give_to_user(&dir);
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let compose = |args: &[&str]| env.berth(["compose", "-f"]).arg(&file).args(args);
    // Attached: each line prefixed by its container, padded as docker compose pads it;
    // the first container to exit stops the rest, and its status is compose's.
    let out = compose(&["up", "--abort-on-container-exit"])
        .expect_stderr()
        .output();
    out.code(3);
    out.stdout_contains("first-1   | one\nfirst-1   | two\n");
    out.stderr_contains("Aborting on container exit...");
    compose(&["ps", "-a", "--format", "{{.Service}} {{.State}}"])
        .output()
        .success()
        .stdout_eq("first exited\nsecond exited\n");
    // A one-off container of a service, with its own command.
    compose(&["run", "--rm", "first", "echo", "one-off"])
        .output()
        .success()
        .stdout_eq("one-off\n");
    // Scale a service; exec reaches a replica by index.
    compose(&["up", "-d", "--scale", "second=2", "second"])
        .expect_stderr()
        .output()
        .success();
    compose(&["ps", "--format", "{{.Name}}"])
        .output()
        .success()
        .stdout_eq("attached-second-1\nattached-second-2\n");
    compose(&[
        "exec",
        "--index",
        "2",
        "second",
        "sh",
        "-c",
        "echo from-$((1+1))",
    ])
    .output()
    .success()
    .stdout_eq("from-2\n");
    // --wait: back once the containers run (none has a healthcheck here).
    compose(&["up", "--wait", "--scale", "second=2", "second"])
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("Container attached-second-2  Running");
    compose(&["exec", "first", "true"])
        .output()
        .code(125)
        .stderr_contains("service \"first\" is not running");
}

/// Look a name up with the project network's name server and fetch `/` from it on a port
/// (busybox's static wget cannot resolve names itself).
const FETCH: &str = "fetch() { ip=$(nslookup \"$1\" 2>/dev/null | sed -n 's/^Address:[[:space:]]*\\([0-9.]*\\)$/\\1/p' | tail -n 1); [ -n \"$ip\" ] || { echo \"cannot resolve $1\"; return 1; }; for i in $(seq 50); do timeout 2 wget -q -O - \"http://$ip:$2/\" 2>/dev/null && return 0; usleep 100000; done; echo \"cannot fetch from $1\"; return 1; }";

#[test]
fn three_tiers_on_two_networks_with_a_file_secret() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(false) {
        return;
    }
    env.import_busybox();
    // awesome-compose's nginx-flask-mysql, with busybox for each tier.
    let dir = env.make_dir("tiers");
    std::fs::create_dir(dir.join("db")).unwrap();
    std::fs::write(dir.join("db/password.txt"), "s3cret\n").unwrap();
    let file = dir.join("compose.yaml");
    std::fs::write(
        &file,
        r#"services:
  db:
    image: busybox
    command: sh -c 'mkdir /www && cat /run/secrets/db-password > /www/index.html && exec httpd -f -p 3306 -h /www'
    healthcheck:
      test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:3306/']
      interval: 1s
      retries: 20
    secrets: [db-password]
    networks: [backnet]
    environment:
      - MYSQL_ROOT_PASSWORD_FILE=/run/secrets/db-password
    expose: [3306]
    stop_grace_period: 1s
  backend:
    image: busybox
    command: sh -c 'mkdir /www && echo backend-ok > /www/index.html && exec httpd -f -p 8000 -h /www'
    networks: [backnet, frontnet]
    depends_on:
      db:
        condition: service_healthy
    stop_grace_period: 1s
  proxy:
    image: busybox
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'
    networks: [frontnet]
    depends_on: [backend]
secrets:
  db-password:
    file: db/password.txt
networks:
  backnet:
  frontnet:
"#,
    )
    .unwrap();
    env.give_to_user(&dir);
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let compose = |args: &[&str]| env.berth(["compose", "-f"]).arg(&file).args(args);
    let out = compose(&["up", "-d"]).expect_stderr().output();
    out.success();
    out.stderr_contains("Network tiers_backnet  Created");
    out.stderr_contains("Network tiers_frontnet  Created");
    let fetch = |from: &str, target: &str, port: &str| {
        compose(&[
            "exec",
            from,
            "sh",
            "-c",
            &format!("{FETCH}; fetch {target} {port}"),
        ])
        .output()
    };
    // The backend reads the database tier (and its secret) on backnet.
    fetch("backend", "db", "3306")
        .success()
        .stdout_eq("s3cret\n");
    // The proxy reaches the backend on frontnet, and not the database, on no shared network.
    fetch("proxy", "backend", "8000")
        .success()
        .stdout_eq("backend-ok\n");
    fetch("proxy", "db", "3306")
        .code(1)
        .stdout_contains("cannot resolve db");
    compose(&["down"]).expect_stderr().output().success();
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn attached_up_ends_when_the_containers_do_and_ctrl_c_stops_them() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(false) {
        return;
    }
    env.import_busybox();
    let dir = env.make_dir("fg");
    let file = dir.join("compose.yaml");
    let write = |yaml: &str| {
        std::fs::write(&file, yaml).unwrap();
        env.give_to_user(&dir);
    };
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let compose = |args: &[&str]| env.berth(["compose", "-f"]).arg(&file).args(args);
    // Every container exits by itself: `up` returns 0 after printing all of their output.
    write("services:\n  a:\n    image: busybox\n    command: echo from-a\n  bb:\n    image: busybox\n    command: echo from-bb\n");
    let out = compose(&["up"]).expect_stderr().output();
    out.success();
    out.stdout_contains("a-1   | from-a\n");
    out.stdout_contains("bb-1  | from-bb\n");
    // SIGINT stops the running containers and exits 130.
    write("services:\n  srv:\n    image: busybox\n    command: sh -c 'trap \"exit 0\" TERM; echo ready; while true; do sleep 1; done'\n");
    let mut up = compose(&["up", "--remove-orphans"]).expect_stderr().spawn();
    up.wait_for_line("srv-1  | ready");
    up.signal(nix::sys::signal::Signal::SIGINT);
    let out = up.wait();
    out.code(130);
    out.stderr_contains("Gracefully stopping...");
    compose(&["ps", "-a", "--format", "{{.Name}} {{.State}}"])
        .output()
        .success()
        .stdout_eq("fg-srv-1 exited\n");
}

#[test]
fn stop_start_restart_kill_rm_top_and_images_act_on_the_services() {
    let Some(env) = Env::rootless() else { return };
    if !have_net_tools(false) {
        return;
    }
    env.import_busybox();
    let dir = env.make_dir("ops");
    let file = dir.join("compose.yaml");
    std::fs::write(
        &file,
        "services:\n  svc:\n    image: busybox\n    command: sh -c 'trap \"exit 0\" TERM; echo line1; echo line2; while true; do sleep 1; done'\n",
    )
    .unwrap();
    env.give_to_user(&dir);
    let _down = Down {
        env: &env,
        file: file.clone(),
    };
    let compose = |args: &[&str]| env.berth(["compose", "-f"]).arg(&file).args(args);
    let state = || {
        compose(&["ps", "-a", "--format", "{{.State}}"])
            .output()
            .success()
            .stdout()
    };
    compose(&["up", "-d"]).expect_stderr().output().success();
    assert_eq!(state(), "running\n");
    assert!(wait_until(Duration::from_secs(10), || {
        compose(&["logs", "--tail", "1", "--no-log-prefix"])
            .output()
            .stdout()
            == "line2\n"
    }));
    // Attached to a container that was running already: only what it prints from now on.
    let up = compose(&["up", "--abort-on-container-exit"])
        .expect_stderr()
        .spawn();
    std::thread::sleep(Duration::from_millis(500));
    compose(&["stop", "-t", "2"])
        .expect_stderr()
        .output()
        .success();
    let out = up.wait();
    out.success();
    out.stderr_contains("Container ops-svc-1  Running");
    assert!(!out.stdout().contains("line1"), "{}", out.report());
    compose(&["start"]).expect_stderr().output().success();
    compose(&["top"])
        .output()
        .success()
        .stdout_contains("ops-svc-1");
    compose(&["images", "-q"]).output().success();
    compose(&["stop", "-t", "2"])
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("Container ops-svc-1  Stopped");
    assert_eq!(state(), "exited\n");
    compose(&["start"]).expect_stderr().output().success();
    assert_eq!(state(), "running\n");
    compose(&["restart", "-t", "2"])
        .expect_stderr()
        .output()
        .success();
    assert_eq!(state(), "running\n");
    compose(&["kill"]).expect_stderr().output().success();
    assert!(wait_until(Duration::from_secs(10), || state() == "exited\n"));
    // With no file, `-p` reaches the project's containers by their labels.
    env.berth(["compose", "-p", "ops", "ps", "-a", "--format", "{{.Name}}"])
        .output()
        .success()
        .stdout_eq("ops-svc-1\n");
    compose(&["rm", "-f"])
        .expect_stderr()
        .output()
        .success()
        .stderr_contains("Container ops-svc-1  Removed");
    assert_eq!(state(), "");
    compose(&["stop", "nosuch"])
        .output()
        .code(125)
        .stderr_contains("no such service: nosuch");
}
