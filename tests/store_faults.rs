//! A killed berth, a full disk and leftovers: the store stays whole and the next ordinary
//! command cleans up, with no `system check --repair`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::registry::{have, Registry, Setup, REGISTRY_BIN};
use crate::util::{is_root, wait_until, Env};

/// A small seeded generator (xorshift64*), so a failing run can be replayed with its seed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("BERTH_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("fault seed: {seed} (replay with BERTH_FAULT_SEED={seed})");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// `pid` and every process below it.
fn tree(pid: i32) -> Vec<i32> {
    let mut parent: Vec<(i32, i32)> = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if let Some(pp) = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
            parent.push((p, pp));
        }
    }
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// Live (not zombie) processes of the test user with `berth` in their command line or name,
/// started for `env` (its directories in their environment: other tests run as the same
/// user at the same time).
fn berth_processes(env: &Env) -> Vec<String> {
    let uid = env.user.uid;
    let marker = env.root.to_string_lossy().into_owned();
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        if entry.file_name().to_string_lossy().parse::<i32>().is_err() {
            continue;
        }
        let dir = entry.path();
        let Ok(status) = fs::read_to_string(dir.join("status")) else {
            continue;
        };
        let ruid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|u| u.parse::<u32>().ok());
        let zombie = status
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'));
        if ruid != Some(uid) || zombie {
            continue;
        }
        let cmdline = fs::read(dir.join("cmdline")).unwrap_or_default();
        let name = fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let environ = fs::read(dir.join("environ")).unwrap_or_default();
        let ours = [&cmdline, &environ]
            .iter()
            .any(|b| b.windows(marker.len()).any(|w| w == marker.as_bytes()));
        if ours && (cmdline.windows(5).any(|w| w == b"berth") || name.starts_with("berth")) {
            out.push(format!(
                "{} {}",
                entry.file_name().to_string_lossy(),
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            ));
        }
    }
    out
}

/// The `system check` of a store that an ordinary command has opened: no problems.
fn assert_store_whole(env: &Env) {
    env.berth(["run", "--rm", "--network", "none", "busybox", "true"])
        .output()
        .success();
    env.berth(["system", "check"])
        .output()
        .success()
        .stdout_eq("no problems found\n");
}

#[test]
fn store_survives_kills_at_random_points() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    env.import_busybox();
    let dest = format!("{}/fault/busybox:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "busybox", &dest])
        .expect_stderr()
        .output()
        .success();
    // A stopped container with a file in its layer, and a volume, written before the faults.
    let out = env
        .berth([
            "run",
            "--name",
            "keep",
            "--network",
            "none",
            "-v",
            "keepvol:/vol",
            "busybox",
            "sh",
            "-c",
            "echo precious > /data.txt; echo kept > /vol/v.txt",
        ])
        .output();
    out.success();
    let keep_id = env.container_ids()[0].clone();
    let upper_file = env.containers_dir().join(&keep_id).join("upper/data.txt");
    let volume_file = env.data_home.join("berth/volumes/keepvol/_data/v.txt");
    assert_eq!(fs::read(&upper_file).unwrap(), b"precious\n");
    assert_eq!(fs::read(&volume_file).unwrap(), b"kept\n");

    let mut rng = Rng::new();
    let mut busy_kills = 0;
    for round in 0..60 {
        let op = rng.below(5);
        let args: Vec<String> = match op {
            0 => {
                let _ = env.berth(["rmi", "-f", &dest]).expect_stderr().output();
                ["pull", "-q", "--tls-verify=false", &dest]
                    .map(String::from)
                    .to_vec()
            }
            1 => [
                "run",
                "--rm",
                "--network",
                "none",
                "busybox",
                "sh",
                "-c",
                "echo x > /x; sleep 0.05",
            ]
            .map(String::from)
            .to_vec(),
            2 => ["create", "--network", "none", "busybox", "true"]
                .map(String::from)
                .to_vec(),
            3 => vec!["commit".into(), "keep".into(), format!("fault-{round}")],
            _ => {
                let out = env
                    .berth(["create", "--network", "none", "busybox", "true"])
                    .expect_stderr()
                    .output();
                let id = out.stdout().trim().to_string();
                if id.is_empty() {
                    continue;
                }
                vec!["rm".into(), "-f".into(), id]
            }
        };
        let running = env.berth(&args).expect_stderr().spawn();
        std::thread::sleep(Duration::from_millis(rng.below(120)));
        let pid = running.pid();
        // Half the time berth's own process only, half the time it and all it started.
        let victims = if rng.below(2) == 0 {
            vec![pid]
        } else {
            tree(pid)
        };
        let alive = fs::metadata(format!("/proc/{pid}")).is_ok();
        for v in victims {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(v),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let out = running.wait();
        if alive && !out.status.success() {
            busy_kills += 1;
        }
    }
    eprintln!("{busy_kills} of 60 kills hit berth at work");
    // What the kills left behind dies or finishes on its own (a container's session).
    assert!(
        wait_until(Duration::from_secs(20), || berth_processes(&env).is_empty()),
        "still running: {:?}",
        berth_processes(&env)
    );
    assert_store_whole(&env);
    assert_eq!(fs::read(&upper_file).unwrap(), b"precious\n");
    assert_eq!(fs::read(&volume_file).unwrap(), b"kept\n");
    // Every container and image still reads.
    env.berth(["ps", "-a", "-q"]).output().success();
    env.berth(["images", "-q"]).output().success();
    env.berth(["start", "-a", "keep"]).output().success();
    assert!(berth_processes(&env).is_empty());
}

/// Bytes in use on the filesystem of `path`.
fn used(path: &Path) -> u64 {
    let s = nix::sys::statvfs::statvfs(path).unwrap();
    (s.blocks() - s.blocks_free()) * s.fragment_size()
}

/// A tmpfs of `size` at `dir`, owned by the test user; unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(env: &Env, dir: PathBuf, size: &str) -> Option<Tmpfs> {
        let why = if is_root() {
            fs::create_dir_all(&dir).unwrap();
            let opts = format!(
                "size={size},mode=0700,uid={},gid={}",
                env.user.uid, env.user.gid
            );
            match nix::mount::mount(
                Some("tmpfs"),
                &dir,
                Some("tmpfs"),
                nix::mount::MsFlags::empty(),
                Some(opts.as_str()),
            ) {
                Ok(()) => return Some(Tmpfs(dir)),
                Err(e) => format!("mount a tmpfs: {e}"),
            }
        } else {
            "mounting a tmpfs needs root".to_string()
        };
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true and the machine lacks a capability: {why}");
        }
        eprintln!("skipped: {why}");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = nix::mount::umount2(&self.0, nix::mount::MntFlags::MNT_DETACH);
    }
}

#[test]
fn a_full_disk_fails_the_pull_and_gives_the_space_back() {
    if !have(REGISTRY_BIN) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    // An image of 6 MiB of noise (it does not compress), pushed from another store.
    let mut noise = vec![0u8; 6 << 20];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for chunk in noise.chunks_mut(8) {
        let v = rng.below(u64::MAX).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    let mut tar = crate::util::fixtures::TarBuilder::new();
    tar.file("noise", 0o644, (0, 0), &noise);
    let tar_path = env.write_file("noise.tar", &tar.finish());
    let reg = Registry::start(Setup::default(), tempfile::tempdir().unwrap());
    env.berth(["import", "-q"])
        .arg(&tar_path)
        .arg("noise")
        .output()
        .success();
    let dest = format!("{}/full/noise:1", reg.addr);
    env.berth(["push", "-q", "--tls-verify=false", "noise", &dest])
        .expect_stderr()
        .output()
        .success();

    let small = env.root.join("small");
    let Some(mount) = Tmpfs::mount(&env, small.clone(), "4m") else {
        return;
    };
    let before = used(&mount.0);
    let out = env
        .berth(["pull", "-q", "--tls-verify=false", &dest])
        .env("XDG_DATA_HOME", &small)
        .output();
    out.code(125);
    assert!(
        out.stderr()
            .to_lowercase()
            .contains("no space left on device"),
        "{}",
        out.report()
    );
    assert!(out.stderr().contains("download blob"), "{}", out.report());
    let after = used(&mount.0);
    assert!(
        after <= before + 16 * 1024,
        "the pull keeps {} bytes of the disk",
        after - before
    );
    env.berth(["system", "check"])
        .env("XDG_DATA_HOME", &small)
        .output()
        .success()
        .stdout_eq("no problems found\n");
}

#[test]
fn leftovers_of_dead_writers_go_live_ones_stay() {
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let store = env.data_home.join("berth");
    // A writer that is gone: this test's pid with another start time.
    let me = std::process::id();
    let stat = fs::read_to_string("/proc/self/stat").unwrap();
    let start: u64 = stat
        .rsplit_once(") ")
        .unwrap()
        .1
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap();
    let dead_layer = store.join(format!("layers/.tmp-{me}-{}-layer.0", start + 1));
    fs::create_dir_all(dead_layer.join("diff/usr/bin")).unwrap();
    fs::write(dead_layer.join("diff/usr/bin/half"), b"half a file").unwrap();
    let partial = store.join(format!("blobs/sha256/.partial-{}", "a".repeat(64)));
    fs::write(&partial, b"half a download").unwrap();
    let dead_trash = store.join(format!(
        "containers/.trash-{me}-{}-{}.0",
        start + 1,
        "c".repeat(64)
    ));
    fs::create_dir_all(dead_trash.join("upper")).unwrap();
    // A writer that runs.
    let mut sleeper = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let pid = sleeper.id();
    let sstat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let sstart: u64 = sstat
        .rsplit_once(") ")
        .unwrap()
        .1
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap();
    let live = store.join(format!("layers/.tmp-{pid}-{sstart}-layer.0"));
    fs::create_dir_all(live.join("diff")).unwrap();
    env.give_to_user(&store);

    env.berth(["system", "check"])
        .output()
        .code(1)
        .stdout_contains(&dead_layer.display().to_string())
        .stdout_contains(".partial-")
        .stdout_lacks(&live.display().to_string());
    env.berth(["images", "-q"]).output().success();
    assert!(!dead_layer.exists(), "a dead writer's layer stays");
    assert!(!partial.exists(), "a dead pull's partial blob stays");
    assert!(!dead_trash.exists(), "a dead rm's trash stays");
    assert!(live.exists(), "a live writer's layer was removed");
    env.berth(["system", "check"])
        .output()
        .success()
        .stdout_eq("no problems found\n");
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    env.berth(["images", "-q"]).output().success();
    assert!(!live.exists(), "the writer is gone: its layer goes too");
}

#[test]
fn rm_removes_the_network_helper_dir() {
    if !crate::util::require(crate::util::Need::Pasta) {
        return;
    }
    let Some(env) = Env::rootless() else { return };
    env.import_busybox();
    let out = env
        .berth(["run", "-d", "--name", "web", "busybox", "sleep", "100"])
        .output();
    out.success();
    let id = out.stdout().trim().to_string();
    let dir = env.runtime_dir.join("berth/net").join(&id[..12]);
    assert!(dir.is_dir(), "{} is not there while it runs", dir.display());
    env.berth(["rm", "-f", "web"]).output().success();
    assert!(!dir.exists(), "{} stays after rm", dir.display());

    // One left by a monitor that was killed: the next command removes it.
    let stale = env.runtime_dir.join("berth/net").join("0123456789ab");
    fs::create_dir_all(&stale).unwrap();
    env.give_to_user(&env.runtime_dir);
    env.berth(["images", "-q"]).output().success();
    assert!(!stale.exists(), "{} of no container stays", stale.display());
}
