//! Container logs in the k8s-file format podman writes: one line per record,
//! `<RFC 3339 time with nanoseconds> <stdout|stderr> <F|P> <text>`, where `P` marks a partial
//! line whose text continues in the next record of the same stream.

use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};

/// Which stream a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// One parsed log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub time: DateTime<Utc>,
    pub stream: Stream,
    /// false for a partial line (`P`).
    pub full: bool,
    pub text: String,
}

/// Format the records for one chunk of output: every complete line is an `F` record; a
/// trailing piece without a newline is a `P` record.
pub fn format_chunk(time: DateTime<Utc>, stream: Stream, data: &[u8]) -> Vec<u8> {
    let stamp = time.to_rfc3339_opts(SecondsFormat::Nanos, true);
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut rest = data;
    while !rest.is_empty() {
        let (line, full, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], true, &rest[i + 1..]),
            None => (rest, false, &rest[rest.len()..]),
        };
        out.extend_from_slice(stamp.as_bytes());
        out.push(b' ');
        out.extend_from_slice(stream.name().as_bytes());
        out.extend_from_slice(if full { b" F " } else { b" P " });
        out.extend_from_slice(line);
        out.push(b'\n');
        rest = next;
    }
    out
}

/// Parse one line of a log file; `None` for a line that is not a record.
pub fn parse_line(line: &str) -> Option<Record> {
    let mut parts = line.splitn(4, ' ');
    let time = DateTime::parse_from_rfc3339(parts.next()?)
        .ok()?
        .with_timezone(&Utc);
    let stream = match parts.next()? {
        "stdout" => Stream::Stdout,
        "stderr" => Stream::Stderr,
        _ => return None,
    };
    let full = match parts.next()? {
        "F" => true,
        "P" => false,
        _ => return None,
    };
    Some(Record {
        time,
        stream,
        full,
        text: parts.next().unwrap_or("").to_string(),
    })
}

/// Appends records to a container's log file.
#[derive(Debug)]
pub struct LogWriter {
    file: std::fs::File,
}

impl LogWriter {
    /// Open (create) the log for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(LogWriter { file })
    }

    /// Record one chunk of a stream's output.
    pub fn write(&mut self, stream: Stream, data: &[u8]) -> io::Result<()> {
        self.file.write_all(&format_chunk(Utc::now(), stream, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_become_full_and_partial_records() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T17:00:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        let out = String::from_utf8(format_chunk(t, Stream::Stdout, b"one\ntwo\nthr")).unwrap();
        assert_eq!(
            out,
            "2026-11-24T17:00:00.500000000Z stdout F one\n\
             2026-11-24T17:00:00.500000000Z stdout F two\n\
             2026-11-24T17:00:00.500000000Z stdout P thr\n"
        );
        let r = parse_line(out.lines().nth(2).unwrap()).unwrap();
        assert_eq!(
            (r.stream, r.full, r.text.as_str()),
            (Stream::Stdout, false, "thr")
        );
        assert_eq!(r.time, t);
    }

    #[test]
    fn empty_lines_and_spaces_survive() {
        let t = Utc::now();
        let out = String::from_utf8(format_chunk(t, Stream::Stderr, b"\na b  c\n")).unwrap();
        let recs: Vec<Record> = out.lines().filter_map(parse_line).collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].text, "");
        assert_eq!(recs[1].text, "a b  c");
        assert_eq!(recs[1].stream, Stream::Stderr);
        assert!(parse_line("garbage").is_none());
    }
}
