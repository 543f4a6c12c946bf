//! Container logs in the k8s-file format podman writes: one line per record,
//! `<RFC 3339 time with nanoseconds> <stdout|stderr> <F|P> <text>`, where `P` marks a partial
//! line whose text continues in the next record of the same stream.

use std::io::{self, Write};
use std::path::Path;

use crate::spec::LogDriver;
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

/// The log file's name in a container's directory; the previous one after a rotation has
/// `.1` appended.
pub const LOG_FILE: &str = "ctr.log";

/// Appends records to a container's log file, rotating it at `max_size` (one previous file
/// is kept), and with `tee` copies the output to berth's own stdout and stderr too.
#[derive(Debug)]
pub struct LogWriter {
    file: Option<std::fs::File>,
    path: std::path::PathBuf,
    max_size: Option<u64>,
    written: u64,
    tee: bool,
}

impl LogWriter {
    /// Open (create) the log for appending; `driver` None writes nothing.
    pub fn open(
        path: &Path,
        driver: LogDriver,
        max_size: Option<u64>,
        tee: bool,
    ) -> io::Result<Self> {
        let file = match driver {
            LogDriver::K8sFile => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            ),
            LogDriver::None | LogDriver::Passthrough => None,
        };
        let written = file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.len());
        Ok(LogWriter {
            file,
            path: path.to_path_buf(),
            max_size,
            written,
            tee,
        })
    }

    /// Record one chunk of a stream's output.
    pub fn write(&mut self, stream: Stream, data: &[u8]) -> io::Result<()> {
        if self.tee {
            let _ = match stream {
                Stream::Stdout => {
                    let mut out = io::stdout().lock();
                    out.write_all(data).and_then(|()| out.flush())
                }
                Stream::Stderr => io::stderr().write_all(data),
            };
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let bytes = format_chunk(Utc::now(), stream, data);
        let Some(max) = self.max_size else {
            file.write_all(&bytes)?;
            self.written += bytes.len() as u64;
            return Ok(());
        };
        // Rotation happens between records, so a burst of output rotates too.
        for record in bytes.split_inclusive(|&b| b == b'\n') {
            if self.written > 0 && self.written + record.len() as u64 > max {
                let old = self.path.with_extension("log.1");
                std::fs::rename(&self.path, old)?;
                *file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?;
                self.written = 0;
            }
            file.write_all(record)?;
            self.written += record.len() as u64;
        }
        Ok(())
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
    fn rotation_keeps_one_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOG_FILE);
        let mut w = LogWriter::open(&path, LogDriver::K8sFile, Some(100), false).unwrap();
        for _ in 0..5 {
            w.write(
                Stream::Stdout,
                b"0123456789012345678901234567890123456789\n",
            )
            .unwrap();
        }
        assert!(std::fs::metadata(&path).unwrap().len() <= 100);
        assert!(dir.path().join("ctr.log.1").exists());
        let mut none =
            LogWriter::open(&dir.path().join("x.log"), LogDriver::None, None, false).unwrap();
        none.write(Stream::Stdout, b"nothing\n").unwrap();
        assert!(!dir.path().join("x.log").exists());
        assert_eq!(LogDriver::parse("json-file"), Some(LogDriver::K8sFile));
        assert_eq!(LogDriver::parse("journald"), None);
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
