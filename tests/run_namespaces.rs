//! `berth run` namespaces: the id maps, PID 1, hostname, and the network modes.

use std::collections::BTreeSet;
use std::fs;

use crate::util::{sub_range, Env};

/// The normalised lines of an id map (`inside outside count`).
fn map_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn uid_and_gid_maps_cover_the_full_range() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let sub_uid = sub_range(&fs::read_to_string("/etc/subuid").unwrap(), &env.user).unwrap();
    let sub_gid = sub_range(&fs::read_to_string("/etc/subgid").unwrap(), &env.user).unwrap();
    let out = env
        .berth(["run", "--rm", "busybox", "cat", "/proc/self/uid_map"])
        .output();
    out.success();
    let want = vec![
        format!("0 {} 1", env.user.uid),
        format!("1 {} {}", sub_uid.0, sub_uid.1),
    ];
    out.check(
        map_lines(&out.stdout()) == want,
        &format!("uid_map must be {want:?}"),
    );
    let out = env
        .berth(["run", "--rm", "busybox", "cat", "/proc/self/gid_map"])
        .output();
    out.success();
    let want = vec![
        format!("0 {} 1", env.user.gid),
        format!("1 {} {}", sub_gid.0, sub_gid.1),
    ];
    out.check(
        map_lines(&out.stdout()) == want,
        &format!("gid_map must be {want:?}"),
    );
}

#[test]
fn command_is_pid_1_and_ps_shows_only_the_container() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth(["run", "--rm", "busybox", "ps", "-o", "pid,args"])
        .output();
    out.success();
    let rows: Vec<Vec<String>> = out
        .stdout_lines()
        .iter()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect();
    out.check(
        rows == vec![vec!["1", "ps", "-o", "pid,args"]],
        "ps must list exactly one process: itself, as PID 1",
    );
    // The shell is PID 1 (`; true` keeps busybox sh from exec'ing its last command).
    env.berth([
        "run",
        "--rm",
        "busybox",
        "sh",
        "-c",
        "echo $$; cat /proc/1/comm; true",
    ])
    .output()
    .success()
    .stdout_eq("1\nsh\n");
}

#[test]
fn every_namespace_is_new() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let kinds = ["user", "mnt", "pid", "uts", "ipc", "net"];
    let script: String = kinds
        .iter()
        .map(|k| format!("readlink /proc/self/ns/{k}; "))
        .collect();
    let out = env
        .berth(["run", "--rm", "busybox", "sh", "-c", &script])
        .output();
    out.success();
    let inside = out.stdout_lines();
    out.check(inside.len() == kinds.len(), "one line per namespace");
    for (kind, line) in kinds.iter().zip(&inside) {
        let host = fs::read_link(format!("/proc/self/ns/{kind}")).unwrap();
        out.check(
            host.to_string_lossy() != line.as_str(),
            &format!("the container shares the host's {kind} namespace"),
        );
    }
}

#[test]
fn default_hostname_is_the_short_container_id() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env.berth(["run", "busybox", "hostname"]).output();
    out.success();
    let host = out.stdout().trim().to_owned();
    let ids = env.container_ids();
    out.check(
        ids.len() == 1,
        "the container stays in the store without --rm",
    );
    out.check(
        host.len() == 12 && ids[0].starts_with(&host),
        &format!("hostname must be the first 12 chars of the id {}", ids[0]),
    );
}

#[test]
fn hostname_flag() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth([
        "run",
        "--rm",
        "--hostname",
        "berthbox",
        "busybox",
        "sh",
        "-c",
        "hostname; cat /proc/sys/kernel/hostname",
    ])
    .output()
    .success()
    .stdout_eq("berthbox\nberthbox\n");
}

/// Interface names from a /proc/net/dev text.
fn interfaces(text: &str) -> BTreeSet<String> {
    text.lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn network_none_has_only_lo_up() {
    // The default network is pasta now (tests/net.rs); `none` keeps only loopback.
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let args = ["run", "--rm", "--network", "none", "busybox"];
    let out = env
        .berth(args.iter().copied().chain(["cat", "/proc/net/dev"]))
        .output();
    out.success();
    let names = interfaces(&out.stdout());
    out.check(
        names == BTreeSet::from(["lo".to_owned()]),
        "only `lo` exists in the container's network namespace",
    );
    let out = env
        .berth(args.iter().copied().chain(["ip", "link", "show", "lo"]))
        .output();
    out.success();
    let first = out.stdout_lines().into_iter().next().unwrap_or_default();
    out.check(
        first.contains(",UP") || first.contains("<UP"),
        "lo must be up",
    );
}

#[test]
fn network_host_sees_host_interfaces() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let host = interfaces(&fs::read_to_string("/proc/net/dev").unwrap());
    let out = env
        .berth([
            "run",
            "--rm",
            "--network",
            "host",
            "busybox",
            "cat",
            "/proc/net/dev",
        ])
        .output();
    out.success();
    out.check(
        interfaces(&out.stdout()) == host,
        &format!("the container must see the host's interfaces {host:?}"),
    );
    let host_ns = fs::read_link("/proc/self/ns/net").unwrap();
    env.berth([
        "run",
        "--rm",
        "--network",
        "host",
        "busybox",
        "readlink",
        "/proc/self/ns/net",
    ])
    .output()
    .success()
    .stdout_eq(&format!("{}\n", host_ns.display()));
}

#[test]
fn bad_network_mode_exits_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "--network", "bogus", "busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("bogus");
}
