//! `berth image SUBCOMMAND`: podman's image group, mapped onto the top-level commands.

use clap::{Args, Subcommand};

/// Arguments of `berth image`.
#[derive(Debug, Clone, Args)]
pub struct ImageArgs {
    #[command(subcommand)]
    pub command: ImageCommand,
}

/// The `image` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum ImageCommand {
    /// List images in the local store
    #[command(visible_alias = "list")]
    Ls(super::images::ImagesArgs),
    /// Remove one or more images
    Rm(super::rmi::RmiArgs),
    /// Pull an image from a registry
    Pull(super::pull::PullArgs),
    /// Push an image to a registry
    Push(super::push::PushArgs),
    /// Add names to an image
    Tag(super::tag::TagArgs),
    /// Remove names from an image
    Untag(super::tag::UntagArgs),
    /// Show an image's history
    History(super::history::HistoryArgs),
    /// Remove unused images
    Prune(PruneArgs),
    /// Save images to an archive
    Save(super::save::SaveArgs),
    /// Load images from an archive
    Load(super::load::LoadArgs),
    /// Import a rootfs tarball as a one-layer image
    Import(super::import::ImportArgs),
    /// Build an image from a Dockerfile (same as `berth build`)
    Build(Box<super::build::BuildArgs>),
    /// Show images' configuration as JSON
    Inspect(ImageInspectArgs),
    /// Exit 0 when the image is in the store, 1 when it is not
    Exists(ImageExistsArgs),
}

/// Arguments of `berth image inspect`.
#[derive(Debug, Clone, Args)]
pub struct ImageInspectArgs {
    /// Output format: `json`, or a Go template with field paths such as `{{.Id}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Images to inspect (names or ids)
    #[arg(value_name = "IMAGE", required = true)]
    pub names: Vec<String>,
}

impl From<ImageInspectArgs> for super::inspect::InspectArgs {
    fn from(a: ImageInspectArgs) -> Self {
        super::inspect::InspectArgs {
            kind: super::inspect::InspectType::Image,
            format: a.format,
            names: a.names,
        }
    }
}

/// Arguments of `berth image exists`.
#[derive(Debug, Clone, Args)]
pub struct ImageExistsArgs {
    /// The image (name or id)
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

/// Arguments of `berth image prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// Remove every image no container uses, not only the dangling ones
    #[arg(short, long)]
    pub all: bool,

    /// Do not ask for confirmation (berth never asks)
    #[arg(short, long)]
    pub force: bool,
}
