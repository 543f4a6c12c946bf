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

use super::netopts::PerNetwork;
use super::store::Network;
use super::subnet::{Subnet, Subnet6};

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
    #[error("network `{0}` has no IPv4 subnet")]
    NoIpv4(String),
    #[error("{op} `{path}`")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> IpamError + 'a {
    move |source| IpamError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
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
    /// IPv4 address (as docker does), so that after a restart the neighbours' ARP entries
    /// are still right.
    pub fn mac_address(&self) -> String {
        self.mac.clone().unwrap_or_else(|| {
            let [a, b, c, d] = self.ip.octets();
            format!("02:42:{a:02x}:{b:02x}:{c:02x}:{d:02x}")
        })
    }
}

/// Link the finished temporary file `tmp` to `target`: `Ok(false)` when the name is taken.
fn link_claim(tmp: &Path, target: &Path) -> Result<bool, IpamError> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io_err("link", target)(e)),
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
    let (Some(subnet), Some(gateway)) = (net.subnet(), net.gateway()) else {
        return Err(IpamError::NoIpv4(net.name.clone()));
    };
    let v6 = net.subnet6().zip(net.gateway6());
    if let (Some(ip6), None) = (want.ip6, v6) {
        return Err(IpamError::NoSubnet {
            ip: IpAddr::V6(ip6),
            network: net.name.clone(),
            family: "IPv6",
        });
    }
    let name = &net.name;
    if let Some(ip) = want.ip {
        if !subnet.is_host(ip) {
            return Err(IpamError::Outside {
                ip: IpAddr::V4(ip),
                subnet: subnet.to_string(),
                network: name.clone(),
            });
        }
        if ip == gateway {
            return Err(IpamError::Gateway {
                ip: IpAddr::V4(ip),
                network: name.clone(),
            });
        }
    }
    if let (Some(ip6), Some((s6, g6))) = (want.ip6, v6) {
        if !s6.is_host(ip6) {
            return Err(IpamError::Outside {
                ip: IpAddr::V6(ip6),
                subnet: s6.to_string(),
                network: name.clone(),
            });
        }
        if ip6 == g6 {
            return Err(IpamError::Gateway {
                ip: IpAddr::V6(ip6),
                network: name.clone(),
            });
        }
    }
    let dir = network_dir(runtime, name);
    std::fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
    let tmp = dir.join(format!(
        ".tmp-{}-{}",
        record.container_id,
        std::process::id()
    ));
    let result = claim_in(&dir, &tmp, name, &mut record, want, subnet, gateway, v6);
    let _ = std::fs::remove_file(&tmp);
    result.map(|()| record)
}

/// [`claim`] inside the network's directory, with `tmp` as the temporary file.
#[allow(clippy::too_many_arguments)]
fn claim_in(
    dir: &Path,
    tmp: &Path,
    network: &str,
    record: &mut Allocation,
    want: &PerNetwork,
    subnet: Subnet,
    gateway: Ipv4Addr,
    v6: Option<(Subnet6, Ipv6Addr)>,
) -> Result<(), IpamError> {
    // The IPv6 address is chosen first and written into the record, so that the record
    // under the IPv4 name is complete when it appears.
    let mut claimed6: Option<PathBuf> = None;
    if let Some((s6, g6)) = v6 {
        let candidates: Box<dyn Iterator<Item = Ipv6Addr>> = match want.ip6 {
            Some(ip6) => Box::new(std::iter::once(ip6)),
            None => Box::new(s6.hosts().filter(move |ip| *ip != g6)),
        };
        for ip6 in candidates {
            let target = dir.join(ip6.to_string());
            if want.ip6.is_none() && target.exists() {
                continue;
            }
            record.ip6 = Some(ip6);
            write_record(tmp, record)?;
            if link_claim(tmp, &target)? {
                claimed6 = Some(target);
                break;
            }
            if want.ip6.is_some() {
                return Err(IpamError::Taken {
                    ip: IpAddr::V6(ip6),
                    network: network.to_string(),
                    container: holder_of(dir, IpAddr::V6(ip6)),
                });
            }
        }
        if claimed6.is_none() {
            return Err(IpamError::Exhausted6(s6));
        }
    }
    let give_back = |e: IpamError| {
        if let Some(p) = &claimed6 {
            let _ = std::fs::remove_file(p);
        }
        e
    };
    let candidates: Box<dyn Iterator<Item = Ipv4Addr>> = match want.ip {
        Some(ip) => Box::new(std::iter::once(ip)),
        None => Box::new(subnet.hosts().filter(move |ip| *ip != gateway)),
    };
    for ip in candidates {
        let target = dir.join(ip.to_string());
        if want.ip.is_none() && target.exists() {
            continue;
        }
        record.ip = ip;
        write_record(tmp, record).map_err(give_back)?;
        if link_claim(tmp, &target).map_err(give_back)? {
            return Ok(());
        }
        if want.ip.is_some() {
            return Err(give_back(IpamError::Taken {
                ip: IpAddr::V4(ip),
                network: network.to_string(),
                container: holder_of(dir, IpAddr::V4(ip)),
            }));
        }
    }
    Err(give_back(IpamError::Exhausted(subnet)))
}

fn write_record(tmp: &Path, record: &Allocation) -> Result<(), IpamError> {
    let bytes = serde_json::to_vec(record).expect("an allocation serializes");
    std::fs::write(tmp, &bytes).map_err(io_err("write", tmp))
}

/// Remove a record's files (both names of a dual-stack record).
fn remove_record(dir: &Path, a: &Allocation) {
    let _ = std::fs::remove_file(dir.join(a.ip.to_string()));
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
    std::fs::create_dir_all(&dir).map_err(io_err("create", &dir))?;
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
        subnet,
        gateway,
        None,
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
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !name.contains(':')
        })
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice(&b).ok())
        .collect();
    out.sort_by_key(|a: &Allocation| a.ip);
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
