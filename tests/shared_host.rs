//! A host shared with other local users: without `XDG_RUNTIME_DIR`, berth's runtime
//! directory is `$TMPDIR/berth-<real uid>`, the user's own. Another user who pre-creates a
//! predictable name (`berth-0`, or the user's own name, as a directory or a symlink) can
//! neither stop berth for everybody nor get berth to write into a directory of theirs.
//!
//! Each test uses a private sticky, world-writable directory as `TMPDIR` (a stand-in for
//! `/tmp`), so tests do not share names. Creating another user's directory needs root.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::util::Env;

/// A uid that is neither the test user nor in its subordinate range.
const OTHER_UID: u32 = 4242;

/// An environment whose `TMPDIR` is a fresh sticky, world-writable directory owned by root;
/// `None` (after saying why) when the harness cannot create another user's files.
fn shared_env() -> Option<(Env, PathBuf)> {
    let env = Env::rootless()?;
    if !env.user.switch {
        eprintln!("skipped: creating another user's directory needs the tests to run as root");
        return None;
    }
    let tmp = env.root.join("tmp");
    fs::create_dir(&tmp).unwrap();
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o1777)).unwrap();
    env.import_busybox();
    Some((env, tmp))
}

/// A directory another user made: owned by `OTHER_UID`, writable by everybody, so only
/// berth's check keeps it from being used.
fn other_users_dir(path: &Path) {
    fs::create_dir(path).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o777)).unwrap();
    nix::unistd::chown(
        path,
        Some(nix::unistd::Uid::from_raw(OTHER_UID)),
        Some(nix::unistd::Gid::from_raw(OTHER_UID)),
    )
    .unwrap();
}

fn entries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// berth without `XDG_RUNTIME_DIR`, with `tmp` as `TMPDIR`.
fn berth_in<'a>(
    env: &Env,
    tmp: &Path,
    args: impl IntoIterator<Item = &'a str>,
) -> crate::util::Cmd {
    env.berth(args)
        .env_remove("XDG_RUNTIME_DIR")
        .env("TMPDIR", tmp)
}

#[test]
fn another_users_berth_0_does_not_stop_berth() {
    let Some((env, tmp)) = shared_env() else {
        return;
    };
    // The name every user's session picked before (uid 0 inside the user namespace).
    let squatted = tmp.join("berth-0");
    other_users_dir(&squatted);

    berth_in(&env, &tmp, ["run", "--rm", "busybox", "echo", "hello"])
        .output()
        .success()
        .stdout_eq("hello\n");
    berth_in(
        &env,
        &tmp,
        ["run", "-d", "--name", "shared", "busybox", "sleep", "300"],
    )
    .output()
    .success();
    // exec is a new invocation: it must find the same runtime directory (the container's
    // control socket lives there).
    berth_in(&env, &tmp, ["exec", "shared", "echo", "inside"])
        .output()
        .success()
        .stdout_eq("inside\n");
    berth_in(&env, &tmp, ["stop", "-t", "1", "shared"])
        .expect_stderr()
        .output()
        .success()
        .stdout_eq("shared\n");
    berth_in(&env, &tmp, ["rm", "shared"])
        .output()
        .success()
        .stdout_eq("shared\n");

    // The runtime directory is the user's own: named after the real uid, mode 0700, used.
    let own = tmp.join(format!("berth-{}", env.user.uid));
    let meta = fs::symlink_metadata(&own).unwrap();
    assert!(meta.is_dir(), "`{}` is not a directory", own.display());
    assert_eq!(meta.uid(), env.user.uid);
    assert_eq!(meta.mode() & 0o7777, 0o700);
    assert!(
        !entries(&own).is_empty(),
        "berth wrote nothing into `{}`",
        own.display()
    );
    // Nothing went into the other user's directory.
    assert_eq!(entries(&squatted), Vec::<String>::new());
    assert_eq!(fs::metadata(&squatted).unwrap().uid(), OTHER_UID);
}

/// The refusal: exit 125, naming the path, what is wrong and the fix.
fn assert_refused(env: &Env, tmp: &Path, path: &Path, problem: &str) {
    for args in [
        vec!["run", "--rm", "busybox", "true"],
        vec!["run", "-d", "--name", "never", "busybox", "sleep", "300"],
        vec!["exec", "never", "true"],
    ] {
        let out = berth_in(env, tmp, args).output();
        out.code(125)
            .stderr_contains(&format!("`{}`", path.display()))
            .stderr_contains(problem)
            .stderr_contains("hint: set XDG_RUNTIME_DIR");
    }
}

#[test]
fn another_user_holding_our_name_is_refused_clearly() {
    let Some((env, tmp)) = shared_env() else {
        return;
    };
    let ours = tmp.join(format!("berth-{}", env.user.uid));
    other_users_dir(&ours);
    assert_refused(
        &env,
        &tmp,
        &ours,
        &format!("not by you (uid {})", env.user.uid),
    );
    assert_eq!(entries(&ours), Vec::<String>::new());
    assert_eq!(fs::metadata(&ours).unwrap().uid(), OTHER_UID);
}

#[test]
fn a_symlink_in_our_name_is_refused() {
    let Some((env, tmp)) = shared_env() else {
        return;
    };
    let ours = tmp.join(format!("berth-{}", env.user.uid));
    // To another user's open directory...
    let theirs = tmp.join("theirs");
    other_users_dir(&theirs);
    std::os::unix::fs::symlink(&theirs, &ours).unwrap();
    assert_refused(&env, &tmp, &ours, "symlink");
    assert_eq!(entries(&theirs), Vec::<String>::new());
    // ...or to a private directory of the user's own, which berth must not be steered
    // into either (the link is not the user's).
    fs::remove_file(&ours).unwrap();
    let mine = env.make_dir("mine");
    fs::set_permissions(&mine, fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&mine, &ours).unwrap();
    assert_refused(&env, &tmp, &ours, "symlink");
    assert_eq!(entries(&mine), Vec::<String>::new());
}

#[test]
fn a_directory_of_ours_others_can_write_is_refused() {
    let Some((env, tmp)) = shared_env() else {
        return;
    };
    let ours = tmp.join(format!("berth-{}", env.user.uid));
    fs::create_dir(&ours).unwrap();
    fs::set_permissions(&ours, fs::Permissions::from_mode(0o777)).unwrap();
    env.give_to_user(&ours);
    assert_refused(&env, &tmp, &ours, "others can write to it (mode 0777)");
    assert_eq!(entries(&ours), Vec::<String>::new());
}
