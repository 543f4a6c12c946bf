//! The persisted, typed container spec: what `run`/`create` were asked for, validated, as
//! `containers/<id>/config.json` stores it. Every reader of a container's options goes
//! through these types.
//!
//! This module imports nothing else of berth (the layering test in `crate::layering` checks
//! it), so every layer can read a spec. Parsing that needs more than the text (the default
//! network helper, the host's files) lives with its layer: `net::mode` for `--network`,
//! `cli::run_options` for the whole command line. Every field has a serde default, so
//! records written by earlier releases still read (`storage::container`'s fixture test).

mod cgroup;
mod health;
mod network;
mod run;
mod systemd;
mod values;
mod volume;

pub use cgroup::{CgroupSpec, CgroupsMode, Limits, Throttle};
pub use health::{HealthFlags, OnFailure};
pub use network::{
    DnsFlags, NetOptions, NetworkMode, PastaOptions, PerNetwork, PortMapping, Protocol,
    SlirpOptions,
};
pub use run::{
    default_detach_keys, BindMount, Extras, IpcMode, LogDriver, PullPolicy, RestartPolicy,
    RunOptions, SeccompChoice, TmpfsMount, UserSpec, UsernsMode, UtsMode,
};
pub use systemd::{SdNotify, SystemdMode};
pub use values::{parse_duration, parse_signal, parse_size, valid_name};
pub use volume::{ImageVolumeMode, MountRestrictions, VolumeMount};
