//! `kube play`'s plan (pure): the volumes, pods and containers a set of documents makes,
//! as the arguments of berth's own `volume create`, `pod create` and `create`, and the
//! notes about fields berth accepts but cannot honour (each reported once).

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;

use super::types::{Container, PodSpec, SecurityContext};
use super::{Doc, KubeError, Object};

/// `kube play` options that shape the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayOptions {
    /// `--network`, for every pod.
    pub network: Vec<String>,
    /// `--publish [IP:]HOST:CONTAINER[/PROTO]`: set or override a port of every pod.
    pub publish: Vec<String>,
    /// `--log-driver`, for every container.
    pub log_driver: Option<String>,
    /// `--annotation`, for every container.
    pub annotations: BTreeMap<String, String>,
}

/// The longest annotation value podman's `kube play` takes.
pub const ANNOTATION_MAX: usize = 63;

/// Who owns a volume the plan names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeKind {
    /// A PersistentVolumeClaim: made when missing (labelled), kept if it exists.
    Claim,
    /// The volume of one pod's emptyDir, configMap or secret: made by play, removed by down.
    Owned,
}

/// A named volume the plan needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumePlan {
    pub name: String,
    pub kind: VolumeKind,
    /// Files to write into it (a configMap's or a secret's keys), by relative path.
    pub files: Vec<(String, Vec<u8>)>,
}

/// One container: `berth create` arguments after `create` (pod, name, flags, image, args).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPlan {
    pub name: String,
    pub args: Vec<String>,
}

/// One pod: `berth pod create` arguments after `pod create`, then its containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodPlan {
    pub name: String,
    pub args: Vec<String>,
    pub containers: Vec<ContainerPlan>,
}

/// Everything a play makes, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayPlan {
    pub volumes: Vec<VolumePlan>,
    /// Host directories to create first (`hostPath` of type `DirectoryOrCreate`).
    pub host_dirs: Vec<String>,
    pub pods: Vec<PodPlan>,
    /// Fields accepted but not honoured, and ignored objects: one line each.
    pub notes: Vec<String>,
}

/// The names a play makes, for `kube down`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Made {
    pub pods: Vec<String>,
    pub owned_volumes: Vec<String>,
    pub claims: Vec<String>,
}

/// Notes, each field reported once (by its path without indices).
#[derive(Default)]
struct Notes {
    seen: BTreeSet<String>,
    lines: Vec<String>,
}

impl Notes {
    fn field(&mut self, doc: &Doc, path: &str, present: bool) {
        if !present {
            return;
        }
        let generic: String = {
            let mut out = String::new();
            let mut skip = false;
            for ch in path.chars() {
                match ch {
                    '[' => {
                        skip = true;
                        out.push_str("[]");
                    }
                    ']' => skip = false,
                    _ if skip => {}
                    c => out.push(c),
                }
            }
            out
        };
        if self.seen.insert(generic.clone()) {
            self.lines.push(format!(
                "berth: kube play `{}`: {generic} is not supported yet: ignored",
                doc.file
            ));
        }
    }

    fn line(&mut self, text: String) {
        if self.seen.insert(text.clone()) {
            self.lines.push(text);
        }
    }
}

/// A pod to make from a document: its name, labels, spec, and the spec's path.
struct PodSource<'a> {
    doc: &'a Doc,
    name: String,
    labels: &'a BTreeMap<String, String>,
    annotations: &'a BTreeMap<String, String>,
    spec: &'a PodSpec,
    at: &'static str,
}

/// ConfigMaps and Secrets by name: key -> bytes.
type DataSets = BTreeMap<String, BTreeMap<String, Vec<u8>>>;

fn data_sets(docs: &[Doc]) -> Result<(DataSets, DataSets), KubeError> {
    let mut maps = DataSets::new();
    let mut secrets = DataSets::new();
    for doc in docs {
        let Object::Data(d) = &doc.object else {
            continue;
        };
        let name = d
            .metadata
            .name
            .clone()
            .ok_or_else(|| doc.error("metadata.name", "missing"))?;
        let mut data: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let secret = d.kind == "Secret";
        for (k, v) in &d.data {
            let bytes = if secret {
                base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .map_err(|_| doc.error(format!("data.{k}"), "not base64"))?
            } else {
                v.clone().into_bytes()
            };
            data.insert(k.clone(), bytes);
        }
        for (k, v) in &d.binary_data {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .map_err(|_| doc.error(format!("binaryData.{k}"), "not base64"))?;
            data.insert(k.clone(), bytes);
        }
        for (k, v) in &d.string_data {
            data.insert(k.clone(), v.clone().into_bytes());
        }
        if secret {
            secrets.insert(name, data);
        } else {
            maps.insert(name, data);
        }
    }
    Ok((maps, secrets))
}

/// The pods the documents describe (a Deployment makes `replicas` of them).
fn pod_sources(docs: &[Doc]) -> Result<Vec<PodSource<'_>>, KubeError> {
    let mut out = Vec::new();
    for doc in docs {
        match &doc.object {
            Object::Pod(p) => {
                let name = p
                    .metadata
                    .name
                    .clone()
                    .ok_or_else(|| doc.error("metadata.name", "missing"))?;
                out.push(PodSource {
                    doc,
                    name,
                    labels: &p.metadata.labels,
                    annotations: &p.metadata.annotations,
                    spec: &p.spec,
                    at: "spec",
                });
            }
            Object::Workload(w) => {
                let name = w
                    .metadata
                    .name
                    .clone()
                    .ok_or_else(|| doc.error("metadata.name", "missing"))?;
                if w.kind == "DaemonSet" {
                    if w.spec.replicas.is_some() {
                        return Err(doc.error("spec.replicas", "a DaemonSet has no replicas"));
                    }
                    out.push(PodSource {
                        doc,
                        name: format!("{name}-pod"),
                        labels: &w.spec.template.metadata.labels,
                        annotations: &w.spec.template.metadata.annotations,
                        spec: &w.spec.template.spec,
                        at: "spec.template.spec",
                    });
                    continue;
                }
                for i in 0..w.spec.replicas.unwrap_or(1) {
                    out.push(PodSource {
                        doc,
                        name: format!("{name}-pod-{i}"),
                        labels: &w.spec.template.metadata.labels,
                        annotations: &w.spec.template.metadata.annotations,
                        spec: &w.spec.template.spec,
                        at: "spec.template.spec",
                    });
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The names `docs` would make, for `kube down` (no ConfigMap needs to be at hand).
pub fn made(docs: &[Doc]) -> Result<Made, KubeError> {
    let mut out = Made::default();
    for src in pod_sources(docs)? {
        out.pods.push(src.name.clone());
        for v in &src.spec.volumes {
            if v.empty_dir.is_some() || v.config_map.is_some() || v.secret.is_some() {
                out.owned_volumes.push(format!("{}-{}", src.name, v.name));
            }
        }
    }
    for doc in docs {
        if let Object::Claim(c) = &doc.object {
            if let Some(n) = &c.metadata.name {
                out.claims.push(n.clone());
            }
        }
    }
    Ok(out)
}

/// Plan a play of `docs` (ConfigMaps given with `--configmap` are among them).
pub fn plan(docs: &[Doc], opts: &PlayOptions) -> Result<PlayPlan, KubeError> {
    let (maps, secrets) = data_sets(docs)?;
    let mut notes = Notes::default();
    let mut plan = PlayPlan::default();
    for doc in docs {
        match &doc.object {
            Object::Claim(c) => {
                let name = c
                    .metadata
                    .name
                    .clone()
                    .ok_or_else(|| doc.error("metadata.name", "missing"))?;
                notes.field(doc, "spec (of a PersistentVolumeClaim: size, access modes, storage class)", c.spec.is_some());
                plan.volumes.push(VolumePlan {
                    name,
                    kind: VolumeKind::Claim,
                    files: Vec::new(),
                });
            }
            Object::Service(s) => notes.line(format!(
                "berth: kube play `{}`: Service `{}` ignored: berth publishes the hostPort ports of a pod's containers itself",
                doc.file,
                s.metadata.name.as_deref().unwrap_or("")
            )),
            _ => {}
        }
    }
    let publish = parse_publish(&opts.publish).map_err(|why| KubeError {
        file: docs.first().map(|d| d.file.clone()).unwrap_or_default(),
        doc: 0,
        object: String::new(),
        field: "--publish".into(),
        why,
    })?;
    for src in pod_sources(docs)? {
        let pod = plan_pod(&src, opts, &publish, &maps, &secrets, &mut notes, &mut plan)?;
        plan.pods.push(pod);
    }
    plan.notes = notes.lines;
    Ok(plan)
}

/// `--publish` values: (host ip, host port, container port, protocol).
type Publish = Vec<(Option<String>, u16, u16, String)>;

fn parse_publish(values: &[String]) -> Result<Publish, String> {
    let mut out = Vec::new();
    for v in values {
        let (ports, proto) = match v.rsplit_once('/') {
            Some((p, proto)) => (p, proto.to_lowercase()),
            None => (v.as_str(), "tcp".to_string()),
        };
        let parts: Vec<&str> = ports.rsplitn(3, ':').collect();
        let bad =
            || format!("invalid --publish `{v}`: expected [IP:]HOSTPORT:CONTAINERPORT[/PROTOCOL]");
        let (ip, host, ctr) = match parts.as_slice() {
            [c, h] => (None, *h, *c),
            [c, h, ip] => (Some(ip.to_string()), *h, *c),
            _ => return Err(bad()),
        };
        out.push((
            ip,
            host.parse().map_err(|_| bad())?,
            ctr.parse().map_err(|_| bad())?,
            proto,
        ));
    }
    Ok(out)
}

fn plan_pod(
    src: &PodSource<'_>,
    opts: &PlayOptions,
    publish: &Publish,
    maps: &DataSets,
    secrets: &DataSets,
    notes: &mut Notes,
    plan: &mut PlayPlan,
) -> Result<PodPlan, KubeError> {
    let doc = src.doc;
    let spec = src.spec;
    let at = src.at;
    for (k, v) in src.annotations {
        if v.len() > ANNOTATION_MAX {
            return Err(doc.error(
                format!("metadata.annotations.{k}"),
                format!("invalid annotation \"{k}\"=\"{v}\": a value may have at most {ANNOTATION_MAX} characters"),
            ));
        }
    }
    // As podman's kube play: the pod stops when its last container has exited.
    let mut args: Vec<String> = vec![format!("--name={}", src.name), "--exit-policy=stop".into()];
    for (k, v) in src.labels {
        args.push(format!("--label={k}={v}"));
    }
    if let Some(h) = &spec.hostname {
        args.push(format!("--hostname={h}"));
    }
    if spec.host_network == Some(true) {
        if !opts.network.is_empty() {
            return Err(doc.error(format!("{at}.hostNetwork"), "conflicts with --network"));
        }
        args.push("--network=host".into());
    }
    for n in &opts.network {
        args.push(format!("--network={n}"));
    }
    for (i, a) in spec.host_aliases.iter().enumerate() {
        if a.ip.is_empty() {
            return Err(doc.error(format!("{at}.hostAliases[{i}].ip"), "missing"));
        }
        for h in &a.hostnames {
            args.push(format!("--add-host={h}:{}", a.ip));
        }
    }
    if let Some(dns) = &spec.dns_config {
        for s in &dns.nameservers {
            args.push(format!("--dns={s}"));
        }
        for s in &dns.searches {
            args.push(format!("--dns-search={s}"));
        }
        for o in &dns.options {
            match &o.value {
                Some(v) => args.push(format!("--dns-option={}:{v}", o.name)),
                None => args.push(format!("--dns-option={}", o.name)),
            }
        }
    }
    note_pod_fields(doc, at, spec, notes);
    // Ports: every container's hostPort ports belong to the pod; --publish sets or
    // overrides them by container port.
    let mut ports: Vec<(Option<String>, u16, u16, String)> = Vec::new();
    for (ci, c) in spec.containers.iter().enumerate() {
        for (pi, p) in c.ports.iter().enumerate() {
            let proto = p.protocol.as_deref().unwrap_or("TCP").to_lowercase();
            if !matches!(proto.as_str(), "tcp" | "udp") {
                return Err(doc.error(
                    format!("{at}.containers[{ci}].ports[{pi}].protocol"),
                    format!("berth: protocol `{proto}` is not supported yet (TCP and UDP are)"),
                ));
            }
            // As podman: a named port without a hostPort is published on its own number.
            let host = p
                .host_port
                .filter(|h| *h != 0)
                .or_else(|| p.name.as_ref().map(|_| p.container_port));
            if let Some(host) = host {
                ports.push((p.host_ip.clone(), host, p.container_port, proto));
            }
        }
    }
    for p in publish {
        ports.retain(|q| !(q.2 == p.2 && q.3 == p.3));
        ports.push(p.clone());
    }
    for (ip, host, ctr, proto) in &ports {
        match ip {
            Some(ip) => args.push(format!("--publish={ip}:{host}:{ctr}/{proto}")),
            None => args.push(format!("--publish={host}:{ctr}/{proto}")),
        }
    }
    // Volumes by name: the `-v` source each mount uses.
    let mut sources: BTreeMap<&str, (String, bool)> = BTreeMap::new();
    for (vi, v) in spec.volumes.iter().enumerate() {
        let field = format!("{at}.volumes[{vi}]");
        if v.name.is_empty() {
            return Err(doc.error(format!("{field}.name"), "missing"));
        }
        let owned = format!("{}-{}", src.name, v.name);
        let set = [
            v.host_path.is_some(),
            v.persistent_volume_claim.is_some(),
            v.config_map.is_some(),
            v.secret.is_some(),
            v.empty_dir.is_some(),
        ];
        if set.iter().filter(|s| **s).count() > 1 {
            return Err(doc.error(field, "more than one volume source"));
        }
        let source = if let Some(h) = &v.host_path {
            if !h.path.starts_with('/') {
                return Err(doc.error(format!("{field}.hostPath.path"), "must be an absolute path"));
            }
            match h.kind.as_deref().unwrap_or("") {
                "" | "Directory" | "File" | "Socket" | "CharDevice" | "BlockDevice"
                | "FileOrCreate" => {}
                "DirectoryOrCreate" => plan.host_dirs.push(h.path.clone()),
                other => {
                    return Err(doc.error(
                        format!("{field}.hostPath.type"),
                        format!("unknown type `{other}`"),
                    ))
                }
            }
            (h.path.clone(), false)
        } else if let Some(c) = &v.persistent_volume_claim {
            if c.claim_name.is_empty() {
                return Err(doc.error(
                    format!("{field}.persistentVolumeClaim.claimName"),
                    "missing",
                ));
            }
            if !plan.volumes.iter().any(|p| p.name == c.claim_name) {
                plan.volumes.push(VolumePlan {
                    name: c.claim_name.clone(),
                    kind: VolumeKind::Claim,
                    files: Vec::new(),
                });
            }
            (c.claim_name.clone(), c.read_only == Some(true))
        } else if let Some(c) = &v.config_map {
            let files = data_files(maps.get(&c.name), &c.items, c.optional == Some(true)).map_err(
                |why| {
                    doc.error(
                        format!("{field}.configMap"),
                        why.replace("{}", &format!("ConfigMap `{}`", c.name)),
                    )
                },
            )?;
            notes.field(
                doc,
                &format!("{field}.configMap.defaultMode"),
                c.default_mode.is_some(),
            );
            plan.volumes.push(VolumePlan {
                name: owned.clone(),
                kind: VolumeKind::Owned,
                files,
            });
            (owned, true)
        } else if let Some(s) = &v.secret {
            let files = data_files(
                secrets.get(&s.secret_name),
                &s.items,
                s.optional == Some(true),
            )
            .map_err(|why| {
                doc.error(
                    format!("{field}.secret"),
                    why.replace("{}", &format!("Secret `{}`", s.secret_name)),
                )
            })?;
            notes.field(
                doc,
                &format!("{field}.secret.defaultMode"),
                s.default_mode.is_some(),
            );
            plan.volumes.push(VolumePlan {
                name: owned.clone(),
                kind: VolumeKind::Owned,
                files,
            });
            (owned, true)
        } else if v.empty_dir.is_some() {
            plan.volumes.push(VolumePlan {
                name: owned.clone(),
                kind: VolumeKind::Owned,
                files: Vec::new(),
            });
            (owned, false)
        } else {
            let kind = [
                ("nfs", v.nfs.is_some()),
                ("csi", v.csi.is_some()),
                ("projected", v.projected.is_some()),
                ("downwardAPI", v.downward_api.is_some()),
                ("ephemeral", v.ephemeral.is_some()),
                ("image", v.image.is_some()),
            ]
            .into_iter()
            .find(|(_, on)| *on)
            .map(|(k, _)| k);
            return Err(match kind {
                Some(k) => doc.error(
                    format!("{field}.{k}"),
                    format!("berth: {k} volumes are not supported yet (hostPath, persistentVolumeClaim, configMap, secret and emptyDir are)"),
                ),
                None => doc.error(field, "no volume source"),
            });
        };
        sources.insert(v.name.as_str(), source);
    }
    if spec.containers.is_empty() {
        return Err(doc.error(
            format!("{at}.containers"),
            "missing: a pod needs a container",
        ));
    }
    let restart = match spec.restart_policy.as_deref() {
        None | Some("Always") => "always",
        Some("OnFailure") => "on-failure",
        Some("Never") => "no",
        Some(other) => {
            return Err(doc.error(
                format!("{at}.restartPolicy"),
                format!("unknown policy `{other}` (Always, OnFailure or Never)"),
            ))
        }
    };
    let mut containers = Vec::new();
    let mut names = BTreeSet::new();
    for (ci, c) in spec.containers.iter().enumerate() {
        let field = format!("{at}.containers[{ci}]");
        if c.name.is_empty() {
            return Err(doc.error(format!("{field}.name"), "missing"));
        }
        if !names.insert(c.name.clone()) {
            return Err(doc.error(
                format!("{field}.name"),
                format!("`{}` is used twice", c.name),
            ));
        }
        let args = container_args(
            doc, &field, src, c, spec, &sources, maps, secrets, restart, opts, notes,
        )?;
        containers.push(ContainerPlan {
            name: format!("{}-{}", src.name, c.name),
            args,
        });
    }
    Ok(PodPlan {
        name: src.name.clone(),
        args,
        containers,
    })
}

/// The files of a configMap or secret volume (`{}` in an error stands for the object).
fn data_files(
    data: Option<&BTreeMap<String, Vec<u8>>>,
    items: &[super::types::KeyToPath],
    optional: bool,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let Some(data) = data else {
        if optional {
            return Ok(Vec::new());
        }
        return Err("{} is not in the YAML (give it with --configmap, or in the same file)".into());
    };
    if items.is_empty() {
        return Ok(data.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    }
    let mut out = Vec::new();
    for item in items {
        if item.path.starts_with('/') || item.path.split('/').any(|c| c == "..") {
            return Err(format!(
                "item path `{}` must be relative, without `..`",
                item.path
            ));
        }
        match data.get(&item.key) {
            Some(v) => out.push((item.path.clone(), v.clone())),
            None if optional => {}
            None => return Err(format!("{{}} has no key `{}`", item.key)),
        }
    }
    Ok(out)
}

fn note_pod_fields(doc: &Doc, at: &str, spec: &PodSpec, notes: &mut Notes) {
    let fields = [
        ("initContainers", spec.init_containers.is_some()),
        ("ephemeralContainers", spec.ephemeral_containers.is_some()),
        ("dnsPolicy", spec.dns_policy.is_some()),
        ("nodeSelector", spec.node_selector.is_some()),
        ("nodeName", spec.node_name.is_some()),
        ("serviceAccountName", spec.service_account_name.is_some()),
        ("serviceAccount", spec.service_account.is_some()),
        (
            "automountServiceAccountToken",
            spec.automount_service_account_token.is_some(),
        ),
        ("affinity", spec.affinity.is_some()),
        ("tolerations", spec.tolerations.is_some()),
        ("priority", spec.priority.is_some()),
        ("priorityClassName", spec.priority_class_name.is_some()),
        ("preemptionPolicy", spec.preemption_policy.is_some()),
        ("enableServiceLinks", spec.enable_service_links.is_some()),
        (
            "shareProcessNamespace",
            spec.share_process_namespace.is_some(),
        ),
        ("hostPID", spec.host_pid.is_some()),
        ("hostIPC", spec.host_ipc.is_some()),
        ("hostUsers", spec.host_users.is_some()),
        ("subdomain", spec.subdomain.is_some()),
        ("schedulerName", spec.scheduler_name.is_some()),
        ("imagePullSecrets", spec.image_pull_secrets.is_some()),
        (
            "activeDeadlineSeconds",
            spec.active_deadline_seconds.is_some(),
        ),
        ("readinessGates", spec.readiness_gates.is_some()),
        ("runtimeClassName", spec.runtime_class_name.is_some()),
        (
            "topologySpreadConstraints",
            spec.topology_spread_constraints.is_some(),
        ),
        ("overhead", spec.overhead.is_some()),
        ("os", spec.os.is_some()),
        ("setHostnameAsFQDN", spec.set_hostname_as_fqdn.is_some()),
        ("resourceClaims", spec.resource_claims.is_some()),
        ("schedulingGates", spec.scheduling_gates.is_some()),
    ];
    for (name, present) in fields {
        notes.field(doc, &format!("{at}.{name}"), present);
    }
    if let Some(sc) = &spec.security_context {
        note_security(doc, &format!("{at}.securityContext"), sc, notes);
    }
}

fn note_security(doc: &Doc, at: &str, sc: &SecurityContext, notes: &mut Notes) {
    let fields = [
        ("runAsNonRoot", sc.run_as_non_root.is_some()),
        ("seLinuxOptions", sc.se_linux_options.is_some()),
        ("seccompProfile", sc.seccomp_profile.is_some()),
        ("appArmorProfile", sc.app_armor_profile.is_some()),
        ("procMount", sc.proc_mount.is_some()),
        ("windowsOptions", sc.windows_options.is_some()),
        ("fsGroup", sc.fs_group.is_some()),
        ("fsGroupChangePolicy", sc.fs_group_change_policy.is_some()),
        ("supplementalGroups", sc.supplemental_groups.is_some()),
        (
            "supplementalGroupsPolicy",
            sc.supplemental_groups_policy.is_some(),
        ),
        ("sysctls", sc.sysctls.is_some()),
    ];
    for (name, present) in fields {
        notes.field(doc, &format!("{at}.{name}"), present);
    }
}

#[allow(clippy::too_many_arguments)]
fn container_args(
    doc: &Doc,
    field: &str,
    src: &PodSource<'_>,
    c: &Container,
    spec: &PodSpec,
    sources: &BTreeMap<&str, (String, bool)>,
    maps: &DataSets,
    secrets: &DataSets,
    restart: &str,
    opts: &PlayOptions,
    notes: &mut Notes,
) -> Result<Vec<String>, KubeError> {
    let image = c.image.clone().filter(|i| !i.is_empty()).ok_or_else(|| {
        doc.error(
            format!("{field}.image"),
            "missing: every container needs an image",
        )
    })?;
    let mut args: Vec<String> = vec![
        format!("--pod={}", src.name),
        format!("--name={}-{}", src.name, c.name),
        format!("--restart={restart}"),
    ];
    if let Some(t) = spec.termination_grace_period_seconds {
        args.push(format!("--stop-timeout={t}"));
    }
    if let Some(d) = &opts.log_driver {
        args.push(format!("--log-driver={d}"));
    }
    for (k, v) in src.annotations.iter().chain(&opts.annotations) {
        args.push(format!("--annotation={k}={v}"));
    }
    match c.image_pull_policy.as_deref() {
        None => {}
        Some("Always") => args.push("--pull=always".into()),
        Some("Never") => args.push("--pull=never".into()),
        Some("IfNotPresent") => args.push("--pull=missing".into()),
        Some(other) => {
            return Err(doc.error(
                format!("{field}.imagePullPolicy"),
                format!("unknown policy `{other}` (Always, IfNotPresent or Never)"),
            ))
        }
    }
    if let Some(w) = &c.working_dir {
        args.push(format!("--workdir={w}"));
    }
    if c.tty == Some(true) {
        args.push("--tty".into());
    }
    if c.stdin == Some(true) {
        args.push("--interactive".into());
    }
    // Environment: envFrom first, then env (which wins), as Kubernetes orders them.
    let lookup = |kind: &str, name: &str| -> Option<&BTreeMap<String, Vec<u8>>> {
        if kind == "ConfigMap" {
            maps.get(name)
        } else {
            secrets.get(name)
        }
    };
    for (i, from) in c.env_from.iter().enumerate() {
        let (kind, r) = match (&from.config_map_ref, &from.secret_ref) {
            (Some(r), None) => ("ConfigMap", r),
            (None, Some(r)) => ("Secret", r),
            _ => {
                return Err(doc.error(
                    format!("{field}.envFrom[{i}]"),
                    "needs one of configMapRef and secretRef",
                ))
            }
        };
        match lookup(kind, &r.name) {
            Some(data) => {
                for (k, v) in data {
                    let value = String::from_utf8_lossy(v);
                    args.push(format!("--env={}{k}={value}", from.prefix.as_deref().unwrap_or("")));
                }
            }
            None if r.optional == Some(true) => {}
            None => {
                return Err(doc.error(
                    format!("{field}.envFrom[{i}]"),
                    format!("{kind} `{}` is not in the YAML (give it with --configmap, or in the same file)", r.name),
                ))
            }
        }
    }
    for (i, e) in c.env.iter().enumerate() {
        let at = format!("{field}.env[{i}]");
        if e.name.is_empty() {
            return Err(doc.error(format!("{at}.name"), "missing"));
        }
        let value = match (&e.value, &e.value_from) {
            (Some(v), None) => Some(v.clone()),
            (None, None) => Some(String::new()),
            (Some(_), Some(_)) => return Err(doc.error(at, "has both value and valueFrom")),
            (None, Some(from)) => {
                let (kind, r, sub) = match (&from.config_map_key_ref, &from.secret_key_ref) {
                    (Some(r), None) => ("ConfigMap", r, "configMapKeyRef"),
                    (None, Some(r)) => ("Secret", r, "secretKeyRef"),
                    _ => {
                        notes.field(
                            doc,
                            &format!("{at}.valueFrom.fieldRef"),
                            from.field_ref.is_some(),
                        );
                        notes.field(
                            doc,
                            &format!("{at}.valueFrom.resourceFieldRef"),
                            from.resource_field_ref.is_some(),
                        );
                        continue;
                    }
                };
                match lookup(kind, &r.name).and_then(|d| d.get(&r.key)) {
                    Some(v) => Some(String::from_utf8_lossy(v).into_owned()),
                    None if r.optional == Some(true) => None,
                    None => {
                        return Err(doc.error(
                            format!("{at}.valueFrom.{sub}"),
                            format!("{kind} `{}` with key `{}` is not in the YAML (give it with --configmap, or in the same file)", r.name, r.key),
                        ))
                    }
                }
            }
        };
        if let Some(v) = value {
            args.push(format!("--env={}={v}", e.name));
        }
    }
    for (i, m) in c.volume_mounts.iter().enumerate() {
        let at = format!("{field}.volumeMounts[{i}]");
        let Some((source, ro_source)) = sources.get(m.name.as_str()) else {
            return Err(doc.error(
                format!("{at}.name"),
                format!("no volume named `{}` in the pod", m.name),
            ));
        };
        if m.sub_path.is_some() || m.sub_path_expr.is_some() {
            return Err(doc.error(
                format!("{at}.subPath"),
                "berth: subPath mounts are not supported yet",
            ));
        }
        notes.field(
            doc,
            &format!("{at}.mountPropagation"),
            m.mount_propagation.is_some(),
        );
        if !m.mount_path.starts_with('/') {
            return Err(doc.error(format!("{at}.mountPath"), "must be an absolute path"));
        }
        // podman takes `-v` options after the path (`/data:z`).
        let (path, mut options) = match m.mount_path.split_once(':') {
            Some((p, o)) => (
                p,
                o.split(',')
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            None => (m.mount_path.as_str(), Vec::<String>::new()),
        };
        if (*ro_source || m.read_only == Some(true)) && !options.iter().any(|o| o == "ro") {
            options.push("ro".into());
        }
        if options.is_empty() {
            args.push(format!("--volume={source}:{path}"));
        } else {
            args.push(format!("--volume={source}:{path}:{}", options.join(",")));
        }
    }
    // Security: the container's context over the pod's.
    let pod_sc = spec.security_context.clone().unwrap_or_default();
    let sc = c.security_context.clone().unwrap_or_default();
    if let Some(s) = &c.security_context {
        note_security(doc, &format!("{field}.securityContext"), s, notes);
    }
    if sc.privileged.or(pod_sc.privileged) == Some(true) {
        args.push("--privileged".into());
    }
    match (
        sc.run_as_user.or(pod_sc.run_as_user),
        sc.run_as_group.or(pod_sc.run_as_group),
    ) {
        (Some(u), Some(g)) => args.push(format!("--user={u}:{g}")),
        (Some(u), None) => args.push(format!("--user={u}")),
        (None, Some(_)) => {
            return Err(doc.error(
                format!("{field}.securityContext.runAsGroup"),
                "berth: runAsGroup without runAsUser is not supported yet",
            ))
        }
        (None, None) => {}
    }
    if sc
        .read_only_root_filesystem
        .or(pod_sc.read_only_root_filesystem)
        == Some(true)
    {
        args.push("--read-only".into());
    }
    if sc.allow_privilege_escalation == Some(false) {
        args.push("--security-opt=no-new-privileges".into());
    }
    if let Some(caps) = &sc.capabilities {
        for cap in &caps.add {
            args.push(format!("--cap-add={cap}"));
        }
        for cap in &caps.drop {
            args.push(format!("--cap-drop={cap}"));
        }
    }
    let fields = [
        ("resources", c.resources.is_some()),
        ("livenessProbe", c.liveness_probe.is_some()),
        ("readinessProbe", c.readiness_probe.is_some()),
        ("startupProbe", c.startup_probe.is_some()),
        ("lifecycle", c.lifecycle.is_some()),
        ("stdinOnce", c.stdin_once.is_some()),
        (
            "terminationMessagePath",
            c.termination_message_path.is_some(),
        ),
        (
            "terminationMessagePolicy",
            c.termination_message_policy.is_some(),
        ),
        ("volumeDevices", c.volume_devices.is_some()),
        ("resizePolicy", c.resize_policy.is_some()),
        ("restartPolicy", c.restart_policy.is_some()),
    ];
    for (name, present) in fields {
        // An empty `resources: {}` (what generators write) asks for nothing.
        let empty = name == "resources"
            && c.resources
                .as_ref()
                .is_some_and(|r| r.as_object().is_some_and(|m| m.is_empty()));
        notes.field(doc, &format!("{field}.{name}"), present && !empty);
    }
    if let Some(cmd) = &c.command {
        let json = serde_json::to_string(cmd).unwrap_or_default();
        args.push(format!("--entrypoint={json}"));
    }
    args.push(image);
    if let Some(a) = &c.args {
        args.extend(a.iter().cloned());
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  GREETING: hello
  file.txt: contents
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: main
        image: busybox
        command: [sh, -c]
        args: ["echo $GREETING"]
        env:
        - name: G
          valueFrom:
            configMapKeyRef: {name: cfg, key: GREETING}
        envFrom:
        - configMapRef: {name: cfg}
        ports:
        - containerPort: 80
          hostPort: 8080
        volumeMounts:
        - {name: store, mountPath: /data}
        - {name: conf, mountPath: /etc/conf}
        livenessProbe: {exec: {command: [true]}}
      volumes:
      - name: store
        persistentVolumeClaim: {claimName: data}
      - name: conf
        configMap: {name: cfg}
---
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  ports: [{port: 80}]
"#;

    #[test]
    fn a_deployment_becomes_replicas_of_a_pod_with_configmap_env_and_a_claim() {
        let docs = super::super::parse("d.yaml", DEPLOY).unwrap();
        let plan = plan(&docs, &PlayOptions::default()).unwrap();
        let names: Vec<&str> = plan.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["app-pod-0", "app-pod-1"]);
        let pod = &plan.pods[0];
        assert!(pod.args.contains(&"--publish=8080:80/tcp".to_string()));
        assert!(pod.args.contains(&"--label=app=app".to_string()));
        let c = &pod.containers[0];
        assert_eq!(c.name, "app-pod-0-main");
        for want in [
            "--pod=app-pod-0",
            "--env=G=hello",
            "--env=GREETING=hello",
            "--volume=data:/data",
            "--volume=app-pod-0-conf:/etc/conf:ro",
            r#"--entrypoint=["sh","-c"]"#,
            "busybox",
            "echo $GREETING",
        ] {
            assert!(c.args.contains(&want.to_string()), "{want} in {:?}", c.args);
        }
        assert_eq!(plan.volumes[0].name, "data");
        assert_eq!(plan.volumes[0].kind, VolumeKind::Claim);
        let conf = plan
            .volumes
            .iter()
            .find(|v| v.name == "app-pod-0-conf")
            .unwrap();
        assert_eq!(conf.kind, VolumeKind::Owned);
        assert!(conf
            .files
            .contains(&("file.txt".into(), b"contents".to_vec())));
        // Reported once, not once per replica.
        let probes = plan
            .notes
            .iter()
            .filter(|n| n.contains("livenessProbe"))
            .count();
        assert_eq!(probes, 1, "{:?}", plan.notes);
        assert!(plan
            .notes
            .iter()
            .any(|n| n.contains("Service `app` ignored")));
        let made = made(&docs).unwrap();
        assert_eq!(made.pods, ["app-pod-0", "app-pod-1"]);
        assert_eq!(made.claims, ["data"]);
        assert_eq!(made.owned_volumes, ["app-pod-0-conf", "app-pod-1-conf"]);
    }

    #[test]
    fn bad_documents_name_the_field() {
        let missing_image =
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n";
        let docs = super::super::parse("p.yaml", missing_image).unwrap();
        let e = plan(&docs, &PlayOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`p.yaml`: document 1 (Pod p): spec.containers[0].image: missing: every container needs an image"
        );
        let no_map = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    env:\n    - name: X\n      valueFrom: {configMapKeyRef: {name: nope, key: k}}\n";
        let docs = super::super::parse("p.yaml", no_map).unwrap();
        let e = plan(&docs, &PlayOptions::default()).unwrap_err();
        assert!(e.field.ends_with("env[0].valueFrom.configMapKeyRef"), "{e}");
        let opts = PlayOptions {
            publish: vec!["nonsense".into()],
            ..PlayOptions::default()
        };
        let ok = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: i}\n";
        let docs = super::super::parse("p.yaml", ok).unwrap();
        assert!(plan(&docs, &opts)
            .unwrap_err()
            .why
            .contains("invalid --publish"));
        let opts = PlayOptions {
            publish: vec!["127.0.0.1:9090:80".into()],
            network: vec!["pasta".into()],
            ..PlayOptions::default()
        };
        let p = plan(&docs, &opts).unwrap();
        assert!(p.pods[0]
            .args
            .contains(&"--publish=127.0.0.1:9090:80/tcp".to_string()));
        assert!(p.pods[0].args.contains(&"--network=pasta".to_string()));
        assert_eq!(
            p.pods[0].containers[0].args.last().map(String::as_str),
            Some("i")
        );

        // podman's extras: a named port is published on its own number, `-v` options
        // after the mount path, annotations of at most 63 characters.
        let extras = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {a: b}\nspec:\n  containers:\n  - name: c\n    image: i\n    ports: [{name: web, containerPort: 8080}]\n    volumeMounts: [{name: v, mountPath: '/d:z'}]\n  volumes: [{name: v, hostPath: {path: /tmp}}]\n";
        let docs = super::super::parse("p.yaml", extras).unwrap();
        let p = plan(&docs, &PlayOptions::default()).unwrap();
        assert!(p.pods[0]
            .args
            .contains(&"--publish=8080:8080/tcp".to_string()));
        let args = &p.pods[0].containers[0].args;
        assert!(args.contains(&"--volume=/tmp:/d:z".to_string()), "{args:?}");
        assert!(args.contains(&"--annotation=a=b".to_string()), "{args:?}");
        let long = extras.replace("{a: b}", &format!("{{a: {}}}", "x".repeat(64)));
        let docs = super::super::parse("p.yaml", &long).unwrap();
        let e = plan(&docs, &PlayOptions::default()).unwrap_err();
        assert!(e.why.starts_with("invalid annotation \"a\"="), "{e}");
    }
}
