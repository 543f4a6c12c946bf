//! Seccomp: an OCI/docker seccomp profile (containers-common's `seccomp.json`, or the
//! user's own file) resolved for the host arch, the container's capabilities and the running
//! kernel, then compiled to a classic BPF program. All of it is pure.
//!
//! - [`profile`]: the profile JSON format, parsing and validation, the builtin fallback;
//! - [`resolve`]: which rules apply to a target (arch, capabilities, kernel), per syscall;
//! - [`bpf`]: the compiler producing the [`SeccompProgram`].
//!
//! Loading the program is [`crate::sys::seccomp::install`], which takes the raw instructions
//! ([`SeccompProgram::instructions`]); the order the container init must use is documented
//! there.
//!
//! Rule semantics, per syscall:
//! - the conditions of one rule (`args`) are ANDed; rules of one syscall are tried in the
//!   profile's order, conditional rules first, and the first that matches decides;
//! - an unconditional rule applies when no conditional rule matched (the first one wins when
//!   a profile names the syscall in several unconditional rules);
//! - a syscall no applicable rule names gets the profile's default action.
//!
//! `SCMP_ACT_ERRNO` without `errnoRet` returns EPERM; the default action uses
//! `defaultErrnoRet`, else EPERM.
//!
//! The program checks `seccomp_data.arch` first. The native ABI is always filtered; the
//! 32-bit compat ABI (i386 on x86_64, arm on aarch64) is filtered, with its own syscall
//! numbers, when the profile lists it in `architectures` or `archMap`; any other ABI, and
//! x32, gets the default action. Syscall numbers are dispatched by a binary search over
//! ranges of consecutive numbers with the same outcome.

use std::path::PathBuf;

pub mod bpf;
pub mod profile;
pub mod resolve;

pub use bpf::{compile, compile_for, SeccompProgram};
pub use profile::{
    builtin_profile, default_profile_path, default_profile_source, load_profile,
    parse_kernel_version, parse_profile, Action, ArgCond, Filter, Op, Profile, ProfileSource, Rule,
    SeccompSetting, DEFAULT_PROFILE_PATHS,
};
pub use resolve::{
    ArchSpec, Target, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64,
};

/// The kernel's limit on the length of a filter program (BPF_MAXINSNS).
pub const MAX_INSNS: usize = 4096;

/// Errors loading or compiling a seccomp profile.
#[derive(Debug, thiserror::Error)]
pub enum SeccompError {
    #[error("read seccomp profile `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("parse seccomp profile `{path}`: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("seccomp profile `{path}`: unknown action `{action}`")]
    UnknownAction { path: PathBuf, action: String },
    #[error("seccomp profile `{path}`: action `{action}` is not supported by berth")]
    UnsupportedAction { path: PathBuf, action: String },
    #[error("seccomp profile `{path}`: unknown operator `{op}` for syscall `{syscall}`")]
    UnknownOperator {
        path: PathBuf,
        syscall: String,
        op: String,
    },
    #[error("seccomp profile `{path}`: argument index {index} of syscall `{syscall}` is out of range (0-5)")]
    ArgIndex {
        path: PathBuf,
        syscall: String,
        index: u32,
    },
    #[error("seccomp profile `{path}`: errno {errno} is out of range (0-4095)")]
    ErrnoRange { path: PathBuf, errno: u32 },
    #[error("seccomp profile `{path}`: bad minKernel `{value}` (want e.g. `4.8`)")]
    MinKernel { path: PathBuf, value: String },
    #[error("seccomp: the architecture `{arch}` is not supported")]
    UnsupportedArch { arch: String },
    #[error("seccomp: the compiled filter has {len} instructions, more than the kernel's limit of {MAX_INSNS}")]
    TooLong { len: usize },
}
