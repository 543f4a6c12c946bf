//! `berth info` arguments.

/// Arguments of `berth info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {}
