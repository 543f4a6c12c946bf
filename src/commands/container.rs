//! `berth container …`: podman's container command group. Most subcommands are the
//! top-level commands under another name; `prune` and `exists` live here. This file also
//! holds what `diff`, `export`, `commit` and `cp` share: finding a container and reaching its
//! root filesystem from the session.

use std::io::{BufRead, Write};
use std::os::fd::OwnedFd;
use std::path::PathBuf;

use crate::cli::container::{ContainerArgs, ContainerCommand, ExistsArgs, PruneArgs};
use crate::config::{Config, Paths};
use crate::error::{Context, Error, HintContext, Result};
use crate::storage::container::{self, Container, ContainerError, Status};
use crate::storage::overlay::{self, OverlaySpec};
use crate::storage::Store;
use crate::userns::session::{SessionLink, SessionRequest};

/// podman's status for "no such container" where a script tests for it.
const EXIT_NO_SUCH: i32 = 1;

/// Run `berth container SUBCOMMAND` (in a session, `link` is its link to P0); P0's halves are dispatched by
/// `commands::execute`.
pub fn execute(args: ContainerArgs, link: Option<&SessionLink>) -> Result<()> {
    match args.command {
        ContainerCommand::Ls(a) => super::ps::execute(a),
        ContainerCommand::Run(a) => super::run::in_session(*a, super::session_link(link)?),
        ContainerCommand::Rm(a) => super::rm::execute(a),
        ContainerCommand::Inspect(a) => super::inspect::execute(a.into()),
        ContainerCommand::Rename(a) => super::rename::execute(a),
        ContainerCommand::Prune(_) => prune(),
        ContainerCommand::Exists(a) => exists(&a),
        ContainerCommand::Diff(a) => super::diff::in_session(&a),
        ContainerCommand::Export(a) => super::export::in_session(&a),
        ContainerCommand::Commit(a) => super::commit::in_session(a),
        ContainerCommand::Cp(a) => super::cp::in_session(&a),
        ContainerCommand::Stop(a) => super::lifecycle::stop(a),
        ContainerCommand::Kill(a) => super::lifecycle::kill(a),
        ContainerCommand::Wait(a) => super::lifecycle::wait(a),
        ContainerCommand::Logs(a) => super::logs::execute(a),
        ContainerCommand::Pause(a) => super::pause::execute(&a, "pause"),
        ContainerCommand::Unpause(a) => super::pause::execute(&a, "unpause"),
        ContainerCommand::Stats(a) => super::stats::execute(&a),
        ContainerCommand::Update(a) => super::update::execute(&a),
        ContainerCommand::Top(a) => super::top::execute(a),
        ContainerCommand::Port(a) => super::port::execute(a),
    }
}

/// `berth container exists`: exit 0 or 1, print nothing.
fn exists(args: &ExistsArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    match container::find(&paths.data, &args.container) {
        Ok(_) => Ok(()),
        Err(ContainerError::NotFound(_)) => Err(Error::Exit(EXIT_NO_SUCH)),
        Err(e) => Err(e).with_context(|| format!("look up container `{}`", args.container)),
    }
}

/// P0's half of `berth container prune`: ask (unless `--force`). The session it starts runs
/// the same command line and does not ask again.
pub fn prune_host_half(args: &PruneArgs) -> Result<Option<SessionRequest>> {
    if !args.force && !confirm()? {
        return Ok(None);
    }
    Ok(Some(SessionRequest::same_command_line()))
}

/// `berth container prune`, in the session: remove every container that is not running,
/// printing its id.
fn prune() -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let all = container::list(&paths.data).context("list containers")?;
    for c in prunable(all) {
        container::remove(&paths.data, &c)
            .with_context(|| format!("remove container `{}`", c.config.name))?;
        println!("{}", c.config.id);
    }
    Ok(())
}

/// The containers `prune` removes: all that are not running (a running state whose
/// process is gone reads as exited).
pub fn prunable(all: Vec<Container>) -> Vec<Container> {
    let mut out: Vec<Container> = all
        .into_iter()
        .filter(|c| c.state().is_ok_and(|s| s.status != Status::Running))
        .collect();
    out.sort_by_key(|c| c.config.created);
    out
}

fn confirm() -> Result<bool> {
    print!(
        "WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] "
    );
    std::io::stdout().flush().context("write the prompt")?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Find a container by name or id, with podman's message when there is none.
pub fn find(paths: &Paths, key: &str) -> Result<Container> {
    container::find(&paths.data, key).map_err(|e| match e {
        e @ ContainerError::NotFound(_) => Error::msg(e.to_string()),
        e => Error::from_source(format!("look up container `{key}`"), e),
    })
}

/// The image's layer directories under a container, top layer first.
pub fn lower_dirs(store: &Store, ctr: &Container) -> Result<Vec<PathBuf>> {
    let image = store
        .resolve_image(&ctr.config.image_id)
        .with_context(|| format!("find the image of container `{}`", ctr.config.name))?;
    Ok(image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_diff(l))
        .collect())
}

/// P0, for `export` and `cp`: when the container is running, join its monitor's user and
/// mount namespaces, where its rootfs is mounted, and return true; the command then runs
/// right here as uid 0 of that namespace. Otherwise (or when the container does not exist)
/// return false, and the command goes to a new session.
///
/// A new session could not reach the rootfs: its user namespace is a sibling of the
/// monitor's, and the kernel only lets the namespace's owner (P0, the real user) look into
/// the monitor's `/proc/PID/root` or join its namespaces.
pub fn join_running(key: &str) -> Result<bool> {
    let paths = Paths::discover().context("find berth's directories")?;
    let Ok(ctr) = container::find(&paths.data, key) else {
        return Ok(false);
    };
    let Ok(state) = ctr.state() else {
        return Ok(false);
    };
    let Some((pid, start)) = state.monitor.filter(|_| state.status == Status::Running) else {
        return Ok(false);
    };
    let what = || format!("join the namespaces of container `{}`", ctr.config.name);
    // Opened before joining, and checked against the start time after opening, so a
    // reused pid is never joined.
    let userns = std::fs::File::open(format!("/proc/{pid}/ns/user")).with_context(what)?;
    let mntns = std::fs::File::open(format!("/proc/{pid}/ns/mnt")).with_context(what)?;
    if container::process_start_time(pid) != Some(start) {
        return Ok(false);
    }
    // Joining a mount namespace moves the cwd to its root: come back to ours, so that
    // relative host paths keep their meaning.
    let cwd = std::fs::File::open(".").context("open the current directory")?;
    crate::sys::process::set_dumpable(false).with_context(what)?;
    nix::sched::setns(&userns, nix::sched::CloneFlags::CLONE_NEWUSER)
        .map_err(std::io::Error::from)
        .with_context(what)?;
    nix::sched::setns(&mntns, nix::sched::CloneFlags::CLONE_NEWNS)
        .map_err(std::io::Error::from)
        .with_context(what)?;
    nix::unistd::fchdir(std::os::fd::AsRawFd::as_raw_fd(&cwd))
        .map_err(std::io::Error::from)
        .context("return to the current directory")?;
    crate::sys::process::set_ids(0, 0, &[]).context("become root in the user namespace")?;
    Ok(true)
}

/// A container's merged root filesystem, open as a directory. A running container's rootfs
/// is mounted in its monitor's mount namespace, which [`join_running`] joined; a stopped
/// one is mounted here, in the session's private mount namespace, and unmounted when this
/// is dropped.
pub struct Rootfs {
    pub fd: OwnedFd,
    /// What to call it in messages.
    pub path: PathBuf,
    mounted: Option<PathBuf>,
}

impl Drop for Rootfs {
    fn drop(&mut self) {
        if let Some(merged) = &self.mounted {
            let _ = overlay::unmount(merged);
        }
    }
}

/// overlayfs' and FUSE's `statfs` magic numbers.
const OVERLAY_MAGIC: i64 = 0x794c_7630;
const FUSE_MAGIC: i64 = 0x6573_5546;

/// Open a container's rootfs (in the session or the joined monitor namespaces: its files
/// belong to the mapped ids).
pub fn open_rootfs(paths: &Paths, ctr: &Container) -> Result<Rootfs> {
    let state = ctr
        .state()
        .with_context(|| format!("read the state of container `{}`", ctr.config.name))?;
    if state.status == Status::Running {
        let merged = ctr.merged();
        let fd = crate::storage::changes::open_tree(&merged)
            .with_context(|| format!("open the rootfs of container `{}`", ctr.config.name))?;
        let magic = nix::sys::statfs::fstatfs(&fd)
            .map(|s| s.filesystem_type().0)
            .unwrap_or(0);
        if magic != OVERLAY_MAGIC && magic != FUSE_MAGIC {
            return Err(Error::msg(format!(
                "open the rootfs of container `{}`: it started while berth was preparing",
                ctr.config.name
            ))
            .hint("run the command again"));
        }
        return Ok(Rootfs {
            fd,
            path: merged,
            mounted: None,
        });
    }
    let config = Config::load(paths).context("load berth's configuration")?;
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let store = Store::open(paths).context("open the store")?;
    let image = store
        .resolve_image(&ctr.config.image_id)
        .with_context(|| format!("find the image of container `{}`", ctr.config.name))?;
    let lowers = image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_link(l))
        .collect::<std::result::Result<Vec<PathBuf>, _>>()
        .context("find the image's layers")?;
    let spec = OverlaySpec {
        layers_dir: store.layers_dir(),
        lowers,
        upper: ctr.upper(),
        work: ctr.work(),
        merged: ctr.merged(),
    };
    overlay::mount(&spec, config.storage.overlay, &paths.runtime)
        .hinted_context("mount the container's rootfs")?;
    let mut rootfs = Rootfs {
        fd: crate::storage::changes::open_tree(&spec.merged)
            .map_or_else(
                |e| {
                    let _ = overlay::unmount(&spec.merged);
                    Err(e)
                },
                Ok,
            )
            .context("open the container's rootfs")?,
        path: spec.merged.clone(),
        mounted: None,
    };
    rootfs.mounted = Some(spec.merged);
    Ok(rootfs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::container::{ContainerConfig, ContainerState};

    fn config(id: &str, name: &str) -> ContainerConfig {
        ContainerConfig {
            id: id.into(),
            name: name.into(),
            image_id: "i".repeat(64),
            image_name: "busybox".into(),
            command: vec!["true".into()],
            created: chrono::Utc::now(),
            rm: false,
            options: crate::spec::RunOptions::default(),
        }
    }

    #[test]
    fn prune_keeps_running_containers() {
        let tmp = tempfile::tempdir().unwrap();
        let done = container::create(tmp.path(), Some("done"), config).unwrap();
        let up = container::create(tmp.path(), Some("up"), config).unwrap();
        let me = i32::try_from(std::process::id()).unwrap();
        up.write_state(&ContainerState {
            status: Status::Running,
            pid: Some(me),
            pid_start: container::process_start_time(me),
            ..ContainerState::created()
        })
        .unwrap();
        let dead = container::create(tmp.path(), Some("dead"), config).unwrap();
        dead.write_state(&ContainerState {
            status: Status::Running,
            pid: Some(i32::MAX),
            pid_start: Some(1),
            ..ContainerState::created()
        })
        .unwrap();
        let all = container::list(tmp.path()).unwrap();
        let mut names: Vec<String> = prunable(all).into_iter().map(|c| c.config.name).collect();
        names.sort();
        assert_eq!(names, ["dead", "done"]);
        let _ = done;
    }
}
