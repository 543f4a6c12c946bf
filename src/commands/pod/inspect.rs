//! `berth pod inspect`: podman 4's JSON shape (one object for one pod).

use super::PodView;
use crate::cli::pod::{PodInspectArgs, PodTargets};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::Template;
use crate::storage::container::Status;

/// podman's `pod inspect` object for one pod.
pub(crate) fn json(v: &PodView) -> serde_json::Value {
    let c = &v.pod.config;
    let infra = v.members.iter().find(|(m, _)| v.is_infra(m));
    let infra_config = infra.map(|(m, _)| {
        let o = &m.config.options;
        let mut bindings = serde_json::Map::new();
        for p in &o.net.ports {
            let proto = match p.protocol {
                crate::spec::Protocol::Tcp => "tcp",
                crate::spec::Protocol::Udp => "udp",
            };
            let key = format!("{}/{proto}", p.container_port);
            let entry = bindings
                .entry(key)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(list) = entry {
                list.push(serde_json::json!({
                    "HostIp": p.host_ip.map(|ip| ip.to_string()).unwrap_or_default(),
                    "HostPort": p.host_port.to_string(),
                }));
            }
        }
        let none_if_empty = |v: Vec<String>| {
            if v.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::json!(v)
            }
        };
        let dns = &o.net.dns;
        let servers: Vec<String> = dns
            .servers
            .iter()
            .flatten()
            .map(ToString::to_string)
            .collect();
        let hosts: Vec<String> = o
            .net
            .add_hosts
            .iter()
            .map(|(h, ip)| format!("{h}:{ip}"))
            .collect();
        serde_json::json!({
            "PortBindings": bindings,
            "HostNetwork": o.network == crate::spec::NetworkMode::Host,
            "StaticIP": "",
            "StaticMAC": "",
            "NoManageResolvConf": false,
            "DNSServer": none_if_empty(servers),
            "DNSSearch": none_if_empty(dns.search.clone()),
            "DNSOption": none_if_empty(dns.options.clone()),
            "NoManageHosts": false,
            "HostAdd": none_if_empty(hosts),
            "Networks": none_if_empty(c.networks.clone()),
            "NetworkOptions": null,
            "pid_ns": "private",
            "userns": "host",
            "uts_ns": "private",
        })
    });
    let state = |s: Status| match s {
        Status::Created => "created",
        Status::Running => "running",
        Status::Exited => "exited",
    };
    serde_json::json!({
        "Id": c.id,
        "Name": c.name,
        "Namespace": "",
        "Created": c.created.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        "CreateCommand": c.create_command,
        "ExitPolicy": c.exit_policy,
        "State": v.status(),
        "Hostname": c.hostname,
        "Labels": c.labels,
        "CreateCgroup": false,
        "CgroupParent": "",
        "CgroupPath": "",
        "CreateInfra": c.infra_id.is_some(),
        "InfraContainerID": c.infra_id.clone().unwrap_or_default(),
        "InfraConfig": infra_config,
        "SharedNamespaces": c.share,
        "NumContainers": v.members.len(),
        "Containers": v.members.iter().map(|(m, s)| serde_json::json!({
            "Id": m.config.id,
            "Name": m.config.name,
            "State": state(s.status),
        })).collect::<Vec<_>>(),
    })
}

/// Run `berth pod inspect`.
pub fn execute(args: &PodInspectArgs) -> Result<()> {
    let template = match args.format.as_deref() {
        None | Some("json") => None,
        Some(t) => Some(
            Template::parse(t).map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?,
        ),
    };
    let paths = Paths::discover().context("find berth's directories")?;
    let targets = PodTargets {
        all: false,
        latest: args.latest,
        pods: args.pods.clone(),
    };
    let mut values = Vec::new();
    for (_, found) in super::select(&paths, &targets)? {
        values.push(json(&found.map_err(super::lookup_error)?));
    }
    if let Some(t) = template {
        for v in &values {
            let text = t
                .render(v)
                .map_err(|e| Error::msg(format!("invalid --format: {e}")))?;
            println!("{text}");
        }
        return Ok(());
    }
    let out = if values.len() == 1 {
        values.pop().unwrap_or_default()
    } else {
        serde_json::Value::Array(values)
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&out).context("render JSON")?
    );
    Ok(())
}
