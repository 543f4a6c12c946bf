//! `berth version`: podman's `Version:` / `OS/Arch:` report, for berth.
//!
//! The Rust compiler version and the git commit are shown when the build sets
//! `BERTH_RUSTC_VERSION` and `BERTH_GIT_COMMIT` (packagers: `BERTH_RUSTC_VERSION="$(rustc -V)"
//! cargo build`); berth has no build script to find them itself.

use serde::Serialize;

use crate::cli::info::OutputFormat;
use crate::cli::version::{VersionArgs, VersionOptions};
use crate::commands::info::{go_arch, json_text, print_out, render_template, to_value};
use crate::error::Result;

/// What `berth version` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Client {
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rust_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    git_commit: Option<String>,
    os: String,
    os_arch: String,
}

/// podman's shape: `{"Client": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
struct VersionReport {
    client: Client,
}

fn report() -> VersionReport {
    let nonempty = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    VersionReport {
        client: Client {
            version: env!("CARGO_PKG_VERSION").to_string(),
            rust_version: nonempty(option_env!("BERTH_RUSTC_VERSION")),
            git_commit: nonempty(option_env!("BERTH_GIT_COMMIT")),
            os: std::env::consts::OS.to_string(),
            os_arch: format!("{}/{}", std::env::consts::OS, go_arch()),
        },
    }
}

fn render_plain(r: &VersionReport) -> String {
    let c = &r.client;
    let mut lines = vec![("Version:", c.version.clone())];
    if let Some(v) = &c.rust_version {
        lines.push(("Rust Version:", v.clone()));
    }
    if let Some(v) = &c.git_commit {
        lines.push(("Git Commit:", v.clone()));
    }
    lines.push(("OS/Arch:", c.os_arch.clone()));
    lines
        .into_iter()
        .map(|(k, v)| format!("{k:<14}{v}\n"))
        .collect()
}

/// Run `berth version`.
pub fn execute(args: VersionArgs) -> Result<()> {
    let options = VersionOptions::from(args);
    let r = report();
    let text = match &options.format {
        OutputFormat::Plain => render_plain(&r),
        OutputFormat::Json => json_text(&r)?,
        OutputFormat::Template(t) => render_template(t, &to_value(&r)?)?,
    };
    print_out(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_json() {
        let r = VersionReport {
            client: Client {
                version: "0.1.0".into(),
                rust_version: None,
                git_commit: Some("abc".into()),
                os: "linux".into(),
                os_arch: "linux/amd64".into(),
            },
        };
        assert_eq!(
            render_plain(&r),
            "Version:      0.1.0\nGit Commit:   abc\nOS/Arch:      linux/amd64\n"
        );
        let v = to_value(&r).unwrap();
        assert_eq!(v["Client"]["Version"], "0.1.0");
        assert_eq!(v["Client"]["OsArch"], "linux/amd64");
        assert!(v["Client"].get("RustVersion").is_none());
        assert_eq!(
            render_template("{{.Client.Version}}", &v).unwrap(),
            "0.1.0\n"
        );
    }

    #[test]
    fn host_report() {
        let r = report();
        assert_eq!(r.client.version, env!("CARGO_PKG_VERSION"));
        assert!(r.client.os_arch.starts_with("linux/"));
    }
}
