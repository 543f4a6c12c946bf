//! `--sdnotify`: what the container's monitor tells systemd. The monitor (S) is the
//! service's main process (`MAINPID=`), so `systemctl stop` signals it and it stops the
//! container; `READY=1` goes once the container runs (`conmon`), after its first passing
//! healthcheck (`healthy`), or when the container itself says so through a socket the
//! monitor forwards (`container`: the container's `MAINPID=` lines are dropped).

use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

use crate::error::{Context, Result};
use crate::spec::{RunOptions, SdNotify};
use crate::systemd::notify::{self, Notifier};

/// The directory in a container's `etc/` that holds the forwarded socket; bound at
/// `/run/notify` inside the container.
pub const SOCKET_DIR: &str = "notify";

/// The socket's name in [`SOCKET_DIR`].
const SOCKET_NAME: &str = "notify.sock";

/// Does this container get a notify socket of its own (`--sdnotify=container` under a
/// service manager)?
pub fn wants_container_socket(opts: &RunOptions) -> bool {
    opts.extras.sdnotify == SdNotify::Container
        && std::env::var_os(notify::NOTIFY_SOCKET).is_some_and(|v| !v.is_empty())
}

/// The mount and variable a `--sdnotify=container` container gets: its `etc/notify`
/// directory at `/run/notify`, and `NOTIFY_SOCKET` naming the socket there.
pub fn add_container_socket(plan: &mut super::plan::Plan, etc_dir: &Path) {
    plan.mounts.push(super::plan::Mount {
        kind: super::plan::MountKind::Bind {
            source: etc_dir.join(SOCKET_DIR),
        },
        target: "/run/notify".into(),
        readonly: false,
        file: false,
    });
    plan.process.env.retain(|(k, _)| k != notify::NOTIFY_SOCKET);
    plan.process.env.push((
        notify::NOTIFY_SOCKET.into(),
        notify::CONTAINER_SOCKET.into(),
    ));
}

/// The monitor's side of `--sdnotify`.
pub struct NotifyState {
    notifier: Notifier,
    mode: SdNotify,
    ready_sent: bool,
    /// `container`: the socket the container sends to.
    proxy: Option<UnixDatagram>,
}

impl NotifyState {
    /// The notifier of a container about to start, or `None` without a service manager
    /// (NOTIFY_SOCKET unset) or with `--sdnotify=ignore`. For `container`, binds the
    /// container's socket in `etc_dir/notify/`.
    pub fn setup(opts: &RunOptions, etc_dir: &Path) -> Result<Option<Self>> {
        let mode = opts.extras.sdnotify;
        if mode == SdNotify::Ignore {
            return Ok(None);
        }
        // A malformed NOTIFY_SOCKET is told, not fatal: sd_notify(3) ignores it too.
        let notifier = match Notifier::from_env() {
            Ok(Some(n)) => n,
            Ok(None) => return Ok(None),
            Err(e) => {
                eprintln!("warning: --sdnotify: {e}");
                return Ok(None);
            }
        };
        let proxy = if mode == SdNotify::Container {
            Some(bind_proxy(&etc_dir.join(SOCKET_DIR))?)
        } else {
            None
        };
        Ok(Some(NotifyState {
            notifier,
            mode,
            ready_sent: false,
            proxy,
        }))
    }

    /// The container runs: the monitor is the main process, and with `conmon` it is
    /// ready. A failure is a warning (the container runs; systemd will time out).
    pub fn started(&mut self) {
        let pid = std::process::id();
        let sent = if self.mode == SdNotify::Conmon {
            self.ready_sent = true;
            self.notifier.ready(pid)
        } else {
            self.notifier.main_pid(pid)
        };
        if let Err(e) = sent {
            let cause = std::error::Error::source(&e).map_or(String::new(), |c| format!(": {c}"));
            eprintln!("warning: --sdnotify: {e}{cause}");
        }
    }

    /// A healthcheck passed: with `healthy`, the first one makes the service ready.
    pub fn healthy(&mut self) {
        if self.mode == SdNotify::Healthy && !self.ready_sent {
            self.ready_sent = true;
            let _ = self.notifier.send(&notify::ready_message(None));
        }
    }

    /// The socket the container sends to (`container`), for the monitor's poll.
    pub fn proxy_fd(&self) -> Option<BorrowedFd<'_>> {
        self.proxy.as_ref().map(AsFd::as_fd)
    }

    /// Forward what the container sent, without its `MAINPID=` lines.
    pub fn forward(&mut self) {
        let Some(proxy) = &self.proxy else { return };
        let mut buf = vec![0u8; 4096];
        while let Ok(n) = proxy.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]);
            if let Some(message) = notify::filter_container_message(&text) {
                if message.lines().any(|l| l == "READY=1") {
                    self.ready_sent = true;
                }
                let _ = self.notifier.send(&message);
            }
        }
    }
}

/// Bind the container's socket in `dir` (made 0755, the socket 0777: any user in the
/// container may notify). Bound through `/proc/self/fd/N/` so that a long store path does
/// not hit the 108-byte limit of a socket address.
fn bind_proxy(dir: &Path) -> Result<UnixDatagram> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).with_context(|| format!("create `{}`", dir.display()))?;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    let path = dir.join(SOCKET_NAME);
    let _ = std::fs::remove_file(&path);
    let handle = std::fs::File::open(dir).with_context(|| format!("open `{}`", dir.display()))?;
    let short = PathBuf::from(format!(
        "/proc/self/fd/{}/{SOCKET_NAME}",
        handle.as_raw_fd()
    ));
    let sock = UnixDatagram::bind(&short)
        .with_context(|| format!("bind the notify socket `{}`", path.display()))?;
    sock.set_nonblocking(true)
        .context("make the notify socket non-blocking")?;
    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777));
    Ok(sock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_binds_under_a_long_path() {
        let base = std::env::temp_dir().join(format!("berth-sdnotify-{}", std::process::id()));
        let dir = base.join("x".repeat(100)).join(SOCKET_DIR);
        let sock = bind_proxy(&dir).unwrap();
        let client = UnixDatagram::unbound().unwrap();
        let handle = std::fs::File::open(&dir).unwrap();
        use std::os::fd::AsRawFd;
        client
            .send_to(
                b"READY=1",
                format!("/proc/self/fd/{}/{SOCKET_NAME}", handle.as_raw_fd()),
            )
            .unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(sock.recv(&mut buf).unwrap(), 7);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
