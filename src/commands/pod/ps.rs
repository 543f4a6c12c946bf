//! `berth pod ps` (`ls`, `list`): podman's columns, filters and `--format` fields.

use chrono::Utc;

use super::PodView;
use crate::cli::pod::PodPsArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{table, time_ago, Template};
use crate::storage::container::Status;

/// One `--filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Id(String),
    Name(String),
    Label(String, Option<String>),
    Status(String),
    CtrNames(String),
    CtrIds(String),
    CtrStatus(String),
    CtrNumber(usize),
}

impl Filter {
    fn parse(text: &str) -> Option<Self> {
        let (k, v) = text.split_once('=')?;
        let v = v.to_string();
        Some(match k {
            "id" => Filter::Id(v),
            "name" => Filter::Name(v),
            "label" => match v.split_once('=') {
                Some((a, b)) => Filter::Label(a.into(), Some(b.into())),
                None => Filter::Label(v, None),
            },
            "status" => match v.as_str() {
                "created" | "running" | "stopped" | "exited" | "dead" | "degraded" | "paused" => {
                    Filter::Status(v)
                }
                _ => return None,
            },
            "ctr-names" => Filter::CtrNames(v),
            "ctr-ids" => Filter::CtrIds(v),
            "ctr-status" => Filter::CtrStatus(v),
            "ctr-number" => Filter::CtrNumber(v.parse().ok()?),
            _ => return None,
        })
    }

    fn matches(&self, v: &PodView) -> bool {
        let c = &v.pod.config;
        match self {
            Filter::Id(x) => c.id.starts_with(x.as_str()),
            Filter::Name(x) => c.name.contains(x.as_str()),
            Filter::Label(k, val) => c
                .labels
                .get(k)
                .is_some_and(|have| val.as_ref().is_none_or(|w| w == have)),
            Filter::Status(s) => v.status().eq_ignore_ascii_case(s),
            Filter::CtrNames(x) => v.members.iter().any(|(m, _)| m.config.name == *x),
            Filter::CtrIds(x) => v
                .members
                .iter()
                .any(|(m, _)| m.config.id.starts_with(x.as_str())),
            Filter::CtrStatus(s) => v.members.iter().any(|(_, st)| status_word(st.status) == s),
            Filter::CtrNumber(n) => v.members.len() == *n,
        }
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Created => "created",
        Status::Running => "running",
        Status::Exited => "exited",
    }
}

fn short(id: &str, no_trunc: bool) -> String {
    if no_trunc {
        id.to_string()
    } else {
        id.chars().take(12).collect()
    }
}

/// The fields a template sees for one pod (podman's `pod ps` reporter).
fn template_value(v: &PodView, no_trunc: bool) -> serde_json::Value {
    let c = &v.pod.config;
    let now = Utc::now();
    let ids: Vec<String> = v
        .members
        .iter()
        .map(|(m, _)| short(&m.config.id, no_trunc))
        .collect();
    let names: Vec<&str> = v
        .members
        .iter()
        .map(|(m, _)| m.config.name.as_str())
        .collect();
    let statuses: Vec<&str> = v
        .members
        .iter()
        .map(|(_, s)| status_word(s.status))
        .collect();
    serde_json::json!({
        "ID": short(&c.id, no_trunc),
        "Id": c.id,
        "Name": c.name,
        "Status": v.status(),
        "Created": time_ago(c.created, now),
        "CreatedAt": c.created.format("%Y-%m-%d %H:%M:%S %z %Z").to_string(),
        "InfraID": c.infra_id.as_deref().map(|i| short(i, no_trunc)).unwrap_or_default(),
        "InfraId": c.infra_id.clone().unwrap_or_default(),
        "NumberOfContainers": v.members.len(),
        "Cgroup": "",
        "ContainerIds": ids.join(","),
        "ContainerNames": names.join(","),
        "ContainerStatuses": statuses.join(","),
        "Labels": c.labels,
        "Networks": c.networks.join(","),
        "Namespace": "",
        "Containers": json_containers(v),
    })
}

fn json_containers(v: &PodView) -> Vec<serde_json::Value> {
    v.members
        .iter()
        .map(|(m, s)| {
            serde_json::json!({
                "Id": m.config.id,
                "Names": m.config.name,
                "Status": status_word(s.status),
                "RestartCount": s.restart_count,
            })
        })
        .collect()
}

/// podman's `pod ps --format json` entry.
fn json_value(v: &PodView) -> serde_json::Value {
    let c = &v.pod.config;
    serde_json::json!({
        "Cgroup": "",
        "Containers": json_containers(v),
        "Created": c.created.to_rfc3339(),
        "Id": c.id,
        "InfraId": c.infra_id.clone().unwrap_or_default(),
        "Name": c.name,
        "Namespace": "",
        "Networks": c.networks,
        "Status": v.status(),
        "Labels": c.labels,
    })
}

/// podman's heading for a template field.
fn heading(field: &str) -> String {
    match field {
        "ID" | "Id" => "POD ID".into(),
        "InfraID" | "InfraId" => "INFRA ID".into(),
        "NumberOfContainers" => "# OF CONTAINERS".into(),
        "ContainerIds" => "IDS".into(),
        "ContainerNames" => "NAMES".into(),
        "ContainerStatuses" => "STATUS".into(),
        "CreatedAt" => "CREATED".into(),
        other => other.to_uppercase(),
    }
}

/// Run `berth pod ps`.
pub fn execute(args: &PodPsArgs) -> Result<()> {
    let filters = crate::commands::parse_filters(&args.filter, Filter::parse,
        "supported filters are id, name, label, status (created, running, stopped, exited, dead, degraded, paused), ctr-names, ctr-ids, ctr-status and ctr-number")?;
    let template = match args.format.as_deref() {
        None | Some("table") | Some("json") => None,
        Some(t) => Some(
            Template::parse(t).map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?,
        ),
    };
    let paths = Paths::discover().context("find berth's directories")?;
    let mut views = super::views(&paths)?;
    views.retain(|v| filters.iter().all(|f| f.matches(v)));
    match args.sort.as_deref().unwrap_or("created") {
        "created" => views.sort_by_key(|v| std::cmp::Reverse(v.pod.config.created)),
        "id" => views.sort_by(|a, b| a.pod.config.id.cmp(&b.pod.config.id)),
        "name" => views.sort_by(|a, b| a.pod.config.name.cmp(&b.pod.config.name)),
        "number" => views.sort_by_key(|v| v.members.len()),
        "status" => views.sort_by_key(PodView::status),
        other => {
            return Err(Error::msg(format!(
                "invalid --sort `{other}`: expected created, id, name, number or status"
            )))
        }
    }
    if args.latest {
        views.sort_by_key(|v| std::cmp::Reverse(v.pod.config.created));
        views.truncate(1);
    }
    if args.quiet {
        for v in &views {
            println!("{}", short(&v.pod.config.id, args.no_trunc));
        }
        return Ok(());
    }
    if args.format.as_deref() == Some("json") {
        let out: Vec<serde_json::Value> = views.iter().map(json_value).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&out).context("render JSON")?
        );
        return Ok(());
    }
    if let Some(t) = template {
        let values: Vec<serde_json::Value> = views
            .iter()
            .map(|v| template_value(v, args.no_trunc))
            .collect();
        let text = t
            .render_rows(&values, &heading, !args.noheading)
            .map_err(|e| Error::msg(format!("invalid --format: {e}")))?;
        print!("{text}");
        return Ok(());
    }
    let mut head = vec!["POD ID", "NAME", "STATUS", "CREATED", "INFRA ID"];
    if args.ctr_ids {
        head.push("IDS");
    }
    if args.ctr_names {
        head.push("NAMES");
    }
    if args.ctr_status {
        head.push("STATUS");
    }
    if !(args.ctr_ids || args.ctr_names || args.ctr_status) {
        head.push("# OF CONTAINERS");
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !args.noheading {
        rows.push(head.iter().map(|s| s.to_string()).collect());
    }
    for v in &views {
        let t = template_value(v, args.no_trunc);
        let text = |k: &str| match &t[k] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut row = vec![
            text("ID"),
            text("Name"),
            text("Status"),
            text("Created"),
            text("InfraID"),
        ];
        if args.ctr_ids {
            row.push(text("ContainerIds"));
        }
        if args.ctr_names {
            row.push(text("ContainerNames"));
        }
        if args.ctr_status {
            row.push(text("ContainerStatuses"));
        }
        if !(args.ctr_ids || args.ctr_names || args.ctr_status) {
            row.push(text("NumberOfContainers"));
        }
        rows.push(row);
    }
    print!("{}", table(&rows));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_podman_spells_them() {
        assert_eq!(Filter::parse("name=web"), Some(Filter::Name("web".into())));
        assert_eq!(
            Filter::parse("label=a=b"),
            Some(Filter::Label("a".into(), Some("b".into())))
        );
        assert_eq!(Filter::parse("ctr-number=2"), Some(Filter::CtrNumber(2)));
        assert_eq!(Filter::parse("status=bogus"), None);
        assert_eq!(Filter::parse("nope=1"), None);
        assert_eq!(heading("NumberOfContainers"), "# OF CONTAINERS");
    }
}
