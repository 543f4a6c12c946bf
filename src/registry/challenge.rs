//! `WWW-Authenticate` challenges (RFC 7235) as registries send them:
//! `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`.

/// What a registry asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// HTTP basic auth with the user's credentials.
    Basic,
    /// A token from `realm` (the distribution token protocol).
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Parse one `WWW-Authenticate` value; `None` when it is neither Basic nor a Bearer with a
/// realm. Several challenges in one value: the first Bearer wins, else Basic.
pub fn parse(header: &str) -> Option<Challenge> {
    let mut found: Option<Challenge> = None;
    for (scheme, params) in split_challenges(header) {
        if scheme.eq_ignore_ascii_case("bearer") {
            let get = |k: &str| {
                params
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.clone())
            };
            let realm = get("realm").filter(|r| !r.is_empty())?;
            return Some(Challenge::Bearer {
                realm,
                service: get("service"),
                scope: get("scope"),
            });
        }
        if scheme.eq_ignore_ascii_case("basic") && found.is_none() {
            found = Some(Challenge::Basic);
        }
    }
    found
}

type Params = Vec<(String, String)>;

/// Split `Scheme a=b, c="d, e", Other f=g` into schemes with their parameters.
fn split_challenges(header: &str) -> Vec<(String, Params)> {
    let mut out: Vec<(String, Params)> = Vec::new();
    let mut chars = header.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut token = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            token.push(c);
            chars.next();
        }
        if token.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                chars.next();
            }
            let mut value = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                value.push(n);
                            }
                        }
                        '"' => break,
                        _ => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' || c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
            match out.last_mut() {
                Some((_, params)) => params.push((token, value)),
                None => out.push((String::new(), vec![(token, value)])),
            }
        } else {
            out.push((token, Vec::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_with_all_params() {
        let c = parse(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        );
        assert_eq!(
            c,
            Some(Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:samalba/my-app:pull,push".into()),
            })
        );
    }

    #[test]
    fn basic_and_spacing_and_case() {
        assert_eq!(
            parse(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse("basic"), Some(Challenge::Basic));
        let c = parse(r#"bearer  realm = "http://127.0.0.1:1/t" , service=reg"#).unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "http://127.0.0.1:1/t".into(),
                service: Some("reg".into()),
                scope: None
            }
        );
    }

    #[test]
    fn escapes_and_multiple_challenges() {
        let c = parse(r#"Basic realm="a, \"b\"", Bearer realm="r",scope="x""#).unwrap();
        assert_eq!(
            c,
            Challenge::Bearer {
                realm: "r".into(),
                service: None,
                scope: Some("x".into())
            }
        );
    }

    #[test]
    fn unusable_challenges() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("Bearer service=x"), None);
        assert_eq!(parse(r#"Negotiate abc"#), None);
        assert_eq!(parse("=x"), None);
    }
}
