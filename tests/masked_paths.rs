//! `--security-opt mask=` and `unmask=`, and the masks podman added lately
//! (`/proc/interrupts`: every CPU's interrupt counts, which other users' activity drives).

use crate::util::Env;

fn run(env: &Env, flags: &[&str], script: &str) -> String {
    let mut args = vec!["run", "--rm"];
    args.extend_from_slice(flags);
    args.extend(["busybox", "sh", "-c", script]);
    let out = env.berth(args).output();
    out.success();
    out.stdout()
}

#[test]
fn proc_interrupts_is_masked_unless_unmasked() {
    let Some(env) = Env::rootless() else { return };
    if !std::path::Path::new("/proc/interrupts").exists() {
        eprintln!("skipped: this kernel has no /proc/interrupts");
        return;
    }
    env.import_busybox();
    let count = "wc -c < /proc/interrupts";
    assert_eq!(
        run(&env, &[], count),
        "0\n",
        "/proc/interrupts must read empty"
    );
    // The host's table has a CPU header line.
    let head = "head -n 1 /proc/interrupts";
    for flags in [
        &["--security-opt", "unmask=/proc/interrupts"][..],
        &["--security-opt", "unmask=/proc/*"][..],
        &["--security-opt", "unmask=ALL"][..],
        &["--privileged"][..],
    ] {
        let out = run(&env, flags, head);
        assert!(out.contains("CPU0"), "{flags:?}: {out:?}");
    }
    // Unmasking one path leaves the others masked (a masked file is /dev/null).
    if let Some(other) = ["/proc/keys", "/proc/timer_list", "/proc/kcore"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    {
        assert_eq!(
            run(
                &env,
                &["--security-opt", "unmask=/proc/interrupts"],
                &format!("[ -c {other} ] && echo masked || echo unmasked")
            ),
            "masked\n"
        );
    }
}

#[test]
fn unmask_lifts_read_only_and_mask_adds() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let ro = "grep -c ' /proc/sys proc ro' /proc/mounts || true";
    assert_eq!(run(&env, &[], ro), "1\n");
    assert_eq!(
        run(&env, &["--security-opt", "unmask=/proc/sys"], ro),
        "0\n"
    );
    // mask= hides a file and a directory of the image, with or without --privileged.
    let script = "wc -c < /etc/passwd; ls -A /home | wc -l; echo done";
    let plain = run(&env, &[], script);
    let lines: Vec<&str> = plain.lines().collect();
    assert!(lines[0] != "0" && lines[1] == "1", "{plain}");
    for flags in [
        &["--security-opt", "mask=/etc/passwd:/home"][..],
        &["--privileged", "--security-opt", "mask=/etc/passwd:/home"][..],
    ] {
        assert_eq!(run(&env, flags, script), "0\n0\ndone\n", "{flags:?}");
    }
}

#[test]
fn bad_mask_values_exit_125() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    for (opt, want) in [
        ("mask=etc/passwd", "`etc/passwd` is not an absolute path"),
        ("mask=/a/../b", "must not contain `..`"),
        ("unmask=", "no path given"),
        ("unmask=/proc/[", "not a valid pattern"),
    ] {
        env.berth(["run", "--rm", "--security-opt", opt, "busybox", "true"])
            .output()
            .code(125)
            .stderr_contains(&format!("invalid --security-opt `{opt}`"))
            .stderr_contains(want);
    }
}
