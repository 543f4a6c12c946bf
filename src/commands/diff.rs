//! `berth diff`: what a container added, changed and deleted, read from its overlay upper
//! directory in the session (the files belong to the mapped ids).

use serde_json::json;

use crate::cli::diff::DiffArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::changes::{self, Change, ChangeKind};
use crate::storage::Store;
use crate::userns::session::SessionRequest;

/// P0's half of `berth diff`: check `--format` before the session.
pub fn host_half(args: &DiffArgs) -> Result<Option<SessionRequest>> {
    json_format(args)?;
    Ok(Some(SessionRequest::same_command_line()))
}

/// `--format json`, or the default lines.
fn json_format(args: &DiffArgs) -> Result<bool> {
    match args.format.as_deref() {
        None => Ok(false),
        Some("json") => Ok(true),
        Some(other) => Err(Error::msg(format!("unsupported --format `{other}` (json)"))),
    }
}

/// The session's half of `berth diff` (the upper directory belongs to the mapped ids).
pub fn in_session(args: &DiffArgs) -> Result<()> {
    let json = json_format(args)?;
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let ctr = match &args.container {
        Some(key) => super::container::find(&paths, key)?,
        None => crate::storage::container::list(&paths.data)
            .context("list containers")?
            .into_iter()
            .max_by_key(|c| c.config.created)
            .ok_or_else(|| {
                Error::msg("diff --latest: there are no containers")
                    .hint("create one with `berth run` or `berth create`")
            })?,
    };
    let lowers = super::container::lower_dirs(&store, &ctr)?;
    let mut found = changes::diff(&ctr.upper(), &lowers)
        .with_context(|| format!("read the changes of container `{}`", ctr.config.name))?;
    found.retain(|c| !is_engine_path(&c.path));
    print!("{}", render(&found, json));
    Ok(())
}

/// The mount points and files the engine itself puts in every container (as podman's
/// `diff` leaves them out): they are not the container's changes.
const ENGINE_PATHS: [&str; 11] = [
    "/dev",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/mtab",
    "/etc/resolv.conf",
    "/proc",
    "/run",
    "/run/.containerenv",
    "/run/notify",
    "/run/secrets",
    "/sys",
];

fn is_engine_path(path: &std::path::Path) -> bool {
    ENGINE_PATHS.iter().any(|p| path == std::path::Path::new(p))
}

/// podman's output: `C /etc` lines, or `{"changed": [...], "added": [...], "deleted": [...]}`.
pub fn render(found: &[Change], json: bool) -> String {
    if json {
        let pick = |kind: ChangeKind| -> Vec<String> {
            found
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.path.display().to_string())
                .collect()
        };
        let mut s = serde_json::to_string_pretty(&json!({
            "changed": pick(ChangeKind::Changed),
            "added": pick(ChangeKind::Added),
            "deleted": pick(ChangeKind::Deleted),
        }))
        .unwrap_or_default();
        s.push('\n');
        return s;
    }
    found
        .iter()
        .map(|c| format!("{} {}\n", c.kind.letter(), c.path.display()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_paths_are_not_changes() {
        assert!(is_engine_path(std::path::Path::new("/run/.containerenv")));
        assert!(is_engine_path(std::path::Path::new("/etc/resolv.conf")));
        assert!(!is_engine_path(std::path::Path::new("/run/mine")));
        assert!(!is_engine_path(std::path::Path::new("/etc")));
    }

    #[test]
    fn lines_and_json() {
        let found = [
            Change {
                kind: ChangeKind::Changed,
                path: "/etc".into(),
            },
            Change {
                kind: ChangeKind::Added,
                path: "/etc/x".into(),
            },
            Change {
                kind: ChangeKind::Deleted,
                path: "/bin/ls".into(),
            },
        ];
        assert_eq!(render(&found, false), "C /etc\nA /etc/x\nD /bin/ls\n");
        let v: serde_json::Value = serde_json::from_str(&render(&found, true)).unwrap();
        assert_eq!(v["added"], json!(["/etc/x"]));
        assert_eq!(v["deleted"], json!(["/bin/ls"]));
        assert_eq!(v["changed"], json!(["/etc"]));
    }
}
