//! `berth images`: list the local images from the index (one file read).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::cli::images::ImagesArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{human_size, table, time_ago, Template};
use crate::image::reference::Reference;
use crate::storage::{ImageSummary, Store};

/// How to print the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Table,
    Json,
    Quiet,
    Template(Template),
}

/// Validated `images` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagesOptions {
    pub output: Output,
    pub no_trunc: bool,
    pub heading: bool,
    pub digests: bool,
    pub filters: Vec<Filter>,
}

/// One `--filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `dangling=true`: images without a name (`false`: with one).
    Dangling(bool),
    /// `reference=PATTERN`: a name matches, with `*` and `?` globs.
    Reference(String),
    Label(String, Option<String>),
    /// Created before (or since) the named image.
    Before(String),
    Since(String),
    /// An id prefix.
    Id(String),
    /// Created before this time.
    Until(DateTime<Utc>),
}

impl Filter {
    /// Parse `KEY=VALUE`.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<Self> {
        let bad = |why: &str| Error::msg(format!("invalid --filter `{text}`: {why}"));
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE"))?;
        if value.is_empty() {
            return Err(bad("the value is empty"));
        }
        Ok(match key {
            "dangling" => match value {
                "true" | "1" => Filter::Dangling(true),
                "false" | "0" => Filter::Dangling(false),
                _ => return Err(bad("dangling takes true or false")),
            },
            "reference" => Filter::Reference(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => Filter::Label(k.to_string(), Some(v.to_string())),
                None => Filter::Label(value.to_string(), None),
            },
            "before" => Filter::Before(value.to_string()),
            "since" | "after" => Filter::Since(value.to_string()),
            "id" => Filter::Id(value.trim_start_matches("sha256:").to_string()),
            "until" => Filter::Until(crate::commands::logs::parse_time(value, now).ok_or_else(
                || bad("until takes an RFC 3339 time, unix seconds or a duration such as 24h"),
            )?),
            _ => return Err(bad(
                "berth filters images on dangling, reference, label, before, since (after), id and until",
            )),
        })
    }
}

impl ImagesOptions {
    /// Validate `--format` and `--filter`.
    pub fn from_args(args: &ImagesArgs) -> Result<Self> {
        let output = match (args.quiet, args.format.as_deref()) {
            (true, _) => Output::Quiet,
            (false, None | Some("table")) => Output::Table,
            (false, Some("json")) => Output::Json,
            (false, Some(t)) if t.contains("{{") => {
                let bad = |e: crate::format::TemplateError| {
                    Error::msg(format!("invalid --format `{t}`: {e}")).hint(
                        "the fields are ID, Repository, Tag, Digest, CreatedSince, CreatedAt, Size, Labels, Containers, Dangling",
                    )
                };
                let template = Template::parse(t).map_err(bad)?;
                template.check_fields(TEMPLATE_FIELDS).map_err(bad)?;
                Output::Template(template)
            }
            (false, Some(other)) => {
                return Err(Error::msg(format!(
                    "invalid --format `{other}`: berth supports `json`, `table` and templates such as `{{{{.Repository}}}}:{{{{.Tag}}}}`"
                )))
            }
        };
        let now = Utc::now();
        let filters = args
            .filter
            .iter()
            .map(|f| Filter::parse(f, now))
            .collect::<Result<Vec<_>>>()?;
        Ok(ImagesOptions {
            output,
            no_trunc: args.no_trunc,
            heading: !args.noheading,
            digests: args.digests,
            filters,
        })
    }
}

/// Run `berth images`.
pub fn execute(args: ImagesArgs) -> Result<()> {
    let opts = ImagesOptions::from_args(&args)?;
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let mut images = store.images().context("read the image index")?;
    images.sort_by_key(|i| std::cmp::Reverse(i.created));
    if let Some(query) = &args.image {
        let wanted = Reference::parse(query).map_err(|e| Error::msg(e.to_string()))?;
        images = filter(images, &wanted);
    }
    if !opts.filters.is_empty() {
        images = apply_filters(&store, images, &opts.filters)?;
    }
    images = sort(
        images,
        &args.sort,
        !matches!(opts.output, Output::Json | Output::Quiet),
    );
    let needs_details = matches!(opts.output, Output::Json | Output::Template(_));
    let containers = if needs_details {
        crate::storage::container::list(store.root()).context("list the containers")?
    } else {
        Vec::new()
    };
    let details = |image: &ImageSummary| -> Result<(usize, Option<Labels>)> {
        let used = containers
            .iter()
            .filter(|c| c.config.image_id == image.id)
            .count();
        Ok((used, labels_of(&store, image)?))
    };
    let now = Utc::now();
    let text = match &opts.output {
        Output::Quiet => quiet(&images, opts.no_trunc),
        Output::Table => render_table(&images, &opts, now),
        Output::Json => {
            let mut out = Vec::new();
            for image in &images {
                let (used, labels) = details(image)?;
                out.push(json_entry(image, used, labels));
            }
            let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
            s.push('\n');
            s
        }
        Output::Template(t) => {
            let mut rows = Vec::new();
            for image in &images {
                let (used, labels) = details(image)?;
                for (repo, tag) in names_of(image) {
                    rows.push(template_value(
                        image, &repo, &tag, used, &labels, &opts, now,
                    ));
                }
            }
            t.render_rows(&rows, &heading, opts.heading)
                .map_err(|e| Error::msg(format!("invalid --format: {e}")))?
        }
    };
    print!("{text}");
    Ok(())
}

type Labels = std::collections::HashMap<String, String>;

fn labels_of(store: &Store, image: &ImageSummary) -> Result<Option<Labels>> {
    let record = store
        .load_record(image.clone())
        .with_context(|| format!("load image `{}`", image.id))?;
    Ok(record
        .config
        .config()
        .as_ref()
        .and_then(|c| c.labels().clone()))
}

/// Keep the images every filter accepts.
fn apply_filters(
    store: &Store,
    images: Vec<ImageSummary>,
    filters: &[Filter],
) -> Result<Vec<ImageSummary>> {
    // Resolve before= and since= once, to a creation time.
    let mut times = std::collections::HashMap::new();
    for f in filters {
        if let Filter::Before(name) | Filter::Since(name) = f {
            let record = store
                .resolve_image(name)
                .with_context(|| format!("--filter: find image `{name}`"))?;
            times.insert(name.clone(), record.created);
        }
    }
    let mut out = Vec::new();
    for mut image in images {
        let mut keep = true;
        for f in filters {
            keep = match f {
                Filter::Dangling(want) => image.names.is_empty() == *want,
                Filter::Reference(pattern) => {
                    image.names.retain(|n| reference_matches(pattern, n));
                    !image.names.is_empty()
                }
                Filter::Label(k, v) => {
                    let labels = labels_of(store, &image)?.unwrap_or_default();
                    match (labels.get(k), v) {
                        (Some(found), Some(want)) => found == want,
                        (Some(_), None) => true,
                        (None, _) => false,
                    }
                }
                Filter::Before(name) => image.created < times[name],
                Filter::Since(name) => image.created > times[name],
                Filter::Id(prefix) => image.id.starts_with(prefix.as_str()),
                Filter::Until(t) => image.created < *t,
            };
            if !keep {
                break;
            }
        }
        if keep {
            out.push(image);
        }
    }
    Ok(out)
}

/// `reference=PATTERN`: the pattern (globs `*` and `?`) matches a stored name, its repository,
/// or either without the registry (`busybox`, `library/busybox`, `localhost/app:*`).
pub fn reference_matches(pattern: &str, name: &str) -> bool {
    let Ok(r) = Reference::parse(name) else {
        return glob(pattern, name);
    };
    let repo = r.repository();
    let path = r.path().to_string();
    let tag = r.tag().map(|t| format!(":{t}")).unwrap_or_default();
    let short = path.strip_prefix("library/").unwrap_or(&path).to_string();
    [repo.clone(), path.clone(), short.clone()]
        .iter()
        .any(|base| glob(pattern, base) || glob(pattern, &format!("{base}{tag}")))
}

/// Shell-style matching of `*` (any run of characters but `/`) and `?` (one character).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' && t[ti] != '/' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star.filter(|&(_, st)| t[st] != '/') {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// podman's column heading for a template field.
fn heading(field: &str) -> String {
    match field {
        "ID" => "IMAGE ID".into(),
        "CreatedSince" | "CreatedAt" | "Created" => "CREATED".into(),
        other => other.to_uppercase(),
    }
}

/// Every field `template_value` has, for checking a template before any output.
const TEMPLATE_FIELDS: &[&str] = &[
    "ID",
    "Repository",
    "Tag",
    "Digest",
    "CreatedSince",
    "CreatedAt",
    "Created",
    "Size",
    "VirtualSize",
    "SharedSize",
    "Labels",
    "Containers",
    "Dangling",
    "ReadOnly",
    "Names",
    "History",
];

/// The fields a `--format` template sees for one row (podman's image reporter).
fn template_value(
    image: &ImageSummary,
    repo: &str,
    tag: &str,
    containers: usize,
    labels: &Option<Labels>,
    opts: &ImagesOptions,
    now: DateTime<Utc>,
) -> serde_json::Value {
    let labels: std::collections::BTreeMap<_, _> = labels.iter().flatten().collect();
    json!({
        "ID": short_id(&image.id, opts.no_trunc),
        "Repository": repo,
        "Tag": tag,
        "Digest": image.digest,
        "CreatedSince": time_ago(image.created, now),
        "CreatedAt": image.created.format("%Y-%m-%d %H:%M:%S %z %Z").to_string(),
        "Created": image.created.timestamp(),
        "Size": human_size(image.size),
        "VirtualSize": human_size(image.size),
        "SharedSize": human_size(0),
        "Labels": labels,
        "Containers": containers,
        "Dangling": image.names.is_empty(),
        "ReadOnly": false,
        "Names": image.names,
        // podman's NamesHistory, joined as its table and templates print it.
        "History": image.names.join(", "),
    })
}

/// podman's `--sort`: `created` newest first, the others ascending (ties keep the newest
/// first). Sorting by repository or tag sorts rows, so with `per_name` (table and template
/// output, one row per name) an image with several names becomes one entry per name.
fn sort(images: Vec<ImageSummary>, key: &str, per_name: bool) -> Vec<ImageSummary> {
    let mut images = if per_name && matches!(key, "repository" | "tag") {
        images
            .into_iter()
            .flat_map(|image| {
                if image.names.len() < 2 {
                    return vec![image];
                }
                image
                    .names
                    .iter()
                    .map(|n| ImageSummary {
                        names: vec![n.clone()],
                        ..image.clone()
                    })
                    .collect()
            })
            .collect()
    } else {
        images
    };
    images.sort_by_key(|i| std::cmp::Reverse(i.created));
    let first = |i: &ImageSummary| names_of(i).into_iter().next().unwrap_or_default();
    match key {
        "id" => images.sort_by(|a, b| a.id.cmp(&b.id)),
        "size" => images.sort_by_key(|i| i.size),
        "repository" => images.sort_by_cached_key(|i| first(i)),
        "tag" => images.sort_by_cached_key(|i| first(i).1),
        _ => {}
    }
    images
}

/// Repository and tag of each row an image gets: one per name, `<none>` without one.
fn names_of(image: &ImageSummary) -> Vec<(String, String)> {
    if image.names.is_empty() {
        vec![("<none>".into(), "<none>".into())]
    } else {
        image.names.iter().map(|n| repo_tag(n)).collect()
    }
}

fn short_id(id: &str, no_trunc: bool) -> String {
    if no_trunc {
        format!("sha256:{id}")
    } else {
        id.chars().take(12).collect()
    }
}

/// Keep the names that `wanted` means (and the images that have one), as podman's
/// `images NAME` does: the repository must equal `wanted`'s or end in `/<its path>`, and the
/// tag must match when `wanted` has one.
pub fn filter(images: Vec<ImageSummary>, wanted: &Reference) -> Vec<ImageSummary> {
    let full = wanted.domain().is_some();
    images
        .into_iter()
        .filter_map(|mut image| {
            image.names.retain(|n| {
                let Ok(r) = Reference::parse(n) else {
                    return false;
                };
                let repo_ok = if full {
                    r.repository() == wanted.repository()
                } else {
                    r.path() == wanted.path() || r.path().ends_with(&format!("/{}", wanted.path()))
                };
                repo_ok && wanted.tag().is_none_or(|t| r.tag() == Some(t))
            });
            (!image.names.is_empty()).then_some(image)
        })
        .collect()
}

/// `-q`: each id once, newest first.
pub fn quiet(images: &[ImageSummary], no_trunc: bool) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for image in images {
        let id = short_id(&image.id, no_trunc);
        if seen.insert(id.clone()) {
            out.push_str(&id);
            out.push('\n');
        }
    }
    out
}

/// Repository and tag columns of a stored name.
fn repo_tag(name: &str) -> (String, String) {
    match Reference::parse(name) {
        Ok(r) => (r.repository(), r.tag().unwrap_or("<none>").to_string()),
        Err(_) => (name.to_string(), "<none>".to_string()),
    }
}

/// The table: one row per name, `<none>` for an image without one.
pub fn render_table(
    images: &[ImageSummary],
    opts: &ImagesOptions,
    now: chrono::DateTime<Utc>,
) -> String {
    let mut rows = Vec::new();
    if opts.heading {
        let mut head = vec!["REPOSITORY", "TAG"];
        if opts.digests {
            head.push("DIGEST");
        }
        head.extend(["IMAGE ID", "CREATED", "SIZE"]);
        rows.push(head.into_iter().map(String::from).collect());
    }
    for image in images {
        let id = short_id(&image.id, opts.no_trunc);
        let created = time_ago(image.created, now);
        let size = human_size(image.size);
        for (repo, tag) in names_of(image) {
            let mut row = vec![repo, tag];
            if opts.digests {
                row.push(image.digest.clone());
            }
            row.extend([id.clone(), created.clone(), size.clone()]);
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return String::new();
    }
    table(&rows)
}

/// One image in podman's `--format json` shape.
fn json_entry(
    image: &ImageSummary,
    containers: usize,
    labels: Option<std::collections::HashMap<String, String>>,
) -> serde_json::Value {
    let repo_tags: Vec<&String> = image.names.iter().filter(|n| !n.contains('@')).collect();
    let repo_digests: Vec<String> = image
        .names
        .iter()
        .map(|n| format!("{}@{}", repo_tag(n).0, image.digest))
        .collect();
    let labels = labels.map(|l| l.into_iter().collect::<std::collections::BTreeMap<_, _>>());
    json!({
        "Id": image.id,
        "ParentId": "",
        "RepoTags": repo_tags,
        "RepoDigests": repo_digests,
        "Size": image.size,
        "SharedSize": 0,
        "VirtualSize": image.size,
        "Labels": labels,
        "Containers": containers,
        "Names": image.names,
        "Digest": image.digest,
        // podman's NamesHistory, joined as its table and templates print it.
        "History": image.names.join(", "),
        "Created": image.created.timestamp(),
        "CreatedAt": image.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: char, names: &[&str], age_secs: i64, now: chrono::DateTime<Utc>) -> ImageSummary {
        ImageSummary {
            id: id.to_string().repeat(64),
            names: names.iter().map(|s| s.to_string()).collect(),
            digest: format!("sha256:{}", "d".repeat(64)),
            created: now - chrono::Duration::seconds(age_secs),
            size: 2_240_000,
            layers: vec![],
        }
    }

    #[test]
    fn sort_splits_names_for_repository_and_tag() {
        let now = Utc::now();
        let images = vec![
            image('a', &["z.io/z:b", "a.io/a:c"], 10, now),
            image('b', &["m.io/m:a"], 5, now),
        ];
        let names =
            |v: Vec<ImageSummary>| -> Vec<String> { v.into_iter().flat_map(|i| i.names).collect() };
        assert_eq!(
            names(sort(images.clone(), "repository", true)),
            ["a.io/a:c", "m.io/m:a", "z.io/z:b"]
        );
        assert_eq!(
            names(sort(images.clone(), "tag", true)),
            ["m.io/m:a", "z.io/z:b", "a.io/a:c"]
        );
        // Newest first by default; JSON keeps one entry per image.
        assert_eq!(sort(images.clone(), "created", true)[0].id, "b".repeat(64));
        assert_eq!(sort(images, "repository", false).len(), 2);
    }

    #[test]
    fn table_rows_and_none() {
        let now = Utc::now();
        let images = vec![
            image(
                'a',
                &["localhost/busybox:latest", "localhost/bb:v1"],
                120,
                now,
            ),
            image('b', &[], 7200, now),
        ];
        let opts = ImagesOptions {
            output: Output::Table,
            no_trunc: false,
            heading: true,
            digests: false,
            filters: vec![],
        };
        let text = render_table(&images, &opts, now);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("REPOSITORY"));
        assert!(lines[1].starts_with("localhost/busybox  latest      aaaaaaaaaaaa  2 minutes ago"));
        assert!(lines[1].ends_with("2.24 MB"));
        assert!(lines[2].starts_with("localhost/bb       v1"));
        assert!(lines[3].starts_with("<none>             <none>      bbbbbbbbbbbb  2 hours ago"));
        let opts = ImagesOptions {
            heading: false,
            no_trunc: true,
            ..opts.clone()
        };
        let text = render_table(&images, &opts, now);
        assert!(text
            .lines()
            .next()
            .unwrap()
            .contains(&format!("sha256:{}", "a".repeat(64))));
    }

    #[test]
    fn quiet_ids_are_unique() {
        let now = Utc::now();
        let images = vec![image('a', &["x:1", "y:2"], 1, now), image('b', &[], 2, now)];
        assert_eq!(quiet(&images, false), "aaaaaaaaaaaa\nbbbbbbbbbbbb\n");
    }

    #[test]
    fn json_fields() {
        let now = Utc::now();
        let v = json_entry(&image('a', &["localhost/x:latest"], 1, now), 2, None);
        assert_eq!(v["Id"], "a".repeat(64));
        assert_eq!(v["RepoTags"][0], "localhost/x:latest");
        assert_eq!(v["Containers"], 2);
        assert_eq!(
            v["Created"],
            (now - chrono::Duration::seconds(1)).timestamp()
        );
        assert_eq!(v["Size"], 2_240_000);
    }

    #[test]
    fn filter_by_name() {
        let now = Utc::now();
        let images = vec![
            image(
                'a',
                &["localhost/busybox:latest", "localhost/bb:v1"],
                1,
                now,
            ),
            image('b', &["docker.io/library/busybox:1.36"], 2, now),
            image('c', &[], 3, now),
        ];
        let f = |q: &str| {
            filter(images.clone(), &Reference::parse(q).unwrap())
                .into_iter()
                .map(|i| (i.id.chars().next().unwrap(), i.names))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            f("busybox"),
            [
                ('a', vec!["localhost/busybox:latest".to_string()]),
                ('b', vec!["docker.io/library/busybox:1.36".to_string()])
            ]
        );
        assert_eq!(f("busybox:1.36").len(), 1);
        assert_eq!(f("localhost/bb").len(), 1);
        assert!(f("nothing").is_empty());
    }

    #[test]
    fn format_is_validated() {
        let args = ImagesArgs {
            image: None,
            all: false,
            quiet: false,
            no_trunc: false,
            noheading: false,
            digests: false,
            filter: vec![],
            format: Some("{{.Nope}}".into()),
            sort: "created".into(),
        };
        assert!(ImagesOptions::from_args(&args).is_err());
        let args = ImagesArgs {
            format: Some("yaml".into()),
            ..args
        };
        assert!(ImagesOptions::from_args(&args).is_err());
        let args = ImagesArgs {
            format: Some("table {{.Repository}}:{{.Tag}}".into()),
            ..args
        };
        assert!(matches!(
            ImagesOptions::from_args(&args).unwrap().output,
            Output::Template(_)
        ));
        let args = ImagesArgs {
            filter: vec!["colour=red".into()],
            ..args
        };
        assert!(ImagesOptions::from_args(&args).is_err());
    }

    #[test]
    fn filters_parse_and_reference_globs() {
        let now = Utc::now();
        assert_eq!(
            Filter::parse("dangling=true", now).unwrap(),
            Filter::Dangling(true)
        );
        assert_eq!(
            Filter::parse("label=a=b", now).unwrap(),
            Filter::Label("a".into(), Some("b".into()))
        );
        assert!(Filter::parse("dangling=maybe", now).is_err());
        assert!(Filter::parse("reference=", now).is_err());
        assert!(Filter::parse("until=tomorrow", now).is_err());
        let name = "docker.io/library/busybox:1.36";
        assert!(reference_matches("busybox", name));
        assert!(reference_matches("busybox:1.*", name));
        assert!(reference_matches("docker.io/library/busy*", name));
        assert!(!reference_matches("busybox:latest", name));
        assert!(reference_matches("localhost/app*", "localhost/app2:v1"));
        assert!(!reference_matches("app", "localhost/myapp:v1"));
        assert!(!reference_matches("localhost/*", "localhost/a/b:v1"));
    }
}
