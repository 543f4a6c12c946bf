//! What a container's limits write, as pure data: which cgroup v2 file gets which value, and
//! which controller each needs. `leaf` carries it out; the tests check it file by file.

use std::path::Path;

use super::CgroupError;
use crate::spec::{Limits, Throttle};

/// One write into the container's cgroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The flag that asked for it (for messages).
    pub flag: &'static str,
    /// The controller the file belongs to.
    pub controller: String,
    /// The file, relative to the cgroup directory (`memory.max`).
    pub file: String,
    pub value: String,
}

/// Every write, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LimitPlan {
    pub writes: Vec<Write>,
}

/// cgroup v1's cpu.shares (2-262144, default 1024) on cgroup v2's cpu.weight (1-10000,
/// default 100): the linear map both ends of which agree.
pub fn shares_to_weight(shares: u64) -> u64 {
    let shares = shares.clamp(2, 262_144);
    1 + ((shares - 2) * 9999) / 262_142
}

/// `--blkio-weight` (10-1000) on io.weight (1-10000).
pub fn blkio_to_io_weight(weight: u64) -> u64 {
    let weight = weight.clamp(10, 1000);
    1 + ((weight - 10) * 9999) / 990
}

/// The default CFS period, in microseconds.
pub const DEFAULT_PERIOD: u64 = 100_000;

impl LimitPlan {
    /// The writes for `limits`. `device` gives a device node's `(major, minor)`.
    pub fn of(
        limits: &Limits,
        device: &dyn Fn(&Path) -> Option<(u64, u64)>,
    ) -> Result<LimitPlan, CgroupError> {
        let mut writes = Vec::new();
        let mut add = |flag: &'static str, file: &str, value: String| {
            let controller = file.split('.').next().unwrap_or_default().to_string();
            writes.push(Write {
                flag,
                controller,
                file: file.into(),
                value,
            });
        };
        if let Some(m) = limits.memory {
            add("--memory", "memory.max", m.to_string());
        }
        if let Some(r) = limits.memory_reservation {
            add("--memory-reservation", "memory.low", r.to_string());
        }
        match limits.memory_swap {
            None => {}
            // -1: unlimited swap.
            Some(None) => add("--memory-swap", "memory.swap.max", "max".into()),
            // Memory plus swap on cgroup v1; swap alone on v2.
            Some(Some(total)) => {
                let swap = total.saturating_sub(limits.memory.unwrap_or(0));
                add("--memory-swap", "memory.swap.max", swap.to_string());
            }
        }
        if limits.memory_swappiness.is_some() {
            return Err(CgroupError::Unsupported {
                flag: "--memory-swappiness",
                reason: "cgroup v2 has no per-cgroup swappiness",
            });
        }
        if limits.oom_kill_disable {
            return Err(CgroupError::Unsupported {
                flag: "--oom-kill-disable",
                reason: "cgroup v2 cannot turn the OOM killer off for a cgroup",
            });
        }
        if limits.cpu_quota.is_some() || limits.cpu_period.is_some() {
            let period = limits.cpu_period.unwrap_or(DEFAULT_PERIOD);
            let quota = limits
                .cpu_quota
                .map_or_else(|| "max".to_string(), |q| q.to_string());
            let flag = if limits.cpu_quota.is_some() {
                "--cpu-quota"
            } else {
                "--cpu-period"
            };
            add(flag, "cpu.max", format!("{quota} {period}"));
        }
        if let Some(s) = limits.cpu_shares {
            add(
                "--cpu-shares",
                "cpu.weight",
                shares_to_weight(s).to_string(),
            );
        }
        if let Some(c) = &limits.cpuset_cpus {
            add("--cpuset-cpus", "cpuset.cpus", c.clone());
        }
        if let Some(m) = &limits.cpuset_mems {
            add("--cpuset-mems", "cpuset.mems", m.clone());
        }
        if let Some(p) = limits.pids_limit {
            add("--pids-limit", "pids.max", p.to_string());
        }
        if let Some(w) = limits.blkio_weight {
            add(
                "--blkio-weight",
                "io.weight",
                format!("default {}", blkio_to_io_weight(w)),
            );
        }
        let throttles: [(&'static str, &str, &Vec<Throttle>); 4] = [
            ("--device-read-bps", "rbps", &limits.device_read_bps),
            ("--device-write-bps", "wbps", &limits.device_write_bps),
            ("--device-read-iops", "riops", &limits.device_read_iops),
            ("--device-write-iops", "wiops", &limits.device_write_iops),
        ];
        for (flag, key, list) in throttles {
            for t in list {
                let (major, minor) = device(&t.device).ok_or(CgroupError::Unsupported {
                    flag,
                    reason: "the path is not a block device",
                })?;
                add(flag, "io.max", format!("{major}:{minor} {key}={}", t.rate));
            }
        }
        for (key, value) in &limits.conf {
            let valid = key.contains('.')
                && !key.starts_with('.')
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
            if !valid {
                return Err(CgroupError::BadConf(key.clone()));
            }
            add("--cgroup-conf", key, value.clone());
        }
        Ok(LimitPlan { writes })
    }

    /// The controllers the plan needs, each with the first flag that needs it. The core files
    /// (`cgroup.*`) need none.
    pub fn controllers(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for w in &self.writes {
            if w.controller != "cgroup" && !out.iter().any(|(_, c)| *c == w.controller) {
                out.push((w.flag, w.controller.clone()));
            }
        }
        out
    }
}

/// The `(major, minor)` of a block device node.
pub fn block_device(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    let meta = std::fs::metadata(path).ok()?;
    if !meta.file_type().is_block_device() {
        return None;
    }
    let rdev = meta.rdev();
    Some((nix::sys::stat::major(rdev), nix::sys::stat::minor(rdev)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files(limits: &Limits) -> Vec<(String, String)> {
        let dev = |p: &Path| (p == Path::new("/dev/sda")).then_some((8, 0));
        LimitPlan::of(limits, &dev)
            .unwrap()
            .writes
            .into_iter()
            .map(|w| (w.file, w.value))
            .collect()
    }

    fn pair(f: &str, v: &str) -> (String, String) {
        (f.into(), v.into())
    }

    #[test]
    fn memory_flags_write_max_low_and_swap() {
        let l = Limits {
            memory: Some(32 << 20),
            memory_reservation: Some(16 << 20),
            memory_swap: Some(Some(64 << 20)),
            ..Limits::default()
        };
        assert_eq!(
            files(&l),
            [
                pair("memory.max", "33554432"),
                pair("memory.low", "16777216"),
                pair("memory.swap.max", "33554432"),
            ]
        );
        let l = Limits {
            memory: Some(1 << 20),
            memory_swap: Some(None),
            ..Limits::default()
        };
        assert_eq!(files(&l)[1], pair("memory.swap.max", "max"));
    }

    #[test]
    fn cpu_flags_write_cpu_max_and_weight() {
        // --cpus 1.5 is a quota of 150000 in the default period.
        let l = Limits {
            cpu_quota: Some(150_000),
            cpu_shares: Some(1024),
            cpuset_cpus: Some("0-1".into()),
            cpuset_mems: Some("0".into()),
            ..Limits::default()
        };
        assert_eq!(
            files(&l),
            [
                pair("cpu.max", "150000 100000"),
                pair("cpu.weight", "39"),
                pair("cpuset.cpus", "0-1"),
                pair("cpuset.mems", "0"),
            ]
        );
        let l = Limits {
            cpu_period: Some(50_000),
            ..Limits::default()
        };
        assert_eq!(files(&l), [pair("cpu.max", "max 50000")]);
        assert_eq!(shares_to_weight(2), 1);
        assert_eq!(shares_to_weight(262_144), 10000);
    }

    #[test]
    fn pids_io_and_conf() {
        let l = Limits {
            pids_limit: Some(5),
            blkio_weight: Some(500),
            device_read_bps: vec![Throttle {
                device: PathBuf::from("/dev/sda"),
                rate: 1_048_576,
            }],
            device_write_iops: vec![Throttle {
                device: PathBuf::from("/dev/sda"),
                rate: 100,
            }],
            conf: vec![("memory.high".into(), "50000000".into())],
            ..Limits::default()
        };
        assert_eq!(
            files(&l),
            [
                pair("pids.max", "5"),
                pair("io.weight", "default 4950"),
                pair("io.max", "8:0 rbps=1048576"),
                pair("io.max", "8:0 wiops=100"),
                pair("memory.high", "50000000"),
            ]
        );
        let plan = LimitPlan::of(&l, &|_| Some((8, 0))).unwrap();
        let cs: Vec<String> = plan.controllers().into_iter().map(|(_, c)| c).collect();
        assert_eq!(cs, ["pids", "io", "memory"]);
        assert_eq!(plan.controllers()[0].0, "--pids-limit");
    }

    #[test]
    fn what_cgroup_v2_cannot_do_is_refused() {
        let no_dev = |_: &Path| None;
        let l = Limits {
            memory_swappiness: Some(10),
            ..Limits::default()
        };
        assert!(LimitPlan::of(&l, &no_dev).is_err());
        let l = Limits {
            oom_kill_disable: true,
            ..Limits::default()
        };
        assert!(LimitPlan::of(&l, &no_dev).is_err());
        let l = Limits {
            device_read_bps: vec![Throttle {
                device: PathBuf::from("/nope"),
                rate: 1,
            }],
            ..Limits::default()
        };
        assert!(LimitPlan::of(&l, &no_dev).is_err());
        for bad in ["../x", "nodot", ".max", "a/b.c"] {
            let l = Limits {
                conf: vec![(bad.into(), "1".into())],
                ..Limits::default()
            };
            assert!(LimitPlan::of(&l, &no_dev).is_err(), "{bad}");
        }
        // A core file needs no controller.
        let l = Limits {
            conf: vec![("cgroup.max.depth".into(), "3".into())],
            ..Limits::default()
        };
        assert!(LimitPlan::of(&l, &no_dev).unwrap().controllers().is_empty());
    }
}
