//! Per-network options of a container, as podman 4 has them: `--network
//! NAME:alias=A,ip=ADDR,ip6=ADDR6,mac=MAC,interface_name=X`, `--ip`, `--ip6`,
//! `--mac-address`, and `network connect --alias/--ip/--ip6/--mac-address`. They are
//! recorded per network in the container's options (`network_opts`), so an alias answers
//! on the network it was given for only.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::spec::PerNetwork;

/// Why a per-network option is not usable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NetOptError {
    #[error("invalid option for network `{network}`: `{option}` is not one of alias=, ip=, ip6=, mac= and interface_name=")]
    Unknown { network: String, option: String },
    #[error("invalid option for network `{network}`: {what} cannot be empty")]
    Empty { network: String, what: &'static str },
    #[error("invalid {what} `{value}`: not an IP address")]
    Ip { what: String, value: String },
    #[error("invalid {what} `{value}`: expected a unicast MAC address such as 92:d0:c6:0a:29:33")]
    Mac { what: String, value: String },
    #[error("invalid {what} `{value}`: not a valid host name")]
    Alias { what: String, value: String },
    #[error(
        "invalid {what} `{value}`: an interface name has 1 to 15 letters, digits, `_`, `.` or `-`"
    )]
    Interface { what: String, value: String },
    #[error("invalid option for network `{network}`: berth takes at most one IPv4 and one IPv6 address per network (got {first} and {second})")]
    TwoOfAFamily {
        network: String,
        first: IpAddr,
        second: IpAddr,
    },
}

impl PerNetwork {
    /// Nothing asked for?
    pub fn is_empty(&self) -> bool {
        *self == PerNetwork::default()
    }

    /// Add a static address (`ip=` and `ip6=` take either family, as podman's do).
    pub fn add_ip(&mut self, network: &str, ip: IpAddr) -> Result<(), NetOptError> {
        let two = |first: IpAddr| NetOptError::TwoOfAFamily {
            network: network.to_string(),
            first,
            second: ip,
        };
        match ip {
            IpAddr::V4(v4) => match self.ip {
                Some(old) if old != v4 => return Err(two(IpAddr::V4(old))),
                _ => self.ip = Some(v4),
            },
            IpAddr::V6(v6) => match self.ip6 {
                Some(old) if old != v6 => return Err(two(IpAddr::V6(old))),
                _ => self.ip6 = Some(v6),
            },
        }
        Ok(())
    }

    /// Add aliases, keeping the first of duplicates.
    pub fn add_aliases(&mut self, aliases: &[String]) {
        for a in aliases {
            if !self.aliases.contains(a) {
                self.aliases.push(a.clone());
            }
        }
    }
}

/// Parse `alias=A,ip=ADDR,…`, the part after `NAME:` of a `--network` value.
pub fn parse(network: &str, text: &str) -> Result<PerNetwork, NetOptError> {
    let mut out = PerNetwork::default();
    if text.is_empty() {
        return Ok(out);
    }
    for opt in text.split(',') {
        let (key, value) = opt.split_once('=').unwrap_or((opt, ""));
        let empty = |what| NetOptError::Empty {
            network: network.to_string(),
            what,
        };
        let what = || format!("{key} of network `{network}`");
        match key {
            "ip" | "ip6" => {
                let ip = parse_ip(&what(), value)?;
                out.add_ip(network, ip)?;
            }
            "mac" => out.mac = Some(parse_mac(&what(), value)?),
            "alias" => {
                if value.is_empty() {
                    return Err(empty("alias"));
                }
                check_alias(&what(), value)?;
                out.add_aliases(&[value.to_string()]);
            }
            "interface_name" => {
                if value.is_empty() {
                    return Err(empty("interface_name"));
                }
                out.interface_name = Some(check_interface(&what(), value)?);
            }
            _ => {
                return Err(NetOptError::Unknown {
                    network: network.to_string(),
                    option: opt.to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// An IP address of either family; `what` names the flag in the error.
pub fn parse_ip(what: &str, value: &str) -> Result<IpAddr, NetOptError> {
    value.parse().map_err(|_| NetOptError::Ip {
        what: what.to_string(),
        value: value.to_string(),
    })
}

/// A unicast MAC address: six hex octets separated by `:` or `-`; returned as
/// `aa:bb:cc:dd:ee:ff`.
pub fn parse_mac(what: &str, value: &str) -> Result<String, NetOptError> {
    let bad = || NetOptError::Mac {
        what: what.to_string(),
        value: value.to_string(),
    };
    let octets: Vec<u8> = value
        .split([':', '-'])
        .map(|o| {
            if o.len() == 2 {
                u8::from_str_radix(o, 16).ok()
            } else {
                None
            }
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    // The multicast bit set, or all zeros, cannot name one interface.
    if octets.len() != 6 || octets[0] & 1 == 1 || octets.iter().all(|o| *o == 0) {
        return Err(bad());
    }
    Ok(octets
        .iter()
        .map(|o| format!("{o:02x}"))
        .collect::<Vec<_>>()
        .join(":"))
}

/// An alias must be a valid host name label list (as `--network-alias`).
pub fn check_alias(what: &str, value: &str) -> Result<(), NetOptError> {
    if crate::spec::valid_name(value) {
        Ok(())
    } else {
        Err(NetOptError::Alias {
            what: what.to_string(),
            value: value.to_string(),
        })
    }
}

fn check_interface(what: &str, value: &str) -> Result<String, NetOptError> {
    let ok = (1..=15).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && value != "lo";
    if ok {
        Ok(value.to_string())
    } else {
        Err(NetOptError::Interface {
            what: what.to_string(),
            value: value.to_string(),
        })
    }
}

/// What the container asks for on `network`: its own options there, plus the
/// container-wide aliases.
pub fn for_network(
    per: &BTreeMap<String, PerNetwork>,
    legacy_aliases: &[String],
    network: &str,
) -> PerNetwork {
    let mut out = per.get(network).cloned().unwrap_or_default();
    out.add_aliases(legacy_aliases);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn parses_network_options() {
        let o = parse(
            "web",
            "alias=a,alias=b,ip=10.89.0.5,ip6=fd00:1::5,mac=92-D0-C6-0A-29-33,interface_name=en0",
        )
        .unwrap();
        assert_eq!(o.aliases, ["a", "b"]);
        assert_eq!(o.ip, Some(Ipv4Addr::new(10, 89, 0, 5)));
        assert_eq!(o.ip6, Some("fd00:1::5".parse().unwrap()));
        assert_eq!(o.mac.as_deref(), Some("92:d0:c6:0a:29:33"));
        assert_eq!(o.interface_name.as_deref(), Some("en0"));
        assert!(parse("web", "").unwrap().is_empty());
        // ip= may carry a v6 address, as in podman.
        assert!(parse("web", "ip=fd00::7").unwrap().ip6.is_some());
        for bad in [
            "alias=",
            "bogus=1",
            "ip=10.1",
            "mac=01:00:5e:00:00:01",
            "mac=1:2:3",
            "interface_name=waytoolonginterface",
            "ip=10.0.0.1,ip=10.0.0.2",
            "alias=a b",
        ] {
            assert!(parse("web", bad).is_err(), "{bad}");
        }
        assert!(parse("web", "bogus=1")
            .unwrap_err()
            .to_string()
            .contains("`bogus=1`"));
    }

    #[test]
    fn legacy_aliases_apply_to_every_network() {
        let opts: crate::spec::RunOptions = serde_json::from_value(serde_json::json!({
            "network_aliases": ["old"],
            "network_opts": {"a": {"aliases": ["x"], "ip": "10.89.0.9"}},
        }))
        .unwrap();
        let (per, legacy) = (&opts.network_opts, &opts.network_aliases);
        let a = for_network(per, legacy, "a");
        assert_eq!(a.aliases, ["x", "old"]);
        assert_eq!(a.ip, Some(Ipv4Addr::new(10, 89, 0, 9)));
        assert_eq!(for_network(per, legacy, "b").aliases, ["old"]);
        let empty: crate::spec::RunOptions = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(empty.network_opts.is_empty() && empty.network_aliases.is_empty());
    }
}
