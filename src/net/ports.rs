//! Published ports: `-p`/`--publish` parsing (pure), the choice of free host ports for an
//! empty host port or `-P`, the busy-port check before a container starts, and the renderings
//! `port`, `ps` and `inspect` show.

use crate::spec::{PortMapping, Protocol};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            _ => None,
        }
    }
}

impl PortMapping {
    /// The (host port, container port) pairs this mapping covers.
    pub fn pairs(&self) -> impl Iterator<Item = (u16, u16)> + '_ {
        (0..self.range).map(move |i| (self.host_port + i, self.container_port + i))
    }

    /// The host address as `port` and `inspect` print it: `0.0.0.0` for every address.
    pub fn host_ip_text(&self) -> String {
        self.host_ip
            .map_or_else(|| "0.0.0.0".to_string(), |ip| ip.to_string())
    }
}

/// A `-p` value berth cannot use.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid publish `{value}`: {reason}")]
pub struct PublishError {
    pub value: String,
    pub reason: &'static str,
}

/// A host port that cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    #[error("publish port {addr}/{proto}: the host port is taken")]
    Busy {
        addr: String,
        proto: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("publish port {addr}/{proto}: bind the host port")]
    Bind {
        addr: String,
        proto: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("choose a free host port for container port {port}/{proto}: no free range of {range} ports found")]
    NoFreeRange {
        port: u16,
        proto: &'static str,
        range: u16,
    },
}

/// Parse one `-p` value: `[[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTO[,PROTO]]`, with ranges
/// (`8000-8010:80-90`) and IPv6 addresses in brackets (`[::1]:8080:80`). An empty host port
/// (or none at all) means a free port chosen when the container is created.
pub fn parse_publish(value: &str) -> Result<Vec<PortMapping>, PublishError> {
    let err = |reason| PublishError {
        value: value.to_string(),
        reason,
    };
    let (spec, protos) = match value.rsplit_once('/') {
        Some((s, p)) => (s, p),
        None => (value, "tcp"),
    };
    let mut protocols = Vec::new();
    for p in protos.split(',') {
        let p = Protocol::parse(p).ok_or_else(|| err("the protocol must be tcp or udp"))?;
        if !protocols.contains(&p) {
            protocols.push(p);
        }
    }
    // The address, when there is one, is everything before the last two colons; brackets
    // protect an IPv6 address's own colons.
    let (host_ip, rest) = if let Some(after) = spec.strip_prefix('[') {
        let (ip, rest) = after
            .split_once(']')
            .ok_or_else(|| err("an IPv6 address needs a closing `]`"))?;
        let rest = rest
            .strip_prefix(':')
            .ok_or_else(|| err("expected `:` after the address"))?;
        let ip: IpAddr = ip.parse().map_err(|_| err("not an IP address"))?;
        (Some(ip), rest)
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.len() {
            1 | 2 => (None, spec),
            3 => {
                let ip = if parts[0].is_empty() {
                    None
                } else {
                    Some(
                        parts[0]
                            .parse::<IpAddr>()
                            .map_err(|_| err("not an IP address"))?,
                    )
                };
                (ip, &spec[parts[0].len() + 1..])
            }
            _ => return Err(err("expected [[IP:][HOST_PORT]:]CONTAINER_PORT")),
        }
    };
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (h, c),
        None => ("", rest),
    };
    if container.is_empty() {
        return Err(err("the container port is missing"));
    }
    let (c_start, c_len) = port_range(container)
        .ok_or_else(|| err("ports must be numbers from 1 to 65535, or ranges such as 8000-8010"))?;
    let (h_start, h_len) = if host.is_empty() {
        (0, c_len)
    } else {
        port_range(host).ok_or_else(|| {
            err("ports must be numbers from 1 to 65535, or ranges such as 8000-8010")
        })?
    };
    if h_len != c_len {
        return Err(err(
            "the host and container port ranges must be the same length",
        ));
    }
    Ok(protocols
        .into_iter()
        .map(|protocol| PortMapping {
            host_ip,
            host_port: h_start,
            container_port: c_start,
            protocol,
            range: c_len,
        })
        .collect())
}

/// `N` or `N-M`: the first port and the count.
fn port_range(text: &str) -> Option<(u16, u16)> {
    let port = |s: &str| s.parse::<u16>().ok().filter(|p| *p > 0);
    match text.split_once('-') {
        None => Some((port(text)?, 1)),
        Some((a, b)) => {
            let (a, b) = (port(a)?, port(b)?);
            (a <= b).then(|| (a, b - a + 1))
        }
    }
}

/// Parse an image's `ExposedPorts` key or an `--expose` value: `80`, `80/udp`, `8000-8010`.
/// The result has no host port: `-P` publishes each to a free one.
pub fn parse_expose(value: &str) -> Option<Vec<PortMapping>> {
    let (port, proto) = value.split_once('/').unwrap_or((value, "tcp"));
    let protocol = Protocol::parse(proto)?;
    let (start, range) = port_range(port)?;
    Some(vec![PortMapping {
        host_ip: None,
        host_port: 0,
        container_port: start,
        protocol,
        range,
    }])
}

/// `-P`: the exposed ports not already published by `-p`, each to a free host port.
pub fn publish_all(published: &mut Vec<PortMapping>, exposed: &[PortMapping]) {
    for e in exposed {
        for (_, port) in e.pairs() {
            let covered = published.iter().any(|p| {
                p.protocol == e.protocol
                    && (p.container_port..p.container_port.saturating_add(p.range)).contains(&port)
            });
            if !covered {
                published.push(PortMapping {
                    host_ip: None,
                    host_port: 0,
                    container_port: port,
                    protocol: e.protocol,
                    range: 1,
                });
            }
        }
    }
}

fn bind_addr(ip: Option<IpAddr>, port: u16) -> SocketAddr {
    SocketAddr::new(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), port)
}

/// Bind a host port the way the network helper will; the socket closes when dropped.
fn try_bind(ip: Option<IpAddr>, port: u16, proto: Protocol) -> std::io::Result<u16> {
    let addr = bind_addr(ip, port);
    match proto {
        Protocol::Tcp => TcpListener::bind(addr)?.local_addr().map(|a| a.port()),
        Protocol::Udp => UdpSocket::bind(addr)?.local_addr().map(|a| a.port()),
    }
}

/// Give every mapping without a host port a free one (the kernel picks; a range gets
/// consecutive free ports). `create` does this once and records the result, so `port` shows
/// it and a restart publishes the same ports.
pub fn assign_free(mappings: &mut [PortMapping]) -> Result<(), PortError> {
    for m in mappings.iter_mut().filter(|m| m.host_port == 0) {
        let bind_err = |source| PortError::Bind {
            addr: bind_addr(m.host_ip, 0).to_string(),
            proto: m.protocol.name(),
            source,
        };
        if m.range == 1 {
            m.host_port = try_bind(m.host_ip, 0, m.protocol).map_err(bind_err)?;
            continue;
        }
        let mut found = None;
        for _ in 0..64 {
            let base = try_bind(m.host_ip, 0, m.protocol).map_err(bind_err)?;
            if u32::from(base) + u32::from(m.range) > 65536 {
                continue;
            }
            if (0..m.range).all(|i| try_bind(m.host_ip, base + i, m.protocol).is_ok()) {
                found = Some(base);
                break;
            }
        }
        m.host_port = found.ok_or(PortError::NoFreeRange {
            port: m.container_port,
            proto: m.protocol.name(),
            range: m.range,
        })?;
    }
    Ok(())
}

/// Fail when a host port is taken, before the container starts.
pub fn check_free(mappings: &[PortMapping]) -> Result<(), PortError> {
    for m in mappings {
        for (host, _) in m.pairs() {
            if let Err(source) = try_bind(m.host_ip, host, m.protocol) {
                let addr = format!("{}:{host}", m.host_ip_text());
                let proto = m.protocol.name();
                return Err(if source.kind() == std::io::ErrorKind::AddrInUse {
                    PortError::Busy {
                        addr,
                        proto,
                        source,
                    }
                } else {
                    PortError::Bind {
                        addr,
                        proto,
                        source,
                    }
                });
            }
        }
    }
    Ok(())
}

/// `berth port` lines: `80/tcp -> 0.0.0.0:8080`, one per port, sorted by container port.
/// With `filter` (`80`, `80/udp`), only that port, as `0.0.0.0:8080`.
pub fn port_lines(
    mappings: &[PortMapping],
    filter: Option<(u16, Option<Protocol>)>,
) -> Vec<String> {
    let mut rows: Vec<(u16, Protocol, String)> = Vec::new();
    for m in mappings {
        for (host, ctr) in m.pairs() {
            let host_addr = match m.host_ip {
                Some(IpAddr::V6(ip)) => format!("[{ip}]:{host}"),
                _ => format!("{}:{host}", m.host_ip_text()),
            };
            rows.push((ctr, m.protocol, host_addr));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1));
    match filter {
        None => rows
            .into_iter()
            .map(|(c, p, h)| format!("{c}/{} -> {h}", p.name()))
            .collect(),
        Some((port, proto)) => rows
            .into_iter()
            .filter(|(c, p, _)| *c == port && proto.is_none_or(|x| x == *p))
            .map(|(_, _, h)| h)
            .collect(),
    }
}

/// Parse `berth port`'s `PRIVATE_PORT[/PROTO]`.
pub fn parse_port_filter(text: &str) -> Option<(u16, Option<Protocol>)> {
    let (port, proto) = match text.split_once('/') {
        Some((p, proto)) => (p, Some(Protocol::parse(proto)?)),
        None => (text, None),
    };
    Some((port.parse().ok().filter(|p| *p > 0)?, proto))
}

/// The `ps` PORTS column: `0.0.0.0:8080->80/tcp, 127.0.0.1:9000-9001->90-91/udp`.
pub fn ps_column(mappings: &[PortMapping]) -> String {
    mappings
        .iter()
        .map(|m| {
            let ip = match m.host_ip {
                Some(IpAddr::V6(ip)) => format!("[{ip}]"),
                _ => m.host_ip_text(),
            };
            if m.range == 1 {
                format!(
                    "{ip}:{}->{}/{}",
                    m.host_port,
                    m.container_port,
                    m.protocol.name()
                )
            } else {
                format!(
                    "{ip}:{}-{}->{}-{}/{}",
                    m.host_port,
                    m.host_port + m.range - 1,
                    m.container_port,
                    m.container_port + m.range - 1,
                    m.protocol.name()
                )
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `inspect`'s `NetworkSettings.Ports`: `{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}`.
pub fn inspect_ports(mappings: &[PortMapping]) -> serde_json::Value {
    let mut out: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for m in mappings {
        for (host, ctr) in m.pairs() {
            out.entry(format!("{ctr}/{}", m.protocol.name()))
                .or_default()
                .push(serde_json::json!({
                    "HostIp": m.host_ip.map(|i| i.to_string()).unwrap_or_default(),
                    "HostPort": host.to_string(),
                }));
        }
    }
    serde_json::to_value(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> PortMapping {
        let mut m = parse_publish(v).unwrap();
        assert_eq!(m.len(), 1, "{v}");
        m.remove(0)
    }

    #[test]
    fn publish_forms() {
        let m = one("8080:80");
        assert_eq!(
            (
                m.host_ip,
                m.host_port,
                m.container_port,
                m.protocol,
                m.range
            ),
            (None, 8080, 80, Protocol::Tcp, 1)
        );
        let m = one("127.0.0.1:8080:80/udp");
        assert_eq!(m.host_ip, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(m.protocol, Protocol::Udp);
        let m = one("127.0.0.1::80");
        assert_eq!((m.host_port, m.container_port), (0, 80));
        let m = one("80");
        assert_eq!((m.host_port, m.container_port), (0, 80));
        let m = one(":80");
        assert_eq!((m.host_port, m.container_port), (0, 80));
        let m = one("[::1]:9000:90");
        assert_eq!(m.host_ip, Some("::1".parse().unwrap()));
        assert_eq!((m.host_port, m.container_port), (9000, 90));
        let m = one("8000-8002:80-82");
        assert_eq!(m.range, 3);
        assert_eq!(
            m.pairs().collect::<Vec<_>>(),
            vec![(8000, 80), (8001, 81), (8002, 82)]
        );
        let both = parse_publish("53:53/tcp,udp").unwrap();
        assert_eq!(both.len(), 2);
        assert_eq!(both[1].protocol, Protocol::Udp);
    }

    #[test]
    fn publish_errors_name_the_value() {
        for bad in [
            "",
            "0:80",
            "8080:",
            "8080:80/sctp",
            "x:80",
            "1.2.3:80:80",
            "8000-8002:80",
            "90-80",
            "a:b:c:d",
            "[::1:80:80",
            "65536:80",
        ] {
            let e = parse_publish(bad).unwrap_err();
            assert_eq!(e.value, bad);
            assert!(e
                .to_string()
                .starts_with(&format!("invalid publish `{bad}`")));
        }
    }

    #[test]
    fn expose_and_publish_all() {
        let exposed = [
            parse_expose("80").unwrap(),
            parse_expose("53/udp").unwrap(),
            parse_expose("90-91").unwrap(),
        ]
        .concat();
        assert!(parse_expose("x/tcp").is_none());
        let mut published = parse_publish("8080:80").unwrap();
        publish_all(&mut published, &exposed);
        let ports: Vec<(u16, Protocol)> = published
            .iter()
            .map(|p| (p.container_port, p.protocol))
            .collect();
        assert_eq!(
            ports,
            vec![
                (80, Protocol::Tcp),
                (53, Protocol::Udp),
                (90, Protocol::Tcp),
                (91, Protocol::Tcp)
            ]
        );
        assert!(published[1..].iter().all(|p| p.host_port == 0));
    }

    #[test]
    fn free_ports_are_chosen_and_busy_ports_refused() {
        let mut m = parse_publish("127.0.0.1::80").unwrap();
        m.extend(parse_publish("127.0.0.1::90-92/udp").unwrap());
        assign_free(&mut m).unwrap();
        assert!(m.iter().all(|p| p.host_port != 0));
        check_free(&m).unwrap();
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let busy = parse_publish(&format!("127.0.0.1:{port}:80")).unwrap();
        let e = check_free(&busy).unwrap_err();
        assert!(matches!(e, PortError::Busy { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!("publish port 127.0.0.1:{port}/tcp: the host port is taken")
        );
    }

    #[test]
    fn renderings() {
        let mut m = parse_publish("127.0.0.1:8080:80").unwrap();
        m.extend(parse_publish("9000-9001:90-91/udp").unwrap());
        assert_eq!(
            port_lines(&m, None),
            vec![
                "80/tcp -> 127.0.0.1:8080",
                "90/udp -> 0.0.0.0:9000",
                "91/udp -> 0.0.0.0:9001"
            ]
        );
        assert_eq!(
            port_lines(&m, parse_port_filter("91/udp")),
            vec!["0.0.0.0:9001"]
        );
        assert!(port_lines(&m, parse_port_filter("91/tcp")).is_empty());
        assert!(parse_port_filter("x").is_none());
        assert_eq!(
            ps_column(&m),
            "127.0.0.1:8080->80/tcp, 0.0.0.0:9000-9001->90-91/udp"
        );
        let v = inspect_ports(&m);
        assert_eq!(v["80/tcp"][0]["HostIp"], "127.0.0.1");
        assert_eq!(v["80/tcp"][0]["HostPort"], "8080");
        assert_eq!(v["91/udp"][0]["HostIp"], "");
    }
}
