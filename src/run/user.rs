//! Resolve `--user` in the container's own /etc/passwd and /etc/group (never through NSS).

use std::path::Path;

use crate::spec::UserSpec;
use crate::sys::fs::{read_regular_in_root, RootFileError};

/// The most berth reads of `/etc/passwd` or `/etc/group` (glibc's own files are a few KiB;
/// a larger one is refused rather than read into memory).
pub const USER_DB_LIMIT: u64 = 1 << 20;

/// The text of a rootfs's `/etc/passwd` and `/etc/group` (either may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDb {
    pub passwd: Option<String>,
    pub group: Option<String>,
}

impl UserDb {
    /// Read both files from the rootfs at `root`, each resolved inside it, refused unless it
    /// is a regular file of at most [`USER_DB_LIMIT`] bytes.
    pub fn read(root: &Path) -> Result<UserDb, RootFileError> {
        let text = |p: &str| -> Result<Option<String>, RootFileError> {
            Ok(read_regular_in_root(root, Path::new(p), USER_DB_LIMIT)?
                .map(|b| String::from_utf8_lossy(&b).into_owned()))
        };
        Ok(UserDb {
            passwd: text("/etc/passwd")?,
            group: text("/etc/group")?,
        })
    }
}

/// The ids a container process runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
    /// HOME from /etc/passwd, when the user has an entry.
    pub home: Option<String>,
}

/// The user could not be resolved.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UserError {
    #[error("no user `{0}` in the container's /etc/passwd")]
    NoUser(String),
    #[error("no group `{0}` in the container's /etc/group")]
    NoGroup(String),
}

struct PasswdEntry<'a> {
    name: &'a str,
    uid: u32,
    gid: u32,
    home: &'a str,
}

fn passwd_entries(text: &str) -> impl Iterator<Item = PasswdEntry<'_>> {
    text.lines().filter_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 7 {
            return None;
        }
        Some(PasswdEntry {
            name: f[0],
            uid: f[2].parse().ok()?,
            gid: f[3].parse().ok()?,
            home: f[5],
        })
    })
}

struct GroupEntry<'a> {
    name: &'a str,
    gid: u32,
    members: Vec<&'a str>,
}

fn group_entries(text: &str) -> impl Iterator<Item = GroupEntry<'_>> {
    text.lines().filter_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() < 4 {
            return None;
        }
        Some(GroupEntry {
            name: f[0],
            gid: f[2].parse().ok()?,
            members: f[3].split(',').filter(|m| !m.is_empty()).collect(),
        })
    })
}

/// Resolve `spec` (default: root) against the text of /etc/passwd and /etc/group (either may
/// be missing: numeric ids then work, names do not).
pub fn resolve(
    spec: Option<&UserSpec>,
    passwd: Option<&str>,
    group: Option<&str>,
) -> Result<Resolved, UserError> {
    let default = UserSpec {
        user: "0".into(),
        group: None,
    };
    let spec = spec.unwrap_or(&default);
    let passwd = passwd.unwrap_or("");
    let group = group.unwrap_or("");

    let entry = match spec.user.parse::<u32>() {
        Ok(uid) => passwd_entries(passwd).find(|e| e.uid == uid),
        Err(_) => Some(
            passwd_entries(passwd)
                .find(|e| e.name == spec.user)
                .ok_or_else(|| UserError::NoUser(spec.user.clone()))?,
        ),
    };
    let uid = match spec.user.parse::<u32>() {
        Ok(uid) => uid,
        Err(_) => entry.as_ref().map_or(0, |e| e.uid),
    };
    let primary = entry.as_ref().map_or(0, |e| e.gid);
    let gid = match &spec.group {
        None => primary,
        Some(g) => match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => group_entries(group)
                .find(|e| e.name == g)
                .map(|e| e.gid)
                .ok_or_else(|| UserError::NoGroup(g.clone()))?,
        },
    };
    // Supplementary groups: those listing the user's name, as initgroups would find them,
    // unless an explicit group was given.
    let mut groups = Vec::new();
    if spec.group.is_none() {
        if let Some(e) = &entry {
            groups = group_entries(group)
                .filter(|g| g.members.contains(&e.name) && g.gid != gid)
                .map(|g| g.gid)
                .collect();
        }
    }
    groups.sort_unstable();
    groups.dedup();
    Ok(Resolved {
        uid,
        gid,
        groups,
        home: entry.map(|e| e.home.to_string()),
    })
}

/// A group by name (in the container's /etc/group) or number.
pub fn group_id(name: &str, group: Option<&str>) -> Result<u32, UserError> {
    if let Ok(gid) = name.parse::<u32>() {
        return Ok(gid);
    }
    group_entries(group.unwrap_or(""))
        .find(|g| g.name == name)
        .map(|g| g.gid)
        .ok_or_else(|| UserError::NoGroup(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str =
        "root:x:0:0:root:/root:/bin/sh\ntester:x:1000:1000::/home/tester:/bin/sh\nbroken line\n";
    const GROUP: &str = "root:x:0:\ntester:x:1000:\nextra:x:2000:tester,other\n";

    fn spec(s: &str) -> UserSpec {
        UserSpec::parse(s).unwrap()
    }

    #[test]
    fn default_is_root() {
        let r = resolve(None, Some(PASSWD), Some(GROUP)).unwrap();
        assert_eq!((r.uid, r.gid, r.home.as_deref()), (0, 0, Some("/root")));
    }

    #[test]
    fn name_gives_primary_and_supplementary_groups() {
        let r = resolve(Some(&spec("tester")), Some(PASSWD), Some(GROUP)).unwrap();
        assert_eq!((r.uid, r.gid), (1000, 1000));
        assert_eq!(r.groups, vec![2000]);
        assert_eq!(r.home.as_deref(), Some("/home/tester"));
    }

    #[test]
    fn numeric_ids_need_no_entry() {
        let r = resolve(Some(&spec("4242:4343")), Some(PASSWD), None).unwrap();
        assert_eq!((r.uid, r.gid, r.groups.len()), (4242, 4343, 0));
        let r = resolve(Some(&spec("1000")), Some(PASSWD), Some(GROUP)).unwrap();
        assert_eq!((r.uid, r.gid), (1000, 1000));
    }

    #[test]
    fn extra_groups() {
        assert_eq!(group_id("extra", Some(GROUP)), Ok(2000));
        assert_eq!(group_id("4242", None), Ok(4242));
        assert!(group_id("nope", Some(GROUP)).is_err());
    }

    #[test]
    fn group_by_name_and_errors() {
        let r = resolve(Some(&spec("tester:extra")), Some(PASSWD), Some(GROUP)).unwrap();
        assert_eq!(r.gid, 2000);
        assert!(r.groups.is_empty());
        assert_eq!(
            resolve(Some(&spec("nobody")), Some(PASSWD), Some(GROUP)),
            Err(UserError::NoUser("nobody".into()))
        );
        assert_eq!(
            resolve(Some(&spec("0:nogroup")), Some(PASSWD), Some(GROUP)),
            Err(UserError::NoGroup("nogroup".into()))
        );
    }
}
