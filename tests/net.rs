//! Rootless networking: pasta and slirp4netns, published ports (`-p`, `berth port`), host
//! loopback access, `--network none|container:`, and the generated /etc files. Traffic goes
//! only to 127.0.0.1 on the host and to addresses inside the namespaces the tests make.

use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::util::{http_get, require, Env, Need};

/// A rootless environment with `helper` usable, and the busybox image.
fn env_with(need: Need) -> Option<Env> {
    let env = Env::rootless()?;
    if !require(need) {
        return None;
    }
    env.import_busybox();
    Some(env)
}

/// A host port that is free now (the kernel's choice).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A detached container serving `hello from NAME` over HTTP on its port 80.
fn serve_http(env: &Env, network: &str, publish: &str) -> String {
    let out = env
        .berth([
            "run",
            "-d",
            "--network",
            network,
            "-p",
            publish,
            "busybox",
            "sh",
            "-c",
            "mkdir /www && echo hello from $HOSTNAME > /www/index.html && exec httpd -f -p 80 -h /www",
        ])
        .output();
    out.success();
    out.stdout().trim().to_string()
}

fn publish_and_fetch(need: Need, network: &str) {
    let Some(env) = env_with(need) else { return };
    let port = free_port();
    let id = serve_http(&env, network, &format!("127.0.0.1:{port}:80"));
    let body = http_get(port);
    assert!(
        body.contains(&format!("hello from {}", &id[..12])),
        "the page must come from the container: {body}"
    );
    env.berth(["rm", "-f", &id]).output().success();
    // The helper went with the container (the monitor stops it as it notices the exit): the
    // host port is free again.
    let deadline = Instant::now() + Duration::from_secs(5);
    while TcpListener::bind(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the host port must be released after rm"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pasta_publishes_a_tcp_port_on_host_loopback() {
    publish_and_fetch(Need::Pasta, "pasta");
}

#[test]
fn slirp4netns_publishes_a_tcp_port_on_host_loopback() {
    publish_and_fetch(Need::Slirp, "slirp4netns");
}

/// The host's dynamic loader and libraries, for running a host tool (iperf3) inside the
/// busybox container: `-v /usr:/host-usr:ro`, then this prefix.
const HOST_LOADER: [&str; 3] = [
    "/host-usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    "--library-path",
    "/host-usr/lib/x86_64-linux-gnu",
];

/// UDP through a published `/udp` port, both ways: iperf3 in the container (the host's,
/// through the host's loader) serves, and iperf3 on the host sends and receives (`--bidir`).
fn udp_both_ways(need: Need, network: &str) {
    let Some(env) = env_with(need) else { return };
    let Some(iperf3) = crate::util::find_in_path("iperf3") else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true and iperf3 is missing (run scripts/setup.sh)"
        );
        eprintln!("skipped: iperf3 is not installed (apt install iperf3)");
        return;
    };
    if !std::path::Path::new(HOST_LOADER[0]).exists() {
        eprintln!("skipped: no x86_64 glibc loader at /usr/lib/x86_64-linux-gnu");
        return;
    }
    let port = free_port();
    let mut args: Vec<String> = [
        "run",
        "-d",
        "--network",
        network,
        "-v",
        "/usr:/host-usr:ro",
        "-p",
    ]
    .map(String::from)
    .to_vec();
    args.push(format!("127.0.0.1:{port}:5201/tcp,udp"));
    args.push("busybox".into());
    args.extend(HOST_LOADER.map(String::from));
    args.extend(["/host-usr/bin/iperf3", "-s", "-1"].map(String::from));
    let out = env.berth(&args).output();
    out.success();
    let id = out.stdout().trim().to_string();
    let deadline = Instant::now() + Duration::from_secs(15);
    let report = loop {
        let run = std::process::Command::new(&iperf3)
            .args([
                "-c",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-u",
                "-b",
                "2M",
                "-t",
                "1",
            ])
            .args(["--bidir", "-J", "--connect-timeout", "1000"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&run.stdout).into_owned();
        if run.status.success() {
            break text;
        }
        assert!(Instant::now() < deadline, "iperf3 over UDP failed: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let forward = v["end"]["sum"]["packets"].as_u64().unwrap_or(0);
    let reverse = v["end"]["sum_bidir_reverse"]["packets"]
        .as_u64()
        .unwrap_or(0);
    let lost_back = v["end"]["sum_bidir_reverse"]["lost_packets"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        forward > 0 && reverse > lost_back,
        "datagrams must flow both ways: {}",
        v["end"]
    );
    let _ = env.berth(["rm", "-f", &id]).output();
}

#[test]
fn pasta_publishes_udp_both_ways() {
    udp_both_ways(Need::Pasta, "pasta");
}

#[test]
fn slirp4netns_publishes_udp_both_ways() {
    udp_both_ways(Need::Slirp, "slirp4netns");
}

#[test]
fn empty_host_port_gets_a_free_port_that_port_ps_and_inspect_show() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    let out = env
        .berth([
            "run",
            "-d",
            "--name",
            "web",
            "-p",
            "127.0.0.1::80",
            "-p",
            "127.0.0.1::53/udp",
            "busybox",
            "sleep",
            "60",
        ])
        .output();
    out.success();
    let port = env.berth(["port", "web"]).output();
    port.success();
    let lines = port.stdout_lines();
    port.check(lines.len() == 2, "two published ports");
    let tcp = lines[1]
        .strip_prefix("80/tcp -> 127.0.0.1:")
        .unwrap_or_else(|| port.fail("80/tcp must come second (sorted by port)"));
    let host_port: u16 = tcp.parse().unwrap();
    port.check(host_port != 0, "a real host port was chosen");
    port.check(lines[0].starts_with("53/udp -> 127.0.0.1:"), "the udp port");
    env.berth(["port", "web", "80"])
        .output()
        .success()
        .stdout_eq(&format!("127.0.0.1:{host_port}\n"));
    env.berth(["port", "web", "80/tcp"])
        .output()
        .success()
        .stdout_eq(&format!("127.0.0.1:{host_port}\n"));
    // The port is really published: something listens there.
    TcpStream::connect(("127.0.0.1", host_port)).expect("pasta listens on the chosen port");
    env.berth(["ps"])
        .output()
        .success()
        .stdout_contains(&format!("127.0.0.1:{host_port}->80/tcp"));
    env.berth([
        "inspect",
        "--format",
        "{{json .NetworkSettings.Ports}}",
        "web",
    ])
    .output()
    .success()
    .stdout_contains(&format!(
        "\"80/tcp\":[{{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"{host_port}\"}}]"
    ));
    env.berth(["port", "web", "81"])
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains("failed to find published port \"81\"");
    env.berth(["rm", "-f", "web"]).output().success();
}

#[test]
fn a_taken_host_port_is_an_error_before_the_container_starts() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = env
        .berth([
            "run",
            "--rm",
            "-p",
            &format!("127.0.0.1:{port}:80"),
            "busybox",
            "echo",
            "started",
        ])
        .output();
    out.code(125)
        .stderr_contains(&format!("127.0.0.1:{port}/tcp"))
        .stderr_contains("taken")
        .stdout_lacks("started");
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn network_private_is_the_default_helper() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    env.berth([
        "create",
        "--name",
        "p",
        "--network",
        "private",
        "busybox",
        "true",
    ])
    .output()
    .success();
    env.berth(["inspect", "--format", "{{.HostConfig.NetworkMode}}", "p"])
        .output()
        .success()
        .stdout_eq("pasta\n");
}

#[test]
fn network_none_has_only_loopback() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    env.berth([
        "run",
        "--rm",
        "--network",
        "none",
        "busybox",
        "ls",
        "/sys/class/net",
    ])
    .output()
    .success()
    .stdout_eq("lo\n");
    // The default network has an interface besides lo, with a default route.
    let out = env
        .berth([
            "run",
            "--rm",
            "busybox",
            "sh",
            "-c",
            "ls /sys/class/net; ip route",
        ])
        .output();
    out.success().stdout_contains("default via");
    out.check(out.stdout_lines().len() > 2, "lo and pasta's interface");
}

/// A server on host 127.0.0.1: TCP (reads one line per connection, then closes), and a
/// one-file TFTP server (UDP) on the same port number, recording what reached them.
struct HostServer {
    port: u16,
    thread: std::thread::JoinHandle<(Vec<String>, u32)>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl HostServer {
    fn new() -> HostServer {
        let deadline = Instant::now() + Duration::from_secs(5);
        let (tcp, udp, port) = loop {
            let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = tcp.local_addr().unwrap().port();
            if let Ok(udp) = UdpSocket::bind(("127.0.0.1", port)) {
                break (tcp, udp, port);
            }
            assert!(
                Instant::now() < deadline,
                "no port free for both TCP and UDP"
            );
        };
        tcp.set_nonblocking(true).unwrap();
        udp.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut lines = Vec::new();
            let mut served = 0;
            let mut buf = [0u8; 516];
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok((s, _)) = tcp.accept() {
                    s.set_nonblocking(false).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                    let mut line = String::new();
                    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(s), &mut line);
                    lines.push(line);
                }
                // Every read request gets one block, `udp-ok`.
                if let Ok((n, peer)) = udp.recv_from(&mut buf) {
                    if n > 2 && buf[1] == 1 {
                        served += 1;
                        let mut data = vec![0, 3, 0, 1];
                        data.extend_from_slice(b"udp-ok\n");
                        let _ = udp.send_to(&data, peer);
                    }
                }
            }
            (lines, served)
        });
        HostServer { port, thread, stop }
    }

    /// Stop; the TCP lines and the number of TFTP requests that arrived.
    fn finish(self) -> (Vec<String>, u32) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// The container sends `tcp` over TCP and fetches a file over TFTP (UDP, both ways) from
/// `target:port`; returns the container's output.
fn send_to_host(env: &Env, network: &str, target: &str, port: u16) -> String {
    let script = format!(
        "echo tcp | nc -w 2 {target} {port}; echo tcp-rc=$?; \
         timeout 3 tftp -g -r f -l /tmp/f {target} {port}; cat /tmp/f; echo done"
    );
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            network,
            "busybox",
            "sh",
            "-c",
            &script,
        ])
        .expect_stderr()
        .output();
    out.success();
    out.stdout()
}

#[test]
fn pasta_reaches_host_loopback_only_when_asked() {
    // --map-gw: host.containers.internal (the gateway) is the host's loopback.
    host_loopback_only_when_asked(Need::Pasta, ("pasta", "127.0.0.1"), "pasta:--map-gw");
}

#[test]
fn slirp4netns_reaches_host_loopback_only_when_asked() {
    host_loopback_only_when_asked(
        Need::Slirp,
        ("slirp4netns", "10.0.2.2"),
        "slirp4netns:allow_host_loopback=true",
    );
}

/// With the helper's default network the container reaches no host loopback at `target`
/// (TCP and UDP); with `opt_in` it reaches the host's 127.0.0.1 at
/// host.containers.internal.
fn host_loopback_only_when_asked(need: Need, (default, target): (&str, &str), opt_in: &str) {
    let Some(env) = env_with(need) else {
        return;
    };
    let server = HostServer::new();
    let out = send_to_host(&env, default, target, server.port);
    assert!(
        out.contains("tcp-rc=1"),
        "the default must not connect: {out}"
    );
    assert!(
        !out.contains("udp-ok"),
        "the default must not reach the host over UDP: {out}"
    );
    let out = send_to_host(&env, opt_in, "host.containers.internal", server.port);
    assert!(out.contains("tcp-rc=0"), "the opt-in must connect: {out}");
    assert!(
        out.contains("udp-ok"),
        "the opt-in must reach the host over UDP: {out}"
    );
    let (lines, requests) = server.finish();
    assert_eq!(lines, vec!["tcp\n"], "one TCP message, from the opt-in");
    assert_eq!(requests, 1, "one TFTP request, from the opt-in");
}

#[test]
fn hosts_and_resolv_conf_follow_the_flags() {
    let Some(env) = env_with(Need::Slirp) else {
        return;
    };
    let out = env
        .berth([
            "run",
            "--rm",
            "--name",
            "named",
            "--hostname",
            "box",
            "--network",
            "slirp4netns",
            "--add-host",
            "db:10.1.2.3",
            "--dns",
            "192.0.2.53",
            "--dns-search",
            "example.com",
            "--dns-option",
            "ndots:2",
            "busybox",
            "cat",
            "/etc/hosts",
            "/etc/resolv.conf",
        ])
        .output();
    out.success()
        .stdout_contains("10.1.2.3\tdb\n")
        .stdout_contains("10.0.2.2\thost.containers.internal\n")
        .stdout_contains("10.0.2.100\tbox named\n")
        .stdout_contains("127.0.0.1\tlocalhost")
        .stdout_contains("search example.com\nnameserver 192.0.2.53\noptions ndots:2\n");
    // Without --dns, slirp4netns' own DNS comes first.
    env.berth([
        "run",
        "--rm",
        "--network",
        "slirp4netns",
        "busybox",
        "cat",
        "/etc/resolv.conf",
    ])
    .output()
    .success()
    .stdout_contains("nameserver 10.0.2.3\n");
}

#[test]
fn bad_network_flags_are_one_line_errors() {
    let Some(env) = Env::cli() else { return };
    for args in [
        vec!["run", "--network", "bridge0x", "busybox"],
        vec!["run", "-p", "80:80:80:80", "busybox"],
        vec!["run", "--network", "none", "-p", "8080:80", "busybox"],
        vec!["run", "--network", "slirp4netns:mtu=1", "busybox"],
        vec!["run", "--add-host", "nohost", "busybox"],
        vec!["run", "--dns", "not-an-ip", "busybox"],
        vec!["run", "--network", "ns:run/netns/x", "busybox"],
    ] {
        env.berth(&args).output().code(125).stderr_is_one_error();
    }
}

#[test]
fn network_container_shares_the_other_containers_interfaces() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    let port = free_port();
    let id = serve_http(&env, "pasta", &format!("127.0.0.1:{port}:80"));
    http_get(port);
    // The second container reaches the first one's server on its own loopback, sees the
    // same interfaces, and gets its hosts file.
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            &format!("container:{}", &id[..12]),
            "busybox",
            "sh",
            "-c",
            "wget -qO- http://127.0.0.1/; ls /sys/class/net; cat /etc/hosts",
        ])
        .output();
    out.success()
        .stdout_contains(&format!("hello from {}", &id[..12]));
    let theirs = env.berth(["exec", &id, "ls", "/sys/class/net"]).output();
    theirs.success();
    out.stdout_contains(&theirs.stdout());
    out.stdout_contains(&format!("\t{} ", &id[..12]));
    // A restart joins the same network again, as the first start did.
    let joined = env
        .berth([
            "run",
            "-d",
            "--network",
            &format!("container:{}", &id[..12]),
            "busybox",
            "sleep",
            "300",
        ])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    env.berth(["restart", "-t", "0", &joined])
        .output()
        .success();
    env.berth(["exec", &joined, "wget", "-qO-", "http://127.0.0.1/"])
        .output()
        .success()
        .stdout_contains(&format!("hello from {}", &id[..12]));
    env.berth(["rm", "-f", &joined]).output().success();
    env.berth(["rm", "-f", &id]).output().success();
    // A container that is not running has no network to join.
    env.berth(["create", "--name", "idle", "busybox", "true"])
        .output()
        .success();
    env.berth([
        "run",
        "--rm",
        "--network",
        "container:idle",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains("not running");
}

#[test]
fn network_ns_path_joins_a_berth_containers_namespace() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    let port = free_port();
    let id = serve_http(&env, "pasta", &format!("127.0.0.1:{port}:80"));
    http_get(port);
    let pid = env
        .berth(["inspect", "--format", "{{.State.Pid}}", &id])
        .output()
        .success()
        .stdout()
        .trim()
        .to_string();
    let path = format!("ns:/proc/{pid}/ns/net");
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            &path,
            "busybox",
            "sh",
            "-c",
            "wget -qO- http://127.0.0.1/; ls /sys/class/net",
        ])
        .output();
    out.success()
        .stdout_contains(&format!("hello from {}", &id[..12]));
    let theirs = env.berth(["exec", &id, "ls", "/sys/class/net"]).output();
    theirs.success();
    out.stdout_contains(&theirs.stdout());
    // The mode is recorded as podman shows it, and a later start joins again.
    env.berth([
        "create",
        "--name",
        "later",
        "--network",
        &path,
        "busybox",
        "wget",
        "-qO-",
        "http://127.0.0.1/",
    ])
    .output()
    .success();
    env.berth([
        "inspect",
        "--format",
        "{{.HostConfig.NetworkMode}}",
        "later",
    ])
    .output()
    .success()
    .stdout_eq(&format!("{}\n", &path));
    env.berth(["start", "-a", "later"])
        .output()
        .success()
        .stdout_contains("hello from");
    env.berth(["rm", "-f", &id]).output().success();
    // Gone with its container: a clear error, not a half-made container.
    env.berth(["run", "--rm", "--network", &path, "busybox", "true"])
        .output()
        .code(125)
        .stderr_is_one_error()
        .stderr_contains(&path);
}

#[test]
fn network_ns_path_outside_berths_namespaces_is_refused() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    // The host's own network: berth has no privilege there, and says what to use instead.
    env.berth([
        "run",
        "--rm",
        "--network",
        "ns:/proc/self/ns/net",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_contains("host's user namespace")
    .stderr_contains("--network host");
    // Not a network namespace at all.
    env.berth([
        "run",
        "--rm",
        "--network",
        "ns:/proc/self/ns/user",
        "busybox",
        "true",
    ])
    .output()
    .code(125)
    .stderr_is_one_error()
    .stderr_contains("not a network namespace");
    // A namespace the user made with unshare(1): its user namespace maps only the user.
    let unshare = crate::util::find_in_path("unshare").expect("unshare (util-linux)");
    let other = env
        .as_user(
            &unshare,
            ["--user", "--map-root-user", "--net", "sleep", "60"],
        )
        .spawn();
    let pid = other.pid();
    let mine = std::fs::read_link("/proc/self/ns/net").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_link(format!("/proc/{pid}/ns/net")).is_ok_and(|l| l == mine) {
        assert!(
            Instant::now() < deadline,
            "unshare never made its namespace"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            &format!("ns:/proc/{pid}/ns/net"),
            "busybox",
            "true",
        ])
        .output();
    other.signal(nix::sys::signal::Signal::SIGKILL);
    let _ = other.wait();
    out.code(125)
        .stderr_contains("no running berth container holds");
}

#[test]
fn restarted_and_started_containers_publish_again() {
    let Some(env) = env_with(Need::Pasta) else {
        return;
    };
    let port = free_port();
    // The first run fails once (the restart policy brings it back), the second serves.
    let script = "if [ -f /second ]; then exec httpd -f -p 80 -h /www; fi; \
                  mkdir /www; echo again > /www/index.html; touch /second; exit 1";
    let out = env
        .berth([
            "run",
            "-d",
            "--name",
            "web",
            "--restart",
            "on-failure:1",
            "-p",
            &format!("127.0.0.1:{port}:80"),
            "busybox",
            "sh",
            "-c",
            script,
        ])
        .output();
    out.success();
    assert!(http_get(port).contains("again"), "served after the restart");
    // (The server ignores SIGTERM: stop warns that it used SIGKILL.)
    env.berth(["stop", "-t", "1", "web"])
        .expect_stderr()
        .output()
        .success();
    env.berth(["start", "web"]).output().success();
    assert!(
        http_get(port).contains("again"),
        "served after stop and start"
    );
    env.berth(["rm", "-f", "web"]).output().success();
}
