//! The messages between the session S and the container init C. One SOCK_SEQPACKET pair,
//! close-on-exec: end of file with no `Failed` message means the `execve` succeeded.

use serde::{Deserialize, Serialize};

/// S to C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToInit {
    /// The id maps (keep-id) are written and the container is recorded: start.
    Go,
    /// The network helper (if any) has configured the container's network: the command
    /// may be exec'd. Sent after Go, once the helper is ready, so that the helper's start
    /// overlaps C's mounts.
    NetReady,
}

/// C to S.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FromInit {
    /// The pty master travels with this message (`-t`).
    Pty,
    /// A step failed; C exits right after sending this.
    Failed(InitFailure),
}

/// The steps of the container init, numbered as in DESIGN.md section 2. The name of a step
/// is the same in the code comment, this enum and the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    WaitForGo,
    BindRootfs,
    Mount,
    Devices,
    PivotRoot,
    MaskPaths,
    ReadonlyRemount,
    Hostname,
    Terminal,
    WaitForNetwork,
    ResolveUser,
    Chdir,
    CloseFds,
    SetIds,
    Capabilities,
    NoNewPrivs,
    Seccomp,
    Init,
    Exec,
}

impl Step {
    /// The step's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Step::WaitForGo => "wait for the session",
            Step::BindRootfs => "bind the rootfs",
            Step::Mount => "mount",
            Step::Devices => "set up /dev",
            Step::PivotRoot => "pivot_root",
            Step::MaskPaths => "mask paths",
            Step::ReadonlyRemount => "remount read-only",
            Step::Hostname => "set hostname",
            Step::Terminal => "set up the terminal",
            Step::WaitForNetwork => "wait for the network",
            Step::ResolveUser => "resolve user",
            Step::Chdir => "change to the working directory",
            Step::CloseFds => "mark descriptors close-on-exec",
            Step::SetIds => "set user and group ids",
            Step::Capabilities => "set capabilities",
            Step::NoNewPrivs => "set no_new_privs",
            Step::Seccomp => "load the seccomp filter",
            Step::Init => "start the init",
            Step::Exec => "exec",
        }
    }
}

/// A failed step, as structured data: the errno travels as a number and is rendered once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitFailure {
    pub step: Step,
    /// What was being done, e.g. ``mount `proc` on `/proc` ``.
    pub what: String,
    pub errno: Option<i32>,
}

impl InitFailure {
    /// The exit status berth should use: 127 for a command that is not there, 126 for one
    /// that cannot be run, 125 for berth's own failures.
    pub fn exit_code(&self) -> i32 {
        match (self.step, self.errno) {
            (Step::Exec, Some(libc::ENOENT)) => crate::error::EXIT_NOT_FOUND,
            (Step::Exec, Some(_)) => crate::error::EXIT_CANNOT_INVOKE,
            // podman: a --workdir that is not there cannot be entered.
            (Step::Chdir, Some(libc::ENOENT)) => crate::error::EXIT_CANNOT_INVOKE,
            _ => crate::error::EXIT_BERTH,
        }
    }
}

impl std::fmt::Display for InitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what)?;
        if let Some(errno) = self.errno {
            // In Go's words (`permission denied`), as podman prints it and scripts match.
            write!(
                f,
                ": {}",
                nix::errno::Errno::from_raw(errno).desc().to_lowercase()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InitFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_podman() {
        let f = |step, errno| InitFailure {
            step,
            what: String::new(),
            errno,
        };
        assert_eq!(f(Step::Exec, Some(libc::ENOENT)).exit_code(), 127);
        assert_eq!(f(Step::Exec, Some(libc::EACCES)).exit_code(), 126);
        assert_eq!(f(Step::Mount, Some(libc::EPERM)).exit_code(), 125);
    }

    #[test]
    fn renders_errno_once() {
        let f = InitFailure {
            step: Step::Mount,
            what: "mount `proc` on `/proc`".into(),
            errno: Some(libc::EPERM),
        };
        assert_eq!(
            f.to_string(),
            "mount `proc` on `/proc`: operation not permitted"
        );
    }
}
