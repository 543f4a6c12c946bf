//! Rootless networking: the pasta and slirp4netns helpers, published ports, and the generated
//! /etc/hosts and resolv.conf (DESIGN.md section 5).
//!
//! The helper runs as a child of S (uid 0 of the session user namespace, which owns C's
//! network namespace), started after C is cloned and before C is told Go, so the command
//! starts with its network up. It dies with S (parent-death signal) and is stopped by the
//! `Helper` guard when the container ends.

pub mod bridge;
pub mod etc;
pub mod mode;
pub mod pasta;
pub mod ports;
pub mod routes;
pub mod slirp;

use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::spec::NetOptions;
use crate::spec::NetworkMode;
use crate::spec::PortMapping;

/// Why the network could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("`{0}` is not installed")]
    Missing(&'static str),
    #[error("start {tool}")]
    Spawn {
        tool: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{tool} failed: {message}")]
    HelperFailed { tool: &'static str, message: String },
    #[error("{tool} did not get ready within {secs} seconds")]
    Timeout { tool: &'static str, secs: u64 },
    #[error("prepare {what} `{path}`")]
    File {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("open the container's network namespace")]
    Netns(#[source] std::io::Error),
    #[error("create the container's network namespace")]
    NewNetns(#[source] std::io::Error),
    #[error("publish port {port}: {message}")]
    Forward { port: String, message: String },
    #[error("talk to slirp4netns at `{path}`")]
    Api {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Find an executable on PATH.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")
        .unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The default network, podman's rule: berth.toml's `[network]
/// default_rootless_network_cmd` when set, else pasta when installed, else slirp4netns.
/// `None` when neither is installed. (A berth.toml that does not parse is reported by the
/// code that needs its other settings.)
pub fn default_helper() -> Option<&'static str> {
    let configured = crate::config::Paths::discover()
        .ok()
        .and_then(|p| crate::config::Config::load(&p).ok())
        .and_then(|c| c.network.default_rootless_network_cmd);
    if let Some(cmd) = configured {
        return Some(cmd.name());
    }
    if find_tool("pasta").is_some() {
        Some("pasta")
    } else if find_tool("slirp4netns").is_some() {
        Some("slirp4netns")
    } else {
        None
    }
}

/// What the host's own network looks like: the default route and the interface addresses.
/// pasta copies these into the container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostNet {
    pub gateway: Option<Ipv4Addr>,
    /// The IPv4 address of the default route's interface.
    pub address: Option<Ipv4Addr>,
    /// Every non-loopback IPv4 address of the host.
    pub addresses: Vec<Ipv4Addr>,
}

impl HostNet {
    /// Read /proc/net/route and the interface addresses.
    pub fn discover() -> HostNet {
        let route = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
        let default = parse_default_route(&route);
        let mut net = HostNet {
            gateway: default.as_ref().map(|(_, gw)| *gw),
            ..HostNet::default()
        };
        if let Ok(addrs) = nix::ifaddrs::getifaddrs() {
            for a in addrs {
                let Some(v4) = a.address.as_ref().and_then(|s| s.as_sockaddr_in()) else {
                    continue;
                };
                let ip = v4.ip();
                if ip.is_loopback() {
                    continue;
                }
                if default
                    .as_ref()
                    .is_some_and(|(iface, _)| *iface == a.interface_name)
                    && net.address.is_none()
                {
                    net.address = Some(ip);
                }
                net.addresses.push(ip);
            }
        }
        net
    }
}

/// The default route's interface and gateway from /proc/net/route text.
pub fn parse_default_route(text: &str) -> Option<(String, Ipv4Addr)> {
    text.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 3 || f[1] != "00000000" {
            return None;
        }
        let gw = u32::from_str_radix(f[2], 16).ok().filter(|g| *g != 0)?;
        // The kernel prints the address in host (little-endian) byte order.
        Some((f[0].to_string(), Ipv4Addr::from(gw.swap_bytes())))
    })
}

/// The addresses a container sees on its network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressing {
    pub container_ip: Option<IpAddr>,
    pub host_internal: Option<IpAddr>,
    pub resolver: etc::Resolver,
}

/// Start the helper `mode` needs for the container whose init is `pid` (none for `none`,
/// `host` and `container:`); `Pending::wait` then waits until the network is up.
pub fn begin_helper(
    mode: &NetworkMode,
    ports: &[PortMapping],
    pid: i32,
    dir: &Path,
) -> Result<Option<Pending>, NetError> {
    match mode {
        NetworkMode::Pasta(opts) => {
            pasta::start(opts, ports, pid, dir, pasta_dns_forward()).map(Some)
        }
        NetworkMode::Slirp4netns(opts) => slirp::start(opts, ports, pid, dir).map(Some),
        _ => Ok(None),
    }
}

/// Does pasta forward DNS (the host's resolver is on its loopback)?
fn pasta_dns_forward() -> bool {
    etc::has_loopback_server(&host_resolv_conf())
}

/// A network namespace made for C before C exists, with its helper already starting in it.
/// pasta's own start takes about 20 ms (it touches tens of megabytes of buffers before it
/// is ready); begun here, it overlaps the mounts and the clone instead of following them.
#[derive(Debug)]
pub struct EarlyNet {
    /// C joins this namespace first thing.
    pub netns: OwnedFd,
    pub pending: Pending,
}

/// [`begin_helper`] ahead of the clone, for pasta (slirp4netns is ready within a few
/// milliseconds and keeps the plain order); `None` for every other mode.
pub fn begin_early(
    mode: &NetworkMode,
    ports: &[PortMapping],
    dir: &Path,
) -> Result<Option<EarlyNet>, NetError> {
    let NetworkMode::Pasta(opts) = mode else {
        return Ok(None);
    };
    let netns = crate::sys::ns::new_netns().map_err(NetError::NewNetns)?;
    let mut pending = pasta::start_in(opts, ports, netns.ns.as_fd(), dir, pasta_dns_forward())?;
    // Published ports must be bound when `run` returns: those wait for pasta's pid file.
    if ports.is_empty() {
        let need = routes::Families {
            // The default route alone: the addresses `HostNet::discover` also collects (a
            // netlink dump) are not needed here.
            v4: parse_default_route(
                &std::fs::read_to_string("/proc/net/route").unwrap_or_default(),
            )
            .is_some()
                && !opts.has("-6", "--ipv6-only"),
            v6: routes::has_ipv6_default(
                &std::fs::read_to_string("/proc/net/ipv6_route").unwrap_or_default(),
            ) && !opts.has("-4", "--ipv4-only"),
        };
        pending.routes = routes::RouteWatch::new(netns.routes, need);
    }
    Ok(Some(EarlyNet {
        netns: netns.ns,
        pending,
    }))
}

/// `--network container:KEY`: the running container whose network namespace (and user
/// namespace, which owns it) a new container joins, and its init's pid.
pub fn network_owner(
    store_root: &Path,
    key: &str,
) -> crate::error::Result<(crate::storage::container::Container, i32)> {
    use crate::error::Error;
    let ctr = crate::storage::container::find(store_root, key)
        .map_err(|e| Error::msg(format!("--network container:{key}: {e}")))?;
    let state = ctr
        .state()
        .map_err(|e| Error::from_source(format!("read the state of container `{key}`"), e))?;
    let pid = state.pid.filter(|_| state.is_alive()).ok_or_else(|| {
        Error::msg(format!(
            "--network container:{key}: container `{}` is not running",
            ctr.config.name
        ))
        .hint(format!("start it first: berth start {}", ctr.config.name))
    })?;
    if ctr.config.options.network == NetworkMode::Host {
        return Err(Error::msg(format!(
            "--network container:{key}: container `{}` uses the host's network; use --network host",
            ctr.config.name
        )));
    }
    Ok((ctr, pid))
}

/// `--network ns:PATH`: a process in the user namespace that owns the network namespace at
/// `path`, for the session to join (as for `container:`). Only berth's own user namespaces
/// qualify: a running container's or the user networks' holder's. They all carry the
/// user's subordinate id maps, so files in the store keep their owners; any other owner is
/// refused, because the container could not be set up in it (or not entered at all).
pub fn ns_owner(paths: &crate::config::Paths, path: &Path) -> crate::error::Result<i32> {
    use crate::error::Error;
    use std::os::unix::fs::MetadataExt;
    let what = format!("--network ns:{}", path.display());
    let file = std::fs::File::open(path)
        .map_err(|e| Error::from_source(format!("{what}: open the network namespace"), e))?;
    match crate::sys::ns::ns_type(file.as_fd()) {
        Ok(crate::sys::ns::NET) => {}
        _ => return Err(Error::msg(format!("{what}: not a network namespace"))),
    }
    let owner = crate::sys::ns::owning_userns(file.as_fd()).map_err(|e| {
        Error::from_source(format!("{what}: find the user namespace that owns it"), e)
    })?;
    let key = |m: std::fs::Metadata| (m.dev(), m.ino());
    let owner = std::fs::File::from(owner)
        .metadata()
        .map(key)
        .map_err(|e| Error::from_source(format!("{what}: read its owner"), e))?;
    let userns_of = |pid: i32| std::fs::metadata(format!("/proc/{pid}/ns/user")).map(key);
    if userns_of(std::process::id().cast_signed()).is_ok_and(|k| k == owner) {
        return Err(Error::msg(format!(
            "{what}: it belongs to the host's user namespace, where berth has no privilege"
        ))
        .hint("use --network host for the host's network"));
    }
    let holder = bridge::holder::current(&paths.runtime).map(|h| h.pid);
    let containers = crate::storage::container::list(&paths.data)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.state().ok())
        .filter(|s| s.is_alive())
        .filter_map(|s| s.pid);
    holder
        .into_iter()
        .chain(containers)
        .find(|pid| userns_of(*pid).is_ok_and(|k| k == owner))
        .ok_or_else(|| {
            Error::msg(format!(
                "{what}: it belongs to a user namespace that no running berth container holds"
            ))
            .hint("berth joins network namespaces made in its own containers' user namespaces; for another container's network use --network container:NAME")
        })
}

/// The host's /etc/resolv.conf, parsed (empty when unreadable).
pub fn host_resolv_conf() -> etc::ResolvConf {
    etc::parse_resolv_conf(&std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default())
}

/// The container's /etc/hosts and /etc/resolv.conf texts.
pub fn etc_files(
    mode: &NetworkMode,
    net: &NetOptions,
    hostname: &str,
    name: &str,
) -> (String, String) {
    let host_resolv = host_resolv_conf();
    let addressing = match mode {
        NetworkMode::Pasta(p) => pasta::addressing(
            p,
            &HostNet::discover(),
            etc::has_loopback_server(&host_resolv),
        ),
        NetworkMode::Slirp4netns(s) => s.addressing(),
        _ => Addressing {
            container_ip: None,
            host_internal: None,
            resolver: etc::Resolver::Host,
        },
    };
    let hosts = etc::hosts(&etc::HostsSpec {
        hostname,
        name,
        container_ip: addressing.container_ip,
        host_internal: addressing.host_internal,
        add_hosts: &net.add_hosts,
    });
    let resolv = etc::resolv_conf(&host_resolv, &net.dns, addressing.resolver);
    (hosts, resolv)
}

/// A running network helper. Dropping it stops the helper and removes its files.
#[derive(Debug)]
pub struct Helper {
    tool: &'static str,
    child: std::process::Child,
    /// Descriptors held for the helper's life: slirp4netns' exit fd (closing it tells it to
    /// go), pasta's pid FIFO when it was ready before writing it.
    _keep: Vec<OwnedFd>,
    dir: PathBuf,
}

impl Helper {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn tool(&self) -> &'static str {
        self.tool
    }
}

impl Helper {
    /// Let the helper run on without this guard (the user networks' outside link, which
    /// the holder stops); its pid.
    pub fn detach(self) -> i32 {
        let helper = std::mem::ManuallyDrop::new(self);
        helper.child.id().cast_signed()
    }

    /// Stop the helper and wait until it is gone, so its host ports are free again (before
    /// a restart publishes them anew).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Helper {
    /// SIGKILL without waiting: pasta takes tens of milliseconds to exit (it unmaps large
    /// buffers), which would delay every `run`. It is reaped by `stop`, by a later wait, or
    /// by init once this session exits.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.try_wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// How long a helper may take to get ready.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The per-container directory for a helper's files (pid FIFO, log, API socket):
/// `$XDG_RUNTIME_DIR/berth/net/<short id>`. Short, because socket paths are limited to 108
/// bytes.
pub fn helper_dir(runtime: &Path, id: &str) -> PathBuf {
    runtime
        .join("net")
        .join(id.chars().take(12).collect::<String>())
}

/// Start `tool` with its stderr in `log`; it inherits `keep`. It dies with this process
/// unless it is a `daemon` (the user networks' outside link, which outlives `berth`).
fn spawn(
    tool: &'static str,
    cmd: &mut std::process::Command,
    keep: &[BorrowedFd<'_>],
    log: &Path,
    daemon: bool,
) -> Result<std::process::Child, NetError> {
    let log_file = std::fs::File::create(log).map_err(|source| NetError::File {
        what: "the helper log",
        path: log.to_path_buf(),
        source,
    })?;
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log_file);
    if daemon {
        crate::sys::process::spawn_daemon(cmd, keep)
    } else {
        crate::sys::process::spawn_helper(cmd, keep)
    }
    .map_err(|source| NetError::Spawn { tool, source })
}

/// A helper that has been started and is configuring the container's network. S lets C go
/// meanwhile (C's mounts overlap the helper's start) and waits here before C may exec.
/// Dropping it stops the helper.
#[derive(Debug)]
pub struct Pending {
    helper: Helper,
    /// Readable once the helper is ready (pasta's pid FIFO, slirp4netns' ready pipe).
    ready: OwnedFd,
    log: PathBuf,
    /// slirp4netns: its API socket and the ports to add there once it is ready.
    hostfwd: Option<(PathBuf, Vec<PortMapping>)>,
    /// pasta, started early for a container without published ports: ready as soon as its
    /// default routes are in the namespace (see [`routes`]).
    routes: Option<routes::RouteWatch>,
}

impl Pending {
    /// Wait until the helper reports ready (and publish slirp4netns' ports), or fails (it
    /// exits; its log says why), or times out.
    pub fn wait(mut self) -> Result<Helper, NetError> {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        let tool = self.helper.tool;
        let pidfd =
            crate::sys::ns::pidfd_open(self.helper.child.id().cast_signed()).map_err(|e| {
                NetError::HelperFailed {
                    tool,
                    message: format!("watch its process: {e}"),
                }
            })?;
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NetError::Timeout {
                    tool,
                    secs: READY_TIMEOUT.as_secs(),
                });
            }
            let mut fds = vec![
                PollFd::new(self.ready.as_fd(), PollFlags::POLLIN),
                PollFd::new(pidfd.as_fd(), PollFlags::POLLIN),
            ];
            if let Some(watch) = &self.routes {
                fds.push(PollFd::new(watch.fd(), PollFlags::POLLIN));
            }
            let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
            match poll(&mut fds, PollTimeout::from(ms)) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => {
                    return Err(NetError::HelperFailed {
                        tool,
                        message: format!("wait for it: {e}"),
                    })
                }
            }
            let is_ready = fds[0]
                .revents()
                .is_some_and(|r| r.contains(PollFlags::POLLIN));
            let exited = fds[1].revents().is_some_and(|r| !r.is_empty());
            let routed = fds
                .get(2)
                .and_then(|f| f.revents())
                .is_some_and(|r| r.contains(PollFlags::POLLIN));
            drop(fds);
            if is_ready || (routed && self.routes.as_mut().is_some_and(|w| w.update())) {
                break;
            }
            if exited {
                let status = self.helper.child.wait().ok();
                let text = std::fs::read_to_string(&self.log).unwrap_or_default();
                let mut message = helper_message(&text);
                if message.is_empty() {
                    message = status.map_or_else(|| "it exited".to_string(), |s| format!("{s}"));
                }
                return Err(NetError::HelperFailed { tool, message });
            }
        }
        if let Some((api, ports)) = self.hostfwd.take() {
            slirp::publish(&api, &ports)?;
        }
        // Ready by its routes, pasta has yet to write its pid FIFO: an open for writing
        // without a reader would block it for good, so the reader stays with the helper.
        self.helper._keep.push(self.ready);
        Ok(self.helper)
    }
}

/// The useful lines of a helper's stderr (pasta also reports that it has no syslog).
fn helper_message(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Failed to send") && !l.contains("syslog"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Create the helper's directory, empty.
fn fresh_dir(dir: &Path) -> Result<(), NetError> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|source| NetError::File {
        what: "the helper directory",
        path: dir.to_path_buf(),
        source,
    })
}

/// Open `/proc/PID/ns/net` (close-on-exec; `spawn_helper` clears that for the helper).
fn open_netns(pid: i32) -> Result<OwnedFd, NetError> {
    std::fs::File::open(format!("/proc/{pid}/ns/net"))
        .map(OwnedFd::from)
        .map_err(NetError::Netns)
}

/// `/proc/self/fd/N` for a descriptor the helper inherits.
fn self_fd_path(fd: BorrowedFd<'_>) -> String {
    format!("/proc/self/fd/{}", fd.as_raw_fd())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_route_is_parsed() {
        let text =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
                    eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
                    eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        assert_eq!(
            parse_default_route(text),
            Some(("eth0".to_string(), Ipv4Addr::new(192, 0, 2, 1)))
        );
        assert_eq!(parse_default_route("Iface\n"), None);
    }

    #[test]
    fn helper_messages_drop_syslog_noise() {
        let text = "Failed to send 51 bytes to syslog\nCouldn't open network namespace /x\n\n";
        assert_eq!(helper_message(text), "Couldn't open network namespace /x");
    }
}
