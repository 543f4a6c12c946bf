//! `berth history`: an image's history entries, newest first (podman's columns).

use chrono::{DateTime, Utc};

use crate::cli::history::HistoryArgs;
use crate::config::Paths;
use crate::error::{Context, Result};
use crate::format::{human_size, table, time_ago};
use crate::storage::Store;

/// One row of `history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The image id on the newest entry, `<missing>` elsewhere.
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    pub created_by: String,
    pub size: u64,
    pub comment: String,
}

/// Pair the config's history with the layer sizes (pure): each entry that is not an empty
/// layer takes the next layer's size. Newest first.
pub fn rows(id: &str, history: &[oci_spec::image::History], layer_sizes: &[u64]) -> Vec<Row> {
    let mut sizes = layer_sizes.iter();
    let mut out: Vec<Row> = history
        .iter()
        .map(|h| {
            let size = if h.empty_layer().unwrap_or(false) {
                0
            } else {
                sizes.next().copied().unwrap_or(0)
            };
            Row {
                id: "<missing>".into(),
                created: h
                    .created()
                    .as_deref()
                    .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                    .map(|c| c.with_timezone(&Utc)),
                created_by: h.created_by().clone().unwrap_or_default(),
                size,
                comment: h.comment().clone().unwrap_or_default(),
            }
        })
        .collect();
    out.reverse();
    if let Some(first) = out.first_mut() {
        first.id = id.to_string();
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 3).collect();
        format!("{cut}...")
    }
}

/// Run `berth history`.
pub fn execute(args: HistoryArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let image = store
        .resolve_image(&args.image)
        .with_context(|| format!("history of `{}`", args.image))?;
    let mut sizes = Vec::new();
    for chain in &image.layers {
        sizes.push(store.layer(chain).context("read a layer record")?.size);
    }
    let id = if args.no_trunc {
        image.id.clone()
    } else {
        image.id[..12].to_string()
    };
    let rows = rows(&id, image.config.history(), &sizes);
    if args.quiet {
        for r in rows {
            println!("{}", r.id);
        }
        return Ok(());
    }
    let now = Utc::now();
    let mut lines = vec![vec![
        "ID".to_string(),
        "CREATED".into(),
        "CREATED BY".into(),
        "SIZE".into(),
        "COMMENT".into(),
    ]];
    for r in rows {
        let created = match (r.created, args.human) {
            (Some(c), true) => time_ago(c, now),
            (Some(c), false) => c.to_rfc3339(),
            (None, _) => String::new(),
        };
        let by = if args.no_trunc {
            r.created_by
        } else {
            truncate(&r.created_by, 45)
        };
        let size = if args.human {
            human_size(r.size)
        } else {
            r.size.to_string()
        };
        lines.push(vec![r.id, created, by, size, r.comment]);
    }
    print!("{}", table(&lines));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_pair_sizes_and_put_the_newest_first() {
        let h: Vec<oci_spec::image::History> = serde_json::from_str(
            r#"[{"created":"2024-01-01T00:00:00Z","created_by":"ADD x","comment":"c"},
                {"created_by":"ENV a=b","empty_layer":true},
                {"created_by":"RUN y"}]"#,
        )
        .unwrap();
        let r = rows("abc", &h, &[10, 20]);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].id, "abc");
        assert_eq!(r[0].created_by, "RUN y");
        assert_eq!(r[0].size, 20);
        assert_eq!(r[1].size, 0);
        assert_eq!(r[1].id, "<missing>");
        assert_eq!(r[2].size, 10);
        assert_eq!(r[2].comment, "c");
        assert!(r[2].created.is_some());
    }

    #[test]
    fn long_commands_are_cut() {
        assert_eq!(truncate("abcdef", 5), "ab...");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
