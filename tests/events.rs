//! `berth events`: the file-backed event log, its filters, formats and `--stream`, and the
//! events-backend choices.

use std::time::Duration;

use crate::util::Env;

fn events(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["events", "--stream=false"];
    all.extend_from_slice(args);
    env.berth(&all).output().success().stdout_lines()
}

#[test]
fn a_containers_life_is_logged_in_order_with_its_labels() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--name",
        "evt",
        "--label",
        "team=blue",
        "busybox",
        "sh",
        "-c",
        "exit 17",
    ])
    .output()
    .code(17);
    env.berth(["rm", "evt"]).output().success();
    let lines = events(&env, &["--filter", "container=evt"]);
    let statuses: Vec<&str> = lines
        .iter()
        .map(|l| l.split(' ').nth(5).unwrap_or_default())
        .collect();
    assert_eq!(
        statuses,
        ["create", "init", "start", "died", "remove"],
        "{lines:#?}"
    );
    // podman's line: time, type, status, id, then image, name and labels.
    let start = &lines[2];
    assert!(start.contains(" +0000 UTC container start "), "{start}");
    assert!(
        start.contains("(image=localhost/busybox:latest, name=evt,"),
        "{start}"
    );
    assert!(start.contains("team=blue"), "{start}");
    // The exit code and the labels are in the died event's JSON.
    let died = events(
        &env,
        &[
            "--filter",
            "event=died",
            "--filter",
            "label=team=blue",
            "--format",
            "json",
        ],
    );
    assert_eq!(died.len(), 1, "{died:?}");
    let json: serde_json::Value = serde_json::from_str(&died[0]).unwrap();
    assert_eq!(json["Status"], "died");
    assert_eq!(json["ContainerExitCode"], 17);
    assert_eq!(json["Attributes"]["team"], "blue");
    assert_eq!(
        events(
            &env,
            &[
                "--filter",
                "status=died",
                "--format",
                "{{.Attributes.team}} {{.Name}}"
            ]
        ),
        ["blue evt"]
    );
}

#[test]
fn filters_of_one_key_are_or_and_ids_truncate_on_request() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for name in ["foo", "bar", "baz"] {
        env.berth(["run", "--rm", "--name", name, "busybox", "true"])
            .output()
            .success();
    }
    let both = events(
        &env,
        &[
            "--filter",
            "container=foo",
            "--filter",
            "container=bar",
            "--filter",
            "event=start",
        ],
    );
    assert_eq!(both.len(), 2, "{both:#?}");
    assert!(both[0].contains("name=foo") && both[1].contains("name=bar"));
    // A --rm container dies and is removed like any other.
    assert_eq!(
        events(
            &env,
            &["--filter", "container=baz", "--format", "{{.Status}}"]
        ),
        ["create", "init", "start", "died", "remove"]
    );
    // Full ids by default; `--no-trunc=false` shortens them, but never in --format.
    let full = events(
        &env,
        &[
            "--filter",
            "container=baz",
            "--filter",
            "event=start",
            "--format",
            "{{.ID}}",
        ],
    );
    assert_eq!(full[0].len(), 64, "{full:?}");
    let short = events(
        &env,
        &[
            "--filter",
            "container=baz",
            "--filter",
            "event=start",
            "--no-trunc=false",
        ],
    );
    assert!(
        short[0].contains(&format!(" start {} (", &full[0][..12])),
        "{short:?}"
    );
    // --since in the future shows nothing; a bad filter or time is a one-line error.
    assert!(events(&env, &["--since", "2999-01-01T00:00:00Z"]).is_empty());
    for bad in [
        vec!["events", "--stream=false", "--filter", "nosuch=1"],
        vec!["events", "--stream=false", "--since", "yesterday"],
    ] {
        env.berth(&bad).output().code(125).stderr_is_one_error();
    }
}

#[test]
fn image_and_volume_events_name_what_changed() {
    let Some(env) = Env::rootless() else { return };
    let id = env.import_busybox();
    env.berth(["tag", "busybox", "extra:1"]).output().success();
    env.berth(["untag", "busybox", "extra:1"])
        .output()
        .success();
    let tar = env.make_dir("out").join("b.tar");
    env.berth(["save", "-o", tar.to_str().unwrap(), "busybox"])
        .output()
        .success();
    env.berth(["volume", "create", "v1"]).output().success();
    env.berth(["volume", "rm", "v1"]).output().success();
    let lines = events(&env, &["--format", "{{.Type}} {{.Status}} {{.Name}}"]);
    let id = id.trim_start_matches("sha256:");
    let expect = [
        "image tag extra:1".to_string(),
        "image untag localhost/extra:1".to_string(),
        format!("image save {}", tar.display()),
        "volume create v1".to_string(),
        "volume remove v1".to_string(),
    ];
    assert_eq!(lines, expect, "{lines:#?}");
    let tagged = events(
        &env,
        &[
            "--filter",
            "type=image",
            "--filter",
            "event=tag",
            "--format",
            "{{.ID}}",
        ],
    );
    assert_eq!(tagged, [id.to_string()]);
}

#[test]
fn stream_prints_new_events_as_they_happen() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["volume", "create", "before"]).output().success();
    let mut follower = env
        .berth(["events", "--format", "{{.Status}} {{.Name}}"])
        .spawn();
    // Only what happens from now on (podman's streaming without --since).
    std::thread::sleep(Duration::from_millis(400));
    env.berth(["volume", "create", "after"]).output().success();
    follower.wait_for_line("create after");
    follower.signal(nix::sys::signal::Signal::SIGTERM);
    let out = follower.wait();
    assert!(!out.stdout().contains("before"), "{}", out.stdout());
    // --until ends a stream.
    let ended = env
        .berth([
            "events",
            "--since",
            "1m",
            "--until",
            "0s",
            "--format",
            "{{.Name}}",
        ])
        .output();
    ended.success();
    assert!(ended.stdout().contains("before"), "{}", ended.stdout());
}

#[test]
fn the_none_backend_writes_nothing_and_refuses_to_read() {
    let Some(env) = Env::cli() else { return };
    let dir = env.config_home.join("berth");
    std::fs::create_dir_all(&dir).unwrap();
    env.give_to_user(&dir);
    let conf = dir.join("berth.toml");
    std::fs::write(&conf, "[engine]\nevents_logger = \"none\"\n").unwrap();
    env.give_to_user(&conf);
    env.berth(["volume", "create", "quiet"]).output().success();
    env.berth(["events", "--stream=false"])
        .output()
        .code(125)
        .stderr_contains("cannot read events with the \"none\" backend");
    // Nothing was written: with the file backend again, the log is empty.
    std::fs::write(&conf, "[engine]\nevents_logger = \"file\"\n").unwrap();
    assert!(events(&env, &[]).is_empty());
}
