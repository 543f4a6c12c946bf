//! Resolution: which rules of a profile apply to a target (arch, capabilities, kernel),
//! turned into one plan per syscall number of an ABI.

use std::str::FromStr;

use super::profile::{normalize_cap, parse_kernel_version, Action, ArgCond, Profile, Rule};
use super::SeccompError;

/// One syscall ABI a filter handles.
#[derive(Debug, Clone, Copy)]
pub struct ArchSpec {
    /// `AUDIT_ARCH_*`, as found in `seccomp_data.arch`.
    pub audit_arch: u32,
    /// `SCMP_ARCH_*` name, as profiles spell it.
    pub scmp_arch: &'static str,
    /// x86_64 only: syscall numbers with this bit set are the x32 ABI, which gets the default
    /// action.
    pub x32_bit: Option<u32>,
    /// Syscall name to number in this ABI.
    pub(super) lookup: fn(&str) -> Option<u32>,
}

/// The machine a filter is compiled for.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The native ABI.
    pub native: ArchSpec,
    /// The 32-bit compat ABI the kernel may also run (x86 on x86_64, arm on aarch64); it is
    /// filtered only when the profile lists it (`architectures`, or `archMap`).
    pub compat: ArchSpec,
    /// Go-style name of the native arch, used by `includes.arches` (`amd64`, `arm64`).
    pub go_arch: &'static str,
    /// The running kernel's `(major, minor)`.
    pub kernel: (u32, u32),
}

/// `AUDIT_ARCH_X86_64`
pub const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
/// `AUDIT_ARCH_I386`
pub const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// `AUDIT_ARCH_AARCH64`
pub const AUDIT_ARCH_AARCH64: u32 = 0xc000_00b7;
/// `AUDIT_ARCH_ARM`
pub const AUDIT_ARCH_ARM: u32 = 0x4000_0028;

macro_rules! sysno_lookup {
    ($name:ident, $module:ident) => {
        pub(super) fn $name(name: &str) -> Option<u32> {
            syscalls::$module::Sysno::from_str(name)
                .ok()
                .and_then(|s| u32::try_from(s.id()).ok())
        }
    };
}
sysno_lookup!(lookup_x86_64, x86_64);
sysno_lookup!(lookup_x86, x86);
sysno_lookup!(lookup_aarch64, aarch64);
sysno_lookup!(lookup_arm, arm);

impl Target {
    /// The host this binary was built for, with the running kernel's version.
    pub fn host() -> Result<Self, SeccompError> {
        let kernel = nix::sys::utsname::uname()
            .ok()
            .and_then(|u| parse_kernel_version(&u.release().to_string_lossy()))
            .unwrap_or((0, 0));
        Self::native(kernel)
    }

    /// The native arch with a given kernel version.
    pub fn native(kernel: (u32, u32)) -> Result<Self, SeccompError> {
        if cfg!(target_arch = "x86_64") {
            Ok(Self::x86_64(kernel))
        } else if cfg!(target_arch = "aarch64") {
            Ok(Self::aarch64(kernel))
        } else {
            Err(SeccompError::UnsupportedArch {
                arch: std::env::consts::ARCH.to_string(),
            })
        }
    }

    /// x86_64, with i386 as the compat ABI.
    pub fn x86_64(kernel: (u32, u32)) -> Self {
        Target {
            native: ArchSpec {
                audit_arch: AUDIT_ARCH_X86_64,
                scmp_arch: "SCMP_ARCH_X86_64",
                x32_bit: Some(0x4000_0000),
                lookup: lookup_x86_64,
            },
            compat: ArchSpec {
                audit_arch: AUDIT_ARCH_I386,
                scmp_arch: "SCMP_ARCH_X86",
                x32_bit: None,
                lookup: lookup_x86,
            },
            go_arch: "amd64",
            kernel,
        }
    }

    /// aarch64, with 32-bit arm as the compat ABI.
    pub fn aarch64(kernel: (u32, u32)) -> Self {
        Target {
            native: ArchSpec {
                audit_arch: AUDIT_ARCH_AARCH64,
                scmp_arch: "SCMP_ARCH_AARCH64",
                x32_bit: None,
                lookup: lookup_aarch64,
            },
            compat: ArchSpec {
                audit_arch: AUDIT_ARCH_ARM,
                scmp_arch: "SCMP_ARCH_ARM",
                x32_bit: None,
                lookup: lookup_arm,
            },
            go_arch: "arm64",
            kernel,
        }
    }

    /// The ABIs `profile` asks to filter: the native one, and the compat one when listed.
    pub(super) fn arches(&self, profile: &Profile) -> Vec<ArchSpec> {
        let compat = self.compat.scmp_arch;
        let listed = profile.architectures.iter().any(|a| a == compat)
            || profile.arch_map.iter().any(|(arch, subs)| {
                arch == self.native.scmp_arch && subs.iter().any(|s| s == compat)
            });
        if listed {
            vec![self.native, self.compat]
        } else {
            vec![self.native]
        }
    }
}

fn applies(rule: &Rule, target: &Target, caps: &[String]) -> bool {
    let has_cap = |c: &String| caps.iter().any(|have| normalize_cap(have) == *c);
    let inc = &rule.includes;
    if !inc.arches.is_empty() && !inc.arches.iter().any(|a| a == target.go_arch) {
        return false;
    }
    if !inc.caps.iter().all(has_cap) {
        return false;
    }
    if inc.min_kernel.is_some_and(|min| target.kernel < min) {
        return false;
    }
    let exc = &rule.excludes;
    if exc.arches.iter().any(|a| a == target.go_arch) {
        return false;
    }
    if exc.caps.iter().any(has_cap) {
        return false;
    }
    if exc.min_kernel.is_some_and(|min| target.kernel >= min) {
        return false;
    }
    true
}

/// What one syscall does, after resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyscallPlan {
    pub(super) nr: u32,
    /// Conditional rules, in order: (conditions ANDed, action).
    pub(super) conditional: Vec<(Vec<ArgCond>, Action)>,
    /// When no conditional rule matches.
    pub(super) fallback: Action,
}

pub(super) fn resolve(
    profile: &Profile,
    target: &Target,
    arch: &ArchSpec,
    caps: &[String],
) -> Vec<SyscallPlan> {
    let mut plans: Vec<SyscallPlan> = Vec::new();
    let mut unconditional: Vec<Option<Action>> = Vec::new();
    for rule in profile.rules.iter().filter(|r| applies(r, target, caps)) {
        for name in &rule.names {
            // Syscalls this arch does not have are skipped silently.
            let Some(nr) = (arch.lookup)(name) else {
                continue;
            };
            let i = match plans.iter().position(|p| p.nr == nr) {
                Some(i) => i,
                None => {
                    plans.push(SyscallPlan {
                        nr,
                        conditional: Vec::new(),
                        fallback: profile.default_action,
                    });
                    unconditional.push(None);
                    plans.len() - 1
                }
            };
            if rule.args.is_empty() {
                unconditional[i].get_or_insert(rule.action);
            } else {
                plans[i].conditional.push((rule.args.clone(), rule.action));
            }
        }
    }
    for (plan, unc) in plans.iter_mut().zip(unconditional) {
        if let Some(action) = unc {
            plan.fallback = action;
        }
    }
    // A syscall whose every outcome is the default needs no code.
    plans.retain(|p| {
        p.fallback != profile.default_action
            || p.conditional
                .iter()
                .any(|(_, a)| *a != profile.default_action)
    });
    plans.sort_by_key(|p| p.nr);
    plans
}
