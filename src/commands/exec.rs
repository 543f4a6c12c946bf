//! `berth exec`: run a command in a running container. It runs in P0 and joins the
//! container's own namespaces (see `crate::run::exec`), never through a session.

use std::os::fd::{AsFd, OwnedFd};

use crate::cli::exec::ExecArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::run::exec::{self, ExecError, ExecOptions};
use crate::run::spawn::{container_plan, ContainerPlan};
use crate::storage::container::{self, Container};
use crate::storage::Store;

/// Run `berth exec`.
pub fn execute(args: ExecArgs) -> Result<()> {
    let opts =
        ExecOptions::from_args(args, |k| std::env::var(k).ok()).context("invalid exec options")?;
    let target = running(
        &opts.container,
        "can only create exec sessions on running containers: container state improper",
    )?;
    if super::pause::is_paused(&target.ctr) {
        return Err(Error::msg(
            "can only create exec sessions on running containers: container state improper",
        )
        .hint(format!(
            "the container is paused: berth unpause {}",
            target.ctr.config.name
        )));
    }
    let process = exec::exec_process(&target.plan.plan.process, &opts, &target.plan.supported);
    // Read the user's terminal size and block the forwarded signals while still on the
    // host side, before the namespaces change and the fork.
    let winsize = if opts.tty {
        crate::sys::tty::get_winsize(std::io::stdin().as_fd()).ok()
    } else {
        None
    };
    let signals = exec::Signals::block().map_err(|e| exec_error(e, &target.ctr))?;
    exec::join(
        target.pidfd.as_fd(),
        target.pid,
        exec::namespaces(&target.plan.plan),
    )
    .map_err(|e| exec_error(e, &target.ctr))?;
    let started = exec::start(
        &process,
        target.plan.seccomp.as_ref(),
        &target.plan.supported,
        winsize,
        opts.detach,
    )
    .map_err(|e| exec_error(e, &target.ctr))?;
    if opts.detach {
        // The process has exec'd; it carries on in the container on its own.
        return Ok(());
    }
    match exec::supervise(&started, &signals, opts.interactive)
        .map_err(|e| exec_error(e, &target.ctr))?
    {
        0 => Ok(()),
        code => Err(Error::Exit(code)),
    }
}

/// A running container, its plan, and a pidfd pinning its init process.
pub struct Target {
    pub ctr: Container,
    pub plan: ContainerPlan,
    pub pid: i32,
    pub pidfd: OwnedFd,
}

/// Find `key` and check that it is running (else fail with `not_running`, podman's
/// message); open a pidfd for its init and compute its plan. Nothing here changes a
/// namespace.
pub fn running(key: &str, not_running: &str) -> Result<Target> {
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = container::find(&paths.data, key).map_err(|e| Error::msg(e.to_string()))?;
    let state = ctr
        .state()
        .with_context(|| format!("read the state of container `{}`", ctr.config.name))?;
    let pid = match state.pid {
        Some(pid) if state.is_alive() => pid,
        _ => return Err(Error::msg(not_running)),
    };
    let pidfd = exec::open_target(pid, state.pid_start).map_err(|e| match e {
        ExecError::Gone { .. } => Error::msg(not_running),
        other => exec_error(other, &ctr),
    })?;
    let store = Store::open(&paths).context("open the store")?;
    let plan = container_plan(&store, &ctr)?;
    Ok(Target {
        ctr,
        plan,
        pid,
        pidfd,
    })
}

/// An exec failure as berth reports it: a failed `execve` speaks for itself (exit 126 or
/// 127), another step of the child names that step.
pub fn exec_error(e: ExecError, ctr: &Container) -> Error {
    match e {
        ExecError::Init(failure) => {
            let code = failure.exit_code();
            let what = match failure.step {
                crate::run::sync::Step::Exec => failure.to_string(),
                step => format!(
                    "exec in container `{}`: {}: {failure}",
                    ctr.config.name,
                    step.name()
                ),
            };
            Error::msg(what).with_code(code)
        }
        other => Error::from_source(format!("exec in container `{}`", ctr.config.name), other),
    }
}
