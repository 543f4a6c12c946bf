//! Loading a compose project: find the files (`-f`, `COMPOSE_FILE`, or `compose.yaml` in the
//! working directory or above), read the variables (`.env` or `--env-file`, under the process
//! environment), and for each file parse, interpolate, check the keys and turn the short
//! forms into long ones; then merge the files in order, resolve `extends`, apply profiles,
//! type the result and check it (dependencies, cycles, named volumes and networks).
//!
//! Every error names the file and the key path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_norway::{Mapping, Value};

use super::interp::{parse_env_file, Vars};
use super::model::{self, File, Keys};
use super::ComposeError;

/// The file names docker compose looks for, in its order.
pub const DEFAULT_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_FILES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

/// What the command line (and environment) says about the project to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub files: Vec<PathBuf>,
    pub project_name: Option<String>,
    pub project_directory: Option<PathBuf>,
    pub profiles: Vec<String>,
    pub env_files: Vec<PathBuf>,
    /// Services named on the command line: enabled whatever their profiles.
    pub requested: Vec<String>,
    pub cwd: PathBuf,
    /// The process environment.
    pub environ: BTreeMap<String, String>,
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// The model with the enabled services only.
    pub model: File,
    /// Every service the files define, enabled or not (containers of others are orphans).
    pub all_services: BTreeSet<String>,
    /// Warnings to print once (unknown keys, unset variables, obsolete `version`).
    pub warnings: Vec<String>,
}

/// Load and check a project.
pub fn load(opts: &LoadOptions) -> Result<Project, ComposeError> {
    let files = find_files(opts)?;
    let dir = match &opts.project_directory {
        Some(d) => absolute(&opts.cwd, d),
        None => files[0]
            .parent()
            .map_or_else(|| opts.cwd.clone(), Path::to_path_buf),
    };
    let values = variables(opts, &dir)?;
    let mut vars = Vars::new(values);
    let mut warnings = Vec::new();
    let mut merged = Value::Mapping(Mapping::new());
    // Which file last defined each service (named in errors about it).
    let mut origin: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in &files {
        let mut value = read_file(path, &mut vars, &mut warnings)?;
        if let Some(Value::Mapping(services)) = value.get("services") {
            for name in services.keys().filter_map(Value::as_str) {
                origin.insert(name.to_string(), path.clone());
            }
        }
        normalize_file(&mut value);
        merge(&mut merged, value, "");
    }
    for var in &vars.unset {
        warnings.push(format!(
            "The \"{var}\" variable is not set. Defaulting to a blank string."
        ));
    }
    resolve_extends(&mut merged, &origin, &files[0], &mut vars, &mut warnings)?;
    let file_of = |key: &str| -> PathBuf {
        key.strip_prefix("services.")
            .and_then(|rest| rest.split(['.', '[']).next())
            .and_then(|svc| origin.get(svc))
            .unwrap_or(&files[0])
            .clone()
    };
    let mut model: File = serde_path_to_error::deserialize(merged).map_err(|e| {
        let key = e.path().to_string();
        ComposeError::Key {
            path: file_of(&key),
            message: e.into_inner().to_string(),
            key,
        }
    })?;
    let all_services: BTreeSet<String> = model.services.keys().cloned().collect();
    let env_lookup = |k: &str| {
        opts.environ
            .get(k)
            .cloned()
            .or_else(|| vars.values.get(k).cloned())
    };
    for (name, svc) in &mut model.services {
        resolve_environment(
            name,
            svc,
            &dir,
            &env_lookup,
            &file_of(&format!("services.{name}")),
        )?;
    }
    check(&model, &file_of)?;
    let name = project_name(opts, &vars, &model, &dir)?;
    apply_profiles(&mut model, opts, &vars);
    Ok(Project {
        name,
        dir,
        files,
        model,
        all_services,
        warnings,
    })
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

fn find_files(opts: &LoadOptions) -> Result<Vec<PathBuf>, ComposeError> {
    if !opts.files.is_empty() {
        // `-` (stdin) stays as it is: its project directory is the working directory.
        return Ok(opts
            .files
            .iter()
            .map(|f| {
                if f.as_os_str() == "-" {
                    opts.cwd.join("-")
                } else {
                    absolute(&opts.cwd, f)
                }
            })
            .collect());
    }
    if let Some(list) = opts.environ.get("COMPOSE_FILE").filter(|s| !s.is_empty()) {
        let sep = opts
            .environ
            .get("COMPOSE_PATH_SEPARATOR")
            .and_then(|s| s.chars().next())
            .unwrap_or(':');
        return Ok(list
            .split(sep)
            .filter(|s| !s.is_empty())
            .map(|f| absolute(&opts.cwd, Path::new(f)))
            .collect());
    }
    let start = match &opts.project_directory {
        Some(d) => absolute(&opts.cwd, d),
        None => opts.cwd.clone(),
    };
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if let Some(found) = DEFAULT_FILES
            .iter()
            .map(|n| d.join(n))
            .find(|p| p.is_file())
        {
            let mut files = vec![found];
            if let Some(o) = OVERRIDE_FILES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                files.push(o);
            }
            return Ok(files);
        }
        dir = d.parent();
    }
    Err(ComposeError::NoFile)
}

/// The interpolation variables: the env files (`--env-file`, or `.env` in the project
/// directory when it exists), with the process environment over them.
fn variables(opts: &LoadOptions, dir: &Path) -> Result<BTreeMap<String, String>, ComposeError> {
    let mut values = BTreeMap::new();
    let env_files: Vec<PathBuf> = if opts.env_files.is_empty() {
        let dot = dir.join(".env");
        if dot.is_file() {
            vec![dot]
        } else {
            Vec::new()
        }
    } else {
        opts.env_files
            .iter()
            .map(|f| absolute(&opts.cwd, f))
            .collect()
    };
    for path in env_files {
        let text = std::fs::read_to_string(&path).map_err(|source| ComposeError::Read {
            path: path.clone(),
            source,
        })?;
        let pairs =
            parse_env_file(&text, &|k| opts.environ.get(k).cloned()).map_err(|message| {
                ComposeError::Yaml {
                    path: path.clone(),
                    message,
                }
            })?;
        values.extend(pairs);
    }
    values.extend(opts.environ.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(values)
}

/// Parse, interpolate and check the keys of one file.
fn read_file(
    path: &Path,
    vars: &mut Vars,
    warnings: &mut Vec<String>,
) -> Result<Value, ComposeError> {
    // `-f -` is the standard input.
    let text = if path.file_name().is_some_and(|n| n == "-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|source| ComposeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let yaml_err = |message: String| ComposeError::Yaml {
        path: path.to_path_buf(),
        message,
    };
    let mut value: Value = serde_norway::from_str(&text).map_err(|e| yaml_err(e.to_string()))?;
    if value.is_null() {
        value = Value::Mapping(Mapping::new());
    }
    value.apply_merge().map_err(|e| yaml_err(e.to_string()))?;
    if !value.is_mapping() {
        return Err(yaml_err("the top level is not a mapping".into()));
    }
    interpolate(&mut value, vars, "").map_err(|(key, message)| ComposeError::Key {
        path: path.to_path_buf(),
        key,
        message,
    })?;
    check_keys(&value, path, warnings)?;
    Ok(value)
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn interpolate(value: &mut Value, vars: &mut Vars, at: &str) -> Result<(), (String, String)> {
    match value {
        Value::String(s) => {
            let out = vars.interpolate(s).map_err(|m| (at.to_string(), m))?;
            *s = out;
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                interpolate(item, vars, &format!("{at}[{i}]"))?;
            }
        }
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                let key = k.as_str().map_or_else(|| format!("{k:?}"), str::to_string);
                interpolate(v, vars, &join(at, &key))?;
            }
        }
        Value::Tagged(t) => interpolate(&mut t.value, vars, at)?,
        _ => {}
    }
    Ok(())
}

/// Check one mapping's keys against a level's lists: unknown ones warn, unsupported ones
/// are refused.
fn check_level(
    map: &Mapping,
    keys: &Keys,
    at: &str,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(), ComposeError> {
    for k in map.keys() {
        let Some(key) = k.as_str() else {
            return Err(ComposeError::Key {
                path: path.to_path_buf(),
                key: at.to_string(),
                message: format!("key {k:?} is not a string"),
            });
        };
        if key.starts_with("x-") {
            continue;
        }
        if keys.unsupported.contains(&key) {
            return Err(ComposeError::Key {
                path: path.to_path_buf(),
                key: join(at, key),
                message: "not supported yet by berth compose".into(),
            });
        }
        if !keys.knows(key) {
            let w = format!(
                "`{}`: {}: unknown {} key, ignored",
                path.display(),
                join(at, key),
                keys.level
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        if key == "version" && at.is_empty() {
            warnings.push(format!(
                "`{}`: the attribute `version` is obsolete, it will be ignored",
                path.display()
            ));
        }
    }
    Ok(())
}

fn check_keys(value: &Value, path: &Path, warnings: &mut Vec<String>) -> Result<(), ComposeError> {
    let Some(top) = value.as_mapping() else {
        return Ok(());
    };
    check_level(top, &model::TOP_KEYS, "", path, warnings)?;
    let levels = [
        ("networks", &model::NETWORK_KEYS),
        ("volumes", &model::VOLUME_KEYS),
    ];
    for (section, keys) in levels {
        if let Some(Value::Mapping(items)) = top.get(section) {
            for (name, item) in items {
                if let (Some(name), Value::Mapping(m)) = (name.as_str(), item) {
                    check_level(m, keys, &format!("{section}.{name}"), path, warnings)?;
                }
            }
        }
    }
    if let Some(Value::Mapping(services)) = top.get("services") {
        for (name, svc) in services {
            let name = name.as_str().unwrap_or_default();
            let at = format!("services.{name}");
            let Value::Mapping(svc) = svc else {
                return Err(ComposeError::Key {
                    path: path.to_path_buf(),
                    key: at,
                    message: "a service must be a mapping".into(),
                });
            };
            check_level(svc, &model::SERVICE_KEYS, &at, path, warnings)?;
            if let Some(Value::Mapping(b)) = svc.get("build") {
                check_level(
                    b,
                    &model::BUILD_KEYS,
                    &format!("{at}.build"),
                    path,
                    warnings,
                )?;
            }
            if let Some(Value::Mapping(h)) = svc.get("healthcheck") {
                check_level(
                    h,
                    &model::HEALTHCHECK_KEYS,
                    &format!("{at}.healthcheck"),
                    path,
                    warnings,
                )?;
            }
        }
    }
    Ok(())
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `["K=V", "K"]` or `{K: V}` into `{K: "V"}` (`K` alone: null, or "" when `null_empty`).
fn to_dict(v: &mut Value, null_empty: bool) {
    let mut out = Mapping::new();
    match v {
        Value::Sequence(items) => {
            for item in items.iter() {
                let Some(s) = scalar_string(item) else {
                    return;
                };
                let (k, val) = match s.split_once('=') {
                    Some((k, val)) => (k.to_string(), Value::String(val.to_string())),
                    None if null_empty => (s, Value::String(String::new())),
                    None => (s, Value::Null),
                };
                out.insert(Value::String(k), val);
            }
        }
        Value::Mapping(m) => {
            for (k, val) in m.iter() {
                let val = match val {
                    Value::Null if null_empty => Value::String(String::new()),
                    Value::Null => Value::Null,
                    other => match scalar_string(other) {
                        Some(s) => Value::String(s),
                        None => other.clone(),
                    },
                };
                out.insert(k.clone(), val);
            }
        }
        _ => return,
    }
    *v = Value::Mapping(out);
}

fn to_list(v: &mut Value) {
    if let Value::String(s) = v {
        *v = Value::Sequence(vec![Value::String(std::mem::take(s))]);
    }
}

fn scalars_to_strings(v: &mut Value) {
    if let Value::Sequence(items) = v {
        for item in items {
            if let (Some(s), false) = (scalar_string(item), item.is_string()) {
                *item = Value::String(s);
            }
        }
    }
}

fn nulls_to_maps(v: &mut Value) {
    if let Value::Mapping(m) = v {
        for (_, item) in m.iter_mut() {
            if item.is_null() {
                *item = Value::Mapping(Mapping::new());
            }
        }
    }
}

/// The short forms that merge by key, in their long form.
fn normalize_file(value: &mut Value) {
    let Some(top) = value.as_mapping_mut() else {
        return;
    };
    for section in ["networks", "volumes", "secrets", "configs"] {
        if let Some(items) = top.get_mut(section) {
            if items.is_null() {
                *items = Value::Mapping(Mapping::new());
            }
            nulls_to_maps(items);
            if let Value::Mapping(m) = items {
                for (_, item) in m.iter_mut() {
                    if let Some(labels) = item.get_mut("labels") {
                        to_dict(labels, true);
                    }
                }
            }
        }
    }
    if let Some(Value::Mapping(services)) = top.get_mut("services") {
        for (_, svc) in services.iter_mut() {
            if svc.is_null() {
                *svc = Value::Mapping(Mapping::new());
            }
            if let Value::Mapping(svc) = svc {
                normalize_service(svc);
            }
        }
    }
}

fn normalize_service(svc: &mut Mapping) {
    if let Some(b) = svc.get_mut("build") {
        if let Value::String(ctx) = b {
            let mut m = Mapping::new();
            m.insert("context".into(), Value::String(std::mem::take(ctx)));
            *b = Value::Mapping(m);
        }
        if let Some(args) = b.get_mut("args") {
            to_dict(args, false);
        }
        if let Some(labels) = b.get_mut("labels") {
            to_dict(labels, true);
        }
    }
    if let Some(e) = svc.get_mut("environment") {
        to_dict(e, false);
    }
    for key in ["labels", "annotations", "sysctls"] {
        if let Some(l) = svc.get_mut(key) {
            to_dict(l, true);
        }
    }
    if let Some(Value::Mapping(logging)) = svc.get_mut("logging") {
        if let Some(o) = logging.get_mut("options") {
            to_dict(o, true);
        }
    }
    if let Some(d) = svc.get_mut("depends_on") {
        if let Value::Sequence(items) = d {
            let mut m = Mapping::new();
            for item in items.iter() {
                let mut cond = Mapping::new();
                cond.insert("condition".into(), "service_started".into());
                m.insert(item.clone(), Value::Mapping(cond));
            }
            *d = Value::Mapping(m);
        }
    }
    if let Some(n) = svc.get_mut("networks") {
        if let Value::Sequence(items) = n {
            let m: Mapping = items
                .iter()
                .map(|i| (i.clone(), Value::Mapping(Mapping::new())))
                .collect();
            *n = Value::Mapping(m);
        }
        nulls_to_maps(n);
    }
    if let Some(f) = svc.get_mut("env_file") {
        to_list(f);
        if let Value::Sequence(items) = f {
            for item in items {
                if let Value::String(p) = item {
                    let mut m = Mapping::new();
                    m.insert("path".into(), Value::String(std::mem::take(p)));
                    *item = Value::Mapping(m);
                }
            }
        }
    }
    for key in ["dns", "dns_search", "tmpfs"] {
        if let Some(v) = svc.get_mut(key) {
            to_list(v);
        }
    }
    for key in ["ports", "expose", "group_add", "cap_add", "cap_drop"] {
        if let Some(v) = svc.get_mut(key) {
            scalars_to_strings(v);
        }
    }
    if let Some(h) = svc.get_mut("extra_hosts") {
        if let Value::Mapping(m) = h {
            let mut list = Vec::new();
            for (host, ip) in m.iter() {
                let host = scalar_string(host).unwrap_or_default();
                let ips = match ip {
                    Value::Sequence(ips) => ips.iter().filter_map(scalar_string).collect(),
                    other => scalar_string(other).into_iter().collect::<Vec<_>>(),
                };
                for ip in ips {
                    list.push(Value::String(format!("{host}:{ip}")));
                }
            }
            *h = Value::Sequence(list);
        } else if let Value::Sequence(items) = h {
            // `host=ip` is the other spelling of `host:ip`.
            for item in items {
                if let Value::String(s) = item {
                    if let Some((host, ip)) = s.split_once('=') {
                        *s = format!("{host}:{ip}");
                    }
                }
            }
        }
    }
    for key in ["secrets", "configs"] {
        if let Some(Value::Sequence(items)) = svc.get_mut(key) {
            for item in items {
                if let Value::String(src) = item {
                    let mut m = Mapping::new();
                    m.insert("source".into(), Value::String(std::mem::take(src)));
                    *item = Value::Mapping(m);
                }
            }
        }
    }
    if let Some(Value::Mapping(hc)) = svc.get_mut("healthcheck") {
        for key in ["interval", "timeout", "start_period"] {
            if let Some(v) = hc.get_mut(key) {
                if let (Some(s), false) = (scalar_string(v), v.is_string()) {
                    *v = Value::String(s);
                }
            }
        }
    }
    for key in ["stop_grace_period", "restart", "user"] {
        if let Some(v) = svc.get_mut(key) {
            if let (Some(s), false) = (scalar_string(v), v.is_string()) {
                *v = Value::String(s);
            }
        }
    }
}

/// The sequences of a service that a later file adds to rather than replaces.
const APPENDED: &[&str] = &[
    "ports",
    "expose",
    "dns",
    "dns_search",
    "dns_opt",
    "cap_add",
    "cap_drop",
    "extra_hosts",
    "tmpfs",
    "env_file",
    "secrets",
    "configs",
    "security_opt",
    "devices",
    "group_add",
    "volumes_from",
    "profiles",
];

/// The target of a service volume (a later file's mount on the same target replaces).
fn mount_target(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            Some(if parts.len() >= 2 { parts[1] } else { parts[0] }.to_string())
        }
        Value::Mapping(m) => m.get("target").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// Merge `over` into `base`: mappings key by key, the appended sequences of a service
/// (and `volumes` by target), everything else replaced.
pub fn merge(base: &mut Value, over: Value, at: &str) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                let key = k.as_str().unwrap_or_default().to_string();
                let here = join(at, &key);
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v, &here),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (Value::Sequence(b), Value::Sequence(o)) if is_service_key(at) => {
            let key = at.rsplit('.').next().unwrap_or_default();
            if key == "volumes" {
                for item in o {
                    let t = mount_target(&item);
                    if let Some(pos) = b.iter().position(|x| t.is_some() && mount_target(x) == t) {
                        b[pos] = item;
                    } else {
                        b.push(item);
                    }
                }
            } else if APPENDED.contains(&key) {
                for item in o {
                    if !b.contains(&item) {
                        b.push(item);
                    }
                }
            } else {
                *b = o;
            }
        }
        (b, o) => *b = o,
    }
}

/// Is `at` a key right inside a service (`services.NAME.KEY`, or `KEY` when merging
/// services for `extends`)?
fn is_service_key(at: &str) -> bool {
    let parts: Vec<&str> = at.split('.').collect();
    (parts.len() == 3 && parts[0] == "services") || parts.len() == 1
}

fn resolve_extends(
    merged: &mut Value,
    origin: &BTreeMap<String, PathBuf>,
    first: &Path,
    vars: &mut Vars,
    warnings: &mut Vec<String>,
) -> Result<(), ComposeError> {
    let Some(Value::Mapping(services)) = merged.get("services").cloned() else {
        return Ok(());
    };
    let mut done: BTreeMap<String, Value> = BTreeMap::new();
    let mut out = Mapping::new();
    for (name, _) in &services {
        let name = name.as_str().unwrap_or_default().to_string();
        let file = origin
            .get(&name)
            .map_or(first, PathBuf::as_path)
            .to_path_buf();
        let v = extended(
            &name,
            &services,
            &file,
            &mut Vec::new(),
            &mut done,
            vars,
            warnings,
        )?;
        out.insert(Value::String(name), v);
    }
    if let Some(m) = merged.as_mapping_mut() {
        m.insert("services".into(), Value::Mapping(out));
    }
    Ok(())
}

/// One service with its `extends` chain applied (the base first, the service over it).
fn extended(
    name: &str,
    services: &Mapping,
    file: &Path,
    stack: &mut Vec<String>,
    done: &mut BTreeMap<String, Value>,
    vars: &mut Vars,
    warnings: &mut Vec<String>,
) -> Result<Value, ComposeError> {
    let tag = format!("{}:{name}", file.display());
    if let Some(v) = done.get(&tag) {
        return Ok(v.clone());
    }
    let key = format!("services.{name}.extends");
    let err = |message: String| ComposeError::Key {
        path: file.to_path_buf(),
        key: key.clone(),
        message,
    };
    if stack.contains(&tag) {
        return Err(err(format!("circular reference with `{name}`")));
    }
    let Some(mut svc) = services.get(name).cloned() else {
        return Err(err(format!("cannot extend service `{name}`: not defined")));
    };
    let Some(ext) = svc.as_mapping_mut().and_then(|m| m.remove("extends")) else {
        return Ok(svc);
    };
    let (base_name, base_file) = match &ext {
        Value::String(s) => (s.clone(), None),
        Value::Mapping(m) => (
            m.get("service")
                .and_then(Value::as_str)
                .ok_or_else(|| err("`service` is missing".into()))?
                .to_string(),
            m.get("file").and_then(Value::as_str).map(str::to_string),
        ),
        _ => return Err(err("must be a string or a mapping".into())),
    };
    stack.push(tag.clone());
    let base = match base_file {
        None => extended(&base_name, services, file, stack, done, vars, warnings)?,
        Some(f) => {
            let path = file.parent().unwrap_or(Path::new(".")).join(f);
            let mut other = read_file(&path, vars, warnings)?;
            normalize_file(&mut other);
            let Some(Value::Mapping(theirs)) = other.get("services").cloned() else {
                return Err(err(format!("`{}` defines no services", path.display())));
            };
            if !theirs.contains_key(base_name.as_str()) {
                return Err(err(format!(
                    "cannot extend service `{base_name}`: not defined in `{}`",
                    path.display()
                )));
            }
            extended(&base_name, &theirs, &path, stack, done, vars, warnings)?
        }
    };
    stack.pop();
    let mut result = base;
    merge(&mut result, svc, "");
    done.insert(tag, result.clone());
    Ok(result)
}

/// `env_file` contents under `environment`, and `KEY` with no value from the environment.
fn resolve_environment(
    name: &str,
    svc: &mut model::Service,
    dir: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
    file: &Path,
) -> Result<(), ComposeError> {
    let mut env: BTreeMap<String, Option<String>> = BTreeMap::new();
    for (i, f) in svc.env_file.iter().enumerate() {
        let path = absolute(dir, Path::new(&f.path));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !f.required => continue,
            Err(source) => {
                return Err(ComposeError::Key {
                    path: file.to_path_buf(),
                    key: format!("services.{name}.env_file[{i}]"),
                    message: format!("read `{}`: {source}", path.display()),
                })
            }
        };
        let pairs = parse_env_file(&text, lookup).map_err(|message| ComposeError::Yaml {
            path: path.clone(),
            message,
        })?;
        env.extend(pairs.into_iter().map(|(k, v)| (k, Some(v))));
    }
    env.extend(std::mem::take(&mut svc.environment));
    svc.environment = env
        .into_iter()
        .filter_map(|(k, v)| match v {
            Some(v) => Some((k, Some(v))),
            None => lookup(&k).map(|v| (k, Some(v))),
        })
        .collect();
    svc.env_file.clear();
    Ok(())
}

/// Dependencies defined, no cycles, each service with an image or a build, named
/// volumes and networks declared.
fn check(model: &File, file_of: &dyn Fn(&str) -> PathBuf) -> Result<(), ComposeError> {
    for (name, svc) in &model.services {
        let at = format!("services.{name}");
        let err = |key: String, message: String| ComposeError::Key {
            path: file_of(&at),
            key,
            message,
        };
        if svc.image.is_none() && svc.build.is_none() {
            return Err(err(
                at.clone(),
                "has neither an image nor a build context".into(),
            ));
        }
        if svc.container_name.is_some()
            && svc
                .scale
                .or(svc.deploy.as_ref().and_then(|d| d.replicas))
                .is_some_and(|n| n > 1)
        {
            return Err(err(
                format!("{at}.container_name"),
                "a fixed container name allows one replica only".into(),
            ));
        }
        for (dep, d) in &svc.depends_on {
            // An optional dependency may name a service that is not defined.
            if !model.services.contains_key(dep) && d.required {
                return Err(err(
                    format!("{at}.depends_on"),
                    format!("depends on undefined service `{dep}`"),
                ));
            }
        }
        for net in svc.networks.keys() {
            if net != "default" && !model.networks.contains_key(net) {
                return Err(err(
                    format!("{at}.networks"),
                    format!("refers to undefined network `{net}`"),
                ));
            }
        }
        for (i, m) in svc.volumes.iter().enumerate() {
            if let Some(vol) = super::plan::named_volume(m) {
                if !model.volumes.contains_key(&vol) {
                    return Err(err(
                        format!("{at}.volumes[{i}]"),
                        format!("refers to undefined volume `{vol}`"),
                    ));
                }
            }
        }
        for (kind, refs, defined) in [
            ("secret", &svc.secrets, &model.secrets),
            ("config", &svc.configs, &model.configs),
        ] {
            for r in refs {
                if !defined.contains_key(&r.source) {
                    return Err(err(
                        format!("{at}.{kind}s"),
                        format!("refers to undefined {kind} `{}`", r.source),
                    ));
                }
            }
        }
    }
    if let Some(cycle) = find_cycle(model) {
        let first = cycle[0].clone();
        return Err(ComposeError::Key {
            path: file_of(&format!("services.{first}")),
            key: format!("services.{first}.depends_on"),
            message: format!("dependency cycle: {}", cycle.join(" -> ")),
        });
    }
    Ok(())
}

fn find_cycle(model: &File) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        model: &File,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| p == n).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        if let Some(svc) = model.services.get(n) {
            for dep in svc.depends_on.keys() {
                if let Some(c) = visit(dep, model, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for name in model.services.keys() {
        if let Some(c) = visit(name, model, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

/// docker compose's project name rule: lowercase letters, digits, `-` and `_`, starting
/// with a letter or digit.
pub fn normalize_name(raw: &str) -> String {
    raw.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .collect()
}

fn project_name(
    opts: &LoadOptions,
    vars: &Vars,
    model: &File,
    dir: &Path,
) -> Result<String, ComposeError> {
    let explicit = opts
        .project_name
        .clone()
        .or_else(|| vars.values.get("COMPOSE_PROJECT_NAME").cloned())
        .filter(|s| !s.is_empty());
    if let Some(n) = explicit {
        if normalize_name(&n) != n || n.is_empty() {
            return Err(ComposeError::ProjectName(n));
        }
        return Ok(n);
    }
    if let Some(n) = model.name.clone().filter(|s| !s.is_empty()) {
        return Ok(normalize_name(&n));
    }
    let base = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = normalize_name(&base);
    if n.is_empty() {
        return Err(ComposeError::EmptyName(dir.to_path_buf()));
    }
    Ok(n)
}

/// Keep the services enabled by the active profiles (`--profile`, `COMPOSE_PROFILES`; `*`
/// for all), those named on the command line, and what they depend on.
fn apply_profiles(model: &mut File, opts: &LoadOptions, vars: &Vars) {
    let mut active: BTreeSet<String> = opts.profiles.iter().cloned().collect();
    if let Some(p) = vars.values.get("COMPOSE_PROFILES") {
        active.extend(
            p.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    let all = active.contains("*");
    let mut keep: BTreeSet<String> = model
        .services
        .iter()
        .filter(|(name, s)| {
            s.profiles.is_empty()
                || all
                || s.profiles.iter().any(|p| active.contains(p))
                || opts.requested.contains(name)
        })
        .map(|(n, _)| n.clone())
        .collect();
    loop {
        let deps: BTreeSet<String> = keep
            .iter()
            .filter_map(|n| model.services.get(n))
            .flat_map(|s| s.depends_on.keys().cloned())
            .filter(|d| !keep.contains(d))
            .collect();
        if deps.is_empty() {
            break;
        }
        keep.extend(deps);
    }
    model.services.retain(|n, _| keep.contains(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn opts(dir: &Path) -> LoadOptions {
        LoadOptions {
            cwd: dir.to_path_buf(),
            environ: BTreeMap::from([("HOME".to_string(), "/home/u".to_string())]),
            ..LoadOptions::default()
        }
    }

    #[test]
    fn short_forms_merge_interpolation_and_name() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("My App");
        std::fs::create_dir(&d).unwrap();
        write(&d, ".env", "TAG=1.2\nPORT=8080\n");
        write(&d, "web.env", "FROM_FILE=yes\nA=file\n");
        write(
            &d,
            "compose.yaml",
            "services:\n  web:\n    image: busybox:${TAG}\n    environment: [A=1, B]\n    env_file: web.env\n    ports: [\"127.0.0.1:${PORT}:80\", 9000]\n    volumes: [data:/data, ./src:/src:ro]\n    depends_on: [db]\n    networks: [front]\n  db:\n    image: busybox\n    profiles: [never]\nvolumes:\n  data:\nnetworks:\n  front:\n",
        );
        write(
            &d,
            "compose.override.yaml",
            "services:\n  web:\n    environment:\n      C: 3\n    ports: [\"9001:9001\"]\n    volumes: [other:/data]\nvolumes:\n  other: {}\n",
        );
        let mut o = opts(&d);
        o.environ.insert("B".into(), "from-env".into());
        let p = load(&o).unwrap();
        assert_eq!(p.name, "myapp");
        assert_eq!(p.files.len(), 2);
        let web = &p.model.services["web"];
        assert_eq!(web.image.as_deref(), Some("busybox:1.2"));
        let env: Vec<(&str, &str)> = web
            .environment
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref().unwrap()))
            .collect();
        assert_eq!(
            env,
            [
                ("A", "1"),
                ("B", "from-env"),
                ("C", "3"),
                ("FROM_FILE", "yes")
            ]
        );
        assert_eq!(
            web.ports,
            [
                model::Port::Short("127.0.0.1:8080:80".into()),
                model::Port::Short("9000".into()),
                model::Port::Short("9001:9001".into())
            ]
        );
        assert_eq!(
            web.volumes,
            [
                model::Mount::Short("other:/data".into()),
                model::Mount::Short("./src:/src:ro".into())
            ]
        );
        // db has an inactive profile, but web depends on it.
        assert!(p.model.services.contains_key("db"));
        assert_eq!(
            web.depends_on["db"].condition,
            model::Condition::ServiceStarted
        );
    }

    #[test]
    fn profiles_and_extends() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(
            d,
            "base.yaml",
            "services:\n  common:\n    image: busybox\n    environment: {X: base, Y: base}\n    cap_add: [NET_ADMIN]\n",
        );
        write(
            d,
            "compose.yaml",
            "name: proj\nservices:\n  a:\n    extends: {file: base.yaml, service: common}\n    environment: {Y: mine}\n  b:\n    extends: a\n    cap_add: [SYS_TIME]\n  dbg:\n    image: busybox\n    profiles: [debug]\n",
        );
        let p = load(&opts(d)).unwrap();
        assert_eq!(p.name, "proj");
        assert!(!p.model.services.contains_key("dbg"));
        assert!(p.all_services.contains("dbg"));
        let b = &p.model.services["b"];
        assert_eq!(b.image.as_deref(), Some("busybox"));
        assert_eq!(b.environment["X"].as_deref(), Some("base"));
        assert_eq!(b.environment["Y"].as_deref(), Some("mine"));
        assert_eq!(b.cap_add, ["NET_ADMIN", "SYS_TIME"]);
        let mut o = opts(d);
        o.profiles = vec!["debug".into()];
        assert!(load(&o).unwrap().model.services.contains_key("dbg"));
        let mut o = opts(d);
        o.environ.insert("COMPOSE_PROFILES".into(), "debug".into());
        assert!(load(&o).unwrap().model.services.contains_key("dbg"));
    }

    fn err(yaml: &str, env: &[(&str, &str)]) -> String {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "compose.yaml", yaml);
        let mut o = opts(t.path());
        for (k, v) in env {
            o.environ.insert((*k).into(), (*v).into());
        }
        let e = load(&o).unwrap_err().to_string();
        e.replace(&t.path().display().to_string(), "D")
    }

    #[test]
    fn bad_input_names_the_file_and_key() {
        assert!(err("services:\n  web: [\n", &[]).starts_with("`D/compose.yaml`: "));
        assert_eq!(
            err(
                "services:\n  a:\n    image: x\n    depends_on: [nope]\n",
                &[]
            ),
            "`D/compose.yaml`: services.a.depends_on: depends on undefined service `nope`"
        );
        assert_eq!(
            err(
                "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
                &[]
            ),
            "`D/compose.yaml`: services.a.depends_on: dependency cycle: a -> b -> a"
        );
        assert_eq!(
            err("services:\n  a:\n    image: ${IMG:?set IMG}\n", &[]),
            "`D/compose.yaml`: services.a.image: required variable IMG is missing a value: set IMG"
        );
        assert_eq!(
            err("services:\n  a:\n    image: x\n    read_only: maybe\n", &[]),
            "`D/compose.yaml`: services.a.read_only: invalid type: string \"maybe\", expected a boolean"
        );
        assert_eq!(
            err(
                "services:\n  a:\n    image: x\n    volumes: [data:/d]\n",
                &[]
            ),
            "`D/compose.yaml`: services.a.volumes[0]: refers to undefined volume `data`"
        );
        assert_eq!(
            err("services:\n  a:\n    image: x\n    blkio_config: {}\n", &[]),
            "`D/compose.yaml`: services.a.blkio_config: not supported yet by berth compose"
        );
        assert_eq!(
            err("services:\n  a: {}\n", &[]),
            "`D/compose.yaml`: services.a: has neither an image nor a build context"
        );
        assert_eq!(
            err("services:\n  a: {image: x}\n", &[("COMPOSE_PROJECT_NAME", "Bad")]),
            "invalid project name `Bad`: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number"
        );
    }

    #[test]
    fn unknown_keys_warn_once_and_unset_variables_warn() {
        let t = tempfile::tempdir().unwrap();
        write(
            t.path(),
            "compose.yaml",
            "version: '3'\nx-common: &c {image: busybox}\nservices:\n  a:\n    <<: *c\n    colour: red\n    command: echo $UNSET_ONE\n  b:\n    image: busybox\n    colour: blue\n",
        );
        let p = load(&opts(t.path())).unwrap();
        let w = p
            .warnings
            .join("\n")
            .replace(&t.path().display().to_string(), "D");
        assert!(
            w.contains("`D/compose.yaml`: services.a.colour: unknown service key, ignored"),
            "{w}"
        );
        assert!(w.contains("services.b.colour"), "{w}");
        assert!(w.contains("the attribute `version` is obsolete"), "{w}");
        assert!(w.contains("The \"UNSET_ONE\" variable is not set"), "{w}");
        assert_eq!(p.model.services["a"].image.as_deref(), Some("busybox"));
    }

    #[test]
    fn env_file_option_and_optional_dependencies() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), ".env", "IMG=from-dot-env\n");
        write(t.path(), "other.env", "IMG=from-option\n");
        write(
            t.path(),
            "compose.yaml",
            "services:\n  a:\n    image: ${IMG}\n    depends_on:\n      gone: {condition: service_started, required: false}\n",
        );
        let p = load(&opts(t.path())).unwrap();
        assert_eq!(p.model.services["a"].image.as_deref(), Some("from-dot-env"));
        let mut o = opts(t.path());
        o.env_files = vec!["other.env".into()];
        assert_eq!(
            load(&o).unwrap().model.services["a"].image.as_deref(),
            Some("from-option")
        );
        o.environ.insert("IMG".into(), "from-env".into());
        assert_eq!(
            load(&o).unwrap().model.services["a"].image.as_deref(),
            Some("from-env")
        );
    }

    #[test]
    fn compose_file_variable_and_no_file() {
        let t = tempfile::tempdir().unwrap();
        write(t.path(), "one.yml", "services:\n  a: {image: busybox}\n");
        write(t.path(), "two.yml", "services:\n  a: {image: other}\n");
        let mut o = opts(t.path());
        o.environ
            .insert("COMPOSE_FILE".into(), "one.yml:two.yml".into());
        let p = load(&o).unwrap();
        assert_eq!(p.model.services["a"].image.as_deref(), Some("other"));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            load(&opts(empty.path())),
            Err(ComposeError::NoFile)
        ));
    }
}
