//! The build executor (in the session): runs the stages the target needs, step by step,
//! each RUN as a container on the step's overlay, each COPY/ADD written into the overlay,
//! each layer-making step's upper dir stored as a layer; metadata steps only change the
//! config. Every step's result is recorded in the cache (see `cache`); the final state
//! becomes an image. Nothing but the final image is added to the image index.
//! RUN steps are in `executor/run_step.rs`, COPY and ADD in `executor/copy_step.rs`.

use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::ast::{
    ArgDecl, CommandForm, CopyArgs, Dockerfile, Healthcheck, Instruction, InstructionKind, Run,
    Stage,
};
use super::cache::{self, Cache, Entry};
use super::config as cfg;
use super::frontend;
use super::fsops::{Meta, Root};
use crate::config::{Config, Paths};
use crate::error::{Context, Error, HintContext, Result};
use crate::image::config::{self as image_config, Descriptor, MEDIA_CONFIG};
use crate::spec::NetworkMode;
use crate::storage::changes::{self, Archiver, TarMode};
use crate::storage::overlay::{self, OverlaySpec};
use crate::storage::{LayerRecord, Store};

mod copy_step;
mod run_step;

pub use copy_step::glob_match;
use copy_step::CopyPlan;
pub use run_step::run_argv;
use run_step::{ensure_workdir, RunMountPlan};

/// Validated `build` options.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub context: PathBuf,
    /// The Dockerfile's name for messages (`Dockerfile`, `-`).
    pub file_name: String,
    pub dockerfile: Dockerfile,
    /// Full names (`localhost/x:latest`).
    pub tags: Vec<String>,
    /// `--build-arg` values (in order).
    pub build_args: Vec<(String, String)>,
    /// The index of the stage to build.
    pub target: usize,
    /// The stages to build, in order, the target last (`stages::plan_stages`).
    pub order: Vec<usize>,
    pub no_cache: bool,
    pub labels: Vec<(String, String)>,
    pub iidfile: Option<PathBuf>,
    pub quiet: bool,
    pub network: NetworkMode,
    /// `--layers` (and not `--squash`): one layer per step, cached.
    pub layers: bool,
    pub squash: bool,
    /// `--timestamp` or SOURCE_DATE_EPOCH.
    pub timestamp: Option<i64>,
    /// `--secret` values by id.
    pub secrets: Vec<(String, SecretSource)>,
    /// `--format`: the manifest's media types.
    pub format: crate::image::config::ImageFormat,
    /// `--ignorefile`, instead of the context's `.containerignore`/`.dockerignore`.
    pub ignorefile: Option<PathBuf>,
    /// `--ulimit`, `--security-opt` for RUN steps.
    pub step_security: StepSecurity,
    /// The first `--tag` as given, for the `COMMIT` line (podman prints it unexpanded).
    pub commit_name: Option<String>,
}

/// What `--ulimit` and `--security-opt` ask of every RUN step's process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepSecurity {
    /// (resource, soft, hard), as `run --ulimit`.
    pub ulimits: Vec<(String, u64, u64)>,
    pub seccomp: crate::spec::SeccompChoice,
    pub no_new_privs: bool,
}

/// Where a `--secret` comes from (its content is read only when a RUN mounts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    File(PathBuf),
    Env(String),
}

impl SecretSource {
    /// Parse `id=ID,src=FILE` (also `source=`), `id=ID,env=VAR`, with an optional
    /// `type=file|env`; a bare `id=ID` reads the environment variable ID (as podman).
    pub fn parse(text: &str) -> std::result::Result<(String, SecretSource), String> {
        let mut id = None;
        let mut src = None;
        let mut env = None;
        let mut kind = None;
        for field in text.split(',') {
            match field.split_once('=') {
                Some(("id", v)) => id = Some(v.to_string()),
                Some(("src" | "source", v)) => src = Some(v.to_string()),
                Some(("env", v)) => env = Some(v.to_string()),
                Some(("type", v)) if v == "file" || v == "env" => kind = Some(v.to_string()),
                _ => return Err(format!("unknown field `{field}`")),
            }
        }
        let id = id.filter(|i| !i.is_empty()).ok_or("id= is missing")?;
        let source = match (kind.as_deref(), src, env) {
            (Some("env"), Some(v), None) | (_, None, Some(v)) => SecretSource::Env(v),
            (Some("file") | None, Some(p), None) => SecretSource::File(PathBuf::from(p)),
            (None, None, None) => SecretSource::Env(id.clone()),
            _ => return Err("give one of src= and env=".to_string()),
        };
        Ok((id, source))
    }

    /// The secret's bytes.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            SecretSource::File(p) => std::fs::read(p),
            SecretSource::Env(v) => std::env::var(v).map(String::into_bytes).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "the variable is not set")
            }),
        }
    }
}

/// Args docker gives every build without an ARG line (the proxy variables).
pub const PREDEFINED_ARGS: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// An earlier stage named (or numbered) `text`, as seen from stage `from`.
pub fn stage_ref(df: &Dockerfile, text: &str, from: usize) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = df.stages[..from.min(df.stages.len())]
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return Some(i);
    }
    text.parse::<usize>().ok().filter(|&i| i < from)
}

/// The values of the global ARGs (before the first FROM): `--build-arg` wins over the
/// default, and a default sees the args before it.
pub fn global_args(
    decls: &[ArgDecl],
    build_args: &[(String, String)],
) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for d in decls {
        let given = build_args.iter().rev().find(|(k, _)| *k == d.name);
        let value = match (given, &d.default) {
            (Some((_, v)), _) => Some(v.clone()),
            (None, Some(def)) => Some(frontend::expand(def, &out)?),
            (None, None) => None,
        };
        if let Some(v) = value {
            out.push((d.name.clone(), v));
        }
    }
    Ok(out)
}

/// A stage's result.
#[derive(Debug, Clone)]
struct State {
    layers: Vec<String>,
    config: Value,
    /// The cache key that leads here.
    key: String,
}

/// A directory for one step's overlay (upper, work, merged) under the store root, removed
/// (after unmounting) when dropped.
struct Workspace {
    dir: PathBuf,
    mounted: bool,
}

impl Workspace {
    fn new(store: &Store) -> Result<Workspace> {
        let dir = store
            .root()
            .join(crate::storage::atomic::temp_name("build"));
        for sub in ["upper", "work", "merged", "etc", "empty"] {
            std::fs::create_dir_all(dir.join(sub))
                .with_context(|| format!("create `{}`", dir.join(sub).display()))?;
        }
        Ok(Workspace {
            dir,
            mounted: false,
        })
    }
    fn upper(&self) -> PathBuf {
        self.dir.join("upper")
    }
    fn merged(&self) -> PathBuf {
        self.dir.join("merged")
    }

    /// Mount `layers` (base first) with this upper dir.
    fn mount(&mut self, b: &Builder<'_>, layers: &[String]) -> Result<()> {
        let mut lowers = layers
            .iter()
            .rev()
            .map(|l| b.store.layer_link(l))
            .collect::<std::result::Result<Vec<PathBuf>, _>>()
            .context("find the image's layers")?;
        if lowers.is_empty() {
            // FROM scratch: overlay needs a lower dir.
            lowers.push(self.dir.join("empty"));
        }
        let spec = OverlaySpec {
            layers_dir: b.store.layers_dir(),
            lowers,
            upper: self.upper(),
            work: self.dir.join("work"),
            merged: self.merged(),
        };
        overlay::mount(&spec, b.config.storage.overlay, &b.paths.runtime)
            .hinted_context("mount the build step's rootfs")?;
        self.mounted = true;
        Ok(())
    }

    fn unmount(&mut self) {
        if self.mounted {
            let _ = overlay::unmount(&self.merged());
            self.mounted = false;
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        self.unmount();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What one stage's steps can see.
struct Scope {
    /// Declared args with their values, in order.
    args: Vec<(String, String)>,
}

struct Builder<'a> {
    opts: &'a BuildOptions,
    paths: Paths,
    config: Config,
    store: Store,
    cache: Cache,
    globals: Vec<(String, String)>,
    results: HashMap<usize, State>,
    consumed: std::collections::HashSet<String>,
    /// The build context, walked on first use.
    context: Option<super::context::Context>,
}

/// Run the build; returns the new image's id.
pub fn build(opts: &BuildOptions) -> Result<String> {
    let paths = Paths::discover().context("find berth's directories")?;
    let config = Config::load(&paths).context("load berth's configuration")?;
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let store = Store::open(&paths).context("open the store")?;
    let cache = Cache::new(store.root());
    let globals = global_args(&opts.dockerfile.global_args, &opts.build_args)
        .map_err(|e| Error::msg(format!("{}: {e}", opts.file_name)))?;
    let mut b = Builder {
        opts,
        paths,
        config,
        store,
        cache,
        globals,
        results: HashMap::new(),
        consumed: std::collections::HashSet::new(),
        context: None,
    };
    for d in &opts.dockerfile.global_args {
        if opts.build_args.iter().any(|(k, _)| *k == d.name) {
            b.consumed.insert(d.name.clone());
        }
    }
    let stages = opts.order.clone();
    let many = stages.len() > 1;
    for (n, &i) in stages.iter().enumerate() {
        let prefix = if many {
            format!("[{}/{}] ", n + 1, stages.len())
        } else {
            String::new()
        };
        let state = b.run_stage(&opts.dockerfile.stages[i], &prefix, i == opts.target)?;
        b.results.insert(i, state);
    }
    let state = b
        .results
        .remove(&opts.target)
        .expect("the target was built");
    let id = b.commit(&state)?;
    let unused: Vec<&str> = opts
        .build_args
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !b.consumed.contains(*k) && !PREDEFINED_ARGS.contains(k))
        .collect();
    if !unused.is_empty() {
        eprintln!(
            "[Warning] one or more build args were not consumed: [{}]",
            unused.join(" ")
        );
    }
    Ok(id)
}

impl Builder<'_> {
    fn say(&self, text: &str) {
        if !self.opts.quiet {
            println!("{text}");
            let _ = std::io::stdout().flush();
        }
    }

    fn now(&self) -> String {
        match self.opts.timestamp {
            Some(t) => cfg::time_text(t),
            None => chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        }
    }

    /// A step's failure, in podman's words (`building at STEP "…"`, which scripts look
    /// for) with the Dockerfile's name, line and column.
    fn step_error(&self, ins: &Instruction, why: impl std::fmt::Display) -> Error {
        Error::msg(format!(
            "building at STEP \"{}\" ({}:{}:{}): {why}",
            ins.original, self.opts.file_name, ins.location.line, ins.location.column
        ))
    }

    /// The base's state for a stage's FROM.
    fn base(&mut self, stage: &Stage) -> Result<(State, Vec<String>)> {
        let base = frontend::expand(&stage.base, &self.globals)
            .map_err(|e| self.step_error(&stage.from, e))?;
        let layered = if self.opts.layers {
            "layers"
        } else {
            "one-layer"
        };
        let ts = self
            .opts
            .timestamp
            .map(|t| t.to_string())
            .unwrap_or_default();
        if base == "scratch" {
            let (os, arch) = host_platform();
            let key = cache::key("scratch", &[layered, &ts]);
            return Ok((
                State {
                    layers: vec![],
                    config: cfg::scratch(&os, &arch),
                    key,
                },
                vec![],
            ));
        }
        if let Some(i) = stage_ref(&self.opts.dockerfile, &base, stage.index) {
            let s = self.results.get(&i).cloned().ok_or_else(|| {
                self.step_error(&stage.from, format!("stage `{base}` was not built"))
            })?;
            let onbuild = cfg::strings(&s.config, "OnBuild");
            return Ok((s, onbuild));
        }
        let image = self
            .store
            .resolve_image(&base)
            .map_err(|e| {
                // podman's words for a base that is not there, which scripts match.
                Error::msg(format!(
                    "creating build container: {e} ({}:{}:{}, {})",
                    self.opts.file_name,
                    stage.from.location.line,
                    stage.from.location.column,
                    stage.from.original
                ))
            })
            .map_err(|e| {
                e.hint(format!(
                    "pull it first, or build with --pull=missing: `berth pull {base}`"
                ))
            })?;
        let path = self.store.images_dir().join(&image.id).join("config.json");
        let bytes = std::fs::read(&path).with_context(|| format!("read `{}`", path.display()))?;
        let raw: Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("parse `{}`", path.display()))?;
        let onbuild = cfg::strings(&raw, "OnBuild");
        let config = cfg::from_base(raw);
        let key = cache::key(&image.id, &[layered, &ts]);
        Ok((
            State {
                layers: image.layers,
                config,
                key,
            },
            onbuild,
        ))
    }

    fn run_stage(&mut self, stage: &Stage, prefix: &str, is_target: bool) -> Result<State> {
        let total = stage.instructions.len() + 1;
        self.say(&format!("{prefix}STEP 1/{total}: {}", stage.from.original));
        let (mut state, onbuild) = self.base(stage)?;
        let mut scope = Scope { args: Vec::new() };
        // Triggers of the base run first, then are gone from the new image.
        let mut steps: Vec<Instruction> = Vec::new();
        if !onbuild.is_empty() {
            for trigger in &onbuild {
                let parsed = super::parse::parse_instructions(trigger).map_err(|e| {
                    self.step_error(
                        &stage.from,
                        format!("the base image's ONBUILD trigger `{trigger}`: {e}"),
                    )
                })?;
                steps.extend(parsed);
            }
            if let Some(rt) = state.config["config"].as_object_mut() {
                rt.remove("OnBuild");
            }
            state.key = cache::key(&state.key, &["onbuild-cleared"]);
        }
        if is_target && !self.opts.labels.is_empty() {
            for (k, v) in &self.opts.labels {
                cfg::set_label(&mut state.config, k, v);
                state.key = cache::key(&state.key, &["label", k, v]);
            }
        }
        let mut pending: Option<Workspace> = None;
        let mut last_layer_step: Option<usize> = None;
        for (n, ins) in onbuild_then(&steps, &stage.instructions) {
            if let Some(n) = n {
                self.say(&format!("{prefix}STEP {}/{total}: {}", n + 2, ins.original));
            } else {
                self.say(&format!("{prefix}--> ONBUILD {}", ins.original));
            }
            state = self.step(
                stage,
                ins,
                state,
                &mut scope,
                &mut pending,
                &mut last_layer_step,
            )?;
            if n.is_some() && (n != Some(total - 2) || !is_target) {
                self.say(&format!("--> {}", &cfg::id(&state.config)[..11]));
            }
        }
        // Without --layers: the stage's one new layer.
        // Without --layers, the stage's one layer; steps that changed nothing make none.
        if let Some(mut ws) = pending.take().filter(|ws| !dir_is_empty(&ws.upper())) {
            ws.unmount();
            let record = self.store_upper(&ws.upper(), state.layers.last().map(String::as_str))?;
            state.layers.push(record.chain_id.clone());
            if let Some(ids) = state.config["rootfs"]["diff_ids"].as_array_mut() {
                ids.push(json!(record.diff_id));
            }
            if let Some(i) = last_layer_step {
                if let Some(h) = state.config["history"][i].as_object_mut() {
                    h.remove("empty_layer");
                }
            }
        }
        Ok(state)
    }

    /// The variables a step's words expand against: the stage's args, then the env.
    fn vars(state: &State, scope: &Scope) -> Vec<(String, String)> {
        let mut v = scope.args.clone();
        v.extend(cfg::env(&state.config));
        v
    }

    fn expand(&self, ins: &Instruction, word: &str, vars: &[(String, String)]) -> Result<String> {
        frontend::expand(word, vars).map_err(|e| self.step_error(ins, e))
    }

    /// The parts of the cache key a step adds: the instruction and the args it can see.
    fn step_key(state: &State, ins: &Instruction, scope: &Scope, extra: &str) -> String {
        let args: Vec<String> = scope.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        cache::key(&state.key, &[&ins.original, &args.join("\n"), extra])
    }

    #[allow(clippy::too_many_lines)]
    fn step(
        &mut self,
        stage: &Stage,
        ins: &Instruction,
        mut state: State,
        scope: &mut Scope,
        pending: &mut Option<Workspace>,
        last_layer_step: &mut Option<usize>,
    ) -> Result<State> {
        let vars = Self::vars(&state, scope);
        // ARG changes only the scope; the image does not record it.
        if let InstructionKind::Arg(decls) = &ins.kind {
            for d in decls {
                let given = self
                    .opts
                    .build_args
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == d.name)
                    .map(|(_, v)| v.clone());
                if given.is_some() {
                    self.consumed.insert(d.name.clone());
                }
                let value = match (given, &d.default) {
                    (Some(v), _) => Some(v),
                    (None, Some(def)) => Some(self.expand(ins, def, &Self::vars(&state, scope))?),
                    (None, None) => self
                        .globals
                        .iter()
                        .find(|(k, _)| *k == d.name)
                        .map(|(_, v)| v.clone())
                        .or_else(|| automatic_arg(&d.name)),
                };
                scope.args.retain(|(k, _)| *k != d.name);
                if let Some(v) = value {
                    scope.args.push((d.name.clone(), v));
                }
            }
            state.key = Self::step_key(&state, ins, scope, "");
            return Ok(state);
        }
        let layered = matches!(
            ins.kind,
            InstructionKind::Run(_)
                | InstructionKind::Copy(_)
                | InstructionKind::Add(_)
                | InstructionKind::Workdir(_)
        );
        // Sources of COPY/ADD are part of the key.
        let mut extra = String::new();
        let mut copy_plan: Option<CopyPlan> = None;
        if let InstructionKind::Copy(c) | InstructionKind::Add(c) = &ins.kind {
            let is_add = matches!(ins.kind, InstructionKind::Add(_));
            let plan = self.plan_copy(stage, ins, c, is_add, &vars, &state)?;
            extra = plan.digest.clone();
            copy_plan = Some(plan);
        }
        // RUN --mount: the parsed mounts, and what a bind mount shows is part of the key.
        let mut run_mounts: Vec<RunMountPlan> = Vec::new();
        if let InstructionKind::Run(run) = &ins.kind {
            // The step's limits and seccomp change what it can do, so its result.
            let sec = &self.opts.step_security;
            if *sec != StepSecurity::default() {
                // A profile counts by its content, not its name.
                let profile = match &sec.seccomp {
                    crate::spec::SeccompChoice::Profile(p) => std::fs::read(p)
                        .map(|b| crate::image::blob::sha256_digest(&b))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                extra.push_str(&format!(
                    "security:{:?}:{:?}:{profile}:{}",
                    sec.ulimits, sec.seccomp, sec.no_new_privs
                ));
            }
            for raw in &run.mounts {
                let m = self.plan_mount(stage, ins, raw, &vars, &state)?;
                extra.push_str(&m.key);
                run_mounts.push(m);
            }
        }
        let key = Self::step_key(&state, ins, scope, &extra);
        let use_cache = self.opts.layers && !self.opts.no_cache;
        if use_cache {
            if let Some(entry) = self.cache.get(&self.store, &key) {
                self.say(&format!("--> Using cache {}", cfg::id(&entry.config)));
                return Ok(State {
                    layers: entry.layers,
                    config: entry.config,
                    key,
                });
            }
        }
        let created = self.now();
        let nop = |text: &str| format!("/bin/sh -c #(nop) {text}");
        // With --layers, the step's workspace, its upper dir to be stored.
        let mut diff_id: Option<Workspace> = None;
        let mut created_by = nop(&ins.original);
        let c = &mut state.config;
        match &ins.kind {
            InstructionKind::From | InstructionKind::Arg(_) => {}
            InstructionKind::Maintainer(m) => {
                c["author"] = json!(m);
            }
            InstructionKind::Env(pairs) => {
                // Each pair sees the values before this line only.
                let mut values = Vec::new();
                for (k, v) in pairs {
                    let k = self.expand(ins, k, &vars)?;
                    values.push((k, self.expand(ins, v, &vars)?));
                }
                for (k, v) in values {
                    cfg::set_env(c, &k, &v);
                }
            }
            InstructionKind::Label(pairs) => {
                for (k, v) in pairs {
                    let k = self.expand(ins, k, &vars)?;
                    let v = self.expand(ins, v, &vars)?;
                    cfg::set_label(c, &k, &v);
                }
            }
            InstructionKind::Expose(ports) => {
                for p in ports {
                    let p = self.expand(ins, p, &vars)?;
                    for word in p.split_whitespace() {
                        let key = cfg::port_key(word).ok_or_else(|| {
                            self.step_error(ins, format!("invalid port `{word}`"))
                        })?;
                        cfg::add_key(c, "ExposedPorts", &key);
                    }
                }
            }
            InstructionKind::Volume(paths) => {
                for p in paths {
                    let p = self.expand(ins, p, &vars)?;
                    if p.is_empty() {
                        return Err(self.step_error(ins, "VOLUME needs a path"));
                    }
                    cfg::add_key(c, "Volumes", &p);
                }
            }
            InstructionKind::User(u) => {
                let u = self.expand(ins, u, &vars)?;
                cfg::set_text(c, "User", &u);
            }
            InstructionKind::StopSignal(s) => {
                let s = self.expand(ins, s, &vars)?;
                if crate::spec::parse_signal(&s).is_none() {
                    return Err(self.step_error(ins, format!("invalid signal `{s}`")));
                }
                cfg::set_text(c, "StopSignal", &s);
            }
            InstructionKind::Shell(words) => cfg::set_list(c, "Shell", words),
            InstructionKind::Cmd(form) => {
                let v = command_words(form, &shell_of(c));
                cfg::set_list(c, "Cmd", &v);
            }
            InstructionKind::Entrypoint(form) => {
                let v = command_words(form, &shell_of(c));
                cfg::set_list(c, "Entrypoint", &v);
                // As docker: a new ENTRYPOINT clears an inherited CMD.
                if stage_sets_no_cmd_before(stage, ins) {
                    cfg::remove(c, "Cmd");
                }
            }
            InstructionKind::Onbuild(inner) => {
                cfg::add_onbuild(c, &super::parse::trigger_text(inner));
            }
            InstructionKind::Healthcheck(h) => {
                let value = match h {
                    Healthcheck::None => json!({"Test": ["NONE"]}),
                    Healthcheck::Check {
                        test,
                        interval,
                        timeout,
                        start_period,
                        start_interval,
                        retries,
                    } => {
                        let test = match test {
                            CommandForm::Exec(words) => std::iter::once("CMD".to_string())
                                .chain(words.clone())
                                .collect(),
                            CommandForm::Shell(s) => vec!["CMD-SHELL".to_string(), s.clone()],
                        };
                        let dur = |name: &str, v: &Option<String>| -> Result<_> {
                            v.as_deref()
                                .map(|t| {
                                    crate::spec::parse_duration(t).ok_or_else(|| {
                                        self.step_error(ins, format!("invalid --{name} `{t}`"))
                                    })
                                })
                                .transpose()
                        };
                        let retries = retries
                            .as_deref()
                            .map(|r| {
                                r.parse::<u64>().map_err(|_| {
                                    self.step_error(ins, format!("invalid --retries `{r}`"))
                                })
                            })
                            .transpose()?;
                        cfg::healthcheck(
                            test,
                            dur("interval", interval)?,
                            dur("timeout", timeout)?,
                            dur("start-period", start_period)?,
                            dur("start-interval", start_interval)?,
                            retries,
                        )
                    }
                };
                cfg::set_healthcheck(c, value);
            }
            InstructionKind::Workdir(w) => {
                let w = self.expand(ins, w, &vars)?;
                let dir = if w.starts_with('/') {
                    w
                } else {
                    let cur = cfg::text(c, "WorkingDir").unwrap_or_else(|| "/".into());
                    format!("{}/{}", cur.trim_end_matches('/'), w)
                };
                cfg::set_text(c, "WorkingDir", &dir);
                // Created (as root) when missing, as a layer; an existing directory makes
                // the step an empty layer.
                let config = state.config.clone();
                diff_id = self.with_workspace(pending, &state.layers, |_, ws| {
                    let merged = ws.merged();
                    let root = Root::open(&merged)
                        .with_context(|| format!("open `{}`", merged.display()))?;
                    ensure_workdir(&root, &config).context("create the working directory")
                })?;
            }
            InstructionKind::Run(run) => {
                let (_, shown) = run_argv(run, &shell_of(c));
                created_by = shown;
                let upper = self.with_workspace(pending, &state.layers, |b, ws| {
                    b.exec_run(ins, run, ws, &state, scope, &run_mounts)
                })?;
                diff_id = upper;
            }
            InstructionKind::Copy(_) | InstructionKind::Add(_) => {
                let plan = copy_plan.take().expect("planned above");
                created_by = nop(&format!(
                    "{} {} in {}",
                    if matches!(ins.kind, InstructionKind::Add(_)) {
                        "ADD"
                    } else {
                        "COPY"
                    },
                    plan.digest,
                    plan.dest
                ));
                let upper = self.with_workspace(pending, &state.layers, |b, ws| {
                    b.exec_copy(ins, &plan, ws, &state)
                })?;
                diff_id = upper;
            }
        }
        // The layer: stored now (--layers), or at the end of the stage.
        let mut layer_diff: Option<String> = None;
        if layered {
            if let Some(ws) = diff_id.take() {
                if !dir_is_empty(&ws.upper()) {
                    let record =
                        self.store_upper(&ws.upper(), state.layers.last().map(String::as_str))?;
                    state.layers.push(record.chain_id.clone());
                    layer_diff = Some(record.diff_id);
                }
            } else {
                *last_layer_step = state.config["history"].as_array().map(Vec::len);
            }
        }
        cfg::record_step(
            &mut state.config,
            &created,
            &created_by,
            layer_diff.as_deref(),
        );
        state.key = key;
        if self.opts.layers {
            self.cache
                .put(
                    &state.key,
                    &Entry {
                        layers: state.layers.clone(),
                        config: state.config.clone(),
                    },
                )
                .context("record the build cache")?;
        }
        Ok(state)
    }

    /// Run `f` on a mounted workspace over `layers`. With --layers a fresh workspace per
    /// step: returns it, unmounted, for its upper dir to be stored. Without, the
    /// stage's one workspace, mounted again for each step; returns `None`.
    fn with_workspace(
        &mut self,
        pending: &mut Option<Workspace>,
        layers: &[String],
        f: impl FnOnce(&mut Self, &mut Workspace) -> Result<()>,
    ) -> Result<Option<Workspace>> {
        if self.opts.layers {
            let mut ws = Workspace::new(&self.store)?;
            ws.mount(self, layers)?;
            f(self, &mut ws)?;
            ws.unmount();
            return Ok(Some(ws));
        }
        if pending.is_none() {
            *pending = Some(Workspace::new(&self.store)?);
        }
        let ws = pending.as_mut().expect("set above");
        ws.mount(self, layers)?;
        let r = f(self, ws);
        ws.unmount();
        r.map(|()| None)
    }

    /// The upper dir as a layer on top of `parent`.
    fn store_upper(&self, upper: &Path, parent: Option<&str>) -> Result<LayerRecord> {
        let what = || "store the step's layer".to_string();
        let mut spool = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .mode(0o600)
            .open(self.store.root())
            .with_context(|| {
                format!(
                    "create a temporary file in `{}`",
                    self.store.root().display()
                )
            })?;
        let root = changes::open_tree(upper).with_context(what)?;
        let mut archiver = Archiver::new(&mut spool, TarMode::Layer);
        if let Some(t) = self.opts.timestamp {
            archiver = archiver.with_mtime(u64::try_from(t).unwrap_or(0));
        }
        archiver
            .add_contents(root.as_fd(), Path::new(""), upper)
            .with_context(what)?;
        archiver.finish().with_context(what)?;
        spool.seek(SeekFrom::Start(0)).with_context(what)?;
        let mut warn = |msg: String| crate::config::global::warn(msg);
        self.store
            .add_layer(&mut spool, parent, &mut warn)
            .with_context(what)
    }

    /// The final image: config and manifest blobs, the index entry with the tags.
    fn commit(&self, state: &State) -> Result<String> {
        let config_bytes = cfg::bytes(&state.config);
        let config_desc = Descriptor {
            media_type: MEDIA_CONFIG.into(),
            digest: crate::image::blob::sha256_digest(&config_bytes),
            size: config_bytes.len() as u64,
        };
        let mut layers = Vec::new();
        for chain in &state.layers {
            let r = self
                .store
                .layer(chain)
                .with_context(|| format!("read layer `{chain}`"))?;
            layers.push(Descriptor {
                media_type: r.media_type,
                digest: r.blob_digest,
                size: r.blob_size,
            });
        }
        let manifest = image_config::manifest_in(self.opts.format, &config_desc, &layers)
            .map_err(|e| Error::msg(format!("write the image's manifest: {e}")))?;
        self.say(&format!(
            "COMMIT{}",
            self.opts
                .commit_name
                .as_ref()
                .map(|t| format!(" {t}"))
                .unwrap_or_default()
        ));
        let first = self.opts.tags.first().map(String::as_str);
        let id = cfg::id(&state.config);
        // A fully cached rebuild names an image that is already stored with these names:
        // nothing to write (the store's writes are fsynced, and cost most of such a build).
        let existing = self
            .store
            .images()
            .context("read the image index")?
            .into_iter()
            .find(|i| i.id == id && self.opts.tags.iter().all(|t| i.names.contains(t)));
        let stored = existing.is_some();
        let summary = match existing {
            Some(s) => s,
            None => self
                .store
                .add_image(&config_bytes, &manifest, first, state.layers.clone())
                .context("store the image")?,
        };
        if !stored && self.opts.tags.len() > 1 {
            let lock = self.store.lock().context("lock the store")?;
            for t in &self.opts.tags[1..] {
                self.store
                    .tag(&lock, &summary.id, t)
                    .with_context(|| format!("tag the image `{t}`"))?;
            }
        }
        self.say(&format!("--> {}", &summary.id[..11]));
        for t in &self.opts.tags {
            self.say(&format!("Successfully tagged {t}"));
        }
        if let Some(path) = &self.opts.iidfile {
            std::fs::write(path, format!("sha256:{}", summary.id))
                .with_context(|| format!("write the image id file `{}`", path.display()))?;
        }
        Ok(summary.id)
    }
}

/// Did a step change nothing? (BuildKit records such a step as an empty layer.)
fn dir_is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// `n` is the step number among the stage's instructions (`None` for a trigger).
fn onbuild_then<'a>(
    triggers: &'a [Instruction],
    own: &'a [Instruction],
) -> impl Iterator<Item = (Option<usize>, &'a Instruction)> {
    triggers
        .iter()
        .map(|i| (None, i))
        .chain(own.iter().enumerate().map(|(n, i)| (Some(n), i)))
}

/// Does the stage set no CMD before `ins`? (ENTRYPOINT then clears the inherited CMD.)
fn stage_sets_no_cmd_before(stage: &Stage, ins: &Instruction) -> bool {
    !stage
        .instructions
        .iter()
        .take_while(|i| !std::ptr::eq(*i, ins))
        .any(|i| matches!(i.kind, InstructionKind::Cmd(_)))
}

/// The image's SHELL, or `/bin/sh -c`.
fn shell_of(config: &Value) -> Vec<String> {
    let s = cfg::strings(config, "Shell");
    if s.is_empty() {
        vec!["/bin/sh".into(), "-c".into()]
    } else {
        s
    }
}

/// CMD/ENTRYPOINT words: the exec form as is, the shell form through the SHELL.
fn command_words(form: &CommandForm, shell: &[String]) -> Vec<String> {
    match form {
        CommandForm::Exec(words) => words.clone(),
        CommandForm::Shell(s) => shell.iter().cloned().chain([s.clone()]).collect(),
    }
}

/// The host's os and architecture as an image names them.
pub fn host_platform() -> (String, String) {
    (
        "linux".to_string(),
        image_config::go_arch(std::env::consts::ARCH).to_string(),
    )
}

/// Args docker sets by itself when a stage declares them (`ARG TARGETARCH`).
fn automatic_arg(name: &str) -> Option<String> {
    let (os, arch) = host_platform();
    match name {
        "TARGETPLATFORM" | "BUILDPLATFORM" => Some(format!("{os}/{arch}")),
        "TARGETOS" | "BUILDOS" => Some(os),
        "TARGETARCH" | "BUILDARCH" => Some(arch),
        "TARGETVARIANT" | "BUILDVARIANT" => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::ast::{Location, Stage};

    fn ins(kind: InstructionKind, original: &str) -> Instruction {
        Instruction {
            location: Location { line: 1, column: 1 },
            original: original.into(),
            kind,
        }
    }

    fn stage(
        index: usize,
        name: Option<&str>,
        base: &str,
        instructions: Vec<Instruction>,
    ) -> Stage {
        Stage {
            index,
            name: name.map(str::to_string),
            base: base.into(),
            platform: None,
            from: ins(InstructionKind::From, &format!("FROM {base}")),
            instructions,
        }
    }

    #[test]
    fn secret_flags() {
        assert_eq!(
            SecretSource::parse("id=a,src=/x").unwrap(),
            ("a".to_string(), SecretSource::File("/x".into()))
        );
        assert_eq!(
            SecretSource::parse("id=a,env=V").unwrap().1,
            SecretSource::Env("V".into())
        );
        assert_eq!(
            SecretSource::parse("id=a,type=env,src=V").unwrap().1,
            SecretSource::Env("V".into())
        );
        assert_eq!(
            SecretSource::parse("id=T").unwrap().1,
            SecretSource::Env("T".into())
        );
        assert!(SecretSource::parse("src=/x").is_err());
        assert!(SecretSource::parse("id=a,bogus=1").is_err());
        assert!(SecretSource::parse("id=a,src=/x,env=V").is_err());
    }

    #[test]
    fn stage_references() {
        let df = Dockerfile {
            escape: '\\',
            global_args: vec![],
            stages: vec![
                stage(0, Some("a"), "busybox", vec![]),
                stage(1, Some("b"), "a", vec![]),
            ],
        };
        assert_eq!(stage_ref(&df, "A", 1), Some(0));
        assert_eq!(stage_ref(&df, "0", 1), Some(0));
        assert_eq!(stage_ref(&df, "b", 1), None);
        assert_eq!(stage_ref(&df, "busybox", 1), None);
    }

    #[test]
    fn command_forms_use_the_shell() {
        let shell = vec!["/bin/bash".to_string(), "-c".to_string()];
        assert_eq!(
            command_words(&CommandForm::Shell("x y".into()), &shell),
            vec!["/bin/bash", "-c", "x y"]
        );
        assert_eq!(shell_of(&json!({"config": {}})), vec!["/bin/sh", "-c"]);
    }
}
