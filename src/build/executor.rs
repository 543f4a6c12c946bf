//! The build executor (in the session): runs the stages the target needs, step by step,
//! each RUN as a container on the step's overlay, each COPY/ADD written into the overlay,
//! each layer-making step's upper dir stored as a layer; metadata steps only change the
//! config. Every step's result is recorded in the cache (see `cache`); the final state
//! becomes an image. Nothing but the final image is added to the image index.

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
use crate::run::options::NetworkMode;
use crate::storage::changes::{self, Archiver, TarMode};
use crate::storage::overlay::{self, OverlaySpec};
use crate::storage::{random_name, LayerRecord, Store};

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
        let dir = store.root().join(format!(
            ".tmp-build-{}",
            random_name(12).context("name a directory")?
        ));
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

    fn step_error(&self, ins: &Instruction, why: impl std::fmt::Display) -> Error {
        Error::msg(format!(
            "{}:{}:{}: {}: {why}",
            self.opts.file_name, ins.location.line, ins.location.column, ins.original
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
            .map_err(|e| self.step_error(&stage.from, e))
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
                self.say(&format!("--> {}", &cfg::id(&state.config)[..12]));
            }
        }
        // Without --layers: the stage's one new layer.
        if let Some(mut ws) = pending.take() {
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
                if crate::run::options::parse_signal(&s).is_none() {
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
                                    crate::run::options::parse_duration(t).ok_or_else(|| {
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
        let mut warn = |msg: String| eprintln!("warning: {msg}");
        self.store
            .add_layer(&mut spool, parent, &mut warn)
            .with_context(what)
    }

    /// RUN: a container on the step's rootfs, in the foreground.
    fn exec_run(
        &mut self,
        ins: &Instruction,
        run: &Run,
        ws: &mut Workspace,
        state: &State,
        scope: &Scope,
        mounts: &[RunMountPlan],
    ) -> Result<()> {
        let (argv, _) = run_argv(run, &shell_of(&state.config));
        let argv = &argv;
        if let Some(sec) = run.security.as_deref().filter(|s| *s != "sandbox") {
            return Err(self.step_error(
                ins,
                format!(
                    "RUN --security={sec} is not supported yet: RUN steps always run sandboxed"
                ),
            ));
        }
        let network = match run.network.as_deref() {
            None | Some("default") => self.opts.network,
            Some("none") => NetworkMode::None,
            Some("host") => NetworkMode::Host,
            Some(other) => {
                return Err(self.step_error(
                    ins,
                    format!("RUN --network={other} is not supported: use none or host"),
                ))
            }
        };
        let merged = ws.merged();
        let root = Root::open(&merged).with_context(|| format!("open `{}`", merged.display()))?;
        ensure_workdir(&root, &state.config).with_context(|| "create the working directory")?;
        // The env: the image's, then the args the stage declared (ENV wins on a clash).
        let env = cfg::env(&state.config);
        let mut run_env: Vec<(String, String)> = env.clone();
        for (k, v) in &scope.args {
            if !env.iter().any(|(e, _)| e == k) {
                run_env.push((k.clone(), v.clone()));
            }
        }
        for (k, v) in &self.opts.build_args {
            if PREDEFINED_ARGS.contains(&k.as_str()) && !run_env.iter().any(|(e, _)| e == k) {
                run_env.push((k.clone(), v.clone()));
            }
        }
        // The mounts' sources: the context, an earlier stage's or an image's files (through
        // their own overlay, kept mounted until the step ends), or a cache directory.
        let mut views: Vec<Workspace> = Vec::new();
        let mut binds = Vec::new();
        let mut tmpfs = Vec::new();
        for m in mounts {
            match &m.source {
                MountSource::Tmpfs { size } => tmpfs.push(crate::run::options::TmpfsMount {
                    target: m.target.clone(),
                    options: size.map(|s| vec![format!("size={s}")]).unwrap_or_default(),
                }),
                MountSource::Host(path) => binds.push(crate::run::options::BindMount {
                    source: path.clone(),
                    target: m.target.clone(),
                    readonly: m.readonly,
                }),
                MountSource::Layers { layers, path } => {
                    let mut w = Workspace::new(&self.store)?;
                    w.mount(self, layers)?;
                    let source = w.merged().join(path.trim_start_matches('/'));
                    views.push(w);
                    binds.push(crate::run::options::BindMount {
                        source,
                        target: m.target.clone(),
                        readonly: m.readonly,
                    });
                }
            }
        }
        let (plan, seccomp, supported) = run_plan(
            &ws.dir.join("etc"),
            &state.config,
            argv,
            run_env,
            network,
            binds,
            tmpfs,
        )?;
        // Mount points the init makes in the rootfs (/proc, /etc/hosts, ...) are not part
        // of the step's changes: note which are new, and remove them after.
        let mut targets: Vec<String> = plan.mounts.iter().map(|m| m.target.clone()).collect();
        targets.sort_by_key(|t| std::cmp::Reverse(t.matches('/').count()));
        let new_targets: Vec<String> = targets.into_iter().filter(|t| !root.exists(t)).collect();
        let stdio = if self.opts.quiet {
            let err = std::io::stderr()
                .as_fd()
                .try_clone_to_owned()
                .context("dup stderr")?;
            Some(crate::run::init::Stdio {
                stdin: None,
                stdout: err.try_clone().context("dup stderr")?,
                stderr: err,
            })
        } else {
            None
        };
        let code =
            crate::run::spawn::run_transient(&plan, &merged, seccomp.as_ref(), &supported, stdio)?;
        drop(views);
        remove_mount_points(&ws.upper(), &new_targets);
        if code != 0 {
            return Err(Error::msg(format!(
                "building at STEP \"{}\": command `{}` exited with status {code}",
                ins.original,
                argv.join(" ")
            ))
            .with_code(1));
        }
        Ok(())
    }

    /// One `RUN --mount`: where its files come from, where they go, and what of it is part
    /// of the step's cache key.
    fn plan_mount(
        &mut self,
        stage: &Stage,
        ins: &Instruction,
        raw: &str,
        vars: &[(String, String)],
        state: &State,
    ) -> Result<RunMountPlan> {
        use super::mounts::MountType;
        let lookup = |n: &str| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        let m = super::mounts::parse_mount(raw, &|v| {
            super::vars::expand_word(v, &lookup, self.opts.dockerfile.escape)
        })
        .map_err(|e| self.step_error(ins, format!("--mount={raw}: {e}")))?;
        let unsupported =
            |why: &str| self.step_error(ins, format!("--mount={raw}: {why} is not supported yet"));
        if matches!(m.kind, MountType::Secret | MountType::Ssh) {
            return Err(unsupported(&format!("type={}", m.kind.name())));
        }
        let workdir = cfg::text(&state.config, "WorkingDir").unwrap_or_else(|| "/".into());
        let target = m
            .target_path(&workdir)
            .map_err(|e| self.step_error(ins, format!("--mount={raw}: {e}")))?;
        let (source, readonly, key) = match m.kind {
            MountType::Tmpfs => (
                MountSource::Tmpfs { size: m.size },
                false,
                "tmpfs".to_string(),
            ),
            MountType::Secret | MountType::Ssh => {
                return Err(unsupported(&format!("type={}", m.kind.name())))
            }
            MountType::Cache => {
                if m.from.is_some() {
                    return Err(unsupported("a cache mount with from="));
                }
                // One directory per id, kept across builds until `builder prune`.
                let id = m.cache_id();
                let name = &cache::key("cache-mount", &[&id])[..32];
                let dir = self.cache.dir().join("mounts").join(name);
                if !dir.is_dir() {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("create the cache mount `{}`", dir.display()))?;
                    let (uid, gid) = (m.uid.unwrap_or(0), m.gid.unwrap_or(0));
                    nix::unistd::chown(
                        &dir,
                        Some(nix::unistd::Uid::from_raw(uid)),
                        Some(nix::unistd::Gid::from_raw(gid)),
                    )
                    .with_context(|| format!("chown `{}`", dir.display()))?;
                    let mode = m.mode.unwrap_or(0o755);
                    std::fs::set_permissions(
                        &dir,
                        std::os::unix::fs::PermissionsExt::from_mode(mode),
                    )
                    .with_context(|| format!("chmod `{}`", dir.display()))?;
                }
                (MountSource::Host(dir), false, String::new())
            }
            MountType::Bind => {
                if !m.read_only {
                    return Err(unsupported("a writable (rw) bind mount"));
                }
                let path = m.source_path();
                match &m.from {
                    None => {
                        // The context, as COPY sees it.
                        if self.context.is_none() {
                            let matcher = super::ignore::Matcher::load(&self.opts.context)
                                .map_err(|e| Error::msg(e.to_string()))?;
                            self.context = Some(
                                super::context::walk(&self.opts.context, &matcher)
                                    .map_err(|e| Error::msg(e.to_string()))?,
                            );
                        }
                        let ctx = self.context.as_ref().expect("walked above");
                        let found = super::context::resolve_sources(ctx, &path)
                            .map_err(|e| self.step_error(ins, e))?;
                        let digest = super::context::digest_sources(ctx, &found)
                            .map_err(|e| self.step_error(ins, e))?;
                        let host = ctx.host_path(found[0]);
                        (MountSource::Host(host), true, digest)
                    }
                    Some(f) => {
                        let (layers, id) =
                            if let Some(i) = stage_ref(&self.opts.dockerfile, f, stage.index) {
                                let s = self.results.get(&i).ok_or_else(|| {
                                    self.step_error(ins, format!("stage `{f}` was not built"))
                                })?;
                                (s.layers.clone(), cfg::id(&s.config))
                            } else {
                                let image = self
                                    .store
                                    .resolve_image(f)
                                    .map_err(|e| self.step_error(ins, e))?;
                                (image.layers, image.id)
                            };
                        (MountSource::Layers { layers, path }, true, id)
                    }
                }
            }
        };
        Ok(RunMountPlan {
            target: target.clone(),
            readonly,
            key: format!("{target}\0{key}\0"),
            source,
        })
    }

    /// COPY/ADD into the step's rootfs.
    fn exec_copy(
        &mut self,
        ins: &Instruction,
        plan: &CopyPlan,
        ws: &mut Workspace,
        state: &State,
    ) -> Result<()> {
        let merged = ws.merged();
        let root = Root::open(&merged).with_context(|| format!("open `{}`", merged.display()))?;
        let owner = match &plan.chown {
            Some(spec) => Some(resolve_chown(&merged, spec).map_err(|e| self.step_error(ins, e))?),
            None => None,
        };
        let meta = Meta {
            owner,
            chmod: plan.chmod,
        };
        ensure_workdir(&root, &state.config).context("create the working directory")?;
        // The source tree of --from: a read-only view through its own overlay.
        let mut from_ws: Option<Workspace> = None;
        let src_root: PathBuf = match &plan.from_layers {
            Some(layers) => {
                let mut w = Workspace::new(&self.store)?;
                w.mount(self, layers)?;
                let m = w.merged();
                from_ws = Some(w);
                m
            }
            None => self.opts.context.clone(),
        };
        let ignore = if plan.from_layers.is_none() {
            Some(frontend::Ignore::load(&self.opts.context).context("read the ignore file")?)
        } else {
            None
        };
        for item in &plan.items {
            match item {
                CopyItem::Path {
                    rel,
                    dest,
                    name_if_dir,
                } => {
                    let dest = &match name_if_dir {
                        Some(n) if root.is_dir(dest) => {
                            format!("{}/{}", dest.trim_end_matches('/'), n)
                        }
                        _ => dest.clone(),
                    };
                    let src = src_root.join(rel);
                    let base_rel = rel.clone();
                    let skip = |p: &Path, is_dir: bool| {
                        ignore.as_ref().is_some_and(|ig| {
                            let full = base_rel.join(p);
                            let full = full.to_string_lossy();
                            if is_dir {
                                ig.excluded_dir(&full)
                            } else {
                                ig.excluded(&full)
                            }
                        })
                    };
                    let result = if plan.is_add && is_archive(&src) {
                        // An archive unpacks into the destination directory itself.
                        unpack_archive(&root, &src, &plan.dest)
                    } else {
                        root.copy_in(&src, dest, meta, &skip)
                    };
                    result.map_err(|e| {
                        self.step_error(ins, format!("copy `{}` to `{dest}`: {e}", rel.display()))
                    })?;
                }
                CopyItem::Content { data, dest, mode } => {
                    root.write_file(
                        dest,
                        &mut data.as_slice(),
                        *mode,
                        meta.owner.unwrap_or((0, 0)),
                        None,
                    )
                    .map_err(|e| self.step_error(ins, format!("write `{dest}`: {e}")))?;
                }
            }
        }
        drop(from_ws);
        Ok(())
    }

    /// Resolve a COPY/ADD: its sources (context paths, paths in a stage or image, heredocs,
    /// URLs), their destinations, and a digest of everything that goes in.
    fn plan_copy(
        &mut self,
        stage: &Stage,
        ins: &Instruction,
        c: &CopyArgs,
        is_add: bool,
        vars: &[(String, String)],
        state: &State,
    ) -> Result<CopyPlan> {
        if c.parents || !c.excludes.is_empty() {
            return Err(self.step_error(ins, "--parents and --exclude are not supported yet"));
        }
        let dest_raw = self.expand(ins, &c.dest, vars)?;
        let workdir = cfg::text(&state.config, "WorkingDir").unwrap_or_else(|| "/".into());
        let dest_is_dir_word =
            dest_raw.ends_with('/') || dest_raw == "." || dest_raw.ends_with("/.");
        let dest_abs = if dest_raw.starts_with('/') {
            dest_raw.clone()
        } else {
            format!("{}/{}", workdir.trim_end_matches('/'), dest_raw)
        };
        let chmod = match &c.chmod {
            Some(m) => Some(u32::from_str_radix(m, 8).map_err(|_| {
                self.step_error(ins, format!("invalid --chmod `{m}`: want an octal mode"))
            })?),
            None => None,
        };
        let chown = match &c.chown {
            Some(o) => Some(self.expand(ins, o, vars)?),
            None => None,
        };
        // --from: an earlier stage, or an image.
        let mut from_layers = None;
        let mut from_id = String::new();
        if let Some(f) = &c.from {
            let f = self.expand(ins, f, vars)?;
            if let Some(i) = stage_ref(&self.opts.dockerfile, &f, stage.index) {
                let s = self
                    .results
                    .get(&i)
                    .ok_or_else(|| self.step_error(ins, format!("stage `{f}` was not built")))?;
                from_id = cfg::id(&s.config);
                from_layers = Some(s.layers.clone());
            } else {
                let image = self
                    .store
                    .resolve_image(&f)
                    .map_err(|e| self.step_error(ins, e))?;
                from_id = image.id.clone();
                from_layers = Some(image.layers);
            }
        }
        let mut sources: Vec<(String, Option<&super::ast::Heredoc>)> = Vec::new();
        for s in &c.sources {
            let heredoc = s
                .strip_prefix("<<")
                .map(|n| {
                    n.trim_start_matches('-')
                        .trim_matches(|c| c == '"' || c == '\'')
                })
                .and_then(|n| c.heredocs.iter().find(|h| h.name == n));
            match heredoc {
                Some(h) => sources.push((h.name.clone(), Some(h))),
                None => sources.push((self.expand(ins, s, vars)?, None)),
            }
        }
        // Expand globs in context (or --from) paths.
        let mut items = Vec::new();
        let mut hasher = sha2::Sha256::default();
        use sha2::Digest as _;
        hasher.update(from_id.as_bytes());
        hasher.update(format!("{chown:?}{chmod:?}{dest_abs}").as_bytes());
        // A temporary view of --from sources, to expand globs and digest them.
        let mut from_ws: Option<Workspace> = None;
        let src_root = match &from_layers {
            Some(layers) => {
                let mut w = Workspace::new(&self.store)?;
                w.mount(self, layers)?;
                let m = w.merged();
                from_ws = Some(w);
                m
            }
            None => self.opts.context.clone(),
        };
        enum Src {
            /// A path under the source root, with the name it was matched by (context).
            Path(PathBuf, Option<String>),
            Content(String, Vec<u8>),
            Url(String),
        }
        let mut resolved: Vec<Src> = Vec::new();
        let mut context_files: Vec<super::context::ContextFile> = Vec::new();
        for (s, heredoc) in &sources {
            if let Some(h) = heredoc {
                let body = if h.expand {
                    self.expand_heredoc(ins, &h.content, vars)?
                } else {
                    h.content.clone()
                };
                resolved.push(Src::Content(h.name.clone(), body.into_bytes()));
                continue;
            }
            if is_add && (s.starts_with("http://") || s.starts_with("https://")) {
                resolved.push(Src::Url(s.clone()));
                continue;
            }
            if s.starts_with("git@") || s.ends_with(".git") && s.contains("://") {
                return Err(self.step_error(ins, "ADD of a git repository is not supported yet"));
            }
            if from_layers.is_none() {
                // The context, walked once per build with the ignore file applied.
                if self.context.is_none() {
                    let matcher = super::ignore::Matcher::load(&self.opts.context)
                        .map_err(|e| Error::msg(e.to_string()))?;
                    self.context = Some(
                        super::context::walk(&self.opts.context, &matcher)
                            .map_err(|e| Error::msg(e.to_string()))?,
                    );
                }
                let ctx = self.context.as_ref().expect("walked above");
                let found = super::context::resolve_sources_named(ctx, s).map_err(|e| {
                    self.step_error(ins, e)
                        .hint("sources are relative to the context directory")
                })?;
                for f in found {
                    context_files.push(f.file.clone());
                    let name = f.matched.rsplit('/').next().unwrap_or(".").to_string();
                    resolved.push(Src::Path(PathBuf::from(&f.file.rel), Some(name)));
                }
                continue;
            }
            let matches = glob_paths(&src_root, s);
            if matches.is_empty() {
                return Err(self.step_error(
                    ins,
                    format!(
                        "no source files were specified: `{s}` does not exist in `{}`",
                        c.from.as_deref().unwrap_or_default()
                    ),
                ));
            }
            resolved.extend(matches.into_iter().map(|p| Src::Path(p, None)));
        }
        if !context_files.is_empty() {
            let ctx = self.context.as_ref().expect("walked above");
            let refs: Vec<&super::context::ContextFile> = context_files.iter().collect();
            let d =
                super::context::digest_sources(ctx, &refs).map_err(|e| self.step_error(ins, e))?;
            hasher.update(d.as_bytes());
        }
        let many = resolved.len() > 1;
        let dest_dir = dest_is_dir_word || many;
        if many && !dest_raw.ends_with('/') {
            return Err(self.step_error(
                ins,
                format!(
                    "when copying more than one source, the destination must be a directory and end with a /: `{dest_raw}`"
                ),
            ));
        }
        for src in resolved {
            match src {
                Src::Path(rel, matched_name) => {
                    let host = src_root.join(&rel);
                    let md = std::fs::metadata(&host)
                        .with_context(|| format!("read `{}`", host.display()))?;
                    if matched_name.is_none() {
                        digest_tree(&mut hasher, &host, &rel);
                    }
                    let name = matched_name.unwrap_or_else(|| {
                        rel.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    });
                    let (dest, name_if_dir) = if md.is_dir() {
                        (dest_abs.clone(), None)
                    } else if dest_dir {
                        (format!("{}/{}", dest_abs.trim_end_matches('/'), name), None)
                    } else {
                        (dest_abs.clone(), Some(name))
                    };
                    items.push(CopyItem::Path {
                        rel,
                        dest,
                        name_if_dir,
                    });
                }
                Src::Content(name, data) => {
                    hasher.update(&data);
                    let dest = if dest_dir {
                        format!("{}/{}", dest_abs.trim_end_matches('/'), name)
                    } else {
                        dest_abs.clone()
                    };
                    items.push(CopyItem::Content {
                        data,
                        dest,
                        mode: chmod.unwrap_or(0o644),
                    });
                }
                Src::Url(url) => {
                    // Fetched for every build: the cache key is the content, as docker's.
                    let data = download(&url).map_err(|e| self.step_error(ins, e))?;
                    let got = crate::storage::layer::sha256_digest(&data);
                    if let Some(want) = &c.checksum {
                        if &got != want {
                            return Err(self.step_error(
                                ins,
                                format!("checksum of `{url}` is {got}, expected {want}"),
                            ));
                        }
                    }
                    hasher.update(got.as_bytes());
                    let name = url
                        .split(['?', '#'])
                        .next()
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .filter(|n| !n.is_empty())
                        .unwrap_or("download")
                        .to_string();
                    let dest = if dest_dir {
                        format!("{}/{}", dest_abs.trim_end_matches('/'), name)
                    } else {
                        dest_abs.clone()
                    };
                    items.push(CopyItem::Content {
                        data,
                        dest,
                        mode: chmod.unwrap_or(0o600),
                    });
                }
            }
        }
        drop(from_ws);
        Ok(CopyPlan {
            items,
            dest: dest_abs,
            chown,
            chmod,
            from_layers,
            is_add,
            digest: format!("sha256:{}", hex::encode(hasher.finalize())),
        })
    }

    fn expand_heredoc(
        &self,
        ins: &Instruction,
        body: &str,
        vars: &[(String, String)],
    ) -> Result<String> {
        // Expand line by line, keeping the text otherwise as written.
        let mut out = String::new();
        for line in body.split_inclusive('\n') {
            let (text, nl) = match line.strip_suffix('\n') {
                Some(t) => (t, "\n"),
                None => (line, ""),
            };
            out.push_str(&expand_dollars(text, vars).map_err(|e| self.step_error(ins, e))?);
            out.push_str(nl);
        }
        Ok(out)
    }

    /// The final image: config and manifest blobs, the index entry with the tags.
    fn commit(&self, state: &State) -> Result<String> {
        let config_bytes = cfg::bytes(&state.config);
        let config_desc = Descriptor {
            media_type: MEDIA_CONFIG.into(),
            digest: crate::storage::layer::sha256_digest(&config_bytes),
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
        let manifest = image_config::manifest(&config_desc, &layers);
        self.say(&format!(
            "COMMIT{}",
            self.opts
                .tags
                .first()
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
        self.say(&format!("--> {}", &summary.id[..12]));
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

/// A RUN's argv and its text for the history. A RUN that is only a heredoc runs the body
/// as the script; heredocs after a command are handed to the shell with the command.
pub fn run_argv(run: &Run, shell: &[String]) -> (Vec<String>, String) {
    let argv = match &run.command {
        CommandForm::Exec(words) => words.clone(),
        CommandForm::Shell(s) => {
            let trimmed = s.trim();
            let only_heredoc = run.heredocs.len() == 1
                && trimmed
                    .strip_prefix("<<")
                    .map(|m| {
                        m.trim_start_matches('-')
                            .trim_matches(|c| c == '"' || c == '\'')
                    })
                    .is_some_and(|m| m == run.heredocs[0].name);
            let script = if only_heredoc {
                run.heredocs[0].content.clone()
            } else if run.heredocs.is_empty() {
                s.clone()
            } else {
                let mut text = s.clone();
                text.push('\n');
                for h in &run.heredocs {
                    text.push_str(&h.content);
                    text.push_str(&h.name);
                    text.push('\n');
                }
                text
            };
            shell.iter().cloned().chain([script]).collect()
        }
    };
    let shown = argv.join(" ");
    (argv, shown)
}

/// The Plan, seccomp program and capabilities of a RUN step's process.
fn run_plan(
    etc: &Path,
    config: &Value,
    argv: &[String],
    env: Vec<(String, String)>,
    network: NetworkMode,
    binds: Vec<crate::run::options::BindMount>,
    tmpfs: Vec<crate::run::options::TmpfsMount>,
) -> Result<(
    crate::run::plan::Plan,
    Option<crate::run::seccomp::SeccompProgram>,
    caps::CapsHashSet,
)> {
    let cli = crate::cli::parse_from(
        ["berth", "run", "--rm", "build-step"].map(std::ffi::OsString::from),
    )
    .map_err(|_| Error::msg("internal: the RUN step's options do not parse"))?;
    let crate::cli::Command::Run(args) = cli.command else {
        return Err(Error::msg("internal: the RUN step's options are not `run`"));
    };
    let mut opts =
        crate::run::options::RunOptions::from_args(*args, |_| None).context("plan the RUN step")?;
    opts.command = Some(argv.to_vec());
    opts.entrypoint = Some(vec![]);
    opts.env = env;
    opts.network = network;
    opts.volumes = binds;
    opts.tmpfs = tmpfs;
    let user = cfg::text(config, "User");
    opts.user = user
        .as_deref()
        .and_then(crate::run::options::UserSpec::parse);
    let defaults = crate::run::plan::ImageDefaults {
        entrypoint: vec![],
        cmd: vec![],
        env: vec![],
        workdir: cfg::text(config, "WorkingDir"),
        user: None,
    };
    let hostname = "buildhost".to_string();
    std::fs::write(
        etc.join("hosts"),
        crate::run::plan::hosts_file(&hostname, &hostname),
    )
    .context("write the step's /etc/hosts")?;
    std::fs::write(etc.join("hostname"), format!("{hostname}\n"))
        .context("write the step's /etc/hostname")?;
    std::fs::write(
        etc.join("resolv.conf"),
        std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default(),
    )
    .context("write the step's /etc/resolv.conf")?;
    opts.hostname = Some(hostname);
    let supported = crate::run::caps::all_supported();
    let plan = crate::run::plan::build(&crate::run::plan::PlanInput {
        opts: &opts,
        image: &defaults,
        id: "build-step",
        etc_dir: etc.to_path_buf(),
        host_hostname: String::new(),
        supported_caps: &supported,
        volumes_dir: PathBuf::from("/nonexistent"),
    })
    .context("plan the RUN step")?;
    let seccomp = crate::run::spawn::seccomp_program(&opts, &plan)?;
    Ok((plan, seccomp, supported))
}

/// Create the config's WorkingDir in the rootfs when it is missing (docker does this for
/// every step; an existing directory is left alone).
fn ensure_workdir(root: &Root, config: &Value) -> std::io::Result<()> {
    if let Some(w) = cfg::text(config, "WorkingDir") {
        if !root.is_dir(&w) {
            root.mkdir_all(&w, 0o755, (0, 0))?;
        }
    }
    Ok(())
}

/// Remove the mount points the init created (empty files and directories that did not
/// exist before the step), deepest first, and their parents that are left empty.
fn remove_mount_points(upper: &Path, targets: &[String]) {
    for t in targets {
        let rel = t.trim_start_matches('/');
        if rel.is_empty() {
            continue;
        }
        let mut p = upper.join(rel);
        loop {
            let ok = match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir(&p).is_ok(),
                Ok(m) if m.is_file() && m.len() == 0 => std::fs::remove_file(&p).is_ok(),
                _ => false,
            };
            if !ok {
                break;
            }
            match p.parent() {
                Some(parent) if parent != upper => p = parent.to_path_buf(),
                _ => break,
            }
        }
    }
}

/// `--chown USER[:GROUP]` against the rootfs's own /etc/passwd and /etc/group.
fn resolve_chown(rootfs: &Path, spec: &str) -> std::result::Result<(u32, u32), String> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u.to_string(), Some(g.to_string())),
        None => (spec.to_string(), None),
    };
    let read = |p: &str| {
        Root::open(rootfs)
            .ok()
            .and_then(|_| std::fs::read_to_string(rootfs.join(p)).ok())
    };
    let passwd = read("etc/passwd");
    let groups = read("etc/group");
    let uid_spec = crate::run::options::UserSpec {
        user: user.clone(),
        group: None,
    };
    let resolved = crate::run::user::resolve(Some(&uid_spec), passwd.as_deref(), groups.as_deref())
        .map_err(|e| format!("--chown={spec}: {e}"))?;
    let gid = match group {
        // docker: `--chown=user` gives the user's primary group... of the same name when
        // numeric ids are given.
        None if user.parse::<u32>().is_ok() => resolved.uid,
        None => resolved.gid,
        Some(g) => crate::run::user::group_id(&g, groups.as_deref())
            .map_err(|e| format!("--chown={spec}: {e}"))?,
    };
    Ok((resolved.uid, gid))
}

/// A `RUN --mount` ready to mount.
#[derive(Debug, Clone)]
struct RunMountPlan {
    /// The absolute mount point.
    target: String,
    readonly: bool,
    /// What the mount adds to the step's cache key.
    key: String,
    source: MountSource,
}

#[derive(Debug, Clone)]
enum MountSource {
    /// A host directory or file (the context's, or a cache mount's directory).
    Host(PathBuf),
    /// A path in an earlier stage or an image.
    Layers {
        layers: Vec<String>,
        path: String,
    },
    Tmpfs {
        size: Option<u64>,
    },
}

/// One thing a COPY/ADD writes.
#[derive(Debug, Clone)]
enum CopyItem {
    /// A path relative to the source root (context, stage or image).
    Path {
        rel: PathBuf,
        dest: String,
        /// A file copied to a path that may be an existing directory: then into it, as
        /// this name.
        name_if_dir: Option<String>,
    },
    /// A heredoc's body, or what ADD downloaded from a URL.
    Content {
        data: Vec<u8>,
        dest: String,
        mode: u32,
    },
}

#[derive(Debug, Clone)]
struct CopyPlan {
    items: Vec<CopyItem>,
    dest: String,
    chown: Option<String>,
    chmod: Option<u32>,
    from_layers: Option<Vec<String>>,
    is_add: bool,
    /// Digest of the sources' names, contents and metadata.
    digest: String,
}

/// The source paths `pattern` names under `root` (relative paths, sorted): the path itself,
/// or each match of a glob (`*`, `?`, `[...]` per component). For `COPY --from` (an image
/// or a stage: no ignore file); context sources go through `context::resolve_sources_named`.
fn glob_paths(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let clean = clean_rel(pattern);
    let mut current: Vec<PathBuf> = vec![PathBuf::new()];
    for comp in clean.split('/').filter(|c| !c.is_empty()) {
        let mut next = Vec::new();
        for base in &current {
            if has_glob(comp) {
                let Ok(rd) = std::fs::read_dir(root.join(base)) else {
                    continue;
                };
                let mut names: Vec<String> = rd
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                for n in names {
                    if glob_match(comp, &n) {
                        next.push(base.join(n));
                    }
                }
            } else {
                let p = base.join(comp);
                if std::fs::symlink_metadata(root.join(&p)).is_ok() {
                    next.push(p);
                }
            }
        }
        current = next;
    }
    current
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `path` relative, `.`/`..` resolved without leaving the root.
fn clean_rel(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Go's filepath.Match for one component: `*`, `?`, `[a-z]`, `[^x]`, `\` escapes.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn rec(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| rec(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && rec(&p[1..], &n[1..]),
            Some('[') => {
                let Some(c) = n.first() else { return false };
                let mut i = 1;
                let negate = matches!(p.get(1), Some('^' | '!'));
                if negate {
                    i += 1;
                }
                let mut matched = false;
                while i < p.len() && p[i] != ']' {
                    if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                        if p[i] <= *c && *c <= p[i + 2] {
                            matched = true;
                        }
                        i += 3;
                    } else {
                        if p[i] == *c {
                            matched = true;
                        }
                        i += 1;
                    }
                }
                if i >= p.len() {
                    return false;
                }
                matched != negate && rec(&p[i + 1..], &n[1..])
            }
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && rec(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && rec(&p[1..], &n[1..]),
        }
    }
    rec(&p, &n)
}

/// Feed a `--from` source tree into the digest: names, modes, sizes, times and contents,
/// sorted.
fn digest_tree(h: &mut sha2::Sha256, host: &Path, rel: &Path) {
    use sha2::Digest as _;
    use std::os::unix::fs::MetadataExt;
    let Ok(md) = std::fs::symlink_metadata(host) else {
        return;
    };
    h.update(rel.to_string_lossy().as_bytes());
    h.update(format!("\0{:o}\0{}\0{}\0", md.mode(), md.len(), md.mtime()).as_bytes());
    if md.is_file() {
        if let Ok(mut f) = std::fs::File::open(host) {
            let _ = std::io::copy(&mut f, h);
        }
    } else if md.is_symlink() {
        if let Ok(t) = std::fs::read_link(host) {
            h.update(t.to_string_lossy().as_bytes());
        }
    } else if md.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(host)
            .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        names.sort();
        for n in names {
            let r = rel.join(&n);
            digest_tree(h, &host.join(&n), &r);
        }
    }
}

/// `$VAR` and `${VAR}` in a heredoc body (shell-like; unknown names are empty).
fn expand_dollars(text: &str, vars: &[(String, String)]) -> std::result::Result<String, String> {
    let look = |k: &str| {
        vars.iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() && chars[i + 1] == '$' {
            out.push('$');
            i += 2;
        } else if c == '$' && chars.get(i + 1) == Some(&'{') {
            let end = chars[i + 2..]
                .iter()
                .position(|&c| c == '}')
                .ok_or_else(|| format!("missing `}}` in `{text}`"))?;
            let name: String = chars[i + 2..i + 2 + end].iter().collect();
            out.push_str(&look(&name));
            i += end + 3;
        } else if c == '$'
            && chars
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
        {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            out.push_str(&look(&name));
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// Is `path` a tar archive (plain, gzip, bzip2, xz or zstd) that ADD unpacks?
fn is_archive(path: &Path) -> bool {
    use std::io::Read;
    let Ok(md) = std::fs::metadata(path) else {
        return false;
    };
    if !md.is_file() {
        return false;
    }
    let mut head = [0u8; 512];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let n = f.read(&mut head).unwrap_or(0);
    let h = &head[..n];
    h.starts_with(&[0x1f, 0x8b])
        || h.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || (n >= 262 && &h[257..262] == b"ustar")
}

/// ADD of a local archive: its entries written under `dest` (a directory), with the
/// archive's owners and modes, every path kept inside the rootfs.
fn unpack_archive(root: &Root, src: &Path, dest: &str) -> std::io::Result<()> {
    let reader: Box<dyn std::io::Read> =
        crate::image::archive::decompressed(src).map_err(std::io::Error::other)?;
    let mut ar = tar::Archive::new(reader);
    root.mkdir_all(dest, 0o755, (0, 0))?;
    for entry in ar.entries()? {
        let mut entry = entry?;
        let raw = entry.path_bytes().into_owned();
        let parts = crate::storage::layer::clean_path(&raw)
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        if parts.is_empty() {
            continue;
        }
        let rel: PathBuf = parts.iter().collect();
        let target = format!("{}/{}", dest.trim_end_matches('/'), rel.to_string_lossy());
        let h = entry.header().clone();
        let mode = h.mode().unwrap_or(0o644);
        let owner = (
            u32::try_from(h.uid().unwrap_or(0)).unwrap_or(0),
            u32::try_from(h.gid().unwrap_or(0)).unwrap_or(0),
        );
        let mtime = h.mtime().ok().and_then(|t| i64::try_from(t).ok());
        match h.entry_type() {
            tar::EntryType::Directory => root.dir(&target, mode, owner, mtime)?,
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                root.write_file(&target, &mut entry, mode, owner, mtime)?;
            }
            tar::EntryType::Symlink => {
                if let Some(t) = entry.link_name()? {
                    root.symlink(&target, &t, owner)?;
                }
            }
            tar::EntryType::Link => {
                if let Some(t) = entry.link_name_bytes() {
                    let tparts = crate::storage::layer::clean_path(&t)
                        .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
                    let tp: PathBuf = tparts.iter().collect();
                    root.hardlink(
                        &target,
                        &format!("{}/{}", dest.trim_end_matches('/'), tp.to_string_lossy()),
                    )?;
                }
            }
            // Devices and fifos cannot be made in a user namespace; skipped.
            _ => {}
        }
    }
    Ok(())
}

/// ADD of a URL: the body, fetched in one blocking request.
fn download(url: &str) -> std::result::Result<Vec<u8>, String> {
    let resp = ureq::get(url)
        .call()
        .map_err(|e| format!("download `{url}`: {e}"))?;
    let mut body = resp.into_body();
    body.read_to_vec()
        .map_err(|e| format!("download `{url}`: {e}"))
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
    fn globs_match_like_go() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(!glob_match("*.txt", "a.txt.bak"));
        assert!(glob_match("f?le", "file"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert_eq!(clean_rel("./a/../b/"), "b");
        assert_eq!(clean_rel("../../etc"), "etc");
    }

    #[test]
    fn run_forms() {
        let shell = vec!["/bin/sh".to_string(), "-c".to_string()];
        let r = |command, heredocs| Run {
            command,
            heredocs,
            mounts: vec![],
            network: None,
            security: None,
        };
        let (argv, shown) = run_argv(&r(CommandForm::Shell("echo hi".into()), vec![]), &shell);
        assert_eq!(argv, vec!["/bin/sh", "-c", "echo hi"]);
        assert_eq!(shown, "/bin/sh -c echo hi");
        let h = super::super::ast::Heredoc {
            name: "EOF".into(),
            content: "echo a\necho b\n".into(),
            expand: true,
        };
        let (argv, _) = run_argv(
            &r(CommandForm::Shell("<<EOF".into()), vec![h.clone()]),
            &shell,
        );
        assert_eq!(argv[2], "echo a\necho b\n");
        let (argv, _) = run_argv(
            &r(CommandForm::Shell("cat <<EOF > /f".into()), vec![h]),
            &shell,
        );
        assert_eq!(argv[2], "cat <<EOF > /f\necho a\necho b\nEOF\n");
        let (argv, _) = run_argv(&r(CommandForm::Exec(vec!["a".into()]), vec![]), &shell);
        assert_eq!(argv, vec!["a"]);
    }

    #[test]
    fn heredoc_dollars() {
        let vars = vec![("A".to_string(), "1".to_string())];
        assert_eq!(
            expand_dollars("x $A ${A} \\$A $B.", &vars).unwrap(),
            "x 1 1 $A ."
        );
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

    #[test]
    fn mount_points_are_removed_when_new_and_empty() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("proc")).unwrap();
        std::fs::create_dir_all(d.path().join("etc")).unwrap();
        std::fs::write(d.path().join("etc/hosts"), b"").unwrap();
        std::fs::write(d.path().join("etc/kept"), b"x").unwrap();
        std::fs::create_dir_all(d.path().join("dev")).unwrap();
        std::fs::write(d.path().join("dev/full"), b"data").unwrap();
        remove_mount_points(
            d.path(),
            &["/etc/hosts".into(), "/proc".into(), "/dev".into()],
        );
        assert!(!d.path().join("proc").exists());
        assert!(!d.path().join("etc/hosts").exists());
        assert!(d.path().join("etc/kept").exists());
        assert!(d.path().join("dev/full").exists());
    }
}
