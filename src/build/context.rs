//! The build context: the directory `berth build` reads COPY/ADD sources from.
//!
//! [`walk`] lists the context once, honouring the `.dockerignore` / `.containerignore`
//! [`Matcher`]: excluded files are left out, excluded directories are not entered unless an
//! exception could re-include something below them (then only the parts that are included
//! appear, with the directories that lead to them). The list is deterministic: the root `.`
//! first, then a pre-order walk with each directory's entries sorted by name, so every
//! directory's subtree is the contiguous run of entries after it.
//!
//! [`resolve_sources`] finds what a COPY/ADD source names, with docker's rules: the source is
//! cleaned as if the context were `/` (`../x` is `x`: it cannot escape), a source with `*`,
//! `?` or `[` is a glob matched with Go's `path.Match` (a `*` never crosses a `/`), symbolic
//! links on the way (and the source itself) are followed inside the context, and a source that
//! matches nothing is an error naming it. [`digest_sources`] hashes what a COPY would copy
//! for the build cache.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ignore::{clean_path, has_wildcards, path_match, Matcher};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
}

/// One entry of the build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextFile {
    /// Slash-separated path relative to the context root; `.` for the root itself.
    pub rel: String,
    pub kind: FileKind,
    /// Permission bits with setuid/setgid/sticky (`mode & 0o7777`).
    pub mode: u32,
    /// Bytes, for regular files (0 otherwise).
    pub size: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    pub mtime: i64,
    pub mtime_nsec: i64,
    /// The owner on the host (COPY gives files 0:0 or `--chown` in the image).
    pub uid: u32,
    pub gid: u32,
    /// Where a symbolic link points, as stored.
    pub link_target: Option<String>,
}

/// The walked build context.
#[derive(Debug, Clone)]
pub struct Context {
    pub root: PathBuf,
    /// Root first, then pre-order, names sorted within each directory.
    pub files: Vec<ContextFile>,
    index: HashMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("read build context `{}`: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("build context `{}` is not a directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error("build context `{}`: file name is not UTF-8", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("source {pattern:?} matches no file in the build context `{}`", root.display())]
    NotFound { pattern: String, root: PathBuf },
    #[error(
        "source {pattern:?} is excluded by the .dockerignore/.containerignore file; hint: remove \
         the line that excludes it, or add !{rel}"
    )]
    Excluded { pattern: String, rel: String },
    #[error("source {pattern:?} is not a valid pattern: {why}")]
    BadPattern { pattern: String, why: &'static str },
    #[error("source {pattern:?}: too many levels of symbolic links in the build context")]
    SymlinkLoop { pattern: String },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ContextError + '_ {
    move |error| ContextError::Io {
        path: path.to_path_buf(),
        error,
    }
}

fn entry(rel: String, meta: &std::fs::Metadata, path: &Path) -> Result<ContextFile, ContextError> {
    let file_type = meta.file_type();
    let kind = if file_type.is_dir() {
        FileKind::Dir
    } else if file_type.is_symlink() {
        FileKind::Symlink
    } else {
        FileKind::File
    };
    let link_target = if kind == FileKind::Symlink {
        let target = std::fs::read_link(path).map_err(io_error(path))?;
        Some(target.to_string_lossy().into_owned())
    } else {
        None
    };
    Ok(ContextFile {
        rel,
        kind,
        mode: meta.mode() & 0o7777,
        size: if kind == FileKind::File {
            meta.len()
        } else {
            0
        },
        mtime: meta.mtime(),
        mtime_nsec: meta.mtime_nsec(),
        uid: meta.uid(),
        gid: meta.gid(),
        link_target,
    })
}

/// Lists the context directory, leaving out what `matcher` excludes. Sockets, FIFOs and device
/// nodes are not part of a context and are skipped.
pub fn walk(root: &Path, matcher: &Matcher) -> Result<Context, ContextError> {
    let meta = std::fs::metadata(root).map_err(io_error(root))?;
    if !meta.is_dir() {
        return Err(ContextError::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    let mut files = vec![entry(".".to_string(), &meta, root)?];
    walk_dir(root, "", matcher, &mut files)?;
    Ok(Context::from_files(root.to_path_buf(), files))
}

/// Adds the entries of one directory; true when at least one was included.
fn walk_dir(
    dir: &Path,
    prefix: &str,
    matcher: &Matcher,
    files: &mut Vec<ContextFile>,
) -> Result<bool, ContextError> {
    let mut names = Vec::new();
    for item in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let item = item.map_err(io_error(dir))?;
        names.push(item.file_name());
    }
    names.sort();
    let mut included_any = false;
    for name in names {
        let path = dir.join(&name);
        let Some(name) = name.to_str() else {
            return Err(ContextError::NotUtf8 { path });
        };
        let rel = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let meta = std::fs::symlink_metadata(&path).map_err(io_error(&path))?;
        let excluded = !matcher.is_empty() && matcher.is_excluded(&rel);
        let file_type = meta.file_type();
        if file_type.is_dir() {
            if excluded && !matcher.must_walk(&rel) {
                continue;
            }
            let at = files.len();
            files.push(entry(rel.clone(), &meta, &path)?);
            let below = walk_dir(&path, &rel, matcher, files)?;
            if excluded && !below {
                files.truncate(at);
                continue;
            }
            included_any = true;
        } else if file_type.is_file() || file_type.is_symlink() {
            if excluded {
                continue;
            }
            files.push(entry(rel, &meta, &path)?);
            included_any = true;
        }
    }
    Ok(included_any)
}

/// A COPY/ADD source as found: the path it was matched by and the entry it leads to (the
/// same, unless the source was a symbolic link, which is followed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedSource<'a> {
    /// The matched path, relative to the context (`.` for the root); its last part is the
    /// name a file gets when copied into a directory.
    pub matched: String,
    pub file: &'a ContextFile,
}

impl Context {
    /// A context from an entry list in walk order (root first).
    pub fn from_files(root: PathBuf, files: Vec<ContextFile>) -> Context {
        let index = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.rel.clone(), i))
            .collect();
        Context { root, files, index }
    }

    /// The entry at a relative path (no symlinks followed).
    pub fn get(&self, rel: &str) -> Option<&ContextFile> {
        self.index.get(rel).map(|&i| &self.files[i])
    }

    /// Everything below a directory entry (empty for other entries), in walk order.
    pub fn subtree(&self, dir: &ContextFile) -> &[ContextFile] {
        let Some(&at) = self.index.get(&dir.rel) else {
            return &[];
        };
        if dir.kind != FileKind::Dir {
            return &[];
        }
        if dir.rel == "." {
            return &self.files[1..];
        }
        let prefix = format!("{}/", dir.rel);
        let len = self.files[at + 1..]
            .iter()
            .take_while(|f| f.rel.starts_with(&prefix))
            .count();
        &self.files[at + 1..at + 1 + len]
    }

    /// The host path of an entry.
    pub fn host_path(&self, file: &ContextFile) -> PathBuf {
        if file.rel == "." {
            self.root.clone()
        } else {
            self.root.join(&file.rel)
        }
    }

    /// Follows a relative path inside the context, symbolic links included (at most 40), with
    /// `..` and absolute link targets kept inside the context.
    fn follow(&self, rel: &str, pattern: &str) -> Result<Option<usize>, ContextError> {
        let mut pending: Vec<String> = parts(rel).into_iter().rev().collect();
        let mut current = String::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            let candidate = if current.is_empty() {
                part.clone()
            } else {
                format!("{current}/{part}")
            };
            let Some(&at) = self.index.get(&candidate) else {
                return Ok(None);
            };
            let file = &self.files[at];
            match (&file.kind, &file.link_target) {
                (FileKind::Symlink, Some(target)) => {
                    hops += 1;
                    if hops > 40 {
                        return Err(ContextError::SymlinkLoop {
                            pattern: pattern.to_string(),
                        });
                    }
                    let base = if target.starts_with('/') {
                        target.clone()
                    } else {
                        format!("/{current}/{target}")
                    };
                    let resolved = clean_path(&base);
                    pending.extend(parts(&resolved).into_iter().rev());
                    current.clear();
                }
                _ => current = candidate,
            }
        }
        if current.is_empty() {
            return Ok(Some(0));
        }
        Ok(self.index.get(&current).copied())
    }
}

/// The non-empty parts of a path other than `.`.
fn parts(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect()
}

/// A source cleaned to a path inside the context: `../x`, `/x`, `./x` are all `x`; `.` and
/// `/` are the root `.`.
pub fn clean_source(pattern: &str) -> String {
    let cleaned = clean_path(&format!("/{pattern}"));
    match cleaned.trim_start_matches('/') {
        "" => ".".to_string(),
        rel => rel.to_string(),
    }
}

/// What a COPY/ADD source names in the context (see the module doc), symlinks followed.
pub fn resolve_sources<'a>(
    ctx: &'a Context,
    pattern: &str,
) -> Result<Vec<&'a ContextFile>, ContextError> {
    Ok(resolve_sources_named(ctx, pattern)?
        .into_iter()
        .map(|s| s.file)
        .collect())
}

/// Like [`resolve_sources`], keeping the path each entry was matched by.
pub fn resolve_sources_named<'a>(
    ctx: &'a Context,
    pattern: &str,
) -> Result<Vec<ResolvedSource<'a>>, ContextError> {
    let rel = clean_source(pattern);
    let mut found = Vec::new();
    if has_wildcards(&rel) {
        for file in ctx.files.iter().skip(1) {
            let matched = path_match(&rel, &file.rel).map_err(|why| ContextError::BadPattern {
                pattern: pattern.to_string(),
                why,
            })?;
            if !matched {
                continue;
            }
            if let Some(at) = ctx.follow(&file.rel, pattern)? {
                found.push(ResolvedSource {
                    matched: file.rel.clone(),
                    file: &ctx.files[at],
                });
            }
        }
        if found.is_empty() {
            return Err(ContextError::NotFound {
                pattern: pattern.to_string(),
                root: ctx.root.clone(),
            });
        }
        return Ok(found);
    }
    match ctx.follow(&rel, pattern)? {
        Some(at) => {
            found.push(ResolvedSource {
                matched: rel,
                file: &ctx.files[at],
            });
            Ok(found)
        }
        None if std::fs::symlink_metadata(ctx.root.join(&rel)).is_ok() => {
            Err(ContextError::Excluded {
                pattern: pattern.to_string(),
                rel,
            })
        }
        None => Err(ContextError::NotFound {
            pattern: pattern.to_string(),
            root: ctx.root.clone(),
        }),
    }
}

/// `sha256:<hex>` over what copying these sources reads: for each source and everything below
/// it, in order, the relative path, kind, permission bits, link target and file contents.
/// Times and host ownership are left out (COPY sets the owner), so the digest is the same
/// for the same content on every run.
pub fn digest_sources(ctx: &Context, sources: &[&ContextFile]) -> Result<String, ContextError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    for source in sources {
        let entries = std::iter::once(*source).chain(ctx.subtree(source));
        for file in entries {
            let kind = match file.kind {
                FileKind::File => 'f',
                FileKind::Dir => 'd',
                FileKind::Symlink => 'l',
            };
            hasher.update(format!(
                "{kind} {:o} {}:{}\0",
                file.mode,
                file.rel.len(),
                file.rel
            ));
            if let Some(target) = &file.link_target {
                hasher.update(format!("{}:{target}\0", target.len()));
            }
            if file.kind == FileKind::File {
                let path = ctx.host_path(file);
                let mut reader = std::fs::File::open(&path).map_err(io_error(&path))?;
                let mut total: u64 = 0;
                loop {
                    let n = reader.read(&mut buffer).map_err(io_error(&path))?;
                    if n == 0 {
                        break;
                    }
                    total += n as u64;
                    hasher.update(&buffer[..n]);
                }
                hasher.update(format!("\0{total}\0"));
            }
        }
        hasher.update(b"\n");
    }
    Ok(format!("sha256:{}", hex::encode(hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn write(root: &Path, rel: &str, content: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// A context with a few files, dirs and links.
    fn sample() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "Dockerfile", "FROM scratch\n");
        write(root, "a.txt", "a");
        write(root, "b.txt", "b");
        write(root, "src/main.rs", "fn main() {}");
        write(root, "src/lib/mod.rs", "");
        write(root, "docs/guide.md", "# guide");
        write(root, "docs/keep.md", "# keep");
        write(root, "node_modules/x/index.js", "x");
        symlink("a.txt", root.join("link")).unwrap();
        symlink("../../src", root.join("docs/up")).unwrap();
        symlink("/src/main.rs", root.join("abs")).unwrap();
        symlink("loop2", root.join("loop1")).unwrap();
        symlink("loop1", root.join("loop2")).unwrap();
        std::fs::set_permissions(root.join("b.txt"), std::fs::Permissions::from_mode(0o4755))
            .unwrap();
        dir
    }

    fn rels(ctx: &Context) -> Vec<&str> {
        ctx.files.iter().map(|f| f.rel.as_str()).collect()
    }

    fn ctx(dir: &tempfile::TempDir, ignore: &str) -> Context {
        walk(dir.path(), &Matcher::parse(ignore).unwrap()).unwrap()
    }

    #[test]
    fn walk_lists_everything_in_order() {
        let dir = sample();
        let c = ctx(&dir, "");
        assert_eq!(
            rels(&c),
            vec![
                ".",
                "Dockerfile",
                "a.txt",
                "abs",
                "b.txt",
                "docs",
                "docs/guide.md",
                "docs/keep.md",
                "docs/up",
                "link",
                "loop1",
                "loop2",
                "node_modules",
                "node_modules/x",
                "node_modules/x/index.js",
                "src",
                "src/lib",
                "src/lib/mod.rs",
                "src/main.rs",
            ]
        );
        let b = c.get("b.txt").unwrap();
        assert_eq!((b.kind, b.mode, b.size), (FileKind::File, 0o4755, 1));
        let link = c.get("link").unwrap();
        assert_eq!(link.kind, FileKind::Symlink);
        assert_eq!(link.link_target.as_deref(), Some("a.txt"));
        assert_eq!(c.get("src").unwrap().kind, FileKind::Dir);
        assert_eq!(c.files[0].kind, FileKind::Dir);
        // Subtrees are contiguous.
        let src = c.get("src").unwrap();
        let below: Vec<&str> = c.subtree(src).iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(below, vec!["src/lib", "src/lib/mod.rs", "src/main.rs"]);
        assert_eq!(c.subtree(&c.files[0]).len(), c.files.len() - 1);
        assert!(c.subtree(c.get("a.txt").unwrap()).is_empty());
    }

    #[test]
    fn walk_honours_the_ignore_file() {
        let dir = sample();
        let c = ctx(
            &dir,
            "node_modules\n*.txt\n!b.txt\ndocs\n!docs/keep.md\nloop*\n",
        );
        assert_eq!(
            rels(&c),
            vec![
                ".",
                "Dockerfile",
                "abs",
                "b.txt",
                "docs",
                "docs/keep.md",
                "link",
                "src",
                "src/lib",
                "src/lib/mod.rs",
                "src/main.rs",
            ]
        );
        // An excluded directory whose exceptions match nothing is left out whole.
        let c = ctx(&dir, "*\n!src/**/*.rs\n!docs/nothing\n");
        assert_eq!(
            rels(&c),
            vec![".", "src", "src/lib", "src/lib/mod.rs", "src/main.rs"]
        );
    }

    #[test]
    fn resolve_plain_paths() {
        let dir = sample();
        let c = ctx(&dir, "docs/guide.md\n");
        let one = |p: &str| -> Vec<String> {
            resolve_sources(&c, p)
                .unwrap()
                .iter()
                .map(|f| f.rel.clone())
                .collect()
        };
        assert_eq!(one("a.txt"), vec!["a.txt"]);
        assert_eq!(one("./a.txt"), vec!["a.txt"]);
        assert_eq!(one("/a.txt"), vec!["a.txt"]);
        assert_eq!(one("../../a.txt"), vec!["a.txt"]);
        assert_eq!(one("src/"), vec!["src"]);
        assert_eq!(one("."), vec!["."]);
        assert_eq!(one(".."), vec!["."]);
        // Symbolic links are followed inside the context.
        assert_eq!(one("link"), vec!["a.txt"]);
        assert_eq!(one("abs"), vec!["src/main.rs"]);
        assert_eq!(one("docs/up/main.rs"), vec!["src/main.rs"]);
        let named = resolve_sources_named(&c, "link").unwrap();
        assert_eq!(named[0].matched, "link");
        assert_eq!(named[0].file.rel, "a.txt");
        // Errors name the source.
        let e = resolve_sources(&c, "missing.txt").unwrap_err();
        assert!(matches!(e, ContextError::NotFound { .. }));
        assert!(
            e.to_string().contains("\"missing.txt\" matches no file"),
            "{e}"
        );
        let e = resolve_sources(&c, "docs/guide.md").unwrap_err();
        assert!(matches!(e, ContextError::Excluded { .. }), "{e}");
        assert!(e.to_string().contains("hint:"));
        let e = resolve_sources(&c, "loop1").unwrap_err();
        assert!(matches!(e, ContextError::SymlinkLoop { .. }), "{e}");
    }

    #[test]
    fn resolve_globs() {
        let dir = sample();
        let c = ctx(&dir, "");
        let glob = |p: &str| -> Vec<String> {
            resolve_sources_named(&c, p)
                .unwrap()
                .iter()
                .map(|s| s.matched.clone())
                .collect()
        };
        assert_eq!(glob("*.txt"), vec!["a.txt", "b.txt"]);
        assert_eq!(glob("docs/*.md"), vec!["docs/guide.md", "docs/keep.md"]);
        assert_eq!(glob("*/*.rs"), vec!["src/main.rs"]);
        assert_eq!(glob("[ab].txt"), vec!["a.txt", "b.txt"]);
        assert_eq!(glob("?.txt"), vec!["a.txt", "b.txt"]);
        assert_eq!(glob("../*.txt"), vec!["a.txt", "b.txt"]);
        let e = resolve_sources(&c, "*.none").unwrap_err();
        assert!(e.to_string().contains("\"*.none\" matches no file"), "{e}");
        assert!(matches!(
            resolve_sources(&c, "[a").unwrap_err(),
            ContextError::BadPattern { .. }
        ));
    }

    #[test]
    fn digests_are_stable_and_content_sensitive() {
        let dir = sample();
        let c = ctx(&dir, "");
        let digest = |c: &Context, p: &str| {
            let sources = resolve_sources(c, p).unwrap();
            digest_sources(c, &sources).unwrap()
        };
        let first = digest(&c, "src");
        assert!(first.starts_with("sha256:") && first.len() == 71);
        assert_eq!(first, digest(&ctx(&dir, ""), "src"));
        assert_ne!(first, digest(&c, "docs"));
        // mtimes do not count.
        let f = std::fs::File::options()
            .write(true)
            .open(dir.path().join("src/main.rs"))
            .unwrap();
        f.set_modified(std::time::SystemTime::UNIX_EPOCH).unwrap();
        assert_eq!(first, digest(&ctx(&dir, ""), "src"));
        // Contents do.
        write(dir.path(), "src/main.rs", "fn main() { }");
        assert_ne!(first, digest(&ctx(&dir, ""), "src"));
        // Modes do.
        let before = digest(&c, "a.txt");
        std::fs::set_permissions(
            dir.path().join("a.txt"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        assert_ne!(before, digest(&ctx(&dir, ""), "a.txt"));
        // New files below a source do.
        let before = digest(&ctx(&dir, ""), "docs");
        write(dir.path(), "docs/new.md", "");
        assert_ne!(before, digest(&ctx(&dir, ""), "docs"));
    }

    #[test]
    fn not_a_directory() {
        let dir = sample();
        let e = walk(&dir.path().join("a.txt"), &Matcher::default()).unwrap_err();
        assert!(matches!(e, ContextError::NotADirectory { .. }));
        let e = walk(&dir.path().join("nope"), &Matcher::default()).unwrap_err();
        assert!(matches!(e, ContextError::Io { .. }));
    }

    #[test]
    fn cleaned_sources() {
        assert_eq!(clean_source("../x"), "x");
        assert_eq!(clean_source("a/../../b/"), "b");
        assert_eq!(clean_source("/"), ".");
        assert_eq!(clean_source("./"), ".");
    }
}
