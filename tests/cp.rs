//! `berth cp` as podman does it: WORKDIR-relative paths, running containers seen with
//! their mounts, stopped ones with their volumes, container to container, tar streams,
//! `--overwrite` and `-a`.

use std::fs;

use crate::util::Env;

/// A container removed with `rm -f` when dropped.
struct Ctr<'a> {
    env: &'a Env,
    name: String,
}

impl<'a> Ctr<'a> {
    fn new(env: &'a Env, verb: &str, name: &str, extra: &[&str], cmd: &[&str]) -> Ctr<'a> {
        let mut args = vec![verb];
        if verb == "run" {
            args.push("-d");
        }
        args.extend_from_slice(&["--name", name]);
        args.extend_from_slice(extra);
        args.push("busybox");
        args.extend_from_slice(cmd);
        env.berth(args).output().success();
        Ctr {
            env,
            name: name.to_string(),
        }
    }
}

impl Drop for Ctr<'_> {
    fn drop(&mut self) {
        let _ = self.env.berth(["rm", "-f", &self.name]).output();
    }
}

fn cat(env: &Env, ctr: &str, path: &str) -> String {
    let out = env.berth(["exec", ctr, "cat", path]).output();
    out.success();
    out.stdout()
}

#[test]
fn cp_into_a_running_container_uses_its_workdir_and_tmpfs() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let _c = Ctr::new(
        &env,
        "run",
        "live",
        &["--workdir", "/root", "--tmpfs", "/scratch"],
        &["sleep", "300"],
    );
    env.write_file("f.txt", b"hello\n");
    env.berth(["cp", "f.txt", "live:."]).output().success();
    assert_eq!(cat(&env, "live", "/root/f.txt"), "hello\n");
    env.berth(["cp", "f.txt", "live:renamed"])
        .output()
        .success();
    assert_eq!(cat(&env, "live", "/root/renamed"), "hello\n");
    // The tmpfs is only in the container's own mount namespace.
    env.berth(["cp", "f.txt", "live:/scratch"])
        .output()
        .success();
    assert_eq!(cat(&env, "live", "/scratch/f.txt"), "hello\n");
    // Relative sources too, and a missing one is podman's error.
    env.berth(["cp", "live:renamed", "back.txt"])
        .output()
        .success();
    assert_eq!(fs::read(env.work.join("back.txt")).unwrap(), b"hello\n");
    env.berth(["cp", "live:/nope/", "x"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("\"/nope/\" could not be found on container live");
    env.berth(["cp", "missing.txt", "live:/tmp"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("could not be found on the host");
}

#[test]
fn cp_between_containers_and_onto_a_stopped_containers_volume() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let _a = Ctr::new(
        &env,
        "run",
        "srcbox",
        &[],
        &[
            "sh",
            "-c",
            "mkdir -p /d/sub && echo one > /d/sub/f && sleep 300",
        ],
    );
    let _b = Ctr::new(
        &env,
        "create",
        "dstbox",
        &["-v", "cpvol:/data"],
        &["sleep", "300"],
    );
    // Into a stopped container, under a new name, landing in its volume.
    env.berth(["cp", "srcbox:/d", "dstbox:/data/copy"])
        .output()
        .success();
    env.berth(["start", "dstbox"]).output().success();
    assert_eq!(cat(&env, "dstbox", "/data/copy/sub/f"), "one\n");
    // Running to running, the contents of a directory.
    env.berth(["cp", "srcbox:/d/.", "dstbox:/tmp"])
        .output()
        .success();
    assert_eq!(cat(&env, "dstbox", "/tmp/sub/f"), "one\n");
    // A file onto a directory of the same name needs --overwrite.
    env.berth(["exec", "dstbox", "mkdir", "/tmp/f"])
        .output()
        .success();
    env.berth(["cp", "srcbox:/d/sub/f", "dstbox:/tmp"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("error creating \"/tmp/f\"");
    env.berth(["cp", "--overwrite", "srcbox:/d/sub/f", "dstbox:/tmp"])
        .output()
        .success();
    assert_eq!(cat(&env, "dstbox", "/tmp/f"), "one\n");
}

#[test]
fn cp_tar_streams_and_archive_ownership() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let _c = Ctr::new(&env, "run", "tarbox", &[], &["sleep", "300"]);
    // A gzipped tar with its own owners: -a=false keeps them, the default gives root.
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(3);
    h.set_mode(0o644);
    h.set_uid(1042);
    h.set_gid(1043);
    tar.append_data(&mut h, "a.txt", &b"abc"[..]).unwrap();
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).unwrap();
    let gz = gz.finish().unwrap();
    env.berth(["cp", "-a=false", "-", "tarbox:/tmp"])
        .stdin(gz.clone())
        .output()
        .success();
    let out = env
        .berth(["exec", "tarbox", "stat", "-c", "%u:%g", "/tmp/a.txt"])
        .output();
    out.success().stdout_eq("1042:1043\n");
    env.berth(["cp", "-", "tarbox:/"])
        .stdin(gz)
        .output()
        .success();
    let out = env
        .berth(["exec", "tarbox", "stat", "-c", "%u:%g", "/a.txt"])
        .output();
    out.success().stdout_eq("0:0\n");
    // Not a tar, or not into a directory: podman's errors.
    env.berth(["cp", "-", "tarbox:/tmp"])
        .stdin(b"plain text".to_vec())
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("source must be a (compressed) tar archive");
    env.berth(["cp", "-", "tarbox:/tmp/a.txt"])
        .stdin(tar)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("destination must be a directory when copying from stdin");
    // Out to stdout as a tar.
    let out = env.berth(["cp", "tarbox:/tmp/a.txt", "-"]).output();
    out.success()
        .stdout_contains("a.txt")
        .stdout_contains("abc");
}
