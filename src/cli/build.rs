//! `berth build` (also `image build`, `buildx build`) and `builder prune` arguments.

use clap::{Args, Subcommand};

/// Arguments of `berth build`.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// Name (and tag) of the built image; may be given more than once
    #[arg(short, long = "tag", value_name = "NAME[:TAG]")]
    pub tag: Vec<String>,

    /// The Dockerfile (default: CONTEXT/Containerfile, then CONTEXT/Dockerfile); `-` reads
    /// stdin. A relative name not found here is looked up in the context; given more than
    /// once, the files are read as one, in order
    #[arg(short, long, value_name = "FILE")]
    pub file: Vec<String>,

    /// The image format: oci (default) or docker; also BUILDAH_FORMAT
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// The ignore file (default: CONTEXT/.containerignore, then CONTEXT/.dockerignore)
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Option<String>,

    /// Write the build's output to this file instead of the terminal
    #[arg(long, value_name = "FILE")]
    pub logfile: Option<String>,

    /// The registry credentials file (default: auth.json's usual places; also REGISTRY_AUTH_FILE)
    #[arg(long, value_name = "FILE")]
    pub authfile: Option<String>,

    /// A resource limit for RUN steps: NAME=SOFT[:HARD], as `run --ulimit`
    #[arg(long, value_name = "NAME=SOFT[:HARD]")]
    pub ulimit: Vec<String>,

    /// Security options for RUN steps: seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges
    #[arg(long, value_name = "OPTION")]
    pub security_opt: Vec<String>,

    /// How many stages may run at once (berth runs them one at a time, which every N allows)
    #[arg(long, value_name = "N")]
    pub jobs: Option<u32>,

    /// Same as --pull=never
    #[arg(long, hide = true)]
    pub pull_never: bool,

    /// Same as --pull=always
    #[arg(long, hide = true)]
    pub pull_always: bool,

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

    /// Cache each step's result and reuse it (true by default, or BUILDAH_LAYERS); false makes
    /// one new layer
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub layers: Option<String>,

    /// Squash the new layers into one (implies --layers=false)
    #[arg(long)]
    pub squash: bool,

    /// Set every timestamp (created, history, file times in new layers) to these seconds since the epoch
    #[arg(long, value_name = "SECONDS")]
    pub timestamp: Option<i64>,

    /// docker buildx's --load: the image is stored locally, which berth always does
    #[arg(long, hide = true)]
    pub load: bool,

    /// The build context directory (default: the directory of the -f file, else `.`); `-`
    /// reads the Containerfile from stdin, with an empty context
    #[arg(value_name = "CONTEXT")]
    pub context: Option<String>,
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
    Build(Box<BuildArgs>),
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
