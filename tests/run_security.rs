//! `berth run` security defaults and their flags: masked and read-only /proc paths,
//! capabilities, no_new_privs and seccomp.

use std::fs;

use crate::util::Env;

/// podman's default capability set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
/// SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP.
const DEFAULT_CAPS: u64 = 0x0000_0000_8004_05fb;
const CAP_CHOWN: u32 = 0;
const CAP_NET_ADMIN: u32 = 12;

/// One field of /proc/self/status, as the container sees it.
fn status_field(env: &Env, flags: &[&str], field: &str) -> String {
    let mut args = vec!["run", "--rm"];
    args.extend_from_slice(flags);
    args.extend(["busybox", "cat", "/proc/self/status"]);
    let out = env.berth(args).output();
    out.success();
    out.stdout_lines()
        .into_iter()
        .find_map(|l| {
            l.strip_prefix(&format!("{field}:"))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_else(|| out.fail(&format!("no {field} line in /proc/self/status")))
}

fn cap_eff(env: &Env, flags: &[&str]) -> String {
    status_field(env, flags, "CapEff")
}

fn hex(mask: u64) -> String {
    format!("{mask:016x}")
}

/// The masked files of podman's (and berth's) default spec.
const MASKED_FILES: [&str; 6] = [
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
];
/// The masked directories.
const MASKED_DIRS: [&str; 4] = [
    "/proc/acpi",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/fs/selinux",
];

#[test]
fn masked_paths_read_empty() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // Only what this kernel has (not every kernel has /proc/kcore); the container must
    // read each as empty. Unmasked, /proc/kcore cannot even be opened (exit status != 0),
    // and /proc/timer_list or /sys/firmware have content.
    let files: Vec<&str> = MASKED_FILES
        .into_iter()
        .filter(|f| std::path::Path::new(f).exists())
        .collect();
    let dirs: Vec<&str> = MASKED_DIRS
        .into_iter()
        .filter(|d| std::path::Path::new(d).is_dir())
        .collect();
    assert!(!files.is_empty(), "the host has none of {MASKED_FILES:?}");
    let script = format!(
        "for f in {}; do echo \"$f $(wc -c < $f)\"; done; \
         for d in {}; do echo \"$d $(ls -A $d | wc -l)\"; done",
        files.join(" "),
        dirs.join(" ")
    );
    let want: String = files
        .iter()
        .chain(&dirs)
        .map(|p| format!("{p} 0\n"))
        .collect();
    env.berth(["run", "--rm", "busybox", "sh", "-c", &script])
        .output()
        .success()
        .stdout_eq(&want);
    // --privileged lifts the masks: /proc/timer_list is the kernel's file again (root-only,
    // so not readable here), not the /dev/null mask.
    if std::path::Path::new("/proc/timer_list").exists() {
        let masked = "[ -c /proc/timer_list ] && echo masked || echo unmasked";
        env.berth(["run", "--rm", "busybox", "sh", "-c", masked])
            .output()
            .success()
            .stdout_eq("masked\n");
        env.berth(["run", "--rm", "--privileged", "busybox", "sh", "-c", masked])
            .output()
            .success()
            .stdout_eq("unmasked\n");
    }
}

#[test]
fn proc_sys_is_read_only() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // The network sysctls belong to the container's own network namespace, so without the
    // read-only mount container root could write them.
    let out = env
        .berth([
            "run",
            "--rm",
            "busybox",
            "sh",
            "-c",
            "echo 1 > /proc/sys/net/ipv4/ip_forward && echo written",
        ])
        .expect_stderr()
        .output();
    out.check(!out.status.success(), "writing /proc/sys must fail");
    out.stdout_lacks("written")
        .stderr_contains("Read-only file system");
    let out = env
        .berth(["run", "--rm", "busybox", "cat", "/proc/mounts"])
        .output();
    out.success();
    let ro = out.stdout_lines().iter().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() > 3 && f[1] == "/proc/sys" && f[3].split(',').any(|o| o == "ro")
    });
    out.check(ro, "/proc/sys must be mounted read-only");
}

#[test]
fn default_capabilities() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(cap_eff(&env, &[]), hex(DEFAULT_CAPS));
    assert_eq!(status_field(&env, &[], "CapBnd"), hex(DEFAULT_CAPS));
}

#[test]
fn cap_add_net_admin() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let want = hex(DEFAULT_CAPS | 1 << CAP_NET_ADMIN);
    assert_eq!(cap_eff(&env, &["--cap-add", "NET_ADMIN"]), want);
    // podman accepts the CAP_ prefix and lower case too.
    assert_eq!(cap_eff(&env, &["--cap-add", "cap_net_admin"]), want);
}

#[test]
fn cap_drop_chown() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(
        cap_eff(&env, &["--cap-drop", "CHOWN"]),
        hex(DEFAULT_CAPS & !(1 << CAP_CHOWN))
    );
    // Without CHOWN, chown of a file fails.
    let out = env
        .berth([
            "run",
            "--rm",
            "--cap-drop",
            "CHOWN",
            "busybox",
            "sh",
            "-c",
            "touch /tmp/f && chown 1000 /tmp/f && echo chowned",
        ])
        .expect_stderr()
        .output();
    out.check(!out.status.success(), "chown without CAP_CHOWN must fail");
    out.stdout_lacks("chowned");
}

#[test]
fn cap_drop_all() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(cap_eff(&env, &["--cap-drop", "ALL"]), hex(0));
}

#[test]
fn privileged_has_every_capability() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let last: u32 = fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let all = if last >= 63 {
        u64::MAX
    } else {
        (1u64 << (last + 1)) - 1
    };
    assert_eq!(cap_eff(&env, &["--privileged"]), hex(all));
}

#[test]
fn unknown_capability_exits_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    env.berth(["run", "--rm", "--cap-add", "NOT_A_CAP", "busybox", "true"])
        .output()
        .code(125)
        .stderr_contains("NOT_A_CAP");
}

#[test]
fn no_new_privileges() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(status_field(&env, &[], "NoNewPrivs"), "0");
    assert_eq!(
        status_field(&env, &["--security-opt", "no-new-privileges"], "NoNewPrivs"),
        "1"
    );
}

#[test]
fn seccomp_default_profile_is_active() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(status_field(&env, &[], "Seccomp"), "2");
}

#[test]
fn seccomp_unconfined() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    assert_eq!(
        status_field(&env, &["--security-opt", "seccomp=unconfined"], "Seccomp"),
        "0"
    );
}

#[test]
fn seccomp_profile_file() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    // A profile that allows everything except mkdir and mkdirat, which fail with EPERM
    // (busybox's uname ignores a failing uname(2), so that would prove nothing).
    let profile = env.write_file(
        "seccomp.json",
        br#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}"#,
    );
    let opt = format!("seccomp={}", profile.display());
    let out = env
        .berth([
            "run",
            "--rm",
            "--security-opt",
            &opt,
            "busybox",
            "mkdir",
            "/tmp/refused",
        ])
        .expect_stderr()
        .output();
    out.check(
        !out.status.success(),
        "mkdir must be refused by the profile",
    );
    out.stderr_contains("Operation not permitted");
    // Without the profile the same command works.
    env.berth(["run", "--rm", "busybox", "mkdir", "/tmp/allowed"])
        .output()
        .success();
    assert_eq!(
        status_field(&env, &["--security-opt", &opt], "Seccomp"),
        "2"
    );
}
