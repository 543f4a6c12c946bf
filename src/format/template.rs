//! `--format` templates: the subset of Go's text/template that scripts written for podman use.
//!
//! A template is literal text and actions: `{{.Field.Path}}`, `{{json .Field}}`,
//! `{{upper .Field}}`, `{{lower .Field}}` and `{{json .}}`. Field names match exactly first,
//! then case-insensitively. `\t` and `\n` are escapes, as podman takes them on the command
//! line. A leading `table ` makes a listing print a heading and align the tab-separated
//! columns. Anything else (`range`, `if`, pipes) is refused when parsed, naming the action.

use serde_json::Value;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    table: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Action { func: Func, path: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Print,
    Json,
    Upper,
    Lower,
}

/// Why a template cannot be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed action `{0}`")]
    Unclosed(String),
    #[error("unsupported action `{{{{{0}}}}}`: berth supports field paths such as `{{{{.Name}}}}`, and `json`, `upper` and `lower` of one")]
    Unsupported(String),
    #[error("can't evaluate field `{0}`")]
    NoField(String),
}

impl Template {
    /// Parse `text`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let text = text.replace("\\n", "\n").replace("\\t", "\t");
        let (table, body) = match text.strip_prefix("table") {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                (true, rest.trim_start())
            }
            _ => (false, text.as_str()),
        };
        let mut parts = Vec::new();
        let mut rest = body;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| TemplateError::Unclosed(rest[start..].to_string()))?;
            parts.push(parse_action(after[..end].trim())?);
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts, table })
    }

    /// Check that every field the template prints is one of `fields` (top-level names, any
    /// case), so that a typo fails before any output.
    pub fn check_fields(&self, fields: &[&str]) -> Result<(), TemplateError> {
        let sample = Value::Object(
            fields
                .iter()
                .map(|k| (k.to_string(), Value::Null))
                .collect(),
        );
        self.render(&sample).map(|_| ())
    }

    /// True when the template started with `table`.
    pub fn is_table(&self) -> bool {
        self.table
    }

    /// The last name of each field the template prints, in order (`.State.Status` gives
    /// `Status`): what a `table` heading is made from.
    pub fn fields(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Action { path, .. } => Some(path.last().map_or(".", String::as_str)),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// Render for one object.
    pub fn render(&self, value: &Value) -> Result<String, TemplateError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Action { func, path } => {
                    let v = lookup(value, path)?;
                    match func {
                        Func::Json => out.push_str(&serde_json::to_string(v).unwrap_or_default()),
                        Func::Print => go_print(v, &mut out),
                        Func::Upper | Func::Lower => {
                            let mut s = String::new();
                            go_print(v, &mut s);
                            out.push_str(&if *func == Func::Upper {
                                s.to_uppercase()
                            } else {
                                s.to_lowercase()
                            });
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Render a listing: each row on its own line. For a `table` template, a heading made by
    /// `heading` from each field name comes first (unless `with_heading` is false) and the
    /// tab-separated cells are aligned as podman aligns its tables.
    pub fn render_rows(
        &self,
        rows: &[Value],
        heading: &dyn Fn(&str) -> String,
        with_heading: bool,
    ) -> Result<String, TemplateError> {
        let mut lines = Vec::with_capacity(rows.len() + 1);
        for row in rows {
            lines.push(self.render(row)?);
        }
        if !self.table {
            let mut out = String::new();
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
            return Ok(out);
        }
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(lines.len() + 1);
        if with_heading {
            let head = Template {
                parts: self
                    .parts
                    .iter()
                    .map(|p| match p {
                        Part::Text(t) => Part::Text(t.clone()),
                        Part::Action { path, .. } => {
                            Part::Text(heading(path.last().map_or(".", String::as_str)))
                        }
                    })
                    .collect(),
                table: false,
            };
            lines.insert(0, head.render(&Value::Null)?);
        }
        for line in lines {
            cells.push(line.split('\t').map(str::to_string).collect());
        }
        Ok(super::table(&cells))
    }
}

fn parse_action(action: &str) -> Result<Part, TemplateError> {
    let unsupported = || TemplateError::Unsupported(action.to_string());
    let mut words = action.split_whitespace();
    let (func, field) = match (words.next(), words.next(), words.next()) {
        (Some(field), None, None) => (Func::Print, field),
        (Some("json"), Some(field), None) => (Func::Json, field),
        (Some("upper"), Some(field), None) => (Func::Upper, field),
        (Some("lower"), Some(field), None) => (Func::Lower, field),
        _ => return Err(unsupported()),
    };
    if field == "." {
        return Ok(Part::Action {
            func,
            path: Vec::new(),
        });
    }
    let path = field.strip_prefix('.').ok_or_else(unsupported)?;
    let keys: Vec<String> = path.split('.').map(str::to_string).collect();
    let ok = keys
        .iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if !ok {
        return Err(unsupported());
    }
    Ok(Part::Action { func, path: keys })
}

fn lookup<'a>(value: &'a Value, path: &[String]) -> Result<&'a Value, TemplateError> {
    let mut cur = value;
    for (i, key) in path.iter().enumerate() {
        let missing = || TemplateError::NoField(format!(".{}", path[..=i].join(".")));
        let map = cur.as_object().ok_or_else(missing)?;
        cur = match map.get(key) {
            Some(v) => v,
            None => map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
                .ok_or_else(missing)?,
        };
    }
    Ok(cur)
}

/// Print a value the way Go's text/template prints it.
fn go_print(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_print(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                go_print(item, out);
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(t: &str, v: &Value) -> Result<String, TemplateError> {
        Template::parse(t)?.render(v)
    }

    #[test]
    fn fields_functions_and_go_printing() {
        let v = json!({"Name": "web", "State": {"Status": "running", "Pid": 42},
                       "Args": ["a", "b"], "Labels": {"k": "v"}, "N": null, "ok": true});
        assert_eq!(
            render("{{.Name}} {{ .State.Status }}/{{.State.Pid}}", &v).unwrap(),
            "web running/42"
        );
        assert_eq!(render("{{.Args}}", &v).unwrap(), "[a b]");
        assert_eq!(render("{{.Labels}}", &v).unwrap(), "map[k:v]");
        assert_eq!(render("{{.N}}|{{.ok}}", &v).unwrap(), "<nil>|true");
        assert_eq!(
            render("{{json .State}}", &v).unwrap(),
            r#"{"Pid":42,"Status":"running"}"#
        );
        assert_eq!(render("{{upper .Name}}", &v).unwrap(), "WEB");
        assert_eq!(
            render("{{.name}}\\t{{.state.status}}", &v).unwrap(),
            "web\trunning"
        );
        assert!(render("{{json .}}", &v).unwrap().starts_with('{'));
    }

    #[test]
    fn errors_name_the_action() {
        let v = json!({"State": {}});
        assert_eq!(
            render("{{.State.Nope}}", &v),
            Err(TemplateError::NoField(".State.Nope".into()))
        );
        assert!(matches!(
            Template::parse("{{range .Args}}x{{end}}"),
            Err(TemplateError::Unsupported(_))
        ));
        assert!(matches!(
            Template::parse("{{.Name"),
            Err(TemplateError::Unclosed(_))
        ));
        assert!(matches!(
            Template::parse("{{.Name | upper}}"),
            Err(TemplateError::Unsupported(_))
        ));
    }

    #[test]
    fn table_listing_has_a_heading_and_columns() {
        let t = Template::parse("table {{.ID}}\\t{{.Names}}").unwrap();
        assert!(t.is_table());
        assert_eq!(t.fields(), ["ID", "Names"]);
        let rows = [
            json!({"ID": "abc", "Names": "web"}),
            json!({"ID": "defgh", "Names": "db"}),
        ];
        let head = |f: &str| f.to_uppercase();
        assert_eq!(
            t.render_rows(&rows, &head, true).unwrap(),
            "ID          NAMES\nabc         web\ndefgh       db\n"
        );
        assert_eq!(
            t.render_rows(&rows, &head, false).unwrap(),
            "abc         web\ndefgh       db\n"
        );
        let plain = Template::parse("{{.ID}}").unwrap();
        assert!(!plain.is_table());
        assert_eq!(
            plain.render_rows(&rows, &head, true).unwrap(),
            "abc\ndefgh\n"
        );
        assert!(!Template::parse("tablet {{.ID}}").unwrap().is_table());
    }
}
