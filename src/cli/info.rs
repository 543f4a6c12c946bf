//! `berth info` arguments.

/// Arguments of `berth info`.
#[derive(Debug, Clone, clap::Args)]
pub struct InfoArgs {
    /// Output format: `json`, or a template such as `{{.Host.Kernel}}`
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<String>,
}

/// How a report is printed (`info` and `version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    /// The human-readable report.
    Plain,
    /// Pretty-printed JSON.
    Json,
    /// A Go-template-like string such as `{{.Host.Kernel}}` (fields by name).
    Template(String),
}

impl OutputFormat {
    /// Interpret `--format`.
    pub fn from_arg(format: Option<&str>) -> Self {
        match format.map(str::trim) {
            None | Some("") => OutputFormat::Plain,
            Some("json" | "{{json .}}") => OutputFormat::Json,
            Some(t) => OutputFormat::Template(t.to_string()),
        }
    }
}

/// Validated options of `berth info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoOptions {
    pub format: OutputFormat,
}

impl From<InfoArgs> for InfoOptions {
    fn from(args: InfoArgs) -> Self {
        InfoOptions {
            format: OutputFormat::from_arg(args.format.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(OutputFormat::from_arg(None), OutputFormat::Plain);
        assert_eq!(OutputFormat::from_arg(Some("json")), OutputFormat::Json);
        assert_eq!(
            OutputFormat::from_arg(Some("{{.Version}}")),
            OutputFormat::Template("{{.Version}}".into())
        );
    }
}
