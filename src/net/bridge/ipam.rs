//! Address allocation for running containers: one file per address,
//! `$XDG_RUNTIME_DIR/berth/networks/<network>/<ip>`, holding the container's id, name and
//! aliases (the name server's records). An address is claimed by `link(2)`-ing a finished
//! temporary file to its name, which fails when another container holds it, so no lock is
//! needed and a reader never sees half a record. The file is removed when the container
//! ends; the runtime directory does not survive a reboot, nor do the containers using it.
//!
//! On a dual-stack network the record is claimed under both addresses: the IPv4 name holds
//! it (readers list that one), the IPv6 name keeps the address taken.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::storage::atomic::{fs_err, FsError};

use super::store::Network;
use super::subnet::{Subnet, Subnet6};
use crate::spec::PerNetwork;

/// Why allocation failed.
#[derive(Debug, thiserror::Error)]
pub enum IpamError {
    #[error("no free address left in subnet {0}")]
    Exhausted(Subnet),
    #[error("no free address left in subnet {0}")]
    Exhausted6(Subnet6),
    #[error("address {ip} on network `{network}` is already used by container `{container}`")]
    Taken {
        ip: IpAddr,
        network: String,
        container: String,
    },
    #[error("address {ip} is not a host address in subnet {subnet} of network `{network}`")]
    Outside {
        ip: IpAddr,
        subnet: String,
        network: String,
    },
    #[error("address {ip} is the gateway of network `{network}`")]
    Gateway { ip: IpAddr, network: String },
    #[error("address {ip}: network `{network}` has no {family} subnet")]
    NoSubnet {
        ip: IpAddr,
        network: String,
        family: &'static str,
    },
    #[error("network `{0}` has no subnet")]
    NoIpv4(String),
    #[error(transparent)]
    Fs(#[from] FsError),
}

/// One container's address on one network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub ip: Ipv4Addr,
    pub container_id: String,
    pub container_name: String,
    /// The address on the network's IPv6 subnet, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip6: Option<Ipv6Addr>,
    /// Aliases on this network (`--network NAME:alias=`, `--network-alias`, `connect
    /// --alias`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A static MAC address (otherwise one derived from `ip`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// The interface's name in the container (otherwise `ethN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface: Option<String>,
    /// The session that holds the address (pid and start time): a record whose session is
    /// gone (killed, crashed) is stale and freed by the holder.
    #[serde(default)]
    pub owner: Option<(i32, u64)>,
}

impl Allocation {
    /// Does this record answer to `name` (container name, alias, or short id)?
    pub fn answers(&self, name: &str) -> bool {
        self.container_name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            || (name.len() == 12 && self.container_id.starts_with(name))
    }

    /// The container's MAC address on this network: the static one, else `02:42:` and the
    /// IPv4 address (as docker does; on an IPv6-only network the last four bytes of the
    /// IPv6 address), so that after a restart the neighbours' ARP entries are still right.
    pub fn mac_address(&self) -> String {
        self.mac.clone().unwrap_or_else(|| {
            let [a, b, c, d] = match (self.ip4(), self.ip6) {
                (None, Some(v6)) => {
                    let o = v6.octets();
                    [o[12], o[13], o[14], o[15]]
                }
                _ => self.ip.octets(),
            };
            format!("02:42:{a:02x}:{b:02x}:{c:02x}:{d:02x}")
        })
    }

    /// The IPv4 address (`None` on an IPv6-only network, where `ip` is 0.0.0.0).
    pub fn ip4(&self) -> Option<Ipv4Addr> {
        (!self.ip.is_unspecified()).then_some(self.ip)
    }

    /// The address the record is listed under: the IPv4 one, else the IPv6 one.
    pub fn primary(&self) -> IpAddr {
        match (self.ip4(), self.ip6) {
            (None, Some(v6)) => IpAddr::V6(v6),
            _ => IpAddr::V4(self.ip),
        }
    }

    /// Every address, IPv4 first.
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.ip4()
            .map(IpAddr::V4)
            .into_iter()
            .chain(self.ip6.map(IpAddr::V6))
            .collect()
    }
}

/// Link the finished temporary file `tmp` to `target`: `Ok(false)` when the name is taken.
fn link_claim(tmp: &Path, target: &Path) -> Result<bool, IpamError> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(fs_err("link", target)(e).into()),
    }
}

/// The container that holds `ip` on `network` (for the error message).
fn holder_of(dir: &Path, ip: IpAddr) -> String {
    std::fs::read(dir.join(ip.to_string()))
        .ok()
        .and_then(|b| serde_json::from_slice::<Allocation>(&b).ok())
        .map_or_else(|| "(unknown)".to_string(), |a| a.container_name)
}

/// Claim an address on each of `net`'s subnets for `record`: the ones `want` names
/// (checked: inside the subnet, not the gateway, not taken), else the lowest free ones.
pub fn claim(
    runtime: &Path,
    net: &Network,
    mut record: Allocation,
    want: &PerNetwork,
) -> Result<Allocation, IpamError> {
    let v4 = net.subnet().zip(net.gateway());
    let v6 = net.subnet6().zip(net.gateway6());
    let name = &net.name;
    if v4.is_none() && v6.is_none() {
        return Err(IpamError::NoIpv4(name.clone()));
    }
    let no_subnet = |ip: IpAddr, family| IpamError::NoSubnet {
        ip,
        network: name.clone(),
        family,
    };
    match (want.ip, v4) {
        (Some(ip), None) => return Err(no_subnet(IpAddr::V4(ip), "IPv4")),
        (Some(ip), Some((subnet, gateway))) => {
            check_static(
                name,
                IpAddr::V4(ip),
                subnet.is_host(ip),
                ip == gateway,
                &subnet,
            )?;
        }
        _ => {}
    }
    match (want.ip6, v6) {
        (Some(ip6), None) => return Err(no_subnet(IpAddr::V6(ip6), "IPv6")),
        (Some(ip6), Some((s6, g6))) => {
            check_static(name, IpAddr::V6(ip6), s6.is_host(ip6), ip6 == g6, &s6)?;
        }
        _ => {}
    }
    let dir = network_dir(runtime, name);
    std::fs::create_dir_all(&dir).map_err(fs_err("create", &dir))?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        record.container_id,
        std::process::id()
    ));
    let ranges = (net.lease_range(), net.lease_range6());
    let result = claim_in(&dir, &tmp, name, &mut record, want, v4, v6, ranges);
    let _ = std::fs::remove_file(&tmp);
    result.map(|()| record)
}

/// A static address must be a host address of its subnet and not the gateway.
fn check_static(
    network: &str,
    ip: IpAddr,
    is_host: bool,
    is_gateway: bool,
    subnet: &dyn std::fmt::Display,
) -> Result<(), IpamError> {
    if !is_host {
        return Err(IpamError::Outside {
            ip,
            subnet: subnet.to_string(),
            network: network.to_string(),
        });
    }
    if is_gateway {
        return Err(IpamError::Gateway {
            ip,
            network: network.to_string(),
        });
    }
    Ok(())
}

/// [`claim`] inside the network's directory, with `tmp` as the temporary file. The IPv4
/// name is claimed first (a reader lists the record under it), then the IPv6 name, and the
/// complete record then replaces the one under the IPv4 name; an IPv6-only record lives
/// under its IPv6 name.
/// A network's `--ip-range` of each family: the first and last address handed out.
type LeaseRanges = (Option<(Ipv4Addr, Ipv4Addr)>, Option<(Ipv6Addr, Ipv6Addr)>);

#[allow(clippy::too_many_arguments)]
fn claim_in(
    dir: &Path,
    tmp: &Path,
    network: &str,
    record: &mut Allocation,
    want: &PerNetwork,
    v4: Option<(Subnet, Ipv4Addr)>,
    v6: Option<(Subnet6, Ipv6Addr)>,
    // `--ip-range` of each family: dynamic addresses come from there only.
    (range4, range6): LeaseRanges,
) -> Result<(), IpamError> {
    let mut claimed4: Option<PathBuf> = None;
    if let Some((subnet, gateway)) = v4 {
        let candidates: Box<dyn Iterator<Item = Ipv4Addr>> = match want.ip {
            Some(ip) => Box::new(std::iter::once(ip)),
            None => {
                let (from, to) = range4.unwrap_or((subnet.first_host(), subnet.last_host()));
                Box::new(
                    (u32::from(from)..=u32::from(to))
                        .map(Ipv4Addr::from)
                        .filter(move |ip| *ip != gateway),
                )
            }
        };
        for ip in candidates {
            let target = dir.join(ip.to_string());
            if want.ip.is_none() && target.exists() {
                continue;
            }
            record.ip = ip;
            write_record(tmp, record)?;
            if link_claim(tmp, &target)? {
                claimed4 = Some(target);
                break;
            }
            if want.ip.is_some() {
                return Err(IpamError::Taken {
                    ip: IpAddr::V4(ip),
                    network: network.to_string(),
                    container: holder_of(dir, IpAddr::V4(ip)),
                });
            }
        }
        if claimed4.is_none() {
            return Err(IpamError::Exhausted(subnet));
        }
    }
    let Some((s6, g6)) = v6 else {
        return Ok(());
    };
    let give_back = |e: IpamError| {
        if let Some(p) = &claimed4 {
            let _ = std::fs::remove_file(p);
        }
        e
    };
    let candidates: Box<dyn Iterator<Item = Ipv6Addr>> = match want.ip6 {
        Some(ip6) => Box::new(std::iter::once(ip6)),
        None => {
            let (from, to) = range6.unwrap_or((s6.first_host(), s6.last_host()));
            Box::new(
                (u128::from(from)..=u128::from(to))
                    .map(Ipv6Addr::from)
                    .filter(move |ip| *ip != g6),
            )
        }
    };
    for ip6 in candidates {
        let target = dir.join(ip6.to_string());
        if want.ip6.is_none() && target.exists() {
            continue;
        }
        record.ip6 = Some(ip6);
        write_record(tmp, record).map_err(give_back)?;
        if link_claim(tmp, &target).map_err(give_back)? {
            if let Some(p) = &claimed4 {
                // The complete record replaces the first one in one step.
                if let Err(e) = std::fs::rename(tmp, p) {
                    let _ = std::fs::remove_file(&target);
                    return Err(give_back(fs_err("rename", p)(e).into()));
                }
            }
            return Ok(());
        }
        if want.ip6.is_some() {
            return Err(give_back(IpamError::Taken {
                ip: IpAddr::V6(ip6),
                network: network.to_string(),
                container: holder_of(dir, IpAddr::V6(ip6)),
            }));
        }
    }
    Err(give_back(IpamError::Exhausted6(s6)))
}

fn write_record(tmp: &Path, record: &Allocation) -> Result<(), IpamError> {
    let bytes = serde_json::to_vec(record).expect("an allocation serializes");
    Ok(std::fs::write(tmp, &bytes).map_err(fs_err("write", tmp))?)
}

/// Remove a record's files (both names of a dual-stack record).
fn remove_record(dir: &Path, a: &Allocation) {
    if let Some(ip) = a.ip4() {
        let _ = std::fs::remove_file(dir.join(ip.to_string()));
    }
    if let Some(ip6) = a.ip6 {
        let _ = std::fs::remove_file(dir.join(ip6.to_string()));
    }
}

/// The allocation directory of every network.
pub fn root(runtime: &Path) -> PathBuf {
    runtime.join("networks")
}

fn network_dir(runtime: &Path, network: &str) -> PathBuf {
    root(runtime).join(network)
}

/// Claim the lowest free host address of `subnet` other than `gateway`.
pub fn allocate(
    runtime: &Path,
    network: &str,
    subnet: Subnet,
    gateway: Ipv4Addr,
    mut record: Allocation,
) -> Result<Allocation, IpamError> {
    let dir = network_dir(runtime, network);
    std::fs::create_dir_all(&dir).map_err(fs_err("create", &dir))?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        record.container_id,
        std::process::id()
    ));
    let want = PerNetwork::default();
    let result = claim_in(
        &dir,
        &tmp,
        network,
        &mut record,
        &want,
        Some((subnet, gateway)),
        None,
        (None, None),
    );
    let _ = std::fs::remove_file(&tmp);
    result.map(|()| record)
}

/// Every allocation on a network.
pub fn entries(runtime: &Path, network: &str) -> Vec<Allocation> {
    let dir = network_dir(runtime, network);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    // A dual-stack record is listed under its IPv4 name only.
    let mut out: Vec<Allocation> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return None;
            }
            let a: Allocation = serde_json::from_slice(&std::fs::read(e.path()).ok()?).ok()?;
            (a.primary().to_string() == name).then_some(a)
        })
        .collect();
    out.sort_by_key(Allocation::primary);
    out
}

/// Free every address a container holds on `network`.
pub fn release(runtime: &Path, network: &str, container_id: &str) {
    let dir = network_dir(runtime, network);
    for a in entries(runtime, network) {
        if a.container_id == container_id {
            remove_record(&dir, &a);
        }
    }
}

/// Free every address that `container_id` holds on any network through session `owner`
/// (a container's monitor, when it ends: `network connect` may have added networks to the
/// ones it started with).
pub fn release_owned(runtime: &Path, container_id: &str, owner: (i32, u64)) {
    let Ok(rd) = std::fs::read_dir(root(runtime)) else {
        return;
    };
    for net in rd.flatten() {
        let name = net.file_name().to_string_lossy().into_owned();
        for a in entries(runtime, &name) {
            if a.container_id == container_id && a.owner == Some(owner) {
                remove_record(&net.path(), &a);
            }
        }
    }
}

/// Free the records whose owning session is gone.
pub fn collect_stale(runtime: &Path) {
    let Ok(rd) = std::fs::read_dir(root(runtime)) else {
        return;
    };
    for net in rd.flatten() {
        let name = net.file_name().to_string_lossy().into_owned();
        for a in entries(runtime, &name) {
            if let Some((pid, start)) = a.owner {
                if crate::storage::container::process_start_time(pid) != Some(start) {
                    remove_record(&net.path(), &a);
                }
            }
        }
    }
}

/// Does any network still have an allocation? (The rootless namespace is kept while so.)
pub fn any_in_use(runtime: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(root(runtime)) else {
        return false;
    };
    rd.flatten().any(|net| {
        std::fs::read_dir(net.path()).is_ok_and(|mut r| {
            r.any(|e| e.is_ok_and(|e| !e.file_name().to_string_lossy().starts_with('.')))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, name: &str) -> Allocation {
        Allocation {
            ip: Ipv4Addr::UNSPECIFIED,
            container_id: id.to_string(),
            container_name: name.to_string(),
            ip6: None,
            aliases: vec!["web".to_string()],
            mac: None,
            interface: None,
            owner: None,
        }
    }

    #[test]
    fn static_and_dual_stack_claims() {
        use super::super::store::{CreateRequest, NetworkStore};
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(&dir.path().join("data"));
        let req = CreateRequest {
            name: Some("d".into()),
            subnets: vec!["10.70.0.0/24".into(), "fd12:3456:789a:1::/64".into()],
            ..Default::default()
        };
        let net = store.create(&req, &[], &[]).unwrap();
        let run = dir.path().join("run");
        let a = claim(&run, &net, rec("aaaa", "one"), &PerNetwork::default()).unwrap();
        assert_eq!(a.ip, Ipv4Addr::new(10, 70, 0, 2));
        assert_eq!(a.ip6, Some("fd12:3456:789a:1::2".parse().unwrap()));
        assert_eq!(a.mac_address(), "02:42:0a:46:00:02");
        // Listed once, under its IPv4 name.
        assert_eq!(entries(&run, "d"), vec![a.clone()]);
        let mut want = PerNetwork {
            ip: Some(Ipv4Addr::new(10, 70, 0, 2)),
            ..Default::default()
        };
        let err = claim(&run, &net, rec("bbbb", "two"), &want).unwrap_err();
        assert_eq!(
            err.to_string(),
            "address 10.70.0.2 on network `d` is already used by container `one`"
        );
        want.ip = None;
        want.ip6 = a.ip6;
        let err = claim(&run, &net, rec("bbbb", "two"), &want).unwrap_err();
        assert!(err.to_string().contains("used by container `one`"), "{err}");
        // A failed claim leaves nothing behind.
        assert_eq!(entries(&run, "d").len(), 1);
        want.ip6 = None;
        want.ip = Some(Ipv4Addr::new(10, 70, 0, 1));
        assert!(matches!(
            claim(&run, &net, rec("bbbb", "two"), &want),
            Err(IpamError::Gateway { .. })
        ));
        want.ip = Some(Ipv4Addr::new(10, 71, 0, 9));
        assert!(matches!(
            claim(&run, &net, rec("bbbb", "two"), &want),
            Err(IpamError::Outside { .. })
        ));
        want.ip = Some(Ipv4Addr::new(10, 70, 0, 200));
        want.ip6 = Some("fd12:3456:789a:1::c8".parse().unwrap());
        want.mac = Some("92:d0:c6:0a:29:33".into());
        let mut r = rec("bbbb", "two");
        r.mac.clone_from(&want.mac);
        let b = claim(&run, &net, r, &want).unwrap();
        assert_eq!((b.ip, b.ip6), (want.ip.unwrap(), want.ip6));
        assert_eq!(b.mac_address(), "92:d0:c6:0a:29:33");
        release(&run, "d", "aaaa");
        release(&run, "d", "bbbb");
        assert!(!any_in_use(&run));
        // The freed IPv6 address can be claimed again.
        let c = claim(&run, &net, rec("cccc", "three"), &PerNetwork::default()).unwrap();
        assert_eq!(c.ip6, a.ip6);
    }

    #[test]
    fn ip_ranges_bound_dynamic_addresses_only() {
        use super::super::store::{CreateRequest, NetworkStore};
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(&dir.path().join("data"));
        let req = CreateRequest {
            name: Some("r".into()),
            subnets: vec!["10.71.0.0/24".into(), "fd12:3456:789a:2::/64".into()],
            ip_ranges: vec!["10.71.0.252/30".into(), "fd12:3456:789a:2:8000::/65".into()],
            ..Default::default()
        };
        let net = store.create(&req, &[], &[]).unwrap();
        let range = net.subnets[0].lease_range.as_ref().unwrap();
        assert_eq!(
            (range.start_ip.as_str(), range.end_ip.as_str()),
            ("10.71.0.253", "10.71.0.254")
        );
        let run = dir.path().join("run");
        let a = claim(&run, &net, rec("aaaa", "one"), &PerNetwork::default()).unwrap();
        assert_eq!(a.ip, Ipv4Addr::new(10, 71, 0, 253));
        assert_eq!(a.ip6, Some("fd12:3456:789a:2:8000::1".parse().unwrap()));
        let b = claim(&run, &net, rec("bbbb", "two"), &PerNetwork::default()).unwrap();
        assert_eq!(b.ip, Ipv4Addr::new(10, 71, 0, 254));
        assert!(matches!(
            claim(&run, &net, rec("cccc", "three"), &PerNetwork::default()),
            Err(IpamError::Exhausted(_))
        ));
        // A static address may lie outside the range.
        let want = PerNetwork {
            ip: Some(Ipv4Addr::new(10, 71, 0, 9)),
            ..Default::default()
        };
        assert_eq!(
            claim(&run, &net, rec("dddd", "four"), &want).unwrap().ip,
            want.ip.unwrap()
        );
    }

    #[test]
    fn allocate_and_release() {
        let dir = tempfile::tempdir().unwrap();
        let s = Subnet::parse("10.89.3.0/30").unwrap();
        let gw = s.first_host();
        let a = allocate(dir.path(), "n", s, gw, rec("aaaaaaaaaaaaaaaa", "one")).unwrap();
        assert_eq!(a.ip, Ipv4Addr::new(10, 89, 3, 2));
        assert!(matches!(
            allocate(dir.path(), "n", s, gw, rec("bbbbbbbbbbbbbbbb", "two")),
            Err(IpamError::Exhausted(_))
        ));
        assert_eq!(entries(dir.path(), "n"), vec![a.clone()]);
        assert!(a.answers("ONE") && a.answers("web") && a.answers("aaaaaaaaaaaa"));
        assert!(!a.answers("two"));
        assert!(any_in_use(dir.path()));
        let mut owned = rec("aaaaaaaaaaaaaaaa", "one");
        owned.owner = Some((7, 9));
        let o = allocate(dir.path(), "m", s, gw, owned).unwrap();
        release_owned(dir.path(), "aaaaaaaaaaaaaaaa", (7, 8));
        assert_eq!(entries(dir.path(), "m"), vec![o]);
        release_owned(dir.path(), "aaaaaaaaaaaaaaaa", (7, 9));
        assert!(entries(dir.path(), "m").is_empty());
        release(dir.path(), "n", "aaaaaaaaaaaaaaaa");
        assert!(entries(dir.path(), "n").is_empty());
        assert!(!any_in_use(dir.path()));
        let mut dead = rec("bbbbbbbbbbbbbbbb", "two");
        dead.owner = Some((i32::MAX, 1));
        let b = allocate(dir.path(), "n", s, gw, dead).unwrap();
        assert_eq!(b.ip, Ipv4Addr::new(10, 89, 3, 2));
        collect_stale(dir.path());
        assert!(entries(dir.path(), "n").is_empty());
    }
}
