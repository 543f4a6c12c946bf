//! The compose commands that act on the services' containers or images: `exec`, `run`,
//! `build`, `pull`, `push`, `start`, `stop`, `restart`, `kill`, `rm`, `pause`, `unpause`.
//! Each is the berth command of the same name, run for each container of the services.

use std::io::IsTerminal;

use super::{progress, run_berth, run_berth_attached, Ctx};
use crate::cli::compose::{BuildArgs, ExecArgs, KillArgs, PullArgs, RmArgs, RunArgs, UpArgs};
use crate::compose::plan;
use crate::error::{Error, Result};
use crate::storage::container::Status;

pub fn exec(ctx: &Ctx, a: &ExecArgs) -> Result<()> {
    ctx.check_services(std::slice::from_ref(&a.service))?;
    let name = plan::container_name(&ctx.project, &a.service, a.index);
    let running = ctx
        .containers(std::slice::from_ref(&a.service))?
        .into_iter()
        .any(|m| m.name == name && m.status == Status::Running);
    if !running {
        return Err(Error::msg(format!(
            "service \"{}\" is not running",
            a.service
        )));
    }
    let mut args = vec!["exec".to_string()];
    if a.detach {
        args.push("-d".into());
    } else {
        args.push("-i".into());
        if !a.no_tty && std::io::stdin().is_terminal() {
            args.push("-t".into());
        }
    }
    for e in &a.env {
        args.push("-e".into());
        args.push(e.clone());
    }
    if let Some(u) = &a.user {
        args.push("-u".into());
        args.push(u.clone());
    }
    if let Some(w) = &a.workdir {
        args.push("-w".into());
        args.push(w.clone());
    }
    if a.privileged {
        args.push("--privileged".into());
    }
    args.push(name);
    args.extend(a.command.iter().cloned());
    run_berth_attached(&args)
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    let _ = getrandom::getrandom(&mut b);
    hex::encode(b)
}

pub fn run(ctx: &Ctx, a: &RunArgs) -> Result<()> {
    let p = &ctx.project;
    ctx.check_services(std::slice::from_ref(&a.service))?;
    let svc = &p.model.services[&a.service];
    let sa = plan::service_args(p, &a.service).map_err(|e| Error::from_source("compose", e))?;
    let deps: Vec<String> = svc.depends_on.keys().cloned().collect();
    if !a.no_deps && !deps.is_empty() {
        let up = UpArgs {
            detach: true,
            build: false,
            no_build: false,
            force_recreate: false,
            no_recreate: false,
            no_deps: false,
            remove_orphans: false,
            wait: false,
            wait_timeout: None,
            abort_on_container_exit: false,
            exit_code_from: None,
            scale: Vec::new(),
            timeout: None,
            quiet_pull: false,
            no_color: false,
            no_log_prefix: false,
            services: deps,
        };
        super::up::up(ctx, &up)?;
    } else {
        // The networks the one-off joins must exist.
        for key in plan::service_networks(svc) {
            let name = plan::network_name(p, &key);
            if super::probe_berth(&["network", "exists", &name]).is_none() {
                let cmd =
                    plan::network_create(p, &key).map_err(|e| Error::from_source("compose", e))?;
                run_berth(&cmd, &format!("create network `{name}`"))?;
            }
        }
    }
    super::up::ensure_image(ctx, &a.service, a.build, false)?;
    // A one-off publishes the service's ports only with --service-ports.
    let mut flags = Vec::new();
    let mut it = sa.flags.iter();
    while let Some(f) = it.next() {
        if f == "-p" && !a.service_ports {
            it.next();
            continue;
        }
        flags.push(f.clone());
    }
    let sa = plan::ServiceArgs { flags, ..sa };
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}-run-{}", p.name, a.service, random_suffix()));
    let hash = plan::config_hash(&sa, "");
    let labels = plan::identity_labels(p, &a.service, 1, &hash, true);
    let mut extra = Vec::new();
    if a.rm {
        extra.push("--rm".to_string());
    }
    if !a.detach {
        extra.push("-i".to_string());
        if !a.no_tty && std::io::stdin().is_terminal() {
            extra.push("-t".into());
        }
    }
    for (flag, values) in [
        ("-e", &a.env),
        ("--label", &a.label),
        ("-p", &a.publish),
        ("-v", &a.volume),
    ] {
        for v in values {
            extra.push(flag.to_string());
            extra.push(v.clone());
        }
    }
    for (flag, v) in [
        ("-u", &a.user),
        ("-w", &a.workdir),
        ("--entrypoint", &a.entrypoint),
    ] {
        if let Some(v) = v {
            extra.push(flag.to_string());
            extra.push(v.clone());
        }
    }
    let command = (!a.command.is_empty()).then_some(a.command.as_slice());
    let cmd = plan::run_command(&name, &labels, &sa, a.detach, &extra, command);
    if a.detach {
        let out = run_berth(&cmd, &format!("service `{}`: run", a.service))?;
        print!("{out}");
        return Ok(());
    }
    run_berth_attached(&cmd)
}

pub fn build(ctx: &Ctx, a: &BuildArgs) -> Result<()> {
    ctx.check_services(&a.services)?;
    for s in plan::order(&ctx.project) {
        if !a.services.is_empty() && !a.services.contains(&s) {
            continue;
        }
        super::up::build_service(ctx, &s, a.no_cache, a.pull)?;
        if a.quiet {
            if let Some(id) = super::image_id(&plan::image_name(&ctx.project, &s)) {
                println!("{id}");
            }
        }
    }
    Ok(())
}

pub fn pull(ctx: &Ctx, a: &PullArgs) -> Result<()> {
    ctx.check_services(&a.services)?;
    for (s, svc) in &ctx.project.model.services {
        if !a.services.is_empty() && !a.services.contains(s) {
            continue;
        }
        let Some(image) = &svc.image else { continue };
        if svc.build.is_some() && super::image_id(image).is_some() {
            continue;
        }
        progress("Image", image, "Pulling");
        match run_berth(
            &["pull".into(), "-q".into(), image.clone()],
            &format!("service `{s}`: pull `{image}`"),
        ) {
            Ok(_) => progress("Image", image, "Pulled"),
            Err(e) if a.ignore_pull_failures => {
                crate::config::global::warn(e.render().unwrap_or_default())
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub fn push(ctx: &Ctx, services: &[String]) -> Result<()> {
    ctx.check_services(services)?;
    for (s, svc) in &ctx.project.model.services {
        if !services.is_empty() && !services.contains(s) {
            continue;
        }
        let (Some(image), Some(_)) = (&svc.image, &svc.build) else {
            continue;
        };
        progress("Image", image, "Pushing");
        run_berth(
            &["push".into(), image.clone()],
            &format!("service `{s}`: push `{image}`"),
        )?;
        progress("Image", image, "Pushed");
    }
    Ok(())
}

pub fn start(ctx: &Ctx, services: &[String]) -> Result<()> {
    let ms = ctx.containers(services)?;
    if ms.is_empty() {
        return Err(
            Error::msg("no containers to start").hint("create them with `berth compose up`")
        );
    }
    // In dependency order.
    for s in plan::order(&ctx.project) {
        for m in ms
            .iter()
            .filter(|m| m.service == s && m.status != Status::Running)
        {
            progress("Container", &m.name, "Starting");
            run_berth(
                &["start".into(), m.name.clone()],
                &format!("start `{}`", m.name),
            )?;
            progress("Container", &m.name, "Started");
        }
    }
    Ok(())
}

fn with_timeout(cmd: &str, timeout: Option<u32>, name: &str) -> Vec<String> {
    let mut args = vec![cmd.to_string()];
    if let Some(t) = timeout {
        args.push("-t".into());
        args.push(t.to_string());
    }
    args.push(name.to_string());
    args
}

pub fn stop(ctx: &Ctx, services: &[String], timeout: Option<u32>) -> Result<()> {
    let ms = ctx.containers(services)?;
    // Dependents first.
    for s in plan::order(&ctx.project).into_iter().rev() {
        for m in ms
            .iter()
            .filter(|m| m.service == s && m.status == Status::Running)
        {
            progress("Container", &m.name, "Stopping");
            run_berth(
                &with_timeout("stop", timeout, &m.name),
                &format!("stop `{}`", m.name),
            )?;
            progress("Container", &m.name, "Stopped");
        }
    }
    Ok(())
}

pub fn restart(ctx: &Ctx, services: &[String], timeout: Option<u32>) -> Result<()> {
    let ms = ctx.containers(services)?;
    for s in plan::order(&ctx.project) {
        for m in ms.iter().filter(|m| m.service == s) {
            progress("Container", &m.name, "Restarting");
            run_berth(
                &with_timeout("restart", timeout, &m.name),
                &format!("restart `{}`", m.name),
            )?;
            progress("Container", &m.name, "Started");
        }
    }
    Ok(())
}

pub fn kill(ctx: &Ctx, a: &KillArgs) -> Result<()> {
    for m in ctx.containers(&a.services)? {
        if m.status != Status::Running {
            continue;
        }
        progress("Container", &m.name, "Killing");
        run_berth(
            &["kill".into(), "-s".into(), a.signal.clone(), m.name.clone()],
            &format!("kill `{}`", m.name),
        )?;
        progress("Container", &m.name, "Killed");
    }
    Ok(())
}

pub fn rm(ctx: &Ctx, a: &RmArgs) -> Result<()> {
    if a.stop {
        stop(ctx, &a.services, None)?;
    }
    let ms = ctx.containers(&a.services)?;
    let stopped: Vec<_> = ms.iter().filter(|m| m.status != Status::Running).collect();
    if stopped.is_empty() {
        eprintln!("No stopped containers");
        return Ok(());
    }
    for m in stopped {
        progress("Container", &m.name, "Removing");
        let mut args = vec!["rm".to_string()];
        if a.volumes {
            args.push("-v".into());
        }
        args.push(m.name.clone());
        run_berth(&args, &format!("remove `{}`", m.name))?;
        progress("Container", &m.name, "Removed");
    }
    Ok(())
}

/// Run `berth CMD NAME` for each container of the services (`pause`, `unpause`).
pub fn each(ctx: &Ctx, services: &[String], cmd: &str, doing: &str, done: &str) -> Result<()> {
    for m in ctx.containers(services)? {
        progress("Container", &m.name, doing);
        run_berth(
            &[cmd.to_string(), m.name.clone()],
            &format!("{cmd} `{}`", m.name),
        )?;
        progress("Container", &m.name, done);
    }
    Ok(())
}
