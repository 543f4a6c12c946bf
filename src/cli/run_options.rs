//! `berth run`'s command line into the container's spec (`crate::spec::RunOptions`): every
//! flag checked and converted before anything forks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use caps::Capability;

use crate::cli::run::RunArgs;
use crate::net::mode::{user_networks, NetworkModeError};
use crate::run::masks;
use crate::spec::{
    parse_duration, parse_signal, parse_size, valid_name, BindMount, Extras, LogDriver,
    MountRestrictions, NetworkMode, OnFailure, PerNetwork, PullPolicy, RestartPolicy, RunOptions,
    SeccompChoice, TmpfsMount, UserSpec, UsernsMode, VolumeMount,
};
use crate::storage::volume::{self, VolumeError};

/// A flag value berth cannot use.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error("invalid container name `{0}`: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")]
    Name(String),
    #[error("invalid environment variable `{0}`: the name must not be empty")]
    Env(String),
    #[error("read env file `{path}`")]
    EnvFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid volume `{value}`: {reason}")]
    Volume { value: String, reason: &'static str },
    #[error("volume `{value}`: host path `{path}`")]
    VolumeSource {
        value: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid --mount `{value}`: {reason}")]
    Mount { value: String, reason: &'static str },
    #[error("invalid --mount `{value}`: unknown option `{key}`")]
    MountKey { value: String, key: String },
    #[error("{0}: duplicate mount destination")]
    DuplicateMount(String),
    #[error("valid signals are 1 through 64")]
    SignalRange,
    #[error("name an anonymous volume")]
    AnonymousVolume(#[source] VolumeError),
    #[error("invalid tmpfs `{value}`: {reason}")]
    Tmpfs { value: String, reason: &'static str },
    #[error("invalid workdir `{0}`: it must be an absolute path")]
    Workdir(String),
    #[error("invalid user `{0}`: expected NAME or UID, optionally with :GROUP or :GID")]
    User(String),
    #[error("unknown capability `{0}`")]
    Capability(String),
    #[error("invalid --security-opt `{0}`: expected no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json, mask=PATH[:PATH…] or unmask=ALL|PATH[:PATH…]")]
    SecurityOpt(String),
    #[error(transparent)]
    Mask(#[from] crate::run::masks::MaskError),
    #[error("invalid --userns `{0}`: berth supports keep-id (or the default, host mapping)")]
    Userns(String),
    #[error(transparent)]
    NetworkMode(#[from] NetworkModeError),
    #[error(transparent)]
    Publish(crate::net::ports::PublishError),
    #[error("invalid --network-alias `{0}`: aliases need --network NAME (a user network)")]
    NetworkAlias(String),
    #[error(transparent)]
    NetworkOption(crate::net::bridge::netopts::NetOptError),
    #[error("invalid --entrypoint `{0}`: not a JSON array of strings")]
    Entrypoint(String),
    #[error("invalid image reference ``: an image name is required")]
    NoImage,
    #[error("invalid --restart `{0}`: expected no, on-failure[:N], always or unless-stopped")]
    Restart(String),
    #[error("invalid signal `{0}`")]
    Signal(String),
    #[error("--detach and --tty cannot be used together: a detached exec has no terminal")]
    ExecDetachTty,
    #[error("--rm and --restart `{0}` cannot be used together")]
    RmRestart(String),
    #[error("invalid {flag} `{value}`: {reason}")]
    Flag {
        flag: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// Parse `--label`-style `KEY=VALUE` lists (a bare KEY means an empty value).
fn key_values(
    flag: &'static str,
    items: &[String],
) -> Result<std::collections::BTreeMap<String, String>, OptionsError> {
    let mut out = std::collections::BTreeMap::new();
    for item in items {
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        if k.is_empty() {
            return Err(OptionsError::Flag {
                flag,
                value: item.clone(),
                reason: "the key is empty",
            });
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// The resource names `--ulimit` knows.
pub const ULIMITS: [&str; 15] = [
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// One `--security-opt` value (shared by `run`/`create` and `build`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityOpt<'a> {
    NoNewPrivileges(bool),
    Seccomp(SeccompChoice),
    /// `mask=PATHS`, parsed by `run::masks`.
    Mask(&'a str),
    /// `unmask=PATHS`, parsed by `run::masks`.
    Unmask(&'a str),
    /// `label=…`: SELinux, which berth does not do.
    Label,
}

/// Split `KEY=VALUE` (or `KEY:VALUE`) and recognise the key.
pub fn parse_security_opt(opt: &str) -> Result<SecurityOpt<'_>, OptionsError> {
    let (key, value) = opt
        .split_once(['=', ':'])
        .map_or((opt, None), |(k, v)| (k, Some(v)));
    Ok(match (key, value) {
        ("no-new-privileges", None | Some("true")) => SecurityOpt::NoNewPrivileges(true),
        ("no-new-privileges", Some("false")) => SecurityOpt::NoNewPrivileges(false),
        ("seccomp", Some("unconfined")) => SecurityOpt::Seccomp(SeccompChoice::Unconfined),
        ("seccomp", Some(path)) if !path.is_empty() => {
            SecurityOpt::Seccomp(SeccompChoice::Profile(PathBuf::from(path)))
        }
        ("mask", Some(v)) => SecurityOpt::Mask(v),
        ("unmask", Some(v)) => SecurityOpt::Unmask(v),
        ("label", _) => SecurityOpt::Label,
        _ => return Err(OptionsError::SecurityOpt(opt.to_string())),
    })
}

pub fn parse_ulimit(value: &str) -> Result<(String, u64, u64), OptionsError> {
    let err = |reason| OptionsError::Flag {
        flag: "--ulimit",
        value: value.to_string(),
        reason,
    };
    let (name, limits) = value
        .split_once('=')
        .ok_or_else(|| err("expected NAME=SOFT[:HARD]"))?;
    let name = name
        .strip_prefix("rlimit_")
        .unwrap_or(name)
        .to_ascii_lowercase();
    if !ULIMITS.contains(&name.as_str()) {
        return Err(err("unknown resource"));
    }
    let num = |s: &str| -> Result<u64, OptionsError> {
        if s == "-1" || s == "unlimited" {
            Ok(u64::MAX)
        } else {
            s.parse()
                .map_err(|_| err("limits must be numbers, -1 or unlimited"))
        }
    };
    let (soft, hard) = match limits.split_once(':') {
        Some((s, h)) => (num(s)?, num(h)?),
        None => (num(limits)?, num(limits)?),
    };
    if soft > hard {
        return Err(err("the soft limit is above the hard limit"));
    }
    Ok((name, soft, hard))
}

/// Only kernel parameters that belong to a namespace the container has can be set.
fn parse_sysctl(value: &str) -> Result<(String, String), OptionsError> {
    let err = |reason| OptionsError::Flag {
        flag: "--sysctl",
        value: value.to_string(),
        reason,
    };
    let (key, val) = value
        .split_once('=')
        .ok_or_else(|| err("expected KEY=VALUE"))?;
    let namespaced = key.starts_with("net.")
        || key.starts_with("fs.mqueue.")
        || matches!(
            key,
            "kernel.shmmax"
                | "kernel.shmall"
                | "kernel.shmmni"
                | "kernel.shm_rmid_forced"
                | "kernel.msgmax"
                | "kernel.msgmnb"
                | "kernel.msgmni"
                | "kernel.sem"
                | "kernel.hostname"
                | "kernel.domainname"
        );
    if !namespaced {
        return Err(err("not a namespaced kernel parameter (net.*, fs.mqueue.*, kernel.shm*, kernel.msg*, kernel.sem)"));
    }
    if key.contains("..") || key.contains('/') {
        return Err(err("malformed key"));
    }
    Ok((key.to_string(), val.to_string()))
}

fn parse_log_opts(opts: &[String]) -> Result<Option<u64>, OptionsError> {
    let mut max = None;
    for o in opts {
        let err = |reason| OptionsError::Flag {
            flag: "--log-opt",
            value: o.clone(),
            reason,
        };
        match o.split_once('=') {
            Some(("max-size", v)) => {
                max = Some(
                    parse_size(v)
                        .filter(|n| *n > 0)
                        .ok_or_else(|| err("expected a size such as 10m"))?,
                );
            }
            _ => return Err(err("berth knows max-size=SIZE")),
        }
    }
    Ok(max)
}

fn parse_device(value: &str) -> Result<(PathBuf, String), OptionsError> {
    let err = |reason| OptionsError::Flag {
        flag: "--device",
        value: value.to_string(),
        reason,
    };
    let mut parts = value.split(':');
    let host = parts.next().unwrap_or_default();
    let target = parts.next().filter(|t| t.starts_with('/')).unwrap_or(host);
    if !host.starts_with('/') {
        return Err(err("the host path must be absolute"));
    }
    let meta = std::fs::metadata(host).map_err(|_| err("no such device on the host"))?;
    use std::os::unix::fs::FileTypeExt;
    if !meta.file_type().is_char_device() && !meta.file_type().is_block_device() {
        return Err(err("not a device node"));
    }
    Ok((PathBuf::from(host), target.to_string()))
}

impl RunOptions {
    /// Check and convert `berth run`'s arguments. `host_env` looks up `-e KEY` values.
    pub fn from_args(
        args: RunArgs,
        host_env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OptionsError> {
        let (warnings, cgroup) = resource_limits(&args)?;
        let network = NetworkMode::parse(
            args.network.first().map(String::as_str),
            crate::net::default_helper,
        )?;
        let net = net_options(&args, &network)?;
        let (user_networks, network_opts) = per_network_options(&args, &network)?;
        let mut rest = args.image_and_command.into_iter();
        let image = rest
            .next()
            .filter(|i| !i.is_empty())
            .ok_or(OptionsError::NoImage)?;
        let command: Vec<String> = rest.collect();
        let command = (!command.is_empty()).then_some(command);

        if let Some(name) = &args.name {
            if !valid_name(name) {
                return Err(OptionsError::Name(name.clone()));
            }
        }

        let mut env = env_of(&args.env_file, &args.env, &host_env)?;

        let workdir = match args.workdir {
            Some(w) if !w.starts_with('/') => return Err(OptionsError::Workdir(w)),
            other => other,
        };
        let user = match args.user {
            Some(u) => Some(UserSpec::parse(&u).ok_or(OptionsError::User(u))?),
            None => None,
        };
        let mut volumes = Vec::new();
        let mut named_volumes = Vec::new();
        let mut tmpfs: Vec<TmpfsMount> = Vec::new();
        let parsed = args
            .tmpfs
            .iter()
            .map(|t| parse_tmpfs(t).map(ParsedMount::Tmpfs));
        let parsed = parsed.chain(args.volume.iter().map(|v| parse_volume(v)));
        let parsed = parsed.chain(args.mount.iter().map(|m| parse_mount(m)));
        // The same mount given twice is one mount (podman); two different ones on one
        // path are refused below.
        fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
            if !list.contains(&item) {
                list.push(item);
            }
        }
        for mount in parsed {
            match mount? {
                ParsedMount::Bind(b) => push_new(&mut volumes, b),
                ParsedMount::Volume(v) => push_new(&mut named_volumes, v),
                ParsedMount::Tmpfs(t) => push_new(&mut tmpfs, t),
            }
        }
        check_duplicate_targets(&volumes, &named_volumes, &tmpfs)?;

        let (cap_add, cap_add_all) = parse_caps(&args.cap_add)?;
        let (cap_drop, cap_drop_all) = parse_caps(&args.cap_drop)?;

        let mut no_new_privs = false;
        let mut seccomp = SeccompChoice::Default;
        let (mut mask, mut unmask) = (Vec::new(), Vec::new());
        for opt in &args.security_opt {
            match parse_security_opt(opt)? {
                SecurityOpt::NoNewPrivileges(on) => no_new_privs = on,
                SecurityOpt::Seccomp(choice) => seccomp = choice,
                SecurityOpt::Mask(value) => mask.extend(masks::parse_mask(opt, value)?),
                SecurityOpt::Unmask(value) => {
                    masks::merge_unmask(&mut unmask, masks::parse_unmask(opt, value)?);
                }
                SecurityOpt::Label => return Err(OptionsError::SecurityOpt(opt.clone())),
            }
        }
        let userns = match args.userns.as_deref() {
            None | Some("" | "host") => UsernsMode::Session,
            Some("keep-id") => UsernsMode::KeepId,
            Some(other) => return Err(OptionsError::Userns(other.to_string())),
        };
        if let Some(alias) = args.network_alias.first() {
            if network != NetworkMode::Bridge {
                return Err(OptionsError::NetworkAlias(alias.clone()));
            }
        }
        for alias in &args.network_alias {
            if !valid_name(alias) {
                return Err(OptionsError::NetworkAlias(alias.clone()));
            }
        }
        let entrypoint = match args.entrypoint {
            None => None,
            Some(e) if e.trim_start().starts_with('[') => Some(
                serde_json::from_str::<Vec<String>>(&e).map_err(|_| OptionsError::Entrypoint(e))?,
            ),
            Some(e) if e.is_empty() => Some(Vec::new()),
            Some(e) => Some(vec![e]),
        };
        let restart = match args.restart.as_deref() {
            None => RestartPolicy::No,
            Some(r) => {
                RestartPolicy::parse(r).ok_or_else(|| OptionsError::Restart(r.to_string()))?
            }
        };
        if args.rm && restart != RestartPolicy::No {
            return Err(OptionsError::RmRestart(args.restart.unwrap_or_default()));
        }
        let stop_signal = match args.stop_signal.as_deref() {
            None => None,
            Some(s) if s.parse::<i64>().is_ok_and(|n| !(1..=64).contains(&n)) => {
                return Err(OptionsError::SignalRange)
            }
            Some(s) => Some(parse_signal(s).ok_or_else(|| OptionsError::Signal(s.to_string()))?),
        };
        let tz = match args.tz {
            Some(tz)
                if tz != "local"
                    && (tz.contains("..")
                        || tz.starts_with('/')
                        || !std::path::Path::new("/usr/share/zoneinfo")
                            .join(&tz)
                            .is_file()) =>
            {
                return Err(OptionsError::Flag {
                    flag: "--tz",
                    value: tz,
                    reason: "no such time zone in /usr/share/zoneinfo",
                })
            }
            other => other,
        };
        let ipc = match args.ipc.as_deref() {
            None => crate::spec::IpcMode::Shareable,
            Some(m) => crate::spec::IpcMode::parse(m).ok_or_else(|| OptionsError::Flag {
                flag: "--ipc",
                value: m.to_string(),
                reason: "expected shareable, private, none, host or container:NAME",
            })?,
        };
        if args.rmi && !args.rm {
            return Err(OptionsError::Flag {
                flag: "--rmi",
                value: "true".into(),
                reason: "it needs --rm: the image can only go once the container is gone",
            });
        }
        if args.replace && args.name.is_none() {
            return Err(OptionsError::Flag {
                flag: "--replace",
                value: "true".into(),
                reason: "it needs --name: it replaces the container of that name",
            });
        }
        if args.http_proxy {
            let mut proxy = Vec::new();
            for name in PROXY_VARS {
                if env.iter().any(|(k, _)| k == name) {
                    continue;
                }
                if let Some(v) = host_env(name) {
                    proxy.push((name.to_string(), v));
                }
            }
            // Under -e and --env-file, which win.
            proxy.append(&mut env);
            env = proxy;
        }
        let extras =
            Extras {
                detach_keys: match &args.detach_keys {
                    None => crate::spec::default_detach_keys(),
                    Some(k) => crate::run::attach::parse_detach_keys(k).ok_or_else(|| {
                        OptionsError::Flag {
                            flag: "--detach-keys",
                            value: k.clone(),
                            reason: "expected keys such as ctrl-p,ctrl-q",
                        }
                    })?,
                },
                labels: key_values("--label", &args.label)?,
                annotations: key_values("--annotation", &args.annotation)?,
                cidfile: args.cidfile,
                pidfile: args.pidfile,
                env_host: args.env_host,
                tz,
                ulimits: args
                    .ulimit
                    .iter()
                    .filter(|u| u.as_str() != "host")
                    .map(|u| parse_ulimit(u))
                    .collect::<Result<_, _>>()?,
                shm_size: match args.shm_size {
                    None => None,
                    Some(s) => Some(parse_size(&s).filter(|n| *n > 0).ok_or(
                        OptionsError::Flag {
                            flag: "--shm-size",
                            value: s,
                            reason: "expected a size such as 64m",
                        },
                    )?),
                },
                sysctls: args
                    .sysctl
                    .iter()
                    .map(|s| parse_sysctl(s))
                    .collect::<Result<_, _>>()?,
                devices: args
                    .device
                    .iter()
                    .map(|d| parse_device(d))
                    .collect::<Result<_, _>>()?,
                group_add: args.group_add,
                log_driver: match args.log_driver.as_deref() {
                    None => None,
                    Some(d) => Some(LogDriver::parse(d).ok_or(OptionsError::Flag {
                        flag: "--log-driver",
                        value: d.to_string(),
                        reason: "berth supports k8s-file, json-file, none and passthrough",
                    })?),
                },
                log_max_size: parse_log_opts(&args.log_opt)?,
                health: crate::spec::HealthFlags {
                    cmd: args.health_cmd,
                    interval: match args.health_interval.as_deref() {
                        None => None,
                        Some(d) => Some(parse_duration(d).ok_or_else(|| OptionsError::Flag {
                            flag: "--health-interval",
                            value: d.to_string(),
                            reason: "expected a duration such as 30s or 1m30s",
                        })?),
                    },
                    timeout: match args.health_timeout.as_deref() {
                        None => None,
                        Some(d) => Some(parse_duration(d).ok_or_else(|| OptionsError::Flag {
                            flag: "--health-timeout",
                            value: d.to_string(),
                            reason: "expected a duration such as 30s or 1m30s",
                        })?),
                    },
                    start_period: match args.health_start_period.as_deref() {
                        None => None,
                        Some(d) => Some(parse_duration(d).ok_or_else(|| OptionsError::Flag {
                            flag: "--health-start-period",
                            value: d.to_string(),
                            reason: "expected a duration such as 30s or 1m30s",
                        })?),
                    },
                    retries: args.health_retries,
                    on_failure: match args.health_on_failure.as_deref() {
                        None => OnFailure::None,
                        Some(a) => OnFailure::parse(a).ok_or_else(|| OptionsError::Flag {
                            flag: "--health-on-failure",
                            value: a.to_string(),
                            reason: "expected none, kill, restart or stop",
                        })?,
                    },
                },
                ..Extras::default()
            };
        if args.detach && extras.log_driver == Some(LogDriver::Passthrough) {
            return Err(OptionsError::Flag {
                flag: "--log-driver",
                value: "passthrough".into(),
                reason: "passthrough needs a foreground container (without -d)",
            });
        }
        let mut extras = extras;
        extras.warnings = warnings;
        extras.cgroup = cgroup;
        extras.ipc = ipc;
        extras.unsetenv = args.unsetenv;
        extras.unsetenv_all = args.unsetenv_all;
        extras.rmi = args.rmi;
        extras.replace = args.replace;
        // Under a systemd unit (quadlet, generate systemd), as podman: the unit is recorded
        // for auto-update.
        if let Some(unit) = host_env("PODMAN_SYSTEMD_UNIT").filter(|u| !u.is_empty()) {
            extras
                .labels
                .entry("PODMAN_SYSTEMD_UNIT".into())
                .or_insert(unit);
        }
        if let Some(n) = &args.sdnotify {
            extras.sdnotify =
                crate::spec::SdNotify::parse(n).ok_or_else(|| OptionsError::Flag {
                    flag: "--sdnotify",
                    value: n.clone(),
                    reason: "expected conmon, container, healthy or ignore",
                })?;
        }
        if let Some(m) = &args.systemd {
            extras.systemd =
                Some(
                    crate::spec::SystemdMode::parse(m).ok_or_else(|| OptionsError::Flag {
                        flag: "--systemd",
                        value: m.clone(),
                        reason: "expected true, false or always",
                    })?,
                );
        }
        extras.pod = args.pod.clone().filter(|p| !p.is_empty());
        extras.infra = args.pod_infra;
        extras.uts = match args.uts.as_deref() {
            None => crate::spec::UtsMode::Private,
            Some(m) => crate::spec::UtsMode::parse(m).ok_or_else(|| OptionsError::Flag {
                flag: "--uts",
                value: m.to_string(),
                reason: "expected private, host or container:NAME",
            })?,
        };
        let pull = match &args.pull {
            None => PullPolicy::Missing,
            Some(p) => PullPolicy::parse(p).ok_or_else(|| OptionsError::Flag {
                flag: "--pull",
                value: p.clone(),
                reason: "expected missing, always, never or newer",
            })?,
        };
        Ok(RunOptions {
            pull,
            extras,
            detach: args.detach,
            restart,
            stop_signal,
            stop_timeout: args.stop_timeout,
            image,
            command,
            entrypoint,
            name: args.name,
            rm: args.rm,
            interactive: args.interactive,
            tty: args.tty,
            env,
            workdir,
            user,
            hostname: args.hostname,
            volumes,
            named_volumes,
            tmpfs,
            image_volume: args
                .image_volume
                .as_deref()
                .and_then(crate::spec::ImageVolumeMode::parse),
            read_only: args.read_only,
            read_only_tmpfs: args.read_only_tmpfs,
            init: args.init,
            privileged: args.privileged,
            cap_add,
            cap_drop,
            cap_add_all,
            cap_drop_all,
            no_new_privs,
            seccomp,
            mask,
            unmask,
            userns,
            network,
            net,
            user_networks,
            network_opts,
            // Folded into `network_opts`; kept for records made before those.
            network_aliases: Vec::new(),
        })
    }
}

/// The host variables `--http-proxy` (on by default) passes into the container.
const PROXY_VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "ftp_proxy",
    "FTP_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// `--kernel-memory` (a warning) and the cgroup flags (`cli::cgroup_options`).
fn resource_limits(args: &RunArgs) -> Result<(Vec<String>, crate::spec::CgroupSpec), OptionsError> {
    let mut warnings = Vec::new();
    if let Some(k) = &args.kernel_memory {
        parse_size(k).ok_or_else(|| OptionsError::Flag {
            flag: "--kernel-memory",
            value: k.clone(),
            reason: "expected a size such as 64m",
        })?;
        warnings.push(
            "warning: The --kernel-memory flag is no longer supported. This flag is a noop."
                .to_string(),
        );
    }
    let cgroup = super::cgroup_options::spec(&args.cgroup)?;
    Ok((warnings, cgroup))
}

/// The user networks of the `--network` values (in order) and what the container asks for
/// on each (`NAME:alias=…,ip=…`, and `--ip`, `--ip6`, `--mac-address` for a single network),
/// checked as podman does.
fn per_network_options(
    args: &RunArgs,
    network: &NetworkMode,
) -> Result<(Vec<String>, BTreeMap<String, PerNetwork>), OptionsError> {
    use crate::net::bridge::netopts;
    let single: [(&'static str, Option<&String>); 3] = [
        ("--ip", args.ip.as_ref()),
        ("--ip6", args.ip6.as_ref()),
        ("--mac-address", args.mac_address.as_ref()),
    ];
    if *network != NetworkMode::Bridge {
        if let Some((flag, Some(value))) = single.iter().find(|(_, v)| v.is_some()) {
            return Err(OptionsError::Flag {
                flag,
                value: (*value).clone(),
                reason:
                    "it can only be set when the container joins a user network (--network NAME)",
            });
        }
        if args.network.len() > 1 {
            return Err(OptionsError::Flag {
                flag: "--network",
                value: args.network[1].clone(),
                reason: "several networks can only be given for user networks (--network NAME)",
            });
        }
        return Ok((Vec::new(), BTreeMap::new()));
    }
    let mut names: Vec<String> = Vec::new();
    let mut per: BTreeMap<String, PerNetwork> = BTreeMap::new();
    for value in &args.network {
        let bad = || OptionsError::NetworkMode(NetworkModeError::Invalid(value.clone()));
        let (list, opts) = match value.split_once(':') {
            Some((name, opts)) => {
                // `NAME:OPTIONS`: one network with options.
                let one = user_networks(name)
                    .filter(|v| v.len() == 1)
                    .ok_or_else(bad)?;
                let o = netopts::parse(&one[0], opts).map_err(OptionsError::NetworkOption)?;
                (one, Some(o))
            }
            None => (user_networks(value).ok_or_else(bad)?, None),
        };
        for name in list {
            if !names.contains(&name) {
                names.push(name.clone());
            }
            if let Some(o) = &opts {
                let entry = per.entry(name).or_default();
                entry.add_aliases(&o.aliases);
                entry.ip = o.ip.or(entry.ip);
                entry.ip6 = o.ip6.or(entry.ip6);
                entry.mac = o.mac.clone().or(entry.mac.take());
                entry.interface_name = o.interface_name.clone().or(entry.interface_name.take());
            }
        }
    }
    if let Some((flag, Some(value))) = single.iter().find(|(_, v)| v.is_some()) {
        if names.len() != 1 {
            return Err(OptionsError::Flag {
                flag,
                value: (*value).clone(),
                reason: "it can only be set for a single network; use --network NAME:ip=…,mac=… for each",
            });
        }
    }
    if let Some(name) = names.first() {
        let entry = per.entry(name.clone()).or_default();
        if let Some(ip) = &args.ip {
            match ip.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(v4)) => entry.ip = Some(v4),
                _ => {
                    return Err(OptionsError::Flag {
                        flag: "--ip",
                        value: ip.clone(),
                        reason: "not an IPv4 address",
                    })
                }
            }
        }
        if let Some(ip6) = &args.ip6 {
            match ip6.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V6(v6)) => entry.ip6 = Some(v6),
                _ => {
                    return Err(OptionsError::Flag {
                        flag: "--ip6",
                        value: ip6.clone(),
                        reason: "not an IPv6 address",
                    })
                }
            }
        }
        if let Some(mac) = &args.mac_address {
            entry.mac = Some(
                netopts::parse_mac("--mac-address", mac).map_err(OptionsError::NetworkOption)?,
            );
        }
    }
    // As podman: `--network-alias` names the container on each network it is created
    // with (a network connected later gets only its own `--alias`).
    for name in &names {
        per.entry(name.clone())
            .or_default()
            .add_aliases(&args.network_alias);
    }
    per.retain(|_, o| !o.is_empty());
    Ok((names, per))
}

/// `-p`, `-P`, `--expose`, `--dns*` and `--add-host`, checked against the network mode.
fn net_options(
    args: &RunArgs,
    network: &NetworkMode,
) -> Result<crate::spec::NetOptions, OptionsError> {
    use crate::net::{etc, ports};
    let mut out = crate::spec::NetOptions {
        publish_all: args.publish_all,
        ..Default::default()
    };
    for p in &args.publish {
        out.ports
            .extend(ports::parse_publish(p).map_err(OptionsError::Publish)?);
    }
    for e in &args.expose {
        out.expose
            .extend(ports::parse_expose(e).ok_or_else(|| OptionsError::Flag {
                flag: "--expose",
                value: e.clone(),
                reason: "expected PORT[/PROTOCOL] or a range such as 8000-8010",
            })?);
    }
    let publishes = !out.ports.is_empty() || out.publish_all;
    if publishes
        && !matches!(
            network,
            NetworkMode::Pasta(_) | NetworkMode::Slirp4netns(_) | NetworkMode::Bridge
        )
    {
        return Err(OptionsError::Flag {
            flag: "--publish",
            value: args
                .publish
                .first()
                .cloned()
                .unwrap_or_else(|| "--publish-all".into()),
            reason:
                "ports can be published only with --network pasta, slirp4netns or a user network",
        });
    }
    for d in &args.dns {
        let servers = out.dns.servers.get_or_insert_with(Vec::new);
        if d == "none" {
            continue;
        }
        servers.push(d.parse().map_err(|_| OptionsError::Flag {
            flag: "--dns",
            value: d.clone(),
            reason: "not an IP address",
        })?);
    }
    for s in &args.dns_search {
        if s.is_empty() || s.contains(char::is_whitespace) {
            return Err(OptionsError::Flag {
                flag: "--dns-search",
                value: s.clone(),
                reason: "expected one domain name",
            });
        }
        out.dns.search.push(s.clone());
    }
    for o in &args.dns_option {
        if o.is_empty() || o.contains(char::is_whitespace) {
            return Err(OptionsError::Flag {
                flag: "--dns-option",
                value: o.clone(),
                reason: "expected one resolver option, such as ndots:2",
            });
        }
        out.dns.options.push(o.clone());
    }
    for h in &args.add_host {
        out.add_hosts
            .push(etc::parse_add_host(h).ok_or_else(|| OptionsError::Flag {
                flag: "--add-host",
                value: h.clone(),
                reason: "expected HOST:IP",
            })?);
    }
    Ok(out)
}

/// The environment of `--env-file`s (in order, `#` comments and blank lines skipped) then
/// `-e` items, later values replacing earlier ones, as `run` and `exec` take them.
pub fn env_of(
    env_files: &[PathBuf],
    items: &[String],
    host_env: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, OptionsError> {
    let mut env = Vec::new();
    for path in env_files {
        let text = std::fs::read_to_string(path).map_err(|source| OptionsError::EnvFile {
            path: path.clone(),
            source,
        })?;
        for line in text.lines().map(str::trim_start) {
            if !line.is_empty() && !line.starts_with('#') {
                push_env(&mut env, line, host_env)?;
            }
        }
    }
    for item in items {
        push_env(&mut env, item, host_env)?;
    }
    Ok(env)
}

/// Add one `-e` item (`KEY=VALUE`, or `KEY` taken from `host_env`) to `env`, replacing an
/// earlier value of the same key.
pub fn push_env(
    env: &mut Vec<(String, String)>,
    item: &str,
    host_env: &impl Fn(&str) -> Option<String>,
) -> Result<(), OptionsError> {
    let (key, value) = match item.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (item, None),
    };
    if key.is_empty() {
        return Err(OptionsError::Env(item.to_string()));
    }
    // `-e KEY` copies the host's value, and is skipped when the host has none (podman).
    let Some(value) = value.or_else(|| host_env(key)) else {
        return Ok(());
    };
    env.retain(|(k, _)| k != key);
    env.push((key.to_string(), value));
    Ok(())
}

/// One parsed `-v` or `--mount`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ParsedMount {
    Bind(BindMount),
    Volume(VolumeMount),
    Tmpfs(TmpfsMount),
}

/// `-v SOURCE:TARGET[:OPTIONS]` or `-v TARGET`. A SOURCE starting with `/` or `.` is a host
/// path; anything else names a volume. A lone TARGET is an anonymous volume.
fn parse_volume(value: &str) -> Result<ParsedMount, OptionsError> {
    let err = |reason| OptionsError::Volume {
        value: value.to_string(),
        reason,
    };
    let fields: Vec<&str> = value.split(':').collect();
    let (source, target, options) = match fields[..] {
        [target] => (None, target, None),
        [source, target] => (Some(source), target, None),
        [source, target, options] => (Some(source), target, Some(options)),
        _ => return Err(err("too many `:` separated fields")),
    };
    if source == Some("") {
        return Err(err("the source must not be empty"));
    }
    if !target.starts_with('/') {
        return Err(err("the container path must be absolute"));
    }
    let is_path = source.is_none_or(|s| s.starts_with('/') || s.starts_with('.'));
    let anonymous = source.is_none();
    let mut readonly = false;
    let mut chown = false;
    let mut copy_up = true;
    let mut restrict = MountRestrictions::default();
    for opt in options.unwrap_or("").split(',').filter(|o| !o.is_empty()) {
        match opt {
            "ro" => readonly = true,
            "rw" => readonly = false,
            "U" => chown = true,
            "nocopy" => copy_up = false,
            "copy" => copy_up = true,
            // No SELinux labels to set in a rootless session.
            "z" | "Z" => {}
            "rbind" | "bind" | "private" | "rprivate" if is_path => {}
            o if restrict.apply(o) => {}
            _ => return Err(err(
                "unknown option (berth knows ro, rw, U, z, Z, nocopy, [no]exec, [no]suid, [no]dev)",
            )),
        }
    }
    if anonymous || !is_path {
        let name = match source {
            None => volume::anonymous_name().map_err(OptionsError::AnonymousVolume)?,
            Some(name) if volume::valid_name(name) => name.to_string(),
            Some(_) => {
                return Err(err(
                    "a volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*; a host path must start with `/` or `.`",
                ))
            }
        };
        return Ok(ParsedMount::Volume(VolumeMount {
            name,
            target: target.to_string(),
            readonly,
            chown,
            copy_up,
            anonymous,
            restrict,
        }));
    }
    let source = source.unwrap_or_default();
    Ok(ParsedMount::Bind(BindMount {
        source: canonical_source(value, source)?,
        target: target.to_string(),
        readonly,
        chown,
        restrict,
    }))
}

fn canonical_source(value: &str, source: &str) -> Result<PathBuf, OptionsError> {
    std::fs::canonicalize(Path::new(source)).map_err(|source_err| OptionsError::VolumeSource {
        value: value.to_string(),
        path: PathBuf::from(source),
        source: source_err,
    })
}

/// `--mount type=bind|volume|tmpfs,source=…,target=…,…` with podman's keys.
fn parse_mount(value: &str) -> Result<ParsedMount, OptionsError> {
    let err = |reason| OptionsError::Mount {
        value: value.to_string(),
        reason,
    };
    let flag = |v: Option<&str>| match v {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(_) => Err(err("a boolean option takes true or false")),
    };
    let mut kind = None;
    let mut source = None;
    let mut target = None;
    let mut readonly = false;
    let mut chown = false;
    let mut copy_up = true;
    let mut restrict = MountRestrictions::default();
    let mut tmpfs_options = Vec::new();
    for item in value.split(',').filter(|i| !i.is_empty()) {
        let (key, val) = match item.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (item, None),
        };
        match key {
            "type" => kind = val,
            "src" | "source" => source = val.filter(|v| !v.is_empty()),
            "dst" | "destination" | "target" => target = val,
            "ro" | "readonly" => readonly = flag(val)?,
            "rw" => readonly = !flag(val)?,
            "U" | "chown" => chown = flag(val)?,
            "nocopy" | "volume-nocopy" => copy_up = !flag(val)?,
            "z" | "Z" | "relabel" => {}
            k if val.is_none() && restrict.apply(k) => tmpfs_options.push(k.to_string()),
            "bind-propagation" if matches!(val, Some("private" | "rprivate")) => {}
            "bind-propagation" => return Err(err("berth's binds are private")),
            "tmpfs-size" => {
                let size = val.ok_or_else(|| err("tmpfs-size needs a value"))?;
                tmpfs_options.push(format!("size={size}"));
            }
            "tmpfs-mode" => {
                let mode = val
                    .filter(|m| u32::from_str_radix(m, 8).is_ok())
                    .ok_or_else(|| err("tmpfs-mode takes an octal mode"))?;
                tmpfs_options.push(format!("mode={mode}"));
            }
            _ => {
                return Err(OptionsError::MountKey {
                    value: value.to_string(),
                    key: key.to_string(),
                })
            }
        }
    }
    let target = target.ok_or_else(|| err("a target is required"))?;
    if !target.starts_with('/') {
        return Err(err("the target must be an absolute path"));
    }
    let target = target.to_string();
    let bind_only = chown || !copy_up;
    // The restricting words also go to a tmpfs's own flags; drop them from the others.
    let sized = |opts: &[String]| opts.iter().any(|o| o.contains('='));
    match kind {
        Some("bind") => {
            let source = source.ok_or_else(|| err("a bind mount needs a source"))?;
            if !copy_up || sized(&tmpfs_options) {
                return Err(err("nocopy and tmpfs options do not apply to a bind mount"));
            }
            Ok(ParsedMount::Bind(BindMount {
                source: canonical_source(value, source)?,
                target,
                readonly,
                chown,
                restrict,
            }))
        }
        Some("volume") => {
            if sized(&tmpfs_options) {
                return Err(err("tmpfs options do not apply to a volume"));
            }
            let (name, anonymous) = match source {
                None => (
                    volume::anonymous_name().map_err(OptionsError::AnonymousVolume)?,
                    true,
                ),
                Some(n) if volume::valid_name(n) => (n.to_string(), false),
                Some(_) => return Err(err("a volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")),
            };
            Ok(ParsedMount::Volume(VolumeMount {
                name,
                target,
                readonly,
                chown,
                copy_up,
                anonymous,
                restrict,
            }))
        }
        Some("tmpfs") => {
            if source.is_some() || bind_only {
                return Err(err("a tmpfs takes no source, U or nocopy"));
            }
            if readonly {
                tmpfs_options.push("ro".into());
            }
            Ok(ParsedMount::Tmpfs(TmpfsMount {
                target,
                options: tmpfs_options,
            }))
        }
        None => Err(err("type= is required (bind, volume or tmpfs)")),
        Some(_) => Err(err("berth supports type=bind, volume and tmpfs")),
    }
}

/// Two mounts on one container path are an error, as in podman.
fn check_duplicate_targets(
    binds: &[BindMount],
    volumes: &[VolumeMount],
    tmpfs: &[TmpfsMount],
) -> Result<(), OptionsError> {
    let mut seen = std::collections::HashSet::new();
    let targets = binds
        .iter()
        .map(|b| &b.target)
        .chain(volumes.iter().map(|v| &v.target))
        .chain(tmpfs.iter().map(|t| &t.target));
    for t in targets {
        let clean = t.trim_end_matches('/');
        let clean = if clean.is_empty() { "/" } else { clean };
        if !seen.insert(clean.to_string()) {
            return Err(OptionsError::DuplicateMount(clean.to_string()));
        }
    }
    Ok(())
}

fn parse_tmpfs(value: &str) -> Result<TmpfsMount, OptionsError> {
    let (target, opts) = value.split_once(':').unwrap_or((value, ""));
    if !target.starts_with('/') {
        return Err(OptionsError::Tmpfs {
            value: value.to_string(),
            reason: "the container path must be absolute",
        });
    }
    Ok(TmpfsMount {
        target: target.to_string(),
        options: opts
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// Parse capability names (`NET_ADMIN`, `cap_net_admin`, `ALL`).
fn parse_caps(names: &[String]) -> Result<(Vec<String>, bool), OptionsError> {
    let mut out = Vec::new();
    let mut all = false;
    for name in names.iter().flat_map(|n| n.split(',')) {
        let upper = name.trim().to_ascii_uppercase();
        if upper == "ALL" {
            all = true;
            continue;
        }
        let full = if upper.starts_with("CAP_") {
            upper
        } else {
            format!("CAP_{upper}")
        };
        let cap: Capability = full
            .parse()
            .map_err(|_| OptionsError::Capability(name.to_string()))?;
        out.push(cap.to_string());
    }
    Ok((out, all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        run: RunArgs,
    }

    fn opts(argv: &[&str]) -> Result<RunOptions, OptionsError> {
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        let t = T::try_parse_from(full).unwrap();
        RunOptions::from_args(t.run, |k| (k == "HOSTVAR").then(|| "fromhost".to_string()))
    }

    #[test]
    fn podman_run_flags_convert() {
        let o = opts(&["--ipc", "container:db", "--rmi", "--rm", "img"]).unwrap();
        assert_eq!(o.extras.ipc, crate::spec::IpcMode::Container("db".into()));
        assert!(o.extras.rmi);
        for bad in [
            &["--ipc", "ns:/x", "img"][..],
            &["--ipc", "container:", "img"],
            &["--rmi", "img"],
            &["--replace", "img"],
            &["--memory", "lots", "img"],
            &["--kernel-memory", "x", "img"],
        ] {
            assert!(opts(bad).is_err(), "{bad:?}");
        }
        assert!(
            opts(&["--replace", "--name", "a", "img"])
                .unwrap()
                .extras
                .replace
        );
        let o = opts(&["--kernel-memory", "100", "img"]).unwrap();
        assert!(o.extras.warnings[0].contains("--kernel-memory flag is no longer supported"));
        // A limit is recorded in the spec (checked against the host later).
        assert_eq!(
            opts(&["--memory", "100m", "img"])
                .unwrap()
                .extras
                .cgroup
                .limits
                .memory,
            Some(100 << 20)
        );
        assert!(opts(&["--memory=0", "img"]).is_ok());
    }

    #[test]
    fn http_proxy_passes_the_hosts_proxy_variables() {
        let t = T::try_parse_from(["t", "-e", "no_proxy=mine", "img"]).unwrap();
        let host = |k: &str| k.ends_with("_proxy").then(|| format!("host-{k}"));
        let o = RunOptions::from_args(t.run, host).unwrap();
        assert!(o
            .env
            .contains(&("http_proxy".into(), "host-http_proxy".into())));
        assert!(o.env.contains(&("no_proxy".into(), "mine".into())));
        assert!(!o.env.contains(&("no_proxy".into(), "host-no_proxy".into())));
        let t = T::try_parse_from(["t", "--http-proxy=false", "img"]).unwrap();
        assert!(RunOptions::from_args(t.run, host).unwrap().env.is_empty());
    }

    #[test]
    fn the_default_spec_is_a_bare_run_without_network() {
        // Build steps start from `RunOptions::default()`; it must be what the command line
        // gives when no flag is set, or a RUN step would differ from `berth run`.
        let bare = opts(&["--network", "none", "img"]).unwrap();
        assert_eq!(
            bare,
            RunOptions {
                image: "img".into(),
                ..RunOptions::default()
            }
        );
    }

    #[test]
    fn image_and_command_split_and_flags_after_image_belong_to_command() {
        let o = opts(&["--rm", "busybox", "ls", "-l", "--rm"]).unwrap();
        assert_eq!(o.image, "busybox");
        assert_eq!(o.command.unwrap(), ["ls", "-l", "--rm"]);
        assert!(o.rm);
        assert!(opts(&["busybox"]).unwrap().command.is_none());
    }

    #[test]
    fn env_order_override_and_host_lookup() {
        let o = opts(&[
            "-e", "A=1", "-e", "A=2", "-e", "HOSTVAR", "-e", "MISSING", "img",
        ])
        .unwrap();
        assert_eq!(
            o.env,
            vec![
                ("A".into(), "2".into()),
                ("HOSTVAR".into(), "fromhost".into())
            ]
        );
        assert!(matches!(
            opts(&["-e", "=x", "img"]),
            Err(OptionsError::Env(_))
        ));
    }

    #[test]
    fn volumes() {
        let o = opts(&["-v", "/tmp:/data:ro", "img"]).unwrap();
        assert_eq!(o.volumes[0].target, "/data");
        assert!(o.volumes[0].readonly);
        assert!(opts(&["-v", "/tmp:data", "img"]).is_err());
        assert!(opts(&["-v", "/tmp:/d:U", "img"]).unwrap().volumes[0].chown);
        let o = opts(&["-v", "/tmp:/d:noexec,nosuid", "-v", "v:/w:nodev", "img"]).unwrap();
        assert!(o.volumes[0].restrict.noexec && o.volumes[0].restrict.nosuid);
        assert!(!o.volumes[0].restrict.nodev && o.named_volumes[0].restrict.nodev);
        // The same mount twice is one.
        assert_eq!(
            opts(&["-v", "/tmp:/d", "-v", "/tmp:/d", "img"])
                .unwrap()
                .volumes
                .len(),
            1
        );
        assert!(opts(&["-v", ":/d", "img"]).is_err());
        assert!(opts(&["-v", "/tmp:/d:bogus", "img"]).is_err());
        assert!(matches!(
            opts(&["-v", "/no/such/dir/xyz:/d", "img"]),
            Err(OptionsError::VolumeSource { .. })
        ));
    }

    #[test]
    fn named_and_anonymous_volumes() {
        let o = opts(&["-v", "data:/srv:ro,U,Z", "-v", "/cache", "img"]).unwrap();
        assert!(o.volumes.is_empty());
        let v = &o.named_volumes[0];
        assert_eq!((v.name.as_str(), v.target.as_str()), ("data", "/srv"));
        assert!(v.readonly && v.chown && v.copy_up && !v.anonymous);
        let a = &o.named_volumes[1];
        assert!(a.anonymous && a.name.len() == 64 && a.target == "/cache");
        assert!(!opts(&["-v", "v:/x:nocopy", "img"]).unwrap().named_volumes[0].copy_up);
        assert!(matches!(
            opts(&["-v", "bad name:/x", "img"]),
            Err(OptionsError::Volume { .. })
        ));
        assert!(matches!(
            opts(&["-v", "a:/x", "-v", "b:/x/", "img"]),
            Err(OptionsError::DuplicateMount(_))
        ));
    }

    #[test]
    fn mount_flag() {
        let o = opts(&[
            "--mount",
            "type=volume,source=data,target=/srv,readonly",
            "--mount",
            "type=bind,src=/tmp,dst=/host,ro=true",
            "--mount",
            "type=tmpfs,destination=/scratch,tmpfs-size=1m,tmpfs-mode=1770",
            "--mount",
            "type=volume,dst=/anon,U,nocopy",
            "img",
        ])
        .unwrap();
        let v = &o.named_volumes[0];
        assert_eq!(
            (v.name.as_str(), v.target.as_str(), v.readonly),
            ("data", "/srv", true)
        );
        assert_eq!(o.volumes[0].source, std::fs::canonicalize("/tmp").unwrap());
        assert!(o.volumes[0].readonly);
        assert_eq!(o.tmpfs[0].target, "/scratch");
        assert_eq!(o.tmpfs[0].options, ["size=1m", "mode=1770"]);
        let a = &o.named_volumes[1];
        assert!(a.anonymous && a.chown && !a.copy_up);
        for bad in [
            "type=bind,target=/x",
            "type=volume,source=v",
            "type=volume,source=v,target=rel",
            "type=image,source=v,target=/x",
            "source=v,target=/x",
            "type=volume,source=v,target=/x,bogus=1",
            "type=tmpfs,target=/x,tmpfs-mode=999",
            "type=tmpfs,source=x,target=/x",
            "type=volume,source=v,target=/x,ro=maybe",
            "type=bind,source=/tmp,target=/x,bind-propagation=shared",
        ] {
            assert!(opts(&["--mount", bad, "img"]).is_err(), "{bad}");
        }
        assert!(matches!(
            opts(&["--mount", "type=volume,source=v,target=/x,bogus=1", "img"]),
            Err(OptionsError::MountKey { .. })
        ));
    }

    #[test]
    fn per_network_options() {
        let o = opts(&[
            "--network",
            "a:alias=x,alias=y,ip=10.89.0.5,mac=92:d0:c6:0a:29:33",
            "--network",
            "b:ip6=fd00:1::5,interface_name=en1",
            "--network",
            "c,a",
            "--network-alias",
            "all,every",
            "i",
        ])
        .unwrap();
        assert_eq!(o.network, NetworkMode::Bridge);
        assert_eq!(o.user_networks, ["a", "b", "c"]);
        assert!(o.network_aliases.is_empty());
        let a = &o.network_opts["a"];
        assert_eq!(a.aliases, ["x", "y", "all", "every"]);
        assert_eq!(o.network_opts["c"].aliases, ["all", "every"]);
        assert_eq!(a.ip, Some(std::net::Ipv4Addr::new(10, 89, 0, 5)));
        assert_eq!(a.mac.as_deref(), Some("92:d0:c6:0a:29:33"));
        let b = &o.network_opts["b"];
        assert_eq!(b.ip6, Some("fd00:1::5".parse().unwrap()));
        assert_eq!(b.interface_name.as_deref(), Some("en1"));
        // --ip, --ip6 and --mac-address: the single user network.
        let o = opts(&[
            "--network=a",
            "--ip",
            "10.89.0.7",
            "--ip6",
            "fd00::7",
            "--mac-address",
            "02:11:22:33:44:55",
            "i",
        ])
        .unwrap();
        let a = &o.network_opts["a"];
        assert_eq!(a.ip, Some(std::net::Ipv4Addr::new(10, 89, 0, 7)));
        assert_eq!(a.ip6, Some("fd00::7".parse().unwrap()));
        assert_eq!(a.mac.as_deref(), Some("02:11:22:33:44:55"));
        // Records from before per-network options load.
        let mut v = serde_json::to_value(opts(&["--network=a", "i"]).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("network_opts");
        let back: RunOptions = serde_json::from_value(v).unwrap();
        assert!(back.network_opts.is_empty());
        for bad in [
            vec!["--network=a,b", "--ip", "10.89.0.7", "i"],
            vec![
                "--network=a",
                "--network=b",
                "--mac-address",
                "02:11:22:33:44:55",
                "i",
            ],
            vec!["--network=a", "--ip", "fd00::1", "i"],
            vec!["--network=a", "--ip6", "10.0.0.1", "i"],
            vec!["--network=a", "--mac-address", "zz", "i"],
            vec!["--network=none", "--ip", "10.89.0.7", "i"],
            vec!["--network=pasta", "--network=a", "i"],
            vec!["--network=a", "--network=host", "i"],
            vec!["--network=a:bogus=1", "i"],
            vec!["--network=a,b:alias=x", "i"],
            vec!["--network=a:alias=", "i"],
        ] {
            assert!(opts(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            opts(&["--network=a", "--network=b", "--ip", "10.89.0.7", "i"])
                .unwrap_err()
                .to_string(),
            "invalid --ip `10.89.0.7`: it can only be set for a single network; use --network NAME:ip=…,mac=… for each"
        );
    }

    #[test]
    fn old_records_without_named_volumes_still_load() {
        let o = opts(&["img"]);
        let mut v = serde_json::to_value(o.unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("named_volumes");
        let back: RunOptions = serde_json::from_value(v).unwrap();
        assert!(back.named_volumes.is_empty());
    }

    #[test]
    fn users() {
        assert_eq!(
            UserSpec::parse("1000:2000").unwrap(),
            UserSpec {
                user: "1000".into(),
                group: Some("2000".into())
            }
        );
        assert!(UserSpec::parse("").is_none());
        assert!(UserSpec::parse("a:").is_none());
        assert!(opts(&["-u", ":x", "img"]).is_err());
    }

    #[test]
    fn caps_and_security_opts() {
        let o = opts(&[
            "--cap-add",
            "net_admin",
            "--cap-drop",
            "CAP_CHOWN,ALL",
            "--security-opt",
            "no-new-privileges",
            "--security-opt",
            "seccomp=unconfined",
            "img",
        ])
        .unwrap();
        assert_eq!(o.cap_add, vec!["CAP_NET_ADMIN"]);
        assert_eq!(o.cap_drop, vec!["CAP_CHOWN"]);
        assert!(o.cap_drop_all && o.no_new_privs);
        assert_eq!(o.seccomp, SeccompChoice::Unconfined);
        assert!(matches!(
            opts(&["--cap-add", "BOGUS", "img"]),
            Err(OptionsError::Capability(_))
        ));
        assert!(opts(&["--security-opt", "label=disable", "img"]).is_err());
    }

    #[test]
    fn modes_and_names() {
        assert_eq!(
            opts(&["--userns=keep-id", "i"]).unwrap().userns,
            UsernsMode::KeepId
        );
        assert!(opts(&["--userns=auto", "i"]).is_err());
        assert_eq!(
            opts(&["--network=host", "i"]).unwrap().network,
            NetworkMode::Host
        );
        // `bridge` is podman's default network, `podman`.
        let o = opts(&["--network=bridge:ip=10.88.0.9", "i"]).unwrap();
        assert_eq!(o.network, NetworkMode::Bridge);
        assert_eq!(o.user_networks, ["podman"]);
        assert_eq!(
            o.network_opts["podman"].ip,
            Some("10.88.0.9".parse().unwrap())
        );
        let o = opts(&["--network=a,b,a", "--network-alias", "web", "i"]).unwrap();
        assert_eq!(o.network, NetworkMode::Bridge);
        assert_eq!(o.user_networks, ["a", "b"]);
        assert_eq!(o.network_opts["a"].aliases, ["web"]);
        assert_eq!(o.network_opts["b"].aliases, ["web"]);
        assert!(opts(&["--network-alias", "web", "i"]).is_err());
        assert!(opts(&["--network=a", "--network-alias", "b d", "i"]).is_err());
        assert!(opts(&["--network=a,", "i"]).is_err());
        assert!(opts(&["--name=-bad", "i"]).is_err());
        assert!(opts(&["--name", "good.name_1", "i"]).is_ok());
        assert!(opts(&["-w", "rel", "i"]).is_err());
    }

    #[test]
    fn network_modes_and_flags() {
        use crate::spec::{PastaOptions, SlirpOptions};
        assert_eq!(
            NetworkMode::parse(None, || Some("slirp4netns")).unwrap(),
            NetworkMode::Slirp4netns(SlirpOptions::default())
        );
        assert!(matches!(
            NetworkMode::parse(None, || None),
            Err(NetworkModeError::NoHelper)
        ));
        assert_eq!(
            NetworkMode::parse(Some("pasta:--map-gw,-4"), || None).unwrap(),
            NetworkMode::Pasta(PastaOptions {
                args: vec!["-4".into()],
                map_gw: true
            })
        );
        let slirp =
            NetworkMode::parse(Some("slirp4netns:allow_host_loopback=true"), || None).unwrap();
        assert!(matches!(&slirp, NetworkMode::Slirp4netns(o) if o.allow_host_loopback));
        assert_eq!(slirp.name(), "slirp4netns");
        let joined = NetworkMode::parse(Some("container:web"), || None).unwrap();
        assert_eq!(joined, NetworkMode::Container("web".into()));
        assert_eq!(joined.name(), "container:web");
        assert!(!joined.new_netns());
        assert_eq!(
            NetworkMode::parse(Some("private"), || Some("slirp4netns")).unwrap(),
            NetworkMode::Slirp4netns(SlirpOptions::default())
        );
        let ns = NetworkMode::parse(Some("ns:/run/netns/x"), || None).unwrap();
        assert_eq!(ns, NetworkMode::Ns("/run/netns/x".into()));
        assert_eq!(ns.name(), "ns:/run/netns/x");
        assert!(!ns.new_netns());
        assert!(NetworkMode::parse(Some("ns:run/netns/x"), || None).is_err());
        assert!(NetworkMode::parse(Some("ns:"), || None).is_err());
        assert!(NetworkMode::parse(Some("container:"), || None).is_err());
        assert!(NetworkMode::parse(Some("slirp4netns:mtu=1"), || None).is_err());

        let o = opts(&[
            "--network=pasta",
            "-p",
            "127.0.0.1:8080:80",
            "-P",
            "--expose",
            "53/udp",
            "--dns",
            "1.1.1.1",
            "--dns-search",
            "example.com",
            "--dns-option",
            "ndots:2",
            "--add-host",
            "db:10.0.0.5",
            "i",
        ])
        .unwrap();
        assert_eq!(o.net.ports.len(), 1);
        assert!(o.net.publish_all);
        assert_eq!(o.net.expose[0].container_port, 53);
        assert_eq!(o.net.dns.servers, Some(vec!["1.1.1.1".parse().unwrap()]));
        assert_eq!(o.net.dns.search, vec!["example.com"]);
        assert_eq!(o.net.dns.options, vec!["ndots:2"]);
        assert_eq!(o.net.add_hosts[0].0, "db");
        assert_eq!(
            opts(&["--network=pasta", "--dns", "none", "i"])
                .unwrap()
                .net
                .dns
                .servers,
            Some(vec![])
        );
        for bad in [
            vec!["--network=none", "-p", "80", "i"],
            vec!["--network=host", "-P", "i"],
            vec!["--network=pasta", "-p", "x", "i"],
            vec!["--network=pasta", "--expose", "x", "i"],
            vec!["--network=pasta", "--dns", "x", "i"],
            vec!["--network=pasta", "--dns-search", "a b", "i"],
            vec!["--network=pasta", "--add-host", "nohost", "i"],
        ] {
            assert!(opts(&bad).is_err(), "{bad:?}");
        }
        // Records from before networking load with no published ports.
        let mut v = serde_json::to_value(opts(&["--network=none", "i"]).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("net");
        let old: RunOptions = serde_json::from_value(v).unwrap();
        assert!(old.net.ports.is_empty());
    }

    #[test]
    fn restart_policies() {
        assert_eq!(
            RestartPolicy::parse("on-failure:2"),
            Some(RestartPolicy::OnFailure(Some(2)))
        );
        assert_eq!(RestartPolicy::parse("always"), Some(RestartPolicy::Always));
        assert_eq!(RestartPolicy::parse("sometimes"), None);
        let p = RestartPolicy::OnFailure(Some(2));
        assert!(p.should_restart(1, 0, false));
        assert!(p.should_restart(1, 1, false));
        assert!(!p.should_restart(1, 2, false));
        assert!(!p.should_restart(0, 0, false));
        assert!(!RestartPolicy::Always.should_restart(1, 0, true));
        assert!(opts(&["--rm", "--restart", "always", "i"]).is_err());
        assert!(opts(&["--restart", "bogus", "i"]).is_err());
    }

    #[test]
    fn extras() {
        let o = opts(&[
            "-l",
            "a=1",
            "--label",
            "b",
            "--ulimit",
            "nofile=100:200",
            "--shm-size",
            "1m",
            "--sysctl",
            "net.ipv4.ip_forward=1",
            "--group-add",
            "extra",
            "--tz",
            "UTC",
            "i",
        ])
        .unwrap();
        assert_eq!(o.extras.labels.get("a").map(String::as_str), Some("1"));
        assert_eq!(o.extras.labels.get("b").map(String::as_str), Some(""));
        assert_eq!(o.extras.ulimits, vec![("nofile".to_string(), 100, 200)]);
        assert_eq!(o.extras.shm_size, Some(1 << 20));
        assert_eq!(o.extras.sysctls.len(), 1);
        assert!(opts(&["--sysctl", "kernel.panic=1", "i"]).is_err());
        assert!(opts(&["--ulimit", "nofile=300:200", "i"]).is_err());
        assert!(opts(&["--ulimit", "bogus=1", "i"]).is_err());
        assert!(opts(&["--shm-size", "lots", "i"]).is_err());
        assert!(opts(&["--tz", "../etc/passwd", "i"]).is_err());
        assert!(opts(&["--device", "/etc/passwd", "i"]).is_err());
        assert_eq!(
            opts(&["--device", "/dev/null:/dev/mynull", "i"])
                .unwrap()
                .extras
                .devices[0]
                .1,
            "/dev/mynull"
        );
        assert_eq!(parse_size("64m"), Some(64 << 20));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("512"), Some(512));
    }

    #[test]
    fn durations_and_health_flags() {
        assert_eq!(
            parse_duration("1m30s"),
            Some(std::time::Duration::from_secs(90))
        );
        assert_eq!(
            parse_duration("500ms"),
            Some(std::time::Duration::from_millis(500))
        );
        assert_eq!(parse_duration("5"), None);
        let o = opts(&[
            "--health-cmd",
            "true",
            "--health-interval",
            "1s",
            "--health-on-failure",
            "kill",
            "i",
        ])
        .unwrap();
        assert_eq!(
            o.extras.health.interval,
            Some(std::time::Duration::from_secs(1))
        );
        assert!(opts(&["--health-interval", "soon", "i"]).is_err());
        assert!(opts(&["--health-on-failure", "explode", "i"]).is_err());
    }

    #[test]
    fn signals() {
        assert_eq!(parse_signal("TERM"), Some(15));
        assert_eq!(parse_signal("sigkill"), Some(9));
        assert_eq!(parse_signal("10"), Some(10));
        assert_eq!(parse_signal("NOPE"), None);
        assert!(opts(&["--stop-signal", "NOPE", "i"]).is_err());
        assert!(matches!(
            opts(&["--stop-signal", "99", "i"]),
            Err(OptionsError::SignalRange)
        ));
    }

    #[test]
    fn entrypoint_forms() {
        assert_eq!(
            opts(&["--entrypoint", "/bin/sh", "i"])
                .unwrap()
                .entrypoint
                .unwrap(),
            ["/bin/sh"]
        );
        assert_eq!(
            opts(&["--entrypoint", r#"["/bin/sh","-c"]"#, "i"])
                .unwrap()
                .entrypoint
                .unwrap(),
            ["/bin/sh", "-c"]
        );
        assert_eq!(
            opts(&["--entrypoint", "", "i"])
                .unwrap()
                .entrypoint
                .unwrap(),
            Vec::<String>::new()
        );
    }
}
