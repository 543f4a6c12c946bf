//! The event log: one JSON object per line, podman's file backend format, in
//! `$XDG_RUNTIME_DIR/berth/events/events.log` (it dies at reboot, as podman's does) or where
//! berth.toml's `[engine] events_logfile_path` says.
//!
//! Writers append a whole line with one `write` on an `O_APPEND` descriptor, under the log's
//! lock, so concurrent commands never interleave. A failure to record an event never fails
//! the command that caused it: the event is lost and a warning says so. Readers skip lines
//! they cannot parse (a line cut by a full disk, or written by another tool).

use std::collections::BTreeMap;
use std::io::{self, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::atomic::{fs_err, write_atomic, Durability, FileLock, FsError};
use crate::config::{Config, EventsLogger, Paths};

/// The longest line a reader takes (a container with many labels is a few KiB).
const MAX_LINE: usize = 64 * 1024;

/// One event, with podman's JSON keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "ID", default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(rename = "Image", default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    #[serde(rename = "Name", default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "Status")]
    pub status: String,
    #[serde(rename = "Time")]
    pub time: DateTime<Utc>,
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(
        rename = "ContainerExitCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub exit_code: Option<i32>,
    /// A container's image and name and its labels; `null` for other types, as podman.
    #[serde(rename = "Attributes", default)]
    pub attributes: Option<BTreeMap<String, String>>,
}

impl Event {
    /// An event of `kind` (`container`, `image`, `volume`, `network`) now.
    pub fn new(kind: &str, status: &str) -> Self {
        Event {
            kind: kind.to_string(),
            status: status.to_string(),
            time: Utc::now(),
            ..Event::default()
        }
    }

    /// An image event: podman names the image by the reference the user gave (or, for
    /// `save`, `load` and `push`, the archive or destination).
    pub fn image(status: &str, id: &str, name: &str) -> Self {
        Event {
            id: id.to_string(),
            name: name.to_string(),
            ..Event::new("image", status)
        }
    }

    /// The line podman prints for this event (`--no-trunc=false` shortens the id).
    pub fn human(&self, trunc: bool) -> String {
        let id = if trunc && self.id.len() > 12 && self.kind != "image" {
            &self.id[..12]
        } else {
            &self.id
        };
        let time = go_time(self.time);
        match self.kind.as_str() {
            "container" | "pod" => {
                let mut parts = vec![
                    format!("image={}", self.image),
                    format!("name={}", self.name),
                ];
                if let Some(code) = self.exit_code {
                    parts.push(format!("containerExitCode={code}"));
                }
                for (k, v) in self.attributes.iter().flatten() {
                    if k != "image" && k != "name" {
                        parts.push(format!("{k}={v}"));
                    }
                }
                format!(
                    "{time} {} {} {id} ({})",
                    self.kind,
                    self.status,
                    parts.join(", ")
                )
            }
            "volume" | "system" => format!("{time} {} {} {}", self.kind, self.status, self.name),
            _ => format!("{time} {} {} {id} {}", self.kind, self.status, self.name),
        }
    }
}

/// Go's `time.Time.String()` in UTC, which podman prints: nanoseconds without trailing zeros.
fn go_time(t: DateTime<Utc>) -> String {
    let nanos = format!("{:09}", t.timestamp_subsec_nanos());
    let nanos = nanos.trim_end_matches('0');
    let frac = if nanos.is_empty() {
        String::new()
    } else {
        format!(".{nanos}")
    };
    format!("{}{frac} +0000 UTC", t.format("%Y-%m-%d %H:%M:%S"))
}

/// Why the log cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("cannot read events with the \"{0}\" backend")]
    Backend(&'static str),
    #[error(transparent)]
    Fs(#[from] FsError),
}

/// Where events go, from berth.toml and `--events-backend`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLog {
    pub backend: EventsLogger,
    pub path: PathBuf,
    pub max_size: Option<u64>,
}

impl EventLog {
    /// The log as configured; `config` is berth.toml (already loaded, or `None` to load it).
    pub fn of(paths: &Paths, config: &Config) -> Self {
        EventLog {
            backend: config.engine.events_logger,
            path: config
                .engine
                .events_logfile_path
                .clone()
                .unwrap_or_else(|| paths.runtime.join("events").join("events.log")),
            max_size: config.engine.events_logfile_max_size,
        }
    }

    /// The log for this process's environment; a berth.toml that does not parse gives the
    /// defaults here (the command that reads it reports the error).
    pub fn discover() -> Option<Self> {
        let paths = Paths::discover().ok()?;
        let config = Config::load(&paths).unwrap_or_default();
        Some(Self::of(&paths, &config))
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    /// Append `event`. Only the file backend writes; journald is refused where it is chosen.
    pub fn write(&self, event: &Event) -> Result<(), FsError> {
        if self.backend != EventsLogger::File {
            return Ok(());
        }
        let mut line = serde_json::to_vec(event).unwrap_or_default();
        line.push(b'\n');
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fs_err("create", dir))?;
        }
        let _lock = FileLock::exclusive(&self.lock_path())?;
        if let Some(max) = self.max_size {
            let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            if size + line.len() as u64 > max {
                self.rotate(size)?;
            }
        }
        // A crash in the middle of a write left a line without its end: end it, so this
        // event starts a line of its own.
        if !ends_a_line(&self.path) {
            line.insert(0, b'\n');
        }
        append(&self.path, &line)
    }

    /// Keep the newer half of the log (whole lines), then a `log-rotation` event naming it.
    fn rotate(&self, size: u64) -> Result<(), FsError> {
        let mut file = std::fs::File::open(&self.path).map_err(fs_err("open", &self.path))?;
        file.seek(io::SeekFrom::Start(size / 2))
            .map_err(fs_err("read", &self.path))?;
        let mut tail = Vec::new();
        file.take(size - size / 2)
            .read_to_end(&mut tail)
            .map_err(fs_err("read", &self.path))?;
        let keep = match tail.iter().position(|&b| b == b'\n') {
            Some(i) => tail.split_off(i + 1),
            None => Vec::new(),
        };
        let mut rotated = keep;
        let note = Event {
            name: self.path.display().to_string(),
            ..Event::new("system", "log-rotation")
        };
        rotated.extend(serde_json::to_vec(&note).unwrap_or_default());
        rotated.push(b'\n');
        write_atomic(&self.path, &rotated, Durability::Unsynced)
    }

    /// Every event in the log, oldest first, and the offset reading stopped at (for
    /// `--stream`).
    pub fn read_from(&self, offset: u64) -> Result<(Vec<Event>, u64), EventsError> {
        match self.backend {
            EventsLogger::File => {}
            other => return Err(EventsError::Backend(other.name())),
        }
        let mut file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => return Err(fs_err("open", &self.path)(e).into()),
        };
        let len = file.metadata().map_err(fs_err("read", &self.path))?.len();
        // A rotated log is shorter than where a follower stopped: start again.
        let start = if offset > len { 0 } else { offset };
        file.seek(io::SeekFrom::Start(start))
            .map_err(fs_err("read", &self.path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(fs_err("read", &self.path))?;
        // Only whole lines: a writer may be half-way through the last one.
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let events = bytes[..whole]
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && l.len() <= MAX_LINE)
            .filter_map(|l| serde_json::from_slice(l).ok())
            .collect();
        Ok((events, start + whole as u64))
    }
}

/// Does `path` end with a newline (or is it empty or missing)?
fn ends_a_line(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return true;
    };
    if file.seek(io::SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut last = [0u8; 1];
    file.read_exact(&mut last).is_err() || last[0] == b'\n'
}

/// Append one line with a single write.
fn append(path: &Path, line: &[u8]) -> Result<(), FsError> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(fs_err("open", path))?;
    file.write_all(line).map_err(fs_err("write", path))
}

/// Record `event` in this user's log. Never fails the caller: a lost event is a warning.
pub fn record(event: &Event) {
    let Some(log) = EventLog::discover() else {
        return;
    };
    if let Err(e) = log.write(event) {
        eprintln!(
            "warning: event `{} {}` not recorded: {e}",
            event.kind, event.status
        );
    }
}

/// Record a container event: podman's attributes are the image, the name and the labels.
pub fn container(status: &str, ctr: &super::container::ContainerConfig, exit_code: Option<i32>) {
    let mut attributes = ctr.options.extras.labels.clone();
    attributes.insert("image".into(), ctr.image_name.clone());
    attributes.insert("name".into(), ctr.name.clone());
    record(&Event {
        id: ctr.id.clone(),
        image: ctr.image_name.clone(),
        name: ctr.name.clone(),
        exit_code,
        attributes: Some(attributes),
        ..Event::new("container", status)
    });
}

/// Parse a `--since`/`--until` value as podman does: an RFC 3339 time (with or without a
/// fraction or zone), a date, Unix seconds (with a fraction), or a Go duration (`1h30m`,
/// `10s`) before `now`.
pub fn parse_time(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, fmt) {
            return Some(t.and_utc());
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    if let Some(secs) = unix_seconds(text) {
        return Some(secs);
    }
    go_duration(text).and_then(|d| now.checked_sub_signed(d))
}

fn unix_seconds(text: &str) -> Option<DateTime<Utc>> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    DateTime::from_timestamp(whole.parse().ok()?, nanos)
}

/// A Go duration: one or more `<number><unit>` with units ns, us, ms, s, m, h.
fn go_duration(text: &str) -> Option<chrono::Duration> {
    let mut rest = text;
    let mut total = chrono::Duration::zero();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let nanos = number * nanos_per;
        if !nanos.is_finite() || nanos > 1e18 {
            return None;
        }
        total += chrono::Duration::nanoseconds(nanos as i64);
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn human_lines_are_podmans() {
        let mut e = Event::new("container", "start");
        e.time = at("2026-12-07T16:46:50.213649310Z");
        e.id = "af79ebab80054c8db2003b9f70ec88231dc52a74b2ffb39081280e51c57f55e1".into();
        e.image = "busybox".into();
        e.name = "c1".into();
        e.attributes = Some(BTreeMap::from([("a".into(), "b".into())]));
        assert_eq!(
            e.human(false),
            "2026-12-07 16:46:50.21364931 +0000 UTC container start af79ebab80054c8db2003b9f70ec88231dc52a74b2ffb39081280e51c57f55e1 (image=busybox, name=c1, a=b)"
        );
        assert!(e.human(true).contains(" start af79ebab8005 ("));
        let mut i = Event::image("pull", "", "localhost:5000/x:1");
        i.time = at("2026-12-07T16:46:50Z");
        assert_eq!(
            i.human(false),
            "2026-12-07 16:46:50 +0000 UTC image pull  localhost:5000/x:1"
        );
        let mut r = Event::new("system", "log-rotation");
        r.time = at("2026-12-07T16:46:50Z");
        r.name = "/run/events.log".into();
        assert_eq!(
            r.human(false),
            "2026-12-07 16:46:50 +0000 UTC system log-rotation /run/events.log"
        );
    }

    #[test]
    fn json_keys_are_podmans_and_round_trip() {
        let mut e = Event::image("tag", "abc", "x:1");
        e.time = at("2022-04-06T11:26:42.723667900+02:00");
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.contains("\"Status\":\"tag\""), "{text}");
        assert!(text.contains("\"Attributes\":null"), "{text}");
        assert_eq!(serde_json::from_str::<Event>(&text).unwrap(), e);
        // podman's own lines read.
        let theirs = r#"{"Name":"busybox","Status":"pull","Time":"2022-04-06T11:26:42.723667901+02:00","Type":"image","Attributes":null}"#;
        assert_eq!(
            serde_json::from_str::<Event>(theirs).unwrap().name,
            "busybox"
        );
    }

    #[test]
    fn times_parse_as_podman() {
        let now = at("2026-12-07T12:00:00Z");
        assert_eq!(
            parse_time("2026-12-07T11:00:00+00:00", now),
            Some(at("2026-12-07T11:00:00Z"))
        );
        assert_eq!(parse_time("1h30m", now), Some(at("2026-12-07T10:30:00Z")));
        assert_eq!(parse_time("10s", now), Some(at("2026-12-07T11:59:50Z")));
        assert_eq!(
            parse_time("1670000000", now),
            Some(at("2022-12-02T16:53:20Z"))
        );
        assert_eq!(
            parse_time("2026-12-01", now),
            Some(at("2026-12-01T00:00:00Z"))
        );
        for bad in ["", "yesterday", "1x", "1.2.3", "-5s"] {
            assert_eq!(parse_time(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn rotation_keeps_the_newer_half_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let log = EventLog {
            backend: EventsLogger::File,
            path: dir.path().join("events.log"),
            max_size: Some(2000),
        };
        for i in 0..30 {
            log.write(&Event::image("pull", "", &format!("img{i:02}")))
                .unwrap();
        }
        let (events, _) = log.read_from(0).unwrap();
        assert!(events.len() < 30, "{}", events.len());
        assert!(events.iter().any(|e| e.status == "log-rotation"));
        assert_eq!(events.last().unwrap().name, "img29");
        assert!(std::fs::metadata(&log.path).unwrap().len() <= 2000);
    }

    #[test]
    fn readers_skip_damaged_lines_and_stop_at_a_partial_one() {
        let dir = tempfile::tempdir().unwrap();
        let log = EventLog {
            backend: EventsLogger::File,
            path: dir.path().join("events.log"),
            max_size: None,
        };
        log.write(&Event::image("pull", "", "a")).unwrap();
        append(&log.path, b"not json\n{\"Status\":").unwrap();
        let (events, offset) = log.read_from(0).unwrap();
        assert_eq!(events.len(), 1);
        log.write(&Event::image("pull", "", "b")).unwrap();
        // The next writer ends the partial line first: its own event reads.
        let (more, _) = log.read_from(offset).unwrap();
        assert_eq!(more.len(), 1);
        assert_eq!(more[0].name, "b");
        let none = EventLog {
            backend: EventsLogger::None,
            ..log
        };
        assert_eq!(
            none.read_from(0).unwrap_err().to_string(),
            "cannot read events with the \"none\" backend"
        );
    }
}
