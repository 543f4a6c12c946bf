//! The container's spec: everything `run`/`create` were asked for, validated, as stored in
//! `containers/<id>/config.json`. Types only (and the parsing of values that need nothing
//! else); `cli/` converts the command line into it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::health::HealthFlags;
use super::network::{NetOptions, NetworkMode, PerNetwork};
use super::volume::{MountRestrictions, VolumeMount};

/// Flags beyond the foundation: labels, files, limits, kernel parameters, devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Extras {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub cidfile: Option<PathBuf>,
    pub pidfile: Option<PathBuf>,
    pub env_host: bool,
    /// A zone under /usr/share/zoneinfo, or `local`.
    pub tz: Option<String>,
    /// (resource, soft, hard); `u64::MAX` is unlimited.
    pub ulimits: Vec<(String, u64, u64)>,
    pub shm_size: Option<u64>,
    pub sysctls: Vec<(String, String)>,
    pub devices: Vec<(PathBuf, String)>,
    pub group_add: Vec<String>,
    /// `--log-driver`; `None` is the default (passthrough in the foreground, k8s-file
    /// detached).
    pub log_driver: Option<LogDriver>,
    /// `--log-opt max-size=`.
    pub log_max_size: Option<u64>,
    /// `--health-*`.
    #[serde(default)]
    pub health: HealthFlags,
    /// `--detach-keys` of `run -it` (parsed; empty turns detaching off).
    #[serde(default = "default_detach_keys")]
    pub detach_keys: Vec<u8>,
    /// `--ipc`.
    pub ipc: IpcMode,
    /// `--unsetenv`: variables of podman's defaults or the image not to set.
    pub unsetenv: Vec<String>,
    /// `--unsetenv-all`: none of podman's default variables or the image's.
    pub unsetenv_all: bool,
    /// `--rmi`: remove the image once the (`--rm`) container is gone, if no other uses it.
    pub rmi: bool,
    /// `--replace`: remove a container of the same name first (an action, not recorded).
    #[serde(skip)]
    pub replace: bool,
    /// Warnings about flags that were accepted but do nothing here, for the host half to
    /// print once (not recorded).
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// `--sdnotify`: who tells systemd the service is ready.
    pub sdnotify: super::SdNotify,
    /// `--systemd`, when given.
    pub systemd: Option<super::SystemdMode>,
    /// The command line that created the container (podman's `CreateCommand`), for
    /// `generate systemd --new`.
    pub create_command: Vec<String>,
    /// `--cgroups`, `--cgroup-parent`, `--cgroupns` and the resource limits.
    #[serde(default)]
    pub cgroup: super::cgroup::CgroupSpec,
    /// `--pod`: the pod this container belongs to (its id once resolved; see `crate::pod`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    /// This container is its pod's infra: C runs berth's own pause instead of a command.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub infra: bool,
    /// `--uts`.
    #[serde(default)]
    pub uts: UtsMode,
}

/// The container's UTS namespace (`--uts`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UtsMode {
    /// A namespace of its own (the default).
    #[default]
    Private,
    /// The host's hostname and domain name.
    Host,
    /// Another container's namespace, by name or id (a pod's members join the infra's).
    Container(String),
}

impl UtsMode {
    /// Parse podman's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "" | "private" => UtsMode::Private,
            "host" => UtsMode::Host,
            _ => match text.split_once(':') {
                Some(("container", key)) if !key.is_empty() => UtsMode::Container(key.into()),
                _ => return None,
            },
        })
    }
}

/// The container's IPC namespace (`--ipc`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum IpcMode {
    /// A namespace of its own that other containers may join (podman's default).
    #[default]
    Shareable,
    /// A namespace of its own that no other container may join.
    Private,
    /// A namespace of its own without /dev/shm.
    None,
    /// The host's (the session's) IPC namespace and its /dev/shm and /dev/mqueue.
    Host,
    /// Another container's namespace, by name or id.
    Container(String),
}

impl IpcMode {
    /// Parse podman's spelling (`ns:PATH` is not supported: see `cli::run_options`).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "" | "shareable" => IpcMode::Shareable,
            "private" => IpcMode::Private,
            "none" => IpcMode::None,
            "host" => IpcMode::Host,
            _ => match text.split_once(':') {
                Some(("container", key)) if !key.is_empty() => IpcMode::Container(key.into()),
                _ => return None,
            },
        })
    }

    /// C gets an IPC namespace of its own.
    pub fn new_ns(&self) -> bool {
        matches!(self, IpcMode::Shareable | IpcMode::Private | IpcMode::None)
    }
}

/// podman's default detach keys, ctrl-p,ctrl-q.
pub fn default_detach_keys() -> Vec<u8> {
    vec![16, 17]
}

impl Default for Extras {
    fn default() -> Self {
        Extras {
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            cidfile: None,
            pidfile: None,
            env_host: false,
            tz: None,
            ulimits: Vec::new(),
            shm_size: None,
            sysctls: Vec::new(),
            devices: Vec::new(),
            group_add: Vec::new(),
            log_driver: None,
            log_max_size: None,
            health: HealthFlags::default(),
            detach_keys: default_detach_keys(),
            ipc: IpcMode::Shareable,
            unsetenv: Vec::new(),
            unsetenv_all: false,
            rmi: false,
            replace: false,
            warnings: Vec::new(),
            sdnotify: super::SdNotify::Conmon,
            systemd: None,
            create_command: Vec::new(),
            cgroup: super::cgroup::CgroupSpec::default(),
            pod: None,
            infra: false,
            uts: UtsMode::Private,
        }
    }
}

/// When the monitor starts a container again after it exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RestartPolicy {
    #[default]
    No,
    /// On a non-zero exit, at most N times (unlimited when `None`).
    OnFailure(Option<u32>),
    Always,
    UnlessStopped,
}

impl RestartPolicy {
    /// Parse podman's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.split_once(':') {
            None if text.is_empty() || text == "no" => RestartPolicy::No,
            None if text == "always" => RestartPolicy::Always,
            None if text == "unless-stopped" => RestartPolicy::UnlessStopped,
            None if text == "on-failure" => RestartPolicy::OnFailure(None),
            Some(("on-failure", n)) => RestartPolicy::OnFailure(Some(n.parse().ok()?)),
            _ => return None,
        })
    }

    /// Should a container that exited with `code`, after `restarts` restarts, start again?
    /// A container stopped by the user never restarts.
    pub fn should_restart(self, code: i32, restarts: u32, stopped_by_user: bool) -> bool {
        if stopped_by_user {
            return false;
        }
        match self {
            RestartPolicy::No => false,
            RestartPolicy::Always | RestartPolicy::UnlessStopped => true,
            RestartPolicy::OnFailure(limit) => code != 0 && limit.is_none_or(|n| restarts < n),
        }
    }
}

/// Who the container's process runs as, before resolving names in its /etc/passwd.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSpec {
    pub user: String,
    pub group: Option<String>,
}

impl UserSpec {
    /// Parse `USER[:GROUP]`.
    pub fn parse(text: &str) -> Option<Self> {
        let (user, group) = match text.split_once(':') {
            Some((u, g)) => (u, Some(g)),
            None => (text, None),
        };
        if user.is_empty() || group.is_some_and(str::is_empty) {
            return None;
        }
        let ok = |s: &str| !s.contains(['/', '\n', ' ']);
        if !ok(user) || !group.is_none_or(ok) {
            return None;
        }
        Some(UserSpec {
            user: user.to_string(),
            group: group.map(str::to_string),
        })
    }
}

/// A host path bind-mounted into the container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindMount {
    pub source: PathBuf,
    pub target: String,
    pub readonly: bool,
    /// `:U`: chown the host directory to the container's user at each start (when its
    /// top is not owned by that user already).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chown: bool,
    /// `noexec`, `nosuid`, `nodev` from the mount's options.
    #[serde(default, skip_serializing_if = "MountRestrictions::is_none")]
    pub restrict: MountRestrictions,
}

/// A tmpfs mounted into the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmpfsMount {
    pub target: String,
    /// Mount data such as `size=64m,mode=1777` (flag-like options are split out).
    pub options: Vec<String>,
}

/// Which seccomp filter the container gets.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SeccompChoice {
    #[default]
    Default,
    Unconfined,
    Profile(PathBuf),
}

/// The container's user namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UsernsMode {
    /// The session namespace: container 0 is the user, 1..N the subordinate ids.
    #[default]
    Session,
    /// A nested namespace in which the user's own uid and gid are the same as outside.
    KeepId,
}

/// Everything `berth run` was asked to do, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunOptions {
    pub image: String,
    /// The command; `None` uses the image's Cmd.
    pub command: Option<Vec<String>>,
    /// `--entrypoint`; `Some(vec![])` clears the image's.
    pub entrypoint: Option<Vec<String>>,
    pub name: Option<String>,
    pub rm: bool,
    pub interactive: bool,
    pub tty: bool,
    /// `KEY=VALUE` pairs in order: env files first, then `-e`.
    pub env: Vec<(String, String)>,
    pub workdir: Option<String>,
    pub user: Option<UserSpec>,
    pub hostname: Option<String>,
    /// Host paths bound in (`-v /path:…`, `--mount type=bind`).
    pub volumes: Vec<BindMount>,
    /// Named and anonymous volumes (`-v NAME:…`, `-v /path`, `--mount type=volume`, the
    /// image's VOLUME entries); `volume rm` reads them to tell whether a volume is in use.
    #[serde(default)]
    pub named_volumes: Vec<VolumeMount>,
    pub tmpfs: Vec<TmpfsMount>,
    /// What the image's VOLUME paths become (`--image-volume`, else containers.conf's
    /// `image_volume_mode`; resolved when the container is made).
    #[serde(default)]
    pub image_volume: Option<super::volume::ImageVolumeMode>,
    pub read_only: bool,
    pub read_only_tmpfs: bool,
    pub init: bool,
    pub privileged: bool,
    /// Capability names (`CAP_NET_ADMIN`), validated.
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub cap_add_all: bool,
    pub cap_drop_all: bool,
    pub no_new_privs: bool,
    pub seccomp: SeccompChoice,
    /// `--security-opt mask=`: more paths to mask (see `run::masks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mask: Vec<String>,
    /// `--security-opt unmask=`: default masked or read-only paths to lift (globs, or `ALL`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmask: Vec<String>,
    pub userns: UsernsMode,
    pub network: NetworkMode,
    /// Published ports, DNS and hosts entries.
    #[serde(default)]
    pub net: NetOptions,
    /// With `NetworkMode::Bridge`: the user networks to join, in order.
    #[serde(default)]
    pub user_networks: Vec<String>,
    /// Containers made before `network_opts`: their `--network-alias` values, which apply
    /// to every user network (new containers record them per network).
    #[serde(default)]
    pub network_aliases: Vec<String>,
    /// What the container asks for on each user network (`--network NAME:alias=…,ip=…`,
    /// `--ip`, `--ip6`, `--mac-address`, `network connect --alias …`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub network_opts: BTreeMap<String, PerNetwork>,
    pub detach: bool,
    pub restart: RestartPolicy,
    /// `--stop-signal`, as a number.
    pub stop_signal: Option<i32>,
    pub stop_timeout: Option<u32>,
    #[serde(default)]
    pub extras: Extras,
    /// `--pull`: when `run`/`create` pull the image (in the host process, before the session).
    #[serde(default)]
    pub pull: PullPolicy,
}

/// What `run --rm --network none IMAGE` gives before the image is read: podman's defaults.
/// Build steps start from it, and a record that lacks a field takes the field from it.
impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            image: String::new(),
            command: None,
            entrypoint: None,
            name: None,
            rm: false,
            interactive: false,
            tty: false,
            env: Vec::new(),
            workdir: None,
            user: None,
            hostname: None,
            volumes: Vec::new(),
            named_volumes: Vec::new(),
            tmpfs: Vec::new(),
            image_volume: None,
            read_only: false,
            // podman's default: with --read-only, /tmp, /var/tmp and /run are tmpfs.
            read_only_tmpfs: true,
            init: false,
            privileged: false,
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            cap_add_all: false,
            cap_drop_all: false,
            no_new_privs: false,
            seccomp: SeccompChoice::Default,
            mask: Vec::new(),
            unmask: Vec::new(),
            userns: UsernsMode::Session,
            network: NetworkMode::None,
            net: NetOptions::default(),
            user_networks: Vec::new(),
            network_aliases: Vec::new(),
            network_opts: BTreeMap::new(),
            detach: false,
            restart: RestartPolicy::No,
            stop_signal: None,
            stop_timeout: None,
            extras: Extras::default(),
            pull: PullPolicy::Missing,
        }
    }
}

/// When `run` pulls: podman's `--pull` policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PullPolicy {
    /// Pull only when the image is not in the store (the default).
    #[default]
    Missing,
    /// Always pull (a present, current image costs one HEAD request).
    Always,
    /// Never pull.
    Never,
    /// Pull when the registry's image differs from the local one (one HEAD decides); when
    /// the registry cannot be reached, use the local image with a warning.
    Newer,
}

impl PullPolicy {
    /// Parse `--pull VALUE`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "missing" => Some(PullPolicy::Missing),
            "always" | "true" => Some(PullPolicy::Always),
            "never" | "false" => Some(PullPolicy::Never),
            "newer" => Some(PullPolicy::Newer),
            _ => None,
        }
    }
}

/// Where a container's output goes (`--log-driver`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogDriver {
    /// The k8s-file log (podman's `json-file` is the same format).
    K8sFile,
    /// Nowhere.
    None,
    /// Straight to berth's own stdio (foreground only).
    Passthrough,
}

impl LogDriver {
    /// Parse podman's names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "k8s-file" | "json-file" => Some(LogDriver::K8sFile),
            "none" => Some(LogDriver::None),
            "passthrough" => Some(LogDriver::Passthrough),
            _ => None,
        }
    }
}
