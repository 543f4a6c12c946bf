//! `berth system df`: the space images, containers and volumes use, as podman reports it.
//! Runs in a session: container layers and volumes hold files owned by subordinate ids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::Utc;
use serde::Serialize;

use crate::cli::system::DfArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{human_duration, table, Template};
use crate::storage::container::{self, Status};
use crate::storage::{volume, Store};

/// One line of the summary, with podman's template fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Summary {
    #[serde(rename = "Type")]
    kind: &'static str,
    total: usize,
    active: usize,
    #[serde(skip)]
    size_bytes: u64,
    #[serde(skip)]
    reclaimable_bytes: u64,
    size: String,
    reclaimable: String,
}

impl Summary {
    fn new(kind: &'static str, total: usize, active: usize, size: u64, reclaimable: u64) -> Self {
        let pct = (reclaimable * 100).checked_div(size).unwrap_or(0);
        Summary {
            kind,
            total,
            active,
            size_bytes: size,
            reclaimable_bytes: reclaimable,
            size: go_size(size),
            reclaimable: format!("{} ({pct}%)", go_size(reclaimable)),
        }
    }
}

/// podman's `system df` sizes (go-units' HumanSize): four significant digits, no space.
fn go_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let digits = if value == 0.0 {
        0
    } else {
        #[allow(clippy::cast_possible_truncation)]
        let exp = value.log10().floor() as i32;
        usize::try_from((3 - exp).max(0)).unwrap_or(0)
    };
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{}", UNITS[unit])
}

/// Bytes of the regular files and symlinks below `dir` (not following links; directories
/// count nothing, so an empty volume is 0B as in podman). Unreadable parts count as 0.
fn tree_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

/// What the report is made of, gathered once.
struct Usage {
    /// Every layer once, however many images share it.
    layers_total: u64,
    images: Vec<ImageRow>,
    containers: Vec<ContainerRow>,
    volumes: Vec<VolumeRow>,
}

struct ImageRow {
    repository: String,
    tag: String,
    id: String,
    created: chrono::DateTime<Utc>,
    size: u64,
    shared: u64,
    containers: usize,
}

struct ContainerRow {
    id: String,
    image_id: String,
    command: String,
    volumes: usize,
    size: u64,
    created: chrono::DateTime<Utc>,
    status: &'static str,
    name: String,
}

struct VolumeRow {
    name: String,
    links: usize,
    size: u64,
}

fn gather(paths: &Paths) -> Result<Usage> {
    let store = Store::open(paths).context("open the store")?;
    let summaries = store.images().context("list images")?;
    let ctrs = container::list(&paths.data).context("list containers")?;
    let vols = volume::list(&paths.data).context("list volumes")?;

    // A layer in more than one image is shared.
    let mut layer_users: BTreeMap<&str, usize> = BTreeMap::new();
    for image in &summaries {
        for chain in &image.layers {
            *layer_users.entry(chain.as_str()).or_default() += 1;
        }
    }
    let mut layer_size = BTreeMap::new();
    for chain in layer_users.keys() {
        let size = store.layer(chain).map(|l| l.size).unwrap_or(0);
        layer_size.insert(*chain, size);
    }
    let mut images = Vec::new();
    for image in &summaries {
        let shared = image
            .layers
            .iter()
            .filter(|c| layer_users.get(c.as_str()).copied().unwrap_or(0) > 1)
            .map(|c| layer_size.get(c.as_str()).copied().unwrap_or(0))
            .sum();
        let users = ctrs
            .iter()
            .filter(|c| c.config.image_id == image.id)
            .count();
        let (repository, tag) = image
            .names
            .first()
            .and_then(|n| n.rsplit_once(':').filter(|(_, t)| !t.contains('/')))
            .map_or(("<none>".to_string(), "<none>".to_string()), |(r, t)| {
                (r.to_string(), t.to_string())
            });
        images.push(ImageRow {
            repository,
            tag,
            id: image.id.clone(),
            created: image.created,
            size: image.size,
            shared,
            containers: users,
        });
    }
    let containers = ctrs
        .iter()
        .map(|c| {
            let status = match c.state().map(|s| s.status) {
                Ok(Status::Running) => "running",
                Ok(Status::Exited) => "exited",
                _ => "created",
            };
            ContainerRow {
                id: c.config.id.clone(),
                image_id: c.config.image_id.clone(),
                command: c.config.command.join(" "),
                volumes: c.config.options.named_volumes.len(),
                size: tree_size(&c.upper()),
                created: c.config.created,
                status,
                name: c.config.name.clone(),
            }
        })
        .collect();
    let volumes = vols
        .iter()
        .map(|v| VolumeRow {
            links: ctrs
                .iter()
                .filter(|c| {
                    c.config
                        .options
                        .named_volumes
                        .iter()
                        .any(|m| m.name == v.config.name)
                })
                .count(),
            size: tree_size(&v.data()),
            name: v.config.name.clone(),
        })
        .collect();
    Ok(Usage {
        layers_total: layer_size.values().sum(),
        images,
        containers,
        volumes,
    })
}

fn summaries(u: &Usage) -> [Summary; 3] {
    let active_images: BTreeSet<&str> = u.containers.iter().map(|c| c.image_id.as_str()).collect();
    let unused_images: u64 = u
        .images
        .iter()
        .filter(|i| !active_images.contains(i.id.as_str()))
        .map(|i| i.size - i.shared)
        .sum();
    let ctr_size: u64 = u.containers.iter().map(|c| c.size).sum();
    let ctr_idle: u64 = u
        .containers
        .iter()
        .filter(|c| c.status != "running")
        .map(|c| c.size)
        .sum();
    let vol_size: u64 = u.volumes.iter().map(|v| v.size).sum();
    let vol_unused: u64 = u
        .volumes
        .iter()
        .filter(|v| v.links == 0)
        .map(|v| v.size)
        .sum();
    [
        Summary::new(
            "Images",
            u.images.len(),
            u.images
                .iter()
                .filter(|i| active_images.contains(i.id.as_str()))
                .count(),
            u.layers_total,
            unused_images,
        ),
        Summary::new(
            "Containers",
            u.containers.len(),
            u.containers
                .iter()
                .filter(|c| c.status == "running")
                .count(),
            ctr_size,
            ctr_idle,
        ),
        Summary::new(
            "Local Volumes",
            u.volumes.len(),
            u.volumes.iter().filter(|v| v.links > 0).count(),
            vol_size,
            vol_unused,
        ),
    ]
}

/// `berth system df`.
pub fn execute(args: &DfArgs) -> Result<()> {
    let template = match args.format.as_deref() {
        None | Some("json") => None,
        Some(t) => Some(
            Template::parse(t).map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?,
        ),
    };
    if args.verbose && args.format.is_some() {
        return Err(Error::msg("cannot combine --format and --verbose flags"));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let usage = gather(&paths)?;
    if args.verbose {
        print!("{}", verbose(&usage));
        return Ok(());
    }
    let lines = summaries(&usage);
    match (args.format.as_deref(), template) {
        (Some("json"), _) => {
            let text = serde_json::to_string_pretty(&lines).context("encode the report")?;
            println!("{text}");
        }
        (_, Some(t)) => {
            for line in &lines {
                let value = serde_json::to_value(line).context("encode the report")?;
                let text = t
                    .render(&value)
                    .map_err(|e| Error::msg(format!("--format: {e}")))?;
                println!("{text}");
            }
        }
        _ => {
            let mut rows = vec![["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]
                .map(str::to_string)
                .to_vec()];
            for l in &lines {
                rows.push(vec![
                    l.kind.to_string(),
                    l.total.to_string(),
                    l.active.to_string(),
                    l.size.clone(),
                    l.reclaimable.clone(),
                ]);
            }
            print!("{}", table(&rows));
        }
    }
    Ok(())
}

/// `-v`: one table per type, as podman.
fn verbose(u: &Usage) -> String {
    let now = Utc::now();
    let ago = |t: chrono::DateTime<Utc>| human_duration((now - t).num_milliseconds().max(0));
    let mut out = String::from("Images space usage:\n\n");
    let mut rows = vec![[
        "REPOSITORY",
        "TAG",
        "IMAGE ID",
        "CREATED",
        "SIZE",
        "SHARED SIZE",
        "UNIQUE SIZE",
        "CONTAINERS",
    ]
    .map(str::to_string)
    .to_vec()];
    for i in &u.images {
        rows.push(vec![
            i.repository.clone(),
            i.tag.clone(),
            i.id.chars().take(12).collect(),
            ago(i.created),
            go_size(i.size),
            go_size(i.shared),
            go_size(i.size - i.shared),
            i.containers.to_string(),
        ]);
    }
    out.push_str(&table(&rows));
    out.push_str("\nContainers space usage:\n\n");
    let mut rows = vec![[
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "LOCAL VOLUMES",
        "SIZE",
        "CREATED",
        "STATUS",
        "NAMES",
    ]
    .map(str::to_string)
    .to_vec()];
    for c in &u.containers {
        rows.push(vec![
            c.id.chars().take(12).collect(),
            c.image_id.chars().take(12).collect(),
            c.command.clone(),
            c.volumes.to_string(),
            go_size(c.size),
            ago(c.created),
            c.status.to_string(),
            c.name.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    out.push_str("\nLocal Volumes space usage:\n\n");
    let mut rows = vec![["VOLUME NAME", "LINKS", "SIZE"]
        .map(str::to_string)
        .to_vec()];
    for v in &u.volumes {
        rows.push(vec![v.name.clone(), v.links.to_string(), go_size(v.size)]);
    }
    out.push_str(&table(&rows));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_go_units() {
        assert_eq!(go_size(0), "0B");
        assert_eq!(go_size(999), "999B");
        assert_eq!(go_size(2_573_000), "2.573MB");
        assert_eq!(go_size(1_500), "1.5kB");
        assert_eq!(go_size(12_345_678_901), "12.35GB");
    }

    #[test]
    fn summary_counts_active_and_reclaimable() {
        let t = Utc::now();
        let u = Usage {
            layers_total: 150,
            images: vec![
                ImageRow {
                    repository: "a".into(),
                    tag: "1".into(),
                    id: "i1".into(),
                    created: t,
                    size: 100,
                    shared: 0,
                    containers: 1,
                },
                ImageRow {
                    repository: "b".into(),
                    tag: "1".into(),
                    id: "i2".into(),
                    created: t,
                    size: 50,
                    shared: 0,
                    containers: 0,
                },
            ],
            containers: vec![ContainerRow {
                id: "c".into(),
                image_id: "i1".into(),
                command: "true".into(),
                volumes: 1,
                size: 10,
                created: t,
                status: "exited",
                name: "c1".into(),
            }],
            volumes: vec![VolumeRow {
                name: "v".into(),
                links: 1,
                size: 0,
            }],
        };
        let [images, containers, volumes] = summaries(&u);
        assert_eq!((images.total, images.active), (2, 1));
        assert_eq!(images.size, "150B");
        assert_eq!(images.reclaimable, "50B (33%)");
        assert_eq!((containers.total, containers.active), (1, 0));
        assert_eq!(containers.reclaimable, "10B (100%)");
        assert_eq!((volumes.total, volumes.active), (1, 1));
        assert_eq!(volumes.reclaimable, "0B (0%)");
        assert!(verbose(&u).contains("Local Volumes space usage:\n\nVOLUME NAME"));
    }
}
