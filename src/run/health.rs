//! Healthchecks without systemd: the container's monitor runs the check on a timer (a child
//! of the monitor runs `berth exec` into the container), records the result in
//! `health.json`, and applies `--health-on-failure`. `berth healthcheck run` runs one check
//! on demand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::spec::{HealthFlags, OnFailure};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A healthcheck, from --health-* flags or the image's HEALTHCHECK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthConfig {
    /// The command, as exec arguments (CMD-SHELL is turned into `/bin/sh -c`).
    pub command: Vec<String>,
    pub interval: Duration,
    pub timeout: Duration,
    pub start_period: Duration,
    pub retries: u32,
    pub on_failure: OnFailure,
}

/// Docker's `Healthcheck.Test` forms: `["CMD", args…]`, `["CMD-SHELL", "cmd"]`, `["NONE"]`.
fn test_to_command(test: &[String]) -> Option<Vec<String>> {
    match test.first().map(String::as_str) {
        Some("CMD") => Some(test[1..].to_vec()).filter(|c| !c.is_empty()),
        Some("CMD-SHELL") => test
            .get(1)
            .map(|c| vec!["/bin/sh".into(), "-c".into(), c.clone()]),
        _ => None,
    }
}

/// Combine the flags with the image's `Healthcheck` (raw docker config JSON; durations in
/// nanoseconds). `--health-cmd none` turns the image's check off.
pub fn resolve(flags: &HealthFlags, image: Option<&serde_json::Value>) -> Option<HealthConfig> {
    let image_test: Option<Vec<String>> = image
        .and_then(|h| h.get("Test"))
        .and_then(|t| serde_json::from_value(t.clone()).ok());
    let nanos = |key: &str| {
        image
            .and_then(|h| h.get(key))
            .and_then(serde_json::Value::as_u64)
            .filter(|n| *n > 0)
            .map(Duration::from_nanos)
    };
    let command = match flags.cmd.as_deref() {
        Some("none") => return None,
        Some(cmd) if cmd.trim_start().starts_with('[') => {
            let test: Vec<String> = serde_json::from_str(cmd).ok()?;
            // As podman: a JSON array that starts with neither CMD, CMD-SHELL nor NONE is
            // the command itself (`["true"]`).
            match test.first().map(String::as_str) {
                Some("CMD" | "CMD-SHELL" | "NONE") => test_to_command(&test)?,
                Some(_) => test,
                None => return None,
            }
        }
        Some(cmd) => vec!["/bin/sh".into(), "-c".into(), cmd.to_string()],
        None => test_to_command(&image_test?)?,
    };
    Some(HealthConfig {
        command,
        interval: flags
            .interval
            .or_else(|| nanos("Interval"))
            .unwrap_or(Duration::from_secs(30)),
        timeout: flags
            .timeout
            .or_else(|| nanos("Timeout"))
            .unwrap_or(Duration::from_secs(30)),
        start_period: flags
            .start_period
            .or_else(|| nanos("StartPeriod"))
            .unwrap_or(Duration::ZERO),
        retries: flags
            .retries
            .or_else(|| {
                image
                    .and_then(|h| h.get("Retries"))
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n > 0)
            })
            .unwrap_or(3),
        on_failure: flags.on_failure,
    })
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckResult {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub exit_code: i32,
    pub output: String,
}

/// health.json: podman's `State.Health` shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthState {
    /// `starting`, `healthy` or `unhealthy`.
    pub status: String,
    pub failing_streak: u32,
    pub log: Vec<CheckResult>,
}

impl Default for HealthState {
    fn default() -> Self {
        HealthState {
            status: "starting".into(),
            failing_streak: 0,
            log: Vec::new(),
        }
    }
}

impl HealthState {
    /// Fold one result in: success makes the container healthy; `retries` failures in a row
    /// make it unhealthy, except that failures during the start period do not count.
    pub fn record(&mut self, result: CheckResult, retries: u32, in_start_period: bool) {
        if result.exit_code == 0 {
            self.status = "healthy".into();
            self.failing_streak = 0;
        } else if !in_start_period {
            self.failing_streak += 1;
            if self.failing_streak >= retries {
                self.status = "unhealthy".into();
            }
        }
        self.log.push(result);
        let excess = self.log.len().saturating_sub(5);
        self.log.drain(..excess);
    }
}

/// The health file of a container directory.
pub fn state_path(container_dir: &Path) -> PathBuf {
    container_dir.join("health.json")
}

/// Read the recorded health, if the container has a healthcheck that ran or is starting.
pub fn load(container_dir: &Path) -> Option<HealthState> {
    let bytes = std::fs::read(state_path(container_dir)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Write the health state atomically.
pub fn save(
    container_dir: &Path,
    state: &HealthState,
) -> Result<(), crate::storage::atomic::FsError> {
    let path = state_path(container_dir);
    let bytes = serde_json::to_vec_pretty(state)
        .map_err(|e| crate::storage::atomic::fs_err("render", &path)(std::io::Error::other(e)))?;
    crate::storage::atomic::write_atomic(
        &path,
        &bytes,
        crate::storage::atomic::Durability::Unsynced,
    )
}

/// Run the check once: `berth exec` into the container, with a timeout; output is capped.
pub fn run_check(container_id: &str, cfg: &HealthConfig) -> CheckResult {
    let start = Utc::now();
    let child = Command::new("/proc/self/exe")
        .arg("exec")
        .arg(container_id)
        .args(&cfg.command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let finish = |code: i32, output: String| CheckResult {
        start,
        end: Utc::now(),
        exit_code: code,
        output,
    };
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return finish(125, format!("start the check: {e}")),
    };
    let deadline = std::time::Instant::now() + cfg.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if std::time::Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let mut output = String::new();
    if let Some(mut out) = child.stdout.take() {
        use std::io::Read;
        let _ = out.by_ref().take(4096).read_to_string(&mut output);
    }
    if let Some(mut err) = child.stderr.take() {
        use std::io::Read;
        let _ = err.by_ref().take(4096).read_to_string(&mut output);
    }
    match status {
        Some(s) => finish(s.code().unwrap_or(1), output),
        None => finish(1, format!("the check timed out after {:?}", cfg.timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(code: i32) -> CheckResult {
        CheckResult {
            start: Utc::now(),
            end: Utc::now(),
            exit_code: code,
            output: String::new(),
        }
    }

    #[test]
    fn streaks_and_start_period() {
        let mut s = HealthState::default();
        s.record(result(1), 2, true);
        assert_eq!((s.status.as_str(), s.failing_streak), ("starting", 0));
        s.record(result(1), 2, false);
        assert_eq!(s.status, "starting");
        s.record(result(1), 2, false);
        assert_eq!(s.status, "unhealthy");
        s.record(result(0), 2, false);
        assert_eq!((s.status.as_str(), s.failing_streak), ("healthy", 0));
        for _ in 0..10 {
            s.record(result(0), 2, false);
        }
        assert_eq!(s.log.len(), 5);
    }

    #[test]
    fn flags_and_image_combine() {
        let image = serde_json::json!({"Test": ["CMD-SHELL", "true"], "Interval": 2_000_000_000u64, "Retries": 5});
        let cfg = resolve(&HealthFlags::default(), Some(&image)).unwrap();
        assert_eq!(cfg.command, ["/bin/sh", "-c", "true"]);
        assert_eq!(cfg.interval, Duration::from_secs(2));
        assert_eq!(cfg.retries, 5);
        let flags = HealthFlags {
            cmd: Some("none".into()),
            ..HealthFlags::default()
        };
        assert!(resolve(&flags, Some(&image)).is_none());
        let flags = HealthFlags {
            cmd: Some(r#"["CMD","ls","/"]"#.into()),
            retries: Some(1),
            ..HealthFlags::default()
        };
        let cfg = resolve(&flags, None).unwrap();
        assert_eq!(cfg.command, ["ls", "/"]);
        let plain = HealthFlags {
            cmd: Some(r#"["true"]"#.into()),
            ..HealthFlags::default()
        };
        assert_eq!(resolve(&plain, None).unwrap().command, ["true"]);
        assert_eq!(cfg.retries, 1);
        assert!(resolve(&HealthFlags::default(), None).is_none());
        assert_eq!(OnFailure::parse("restart"), Some(OnFailure::Restart));
        assert_eq!(OnFailure::parse("explode"), None);
    }
}
