//! `berth rmi` arguments.

/// Arguments of `berth rmi`.
#[derive(Debug, clap::Args)]
pub struct RmiArgs {}
