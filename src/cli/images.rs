//! `berth images` arguments.

/// Arguments of `berth images`.
#[derive(Debug, clap::Args)]
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

    /// Output format: `json` or `table`
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}
