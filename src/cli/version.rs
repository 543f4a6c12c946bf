//! `berth version` arguments.

/// Arguments of `berth version`.
#[derive(Debug, clap::Args)]
pub struct VersionArgs {}
