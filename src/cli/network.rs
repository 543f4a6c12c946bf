//! `berth network` arguments.

use clap::{Args, Subcommand};

/// Arguments of `berth network`.
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    #[command(subcommand)]
    pub command: NetworkCommand,
}

/// The `network` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum NetworkCommand {
    /// Create a user network (a bridge in the rootless network namespace)
    Create(NetworkCreateArgs),
    /// List networks
    #[command(visible_alias = "list")]
    Ls(NetworkLsArgs),
    /// Show networks' details as JSON
    Inspect(NetworkInspectArgs),
    /// Remove networks
    #[command(visible_alias = "remove")]
    Rm(NetworkRmArgs),
    /// Remove every network no container uses
    Prune(NetworkPruneArgs),
    /// Exit 0 when a network exists, 1 when it does not
    Exists(NetworkExistsArgs),
    /// Connect a container to a network
    Connect(NetworkConnectArgs),
    /// Disconnect a container from a network
    Disconnect(NetworkDisconnectArgs),
}

/// Arguments of `berth network create`.
#[derive(Debug, Clone, Args)]
pub struct NetworkCreateArgs {
    /// The driver (only `bridge`)
    #[arg(short, long, value_name = "DRIVER", default_value = "bridge")]
    pub driver: String,
    /// A subnet in CIDR form (default: the first free 10.89.N.0/24); give it twice for an IPv4 and an IPv6 subnet
    #[arg(long, value_name = "SUBNET")]
    pub subnet: Vec<String>,
    /// The gateway of the subnet given in the same position (default: the subnet's first address)
    #[arg(long, value_name = "IP")]
    pub gateway: Vec<String>,
    /// Hand out addresses only from this range (CIDR or START-END) inside the subnet given in the same position
    #[arg(long, value_name = "RANGE")]
    pub ip_range: Vec<String>,
    /// Dual stack: add an IPv6 subnet (a free fdXX:XXXX:XXXX:XXXX::/64 unless --subnet names one)
    #[arg(long)]
    pub ipv6: bool,
    /// Keep the network's containers away from the outside world
    #[arg(long)]
    pub internal: bool,
    /// Do not answer name queries for the network's containers
    #[arg(long)]
    pub disable_dns: bool,
    /// Set a label: KEY=VALUE
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Do not fail when the network exists already
    #[arg(long)]
    pub ignore: bool,
    /// The network's name (berthN when omitted)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// Arguments of `berth network ls`.
#[derive(Debug, Clone, Args)]
pub struct NetworkLsArgs {
    /// Print only the network names
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter: name=TEXT, id=PREFIX, label=KEY[=VALUE], driver=NAME
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Output format: `json`, `table`, or a template such as `{{.Name}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Do not print the header
    #[arg(long, visible_alias = "noheading")]
    pub no_heading: bool,
    /// Print full network ids
    #[arg(long)]
    pub no_trunc: bool,
}

/// Arguments of `berth network inspect`.
#[derive(Debug, Clone, Args)]
pub struct NetworkInspectArgs {
    /// Output format: `json` (the default) or a template such as `{{.Name}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Networks to inspect (name or id)
    #[arg(value_name = "NETWORK", required = true)]
    pub names: Vec<String>,
}

/// Arguments of `berth network rm`.
#[derive(Debug, Clone, Args)]
pub struct NetworkRmArgs {
    /// Remove the containers that use the network first (stopping running ones)
    #[arg(short, long)]
    pub force: bool,
    /// Seconds to wait for running containers to stop before killing them (with -f)
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u32>,
    /// Networks to remove (name or id)
    #[arg(value_name = "NETWORK", required = true)]
    pub names: Vec<String>,
}

/// Arguments of `berth network prune`.
#[derive(Debug, Clone, Args)]
pub struct NetworkPruneArgs {
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Only prune networks that match: label=KEY[=VALUE], name=TEXT
    #[arg(long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
}

/// Arguments of `berth network exists`.
#[derive(Debug, Clone, Args)]
pub struct NetworkExistsArgs {
    /// The network's name or id
    #[arg(value_name = "NETWORK")]
    pub name: String,
}

/// Arguments of `berth network connect`.
#[derive(Debug, Clone, Args)]
pub struct NetworkConnectArgs {
    /// Another name for the container on this network (repeatable)
    #[arg(long, value_name = "ALIAS")]
    pub alias: Vec<String>,
    /// A static IPv4 address on the network
    #[arg(long, value_name = "IPV4")]
    pub ip: Option<String>,
    /// A static IPv6 address on the network
    #[arg(long, value_name = "IPV6")]
    pub ip6: Option<String>,
    /// The MAC address of the container's interface on the network
    #[arg(long, value_name = "MAC")]
    pub mac_address: Option<String>,
    /// The network
    #[arg(value_name = "NETWORK")]
    pub network: String,
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// Arguments of `berth network disconnect`.
#[derive(Debug, Clone, Args)]
pub struct NetworkDisconnectArgs {
    /// Force the container to disconnect from the network (accepted for podman compatibility; disconnecting never needs it)
    #[arg(short, long)]
    pub force: bool,
    /// The network
    #[arg(value_name = "NETWORK")]
    pub network: String,
    /// The container
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}
