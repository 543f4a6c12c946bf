//! Masked and read-only kernel paths (pure): podman's defaults (containers/common
//! `DefaultMaskedPaths` and `DefaultReadOnlyPaths`), `--security-opt mask=` and `unmask=`,
//! and `--privileged`.
//!
//! podman's semantics, which berth follows:
//! - `--privileged` drops every default masked and read-only path;
//! - `unmask=ALL` does the same; `unmask=P1:P2` drops the defaults that match one of the
//!   patterns (shell globs: `/proc/*`), from both lists (an unmasked read-only path is
//!   writable again);
//! - `mask=P1:P2` adds paths to mask, with or without `--privileged` or `unmask`.
//!
//! A masked directory becomes an empty read-only tmpfs, a masked file `/dev/null`; a path
//! the container does not have is skipped (DESIGN.md step 6).

/// Paths masked from the container, as podman masks them (containers/common
/// `getMaskedPaths`). `/proc/interrupts` counts every interrupt of every CPU of the host,
/// which other users' activity (keystrokes, network) drives: a side channel.
pub const DEFAULT_MASKED_PATHS: [&str; 12] = [
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/sys/devices/virtual/powercap",
    "/sys/firmware",
    "/sys/fs/selinux",
    "/proc/interrupts",
];

/// Masked too, for each CPU of the host: `/sys/devices/system/cpu/cpu<N>/thermal_throttle`
/// (podman expands the glob on the host).
pub const CPU_MASKED_DIR: &str = "thermal_throttle";

/// Where the CPU directories are.
pub const CPU_SYSFS: &str = "/sys/devices/system/cpu";

/// Paths made read-only (containers/common `DefaultReadOnlyPaths`).
pub const DEFAULT_READONLY_PATHS: [&str; 6] = [
    "/proc/asound",
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

/// A bad `mask=` or `unmask=` value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MaskError {
    #[error("invalid --security-opt `{opt}`: `{path}` is not an absolute path")]
    NotAbsolute { opt: String, path: String },
    #[error("invalid --security-opt `{opt}`: `{path}` must not contain `..`")]
    DotDot { opt: String, path: String },
    #[error("invalid --security-opt `{opt}`: `{pattern}` is not a valid pattern (unclosed `[`)")]
    Pattern { opt: String, pattern: String },
    #[error("invalid --security-opt `{opt}`: no path given")]
    Empty { opt: String },
}

/// What `unmask=` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmask {
    All,
    Patterns(Vec<String>),
}

/// Split a colon-separated list, refusing empty lists and empty entries.
fn split<'a>(opt: &str, value: &'a str) -> Result<Vec<&'a str>, MaskError> {
    let parts: Vec<&str> = value.split(':').collect();
    if value.is_empty() || parts.iter().any(|p| p.is_empty()) {
        return Err(MaskError::Empty {
            opt: opt.to_string(),
        });
    }
    Ok(parts)
}

fn check_path(opt: &str, path: &str) -> Result<(), MaskError> {
    if !path.starts_with('/') {
        return Err(MaskError::NotAbsolute {
            opt: opt.to_string(),
            path: path.to_string(),
        });
    }
    if path.split('/').any(|c| c == "..") {
        return Err(MaskError::DotDot {
            opt: opt.to_string(),
            path: path.to_string(),
        });
    }
    Ok(())
}

/// `mask=VALUE` (`opt` is the whole option, for errors): absolute paths, `:`-separated.
pub fn parse_mask(opt: &str, value: &str) -> Result<Vec<String>, MaskError> {
    split(opt, value)?
        .into_iter()
        .map(|p| check_path(opt, p).map(|()| p.trim_end_matches('/').to_string()))
        .map(|r| r.map(|p| if p.is_empty() { "/".to_string() } else { p }))
        .collect()
}

/// `unmask=VALUE`: `ALL` (any case, as podman), or absolute paths or globs, `:`-separated.
pub fn parse_unmask(opt: &str, value: &str) -> Result<Unmask, MaskError> {
    if value.eq_ignore_ascii_case("all") {
        return Ok(Unmask::All);
    }
    let mut patterns = Vec::new();
    for p in split(opt, value)? {
        check_path(opt, p)?;
        if glob_match(p, "").is_none() {
            return Err(MaskError::Pattern {
                opt: opt.to_string(),
                pattern: p.to_string(),
            });
        }
        patterns.push(p.to_string());
    }
    Ok(Unmask::Patterns(patterns))
}

/// Add one `unmask=` to what earlier ones asked for.
pub fn merge_unmask(into: &mut Vec<String>, more: Unmask) {
    match more {
        Unmask::All => {
            into.clear();
            into.push("ALL".to_string());
        }
        Unmask::Patterns(p) if !into.iter().any(|u| u == "ALL") => into.extend(p),
        Unmask::Patterns(_) => {}
    }
}

/// The default masked paths, with the per-CPU ones for `cpus` (names such as `cpu0`).
pub fn default_masked(cpus: &[String]) -> Vec<String> {
    let mut out: Vec<String> = DEFAULT_MASKED_PATHS
        .iter()
        .map(ToString::to_string)
        .collect();
    out.extend(
        cpus.iter()
            .map(|c| format!("{CPU_SYSFS}/{c}/{CPU_MASKED_DIR}")),
    );
    out
}

/// The host's CPU directories that have a `thermal_throttle` (`cpu0`, `cpu1`, …).
pub fn host_cpus_with_throttle() -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(CPU_SYSFS) else {
        return Vec::new();
    };
    let mut cpus: Vec<String> = dir
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n.strip_prefix("cpu")
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|n| {
            std::path::Path::new(CPU_SYSFS)
                .join(n)
                .join(CPU_MASKED_DIR)
                .exists()
        })
        .collect();
    cpus.sort_by_key(|n| n[3..].parse::<u32>().unwrap_or(u32::MAX));
    cpus
}

/// The masked and read-only paths of a container (pure).
pub fn plan(
    privileged: bool,
    mask: &[String],
    unmask: &[String],
    cpus: &[String],
) -> (Vec<String>, Vec<String>) {
    let all = privileged || unmask.iter().any(|u| u == "ALL");
    let keep = |path: &String| !all && !unmask.iter().any(|u| glob_match(u, path) == Some(true));
    let mut masked: Vec<String> = default_masked(cpus).into_iter().filter(keep).collect();
    for m in mask {
        if !masked.contains(m) {
            masked.push(m.clone());
        }
    }
    let readonly = DEFAULT_READONLY_PATHS
        .iter()
        .map(ToString::to_string)
        .filter(keep)
        .collect();
    (masked, readonly)
}

/// Shell-glob match of a whole path, as Go's `filepath.Match` (which podman uses): `*`
/// matches any run of characters but `/`, `?` one character but `/`, `[…]` a class (`[!…]`
/// or `[^…]` negated, ranges `a-z`), `\` escapes. `None` when the pattern is malformed.
pub fn glob_match(pattern: &str, name: &str) -> Option<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Validate the pattern once, whatever the name.
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '[' => i = class_end(&p, i)?,
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    Some(match_from(&p, &n))
}

/// The index after the `]` closing the class that starts at `p[start] == '['`.
fn class_end(p: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if matches!(p.get(i), Some('!' | '^')) {
        i += 1;
    }
    let first = i;
    while i < p.len() {
        match p[i] {
            ']' if i > first => return Some(i + 1),
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

fn class_matches(class: &[char], c: char) -> bool {
    let (negate, body) = match class.first() {
        Some('!' | '^') => (true, &class[1..]),
        _ => (false, class),
    };
    let mut i = 0;
    let mut hit = false;
    while i < body.len() {
        let mut lo = body[i];
        if lo == '\\' && i + 1 < body.len() {
            i += 1;
            lo = body[i];
        }
        if i + 2 < body.len() && body[i + 1] == '-' {
            let mut hi = body[i + 2];
            i += 2;
            if hi == '\\' && i + 1 < body.len() {
                i += 1;
                hi = body[i];
            }
            hit |= lo <= c && c <= hi;
        } else {
            hit |= lo == c;
        }
        i += 1;
    }
    hit != negate
}

fn match_from(p: &[char], n: &[char]) -> bool {
    let Some(&first) = p.first() else {
        return n.is_empty();
    };
    match first {
        '*' => (0..=n.len())
            .take_while(|&k| k == 0 || n[k - 1] != '/')
            .any(|k| match_from(&p[1..], &n[k..])),
        '?' => n.first().is_some_and(|&c| c != '/') && match_from(&p[1..], &n[1..]),
        '[' => {
            let end = class_end(p, 0).unwrap_or(p.len());
            n.first()
                .is_some_and(|&c| c != '/' && class_matches(&p[1..end - 1], c))
                && match_from(&p[end..], &n[1..])
        }
        '\\' if p.len() > 1 => n.first() == Some(&p[1]) && match_from(&p[2..], &n[1..]),
        c => n.first() == Some(&c) && match_from(&p[1..], &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn defaults_are_podmans() {
        let (masked, readonly) = plan(false, &[], &[], &[]);
        // containers/common's lists, in its order.
        assert_eq!(
            masked,
            s(&[
                "/proc/acpi",
                "/proc/kcore",
                "/proc/keys",
                "/proc/latency_stats",
                "/proc/sched_debug",
                "/proc/scsi",
                "/proc/timer_list",
                "/proc/timer_stats",
                "/sys/devices/virtual/powercap",
                "/sys/firmware",
                "/sys/fs/selinux",
                "/proc/interrupts",
            ])
        );
        assert_eq!(
            readonly,
            s(&[
                "/proc/asound",
                "/proc/bus",
                "/proc/fs",
                "/proc/irq",
                "/proc/sys",
                "/proc/sysrq-trigger",
            ])
        );
        let (masked, _) = plan(false, &[], &[], &s(&["cpu0", "cpu1"]));
        assert!(masked.ends_with(&s(&[
            "/sys/devices/system/cpu/cpu0/thermal_throttle",
            "/sys/devices/system/cpu/cpu1/thermal_throttle",
        ])));
    }

    #[test]
    fn privileged_and_unmask_all_lift_everything_but_mask() {
        let extra = s(&["/etc/secret"]);
        for (privileged, unmask) in [(true, vec![]), (false, s(&["ALL"]))] {
            let (masked, readonly) = plan(privileged, &extra, &unmask, &s(&["cpu0"]));
            assert_eq!(masked, extra);
            assert!(readonly.is_empty());
        }
    }

    #[test]
    fn unmask_paths_and_globs_lift_from_both_lists() {
        let (masked, readonly) = plan(false, &[], &s(&["/proc/interrupts"]), &[]);
        assert!(!masked.contains(&"/proc/interrupts".to_string()));
        assert!(masked.contains(&"/proc/kcore".to_string()));
        assert_eq!(readonly.len(), DEFAULT_READONLY_PATHS.len());
        // A glob, as podman's `unmask=/proc/*`: every /proc path, masked or read-only.
        let (masked, readonly) = plan(false, &[], &s(&["/proc/*"]), &s(&["cpu3"]));
        assert_eq!(
            masked,
            s(&[
                "/sys/devices/virtual/powercap",
                "/sys/firmware",
                "/sys/fs/selinux",
                "/sys/devices/system/cpu/cpu3/thermal_throttle",
            ])
        );
        assert!(readonly.is_empty());
        let (_, readonly) = plan(false, &[], &s(&["/proc/sys"]), &[]);
        assert!(!readonly.contains(&"/proc/sys".to_string()));
        assert!(readonly.contains(&"/proc/sysrq-trigger".to_string()));
        // `*` stops at `/`.
        let (masked, _) = plan(false, &[], &s(&["/sys/*"]), &[]);
        assert!(masked.contains(&"/sys/fs/selinux".to_string()));
        let (masked, _) = plan(
            false,
            &[],
            &s(&["/sys/devices/system/cpu/cpu[0-9]/*"]),
            &s(&["cpu2"]),
        );
        assert!(!masked.iter().any(|m| m.contains("thermal")));
    }

    #[test]
    fn mask_adds_once() {
        let (masked, _) = plan(false, &s(&["/proc/kcore", "/data"]), &[], &[]);
        assert_eq!(masked.iter().filter(|m| *m == "/proc/kcore").count(), 1);
        assert_eq!(masked.last().map(String::as_str), Some("/data"));
    }

    #[test]
    fn parsing() {
        let o = "mask=x";
        assert_eq!(parse_mask(o, "/a:/b/c/").unwrap(), s(&["/a", "/b/c"]));
        assert!(matches!(
            parse_mask(o, "a"),
            Err(MaskError::NotAbsolute { .. })
        ));
        assert!(matches!(
            parse_mask(o, "/a/../b"),
            Err(MaskError::DotDot { .. })
        ));
        assert!(matches!(parse_mask(o, ""), Err(MaskError::Empty { .. })));
        assert!(matches!(
            parse_mask(o, "/a::/b"),
            Err(MaskError::Empty { .. })
        ));
        assert_eq!(parse_unmask(o, "ALL").unwrap(), Unmask::All);
        assert_eq!(parse_unmask(o, "all").unwrap(), Unmask::All);
        assert_eq!(
            parse_unmask(o, "/proc/*:/sys/firmware").unwrap(),
            Unmask::Patterns(s(&["/proc/*", "/sys/firmware"]))
        );
        assert!(matches!(
            parse_unmask(o, "/proc/[a"),
            Err(MaskError::Pattern { .. })
        ));
        assert!(matches!(
            parse_unmask(o, "proc"),
            Err(MaskError::NotAbsolute { .. })
        ));
        let e = parse_mask("mask=rel", "rel").unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid --security-opt `mask=rel`: `rel` is not an absolute path"
        );
        let mut u = Vec::new();
        merge_unmask(&mut u, Unmask::Patterns(s(&["/a"])));
        merge_unmask(&mut u, Unmask::All);
        merge_unmask(&mut u, Unmask::Patterns(s(&["/b"])));
        assert_eq!(u, s(&["ALL"]));
    }

    #[test]
    fn globs_match_like_go() {
        let m = |p: &str, n: &str| glob_match(p, n).unwrap();
        assert!(m("/proc/*", "/proc/kcore"));
        assert!(!m("/proc/*", "/proc/a/b"));
        assert!(m("/proc/k?ore", "/proc/kcore"));
        assert!(!m("/proc/?", "/proc//"));
        assert!(m("/proc/[jk]core", "/proc/kcore"));
        assert!(!m("/proc/[!k]core", "/proc/kcore"));
        assert!(m("/proc/[^a-j]core", "/proc/kcore"));
        assert!(m("/sys/*/selinux", "/sys/fs/selinux"));
        assert!(m("/a\\*", "/a*"));
        assert!(!m("/a\\*", "/ab"));
        assert!(m("/proc/kcore", "/proc/kcore"));
        assert!(!m("/proc/kcor", "/proc/kcore"));
        assert!(m("[]a]", "]"));
        assert_eq!(glob_match("/proc/[", "/proc/["), None);
    }
}
