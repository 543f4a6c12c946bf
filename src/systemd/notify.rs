//! A small `sd_notify` client: one datagram to the unix socket `NOTIFY_SOCKET` names (a
//! path, or `@name` for an abstract socket), as systemd's protocol says. No library: the
//! protocol is newline-separated `KEY=VALUE` lines in one datagram.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;

/// The environment variable systemd sets for a `Type=notify` service.
pub const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

/// Where the socket is mounted inside a `--sdnotify=container` container (podman's path).
pub const CONTAINER_SOCKET: &str = "/run/notify/notify.sock";

/// Errors sending a notification.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("NOTIFY_SOCKET `{0}` is not an absolute path or an abstract socket (@name)")]
    BadAddress(String),
    #[error("send to the notify socket `{socket}`")]
    Send {
        socket: String,
        #[source]
        source: std::io::Error,
    },
}

/// A parsed `NOTIFY_SOCKET` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Path(PathBuf),
    /// The name without its leading `@`.
    Abstract(Vec<u8>),
}

impl Address {
    /// Parse a `NOTIFY_SOCKET` value: `/path` or `@abstract`.
    pub fn parse(text: &str) -> Result<Self, NotifyError> {
        if let Some(name) = text.strip_prefix('@') {
            if name.is_empty() {
                return Err(NotifyError::BadAddress(text.into()));
            }
            Ok(Address::Abstract(name.as_bytes().to_vec()))
        } else if text.starts_with('/') {
            Ok(Address::Path(PathBuf::from(text)))
        } else {
            Err(NotifyError::BadAddress(text.into()))
        }
    }

    /// The socket address for `sendto`.
    fn socket_addr(&self) -> std::io::Result<std::os::unix::net::SocketAddr> {
        match self {
            Address::Path(p) => std::os::unix::net::SocketAddr::from_pathname(p),
            Address::Abstract(name) => {
                use std::os::linux::net::SocketAddrExt;
                std::os::unix::net::SocketAddr::from_abstract_name(name)
            }
        }
    }
}

/// A connection to the service manager's notify socket.
#[derive(Debug, Clone)]
pub struct Notifier {
    address: Address,
    text: String,
}

impl Notifier {
    /// The notifier `NOTIFY_SOCKET` names, or `None` when it is unset or empty (not run by
    /// systemd as a notify service).
    pub fn from_env() -> Result<Option<Self>, NotifyError> {
        match std::env::var(NOTIFY_SOCKET) {
            Ok(v) if !v.is_empty() => Ok(Some(Notifier {
                address: Address::parse(&v)?,
                text: v,
            })),
            _ => Ok(None),
        }
    }

    /// The notifier for one `NOTIFY_SOCKET` value.
    pub fn new(text: &str) -> Result<Self, NotifyError> {
        Ok(Notifier {
            address: Address::parse(text)?,
            text: text.into(),
        })
    }

    /// Send one datagram of `KEY=VALUE` lines.
    pub fn send(&self, message: &str) -> Result<(), NotifyError> {
        let err = |source| NotifyError::Send {
            socket: self.text.clone(),
            source,
        };
        let sock = UnixDatagram::unbound().map_err(err)?;
        let addr = self.address.socket_addr().map_err(err)?;
        sock.send_to_addr(message.as_bytes(), &addr).map_err(err)?;
        Ok(())
    }

    /// Tell the manager that `pid` is the service's main process, and that it is ready.
    pub fn ready(&self, pid: u32) -> Result<(), NotifyError> {
        self.send(&ready_message(Some(pid)))
    }

    /// Tell the manager that `pid` is the service's main process (not ready yet).
    pub fn main_pid(&self, pid: u32) -> Result<(), NotifyError> {
        self.send(&format!("MAINPID={pid}"))
    }
}

/// The message of a ready service, with its main pid when the sender is not the main one.
pub fn ready_message(pid: Option<u32>) -> String {
    match pid {
        Some(p) => format!("MAINPID={p}\nREADY=1"),
        None => "READY=1".into(),
    }
}

/// A message from a container's own `sd_notify`, with its `MAINPID=` lines left out: a pid
/// inside the container's namespace means nothing to the manager, and the monitor is the
/// main process. `None` when nothing is left to forward.
pub fn filter_container_message(message: &str) -> Option<String> {
    let kept: Vec<&str> = message
        .lines()
        .filter(|l| !l.starts_with("MAINPID=") && !l.is_empty())
        .collect();
    (!kept.is_empty()).then(|| kept.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            Address::parse("/run/user/1000/systemd/notify").unwrap(),
            Address::Path("/run/user/1000/systemd/notify".into())
        );
        assert_eq!(
            Address::parse("@sock").unwrap(),
            Address::Abstract(b"sock".to_vec())
        );
        assert!(Address::parse("relative").is_err());
        assert!(Address::parse("@").is_err());
    }

    #[test]
    fn messages() {
        assert_eq!(ready_message(Some(7)), "MAINPID=7\nREADY=1");
        assert_eq!(
            filter_container_message("READY=1\nMAINPID=1\nSTATUS=ok").as_deref(),
            Some("READY=1\nSTATUS=ok")
        );
        assert_eq!(filter_container_message("MAINPID=1\n"), None);
    }

    #[test]
    fn sends_to_path_and_abstract_sockets() {
        let dir = std::env::temp_dir().join(format!("berth-notify-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("n.sock");
        let _ = std::fs::remove_file(&path);
        let server = UnixDatagram::bind(&path).unwrap();
        Notifier::new(path.to_str().unwrap())
            .unwrap()
            .ready(42)
            .unwrap();
        let mut buf = [0u8; 64];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"MAINPID=42\nREADY=1");
        std::fs::remove_dir_all(&dir).unwrap();

        use std::os::linux::net::SocketAddrExt;
        let name = format!("berth-notify-test-{}", std::process::id());
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let server = UnixDatagram::bind_addr(&addr).unwrap();
        Notifier::new(&format!("@{name}"))
            .unwrap()
            .send("READY=1")
            .unwrap();
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
    }
}
