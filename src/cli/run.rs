//! `berth run` arguments.

/// Arguments of `berth run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {}
