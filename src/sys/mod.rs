//! The only module with `unsafe`: thin, documented wrappers over raw syscalls. Cargo.toml
//! denies `unsafe_code` for the crate; this module alone allows it, each block with a
//! `SAFETY:` comment.
#![allow(unsafe_code)]

pub mod channel;
pub mod fs;
pub mod inherit;
pub mod memfd;
pub mod mount;
pub mod net;
pub mod ns;
pub mod process;
pub mod seccomp;
pub mod tty;
pub mod xattr;
