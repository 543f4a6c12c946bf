//! `--format` templates: Go's text/template language, as podman's `--format` takes it, over
//! JSON values.
//!
//! Supported: literal text; actions with pipelines (`{{.ID | upper}}`), parenthesized
//! pipelines with a field chain after them (`{{(index .NetworkSettings.Networks "n").IPAddress}}`),
//! string, number, `true`/`false`/`nil` literals, variables (`$`, `{{$x := .Name}}`,
//! `{{range $i, $e := .Args}}`), `if`/`else if`/`else`, `range`/`else`, `with`/`else`, `end`,
//! comments (`{{/* … */}}`) and the trim markers `{{- ` and ` -}}`. Functions: Go's `and`,
//! `or`, `not`, `len`, `index`, `slice`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `print`,
//! `printf`, `println`, and podman's `json`, `upper`, `lower`, `title`, `join`, `split`,
//! `truncate` and `pad`. Anything else (`define`, `template`, `block`, unknown functions) is
//! refused when parsed, naming the action.
//!
//! Field names match exactly first, then case-insensitively (JSON keys are podman's Go field
//! names in another case). `\t` and `\n` are escapes, as podman takes them on the command line.
//! A leading `table ` makes a listing print a heading and align the tab-separated columns;
//! as in podman, spaces in a table template separate columns too.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
    table: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    /// `{{pipeline}}`: prints the pipeline's value unless it declares variables.
    Action(Pipeline),
    If {
        cond: Pipeline,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    With {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pipeline {
    /// Variables declared by `$x :=` (two for `range $i, $e :=`).
    decl: Vec<String>,
    cmds: Vec<Command>,
}

/// One command of a pipeline: a function and its arguments, or a single operand.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Command {
    args: Vec<Arg>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Arg {
    /// `.A.B` on dot; `.` alone is an empty path.
    Field(Vec<String>),
    /// `$name.A.B`; `$` alone is the template's data.
    Var(String, Vec<String>),
    Str(String),
    Num(Number),
    Bool(bool),
    Nil,
    Func(Func),
    /// `(pipeline).A.B`
    Sub(Box<Pipeline>, Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    And,
    Or,
    Not,
    Len,
    Index,
    Slice,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Print,
    Printf,
    Println,
    Json,
    Upper,
    Lower,
    Title,
    Join,
    Split,
    Truncate,
    Pad,
}

impl Func {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "and" => Func::And,
            "or" => Func::Or,
            "not" => Func::Not,
            "len" => Func::Len,
            "index" => Func::Index,
            "slice" => Func::Slice,
            "eq" => Func::Eq,
            "ne" => Func::Ne,
            "lt" => Func::Lt,
            "le" => Func::Le,
            "gt" => Func::Gt,
            "ge" => Func::Ge,
            "print" => Func::Print,
            "printf" => Func::Printf,
            "println" => Func::Println,
            "json" => Func::Json,
            "upper" => Func::Upper,
            "lower" => Func::Lower,
            "title" => Func::Title,
            "join" => Func::Join,
            "split" => Func::Split,
            "truncate" => Func::Truncate,
            "pad" => Func::Pad,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Func::And => "and",
            Func::Or => "or",
            Func::Not => "not",
            Func::Len => "len",
            Func::Index => "index",
            Func::Slice => "slice",
            Func::Eq => "eq",
            Func::Ne => "ne",
            Func::Lt => "lt",
            Func::Le => "le",
            Func::Gt => "gt",
            Func::Ge => "ge",
            Func::Print => "print",
            Func::Printf => "printf",
            Func::Println => "println",
            Func::Json => "json",
            Func::Upper => "upper",
            Func::Lower => "lower",
            Func::Title => "title",
            Func::Join => "join",
            Func::Split => "split",
            Func::Truncate => "truncate",
            Func::Pad => "pad",
        }
    }
}

/// Why a template cannot be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed action `{0}`")]
    Unclosed(String),
    #[error("unsupported action `{{{{{0}}}}}`: {1}")]
    Unsupported(String, String),
    #[error("can't evaluate field `{0}`")]
    NoField(String),
    #[error("error calling {0}: {1}")]
    Call(&'static str, String),
    #[error("{0}")]
    Exec(String),
}

impl Template {
    /// Parse `text`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let (table, body) = match text.strip_prefix("table") {
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                (true, rest.trim_start())
            }
            _ => (false, text),
        };
        let items = split_actions(body, table)?;
        let mut parser = Parser {
            items: items.into_iter(),
        };
        let (nodes, end) = parser.nodes()?;
        if let Some(end) = end {
            return Err(TemplateError::Unsupported(
                end.keyword_text(),
                "it has no matching `if`, `range` or `with`".into(),
            ));
        }
        Ok(Template { nodes, table })
    }

    /// Check that every field the template reads from its data is one of `fields` (top-level
    /// names, any case), so that a typo fails before any output.
    pub fn check_fields(&self, fields: &[&str]) -> Result<(), TemplateError> {
        let mut bad = None;
        visit_root_fields(&self.nodes, &mut |path: &[String]| {
            if bad.is_none() {
                if let Some(first) = path.first() {
                    if !fields.iter().any(|f| f.eq_ignore_ascii_case(first)) {
                        bad = Some(format!(".{first}"));
                    }
                }
            }
        });
        bad.map_or(Ok(()), |f| Err(TemplateError::NoField(f)))
    }

    /// True when the template started with `table`.
    pub fn is_table(&self) -> bool {
        self.table
    }

    /// The last name of the field each top-level action prints, in order (`.State.Status`
    /// gives `Status`, `{{.ID | upper}}` gives `ID`): what a `table` heading is made from.
    pub fn fields(&self) -> Vec<&str> {
        self.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Action(p) if p.decl.is_empty() => Some(p.heading_field()),
                _ => None,
            })
            .collect()
    }

    /// Render for one object.
    pub fn render(&self, value: &Value) -> Result<String, TemplateError> {
        let mut out = String::new();
        let mut vars = vec![("$".to_string(), value.clone())];
        exec(&self.nodes, value, &mut vars, &mut out)?;
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
        if with_heading {
            let mut head = String::new();
            for node in &self.nodes {
                match node {
                    Node::Text(t) => head.push_str(t),
                    Node::Action(p) if p.decl.is_empty() => {
                        head.push_str(&heading(p.heading_field()));
                    }
                    _ => {}
                }
            }
            lines.insert(0, head);
        }
        let cells: Vec<Vec<String>> = lines
            .iter()
            .map(|line| line.split('\t').map(str::to_string).collect())
            .collect();
        Ok(super::table(&cells))
    }
}

impl Pipeline {
    /// The field a heading names: the last name of the first field the pipeline reads.
    fn heading_field(&self) -> &str {
        fn of_args(args: &[Arg]) -> Option<&str> {
            args.iter().find_map(|a| match a {
                Arg::Field(p) | Arg::Var(_, p) if !p.is_empty() => p.last().map(String::as_str),
                Arg::Sub(inner, chain) => chain
                    .last()
                    .map(String::as_str)
                    .or_else(|| inner.cmds.iter().find_map(|c| of_args(&c.args))),
                _ => None,
            })
        }
        self.cmds
            .iter()
            .find_map(|c| of_args(&c.args))
            .unwrap_or(".")
    }
}

/// Call `f` with each field path read from the template's data (dot at the top level, or
/// `$`), for the static field check.
fn visit_root_fields(nodes: &[Node], f: &mut dyn FnMut(&[String])) {
    fn pipe(p: &Pipeline, root_dot: bool, f: &mut dyn FnMut(&[String])) {
        for c in &p.cmds {
            for a in &c.args {
                match a {
                    Arg::Field(path) if root_dot => f(path),
                    Arg::Var(name, path) if name == "$" => f(path),
                    Arg::Sub(inner, _) => pipe(inner, root_dot, f),
                    _ => {}
                }
            }
        }
    }
    for n in nodes {
        match n {
            Node::Text(_) => {}
            Node::Action(p) => pipe(p, true, f),
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                pipe(cond, true, f);
                visit_root_fields(then, f);
                visit_root_fields(otherwise, f);
            }
            // Inside range and with, dot is something else: only `$` paths are checked.
            Node::Range {
                pipe: p,
                body,
                otherwise,
            }
            | Node::With {
                pipe: p,
                body,
                otherwise,
            } => {
                pipe(p, true, f);
                visit_dollar(body, f);
                visit_root_fields(otherwise, f);
            }
        }
    }
}

fn visit_dollar(nodes: &[Node], f: &mut dyn FnMut(&[String])) {
    fn pipe(p: &Pipeline, f: &mut dyn FnMut(&[String])) {
        for c in &p.cmds {
            for a in &c.args {
                match a {
                    Arg::Var(name, path) if name == "$" => f(path),
                    Arg::Sub(inner, _) => pipe(inner, f),
                    _ => {}
                }
            }
        }
    }
    for n in nodes {
        match n {
            Node::Text(_) => {}
            Node::Action(p) => pipe(p, f),
            Node::If {
                cond: p,
                then: a,
                otherwise: b,
            }
            | Node::Range {
                pipe: p,
                body: a,
                otherwise: b,
            }
            | Node::With {
                pipe: p,
                body: a,
                otherwise: b,
            } => {
                pipe(p, f);
                visit_dollar(a, f);
                visit_dollar(b, f);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Splitting text and actions

#[derive(Debug)]
enum Item {
    Text(String),
    /// The inside of `{{ }}`, trim markers removed.
    Action(String),
}

/// Split `body` into text and actions. In the text, `\t` and `\n` are escapes (inside an
/// action they are a string literal's own), and in a table a space separates columns as a
/// tab does (podman's rule).
fn split_actions(body: &str, table: bool) -> Result<Vec<Item>, TemplateError> {
    let text_item = |t: &str| {
        let t = t.replace("\\n", "\n").replace("\\t", "\t");
        Item::Text(if table { t.replace(' ', "\t") } else { t })
    };
    let mut items = Vec::new();
    let mut rest = body;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut text = &rest[..start];
        if trim_next {
            text = text.trim_start();
        }
        let after = &rest[start + 2..];
        let (left_trim, inner_start) = match after.strip_prefix('-') {
            Some(r) if r.starts_with(char::is_whitespace) => (true, r),
            _ => (false, after),
        };
        if left_trim {
            text = text.trim_end();
        }
        if !text.is_empty() {
            items.push(text_item(text));
        }
        let end = find_close(inner_start)
            .ok_or_else(|| TemplateError::Unclosed(rest[start..].to_string()))?;
        let mut inner = &inner_start[..end];
        trim_next = false;
        if let Some(r) = inner.strip_suffix('-') {
            if r.ends_with(char::is_whitespace) {
                inner = r;
                trim_next = true;
            }
        }
        items.push(Item::Action(inner.trim().to_string()));
        rest = &inner_start[end + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        items.push(text_item(text));
    }
    Ok(items)
}

/// Where the `}}` closing an action is, skipping quoted strings and comments.
fn find_close(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    if s.trim_start().starts_with("/*") {
        let c = s.find("*/")?;
        return s[c..].find("}}").map(|e| c + e);
    }
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------
// Parsing

/// A keyword action that ends a list of nodes.
#[derive(Debug)]
enum End {
    End,
    Else(String),
}

impl End {
    fn keyword_text(&self) -> String {
        match self {
            End::End => "end".into(),
            End::Else(rest) if rest.is_empty() => "else".into(),
            End::Else(rest) => format!("else {rest}"),
        }
    }
}

struct Parser {
    items: std::vec::IntoIter<Item>,
}

impl Parser {
    /// Nodes up to the next `end` or `else` (returned) or the end of the template (`None`).
    fn nodes(&mut self) -> Result<(Vec<Node>, Option<End>), TemplateError> {
        let mut nodes = Vec::new();
        while let Some(item) = self.items.next() {
            let action = match item {
                Item::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Item::Action(a) => a,
            };
            if action.starts_with("/*") {
                continue;
            }
            let (word, rest) = match action.split_once(char::is_whitespace) {
                Some((w, r)) => (w, r.trim()),
                None => (action.as_str(), ""),
            };
            match word {
                "end" if rest.is_empty() => return Ok((nodes, Some(End::End))),
                "else" => return Ok((nodes, Some(End::Else(rest.to_string())))),
                "if" => nodes.push(self.if_node(&action, rest)?),
                "range" | "with" => {
                    let pipe = parse_pipeline(&action, rest)?;
                    let (body, otherwise) = self.body_and_else(&action, false)?;
                    nodes.push(if word == "range" {
                        Node::Range {
                            pipe,
                            body,
                            otherwise,
                        }
                    } else {
                        Node::With {
                            pipe,
                            body,
                            otherwise,
                        }
                    });
                }
                "define" | "template" | "block" | "break" | "continue" | "end" => {
                    return Err(TemplateError::Unsupported(
                        action.clone(),
                        format!("berth's templates have no `{word}`"),
                    ))
                }
                _ => nodes.push(Node::Action(parse_pipeline(&action, &action)?)),
            }
        }
        Ok((nodes, None))
    }

    fn if_node(&mut self, action: &str, cond: &str) -> Result<Node, TemplateError> {
        let cond = parse_pipeline(action, cond)?;
        let (then, otherwise) = self.body_and_else(action, true)?;
        Ok(Node::If {
            cond,
            then,
            otherwise,
        })
    }

    /// The body up to `else` or `end`, and the else part (which may be `else if …`).
    fn body_and_else(
        &mut self,
        action: &str,
        allow_else_if: bool,
    ) -> Result<(Vec<Node>, Vec<Node>), TemplateError> {
        let unclosed = || TemplateError::Unclosed(format!("{{{{{action}}}}} has no {{{{end}}}}"));
        let (body, end) = self.nodes()?;
        match end {
            None => Err(unclosed()),
            Some(End::End) => Ok((body, Vec::new())),
            Some(End::Else(rest)) if rest.is_empty() => match self.nodes()? {
                (otherwise, Some(End::End)) => Ok((body, otherwise)),
                (_, None) => Err(unclosed()),
                (_, Some(e)) => Err(TemplateError::Unsupported(
                    e.keyword_text(),
                    "a second `else`".into(),
                )),
            },
            Some(End::Else(rest)) => {
                let cond = rest
                    .strip_prefix("if")
                    .filter(|_| allow_else_if)
                    .ok_or_else(|| {
                        TemplateError::Unsupported(
                            format!("else {rest}"),
                            "only `else` and `else if` are known".into(),
                        )
                    })?;
                // `else if` shares the `end` of the `if`: it is a nested if.
                let nested = self.if_node(action, cond.trim())?;
                Ok((body, vec![nested]))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Num(Number),
    LParen,
    RParen,
    Pipe,
    Declare,
    Comma,
}

/// Tokens of an action, each with whether whitespace came before it.
fn lex(action: &str, text: &str) -> Result<Vec<(Tok, bool)>, TemplateError> {
    let bad = |why: &str| TemplateError::Unsupported(action.to_string(), why.to_string());
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut space = true;
    let name_char = |c: char| c.is_alphanumeric() || c == '_';
    let path = |i: &mut usize| -> Vec<String> {
        // A chain of `.Name`s starting at chars[*i] == '.'.
        let mut path = Vec::new();
        while *i < chars.len() && chars[*i] == '.' {
            let start = *i + 1;
            let mut j = start;
            while j < chars.len() && name_char(chars[j]) {
                j += 1;
            }
            if j == start {
                *i = j;
                break;
            }
            path.push(chars[start..j].iter().collect());
            *i = j;
        }
        path
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        let tok = match c {
            '(' => {
                i += 1;
                Tok::LParen
            }
            ')' => {
                i += 1;
                Tok::RParen
            }
            '|' => {
                i += 1;
                Tok::Pipe
            }
            ',' => {
                i += 1;
                Tok::Comma
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                i += 2;
                Tok::Declare
            }
            '.' if chars.get(i + 1).is_none_or(|c| !c.is_ascii_digit()) => {
                let p = path(&mut i);
                if i < chars.len() && (chars[i] == '.' || name_char(chars[i])) {
                    return Err(bad("a field name is letters, digits and `_`"));
                }
                Tok::Field(p)
            }
            '$' => {
                let start = i;
                i += 1;
                while i < chars.len() && name_char(chars[i]) {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                Tok::Var(name, path(&mut i))
            }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(bad("unterminated string"));
                }
                i += 1;
                let lit: String = chars[start..i].iter().collect();
                let s: String = serde_json::from_str(&lit).map_err(|_| bad("bad string escape"))?;
                Tok::Str(s)
            }
            '`' => {
                let start = i + 1;
                i = start;
                while i < chars.len() && chars[i] != '`' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(bad("unterminated raw string"));
                }
                i += 1;
                Tok::Str(chars[start..i - 1].iter().collect())
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                let lit: String = chars[start..i].iter().collect();
                Tok::Num(parse_number(&lit).ok_or_else(|| bad("bad number"))?)
            }
            c if name_char(c) => {
                let start = i;
                while i < chars.len() && name_char(chars[i]) {
                    i += 1;
                }
                Tok::Ident(chars[start..i].iter().collect())
            }
            other => return Err(bad(&format!("unexpected `{other}`"))),
        };
        toks.push((tok, space));
        space = false;
    }
    Ok(toks)
}

fn parse_number(lit: &str) -> Option<Number> {
    let lit = lit.strip_prefix('+').unwrap_or(lit);
    if let Ok(n) = lit.parse::<i64>() {
        return Some(n.into());
    }
    if let Some(hex) = lit.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    lit.parse::<f64>().ok().and_then(Number::from_f64)
}

fn parse_pipeline(action: &str, text: &str) -> Result<Pipeline, TemplateError> {
    let toks = lex(action, text)?;
    let mut pos = 0;
    let pipe = pipeline(action, &toks, &mut pos, true)?;
    if pos != toks.len() {
        return Err(TemplateError::Unsupported(
            action.to_string(),
            "unexpected `)`".into(),
        ));
    }
    Ok(pipe)
}

fn pipeline(
    action: &str,
    toks: &[(Tok, bool)],
    pos: &mut usize,
    top: bool,
) -> Result<Pipeline, TemplateError> {
    let bad = |why: &str| TemplateError::Unsupported(action.to_string(), why.to_string());
    let mut decl = Vec::new();
    // `$x :=` or `$i, $e :=`
    if top {
        let mut j = *pos;
        let mut names = Vec::new();
        while let Some((Tok::Var(name, p), _)) = toks.get(j) {
            if !p.is_empty() {
                break;
            }
            names.push(name.clone());
            j += 1;
            match toks.get(j) {
                Some((Tok::Comma, _)) => j += 1,
                Some((Tok::Declare, _)) => {
                    decl = names;
                    *pos = j + 1;
                    break;
                }
                _ => break,
            }
        }
    }
    let mut cmds = Vec::new();
    let mut args = Vec::new();
    while let Some((tok, space)) = toks.get(*pos) {
        *pos += 1;
        let arg = match tok {
            Tok::Pipe => {
                if args.is_empty() {
                    return Err(bad("empty command in pipeline"));
                }
                cmds.push(Command {
                    args: std::mem::take(&mut args),
                });
                continue;
            }
            Tok::RParen if !top => {
                *pos -= 1;
                break;
            }
            Tok::RParen => return Err(bad("unexpected `)`")),
            Tok::Comma | Tok::Declare => return Err(bad("unexpected `,` or `:=`")),
            Tok::LParen => {
                let inner = pipeline(action, toks, pos, false)?;
                match toks.get(*pos) {
                    Some((Tok::RParen, _)) => *pos += 1,
                    _ => return Err(bad("unclosed `(`")),
                }
                let chain = match toks.get(*pos) {
                    Some((Tok::Field(p), false)) => {
                        *pos += 1;
                        p.clone()
                    }
                    _ => Vec::new(),
                };
                Arg::Sub(Box::new(inner), chain)
            }
            Tok::Field(p) => {
                if !space && !args.is_empty() {
                    return Err(bad("a field chain follows only a `)` or a variable"));
                }
                Arg::Field(p.clone())
            }
            Tok::Var(name, p) => Arg::Var(name.clone(), p.clone()),
            Tok::Str(s) => Arg::Str(s.clone()),
            Tok::Num(n) => Arg::Num(n.clone()),
            Tok::Ident(word) => match word.as_str() {
                "true" => Arg::Bool(true),
                "false" => Arg::Bool(false),
                "nil" => Arg::Nil,
                name => Arg::Func(Func::from_name(name).ok_or_else(|| {
                    bad(&format!(
                        "function `{name}` is not defined (berth knows and, or, not, len, index, slice, eq, ne, lt, le, gt, ge, print, printf, println, json, upper, lower, title, join, split, truncate, pad)"
                    ))
                })?),
            },
        };
        args.push(arg);
    }
    if args.is_empty() {
        return Err(bad("missing value"));
    }
    cmds.push(Command { args });
    for (i, c) in cmds.iter().enumerate() {
        if !matches!(c.args[0], Arg::Func(_)) && c.args.len() > 1 {
            return Err(bad(
                "a value can't take arguments; did you mean a function?",
            ));
        }
        if i > 0 && !matches!(c.args[0], Arg::Func(_)) {
            return Err(bad("only a function can follow `|`"));
        }
    }
    Ok(Pipeline { decl, cmds })
}

// ---------------------------------------------------------------------------------------
// Execution

type Vars = Vec<(String, Value)>;

fn exec(
    nodes: &[Node],
    dot: &Value,
    vars: &mut Vars,
    out: &mut String,
) -> Result<(), TemplateError> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => {
                let v = eval_pipeline(p, dot, vars)?;
                if p.decl.is_empty() {
                    go_print(&v, out);
                } else {
                    declare(vars, &p.decl, v);
                }
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                let mark = vars.len();
                let v = eval_pipeline(cond, dot, vars)?;
                declare(vars, &cond.decl, v.clone());
                let branch = if truthy(&v) { then } else { otherwise };
                exec(branch, dot, vars, out)?;
                vars.truncate(mark);
            }
            Node::With {
                pipe,
                body,
                otherwise,
            } => {
                let mark = vars.len();
                let v = eval_pipeline(pipe, dot, vars)?;
                declare(vars, &pipe.decl, v.clone());
                if truthy(&v) {
                    exec(body, &v, vars, out)?;
                } else {
                    exec(otherwise, dot, vars, out)?;
                }
                vars.truncate(mark);
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            } => {
                let v = eval_pipeline(pipe, dot, vars)?;
                let items: Vec<(Value, Value)> = match &v {
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (Value::from(i), e.clone()))
                        .collect(),
                    Value::Object(m) => m
                        .iter()
                        .map(|(k, e)| (Value::from(k.clone()), e.clone()))
                        .collect(),
                    Value::Null => Vec::new(),
                    Value::Number(n) if n.as_u64().is_some() => (0..n.as_u64().unwrap_or(0))
                        .map(|i| (Value::from(i), Value::from(i)))
                        .collect(),
                    other => {
                        return Err(TemplateError::Exec(format!(
                            "range can't iterate over {}",
                            go_string(other)
                        )))
                    }
                };
                if items.is_empty() {
                    exec(otherwise, dot, vars, out)?;
                }
                for (key, elem) in items {
                    let mark = vars.len();
                    match pipe.decl.as_slice() {
                        [] => {}
                        [e] => vars.push((e.clone(), elem.clone())),
                        [k, e, ..] => {
                            vars.push((k.clone(), key));
                            vars.push((e.clone(), elem.clone()));
                        }
                    }
                    exec(body, &elem, vars, out)?;
                    vars.truncate(mark);
                }
            }
        }
    }
    Ok(())
}

fn declare(vars: &mut Vars, names: &[String], v: Value) {
    if let Some(name) = names.first() {
        vars.push((name.clone(), v));
    }
}

fn eval_pipeline(p: &Pipeline, dot: &Value, vars: &Vars) -> Result<Value, TemplateError> {
    let mut prev: Option<Value> = None;
    for cmd in &p.cmds {
        prev = Some(eval_command(cmd, dot, vars, prev)?);
    }
    Ok(prev.unwrap_or(Value::Null))
}

fn eval_command(
    cmd: &Command,
    dot: &Value,
    vars: &Vars,
    piped: Option<Value>,
) -> Result<Value, TemplateError> {
    match &cmd.args[0] {
        Arg::Func(f) => {
            let mut args = Vec::with_capacity(cmd.args.len());
            for a in &cmd.args[1..] {
                args.push(eval_arg(a, dot, vars)?);
            }
            if let Some(v) = piped {
                args.push(v);
            }
            call(*f, args)
        }
        a => {
            if piped.is_some() {
                return Err(TemplateError::Exec(
                    "can't give an argument to a non-function".into(),
                ));
            }
            eval_arg(a, dot, vars)
        }
    }
}

fn eval_arg(arg: &Arg, dot: &Value, vars: &Vars) -> Result<Value, TemplateError> {
    match arg {
        Arg::Field(path) => lookup(dot, path, "").cloned(),
        Arg::Var(name, path) => {
            let v = vars
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| TemplateError::Exec(format!("undefined variable: {name}")))?;
            lookup(v, path, name).cloned()
        }
        Arg::Str(s) => Ok(Value::String(s.clone())),
        Arg::Num(n) => Ok(Value::Number(n.clone())),
        Arg::Bool(b) => Ok(Value::Bool(*b)),
        Arg::Nil => Ok(Value::Null),
        Arg::Func(f) => call(*f, Vec::new()),
        Arg::Sub(p, chain) => {
            let v = eval_pipeline(p, dot, vars)?;
            lookup(&v, chain, "(…)").cloned()
        }
    }
}

fn lookup<'a>(value: &'a Value, path: &[String], base: &str) -> Result<&'a Value, TemplateError> {
    let mut cur = value;
    for (i, key) in path.iter().enumerate() {
        let missing = || TemplateError::NoField(format!("{base}.{}", path[..=i].join(".")));
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

/// Go's truth: false, 0, nil and empty strings, arrays and maps are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn go_string(v: &Value) -> String {
    let mut s = String::new();
    go_print(v, &mut s);
    s
}

fn int_arg(f: Func, v: &Value) -> Result<i64, TemplateError> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| TemplateError::Call(f.name(), format!("{n} is not an integer"))),
        Value::String(s) => s
            .parse()
            .map_err(|_| TemplateError::Call(f.name(), format!("`{s}` is not an integer"))),
        other => Err(TemplateError::Call(
            f.name(),
            format!("{} is not an integer", go_string(other)),
        )),
    }
}

fn arity(f: Func, args: &[Value], min: usize, max: usize) -> Result<(), TemplateError> {
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min}")
        } else if max == usize::MAX {
            format!("at least {min}")
        } else {
            format!("{min} to {max}")
        };
        return Err(TemplateError::Exec(format!(
            "wrong number of args for {}: want {want} got {}",
            f.name(),
            args.len()
        )));
    }
    Ok(())
}

#[allow(clippy::too_many_lines)]
fn call(f: Func, args: Vec<Value>) -> Result<Value, TemplateError> {
    let s = |v: &Value| go_string(v);
    Ok(match f {
        Func::And => {
            arity(f, &args, 1, usize::MAX)?;
            let last = args.len() - 1;
            args.iter()
                .position(|v| !truthy(v))
                .map_or_else(|| args[last].clone(), |i| args[i].clone())
        }
        Func::Or => {
            arity(f, &args, 1, usize::MAX)?;
            let last = args.len() - 1;
            args.iter()
                .position(truthy)
                .map_or_else(|| args[last].clone(), |i| args[i].clone())
        }
        Func::Not => {
            arity(f, &args, 1, 1)?;
            Value::Bool(!truthy(&args[0]))
        }
        Func::Len => {
            arity(f, &args, 1, 1)?;
            let n = match &args[0] {
                Value::String(t) => t.len(),
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::Null => 0,
                other => {
                    return Err(TemplateError::Call(
                        "len",
                        format!("len of {}", go_string(other)),
                    ))
                }
            };
            Value::from(n)
        }
        Func::Index => {
            arity(f, &args, 1, usize::MAX)?;
            let mut cur = args[0].clone();
            for key in &args[1..] {
                cur = match (&cur, key) {
                    (Value::Object(m), Value::String(k)) => {
                        m.get(k).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Array(a), k) => {
                        let i = int_arg(f, k)?;
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| a.get(i))
                            .cloned()
                            .ok_or_else(|| {
                                TemplateError::Call("index", format!("index out of range: {i}"))
                            })?
                    }
                    (Value::Null, _) => Value::Null,
                    (c, k) => {
                        return Err(TemplateError::Call(
                            "index",
                            format!("can't index {} with {}", go_string(c), go_string(k)),
                        ))
                    }
                };
            }
            cur
        }
        Func::Slice => {
            arity(f, &args, 1, 3)?;
            let idx: Vec<i64> = args[1..]
                .iter()
                .map(|a| int_arg(f, a))
                .collect::<Result<_, _>>()?;
            let bounds = |len: usize| -> Result<(usize, usize), TemplateError> {
                let lo = idx
                    .first()
                    .map_or(Ok(0), |&i| usize::try_from(i))
                    .map_err(|_| TemplateError::Call("slice", "negative index".into()))?;
                let hi = idx
                    .get(1)
                    .map_or(Ok(len), |&i| usize::try_from(i))
                    .map_err(|_| TemplateError::Call("slice", "negative index".into()))?;
                if lo > hi || hi > len {
                    return Err(TemplateError::Call(
                        "slice",
                        format!("index out of range: {lo}:{hi} of {len}"),
                    ));
                }
                Ok((lo, hi))
            };
            match &args[0] {
                Value::String(t) => {
                    let (lo, hi) = bounds(t.len())?;
                    Value::String(
                        t.get(lo..hi)
                            .ok_or_else(|| {
                                TemplateError::Call("slice", "not at a character boundary".into())
                            })?
                            .to_string(),
                    )
                }
                Value::Array(a) => {
                    let (lo, hi) = bounds(a.len())?;
                    Value::Array(a[lo..hi].to_vec())
                }
                other => {
                    return Err(TemplateError::Call(
                        "slice",
                        format!("can't slice {}", go_string(other)),
                    ))
                }
            }
        }
        Func::Eq => {
            arity(f, &args, 2, usize::MAX)?;
            Value::Bool(args[1..].iter().any(|b| equal(&args[0], b)))
        }
        Func::Ne => {
            arity(f, &args, 2, 2)?;
            Value::Bool(!equal(&args[0], &args[1]))
        }
        Func::Lt | Func::Le | Func::Gt | Func::Ge => {
            arity(f, &args, 2, 2)?;
            let ord = compare(&args[0], &args[1]).ok_or_else(|| {
                TemplateError::Call(
                    f.name(),
                    format!(
                        "incompatible types for comparison: {} and {}",
                        go_string(&args[0]),
                        go_string(&args[1])
                    ),
                )
            })?;
            Value::Bool(match f {
                Func::Lt => ord.is_lt(),
                Func::Le => ord.is_le(),
                Func::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        Func::Print => {
            // Go's Sprint: a space between operands when neither is a string.
            let mut out = String::new();
            for (i, a) in args.iter().enumerate() {
                if i > 0 && !a.is_string() && !args[i - 1].is_string() {
                    out.push(' ');
                }
                go_print(a, &mut out);
            }
            Value::String(out)
        }
        Func::Println => {
            let parts: Vec<String> = args.iter().map(s).collect();
            Value::String(parts.join(" ") + "\n")
        }
        Func::Printf => {
            arity(f, &args, 1, usize::MAX)?;
            let format = s(&args[0]);
            Value::String(sprintf(&format, &args[1..]))
        }
        Func::Json => {
            arity(f, &args, 1, 1)?;
            Value::String(serde_json::to_string(&args[0]).unwrap_or_default())
        }
        Func::Upper => {
            arity(f, &args, 1, 1)?;
            Value::String(s(&args[0]).to_uppercase())
        }
        Func::Lower => {
            arity(f, &args, 1, 1)?;
            Value::String(s(&args[0]).to_lowercase())
        }
        Func::Title => {
            arity(f, &args, 1, 1)?;
            Value::String(title(&s(&args[0])))
        }
        Func::Join => {
            arity(f, &args, 2, 2)?;
            let items: Vec<String> = match &args[0] {
                Value::Array(a) => a.iter().map(s).collect(),
                Value::Null => Vec::new(),
                other => {
                    return Err(TemplateError::Call(
                        "join",
                        format!("{} is not a list", go_string(other)),
                    ))
                }
            };
            Value::String(items.join(&s(&args[1])))
        }
        Func::Split => {
            arity(f, &args, 2, 2)?;
            let (text, sep) = (s(&args[0]), s(&args[1]));
            let parts: Vec<Value> = if sep.is_empty() {
                text.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                text.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Value::Array(parts)
        }
        Func::Truncate => {
            arity(f, &args, 2, 2)?;
            let text = s(&args[0]);
            let n = usize::try_from(int_arg(f, &args[1])?)
                .map_err(|_| TemplateError::Call("truncate", "negative length".into()))?;
            let mut end = n.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            Value::String(text[..end].to_string())
        }
        Func::Pad => {
            arity(f, &args, 3, 3)?;
            let text = s(&args[0]);
            let before = usize::try_from(int_arg(f, &args[1])?).unwrap_or(0);
            let after = usize::try_from(int_arg(f, &args[2])?).unwrap_or(0);
            if text.is_empty() {
                Value::String(text)
            } else {
                Value::String(format!("{}{text}{}", " ".repeat(before), " ".repeat(after)))
            }
        }
    })
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Go's strings.Title: the first letter of each word in upper case.
fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

/// The subset of Go's fmt.Sprintf that templates use: `%v %s %d %q %t %f %x %%`, with the
/// `-` and `0` flags, a width and a precision.
fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut left, mut zero) = (false, false);
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        let mut text = match verb {
            'd' => match arg {
                Value::Number(n) => n
                    .as_i64()
                    .map_or_else(|| format!("%!d({n})"), |i| i.to_string()),
                other => format!("%!d({})", go_string(other)),
            },
            'f' | 'F' => match arg.as_f64() {
                Some(x) => format!("{x:.*}", precision.unwrap_or(6)),
                None => format!("%!f({})", go_string(arg)),
            },
            'x' => match arg {
                Value::Number(n) if n.as_i64().is_some() => {
                    format!("{:x}", n.as_i64().unwrap_or(0))
                }
                other => go_string(other).bytes().fold(String::new(), |mut s, b| {
                    let _ = write!(s, "{b:02x}");
                    s
                }),
            },
            'q' => serde_json::to_string(&go_string(arg)).unwrap_or_default(),
            't' | 'v' | 's' => {
                let t = go_string(arg);
                match precision {
                    Some(p) if verb == 's' => t.chars().take(p).collect(),
                    _ => t,
                }
            }
            other => format!("%!{other}({})", go_string(arg)),
        };
        if let Ok(w) = width.parse::<usize>() {
            let len = text.chars().count();
            if len < w {
                let pad = w - len;
                if left {
                    text.push_str(&" ".repeat(pad));
                } else if zero && matches!(verb, 'd' | 'f' | 'F') {
                    let (sign, digits) = match text.strip_prefix('-') {
                        Some(d) => ("-", d.to_string()),
                        None => ("", text.clone()),
                    };
                    text = format!("{sign}{}{digits}", "0".repeat(pad));
                } else {
                    text = format!("{}{text}", " ".repeat(pad));
                }
            }
        }
        out.push_str(&text);
    }
    for extra in args {
        let _ = write!(out, "%!(EXTRA {})", go_string(extra));
    }
    out
}

/// Print a value the way Go's text/template prints it.
fn go_print(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => go_number(n, out),
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
        Value::Object(map) => go_map(map, out),
    }
}

fn go_map(map: &Map<String, Value>, out: &mut String) {
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

/// Integers as they are; other numbers as Go's `%v` prints a float64 (`1.5`, `1e+06`).
fn go_number(n: &Number, out: &mut String) {
    if n.is_i64() || n.is_u64() {
        out.push_str(&n.to_string());
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f == 0.0 {
        out.push('0');
        return;
    }
    #[allow(clippy::cast_possible_truncation)]
    let exp = f.abs().log10().floor() as i32;
    // Go's shortest `%g`: an exponent below -4 or from 6 up is written in e-notation.
    if (-4..6).contains(&exp) {
        let _ = write!(out, "{f}");
    } else {
        // Rust writes `1e6`, Go `1e+06`.
        let text = format!("{f:e}");
        let (mantissa, e) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match e.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', e),
        };
        let _ = write!(out, "{mantissa}e{sign}{digits:0>2}");
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
        assert_eq!(render("{{.}}", &json!({})).unwrap(), "map[]");
    }

    #[test]
    fn pipelines_and_parentheses() {
        let v = json!({"ID": "abc123", "Names": ["a", "b"],
            "NetworkSettings": {"Networks": {"podman": {"IPAddress": "10.88.0.2"}}},
            "Mounts": [{"Type": "bind", "RW": false}]});
        assert_eq!(render("{{.ID| upper}}", &v).unwrap(), "ABC123");
        assert_eq!(render("{{ .ID | upper | lower }}", &v).unwrap(), "abc123");
        assert_eq!(
            render(
                r#"{{(index .NetworkSettings.Networks "podman").IPAddress}}"#,
                &v
            )
            .unwrap(),
            "10.88.0.2"
        );
        assert_eq!(render("{{(index .Mounts 0).Type}}", &v).unwrap(), "bind");
        assert_eq!(render("{{(index .Mounts 0).RW}}", &v).unwrap(), "false");
        assert_eq!(render(r#"{{join .Names ","}}"#, &v).unwrap(), "a,b");
        assert_eq!(render(r#"{{.Names | len}}"#, &v).unwrap(), "2");
        assert_eq!(render("{{truncate .ID 3}}", &v).unwrap(), "abc");
        assert_eq!(render("{{truncate .ID 30}}", &v).unwrap(), "abc123");
        assert_eq!(render("{{pad .ID 1 2}}|", &v).unwrap(), " abc123  |");
        assert_eq!(render(r#"{{split "a:b" ":"}}"#, &v).unwrap(), "[a b]");
        assert_eq!(
            render(r#"{{title "hello wide world"}}"#, &v).unwrap(),
            "Hello Wide World"
        );
        assert_eq!(
            render(r#"{{printf "%-4s|%03d|%q" "ab" 7 .ID}}"#, &v).unwrap(),
            "ab  |007|\"abc123\""
        );
        assert_eq!(render(r#"{{print "a" 1 2 "b"}}"#, &v).unwrap(), "a1 2b");
        assert_eq!(render(r#"{{"\n"}}"#, &v).unwrap(), "\n");
        assert_eq!(render(r#"a\tb{{"\t"}}c\n"#, &v).unwrap(), "a\tb\tc\n");
        assert_eq!(render("{{slice .ID 1 3}}", &v).unwrap(), "bc");
        assert_eq!(
            render("{{ 1.5 }} {{ 1000000.0 }}", &v).unwrap(),
            "1.5 1e+06"
        );
    }

    #[test]
    fn control_structures_and_variables() {
        let v = json!({"Args": ["x", "y"], "Labels": {"b": "2", "a": "1"}, "Empty": [],
                       "Name": "web", "N": 3});
        assert_eq!(
            render("{{range .Args}}<{{.}}>{{end}}", &v).unwrap(),
            "<x><y>"
        );
        assert_eq!(
            render("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", &v).unwrap(),
            "a=1;b=2;"
        );
        assert_eq!(
            render("{{range .Empty}}x{{else}}none{{end}}", &v).unwrap(),
            "none"
        );
        assert_eq!(
            render("{{range .Args}}{{$.Name}}-{{.}} {{end}}", &v).unwrap(),
            "web-x web-y "
        );
        assert_eq!(
            render(r#"{{if eq .Name "web"}}yes{{else}}no{{end}}"#, &v).unwrap(),
            "yes"
        );
        assert_eq!(
            render(
                r#"{{if eq .Name "db"}}1{{else if gt .N 2}}2{{else}}3{{end}}"#,
                &v
            )
            .unwrap(),
            "2"
        );
        assert_eq!(
            render("{{if and .Args (not .Empty)}}ok{{end}}", &v).unwrap(),
            "ok"
        );
        assert_eq!(render("{{with .Labels}}{{.a}}{{end}}", &v).unwrap(), "1");
        assert_eq!(render("{{with .Empty}}x{{else}}y{{end}}", &v).unwrap(), "y");
        assert_eq!(render("{{$n := .Name}}{{$n}}!", &v).unwrap(), "web!");
        assert_eq!(
            render("a {{- /* note */ -}}  b\n {{- .N}}", &v).unwrap(),
            "ab3"
        );
        assert_eq!(render("{{len .Labels}}", &v).unwrap(), "2");
    }

    #[test]
    fn errors_name_the_action() {
        let v = json!({"State": {}});
        assert_eq!(
            render("{{.State.Nope}}", &v),
            Err(TemplateError::NoField(".State.Nope".into()))
        );
        assert!(matches!(
            Template::parse("{{range .Args}}x"),
            Err(TemplateError::Unclosed(_))
        ));
        assert!(matches!(
            Template::parse("{{.Name"),
            Err(TemplateError::Unclosed(_))
        ));
        assert!(matches!(
            Template::parse("{{.Name | frob}}"),
            Err(TemplateError::Unsupported(..))
        ));
        assert!(matches!(
            Template::parse("{{end}}"),
            Err(TemplateError::Unsupported(..))
        ));
        assert!(matches!(
            Template::parse("{{template \"x\"}}"),
            Err(TemplateError::Unsupported(..))
        ));
        assert!(matches!(
            Template::parse("{{.A .B}}"),
            Err(TemplateError::Unsupported(..))
        ));
        assert!(render("{{index .State \"x\" | upper}}", &v).is_ok());
        assert!(matches!(
            render("{{$nope}}", &v),
            Err(TemplateError::Exec(_))
        ));
        let t = Template::parse("{{.ID}} {{(index .Mounts 0).Type}} {{range .X}}{{.Inner}}{{end}}")
            .unwrap();
        assert!(t.check_fields(&["ID", "Mounts", "X"]).is_ok());
        assert_eq!(
            t.check_fields(&["ID", "X"]),
            Err(TemplateError::NoField(".Mounts".into()))
        );
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
        // A space separates table columns, as in podman.
        let spaced = Template::parse("table {{.ID}} {{.Names | upper}}").unwrap();
        assert_eq!(spaced.fields(), ["ID", "Names"]);
        assert_eq!(
            spaced.render_rows(&rows, &head, true).unwrap(),
            "ID          NAMES\nabc         WEB\ndefgh       DB\n"
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
