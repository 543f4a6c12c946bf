//! The integration-test harness: an isolated rootless environment per test, a fluent
//! command builder, capability checks that skip (or fail under `CI=true`), and fixtures.
//!
//! Tests run the real binary as an unprivileged user. When the test process is root, berth is
//! copied once to a world-readable directory and run as the user `berthtest` through
//! `setpriv` (which execs, so the pid we hold is berth's own). Otherwise berth runs as the
//! current user.

pub mod command;
pub mod fixtures;
pub mod pty;

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use command::Cmd;

/// The user the harness drops to when the tests run as root.
pub const TEST_USER: &str = "berthtest";

/// PATH given to berth (its own lookups of newuidmap and friends).
pub const HOST_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Who berth runs as.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// true when the harness switches to this user with setpriv (the test process is root).
    pub switch: bool,
}

/// A host capability a test may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The test user exists (only when the tests run as root).
    TestUser,
    /// The test user has ranges in /etc/subuid and /etc/subgid.
    SubIds,
    /// newuidmap and newgidmap are installed and privileged.
    IdMapTools,
    /// The kernel lets unprivileged users create user namespaces.
    UserNs,
    /// `setsid` from util-linux, for giving berth a controlling terminal.
    Setsid,
    /// fuse-overlayfs is installed and /dev/fuse is usable by everyone.
    Fuse,
    /// pasta (passt) is installed and /dev/net/tun is usable by everyone.
    Pasta,
    /// slirp4netns is installed and /dev/net/tun is usable by everyone.
    Slirp,
    /// A delegated cgroup v2 subtree for the test user (scripts/setup.sh), which the test
    /// process has moved into.
    Cgroup,
}

/// Returns true when the machine has `need`. Otherwise prints `skipped: <why>` and returns
/// false, or panics when `CI=true` (a CI machine must have everything).
pub fn require(need: Need) -> bool {
    match missing(need) {
        None => true,
        Some(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true and the machine lacks a capability: {why}");
            }
            eprintln!("skipped: {why}");
            false
        }
    }
}

fn missing(need: Need) -> Option<String> {
    match need {
        Need::TestUser => {
            if is_root() && lookup_user(TEST_USER).is_none() {
                Some(format!(
                    "tests run as root but user `{TEST_USER}` does not exist (run scripts/setup.sh)"
                ))
            } else {
                None
            }
        }
        Need::SubIds => {
            let user = test_user()?;
            let has =
                |file: &str| fs::read_to_string(file).is_ok_and(|t| sub_range(&t, &user).is_some());
            if !has("/etc/subuid") {
                Some(format!(
                    "no /etc/subuid range for `{}` (run scripts/setup.sh)",
                    user.name
                ))
            } else if !has("/etc/subgid") {
                Some(format!(
                    "no /etc/subgid range for `{}` (run scripts/setup.sh)",
                    user.name
                ))
            } else {
                None
            }
        }
        Need::IdMapTools => {
            for tool in ["newuidmap", "newgidmap"] {
                match find_in_path(tool) {
                    None => return Some(format!("`{tool}` is not installed (apt install uidmap)")),
                    Some(path) => {
                        let meta = fs::metadata(&path).ok()?;
                        let setuid = meta.mode() & 0o4000 != 0 && meta.uid() == 0;
                        if !setuid && !has_file_caps(&path) {
                            return Some(format!(
                                "`{}` has neither the setuid bit nor file capabilities",
                                path.display()
                            ));
                        }
                    }
                }
            }
            None
        }
        Need::UserNs => userns_problem(),
        Need::Cgroup => cgroup_problem(),
        Need::Setsid => find_in_path("setsid")
            .is_none()
            .then(|| "`setsid` (util-linux) is not installed".to_owned()),
        Need::Fuse => {
            use std::os::unix::fs::PermissionsExt;
            if find_in_path("fuse-overlayfs").is_none() {
                Some("fuse-overlayfs is not installed (apt install fuse-overlayfs)".to_owned())
            } else if !fs::metadata("/dev/fuse")
                .is_ok_and(|m| m.permissions().mode() & 0o006 == 0o006)
            {
                Some(
                    "/dev/fuse is not usable by unprivileged users (run scripts/setup.sh)"
                        .to_owned(),
                )
            } else {
                None
            }
        }
        Need::Pasta | Need::Slirp => {
            use std::os::unix::fs::PermissionsExt;
            let (tool, package) = if matches!(need, Need::Pasta) {
                ("pasta", "passt")
            } else {
                ("slirp4netns", "slirp4netns")
            };
            if find_in_path(tool).is_none() {
                Some(format!("{tool} is not installed (apt install {package})"))
            } else if !fs::metadata("/dev/net/tun")
                .is_ok_and(|m| m.permissions().mode() & 0o006 == 0o006)
            {
                Some(
                    "/dev/net/tun is not usable by unprivileged users (run scripts/setup.sh)"
                        .to_owned(),
                )
            } else {
                None
            }
        }
    }
}

fn has_file_caps(path: &Path) -> bool {
    // Debian's uidmap installs setuid binaries; file capabilities are the other option.
    Command::new("getcap")
        .arg(path)
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("cap_set"))
}

/// The cgroup2 mount point, from /proc/self/mountinfo.
pub fn cgroup2_mount() -> Option<PathBuf> {
    let text = fs::read_to_string("/proc/self/mountinfo").ok()?;
    text.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        if right.split_whitespace().next()? != "cgroup2" {
            return None;
        }
        Some(PathBuf::from(left.split_whitespace().nth(4)?))
    })
}

/// The delegated subtree scripts/setup.sh makes for the test user.
pub fn cgroup_subtree() -> Option<PathBuf> {
    Some(cgroup2_mount()?.join("berth-tests"))
}

/// Does the delegated subtree have `controller` (berth can enable it for containers)?
pub fn cgroup_has(controller: &str) -> bool {
    cgroup_subtree()
        .and_then(|d| fs::read_to_string(d.join("cgroup.controllers")).ok())
        .is_some_and(|t| t.split_whitespace().any(|c| c == controller))
}

/// Move the test process (all its threads, and so every berth it starts) into the
/// harness leaf of the delegated subtree, once, when the tests run as root: berth then
/// finds the subtree as its own cgroup's parent, as under systemd's delegation.
fn enter_cgroup() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        if let Some(sub) = cgroup_subtree() {
            if is_root() && sub.join("harness/cgroup.procs").exists() {
                let _ = fs::write(
                    sub.join("harness/cgroup.procs"),
                    std::process::id().to_string(),
                );
            }
        }
    });
}

fn cgroup_problem() -> Option<String> {
    enter_cgroup();
    let Some(sub) = cgroup_subtree() else {
        return Some("no cgroup2 mount in /proc/self/mountinfo".into());
    };
    if !sub.join("harness").is_dir() {
        return Some(format!(
            "no delegated cgroup v2 subtree `{}` (run scripts/setup.sh)",
            sub.display()
        ));
    }
    let own = fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    if !own.lines().any(|l| l == "0::/berth-tests/harness") {
        return Some(format!(
            "the test process is not in `{}/harness` (the tests must run as root)",
            sub.display()
        ));
    }
    None
}

/// Can the test user create a user namespace? Probed once with `unshare -U true`.
fn userns_problem() -> Option<String> {
    static PROBE: OnceLock<Option<String>> = OnceLock::new();
    PROBE
        .get_or_init(|| {
            let max = fs::read_to_string("/proc/sys/user/max_user_namespaces")
                .ok()
                .and_then(|t| t.trim().parse::<u64>().ok());
            if max == Some(0) {
                return Some("user namespaces are disabled (user.max_user_namespaces = 0)".into());
            }
            let user = test_user()?;
            let mut cmd = if user.switch {
                let mut c = Command::new("setpriv");
                c.args(setpriv_args(&user)).arg("unshare");
                c
            } else {
                Command::new("unshare")
            };
            cmd.args(["-U", "true"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            match cmd.output() {
                Ok(o) if o.status.success() => None,
                Ok(o) => Some(format!(
                    "`{}` cannot create a user namespace: {}",
                    user.name,
                    String::from_utf8_lossy(&o.stderr).trim()
                )),
                Err(e) => Some(format!("run `unshare -U true`: {e}")),
            }
        })
        .clone()
}

/// Are we root?
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The user berth runs as (the current user, or `berthtest` when root).
pub fn test_user() -> Option<User> {
    if is_root() {
        let (uid, gid) = lookup_user(TEST_USER)?;
        Some(User {
            name: TEST_USER.to_owned(),
            uid,
            gid,
            switch: true,
        })
    } else {
        let uid = nix::unistd::getuid().as_raw();
        let gid = nix::unistd::getgid().as_raw();
        let name = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
            .ok()
            .flatten()
            .map_or_else(|| uid.to_string(), |u| u.name);
        Some(User {
            name,
            uid,
            gid,
            switch: false,
        })
    }
}

fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let text = fs::read_to_string("/etc/passwd").ok()?;
    text.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 4 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// The first `start count` range of `user` in a subuid/subgid file's text (by name or uid).
pub fn sub_range(text: &str, user: &User) -> Option<(u64, u64)> {
    text.lines().find_map(|line| {
        let f: Vec<&str> = line.trim().split(':').collect();
        if f.len() != 3 || (f[0] != user.name && f[0] != user.uid.to_string()) {
            return None;
        }
        Some((f[1].parse().ok()?, f[2].parse().ok()?))
    })
}

fn setpriv_args(user: &User) -> Vec<OsString> {
    vec![
        format!("--reuid={}", user.uid).into(),
        format!("--regid={}", user.gid).into(),
        "--init-groups".into(),
        "--".into(),
    ]
}

/// Is the suite running against a reference binary (`BERTH_IT_BIN`) instead of berth?
pub fn reference_mode() -> bool {
    std::env::var_os("BERTH_IT_BIN").is_some_and(|v| !v.is_empty())
}

/// Look a program up in the host PATH.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    HOST_PATH
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// The berth binary the tests run (or `$BERTH_IT_BIN`). When root, a copy in
/// `/tmp/berth-it-bin/<pid>/` that the test user can execute (the build directory may sit
/// under a 0700 home).
pub fn berth_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // BERTH_IT_BIN runs the suite against another binary (e.g. /usr/bin/podman, the
        // reference), to check the tests themselves. It must be executable by the test user.
        if let Some(other) = std::env::var_os("BERTH_IT_BIN").filter(|v| !v.is_empty()) {
            return PathBuf::from(other);
        }
        let built = PathBuf::from(env!("CARGO_BIN_EXE_berth"));
        if !is_root() {
            return built;
        }
        let base = Path::new("/tmp/berth-it-bin");
        fs::create_dir_all(base).expect("create /tmp/berth-it-bin");
        let meta = fs::symlink_metadata(base).expect("stat /tmp/berth-it-bin");
        assert!(
            meta.is_dir() && meta.uid() == 0,
            "/tmp/berth-it-bin exists but is not a directory owned by root"
        );
        fs::set_permissions(base, fs::Permissions::from_mode(0o755)).expect("chmod bin dir");
        // One copy per test process (concurrent runs from other checkouts must not swap
        // binaries under each other); copies of finished processes are removed.
        fixtures::remove_stale(base);
        let dir = base.join(std::process::id().to_string());
        fs::create_dir_all(&dir).expect("create bin dir");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).expect("chmod bin dir");
        let dest = dir.join("berth");
        fs::copy(&built, &dest).expect("copy berth binary");
        fs::set_permissions(&dest, fs::Permissions::from_mode(0o755)).expect("chmod berth");
        dest
    })
    .clone()
}

/// One test's private, rootless environment: its own HOME and XDG directories.
pub struct Env {
    pub user: User,
    /// The temp dir holding everything (owned by the test user).
    pub root: PathBuf,
    pub home: PathBuf,
    pub data_home: PathBuf,
    pub runtime_dir: PathBuf,
    pub config_home: PathBuf,
    /// A scratch directory for the test's own files (owned by the test user).
    pub work: PathBuf,
}

impl Env {
    /// An environment for CLI-only tests (help, version, usage errors): no namespace needed.
    pub fn cli() -> Option<Env> {
        if !require(Need::TestUser) {
            return None;
        }
        Some(Env::create())
    }

    /// An environment for tests that need rootless containers. Returns None (after printing
    /// why) when the machine cannot run them; under `CI=true` that is a failure instead.
    pub fn rootless() -> Option<Env> {
        for need in [Need::TestUser, Need::SubIds, Need::IdMapTools, Need::UserNs] {
            if !require(need) {
                return None;
            }
        }
        Some(Env::create())
    }

    fn create() -> Env {
        enter_cgroup();
        let user = test_user().expect("test user");
        let root = tempfile::Builder::new()
            .prefix("berth-it-")
            .tempdir_in(std::env::temp_dir())
            .expect("create test temp dir")
            .keep();
        let env = Env {
            home: root.join("home"),
            data_home: root.join("data"),
            runtime_dir: root.join("run"),
            config_home: root.join("config"),
            work: root.join("work"),
            root,
            user,
        };
        for dir in [
            &env.home,
            &env.data_home,
            &env.runtime_dir,
            &env.config_home,
            &env.work,
        ] {
            fs::create_dir(dir).expect("create test dir");
        }
        if reference_mode() {
            // Reference mode compares with podman on no network (berth's own default is pasta).
            let dir = env.config_home.join("containers");
            fs::create_dir(&dir).expect("create containers config dir");
            fs::write(
                dir.join("containers.conf"),
                "[containers]\nnetns = \"none\"\ncgroups = \"disabled\"\n[engine]\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n",
            )
            .expect("write containers.conf");
        }
        fs::set_permissions(&env.root, fs::Permissions::from_mode(0o755)).expect("chmod root");
        fs::set_permissions(&env.runtime_dir, fs::Permissions::from_mode(0o700))
            .expect("chmod runtime dir");
        env.give_to_user(&env.root);
        env
    }

    /// chown a path (recursively) to the test user, when the harness switches users.
    pub fn give_to_user(&self, path: &Path) {
        if !self.user.switch {
            return;
        }
        let uid = Some(nix::unistd::Uid::from_raw(self.user.uid));
        let gid = Some(nix::unistd::Gid::from_raw(self.user.gid));
        let mut stack = vec![path.to_path_buf()];
        while let Some(p) = stack.pop() {
            nix::unistd::fchownat(None, &p, uid, gid, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW)
                .unwrap_or_else(|e| panic!("chown `{}`: {e}", p.display()));
            if fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
                for entry in fs::read_dir(&p).expect("read dir") {
                    stack.push(entry.expect("dir entry").path());
                }
            }
        }
    }

    /// The environment berth gets: a clean one.
    pub fn vars(&self) -> Vec<(OsString, OsString)> {
        vec![
            ("PATH".into(), HOST_PATH.into()),
            ("HOME".into(), self.home.clone().into()),
            ("XDG_DATA_HOME".into(), self.data_home.clone().into()),
            ("XDG_RUNTIME_DIR".into(), self.runtime_dir.clone().into()),
            ("XDG_CONFIG_HOME".into(), self.config_home.clone().into()),
            ("LANG".into(), "C".into()),
        ]
    }

    /// A berth command in this environment.
    pub fn berth<I, S>(&self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let prefix = if self.user.switch {
            let mut p: Vec<OsString> = vec![find_in_path("setpriv")
                .expect("setpriv (util-linux) is needed to drop to the test user")
                .into()];
            p.extend(setpriv_args(&self.user));
            p
        } else {
            Vec::new()
        };
        Cmd::new(berth_bin(), prefix, self.vars(), self.work.clone()).args(args)
    }

    /// busybox httpd on the host's 127.0.0.1, serving `body` as `/`; stopped when dropped.
    pub fn host_httpd(&self, body: &str) -> HostHttpd {
        let www = self.make_dir(&format!("www-{}", body.len()));
        std::fs::write(www.join("index.html"), body).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(fixtures::BUSYBOX)
            .args(["httpd", "-f", "-p", &format!("127.0.0.1:{port}"), "-h"])
            .arg(&www)
            .spawn()
            .expect("start busybox httpd on the host");
        HostHttpd { port, child }
    }

    /// Another program, run as the test user with berth's environment (as `berth` is).
    pub fn as_user<I, S>(&self, program: &Path, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.berth(args);
        cmd.program = program.to_path_buf();
        cmd
    }

    /// Write a file into the work dir (owned by the test user) and return its path.
    pub fn write_file(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.work.join(name);
        fs::write(&path, data).unwrap_or_else(|e| panic!("write `{}`: {e}", path.display()));
        self.give_to_user(&path);
        path
    }

    /// Make a directory in the work dir (owned by the test user) and return its path.
    pub fn make_dir(&self, name: &str) -> PathBuf {
        let path = self.work.join(name);
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("mkdir `{}`: {e}", path.display()));
        self.give_to_user(&path);
        path
    }

    /// Import the busybox fixture as `busybox` and return its image id (64 hex).
    pub fn import_busybox(&self) -> String {
        self.import_tar(&fixtures::busybox_tar(), "busybox")
    }

    /// Import a tarball under `name` and return the printed image id, checked to be 64 hex.
    pub fn import_tar(&self, tar: &Path, name: &str) -> String {
        let out = self.berth(["import"]).arg(tar).arg(name).output();
        out.success();
        let mut id = out.stdout().trim().to_owned();
        if reference_mode() {
            // podman prints `sha256:<id>`.
            id = id.trim_start_matches("sha256:").to_owned();
        }
        out.check(is_image_id(&id), "import must print the 64-hex image id");
        id
    }

    /// `$XDG_DATA_HOME/berth/containers`.
    pub fn containers_dir(&self) -> PathBuf {
        self.data_home.join("berth").join("containers")
    }

    /// Container ids (64 hex) that have a directory in the store.
    pub fn container_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = match fs::read_dir(self.containers_dir()) {
            Ok(rd) => rd
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                // Only container directories; the store may keep an index (e.g. `names`).
                .filter(|name| is_image_id(name))
                .collect(),
            Err(_) => Vec::new(),
        };
        ids.sort();
        ids
    }

    /// Pids of live processes (not zombies) whose command line or environment mentions
    /// `marker`. Used to prove that nothing of a container or its berth outlives `run`.
    pub fn processes_with(marker: &str) -> Vec<i32> {
        let me = std::process::id();
        let mut found = Vec::new();
        let Ok(rd) = fs::read_dir("/proc") else {
            return found;
        };
        for entry in rd.filter_map(Result::ok) {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            if u32::try_from(pid).is_ok_and(|p| p == me) {
                continue;
            }
            let dir = entry.path();
            let zombie = fs::read_to_string(dir.join("stat")).is_ok_and(|s| {
                s.rsplit_once(") ")
                    .is_some_and(|(_, rest)| rest.starts_with('Z'))
            });
            if zombie {
                continue;
            }
            let hit = |f: &str| {
                fs::read(dir.join(f))
                    .is_ok_and(|b| b.windows(marker.len()).any(|w| w == marker.as_bytes()))
            };
            if hit("cmdline") || hit("environ") {
                found.push(pid);
            }
        }
        found
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // Containers a test left running (and their monitors) go with the test's store.
        let ids = self
            .berth(["ps", "-a", "-q", "--no-trunc"])
            .command()
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let _ = self.berth(["rm", "-a", "-f"]).command().output();
        // And their cgroups, should a broken store have kept `rm` from removing them.
        if let Some(sub) = cgroup_subtree() {
            for id in ids.lines().filter(|l| is_image_id(l)) {
                let _ = fs::remove_dir(sub.join(format!("berth-{id}")));
            }
        }
        if reference_mode() {
            // podman leaves a pause process per store; it names our runtime dir.
            for pid in Env::processes_with(&self.runtime_dir.to_string_lossy()) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
        // Files in the store belong to subordinate ids. Root removes them; a normal user
        // cannot, so the directory is left and its path printed.
        if fs::remove_dir_all(&self.root).is_err() {
            eprintln!("note: left test directory `{}`", self.root.display());
        }
    }
}

/// Is this a 64-character lowercase hex image/container id?
pub fn is_image_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Poll `cond` every 50 ms until it holds or `limit` passes; returns whether it held.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A name no other test (or earlier run) uses: `tag-<12 hex>`.
pub fn unique(tag: &str) -> String {
    let mut bytes = [0u8; 6];
    getrandom::getrandom(&mut bytes).expect("random");
    format!("{tag}-{}", hex::encode(bytes))
}

/// GET / from 127.0.0.1:port, retrying while the server in the container starts (the helper
/// accepts on the host before the container listens, then drops the connection).
pub fn http_get(port: u16) -> String {
    use std::io::{Read as _, Write as _};
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempt = (|| -> std::io::Result<String> {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
            s.set_read_timeout(Some(Duration::from_secs(2)))?;
            s.write_all(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")?;
            let mut body = String::new();
            s.read_to_string(&mut body)?;
            Ok(body)
        })();
        match attempt {
            Ok(body) if body.contains("200") => return body,
            other => {
                assert!(
                    Instant::now() < deadline,
                    "no HTTP answer on 127.0.0.1:{port}: {other:?}"
                );
                std::thread::sleep(Duration::from_millis(25));
            }
        }
    }
}

/// A web server on the host's loopback (see [`Env::host_httpd`]).
pub struct HostHttpd {
    pub port: u16,
    child: std::process::Child,
}

impl Drop for HostHttpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_range_by_name_and_uid() {
        let user = User {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            switch: false,
        };
        assert_eq!(
            sub_range("bob:1:2\nalice:100000:65536\n", &user),
            Some((100_000, 65536))
        );
        assert_eq!(sub_range("1000:200000:10\n", &user), Some((200_000, 10)));
        assert_eq!(sub_range("bob:1:2\n", &user), None);
    }

    #[test]
    fn image_ids() {
        assert!(is_image_id(&"a".repeat(64)));
        assert!(!is_image_id(&"A".repeat(64)));
        assert!(!is_image_id("abc"));
    }

    #[test]
    fn quoting() {
        assert_eq!(command::shell_quote("run"), "run");
        assert_eq!(command::shell_quote("a b"), "'a b'");
        assert_eq!(command::shell_quote("it's"), r"'it'\''s'");
        assert_eq!(command::shell_quote(""), "''");
    }
}
