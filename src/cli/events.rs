//! `berth events` arguments.

/// Arguments of `berth events` (also `berth system events`).
#[derive(Debug, Clone, clap::Args)]
pub struct EventsArgs {
    /// Only events that match: container=, event= (or status=), image=, label=KEY[=VALUE],
    /// type=, volume=; several values of one key match any of them
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Output format: `json`, or a template such as `{{.ID}} {{.Status}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Do not truncate ids (`--no-trunc=false` shortens them to 12 characters)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub no_trunc: bool,
    /// Only events since this time: RFC 3339, a date, Unix seconds, or a duration before now (10m, 1h30m)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events until this time (the same forms as --since); with --stream, stop then
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Keep printing new events as they happen (`--stream=false` prints what is logged and exits)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub stream: bool,
}
