//! Where berth keeps things (XDG paths) and what `berth.toml` says.

pub mod auth;
pub mod global;
pub mod registries;
pub mod runtime;

use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Errors finding or reading berth's configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("neither XDG_DATA_HOME nor HOME is set")]
    NoHome,
    #[error("create `{path}`")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{path}` is owned by uid {owner}, not by you (uid {uid})")]
    NotOwner { path: PathBuf, owner: u32, uid: u32 },
    #[error("cannot use `{path}` as the runtime directory: {problem}")]
    UnsafeRuntimeDir { path: PathBuf, problem: String },
    #[error("read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("parse `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
}

/// The directories of one user's berth state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `$XDG_DATA_HOME/berth` (or `--root`): images, layers, containers, volumes.
    pub data: PathBuf,
    /// `--runroot`, else `$XDG_RUNTIME_DIR/berth` (or a fallback of the user's own, see [`runtime`]): what
    /// dies at reboot.
    pub runtime: PathBuf,
    /// `$XDG_CONFIG_HOME/berth`: berth.toml.
    pub config: PathBuf,
}

impl Paths {
    /// Compute the paths from an environment lookup function and the user's real uid (pure,
    /// for tests: `/run/user/<uid>` is not looked at).
    pub fn from_env(get: impl Fn(&str) -> Option<String>, uid: u32) -> Result<Self, ConfigError> {
        let runtime = runtime::choose(&get, uid, |_| false);
        Self::with_runtime(get, &runtime)
    }

    fn with_runtime(
        get: impl Fn(&str) -> Option<String>,
        runtime: &runtime::RuntimeDir,
    ) -> Result<Self, ConfigError> {
        let nonempty = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = nonempty("HOME");
        // `--root` names the store itself; XDG_DATA_HOME names its parent.
        let data = match (nonempty(global::ROOT_ENV), nonempty("XDG_DATA_HOME")) {
            (Some(root), _) => root,
            (None, Some(d)) => d.join("berth"),
            (None, None) => home
                .clone()
                .ok_or(ConfigError::NoHome)?
                .join(".local/share/berth"),
        };
        let config = match nonempty("XDG_CONFIG_HOME") {
            Some(d) => d,
            None => home.ok_or(ConfigError::NoHome)?.join(".config"),
        };
        Ok(Paths {
            data,
            runtime: runtime.path().to_path_buf(),
            config: config.join("berth"),
        })
    }

    /// The paths for this process's environment. A fallback runtime directory (no
    /// `XDG_RUNTIME_DIR`) is created and checked to be the user's own here, before any
    /// caller can write under it.
    pub fn discover() -> Result<Self, ConfigError> {
        let get = |k: &str| std::env::var(k).ok();
        let choice = runtime::choose(&get, runtime::host_uid(), runtime::run_user_usable);
        let paths = Self::with_runtime(get, &choice)?;
        if let runtime::RuntimeDir::Fallback(dir) = &choice {
            runtime::secure(dir)?;
        }
        Ok(paths)
    }

    /// Create the runtime directory (mode 0700) and check that it is ours: a `/tmp` fallback
    /// made by somebody else must never be used.
    pub fn ensure_runtime(&self) -> Result<(), ConfigError> {
        ensure_private_dir(&self.runtime)
    }

    /// `berth.toml`'s path.
    pub fn config_file(&self) -> PathBuf {
        self.config.join("berth.toml")
    }
}

impl ConfigError {
    /// The fix a user can make, for the refusals that have one. (The error report finds it
    /// anywhere in a cause chain, so `error` sits above `config` in the layering.)
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::UnsafeRuntimeDir { .. } | ConfigError::NotOwner { .. } => Some(format!(
                "set XDG_RUNTIME_DIR to a directory only you can write, or run `loginctl enable-linger` so that `/run/user/{}` exists",
                runtime::host_uid()
            )),
            _ => None,
        }
    }
}

/// Create `path` (and parents) with mode 0700 if missing, and check it is owned by us.
pub fn ensure_private_dir(path: &Path) -> Result<(), ConfigError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true).mode(0o700);
    builder
        .create(path)
        .map_err(|source| ConfigError::CreateDir {
            path: path.to_path_buf(),
            source,
        })?;
    let meta = std::fs::metadata(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let uid = nix::unistd::geteuid().as_raw();
    if meta.uid() != uid {
        return Err(ConfigError::NotOwner {
            path: path.to_path_buf(),
            owner: meta.uid(),
            uid,
        });
    }
    if meta.permissions().mode() & 0o077 != 0 {
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// Which overlay implementation mounts the container rootfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum OverlayMode {
    /// Kernel overlayfs, falling back to fuse-overlayfs when the kernel refuses.
    #[default]
    Auto,
    /// Kernel overlayfs only.
    Kernel,
    /// fuse-overlayfs only.
    Fuse,
}

/// Overrides `[storage] overlay` (auto, kernel, fuse); `--storage-opt
/// overlay.mount_program=…/fuse-overlayfs` sets it to `fuse`.
pub const OVERLAY_ENV: &str = "BERTH_OVERLAY";

/// `[storage]` in berth.toml.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    #[serde(default)]
    pub overlay: OverlayMode,
}

/// The rootless network helper, podman's `default_rootless_network_cmd`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NetworkCmd {
    Pasta,
    Slirp4netns,
}

impl NetworkCmd {
    pub fn name(self) -> &'static str {
        match self {
            NetworkCmd::Pasta => "pasta",
            NetworkCmd::Slirp4netns => "slirp4netns",
        }
    }
}

/// `[network]` in berth.toml.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// The default `--network` and the outside link of user networks (podman's key, as in
    /// containers.conf). Unset: pasta when installed, else slirp4netns.
    #[serde(default)]
    pub default_rootless_network_cmd: Option<NetworkCmd>,
}

/// Where events go: podman's `events_logger`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EventsLogger {
    /// A JSON-lines file (`events_logfile_path`).
    #[default]
    File,
    /// No events are written, and `events` refuses to read.
    None,
    /// systemd's journal: not supported by berth (refused where it is chosen).
    Journald,
}

impl EventsLogger {
    /// The name, as podman spells it.
    pub fn name(self) -> &'static str {
        match self {
            EventsLogger::File => "file",
            EventsLogger::None => "none",
            EventsLogger::Journald => "journald",
        }
    }

    /// Parse a `--events-backend` value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "file" => Some(EventsLogger::File),
            "none" => Some(EventsLogger::None),
            "journald" => Some(EventsLogger::Journald),
            _ => None,
        }
    }
}

/// `[engine]` in berth.toml: the events keys, with containers.conf's names.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EngineConfig {
    #[serde(default)]
    pub events_logger: EventsLogger,
    /// The event log; default `$XDG_RUNTIME_DIR/berth/events/events.log`.
    #[serde(default)]
    pub events_logfile_path: Option<PathBuf>,
    /// Rotate the log when an event would make it larger than this many bytes (it keeps the
    /// newer half). Unset: never.
    #[serde(default)]
    pub events_logfile_max_size: Option<u64>,
    /// What an image's VOLUME paths become: `bind` (anonymous volumes, the default), `tmpfs`
    /// or `ignore` (podman's key; `run --image-volume` overrides it).
    #[serde(default)]
    pub image_volume_mode: Option<ImageVolumeMode>,
    /// `cgroups = "enabled" | "disabled" | "no-conmon" | "split"`: the default of `--cgroups`.
    #[serde(default)]
    pub cgroups: Option<String>,
}

pub use crate::spec::ImageVolumeMode;

/// The environment variable naming a containers.conf to read (podman's).
pub const CONTAINERS_CONF_ENV: &str = "CONTAINERS_CONF";

/// The environment variable `--events-backend` sets, so every process of one command (P0 and
/// its sessions) uses the same backend.
pub const EVENTS_BACKEND_ENV: &str = "BERTH_EVENTS_BACKEND";

/// berth.toml.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub storage: StorageConfig,
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub engine: EngineConfig,
    #[serde(default)]
    pub cgroups: CgroupsConfig,
}

/// `[cgroups]` in berth.toml.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CgroupsConfig {
    /// The delegated cgroup v2 subtree containers go in (a directory under the cgroup2
    /// mount); default: the parent of berth's own cgroup when the user owns it.
    #[serde(default)]
    pub root: Option<PathBuf>,
}

impl Config {
    /// Parse berth.toml text; `path` is only for the error message.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
    }

    /// Take the keys berth shares with podman from a containers.conf (`CONTAINERS_CONF`):
    /// `[engine]` events_logger, events_logfile_path, events_logfile_max_size and
    /// image_volume_mode. The file is podman's, so its other keys are left to podman; a
    /// shared key with a bad value is an error.
    pub fn apply_containers_conf(&mut self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let bad = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let doc: toml::Table = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        let Some(engine) = doc.get("engine").and_then(|e| e.as_table()) else {
            return Ok(());
        };
        let text_of = |key: &str| -> Result<Option<&str>, ConfigError> {
            match engine.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(bad(format!("[engine] {key} must be a string"))),
            }
        };
        if let Some(v) = text_of("events_logger")? {
            self.engine.events_logger = EventsLogger::parse(v).ok_or_else(|| {
                bad(format!(
                    "[engine] events_logger `{v}`: expected file, journald or none"
                ))
            })?;
        }
        if let Some(v) = text_of("events_logfile_path")? {
            self.engine.events_logfile_path = Some(PathBuf::from(v));
        }
        match engine.get("events_logfile_max_size") {
            None => {}
            Some(toml::Value::Integer(n)) if *n >= 0 => {
                self.engine.events_logfile_max_size = Some(*n as u64);
            }
            Some(toml::Value::String(s)) => {
                let n = crate::spec::parse_size(s).ok_or_else(|| {
                    bad(format!(
                        "[engine] events_logfile_max_size `{s}`: not a size"
                    ))
                })?;
                self.engine.events_logfile_max_size = Some(n);
            }
            Some(_) => {
                return Err(bad(
                    "[engine] events_logfile_max_size must be a size in bytes".into(),
                ))
            }
        }
        if let Some(v) = text_of("image_volume_mode")? {
            self.engine.image_volume_mode = Some(ImageVolumeMode::parse(v).ok_or_else(|| {
                bad(format!(
                    "[engine] image_volume_mode `{v}`: expected bind, tmpfs or ignore"
                ))
            })?);
        }
        Ok(())
    }

    /// Load berth.toml if it exists; `BERTH_OVERLAY` (auto, kernel, fuse) overrides the
    /// overlay mode.
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let path = paths.config_file();
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Config::default(),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        if let Ok(mode) = std::env::var(OVERLAY_ENV) {
            config.storage.overlay = match mode.as_str() {
                "auto" => OverlayMode::Auto,
                "kernel" => OverlayMode::Kernel,
                "fuse" => OverlayMode::Fuse,
                other => {
                    return Err(ConfigError::Parse {
                        path: PathBuf::from("$BERTH_OVERLAY"),
                        message: format!("unknown overlay mode `{other}` (auto, kernel, fuse)"),
                    })
                }
            };
        }
        if let Some(file) = std::env::var_os(CONTAINERS_CONF_ENV).filter(|f| !f.is_empty()) {
            let path = PathBuf::from(file);
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            config.apply_containers_conf(&text, &path)?;
        }
        if let Ok(backend) = std::env::var(EVENTS_BACKEND_ENV) {
            config.engine.events_logger =
                EventsLogger::parse(&backend).ok_or_else(|| ConfigError::Parse {
                    path: PathBuf::from(format!("${EVENTS_BACKEND_ENV}")),
                    message: format!("unknown events backend `{backend}` (file, journald, none)"),
                })?;
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn xdg_paths_win() {
        let p = Paths::from_env(
            env(&[
                ("HOME", "/home/u"),
                ("XDG_DATA_HOME", "/d"),
                ("XDG_RUNTIME_DIR", "/run/user/1000"),
                ("XDG_CONFIG_HOME", "/c"),
            ]),
            1000,
        )
        .unwrap();
        assert_eq!(p.data, PathBuf::from("/d/berth"));
        assert_eq!(p.runtime, PathBuf::from("/run/user/1000/berth"));
        assert_eq!(p.config, PathBuf::from("/c/berth"));
    }

    #[test]
    fn defaults_from_home_and_tmp_fallback() {
        let p = Paths::from_env(env(&[("HOME", "/home/u")]), 1000).unwrap();
        assert_eq!(p.data, PathBuf::from("/home/u/.local/share/berth"));
        assert_eq!(p.runtime, PathBuf::from("/tmp/berth-1000"));
        assert_eq!(p.config, PathBuf::from("/home/u/.config/berth"));
    }

    #[test]
    fn root_and_runroot_name_the_directories_themselves() {
        let p = Paths::from_env(
            env(&[
                ("HOME", "/home/u"),
                ("XDG_DATA_HOME", "/d"),
                ("XDG_RUNTIME_DIR", "/run/user/1000"),
                (global::ROOT_ENV, "/srv/store"),
                (global::RUNROOT_ENV, "/srv/run"),
            ]),
            1000,
        )
        .unwrap();
        assert_eq!(p.data, PathBuf::from("/srv/store"));
        assert_eq!(p.runtime, PathBuf::from("/srv/run"));
        assert_eq!(p.config, PathBuf::from("/home/u/.config/berth"));
    }

    #[test]
    fn no_home_is_an_error() {
        assert!(matches!(
            Paths::from_env(env(&[]), 1),
            Err(ConfigError::NoHome)
        ));
    }

    #[test]
    fn config_parses_and_rejects_unknown_keys() {
        let c = Config::parse("[storage]\noverlay = \"fuse\"\n", Path::new("x")).unwrap();
        assert_eq!(c.storage.overlay, OverlayMode::Fuse);
        let err = Config::parse("[storage]\nbogus = 1\n", Path::new("b.toml")).unwrap_err();
        assert!(err.to_string().contains("b.toml"));
        let c = Config::parse(
            "[network]\ndefault_rootless_network_cmd = \"slirp4netns\"\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(
            c.network.default_rootless_network_cmd,
            Some(NetworkCmd::Slirp4netns)
        );
        assert!(Config::parse(
            "[network]\ndefault_rootless_network_cmd = \"cni\"\n",
            Path::new("x")
        )
        .is_err());
    }
}
