//! `berth inspect`: containers and images as podman's JSON, or through a Go-style template
//! of field paths (`{{.State.Status}}`). Containers are looked up first, then images, as
//! podman does. Runs in P0: it only reads the store's records.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::cli::inspect::{InspectArgs, InspectType};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::Template;
use crate::spec::{LogDriver, RestartPolicy, SeccompChoice, UsernsMode};
use crate::storage::container::{self, Container, ContainerError, ContainerState, Status};
use crate::storage::{Store, StoreError};

/// How to print what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Json,
    Template(Template),
}

impl Output {
    /// Parse `--format`.
    pub fn parse(format: Option<&str>) -> Result<Self> {
        match format {
            None | Some("json") => Ok(Output::Json),
            Some(text) => Template::parse(text)
                .map(Output::Template)
                .map_err(|e| Error::msg(format!("invalid --format `{text}`: {e}"))),
        }
    }
}

/// Run `berth inspect`.
pub fn execute(args: InspectArgs) -> Result<()> {
    let output = Output::parse(args.format.as_deref())?;
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in &args.names {
        match lookup(&paths, &store, args.kind, name)? {
            Some(v) => found.push(v),
            None => missing.push(name.clone()),
        }
    }
    let text = match &output {
        Output::Json => {
            let mut s =
                serde_json::to_string_pretty(&Value::Array(found)).context("render the JSON")?;
            s.push('\n');
            s
        }
        Output::Template(t) => {
            let mut s = String::new();
            for v in &found {
                s.push_str(&t.render(v).map_err(|e| Error::msg(e.to_string()))?);
                s.push('\n');
            }
            s
        }
    };
    print!("{text}");
    match missing.first() {
        None => Ok(()),
        Some(name) => Err(Error::msg(format!("no such object: `{name}`"))),
    }
}

fn lookup(paths: &Paths, store: &Store, kind: InspectType, name: &str) -> Result<Option<Value>> {
    if kind != InspectType::Image {
        match container::find(&paths.data, name) {
            Ok(c) => {
                let mut v = container_json(store, &c)?;
                let networks = user_network_settings(paths, &c);
                if let Some(first) = networks.values().next().cloned() {
                    let settings = &mut v["NetworkSettings"];
                    for key in [
                        "IPAddress",
                        "IPPrefixLen",
                        "Gateway",
                        "MacAddress",
                        "GlobalIPv6Address",
                        "GlobalIPv6PrefixLen",
                        "IPv6Gateway",
                    ] {
                        settings[key] = first[key].clone();
                    }
                    settings["Networks"] = Value::Object(networks);
                }
                return Ok(Some(v));
            }
            Err(ContainerError::NotFound(_)) => {}
            Err(e) => return Err(e).with_context(|| format!("look up container `{name}`")),
        }
    }
    if kind != InspectType::Container {
        match store.resolve_image(name) {
            Ok(image) => return image_json(store, &image).map(Some),
            Err(StoreError::ImageNotFound { .. } | StoreError::Reference(_)) => {}
            Err(e) => return Err(e).with_context(|| format!("look up image `{name}`")),
        }
    }
    Ok(None)
}

/// `NetworkSettings.Networks` for a container on user networks: each network's id, gateway,
/// and, while it runs, the container's address there (from the address records).
fn user_network_settings(paths: &Paths, c: &Container) -> Map<String, Value> {
    let names = &c.config.options.user_networks;
    let (per, legacy) = (
        &c.config.options.network_opts,
        &c.config.options.network_aliases,
    );
    let store = crate::net::bridge::store::NetworkStore::new(&paths.data);
    let mut out = Map::new();
    for name in names {
        let Ok(net) = store.find(name) else {
            continue;
        };
        let subnet = net.subnet();
        let record = crate::net::bridge::ipam::entries(&paths.runtime, &net.name)
            .into_iter()
            .find(|a| a.container_id == c.config.id);
        // As podman 4: the network's aliases, then the short id (always an alias).
        let mut aliases = crate::net::bridge::netopts::for_network(per, legacy, name).aliases;
        aliases.push(c.config.id.chars().take(12).collect());
        let ip6 = record.as_ref().and_then(|r| r.ip6);
        out.insert(
            name.clone(),
            json!({
                "NetworkID": net.id,
                "IPAddress": record.as_ref().and_then(|r| r.ip4()).map(|i| i.to_string()).unwrap_or_default(),
                "IPPrefixLen": if record.as_ref().is_some_and(|r| r.ip4().is_some()) { subnet.map_or(0, |s| s.prefix) } else { 0 },
                "Gateway": net.gateway().map(|g| g.to_string()).unwrap_or_default(),
                "GlobalIPv6Address": ip6.map(|i| i.to_string()).unwrap_or_default(),
                "GlobalIPv6PrefixLen": if ip6.is_some() { net.subnet6().map_or(0, |s| s.prefix) } else { 0 },
                "IPv6Gateway": if ip6.is_some() { net.gateway6().map(|g| g.to_string()).unwrap_or_default() } else { String::new() },
                "MacAddress": record.as_ref().map(|r| r.mac_address()).unwrap_or_default(),
                "Aliases": aliases,
            }),
        );
    }
    out
}

/// Go's zero time, which podman prints for times that never happened.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(
        || ZERO_TIME.to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Nanos, true),
    )
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// One container in podman's `inspect` shape.
pub fn container_json(store: &Store, c: &Container) -> Result<Value> {
    let state = c
        .state()
        .with_context(|| format!("read the state of container `{}`", c.config.name))?;
    // The image may be gone (`rmi -f`): the container's own record still answers.
    let image_config: Value = std::fs::read(
        store
            .images_dir()
            .join(&c.config.image_id)
            .join("config.json"),
    )
    .ok()
    .and_then(|b| serde_json::from_slice(&b).ok())
    .unwrap_or(Value::Null);
    let mut v = build_container_json(c, &state, &image_config);
    // The digest the image had when the container was made; gone with the image.
    v["ImageDigest"] = json!(store
        .resolve_image(&c.config.image_id)
        .map(|i| i.digest)
        .unwrap_or_default());
    v["State"]["Health"] = health_json(crate::run::health::load(&c.dir).as_ref());
    Ok(v)
}

/// podman's `State.Health`: the recorded results of the container's healthcheck, and (as
/// podman 4 prints it) an empty status with no log for a container without one.
fn health_json(health: Option<&crate::run::health::HealthState>) -> Value {
    let Some(h) = health else {
        return json!({ "Status": "", "FailingStreak": 0, "Log": null });
    };
    let log: Vec<Value> = h
        .log
        .iter()
        .map(|r| {
            json!({
                "Start": time(Some(r.start)),
                "End": time(Some(r.end)),
                "ExitCode": r.exit_code,
                "Output": r.output,
            })
        })
        .collect();
    json!({ "Status": h.status, "FailingStreak": h.failing_streak, "Log": log })
}

/// The pure part of [`container_json`].
pub fn build_container_json(c: &Container, state: &ContainerState, image: &Value) -> Value {
    let cfg = &c.config;
    let o = &cfg.options;
    let ic = &image["config"];
    let paused = state.status == Status::Running && crate::commands::pause::is_paused(c);
    let status = match state.status {
        Status::Created => "created",
        Status::Running if paused => "paused",
        Status::Running => "running",
        Status::Exited => "exited",
    };
    let running = state.status == Status::Running;
    // The memory controller counted an OOM kill, and the container died of SIGKILL.
    let oom_killed = state.status == Status::Exited
        && state.exit_code == Some(137)
        && crate::cgroup::leaf_of(&o.extras.cgroup, &cfg.id).is_some_and(|l| l.oom_kills() > 0);

    let entrypoint = match &o.entrypoint {
        Some(e) => e.clone(),
        None => strings(ic.get("Entrypoint")),
    };
    let cmd = match (&o.command, &o.entrypoint) {
        (Some(c), _) => c.clone(),
        // An --entrypoint clears the image's Cmd, as in docker.
        (None, Some(_)) => Vec::new(),
        (None, None) => strings(ic.get("Cmd")),
    };
    let mut env = strings(ic.get("Env"));
    for (k, v) in &o.env {
        env.retain(|e| e.split_once('=').map_or(e.as_str(), |(ek, _)| ek) != k);
        env.push(format!("{k}={v}"));
    }
    let user = match &o.user {
        Some(u) => match &u.group {
            Some(g) => format!("{}:{g}", u.user),
            None => u.user.clone(),
        },
        None => ic["User"].as_str().unwrap_or_default().to_string(),
    };
    let workdir = o
        .workdir
        .as_deref()
        .or_else(|| ic["WorkingDir"].as_str())
        .filter(|w| !w.is_empty())
        .unwrap_or("/");
    let hostname = o
        .hostname
        .clone()
        .unwrap_or_else(|| cfg.id[..12].to_string());
    let stop_signal = match o.stop_signal {
        Some(n) => nix::sys::signal::Signal::try_from(n)
            .map_or_else(|_| n.to_string(), |s| s.as_str().to_string()),
        None => ic["StopSignal"].as_str().unwrap_or("SIGTERM").to_string(),
    };
    // The image's labels, with the container's own (`--label`) over them, as podman shows.
    let mut labels = ic
        .get("Labels")
        .filter(|l| l.is_object())
        .cloned()
        .unwrap_or(json!({}));
    if let Some(map) = labels.as_object_mut() {
        for (k, v) in &o.extras.labels {
            map.insert(k.clone(), Value::String(v.clone()));
        }
    }

    let mut binds = Vec::new();
    let mut mounts = Vec::new();
    for v in &o.volumes {
        let src = v.source.display().to_string();
        let dst = &v.target;
        let ro = v.readonly;
        binds.push(format!("{src}:{dst}:{}", if ro { "ro" } else { "rw" }));
        mounts.push(json!({
            "Type": "bind",
            "Source": src,
            "Destination": dst,
            "Driver": "",
            "Mode": "",
            "Options": ["rbind"],
            "RW": !ro,
            "Propagation": "rprivate",
        }));
    }
    let mut tmpfs = Map::new();
    for t in &o.tmpfs {
        tmpfs.insert(t.target.clone(), json!(t.options.join(",")));
    }
    let restart = match o.restart {
        RestartPolicy::OnFailure(n) => json!({
            "Name": "on-failure",
            "MaximumRetryCount": n.unwrap_or(0),
        }),
        other => json!({
            "Name": match other {
                RestartPolicy::Always => "always",
                RestartPolicy::UnlessStopped => "unless-stopped",
                _ => "no",
            },
            "MaximumRetryCount": 0,
        }),
    };
    let mut security_opt = Vec::new();
    match &o.seccomp {
        SeccompChoice::Unconfined => security_opt.push("seccomp=unconfined".to_string()),
        SeccompChoice::Profile(p) => security_opt.push(format!("seccomp={}", p.display())),
        SeccompChoice::Default => {}
    }
    if o.no_new_privs {
        security_opt.push("no-new-privileges".into());
    }
    let network = o.network.name();
    let published = crate::net::ports::inspect_ports(&o.net.ports);
    let userns = match o.userns {
        UsernsMode::KeepId => "keep-id",
        UsernsMode::Session => "",
    };
    let (path, args) = cfg
        .command
        .split_first()
        .map_or((String::new(), Vec::new()), |(p, a)| {
            (p.clone(), a.to_vec())
        });

    let log_type = match o.extras.log_driver {
        Some(LogDriver::K8sFile) | None => "k8s-file",
        Some(LogDriver::None) => "none",
        Some(LogDriver::Passthrough) => "passthrough",
    };
    let log_path = if log_type == "k8s-file" {
        c.dir.join("ctr.log").display().to_string()
    } else {
        String::new()
    };
    let log_config = json!({
        "Type": log_type,
        "Config": null,
        "Path": log_path,
        "Tag": "",
        "Size": crate::format::go_human_size(o.extras.log_max_size.unwrap_or(0)),
    });

    json!({
        "Id": cfg.id,
        "Created": time(Some(cfg.created)),
        "Path": path,
        "Args": args,
        "State": {
            "Status": status,
            "Running": running && !paused,
            "Paused": paused,
            "Restarting": false,
            "OOMKilled": oom_killed,
            "Dead": false,
            "Pid": if running { state.pid.unwrap_or(0) } else { 0 },
            "ExitCode": state.exit_code.unwrap_or(0),
            "Error": "",
            "StartedAt": time(state.started_at),
            "FinishedAt": time(state.finished_at),
        },
        "Image": cfg.image_id,
        "ImageName": cfg.image_name,
        "Rootfs": "",
        "ResolvConfPath": c.etc_dir().join("resolv.conf"),
        "HostnamePath": c.etc_dir().join("hostname"),
        "HostsPath": c.etc_dir().join("hosts"),
        "Name": cfg.name,
        "RestartCount": state.restart_count,
        "Driver": "overlay",
        "Mounts": mounts,
        "LogPath": c.dir.join("ctr.log"),
        "Config": {
            "Hostname": hostname,
            "User": user,
            "Env": env,
            "Cmd": cmd,
            "Entrypoint": entrypoint,
            "WorkingDir": workdir,
            "Labels": labels,
            "StopSignal": stop_signal,
            "StopTimeout": o.stop_timeout.unwrap_or(10),
            "Image": cfg.image_name,
            "Tty": o.tty,
            "OpenStdin": o.interactive,
        },
        "NetworkSettings": {
            "Ports": published,
        },
        "HostConfig": {
            "Binds": binds,
            "NetworkMode": network,
            "PortBindings": published,
            "RestartPolicy": restart,
            "AutoRemove": cfg.rm,
            "CapAdd": o.cap_add,
            "CapDrop": o.cap_drop,
            "Privileged": o.privileged,
            "ReadonlyRootfs": o.read_only,
            "SecurityOpt": security_opt,
            "Tmpfs": tmpfs,
            "UsernsMode": userns,
            "LogConfig": log_config,
        },
    })
}

/// One image in podman's `inspect` shape, from the store's records.
pub fn image_json(store: &Store, image: &crate::storage::ImageRecord) -> Result<Value> {
    let dir = store.images_dir().join(&image.id);
    let read = |name: &str| -> Result<Value> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("read `{}`", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("parse `{}`", path.display()))
    };
    let config = read("config.json")?;
    let manifest = read("manifest.json").unwrap_or(Value::Null);
    Ok(build_image_json(image, &config, &manifest))
}

/// The pure part of [`image_json`].
pub fn build_image_json(
    image: &crate::storage::ImageRecord,
    config: &Value,
    manifest: &Value,
) -> Value {
    let repo_tags: Vec<&String> = image.names.iter().filter(|n| !n.contains('@')).collect();
    let repo_digests: Vec<String> = image
        .names
        .iter()
        .map(|n| format!("{}@{}", repository(n), image.digest))
        .collect();
    let runtime = config.get("config").cloned().unwrap_or(json!({}));
    let labels = runtime.get("Labels").cloned().unwrap_or(Value::Null);
    json!({
        "Id": image.id,
        "Digest": image.digest,
        "RepoTags": repo_tags,
        "RepoDigests": repo_digests,
        "Parent": "",
        "Comment": config["comment"].as_str().unwrap_or_default(),
        "Created": time(Some(image.created)),
        "Config": runtime,
        "Version": "",
        "Author": config["author"].as_str().unwrap_or_default(),
        "Architecture": config["architecture"].as_str().unwrap_or_default(),
        "Os": config["os"].as_str().unwrap_or_default(),
        "Size": image.size,
        "VirtualSize": image.size,
        "GraphDriver": {"Name": "overlay"},
        "RootFS": {
            "Type": config["rootfs"]["type"].as_str().unwrap_or("layers"),
            "Layers": config["rootfs"]["diff_ids"].clone(),
        },
        "Labels": labels,
        "Annotations": manifest.get("annotations").cloned().unwrap_or(json!({})),
        "ManifestType": manifest["mediaType"].as_str().unwrap_or(crate::image::config::MEDIA_MANIFEST),
        "User": runtime["User"].as_str().unwrap_or_default(),
        "History": config.get("history").cloned().unwrap_or(json!([])),
        "NamesHistory": image.names,
    })
}

/// `docker.io/library/busybox:latest` -> `docker.io/library/busybox`.
fn repository(name: &str) -> &str {
    let name = name.split('@').next().unwrap_or(name);
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => &name[..i],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::container::ContainerConfig;

    fn ctr(options: Value) -> Container {
        Container {
            config: ContainerConfig {
                id: "ab".repeat(32),
                name: "web".into(),
                image_id: "cd".repeat(32),
                image_name: "localhost/busybox:latest".into(),
                command: vec!["sh".into(), "-c".into(), "exit 3".into()],
                created: DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
                    .unwrap()
                    .with_timezone(&Utc),
                rm: true,
                // A partial record: the missing fields take the spec's defaults.
                options: serde_json::from_value(options).expect("options"),
            },
            dir: "/data/containers/x".into(),
        }
    }

    #[test]
    fn container_shape() {
        let mut state = ContainerState::created();
        state.status = Status::Exited;
        state.exit_code = Some(3);
        let image =
            json!({"config": {"Env": ["PATH=/bin", "A=1"], "Cmd": ["sh"], "User": "daemon"}});
        let opts = json!({
            "env": [["A", "2"]],
            "command": ["sh", "-c", "exit 3"],
            "volumes": [{"source": "/h", "target": "/c", "readonly": true}],
            "restart": {"OnFailure": 2},
            "cap_add": ["CAP_NET_ADMIN"],
            "network": "None",
            "stop_signal": 2,
        });
        let v = build_container_json(&ctr(opts), &state, &image);
        assert_eq!(v["Id"], "ab".repeat(32));
        assert_eq!(v["Path"], "sh");
        assert_eq!(v["Args"], json!(["-c", "exit 3"]));
        assert_eq!(v["State"]["Status"], "exited");
        assert_eq!(v["State"]["Running"], false);
        assert_eq!(v["State"]["ExitCode"], 3);
        assert_eq!(v["State"]["StartedAt"], ZERO_TIME);
        assert_eq!(v["Config"]["Env"], json!(["PATH=/bin", "A=2"]));
        assert_eq!(v["Config"]["User"], "daemon");
        assert_eq!(v["Config"]["Hostname"], "abababababab");
        assert_eq!(v["Config"]["StopSignal"], "SIGINT");
        assert_eq!(v["HostConfig"]["Binds"], json!(["/h:/c:ro"]));
        assert_eq!(v["HostConfig"]["AutoRemove"], true);
        assert_eq!(v["HostConfig"]["RestartPolicy"]["Name"], "on-failure");
        assert_eq!(v["HostConfig"]["RestartPolicy"]["MaximumRetryCount"], 2);
        assert_eq!(v["HostConfig"]["CapAdd"], json!(["CAP_NET_ADMIN"]));
        assert_eq!(v["Mounts"][0]["RW"], false);
        assert_eq!(v["LogPath"], "/data/containers/x/ctr.log");
        assert_eq!(v["Created"], "2026-01-02T03:04:05.000000000Z");
        assert_eq!(v["HostConfig"]["LogConfig"]["Type"], "k8s-file");
        assert_eq!(
            v["HostConfig"]["LogConfig"]["Path"],
            "/data/containers/x/ctr.log"
        );
        assert_eq!(v["HostConfig"]["LogConfig"]["Size"], "0B");
        let v = build_container_json(
            &ctr(json!({"extras": {"log_driver": "None", "log_max_size": 1_500_000}})),
            &state,
            &image,
        );
        assert_eq!(v["HostConfig"]["LogConfig"]["Type"], "none");
        assert_eq!(v["HostConfig"]["LogConfig"]["Path"], "");
        assert_eq!(v["HostConfig"]["LogConfig"]["Size"], "1.5MB");
    }

    #[test]
    fn health_shape() {
        let none = health_json(None);
        assert_eq!(none, json!({"Status": "", "FailingStreak": 0, "Log": null}));
        let mut h = crate::run::health::HealthState::default();
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        for _ in 0..2 {
            h.record(
                crate::run::health::CheckResult {
                    start: at,
                    end: at,
                    exit_code: 1,
                    output: "no\n".into(),
                },
                2,
                false,
            );
        }
        let v = health_json(Some(&h));
        assert_eq!(v["Status"], "unhealthy");
        assert_eq!(v["FailingStreak"], 2);
        assert_eq!(v["Log"][1]["ExitCode"], 1);
        assert_eq!(v["Log"][1]["Output"], "no\n");
        assert_eq!(v["Log"][0]["Start"], "2026-01-02T03:04:05.000000000Z");
    }

    #[test]
    fn image_shape() {
        let record = crate::storage::ImageRecord {
            id: "ef".repeat(32),
            names: vec!["localhost/busybox:latest".into()],
            digest: format!("sha256:{}", "1".repeat(64)),
            created: Utc::now(),
            size: 42,
            layers: vec![],
            config: crate::image::config::parse_config(br#"{"architecture":"amd64","os":"linux"}"#)
                .unwrap(),
        };
        let config = json!({"architecture": "amd64", "os": "linux", "author": "me",
            "config": {"Labels": {"a": "b"}}, "rootfs": {"type": "layers", "diff_ids": ["sha256:x"]}});
        let v = build_image_json(&record, &config, &Value::Null);
        assert_eq!(v["RepoTags"], json!(["localhost/busybox:latest"]));
        assert_eq!(
            v["RepoDigests"][0],
            format!("localhost/busybox@sha256:{}", "1".repeat(64))
        );
        assert_eq!(v["RootFS"]["Layers"], json!(["sha256:x"]));
        assert_eq!(v["Labels"]["a"], "b");
        assert_eq!(v["Author"], "me");
        assert_eq!(v["Size"], 42);
        assert_eq!(repository("localhost:5000/a:1"), "localhost:5000/a");
        assert_eq!(repository("localhost:5000/a"), "localhost:5000/a");
    }

    #[test]
    fn output_formats() {
        assert_eq!(Output::parse(Some("json")).unwrap(), Output::Json);
        let e = Output::parse(Some("{{.X | frob}}")).unwrap_err();
        assert!(e
            .render()
            .unwrap()
            .starts_with("Error: invalid --format `{{.X | frob}}`: unsupported action"));
    }
}
