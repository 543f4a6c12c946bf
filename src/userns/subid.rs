//! Subordinate id ranges from /etc/subuid and /etc/subgid (pure parsing), the current user,
//! and the errors of the `userns` module.

use std::path::{Path, PathBuf};
use std::process::ExitStatus;

/// The system's subordinate uid file.
pub const SUBUID_FILE: &str = "/etc/subuid";
/// The system's subordinate gid file.
pub const SUBGID_FILE: &str = "/etc/subgid";

/// Errors of the rootless user namespace set-up.
#[derive(Debug, thiserror::Error)]
pub enum UsernsError {
    #[error("read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("look up the user with uid {uid}")]
    LookupUser {
        uid: u32,
        #[source]
        source: nix::Error,
    },
    #[error("`{tool}` is not installed")]
    HelperMissing { tool: String },
    #[error("`{path}` is neither setuid root nor has file capabilities")]
    HelperNotPrivileged { tool: String, path: PathBuf },
    #[error("run `{path}`")]
    HelperSpawn {
        tool: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{tool}` failed ({status}): {stderr}")]
    HelperFailed {
        tool: String,
        status: ExitStatus,
        stderr: String,
    },
    #[error("write `{path}`")]
    WriteProcFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl UsernsError {
    /// A line the user can act on, for the command layer's `hint:`.
    pub fn hint(&self) -> Option<String> {
        match self {
            UsernsError::HelperMissing { .. } => {
                Some("install the uidmap package: sudo apt-get install uidmap".to_string())
            }
            UsernsError::HelperNotPrivileged { tool, path } => {
                let cap = if tool == "newgidmap" {
                    "cap_setgid"
                } else {
                    "cap_setuid"
                };
                Some(format!(
                    "sudo chmod u+s {p}, or sudo setcap {cap}+ep {p}",
                    p = path.display()
                ))
            }
            UsernsError::HelperFailed { tool, .. } => {
                let file = if tool == "newgidmap" {
                    SUBGID_FILE
                } else {
                    SUBUID_FILE
                };
                Some(format!(
                    "check your line in {file}; add one with: sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER"
                ))
            }
            UsernsError::Read { .. }
            | UsernsError::LookupUser { .. }
            | UsernsError::HelperSpawn { .. }
            | UsernsError::WriteProcFile { .. } => None,
        }
    }
}

/// One range of subordinate ids: `count` ids from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubIdRange {
    pub start: u32,
    pub count: u32,
}

/// The ranges `text` (in /etc/subuid format) grants to `user` or to the numeric `uid`, in file
/// order. Comments, blank and malformed lines, and empty ranges are ignored.
pub fn parse_subid(text: &str, user: &str, uid: u32) -> Vec<SubIdRange> {
    let uid_text = uid.to_string();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split(':');
            let owner = fields.next()?;
            let start = fields.next()?.trim().parse::<u32>().ok()?;
            let count = fields.next()?.trim().parse::<u32>().ok()?;
            if fields.next().is_some() || count == 0 || start.checked_add(count - 1).is_none() {
                return None;
            }
            (owner == user || owner == uid_text).then_some(SubIdRange { start, count })
        })
        .collect()
}

/// Read the ranges for `user`/`uid` from `path`; a missing file means no ranges.
pub fn lookup(path: &Path, user: &str, uid: u32) -> Result<Vec<SubIdRange>, UsernsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_subid(&text, user, uid)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(UsernsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The real user berth runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// The calling user: the name from the password database, else `$USER`, else the uid.
pub fn current_user() -> Result<CurrentUser, UsernsError> {
    let uid = nix::unistd::getuid();
    let gid = nix::unistd::getgid().as_raw();
    let from_env = || std::env::var("USER").ok().filter(|u| !u.is_empty());
    // /etc/passwd first: going through NSS loads its modules, which costs more than the
    // rest of a container start's host side. Users from a directory service fall through.
    if let Some(name) = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| name_in_passwd(&text, uid.as_raw()))
    {
        return Ok(CurrentUser {
            name,
            uid: uid.as_raw(),
            gid,
        });
    }
    let name = match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        Ok(None) => from_env().unwrap_or_else(|| uid.to_string()),
        Err(source) => from_env().ok_or(UsernsError::LookupUser {
            uid: uid.as_raw(),
            source,
        })?,
    };
    Ok(CurrentUser {
        name,
        uid: uid.as_raw(),
        gid,
    })
}

/// The name of `uid` in /etc/passwd text.
pub fn name_in_passwd(text: &str, uid: u32) -> Option<String> {
    text.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let _password = f.next()?;
        (f.next()?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_names() {
        let text = "root:x:0:0::/root:/bin/sh\nbroken\nalice:x:1000:1000::/home/a:/bin/sh\n";
        assert_eq!(name_in_passwd(text, 1000).as_deref(), Some("alice"));
        assert_eq!(name_in_passwd(text, 0).as_deref(), Some("root"));
        assert_eq!(name_in_passwd(text, 7), None);
    }

    #[test]
    fn parses_names_uids_and_skips_junk() {
        let text = "# comment\n\nalice:100000:65536\nbob:165536:65536\n1000:300000:10\n\
                    alice:bad:1\nalice:1\nalice:1:2:3\nalice:500000:0\n  alice:400000:5  \n";
        let r = parse_subid(text, "alice", 1000);
        assert_eq!(
            r,
            vec![
                SubIdRange {
                    start: 100000,
                    count: 65536
                },
                SubIdRange {
                    start: 300000,
                    count: 10
                },
                SubIdRange {
                    start: 400000,
                    count: 5
                },
            ]
        );
        assert!(parse_subid(text, "carol", 1002).is_empty());
        assert!(parse_subid("x:4294967295:2\n", "x", 1).is_empty());
    }

    #[test]
    fn missing_file_is_no_ranges() {
        let r = lookup(Path::new("/nonexistent/subuid"), "a", 1).unwrap();
        assert!(r.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("subuid");
        std::fs::write(&p, "a:10:5\n").unwrap();
        assert_eq!(
            lookup(&p, "a", 1).unwrap(),
            vec![SubIdRange {
                start: 10,
                count: 5
            }]
        );
    }

    #[test]
    fn hints_name_the_fix() {
        let e = UsernsError::HelperMissing {
            tool: "newuidmap".into(),
        };
        assert!(e.hint().unwrap().contains("apt-get install uidmap"));
        let e = UsernsError::HelperNotPrivileged {
            tool: "newuidmap".into(),
            path: "/usr/bin/newuidmap".into(),
        };
        let h = e.hint().unwrap();
        assert!(h.contains("chmod u+s /usr/bin/newuidmap") && h.contains("cap_setuid+ep"));
    }

    #[test]
    fn current_user_has_our_uid() {
        let u = current_user().unwrap();
        assert_eq!(u.uid, nix::unistd::getuid().as_raw());
        assert!(!u.name.is_empty());
    }
}
