//! The only module with `unsafe`: thin, documented wrappers over raw syscalls.

pub mod seccomp;
pub mod xattr;
