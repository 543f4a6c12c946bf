//! The container's /etc/hosts, /etc/resolv.conf and /etc/hostname, generated (pure) from the
//! flags, the network mode and the host's own resolv.conf.

use crate::spec::DnsFlags;
use std::net::IpAddr;

/// What /etc/hosts says.
#[derive(Debug, Clone)]
pub struct HostsSpec<'a> {
    pub hostname: &'a str,
    /// The container's name (listed next to the hostname).
    pub name: &'a str,
    /// The container's address on its network; `None` (no network of its own, or none
    /// known) lists the names on 127.0.1.1.
    pub container_ip: Option<IpAddr>,
    /// Where `host.containers.internal` points, when the container can reach the host.
    pub host_internal: Option<IpAddr>,
    /// `--add-host` entries, in order.
    pub add_hosts: &'a [(String, IpAddr)],
}

/// The name podman gives the host inside a container.
pub const HOST_INTERNAL: &str = "host.containers.internal";

/// /etc/hosts: localhost, then `--add-host` entries (first, so they win over what follows),
/// `host.containers.internal`, and the container's own names.
pub fn hosts(spec: &HostsSpec<'_>) -> String {
    let mut out = String::from(
        "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n",
    );
    for (name, ip) in spec.add_hosts {
        out.push_str(&format!("{ip}\t{name}\n"));
    }
    let user_named = |n: &str| spec.add_hosts.iter().any(|(h, _)| h == n);
    if let Some(ip) = spec.host_internal {
        if !user_named(HOST_INTERNAL) {
            out.push_str(&format!("{ip}\t{HOST_INTERNAL}\n"));
        }
    }
    let ip = spec
        .container_ip
        .map_or_else(|| "127.0.1.1".to_string(), |i| i.to_string());
    if spec.name == spec.hostname || spec.name.is_empty() {
        out.push_str(&format!("{ip}\t{}\n", spec.hostname));
    } else {
        out.push_str(&format!("{ip}\t{} {}\n", spec.hostname, spec.name));
    }
    out
}

/// Who answers DNS for the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// The host's servers, as they are (host network, or no network).
    Host,
    /// pasta: the host's servers, but a loopback one cannot be reached from the container,
    /// so pasta's forwarder at this address takes its place.
    PastaForward(IpAddr),
    /// slirp4netns: its built-in DNS at this address first, then the host's reachable
    /// servers.
    Slirp(IpAddr),
}

/// The parts of a resolv.conf berth keeps.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ResolvConf {
    pub nameservers: Vec<IpAddr>,
    pub search: Vec<String>,
    pub options: Vec<String>,
}

/// Parse the host's /etc/resolv.conf (the last `search` wins, as in glibc).
pub fn parse_resolv_conf(text: &str) -> ResolvConf {
    let mut r = ResolvConf::default();
    for line in text.lines() {
        let line = line.split(['#', ';']).next().unwrap_or_default();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("nameserver") => {
                // A scoped IPv6 address (`fe80::1%eth0`) names a host interface: useless inside.
                if let Some(ip) = words.next().and_then(|w| w.parse().ok()) {
                    r.nameservers.push(ip);
                }
            }
            Some("search" | "domain") => r.search = words.map(str::to_string).collect(),
            Some("options") => r.options.extend(words.map(str::to_string)),
            _ => {}
        }
    }
    r
}

/// Does the host's resolver sit on loopback (systemd-resolved, dnsmasq)?
pub fn has_loopback_server(host: &ResolvConf) -> bool {
    host.nameservers.iter().any(IpAddr::is_loopback)
}

/// The container's /etc/resolv.conf.
pub fn resolv_conf(host: &ResolvConf, flags: &DnsFlags, resolver: Resolver) -> String {
    let reachable = host.nameservers.iter().filter(|ip| !ip.is_loopback());
    let servers: Vec<IpAddr> = match (&flags.servers, resolver) {
        (Some(list), _) => list.clone(),
        (None, Resolver::Host) => host.nameservers.clone(),
        (None, Resolver::PastaForward(fwd)) if has_loopback_server(host) => {
            std::iter::once(fwd).chain(reachable.copied()).collect()
        }
        (None, Resolver::PastaForward(_)) => host.nameservers.clone(),
        (None, Resolver::Slirp(dns)) => std::iter::once(dns).chain(reachable.copied()).collect(),
    };
    let search: Vec<&str> = if flags.search.is_empty() {
        host.search.iter().map(String::as_str).collect()
    } else {
        flags
            .search
            .iter()
            .map(String::as_str)
            .filter(|s| *s != ".")
            .collect()
    };
    let options = if flags.options.is_empty() {
        &host.options
    } else {
        &flags.options
    };
    let mut out = String::new();
    if !search.is_empty() {
        out.push_str(&format!("search {}\n", search.join(" ")));
    }
    for s in servers {
        out.push_str(&format!("nameserver {s}\n"));
    }
    if !options.is_empty() {
        out.push_str(&format!("options {}\n", options.join(" ")));
    }
    out
}

/// Parse `--add-host HOST:IP` (podman also takes `HOST=IP`; IPv6 addresses keep their
/// colons: `db:fd00::5`).
pub fn parse_add_host(value: &str) -> Option<(String, IpAddr)> {
    let (host, ip) = match value.split_once('=') {
        Some(pair) => pair,
        None => value.split_once(':')?,
    };
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    valid_host.then_some(())?;
    Some((host.to_string(), ip.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn hosts_lists_add_hosts_host_internal_and_the_container() {
        let adds = vec![("db".to_string(), ip("10.1.2.3"))];
        let text = hosts(&HostsSpec {
            hostname: "abc123",
            name: "web",
            container_ip: Some(ip("10.0.2.100")),
            host_internal: Some(ip("10.0.2.2")),
            add_hosts: &adds,
        });
        assert_eq!(
            text,
            "127.0.0.1\tlocalhost localhost.localdomain\n\
             ::1\tlocalhost localhost.localdomain ip6-localhost ip6-loopback\n\
             10.1.2.3\tdb\n\
             10.0.2.2\thost.containers.internal\n\
             10.0.2.100\tabc123 web\n"
        );
        let override_internal = vec![(HOST_INTERNAL.to_string(), ip("192.0.2.9"))];
        let text = hosts(&HostsSpec {
            hostname: "box",
            name: "box",
            container_ip: None,
            host_internal: Some(ip("10.0.2.2")),
            add_hosts: &override_internal,
        });
        assert!(text.contains("192.0.2.9\thost.containers.internal\n"));
        assert!(!text.contains("10.0.2.2"));
        assert!(text.ends_with("127.0.1.1\tbox\n"));
    }

    #[test]
    fn resolv_conf_per_resolver() {
        let host = parse_resolv_conf(
            "# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch example.com lan\noptions edns0 trust-ad\n",
        );
        assert_eq!(host.nameservers, vec![ip("127.0.0.53"), ip("192.0.2.53")]);
        let none = DnsFlags::default();
        assert_eq!(
            resolv_conf(&host, &none, Resolver::PastaForward(ip("169.254.1.1"))),
            "search example.com lan\nnameserver 169.254.1.1\nnameserver 192.0.2.53\noptions edns0 trust-ad\n"
        );
        assert_eq!(
            resolv_conf(&host, &none, Resolver::Slirp(ip("10.0.2.3"))),
            "search example.com lan\nnameserver 10.0.2.3\nnameserver 192.0.2.53\noptions edns0 trust-ad\n"
        );
        assert!(resolv_conf(&host, &none, Resolver::Host).contains("nameserver 127.0.0.53\n"));
        // A resolver that is not on loopback is used directly with pasta.
        let remote = parse_resolv_conf("nameserver 10.255.255.53\n");
        assert_eq!(
            resolv_conf(&remote, &none, Resolver::PastaForward(ip("169.254.1.1"))),
            "nameserver 10.255.255.53\n"
        );
        let flags = DnsFlags {
            servers: Some(vec![ip("1.1.1.1")]),
            search: vec![".".into()],
            options: vec!["ndots:2".into()],
        };
        assert_eq!(
            resolv_conf(&host, &flags, Resolver::Slirp(ip("10.0.2.3"))),
            "nameserver 1.1.1.1\noptions ndots:2\n"
        );
    }

    #[test]
    fn add_host_forms() {
        assert_eq!(
            parse_add_host("db:10.0.0.5"),
            Some(("db".into(), ip("10.0.0.5")))
        );
        assert_eq!(
            parse_add_host("v6:fd00::5"),
            Some(("v6".into(), ip("fd00::5")))
        );
        assert_eq!(
            parse_add_host("v6:[fd00::5]"),
            Some(("v6".into(), ip("fd00::5")))
        );
        assert_eq!(
            parse_add_host("x=1.2.3.4"),
            Some(("x".into(), ip("1.2.3.4")))
        );
        for bad in ["db", "db:", ":1.2.3.4", "db:notanip", "a b:1.2.3.4"] {
            assert_eq!(parse_add_host(bad), None, "{bad}");
        }
    }
}
