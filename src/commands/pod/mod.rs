//! `berth pod`: pods are records (`crate::pod`) plus ordinary containers. A pod command runs
//! in P0 and acts on its containers by running berth itself (`/proc/self/exe`) as a client
//! for each container step (`create`, `start`, `stop`, `kill`, `rm`), so every step takes
//! the same path, sessions and checks as the container commands; the global options reach
//! those children through the environment (`GlobalArgs::globals().pin()`).

use std::ffi::OsString;
use std::process::Stdio;

use crate::cli::pod::{PodArgs, PodCommand, PodTargets};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::pod::{Pod, PodError};
use crate::storage::container::{self, Container, ContainerState, Status};

pub mod create;
pub mod inspect;
pub mod join;
pub mod lifecycle;
pub mod ps;

/// Run one `berth pod` subcommand.
pub fn execute(args: PodArgs) -> Result<()> {
    match args.command {
        PodCommand::Create(a) => create::execute(*a),
        PodCommand::Ps(a) => ps::execute(&a),
        PodCommand::Inspect(a) => inspect::execute(&a),
        PodCommand::Start(a) => lifecycle::start(&a),
        PodCommand::Stop(a) => lifecycle::stop(&a),
        PodCommand::Restart(a) => lifecycle::restart(&a),
        PodCommand::Kill(a) => lifecycle::kill(&a),
        PodCommand::Rm(a) => lifecycle::rm(&a),
        PodCommand::Prune(a) => lifecycle::prune(&a),
        PodCommand::Top(a) => lifecycle::top(&a),
        PodCommand::Logs(a) => lifecycle::logs(&a),
        PodCommand::Exists(a) => {
            let paths = Paths::discover().context("find berth's directories")?;
            match crate::pod::find(&paths.data, &a.pod) {
                Ok(_) => Ok(()),
                Err(PodError::NotFound(_)) => Err(Error::Exit(1)),
                Err(e) => Err(Error::from_source("look up the pod", e)),
            }
        }
        PodCommand::Pause(a) => lifecycle::pause(&a, "pause"),
        PodCommand::Unpause(a) => lifecycle::pause(&a, "unpause"),
        PodCommand::Stats(a) => refuse_stats(&a),
    }
}

/// `pod stats` is not built yet (the containers' own `berth stats` is).
fn refuse_stats(targets: &PodTargets) -> Result<()> {
    let what = if targets.pods.is_empty() {
        String::new()
    } else {
        format!(" `{}`", targets.pods.join(", "))
    };
    Err(
        Error::msg(format!("berth: pod stats is not supported yet{what}"))
            .hint("`berth stats` shows each of the pod's containers: `berth ps --pod` lists them"),
    )
}

/// A pod with its containers and their states (the infra first).
pub(crate) struct PodView {
    pub pod: Pod,
    pub members: Vec<(Container, ContainerState)>,
}

impl PodView {
    /// podman's pod status.
    pub fn status(&self) -> &'static str {
        let states: Vec<ContainerState> = self.members.iter().map(|(_, s)| s.clone()).collect();
        crate::pod::status(&states)
    }

    /// Is `c` this pod's infra?
    pub fn is_infra(&self, c: &Container) -> bool {
        self.pod.config.infra_id.as_deref() == Some(c.config.id.as_str())
    }
}

/// Every pod with its containers.
pub(crate) fn views(paths: &Paths) -> Result<Vec<PodView>> {
    let pods = crate::pod::list(&paths.data).context("list pods")?;
    let containers = container::list(&paths.data).context("list containers")?;
    Ok(pods.into_iter().map(|p| view(p, &containers)).collect())
}

/// One pod with its containers.
pub(crate) fn view(pod: Pod, containers: &[Container]) -> PodView {
    let infra = pod.config.infra_id.clone();
    let mut members: Vec<(Container, ContainerState)> = crate::pod::members(&pod, containers)
        .into_iter()
        .map(|c| {
            let state = c.state().unwrap_or_else(|_| ContainerState::created());
            (c, state)
        })
        .collect();
    members.sort_by_key(|(c, _)| (Some(&c.config.id) != infra.as_ref(), c.config.created));
    PodView { pod, members }
}

/// The pods `targets` names (each with the key it was named by), or `--all`/`--latest`.
/// A missing pod is `Err` in its slot, so the caller can report it and carry on.
pub(crate) fn select(
    paths: &Paths,
    targets: &PodTargets,
) -> Result<Vec<(String, std::result::Result<PodView, PodError>)>> {
    if targets.all && !targets.pods.is_empty() {
        return Err(Error::msg("--all and pods cannot be used together"));
    }
    if targets.latest && !targets.pods.is_empty() {
        return Err(Error::msg("--latest and pods cannot be used together"));
    }
    let containers = container::list(&paths.data).context("list containers")?;
    if targets.all || targets.latest {
        let mut pods = crate::pod::list(&paths.data).context("list pods")?;
        if targets.latest {
            pods = pods.pop().into_iter().collect();
        }
        return Ok(pods
            .into_iter()
            .map(|p| (p.config.id.clone(), Ok(view(p, &containers))))
            .collect());
    }
    if targets.pods.is_empty() {
        return Err(Error::msg("you must provide at least one pod name or id")
            .hint("name the pods, or use --all or --latest"));
    }
    Ok(targets
        .pods
        .iter()
        .map(|key| {
            let found = crate::pod::find(&paths.data, key).map(|p| view(p, &containers));
            (key.clone(), found)
        })
        .collect())
}

/// The error for a pod lookup that failed.
pub(crate) fn lookup_error(e: PodError) -> Error {
    match e {
        e @ PodError::NotFound(_) => Error::not_found(e),
        e => Error::from_source("look up the pod", e),
    }
}

/// Run berth itself (`/proc/self/exe`) with `args`, its stderr passed through; returns its
/// stdout. A failure is the child's exit status (it has reported its error already).
pub(crate) fn berth(args: &[OsString]) -> Result<String> {
    let out = std::process::Command::new("/proc/self/exe")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .context("run berth for a pod's container (`/proc/self/exe`)")?;
    if !out.status.success() {
        return Err(Error::Exit(out.status.code().unwrap_or(125)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// [`berth`] with string arguments.
pub(crate) fn berth_str<S: AsRef<str>>(args: &[S]) -> Result<String> {
    let args: Vec<OsString> = args.iter().map(|a| OsString::from(a.as_ref())).collect();
    berth(&args)
}

/// P0: make sure the infra of the pod `pod_id` runs (a member is about to join its
/// namespaces). Nothing to do for a pod without infra.
pub(crate) fn ensure_infra_running(paths: &Paths, pod_id: &str) -> Result<()> {
    let pod = crate::pod::find(&paths.data, pod_id).map_err(lookup_error)?;
    let Some(infra) = &pod.config.infra_id else {
        return Ok(());
    };
    let ctr = container::find(&paths.data, infra)
        .map_err(|e| e.into_lookup_error("find the pod's infra container"))?;
    let running = ctr
        .state()
        .is_ok_and(|s| s.status == Status::Running && s.is_alive());
    if running {
        return Ok(());
    }
    // The child reports its own error (naming the infra container).
    berth_str(&["start", infra.as_str()])?;
    Ok(())
}
