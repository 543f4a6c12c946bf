//! The read-only compose commands: `ps`, `logs`, `config`, `top`, `port`, `images`, `ls`,
//! `version`; and the prefixed log streams `up` attaches to.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};

use super::{berth, members, run_berth, Ctx, Member};
use crate::cli::compose::{
    ConfigArgs, ImagesArgs, LogsArgs, LsArgs, PortArgs, PsArgs, VersionArgs,
};
use crate::compose::plan;
use crate::error::{Context, Error, Result};
use crate::format::{table, time_ago, Template};
use crate::storage::container::Status;

fn status_text(m: &Member) -> String {
    let base = match m.status {
        Status::Created => "Created".to_string(),
        Status::Running => "Up".to_string(),
        Status::Exited => format!("Exited ({})", m.exit_code.unwrap_or(-1)),
    };
    match (&m.health, m.status) {
        (Some(h), Status::Running) => format!("{base} ({h})"),
        _ => base,
    }
}

fn state_name(s: Status) -> &'static str {
    match s {
        Status::Created => "created",
        Status::Running => "running",
        Status::Exited => "exited",
    }
}

fn row_json(ctx: &Ctx, m: &Member) -> Value {
    json!({
        "ID": m.id,
        "Name": m.name,
        "Names": m.name,
        "Image": m.image,
        "Command": m.command.join(" "),
        "Project": ctx.project.name,
        "Service": m.service,
        "CreatedAt": m.created.to_rfc3339(),
        "State": state_name(m.status),
        "Health": m.health.clone().unwrap_or_default(),
        "ExitCode": m.exit_code.unwrap_or(0),
        "Status": status_text(m),
        "Ports": m.ports.join(", "),
        "Labels": m.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
    })
}

pub fn ps(ctx: &Ctx, a: &PsArgs) -> Result<()> {
    if a.services {
        for s in ctx.project.model.services.keys() {
            println!("{s}");
        }
        return Ok(());
    }
    let mut ms = ctx.containers(&a.services_list)?;
    ms.retain(|m| a.all || m.status == Status::Running || !a.status.is_empty());
    if !a.status.is_empty() {
        ms.retain(|m| a.status.iter().any(|s| s == state_name(m.status)));
    }
    if a.quiet {
        for m in &ms {
            println!("{}", m.id);
        }
        return Ok(());
    }
    match a.format.as_deref() {
        None | Some("table") => {
            let now = Utc::now();
            let mut rows = vec![[
                "NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS",
            ]
            .map(String::from)
            .to_vec()];
            for m in &ms {
                let mut cmd = m.command.join(" ");
                if cmd.chars().count() > 20 {
                    cmd = format!("{}…", cmd.chars().take(19).collect::<String>());
                }
                rows.push(vec![
                    m.name.clone(),
                    m.image.clone(),
                    format!("\"{cmd}\""),
                    m.service.clone(),
                    time_ago(m.created, now),
                    status_text(m),
                    m.ports.join(", "),
                ]);
            }
            print!("{}", table(&rows));
        }
        Some("json") => {
            let rows: Vec<Value> = ms.iter().map(|m| row_json(ctx, m)).collect();
            println!("{}", serde_json::to_string(&rows).context("render JSON")?);
        }
        Some(t) => {
            let tpl = Template::parse(t)
                .map_err(|e| Error::from_source(format!("invalid --format `{t}`"), e))?;
            let rows: Vec<Value> = ms.iter().map(|m| row_json(ctx, m)).collect();
            let out = tpl
                .render_rows(&rows, &|f| f.to_uppercase(), true)
                .map_err(|e| Error::from_source(format!("render --format `{t}`"), e))?;
            print!("{out}");
        }
    }
    Ok(())
}

/// What [`stream_logs`] shows, and when it returns.
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions<'a> {
    pub follow: bool,
    pub tail: Option<&'a str>,
    pub timestamps: bool,
    /// Prefix each line with `service-1  | `.
    pub prefix: bool,
    /// Return when the first stream ends (`--abort-on-container-exit`).
    pub stop_on_first: bool,
    /// Containers to show from now on only (`--since` now).
    pub from_now: &'a [String],
}

/// How a set of log streams ended.
pub enum Ended {
    /// Every stream ended (every container stopped).
    All,
    /// The first stream that ended, for `--abort-on-container-exit`.
    First(String),
    /// SIGINT or SIGTERM.
    Interrupted,
}

/// Follow (or print) the logs of `names`, each line prefixed with `name  | ` padded as
/// docker compose pads it. P0 reads each `berth logs` child on a thread of its own: P0
/// never enters a namespace, and the children are exec'd.
pub fn stream_logs(project: &str, names: &[String], o: &StreamOptions<'_>) -> Result<Ended> {
    let StreamOptions {
        follow,
        tail,
        timestamps,
        prefix,
        stop_on_first,
        from_now,
    } = *o;
    use nix::sys::signal::Signal;
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let sfd = crate::sys::process::block_signals(&[Signal::SIGINT, Signal::SIGTERM])
        .context("block SIGINT and SIGTERM")?;
    let width = names
        .iter()
        .map(|n| short_name(project, n).len())
        .max()
        .unwrap_or(0);
    let (tx, rx) = mpsc::channel::<String>();
    let mut children = Vec::new();
    for name in names {
        let mut args = vec!["logs".to_string()];
        if follow {
            args.push("-f".into());
        }
        if let Some(t) = tail {
            args.push("--tail".into());
            args.push(t.to_string());
        }
        if timestamps {
            args.push("-t".into());
        }
        if from_now.contains(name) {
            args.push("--since".into());
            args.push(now.clone());
        }
        args.push(name.clone());
        let mut child = berth()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("follow the logs of `{name}`"))?;
        let label = if prefix {
            format!("{:<width$}  | ", short_name(project, name))
        } else {
            String::new()
        };
        let out = child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>);
        let err = child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>);
        let mut readers = Vec::new();
        for stream in [out, err].into_iter().flatten() {
            let label = label.clone();
            readers.push(std::thread::spawn(move || copy_prefixed(stream, &label)));
        }
        let tx = tx.clone();
        let name = name.clone();
        children.push(std::thread::spawn(move || {
            for r in readers {
                let _ = r.join();
            }
            let _ = child.wait();
            let _ = tx.send(name);
        }));
    }
    drop(tx);
    let mut left = names.len();
    let interrupted = || matches!(sfd.read_signal(), Ok(Some(_)));
    loop {
        if interrupted() {
            return Ok(Ended::Interrupted);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(name) => {
                left -= 1;
                if stop_on_first {
                    return Ok(Ended::First(name));
                }
                if left == 0 {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    for c in children {
        let _ = c.join();
    }
    if interrupted() {
        return Ok(Ended::Interrupted);
    }
    Ok(Ended::All)
}

/// `proj-web-1` shows as `web-1`, as docker compose prefixes lines.
fn short_name<'a>(project: &str, name: &'a str) -> &'a str {
    name.strip_prefix(project)
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(name)
}

fn copy_prefixed(stream: Box<dyn Read + Send>, label: &str) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if !line.ends_with(b"\n") {
                    line.push(b'\n');
                }
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                let _ = out.write_all(label.as_bytes());
                let _ = out.write_all(&line);
                let _ = out.flush();
            }
        }
    }
}

pub fn logs(ctx: &Ctx, a: &LogsArgs) -> Result<()> {
    let ms = ctx.containers(&a.services)?;
    let names: Vec<String> = ms.iter().map(|m| m.name.clone()).collect();
    if names.is_empty() {
        return Ok(());
    }
    // `--tail all` is every line, as no --tail.
    let tail = a.tail.as_deref().filter(|t| *t != "all");
    if let Some(t) = tail {
        if t.parse::<usize>().is_err() {
            return Err(Error::msg(format!(
                "invalid --tail `{t}`: expected a number or `all`"
            )));
        }
    }
    let o = StreamOptions {
        follow: a.follow,
        tail,
        timestamps: a.timestamps,
        prefix: !a.no_log_prefix,
        stop_on_first: false,
        from_now: &[],
    };
    match stream_logs(&ctx.project.name, &names, &o)? {
        Ended::Interrupted => Err(Error::Exit(130)),
        _ => Ok(()),
    }
}

pub fn config(ctx: &Ctx, a: &ConfigArgs) -> Result<()> {
    let p = &ctx.project;
    if a.quiet {
        return Ok(());
    }
    let lists: [(bool, Vec<String>); 5] = [
        (a.services, plan::order(p)),
        (a.volumes, p.model.volumes.keys().cloned().collect()),
        (a.networks, p.model.networks.keys().cloned().collect()),
        (
            a.images,
            p.model
                .services
                .keys()
                .map(|s| plan::image_name(p, s))
                .collect(),
        ),
        (a.profiles, {
            let mut all: Vec<String> = p
                .model
                .services
                .values()
                .flat_map(|s| s.profiles.clone())
                .collect();
            all.sort();
            all.dedup();
            all
        }),
    ];
    let mut listed = false;
    for (want, items) in lists {
        if want {
            listed = true;
            for i in items {
                println!("{i}");
            }
        }
    }
    if listed {
        return Ok(());
    }
    let mut model = p.model.clone();
    model.name = Some(p.name.clone());
    // A `$` of the resolved model is written `$$`, so the output reads back as the same model.
    let mut value =
        serde_norway::to_value(&model).map_err(|e| Error::from_source("render YAML", e))?;
    escape_dollars(&mut value);
    if a.format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).context("render JSON")?
        );
    } else {
        let text =
            serde_norway::to_string(&value).map_err(|e| Error::from_source("render YAML", e))?;
        print!("{text}");
    }
    Ok(())
}

fn escape_dollars(v: &mut serde_norway::Value) {
    use serde_norway::Value as Y;
    match v {
        Y::String(s) if s.contains('$') => *s = s.replace('$', "$$"),
        Y::Sequence(items) => items.iter_mut().for_each(escape_dollars),
        Y::Mapping(m) => m.iter_mut().for_each(|(_, v)| escape_dollars(v)),
        _ => {}
    }
}

pub fn top(ctx: &Ctx, services: &[String]) -> Result<()> {
    for m in ctx.containers(services)? {
        if m.status != Status::Running {
            continue;
        }
        println!("{}", m.name);
        let out = run_berth(
            &["top".into(), m.name.clone()],
            &format!("top of `{}`", m.name),
        )?;
        print!("{out}");
        println!();
    }
    Ok(())
}

pub fn port(ctx: &Ctx, a: &PortArgs) -> Result<()> {
    ctx.check_services(std::slice::from_ref(&a.service))?;
    let name = plan::container_name(&ctx.project, &a.service, a.index);
    let out = run_berth(
        &[
            "port".into(),
            name.clone(),
            format!("{}/{}", a.private_port, a.protocol),
        ],
        &format!("ports of `{name}`"),
    )?;
    // docker compose prints the host side only (`127.0.0.1:8080`).
    for line in out.lines() {
        println!("{}", line.rsplit(" -> ").next().unwrap_or(line));
    }
    Ok(())
}

pub fn images(ctx: &Ctx, a: &ImagesArgs) -> Result<()> {
    let ms = ctx.containers(&a.services)?;
    let mut rows = vec![["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID"]
        .map(String::from)
        .to_vec()];
    for m in &ms {
        let id = super::image_id(&m.image).unwrap_or_default();
        if a.quiet {
            println!("{id}");
            continue;
        }
        let (repo, tag) = match m.image.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r.to_string(), t.to_string()),
            _ => (m.image.clone(), "latest".to_string()),
        };
        rows.push(vec![
            m.name.clone(),
            repo,
            tag,
            id.chars().take(12).collect(),
        ]);
    }
    if !a.quiet {
        print!("{}", table(&rows));
    }
    Ok(())
}

pub fn ls(a: &LsArgs) -> Result<()> {
    let mut projects: BTreeMap<String, (BTreeMap<&'static str, usize>, String)> = BTreeMap::new();
    let all = members(None)?;
    for m in &all {
        let project = m
            .labels
            .get(plan::LABEL_PROJECT)
            .cloned()
            .unwrap_or_default();
        let entry = projects.entry(project).or_default();
        *entry.0.entry(state_name(m.status)).or_default() += 1;
        if let Some(f) = m.labels.get(plan::LABEL_FILES) {
            entry.1 = f.clone();
        }
    }
    let rows: Vec<(String, String, String)> = projects
        .into_iter()
        .filter(|(_, (states, _))| a.all || states.contains_key("running"))
        .map(|(name, (states, files))| {
            let status: Vec<String> = states.iter().map(|(s, n)| format!("{s}({n})")).collect();
            (name, status.join(", "), files)
        })
        .collect();
    if a.quiet {
        for (n, _, _) in rows {
            println!("{n}");
        }
        return Ok(());
    }
    if a.format == "json" {
        let v: Vec<Value> = rows
            .iter()
            .map(|(n, s, f)| json!({"Name": n, "Status": s, "ConfigFiles": f}))
            .collect();
        println!("{}", serde_json::to_string(&v).context("render JSON")?);
        return Ok(());
    }
    let mut t = vec![["NAME", "STATUS", "CONFIG FILES"]
        .map(String::from)
        .to_vec()];
    t.extend(rows.into_iter().map(|(n, s, f)| vec![n, s, f]));
    print!("{}", table(&t));
    Ok(())
}

pub fn version(a: &VersionArgs) -> Result<()> {
    let v = env!("CARGO_PKG_VERSION");
    if a.short {
        println!("{v}");
    } else if a.format == "json" {
        println!("{}", json!({"version": v}));
    } else {
        println!("berth compose version {v}");
    }
    Ok(())
}
