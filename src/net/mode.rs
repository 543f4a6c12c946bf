//! `--network`'s syntax: the text podman takes, parsed into the spec's `NetworkMode`.

use crate::spec::{NetworkMode, PastaOptions, SlirpOptions};

use super::slirp::SlirpOptionError;

/// A `--network` value berth cannot use.
#[derive(Debug, thiserror::Error)]
pub enum NetworkModeError {
    #[error(
        "invalid --network `{0}`: expected pasta[:OPTIONS], slirp4netns[:OPTIONS], private, none, host, container:NAME, ns:PATH, bridge, or the names of networks made with `berth network create`"
    )]
    Invalid(String),
    #[error("no network helper: neither pasta nor slirp4netns is installed (hint: sudo apt-get install passt, or use --network none)")]
    NoHelper,
    #[error(transparent)]
    Slirp(SlirpOptionError),
    #[error("invalid {flag} `{value}`: {reason}")]
    Flag {
        flag: &'static str,
        value: String,
        reason: &'static str,
    },
}

impl NetworkMode {
    /// Parse `--network`; no value (or podman's `private`: a namespace of the container's
    /// own) is the default helper, which `default` finds (pasta, else slirp4netns) only
    /// when it is needed.
    pub fn parse(
        value: Option<&str>,
        default: impl FnOnce() -> Option<&'static str>,
    ) -> Result<Self, NetworkModeError> {
        let text = match value {
            None | Some("private") => default().ok_or(NetworkModeError::NoHelper)?,
            Some(v) => v,
        };
        let (kind, rest) = match text.split_once(':') {
            Some((k, r)) => (k, Some(r)),
            None => (text, None),
        };
        let err = || NetworkModeError::Invalid(text.to_string());
        Ok(match (kind, rest) {
            ("none", None) => NetworkMode::None,
            ("host", None) => NetworkMode::Host,
            ("pasta", rest) => NetworkMode::Pasta(PastaOptions::parse(rest.unwrap_or(""))),
            ("slirp4netns", rest) => NetworkMode::Slirp4netns(
                SlirpOptions::parse(rest.unwrap_or("")).map_err(NetworkModeError::Slirp)?,
            ),
            ("container", Some(c)) if !c.is_empty() => NetworkMode::Container(c.to_string()),
            ("ns", Some(p)) if p.starts_with('/') => NetworkMode::Ns(p.into()),
            ("ns", _) => {
                return Err(NetworkModeError::Flag {
                    flag: "--network",
                    value: text.to_string(),
                    reason: "expected ns:PATH with an absolute path, such as ns:/proc/1234/ns/net",
                })
            }
            (list, None) if user_networks(list).is_some() => NetworkMode::Bridge,
            // One user network with options (`NAME:alias=A,ip=…`), checked with the options.
            (name, Some(_)) if user_networks(name).is_some_and(|v| v.len() == 1) => {
                NetworkMode::Bridge
            }
            _ => return Err(err()),
        })
    }
}

/// The user networks of `--network NAME[,NAME2]` (deduplicated, in order), or `None` when
/// the text is not such a list. `bridge` is podman's default network, `podman`; the names
/// of the other modes are not network names here.
pub fn user_networks(text: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for name in text.split(',') {
        let name = if name == "bridge" {
            super::bridge::store::DEFAULT_NAME
        } else {
            name
        };
        if matches!(
            name,
            "none" | "host" | "pasta" | "slirp4netns" | "private" | "container" | "ns"
        ) || !super::bridge::store::valid_name(name)
        {
            return None;
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Some(out)
}
