//! The command line: clap types only. Each command's arguments convert into a validated
//! options struct before any engine code runs.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub mod auto_update;
pub mod build;
pub mod cgroup_options;
pub mod commit;
pub mod compose;
pub mod container;
pub mod cp;
pub mod diff;
pub mod events;
pub mod exec;
pub mod exec_options;
pub mod export;
pub mod generate_systemd;
pub mod global;
pub mod history;
pub mod image;
pub mod images;
pub mod import;
pub mod info;
pub mod inspect;
pub mod kube;
pub mod lifecycle;
pub mod load;
pub mod login;
pub mod network;
pub mod pod;
pub mod port;
pub mod ps;
pub mod pull;
pub mod push;
pub mod quadlet;
pub mod rename;
pub mod rm;
pub mod rmi;
pub mod run;
pub mod run_options;
pub mod save;
pub mod stats;
pub mod system;
pub mod tag;
pub mod top;
pub mod unshare;
pub mod update;
pub mod version;
pub mod volume;

/// berth: rootless containers, no daemon.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "berth",
    version,
    about = "Rootless, daemonless containers in one binary",
    long_about = "Rootless, daemonless containers in one binary.\n\nberth takes podman's and docker's command-line syntax. Each invocation runs the container itself, inside a user namespace mapped from /etc/subuid and /etc/subgid.",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: global::GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands berth has today.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run a command in a new container
    Run(Box<run::RunArgs>),
    /// Create a container without starting it
    Create(Box<run::RunArgs>),
    /// Start one or more containers
    Start(lifecycle::StartArgs),
    /// Stop one or more containers
    Stop(lifecycle::StopArgs),
    /// Send a signal to one or more containers
    Kill(lifecycle::KillArgs),
    /// Restart one or more containers
    Restart(lifecycle::RestartArgs),
    /// Wait for containers to exit and print their exit codes
    Wait(lifecycle::WaitArgs),
    /// Show a container's logs
    Logs(lifecycle::LogsArgs),
    /// Attach to a detached container's output and input
    Attach(lifecycle::AttachArgs),
    /// Run a container's healthcheck
    Healthcheck(lifecycle::HealthcheckArgs),
    /// Pause the processes of containers (the cgroup v2 freezer)
    Pause(lifecycle::PauseArgs),
    /// Unpause paused containers
    Unpause(lifecycle::PauseArgs),
    /// Import a rootfs tarball as a one-layer image
    Import(import::ImportArgs),
    /// Pull an image from a registry
    Pull(pull::PullArgs),
    /// Push an image to a registry
    Push(push::PushArgs),
    /// Log in to a registry
    Login(login::LoginArgs),
    /// Log out of a registry
    Logout(login::LogoutArgs),
    /// Add names to an image
    Tag(tag::TagArgs),
    /// Remove names from an image
    Untag(tag::UntagArgs),
    /// Save images to an archive
    Save(save::SaveArgs),
    /// Load images from an archive
    Load(load::LoadArgs),
    /// Show an image's history
    History(history::HistoryArgs),
    /// Manage images
    Image(image::ImageArgs),
    /// Check and repair the store
    System(system::SystemArgs),
    /// List images in the local store
    Images(images::ImagesArgs),
    /// Remove one or more images
    Rmi(rmi::RmiArgs),
    /// List containers
    #[command(visible_alias = "list", visible_alias = "ls")]
    Ps(ps::PsArgs),
    /// Remove one or more containers
    Rm(rm::RmArgs),
    /// Run a command in a running container
    Exec(exec::ExecArgs),
    /// Show the processes of a running container
    Top(top::TopArgs),
    /// Show the configuration and state of containers and images
    Inspect(inspect::InspectArgs),
    /// Rename a container
    Rename(rename::RenameArgs),
    /// List a container's published ports
    Port(port::PortArgs),
    /// Manage containers
    Container(container::ContainerArgs),
    /// Show the files a container changed, added or deleted
    Diff(diff::DiffArgs),
    /// Write a container's filesystem as a tarball
    Export(export::ExportArgs),
    /// Create an image from a container's changes
    Commit(commit::CommitArgs),
    /// Copy files between a container and the host
    Cp(cp::CpArgs),
    /// Report what berth depends on, each with ok or a fix
    Info(info::InfoArgs),
    /// Show the event log: containers, images and volumes, as they change
    Events(events::EventsArgs),
    /// Show the version
    Version(version::VersionArgs),
    /// Manage named volumes
    Volume(volume::VolumeArgs),
    /// Run a command in berth's user namespace, where the container ids are mapped
    Unshare(unshare::UnshareArgs),
    /// Build an image from a Dockerfile (Containerfile) and a context directory
    Build(Box<build::BuildArgs>),
    /// Docker's buildx: `buildx build` is `build`
    Buildx(build::BuildxArgs),
    /// Manage the build cache
    Builder(build::BuilderArgs),
    /// Manage user networks
    Network(network::NetworkArgs),
    /// Turn quadlet files into systemd units (the generator), and manage quadlet files
    Quadlet(quadlet::QuadletArgs),
    /// Generate systemd units or Kubernetes YAML for containers
    #[command(name = "generate")]
    GenerateUnits(generate_systemd::GenerateUnitsArgs),
    /// Update containers labelled io.containers.autoupdate and restart their systemd units
    AutoUpdate(auto_update::AutoUpdateArgs),
    /// Run multi-container applications from a Compose file
    Compose(Box<compose::ComposeArgs>),
    /// Manage pods: containers sharing network, IPC and UTS namespaces
    Pod(pod::PodArgs),
    /// Play Kubernetes YAML as pods, and write it for pods and containers
    Kube(kube::KubeArgs),
    /// Play Kubernetes YAML (podman 4's `play kube`, the same as `kube play`)
    Play(kube::PlayArgs),
    /// Generate man pages and shell completions (for packagers)
    #[command(hide = true, name = "__generate")]
    Generate(GenerateArgs),
    /// Extract a pulled image's layers and register it (the session's half of `pull`)
    #[command(hide = true, name = "__unpack-image")]
    UnpackImage(pull::UnpackArgs),
    /// Report which overlay implementation works here (used by `berth info`)
    #[command(hide = true, name = "__probe-overlay")]
    ProbeOverlay,
    /// Keep the rootless network namespace of user networks (started by berth itself)
    #[command(hide = true, name = "__netns-holder")]
    NetnsHolder,
    /// Show containers' resource usage (CPU, memory, network, block IO, processes)
    Stats(stats::StatsArgs),
    /// Change the resource limits of a container
    Update(Box<update::UpdateArgs>),
}

/// Arguments of the hidden generator.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// Output directory for man pages
    #[arg(long)]
    pub man: Option<std::path::PathBuf>,
    /// Output directory for shell completions
    #[arg(long)]
    pub completions: Option<std::path::PathBuf>,
}

/// The clap command tree (for help, man pages and completions). As in podman, an option
/// that takes one value may be given again and the last one wins (`--name a --name b`);
/// options that collect values (`-e`, `-v`) still collect every one.
pub fn command() -> clap::Command {
    Cli::command().args_override_self(true)
}

/// Parse the process arguments. On `--help` and `--version` print and return `Err(0)`; on a
/// usage error print clap's message and return `Err(125)`, as podman does.
pub fn parse() -> Result<Cli, i32> {
    parse_from(generator_argv(std::env::args_os().collect()))
}

/// Installed as a systemd generator, as podman's quadlet is (a link named
/// `berth-user-generator` in a `user-generators` directory, or `*-generator` in
/// `system-generators`), berth runs `berth quadlet [--user] DIRS...`.
pub fn generator_argv(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let name = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix: &[&str] = if name.ends_with("-user-generator") {
        &["quadlet", "--user"]
    } else if name.ends_with("-generator") {
        &["quadlet"]
    } else if args.get(1).is_some_and(|a| a == "quadlet") {
        &[]
    } else {
        return args;
    };
    let mut out = args[..1].to_vec();
    out.extend(prefix.iter().map(std::ffi::OsString::from));
    // podman's quadlet takes Go's one-dash flags (`quadlet -dryrun -user`).
    out.extend(args.into_iter().skip(1).map(|a| match a.to_str() {
        Some(f @ ("-dryrun" | "-user" | "-no-kmsg-log" | "-verbose")) => format!("-{f}").into(),
        _ => a,
    }));
    out
}

/// Parse an argument list (the first item is the program name).
pub fn parse_from(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, i32> {
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return Err(print_clap_error(&e)),
    };
    Cli::from_arg_matches(&matches).map_err(|e| print_clap_error(&e))
}

/// Check the global options and put them in force for this process and its children (see
/// [`crate::config::global`]); `--noout` points stdout at /dev/null. Call while the process
/// is single-threaded. On a refusal, print it and return the exit status.
pub fn apply_globals(cli: &Cli) -> Result<(), i32> {
    let globals = cli.global.globals().map_err(|r| r.report())?;
    globals.pin();
    if cli.global.noout {
        use std::os::fd::AsRawFd;
        let null = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/null")
            .and_then(|f| {
                nix::unistd::dup2(f.as_raw_fd(), libc::STDOUT_FILENO).map_err(std::io::Error::from)
            });
        if let Err(e) = null {
            return Err(
                crate::error::Error::from_source("--noout: point stdout at /dev/null", e).report(),
            );
        }
    }
    Ok(())
}

fn print_clap_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                crate::error::EXIT_BERTH
            } else {
                0
            }
        }
        _ => crate::error::EXIT_BERTH,
    }
}
