//! `berth inspect` arguments.

use clap::{Args, ValueEnum};

/// What kind of object `inspect` looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectType {
    /// Containers first, then images
    All,
    Container,
    Image,
}

/// Arguments of `berth inspect`.
#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// Only look for this kind of object
    #[arg(short = 't', long = "type", value_enum, default_value = "all")]
    pub kind: InspectType,
    /// Output format: `json`, or a Go template with field paths such as `{{.State.Status}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Containers or images to inspect (names or ids)
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
}
