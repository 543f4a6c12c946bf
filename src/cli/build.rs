//! `berth build` (also `image build`, `buildx build`) and `builder prune` arguments.

use clap::{Args, Subcommand};

/// Arguments of `berth build`.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Name (and tag) of the built image; may be given more than once
    #[arg(short, long = "tag", value_name = "NAME[:TAG]")]
    pub tag: Vec<String>,

    /// The Dockerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile); `-` reads stdin
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<String>,

    /// A build argument: KEY=VALUE, or KEY to take the value from the environment
    #[arg(long, value_name = "KEY[=VALUE]")]
    pub build_arg: Vec<String>,

    /// Build up to this stage (by name) and make it the image
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Run every step again, ignoring the layer cache
    #[arg(long)]
    pub no_cache: bool,

    /// Pull base images: missing (default), always, never
    #[arg(long, value_name = "POLICY", num_args = 0..=1, default_missing_value = "always")]
    pub pull: Option<String>,

    /// A label for the image: KEY=VALUE
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// A secret for `RUN --mount=type=secret`: id=ID,src=FILE or id=ID,env=VAR
    #[arg(long, value_name = "id=ID,src=FILE")]
    pub secret: Vec<String>,

    /// Write the image id to this file
    #[arg(long, value_name = "FILE")]
    pub iidfile: Option<String>,

    /// Print only the image id (RUN output goes to stderr)
    #[arg(short, long)]
    pub quiet: bool,

    /// Network for RUN steps: host (default), none, pasta[:OPTIONS] or slirp4netns[:OPTIONS]
    #[arg(long, visible_alias = "net", value_name = "MODE")]
    pub network: Option<String>,

    /// Platform of the image: only the host's (os/arch) is supported
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,

    /// Cache each step's result and reuse it (true by default); false makes one new layer
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub layers: Option<String>,

    /// Squash the new layers into one (implies --layers=false)
    #[arg(long)]
    pub squash: bool,

    /// Set every timestamp (created, history, file times in new layers) to these seconds since the epoch
    #[arg(long, value_name = "SECONDS")]
    pub timestamp: Option<i64>,

    /// The build context directory
    #[arg(value_name = "CONTEXT", default_value = ".")]
    pub context: String,
}

/// Arguments of `berth buildx`.
#[derive(Debug, Clone, Args)]
pub struct BuildxArgs {
    #[command(subcommand)]
    pub command: BuildxCommand,
}

/// `buildx` subcommands (docker's spelling of `build`).
#[derive(Debug, Clone, Subcommand)]
pub enum BuildxCommand {
    /// Build an image from a Dockerfile (same as `berth build`)
    Build(BuildArgs),
}

/// Arguments of `berth builder`.
#[derive(Debug, Clone, Args)]
pub struct BuilderArgs {
    #[command(subcommand)]
    pub command: BuilderCommand,
}

/// `builder` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum BuilderCommand {
    /// Remove the build cache
    Prune(BuilderPruneArgs),
}

/// Arguments of `berth builder prune`.
#[derive(Debug, Clone, Args)]
pub struct BuilderPruneArgs {
    /// Remove all of the cache (berth's cache has no age filter: the same as without)
    #[arg(short, long)]
    pub all: bool,
    /// Do not ask for confirmation (berth never asks)
    #[arg(short, long)]
    pub force: bool,
}
