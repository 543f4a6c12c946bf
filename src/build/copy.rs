//! COPY/ADD as a plan (pure): where each resolved source lands in the image, and the
//! `--chmod` / `--chown` values.
//!
//! Docker's destination rules:
//! - A relative destination is relative to the WORKDIR (`/` when unset).
//! - A destination that ends in `/` (or is `.`, or ends in `/.`) is a directory; so is one that
//!   already exists in the image as a directory.
//! - A file source copied to a directory keeps its name (`COPY a.txt /d/` → `/d/a.txt`);
//!   copied to a non-directory destination it takes the destination path.
//! - A directory source copies its contents, not itself (`COPY src /app` → `/app/main.rs`).
//! - Several sources (arguments, or what globs matched) need a directory destination:
//!   `COPY a b /d/`.
//! - `--parents` keeps each source's path (after a `/./` pivot when there is one) under the
//!   destination directory.
//! - `--chmod` is octal (at most 07777); `--chown=user[:group]` takes names or numbers, and a
//!   user without a group uses the user's numeric id as the group id.

use super::ignore::clean_path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error(
        "when copying more than one source the destination must be a directory and end with a \
         /: {dest:?}; hint: write {dest}/"
    )]
    MultipleSourcesNeedDir { dest: String },
    #[error("the destination is empty; hint: COPY <src>... <dest>")]
    EmptyDest,
    #[error("invalid --chmod={0}: it should be an octal number from 0 to 7777")]
    BadChmod(String),
    #[error("invalid --chown={0}: hint: write --chown=<user>[:<group>], names or numbers")]
    BadChown(String),
    #[error("--chown: no user {0:?} in the image's /etc/passwd")]
    UnknownUser(String),
    #[error("--chown: no group {0:?} in the image's /etc/group")]
    UnknownGroup(String),
}

/// One resolved source: what it is called (its path relative to the context or the source
/// stage's root, `.` for the root) and whether it is a directory. For a heredoc, the path is
/// the heredoc's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    pub path: String,
    pub is_dir: bool,
}

/// One copy: `source` (a [`CopySource::path`]) to `dest` (absolute in the image). For a
/// directory source, `dest` is the directory its contents go into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOp {
    pub source: String,
    pub dest: String,
    pub contents_only: bool,
}

/// The absolute destination, and whether it names a directory by its form.
pub fn destination(dest: &str, workdir: &str) -> Result<(String, bool), CopyError> {
    if dest.is_empty() {
        return Err(CopyError::EmptyDest);
    }
    let dir_form = dest.ends_with('/') || dest == "." || dest.ends_with("/.");
    let joined = if dest.starts_with('/') {
        dest.to_string()
    } else {
        let workdir = if workdir.is_empty() { "/" } else { workdir };
        format!("/{workdir}/{dest}")
    };
    let absolute = clean_path(&joined);
    let is_root = absolute == "/";
    Ok((absolute, dir_form || is_root))
}

/// The path a `--parents` copy keeps: what follows a `/./` pivot in the source pattern, or the
/// whole matched path.
pub fn parents_path(pattern: &str, matched: &str) -> String {
    match pattern.split_once("/./") {
        Some((pivot, _)) => {
            let pivot = clean_path(&format!("/{pivot}"));
            let pivot = pivot.trim_start_matches('/');
            let rest = matched.strip_prefix(pivot).unwrap_or(matched);
            rest.trim_start_matches('/').to_string()
        }
        None => matched.trim_start_matches('/').to_string(),
    }
}

fn base_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

fn join(dir: &str, name: &str) -> String {
    clean_path(&format!("{dir}/{name}"))
}

/// Plans a COPY/ADD: `sources` in order (everything every source argument resolved to),
/// `argument_count` the number of source arguments written, `dest`/`workdir` as written and
/// current, `dest_is_dir` whether the destination already exists in the image as a directory.
pub fn plan_copy(
    sources: &[CopySource],
    argument_count: usize,
    dest: &str,
    workdir: &str,
    dest_is_dir: bool,
    parents: bool,
) -> Result<Vec<CopyOp>, CopyError> {
    let (absolute, dir_form) = destination(dest, workdir)?;
    let into_dir = dir_form || dest_is_dir || parents;
    if (argument_count > 1 || sources.len() > 1) && !into_dir {
        return Err(CopyError::MultipleSourcesNeedDir {
            dest: dest.to_string(),
        });
    }
    Ok(sources
        .iter()
        .map(|source| {
            let dest = if parents {
                match source.path.as_str() {
                    "" | "." => absolute.clone(),
                    path => join(&absolute, path),
                }
            } else if source.is_dir || !into_dir {
                absolute.clone()
            } else {
                join(&absolute, base_name(&source.path))
            };
            CopyOp {
                source: source.path.clone(),
                dest,
                contents_only: source.is_dir,
            }
        })
        .collect())
}

/// Parses `--chmod`: octal, at most `07777`.
pub fn parse_chmod(value: &str) -> Result<u32, CopyError> {
    let bad = || CopyError::BadChmod(value.to_string());
    if value.is_empty() || !value.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(bad());
    }
    let mode = u32::from_str_radix(value, 8).map_err(|_| bad())?;
    if mode > 0o7777 {
        return Err(bad());
    }
    Ok(mode)
}

/// A user or group as written: a number or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Id {
    Number(u32),
    Name(String),
}

impl Id {
    fn parse(text: &str) -> Option<Id> {
        if text.is_empty() || text.contains(char::is_whitespace) {
            return None;
        }
        Some(match text.parse::<u32>() {
            Ok(n) => Id::Number(n),
            Err(_) => Id::Name(text.to_string()),
        })
    }
}

/// `--chown=user[:group]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chown {
    pub user: Id,
    pub group: Option<Id>,
}

/// Parses `--chown` (after variable expansion).
pub fn parse_chown(value: &str) -> Result<Chown, CopyError> {
    let bad = || CopyError::BadChown(value.to_string());
    let (user, group) = match value.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (value, None),
    };
    let user = Id::parse(user).ok_or_else(bad)?;
    let group = match group {
        Some(g) => Some(Id::parse(g).ok_or_else(bad)?),
        None => None,
    };
    Ok(Chown { user, group })
}

/// The numeric id of `name` in a passwd/group file text (`name:x:id:...`).
fn lookup_id(file: &str, name: &str) -> Option<u32> {
    file.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let mut fields = line.split(':');
            (fields.next()? == name).then_some(())?;
            fields.next()?;
            fields.next()?.trim().parse().ok()
        })
}

impl Chown {
    /// The numeric uid and gid, names looked up in the image's `/etc/passwd` and `/etc/group`
    /// texts (empty when the file is missing). Without a group the gid is the uid's number.
    pub fn resolve(&self, passwd: &str, group: &str) -> Result<(u32, u32), CopyError> {
        let uid = match &self.user {
            Id::Number(n) => *n,
            Id::Name(name) => {
                lookup_id(passwd, name).ok_or_else(|| CopyError::UnknownUser(name.clone()))?
            }
        };
        let gid = match &self.group {
            None => uid,
            Some(Id::Number(n)) => *n,
            Some(Id::Name(name)) => {
                lookup_id(group, name).ok_or_else(|| CopyError::UnknownGroup(name.clone()))?
            }
        };
        Ok((uid, gid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> CopySource {
        CopySource {
            path: path.into(),
            is_dir: false,
        }
    }

    fn dir(path: &str) -> CopySource {
        CopySource {
            path: path.into(),
            is_dir: true,
        }
    }

    fn op(source: &str, dest: &str, contents_only: bool) -> CopyOp {
        CopyOp {
            source: source.into(),
            dest: dest.into(),
            contents_only,
        }
    }

    #[test]
    fn destinations() {
        assert_eq!(destination("/abs/x", "/w"), Ok(("/abs/x".into(), false)));
        assert_eq!(destination("rel/", "/w"), Ok(("/w/rel".into(), true)));
        assert_eq!(destination(".", "/w"), Ok(("/w".into(), true)));
        assert_eq!(destination("./", ""), Ok(("/".into(), true)));
        assert_eq!(destination("a/.", "/w"), Ok(("/w/a".into(), true)));
        assert_eq!(destination("../../x", "/w"), Ok(("/x".into(), false)));
        assert_eq!(destination("x", ""), Ok(("/x".into(), false)));
        assert_eq!(destination("/", "/w"), Ok(("/".into(), true)));
        assert_eq!(destination("", "/w"), Err(CopyError::EmptyDest));
    }

    #[test]
    fn single_file() {
        // The Dockerfile reference: COPY test.txt relativeDir/ and COPY test.txt /absoluteDir/
        assert_eq!(
            plan_copy(
                &[file("test.txt")],
                1,
                "relativeDir/",
                "/work",
                false,
                false
            ),
            Ok(vec![op("test.txt", "/work/relativeDir/test.txt", false)])
        );
        assert_eq!(
            plan_copy(
                &[file("test.txt")],
                1,
                "/absoluteDir/",
                "/work",
                false,
                false
            ),
            Ok(vec![op("test.txt", "/absoluteDir/test.txt", false)])
        );
        // Renamed when the destination is not a directory.
        assert_eq!(
            plan_copy(&[file("dir/a.txt")], 1, "/etc/b.conf", "/", false, false),
            Ok(vec![op("dir/a.txt", "/etc/b.conf", false)])
        );
        // Into an existing directory without the slash.
        assert_eq!(
            plan_copy(&[file("dir/a.txt")], 1, "/etc", "/", true, false),
            Ok(vec![op("dir/a.txt", "/etc/a.txt", false)])
        );
    }

    #[test]
    fn directories_copy_their_contents() {
        assert_eq!(
            plan_copy(&[dir("src")], 1, "/app", "/", false, false),
            Ok(vec![op("src", "/app", true)])
        );
        assert_eq!(
            plan_copy(&[dir(".")], 1, ".", "/app", false, false),
            Ok(vec![op(".", "/app", true)])
        );
    }

    #[test]
    fn several_sources() {
        assert_eq!(
            plan_copy(
                &[file("a"), dir("b"), file("c/d")],
                3,
                "/x/",
                "/",
                false,
                false
            ),
            Ok(vec![
                op("a", "/x/a", false),
                op("b", "/x", true),
                op("c/d", "/x/d", false)
            ])
        );
        assert_eq!(
            plan_copy(&[file("a"), file("b")], 2, "/x", "/", false, false),
            Err(CopyError::MultipleSourcesNeedDir { dest: "/x".into() })
        );
        // A glob that matched several files counts too.
        assert!(plan_copy(&[file("a.txt"), file("b.txt")], 1, "out", "/", false, false).is_err());
        // `.` and an existing directory are directories.
        assert!(plan_copy(&[file("a"), file("b")], 2, ".", "/w", false, false).is_ok());
        assert!(plan_copy(&[file("a"), file("b")], 2, "/x", "/", true, false).is_ok());
        // Two arguments of which one matched nothing (an empty glob) still need the slash.
        assert!(plan_copy(&[file("a")], 2, "/x", "/", false, false).is_err());
        let e = plan_copy(&[file("a"), file("b")], 2, "/x", "/", false, false).unwrap_err();
        assert!(e.to_string().contains("hint: write /x/"), "{e}");
    }

    #[test]
    fn parents() {
        assert_eq!(parents_path("a/b/*.txt", "a/b/c.txt"), "a/b/c.txt");
        assert_eq!(parents_path("a/./b/*.txt", "a/b/c.txt"), "b/c.txt");
        assert_eq!(parents_path("./a/./b", "a/b"), "b");
        assert_eq!(
            plan_copy(
                &[file("x/a.txt"), dir("y/z"), file("b.txt")],
                2,
                "/dst",
                "/",
                false,
                true
            ),
            Ok(vec![
                op("x/a.txt", "/dst/x/a.txt", false),
                op("y/z", "/dst/y/z", true),
                op("b.txt", "/dst/b.txt", false),
            ])
        );
    }

    #[test]
    fn chmod_values() {
        assert_eq!(parse_chmod("644"), Ok(0o644));
        assert_eq!(parse_chmod("0755"), Ok(0o755));
        assert_eq!(parse_chmod("7777"), Ok(0o7777));
        assert_eq!(parse_chmod("0"), Ok(0));
        assert_eq!(
            parse_chmod("17777"),
            Err(CopyError::BadChmod("17777".into()))
        );
        assert!(parse_chmod("8").is_err());
        assert!(parse_chmod("u+x").is_err());
        assert!(parse_chmod("").is_err());
        assert!(parse_chmod("-1").is_err());
        assert_eq!(
            parse_chmod("999").unwrap_err().to_string(),
            "invalid --chmod=999: it should be an octal number from 0 to 7777"
        );
    }

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n# comment\nbin:x:1:1:bin:/bin:/sbin/nologin\npatrick:x:1000:1000::/home/patrick:/bin/sh\n";
    const GROUP: &str = "root:x:0:\nbin:x:1:root,bin\nmygroup:x:55:\n";

    #[test]
    fn chown_values() {
        // The Dockerfile reference's examples.
        let c = parse_chown("55:mygroup").unwrap();
        assert_eq!(
            c,
            Chown {
                user: Id::Number(55),
                group: Some(Id::Name("mygroup".into()))
            }
        );
        assert_eq!(c.resolve(PASSWD, GROUP), Ok((55, 55)));
        assert_eq!(
            parse_chown("bin").unwrap().resolve(PASSWD, GROUP),
            Ok((1, 1))
        );
        assert_eq!(parse_chown("1").unwrap().resolve(PASSWD, GROUP), Ok((1, 1)));
        assert_eq!(
            parse_chown("10:11").unwrap().resolve(PASSWD, GROUP),
            Ok((10, 11))
        );
        assert_eq!(
            parse_chown("patrick:bin").unwrap().resolve(PASSWD, GROUP),
            Ok((1000, 1))
        );
        // Numbers need no files.
        assert_eq!(parse_chown("7:8").unwrap().resolve("", ""), Ok((7, 8)));
        assert_eq!(
            parse_chown("nobody").unwrap().resolve(PASSWD, GROUP),
            Err(CopyError::UnknownUser("nobody".into()))
        );
        assert_eq!(
            parse_chown("1:staff").unwrap().resolve(PASSWD, GROUP),
            Err(CopyError::UnknownGroup("staff".into()))
        );
        assert!(parse_chown("").is_err());
        assert!(parse_chown(":1").is_err());
        assert!(parse_chown("1:").is_err());
        assert!(parse_chown("a b").is_err());
    }
}
