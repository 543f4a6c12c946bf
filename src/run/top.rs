//! `berth top`: the container's processes, read from the /proc of its PID namespace (which
//! its mount namespace shows), with podman's format descriptors.

use std::collections::HashMap;
use std::path::Path;

/// One column of `berth top` (podman's format descriptors, a subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Descriptor {
    Args,
    Comm,
    Etime,
    Group,
    Nice,
    Pcpu,
    Pgid,
    Pid,
    Ppid,
    Rgroup,
    Ruser,
    State,
    Time,
    Tty,
    User,
    Vsz,
}

/// podman's default columns.
pub const DEFAULT: [Descriptor; 8] = [
    Descriptor::User,
    Descriptor::Pid,
    Descriptor::Ppid,
    Descriptor::Pcpu,
    Descriptor::Etime,
    Descriptor::Tty,
    Descriptor::Time,
    Descriptor::Args,
];

impl Descriptor {
    /// A descriptor by name, or `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "args" => Descriptor::Args,
            "comm" => Descriptor::Comm,
            "etime" => Descriptor::Etime,
            "group" => Descriptor::Group,
            "nice" => Descriptor::Nice,
            "pcpu" => Descriptor::Pcpu,
            "pgid" => Descriptor::Pgid,
            "pid" => Descriptor::Pid,
            "ppid" => Descriptor::Ppid,
            "rgroup" => Descriptor::Rgroup,
            "ruser" => Descriptor::Ruser,
            "state" => Descriptor::State,
            "time" => Descriptor::Time,
            "tty" => Descriptor::Tty,
            "user" => Descriptor::User,
            "vsz" => Descriptor::Vsz,
            _ => return None,
        })
    }

    /// The column header, as podman prints it.
    pub fn header(self) -> &'static str {
        match self {
            Descriptor::Args | Descriptor::Comm => "COMMAND",
            Descriptor::Etime => "ELAPSED",
            Descriptor::Group => "GROUP",
            Descriptor::Nice => "NI",
            Descriptor::Pcpu => "%CPU",
            Descriptor::Pgid => "PGID",
            Descriptor::Pid => "PID",
            Descriptor::Ppid => "PPID",
            Descriptor::Rgroup => "RGROUP",
            Descriptor::Ruser => "RUSER",
            Descriptor::State => "STATE",
            Descriptor::Time => "TIME",
            Descriptor::Tty => "TTY",
            Descriptor::User => "USER",
            Descriptor::Vsz => "VSZ",
        }
    }
}

/// The columns `args` ask for (descriptors separated by commas or spaces; none means
/// podman's default), or `None` when an argument is not a descriptor: then the
/// arguments are for the container's own `ps`, as podman does.
pub fn parse_descriptors(args: &[String]) -> Option<Vec<Descriptor>> {
    if args.is_empty() {
        return Some(DEFAULT.to_vec());
    }
    let mut out = Vec::new();
    for arg in args {
        for name in arg.split([',', ' ']).filter(|n| !n.is_empty()) {
            out.push(Descriptor::parse(name)?);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// What top shows of one process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProcInfo {
    pub pid: i32,
    pub comm: String,
    pub state: char,
    pub ppid: i32,
    pub pgid: i32,
    pub tty_nr: u32,
    pub utime: u64,
    pub stime: u64,
    pub nice: i64,
    pub start: u64,
    pub vsize: u64,
    /// The command line, NULs as spaces; empty for a zombie.
    pub args: String,
    /// Real and effective uid and gid.
    pub uid: (u32, u32),
    pub gid: (u32, u32),
}

/// Parse /proc/PID/stat (the fields top uses) into `info`.
pub fn parse_stat(text: &str, info: &mut ProcInfo) -> Option<()> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    info.pid = text[..open].trim().parse().ok()?;
    info.comm = text.get(open + 1..close)?.to_string();
    // Fields from 3 (state) on; index 0 here is field 3.
    let f: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    info.state = f.first()?.chars().next()?;
    info.ppid = f.get(1)?.parse().ok()?;
    info.pgid = f.get(2)?.parse().ok()?;
    info.tty_nr = u32::try_from(num(4)?).ok()?;
    info.utime = num(11)?;
    info.stime = num(12)?;
    info.nice = f.get(16)?.parse().ok()?;
    info.start = num(19)?;
    info.vsize = num(20)?;
    Some(())
}

/// The real and effective ids from the `Uid:` and `Gid:` lines of /proc/PID/status.
pub fn parse_status_ids(text: &str, info: &mut ProcInfo) -> Option<()> {
    let ids = |prefix: &str| -> Option<(u32, u32)> {
        let line = text.lines().find_map(|l| l.strip_prefix(prefix))?;
        let mut it = line.split_whitespace().map(str::parse::<u32>);
        Some((it.next()?.ok()?, it.next()?.ok()?))
    };
    info.uid = ids("Uid:")?;
    info.gid = ids("Gid:")?;
    Some(())
}

/// A duration as Go prints it (`0s`, `12ms`, `3.5s`, `2m5.25s`, `1h0m0s`), which is how
/// podman shows ELAPSED and TIME.
pub fn go_duration(nanos: u128) -> String {
    fn fraction(v: u128, unit: u128, digits: usize) -> String {
        let (int, frac) = (v / unit, v % unit);
        if frac == 0 {
            return int.to_string();
        }
        let frac = format!("{frac:0digits$}");
        format!("{int}.{}", frac.trim_end_matches('0'))
    }
    const S: u128 = 1_000_000_000;
    match nanos {
        0 => "0s".into(),
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{}µs", fraction(n, 1_000, 3)),
        n if n < S => format!("{}ms", fraction(n, 1_000_000, 6)),
        n => {
            let (h, m) = (n / (3600 * S), (n / (60 * S)) % 60);
            let secs = fraction(n % (60 * S), S, 9);
            if h > 0 {
                format!("{h}h{m}m{secs}s")
            } else if m > 0 {
                format!("{m}m{secs}s")
            } else {
                format!("{secs}s")
            }
        }
    }
}

/// A terminal's name from `tty_nr` (major and minor packed as the kernel does), or `?`.
pub fn tty_name(tty_nr: u32) -> String {
    let major = (tty_nr >> 8) & 0xfff;
    let minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
    match major {
        0 => "?".into(),
        136..=143 => format!("pts/{}", (major - 136) * 256 + minor),
        4 if minor < 64 => format!("tty{minor}"),
        4 => format!("ttyS{}", minor - 64),
        _ => "?".into(),
    }
}

/// id -> name, from /etc/passwd or /etc/group text (name in field 1, id in field 3).
pub fn id_names(text: &str) -> HashMap<u32, String> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split(':');
            let name = f.next()?;
            let id = f.nth(1)?.parse().ok()?;
            Some((id, name.to_string()))
        })
        .collect()
}

/// What the cells need besides the process.
pub struct Context {
    /// Nanoseconds since boot, now.
    pub uptime: u128,
    /// Clock ticks per second.
    pub ticks: u64,
    pub users: HashMap<u32, String>,
    pub groups: HashMap<u32, String>,
}

fn name(names: &HashMap<u32, String>, id: u32) -> String {
    names.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

/// One cell of the table.
pub fn cell(d: Descriptor, p: &ProcInfo, ctx: &Context) -> String {
    let ticks = u128::from(ctx.ticks.max(1));
    let elapsed = ctx
        .uptime
        .saturating_sub(u128::from(p.start) * 1_000_000_000 / ticks);
    let cpu = u128::from(p.utime + p.stime) * 1_000_000_000 / ticks;
    match d {
        Descriptor::Args if !p.args.is_empty() => p.args.clone(),
        Descriptor::Args => format!("[{}]", p.comm),
        Descriptor::Comm => p.comm.clone(),
        Descriptor::Etime => go_duration(elapsed),
        Descriptor::Group => name(&ctx.groups, p.gid.1),
        Descriptor::Nice => p.nice.to_string(),
        Descriptor::Pcpu => percent(cpu, elapsed),
        Descriptor::Pgid => p.pgid.to_string(),
        Descriptor::Pid => p.pid.to_string(),
        Descriptor::Ppid => p.ppid.to_string(),
        Descriptor::Rgroup => name(&ctx.groups, p.gid.0),
        Descriptor::Ruser => name(&ctx.users, p.uid.0),
        Descriptor::State => p.state.to_string(),
        Descriptor::Time => go_duration(cpu),
        Descriptor::Tty => tty_name(p.tty_nr),
        Descriptor::User => name(&ctx.users, p.uid.1),
        Descriptor::Vsz => (p.vsize / 1024).to_string(),
    }
}

/// `part` of `whole` in percent with three decimals (`0.000` when `whole` is 0).
pub fn percent(part: u128, whole: u128) -> String {
    if whole == 0 {
        return "0.000".into();
    }
    let milli = (part * 100_000 + whole / 2) / whole;
    format!("{}.{:03}", milli / 1000, milli % 1000)
}

/// The table: a header line, then one line per process, in podman's layout.
pub fn render(columns: &[Descriptor], procs: &[ProcInfo], ctx: &Context) -> String {
    let mut rows = vec![columns.iter().map(|d| d.header().to_string()).collect()];
    for p in procs {
        rows.push(columns.iter().map(|d| cell(*d, p, ctx)).collect());
    }
    crate::format::table(&rows)
}

/// Every process in the /proc at `proc` (the container's, once its mount namespace is
/// joined), by pid. A process that exits while we read it is left out.
pub fn read_processes(proc: &Path) -> std::io::Result<Vec<ProcInfo>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(proc)? {
        let entry = entry?;
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let dir = proc.join(pid.to_string());
        let mut info = ProcInfo::default();
        let ok = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|t| parse_stat(&t, &mut info))
            .and_then(|()| std::fs::read_to_string(dir.join("status")).ok())
            .and_then(|t| parse_status_ids(&t, &mut info));
        if ok.is_none() {
            continue;
        }
        if let Ok(bytes) = std::fs::read(dir.join("cmdline")) {
            let args: Vec<String> = bytes
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            info.args = args.join(" ");
        }
        out.push(info);
    }
    out.sort_by_key(|p| p.pid);
    Ok(out)
}

/// Nanoseconds since boot, from /proc/uptime.
pub fn uptime(proc: &Path) -> std::io::Result<u128> {
    let text = std::fs::read_to_string(proc.join("uptime"))?;
    parse_uptime(&text).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unexpected /proc/uptime `{}`", text.trim()),
        )
    })
}

/// The first field of /proc/uptime (`12345.67`) in nanoseconds, without rounding.
pub fn parse_uptime(text: &str) -> Option<u128> {
    let first = text.split_whitespace().next()?;
    let (secs, frac) = first.split_once('.').unwrap_or((first, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_ns: u128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    Some(secs.parse::<u128>().ok()? * 1_000_000_000 + frac_ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors() {
        assert_eq!(parse_descriptors(&[]), Some(DEFAULT.to_vec()));
        let args = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            parse_descriptors(&args(&["pid,comm", "user"])),
            Some(vec![Descriptor::Pid, Descriptor::Comm, Descriptor::User])
        );
        assert_eq!(parse_descriptors(&args(&["-ef"])), None);
        assert_eq!(parse_descriptors(&args(&["pid", "bogus"])), None);
        assert_eq!(parse_descriptors(&args(&[","])), None);
        let headers: Vec<&str> = DEFAULT.iter().map(|d| d.header()).collect();
        assert_eq!(
            headers,
            ["USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"]
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(999), "999ns");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(12_000_000), "12ms");
        assert_eq!(go_duration(80_000_000), "80ms");
        assert_eq!(go_duration(3_500_000_000), "3.5s");
        assert_eq!(go_duration(125_250_000_000), "2m5.25s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(3_661_000_000_001), "1h1m1.000000001s");
    }

    #[test]
    fn stat_and_status() {
        let stat = "42 (my (odd) cmd) S 1 42 42 34816 42 4194560 100 0 0 0 7 3 0 0 20 5 1 0 \
                    1234 2322432 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0";
        let mut p = ProcInfo::default();
        assert_eq!(parse_stat(stat, &mut p), Some(()));
        assert_eq!(p.pid, 42);
        assert_eq!(p.comm, "my (odd) cmd");
        assert_eq!((p.state, p.ppid, p.pgid), ('S', 1, 42));
        assert_eq!(p.tty_nr, 34816);
        assert_eq!((p.utime, p.stime, p.nice), (7, 3, 5));
        assert_eq!((p.start, p.vsize), (1234, 2_322_432));
        assert_eq!(parse_stat("garbage", &mut p), None);

        let status = "Name:\tsh\nUid:\t0\t1000\t1000\t1000\nGid:\t5\t2000\t2000\t2000\n";
        assert_eq!(parse_status_ids(status, &mut p), Some(()));
        assert_eq!((p.uid, p.gid), ((0, 1000), (5, 2000)));
    }

    #[test]
    fn tty_names() {
        assert_eq!(tty_name(0), "?");
        assert_eq!(tty_name(34816), "pts/0");
        assert_eq!(tty_name((136 << 8) | 3), "pts/3");
        assert_eq!(tty_name((137 << 8) | 1), "pts/257");
        assert_eq!(tty_name((4 << 8) | 1), "tty1");
        assert_eq!(tty_name((4 << 8) | 65), "ttyS1");
    }

    #[test]
    fn uptime_and_percent() {
        assert_eq!(parse_uptime("12.34 56.78\n"), Some(12_340_000_000));
        assert_eq!(parse_uptime("7 1"), Some(7_000_000_000));
        assert_eq!(parse_uptime("x"), None);
        assert_eq!(percent(1, 0), "0.000");
        assert_eq!(percent(1, 4), "25.000");
        assert_eq!(percent(1, 3), "33.333");
    }

    #[test]
    fn cells_and_table() {
        let ctx = Context {
            uptime: 10_000_000_000,
            ticks: 100,
            users: id_names("root:x:0:0::/root:/bin/sh\ntester:x:1000:1000::/h:/bin/sh\n"),
            groups: id_names("root:x:0:\nextra:x:2000:tester\n"),
        };
        let p = ProcInfo {
            pid: 1,
            comm: "sleep".into(),
            state: 'S',
            ppid: 0,
            pgid: 0,
            tty_nr: 0,
            utime: 150,
            stime: 50,
            nice: 0,
            start: 600,
            vsize: 2_048_000,
            args: "sleep 300".into(),
            uid: (0, 1000),
            gid: (0, 2000),
        };
        assert_eq!(cell(Descriptor::Etime, &p, &ctx), "4s");
        assert_eq!(cell(Descriptor::Time, &p, &ctx), "2s");
        assert_eq!(cell(Descriptor::Pcpu, &p, &ctx), "50.000");
        assert_eq!(cell(Descriptor::User, &p, &ctx), "tester");
        assert_eq!(cell(Descriptor::Ruser, &p, &ctx), "root");
        assert_eq!(cell(Descriptor::Group, &p, &ctx), "extra");
        assert_eq!(cell(Descriptor::Vsz, &p, &ctx), "2000");
        let zombie = ProcInfo {
            args: String::new(),
            uid: (4242, 4242),
            ..p.clone()
        };
        assert_eq!(cell(Descriptor::Args, &zombie, &ctx), "[sleep]");
        assert_eq!(cell(Descriptor::User, &zombie, &ctx), "4242");
        let table = render(&[Descriptor::Pid, Descriptor::Args], &[p], &ctx);
        assert_eq!(table, "PID         COMMAND\n1           sleep 300\n");
    }
}
