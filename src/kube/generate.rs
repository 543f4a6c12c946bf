//! `kube generate` (pure): a Pod (and with `--service` a Service) as JSON values, which
//! the command writes as YAML. Only what `kube play` and Kubernetes both read is written.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// A container to describe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenContainer {
    pub name: String,
    pub image: String,
    /// `--entrypoint` as given (`command:`).
    pub command: Option<Vec<String>>,
    /// The command as given (`args:`).
    pub args: Option<Vec<String>>,
    pub env: Vec<(String, String)>,
    pub workdir: Option<String>,
    /// (container port, host port, protocol, host ip).
    pub ports: Vec<(u16, u16, String, Option<String>)>,
    pub mounts: Vec<GenMount>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub read_only: bool,
    pub tty: bool,
    pub stdin: bool,
}

/// A volume mount: a named volume (a claim) or a host path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenMount {
    pub target: String,
    pub readonly: bool,
    pub source: GenSource,
}

/// Where a mount comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GenSource {
    Volume(String),
    HostPath(String),
}

/// A pod to describe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenPod {
    pub name: String,
    pub hostname: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub restart_policy: Option<String>,
    /// `terminationGracePeriodSeconds`: the containers' `--stop-timeout`.
    pub grace: Option<u32>,
    pub containers: Vec<GenContainer>,
}

/// A volume's name in the YAML: Kubernetes names are DNS labels.
fn volume_name(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_string();
    if out.is_empty() {
        out = "volume".into();
    }
    out
}

/// The Pod object.
pub fn pod(p: &GenPod, created: &str) -> Value {
    let mut volumes: Vec<(String, Value)> = Vec::new();
    let mut containers = Vec::new();
    for c in &p.containers {
        let mut obj = Map::new();
        if let Some(cmd) = &c.command {
            obj.insert("command".into(), json!(cmd));
        }
        if let Some(args) = &c.args {
            obj.insert("args".into(), json!(args));
        }
        if !c.env.is_empty() {
            obj.insert(
                "env".into(),
                Value::Array(
                    c.env
                        .iter()
                        .map(|(k, v)| json!({"name": k, "value": v}))
                        .collect(),
                ),
            );
        }
        obj.insert("image".into(), json!(c.image));
        obj.insert("name".into(), json!(c.name));
        if !c.ports.is_empty() {
            let ports: Vec<Value> = c
                .ports
                .iter()
                .map(|(ctr, host, proto, ip)| {
                    let mut m = Map::new();
                    m.insert("containerPort".into(), json!(ctr));
                    if let Some(ip) = ip {
                        m.insert("hostIP".into(), json!(ip));
                    }
                    m.insert("hostPort".into(), json!(host));
                    if proto != "tcp" {
                        m.insert("protocol".into(), json!(proto.to_uppercase()));
                    }
                    Value::Object(m)
                })
                .collect();
            obj.insert("ports".into(), Value::Array(ports));
        }
        let mut sc = Map::new();
        if !c.cap_add.is_empty() || !c.cap_drop.is_empty() {
            let mut caps = Map::new();
            if !c.cap_add.is_empty() {
                caps.insert("add".into(), json!(c.cap_add));
            }
            if !c.cap_drop.is_empty() {
                caps.insert("drop".into(), json!(c.cap_drop));
            }
            sc.insert("capabilities".into(), Value::Object(caps));
        }
        if c.privileged {
            sc.insert("privileged".into(), json!(true));
        }
        if c.read_only {
            sc.insert("readOnlyRootFilesystem".into(), json!(true));
        }
        if !sc.is_empty() {
            obj.insert("securityContext".into(), Value::Object(sc));
        }
        if c.stdin {
            obj.insert("stdin".into(), json!(true));
        }
        if c.tty {
            obj.insert("tty".into(), json!(true));
        }
        if !c.mounts.is_empty() {
            let mut mounts = Vec::new();
            for m in &c.mounts {
                let (name, source) = match &m.source {
                    GenSource::Volume(v) => (
                        format!("{}-pvc", volume_name(v)),
                        json!({"persistentVolumeClaim": {"claimName": v}}),
                    ),
                    GenSource::HostPath(path) => (
                        format!("{}-host", volume_name(path)),
                        json!({"hostPath": {"path": path, "type": "Directory"}}),
                    ),
                };
                if !volumes.iter().any(|(n, _)| *n == name) {
                    let mut v = source;
                    v["name"] = json!(name);
                    volumes.push((name.clone(), v));
                }
                let mut mount = json!({"mountPath": m.target, "name": name});
                if m.readonly {
                    mount["readOnly"] = json!(true);
                }
                mounts.push(mount);
            }
            obj.insert("volumeMounts".into(), Value::Array(mounts));
        }
        if let Some(w) = &c.workdir {
            obj.insert("workingDir".into(), json!(w));
        }
        containers.push(Value::Object(obj));
    }
    let mut spec = Map::new();
    spec.insert("containers".into(), Value::Array(containers));
    if let Some(h) = &p.hostname {
        spec.insert("hostname".into(), json!(h));
    }
    if let Some(r) = &p.restart_policy {
        spec.insert("restartPolicy".into(), json!(r));
    }
    if let Some(g) = p.grace {
        spec.insert("terminationGracePeriodSeconds".into(), json!(g));
    }
    if !volumes.is_empty() {
        spec.insert(
            "volumes".into(),
            Value::Array(volumes.into_iter().map(|(_, v)| v).collect()),
        );
    }
    let mut labels = p.labels.clone();
    labels.entry("app".into()).or_insert_with(|| p.name.clone());
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "creationTimestamp": created,
            "labels": labels,
            "name": p.name,
        },
        "spec": Value::Object(spec),
    })
}

/// The Service object for `--service`: the pod's published ports, selected by its `app`
/// label.
pub fn service(p: &GenPod) -> Value {
    let ports: Vec<Value> = p
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .map(|(ctr, _, proto, _)| {
            json!({
                "name": format!("{ctr}-{proto}"),
                "port": ctr,
                "protocol": proto.to_uppercase(),
                "targetPort": ctr,
            })
        })
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "labels": {"app": p.name},
            "name": p.name,
        },
        "spec": {
            "ports": ports,
            "selector": {"app": p.name},
            "type": "NodePort",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_pod_plays_back_into_the_same_plan() {
        let p = GenPod {
            name: "web".into(),
            containers: vec![GenContainer {
                name: "srv".into(),
                image: "localhost/busybox:latest".into(),
                command: Some(vec!["sh".into(), "-c".into()]),
                args: Some(vec!["httpd -f".into()]),
                env: vec![("A".into(), "b".into())],
                ports: vec![(80, 8080, "tcp".into(), None)],
                mounts: vec![GenMount {
                    target: "/data".into(),
                    readonly: false,
                    source: GenSource::Volume("store".into()),
                }],
                ..GenContainer::default()
            }],
            ..GenPod::default()
        };
        let value = pod(&p, "2026-01-01T00:00:00Z");
        let yaml = serde_norway::to_string(&value).unwrap();
        let docs = crate::kube::parse("g.yaml", &yaml).unwrap();
        let plan = crate::kube::play::plan(&docs, &Default::default()).unwrap();
        assert_eq!(plan.pods[0].name, "web");
        assert!(plan.pods[0]
            .args
            .contains(&"--publish=8080:80/tcp".to_string()));
        let args = &plan.pods[0].containers[0].args;
        for want in [
            "--env=A=b",
            "--volume=store:/data",
            "localhost/busybox:latest",
            "httpd -f",
        ] {
            assert!(args.contains(&want.to_string()), "{want} in {args:?}");
        }
        let svc = service(&p);
        assert_eq!(svc["spec"]["ports"][0]["port"], 80);
    }
}
