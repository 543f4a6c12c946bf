//! The cgroup flags of `run`/`create` (and the limits `update` shares), and their
//! conversion into the spec's [`CgroupSpec`].

use std::path::PathBuf;

use clap::Args;

use super::run_options::OptionsError;
use crate::spec::{parse_size, CgroupSpec, CgroupsMode, Limits, Throttle};

/// The resource limits (`run`, `create`, `update`).
#[derive(Debug, Clone, Default, Args)]
pub struct LimitArgs {
    /// Memory limit (e.g. 512m): the cgroup's memory.max
    #[arg(short, long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// Memory plus swap limit (-1: unlimited swap)
    #[arg(long, value_name = "SIZE", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,
    /// Memory soft limit: the cgroup's memory.low
    #[arg(long, value_name = "SIZE")]
    pub memory_reservation: Option<String>,
    /// Swappiness 0-100 (refused: cgroup v2 has none per cgroup)
    #[arg(long, value_name = "N")]
    pub memory_swappiness: Option<String>,
    /// Number of CPUs (e.g. 1.5): a quota of the CPU period
    #[arg(long, value_name = "N")]
    pub cpus: Option<String>,
    /// CPU shares (relative weight, 2-262144): the cgroup's cpu.weight
    #[arg(short = 'c', long, value_name = "N")]
    pub cpu_shares: Option<String>,
    /// CPU CFS quota, microseconds per period
    #[arg(long, value_name = "USEC")]
    pub cpu_quota: Option<String>,
    /// CPU CFS period, microseconds
    #[arg(long, value_name = "USEC")]
    pub cpu_period: Option<String>,
    /// CPUs the container may run on (0-3, 0,1)
    #[arg(long, value_name = "CPUS")]
    pub cpuset_cpus: Option<String>,
    /// Memory nodes the container may use (0-3, 0,1)
    #[arg(long, value_name = "NODES")]
    pub cpuset_mems: Option<String>,
    /// Process limit (0 or -1: none): the cgroup's pids.max
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub pids_limit: Option<String>,
    /// Block IO weight, 10-1000: the cgroup's io.weight
    #[arg(long, value_name = "N")]
    pub blkio_weight: Option<String>,
    /// Limit reads from a device (DEVICE:RATE, e.g. /dev/sda:1mb)
    #[arg(long, value_name = "DEVICE:RATE")]
    pub device_read_bps: Vec<String>,
    /// Limit writes to a device (DEVICE:RATE)
    #[arg(long, value_name = "DEVICE:RATE")]
    pub device_write_bps: Vec<String>,
    /// Limit read operations per second on a device (DEVICE:N)
    #[arg(long, value_name = "DEVICE:N")]
    pub device_read_iops: Vec<String>,
    /// Limit write operations per second on a device (DEVICE:N)
    #[arg(long, value_name = "DEVICE:N")]
    pub device_write_iops: Vec<String>,
}

/// The cgroup flags of `run` and `create`.
#[derive(Debug, Clone, Default, Args)]
pub struct CgroupArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Refused: cgroup v2 cannot turn the OOM killer off
    #[arg(long)]
    pub oom_kill_disable: bool,
    /// The OOM score adjustment of the container's processes (-1000 to 1000)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub oom_score_adj: Option<String>,
    /// Write a cgroup file: KEY=VALUE (e.g. memory.high=50m as bytes; repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub cgroup_conf: Vec<String>,
    /// The container's cgroup: enabled (default), disabled, no-conmon or split
    #[arg(long, value_name = "MODE")]
    pub cgroups: Option<String>,
    /// The cgroup the container's cgroup is created in
    #[arg(long, value_name = "PATH")]
    pub cgroup_parent: Option<String>,
    /// The cgroup namespace: host (default) or private
    #[arg(long, value_name = "MODE")]
    pub cgroupns: Option<String>,
}

fn bad(flag: &'static str, value: &str, reason: &'static str) -> OptionsError {
    OptionsError::Flag {
        flag,
        value: value.to_string(),
        reason,
    }
}

fn number(flag: &'static str, v: &Option<String>) -> Result<Option<u64>, OptionsError> {
    v.as_deref()
        .map(|t| {
            t.parse::<u64>()
                .map_err(|_| bad(flag, t, "expected a number"))
        })
        .transpose()
}

fn size(flag: &'static str, v: &Option<String>) -> Result<Option<u64>, OptionsError> {
    v.as_deref()
        .map(|t| parse_size(t).ok_or_else(|| bad(flag, t, "expected a size such as 512m")))
        .transpose()
}

fn throttles(
    flag: &'static str,
    list: &[String],
    sized: bool,
) -> Result<Vec<Throttle>, OptionsError> {
    list.iter()
        .map(|t| {
            let (dev, rate) = t
                .rsplit_once(':')
                .ok_or_else(|| bad(flag, t, "expected DEVICE:RATE"))?;
            let rate = if sized {
                parse_size(rate)
            } else {
                rate.parse().ok()
            }
            .ok_or_else(|| bad(flag, t, "expected DEVICE:RATE with a number as the rate"))?;
            if !dev.starts_with('/') {
                return Err(bad(flag, t, "the device must be an absolute path"));
            }
            Ok(Throttle {
                device: PathBuf::from(dev),
                rate,
            })
        })
        .collect()
}

/// Check and convert the limit flags (0 means no limit where podman says so).
pub fn limits(a: &LimitArgs) -> Result<Limits, OptionsError> {
    let memory = size("--memory", &a.memory)?.filter(|m| *m > 0);
    if let Some(m) = memory {
        if m < 6 * 1024 * 1024 {
            return Err(bad(
                "--memory",
                a.memory.as_deref().unwrap_or_default(),
                "the minimum memory limit is 6m",
            ));
        }
    }
    let memory_swap = match a.memory_swap.as_deref() {
        None => None,
        Some("-1") => Some(None),
        Some(t) => {
            let n = parse_size(t)
                .ok_or_else(|| bad("--memory-swap", t, "expected a size such as 1g, or -1"))?;
            match memory {
                None => return Err(bad("--memory-swap", t, "needs --memory as well")),
                Some(m) if n < m => {
                    return Err(bad(
                        "--memory-swap",
                        t,
                        "must be at least --memory (it is memory plus swap)",
                    ))
                }
                Some(_) => Some(Some(n)),
            }
        }
    };
    let memory_swappiness = number("--memory-swappiness", &a.memory_swappiness)?;
    if memory_swappiness.is_some_and(|s| s > 100) {
        return Err(bad(
            "--memory-swappiness",
            a.memory_swappiness.as_deref().unwrap_or_default(),
            "expected 0 to 100",
        ));
    }
    let cpu_period = number("--cpu-period", &a.cpu_period)?.filter(|p| *p > 0);
    let mut cpu_quota = number("--cpu-quota", &a.cpu_quota)?.filter(|q| *q > 0);
    if let Some(c) = &a.cpus {
        let n: f64 = c
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| bad("--cpus", c, "expected a number of CPUs such as 1.5"))?;
        if cpu_quota.is_some() {
            return Err(bad("--cpus", c, "conflicts with --cpu-quota"));
        }
        if n > 0.0 {
            let period = cpu_period.unwrap_or(crate::cgroup::plan::DEFAULT_PERIOD);
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss
            )]
            let q = (n * period as f64).round() as u64;
            cpu_quota = Some(q.max(1000));
        }
    }
    let pids_limit = match a.pids_limit.as_deref() {
        None => None,
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n > 0 => Some(n.unsigned_abs()),
            Ok(0 | -1) => None,
            _ => {
                return Err(bad(
                    "--pids-limit",
                    t,
                    "expected a number (0 or -1: no limit)",
                ))
            }
        },
    };
    let blkio_weight = number("--blkio-weight", &a.blkio_weight)?;
    if blkio_weight.is_some_and(|w| !(10..=1000).contains(&w)) {
        return Err(bad(
            "--blkio-weight",
            a.blkio_weight.as_deref().unwrap_or_default(),
            "expected 10 to 1000",
        ));
    }
    let cpu_shares = number("--cpu-shares", &a.cpu_shares)?.filter(|s| *s > 0);
    Ok(Limits {
        memory,
        memory_reservation: size("--memory-reservation", &a.memory_reservation)?.filter(|m| *m > 0),
        memory_swap,
        memory_swappiness,
        oom_kill_disable: false,
        cpu_quota,
        cpu_period,
        cpu_shares,
        cpuset_cpus: a.cpuset_cpus.clone().filter(|c| !c.is_empty()),
        cpuset_mems: a.cpuset_mems.clone().filter(|c| !c.is_empty()),
        pids_limit,
        blkio_weight,
        device_read_bps: throttles("--device-read-bps", &a.device_read_bps, true)?,
        device_write_bps: throttles("--device-write-bps", &a.device_write_bps, true)?,
        device_read_iops: throttles("--device-read-iops", &a.device_read_iops, false)?,
        device_write_iops: throttles("--device-write-iops", &a.device_write_iops, false)?,
        conf: Vec::new(),
    })
}

/// Check and convert all the cgroup flags of `run`/`create`.
pub fn spec(a: &CgroupArgs) -> Result<CgroupSpec, OptionsError> {
    let mut limits = limits(&a.limits)?;
    limits.oom_kill_disable = a.oom_kill_disable;
    for c in &a.cgroup_conf {
        let (k, v) = c
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| bad("--cgroup-conf", c, "expected KEY=VALUE"))?;
        limits.conf.push((k.to_string(), v.to_string()));
    }
    let mode = a
        .cgroups
        .as_deref()
        .map(|m| {
            CgroupsMode::parse(m).ok_or_else(|| {
                bad(
                    "--cgroups",
                    m,
                    "expected enabled, disabled, no-conmon or split",
                )
            })
        })
        .transpose()?;
    let ns_private = match a.cgroupns.as_deref() {
        None | Some("host") => false,
        Some("private") => true,
        Some(other) => return Err(bad("--cgroupns", other, "expected host or private")),
    };
    let oom_score_adj = a
        .oom_score_adj
        .as_deref()
        .map(|t| {
            t.parse::<i32>()
                .ok()
                .filter(|n| (-1000..=1000).contains(n))
                .ok_or_else(|| bad("--oom-score-adj", t, "expected a number from -1000 to 1000"))
        })
        .transpose()?;
    Ok(CgroupSpec {
        mode,
        parent: a.cgroup_parent.clone().filter(|p| !p.is_empty()),
        ns_private,
        limits,
        oom_score_adj,
        dir: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        c: CgroupArgs,
    }

    fn parse(args: &[&str]) -> Result<CgroupSpec, OptionsError> {
        let t = T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).unwrap();
        spec(&t.c)
    }

    #[test]
    fn flags_become_limits() {
        let s = parse(&[
            "--memory",
            "32m",
            "--cpus",
            "1.5",
            "--pids-limit",
            "5",
            "-c",
            "512",
        ])
        .unwrap();
        assert_eq!(s.limits.memory, Some(32 << 20));
        assert_eq!(s.limits.cpu_quota, Some(150_000));
        assert_eq!(s.limits.pids_limit, Some(5));
        assert_eq!(s.limits.cpu_shares, Some(512));
        let s = parse(&[
            "--memory",
            "64m",
            "--memory-swap",
            "-1",
            "--cgroupns",
            "private",
            "--cgroups",
            "split",
        ])
        .unwrap();
        assert_eq!(s.limits.memory_swap, Some(None));
        assert!(s.ns_private);
        assert_eq!(s.mode, Some(CgroupsMode::Split));
        // No limit is no request.
        assert!(parse(&["--memory=0", "--pids-limit=-1", "--cpus=0"])
            .unwrap()
            .limits
            .is_empty());
    }

    #[test]
    fn bad_values_are_named() {
        for bad in [
            &["--memory", "lots"][..],
            &["--memory", "1k"],
            &["--memory-swap", "1g"],
            &["--memory", "64m", "--memory-swap", "32m"],
            &["--cpus", "x"],
            &["--cpus", "1", "--cpu-quota", "1000"],
            &["--pids-limit", "x"],
            &["--blkio-weight", "5"],
            &["--device-read-bps", "sda:1m"],
            &["--cgroup-conf", "novalue"],
            &["--cgroups", "maybe"],
            &["--cgroupns", "other"],
            &["--oom-score-adj", "2000"],
            &["--memory-swappiness", "101"],
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(bad[0]), "{bad:?}: {e}");
        }
    }
}
