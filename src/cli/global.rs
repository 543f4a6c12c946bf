//! podman's global options, given before the command (`berth --root DIR images`).
//!
//! Each is honoured or refused with a reason: [`GlobalArgs::globals`] turns the ones berth
//! honours into [`Globals`] and refuses the rest (exit 125) before any command runs.

use std::path::{Path, PathBuf};

use crate::config::global::{Globals, LogLevel};
use crate::error::Error;

/// The global options.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store: images, layers, containers and volumes (default $XDG_DATA_HOME/berth)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// The runtime directory: state that dies at reboot (default $XDG_RUNTIME_DIR/berth)
    #[arg(long, value_name = "DIR")]
    pub runroot: Option<PathBuf>,

    /// Where named volumes live (default: volumes/ in the store)
    #[arg(long, value_name = "DIR")]
    pub volumepath: Option<PathBuf>,

    /// The storage driver: only overlay (kernel overlayfs or fuse-overlayfs)
    #[arg(long, value_name = "DRIVER")]
    pub storage_driver: Option<String>,

    /// A storage option: '' (none), or overlay.mount_program=PATH to fuse-overlayfs
    #[arg(long, value_name = "OPTION")]
    pub storage_opt: Vec<String>,

    /// Log messages at this level and above on stderr: trace, debug, info, warn, error, fatal,
    /// panic
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Log at debug level (docker's spelling of --log-level=debug)
    #[arg(short = 'D', long, hide = true)]
    pub debug: bool,

    /// Do not print berth's output on stdout (an attached container's output included)
    #[arg(long)]
    pub noout: bool,

    /// The OCI runtime: berth runs containers itself, so only berth's own binary is accepted
    #[arg(long, value_name = "PATH")]
    pub runtime: Option<String>,

    /// A flag for the OCI runtime (refused: berth has no separate runtime)
    #[arg(long, value_name = "FLAG")]
    pub runtime_flag: Vec<String>,

    /// The events backend: file or none (berth records no events yet; journald is refused)
    #[arg(long, value_name = "BACKEND")]
    pub events_backend: Option<String>,

    /// The cgroup manager: cgroupfs or systemd (berth always writes the cgroup files itself)
    #[arg(long, value_name = "MANAGER")]
    pub cgroup_manager: Option<String>,

    /// A registries.conf to use instead of the default files
    #[arg(long, value_name = "PATH")]
    pub registries_conf: Option<PathBuf>,

    /// Refused: berth reads no mounts.conf (give the mounts with -v)
    #[arg(long, value_name = "PATH", hide = true)]
    pub default_mounts_file: Option<PathBuf>,

    /// Refused: berth has no conmon, it monitors its containers itself
    #[arg(long, value_name = "PATH")]
    pub conmon: Option<PathBuf>,

    /// Refused: berth runs no OCI hooks
    #[arg(long, value_name = "DIR")]
    pub hooks_dir: Vec<PathBuf>,

    /// Refused: berth runs pasta or slirp4netns from $PATH
    #[arg(long, value_name = "PATH")]
    pub network_cmd_path: Option<PathBuf>,

    /// Refused: berth keeps its networks in its store (see --root)
    #[arg(long, value_name = "DIR")]
    pub network_config_dir: Option<PathBuf>,

    /// Refused: berth has no libpod namespaces
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,

    /// Refused: berth keeps such state in its runtime directory (see --runroot)
    #[arg(long, value_name = "DIR")]
    pub tmpdir: Option<PathBuf>,

    /// Refused: berth logs to stderr only
    #[arg(long)]
    pub syslog: bool,

    /// Refused: berth has no remote service
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Refused: berth has no remote service
    #[arg(short = 'c', long, value_name = "NAME")]
    pub connection: Option<String>,

    /// Refused: berth has no remote service
    #[arg(short = 'r', long)]
    pub remote: bool,

    /// Refused: berth has no remote service
    #[arg(long, value_name = "PATH")]
    pub identity: Option<PathBuf>,

    /// Refused: berth has no remote service
    #[arg(long, value_name = "MODE")]
    pub ssh: Option<String>,
}

/// Why the global options cannot be used.
#[derive(Debug)]
pub enum GlobalRefusal {
    /// An unknown `--log-level`: podman prints this bare and exits 1.
    LogLevel(String),
    /// Any other refusal (exit 125).
    Refused(Error),
}

impl GlobalRefusal {
    /// Print the refusal and give the exit status.
    pub fn report(&self) -> i32 {
        match self {
            GlobalRefusal::LogLevel(text) => {
                eprintln!("{text}");
                1
            }
            GlobalRefusal::Refused(e) => e.report(),
        }
    }
}

fn refuse(what: impl Into<String>) -> GlobalRefusal {
    GlobalRefusal::Refused(Error::msg(what))
}

impl GlobalArgs {
    /// Validate the options: the ones berth honours as [`Globals`], the rest refused.
    pub fn globals(&self) -> Result<Globals, GlobalRefusal> {
        let log_level = match &self.log_level {
            None => None,
            Some(name) => Some(LogLevel::parse(name).ok_or_else(|| {
                GlobalRefusal::LogLevel(format!(
                    "Log Level {name:?} is not supported, choose from: {}",
                    LogLevel::NAMES.join(", ")
                ))
            })?),
        };
        let log_level = match (self.debug, log_level) {
            (false, level) => level,
            (true, None | Some(LogLevel::Warn)) => Some(LogLevel::Debug),
            (true, Some(_)) => {
                return Err(GlobalRefusal::LogLevel(
                    "Setting --log-level and --debug is not allowed".to_string(),
                ))
            }
        };
        self.refuse_unsupported()?;
        if let Some(driver) = &self.storage_driver {
            if driver != "overlay" {
                return Err(GlobalRefusal::Refused(
                    Error::msg(format!("storage driver `{driver}` is not supported: berth's store mounts its layers with overlay (kernel overlayfs or fuse-overlayfs)"))
                        .hint("leave out --storage-driver, or give --storage-driver overlay"),
                ));
            }
        }
        let mut fuse_overlay = false;
        for opt in &self.storage_opt {
            fuse_overlay |= storage_opt(opt)?;
        }
        if let Some(name) = &self.runtime {
            check_runtime(name)?;
        }
        let events_backend = match self.events_backend.as_deref() {
            None => None,
            Some("file") => Some(crate::config::EventsLogger::File),
            Some("none") => Some(crate::config::EventsLogger::None),
            Some("journald") => return Err(refuse(
                "events backend `journald` is not supported: berth writes no events to the journal",
            )),
            Some(other) => {
                return Err(refuse(format!(
                    "invalid --events-backend `{other}`: file, journald or none"
                )))
            }
        };
        match self.cgroup_manager.as_deref() {
            None | Some("cgroupfs" | "systemd") => {}
            Some(other) => {
                return Err(refuse(format!(
                    "invalid --cgroup-manager `{other}`: cgroupfs or systemd"
                )))
            }
        }
        Ok(Globals {
            root: self.root.clone(),
            runroot: self.runroot.clone(),
            volume_path: self.volumepath.clone(),
            registries_conf: self.registries_conf.clone(),
            log_level,
            fuse_overlay,
            events_backend,
        })
    }

    /// The options berth has nothing to do with: refused, each with its reason.
    fn refuse_unsupported(&self) -> Result<(), GlobalRefusal> {
        if let Some(flag) = self.runtime_flag.first() {
            return Err(refuse(format!(
                "cannot pass --runtime-flag `{flag}`: berth runs containers itself and has no separate OCI runtime to pass flags to"
            )));
        }
        let remote = [
            (self.url.is_some(), "--url"),
            (self.connection.is_some(), "--connection"),
            (self.remote, "--remote"),
            (self.identity.is_some(), "--identity"),
            (self.ssh.is_some(), "--ssh"),
        ];
        if let Some((_, flag)) = remote.iter().find(|(given, _)| *given) {
            return Err(refuse(format!(
                "{flag} is not supported: berth has no remote service, every invocation runs the command itself"
            )));
        }
        let refusals = [
            (
                self.default_mounts_file.is_some(),
                "--default-mounts-file is not supported: berth reads no mounts.conf; give the mounts with -v",
            ),
            (
                self.conmon.is_some(),
                "--conmon is not supported: berth has no conmon, it monitors its containers itself",
            ),
            (
                !self.hooks_dir.is_empty(),
                "--hooks-dir is not supported: berth runs no OCI hooks",
            ),
            (
                self.network_cmd_path.is_some(),
                "--network-cmd-path is not supported: berth runs pasta or slirp4netns from $PATH",
            ),
            (
                self.network_config_dir.is_some(),
                "--network-config-dir is not supported: berth keeps its networks in its store (see --root)",
            ),
            (
                self.namespace.is_some(),
                "--namespace is not supported: berth has no libpod namespaces",
            ),
            (
                self.tmpdir.is_some(),
                "--tmpdir is not supported: berth keeps that state in its runtime directory (see --runroot)",
            ),
            (
                self.syslog,
                "--syslog is not supported: berth logs to stderr only",
            ),
        ];
        match refusals.iter().find(|(given, _)| *given) {
            Some((_, why)) => Err(refuse(*why)),
            None => Ok(()),
        }
    }
}

/// One `--storage-opt`: `''` is no option; `overlay.mount_program=PATH` is honoured when
/// PATH is the fuse-overlayfs berth runs (returns true: mount with fuse-overlayfs).
fn storage_opt(opt: &str) -> Result<bool, GlobalRefusal> {
    if opt.is_empty() {
        return Ok(false);
    }
    let unsupported = || {
        refuse(format!(
            "storage option `{opt}` is not supported: berth takes only overlay.mount_program=PATH (fuse-overlayfs)"
        ))
    };
    let Some(program) = opt
        .strip_prefix("overlay.mount_program=")
        .or_else(|| opt.strip_prefix("mount_program="))
    else {
        return Err(unsupported());
    };
    let ours = find_program("fuse-overlayfs");
    let given = find_program(program);
    match (ours, given) {
        (Some(a), Some(b)) if same_file(&a, &b) => Ok(true),
        (None, _) => Err(refuse(format!(
            "storage option `{opt}`: fuse-overlayfs is not in $PATH"
        ))),
        _ => Err(refuse(format!(
            "storage option `{opt}` is not supported: berth mounts with the fuse-overlayfs in $PATH, not `{program}`"
        ))),
    }
}

/// `--runtime`: berth is the runtime, so it accepts only its own binary; any other runtime,
/// found or not, is refused.
fn check_runtime(name: &str) -> Result<(), GlobalRefusal> {
    let Some(found) = find_program(name) else {
        return Err(refuse(format!(
            "OCI runtime \"{name}\" not found: no such executable (berth runs containers itself; leave out --runtime)"
        )));
    };
    let own = std::env::current_exe().ok();
    if own.is_some_and(|own| same_file(&own, &found)) {
        return Ok(());
    }
    Err(refuse(format!(
        "--runtime `{name}` is not supported: berth runs containers itself and cannot hand them to another OCI runtime"
    )))
}

/// A program by path (with a `/`) or by name in `$PATH`, if it is an executable file.
fn find_program(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if name.contains('/') {
        let p = PathBuf::from(name);
        return executable(&p).then_some(p);
    }
    if name.is_empty() {
        return None;
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| executable(p))
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
