//! `berth logs`: print a detached container's log (k8s-file), optionally following it.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::cli::lifecycle::LogsArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::run::logs::{parse_line, Record, Stream};
use crate::storage::container::{self, Container, Status};

/// Run `berth logs`.
pub fn execute(args: LogsArgs) -> Result<()> {
    let now = Utc::now();
    let since = args
        .since
        .as_deref()
        .map(|t| parse_time(t, now).ok_or_else(|| Error::msg(format!("invalid --since `{t}`: expected RFC 3339, unix seconds or a duration such as 10m"))))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| parse_time(t, now).ok_or_else(|| Error::msg(format!("invalid --until `{t}`: expected RFC 3339, unix seconds or a duration such as 10m"))))
        .transpose()?;
    let paths = Paths::discover().context("find berth's directories")?;
    let mut containers = Vec::new();
    for name in &args.containers {
        let ctr = container::find(&paths.data, name)
            .map_err(|e| e.into_lookup_error("find container"))?;
        containers.push(ctr);
    }
    let names = args.names || containers.len() > 1;
    for ctr in &containers {
        show(ctr, &args, since, until, names)?;
    }
    Ok(())
}

fn show(
    ctr: &Container,
    args: &LogsArgs,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    names: bool,
) -> Result<()> {
    let path = ctr.dir.join(crate::run::logs::LOG_FILE);
    // After a rotation the previous file holds the older records.
    let mut older = Vec::new();
    if let Ok(text) = std::fs::read_to_string(path.with_extension("log.1")) {
        older.extend(text.lines().filter_map(parse_line));
    }
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A container that never ran has written nothing yet: an empty log, as podman.
            if ctr
                .state()
                .is_ok_and(|s| s.status == crate::storage::container::Status::Created)
            {
                return Ok(());
            }
            return Err(Error::msg(format!(
                "container `{}` has no log: it ran in the foreground, where berth passes its output straight through, or with --log-driver none",
                ctr.config.name
            ))
            .hint("run it with -d, or with --log-driver k8s-file, to keep its output in a log"));
        }
        Err(e) => return Err(e).with_context(|| format!("open `{}`", path.display())),
    };
    let mut reader = BufReader::new(file);
    let mut records = older;
    let mut line = String::new();
    while reader.read_line(&mut line).context("read the log")? > 0 {
        if line.ends_with('\n') {
            if let Some(r) = parse_line(line.trim_end_matches('\n')) {
                records.push(r);
            }
            line.clear();
        } else {
            break;
        }
    }
    let keep = |r: &Record| since.is_none_or(|s| r.time >= s) && until.is_none_or(|u| r.time <= u);
    records.retain(keep);
    if let Some(n) = args.tail {
        let full_lines = records.iter().filter(|r| r.full).count();
        let mut skip_full = full_lines.saturating_sub(n);
        let mut start = 0;
        for (i, r) in records.iter().enumerate() {
            if skip_full == 0 {
                start = i;
                break;
            }
            if r.full {
                skip_full -= 1;
            }
            start = i + 1;
        }
        records.drain(..start);
    }
    let prefix = names.then(|| ctr.config.name.clone());
    for r in &records {
        print_record(r, args.timestamps, prefix.as_deref())?;
    }
    if !args.follow {
        return Ok(());
    }
    // Follow: read what is appended until the container has stopped and nothing more comes.
    let mut pending = line;
    let mut pos = reader.stream_position().context("read the log")?;
    let mut file = reader.into_inner();
    loop {
        // The container's process may be gone while its monitor still copies the last of
        // its output into the log: follow until the monitor is gone too.
        let running = ctr.state().is_ok_and(|s| s.status == Status::Running) || ctr.monitor_alive();
        file.seek(SeekFrom::Start(pos)).context("read the log")?;
        let mut chunk = String::new();
        let n = file.read_to_string(&mut chunk).context("read the log")?;
        pos += n as u64;
        pending.push_str(&chunk);
        while let Some(i) = pending.find('\n') {
            let rest = pending.split_off(i + 1);
            if let Some(r) = parse_line(pending.trim_end_matches('\n')) {
                if keep(&r) {
                    print_record(&r, args.timestamps, prefix.as_deref())?;
                }
            }
            pending = rest;
        }
        if n == 0 && !running {
            return Ok(());
        }
        if n == 0 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn print_record(r: &Record, timestamps: bool, name: Option<&str>) -> Result<()> {
    let mut text = String::new();
    if let Some(name) = name {
        text.push_str(name);
        text.push(' ');
    }
    if timestamps {
        text.push_str(&r.time.to_rfc3339_opts(SecondsFormat::Nanos, true));
        text.push(' ');
    }
    text.push_str(&r.text);
    if r.full {
        text.push('\n');
    }
    let result = match r.stream {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|()| out.flush())
        }
        Stream::Stderr => std::io::stderr().write_all(text.as_bytes()),
    };
    result.context("write the log")
}

/// `--since`/`--until`: RFC 3339, unix seconds (with fraction), or a Go-style duration
/// before now (`90s`, `10m`, `1h30m`).
pub fn parse_time(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(secs) = text.parse::<f64>() {
        #[allow(clippy::cast_possible_truncation)]
        let nanos = (secs * 1e9) as i64;
        return Some(DateTime::from_timestamp_nanos(nanos));
    }
    let ago = crate::spec::parse_duration(text)?;
    Some(now - chrono::Duration::from_std(ago).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_time("10m", now).unwrap(),
            now - chrono::Duration::minutes(10)
        );
        assert_eq!(
            parse_time("1h30m", now).unwrap(),
            now - chrono::Duration::minutes(90)
        );
        assert_eq!(
            parse_time("2026-11-24T11:00:00Z", now).unwrap(),
            now - chrono::Duration::hours(1)
        );
        assert_eq!(parse_time("0", now).unwrap().timestamp(), 0);
        assert!(parse_time("soon", now).is_none());
        assert!(parse_time("10", now).is_some());
        assert!(parse_time("10x", now).is_none());
    }
}
