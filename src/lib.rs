//! berth: a rootless, daemonless, single-binary container engine.
//!
//! Module declarations only; see DESIGN.md section 7 for the map.

pub mod build;
pub mod cgroup;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod config;
pub mod error;
pub mod format;
pub mod image;
pub mod kube;
pub mod net;
pub mod pod;
pub mod registry;
pub mod run;
pub mod seccomp;
pub mod spec;
pub mod storage;
pub mod sys;
pub mod systemd;
pub mod userns;

#[cfg(test)]
mod layering;
