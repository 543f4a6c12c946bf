//! Running a container: options, the pure Plan, the sync protocol, spawning, the init steps
//! inside C, and supervision.

pub mod attach;
pub mod caps;
pub mod control;
pub mod exec;
pub mod health;
pub mod init;
pub mod launch_plan;
pub mod logs;
pub mod masks;
pub mod plan;
pub mod reaper;
pub mod relay;
pub mod sdnotify;
pub mod spawn;
pub mod sync;
pub mod top;
pub mod user;
pub mod volumes;
