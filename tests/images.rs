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
        // podman's words, which scripts match exactly.
        .stderr_contains("Error: nosuchimage: image not known\n");
}

#[test]
fn images_filters_digests_and_templates() {
    let Some(env) = Env::rootless() else { return };
    let busybox = env.import_busybox();
    let out = env
        .berth(["import", "--change", "LABEL tier=web"])
        .arg(crate::util::fixtures::busybox_tar())
        .arg("localhost/web:v1")
        .output();
    out.success();
    let web = out.stdout().trim().trim_start_matches("sha256:").to_owned();
    out.check(web != busybox, "a different config gives a different image");

    env.berth(["images", "-q", "--filter", "label=tier=web"])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &web[..12]));
    env.berth(["images", "-q", "--filter", "label=tier=db"])
        .output()
        .success()
        .stdout_eq("");
    env.berth([
        "images",
        "--filter",
        "reference=busybox",
        "--format",
        "{{.Repository}}:{{.Tag}}",
    ])
    .output()
    .success()
    .stdout_eq("localhost/busybox:latest\n");
    env.berth(["images", "--filter", "reference=localhost/w*", "-q"])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &web[..12]));
    env.berth(["images", "-q", "--filter", "dangling=true"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["images", "-q", "--filter", "since=busybox"])
        .output()
        .success()
        .stdout_eq(&format!("{}\n", &web[..12]));

    let out = env.berth(["images", "--digests"]).output();
    out.success();
    let lines = out.stdout_lines();
    out.check(
        lines[0].contains("TAG") && lines[0].contains("DIGEST") && lines[0].contains("IMAGE ID"),
        "--digests adds a DIGEST column",
    );
    out.check(
        lines[1..].iter().all(|l| l.contains("sha256:")),
        "every row shows its digest",
    );

    let out = env
        .berth(["images", "--format", "table {{.ID}}\\t{{.Tag}}"])
        .output();
    out.success();
    let lines = out.stdout_lines();
    out.check(lines.len() == 3, "a heading and two rows");
    out.check(
        lines[0].starts_with("IMAGE ID") && lines[0].trim_end().ends_with("TAG"),
        "a table template gets podman's headings",
    );

    let out = env.berth(["images", "--filter", "colour=red"]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("colour=red");
    let out = env.berth(["images", "--format", "{{.Nope}}"]).output();
    out.code(125).stderr_contains("Nope");
}

#[test]
fn image_group_inspect_and_exists() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    env.berth(["image", "exists", "busybox"]).output().success();
    env.berth(["image", "exists", "localhost/nothing-here"])
        .output()
        .code(1)
        .stdout_eq("");
    env.berth(["image", "inspect", "--format", "{{.Id}}", "busybox"])
        .output()
        .success()
        .stdout_eq(&format!("{id}\n"));
    let out = env.berth(["image", "inspect", "busybox"]).output();
    out.success();
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| out.fail(&format!("not JSON: {e}")));
    out.check(v[0]["Id"] == id.as_str(), "image inspect prints the image");
}

#[test]
fn ps_and_volume_ls_take_templates() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["create", "--name", "tpl1", "busybox", "true"])
        .output()
        .success();
    env.berth(["ps", "-a", "--format", "{{.Names}}|{{.State}}|{{.Image}}"])
        .output()
        .success()
        .stdout_eq("tpl1|created|localhost/busybox:latest\n");
    let out = env
        .berth(["ps", "-a", "--format", "table {{.ID}}\\t{{.Names}}"])
        .output();
    out.success();
    let lines = out.stdout_lines();
    out.check(
        lines.len() == 2 && lines[0].starts_with("CONTAINER ID") && lines[1].ends_with("tpl1"),
        "table template: heading CONTAINER ID ... NAMES, then the row",
    );
    env.berth(["ps", "-a", "--format", "{{.Nope}}"])
        .output()
        .code(125)
        .stderr_contains("Nope");
    env.berth(["volume", "create", "tplvol"]).output().success();
    env.berth(["volume", "ls", "--format", "{{.Name}}:{{.Driver}}"])
        .output()
        .success()
        .stdout_eq("tplvol:local\n");
}

#[test]
fn images_sort_orders_rows_as_podman() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for tag in ["zzz.example/z:b", "aaa.example/a:c", "mmm.example/m:a"] {
        env.berth(["tag", "busybox", tag]).output().success();
    }
    let rows = |key: &str| {
        let out = env
            .berth([
                "images",
                "--sort",
                key,
                "--format",
                "{{.Repository}}:{{.Tag}}",
            ])
            .output();
        out.success();
        out.stdout_lines()
    };
    assert_eq!(
        rows("repository"),
        [
            "aaa.example/a:c",
            "localhost/busybox:latest",
            "mmm.example/m:a",
            "zzz.example/z:b"
        ]
    );
    assert_eq!(
        rows("tag"),
        [
            "mmm.example/m:a",
            "zzz.example/z:b",
            "aaa.example/a:c",
            "localhost/busybox:latest"
        ]
    );
    env.berth(["images", "--sort", "bogus"])
        .expect_stderr()
        .output()
        .code(125);
}

#[test]
fn history_format_json_and_human() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    let out = env
        .berth([
            "history",
            "--format",
            "{{.ID}}\t{{.Size}}|{{.CreatedSince}}",
            "busybox",
        ])
        .output();
    out.success();
    let first = out.stdout_lines()[0].clone();
    assert!(
        first.starts_with(&format!("{}\t", &id[..12])) && first.ends_with(" ago"),
        "{first:?}"
    );
    let out = env
        .berth(["history", "--format", "json", "busybox"])
        .output();
    out.success();
    let v: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    assert_eq!(v[0]["id"], id.as_str());
    assert!(v[0]["size"].is_u64());
    // --human=false prints RFC 3339 times in UTC.
    let out = env
        .berth([
            "history",
            "--human=false",
            "--format",
            "{{.Created}}",
            "busybox",
        ])
        .output();
    out.success();
    assert!(out.stdout_lines()[0].ends_with('Z'), "{}", out.report());
    env.berth(["history", "--format", "{{.Bogus}}", "busybox"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("Bogus");
}

#[test]
fn history_human_takes_its_value_only_after_an_equals_sign() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    // `-qH IMAGE`: the image is not -H's value (podman's boolean flags).
    let out = env.berth(["history", "-qH", "busybox"]).output();
    out.success();
    assert_eq!(out.stdout_lines()[0], &id[..12]);
    env.berth(["history", "--human=false", "-q", "busybox"])
        .output()
        .success();
}
