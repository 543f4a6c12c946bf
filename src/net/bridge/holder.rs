//! The rootless network namespace and its holder process, `berth:[netns]`.
//!
//! A network namespace can only be joined, and a veth moved into it, by a process that holds
//! CAP_NET_ADMIN/CAP_SYS_ADMIN in the user namespace that owns it. Each berth invocation
//! makes its own user namespace, so the holder keeps one user namespace (with the usual
//! session mapping) and one network namespace alive, and every session that runs a container
//! on a user network *joins the holder's user namespace* instead of making its own (as
//! podman joins its pause process). The container's network namespace is then owned by the
//! same user namespace as the bridges, and the session may wire the two together.
//!
//! The holder also answers name queries (see [`super::dns`]) and exits after it has seen no
//! address allocation for [`IDLE_EXIT`].

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::process_start_time;

/// How long the holder stays without any container on a user network
/// (`BERTH_NETNS_IDLE_SECS` overrides it; the tests use 1).
pub const IDLE_EXIT: Duration = Duration::from_secs(10);

fn idle_exit() -> Duration {
    std::env::var("BERTH_NETNS_IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(IDLE_EXIT, Duration::from_secs)
}

/// `$XDG_RUNTIME_DIR/berth/netns/holder.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderState {
    pub pid: i32,
    pub start: u64,
}

fn dir(runtime: &Path) -> PathBuf {
    runtime.join("netns")
}

fn state_path(runtime: &Path) -> PathBuf {
    dir(runtime).join("holder.json")
}

/// The holder, when it runs.
pub fn current(runtime: &Path) -> Option<HolderState> {
    let bytes = std::fs::read(state_path(runtime)).ok()?;
    let st: HolderState = serde_json::from_slice(&bytes).ok()?;
    (process_start_time(st.pid) == Some(st.start)).then_some(st)
}

/// The lock that orders holder start and stop with address allocation.
pub struct NetnsLock {
    _file: nix::fcntl::Flock<std::fs::File>,
}

/// Take the netns lock (blocking, or `None` when `try_only` and it is busy).
pub fn lock(runtime: &Path, try_only: bool) -> io::Result<Option<NetnsLock>> {
    let d = dir(runtime);
    std::fs::create_dir_all(&d)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.join("lock"))?;
    let arg = if try_only {
        nix::fcntl::FlockArg::LockExclusiveNonblock
    } else {
        nix::fcntl::FlockArg::LockExclusive
    };
    match nix::fcntl::Flock::lock(file, arg) {
        Ok(f) => Ok(Some(NetnsLock { _file: f })),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) if try_only => Ok(None),
        Err((_, e)) => Err(e.into()),
    }
}

/// P0, before `create`: every network must exist.
pub fn check_networks(networks: &[String]) -> Result<()> {
    if networks.is_empty() {
        return Ok(());
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let store = super::store::NetworkStore::new(&paths.data);
    for n in networks {
        store
            .find(n)
            .map_err(|e| Error::from_source("attach the container to its networks", e))?;
    }
    Ok(())
}

/// P0, before a session that will run a container on `networks` (checked to exist by
/// [`check_networks`]): start the holder (a session `launch` runs) when it is not running.
/// Returns the holder's pid, whose user namespace the container's session joins (`None`
/// without user networks).
pub fn prepare_session(
    paths: &Paths,
    networks: &[String],
    launch: crate::userns::session::Launch,
) -> Result<Option<i32>> {
    if networks.is_empty() {
        return Ok(None);
    }
    paths
        .ensure_runtime()
        .context("create the runtime directory")?;
    let _lock = lock(&paths.runtime, false).context("lock the rootless network namespace")?;
    let mut started = false;
    let holder = match current(&paths.runtime) {
        Some(h) => h,
        None => {
            started = true;
            // A holder that was killed left its outside link behind.
            super::link::stop(&dir(&paths.runtime));
            // The holder's own session makes its user namespace.
            launch(&crate::userns::session::SessionRequest::new(vec![
                "__netns-holder".into(),
            ]))
            .context("start the rootless network namespace")?;
            current(&paths.runtime).ok_or_else(|| {
                Error::msg("start the rootless network namespace: the holder did not stay up")
            })?
        }
    };
    // The holder does not stop within IDLE_EXIT of this, so it outlives the gap between
    // now and the session's address claim.
    if started {
        // The outside link joins the holder's namespaces (we own its user namespace); the
        // holder stops it when it exits.
        if let Err(e) = super::link::start(&dir(&paths.runtime), holder.pid) {
            crate::config::global::warn(format_args!("user networks have no outside access: {e}"));
        }
    }
    std::fs::write(dir(&paths.runtime).join("last-use"), b"")
        .context("record the use of the rootless network namespace")?;
    // The session of the container joins the holder's user namespace (see above).
    Ok(Some(holder.pid))
}

/// Did a session prepare to use the namespace within `idle`?
fn recently_used(runtime: &Path, idle: Duration) -> bool {
    std::fs::metadata(dir(runtime).join("last-use"))
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|e| e < idle))
}

/// In the holder's namespace: forward between the bridges and the outside link, masquerade
/// what leaves, and drop what one bridge sends to another (networks are isolated). Without
/// nft, forwarding stays off: containers then reach their own network only.
fn setup_forwarding() -> std::result::Result<(), String> {
    // `inet`: the same rules for IPv4 and IPv6.
    const RULES: &str = "table inet berth {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname \"berth*\" oifname \"berth*\" drop
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    iifname \"berth*\" oifname != \"berth*\" masquerade
  }
}
";
    let mut child = std::process::Command::new("nft")
        .args(["-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("run `nft`: {e} (hint: apt install nftables)"))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        stdin
            .write_all(RULES.as_bytes())
            .map_err(|e| format!("write to `nft`: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("wait for `nft`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`nft` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // Traffic inside one bridge is switched, not routed: keep it away from the forward
    // hook (br_netfilter would send it there, and the isolation rule would drop it).
    for knob in ["iptables", "ip6tables", "arptables"] {
        let _ = std::fs::write(format!("/proc/sys/net/bridge/bridge-nf-call-{knob}"), b"0");
    }
    // IPv6 (dual-stack networks): routed the same way, when the kernel has it.
    let _ = std::fs::write("/proc/sys/net/ipv6/conf/all/forwarding", b"1");
    std::fs::write("/proc/sys/net/ipv4/ip_forward", b"1")
        .map_err(|e| format!("enable forwarding: {e}"))
}

/// P0, before `start` or `restart` of a stored container: [`prepare_session`] for its user
/// networks, and the holder's pid to join. A container that cannot be found is left to the
/// session to report.
pub fn prepare_for_container(
    key: &str,
    launch: crate::userns::session::Launch,
) -> Result<Option<i32>> {
    let paths = Paths::discover().context("find berth's directories")?;
    let Ok(ctr) = crate::storage::container::find(&paths.data, key) else {
        return Ok(None);
    };
    let networks = ctr.config.options.user_networks.clone();
    check_networks(&networks)?;
    prepare_session(&paths, &networks, launch)
}

/// The `__netns-holder` command, in its own session: make the network namespace, report to
/// P0, then serve names until idle.
pub fn run(link: &crate::userns::session::SessionLink) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
        .map_err(io::Error::from)
        .context("create the rootless network namespace")?;
    crate::sys::net::loopback_up().context("bring up `lo` in the rootless network namespace")?;
    if let Err(e) = setup_forwarding() {
        crate::config::global::warn(format_args!("user networks have no outside access: {e}"));
    }
    let mut server = super::dns::Server::bind().context("bind the name server to port 53")?;
    crate::sys::process::set_name("berth:[netns]");
    let me = std::process::id().cast_signed();
    let st = HolderState {
        pid: me,
        start: process_start_time(me).ok_or_else(|| Error::msg("read the holder's start time"))?,
    };
    let bytes = serde_json::to_vec(&st).context("render the holder state")?;
    crate::storage::atomic::write_atomic(
        &state_path(&paths.runtime),
        &bytes,
        crate::storage::atomic::Durability::Unsynced,
    )
    .context("record the holder")?;
    link.detached().context("tell berth the holder runs")?;
    crate::sys::process::silence_stdio();
    let idle = idle_exit();
    let mut idle_since: Option<Instant> = None;
    // Remembered, so that the link is stopped even when the runtime directory is gone.
    let mut link: Option<super::link::LinkState> = None;
    loop {
        server.serve_for(&paths, Duration::from_secs(1));
        if link.is_none() {
            link = super::link::current(&dir(&paths.runtime)).filter(|l| l.holder == me);
            if let Some(l) = &link {
                server.set_upstream(l.dns);
            }
        }
        if !state_path(&paths.runtime).exists() {
            // Our record is gone (the runtime directory was removed): nobody can find
            // this namespace any more.
            if let Some(l) = &link {
                super::link::stop_state(l);
            }
            super::link::stop_all_of(me);
            return Ok(());
        }
        super::ipam::collect_stale(&paths.runtime);
        if super::ipam::any_in_use(&paths.runtime) {
            idle_since = None;
            continue;
        }
        let since = *idle_since.get_or_insert_with(Instant::now);
        if since.elapsed() < idle || recently_used(&paths.runtime, idle) {
            continue;
        }
        // Stop only while no session is between "the holder runs" and its allocation.
        if let Ok(Some(_lock)) = lock(&paths.runtime, true) {
            if !super::ipam::any_in_use(&paths.runtime) {
                let _ = std::fs::remove_file(state_path(&paths.runtime));
                if let Some(l) = &link {
                    super::link::stop_state(l);
                }
                super::link::stop(&dir(&paths.runtime));
                super::link::stop_all_of(me);
                return Ok(());
            }
        }
    }
}
