//! `berth top`: the processes of a running container.
//!
//! berth reads the /proc of the container's PID namespace itself (it joins the container's
//! user and mount namespaces, where that /proc is mounted) and prints podman's format
//! descriptors: by default `USER PID PPID %CPU ELAPSED TTY TIME COMMAND`, with user and group
//! names from the container's own /etc/passwd and /etc/group. As podman does, arguments
//! that are not descriptors (`berth top CTR -ef`) are passed to the container's own `ps`,
//! run like `berth exec CTR ps ARGS...`; an image without `ps` then fails with 127.

use std::os::fd::AsFd;
use std::path::Path;

use crate::cli::top::TopArgs;
use crate::error::{Context, Error, Result};
use crate::run::exec::{self, ExecOptions};
use crate::run::top::{self, parse_descriptors};

const NOT_RUNNING: &str = "top can only be used on running containers";

/// Run `berth top`.
pub fn execute(args: TopArgs) -> Result<()> {
    let target = super::exec::running(&args.container, NOT_RUNNING)?;
    let err = |e| super::exec::exec_error(e, &target.ctr);
    let Some(columns) = parse_descriptors(&args.descriptors) else {
        return container_ps(&target, args.descriptors);
    };
    exec::join(
        target.pidfd.as_fd(),
        target.pid,
        crate::sys::ns::USER | crate::sys::ns::MOUNT,
    )
    .map_err(err)?;
    // From here on, paths are the container's.
    let proc = Path::new("/proc");
    let procs = top::read_processes(proc).context("read `/proc` in the container")?;
    let ctx = top::Context {
        uptime: top::uptime(proc).context("read `/proc/uptime` in the container")?,
        ticks: nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)
            .ok()
            .flatten()
            .and_then(|t| u64::try_from(t).ok())
            .unwrap_or(100),
        users: top::id_names(&std::fs::read_to_string("/etc/passwd").unwrap_or_default()),
        groups: top::id_names(&std::fs::read_to_string("/etc/group").unwrap_or_default()),
    };
    print!("{}", top::render(&columns, &procs, &ctx));
    Ok(())
}

/// `ps ARGS...` in the container, with its output passed through.
fn container_ps(target: &super::exec::Target, ps_args: Vec<String>) -> Result<()> {
    let err = |e| super::exec::exec_error(e, &target.ctr);
    let opts = ExecOptions {
        container: target.ctr.config.id.clone(),
        command: std::iter::once("ps".to_string()).chain(ps_args).collect(),
        interactive: false,
        tty: false,
        detach: false,
        privileged: false,
        env: Vec::new(),
        user: None,
        workdir: None,
    };
    let mut process = exec::exec_process(&target.plan.plan.process, &opts, &target.plan.supported);
    // ps runs as root, whoever the container's user is, as podman's does.
    process.user = None;
    let signals = exec::Signals::block().map_err(err)?;
    exec::join(
        target.pidfd.as_fd(),
        target.pid,
        exec::namespaces(&target.plan.plan),
    )
    .map_err(err)?;
    let started = exec::start(
        &process,
        target.plan.seccomp.as_ref(),
        &target.plan.supported,
        None,
        false,
    )
    .map_err(err)?;
    match exec::supervise(&started, &signals, false).map_err(err)? {
        0 => Ok(()),
        code => Err(Error::Exit(code)),
    }
}
