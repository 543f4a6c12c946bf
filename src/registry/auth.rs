//! Authentication: the ping that finds the scheme and the challenge, `login`'s check, and
//! the `Authorization` value for a request (basic credentials, or a bearer token fetched from
//! the challenge's realm and cached per scope).

use std::time::{Duration, Instant};

use ureq::http::{Method, Response};
use ureq::Body;

use super::challenge::{self, Challenge};
use super::client::{encode, header, redact, Client, ReqBody, Token, MAX_MANIFEST};
use super::RegistryError;

impl Client {
    /// `GET /v2/`: find the scheme (HTTPS, or HTTP where allowed) and the auth challenge.
    pub fn ping(&self) -> Result<(), RegistryError> {
        let schemes: &[&str] = if self.allow_http() {
            &["https", "http"]
        } else {
            &["https"]
        };
        let mut last: Option<ureq::Error> = None;
        for scheme in schemes {
            let url = format!("{scheme}://{}/v2/", self.host);
            let resp = match self.with_retries(true, |_| {
                let r = self.execute(&Method::GET, &url, &[], None, &mut ReqBody::Empty)?;
                let status = r.status().as_u16();
                if status >= 500 || status == 429 {
                    // Transient: retried, and the error if it stays so.
                    return Err(RegistryError::Status {
                        method: "GET".into(),
                        url: redact(&url),
                        status,
                        detail: String::new(),
                    });
                }
                Ok(r)
            }) {
                Ok(r) => r,
                Err(RegistryError::Transport { source, .. }) => {
                    last = Some(source);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let status = resp.status().as_u16();
            // Like containers-image, take a challenge from a 200 as well as from a 401.
            let challenge = match status {
                200..=299 => header(&resp, "www-authenticate").and_then(|h| challenge::parse(&h)),
                401 => Some(
                    header(&resp, "www-authenticate")
                        .and_then(|h| challenge::parse(&h))
                        .unwrap_or(Challenge::Basic),
                ),
                _ => {
                    return Err(RegistryError::NotRegistry {
                        registry: self.registry.clone(),
                        status,
                    })
                }
            };
            let mut st = self.lock();
            st.base = Some(format!("{scheme}://{}", self.host));
            st.challenge = challenge;
            return Ok(());
        }
        Err(RegistryError::Connect {
            registry: self.registry.clone(),
            source: last.unwrap_or(ureq::Error::ConnectionFailed),
        })
    }

    /// Check the client's credentials the way `login` needs: ping, then authenticate
    /// without touching a repository (basic auth on `/v2/`, or a token without a scope).
    /// A registry that asks for no authentication accepts any credentials.
    pub fn check_login(&self) -> Result<(), RegistryError> {
        let base = self.base()?;
        let challenge = self.lock().challenge.clone();
        match challenge {
            None => Ok(()),
            Some(Challenge::Bearer { realm, service, .. }) => self
                .fetch_token(&realm, service.as_deref(), &[])
                .map(|_| ()),
            Some(Challenge::Basic) => {
                let url = format!("{base}/v2/");
                let resp = self.send(Method::GET, &url, &[], &[], ReqBody::Empty)?;
                match resp.status().as_u16() {
                    200..=299 => Ok(()),
                    _ => Err(self.status_error(&Method::GET, &url, "", resp)),
                }
            }
        }
    }

    /// After a 401: take the new challenge, forget the token, and say whether to try again.
    pub(super) fn reauth(&self, resp: &Response<Body>, scopes: &[String], sent_auth: bool) -> bool {
        let fresh = header(resp, "www-authenticate").and_then(|h| challenge::parse(&h));
        let mut st = self.lock();
        if let Some(c) = fresh {
            st.challenge = Some(c);
        }
        st.tokens.remove(&scopes.join(" "));
        match &st.challenge {
            Some(Challenge::Bearer { .. }) => true,
            Some(Challenge::Basic) => !sent_auth && self.opts.credential.is_some(),
            None => false,
        }
    }

    /// The `Authorization` value for `scopes`, fetching a token when needed.
    pub(super) fn authorization(&self, scopes: &[String]) -> Result<Option<String>, RegistryError> {
        let key = scopes.join(" ");
        let challenge = {
            let st = self.lock();
            if let Some(t) = st.tokens.get(&key) {
                if t.expires > Instant::now() {
                    return Ok(Some(format!("Bearer {}", t.value)));
                }
            }
            st.challenge.clone()
        };
        match challenge {
            None => Ok(None),
            Some(Challenge::Basic) => Ok(self
                .opts
                .credential
                .as_ref()
                .map(|c| format!("Basic {}", c.basic_token()))),
            Some(Challenge::Bearer { realm, service, .. }) => {
                let token = self.fetch_token(&realm, service.as_deref(), scopes)?;
                let value = format!("Bearer {}", token.value);
                self.lock().tokens.insert(key, token);
                Ok(Some(value))
            }
        }
    }

    /// GET the realm with `service` and `scope` parameters (and basic credentials if any).
    pub(super) fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scopes: &[String],
    ) -> Result<Token, RegistryError> {
        let mut query: Vec<String> = Vec::new();
        if let Some(c) = &self.opts.credential {
            query.push(format!("account={}", encode(&c.username)));
        }
        if let Some(s) = service {
            query.push(format!("service={}", encode(s)));
        }
        for s in scopes {
            query.push(format!("scope={}", encode(s)));
        }
        let sep = if realm.contains('?') { '&' } else { '?' };
        let url = if query.is_empty() {
            realm.to_string()
        } else {
            format!("{realm}{sep}{}", query.join("&"))
        };
        let auth = self
            .opts
            .credential
            .as_ref()
            .map(|c| format!("Basic {}", c.basic_token()));
        let started = Instant::now();
        let resp = self.with_retries(true, |_| {
            let r = self.execute(
                &Method::GET,
                &url,
                &[("accept", "application/json".into())],
                auth.as_deref(),
                &mut ReqBody::Empty,
            )?;
            if r.status().as_u16() >= 500 {
                return Err(RegistryError::TokenStatus {
                    registry: self.registry.clone(),
                    realm: redact(realm),
                    status: r.status().as_u16(),
                });
            }
            Ok(r)
        })?;
        let status = resp.status().as_u16();
        if status == 401 {
            let repository = scopes
                .first()
                .and_then(|s| s.split(':').nth(1))
                .unwrap_or("")
                .to_string();
            let registry = self.registry.clone();
            return Err(if self.opts.credential.is_some() {
                RegistryError::BadCredentials {
                    registry,
                    repository,
                    status,
                }
            } else {
                RegistryError::Unauthorized {
                    registry,
                    repository,
                    status,
                }
            });
        }
        let bad = |message: String| RegistryError::TokenResponse {
            registry: self.registry.clone(),
            realm: redact(realm),
            message,
        };
        if status != 200 {
            return Err(RegistryError::TokenStatus {
                registry: self.registry.clone(),
                realm: redact(realm),
                status,
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenJson {
            token: Option<String>,
            access_token: Option<String>,
            expires_in: Option<i64>,
        }
        let body = resp
            .into_body()
            .with_config()
            .limit(MAX_MANIFEST)
            .read_to_vec()
            .map_err(|_| bad("the response could not be read".into()))?;
        let parsed: TokenJson =
            serde_json::from_slice(&body).map_err(|_| bad("the response is not JSON".into()))?;
        let value = parsed
            .token
            .filter(|t| !t.is_empty())
            .or(parsed.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| bad("the response has no token".into()))?;
        // The spec's default lifetime is 60 s; keep a margin so a token does not expire in
        // flight.
        let secs = parsed.expires_in.unwrap_or(60).max(1).unsigned_abs();
        let life = Duration::from_secs(secs);
        let margin = (life / 10).min(Duration::from_secs(10));
        Ok(Token {
            value,
            expires: started + life - margin,
        })
    }
}
