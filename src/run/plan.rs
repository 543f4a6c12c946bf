//! The Plan: everything the container init will do, as pure data built before any fork.
//! Unit tests check it; `spawn` and `init` only carry it out.

use std::path::PathBuf;

use super::caps::CapPlan;
use crate::spec::{IpcMode, NetworkMode, RunOptions, UserSpec, UsernsMode};

/// PATH when the image sets none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Host device nodes bound into the container's /dev.
pub const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];

/// /dev symlinks: (link, target).
pub const DEV_SYMLINKS: [(&str, &str); 6] = [
    ("/dev/fd", "/proc/self/fd"),
    ("/dev/stdin", "/proc/self/fd/0"),
    ("/dev/stdout", "/proc/self/fd/1"),
    ("/dev/stderr", "/proc/self/fd/2"),
    ("/dev/ptmx", "pts/ptmx"),
    ("/dev/core", "/proc/kcore"),
];

/// The file in the container's /etc directory that is bound at /run/.containerenv.
pub const CONTAINERENV: &str = "containerenv";

/// What is mounted at a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountKind {
    Proc,
    /// The /dev tmpfs.
    DevTmpfs,
    Devpts,
    Mqueue,
    /// A new sysfs (needs our own network namespace).
    Sysfs,
    /// tmpfs with this data string and extra flags.
    Tmpfs {
        data: String,
        flags: MountFlags,
    },
    /// A bind mount of a host path (recursive).
    Bind {
        source: PathBuf,
    },
}

/// The subset of mount flags the plan uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MountFlags {
    pub nosuid: bool,
    pub nodev: bool,
    pub noexec: bool,
}

impl MountFlags {
    pub const ALL: MountFlags = MountFlags {
        nosuid: true,
        nodev: true,
        noexec: true,
    };
}

/// One mount inside the rootfs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Absolute path inside the container.
    pub target: String,
    /// Remounted read-only after pivot_root.
    pub readonly: bool,
    /// The mount point is a file (binds of files).
    pub file: bool,
}

/// The container's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    /// A missing `cwd` is created (the image's WORKDIR); a `--workdir` must exist, as in
    /// podman.
    pub create_cwd: bool,
    pub user: Option<UserSpec>,
    pub terminal: bool,
    pub stdin: bool,
    pub no_new_privs: bool,
    pub caps: CapPlan,
    pub init: bool,
    /// (resource, soft, hard) for setrlimit before exec.
    pub rlimits: Vec<(String, u64, u64)>,
    /// A pod's infra: instead of `execve`, C becomes berth's pause (it holds the pod's
    /// namespaces and waits for a signal; see `run::init::pause`).
    pub pause: bool,
    /// `--group-add`: names (looked up in the container's /etc/group) or gids.
    pub extra_groups: Vec<String>,
}

/// Everything C does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub hostname: String,
    /// C gets a network namespace of its own (`none`, pasta, slirp4netns).
    pub new_net: bool,
    /// C is cloned into another container's network namespace (`container:`), which S
    /// enters first.
    pub join_net: bool,
    pub keep_id: bool,
    /// `--ipc`: C gets a namespace of its own unless it is the host's or another's.
    pub ipc: IpcMode,
    /// `--uts`: C gets a namespace of its own (and sets its hostname) unless it is the
    /// host's or another container's (a pod member's is the infra's), which S enters first.
    pub uts: crate::spec::UtsMode,
    pub mounts: Vec<Mount>,
    pub masked: Vec<String>,
    pub readonly_paths: Vec<String>,
    pub readonly_rootfs: bool,
    /// Namespaced kernel parameters written under /proc/sys before it is made read-only.
    pub sysctls: Vec<(String, String)>,
    /// User mounts remounted with these restrictions after pivot_root (`-v …:noexec`).
    pub restricted: Vec<(String, MountFlags)>,
    pub process: Process,
}

/// The name (without tag) of the image of berth's own pause, which a pod's infra runs
/// unless `pod create --infra-image` names another.
pub const PAUSE_IMAGE_NAME: &str = "localhost/berth-pause:";

/// Why a plan cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("no command specified: the image has no Cmd or Entrypoint, give a command")]
    NoCommand,
}

/// The parts of an image config the plan needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageDefaults {
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
}

/// Inputs of the plan that are not options.
#[derive(Debug, Clone)]
pub struct PlanInput<'a> {
    pub opts: &'a RunOptions,
    pub image: &'a ImageDefaults,
    pub id: &'a str,
    /// Files generated in the container's directory: hosts, hostname, resolv.conf.
    pub etc_dir: PathBuf,
    pub host_hostname: String,
    pub supported_caps: &'a caps::CapsHashSet,
    /// The store's `volumes/` directory (`storage::volume::volumes_dir`).
    pub volumes_dir: PathBuf,
    /// Bind `etc_dir/containerenv` at /run/.containerenv (containers; not build steps).
    pub containerenv: bool,
}

/// Build the plan.
pub fn build(input: &PlanInput<'_>) -> Result<Plan, PlanError> {
    let opts = input.opts;
    let image = input.image;

    let args = process_args(opts, image)?;

    let hostname = match (&opts.hostname, &opts.network) {
        (Some(h), _) => h.clone(),
        (None, NetworkMode::Host) => input.host_hostname.clone(),
        (None, _) if opts.extras.uts == crate::spec::UtsMode::Host => input.host_hostname.clone(),
        (None, _) => input.id.chars().take(12).collect(),
    };

    let mut env: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: &str| {
        env.retain(|(key, _)| key != k);
        env.push((k.to_string(), v.to_string()));
    };
    // podman's defaults (PATH, TERM, container), then the image's, unless unset.
    if !opts.extras.unsetenv_all {
        set("PATH", DEFAULT_PATH);
        set("TERM", "xterm");
        set("container", "berth");
        for item in &image.env {
            if let Some((k, v)) = item.split_once('=') {
                set(k, v);
            }
        }
        env.retain(|(k, _)| !opts.extras.unsetenv.contains(k));
    }
    let mut set = |k: &str, v: &str| {
        env.retain(|(key, _)| key != k);
        env.push((k.to_string(), v.to_string()));
    };
    if let Some(tz) = opts.extras.tz.as_deref().filter(|t| *t != "local") {
        set("TZ", tz);
    }
    set("HOSTNAME", &hostname);
    for (k, v) in &opts.env {
        set(k, v);
    }

    let user = opts.user.clone().or_else(|| {
        image
            .user
            .as_deref()
            .filter(|u| !u.is_empty())
            .and_then(UserSpec::parse)
    });
    let cwd = opts
        .workdir
        .clone()
        .or_else(|| image.workdir.clone().filter(|w| w.starts_with('/')))
        .unwrap_or_else(|| "/".to_string());

    let new_net = opts.network.new_netns();
    // Another container's network: S enters it before cloning C. A new sysfs needs privilege
    // over that namespace, which a keep-id container (a nested user namespace) lacks.
    let joined_net = matches!(opts.network, NetworkMode::Container(_) | NetworkMode::Ns(_));
    let own_sysfs = new_net || (joined_net && opts.userns != UsernsMode::KeepId);
    let mut mounts = vec![
        mount(MountKind::Proc, "/proc"),
        mount(MountKind::DevTmpfs, "/dev"),
        mount(MountKind::Devpts, "/dev/pts"),
    ];
    let ipc = &opts.extras.ipc;
    match ipc {
        // The host's IPC namespace: its /dev/shm and queues (a new mqueue mount would need
        // privilege over the host's namespace).
        IpcMode::Host => {
            for target in ["/dev/shm", "/dev/mqueue"] {
                mounts.push(mount(
                    MountKind::Bind {
                        source: PathBuf::from(target),
                    },
                    target,
                ));
            }
        }
        // podman's `none`: a namespace of its own, and no /dev/shm.
        IpcMode::None => mounts.push(mount(MountKind::Mqueue, "/dev/mqueue")),
        // Another container's namespace (S joins it) still has a /dev/shm of its own: the
        // other's is in a mount namespace that cannot be bound from here.
        IpcMode::Shareable | IpcMode::Private | IpcMode::Container(_) => {
            mounts.push(mount(
                MountKind::Tmpfs {
                    data: format!(
                        "mode=1777,size={}k",
                        opts.extras.shm_size.map_or(65536, |b| b.div_ceil(1024))
                    ),
                    flags: MountFlags::ALL,
                },
                "/dev/shm",
            ));
            mounts.push(mount(MountKind::Mqueue, "/dev/mqueue"));
        }
    }
    let sys_readonly = !opts.privileged;
    mounts.push(Mount {
        kind: if own_sysfs {
            MountKind::Sysfs
        } else {
            MountKind::Bind {
                source: PathBuf::from("/sys"),
            }
        },
        target: "/sys".into(),
        readonly: sys_readonly,
        file: false,
    });
    if opts.read_only && opts.read_only_tmpfs {
        for target in ["/run", "/tmp", "/var/tmp"] {
            mounts.push(mount(
                MountKind::Tmpfs {
                    data: "mode=1777".into(),
                    flags: MountFlags {
                        nosuid: true,
                        nodev: true,
                        noexec: false,
                    },
                },
                target,
            ));
        }
    }
    for (host, target) in &opts.extras.devices {
        mounts.push(Mount {
            kind: MountKind::Bind {
                source: host.clone(),
            },
            target: target.clone(),
            readonly: false,
            file: true,
        });
    }
    if let Some(tz) = &opts.extras.tz {
        let source = if tz == "local" {
            PathBuf::from("/etc/localtime")
        } else {
            PathBuf::from("/usr/share/zoneinfo").join(tz)
        };
        mounts.push(Mount {
            kind: MountKind::Bind { source },
            target: "/etc/localtime".into(),
            readonly: true,
            file: true,
        });
    }
    for name in ["hosts", "hostname", "resolv.conf"] {
        // A user's own bind of the same file wins.
        let target = format!("/etc/{name}");
        if opts.volumes.iter().any(|v| v.target == target)
            || opts.named_volumes.iter().any(|v| v.target == target)
        {
            continue;
        }
        mounts.push(Mount {
            kind: MountKind::Bind {
                source: input.etc_dir.join(name),
            },
            target,
            readonly: false,
            file: true,
        });
    }
    if input.containerenv {
        mounts.push(Mount {
            kind: MountKind::Bind {
                source: input.etc_dir.join(CONTAINERENV),
            },
            target: "/run/.containerenv".into(),
            readonly: false,
            file: true,
        });
    }
    let mut user_mounts = Vec::new();
    let restricted: Vec<(String, MountFlags)> = opts
        .volumes
        .iter()
        .map(|v| (&v.target, v.restrict))
        .chain(opts.named_volumes.iter().map(|v| (&v.target, v.restrict)))
        .filter(|(_, r)| !r.is_none())
        .map(|(t, r)| {
            let flags = MountFlags {
                nosuid: r.nosuid,
                nodev: r.nodev,
                noexec: r.noexec,
            };
            (t.clone(), flags)
        })
        .collect();
    for v in &opts.volumes {
        user_mounts.push(Mount {
            kind: MountKind::Bind {
                source: v.source.clone(),
            },
            target: v.target.clone(),
            readonly: v.readonly,
            file: !v.source.is_dir(),
        });
    }
    for v in &opts.named_volumes {
        use crate::storage::volume::{kind_in, VolumeKind};
        let kind = match kind_in(&input.volumes_dir, &v.name) {
            VolumeKind::Dir { .. } => MountKind::Bind {
                source: crate::storage::volume::data_dir(&input.volumes_dir, &v.name),
            },
            VolumeKind::Bind(source) => MountKind::Bind { source },
            VolumeKind::Tmpfs(data) => {
                let parts: Vec<String> = data
                    .split(',')
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect();
                let (data, flags, _) = tmpfs_options(&parts);
                MountKind::Tmpfs { data, flags }
            }
        };
        user_mounts.push(Mount {
            kind,
            target: v.target.clone(),
            readonly: v.readonly,
            file: false,
        });
    }
    for t in &opts.tmpfs {
        let (data, flags, readonly) = tmpfs_options(&t.options);
        user_mounts.push(Mount {
            kind: MountKind::Tmpfs { data, flags },
            target: t.target.clone(),
            readonly,
            file: false,
        });
    }
    // A mount inside another one's target goes after it (`/data` before `/data/logs`).
    user_mounts.sort_by_key(|m| m.target.split('/').filter(|c| !c.is_empty()).count());
    mounts.extend(user_mounts);

    let (masked, readonly_paths) = super::masks::plan(
        opts.privileged,
        &opts.mask,
        &opts.unmask,
        &super::masks::host_cpus_with_throttle(),
    );

    Ok(Plan {
        hostname,
        new_net,
        join_net: joined_net,
        keep_id: opts.userns == UsernsMode::KeepId,
        ipc: ipc.clone(),
        uts: opts.extras.uts.clone(),
        mounts,
        masked,
        readonly_paths,
        readonly_rootfs: opts.read_only,
        process: Process {
            args,
            env,
            cwd,
            create_cwd: opts.workdir.is_none(),
            user,
            terminal: opts.tty,
            stdin: opts.interactive,
            no_new_privs: opts.no_new_privs,
            caps: super::caps::plan(opts, input.supported_caps),
            init: opts.init,
            rlimits: opts.extras.ulimits.clone(),
            pause: opts.extras.infra && opts.image.starts_with(PAUSE_IMAGE_NAME),
            extra_groups: opts.extras.group_add.clone(),
        },
        sysctls: opts.extras.sysctls.clone(),
        restricted,
    })
}

/// The container's argv: entrypoint and command as docker combines them (an overridden
/// entrypoint also drops the image's Cmd).
pub fn process_args(opts: &RunOptions, image: &ImageDefaults) -> Result<Vec<String>, PlanError> {
    let (entrypoint, cmd) = match (&opts.entrypoint, &opts.command) {
        (Some(ep), Some(cmd)) => (ep.clone(), cmd.clone()),
        (Some(ep), None) => (ep.clone(), Vec::new()),
        (None, Some(cmd)) => (image.entrypoint.clone(), cmd.clone()),
        (None, None) => (image.entrypoint.clone(), image.cmd.clone()),
    };
    let args: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
    if args.is_empty() {
        return Err(PlanError::NoCommand);
    }
    Ok(args)
}

fn mount(kind: MountKind, target: &str) -> Mount {
    Mount {
        kind,
        target: target.to_string(),
        readonly: false,
        file: false,
    }
}

/// Split `--tmpfs` options into mount data, flags and read-only; podman's defaults are
/// rw,noexec,nosuid,nodev.
fn tmpfs_options(options: &[String]) -> (String, MountFlags, bool) {
    let mut flags = MountFlags::ALL;
    let mut readonly = false;
    let mut data = Vec::new();
    for o in options {
        match o.as_str() {
            "ro" => readonly = true,
            "rw" => readonly = false,
            "exec" => flags.noexec = false,
            "noexec" => flags.noexec = true,
            "suid" => flags.nosuid = false,
            "nosuid" => flags.nosuid = true,
            "dev" => flags.nodev = false,
            "nodev" => flags.nodev = true,
            other => data.push(other.to_string()),
        }
    }
    (data.join(","), flags, readonly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::run::RunArgs;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        run: RunArgs,
    }

    fn opts(argv: &[&str]) -> RunOptions {
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        RunOptions::from_args(T::try_parse_from(full).unwrap().run, |_| None).unwrap()
    }

    fn image() -> ImageDefaults {
        ImageDefaults {
            entrypoint: vec![],
            cmd: vec!["/bin/sh".into()],
            env: vec!["PATH=/bin".into(), "A=image".into()],
            workdir: Some("/srv".into()),
            user: Some("tester".into()),
        }
    }

    fn plan_for(argv: &[&str], image: &ImageDefaults) -> Result<Plan, PlanError> {
        let o = opts(argv);
        let caps: caps::CapsHashSet = caps::all().into_iter().collect();
        build(&PlanInput {
            opts: &o,
            image,
            id: "0123456789abcdef0123",
            etc_dir: PathBuf::from("/c"),
            host_hostname: "hosty".into(),
            supported_caps: &caps,
            volumes_dir: PathBuf::from("/store/volumes"),
            containerenv: false,
        })
    }

    fn env<'a>(p: &'a Plan, k: &str) -> Option<&'a str> {
        p.process
            .env
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn image_defaults_apply() {
        let p = plan_for(&["img"], &image()).unwrap();
        assert_eq!(p.process.args, ["/bin/sh"]);
        assert_eq!(p.process.cwd, "/srv");
        assert_eq!(p.process.user.as_ref().unwrap().user, "tester");
        assert_eq!(p.hostname, "0123456789ab");
        assert_eq!(env(&p, "PATH"), Some("/bin"));
        assert_eq!(env(&p, "HOSTNAME"), Some("0123456789ab"));
        assert!(p.new_net);
    }

    #[test]
    fn overrides_win() {
        let p = plan_for(
            &[
                "-e", "A=cli", "-w", "/x", "-u", "0", "-h", "box", "-t", "img", "echo", "hi",
            ],
            &image(),
        )
        .unwrap();
        assert_eq!(p.process.args, ["echo", "hi"]);
        assert_eq!(env(&p, "A"), Some("cli"));
        assert_eq!(env(&p, "TERM"), Some("xterm"));
        assert_eq!(p.process.cwd, "/x");
        assert!(!p.process.create_cwd, "a --workdir must exist");
        assert_eq!(p.hostname, "box");
    }

    #[test]
    fn default_env_as_podman_and_unsetenv() {
        let p = plan_for(&["img"], &image()).unwrap();
        assert_eq!(env(&p, "TERM"), Some("xterm"), "TERM without a tty too");
        assert_eq!(env(&p, "container"), Some("berth"));
        assert!(p.process.create_cwd, "the image's WORKDIR is created");
        let p = plan_for(&["--unsetenv", "TERM", "--unsetenv", "A", "img"], &image()).unwrap();
        assert_eq!(env(&p, "TERM"), None);
        assert_eq!(env(&p, "A"), None);
        assert_eq!(env(&p, "PATH"), Some("/bin"));
        let p = plan_for(&["--unsetenv-all", "-e", "TERM=abc", "img"], &image()).unwrap();
        for k in ["PATH", "container", "A"] {
            assert_eq!(env(&p, k), None, "{k}");
        }
        assert_eq!(env(&p, "TERM"), Some("abc"));
    }

    #[test]
    fn ipc_modes_choose_dev_shm() {
        let target = |p: &Plan, t: &str| p.mounts.iter().find(|m| m.target == t).cloned();
        let p = plan_for(&["img"], &image()).unwrap();
        assert!(matches!(
            target(&p, "/dev/shm").unwrap().kind,
            MountKind::Tmpfs { .. }
        ));
        assert_eq!(p.ipc, IpcMode::Shareable);
        let p = plan_for(&["--ipc", "none", "img"], &image()).unwrap();
        assert!(target(&p, "/dev/shm").is_none());
        assert_eq!(target(&p, "/dev/mqueue").unwrap().kind, MountKind::Mqueue);
        let p = plan_for(&["--ipc", "host", "img"], &image()).unwrap();
        for t in ["/dev/shm", "/dev/mqueue"] {
            assert_eq!(
                target(&p, t).unwrap().kind,
                MountKind::Bind {
                    source: PathBuf::from(t)
                }
            );
        }
        assert!(!p.ipc.new_ns());
    }

    #[test]
    fn containerenv_is_bound_for_containers() {
        let p = plan_for(&["img"], &image()).unwrap();
        assert!(p.mounts.iter().all(|m| m.target != "/run/.containerenv"));
        let o = opts(&["img"]);
        let caps: caps::CapsHashSet = caps::all().into_iter().collect();
        let p = build(&PlanInput {
            opts: &o,
            image: &image(),
            id: "0123456789abcdef",
            etc_dir: PathBuf::from("/etcdir"),
            host_hostname: "host".into(),
            supported_caps: &caps,
            volumes_dir: PathBuf::from("/v"),
            containerenv: true,
        })
        .unwrap();
        let m = p
            .mounts
            .iter()
            .find(|m| m.target == "/run/.containerenv")
            .unwrap();
        assert_eq!(
            m.kind,
            MountKind::Bind {
                source: PathBuf::from("/etcdir/containerenv")
            }
        );
        assert!(m.file);
    }

    #[test]
    fn entrypoint_override_drops_image_cmd() {
        let mut img = image();
        img.entrypoint = vec!["/entry".into()];
        assert_eq!(
            plan_for(&["img"], &img).unwrap().process.args,
            ["/entry", "/bin/sh"]
        );
        assert_eq!(
            plan_for(&["--entrypoint", "/other", "img"], &img)
                .unwrap()
                .process
                .args,
            ["/other"]
        );
        assert_eq!(
            plan_for(&["--entrypoint", "", "img"], &ImageDefaults::default()),
            Err(PlanError::NoCommand)
        );
    }

    #[test]
    fn mounts_in_order_with_defaults_paths() {
        let p = plan_for(&["--tmpfs", "/scratch:size=1m,exec,ro", "img"], &image()).unwrap();
        let targets: Vec<&str> = p.mounts.iter().map(|m| m.target.as_str()).collect();
        assert_eq!(
            &targets[..6],
            [
                "/proc",
                "/dev",
                "/dev/pts",
                "/dev/shm",
                "/dev/mqueue",
                "/sys"
            ]
        );
        let t = p.mounts.iter().find(|m| m.target == "/scratch").unwrap();
        assert!(t.readonly);
        assert_eq!(
            t.kind,
            MountKind::Tmpfs {
                data: "size=1m".into(),
                flags: MountFlags {
                    nosuid: true,
                    nodev: true,
                    noexec: false
                }
            }
        );
        assert!(p.masked.contains(&"/proc/kcore".to_string()));
        assert!(p.readonly_paths.contains(&"/proc/sys".to_string()));
    }

    #[test]
    fn volumes_bind_their_data_and_nest_in_order() {
        let p = plan_for(
            &[
                "-v",
                "logs:/data/logs:ro",
                "--mount",
                "type=tmpfs,target=/data/logs/tmp",
                "-v",
                "data:/data",
                "img",
            ],
            &image(),
        )
        .unwrap();
        let user: Vec<&Mount> = p
            .mounts
            .iter()
            .skip_while(|m| m.target != "/data")
            .collect();
        let targets: Vec<&str> = user.iter().map(|m| m.target.as_str()).collect();
        assert_eq!(targets, ["/data", "/data/logs", "/data/logs/tmp"]);
        assert_eq!(
            user[0].kind,
            MountKind::Bind {
                source: PathBuf::from("/store/volumes/data/_data")
            }
        );
        assert!(user[1].readonly && !user[0].readonly && !user[0].file);
    }

    #[test]
    fn security_opt_mask_and_unmask() {
        let p = plan_for(&["img"], &image()).unwrap();
        assert!(p.masked.contains(&"/proc/interrupts".to_string()));
        let p = plan_for(
            &[
                "--security-opt",
                "unmask=/proc/interrupts:/proc/sys",
                "--security-opt",
                "mask=/etc/hidden:/srv/x",
                "img",
            ],
            &image(),
        )
        .unwrap();
        assert!(!p.masked.contains(&"/proc/interrupts".to_string()));
        assert!(p.masked.contains(&"/proc/kcore".to_string()));
        assert!(p
            .masked
            .ends_with(&["/etc/hidden".to_string(), "/srv/x".to_string()]));
        assert!(!p.readonly_paths.contains(&"/proc/sys".to_string()));
        assert!(p.readonly_paths.contains(&"/proc/bus".to_string()));
        let p = plan_for(&["--security-opt", "unmask=ALL", "img"], &image()).unwrap();
        assert!(p.masked.is_empty() && p.readonly_paths.is_empty());
        // --privileged lifts the defaults, not what mask= adds.
        let p = plan_for(
            &["--privileged", "--security-opt", "mask=/x", "img"],
            &image(),
        )
        .unwrap();
        assert_eq!(p.masked, ["/x"]);
        let parse = |opt: &str| {
            let full = ["t", "--security-opt", opt, "img"];
            RunOptions::from_args(T::try_parse_from(full).unwrap().run, |_| None)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            parse("mask=proc"),
            "invalid --security-opt `mask=proc`: `proc` is not an absolute path"
        );
        assert!(parse("unmask=").contains("no path given"));
        assert!(parse("bogus=1").contains("mask=PATH"));
    }

    #[test]
    fn records_without_mask_fields_still_read() {
        let o = opts(&["img"]);
        let mut json = serde_json::to_value(&o).unwrap();
        assert!(json.get("mask").is_none() && json.get("unmask").is_none());
        json.as_object_mut().unwrap().remove("mask");
        let back: RunOptions = serde_json::from_value(json).unwrap();
        assert_eq!(back, o);
        let o = opts(&["--security-opt", "unmask=/proc/*", "img"]);
        let back: RunOptions = serde_json::from_value(serde_json::to_value(&o).unwrap()).unwrap();
        assert_eq!(back.unmask, ["/proc/*"]);
    }

    #[test]
    fn privileged_and_host_network() {
        let p = plan_for(&["--privileged", "--network", "host", "img"], &image()).unwrap();
        assert!(p.masked.is_empty() && p.readonly_paths.is_empty());
        assert_eq!(p.hostname, "hosty");
        assert!(!p.new_net);
        let sys = p.mounts.iter().find(|m| m.target == "/sys").unwrap();
        assert!(matches!(sys.kind, MountKind::Bind { .. }));
    }

    #[test]
    fn read_only_gets_tmpfs_dirs() {
        let p = plan_for(&["--read-only", "img"], &image()).unwrap();
        assert!(p.readonly_rootfs);
        assert!(p.mounts.iter().any(|m| m.target == "/tmp"));
        let p = plan_for(&["--read-only", "--read-only-tmpfs=false", "img"], &image()).unwrap();
        assert!(!p.mounts.iter().any(|m| m.target == "/tmp"));
    }
}
