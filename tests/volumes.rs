//! Named volumes: `volume create/ls/inspect/rm/prune/exists`, `-v NAME:/path` with copy-up,
//! `:ro` and `:U`, `--mount`, and anonymous volumes.

use std::fs;

use crate::util::{fixtures, Env};

fn volume_names(env: &Env) -> Vec<String> {
    env.berth(["volume", "ls", "-q"])
        .output()
        .success()
        .stdout_lines()
}

#[test]
fn volume_data_survive_the_container_and_are_shared() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "writer",
        "-v",
        "data:/data",
        "busybox",
        "sh",
        "-c",
        "echo kept > /data/f; chown 1000:1000 /data/f",
    ])
    .output()
    .success();
    env.berth(["rm", "writer"]).output().success();
    assert_eq!(volume_names(&env), ["data"], "created on first use");
    // A second container (another path) sees the data, owned as the first one left them.
    env.berth([
        "run",
        "--rm",
        "-v",
        "data:/elsewhere",
        "busybox",
        "sh",
        "-c",
        "cat /elsewhere/f; stat -c %u /elsewhere/f",
    ])
    .output()
    .success()
    .stdout_eq("kept\n1000\n");
    // `volume rm` deletes files that belong to subordinate ids (it runs in the session).
    env.berth(["volume", "rm", "data"])
        .output()
        .success()
        .stdout_eq("data\n");
    assert!(volume_names(&env).is_empty());
}

#[test]
fn a_new_volume_is_filled_from_the_image_once() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // /etc of the image: its files appear in the new volume.
    env.berth([
        "run",
        "--rm",
        "-v",
        "etcvol:/etc",
        "busybox",
        "cat",
        "/etc/passwd",
    ])
    .output()
    .success()
    .stdout_contains("tester:x:1000:1000");
    env.berth([
        "run",
        "--rm",
        "-v",
        "etcvol:/mnt",
        "busybox",
        "stat",
        "-c",
        "%n %a %u",
        "/mnt/passwd",
        "/mnt/group",
    ])
    .output()
    .success()
    .stdout_eq("/mnt/passwd 644 0\n/mnt/group 644 0\n");
    // Ownership and modes are kept: /home/tester belongs to 1000 in the image.
    env.berth([
        "run",
        "--rm",
        "-v",
        "homevol:/home",
        "busybox",
        "stat",
        "-c",
        "%u:%g %a",
        "/home/tester",
    ])
    .output()
    .success()
    .stdout_eq("1000:1000 755\n");
    // A volume that was mounted once is never filled again, even at a path with content.
    env.berth(["volume", "create", "used"])
        .output()
        .success()
        .stdout_eq("used\n");
    env.berth([
        "run",
        "--rm",
        "-v",
        "used:/x",
        "busybox",
        "touch",
        "/x/marker",
    ])
    .output()
    .success();
    env.berth(["run", "--rm", "-v", "used:/etc", "busybox", "ls", "/etc"])
        .output()
        .success()
        .stdout_eq("marker\n");
    // nocopy leaves a new volume empty.
    env.berth([
        "run",
        "--rm",
        "-v",
        "bare:/etc:nocopy",
        "busybox",
        "ls",
        "-A",
        "/etc",
    ])
    .output()
    .success()
    .stdout_eq("");
}

#[test]
fn read_only_and_chown_options() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "--rm",
            "-v",
            "ro:/data:ro",
            "busybox",
            "touch",
            "/data/x",
        ])
        .expect_stderr()
        .output();
    out.code(1).stderr_contains("Read-only file system");
    // :U gives the volume to the container's user, resolved in its /etc/passwd.
    env.berth([
        "run",
        "--rm",
        "-u",
        "tester",
        "-v",
        "mine:/data:U",
        "busybox",
        "sh",
        "-c",
        "stat -c %u:%g /data && touch /data/ok",
    ])
    .output()
    .success()
    .stdout_eq("1000:1000\n");
}

#[test]
fn volume_rm_refuses_a_volume_in_use_unless_forced() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "user",
        "-v",
        "busy:/data",
        "busybox",
        "true",
    ])
    .output()
    .success();
    let id = env
        .berth(["inspect", "--format", "{{.Id}}", "user"])
        .output()
        .success()
        .stdout();
    let out = env.berth(["volume", "rm", "busy"]).expect_stderr().output();
    out.code(2).check(
        out.stderr()
            == format!(
                "Error: volume busy is being used by the following container(s): {}: volume is being used\n",
                id.trim()
            ),
        "podman's words, with the users' full ids",
    );
    env.berth(["volume", "exists", "busy"]).output().success();
    // -f removes the container first.
    env.berth(["volume", "rm", "-f", "busy"])
        .output()
        .success()
        .stdout_eq("busy\n");
    assert!(env.container_ids().is_empty(), "the user container is gone");
    env.berth(["volume", "exists", "busy"]).output().code(1);
    let out = env.berth(["volume", "rm", "busy"]).expect_stderr().output();
    out.code(1).check(
        out.stderr() == "Error: no volume with name \"busy\" found: no such volume\n",
        "podman's words, which scripts match exactly",
    );
}

#[test]
fn mount_flag_volume_bind_and_tmpfs() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let dir = env.make_dir("host");
    let bind = format!("type=bind,source={},target=/h,readonly", dir.display());
    let out = env
        .berth([
            "run",
            "--rm",
            "--mount",
            "type=volume,source=mv,target=/m",
            "--mount",
            "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770",
            "--mount",
            &bind,
            "busybox",
            "sh",
            "-c",
            "echo via-mount > /m/f; grep ' /t ' /proc/mounts; stat -c %a /t; touch /h/x || echo ro",
        ])
        .expect_stderr()
        .output();
    out.success();
    let text = out.stdout();
    assert!(text.contains("tmpfs /t tmpfs"), "a tmpfs at /t: {text}");
    assert!(text.contains("size=1024k"), "tmpfs-size: {text}");
    assert!(text.contains("1770\n"), "tmpfs-mode: {text}");
    assert!(text.ends_with("ro\n"), "the bind is read-only: {text}");
    // The data are in the volume's Mountpoint on the host.
    let mountpoint = env
        .berth(["volume", "inspect", "--format", "{{.Mountpoint}}", "mv"])
        .output()
        .success()
        .stdout();
    let mountpoint = mountpoint.trim();
    assert!(
        mountpoint.ends_with("/berth/volumes/mv/_data"),
        "{mountpoint}"
    );
    assert_eq!(
        fs::read_to_string(format!("{mountpoint}/f")).unwrap(),
        "via-mount\n"
    );
}

#[test]
fn anonymous_volumes_go_with_rm_v_and_with_rm() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let tar = fixtures::busybox_tar();
    env.berth(["import", "--change", "VOLUME=/vol"])
        .arg(&tar)
        .arg("withvol")
        .output()
        .success();
    env.berth([
        "run",
        "--name",
        "a",
        "-v",
        "named:/named",
        "withvol",
        "sh",
        "-c",
        "echo y > /vol/f",
    ])
    .output()
    .success();
    let names = volume_names(&env);
    assert_eq!(
        names.len(),
        2,
        "the image's VOLUME and the named one: {names:?}"
    );
    let anon: Vec<&String> = names.iter().filter(|n| n.as_str() != "named").collect();
    assert_eq!(anon[0].len(), 64, "an anonymous volume has a 64-hex name");
    let inspect = env
        .berth(["volume", "inspect", anon[0].as_str()])
        .output()
        .success()
        .stdout();
    let json: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    assert_eq!(json[0]["Anonymous"], true);
    env.berth(["rm", "-v", "a"]).output().success();
    assert_eq!(volume_names(&env), ["named"], "rm -v keeps named volumes");
    // `-v /path` is anonymous too, and --rm removes it.
    env.berth(["run", "--rm", "-v", "/anon", "busybox", "touch", "/anon/x"])
        .output()
        .success();
    assert_eq!(volume_names(&env), ["named"]);
    // Without -v the anonymous volume stays.
    env.berth(["run", "--name", "b", "withvol", "true"])
        .output()
        .success();
    env.berth(["rm", "b"]).output().success();
    assert_eq!(volume_names(&env).len(), 2);
}

#[test]
fn create_ls_inspect_prune_exists() {
    let Some(env) = Env::rootless() else { return };
    env.berth(["volume", "create", "--label", "app=web", "v1"])
        .output()
        .success()
        .stdout_eq("v1\n");
    env.berth(["volume", "create", "v1"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("already exists");
    env.berth(["volume", "create", "bad/name"])
        .expect_stderr()
        .output()
        .code(125);
    let generated = env.berth(["volume", "create"]).output().success().stdout();
    assert_eq!(generated.trim().len(), 64, "a generated name: {generated}");

    let out = env.berth(["volume", "ls"]).output();
    let lines = out.success().stdout_lines();
    assert!(
        lines[0].starts_with("DRIVER") && lines[0].ends_with("VOLUME NAME"),
        "podman's header: {lines:?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("local") && l.ends_with(" v1")));
    assert_eq!(lines.len(), 3);
    env.berth(["volume", "ls", "-q", "--filter", "label=app=web"])
        .output()
        .success()
        .stdout_eq("v1\n");
    env.berth(["volume", "ls", "-q", "--filter", "name=zzz"])
        .output()
        .success()
        .stdout_eq("");
    env.berth([
        "volume",
        "ls",
        "--format",
        "{{.Name}} {{.Driver}}",
        "-f",
        "name=v1",
    ])
    .output()
    .success()
    .stdout_eq("v1 local\n");
    let json = env.berth(["volume", "ls", "--format", "json"]).output();
    let rows: serde_json::Value = serde_json::from_str(&json.success().stdout()).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);

    let out = env.berth(["volume", "inspect", "v1"]).output();
    let v: serde_json::Value = serde_json::from_str(&out.success().stdout()).unwrap();
    let v = &v[0];
    assert_eq!(v["Name"], "v1");
    assert_eq!(v["Driver"], "local");
    assert_eq!(v["Scope"], "local");
    assert_eq!(v["Labels"]["app"], "web");
    assert_eq!(v["Options"], serde_json::json!({}));
    assert_eq!(v["Anonymous"], false);
    assert!(v["Mountpoint"]
        .as_str()
        .unwrap()
        .ends_with("/volumes/v1/_data"));
    assert!(chrono::DateTime::parse_from_rfc3339(v["CreatedAt"].as_str().unwrap()).is_ok());
    env.berth(["volume", "inspect", "nope"])
        .expect_stderr()
        .output()
        .code(125)
        .stdout_eq("[]\n");

    env.berth(["volume", "exists", "v1"]).output().success();
    env.berth(["volume", "exists", "nope"]).output().code(1);

    // prune removes the volumes no container uses.
    env.berth(["volume", "prune", "-f"]).output().success();
    assert!(volume_names(&env).is_empty());
}

#[test]
fn prune_keeps_volumes_in_use_and_asks_first() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "c", "-v", "kept:/k", "busybox", "true"])
        .output()
        .success();
    env.berth(["volume", "create", "loose"]).output().success();
    // Without -f, a "no" keeps everything.
    env.berth(["volume", "prune"])
        .stdin("n\n")
        .expect_stderr()
        .output()
        .success()
        .stdout_eq("");
    assert_eq!(volume_names(&env), ["kept", "loose"]);
    env.berth(["volume", "prune", "-f"])
        .output()
        .success()
        .stdout_eq("loose\n");
    assert_eq!(volume_names(&env), ["kept"]);
}

#[test]
fn usage_errors() {
    let Some(env) = Env::cli() else { return };
    for args in [
        &["run", "-v", "bad name:/x", "busybox"][..],
        &["run", "--mount", "type=volume,target=rel", "busybox"],
        &["run", "--mount", "type=nfs,target=/x", "busybox"],
        &["volume", "create", "-o", "type=nfs", "x"],
        &["volume", "ls", "--filter", "bogus=1"],
    ] {
        env.berth(args)
            .expect_stderr()
            .output()
            .code(125)
            .stderr_is_one_error();
    }
}

#[test]
fn system_df_counts_images_containers_and_volumes() {
    let Some(env) = Env::rootless() else { return };
    let image = env.import_busybox();
    let summary = |env: &Env| {
        env.berth([
            "system",
            "df",
            "--format",
            "{{.Type}}:{{.Total}}:{{.Active}}",
        ])
        .output()
        .success()
        .stdout_lines()
    };
    assert_eq!(
        summary(&env),
        ["Images:1:0", "Containers:0:0", "Local Volumes:0:0"]
    );
    env.berth([
        "run",
        "-v",
        "/myvol1",
        "--name",
        "c1",
        "busybox",
        "sh",
        "-c",
        "echo 12345 > /f",
    ])
    .output()
    .success();
    env.berth([
        "run", "-d", "-v", "/myvol2", "--name", "c2", "busybox", "sleep", "300",
    ])
    .output()
    .success();
    assert_eq!(
        summary(&env),
        ["Images:1:1", "Containers:2:1", "Local Volumes:2:2"]
    );
    let table = env.berth(["system", "df"]).output().success().stdout();
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("TYPE           TOTAL       ACTIVE      SIZE"),
        "{table}"
    );
    assert!(
        lines[2].starts_with("Containers     2           1           "),
        "{table}"
    );
    let verbose = env
        .berth(["system", "df", "-v"])
        .output()
        .success()
        .stdout();
    assert!(verbose.contains("localhost/busybox  latest  "), "{verbose}");
    assert!(verbose.contains(&image[..12]), "{verbose}");
    let ctr_lines: Vec<&str> = verbose
        .lines()
        .filter(|l| l.ends_with(" c1") || l.ends_with(" c2"))
        .collect();
    assert_eq!(ctr_lines.len(), 2, "{verbose}");
    assert!(
        ctr_lines.iter().all(|l| l.contains(&image[..12])),
        "{verbose}"
    );
    let json = env
        .berth(["system", "df", "--format", "json"])
        .output()
        .success()
        .stdout();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed[1]["Type"], "Containers");
    env.berth(["system", "df", "-v", "--format", "json"])
        .output()
        .code(125)
        .stderr_is_one_error();
    env.berth(["rm", "-f", "c1", "c2"]).output().success();
}

#[test]
fn rm_force_of_a_missing_volume_network_or_image_says_nothing() {
    let Some(env) = Env::rootless() else { return };
    for (kind, text) in [
        (
            ["volume", "rm"],
            "Error: no volume with name \"bogus\" found: no such volume",
        ),
        (
            ["network", "rm"],
            "Error: unable to find network with name or ID bogus: network not found",
        ),
        (["image", "rm"], "Error: bogus: image not known"),
    ] {
        // Without --force: podman's message and exit 1; with it: nothing, exit 0.
        env.berth([kind[0], kind[1], "bogus"])
            .output()
            .code(1)
            .stderr_contains(text);
        env.berth([kind[0], kind[1], "--force", "bogus"])
            .output()
            .success()
            .stdout_eq("");
    }
}

#[test]
fn volumes_from_shares_another_containers_mounts_and_rmi_force_removes_users() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let host = env.make_dir("hostdir");
    std::fs::write(host.join("h"), "from the host\n").unwrap();
    env.give_to_user(&host);
    env.berth(["create", "--name", "src", "-v", "shared:/data", "-v"])
        .arg(format!("{}:/bind", host.display()))
        .args(["busybox", "true"])
        .output()
        .success();
    env.berth(["run", "--rm", "-v", "shared:/data", "busybox", "sh", "-c"])
        .arg("echo in-volume > /data/v")
        .output()
        .success();
    // Both mounts, as the source has them; `:ro` makes them read-only.
    env.berth([
        "run",
        "--rm",
        "--volumes-from",
        "src",
        "busybox",
        "cat",
        "/data/v",
        "/bind/h",
    ])
    .output()
    .success()
    .stdout_eq("in-volume\nfrom the host\n");
    env.berth([
        "run",
        "--rm",
        "--volumes-from",
        "src:ro",
        "busybox",
        "touch",
        "/data/x",
    ])
    .expect_stderr()
    .output()
    .code(1)
    .stderr_contains("Read-only file system");
    // This container's own -v wins on the same path.
    env.berth(["run", "--rm", "--volumes-from", "src", "-v", "other:/data"])
        .args(["busybox", "ls", "/data"])
        .output()
        .success()
        .stdout_eq("");
    env.berth(["run", "--rm", "--volumes-from", "nosuch", "busybox", "true"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("nosuch");
    env.berth(["run", "--rm", "--volumes-from", "src:rx", "busybox", "true"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("`rx`");
    // The volume outlives the --rm containers that borrowed it.
    assert!(volume_names(&env).contains(&"shared".to_string()));
    // rmi -f removes the containers that use the image, a running one too.
    env.berth(["build", "--pull=never", "-q", "-t", "doomed", "-"])
        .stdin("FROM busybox\nLABEL doomed=yes\n")
        .output()
        .success();
    env.berth(["run", "-d", "--name", "user", "doomed", "sleep", "600"])
        .output()
        .success();
    env.berth(["rmi", "-f", "doomed"]).output().success();
    env.berth(["ps", "-a", "--format", "{{.Names}}"])
        .output()
        .success()
        .stdout_lacks("user");
}

#[test]
fn noexec_duplicate_mounts_and_chown_of_a_host_directory() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "-v",
        "scripts:/v",
        "busybox",
        "sh",
        "-c",
        "printf '#!/bin/sh\\necho ran\\n' > /v/s; chmod 755 /v/s",
    ])
    .output()
    .success();
    let out = env
        .berth([
            "run",
            "--rm",
            "-v",
            "scripts:/v:noexec,z",
            "busybox",
            "/v/s",
        ])
        .expect_stderr()
        .output();
    out.code(126)
        .stderr_contains("exec `/v/s`: permission denied");
    env.berth(["run", "--rm", "-v", "scripts:/v:exec", "busybox", "/v/s"])
        .output()
        .success()
        .stdout_eq("ran\n");
    // nosuid and nodev show in the container's mount table.
    env.berth([
        "run",
        "--rm",
        "-v",
        "scripts:/v:nosuid,nodev",
        "busybox",
        "grep",
        " /v ",
        "/proc/mounts",
    ])
    .output()
    .success()
    .stdout_contains("nosuid,nodev");

    // The same mount twice is one mount; two mounts on one path are refused in podman's words.
    env.berth(["run", "--rm", "-v", "a:/m", "-v", "a:/m", "busybox", "true"])
        .output()
        .success();
    for args in [
        &["run", "--rm", "-v", "a:/m", "-v", "b:/m", "busybox", "true"][..],
        &[
            "run", "--rm", "-v", "a:/m", "--tmpfs", "/m", "busybox", "true",
        ],
        &[
            "run", "--rm", "--tmpfs", "/m", "--tmpfs", "/m:ro", "busybox", "true",
        ],
    ] {
        let out = env.berth(args).expect_stderr().output();
        out.code(125).check(
            out.stderr() == "Error: /m: duplicate mount destination\n",
            "podman's words",
        );
    }
    env.berth([
        "run", "--rm", "--tmpfs", "/m", "--tmpfs", "/m", "busybox", "true",
    ])
    .output()
    .success();

    // :U on a host directory chowns it (and what is in it) to the container's user, and
    // leaves it alone once its top is that user's.
    let dir = env.make_dir("owned");
    fs::write(dir.join("f"), "x").unwrap();
    env.give_to_user(&dir.join("f"));
    let bind = format!("{}:/data:U", dir.display());
    env.berth([
        "run",
        "--name",
        "u",
        "--user",
        "1000:2000",
        "-v",
        &bind,
        "busybox",
        "stat",
        "-c",
        "%u:%g",
        "/data",
        "/data/f",
    ])
    .output()
    .success()
    .stdout_eq("1000:2000\n1000:2000\n");
    let f = dir.join("f").display().to_string();
    env.berth(["unshare", "chown", "100:200", &f])
        .output()
        .success();
    env.berth(["start", "--attach", "u"])
        .output()
        .success()
        .stdout_eq("1000:2000\n100:200\n");
}

#[test]
fn bind_and_tmpfs_volumes_export_import_and_name_regex() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "volume",
            "create",
            "-o",
            "type=bind",
            "-o",
            "device=/no/such/dir",
            "b",
        ])
        .expect_stderr()
        .output();
    out.code(125).check(
        out.stderr()
            == "Error: invalid volume option device for driver 'local': stat /no/such/dir: no such file or directory\n",
        "podman's words",
    );
    let dir = env.make_dir("hostdir");
    fs::write(dir.join("seen"), "from the host\n").unwrap();
    env.give_to_user(&dir.join("seen"));
    let device = format!("device={}", dir.display());
    env.berth(["volume", "create", "-o", "type=bind", "-o", &device, "b"])
        .output()
        .success()
        .stdout_eq("b\n");
    env.berth(["run", "--rm", "-v", "b:/vol", "busybox", "cat", "/vol/seen"])
        .output()
        .success()
        .stdout_eq("from the host\n");
    env.berth([
        "volume",
        "create",
        "-o",
        "type=tmpfs",
        "-o",
        "device=tmpfs",
        "-o",
        "o=size=2m",
        "t",
    ])
    .output()
    .success();
    env.berth([
        "run", "--rm", "-v", "t:/vol", "busybox", "stat", "-f", "-c", "%T", "/vol",
    ])
    .output()
    .success()
    .stdout_eq("tmpfs\n");

    // export, then import into another volume (from a file and from standard input).
    env.berth([
        "run",
        "--rm",
        "-v",
        "src:/d",
        "busybox",
        "sh",
        "-c",
        "echo hello > /d/f; mkdir /d/sub; echo deep > /d/sub/g; chown 1000:1000 /d/f",
    ])
    .output()
    .success();
    let tar = env.work.join("src.tar");
    env.berth(["volume", "export", "src", "--output"])
        .arg(&tar)
        .output()
        .success();
    env.berth(["volume", "create", "dst1"]).output().success();
    env.berth(["volume", "create", "dst2"]).output().success();
    env.berth(["volume", "import", "dst1"])
        .arg(&tar)
        .output()
        .success();
    env.berth(["volume", "import", "dst2", "-"])
        .stdin(fs::read(&tar).unwrap())
        .output()
        .success();
    for v in ["dst1", "dst2"] {
        env.berth([
            "run",
            "--rm",
            "-v",
            &format!("{v}:/d"),
            "busybox",
            "sh",
            "-c",
            "cat /d/f /d/sub/g; stat -c %u /d/f",
        ])
        .output()
        .success()
        .stdout_eq("hello\ndeep\n1000\n");
    }
    let out = env
        .berth(["volume", "import", "nosuch", "-"])
        .stdin(Vec::new())
        .expect_stderr()
        .output();
    out.code(125)
        .stderr_contains("no volume with name \"nosuch\" found");

    // name= is a regular expression, matched anywhere.
    let names = |f: &str| {
        env.berth(["volume", "ls", "--filter", f, "--format", "{{.Name}}"])
            .output()
            .success()
            .stdout_lines()
    };
    assert_eq!(names("name=dst.+"), ["dst1", "dst2"]);
    assert_eq!(names("name=^ds*t1$"), ["dst1"]);
    assert_eq!(names("name=s*rc"), ["src"]);
    // NeedsCopyUp and NeedsChown are in the JSON and the templates.
    let flags = |v: &str| {
        env.berth([
            "volume",
            "inspect",
            "--format",
            "{{.NeedsCopyUp}} {{.NeedsChown}}",
            v,
        ])
        .output()
        .success()
        .stdout()
    };
    env.berth(["volume", "create", "fresh"]).output().success();
    assert_eq!(flags("fresh"), "true true\n");
    // An empty mount point copies nothing: the volume still waits for content.
    env.berth([
        "run",
        "--rm",
        "-v",
        "fresh:/nothing-here",
        "busybox",
        "true",
    ])
    .output()
    .success();
    assert_eq!(flags("fresh"), "true false\n");
    env.berth(["run", "--rm", "-v", "fresh:/etc", "busybox", "true"])
        .output()
        .success();
    assert_eq!(flags("fresh"), "false false\n");
}

#[test]
fn image_volume_modes_containers_conf_and_unshare() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let tar = fixtures::busybox_tar();
    env.berth(["import", "--change", "VOLUME=/data"])
        .arg(&tar)
        .arg("volimg")
        .output()
        .success();
    let fstype = |extra: &[&str], conf: Option<&std::path::Path>| {
        let mut cmd = env
            .berth(["run", "--rm"])
            .args(extra)
            .args(["volimg", "stat", "-f", "-c", "%T", "/data"]);
        if let Some(c) = conf {
            cmd = cmd.env("CONTAINERS_CONF", c);
        }
        cmd.expect_stderr().output()
    };
    fstype(&["--image-volume", "tmpfs"], None)
        .success()
        .stdout_eq("tmpfs\n");
    fstype(&["--image-volume", "ignore"], None)
        .code(1)
        .stderr_contains("No such file or directory");
    let out = fstype(&[], None);
    out.success()
        .check(out.stdout() != "tmpfs\n", "bind: an anonymous volume");
    let conf = env.write_file(
        "containers.conf",
        b"[engine]\nimage_volume_mode=\"tmpfs\"\n[containers]\nunknown_to_berth=true\n",
    );
    fstype(&[], Some(&conf)).success().stdout_eq("tmpfs\n");
    let out = fstype(&["--image-volume", "bind"], Some(&conf));
    out.success()
        .check(out.stdout() != "tmpfs\n", "the flag wins");
    let bad = env.write_file("bad.conf", b"[engine]\nimage_volume_mode=\"nfs\"\n");
    fstype(&[], Some(&bad))
        .code(125)
        .stderr_contains("image_volume_mode `nfs`");

    // unshare: root in berth's user namespace, with podman's variables; the command's status.
    env.berth([
        "unshare",
        "sh",
        "-c",
        "id -u; echo $CONTAINERS_GRAPHROOT; exit 3",
    ])
    .output()
    .code(3)
    .stdout_contains("0\n")
    .stdout_contains("/berth\n");
    env.berth(["unshare", "no-such-command"])
        .expect_stderr()
        .output()
        .code(127);
}
