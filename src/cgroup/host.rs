//! The host's cgroup v2 setup: the cgroup2 mount (`/sys/fs/cgroup` on a unified host,
//! `/sys/fs/cgroup/unified` on a hybrid one), the cgroup berth runs in, the delegated
//! subtree containers go in, and the controllers it has.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use super::CgroupError;
use crate::spec::{CgroupSpec, CgroupsMode};

/// The cgroup v2 hierarchy as this process sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Where cgroup2 is mounted.
    pub mount: PathBuf,
    /// This process's cgroup, relative to the mount (`/` is the root).
    pub own: String,
}

/// Where a container's leaf goes, as decided for `run`/`create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// No cgroup of its own (`--cgroups=disabled`, or no delegated subtree and no limits).
    None,
    /// The leaf `berth-<id>` is created in `dir`.
    In { dir: PathBuf },
}

/// The cgroup2 mount point in /proc/self/mountinfo text.
pub fn parse_mountinfo(text: &str) -> Option<PathBuf> {
    text.lines().find_map(|line| {
        let (left, right) = line.split_once(" - ")?;
        if right.split_whitespace().next()? != "cgroup2" {
            return None;
        }
        let point = left.split_whitespace().nth(4)?;
        Some(PathBuf::from(point.replace("\\040", " ")))
    })
}

/// The unified (`0::`) line of /proc/self/cgroup text.
pub fn parse_proc_cgroup(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(str::to_string)
}

/// Split a cgroup file's list of names (cgroup.controllers, cgroup.subtree_control).
pub fn names(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// The controllers of the cgroup `dir` (what its parent lets it use).
pub fn controllers(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("cgroup.controllers"))
        .map(|t| names(&t))
        .unwrap_or_default()
}

/// Is the cgroup `dir` this user's to manage (the directory and its cgroup.procs are ours, as
/// systemd's `Delegate=yes` or an admin's chown leaves them)?
pub fn owned(dir: &Path) -> bool {
    let me = nix::unistd::geteuid().as_raw();
    let ours = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.uid() == me);
    ours(dir) && ours(&dir.join("cgroup.procs"))
}

impl Host {
    /// This process's view, or `None` without a cgroup2 mount.
    pub fn discover() -> Option<Host> {
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        let mount = parse_mountinfo(&mountinfo)?;
        let own = std::fs::read_to_string("/proc/self/cgroup")
            .ok()
            .and_then(|t| parse_proc_cgroup(&t))
            .unwrap_or_else(|| "/".into());
        Some(Host { mount, own })
    }

    /// The directory of the cgroup at `rel` (a path relative to the mount).
    pub fn dir(&self, rel: &str) -> PathBuf {
        self.mount.join(rel.trim_start_matches('/'))
    }

    /// The directory of this process's cgroup.
    pub fn own_dir(&self) -> PathBuf {
        self.dir(&self.own)
    }

    /// The delegated subtree: `configured` (berth.toml `[cgroups] root`), else the parent of
    /// berth's own cgroup when the user owns it, else berth's own cgroup when the user owns
    /// that.
    pub fn delegated(&self, configured: Option<&Path>) -> Option<PathBuf> {
        if let Some(root) = configured {
            return Some(root.to_path_buf());
        }
        let own = self.own_dir();
        if let Some(parent) = own.parent().filter(|p| p.starts_with(&self.mount)) {
            if owned(parent) {
                return Some(parent.to_path_buf());
            }
        }
        owned(&own).then_some(own)
    }

    /// Where a container with `spec` goes. `configured` is berth.toml's `[cgroups] root`;
    /// `engine_mode` its `[engine] cgroups`.
    pub fn placement(
        &self,
        spec: &CgroupSpec,
        configured: Option<&Path>,
        engine_mode: Option<CgroupsMode>,
    ) -> Result<Placement, CgroupError> {
        let mode = spec.mode.or(engine_mode).unwrap_or_default();
        let flag = spec.limits.flags().first().copied();
        if mode == CgroupsMode::Disabled {
            if let Some(flag) = flag {
                return Err(CgroupError::Unsupported {
                    flag,
                    reason:
                        "a limit needs a cgroup, and --cgroups=disabled gives the container none",
                });
            }
            return Ok(Placement::None);
        }
        let base = if mode == CgroupsMode::Split {
            owned(&self.own_dir()).then(|| self.own_dir())
        } else {
            self.delegated(configured)
        };
        let dir = match (&spec.parent, base) {
            (Some(p), _) if p.starts_with('/') => {
                let dir = if Path::new(p).starts_with(&self.mount) {
                    PathBuf::from(p)
                } else {
                    self.dir(p)
                };
                if p.split('/').any(|c| c == "..") {
                    return Err(CgroupError::BadParent(p.clone()));
                }
                Some(dir)
            }
            (Some(p), Some(base)) => {
                if p.split('/').any(|c| c == ".." || c.is_empty()) {
                    return Err(CgroupError::BadParent(p.clone()));
                }
                Some(base.join(p))
            }
            (None, base) | (Some(_), base @ None) => base,
        };
        match (dir, flag) {
            (Some(dir), _) => Ok(Placement::In { dir }),
            (None, None) => Ok(Placement::None),
            (None, Some(flag)) => Err(CgroupError::NoDelegation {
                flag,
                own: self.own.clone(),
            }),
        }
    }
}

/// Check that every controller `needed` (flag, controller) is available in `dir` or, for a
/// `dir` yet to be made, in its nearest existing ancestor.
pub fn check_controllers(dir: &Path, needed: &[(&'static str, String)]) -> Result<(), CgroupError> {
    let mut probe = dir;
    while !probe.join("cgroup.controllers").exists() {
        match probe.parent() {
            Some(p) => probe = p,
            None => break,
        }
    }
    // A directory still to be created gets what its existing ancestor can delegate further.
    let have = controllers(probe);
    for (flag, c) in needed {
        if !have.iter().any(|h| h == c) {
            return Err(CgroupError::NotDelegated {
                flag,
                controller: c.clone(),
                dir: probe.to_path_buf(),
                available: if have.is_empty() {
                    "none".into()
                } else {
                    have.join(" ")
                },
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HYBRID: &str = "25 1 0:23 / /sys rw - sysfs sysfs rw\n\
        40 25 0:35 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n\
        41 40 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n\
        42 40 0:39 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";

    #[test]
    fn finds_the_cgroup2_mount_on_hybrid_and_unified_hosts() {
        assert_eq!(
            parse_mountinfo(HYBRID),
            Some(PathBuf::from("/sys/fs/cgroup/unified"))
        );
        let unified = "30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n";
        assert_eq!(
            parse_mountinfo(unified),
            Some(PathBuf::from("/sys/fs/cgroup"))
        );
        assert_eq!(parse_mountinfo("1 0 0:1 / / rw - ext4 /dev/sda rw\n"), None);
    }

    #[test]
    fn reads_the_unified_line_of_proc_cgroup() {
        let text = "9:name=systemd:/\n4:memory:/x\n0::/user.slice/user-1000.slice/user@1000.service/app.slice\n";
        assert_eq!(
            parse_proc_cgroup(text).as_deref(),
            Some("/user.slice/user-1000.slice/user@1000.service/app.slice")
        );
        assert_eq!(parse_proc_cgroup("4:memory:/\n"), None);
    }

    fn fake() -> (tempfile::TempDir, Host) {
        let t = tempfile::tempdir().unwrap();
        let own = t.path().join("deleg/harness");
        std::fs::create_dir_all(&own).unwrap();
        for d in [t.path().join("deleg"), own.clone()] {
            std::fs::write(d.join("cgroup.procs"), "").unwrap();
        }
        std::fs::write(t.path().join("deleg/cgroup.controllers"), "cpu pids\n").unwrap();
        let host = Host {
            mount: t.path().to_path_buf(),
            own: "/deleg/harness".into(),
        };
        (t, host)
    }

    #[test]
    fn containers_go_beside_berths_own_cgroup_when_the_user_owns_its_parent() {
        let (t, host) = fake();
        let spec = CgroupSpec::default();
        assert_eq!(
            host.placement(&spec, None, None).unwrap(),
            Placement::In {
                dir: t.path().join("deleg")
            }
        );
        // berth.toml's root wins; --cgroup-parent is relative to it, or to the mount.
        let root = t.path().join("other");
        let mut spec = CgroupSpec {
            parent: Some("mine".into()),
            ..CgroupSpec::default()
        };
        assert_eq!(
            host.placement(&spec, Some(&root), None).unwrap(),
            Placement::In {
                dir: root.join("mine")
            }
        );
        spec.parent = Some("/abs/x".into());
        assert_eq!(
            host.placement(&spec, None, None).unwrap(),
            Placement::In {
                dir: t.path().join("abs/x")
            }
        );
        spec.parent = Some("../up".into());
        assert!(host.placement(&spec, None, None).is_err());
    }

    #[test]
    fn disabled_means_no_cgroup_and_refuses_limits() {
        let (_t, host) = fake();
        let mut spec = CgroupSpec::default();
        assert_eq!(
            host.placement(&spec, None, Some(CgroupsMode::Disabled))
                .unwrap(),
            Placement::None
        );
        spec.limits.pids_limit = Some(5);
        let e = host
            .placement(&spec, None, Some(CgroupsMode::Disabled))
            .unwrap_err();
        assert!(e.to_string().contains("--pids-limit"), "{e}");
        // The flag wins over berth.toml.
        spec.mode = Some(CgroupsMode::Enabled);
        assert!(host
            .placement(&spec, None, Some(CgroupsMode::Disabled))
            .is_ok());
    }

    #[test]
    fn a_host_without_delegation_refuses_limits_only() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("root-owned")).unwrap();
        let host = Host {
            mount: t.path().to_path_buf(),
            own: "/root-owned".into(),
        };
        // No cgroup.procs files: not owned as a delegated cgroup.
        let mut spec = CgroupSpec::default();
        assert_eq!(host.placement(&spec, None, None).unwrap(), Placement::None);
        spec.limits.memory = Some(1 << 25);
        let e = host.placement(&spec, None, None).unwrap_err();
        assert!(matches!(
            e,
            CgroupError::NoDelegation {
                flag: "--memory",
                ..
            }
        ));
        assert!(e.hint().unwrap().contains("Delegate="));
    }

    #[test]
    fn a_missing_controller_is_named() {
        let (t, _host) = fake();
        let dir = t.path().join("deleg");
        assert!(
            check_controllers(&dir.join("berth-x"), &[("--pids-limit", "pids".into())]).is_ok()
        );
        let e = check_controllers(&dir, &[("--memory", "memory".into())]).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("--memory") && text.contains("`memory`") && text.contains("cpu pids"),
            "{text}"
        );
    }
}
