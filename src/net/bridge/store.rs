//! The network configuration store: `networks/<name>.json` under berth's data directory, in
//! podman's network JSON shape (what `network inspect` and `network ls --format json` print).
//! Writes happen under `networks/lock` and go through a temporary file and a rename.

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::storage::atomic::{fs_err, FsError};

use super::subnet::{self, Subnet, Subnet6, SubnetError};

/// The only driver.
pub const DRIVER: &str = "bridge";

/// podman's default network, which `--network bridge` joins: not stored (unless a file of
/// that name exists), always listed, never removed; 10.88.0.0/16 with DNS off, as podman has
/// it. Its bridge is `berth0` (the holder's nftables rules match `berth*`).
pub const DEFAULT_NAME: &str = "podman";

/// podman's id for its default network.
const DEFAULT_ID: &str = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9";

/// The default network's configuration.
pub fn default_network() -> Network {
    Network {
        name: DEFAULT_NAME.to_string(),
        id: DEFAULT_ID.to_string(),
        driver: DRIVER.to_string(),
        network_interface: "berth0".to_string(),
        created: Utc::now(),
        subnets: vec![SubnetJson {
            subnet: "10.88.0.0/16".to_string(),
            gateway: "10.88.0.1".to_string(),
            lease_range: None,
        }],
        ipv6_enabled: false,
        internal: false,
        dns_enabled: false,
        labels: BTreeMap::new(),
        ipam_options: BTreeMap::from([("driver".to_string(), "host-local".to_string())]),
    }
}

/// Why a network operation failed.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("network name `{0}` is already used")]
    Exists(String),
    #[error("unable to find network with name or ID {0}: network not found")]
    NotFound(String),
    #[error("the default network `podman` cannot be removed")]
    Default,
    #[error("invalid network name `{0}`: use letters, digits, `_`, `.` and `-`, starting with a letter or digit")]
    BadName(String),
    #[error("invalid network driver `{0}`: berth has only `bridge`")]
    BadDriver(String),
    #[error(transparent)]
    Subnet(#[from] SubnetError),
    #[error("subnet {subnet} overlaps subnet {other} of network `{network}`")]
    SubnetUsed {
        subnet: Subnet,
        other: Subnet,
        network: String,
    },
    #[error("subnet {subnet} overlaps the host's route to {route}")]
    SubnetOnHost { subnet: Subnet, route: Subnet },
    #[error("subnet {subnet} overlaps subnet {other} of network `{network}`")]
    Subnet6Used {
        subnet: Subnet6,
        other: Subnet6,
        network: String,
    },
    #[error("subnet {subnet} overlaps the host's route to {route}")]
    Subnet6OnHost { subnet: Subnet6, route: Subnet6 },
    #[error("no free subnet left in 10.89.0.0/16")]
    NoFreeSubnet,
    #[error("no free IPv6 subnet found in fd00::/8")]
    NoFreeSubnet6,
    #[error("invalid --subnet `{0}`: berth takes one IPv4 and one IPv6 subnet per network")]
    TwoOfAFamily(String),
    #[error("cannot set more gateways than subnets")]
    TooManyGateways,
    #[error("cannot set a gateway without a subnet")]
    GatewayWithoutSubnet,
    #[error("cannot set an --ip-range without a --subnet for it")]
    RangeWithoutSubnet,
    #[error(
        "invalid --ip-range `{range}`: expected a CIDR range or START-END inside subnet {subnet}"
    )]
    RangeOutside { range: String, subnet: String },
    #[error("network name or id `{0}` is ambiguous")]
    Ambiguous(String),
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error("parse `{path}`")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// One subnet of a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetJson {
    pub subnet: String,
    pub gateway: String,
    /// `--ip-range`: where addresses are handed out (a static address may lie anywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_range: Option<LeaseRange>,
}

/// podman's `lease_range`: the first and last address handed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseRange {
    pub start_ip: String,
    pub end_ip: String,
}

/// podman's network JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    pub id: String,
    pub driver: String,
    pub network_interface: String,
    pub created: DateTime<Utc>,
    pub subnets: Vec<SubnetJson>,
    pub ipv6_enabled: bool,
    pub internal: bool,
    pub dns_enabled: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub ipam_options: BTreeMap<String, String>,
}

impl Network {
    /// The IPv4 subnet.
    pub fn subnet(&self) -> Option<Subnet> {
        self.subnets
            .iter()
            .find_map(|s| Subnet::parse(&s.subnet).ok())
    }

    /// The IPv4 gateway address: the bridge's address in the rootless network namespace.
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        self.subnets.iter().find_map(|s| {
            Subnet::parse(&s.subnet)
                .ok()
                .and_then(|_| s.gateway.parse().ok())
        })
    }

    /// The IPv4 `--ip-range`: the first and last address handed out.
    pub fn lease_range(&self) -> Option<(Ipv4Addr, Ipv4Addr)> {
        self.subnets.iter().find_map(|s| {
            Subnet::parse(&s.subnet).ok()?;
            let r = s.lease_range.as_ref()?;
            Some((r.start_ip.parse().ok()?, r.end_ip.parse().ok()?))
        })
    }

    /// The IPv6 `--ip-range`.
    pub fn lease_range6(&self) -> Option<(Ipv6Addr, Ipv6Addr)> {
        self.subnets.iter().find_map(|s| {
            Subnet6::parse(&s.subnet).ok()?;
            let r = s.lease_range.as_ref()?;
            Some((r.start_ip.parse().ok()?, r.end_ip.parse().ok()?))
        })
    }

    /// The IPv6 subnet (`None` on an IPv4-only network).
    pub fn subnet6(&self) -> Option<Subnet6> {
        self.subnets
            .iter()
            .find_map(|s| Subnet6::parse(&s.subnet).ok())
    }

    /// The IPv6 gateway address.
    pub fn gateway6(&self) -> Option<Ipv6Addr> {
        self.subnets.iter().find_map(|s| {
            Subnet6::parse(&s.subnet)
                .ok()
                .and_then(|_| s.gateway.parse().ok())
        })
    }
}

/// What `network create` asks for, validated by [`NetworkStore::create`].
#[derive(Debug, Clone, Default)]
pub struct CreateRequest {
    pub name: Option<String>,
    pub driver: Option<String>,
    /// `--subnet`, in order (at most one of each family).
    pub subnets: Vec<String>,
    /// `--gateway`, the i-th for the i-th subnet.
    pub gateways: Vec<String>,
    /// `--ip-range`, the i-th for the i-th subnet (CIDR).
    pub ip_ranges: Vec<String>,
    /// `--ipv6`: dual stack (a free IPv6 subnet is added when none is given).
    pub ipv6: bool,
    pub internal: bool,
    pub disable_dns: bool,
    pub labels: BTreeMap<String, String>,
}

/// podman's rule for network names.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The networks directory and its lock.
pub struct NetworkStore {
    dir: PathBuf,
}

/// Held while the store changes.
pub struct StoreLock {
    _file: crate::storage::atomic::FileLock,
}

impl NetworkStore {
    /// The store under berth's data directory.
    pub fn new(data: &Path) -> Self {
        NetworkStore {
            dir: data.join("networks"),
        }
    }

    /// Take the store lock (create, remove and the checks before them).
    pub fn lock(&self) -> Result<StoreLock, NetworkError> {
        std::fs::create_dir_all(&self.dir).map_err(fs_err("create", &self.dir))?;
        Ok(StoreLock {
            _file: crate::storage::atomic::FileLock::exclusive(&self.dir.join("lock"))?,
        })
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// Every network, sorted by name.
    pub fn list(&self) -> Result<Vec<Network>, NetworkError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(fs_err("read", &self.dir)(e).into()),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(fs_err("read", &self.dir))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || !name.ends_with(".json") {
                continue;
            }
            out.push(read(&entry.path())?);
        }
        if !out.iter().any(|n| n.name == DEFAULT_NAME) {
            out.push(default_network());
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// A network by full name, full id or unique id prefix.
    pub fn find(&self, key: &str) -> Result<Network, NetworkError> {
        if valid_name(key) {
            match read(&self.path_of(key)) {
                Ok(n) => return Ok(n),
                Err(NetworkError::Fs(FsError { source, .. }))
                    if source.kind() == io::ErrorKind::NotFound =>
                {
                    if key == DEFAULT_NAME {
                        return Ok(default_network());
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let mut hits: Vec<Network> = self
            .list()?
            .into_iter()
            .filter(|n| !key.is_empty() && n.id.starts_with(key))
            .collect();
        match hits.len() {
            0 => Err(NetworkError::NotFound(key.to_string())),
            1 => Ok(hits.remove(0)),
            _ => Err(NetworkError::Ambiguous(key.to_string())),
        }
    }

    /// Validate and write a new network. `routes` are the host's routes (a default subnet
    /// avoids them; an explicit one that overlaps them is refused).
    pub fn create(
        &self,
        req: &CreateRequest,
        routes: &[Subnet],
        routes6: &[Subnet6],
    ) -> Result<Network, NetworkError> {
        let driver = req.driver.as_deref().unwrap_or(DRIVER);
        if driver != DRIVER {
            return Err(NetworkError::BadDriver(driver.to_string()));
        }
        if let Some(name) = &req.name {
            if !valid_name(name) {
                return Err(NetworkError::BadName(name.clone()));
            }
        }
        let wanted = parse_subnets(req)?;
        let _lock = self.lock()?;
        let existing = self.list()?;
        let name = match &req.name {
            Some(n) => {
                if existing.iter().any(|e| &e.name == n) {
                    return Err(NetworkError::Exists(n.clone()));
                }
                n.clone()
            }
            None => (1..)
                .map(|i| format!("berth{i}"))
                .find(|n| !existing.iter().any(|e| &e.name == n))
                .expect("an unused name"),
        };
        let taken: Vec<(Subnet, &str)> = existing
            .iter()
            .filter_map(|n| n.subnet().map(|s| (s, n.name.as_str())))
            .collect();
        let taken6: Vec<(Subnet6, &str)> = existing
            .iter()
            .filter_map(|n| n.subnet6().map(|s| (s, n.name.as_str())))
            .collect();
        // podman: IPv6 subnets alone make an IPv6-only network, unless --ipv6 asks for
        // dual stack.
        let v6_only = wanted.v4.is_none() && wanted.v6.is_some() && !req.ipv6;
        let subnet = match wanted.v4 {
            None if v6_only => None,
            Some((s, _)) => {
                if let Some((other, network)) = taken.iter().find(|(t, _)| t.overlaps(&s)) {
                    return Err(NetworkError::SubnetUsed {
                        subnet: s,
                        other: *other,
                        network: (*network).to_string(),
                    });
                }
                if let Some(route) = routes.iter().find(|r| r.overlaps(&s)) {
                    return Err(NetworkError::SubnetOnHost {
                        subnet: s,
                        route: *route,
                    });
                }
                Some(s)
            }
            None => {
                let t: Vec<Subnet> = taken.iter().map(|(s, _)| *s).collect();
                Some(subnet::pick_default(&t, routes).ok_or(NetworkError::NoFreeSubnet)?)
            }
        };
        let mut subnets = Vec::new();
        if let Some(subnet) = subnet {
            let gateway = wanted
                .v4
                .and_then(|(_, g)| g)
                .unwrap_or_else(|| subnet.first_host());
            subnets.push(SubnetJson {
                subnet: subnet.to_string(),
                gateway: gateway.to_string(),
                lease_range: wanted.range4.map(|(a, b)| LeaseRange {
                    start_ip: a.to_string(),
                    end_ip: b.to_string(),
                }),
            });
        }
        let subnet6 = match wanted.v6 {
            Some((s, _)) => {
                if let Some((other, network)) = taken6.iter().find(|(t, _)| t.overlaps(&s)) {
                    return Err(NetworkError::Subnet6Used {
                        subnet: s,
                        other: *other,
                        network: (*network).to_string(),
                    });
                }
                if let Some(route) = routes6.iter().find(|r| r.overlaps(&s)) {
                    return Err(NetworkError::Subnet6OnHost {
                        subnet: s,
                        route: *route,
                    });
                }
                Some(s)
            }
            None if req.ipv6 => {
                let t: Vec<Subnet6> = taken6.iter().map(|(s, _)| *s).collect();
                let random = |b: &mut [u8]| {
                    if getrandom::getrandom(b).is_err() {
                        // Without randomness, a clock-derived draw still avoids the taken ones.
                        let nanos = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_nanos());
                        for (x, y) in b.iter_mut().zip(nanos.to_le_bytes()) {
                            *x = y;
                        }
                    }
                };
                Some(
                    subnet::pick_default6(&t, routes6, random)
                        .ok_or(NetworkError::NoFreeSubnet6)?,
                )
            }
            None => None,
        };
        if let Some(s) = subnet6 {
            let gateway6 = wanted
                .v6
                .and_then(|(_, g)| g)
                .unwrap_or_else(|| s.first_host());
            subnets.push(SubnetJson {
                subnet: s.to_string(),
                gateway: gateway6.to_string(),
                lease_range: wanted.range6.map(|(a, b)| LeaseRange {
                    start_ip: a.to_string(),
                    end_ip: b.to_string(),
                }),
            });
        }
        let interface = (1..)
            .map(|i| format!("berth{i}"))
            .find(|i| !existing.iter().any(|e| &e.network_interface == i))
            .expect("an unused interface name");
        let network = Network {
            name,
            id: crate::storage::container::new_id(),
            driver: DRIVER.to_string(),
            network_interface: interface,
            created: Utc::now(),
            ipv6_enabled: subnet6.is_some(),
            subnets,
            internal: req.internal,
            dns_enabled: !req.disable_dns,
            labels: req.labels.clone(),
            ipam_options: BTreeMap::from([("driver".to_string(), "host-local".to_string())]),
        };
        let path = self.path_of(&network.name);
        let bytes = serde_json::to_vec_pretty(&network).map_err(|source| NetworkError::Parse {
            path: path.clone(),
            source,
        })?;
        crate::storage::atomic::write_atomic(
            &path,
            &bytes,
            crate::storage::atomic::Durability::Synced,
        )?;
        Ok(network)
    }

    /// Delete a network's configuration (the caller checked it is unused).
    pub fn remove(&self, network: &Network) -> Result<(), NetworkError> {
        let _lock = self.lock()?;
        let path = self.path_of(&network.name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound && network.name == DEFAULT_NAME => {
                Err(NetworkError::Default)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(NetworkError::NotFound(network.name.clone()))
            }
            Err(e) => Err(fs_err("remove", &path)(e).into()),
        }
    }
}

/// The subnets and gateways a create request names, by family.
#[derive(Default)]
struct Wanted {
    v4: Option<(Subnet, Option<Ipv4Addr>)>,
    v6: Option<(Subnet6, Option<Ipv6Addr>)>,
    /// `--ip-range` of each family, inside its subnet.
    range4: Option<(Ipv4Addr, Ipv4Addr)>,
    range6: Option<(Ipv6Addr, Ipv6Addr)>,
}

/// Check `--subnet` and `--gateway` (podman's rules: the i-th gateway belongs to the i-th
/// subnet; no gateway without a subnet). berth takes one subnet of each family.
fn parse_subnets(req: &CreateRequest) -> Result<Wanted, NetworkError> {
    if req.gateways.len() > req.subnets.len() {
        return Err(if req.subnets.is_empty() {
            NetworkError::GatewayWithoutSubnet
        } else {
            NetworkError::TooManyGateways
        });
    }
    if req.ip_ranges.len() > req.subnets.len() {
        return Err(NetworkError::RangeWithoutSubnet);
    }
    let mut out = Wanted::default();
    for (i, text) in req.subnets.iter().enumerate() {
        let gateway = req.gateways.get(i);
        let range = req.ip_ranges.get(i);
        let outside = |r: &String| NetworkError::RangeOutside {
            range: r.clone(),
            subnet: text.clone(),
        };
        if text.contains(':') {
            let s = Subnet6::parse(text)?;
            let g = gateway.map(|g| s.gateway(g)).transpose()?;
            if out.v6.replace((s, g)).is_some() {
                return Err(NetworkError::TwoOfAFamily(text.clone()));
            }
            if let Some(r) = range {
                let (a, b) = match r.split_once('-') {
                    Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                    None => Subnet6::parse(r)
                        .map(|c| (Some(c.first_host()), Some(c.last_host())))
                        .unwrap_or_default(),
                };
                match (a, b) {
                    (Some(a), Some(b)) if a <= b && s.is_host(a) && s.is_host(b) => {
                        out.range6 = Some((a, b));
                    }
                    _ => return Err(outside(r)),
                }
            }
        } else {
            let s = Subnet::parse(text)?;
            let g = gateway.map(|g| s.gateway(g)).transpose()?;
            if out.v4.replace((s, g)).is_some() {
                return Err(NetworkError::TwoOfAFamily(text.clone()));
            }
            if let Some(r) = range {
                let (a, b) = match r.split_once('-') {
                    Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                    None => Subnet::parse(r)
                        .map(|c| (Some(c.first_host()), Some(c.last_host())))
                        .unwrap_or_default(),
                };
                match (a, b) {
                    (Some(a), Some(b)) if a <= b && s.is_host(a) && s.is_host(b) => {
                        out.range4 = Some((a, b));
                    }
                    _ => return Err(outside(r)),
                }
            }
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<Network, NetworkError> {
    let bytes = std::fs::read(path).map_err(fs_err("read", path))?;
    serde_json::from_slice(&bytes).map_err(|source| NetworkError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str) -> CreateRequest {
        CreateRequest {
            name: Some(name.to_string()),
            ..CreateRequest::default()
        }
    }

    #[test]
    fn create_find_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let routes = [Subnet::parse("10.89.0.0/24").unwrap()];
        let a = store.create(&req("a"), &routes, &[]).unwrap();
        assert_eq!(a.subnets[0].subnet, "10.89.1.0/24");
        assert_eq!(a.subnets[0].gateway, "10.89.1.1");
        assert_eq!(a.network_interface, "berth1");
        assert!(a.dns_enabled && !a.internal);
        let b = store.create(&req("b"), &routes, &[]).unwrap();
        assert_eq!(b.subnets[0].subnet, "10.89.2.0/24");
        assert_eq!(b.network_interface, "berth2");
        assert!(matches!(
            store.create(&req("a"), &routes, &[]),
            Err(NetworkError::Exists(_))
        ));
        assert_eq!(store.find("a").unwrap(), a);
        assert_eq!(store.find(&b.id[..12]).unwrap(), b);
        assert!(matches!(store.find("zz"), Err(NetworkError::NotFound(_))));
        let names: Vec<String> = store.list().unwrap().into_iter().map(|n| n.name).collect();
        assert_eq!(names, ["a", "b", "podman"]);
        store.remove(&a).unwrap();
        // (`find("a")` could match an id starting with `a`, as in podman.)
        let names: Vec<String> = store.list().unwrap().into_iter().map(|n| n.name).collect();
        assert_eq!(names, ["b", "podman"]);
        // podman's default network is always there, found by name or id, never removed.
        let default = store.find("podman").unwrap();
        assert_eq!(default.subnets[0].subnet, "10.88.0.0/16");
        assert!(!default.dns_enabled);
        assert_eq!(store.find("2f259bab").unwrap().name, "podman");
        assert!(matches!(store.remove(&default), Err(NetworkError::Default)));
        assert!(matches!(store.remove(&a), Err(NetworkError::NotFound(_))));
        // The interface name and the subnet are free again.
        let c = store.create(&req("c"), &routes, &[]).unwrap();
        assert_eq!(c.network_interface, "berth1");
        assert_eq!(c.subnets[0].subnet, "10.89.1.0/24");
        let unnamed = store
            .create(&CreateRequest::default(), &routes, &[])
            .unwrap();
        assert_eq!(unnamed.name, "berth1");
    }

    #[test]
    fn explicit_subnets() {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let routes = [Subnet::parse("192.168.1.0/24").unwrap()];
        let mut r = req("x");
        r.subnets = vec!["172.30.5.0/24".into()];
        r.gateways = vec!["172.30.5.254".into()];
        let x = store.create(&r, &routes, &[]).unwrap();
        assert_eq!(x.subnets[0].gateway, "172.30.5.254");
        let mut r = req("y");
        r.subnets = vec!["172.30.0.0/16".into()];
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::SubnetUsed { .. })
        ));
        r.subnets = vec!["192.168.1.128/25".into()];
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::SubnetOnHost { .. })
        ));
        r.subnets = vec!["10.0.0.0/33".into()];
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::Subnet(_))
        ));
        r.subnets = vec!["10.7.0.0/24".into()];
        r.gateways = vec!["10.8.0.1".into()];
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::Subnet(_))
        ));
        r.gateways.clear();
        r.driver = Some("macvlan".into());
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::BadDriver(_))
        ));
        assert!(matches!(
            store.create(&req("-bad"), &routes, &[]),
            Err(NetworkError::BadName(_))
        ));
        // --ip-range: one per subnet, inside it.
        let mut r = req("z");
        r.ip_ranges = vec!["10.9.0.0/25".into()];
        assert!(matches!(
            store.create(&r, &routes, &[]),
            Err(NetworkError::RangeWithoutSubnet)
        ));
        r.subnets = vec!["10.9.0.0/24".into()];
        r.ip_ranges = vec!["10.9.1.0/25".into()];
        let err = store.create(&r, &routes, &[]).unwrap_err();
        assert!(err.to_string().contains("`10.9.1.0/25`"), "{err}");
        for bad in [
            "10.9.0.x/25",
            "10.9.0.9-10.9.0.5",
            "10.9.0.9-10.9.1.5",
            "10.9.0.0-10.9.0.5",
        ] {
            r.ip_ranges = vec![bad.into()];
            assert!(matches!(
                store.create(&r, &routes, &[]),
                Err(NetworkError::RangeOutside { .. })
            ));
        }
        r.ip_ranges = vec!["10.9.0.9-10.9.0.20".into()];
        let z = store.create(&r, &routes, &[]).unwrap();
        let lease = z.subnets[0].lease_range.clone().unwrap();
        assert_eq!(
            (lease.start_ip.as_str(), lease.end_ip.as_str()),
            ("10.9.0.9", "10.9.0.20")
        );
    }

    #[test]
    fn dual_stack() {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let host6 = [Subnet6::parse("fd00::/64").unwrap()];
        let mut r = req("six");
        r.subnets = vec!["fd12:3456:789a:1::/64".into(), "10.50.0.0/24".into()];
        r.gateways = vec!["fd12:3456:789a:1::fe".into()];
        let six = store.create(&r, &[], &host6).unwrap();
        assert!(six.ipv6_enabled);
        assert_eq!(six.subnet().unwrap().to_string(), "10.50.0.0/24");
        assert_eq!(six.gateway().unwrap().to_string(), "10.50.0.1");
        assert_eq!(six.subnet6().unwrap().to_string(), "fd12:3456:789a:1::/64");
        assert_eq!(six.gateway6().unwrap().to_string(), "fd12:3456:789a:1::fe");
        // --ipv6 alone: a default IPv4 subnet and a random ULA /64.
        let mut r = req("auto");
        r.ipv6 = true;
        let auto = store.create(&r, &[], &host6).unwrap();
        let s6 = auto.subnet6().unwrap();
        assert_eq!(s6.prefix, 64);
        assert_eq!(s6.addr.segments()[0] >> 8, 0xfd);
        assert!(auto.subnet().is_some() && auto.ipv6_enabled);
        assert_eq!(auto.subnets.len(), 2);
        // Errors: overlaps, the host's routes, v6-only without --ipv6, two of a family,
        // gateways without subnets.
        let mut r = req("bad");
        r.subnets = vec!["fd12:3456::/32".into()];
        r.ipv6 = true;
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::Subnet6Used { .. })
        ));
        r.subnets = vec!["fd00::/56".into()];
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::Subnet6OnHost { .. })
        ));
        r.ipv6 = false;
        r.subnets = vec!["fd77::/64".into(), "fd78::/64".into()];
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::TwoOfAFamily(_))
        ));
        r.subnets = vec!["fd77::/200".into()];
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::Subnet(SubnetError::Ipv6(_)))
        ));
        r.subnets.clear();
        r.gateways = vec!["fd77::1".into()];
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::GatewayWithoutSubnet)
        ));
        r.subnets = vec!["10.60.0.0/24".into()];
        r.gateways = vec!["10.60.0.1".into(), "10.60.0.2".into()];
        assert!(matches!(
            store.create(&r, &[], &host6),
            Err(NetworkError::TooManyGateways)
        ));
    }

    #[test]
    fn ipv6_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let mut r = req("only6");
        r.subnets = vec!["fd77::/64".into()];
        let n = store.create(&r, &[], &[]).unwrap();
        assert!(n.ipv6_enabled);
        assert_eq!(n.subnets.len(), 1);
        assert!(n.subnet().is_none() && n.gateway().is_none());
        assert_eq!(n.gateway6().unwrap().to_string(), "fd77::1");
    }

    #[test]
    fn names() {
        assert!(valid_name("net1") && valid_name("a.b_c-d"));
        assert!(!valid_name("") && !valid_name("_x") && !valid_name("a/b") && !valid_name("a b"));
    }
}
