//! systemd unit files as text: parse into ordered sections of `Key=Value` entries (with the
//! line each came from, for errors), write them back, and split and quote command lines
//! and word lists the way systemd reads them.

use std::fmt::Write as _;

/// One `Key=Value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// 1-based line in the source (0 for generated entries).
    pub line: usize,
}

/// One `[Section]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub entries: Vec<Entry>,
}

/// A unit file: its sections in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Unit {
    pub sections: Vec<Section>,
}

/// A line that is not a section, an entry, a comment or blank.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

impl Unit {
    /// Parse unit-file text: `[Section]` headers, `Key=Value` entries (a trailing `\` joins
    /// the next line), `#` and `;` comments.
    pub fn parse(text: &str) -> Result<Unit, ParseError> {
        let mut unit = Unit::default();
        let mut lines = text.lines().enumerate();
        while let Some((i, raw)) = lines.next() {
            let line_no = i + 1;
            let mut line = raw.trim().to_string();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') {
                if !line.ends_with(']') || line.len() < 3 {
                    return Err(ParseError {
                        line: line_no,
                        reason: format!("bad section header `{line}`"),
                    });
                }
                unit.sections.push(Section {
                    name: line[1..line.len() - 1].to_string(),
                    entries: Vec::new(),
                });
                continue;
            }
            while line.ends_with('\\') {
                line.pop();
                match lines.next() {
                    Some((_, next)) => {
                        let next = next.trim();
                        if next.starts_with('#') || next.starts_with(';') {
                            continue;
                        }
                        line.push(' ');
                        line.push_str(next);
                    }
                    None => break,
                }
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(ParseError {
                    line: line_no,
                    reason: format!("expected Key=Value, found `{line}`"),
                });
            };
            let Some(section) = unit.sections.last_mut() else {
                return Err(ParseError {
                    line: line_no,
                    reason: format!("`{}` comes before any [Section]", key.trim()),
                });
            };
            section.entries.push(Entry {
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                line: line_no,
            });
        }
        Ok(unit)
    }

    /// The section of this name, if present.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The section of this name, appended when missing.
    pub fn section_mut(&mut self, name: &str) -> &mut Section {
        if let Some(i) = self.sections.iter().position(|s| s.name == name) {
            return &mut self.sections[i];
        }
        self.sections.push(Section {
            name: name.to_string(),
            entries: Vec::new(),
        });
        self.sections.last_mut().expect("just pushed")
    }

    /// Append an entry to a section (made when missing).
    pub fn add(&mut self, section: &str, key: &str, value: impl Into<String>) {
        self.section_mut(section).entries.push(Entry {
            key: key.to_string(),
            value: value.into(),
            line: 0,
        });
    }

    /// The last value of a key in a section.
    pub fn lookup(&self, section: &str, key: &str) -> Option<&str> {
        self.section(section)?
            .entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| e.value.as_str())
    }

    /// The text of the unit: sections separated by a blank line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(out, "[{}]", s.name);
            for e in &s.entries {
                let _ = writeln!(out, "{}={}", e.key, e.value);
            }
        }
        out
    }
}

/// Split a value into words as systemd does for command lines and lists: whitespace
/// separates, double and single quotes group, a backslash escapes the next character.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(words);
        }
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.next() {
            match (quote, c) {
                (None, c) if c.is_whitespace() => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (_, '\\') => match chars.next() {
                    Some('n') => word.push('\n'),
                    Some('t') => word.push('\t'),
                    Some(n) => word.push(n),
                    None => return Err(format!("`{text}` ends with a backslash")),
                },
                (_, c) => word.push(c),
            }
        }
        if quote.is_some() {
            return Err(format!("unbalanced quotes in `{text}`"));
        }
        words.push(word);
    }
}

/// Quote one word of a command line for a unit file: plain when it has nothing systemd
/// would split or unescape, else in double quotes with `\` and `"` escaped. `%` and `$`
/// stay as they are (specifiers and variables are meant to be expanded).
pub fn quote_word(word: &str) -> String {
    let plain = !word.is_empty()
        && !word
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | ';'));
    if plain {
        return word.to_string();
    }
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A command line for `ExecStart=` and friends.
pub fn command_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| quote_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// systemd's booleans.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Some(true),
        "0" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_entries_and_continuations() {
        let u = Unit::parse(
            "# c\n[Unit]\nDescription=web\n\n[Container]\nImage=busybox\nExec=sleep \\\n  100\n; x\n",
        )
        .unwrap();
        assert_eq!(u.sections.len(), 2);
        assert_eq!(u.lookup("Unit", "Description"), Some("web"));
        let exec = &u.section("Container").unwrap().entries[1];
        assert_eq!((exec.value.as_str(), exec.line), ("sleep  100", 7));
        assert_eq!(
            u.render(),
            "[Unit]\nDescription=web\n\n[Container]\nImage=busybox\nExec=sleep  100\n"
        );
        let e = Unit::parse("[A]\nnot an entry\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(Unit::parse("Key=1\n").is_err());
    }

    #[test]
    fn words_split_and_quote_back() {
        assert_eq!(
            split_words(r#"sh -c "echo 'a b'" x\ y"#).unwrap(),
            ["sh", "-c", "echo 'a b'", "x y"]
        );
        assert_eq!(
            split_words("A=1 'B=two words'").unwrap(),
            ["A=1", "B=two words"]
        );
        assert!(split_words("\"open").is_err());
        let words: Vec<String> = ["run", "a b", "say \"hi\"", "%t/%N.cid"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let line = command_line(&words);
        assert_eq!(line, r#"run "a b" "say \"hi\"" %t/%N.cid"#);
        assert_eq!(split_words(&line).unwrap(), words);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
