//! `berth ps`: the containers in the store, with podman's columns and statuses. A container
//! whose monitor was killed is shown as exited, never as running.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::ps::PsArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{human_duration, table, time_ago, Template};
use crate::storage::container::{self, Container, ContainerState, Status};

/// One row, before formatting.
struct Row {
    container: Container,
    state: ContainerState,
}

/// podman's `ps --format json` fields.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonRow<'a> {
    id: &'a str,
    names: Vec<&'a str>,
    image: &'a str,
    #[serde(rename = "ImageID")]
    image_id: &'a str,
    command: &'a [String],
    created: i64,
    created_at: String,
    state: &'static str,
    status: String,
    exit_code: i32,
    exited: bool,
    exited_at: i64,
    started_at: i64,
    pid: i32,
    auto_remove: bool,
    ports: Vec<serde_json::Value>,
}

/// Run `berth ps`.
pub fn execute(args: PsArgs) -> Result<()> {
    let output = Output::parse(args.format.as_deref())?;
    let paths = Paths::discover().context("find berth's directories")?;
    let containers = container::list(&paths.data).context("list containers")?;
    let mut rows: Vec<Row> = Vec::with_capacity(containers.len());
    for c in containers {
        let state = c
            .state()
            .with_context(|| format!("read the state of container `{}`", c.config.name))?;
        rows.push(Row {
            container: c,
            state,
        });
    }
    let filters = args
        .filter
        .iter()
        .map(|f| Filter::parse(f))
        .collect::<Result<Vec<_>>>()?;
    // A filter on status or exit code looks at every container, as in podman.
    let any_state = filters
        .iter()
        .any(|f| matches!(f, Filter::Status(_) | Filter::Exited(_)));
    rows.retain(|r| all_match(&filters, &r.container, &r.state));
    rows.sort_by_key(|r| std::cmp::Reverse(r.container.config.created));
    let limit = if args.latest { Some(1) } else { args.last };
    if let Some(n) = limit {
        rows.truncate(n);
    } else if !args.all && !any_state {
        rows.retain(|r| r.state.status == Status::Running);
    }
    let now = Utc::now();
    sort_rows(&mut rows, args.sort.as_deref().unwrap_or("created"), now);

    // Pod names only when some container is in a pod: `ps` of a store without pods reads
    // no pod records.
    let in_pods = rows
        .iter()
        .any(|r| r.container.config.options.extras.pod.is_some());
    let pods: std::collections::BTreeMap<String, String> = if in_pods {
        crate::pod::list(&paths.data)
            .map(|l| {
                l.into_iter()
                    .map(|p| (p.config.id, p.config.name))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let pod_of = |r: &Row| -> (String, String) {
        match &r.container.config.options.extras.pod {
            Some(id) => (
                short(id, args.no_trunc),
                pods.get(id).cloned().unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        }
    };
    if let Output::Template(t) = &output {
        if !args.quiet {
            let values: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let mut v = template_value(r, now, args.no_trunc);
                    let (id, name) = pod_of(r);
                    v["Pod"] = id.into();
                    v["PodName"] = name.into();
                    v
                })
                .collect();
            let text = t
                .render_rows(&values, &heading, !args.no_heading)
                .map_err(|e| Error::msg(format!("invalid --format: {e}")))?;
            print!("{text}");
            return Ok(());
        }
    }
    if output == Output::Json {
        let out: Vec<JsonRow<'_>> = rows.iter().map(|r| json_row(r, now)).collect();
        let text = serde_json::to_string_pretty(&out).context("render JSON")?;
        println!("{text}");
        return Ok(());
    }
    if args.quiet {
        for r in &rows {
            println!("{}", short(&r.container.config.id, args.no_trunc));
        }
        return Ok(());
    }
    let mut table_rows = Vec::with_capacity(rows.len() + 1);
    if !args.no_heading {
        table_rows.push(
            [
                "CONTAINER ID",
                "IMAGE",
                "COMMAND",
                "CREATED",
                "STATUS",
                "PORTS",
                "NAMES",
            ]
            .map(String::from)
            .to_vec(),
        );
        if args.pod {
            let head = table_rows.last_mut().expect("the heading");
            head.push("POD ID".into());
            head.push("PODNAME".into());
        }
    }
    for r in &rows {
        let c = &r.container.config;
        let mut command = c.command.join(" ");
        if !args.no_trunc && command.chars().count() > 17 {
            command = command.chars().take(17).collect::<String>() + "...";
        }
        table_rows.push(vec![
            short(&c.id, args.no_trunc),
            c.image_name.clone(),
            command,
            time_ago(c.created, now),
            paused_text(r).unwrap_or_else(|| with_health(status_text(&r.state, now), r)),
            crate::net::ports::ps_column(&c.options.net.ports),
            c.name.clone(),
        ]);
        if args.pod {
            let (id, name) = pod_of(r);
            let row = table_rows.last_mut().expect("the row");
            row.push(id);
            row.push(name);
        }
    }
    print!("{}", table(&table_rows));
    Ok(())
}

/// podman's `--sort`: oldest first for `created` (the default) and `runningfor`, else
/// ascending by the key's text; ties keep creation order. berth does not measure container
/// sizes, so `size` keeps creation order.
fn sort_rows(rows: &mut [Row], key: &str, now: DateTime<Utc>) {
    rows.sort_by_key(|r| r.container.config.created);
    let text = |r: &Row| -> String {
        let c = &r.container.config;
        match key {
            "command" => c.command.join(" "),
            "id" => c.id.clone(),
            "image" => c.image_name.clone(),
            "names" => c.name.clone(),
            "status" => paused_text(r).unwrap_or_else(|| status_text(&r.state, now)),
            _ => String::new(),
        }
    };
    rows.sort_by_cached_key(text);
}

/// How `ps` prints.
#[derive(Debug, PartialEq, Eq)]
enum Output {
    Table,
    Json,
    Template(Template),
}

impl Output {
    fn parse(format: Option<&str>) -> Result<Self> {
        let bad = |t: &str, why: String| {
            Error::msg(format!("invalid --format `{t}`: {why}")).hint(
                "the fields are those of `--format json`, e.g. {{.ID}} {{.Names}} {{.Status}}",
            )
        };
        match format {
            None | Some("table") => Ok(Output::Table),
            Some("json") => Ok(Output::Json),
            Some(t) if !t.contains("{{") => Err(bad(
                t,
                "berth supports `json`, `table` and templates such as `{{.Names}}`".into(),
            )),
            Some(t) => {
                let template = Template::parse(t).map_err(|e| bad(t, e.to_string()))?;
                // A typo in a field name fails before any output, even with no containers.
                template
                    .check_fields(TEMPLATE_FIELDS)
                    .map_err(|e| bad(t, e.to_string()))?;
                Ok(Output::Template(template))
            }
        }
    }
}

/// The fields a `--format` template sees for one container (podman's ps reporter).
fn template_value(r: &Row, now: DateTime<Utc>, no_trunc: bool) -> serde_json::Value {
    let c = &r.container.config;
    let j = json_row(r, now);
    serde_json::json!({
        "ID": short(&c.id, no_trunc),
        "Names": c.name,
        "Image": c.image_name,
        "ImageID": c.image_id,
        "Command": c.command.join(" "),
        "Created": c.created.format("%Y-%m-%d %H:%M:%S %z %Z").to_string(),
        "CreatedAt": c.created.format("%Y-%m-%d %H:%M:%S %z %Z").to_string(),
        "CreatedHuman": time_ago(c.created, now),
        "RunningFor": time_ago(c.created, now),
        "Status": j.status,
        "State": j.state,
        "Ports": "",
        "Labels": c.options.extras.labels,
        "Pid": j.pid,
        "ExitCode": j.exit_code,
        "Exited": j.exited,
        "AutoRemove": j.auto_remove,
        "Mounts": [],
        "Networks": [],
        "Pod": "",
        "PodName": "",
        "Size": "",
    })
}

/// Every field `template_value` has, for checking a template before any output.
const TEMPLATE_FIELDS: &[&str] = &[
    "ID",
    "Names",
    "Image",
    "ImageID",
    "Command",
    "Created",
    "CreatedAt",
    "CreatedHuman",
    "RunningFor",
    "Status",
    "State",
    "Ports",
    "Labels",
    "Pid",
    "ExitCode",
    "Exited",
    "AutoRemove",
    "Mounts",
    "Networks",
    "Pod",
    "PodName",
    "Size",
];

/// podman's column heading for a template field.
fn heading(field: &str) -> String {
    match field {
        "ID" => "CONTAINER ID".into(),
        "CreatedHuman" | "RunningFor" | "Created" | "CreatedAt" => "CREATED".into(),
        "ImageID" => "IMAGE ID".into(),
        "ExitCode" => "EXIT CODE".into(),
        "AutoRemove" => "AUTO REMOVE".into(),
        "PodName" => "POD NAME".into(),
        other => other.to_uppercase(),
    }
}

/// One `--filter` (also `start`, `stop` and `rm --filter`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    Id(String),
    Name(String),
    Status(String),
    Ancestor(String),
    Label(String, Option<String>),
    Exited(i32),
    RestartPolicy(crate::spec::RestartPolicy),
    /// `pod=NAME|ID`: the containers of a pod.
    Pod(String),
}

impl Filter {
    /// Parse `KEY=VALUE`.
    pub(crate) fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::msg(format!("invalid --filter `{text}`: {why}"));
        let (key, value) = text
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE"))?;
        Ok(match key {
            "id" => Filter::Id(value.to_string()),
            "name" => Filter::Name(value.to_string()),
            "status" => match value {
                "created" | "running" | "exited" | "paused" | "restarting" | "removing"
                | "stopped" | "configured" => Filter::Status(value.to_string()),
                _ => {
                    return Err(bad(
                        "status is created, running, exited, paused, restarting or removing",
                    ))
                }
            },
            "ancestor" => Filter::Ancestor(value.to_string()),
            "label" => match value.split_once('=') {
                Some((k, v)) => Filter::Label(k.to_string(), Some(v.to_string())),
                None => Filter::Label(value.to_string(), None),
            },
            "exited" => Filter::Exited(
                value
                    .parse()
                    .map_err(|_| bad("exited takes an exit code"))?,
            ),
            // podman's spelling of the default policy is `none`; its error text, exactly.
            "restart-policy" => Filter::RestartPolicy(match value {
                "none" => crate::spec::RestartPolicy::No,
                _ => crate::spec::RestartPolicy::parse(value)
                    .filter(|_| !value.is_empty() && !value.contains(':'))
                    .ok_or_else(|| Error::msg(format!("{value} invalid restart policy")))?,
            }),
            "pod" => Filter::Pod(value.to_string()),
            _ => {
                return Err(bad(
                    "berth filters on id, name, status, ancestor, label, exited, restart-policy and pod",
                ))
            }
        })
    }

    /// Does the container, in `state`, match?
    pub(crate) fn matches(&self, container: &Container, state: &ContainerState) -> bool {
        let c = &container.config;
        match self {
            Filter::Id(id) => c.id.starts_with(id.as_str()),
            // podman matches names as a regular expression; a substring covers the common use.
            Filter::Name(name) => c.name.contains(name.as_str()),
            Filter::Status(s) => match state.status {
                Status::Created => s == "created" || s == "configured",
                Status::Running if crate::commands::pause::is_paused(container) => s == "paused",
                Status::Running => s == "running",
                Status::Exited => s == "exited" || s == "stopped",
            },
            Filter::Ancestor(a) => {
                c.image_id.starts_with(a.as_str())
                    || c.image_name == *a
                    || c.image_name
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n == a || n.split(':').next() == Some(a.as_str()))
            }
            Filter::Pod(key) => c.options.extras.pod.as_deref().is_some_and(|id| {
                id.starts_with(key.as_str())
                    || crate::config::Paths::discover()
                        .ok()
                        .and_then(|p| crate::pod::find(&p.data, key).ok())
                        .is_some_and(|p| p.config.id == id)
            }),
            Filter::Label(k, v) => match (c.options.extras.labels.get(k), v) {
                (Some(found), Some(want)) => found == want,
                (Some(_), None) => true,
                (None, _) => false,
            },
            Filter::Exited(code) => {
                state.status == Status::Exited && state.exit_code == Some(*code)
            }
            Filter::RestartPolicy(p) => match (p, c.options.restart) {
                (
                    crate::spec::RestartPolicy::OnFailure(_),
                    crate::spec::RestartPolicy::OnFailure(_),
                ) => true,
                (want, have) => *want == have,
            },
        }
    }
}

/// podman's rule for several `--filter`s: those on the same key match when any does (two
/// `status=` values), except `label=`, which must all match; different keys must all match.
pub(crate) fn all_match(filters: &[Filter], c: &Container, state: &ContainerState) -> bool {
    filters.iter().all(|f| {
        matches!(f, Filter::Label(..))
            || filters
                .iter()
                .filter(|g| std::mem::discriminant(*g) == std::mem::discriminant(f))
                .any(|g| g.matches(c, state))
    }) && filters
        .iter()
        .filter(|f| matches!(f, Filter::Label(..)))
        .all(|f| f.matches(c, state))
}

fn short(id: &str, no_trunc: bool) -> String {
    if no_trunc {
        id.to_string()
    } else {
        id.chars().take(12).collect()
    }
}

/// `Paused` for a running container whose cgroup is frozen.
fn paused_text(r: &Row) -> Option<String> {
    (r.state.status == Status::Running && crate::commands::pause::is_paused(&r.container))
        .then(|| "Paused".to_string())
}

/// podman's STATUS column: `Created`, `Up 3 seconds`, `Exited (0) 2 minutes ago`.
fn status_text(state: &ContainerState, now: DateTime<Utc>) -> String {
    match state.status {
        Status::Created => "Created".into(),
        Status::Running => {
            let since = state.started_at.unwrap_or(now);
            format!(
                "Up {}",
                human_duration((now - since).num_milliseconds().max(0))
            )
        }
        Status::Exited => {
            let code = state.exit_code.unwrap_or(-1);
            match state.finished_at {
                Some(at) => format!("Exited ({code}) {}", time_ago(at, now)),
                None => format!("Exited ({code})"),
            }
        }
    }
}

/// `Up 3 seconds (healthy)`: a running container with a healthcheck shows its health.
fn with_health(status: String, r: &Row) -> String {
    if r.state.status != Status::Running {
        return status;
    }
    match crate::run::health::load(&r.container.dir) {
        Some(h) => format!("{status} ({})", h.status),
        None => status,
    }
}

fn json_row(r: &Row, now: DateTime<Utc>) -> JsonRow<'_> {
    let c = &r.container.config;
    JsonRow {
        id: &c.id,
        names: vec![&c.name],
        image: &c.image_name,
        image_id: &c.image_id,
        command: &c.command,
        created: c.created.timestamp(),
        created_at: c.created.to_rfc3339(),
        state: match r.state.status {
            Status::Created => "created",
            Status::Running if paused_text(r).is_some() => "paused",
            Status::Running => "running",
            Status::Exited => "exited",
        },
        status: paused_text(r).unwrap_or_else(|| with_health(status_text(&r.state, now), r)),
        exit_code: r
            .state
            .exit_code
            .unwrap_or(if r.state.status == Status::Exited {
                -1
            } else {
                0
            }),
        exited: r.state.status == Status::Exited,
        exited_at: r.state.finished_at.map_or(0, |t| t.timestamp()),
        started_at: r.state.started_at.map_or(0, |t| t.timestamp()),
        pid: r.state.pid.unwrap_or(0),
        auto_remove: c.rm,
        ports: c
            .options
            .net
            .ports
            .iter()
            .map(|p| {
                serde_json::json!({
                    "host_ip": p.host_ip.map(|i| i.to_string()).unwrap_or_default(),
                    "container_port": p.container_port,
                    "host_port": p.host_port,
                    "range": p.range,
                    "protocol": p.protocol.name(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn filters_parse() {
        assert_eq!(
            Filter::parse("status=exited").unwrap(),
            Filter::Status("exited".into())
        );
        assert_eq!(
            Filter::parse("label=a=b").unwrap(),
            Filter::Label("a".into(), Some("b".into()))
        );
        assert_eq!(Filter::parse("exited=3").unwrap(), Filter::Exited(3));
        assert!(Filter::parse("status=sleepy").is_err());
        assert!(Filter::parse("color=red").is_err());
        assert!(Filter::parse("nokey").is_err());
        assert_eq!(
            Filter::parse("restart-policy=none").unwrap(),
            Filter::RestartPolicy(crate::spec::RestartPolicy::No)
        );
        assert_eq!(
            Filter::parse("restart-policy=fakepolicy")
                .unwrap_err()
                .render()
                .unwrap(),
            "Error: fakepolicy invalid restart policy"
        );
    }

    #[test]
    fn statuses_read_like_podman() {
        let now = Utc::now();
        let mut s = ContainerState::created();
        assert_eq!(status_text(&s, now), "Created");
        s.status = Status::Running;
        s.started_at = Some(now - Duration::seconds(3));
        assert_eq!(status_text(&s, now), "Up 3 seconds");
        s.status = Status::Exited;
        s.exit_code = Some(0);
        s.finished_at = Some(now - Duration::minutes(2));
        assert_eq!(status_text(&s, now), "Exited (0) 2 minutes ago");
        s.exit_code = None;
        assert!(status_text(&s, now).starts_with("Exited (-1)"));
    }
}
