//! berth's global options (podman's root-command options) once validated, and how every
//! process of one invocation sees them.
//!
//! `main` turns `--root`, `--runroot`, `--volumepath`, `--registries-conf` and `--log-level`
//! into environment variables ([`Globals::pin`]) while it is single-threaded, before the
//! command runs. A session re-executed with another command line (`__unpack-image`, the netns
//! holder, `start`'s sessions), a detached container's monitor and `exec` inherit them, so
//! [`super::Paths::discover`] finds the same directories in all of them. The same variables
//! set by hand work as well.

use std::path::PathBuf;

/// `--root`: the store (images, layers, containers, volumes), instead of
/// `$XDG_DATA_HOME/berth`.
pub const ROOT_ENV: &str = "BERTH_ROOT";
/// `--runroot`: the runtime directory, instead of `$XDG_RUNTIME_DIR/berth`.
pub const RUNROOT_ENV: &str = "BERTH_RUNROOT";
/// `--volumepath`: where named volumes live, instead of `<store>/volumes`.
pub const VOLUME_PATH_ENV: &str = "BERTH_VOLUME_PATH";
/// `--log-level`.
pub const LOG_LEVEL_ENV: &str = "BERTH_LOG_LEVEL";
/// `--registries-conf` (the variable containers-image reads, see [`super::registries`]).
pub const REGISTRIES_CONF_ENV: &str = "CONTAINERS_REGISTRIES_CONF";

/// How much berth logs on stderr, podman's `--log-level` (most verbose first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
    Panic,
}

impl LogLevel {
    /// The names `--log-level` takes, in podman's order.
    pub const NAMES: &'static [&'static str] = &[
        "trace", "debug", "info", "warn", "warning", "error", "fatal", "panic",
    ];

    /// Parse a level name (any case; `warning` is `warn`).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "trace" => LogLevel::Trace,
            "debug" => LogLevel::Debug,
            "info" => LogLevel::Info,
            "warn" | "warning" => LogLevel::Warn,
            "error" => LogLevel::Error,
            "fatal" => LogLevel::Fatal,
            "panic" => LogLevel::Panic,
            _ => return None,
        })
    }

    /// The level's name as logged.
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warning",
            LogLevel::Error => "error",
            LogLevel::Fatal => "fatal",
            LogLevel::Panic => "panic",
        }
    }

    /// This process's level: `BERTH_LOG_LEVEL`, else `warn`.
    pub fn current() -> Self {
        static LEVEL: std::sync::OnceLock<LogLevel> = std::sync::OnceLock::new();
        *LEVEL.get_or_init(|| {
            std::env::var(LOG_LEVEL_ENV)
                .ok()
                .and_then(|v| Self::parse(&v))
                .unwrap_or(LogLevel::Warn)
        })
    }
}

/// Whether a message of `level` is shown.
pub fn log_enabled(level: LogLevel) -> bool {
    level >= LogLevel::current()
}

/// Log one line on stderr when `level` is enabled: `time=… level=… msg="…"`, the key=value
/// shape podman's logs have, so the same filters work on both.
pub fn log(level: LogLevel, msg: impl std::fmt::Display) {
    if log_enabled(level) {
        let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        eprintln!(
            "time=\"{time}\" level={} msg={:?}",
            level.name(),
            msg.to_string()
        );
    }
}

/// A warning berth prints as `warning: …` (hidden at `--log-level` error and above).
pub fn warn(msg: impl std::fmt::Display) {
    if log_enabled(LogLevel::Warn) {
        eprintln!("warning: {msg}");
    }
}

/// The global options that change where berth works or what it logs, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Globals {
    pub root: Option<PathBuf>,
    pub runroot: Option<PathBuf>,
    pub volume_path: Option<PathBuf>,
    pub registries_conf: Option<PathBuf>,
    pub log_level: Option<LogLevel>,
    /// `--storage-opt overlay.mount_program=…/fuse-overlayfs`: mount with fuse-overlayfs.
    pub fuse_overlay: bool,
    /// `--events-backend file|none`: where this command's events go (berth.toml otherwise).
    pub events_backend: Option<super::EventsLogger>,
}

impl Globals {
    /// Put the options in this process's environment, for it and every process it starts.
    /// Relative paths are made absolute first (a session may run elsewhere). Call only while
    /// the process is single-threaded (`main`, before the command runs).
    pub fn pin(&self) {
        let absolute = |p: &PathBuf| {
            if p.is_absolute() {
                p.clone()
            } else {
                std::env::current_dir().map_or_else(|_| p.clone(), |d| d.join(p))
            }
        };
        for (key, value) in [
            (ROOT_ENV, &self.root),
            (RUNROOT_ENV, &self.runroot),
            (VOLUME_PATH_ENV, &self.volume_path),
            (REGISTRIES_CONF_ENV, &self.registries_conf),
        ] {
            if let Some(path) = value {
                std::env::set_var(key, absolute(path));
            }
        }
        if let Some(level) = self.log_level {
            std::env::set_var(LOG_LEVEL_ENV, level.name());
        }
        if self.fuse_overlay {
            std::env::set_var(super::OVERLAY_ENV, "fuse");
        }
        if let Some(backend) = self.events_backend {
            std::env::set_var(super::EVENTS_BACKEND_ENV, backend.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_as_podman_names_them() {
        for name in LogLevel::NAMES {
            assert!(LogLevel::parse(name).is_some(), "{name}");
        }
        assert_eq!(LogLevel::parse("WARNING"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse("telepathic"), None);
        assert!(LogLevel::Trace < LogLevel::Debug && LogLevel::Error < LogLevel::Panic);
    }
}
