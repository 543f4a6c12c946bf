//! `berth history` arguments.

use clap::Args;

/// Arguments of `berth history`.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// The image, by name or id
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// Do not truncate the output
    #[arg(long)]
    pub no_trunc: bool,

    /// Print only the ids
    #[arg(short, long)]
    pub quiet: bool,

    /// Output format: `json`, `table`, or a Go template with the fields ID, Created,
    /// CreatedSince, CreatedAt, CreatedBy, Size, Comment, Tags
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Sizes and dates in human-readable form
    #[arg(short = 'H', long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub human: bool,
}
