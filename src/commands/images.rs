//! `berth images`: list the local images from the index (one file read).

use std::collections::HashSet;

use chrono::Utc;
use serde_json::json;

use crate::cli::images::ImagesArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{human_size, table, time_ago};
use crate::image::reference::Reference;
use crate::storage::{ImageSummary, Store};

/// How to print the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Table,
    Json,
    Quiet,
}

/// Validated `images` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImagesOptions {
    pub output: Output,
    pub no_trunc: bool,
    pub heading: bool,
}

impl ImagesOptions {
    /// Validate `--format`.
    pub fn from_args(args: &ImagesArgs) -> Result<Self> {
        let output = match (args.quiet, args.format.as_deref()) {
            (true, _) => Output::Quiet,
            (false, None | Some("table")) => Output::Table,
            (false, Some("json")) => Output::Json,
            (false, Some(other)) => {
                return Err(Error::msg(format!(
                    "unsupported --format `{other}` (json, table)"
                )))
            }
        };
        Ok(ImagesOptions {
            output,
            no_trunc: args.no_trunc,
            heading: !args.noheading,
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
    let text = match opts.output {
        Output::Quiet => quiet(&images, opts.no_trunc),
        Output::Table => render_table(&images, &opts, Utc::now()),
        Output::Json => {
            let containers =
                crate::storage::container::list(store.root()).context("list the containers")?;
            let mut out = Vec::new();
            for image in &images {
                let used = containers
                    .iter()
                    .filter(|c| c.config.image_id == image.id)
                    .count();
                let record = store
                    .load_record(image.clone())
                    .with_context(|| format!("load image `{}`", image.id))?;
                let labels = record
                    .config
                    .config()
                    .as_ref()
                    .and_then(|c| c.labels().clone());
                out.push(json_entry(image, used, labels));
            }
            let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    print!("{text}");
    Ok(())
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
        rows.push(
            ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]
                .map(String::from)
                .to_vec(),
        );
    }
    for image in images {
        let id = short_id(&image.id, opts.no_trunc);
        let created = time_ago(image.created, now);
        let size = human_size(image.size);
        let names: Vec<(String, String)> = if image.names.is_empty() {
            vec![("<none>".into(), "<none>".into())]
        } else {
            image.names.iter().map(|n| repo_tag(n)).collect()
        };
        for (repo, tag) in names {
            rows.push(vec![repo, tag, id.clone(), created.clone(), size.clone()]);
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
        "History": image.names,
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
            ..opts
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
            format: Some("{{.ID}}".into()),
        };
        assert!(ImagesOptions::from_args(&args).is_err());
    }
}
