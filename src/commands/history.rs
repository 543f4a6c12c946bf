//! `berth history`: an image's history entries, newest first (podman's columns).

use chrono::{DateTime, Utc};

use crate::cli::history::HistoryArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{human_size, table, time_ago, Template};
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
    let output = Output::parse(args.format.as_deref())?;
    if output == Output::Json {
        // podman's JSON always carries the full id.
        let rows = rows(&image.id, image.config.history(), &sizes);
        let text = serde_json::to_string_pretty(&rows.iter().map(json_entry).collect::<Vec<_>>())
            .context("render JSON")?;
        println!("{text}");
        return Ok(());
    }
    let rows = rows(&id, image.config.history(), &sizes);
    if let (Output::Template(t), false) = (&output, args.quiet) {
        let now = Utc::now();
        let values: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| template_value(r, now, args.human, args.no_trunc))
            .collect();
        let text = t
            .render_rows(&values, &heading, true)
            .map_err(|e| Error::msg(format!("invalid --format: {e}")))?;
        print!("{text}");
        return Ok(());
    }
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
            (Some(c), false) => c.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
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

/// How `history` prints.
#[derive(Debug, PartialEq, Eq)]
enum Output {
    Table,
    Json,
    Template(Template),
}

/// Every field a `--format` template sees (podman's history reporter).
const TEMPLATE_FIELDS: &[&str] = &[
    "ID",
    "Created",
    "CreatedSince",
    "CreatedAt",
    "CreatedBy",
    "Size",
    "Comment",
    "Tags",
];

impl Output {
    fn parse(format: Option<&str>) -> Result<Self> {
        let bad = |t: &str, why: String| {
            Error::msg(format!("invalid --format `{t}`: {why}")).hint(format!(
                "the fields are {}, e.g. {{{{.ID}}}} {{{{.CreatedBy}}}}",
                TEMPLATE_FIELDS.join(", ")
            ))
        };
        match format {
            None | Some("table") => Ok(Output::Table),
            Some("json") => Ok(Output::Json),
            Some(t) if !t.contains("{{") => Err(bad(
                t,
                "berth supports `json`, `table` and templates such as `{{.ID}}`".into(),
            )),
            Some(t) => {
                let template = Template::parse(t).map_err(|e| bad(t, e.to_string()))?;
                template
                    .check_fields(TEMPLATE_FIELDS)
                    .map_err(|e| bad(t, e.to_string()))?;
                Ok(Output::Template(template))
            }
        }
    }
}

/// podman's column heading for a template field.
fn heading(field: &str) -> String {
    match field {
        "Created" | "CreatedSince" | "CreatedAt" => "CREATED".into(),
        "CreatedBy" => "CREATED BY".into(),
        other => other.to_uppercase(),
    }
}

/// The fields a template sees for one entry: `Created` is an age with `--human` (the
/// default), else RFC 3339; `CreatedAt` is the time as `images` prints it; `CreatedBy` is
/// cut to 45 characters unless `--no-trunc`.
fn template_value(r: &Row, now: DateTime<Utc>, human: bool, no_trunc: bool) -> serde_json::Value {
    let (since, at, rfc) = match r.created {
        Some(c) => (
            time_ago(c, now),
            c.format("%Y-%m-%d %H:%M:%S %z %Z").to_string(),
            c.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ),
        None => Default::default(),
    };
    serde_json::json!({
        "ID": r.id,
        "Created": if human { since.clone() } else { rfc },
        "CreatedSince": since,
        "CreatedAt": at,
        "CreatedBy": if no_trunc { r.created_by.clone() } else { truncate(&r.created_by, 45) },
        "Size": human_size(r.size),
        "Comment": r.comment,
        "Tags": serde_json::Value::Null,
    })
}

/// One entry of podman's `history --format json`.
fn json_entry(r: &Row) -> serde_json::Value {
    let created = r
        .created
        .map(|c| c.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    serde_json::json!({
        "id": r.id,
        "created": created,
        "CreatedBy": r.created_by,
        "size": r.size,
        "comment": r.comment,
        "Created": created,
    })
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
    fn template_fields_are_podmans() {
        let row = Row {
            id: "abc".into(),
            created: Some(Utc::now() - chrono::Duration::days(3)),
            created_by: "x".repeat(50),
            size: 10240,
            comment: String::new(),
        };
        let v = template_value(&row, Utc::now(), true, false);
        assert_eq!(v["Created"], "3 days ago");
        assert_eq!(v["CreatedSince"], "3 days ago");
        assert_eq!(v["Size"], human_size(10240));
        assert_eq!(v["CreatedBy"].as_str().unwrap().chars().count(), 45);
        let v = template_value(&row, Utc::now(), false, true);
        assert!(v["Created"].as_str().unwrap().ends_with('Z'));
        assert_eq!(v["CreatedBy"].as_str().unwrap().len(), 50);
        assert!(Output::parse(Some("{{.Bogus}}")).is_err());
        assert_eq!(Output::parse(Some("json")).unwrap(), Output::Json);
    }

    #[test]
    fn long_commands_are_cut() {
        assert_eq!(truncate("abcdef", 5), "ab...");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
