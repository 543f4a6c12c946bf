//! The name server of user networks, run by the holder in the rootless network namespace:
//! UDP port 53 on every address there (so on each bridge's gateway). A query is answered
//! from the allocation records of the networks the asking container is on (found by its
//! source address), so names on other networks stay unknown. Names are container names,
//! `--network-alias` values and 12-digit short ids, with or without the `dns.berth` suffix.
//! Other names are relayed to the host's resolver through the outside link's DNS forwarder
//! (pasta's or slirp4netns', see [`super::link`]); on an internal network they get SERVFAIL.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::config::Paths;

/// The search domain written into containers' resolv.conf.
pub const DOMAIN: &str = "dns.berth";

const TYPE_A: u16 = 1;
const TYPE_AAAA: u16 = 28;
const CLASS_IN: u16 = 1;
const RCODE_NXDOMAIN: u8 = 3;
const RCODE_SERVFAIL: u8 = 2;
const RCODE_REFUSED: u8 = 5;
const RCODE_FORMERR: u8 = 1;
/// Short: containers come and go.
const TTL: u32 = 5;

/// The bound sockets and the queries forwarded upstream.
pub struct Server {
    sock: UdpSocket,
    /// `[::]:53`, IPv6 only (the gateways of dual-stack networks); `None` without IPv6.
    sock6: Option<UdpSocket>,
    upstream: UdpSocket,
    /// Our query id upstream -> the client and its id.
    pending: HashMap<u16, (SocketAddr, [u8; 2], Instant)>,
    next_id: u16,
    /// The outside link's DNS forwarder (see [`super::link`]).
    forwarder: Ipv4Addr,
}

/// How long a forwarded query waits for its answer.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(5);

impl Server {
    /// Bind 0.0.0.0:53 in the current network namespace, and a socket for upstream queries.
    pub fn bind() -> std::io::Result<Self> {
        Ok(Server {
            sock: UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 53))?,
            sock6: bind6().ok(),
            upstream: UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?,
            pending: HashMap::new(),
            next_id: 1,
            forwarder: super::link::PASTA_DNS,
        })
    }

    /// Send the queries for other names to `forwarder`.
    pub fn set_upstream(&mut self, forwarder: Ipv4Addr) {
        self.forwarder = forwarder;
    }

    /// Answer queries for about `period`.
    pub fn serve_for(&mut self, paths: &Paths, period: Duration) {
        use std::os::fd::AsFd as _;
        let end = Instant::now() + period;
        let mut buf = [0u8; 4096];
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
            let (query_ready, reply_ready, query6_ready) = {
                let mut fds = vec![
                    nix::poll::PollFd::new(self.sock.as_fd(), nix::poll::PollFlags::POLLIN),
                    nix::poll::PollFd::new(self.upstream.as_fd(), nix::poll::PollFlags::POLLIN),
                ];
                if let Some(s6) = &self.sock6 {
                    fds.push(nix::poll::PollFd::new(
                        s6.as_fd(),
                        nix::poll::PollFlags::POLLIN,
                    ));
                }
                if nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(ms)).is_err() {
                    continue;
                }
                let ready = |f: &nix::poll::PollFd<'_>| f.revents().is_some_and(|r| !r.is_empty());
                (
                    ready(&fds[0]),
                    ready(&fds[1]),
                    fds.get(2).is_some_and(ready),
                )
            };
            if query_ready {
                if let Ok((len, from)) = self.sock.recv_from(&mut buf) {
                    self.on_query(paths, &buf[..len], from);
                }
            }
            if query6_ready {
                let got = self.sock6.as_ref().map(|s| s.recv_from(&mut buf));
                if let Some(Ok((len, from))) = got {
                    self.on_query(paths, &buf[..len], from);
                }
            }
            if reply_ready {
                if let Ok((len, _)) = self.upstream.recv_from(&mut buf) {
                    self.on_upstream_reply(&mut buf[..len]);
                }
            }
        }
        self.pending
            .retain(|_, (_, _, at)| at.elapsed() < FORWARD_TIMEOUT);
    }

    /// The socket that answers `client`.
    fn socket_for(&self, client: SocketAddr) -> Option<&UdpSocket> {
        match client {
            SocketAddr::V4(_) => Some(&self.sock),
            SocketAddr::V6(_) => self.sock6.as_ref(),
        }
    }

    fn on_query(&mut self, paths: &Paths, query: &[u8], from: SocketAddr) {
        let mut forward = false;
        let reply = answer(query, |name| {
            let found = lookup(paths, from.ip(), name);
            forward = matches!(found, Lookup::Forward);
            found
        });
        if forward && query.len() >= 12 {
            // Relay with our own id, so that answers from upstream find their client.
            let id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1).max(1);
            let mut relayed = query.to_vec();
            relayed[..2].copy_from_slice(&id.to_be_bytes());
            let upstream = SocketAddr::from((self.forwarder, 53));
            if self.upstream.send_to(&relayed, upstream).is_ok() {
                self.pending
                    .insert(id, (from, [query[0], query[1]], Instant::now()));
                return;
            }
        }
        if let (Some(reply), Some(sock)) = (reply, self.socket_for(from)) {
            let _ = sock.send_to(&reply, from);
        }
    }

    fn on_upstream_reply(&mut self, reply: &mut [u8]) {
        if reply.len() < 12 {
            return;
        }
        let id = u16::from_be_bytes([reply[0], reply[1]]);
        if let Some((client, orig, _)) = self.pending.remove(&id) {
            reply[..2].copy_from_slice(&orig);
            if let Some(sock) = self.socket_for(client) {
                let _ = sock.send_to(reply, client);
            }
        }
    }
}

/// What the records say about a name, for a client.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The client is on no network with name service.
    Refused,
    /// The addresses: A records from the IPv4 ones, AAAA from the IPv6 ones.
    Found(Vec<IpAddr>),
    NotFound,
    /// Not a name of the network: ask the host's resolver (through pasta).
    Forward,
}

/// Find `name` among the records of the networks the asking container is on (as
/// aardvark-dns does: a container connected to several networks resolves the names of all
/// of them, whichever of its name servers it asks). The asker is found by its source
/// address `client`; an address without a record searches its own network only.
fn lookup(paths: &Paths, client: IpAddr, name: &str) -> Lookup {
    let store = super::store::NetworkStore::new(&paths.data);
    let Ok(networks) = store.list() else {
        return Lookup::Refused;
    };
    // An IPv4 client seen on the IPv6 socket arrives as `::ffff:a.b.c.d`.
    let client = match client {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(client, IpAddr::V4),
        v4 => v4,
    };
    let inside = |n: &super::store::Network| match client {
        IpAddr::V4(v4) => n.subnet().is_some_and(|s| s.contains(v4)),
        IpAddr::V6(v6) => n.subnet6().is_some_and(|s| s.contains(v6)),
    };
    let Some(net) = networks.iter().find(|n| n.dns_enabled && inside(n)) else {
        return Lookup::Refused;
    };
    let asker = super::ipam::entries(&paths.runtime, &net.name)
        .into_iter()
        .find(|a| a.addresses().contains(&client))
        .map(|a| a.container_id);
    let mut ips: Vec<IpAddr> = Vec::new();
    for n in networks.iter().filter(|n| n.dns_enabled) {
        let records = super::ipam::entries(&paths.runtime, &n.name);
        let searched = match &asker {
            Some(id) => records.iter().any(|a| &a.container_id == id),
            None => n.name == net.name,
        };
        if searched {
            for a in records.iter().filter(|a| a.answers(name)) {
                for ip in a.addresses() {
                    if !ips.contains(&ip) {
                        ips.push(ip);
                    }
                }
            }
        }
    }
    if ips.is_empty() {
        // Single labels are container names; others are the world's, unless the network
        // is internal.
        if name.contains('.') && !net.internal {
            Lookup::Forward
        } else {
            Lookup::NotFound
        }
    } else {
        Lookup::Found(ips)
    }
}

/// A UDP socket on `[::]:53` for IPv6 only (IPv4 has its own socket on port 53).
fn bind6() -> std::io::Result<UdpSocket> {
    use nix::sys::socket::{self, sockopt, AddressFamily, SockFlag, SockType, SockaddrIn6};
    let fd = socket::socket(
        AddressFamily::Inet6,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        None,
    )?;
    socket::setsockopt(&fd, sockopt::Ipv6V6Only, &true)?;
    let any = SockaddrIn6::from(std::net::SocketAddrV6::new(
        std::net::Ipv6Addr::UNSPECIFIED,
        53,
        0,
        0,
    ));
    socket::bind(std::os::fd::AsRawFd::as_raw_fd(&fd), &any)?;
    Ok(UdpSocket::from(fd))
}

/// Build the reply to one query packet (`None` for a packet that is not a query).
pub fn answer(query: &[u8], mut lookup: impl FnMut(&str) -> Lookup) -> Option<Vec<u8>> {
    if query.len() < 12 || query[2] & 0x80 != 0 {
        return None;
    }
    let qdcount = u16::from_be_bytes([query[4], query[5]]);
    let parsed = (qdcount == 1)
        .then(|| parse_question(&query[12..]))
        .flatten();
    let Some((labels, qtype, qclass, qlen)) = parsed else {
        return Some(header_only(query, RCODE_FORMERR));
    };
    let question = &query[12..12 + qlen];
    let name = labels.join(".").to_ascii_lowercase();
    let short = name
        .strip_suffix(&format!(".{DOMAIN}"))
        .unwrap_or(&name)
        .to_string();
    let (rcode, ips) = match lookup(&short) {
        Lookup::Refused => (RCODE_REFUSED, Vec::new()),
        Lookup::Found(ips) if qclass == CLASS_IN && (qtype == TYPE_A || qtype == TYPE_AAAA) => (
            0,
            ips.into_iter()
                .filter(|ip| ip.is_ipv4() == (qtype == TYPE_A))
                .collect(),
        ),
        Lookup::Found(_) => (0, Vec::new()),
        Lookup::NotFound if !short.contains('.') => (RCODE_NXDOMAIN, Vec::new()),
        // Forwarding failed (or the name is outside an internal network).
        Lookup::NotFound | Lookup::Forward => (RCODE_SERVFAIL, Vec::new()),
    };
    let mut out = Vec::with_capacity(12 + qlen + ips.len() * 16);
    out.extend_from_slice(&query[..2]);
    // QR, the query's opcode and RD; AA; RA.
    out.push(0x80 | (query[2] & 0x79) | 0x04);
    out.push(0x80 | rcode);
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&u16::try_from(ips.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(question);
    for ip in ips {
        out.extend_from_slice(&[0xc0, 12]);
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&TTL.to_be_bytes());
        match ip {
            IpAddr::V4(v4) => {
                out.extend_from_slice(&4u16.to_be_bytes());
                out.extend_from_slice(&v4.octets());
            }
            IpAddr::V6(v6) => {
                out.extend_from_slice(&16u16.to_be_bytes());
                out.extend_from_slice(&v6.octets());
            }
        }
    }
    Some(out)
}

fn header_only(query: &[u8], rcode: u8) -> Vec<u8> {
    let mut out = query[..12].to_vec();
    out[2] = 0x80 | (query[2] & 0x79);
    out[3] = 0x80 | rcode;
    out[4..12].fill(0);
    out
}

/// The labels, type and class of the question, and its length in bytes.
fn parse_question(data: &[u8]) -> Option<(Vec<String>, u16, u16, usize)> {
    let mut labels = Vec::new();
    let mut i = 0;
    loop {
        let len = usize::from(*data.get(i)?);
        i += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None;
        }
        labels.push(String::from_utf8_lossy(data.get(i..i + len)?).into_owned());
        i += len;
    }
    let qtype = u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]);
    let qclass = u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]);
    Some((labels, qtype, qclass, i + 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str, qtype: u16) -> Vec<u8> {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in name.split('.') {
            q.push(u8::try_from(label.len()).unwrap());
            q.extend_from_slice(label.as_bytes());
        }
        q.push(0);
        q.extend_from_slice(&qtype.to_be_bytes());
        q.extend_from_slice(&CLASS_IN.to_be_bytes());
        q
    }

    fn records(name: &str) -> Lookup {
        match name {
            "web" => Lookup::Found(vec![
                IpAddr::V4(Ipv4Addr::new(10, 89, 1, 2)),
                IpAddr::V6("fd00:1::2".parse().unwrap()),
            ]),
            "nobody" => Lookup::Refused,
            "example.org" => Lookup::Forward,
            _ => Lookup::NotFound,
        }
    }

    #[test]
    fn answers_a_records() {
        let q = query("WEB.dns.berth", TYPE_A);
        let r = answer(&q, records).unwrap();
        assert_eq!(&r[..2], &[0x12, 0x34]);
        assert_eq!(r[2] & 0x80, 0x80);
        assert_eq!(r[3] & 0x0f, 0);
        assert_eq!(u16::from_be_bytes([r[6], r[7]]), 1);
        assert_eq!(&r[r.len() - 4..], &[10, 89, 1, 2]);
        assert_eq!(&r[12..q.len()], &q[12..]);
    }

    #[test]
    fn answers_aaaa_records() {
        let q = query("web", TYPE_AAAA);
        let r = answer(&q, records).unwrap();
        assert_eq!(r[3] & 0x0f, 0);
        assert_eq!(u16::from_be_bytes([r[6], r[7]]), 1);
        let rdata = &r[r.len() - 16..];
        assert_eq!(
            std::net::Ipv6Addr::from(<[u8; 16]>::try_from(rdata).unwrap()),
            "fd00:1::2".parse::<std::net::Ipv6Addr>().unwrap()
        );
        assert_eq!(&r[r.len() - 26..r.len() - 24], &TYPE_AAAA.to_be_bytes());
        // The A query gets only the IPv4 address.
        let r = answer(&query("web", TYPE_A), records).unwrap();
        assert_eq!(u16::from_be_bytes([r[6], r[7]]), 1);
    }

    #[test]
    fn other_cases() {
        // A name without a record of the asked type: no answers, no error.
        let r = answer(&query("web", 16), records).unwrap();
        assert_eq!((r[3] & 0x0f, r[7]), (0, 0));
        let r = answer(&query("db", TYPE_A), records).unwrap();
        assert_eq!(r[3] & 0x0f, RCODE_NXDOMAIN);
        let r = answer(&query("example.org", TYPE_A), records).unwrap();
        assert_eq!(r[3] & 0x0f, RCODE_SERVFAIL);
        let r = answer(&query("nobody", TYPE_A), records).unwrap();
        assert_eq!(r[3] & 0x0f, RCODE_REFUSED);
        assert!(answer(&[0; 5], records).is_none());
        let mut bad = query("web", TYPE_A);
        bad.truncate(15);
        assert_eq!(answer(&bad, records).unwrap()[3] & 0x0f, RCODE_FORMERR);
    }

    #[test]
    fn a_container_on_two_networks_resolves_names_of_both() {
        use super::super::ipam::{allocate, Allocation};
        use super::super::store::{CreateRequest, NetworkStore};
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            data: dir.path().join("data"),
            runtime: dir.path().join("run"),
            config: dir.path().join("config"),
        };
        let store = NetworkStore::new(&paths.data);
        let claim = |net: &str, id: &str, name: &str| {
            let n = store.find(net).unwrap();
            let record = Allocation {
                ip: Ipv4Addr::UNSPECIFIED,
                ip6: None,
                container_id: id.into(),
                container_name: name.into(),
                aliases: vec![],
                mac: None,
                interface: None,
                owner: None,
            };
            allocate(
                &paths.runtime,
                net,
                n.subnet().unwrap(),
                n.gateway().unwrap(),
                record,
            )
            .map(|a| IpAddr::V4(a.ip))
            .unwrap()
        };
        for n in ["a", "b"] {
            let req = CreateRequest {
                name: Some(n.into()),
                ..Default::default()
            };
            store.create(&req, &[], &[]).unwrap();
        }
        let web = claim("a", "1111", "web");
        let both_on_b = claim("b", "2222", "both");
        let both_on_a = claim("a", "2222", "both");
        let only_b = claim("b", "3333", "onlyb");
        // `both` asks from its address on b and finds `web` on a.
        let found = |ip: IpAddr| Lookup::Found(vec![ip]);
        assert_eq!(lookup(&paths, both_on_b, "web"), found(web));
        // `onlyb` shares b with `both` only: it gets both's address there, not web.
        assert_eq!(lookup(&paths, only_b, "web"), Lookup::NotFound);
        assert_eq!(lookup(&paths, only_b, "both"), found(both_on_b));
        // `web` sees `both` on a only.
        assert_eq!(lookup(&paths, web, "both"), found(both_on_a));

        // A dual-stack network: asked from either address, both records answer; an alias
        // answers on its own network only.
        let req = CreateRequest {
            name: Some("six".into()),
            subnets: vec!["10.66.0.0/24".into(), "fd66::/64".into()],
            ..Default::default()
        };
        let six = store.create(&req, &[], &[]).unwrap();
        let rec = |id: &str, name: &str, alias: &str| Allocation {
            ip: Ipv4Addr::UNSPECIFIED,
            ip6: None,
            container_id: id.into(),
            container_name: name.into(),
            aliases: vec![alias.into()],
            mac: None,
            interface: None,
            owner: None,
        };
        let want = crate::spec::PerNetwork::default();
        let x =
            super::super::ipam::claim(&paths.runtime, &six, rec("4444", "x", "ex"), &want).unwrap();
        let y = super::super::ipam::claim(&paths.runtime, &six, rec("5555", "y", "why"), &want)
            .unwrap();
        let y6 = IpAddr::V6(y.ip6.unwrap());
        let x_both = Lookup::Found(vec![IpAddr::V4(x.ip), IpAddr::V6(x.ip6.unwrap())]);
        assert_eq!(lookup(&paths, y6, "x"), x_both);
        assert_eq!(lookup(&paths, y6, "ex"), x_both);
        assert_eq!(lookup(&paths, IpAddr::V4(y.ip), "x"), x_both);
        // An IPv4 client seen through the IPv6 socket.
        let mapped = IpAddr::V6(y.ip.to_ipv6_mapped());
        assert_eq!(lookup(&paths, mapped, "x"), x_both);
        // `web` on network a does not see them, nor their aliases.
        assert_eq!(lookup(&paths, web, "ex"), Lookup::NotFound);
        assert_eq!(
            lookup(&paths, IpAddr::V6("fd99::1".parse().unwrap()), "x"),
            Lookup::Refused
        );
    }
}
