//! `berth import` arguments.

/// Arguments of `berth import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// A tarball (plain, gzip or zstd) of a root file system, or `-` for stdin
    #[arg(value_name = "FILE|-")]
    pub source: String,

    /// Name the image (a name without a registry becomes `localhost/NAME:latest`)
    #[arg(value_name = "REFERENCE")]
    pub reference: Option<String>,

    /// Apply a Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER,
    /// VOLUME or WORKDIR (repeatable)
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub change: Vec<String>,

    /// Set the comment of the image's history entry
    #[arg(short, long, value_name = "TEXT")]
    pub message: Option<String>,

    /// Print only the image id (it is all berth prints anyway)
    #[arg(short, long)]
    pub quiet: bool,

    /// Set the OS of the image (default: linux)
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,

    /// Set the architecture of the image (Go names: amd64, arm64…; default: this machine's)
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,

    /// Set the architecture variant of the image (e.g. v8)
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
}
