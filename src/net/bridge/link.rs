//! The user networks' outside link: pasta or slirp4netns attached to the holder's network
//! namespace, whichever is the default helper (`[network] default_rootless_network_cmd` in
//! berth.toml, else pasta when installed). P0 starts it right after it starts the holder,
//! and records it in `$XDG_RUNTIME_DIR/berth/netns/link.json`; the holder stops it when it
//! exits. Neither tool notices the holder going by itself: each keeps the namespace open.
//!
//! Both give the namespace a default route and make the host's loopback reachable at the
//! gateway. Names that are not the containers' own go to the link's DNS forwarder: pasta's
//! `--dns-forward` address or slirp4netns' built-in 10.0.2.3.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The address in the namespace whose DNS queries pasta forwards to the host's first
/// resolver (podman's choice).
pub const PASTA_DNS: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 1);

/// slirp4netns' DNS forwarder on its default network, 10.0.2.0/24.
pub const SLIRP_DNS: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 3);

/// A running link, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkState {
    /// `pasta` or `slirp4netns`.
    pub tool: String,
    pub pid: i32,
    /// The holder whose namespace it serves.
    pub holder: i32,
    /// Where the name server sends the queries it cannot answer.
    pub dns: Ipv4Addr,
}

fn state_path(netns_dir: &Path) -> PathBuf {
    netns_dir.join("link.json")
}

/// The recorded link of the holder whose files are in `netns_dir`.
pub fn current(netns_dir: &Path) -> Option<LinkState> {
    let bytes = std::fs::read(state_path(netns_dir)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Start the default helper against the namespace of `holder` and record it.
pub fn start(netns_dir: &Path, holder: i32) -> Result<LinkState, String> {
    let state = match crate::net::default_helper() {
        Some("slirp4netns") => start_slirp(netns_dir, holder)?,
        Some(_) => start_pasta(netns_dir, holder)?,
        None => {
            return Err(
                "neither pasta nor slirp4netns is installed (hint: sudo apt-get install passt)"
                    .into(),
            )
        }
    };
    let bytes = serde_json::to_vec(&state).expect("a link state serializes");
    crate::storage::atomic::write_atomic(
        &state_path(netns_dir),
        &bytes,
        crate::storage::atomic::Durability::Unsynced,
    )
    .map_err(|e| format!("record the outside link: {e}"))?;
    Ok(state)
}

/// pasta: a tap device with the host's addresses and routes. No ports are forwarded by
/// pasta itself (published ports have their own forwarder); it puts itself in the
/// background once the namespace is configured, after writing its pid file.
fn start_pasta(netns_dir: &Path, holder: i32) -> Result<LinkState, String> {
    let pid_file = netns_dir.join("pasta.pid");
    let out = std::process::Command::new("pasta")
        .args(["--config-net", "--quiet", "--pid"])
        .arg(&pid_file)
        .arg("--dns-forward")
        .arg(PASTA_DNS.to_string())
        .args(["-t", "none", "-u", "none", "-T", "none", "-U", "none"])
        .arg(holder.to_string())
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("run `pasta`: {e} (hint: sudo apt-get install passt)"))?;
    if !out.status.success() {
        return Err(format!(
            "`pasta` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let pid = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|t| t.trim().parse::<i32>().ok())
        .ok_or_else(|| format!("`pasta` wrote no pid to `{}`", pid_file.display()))?;
    Ok(LinkState {
        tool: "pasta".into(),
        pid,
        holder,
        dns: PASTA_DNS,
    })
}

/// slirp4netns: `tap0` at 10.0.2.100 with the gateway 10.0.2.2, started as a daemon.
fn start_slirp(netns_dir: &Path, holder: i32) -> Result<LinkState, String> {
    // The error's text with its causes, as berth prints errors.
    let describe = |e: crate::net::NetError| {
        let text = crate::error::Error::from_source("slirp4netns", e).render();
        text.unwrap_or_default()
            .trim_start_matches("Error: slirp4netns: ")
            .to_string()
    };
    let pending =
        crate::net::slirp::start_for_holder(holder, &netns_dir.join("link")).map_err(describe)?;
    let helper = pending.wait().map_err(describe)?;
    Ok(LinkState {
        tool: "slirp4netns".into(),
        pid: helper.detach(),
        holder,
        dns: SLIRP_DNS,
    })
}

/// Is `pid` the link of `holder` (and not a process that reused its pid)?
fn is_link_of(pid: i32, holder: i32) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .collect();
    let tool = args
        .first()
        .and_then(|a| a.rsplit(|b| *b == b'/').next())
        .unwrap_or_default();
    match tool {
        b"pasta" => {
            args.contains(&b"--dns-forward".as_slice())
                && args
                    .last()
                    .is_some_and(|a| *a == holder.to_string().as_bytes())
        }
        b"slirp4netns" => {
            let netns = crate::net::slirp::holder_netns(holder);
            args.contains(&netns.as_bytes())
        }
        _ => false,
    }
}

fn kill(pid: i32) {
    // SIGKILL: pasta is PID 1 of its own PID namespace, which ignores SIGTERM from here.
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// Stop the recorded link (checked against its command line first) and forget it.
pub fn stop(netns_dir: &Path) {
    if let Some(link) = current(netns_dir) {
        stop_state(&link);
    }
    let _ = std::fs::remove_file(state_path(netns_dir));
    let _ = std::fs::remove_file(netns_dir.join("pasta.pid"));
}

/// Stop `link` when it still runs.
pub fn stop_state(link: &LinkState) {
    if is_link_of(link.pid, link.holder) {
        kill(link.pid);
    }
}

/// Stop every link of `holder`, found by command line, whether or not its record can still
/// be read.
pub fn stop_all_of(holder: i32) {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for pid in entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
    {
        if is_link_of(pid, holder) {
            kill(pid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_missing_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(current(dir.path()), None);
        let link = LinkState {
            tool: "slirp4netns".into(),
            pid: 7,
            holder: 6,
            dns: SLIRP_DNS,
        };
        std::fs::write(state_path(dir.path()), serde_json::to_vec(&link).unwrap()).unwrap();
        assert_eq!(current(dir.path()), Some(link));
        // Not our process: nothing to kill, and the record goes.
        assert!(!is_link_of(std::process::id().cast_signed(), 6));
        stop(dir.path());
        assert_eq!(current(dir.path()), None);
    }
}
