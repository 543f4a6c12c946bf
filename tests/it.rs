//! berth's integration tests: one binary (see tests/util for the harness).
//!
//! Every test runs the real `berth` as an unprivileged user with private XDG directories.
//! Tests that need rootless containers skip (with `skipped: <why>` on stderr) on a machine
//! without subordinate ids, newuidmap or user namespaces; under `CI=true` they fail instead.

mod util;

mod attach;
mod auto_update;
mod build;
mod cgroups;
mod cli;
mod commit;
mod compose;
mod containers;
mod cp;
mod events;
mod exec;
mod fuzz;
mod global;
mod health;
mod hostile;
mod hostile_rootfs;
mod images;
mod import;
mod init_exe;
mod inspect;
mod inspect_health;
mod kube;
mod lifecycle;
mod masked_paths;
mod net;
mod network;
mod pods;
mod pull;
mod quadlet;
mod registry;
mod registry_fake;
mod registry_hostile;
mod run_exit;
mod run_extras;
mod run_lifecycle;
mod run_namespaces;
mod run_options;
mod run_security;
mod run_tty;
mod save_load;
mod shared_host;
mod store_faults;
mod systemd;
mod volumes;
