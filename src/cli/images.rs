//! `berth images` arguments.

/// Arguments of `berth images`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImagesArgs {
    /// Show only images with this name (`busybox`, `localhost/app:v1`)
    #[arg(value_name = "IMAGE")]
    pub image: Option<String>,

    /// Show all images (berth stores no intermediate images, so this changes nothing)
    #[arg(short, long)]
    pub all: bool,

    /// Print only the image ids
    #[arg(short, long)]
    pub quiet: bool,

    /// Do not truncate image ids
    #[arg(long)]
    pub no_trunc: bool,

    /// Do not print the column headings
    #[arg(short = 'n', long)]
    pub noheading: bool,

    /// Show the manifest digests
    #[arg(long)]
    pub digests: bool,

    /// Filter: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`,
    /// `before=IMAGE`, `since=IMAGE`, `id=ID`, `until=TIMESTAMP|DURATION` (repeatable; all must match)
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,

    /// Output format: `json`, `table`, or a Go template such as `{{.Repository}}:{{.Tag}}`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Sort by: created (newest first, the default), id, repository, size, tag
    #[arg(long, value_name = "KEY", default_value = "created", value_parser = ["created", "id", "repository", "size", "tag"])]
    pub sort: String,
}
