//! `berth rmi` arguments.

/// Arguments of `berth rmi`.
#[derive(Debug, Clone, clap::Args)]
pub struct RmiArgs {
    /// Images to remove, by name or id
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,

    /// Remove all images
    #[arg(short, long)]
    pub all: bool,

    /// Also remove the (stopped) containers using the images, and images with several names
    #[arg(short, long)]
    pub force: bool,

    /// Ignore images that do not exist
    #[arg(short, long)]
    pub ignore: bool,
}
