//! `pod start/stop/restart/kill/rm/prune/top/logs`: each pod's containers, through berth's
//! own container commands (see the module above). Members depend on the infra (they are in
//! its namespaces): it starts first and stops last.

use std::ffi::OsString;

use super::{berth, berth_str, PodView};
use crate::cli::pod::{
    PodKillArgs, PodLogsArgs, PodPruneArgs, PodRmArgs, PodStopArgs, PodTargets, PodTopArgs,
};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::pod::PodError;
use crate::storage::container::Status;

/// Run `each` on every selected pod, printing the pod's id after each success; a missing
/// pod (skipped with `ignore`) or a failure is reported and the first status returned.
fn each_pod(
    targets: &PodTargets,
    ignore: bool,
    not_found_code: i32,
    mut each: impl FnMut(&PodView) -> Result<()>,
) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let mut first: Option<Error> = None;
    for (_, found) in super::select(&paths, targets)? {
        let result = match found {
            Ok(view) => each(&view).map(|()| println!("{}", view.pod.config.id)),
            Err(PodError::NotFound(_)) if ignore => Ok(()),
            Err(e @ PodError::NotFound(_)) => Err(super::lookup_error(e).with_code(not_found_code)),
            Err(e) => Err(super::lookup_error(e)),
        };
        if let Err(e) = result {
            first.get_or_insert(Error::Exit(e.report()));
        }
    }
    first.map_or(Ok(()), Err)
}

fn ids<'a>(items: impl Iterator<Item = &'a crate::storage::container::Container>) -> Vec<OsString> {
    items.map(|c| OsString::from(&c.config.id)).collect()
}

/// Start the infra, then the members that are not running.
fn start_view(v: &PodView) -> Result<()> {
    let idle = |s: &crate::storage::container::ContainerState| {
        !(s.status == Status::Running && s.is_alive())
    };
    if let Some((infra, state)) = v.members.iter().find(|(c, _)| v.is_infra(c)) {
        if idle(state) {
            berth_str(&["start", infra.config.id.as_str()])?;
        }
    }
    let mut first: Option<Error> = None;
    for (c, state) in v.members.iter().filter(|(c, _)| !v.is_infra(c)) {
        if idle(state) {
            if let Err(e) = berth_str(&["start", c.config.id.as_str()]) {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), Err)
}

/// Stop the running members, then the infra.
fn stop_view(v: &PodView, time: Option<u32>) -> Result<()> {
    let running = |s: &crate::storage::container::ContainerState| s.status == Status::Running;
    let mut args: Vec<OsString> = vec!["stop".into()];
    if let Some(t) = time {
        args.push(format!("--time={t}").into());
    }
    let members = ids(v
        .members
        .iter()
        .filter(|(c, s)| !v.is_infra(c) && running(s))
        .map(|(c, _)| c));
    if !members.is_empty() {
        let mut a = args.clone();
        a.extend(members);
        berth(&a)?;
    }
    let infra = ids(v
        .members
        .iter()
        .filter(|(c, s)| v.is_infra(c) && running(s))
        .map(|(c, _)| c));
    if !infra.is_empty() {
        args.extend(infra);
        berth(&args)?;
    }
    Ok(())
}

/// `berth pod start`.
pub fn start(targets: &PodTargets) -> Result<()> {
    each_pod(targets, false, 125, start_view)
}

/// `berth pod stop`.
pub fn stop(args: &PodStopArgs) -> Result<()> {
    each_pod(&args.targets, args.ignore, 125, |v| stop_view(v, args.time))
}

/// `berth pod restart`: stop every container, then start the infra and the members.
pub fn restart(targets: &PodTargets) -> Result<()> {
    each_pod(targets, false, 125, |v| {
        stop_view(v, None)?;
        let paths = Paths::discover().context("find berth's directories")?;
        let containers = crate::storage::container::list(&paths.data).context("list containers")?;
        start_view(&super::view(v.pod.clone(), &containers))
    })
}

/// `berth pod kill`: signal every running container.
pub fn kill(args: &PodKillArgs) -> Result<()> {
    // A bad signal is refused before any pod is looked up, as `kill`.
    crate::commands::lifecycle::kill_signal(&args.signal)?;
    each_pod(&args.targets, false, 125, |v| {
        let running = ids(v
            .members
            .iter()
            .filter(|(_, s)| s.status == Status::Running)
            .map(|(c, _)| c));
        if running.is_empty() {
            return Err(Error::msg(format!(
                "pod `{}` has no running containers to kill",
                v.pod.config.name
            )));
        }
        let mut a: Vec<OsString> = vec!["kill".into(), format!("--signal={}", args.signal).into()];
        a.extend(running);
        berth(&a).map(|_| ())
    })
}

/// `pod pause` / `pod unpause`: freeze or thaw every running container of the pod (the infra
/// too, as podman), through each container's cgroup (`berth pause`).
pub fn pause(targets: &PodTargets, verb: &str) -> Result<()> {
    let pause = verb == "pause";
    each_pod(targets, false, 125, |v| {
        let chosen = ids(v
            .members
            .iter()
            .filter(|(c, s)| {
                s.status == Status::Running
                    && s.is_alive()
                    && crate::commands::pause::is_paused(c) != pause
            })
            .map(|(c, _)| c));
        if chosen.is_empty() {
            return Err(Error::msg(format!(
                "pod `{}` has no {} containers to {verb}",
                v.pod.config.name,
                if pause { "running" } else { "paused" }
            )));
        }
        let mut a: Vec<OsString> = vec![verb.into()];
        a.extend(chosen);
        berth(&a).map(|_| ())
    })
}

/// Remove a pod's containers (members first, then the infra) and its record.
fn remove_view(v: &PodView, force: bool, time: Option<u32>) -> Result<()> {
    let name = &v.pod.config.name;
    // The infra is stopped with its pod; a running member needs --force.
    if !force
        && v.members
            .iter()
            .any(|(c, s)| !v.is_infra(c) && s.status == Status::Running && s.is_alive())
    {
        return Err(Error::msg(format!(
            "pod `{name}` has running containers: cannot remove it"
        ))
        .hint(format!(
            "stop it first (`berth pod stop {name}`), or use `berth pod rm -f`"
        )));
    }
    let mut args: Vec<OsString> = vec!["rm".into(), "--force".into()];
    if let Some(t) = time {
        args.push(format!("--time={t}").into());
    }
    let members = ids(v
        .members
        .iter()
        .filter(|(c, _)| !v.is_infra(c))
        .map(|(c, _)| c));
    if !members.is_empty() {
        let mut a = args.clone();
        a.extend(members);
        berth(&a)?;
    }
    // The record goes before the infra, which `rm` refuses while its pod exists.
    let paths = Paths::discover().context("find berth's directories")?;
    crate::pod::remove(&paths.data, &v.pod)
        .map_err(|e| Error::from_source(format!("remove pod `{name}`"), e))?;
    let infra = ids(v
        .members
        .iter()
        .filter(|(c, _)| v.is_infra(c))
        .map(|(c, _)| c));
    if !infra.is_empty() {
        args.extend(infra);
        berth(&args)?;
    }
    Ok(())
}

/// `berth pod rm`.
pub fn rm(args: &PodRmArgs) -> Result<()> {
    let mut targets = args.targets.clone();
    for file in &args.pod_id_file {
        match std::fs::read_to_string(file) {
            Ok(text) => targets.pods.push(text.trim().to_string()),
            Err(_) if args.ignore => {}
            Err(e) => {
                return Err(Error::from_source(
                    format!("read the pod id file `{}`", file.display()),
                    e,
                ))
            }
        }
    }
    if targets.pods.is_empty() && !targets.all && !targets.latest && !args.pod_id_file.is_empty() {
        return Ok(());
    }
    // As podman, --force passes over a pod that does not exist.
    each_pod(&targets, args.ignore || args.force, 1, |v| {
        remove_view(v, args.force, args.time)
    })
}

/// `berth pod prune`: remove every pod with no running container.
pub fn prune(args: &PodPruneArgs) -> Result<()> {
    if !args.force {
        use std::io::{BufRead, IsTerminal, Write};
        if std::io::stdin().is_terminal() {
            print!("WARNING! This will remove all stopped/exited pods..\nAre you sure you want to continue? [y/N] ");
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            let _ = std::io::stdin().lock().read_line(&mut line);
            if !matches!(line.trim(), "y" | "Y" | "yes") {
                return Ok(());
            }
        }
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let mut first: Option<Error> = None;
    for v in super::views(&paths)? {
        if v.members
            .iter()
            .any(|(_, s)| s.status == Status::Running && s.is_alive())
        {
            continue;
        }
        match remove_view(&v, false, None) {
            Ok(()) => println!("{}", v.pod.config.id),
            Err(e) => {
                first.get_or_insert(Error::Exit(e.report()));
            }
        }
    }
    first.map_or(Ok(()), Err)
}

/// `berth pod top`: the processes of each running container, under one heading.
pub fn top(args: &PodTopArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let pod = crate::pod::find(&paths.data, &args.pod).map_err(super::lookup_error)?;
    let containers = crate::storage::container::list(&paths.data).context("list containers")?;
    let v = super::view(pod, &containers);
    let running: Vec<_> = v
        .members
        .iter()
        .filter(|(_, s)| s.status == Status::Running && s.is_alive())
        .collect();
    if running.is_empty() {
        return Err(Error::msg(format!(
            "pod `{}` has no running containers",
            v.pod.config.name
        )));
    }
    let mut heading_done = false;
    for (c, _) in running {
        let mut a: Vec<OsString> = vec!["top".into(), OsString::from(&c.config.id)];
        a.extend(args.descriptors.iter().map(OsString::from));
        let out = berth(&a)?;
        let mut lines = out.lines();
        if let Some(head) = lines.next() {
            if !heading_done {
                println!("{head}");
                heading_done = true;
            }
        }
        for line in lines {
            println!("{line}");
        }
    }
    Ok(())
}

/// `berth pod logs`: each member's log in turn (the infra writes none).
pub fn logs(args: &PodLogsArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let pod = crate::pod::find(&paths.data, &args.pod).map_err(super::lookup_error)?;
    let containers = crate::storage::container::list(&paths.data).context("list containers")?;
    let v = super::view(pod, &containers);
    let members: Vec<_> = v
        .members
        .iter()
        .filter(|(c, _)| !v.is_infra(c))
        .filter(|(c, _)| {
            args.container
                .as_ref()
                .is_none_or(|k| c.config.name == *k || c.config.id.starts_with(k.as_str()))
        })
        .collect();
    if let (Some(k), true) = (&args.container, members.is_empty()) {
        return Err(Error::msg(format!(
            "container `{k}` is not in pod `{}`",
            v.pod.config.name
        )));
    }
    for (c, _) in members {
        let mut a: Vec<OsString> = vec!["logs".into()];
        if args.timestamps {
            a.push("--timestamps".into());
        }
        if let Some(t) = &args.tail {
            a.push(format!("--tail={t}").into());
        }
        a.push(OsString::from(&c.config.id));
        let out = berth(&a)?;
        for line in out.lines() {
            if args.names {
                println!("{} {line}", c.config.name);
            } else {
                println!("{line}");
            }
        }
    }
    Ok(())
}
