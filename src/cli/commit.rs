//! `berth commit` arguments.

use clap::Args;

/// Arguments of `berth commit`.
#[derive(Debug, Clone, Args)]
pub struct CommitArgs {
    /// The commit message, recorded in the image's history
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: Option<String>,
    /// The author, recorded in the image
    #[arg(short, long, value_name = "AUTHOR")]
    pub author: Option<String>,
    /// A Dockerfile instruction applied to the new image's config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)
    #[arg(short, long, value_name = "INSTRUCTION")]
    pub change: Vec<String>,
    /// Do not print anything but the image id
    #[arg(short, long)]
    pub quiet: bool,
    /// The container (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// The new image's name
    #[arg(value_name = "IMAGE")]
    pub image: Option<String>,
}
