//! pasta (from passt): the default rootless network. It copies the host's addresses and
//! routes into the container's namespace (`--config-net`) and forwards published ports with
//! its own sockets.
//!
//! How berth runs it: S opens C's `/proc/PID/ns/net` and passes it as
//! `--netns /proc/self/fd/N`. pasta drops its capabilities early, and a process with fewer
//! capabilities than C may not open C's namespace files itself (the ptrace access check), so
//! the descriptor is opened for it. pasta stays in the foreground (`-f`) as S's child, and
//! its pid file is a FIFO: pasta writes its pid once the namespace is configured, which is
//! the readiness signal (no sleeps, no polling of files).

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsFd;
use std::path::Path;

use super::{Helper, NetError, Pending};
use crate::spec::PastaOptions;
use crate::spec::{PortMapping, Protocol};

/// podman's address for pasta's DNS forwarder.
pub const DNS_FORWARD: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 1);

impl PastaOptions {
    /// Parse what follows `pasta:` — comma-separated pasta options, as podman takes them.
    pub fn parse(text: &str) -> PastaOptions {
        let mut opts = PastaOptions::default();
        for arg in text.split(',').filter(|a| !a.is_empty()) {
            if arg == "--map-gw" {
                opts.map_gw = true;
            } else {
                opts.args.push(arg.to_string());
            }
        }
        opts
    }

    pub fn has(&self, short: &str, long: &str) -> bool {
        self.args.iter().any(|a| {
            a == short || a == long || a.starts_with(&format!("{long}=")) || {
                a.starts_with(short) && short.len() == 2 && a.len() > 2 && !a.starts_with("--")
            }
        })
    }
}

/// pasta's port spec for one mapping: `[ADDR/]HOST[-END]:CTR[-END]`.
fn port_spec(m: &PortMapping) -> String {
    let range = |start: u16| {
        if m.range == 1 {
            start.to_string()
        } else {
            format!("{start}-{}", start + m.range - 1)
        }
    };
    let addr = m.host_ip.map(|ip| format!("{ip}/")).unwrap_or_default();
    format!("{addr}{}:{}", range(m.host_port), range(m.container_port))
}

/// pasta's command line (without the program name).
pub fn args(
    opts: &PastaOptions,
    ports: &[PortMapping],
    netns: &str,
    pid_file: &Path,
    dns_forward: bool,
) -> Vec<String> {
    let mut a: Vec<String> = vec!["--config-net".into(), "-f".into(), "-q".into()];
    for (proto, short, long) in [
        (Protocol::Tcp, "-t", "--tcp-ports"),
        (Protocol::Udp, "-u", "--udp-ports"),
    ] {
        let mine: Vec<&PortMapping> = ports.iter().filter(|p| p.protocol == proto).collect();
        for m in &mine {
            a.push(short.into());
            a.push(port_spec(m));
        }
        if mine.is_empty() && !opts.has(short, long) {
            a.push(short.into());
            a.push("none".into());
        }
    }
    // No forwarding from the container's ports into the host's namespace, as podman.
    for (short, long) in [("-T", "--tcp-ns"), ("-U", "--udp-ns")] {
        if !opts.has(short, long) {
            a.push(short.into());
            a.push("none".into());
        }
    }
    if !opts.map_gw && !opts.args.iter().any(|x| x == "--no-map-gw") {
        a.push("--no-map-gw".into());
    }
    if dns_forward && !opts.has("", "--dns-forward") {
        a.push("--dns-forward".into());
        a.push(DNS_FORWARD.to_string());
    }
    a.extend(opts.args.iter().cloned());
    a.push("--pid".into());
    a.push(pid_file.display().to_string());
    a.push("--netns".into());
    a.push(netns.to_string());
    a
}

/// The addresses a pasta container sees: the host's own address, the host's gateway, and
/// `host.containers.internal` on the gateway when it reaches the host (`--map-gw`), or else
/// on another host address than the one pasta copies into the container.
pub fn addressing(
    opts: &PastaOptions,
    host: &super::HostNet,
    dns_forward: bool,
) -> super::Addressing {
    let host_internal = if opts.map_gw {
        host.gateway
    } else {
        host.addresses
            .iter()
            .copied()
            .find(|a| Some(*a) != host.address)
    };
    super::Addressing {
        container_ip: host.address.map(IpAddr::V4),
        host_internal: host_internal.map(IpAddr::V4),
        resolver: if dns_forward {
            super::etc::Resolver::PastaForward(IpAddr::V4(DNS_FORWARD))
        } else {
            super::etc::Resolver::Host
        },
    }
}

/// Start pasta for the container whose init is `pid`; `Pending::wait` waits until the
/// container's network is up.
pub fn start(
    opts: &PastaOptions,
    ports: &[PortMapping],
    pid: i32,
    dir: &Path,
    dns_forward: bool,
) -> Result<Pending, NetError> {
    let netns = super::open_netns(pid)?;
    start_in(opts, ports, netns.as_fd(), dir, dns_forward)
}

/// Start pasta for the network namespace `netns` (which the container joins or is in).
pub fn start_in(
    opts: &PastaOptions,
    ports: &[PortMapping],
    netns: std::os::fd::BorrowedFd<'_>,
    dir: &Path,
    dns_forward: bool,
) -> Result<Pending, NetError> {
    let program = super::find_tool("pasta").ok_or(NetError::Missing("pasta"))?;
    super::fresh_dir(dir)?;
    let fifo = dir.join("pasta.pid");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).map_err(|e| {
        NetError::File {
            what: "pasta's pid FIFO",
            path: fifo.clone(),
            source: e.into(),
        }
    })?;
    // Read end first, non-blocking, so pasta's open for writing does not wait.
    let ready = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .map_err(|source| NetError::File {
                what: "pasta's pid FIFO",
                path: fifo.clone(),
                source,
            })?
    };
    let mut cmd = std::process::Command::new(program);
    cmd.args(args(
        opts,
        ports,
        &super::self_fd_path(netns),
        &fifo,
        dns_forward,
    ));
    let log = dir.join("pasta.log");
    let child = super::spawn("pasta", &mut cmd, &[netns], &log, false)?;
    Ok(Pending {
        helper: Helper {
            tool: "pasta",
            child,
            _keep: Vec::new(),
            dir: dir.to_path_buf(),
        },
        ready: ready.into(),
        log,
        hostfwd: None,
        routes: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ports::parse_publish;

    #[test]
    fn options_split_and_map_gw_is_ours() {
        let o = PastaOptions::parse("--mtu,1500,--map-gw,-4");
        assert!(o.map_gw);
        assert_eq!(o.args, vec!["--mtu", "1500", "-4"]);
        assert_eq!(PastaOptions::parse(""), PastaOptions::default());
    }

    #[test]
    fn command_line() {
        let mut ports = parse_publish("127.0.0.1:8080:80").unwrap();
        ports.extend(parse_publish("9000-9001:90-91/udp").unwrap());
        let a = args(
            &PastaOptions::default(),
            &ports,
            "/proc/self/fd/5",
            Path::new("/run/p.pid"),
            false,
        );
        assert_eq!(
            a.join(" "),
            "--config-net -f -q -t 127.0.0.1/8080:80 -u 9000-9001:90-91 -T none -U none \
             --no-map-gw --pid /run/p.pid --netns /proc/self/fd/5"
        );
        let o = PastaOptions::parse("--map-gw,-T,auto");
        let a = args(&o, &[], "/n", Path::new("/p"), true).join(" ");
        assert_eq!(
            a,
            "--config-net -f -q -t none -u none -U none --dns-forward 169.254.1.1 -T auto --pid /p --netns /n"
        );
    }

    #[test]
    fn host_internal_rule() {
        let host = super::super::HostNet {
            gateway: Some(Ipv4Addr::new(192, 0, 2, 1)),
            address: Some(Ipv4Addr::new(192, 0, 2, 2)),
            addresses: vec![Ipv4Addr::new(192, 0, 2, 2), Ipv4Addr::new(10, 9, 0, 1)],
        };
        let a = addressing(&PastaOptions::default(), &host, false);
        assert_eq!(a.container_ip, Some("192.0.2.2".parse().unwrap()));
        assert_eq!(a.host_internal, Some("10.9.0.1".parse().unwrap()));
        let a = addressing(&PastaOptions::parse("--map-gw"), &host, true);
        assert_eq!(a.host_internal, Some("192.0.2.1".parse().unwrap()));
        assert_eq!(
            a.resolver,
            crate::net::etc::Resolver::PastaForward("169.254.1.1".parse().unwrap())
        );
        let single = super::super::HostNet {
            addresses: vec![Ipv4Addr::new(192, 0, 2, 2)],
            ..host
        };
        assert_eq!(
            addressing(&PastaOptions::default(), &single, false).host_internal,
            None
        );
    }
}
