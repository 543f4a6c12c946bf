//! Subnets: parsing `--subnet`/`--gateway`, overlap checks, the host's routes, and the
//! default choice (10.89.N.0/24 for IPv4, a random fdXX:XXXX:XXXX:XXXX::/64 for IPv6, as
//! podman).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// Why a subnet or gateway is not usable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SubnetError {
    #[error("invalid subnet `{0}`: expected an IPv4 CIDR such as 10.89.1.0/24")]
    Syntax(String),
    #[error("invalid subnet `{0}`: expected an IPv6 CIDR such as fd00:1:2:3::/64")]
    Ipv6(String),
    #[error("invalid subnet `{0}`: an IPv6 prefix must be between 8 and 120")]
    Prefix6(String),
    #[error("invalid subnet `{0}`: the prefix must be between 8 and 30")]
    Prefix(String),
    #[error("invalid gateway `{0}`: expected an IPv4 address")]
    GatewaySyntax(String),
    #[error("invalid gateway `{gateway}`: it is not a host address in subnet {subnet}")]
    GatewayOutside { gateway: String, subnet: Subnet },
    #[error("invalid gateway `{0}`: expected an IPv6 address")]
    GatewaySyntax6(String),
    #[error("invalid gateway `{gateway}`: it is not a host address in subnet {subnet}")]
    GatewayOutside6 { gateway: String, subnet: Subnet6 },
}

/// An IPv4 network: address (host bits zero) and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subnet {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Subnet {
    /// Parse `A.B.C.D/N`. Host bits are cleared (`10.1.2.3/24` is 10.1.2.0/24, as podman).
    pub fn parse(text: &str) -> Result<Self, SubnetError> {
        let (addr, prefix) = text
            .split_once('/')
            .ok_or_else(|| SubnetError::Syntax(text.to_string()))?;
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| SubnetError::Syntax(text.to_string()))?;
        let prefix: u8 = prefix
            .parse()
            .map_err(|_| SubnetError::Syntax(text.to_string()))?;
        if prefix > 32 {
            return Err(SubnetError::Syntax(text.to_string()));
        }
        if !(8..=30).contains(&prefix) {
            return Err(SubnetError::Prefix(text.to_string()));
        }
        Ok(Self::new(addr, prefix))
    }

    /// The subnet of `addr` with this prefix.
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Self {
        Subnet {
            addr: Ipv4Addr::from(u32::from(addr) & mask(prefix)),
            prefix,
        }
    }

    fn first(&self) -> u32 {
        u32::from(self.addr)
    }

    fn last(&self) -> u32 {
        self.first() | !mask(self.prefix)
    }

    /// Is `ip` inside, network and broadcast address included?
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        (self.first()..=self.last()).contains(&u32::from(ip))
    }

    /// Is `ip` a usable host address (not the network or broadcast address)?
    pub fn is_host(&self, ip: Ipv4Addr) -> bool {
        let ip = u32::from(ip);
        ip > self.first() && ip < self.last()
    }

    /// Do the two subnets share an address?
    pub fn overlaps(&self, other: &Subnet) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// The first host address (the default gateway).
    pub fn first_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.first() + 1)
    }

    /// The last host address (before the broadcast address).
    pub fn last_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.last().saturating_sub(1))
    }

    /// Every host address, in order.
    pub fn hosts(&self) -> impl Iterator<Item = Ipv4Addr> {
        (self.first() + 1..self.last()).map(Ipv4Addr::from)
    }

    /// Check `--gateway` against this subnet.
    pub fn gateway(&self, text: &str) -> Result<Ipv4Addr, SubnetError> {
        let ip: Ipv4Addr = text
            .parse()
            .map_err(|_| SubnetError::GatewaySyntax(text.to_string()))?;
        if !self.is_host(ip) {
            return Err(SubnetError::GatewayOutside {
                gateway: text.to_string(),
                subnet: *self,
            });
        }
        Ok(ip)
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

/// An IPv6 network: address (host bits zero) and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subnet6 {
    pub addr: Ipv6Addr,
    pub prefix: u8,
}

impl fmt::Display for Subnet6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn mask6(prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix))
    }
}

impl Subnet6 {
    /// Parse `ADDR/N` (IPv6). Host bits are cleared.
    pub fn parse(text: &str) -> Result<Self, SubnetError> {
        let bad = || SubnetError::Ipv6(text.to_string());
        let (addr, prefix) = text.split_once('/').ok_or_else(bad)?;
        let addr: Ipv6Addr = addr.parse().map_err(|_| bad())?;
        let prefix: u8 = prefix.parse().map_err(|_| bad())?;
        if prefix > 128 {
            return Err(bad());
        }
        if !(8..=120).contains(&prefix) {
            return Err(SubnetError::Prefix6(text.to_string()));
        }
        Ok(Self::new(addr, prefix))
    }

    /// The subnet of `addr` with this prefix.
    pub fn new(addr: Ipv6Addr, prefix: u8) -> Self {
        Subnet6 {
            addr: Ipv6Addr::from(u128::from(addr) & mask6(prefix)),
            prefix,
        }
    }

    fn first(&self) -> u128 {
        u128::from(self.addr)
    }

    fn last(&self) -> u128 {
        self.first() | !mask6(self.prefix)
    }

    /// Is `ip` inside?
    pub fn contains(&self, ip: Ipv6Addr) -> bool {
        (self.first()..=self.last()).contains(&u128::from(ip))
    }

    /// Is `ip` a usable host address (not the subnet-router anycast address, the first)?
    pub fn is_host(&self, ip: Ipv6Addr) -> bool {
        let ip = u128::from(ip);
        ip > self.first() && ip <= self.last()
    }

    /// Do the two subnets share an address?
    pub fn overlaps(&self, other: &Subnet6) -> bool {
        self.first() <= other.last() && other.first() <= self.last()
    }

    /// The first host address (the default gateway).
    pub fn first_host(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.first() + 1)
    }

    /// The last address.
    pub fn last_host(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.last())
    }

    /// Every host address, in order.
    pub fn hosts(&self) -> impl Iterator<Item = Ipv6Addr> {
        (self.first() + 1..=self.last()).map(Ipv6Addr::from)
    }

    /// Check `--gateway` against this subnet.
    pub fn gateway(&self, text: &str) -> Result<Ipv6Addr, SubnetError> {
        let ip: Ipv6Addr = text
            .parse()
            .map_err(|_| SubnetError::GatewaySyntax6(text.to_string()))?;
        if !self.is_host(ip) {
            return Err(SubnetError::GatewayOutside6 {
                gateway: text.to_string(),
                subnet: *self,
            });
        }
        Ok(ip)
    }
}

/// The host's IPv6 routes (`/proc/net/ipv6_route`), as subnets; default routes are left out.
pub fn host_routes6(route_file: &Path) -> Vec<Subnet6> {
    std::fs::read_to_string(route_file)
        .map(|text| parse_routes6(&text))
        .unwrap_or_default()
}

/// Parse the text of `/proc/net/ipv6_route`: destination (32 hex digits) and prefix length
/// (hex) first; no header.
pub fn parse_routes6(text: &str) -> Vec<Subnet6> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let dest = u128::from_str_radix(f.first()?, 16).ok()?;
            let prefix = u8::from_str_radix(f.get(1)?, 16).ok()?;
            let dest = Ipv6Addr::from(dest);
            // Default, multicast and link-local routes are not subnets a network could take.
            if prefix == 0 || dest.segments()[0] & 0xff00 == 0xff00 || dest.segments()[0] == 0xfe80
            {
                return None;
            }
            Some(Subnet6::new(dest, prefix))
        })
        .collect()
}

/// A random unique-local /64 (`fd` and 56 random bits, RFC 4193, as podman), overlapping
/// neither `taken` nor `routes`; `random` fills the bytes.
pub fn pick_default6(
    taken: &[Subnet6],
    routes: &[Subnet6],
    mut random: impl FnMut(&mut [u8]),
) -> Option<Subnet6> {
    for _ in 0..1000 {
        let mut bytes = [0u8; 16];
        random(&mut bytes[1..8]);
        bytes[0] = 0xfd;
        bytes[8..].fill(0);
        let s = Subnet6::new(Ipv6Addr::from(bytes), 64);
        if !taken.iter().chain(routes).any(|t| t.overlaps(&s)) {
            return Some(s);
        }
    }
    None
}

/// The host's IPv4 routes (`/proc/net/route`), as subnets; the default route is left out.
pub fn host_routes(route_file: &Path) -> Vec<Subnet> {
    std::fs::read_to_string(route_file)
        .map(|text| parse_routes(&text))
        .unwrap_or_default()
}

/// Parse the text of `/proc/net/route`: destination and mask are little-endian hex.
pub fn parse_routes(text: &str) -> Vec<Subnet> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let dest = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let mask = u32::from_str_radix(f.get(7)?, 16).ok()?;
            let prefix = u8::try_from(mask.count_ones()).ok()?;
            if prefix == 0 {
                return None;
            }
            // The kernel prints the network-order word as a native integer.
            Some(Subnet::new(Ipv4Addr::from(dest.to_ne_bytes()), prefix))
        })
        .collect()
}

/// The first 10.89.N.0/24 that overlaps neither `taken` (other networks) nor `routes`.
pub fn pick_default(taken: &[Subnet], routes: &[Subnet]) -> Option<Subnet> {
    (0..=255u8)
        .map(|n| Subnet::new(Ipv4Addr::new(10, 89, n, 0), 24))
        .find(|s| !taken.iter().chain(routes).any(|t| t.overlaps(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalizes() {
        let s = Subnet::parse("10.1.2.3/24").unwrap();
        assert_eq!(s.to_string(), "10.1.2.0/24");
        assert_eq!(s.first_host(), Ipv4Addr::new(10, 1, 2, 1));
        assert!(s.is_host(Ipv4Addr::new(10, 1, 2, 254)));
        assert!(!s.is_host(Ipv4Addr::new(10, 1, 2, 255)));
        assert!(matches!(
            Subnet::parse("10.1.2.0"),
            Err(SubnetError::Syntax(_))
        ));
        assert!(matches!(
            Subnet::parse("10.1.2.300/24"),
            Err(SubnetError::Syntax(_))
        ));
        assert!(matches!(
            Subnet::parse("10.1.2.0/31"),
            Err(SubnetError::Prefix(_))
        ));
        assert!(matches!(
            Subnet::parse("fd00::/64"),
            Err(SubnetError::Syntax(_))
        ));
        assert_eq!(s.hosts().count(), 254);
    }

    #[test]
    fn ipv6_subnets() {
        let s = Subnet6::parse("fd12:3456:789a:1::7/64").unwrap();
        assert_eq!(s.to_string(), "fd12:3456:789a:1::/64");
        assert_eq!(s.first_host().to_string(), "fd12:3456:789a:1::1");
        assert!(s.contains("fd12:3456:789a:1:ffff::1".parse().unwrap()));
        assert!(!s.contains("fd12:3456:789a:2::1".parse().unwrap()));
        assert_eq!(s.hosts().nth(1).unwrap().to_string(), "fd12:3456:789a:1::2");
        assert!(matches!(
            Subnet6::parse("fd00::/200"),
            Err(SubnetError::Ipv6(_))
        ));
        assert!(matches!(
            Subnet6::parse("fd00::/127"),
            Err(SubnetError::Prefix6(_))
        ));
        assert!(Subnet6::parse("10.0.0.0/8").is_err());
        let wide = Subnet6::parse("fd12:3456::/32").unwrap();
        assert!(wide.overlaps(&s) && s.overlaps(&wide));
        assert!(s.gateway("fd12:3456:789a:1::fe").is_ok());
        assert!(s.gateway("fd12:3456:789a:1::").is_err());
        assert!(s.gateway("fd99::1").is_err());
        assert!(s.gateway("10.0.0.1").is_err());
        let routes = parse_routes6(
            "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
             fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
             00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n",
        );
        assert_eq!(routes, vec![Subnet6::parse("fd00::/64").unwrap()]);
        let mut n = 0u8;
        let picked = pick_default6(&[s], &routes, |b| {
            n += 1;
            b.fill(if n == 1 { 0 } else { 0x12 });
        })
        .unwrap();
        // The first draw, fd00::/64, is the host's; the second is free.
        assert_eq!(picked.to_string(), "fd12:1212:1212:1212::/64");
    }

    #[test]
    fn gateways() {
        let s = Subnet::parse("192.168.5.0/24").unwrap();
        assert_eq!(
            s.gateway("192.168.5.9").unwrap(),
            Ipv4Addr::new(192, 168, 5, 9)
        );
        assert!(s.gateway("192.168.6.1").is_err());
        assert!(s.gateway("192.168.5.0").is_err());
        assert!(s.gateway("nope").is_err());
    }

    #[test]
    fn overlaps_and_default() {
        let a = Subnet::parse("10.89.0.0/24").unwrap();
        let b = Subnet::parse("10.89.0.128/25").unwrap();
        let c = Subnet::parse("10.89.1.0/24").unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c));
        let routes = parse_routes(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
             eth0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
             eth0\t0001590A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n",
        );
        assert_eq!(routes, vec![Subnet::parse("10.89.1.0/24").unwrap()]);
        assert_eq!(
            pick_default(&[a], &routes).unwrap().to_string(),
            "10.89.2.0/24"
        );
    }
}
