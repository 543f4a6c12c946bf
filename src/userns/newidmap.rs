//! Writing a child's id maps from the host process (P0): the setuid `newgidmap` and
//! `newuidmap` helpers for subordinate ranges, or a direct write for a single mapping.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::map::{IdMapEntry, IdMaps};
use super::subid::UsernsError;

/// Where a helper is looked for when `$PATH` does not have it.
const FALLBACK_DIRS: [&str; 4] = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

/// Linux capability numbers the helpers need.
const CAP_SETGID: u32 = 6;
const CAP_SETUID: u32 = 7;

/// What is known about one helper (for `berth info` and diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolStatus {
    /// Where it is, if installed.
    pub path: Option<PathBuf>,
    /// Owned by root with the setuid bit.
    pub setuid: bool,
    /// Carries the file capability it needs (`cap_setuid` or `cap_setgid`).
    pub file_caps: bool,
}

impl ToolStatus {
    /// Can the helper do its job?
    pub fn usable(&self) -> bool {
        self.path.is_some() && (self.setuid || self.file_caps)
    }
}

/// Find an executable by name in `$PATH`, then in the usual system directories.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path_var)
        .chain(FALLBACK_DIRS.iter().map(PathBuf::from))
        .filter(|d| d.is_absolute())
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Inspect the helper `name` (`newuidmap` or `newgidmap`).
pub fn tool_status(name: &str) -> ToolStatus {
    let Some(path) = find_in_path(name) else {
        return ToolStatus {
            path: None,
            setuid: false,
            file_caps: false,
        };
    };
    let setuid = std::fs::metadata(&path)
        .is_ok_and(|m| m.uid() == 0 && m.permissions().mode() & 0o4000 != 0);
    let cap = if name == "newgidmap" {
        CAP_SETGID
    } else {
        CAP_SETUID
    };
    let file_caps = crate::sys::xattr::get(&path, "security.capability")
        .ok()
        .flatten()
        .is_some_and(|v| file_caps_grant(&v, cap));
    ToolStatus {
        path: Some(path),
        setuid,
        file_caps,
    }
}

/// Does a `security.capability` value (struct vfs_cap_data, any revision) grant `cap` in its
/// permitted set?
pub fn file_caps_grant(value: &[u8], cap: u32) -> bool {
    let word = |i: usize| -> Option<u32> {
        let b = value.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let Some(magic) = word(0) else {
        return false;
    };
    let revision = magic & 0xff00_0000;
    // Revision 1 has one 32-bit word per set; revisions 2 and 3 have two.
    if !matches!(revision, 0x0100_0000 | 0x0200_0000 | 0x0300_0000) {
        return false;
    }
    // Layout: magic, then (permitted, inheritable) for each 32-bit half.
    let (half, bit) = ((cap / 32) as usize, cap % 32);
    if revision == 0x0100_0000 && half > 0 {
        return false;
    }
    word(1 + half * 2).is_some_and(|permitted| permitted & (1 << bit) != 0)
}

/// Write `maps` for process `pid`: newgidmap then newuidmap, or, for a single mapping of the
/// user's own ids, `deny` to setgroups and the maps directly.
pub fn write_maps(pid: i32, maps: &IdMaps) -> Result<(), UsernsError> {
    if maps.is_single() {
        let proc = PathBuf::from(format!("/proc/{pid}"));
        write_proc(&proc.join("setgroups"), "deny")?;
        write_proc(&proc.join("gid_map"), &IdMaps::to_proc_format(&maps.gids))?;
        write_proc(&proc.join("uid_map"), &IdMaps::to_proc_format(&maps.uids))?;
        return Ok(());
    }
    // Both helpers run at once: each writes its own map file, and the pair costs about as
    // much as the whole rest of a container start, so it is worth halving.
    let gid = spawn_helper("newgidmap", pid, &maps.gids)?;
    let uid = spawn_helper("newuidmap", pid, &maps.uids);
    let gid_result = finish_helper("newgidmap", gid);
    let uid_result = uid.and_then(|child| finish_helper("newuidmap", child));
    gid_result.and(uid_result)
}

fn write_proc(path: &Path, text: &str) -> Result<(), UsernsError> {
    std::fs::write(path, text).map_err(|source| UsernsError::WriteProcFile {
        path: path.to_path_buf(),
        source,
    })
}

fn spawn_helper(
    tool: &str,
    pid: i32,
    entries: &[IdMapEntry],
) -> Result<std::process::Child, UsernsError> {
    let status = tool_status(tool);
    let Some(path) = status.path.clone() else {
        return Err(UsernsError::HelperMissing {
            tool: tool.to_string(),
        });
    };
    if !status.setuid && !status.file_caps {
        return Err(UsernsError::HelperNotPrivileged {
            tool: tool.to_string(),
            path,
        });
    }
    Command::new(&path)
        .args(IdMaps::helper_args(pid, entries))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| UsernsError::HelperSpawn {
            tool: tool.to_string(),
            path,
            source,
        })
}

fn finish_helper(tool: &str, child: std::process::Child) -> Result<(), UsernsError> {
    let out = child
        .wait_with_output()
        .map_err(|source| UsernsError::HelperSpawn {
            tool: tool.to_string(),
            path: PathBuf::from(tool),
            source,
        })?;
    if out.status.success() {
        return Ok(());
    }
    Err(UsernsError::HelperFailed {
        tool: tool.to_string(),
        status: out.status,
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

/// The sysctls that turn unprivileged user namespaces off.
const MAX_USER_NAMESPACES: &str = "/proc/sys/user/max_user_namespaces";
const UNPRIVILEGED_USERNS_CLONE: &str = "/proc/sys/kernel/unprivileged_userns_clone";
const APPARMOR_RESTRICT: &str = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

/// Why unprivileged user namespaces are unavailable, with the sysctl to change, or `None`
/// when nothing forbids them. `read` returns a `/proc/sys` file's content.
pub fn userns_disabled_check(read: impl Fn(&str) -> Option<String>) -> Option<String> {
    let value = |p: &str| read(p).map(|v| v.trim().to_string());
    if value(MAX_USER_NAMESPACES).as_deref() == Some("0") {
        return Some(
            "user namespaces are disabled (user.max_user_namespaces = 0): sudo sysctl -w user.max_user_namespaces=28633"
                .to_string(),
        );
    }
    if value(UNPRIVILEGED_USERNS_CLONE).as_deref() == Some("0") {
        return Some(
            "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0): sudo sysctl -w kernel.unprivileged_userns_clone=1"
                .to_string(),
        );
    }
    if value(APPARMOR_RESTRICT).as_deref() == Some("1") {
        return Some(
            "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or add an AppArmor profile for berth"
                .to_string(),
        );
    }
    None
}

/// [`userns_disabled_check`] on this host.
pub fn userns_disabled_hint() -> Option<String> {
    userns_disabled_check(|p| std::fs::read_to_string(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctls_are_named() {
        let none = userns_disabled_check(|_| None);
        assert_eq!(none, None);
        let h = userns_disabled_check(|p| (p == MAX_USER_NAMESPACES).then(|| "0\n".into()));
        assert!(h.unwrap().contains("user.max_user_namespaces"));
        let h = userns_disabled_check(|p| (p == UNPRIVILEGED_USERNS_CLONE).then(|| "0\n".into()));
        assert!(h.unwrap().contains("kernel.unprivileged_userns_clone=1"));
        let h = userns_disabled_check(|p| (p == APPARMOR_RESTRICT).then(|| "1\n".into()));
        assert!(h.unwrap().contains("apparmor_restrict_unprivileged_userns"));
        let h = userns_disabled_check(|p| match p {
            MAX_USER_NAMESPACES => Some("15000".into()),
            _ => Some("1".into()),
        });
        assert!(h.is_some(), "apparmor=1 still restricts");
    }

    #[test]
    fn file_caps_are_decoded() {
        // revision 2, permitted = cap_setuid (bit 7), effective flag set.
        let mut v = Vec::new();
        v.extend_from_slice(&0x0200_0001u32.to_le_bytes());
        v.extend_from_slice(&(1u32 << 7).to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        assert!(file_caps_grant(&v, CAP_SETUID));
        assert!(!file_caps_grant(&v, CAP_SETGID));
        assert!(!file_caps_grant(&v[..4], CAP_SETUID));
        assert!(!file_caps_grant(&[0, 0, 0, 9, 0x80, 0, 0, 0], CAP_SETUID));
    }

    #[test]
    fn installed_helpers_are_found() {
        let s = tool_status("newuidmap");
        if s.path.is_none() {
            eprintln!("skip: newuidmap is not installed");
            return;
        }
        assert!(s.usable(), "{s:?}");
        let missing = tool_status("berth-no-such-helper");
        assert!(missing.path.is_none() && !missing.usable());
    }

    #[test]
    fn write_maps_reports_a_refusing_helper() {
        // Process 1 is not ours: newuidmap/newgidmap refuse, and the error carries stderr.
        if !tool_status("newgidmap").usable() || nix::unistd::getuid().is_root() {
            eprintln!("skip: needs a usable newgidmap and a non-root user");
            return;
        }
        let maps = IdMaps {
            uids: vec![
                IdMapEntry {
                    inside: 0,
                    outside: 1,
                    count: 1,
                },
                IdMapEntry {
                    inside: 1,
                    outside: 100000,
                    count: 2,
                },
            ],
            gids: vec![
                IdMapEntry {
                    inside: 0,
                    outside: 1,
                    count: 1,
                },
                IdMapEntry {
                    inside: 1,
                    outside: 100000,
                    count: 2,
                },
            ],
        };
        let err = write_maps(1, &maps).unwrap_err();
        assert!(matches!(err, UsernsError::HelperFailed { .. }), "{err}");
    }

    /// A child in a new user namespace (util-linux `unshare` running `sleep`), killed on drop.
    struct Sleeper(std::process::Child);

    impl Sleeper {
        fn start() -> Option<Self> {
            let child = Command::new("unshare")
                .args(["--user", "sleep", "20"])
                .spawn()
                .ok()?;
            let sleeper = Sleeper(child);
            let ours = std::fs::read_link("/proc/self/ns/user").ok()?;
            let theirs = format!("/proc/{}/ns/user", sleeper.0.id());
            for _ in 0..500 {
                if std::fs::read_link(&theirs).is_ok_and(|ns| ns != ours) {
                    return Some(sleeper);
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            None
        }

        fn pid(&self) -> i32 {
            i32::try_from(self.0.id()).unwrap()
        }

        fn map(&self, which: &str) -> String {
            let text = std::fs::read_to_string(format!("/proc/{}/{which}", self.pid())).unwrap();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    }

    impl Drop for Sleeper {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn single_mapping_is_written_directly() {
        let Some(child) = Sleeper::start() else {
            eprintln!("skip: cannot start `unshare --user sleep`");
            return;
        };
        let (uid, gid) = (
            nix::unistd::getuid().as_raw(),
            nix::unistd::getgid().as_raw(),
        );
        let maps = crate::userns::map::session_maps(uid, gid, &[], &[]);
        write_maps(child.pid(), &maps).unwrap();
        assert_eq!(child.map("uid_map"), format!("0 {uid} 1"));
        assert_eq!(child.map("gid_map"), format!("0 {gid} 1"));
        assert_eq!(child.map("setgroups"), "deny");
    }

    #[test]
    fn helpers_write_subordinate_ranges() {
        let user = crate::userns::subid::current_user().unwrap();
        let subuids =
            crate::userns::subid::lookup(Path::new("/etc/subuid"), &user.name, user.uid).unwrap();
        let subgids =
            crate::userns::subid::lookup(Path::new("/etc/subgid"), &user.name, user.uid).unwrap();
        if user.uid == 0 || subuids.is_empty() || subgids.is_empty() {
            eprintln!("skip: needs a non-root user with /etc/subuid and /etc/subgid ranges");
            return;
        }
        let Some(child) = Sleeper::start() else {
            eprintln!("skip: cannot start `unshare --user sleep`");
            return;
        };
        let maps = crate::userns::map::session_maps(user.uid, user.gid, &subuids, &subgids);
        write_maps(child.pid(), &maps).unwrap();
        let want: Vec<String> = maps
            .uids
            .iter()
            .map(|e| format!("{} {} {}", e.inside, e.outside, e.count))
            .collect();
        assert_eq!(child.map("uid_map"), want.join(" "));
    }
}
