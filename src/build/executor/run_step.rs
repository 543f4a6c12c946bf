//! RUN steps: the container's plan and mounts (`RUN --mount`), run on the step's overlay.

use super::*;

impl Builder<'_> {
    /// RUN: a container on the step's rootfs, in the foreground.
    pub(super) fn exec_run(
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
            None | Some("default") => self.opts.network.clone(),
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
                MountSource::Skip => {}
                MountSource::Secret {
                    id,
                    source,
                    env,
                    mode,
                } => {
                    let data = source
                        .read()
                        .map_err(|e| self.step_error(ins, format!("read secret `{id}`: {e}")))?;
                    if let Some(var) = env {
                        run_env.retain(|(k, _)| k != var);
                        run_env.push((var.clone(), String::from_utf8_lossy(&data).into_owned()));
                    }
                    if !m.target.is_empty() {
                        let dir = ws.dir.join("secrets");
                        std::fs::create_dir_all(&dir)
                            .with_context(|| format!("create `{}`", dir.display()))?;
                        let file = dir.join(format!("{}", binds.len()));
                        std::fs::write(&file, &data)
                            .with_context(|| format!("write `{}`", file.display()))?;
                        std::fs::set_permissions(
                            &file,
                            std::os::unix::fs::PermissionsExt::from_mode(*mode),
                        )
                        .with_context(|| format!("chmod `{}`", file.display()))?;
                        binds.push(crate::spec::BindMount {
                            source: file,
                            target: m.target.clone(),
                            readonly: true,
                            ..Default::default()
                        });
                    }
                }
                MountSource::Tmpfs { size } => tmpfs.push(crate::spec::TmpfsMount {
                    target: m.target.clone(),
                    options: size.map(|s| vec![format!("size={s}")]).unwrap_or_default(),
                }),
                MountSource::Host(path) => binds.push(crate::spec::BindMount {
                    source: path.clone(),
                    target: m.target.clone(),
                    readonly: m.readonly,
                    ..Default::default()
                }),
                MountSource::Layers { layers, path } => {
                    let mut w = Workspace::new(&self.store)?;
                    w.mount(self, layers)?;
                    let source = w.merged().join(path.trim_start_matches('/'));
                    views.push(w);
                    binds.push(crate::spec::BindMount {
                        source,
                        target: m.target.clone(),
                        readonly: m.readonly,
                        ..Default::default()
                    });
                }
            }
        }
        let (plan, seccomp, supported) = run_plan(
            &ws.dir.join("etc"),
            &state.config,
            argv,
            run_env,
            network.clone(),
            binds,
            tmpfs,
            &self.opts.step_security,
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
        let helper_dir =
            crate::net::helper_dir(&self.paths.runtime, &format!("b{}", std::process::id()));
        let code = crate::run::spawn::run_transient(
            &plan,
            &merged,
            seccomp.as_ref(),
            &supported,
            stdio,
            (&network, &helper_dir),
        )?;
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
    pub(super) fn plan_mount(
        &mut self,
        stage: &Stage,
        ins: &Instruction,
        raw: &str,
        vars: &[(String, String)],
        state: &State,
    ) -> Result<RunMountPlan> {
        use crate::build::mounts::MountType;
        let lookup = |n: &str| {
            vars.iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        let m = crate::build::mounts::parse_mount(raw, &|v| {
            crate::build::vars::expand_word(v, &lookup, self.opts.dockerfile.escape)
        })
        .map_err(|e| self.step_error(ins, format!("--mount={raw}: {e}")))?;
        let unsupported =
            |why: &str| self.step_error(ins, format!("--mount={raw}: {why} is not supported yet"));
        if m.kind == MountType::Ssh {
            return Err(unsupported("type=ssh"));
        }
        if m.kind == MountType::Secret {
            // Secrets are not part of the cache key and never land in a layer.
            let id = m.secret_id().unwrap_or_default();
            let Some((_, source)) = self.opts.secrets.iter().find(|(i, _)| *i == id) else {
                if m.required {
                    return Err(self
                        .step_error(ins, format!("secret `{id}` is required but was not given"))
                        .hint(format!("pass it with --secret id={id},src=FILE")));
                }
                return Ok(RunMountPlan {
                    target: String::new(),
                    readonly: true,
                    key: String::new(),
                    source: MountSource::Skip,
                });
            };
            return Ok(RunMountPlan {
                target: m.secret_path().unwrap_or_default(),
                readonly: true,
                key: String::new(),
                source: MountSource::Secret {
                    id,
                    source: source.clone(),
                    env: m.env.clone(),
                    mode: m.mode.unwrap_or(0o400),
                },
            });
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
            MountType::Secret | MountType::Ssh => unreachable!("handled above"),
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
                            let matcher = crate::build::ignore::Matcher::load(&self.opts.context)
                                .map_err(|e| Error::msg(e.to_string()))?;
                            self.context = Some(
                                crate::build::context::walk(&self.opts.context, &matcher)
                                    .map_err(|e| Error::msg(e.to_string()))?,
                            );
                        }
                        let ctx = self.context.as_ref().expect("walked above");
                        let found = crate::build::context::resolve_sources(ctx, &path)
                            .map_err(|e| self.step_error(ins, e))?;
                        let digest = crate::build::context::digest_sources(ctx, &found)
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
#[allow(clippy::too_many_arguments)]
pub(super) fn run_plan(
    etc: &Path,
    config: &Value,
    argv: &[String],
    env: Vec<(String, String)>,
    network: NetworkMode,
    binds: Vec<crate::spec::BindMount>,
    tmpfs: Vec<crate::spec::TmpfsMount>,
    security: &super::StepSecurity,
) -> Result<(
    crate::run::plan::Plan,
    Option<crate::seccomp::SeccompProgram>,
    caps::CapsHashSet,
)> {
    // podman's defaults, as `run --rm` gives them, with the step's own process and mounts.
    let mut opts = crate::spec::RunOptions {
        image: "build-step".into(),
        rm: true,
        command: Some(argv.to_vec()),
        entrypoint: Some(vec![]),
        env,
        network,
        volumes: binds,
        tmpfs,
        user: cfg::text(config, "User")
            .as_deref()
            .and_then(crate::spec::UserSpec::parse),
        seccomp: security.seccomp.clone(),
        no_new_privs: security.no_new_privs,
        ..crate::spec::RunOptions::default()
    };
    opts.extras.ulimits = security.ulimits.clone();
    let defaults = crate::run::plan::ImageDefaults {
        entrypoint: vec![],
        cmd: vec![],
        env: vec![],
        workdir: cfg::text(config, "WorkingDir"),
        user: None,
    };
    let hostname = "buildhost".to_string();
    let (hosts, resolv) = crate::net::etc_files(
        &opts.network,
        &crate::spec::NetOptions::default(),
        &hostname,
        &hostname,
    );
    std::fs::write(etc.join("hosts"), hosts).context("write the step's /etc/hosts")?;
    std::fs::write(etc.join("hostname"), format!("{hostname}\n"))
        .context("write the step's /etc/hostname")?;
    std::fs::write(etc.join("resolv.conf"), resolv).context("write the step's /etc/resolv.conf")?;
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
        containerenv: false,
    })
    .context("plan the RUN step")?;
    let seccomp = crate::run::spawn::seccomp_program(&opts, &plan)?;
    Ok((plan, seccomp, supported))
}

/// Create the config's WorkingDir in the rootfs when it is missing (docker does this for
/// every step; an existing directory is left alone).
pub(super) fn ensure_workdir(root: &Root, config: &Value) -> std::io::Result<()> {
    if let Some(w) = cfg::text(config, "WorkingDir") {
        if !root.is_dir(&w) {
            root.mkdir_all(&w, 0o755, (0, 0))?;
        }
    }
    Ok(())
}

/// Remove the mount points the init created (empty files and directories that did not
/// exist before the step), deepest first, and their parents that are left empty.
pub(super) fn remove_mount_points(upper: &Path, targets: &[String]) {
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

/// A `RUN --mount` ready to mount.
#[derive(Debug, Clone)]
pub(super) struct RunMountPlan {
    /// The absolute mount point.
    pub(super) target: String,
    pub(super) readonly: bool,
    /// What the mount adds to the step's cache key.
    pub(super) key: String,
    pub(super) source: MountSource,
}

#[derive(Debug, Clone)]
pub(super) enum MountSource {
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
    /// A `--secret`: a file at the target (written to the step's directory, mode `mode`),
    /// and/or an environment variable `env`.
    Secret {
        id: String,
        source: super::SecretSource,
        env: Option<String>,
        mode: u32,
    },
    /// A secret that was not given and is not required.
    Skip,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let h = crate::build::ast::Heredoc {
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
