//! Container lifecycle: `--rm`, kept containers, `--name`.

use std::time::Duration;

use crate::util::{unique, wait_until, Env};

#[test]
fn rm_leaves_nothing_behind() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let marker = unique("marker");
    // A background process that would outlive the command if the namespace were not torn down.
    let script = format!("sh -c 'sleep 300; : {marker}' & sleep 0.1");
    env.berth(["run", "--rm", "busybox", "sh", "-c", &script])
        .output()
        .success();
    assert!(
        env.container_ids().is_empty(),
        "--rm must remove the container directory"
    );
    // Neither the container's processes nor a berth session may linger. The container
    // command line names the marker; berth's environment names this test's data dir.
    let data = env.data_home.to_string_lossy().into_owned();
    let gone = wait_until(Duration::from_secs(10), || {
        Env::processes_with(&marker).is_empty() && Env::processes_with(&data).is_empty()
    });
    assert!(
        gone,
        "processes left after `run --rm`: {:?} {:?}",
        Env::processes_with(&marker),
        Env::processes_with(&data)
    );
}

#[test]
fn without_rm_the_container_stays() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "busybox", "true"]).output().success();
    let ids = env.container_ids();
    assert_eq!(ids.len(), 1, "one container directory: {ids:?}");
    assert!(
        crate::util::is_image_id(&ids[0]),
        "container ids are 64 hex: {}",
        ids[0]
    );
    env.berth(["run", "busybox", "true"]).output().success();
    assert_eq!(env.container_ids().len(), 2);
    // Exited containers keep no process either.
    let data = env.data_home.to_string_lossy().into_owned();
    assert!(wait_until(Duration::from_secs(10), || Env::processes_with(
        &data
    )
    .is_empty()));
}

#[test]
fn rm_on_failure_still_removes() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "busybox", "sh", "-c", "exit 7"])
        .output()
        .code(7);
    env.berth(["run", "--rm", "busybox", "no-such-command"])
        .output()
        .code(127);
    assert!(env.container_ids().is_empty());
}

#[test]
fn name_in_use_exits_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--name", "same", "busybox", "true"])
        .output()
        .success();
    let out = env
        .berth(["run", "--name", "same", "busybox", "true"])
        .output();
    out.code(125).stderr_is_one_error().stderr_contains("same");
    assert_eq!(
        env.container_ids().len(),
        1,
        "the refused run creates no container"
    );
}

#[test]
fn name_is_free_again_after_rm() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for _ in 0..2 {
        env.berth(["run", "--rm", "--name", "again", "busybox", "true"])
            .output()
            .success();
    }
}

#[test]
fn interactive_stdin_reaches_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "-i", "busybox", "tr", "a-z", "A-Z"])
        .stdin("hello berth\n")
        .output()
        .success()
        .stdout_eq("HELLO BERTH\n");
    // Without -i the container's stdin is empty.
    env.berth(["run", "--rm", "busybox", "cat"])
        .stdin("ignored\n")
        .output()
        .success()
        .stdout_eq("");
}

#[test]
fn concurrent_runs_with_one_name_exactly_one_wins() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let first = env
        .berth(["run", "--name", "race", "busybox", "true"])
        .spawn();
    let second = env
        .berth(["run", "--name", "race", "busybox", "true"])
        .spawn();
    let outs = [first.wait(), second.wait()];
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    let winners = codes.iter().filter(|c| **c == Some(0)).count();
    let losers: Vec<_> = outs
        .iter()
        .filter(|o| o.status.code() == Some(125))
        .collect();
    assert!(
        winners == 1 && losers.len() == 1,
        "exactly one run may win the name; got {codes:?}\n{}\n{}",
        outs[0].report(),
        outs[1].report()
    );
    losers[0].stderr_is_one_error().stderr_contains("race");
    assert_eq!(
        env.container_ids().len(),
        1,
        "only the winner has a container"
    );
}
