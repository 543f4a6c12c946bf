//! Rootless networking: pasta and slirp4netns, published ports (`-p`, `berth port`), host
//! loopback access, `--network none|container:`, and the generated /etc files. Traffic goes
//! only to 127.0.0.1 on the host and to addresses inside the namespaces the tests make.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::util::{require, Env, Need};

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

/// GET / from 127.0.0.1:port, retrying while the server in the container starts (the helper
/// accepts on the host before the container listens, then drops the connection).
fn http_get(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempt = (|| -> std::io::Result<String> {
            let mut s = TcpStream::connect(("127.0.0.1", port))?;
            s.set_read_timeout(Some(Duration::from_secs(2)))?;
            s.write_all(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")?;
            let mut body = String::new();
            s.read_to_string(&mut body)?;
            Ok(body)
        })();
        match attempt {
            Ok(body) if body.contains("200") => return body,
            other => {
                assert!(
                    Instant::now() < deadline,
                    "no HTTP answer on 127.0.0.1:{port}: {other:?}"
                );
                std::thread::sleep(Duration::from_millis(25));
            }
        }
    }
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
    // The helper went with the container: the host port is free again.
    TcpListener::bind(("127.0.0.1", port)).expect("the host port must be released after rm");
}

#[test]
fn pasta_publishes_a_tcp_port_on_host_loopback() {
    publish_and_fetch(Need::Pasta, "pasta");
}

#[test]
fn slirp4netns_publishes_a_tcp_port_on_host_loopback() {
    publish_and_fetch(Need::Slirp, "slirp4netns");
}

/// A datagram to the published port reaches the container's `nc -u -l`, and its answer comes
/// back to the sender.
fn udp_both_ways(need: Need, network: &str) {
    let Some(env) = env_with(need) else { return };
    let port = free_port();
    let out = env
        .berth([
            "run",
            "-d",
            "--network",
            network,
            "-p",
            &format!("127.0.0.1:{port}:5353/udp"),
            "busybox",
            "sh",
            "-c",
            "echo pong | nc -u -l -p 5353",
        ])
        .output();
    out.success();
    let id = out.stdout().trim().to_string();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 64];
    let answer = loop {
        sock.send_to(b"ping\n", ("127.0.0.1", port)).unwrap();
        if let Ok((n, _)) = sock.recv_from(&mut buf) {
            break String::from_utf8_lossy(&buf[..n]).into_owned();
        }
        assert!(Instant::now() < deadline, "no UDP answer from the container");
    };
    assert_eq!(answer, "pong\n");
    let logs = env.berth(["logs", &id]).output();
    logs.success().stdout_contains("ping");
    env.berth(["rm", "-f", &id]).output().success();
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
    let Some(env) = env_with(Need::Pasta) else { return };
    let out = env
        .berth([
            "run", "-d", "--name", "web", "-p", "127.0.0.1::80", "-p", "127.0.0.1::53/udp",
            "busybox", "sleep", "60",
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
    env.berth(["inspect", "--format", "{{json .NetworkSettings.Ports}}", "web"])
        .output()
        .success()
        .stdout_contains(&format!(
            "\"80/tcp\":[{{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"{host_port}\"}}]"
        ));
    env.berth(["port", "web", "81"]).output().code(125).stderr_is_one_error();
    env.berth(["rm", "-f", "web"]).output().success();
}

#[test]
fn a_taken_host_port_is_an_error_before_the_container_starts() {
    let Some(env) = env_with(Need::Pasta) else { return };
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = env
        .berth([
            "run", "--rm", "-p", &format!("127.0.0.1:{port}:80"), "busybox", "echo", "started",
        ])
        .output();
    out.code(125)
        .stderr_contains(&format!("127.0.0.1:{port}/tcp"))
        .stderr_contains("taken")
        .stdout_lacks("started");
    env.berth(["ps", "-a", "-q"]).output().success().stdout_eq("");
}

#[test]
fn network_none_has_only_loopback() {
    let Some(env) = env_with(Need::Pasta) else { return };
    env.berth(["run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net"])
        .output()
        .success()
        .stdout_eq("lo\n");
    // The default network has an interface besides lo, with a default route.
    let out = env
        .berth(["run", "--rm", "busybox", "sh", "-c", "ls /sys/class/net; ip route"])
        .output();
    out.success().stdout_contains("default via");
    out.check(out.stdout_lines().len() > 2, "lo and pasta's interface");
}

/// A server on host 127.0.0.1: TCP and UDP on the same port number.
struct HostServer {
    tcp: TcpListener,
    udp: UdpSocket,
    port: u16,
}

impl HostServer {
    fn new() -> HostServer {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = tcp.local_addr().unwrap().port();
            if let Ok(udp) = UdpSocket::bind(("127.0.0.1", port)) {
                tcp.set_nonblocking(true).unwrap();
                udp.set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                return HostServer { tcp, udp, port };
            }
            assert!(Instant::now() < deadline, "no port free for both TCP and UDP");
        }
    }

    /// What arrived over TCP (one connection), if any.
    fn tcp_message(&self) -> Option<String> {
        let (mut s, _) = self.tcp.accept().ok()?;
        s.set_nonblocking(false).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        Some(text)
    }

    fn udp_message(&self) -> Option<String> {
        let mut buf = [0u8; 64];
        let (n, _) = self.udp.recv_from(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).into_owned())
    }
}

/// The container sends `tcp` and `udp` to `target:port`; returns the container's output.
fn send_to_host(env: &Env, network: &str, target: &str, port: u16) -> String {
    let script = format!(
        "echo tcp | nc -w 2 {target} {port}; echo tcp-rc=$?; echo udp | nc -u -w 1 {target} {port}; echo done"
    );
    let out = env
        .berth(["run", "--rm", "--network", network, "busybox", "sh", "-c", &script])
        .output();
    out.success();
    out.stdout()
}

#[test]
fn pasta_reaches_host_loopback_only_when_asked() {
    let Some(env) = env_with(Need::Pasta) else { return };
    let server = HostServer::new();
    // Default: the container's 127.0.0.1 is its own, and no address maps to the host's.
    let out = send_to_host(&env, "pasta", "127.0.0.1", server.port);
    assert!(out.contains("tcp-rc=1"), "the default must not connect: {out}");
    assert_eq!(server.tcp_message(), None, "nothing may reach the host server");
    assert_eq!(server.udp_message(), None, "no datagram may reach the host server");
    // --map-gw: host.containers.internal (the gateway) is the host's loopback.
    let out = send_to_host(&env, "pasta:--map-gw", "host.containers.internal", server.port);
    assert!(out.contains("tcp-rc=0"), "the opt-in must connect: {out}");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.tcp_message().as_deref(), Some("tcp\n"));
    assert_eq!(server.udp_message().as_deref(), Some("udp\n"));
}

#[test]
fn slirp4netns_reaches_host_loopback_only_when_asked() {
    let Some(env) = env_with(Need::Slirp) else { return };
    let server = HostServer::new();
    let out = send_to_host(&env, "slirp4netns", "10.0.2.2", server.port);
    assert!(out.contains("tcp-rc=1"), "the default must not connect: {out}");
    assert_eq!(server.tcp_message(), None, "nothing may reach the host server");
    assert_eq!(server.udp_message(), None, "no datagram may reach the host server");
    let out = send_to_host(
        &env,
        "slirp4netns:allow_host_loopback=true",
        "host.containers.internal",
        server.port,
    );
    assert!(out.contains("tcp-rc=0"), "the opt-in must connect: {out}");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(server.tcp_message().as_deref(), Some("tcp\n"));
    assert_eq!(server.udp_message().as_deref(), Some("udp\n"));
}

#[test]
fn hosts_and_resolv_conf_follow_the_flags() {
    let Some(env) = env_with(Need::Slirp) else { return };
    let out = env
        .berth([
            "run", "--rm", "--name", "named", "--hostname", "box", "--network", "slirp4netns",
            "--add-host", "db:10.1.2.3", "--dns", "192.0.2.53", "--dns-search", "example.com",
            "--dns-option", "ndots:2", "busybox", "cat", "/etc/hosts", "/etc/resolv.conf",
        ])
        .output();
    out.success()
        .stdout_contains("10.1.2.3\tdb\n")
        .stdout_contains("10.0.2.2\thost.containers.internal\n")
        .stdout_contains("10.0.2.100\tbox named\n")
        .stdout_contains("127.0.0.1\tlocalhost")
        .stdout_contains("search example.com\nnameserver 192.0.2.53\noptions ndots:2\n");
    // Without --dns, slirp4netns' own DNS comes first.
    env.berth(["run", "--rm", "--network", "slirp4netns", "busybox", "cat", "/etc/resolv.conf"])
        .output()
        .success()
        .stdout_contains("nameserver 10.0.2.3\n");
    // /etc/hosts resolves inside the container.
    env.berth([
        "run", "--rm", "--network", "slirp4netns", "--add-host", "db:10.1.2.3", "busybox",
        "nslookup", "db",
    ])
    .output()
    .success()
    .stdout_contains("10.1.2.3");
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
    ] {
        env.berth(&args).output().code(125).stderr_is_one_error();
    }
}
