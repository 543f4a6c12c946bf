//! `berth pod create`: record the pod, then create its infra container, whose process is
//! berth's own pause (no image pull: the infra's image is a one-directory layer berth
//! imports itself, `localhost/berth-pause:VERSION`, as podman builds its `podman-pause`).

use std::ffi::OsString;

use chrono::Utc;

use crate::cli::pod::PodCreateArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::pod::{PodConfig, PodError};

/// The image of berth's own pause.
pub const PAUSE_IMAGE: &str = concat!("localhost/berth-pause:", env!("CARGO_PKG_VERSION"));

/// The namespaces members share by default (podman's, less cgroup: each member has a cgroup
/// leaf of its own, and berth joins no cgroup namespace).
const DEFAULT_SHARE: &[&str] = &["ipc", "net", "uts"];

/// Validated `pod create` options: the pod's record and the infra's `create` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodPlan {
    pub config: PodConfig,
    /// The infra container's name, or `None` with `--infra=false`.
    pub infra_name: Option<String>,
    /// Arguments of `berth create` for the infra (after `create`).
    pub infra_args: Vec<String>,
    /// The infra runs berth's pause (not an image of the user's).
    pub pause: bool,
    pub replace: bool,
    pub pod_id_file: Option<std::path::PathBuf>,
}

/// Check the options and plan the pod (pure: nothing is read or written).
pub fn plan(args: PodCreateArgs, id: &str, argv: Vec<String>) -> Result<PodPlan> {
    let name = match (&args.name, &args.pod_name) {
        (Some(n), _) | (None, Some(n)) => n.clone(),
        (None, None) => crate::storage::container::generated_name(id),
    };
    if !crate::pod::valid_name(&name) {
        return Err(Error::msg(format!(
            "invalid pod name `{name}`: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
        )));
    }
    let infra = args.infra.unwrap_or(true);
    let mut share: Vec<String> = match args.share.as_deref() {
        None => DEFAULT_SHARE.iter().map(|s| s.to_string()).collect(),
        Some("" | "none") => Vec::new(),
        Some(list) => {
            let (add, list) = match list.strip_prefix('+') {
                Some(rest) => (true, rest),
                None => (false, list),
            };
            let mut out: Vec<String> = if add {
                DEFAULT_SHARE.iter().map(|s| s.to_string()).collect()
            } else {
                Vec::new()
            };
            for ns in list.split(',').filter(|s| !s.is_empty()) {
                if !crate::pod::SHAREABLE.contains(&ns) {
                    // podman's words.
                    return Err(Error::msg(format!(
                        "invalid kernel namespace to share: {ns}. Options are: cgroup, ipc, net, pid, uts or none"
                    )));
                }
                if ns == "pid" {
                    return Err(Error::msg(
                        "berth: --share pid is not supported yet: every container is PID 1 of a PID namespace of its own",
                    ));
                }
                if !out.iter().any(|o| o == ns) {
                    out.push(ns.to_string());
                }
            }
            out
        }
    };
    // Each member has its own cgroup leaf; berth joins no cgroup namespace.
    share.retain(|s| s != "cgroup");
    share.sort();
    if !infra {
        let refuse = |flag: &str| {
            Err(Error::msg(format!(
                "invalid pod options: {flag} needs an infra container (it is set on the infra)"
            ))
            .hint("drop --infra=false"))
        };
        if !args.publish.is_empty() {
            return refuse("-p/--publish");
        }
        if !args.network.is_empty() {
            return refuse("--network");
        }
        if args.infra_image.is_some() || args.infra_command.is_some() {
            return refuse("--infra-image/--infra-command");
        }
        share.clear();
    }
    if args.infra_command.is_some() && args.infra_image.is_none() {
        return Err(Error::msg(
            "berth: --infra-command is not supported yet with berth's own pause, which runs no command",
        )
        .hint("give --infra-image IMAGE as well, to run IMAGE's command as the infra"));
    }
    let exit_policy = match args.exit_policy.as_deref() {
        None | Some("continue") => "continue".to_string(),
        Some("stop") => "stop".to_string(),
        Some(other) => {
            // podman's words.
            return Err(Error::msg(format!(
                "running pod create option: invalid pod exit policy: \"{other}\""
            ))
            .hint("the policies are continue and stop"));
        }
    };
    let labels = crate::commands::key_values(&args.label, "label")?;
    let hostname = args.hostname.clone().unwrap_or_else(|| name.clone());
    let infra_name = infra.then(|| {
        args.infra_name
            .clone()
            .unwrap_or_else(|| format!("{}-infra", &id[..12]))
    });
    let pause = args.infra_image.is_none();
    let mut infra_args: Vec<String> = Vec::new();
    if infra {
        infra_args.push("--pod-infra".into());
    }
    if let Some(n) = &infra_name {
        let mut push = |flag: &str, values: &[String]| {
            for v in values {
                infra_args.push(format!("{flag}={v}"));
            }
        };
        push("--pod", &[id.to_string()]);
        push("--name", std::slice::from_ref(n));
        push("--hostname", std::slice::from_ref(&hostname));
        push("--network", &args.network);
        push("--publish", &args.publish);
        push("--volume", &args.volume);
        push("--add-host", &args.add_host);
        push("--dns", &args.dns);
        push("--dns-search", &args.dns_search);
        push("--dns-option", &args.dns_option);
        if let Some(u) = &args.userns {
            push("--userns", std::slice::from_ref(u));
        }
        match &args.infra_image {
            None => {
                infra_args.push(PAUSE_IMAGE.to_string());
                infra_args.push("/pause".into());
            }
            Some(image) => {
                // As podman: the infra command replaces the image's entrypoint.
                if let Some(cmd) = &args.infra_command {
                    let words: Vec<&str> = cmd.split_whitespace().collect();
                    infra_args.push(format!(
                        "--entrypoint={}",
                        serde_json::to_string(&words).unwrap_or_default()
                    ));
                }
                infra_args.push(image.clone());
            }
        }
    }
    Ok(PodPlan {
        config: PodConfig {
            id: id.to_string(),
            name,
            created: Utc::now(),
            labels,
            hostname,
            share,
            infra_id: None,
            exit_policy,
            create_command: argv,
            networks: args.network.clone(),
            publish: args.publish.clone(),
        },
        infra_name,
        infra_args,
        pause,
        replace: args.replace,
        pod_id_file: args.pod_id_file,
    })
}

/// Run `berth pod create`.
pub fn execute(args: PodCreateArgs) -> Result<()> {
    let id = crate::storage::container::new_id();
    let argv: Vec<String> = std::env::args().collect();
    let plan = plan(args, &id, argv)?;
    let id = create(&plan)?;
    if let Some(file) = &plan.pod_id_file {
        std::fs::write(file, &id)
            .with_context(|| format!("write the pod id file `{}`", file.display()))?;
    }
    println!("{id}");
    Ok(())
}

/// Create the pod `plan` describes; returns its id. Nothing is left behind on failure.
pub fn create(plan: &PodPlan) -> Result<String> {
    let paths = Paths::discover().context("find berth's directories")?;
    let name = &plan.config.name;
    if plan.replace {
        if let Ok(old) = crate::pod::find(&paths.data, name) {
            if old.config.name == *name {
                super::berth_str(&["pod", "rm", "--force", "--time", "0", name.as_str()])?;
            }
        }
    }
    if plan.infra_name.is_some() && plan.pause {
        ensure_pause_image(&paths)?;
    }
    let mut pod = crate::pod::create(&paths.data, &plan.config).map_err(|e| match e {
        e @ PodError::NameInUse { .. } => Error::from_source(format!("create pod `{name}`"), e)
            .hint(format!(
                "remove it first (`berth pod rm {name}`), or use --replace"
            )),
        e => Error::from_source(format!("create pod `{name}`"), e),
    })?;
    if plan.infra_name.is_some() {
        let mut args: Vec<OsString> = vec!["create".into()];
        args.extend(plan.infra_args.iter().map(OsString::from));
        let infra = match super::berth(&args) {
            Ok(out) => out.trim().to_string(),
            Err(e) => {
                let _ = crate::pod::remove(&paths.data, &pod);
                return Err(e);
            }
        };
        pod.config.infra_id = Some(infra.clone());
        if let Err(e) = crate::pod::save(&pod) {
            let _ = crate::pod::remove(&paths.data, &pod);
            let _ = super::berth_str(&["rm", "--force", infra.as_str()]);
            return Err(Error::from_source(format!("record pod `{name}`"), e));
        }
    }
    Ok(pod.config.id)
}

/// Import berth's pause image when the store lacks it: a layer of one directory (`/etc`,
/// where berth writes nothing; the mount points are made at start).
fn ensure_pause_image(paths: &Paths) -> Result<()> {
    let present = crate::storage::Store::open_unchanged(paths)
        .ok()
        .is_some_and(|s| s.resolve_image(PAUSE_IMAGE).is_ok());
    if present {
        return Ok(());
    }
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let tar = pause_layer().context("build the pause image's layer")?;
    let file = paths
        .runtime
        .join(crate::storage::atomic::temp_name("pause-layer.tar"));
    std::fs::write(&file, tar).context("write the pause image's layer")?;
    let path = file.to_string_lossy().into_owned();
    let imported = super::berth_str(&["import", "--quiet", path.as_str(), PAUSE_IMAGE]);
    let _ = std::fs::remove_file(&file);
    imported.map(|_| ())
}

/// The pause image's layer: one directory, with fixed times, so every import makes the
/// same layer.
fn pause_layer() -> std::io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Directory);
    h.set_path("etc/")?;
    h.set_mode(0o755);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_size(0);
    h.set_cksum();
    b.append(&h, std::io::empty())?;
    b.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> PodCreateArgs {
        let argv = std::iter::once("berth pod create")
            .flat_map(|s| s.split_whitespace())
            .chain(line.split_whitespace())
            .map(OsString::from);
        match crate::cli::parse_from(argv).expect("valid").command {
            crate::cli::Command::Pod(p) => match p.command {
                crate::cli::pod::PodCommand::Create(a) => *a,
                _ => unreachable!(),
            },
            _ => unreachable!(),
        }
    }

    const ID: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_default_pod_shares_net_ipc_uts_through_a_pause_infra() {
        let p = plan(args("--name web -p 8080:80"), ID, vec![]).unwrap();
        assert_eq!(p.config.name, "web");
        assert_eq!(p.config.hostname, "web");
        assert_eq!(p.config.share, ["ipc", "net", "uts"]);
        assert_eq!(p.infra_name.as_deref(), Some("0123456789ab-infra"));
        assert!(p.pause);
        assert!(PAUSE_IMAGE.starts_with(crate::run::plan::PAUSE_IMAGE_NAME));
        assert_eq!(
            p.infra_args,
            [
                "--pod-infra",
                &format!("--pod={ID}"),
                "--name=0123456789ab-infra",
                "--hostname=web",
                "--publish=8080:80",
                PAUSE_IMAGE,
                "/pause"
            ]
        );
    }

    #[test]
    fn options_are_checked_before_anything_is_made() {
        let bad = |line: &str| plan(args(line), ID, vec![]).unwrap_err().render().unwrap();
        assert!(bad("--share net,bogus").contains("invalid kernel namespace to share: bogus"));
        assert!(bad("--share pid").contains("not supported yet"));
        assert!(bad("--infra=false -p 80").contains("needs an infra container"));
        assert!(bad("--infra-command /x").contains("--infra-image"));
        assert!(bad("--exit-policy sometimes").contains("invalid pod exit policy"));
        assert!(bad("--name Bad/name").contains("invalid pod name"));
        let p = plan(args("--infra=false x"), ID, vec![]).unwrap();
        assert_eq!(p.config.name, "x");
        assert!(p.infra_name.is_none() && p.config.share.is_empty());
        let p = plan(
            args("--share ipc --infra-image img --infra-command sleep"),
            ID,
            vec![],
        );
        let p = p.unwrap();
        assert_eq!(p.infra_args.last().map(String::as_str), Some("img"));
        assert!(p
            .infra_args
            .contains(&r#"--entrypoint=["sleep"]"#.to_string()));
        let p = plan(args("--share +cgroup"), ID, vec![]).unwrap();
        assert_eq!(p.config.share, ["ipc", "net", "uts"]);
    }
}
