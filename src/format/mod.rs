//! Human-readable output shared by listing commands (`images`, `ps`): podman's relative times
//! ("2 minutes ago"), decimal sizes ("2.24 MB") and its column layout. Pure.

use chrono::{DateTime, Utc};

pub mod template;
pub mod yaml;

pub use template::{Template, TemplateError};

/// How long ago `then` was, as podman says it: "Less than a second ago", "About a minute ago",
/// "3 hours ago", "2 weeks ago"…
pub fn time_ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let millis = (now - then).num_milliseconds().max(0);
    format!("{} ago", human_duration(millis))
}

/// A duration in milliseconds in podman's words (without "ago").
pub fn human_duration(millis: i64) -> String {
    let seconds = millis / 1000;
    if seconds < 1 {
        return "Less than a second".into();
    }
    if seconds == 1 {
        return "1 second".into();
    }
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let minutes = seconds / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    // Hours are rounded to the nearest, the larger units count whole ones.
    let hours = (millis + 1_800_000) / 3_600_000;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", hours / 24 / 365)
}

/// A size in decimal units with three significant digits: "512 B", "2.24 MB", "1.5 GB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", three_significant(value), UNITS[unit])
}

/// A size as podman's `inspect` writes one (go-units' HumanSize): decimal units, four
/// significant digits, no space: "0B", "1.5MB", "3.045kB".
pub fn go_human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{}{}", significant(value, 4), UNITS[unit])
}

/// `v` (0 <= v < 1000) with `digits` significant digits, trailing zeros dropped.
fn significant(v: f64, digits: i32) -> String {
    if v == 0.0 {
        return "0".into();
    }
    #[allow(clippy::cast_possible_truncation)]
    let exp = v.log10().floor() as i32;
    let decimals = usize::try_from((digits - 1 - exp).max(0)).unwrap_or(0);
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Like Go's `%.3g` for 0 <= v < 1000: three significant digits, trailing zeros dropped.
fn three_significant(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    #[allow(clippy::cast_possible_truncation)]
    let exp = v.log10().floor() as i32;
    let decimals = usize::try_from((2 - exp).max(0)).unwrap_or(0);
    let text = format!("{v:.decimals$}");
    // Rounding up to 1000 is written in exponent form, as Go does.
    if text.starts_with("1000") {
        return "1e+03".into();
    }
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Lay out rows in columns as podman does (Go's tabwriter with minimum width 12 and padding 2):
/// every column but the last is padded to `max(12, widest cell + 2)`.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let width = (widths[i] + 2).max(12);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let s = |n: i64| human_duration(n * 1000);
        assert_eq!(human_duration(500), "Less than a second");
        assert_eq!(s(1), "1 second");
        assert_eq!(s(59), "59 seconds");
        assert_eq!(s(60), "About a minute");
        assert_eq!(s(119), "About a minute");
        assert_eq!(s(120), "2 minutes");
        assert_eq!(s(59 * 60), "59 minutes");
        assert_eq!(s(60 * 60), "About an hour");
        assert_eq!(s(89 * 60), "About an hour");
        assert_eq!(s(91 * 60), "2 hours");
        assert_eq!(s(47 * 3600), "47 hours");
        assert_eq!(s(48 * 3600), "2 days");
        assert_eq!(s(14 * 86400), "2 weeks");
        assert_eq!(s(60 * 86400), "2 months");
        assert_eq!(s(800 * 86400), "2 years");
    }

    #[test]
    fn ago_never_negative() {
        let now = Utc::now();
        assert_eq!(
            time_ago(now + chrono::Duration::seconds(5), now),
            "Less than a second ago"
        );
        assert_eq!(
            time_ago(now - chrono::Duration::minutes(2), now),
            "2 minutes ago"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(512_000), "512 kB");
        assert_eq!(human_size(2_240_000), "2.24 MB");
        assert_eq!(human_size(2_245_678), "2.25 MB");
        assert_eq!(human_size(1_500_000_000), "1.5 GB");
        assert_eq!(human_size(1_234), "1.23 kB");
        assert_eq!(human_size(12_345), "12.3 kB");
        assert_eq!(human_size(999_999), "1e+03 kB");
        assert_eq!(go_human_size(0), "0B");
        assert_eq!(go_human_size(1_500_000), "1.5MB");
        assert_eq!(go_human_size(3_045_000), "3.045MB");
        assert_eq!(go_human_size(1_048_576), "1.049MB");
    }

    #[test]
    fn columns() {
        let rows = vec![
            vec!["REPOSITORY".into(), "TAG".into(), "SIZE".into()],
            vec!["localhost/busybox".into(), "latest".into(), "1 MB".into()],
        ];
        assert_eq!(
            table(&rows),
            "REPOSITORY         TAG         SIZE\nlocalhost/busybox  latest      1 MB\n"
        );
    }
}
