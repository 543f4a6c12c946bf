//! `berth events`: print the event log (storage::events), filtered, once or as it grows.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::cli::events::EventsArgs;
use crate::error::{Context, Error, Result};
use crate::format::Template;
use crate::storage::events::{parse_time, Event, EventLog};

/// How often a `--stream` reader looks for new lines.
const POLL: Duration = Duration::from_millis(200);

/// The `--filter` keys podman's `events` takes that berth can match.
const KEYS: &str = "container, event (or status), image, label, type, volume";

/// One `--filter KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Container(String),
    Event(String),
    Image(String),
    Label(String, Option<String>),
    Type(String),
    Volume(String),
}

impl Filter {
    fn parse(text: &str) -> Option<Filter> {
        let (key, value) = text.split_once('=')?;
        let v = value.to_string();
        Some(match key {
            "container" => Filter::Container(v),
            "event" | "status" => Filter::Event(v),
            "image" => Filter::Image(v),
            "label" => match value.split_once('=') {
                Some((k, val)) => Filter::Label(k.to_string(), Some(val.to_string())),
                None => Filter::Label(v, None),
            },
            "type" => Filter::Type(v),
            "volume" => Filter::Volume(v),
            _ => return None,
        })
    }

    /// Filters of one key are or-ed (podman's rule since #10507); of different keys, and-ed.
    fn key(&self) -> u8 {
        match self {
            Filter::Container(_) => 0,
            Filter::Event(_) => 1,
            Filter::Image(_) => 2,
            Filter::Label(..) => 3,
            Filter::Type(_) => 4,
            Filter::Volume(_) => 5,
        }
    }

    fn matches(&self, e: &Event) -> bool {
        let id_or_name =
            |x: &str| e.name == x || e.id == x || (x.len() >= 3 && e.id.starts_with(x));
        match self {
            Filter::Container(x) => e.kind == "container" && id_or_name(x),
            // podman's `die` is its `died`.
            Filter::Event(x) => e.status == *x || (x == "die" && e.status == "died"),
            Filter::Image(x) => match e.kind.as_str() {
                "image" => id_or_name(x),
                _ => e.image == *x,
            },
            Filter::Label(k, v) => e
                .attributes
                .as_ref()
                .and_then(|a| a.get(k))
                .is_some_and(|got| v.as_ref().is_none_or(|want| got == want)),
            Filter::Type(x) => e.kind == *x,
            Filter::Volume(x) => e.kind == "volume" && e.name == *x,
        }
    }
}

/// Does `event` pass every key of `filters`?
fn selected(filters: &[Filter], event: &Event) -> bool {
    (0..6u8).all(|key| {
        let mut of_key = filters.iter().filter(|f| f.key() == key).peekable();
        of_key.peek().is_none() || of_key.any(|f| f.matches(event))
    })
}

/// How each event is printed.
enum Output {
    Human { trunc: bool },
    Json,
    Template(Template),
}

impl Output {
    fn line(&self, e: &Event) -> Result<String> {
        Ok(match self {
            Output::Human { trunc } => e.human(*trunc),
            Output::Json => serde_json::to_string(e).context("encode an event")?,
            Output::Template(t) => {
                let mut value = serde_json::to_value(e).context("encode an event")?;
                // `{{.Time}}` prints as Go prints a time, as in podman's human lines.
                if let Some(obj) = value.as_object_mut() {
                    let human = e.human(false);
                    let time = human.split(" UTC ").next().unwrap_or_default();
                    obj.insert("Time".into(), format!("{time} UTC").into());
                    obj.entry("ID").or_insert_with(|| "".into());
                    obj.entry("Image").or_insert_with(|| "".into());
                    obj.entry("Name").or_insert_with(|| "".into());
                }
                t.render(&value)
                    .map_err(|err| Error::msg(format!("--format: {err}")))?
            }
        })
    }
}

/// The whole plan of one `events` call, checked before anything is read.
struct Plan {
    filters: Vec<Filter>,
    output: Output,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    stream: bool,
}

fn plan(args: &EventsArgs, now: DateTime<Utc>) -> Result<Plan> {
    let filters = crate::commands::parse_filters(
        &args.filter,
        Filter::parse,
        &format!("the keys are {KEYS}"),
    )?;
    let time = |flag: &str, text: &Option<String>| -> Result<Option<DateTime<Utc>>> {
        text.as_deref()
            .map(|t| {
                parse_time(t, now).ok_or_else(|| {
                    Error::msg(format!(
                        "invalid {flag} `{t}`: expected an RFC 3339 time, a date, Unix seconds or a duration such as 10m"
                    ))
                })
            })
            .transpose()
    };
    let output = match args.format.as_deref() {
        None => Output::Human {
            trunc: !args.no_trunc,
        },
        Some("json") => Output::Json,
        Some(t) => Output::Template(
            Template::parse(t).map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?,
        ),
    };
    Ok(Plan {
        filters,
        output,
        since: time("--since", &args.since)?,
        until: time("--until", &args.until)?,
        stream: args.stream,
    })
}

/// `berth events`.
pub fn execute(args: EventsArgs) -> Result<()> {
    let plan = plan(&args, Utc::now())?;
    let log = EventLog::discover().ok_or_else(|| Error::msg("find berth's directories"))?;
    let (events, mut offset) = log.read_from(0).map_err(|e| Error::msg(e.to_string()))?;
    // Streaming with no --since shows only what happens from now on, as podman.
    let history = !plan.stream || plan.since.is_some() || plan.until.is_some();
    let mut out = std::io::stdout().lock();
    if history {
        for e in &events {
            if !print(&plan, &mut out, e)? {
                return Ok(());
            }
        }
    }
    if !plan.stream {
        return Ok(());
    }
    loop {
        if plan.until.is_some_and(|u| Utc::now() > u) {
            return Ok(());
        }
        std::thread::sleep(POLL);
        let (new, next) = log
            .read_from(offset)
            .map_err(|e| Error::msg(e.to_string()))?;
        offset = next;
        for e in &new {
            if !print(&plan, &mut out, e)? {
                return Ok(());
            }
        }
    }
}

/// Print `e` when the plan selects it; `false` when stdout is gone (a closed pipe).
fn print(plan: &Plan, out: &mut impl std::io::Write, e: &Event) -> Result<bool> {
    if plan.since.is_some_and(|s| e.time < s) || plan.until.is_some_and(|u| e.time > u) {
        return Ok(true);
    }
    if !selected(&plan.filters, e) {
        return Ok(true);
    }
    let line = plan.output.line(e)?;
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("write to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctr(name: &str, status: &str, label: Option<(&str, &str)>) -> Event {
        let mut e = Event::new("container", status);
        e.name = name.into();
        e.id = format!("{name}0123456789abcdef");
        e.image = "busybox".into();
        e.attributes = label.map(|(k, v)| [(k.to_string(), v.to_string())].into());
        e
    }

    fn filters(texts: &[&str]) -> Vec<Filter> {
        texts.iter().map(|t| Filter::parse(t).unwrap()).collect()
    }

    #[test]
    fn one_key_is_or_and_keys_are_and() {
        let f = filters(&["container=foo", "container=bar", "event=start"]);
        assert!(selected(&f, &ctr("foo", "start", None)));
        assert!(selected(&f, &ctr("bar", "start", None)));
        assert!(!selected(&f, &ctr("baz", "start", None)));
        assert!(!selected(&f, &ctr("foo", "died", None)));
        let f = filters(&["label=a=b", "type=container"]);
        assert!(selected(&f, &ctr("x", "start", Some(("a", "b")))));
        assert!(!selected(&f, &ctr("x", "start", Some(("a", "c")))));
        assert!(selected(
            &filters(&["label=a"]),
            &ctr("x", "start", Some(("a", "c")))
        ));
        assert!(selected(&filters(&["event=die"]), &ctr("x", "died", None)));
        assert!(selected(&[], &ctr("x", "died", None)));
    }

    #[test]
    fn containers_match_by_name_id_or_prefix() {
        let e = ctr("web", "start", None);
        for yes in ["web", "web0123", &e.id.clone()] {
            assert!(
                selected(&filters(&[&format!("container={yes}")]), &e),
                "{yes}"
            );
        }
        assert!(!selected(&filters(&["container=we"]), &e));
        assert!(!selected(&filters(&["type=image"]), &e));
    }

    #[test]
    fn bad_input_is_refused_before_reading() {
        let now = Utc::now();
        let args = |f: &[&str], since: Option<&str>| EventsArgs {
            filter: f.iter().map(|s| s.to_string()).collect(),
            format: None,
            no_trunc: true,
            since: since.map(str::to_string),
            until: None,
            stream: false,
        };
        assert!(plan(&args(&["nosuch=x"], None), now).is_err());
        assert!(plan(&args(&["container"], None), now).is_err());
        assert!(plan(&args(&[], Some("yesterday")), now).is_err());
        assert!(plan(&args(&["type=image"], Some("5m")), now).is_ok());
    }

    #[test]
    fn templates_see_podmans_fields() {
        let mut e = ctr("web", "died", Some(("lname", "v 1")));
        e.exit_code = Some(17);
        let out =
            Output::Template(Template::parse("{{.ID}}--{{.Image}} {{.Attributes.lname}}").unwrap());
        assert_eq!(out.line(&e).unwrap(), format!("{}--busybox v 1", e.id));
        let img = Event::image("pull", "", "x:1");
        let out = Output::Template(Template::parse("{{.Status}}--{{.Name}}{{.ID}}").unwrap());
        assert_eq!(out.line(&img).unwrap(), "pull--x:1");
    }
}
