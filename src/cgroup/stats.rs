//! A container's resource usage, read from its leaf (cpu.stat, memory.current, memory.max,
//! io.stat, pids.current) and its init's /proc/PID/net/dev. A field whose controller (or
//! file) is missing is `None`, shown as `--`, never zero.

use std::path::Path;

/// One reading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sample {
    /// cpu.stat `usage_usec` (in the core: no controller needed).
    pub cpu_usec: Option<u64>,
    pub mem_usage: Option<u64>,
    /// memory.max; `max` reads as the host's memory.
    pub mem_limit: Option<u64>,
    /// io.stat: bytes read and written, over all devices.
    pub block_io: Option<(u64, u64)>,
    pub pids: Option<u64>,
    /// Bytes received and sent, over every interface but `lo`.
    pub net_io: Option<(u64, u64)>,
}

/// A `key value` field of a flat-keyed file.
pub fn flat_key(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// io.stat: the sums of `rbytes=` and `wbytes=` over its device lines.
pub fn parse_io_stat(text: &str) -> (u64, u64) {
    let mut out = (0, 0);
    for field in text.split_whitespace() {
        if let Some(v) = field.strip_prefix("rbytes=") {
            out.0 += v.parse::<u64>().unwrap_or(0);
        } else if let Some(v) = field.strip_prefix("wbytes=") {
            out.1 += v.parse::<u64>().unwrap_or(0);
        }
    }
    out
}

/// /proc/net/dev: received and sent bytes, over every interface but `lo`.
pub fn parse_net_dev(text: &str) -> (u64, u64) {
    let mut out = (0, 0);
    for line in text.lines().skip(2) {
        let Some((name, rest)) = line.split_once(':') else {
            continue;
        };
        if name.trim() == "lo" {
            continue;
        }
        let f: Vec<u64> = rest
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(0))
            .collect();
        if f.len() >= 9 {
            out.0 += f[0];
            out.1 += f[8];
        }
    }
    out
}

/// The host's memory, from /proc/meminfo.
pub fn host_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// Read the leaf at `leaf` (and the network of `pid`, the container's init).
pub fn sample(leaf: &Path, pid: Option<i32>) -> Sample {
    let read = |f: &str| std::fs::read_to_string(leaf.join(f)).ok();
    let number = |f: &str| read(f).and_then(|t| t.trim().parse::<u64>().ok());
    let mem_usage = number("memory.current");
    Sample {
        cpu_usec: read("cpu.stat").and_then(|t| flat_key(&t, "usage_usec")),
        mem_limit: mem_usage
            .and(read("memory.max"))
            .and_then(|t| match t.trim() {
                "max" => host_memory(),
                n => n.parse().ok(),
            }),
        mem_usage,
        block_io: read("io.stat").map(|t| parse_io_stat(&t)),
        pids: number("pids.current"),
        net_io: pid
            .and_then(|p| std::fs::read_to_string(format!("/proc/{p}/net/dev")).ok())
            .map(|t| parse_net_dev(&t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_kernels_files() {
        assert_eq!(
            flat_key("usage_usec 1234\nuser_usec 1000\n", "usage_usec"),
            Some(1234)
        );
        assert_eq!(
            parse_io_stat("8:0 rbytes=100 wbytes=20 rios=1 wios=2\n8:16 rbytes=5 wbytes=0\n"),
            (105, 20)
        );
        let net = "Inter-|   Receive  |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets\n    lo: 50 1 0 0 0 0 0 0 50 1 0 0 0 0 0 0\n  eth0: 1000 10 0 0 0 0 0 0 300 3 0 0 0 0 0 0\n";
        assert_eq!(parse_net_dev(net), (1000, 300));
    }

    #[test]
    fn a_leaf_without_controllers_has_only_cpu() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("cpu.stat"), "usage_usec 42\n").unwrap();
        let s = sample(t.path(), None);
        assert_eq!(s.cpu_usec, Some(42));
        assert_eq!(
            (s.mem_usage, s.mem_limit, s.pids, s.block_io),
            (None, None, None, None)
        );
        std::fs::write(t.path().join("memory.current"), "4096\n").unwrap();
        std::fs::write(t.path().join("memory.max"), "8192\n").unwrap();
        std::fs::write(t.path().join("pids.current"), "3\n").unwrap();
        let s = sample(t.path(), None);
        assert_eq!(
            (s.mem_usage, s.mem_limit, s.pids),
            (Some(4096), Some(8192), Some(3))
        );
    }
}
