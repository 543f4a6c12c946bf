//! The cgroup part of a container's spec: `--cgroups`, `--cgroup-parent`, `--cgroupns` and
//! the resource limits, parsed from the command line, as `config.json` stores them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// `--cgroups`: whether the container gets a cgroup of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CgroupsMode {
    /// A leaf cgroup for the container where berth has a delegated subtree (podman's default).
    #[default]
    Enabled,
    /// No cgroup: the container stays in berth's own (no limits, no pause, no stats).
    Disabled,
    /// As `enabled`: berth has no conmon, so there is nothing else to leave out.
    NoConmon,
    /// The container's cgroup below the cgroup berth runs in (not the delegated root).
    Split,
}

impl CgroupsMode {
    /// Parse podman's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "enabled" => CgroupsMode::Enabled,
            "disabled" => CgroupsMode::Disabled,
            "no-conmon" => CgroupsMode::NoConmon,
            "split" => CgroupsMode::Split,
            _ => return None,
        })
    }

    /// podman's spelling.
    pub fn name(self) -> &'static str {
        match self {
            CgroupsMode::Enabled => "enabled",
            CgroupsMode::Disabled => "disabled",
            CgroupsMode::NoConmon => "no-conmon",
            CgroupsMode::Split => "split",
        }
    }
}

/// One `--device-*-bps`/`-iops` throttle: the device and its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub device: PathBuf,
    pub rate: u64,
}

/// The resource limits, as asked (before they are turned into cgroup files). `None` is "not
/// asked for".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// `--memory`, bytes.
    pub memory: Option<u64>,
    /// `--memory-reservation`, bytes.
    pub memory_reservation: Option<u64>,
    /// `--memory-swap` (memory plus swap), bytes; `Some(None)` is `-1`, unlimited swap.
    pub memory_swap: Option<Option<u64>>,
    /// `--memory-swappiness` (0-100).
    pub memory_swappiness: Option<u64>,
    /// `--oom-kill-disable`.
    pub oom_kill_disable: bool,
    /// `--cpu-quota` (or `--cpus` times the period), microseconds.
    pub cpu_quota: Option<u64>,
    /// `--cpu-period`, microseconds.
    pub cpu_period: Option<u64>,
    /// `--cpu-shares` (cgroup v1's scale, 2-262144).
    pub cpu_shares: Option<u64>,
    /// `--cpuset-cpus`.
    pub cpuset_cpus: Option<String>,
    /// `--cpuset-mems`.
    pub cpuset_mems: Option<String>,
    /// `--pids-limit` (positive; 0 and -1 are no limit and are not recorded).
    pub pids_limit: Option<u64>,
    /// `--blkio-weight` (10-1000).
    pub blkio_weight: Option<u64>,
    pub device_read_bps: Vec<Throttle>,
    pub device_write_bps: Vec<Throttle>,
    pub device_read_iops: Vec<Throttle>,
    pub device_write_iops: Vec<Throttle>,
    /// `--cgroup-conf KEY=VALUE`: a cgroup file and what to write into it.
    pub conf: Vec<(String, String)>,
}

impl Limits {
    /// Nothing asked for.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }

    /// The flags asked for, in podman's names (for messages).
    pub fn flags(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut add = |on: bool, flag| {
            if on {
                out.push(flag);
            }
        };
        add(self.memory.is_some(), "--memory");
        add(self.memory_reservation.is_some(), "--memory-reservation");
        add(self.memory_swap.is_some(), "--memory-swap");
        add(self.memory_swappiness.is_some(), "--memory-swappiness");
        add(self.oom_kill_disable, "--oom-kill-disable");
        add(self.cpu_quota.is_some(), "--cpu-quota");
        add(self.cpu_period.is_some(), "--cpu-period");
        add(self.cpu_shares.is_some(), "--cpu-shares");
        add(self.cpuset_cpus.is_some(), "--cpuset-cpus");
        add(self.cpuset_mems.is_some(), "--cpuset-mems");
        add(self.pids_limit.is_some(), "--pids-limit");
        add(self.blkio_weight.is_some(), "--blkio-weight");
        add(!self.device_read_bps.is_empty(), "--device-read-bps");
        add(!self.device_write_bps.is_empty(), "--device-write-bps");
        add(!self.device_read_iops.is_empty(), "--device-read-iops");
        add(!self.device_write_iops.is_empty(), "--device-write-iops");
        add(!self.conf.is_empty(), "--cgroup-conf");
        out
    }
}

/// Everything about the container's cgroup.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CgroupSpec {
    /// `--cgroups`; `None`: berth.toml's `[engine] cgroups`, else enabled.
    pub mode: Option<CgroupsMode>,
    /// `--cgroup-parent`: the cgroup (a path under the delegated root, or an absolute path
    /// under the cgroup2 mount) the container's leaf is created in.
    pub parent: Option<String>,
    /// `--cgroupns=private` (true) or `host` (false, the default here).
    pub ns_private: bool,
    pub limits: Limits,
    /// `--oom-score-adj`: a process attribute, set with the cgroup.
    pub oom_score_adj: Option<i32>,
    /// The directory the leaf `berth-<id>` was created in, decided at create. `None`: the
    /// container has no cgroup.
    pub dir: Option<PathBuf>,
}

impl CgroupSpec {
    /// The container's own cgroup directory, if it has one.
    pub fn leaf(&self, id: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("berth-{id}")))
    }
}
