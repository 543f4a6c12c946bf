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

/// `.dockerignore`/`.containerignore` patterns of a context (`ignore::Matcher`).
pub struct Ignore {
    matcher: super::ignore::Matcher,
}

impl Ignore {
    /// Read `file` (`--ignorefile`), else the context's ignore file (`.containerignore`
    /// first, then `.dockerignore`).
    pub fn load(
        context: &std::path::Path,
        file: Option<&std::path::Path>,
    ) -> Result<Ignore, super::ignore::LoadIgnoreError> {
        let matcher = match file {
            Some(f) => super::ignore::Matcher::load_file(f)?,
            None => super::ignore::Matcher::load(context)?,
        };
        Ok(Ignore { matcher })
    }

    /// Parse ignore-file text.
    pub fn parse(text: &str) -> Result<Ignore, super::ignore::IgnoreError> {
        Ok(Ignore {
            matcher: super::ignore::Matcher::parse(text)?,
        })
    }

    /// Is `rel` (relative to the context, `/`-separated) left out?
    pub fn excluded(&self, rel: &str) -> bool {
        self.matcher.is_excluded(rel)
    }

    /// Is directory `rel` left out with nothing under it let back in by a `!` pattern?
    /// (Then a copy need not look inside it.)
    pub fn excluded_dir(&self, rel: &str) -> bool {
        self.matcher.is_excluded(rel) && !self.matcher.must_walk(rel)
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
        let ig = Ignore::parse("# c\n*.log\nbuild/\n!build/keep\n**/tmp\n").unwrap();
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
