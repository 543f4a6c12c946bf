//! Running a container: options, the pure Plan, the sync protocol, spawning, the init steps
//! inside C, and supervision.

pub mod seccomp;
