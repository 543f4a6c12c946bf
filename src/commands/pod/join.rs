//! `run/create --pod NAME|new:NAME`: a member's options, with the namespaces its pod shares
//! turned into `container:INFRA` joins (the same path as `--network container:X`,
//! `--ipc container:X` and `--uts container:X`), and the pod's volumes (`--volume` of `pod
//! create`, on the infra) as `--volumes-from`.

use crate::cli::run::RunArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::spec::{IpcMode, NetworkMode, RunOptions, UtsMode};

/// What a member's command line set itself, which a pod that shares the namespace refuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    pub network: bool,
    pub publish: bool,
    pub hostname: bool,
    pub ipc: bool,
    pub uts: bool,
}

impl Asked {
    /// Read them off the command line.
    pub fn of(args: &RunArgs) -> Self {
        Asked {
            network: !args.network.is_empty(),
            publish: !args.publish.is_empty() || args.publish_all,
            hostname: args.hostname.is_some(),
            ipc: args.ipc.is_some(),
            uts: args.uts.is_some(),
        }
    }
}

/// The pod name in `--pod new:NAME` or `--pod NAME`.
pub fn pod_key(text: &str) -> &str {
    text.strip_prefix("new:").unwrap_or(text)
}

/// P0, before the member's options are read: `--pod new:NAME` creates the pod (refused
/// when it exists, as podman does).
pub fn create_new_pod(args: &RunArgs) -> Result<()> {
    let Some(name) = args.pod.as_deref().and_then(|p| p.strip_prefix("new:")) else {
        return Ok(());
    };
    let paths = Paths::discover().context("find berth's directories")?;
    if crate::pod::find(&paths.data, name).is_ok_and(|p| p.config.name == name) {
        return Err(
            Error::msg(format!("--pod new:{name}: pod `{name}` already exists"))
                .hint(format!("use --pod {name} to join it")),
        );
    }
    // `--hostname` names the new pod's hostname (then the member's matches it).
    match &args.hostname {
        Some(h) => super::berth_str(&["pod", "create", "--name", name, "--hostname", h.as_str()])?,
        None => super::berth_str(&["pod", "create", "--name", name])?,
    };
    Ok(())
}

/// Resolve `--pod` in `opts`: record the pod's id, and join what it shares.
pub fn apply(opts: &mut RunOptions, asked: Asked) -> Result<()> {
    let Some(key) = opts.extras.pod.clone() else {
        return Ok(());
    };
    let paths = Paths::discover().context("find berth's directories")?;
    let pod = crate::pod::find(&paths.data, pod_key(&key)).map_err(super::lookup_error)?;
    opts.extras.pod = Some(pod.config.id.clone());
    // The infra itself, while `pod create` makes it.
    let Some(infra) = pod.config.infra_id.clone() else {
        return Ok(());
    };
    if opts.extras.infra {
        return Ok(());
    }
    let infra_ctr = crate::storage::container::find(&paths.data, &infra).ok();
    let host_net = infra_ctr
        .as_ref()
        .is_some_and(|c| c.config.options.network == NetworkMode::Host);
    join(opts, asked, &pod.config, &infra)?;
    if host_net && pod.config.shares("net") {
        // The infra's network is the host's: members take it as they would.
        opts.network = NetworkMode::Host;
    }
    if let Some(ctr) = infra_ctr {
        let o = &ctr.config.options;
        if !o.volumes.is_empty() || !o.named_volumes.is_empty() {
            crate::commands::run::add_volumes_from(opts, &[infra])?;
        }
    }
    Ok(())
}

/// The pure part of [`apply`]: the namespaces of `infra` that the pod shares.
pub fn join(
    opts: &mut RunOptions,
    asked: Asked,
    pod: &crate::pod::PodConfig,
    infra: &str,
) -> Result<()> {
    let refuse = |what: &str| {
        Err(Error::msg(format!(
            "invalid config provided: {what} when the pod `{}` shares it",
            pod.name
        )))
    };
    if pod.shares("net") {
        if asked.publish {
            return refuse("published ports must be defined when the pod is created: network cannot be configured");
        }
        if asked.network {
            return refuse(
                "networks must be defined when the pod is created: network cannot be configured",
            );
        }
        opts.network = NetworkMode::Container(infra.to_string());
        opts.user_networks.clear();
        opts.network_opts.clear();
    }
    if pod.shares("ipc") {
        if asked.ipc {
            return refuse("--ipc cannot be set");
        }
        opts.extras.ipc = IpcMode::Container(infra.to_string());
    }
    if pod.shares("uts") {
        let same = opts.hostname.as_deref() == Some(pod.hostname.as_str());
        if (asked.hostname && !same) || asked.uts {
            // podman's words, which its tests match.
            return Err(Error::msg(
                "invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration",
            ));
        }
        opts.extras.uts = UtsMode::Container(infra.to_string());
        opts.hostname = Some(pod.hostname.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(share: &[&str]) -> crate::pod::PodConfig {
        crate::pod::PodConfig {
            name: "p".into(),
            hostname: "ph".into(),
            share: share.iter().map(|s| s.to_string()).collect(),
            infra_id: Some("i".repeat(64)),
            ..Default::default()
        }
    }

    #[test]
    fn members_join_what_the_pod_shares() {
        let infra = "i".repeat(64);
        let mut o = RunOptions::default();
        join(
            &mut o,
            Asked::default(),
            &pod(&["ipc", "net", "uts"]),
            &infra,
        )
        .unwrap();
        assert_eq!(o.network, NetworkMode::Container(infra.clone()));
        assert_eq!(o.extras.ipc, IpcMode::Container(infra.clone()));
        assert_eq!(o.extras.uts, UtsMode::Container(infra.clone()));
        assert_eq!(o.hostname.as_deref(), Some("ph"));
        let mut o = RunOptions::default();
        join(&mut o, Asked::default(), &pod(&["ipc"]), &infra).unwrap();
        assert_eq!(o.network, NetworkMode::None);
        assert_eq!(o.extras.uts, UtsMode::Private);
    }

    #[test]
    fn a_member_cannot_publish_or_rename_what_it_shares() {
        let infra = "i".repeat(64);
        for asked in [
            Asked {
                publish: true,
                ..Asked::default()
            },
            Asked {
                network: true,
                ..Asked::default()
            },
            Asked {
                hostname: true,
                ..Asked::default()
            },
        ] {
            let mut o = RunOptions::default();
            let e = join(&mut o, asked, &pod(&["ipc", "net", "uts"]), &infra).unwrap_err();
            assert!(e
                .render()
                .unwrap()
                .starts_with("Error: invalid config provided"));
        }
        assert_eq!(pod_key("new:x"), "x");
        assert_eq!(pod_key("x"), "x");
    }
}
