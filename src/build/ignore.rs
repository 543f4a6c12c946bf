//! `.dockerignore` / `.containerignore` matching (pure), with the semantics of docker's
//! moby/patternmatcher and its ignore-file reader:
//! - A line starting with `#` (in the first column) is a comment; blank lines are skipped;
//!   each line is trimmed.
//! - `!pattern` is an exception: it re-includes what earlier lines excluded. Lines are applied
//!   in order and the last one that matches decides.
//! - Patterns are cleaned like paths (`./a` → `a`, `a/` → `a`, `a//b` → `a/b`, `a/../b` →
//!   `b`) and a leading `/` is dropped: every pattern is relative to the context root.
//! - `*` matches any run of characters but `/`, `?` one character but `/`, `[a-z]` / `[^a]`
//!   a class, `\` escapes the next character; `**` matches any number of directories
//!   (`**/x`, `a/**`, `a/**/b`).
//! - A pattern that matches a directory matches everything below it.

/// A bad pattern in an ignore file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    #[error("line {line}: illegal exclusion pattern \"!\": hint: write !<pattern>")]
    BareExclamation { line: usize },
    #[error("line {line}: bad pattern {pattern:?}: {why}")]
    BadPattern {
        line: usize,
        pattern: String,
        why: &'static str,
    },
}

/// An ignore file that could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum LoadIgnoreError {
    #[error("read `{}`: {error}", path.display())]
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error("`{}` {error}", path.display())]
    Parse {
        path: std::path::PathBuf,
        error: IgnoreError,
    },
}

/// The parsed patterns of an ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matcher {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// The cleaned pattern text, without `!`.
    text: String,
    exception: bool,
    kind: Kind,
    /// The `/`-separated segments of `text`.
    segments: Vec<String>,
}

/// How a pattern matches, as patternmatcher decides it from the pattern's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// No wildcards: the path equals the pattern.
    Exact,
    /// `literal/**`: the path starts with `literal/`.
    Prefix(String),
    /// `**literal`: the path ends with the literal (or is it, without its leading `/`).
    Suffix(String),
    /// Anything else.
    Glob(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `*`: any run of characters but `/`.
    Star,
    /// `?`: one character but `/`.
    One,
    /// `**` in the middle followed by `/`: any number of whole directories (`(.*/)?`).
    AnyDirs,
    /// `**` at the end (after something that is not literal): anything (`.*`).
    Anything,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// Cleans a slash-separated path like Go's `path.Clean`: `.` and empty parts go, `..` removes
/// the part before it (not above a leading `/`; kept at the start of a relative path); the
/// empty result is `.`.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

impl Matcher {
    /// Parses the text of a `.dockerignore` / `.containerignore` file.
    pub fn parse(text: &str) -> Result<Matcher, IgnoreError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut matcher = Matcher::default();
        for (index, line) in text.lines().enumerate() {
            if !line.starts_with('#') {
                matcher.push(index + 1, line)?;
            }
        }
        Ok(matcher)
    }

    /// A matcher from separate patterns, as `COPY --exclude=` gives them (no comments; the
    /// "line" in an error is the pattern's 1-based position).
    pub fn from_patterns<S: AsRef<str>>(patterns: &[S]) -> Result<Matcher, IgnoreError> {
        let mut matcher = Matcher::default();
        for (index, pattern) in patterns.iter().enumerate() {
            matcher.push(index + 1, pattern.as_ref())?;
        }
        Ok(matcher)
    }

    fn push(&mut self, number: usize, line: &str) -> Result<(), IgnoreError> {
        let mut pattern = line.trim();
        if pattern.is_empty() {
            return Ok(());
        }
        let exception = pattern.starts_with('!');
        if exception {
            pattern = pattern[1..].trim();
            if pattern.is_empty() {
                return Err(IgnoreError::BareExclamation { line: number });
            }
        }
        let mut cleaned = clean_path(pattern);
        if cleaned.len() > 1 && cleaned.starts_with('/') {
            cleaned.remove(0);
        }
        let kind = compile(&cleaned).map_err(|why| IgnoreError::BadPattern {
            line: number,
            pattern: line.trim().to_string(),
            why,
        })?;
        let segments = cleaned.split('/').map(str::to_string).collect();
        self.patterns.push(Pattern {
            text: cleaned,
            exception,
            kind,
            segments,
        });
        Ok(())
    }

    /// Reads the context's ignore file as podman does: `.containerignore`, else
    /// `.dockerignore`; no file means no patterns.
    pub fn load(context: &std::path::Path) -> Result<Matcher, LoadIgnoreError> {
        for name in [".containerignore", ".dockerignore"] {
            let path = context.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    return Matcher::parse(&text)
                        .map_err(|error| LoadIgnoreError::Parse { path, error })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => return Err(LoadIgnoreError::Read { path, error }),
            }
        }
        Ok(Matcher::default())
    }

    /// Reads an ignore file named with `--ignorefile`; it must exist.
    pub fn load_file(path: &std::path::Path) -> Result<Matcher, LoadIgnoreError> {
        let text = std::fs::read_to_string(path).map_err(|error| LoadIgnoreError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Matcher::parse(&text).map_err(|error| LoadIgnoreError::Parse {
            path: path.to_path_buf(),
            error,
        })
    }

    /// True when there are no patterns at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// True when some pattern is an exception (`!`).
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// True when the path (slash-separated, relative to the context root) is excluded:
    /// the last pattern that matches it or one of its parent directories is not an exception.
    pub fn is_excluded(&self, rel_path: &str) -> bool {
        let path = clean_path(rel_path.trim_start_matches('/'));
        if path == "." {
            return false;
        }
        // The parent directories, shortest first: `a`, `a/b` for `a/b/c`.
        let parents: Vec<&str> = path
            .char_indices()
            .filter(|(_, c)| *c == '/')
            .map(|(i, _)| &path[..i])
            .collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exception only matters for an excluded path, an exclusion for an included one.
            if pattern.exception != excluded {
                continue;
            }
            let matched = pattern.matches(&path) || parents.iter().any(|p| pattern.matches(p));
            if matched {
                excluded = !pattern.exception;
            }
        }
        excluded
    }

    /// True when a walk must still look inside `rel_dir` although it is excluded, because an
    /// exception could re-include something below it (`*` then `!docs/*.md` for `docs`).
    pub fn must_walk(&self, rel_dir: &str) -> bool {
        let dir = clean_path(rel_dir.trim_start_matches('/'));
        if dir == "." {
            return true;
        }
        let dir_segments: Vec<&str> = dir.split('/').collect();
        self.patterns.iter().filter(|p| p.exception).any(|p| {
            for (i, segment) in dir_segments.iter().enumerate() {
                let Some(pattern_segment) = p.segments.get(i) else {
                    // The exception names this directory or one above it.
                    return glob_matches(&p.segments.join("/"), &dir_segments[..i].join("/"));
                };
                if pattern_segment.contains("**") {
                    return true;
                }
                if !glob_matches(pattern_segment, segment) {
                    return false;
                }
            }
            true
        })
    }
}

/// Matches one path segment (or a path) against a pattern text with the glob rules.
fn glob_matches(pattern: &str, text: &str) -> bool {
    match compile(pattern) {
        Ok(kind) => {
            let p = Pattern {
                text: pattern.to_string(),
                exception: false,
                kind,
                segments: vec![],
            };
            p.matches(text)
        }
        Err(_) => false,
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Exact => path == self.text,
            Kind::Prefix(prefix) => path.starts_with(prefix.as_str()),
            Kind::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            Kind::Glob(tokens) => {
                let chars: Vec<char> = path.chars().collect();
                match_tokens(tokens, &chars)
            }
        }
    }
}

/// Decides the match kind and tokens of a cleaned pattern, as patternmatcher does.
fn compile(pattern: &str) -> Result<Kind, &'static str> {
    #[derive(PartialEq)]
    enum Detected {
        Exact,
        Prefix,
        Suffix,
        Glob,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut detected = Detected::Exact;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let first = i == 0;
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i >= chars.len() {
                    if detected == Detected::Exact {
                        detected = Detected::Prefix;
                    } else {
                        tokens.push(Token::Anything);
                        detected = Detected::Glob;
                    }
                } else {
                    tokens.push(Token::AnyDirs);
                    detected = Detected::Glob;
                }
                if first {
                    detected = Detected::Suffix;
                }
            }
            '*' => {
                tokens.push(Token::Star);
                detected = Detected::Glob;
            }
            '?' => {
                tokens.push(Token::One);
                detected = Detected::Glob;
            }
            '\\' => match chars.get(i) {
                Some(&n) => {
                    i += 1;
                    tokens.push(Token::Literal(n));
                    detected = Detected::Glob;
                }
                None => return Err("it ends in an escape \\"),
            },
            '[' => {
                let (class, next) = parse_class(&chars, i)?;
                tokens.push(class);
                i = next;
                detected = Detected::Glob;
            }
            ']' => return Err("unmatched ]"),
            _ => tokens.push(Token::Literal(c)),
        }
    }
    Ok(match detected {
        Detected::Exact => Kind::Exact,
        Detected::Prefix => Kind::Prefix(pattern[..pattern.len() - 2].to_string()),
        Detected::Suffix => Kind::Suffix(pattern[2..].to_string()),
        Detected::Glob => Kind::Glob(tokens),
    })
}

/// Go's `path.Match` (what docker uses for COPY source globs): `*` is any run of characters
/// but `/`, `?` one character but `/`, `[...]` a class (`^` negates), `\` escapes; the whole
/// of `name` must match. A malformed pattern is an error.
pub fn path_match(pattern: &str, name: &str) -> Result<bool, &'static str> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' => tokens.push(Token::Star),
            '?' => tokens.push(Token::One),
            '\\' => match chars.get(i) {
                Some(&n) => {
                    i += 1;
                    tokens.push(Token::Literal(n));
                }
                None => return Err("it ends in an escape \\"),
            },
            '[' => {
                let (class, next) = parse_class(&chars, i)?;
                tokens.push(class);
                i = next;
            }
            _ => tokens.push(Token::Literal(c)),
        }
    }
    let text: Vec<char> = name.chars().collect();
    Ok(match_tokens(&tokens, &text))
}

/// True when the text has `*`, `?` or `[` that is not escaped: docker treats it as a glob.
pub fn has_wildcards(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// Reads a `[...]` class starting after the `[`; returns it and the index after `]`.
fn parse_class(chars: &[char], mut i: usize) -> Result<(Token, usize), &'static str> {
    let negated = matches!(chars.get(i), Some('^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("unclosed [");
        };
        i += 1;
        if c == ']' && !first {
            break;
        }
        if c == ']' {
            return Err("empty character class []");
        }
        first = false;
        let lo = if c == '\\' {
            let Some(&n) = chars.get(i) else {
                return Err("unclosed [");
            };
            i += 1;
            n
        } else {
            c
        };
        let hi = if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
            let mut hi = chars[i + 1];
            i += 2;
            if hi == '\\' {
                let Some(&n) = chars.get(i) else {
                    return Err("unclosed [");
                };
                i += 1;
                hi = n;
            }
            if hi < lo {
                return Err("bad range in character class");
            }
            hi
        } else {
            lo
        };
        ranges.push((lo, hi));
    }
    Ok((Token::Class { negated, ranges }, i))
}

/// True when the tokens match the whole of `text`. Memoised on (token, position), so a
/// pattern with many stars stays polynomial.
fn match_tokens(tokens: &[Token], text: &[char]) -> bool {
    let mut memo = vec![None; (tokens.len() + 1) * (text.len() + 1)];
    match_from(tokens, text, 0, 0, &mut memo)
}

fn match_from(
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
    let rest = &text[at..];
    let result = match tokens.get(t) {
        None => rest.is_empty(),
        Some(Token::Literal(c)) => {
            rest.first() == Some(c) && match_from(tokens, text, t + 1, at + 1, memo)
        }
        Some(Token::One) => {
            rest.first().is_some_and(|c| *c != '/') && match_from(tokens, text, t + 1, at + 1, memo)
        }
        Some(Token::Class { negated, ranges }) => {
            rest.first().is_some_and(|c| {
                let inside = ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
                inside != *negated
            }) && match_from(tokens, text, t + 1, at + 1, memo)
        }
        Some(Token::Star) => {
            let limit = rest.iter().position(|c| *c == '/').unwrap_or(rest.len());
            (0..=limit).any(|n| match_from(tokens, text, t + 1, at + n, memo))
        }
        Some(Token::Anything) => {
            (0..=rest.len()).any(|n| match_from(tokens, text, t + 1, at + n, memo))
        }
        Some(Token::AnyDirs) => {
            // Nothing, or any prefix that ends in `/`.
            match_from(tokens, text, t + 1, at, memo)
                || (0..rest.len())
                    .filter(|&i| rest[i] == '/')
                    .any(|i| match_from(tokens, text, t + 1, at + i + 1, memo))
        }
    };
    memo[slot] = Some(result);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Matcher {
        Matcher::parse(text).unwrap()
    }

    fn check(patterns: &str, cases: &[(&str, bool)]) {
        let matcher = m(patterns);
        for (path, want) in cases {
            assert_eq!(matcher.is_excluded(path), *want, "{patterns:?} on {path:?}");
        }
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_path("./a"), "a");
        assert_eq!(clean_path("a/"), "a");
        assert_eq!(clean_path("/a"), "/a");
        assert_eq!(clean_path("a//b/./c/.."), "a/b");
        assert_eq!(clean_path("../a"), "../a");
        assert_eq!(clean_path("/../a"), "/a");
        assert_eq!(clean_path(""), ".");
        assert_eq!(clean_path("a/.."), ".");
        assert_eq!(clean_path("a/../../b"), "../b");
    }

    #[test]
    fn comments_blank_lines_and_whitespace() {
        let matcher = m("# comment\n\n   \n  a  \n #b\n\t!c\n");
        assert_eq!(matcher.patterns.len(), 3);
        assert_eq!(matcher.patterns[0].text, "a");
        // Only a # in the first column starts a comment.
        assert_eq!(matcher.patterns[1].text, "#b");
        assert!(matcher.patterns[2].exception);
        assert_eq!(matcher.patterns[2].text, "c");
        assert!(m("").is_empty());
        assert!(m("\u{feff}# c\n").is_empty());
        assert!(m("!  x\n").patterns[0].exception);
    }

    #[test]
    fn pattern_cleaning() {
        check("./a\n", &[("a", true), ("a/x", true), ("b/a", false)]);
        check("/a\n", &[("a", true), ("b/a", false)]);
        check("a/\n", &[("a", true), ("a/b", true), ("ab", false)]);
        check("a/../b\n", &[("b", true), ("a", false)]);
    }

    #[test]
    fn exact_and_parent_directories() {
        check(
            "node_modules\nbuild/out\n",
            &[
                ("node_modules", true),
                ("node_modules/x/y.js", true),
                ("src/node_modules", false),
                ("build/out", true),
                ("build/out/a", true),
                ("build", false),
                ("build/other", false),
                ("./node_modules/", true),
                (".", false),
                ("", false),
            ],
        );
    }

    #[test]
    fn stars_and_questions() {
        // The docker documentation's examples.
        check(
            "*/temp*\n*/*/temp*\ntemp?\n",
            &[
                ("somedir/temporary.txt", true),
                ("somedir/temp", true),
                ("temp.txt", false),
                ("somedir/subdir/temp.txt", true),
                ("a/b/c/temp.txt", false),
                ("tempa", true),
                ("tempab", false),
                ("temp", false),
                ("temp/", false),
            ],
        );
        check("*.md\n", &[("README.md", true), ("docs/a.md", false)]);
        check("a*b\n", &[("ab", true), ("axxb", true), ("a/b", false)]);
        check("?\n", &[("a", true), ("ab", false), ("a/b", true)]);
    }

    #[test]
    fn double_star() {
        check(
            "**/*.go\n",
            &[
                ("a.go", true),
                ("x/a.go", true),
                ("x/y/z/a.go", true),
                ("a.goo", false),
            ],
        );
        check(
            "**/foo\n",
            &[
                ("foo", true),
                ("a/foo", true),
                ("a/b/foo/c", true),
                ("afoo", false),
            ],
        );
        check(
            "a/**\n",
            &[("a/b", true), ("a/b/c", true), ("a", false), ("ab", false)],
        );
        check(
            "a/**/b\n",
            &[
                ("a/b", true),
                ("a/x/b", true),
                ("a/x/y/b", true),
                ("a/xb", false),
            ],
        );
        check("**\n", &[("a", true), ("a/b", true)]);
        check(
            "a*/**\n",
            &[("ab/c", true), ("ab/c/d", true), ("b/c", false)],
        );
        // `**x` without a slash is a suffix.
        check(
            "**foo\n",
            &[
                ("foo", true),
                ("barfoo", true),
                ("x/barfoo", true),
                ("fooo", false),
            ],
        );
    }

    #[test]
    fn classes_and_escapes() {
        check("[abc].txt\n", &[("a.txt", true), ("d.txt", false)]);
        check("[a-c]x\n", &[("bx", true), ("dx", false)]);
        check("[^a-c]x\n", &[("bx", false), ("dx", true)]);
        check("\\*\n", &[("*", true), ("a", false)]);
        check("a\\?\n", &[("a?", true), ("ab", false)]);
        assert!(matches!(
            Matcher::parse("a[\n"),
            Err(IgnoreError::BadPattern { line: 1, .. })
        ));
        assert!(matches!(
            Matcher::parse("ok\na\\\n"),
            Err(IgnoreError::BadPattern { line: 2, .. })
        ));
        assert!(matches!(
            Matcher::parse("[]\n"),
            Err(IgnoreError::BadPattern { .. })
        ));
        assert_eq!(
            Matcher::parse("!\n"),
            Err(IgnoreError::BareExclamation { line: 1 })
        );
        let e = Matcher::parse("x\n[z-a]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: bad pattern \"[z-a]\": bad range in character class"
        );
    }

    #[test]
    fn exceptions_in_order() {
        // The docker documentation's example: all markdown but README files excluded.
        check(
            "*.md\n!README*.md\nREADME-secret.md\n",
            &[
                ("a.md", true),
                ("README.md", false),
                ("README-1.md", false),
                ("README-secret.md", true),
            ],
        );
        check(
            "*.md\nREADME-secret.md\n!README*.md\n",
            &[("README-secret.md", false), ("a.md", true)],
        );
        // Exceptions under an excluded directory.
        check(
            "docs\n!docs/keep.md\n",
            &[("docs", true), ("docs/a.md", true), ("docs/keep.md", false)],
        );
        // Everything but src.
        check(
            "*\n!src\n",
            &[
                ("a", true),
                ("src", false),
                ("src/x/y", false),
                ("Dockerfile", true),
            ],
        );
        check(
            "*\n!src\nsrc/tmp\n",
            &[("src/a", false), ("src/tmp/x", true)],
        );
    }

    #[test]
    fn patternmatcher_cases() {
        check(
            "**\n!util/docker/web\n",
            &[("util/docker/web/foo", false), ("util/x", true)],
        );
        check(
            "**\n!util/docker/web\nutil/docker/web/foo\n",
            &[("util/docker/web/foo", true)],
        );
        check(
            "**\n!dist/*.whl\n",
            &[(
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                false,
            )],
        );
        check("a(b)c/def\n", &[("a(b)c/def", true), ("a(b)c/xyz", false)]);
        check("a.|)$(}+{bc\n", &[("a.|)$(}+{bc", true)]);
        check("abc.def\n", &[("abc.def", true), ("abcZdef", false)]);
        check(".*\n", &[(".foo", true), ("foo", false)]);
        check("**/.foo\n", &[(".foo", true), ("bar.foo", false)]);
        check(
            "a**/*.txt\n",
            &[("a/file.txt", true), ("a/dir/dir/file.txt", true)],
        );
        check("a/*.txt**\n", &[("a/file.txt", true)]);
        check("**/file*.txt*\n", &[("dir/dir/file.txt", true)]);
        check("**/**/*.txt2\n", &[("dir/dir/file.txt", false)]);
        check("a\\\\\n", &[("a\\", true)]);
        check("a\\*b\n", &[("a*b", true), ("axb", false)]);
    }

    #[test]
    fn exclude_flag_patterns() {
        let m = Matcher::from_patterns(&["*.txt", "#literal", "!keep.txt"]).unwrap();
        assert!(m.is_excluded("a.txt"));
        assert!(!m.is_excluded("keep.txt"));
        assert!(m.is_excluded("#literal"));
        assert!(!m.is_excluded("a.md"));
        assert_eq!(
            Matcher::from_patterns(&["a", "!"]),
            Err(IgnoreError::BareExclamation { line: 2 })
        );
        assert!(Matcher::from_patterns::<&str>(&[]).unwrap().is_empty());
    }

    #[test]
    fn must_walk() {
        let matcher = m("*\n!src/**/*.rs\n!docs/keep.md\n!*/README.md\n");
        assert!(matcher.must_walk("src"));
        assert!(matcher.must_walk("src/a/b"));
        assert!(matcher.must_walk("docs"));
        assert!(!matcher.must_walk("docs/sub"));
        assert!(matcher.must_walk("anything"));
        assert!(!matcher.must_walk("anything/deeper"));
        let matcher = m("build\n!build/keep\n");
        assert!(matcher.must_walk("build"));
        assert!(!matcher.must_walk("other"));
        let matcher = m("build\n");
        assert!(!matcher.must_walk("build"));
        assert!(m("a\n!b/c\n").must_walk("."));
        // An exception that names the directory itself also means walking it.
        assert!(m("a/*\n!a/b\n").must_walk("a/b"));
    }

    #[test]
    fn go_path_match() {
        assert_eq!(path_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(path_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(path_match("*/*.txt", "d/a.txt"), Ok(true));
        assert_eq!(path_match("a?c", "abc"), Ok(true));
        assert_eq!(path_match("a?c", "a/c"), Ok(false));
        assert_eq!(path_match("[^a]b", "cb"), Ok(true));
        assert_eq!(path_match("\\*", "*"), Ok(true));
        assert_eq!(path_match("**", "a"), Ok(true));
        assert!(path_match("[", "a").is_err());
        assert!(has_wildcards("a*"));
        assert!(has_wildcards("[ab]"));
        assert!(!has_wildcards("a\\*"));
        assert!(!has_wildcards("plain/path"));
    }

    #[test]
    fn load_prefers_containerignore() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Matcher::load(dir.path()).unwrap().is_empty());
        std::fs::write(dir.path().join(".dockerignore"), "a\n").unwrap();
        assert!(Matcher::load(dir.path()).unwrap().is_excluded("a"));
        std::fs::write(dir.path().join(".containerignore"), "b\n").unwrap();
        let m = Matcher::load(dir.path()).unwrap();
        assert!(m.is_excluded("b") && !m.is_excluded("a"));
        std::fs::write(dir.path().join(".containerignore"), "[\n").unwrap();
        let e = Matcher::load(dir.path()).unwrap_err();
        assert!(
            e.to_string()
                .contains(".containerignore` line 1: bad pattern"),
            "{e}"
        );
    }

    #[test]
    fn arbitrary_patterns_never_panic() {
        let alphabet = [
            "*", "**", "?", "[", "]", "^", "-", "\\", "/", "a", "b", ".", "..", "!", "\n", " ", "é",
        ];
        let paths = ["a", "a/b", "b/a/a", ".a", "é/a", "a/b/c/d"];
        let mut seed = 0x1234_5678_9abc_def1_u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..10 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            if let Ok(m) = Matcher::parse(&text) {
                for p in paths {
                    let _ = m.is_excluded(p);
                    let _ = m.must_walk(p);
                }
            }
            let _ = path_match(&text, "a/b");
        }
    }

    #[test]
    fn many_stars_stay_fast() {
        let name = "a".repeat(200);
        check(
            &format!("{}b\n", "*a".repeat(30)),
            &[(name.as_str(), false)],
        );
        check(
            "**/**/**/**/**/x\n",
            &[("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/y", false)],
        );
    }
}
