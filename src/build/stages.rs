//! Which stages a build runs, and the build arguments each place can see (pure).
//!
//! - [`plan_stages`]: the `--target` stage (the last one by default) and everything it needs,
//!   deps first: `FROM <earlier stage name>`, `COPY --from=<stage name or index>` and
//!   `RUN --mount=...,from=<stage name>`; anything else those name is an image.
//! - [`global_scope`]: the arguments `FROM` lines see: the automatic platform arguments, then
//!   the `ARG`s before the first `FROM`, each with its `--build-arg` value or its default
//!   (expanded against the ones before it).
//! - [`StageArgs`]: `ARG` inside a stage: the `--build-arg` value, else the default (expanded
//!   against what the stage sees), else, for `ARG NAME` alone, the global value of NAME
//!   (also how a stage gets `TARGETPLATFORM` and the other automatic arguments).
//! - [`proxy_env`]: the predefined proxy arguments, usable by RUN without an `ARG` and kept
//!   out of the image and its history.

use std::collections::BTreeMap;

use super::ast::{ArgDecl, Dockerfile, InstructionKind};
use super::vars::{expand_word, VarsError};

/// `--build-arg` values by name.
pub type BuildArgs = BTreeMap<String, String>;

/// The arguments docker predefines for proxies: usable without `ARG`, never in the image.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The automatic platform arguments (BuildKit's names).
pub const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    #[error("target stage {target:?} could not be found; hint: the named stages are: {available}")]
    UnknownTarget { target: String, available: String },
    #[error("the Dockerfile has no stages; hint: start one with FROM <image>")]
    NoStages,
    #[error("circular dependency detected on stage {stage}")]
    Cycle { stage: String },
    #[error(
        "line {line}: COPY --from={from}: variable expansion is not supported for --from; hint: \
         define a stage with FROM ${{ARG}} AS <name> and copy from that name"
    )]
    FromVariable { line: usize, from: String },
    #[error("line {line}: COPY --from={index}: invalid stage index (there are {count} stages)")]
    BadIndex {
        line: usize,
        index: String,
        count: usize,
    },
    #[error("line {line}: {error}")]
    Expand { line: usize, error: VarsError },
    #[error("line {line}: base name ({base}) should not be blank")]
    BlankBase { line: usize, base: String },
    #[error("bad platform {platform:?}: {why}; hint: write os/arch[/variant], e.g. linux/amd64")]
    BadPlatform { platform: String, why: &'static str },
}

/// An OS/architecture/variant triple, as in `linux/arm/v7`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: String,
}

impl Platform {
    /// The machine berth runs on, in OCI names.
    pub fn host() -> Platform {
        let (arch, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", ""),
            "x86" => ("386", ""),
            "aarch64" => ("arm64", ""),
            "arm" => ("arm", "v7"),
            "powerpc64" => ("ppc64le", ""),
            "loongarch64" => ("loong64", ""),
            other => (other, ""),
        };
        Platform {
            os: "linux".into(),
            arch: arch.into(),
            variant: variant.into(),
        }
    }

    /// Parses `os/arch[/variant]`, normalising the usual aliases (`x86_64` → `amd64`,
    /// `aarch64` → `arm64`, `arm64/v8` → `arm64`).
    pub fn parse(text: &str) -> Result<Platform, StageError> {
        let bad = |why| StageError::BadPlatform {
            platform: text.to_string(),
            why,
        };
        let parts: Vec<&str> = text.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad("empty part"));
        }
        let lower = |s: &str| s.to_ascii_lowercase();
        let (os, arch, variant) = match parts.as_slice() {
            [os, arch] => (lower(os), lower(arch), String::new()),
            [os, arch, variant] => (lower(os), lower(arch), lower(variant)),
            _ => return Err(bad("expected os/arch or os/arch/variant")),
        };
        // The usual aliases, normalised as containerd does.
        let (arch, variant) = match (arch.as_str(), variant.as_str()) {
            ("x86_64" | "x86-64", _) => ("amd64".to_string(), variant),
            ("aarch64", "" | "v8") | ("arm64", "v8") => ("arm64".to_string(), String::new()),
            ("i386" | "i686", _) => ("386".to_string(), variant),
            ("armhf", _) => ("arm".to_string(), "v7".to_string()),
            ("armel", _) => ("arm".to_string(), "v6".to_string()),
            _ => (arch, variant),
        };
        Ok(Platform { os, arch, variant })
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if !self.variant.is_empty() {
            write!(f, "/{}", self.variant)?;
        }
        Ok(())
    }
}

/// Ordered `name=value` arguments (a later `set` of a name replaces it in place).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgScope {
    vars: Vec<(String, String)>,
}

impl ArgScope {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: String) {
        match self.vars.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.vars.push((name.to_string(), value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// A lookup for `vars::expand_word`.
    pub fn lookup(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }
}

/// The automatic platform arguments for a build.
pub fn platform_args(target: &Platform, build: &Platform) -> ArgScope {
    let mut scope = ArgScope::default();
    scope.set("TARGETPLATFORM", target.to_string());
    scope.set("TARGETOS", target.os.clone());
    scope.set("TARGETARCH", target.arch.clone());
    scope.set("TARGETVARIANT", target.variant.clone());
    scope.set("BUILDPLATFORM", build.to_string());
    scope.set("BUILDOS", build.os.clone());
    scope.set("BUILDARCH", build.arch.clone());
    scope.set("BUILDVARIANT", build.variant.clone());
    scope
}

/// The arguments `FROM` lines see (see the module doc). A global `ARG NAME` without a default
/// or a `--build-arg` stays unset; a `--build-arg` for an automatic argument replaces it.
pub fn global_scope(
    df: &Dockerfile,
    build_args: &BuildArgs,
    target: &Platform,
    build: &Platform,
) -> Result<ArgScope, StageError> {
    let mut scope = platform_args(target, build);
    // A --build-arg may override an automatic argument, as in BuildKit.
    for name in PLATFORM_ARGS {
        if let Some(value) = build_args.get(name) {
            scope.set(name, value.clone());
        }
    }
    let line = df.stages.first().map_or(1, |s| s.from.location.line);
    for decl in &df.global_args {
        if let Some(value) = build_args.get(&decl.name) {
            scope.set(&decl.name, value.clone());
        } else if let Some(default) = &decl.default {
            let value = expand_word(default, &|n| scope.lookup(n), df.escape)
                .map_err(|error| StageError::Expand { line, error })?;
            scope.set(&decl.name, value);
        }
    }
    Ok(scope)
}

/// What a stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageBase {
    /// `FROM scratch`: an empty filesystem.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference (already expanded).
    Image(String),
}

/// What a `COPY --from=` or `RUN --mount=from=` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromRef {
    Stage(usize),
    Image(String),
}

/// The stages to build and what each stage starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagePlan {
    /// The stage indexes to build, each after the stages it needs; the target is last.
    pub order: Vec<usize>,
    /// For every stage of the file (by index): its expanded base.
    pub bases: Vec<StageBase>,
    pub target: usize,
}

/// The index of the stage called `name` (stage names are case-insensitive).
pub fn stage_by_name(df: &Dockerfile, name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    df.stages
        .iter()
        .position(|s| s.name.as_deref() == Some(name.as_str()))
}

/// Resolves a `COPY --from=` value: a stage name, a stage index, or else an image.
pub fn resolve_copy_from(df: &Dockerfile, from: &str, line: usize) -> Result<FromRef, StageError> {
    let literal = expand_word(from, &|_| None, df.escape).ok();
    if from.contains('$') || literal.as_deref() != Some(from) {
        return Err(StageError::FromVariable {
            line,
            from: from.to_string(),
        });
    }
    if let Ok(index) = from.parse::<i64>() {
        return usize::try_from(index)
            .ok()
            .filter(|i| *i < df.stages.len())
            .map(FromRef::Stage)
            .ok_or(StageError::BadIndex {
                line,
                index: from.to_string(),
                count: df.stages.len(),
            });
    }
    Ok(match stage_by_name(df, from) {
        Some(index) => FromRef::Stage(index),
        None => FromRef::Image(from.to_string()),
    })
}

/// The `from=` of a `--mount` value (`type=bind,from=build,source=/out,target=/in`), if any.
pub fn mount_from(mount: &str) -> Option<String> {
    csv_fields(mount).into_iter().find_map(|field| {
        let (key, value) = field.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("from")
            .then(|| value.trim().to_string())
    })
}

/// Splits a comma-separated value, honouring double quotes (as a CSV reader does).
fn csv_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The stages a stage needs directly, by index (sorted, without repeats).
fn dependencies(
    df: &Dockerfile,
    index: usize,
    bases: &[StageBase],
) -> Result<Vec<usize>, StageError> {
    let mut deps = Vec::new();
    if let StageBase::Stage(base) = bases[index] {
        deps.push(base);
    }
    for instruction in &df.stages[index].instructions {
        let line = instruction.location.line;
        match &instruction.kind {
            InstructionKind::Copy(copy) => {
                if let Some(from) = &copy.from {
                    if let FromRef::Stage(dep) = resolve_copy_from(df, from, line)? {
                        deps.push(dep);
                    }
                }
            }
            InstructionKind::Run(run) => {
                for mount in &run.mounts {
                    if let Some(dep) = mount_from(mount).and_then(|f| stage_by_name(df, &f)) {
                        deps.push(dep);
                    }
                }
            }
            _ => {}
        }
    }
    deps.sort_unstable();
    deps.dedup();
    Ok(deps)
}

fn stage_label(df: &Dockerfile, index: usize) -> String {
    df.stages[index]
        .name
        .clone()
        .unwrap_or_else(|| format!("stage-{index}"))
}

/// Plans a build: expands every `FROM` against `globals`, picks the target (the last stage
/// when `None`) and orders it after everything it needs.
pub fn plan_stages(
    df: &Dockerfile,
    target: Option<&str>,
    globals: &ArgScope,
) -> Result<StagePlan, StageError> {
    let mut bases = Vec::with_capacity(df.stages.len());
    for stage in &df.stages {
        let line = stage.from.location.line;
        let base = expand_word(&stage.base, &|n| globals.lookup(n), df.escape)
            .map_err(|error| StageError::Expand { line, error })?;
        if base.is_empty() {
            return Err(StageError::BlankBase {
                line,
                base: stage.base.clone(),
            });
        }
        let earlier = stage_by_name(df, &base).filter(|i| *i < stage.index);
        bases.push(match earlier {
            Some(i) => StageBase::Stage(i),
            None if base == "scratch" => StageBase::Scratch,
            None => StageBase::Image(base),
        });
    }
    let Some(last) = df.stages.len().checked_sub(1) else {
        return Err(StageError::NoStages);
    };
    let target = match target {
        None => last,
        Some(name) => stage_by_name(df, name).ok_or_else(|| {
            let names: Vec<&str> = df.stages.iter().filter_map(|s| s.name.as_deref()).collect();
            StageError::UnknownTarget {
                target: name.to_string(),
                available: if names.is_empty() {
                    "(none; name a stage with FROM <image> AS <name>)".to_string()
                } else {
                    names.join(", ")
                },
            }
        })?,
    };
    // Collect what the target needs, finding cycles on the way.
    let count = df.stages.len();
    let mut deps: Vec<Option<Vec<usize>>> = vec![None; count];
    let mut state = vec![0u8; count]; // 0 new, 1 on the path, 2 done
    let mut stack = vec![(target, false)];
    while let Some((index, leaving)) = stack.pop() {
        if leaving {
            state[index] = 2;
            continue;
        }
        match state[index] {
            1 => {
                return Err(StageError::Cycle {
                    stage: stage_label(df, index),
                })
            }
            2 => continue,
            _ => {}
        }
        state[index] = 1;
        stack.push((index, true));
        let direct = dependencies(df, index, &bases)?;
        for &dep in direct.iter().rev() {
            if state[dep] == 1 {
                return Err(StageError::Cycle {
                    stage: stage_label(df, dep),
                });
            }
            if state[dep] == 0 {
                stack.push((dep, false));
            }
        }
        deps[index] = Some(direct);
    }
    // Order: the lowest-numbered stage whose needs are built comes next.
    let mut order = Vec::new();
    let mut built = vec![false; count];
    let needed: Vec<usize> = (0..count).filter(|i| deps[*i].is_some()).collect();
    while order.len() < needed.len() {
        let next = needed
            .iter()
            .copied()
            .find(|&i| {
                !built[i]
                    && deps[i]
                        .as_ref()
                        .is_some_and(|d| d.iter().all(|dep| built[*dep]))
            })
            .ok_or_else(|| StageError::Cycle {
                stage: stage_label(df, target),
            })?;
        built[next] = true;
        order.push(next);
    }
    Ok(StagePlan {
        order,
        bases,
        target,
    })
}

/// The stages to build for `--target` (the last stage when `None`) with these build args, for
/// the host platform; see [`plan_stages`].
pub fn stages_to_build(
    df: &Dockerfile,
    target: Option<&str>,
    build_args: &BuildArgs,
) -> Result<Vec<usize>, StageError> {
    let host = Platform::host();
    let globals = global_scope(df, build_args, &host, &host)?;
    Ok(plan_stages(df, target, &globals)?.order)
}

/// The `ARG`s declared so far in one stage, with their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageArgs {
    declared: Vec<(String, Option<String>)>,
}

impl StageArgs {
    pub fn new() -> StageArgs {
        StageArgs::default()
    }

    /// Declares one `ARG` of the stage and returns its value (`None`: declared, unset).
    /// `visible` is what the stage sees at this point (its ENV and earlier ARGs), for
    /// expanding a default.
    pub fn declare(
        &mut self,
        decl: &ArgDecl,
        globals: &ArgScope,
        build_args: &BuildArgs,
        escape: char,
        visible: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, VarsError> {
        let value = if let Some(value) = build_args.get(&decl.name) {
            Some(value.clone())
        } else if let Some(default) = &decl.default {
            Some(expand_word(default, visible, escape)?)
        } else {
            globals.get(&decl.name).map(str::to_string)
        };
        match self.declared.iter_mut().find(|(n, _)| *n == decl.name) {
            Some(slot) => slot.1 = value.clone(),
            None => self.declared.push((decl.name.clone(), value.clone())),
        }
        Ok(value)
    }

    /// The value of a declared argument (`None` when undeclared or unset).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.declared
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn is_declared(&self, name: &str) -> bool {
        self.declared.iter().any(|(n, _)| n == name)
    }

    /// The declared arguments that have values, in declaration order: the environment RUN
    /// gets from them (and what docker records as `|N k=v ...` in RUN history).
    pub fn values(&self) -> Vec<(String, String)> {
        self.declared
            .iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n.clone(), v.clone())))
            .collect()
    }
}

/// The proxy build args given (see [`PROXY_ARGS`]): RUN's environment gets them even without
/// an `ARG`, and they stay out of the image and its history.
pub fn proxy_env(build_args: &BuildArgs) -> Vec<(String, String)> {
    build_args
        .iter()
        .filter(|(k, _)| PROXY_ARGS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The `--build-arg`s no built stage (nor the global scope) declares, for podman's warning
/// "one or more build args were not consumed"; proxies and the automatic platform arguments
/// always count as consumed.
pub fn unused_build_args(df: &Dockerfile, order: &[usize], build_args: &BuildArgs) -> Vec<String> {
    let mut declared: Vec<&str> = df.global_args.iter().map(|a| a.name.as_str()).collect();
    for &index in order {
        for instruction in &df.stages[index].instructions {
            if let InstructionKind::Arg(decls) = &instruction.kind {
                declared.extend(decls.iter().map(|d| d.name.as_str()));
            }
        }
    }
    build_args
        .keys()
        .filter(|k| {
            let k = k.as_str();
            !declared.contains(&k) && !PROXY_ARGS.contains(&k) && !PLATFORM_ARGS.contains(&k)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::parse::parse;

    fn df(text: &str) -> Dockerfile {
        parse(text).unwrap()
    }

    fn args(pairs: &[(&str, &str)]) -> BuildArgs {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn amd64() -> Platform {
        Platform::parse("linux/amd64").unwrap()
    }

    fn plan(text: &str, target: Option<&str>) -> Result<StagePlan, StageError> {
        let d = df(text);
        let globals = global_scope(&d, &BuildArgs::new(), &amd64(), &amd64()).unwrap();
        plan_stages(&d, target, &globals)
    }

    const MULTI: &str = "\
FROM busybox AS base
RUN echo base
FROM base AS build
RUN make
FROM busybox AS test
COPY --from=build /out /out
FROM scratch AS tools
FROM busybox AS unrelated
FROM base
COPY --from=build /out/app /app
RUN --mount=type=bind,from=tools,target=/t ls /t
";

    #[test]
    fn default_target_is_the_last_stage() {
        let p = plan(MULTI, None).unwrap();
        assert_eq!(p.target, 5);
        assert_eq!(p.order, vec![0, 1, 3, 5]);
        assert_eq!(
            p.bases,
            vec![
                StageBase::Image("busybox".into()),
                StageBase::Stage(0),
                StageBase::Image("busybox".into()),
                StageBase::Scratch,
                StageBase::Image("busybox".into()),
                StageBase::Stage(0),
            ]
        );
    }

    #[test]
    fn named_targets() {
        assert_eq!(plan(MULTI, Some("build")).unwrap().order, vec![0, 1]);
        assert_eq!(plan(MULTI, Some("TEST")).unwrap().order, vec![0, 1, 2]);
        assert_eq!(plan(MULTI, Some("unrelated")).unwrap().order, vec![4]);
        let e = plan(MULTI, Some("nope")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "target stage \"nope\" could not be found; hint: the named stages are: base, build, \
             test, tools, unrelated"
        );
        let e = plan("FROM a\n", Some("x")).unwrap_err();
        assert!(e.to_string().contains("(none;"), "{e}");
    }

    #[test]
    fn copy_from_index_and_images() {
        let text =
            "FROM busybox\nRUN a\nFROM busybox\nCOPY --from=0 /a /a\nCOPY --from=alpine:3 /b /b\n";
        assert_eq!(plan(text, None).unwrap().order, vec![0, 1]);
        let d = df(text);
        assert_eq!(resolve_copy_from(&d, "0", 1), Ok(FromRef::Stage(0)));
        assert_eq!(
            resolve_copy_from(&d, "alpine:3", 1),
            Ok(FromRef::Image("alpine:3".into()))
        );
        assert!(matches!(
            resolve_copy_from(&d, "5", 7),
            Err(StageError::BadIndex { line: 7, .. })
        ));
        assert!(matches!(
            resolve_copy_from(&d, "-1", 7),
            Err(StageError::BadIndex { .. })
        ));
        assert!(matches!(
            resolve_copy_from(&d, "${X}", 3),
            Err(StageError::FromVariable { line: 3, .. })
        ));
        assert!(matches!(
            plan("FROM a\nFROM b\nCOPY --from=$S /a /b\n", None),
            Err(StageError::FromVariable { line: 3, .. })
        ));
    }

    #[test]
    fn copy_from_a_later_stage_is_built_first() {
        let text = "FROM busybox AS one\nCOPY --from=two /x /x\nFROM busybox AS two\n";
        let p = plan(text, Some("one")).unwrap();
        assert_eq!(p.order, vec![1, 0]);
        // FROM only refers to earlier stages: a later name is an image.
        let p = plan("FROM later\nFROM busybox AS later\n", Some("later")).unwrap();
        assert_eq!(p.bases[0], StageBase::Image("later".into()));
    }

    #[test]
    fn cycles_are_errors() {
        let e = plan(
            "FROM a AS x\nCOPY --from=y /a /a\nFROM a AS y\nCOPY --from=x /b /b\n",
            None,
        )
        .unwrap_err();
        assert!(matches!(e, StageError::Cycle { .. }), "{e}");
        let e = plan("FROM a AS x\nCOPY --from=x /a /a\n", None).unwrap_err();
        assert_eq!(e, StageError::Cycle { stage: "x".into() });
        let e = plan("FROM a\nCOPY --from=0 /a /a\n", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "circular dependency detected on stage stage-0"
        );
    }

    #[test]
    fn from_sees_global_args_and_build_args() {
        let text = "ARG TAG=1.36\nARG IMAGE=busybox:${TAG}\nFROM ${IMAGE} AS a\nFROM scratch\nCOPY --from=a / /\n";
        let d = df(text);
        let g = global_scope(&d, &BuildArgs::new(), &amd64(), &amd64()).unwrap();
        assert_eq!(g.get("IMAGE"), Some("busybox:1.36"));
        let p = plan_stages(&d, None, &g).unwrap();
        assert_eq!(p.bases[0], StageBase::Image("busybox:1.36".into()));
        let g = global_scope(&d, &args(&[("TAG", "latest")]), &amd64(), &amd64()).unwrap();
        assert_eq!(g.get("IMAGE"), Some("busybox:latest"));
        let g = global_scope(&d, &args(&[("IMAGE", "alpine")]), &amd64(), &amd64()).unwrap();
        assert_eq!(
            plan_stages(&d, None, &g).unwrap().bases[0],
            StageBase::Image("alpine".into())
        );
        // An ARG without a default stays unset; an empty base is an error.
        let d = df("ARG BASE\nFROM ${BASE}\n");
        let g = global_scope(&d, &BuildArgs::new(), &amd64(), &amd64()).unwrap();
        assert_eq!(g.get("BASE"), None);
        let e = plan_stages(&d, None, &g).unwrap_err();
        assert_eq!(
            e,
            StageError::BlankBase {
                line: 2,
                base: "${BASE}".into()
            }
        );
        // A stage name from an argument.
        let d = df("ARG B=base\nFROM busybox AS base\nFROM ${B}\n");
        let g = global_scope(&d, &BuildArgs::new(), &amd64(), &amd64()).unwrap();
        assert_eq!(plan_stages(&d, None, &g).unwrap().order, vec![0, 1]);
        // Args declared in a stage are not visible to FROM.
        let d = df("FROM busybox\nARG X=1\nFROM ${X:-dflt}\n");
        let g = global_scope(&d, &BuildArgs::new(), &amd64(), &amd64()).unwrap();
        assert_eq!(
            plan_stages(&d, None, &g).unwrap().bases[1],
            StageBase::Image("dflt".into())
        );
    }

    #[test]
    fn automatic_platform_args() {
        let d = df("FROM --platform=$BUILDPLATFORM busybox AS b\nFROM busybox-${TARGETARCH}${TARGETVARIANT}\n");
        let target = Platform::parse("linux/arm/v7").unwrap();
        let g = global_scope(&d, &BuildArgs::new(), &target, &amd64()).unwrap();
        assert_eq!(g.get("TARGETPLATFORM"), Some("linux/arm/v7"));
        assert_eq!(g.get("TARGETOS"), Some("linux"));
        assert_eq!(g.get("TARGETARCH"), Some("arm"));
        assert_eq!(g.get("TARGETVARIANT"), Some("v7"));
        assert_eq!(g.get("BUILDPLATFORM"), Some("linux/amd64"));
        assert_eq!(g.get("BUILDARCH"), Some("amd64"));
        assert_eq!(g.get("BUILDVARIANT"), Some(""));
        let p = plan_stages(&d, None, &g).unwrap();
        assert_eq!(p.bases[1], StageBase::Image("busybox-armv7".into()));
        assert_eq!(PLATFORM_ARGS.len(), g.iter().count());
        let g = global_scope(&d, &args(&[("TARGETARCH", "riscv64")]), &target, &amd64()).unwrap();
        assert_eq!(g.get("TARGETARCH"), Some("riscv64"));
        assert_eq!(g.get("TARGETOS"), Some("linux"));
    }

    #[test]
    fn platforms() {
        assert_eq!(
            Platform::parse("linux/amd64").unwrap().to_string(),
            "linux/amd64"
        );
        assert_eq!(
            Platform::parse("Linux/x86_64").unwrap().to_string(),
            "linux/amd64"
        );
        assert_eq!(
            Platform::parse("linux/arm64/v8").unwrap().to_string(),
            "linux/arm64"
        );
        assert_eq!(
            Platform::parse("linux/aarch64").unwrap().to_string(),
            "linux/arm64"
        );
        assert_eq!(Platform::parse("linux/arm/v6").unwrap().variant, "v6");
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux//x").is_err());
        assert!(Platform::parse("a/b/c/d").is_err());
        let host = Platform::host();
        assert_eq!(host.os, "linux");
        assert!(!host.arch.is_empty());
    }

    #[test]
    fn stage_args_follow_docker_scoping() {
        let d = df("ARG VERSION=latest\nARG GLOBAL_ONLY=g\nFROM busybox\nARG VERSION\nARG LOCAL=x${VERSION}\nARG TARGETARCH\n");
        let build_args = args(&[]);
        let g = global_scope(&d, &build_args, &amd64(), &amd64()).unwrap();
        let mut s = StageArgs::new();
        // `ARG VERSION` in the stage takes the global default.
        let v = s.declare(
            &ArgDecl {
                name: "VERSION".into(),
                default: None,
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert_eq!(v, Ok(Some("latest".into())));
        // A default is expanded against what the stage sees.
        let visible = |n: &str| {
            if n == "VERSION" {
                Some("latest".to_string())
            } else {
                None
            }
        };
        let v = s.declare(
            &ArgDecl {
                name: "LOCAL".into(),
                default: Some("x${VERSION}".into()),
            },
            &g,
            &build_args,
            '\\',
            &visible,
        );
        assert_eq!(v, Ok(Some("xlatest".into())));
        // Automatic args need `ARG NAME` to be seen in a stage.
        assert!(!s.is_declared("TARGETARCH"));
        let v = s.declare(
            &ArgDecl {
                name: "TARGETARCH".into(),
                default: None,
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert_eq!(v, Ok(Some("amd64".into())));
        // Not redeclared: not visible.
        assert_eq!(s.get("GLOBAL_ONLY"), None);
        // An ARG with no value anywhere is declared but unset.
        let v = s.declare(
            &ArgDecl {
                name: "NOPE".into(),
                default: None,
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert_eq!(v, Ok(None));
        assert!(s.is_declared("NOPE"));
        assert_eq!(
            s.values(),
            vec![
                ("VERSION".to_string(), "latest".to_string()),
                ("LOCAL".to_string(), "xlatest".to_string()),
                ("TARGETARCH".to_string(), "amd64".to_string()),
            ]
        );
        // A build arg wins over a default and over the global value.
        let build_args = args(&[("LOCAL", "cli"), ("VERSION", "1.0")]);
        let g = global_scope(&d, &build_args, &amd64(), &amd64()).unwrap();
        let mut s = StageArgs::new();
        let v = s.declare(
            &ArgDecl {
                name: "LOCAL".into(),
                default: Some("d".into()),
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert_eq!(v, Ok(Some("cli".into())));
        let v = s.declare(
            &ArgDecl {
                name: "VERSION".into(),
                default: None,
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert_eq!(v, Ok(Some("1.0".into())));
        // Errors from ${X:?} surface.
        let v = s.declare(
            &ArgDecl {
                name: "E".into(),
                default: Some("${X:?needed}".into()),
            },
            &g,
            &build_args,
            '\\',
            &|_| None,
        );
        assert!(v.is_err());
    }

    #[test]
    fn proxies_and_unused_args() {
        let build_args = args(&[
            ("HTTP_PROXY", "http://p:3128"),
            ("no_proxy", "x"),
            ("FOO", "1"),
            ("USED", "2"),
            ("G", "3"),
            ("TARGETOS", "linux"),
        ]);
        assert_eq!(
            proxy_env(&build_args),
            vec![
                ("HTTP_PROXY".to_string(), "http://p:3128".to_string()),
                ("no_proxy".to_string(), "x".to_string())
            ]
        );
        let d = df("ARG G\nFROM a AS one\nARG USED\nFROM b\nARG FOO\n");
        assert_eq!(
            unused_build_args(&d, &[0], &build_args),
            vec!["FOO".to_string()]
        );
        assert!(unused_build_args(&d, &[0, 1], &build_args).is_empty());
    }

    #[test]
    fn mount_from_values() {
        assert_eq!(
            mount_from("type=bind,from=build,source=/out,target=/in"),
            Some("build".into())
        );
        assert_eq!(mount_from("type=cache,target=/c"), None);
        assert_eq!(mount_from("\"from=a,b\",target=/x"), Some("a,b".into()));
        assert_eq!(mount_from("FROM=x"), Some("x".into()));
        let text = "FROM busybox AS src\nFROM busybox\nRUN --mount=from=src,target=/s --mount=type=bind,from=alpine,target=/a ls\n";
        assert_eq!(plan(text, None).unwrap().order, vec![0, 1]);
    }

    #[test]
    fn no_stages() {
        let d = Dockerfile {
            escape: '\\',
            global_args: vec![],
            stages: vec![],
        };
        assert_eq!(
            plan_stages(&d, None, &ArgScope::default()),
            Err(StageError::NoStages)
        );
    }

    #[test]
    fn stages_to_build_for_the_host() {
        let d = df(MULTI);
        assert_eq!(
            stages_to_build(&d, Some("test"), &BuildArgs::new()).unwrap(),
            vec![0, 1, 2]
        );
    }
}
