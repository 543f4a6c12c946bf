//! `berth images` arguments.

/// Arguments of `berth images`.
#[derive(Debug, clap::Args)]
pub struct ImagesArgs {}
