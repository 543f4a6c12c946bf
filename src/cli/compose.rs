//! `berth compose`: docker compose's command line, for Compose Specification files.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Clone, Args)]
#[command(
    long_about = "Run multi-container applications described by a Compose file (compose.yaml).\n\nberth reads the Compose Specification itself: no docker-compose or podman-compose is needed. Each project gets a network `<project>_default` on which services reach each other by name; containers carry docker compose's com.docker.compose.* labels."
)]
pub struct ComposeArgs {
    /// Compose file (repeat to merge several, in order; default: compose.yaml)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Vec<PathBuf>,
    /// Project name (default: the `name:` key, or the project directory's name)
    #[arg(short = 'p', long, value_name = "NAME")]
    pub project_name: Option<String>,
    /// Project directory (default: the first compose file's directory)
    #[arg(long, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Enable services of a profile (repeatable)
    #[arg(long, value_name = "PROFILE")]
    pub profile: Vec<String>,
    /// File of variables for interpolation (default: .env in the project directory)
    #[arg(long, value_name = "PATH")]
    pub env_file: Vec<PathBuf>,
    #[command(subcommand)]
    pub command: ComposeCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ComposeCommand {
    /// Create and start the services' containers
    Up(UpArgs),
    /// Stop and remove the containers and networks (and with -v, the volumes)
    Down(DownArgs),
    /// List the project's containers
    Ps(PsArgs),
    /// Show the services' output
    Logs(LogsArgs),
    /// Run a command in a running service container
    Exec(ExecArgs),
    /// Run a one-off command in a new container of a service
    Run(RunArgs),
    /// Build the services that have a `build:` section
    Build(BuildArgs),
    /// Pull the services' images
    Pull(PullArgs),
    /// Push the services' images
    Push(ServicesArgs),
    /// Start existing containers of the services
    Start(ServicesArgs),
    /// Stop the services' containers
    Stop(StopArgs),
    /// Restart the services' containers
    Restart(StopArgs),
    /// Send a signal to the services' containers
    Kill(KillArgs),
    /// Remove stopped service containers
    Rm(RmArgs),
    /// Pause the services' containers
    Pause(ServicesArgs),
    /// Unpause the services' containers
    Unpause(ServicesArgs),
    /// Show the resolved model (interpolated, merged, normalised)
    Config(ConfigArgs),
    /// Show the processes of the services' containers
    Top(ServicesArgs),
    /// Show the public port of a service's port
    Port(PortArgs),
    /// List the images the project's containers use
    Images(ImagesArgs),
    /// List compose projects
    Ls(LsArgs),
    /// Show the version
    Version(VersionArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct UpArgs {
    /// Detached mode: start the containers and exit
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Build images before starting containers
    #[arg(long)]
    pub build: bool,
    /// Do not build an image, even when it is missing
    #[arg(long, conflicts_with = "build")]
    pub no_build: bool,
    /// Recreate containers even if their configuration has not changed
    #[arg(long)]
    pub force_recreate: bool,
    /// Keep existing containers even if their configuration changed
    #[arg(long, conflicts_with = "force_recreate")]
    pub no_recreate: bool,
    /// Do not start the services the named ones depend on
    #[arg(long)]
    pub no_deps: bool,
    /// Remove containers of services not in the compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Wait for services to be running (and healthy, with a healthcheck); implies -d
    #[arg(long)]
    pub wait: bool,
    /// Maximum seconds to wait with --wait
    #[arg(long, value_name = "SECONDS")]
    pub wait_timeout: Option<u64>,
    /// Stop all containers if any container stops (attached mode)
    #[arg(long, conflicts_with = "detach")]
    pub abort_on_container_exit: bool,
    /// Exit with the status of this service's container (implies --abort-on-container-exit)
    #[arg(long, value_name = "SERVICE", conflicts_with = "detach")]
    pub exit_code_from: Option<String>,
    /// Scale a service to NUM containers (SERVICE=NUM, repeatable)
    #[arg(long, value_name = "SERVICE=NUM")]
    pub scale: Vec<String>,
    /// Seconds to wait for a container to stop (on abort or recreate)
    #[arg(short = 't', long, value_name = "SECONDS")]
    pub timeout: Option<u32>,
    /// Do not print the `[+]` progress lines
    #[arg(long)]
    pub quiet_pull: bool,
    /// Produce monochrome output (berth never colours it)
    #[arg(long)]
    pub no_color: bool,
    /// Do not prefix attached output with the service name
    #[arg(long)]
    pub no_log_prefix: bool,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DownArgs {
    /// Remove named volumes declared in the file, and anonymous ones
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Remove images: `all` (every service's), or `local` (those without an image: key)
    #[arg(long, value_name = "TYPE", value_parser = ["all", "local"])]
    pub rmi: Option<String>,
    /// Remove containers of services not in the compose file
    #[arg(long)]
    pub remove_orphans: bool,
    /// Seconds to wait for a container to stop
    #[arg(short = 't', long, value_name = "SECONDS")]
    pub timeout: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct PsArgs {
    /// Show stopped containers too
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only the ids
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// List the services instead
    #[arg(long)]
    pub services: bool,
    /// `table`, `json`, or a Go template such as `{{.Name}} {{.Service}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Only containers with this status (running, exited, created…)
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services_list: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// Follow the output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines from the end of each container's log
    #[arg(short = 'n', long, value_name = "N")]
    pub tail: Option<String>,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Produce monochrome output (berth never colours it)
    #[arg(long)]
    pub no_color: bool,
    /// Do not prefix lines with the container name
    #[arg(long)]
    pub no_log_prefix: bool,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    /// Run the command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Do not allocate a tty (the default when stdin is not a terminal)
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// Set an environment variable (KEY=VALUE)
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Run as this user
    #[arg(short = 'u', long, value_name = "USER")]
    pub user: Option<String>,
    /// Working directory in the container
    #[arg(short = 'w', long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// Which replica (default 1)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub index: u32,
    /// Give the process extended privileges
    #[arg(long)]
    pub privileged: bool,
    /// The service
    pub service: String,
    /// The command and its arguments
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Run in the background and print the container id
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Container name (default: <project>-<service>-run-<id>)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Set an environment variable (KEY=VALUE)
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Add a label (KEY=VALUE)
    #[arg(short = 'l', long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Run as this user
    #[arg(short = 'u', long, value_name = "USER")]
    pub user: Option<String>,
    /// Working directory in the container
    #[arg(short = 'w', long, value_name = "DIR")]
    pub workdir: Option<String>,
    /// Override the entrypoint
    #[arg(long, value_name = "CMD")]
    pub entrypoint: Option<String>,
    /// Do not allocate a tty (the default when stdin is not a terminal)
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// Do not start the services it depends on
    #[arg(long)]
    pub no_deps: bool,
    /// Publish a port (as `berth run -p`)
    #[arg(short = 'p', long = "publish", value_name = "PORT")]
    pub publish: Vec<String>,
    /// Publish the service's own ports
    #[arg(long)]
    pub service_ports: bool,
    /// Bind-mount a volume (as `berth run -v`)
    #[arg(short = 'v', long = "volume", value_name = "VOLUME")]
    pub volume: Vec<String>,
    /// Build the image first
    #[arg(long)]
    pub build: bool,
    /// The service
    pub service: String,
    /// The command and its arguments (default: the service's)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Do not use the build cache
    #[arg(long)]
    pub no_cache: bool,
    /// Always pull newer versions of the base images
    #[arg(long)]
    pub pull: bool,
    /// Print only the image ids
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Services (default: all that have `build:`)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// Go on when an image fails to pull
    #[arg(long)]
    pub ignore_pull_failures: bool,
    /// Pull without progress output
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    /// Seconds to wait for a container to stop
    #[arg(short = 't', long, value_name = "SECONDS")]
    pub timeout: Option<u32>,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct KillArgs {
    /// The signal to send
    #[arg(short = 's', long, value_name = "SIGNAL", default_value = "SIGKILL")]
    pub signal: String,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    /// Do not ask for confirmation (berth never asks)
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Stop the containers first
    #[arg(short = 's', long)]
    pub stop: bool,
    /// Remove the containers' anonymous volumes
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Print the service names, one a line
    #[arg(long)]
    pub services: bool,
    /// Print the volume names, one a line
    #[arg(long)]
    pub volumes: bool,
    /// Print the network names, one a line
    #[arg(long)]
    pub networks: bool,
    /// Print the image names, one a line
    #[arg(long)]
    pub images: bool,
    /// Print the profile names, one a line
    #[arg(long)]
    pub profiles: bool,
    /// Only check the files; print nothing
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// `yaml` or `json`
    #[arg(long, value_name = "FORMAT", default_value = "yaml", value_parser = ["yaml", "json"])]
    pub format: String,
}

#[derive(Debug, Clone, Args)]
pub struct PortArgs {
    /// Which replica (default 1)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub index: u32,
    /// tcp or udp
    #[arg(long, value_name = "PROTO", default_value = "tcp")]
    pub protocol: String,
    /// The service
    pub service: String,
    /// The container port
    pub private_port: u16,
}

#[derive(Debug, Clone, Args)]
pub struct ImagesArgs {
    /// Only the image ids
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Services (default: all)
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LsArgs {
    /// Show stopped projects too
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only the project names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// `table` or `json`
    #[arg(long, value_name = "FORMAT", default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
}

#[derive(Debug, Clone, Args)]
pub struct VersionArgs {
    /// Only the version number
    #[arg(long)]
    pub short: bool,
    /// `pretty` or `json`
    #[arg(long, value_name = "FORMAT", default_value = "pretty", value_parser = ["pretty", "json"])]
    pub format: String,
}
