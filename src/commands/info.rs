//! `berth info`: what berth depends on on this host, each check with `ok` or a hint.
//!
//! Runs entirely in the host process, so it can explain a broken user namespace set-up
//! instead of failing on it. The overlay probe is the one part that needs the session; it
//! runs as a child (`/proc/self/exe __probe-overlay`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::commands::version::{client, Client};

use crate::cli::info::{InfoArgs, InfoOptions, OutputFormat};
use crate::error::{Context, Error, Result};
use crate::seccomp;
use crate::userns::map::{session_maps, IdMapEntry};
use crate::userns::newidmap::{tool_status, userns_disabled_hint, ToolStatus};
use crate::userns::subid::{self, SubIdRange, SUBGID_FILE, SUBUID_FILE};

/// Controllers a resource limit needs.
const LIMIT_CONTROLLERS: [&str; 3] = ["cpu", "memory", "pids"];

const DELEGATE_HINT: &str = "resource limits (--memory, --cpus, --pids-limit) need cgroup v2 with delegation: put `[Service]` and `Delegate=cpu cpuset io memory pids` in /etc/systemd/system/user@.service.d/delegate.conf, run `sudo systemctl daemon-reload`, and log in again";

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub value: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Check {
    fn ok(name: &str, value: impl Into<String>) -> Self {
        Check {
            name: name.to_string(),
            value: value.into(),
            ok: true,
            hint: None,
        }
    }

    fn bad(name: &str, value: impl Into<String>, hint: impl Into<String>) -> Self {
        Check {
            name: name.to_string(),
            value: value.into(),
            ok: false,
            hint: Some(hint.into()),
        }
    }
}

/// A helper program: where it is, its package and its version line(s).
#[derive(Debug, Clone, Default, Serialize)]
struct Program {
    #[serde(skip_serializing_if = "String::is_empty")]
    name: String,
    /// podman calls the path `executable` for the network helpers, `path` for the runtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    executable: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<PathBuf>,
    package: String,
    version: String,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Distribution {
    distribution: String,
    version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    codename: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Security {
    apparmor_enabled: bool,
    capabilities: String,
    rootless: bool,
    seccomp_enabled: bool,
    seccomp_profile_path: String,
    selinux_enabled: bool,
}

/// podman's `host` section, with berth's own additions after it.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Host {
    arch: String,
    /// berth builds images itself: this is berth's builder, i.e. berth's version.
    buildah_version: String,
    cgroup_controllers: Vec<String>,
    cgroup_manager: String,
    cgroup_version: String,
    cpus: usize,
    distribution: Distribution,
    event_logger: String,
    hostname: String,
    id_mappings: IdMappings,
    kernel: String,
    log_driver: String,
    mem_free: u64,
    mem_total: u64,
    network_backend: String,
    oci_runtime: Program,
    os: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pasta: Option<Program>,
    security: Security,
    service_is_remote: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    slirp4netns: Option<Program>,
    swap_free: u64,
    swap_total: u64,
    uptime: String,
    // berth's own.
    cgroup_path: Option<String>,
    user: String,
    uid: u32,
    gid: u32,
    user_namespaces: bool,
    fuse_overlayfs: Option<String>,
    /// The network `run` uses without `--network`: pasta, slirp4netns, or none available.
    default_network: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct ContainerStore {
    number: usize,
    paused: usize,
    running: usize,
    stopped: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
struct ImageStore {
    number: usize,
}

/// podman's `store` section.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Store {
    config_file: Option<PathBuf>,
    container_store: ContainerStore,
    graph_driver_name: String,
    graph_options: BTreeMap<String, String>,
    graph_root: Option<PathBuf>,
    graph_root_allocated: u64,
    graph_root_used: u64,
    graph_status: BTreeMap<String, String>,
    image_copy_tmp_dir: String,
    image_store: ImageStore,
    run_root: Option<PathBuf>,
    volume_path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct MapLine {
    container_id: u32,
    host_id: u32,
    size: u32,
}

impl From<&IdMapEntry> for MapLine {
    fn from(e: &IdMapEntry) -> Self {
        MapLine {
            container_id: e.inside,
            host_id: e.outside,
            size: e.count,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
struct IdMappings {
    gidmap: Vec<MapLine>,
    uidmap: Vec<MapLine>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Plugins {
    authorization: Option<Vec<String>>,
    log: Vec<String>,
    network: Vec<String>,
    volume: Vec<String>,
}

/// Everything `berth info` reports: podman's sections, and berth's checks.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    host: Host,
    store: Store,
    registries: Value,
    plugins: Plugins,
    version: Client,
    checks: Vec<Check>,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            host: Host::default(),
            store: Store::default(),
            registries: Value::Object(serde_json::Map::new()),
            plugins: Plugins::default(),
            version: client(),
            checks: Vec::new(),
        }
    }
}

/// Run `berth info`.
pub fn execute(args: InfoArgs) -> Result<()> {
    let options = InfoOptions::from(args);
    let report = gather();
    let text = match &options.format {
        OutputFormat::Plain => crate::format::yaml::to_yaml(&to_value(&report)?),
        OutputFormat::Json => json_text(&report)?,
        OutputFormat::Template(t) => render_template(t, &template_view(to_value(&report)?))?,
    };
    print_out(&text)
}

/// Print to stdout; a closed pipe (`berth info | head -1`) is not an error.
pub(crate) fn print_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("write to stdout"),
        _ => Ok(()),
    }
}

pub(crate) fn to_value(v: &impl Serialize) -> Result<Value> {
    serde_json::to_value(v).context("encode the report as json")
}

pub(crate) fn json_text(v: &impl Serialize) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .context("encode the report as json")
}

/// The report as templates see it: podman's Go field names where they are more than the
/// JSON key in another case.
fn template_view(mut v: Value) -> Value {
    let host = &mut v["host"];
    for (json_key, go_name) in [
        ("cgroupVersion", "CgroupsVersion"),
        ("slirp4netns", "Slirp4NetNS"),
    ] {
        if let Some(x) = host.get(json_key).cloned() {
            host[go_name] = x;
        }
    }
    if let Some(caps) = host["security"].get("capabilities").cloned() {
        host["security"]["DefaultCapabilities"] = caps;
    }
    v
}

fn gather() -> Report {
    let mut r = Report::default();
    r.checks
        .push(Check::ok("berth version", &r.version.version));
    r.host.buildah_version.clone_from(&r.version.version);
    r.host.os = std::env::consts::OS.to_string();
    r.host.arch = go_arch().to_string();
    r.host.kernel = nix::sys::utsname::uname()
        .map(|u| u.release().to_string_lossy().into_owned())
        .unwrap_or_default();
    r.checks.push(Check::ok("kernel", &r.host.kernel));

    let userns = userns_disabled_hint();
    r.host.user_namespaces = userns.is_none();
    r.checks.push(match userns {
        None => Check::ok("user namespaces", "enabled"),
        Some(hint) => Check::bad("user namespaces", "disabled", hint),
    });

    gather_user(&mut r);
    gather_store(&mut r);
    gather_tools(&mut r);
    gather_seccomp(&mut r);
    gather_cgroup(&mut r);
    gather_host(&mut r);
    r
}

/// The facts podman's `host` section has that the checks do not need.
fn gather_host(r: &mut Report) {
    let h = &mut r.host;
    h.cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    h.hostname = nix::unistd::gethostname()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    h.distribution = std::fs::read_to_string("/etc/os-release")
        .map(|t| parse_os_release(&t))
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let kib = |key: &str| meminfo(&mem, key).unwrap_or(0) * 1024;
    h.mem_total = kib("MemTotal");
    h.mem_free = kib("MemFree");
    h.swap_total = kib("SwapTotal");
    h.swap_free = kib("SwapFree");
    h.uptime = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .map(uptime_text)
        .unwrap_or_default();
    // The event log's backend (berth.toml, --events-backend); berth runs containers itself
    // (no conmon, no separate runtime).
    h.event_logger = crate::storage::events::EventLog::discover()
        .map_or(crate::config::EventsLogger::File, |l| l.backend)
        .name()
        .into();
    h.log_driver = "k8s-file".into();
    h.cgroup_manager = "cgroupfs".into();
    h.network_backend = "berth".into();
    let exe = std::env::current_exe().ok();
    h.oci_runtime = Program {
        name: "berth".into(),
        package: exe.as_deref().map_or_else(|| "Unknown".into(), package_of),
        path: exe,
        version: format!("berth version {}", r.version.version),
        ..Program::default()
    };
    h.security.rootless = nix::unistd::geteuid().as_raw() != 0;
    h.security.capabilities =
        crate::run::caps::names(&crate::run::caps::DEFAULT.into_iter().collect()).join(",");
    h.security.apparmor_enabled = Path::new("/sys/kernel/security/apparmor").exists();
    h.security.selinux_enabled = false;
    r.plugins = Plugins {
        authorization: None,
        log: ["k8s-file", "none", "passthrough"]
            .map(String::from)
            .to_vec(),
        network: vec!["bridge".into()],
        volume: vec!["local".into()],
    };
    r.registries = registries_json();
}

/// `registries`: each `[[registry]]` of registries.conf, and `search`.
fn registries_json() -> Value {
    use crate::config::registries::{PullFrom, RegistriesConf};
    let Ok(conf) = RegistriesConf::load() else {
        return Value::Object(serde_json::Map::new());
    };
    let mut out = serde_json::Map::new();
    for reg in &conf.registries {
        let mirrors: Vec<Value> = reg
            .mirrors
            .iter()
            .map(|m| {
                serde_json::json!({
                    "Location": m.location,
                    "Insecure": m.insecure,
                    "PullFromMirror": match m.pull_from {
                        PullFrom::All => "all",
                        PullFrom::DigestOnly => "digest-only",
                        PullFrom::TagOnly => "tag-only",
                    },
                })
            })
            .collect();
        out.insert(
            reg.prefix.clone(),
            serde_json::json!({
                "Blocked": reg.blocked,
                "Insecure": reg.insecure,
                "Location": reg.location,
                "MirrorByDigestOnly": reg.mirror_by_digest_only,
                "Mirrors": if mirrors.is_empty() { Value::Null } else { Value::Array(mirrors) },
                "Prefix": reg.prefix,
                "PullFromMirror": "",
            }),
        );
    }
    if !conf.unqualified_search.is_empty() {
        out.insert("search".into(), serde_json::json!(conf.unqualified_search));
    }
    Value::Object(out)
}

/// `ID`, `VERSION_ID` and `VERSION_CODENAME` of /etc/os-release.
fn parse_os_release(text: &str) -> Distribution {
    let mut d = Distribution::default();
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_string();
        match k.trim() {
            "ID" => d.distribution = v,
            "VERSION_ID" => d.version = v,
            "VERSION_CODENAME" => d.codename = v,
            _ => {}
        }
    }
    d
}

/// A `/proc/meminfo` value in KiB.
fn meminfo(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// podman's uptime: `0h 36m 15.00s`, with the days in front when there are any.
fn uptime_text(seconds: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = seconds as u64;
    let hours = whole / 3600;
    let minutes = (whole % 3600) / 60;
    #[allow(clippy::cast_precision_loss)]
    let secs = seconds - (hours * 3600 + minutes * 60) as f64;
    let text = format!("{hours}h {minutes}m {secs:.2}s");
    if hours >= 24 {
        format!("{text} ({} days)", hours / 24)
    } else {
        text
    }
}

/// The Debian package that owns `path` (`name_version_arch`, as podman writes it), or
/// `Unknown`.
fn package_of(path: &Path) -> String {
    let owner = Command::new("dpkg-query")
        .arg("-S")
        .arg(path)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let pkg = text.split(':').next()?.trim().to_string();
            (!pkg.is_empty()).then_some(pkg)
        });
    let Some(pkg) = owner else {
        return "Unknown".into();
    };
    let fields = Command::new("dpkg-query")
        .args(["-W", "-f=${Package}_${Version}_${Architecture}", &pkg])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    fields.filter(|f| !f.is_empty()).unwrap_or(pkg)
}

fn gather_user(r: &mut Report) {
    let user = match subid::current_user() {
        Ok(u) => u,
        Err(e) => {
            r.checks
                .push(Check::bad("user", e.to_string(), "set $USER"));
            return;
        }
    };
    r.host.user.clone_from(&user.name);
    r.host.uid = user.uid;
    r.host.gid = user.gid;
    r.checks.push(Check::ok(
        "user",
        format!("{} (uid {}, gid {})", user.name, user.uid, user.gid),
    ));
    let mut ranges = Vec::new();
    for (kind, file) in [("subuid", SUBUID_FILE), ("subgid", SUBGID_FILE)] {
        let found = subid::lookup(Path::new(file), &user.name, user.uid);
        let check = match &found {
            Ok(list) => subid_check(kind, file, list, &user.name),
            Err(e) => Check::bad(kind, e.to_string(), format!("make {file} readable")),
        };
        r.checks.push(check);
        ranges.push(found.unwrap_or_default());
    }
    let maps = session_maps(user.uid, user.gid, &ranges[0], &ranges[1]);
    r.host.id_mappings = IdMappings {
        uidmap: maps.uids.iter().map(MapLine::from).collect(),
        gidmap: maps.gids.iter().map(MapLine::from).collect(),
    };
    let needed = !maps.is_single();
    for name in ["newuidmap", "newgidmap"] {
        r.checks
            .push(helper_check(name, &tool_status(name), needed));
    }
}

/// The check line for the user's subordinate ranges in `file`.
fn subid_check(kind: &str, file: &str, ranges: &[SubIdRange], user: &str) -> Check {
    if ranges.is_empty() {
        return Check::bad(
            kind,
            format!(
                "none for {user} in {file} (containers see only one {})",
                &kind[3..]
            ),
            format!("sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user}"),
        );
    }
    let text: Vec<String> = ranges
        .iter()
        .map(|r| {
            format!(
                "{}-{}",
                r.start,
                u64::from(r.start) + u64::from(r.count) - 1
            )
        })
        .collect();
    let total: u64 = ranges.iter().map(|r| u64::from(r.count)).sum();
    Check::ok(kind, format!("{} ({total} ids)", text.join(", ")))
}

/// The check line for newuidmap or newgidmap; `needed` is false without subordinate ids.
fn helper_check(name: &str, status: &ToolStatus, needed: bool) -> Check {
    let Some(path) = &status.path else {
        return if needed {
            Check::bad(
                name,
                "not installed",
                "install the uidmap package: sudo apt-get install uidmap",
            )
        } else {
            Check::ok(name, "not installed (not needed without subordinate ids)")
        };
    };
    let how = match (status.setuid, status.file_caps) {
        (true, true) => "setuid root, file capabilities",
        (true, false) => "setuid root",
        (false, true) => "file capabilities",
        (false, false) => "",
    };
    if how.is_empty() {
        let cap = if name == "newgidmap" {
            "cap_setgid"
        } else {
            "cap_setuid"
        };
        let value = format!("{} (neither setuid nor file capabilities)", path.display());
        let hint = format!(
            "sudo chmod u+s {p}, or sudo setcap {cap}+ep {p}",
            p = path.display()
        );
        return if needed {
            Check::bad(name, value, hint)
        } else {
            Check::ok(name, value)
        };
    }
    Check::ok(name, format!("{} ({how})", path.display()))
}

fn gather_store(r: &mut Report) {
    match crate::config::Paths::discover() {
        Ok(paths) => {
            r.checks
                .push(Check::ok("store data", paths.data.display().to_string()));
            r.checks.push(Check::ok(
                "store runtime",
                paths.runtime.display().to_string(),
            ));
            r.checks.push(Check::ok(
                "config file",
                paths.config_file().display().to_string(),
            ));
            r.store.config_file = Some(paths.config_file());
            fill_store(&mut r.store, &paths);
        }
        Err(e) => r.checks.push(Check::bad(
            "store",
            e.to_string(),
            "set HOME, or XDG_DATA_HOME and XDG_CONFIG_HOME",
        )),
    }
    let probe = run_with_timeout(
        Command::new("/proc/self/exe").arg("__probe-overlay"),
        Duration::from_secs(20),
    );
    let check = overlay_check(probe);
    if check.ok {
        r.store
            .graph_status
            .insert("Overlay Implementation".into(), check.value.clone());
        r.store.graph_status.insert(
            "Native Overlay Diff".into(),
            (check.value == "kernel").to_string(),
        );
    }
    r.checks.push(check);
}

/// The store facts of podman's `store` section: where things live, what is in it, the
/// space on its file system.
fn fill_store(s: &mut Store, paths: &crate::config::Paths) {
    s.graph_driver_name = "overlay".into();
    s.graph_root = Some(paths.data.clone());
    s.run_root = Some(paths.runtime.clone());
    s.volume_path = Some(crate::storage::volume::volumes_dir(&paths.data));
    s.image_copy_tmp_dir = std::env::var("TMPDIR").unwrap_or_else(|_| "/var/tmp".into());
    if let Ok(st) = nix::sys::statvfs::statvfs(&paths.data) {
        let block = st.fragment_size();
        s.graph_root_allocated = st.blocks() * block;
        s.graph_root_used = (st.blocks() - st.blocks_free()) * block;
    }
    if let Ok(fs) = nix::sys::statfs::statfs(&paths.data) {
        s.graph_status
            .insert("Backing Filesystem".into(), fs_name(fs.filesystem_type()));
    }
    if let Ok(store) = crate::storage::Store::open_unchanged(paths) {
        s.image_store.number = store.images().map_or(0, |i| i.len());
    }
    for c in crate::storage::container::list(&paths.data).unwrap_or_default() {
        s.container_store.number += 1;
        match c.state().map(|st| st.status) {
            Ok(crate::storage::container::Status::Running) => s.container_store.running += 1,
            _ => s.container_store.stopped += 1,
        }
    }
}

/// The name podman gives a backing file system.
fn fs_name(kind: nix::sys::statfs::FsType) -> String {
    use nix::sys::statfs as f;
    let known = [
        (f::EXT4_SUPER_MAGIC, "extfs"),
        (f::XFS_SUPER_MAGIC, "xfs"),
        (f::BTRFS_SUPER_MAGIC, "btrfs"),
        (f::TMPFS_MAGIC, "tmpfs"),
        (f::OVERLAYFS_SUPER_MAGIC, "overlayfs"),
        (f::NFS_SUPER_MAGIC, "nfs"),
    ];
    known
        .iter()
        .find(|(m, _)| *m == kind)
        .map_or_else(|| format!("{:#x}", kind.0), |(_, n)| (*n).to_string())
}

/// What a finished helper process said.
#[derive(Debug)]
struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

/// The check line for the overlay probe's outcome.
fn overlay_check(probe: std::io::Result<Finished>) -> Check {
    let fix = "install fuse-overlayfs (sudo apt-get install fuse-overlayfs) and make sure /dev/fuse exists; or set BERTH_OVERLAY=kernel or fuse to choose one";
    match probe {
        Ok(f) if f.success => {
            let kind = f.stdout.trim();
            match kind {
                "kernel" | "fuse" => Check::ok("overlay", kind),
                other => Check::bad("overlay", format!("unexpected probe answer `{other}`"), fix),
            }
        }
        Ok(f) => {
            // The probe is berth itself: its own `hint:` line is better than ours.
            let lines: Vec<&str> = f
                .stderr
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let text = lines
                .iter()
                .find(|l| !l.starts_with("hint:"))
                .map_or("the overlay probe failed", |l| {
                    l.trim_start_matches("Error: ")
                        .trim_start_matches("error: ")
                })
                .to_string();
            let hint = lines
                .iter()
                .find_map(|l| l.strip_prefix("hint:"))
                .map_or(fix, str::trim);
            Check::bad("overlay", text, hint)
        }
        Err(e) => Check::bad("overlay", format!("run the overlay probe: {e}"), fix),
    }
}

/// Run a command with a time limit, capturing its output. Only used in the host process.
fn run_with_timeout(cmd: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} s", limit.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut stdout);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    Ok(Finished {
        success: status.success(),
        stdout,
        stderr,
    })
}

/// The version line of `tool --version`: the first line naming the tool, else the first line.
fn version_line(tool: &str, output: &str) -> Option<String> {
    let lines: Vec<&str> = output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .iter()
        .find(|l| l.starts_with(tool))
        .or(lines.first())
        .map(|l| (*l).to_string())
}

/// `(path, version line)` of an installed tool.
fn tool_version(tool: &str) -> Option<(PathBuf, String)> {
    let path = crate::userns::newidmap::find_in_path(tool)?;
    let version = run_with_timeout(Command::new(&path).arg("--version"), Duration::from_secs(5))
        .ok()
        .and_then(|f| version_line(tool, &format!("{}\n{}", f.stdout, f.stderr)))
        .unwrap_or_else(|| "unknown version".to_string());
    Some((path, version))
}

fn gather_tools(r: &mut Report) {
    let fuse = tool_version("fuse-overlayfs");
    r.host.fuse_overlayfs = fuse.as_ref().map(|(_, v)| v.clone());
    r.checks.push(match &fuse {
        Some((p, v)) => Check::ok("fuse-overlayfs", format!("{} ({v})", p.display())),
        None => Check::bad(
            "fuse-overlayfs",
            "not installed",
            "needed when the kernel refuses overlay mounts: sudo apt-get install fuse-overlayfs",
        ),
    });
    let dev_fuse = Path::new("/dev/fuse");
    r.checks.push(if dev_fuse.exists() {
        Check::ok("/dev/fuse", "present")
    } else {
        Check::bad(
            "/dev/fuse",
            "missing",
            "load the fuse module: sudo modprobe fuse",
        )
    });
    // Debian's pasta says `pasta unknown version`; its package knows.
    let pasta = tool_version("pasta").map(|(p, v)| {
        let v = if v.contains("unknown version") {
            package_version("passt").map_or(v, |pkg| format!("passt {pkg}"))
        } else {
            v
        };
        (p, v)
    });
    let slirp = tool_version("slirp4netns");
    let program = |(p, v): &(PathBuf, String)| Program {
        package: package_of(p),
        executable: Some(p.clone()),
        version: v.clone(),
        ..Program::default()
    };
    r.host.pasta = pasta.as_ref().map(program);
    r.host.slirp4netns = slirp.as_ref().map(program);
    let default = crate::net::default_helper();
    r.host.default_network = default.map(str::to_string);
    r.checks
        .extend(network_checks(pasta.as_ref(), slirp.as_ref()));
    r.checks.push(tun_check(
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/net/tun")
            .err(),
    ));
    r.checks.push(match default {
        Some(tool) => Check::ok("default network", tool),
        None => Check::bad(
            "default network",
            "none available",
            "run needs --network none or host until pasta or slirp4netns is installed: sudo apt-get install passt",
        ),
    });
}

/// A Debian package's version, when dpkg knows it.
fn package_version(package: &str) -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", package])
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !v.is_empty()).then_some(v)
}

/// pasta and slirp4netns open /dev/net/tun as the user, inside the container's namespace.
fn tun_check(open_error: Option<std::io::Error>) -> Check {
    match open_error {
        None => Check::ok("/dev/net/tun", "usable"),
        Some(e) if e.kind() == std::io::ErrorKind::NotFound => Check::bad(
            "/dev/net/tun",
            "missing",
            "load the tun module: sudo modprobe tun",
        ),
        Some(e) => Check::bad(
            "/dev/net/tun",
            format!("cannot be opened: {e}"),
            "pasta and slirp4netns need it: sudo chmod 0666 /dev/net/tun (scripts/setup.sh does this)",
        ),
    }
}

fn network_checks(
    pasta: Option<&(PathBuf, String)>,
    slirp: Option<&(PathBuf, String)>,
) -> Vec<Check> {
    let show = |(p, v): &(PathBuf, String)| format!("{} ({v})", p.display());
    let pasta_check = match (pasta, slirp) {
        (Some(p), _) => Check::ok("pasta", show(p)),
        (None, Some(_)) => Check::ok("pasta", "not installed (slirp4netns is used)"),
        (None, None) => Check::bad(
            "pasta",
            "not installed",
            "containers get no network without pasta or slirp4netns: sudo apt-get install passt",
        ),
    };
    let slirp_check = match (slirp, pasta) {
        (Some(s), _) => Check::ok("slirp4netns", show(s)),
        (None, Some(_)) => Check::ok("slirp4netns", "not installed (optional, pasta is used)"),
        (None, None) => Check::bad(
            "slirp4netns",
            "not installed",
            "sudo apt-get install slirp4netns (or passt)",
        ),
    };
    vec![pasta_check, slirp_check]
}

fn gather_seccomp(r: &mut Report) {
    let source = seccomp::default_profile_source();
    r.host.security.seccomp_enabled = true;
    r.host.security.seccomp_profile_path = source.to_string();
    // Compiled as a container with the default capabilities would get it.
    let caps = crate::run::caps::names(&crate::run::caps::DEFAULT.into_iter().collect());
    let compiled = seccomp::load_profile(None).and_then(|p| seccomp::compile(&p, &caps));
    r.checks.push(match compiled {
        Ok(prog) => Check::ok(
            "seccomp profile",
            format!("{source} ({} instructions)", prog.instructions().len()),
        ),
        Err(e) => Check::bad(
            "seccomp profile",
            e.to_string(),
            "fix or remove the profile file; containers fall back to --security-opt seccomp=unconfined only when asked",
        ),
    });
}

/// The unified (v2) path in `/proc/self/cgroup`.
fn parse_proc_cgroup(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(|p| p.trim().to_string())
}

/// Which cgroup hierarchy the host uses: `v2`, `hybrid` or `v1`.
fn cgroup_version() -> &'static str {
    use nix::sys::statfs::{statfs, CGROUP2_SUPER_MAGIC};
    let is_v2 = |p: &str| statfs(p).is_ok_and(|s| s.filesystem_type() == CGROUP2_SUPER_MAGIC);
    if is_v2("/sys/fs/cgroup") {
        "v2"
    } else if is_v2("/sys/fs/cgroup/unified") {
        "hybrid"
    } else {
        "v1"
    }
}

/// The delegation check, from what the host shows: the hierarchy, the delegated cgroup (one
/// the user owns), and its controllers.
fn delegation_check(version: &str, delegated: Option<&str>, controllers: &[String]) -> Check {
    if version != "v2" {
        return Check::bad(
            "cgroup delegation",
            format!("resource limits unavailable: cgroup {version} (berth needs cgroup v2)"),
            "boot with systemd.unified_cgroup_hierarchy=1 to use cgroup v2",
        );
    }
    let Some(path) = delegated else {
        return Check::bad(
            "cgroup delegation",
            "resource limits unavailable: no cgroup is delegated to you",
            DELEGATE_HINT,
        );
    };
    let missing: Vec<&str> = LIMIT_CONTROLLERS
        .iter()
        .copied()
        .filter(|c| !controllers.iter().any(|have| have == c))
        .collect();
    if missing.is_empty() {
        Check::ok(
            "cgroup delegation",
            format!("{path} ({})", controllers.join(" ")),
        )
    } else {
        Check::bad(
            "cgroup delegation",
            format!(
                "{path}: controllers {} not delegated, those limits are unavailable",
                missing.join(", ")
            ),
            DELEGATE_HINT,
        )
    }
}

fn gather_cgroup(r: &mut Report) {
    let version = cgroup_version();
    // podman's two values: a hybrid host's containers get v1 controllers.
    r.host.cgroup_version = if version == "v2" { "v2" } else { "v1" }.to_string();
    r.checks.push(Check::ok("cgroup version", version));
    let own = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|t| parse_proc_cgroup(&t));
    r.host.cgroup_path.clone_from(&own);
    // The subtree berth puts containers in (berth.toml [cgroups] root, or the parent of its
    // own cgroup when the user owns it): on a hybrid host too, where berth uses the cgroup2
    // mount beside the v1 hierarchies.
    let root = crate::config::Paths::discover()
        .ok()
        .and_then(|p| crate::config::Config::load(&p).ok())
        .and_then(|c| c.cgroups.root);
    let delegated = crate::cgroup::Host::discover()
        .and_then(|h| h.delegated(root.as_deref()))
        .filter(|d| d.join("cgroup.procs").exists());
    if let Some(d) = &delegated {
        r.host.cgroup_version = "v2".into();
        r.host.cgroup_controllers = crate::cgroup::host::controllers(d);
    }
    let delegated = delegated.map(|d| d.display().to_string());
    let version = if delegated.is_some() { "v2" } else { version };
    r.checks.push(delegation_check(
        version,
        delegated.as_deref(),
        &r.host.cgroup_controllers,
    ));
}

/// `amd64`/`arm64` style names, as podman and OCI platforms use.
pub(crate) fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// Fill a `--format` template (`crate::format::Template`) for one report. A newline is added
/// at the end, as podman does.
pub(crate) fn render_template(template: &str, value: &Value) -> Result<String> {
    let bad = |e: crate::format::TemplateError| {
        Error::msg(format!("invalid --format `{template}`: {e}"))
            .hint("use --format json to see the field names")
    };
    let mut out = crate::format::Template::parse(template)
        .map_err(bad)?
        .render(value)
        .map_err(bad)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subid_lines() {
        let c = subid_check("subuid", SUBUID_FILE, &[], "bob");
        assert!(!c.ok);
        assert_eq!(
            c.value,
            "none for bob in /etc/subuid (containers see only one uid)"
        );
        assert!(c.hint.unwrap().ends_with("--add-subgids 100000-165535 bob"));
        let c = subid_check(
            "subgid",
            SUBGID_FILE,
            &[SubIdRange {
                start: 100000,
                count: 65536,
            }],
            "bob",
        );
        assert!(c.ok);
        assert_eq!(c.value, "100000-165535 (65536 ids)");
    }

    #[test]
    fn helper_lines() {
        let missing = ToolStatus {
            path: None,
            setuid: false,
            file_caps: false,
        };
        let c = helper_check("newuidmap", &missing, true);
        assert!(!c.ok && c.hint.unwrap().contains("apt-get install uidmap"));
        assert!(helper_check("newuidmap", &missing, false).ok);
        let plain = ToolStatus {
            path: Some("/usr/bin/newgidmap".into()),
            setuid: false,
            file_caps: false,
        };
        let c = helper_check("newgidmap", &plain, true);
        let hint = c.hint.unwrap();
        assert!(hint.contains("chmod u+s /usr/bin/newgidmap"));
        assert!(hint.contains("setcap cap_setgid+ep /usr/bin/newgidmap"));
        let good = ToolStatus {
            setuid: true,
            ..plain
        };
        let c = helper_check("newgidmap", &good, true);
        assert_eq!(c.value, "/usr/bin/newgidmap (setuid root)");
    }

    #[test]
    fn overlay_probe_outcomes() {
        let f = |success, stdout: &str, stderr: &str| {
            Ok(Finished {
                success,
                stdout: stdout.into(),
                stderr: stderr.into(),
            })
        };
        assert_eq!(overlay_check(f(true, "fuse\n", "")).value, "fuse");
        let c = overlay_check(f(false, "", "Error: mount overlay: EPERM\n"));
        assert!(!c.ok);
        assert_eq!(c.value, "mount overlay: EPERM");
        assert!(c.hint.unwrap().contains("fuse-overlayfs"));
        let c = overlay_check(f(false, "", "Error: no fuse\nhint: load it\n"));
        assert_eq!(
            (c.value.as_str(), c.hint.as_deref()),
            ("no fuse", Some("load it"))
        );
        assert!(!overlay_check(f(true, "zfs", "")).ok);
        let c = overlay_check(Err(std::io::Error::from_raw_os_error(libc::ENOENT)));
        assert!(c.value.starts_with("run the overlay probe"));
    }

    #[test]
    fn cgroup_parsing_and_delegation() {
        let text = "9:name=systemd:/\n1:cpu:/\n0::/user.slice/user-1000.slice/session-2.scope\n";
        assert_eq!(
            parse_proc_cgroup(text).as_deref(),
            Some("/user.slice/user-1000.slice/session-2.scope")
        );
        assert_eq!(parse_proc_cgroup("4:memory:/x\n"), None);
        assert!(!delegation_check("v1", None, &[]).ok);
        let c = delegation_check("v2", None, &[]);
        assert!(c.value.contains("resource limits unavailable"));
        assert!(c.hint.unwrap().contains("Delegate="));
        let ctl: Vec<String> = ["cpu", "memory", "pids"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(delegation_check("v2", Some("/u"), &ctl).ok);
        let c = delegation_check("v2", Some("/u"), &ctl[1..]);
        assert!(!c.ok && c.value.contains("controllers cpu not delegated"));
    }

    #[test]
    fn network_lines() {
        let p = (PathBuf::from("/usr/bin/pasta"), "pasta 1".to_string());
        let checks = network_checks(Some(&p), None);
        assert!(checks.iter().all(|c| c.ok));
        let checks = network_checks(None, None);
        assert!(checks.iter().all(|c| !c.ok));
        assert!(tun_check(None).ok);
        let denied = tun_check(Some(std::io::Error::from_raw_os_error(libc::EACCES)));
        assert!(!denied.ok);
        assert!(denied
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("chmod 0666")));
    }

    #[test]
    fn version_lines() {
        let text = "unknown argument ignored: lazytime\nfusermount3 version: 3.14.0\nfuse-overlayfs: version 1.10\n";
        assert_eq!(
            version_line("fuse-overlayfs", text).as_deref(),
            Some("fuse-overlayfs: version 1.10")
        );
        assert_eq!(
            version_line("pasta", "pasta 2023_03_29\nCopyright\n").as_deref(),
            Some("pasta 2023_03_29")
        );
        assert_eq!(version_line("x", "\n"), None);
    }

    #[test]
    fn templates() {
        let v = serde_json::json!({"version": "0.1.0", "host": {"kernel": "6.18", "uid": 5}});
        assert_eq!(render_template("{{.Version}}", &v).unwrap(), "0.1.0\n");
        assert_eq!(
            render_template("k={{ .host.kernel }} u={{.Host.Uid}}", &v).unwrap(),
            "k=6.18 u=5\n"
        );
        assert_eq!(
            render_template("{{json .host}}", &v).unwrap(),
            "{\"kernel\":\"6.18\",\"uid\":5}\n"
        );
        assert!(render_template("{{.nope}}", &v).is_err());
        assert!(render_template("{{.version", &v).is_err());
    }

    #[test]
    fn json_report_shape() {
        let r = Report {
            checks: vec![Check::ok("kernel", "6")],
            ..Report::default()
        };
        let v = to_value(&r).unwrap();
        for key in [
            "host",
            "store",
            "registries",
            "plugins",
            "version",
            "checks",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        for key in [
            "buildahVersion",
            "cgroupVersion",
            "ociRuntime",
            "idMappings",
            "logDriver",
            "security",
            "distribution",
        ] {
            assert!(v["host"].get(key).is_some(), "host.{key}");
        }
        for key in [
            "graphRoot",
            "graphDriverName",
            "imageStore",
            "containerStore",
            "volumePath",
            "runRoot",
            "graphOptions",
        ] {
            assert!(v["store"].get(key).is_some(), "store.{key}");
        }
        assert_eq!(v["checks"][0]["ok"], true);
        assert_eq!(v["version"]["Version"], env!("CARGO_PKG_VERSION"));
        let view = template_view(v);
        assert_eq!(
            render_template(
                "{{.Host.CgroupsVersion}}|{{.Store.GraphOptions}}|{{.Version.APIVersion}}",
                &view
            )
            .unwrap(),
            format!("|map[]|{}\n", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn host_facts() {
        let d = parse_os_release("ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
        assert_eq!(
            (
                d.distribution.as_str(),
                d.version.as_str(),
                d.codename.as_str()
            ),
            ("debian", "12", "bookworm")
        );
        assert_eq!(
            meminfo("MemTotal:  2048 kB\nMemFree: 10 kB\n", "MemFree"),
            Some(10)
        );
        assert_eq!(uptime_text(2175.0), "0h 36m 15.00s");
        assert_eq!(uptime_text(90000.5), "25h 0m 0.50s (1 days)");
    }
}
