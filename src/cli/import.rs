//! `berth import` arguments.

/// Arguments of `berth import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {}
