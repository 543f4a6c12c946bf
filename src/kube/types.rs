//! The Kubernetes objects `kube play` reads, as serde types. Every field Kubernetes defines
//! for them is named here, so a field that is not Kubernetes' (a typo) is refused by
//! `deny_unknown_fields`, with its path; fields berth cannot honour are kept as raw values
//! (`Option<Value>`) and reported once (see `play::Notes`).
//!
//! k8s-openapi's generated types were the first choice; they are left out because they are a
//! very large compile for the few kinds berth plays (see Cargo.toml).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// `metadata`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ObjectMeta {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub generate_name: Option<String>,
    pub creation_timestamp: Option<Value>,
    pub uid: Option<Value>,
    pub resource_version: Option<Value>,
    pub generation: Option<Value>,
    pub self_link: Option<Value>,
    pub deletion_timestamp: Option<Value>,
    pub deletion_grace_period_seconds: Option<Value>,
    pub owner_references: Option<Value>,
    pub finalizers: Option<Value>,
    pub managed_fields: Option<Value>,
}

/// `kind: Pod`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pod {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
    #[serde(default)]
    pub status: Option<Value>,
}

/// `kind: Deployment` (and `DaemonSet`, with `replicas` left out).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: WorkloadSpec,
    #[serde(default)]
    pub status: Option<Value>,
}

/// A Deployment's or DaemonSet's `spec`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadSpec {
    #[serde(default)]
    pub replicas: Option<u32>,
    pub template: PodTemplate,
    #[serde(default)]
    pub selector: Option<Value>,
    #[serde(default)]
    pub strategy: Option<Value>,
    #[serde(default)]
    pub update_strategy: Option<Value>,
    #[serde(default)]
    pub min_ready_seconds: Option<Value>,
    #[serde(default)]
    pub revision_history_limit: Option<Value>,
    #[serde(default)]
    pub paused: Option<Value>,
    #[serde(default)]
    pub progress_deadline_seconds: Option<Value>,
}

/// `spec.template`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodTemplate {
    #[serde(default)]
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
}

/// A pod's `spec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodSpec {
    pub containers: Vec<Container>,
    pub volumes: Vec<Volume>,
    pub restart_policy: Option<String>,
    pub hostname: Option<String>,
    pub host_network: Option<bool>,
    pub host_aliases: Vec<HostAlias>,
    pub dns_config: Option<DnsConfig>,
    pub security_context: Option<SecurityContext>,
    pub termination_grace_period_seconds: Option<u32>,
    // Accepted, not honoured (reported):
    pub init_containers: Option<Value>,
    pub ephemeral_containers: Option<Value>,
    pub dns_policy: Option<Value>,
    pub node_selector: Option<Value>,
    pub node_name: Option<Value>,
    pub service_account_name: Option<Value>,
    pub service_account: Option<Value>,
    pub automount_service_account_token: Option<Value>,
    pub affinity: Option<Value>,
    pub tolerations: Option<Value>,
    pub priority: Option<Value>,
    pub priority_class_name: Option<Value>,
    pub preemption_policy: Option<Value>,
    pub enable_service_links: Option<Value>,
    pub share_process_namespace: Option<Value>,
    #[serde(rename = "hostPID")]
    pub host_pid: Option<Value>,
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<Value>,
    pub host_users: Option<Value>,
    pub subdomain: Option<Value>,
    pub scheduler_name: Option<Value>,
    pub image_pull_secrets: Option<Value>,
    pub active_deadline_seconds: Option<Value>,
    pub readiness_gates: Option<Value>,
    pub runtime_class_name: Option<Value>,
    pub topology_spread_constraints: Option<Value>,
    pub overhead: Option<Value>,
    pub os: Option<Value>,
    #[serde(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<Value>,
    pub resource_claims: Option<Value>,
    pub scheduling_gates: Option<Value>,
}

/// `hostAliases[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HostAlias {
    pub ip: String,
    pub hostnames: Vec<String>,
}

/// `dnsConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DnsConfig {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<DnsOption>,
}

/// `dnsConfig.options[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DnsOption {
    pub name: String,
    pub value: Option<String>,
}

/// `containers[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Container {
    pub name: String,
    pub image: Option<String>,
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub env: Vec<EnvVar>,
    pub env_from: Vec<EnvFromSource>,
    pub ports: Vec<ContainerPort>,
    pub volume_mounts: Vec<VolumeMount>,
    pub security_context: Option<SecurityContext>,
    pub stdin: Option<bool>,
    pub tty: Option<bool>,
    pub image_pull_policy: Option<String>,
    // Accepted, not honoured (reported):
    pub resources: Option<Value>,
    pub liveness_probe: Option<Value>,
    pub readiness_probe: Option<Value>,
    pub startup_probe: Option<Value>,
    pub lifecycle: Option<Value>,
    pub stdin_once: Option<Value>,
    pub termination_message_path: Option<Value>,
    pub termination_message_policy: Option<Value>,
    pub volume_devices: Option<Value>,
    pub resize_policy: Option<Value>,
    pub restart_policy: Option<Value>,
}

/// `env[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
    pub value_from: Option<EnvVarSource>,
}

/// `env[].valueFrom`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvVarSource {
    pub config_map_key_ref: Option<KeyRef>,
    pub secret_key_ref: Option<KeyRef>,
    pub field_ref: Option<Value>,
    pub resource_field_ref: Option<Value>,
}

/// `configMapKeyRef` / `secretKeyRef`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KeyRef {
    pub name: String,
    pub key: String,
    pub optional: Option<bool>,
}

/// `envFrom[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvFromSource {
    pub prefix: Option<String>,
    pub config_map_ref: Option<NameRef>,
    pub secret_ref: Option<NameRef>,
}

/// `configMapRef` / `secretRef`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NameRef {
    pub name: String,
    pub optional: Option<bool>,
}

/// `ports[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerPort {
    pub container_port: u16,
    pub host_port: Option<u16>,
    pub protocol: Option<String>,
    #[serde(rename = "hostIP")]
    pub host_ip: Option<String>,
    pub name: Option<String>,
}

/// `volumeMounts[]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    pub read_only: Option<bool>,
    pub sub_path: Option<Value>,
    pub sub_path_expr: Option<Value>,
    pub mount_propagation: Option<Value>,
    pub recursive_read_only: Option<Value>,
}

/// `securityContext` (the container's, or the pod's defaults).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SecurityContext {
    pub privileged: Option<bool>,
    pub run_as_user: Option<u32>,
    pub run_as_group: Option<u32>,
    pub read_only_root_filesystem: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub capabilities: Option<Capabilities>,
    // Accepted, not honoured (reported):
    pub run_as_non_root: Option<Value>,
    pub se_linux_options: Option<Value>,
    pub seccomp_profile: Option<Value>,
    pub app_armor_profile: Option<Value>,
    pub proc_mount: Option<Value>,
    pub windows_options: Option<Value>,
    pub fs_group: Option<Value>,
    pub fs_group_change_policy: Option<Value>,
    pub supplemental_groups: Option<Value>,
    pub supplemental_groups_policy: Option<Value>,
    pub sysctls: Option<Value>,
}

/// `securityContext.capabilities`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Capabilities {
    pub add: Vec<String>,
    pub drop: Vec<String>,
}

/// `volumes[]`: one source each.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Volume {
    pub name: String,
    pub host_path: Option<HostPathSource>,
    pub persistent_volume_claim: Option<ClaimSource>,
    pub config_map: Option<ConfigMapSource>,
    pub secret: Option<SecretSource>,
    pub empty_dir: Option<Value>,
    // Accepted, not supported (an error: the container would lack its files):
    pub nfs: Option<Value>,
    pub csi: Option<Value>,
    pub projected: Option<Value>,
    pub downward_api: Option<Value>,
    pub ephemeral: Option<Value>,
    pub image: Option<Value>,
}

/// `volumes[].hostPath`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HostPathSource {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `volumes[].persistentVolumeClaim`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClaimSource {
    pub claim_name: String,
    pub read_only: Option<bool>,
}

/// `volumes[].configMap`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ConfigMapSource {
    pub name: String,
    pub items: Vec<KeyToPath>,
    pub optional: Option<bool>,
    pub default_mode: Option<Value>,
}

/// `volumes[].secret`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SecretSource {
    pub secret_name: String,
    pub items: Vec<KeyToPath>,
    pub optional: Option<bool>,
    pub default_mode: Option<Value>,
}

/// `items[]` of a configMap or secret volume.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KeyToPath {
    pub key: String,
    pub path: String,
    pub mode: Option<Value>,
}

/// `kind: ConfigMap` and `kind: Secret`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataObject {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    #[serde(default)]
    pub binary_data: BTreeMap<String, String>,
    #[serde(default)]
    pub string_data: BTreeMap<String, String>,
    #[serde(default, rename = "type")]
    pub kind_of_secret: Option<String>,
    #[serde(default)]
    pub immutable: Option<bool>,
}

/// `kind: PersistentVolumeClaim` and `kind: Service`: only the name matters to berth.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Named {
    pub api_version: String,
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: Option<Value>,
    #[serde(default)]
    pub status: Option<Value>,
}
