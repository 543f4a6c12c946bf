//! Docker's word processing for Dockerfile arguments (pure): BuildKit's shell lexer.
//!
//! - Single quotes are literal; double quotes keep blanks and allow `$`; inside double quotes
//!   the escape character only escapes `"`, `$` and itself (otherwise it stays).
//! - Outside quotes the escape character makes the next character literal; at the end of the
//!   word it is dropped.
//! - `$NAME`, `${NAME}`; `${NAME:-word}` / `${NAME-word}` (default when empty-or-unset /
//!   unset), `${NAME:+word}` / `${NAME+word}` (alternative), `${NAME:?msg}` / `${NAME?msg}`
//!   (error), `${NAME#pat}` `${NAME##pat}` `${NAME%pat}` `${NAME%%pat}` (trim a shell
//!   pattern), `${NAME/pat/rep}` `${NAME//pat/rep}` (replace). Unset names expand to nothing;
//!   `$1`, `$@` and the other positional and special parameters are never set. A `$` that
//!   starts no name stays `$`.
//! - [`expand_words`] also splits on blanks that are not quoted or escaped, including blanks
//!   that come out of an unquoted expansion (`ENV A="x y"` then `EXPOSE $A` gives two words).
//!
//! Which instructions expand (docker): ADD, COPY, ENV, EXPOSE, FROM (global ARGs only), LABEL,
//! STOPSIGNAL, USER, VOLUME, WORKDIR, ONBUILD (no: at trigger time), and RUN/CMD/ENTRYPOINT
//! never (their shell does); heredoc bodies by the shell unless the marker was quoted.

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VarsErrorKind {
    #[error("unexpected end of statement while looking for matching {0}")]
    Unterminated(&'static str),
    #[error("syntax error: missing '}}'")]
    MissingBrace,
    #[error("syntax error: missing '/' in ${{}}")]
    MissingSlash,
    #[error("syntax error: bad substitution")]
    BadSubstitution,
    #[error("unsupported modifier ({0}) in substitution")]
    UnsupportedModifier(String),
    /// `${NAME?message}` / `${NAME:?message}` with NAME unset (or empty).
    #[error("{name}: {message}")]
    Required { name: String, message: String },
    #[error("invalid pattern ({pattern}) in substitution: invalid escape '\\{found}'")]
    InvalidPattern { pattern: String, found: String },
}

/// A word that could not be expanded, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("failed to process {word:?}: {kind}")]
pub struct VarsError {
    pub word: String,
    pub kind: VarsErrorKind,
}

/// Expands one word: quotes removed, escapes applied, variables substituted.
pub fn expand_word(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<String, VarsError> {
    Lexer::new(raw, lookup, escape).run().map(|(word, _)| word)
}

/// Expands like [`expand_word`], then splits on unquoted, unescaped blanks. Empty words
/// (`""`, or an unquoted expansion that is empty) are dropped, as docker does.
pub fn expand_words(
    raw: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    escape: char,
) -> Result<Vec<String>, VarsError> {
    Lexer::new(raw, lookup, escape)
        .run()
        .map(|(_, words)| words)
}

/// Splits an `ENV`/`LABEL`/`ARG` argument list into its raw `k=v` words (quotes kept, blanks
/// inside quotes or after the escape character kept); see `parse::quoted_words`.
pub fn split_assignments(text: &str, escape: char) -> Vec<String> {
    super::parse::quoted_words(text, escape)
}

/// The word-splitting buffer: blanks end a word unless they were added raw (quoted/escaped).
#[derive(Default)]
struct Words {
    buf: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, c: char) {
        if !c.is_whitespace() {
            self.add_raw_char(c);
        } else if self.in_word && !self.buf.is_empty() {
            self.words.push(std::mem::take(&mut self.buf));
            self.in_word = false;
        }
    }

    fn add_raw_char(&mut self, c: char) {
        self.buf.push(c);
        self.in_word = true;
    }

    fn add_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_str(&mut self, s: &str) {
        self.buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.buf.is_empty() {
            self.words.push(self.buf);
        }
        self.words
    }
}

struct Lexer<'a> {
    source: &'a str,
    chars: Vec<char>,
    pos: usize,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    escape: char,
    /// Keep escape characters in the output (inside `${x#...}`, `${x%...}`, `${x/.../...}`,
    /// where the pattern needs them).
    raw_escapes: bool,
}

type Step<T> = Result<T, VarsErrorKind>;

impl<'a> Lexer<'a> {
    fn new(source: &'a str, lookup: &'a dyn Fn(&str) -> Option<String>, escape: char) -> Self {
        Lexer {
            source,
            chars: source.chars().collect(),
            pos: 0,
            lookup,
            escape,
            raw_escapes: false,
        }
    }

    fn run(mut self) -> Result<(String, Vec<String>), VarsError> {
        self.until(None, false).map_err(|kind| VarsError {
            word: self.source.to_string(),
            kind,
        })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Processes up to `stop` (consumed) or the end; the text and its words.
    fn until(&mut self, stop: Option<char>, raw_escapes: bool) -> Step<(String, Vec<String>)> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let result = self.until_inner(stop);
        self.raw_escapes = saved;
        result
    }

    fn until_inner(&mut self, stop: Option<char>) -> Step<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                self.pos += 1;
                return Ok((result, words.finish()));
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                    words.add_str(&value);
                }
                '<' => {
                    let value = self.possible_heredoc();
                    result.push_str(&value);
                    words.add_raw_str(&value);
                }
                '\'' | '"' => {
                    let value = if c == '\'' {
                        self.single_quoted()?
                    } else {
                        self.double_quoted()?
                    };
                    result.push_str(&value);
                    words.add_raw_str(&value);
                }
                _ => {
                    self.pos += 1;
                    if c == self.escape {
                        if self.raw_escapes {
                            words.add_raw_char(c);
                            result.push(c);
                        }
                        let Some(next) = self.next() else { break };
                        words.add_raw_char(next);
                        result.push(next);
                    } else {
                        words.add_char(c);
                        result.push(c);
                    }
                }
            }
        }
        match stop {
            Some('}') => Err(VarsErrorKind::MissingBrace),
            Some('/') => Err(VarsErrorKind::MissingSlash),
            Some(_) => Err(VarsErrorKind::Unterminated("brace")),
            None => Ok((result, words.finish())),
        }
    }

    fn single_quoted(&mut self) -> Step<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err(VarsErrorKind::Unterminated("single-quote")),
                Some('\'') => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self) -> Step<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(VarsErrorKind::Unterminated("double-quote")),
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('$') => out.push_str(&self.dollar()?),
                Some(mut c) => {
                    self.pos += 1;
                    if c == self.escape {
                        if self.raw_escapes {
                            out.push(c);
                        }
                        match self.peek() {
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.escape => {
                                c = n;
                                self.pos += 1;
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    /// `<<` and the blanks after it stay together (a heredoc marker is one word).
    fn possible_heredoc(&mut self) -> String {
        self.pos += 1;
        if self.peek() != Some('<') {
            return "<".to_string();
        }
        self.pos += 1;
        let mut out = "<<".to_string();
        while let Some(c @ (' ' | '\t' | '\r')) = self.peek() {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// A name after `$`: digits (positional), one special character, or a name.
    fn name(&mut self) -> String {
        let mut name = String::new();
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek().filter(char::is_ascii_digit) {
                    name.push(c);
                    self.pos += 1;
                }
                return name;
            }
            Some(c @ ('@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')) => {
                self.pos += 1;
                return c.to_string();
            }
            _ => {}
        }
        while let Some(c) = self.peek().filter(|c| c.is_alphanumeric() || *c == '_') {
            name.push(c);
            self.pos += 1;
        }
        name
    }

    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }

    fn dollar(&mut self) -> Step<String> {
        self.pos += 1;
        if self.peek() != Some('{') {
            let name = self.name();
            if name.is_empty() {
                return Ok("$".to_string());
            }
            return Ok(self.get(&name).unwrap_or_default());
        }
        self.pos += 1;
        match self.peek() {
            None => return Err(VarsErrorKind::MissingBrace),
            Some('{' | '}' | ':') => return Err(VarsErrorKind::BadSubstitution),
            Some(_) => {}
        }
        let name = self.name();
        match self.next() {
            None => Err(VarsErrorKind::MissingBrace),
            Some('}') => Ok(self.get(&name).unwrap_or_default()),
            Some(':') => match self.next() {
                Some(op @ ('-' | '+' | '?')) => self.modifier(&name, op, true),
                Some(op) => {
                    // Consume the word so the error matches docker's order of checks.
                    self.until(Some('}'), false)?;
                    Err(VarsErrorKind::UnsupportedModifier(format!(":{op}")))
                }
                None => Err(VarsErrorKind::MissingBrace),
            },
            Some(op @ ('-' | '+' | '?' | '#' | '%')) => self.modifier(&name, op, false),
            Some('/') => self.replace(&name),
            Some(op) => Err(VarsErrorKind::UnsupportedModifier(op.to_string())),
        }
    }

    fn modifier(&mut self, name: &str, op: char, null_is_unset: bool) -> Step<String> {
        let raw = op == '#' || op == '%';
        let (word, _) = self.until(Some('}'), raw).map_err(|e| {
            if self.peek().is_none() {
                VarsErrorKind::MissingBrace
            } else {
                e
            }
        })?;
        let value = self.get(name);
        let unset = match &value {
            None => true,
            Some(v) => null_is_unset && v.is_empty(),
        };
        match op {
            '-' => Ok(if unset {
                word
            } else {
                value.unwrap_or_default()
            }),
            '+' => Ok(if unset { String::new() } else { word }),
            '?' => {
                if unset {
                    let message = if !word.is_empty() {
                        word
                    } else if value.is_none() {
                        "is not allowed to be unset".to_string()
                    } else {
                        "is not allowed to be empty".to_string()
                    };
                    return Err(VarsErrorKind::Required {
                        name: name.to_string(),
                        message,
                    });
                }
                Ok(value.unwrap_or_default())
            }
            _ => {
                let value = value.unwrap_or_default();
                let (greedy, pattern) = match word.strip_prefix(op) {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, word),
                };
                let tokens = pattern_tokens(&pattern)?;
                let chars: Vec<char> = value.chars().collect();
                let cut = if op == '#' {
                    prefix_match(&tokens, &chars, greedy).map(|n| chars[n..].iter().collect())
                } else {
                    suffix_match(&tokens, &chars, greedy)
                        .map(|n| chars[..chars.len() - n].iter().collect())
                };
                Ok(cut.unwrap_or(value))
            }
        }
    }

    fn replace(&mut self, name: &str) -> Step<String> {
        let all = self.peek() == Some('/');
        if all {
            self.pos += 1;
        }
        let (pattern, _) = self.until(Some('/'), true).map_err(|e| {
            if self.peek().is_none() {
                VarsErrorKind::MissingSlash
            } else {
                e
            }
        })?;
        let (replacement, _) = self.until(Some('}'), true).map_err(|e| {
            if self.peek().is_none() {
                VarsErrorKind::MissingBrace
            } else {
                e
            }
        })?;
        let value = self.get(name).unwrap_or_default();
        let tokens = pattern_tokens(&pattern)?;
        let chars: Vec<char> = value.chars().collect();
        let mut out = String::new();
        let mut pos = 0;
        let mut replaced_any = false;
        while pos <= chars.len() {
            let found = (pos..=chars.len()).find_map(|start| {
                (start..=chars.len())
                    .rev()
                    .find(|&end| glob_match(&tokens, &chars[start..end]))
                    .map(|end| (start, end))
            });
            let Some((start, end)) = found else { break };
            out.extend(&chars[pos..start]);
            out.push_str(&replacement);
            replaced_any = true;
            if end == start {
                // An empty match: keep one character and move on.
                if let Some(c) = chars.get(start) {
                    out.push(*c);
                }
                pos = start + 1;
            } else {
                pos = end;
            }
            if !all {
                break;
            }
        }
        if !replaced_any {
            return Ok(value);
        }
        if pos < chars.len() {
            out.extend(&chars[pos..]);
        }
        Ok(out)
    }
}

/// One element of a shell pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    One,
    Literal(char),
}

/// A shell pattern's tokens; `\*`, `\?`, `\\` are literal, `\}` and `\/` are `}` and `/`.
fn pattern_tokens(pattern: &str) -> Step<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::One),
            '\\' => match chars.next() {
                Some(n @ ('}' | '/' | '*' | '?' | '\\')) => tokens.push(Token::Literal(n)),
                found => {
                    return Err(VarsErrorKind::InvalidPattern {
                        pattern: pattern.to_string(),
                        found: found.map(String::from).unwrap_or_default(),
                    })
                }
            },
            _ => tokens.push(Token::Literal(c)),
        }
    }
    Ok(tokens)
}

/// True when the pattern matches all of `text` (memoised on token and position).
fn glob_match(tokens: &[Token], text: &[char]) -> bool {
    fn from(
        tokens: &[Token],
        text: &[char],
        t: usize,
        at: usize,
        memo: &mut [Option<bool>],
    ) -> bool {
        let slot = t * (text.len() + 1) + at;
        if let Some(known) = memo[slot] {
            return known;
        }
        let result = match tokens.get(t) {
            None => at == text.len(),
            Some(Token::Star) => (at..=text.len()).any(|n| from(tokens, text, t + 1, n, memo)),
            Some(Token::One) => at < text.len() && from(tokens, text, t + 1, at + 1, memo),
            Some(Token::Literal(c)) => {
                text.get(at) == Some(c) && from(tokens, text, t + 1, at + 1, memo)
            }
        };
        memo[slot] = Some(result);
        result
    }
    let mut memo = vec![None; (tokens.len() + 1) * (text.len() + 1)];
    from(tokens, text, 0, 0, &mut memo)
}

/// The length of the shortest (or longest) prefix of `text` the pattern matches.
fn prefix_match(tokens: &[Token], text: &[char], greedy: bool) -> Option<usize> {
    let mut lengths: Box<dyn Iterator<Item = usize>> = if greedy {
        Box::new((0..=text.len()).rev())
    } else {
        Box::new(0..=text.len())
    };
    lengths.find(|&n| glob_match(tokens, &text[..n]))
}

/// The length of the shortest (or longest) suffix of `text` the pattern matches.
fn suffix_match(tokens: &[Token], text: &[char], greedy: bool) -> Option<usize> {
    let mut lengths: Box<dyn Iterator<Item = usize>> = if greedy {
        Box::new((0..=text.len()).rev())
    } else {
        Box::new(0..=text.len())
    };
    lengths.find(|&n| glob_match(tokens, &text[text.len() - n..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "PWD" => Some("/home".into()),
            "SHELL" => Some("bash".into()),
            "KOREAN" => Some("한국어".into()),
            "NULL" => Some(String::new()),
            "FOO" => Some("/bar".into()),
            "hi" => Some("hi".into()),
            "space" => Some("abc  def".into()),
            "leading" => Some("  ab c".into()),
            "trailing" => Some("ab c   ".into()),
            "string" => Some("foobarbaz".into()),
            "path" => Some("/usr/local/bin/app.tar.gz".into()),
            _ => None,
        }
    }

    fn word(raw: &str) -> Result<String, VarsError> {
        expand_word(raw, &env, '\\')
    }

    /// Cases: `raw` → expected result, or `None` for an error.
    fn check(cases: &[(&str, Option<&str>)]) {
        for (raw, want) in cases {
            let got = word(raw);
            match want {
                Some(w) => assert_eq!(got.as_deref().ok(), Some(*w), "{raw:?} gave {got:?}"),
                None => assert!(got.is_err(), "{raw:?} should fail, gave {got:?}"),
            }
        }
    }

    #[test]
    fn quotes_and_escapes() {
        check(&[
            ("hello", Some("hello")),
            ("he'll'o", Some("hello")),
            ("he'llo", None),
            ("he\\'llo", Some("he'llo")),
            ("he\\\\'llo", None),
            ("abc\\tdef", Some("abctdef")),
            ("\"abc\\tdef\"", Some("abc\\tdef")),
            ("\"abc\\\\tdef\"", Some("abc\\tdef")),
            ("'abc\\tdef'", Some("abc\\tdef")),
            ("hello\\", Some("hello")),
            ("hello\\\\", Some("hello\\")),
            ("\"hello", None),
            ("\"hello\\\"", None),
            ("\"hel'lo\"", Some("hel'lo")),
            ("'hello", None),
            ("'hello\\'", Some("hello\\")),
            ("\"''\"", Some("''")),
            ("'\"hello\"'", Some("\"hello\"")),
            ("안'녕'하세요", Some("안녕하세요")),
            ("안녕\\'하세요", Some("안녕'하세요")),
        ]);
    }

    #[test]
    fn simple_variables() {
        check(&[
            ("$.", Some("$.")),
            ("he$1x", Some("hex")),
            ("he$.x", Some("he$.x")),
            ("he$pwd.", Some("he.")),
            ("he$PWD", Some("he/home")),
            ("he\\$PWD", Some("he$PWD")),
            ("he\\\\$PWD", Some("he\\/home")),
            ("\"he\\$PWD\"", Some("he$PWD")),
            ("\"he\\\\$PWD\"", Some("he\\/home")),
            ("\\${}", Some("${}")),
            ("he\\${}xx", Some("he${}xx")),
            ("${}", None),
            ("he${}xx", None),
            ("he${hi}xx", Some("hehixx")),
            ("he${nope}xx", Some("hexx")),
            ("he${PWD}", Some("he/home")),
            ("he${.}", None),
            ("'he${XX}'", Some("he${XX}")),
            ("\"he${PWD}\"", Some("he/home")),
            ("\"he'$PWD'\"", Some("he'/home'")),
            ("'$PWD'", Some("$PWD")),
            ("'\\$PWD'", Some("\\$PWD")),
            ("he${PWD", None),
            ("$KOREAN", Some("한국어")),
            ("안녕$KOREAN", Some("안녕한국어")),
            ("${aaa}}", Some("}")),
            ("${{aaa}", None),
            ("$", Some("$")),
            ("a$", Some("a$")),
        ]);
    }

    #[test]
    fn modifiers() {
        check(&[
            ("he${XXX:-000}xx", Some("he000xx")),
            ("he${PWD:-000}xx", Some("he/homexx")),
            ("he${XXX:-$PWD}xx", Some("he/homexx")),
            ("he${XXX:-${PWD:-yyy}}xx", Some("he/homexx")),
            ("he${XXX:-${YYY:-yyy}}xx", Some("heyyyxx")),
            ("he${XXX:YYY}", None),
            ("he${XXX?}", None),
            ("he${XXX:?}", None),
            ("he${PWD?}", Some("he/home")),
            ("he${PWD:?}", Some("he/home")),
            ("he${NULL?}", Some("he")),
            ("he${NULL:?}", None),
            ("he${XXX:+${PWD}}xx", Some("hexx")),
            ("he${PWD:+${XXX}}xx", Some("hexx")),
            ("he${PWD:+${SHELL}}xx", Some("hebashxx")),
            ("he${XXX:+000}xx", Some("hexx")),
            ("he${PWD:+000}xx", Some("he000xx")),
            ("he${PWD:=000}xx", None),
            ("he${PWD:+${PWD}:}xx", Some("he/home:xx")),
            ("he${XXX:-\\$PWD:}xx", Some("he$PWD:xx")),
            ("he${XXX:-\\${PWD}z}xx", Some("he${PWDz}xx")),
            ("${aaa:-bbb}}", Some("bbb}")),
            ("${aaa:-bbb", None),
            ("${aaa:-bbb ${foo}", None),
            ("${aaa:-bbb {foo}", Some("bbb {foo")),
            ("${:}", None),
            ("${:-bbb}", None),
            // Without the colon, only unset counts.
            ("${NULL-x}", Some("")),
            ("${NULL:-x}", Some("x")),
            ("${NULL+x}", Some("x")),
            ("${NULL:+x}", Some("")),
            ("${XXX-x}", Some("x")),
            ("${XXX+x}", Some("")),
            // Quotes inside the word.
            ("${XXX:-\"a b\"}", Some("a b")),
            ("${XXX:-'$PWD'}", Some("$PWD")),
        ]);
    }

    #[test]
    fn positional_and_special_parameters_are_unset() {
        check(&[
            ("$1", Some("")),
            ("${1:-bbb}", Some("bbb")),
            ("$999aaa", Some("aaa")),
            ("${001:-bbb}aaa", Some("bbbaaa")),
            ("$@@@", Some("@@")),
            ("${@:+bbb}aaa", Some("aaa")),
            ("$*", Some("")),
            ("${#:-bbb}", Some("bbb")),
            ("$?", Some("")),
            ("$$", Some("")),
            ("${!}", Some("")),
            ("$0", Some("")),
        ]);
    }

    #[test]
    fn required_messages() {
        let e = word("${XXX:?must be set}").unwrap_err();
        assert_eq!(
            e.kind,
            VarsErrorKind::Required {
                name: "XXX".into(),
                message: "must be set".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "failed to process \"${XXX:?must be set}\": XXX: must be set"
        );
        let e = word("${NULL:?}").unwrap_err();
        assert_eq!(
            e.kind,
            VarsErrorKind::Required {
                name: "NULL".into(),
                message: "is not allowed to be empty".into()
            }
        );
        let e = word("${XXX?}").unwrap_err();
        assert_eq!(
            e.kind,
            VarsErrorKind::Required {
                name: "XXX".into(),
                message: "is not allowed to be unset".into()
            }
        );
        assert_eq!(
            word("'x").unwrap_err().kind,
            VarsErrorKind::Unterminated("single-quote")
        );
        assert_eq!(
            word("\"x").unwrap_err().kind,
            VarsErrorKind::Unterminated("double-quote")
        );
        assert_eq!(word("${x").unwrap_err().kind, VarsErrorKind::MissingBrace);
        assert_eq!(
            word("${}").unwrap_err().kind,
            VarsErrorKind::BadSubstitution
        );
        assert_eq!(
            word("${x:#a}").unwrap_err().kind,
            VarsErrorKind::UnsupportedModifier(":#".into())
        );
    }

    #[test]
    fn pattern_trimming() {
        // The Dockerfile reference's examples.
        check(&[
            ("${string#*o}", Some("obarbaz")),
            ("${string##*o}", Some("barbaz")),
            ("${string%a*}", Some("foobarb")),
            ("${string%%a*}", Some("foob")),
            ("${string/ba/fo}", Some("fooforbaz")),
            ("${string//ba/fo}", Some("fooforfoz")),
            ("${path##*/}", Some("app.tar.gz")),
            ("${path%/*}", Some("/usr/local/bin")),
            ("${path%.*}", Some("/usr/local/bin/app.tar")),
            ("${path%%.*}", Some("/usr/local/bin/app")),
            ("${path#/usr}", Some("/local/bin/app.tar.gz")),
            ("${path#nomatch}", Some("/usr/local/bin/app.tar.gz")),
            ("${path%.t?r.gz}", Some("/usr/local/bin/app")),
            ("${path//\\//:}", Some(":usr:local:bin:app.tar.gz")),
            // The replacement keeps its escapes, as in BuildKit.
            ("${FOO//\\//\\/}", Some("\\/bar")),
            ("${string#*x*}", Some("foobarbaz")),
            ("${string#*a?}", Some("baz")),
            ("${string%%\\**}", Some("foobarbaz")),
            ("${XXX/a/b}", Some("")),
            ("${string/#/x}", Some("foobarbaz")),
            ("${path/nomatch/x}", Some("/usr/local/bin/app.tar.gz")),
            ("${XXX#a}", Some("")),
            ("${string#\\*}", Some("foobarbaz")),
            ("${string#\\q}", None),
            ("${string/ba}", None),
        ]);
    }

    #[test]
    fn dockerfile_reference_environment_replacement() {
        // ENV FOO=/bar; WORKDIR ${FOO}; ADD . $FOO; COPY \$FOO /quux
        check(&[
            ("${FOO}", Some("/bar")),
            ("$FOO", Some("/bar")),
            ("\\$FOO", Some("$FOO")),
        ]);
        // ${variable:-word} and ${variable:+word}
        check(&[
            ("${FOO:-word}", Some("/bar")),
            ("${FOO:+word}", Some("word")),
        ]);
    }

    #[test]
    fn backtick_escape() {
        let w = |raw: &str| expand_word(raw, &env, '`');
        assert_eq!(w("c:\\path").unwrap(), "c:\\path");
        assert_eq!(w("a` b").unwrap(), "a b");
        assert_eq!(w("`$PWD").unwrap(), "$PWD");
        assert_eq!(w("\"a`\"b\"").unwrap(), "a\"b");
        assert_eq!(expand_words("a` b c", &env, '`').unwrap(), vec!["a b", "c"]);
    }

    fn words(raw: &str) -> Vec<String> {
        expand_words(raw, &env, '\\').unwrap()
    }

    #[test]
    fn word_splitting() {
        let cases: &[(&str, &[&str])] = &[
            ("hello", &["hello"]),
            ("hello${hi}bye", &["hellohibye"]),
            ("hello${space}bye", &["helloabc", "defbye"]),
            ("hello\"${space}\"bye", &["helloabc  defbye"]),
            ("hello \"${space}\"bye", &["hello", "abc  defbye"]),
            ("hello${leading}def", &["hello", "ab", "cdef"]),
            ("hello\"${leading}\" def", &["hello  ab c", "def"]),
            ("hello${leading}", &["hello", "ab", "c"]),
            ("hello${trailing}", &["helloab", "c"]),
            ("hello${trailing}d", &["helloab", "c", "d"]),
            ("hello\"${trailing}\"d", &["helloab c   d"]),
            ("hello\" there  \"", &["hello there  "]),
            ("hello there     ", &["hello", "there"]),
            ("hello\\ there", &["hello there"]),
            ("hello\\\" there", &["hello\"", "there"]),
            ("hello\"\\\\there\"", &["hello\\there"]),
            ("hello\"\\there\"", &["hello\\there"]),
            ("hello'\\\\there'", &["hello\\\\there"]),
            ("hello'$there'", &["hello$there"]),
            ("80/tcp   443/tcp", &["80/tcp", "443/tcp"]),
            ("\"\" x", &["x"]),
            ("$nope", &[]),
            ("", &[]),
            ("<< EOF x", &["<< EOF", "x"]),
        ];
        for (raw, want) in cases {
            assert_eq!(words(raw), *want, "{raw:?}");
        }
        assert!(expand_words("hello\" there", &env, '\\').is_err());
    }

    #[test]
    fn assignments_split() {
        assert_eq!(
            split_assignments("a=\"x y\" b=c\\ d e", '\\'),
            vec!["a=\"x y\"", "b=c\\ d", "e"]
        );
    }

    #[test]
    fn arbitrary_words_never_panic() {
        let alphabet = [
            "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "//", "\\", "'", "\"", " ", "a",
            "PWD", "*", "<", "<<", "é", "`",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..5000 {
            let mut raw = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                raw.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = expand_word(&raw, &env, '\\');
            let _ = expand_words(&raw, &env, '`');
        }
    }
}
