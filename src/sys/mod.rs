//! The only module with `unsafe`: thin, documented wrappers over raw syscalls.

pub mod channel;
pub mod fs;
pub mod inherit;
pub mod mount;
pub mod net;
pub mod ns;
pub mod process;
pub mod seccomp;
pub mod tty;
pub mod xattr;
