//! `--sdnotify` and `--systemd`: how a container runs under a systemd service.

use serde::{Deserialize, Serialize};

/// `--sdnotify`: who tells systemd that the service is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SdNotify {
    /// The monitor, once the container runs (podman's default).
    #[default]
    Conmon,
    /// The container itself, through a socket the monitor forwards; the monitor sends only
    /// `MAINPID`.
    Container,
    /// The monitor, after the first passing healthcheck.
    Healthy,
    /// Nobody: NOTIFY_SOCKET is left alone.
    Ignore,
}

impl SdNotify {
    /// Parse podman's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "conmon" => SdNotify::Conmon,
            "container" => SdNotify::Container,
            "healthy" => SdNotify::Healthy,
            "ignore" => SdNotify::Ignore,
            _ => return None,
        })
    }

    /// The value as podman writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SdNotify::Conmon => "conmon",
            SdNotify::Container => "container",
            SdNotify::Healthy => "healthy",
            SdNotify::Ignore => "ignore",
        }
    }
}

/// `--systemd`: run systemd as the container's init.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SystemdMode {
    /// Only when the command is systemd or init (podman's default, `true`).
    #[default]
    Auto,
    Never,
    Always,
}

impl SystemdMode {
    /// Parse podman's spelling: true, false or always.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "true" => SystemdMode::Auto,
            "false" => SystemdMode::Never,
            "always" => SystemdMode::Always,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip() {
        for m in ["conmon", "container", "healthy", "ignore"] {
            assert_eq!(SdNotify::parse(m).unwrap().as_str(), m);
        }
        assert_eq!(SdNotify::parse("yes"), None);
        assert_eq!(SystemdMode::parse("always"), Some(SystemdMode::Always));
        assert_eq!(SystemdMode::parse("no"), None);
    }
}
