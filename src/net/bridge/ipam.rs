//! Address allocation for running containers: one file per address,
//! `$XDG_RUNTIME_DIR/berth/networks/<network>/<ip>`, holding the container's id, name and
//! aliases (the name server's records). An address is claimed by `link(2)`-ing a finished
//! temporary file to its name, which fails when another container holds it, so no lock is
//! needed and a reader never sees half a record. The file is removed when the container
//! ends; the runtime directory does not survive a reboot, nor do the containers using it.

use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::subnet::Subnet;

/// Why allocation failed.
#[derive(Debug, thiserror::Error)]
pub enum IpamError {
    #[error("no free address left in subnet {0}")]
    Exhausted(Subnet),
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
    /// `--network-alias` values.
    #[serde(default)]
    pub aliases: Vec<String>,
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
    for ip in subnet.hosts().filter(|ip| *ip != gateway) {
        if dir.join(ip.to_string()).exists() {
            continue;
        }
        record.ip = ip;
        let bytes = serde_json::to_vec(&record).expect("an allocation serializes");
        std::fs::write(&tmp, &bytes).map_err(io_err("write", &tmp))?;
        let target = dir.join(ip.to_string());
        let claimed = std::fs::hard_link(&tmp, &target);
        let _ = std::fs::remove_file(&tmp);
        match claimed {
            Ok(()) => return Ok(record),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_err("link", &target)(e)),
        }
    }
    Err(IpamError::Exhausted(subnet))
}

/// Every allocation on a network.
pub fn entries(runtime: &Path, network: &str) -> Vec<Allocation> {
    let dir = network_dir(runtime, network);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Allocation> = rd
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
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
            let _ = std::fs::remove_file(dir.join(a.ip.to_string()));
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
                let _ = std::fs::remove_file(net.path().join(a.ip.to_string()));
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
                    let _ = std::fs::remove_file(net.path().join(a.ip.to_string()));
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
            aliases: vec!["web".to_string()],
            owner: None,
        }
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
