//! `berth pod` arguments, as podman spells them.

use clap::{Args, Subcommand};

/// Arguments of `berth pod`.
#[derive(Debug, Clone, Args)]
pub struct PodArgs {
    #[command(subcommand)]
    pub command: PodCommand,
}

/// The `pod` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum PodCommand {
    /// Create a pod: an infra container holding namespaces its members share
    Create(Box<PodCreateArgs>),
    /// List pods
    #[command(visible_alias = "ls", visible_alias = "list")]
    Ps(PodPsArgs),
    /// Show pods' details as JSON
    Inspect(PodInspectArgs),
    /// Start pods (the infra first, then every member)
    Start(PodTargets),
    /// Stop pods (every member, then the infra)
    Stop(PodStopArgs),
    /// Restart pods
    Restart(PodTargets),
    /// Send a signal to the running containers of pods
    Kill(PodKillArgs),
    /// Pause pods: freeze their containers (the cgroup freezer)
    Pause(PodTargets),
    /// Unpause pods
    Unpause(PodTargets),
    /// Remove pods and their containers
    Rm(PodRmArgs),
    /// Remove every stopped pod
    Prune(PodPruneArgs),
    /// Show the processes of a pod's running containers
    Top(PodTopArgs),
    /// Show resource use of pods (not supported yet: `berth stats` shows each container)
    Stats(PodTargets),
    /// Exit 0 when a pod exists, 1 when it does not
    Exists(PodExistsArgs),
    /// Show the logs of a pod's containers
    Logs(PodLogsArgs),
}

/// Arguments of `berth pod create`.
#[derive(Debug, Clone, Args)]
pub struct PodCreateArgs {
    /// The pod's name (generated when omitted)
    #[arg(short, long, value_name = "NAME")]
    pub name: Option<String>,
    /// Publish a port of the pod: [[IP:]HOSTPORT:]PORT[/PROTOCOL]
    #[arg(short, long = "publish", value_name = "PORT")]
    pub publish: Vec<String>,
    /// The pod's network mode (as `run --network`)
    #[arg(long, value_name = "MODE")]
    pub network: Vec<String>,
    /// Namespaces the members share with the infra: net, ipc, uts (the default: all three)
    #[arg(long, value_name = "NAMESPACES")]
    pub share: Option<String>,
    /// Create an infra container (the default); --infra=false shares no namespaces
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub infra: Option<bool>,
    /// The infra container's command (with --infra-image)
    #[arg(long, value_name = "COMMAND")]
    pub infra_command: Option<String>,
    /// An image for the infra container (default: berth's own pause, no image pull)
    #[arg(long, value_name = "IMAGE")]
    pub infra_image: Option<String>,
    /// The infra container's name (default: the first 12 digits of the pod id, then -infra)
    #[arg(long, value_name = "NAME")]
    pub infra_name: Option<String>,
    /// The members' hostname (default: the pod's name)
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Set a label: KEY=VALUE
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// A volume for the infra container (as `run -v`)
    #[arg(short, long = "volume", value_name = "VOLUME")]
    pub volume: Vec<String>,
    /// Add a line to the pod's /etc/hosts: HOST:IP
    #[arg(long = "add-host", value_name = "HOST:IP")]
    pub add_host: Vec<String>,
    /// A DNS server for the pod
    #[arg(long, value_name = "IP")]
    pub dns: Vec<String>,
    /// A DNS search domain for the pod
    #[arg(long = "dns-search", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,
    /// A DNS option for the pod
    #[arg(long = "dns-option", value_name = "OPTION")]
    pub dns_option: Vec<String>,
    /// The pod's user namespace (as `run --userns`)
    #[arg(long, value_name = "MODE")]
    pub userns: Option<String>,
    /// What happens when the last member exits: continue (the default) or stop
    #[arg(long, value_name = "POLICY")]
    pub exit_policy: Option<String>,
    /// Remove an existing pod of the same name first
    #[arg(long)]
    pub replace: bool,
    /// Write the pod's id to this file
    #[arg(long, value_name = "FILE")]
    pub pod_id_file: Option<std::path::PathBuf>,
    /// The pod's name (podman also takes it as an argument)
    #[arg(value_name = "NAME")]
    pub pod_name: Option<String>,
}

/// Arguments of `berth pod ps`.
#[derive(Debug, Clone, Args)]
pub struct PodPsArgs {
    /// Print only the pod ids
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not truncate ids
    #[arg(long)]
    pub no_trunc: bool,
    /// Filter: id, name, label, status, ctr-names, ctr-ids, ctr-status, ctr-number
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Output format: `json`, `table`, or a template such as `{{.Name}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Show the names of the containers
    #[arg(long)]
    pub ctr_names: bool,
    /// Show the ids of the containers
    #[arg(long)]
    pub ctr_ids: bool,
    /// Show the statuses of the containers
    #[arg(long)]
    pub ctr_status: bool,
    /// Show the newest pod only
    #[arg(short, long)]
    pub latest: bool,
    /// Do not print the heading
    #[arg(long)]
    pub noheading: bool,
    /// Sort by: created (the default), id, name, number, status
    #[arg(long, value_name = "KEY")]
    pub sort: Option<String>,
}

/// Pods named on the command line (or `--all`/`--latest`).
#[derive(Debug, Clone, Args)]
pub struct PodTargets {
    /// Every pod
    #[arg(short, long)]
    pub all: bool,
    /// The newest pod
    #[arg(short, long)]
    pub latest: bool,
    /// Pods (names or ids)
    #[arg(value_name = "POD")]
    pub pods: Vec<String>,
}

/// Arguments of `berth pod stop`.
#[derive(Debug, Clone, Args)]
pub struct PodStopArgs {
    #[command(flatten)]
    pub targets: PodTargets,
    /// Seconds to wait before killing the containers
    #[arg(
        short = 't',
        long = "time",
        visible_alias = "timeout",
        value_name = "SECONDS"
    )]
    pub time: Option<u32>,
    /// Do not fail on a pod that does not exist
    #[arg(short, long)]
    pub ignore: bool,
}

/// Arguments of `berth pod kill`.
#[derive(Debug, Clone, Args)]
pub struct PodKillArgs {
    #[command(flatten)]
    pub targets: PodTargets,
    /// The signal to send (default KILL)
    #[arg(
        short,
        long,
        value_name = "SIGNAL",
        default_value = "KILL",
        allow_hyphen_values = true
    )]
    pub signal: String,
}

/// Arguments of `berth pod rm`.
#[derive(Debug, Clone, Args)]
pub struct PodRmArgs {
    #[command(flatten)]
    pub targets: PodTargets,
    /// Stop running containers first
    #[arg(short, long)]
    pub force: bool,
    /// Do not fail on a pod that does not exist
    #[arg(short, long)]
    pub ignore: bool,
    /// Seconds to wait before killing running containers (with --force)
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u32>,
    /// Read pod ids from these files
    #[arg(long = "pod-id-file", value_name = "FILE")]
    pub pod_id_file: Vec<std::path::PathBuf>,
}

/// Arguments of `berth pod prune`.
#[derive(Debug, Clone, Args)]
pub struct PodPruneArgs {
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// Arguments of `berth pod top`.
#[derive(Debug, Clone, Args)]
pub struct PodTopArgs {
    /// The pod (name or id)
    #[arg(value_name = "POD", required = true)]
    pub pod: String,
    /// ps(1) fields (as `berth top`)
    #[arg(value_name = "DESCRIPTORS", trailing_var_arg = true)]
    pub descriptors: Vec<String>,
}

/// Arguments of `berth pod inspect`.
#[derive(Debug, Clone, Args)]
pub struct PodInspectArgs {
    /// Output format: `json` or a template such as `{{.Name}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The newest pod
    #[arg(short, long)]
    pub latest: bool,
    /// Pods (names or ids)
    #[arg(value_name = "POD")]
    pub pods: Vec<String>,
}

/// Arguments of `berth pod exists`.
#[derive(Debug, Clone, Args)]
pub struct PodExistsArgs {
    /// The pod (name or id)
    #[arg(value_name = "POD")]
    pub pod: String,
}

/// Arguments of `berth pod logs`.
#[derive(Debug, Clone, Args)]
pub struct PodLogsArgs {
    /// Only this member's logs
    #[arg(short, long, value_name = "CONTAINER")]
    pub container: Option<String>,
    /// Prefix each line with its container's name
    #[arg(long)]
    pub names: bool,
    /// Prefix each line with its time
    #[arg(short, long)]
    pub timestamps: bool,
    /// Only the last N lines of each container
    #[arg(long, value_name = "N")]
    pub tail: Option<String>,
    /// The pod (name or id)
    #[arg(value_name = "POD", required = true)]
    pub pod: String,
}
