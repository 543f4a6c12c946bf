//! `berth build`: read and parse the Dockerfile and check the options in the host process
//! (a parse error costs no session), pull missing base images there, then run the build in
//! the session. Also `builder prune`.

use std::path::{Path, PathBuf};

use crate::build::ast::{Dockerfile, InstructionKind};
use crate::build::executor::{self, BuildOptions};
use crate::build::frontend;
use crate::cli::build::{BuildArgs, BuilderArgs, BuilderCommand};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::reference::Reference;
use crate::spec::{NetworkMode, PullPolicy};
use crate::storage::Store;
use crate::userns::session::SessionRequest;

use crate::error::io_text;

/// Where a `-f` name is: as given (relative to the working directory), else, for a relative
/// name, inside the context (podman's order).
fn locate_dockerfile(name: &str, context: Option<&Path>) -> Result<PathBuf> {
    let given = PathBuf::from(name);
    if given.exists() {
        return Ok(given);
    }
    if let Some(c) = context.filter(|_| given.is_relative()) {
        let inside = c.join(&given);
        if inside.exists() {
            return Ok(inside);
        }
    }
    Err(Error::msg(format!(
        "read the Dockerfile: {name}: no such file or directory"
    ))
    .hint("give an existing file with -f (a relative name is looked up here, then in the context)"))
}

/// The context directory: as given; without one, the directory of the first `-f` file, or
/// the working directory.
fn context_dir(args: &BuildArgs) -> Result<PathBuf> {
    if let Some(c) = &args.context {
        return Ok(PathBuf::from(c));
    }
    match args.file.first().map(String::as_str) {
        None | Some("-") => Ok(PathBuf::from(".")),
        Some(f) => {
            let p = locate_dockerfile(f, None)?;
            Ok(p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf))
        }
    }
}

/// The Dockerfile's text and its name for messages. Several `-f` files are read as one, in
/// order.
fn read_dockerfile(args: &BuildArgs, context: &Path) -> Result<(String, String)> {
    if args.file.is_empty() {
        for name in ["Containerfile", "Dockerfile"] {
            let p = context.join(name);
            if p.is_file() {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| Error::msg(format!("read {}: {}", p.display(), io_text(&e))))?;
                return Ok((text, name.to_string()));
            }
        }
        return Err(Error::msg(format!(
            "no Containerfile or Dockerfile in the context {}: {}: no such file or directory",
            context.display(),
            context.join("Dockerfile").display()
        ))
        .hint("give the file with -f FILE"));
    }
    let mut text = String::new();
    for f in &args.file {
        if f == "-" {
            // In the session, `-` was replaced by a file holding what P0 read (`host_half`).
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("read the Dockerfile from stdin")?;
        } else {
            let p = locate_dockerfile(f, Some(context))?;
            let part = std::fs::read_to_string(&p)
                .map_err(|e| Error::msg(format!("read the Dockerfile {f}: {}", io_text(&e))))?;
            text.push_str(&part);
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok((text, args.file.join(", ")))
}

/// Go's `strconv.ParseBool`, which buildah uses for `--layers` and BUILDAH_LAYERS.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Check `build`'s arguments and parse the Dockerfile (before anything runs).
pub fn options(args: &BuildArgs) -> Result<(BuildOptions, PullPolicy, String)> {
    let given = context_dir(args)?;
    if !given.is_dir() {
        return Err(Error::msg(format!(
            "the build context `{}` is not a directory",
            given.display()
        )));
    }
    let context = given
        .canonicalize()
        .with_context(|| format!("resolve the context `{}`", given.display()))?;
    let (text, file_name) = read_dockerfile(args, &context)?;
    if let Some(f) = &args.authfile {
        if let Err(e) = std::fs::metadata(f) {
            return Err(Error::msg(format!("--authfile {f}: {}", io_text(&e))));
        }
    }
    let ignorefile = args.ignorefile.as_ref().map(PathBuf::from);
    // A bad ignore file is an error before anything runs.
    frontend::Ignore::load(&context, ignorefile.as_deref())
        .map_err(|e| Error::msg(e.to_string()))?;
    let dockerfile: Dockerfile =
        frontend::parse(&text).map_err(|e| Error::msg(format!("{file_name}:{e}")))?;
    if dockerfile.stages.is_empty() {
        return Err(Error::msg(format!("{file_name}: no FROM instruction")));
    }
    let mut tags = Vec::new();
    for t in &args.tag {
        let r = Reference::parse_local(t)
            .map_err(|e| Error::msg(format!("invalid --tag `{t}`: {e}")))?;
        tags.push(r.to_string());
    }
    let mut build_args = Vec::new();
    for a in &args.build_arg {
        match a.split_once('=') {
            Some((k, v)) => build_args.push((k.to_string(), v.to_string())),
            None => {
                if let Ok(v) = std::env::var(a) {
                    build_args.push((a.clone(), v));
                }
            }
        }
    }
    let arg_map: crate::build::stages::BuildArgs = build_args.iter().cloned().collect();
    let host = crate::build::stages::Platform::host();
    let plan = crate::build::stages::global_scope(&dockerfile, &arg_map, &host, &host)
        .and_then(|globals| {
            crate::build::stages::plan_stages(&dockerfile, args.target.as_deref(), &globals)
        })
        .map_err(|e| Error::msg(format!("{file_name}: {e}")))?;
    let target = plan.target;
    let order = plan.order;
    let mut labels = Vec::new();
    for l in &args.label {
        let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
        if k.is_empty() {
            return Err(Error::msg(format!("invalid --label `{l}`: want KEY=VALUE")));
        }
        labels.push((k.to_string(), v.to_string()));
    }
    let pull = match args.pull.as_deref() {
        _ if args.pull_never => PullPolicy::Never,
        _ if args.pull_always => PullPolicy::Always,
        None => PullPolicy::Missing,
        Some(p) => PullPolicy::parse(p).ok_or_else(|| {
            Error::msg(format!(
                "invalid --pull `{p}`: want missing, always, never, true or false"
            ))
        })?,
    };
    // RUN steps use the host's network unless asked (buildah's rootless default would be
    // a private namespace with slirp4netns or pasta: slower, and the same reach).
    let network = match args.network.as_deref() {
        None | Some("host" | "default") => NetworkMode::Host,
        Some(text) => match NetworkMode::parse(Some(text), crate::net::default_helper) {
            Ok(m @ (NetworkMode::None | NetworkMode::Pasta(_) | NetworkMode::Slirp4netns(_))) => m,
            Err(e) => return Err(Error::from_source("invalid build options", e)),
            Ok(_) => {
                return Err(Error::msg(format!(
                    "--network `{text}` is not supported for build yet: use host, none, pasta[:OPTIONS] or slirp4netns[:OPTIONS]"
                )))
            }
        },
    };
    if let Some(p) = &args.platform {
        let (os, arch) = executor::host_platform();
        let want = format!("{os}/{arch}");
        if p != &want && p != &arch {
            return Err(Error::msg(format!(
                "--platform `{p}`: building for another platform is not supported (this host builds {want})"
            )));
        }
    }
    let layers = match args.layers.as_deref() {
        Some(text) => parse_bool(text)
            .ok_or_else(|| Error::msg(format!("invalid --layers `{text}`: want true or false")))?,
        None => match std::env::var("BUILDAH_LAYERS") {
            Ok(v) if !v.is_empty() => parse_bool(&v).ok_or_else(|| {
                Error::msg(format!("invalid BUILDAH_LAYERS `{v}`: want true or false"))
            })?,
            _ => true,
        },
    };
    let format_text = args.format.clone().or_else(|| {
        std::env::var("BUILDAH_FORMAT")
            .ok()
            .filter(|v| !v.is_empty())
    });
    let format = match format_text.as_deref() {
        None => crate::image::config::ImageFormat::Oci,
        Some(f) => crate::image::config::ImageFormat::parse(f)
            .ok_or_else(|| Error::msg(format!("invalid --format `{f}`: want oci or docker")))?,
    };
    if args.jobs == Some(0) {
        return Err(Error::msg("invalid --jobs `0`: want 1 or more"));
    }
    let step_security = step_security(args)?;
    for stage in &dockerfile.stages {
        if let Some(p) = &stage.platform {
            let (os, arch) = executor::host_platform();
            let p_exp = frontend::expand(p, &[]).unwrap_or_else(|_| p.clone());
            let ok = p_exp == format!("{os}/{arch}")
                || p_exp.contains("BUILDPLATFORM")
                || p_exp.contains("TARGETPLATFORM")
                || p.contains('$');
            if !ok {
                return Err(Error::msg(format!(
                    "{file_name}:{}:{}: FROM --platform={p}: building for another platform is not supported",
                    stage.from.location.line, stage.from.location.column
                )));
            }
        }
    }
    let timestamp = match args.timestamp {
        Some(t) => Some(t),
        None => match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) if !v.is_empty() => Some(v.parse::<i64>().map_err(|_| {
                Error::msg(format!("invalid SOURCE_DATE_EPOCH `{v}`: want seconds"))
            })?),
            _ => None,
        },
    };
    let iidfile = args.iidfile.as_ref().map(PathBuf::from);
    let mut secrets = Vec::new();
    for s in &args.secret {
        // The value names a file or a variable; never the secret itself.
        let (id, source) = executor::SecretSource::parse(s)
            .map_err(|e| Error::msg(format!("invalid --secret `{s}`: {e}")))?;
        if let executor::SecretSource::File(p) = &source {
            if !p.is_file() {
                return Err(Error::msg(format!(
                    "--secret `{id}`: `{}` is not a readable file",
                    p.display()
                )));
            }
        }
        secrets.push((id, source));
    }
    Ok((
        BuildOptions {
            context,
            file_name,
            dockerfile,
            tags,
            build_args,
            target,
            order,
            no_cache: args.no_cache,
            labels,
            iidfile,
            quiet: args.quiet,
            network,
            layers: layers && !args.squash,
            squash: args.squash,
            timestamp,
            secrets,
            format,
            ignorefile,
            step_security,
            commit_name: args.tag.first().cloned(),
        },
        pull,
        text,
    ))
}

/// `--ulimit` and `--security-opt` for the RUN steps, parsed as `run` parses them.
fn step_security(args: &BuildArgs) -> Result<executor::StepSecurity> {
    let mut out = executor::StepSecurity::default();
    for u in &args.ulimit {
        out.ulimits.push(
            crate::cli::run_options::parse_ulimit(u)
                .map_err(|e| Error::from_source("invalid build options", e))?,
        );
    }
    for opt in &args.security_opt {
        use crate::cli::run_options::{parse_security_opt, SecurityOpt};
        match parse_security_opt(opt).map_err(|e| Error::from_source("invalid build options", e))? {
            SecurityOpt::NoNewPrivileges(on) => out.no_new_privs = on,
            SecurityOpt::Seccomp(choice) => out.seccomp = choice,
            SecurityOpt::Label => {
                return Err(Error::msg(format!(
                    "--security-opt `{opt}`: SELinux labels are not supported (berth does not label containers)"
                )))
            }
            SecurityOpt::Mask(_) | SecurityOpt::Unmask(_) => {
                return Err(Error::msg(format!(
                    "invalid --security-opt `{opt}`: for build, want seccomp=unconfined, seccomp=PROFILE.json or no-new-privileges"
                )))
            }
        }
    }
    Ok(out)
}

/// The images the needed stages start from or copy from (not stages, not scratch).
fn base_images(opts: &BuildOptions) -> Vec<String> {
    let df = &opts.dockerfile;
    let globals = executor::global_args(&df.global_args, &opts.build_args).unwrap_or_default();
    let mut out = Vec::new();
    for &i in &opts.order {
        let stage = &df.stages[i];
        let mut refs = vec![stage.base.clone()];
        for ins in &stage.instructions {
            if let InstructionKind::Copy(c) | InstructionKind::Add(c) = &ins.kind {
                if let Some(f) = &c.from {
                    refs.push(f.clone());
                }
            }
        }
        for r in refs {
            let Ok(r) = frontend::expand(&r, &globals) else {
                continue;
            };
            if r == "scratch" || executor::stage_ref(df, &r, i).is_some() || r.contains('$') {
                continue;
            }
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// P0's half of `berth build`: read and check the Dockerfile, pull the base images (the
/// network half of a pull runs in P0), and give the session the same command line, with a
/// Dockerfile read from stdin saved to a file (the session cannot read P0's stdin again):
/// `-f -` becomes that file, a context `-` a directory holding it as its Containerfile.
/// Returns that path too, which P0 removes after the session.
pub fn host_half(args: &BuildArgs) -> Result<(SessionRequest, Option<PathBuf>)> {
    let from_stdin = args.file.iter().filter(|f| *f == "-").count()
        + usize::from(args.context.as_deref() == Some("-"));
    if from_stdin > 1 {
        return Err(Error::msg(
            "build: stdin can give the Dockerfile once: `-f -` and a context `-` are both asked for",
        ));
    }
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut saved = None;
    let mut args = args.clone();
    if from_stdin == 1 {
        let paths = Paths::discover().context("find berth's directories")?;
        paths
            .ensure_runtime()
            .context("prepare the runtime directory")?;
        let name = format!(
            "build-stdin-{}",
            crate::storage::random_name(12).context("name a file")?
        );
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("read the Dockerfile from stdin")?;
        let path = if args.context.as_deref() == Some("-") {
            // An empty context, with the Dockerfile as its Containerfile.
            let dir = paths.runtime.join(name);
            std::fs::create_dir(&dir).with_context(|| format!("create `{}`", dir.display()))?;
            std::fs::write(dir.join("Containerfile"), text.as_bytes())
                .with_context(|| format!("write `{}`", dir.display()))?;
            args.context = Some(dir.display().to_string());
            dir
        } else {
            let file = paths.runtime.join(name);
            std::fs::write(&file, text.as_bytes())
                .with_context(|| format!("write `{}`", file.display()))?;
            for f in args.file.iter_mut().filter(|f| *f == "-") {
                *f = file.display().to_string();
            }
            file
        };
        argv = stdin_to_file(argv, &path);
        saved = Some(path);
    }
    let result = host_half_with(&args, argv);
    if result.is_err() {
        if let Some(p) = &saved {
            remove_saved(p);
        }
    }
    result.map(|request| (request, saved))
}

/// Remove what [`host_half`] saved from stdin: a file, or a context directory.
pub fn remove_saved(path: &Path) {
    let _ = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
}

fn host_half_with(args: &BuildArgs, argv: Vec<std::ffi::OsString>) -> Result<SessionRequest> {
    let (opts, pull, _) = options(args)?;
    if let Some(log) = &args.logfile {
        // podman: the build's output and errors go to the file instead; the session
        // inherits both.
        redirect_output(Path::new(log))?;
    }
    let authfile = args.authfile.as_ref().map(PathBuf::from);
    for image in base_images(&opts) {
        crate::commands::pull::ensure_image_with(&image, pull, authfile.as_deref())?;
    }
    Ok(SessionRequest::new(argv))
}

/// Point stdout and stderr at `path` (created or truncated).
fn redirect_output(path: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::create(path)
        .map_err(|e| Error::msg(format!("--logfile {}: {}", path.display(), io_text(&e))))?;
    for fd in [1, 2] {
        nix::unistd::dup2(file.as_raw_fd(), fd)
            .map_err(|e| Error::msg(format!("--logfile {}: {e}", path.display())))?;
    }
    Ok(())
}

/// `argv` with the Dockerfile `-` (`-f -`, `--file -`, `--file=-`, a context `-`) replaced
/// by `path`.
fn stdin_to_file(argv: Vec<std::ffi::OsString>, path: &Path) -> Vec<std::ffi::OsString> {
    argv.into_iter()
        .map(|a| {
            if a == "-" {
                path.as_os_str().to_owned()
            } else if a == "--file=-" {
                format!("--file={}", path.display()).into()
            } else {
                a
            }
        })
        .collect()
}

/// The session's half of `berth build`: run the build and print the image id.
pub fn in_session(args: &BuildArgs) -> Result<()> {
    let (opts, _, _) = options(args)?;
    let id = executor::build(&opts)?;
    println!("{id}");
    Ok(())
}

/// Run `berth builder prune`.
pub fn builder(args: &BuilderArgs) -> Result<()> {
    match &args.command {
        BuilderCommand::Prune(_) => {
            let paths = Paths::discover().context("find berth's directories")?;
            let store = Store::open(&paths).context("open the store")?;
            let n = crate::build::cache::Cache::new(store.root())
                .prune(&store)
                .context("prune the build cache")?;
            println!("removed {n} build cache entries");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: BuildArgs,
    }

    fn args(dir: &Path, extra: &[&str]) -> BuildArgs {
        let mut argv = vec!["build".to_string()];
        argv.extend(extra.iter().map(|s| s.to_string()));
        argv.push(dir.display().to_string());
        Wrap::parse_from(argv).args
    }

    #[test]
    fn a_dockerfile_from_stdin_reaches_the_session_as_a_file() {
        let argv = |items: &[&str]| -> Vec<std::ffi::OsString> {
            items.iter().map(std::ffi::OsString::from).collect()
        };
        let saved = Path::new("/run/berth/build-stdin-x");
        assert_eq!(
            stdin_to_file(argv(&["build", "-f", "-", "-t", "a", "."]), saved),
            argv(&["build", "-f", "/run/berth/build-stdin-x", "-t", "a", "."])
        );
        assert_eq!(
            stdin_to_file(argv(&["image", "build", "--file=-", "ctx"]), saved),
            argv(&["image", "build", "--file=/run/berth/build-stdin-x", "ctx"])
        );
        // A Dockerfile named on the command line is left as it is.
        assert_eq!(
            stdin_to_file(argv(&["build", "-f", "Containerfile", "."]), saved),
            argv(&["build", "-f", "Containerfile", "."])
        );
    }

    fn ctx(dockerfile: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("Dockerfile"), dockerfile).unwrap();
        d
    }

    fn err(dir: &Path, extra: &[&str]) -> String {
        options(&args(dir, extra)).err().unwrap().render().unwrap()
    }

    #[test]
    fn options_are_checked_before_anything_runs() {
        let d = ctx("FROM busybox AS one\nRUN true\nFROM one\nLABEL a=b\n");
        let (o, pull, text) = options(&args(
            d.path(),
            &[
                "-t",
                "x",
                "--build-arg",
                "A=1",
                "--pull=never",
                "--label",
                "k=v",
            ],
        ))
        .unwrap();
        assert_eq!(o.tags, vec!["localhost/x:latest"]);
        assert_eq!(o.build_args, vec![("A".to_string(), "1".to_string())]);
        assert_eq!(o.target, 1);
        assert_eq!(pull, PullPolicy::Never);
        assert_eq!(o.network, NetworkMode::Host);
        assert!(o.layers && !o.squash);
        assert!(text.starts_with("FROM busybox"));
        assert_eq!(o.labels, vec![("k".to_string(), "v".to_string())]);
        let (o, _, _) = options(&args(d.path(), &["--target", "ONE", "--squash"])).unwrap();
        assert_eq!(o.target, 0);
        assert!(!o.layers && o.squash);
        assert!(err(d.path(), &["--target", "two"]).contains("two"));
        assert!(err(d.path(), &["--network", "bridge"]).contains("`bridge`"));
        assert!(err(d.path(), &["--network", "container:x"]).contains("`container:x`"));
        let (o, _, _) = options(&args(d.path(), &["--network", "slirp4netns:mtu=1500"])).unwrap();
        assert!(matches!(o.network, NetworkMode::Slirp4netns(s) if s.mtu == 1500));
        assert!(err(d.path(), &["--layers=maybe"]).contains("`maybe`"));
        assert!(err(d.path(), &["--pull=sometimes"]).contains("`sometimes`"));
        assert!(err(d.path(), &["--platform", "linux/s390x-nope"]).contains("s390x-nope"));
        assert!(err(d.path(), &["-t", "Bad Name"]).contains("Bad Name"));
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let d = ctx("FROM busybox\nFORM x\n");
        let e = err(d.path(), &[]);
        assert!(e.contains("Dockerfile:2:1"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        assert!(err(empty.path(), &[]).contains("no Containerfile or Dockerfile"));
    }

    #[test]
    fn base_images_skip_stages_and_scratch() {
        let d = ctx(
            "ARG V=1\nFROM alpine:$V AS a\nFROM scratch AS s\nCOPY --from=busybox /x /x\nFROM a\nCOPY --from=s /x /y\n",
        );
        let (o, _, _) = options(&args(d.path(), &[])).unwrap();
        assert_eq!(base_images(&o), vec!["alpine:1", "busybox"]);
    }
}
