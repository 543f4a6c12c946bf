//! `berth images` and `berth rmi`.

use crate::util::Env;

#[test]
fn images_table_has_podman_columns() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    let out = env.berth(["images"]).output();
    out.success();
    let lines = out.stdout_lines();
    let header = lines.first().unwrap_or_else(|| out.fail("no header"));
    let mut at = 0;
    for col in ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"] {
        let pos = header[at..]
            .find(col)
            .unwrap_or_else(|| out.fail(&format!("header lacks {col} (in order)")));
        at += pos + col.len();
    }
    out.check(lines.len() == 2, "one header and one image row");
    let row = &lines[1];
    out.check(row.starts_with("localhost/busybox"), "row names the image");
    out.check(row.contains(" latest "), "row has the tag");
    out.check(row.contains(&id[..12]), "row has the 12-char short id");
}

#[test]
fn images_quiet_prints_short_ids() {
    let Some(env) = Env::rootless() else { return };
    env.berth(["images", "-q"]).output().success().stdout_eq("");
    let id = env.import_busybox();
    env.berth(["images", "-q"])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &id[..12]));
}

#[test]
fn images_json() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    let out = env.berth(["images", "--format", "json"]).output();
    out.success();
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| out.fail(&format!("not JSON: {e}")));
    let list = value
        .as_array()
        .unwrap_or_else(|| out.fail("expected a JSON array"));
    out.check(list.len() == 1, "exactly one image");
    let image = &list[0];
    let json_id = image["Id"].as_str().unwrap_or_default();
    out.check(json_id == id, "Id is the full image id");
    let names: Vec<&str> = image["Names"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    out.check(
        names == ["localhost/busybox:latest"],
        "Names lists localhost/busybox:latest",
    );
    out.check(
        image["Size"].as_u64().is_some_and(|s| s > 1_000_000),
        "Size counts the busybox binary",
    );
}

#[test]
fn images_json_empty_store_is_empty_array() {
    let Some(env) = Env::rootless() else { return };
    let out = env.berth(["images", "--format", "json"]).output();
    out.success();
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| out.fail(&format!("not JSON: {e}")));
    out.check(value == serde_json::json!([]), "an empty store lists []");
}

#[test]
fn rmi_untags_and_deletes() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    env.berth(["rmi", "busybox"])
        .output()
        .success()
        .stdout_eq(&format!(
            "Untagged: localhost/busybox:latest\nDeleted: {id}\n"
        ));
    env.berth(["images", "-q"]).output().success().stdout_eq("");
    env.berth(["run", "--rm", "--pull=never", "busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("image not known");
}

#[test]
fn rmi_by_short_id() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    env.berth(["rmi", &id[..12]])
        .output()
        .success()
        .stdout_contains(&format!("Deleted: {id}\n"));
    env.berth(["images", "-q"]).output().success().stdout_eq("");
}

#[test]
fn rmi_unknown_image_exits_1() {
    // podman-rmi(1): exit 1 when a named image does not exist (125 is for other errors).
    let Some(env) = Env::rootless() else { return };
    env.berth(["rmi", "nosuchimage"])
        .output()
        .code(1)
        .stderr_is_one_error()
        .stderr_contains("nosuchimage")
        .stderr_contains("image not known");
}
