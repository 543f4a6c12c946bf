//! registries.conf (version 2): unqualified-search registries and `[[registry]]` blocks with
//! their location, insecure and blocked flags and mirrors.
//!
//! Files, as containers-image reads them: `$CONTAINERS_REGISTRIES_CONF` alone when set;
//! otherwise `$XDG_CONFIG_HOME/containers/registries.conf` when it exists, else
//! `/etc/containers/registries.conf`, then the drop-ins `*.conf` of
//! `/etc/containers/registries.conf.d` and `$XDG_CONFIG_HOME/containers/registries.conf.d`,
//! each directory in name order. A drop-in that sets `unqualified-search-registries` replaces
//! the list, and a `[[registry]]` with an already known prefix replaces that block.
//!
//! Parsing and matching are pure; only [`RegistriesConf::load`] touches the file system.

use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Errors reading registries.conf.
#[derive(Debug, thiserror::Error)]
pub enum RegistriesError {
    #[error("read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("parse `{path}`: {message}")]
    Parse { path: PathBuf, message: String },
}

/// A `[[registry.mirror]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    /// `host[:port][/path]`.
    pub location: String,
    pub insecure: bool,
    /// `pull-from-mirror`: when this mirror may be used.
    pub pull_from: PullFrom,
}

/// When a mirror serves a pull (`pull-from-mirror`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullFrom {
    #[default]
    All,
    DigestOnly,
    TagOnly,
}

/// A `[[registry]]` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    /// What a reference must start with: `host[:port][/path]`, or `*.domain`.
    pub prefix: String,
    /// Where such references are really fetched from (the prefix is replaced by this).
    pub location: String,
    pub insecure: bool,
    pub blocked: bool,
    /// `mirror-by-digest-only`: mirrors are used only for references by digest.
    pub mirror_by_digest_only: bool,
    pub mirrors: Vec<Mirror>,
}

/// One place to try when pulling a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `host[:port]`.
    pub registry: String,
    /// The repository path on that registry (`library/alpine`).
    pub repository: String,
    /// Plain HTTP and unverified TLS are allowed (registries.conf `insecure = true`).
    pub insecure: bool,
    /// A mirror, rather than the primary location.
    pub mirror: bool,
}

/// The merged configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistriesConf {
    /// `unqualified-search-registries`, in order.
    pub unqualified_search: Vec<String>,
    pub registries: Vec<Registry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawFile {
    unqualified_search_registries: Option<Vec<String>>,
    #[serde(default)]
    registry: Vec<RawRegistry>,
    // Version 1 tables: refused with a clear message rather than silently ignored.
    registries: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawRegistry {
    prefix: Option<String>,
    location: Option<String>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<RawMirror>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawMirror {
    location: String,
    #[serde(default)]
    insecure: bool,
    pull_from_mirror: Option<String>,
}

impl RegistriesConf {
    /// Parse one file's text and merge it over `self` (drop-in semantics); `path` is only
    /// for error messages.
    pub fn merge_text(&mut self, text: &str, path: &Path) -> Result<(), RegistriesError> {
        let parse_err = |message: String| RegistriesError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            parse_err(match line {
                Some(n) => format!("line {n}: {}", e.message().trim()),
                None => e.message().trim().to_string(),
            })
        })?;
        if raw.registries.is_some() {
            return Err(parse_err(
                "version 1 `[registries.*]` tables are not supported; use version 2".into(),
            ));
        }
        if let Some(list) = raw.unqualified_search_registries {
            for host in &list {
                if host.is_empty() || host.contains('/') {
                    return Err(parse_err(format!(
                        "unqualified-search-registries: `{host}` is not a registry host"
                    )));
                }
            }
            self.unqualified_search = list;
        }
        for r in raw.registry {
            let location = r.location.map(|l| trim_location(&l).to_string());
            let prefix = match (r.prefix, &location) {
                (Some(p), _) => trim_location(&p).to_string(),
                (None, Some(l)) => l.clone(),
                (None, None) => {
                    return Err(parse_err(
                        "a [[registry]] needs a `prefix` or a `location`".into(),
                    ))
                }
            };
            validate_prefix(&prefix).map_err(&parse_err)?;
            let location = match location {
                Some(l) if l.is_empty() => {
                    return Err(parse_err(format!("registry `{prefix}`: empty `location`")))
                }
                Some(l) => l,
                None if prefix.starts_with("*.") => String::new(),
                None => prefix.clone(),
            };
            let mut mirrors = Vec::with_capacity(r.mirror.len());
            for m in r.mirror {
                let pull_from = match m.pull_from_mirror.as_deref() {
                    None | Some("" | "all") => PullFrom::All,
                    Some("digest-only") => PullFrom::DigestOnly,
                    Some("tag-only") => PullFrom::TagOnly,
                    Some(other) => {
                        return Err(parse_err(format!(
                            "registry `{prefix}`: unknown pull-from-mirror `{other}` (all, digest-only, tag-only)"
                        )))
                    }
                };
                let location = trim_location(&m.location).to_string();
                if location.is_empty() {
                    return Err(parse_err(format!(
                        "registry `{prefix}`: a mirror has an empty `location`"
                    )));
                }
                mirrors.push(Mirror {
                    location,
                    insecure: m.insecure,
                    pull_from,
                });
            }
            let reg = Registry {
                prefix,
                location,
                insecure: r.insecure,
                blocked: r.blocked,
                mirror_by_digest_only: r.mirror_by_digest_only,
                mirrors,
            };
            match self.registries.iter_mut().find(|x| x.prefix == reg.prefix) {
                Some(slot) => *slot = reg,
                None => self.registries.push(reg),
            }
        }
        Ok(())
    }

    /// Parse a single file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Self, RegistriesError> {
        let mut conf = Self::default();
        conf.merge_text(text, path)?;
        Ok(conf)
    }

    /// The files to read, in order, given the environment (pure apart from `exists`).
    pub fn files(
        get: impl Fn(&str) -> Option<String>,
        exists: impl Fn(&Path) -> bool,
    ) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
        if let Some(f) = nonempty("CONTAINERS_REGISTRIES_CONF") {
            return (vec![PathBuf::from(f)], Vec::new());
        }
        let user_dir = nonempty("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".config")))
            .map(|d| d.join("containers"));
        let system = PathBuf::from("/etc/containers");
        let main = match &user_dir {
            Some(d) if exists(&d.join("registries.conf")) => d.join("registries.conf"),
            _ => system.join("registries.conf"),
        };
        let mut dirs = vec![system.join("registries.conf.d")];
        if let Some(d) = user_dir {
            dirs.push(d.join("registries.conf.d"));
        }
        (vec![main], dirs)
    }

    /// Read the configuration of this process's environment. Missing files are no error.
    pub fn load() -> Result<Self, RegistriesError> {
        let (mains, dirs) = Self::files(|k| std::env::var(k).ok(), Path::exists);
        let mut paths = mains;
        for dir in dirs {
            let entries = match std::fs::read_dir(&dir) {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(source) => return Err(RegistriesError::Read { path: dir, source }),
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "conf"))
                .collect();
            found.sort();
            paths.extend(found);
        }
        Self::load_files(&paths)
    }

    /// Read and merge `paths` in order; missing files are skipped.
    pub fn load_files(paths: &[PathBuf]) -> Result<Self, RegistriesError> {
        let mut conf = Self::default();
        for path in paths {
            match std::fs::read_to_string(path) {
                Ok(text) => conf.merge_text(&text, path)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(RegistriesError::Read {
                        path: path.clone(),
                        source,
                    })
                }
            }
        }
        Ok(conf)
    }

    /// The `[[registry]]` block with the longest prefix matching `name` (a fully qualified
    /// `host[:port]/path`, optionally with `:tag` and/or `@digest`).
    pub fn find(&self, name: &str) -> Option<&Registry> {
        let mut best: Option<(&Registry, usize)> = None;
        for r in &self.registries {
            if let Some(len) = prefix_match(&r.prefix, name) {
                if best.is_none_or(|(_, b)| len > b) {
                    best = Some((r, len));
                }
            }
        }
        best.map(|(r, _)| r)
    }

    /// Is pulling or pushing `name` forbidden?
    pub fn is_blocked(&self, name: &str) -> bool {
        self.find(name).is_some_and(|r| r.blocked)
    }

    /// Does registries.conf allow plain HTTP / unverified TLS for `name`'s primary location?
    pub fn is_insecure(&self, name: &str) -> bool {
        self.find(name).is_some_and(|r| r.insecure)
    }

    /// Where to pull `name` from, in order: the usable mirrors, then the primary location.
    /// `name` is `host[:port]/path[:tag][@digest]`; the endpoints' repositories have no
    /// tag or digest. Blocking is not checked here (see [`Self::is_blocked`]).
    pub fn resolve(&self, name: &str) -> Vec<Endpoint> {
        let (repo_name, by_digest) = strip_tag_digest(name);
        let Some(reg) = self.find(repo_name) else {
            return split_location(repo_name, false, false)
                .into_iter()
                .collect();
        };
        // The matched part of the name is replaced by a location; a wildcard keeps the host.
        let matched = prefix_match(&reg.prefix, repo_name).unwrap_or(0);
        let rest = &repo_name[matched..];
        let rewrite = |location: &str| -> String {
            if location.is_empty() {
                repo_name.to_string()
            } else {
                format!("{location}{rest}")
            }
        };
        let mut out = Vec::new();
        if !reg.mirror_by_digest_only || by_digest {
            for m in &reg.mirrors {
                let usable = match m.pull_from {
                    PullFrom::All => true,
                    PullFrom::DigestOnly => by_digest,
                    PullFrom::TagOnly => !by_digest,
                };
                if usable {
                    out.extend(split_location(&rewrite(&m.location), m.insecure, true));
                }
            }
        }
        let primary = if reg.prefix.starts_with("*.") && reg.location.is_empty() {
            repo_name.to_string()
        } else {
            rewrite(&reg.location)
        };
        out.extend(split_location(&primary, reg.insecure, false));
        out
    }

    /// Where to push `name`: the primary location only (mirrors are for pulling).
    pub fn push_endpoint(&self, name: &str) -> Option<Endpoint> {
        self.resolve(name).into_iter().find(|e| !e.mirror)
    }
}

fn trim_location(s: &str) -> &str {
    let s = s.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    s.trim_end_matches('/')
}

fn validate_prefix(prefix: &str) -> Result<(), String> {
    if prefix.is_empty() {
        return Err("a [[registry]] has an empty `prefix`".into());
    }
    if let Some(domain) = prefix.strip_prefix("*.") {
        if domain.is_empty() || domain.contains(['/', '*', ':', '@']) {
            return Err(format!(
                "prefix `{prefix}`: a wildcard prefix must be `*.domain` with nothing after it"
            ));
        }
    } else if prefix.contains('*') {
        return Err(format!(
            "prefix `{prefix}`: `*` is only allowed as the leading `*.`"
        ));
    }
    Ok(())
}

/// How many bytes of `name` `prefix` matches, if it does: the match must end at a path,
/// tag or digest boundary. A `*.domain` prefix matches the host part only.
fn prefix_match(prefix: &str, name: &str) -> Option<usize> {
    if let Some(domain) = prefix.strip_prefix("*.") {
        let host_end = name.find('/').unwrap_or(name.len());
        let host = &name[..host_end];
        let host_only = host.split(':').next().unwrap_or(host);
        let suffix = format!(".{domain}");
        return (host_only.ends_with(&suffix) && host_only.len() > suffix.len())
            .then_some(host_end);
    }
    let rest = name.strip_prefix(prefix)?;
    match rest.chars().next() {
        None | Some('/' | ':' | '@') => Some(prefix.len()),
        _ => None,
    }
}

/// `host/repo:tag@sha256:..` → (`host/repo`, by digest?).
fn strip_tag_digest(name: &str) -> (&str, bool) {
    let (name, by_digest) = match name.split_once('@') {
        Some((n, _)) => (n, true),
        None => (name, false),
    };
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(i) => (&name[..slash + i], by_digest),
        None => (name, by_digest),
    }
}

fn split_location(location: &str, insecure: bool, mirror: bool) -> Option<Endpoint> {
    let (registry, repository) = location.split_once('/')?;
    Some(Endpoint {
        registry: registry.to_string(),
        repository: repository.to_string(),
        insecure,
        mirror,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONF: &str = r#"
unqualified-search-registries = ["registry.fedoraproject.org", "docker.io"]
short-name-mode = "enforcing"

[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "mirror.local:5000/hub"
insecure = true
[[registry.mirror]]
location = "digests.local"
pull-from-mirror = "digest-only"

[[registry]]
prefix = "docker.io/library/busybox"
location = "localhost:5000/bb"
insecure = true

[[registry]]
location = "evil.example.com"
blocked = true

[[registry]]
prefix = "*.corp.example"
insecure = true

[aliases]
"alp" = "docker.io/library/alpine"
"#;

    fn conf() -> RegistriesConf {
        RegistriesConf::parse(CONF, Path::new("r.conf")).unwrap()
    }

    #[test]
    fn parses_search_and_blocks() {
        let c = conf();
        assert_eq!(
            c.unqualified_search,
            vec!["registry.fedoraproject.org", "docker.io"]
        );
        assert_eq!(c.registries.len(), 4);
        assert_eq!(c.registries[2].prefix, "evil.example.com");
        assert_eq!(c.registries[0].mirrors[1].pull_from, PullFrom::DigestOnly);
    }

    #[test]
    fn longest_prefix_wins_and_boundaries_count() {
        let c = conf();
        assert_eq!(
            c.find("docker.io/library/busybox:1").unwrap().prefix,
            "docker.io/library/busybox"
        );
        assert_eq!(
            c.find("docker.io/library/busyboxy").unwrap().prefix,
            "docker.io"
        );
        assert!(c.find("docker.iox/a").is_none());
        assert!(c.find("quay.io/a/b").is_none());
        assert_eq!(
            c.find("r.corp.example:5000/x").unwrap().prefix,
            "*.corp.example"
        );
        assert!(c.find("corp.example/x").is_none());
    }

    #[test]
    fn resolve_puts_mirrors_first_and_rewrites() {
        let c = conf();
        let e = c.resolve("docker.io/library/alpine:3");
        assert_eq!(
            e,
            vec![
                Endpoint {
                    registry: "mirror.local:5000".into(),
                    repository: "hub/library/alpine".into(),
                    insecure: true,
                    mirror: true
                },
                Endpoint {
                    registry: "docker.io".into(),
                    repository: "library/alpine".into(),
                    insecure: false,
                    mirror: false
                },
            ]
        );
        let d = c.resolve("docker.io/library/alpine@sha256:abcd");
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].registry, "digests.local");
        let b = c.resolve("docker.io/library/busybox:latest");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].registry, "localhost:5000");
        assert_eq!(b[0].repository, "bb");
        assert!(b[0].insecure);
        let w = c.resolve("a.corp.example/team/app");
        assert_eq!(w[0].registry, "a.corp.example");
        assert_eq!(w[0].repository, "team/app");
        assert!(w[0].insecure);
        let plain = c.resolve("quay.io/podman/stable:v5");
        assert_eq!(plain[0].registry, "quay.io");
        assert_eq!(plain[0].repository, "podman/stable");
        assert!(!plain[0].insecure);
        assert_eq!(
            c.push_endpoint("docker.io/x/y").unwrap().registry,
            "docker.io"
        );
    }

    #[test]
    fn blocked_and_insecure() {
        let c = conf();
        assert!(c.is_blocked("evil.example.com/x/y:1"));
        assert!(!c.is_blocked("docker.io/x/y"));
        assert!(c.is_insecure("docker.io/library/busybox"));
        assert!(!c.is_insecure("docker.io/library/alpine"));
    }

    #[test]
    fn mirror_by_digest_only() {
        let c = RegistriesConf::parse(
            "[[registry]]\nlocation = \"r.io\"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = \"m.io\"\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(c.resolve("r.io/a:1").len(), 1);
        assert_eq!(c.resolve("r.io/a@sha256:00").len(), 2);
    }

    #[test]
    fn drop_ins_replace_lists_and_same_prefix() {
        let mut c = conf();
        c.merge_text(
            "unqualified-search-registries = [\"quay.io\"]\n[[registry]]\nlocation = \"evil.example.com\"\n",
            Path::new("d.conf"),
        )
        .unwrap();
        assert_eq!(c.unqualified_search, vec!["quay.io"]);
        assert!(!c.is_blocked("evil.example.com/x"));
        assert_eq!(c.registries.len(), 4);
        // A drop-in without the key leaves the list alone.
        c.merge_text("", Path::new("e.conf")).unwrap();
        assert_eq!(c.unqualified_search, vec!["quay.io"]);
    }

    #[test]
    fn malformed_files_name_file_and_problem() {
        let e = RegistriesConf::parse("[[registry]]\nprefix = 3\n", Path::new("/etc/r.conf"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("parse `/etc/r.conf`: line 2"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        for bad in [
            "[[registry]]\ninsecure = true\n",
            "[[registry]]\nprefix = \"a*b.io\"\n",
            "[[registry]]\nprefix = \"*.x.io/path\"\n",
            "[registries.search]\nregistries = [\"a\"]\n",
            "unqualified-search-registries = [\"a.io/ns\"]\n",
            "[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\nlocation = \"b\"\npull-from-mirror = \"sometimes\"\n",
        ] {
            let err = RegistriesConf::parse(bad, Path::new("r.conf")).unwrap_err();
            assert!(matches!(err, RegistriesError::Parse { .. }), "{bad}");
        }
    }

    #[test]
    fn file_order() {
        let env = |k: &str| match k {
            "XDG_CONFIG_HOME" => Some("/c".to_string()),
            _ => None,
        };
        let (mains, dirs) = RegistriesConf::files(env, |_| false);
        assert_eq!(
            mains,
            vec![PathBuf::from("/etc/containers/registries.conf")]
        );
        assert_eq!(
            dirs,
            vec![
                PathBuf::from("/etc/containers/registries.conf.d"),
                PathBuf::from("/c/containers/registries.conf.d")
            ]
        );
        let (mains, _) = RegistriesConf::files(env, |_| true);
        assert_eq!(mains, vec![PathBuf::from("/c/containers/registries.conf")]);
        let (mains, dirs) = RegistriesConf::files(
            |k| (k == "CONTAINERS_REGISTRIES_CONF").then(|| "/x.conf".to_string()),
            |_| true,
        );
        assert_eq!(mains, vec![PathBuf::from("/x.conf")]);
        assert!(dirs.is_empty());
    }

    #[test]
    fn load_files_merges_and_skips_missing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        std::fs::write(&a, "unqualified-search-registries = [\"a.io\"]\n").unwrap();
        let c = RegistriesConf::load_files(&[dir.path().join("missing.conf"), a]).unwrap();
        assert_eq!(c.unqualified_search, vec!["a.io"]);
    }
}
