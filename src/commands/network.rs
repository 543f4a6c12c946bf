//! `berth network`: create, list, inspect, remove and prune user networks, and connect or
//! disconnect containers. The configurations are plain files owned by the user, so only the
//! subcommands that may touch containers (`rm`, `connect`, `disconnect`) run in the session.

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::net::IpAddr;

use crate::cli::network::{
    NetworkArgs, NetworkCommand, NetworkConnectArgs, NetworkCreateArgs, NetworkDisconnectArgs,
    NetworkExistsArgs, NetworkInspectArgs, NetworkLsArgs, NetworkPruneArgs, NetworkRmArgs,
};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::table;
use crate::net::bridge::netopts;
use crate::net::bridge::store::{CreateRequest, Network, NetworkError, NetworkStore};
use crate::net::bridge::{attach, ipam, subnet};
use crate::spec::{NetworkMode, PerNetwork};
use crate::storage::container::{self, Container, Status};
use crate::userns::session::SessionRequest;

/// podman's status when a network does not exist (`rm`, `exists`).
const EXIT_NO_SUCH: i32 = 1;

/// Run `berth network …`.
pub fn execute(args: NetworkArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = NetworkStore::new(&paths.data);
    match args.command {
        NetworkCommand::Create(a) => create(&store, a),
        NetworkCommand::Ls(a) => ls(&paths, &store, &a),
        NetworkCommand::Inspect(a) => inspect(&store, &a),
        NetworkCommand::Rm(a) => rm(&paths, &store, &a),
        NetworkCommand::Prune(a) => prune(&paths, &store, &a),
        NetworkCommand::Exists(a) => exists(&store, &a),
        NetworkCommand::Connect(a) => connect(&paths, &store, &a),
        NetworkCommand::Disconnect(a) => disconnect(&paths, &store, &a),
    }
}

fn create(store: &NetworkStore, args: NetworkCreateArgs) -> Result<()> {
    let req = CreateRequest {
        name: args.name.clone(),
        driver: Some(args.driver.clone()),
        subnets: args.subnet.clone(),
        gateways: args.gateway.clone(),
        ip_ranges: args.ip_range.clone(),
        ipv6: args.ipv6,
        internal: args.internal,
        disable_dns: args.disable_dns,
        labels: super::key_values(&args.label, "label")?,
    };
    let routes = subnet::host_routes(std::path::Path::new("/proc/net/route"));
    let routes6 = subnet::host_routes6(std::path::Path::new("/proc/net/ipv6_route"));
    match store.create(&req, &routes, &routes6) {
        Ok(n) => {
            println!("{}", n.name);
            Ok(())
        }
        Err(NetworkError::Exists(name)) if args.ignore => {
            println!("{name}");
            Ok(())
        }
        Err(
            e @ (NetworkError::SubnetOnHost { .. }
            | NetworkError::Subnet6OnHost { .. }
            | NetworkError::SubnetUsed { .. }
            | NetworkError::Subnet6Used { .. }),
        ) => Err(Error::from_source("create network", e)
            .hint("choose another --subnet, or leave it out to get a free one")),
        Err(e @ NetworkError::Exists(_)) => Err(Error::from_source("create network", e)
            .hint("pick another name, or pass --ignore to keep the existing network")),
        Err(e) => Err(Error::from_source("create network", e)),
    }
}

/// A network as text fields, for templates.
fn template_fields(n: &Network) -> BTreeMap<&'static str, String> {
    let labels = n
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let subnets = n
        .subnets
        .iter()
        .map(|s| s.subnet.clone())
        .collect::<Vec<_>>()
        .join(",");
    BTreeMap::from([
        ("Name", n.name.clone()),
        ("ID", n.id.chars().take(12).collect()),
        ("Id", n.id.clone()),
        ("Driver", n.driver.clone()),
        ("NetworkInterface", n.network_interface.clone()),
        ("Created", n.created.to_rfc3339()),
        ("Subnets", subnets),
        (
            "Gateway",
            n.subnets
                .first()
                .map(|s| s.gateway.clone())
                .unwrap_or_default(),
        ),
        ("Internal", n.internal.to_string()),
        ("DNSEnabled", n.dns_enabled.to_string()),
        ("IPv6Enabled", n.ipv6_enabled.to_string()),
        ("Labels", labels),
    ])
}

const FIELDS: [&str; 12] = [
    "Name",
    "ID",
    "Id",
    "Driver",
    "NetworkInterface",
    "Created",
    "Subnets",
    "Gateway",
    "Internal",
    "DNSEnabled",
    "IPv6Enabled",
    "Labels",
];

/// Substitute `{{.Field}}` (and `{{ .Field }}`); `\t` and `\n` are escapes. With an empty
/// `fields` map only the field names are checked.
fn render_template(template: &str, fields: &BTreeMap<&'static str, String>) -> Result<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| Error::msg(format!("invalid --format `{template}`: unclosed `{{{{`")))?;
        let name = after[..end].trim();
        let field = name
            .strip_prefix('.')
            .filter(|f| FIELDS.contains(f))
            .ok_or_else(|| {
                Error::msg(format!(
                    "invalid --format `{template}`: unknown field `{name}` (berth knows {})",
                    FIELDS.map(|k| format!(".{k}")).join(", ")
                ))
            })?;
        if let Some(value) = fields.get(field) {
            out.push_str(value);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out.replace("\\t", "\t").replace("\\n", "\n"))
}

/// How `ls` and `inspect` print.
#[derive(Debug, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Template(String),
}

fn parse_format(text: Option<&str>, default: Format) -> Result<Format> {
    match text {
        None => Ok(default),
        Some("table") => Ok(Format::Table),
        Some("json") => Ok(Format::Json),
        Some(t) if t.contains("{{") && !t.trim_start().starts_with("table") => {
            render_template(t, &BTreeMap::new())?;
            Ok(Format::Template(t.to_string()))
        }
        Some(other) => Err(Error::msg(format!(
            "invalid --format `{other}`: berth supports `json`, `table` and templates such as `{{{{.Name}}}}`"
        ))),
    }
}

/// One `--filter` of `ls` and `prune`.
#[derive(Debug, PartialEq, Eq)]
enum Filter {
    Name(String),
    Id(String),
    Label(String, Option<String>),
    Driver(String),
}

impl Filter {
    fn parse(text: &str) -> Option<Filter> {
        let (key, value) = text.split_once('=')?;
        Some(match key {
            "name" => Filter::Name(value.to_string()),
            "id" => Filter::Id(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => Filter::Label(k.to_string(), Some(v.to_string())),
                None => Filter::Label(value.to_string(), None),
            },
            "driver" => Filter::Driver(value.to_string()),
            _ => return None,
        })
    }

    fn matches(&self, n: &Network) -> bool {
        match self {
            Filter::Name(x) => n.name.contains(x.as_str()),
            Filter::Id(x) => n.id.starts_with(x.as_str()),
            Filter::Label(k, v) => n
                .labels
                .get(k)
                .is_some_and(|have| v.as_ref().is_none_or(|want| want == have)),
            Filter::Driver(d) => n.driver == *d,
        }
    }
}

fn ls(_paths: &Paths, store: &NetworkStore, args: &NetworkLsArgs) -> Result<()> {
    let format = parse_format(args.format.as_deref(), Format::Table)?;
    let filters = super::parse_filters(
        &args.filter,
        Filter::parse,
        "berth supports name=, id=, label= and driver=",
    )?;
    let mut networks = store.list().context("list networks")?;
    networks.retain(|n| filters.iter().all(|f| f.matches(n)));
    if args.quiet {
        for n in &networks {
            println!("{}", n.name);
        }
        return Ok(());
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&networks).context("render JSON")?
        ),
        Format::Template(t) => {
            for n in &networks {
                println!("{}", render_template(&t, &template_fields(n))?);
            }
        }
        Format::Table => {
            let mut rows = Vec::new();
            if !args.no_heading {
                rows.push(vec![
                    "NETWORK ID".to_string(),
                    "NAME".to_string(),
                    "DRIVER".to_string(),
                ]);
            }
            for n in &networks {
                let id = if args.no_trunc {
                    n.id.clone()
                } else {
                    n.id.chars().take(12).collect()
                };
                rows.push(vec![id, n.name.clone(), n.driver.clone()]);
            }
            if !rows.is_empty() {
                print!("{}", table(&rows));
            }
        }
    }
    Ok(())
}

fn inspect(store: &NetworkStore, args: &NetworkInspectArgs) -> Result<()> {
    let format = parse_format(args.format.as_deref(), Format::Json)?;
    if format == Format::Table {
        return Err(Error::msg(
            "invalid --format `table`: `network inspect` prints JSON or a template",
        ));
    }
    let mut found = Vec::new();
    let mut missing = None;
    for name in &args.names {
        match store.find(name) {
            Ok(n) => found.push(n),
            Err(e) => {
                missing.get_or_insert(Error::from_source("inspect network", e));
            }
        }
    }
    match format {
        Format::Template(t) => {
            for n in &found {
                println!("{}", render_template(&t, &template_fields(n))?);
            }
        }
        _ => println!(
            "{}",
            serde_json::to_string_pretty(&found).context("render JSON")?
        ),
    }
    missing.map_or(Ok(()), Err)
}

/// The containers configured with `network`.
fn users(paths: &Paths, network: &str) -> Result<Vec<Container>> {
    Ok(container::list(&paths.data)
        .context("list containers")?
        .into_iter()
        .filter(|c| c.config.options.user_networks.iter().any(|n| n == network))
        .collect())
}

/// P0's half of `network rm`: with `-f`, stop the running containers on the networks
/// (their stop signal, then SIGKILL after `-t`), as `rm -f` does; the session removes them.
pub fn rm_host_half(args: &NetworkRmArgs) -> Result<Option<SessionRequest>> {
    if args.force {
        let paths = Paths::discover().context("find berth's directories")?;
        let store = NetworkStore::new(&paths.data);
        for name in &args.names {
            let Ok(n) = store.find(name) else { continue };
            let users =
                users(&paths, &n.name).with_context(|| format!("remove network `{name}`"))?;
            super::rm::stop_all(&paths, &users.iter().collect::<Vec<_>>(), args.time);
        }
    }
    Ok(Some(SessionRequest::same_command_line()))
}

fn rm(paths: &Paths, store: &NetworkStore, args: &NetworkRmArgs) -> Result<()> {
    let targets = args.names.iter().map(|k| (k.clone(), store.find(k)));
    super::remove_each(targets, |found| {
        Some(match found {
            // podman: --force skips a network that is not there, silently.
            Err(NetworkError::NotFound(_)) if args.force => return None,
            Err(e @ NetworkError::NotFound(_)) => Err(Error::not_found(e).with_code(EXIT_NO_SUCH)),
            Err(e) => Err(Error::from_source("remove network", e)),
            Ok(n) => remove_one(paths, store, &n, args.force),
        })
    })
}

fn remove_one(paths: &Paths, store: &NetworkStore, n: &Network, force: bool) -> Result<()> {
    let name = &n.name;
    let users = users(paths, name).with_context(|| format!("remove network `{name}`"))?;
    super::remove_users(paths, "network", name, &users, force)?;
    store
        .remove(n)
        .map_err(|e| Error::from_source(format!("remove network `{name}`"), e))
}

fn prune(paths: &Paths, store: &NetworkStore, args: &NetworkPruneArgs) -> Result<()> {
    let filters = super::parse_filters(
        &args.filter,
        |f| Filter::parse(f).filter(|f| matches!(f, Filter::Label(..) | Filter::Name(_))),
        "`network prune` supports label= and name=",
    )?;
    let containers = container::list(&paths.data).context("prune networks")?;
    let in_use: Vec<String> = containers
        .iter()
        .flat_map(|c| c.config.options.user_networks.clone())
        .collect();
    let unused: Vec<Network> = store
        .list()
        .context("prune networks")?
        .into_iter()
        .filter(|n| !in_use.contains(&n.name) && n.name != crate::net::bridge::store::DEFAULT_NAME)
        .filter(|n| filters.iter().all(|f| f.matches(n)))
        .collect();
    if !args.force {
        eprintln!("WARNING! This will remove all networks not used by at least one container. The following networks will be removed:");
        for n in &unused {
            eprintln!("{}", n.name);
        }
        eprint!("Are you sure you want to continue? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            return Ok(());
        }
    }
    for n in &unused {
        store
            .remove(n)
            .map_err(|e| Error::from_source(format!("remove network `{}`", n.name), e))?;
        println!("{}", n.name);
    }
    Ok(())
}

fn exists(store: &NetworkStore, args: &NetworkExistsArgs) -> Result<()> {
    match store.find(&args.name) {
        Ok(_) => Ok(()),
        Err(NetworkError::NotFound(_)) => Err(Error::Exit(EXIT_NO_SUCH)),
        Err(e) => Err(Error::from_source("look up network", e)),
    }
}

/// A running container's init process and its monitor (which owns its address records).
struct Running {
    pid: i32,
    monitor: (i32, u64),
}

/// Find a container; `Some` when it runs, after checking that this session can wire it.
fn find_container(paths: &Paths, key: &str, what: &str) -> Result<(Container, Option<Running>)> {
    let c = container::find(&paths.data, key)
        .map_err(|e| Error::from_source(format!("{what} container `{key}`"), e))?;
    let state = c
        .state()
        .with_context(|| format!("read the state of container `{}`", c.config.name))?;
    if state.status != Status::Running {
        return Ok((c, None));
    }
    let name = &c.config.name;
    let (Some(pid), Some(monitor)) = (state.pid, state.monitor) else {
        return Err(Error::msg(format!(
            "{what} running container `{name}`: its state records no process or monitor"
        )));
    };
    let holder = crate::net::bridge::holder::current(&paths.runtime);
    if !holder.is_some_and(|h| same_user_namespace(pid, h.pid)) {
        return Err(Error::msg(format!(
            "{what} running container `{name}`: it was not started on a user network, so its network namespace belongs to a user namespace of its own, which cannot take an interface from berth's rootless network namespace"
        ))
        .hint("stop the container and connect it (the change applies at its next start), or start it on a network with `--network NAME`"));
    }
    let me = std::process::id().cast_signed();
    if !holder.is_some_and(|h| same_user_namespace(me, h.pid)) {
        return Err(Error::msg(format!(
            "{what} running container `{name}`: berth's session is not in the rootless network namespace's user namespace"
        ))
        .hint("try again: the container may have been started meanwhile"));
    }
    Ok((c, Some(Running { pid, monitor })))
}

/// Are processes `a` and `b` in one user namespace? (`/proc/PID/ns/user` of both name the
/// same nsfs inode.)
fn same_user_namespace(a: i32, b: i32) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let id = |pid: i32| {
        std::fs::metadata(format!("/proc/{pid}/ns/user"))
            .ok()
            .map(|m| (m.dev(), m.ino()))
    };
    matches!((id(a), id(b)), (Some(x), Some(y)) if x == y)
}

/// P0's half of `network connect`/`disconnect`: the session that wires a running container
/// on user networks must be in the holder's user namespace, which owns the container's
/// network namespace and the bridges.
pub fn session_request(args: &NetworkArgs) -> SessionRequest {
    SessionRequest::same_command_line().joining(holder_to_join(args))
}

/// The holder's pid when `args` connects or disconnects a running container in the
/// holder's user namespace. Anything else (no such container, stopped, on pasta) is left
/// to the session to handle or refuse.
fn holder_to_join(args: &NetworkArgs) -> Option<i32> {
    let key = match &args.command {
        NetworkCommand::Connect(a) => &a.container,
        NetworkCommand::Disconnect(a) => &a.container,
        NetworkCommand::Create(_)
        | NetworkCommand::Ls(_)
        | NetworkCommand::Inspect(_)
        | NetworkCommand::Rm(_)
        | NetworkCommand::Prune(_)
        | NetworkCommand::Exists(_) => return None,
    };
    let paths = Paths::discover().ok()?;
    let c = container::find(&paths.data, key).ok()?;
    let pid = c
        .state()
        .ok()
        .filter(|s| s.status == Status::Running)
        .and_then(|s| s.pid)?;
    let h = crate::net::bridge::holder::current(&paths.runtime)?;
    same_user_namespace(pid, h.pid).then_some(h.pid)
}

/// Rewrite a container's `user_networks` in its config.json, and its options for
/// `network`: `Some` sets them (connect), `None` drops them (disconnect).
fn set_networks(
    c: &Container,
    networks: &[String],
    network: &str,
    opts_for: Option<&PerNetwork>,
) -> Result<()> {
    let mut config = c.config.clone();
    let opts = &mut config.options;
    opts.user_networks = networks.to_vec();
    opts.network = if networks.is_empty() {
        NetworkMode::None
    } else {
        NetworkMode::Bridge
    };
    match opts_for {
        Some(o) if !o.is_empty() => {
            opts.network_opts.insert(network.to_string(), o.clone());
        }
        _ => {
            opts.network_opts.remove(network);
        }
    }
    let path = c.dir.join("config.json");
    let bytes = serde_json::to_vec_pretty(&config).context("render container config")?;
    crate::storage::atomic::write_atomic(
        &path,
        &bytes,
        crate::storage::atomic::Durability::Unsynced,
    )
    .map_err(|e| Error::from_source(format!("write `{}`", path.display()), e))
}

fn connect(paths: &Paths, store: &NetworkStore, args: &NetworkConnectArgs) -> Result<()> {
    let n = store
        .find(&args.network)
        .map_err(|e| Error::from_source("connect container", e))?;
    let mut want = PerNetwork::default();
    for a in &args.alias {
        netopts::check_alias("--alias", a)
            .map_err(|e| Error::from_source("connect container", e))?;
    }
    want.add_aliases(&args.alias);
    let ip_of = |flag: &str, text: &Option<String>, v4: bool| -> Result<Option<IpAddr>> {
        let Some(t) = text else { return Ok(None) };
        match t.parse::<IpAddr>() {
            Ok(ip) if ip.is_ipv4() == v4 => Ok(Some(ip)),
            _ => Err(Error::msg(format!(
                "invalid {flag} `{t}`: not an {} address",
                if v4 { "IPv4" } else { "IPv6" }
            ))),
        }
    };
    for ip in [
        ip_of("--ip", &args.ip, true)?,
        ip_of("--ip6", &args.ip6, false)?,
    ]
    .into_iter()
    .flatten()
    {
        want.add_ip(&n.name, ip)
            .map_err(|e| Error::from_source("connect container", e))?;
    }
    if let Some(mac) = &args.mac_address {
        want.mac = Some(
            netopts::parse_mac("--mac-address", mac)
                .map_err(|e| Error::from_source("connect container", e))?,
        );
    }
    check_static(&n, &want)?;
    let (c, running) = find_container(paths, &args.container, "connect")?;
    let _lock = c.lock().context("lock the container")?;
    let current = c.config.options.user_networks.clone();
    if current.is_empty() && c.config.options.network == NetworkMode::Host {
        return Err(Error::msg(format!(
            "connect container `{}`: it uses the host's network",
            c.config.name
        )));
    }
    let shared = matches!(
        c.config.options.network,
        NetworkMode::Container(_) | NetworkMode::Ns(_)
    );
    if running.is_some() && shared {
        // Sharing another container's namespace (`--network container:` or `ns:PATH`): the
        // interface would land in that container (or in the holder's own namespace).
        return Err(Error::msg(format!(
            "connect running container `{}`: it shares the network namespace of another container",
            c.config.name
        ))
        .hint("connect the container that owns the network namespace, or stop this one first"));
    }
    if current.contains(&n.name) {
        return Err(Error::msg(format!(
            "connect container `{}`: it is already connected to network `{}`",
            c.config.name, n.name
        )));
    }
    if let Some(r) = running {
        // Containers made before per-network options have container-wide aliases.
        let mut effective = want.clone();
        effective.add_aliases(&c.config.options.network_aliases);
        hot_connect(paths, &c, &n, &r, &effective)?;
    }
    let mut networks = current;
    networks.push(n.name.clone());
    set_networks(&c, &networks, &n.name, Some(&want))
}

/// A static address must lie in the network's subnet of its family and not be its gateway
/// (whether it is taken is known when it is claimed).
pub fn check_static(n: &Network, want: &PerNetwork) -> Result<()> {
    let bad = |ip: IpAddr, why: String| {
        Err(Error::msg(format!(
            "invalid address {ip} for network `{}`: {why}",
            n.name
        ))
        .hint("see the network's subnets with `berth network inspect`"))
    };
    if let Some(ip) = want.ip {
        match (n.subnet(), n.gateway()) {
            (Some(s), _) if !s.is_host(ip) => {
                return bad(
                    IpAddr::V4(ip),
                    format!("it is not a host address in subnet {s}"),
                )
            }
            (Some(_), Some(g)) if g == ip => {
                return bad(IpAddr::V4(ip), "it is the gateway".into())
            }
            (None, _) => return bad(IpAddr::V4(ip), "the network has no IPv4 subnet".into()),
            _ => {}
        }
    }
    if let Some(ip) = want.ip6 {
        match (n.subnet6(), n.gateway6()) {
            (Some(s), _) if !s.is_host(ip) => {
                return bad(
                    IpAddr::V6(ip),
                    format!("it is not a host address in subnet {s}"),
                )
            }
            (Some(_), Some(g)) if g == ip => {
                return bad(IpAddr::V6(ip), "it is the gateway".into())
            }
            (None, _) => return bad(IpAddr::V6(ip), "the network has no IPv6 subnet".into()),
            _ => {}
        }
    }
    Ok(())
}

/// Claim an address on `n` for the running container (owned by its monitor, so it is
/// freed when the container ends) and plug it in.
fn hot_connect(
    paths: &Paths,
    c: &Container,
    n: &Network,
    r: &Running,
    want: &PerNetwork,
) -> Result<()> {
    let name = &c.config.name;
    ipam::collect_stale(&paths.runtime);
    let record = attach::new_record(c, want, Some(r.monitor));
    let a = ipam::claim(&paths.runtime, n, record, want)
        .map_err(|e| attach::claim_error(&n.name, e))?;
    if let Err(e) = attach::hot_connect(paths, &c.config.id, n, &a, r.pid) {
        ipam::release(&paths.runtime, &n.name, &c.config.id);
        return Err::<(), _>(e)
            .with_context(|| format!("connect container `{name}` to network `{}`", n.name));
    }
    attach::etc_connected(c, n, &a)
        .with_context(|| format!("connect container `{name}` to network `{}`", n.name))
}

fn disconnect(paths: &Paths, store: &NetworkStore, args: &NetworkDisconnectArgs) -> Result<()> {
    let n = store
        .find(&args.network)
        .map_err(|e| Error::from_source("disconnect container", e))?;
    let (c, running) = find_container(paths, &args.container, "disconnect")?;
    let _lock = c.lock().context("lock the container")?;
    let mut networks = c.config.options.user_networks.clone();
    if !networks.contains(&n.name) {
        return Err(Error::msg(format!(
            "disconnect container `{}`: it is not connected to network `{}`",
            c.config.name, n.name
        )));
    }
    if let Some(r) = running {
        let mine = ipam::entries(&paths.runtime, &n.name)
            .into_iter()
            .find(|a| a.container_id == c.config.id);
        if let Some(a) = mine {
            attach::hot_disconnect(r.pid, &a).with_context(|| {
                format!(
                    "disconnect container `{}` from network `{}`",
                    c.config.name, n.name
                )
            })?;
            attach::etc_disconnected(&c, &n, &a).with_context(|| {
                format!(
                    "disconnect container `{}` from network `{}`",
                    c.config.name, n.name
                )
            })?;
        }
        ipam::release(&paths.runtime, &n.name, &c.config.id);
    }
    networks.retain(|x| x != &n.name);
    set_networks(&c, &networks, &n.name, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_filters() {
        assert_eq!(parse_format(None, Format::Table).unwrap(), Format::Table);
        assert_eq!(
            parse_format(Some("json"), Format::Table).unwrap(),
            Format::Json
        );
        assert!(parse_format(Some("{{.Nope}}"), Format::Table).is_err());
        assert!(parse_format(Some("yaml"), Format::Table).is_err());
        let fields = BTreeMap::from([("Name", "n".to_string()), ("Driver", "bridge".to_string())]);
        assert_eq!(
            render_template("{{.Name}}\\t{{ .Driver }}", &fields).unwrap(),
            "n\tbridge"
        );
        assert_eq!(
            Filter::parse("label=a=b"),
            Some(Filter::Label("a".into(), Some("b".into())))
        );
        assert_eq!(Filter::parse("bogus=1"), None);
        assert!(super::super::key_values(&["=x".into()], "label").is_err());
    }
}
