//! User networks: `network create/ls/inspect/rm/prune/exists/connect/disconnect`, and
//! containers on them reaching each other by name and alias (through berth's name server in
//! the rootless network namespace), isolation between networks. All traffic stays inside
//! namespaces berth made.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{http_get, Env};

/// Removes the named containers however the test ends, so that no monitor outlives it.
struct Cleanup<'a>(&'a Env, &'static [&'static str]);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let mut args = vec!["rm", "-f"];
        args.extend_from_slice(self.1);
        let _ = self.0.berth(args).output();
    }
}

/// Are the host tools of the outside link installed? Like `require`: skip with the reason,
/// or fail under CI=true.
fn have_tools(tools: &[&str]) -> bool {
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

fn network_names(env: &Env) -> Vec<String> {
    env.berth(["network", "ls", "-q"])
        .output()
        .success()
        .stdout_lines()
}

fn inspect(env: &Env, name: &str) -> serde_json::Value {
    let out = env.berth(["network", "inspect", name]).output();
    out.success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).expect("inspect prints JSON");
    v[0].clone()
}

#[test]
fn network_create_ls_inspect_exists_rm() {
    let Some(env) = Env::cli() else { return };
    env.berth(["network", "create", "alpha"])
        .output()
        .success()
        .stdout_eq("alpha\n");
    env.berth([
        "network",
        "create",
        "--subnet",
        "172.31.7.0/24",
        "--gateway",
        "172.31.7.254",
        "--internal",
        "--label",
        "team=blue",
        "beta",
    ])
    .output()
    .success()
    .stdout_eq("beta\n");
    // podman's default network is always listed.
    assert_eq!(network_names(&env), ["alpha", "beta", "podman"]);

    let a = inspect(&env, "alpha");
    assert_eq!(a["name"], "alpha");
    assert_eq!(a["driver"], "bridge");
    assert_eq!(a["dns_enabled"], true);
    assert_eq!(a["internal"], false);
    let subnet = a["subnets"][0]["subnet"].as_str().unwrap();
    assert!(
        subnet.starts_with("10.89.") && subnet.ends_with(".0/24"),
        "{subnet}"
    );
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 64);
    let b = inspect(&env, "beta");
    assert_eq!(b["subnets"][0]["subnet"], "172.31.7.0/24");
    assert_eq!(b["subnets"][0]["gateway"], "172.31.7.254");
    assert_eq!(b["internal"], true);
    assert_eq!(b["labels"]["team"], "blue");
    assert_ne!(a["network_interface"], b["network_interface"]);
    // By id prefix, as podman.
    assert_eq!(inspect(&env, &id[..12])["name"], "alpha");

    // ls: the table, json, a template and filters.
    env.berth(["network", "ls"])
        .output()
        .success()
        .stdout_contains("NETWORK ID")
        .stdout_contains(&id[..12])
        .stdout_lacks(&id);
    let out = env.berth(["network", "ls", "--format", "json"]).output();
    out.success();
    let list: serde_json::Value = serde_json::from_str(&out.stdout()).expect("ls json");
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta", "podman"]);
    assert_eq!(list[1]["subnets"][0]["gateway"], "172.31.7.254");
    assert_eq!(list[2]["subnets"][0]["subnet"], "10.88.0.0/16");
    assert_eq!(list[2]["dns_enabled"], false);
    env.berth(["network", "ls", "--format", "{{.Name}} {{.Driver}}"])
        .output()
        .success()
        .stdout_eq("alpha bridge\nbeta bridge\npodman bridge\n");
    env.berth(["network", "ls", "-q", "--filter", "label=team=blue"])
        .output()
        .success()
        .stdout_eq("beta\n");

    env.berth(["network", "exists", "alpha"]).output().success();
    env.berth(["network", "exists", "gamma"]).output().code(1);

    env.berth(["network", "rm", "alpha"])
        .output()
        .success()
        .stdout_eq("alpha\n");
    env.berth(["network", "rm", "alpha"])
        .output()
        .code(1)
        .stderr_contains("alpha");
    env.berth(["network", "exists", "alpha"]).output().code(1);
    assert_eq!(network_names(&env), ["beta", "podman"]);
}

#[test]
fn network_create_errors() {
    let Some(env) = Env::cli() else { return };
    env.berth(["network", "create", "dup"]).output().success();
    env.berth(["network", "create", "dup"])
        .output()
        .code(125)
        .stderr_contains("network name `dup` is already used");
    env.berth(["network", "create", "--ignore", "dup"])
        .output()
        .success()
        .stdout_eq("dup\n");
    for (subnet, why) in [
        ("10.1.2.0", "expected an IPv4 CIDR"),
        ("10.1.2.300/24", "expected an IPv4 CIDR"),
        ("10.1.0.0/31", "prefix must be between 8 and 30"),
        ("fd00::/200", "expected an IPv6 CIDR"),
        ("fd00::/127", "IPv6 prefix must be between 8 and 120"),
    ] {
        env.berth(["network", "create", "--subnet", subnet, "bad"])
            .output()
            .code(125)
            .stderr_contains(&format!("invalid subnet `{subnet}`"))
            .stderr_contains(why);
    }
    env.berth([
        "network",
        "create",
        "--subnet",
        "10.20.0.0/24",
        "--gateway",
        "10.21.0.1",
        "bad",
    ])
    .output()
    .code(125)
    .stderr_contains("invalid gateway `10.21.0.1`");
    // The subnet of another network.
    let dup_subnet = inspect(&env, "dup")["subnets"][0]["subnet"]
        .as_str()
        .unwrap()
        .to_string();
    env.berth(["network", "create", "--subnet", &dup_subnet, "bad"])
        .output()
        .code(125)
        .stderr_contains("overlaps");
    env.berth(["network", "create", "-d", "macvlan", "bad"])
        .output()
        .code(125)
        .stderr_contains("invalid network driver `macvlan`");
    env.berth(["network", "create", "bad/name"])
        .output()
        .code(125)
        .stderr_contains("invalid network name `bad/name`");
    assert_eq!(
        network_names(&env),
        ["dup", "podman"],
        "no failed create left a network"
    );
    env.berth(["network", "inspect", "nope"])
        .output()
        .code(125)
        .stderr_contains("nope");
    // A container on a network that does not exist.
    env.berth(["create", "--network", "nope", "busybox"])
        .output()
        .code(125)
        .stderr_contains("unable to find network with name or ID nope: network not found");
    env.berth(["run", "--network-alias", "x", "busybox"])
        .output()
        .code(125)
        .stderr_contains("--network-alias");
}

#[test]
fn network_in_use_rm_prune_connect_disconnect() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for n in ["used", "spare", "other"] {
        env.berth(["network", "create", n]).output().success();
    }
    env.berth([
        "create",
        "--name",
        "c1",
        "--network",
        "used",
        "busybox",
        "true",
    ])
    .output()
    .success();
    env.berth(["network", "rm", "used"])
        .output()
        .code(2)
        .stderr_contains("cannot remove network `used`: it is used by container c1");
    // prune keeps the network in use.
    env.berth(["network", "prune", "-f"])
        .output()
        .success()
        .stdout_eq("other\nspare\n");
    assert_eq!(network_names(&env), ["podman", "used"]);

    // connect and disconnect a stopped container: its configuration changes.
    env.berth(["network", "create", "second"])
        .output()
        .success();
    env.berth(["network", "connect", "--alias", "db", "second", "c1"])
        .output()
        .success();
    env.berth(["network", "connect", "second", "c1"])
        .output()
        .code(125)
        .stderr_contains("already connected");
    env.berth(["network", "rm", "second"]).output().code(2);
    env.berth(["network", "disconnect", "second", "c1"])
        .output()
        .success();
    env.berth(["network", "disconnect", "second", "c1"])
        .output()
        .code(125)
        .stderr_contains("not connected");
    env.berth(["network", "rm", "second"]).output().success();

    // rm -f removes the container first.
    env.berth(["network", "rm", "-f", "used"])
        .output()
        .success()
        .stdout_eq("used\n");
    env.berth(["container", "exists", "c1"]).output().code(1);
    assert_eq!(network_names(&env), ["podman"]);
    // The default network stays.
    env.berth(["network", "rm", "podman"])
        .output()
        .code(125)
        .stderr_contains("cannot be removed");
}

/// A shell function for the containers: look a name up with berth's name server, then
/// fetch `/` from the address (busybox's static wget cannot resolve names itself). The
/// fetch is retried (each attempt for at most 2 s): the server may still be starting.
const FETCH: &str = "fetch() { ip=$(nslookup \"$1\" 2>/dev/null | sed -n 's/^Address:[[:space:]]*\\([0-9.]*\\)$/\\1/p' | tail -n 1); [ -n \"$ip\" ] || { echo \"cannot resolve $1\"; return 1; }; for i in $(seq 50); do timeout 2 wget -q -O - \"http://$ip/\" 2>/dev/null && return 0; usleep 100000; done; echo \"cannot fetch from $1 at $ip\"; return 1; }";

fn serve(env: &Env, name: &str, network: &str, alias: &str, text: &str) {
    env.berth([
        "run",
        "-d",
        "--name",
        name,
        "--network",
        network,
        "--network-alias",
        alias,
        "busybox",
        "sh",
        "-c",
        &format!("mkdir /www && echo {text} > /www/index.html && exec httpd -f -p 80 -h /www"),
    ])
    .output()
    .success();
}

fn fetch(env: &Env, from: &str, target: &str) -> crate::util::command::Output {
    env.berth([
        "exec",
        from,
        "sh",
        "-c",
        &format!("{FETCH}; fetch {target}"),
    ])
    .output()
}

#[test]
fn network_bridge_is_podmans_default_network() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["d1"]);
    serve(&env, "d1", "bridge", "unused", "from-default");
    env.berth(["inspect", "--format", "{{.HostConfig.NetworkMode}}", "d1"])
        .output()
        .success()
        .stdout_eq("bridge\n");
    let ip = env
        .berth([
            "inspect",
            "--format",
            "{{.NetworkSettings.Networks.podman.IPAddress}}",
            "d1",
        ])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    assert!(ip.starts_with("10.88."), "an address on 10.88.0.0/16: {ip}");
    // By address (the default network has no name server, as in podman's).
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            "podman",
            "busybox",
            "sh",
            "-c",
            &format!("for i in $(seq 50); do timeout 2 wget -q -O - http://{ip}/ && exit 0; usleep 100000; done; exit 1; "),
        ])
        .output();
    out.success().stdout_eq("from-default\n");
}

#[test]
fn ip_range_bounds_the_addresses_containers_get() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    env.berth([
        "network",
        "create",
        "--subnet",
        "10.89.77.0/24",
        "--ip-range",
        "10.89.77.128/25",
        "ranged",
    ])
    .output()
    .success();
    let n = inspect(&env, "ranged");
    assert_eq!(n["subnets"][0]["lease_range"]["start_ip"], "10.89.77.129");
    assert_eq!(n["subnets"][0]["lease_range"]["end_ip"], "10.89.77.254");
    env.berth([
        "run",
        "--rm",
        "--network",
        "ranged",
        "busybox",
        "ip",
        "-4",
        "-o",
        "addr",
        "show",
        "eth0",
    ])
    .output()
    .success()
    .stdout_contains("inet 10.89.77.129/24");
    env.berth([
        "network",
        "create",
        "--subnet",
        "10.89.78.0/24",
        "--ip-range",
        "10.89.79.0/25",
        "bad",
    ])
    .output()
    .code(125)
    .stderr_contains("10.89.79.0/25");
}

#[test]
fn containers_on_a_network_reach_each_other_by_name_and_alias() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["one", "two", "three", "far"]);
    env.berth(["network", "create", "web"]).output().success();
    env.berth(["network", "create", "apart"]).output().success();
    serve(&env, "one", "web", "first", "from-one");
    serve(&env, "two", "web", "second", "from-two");
    // Both directions, by name and by alias.
    fetch(&env, "one", "two").success().stdout_eq("from-two\n");
    fetch(&env, "one", "second")
        .success()
        .stdout_eq("from-two\n");
    fetch(&env, "two", "one").success().stdout_eq("from-one\n");
    fetch(&env, "two", "first")
        .success()
        .stdout_eq("from-one\n");
    // A container started after the others is found by them.
    serve(&env, "three", "web", "third", "from-three");
    fetch(&env, "one", "three")
        .success()
        .stdout_eq("from-three\n");
    fetch(&env, "three", "first")
        .success()
        .stdout_eq("from-one\n");
    // The container's own files.
    env.berth(["exec", "one", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout_contains("nameserver 10.89.");
    // Another network: its names are unknown here, and its addresses unreachable.
    serve(&env, "far", "apart", "faraway", "from-far");
    fetch(&env, "one", "far")
        .code(1)
        .stdout_contains("cannot resolve far");
    let far_ip = env
        .berth([
            "exec",
            "far",
            "sh",
            "-c",
            "ip -4 -o addr show eth0 | sed 's#.*inet \\([0-9.]*\\)/.*#\\1#'",
        ])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    assert!(far_ip.starts_with("10.89."), "{far_ip}");
    // inspect shows the address, per network and at the top as podman's scripts read it.
    env.berth([
        "inspect",
        "--format",
        "{{.NetworkSettings.Networks.apart.IPAddress}} {{.NetworkSettings.IPAddress}}",
        "far",
    ])
    .output()
    .success()
    .stdout_eq(&format!("{far_ip} {far_ip}\n"));
    let unreachable = env
        .berth([
            "exec",
            "one",
            "timeout",
            "3",
            "wget",
            "-q",
            "-O",
            "-",
            &format!("http://{far_ip}/"),
        ])
        .output();
    unreachable.check(
        !unreachable.status.success(),
        "a container on another network is unreachable",
    );
}

#[test]
fn a_container_on_a_network_reaches_the_host_and_the_namespace_goes_when_idle() {
    reach_the_host_through("pasta");
}

#[test]
fn slirp4netns_is_the_outside_link_when_configured() {
    reach_the_host_through("slirp4netns");
}

/// A container on a user network fetches from a server on the host's loopback through the
/// outside link `tool` (pasta maps its gateway address there, slirp4netns 10.0.2.2); the
/// holder and the link go once the last container has.
fn reach_the_host_through(tool: &str) {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip", tool, "nft"]) {
        return;
    }
    env.import_busybox();
    if tool == "slirp4netns" {
        // podman's containers.conf key, in berth.toml: it also makes slirp4netns the default
        // network of a plain `run`.
        let dir = env.config_home.join("berth");
        std::fs::create_dir_all(&dir).unwrap();
        env.give_to_user(&dir);
        let conf = dir.join("berth.toml");
        std::fs::write(
            &conf,
            "[network]\ndefault_rootless_network_cmd = \"slirp4netns\"\n",
        )
        .unwrap();
        env.give_to_user(&conf);
        env.berth(["create", "--name", "plain", "busybox", "true"])
            .output()
            .success();
        env.berth([
            "inspect",
            "--format",
            "{{.HostConfig.NetworkMode}}",
            "plain",
        ])
        .output()
        .success()
        .stdout_eq("slirp4netns\n");
    }
    let server = env.host_httpd("from-host\n");
    let port = server.port;
    env.berth(["network", "create", "out"]).output().success();
    let fetched = env
        .berth([
            "run",
            "--rm",
            "--network",
            "out",
            "busybox",
            "sh",
            "-c",
            &format!(
                "ip=$(sed -n 's/[[:space:]].*host.containers.internal.*//p' /etc/hosts); echo $ip; wget -q -O - http://$ip:{port}/"
            ),
        ])
        .env("BERTH_NETNS_IDLE_SECS", "1")
        .output();
    drop(server);
    fetched.success().stdout_contains("from-host\n");
    if tool == "slirp4netns" {
        fetched.stdout_contains("10.0.2.2\n");
    }
    let link: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.runtime_dir.join("berth/netns/link.json"))
            .expect("the outside link's record"),
    )
    .expect("link.json is JSON");
    assert_eq!(link["tool"], tool, "{link}");
    let pid = link["pid"].to_string();
    // The last container is gone: so is the holder, soon.
    let state = env.runtime_dir.join("berth/netns/holder.json");
    let deadline = Instant::now() + Duration::from_secs(10);
    while state.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !Path::new(&state).exists(),
        "the holder still runs 10 s after its last container"
    );
    // Its link went with it (gone, or a zombie waiting for init).
    let live = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
            !st.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    let deadline = Instant::now() + Duration::from_secs(3);
    while live(&pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!live(&pid), "{tool} {pid} outlived the holder");
}

#[test]
fn published_ports_reach_a_container_on_a_network() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip", "pasta"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["pub"]);
    env.berth(["network", "create", "pubnet"])
        .output()
        .success();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.berth([
        "run",
        "-d",
        "--name",
        "pub",
        "--network",
        "pubnet",
        "-p",
        &format!("127.0.0.1:{port}:80"),
        "busybox",
        "sh",
        "-c",
        "mkdir /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www",
    ])
    .output()
    .success();
    env.berth(["port", "pub"])
        .output()
        .success()
        .stdout_contains(&format!("80/tcp -> 127.0.0.1:{port}"));
    // From the host, through the forwarder, twice (one connection after the other).
    for _ in 0..2 {
        let body = http_get(port);
        assert!(body.ends_with("published\n"), "{body}");
    }
    // The port is taken: a second container on it fails before it starts.
    env.berth([
        "run",
        "--rm",
        "--network",
        "pubnet",
        "-p",
        &format!("127.0.0.1:{port}:80"),
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains(&port.to_string());
}

#[test]
fn create_start_and_restart_keep_a_container_on_its_network() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["made", "asker"]);
    env.berth(["network", "create", "lifenet"])
        .output()
        .success();
    env.berth([
        "create",
        "--name",
        "made",
        "--network",
        "lifenet",
        "--network-alias",
        "svc",
        "busybox",
        "sh",
        "-c",
        "mkdir -p /www && echo made > /www/index.html && exec httpd -f -p 80 -h /www",
    ])
    .output()
    .success();
    env.berth(["start", "made"]).output().success();
    env.berth([
        "run",
        "-d",
        "--name",
        "asker",
        "--network",
        "lifenet",
        "busybox",
        "sleep",
        "60",
    ])
    .output()
    .success();
    fetch(&env, "asker", "svc").success().stdout_eq("made\n");
    // A restart wires the new run afresh (the old veths may still be going away).
    env.berth(["restart", "-t", "0", "made"]).output().success();
    fetch(&env, "asker", "made").success().stdout_eq("made\n");
    env.berth(["inspect", "--format", "{{.HostConfig.NetworkMode}}", "made"])
        .output()
        .success()
        .stdout_eq("bridge\n");
}

#[test]
fn a_running_container_is_connected_and_disconnected() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip", "pasta"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(
        &env,
        &["shared", "web1", "peer", "late", "alone", "bouncer"],
    );
    env.berth(["network", "create", "neta"]).output().success();
    env.berth(["network", "create", "netb"]).output().success();
    serve(&env, "web1", "neta", "www", "from-web1");
    serve(&env, "peer", "neta", "buddy", "from-peer");
    serve(&env, "late", "netb", "latecomer", "from-late");
    // Before: network A's names are unknown to `late`.
    fetch(&env, "late", "web1")
        .code(1)
        .stdout_contains("cannot resolve web1");

    env.berth(["network", "connect", "--alias", "joined", "neta", "late"])
        .output()
        .success();
    // A new interface with an address on A; B's default route stays.
    let addrs = env
        .berth(["exec", "late", "ip", "-4", "-o", "addr", "show"])
        .output()
        .success()
        .stdout();
    assert!(addrs.contains(" eth1 "), "{addrs}");
    let new_ip = addrs
        .lines()
        .find(|l| l.contains(" eth1 "))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|a| a.split('/').next())
        .expect("eth1 has an address")
        .to_string();
    // As podman: /etc/hosts gets the new address, resolv.conf the network's name server
    // first.
    env.berth(["exec", "late", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout_contains(&format!("{new_ip}\t"));
    let resolv = env
        .berth(["exec", "late", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout();
    let gateway = format!("{}.1", new_ip.rsplit_once('.').unwrap().0);
    let first = resolv.lines().find(|l| l.starts_with("nameserver"));
    assert_eq!(
        first,
        Some(format!("nameserver {gateway}").as_str()),
        "{resolv}"
    );
    env.berth(["exec", "late", "ip", "route", "show", "default"])
        .output()
        .success()
        .stdout_contains("dev eth0");
    // It reaches A's containers by name and alias, and they reach it by name and alias.
    fetch(&env, "late", "web1")
        .success()
        .stdout_eq("from-web1\n");
    fetch(&env, "late", "buddy")
        .success()
        .stdout_eq("from-peer\n");
    fetch(&env, "peer", "joined")
        .success()
        .stdout_eq("from-late\n");
    fetch(&env, "web1", "late")
        .success()
        .stdout_eq("from-late\n");
    // The configuration names the network (`network rm` sees the user).
    env.berth(["network", "rm", "neta"])
        .output()
        .code(2)
        .stderr_contains("late");
    env.berth(["network", "connect", "neta", "late"])
        .output()
        .code(125)
        .stderr_contains("already connected");

    // Disconnect: the interface and the record go, and A is out of reach.
    let web1_ip = env
        .berth([
            "exec",
            "web1",
            "sh",
            "-c",
            "ip -4 -o addr show eth0 | sed 's#.*inet \\([0-9.]*\\)/.*#\\1#'",
        ])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    env.berth(["network", "disconnect", "neta", "late"])
        .output()
        .success();
    let addrs = env
        .berth(["exec", "late", "ip", "-4", "-o", "addr", "show"])
        .output()
        .success()
        .stdout();
    assert!(!addrs.contains(" eth1 "), "{addrs}");
    let hosts = env
        .berth(["exec", "late", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout();
    assert!(!hosts.contains(&format!("{new_ip}\t")), "{hosts}");
    let resolv = env
        .berth(["exec", "late", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout();
    assert!(
        !resolv.contains(&format!("nameserver {gateway}\n")),
        "{resolv}"
    );
    fetch(&env, "late", "web1")
        .code(1)
        .stdout_contains("cannot resolve web1");
    fetch(&env, "peer", "joined")
        .code(1)
        .stdout_contains("cannot resolve joined");
    let unreachable = env
        .berth([
            "exec",
            "late",
            "timeout",
            "3",
            "wget",
            "-q",
            "-O",
            "-",
            &format!("http://{web1_ip}/"),
        ])
        .output();
    unreachable.check(
        !unreachable.status.success(),
        "a disconnected network is unreachable",
    );
    env.berth(["network", "disconnect", "neta", "late"])
        .output()
        .code(125)
        .stderr_contains("not connected");
    // Still on its own network.
    fetch(&env, "late", "latecomer")
        .success()
        .stdout_eq("from-late\n");

    // A restart by the restart policy keeps the network connected while running.
    env.berth([
        "run",
        "-d",
        "--name",
        "bouncer",
        "--network",
        "netb",
        "--restart",
        "on-failure:1",
        "busybox",
        "sh",
        "-c",
        "if [ -e /ran ]; then ip -4 -o addr show; exec sleep 60; fi; touch /ran; \
         while [ ! -e /go ]; do usleep 50000; done; usleep 200000; exit 3",
    ])
    .output()
    .success();
    env.berth(["network", "connect", "neta", "bouncer"])
        .output()
        .success();
    // The container exits as soon as it sees /go, which may end the exec with it (137).
    let out = env.berth(["exec", "bouncer", "touch", "/go"]).output();
    out.check(
        matches!(out.status.code(), Some(0 | 137)),
        "exec touch /go: done, or ended with the container",
    );
    assert!(
        crate::util::wait_until(Duration::from_secs(20), || {
            env.berth(["logs", "bouncer"])
                .output()
                .stdout()
                .contains(" eth1 ")
        }),
        "after its restart the container has its connected network: {}",
        env.berth(["logs", "bouncer"]).output().stdout()
    );

    // One that shares another container's network namespace: refused.
    env.berth([
        "run",
        "-d",
        "--name",
        "shared",
        "--network",
        "container:web1",
        "busybox",
        "sleep",
        "60",
    ])
    .output()
    .success();
    env.berth(["network", "connect", "netb", "shared"])
        .output()
        .code(125)
        .stderr_contains("shares the network namespace of another container");

    // A container on pasta has a user namespace of its own: refused, with the reason.
    env.berth(["run", "-d", "--name", "alone", "busybox", "sleep", "60"])
        .output()
        .success();
    env.berth(["network", "connect", "neta", "alone"])
        .output()
        .code(125)
        .stderr_contains("was not started on a user network")
        .stderr_contains("hint:");
}

/// Run a web server `name` with extra `run` arguments (networks, addresses).
fn serve_with(env: &Env, name: &str, args: &[&str], text: &str) {
    let mut all = vec!["run", "-d", "--name", name];
    all.extend_from_slice(args);
    let script =
        format!("mkdir -p /www && echo {text} > /www/index.html && exec httpd -f -p 80 -h /www");
    all.extend_from_slice(&["busybox", "sh", "-c", &script]);
    env.berth(all).output().success();
}

fn inspect_field(env: &Env, container: &str, template: &str) -> String {
    env.berth(["inspect", "--format", template, container])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string()
}

#[test]
fn static_addresses_macs_and_aliases_are_per_network() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["web", "ca", "cb", "extra"]);
    env.berth(["network", "create", "--subnet", "10.77.0.0/24", "sta"])
        .output()
        .success();
    env.berth(["network", "create", "stb"]).output().success();
    serve_with(
        &env,
        "web",
        &[
            "--network",
            "sta:alias=wa,ip=10.77.0.50,mac=02:aa:bb:cc:dd:ee",
            "--network",
            "stb:alias=wb",
        ],
        "from-web",
    );
    serve_with(&env, "ca", &["--network", "sta"], "from-ca");
    serve_with(
        &env,
        "cb",
        &["--network", "stb:interface_name=en5"],
        "from-cb",
    );
    env.berth(["exec", "cb", "ip", "-4", "-o", "addr", "show", "en5"])
        .output()
        .success()
        .stdout_contains("inet 10.89.");
    // The static address and MAC, in the container and in inspect.
    env.berth(["exec", "web", "ip", "-4", "-o", "addr", "show", "eth0"])
        .output()
        .success()
        .stdout_contains("inet 10.77.0.50/24");
    env.berth(["exec", "web", "cat", "/sys/class/net/eth0/address"])
        .output()
        .success()
        .stdout_eq("02:aa:bb:cc:dd:ee\n");
    let id = inspect_field(&env, "web", "{{.Id}}");
    assert_eq!(
        inspect_field(
            &env,
            "web",
            "{{.NetworkSettings.Networks.sta.IPAddress}} {{.NetworkSettings.Networks.sta.MacAddress}} {{.NetworkSettings.IPAddress}}"
        ),
        "10.77.0.50 02:aa:bb:cc:dd:ee 10.77.0.50"
    );
    let out = env.berth(["inspect", "web"]).output();
    out.success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).expect("inspect JSON");
    let nets = &v[0]["NetworkSettings"]["Networks"];
    // As podman 4: the network's own aliases, then the short id.
    assert_eq!(nets["sta"]["Aliases"], serde_json::json!(["wa", &id[..12]]));
    assert_eq!(nets["stb"]["Aliases"], serde_json::json!(["wb", &id[..12]]));
    // An alias answers on its own network only; the name on both.
    fetch(&env, "ca", "wa").success().stdout_eq("from-web\n");
    fetch(&env, "ca", "wb")
        .code(1)
        .stdout_contains("cannot resolve wb");
    fetch(&env, "cb", "wb").success().stdout_eq("from-web\n");
    fetch(&env, "cb", "wa")
        .code(1)
        .stdout_contains("cannot resolve wa");
    fetch(&env, "ca", "web").success().stdout_eq("from-web\n");
    fetch(&env, "cb", "web").success().stdout_eq("from-web\n");

    // A taken address names its holder; the gateway and outside addresses are refused.
    for (ip, why) in [
        ("10.77.0.50", "already used by container `web`"),
        ("10.77.0.1", "is the gateway of network `sta`"),
        ("10.78.0.9", "not a host address in subnet 10.77.0.0/24"),
    ] {
        env.berth([
            "run",
            "--rm",
            "--network",
            "sta",
            "--ip",
            ip,
            "busybox",
            "true",
        ])
        .output()
        .code(125)
        .stderr_contains(why)
        .stderr_contains(ip);
    }
    // --ip, --ip6 and --mac-address need exactly one network (podman's rule).
    env.berth([
        "create",
        "--network",
        "sta",
        "--network",
        "stb",
        "--ip",
        "10.77.0.9",
        "busybox",
    ])
    .output()
    .code(125)
    .stderr_contains("can only be set for a single network");
    env.berth(["create", "--network", "sta:bogus=1", "busybox"])
        .output()
        .code(125)
        .stderr_contains("`bogus=1`");

    // connect with an alias, address and MAC; the alias goes with disconnect.
    env.berth([
        "network",
        "connect",
        "--alias",
        "late",
        "--ip",
        "10.77.0.60",
        "--mac-address",
        "02:00:00:00:00:60",
        "sta",
        "cb",
    ])
    .output()
    .success();
    // The first free ethN: en5 is the other interface.
    env.berth(["exec", "cb", "ip", "-4", "-o", "addr", "show", "eth0"])
        .output()
        .success()
        .stdout_contains("inet 10.77.0.60/24");
    env.berth(["exec", "cb", "cat", "/sys/class/net/eth0/address"])
        .output()
        .success()
        .stdout_eq("02:00:00:00:00:60\n");
    fetch(&env, "ca", "late").success().stdout_eq("from-cb\n");
    // The alias is on sta only: web asks on stb too, but finds cb's sta address by alias.
    assert_eq!(
        inspect_field(&env, "cb", "{{.NetworkSettings.Networks.sta.Aliases}}"),
        format!("[late {}]", &inspect_field(&env, "cb", "{{.Id}}")[..12])
    );
    env.berth(["network", "disconnect", "sta", "cb"])
        .output()
        .success();
    env.berth(["network", "connect", "sta", "cb"])
        .output()
        .success();
    fetch(&env, "ca", "late")
        .code(1)
        .stdout_contains("cannot resolve late");
    fetch(&env, "ca", "cb").success().stdout_eq("from-cb\n");
    // A stopped container connected with an address gets it at its next start.
    env.berth([
        "create",
        "--name",
        "extra",
        "--network",
        "stb",
        "busybox",
        "sleep",
        "60",
    ])
    .output()
    .success();
    env.berth(["network", "connect", "--ip", "10.77.0.70", "sta", "extra"])
        .output()
        .success();
    env.berth(["start", "extra"]).output().success();
    assert_eq!(
        inspect_field(&env, "extra", "{{.NetworkSettings.Networks.sta.IPAddress}}"),
        "10.77.0.70"
    );
    // A restart keeps the static address (the old session's record is the container's own).
    env.berth(["restart", "-t", "0", "web"]).output().success();
    env.berth(["exec", "web", "ip", "-4", "-o", "addr", "show", "eth0"])
        .output()
        .success()
        .stdout_contains("inet 10.77.0.50/24");
    fetch(&env, "ca", "wa").success().stdout_eq("from-web\n");
    // The failed runs left no container behind.
    let all = env
        .berth(["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .success()
        .stdout_lines();
    assert_eq!(all.len(), 4, "{all:?}");
}

/// Look a name's AAAA record up and fetch `/` from that IPv6 address (retried while the
/// server starts).
const FETCH6: &str = "fetch6() { ip=$(nslookup -type=AAAA \"$1\" 2>/dev/null | sed -n 's/^Address:[[:space:]]*\\([0-9a-f:]*:[0-9a-f:]*\\)$/\\1/p' | tail -n 1); [ -n \"$ip\" ] || { echo \"cannot resolve $1\"; return 1; }; for i in $(seq 50); do timeout 2 wget -q -O - \"http://[$ip]/\" 2>/dev/null && return 0; usleep 100000; done; echo \"cannot fetch from $1 at $ip\"; return 1; }";

fn fetch6(env: &Env, from: &str, target: &str) -> crate::util::command::Output {
    env.berth([
        "exec",
        from,
        "sh",
        "-c",
        &format!("{FETCH6}; fetch6 {target}"),
    ])
    .output()
}

/// The tools of user networks and a kernel with IPv6; like `require`: skip with the
/// reason, or fail under CI=true.
fn ipv6_ready() -> bool {
    if !have_tools(&["nsenter", "ip"]) {
        return false;
    }
    if !Path::new("/proc/net/if_inet6").exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true and the kernel has no IPv6"
        );
        eprintln!("skipped: the kernel has no IPv6");
        return false;
    }
    true
}

#[test]
fn containers_on_an_ipv6_network_reach_each_other() {
    let Some(env) = Env::rootless() else { return };
    if !ipv6_ready() {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["s1", "s2", "s3"]);
    env.berth([
        "network",
        "create",
        "--ipv6",
        "--subnet",
        "fd12:3456:789a:1::/64",
        "six",
    ])
    .output()
    .success();
    let n = inspect(&env, "six");
    assert_eq!(n["ipv6_enabled"], true);
    let subnets: Vec<(String, String)> = n["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["subnet"].as_str().unwrap().to_string(),
                s["gateway"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        subnets.contains(&(
            "fd12:3456:789a:1::/64".to_string(),
            "fd12:3456:789a:1::1".to_string()
        )),
        "{subnets:?}"
    );
    assert!(
        subnets.iter().any(|(s, _)| s.starts_with("10.89.")),
        "--ipv6 keeps an IPv4 subnet: {subnets:?}"
    );
    let out = env.berth(["network", "ls", "--format", "json"]).output();
    out.success();
    let list: serde_json::Value = serde_json::from_str(&out.stdout()).expect("ls json");
    let six = list
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["ipv6_enabled"] == true)
        .expect("the IPv6 network in ls");
    assert_eq!(six["subnets"].as_array().unwrap().len(), 2);
    // --ipv6 alone picks a free unique-local /64.
    env.berth(["network", "create", "--ipv6", "six2"])
        .output()
        .success();
    let auto = inspect(&env, "six2");
    let auto6 = auto["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subnet"].as_str().unwrap().to_string())
        .find(|s| s.contains(':'))
        .expect("an IPv6 subnet");
    assert!(
        auto6.starts_with("fd") && auto6.ends_with("::/64"),
        "{auto6}"
    );

    serve_with(&env, "s1", &["--network", "six"], "from-s1");
    serve_with(
        &env,
        "s2",
        &["--network", "six", "--ip6", "fd12:3456:789a:1::99"],
        "from-s2",
    );
    assert_eq!(
        inspect_field(
            &env,
            "s2",
            "{{.NetworkSettings.Networks.six.GlobalIPv6Address}} {{.NetworkSettings.GlobalIPv6Address}}"
        ),
        "fd12:3456:789a:1::99 fd12:3456:789a:1::99"
    );
    let s1_v6 = inspect_field(
        &env,
        "s1",
        "{{.NetworkSettings.Networks.six.GlobalIPv6Address}}",
    );
    assert!(s1_v6.starts_with("fd12:3456:789a:1::"), "{s1_v6}");
    // By address, at once (no duplicate address detection delay)...
    env.berth([
        "exec",
        "s1",
        "sh",
        "-c",
        "for i in $(seq 50); do timeout 2 wget -q -O - 'http://[fd12:3456:789a:1::99]/' && exit 0; usleep 100000; done; exit 1",
    ])
    .output()
    .success()
    .stdout_eq("from-s2\n");
    // ... and by name (AAAA), both ways; A still answers.
    fetch6(&env, "s1", "s2").success().stdout_eq("from-s2\n");
    fetch6(&env, "s2", "s1").success().stdout_eq("from-s1\n");
    fetch(&env, "s2", "s1").success().stdout_eq("from-s1\n");
    // /etc/hosts lists both addresses.
    env.berth(["exec", "s2", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout_contains("fd12:3456:789a:1::99\t")
        .stdout_contains("\n10.89.");
    // Both gateways are name servers (as podman), and the IPv6 one answers too.
    env.berth(["exec", "s2", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout_contains("nameserver 10.89.")
        .stdout_contains("nameserver fd12:3456:789a:1::1\n");
    env.berth([
        "exec",
        "s2",
        "nslookup",
        "-type=AAAA",
        "s1",
        "fd12:3456:789a:1::1",
    ])
    .output()
    .success()
    .stdout_contains(&format!("Address: {s1_v6}"));
    // The default route for IPv6 goes to the gateway.
    env.berth(["exec", "s2", "ip", "-6", "route", "show", "default"])
        .output()
        .success()
        .stdout_contains("via fd12:3456:789a:1::1");

    // Isolation: another IPv6 network's address is out of reach.
    serve_with(&env, "s3", &["--network", "six2"], "from-s3");
    let s3_v6 = inspect_field(
        &env,
        "s3",
        "{{.NetworkSettings.Networks.six2.GlobalIPv6Address}}",
    );
    assert!(s3_v6.starts_with("fd"), "{s3_v6}");
    let unreachable = env
        .berth([
            "exec",
            "s1",
            "timeout",
            "3",
            "wget",
            "-q",
            "-O",
            "-",
            &format!("http://[{s3_v6}]/"),
        ])
        .output();
    unreachable.check(
        !unreachable.status.success(),
        "a container on another IPv6 network is unreachable",
    );

    // Connected to the dual-stack network while running: both addresses, both name
    // servers, and it reaches s1 by its AAAA name.
    env.berth([
        "network",
        "connect",
        "--ip6",
        "fd12:3456:789a:1::33",
        "six",
        "s3",
    ])
    .output()
    .success();
    env.berth(["exec", "s3", "ip", "-6", "-o", "addr", "show", "eth1"])
        .output()
        .success()
        .stdout_contains("inet6 fd12:3456:789a:1::33/64");
    env.berth(["exec", "s3", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout_contains("fd12:3456:789a:1::33\t");
    fetch6(&env, "s3", "s1").success().stdout_eq("from-s1\n");
    env.berth(["network", "disconnect", "six", "s3"])
        .output()
        .success();
    let hosts = env
        .berth(["exec", "s3", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout();
    assert!(!hosts.contains("fd12:3456:789a:1::33"), "{hosts}");
    let resolv = env
        .berth(["exec", "s3", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout();
    assert!(!resolv.contains("fd12:3456:789a:1::1"), "{resolv}");

    // Bad IPv6 subnets.
    env.berth(["network", "create", "--subnet", "fd00::/200", "bad"])
        .output()
        .code(125)
        .stderr_contains("invalid subnet `fd00::/200`");
    env.berth([
        "network",
        "create",
        "--ipv6",
        "--subnet",
        "fd12:3456::/32",
        "bad",
    ])
    .output()
    .code(125)
    .stderr_contains("overlaps subnet fd12:3456:789a:1::/64 of network `six`");
    // A static IPv6 address outside the subnet.
    env.berth([
        "run",
        "--rm",
        "--network",
        "six",
        "--ip6",
        "fd99::5",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains("fd99::5");
    assert!(!network_names(&env).contains(&"bad".to_string()));
}

#[test]
fn containers_on_an_ipv6_only_network_reach_each_other() {
    let Some(env) = Env::rootless() else { return };
    if !ipv6_ready() {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["o1", "o2", "o3"]);
    // As podman: an IPv6 subnet alone makes an IPv6-only network.
    env.berth(["network", "create", "--subnet", "fd12:9999:1::/64", "only6"])
        .output()
        .success();
    let n = inspect(&env, "only6");
    assert_eq!(n["ipv6_enabled"], true);
    assert_eq!(
        n["subnets"],
        serde_json::json!([{"subnet": "fd12:9999:1::/64", "gateway": "fd12:9999:1::1"}])
    );
    serve_with(&env, "o1", &["--network", "only6:alias=first"], "from-o1");
    serve_with(&env, "o2", &["--network", "only6"], "from-o2");
    assert_eq!(
        inspect_field(
            &env,
            "o1",
            "[{{.NetworkSettings.Networks.only6.IPAddress}}] {{.NetworkSettings.Networks.only6.GlobalIPv6Address}}"
        ),
        "[] fd12:9999:1::2"
    );
    // No IPv4 address; the IPv6 gateway is the only name server.
    env.berth(["exec", "o2", "ip", "-4", "-o", "addr", "show", "eth0"])
        .output()
        .success()
        .stdout_eq("");
    let resolv = env
        .berth(["exec", "o2", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout();
    let servers: Vec<&str> = resolv
        .lines()
        .filter(|l| l.starts_with("nameserver"))
        .collect();
    assert_eq!(servers, ["nameserver fd12:9999:1::1"], "{resolv}");
    env.berth(["exec", "o2", "cat", "/etc/hosts"])
        .output()
        .success()
        .stdout_contains("fd12:9999:1::3\t");
    fetch6(&env, "o2", "o1").success().stdout_eq("from-o1\n");
    fetch6(&env, "o2", "first").success().stdout_eq("from-o1\n");
    fetch6(&env, "o1", "o2").success().stdout_eq("from-o2\n");
    // Published ports go to the container's IPv6 address on such a network.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    serve_with(
        &env,
        "o3",
        &["--network", "only6", "-p", &format!("127.0.0.1:{port}:80")],
        "from-o3",
    );
    let page = http_get(port);
    env.berth(["rm", "-f", "o3"]).output().success();
    assert!(page.contains("from-o3"), "GET through -p: {page}");
    // Disconnect removes the IPv6 interface.
    env.berth(["network", "create", "other"]).output().success();
    env.berth(["network", "connect", "other", "o2"])
        .output()
        .success();
    env.berth(["network", "disconnect", "only6", "o2"])
        .output()
        .success();
    env.berth(["exec", "o2", "ip", "-6", "-o", "addr", "show"])
        .output()
        .success()
        .stdout_lacks("fd12:9999:1::3");
}

#[test]
fn network_rm_force_time_stops_running_users_within_the_time() {
    let Some(env) = Env::rootless() else { return };
    if !have_tools(&["nsenter", "ip"]) {
        return;
    }
    env.import_busybox();
    let _cleanup = Cleanup(&env, &["ignorer"]);
    env.berth(["network", "create", "timed"]).output().success();
    // PID 1 ignores SIGTERM: only SIGKILL, after -t, ends it.
    env.berth([
        "run",
        "-d",
        "--name",
        "ignorer",
        "--network",
        "timed",
        "busybox",
        "sleep",
        "300",
    ])
    .output()
    .success();
    let started = std::time::Instant::now();
    env.berth(["network", "rm", "-t", "0", "-f", "timed"])
        .output()
        .success()
        .stdout_eq("timed\n");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(8),
        "network rm -t 0 -f waited {:?}",
        started.elapsed()
    );
    env.berth(["container", "exists", "ignorer"])
        .output()
        .code(1);
    env.berth(["network", "exists", "timed"]).output().code(1);
}
