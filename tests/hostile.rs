//! Hostile tarballs: every way an entry could escape the layer directory is refused with
//! exit 125 and one `Error: …` line naming the entry; nothing is written outside the store
//! and no image is listed.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::util::{fixtures, unique, Env};

/// Every path under `dir` (not following symlinks).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(rd) = fs::read_dir(&p) else { continue };
        for entry in rd.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// Import `data` and check it is refused the way every escape must be.
fn refused(env: &Env, data: &[u8], entry: &str) {
    let tar = env.write_file("hostile.tar", data);
    let out = env.berth(["import"]).arg(&tar).arg("hostile").output();
    out.code(125).stderr_is_one_error().stderr_contains(entry);
    out.check(out.stdout.is_empty(), "a refused import prints no image id");
    env.berth(["images", "-q"]).output().success().stdout_eq("");
    let json = env.berth(["images", "--format", "json"]).output();
    json.success().stdout_lacks("hostile");
}

/// No file named `name` exists anywhere under the test's directory or in /tmp.
fn nothing_named(env: &Env, name: &str) {
    let mut hits: Vec<PathBuf> = walk(&env.root)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == name))
        .collect();
    let in_tmp = Path::new("/tmp").join(name);
    if in_tmp.exists() {
        hits.push(in_tmp);
    }
    assert!(hits.is_empty(), "an escaping entry was written: {hits:?}");
}

#[test]
fn dotdot_entry_is_refused() {
    let Some(env) = Env::rootless() else { return };
    let name = unique("escape-dotdot");
    refused(
        &env,
        &fixtures::hostile_dotdot(&name),
        &format!("../{name}"),
    );
    nothing_named(&env, &name);
}

#[test]
fn absolute_entry_is_refused() {
    let Some(env) = Env::rootless() else { return };
    let outside = env.make_dir("outside");
    let name = unique("escape-abs");
    let target = outside.join(&name);
    refused(
        &env,
        &fixtures::hostile_absolute(&target),
        &target.to_string_lossy(),
    );
    assert!(
        !target.exists(),
        "the absolute entry was written to {target:?}"
    );
    let left: Vec<_> = fs::read_dir(&outside).unwrap().collect();
    assert!(left.is_empty(), "something was written outside: {left:?}");
    // Not even relative to the layer (as GNU tar would do by stripping the `/`).
    nothing_named(&env, &name);
}

#[test]
fn write_through_outward_symlink_is_refused() {
    let Some(env) = Env::rootless() else { return };
    let outside = env.make_dir("outside");
    let name = unique("escape-symlink");
    refused(
        &env,
        &fixtures::hostile_symlink(&outside, &name),
        &format!("link/{name}"),
    );
    let left: Vec<_> = fs::read_dir(&outside).unwrap().collect();
    assert!(
        left.is_empty(),
        "a file was written through the symlink: {left:?}"
    );
    nothing_named(&env, &name);
}

#[test]
fn hardlink_to_host_file_is_refused() {
    let Some(env) = Env::rootless() else { return };
    refused(&env, &fixtures::hostile_hardlink(), "passwd");
    let host = fs::metadata("/etc/passwd").expect("stat /etc/passwd");
    let linked: Vec<PathBuf> = walk(&env.root)
        .into_iter()
        .filter(|p| {
            fs::symlink_metadata(p).is_ok_and(|m| m.dev() == host.dev() && m.ino() == host.ino())
        })
        .collect();
    assert!(
        linked.is_empty(),
        "the store holds a link to /etc/passwd: {linked:?}"
    );
    assert_eq!(host.nlink(), fs::metadata("/etc/passwd").unwrap().nlink());
}
