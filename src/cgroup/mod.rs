//! cgroup v2: where berth's containers live (`host`), what a container's limits write
//! (`plan`, pure), the container's leaf cgroup (`leaf`: create, limits, freeze, kill, remove)
//! and its usage (`stats`).
//!
//! Each container gets the leaf `berth-<id>` in the delegated subtree: berth.toml's
//! `[cgroups] root`, `--cgroup-parent`, or the parent of berth's own cgroup when the user
//! owns it (as systemd's `Delegate=yes` leaves it). docs/design-notes.md, "cgroups".

pub mod host;
pub mod leaf;
pub mod plan;
pub mod stats;

use std::path::PathBuf;

pub use host::{Host, Placement};
pub use leaf::Leaf;
pub use plan::{LimitPlan, Write};

/// What went wrong with a cgroup.
#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    #[error(
        "{flag} needs cgroup v2, and this host has no cgroup2 mount (see /proc/self/mountinfo)"
    )]
    NoV2 { flag: &'static str },
    #[error("{flag} needs a delegated cgroup v2 subtree, and berth's cgroup `{own}` is not the user's to manage")]
    NoDelegation { flag: &'static str, own: String },
    #[error("{flag} needs the cgroup v2 `{controller}` controller, which is not delegated to `{dir}` (it has: {available})")]
    NotDelegated {
        flag: &'static str,
        controller: String,
        dir: PathBuf,
        available: String,
    },
    #[error("{flag}: {reason}")]
    Unsupported {
        flag: &'static str,
        reason: &'static str,
    },
    #[error("--cgroup-parent `{0}` is not a cgroup under the cgroup2 mount")]
    BadParent(String),
    #[error("--cgroup-conf `{0}`: expected a cgroup file name such as memory.high")]
    BadConf(String),
    #[error("write `{value}` to `{}`", path.display())]
    Write {
        path: PathBuf,
        value: String,
        #[source]
        source: std::io::Error,
    },
    #[error("read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("create the cgroup `{}`", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("remove the cgroup `{}`", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the cgroup `{}` did not freeze in time", path.display())]
    FreezeTimeout { path: PathBuf },
}

impl CgroupError {
    /// The `hint:` lines a user can act on, if any.
    pub fn hint(&self) -> Option<String> {
        match self {
            CgroupError::NoV2 { .. } => Some(
                "boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1), or run without the limit or with --cgroups=disabled".into(),
            ),
            CgroupError::NoDelegation { .. } | CgroupError::NotDelegated { .. } => Some(
                "on a systemd host, delegate the controllers with systemd's Delegate=: put `[Service]` and `Delegate=cpu cpuset io memory pids` in /etc/systemd/system/user@.service.d/delegate.conf, run `systemctl daemon-reload` and log in again\nhint: elsewhere, have an admin create and chown a cgroup v2 subtree and name it in berth.toml [cgroups] root = \"/sys/fs/cgroup/...\" (berth must run inside it)".into(),
            ),
            _ => None,
        }
    }
}

/// Turn a cgroup error into berth's error, with its hint.
pub fn into_error(what: impl Into<String>, e: CgroupError) -> crate::error::Error {
    let hint = e.hint();
    let what = what.into();
    let err = if what.is_empty() {
        crate::error::Error::not_found(e)
    } else {
        crate::error::Error::from_source(what, e)
    };
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

/// berth.toml's `[engine] cgroups`, parsed.
fn engine_mode(config: &crate::config::Config) -> Option<crate::spec::CgroupsMode> {
    config
        .engine
        .cgroups
        .as_deref()
        .and_then(crate::spec::CgroupsMode::parse)
}

/// Decide where a new container's cgroup goes (the directory its leaf is made in), checking
/// that every limit can be applied there: a limit whose controller is not delegated, or a
/// host without cgroup v2, is refused before anything starts. `None`: no cgroup.
pub fn decide(
    spec: &crate::spec::CgroupSpec,
    config: &crate::config::Config,
) -> Result<Option<PathBuf>, CgroupError> {
    let plan = LimitPlan::of(&spec.limits, &plan::block_device)?;
    let Some(host) = Host::discover() else {
        return match spec.limits.flags().first() {
            Some(flag) => Err(CgroupError::NoV2 { flag }),
            None => Ok(None),
        };
    };
    match host.placement(spec, config.cgroups.root.as_deref(), engine_mode(config))? {
        Placement::None => Ok(None),
        Placement::In { dir } => {
            host::check_controllers(&dir, &plan.controllers())?;
            Ok(Some(dir))
        }
    }
}

/// In P0, before the session starts: when the container's cgroup goes straight into the
/// cgroup berth itself runs in and controllers must be enabled there, move berth into a
/// leaf of its own first (cgroup v2 lets no cgroup with processes enable controllers for
/// its children). The session, forked after, inherits the move.
pub fn leave_parent(
    dir: &std::path::Path,
    spec: &crate::spec::CgroupSpec,
) -> Result<(), CgroupError> {
    let Some(host) = Host::discover() else {
        return Ok(());
    };
    // `--cgroups=split` puts the container below berth's own cgroup by design.
    let split = spec.mode == Some(crate::spec::CgroupsMode::Split);
    if host.own_dir() != dir || spec.limits.is_empty() || split {
        return Ok(());
    }
    let me = dir.join("berth-self");
    std::fs::create_dir_all(&me).map_err(|source| CgroupError::Create {
        path: me.clone(),
        source,
    })?;
    std::fs::write(me.join("cgroup.procs"), "0").map_err(|source| CgroupError::Write {
        path: me.join("cgroup.procs"),
        value: "0".into(),
        source,
    })
}

/// The leaf of a container, if it has one.
pub fn leaf_of(spec: &crate::spec::CgroupSpec, id: &str) -> Option<Leaf> {
    spec.leaf(id).map(Leaf::at)
}
