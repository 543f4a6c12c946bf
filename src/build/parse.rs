//! Dockerfile text to [`ast::Dockerfile`] (pure).
//!
//! The language is BuildKit's (the reference parser that docker, and through imagebuilder
//! also podman, follow):
//! - Parser directives (`# escape=`, `# syntax=`, `# check=`) only at the very top; the first
//!   line that is not a known directive (a comment, a blank line, an instruction) ends them.
//! - A line whose first non-blank character is `#` is a comment, also inside a continuation.
//! - A line ending in the escape character (trailing blanks allowed, but not an escaped escape)
//!   continues on the next; the pieces are joined as written (the escape removed, nothing
//!   added), blank continuation lines are skipped, and a continuation may run into the end.
//! - Instruction names are case-insensitive; leading `--name=value` words are flags.
//! - `RUN`/`COPY`/`ADD` (also as `ONBUILD` triggers) may carry here-documents: every word
//!   of the line of the form `<<NAME`, `<<-NAME`, `<<'NAME'`, `<<"NAME"` takes the following
//!   lines up to a line that is exactly `NAME`.
//! - `CMD`/`ENTRYPOINT`/`RUN`/`HEALTHCHECK CMD` are exec form when the arguments are a JSON
//!   array of strings, else shell form (invalid JSON falls back to shell form); a JSON array
//!   that holds something other than strings is an error.

use super::ast::{
    ArgDecl, CommandForm, CopyArgs, Dockerfile, Healthcheck, Heredoc, Instruction, InstructionKind,
    Location, ParseError, Run, Stage,
};

/// Parses a whole Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let (parsed, escape, line_count) = parse_all(text)?;
    assemble(parsed, escape, line_count)
}

/// Every instruction of a text, in order, without grouping them into stages: for the
/// `ONBUILD` triggers an image carries (each trigger is such a text, heredoc bodies included).
/// A `FROM` appears as [`InstructionKind::From`].
pub fn parse_instructions(text: &str) -> Result<Vec<Instruction>, ParseError> {
    Ok(parse_all(text)?
        .0
        .into_iter()
        .map(|p| p.instruction)
        .collect())
}

fn parse_all(text: &str) -> Result<(Vec<Parsed>, char, usize), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut parser = Parser {
        lines: &lines,
        next: 0,
        escape: '\\',
    };
    parser.directives()?;
    let mut parsed = Vec::new();
    while let Some(logical) = parser.logical_line()? {
        let mut item = parse_instruction(&logical, 0, parser.escape, false)?;
        if !item.json {
            parser.read_heredocs(&logical, &mut item.instruction)?;
        }
        parsed.push(item);
    }
    Ok((parsed, parser.escape, lines.len()))
}

/// The text an `ONBUILD` trigger is stored as in the image config (`OnBuild`): the trigger
/// instruction as written, then each heredoc's body and terminator on their own lines, so
/// that [`parse_instructions`] reads it back.
pub fn trigger_text(trigger: &Instruction) -> String {
    let heredocs = match &trigger.kind {
        InstructionKind::Run(run) => run.heredocs.as_slice(),
        InstructionKind::Copy(args) | InstructionKind::Add(args) => args.heredocs.as_slice(),
        _ => &[],
    };
    let mut text = trigger.original.clone();
    for heredoc in heredocs {
        text.push('\n');
        text.push_str(&heredoc.content);
        text.push_str(&heredoc.name);
    }
    text
}

/// A stage header as read from `FROM [--platform=p] base [AS name]`.
struct FromInfo {
    base: String,
    name: Option<String>,
    platform: Option<String>,
}

struct Parsed {
    instruction: Instruction,
    from: Option<FromInfo>,
    /// The arguments were a JSON array (no heredocs then).
    json: bool,
}

/// Groups the instructions into stages, with the `ARG`s before the first `FROM` as globals.
fn assemble(
    parsed: Vec<Parsed>,
    escape: char,
    line_count: usize,
) -> Result<Dockerfile, ParseError> {
    if parsed.is_empty() {
        return Err(error_at(
            line_count.max(1),
            1,
            "the Dockerfile has no instructions; hint: start it with FROM <image>".to_string(),
        ));
    }
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for Parsed {
        instruction, from, ..
    } in parsed
    {
        if let Some(from) = from {
            if let Some(name) = &from.name {
                if stages.iter().any(|s| s.name.as_deref() == Some(name)) {
                    let loc = instruction.location;
                    return Err(error_at(
                        loc.line,
                        loc.column,
                        format!("duplicate stage name {name:?}"),
                    ));
                }
            }
            stages.push(Stage {
                index: stages.len(),
                name: from.name,
                base: from.base,
                platform: from.platform,
                from: instruction,
                instructions: Vec::new(),
            });
            continue;
        }
        if let Some(stage) = stages.last_mut() {
            stage.instructions.push(instruction);
            continue;
        }
        match instruction.kind {
            InstructionKind::Arg(decls) => global_args.extend(decls),
            _ => {
                let loc = instruction.location;
                let word = instruction
                    .original
                    .split_whitespace()
                    .next()
                    .unwrap_or_default();
                return Err(error_at(
                    loc.line,
                    loc.column,
                    format!(
                        "{} before the first FROM: only ARG may come before FROM; hint: start \
                         the stage with FROM <image>",
                        word.to_uppercase()
                    ),
                ));
            }
        }
    }
    if stages.is_empty() {
        return Err(error_at(
            1,
            1,
            "no FROM instruction: a Dockerfile needs at least one stage; hint: add FROM <image> \
             after the ARG lines"
                .to_string(),
        ));
    }
    Ok(Dockerfile {
        escape,
        global_args,
        stages,
    })
}

fn error_at(line: usize, column: usize, message: String) -> ParseError {
    ParseError {
        line,
        column,
        message,
    }
}

/// One instruction's text, its continuation lines joined, with a map back to the file.
struct Logical {
    text: String,
    /// `(byte offset in text, line, column)` where each joined piece starts.
    pieces: Vec<(usize, usize, usize)>,
    /// The last physical line of the instruction (1-based).
    end_line: usize,
}

impl Logical {
    /// The file position (1-based line and column) of byte `at` of the joined text.
    fn position(&self, at: usize) -> (usize, usize) {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|p| p.0 <= at)
            .unwrap_or(&self.pieces[0]);
        let at = at.min(self.text.len()).max(piece.0);
        let chars = self.text.get(piece.0..at).map_or(0, |s| s.chars().count());
        (piece.1, piece.2 + chars)
    }

    fn error(&self, at: usize, message: String) -> ParseError {
        let (line, column) = self.position(at);
        error_at(line, column, message)
    }

    fn push(&mut self, piece: &str, line: usize, column: usize) {
        self.pieces.push((self.text.len(), line, column));
        self.text.push_str(piece);
        self.end_line = line;
    }
}

struct Parser<'a> {
    lines: &'a [&'a str],
    /// Index of the next physical line to read.
    next: usize,
    escape: char,
}

fn trim_newline(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Splits `# key = value` into its key (lower-cased) and value.
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let key_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if key_len == 0 {
        return None;
    }
    let value = rest[key_len..].trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((rest[..key_len].to_ascii_lowercase(), value.to_string()))
}

/// The line without its continuation escape, or `None` when it does not continue. An escape
/// that is itself escaped (`\\` at the end) does not continue the line.
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    let body = line.trim_end_matches([' ', '\t']).strip_suffix(escape)?;
    if body.ends_with(escape) {
        return None;
    }
    Some(body)
}

impl Parser<'_> {
    /// Reads the parser directives at the top of the file.
    fn directives(&mut self) -> Result<(), ParseError> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(line) = self.lines.get(self.next) {
            let Some((key, value)) = directive(trim_newline(line)) else {
                break;
            };
            if !matches!(key.as_str(), "escape" | "syntax" | "check") {
                break;
            }
            let number = self.next + 1;
            if seen.contains(&key) {
                return Err(error_at(
                    number,
                    1,
                    format!("only one {key} parser directive can be used"),
                ));
            }
            if key == "escape" {
                self.escape = match value.as_str() {
                    "\\" => '\\',
                    "`" => '`',
                    _ => {
                        return Err(error_at(
                            number,
                            1,
                            format!("invalid escape token {value:?}; hint: use \\ or `"),
                        ))
                    }
                };
            }
            seen.push(key);
            self.next += 1;
        }
        Ok(())
    }

    /// The next instruction's text with its continuations, skipping comments and blank lines.
    fn logical_line(&mut self) -> Result<Option<Logical>, ParseError> {
        while let Some(raw) = self.lines.get(self.next) {
            self.next += 1;
            let number = self.next;
            let line = trim_newline(raw);
            let trimmed = line.trim_start();
            if trimmed.starts_with('#') {
                continue;
            }
            let column = line[..line.len() - trimmed.len()].chars().count() + 1;
            let mut logical = Logical {
                text: String::new(),
                pieces: Vec::new(),
                end_line: number,
            };
            let mut continues = match strip_continuation(trimmed, self.escape) {
                Some(body) => {
                    logical.push(body, number, column);
                    true
                }
                None => {
                    if trimmed.trim_end().is_empty() {
                        continue;
                    }
                    logical.push(trimmed, number, column);
                    false
                }
            };
            while continues {
                let Some(raw) = self.lines.get(self.next) else {
                    break;
                };
                self.next += 1;
                let line = trim_newline(raw);
                if is_comment(line) || line.trim_start().is_empty() {
                    continue;
                }
                let piece = match strip_continuation(line, self.escape) {
                    Some(body) => body,
                    None => {
                        continues = false;
                        line
                    }
                };
                logical.push(piece, self.next, 1);
            }
            if logical.text.trim().is_empty() {
                continue;
            }
            return Ok(Some(logical));
        }
        Ok(None)
    }

    /// Reads the bodies of the here-documents the instruction's line names, in order.
    fn read_heredocs(
        &mut self,
        logical: &Logical,
        instruction: &mut Instruction,
    ) -> Result<(), ParseError> {
        let target = match &mut instruction.kind {
            InstructionKind::Onbuild(inner) => &mut inner.kind,
            kind => kind,
        };
        let slot = match target {
            InstructionKind::Run(run) => &mut run.heredocs,
            InstructionKind::Copy(args) | InstructionKind::Add(args) => &mut args.heredocs,
            _ => return Ok(()),
        };
        if !logical.text.contains("<<") {
            return Ok(());
        }
        for (at, marker) in heredoc_markers(&logical.text) {
            let mut content = String::new();
            let mut terminated = false;
            while let Some(raw) = self.lines.get(self.next) {
                self.next += 1;
                let mut candidate = trim_newline(raw);
                if marker.chomp {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == marker.name {
                    terminated = true;
                    break;
                }
                if marker.chomp {
                    content.push_str(raw.trim_start_matches('\t'));
                } else {
                    content.push_str(raw);
                }
            }
            if !terminated {
                return Err(logical.error(
                    at,
                    format!(
                        "unterminated heredoc <<{}: no line {:?} before the end of the file",
                        marker.name, marker.name
                    ),
                ));
            }
            slot.push(Heredoc {
                name: marker.name,
                content,
                expand: marker.expand,
            });
        }
        Ok(())
    }
}

/// A `<<NAME` word on an instruction line.
#[derive(Debug, PartialEq, Eq)]
struct Marker {
    name: String,
    chomp: bool,
    expand: bool,
}

/// Splits a line into words on blanks outside quotes, keeping quotes and escapes (`\`) as
/// written; each word with its byte offset. As in BuildKit's lexer, `<<` (and here also
/// `<<-`) keeps the blanks after it in its word, so `<< EOF` is one marker. `None` when a
/// quote is not closed: BuildKit then finds no heredocs on the line.
fn raw_words(line: &str) -> Option<Vec<(usize, String)>> {
    let mut words = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some(word) = current.take() {
                words.push(word);
            }
            continue;
        }
        let word = current.get_or_insert_with(|| (i, String::new()));
        word.1.push(c);
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                if let Some((_, next)) = chars.next() {
                    word.1.push(next);
                }
            }
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '<') if chars.peek().is_some_and(|(_, n)| *n == '<') => {
                word.1.push('<');
                chars.next();
                if chars.peek().is_some_and(|(_, n)| *n == '-') {
                    word.1.push('-');
                    chars.next();
                }
                while let Some(&(_, blank @ (' ' | '\t' | '\r'))) = chars.peek() {
                    word.1.push(blank);
                    chars.next();
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    words.extend(current);
    Some(words)
}

/// Removes shell quoting from a word (single quotes literal, `\` escapes outside them).
fn unquote(word: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => out.push(c),
            (Some('"'), '\\') => match chars.next() {
                Some(n @ ('"' | '\\' | '$')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            (None, '\\') => out.extend(chars.next()),
            (None, '\'' | '"') => quote = Some(c),
            _ => out.push(c),
        }
    }
    out
}

/// Reads a heredoc marker word: `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"`, `3<<EOF`.
fn heredoc_marker(word: &str) -> Option<Marker> {
    let rest = word
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let rest = rest.trim_start();
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let words = raw_words(rest)?;
    if words.len() != 1 {
        return None;
    }
    let name = unquote(rest);
    if name.is_empty() {
        return None;
    }
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let expand = quotes(&name) == quotes(rest);
    Some(Marker {
        name,
        chomp,
        expand,
    })
}

/// Every heredoc marker of a line, with its byte offset.
fn heredoc_markers(line: &str) -> Vec<(usize, Marker)> {
    raw_words(line)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(at, word)| heredoc_marker(&word).map(|m| (at, m)))
        .collect()
}

/// True for a word that is a heredoc marker (for COPY/ADD sources and destinations).
pub fn is_heredoc_marker(word: &str) -> bool {
    heredoc_marker(word).is_some()
}

/// The name of the heredoc a COPY/ADD source word refers to (`<<EOF` → `EOF`).
pub fn heredoc_name(word: &str) -> Option<String> {
    heredoc_marker(word).map(|m| m.name)
}

/// A `--name[=value]` word before the arguments.
#[derive(Debug)]
struct RawFlag {
    at: usize,
    name: String,
    value: Option<String>,
}

/// Splits the leading `--flag[=value]` words (quotes and escapes removed) off the arguments;
/// returns them and the byte offset where the arguments start. A bare `--` ends the flags.
fn extract_flags(text: &str, start: usize, escape: char) -> (Vec<RawFlag>, usize) {
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        let rest = &text[pos..];
        let skip = rest.len() - rest.trim_start().len();
        pos += skip;
        if !text[pos..].starts_with("--") {
            return (flags, pos);
        }
        let at = pos;
        let mut word = String::new();
        let mut quote: Option<char> = None;
        let mut chars = text[pos..].char_indices();
        let mut end = text.len();
        while let Some((i, c)) = chars.next() {
            match quote {
                None if c.is_whitespace() => {
                    end = pos + i;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == escape => {
                    if let Some((_, n)) = chars.next() {
                        word.push(n);
                    }
                }
                _ => word.push(c),
            }
        }
        pos = end;
        if word == "--" {
            let rest = &text[pos..];
            return (flags, pos + rest.len() - rest.trim_start().len());
        }
        let (name, value) = match word[2..].split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (word[2..].to_string(), None),
        };
        flags.push(RawFlag { at, name, value });
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    Bool,
    Str,
    /// May be given several times.
    List,
}

/// The flag values of one instruction, by name, with where each was written.
#[derive(Default)]
struct Flags {
    values: Vec<(&'static str, String, usize)>,
}

impl Flags {
    fn string(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, v, _)| v.clone())
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(n, ..)| *n == name)
            .map(|(_, v, _)| v.clone())
            .collect()
    }

    fn bool(&self, name: &str) -> bool {
        self.string(name).is_some_and(|v| v == "true")
    }

    /// Every value of a flag with the byte offset of its word.
    fn located(&self, name: &str) -> Vec<(String, usize)> {
        self.values
            .iter()
            .filter(|(n, ..)| *n == name)
            .map(|(_, v, at)| (v.clone(), *at))
            .collect()
    }
}

/// Checks the flags against what `instruction` accepts.
fn check_flags(
    logical: &Logical,
    raw: Vec<RawFlag>,
    instruction: &str,
    specs: &[(&'static str, FlagKind)],
) -> Result<Flags, ParseError> {
    let mut flags = Flags::default();
    for flag in raw {
        let Some(&(name, kind)) = specs.iter().find(|(n, _)| *n == flag.name) else {
            let accepted = if specs.is_empty() {
                format!("{instruction} takes no flags")
            } else {
                let names: Vec<String> = specs.iter().map(|(n, _)| format!("--{n}")).collect();
                format!("{instruction} accepts {}", names.join(", "))
            };
            return Err(logical.error(
                flag.at,
                format!("unknown flag --{} on {instruction}: {accepted}", flag.name),
            ));
        };
        if kind != FlagKind::List && flags.values.iter().any(|(n, ..)| *n == name) {
            return Err(logical.error(flag.at, format!("duplicate flag --{name} on {instruction}")));
        }
        let value = match (kind, flag.value) {
            (FlagKind::Bool, None) => "true".to_string(),
            (FlagKind::Bool, Some(v)) => match v.to_ascii_lowercase().as_str() {
                "true" => "true".to_string(),
                "false" => "false".to_string(),
                "" => {
                    return Err(logical.error(flag.at, format!("missing a value on flag --{name}")))
                }
                _ => {
                    return Err(logical.error(
                        flag.at,
                        format!("flag --{name} expects true or false, not {v:?}"),
                    ))
                }
            },
            (_, None) => {
                return Err(logical.error(
                    flag.at,
                    format!("missing a value on flag --{name}; hint: write --{name}=<value>"),
                ))
            }
            (_, Some(v)) => v,
        };
        flags.values.push((name, value, flag.at));
    }
    Ok(flags)
}

/// A JSON array of strings, or why the text is not one.
enum Json {
    Array(Vec<String>),
    /// Not JSON (or not an array): the shell/plain form applies.
    Not,
    /// A JSON array with something other than strings in it.
    NotStrings,
}

fn parse_json(args: &str) -> Json {
    let args = args.trim_start();
    if !args.starts_with('[') {
        return Json::Not;
    }
    match serde_json::from_str::<Vec<serde_json::Value>>(args) {
        Ok(values) => {
            let mut out = Vec::with_capacity(values.len());
            for v in values {
                match v {
                    serde_json::Value::String(s) => out.push(s),
                    _ => return Json::NotStrings,
                }
            }
            Json::Array(out)
        }
        Err(_) => Json::Not,
    }
}

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// Parses the instruction that starts at byte `start` of `logical` (0 for a whole line, later
/// for an `ONBUILD` trigger).
fn parse_instruction(
    logical: &Logical,
    start: usize,
    escape: char,
    trigger: bool,
) -> Result<Parsed, ParseError> {
    let text = &logical.text;
    let lead = text[start..].len() - text[start..].trim_start().len();
    let cmd_at = start + lead;
    let cmd_len = text[cmd_at..]
        .find(|c: char| c.is_whitespace())
        .unwrap_or(text.len() - cmd_at);
    let cmd = &text[cmd_at..cmd_at + cmd_len];
    let upper = cmd.to_ascii_uppercase();
    let (raw_flags, args_at) = extract_flags(text, cmd_at + cmd_len, escape);
    let args = text[args_at..].trim();
    let (line, column) = logical.position(cmd_at);
    let location = Location { line, column };
    let original = text[cmd_at..].trim_end().to_string();
    let fail = |message: String| Err(error_at(line, column, message));
    let json_at = args_at;

    let mut from = None;
    let mut json = false;
    let kind = match upper.as_str() {
        "FROM" => {
            let flags = check_flags(logical, raw_flags, "FROM", &[("platform", FlagKind::Str)])?;
            let words: Vec<&str> = args.split_whitespace().collect();
            let name = match words.as_slice() {
                [_] => None,
                [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
                    let name = name.to_ascii_lowercase();
                    if !valid_stage_name(&name) {
                        return fail(format!(
                            "invalid name for build stage: {name:?}, name can't start with a \
                             number or contain symbols"
                        ));
                    }
                    Some(name)
                }
                _ => {
                    return fail(
                        "FROM requires either one or three arguments: FROM <image> [AS <name>]"
                            .to_string(),
                    )
                }
            };
            from = Some(FromInfo {
                base: words[0].to_string(),
                name,
                platform: flags.string("platform"),
            });
            InstructionKind::From
        }
        "RUN" => {
            let flags = check_flags(
                logical,
                raw_flags,
                "RUN",
                &[
                    ("mount", FlagKind::List),
                    ("network", FlagKind::Str),
                    ("security", FlagKind::Str),
                ],
            )?;
            for (value, at) in flags.located("network") {
                if !matches!(value.as_str(), "default" | "none" | "host") {
                    return Err(logical.error(
                        at,
                        format!("invalid network mode {value:?}; hint: use default, none or host"),
                    ));
                }
            }
            for (value, at) in flags.located("security") {
                if !matches!(value.as_str(), "sandbox" | "insecure") {
                    return Err(logical.error(
                        at,
                        format!("security {value:?} is not valid; hint: use sandbox or insecure"),
                    ));
                }
            }
            for (value, at) in flags.located("mount") {
                if let Err(e) = super::mounts::check_mount(&value) {
                    return Err(logical.error(at, format!("--mount={value}: {e}")));
                }
            }
            let command = command_form(logical, args, json_at, "RUN")?;
            json = matches!(command, CommandForm::Exec(_));
            if matches!(&command, CommandForm::Shell(s) if s.is_empty()) {
                return fail("RUN requires at least one argument".to_string());
            }
            InstructionKind::Run(Run {
                command,
                heredocs: Vec::new(),
                mounts: flags.list("mount"),
                network: flags.string("network"),
                security: flags.string("security"),
            })
        }
        "CMD" | "ENTRYPOINT" => {
            check_flags(logical, raw_flags, &upper, &[])?;
            let command = command_form(logical, args, json_at, &upper)?;
            if matches!(&command, CommandForm::Shell(s) if s.is_empty()) {
                return fail(format!(
                    "{upper} requires at least one argument; hint: {upper} [] clears it"
                ));
            }
            if upper == "CMD" {
                InstructionKind::Cmd(command)
            } else {
                InstructionKind::Entrypoint(command)
            }
        }
        "SHELL" => {
            check_flags(logical, raw_flags, "SHELL", &[])?;
            match parse_json(args) {
                Json::Array(words) if !words.is_empty() => InstructionKind::Shell(words),
                Json::Array(_) => return fail("SHELL requires at least one argument".to_string()),
                Json::NotStrings => return Err(logical.error(json_at, NOT_STRINGS.to_string())),
                Json::Not => {
                    return Err(logical.error(
                        json_at,
                        format!(
                            "SHELL requires the arguments to be in JSON form, not {args:?}; \
                             hint: SHELL [\"/bin/sh\", \"-c\"]"
                        ),
                    ))
                }
            }
        }
        "ENV" | "LABEL" => {
            check_flags(logical, raw_flags, &upper, &[])?;
            let pairs = name_values(args, escape, &upper).map_err(|m| error_at(line, column, m))?;
            if upper == "ENV" {
                InstructionKind::Env(pairs)
            } else {
                InstructionKind::Label(pairs)
            }
        }
        "ARG" => {
            check_flags(logical, raw_flags, "ARG", &[])?;
            let words = quoted_words(args, escape);
            if words.is_empty() {
                return fail(
                    "ARG requires at least one argument: ARG <name>[=<default>]".to_string(),
                );
            }
            let mut decls = Vec::new();
            for word in words {
                let decl = match word.split_once('=') {
                    Some((name, value)) => ArgDecl {
                        name: name.to_string(),
                        default: Some(value.to_string()),
                    },
                    None => ArgDecl {
                        name: word,
                        default: None,
                    },
                };
                if decl.name.is_empty() {
                    return fail("ARG names can not be blank".to_string());
                }
                decls.push(decl);
            }
            InstructionKind::Arg(decls)
        }
        "EXPOSE" => {
            check_flags(logical, raw_flags, "EXPOSE", &[])?;
            let ports: Vec<String> = args.split_whitespace().map(str::to_string).collect();
            if ports.is_empty() {
                return fail(
                    "EXPOSE requires at least one argument: EXPOSE <port>[/<proto>]".to_string(),
                );
            }
            InstructionKind::Expose(ports)
        }
        "WORKDIR" | "USER" | "STOPSIGNAL" | "MAINTAINER" => {
            check_flags(logical, raw_flags, &upper, &[])?;
            if args.is_empty() {
                return fail(format!("{upper} requires exactly one argument"));
            }
            if upper == "STOPSIGNAL" && args.split_whitespace().count() != 1 {
                return fail(format!(
                    "STOPSIGNAL requires exactly one argument, not {args:?}"
                ));
            }
            let value = args.to_string();
            match upper.as_str() {
                "WORKDIR" => InstructionKind::Workdir(value),
                "USER" => InstructionKind::User(value),
                "STOPSIGNAL" => InstructionKind::StopSignal(value),
                _ => InstructionKind::Maintainer(value),
            }
        }
        "VOLUME" => {
            check_flags(logical, raw_flags, "VOLUME", &[])?;
            let paths = match parse_json(args) {
                Json::Array(paths) => paths,
                Json::NotStrings => return Err(logical.error(json_at, NOT_STRINGS.to_string())),
                Json::Not => args.split_whitespace().map(str::to_string).collect(),
            };
            if paths.is_empty() {
                return fail("VOLUME requires at least one argument".to_string());
            }
            let mut out = Vec::with_capacity(paths.len());
            for path in paths {
                let path = path.trim();
                if path.is_empty() {
                    return fail("VOLUME specified can not be an empty string".to_string());
                }
                out.push(path.to_string());
            }
            InstructionKind::Volume(out)
        }
        "HEALTHCHECK" => healthcheck(logical, raw_flags, args, args_at)?,
        "ONBUILD" => {
            check_flags(logical, raw_flags, "ONBUILD", &[])?;
            if args.is_empty() {
                return fail(
                    "ONBUILD requires at least one argument: ONBUILD <instruction>".to_string(),
                );
            }
            let inner_at = args_at;
            let trigger_word = text[inner_at..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            match trigger_word.as_str() {
                "ONBUILD" => {
                    return Err(logical.error(
                        inner_at,
                        "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
                    ))
                }
                "FROM" | "MAINTAINER" => {
                    return Err(logical.error(
                        inner_at,
                        format!("{trigger_word} isn't allowed as an ONBUILD trigger"),
                    ))
                }
                _ => {}
            }
            let inner = parse_instruction(logical, inner_at, escape, true)?;
            json = inner.json;
            InstructionKind::Onbuild(Box::new(inner.instruction))
        }
        "COPY" | "ADD" => {
            let (kind, is_json) = copy_args(logical, raw_flags, &upper, args, args_at)?;
            json = is_json;
            kind
        }
        _ => {
            let hint = suggest_instruction(&upper)
                .map(|s| format!("; hint: did you mean {s}?"))
                .unwrap_or_default();
            return fail(format!("unknown instruction: {cmd}{hint}"));
        }
    };
    debug_assert!(!trigger || from.is_none());
    Ok(Parsed {
        instruction: Instruction {
            location,
            original,
            kind,
        },
        from,
        json,
    })
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// The known instruction closest to a misspelt one (edit distance at most 2).
fn suggest_instruction(word: &str) -> Option<&'static str> {
    INSTRUCTIONS
        .iter()
        .map(|known| (edit_distance(word, known), *known))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            row[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        prev = row;
    }
    prev[b.len()]
}

/// `^[a-z][a-z0-9-_\.]*$`, docker's rule for stage names.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// Exec form for a JSON array of strings, shell form (as written) otherwise.
fn command_form(
    logical: &Logical,
    args: &str,
    json_at: usize,
    instruction: &str,
) -> Result<CommandForm, ParseError> {
    match parse_json(args) {
        Json::Array(words) => Ok(CommandForm::Exec(words)),
        Json::NotStrings => Err(logical.error(json_at, format!("{instruction}: {NOT_STRINGS}"))),
        Json::Not => Ok(CommandForm::Shell(args.to_string())),
    }
}

/// BuildKit's word splitting for ENV/LABEL/ARG: blanks outside quotes separate words; quotes
/// and escapes stay in the words as written (they are removed at expansion time). An escape
/// at the very end is dropped.
pub fn quoted_words(text: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut blank_ok = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            None => {
                if c.is_whitespace() {
                    if in_word && (blank_ok || !word.is_empty()) {
                        words.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    in_word = false;
                    blank_ok = false;
                    continue;
                }
                in_word = true;
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    blank_ok = true;
                }
                if c == escape {
                    if let Some(n) = chars.next() {
                        word.push(c);
                        word.push(n);
                    }
                    continue;
                }
                word.push(c);
            }
            Some(q) => {
                if c == q {
                    quote = None;
                    word.push(c);
                    continue;
                }
                if c == escape && q != '\'' {
                    match chars.next() {
                        Some(n) => {
                            word.push(c);
                            word.push(n);
                        }
                        None => quote = None,
                    }
                    continue;
                }
                word.push(c);
            }
        }
    }
    if in_word && (blank_ok || !word.is_empty()) {
        words.push(word);
    }
    words
}

/// `k=v k2="v 2"` pairs, or the legacy `k v w` (one pair, the value the rest of the line).
fn name_values(
    args: &str,
    escape: char,
    instruction: &str,
) -> Result<Vec<(String, String)>, String> {
    let words = quoted_words(args, escape);
    let Some(first) = words.first() else {
        return Err(format!(
            "{instruction} requires at least one argument: {instruction} <key>=<value> ..."
        ));
    };
    if !first.contains('=') {
        let mut parts = args.splitn(2, |c: char| c.is_whitespace());
        let key = parts.next().unwrap_or_default();
        let value = parts.next().map(str::trim_start).unwrap_or_default();
        if value.is_empty() {
            return Err(format!(
                "{instruction} must have two arguments: {instruction} {key}=<value>, or the \
                 legacy {instruction} {key} <value>"
            ));
        }
        return Ok(vec![(key.to_string(), value.to_string())]);
    }
    let mut pairs = Vec::with_capacity(words.len());
    for word in words {
        let Some((key, value)) = word.split_once('=') else {
            return Err(format!(
                "syntax error - can't find = in {word:?}; {instruction} must be of the form: \
                 name=value"
            ));
        };
        if key.is_empty() {
            return Err(format!("{instruction} names can not be blank"));
        }
        pairs.push((key.to_string(), value.to_string()));
    }
    Ok(pairs)
}

fn healthcheck(
    logical: &Logical,
    raw_flags: Vec<RawFlag>,
    args: &str,
    args_at: usize,
) -> Result<InstructionKind, ParseError> {
    let (line, column) = logical.position(args_at);
    let fail = |m: String| Err(error_at(line, column, m));
    let typ_len = args.find(char::is_whitespace).unwrap_or(args.len());
    let typ = args[..typ_len].to_ascii_uppercase();
    let rest = args[typ_len..].trim_start();
    match typ.as_str() {
        "" => fail("HEALTHCHECK requires at least one argument: HEALTHCHECK NONE, or HEALTHCHECK [options] CMD <command>".to_string()),
        "NONE" => {
            check_flags(logical, raw_flags, "HEALTHCHECK NONE", &[])?;
            if !rest.is_empty() {
                return fail("HEALTHCHECK NONE takes no arguments".to_string());
            }
            Ok(InstructionKind::Healthcheck(Healthcheck::None))
        }
        "CMD" => {
            let flags = check_flags(
                logical,
                raw_flags,
                "HEALTHCHECK",
                &[
                    ("interval", FlagKind::Str),
                    ("timeout", FlagKind::Str),
                    ("start-period", FlagKind::Str),
                    ("start-interval", FlagKind::Str),
                    ("retries", FlagKind::Str),
                ],
            )?;
            let rest_at = args_at + (args.len() - rest.len());
            let test = command_form(logical, rest, rest_at, "HEALTHCHECK CMD")?;
            if matches!(&test, CommandForm::Shell(s) if s.is_empty())
                || matches!(&test, CommandForm::Exec(v) if v.is_empty())
            {
                return fail("missing command after HEALTHCHECK CMD".to_string());
            }
            for name in ["interval", "timeout", "start-period", "start-interval"] {
                if let Some(value) = flags.string(name) {
                    if let Err(why) = parse_duration(&value) {
                        return fail(format!("HEALTHCHECK --{name}={value}: {why}"));
                    }
                }
            }
            if let Some(value) = flags.string("retries") {
                if value.parse::<u32>().is_err() {
                    return fail(format!(
                        "HEALTHCHECK --retries={value}: not a whole number of 0 or more"
                    ));
                }
            }
            Ok(InstructionKind::Healthcheck(Healthcheck::Check {
                test,
                interval: flags.string("interval"),
                timeout: flags.string("timeout"),
                start_period: flags.string("start-period"),
                start_interval: flags.string("start-interval"),
                retries: flags.string("retries"),
            }))
        }
        other => fail(format!(
            "unknown type {other:?} in HEALTHCHECK; hint: HEALTHCHECK CMD <command>, or \
             HEALTHCHECK NONE"
        )),
    }
}

/// Why a HEALTHCHECK duration is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("not a duration such as 30s, 1m30s or 500ms")]
    Syntax,
    #[error("missing unit; hint: add s, m or h (30s)")]
    MissingUnit,
    #[error("unknown unit {0:?}; hint: use ns, us, ms, s, m or h")]
    UnknownUnit(String),
    #[error("must be at least 1ms (or 0 for the default)")]
    TooShort,
    #[error("too long")]
    TooLong,
}

/// A Go duration (`30s`, `1m30s`, `1.5h`, `500ms`, `0`), as docker reads HEALTHCHECK options.
/// Zero means "the default"; anything else must be at least 1ms.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, DurationError> {
    if text == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if text.is_empty() || text.starts_with('-') {
        return Err(DurationError::Syntax);
    }
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len]
            .parse()
            .map_err(|_| DurationError::Syntax)?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(DurationError::MissingUnit),
            unit => return Err(DurationError::UnknownUnit(unit.to_string())),
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    let duration =
        std::time::Duration::try_from_secs_f64(total).map_err(|_| DurationError::TooLong)?;
    if !duration.is_zero() && duration < std::time::Duration::from_millis(1) {
        return Err(DurationError::TooShort);
    }
    Ok(duration)
}

fn copy_args(
    logical: &Logical,
    raw_flags: Vec<RawFlag>,
    instruction: &str,
    args: &str,
    args_at: usize,
) -> Result<(InstructionKind, bool), ParseError> {
    let copy = instruction == "COPY";
    let specs: &[(&'static str, FlagKind)] = if copy {
        &[
            ("from", FlagKind::Str),
            ("chown", FlagKind::Str),
            ("chmod", FlagKind::Str),
            ("link", FlagKind::Bool),
            ("exclude", FlagKind::List),
            ("parents", FlagKind::Bool),
        ]
    } else {
        &[
            ("chown", FlagKind::Str),
            ("chmod", FlagKind::Str),
            ("link", FlagKind::Bool),
            ("keep-git-dir", FlagKind::Bool),
            ("checksum", FlagKind::Str),
            ("exclude", FlagKind::List),
        ]
    };
    let flags = check_flags(logical, raw_flags, instruction, specs)?;
    let (mut words, json) = match parse_json(args) {
        Json::Array(words) => (words, true),
        Json::NotStrings => {
            return Err(logical.error(args_at, format!("{instruction}: {NOT_STRINGS}")))
        }
        Json::Not => (args.split_whitespace().map(str::to_string).collect(), false),
    };
    if words.len() < 2 {
        let (line, column) = logical.position(args_at);
        return Err(error_at(
            line,
            column,
            format!(
                "{instruction} requires at least two arguments, a source and a destination; \
                 hint: {instruction} <src>... <dest>"
            ),
        ));
    }
    let dest = words.pop().unwrap_or_default();
    if !json && is_heredoc_marker(&dest) {
        let (line, column) = logical.position(args_at);
        return Err(error_at(
            line,
            column,
            format!("{instruction} cannot accept a heredoc as a destination"),
        ));
    }
    if let Some(checksum_at) = flags.located("checksum").first().map(|(_, at)| *at) {
        if words.len() != 1 {
            return Err(logical.error(
                checksum_at,
                "--checksum can't be specified for multiple sources".to_string(),
            ));
        }
        let source = &words[0];
        let remote = ["http://", "https://", "git://", "git@", "ssh://"]
            .iter()
            .any(|p| source.starts_with(p));
        if !remote && !source.contains('$') {
            return Err(logical.error(
                checksum_at,
                format!("--checksum requires an HTTP(S) or Git source, not {source:?}"),
            ));
        }
    }
    let args = CopyArgs {
        sources: words,
        dest,
        heredocs: Vec::new(),
        from: flags.string("from"),
        chown: flags.string("chown"),
        chmod: flags.string("chmod"),
        link: flags.bool("link"),
        checksum: flags.string("checksum"),
        keep_git_dir: flags.bool("keep-git-dir"),
        excludes: flags.list("exclude"),
        parents: flags.bool("parents"),
    };
    Ok((
        if copy {
            InstructionKind::Copy(args)
        } else {
            InstructionKind::Add(args)
        },
        json,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Dockerfile {
        match parse(text) {
            Ok(d) => d,
            Err(e) => panic!("parse failed: {e}\n{text}"),
        }
    }

    fn err(text: &str) -> ParseError {
        match parse(text) {
            Ok(d) => panic!("parse succeeded: {d:?}\n{text}"),
            Err(e) => e,
        }
    }

    /// The kinds of the first stage's instructions.
    fn kinds(text: &str) -> Vec<InstructionKind> {
        ok(text).stages[0]
            .instructions
            .iter()
            .map(|i| i.kind.clone())
            .collect()
    }

    fn one(text: &str) -> InstructionKind {
        let mut k = kinds(&format!("FROM scratch\n{text}"));
        assert_eq!(k.len(), 1, "{k:?}");
        k.remove(0)
    }

    fn run(text: &str) -> Run {
        match one(text) {
            InstructionKind::Run(r) => r,
            k => panic!("not RUN: {k:?}"),
        }
    }

    fn copy(text: &str) -> CopyArgs {
        match one(text) {
            InstructionKind::Copy(c) | InstructionKind::Add(c) => c,
            k => panic!("not COPY/ADD: {k:?}"),
        }
    }

    fn shell(s: &str) -> CommandForm {
        CommandForm::Shell(s.to_string())
    }

    fn exec(v: &[&str]) -> CommandForm {
        CommandForm::Exec(v.iter().map(|s| s.to_string()).collect())
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn minimal_file() {
        let d = ok("FROM busybox\nRUN echo hi\n");
        assert_eq!(d.escape, '\\');
        assert!(d.global_args.is_empty());
        assert_eq!(d.stages.len(), 1);
        let s = &d.stages[0];
        assert_eq!(
            (s.index, s.name.as_deref(), s.base.as_str()),
            (0, None, "busybox")
        );
        assert_eq!(s.from.location, Location { line: 1, column: 1 });
        assert_eq!(s.from.original, "FROM busybox");
        assert_eq!(s.from.kind, InstructionKind::From);
        assert_eq!(s.instructions[0].original, "RUN echo hi");
        assert_eq!(s.instructions[0].location, Location { line: 2, column: 1 });
    }

    #[test]
    fn instruction_names_are_case_insensitive() {
        let d = ok("from busybox as Build\nrun echo hi\nFrOm build\ncopy --from=build a b\n");
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        assert_eq!(d.stages[1].base, "build");
        assert!(matches!(
            d.stages[0].instructions[0].kind,
            InstructionKind::Run(_)
        ));
        // Flag names are not case-insensitive in docker.
        let e = err("FROM a\nCOPY --FROM=x a b\n");
        assert!(e.message.contains("unknown flag --FROM"), "{e}");
    }

    #[test]
    fn stages_and_names() {
        let d = ok(
            "ARG V=1\nFROM --platform=linux/amd64 busybox:${V} AS base\nRUN a\n\
                    FROM base AS second\nFROM scratch\nCOPY --from=second /a /b\n",
        );
        assert_eq!(
            d.global_args,
            vec![ArgDecl {
                name: "V".into(),
                default: Some("1".into())
            }]
        );
        assert_eq!(d.stages.len(), 3);
        assert_eq!(d.stages[0].base, "busybox:${V}");
        assert_eq!(d.stages[0].platform.as_deref(), Some("linux/amd64"));
        assert_eq!(d.stages[0].name.as_deref(), Some("base"));
        assert_eq!(d.stages[1].name.as_deref(), Some("second"));
        assert_eq!(d.stages[2].index, 2);
        assert_eq!(d.stages[2].name, None);
        assert_eq!(d.stages[1].instructions.len(), 0);
        assert_eq!(d.stages[2].instructions[0].location.line, 6);
    }

    #[test]
    fn from_errors() {
        assert!(err("FROM\n").message.contains("one or three"));
        assert!(err("FROM a b\n").message.contains("one or three"));
        assert!(err("FROM a AS\n").message.contains("one or three"));
        assert!(err("FROM a IS b\n").message.contains("one or three"));
        assert!(err("FROM a AS 1x\n")
            .message
            .contains("invalid name for build stage"));
        assert!(err("FROM a AS x!\n").message.contains("invalid name"));
        let e = err("FROM a AS x\nFROM b AS X\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("duplicate stage name \"x\""), "{e}");
        assert!(err("FROM --foo=1 a\n")
            .message
            .contains("unknown flag --foo on FROM"));
        assert!(err("FROM --platform a\n")
            .message
            .contains("missing a value on flag --platform"));
        // Valid names.
        ok("FROM a AS a-b_c.d9\n");
    }

    #[test]
    fn no_from_and_empty() {
        let e = err("");
        assert!(e.message.contains("no instructions"), "{e}");
        let e = err("# just a comment\n\n");
        assert!(e.message.contains("no instructions"), "{e}");
        let e = err("ARG A=1\nARG B\n");
        assert!(e.message.contains("no FROM"), "{e}");
        let e = err("# c\n  RUN echo\nFROM a\n");
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.starts_with("RUN before the first FROM"), "{e}");
        assert_eq!(e.to_string(), format!("2:3: {}", e.message));
    }

    #[test]
    fn unknown_instruction() {
        let e = err("FORM busybox\n");
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.starts_with("unknown instruction: FORM"), "{e}");
        assert!(e.message.contains("did you mean FROM?"), "{e}");
        let e = err("FROM a\n\n   XYZZYQ foo\n");
        assert_eq!((e.line, e.column), (3, 4));
        assert_eq!(e.message, "unknown instruction: XYZZYQ");
    }

    #[test]
    fn comments_and_blank_lines() {
        let d = ok("# comment\n\n   # indented comment\nFROM a\n\n\t\nRUN x # not a comment\n");
        assert_eq!(d.stages[0].from.location.line, 4);
        assert_eq!(
            d.stages[0].instructions[0].kind,
            InstructionKind::Run(Run {
                command: shell("x # not a comment"),
                heredocs: vec![],
                mounts: vec![],
                network: None,
                security: None,
            })
        );
    }

    #[test]
    fn directives() {
        let d = ok("# escape=`\nFROM a\nRUN echo a `\n  b\n");
        assert_eq!(d.escape, '`');
        assert_eq!(d.stages[0].instructions[0].original, "RUN echo a   b");
        let d = ok("# syntax=docker/dockerfile:1\n#escape = \\\nFROM a\n");
        assert_eq!(d.escape, '\\');
        let d = ok("# check=skip=all\n# syntax=x\n# escape=`\nFROM a\n");
        assert_eq!(d.escape, '`');
        // Directive-like comments after the top are plain comments.
        let d = ok("FROM a\n# escape=`\nRUN a \\\n b\n");
        assert_eq!(d.escape, '\\');
        let d = ok("# comment\n# escape=`\nFROM a\n");
        assert_eq!(d.escape, '\\');
        let d = ok("\n# escape=`\nFROM a\n");
        assert_eq!(d.escape, '\\');
        // An unknown directive ends the directives.
        let d = ok("# foo=bar\n# escape=`\nFROM a\n");
        assert_eq!(d.escape, '\\');
        let e = err("# escape=x\nFROM a\n");
        assert!(e.message.contains("invalid escape token"), "{e}");
        let e = err("# escape=`\n# escape=\\\nFROM a\n");
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("only one escape parser directive"),
            "{e}"
        );
    }

    #[test]
    fn escape_backtick_windows_example() {
        // The Dockerfile reference's example.
        let d =
            ok("# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n");
        let i = &d.stages[0].instructions;
        assert_eq!(copy_of(&i[0]).dest, "c:\\");
        assert_eq!(i[1].original, "RUN dir c:\\");
        // With the default escape the same file joins COPY and RUN.
        let d = ok("FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i.len(), 1);
        assert_eq!(
            copy_of(&i[0]).sources,
            strings(&["testfile.txt", "c:RUN", "dir"])
        );
    }

    fn copy_of(i: &Instruction) -> &CopyArgs {
        match &i.kind {
            InstructionKind::Copy(c) | InstructionKind::Add(c) => c,
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn continuations() {
        let d = ok("FROM a\nRUN apk add \\\n    curl \\\n# a comment\n\n    git\nRUN b\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i[0].original, "RUN apk add     curl     git");
        assert_eq!(i[0].location, Location { line: 2, column: 1 });
        assert_eq!(i[1].location.line, 7);
        // Trailing blanks after the escape still continue; an escaped escape does not.
        let d = ok("FROM a\nRUN a \\  \nb\nRUN c \\\\\nRUN d\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i[0].original, "RUN a b");
        assert_eq!(i[1].original, "RUN c \\\\");
        assert_eq!(i[2].original, "RUN d");
        // Continuation at the end of the file.
        let d = ok("FROM a\nRUN echo \\\n");
        assert_eq!(d.stages[0].instructions[0].original, "RUN echo");
        // A continued instruction name.
        let d = ok("FROM a\nRU\\\nN x\n");
        assert_eq!(d.stages[0].instructions[0].original, "RUN x");
        // CRLF line ends.
        let d = ok("FROM a\r\nRUN a \\\r\n b\r\n");
        assert_eq!(d.stages[0].instructions[0].original, "RUN a  b");
    }

    #[test]
    fn error_columns_follow_continuations() {
        let e = err("FROM a\nCOPY \\\n  --bogus=1 a b\n");
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        let e = err("FROM a\nRUN --network=none \\\n    --network=host x\n");
        assert_eq!((e.line, e.column), (3, 5), "{e}");
        assert!(e.message.contains("duplicate flag --network"), "{e}");
    }

    #[test]
    fn run_forms() {
        assert_eq!(run("RUN echo hi").command, shell("echo hi"));
        assert_eq!(run("RUN [\"echo\", \"hi\"]").command, exec(&["echo", "hi"]));
        assert_eq!(run("RUN   [ \"a\" ]  ").command, exec(&["a"]));
        // Invalid JSON falls back to the shell form, as written.
        assert_eq!(
            run("RUN ['single', 'quotes']").command,
            shell("['single', 'quotes']")
        );
        assert_eq!(run("RUN [\"a\", ]").command, shell("[\"a\", ]"));
        assert_eq!(run("RUN [ \"a\" \"b\" ]").command, shell("[ \"a\" \"b\" ]"));
        let e = err("FROM a\nRUN [\"a\", 1]\n");
        assert!(e.message.contains("strings only"), "{e}");
        assert_eq!((e.line, e.column), (2, 5));
        let e = err("FROM a\nRUN\n");
        assert!(
            e.message.contains("RUN requires at least one argument"),
            "{e}"
        );
        // JSON escapes.
        assert_eq!(
            run(r#"RUN ["c:\\windows\\a.exe", "\u0041"]"#).command,
            exec(&["c:\\windows\\a.exe", "A"])
        );
    }

    #[test]
    fn run_flags() {
        let r = run(
            "RUN --mount=type=cache,target=/root/.cache --mount=type=tmpfs,target=/t \
                     --network=none --security=insecure make",
        );
        assert_eq!(
            r.mounts,
            strings(&["type=cache,target=/root/.cache", "type=tmpfs,target=/t"])
        );
        assert_eq!(r.network.as_deref(), Some("none"));
        assert_eq!(r.security.as_deref(), Some("insecure"));
        assert_eq!(r.command, shell("make"));
        // Quotes in flag values are removed.
        let r = run("RUN --mount=\"type=bind,source=a b\" ls");
        assert_eq!(r.mounts, strings(&["type=bind,source=a b"]));
        // A bare -- ends the flags.
        let r = run("RUN -- --version");
        assert_eq!(r.command, shell("--version"));
        // A single dash is not a flag.
        assert_eq!(run("RUN -x").command, shell("-x"));
        let e = err("FROM a\nRUN --foo=bar x\n");
        assert!(
            e.message
                .contains("unknown flag --foo on RUN: RUN accepts --mount, --network, --security"),
            "{e}"
        );
        assert_eq!((e.line, e.column), (2, 5));
        let e = err("FROM a\nRUN --network x\n");
        assert!(
            e.message.contains("missing a value on flag --network"),
            "{e}"
        );
    }

    #[test]
    fn cmd_entrypoint_shell() {
        assert_eq!(
            one("CMD [\"a\", \"b\"]"),
            InstructionKind::Cmd(exec(&["a", "b"]))
        );
        assert_eq!(
            one("CMD echo $HOME"),
            InstructionKind::Cmd(shell("echo $HOME"))
        );
        assert_eq!(one("CMD []"), InstructionKind::Cmd(exec(&[])));
        assert_eq!(
            one("ENTRYPOINT [\"top\", \"-b\"]"),
            InstructionKind::Entrypoint(exec(&["top", "-b"]))
        );
        assert_eq!(
            one("entrypoint exec top -b"),
            InstructionKind::Entrypoint(shell("exec top -b"))
        );
        assert!(err("FROM a\nCMD\n")
            .message
            .contains("CMD requires at least one argument"));
        assert!(err("FROM a\nCMD --x\n")
            .message
            .contains("CMD takes no flags"));
        assert_eq!(
            one("SHELL [\"powershell\", \"-command\"]"),
            InstructionKind::Shell(strings(&["powershell", "-command"]))
        );
        let e = err("FROM a\nSHELL /bin/sh -c\n");
        assert!(
            e.message
                .contains("SHELL requires the arguments to be in JSON form"),
            "{e}"
        );
        assert_eq!((e.line, e.column), (2, 7));
        assert!(err("FROM a\nSHELL [\"sh\", \"-c\"\n")
            .message
            .contains("JSON form"));
        assert!(err("FROM a\nSHELL []\n").message.contains("at least one"));
        assert!(err("FROM a\nSHELL [1]\n").message.contains("strings only"));
    }

    #[test]
    fn env_forms() {
        assert_eq!(
            one("ENV MY_NAME=\"John Doe\" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy"),
            InstructionKind::Env(pairs(&[
                ("MY_NAME", "\"John Doe\""),
                ("MY_DOG", "Rex\\ The\\ Dog"),
                ("MY_CAT", "fluffy"),
            ]))
        );
        assert_eq!(
            one("ENV MY_VAR my-value"),
            InstructionKind::Env(pairs(&[("MY_VAR", "my-value")]))
        );
        assert_eq!(
            one("ENV ONE TWO= THREE=world"),
            InstructionKind::Env(pairs(&[("ONE", "TWO= THREE=world")]))
        );
        assert_eq!(one("ENV A="), InstructionKind::Env(pairs(&[("A", "")])));
    }

    #[test]
    fn env_and_label_errors() {
        assert!(err("FROM a\nENV\n")
            .message
            .contains("ENV requires at least one argument"));
        assert!(err("FROM a\nENV A\n")
            .message
            .contains("ENV must have two arguments"));
        assert!(err("FROM a\nENV A=1 B\n")
            .message
            .contains("can't find = in \"B\""));
        assert!(err("FROM a\nENV =1\n")
            .message
            .contains("ENV names can not be blank"));
        assert!(err("FROM a\nLABEL x\n")
            .message
            .contains("LABEL must have two arguments"));
    }

    #[test]
    fn labels() {
        assert_eq!(
            one("LABEL \"com.example.vendor\"=\"ACME Incorporated\" version=1.0 \\\n  description=\"This text illustrates \\\n that label-values can span multiple lines.\""),
            InstructionKind::Label(pairs(&[
                ("\"com.example.vendor\"", "\"ACME Incorporated\""),
                ("version", "1.0"),
                ("description", "\"This text illustrates  that label-values can span multiple lines.\""),
            ]))
        );
        assert_eq!(
            one("LABEL multi.label1=\"value1\" multi.label2='value 2'"),
            InstructionKind::Label(pairs(&[
                ("multi.label1", "\"value1\""),
                ("multi.label2", "'value 2'"),
            ]))
        );
    }

    #[test]
    fn args() {
        assert_eq!(
            one("ARG user1"),
            InstructionKind::Arg(vec![ArgDecl {
                name: "user1".into(),
                default: None
            }])
        );
        match one("ARG a b=2 c=\"x y\" d=") {
            InstructionKind::Arg(decls) => {
                assert_eq!(
                    decls,
                    vec![
                        ArgDecl {
                            name: "a".into(),
                            default: None
                        },
                        ArgDecl {
                            name: "b".into(),
                            default: Some("2".into())
                        },
                        ArgDecl {
                            name: "c".into(),
                            default: Some("\"x y\"".into())
                        },
                        ArgDecl {
                            name: "d".into(),
                            default: Some(String::new())
                        },
                    ]
                );
            }
            k => panic!("{k:?}"),
        }
        assert!(err("FROM a\nARG\n")
            .message
            .contains("ARG requires at least one argument"));
        assert!(err("FROM a\nARG =x\n").message.contains("blank"));
        // ARG lines in a stage stay in the stage; only those before FROM are global.
        let d = ok("ARG A\nARG B=1 C\nFROM a\nARG A\n");
        assert_eq!(d.global_args.len(), 3);
        assert_eq!(d.stages[0].instructions.len(), 1);
    }

    #[test]
    fn expose_workdir_user_stopsignal_maintainer() {
        assert_eq!(
            one("EXPOSE 80/tcp 80/udp ${PORT}"),
            InstructionKind::Expose(strings(&["80/tcp", "80/udp", "${PORT}"]))
        );
        assert!(err("FROM a\nEXPOSE\n")
            .message
            .contains("EXPOSE requires at least one argument"));
        assert_eq!(
            one("WORKDIR /path/to/$DIRNAME"),
            InstructionKind::Workdir("/path/to/$DIRNAME".into())
        );
        assert_eq!(one("WORKDIR /a b"), InstructionKind::Workdir("/a b".into()));
        assert!(err("FROM a\nWORKDIR\n")
            .message
            .contains("WORKDIR requires exactly one argument"));
        assert_eq!(
            one("USER patrick:1000"),
            InstructionKind::User("patrick:1000".into())
        );
        assert!(err("FROM a\nUSER\n")
            .message
            .contains("USER requires exactly one argument"));
        assert_eq!(
            one("STOPSIGNAL SIGKILL"),
            InstructionKind::StopSignal("SIGKILL".into())
        );
        assert!(err("FROM a\nSTOPSIGNAL a b\n")
            .message
            .contains("exactly one argument"));
        assert_eq!(
            one("MAINTAINER Jane Doe <jane@example.com>"),
            InstructionKind::Maintainer("Jane Doe <jane@example.com>".into())
        );
    }

    #[test]
    fn volumes() {
        assert_eq!(
            one("VOLUME [\"/data\"]"),
            InstructionKind::Volume(strings(&["/data"]))
        );
        assert_eq!(
            one("VOLUME /var/log /var/db"),
            InstructionKind::Volume(strings(&["/var/log", "/var/db"]))
        );
        assert_eq!(
            one("VOLUME [\"/a\", \" /b \"]"),
            InstructionKind::Volume(strings(&["/a", "/b"]))
        );
        assert!(err("FROM a\nVOLUME\n")
            .message
            .contains("VOLUME requires at least one argument"));
        assert!(err("FROM a\nVOLUME []\n")
            .message
            .contains("VOLUME requires at least one argument"));
        assert!(err("FROM a\nVOLUME [\"\"]\n")
            .message
            .contains("empty string"));
        assert!(err("FROM a\nVOLUME [1]\n").message.contains("strings only"));
    }

    #[test]
    fn healthchecks() {
        assert_eq!(
            one("HEALTHCHECK NONE"),
            InstructionKind::Healthcheck(Healthcheck::None)
        );
        assert_eq!(
            one("healthcheck none"),
            InstructionKind::Healthcheck(Healthcheck::None)
        );
        assert_eq!(
            one("HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --start-interval=5s --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1"),
            InstructionKind::Healthcheck(Healthcheck::Check {
                test: shell("curl -f http://localhost/ || exit 1"),
                interval: Some("5m".into()),
                timeout: Some("3s".into()),
                start_period: Some("1m30s".into()),
                start_interval: Some("5s".into()),
                retries: Some("3".into()),
            })
        );
        assert_eq!(
            one("HEALTHCHECK cmd [\"/bin/check\", \"-q\"]"),
            InstructionKind::Healthcheck(Healthcheck::Check {
                test: exec(&["/bin/check", "-q"]),
                interval: None,
                timeout: None,
                start_period: None,
                start_interval: None,
                retries: None,
            })
        );
        assert!(err("FROM a\nHEALTHCHECK\n")
            .message
            .contains("at least one argument"));
        assert!(err("FROM a\nHEALTHCHECK NONE x\n")
            .message
            .contains("takes no arguments"));
        assert!(err("FROM a\nHEALTHCHECK --interval=1s NONE\n")
            .message
            .contains("HEALTHCHECK NONE takes no flags"));
        assert!(err("FROM a\nHEALTHCHECK CMD\n")
            .message
            .contains("missing command"));
        assert!(err("FROM a\nHEALTHCHECK CMD []\n")
            .message
            .contains("missing command"));
        assert!(err("FROM a\nHEALTHCHECK EXEC x\n")
            .message
            .contains("unknown type \"EXEC\""));
        assert!(err("FROM a\nHEALTHCHECK --interval=5 CMD x\n")
            .message
            .contains("missing unit"));
        assert!(err("FROM a\nHEALTHCHECK --interval=1us CMD x\n")
            .message
            .contains("at least 1ms"));
        assert!(err("FROM a\nHEALTHCHECK --retries=-1 CMD x\n")
            .message
            .contains("--retries=-1"));
        assert!(err("FROM a\nHEALTHCHECK --bogus=1 CMD x\n")
            .message
            .contains("unknown flag --bogus"));
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("s").is_err());
        assert_eq!(parse_duration("5"), Err(DurationError::MissingUnit));
        assert_eq!(
            parse_duration("5d"),
            Err(DurationError::UnknownUnit("d".into()))
        );
        assert_eq!(
            parse_duration(&format!("{}h", "9".repeat(400))),
            Err(DurationError::TooLong)
        );
    }

    #[test]
    fn onbuild() {
        match one("ONBUILD RUN /usr/local/bin/python-build --dir /app/src") {
            InstructionKind::Onbuild(inner) => {
                assert_eq!(
                    inner.original,
                    "RUN /usr/local/bin/python-build --dir /app/src"
                );
                assert_eq!(inner.location, Location { line: 2, column: 9 });
                assert_eq!(
                    inner.kind,
                    InstructionKind::Run(Run {
                        command: shell("/usr/local/bin/python-build --dir /app/src"),
                        heredocs: vec![],
                        mounts: vec![],
                        network: None,
                        security: None,
                    })
                );
            }
            k => panic!("{k:?}"),
        }
        match one("ONBUILD copy --chown=1:1 . /app/src") {
            InstructionKind::Onbuild(inner) => match inner.kind {
                InstructionKind::Copy(c) => assert_eq!(c.chown.as_deref(), Some("1:1")),
                k => panic!("{k:?}"),
            },
            k => panic!("{k:?}"),
        }
        let e = err("FROM a\nONBUILD ONBUILD RUN x\n");
        assert!(e.message.contains("`ONBUILD ONBUILD` isn't allowed"), "{e}");
        assert_eq!((e.line, e.column), (2, 9));
        assert!(err("FROM a\nONBUILD FROM b\n")
            .message
            .contains("FROM isn't allowed as an ONBUILD trigger"));
        assert!(err("FROM a\nONBUILD maintainer b\n")
            .message
            .contains("MAINTAINER isn't allowed"));
        assert!(err("FROM a\nONBUILD\n")
            .message
            .contains("ONBUILD requires at least one argument"));
        assert!(err("FROM a\nONBUILD FOO x\n")
            .message
            .contains("unknown instruction: FOO"));
    }

    #[test]
    fn copy_and_add() {
        let c = copy("COPY --from=build --chown=55:mygroup --chmod=644 --link files* /somedir/");
        assert_eq!(c.sources, strings(&["files*"]));
        assert_eq!(c.dest, "/somedir/");
        assert_eq!(c.from.as_deref(), Some("build"));
        assert_eq!(c.chown.as_deref(), Some("55:mygroup"));
        assert_eq!(c.chmod.as_deref(), Some("644"));
        assert!(c.link);
        let c = copy("COPY --link=false --parents --exclude=*.txt --exclude=*.md a b c/ /d/");
        assert!(!c.link && c.parents);
        assert_eq!(c.excludes, strings(&["*.txt", "*.md"]));
        assert_eq!(c.sources, strings(&["a", "b", "c/"]));
        let c = copy("COPY [\"a file\", \"/dest dir/\"]");
        assert_eq!(c.sources, strings(&["a file"]));
        assert_eq!(c.dest, "/dest dir/");
        let c = copy("ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d --keep-git-dir=true https://example.com/a.tar /a");
        assert!(c.checksum.as_deref().unwrap().starts_with("sha256:2445"));
        assert!(c.keep_git_dir);
        assert_eq!(c.sources, strings(&["https://example.com/a.tar"]));
        let e = err("FROM a\nCOPY a\n");
        assert!(
            e.message.contains("COPY requires at least two arguments"),
            "{e}"
        );
        assert!(err("FROM a\nCOPY\n").message.contains("at least two"));
        assert!(err("FROM a\nADD --from=x a b\n")
            .message
            .contains("unknown flag --from on ADD"));
        assert!(err("FROM a\nCOPY --checksum=x a b\n")
            .message
            .contains("unknown flag --checksum on COPY"));
        assert!(err("FROM a\nCOPY --link=maybe a b\n")
            .message
            .contains("expects true or false"));
        assert!(err("FROM a\nCOPY --link= a b\n")
            .message
            .contains("missing a value"));
        assert!(err("FROM a\nCOPY --chown a b\n")
            .message
            .contains("missing a value on flag --chown"));
        assert!(err("FROM a\nCOPY --from=a --from=b a b\n")
            .message
            .contains("duplicate flag --from"));
        assert!(err("FROM a\nCOPY a <<EOF\nx\nEOF\n")
            .message
            .contains("heredoc as a destination"));
    }

    #[test]
    fn run_heredocs() {
        let d = ok("FROM a\nRUN <<EOF\napk add x\necho $HOME\nEOF\nRUN b\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i.len(), 2);
        match &i[0].kind {
            InstructionKind::Run(r) => {
                assert_eq!(r.command, shell("<<EOF"));
                assert_eq!(
                    r.heredocs,
                    vec![Heredoc {
                        name: "EOF".into(),
                        content: "apk add x\necho $HOME\n".into(),
                        expand: true
                    }]
                );
            }
            k => panic!("{k:?}"),
        }
        assert_eq!(i[0].original, "RUN <<EOF");
        assert_eq!(i[1].location.line, 6);

        // Several heredocs on one line, each in turn.
        let r = run("RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\nfirst\nFILE1\nI am\nsecond\nFILE2");
        assert_eq!(
            r.command,
            shell("<<FILE1 cat > file1 && <<FILE2 cat > file2")
        );
        assert_eq!(r.heredocs.len(), 2);
        assert_eq!(r.heredocs[0].content, "I am\nfirst\n");
        assert_eq!(r.heredocs[1].name, "FILE2");
        assert_eq!(r.heredocs[1].content, "I am\nsecond\n");

        // Heredoc as stdin of a command: the command keeps its marker.
        let r = run("RUN python3 <<EOF\nprint(\"hi\")\nEOF");
        assert_eq!(r.command, shell("python3 <<EOF"));
        assert_eq!(r.heredocs[0].content, "print(\"hi\")\n");

        // Quoted markers disable expansion.
        let r = run("RUN <<'EOT' bash\necho $X\nEOT");
        assert_eq!(
            r.heredocs[0],
            Heredoc {
                name: "EOT".into(),
                content: "echo $X\n".into(),
                expand: false
            }
        );
        let r = run("RUN <<\"EOT\"\necho $X\nEOT");
        assert!(!r.heredocs[0].expand);
        assert_eq!(r.heredocs[0].name, "EOT");

        // <<- strips leading tabs from the body and the terminator.
        let r = run("RUN <<-EOF\n\techo a\n\t\techo b\n  c\n\tEOF");
        assert_eq!(r.heredocs[0].content, "echo a\necho b\n  c\n");
        // Without -, a tab-indented terminator is body.
        let e = err("FROM a\nRUN <<EOF\n\tEOF\n");
        assert!(e.message.contains("unterminated heredoc"), "{e}");

        // Empty body, and a body with blank lines and comments kept.
        let r = run("RUN cat <<EOF\nEOF");
        assert_eq!(r.heredocs[0].content, "");
        let r = run("RUN sh <<EOF\n\n# not a comment\n  x \\\nEOF");
        assert_eq!(r.heredocs[0].content, "\n# not a comment\n  x \\\n");

        // Exec form and quoted words are not heredocs.
        let r = run("RUN [\"cat\", \"<<EOF\"]");
        assert!(r.heredocs.is_empty());
        let r = run("RUN echo '<<EOF' \"<<A\" a<<B");
        assert!(r.heredocs.is_empty());
        // Here-strings and plain shifts are not heredocs.
        let r = run("RUN cat <<<word");
        assert!(r.heredocs.is_empty());
        // With flags and a file descriptor.
        let r = run("RUN --network=none 3<<EOF cat /dev/fd/3\nhi\nEOF");
        assert_eq!(r.heredocs[0].content, "hi\n");
        assert_eq!(r.network.as_deref(), Some("none"));
        // CRLF bodies keep their line ends; the terminator may end in CRLF.
        let r = run("RUN <<EOF\r\na\r\nEOF\r");
        assert_eq!(r.heredocs[0].content, "a\r\n");
    }

    #[test]
    fn heredoc_marker_forms() {
        let doc = |text: &str| -> Vec<(String, String, bool)> {
            run(text)
                .heredocs
                .into_iter()
                .map(|h| (h.name, h.content, h.expand))
                .collect()
        };
        let one = |name: &str, content: &str, expand: bool| {
            vec![(name.to_string(), content.to_string(), expand)]
        };
        assert_eq!(doc("RUN <<  EOF\nx\nEOF"), one("EOF", "x\n", true));
        assert_eq!(doc("RUN <<  EOF  > foo\nEOF"), one("EOF", "", true));
        assert_eq!(doc("RUN << -EOF\n-EOF"), one("-EOF", "", true));
        assert_eq!(doc("RUN <<- EOF\n\ta\n\tEOF"), one("EOF", "a\n", true));
        assert_eq!(
            doc("RUN <<eo'f'\necho foo\neof"),
            one("eof", "echo foo\n", false)
        );
        assert_eq!(
            doc("RUN <<eo\\'f\necho foo\neo'f"),
            one("eo'f", "echo foo\n", true)
        );
        assert_eq!(
            doc("RUN <<'e'o\\'f\necho foo\neo'f"),
            one("eo'f", "echo foo\n", false)
        );
        assert_eq!(
            doc("RUN <<'one two'\necho bar\none two"),
            one("one two", "echo bar\n", false)
        );
        assert_eq!(doc("RUN <<$EOF\n$EOF"), one("$EOF", "", true));
        assert_eq!(doc("RUN 3<<EMPTY2\nEMPTY2"), one("EMPTY2", "", true));
        assert_eq!(
            doc("RUN <<file.txt cat\nhello world\nfile.txt"),
            one("file.txt", "hello world\n", true)
        );
        // Bodies are taken in marker order, each up to its own terminator.
        let both = doc("RUN <<X <<Y cat\nY\nX\nX\nY");
        assert_eq!(
            both,
            vec![
                ("X".into(), "Y\n".into(), true),
                ("Y".into(), "X\n".into(), true)
            ]
        );
        // An unclosed quote on the line: no heredocs at all, as in BuildKit.
        let e = err("FROM a\nRUN echo 'x <<EOF\nhello\nEOF\n");
        assert!(e.message.contains("unknown instruction: hello"), "{e}");
    }

    #[test]
    fn unterminated_heredoc() {
        let e = err("FROM a\nRUN cat <<EOF >/x\nhello\n");
        assert_eq!((e.line, e.column), (2, 9), "{e}");
        assert!(e.message.contains("unterminated heredoc <<EOF"), "{e}");
        let e = err("FROM a\nRUN <<A <<B\na\nA\nb\n");
        assert_eq!((e.line, e.column), (2, 9), "{e}");
    }

    #[test]
    fn copy_heredocs() {
        let c = copy("COPY <<EOF /app/config\nkey=$VALUE\nEOF");
        assert_eq!(c.sources, strings(&["<<EOF"]));
        assert_eq!(c.dest, "/app/config");
        assert_eq!(
            c.heredocs,
            vec![Heredoc {
                name: "EOF".into(),
                content: "key=$VALUE\n".into(),
                expand: true
            }]
        );
        let c = copy("COPY --chmod=755 <<-\"A\" <<B /dir/\n\tone\n\tA\ntwo\nB");
        assert_eq!(c.sources, strings(&["<<-\"A\"", "<<B"]));
        assert_eq!(heredoc_name(&c.sources[0]).as_deref(), Some("A"));
        assert_eq!(
            c.heredocs[0],
            Heredoc {
                name: "A".into(),
                content: "one\n".into(),
                expand: false
            }
        );
        assert_eq!(c.heredocs[1].content, "two\n");
        // ADD takes heredocs too; JSON-form COPY does not.
        let c = copy("ADD <<EOF /x\ny\nEOF");
        assert_eq!(c.heredocs[0].content, "y\n");
        let d = ok("FROM a\nCOPY [\"<<EOF\", \"/x\"]\nRUN y\n");
        assert_eq!(d.stages[0].instructions.len(), 2);
    }

    #[test]
    fn triggers_round_trip() {
        let d = ok("FROM a\nONBUILD RUN <<EOF\necho $HOME\nEOF\nONBUILD COPY --chown=1 . /src\n");
        let triggers: Vec<String> = d.stages[0]
            .instructions
            .iter()
            .map(|i| match &i.kind {
                InstructionKind::Onbuild(inner) => trigger_text(inner),
                k => panic!("{k:?}"),
            })
            .collect();
        assert_eq!(
            triggers,
            vec!["RUN <<EOF\necho $HOME\nEOF", "COPY --chown=1 . /src"]
        );
        let back = parse_instructions(&triggers[0]).unwrap();
        assert_eq!(back.len(), 1);
        match &back[0].kind {
            InstructionKind::Run(r) => {
                assert_eq!(r.command, shell("<<EOF"));
                assert_eq!(r.heredocs[0].content, "echo $HOME\n");
            }
            k => panic!("{k:?}"),
        }
        let back = parse_instructions(&triggers[1]).unwrap();
        assert!(
            matches!(&back[0].kind, InstructionKind::Copy(c) if c.chown.as_deref() == Some("1"))
        );
        // No FROM needed; errors keep their positions.
        assert_eq!(parse_instructions("").unwrap(), vec![]);
        let e = parse_instructions("RUN a\nBOGUS b").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
    }

    #[test]
    fn onbuild_heredoc() {
        match one("ONBUILD RUN <<EOF\necho hi\nEOF") {
            InstructionKind::Onbuild(inner) => match inner.kind {
                InstructionKind::Run(r) => assert_eq!(r.heredocs[0].content, "echo hi\n"),
                k => panic!("{k:?}"),
            },
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn other_instructions_ignore_heredoc_markers() {
        let d = ok("FROM a\nENV A=<<EOF\nRUN b\n");
        assert_eq!(d.stages[0].instructions.len(), 2);
    }

    #[test]
    fn bom_and_leading_whitespace() {
        let d = ok("\u{feff}FROM a\n\t  RUN b\n");
        assert_eq!(
            d.stages[0].instructions[0].location,
            Location { line: 2, column: 4 }
        );
    }

    #[test]
    fn quoted_word_splitting() {
        assert_eq!(quoted_words("a b  c", '\\'), strings(&["a", "b", "c"]));
        assert_eq!(
            quoted_words("a=\"x y\" b='p q'", '\\'),
            strings(&["a=\"x y\"", "b='p q'"])
        );
        assert_eq!(quoted_words("a=x\\ y b", '\\'), strings(&["a=x\\ y", "b"]));
        assert_eq!(
            quoted_words("a=\"x\\\" y\"", '\\'),
            strings(&["a=\"x\\\" y\""])
        );
        assert_eq!(quoted_words("\"\" x", '\\'), strings(&["\"\"", "x"]));
        assert_eq!(quoted_words("a\\", '\\'), strings(&["a"]));
        assert_eq!(quoted_words("a=x` y", '`'), strings(&["a=x` y"]));
        assert!(quoted_words("   ", '\\').is_empty());
    }

    #[test]
    fn heredoc_marker_words() {
        assert!(is_heredoc_marker("<<EOF"));
        assert!(is_heredoc_marker("<<-EOF"));
        assert!(is_heredoc_marker("<<'EOF'"));
        assert!(is_heredoc_marker("2<<EOF"));
        assert!(!is_heredoc_marker("<<"));
        assert!(!is_heredoc_marker("<<<EOF"));
        assert!(!is_heredoc_marker("a<<EOF"));
        assert!(!is_heredoc_marker("file"));
        assert_eq!(heredoc_name("<<\"E O F\""), Some("E O F".to_string()));
        // BuildKit's marker forms.
        for word in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<-\"EOF\"",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(heredoc_name(word).as_deref(), Some("EOF"), "{word}");
        }
        for word in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<'EOF", "<<EOF'"] {
            assert_eq!(heredoc_name(word), None, "{word}");
        }
    }

    #[test]
    fn a_realistic_dockerfile() {
        let text = r#"# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG BASE=alpine

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM ${BASE}
LABEL org.opencontainers.image.title="app"
ENV PATH=/usr/local/bin:$PATH \
    APP_ENV=production
COPY --from=build /out/app /usr/local/bin/app
EXPOSE 8080
USER 65534:65534
HEALTHCHECK --interval=30s CMD ["/usr/local/bin/app", "health"]
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
"#;
        let d = ok(text);
        assert_eq!(d.global_args.len(), 2);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        assert_eq!(d.stages[0].instructions.len(), 5);
        assert_eq!(
            d.stages[0].instructions[2].original,
            "RUN --mount=type=cache,target=/go/pkg/mod     go mod download"
        );
        assert_eq!(d.stages[1].base, "${BASE}");
        assert_eq!(d.stages[1].instructions.len(), 8);
        assert_eq!(
            d.stages[1].instructions[1].kind,
            InstructionKind::Env(pairs(&[
                ("PATH", "/usr/local/bin:$PATH"),
                ("APP_ENV", "production")
            ]))
        );
    }

    /// A small deterministic generator for the robustness tests.
    fn noise(seed: &mut u64, alphabet: &[&str], len: usize) -> String {
        let mut out = String::new();
        for _ in 0..len {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            out.push_str(alphabet[(*seed % alphabet.len() as u64) as usize]);
        }
        out
    }

    #[test]
    fn arbitrary_text_never_panics() {
        let alphabet = [
            "FROM a\n",
            "RUN ",
            "COPY ",
            "ONBUILD ",
            "HEALTHCHECK ",
            "ENV ",
            "ARG ",
            " ",
            "\t",
            "\n",
            "\\",
            "`",
            "#",
            "# escape=`\n",
            "\"",
            "'",
            "[",
            "]",
            "\"x\",",
            "<<",
            "<<-",
            "EOF",
            "\nEOF\n",
            "--",
            "--from=",
            "=",
            "$",
            "{",
            "}",
            "é",
            "\r\n",
            "CMD",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..3000 {
            let text = noise(&mut seed, &alphabet, 24);
            if let Err(e) = parse(&text) {
                assert!(e.line >= 1 && e.column >= 1, "{e:?} for {text:?}");
                assert!(!e.message.is_empty());
            }
        }
    }
}
