//! The runtime directory when `XDG_RUNTIME_DIR` is not set (a `su` or `sudo -u` shell, cron,
//! ssh without pam_systemd).
//!
//! Like podman, berth then uses `/run/user/<uid>/berth` when `/run/user/<uid>` exists and is
//! the user's own, else `$TMPDIR/berth-<uid>` (`/tmp/berth-<uid>`). The uid is the user's
//! real one, outside berth's user namespace, so two users never pick the same name.
//!
//! One invocation uses one path in all its processes: P0 (the host process) resolves it in
//! stage dispatch, while it is single-threaded, and puts it in [`PINNED_ENV`], which the
//! session, a detached container's monitor, `exec`, healthchecks and the netns holder inherit
//! (inside the user namespace `getuid()` is 0, which would name `/tmp/berth-0`).
//!
//! A fallback directory is trusted only after a check on an fd opened with `O_NOFOLLOW`: a
//! directory, not a symlink, owned by the user, writable by nobody else; its parent must not
//! let others replace it (sticky, like `/tmp`, or not writable by others). Anything else is
//! refused, before berth writes anything under it, with a hint to set `XDG_RUNTIME_DIR`.

use std::path::{Path, PathBuf};

use super::ConfigError;

/// The runtime directory P0 resolved, inherited by every process of the invocation.
pub const PINNED_ENV: &str = "BERTH_RUNTIME_DIR";

/// Where the runtime directory comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDir {
    /// `$XDG_RUNTIME_DIR/berth`: the user's own directory, set up by the login manager.
    Xdg(PathBuf),
    /// `--runroot` (`BERTH_RUNROOT`): the directory itself, created 0700 and checked to be
    /// the user's own on first use, as the XDG one is.
    Given(PathBuf),
    /// A fallback, pinned by P0 ([`PINNED_ENV`]) or computed here; checked before use.
    Fallback(PathBuf),
}

impl RuntimeDir {
    /// The directory.
    pub fn path(&self) -> &Path {
        match self {
            RuntimeDir::Xdg(p) | RuntimeDir::Given(p) | RuntimeDir::Fallback(p) => p,
        }
    }
}

/// Choose the runtime directory (pure apart from `run_user_usable`): `--runroot`, else
/// `XDG_RUNTIME_DIR`, else
/// the pinned path, else `/run/user/<uid>/berth` when `run_user_usable(/run/user/<uid>)`,
/// else `$TMPDIR/berth-<uid>`. `uid` is the user's real uid.
pub fn choose(
    get: &impl Fn(&str) -> Option<String>,
    uid: u32,
    run_user_usable: impl Fn(&Path) -> bool,
) -> RuntimeDir {
    let nonempty = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = nonempty(super::global::RUNROOT_ENV) {
        return RuntimeDir::Given(dir);
    }
    if let Some(dir) = nonempty("XDG_RUNTIME_DIR") {
        return RuntimeDir::Xdg(dir.join("berth"));
    }
    if let Some(pinned) = nonempty(PINNED_ENV) {
        return RuntimeDir::Fallback(pinned);
    }
    let run_user = PathBuf::from(format!("/run/user/{uid}"));
    if run_user_usable(&run_user) {
        return RuntimeDir::Fallback(run_user.join("berth"));
    }
    let tmp = nonempty("TMPDIR")
        .filter(|t| t.is_absolute())
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    RuntimeDir::Fallback(tmp.join(format!("berth-{uid}")))
}

/// P0, in stage dispatch (single-threaded): resolve the runtime directory once and pin it
/// for every process this invocation starts. Nothing is created or refused here; the first
/// use checks it (a command that needs no runtime directory must not fail on it).
pub fn pin_for_children() {
    let get = |k: &str| std::env::var(k).ok();
    if let RuntimeDir::Fallback(path) = choose(&get, host_uid(), run_user_usable) {
        // Only called from stage dispatch, before any thread exists.
        std::env::set_var(PINNED_ENV, path);
    }
}

/// The user's real uid: `getuid()` in the initial user namespace; inside berth's session
/// (uid 0), the uid it maps to outside.
pub fn host_uid() -> u32 {
    let uid = nix::unistd::getuid().as_raw();
    std::fs::read_to_string("/proc/self/uid_map")
        .ok()
        .and_then(|map| outside_uid(&map, uid))
        .unwrap_or(uid)
}

/// Translate `inside` through a `/proc/<pid>/uid_map` text (lines `inside outside count`).
pub fn outside_uid(map: &str, inside: u32) -> Option<u32> {
    map.lines().find_map(|line| {
        let mut f = line.split_whitespace().map(|v| v.parse::<u64>().ok());
        let (start, out, count) = (f.next()??, f.next()??, f.next()??);
        let offset = u64::from(inside).checked_sub(start)?;
        if offset < count {
            u32::try_from(out + offset).ok()
        } else {
            None
        }
    })
}

/// podman's test for `/run/user/<uid>`: a real directory (not a symlink), the user's own,
/// writable by nobody else.
pub fn run_user_usable(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let euid = nix::unistd::geteuid().as_raw();
    std::fs::symlink_metadata(dir)
        .is_ok_and(|m| m.is_dir() && m.uid() == euid && m.mode() & 0o022 == 0)
}

/// What is wrong with a fallback directory (pure: from `fstat` of it and its parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// A symlink, or not a directory.
    NotADirectory,
    /// Owned by somebody else (the owner's uid as this process sees it).
    Owner(u32),
    /// Writable by group or others (the mode).
    Writable(u32),
    /// The parent lets others replace the directory (world-writable, not sticky).
    Parent(u32),
}

/// Judge a directory from its owner and mode, its parent's owner and mode, and our euid.
pub fn judge(euid: u32, owner: u32, mode: u32, parent_mode: u32) -> Result<(), Unsafe> {
    if mode & libc::S_IFMT != libc::S_IFDIR {
        return Err(Unsafe::NotADirectory);
    }
    if owner != euid {
        return Err(Unsafe::Owner(owner));
    }
    if mode & 0o022 != 0 {
        return Err(Unsafe::Writable(mode & 0o7777));
    }
    if parent_mode & 0o002 != 0 && parent_mode & 0o1000 == 0 {
        return Err(Unsafe::Parent(parent_mode & 0o7777));
    }
    Ok(())
}

/// Create a fallback runtime directory (mode 0700, parent must exist) and check it is the
/// user's own before anything is written under it. Read bits for others are taken away.
pub fn secure(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
    let create = |source| ConfigError::CreateDir {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |problem| ConfigError::UnsafeRuntimeDir {
        path: path.to_path_buf(),
        problem: describe(problem),
    };
    match std::fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(create(e)),
    }
    // Checked on the opened directory, so a symlink swapped in cannot fool the check.
    let dir = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
            return Err(refuse(Unsafe::NotADirectory))
        }
        Err(e) => return Err(create(e)),
    };
    let meta = dir.metadata().map_err(create)?;
    let parent = path.parent().unwrap_or(Path::new("/"));
    let parent_mode = std::fs::metadata(parent).map_err(create)?.mode();
    let euid = nix::unistd::geteuid().as_raw();
    judge(euid, meta.uid(), meta.mode(), parent_mode).map_err(refuse)?;
    if meta.mode() & 0o077 != 0 {
        dir.set_permissions(std::fs::Permissions::from_mode(0o700))
            .map_err(create)?;
    }
    Ok(())
}

/// One line on what is wrong, as the user would check it with `ls -ld`.
fn describe(problem: Unsafe) -> String {
    match problem {
        Unsafe::NotADirectory => "it is a symlink or not a directory".to_string(),
        Unsafe::Owner(owner) => {
            let me = host_uid();
            match owner_outside(owner) {
                Some(o) => format!("it is owned by uid {o}, not by you (uid {me})"),
                None => format!("it is owned by another user (uid {owner} here, not mapped into berth's user namespace), not by you (uid {me})"),
            }
        }
        Unsafe::Writable(mode) => format!("others can write to it (mode {mode:04o})"),
        Unsafe::Parent(mode) => {
            format!("its parent is writable by everybody and not sticky (mode {mode:04o})")
        }
    }
}

/// An owner uid as this process sees it, translated to the host's view (None: unmapped).
fn owner_outside(owner: u32) -> Option<u32> {
    let map = std::fs::read_to_string("/proc/self/uid_map").ok()?;
    if owner == overflow_uid() && outside_uid(&map, owner).is_none() {
        return None;
    }
    outside_uid(&map, owner).or(Some(owner))
}

fn overflow_uid() -> u32 {
    std::fs::read_to_string("/proc/sys/kernel/overflowuid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(65534)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn xdg_then_pinned_then_run_user_then_tmp() {
        let xdg = env(&[("XDG_RUNTIME_DIR", "/run/user/5"), (PINNED_ENV, "/p")]);
        assert_eq!(
            choose(&xdg, 5, |_| true),
            RuntimeDir::Xdg("/run/user/5/berth".into())
        );
        let pinned = env(&[(PINNED_ENV, "/tmp/berth-1001"), ("TMPDIR", "/t")]);
        // Inside the session the uid is 0: the pinned path wins over anything computed.
        assert_eq!(
            choose(&pinned, 0, |_| true),
            RuntimeDir::Fallback("/tmp/berth-1001".into())
        );
        let none = env(&[]);
        assert_eq!(
            choose(&none, 1001, |p| p == Path::new("/run/user/1001")),
            RuntimeDir::Fallback("/run/user/1001/berth".into())
        );
        assert_eq!(
            choose(&none, 1001, |_| false),
            RuntimeDir::Fallback("/tmp/berth-1001".into())
        );
        let tmpdir = env(&[("TMPDIR", "/var/tmp/u"), ("XDG_RUNTIME_DIR", "")]);
        assert_eq!(
            choose(&tmpdir, 1001, |_| false),
            RuntimeDir::Fallback("/var/tmp/u/berth-1001".into())
        );
        // A relative TMPDIR would depend on the working directory: ignored.
        let relative = env(&[("TMPDIR", "tmp")]);
        assert_eq!(
            choose(&relative, 7, |_| false).path(),
            Path::new("/tmp/berth-7")
        );
    }

    #[test]
    fn uid_map_translation() {
        let map = "         0       1001          1\n         1     100000      65536\n";
        assert_eq!(outside_uid(map, 0), Some(1001));
        assert_eq!(outside_uid(map, 1), Some(100_000));
        assert_eq!(outside_uid(map, 65536), Some(165_535));
        assert_eq!(outside_uid(map, 65537), None);
        let identity = "         0          0 4294967295\n";
        assert_eq!(outside_uid(identity, 1001), Some(1001));
        assert_eq!(outside_uid("garbage", 0), None);
    }

    #[test]
    fn only_a_private_directory_of_ours_passes() {
        let dir = libc::S_IFDIR;
        let tmp = 0o1777;
        assert_eq!(judge(1001, 1001, dir | 0o700, tmp), Ok(()));
        assert_eq!(judge(1001, 1001, dir | 0o755, tmp), Ok(()));
        assert_eq!(
            judge(1001, 65534, dir | 0o700, tmp),
            Err(Unsafe::Owner(65534))
        );
        assert_eq!(
            judge(1001, 1001, dir | 0o777, tmp),
            Err(Unsafe::Writable(0o777))
        );
        assert_eq!(
            judge(1001, 1001, dir | 0o720, tmp),
            Err(Unsafe::Writable(0o720))
        );
        assert_eq!(
            judge(1001, 1001, libc::S_IFLNK | 0o777, tmp),
            Err(Unsafe::NotADirectory)
        );
        assert_eq!(
            judge(1001, 1001, dir | 0o700, 0o777),
            Err(Unsafe::Parent(0o777))
        );
        assert_eq!(judge(1001, 1001, dir | 0o700, 0o755), Ok(()));
    }

    #[test]
    fn secure_creates_refuses_symlinks_and_tightens() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("berth-x");
        secure(&dir).unwrap();
        let meta = std::fs::symlink_metadata(&dir).unwrap();
        assert!(meta.is_dir());
        assert_eq!(meta.mode() & 0o777, 0o700);
        // Ours, but readable by others: tightened.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        secure(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
        // Ours, but writable by others: refused, left as it is.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = secure(&dir).unwrap_err().to_string();
        assert!(e.contains("others can write to it (mode 0777)"), "{e}");
        // A symlink to a directory of ours is refused too.
        let link = base.path().join("berth-link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let e = secure(&link).unwrap_err().to_string();
        assert!(e.contains("symlink"), "{e}");
        assert!(e.contains(&format!("`{}`", link.display())), "{e}");
    }
}
