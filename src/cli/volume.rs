//! `berth volume` arguments.

use clap::{Args, Subcommand};

/// Arguments of `berth volume`.
#[derive(Debug, Clone, Args)]
pub struct VolumeArgs {
    #[command(subcommand)]
    pub command: VolumeCommand,
}

/// The `volume` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume
    Create(VolumeCreateArgs),
    /// List volumes
    #[command(visible_alias = "list")]
    Ls(VolumeLsArgs),
    /// Show volumes' details as JSON
    Inspect(VolumeInspectArgs),
    /// Remove volumes
    #[command(visible_alias = "remove")]
    Rm(VolumeRmArgs),
    /// Remove every volume no container uses
    Prune(VolumePruneArgs),
    /// Exit 0 when a volume exists, 1 when it does not
    Exists(VolumeExistsArgs),
    /// Write a volume's content to a tar archive
    Export(VolumeExportArgs),
    /// Fill a volume from a tar archive
    Import(VolumeImportArgs),
    /// Mount a volume and print its path (refused rootless: berth has no mounts to keep)
    Mount(VolumeMountArgs),
    /// Unmount a volume (refused rootless, as `mount`)
    #[command(visible_alias = "umount")]
    Unmount(VolumeMountArgs),
}

/// Arguments of `berth volume export`.
#[derive(Debug, Clone, Args)]
pub struct VolumeExportArgs {
    /// Write the archive to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
    /// The volume
    #[arg(value_name = "VOLUME")]
    pub name: String,
}

/// Arguments of `berth volume import`.
#[derive(Debug, Clone, Args)]
pub struct VolumeImportArgs {
    /// The volume
    #[arg(value_name = "VOLUME")]
    pub name: String,
    /// The tar archive (`-` for standard input)
    #[arg(value_name = "SOURCE")]
    pub source: String,
}

/// Arguments of `berth volume mount` and `unmount`.
#[derive(Debug, Clone, Args)]
pub struct VolumeMountArgs {
    /// Volumes
    #[arg(value_name = "VOLUME", required = true)]
    pub names: Vec<String>,
}

/// Arguments of `berth volume create`.
#[derive(Debug, Clone, Args)]
pub struct VolumeCreateArgs {
    /// Set a label: KEY=VALUE
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Set a driver option: KEY=VALUE (the local driver takes o=uid=N,gid=N)
    #[arg(short, long = "opt", value_name = "KEY=VALUE")]
    pub opt: Vec<String>,
    /// The volume driver (only `local`)
    #[arg(short, long, value_name = "DRIVER", default_value = "local")]
    pub driver: String,
    /// Do not fail when the volume exists already
    #[arg(long)]
    pub ignore: bool,
    /// The volume's name (a random one when omitted)
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// Arguments of `berth volume ls`.
#[derive(Debug, Clone, Args)]
pub struct VolumeLsArgs {
    /// Print only the volume names
    #[arg(short, long)]
    pub quiet: bool,
    /// Filter: name=TEXT, label=KEY[=VALUE], dangling=true|false, driver=NAME
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Output format: `json`, `table`, or a template such as `{{.Name}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Do not print the header
    #[arg(short, long, visible_alias = "noheading")]
    pub no_heading: bool,
}

/// Arguments of `berth volume inspect`.
#[derive(Debug, Clone, Args)]
pub struct VolumeInspectArgs {
    /// Inspect every volume
    #[arg(short, long)]
    pub all: bool,
    /// Output format: `json` (the default) or a template such as `{{.Mountpoint}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Volumes to inspect
    #[arg(value_name = "VOLUME", required_unless_present = "all")]
    pub names: Vec<String>,
}

/// Arguments of `berth volume rm`.
#[derive(Debug, Clone, Args)]
pub struct VolumeRmArgs {
    /// Remove the containers that use the volume first (killing running ones)
    #[arg(short, long)]
    pub force: bool,
    /// Remove every volume
    #[arg(short, long)]
    pub all: bool,
    /// Accepted for podman's scripts: a forced removal kills the users at once
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u32>,
    /// Volumes to remove
    #[arg(value_name = "VOLUME", required_unless_present = "all")]
    pub names: Vec<String>,
}

/// Arguments of `berth volume prune`.
#[derive(Debug, Clone, Args)]
pub struct VolumePruneArgs {
    /// Do not ask for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Only prune volumes that match: label=KEY[=VALUE], name=TEXT
    #[arg(long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
}

/// Arguments of `berth volume exists`.
#[derive(Debug, Clone, Args)]
pub struct VolumeExistsArgs {
    /// The volume's name
    #[arg(value_name = "VOLUME")]
    pub name: String,
}
