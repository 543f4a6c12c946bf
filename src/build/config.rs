//! The image config as a build changes it, step by step (pure). The config is kept as JSON
//! (`serde_json::Value`) so that docker's extensions the OCI types drop (`Healthcheck`,
//! `OnBuild`, `Shell`) survive.

use serde_json::{json, Map, Value};

/// The config of `FROM scratch`.
pub fn scratch(os: &str, architecture: &str) -> Value {
    json!({
        "architecture": architecture,
        "os": os,
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [],
    })
}

/// A base image's config made ready to build on: docker's old `container` fields go.
pub fn from_base(mut base: Value) -> Value {
    if let Some(top) = base.as_object_mut() {
        top.remove("container");
        top.remove("container_config");
        top.remove("docker_version");
        if !top.get("config").is_some_and(Value::is_object) {
            top.insert("config".into(), json!({}));
        }
        if !top.get("rootfs").is_some_and(Value::is_object) {
            top.insert("rootfs".into(), json!({"type": "layers", "diff_ids": []}));
        }
    }
    base
}

fn runtime(config: &mut Value) -> &mut Map<String, Value> {
    if !config["config"].is_object() {
        config["config"] = json!({});
    }
    config["config"].as_object_mut().expect("an object")
}

/// The `config` object's string list `key` (`Env`, `Cmd`, ...).
pub fn strings(config: &Value, key: &str) -> Vec<String> {
    config["config"][key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The `config` object's string `key` (`User`, `WorkingDir`).
pub fn text(config: &Value, key: &str) -> Option<String> {
    config["config"][key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The image's environment as pairs, in order.
pub fn env(config: &Value) -> Vec<(String, String)> {
    strings(config, "Env")
        .into_iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (e, String::new()),
        })
        .collect()
}

/// Set (or replace, keeping its place) one environment variable.
pub fn set_env(config: &mut Value, key: &str, value: &str) {
    let mut list = strings(config, "Env");
    let entry = format!("{key}={value}");
    match list
        .iter()
        .position(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k) == key)
    {
        Some(i) => list[i] = entry,
        None => list.push(entry),
    }
    runtime(config).insert("Env".into(), json!(list));
}

/// Set a string list (`Cmd`, `Entrypoint`, `Shell`).
pub fn set_list(config: &mut Value, key: &str, value: &[String]) {
    runtime(config).insert(key.into(), json!(value));
}

/// Remove a key from `config`.
pub fn remove(config: &mut Value, key: &str) {
    runtime(config).remove(key);
}

/// Set a string (`User`, `WorkingDir`, `StopSignal`).
pub fn set_text(config: &mut Value, key: &str, value: &str) {
    runtime(config).insert(key.into(), json!(value));
}

/// Add one key to an object-valued field (`ExposedPorts`, `Volumes`).
pub fn add_key(config: &mut Value, field: &str, key: &str) {
    let rt = runtime(config);
    let obj = rt.entry(field).or_insert_with(|| json!({}));
    if !obj.is_object() {
        *obj = json!({});
    }
    obj[key] = json!({});
}

/// Set one label.
pub fn set_label(config: &mut Value, key: &str, value: &str) {
    let rt = runtime(config);
    let obj = rt.entry("Labels").or_insert_with(|| json!({}));
    if !obj.is_object() {
        *obj = json!({});
    }
    obj[key] = json!(value);
}

/// Append an ONBUILD trigger.
pub fn add_onbuild(config: &mut Value, trigger: &str) {
    let mut list = strings(config, "OnBuild");
    list.push(trigger.to_string());
    runtime(config).insert("OnBuild".into(), json!(list));
}

/// `EXPOSE 80` means `80/tcp`; a protocol is lower-cased.
pub fn port_key(port: &str) -> Option<String> {
    let (num, proto) = match port.split_once('/') {
        Some((n, p)) => (n, p.to_ascii_lowercase()),
        None => (port, "tcp".to_string()),
    };
    let valid_num = |n: &str| n.parse::<u16>().is_ok_and(|v| v > 0);
    let ok = match num.split_once('-') {
        Some((a, b)) => valid_num(a) && valid_num(b),
        None => valid_num(num),
    };
    (ok && matches!(proto.as_str(), "tcp" | "udp" | "sctp")).then(|| format!("{num}/{proto}"))
}

/// The `Healthcheck` object docker stores: durations in nanoseconds, `Test` with `CMD`,
/// `CMD-SHELL` or `NONE` first.
pub fn healthcheck(
    test: Vec<String>,
    interval: Option<std::time::Duration>,
    timeout: Option<std::time::Duration>,
    start_period: Option<std::time::Duration>,
    start_interval: Option<std::time::Duration>,
    retries: Option<u64>,
) -> Value {
    let mut h = Map::new();
    h.insert("Test".into(), json!(test));
    let ns = |d: std::time::Duration| json!(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    if let Some(d) = interval {
        h.insert("Interval".into(), ns(d));
    }
    if let Some(d) = timeout {
        h.insert("Timeout".into(), ns(d));
    }
    if let Some(d) = start_period {
        h.insert("StartPeriod".into(), ns(d));
    }
    if let Some(d) = start_interval {
        h.insert("StartInterval".into(), ns(d));
    }
    if let Some(r) = retries {
        h.insert("Retries".into(), json!(r));
    }
    Value::Object(h)
}

/// Set the healthcheck.
pub fn set_healthcheck(config: &mut Value, value: Value) {
    runtime(config).insert("Healthcheck".into(), value);
}

/// Record one step: `created`, a history entry, and for a layer its diff id.
pub fn record_step(config: &mut Value, created: &str, created_by: &str, diff_id: Option<&str>) {
    config["created"] = json!(created);
    let mut entry = Map::new();
    entry.insert("created".into(), json!(created));
    entry.insert("created_by".into(), json!(created_by));
    match diff_id {
        Some(d) => {
            if !config["rootfs"]["diff_ids"].is_array() {
                config["rootfs"] = json!({"type": "layers", "diff_ids": []});
            }
            if let Some(ids) = config["rootfs"]["diff_ids"].as_array_mut() {
                ids.push(json!(d));
            }
        }
        None => {
            entry.insert("empty_layer".into(), json!(true));
        }
    }
    if !config["history"].is_array() {
        config["history"] = json!([]);
    }
    if let Some(h) = config["history"].as_array_mut() {
        h.push(Value::Object(entry));
    }
}

/// The config's bytes (the image id is their digest).
pub fn bytes(config: &Value) -> Vec<u8> {
    serde_json::to_vec(config).unwrap_or_default()
}

/// The id an image with this config gets: the sha256 of its bytes, in hex.
pub fn id(config: &Value) -> String {
    crate::storage::hex_of(&crate::image::blob::sha256_digest(&bytes(config))).to_string()
}

/// RFC 3339 text of `seconds` since the epoch (UTC).
pub fn time_text(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_is_replaced_in_place() {
        let mut c = scratch("linux", "amd64");
        set_env(&mut c, "A", "1");
        set_env(&mut c, "B", "2");
        set_env(&mut c, "A", "3");
        assert_eq!(strings(&c, "Env"), vec!["A=3", "B=2"]);
        assert_eq!(env(&c)[1], ("B".to_string(), "2".to_string()));
    }

    #[test]
    fn metadata_fields() {
        let mut c = from_base(json!({"os": "linux", "container_config": {}}));
        assert!(c.get("container_config").is_none());
        add_key(&mut c, "ExposedPorts", &port_key("80").unwrap());
        add_key(&mut c, "Volumes", "/data");
        set_label(&mut c, "a", "b");
        add_onbuild(&mut c, "RUN true");
        set_text(&mut c, "User", "nobody");
        assert_eq!(c["config"]["ExposedPorts"], json!({"80/tcp": {}}));
        assert_eq!(c["config"]["Volumes"], json!({"/data": {}}));
        assert_eq!(c["config"]["Labels"], json!({"a": "b"}));
        assert_eq!(strings(&c, "OnBuild"), vec!["RUN true"]);
        assert_eq!(text(&c, "User").as_deref(), Some("nobody"));
    }

    #[test]
    fn ports() {
        assert_eq!(port_key("53/UDP").as_deref(), Some("53/udp"));
        assert_eq!(port_key("8000-8010").as_deref(), Some("8000-8010/tcp"));
        assert_eq!(port_key("x"), None);
        assert_eq!(port_key("80/xyz"), None);
    }

    #[test]
    fn steps_are_recorded() {
        let mut c = scratch("linux", "amd64");
        record_step(&mut c, "1970-01-01T00:00:00Z", "CMD", None);
        record_step(&mut c, "1970-01-01T00:00:01Z", "RUN", Some("sha256:aa"));
        assert_eq!(c["history"][0]["empty_layer"], json!(true));
        assert!(c["history"][1].get("empty_layer").is_none());
        assert_eq!(c["rootfs"]["diff_ids"], json!(["sha256:aa"]));
        assert_eq!(c["created"], "1970-01-01T00:00:01Z");
        assert_eq!(id(&c), id(&c.clone()));
        assert_eq!(time_text(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn healthcheck_in_nanoseconds() {
        let h = healthcheck(
            vec!["CMD-SHELL".into(), "true".into()],
            Some(std::time::Duration::from_secs(30)),
            None,
            None,
            None,
            Some(3),
        );
        assert_eq!(h["Interval"], json!(30_000_000_000u64));
        assert_eq!(h["Retries"], json!(3));
        assert!(h.get("Timeout").is_none());
    }
}
