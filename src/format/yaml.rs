//! A JSON value written as YAML, the way podman prints `info`: two-space indents, lists of
//! a map's values at the map key's indent, strings quoted only when YAML would read them as
//! something else, and multi-line strings as `|-` blocks.

use serde_json::Value;

/// `value` as a YAML document (a trailing newline included).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => list(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn map(m: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (k, v) in m {
        out.push_str(&pad(indent));
        out.push_str(&key(k));
        out.push(':');
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                map(inner, indent + 2, out);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                list(items, indent, out);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn list(items: &[Value], indent: usize, out: &mut String) {
    for v in items {
        out.push_str(&pad(indent));
        out.push_str("- ");
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                // The first key goes on the dash's line, the rest under it.
                let mut text = String::new();
                map(inner, indent + 2, &mut text);
                out.push_str(&text[indent + 2..]);
            }
            Value::Array(inner) if !inner.is_empty() => {
                let mut text = String::new();
                list(inner, indent + 2, &mut text);
                out.push_str(&text[indent + 2..]);
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn key(k: &str) -> String {
    if needs_quotes(k) {
        quote(k)
    } else {
        k.to_string()
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        Value::String(s) if s.contains('\n') => {
            let mut text = String::from("|-");
            for line in s.trim_end_matches('\n').lines() {
                text.push('\n');
                if !line.is_empty() {
                    text.push_str(&pad(indent));
                    text.push_str(line);
                }
            }
            text
        }
        Value::String(s) if needs_quotes(s) => quote(s),
        Value::String(s) => s.clone(),
    }
}

/// Whether YAML would read `s` as something other than this string.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
    {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    "!&*-?{}[],#|>@`\"'%:".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(char::is_control)
}

fn quote(s: &str) -> String {
    if s.chars().any(|c| c.is_control() || c == '\'') {
        serde_json::to_string(s).unwrap_or_default()
    } else {
        format!("'{s}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn podman_like_layout() {
        let v = json!({
            "host": {"arch": "amd64", "distribution": {"version": "12"},
                     "idMappings": {"uidmap": [{"container_id": 0, "size": 1}]},
                     "ociRuntime": {"version": "berth\nspec: 1.0"}},
            "plugins": {"log": ["k8s-file", "none"], "authorization": null},
            "store": {"graphOptions": {}, "configFile": "", "note": "a: b"},
        });
        assert_eq!(
            to_yaml(&v),
            "host:\n  arch: amd64\n  distribution:\n    version: '12'\n  idMappings:\n    uidmap:\n    - container_id: 0\n      size: 1\n  ociRuntime:\n    version: |-\n      berth\n      spec: 1.0\nplugins:\n  authorization: null\n  log:\n  - k8s-file\n  - none\nstore:\n  configFile: ''\n  graphOptions: {}\n  note: 'a: b'\n"
        );
    }
}
