//! `berth tag` and `berth untag` arguments.

use clap::Args;

/// Arguments of `berth tag`.
#[derive(Debug, Clone, Args)]
pub struct TagArgs {
    /// The image, by name or id
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// The new names
    #[arg(value_name = "TARGET_NAME", required = true)]
    pub targets: Vec<String>,
}

/// Arguments of `berth untag`.
#[derive(Debug, Clone, Args)]
pub struct UntagArgs {
    /// The image, by name or id
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// The names to remove (default: all of them)
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}
