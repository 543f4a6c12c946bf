//! `berth version`: podman's `Client:` report (Version, API Version, Go Version, Built,
//! OS/Arch), for berth.
//!
//! The fields keep podman's names so that scripts reading them work, with berth's true
//! values: `APIVersion` is berth's own version (berth serves no API of its own, and podman
//! gives its version there too), `GoVersion` names the Rust compiler berth was built with
//! (berth has no Go), and `Built` is when the build ran (build.rs, or SOURCE_DATE_EPOCH).
//! `GitCommit` is set when the build sets `BERTH_GIT_COMMIT`.

use chrono::{Local, TimeZone};
use serde::Serialize;

use crate::cli::info::OutputFormat;
use crate::cli::version::{VersionArgs, VersionOptions};
use crate::commands::info::{go_arch, print_out, render_template, to_value};
use crate::error::{Context, Result};

/// What `berth version` reports, under podman's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Client {
    #[serde(rename = "APIVersion")]
    pub api_version: String,
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "GoVersion")]
    pub go_version: String,
    #[serde(rename = "GitCommit")]
    pub git_commit: String,
    #[serde(rename = "BuiltTime")]
    pub built_time: String,
    #[serde(rename = "Built")]
    pub built: i64,
    #[serde(rename = "OsArch")]
    pub os_arch: String,
    #[serde(rename = "Os")]
    pub os: String,
}

/// podman's shape: `{"Client": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
struct VersionReport {
    client: Client,
}

/// Go's `time.ANSIC` layout, as podman writes `BuiltTime`.
fn ansic(epoch: i64) -> String {
    Local
        .timestamp_opt(epoch, 0)
        .single()
        .map(|t| t.format("%a %b %e %H:%M:%S %Y").to_string())
        .unwrap_or_default()
}

/// This binary's version facts.
pub(crate) fn client() -> Client {
    let version = env!("CARGO_PKG_VERSION").to_string();
    let built: i64 = env!("BERTH_BUILT").parse().unwrap_or(0);
    let rustc = env!("BERTH_RUSTC_VERSION");
    Client {
        api_version: version.clone(),
        version,
        go_version: if rustc.is_empty() {
            "unknown (berth is written in Rust)".into()
        } else {
            rustc.to_string()
        },
        git_commit: option_env!("BERTH_GIT_COMMIT").unwrap_or("").to_string(),
        built_time: ansic(built),
        built,
        os_arch: format!("{}/{}", std::env::consts::OS, go_arch()),
        os: std::env::consts::OS.to_string(),
    }
}

fn render_plain(r: &VersionReport) -> String {
    let c = &r.client;
    let mut lines = vec![
        ("Client:", "Berth Engine".to_string()),
        ("Version:", c.version.clone()),
        ("API Version:", c.api_version.clone()),
        ("Go Version:", c.go_version.clone()),
    ];
    if !c.git_commit.is_empty() {
        lines.push(("Git Commit:", c.git_commit.clone()));
    }
    lines.push(("Built:", c.built_time.clone()));
    lines.push(("OS/Arch:", c.os_arch.clone()));
    lines
        .into_iter()
        .map(|(k, v)| format!("{k:<14}{v}\n"))
        .collect()
}

/// Run `berth version`.
pub fn execute(args: VersionArgs) -> Result<()> {
    let options = VersionOptions::from(args);
    let r = VersionReport { client: client() };
    let text = match &options.format {
        OutputFormat::Plain => render_plain(&r),
        // podman prints this one on a single line.
        OutputFormat::Json => {
            serde_json::to_string(&r).context("encode the report as json")? + "\n"
        }
        // A local podman's templates see `.Server` too, the same as `.Client` (podman's
        // own tests name the pause image `{{.Server.Version}}-{{.Server.Built}}`).
        OutputFormat::Template(t) => {
            let mut v = to_value(&r)?;
            if let Some(client) = v.get("Client").cloned() {
                v["Server"] = client;
            }
            render_template(t, &v)?
        }
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
                api_version: "0.1.0".into(),
                version: "0.1.0".into(),
                go_version: "rustc 1.89.0".into(),
                git_commit: "abc".into(),
                built_time: "Mon Dec  7 16:00:00 2026".into(),
                built: 1_796_659_200,
                os_arch: "linux/amd64".into(),
                os: "linux".into(),
            },
        };
        assert_eq!(
            render_plain(&r),
            "Client:       Berth Engine\nVersion:      0.1.0\nAPI Version:  0.1.0\nGo Version:   rustc 1.89.0\nGit Commit:   abc\nBuilt:        Mon Dec  7 16:00:00 2026\nOS/Arch:      linux/amd64\n"
        );
        let v = to_value(&r).unwrap();
        assert_eq!(v["Client"]["Version"], "0.1.0");
        assert_eq!(v["Client"]["OsArch"], "linux/amd64");
        assert_eq!(v["Client"]["APIVersion"], "0.1.0");
        assert_eq!(v["Client"]["Built"], 1_796_659_200);
        assert_eq!(
            render_template("{{.Client.Version}} {{.Client.GoVersion}}", &v).unwrap(),
            "0.1.0 rustc 1.89.0\n"
        );
    }

    #[test]
    fn host_report() {
        let c = client();
        assert_eq!(c.version, env!("CARGO_PKG_VERSION"));
        assert!(c.os_arch.starts_with("linux/"));
        // Built by build.rs: after 2019 (podman's own test), and written as Go's ANSIC.
        assert!(c.built > 1_546_300_800, "{}", c.built);
        assert_eq!(
            c.built_time.split_whitespace().count(),
            5,
            "{}",
            c.built_time
        );
        assert!(c.go_version.starts_with("rustc "), "{}", c.go_version);
    }

    #[test]
    fn ansic_layout() {
        // Local time is UTC in the tests' environment unless TZ says otherwise.
        if std::env::var_os("TZ").is_none() && Local::now().offset().local_minus_utc() == 0 {
            assert_eq!(ansic(0), "Thu Jan  1 00:00:00 1970");
        }
    }
}
