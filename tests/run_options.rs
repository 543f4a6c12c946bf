//! `berth run` options: volumes, tmpfs, read-only, environment, workdir, user, entrypoint,
//! init.

use std::fs;
use std::os::unix::fs::MetadataExt;

use crate::util::{fixtures, Env};

/// podman's PATH for images that set none.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Mount points and types from a /proc/mounts text.
fn mounts(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4).then(|| (f[1].to_owned(), f[2].to_owned(), f[3].to_owned()))
        })
        .collect()
}

#[test]
fn keep_id_volume_files_belong_to_the_user() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let dir = env.make_dir("data");
    let vol = format!("{}:/data", dir.display());
    let out = env
        .berth([
            "run",
            "--rm",
            "--userns=keep-id",
            "-v",
            &vol,
            "busybox",
            "sh",
            "-c",
            "id -u; id -g; echo made > /data/created",
        ])
        .output();
    out.success()
        .stdout_eq(&format!("{}\n{}\n", env.user.uid, env.user.gid));
    let meta = fs::metadata(dir.join("created")).expect("the container created /data/created");
    assert_eq!(
        meta.uid(),
        env.user.uid,
        "the file belongs to the user on the host"
    );
    assert_eq!(fs::read_to_string(dir.join("created")).unwrap(), "made\n");
}

#[test]
fn volume_read_write() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let dir = env.make_dir("vol");
    fs::write(dir.join("from-host"), "host says hi\n").unwrap();
    env.give_to_user(&dir);
    let vol = format!("{}:/data", dir.display());
    env.berth([
        "run",
        "--rm",
        "-v",
        &vol,
        "busybox",
        "sh",
        "-c",
        "cat /data/from-host; echo back > /data/from-container",
    ])
    .output()
    .success()
    .stdout_eq("host says hi\n");
    let made = dir.join("from-container");
    assert_eq!(fs::read_to_string(&made).unwrap(), "back\n");
    // Container root is the user: the file is the user's own on the host.
    assert_eq!(fs::metadata(&made).unwrap().uid(), env.user.uid);
}

#[test]
fn volume_read_only() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let dir = env.make_dir("rovol");
    fs::write(dir.join("existing"), "readable\n").unwrap();
    env.give_to_user(&dir);
    let vol = format!("{}:/data:ro", dir.display());
    let out = env
        .berth([
            "run",
            "--rm",
            "-v",
            &vol,
            "busybox",
            "sh",
            "-c",
            "cat /data/existing; touch /data/new && echo wrote",
        ])
        .expect_stderr()
        .output();
    out.check(!out.status.success(), "writing into a :ro volume must fail");
    out.stdout_eq("readable\n")
        .stderr_contains("Read-only file system");
    assert!(
        !dir.join("new").exists(),
        "nothing may be written through :ro"
    );
}

#[test]
fn volume_with_missing_host_dir_exits_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let missing = env.work.join("not-there");
    let vol = format!("{}:/data", missing.display());
    env.berth(["run", "--rm", "-v", &vol, "busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("not-there");
}

#[test]
fn tmpfs_mount() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "--rm",
            "--tmpfs",
            "/scratch",
            "busybox",
            "sh",
            "-c",
            "echo x > /scratch/file && cat /proc/mounts",
        ])
        .output();
    out.success();
    let found = mounts(&out.stdout())
        .into_iter()
        .any(|(at, kind, _)| at == "/scratch" && kind == "tmpfs");
    out.check(found, "/scratch must be a tmpfs");
}

#[test]
fn read_only_root() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "--rm",
            "--read-only",
            "busybox",
            "sh",
            "-c",
            "touch /newfile 2>/dev/null && echo root-writable; \
             touch /tmp/a /var/tmp/a /run/a /dev/shm/a && echo scratch-ok; \
             echo x > /dev/null && echo dev-ok; cat /proc/mounts",
        ])
        .output();
    out.success().stdout_lacks("root-writable");
    let lines = out.stdout_lines();
    out.check(
        lines.first().map(String::as_str) == Some("scratch-ok"),
        "/tmp, /var/tmp, /run and /dev/shm stay writable",
    );
    out.check(
        lines.get(1).map(String::as_str) == Some("dev-ok"),
        "/dev stays usable",
    );
    let table = mounts(&out.stdout());
    let root_ro = table
        .iter()
        .rev()
        .find(|(at, ..)| at == "/")
        .is_some_and(|(_, _, opts)| opts.split(',').any(|o| o == "ro"));
    out.check(root_ro, "/ must be mounted read-only");
    for dir in ["/tmp", "/var/tmp", "/run"] {
        out.check(
            table
                .iter()
                .any(|(at, kind, _)| at == dir && kind == "tmpfs"),
            &format!("--read-only mounts a tmpfs on {dir}"),
        );
    }
    // Without --read-only, / is writable.
    env.berth([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "touch /newfile && echo ok",
    ])
    .output()
    .success()
    .stdout_eq("ok\n");
}

#[test]
fn env_flags() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "-e",
        "FOO=bar",
        "--env",
        "EMPTY=",
        "-e",
        "FROMHOST",
        "-e",
        "SPACED=a b  c",
        "busybox",
        "sh",
        "-c",
        r#"echo "$FOO|$EMPTY|$FROMHOST|$SPACED""#,
    ])
    .env("FROMHOST", "hostval")
    .output()
    .success()
    .stdout_eq("bar||hostval|a b  c\n");
}

#[test]
fn host_environment_does_not_leak() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth(["run", "--rm", "busybox", "env"])
        .env("LEAKME", "1")
        .output();
    out.success()
        .stdout_lacks("LEAKME")
        .stdout_lacks("XDG_DATA_HOME");
}

#[test]
fn env_file() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let file = env.write_file("vars.env", b"# a comment\nA=1\n\nB=two words\nC=x=y\n");
    env.berth(["run", "--rm", "--env-file"])
        .arg(&file)
        .args(["busybox", "sh", "-c", r#"echo "$A|$B|$C""#])
        .output()
        .success()
        .stdout_eq("1|two words|x=y\n");
}

#[test]
fn default_path_and_home() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        r#"echo "$PATH"; echo "$HOME""#,
    ])
    .output()
    .success()
    .stdout_eq(&format!("{DEFAULT_PATH}\n/root\n"));
}

#[test]
fn a_missing_workdir_exits_126_as_in_podman() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // podman: a --workdir is not created on the rootfs; it must exist (or be a mount).
    let out = env
        .berth(["run", "--rm", "-w", "/new/work/dir", "busybox", "pwd"])
        .output();
    assert_eq!(out.status.code(), Some(126));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("workdir \"/new/work/dir\" does not exist on container"));
    env.berth(["run", "--rm", "--workdir", "/tmp", "busybox", "pwd"])
        .output()
        .success()
        .stdout_eq("/tmp\n");
    env.berth(["run", "--rm", "busybox", "pwd"])
        .output()
        .success()
        .stdout_eq("/\n");
}

#[test]
fn user_by_name_gets_groups_and_home() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "-u",
        "tester",
        "busybox",
        "sh",
        "-c",
        r#"id -u; id -g; id -G; echo "$HOME""#,
    ])
    .output()
    .success()
    .stdout_eq("1000\n1000\n1000 2000\n/home/tester\n");
}

#[test]
fn user_by_uid_and_gid() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "--user",
        "1000:2000",
        "busybox",
        "sh",
        "-c",
        "id -u; id -g",
    ])
    .output()
    .success()
    .stdout_eq("1000\n2000\n");
    env.berth([
        "run",
        "--rm",
        "-u",
        "1000",
        "busybox",
        "sh",
        "-c",
        "id -u; id -g",
    ])
    .output()
    .success()
    .stdout_eq("1000\n1000\n");
    env.berth(["run", "--rm", "-u", "0", "busybox", "id", "-u"])
        .output()
        .success()
        .stdout_eq("0\n");
}

#[test]
fn non_root_user_has_no_effective_capabilities() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "-u",
        "tester",
        "busybox",
        "grep",
        "CapEff",
        "/proc/self/status",
    ])
    .output()
    .success()
    .stdout_eq("CapEff:\t0000000000000000\n");
}

#[test]
fn unknown_user_name_fails() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth(["run", "--rm", "-u", "nosuchuser", "busybox", "true"])
        .output();
    out.check(!out.status.success(), "an unknown user must fail")
        .stderr_contains("nosuchuser");
}

#[test]
fn entrypoint_flag() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "--entrypoint",
        "/bin/echo",
        "busybox",
        "hi",
        "there",
    ])
    .output()
    .success()
    .stdout_eq("hi there\n");
    // It replaces an entrypoint the image has.
    let tar = fixtures::busybox_tar();
    env.berth(["import", "--change", r#"ENTRYPOINT=["/bin/false"]"#])
        .arg(&tar)
        .arg("withep")
        .output()
        .success();
    env.berth([
        "run",
        "--rm",
        "--entrypoint",
        "/bin/echo",
        "withep",
        "replaced",
    ])
    .output()
    .success()
    .stdout_eq("replaced\n");
}

#[test]
fn init_is_pid_1_and_reaps_zombies() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth([
            "run",
            "--rm",
            "--init",
            "busybox",
            "sh",
            "-c",
            "echo $$; cat /proc/1/cmdline | tr '\\0' ' '",
        ])
        .output();
    out.success();
    let lines = out.stdout_lines();
    out.check(lines.len() == 2, "two lines");
    out.check(lines[0] != "1", "with --init the command is not PID 1");
    out.check(
        !lines[1].starts_with("sh "),
        "PID 1 is the init, not the command",
    );
    // An orphan is re-parented to PID 1 and must be reaped when it exits: wait (bounded)
    // for its /proc entry to vanish; a zombie would keep it.
    let script = "sh -c 'sleep 0.3 & echo $! > /tmp/orphan'; p=$(cat /tmp/orphan); i=0; \
        while [ -e /proc/$p ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; \
        if [ -e /proc/$p ]; then echo zombie; else echo reaped; fi";
    env.berth(["run", "--rm", "--init", "busybox", "sh", "-c", script])
        .output()
        .success()
        .stdout_eq("reaped\n");
}
