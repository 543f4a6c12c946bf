//! The Compose Specification's model, as berth reads it: serde types for a file after
//! [`super::load`] has interpolated it, merged the `-f` files, resolved `extends` and turned
//! the short forms that merge by key (`environment` lists, `depends_on` lists, `networks`
//! lists…) into their long form.
//!
//! The keys of each level are in three lists: what berth runs, what it may ignore (it has no
//! meaning for a rootless engine on one host), and what it refuses as not supported yet. A
//! unit test checks the lists against the specification's JSON schema; a key in none of them
//! is unknown and is warned about once.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// The keys of one level of the file: berth's own, the ignored, the refused.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    pub level: &'static str,
    pub supported: &'static [&'static str],
    pub ignored: &'static [&'static str],
    pub unsupported: &'static [&'static str],
}

impl Keys {
    pub fn knows(&self, key: &str) -> bool {
        self.supported.contains(&key)
            || self.ignored.contains(&key)
            || self.unsupported.contains(&key)
    }
}

pub const TOP_KEYS: Keys = Keys {
    level: "top level",
    supported: &[
        "name", "services", "networks", "volumes", "secrets", "configs",
    ],
    ignored: &["version"],
    unsupported: &["include", "models"],
};

pub const SERVICE_KEYS: Keys = Keys {
    level: "service",
    supported: &[
        "annotations",
        "build",
        "cap_add",
        "cap_drop",
        "command",
        "configs",
        "container_name",
        "cpus",
        "depends_on",
        "deploy",
        "devices",
        "dns",
        "dns_opt",
        "dns_search",
        "entrypoint",
        "env_file",
        "environment",
        "expose",
        "extends",
        "extra_hosts",
        "group_add",
        "healthcheck",
        "hostname",
        "image",
        "init",
        "ipc",
        "labels",
        "logging",
        "mac_address",
        "mem_limit",
        "mem_reservation",
        "memswap_limit",
        "network_mode",
        "networks",
        "pids_limit",
        "ports",
        "privileged",
        "profiles",
        "pull_policy",
        "read_only",
        "restart",
        "scale",
        "secrets",
        "security_opt",
        "shm_size",
        "stdin_open",
        "stop_grace_period",
        "stop_signal",
        "sysctls",
        "tmpfs",
        "tty",
        "ulimits",
        "user",
        "volumes",
        "volumes_from",
        "working_dir",
    ],
    ignored: &[
        "develop",
        "isolation",
        "credential_spec",
        "platform",
        "attach",
    ],
    unsupported: &[
        "blkio_config",
        "cgroup",
        "cgroup_parent",
        "cpu_count",
        "cpu_percent",
        "cpu_period",
        "cpu_quota",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "cpu_shares",
        "cpuset",
        "device_cgroup_rules",
        "domainname",
        "external_links",
        "gpus",
        "label_file",
        "links",
        "mem_swappiness",
        "models",
        "oom_kill_disable",
        "oom_score_adj",
        "pid",
        "post_start",
        "pre_stop",
        "provider",
        "pull_refresh_after",
        "runtime",
        "storage_opt",
        "use_api_socket",
        "userns_mode",
        "uts",
    ],
};

pub const BUILD_KEYS: Keys = Keys {
    level: "build",
    supported: &[
        "context",
        "dockerfile",
        "args",
        "target",
        "labels",
        "no_cache",
        "pull",
        "tags",
        "network",
    ],
    ignored: &[
        "cache_from",
        "cache_to",
        "platforms",
        "isolation",
        "provenance",
        "sbom",
    ],
    unsupported: &[
        "dockerfile_inline",
        "entitlements",
        "ssh",
        "additional_contexts",
        "shm_size",
        "extra_hosts",
        "privileged",
        "secrets",
        "ulimits",
    ],
};

pub const HEALTHCHECK_KEYS: Keys = Keys {
    level: "healthcheck",
    supported: &[
        "test",
        "interval",
        "timeout",
        "retries",
        "start_period",
        "disable",
    ],
    ignored: &[],
    unsupported: &["start_interval"],
};

pub const NETWORK_KEYS: Keys = Keys {
    level: "network",
    supported: &[
        "name",
        "external",
        "labels",
        "driver",
        "internal",
        "enable_ipv6",
        "ipam",
    ],
    ignored: &["attachable"],
    unsupported: &["driver_opts", "enable_ipv4"],
};

pub const VOLUME_KEYS: Keys = Keys {
    level: "volume",
    supported: &["name", "external", "labels", "driver", "driver_opts"],
    ignored: &[],
    unsupported: &[],
};

/// A compose file, resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct File {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub services: BTreeMap<String, Service>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, Network>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub volumes: BTreeMap<String, Volume>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, FileObject>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub configs: BTreeMap<String, FileObject>,
}

/// A string, or a list of strings (`command`, `entrypoint`, `healthcheck.test`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    String(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Service {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<Build>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<StringOrList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<StringOrList>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env_file: Vec<EnvFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expose: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Mount>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_from: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tmpfs: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, ServiceNetwork>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, Dependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_drop: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub init: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tty: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stdin_open: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_search: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_opt: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ulimits: BTreeMap<String, Ulimit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<Deploy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<FileRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<FileRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_grace_period: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_opt: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sysctls: BTreeMap<String, String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub shm_size: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub mem_limit: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub mem_reservation: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub memswap_limit: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub cpus: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub pids_limit: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Build {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_cache: Option<bool>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub pull: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvFile {
    pub path: String,
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// `ports`: `"[IP:][HOST:]CONTAINER[/PROTO]"`, or the long form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Port {
    Short(String),
    Long(PortLong),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortLong {
    #[serde(deserialize_with = "scalar")]
    pub target: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// `volumes` of a service: `"[SOURCE:]TARGET[:MODE]"`, or the long form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Mount {
    Short(String),
    Long(MountLong),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MountLong {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<BindOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<VolumeOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tmpfs: Option<TmpfsOptions>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BindOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_host_path: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selinux: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nocopy: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subpath: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TmpfsOptions {
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub size: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub mode: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceNetwork {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    #[serde(default = "started")]
    pub condition: Condition,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub restart: bool,
}

fn started() -> Condition {
    Condition::ServiceStarted
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    ServiceStarted,
    ServiceHealthy,
    ServiceCompletedSuccessfully,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Healthcheck {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<StringOrList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_period: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Ulimit {
    Single(i64),
    Pair { soft: i64, hard: i64 },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deploy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resources {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Limits>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub cpus: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub memory: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_scalar"
    )]
    pub pids: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Logging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// A service's use of a secret or config: `source` (the top-level name) and where it goes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRef {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Network {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub enable_ipv6: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipam: Option<Ipam>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ipam {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<IpamConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IpamConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Volume {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: BTreeMap<String, String>,
}

/// A top-level secret or config: from a file, an environment variable, or (configs) inline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileObject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
}

/// A scalar (string, number or bool) as its string.
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i64),
        U(u64),
        F(f64),
        B(bool),
    }
    Ok(match Scalar::deserialize(d)? {
        Scalar::S(s) => s,
        Scalar::I(n) => n.to_string(),
        Scalar::U(n) => n.to_string(),
        Scalar::F(n) => n.to_string(),
        Scalar::B(b) => b.to_string(),
    })
}

fn opt_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn schema() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/compose/compose-spec.json"
        );
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    fn check(keys: &Keys, props: &serde_json::Value) {
        let schema: BTreeSet<&str> = props
            .as_object()
            .unwrap_or_else(|| panic!("{}: no properties", keys.level))
            .keys()
            .map(String::as_str)
            .collect();
        let ours: Vec<&str> = keys
            .supported
            .iter()
            .chain(keys.ignored)
            .chain(keys.unsupported)
            .copied()
            .collect();
        let set: BTreeSet<&str> = ours.iter().copied().collect();
        assert_eq!(
            set.len(),
            ours.len(),
            "{}: a key is listed twice",
            keys.level
        );
        assert_eq!(
            set, schema,
            "{}: the key lists differ from the schema",
            keys.level
        );
    }

    #[test]
    fn key_lists_match_the_compose_spec_schema() {
        let s = schema();
        let defs = &s["definitions"];
        check(&TOP_KEYS, &s["properties"]);
        check(&SERVICE_KEYS, &defs["service"]["properties"]);
        check(
            &BUILD_KEYS,
            &defs["service"]["properties"]["build"]["oneOf"][1]["properties"],
        );
        check(&HEALTHCHECK_KEYS, &defs["healthcheck"]["properties"]);
        check(&NETWORK_KEYS, &defs["network"]["properties"]);
        check(&VOLUME_KEYS, &defs["volume"]["properties"]);
    }

    #[test]
    fn supported_service_keys_are_fields_of_the_model() {
        // Every key berth runs is a field of `Service` (serde would drop it silently
        // otherwise), except `extends`, which loading resolves.
        let fields = serde_json::to_value(filled()).unwrap();
        let have: BTreeSet<&str> = fields
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let want: BTreeSet<&str> = SERVICE_KEYS
            .supported
            .iter()
            .copied()
            .filter(|k| *k != "extends")
            .collect();
        assert_eq!(have, want);
    }

    fn filled() -> Service {
        let s = || Some("x".to_string());
        let v = || vec!["x".to_string()];
        let m = || BTreeMap::from([("k".to_string(), "v".to_string())]);
        Service {
            image: s(),
            build: Some(Build::default()),
            command: Some(StringOrList::String("x".into())),
            entrypoint: Some(StringOrList::String("x".into())),
            environment: BTreeMap::from([("k".to_string(), None)]),
            env_file: vec![EnvFile {
                path: "x".into(),
                required: true,
            }],
            ports: vec![Port::Short("1".into())],
            expose: v(),
            volumes: vec![Mount::Short("/x".into())],
            volumes_from: v(),
            tmpfs: v(),
            networks: BTreeMap::from([("n".to_string(), ServiceNetwork::default())]),
            network_mode: s(),
            depends_on: BTreeMap::from([(
                "d".to_string(),
                Dependency {
                    condition: Condition::ServiceStarted,
                    required: true,
                    restart: false,
                },
            )]),
            healthcheck: Some(Healthcheck::default()),
            restart: s(),
            user: s(),
            working_dir: s(),
            labels: m(),
            annotations: m(),
            cap_add: v(),
            cap_drop: v(),
            read_only: Some(true),
            init: Some(true),
            privileged: Some(true),
            tty: Some(true),
            stdin_open: Some(true),
            extra_hosts: v(),
            dns: v(),
            dns_search: v(),
            dns_opt: v(),
            hostname: s(),
            mac_address: s(),
            ulimits: BTreeMap::from([("nofile".to_string(), Ulimit::Single(1))]),
            deploy: Some(Deploy::default()),
            secrets: vec![FileRef::default()],
            configs: vec![FileRef::default()],
            profiles: v(),
            container_name: s(),
            stop_signal: s(),
            stop_grace_period: s(),
            security_opt: v(),
            sysctls: m(),
            shm_size: s(),
            mem_limit: s(),
            mem_reservation: s(),
            memswap_limit: s(),
            cpus: s(),
            pids_limit: s(),
            group_add: v(),
            devices: v(),
            ipc: s(),
            pull_policy: s(),
            scale: Some(1),
            logging: Some(Logging::default()),
        }
    }
}
