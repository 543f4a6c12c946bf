//! The network part of a container's spec: the mode (`--network`), the helpers' options, published
//! ports, DNS flags and per-network requests. Types only; their parsing lives in `net/`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// The container's network.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NetworkMode {
    /// A new network namespace with only loopback, up.
    #[default]
    None,
    /// The host's network namespace.
    Host,
    /// User networks (`--network NAME[,NAME2]`): listed in `RunOptions::user_networks`.
    Bridge,
    /// A new network namespace connected by pasta.
    Pasta(PastaOptions),
    /// A new network namespace connected by slirp4netns.
    Slirp4netns(SlirpOptions),
    /// Another container's network namespace (by name or id, as given). The session joins
    /// that container's user namespace, which owns it.
    Container(String),
    /// The network namespace at a path (`/proc/PID/ns/net` or a bind mount of one). It
    /// must belong to the user namespace of a running berth container or of the user
    /// networks' holder; the session joins that user namespace, as for `Container`.
    Ns(std::path::PathBuf),
}

impl NetworkMode {
    /// podman's name for the mode, as `inspect` shows it.
    pub fn name(&self) -> String {
        match self {
            NetworkMode::None => "none".into(),
            NetworkMode::Host => "host".into(),
            NetworkMode::Pasta(_) => "pasta".into(),
            NetworkMode::Slirp4netns(_) => "slirp4netns".into(),
            NetworkMode::Container(c) => format!("container:{c}"),
            NetworkMode::Ns(p) => format!("ns:{}", p.display()),
            NetworkMode::Bridge => "bridge".into(),
        }
    }

    /// Does C get a network namespace of its own?
    pub fn new_netns(&self) -> bool {
        matches!(
            self,
            NetworkMode::None
                | NetworkMode::Pasta(_)
                | NetworkMode::Slirp4netns(_)
                | NetworkMode::Bridge
        )
    }
}

/// `--network pasta[:OPTIONS]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PastaOptions {
    /// Extra pasta options, passed on as given.
    pub args: Vec<String>,
    /// `--map-gw` (podman's spelling): the gateway address reaches the host's loopback.
    /// Off by default, as in podman.
    pub map_gw: bool,
}

/// `--network slirp4netns[:OPTIONS]`, podman's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlirpOptions {
    /// `allow_host_loopback=true`: the gateway address (10.0.2.2) reaches the host's
    /// 127.0.0.1. Off by default.
    pub allow_host_loopback: bool,
    /// `cidr=`: the network, default 10.0.2.0/24.
    pub cidr: (Ipv4Addr, u8),
    pub enable_ipv6: bool,
    pub mtu: u32,
    pub outbound_addr: Option<String>,
    pub outbound_addr6: Option<String>,
}

impl Default for SlirpOptions {
    fn default() -> Self {
        SlirpOptions {
            allow_host_loopback: false,
            cidr: (Ipv4Addr::new(10, 0, 2, 0), 24),
            enable_ipv6: false,
            mtu: 65520,
            outbound_addr: None,
            outbound_addr6: None,
        }
    }
}

/// Network flags besides `--network` itself, as recorded in the container's options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetOptions {
    /// `-p`; host port 0 until `create` chooses a free one.
    pub ports: Vec<PortMapping>,
    /// `-P`: publish the image's EXPOSE ports (and `--expose`) to free host ports.
    pub publish_all: bool,
    /// `--expose`.
    pub expose: Vec<PortMapping>,
    pub dns: DnsFlags,
    /// `--add-host`, in order.
    pub add_hosts: Vec<(String, IpAddr)>,
}

/// A transport protocol of a published port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

/// One `-p` mapping: `range` consecutive host ports from `host_port` to container ports from
/// `container_port`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    /// The host address to bind; `None` is every address.
    pub host_ip: Option<IpAddr>,
    /// 0 until `create` chooses a free port.
    pub host_port: u16,
    pub container_port: u16,
    pub protocol: Protocol,
    /// How many consecutive ports; 1 for a single port.
    pub range: u16,
}

/// `--dns`, `--dns-search`, `--dns-option`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnsFlags {
    /// `--dns`; `None` keeps the resolver's servers. `Some(empty)` is `--dns none`.
    pub servers: Option<Vec<IpAddr>>,
    /// `--dns-search`; `.` alone clears the host's search list.
    pub search: Vec<String>,
    pub options: Vec<String>,
}

/// What a container asks for on one network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PerNetwork {
    /// Extra names on this network.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A static IPv4 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<Ipv4Addr>,
    /// A static IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip6: Option<Ipv6Addr>,
    /// A static MAC address (lowercase, colon separated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    /// The interface's name in the container (default `ethN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_name: Option<String>,
}
