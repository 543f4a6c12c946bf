//! `berth quadlet`: quadlet files become units that systemd-analyze accepts; the test plays
//! the service manager (runs ExecStart with a NOTIFY_SOCKET it listens on, then ExecStop).

use std::time::Duration;

use crate::systemd::{alive, main_pid, run_unit_command, verify_units, Listener};
use crate::util::{http_get, require, wait_until, Env, Need};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Write a file into the user's podman quadlet directory.
fn write_quadlet(env: &Env, name: &str, text: &str) {
    let dir = env.config_home.join("containers/systemd");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
    env.give_to_user(&env.config_home);
}

#[test]
fn a_container_file_becomes_a_unit_that_runs_notifies_and_stops() {
    let Some(env) = Env::rootless() else { return };
    if !require(Need::Pasta) {
        return;
    }
    env.import_busybox();
    let port = free_port();
    write_quadlet(&env, "site.volume", "[Volume]\nLabel=app=site\n");
    write_quadlet(
        &env,
        "web.container",
        &format!(
            "[Unit]\nDescription=A web server\n\n[Container]\nImage=busybox\nPublishPort=127.0.0.1:{port}:80\nVolume=site.volume:/srv\nEnvironment=GREETING=hello \"SECOND=from quadlet\"\nExec=sh -c 'echo $GREETING $SECOND > /srv/index.html; exec httpd -f -p 80 -h /srv'\n\n[Service]\nTimeoutStartSec=60\n\n[Install]\nWantedBy=default.target\n"
        ),
    );
    let out_dir = env.work.join("generator");
    env.berth(["quadlet", "--user"])
        .arg(&out_dir)
        .arg(env.work.join("early"))
        .arg(env.work.join("late"))
        .output()
        .success();
    let web = out_dir.join("web.service");
    let vol = out_dir.join("site-volume.service");
    let wants = out_dir.join("default.target.wants/web.service");
    assert_eq!(
        std::fs::read_link(&wants).unwrap(),
        std::path::Path::new("../web.service")
    );
    if let Some(v) = verify_units(&env, &[web.clone(), vol.clone()]) {
        v.success();
    }
    let text = std::fs::read_to_string(&web).unwrap();
    for want in [
        "Type=notify",
        "NotifyAccess=all",
        "KillMode=mixed",
        "Requires=site-volume.service",
        "--sdnotify=conmon",
        "--name=systemd-%N",
        "--cidfile=%t/%N.cid",
        "--cgroups=split",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    // The volume's unit first, as Requires= says.
    let vol_text = std::fs::read_to_string(&vol).unwrap();
    run_unit_command(&env, &vol_text, "ExecStart", "site-volume.service", None).success();
    env.berth([
        "volume",
        "inspect",
        "--format",
        "{{.Labels}}",
        "systemd-site",
    ])
    .output()
    .success()
    .stdout_contains("app:site");
    let listener = Listener::new(&env);
    run_unit_command(&env, &text, "ExecStart", "web.service", Some(&listener)).success();
    let got = listener.until_ready();
    let pid = main_pid(&got);
    assert!(alive(pid), "MAINPID {pid} is not alive");
    assert!(http_get(port).contains("hello from quadlet"));
    env.berth(["ps", "--format", "{{.Names}} {{.Labels}}"])
        .output()
        .success()
        .stdout_contains("systemd-web")
        .stdout_contains("PODMAN_SYSTEMD_UNIT");
    run_unit_command(&env, &text, "ExecStop", "web.service", None).success();
    assert!(wait_until(Duration::from_secs(10), || !alive(pid)));
    env.berth(["ps", "-a", "-q"])
        .output()
        .success()
        .stdout_eq("");
    // ExecStopPost finds nothing left, and says nothing.
    run_unit_command(&env, &text, "ExecStopPost", "web.service", None).success();
    // The volume's data stay.
    env.berth([
        "run",
        "--rm",
        "-v",
        "systemd-site:/srv",
        "busybox",
        "cat",
        "/srv/index.html",
    ])
    .output()
    .success()
    .stdout_eq("hello from quadlet\n");
}

#[test]
fn dryrun_prints_every_unit_and_names_bad_files_and_lines() {
    let Some(env) = Env::cli() else { return };
    write_quadlet(
        &env,
        "a.container",
        "[Container]\nImage=busybox\nExec=sleep 1\n",
    );
    write_quadlet(&env, "n.network", "[Network]\nSubnet=10.91.0.0/24\n");
    write_quadlet(
        &env,
        "bad.container",
        "[Container]\nImage=busybox\n\nFrobnicate=yes\n",
    );
    write_quadlet(&env, "p.pod", "[Pod]\n");
    // berth's own directory is read too.
    let own = env.config_home.join("berth/systemd");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("b.container"),
        "[Container]\nImage=busybox\nNetwork=n.network\n",
    )
    .unwrap();
    env.give_to_user(&env.config_home);
    let out = env
        .berth(["quadlet", "--user", "--dryrun"])
        .expect_stderr()
        .output();
    out.code(125);
    let stdout = out.stdout();
    for want in [
        "---n-network.service---",
        "---a.service---",
        "---b.service---",
    ] {
        assert!(stdout.contains(want), "{want} missing:\n{stdout}");
    }
    assert!(stdout.contains("network create --ignore --subnet=10.91.0.0/24 systemd-n"));
    assert!(stdout.contains("--network=systemd-n"));
    let bad = env.config_home.join("containers/systemd/bad.container");
    out.stderr_contains(&format!(
        "{}:4: unsupported key `Frobnicate` in [Container]",
        bad.display()
    ));
    out.stderr_contains("p.pod: berth: .pod files are not supported yet");
}

#[test]
fn install_list_print_rm() {
    let Some(env) = Env::cli() else { return };
    let src = env.write_file("svc.container", b"[Container]\nImage=busybox\n");
    let dest = env.config_home.join("containers/systemd/svc.container");
    env.berth(["quadlet", "install", "--reload-systemd=false"])
        .arg(&src)
        .output()
        .success()
        .stdout_eq(&format!("{}\n", dest.display()));
    env.berth(["quadlet", "install", "--reload-systemd=false"])
        .arg(&src)
        .expect_stderr()
        .output()
        .code(125)
        .stderr_contains("installed already");
    env.berth(["quadlet", "list", "--format", "{{.Name}} {{.UnitName}}"])
        .output()
        .success()
        .stdout_eq("svc.container svc.service\n");
    env.berth(["quadlet", "print", "svc.container"])
        .output()
        .success()
        .stdout_eq("[Container]\nImage=busybox\n");
    env.berth(["quadlet", "print", "nope.container"])
        .expect_stderr()
        .output()
        .code(125);
    env.berth(["quadlet", "rm", "--reload-systemd=false", "svc.container"])
        .output()
        .success()
        .stdout_eq("svc.container\n");
    assert!(!dest.exists());
    env.berth(["quadlet", "rm", "--reload-systemd=false", "svc.container"])
        .expect_stderr()
        .output()
        .code(125);
    env.berth([
        "quadlet",
        "rm",
        "-i",
        "--reload-systemd=false",
        "svc.container",
    ])
    .output()
    .success();
}

#[test]
fn berth_linked_as_a_user_generator_is_the_generator() {
    let Some(env) = Env::cli() else { return };
    write_quadlet(&env, "g.container", "[Container]\nImage=busybox\n");
    let link = env.work.join("berth-user-generator");
    std::os::unix::fs::symlink(crate::util::berth_bin(), &link).unwrap();
    let out = env.work.join("out");
    env.as_user(&link, [&out, &env.work.join("e"), &env.work.join("l")])
        .output()
        .success();
    let text = std::fs::read_to_string(out.join("g.service")).unwrap();
    assert!(text.contains("run --name=systemd-%N"), "{text}");
}
