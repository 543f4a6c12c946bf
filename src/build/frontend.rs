//! The executor's one door to the pure Dockerfile modules (`parse`, `vars`, `ignore`): every
//! call the executor makes to them goes through here, so their signatures are named once.

use super::ast::{Dockerfile, ParseError};

/// Parse Dockerfile text.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    super::parse::parse(text)
}

/// Expand `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR:+x}` and quotes in one word against `vars`
/// (later pairs win), with `vars::expand_word`.
pub fn expand(word: &str, vars: &[(String, String)]) -> Result<String, String> {
    let lookup = |name: &str| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    super::vars::expand_word(word, &lookup, '\\').map_err(|e| e.to_string())
}

/// `.dockerignore`/`.containerignore` patterns of a context.
pub struct Ignore {
    /// (negated, pattern components), in file order.
    patterns: Vec<(bool, Vec<String>)>,
}

impl Ignore {
    /// Read the context's ignore file (`.containerignore` first, then `.dockerignore`).
    pub fn load(context: &std::path::Path) -> std::io::Result<Ignore> {
        let text = [".containerignore", ".dockerignore"]
            .iter()
            .find_map(|n| std::fs::read_to_string(context.join(n)).ok())
            .unwrap_or_default();
        Ok(Ignore::parse(&text))
    }

    /// Parse ignore-file text.
    pub fn parse(text: &str) -> Ignore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (neg, pat) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let comps: Vec<String> = pat
                .split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .map(str::to_string)
                .collect();
            if !comps.is_empty() {
                patterns.push((neg, comps));
            }
        }
        Ignore { patterns }
    }

    /// Is `rel` (relative to the context, `/`-separated) left out? A pattern that matches
    /// a parent directory matches what is in it; the last matching pattern decides.
    pub fn excluded(&self, rel: &str) -> bool {
        let parts: Vec<&str> = rel
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        let mut out = false;
        for (neg, pat) in &self.patterns {
            let hit = (1..=parts.len()).any(|n| match_parts(pat, &parts[..n]));
            if hit {
                out = !neg;
            }
        }
        out
    }

    /// Is directory `rel` left out with nothing under it let back in by a `!` pattern?
    /// (Then a copy need not look inside it.)
    pub fn excluded_dir(&self, rel: &str) -> bool {
        if !self.excluded(rel) {
            return false;
        }
        let parts: Vec<&str> = rel
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        !self
            .patterns
            .iter()
            .any(|(neg, pat)| *neg && prefix_may_match(pat, &parts))
    }
}

/// Could `pat` match something under the directory `dir`?
fn prefix_may_match(pat: &[String], dir: &[&str]) -> bool {
    match (pat.first(), dir.first()) {
        (_, None) => !pat.is_empty(),
        (None, Some(_)) => false,
        (Some(p), Some(_)) if p == "**" => true,
        (Some(p), Some(d)) => {
            super::executor::glob_match(p, d) && prefix_may_match(&pat[1..], &dir[1..])
        }
    }
}

fn match_parts(pat: &[String], path: &[&str]) -> bool {
    match pat.first() {
        None => path.is_empty(),
        Some(p) if p == "**" => (0..=path.len()).any(|i| match_parts(&pat[1..], &path[i..])),
        Some(p) => {
            !path.is_empty()
                && super::executor::glob_match(p, path[0])
                && match_parts(&pat[1..], &path[1..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_expand() {
        let vars = vec![
            ("A".to_string(), "x".to_string()),
            ("E".to_string(), String::new()),
        ];
        assert_eq!(expand("$A-${A}", &vars).unwrap(), "x-x");
        assert_eq!(expand("'$A' \"$A\"", &vars).unwrap(), "$A x");
        assert_eq!(
            expand("${E:-d} ${E-d} ${N:-d} ${A:+y}", &vars).unwrap(),
            "d  d y"
        );
        assert_eq!(expand("\\$A", &vars).unwrap(), "$A");
        assert!(expand("${N:?must be set}", &vars).is_err());
        assert_eq!(expand("${A/x/y}", &vars).unwrap(), "y");
    }

    #[test]
    fn ignore_rules() {
        let ig = Ignore::parse("# c\n*.log\nbuild/\n!build/keep\n**/tmp\n");
        assert!(ig.excluded("a.log"));
        assert!(!ig.excluded("dir/a.log"));
        assert!(ig.excluded("build/x"));
        assert!(!ig.excluded("build/keep"));
        assert!(ig.excluded("a/b/tmp/c"));
        assert!(!ig.excluded("src/main.rs"));
        assert!(ig.excluded("build"));
        assert!(!ig.excluded_dir("build"), "build/keep is let back in");
        assert!(ig.excluded_dir("a/tmp"));
    }
}
