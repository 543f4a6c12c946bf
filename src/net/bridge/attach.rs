//! A container's side of user networks, run by its session (which has joined the holder's
//! user namespace, see [`super::holder`]):
//! 1. before the first launch, claim an address on each network and write the container's
//!    /etc/hosts and /etc/resolv.conf (the name server is each network's gateway);
//! 2. after each clone of C and before Go, make the network's bridge in the rootless
//!    namespace when it is missing and plug a veth pair between it and C's namespace;
//! 3. when the container is finished, free the addresses. Its veth pairs die with its
//!    network namespace.
//!
//! The links are made by `ip` (iproute2) run through `nsenter --net`: berth has no netlink
//! code of its own yet, and these are a handful of operations per container start.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};

use super::ipam::{self, Allocation};
use super::netopts;
use super::store::{Network, NetworkStore};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::net::NetOptions;
use crate::spec::PerNetwork;
use crate::storage::container::{process_start_time, Container};

/// The container's networks, in the order it joins them, with its address on each.
pub fn allocations(paths: &Paths, id: &str, networks: &[String]) -> Vec<(Network, Allocation)> {
    let store = NetworkStore::new(&paths.data);
    networks
        .iter()
        .filter_map(|name| {
            let net = store.find(name).ok()?;
            let a = ipam::entries(&paths.runtime, &net.name)
                .into_iter()
                .find(|a| a.container_id == id)?;
            Some((net, a))
        })
        .collect()
}

/// The networks that `network connect` added while this session's container ran (their
/// records are owned by this session): a restart by the restart policy plugs them in too.
fn connected_later(paths: &Paths, id: &str, networks: &[String]) -> Vec<(Network, Allocation)> {
    let me = std::process::id().cast_signed();
    let Some(owner) = process_start_time(me).map(|s| (me, s)) else {
        return Vec::new();
    };
    NetworkStore::new(&paths.data)
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| !networks.contains(&n.name))
        .filter_map(|n| {
            let a = ipam::entries(&paths.runtime, &n.name)
                .into_iter()
                .find(|a| a.container_id == id && a.owner == Some(owner))?;
            Some((n, a))
        })
        .collect()
}

/// Step 1: claim the addresses (with what `per` and the container-wide `aliases` ask for on
/// each network) and write hosts and resolv.conf into the container's `etc`.
pub fn allocate(
    paths: &Paths,
    ctr: &Container,
    networks: &[String],
    per: &BTreeMap<String, PerNetwork>,
    aliases: &[String],
    hostname: &str,
    net: &NetOptions,
) -> Result<()> {
    let store = NetworkStore::new(&paths.data);
    let me = std::process::id().cast_signed();
    let owner = process_start_time(me).map(|s| (me, s));
    // Records of killed sessions would answer for names that are gone.
    ipam::collect_stale(&paths.runtime);
    let mut claimed: Vec<(Network, Allocation)> = Vec::new();
    for name in networks {
        let net = match store.find(name) {
            Ok(n) => n,
            Err(e) => {
                release(paths, &ctr.config.id, networks);
                return Err(Error::from_source(
                    "attach the container to its networks",
                    e,
                ));
            }
        };
        // The container is not running, so a record of it here is a finished session's
        // that its monitor has not freed yet (`restart`): its addresses are ours again.
        ipam::release(&paths.runtime, &net.name, &ctr.config.id);
        let want = netopts::for_network(per, aliases, name);
        let record = new_record(ctr, &want, owner);
        match ipam::claim(&paths.runtime, &net, record, &want) {
            Ok(a) => claimed.push((net, a)),
            Err(e) => {
                release(paths, &ctr.config.id, networks);
                return Err(claim_error(name, e));
            }
        }
    }
    let etc = ctr.etc_dir();
    let write = |file: &str, text: String| {
        crate::storage::atomic::write_atomic(
            &etc.join(file),
            text.as_bytes(),
            crate::storage::atomic::Durability::Unsynced,
        )
        .with_context(|| format!("write the container's /etc/{file}"))
    };
    // The host, as podman names it: pasta maps its gateway address to the host's loopback.
    let internal = claimed.iter().all(|(n, a)| n.internal || a.ip4().is_none());
    let host_internal = super::holder::current(&paths.runtime)
        .and_then(|h| default_gateway(&format!("/proc/{}/net/route", h.pid)))
        .filter(|_| !internal);
    write(
        "hosts",
        hosts_file(&claimed, hostname, &ctr.config.name, host_internal, net),
    )?;
    write("resolv.conf", resolv_conf(&claimed, net))?;
    Ok(())
}

/// A container's address record on a network, before the addresses are chosen.
pub fn new_record(ctr: &Container, want: &PerNetwork, owner: Option<(i32, u64)>) -> Allocation {
    Allocation {
        ip: Ipv4Addr::UNSPECIFIED,
        ip6: None,
        container_id: ctr.config.id.clone(),
        container_name: ctr.config.name.clone(),
        aliases: want.aliases.clone(),
        mac: want.mac.clone(),
        interface: want.interface_name.clone(),
        owner,
    }
}

/// The error of a failed claim: a taken or misplaced static address is the user's to fix.
pub fn claim_error(network: &str, e: ipam::IpamError) -> Error {
    let hint = match &e {
        ipam::IpamError::Taken { .. } => {
            Some("choose another address, or leave it out to get a free one")
        }
        ipam::IpamError::Outside { .. }
        | ipam::IpamError::Gateway { .. }
        | ipam::IpamError::NoSubnet { .. } => {
            Some("see the network's subnets with `berth network inspect`")
        }
        _ => None,
    };
    let err = Error::from_source(format!("claim an address on network `{network}`"), e);
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

/// /etc/hosts on user networks: the container's own names on its first address (and its
/// IPv6 address there, on a dual-stack network).
pub fn hosts_file(
    claimed: &[(Network, Allocation)],
    hostname: &str,
    name: &str,
    host_internal: Option<Ipv4Addr>,
    net: &NetOptions,
) -> String {
    let first = claimed.first().map(|(_, a)| a.primary());
    let mut text = crate::net::etc::hosts(&crate::net::etc::HostsSpec {
        hostname,
        name,
        container_ip: first,
        host_internal: host_internal.map(IpAddr::V4),
        add_hosts: &net.add_hosts,
    });
    if let Some(ip6) = claimed
        .first()
        .and_then(|(_, a)| a.ip6)
        .filter(|v6| first != Some(IpAddr::V6(*v6)))
    {
        let names = if name == hostname || name.is_empty() {
            hostname.to_string()
        } else {
            format!("{hostname} {name}")
        };
        text.push_str(&format!("{ip6}\t{names}\n"));
    }
    text
}

/// /etc/resolv.conf on user networks: each network's gateway (the holder's name server)
/// and the `dns.berth` search domain before the host's, unless `--dns*` say otherwise.
pub fn resolv_conf(claimed: &[(Network, Allocation)], net: &NetOptions) -> String {
    let host = crate::net::host_resolv_conf();
    let ours = crate::net::etc::ResolvConf {
        // Each gateway of each network (IPv4, then IPv6 on a dual-stack one), as podman.
        nameservers: claimed
            .iter()
            .filter(|(n, _)| n.dns_enabled)
            .flat_map(|(n, _)| {
                let v6 = n.gateway6().map(IpAddr::V6);
                n.gateway().map(IpAddr::V4).into_iter().chain(v6)
            })
            .collect(),
        search: std::iter::once(super::dns::DOMAIN.to_string())
            .chain(host.search)
            .collect(),
        options: host.options,
    };
    crate::net::etc::resolv_conf(&ours, &net.dns, crate::net::etc::Resolver::Host)
}

/// The default gateway in a `/proc/PID/net/route` table.
fn default_gateway(route_file: &str) -> Option<Ipv4Addr> {
    std::fs::read_to_string(route_file)
        .ok()?
        .lines()
        .skip(1)
        .find_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            (f.get(1) == Some(&"00000000") && f.get(7) == Some(&"00000000"))
                .then(|| u32::from_str_radix(f.get(2)?, 16).ok())
                .flatten()
                .map(|g| Ipv4Addr::from(g.to_ne_bytes()))
        })
}

/// A started container's addresses: freed when dropped (step 3).
pub struct Attachment {
    paths: Paths,
    id: String,
    networks: Vec<String>,
}

impl Attachment {
    /// Step 1 for a container on user networks; `None` for other containers.
    pub fn claim(
        paths: &Paths,
        ctr: &Container,
        opts: &crate::spec::RunOptions,
        hostname: &str,
    ) -> Result<Option<Self>> {
        if opts.network != crate::spec::NetworkMode::Bridge {
            return Ok(None);
        }
        allocate(
            paths,
            ctr,
            &opts.user_networks,
            &opts.network_opts,
            &opts.network_aliases,
            hostname,
            &opts.net,
        )?;
        Ok(Some(Attachment {
            paths: paths.clone(),
            id: ctr.config.id.clone(),
            networks: opts.user_networks.clone(),
        }))
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // This session's records: those of the networks it started with and those that
        // `network connect` added while the container ran, but not those of a session
        // that has started the container again meanwhile (`restart`).
        let me = std::process::id().cast_signed();
        match process_start_time(me) {
            Some(start) => ipam::release_owned(&self.paths.runtime, &self.id, (me, start)),
            None => release(&self.paths, &self.id, &self.networks),
        }
    }
}

/// Step 3: free the container's addresses.
pub fn release(paths: &Paths, id: &str, networks: &[String]) {
    for n in networks {
        ipam::release(&paths.runtime, n, id);
    }
}

/// Step 2: wire C (`pid`) to its networks, and forward its published ports to its first
/// address.
pub fn connect(
    paths: &Paths,
    id: &str,
    networks: &[String],
    ports: &[crate::spec::PortMapping],
    pid: i32,
) -> Result<Option<super::forward::Forwarder>> {
    let holder = super::holder::current(&paths.runtime).ok_or_else(|| {
        Error::msg("connect the container to its networks: the rootless network namespace is gone")
    })?;
    let mut claimed = allocations(paths, id, networks);
    claimed.extend(connected_later(paths, id, networks));
    // Two containers starting at once must not both create one bridge.
    let _lock = super::holder::lock(&paths.runtime, false)
        .context("lock the rootless network namespace")?;
    let nets: Vec<&Network> = claimed.iter().map(|(n, _)| n).collect();
    let (current, stale) = bridge_states(paths, holder.pid, &nets);
    let tag = veth_tag(id)?;
    let script = wiring(&claimed, &tag, pid, &current, &stale);
    ip_batch(&format!("/proc/{}/ns/net", holder.pid), &script.outside)
        .context("connect the container to its networks")?;
    record_bridges(paths, &nets)?;
    ip_batch(&format!("/proc/{pid}/ns/net"), &script.inside)
        .context("configure the container's network interfaces")?;
    let Some((_, first)) = claimed.first() else {
        return Ok(None);
    };
    // The first network's IPv4 address, or its IPv6 one on an IPv6-only network.
    super::forward::start(
        ports,
        first.primary(),
        &format!("/proc/{}/ns/net", holder.pid),
    )
    .context("publish the container's ports")
}

/// Which of `nets`' bridges exist in the holder's namespace and were made for that very
/// network (`current`), and which carry a removed network's interface name (`stale`: a
/// removed network's interface name may come back with another subnet).
fn bridge_states(paths: &Paths, holder: i32, nets: &[&Network]) -> (Vec<String>, Vec<String>) {
    let marks = paths.runtime.join("netns").join("bridges");
    let present = bridges_in(holder);
    let (mut current, mut stale) = (Vec::new(), Vec::new());
    for net in nets {
        let bridge = net.network_interface.clone();
        if present.contains(&bridge) {
            let mark = std::fs::read_to_string(marks.join(&bridge)).unwrap_or_default();
            if mark == net.id {
                current.push(bridge);
            } else {
                stale.push(bridge);
            }
        }
    }
    (current, stale)
}

/// Remember which network each bridge was made for.
fn record_bridges(paths: &Paths, nets: &[&Network]) -> Result<()> {
    let marks = paths.runtime.join("netns").join("bridges");
    std::fs::create_dir_all(&marks).context("record the bridges")?;
    for net in nets {
        std::fs::write(marks.join(&net.network_interface), &net.id)
            .context("record the bridges")?;
    }
    Ok(())
}

/// The middle of the host ends' names: new at each launch, since after a restart the last
/// run's veths may live on for a moment while the kernel tears its namespace down.
fn veth_tag(id: &str) -> Result<String> {
    let mut salt = [0u8; 2];
    getrandom::getrandom(&mut salt).map_err(|e| Error::msg(format!("read random bytes: {e}")))?;
    Ok(format!("{}{}", &id[..id.len().min(8)], hex::encode(salt)))
}

/// `network connect` of a running container (`pid`, in the holder's user namespace): plug
/// one more veth from `net`'s bridge into its namespace as the first free `ethN`, with the
/// address already claimed in `alloc`. The default route is left alone when the container
/// has one.
pub fn hot_connect(
    paths: &Paths,
    id: &str,
    net: &Network,
    alloc: &Allocation,
    pid: i32,
) -> Result<()> {
    let holder = super::holder::current(&paths.runtime).ok_or_else(|| {
        Error::msg("connect the container to the network: the rootless network namespace is gone")
    })?;
    let _lock = super::holder::lock(&paths.runtime, false)
        .context("lock the rootless network namespace")?;
    let (current, stale) = bridge_states(paths, holder.pid, &[net]);
    let index = next_eth(&interfaces_of(pid));
    let default_route = default_gateway(&format!("/proc/{pid}/net/route")).is_none();
    let tag = veth_tag(id)?;
    let claimed = [(net.clone(), alloc.clone())];
    let script = wiring_from(&claimed, index, default_route, &tag, pid, &current, &stale);
    ip_batch(&format!("/proc/{}/ns/net", holder.pid), &script.outside)
        .context("connect the container to the network")?;
    record_bridges(paths, &[net])?;
    ip_batch(&format!("/proc/{pid}/ns/net"), &script.inside)
        .context("configure the container's new network interface")
}

/// `network disconnect` of a running container: delete its interface with address `ip`
/// (the veth's other end, on the bridge, goes with it). An interface already gone is fine.
pub fn hot_disconnect(pid: i32, a: &Allocation) -> Result<()> {
    let ip = a.primary();
    let netns = format!("/proc/{pid}/ns/net");
    let out = Command::new("nsenter")
        .arg(format!("--net={netns}"))
        .args(["ip", "-o", "addr", "show"])
        .stderr(Stdio::piped())
        .output()
        .context("run `nsenter … ip addr`")
        .map_err(|e| e.hint("install util-linux (nsenter) and iproute2 (ip)"))?;
    if !out.status.success() {
        return Err(Error::msg(format!(
            "`ip addr` in `{netns}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    match interface_with(&String::from_utf8_lossy(&out.stdout), ip) {
        Some(dev) => ip_batch(&netns, &format!("link del {dev}\n"))
            .context("remove the container's network interface"),
        None => Ok(()),
    }
}

/// After `network connect` of a running container, as podman does: its /etc/hosts gains
/// a line for the new address (its host name and name), and the network's name server
/// becomes the first `nameserver` of its /etc/resolv.conf (when the network has DNS).
/// The files are bind-mounted into the container, so they are rewritten in place.
pub fn etc_connected(ctr: &Container, net: &Network, a: &Allocation) -> Result<()> {
    let etc = ctr.etc_dir();
    let hostname = std::fs::read_to_string(etc.join("hostname")).unwrap_or_default();
    let hostname = hostname.trim();
    let name = ctr.config.name.as_str();
    let names = if hostname.is_empty() || hostname == name {
        name.to_string()
    } else {
        format!("{hostname} {name}")
    };
    rewrite_in_place(&etc.join("hosts"), |t| {
        a.addresses()
            .into_iter()
            .fold(t.to_string(), |text, ip| hosts_with(&text, ip, &names))
    })?;
    if net.dns_enabled {
        // The IPv4 server first, then the IPv6 one: each goes first, so the last one
        // placed is the IPv4 one.
        let gateways = gateways_of(net);
        rewrite_in_place(&etc.join("resolv.conf"), |t| {
            gateways
                .iter()
                .rev()
                .fold(t.to_string(), |text, gw| resolv_with(&text, *gw))
        })?;
    }
    Ok(())
}

/// A network's name servers: its IPv4 gateway, then its IPv6 one.
fn gateways_of(net: &Network) -> Vec<IpAddr> {
    net.gateway()
        .map(IpAddr::V4)
        .into_iter()
        .chain(net.gateway6().map(IpAddr::V6))
        .collect()
}

/// After `network disconnect` of a running container: the address's /etc/hosts lines and
/// the network's `nameserver` line go.
pub fn etc_disconnected(ctr: &Container, net: &Network, a: &Allocation) -> Result<()> {
    let etc = ctr.etc_dir();
    rewrite_in_place(&etc.join("hosts"), |t| {
        a.addresses()
            .into_iter()
            .fold(t.to_string(), |text, ip| without_lines_of(&text, "", ip))
    })?;
    let gateways = gateways_of(net);
    rewrite_in_place(&etc.join("resolv.conf"), |t| {
        gateways.iter().fold(t.to_string(), |text, gw| {
            without_lines_of(&text, "nameserver ", *gw)
        })
    })?;
    Ok(())
}

/// Rewrite a file that may be bind-mounted (so its inode must stay); a missing file is
/// left alone (the container was given its own).
fn rewrite_in_place(path: &std::path::Path, edit: impl FnOnce(&str) -> String) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    let new = edit(&text);
    if new != text {
        std::fs::write(path, new).with_context(|| format!("update `{}`", path.display()))?;
    }
    Ok(())
}

/// `hosts` with a line `IP<tab>NAMES` after its last line, unless IP has one already.
pub fn hosts_with(hosts: &str, ip: impl Into<IpAddr>, names: &str) -> String {
    let ip: IpAddr = ip.into();
    if hosts
        .lines()
        .any(|l| first_word(l) == Some(ip.to_string().as_str()))
    {
        return hosts.to_string();
    }
    let mut out = hosts.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("{ip}\t{names}\n"));
    out
}

/// `resolv.conf` with `nameserver GW` as its first name server.
pub fn resolv_with(resolv: &str, gw: impl Into<IpAddr>) -> String {
    let gw: IpAddr = gw.into();
    let line = format!("nameserver {gw}");
    let rest = without_lines_of(resolv, "nameserver ", gw);
    let mut out = String::new();
    let mut placed = false;
    for l in rest.lines() {
        if !placed && l.starts_with("nameserver") {
            out.push_str(&line);
            out.push('\n');
            placed = true;
        }
        out.push_str(l);
        out.push('\n');
    }
    if !placed {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `text` without the lines `PREFIX IP …` (`prefix` empty: lines whose first word is IP).
fn without_lines_of(text: &str, prefix: &str, ip: impl Into<IpAddr>) -> String {
    let ip: IpAddr = ip.into();
    let ip = ip.to_string();
    text.lines()
        .filter(|l| {
            l.strip_prefix(prefix)
                .is_none_or(|rest| first_word(rest) != Some(ip.as_str()))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn first_word(line: &str) -> Option<&str> {
    line.split_whitespace().next()
}

/// The interface that carries `ip` in `ip -o addr show` output
/// (`2: eth0    inet 10.89.0.2/24 brd … scope global eth0…`, `inet6 fd00::2/64 …`).
pub fn interface_with(listing: &str, ip: impl Into<IpAddr>) -> Option<String> {
    let ip: IpAddr = ip.into();
    let want = format!("{ip}/");
    listing.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let at = f.iter().position(|w| *w == "inet" || *w == "inet6")?;
        f.get(at + 1)
            .filter(|a| a.starts_with(&want))
            .and_then(|_| f.get(1))
            .map(|d| d.split('@').next().unwrap_or(d).to_string())
    })
}

/// The interfaces in the network namespace of process `pid`.
fn interfaces_of(pid: i32) -> Vec<String> {
    bridges_in(pid)
}

/// The first `ethN` not in `names`.
pub fn next_eth(names: &[String]) -> usize {
    (0..)
        .find(|i| !names.iter().any(|n| *n == format!("eth{i}")))
        .expect("a free index")
}

/// The interfaces in the holder's network namespace.
fn bridges_in(holder: i32) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{holder}/net/dev"))
        .unwrap_or_default()
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next().map(|n| n.trim().to_string()))
        .collect()
}

/// `ip -batch` scripts: one for the rootless namespace, one for the container's.
#[derive(Debug, PartialEq, Eq)]
pub struct Wiring {
    pub outside: String,
    pub inside: String,
}

/// Plan the links (pure, so the order can be tested). The host ends of the veths are
/// `vb<tag><index>`; `tag` is at most 12 characters.
pub fn wiring(
    claimed: &[(Network, Allocation)],
    tag: &str,
    pid: i32,
    current: &[String],
    stale: &[String],
) -> Wiring {
    wiring_from(claimed, 0, true, tag, pid, current, stale)
}

/// [`wiring`] with the container's interfaces numbered from `first` (`eth<first>`, …);
/// the first non-internal network gets the default route when `default_route`.
pub fn wiring_from(
    claimed: &[(Network, Allocation)],
    first: usize,
    default_route: bool,
    tag: &str,
    pid: i32,
    current: &[String],
    stale: &[String],
) -> Wiring {
    let mut outside = String::new();
    let mut inside = String::new();
    for (k, (net, a)) in claimed.iter().enumerate() {
        let i = first + k;
        let bridge = &net.network_interface;
        let v4 = net.subnet().zip(net.gateway());
        let v6 = net.subnet6().zip(net.gateway6());
        // The bridge's MAC comes from its IPv4 gateway (the last bytes of the IPv6 one on
        // an IPv6-only network).
        let mac_bytes = match (v4, v6) {
            (Some((_, gw)), _) => gw.octets(),
            (None, Some((_, g6))) => {
                let o = g6.octets();
                [o[12], o[13], o[14], o[15]]
            }
            (None, None) => continue,
        };
        if stale.iter().any(|e| e == bridge) {
            outside.push_str(&format!("link del {bridge}\n"));
        }
        if !current.iter().any(|e| e == bridge) {
            // A fixed MAC: otherwise the bridge takes the lowest of its ports' and changes
            // it as containers come, and the containers' ARP entries for the gateway (their
            // name server) go stale for seconds.
            let [g1, g2, g3, g4] = mac_bytes;
            outside.push_str(&format!(
                "link add {bridge} address 02:42:{g1:02x}:{g2:02x}:{g3:02x}:{g4:02x} type bridge\n"
            ));
            if let Some((subnet, gw)) = v4 {
                outside.push_str(&format!("addr add {gw}/{} dev {bridge}\n", subnet.prefix));
            }
            outside.push_str(&format!("link set {bridge} up\n"));
            if let Some((s6, g6)) = v6 {
                // `nodad`: the address is usable at once (no duplicate address detection).
                outside.push_str(&format!("addr add {g6}/{} dev {bridge} nodad\n", s6.prefix));
            }
        }
        let host_end = format!("vb{tag}{i}");
        let dev = a.interface.clone().unwrap_or_else(|| format!("eth{i}"));
        outside.push_str(&format!(
            "link add {host_end} type veth peer name {dev} address {} netns {pid}\n",
            a.mac_address()
        ));
        outside.push_str(&format!("link set {host_end} master {bridge}\n"));
        outside.push_str(&format!("link set {host_end} up\n"));
        let v4 = v4.zip(a.ip4());
        let v6 = v6.zip(a.ip6);
        if let Some(((subnet, _), ip)) = v4 {
            inside.push_str(&format!("addr add {ip}/{} dev {dev}\n", subnet.prefix));
        }
        if let Some(((s6, _), ip6)) = v6 {
            // No duplicate address detection: the command may use the address as soon as
            // it starts.
            inside.push_str(&format!("addr add {ip6}/{} dev {dev} nodad\n", s6.prefix));
        }
        inside.push_str(&format!("link set {dev} up\n"));
        if k == 0 && default_route && !net.internal {
            if let Some(((_, gw), _)) = v4 {
                inside.push_str(&format!("route add default via {gw}\n"));
            }
            if let Some(((_, g6), _)) = v6 {
                inside.push_str(&format!("route add ::/0 via {g6}\n"));
            }
        }
    }
    Wiring { outside, inside }
}

/// Run `ip -batch -` inside the network namespace at `netns`.
fn ip_batch(netns: &str, script: &str) -> Result<()> {
    if script.is_empty() {
        return Ok(());
    }
    let mut child = Command::new("nsenter")
        .arg(format!("--net={netns}"))
        .args(["ip", "-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("run `nsenter … ip`")
        .map_err(|e| e.hint("install util-linux (nsenter) and iproute2 (ip)"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .context("write to `ip -batch`")?;
    }
    let out = child.wait_with_output().context("wait for `ip -batch`")?;
    if !out.status.success() {
        return Err(Error::msg(format!(
            "`ip -batch` in `{netns}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed() -> Vec<(Network, Allocation)> {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let mut out = Vec::new();
        for (i, name) in ["a", "b"].into_iter().enumerate() {
            let req = super::super::store::CreateRequest {
                name: Some(name.into()),
                internal: i == 1,
                ..Default::default()
            };
            let net = store.create(&req, &[], &[]).unwrap();
            let ip = net.subnet().unwrap().hosts().nth(1).unwrap();
            out.push((
                net,
                Allocation {
                    ip,
                    ip6: None,
                    container_id: "0123456789abcdef".into(),
                    container_name: "web".into(),
                    aliases: vec![],
                    mac: None,
                    interface: None,
                    owner: None,
                },
            ));
        }
        out
    }

    #[test]
    fn wiring_plan() {
        let c = claimed();
        let w = wiring(&c, "0123456789", 42, &["berth2".to_string()], &[]);
        assert_eq!(
            w.outside,
            "link add berth1 address 02:42:0a:59:00:01 type bridge\naddr add 10.89.0.1/24 dev berth1\nlink set berth1 up\n\
             link add vb01234567890 type veth peer name eth0 address 02:42:0a:59:00:02 netns 42\n\
             link set vb01234567890 master berth1\nlink set vb01234567890 up\n\
             link add vb01234567891 type veth peer name eth1 address 02:42:0a:59:01:02 netns 42\n\
             link set vb01234567891 master berth2\nlink set vb01234567891 up\n"
        );
        assert_eq!(
            w.inside,
            "addr add 10.89.0.2/24 dev eth0\nlink set eth0 up\nroute add default via 10.89.0.1\n\
             addr add 10.89.1.2/24 dev eth1\nlink set eth1 up\n"
        );
    }

    #[test]
    fn dual_stack_and_ipv6_only_plans() {
        let dir = tempfile::tempdir().unwrap();
        let store = NetworkStore::new(dir.path());
        let net = |name: &str, subnets: &[&str]| {
            let req = super::super::store::CreateRequest {
                name: Some(name.into()),
                subnets: subnets.iter().map(|s| (*s).to_string()).collect(),
                ..Default::default()
            };
            store.create(&req, &[], &[]).unwrap()
        };
        let rec = |ip: &str, ip6: &str| Allocation {
            ip: ip.parse().unwrap(),
            ip6: Some(ip6.parse().unwrap()),
            container_id: "0123456789abcdef".into(),
            container_name: "web".into(),
            aliases: vec![],
            mac: None,
            interface: Some("en0".into()),
            owner: None,
        };
        let dual = net("dual", &["10.70.0.0/24", "fd70::/64"]);
        let only6 = net("only6", &["fd71::/64"]);
        let claimed = vec![
            (dual, rec("10.70.0.2", "fd70::2")),
            (only6, rec("0.0.0.0", "fd71::2")),
        ];
        let w = wiring(&claimed, "t", 5, &[], &[]);
        assert_eq!(
            w.outside,
            "link add berth1 address 02:42:0a:46:00:01 type bridge\naddr add 10.70.0.1/24 dev berth1\n\
             link set berth1 up\naddr add fd70::1/64 dev berth1 nodad\n\
             link add vbt0 type veth peer name en0 address 02:42:0a:46:00:02 netns 5\n\
             link set vbt0 master berth1\nlink set vbt0 up\n\
             link add berth2 address 02:42:00:00:00:01 type bridge\nlink set berth2 up\n\
             addr add fd71::1/64 dev berth2 nodad\n\
             link add vbt1 type veth peer name en0 address 02:42:00:00:00:02 netns 5\n\
             link set vbt1 master berth2\nlink set vbt1 up\n"
        );
        assert_eq!(
            w.inside,
            "addr add 10.70.0.2/24 dev en0\naddr add fd70::2/64 dev en0 nodad\nlink set en0 up\n\
             route add default via 10.70.0.1\nroute add ::/0 via fd70::1\n\
             addr add fd71::2/64 dev en0 nodad\nlink set en0 up\n"
        );
        // /etc/hosts: both addresses of the first network; an IPv6-only first network
        // gives its IPv6 address.
        let hosts = hosts_file(&claimed, "abc", "web", None, &NetOptions::default());
        assert!(
            hosts.ends_with("10.70.0.2\tabc web\nfd70::2\tabc web\n"),
            "{hosts}"
        );
        let hosts = hosts_file(&claimed[1..], "abc", "web", None, &NetOptions::default());
        assert!(hosts.ends_with("\nfd71::2\tabc web\n"), "{hosts}");
        assert_eq!(hosts.matches("fd71::2").count(), 1, "{hosts}");
        let resolv = resolv_conf(&claimed, &NetOptions::default());
        assert!(
            resolv.contains("nameserver 10.70.0.1\nnameserver fd70::1\nnameserver fd71::1\n"),
            "{resolv}"
        );
    }

    #[test]
    fn a_stale_bridge_is_replaced() {
        let c = claimed();
        let w = wiring(&c[..1], "0123456789", 7, &[], &["berth1".to_string()]);
        assert!(
            w.outside.starts_with(
                "link del berth1\nlink add berth1 address 02:42:0a:59:00:01 type bridge\n"
            ),
            "{}",
            w.outside
        );
    }

    #[test]
    fn hot_plug_plan() {
        let c = claimed();
        // The second interface of a container that has a default route already.
        let w = wiring_from(
            &c[..1],
            1,
            false,
            "0123456789",
            9,
            &["berth1".to_string()],
            &[],
        );
        assert_eq!(
            w.outside,
            "link add vb01234567891 type veth peer name eth1 address 02:42:0a:59:00:02 netns 9\n\
             link set vb01234567891 master berth1\nlink set vb01234567891 up\n"
        );
        assert_eq!(
            w.inside,
            "addr add 10.89.0.2/24 dev eth1\nlink set eth1 up\n"
        );
        // Without one, the new network's gateway becomes the default route.
        let w = wiring_from(&c[..1], 2, true, "t", 9, &["berth1".to_string()], &[]);
        assert!(w
            .inside
            .ends_with("link set eth2 up\nroute add default via 10.89.0.1\n"));
        let names: Vec<String> = ["lo", "eth0", "eth2"].map(String::from).to_vec();
        assert_eq!(next_eth(&names), 1);
        assert_eq!(next_eth(&[]), 0);
        let listing = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                       2: eth0    inet 10.89.1.2/24 brd 10.89.1.255 scope global eth0\n\
                       3: eth1@if7    inet 10.89.0.2/24 brd 10.89.0.255 scope global eth1\n";
        assert_eq!(
            interface_with(listing, Ipv4Addr::new(10, 89, 0, 2)).as_deref(),
            Some("eth1")
        );
        assert_eq!(
            interface_with(listing, Ipv4Addr::new(10, 89, 1, 2)).as_deref(),
            Some("eth0")
        );
        assert_eq!(interface_with(listing, Ipv4Addr::new(10, 89, 0, 20)), None);
    }

    #[test]
    fn etc_edits() {
        let ip = Ipv4Addr::new(10, 89, 0, 5);
        let hosts = "127.0.0.1\tlocalhost\n10.89.1.2\tabc web\n";
        let added = hosts_with(hosts, ip, "abc web");
        assert_eq!(added, format!("{hosts}10.89.0.5\tabc web\n"));
        assert_eq!(hosts_with(&added, ip, "abc web"), added);
        assert_eq!(without_lines_of(&added, "", ip), hosts);
        let gw = Ipv4Addr::new(10, 89, 0, 1);
        let resolv = "search dns.berth\nnameserver 10.89.1.1\noptions ndots:1\n";
        let with = resolv_with(resolv, gw);
        assert_eq!(
            with,
            "search dns.berth\nnameserver 10.89.0.1\nnameserver 10.89.1.1\noptions ndots:1\n"
        );
        assert_eq!(resolv_with(&with, gw), with);
        assert_eq!(without_lines_of(&with, "nameserver ", gw), resolv);
        assert_eq!(resolv_with("", gw), "nameserver 10.89.0.1\n");
    }

    #[test]
    fn etc_files() {
        let c = claimed();
        let net = NetOptions::default();
        let hosts = hosts_file(&c, "abc", "web", Some(Ipv4Addr::new(192, 0, 2, 1)), &net);
        assert!(hosts.ends_with("10.89.0.2\tabc web\n"), "{hosts}");
        assert!(
            hosts.contains("192.0.2.1\thost.containers.internal\n"),
            "{hosts}"
        );
        let resolv = resolv_conf(&c, &net);
        assert!(resolv.starts_with("search dns.berth"), "{resolv}");
        assert!(
            resolv.contains("nameserver 10.89.0.1\nnameserver 10.89.1.1\n"),
            "{resolv}"
        );
    }
}
