//! The seccomp profile: the JSON format (docker/OCI `seccomp.json`), its parsing and
//! validation into a [`Profile`], the default profile's location, and berth's builtin
//! fallback.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::SeccompError;

/// Where the default profile is looked for, in order (`/etc` overrides the packaged one).
pub const DEFAULT_PROFILE_PATHS: [&str; 2] = [
    "/etc/containers/seccomp.json",
    "/usr/share/containers/seccomp.json",
];

/// Which file a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSource {
    /// A profile file (the packaged default, or `--security-opt seccomp=FILE`).
    File(PathBuf),
    /// berth's own small fallback, used when no default profile file exists.
    Builtin,
}

impl std::fmt::Display for ProfileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileSource::File(p) => write!(f, "{}", p.display()),
            ProfileSource::Builtin => f.write_str("builtin (berth's fallback)"),
        }
    }
}

/// What a rule or the default does to a syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Allow,
    Errno(u16),
    KillProcess,
    KillThread,
    Trap,
    Trace(u16),
    Log,
}

impl Action {
    /// The `SECCOMP_RET_*` value the filter returns.
    pub fn ret_value(self) -> u32 {
        match self {
            Action::Allow => 0x7fff_0000,
            Action::Errno(e) => 0x0005_0000 | u32::from(e),
            Action::KillProcess => 0x8000_0000,
            Action::KillThread => 0x0000_0000,
            Action::Trap => 0x0003_0000,
            Action::Trace(data) => 0x7ff0_0000 | u32::from(data),
            Action::Log => 0x7ffc_0000,
        }
    }
}

/// An argument comparison operator (64-bit, unsigned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `(arg & value) == value_two`
    MaskedEq,
}

/// One argument condition of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgCond {
    pub index: u8,
    pub op: Op,
    pub value: u64,
    pub value_two: u64,
}

/// The conditions under which a rule applies at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Go-style arch names (`amd64`, `arm64`, …).
    pub arches: Vec<String>,
    /// Capability names, `CAP_` prefixed.
    pub caps: Vec<String>,
    /// `(major, minor)`
    pub min_kernel: Option<(u32, u32)>,
}

/// One validated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub names: Vec<String>,
    pub action: Action,
    pub args: Vec<ArgCond>,
    pub includes: Filter,
    pub excludes: Filter,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub source: ProfileSource,
    pub default_action: Action,
    /// Top-level `architectures` (SCMP_ARCH_*), when the profile lists them.
    pub architectures: Vec<String>,
    /// `archMap`: each architecture with its sub-architectures.
    pub arch_map: Vec<(String, Vec<String>)>,
    pub rules: Vec<Rule>,
}

/// `--security-opt seccomp=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeccompSetting {
    /// The default profile.
    Default,
    /// `seccomp=unconfined`: no filter at all.
    Unconfined,
    /// `seccomp=PROFILE.json`.
    File(PathBuf),
}

impl SeccompSetting {
    /// Parse the value after `seccomp=`.
    pub fn parse(value: &str) -> Self {
        match value {
            "unconfined" => SeccompSetting::Unconfined,
            "" | "default" => SeccompSetting::Default,
            path => SeccompSetting::File(PathBuf::from(path)),
        }
    }

    /// Load the profile this setting names, or `None` for unconfined.
    pub fn load(&self) -> Result<Option<Profile>, SeccompError> {
        match self {
            SeccompSetting::Unconfined => Ok(None),
            SeccompSetting::Default => load_profile(None).map(Some),
            SeccompSetting::File(p) => load_profile(Some(p)).map(Some),
        }
    }
}

// ----- the JSON format -----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProfile {
    default_action: String,
    #[serde(default)]
    default_errno_ret: Option<u32>,
    #[serde(default)]
    architectures: Option<Vec<String>>,
    #[serde(default)]
    arch_map: Option<Vec<RawArchMap>>,
    #[serde(default)]
    syscalls: Option<Vec<RawSyscall>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawArchMap {
    architecture: String,
    #[serde(default)]
    sub_architectures: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSyscall {
    #[serde(default)]
    names: Option<Vec<String>>,
    #[serde(default)]
    name: Option<String>,
    action: String,
    #[serde(default)]
    errno_ret: Option<u32>,
    #[serde(default)]
    args: Option<Vec<RawArg>>,
    #[serde(default)]
    includes: Option<RawFilter>,
    #[serde(default)]
    excludes: Option<RawFilter>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawArg {
    index: u32,
    value: u64,
    #[serde(default)]
    value_two: u64,
    op: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFilter {
    #[serde(default)]
    arches: Option<Vec<String>>,
    #[serde(default)]
    caps: Option<Vec<String>>,
    #[serde(default)]
    min_kernel: Option<String>,
}

/// Load a profile: `None` is the default profile (the first of [`DEFAULT_PROFILE_PATHS`] that
/// exists, else [`builtin_profile`]).
pub fn load_profile(path: Option<&Path>) -> Result<Profile, SeccompError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => match default_profile_path() {
            Some(p) => p,
            None => return Ok(builtin_profile()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|source| SeccompError::Read {
        path: path.clone(),
        source,
    })?;
    parse_profile(&text, ProfileSource::File(path))
}

/// The default profile file, if one is installed.
pub fn default_profile_path() -> Option<PathBuf> {
    DEFAULT_PROFILE_PATHS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Where the default profile comes from (for `berth info`).
pub fn default_profile_source() -> ProfileSource {
    default_profile_path().map_or(ProfileSource::Builtin, ProfileSource::File)
}

/// Parse and validate profile text; `source` names the file in errors.
pub fn parse_profile(text: &str, source: ProfileSource) -> Result<Profile, SeccompError> {
    let path = match &source {
        ProfileSource::File(p) => p.clone(),
        ProfileSource::Builtin => PathBuf::from("<builtin>"),
    };
    let raw: RawProfile = serde_json::from_str(text).map_err(|source| SeccompError::Parse {
        path: path.clone(),
        source,
    })?;
    let default_errno = match raw.default_errno_ret {
        Some(e) => check_errno(&path, e)?,
        None => libc::EPERM as u16,
    };
    let default_action = parse_action(&path, &raw.default_action, default_errno)?;
    let mut rules = Vec::new();
    for sc in raw.syscalls.unwrap_or_default() {
        let mut names = sc.names.unwrap_or_default();
        names.extend(sc.name);
        let errno = match sc.errno_ret {
            Some(e) => check_errno(&path, e)?,
            None => libc::EPERM as u16,
        };
        let action = parse_action(&path, &sc.action, errno)?;
        let first = names.first().cloned().unwrap_or_default();
        let mut args = Vec::new();
        for a in sc.args.unwrap_or_default() {
            let op = parse_op(&a.op).ok_or_else(|| SeccompError::UnknownOperator {
                path: path.clone(),
                syscall: first.clone(),
                op: a.op.clone(),
            })?;
            if a.index > 5 {
                return Err(SeccompError::ArgIndex {
                    path,
                    syscall: first,
                    index: a.index,
                });
            }
            args.push(ArgCond {
                index: a.index as u8,
                op,
                value: a.value,
                value_two: a.value_two,
            });
        }
        rules.push(Rule {
            names,
            action,
            args,
            includes: convert_filter(&path, sc.includes.unwrap_or_default())?,
            excludes: convert_filter(&path, sc.excludes.unwrap_or_default())?,
        });
    }
    Ok(Profile {
        source,
        default_action,
        architectures: raw.architectures.unwrap_or_default(),
        arch_map: raw
            .arch_map
            .unwrap_or_default()
            .into_iter()
            .map(|m| (m.architecture, m.sub_architectures.unwrap_or_default()))
            .collect(),
        rules,
    })
}

fn check_errno(path: &Path, errno: u32) -> Result<u16, SeccompError> {
    // SECCOMP_RET_DATA is 16 bits, but the kernel hands back at most MAX_ERRNO (4095).
    if errno > 4095 {
        return Err(SeccompError::ErrnoRange {
            path: path.to_path_buf(),
            errno,
        });
    }
    Ok(errno as u16)
}

fn parse_action(path: &Path, name: &str, errno: u16) -> Result<Action, SeccompError> {
    Ok(match name {
        "SCMP_ACT_ALLOW" => Action::Allow,
        "SCMP_ACT_ERRNO" => Action::Errno(errno),
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
        "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
        "SCMP_ACT_TRAP" => Action::Trap,
        "SCMP_ACT_TRACE" => Action::Trace(errno),
        "SCMP_ACT_LOG" => Action::Log,
        "SCMP_ACT_NOTIFY" => {
            return Err(SeccompError::UnsupportedAction {
                path: path.to_path_buf(),
                action: name.to_string(),
            })
        }
        _ => {
            return Err(SeccompError::UnknownAction {
                path: path.to_path_buf(),
                action: name.to_string(),
            })
        }
    })
}

fn parse_op(name: &str) -> Option<Op> {
    Some(match name {
        "SCMP_CMP_EQ" => Op::Eq,
        "SCMP_CMP_NE" => Op::Ne,
        "SCMP_CMP_LT" => Op::Lt,
        "SCMP_CMP_LE" => Op::Le,
        "SCMP_CMP_GT" => Op::Gt,
        "SCMP_CMP_GE" => Op::Ge,
        "SCMP_CMP_MASKED_EQ" => Op::MaskedEq,
        _ => return None,
    })
}

fn convert_filter(path: &Path, raw: RawFilter) -> Result<Filter, SeccompError> {
    let min_kernel = match raw.min_kernel {
        Some(v) if !v.is_empty() => {
            Some(
                parse_kernel_version(&v).ok_or_else(|| SeccompError::MinKernel {
                    path: path.to_path_buf(),
                    value: v.clone(),
                })?,
            )
        }
        _ => None,
    };
    Ok(Filter {
        arches: raw.arches.unwrap_or_default(),
        caps: raw
            .caps
            .unwrap_or_default()
            .iter()
            .map(|c| normalize_cap(c))
            .collect(),
        min_kernel,
    })
}

/// `6.18.0-1-amd64` → `(6, 18)`; `4.8` → `(4, 8)`.
pub fn parse_kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor_text = parts.next().unwrap_or("0");
    let digits: String = minor_text
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let minor = digits.parse().ok()?;
    Some((major, minor))
}

pub(super) fn normalize_cap(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    if upper.starts_with("CAP_") {
        upper
    } else {
        format!("CAP_{upper}")
    }
}

/// The small profile used when no default profile file is installed: allow everything but a
/// list of syscalls that reach outside the container (modules, kexec, keyrings, bpf…), and
/// refuse to create nested user namespaces without CAP_SYS_ADMIN.
pub fn builtin_profile() -> Profile {
    const DENIED: &[&str] = &[
        "acct",
        "add_key",
        "bpf",
        "clock_adjtime",
        "clock_settime",
        "create_module",
        "delete_module",
        "finit_module",
        "get_kernel_syms",
        "init_module",
        "ioperm",
        "iopl",
        "kexec_file_load",
        "kexec_load",
        "keyctl",
        "lookup_dcookie",
        "nfsservctl",
        "open_by_handle_at",
        "perf_event_open",
        "query_module",
        "quotactl",
        "reboot",
        "request_key",
        "settimeofday",
        "stime",
        "swapoff",
        "swapon",
        "_sysctl",
        "uselib",
        "userfaultfd",
        "vhangup",
    ];
    let eperm = Action::Errno(libc::EPERM as u16);
    let newuser = u64::try_from(libc::CLONE_NEWUSER).unwrap_or(0x1000_0000);
    let no_sys_admin = Filter {
        caps: vec!["CAP_SYS_ADMIN".to_string()],
        ..Filter::default()
    };
    let mut rules = vec![Rule {
        names: DENIED.iter().map(|s| (*s).to_string()).collect(),
        action: eperm,
        args: Vec::new(),
        includes: Filter::default(),
        excludes: Filter::default(),
    }];
    // clone's flags are argument 0 on x86_64 and aarch64 (argument 1 on s390x).
    let flags_index = if cfg!(target_arch = "s390x") { 1 } else { 0 };
    for (name, index) in [("clone", flags_index), ("unshare", 0)] {
        rules.push(Rule {
            names: vec![name.to_string()],
            action: eperm,
            args: vec![ArgCond {
                index,
                op: Op::MaskedEq,
                value: newuser,
                value_two: newuser,
            }],
            includes: Filter::default(),
            excludes: no_sys_admin.clone(),
        });
    }
    // clone3 passes its flags in memory, where a filter cannot look: make the C library fall
    // back to clone.
    rules.push(Rule {
        names: vec!["clone3".to_string()],
        action: Action::Errno(libc::ENOSYS as u16),
        args: Vec::new(),
        includes: Filter::default(),
        excludes: no_sys_admin,
    });
    Profile {
        source: ProfileSource::Builtin,
        default_action: Action::Allow,
        // Filter the 32-bit compat ABIs too: a denylist must not be bypassed through them.
        architectures: vec!["SCMP_ARCH_X86".to_string(), "SCMP_ARCH_ARM".to_string()],
        arch_map: Vec::new(),
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_profiles_name_the_file() {
        let bad = |json: &str| {
            parse_profile(json, ProfileSource::File("/x/p.json".into()))
                .unwrap_err()
                .to_string()
        };
        let e = bad("{");
        assert!(e.contains("`/x/p.json`") && e.contains("line 1"), "{e}");
        let e = bad(r#"{"defaultAction":"SCMP_ACT_NOPE"}"#);
        assert!(e.contains("unknown action `SCMP_ACT_NOPE`"), "{e}");
        let e = bad(r#"{"defaultAction":"SCMP_ACT_NOTIFY"}"#);
        assert!(e.contains("not supported"), "{e}");
        let e = bad(
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_XX"}]}]}"#,
        );
        assert!(
            e.contains("unknown operator `SCMP_CMP_XX` for syscall `read`"),
            "{e}"
        );
        let e = bad(
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}"#,
        );
        assert!(e.contains("argument index 6"), "{e}");
        let e = load_profile(Some(Path::new("/nonexistent/p.json")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`/nonexistent/p.json`"), "{e}");
    }

    #[test]
    fn settings_and_versions() {
        assert_eq!(
            SeccompSetting::parse("unconfined"),
            SeccompSetting::Unconfined
        );
        assert_eq!(
            SeccompSetting::parse("/p.json"),
            SeccompSetting::File("/p.json".into())
        );
        assert!(SeccompSetting::Unconfined.load().unwrap().is_none());
        assert_eq!(parse_kernel_version("6.18.0-1-amd64"), Some((6, 18)));
        assert_eq!(parse_kernel_version("4.8"), Some((4, 8)));
        assert_eq!(parse_kernel_version("5"), Some((5, 0)));
        assert_eq!(parse_kernel_version("x.1"), None);
    }
}
