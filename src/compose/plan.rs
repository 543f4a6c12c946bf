//! What `berth compose` runs, as pure data: the names of a project's networks, volumes,
//! images and containers, the order services start in, and the berth command line
//! (`run -d …`, `network create …`, `build …`) for each. The `config-hash` label is the
//! digest of a service's command line and image id, so `up` recreates only what changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::load::Project;
use super::model::{Condition, Mount, MountLong, Port, Service, StringOrList, Ulimit};
use super::ComposeError;

pub const LABEL_PROJECT: &str = "com.docker.compose.project";
pub const LABEL_SERVICE: &str = "com.docker.compose.service";
pub const LABEL_NUMBER: &str = "com.docker.compose.container-number";
pub const LABEL_HASH: &str = "com.docker.compose.config-hash";
pub const LABEL_ONEOFF: &str = "com.docker.compose.oneoff";
pub const LABEL_WORKDIR: &str = "com.docker.compose.project.working_dir";
pub const LABEL_FILES: &str = "com.docker.compose.project.config_files";
pub const LABEL_NETWORK: &str = "com.docker.compose.network";
pub const LABEL_VOLUME: &str = "com.docker.compose.volume";

/// The volume key a service mount names (`data:/d`, `{type: volume, source: data}`), or
/// `None` for binds, tmpfs and anonymous volumes.
pub fn named_volume(m: &Mount) -> Option<String> {
    match m {
        Mount::Short(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            let src = parts.first().copied().filter(|_| parts.len() >= 2)?;
            is_volume_name(src).then(|| src.to_string())
        }
        Mount::Long(l) => (l.kind == "volume")
            .then(|| l.source.clone())
            .flatten()
            .filter(|s| !s.is_empty()),
    }
}

fn is_volume_name(src: &str) -> bool {
    !(src.starts_with('.') || src.starts_with('/') || src.starts_with('~') || src.is_empty())
}

/// The real name of a network (`<project>_<key>`, or its `name:`).
pub fn network_name(project: &Project, key: &str) -> String {
    match project.model.networks.get(key) {
        Some(n) if n.name.is_some() => n.name.clone().unwrap_or_default(),
        Some(n) if n.external => key.to_string(),
        _ => format!("{}_{key}", project.name),
    }
}

/// The real name of a named volume.
pub fn volume_name(project: &Project, key: &str) -> String {
    match project.model.volumes.get(key) {
        Some(v) if v.name.is_some() => v.name.clone().unwrap_or_default(),
        Some(v) if v.external => key.to_string(),
        _ => format!("{}_{key}", project.name),
    }
}

/// A service's image: its `image`, or `<project>-<service>` for one that is built.
pub fn image_name(project: &Project, service: &str) -> String {
    let svc = &project.model.services[service];
    svc.image
        .clone()
        .unwrap_or_else(|| format!("{}-{service}", project.name))
}

/// Replica `number`'s container name: `container_name`, or `<project>-<service>-<n>`.
pub fn container_name(project: &Project, service: &str, number: u32) -> String {
    match &project.model.services[service].container_name {
        Some(n) => n.clone(),
        None => format!("{}-{service}-{number}", project.name),
    }
}

/// The networks a service is on (`default` when it names none and has no network_mode).
pub fn service_networks(svc: &Service) -> Vec<String> {
    if svc.network_mode.is_some() {
        return Vec::new();
    }
    if svc.networks.is_empty() {
        vec!["default".to_string()]
    } else {
        svc.networks.keys().cloned().collect()
    }
}

/// The networks the project uses (each service's, `default` included when used).
pub fn used_networks(project: &Project) -> BTreeSet<String> {
    project
        .model
        .services
        .values()
        .flat_map(service_networks)
        .collect()
}

/// How many replicas of a service: `--scale`, `scale`, `deploy.replicas`, else 1.
pub fn replicas(svc: &Service, scale: Option<u32>) -> u32 {
    scale
        .or(svc.scale)
        .or(svc.deploy.as_ref().and_then(|d| d.replicas))
        .unwrap_or(1)
}

/// The services in start order: every service after what it depends on, ties by name.
pub fn order(project: &Project) -> Vec<String> {
    let services = &project.model.services;
    let mut done: Vec<String> = Vec::new();
    let mut left: BTreeSet<&String> = services.keys().collect();
    while !left.is_empty() {
        let ready: Vec<&String> = left
            .iter()
            .filter(|n| {
                services[n.as_str()]
                    .depends_on
                    .keys()
                    .all(|d| done.contains(d) || !services.contains_key(d))
            })
            .copied()
            .collect();
        if ready.is_empty() {
            // A cycle (refused at load): keep the rest in name order.
            done.extend(left.iter().map(|s| (*s).clone()));
            break;
        }
        for r in ready {
            left.remove(r);
            done.push(r.clone());
        }
    }
    done
}

/// The services `targets` need, with them (all when `targets` is empty), in start order.
pub fn with_dependencies(project: &Project, targets: &[String], no_deps: bool) -> Vec<String> {
    if targets.is_empty() {
        return order(project);
    }
    let mut want: BTreeSet<String> = targets.iter().cloned().collect();
    if !no_deps {
        loop {
            let more: BTreeSet<String> = want
                .iter()
                .filter_map(|s| project.model.services.get(s))
                .flat_map(|s| s.depends_on.keys().cloned())
                .filter(|d| !want.contains(d))
                .collect();
            if more.is_empty() {
                break;
            }
            want.extend(more);
        }
    }
    order(project)
        .into_iter()
        .filter(|s| want.contains(s))
        .collect()
}

/// The dependencies to wait for before a service starts, with their condition.
pub fn waits(svc: &Service) -> Vec<(String, Condition, bool)> {
    svc.depends_on
        .iter()
        .map(|(n, d)| (n.clone(), d.condition, d.required))
        .collect()
}

/// Split a command string as a POSIX shell would split words (quotes and backslashes; no
/// expansion), as docker compose does for a string `command` or `entrypoint`.
pub fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(format!("unterminated quote in `{text}`")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err(format!("unterminated quote in `{text}`")),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(format!("unterminated quote in `{text}`")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

fn words(v: &StringOrList) -> Result<Vec<String>, String> {
    match v {
        StringOrList::String(s) => split_words(s),
        StringOrList::List(l) => Ok(l.clone()),
    }
}

/// What is wrong with one key of a service.
fn key_err(project: &Project, service: &str, key: &str, message: String) -> ComposeError {
    ComposeError::Key {
        path: project.files[0].clone(),
        key: format!("services.{service}.{key}"),
        message,
    }
}

fn host_path(project: &Project, src: &str) -> String {
    let p = if let Some(rest) = src.strip_prefix("~/") {
        std::env::var_os("HOME").map_or_else(|| PathBuf::from(src), |h| PathBuf::from(h).join(rest))
    } else {
        Path::new(src).to_path_buf()
    };
    let abs = if p.is_absolute() {
        p
    } else {
        project.dir.join(p)
    };
    // `./x` and `a/../b` read as the plain path.
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean.display().to_string()
}

/// The host directories a service's binds need that `up` creates when missing, as docker
/// compose does: those of the short syntax, and long ones with `bind.create_host_path`.
pub fn host_dirs(project: &Project, service: &str) -> Vec<PathBuf> {
    let svc = &project.model.services[service];
    let mut out = Vec::new();
    for m in &svc.volumes {
        let src = match m {
            Mount::Short(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                match parts.first() {
                    Some(src) if parts.len() >= 2 && !is_volume_name(src) => {
                        Some((*src).to_string())
                    }
                    _ => None,
                }
            }
            Mount::Long(l)
                if l.kind == "bind"
                    && l.bind.as_ref().and_then(|b| b.create_host_path) == Some(true) =>
            {
                l.source.clone()
            }
            Mount::Long(_) => None,
        };
        if let Some(src) = src {
            out.push(PathBuf::from(host_path(project, &src)));
        }
    }
    out
}

/// A service mount as a `-v` or `--tmpfs` flag.
fn mount_flag(
    project: &Project,
    service: &str,
    i: usize,
    m: &Mount,
) -> Result<[String; 2], ComposeError> {
    let long = match m {
        Mount::Short(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            match parts.as_slice() {
                [target] => return Ok(["-v".into(), (*target).to_string()]),
                [src, rest @ ..] => {
                    let rest = rest.join(":");
                    let src = if is_volume_name(src) {
                        volume_name(project, src)
                    } else {
                        host_path(project, src)
                    };
                    return Ok(["-v".into(), format!("{src}:{rest}")]);
                }
                [] => unreachable!("split yields at least one part"),
            }
        }
        Mount::Long(l) => l,
    };
    let MountLong {
        kind,
        source,
        target,
        read_only,
        tmpfs,
        ..
    } = long;
    let ro = if read_only.unwrap_or(false) {
        ":ro"
    } else {
        ""
    };
    Ok(match kind.as_str() {
        "volume" => match source.as_deref().filter(|s| !s.is_empty()) {
            Some(src) => [
                "-v".into(),
                format!("{}:{target}{ro}", volume_name(project, src)),
            ],
            None => ["-v".into(), target.clone()],
        },
        "bind" => {
            let src = source.as_deref().ok_or_else(|| {
                key_err(
                    project,
                    service,
                    &format!("volumes[{i}]"),
                    "a bind mount needs a source".into(),
                )
            })?;
            [
                "-v".into(),
                format!("{}:{target}{ro}", host_path(project, src)),
            ]
        }
        "tmpfs" => {
            let mut opts = Vec::new();
            if let Some(t) = tmpfs {
                if let Some(size) = &t.size {
                    opts.push(format!("size={size}"));
                }
                if let Some(mode) = &t.mode {
                    opts.push(format!("mode={mode}"));
                }
            }
            let flag = if opts.is_empty() {
                target.clone()
            } else {
                format!("{target}:{}", opts.join(","))
            };
            ["--tmpfs".into(), flag]
        }
        other => {
            return Err(key_err(
                project,
                service,
                &format!("volumes[{i}].type"),
                format!("mount type `{other}` is not supported yet by berth compose"),
            ))
        }
    })
}

fn port_flag(p: &Port) -> String {
    match p {
        Port::Short(s) => s.clone(),
        Port::Long(l) => {
            let mut s = String::new();
            if let Some(ip) = &l.host_ip {
                s.push_str(ip);
                s.push(':');
            }
            match &l.published {
                Some(p) => {
                    s.push_str(p);
                    s.push(':');
                }
                None if l.host_ip.is_some() => s.push(':'),
                None => {}
            }
            s.push_str(&l.target);
            if let Some(proto) = &l.protocol {
                s.push('/');
                s.push_str(proto);
            }
            s
        }
    }
}

/// The berth flags, image and command for a service: everything except the names and
/// labels that differ per container. The config hash is taken over these.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceArgs {
    pub flags: Vec<String>,
    pub image: String,
    pub command: Vec<String>,
}

pub fn service_args(project: &Project, service: &str) -> Result<ServiceArgs, ComposeError> {
    let svc = &project.model.services[service];
    let err = |key: &str, message: String| key_err(project, service, key, message);
    let mut f: Vec<String> = Vec::new();
    let mut flag = |name: &str, value: String| {
        f.push(name.to_string());
        f.push(value);
    };
    for (k, v) in &svc.labels {
        flag("--label", format!("{k}={v}"));
    }
    for (k, v) in &svc.annotations {
        flag("--annotation", format!("{k}={v}"));
    }
    for (k, v) in &svc.environment {
        match v {
            Some(v) => flag("-e", format!("{k}={v}")),
            None => flag("-e", k.clone()),
        }
    }
    match &svc.network_mode {
        Some(mode) => {
            let mode = match mode.strip_prefix("service:") {
                Some(other) => {
                    if !project.model.services.contains_key(other) {
                        return Err(err(
                            "network_mode",
                            format!("refers to undefined service `{other}`"),
                        ));
                    }
                    format!("container:{}", container_name(project, other, 1))
                }
                None => mode.clone(),
            };
            flag("--network", mode);
        }
        None => {
            for key in service_networks(svc) {
                let mut opts = vec![format!("alias={service}")];
                if let Some(n) = svc.networks.get(&key) {
                    opts.extend(n.aliases.iter().map(|a| format!("alias={a}")));
                    if let Some(ip) = &n.ipv4_address {
                        opts.push(format!("ip={ip}"));
                    }
                    if let Some(ip) = &n.ipv6_address {
                        opts.push(format!("ip6={ip}"));
                    }
                    if let Some(mac) = &n.mac_address {
                        opts.push(format!("mac={mac}"));
                    }
                }
                flag(
                    "--network",
                    format!("{}:{}", network_name(project, &key), opts.join(",")),
                );
            }
        }
    }
    for p in &svc.ports {
        flag("-p", port_flag(p));
    }
    for e in &svc.expose {
        flag("--expose", e.clone());
    }
    for (i, m) in svc.volumes.iter().enumerate() {
        let [name, value] = mount_flag(project, service, i, m)?;
        flag(&name, value);
    }
    for v in &svc.volumes_from {
        let (src, mode) = match v.split_once(':') {
            Some(("container", rest)) => (
                rest.split(':').next().unwrap_or_default().to_string(),
                rest.split_once(':').map(|(_, m)| m.to_string()),
            ),
            Some((s, m)) => (container_name(project, s, 1), Some(m.to_string())),
            None => (container_name(project, v, 1), None),
        };
        flag(
            "--volumes-from",
            match mode {
                Some(m) => format!("{src}:{m}"),
                None => src,
            },
        );
    }
    for t in &svc.tmpfs {
        flag("--tmpfs", t.clone());
    }
    for (kind, refs, base) in [
        ("secrets", &svc.secrets, "/run/secrets/"),
        ("configs", &svc.configs, "/"),
    ] {
        let defined = if kind == "secrets" {
            &project.model.secrets
        } else {
            &project.model.configs
        };
        for r in refs {
            let obj = &defined[&r.source];
            let Some(file) = &obj.file else {
                return Err(err(
                    kind,
                    format!(
                        "`{}`: only file-based {kind} are supported yet by berth compose",
                        r.source
                    ),
                ));
            };
            let target = match &r.target {
                Some(t) if t.starts_with('/') => t.clone(),
                Some(t) => format!("{base}{t}"),
                None => format!("{base}{}", r.source),
            };
            flag("-v", format!("{}:{target}:ro", host_path(project, file)));
        }
    }
    if let Some(hc) = &svc.healthcheck {
        let test = if hc.disable {
            Some("none".to_string())
        } else {
            match &hc.test {
                None => None,
                Some(StringOrList::String(s)) => Some(s.clone()),
                Some(StringOrList::List(l)) => match l.first().map(String::as_str) {
                    Some("NONE") => Some("none".to_string()),
                    Some("CMD-SHELL") if l.len() == 2 => Some(l[1].clone()),
                    Some("CMD") if l.len() >= 2 => {
                        Some(serde_json::to_string(l).unwrap_or_default())
                    }
                    _ => {
                        return Err(err(
                            "healthcheck.test",
                            "must start with CMD, CMD-SHELL or NONE".into(),
                        ))
                    }
                },
            }
        };
        if let Some(t) = test {
            flag("--health-cmd", t);
        }
        if !hc.disable {
            for (name, v) in [
                ("--health-interval", &hc.interval),
                ("--health-timeout", &hc.timeout),
                ("--health-start-period", &hc.start_period),
            ] {
                if let Some(v) = v {
                    flag(name, v.clone());
                }
            }
            if let Some(r) = hc.retries {
                flag("--health-retries", r.to_string());
            }
        }
    }
    let simple: [(&str, &Option<String>); 8] = [
        ("--restart", &svc.restart),
        ("--user", &svc.user),
        ("--workdir", &svc.working_dir),
        ("--hostname", &svc.hostname),
        ("--mac-address", &svc.mac_address),
        ("--ipc", &svc.ipc),
        ("--shm-size", &svc.shm_size),
        ("--stop-signal", &svc.stop_signal),
    ];
    for (name, v) in simple {
        if let Some(v) = v {
            flag(name, v.clone());
        }
    }
    if let Some(g) = &svc.stop_grace_period {
        let d = crate::spec::parse_duration(g)
            .ok_or_else(|| err("stop_grace_period", format!("invalid duration `{g}`")))?;
        flag("--stop-timeout", d.as_secs_f64().ceil().to_string());
    }
    let lists: [(&str, &Vec<String>); 9] = [
        ("--cap-add", &svc.cap_add),
        ("--cap-drop", &svc.cap_drop),
        ("--add-host", &svc.extra_hosts),
        ("--dns", &svc.dns),
        ("--dns-search", &svc.dns_search),
        ("--dns-option", &svc.dns_opt),
        ("--security-opt", &svc.security_opt),
        ("--group-add", &svc.group_add),
        ("--device", &svc.devices),
    ];
    for (name, values) in lists {
        for v in values {
            flag(name, v.clone());
        }
    }
    for (k, v) in &svc.sysctls {
        flag("--sysctl", format!("{k}={v}"));
    }
    for (name, u) in &svc.ulimits {
        flag(
            "--ulimit",
            match u {
                Ulimit::Single(n) => format!("{name}={n}"),
                Ulimit::Pair { soft, hard } => format!("{name}={soft}:{hard}"),
            },
        );
    }
    let limits = svc.deploy.as_ref().and_then(|d| d.resources.as_ref());
    let max = limits.and_then(|r| r.limits.as_ref());
    let reserve = limits.and_then(|r| r.reservations.as_ref());
    let memory = svc
        .mem_limit
        .clone()
        .or_else(|| max.and_then(|l| l.memory.clone()));
    let cpus = svc
        .cpus
        .clone()
        .or_else(|| max.and_then(|l| l.cpus.clone()));
    let pids = svc
        .pids_limit
        .clone()
        .or_else(|| max.and_then(|l| l.pids.clone()));
    let reservation = svc
        .mem_reservation
        .clone()
        .or_else(|| reserve.and_then(|l| l.memory.clone()));
    for (name, v) in [
        ("--memory", memory),
        ("--memory-swap", svc.memswap_limit.clone()),
        ("--memory-reservation", reservation),
        ("--cpus", cpus),
        ("--pids-limit", pids),
    ] {
        if let Some(v) = v {
            flag(name, v);
        }
    }
    if let Some(l) = &svc.logging {
        if let Some(d) = &l.driver {
            flag("--log-driver", d.clone());
        }
        for (k, v) in &l.options {
            flag("--log-opt", format!("{k}={v}"));
        }
    }
    match svc.pull_policy.as_deref() {
        None | Some("missing" | "if_not_present" | "build") => {}
        Some(p @ ("always" | "never")) => flag("--pull", p.to_string()),
        Some(other) => return Err(err("pull_policy", format!("invalid pull policy `{other}`"))),
    }
    if let Some(e) = &svc.entrypoint {
        let w = words(e).map_err(|m| err("entrypoint", m))?;
        flag(
            "--entrypoint",
            serde_json::to_string(&w).unwrap_or_default(),
        );
    }
    for (name, on) in [
        ("--read-only", svc.read_only),
        ("--init", svc.init),
        ("--privileged", svc.privileged),
        ("-t", svc.tty),
        ("-i", svc.stdin_open),
    ] {
        if on == Some(true) {
            f.push(name.to_string());
        }
    }
    let command = match &svc.command {
        Some(c) => words(c).map_err(|m| err("command", m))?,
        None => Vec::new(),
    };
    Ok(ServiceArgs {
        flags: f,
        image: image_name(project, service),
        command,
    })
}

/// The config hash of a service: its arguments and the id of the image it runs.
pub fn config_hash(args: &ServiceArgs, image_id: &str) -> String {
    let mut h = Sha256::new();
    for part in args.flags.iter().chain([&args.image]).chain(&args.command) {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(image_id.as_bytes());
    hex::encode(h.finalize())
}

/// The labels every compose container carries.
pub fn identity_labels(
    project: &Project,
    service: &str,
    number: u32,
    hash: &str,
    oneoff: bool,
) -> Vec<String> {
    let files: Vec<String> = project
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    vec![
        format!("{LABEL_PROJECT}={}", project.name),
        format!("{LABEL_SERVICE}={service}"),
        format!("{LABEL_NUMBER}={number}"),
        format!("{LABEL_HASH}={hash}"),
        format!("{LABEL_ONEOFF}={}", if oneoff { "True" } else { "False" }),
        format!("{LABEL_WORKDIR}={}", project.dir.display()),
        format!("{LABEL_FILES}={}", files.join(",")),
    ]
}

/// The full `berth run -d` (or, for a one-off, `berth run`) command line of one container.
pub fn run_command(
    name: &str,
    labels: &[String],
    args: &ServiceArgs,
    detach: bool,
    extra: &[String],
    command: Option<&[String]>,
) -> Vec<String> {
    let mut out = vec!["run".to_string()];
    if detach {
        out.push("-d".into());
    }
    out.push("--name".into());
    out.push(name.to_string());
    for l in labels {
        out.push("--label".into());
        out.push(l.clone());
    }
    out.extend(args.flags.iter().cloned());
    out.extend(extra.iter().cloned());
    out.push(args.image.clone());
    out.extend(command.map_or_else(|| args.command.clone(), <[String]>::to_vec));
    out
}

/// `berth network create` for a project network.
pub fn network_create(project: &Project, key: &str) -> Result<Vec<String>, ComposeError> {
    let net = project.model.networks.get(key).cloned().unwrap_or_default();
    let mut out = vec![
        "network".to_string(),
        "create".into(),
        "--label".into(),
        format!("{LABEL_PROJECT}={}", project.name),
        "--label".into(),
        format!("{LABEL_NETWORK}={key}"),
    ];
    for (k, v) in &net.labels {
        out.push("--label".into());
        out.push(format!("{k}={v}"));
    }
    if let Some(d) = &net.driver {
        out.push("--driver".into());
        out.push(d.clone());
    }
    if net.internal {
        out.push("--internal".into());
    }
    if net.enable_ipv6 {
        out.push("--ipv6".into());
    }
    if let Some(ipam) = &net.ipam {
        for c in &ipam.config {
            for (flag, v) in [
                ("--subnet", &c.subnet),
                ("--ip-range", &c.ip_range),
                ("--gateway", &c.gateway),
            ] {
                if let Some(v) = v {
                    out.push(flag.into());
                    out.push(v.clone());
                }
            }
        }
    }
    out.push(network_name(project, key));
    Ok(out)
}

/// `berth volume create` for a project volume.
pub fn volume_create(project: &Project, key: &str) -> Vec<String> {
    let vol = project.model.volumes.get(key).cloned().unwrap_or_default();
    let mut out = vec![
        "volume".to_string(),
        "create".into(),
        "--label".into(),
        format!("{LABEL_PROJECT}={}", project.name),
        "--label".into(),
        format!("{LABEL_VOLUME}={key}"),
    ];
    for (k, v) in &vol.labels {
        out.push("--label".into());
        out.push(format!("{k}={v}"));
    }
    if let Some(d) = &vol.driver {
        out.push("--driver".into());
        out.push(d.clone());
    }
    for (k, v) in &vol.driver_opts {
        out.push("--opt".into());
        out.push(format!("{k}={v}"));
    }
    out.push(volume_name(project, key));
    out
}

/// `berth build` for a service with `build:` (none for one without).
pub fn build_command(
    project: &Project,
    service: &str,
    no_cache: bool,
    pull: bool,
) -> Option<Vec<String>> {
    let svc = &project.model.services[service];
    let b = svc.build.as_ref()?;
    let context = host_path(project, b.context.as_deref().unwrap_or("."));
    let mut out = vec![
        "build".to_string(),
        "-t".into(),
        image_name(project, service),
    ];
    for t in &b.tags {
        out.push("-t".into());
        out.push(t.clone());
    }
    if let Some(d) = &b.dockerfile {
        out.push("-f".into());
        out.push(if d.starts_with('/') {
            d.clone()
        } else {
            format!("{context}/{d}")
        });
    }
    for (k, v) in &b.args {
        out.push("--build-arg".into());
        out.push(match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        });
    }
    if let Some(t) = &b.target {
        out.push("--target".into());
        out.push(t.clone());
    }
    for (k, v) in &b.labels {
        out.push("--label".into());
        out.push(format!("{k}={v}"));
    }
    if no_cache || b.no_cache == Some(true) {
        out.push("--no-cache".into());
    }
    if pull || matches!(b.pull.as_deref(), Some("true" | "always")) {
        out.push("--pull".into());
    }
    if let Some(n) = &b.network {
        out.push("--network".into());
        out.push(n.clone());
    }
    out.push(context);
    Some(out)
}

/// A project loaded from `yaml` (named `p`, in `/proj`), for the unit tests.
#[cfg(test)]
pub(crate) fn test_project(yaml: &str) -> Project {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("compose.yaml"), yaml).unwrap();
    let opts = super::load::LoadOptions {
        cwd: t.path().to_path_buf(),
        project_name: Some("p".into()),
        environ: std::collections::BTreeMap::new(),
        ..Default::default()
    };
    let mut p = super::load::load(&opts).unwrap();
    p.dir = PathBuf::from("/proj");
    p.files = vec![PathBuf::from("/proj/compose.yaml")];
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = r#"
services:
  web:
    image: busybox
    command: httpd -f -p 80 -h "/www root"
    environment: {B: 2, A: 1}
    ports: ["127.0.0.1:8080:80", {target: 81, published: 9081, host_ip: 127.0.0.1, protocol: udp}]
    volumes:
      - data:/data
      - ./site:/www:ro
      - /tmp/x
      - {type: tmpfs, target: /cache, tmpfs: {size: 1m}}
    networks:
      back: {aliases: [www]}
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost/"]
      interval: 1s
      retries: 5
    deploy: {resources: {limits: {memory: 64m, cpus: "0.5"}}}
    stop_grace_period: 1500ms
    read_only: true
  client:
    build: {context: ./client, args: [V=1]}
    depends_on: {web: {condition: service_healthy}}
    entrypoint: ["/bin/sh", "-c"]
    command: ["echo hi"]
volumes:
  data: {}
networks:
  back: {}
"#;

    #[test]
    fn service_to_run_flags() {
        let p = test_project(APP);
        assert_eq!(order(&p), ["web", "client"]);
        let a = service_args(&p, "web").unwrap();
        assert_eq!(
            a.flags.join(" "),
            "-e A=1 -e B=2 --network p_back:alias=web,alias=www -p 127.0.0.1:8080:80 -p 127.0.0.1:9081:81/udp \
             -v p_data:/data -v /proj/site:/www:ro -v /tmp/x --tmpfs /cache:size=1m \
             --health-cmd [\"CMD\",\"wget\",\"-q\",\"-O\",\"/dev/null\",\"http://localhost/\"] --health-interval 1s --health-retries 5 \
             --stop-timeout 2 --memory 64m --cpus 0.5 --read-only"
        );
        assert_eq!(a.image, "busybox");
        assert_eq!(a.command, ["httpd", "-f", "-p", "80", "-h", "/www root"]);
        let c = service_args(&p, "client").unwrap();
        assert_eq!(c.image, "p-client");
        assert_eq!(
            c.flags.join(" "),
            "--network p_default:alias=client --entrypoint [\"/bin/sh\",\"-c\"]"
        );
        assert_eq!(
            build_command(&p, "client", false, false).unwrap().join(" "),
            "build -t p-client --build-arg V=1 /proj/client"
        );
        assert_eq!(
            waits(&p.model.services["client"]),
            [("web".to_string(), Condition::ServiceHealthy, true)]
        );
        let run = run_command(
            "p-web-1",
            &identity_labels(&p, "web", 1, "h", false)[..2],
            &a,
            true,
            &[],
            None,
        );
        assert_eq!(
            &run[..7],
            [
                "run",
                "-d",
                "--name",
                "p-web-1",
                "--label",
                "com.docker.compose.project=p",
                "--label"
            ]
        );
        assert_eq!(
            used_networks(&p).into_iter().collect::<Vec<_>>(),
            ["back", "default"]
        );
        assert_eq!(
            network_create(&p, "back").unwrap().join(" "),
            "network create --label com.docker.compose.project=p --label com.docker.compose.network=back p_back"
        );
        assert_eq!(volume_create(&p, "data").last().unwrap(), "p_data");
    }

    #[test]
    fn missing_bind_sources_to_create() {
        let p = test_project(APP);
        assert_eq!(host_dirs(&p, "web"), [PathBuf::from("/proj/site")]);
        assert!(host_dirs(&p, "client").is_empty());
    }

    #[test]
    fn the_hash_changes_with_the_service_only() {
        let p1 = test_project(APP);
        let p2 = test_project(&APP.replace("{B: 2, A: 1}", "{B: 3, A: 1}"));
        let h = |p: &Project, s: &str| config_hash(&service_args(p, s).unwrap(), "img");
        assert_eq!(h(&p1, "web"), h(&test_project(APP), "web"));
        assert_ne!(h(&p1, "web"), h(&p2, "web"));
        assert_eq!(h(&p1, "client"), h(&p2, "client"));
        assert_ne!(
            config_hash(&service_args(&p1, "web").unwrap(), "a"),
            config_hash(&service_args(&p1, "web").unwrap(), "b")
        );
    }

    #[test]
    fn words_split_as_a_shell() {
        assert_eq!(
            split_words(r#"a 'b c' "d \"e\"" f\ g"#).unwrap(),
            ["a", "b c", "d \"e\"", "f g"]
        );
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert!(split_words("'open").is_err());
    }

    #[test]
    fn dependencies_and_scale() {
        let p = test_project(APP);
        assert_eq!(
            with_dependencies(&p, &["client".into()], false),
            ["web", "client"]
        );
        assert_eq!(with_dependencies(&p, &["client".into()], true), ["client"]);
        assert_eq!(replicas(&p.model.services["web"], None), 1);
        assert_eq!(replicas(&p.model.services["web"], Some(3)), 3);
    }
}
