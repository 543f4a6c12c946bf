//! The session side of a container start for its volumes: after the rootfs is mounted and
//! before C is cloned, create missing volumes, copy the image's content into a new empty
//! one, and chown `:U` volumes to the container's user. The volume store itself is
//! `storage::volume`.

use std::collections::HashMap;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::spec::{BindMount, UserSpec, VolumeMount};
use crate::storage::volume::{self, io_err, VolumeError};

/// The session side of a container start, after its rootfs is mounted at `rootfs` and
/// before it is cloned: create missing volumes; copy the image's content at the mount
/// point into a volume no container has mounted yet when it is empty (ownership, modes,
/// symlinks and hard links preserved); and chown `:U` volumes to the container's
/// user (`user` resolved in the container's own /etc/passwd and /etc/group; with
/// `keep_id`, translated through the nested namespace's map).
pub fn prepare_volumes(
    store_root: &Path,
    mounts: &[VolumeMount],
    binds: &[BindMount],
    rootfs: &Path,
    user: Option<&UserSpec>,
    keep_id: bool,
) -> Result<(), VolumeError> {
    volume::ensure(store_root, mounts)?;
    let mut owner = None;
    let first_chown = mounts
        .iter()
        .find(|m| m.chown)
        .map(|m| m.name.clone())
        .or_else(|| {
            binds
                .iter()
                .find(|b| b.chown)
                .map(|b| b.source.display().to_string())
        });
    if let Some(first) = first_chown {
        owner =
            Some(
                container_owner(rootfs, user, keep_id).map_err(|reason| VolumeError::Owner {
                    volume: first,
                    reason,
                })?,
            );
    }
    // `:U` on a host directory: chowned (the whole tree) only when its top is not the
    // container user's yet, so files chowned since keep their owner.
    for b in binds.iter().filter(|b| b.chown) {
        if let Some((uid, gid)) = owner {
            let meta = std::fs::symlink_metadata(&b.source).map_err(io_err("stat", &b.source))?;
            if (meta.uid(), meta.gid()) != (uid, gid) {
                chown_tree(&b.source, uid, gid)?;
            }
        }
    }
    for m in mounts {
        let mut volume = volume::find(store_root, &m.name)?;
        if !matches!(volume.kind(), volume::VolumeKind::Dir { .. }) {
            // A bind's host directory and a tmpfs are not berth's to fill or chown.
            continue;
        }
        let data = volume.data();
        let mut changed = false;
        // podman's rule: the content is copied once, by the first container whose image has
        // something at the mount point; until then the volume keeps waiting for it.
        if volume.config.needs_copy_up && m.copy_up {
            let copied = if is_empty_dir(&data)? {
                copy_up(rootfs, &m.target, &data).map_err(|e| VolumeError::CopyUp {
                    volume: m.name.clone(),
                    target: m.target.clone(),
                    source: Box::new(e),
                })?
            } else {
                true
            };
            if copied {
                volume.config.needs_copy_up = false;
                changed = true;
            }
        }
        // The first container to use a new volume owns its top directory.
        if volume.config.needs_chown {
            if volume.config.needs_copy_up || !m.copy_up {
                let (uid, gid) = match owner {
                    Some(o) => o,
                    None => container_owner(rootfs, user, keep_id).map_err(|reason| {
                        VolumeError::Owner {
                            volume: m.name.clone(),
                            reason,
                        }
                    })?,
                };
                std::os::unix::fs::lchown(&data, Some(uid), Some(gid))
                    .map_err(io_err("chown", &data))?;
            }
            volume.config.needs_chown = false;
            changed = true;
        }
        if changed {
            volume::save_config(&volume)?;
        }
        if m.chown {
            if let Some((uid, gid)) = owner {
                chown_tree(&data, uid, gid)?;
            }
        }
    }
    Ok(())
}

/// The uid and gid, as the session sees them, that the container's process runs as.
fn container_owner(
    rootfs: &Path,
    user: Option<&UserSpec>,
    keep_id: bool,
) -> Result<(u32, u32), String> {
    let db = super::user::UserDb::read(rootfs).map_err(|e| e.to_string())?;
    let resolved = super::user::resolve(user, db.passwd.as_deref(), db.group.as_deref())
        .map_err(|e| e.to_string())?;
    if !keep_id {
        return Ok((resolved.uid, resolved.gid));
    }
    let host = |map: &str| {
        std::fs::read_to_string(map)
            .ok()
            .and_then(|text| session_zero_outside(&text))
            .ok_or_else(|| format!("read `{map}`"))
    };
    Ok((
        keep_id_to_session(resolved.uid, host("/proc/self/uid_map")?),
        keep_id_to_session(resolved.gid, host("/proc/self/gid_map")?),
    ))
}

/// The host id that the session's 0 maps to, from `/proc/self/uid_map` text.
fn session_zero_outside(map: &str) -> Option<u32> {
    map.lines().find_map(|line| {
        let mut f = line.split_whitespace().map(str::parse::<u32>);
        match (f.next(), f.next()) {
            (Some(Ok(0)), Some(Ok(outside))) => Some(outside),
            _ => None,
        }
    })
}

/// A keep-id container's id as the session sees it (see `userns::map::keep_id_maps`): the
/// user's own id is session 0, ids below it are shifted up by one, ids above are unchanged.
fn keep_id_to_session(id: u32, host: u32) -> u32 {
    match id.cmp(&host) {
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Less => id + 1,
        std::cmp::Ordering::Greater => id,
    }
}

fn is_empty_dir(path: &Path) -> Result<bool, VolumeError> {
    let mut entries = std::fs::read_dir(path).map_err(io_err("read", path))?;
    Ok(entries.next().is_none())
}

/// Copy the directory at `target` inside `rootfs` (resolved inside it: symlinks on the way
/// cannot lead out) into `dest`. Nothing is copied when the path does not exist or is not a
/// directory. The walk below never follows a symlink: it only enters what `lstat` says is a
/// directory, and the container is not running yet.
pub fn copy_up(rootfs: &Path, target: &str, dest: &Path) -> Result<bool, VolumeError> {
    let root = std::fs::File::open(rootfs).map_err(io_err("open", rootfs))?;
    let fd = match crate::sys::fs::openat2(
        &root,
        Path::new(target),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
        crate::sys::fs::RESOLVE_IN_ROOT | crate::sys::fs::RESOLVE_NO_MAGICLINKS,
    ) {
        Ok(fd) => fd,
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ENOTDIR)) => {
            return Ok(false)
        }
        Err(e) => return Err(io_err("resolve", Path::new(target))(e)),
    };
    let proc_link = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()));
    let source = std::fs::read_link(&proc_link).map_err(io_err("read", &proc_link))?;
    if !source.starts_with(rootfs) {
        return Err(io_err("resolve", Path::new(target))(
            io::Error::from_raw_os_error(libc::EXDEV),
        ));
    }
    drop(fd);
    if is_empty_dir(&source)? {
        return Ok(false);
    }
    let mut links = HashMap::new();
    copy_tree(&source, dest, &mut links)?;
    copy_meta(&source, dest)?;
    Ok(true)
}

/// Copy the entries of directory `from` into the existing directory `to`.
fn copy_tree(
    from: &Path,
    to: &Path,
    links: &mut HashMap<(u64, u64), PathBuf>,
) -> Result<(), VolumeError> {
    for entry in std::fs::read_dir(from).map_err(io_err("read", from))? {
        let entry = entry.map_err(io_err("read", from))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let meta = std::fs::symlink_metadata(&src).map_err(io_err("stat", &src))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(io_err("create", &dst))?;
            copy_tree(&src, &dst, links)?;
            copy_meta(&src, &dst)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src).map_err(io_err("read", &src))?;
            std::os::unix::fs::symlink(&target, &dst).map_err(io_err("create", &dst))?;
            std::os::unix::fs::lchown(&dst, Some(meta.uid()), Some(meta.gid()))
                .map_err(io_err("chown", &dst))?;
        } else if kind.is_file() {
            if meta.nlink() > 1 {
                if let Some(first) = links.get(&(meta.dev(), meta.ino())) {
                    std::fs::hard_link(first, &dst).map_err(io_err("link", &dst))?;
                    continue;
                }
                links.insert((meta.dev(), meta.ino()), dst.clone());
            }
            std::fs::copy(&src, &dst).map_err(io_err("copy", &src))?;
            copy_meta(&src, &dst)?;
        } else {
            use std::os::unix::fs::FileTypeExt;
            // Device nodes cannot be made in a user namespace, and sockets belong to a
            // process: only FIFOs can be recreated.
            if kind.is_fifo() {
                nix::unistd::mkfifo(&dst, nix::sys::stat::Mode::from_bits_truncate(0o600))
                    .map_err(|e| io_err("create", &dst)(e.into()))?;
                copy_meta(&src, &dst)?;
            }
        }
    }
    Ok(())
}

/// Owner, then mode (a chown clears set-id bits), then times.
fn copy_meta(src: &Path, dst: &Path) -> Result<(), VolumeError> {
    let meta = std::fs::symlink_metadata(src).map_err(io_err("stat", src))?;
    std::os::unix::fs::lchown(dst, Some(meta.uid()), Some(meta.gid()))
        .map_err(io_err("chown", dst))?;
    std::fs::set_permissions(dst, std::fs::Permissions::from_mode(meta.mode() & 0o7777))
        .map_err(io_err("chmod", dst))?;
    let atime = nix::sys::time::TimeSpec::new(meta.atime(), meta.atime_nsec());
    let mtime = nix::sys::time::TimeSpec::new(meta.mtime(), meta.mtime_nsec());
    nix::sys::stat::utimensat(
        None,
        dst,
        &atime,
        &mtime,
        nix::sys::stat::UtimensatFlags::NoFollowSymlink,
    )
    .map_err(|e| io_err("set the times of", dst)(e.into()))
}

/// `chown -R` without following symlinks.
fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), VolumeError> {
    let meta = std::fs::symlink_metadata(path).map_err(io_err("stat", path))?;
    let mode = meta.mode() & 0o7777;
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(io_err("chown", path))?;
    if meta.file_type().is_dir() {
        for entry in std::fs::read_dir(path).map_err(io_err("read", path))? {
            let entry = entry.map_err(io_err("read", path))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    if !meta.file_type().is_symlink() && mode & 0o6000 != 0 {
        // Keep the set-id bits the chown cleared.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_err("chmod", path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_id_translation() {
        assert_eq!(
            session_zero_outside(
                "         0       1001          1\n         1     100000      65536\n"
            ),
            Some(1001)
        );
        assert_eq!(keep_id_to_session(1001, 1001), 0);
        assert_eq!(keep_id_to_session(0, 1001), 1);
        assert_eq!(keep_id_to_session(2000, 1001), 2000);
    }

    #[test]
    fn copy_up_preserves_modes_symlinks_and_links_and_stays_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let etc = root.join("etc");
        std::fs::create_dir_all(etc.join("sub")).unwrap();
        std::fs::write(etc.join("a"), b"A").unwrap();
        std::fs::set_permissions(etc.join("a"), std::fs::Permissions::from_mode(0o640)).unwrap();
        std::fs::hard_link(etc.join("a"), etc.join("sub/b")).unwrap();
        std::os::unix::fs::symlink("/etc/a", etc.join("link")).unwrap();
        std::fs::set_permissions(&etc, std::fs::Permissions::from_mode(0o751)).unwrap();
        // A symlink in the image that points out of the rootfs resolves inside it.
        std::os::unix::fs::symlink("/../../../../etc", root.join("escape")).unwrap();

        let dest = tmp.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        copy_up(&root, "/etc", &dest).unwrap();
        assert_eq!(std::fs::read(dest.join("a")).unwrap(), b"A");
        let meta = |p: &Path| std::fs::symlink_metadata(p).unwrap();
        assert_eq!(meta(&dest.join("a")).mode() & 0o777, 0o640);
        assert_eq!(meta(&dest).mode() & 0o777, 0o751);
        assert_eq!(meta(&dest.join("a")).ino(), meta(&dest.join("sub/b")).ino());
        assert_eq!(
            std::fs::read_link(dest.join("link")).unwrap(),
            Path::new("/etc/a")
        );

        let dest2 = tmp.path().join("dest2");
        std::fs::create_dir(&dest2).unwrap();
        copy_up(&root, "/escape", &dest2).unwrap();
        assert!(dest2.join("a").exists(), "resolved inside the rootfs");
        assert!(!dest2.join("passwd").exists());

        let dest3 = tmp.path().join("dest3");
        std::fs::create_dir(&dest3).unwrap();
        copy_up(&root, "/missing", &dest3).unwrap();
        assert!(is_empty_dir(&dest3).unwrap());
    }

    #[test]
    fn prepare_copies_once_and_only_into_empty_volumes() {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store");
        let root = tmp.path().join("root");
        std::fs::create_dir_all(root.join("d")).unwrap();
        std::fs::write(root.join("d/f"), b"image").unwrap();
        let m = VolumeMount {
            name: "v".into(),
            target: "/d".into(),
            readonly: false,
            chown: false,
            copy_up: true,
            anonymous: false,
            restrict: Default::default(),
        };
        prepare_volumes(&store, std::slice::from_ref(&m), &[], &root, None, false).unwrap();
        let v = volume::find(&store, "v").unwrap();
        assert!(!v.config.needs_copy_up);
        assert_eq!(std::fs::read(v.data().join("f")).unwrap(), b"image");
        // A second start copies nothing, even after the volume was emptied.
        std::fs::remove_file(v.data().join("f")).unwrap();
        prepare_volumes(&store, std::slice::from_ref(&m), &[], &root, None, false).unwrap();
        assert!(is_empty_dir(&v.data()).unwrap());
        // nocopy leaves a new volume empty.
        let m2 = VolumeMount {
            name: "w".into(),
            copy_up: false,
            ..m.clone()
        };
        prepare_volumes(&store, &[m2], &[], &root, None, false).unwrap();
        assert!(is_empty_dir(&volume::find(&store, "w").unwrap().data()).unwrap());
        // `:U` names a user of the container's /etc/passwd; an unknown one is an error.
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), "app:x:0:0::/:/bin/sh\n").unwrap();
        let m3 = VolumeMount {
            name: "u".into(),
            chown: true,
            ..m
        };
        let spec = UserSpec::parse("app").unwrap();
        prepare_volumes(
            &store,
            std::slice::from_ref(&m3),
            &[],
            &root,
            Some(&spec),
            false,
        )
        .unwrap();
        let nobody = UserSpec::parse("nobody").unwrap();
        assert!(matches!(
            prepare_volumes(&store, &[m3], &[], &root, Some(&nobody), false),
            Err(VolumeError::Owner { .. })
        ));
    }
}
