//! `--change` values: the Dockerfile instructions `import` (and later `commit`) accept,
//! applied to an image's runtime configuration. Pure.

use std::collections::BTreeMap;

/// The instructions `--change` accepts.
pub const INSTRUCTIONS: &str =
    "CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR";

/// A `--change` value that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error(
        "invalid --change `{change}`: unknown instruction `{instruction}` (valid: {INSTRUCTIONS})"
    )]
    Unknown { change: String, instruction: String },
    #[error("invalid --change `{change}`: {instruction} needs a value")]
    Empty { change: String, instruction: String },
    #[error("invalid --change `{change}`: {problem}")]
    Malformed { change: String, problem: Problem },
}

/// What is wrong with a `--change` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("a JSON array must hold only strings")]
    JsonArray,
    #[error("`{0}` is not KEY=VALUE")]
    NotKeyValue(String),
    #[error("invalid port `{0}`")]
    Port(String),
    #[error("invalid signal `{0}`")]
    Signal(String),
    #[error("unterminated quote")]
    Quote,
}

/// The runtime part of an image configuration that `--change` edits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeConfig {
    pub user: Option<String>,
    pub exposed_ports: Vec<String>,
    pub env: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub volumes: Vec<String>,
    pub working_dir: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
}

impl RuntimeConfig {
    /// Apply each `--change` value in order.
    pub fn apply_all(&mut self, changes: &[String]) -> Result<(), ChangeError> {
        changes.iter().try_for_each(|c| self.apply(c))
    }

    /// Apply one `--change` value: `INSTRUCTION VALUE` or `INSTRUCTION=VALUE`.
    pub fn apply(&mut self, change: &str) -> Result<(), ChangeError> {
        let trimmed = change.trim_start();
        let split = trimmed
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(trimmed.len());
        let instruction = trimmed[..split].to_ascii_uppercase();
        let value = trimmed[split..]
            .strip_prefix('=')
            .unwrap_or(&trimmed[split..])
            .trim();
        let malformed = |problem| ChangeError::Malformed {
            change: change.to_string(),
            problem,
        };
        const KNOWN: [&str; 9] = [
            "CMD",
            "ENTRYPOINT",
            "ENV",
            "EXPOSE",
            "LABEL",
            "STOPSIGNAL",
            "USER",
            "VOLUME",
            "WORKDIR",
        ];
        if !KNOWN.contains(&instruction.as_str()) {
            return Err(ChangeError::Unknown {
                change: change.to_string(),
                instruction: trimmed[..split].to_string(),
            });
        }
        if value.is_empty() {
            return Err(ChangeError::Empty {
                change: change.to_string(),
                instruction,
            });
        }
        match instruction.as_str() {
            "CMD" => self.cmd = Some(command_form(value).map_err(malformed)?),
            "ENTRYPOINT" => self.entrypoint = Some(command_form(value).map_err(malformed)?),
            "ENV" => {
                for (k, v) in key_values(value).map_err(malformed)? {
                    self.env.retain(|e| e.split('=').next() != Some(k.as_str()));
                    self.env.push(format!("{k}={v}"));
                }
            }
            "LABEL" => {
                for (k, v) in key_values(value).map_err(malformed)? {
                    self.labels.insert(k, v);
                }
            }
            "EXPOSE" => {
                for port in value.split_whitespace() {
                    let port = normalise_port(port)
                        .ok_or_else(|| malformed(Problem::Port(port.into())))?;
                    if !self.exposed_ports.contains(&port) {
                        self.exposed_ports.push(port);
                    }
                }
            }
            "STOPSIGNAL" => {
                self.stop_signal = Some(
                    normalise_signal(value)
                        .ok_or_else(|| malformed(Problem::Signal(value.into())))?,
                );
            }
            "USER" => self.user = Some(value.to_string()),
            "VOLUME" => {
                let paths = if value.starts_with('[') {
                    json_array(value).ok_or(malformed(Problem::JsonArray))?
                } else {
                    value.split_whitespace().map(str::to_string).collect()
                };
                for p in paths {
                    if !self.volumes.contains(&p) {
                        self.volumes.push(p);
                    }
                }
            }
            "WORKDIR" => {
                let dir = if value.starts_with('/') {
                    value.to_string()
                } else {
                    let base = self.working_dir.as_deref().unwrap_or("/");
                    format!("{}/{value}", base.trim_end_matches('/'))
                };
                self.working_dir = Some(dir);
            }
            _ => {
                return Err(ChangeError::Unknown {
                    change: change.to_string(),
                    instruction,
                })
            }
        }
        Ok(())
    }
}

/// Exec form (a JSON array of strings) or shell form (`/bin/sh -c VALUE`).
fn command_form(value: &str) -> Result<Vec<String>, Problem> {
    if value.starts_with('[') {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(value) {
            return match json {
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => Ok(s),
                        _ => Err(Problem::JsonArray),
                    })
                    .collect(),
                _ => Err(Problem::JsonArray),
            };
        }
    }
    Ok(vec!["/bin/sh".into(), "-c".into(), value.to_string()])
}

fn json_array(value: &str) -> Option<Vec<String>> {
    serde_json::from_str::<Vec<String>>(value).ok()
}

/// `K=V K2="v 2"` pairs, or the legacy `K rest of the line` form.
fn key_values(value: &str) -> Result<Vec<(String, String)>, Problem> {
    let first = value.split_whitespace().next().unwrap_or_default();
    if !first.contains('=') {
        let (k, v) = value
            .split_once(char::is_whitespace)
            .ok_or_else(|| Problem::NotKeyValue(value.to_string()))?;
        return Ok(vec![(k.to_string(), unquote(v.trim())?)]);
    }
    let mut out = Vec::new();
    for word in split_words(value)? {
        let (k, v) = word
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| Problem::NotKeyValue(word.clone()))?;
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

fn unquote(s: &str) -> Result<String, Problem> {
    let words = split_words(s)?;
    if words.len() == 1 {
        Ok(words.into_iter().next().unwrap_or_default())
    } else {
        Ok(s.to_string())
    }
}

/// Split on whitespace, honouring double and single quotes and backslash escapes.
fn split_words(s: &str) -> Result<Vec<String>, Problem> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => cur.push(chars.next().unwrap_or('\\')),
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                cur.push(chars.next().unwrap_or('\\'));
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(Problem::Quote);
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// `80`, `80/tcp`, `53/udp`, `8000-8010/tcp` → with the protocol spelled out.
fn normalise_port(port: &str) -> Option<String> {
    let (range, proto) = match port.split_once('/') {
        Some((r, p)) => (r, p.to_ascii_lowercase()),
        None => (port, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return None;
    }
    let num = |s: &str| s.parse::<u16>().ok().filter(|n| *n > 0);
    match range.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (num(a)?, num(b)?);
            (a <= b).then(|| format!("{a}-{b}/{proto}"))
        }
        None => Some(format!("{}/{proto}", num(range)?)),
    }
}

/// A signal name (`TERM`, `SIGTERM`, `SIGRTMIN+3`) or number, spelled as given but upper-cased.
fn normalise_signal(value: &str) -> Option<String> {
    if let Ok(n) = value.parse::<i32>() {
        return (1..=64).contains(&n).then(|| value.to_string());
    }
    let upper = value.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let rt = name
        .strip_prefix("RTMIN")
        .or_else(|| name.strip_prefix("RTMAX"))
        .is_some_and(|rest| {
            rest.is_empty()
                || rest
                    .strip_prefix(['+', '-'])
                    .and_then(|n| n.parse::<u8>().ok())
                    .is_some()
        });
    let known = format!("SIG{name}")
        .parse::<nix::sys::signal::Signal>()
        .is_ok();
    (known || rt).then(|| format!("SIG{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(changes: &[&str]) -> Result<RuntimeConfig, ChangeError> {
        let mut c = RuntimeConfig::default();
        let owned: Vec<String> = changes.iter().map(|s| s.to_string()).collect();
        c.apply_all(&owned)?;
        Ok(c)
    }

    #[test]
    fn cmd_and_entrypoint_forms() {
        let c = apply(&[
            "CMD [\"/bin/sh\",\"-c\",\"echo hi\"]",
            "ENTRYPOINT=/init --x",
        ])
        .unwrap();
        assert_eq!(c.cmd.unwrap(), ["/bin/sh", "-c", "echo hi"]);
        assert_eq!(c.entrypoint.unwrap(), ["/bin/sh", "-c", "/init --x"]);
        let c = apply(&["cmd=[\"top\"]"]).unwrap();
        assert_eq!(c.cmd.unwrap(), ["top"]);
        let e = apply(&["CMD [1, 2]"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid --change `CMD [1, 2]`: a JSON array must hold only strings"
        );
    }

    #[test]
    fn env_and_label_forms() {
        let c = apply(&[
            "ENV A=1 B=\"two words\"",
            "ENV C three four",
            "ENV A=replaced",
            "LABEL maintainer=me org.x=\"y z\"",
            "LABEL=k v",
        ])
        .unwrap();
        assert_eq!(c.env, ["B=two words", "C=three four", "A=replaced"]);
        assert_eq!(c.labels["maintainer"], "me");
        assert_eq!(c.labels["org.x"], "y z");
        assert_eq!(c.labels["k"], "v");
        assert!(apply(&["ENV lonely"]).is_err());
        assert!(apply(&["ENV A=1 =2"]).is_err());
        assert!(matches!(
            apply(&["ENV A=\"open"]),
            Err(ChangeError::Malformed {
                problem: Problem::Quote,
                ..
            })
        ));
    }

    #[test]
    fn expose_volume_workdir_user_stopsignal() {
        let c = apply(&[
            "EXPOSE 80 53/udp 8000-8001",
            "EXPOSE 80/tcp",
            "VOLUME /data /logs",
            "VOLUME [\"/x\"]",
            "WORKDIR /srv",
            "WORKDIR app",
            "USER 1000:1000",
            "STOPSIGNAL term",
        ])
        .unwrap();
        assert_eq!(c.exposed_ports, ["80/tcp", "53/udp", "8000-8001/tcp"]);
        assert_eq!(c.volumes, ["/data", "/logs", "/x"]);
        assert_eq!(c.working_dir.as_deref(), Some("/srv/app"));
        assert_eq!(c.user.as_deref(), Some("1000:1000"));
        assert_eq!(c.stop_signal.as_deref(), Some("SIGTERM"));
        assert!(apply(&["STOPSIGNAL 9"]).is_ok());
        assert!(apply(&["STOPSIGNAL SIGRTMIN+3"]).is_ok());
        assert!(apply(&["STOPSIGNAL NOPE"]).is_err());
        assert!(apply(&["EXPOSE 0"]).is_err());
        assert!(apply(&["EXPOSE 80/xyz"]).is_err());
        assert!(apply(&["EXPOSE 90-80"]).is_err());
    }

    #[test]
    fn unknown_and_empty() {
        let e = apply(&["RUN make"]).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("invalid --change `RUN make`: unknown instruction `RUN`"));
        let e = apply(&["USER"]).unwrap_err();
        assert_eq!(e.to_string(), "invalid --change `USER`: USER needs a value");
        assert!(matches!(apply(&[""]), Err(ChangeError::Unknown { .. })));
    }
}
