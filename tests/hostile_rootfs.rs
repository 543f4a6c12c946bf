//! Hostile image content that berth itself reads or mounts on: the user database, and volume
//! destinations. Every path resolves inside the rootfs, a file that is not a regular file or
//! is too large is refused with a clear error (exit 125, in bounded time), and nothing of the
//! host outside the rootfs is read or created.

use std::path::Path;

use crate::util::fixtures::{self, TarBuilder};
use crate::util::{unique, Env};

/// The busybox rootfs of the fixtures, with `etc` writing its /etc instead of the usual
/// passwd and group.
fn busybox_with(etc: impl FnOnce(&mut TarBuilder)) -> Vec<u8> {
    let busybox = std::fs::read(fixtures::BUSYBOX).expect("read the host busybox");
    let root = (0, 0);
    let mut t = TarBuilder::new();
    for dir in ["bin", "etc", "dev", "proc", "sys", "tmp", "home", "run"] {
        t.dir(dir, 0o755, root);
    }
    t.file("bin/busybox", 0o755, root, &busybox);
    for applet in fixtures::busybox_applets() {
        t.symlink(&format!("bin/{applet}"), "busybox");
    }
    etc(&mut t);
    t.finish()
}

/// Import `tar` as `name`, with `changes` (`--change` values).
fn import(env: &Env, tar: &[u8], name: &str, changes: &[&str]) {
    let path = env.write_file(&format!("{name}.tar"), tar);
    let mut cmd = env.berth(["import"]);
    for c in changes {
        cmd = cmd.arg("--change").arg(c);
    }
    cmd.arg(&path).arg(name).output().success();
}

#[test]
fn user_database_symlinked_to_a_device_is_refused_not_read() {
    let Some(env) = Env::rootless() else { return };
    // /etc/group -> /dev/zero: reading it would never end.
    let tar = busybox_with(|t| {
        t.file("etc/passwd", 0o644, (0, 0), fixtures::PASSWD.as_bytes());
        t.symlink("etc/group", "/dev/zero");
    });
    import(&env, &tar, "zerogroup", &["USER=nobody"]);
    let out = env.berth(["run", "--rm", "zerogroup", "id"]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("`/etc/group` in the image is not a regular file");
    // The same with a numeric --user (the group file is still read for its groups).
    let out = env
        .berth(["run", "--rm", "--user", "0", "zerogroup", "id"])
        .output();
    out.code(125)
        .stderr_contains("`/etc/group` in the image is not a regular file");
}

#[test]
fn user_database_symlinked_to_a_host_file_resolves_inside_the_rootfs() {
    let Some(env) = Env::rootless() else { return };
    // A passwd on the host, in the test user's home, naming a user the image does not have.
    let leak = unique("leak");
    let host_passwd = env.home.join("host-passwd");
    std::fs::write(&host_passwd, format!("{leak}:x:4242:4242::/:/bin/sh\n")).unwrap();
    env.give_to_user(&host_passwd);
    let target = host_passwd.to_string_lossy().into_owned();
    // Absolute, and climbing out with `..`.
    let climb = format!("../../../../../../..{target}");
    for (name, link) in [("abspasswd", target.as_str()), ("uppasswd", climb.as_str())] {
        let tar = busybox_with(|t| {
            t.symlink("etc/passwd", link);
            t.file("etc/group", 0o644, (0, 0), fixtures::GROUP.as_bytes());
        });
        import(&env, &tar, name, &[]);
        let out = env
            .berth(["run", "--rm", "--user", &leak, name, "id", "-u"])
            .output();
        out.code(125)
            .stderr_is_one_error()
            .stderr_contains(&format!("no user `{leak}` in the container's /etc/passwd"));
        out.check(!out.stdout().contains("4242"), "the host's passwd was read");
        // The session reads it too, for a `:U` volume's owner: the same answer.
        let out = env
            .berth(["run", "--rm", "--user", &leak, "-v"])
            .arg(format!("{}:/data:U", unique("vol")))
            .args([name, "id", "-u"])
            .output();
        out.code(125)
            .stderr_contains(&format!("no user `{leak}` in the container's /etc/passwd"));
        // And a build's `COPY --chown`, which reads the step's rootfs from the session.
        let ctx = env.make_dir(&format!("ctx-{name}"));
        std::fs::write(ctx.join("f"), "f").unwrap();
        std::fs::write(
            ctx.join("Dockerfile"),
            format!("FROM {name}\nCOPY --chown={leak} f /f\n"),
        )
        .unwrap();
        env.give_to_user(&ctx);
        let out = env.berth(["build", "--pull=never"]).arg(&ctx).output();
        out.code(125)
            .stderr_contains(&format!("no user `{leak}` in the container's /etc/passwd"));
    }
}

#[test]
fn oversized_user_database_is_refused() {
    let Some(env) = Env::rootless() else { return };
    let mut big = fixtures::PASSWD.as_bytes().to_vec();
    let filler = b"filler:x:7:7::/:/bin/false\n";
    while big.len() <= (1 << 20) {
        big.extend_from_slice(filler);
    }
    let tar = busybox_with(|t| {
        t.file("etc/passwd", 0o644, (0, 0), &big);
        t.file("etc/group", 0o644, (0, 0), fixtures::GROUP.as_bytes());
    });
    import(&env, &tar, "bigpasswd", &["USER=nobody"]);
    let out = env.berth(["run", "--rm", "bigpasswd", "true"]).output();
    out.code(125)
        .stderr_is_one_error()
        .stderr_contains("`/etc/passwd` in the image is larger than 1048576 bytes");
}

#[test]
fn volume_destination_symlinked_out_of_the_rootfs_lands_inside_it() {
    let Some(env) = Env::rootless() else { return };
    let escape = unique("vol-escape");
    let host_target = Path::new("/tmp").join(&escape);
    let tar = busybox_with(|t| {
        t.file("etc/passwd", 0o644, (0, 0), fixtures::PASSWD.as_bytes());
        t.file("etc/group", 0o644, (0, 0), fixtures::GROUP.as_bytes());
        t.symlink("vol2", &format!("../../tmp/{escape}/deeper"));
    });
    import(&env, &tar, "symvol", &[]);
    let src = env.make_dir("src");
    std::fs::write(src.join("file"), "from the host\n").unwrap();
    env.give_to_user(&src);
    let out = env
        .berth(["run", "--rm", "-v"])
        .arg(format!("{}:/vol2", src.display()))
        .args([
            "symvol",
            "sh",
            "-c",
            &format!("cat /vol2/file && cat /tmp/{escape}/deeper/file"),
        ])
        .output();
    out.success().stdout_eq("from the host\nfrom the host\n");
    out.check(
        !host_target.exists(),
        "the mount point was created outside the rootfs",
    );
    // A named volume on the same destination: copied up and mounted inside the rootfs.
    let out = env
        .berth(["run", "--rm", "-v", "named:/vol2", "symvol", "sh", "-c"])
        .arg("echo hi > /vol2/x && cat /vol2/x")
        .output();
    out.success().stdout_eq("hi\n");
    out.check(
        !host_target.exists(),
        "the mount point was created outside the rootfs",
    );
}
