//! `berth rename` arguments.

use clap::Args;

/// Arguments of `berth rename`.
#[derive(Debug, Clone, Args)]
pub struct RenameArgs {
    /// The container to rename (name or id)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// Its new name
    #[arg(value_name = "NAME")]
    pub name: String,
}
