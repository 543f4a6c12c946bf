//! `compose up` and `compose down`.
//!
//! `up` checks every service's command line before it changes anything, then creates the
//! networks and volumes, builds or pulls the images, and goes through the services in
//! dependency order: a container whose config hash is unchanged is kept (started if it was
//! stopped), a changed one is replaced, a missing one is created; each waits for its
//! dependencies' conditions first.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::{image_id, members, probe_berth, progress, run_berth, Ctx, Member};
use crate::cli::compose::{DownArgs, UpArgs};
use crate::compose::model::Condition;
use crate::compose::plan::{self, ServiceArgs};
use crate::error::{Error, Result};
use crate::storage::container::Status;

/// Parse `--scale SERVICE=NUM`s.
fn scales(ctx: &Ctx, list: &[String]) -> Result<BTreeMap<String, u32>> {
    let mut out = BTreeMap::new();
    for s in list {
        let (svc, n) = s
            .split_once('=')
            .and_then(|(svc, n)| n.parse::<u32>().ok().map(|n| (svc, n)))
            .ok_or_else(|| Error::msg(format!("invalid --scale `{s}`: expected SERVICE=NUM")))?;
        ctx.check_services(&[svc.to_string()])?;
        out.insert(svc.to_string(), n);
    }
    Ok(out)
}

pub fn up(ctx: &Ctx, a: &UpArgs) -> Result<()> {
    let p = &ctx.project;
    ctx.check_services(&a.services)?;
    if let Some(s) = &a.exit_code_from {
        ctx.check_services(std::slice::from_ref(s))?;
    }
    let scale = scales(ctx, &a.scale)?;
    let targets = plan::with_dependencies(p, &a.services, a.no_deps);
    // Every command line first: bad input starts nothing.
    let mut args: BTreeMap<String, ServiceArgs> = BTreeMap::new();
    for s in &targets {
        args.insert(
            s.clone(),
            plan::service_args(p, s).map_err(|e| Error::from_source("compose", e))?,
        );
    }
    for s in &targets {
        for dir in plan::host_dirs(p, s) {
            if std::fs::symlink_metadata(&dir).is_err() {
                std::fs::create_dir_all(&dir).map_err(|e| {
                    Error::from_source(format!("service `{s}`: create `{}`", dir.display()), e)
                })?;
            }
        }
    }
    ensure_networks(ctx, &targets)?;
    ensure_volumes(ctx)?;
    for s in &targets {
        ensure_image(ctx, s, a.build, a.no_build)?;
    }
    let existing = members(Some(&p.name))?;
    handle_orphans(ctx, &existing, a.remove_orphans)?;
    let mut started: Vec<String> = Vec::new();
    // Containers that were running already: attached output shows only what comes next.
    let mut kept: Vec<String> = Vec::new();
    for s in &targets {
        let svc = &p.model.services[s];
        if !a.no_deps {
            for (dep, cond, required) in plan::waits(svc) {
                if targets.contains(&dep) {
                    wait_for(ctx, &dep, cond, required)?;
                }
            }
        }
        let sa = &args[s];
        let image = plan::image_name(p, s);
        let hash = plan::config_hash(sa, &image_id(&image).unwrap_or_default());
        let want = plan::replicas(svc, scale.get(s).copied());
        for n in 1..=want {
            let name = plan::container_name(p, s, n);
            let current = existing
                .iter()
                .find(|m| !m.oneoff && m.service == *s && (m.number == n || m.name == name));
            match current {
                Some(m) if (m.hash == hash && !a.force_recreate) || a.no_recreate => {
                    if m.status == Status::Running {
                        kept.push(m.name.clone());
                        progress("Container", &m.name, "Running");
                    } else {
                        progress("Container", &m.name, "Starting");
                        run_berth(
                            &["start".into(), m.name.clone()],
                            &format!("start container `{}`", m.name),
                        )?;
                        progress("Container", &m.name, "Started");
                    }
                }
                Some(m) => {
                    progress("Container", &m.name, "Recreate");
                    remove(&m.name, a.timeout, false)?;
                    create(ctx, s, n, &hash, sa)?;
                    progress("Container", &name, "Recreated");
                }
                None => {
                    progress("Container", &name, "Creating");
                    create(ctx, s, n, &hash, sa)?;
                    progress("Container", &name, "Started");
                }
            }
            started.push(name);
        }
        // Scaled down: the replicas above the count go.
        for m in existing
            .iter()
            .filter(|m| !m.oneoff && m.service == *s && m.number > want)
        {
            progress("Container", &m.name, "Stopping");
            remove(&m.name, a.timeout, false)?;
            progress("Container", &m.name, "Removed");
        }
    }
    if a.wait {
        return wait_running(ctx, &targets, a.wait_timeout);
    }
    if a.detach {
        return Ok(());
    }
    attach(ctx, &started, &kept, a)
}

fn create(ctx: &Ctx, service: &str, n: u32, hash: &str, sa: &ServiceArgs) -> Result<()> {
    let p = &ctx.project;
    let name = plan::container_name(p, service, n);
    let labels = plan::identity_labels(p, service, n, hash, false);
    let cmd = plan::run_command(&name, &labels, sa, true, &[], None);
    run_berth(
        &cmd,
        &format!("service `{service}`: create container `{name}`"),
    )?;
    Ok(())
}

fn remove(name: &str, timeout: Option<u32>, volumes: bool) -> Result<()> {
    let mut args = vec!["rm".to_string(), "-f".into()];
    if let Some(t) = timeout {
        args.push("-t".into());
        args.push(t.to_string());
    }
    if volumes {
        args.push("-v".into());
    }
    args.push(name.to_string());
    run_berth(&args, &format!("remove container `{name}`")).map(|_| ())
}

fn ensure_networks(ctx: &Ctx, targets: &[String]) -> Result<()> {
    let p = &ctx.project;
    let used: BTreeSet<String> = targets
        .iter()
        .flat_map(|s| plan::service_networks(&p.model.services[s]))
        .collect();
    for key in used {
        let name = plan::network_name(p, &key);
        if probe_berth(&["network", "exists", &name]).is_some() {
            continue;
        }
        if p.model.networks.get(&key).is_some_and(|n| n.external) {
            return Err(Error::msg(format!(
                "network {name} declared as external, but could not be found"
            ))
            .hint(format!("create it with `berth network create {name}`")));
        }
        progress("Network", &name, "Creating");
        let cmd = plan::network_create(p, &key).map_err(|e| Error::from_source("compose", e))?;
        run_berth(&cmd, &format!("create network `{name}`"))?;
        progress("Network", &name, "Created");
    }
    Ok(())
}

fn ensure_volumes(ctx: &Ctx) -> Result<()> {
    let p = &ctx.project;
    for (key, vol) in &p.model.volumes {
        let name = plan::volume_name(p, key);
        if probe_berth(&["volume", "exists", &name]).is_some() {
            continue;
        }
        if vol.external {
            return Err(Error::msg(format!("external volume \"{name}\" not found"))
                .hint(format!("create it with `berth volume create {name}`")));
        }
        progress("Volume", &name, "Creating");
        run_berth(
            &plan::volume_create(p, key),
            &format!("create volume `{name}`"),
        )?;
        progress("Volume", &name, "Created");
    }
    Ok(())
}

/// Build a service's image (with `--build`, or when it is missing), or pull a missing one.
pub fn ensure_image(ctx: &Ctx, service: &str, build: bool, no_build: bool) -> Result<()> {
    let p = &ctx.project;
    let svc = &p.model.services[service];
    let image = plan::image_name(p, service);
    let have = image_id(&image).is_some();
    let policy_build = svc.pull_policy.as_deref() == Some("build");
    if svc.build.is_some() && !no_build && (build || policy_build || !have) {
        return build_service(ctx, service, false, false);
    }
    let always = svc.pull_policy.as_deref() == Some("always");
    if (!have || always) && svc.pull_policy.as_deref() != Some("never") {
        progress("Image", &image, "Pulling");
        run_berth(
            &["pull".into(), "-q".into(), image.clone()],
            &format!("service `{service}`: pull image `{image}`"),
        )?;
        progress("Image", &image, "Pulled");
    }
    Ok(())
}

pub fn build_service(ctx: &Ctx, service: &str, no_cache: bool, pull: bool) -> Result<()> {
    let p = &ctx.project;
    let Some(cmd) = plan::build_command(p, service, no_cache, pull) else {
        return Ok(());
    };
    let image = plan::image_name(p, service);
    progress("Image", &image, "Building");
    // The build's own output goes to stderr, as docker compose's does.
    let status = super::berth()
        .args(&cmd)
        .stdout(std::process::Stdio::from(stderr_fd()?))
        .status()
        .map_err(|e| Error::from_source(format!("service `{service}`: build"), e))?;
    if !status.success() {
        return Err(
            Error::msg(format!("service `{service}`: build of `{image}` failed")).with_code(
                status
                    .code()
                    .filter(|c| *c != 0)
                    .unwrap_or(crate::error::EXIT_BERTH),
            ),
        );
    }
    progress("Image", &image, "Built");
    Ok(())
}

/// A copy of our stderr, for a child's stdout.
fn stderr_fd() -> Result<std::os::fd::OwnedFd> {
    use std::os::fd::AsFd;
    std::io::stderr()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| Error::from_source("duplicate stderr", e))
}

fn handle_orphans(ctx: &Ctx, existing: &[Member], remove_them: bool) -> Result<()> {
    let orphans: Vec<&Member> = existing
        .iter()
        .filter(|m| !m.oneoff && !ctx.project.all_services.contains(&m.service))
        .collect();
    if orphans.is_empty() {
        return Ok(());
    }
    if remove_them {
        for m in orphans {
            progress("Container", &m.name, "Removing");
            remove(&m.name, None, false)?;
            progress("Container", &m.name, "Removed");
        }
    } else {
        let names: Vec<&str> = orphans.iter().map(|m| m.name.as_str()).collect();
        crate::config::global::warn(format!(
            "Found orphan containers ({}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
            names.join(", ")
        ));
    }
    Ok(())
}

/// Wait for a dependency's condition.
fn wait_for(ctx: &Ctx, service: &str, cond: Condition, required: bool) -> Result<()> {
    if cond == Condition::ServiceStarted {
        return Ok(());
    }
    // A container with a healthcheck (the file's, or its image's) has a health state from
    // its start on; one still without it after a few seconds has none.
    let has_check = ctx.project.model.services[service]
        .healthcheck
        .as_ref()
        .is_some_and(|h| !h.disable);
    let start = Instant::now();
    let mut announced = BTreeSet::new();
    loop {
        let ms: Vec<Member> = members(Some(&ctx.project.name))?
            .into_iter()
            .filter(|m| !m.oneoff && m.service == service)
            .collect();
        let mut done = true;
        for m in &ms {
            if announced.insert(m.name.clone()) {
                progress("Container", &m.name, "Waiting");
            }
            let failed = |why: String| -> Result<()> {
                let e = Error::msg(format!(
                    "dependency failed to start: container {} {why}",
                    m.name
                ));
                if required {
                    Err(e)
                } else {
                    crate::config::global::warn(format!(
                        "optional dependency: container {} {why}",
                        m.name
                    ));
                    Ok(())
                }
            };
            match cond {
                Condition::ServiceHealthy => match (m.status, m.health.as_deref()) {
                    (Status::Running, Some("healthy")) => {}
                    (Status::Running, Some("unhealthy")) => return failed("is unhealthy".into()),
                    (Status::Running, None)
                        if !has_check && start.elapsed() > Duration::from_secs(3) =>
                    {
                        return failed("has no healthcheck configured".into())
                    }
                    (Status::Exited, _) => {
                        return failed(format!("exited ({})", m.exit_code.unwrap_or(-1)))
                    }
                    _ => done = false,
                },
                Condition::ServiceCompletedSuccessfully => match m.status {
                    Status::Exited if m.exit_code == Some(0) => {}
                    Status::Exited => {
                        return failed(format!(
                            "didn't complete successfully: exit {}",
                            m.exit_code.unwrap_or(-1)
                        ))
                    }
                    _ => done = false,
                },
                Condition::ServiceStarted => {}
            }
        }
        if done {
            for m in &ms {
                let what = if cond == Condition::ServiceHealthy {
                    "Healthy"
                } else {
                    "Exited"
                };
                progress("Container", &m.name, what);
            }
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `up --wait`: every container running, and healthy when it has a healthcheck.
fn wait_running(ctx: &Ctx, targets: &[String], timeout: Option<u64>) -> Result<()> {
    let deadline = timeout.map(|t| Instant::now() + Duration::from_secs(t));
    loop {
        let ms: Vec<Member> = members(Some(&ctx.project.name))?
            .into_iter()
            .filter(|m| !m.oneoff && targets.contains(&m.service))
            .collect();
        let mut pending = false;
        for m in &ms {
            let has_check = ctx.project.model.services[&m.service].healthcheck.is_some();
            match (m.status, m.health.as_deref()) {
                (Status::Running, Some("healthy")) => {}
                (Status::Running, None) if !has_check => {}
                (Status::Running, Some("unhealthy")) => {
                    return Err(Error::msg(format!("container {} is unhealthy", m.name)))
                }
                (Status::Exited, _) if m.exit_code == Some(0) => {}
                (Status::Exited, _) => {
                    return Err(Error::msg(format!(
                        "container {} exited ({})",
                        m.name,
                        m.exit_code.unwrap_or(-1)
                    )))
                }
                _ => pending = true,
            }
        }
        if !pending {
            for m in &ms {
                progress("Container", &m.name, "Healthy");
            }
            return Ok(());
        }
        if deadline.is_some_and(|d| Instant::now() > d) {
            return Err(Error::msg(
                "timeout waiting for the services to be running and healthy",
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Attached `up`: follow every container's output, prefixed; stop them on Ctrl-C, or when
/// one exits with `--abort-on-container-exit`.
fn attach(ctx: &Ctx, names: &[String], kept: &[String], a: &UpArgs) -> Result<()> {
    let abort = a.abort_on_container_exit || a.exit_code_from.is_some();
    let o = super::view::StreamOptions {
        follow: true,
        tail: None,
        timestamps: false,
        prefix: !a.no_log_prefix,
        stop_on_first: abort,
        from_now: kept,
    };
    let ended = super::view::stream_logs(&ctx.project.name, names, &o)?;
    let stop_all = || -> Result<()> {
        for n in names {
            progress("Container", n, "Stopping");
            let mut args = vec!["stop".to_string()];
            if let Some(t) = a.timeout {
                args.push("-t".into());
                args.push(t.to_string());
            }
            args.push(n.clone());
            run_berth(&args, &format!("stop container `{n}`"))?;
            progress("Container", n, "Stopped");
        }
        Ok(())
    };
    match ended {
        super::view::Ended::Interrupted => {
            eprintln!("Gracefully stopping... (press Ctrl+C again to force)");
            stop_all()?;
            Err(Error::Exit(130))
        }
        super::view::Ended::First(first) => {
            eprintln!("Aborting on container exit...");
            stop_all()?;
            let from = match &a.exit_code_from {
                Some(s) => plan::container_name(&ctx.project, s, 1),
                None => first,
            };
            let code = exit_code(&from);
            if code == 0 {
                Ok(())
            } else {
                Err(Error::Exit(code))
            }
        }
        super::view::Ended::All => Ok(()),
    }
}

/// A stopped container's exit status (`berth wait`).
pub fn exit_code(name: &str) -> i32 {
    probe_berth(&["wait", name])
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(crate::error::EXIT_BERTH)
}

pub fn down(ctx: &Ctx, a: &DownArgs) -> Result<()> {
    let p = &ctx.project;
    let all = members(Some(&p.name))?;
    let (ours, orphans): (Vec<&Member>, Vec<&Member>) = all
        .iter()
        .partition(|m| m.oneoff || p.all_services.contains(&m.service));
    for m in ours.iter().chain(if a.remove_orphans {
        orphans.iter()
    } else {
        [].iter()
    }) {
        if m.status == Status::Running {
            progress("Container", &m.name, "Stopping");
        }
        progress("Container", &m.name, "Removing");
        remove(&m.name, a.timeout, a.volumes)?;
        progress("Container", &m.name, "Removed");
    }
    if !a.remove_orphans && !orphans.is_empty() {
        let names: Vec<&str> = orphans.iter().map(|m| m.name.as_str()).collect();
        crate::config::global::warn(format!(
            "Found orphan containers ({}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
            names.join(", ")
        ));
    }
    let mut nets: BTreeSet<String> = p.model.networks.keys().cloned().collect();
    nets.insert("default".into());
    for key in nets {
        if p.model.networks.get(&key).is_some_and(|n| n.external) {
            continue;
        }
        let name = plan::network_name(p, &key);
        if probe_berth(&["network", "exists", &name]).is_none() {
            continue;
        }
        progress("Network", &name, "Removing");
        run_berth(
            &["network".into(), "rm".into(), name.clone()],
            &format!("remove network `{name}`"),
        )?;
        progress("Network", &name, "Removed");
    }
    if a.volumes {
        for (key, vol) in &p.model.volumes {
            if vol.external {
                continue;
            }
            let name = plan::volume_name(p, key);
            if probe_berth(&["volume", "exists", &name]).is_none() {
                continue;
            }
            progress("Volume", &name, "Removing");
            run_berth(
                &["volume".into(), "rm".into(), name.clone()],
                &format!("remove volume `{name}`"),
            )?;
            progress("Volume", &name, "Removed");
        }
    }
    if let Some(which) = &a.rmi {
        let mut images = BTreeSet::new();
        for (s, svc) in &p.model.services {
            if which == "all" || svc.image.is_none() {
                images.insert(plan::image_name(p, s));
            }
        }
        for image in images {
            if image_id(&image).is_none() {
                continue;
            }
            progress("Image", &image, "Removing");
            match run_berth(
                &["rmi".into(), image.clone()],
                &format!("remove image `{image}`"),
            ) {
                Ok(_) => progress("Image", &image, "Removed"),
                Err(e) => crate::config::global::warn(e.render().unwrap_or_default()),
            }
        }
    }
    Ok(())
}
