//! Variable interpolation in compose values, as docker compose does it: `$VAR`, `${VAR}`,
//! `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?message}` and
//! `${VAR?message}` (an error), `${VAR:+other}` and `${VAR+other}`, and `$$` for a `$`.
//! Defaults and messages may hold further interpolation (`${A:-${B}}`).

use std::collections::{BTreeMap, BTreeSet};

/// The variables a project is interpolated with: the process environment over the `.env`
/// file (or `--env-file`s). Unset variables used without a default are collected, so each is
/// warned about once.
#[derive(Debug, Default)]
pub struct Vars {
    pub values: BTreeMap<String, String>,
    pub unset: BTreeSet<String>,
}

impl Vars {
    pub fn new(values: BTreeMap<String, String>) -> Self {
        Vars {
            values,
            unset: BTreeSet::new(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Interpolate one string. The error is the message to show for the key.
    pub fn interpolate(&mut self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c != b'$' {
                let next = text[i..].find('$').map_or(text.len(), |n| i + n);
                out.push_str(&text[i..next]);
                i = next;
                continue;
            }
            match bytes.get(i + 1) {
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                }
                Some(b'{') => {
                    let close = matching_brace(text, i + 1)
                        .ok_or_else(|| format!("invalid interpolation format for `{text}`"))?;
                    let inner = &text[i + 2..close];
                    out.push_str(&self.braced(inner, text)?);
                    i = close + 1;
                }
                Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                    let end = text[i + 1..]
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .map_or(text.len(), |n| i + 1 + n);
                    let name = &text[i + 1..end];
                    out.push_str(&self.plain(name));
                    i = end;
                }
                _ => {
                    // A lone `$` (at the end, or before a character no name starts with)
                    // stays, as in docker compose.
                    out.push('$');
                    i += 1;
                }
            }
        }
        Ok(out)
    }

    fn plain(&mut self, name: &str) -> String {
        match self.get(name) {
            Some(v) => v.to_string(),
            None => {
                self.unset.insert(name.to_string());
                String::new()
            }
        }
    }

    /// The inside of `${…}`.
    fn braced(&mut self, inner: &str, whole: &str) -> Result<String, String> {
        let name_end = inner
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        let rest = &inner[name_end..];
        if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
            return Err(format!("invalid interpolation format for `{whole}`"));
        }
        if rest.is_empty() {
            return Ok(self.plain(name));
        }
        let (op, arg) = if let Some(a) = rest.strip_prefix(":-") {
            (":-", a)
        } else if let Some(a) = rest.strip_prefix(":?") {
            (":?", a)
        } else if let Some(a) = rest.strip_prefix(":+") {
            (":+", a)
        } else if let Some(a) = rest.strip_prefix('-') {
            ("-", a)
        } else if let Some(a) = rest.strip_prefix('?') {
            ("?", a)
        } else if let Some(a) = rest.strip_prefix('+') {
            ("+", a)
        } else {
            return Err(format!("invalid interpolation format for `{whole}`"));
        };
        let value = self.get(name).map(str::to_string);
        let colon = op.starts_with(':');
        let present = match &value {
            Some(v) => !(colon && v.is_empty()),
            None => false,
        };
        match op.trim_start_matches(':') {
            "-" => {
                if present {
                    Ok(value.unwrap_or_default())
                } else {
                    self.interpolate(arg)
                }
            }
            "+" => {
                if present {
                    self.interpolate(arg)
                } else {
                    Ok(String::new())
                }
            }
            _ => {
                if present {
                    Ok(value.unwrap_or_default())
                } else {
                    let message = self.interpolate(arg)?;
                    Err(if message.is_empty() {
                        format!("required variable {name} is missing a value")
                    } else {
                        format!("required variable {name} is missing a value: {message}")
                    })
                }
            }
        }
    }
}

/// The index of the `}` that closes the `{` at `open`, counting nested `${…}`.
fn matching_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, ch) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Parse a `.env` or `env_file` file: `KEY=VALUE` lines, `#` comments, blank lines, an
/// optional `export `, and values in single quotes (literal) or double quotes (with `\n`
/// escapes); a bare `KEY` takes its value from `lookup`, or is left out.
pub fn parse_env_file(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim_start())),
            None => (line, None),
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(format!("line {}: invalid variable name `{key}`", n + 1));
        }
        let value = match value {
            None => match lookup(key) {
                Some(v) => v,
                None => continue,
            },
            Some(v) => unquote(v),
        };
        out.push((key.to_string(), value));
    }
    Ok(out)
}

fn unquote(v: &str) -> String {
    if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        return v[1..v.len() - 1].to_string();
    }
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        return v[1..v.len() - 1]
            .replace("\\n", "\n")
            .replace("\\\"", "\"")
            .replace("\\\\", "\\");
    }
    // An unquoted value ends at ` #` (an inline comment).
    match v.find(" #") {
        Some(i) => v[..i].trim_end().to_string(),
        None => v.trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars::new(
            [("A", "a"), ("EMPTY", ""), ("B", "b")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn forms() {
        let mut v = vars();
        let cases = [
            ("x$A-y", "xa-y"),
            ("${A}", "a"),
            ("$$A", "$A"),
            ("${NOPE:-d}", "d"),
            ("${EMPTY:-d}", "d"),
            ("${EMPTY-d}", ""),
            ("${NOPE-d}", "d"),
            ("${A:-d}", "a"),
            ("${A:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${EMPTY+alt}", "alt"),
            ("${NOPE:-${B}}", "b"),
            ("${NOPE:-${NOPE2:-deep}}x", "deepx"),
            ("cost $5", "cost $5"),
            ("end$", "end$"),
            ("${A?m}", "a"),
        ];
        for (input, want) in cases {
            assert_eq!(v.interpolate(input).unwrap(), want, "{input}");
        }
        assert!(v.unset.is_empty());
        assert_eq!(v.interpolate("[$NOPE]").unwrap(), "[]");
        assert!(v.unset.contains("NOPE"));
    }

    #[test]
    fn errors() {
        let mut v = vars();
        assert_eq!(
            v.interpolate("${NOPE:?set it}").unwrap_err(),
            "required variable NOPE is missing a value: set it"
        );
        assert_eq!(
            v.interpolate("${EMPTY:?}").unwrap_err(),
            "required variable EMPTY is missing a value"
        );
        assert_eq!(v.interpolate("${EMPTY?x}").unwrap(), "");
        assert!(v.interpolate("${A").is_err());
        assert!(v.interpolate("${A*b}").is_err());
        assert!(v.interpolate("${}").is_err());
    }

    #[test]
    fn env_files() {
        let text = "# c\n\nexport A=1\nB = two words # note\nC='lit $x'\nD=\"q\\nl\"\nHOME_ONLY\nMISSING\n";
        let got = parse_env_file(text, &|k| (k == "HOME_ONLY").then(|| "h".to_string())).unwrap();
        assert_eq!(
            got,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "lit $x"),
                ("D", "q\nl"),
                ("HOME_ONLY", "h")
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert!(parse_env_file("bad key=1", &|_| None).is_err());
    }
}
