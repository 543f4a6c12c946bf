//! `berth auto-update` against the local registry: a container whose tag moved is replaced
//! through its unit, and one whose new image fails its healthcheck is rolled back. The test
//! plays systemd with a stand-in `systemctl` that runs the unit's ExecStop and ExecStart and
//! fails a restart whose container does not turn healthy (what `Notify=healthy` makes
//! systemd do).

use std::os::unix::fs::PermissionsExt;

use crate::registry::{have, Registry, Setup, REGISTRY_BIN};
use crate::systemd::{run_unit_command, TRAPPING};
use crate::util::{Env, HOST_PATH};

const STAND_IN: &str = r#"#!/bin/sh
[ "$1" = --user ] && shift
[ "$1" = restart ] || exit 0
unit="$2"
base="${unit%.*}"
f="$UNITS_DIR/$unit"
line() {
    sed -n "s/^$1=//p" "$f" | head -n 1 |
        sed -e "s|%t|$XDG_RUNTIME_DIR|g" -e "s|%N|$base|g" -e "s|%n|$unit|g"
}
export PODMAN_SYSTEMD_UNIT="$unit"
eval "$(line ExecStop)" >/dev/null 2>&1
start="$(line ExecStart)"
eval "$start" >/dev/null || exit 1
berth="${start%% *}"
i=0
while [ $i -lt 60 ]; do
    "$berth" healthcheck run "systemd-$base" >/dev/null 2>&1 && exit 0
    i=$((i + 1))
    sleep 0.25
done
echo "$unit did not turn healthy" >&2
exit 1
"#;

/// The stand-in systemctl, a quadlet `app.container` (the policy, a healthcheck,
/// Notify=healthy) and its unit, started; returns the units' directory and the unit's text.
fn start_service(env: &Env, image: &str, policy: &str) -> (std::path::PathBuf, String) {
    let bin = env.make_dir("bin");
    std::fs::write(bin.join("systemctl"), STAND_IN).unwrap();
    std::fs::set_permissions(
        bin.join("systemctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    env.give_to_user(&bin);
    let qdir = env.config_home.join("containers/systemd");
    std::fs::create_dir_all(&qdir).unwrap();
    std::fs::write(
        qdir.join("app.container"),
        format!(
            "[Container]\nImage={image}\nAutoUpdate={policy}\nNotify=healthy\nHealthCmd=test -f /ok\nHealthInterval=1s\nNetwork=none\nExec=sh -c \"{TRAPPING}\"\n"
        ),
    )
    .unwrap();
    env.give_to_user(&env.config_home);
    let units = env.work.join("units");
    env.berth(["quadlet", "--user"])
        .arg(&units)
        .output()
        .success();
    let text = std::fs::read_to_string(units.join("app.service")).unwrap();
    run_unit_command(env, &text, "ExecStart", "app.service", None).success();
    (units, text)
}

/// Build an image of busybox with /version (and /ok when `healthy`) in `env`, and push it.
fn build_and_push(env: &Env, reference: &str, version: &str, healthy: bool) {
    build(env, reference, version, healthy);
    env.berth(["push", "--tls-verify=false", reference])
        .expect_stderr()
        .output()
        .success();
}

/// Build an image of busybox with /version (and /ok when `healthy`) in `env`.
fn build(env: &Env, reference: &str, version: &str, healthy: bool) {
    let ctx = env.make_dir(&format!("ctx-{version}"));
    std::fs::write(ctx.join("version"), version).unwrap();
    std::fs::write(ctx.join("ok"), "").unwrap();
    let file = if healthy {
        "FROM busybox\nCOPY version ok /\n"
    } else {
        "FROM busybox\nCOPY version /\n"
    };
    std::fs::write(ctx.join("Containerfile"), file).unwrap();
    env.give_to_user(&ctx);
    env.berth(["build", "-q", "-t", reference])
        .arg(&ctx)
        .output()
        .success();
}

fn auto_update(env: &Env, units: &std::path::Path, extra: &[&str]) -> String {
    let bin = env.work.join("bin");
    env.berth([
        "auto-update",
        "--tls-verify=false",
        "--format",
        "{{.Unit}} {{.Image}} {{.Updated}}",
    ])
    .args(extra)
    .env("PATH", format!("{}:{HOST_PATH}", bin.display()))
    .env("UNITS_DIR", units)
    .output()
    .success()
    .stdout()
}

fn version(env: &Env) -> String {
    env.berth(["exec", "systemd-app", "cat", "/version"])
        .output()
        .success()
        .stdout()
}

#[test]
fn auto_update_replaces_a_moved_tag_and_rolls_back_an_unhealthy_image() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let Some(pusher) = Env::rootless() else {
        return;
    };
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    let image = format!("{}/test/app:latest", reg.addr);
    pusher.import_busybox();
    build_and_push(&pusher, &image, "1", true);
    env.berth(["pull", "-q", "--tls-verify=false", &image])
        .output()
        .success();
    let (units, text) = start_service(&env, &image, "registry");
    assert_eq!(version(&env), "1");

    // Nothing moved: nothing to do.
    assert_eq!(
        auto_update(&env, &units, &["--dry-run"]),
        format!("app.service {image} false\n")
    );
    // The tag moves: dry-run says so, the update restarts the unit on the new image.
    build_and_push(&pusher, &image, "2", true);
    assert_eq!(
        auto_update(&env, &units, &["--dry-run"]),
        format!("app.service {image} pending\n")
    );
    assert_eq!(version(&env), "1", "--dry-run changes nothing");
    assert_eq!(
        auto_update(&env, &units, &[]),
        format!("app.service {image} true\n")
    );
    assert_eq!(version(&env), "2");
    let v2 = env
        .berth(["image", "inspect", "--format", "{{.Id}}", &image])
        .output()
        .success()
        .stdout();

    // A new image whose healthcheck fails: the unit fails to restart, and berth goes back.
    build_and_push(&pusher, &image, "3", false);
    assert_eq!(
        auto_update(&env, &units, &[]),
        format!("app.service {image} rolled back\n")
    );
    assert_eq!(version(&env), "2");
    env.berth(["image", "inspect", "--format", "{{.Id}}", &image])
        .output()
        .success()
        .stdout_eq(&v2);
    run_unit_command(&env, &text, "ExecStop", "app.service", None).success();
}

#[test]
fn auto_update_local_restarts_when_the_local_tag_moves() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let image = "localhost/app:latest";
    build(&env, image, "1", true);
    let (units, text) = start_service(&env, image, "local");
    assert_eq!(version(&env), "1");
    assert_eq!(
        auto_update(&env, &units, &[]),
        format!("app.service {image} false\n")
    );
    build(&env, image, "2", true);
    assert_eq!(
        auto_update(&env, &units, &["--dry-run"]),
        format!("app.service {image} pending\n")
    );
    assert_eq!(
        auto_update(&env, &units, &[]),
        format!("app.service {image} true\n")
    );
    assert_eq!(version(&env), "2");
    run_unit_command(&env, &text, "ExecStop", "app.service", None).success();
    // A container without its unit's label is an error that names it.
    env.berth([
        "run",
        "-d",
        "--name",
        "stray",
        "--label",
        "io.containers.autoupdate=local",
        image,
        "sleep",
        "60",
    ])
    .output()
    .success();
    env.berth(["auto-update"])
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("no PODMAN_SYSTEMD_UNIT label found");
    env.berth(["rm", "-f", "-t", "0", "stray"])
        .output()
        .success();
}
