//! `berth compose`: load the project (`compose::load`), plan it (`compose::plan`), and carry
//! the plan out by running berth's own commands as child processes (`/proc/self/exe run -d
//! …`, `build`, `network create`…), so there is one implementation of each. It runs in P0;
//! the children place themselves (a session each, where they need one).
//!
//! `up` and `down` live in [`up`], the per-container operations in [`ops`], the read-only
//! views (`ps`, `logs`, `config`…) in [`view`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::cli::compose::{ComposeArgs, ComposeCommand};
use crate::compose::load::{self, LoadOptions, Project};
use crate::compose::{plan, ComposeError};
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, Status};

pub mod ops;
pub mod up;
pub mod view;

/// Run `berth compose …`.
pub fn execute(args: ComposeArgs) -> Result<()> {
    match &args.command {
        ComposeCommand::Ls(a) => return view::ls(a),
        ComposeCommand::Version(a) => return view::version(a),
        _ => {}
    }
    let requested = requested_services(&args.command);
    let project = load_project(&args, requested)?;
    let ctx = Ctx { project };
    match args.command {
        ComposeCommand::Up(a) => up::up(&ctx, &a),
        ComposeCommand::Down(a) => up::down(&ctx, &a),
        ComposeCommand::Ps(a) => view::ps(&ctx, &a),
        ComposeCommand::Logs(a) => view::logs(&ctx, &a),
        ComposeCommand::Config(a) => view::config(&ctx, &a),
        ComposeCommand::Top(a) => view::top(&ctx, &a.services),
        ComposeCommand::Port(a) => view::port(&ctx, &a),
        ComposeCommand::Images(a) => view::images(&ctx, &a),
        ComposeCommand::Exec(a) => ops::exec(&ctx, &a),
        ComposeCommand::Run(a) => ops::run(&ctx, &a),
        ComposeCommand::Build(a) => ops::build(&ctx, &a),
        ComposeCommand::Pull(a) => ops::pull(&ctx, &a),
        ComposeCommand::Push(a) => ops::push(&ctx, &a.services),
        ComposeCommand::Start(a) => ops::start(&ctx, &a.services),
        ComposeCommand::Stop(a) => ops::stop(&ctx, &a.services, a.timeout),
        ComposeCommand::Restart(a) => ops::restart(&ctx, &a.services, a.timeout),
        ComposeCommand::Kill(a) => ops::kill(&ctx, &a),
        ComposeCommand::Rm(a) => ops::rm(&ctx, &a),
        ComposeCommand::Pause(a) => ops::each(&ctx, &a.services, "pause", "Pausing", "Paused"),
        ComposeCommand::Unpause(a) => {
            ops::each(&ctx, &a.services, "unpause", "Unpausing", "Unpaused")
        }
        ComposeCommand::Ls(_) | ComposeCommand::Version(_) => Ok(()),
    }
}

/// The commands that work on a project's containers with no compose file.
fn by_labels(cmd: &ComposeCommand) -> bool {
    matches!(
        cmd,
        ComposeCommand::Down(_)
            | ComposeCommand::Ps(_)
            | ComposeCommand::Logs(_)
            | ComposeCommand::Stop(_)
            | ComposeCommand::Start(_)
            | ComposeCommand::Restart(_)
            | ComposeCommand::Kill(_)
            | ComposeCommand::Rm(_)
            | ComposeCommand::Top(_)
            | ComposeCommand::Images(_)
            | ComposeCommand::Pause(_)
            | ComposeCommand::Unpause(_)
    )
}

/// A project known only by its containers' labels: their services, no file.
fn labelled_project(name: String) -> Result<Project> {
    let ms = members(Some(&name))?;
    let mut model = crate::compose::model::File::default();
    for m in &ms {
        model.services.entry(m.service.clone()).or_default();
    }
    Ok(Project {
        all_services: model.services.keys().cloned().collect(),
        name,
        dir: std::env::current_dir().context("find the working directory")?,
        files: Vec::new(),
        model,
        warnings: Vec::new(),
    })
}

/// Services named on the command line (enabled whatever their profiles).
fn requested_services(cmd: &ComposeCommand) -> Vec<String> {
    match cmd {
        ComposeCommand::Up(a) => a.services.clone(),
        ComposeCommand::Run(a) => vec![a.service.clone()],
        ComposeCommand::Exec(a) => vec![a.service.clone()],
        ComposeCommand::Logs(a) => a.services.clone(),
        ComposeCommand::Build(a) => a.services.clone(),
        ComposeCommand::Pull(a) => a.services.clone(),
        _ => Vec::new(),
    }
}

fn load_project(args: &ComposeArgs, requested: Vec<String>) -> Result<Project> {
    let opts = LoadOptions {
        files: args.file.clone(),
        project_name: args.project_name.clone(),
        project_directory: args.project_directory.clone(),
        profiles: args.profile.clone(),
        env_files: args.env_file.clone(),
        requested,
        cwd: std::env::current_dir().context("find the working directory")?,
        environ: std::env::vars().collect(),
    };
    let project = match load::load(&opts) {
        Ok(p) => p,
        // As docker compose: `-p NAME` alone reaches a project's containers by their labels.
        Err(ComposeError::NoFile) if by_labels(&args.command) && args.project_name.is_some() => {
            return labelled_project(args.project_name.clone().unwrap_or_default())
        }
        Err(e @ ComposeError::NoFile) => {
            return Err(Error::from_source("compose", e)
                .hint("run in a directory with compose.yaml, or name the file with -f"))
        }
        Err(e) => return Err(Error::from_source("compose", e)),
    };
    for w in &project.warnings {
        crate::config::global::warn(w);
    }
    Ok(project)
}

/// A loaded project, and what the commands share.
pub struct Ctx {
    pub project: Project,
}

/// A container of the project, as the store has it.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub service: String,
    pub number: u32,
    pub hash: String,
    pub oneoff: bool,
    pub status: Status,
    pub exit_code: Option<i32>,
    pub health: Option<String>,
    pub image: String,
    pub command: Vec<String>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub ports: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

/// The containers labelled with `project` (all projects with `None`), by service and number.
pub fn members(project: Option<&str>) -> Result<Vec<Member>> {
    let paths = crate::config::Paths::discover().context("find berth's directories")?;
    let mut out = Vec::new();
    for c in container::list(&paths.data).context("list containers")? {
        let labels = &c.config.options.extras.labels;
        let Some(p) = labels.get(plan::LABEL_PROJECT) else {
            continue;
        };
        if project.is_some_and(|want| want != p) {
            continue;
        }
        let Ok(state) = c.state() else { continue };
        let health = (state.status == Status::Running)
            .then(|| crate::run::health::load(&c.dir).map(|h| h.status))
            .flatten();
        let ports = c
            .config
            .options
            .net
            .ports
            .iter()
            .map(|p| {
                let ip = p
                    .host_ip
                    .map_or_else(|| "0.0.0.0".to_string(), |i| i.to_string());
                format!(
                    "{ip}:{}->{}/{}",
                    p.host_port,
                    p.container_port,
                    p.protocol.name()
                )
            })
            .collect();
        out.push(Member {
            id: c.config.id.clone(),
            name: c.config.name.clone(),
            service: labels.get(plan::LABEL_SERVICE).cloned().unwrap_or_default(),
            number: labels
                .get(plan::LABEL_NUMBER)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            hash: labels.get(plan::LABEL_HASH).cloned().unwrap_or_default(),
            oneoff: labels.get(plan::LABEL_ONEOFF).is_some_and(|v| v == "True"),
            status: state.status,
            exit_code: state.exit_code,
            health,
            image: c.config.image_name.clone(),
            command: c.config.command.clone(),
            created: c.config.created,
            ports,
            labels: labels.clone(),
        });
    }
    out.sort_by(|a, b| (&a.service, a.number, &a.name).cmp(&(&b.service, b.number, &b.name)));
    Ok(out)
}

impl Ctx {
    /// This project's service containers (not one-offs), of `services` (all when empty).
    pub fn containers(&self, services: &[String]) -> Result<Vec<Member>> {
        self.check_services(services)?;
        Ok(members(Some(&self.project.name))?
            .into_iter()
            .filter(|m| !m.oneoff && (services.is_empty() || services.contains(&m.service)))
            .collect())
    }

    /// Refuse a service name the project does not define.
    pub fn check_services(&self, services: &[String]) -> Result<()> {
        for s in services {
            if !self.project.model.services.contains_key(s) {
                return Err(Error::msg(format!("no such service: {s}")));
            }
        }
        Ok(())
    }
}

/// `berth` itself, to run one of its commands as a child.
pub fn berth() -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
    let mut cmd = Command::new(exe);
    cmd.stdin(Stdio::null());
    cmd
}

/// Run `berth ARGS`; its errors go to our stderr. Its stdout is returned.
pub fn run_berth(args: &[String], what: &str) -> Result<String> {
    let out = berth()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("{what}: run berth"))?;
    if !out.status.success() {
        let code = out.status.code().unwrap_or(crate::error::EXIT_BERTH);
        return Err(Error::msg(format!(
            "{what}: `berth {}` failed",
            args[..2.min(args.len())].join(" ")
        ))
        .with_code(if code == 0 {
            crate::error::EXIT_BERTH
        } else {
            code
        }));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Run `berth ARGS` with our stdio (an interactive exec, a one-off run); its status is ours.
pub fn run_berth_attached(args: &[String]) -> Result<()> {
    let status = berth()
        .args(args)
        .stdin(Stdio::inherit())
        .status()
        .context("run berth")?;
    match status.code() {
        Some(0) => Ok(()),
        Some(n) => Err(Error::Exit(n)),
        None => Err(Error::Exit(crate::error::EXIT_BERTH)),
    }
}

/// Run `berth ARGS` quietly: its stdout on success, `None` on failure.
pub fn probe_berth(args: &[&str]) -> Option<String> {
    let out = berth()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A progress line as docker compose prints it without a terminal (` Container x  Started`).
pub fn progress(kind: &str, name: &str, what: &str) {
    eprintln!(" {kind} {name}  {what}");
}

/// The local id of an image, when it is in the store.
pub fn image_id(image: &str) -> Option<String> {
    probe_berth(&["image", "inspect", "--format", "{{.Id}}", image]).filter(|s| !s.is_empty())
}
