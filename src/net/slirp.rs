//! slirp4netns: the rootless network when pasta is not installed (or asked for). It runs as
//! S's child in the host's network namespace, enters C's namespace to create `tap0`, and
//! reports readiness on `--ready-fd`; it exits when `--exit-fd` closes (when berth stops it
//! or dies). Published ports are added over its API socket (`add_hostfwd`), podman's
//! `port_handler=slirp4netns`.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::{Helper, NetError, Pending};
use crate::spec::PortMapping;
use crate::spec::SlirpOptions;

/// A `slirp4netns:` option berth cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid slirp4netns option `{option}`: {reason}")]
pub struct SlirpOptionError {
    pub option: String,
    pub reason: &'static str,
}

impl SlirpOptions {
    /// Parse what follows `slirp4netns:`: `key=value` pairs separated by commas.
    pub fn parse(text: &str) -> Result<SlirpOptions, SlirpOptionError> {
        let mut o = SlirpOptions::default();
        for opt in text.split(',').filter(|s| !s.is_empty()) {
            let err = |reason| SlirpOptionError {
                option: opt.to_string(),
                reason,
            };
            let (key, value) = opt
                .split_once('=')
                .ok_or_else(|| err("expected KEY=VALUE"))?;
            let boolean = || match value {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(err("expected true or false")),
            };
            match key {
                "allow_host_loopback" => o.allow_host_loopback = boolean()?,
                "enable_ipv6" => o.enable_ipv6 = boolean()?,
                "mtu" => {
                    o.mtu = value
                        .parse()
                        .ok()
                        .filter(|m| (68..=65521).contains(m))
                        .ok_or_else(|| err("the MTU must be a number from 68 to 65521"))?;
                }
                "cidr" => {
                    o.cidr = parse_cidr(value)
                        .ok_or_else(|| err("expected an IPv4 network such as 10.5.0.0/24, with a prefix of 25 bits or fewer"))?;
                }
                "outbound_addr" => o.outbound_addr = Some(value.to_string()),
                "outbound_addr6" => o.outbound_addr6 = Some(value.to_string()),
                "port_handler" => match value {
                    "slirp4netns" => {}
                    "rootlesskit" => {
                        return Err(err(
                            "the rootlesskit port handler is not supported yet; use port_handler=slirp4netns (the default in berth)",
                        ))
                    }
                    _ => return Err(err("expected slirp4netns")),
                },
                _ => return Err(err("unknown option (berth knows allow_host_loopback, cidr, enable_ipv6, mtu, outbound_addr, outbound_addr6, port_handler)")),
            }
        }
        Ok(o)
    }

    fn host(&self, n: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.cidr.0) + n)
    }

    /// The gateway: the host as the container sees it.
    pub fn gateway(&self) -> Ipv4Addr {
        self.host(2)
    }

    /// slirp4netns' built-in DNS forwarder.
    pub fn dns(&self) -> Ipv4Addr {
        self.host(3)
    }

    /// The container's address (slirp4netns `--configure` gives .100).
    pub fn container_ip(&self) -> Ipv4Addr {
        self.host(100)
    }

    /// The addresses a slirp4netns container sees; `host.containers.internal` is the
    /// gateway, as podman has it.
    pub fn addressing(&self) -> super::Addressing {
        super::Addressing {
            container_ip: Some(IpAddr::V4(self.container_ip())),
            host_internal: Some(IpAddr::V4(self.gateway())),
            resolver: super::etc::Resolver::Slirp(IpAddr::V4(self.dns())),
        }
    }

    /// slirp4netns' command line, without the program name.
    pub fn args(&self, pid: i32, api: &Path, ready_fd: i32, exit_fd: i32) -> Vec<String> {
        let mut a = vec![
            "--configure".to_string(),
            format!("--mtu={}", self.mtu),
            "--enable-sandbox".into(),
            "--enable-seccomp".into(),
        ];
        if !self.allow_host_loopback {
            a.push("--disable-host-loopback".into());
        }
        if self.cidr != SlirpOptions::default().cidr {
            a.push(format!("--cidr={}/{}", self.cidr.0, self.cidr.1));
        }
        if self.enable_ipv6 {
            a.push("--enable-ipv6".into());
        }
        if let Some(addr) = &self.outbound_addr {
            a.push(format!("--outbound-addr={addr}"));
        }
        if let Some(addr) = &self.outbound_addr6 {
            a.push(format!("--outbound-addr6={addr}"));
        }
        a.push(format!("--api-socket={}", api.display()));
        a.push(format!("--ready-fd={ready_fd}"));
        a.push(format!("--exit-fd={exit_fd}"));
        a.push(pid.to_string());
        a.push("tap0".into());
        a
    }
}

/// `A.B.C.D/N` with room for the .100 container address.
fn parse_cidr(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (ip, bits) = text.split_once('/')?;
    let ip: Ipv4Addr = ip.parse().ok()?;
    let bits: u8 = bits.parse().ok().filter(|b| (1..=25).contains(b))?;
    let mask = u32::MAX << (32 - bits);
    Some((Ipv4Addr::from(u32::from(ip) & mask), bits))
}

/// The `add_hostfwd` request for one port.
pub fn hostfwd_request(m: &PortMapping, host_port: u16, ctr_port: u16) -> serde_json::Value {
    serde_json::json!({
        "execute": "add_hostfwd",
        "arguments": {
            "proto": m.protocol.name(),
            "host_addr": m.host_ip.map_or_else(|| "0.0.0.0".to_string(), |i| i.to_string()),
            "host_port": host_port,
            "guest_port": ctr_port,
        }
    })
}

/// Start slirp4netns for the container whose init is `pid`; `Pending::wait` waits until
/// `tap0` is up and publishes the ports.
pub fn start(
    opts: &SlirpOptions,
    ports: &[PortMapping],
    pid: i32,
    dir: &Path,
) -> Result<Pending, NetError> {
    if let Some(m) = ports
        .iter()
        .find(|m| m.host_ip.is_some_and(|ip| ip.is_ipv6()))
    {
        return Err(NetError::Forward {
            port: format!("[{}]:{}", m.host_ip_text(), m.host_port),
            message: "slirp4netns publishes IPv4 addresses only; use pasta for IPv6".into(),
        });
    }
    let api = dir.join("slirp.sock");
    launch(dir, false, |ready, exit| opts.args(pid, &api, ready, exit)).map(|p| Pending {
        hostfwd: Some((api.clone(), ports.to_vec())),
        ..p
    })
}

/// Start slirp4netns as the outside link of the user networks' namespace, held by process
/// `holder`: no API socket or published ports (the holder's forwarder publishes ports), the
/// host's loopback reachable at the gateway as through pasta, and it outlives berth (the
/// holder stops it). `Pending::wait`, then `Helper::detach`.
///
/// It runs as the user in the host's namespaces, where `--enable-sandbox` cannot work (it
/// needs root in a user namespace to make its mount namespace); its seccomp filter stays.
pub fn start_for_holder(holder: i32, dir: &Path) -> Result<Pending, NetError> {
    launch(dir, true, |ready, _exit| {
        vec![
            "--configure".to_string(),
            "--mtu=65520".into(),
            "--enable-seccomp".into(),
            format!("--ready-fd={ready}"),
            format!("--userns-path=/proc/{holder}/ns/user"),
            "--netns-type=path".into(),
            holder_netns(holder),
            "tap0".into(),
        ]
    })
}

/// The netns argument of the holder's slirp4netns, by which its command line is known.
pub fn holder_netns(holder: i32) -> String {
    format!("/proc/{holder}/ns/net")
}

/// Spawn slirp4netns with the arguments `args(ready_fd, exit_fd)` gives; a `daemon` gets no
/// exit descriptor (-1) and outlives berth.
fn launch(
    dir: &Path,
    daemon: bool,
    args: impl FnOnce(i32, i32) -> Vec<String>,
) -> Result<Pending, NetError> {
    let program = super::find_tool("slirp4netns").ok_or(NetError::Missing("slirp4netns"))?;
    super::fresh_dir(dir)?;
    let pipe = || {
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| NetError::Spawn {
            tool: "slirp4netns",
            source: e.into(),
        })
    };
    let (ready_r, ready_w) = pipe()?;
    // The exit pipe: slirp4netns goes when berth closes its end (a daemon has none).
    let exit = if daemon { None } else { Some(pipe()?) };
    let mut cmd = std::process::Command::new(program);
    use std::os::fd::AsRawFd;
    cmd.args(args(
        ready_w.as_raw_fd(),
        exit.as_ref().map_or(-1, |(r, _)| r.as_raw_fd()),
    ));
    let log = dir.join("slirp4netns.log");
    let mut keep = vec![ready_w.as_fd()];
    keep.extend(exit.as_ref().map(|(r, _)| r.as_fd()));
    let child = super::spawn("slirp4netns", &mut cmd, &keep, &log, daemon)?;
    Ok(Pending {
        helper: Helper {
            tool: "slirp4netns",
            child,
            _keep: exit.map(|(_, w)| w).into_iter().collect(),
            dir: dir.to_path_buf(),
        },
        ready: ready_r,
        log,
        hostfwd: None,
        routes: None,
    })
}

/// Publish `ports` over the API socket of a ready slirp4netns.
pub fn publish(api: &Path, ports: &[PortMapping]) -> Result<(), NetError> {
    for m in ports {
        for (host_port, ctr_port) in m.pairs() {
            let reply = api_call(api, &hostfwd_request(m, host_port, ctr_port))?;
            if let Some(e) = reply.get("error") {
                let desc = e
                    .get("desc")
                    .and_then(|d| d.as_str())
                    .unwrap_or("refused")
                    .to_string();
                return Err(NetError::Forward {
                    port: format!("{}:{host_port}/{}", m.host_ip_text(), m.protocol.name()),
                    message: desc,
                });
            }
        }
    }
    Ok(())
}

/// One request on the API socket: send, half-close, read the reply.
fn api_call(path: &Path, request: &serde_json::Value) -> Result<serde_json::Value, NetError> {
    let io = |source| NetError::Api {
        path: path.to_path_buf(),
        source,
    };
    let mut s = UnixStream::connect(path).map_err(io)?;
    s.write_all(request.to_string().as_bytes()).map_err(io)?;
    s.shutdown(std::net::Shutdown::Write).map_err(io)?;
    let mut reply = String::new();
    s.read_to_string(&mut reply).map_err(io)?;
    serde_json::from_str(&reply)
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let o = SlirpOptions::parse("").unwrap();
        assert_eq!(o, SlirpOptions::default());
        let o = SlirpOptions::parse(
            "allow_host_loopback=true,mtu=1500,cidr=10.5.0.7/24,enable_ipv6=true,outbound_addr=eth0,port_handler=slirp4netns",
        )
        .unwrap();
        assert!(o.allow_host_loopback && o.enable_ipv6);
        assert_eq!(o.mtu, 1500);
        assert_eq!(o.cidr, (Ipv4Addr::new(10, 5, 0, 0), 24));
        assert_eq!(o.gateway(), Ipv4Addr::new(10, 5, 0, 2));
        assert_eq!(o.dns(), Ipv4Addr::new(10, 5, 0, 3));
        assert_eq!(o.container_ip(), Ipv4Addr::new(10, 5, 0, 100));
        for bad in [
            "mtu=1",
            "cidr=10.0.0.0/30",
            "allow_host_loopback=yes",
            "port_handler=rootlesskit",
            "nope=1",
            "mtu",
        ] {
            let e = SlirpOptions::parse(bad).unwrap_err();
            assert_eq!(e.option, bad);
        }
    }

    #[test]
    fn command_line_and_requests() {
        let o = SlirpOptions::default();
        assert_eq!(
            o.args(42, Path::new("/r/s.sock"), 5, 6).join(" "),
            "--configure --mtu=65520 --enable-sandbox --enable-seccomp --disable-host-loopback \
             --api-socket=/r/s.sock --ready-fd=5 --exit-fd=6 42 tap0"
        );
        let o = SlirpOptions::parse("allow_host_loopback=true,cidr=10.7.0.0/16").unwrap();
        let a = o.args(1, Path::new("/s"), 3, 4).join(" ");
        assert!(!a.contains("--disable-host-loopback"));
        assert!(a.contains("--cidr=10.7.0.0/16"));
        let m = &crate::net::ports::parse_publish("127.0.0.1:8080:80/udp").unwrap()[0];
        let r = hostfwd_request(m, 8080, 80);
        assert_eq!(r["execute"], "add_hostfwd");
        assert_eq!(r["arguments"]["proto"], "udp");
        assert_eq!(r["arguments"]["host_addr"], "127.0.0.1");
        assert_eq!(r["arguments"]["host_port"], 8080);
        assert_eq!(r["arguments"]["guest_port"], 80);
        assert_eq!(
            o.addressing().host_internal,
            Some("10.7.0.2".parse().unwrap())
        );
    }
}
