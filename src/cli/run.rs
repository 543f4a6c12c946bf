//! `berth run` arguments, as podman spells them.

use std::path::PathBuf;

use clap::{ArgAction, Args};

/// Arguments of `berth run`.
#[derive(Debug, Clone, Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// Print help
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,

    /// Run in the background and print the container id
    #[arg(short, long)]
    pub detach: bool,

    /// Restart policy: no, on-failure[:N], always, unless-stopped
    #[arg(long, value_name = "POLICY")]
    pub restart: Option<String>,

    /// Signal that stops the container (default: the image's StopSignal, else SIGTERM)
    #[arg(long, value_name = "SIGNAL")]
    pub stop_signal: Option<String>,

    /// Seconds `stop` waits before it kills the container (default 10)
    #[arg(long, value_name = "SECONDS")]
    pub stop_timeout: Option<u32>,

    /// Assign a name to the container
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Keep stdin open
    #[arg(short, long)]
    pub interactive: bool,

    /// Allocate a pseudo-terminal
    #[arg(short, long)]
    pub tty: bool,

    /// Set an environment variable (KEY=VALUE, or KEY to take it from the host)
    #[arg(short, long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Read environment variables from a file
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,

    /// Working directory inside the container (created if missing)
    #[arg(short, long, value_name = "DIR")]
    pub workdir: Option<String>,

    /// Run as user: name or uid, with an optional :group or :gid
    #[arg(short, long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,

    /// Override the image's entrypoint (a string, or a JSON array)
    #[arg(long, value_name = "CMD")]
    pub entrypoint: Option<String>,

    /// Set the container's hostname
    #[arg(short = 'h', long, value_name = "NAME")]
    pub hostname: Option<String>,

    /// Mount a host path or a named volume: [HOST-PATH|NAME:]CONTAINER[:OPTIONS] (options: ro, rw, U, z, Z, nocopy, [no]exec, [no]suid, [no]dev); a new named volume gets the image's content at CONTAINER
    #[arg(short, long = "volume", value_name = "[SOURCE:]CONTAINER[:OPTIONS]")]
    pub volume: Vec<String>,

    /// Mount the volumes and bind mounts of another container: CONTAINER[:ro|rw] (default: as
    /// it has them); this container's own -v and --mount win on the same path
    #[arg(long, value_name = "CONTAINER[:ro|rw]")]
    pub volumes_from: Vec<String>,

    /// Attach a mount: type=bind|volume|tmpfs,source=,target=[,readonly][,U][,tmpfs-size=][,tmpfs-mode=]
    #[arg(long, value_name = "type=TYPE,KEY=VALUE,...")]
    pub mount: Vec<String>,

    /// Mount a tmpfs: PATH[:OPTIONS]
    #[arg(long, value_name = "PATH[:OPTIONS]")]
    pub tmpfs: Vec<String>,

    /// What the image's VOLUME paths become: bind (an anonymous volume each, the default),
    /// tmpfs, or ignore
    #[arg(long, value_name = "MODE", value_parser = ["bind", "tmpfs", "ignore"])]
    pub image_volume: Option<String>,

    /// Make the container's root filesystem read-only
    #[arg(long)]
    pub read_only: bool,

    /// With --read-only, mount tmpfs on /dev, /dev/shm, /run, /tmp and /var/tmp
    #[arg(long, value_name = "BOOL", default_value = "true", action = ArgAction::Set)]
    pub read_only_tmpfs: bool,

    /// Run berth's reaping init as PID 1, with the command as its child
    #[arg(long)]
    pub init: bool,

    /// Give the container every capability and no seccomp filter, masked or read-only paths
    #[arg(long)]
    pub privileged: bool,

    /// Add a capability (e.g. NET_ADMIN, or ALL)
    #[arg(long = "cap-add", value_name = "CAP")]
    pub cap_add: Vec<String>,

    /// Drop a capability (e.g. CHOWN, or ALL)
    #[arg(long = "cap-drop", value_name = "CAP")]
    pub cap_drop: Vec<String>,

    /// Security options: no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json,
    /// mask=PATH[:PATH...], unmask=ALL|PATH[:PATH...]
    #[arg(long = "security-opt", value_name = "OPT")]
    pub security_opt: Vec<String>,

    /// User namespace mode: the default session mapping, or keep-id
    #[arg(long, value_name = "MODE")]
    pub userns: Option<String>,

    /// Network mode: pasta[:OPTIONS] (the default when installed), slirp4netns[:OPTIONS], private (the default helper), none, host, container:NAME|ID, ns:PATH, bridge (podman's default network), or user networks NAME[,NAME2] (made with `network create`); a user network may take options, NAME:alias=A,ip=ADDR,ip6=ADDR6,mac=MAC,interface_name=X, and --network may be repeated for more user networks
    #[arg(long, visible_alias = "net", value_name = "MODE")]
    pub network: Vec<String>,

    /// Publish container ports on the host: [[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL] (an empty host port picks a free one; ranges such as 8000-8010:80-90)
    #[arg(short = 'p', long = "publish", value_name = "PORTS")]
    pub publish: Vec<String>,

    /// Publish every exposed port (the image's EXPOSE and --expose) to a free host port
    #[arg(short = 'P', long)]
    pub publish_all: bool,

    /// Expose a port or range for --publish-all: PORT[/PROTOCOL]
    #[arg(long, value_name = "PORT")]
    pub expose: Vec<String>,

    /// Add a line to /etc/hosts: HOST:IP
    #[arg(long, value_name = "HOST:IP")]
    pub add_host: Vec<String>,

    /// DNS server for /etc/resolv.conf (none: no servers)
    #[arg(long, value_name = "IP")]
    pub dns: Vec<String>,

    /// DNS search domain for /etc/resolv.conf (. : none)
    #[arg(long, value_name = "DOMAIN")]
    pub dns_search: Vec<String>,

    /// DNS option for /etc/resolv.conf, such as ndots:2
    #[arg(long, visible_alias = "dns-opt", value_name = "OPTION")]
    pub dns_option: Vec<String>,

    /// Pass the host's proxy variables (http_proxy, https_proxy, ftp_proxy, no_proxy, and
    /// their upper-case forms) into the container
    #[arg(long, value_name = "BOOL", default_value = "true", action = ArgAction::Set)]
    pub http_proxy: bool,

    /// Another name for the container on its user networks (repeatable, or comma-separated)
    #[arg(
        long = "network-alias",
        visible_alias = "net-alias",
        value_name = "ALIAS",
        value_delimiter = ','
    )]
    pub network_alias: Vec<String>,

    /// A static IPv4 address on the container's (single) user network
    #[arg(long, value_name = "IPV4")]
    pub ip: Option<String>,

    /// A static IPv6 address on the container's (single) user network
    #[arg(long, value_name = "IPV6")]
    pub ip6: Option<String>,

    /// The MAC address of the container's interface on its (single) user network
    #[arg(long, value_name = "MAC")]
    pub mac_address: Option<String>,

    /// Where the container's output goes: k8s-file (json-file), none, passthrough
    #[arg(long, value_name = "DRIVER")]
    pub log_driver: Option<String>,

    /// Log driver options: max-size=SIZE
    #[arg(long, value_name = "OPT")]
    pub log_opt: Vec<String>,

    /// Healthcheck command (a shell string, a JSON exec array, or `none`)
    #[arg(long, value_name = "COMMAND")]
    pub health_cmd: Option<String>,

    /// Time between healthchecks (e.g. 30s)
    #[arg(long, value_name = "DURATION")]
    pub health_interval: Option<String>,

    /// Failures in a row before the container is unhealthy
    #[arg(long, value_name = "N")]
    pub health_retries: Option<u32>,

    /// Time after start during which failures do not count
    #[arg(long, value_name = "DURATION")]
    pub health_start_period: Option<String>,

    /// Time a healthcheck may take
    #[arg(long, value_name = "DURATION")]
    pub health_timeout: Option<String>,

    /// What to do when the container turns unhealthy: none, kill, restart, stop
    #[arg(long, value_name = "ACTION")]
    pub health_on_failure: Option<String>,

    /// Set a label on the container (KEY=VALUE)
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Set an annotation on the container (KEY=VALUE)
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,

    /// Key sequence that detaches from `run -it`, leaving the container running
    /// (default ctrl-p,ctrl-q; empty turns it off)
    #[arg(long, value_name = "KEYS")]
    pub detach_keys: Option<String>,

    /// Write the container id to this file
    #[arg(long, value_name = "FILE")]
    pub cidfile: Option<PathBuf>,

    /// Write the container's pid to this file while it runs
    #[arg(long, value_name = "FILE")]
    pub pidfile: Option<PathBuf>,

    /// Copy the host's environment into the container
    #[arg(long)]
    pub env_host: bool,

    /// The container's time zone: a zone name such as Europe/Paris, or `local` for the host's
    #[arg(long, value_name = "TIMEZONE")]
    pub tz: Option<String>,

    /// Resource limit: NAME=SOFT[:HARD] (e.g. nofile=1024:2048), or host
    #[arg(long, value_name = "NAME=SOFT[:HARD]")]
    pub ulimit: Vec<String>,

    /// Size of /dev/shm (e.g. 64m)
    #[arg(long, value_name = "SIZE")]
    pub shm_size: Option<String>,

    /// Set a namespaced kernel parameter (e.g. net.ipv4.ip_forward=1)
    #[arg(long, value_name = "KEY=VALUE")]
    pub sysctl: Vec<String>,

    /// Bind a host device into the container: HOST[:CONTAINER[:PERMISSIONS]]
    #[arg(long, value_name = "HOST[:CONTAINER]")]
    pub device: Vec<String>,

    /// Add a supplementary group (name or gid)
    #[arg(long = "group-add", value_name = "GROUP")]
    pub group_add: Vec<String>,

    /// IPC namespace: shareable (the default), private, none (no /dev/shm), host, or
    /// container:NAME|ID (a shareable one)
    #[arg(long, value_name = "MODE")]
    pub ipc: Option<String>,

    /// Do not set this variable of podman's defaults (PATH, TERM, container) or the image's
    #[arg(long, value_name = "NAME")]
    pub unsetenv: Vec<String>,

    /// Set none of podman's default variables or the image's (only -e and --env-file)
    #[arg(long)]
    pub unsetenv_all: bool,

    /// With --rm: remove the image once the container is gone, unless another container uses it
    #[arg(long)]
    pub rmi: bool,

    /// With --name: remove an existing container of that name first
    #[arg(long)]
    pub replace: bool,

    /// The cgroup flags and resource limits
    #[command(flatten)]
    pub cgroup: super::cgroup_options::CgroupArgs,

    /// Kernel memory limit: no longer supported by the kernel; ignored with a warning
    #[arg(long, value_name = "SIZE")]
    pub kernel_memory: Option<String>,

    /// Who tells systemd the service is ready: conmon (berth's monitor, once the container
    /// runs), container (the container, through NOTIFY_SOCKET), healthy (after the first
    /// passing healthcheck), ignore
    #[arg(long, value_name = "POLICY")]
    pub sdnotify: Option<String>,

    /// Run systemd as the container's init: true (when the command is systemd or init),
    /// false, always (not supported yet: only false runs such a command)
    #[arg(long, value_name = "MODE")]
    pub systemd: Option<String>,
    /// Run the container in this pod (made with `berth pod create`); new:NAME creates it
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,

    /// UTS namespace (hostname): private (the default), host, or container:NAME|ID
    #[arg(long, value_name = "MODE")]
    pub uts: Option<String>,

    /// This container is a pod's infra (set by `berth pod create`)
    #[arg(long = "pod-infra", hide = true)]
    pub pod_infra: bool,

    /// Pull the image: missing (default), always, never or newer
    #[arg(long, value_name = "POLICY", num_args = 0..=1, default_missing_value = "always")]
    pub pull: Option<String>,

    /// The image, then the command and its arguments
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = false,
        value_name = "IMAGE [COMMAND [ARG...]]"
    )]
    pub image_and_command: Vec<String>,
}
