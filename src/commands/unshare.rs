//! `berth unshare`: run a command in berth's user namespace (the session), where the user
//! is root and the subordinate ids are mapped, as podman's `unshare`: to read, chown or
//! remove what containers wrote. Its exit status is the command's; 127 when the command
//! is not found and 126 when it cannot be run, as `run` does.

use std::os::unix::process::CommandExt as _;

use crate::cli::unshare::UnshareArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result, EXIT_CANNOT_INVOKE, EXIT_NOT_FOUND};

/// The variables podman sets for the command: where the store and the runtime dirs are.
const GRAPHROOT_ENV: &str = "CONTAINERS_GRAPHROOT";
const RUNROOT_ENV: &str = "CONTAINERS_RUNROOT";

/// The argv to run: the command given, else the user's shell.
pub fn argv(args: &UnshareArgs, shell: Option<String>) -> Vec<String> {
    if args.command.is_empty() {
        vec![shell
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".to_string())]
    } else {
        args.command.clone()
    }
}

/// Run in the session: replace this process with the command.
pub fn execute(args: UnshareArgs) -> Result<()> {
    if args.rootless_netns {
        return Err(Error::msg(
            "unshare --rootless-netns is not supported: berth keeps each user network's namespace in its own holder process",
        ));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let argv = argv(&args, std::env::var("SHELL").ok());
    // The session blocks signals it forwards; the command starts with none blocked.
    crate::sys::process::reset_signals();
    let err = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .env(GRAPHROOT_ENV, &paths.data)
        .env(RUNROOT_ENV, &paths.runtime)
        .exec();
    let code = match err.kind() {
        std::io::ErrorKind::NotFound => EXIT_NOT_FOUND,
        _ => EXIT_CANNOT_INVOKE,
    };
    Err(Error::msg(format!(
        "exec `{}`: {}",
        argv[0],
        crate::error::io_text(&err)
    ))
    .with_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_shell() {
        let a = |cmd: &[&str]| UnshareArgs {
            rootless_netns: false,
            command: cmd.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(argv(&a(&[]), Some("/bin/bash".into())), ["/bin/bash"]);
        assert_eq!(argv(&a(&[]), None), ["/bin/sh"]);
        assert_eq!(argv(&a(&["id", "-u"]), None), ["id", "-u"]);
    }
}
