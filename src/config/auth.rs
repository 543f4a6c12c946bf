//! Registry credentials in podman's `auth.json` format:
//! `{"auths": {"registry:port": {"auth": base64("user:pass")}}}`.
//!
//! berth writes `$XDG_RUNTIME_DIR/containers/auth.json` (or an explicit `--authfile`), mode
//! 0600, atomically. Lookups read, in order, `--authfile` (or `$REGISTRY_AUTH_FILE`) alone when
//! given; otherwise `$XDG_RUNTIME_DIR/containers/auth.json`,
//! `$XDG_CONFIG_HOME/containers/auth.json` and `~/.docker/config.json`. Within a file the most
//! specific key wins: `host/ns/repo`, then `host/ns`, then `host`, then legacy
//! `https://host/v1/`-style keys.
//!
//! A [`Credential`] never shows its secret: its `Debug` redacts it, it has no `Display`, and
//! no error here carries file contents.

use std::fmt;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value};

/// Errors reading or writing an auth file. None of them carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("parse `{path}`: not valid JSON at line {line}")]
    Json { path: PathBuf, line: usize },
    #[error("parse `{path}`: `auths` is not an object")]
    Shape { path: PathBuf },
    #[error("parse `{path}`: the credential for `{key}` is not base64 of `user:password`")]
    BadEntry { path: PathBuf, key: String },
    #[error("neither XDG_RUNTIME_DIR nor an --authfile is set")]
    NoRuntimeDir,
    #[error("`{key}` is not a registry or repository")]
    BadKey { key: String },
}

/// A user name and password (or token). The secret is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    secret: String,
}

impl Credential {
    pub fn new(username: impl Into<String>, secret: impl Into<String>) -> Self {
        Credential {
            username: username.into(),
            secret: secret.into(),
        }
    }

    /// Parse `--creds user[:password]`.
    pub fn from_creds(creds: &str) -> Self {
        match creds.split_once(':') {
            Some((u, p)) => Self::new(u, p),
            None => Self::new(creds, ""),
        }
    }

    /// The password or token, for building an `Authorization` header only.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `base64(user:password)`, as auth.json and HTTP basic auth use it.
    pub fn basic_token(&self) -> String {
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.username, self.secret))
    }

    fn from_basic_token(text: &str) -> Option<Self> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()?;
        let s = String::from_utf8(bytes).ok()?;
        let (u, p) = s.split_once(':')?;
        Some(Self::new(u, p))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The auth files of one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFiles {
    /// Where `login` writes and `logout` removes.
    pub write: PathBuf,
    /// Where lookups read, first match wins.
    pub read: Vec<PathBuf>,
}

impl AuthFiles {
    /// Compute the paths from an environment lookup (pure). `explicit` is `--authfile`.
    pub fn from_env(
        get: impl Fn(&str) -> Option<String>,
        explicit: Option<&Path>,
    ) -> Result<Self, AuthError> {
        let nonempty = |k: &str| get(k).filter(|v| !v.is_empty());
        let explicit = explicit
            .map(Path::to_path_buf)
            .or_else(|| nonempty("REGISTRY_AUTH_FILE").map(PathBuf::from));
        if let Some(p) = explicit {
            return Ok(AuthFiles {
                write: p.clone(),
                read: vec![p],
            });
        }
        let runtime = nonempty("XDG_RUNTIME_DIR")
            .map(|d| PathBuf::from(d).join("containers/auth.json"))
            .ok_or(AuthError::NoRuntimeDir)?;
        let home = nonempty("HOME").map(PathBuf::from);
        let mut read = vec![runtime.clone()];
        if let Some(c) = nonempty("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")))
        {
            read.push(c.join("containers/auth.json"));
        }
        if let Some(h) = home {
            read.push(h.join(".docker/config.json"));
        }
        Ok(AuthFiles {
            write: runtime,
            read,
        })
    }

    /// The files of this process's environment.
    pub fn discover(explicit: Option<&Path>) -> Result<Self, AuthError> {
        Self::from_env(|k| std::env::var(k).ok(), explicit)
    }

    /// The credential for `registry` (`host[:port]`) and `repository` (`ns/name`), if any.
    pub fn lookup(
        &self,
        registry: &str,
        repository: &str,
    ) -> Result<Option<Credential>, AuthError> {
        for path in &self.read {
            let Some(doc) = read_doc(path)? else { continue };
            if let Some(c) = lookup_in(&doc, path, registry, repository)? {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// Store `cred` for `key` (`host[:port]` or `host/ns/repo`) in the write file.
    pub fn login(&self, key: &str, cred: &Credential) -> Result<(), AuthError> {
        let key = normalize_key(key)?;
        let mut doc = read_doc(&self.write)?.unwrap_or_default();
        auths_mut(&mut doc, &self.write)?.insert(
            key,
            Value::Object(Map::from_iter([(
                "auth".to_string(),
                Value::String(cred.basic_token()),
            )])),
        );
        write_doc(&self.write, &doc)
    }

    /// Remove `key`'s credential from the write file; false if there was none.
    pub fn logout(&self, key: &str) -> Result<bool, AuthError> {
        let key = normalize_key(key)?;
        let Some(mut doc) = read_doc(&self.write)? else {
            return Ok(false);
        };
        let auths = auths_mut(&mut doc, &self.write)?;
        let legacy: Vec<String> = auths
            .keys()
            .filter(|k| *k != &key && legacy_host(k).is_some_and(|h| h == key))
            .cloned()
            .collect();
        let mut removed = auths.remove(&key).is_some();
        for k in legacy {
            removed |= auths.remove(&k).is_some();
        }
        if removed {
            write_doc(&self.write, &doc)?;
        }
        Ok(removed)
    }

    /// Remove every credential from the write file (`logout --all`).
    pub fn logout_all(&self) -> Result<(), AuthError> {
        let Some(mut doc) = read_doc(&self.write)? else {
            return Ok(());
        };
        auths_mut(&mut doc, &self.write)?.clear();
        write_doc(&self.write, &doc)
    }
}

/// `https://host/v1/` → `host`, for keys docker writes; `None` for plain keys.
fn legacy_host(key: &str) -> Option<&str> {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))?;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn normalize_key(key: &str) -> Result<String, AuthError> {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key)
        .trim_end_matches('/');
    if k.is_empty() || k.contains(['@', ' ']) || k.starts_with('/') {
        return Err(AuthError::BadKey {
            key: key.to_string(),
        });
    }
    Ok(if k == "index.docker.io" || k == "registry-1.docker.io" {
        "docker.io".to_string()
    } else {
        k.to_string()
    })
}

fn read_doc(path: &Path) -> Result<Option<Map<String, Value>>, AuthError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(AuthError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Map::new()));
    }
    match serde_json::from_slice::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(Some(m)),
        Ok(_) => Err(AuthError::Shape {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(AuthError::Json {
            path: path.to_path_buf(),
            line: e.line(),
        }),
    }
}

fn auths_mut<'a>(
    doc: &'a mut Map<String, Value>,
    path: &Path,
) -> Result<&'a mut Map<String, Value>, AuthError> {
    match doc
        .entry("auths")
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(m) => Ok(m),
        _ => Err(AuthError::Shape {
            path: path.to_path_buf(),
        }),
    }
}

fn lookup_in(
    doc: &Map<String, Value>,
    path: &Path,
    registry: &str,
    repository: &str,
) -> Result<Option<Credential>, AuthError> {
    let Some(auths) = doc.get("auths") else {
        return Ok(None);
    };
    let Value::Object(auths) = auths else {
        return Err(AuthError::Shape {
            path: path.to_path_buf(),
        });
    };
    for key in candidate_keys(registry, repository) {
        if let Some(entry) = auths.get(&key) {
            if let Some(c) = entry_credential(entry, path, &key)? {
                return Ok(Some(c));
            }
        }
    }
    // Legacy docker keys: `https://index.docker.io/v1/`, `http://host:5000`.
    let want = if registry == "docker.io" {
        "index.docker.io"
    } else {
        registry
    };
    for (key, entry) in auths {
        if legacy_host(key).is_some_and(|h| h == want || h == registry) {
            if let Some(c) = entry_credential(entry, path, key)? {
                return Ok(Some(c));
            }
        }
    }
    Ok(None)
}

/// The keys to try, most specific first: `host/a/b`, `host/a`, `host`.
fn candidate_keys(registry: &str, repository: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut repo = repository.trim_matches('/');
    while !repo.is_empty() {
        keys.push(format!("{registry}/{repo}"));
        repo = match repo.rfind('/') {
            Some(i) => &repo[..i],
            None => "",
        };
    }
    keys.push(registry.to_string());
    keys
}

fn entry_credential(
    entry: &Value,
    path: &Path,
    key: &str,
) -> Result<Option<Credential>, AuthError> {
    let bad = || AuthError::BadEntry {
        path: path.to_path_buf(),
        key: key.to_string(),
    };
    match entry.get("auth") {
        Some(Value::String(s)) if !s.is_empty() => {
            Credential::from_basic_token(s).map(Some).ok_or_else(bad)
        }
        Some(Value::String(_)) | None => Ok(None),
        Some(_) => Err(bad()),
    }
}

/// Write `doc` to `path` atomically with mode 0600, creating the directory (0700).
fn write_doc(path: &Path, doc: &Map<String, Value>) -> Result<(), AuthError> {
    let werr = |source| AuthError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    if !dir.as_os_str().is_empty() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(werr)?;
    }
    let mut text = serde_json::to_vec_pretty(doc).map_err(|e| werr(io::Error::other(e)))?;
    text.push(b'\n');
    let name = path
        .file_name()
        .map_or_else(|| "auth.json".into(), |n| n.to_string_lossy().into_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(&text)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(werr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn files(dir: &Path) -> AuthFiles {
        AuthFiles {
            write: dir.join("run/containers/auth.json"),
            read: vec![
                dir.join("run/containers/auth.json"),
                dir.join("home/.docker/config.json"),
            ],
        }
    }

    #[test]
    fn debug_redacts_the_secret() {
        let c = Credential::new("alice", "hunter2-very-secret");
        let d = format!("{c:?} {:#?}", Some(&c));
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("alice") && d.contains("<redacted>"));
        let e = AuthError::BadEntry {
            path: "/a".into(),
            key: "r.io".into(),
        };
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn creds_and_basic_round_trip() {
        let c = Credential::from_creds("bob:pa:ss");
        assert_eq!(c.username, "bob");
        assert_eq!(c.secret(), "pa:ss");
        assert_eq!(Credential::from_basic_token(&c.basic_token()), Some(c));
        assert_eq!(Credential::new("u", "p").basic_token(), "dTpw");
        assert_eq!(Credential::from_creds("solo").secret(), "");
    }

    #[test]
    fn paths_from_env() {
        let env = |k: &str| match k {
            "XDG_RUNTIME_DIR" => Some("/run/user/1".to_string()),
            "HOME" => Some("/home/u".to_string()),
            _ => None,
        };
        let f = AuthFiles::from_env(env, None).unwrap();
        assert_eq!(f.write, PathBuf::from("/run/user/1/containers/auth.json"));
        assert_eq!(
            f.read,
            vec![
                PathBuf::from("/run/user/1/containers/auth.json"),
                PathBuf::from("/home/u/.config/containers/auth.json"),
                PathBuf::from("/home/u/.docker/config.json"),
            ]
        );
        let f = AuthFiles::from_env(env, Some(Path::new("/x.json"))).unwrap();
        assert_eq!(f.read, vec![PathBuf::from("/x.json")]);
        assert_eq!(f.write, PathBuf::from("/x.json"));
        assert!(matches!(
            AuthFiles::from_env(|_| None, None),
            Err(AuthError::NoRuntimeDir)
        ));
    }

    #[test]
    fn login_lookup_logout_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        assert_eq!(f.lookup("r.io:5000", "a/b").unwrap(), None);
        f.login("r.io:5000", &Credential::new("u", "p")).unwrap();
        f.login("https://r.io:5000/team/", &Credential::new("t", "q"))
            .unwrap();
        let meta = std::fs::metadata(&f.write).unwrap();
        assert_eq!(meta.mode() & 0o777, 0o600);
        let text = std::fs::read_to_string(&f.write).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["auths"]["r.io:5000"]["auth"], "dTpw");
        assert_eq!(
            f.lookup("r.io:5000", "team/app").unwrap().unwrap().username,
            "t"
        );
        assert_eq!(
            f.lookup("r.io:5000", "other/app")
                .unwrap()
                .unwrap()
                .username,
            "u"
        );
        assert!(f.logout("r.io:5000/team").unwrap());
        assert!(!f.logout("r.io:5000/team").unwrap());
        assert_eq!(
            f.lookup("r.io:5000", "team/app").unwrap().unwrap().username,
            "u"
        );
        f.logout_all().unwrap();
        assert_eq!(f.lookup("r.io:5000", "team/app").unwrap(), None);
        // No temp files are left behind.
        let left: Vec<_> = std::fs::read_dir(f.write.parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn lookup_order_across_files_and_legacy_keys() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        let docker = dir.path().join("home/.docker/config.json");
        std::fs::create_dir_all(docker.parent().unwrap()).unwrap();
        std::fs::write(
            &docker,
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"ZDpo"},"q.io":{"auth":"cTpx"}},"credsStore":"x"}"#,
        )
        .unwrap();
        assert_eq!(
            f.lookup("docker.io", "library/alpine")
                .unwrap()
                .unwrap()
                .username,
            "d"
        );
        assert_eq!(f.lookup("q.io", "a").unwrap().unwrap().username, "q");
        // The first file wins over the docker one.
        f.login("q.io", &Credential::new("mine", "s")).unwrap();
        assert_eq!(f.lookup("q.io", "a").unwrap().unwrap().username, "mine");
        // Unknown fields of the written file survive a login.
        std::fs::write(&f.write, r#"{"auths":{},"credHelpers":{"x.io":"pass"}}"#).unwrap();
        f.login("z.io", &Credential::new("z", "z")).unwrap();
        let v: Value = serde_json::from_slice(&std::fs::read(&f.write).unwrap()).unwrap();
        assert_eq!(v["credHelpers"]["x.io"], "pass");
    }

    #[test]
    fn candidate_keys_most_specific_first() {
        assert_eq!(
            candidate_keys("h:1", "a/b/c"),
            vec!["h:1/a/b/c", "h:1/a/b", "h:1/a", "h:1"]
        );
        assert_eq!(candidate_keys("h", ""), vec!["h"]);
    }

    #[test]
    fn malformed_files_are_errors_without_contents() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        std::fs::create_dir_all(f.write.parent().unwrap()).unwrap();
        std::fs::write(&f.write, "{\"auths\": {\"r\": {\"auth\": \"!!secret!!\"}}}").unwrap();
        let e = f.lookup("r", "x").unwrap_err().to_string();
        assert!(e.contains("`r`") && !e.contains("secret"), "{e}");
        std::fs::write(&f.write, "{ nope").unwrap();
        assert!(matches!(
            f.lookup("r", "x").unwrap_err(),
            AuthError::Json { line: 1, .. }
        ));
        std::fs::write(&f.write, "{\"auths\": []}").unwrap();
        assert!(matches!(
            f.login("r", &Credential::new("a", "b")).unwrap_err(),
            AuthError::Shape { .. }
        ));
        assert!(matches!(
            f.login("", &Credential::new("a", "b")),
            Err(AuthError::BadKey { .. })
        ));
    }
}
