//! `RUN --mount=...` values (pure): BuildKit's syntax and defaults.
//!
//! A mount is comma-separated `key=value` fields (CSV: a field may be double-quoted):
//! `type=bind|cache|tmpfs|secret|ssh` (default `bind`), `from=` (a stage or image; for `bind`
//! the default is the build context, for `cache` an empty directory), `source`/`src`,
//! `target`/`dst`/`destination`, `ro`/`readonly`, `rw`/`readwrite` (bare or `=bool`), `id`,
//! `sharing=shared|private|locked` (cache only), `size=` (tmpfs only), `mode`/`uid`/`gid`
//! (cache, secret, ssh), `required` (secret, ssh), `env=` (secret as an environment variable).
//! `bind` and `secret`/`ssh` mounts are read-only unless `rw` is given; `cache` and `tmpfs`
//! are writable. Values are expanded (ARG/ENV) before they are read; `from` may not use a
//! variable.

use super::ignore::clean_path;
use super::vars::VarsError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MountError {
    #[error("unsupported mount type {0:?}; hint: use bind, cache, tmpfs, secret or ssh")]
    Type(String),
    #[error("unsupported sharing value {0:?}; hint: use shared, private or locked")]
    Sharing(String),
    #[error("invalid field {0:?}: it must be a key=value pair")]
    NotKeyValue(String),
    #[error("unexpected key {key:?} for mount type {kind}")]
    KeyForType { key: String, kind: &'static str },
    #[error("unexpected key {key:?} in {field:?}")]
    UnknownKey { key: String, field: String },
    #[error("invalid value for {key}: {value:?}")]
    BadValue { key: String, value: String },
    #[error("'from' doesn't support variable expansion; hint: define a stage with FROM ${{ARG}} AS <name> and mount from it")]
    FromVariable,
    #[error("{0} not allowed for {1:?} type mounts")]
    FileInfo(&'static str, &'static str),
    #[error("secret mount should not have a from")]
    SecretFrom,
    #[error("secret mount should not define sharing")]
    SecretSharing,
    #[error("invalid secret mount: one of source, target required")]
    SecretTarget,
    #[error("invalid secret mount: both source and id can't be set")]
    SecretSourceAndId,
    #[error("invalid cache sharing set for {0} mount")]
    SharingForType(&'static str),
    #[error("invalid mount target {0:?}; hint: give target=<path>, not /")]
    Target(String),
    #[error("unterminated quote in the mount value")]
    Quote,
    #[error(transparent)]
    Expand(#[from] VarsError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

impl MountType {
    pub fn name(self) -> &'static str {
        match self {
            MountType::Bind => "bind",
            MountType::Cache => "cache",
            MountType::Tmpfs => "tmpfs",
            MountType::Secret => "secret",
            MountType::Ssh => "ssh",
        }
    }
}

/// How concurrent builds share a cache mount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sharing {
    #[default]
    Shared,
    Private,
    Locked,
}

/// One parsed `--mount`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMount {
    pub kind: MountType,
    pub from: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
    /// tmpfs size in bytes.
    pub size: Option<u64>,
    pub id: Option<String>,
    pub sharing: Option<Sharing>,
    pub required: bool,
    /// For a secret: expose it as this environment variable instead of a file.
    pub env: Option<String>,
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// Splits CSV fields (double quotes group, `""` is a quote inside them).
fn csv_fields(text: &str) -> Result<Vec<String>, MountError> {
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
    if quoted {
        return Err(MountError::Quote);
    }
    fields.push(field);
    Ok(fields)
}

fn parse_bool(key: &str, value: &str) -> Result<bool, MountError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "t" | "true" => Ok(true),
        "0" | "f" | "false" => Ok(false),
        _ => Err(MountError::BadValue {
            key: key.to_string(),
            value: value.to_string(),
        }),
    }
}

/// docker's `RAMInBytes`: `64m`, `1g`, `512k`, `1.5GiB`, `100` (bytes); binary multiples.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..number_len].parse().ok()?;
    let unit = text[number_len..].trim_start().to_ascii_lowercase();
    let unit = unit.strip_suffix('b').unwrap_or(&unit);
    let unit = unit.strip_suffix('i').unwrap_or(unit);
    let power = match unit {
        "" => 0,
        "k" => 1,
        "m" => 2,
        "g" => 3,
        "t" => 4,
        "p" => 5,
        _ => return None,
    };
    let bytes = number * 1024f64.powi(power);
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes as u64)
}

/// Parses one `--mount` value, expanding each value with `expand` first (`from` must not
/// need it).
pub fn parse_mount(
    raw: &str,
    expand: &dyn Fn(&str) -> Result<String, VarsError>,
) -> Result<RunMount, MountError> {
    let mut mount = RunMount {
        kind: MountType::Bind,
        from: None,
        source: None,
        target: None,
        read_only: false,
        size: None,
        id: None,
        sharing: None,
        required: false,
        env: None,
        mode: None,
        uid: None,
        gid: None,
    };
    let mut read_only_given = false;
    for field in csv_fields(raw)? {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v)),
            None => (field.to_ascii_lowercase(), None),
        };
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" => mount.read_only = true,
                "readwrite" | "rw" => mount.read_only = false,
                "required" if matches!(mount.kind, MountType::Secret | MountType::Ssh) => {
                    mount.required = true;
                }
                "required" => {
                    return Err(MountError::KeyForType {
                        key,
                        kind: mount.kind.name(),
                    });
                }
                _ => return Err(MountError::NotKeyValue(field.clone())),
            }
            read_only_given |= key != "required";
            continue;
        };
        if key == "from" {
            let at = value.find('$');
            if at.is_some_and(|i| i != value.len() - 1) {
                return Err(MountError::FromVariable);
            }
        }
        let value = expand(value)?;
        let bad = || MountError::BadValue {
            key: key.clone(),
            value: value.clone(),
        };
        match key.as_str() {
            "type" => {
                mount.kind = match value.to_ascii_lowercase().as_str() {
                    "bind" => MountType::Bind,
                    "cache" => MountType::Cache,
                    "tmpfs" => MountType::Tmpfs,
                    "secret" => MountType::Secret,
                    "ssh" => MountType::Ssh,
                    _ => return Err(MountError::Type(value)),
                }
            }
            "from" => mount.from = Some(value),
            "source" | "src" => mount.source = Some(value),
            "target" | "dst" | "destination" => mount.target = Some(value),
            "readonly" | "ro" => {
                mount.read_only = parse_bool(&key, &value)?;
                read_only_given = true;
            }
            "readwrite" | "rw" => {
                mount.read_only = !parse_bool(&key, &value)?;
                read_only_given = true;
            }
            "required" => {
                if !matches!(mount.kind, MountType::Secret | MountType::Ssh) {
                    return Err(MountError::KeyForType {
                        key,
                        kind: mount.kind.name(),
                    });
                }
                mount.required = parse_bool(&key, &value)?;
            }
            "size" => {
                if mount.kind != MountType::Tmpfs {
                    return Err(MountError::KeyForType {
                        key,
                        kind: mount.kind.name(),
                    });
                }
                mount.size = Some(parse_size(&value).ok_or_else(bad)?);
            }
            "id" => mount.id = Some(value),
            "sharing" => {
                mount.sharing = Some(match value.to_ascii_lowercase().as_str() {
                    "shared" => Sharing::Shared,
                    "private" => Sharing::Private,
                    "locked" => Sharing::Locked,
                    _ => return Err(MountError::Sharing(value)),
                })
            }
            "mode" => mount.mode = Some(u32::from_str_radix(&value, 8).map_err(|_| bad())?),
            "uid" => mount.uid = Some(value.parse().map_err(|_| bad())?),
            "gid" => mount.gid = Some(value.parse().map_err(|_| bad())?),
            "env" => mount.env = Some(value),
            _ => {
                return Err(MountError::UnknownKey {
                    key,
                    field: field.clone(),
                })
            }
        }
    }
    let kind = mount.kind;
    if !matches!(kind, MountType::Secret | MountType::Ssh | MountType::Cache) {
        for (name, set) in [
            ("mode", mount.mode.is_some()),
            ("uid", mount.uid.is_some()),
            ("gid", mount.gid.is_some()),
        ] {
            if set {
                return Err(MountError::FileInfo(name, kind.name()));
            }
        }
    }
    if !read_only_given {
        mount.read_only = !matches!(kind, MountType::Cache | MountType::Tmpfs);
    }
    if kind == MountType::Secret {
        if mount.from.is_some() {
            return Err(MountError::SecretFrom);
        }
        if mount.sharing.is_some() {
            return Err(MountError::SecretSharing);
        }
        if mount.source.is_none() && mount.target.is_none() && mount.id.is_none() {
            return Err(MountError::SecretTarget);
        }
        if mount.source.is_some() && mount.id.is_some() {
            return Err(MountError::SecretSourceAndId);
        }
    }
    if mount.sharing.is_some() && kind != MountType::Cache {
        return Err(MountError::SharingForType(kind.name()));
    }
    Ok(mount)
}

/// What the parser can check before variables are known: a mount without `$` is parsed in
/// full; one with `$` only has its `from` checked.
pub fn check_mount(raw: &str) -> Result<(), MountError> {
    if raw.contains('$') {
        for field in csv_fields(raw)? {
            if let Some((key, value)) = field.split_once('=') {
                let at = value.find('$');
                if key.eq_ignore_ascii_case("from") && at.is_some_and(|i| i != value.len() - 1) {
                    return Err(MountError::FromVariable);
                }
            }
        }
        return Ok(());
    }
    parse_mount(raw, &|v| Ok(v.to_string())).map(|_| ())
}

impl RunMount {
    /// The absolute mount point: `target` against the WORKDIR; `/` is refused.
    pub fn target_path(&self, workdir: &str) -> Result<String, MountError> {
        let target = self.target.clone().unwrap_or_default();
        let path = if target.starts_with('/') {
            clean_path(&target)
        } else {
            let workdir = if workdir.is_empty() { "/" } else { workdir };
            clean_path(&format!("/{workdir}/{target}"))
        };
        if path == "/" {
            return Err(MountError::Target(path));
        }
        Ok(path)
    }

    /// The path inside the source (context, stage or cache) to mount, `/` for all of it.
    pub fn source_path(&self) -> String {
        clean_path(&format!("/{}", self.source.as_deref().unwrap_or("")))
    }

    /// A cache mount's id: `id=`, else the cleaned target as written.
    pub fn cache_id(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => clean_path(self.target.as_deref().unwrap_or("")),
        }
    }

    /// A secret's id: `source`, else `id`, else the target's base name.
    pub fn secret_id(&self) -> Option<String> {
        self.source.clone().or_else(|| self.id.clone()).or_else(|| {
            let target = self.target.as_deref()?;
            Some(
                clean_path(target)
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
    }

    /// Where a secret file appears: `target`, else `/run/secrets/<id>`; `None` for a secret
    /// given as an environment variable (`env=`) without a target.
    pub fn secret_path(&self) -> Option<String> {
        if let Some(target) = &self.target {
            return Some(target.clone());
        }
        if self.env.is_some() {
            return None;
        }
        let id = self.secret_id()?;
        Some(format!(
            "/run/secrets/{}",
            id.rsplit('/').next().unwrap_or_default()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(raw: &str) -> Result<RunMount, MountError> {
        parse_mount(raw, &|v| Ok(v.to_string()))
    }

    #[test]
    fn defaults_per_type() {
        let m = plain("target=/src").unwrap();
        assert_eq!(m.kind, MountType::Bind);
        assert!(m.read_only);
        assert_eq!(m.target.as_deref(), Some("/src"));
        let m = plain("type=cache,target=/root/.cache").unwrap();
        assert!(!m.read_only);
        assert_eq!(m.cache_id(), "/root/.cache");
        let m = plain("type=tmpfs,target=/t,size=64m").unwrap();
        assert!(!m.read_only);
        assert_eq!(m.size, Some(64 << 20));
        let m = plain("type=bind,source=out,target=/in,from=build,rw").unwrap();
        assert!(!m.read_only);
        assert_eq!(m.from.as_deref(), Some("build"));
        assert_eq!(m.source_path(), "/out");
        let m = plain("type=cache,target=/c,ro").unwrap();
        assert!(m.read_only);
        let m = plain("type=bind,target=/c,readonly=false").unwrap();
        assert!(!m.read_only);
        let m =
            plain("TYPE=Cache,Target=/c,id=go,sharing=locked,mode=0755,uid=1000,gid=1000").unwrap();
        assert_eq!(
            (m.kind, m.sharing, m.mode, m.uid, m.gid),
            (
                MountType::Cache,
                Some(Sharing::Locked),
                Some(0o755),
                Some(1000),
                Some(1000)
            )
        );
        assert_eq!(m.cache_id(), "go");
    }

    #[test]
    fn secrets_and_ssh() {
        let m = plain("type=secret,id=aws,target=/root/.aws/credentials").unwrap();
        assert!(m.read_only);
        assert_eq!(m.secret_id().as_deref(), Some("aws"));
        assert_eq!(m.secret_path().as_deref(), Some("/root/.aws/credentials"));
        let m = plain("type=secret,id=token").unwrap();
        assert_eq!(m.secret_path().as_deref(), Some("/run/secrets/token"));
        let m = plain("type=secret,id=token,env=TOKEN,required").unwrap();
        assert!(m.required);
        assert_eq!(m.secret_path(), None);
        let m = plain("type=secret,target=/x/my-secret").unwrap();
        assert_eq!(m.secret_id().as_deref(), Some("my-secret"));
        let m = plain("type=ssh,required=true").unwrap();
        assert_eq!(m.kind, MountType::Ssh);
        assert!(m.required);
        assert_eq!(plain("type=secret"), Err(MountError::SecretTarget));
        assert_eq!(
            plain("type=secret,id=a,from=x"),
            Err(MountError::SecretFrom)
        );
        assert_eq!(
            plain("type=secret,id=a,source=b"),
            Err(MountError::SecretSourceAndId)
        );
        assert_eq!(
            plain("type=secret,id=a,sharing=locked"),
            Err(MountError::SecretSharing)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(plain("type=nfs"), Err(MountError::Type("nfs".into())));
        assert_eq!(
            plain("type=cache,sharing=maybe"),
            Err(MountError::Sharing("maybe".into()))
        );
        assert_eq!(
            plain("target=/a,bogus"),
            Err(MountError::NotKeyValue("bogus".into()))
        );
        assert!(matches!(
            plain("target=/a,colour=red"),
            Err(MountError::UnknownKey { .. })
        ));
        assert!(matches!(
            plain("type=bind,size=1m"),
            Err(MountError::KeyForType { .. })
        ));
        assert!(matches!(
            plain("type=bind,target=/a,required"),
            Err(MountError::KeyForType { .. })
        ));
        assert!(matches!(
            plain("type=tmpfs,size=lots"),
            Err(MountError::BadValue { .. })
        ));
        assert!(matches!(
            plain("type=cache,mode=999"),
            Err(MountError::BadValue { .. })
        ));
        assert!(matches!(
            plain("type=cache,uid=-1"),
            Err(MountError::BadValue { .. })
        ));
        assert!(matches!(
            plain("ro=maybe"),
            Err(MountError::BadValue { .. })
        ));
        assert_eq!(
            plain("type=bind,mode=0755"),
            Err(MountError::FileInfo("mode", "bind"))
        );
        assert_eq!(
            plain("type=tmpfs,uid=1"),
            Err(MountError::FileInfo("uid", "tmpfs"))
        );
        assert_eq!(
            plain("type=bind,sharing=shared"),
            Err(MountError::SharingForType("bind"))
        );
        assert_eq!(plain("from=$STAGE"), Err(MountError::FromVariable));
        assert_eq!(plain("\"target=/a"), Err(MountError::Quote));
    }

    #[test]
    fn quoted_fields_and_expansion() {
        let m = plain("\"target=/a,b\",type=cache").unwrap();
        assert_eq!(m.target.as_deref(), Some("/a,b"));
        let expand = |v: &str| {
            crate::build::vars::expand_word(
                v,
                &|n| (n == "DIR").then(|| "/cache".to_string()),
                '\\',
            )
        };
        let m = parse_mount("type=cache,target=${DIR}/go", &expand).unwrap();
        assert_eq!(m.target.as_deref(), Some("/cache/go"));
        assert!(parse_mount("type=cache,target=${NOPE:?unset}", &expand).is_err());
    }

    #[test]
    fn targets() {
        let m = plain("type=cache,target=cache").unwrap();
        assert_eq!(m.target_path("/src"), Ok("/src/cache".to_string()));
        assert_eq!(m.target_path(""), Ok("/cache".to_string()));
        let m = plain("type=cache,target=/").unwrap();
        assert_eq!(m.target_path("/src"), Err(MountError::Target("/".into())));
        let m = plain("type=tmpfs").unwrap();
        assert!(m.target_path("/").is_err());
        assert_eq!(
            plain("target=/x,source=../../a").unwrap().source_path(),
            "/a"
        );
        assert_eq!(plain("target=/x").unwrap().source_path(), "/");
    }

    #[test]
    fn parse_time_checks() {
        assert_eq!(check_mount("type=cache,target=/c"), Ok(()));
        assert_eq!(check_mount("type=$T,target=/c"), Ok(()));
        assert_eq!(check_mount("type=nfs"), Err(MountError::Type("nfs".into())));
        assert_eq!(
            check_mount("from=${S},target=/c"),
            Err(MountError::FromVariable)
        );
        // A `$` at the very end of from is literal, as in BuildKit.
        assert_eq!(check_mount("from=a$,target=/c"), Ok(()));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("1k"), Some(1024));
        assert_eq!(parse_size("64m"), Some(64 << 20));
        assert_eq!(parse_size("1.5GiB"), Some(3 << 29));
        assert_eq!(parse_size("2 GB"), Some(2 << 30));
        assert_eq!(parse_size("1x"), None);
        assert_eq!(parse_size(""), None);
    }
}
