//! COPY and ADD steps: sources (context, stage, image, heredoc, URL, archive), their
//! destinations and digest, and the writes into the step's rootfs.

use super::*;

impl Builder<'_> {
    /// COPY/ADD into the step's rootfs.
    pub(super) fn exec_copy(
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
            Some(
                frontend::Ignore::load(&self.opts.context, self.opts.ignorefile.as_deref())
                    .context("read the ignore file")?,
            )
        } else {
            None
        };
        let excluder = (!plan.excludes.is_empty())
            .then(|| crate::build::ignore::Matcher::from_patterns(&plan.excludes))
            .transpose()
            .map_err(|e| self.step_error(ins, format!("--exclude: {e}")))?;
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
                        let rel = p.to_string_lossy();
                        let excluded = excluder
                            .as_ref()
                            .is_some_and(|m| m.is_excluded(&rel) && !(is_dir && m.must_walk(&rel)));
                        excluded
                            || ignore.as_ref().is_some_and(|ig| {
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
    pub(super) fn plan_copy(
        &mut self,
        stage: &Stage,
        ins: &Instruction,
        c: &CopyArgs,
        is_add: bool,
        vars: &[(String, String)],
        state: &State,
    ) -> Result<CopyPlan> {
        let mut excludes = Vec::new();
        for e in &c.excludes {
            excludes.push(self.expand(ins, e, vars)?);
        }
        let excluder = (!excludes.is_empty())
            .then(|| crate::build::ignore::Matcher::from_patterns(&excludes))
            .transpose()
            .map_err(|e| self.step_error(ins, format!("--exclude: {e}")))?;
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
        let mut sources: Vec<(String, Option<&crate::build::ast::Heredoc>)> = Vec::new();
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
            /// A path under the source root, with the name it was matched by (context), and
            /// with --parents the path it keeps under the destination.
            Path(PathBuf, Option<String>, Option<String>),
            Content(String, Vec<u8>),
            Url(String),
        }
        let mut resolved: Vec<Src> = Vec::new();
        let mut context_files: Vec<crate::build::context::ContextFile> = Vec::new();
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
                    let matcher = crate::build::ignore::Matcher::load(&self.opts.context)
                        .map_err(|e| Error::msg(e.to_string()))?;
                    self.context = Some(
                        crate::build::context::walk(&self.opts.context, &matcher)
                            .map_err(|e| Error::msg(e.to_string()))?,
                    );
                }
                let ctx = self.context.as_ref().expect("walked above");
                let found = crate::build::context::resolve_sources_named(ctx, s).map_err(|e| {
                    self.step_error(ins, e)
                        .hint("sources are relative to the context directory")
                })?;
                for f in found {
                    let name = f.matched.rsplit('/').next().unwrap_or(".").to_string();
                    let is_dir = f.file.kind == crate::build::context::FileKind::Dir;
                    if !is_dir && excluder.as_ref().is_some_and(|m| m.is_excluded(&name)) {
                        continue;
                    }
                    context_files.push(f.file.clone());
                    let kept = c
                        .parents
                        .then(|| crate::build::copy::parents_path(s, &f.matched));
                    resolved.push(Src::Path(PathBuf::from(&f.file.rel), Some(name), kept));
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
            for p in matches {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let is_dir = std::fs::metadata(src_root.join(&p)).is_ok_and(|m| m.is_dir());
                if !is_dir && excluder.as_ref().is_some_and(|m| m.is_excluded(&name)) {
                    continue;
                }
                let kept = c
                    .parents
                    .then(|| crate::build::copy::parents_path(s, &p.to_string_lossy()));
                resolved.push(Src::Path(p, None, kept));
            }
        }
        if !context_files.is_empty() {
            let ctx = self.context.as_ref().expect("walked above");
            let refs: Vec<&crate::build::context::ContextFile> = context_files.iter().collect();
            let d = crate::build::context::digest_sources(ctx, &refs)
                .map_err(|e| self.step_error(ins, e))?;
            hasher.update(d.as_bytes());
        }
        hasher.update(format!("{excludes:?}{}", c.parents).as_bytes());
        let many = resolved.len() > 1;
        let dest_dir = dest_is_dir_word || many || c.parents;
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
                Src::Path(rel, matched_name, kept) => {
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
                    let (dest, name_if_dir) = if let Some(k) = kept.filter(|k| !k.is_empty()) {
                        (format!("{}/{}", dest_abs.trim_end_matches('/'), k), None)
                    } else if md.is_dir() {
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
                    let got = crate::image::blob::sha256_digest(&data);
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
            excludes,
            digest: format!("sha256:{}", hex::encode(hasher.finalize())),
        })
    }

    pub(super) fn expand_heredoc(
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
}

/// `--chown USER[:GROUP]` against the rootfs's own /etc/passwd and /etc/group.
pub(super) fn resolve_chown(rootfs: &Path, spec: &str) -> std::result::Result<(u32, u32), String> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u.to_string(), Some(g.to_string())),
        None => (spec.to_string(), None),
    };
    let db = crate::run::user::UserDb::read(rootfs).map_err(|e| format!("--chown={spec}: {e}"))?;
    let (passwd, groups) = (db.passwd, db.group);
    let uid_spec = crate::spec::UserSpec {
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

/// One thing a COPY/ADD writes.
#[derive(Debug, Clone)]
pub(super) enum CopyItem {
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
pub(super) struct CopyPlan {
    pub(super) items: Vec<CopyItem>,
    pub(super) dest: String,
    pub(super) chown: Option<String>,
    pub(super) chmod: Option<u32>,
    pub(super) from_layers: Option<Vec<String>>,
    pub(super) is_add: bool,
    /// `--exclude` patterns (expanded), matched below each source.
    pub(super) excludes: Vec<String>,
    /// Digest of the sources' names, contents and metadata.
    pub(super) digest: String,
}

/// The source paths `pattern` names under `root` (relative paths, sorted): the path itself,
/// or each match of a glob (`*`, `?`, `[...]` per component). For `COPY --from` (an image
/// or a stage: no ignore file); context sources go through `context::resolve_sources_named`.
pub(super) fn glob_paths(root: &Path, pattern: &str) -> Vec<PathBuf> {
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

pub(super) fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `path` relative, `.`/`..` resolved without leaving the root.
pub(super) fn clean_rel(path: &str) -> String {
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
pub(super) fn digest_tree(h: &mut sha2::Sha256, host: &Path, rel: &Path) {
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
pub(super) fn expand_dollars(
    text: &str,
    vars: &[(String, String)],
) -> std::result::Result<String, String> {
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

/// Is `path` a tar archive (plain, gzip, zstd, xz or bzip2) that ADD unpacks? As docker, a
/// compressed file that holds no tar is copied as it is.
pub(super) fn is_archive(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|md| md.is_file()) && crate::image::archive::holds_tar(path)
}

/// ADD of a local archive: its entries written under `dest` (a directory), with the
/// archive's owners and modes, every path kept inside the rootfs.
pub(super) fn unpack_archive(root: &Root, src: &Path, dest: &str) -> std::io::Result<()> {
    let reader: Box<dyn std::io::Read> =
        crate::image::archive::decompressed(src).map_err(std::io::Error::other)?;
    // A GNU long name or PAX entry is held whole by the tar crate: the cap bounds it.
    let mut ar = tar::Archive::new(crate::image::blob::ExtensionCap::new(reader));
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
                    let tparts = crate::storage::layer::clean_link_target(&t)
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
pub(super) fn download(url: &str) -> std::result::Result<Vec<u8>, String> {
    let resp = ureq::get(url)
        .call()
        .map_err(|e| format!("download `{url}`: {e}"))?;
    let mut body = resp.into_body();
    body.read_to_vec()
        .map_err(|e| format!("download `{url}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn heredoc_dollars() {
        let vars = vec![("A".to_string(), "1".to_string())];
        assert_eq!(
            expand_dollars("x $A ${A} \\$A $B.", &vars).unwrap(),
            "x 1 1 $A ."
        );
    }
}
