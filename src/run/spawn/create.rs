//! Before a start: record the container (`create`), and compute what starting it needs
//! again from its record and image (`prepare`): its plan, seccomp program, /etc files and
//! overlay.

use std::path::{Path, PathBuf};

use chrono::Utc;

use super::super::plan::{self, ImageDefaults, Plan, PlanInput};
use super::launch::keep_id_ids;
use crate::config::{Config, Paths};
use crate::error::{Context, Error, Result};
use crate::seccomp::SeccompProgram;
use crate::spec::{RunOptions, SeccompChoice, UserSpec, UsernsMode};
use crate::storage::container::{self, Container, ContainerConfig};
use crate::storage::overlay::OverlaySpec;
use crate::storage::volume;
use crate::storage::{ImageRecord, Store};

/// A container ready to start: its record, options, plan, seccomp program and rootfs.
pub struct Prepared {
    pub paths: Paths,
    pub config: Config,
    pub store_root: PathBuf,
    pub ctr: Container,
    pub opts: RunOptions,
    pub plan: Plan,
    pub seccomp: Option<SeccompProgram>,
    pub overlay: OverlaySpec,
    pub supported: caps::CapsHashSet,
    pub health: Option<crate::run::health::HealthConfig>,
    /// `--init`: berth's sealed copy, being made while the container is prepared.
    pub init_copy: Option<crate::run::reaper::InitCopy>,
}

/// Where the container's cgroup leaf goes (checked against the host: a limit that cannot be
/// applied is refused here, before the container is recorded).
pub fn cgroup_dir(spec: &crate::spec::CgroupSpec) -> Result<Option<PathBuf>> {
    let paths = Paths::discover().context("find berth's directories")?;
    let config = Config::load(&paths).context("read berth.toml")?;
    crate::cgroup::decide(spec, &config).map_err(|e| crate::cgroup::into_error("", e))
}

/// Record a new container (status `created`) from validated options.
pub fn create(opts: &RunOptions) -> Result<Container> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    Ok(create_in(&store, opts)?.0)
}

/// `create` in an open store; also returns the image, which `run` needs next.
pub(super) fn create_in(store: &Store, opts: &RunOptions) -> Result<(Container, ImageRecord)> {
    // The store's message names the image already: ``x: image not known``.
    let image = store
        .resolve_image(&opts.image)
        .map_err(|e| Error::msg(e.to_string()))?;
    let defaults = image_defaults(&image.config);
    let command = plan::process_args(opts, &defaults).context("plan the container")?;
    let mut opts = opts.clone();
    opts.extras.create_command = std::env::args().collect();
    let image_has_volumes = image
        .config
        .config()
        .as_ref()
        .is_some_and(|c| c.volumes().as_ref().is_some_and(|v| !v.is_empty()));
    if opts.image_volume.is_none() && image_has_volumes {
        // containers.conf's `image_volume_mode` (through CONTAINERS_CONF), read only when the
        // image has VOLUMEs for it to decide; recorded with the container.
        let paths = Paths::discover().context("find berth's directories")?;
        opts.image_volume = Config::load(&paths)
            .context("read berth's configuration")?
            .engine
            .image_volume_mode;
    }
    volume::attach(&mut opts, &image.config).context("name the image's volumes")?;
    publish_ports(&mut opts, &image.config)?;
    opts.extras.cgroup.dir = cgroup_dir(&opts.extras.cgroup)?;
    let opts = &opts;
    check_systemd_mode(opts, &command)?;
    let image_name = image
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| image.id.clone());
    if let Some(path) = &opts.extras.cidfile {
        // --replace takes over the file too: the container it named is gone.
        if opts.extras.replace {
            let _ = std::fs::remove_file(path);
        }
        if path.exists() {
            return Err(Error::msg(format!(
                "container id file `{}` exists: remove it first",
                path.display()
            )));
        }
    }
    let ctr = container::create(store.root(), opts.name.as_deref(), |id, name| {
        ContainerConfig {
            id: id.to_string(),
            name: name.to_string(),
            image_id: image.id.clone(),
            image_name: image_name.clone(),
            command: command.clone(),
            created: Utc::now(),
            rm: opts.rm,
            options: opts.clone(),
        }
    })
    .context("create the container")?;
    // The rootfs's `/` is the upper directory's: give it the image's mode (the test image's
    // 555, as podman does).
    if let Some(top) = image.layers.last() {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(store.layer_diff(top)) {
            let mode = std::fs::Permissions::from_mode(meta.permissions().mode() & 0o7777);
            std::fs::set_permissions(ctr.upper(), mode)
                .with_context(|| format!("set the mode of `{}`", ctr.upper().display()))?;
        }
    }
    if let Err(e) = volume::ensure(store.root(), &opts.named_volumes) {
        let _ = container::remove(store.root(), &ctr);
        return Err(e).context("create the container's volumes");
    }
    if let Some(path) = &opts.extras.cidfile {
        std::fs::write(path, &ctr.config.id)
            .with_context(|| format!("write the container id file `{}`", path.display()))?;
    }
    crate::storage::events::container("create", &ctr.config, None);
    Ok((ctr, image))
}

/// `--systemd`: berth cannot run systemd as a container's init yet; `true` refuses only a
/// command that is systemd or init (podman's test), `always` every command.
fn check_systemd_mode(opts: &RunOptions, command: &[String]) -> Result<()> {
    use crate::spec::SystemdMode;
    let is_systemd = command.first().is_some_and(|c| {
        matches!(
            c.as_str(),
            "/sbin/init" | "/usr/sbin/init" | "/usr/local/sbin/init"
        ) || c.rsplit('/').next() == Some("systemd")
    });
    let refuse = match opts.extras.systemd {
        Some(SystemdMode::Always) => true,
        Some(SystemdMode::Auto) => is_systemd,
        Some(SystemdMode::Never) | None => false,
    };
    if refuse {
        return Err(Error::msg(
            "--systemd is not supported yet: berth cannot run systemd as a container's init",
        )
        .hint("run with --systemd=false to start the command as an ordinary init"));
    }
    Ok(())
}

/// A container's options, plan and seccomp program, computed again from its config.json
/// and its image, with no side effects (`exec` uses this to run a process the same way).
pub struct ContainerPlan {
    pub opts: RunOptions,
    pub plan: Plan,
    pub seccomp: Option<SeccompProgram>,
    pub supported: caps::CapsHashSet,
    pub layers: Vec<String>,
    /// The healthcheck, from --health-* and the image's HEALTHCHECK.
    pub health: Option<crate::run::health::HealthConfig>,
}

/// Compute a container's plan from its record and its image.
pub fn container_plan(store: &Store, ctr: &Container) -> Result<ContainerPlan> {
    container_plan_with(store, ctr, None)
}

/// `container_plan`, with the container's image when the caller has it already.
fn container_plan_with(
    store: &Store,
    ctr: &Container,
    image: Option<ImageRecord>,
) -> Result<ContainerPlan> {
    let opts = ctr.config.options.clone();
    let image = match image {
        Some(image) => image,
        None => store
            .resolve_image(&ctr.config.image_id)
            .with_context(|| format!("resolve image `{}`", ctr.config.image_name))?,
    };
    let supported: caps::CapsHashSet = crate::run::caps::all_supported();
    let defaults = image_defaults(&image.config);
    let host_hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut plan = plan::build(&PlanInput {
        opts: &opts,
        image: &defaults,
        id: &ctr.config.id,
        etc_dir: ctr.etc_dir(),
        host_hostname,
        supported_caps: &supported,
        volumes_dir: crate::storage::volume::volumes_dir(store.root()),
        containerenv: true,
    })
    .context("plan the container")?;
    if opts.userns == UsernsMode::KeepId && opts.user.is_none() {
        // keep-id runs as the user's own uid and gid by default, as podman does.
        let (uid, gid) = keep_id_ids().context("read the user's id")?;
        plan.process.user = Some(UserSpec {
            user: uid.to_string(),
            group: Some(gid.to_string()),
        });
    }
    if opts.extras.env_host {
        // --env-host: the host's variables, under everything the image and -e set.
        for (k, v) in std::env::vars() {
            // The service manager's socket is the monitor's, not the container's.
            if k != crate::systemd::notify::NOTIFY_SOCKET
                && !plan.process.env.iter().any(|(key, _)| *key == k)
            {
                plan.process.env.push((k, v));
            }
        }
    }
    let seccomp = seccomp_program(&opts, &plan)?;
    // HEALTHCHECK is a docker extension that the OCI config types drop: read it raw.
    let image_health = std::fs::read(store.images_dir().join(&image.id).join("config.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("config").and_then(|c| c.get("Healthcheck")).cloned());
    let health = crate::run::health::resolve(&opts.extras.health, image_health.as_ref());
    Ok(ContainerPlan {
        opts,
        plan,
        seccomp,
        supported,
        layers: image.layers,
        health,
    })
}

/// Everything needed to start an existing container: its plan, its generated /etc files,
/// and its overlay.
pub fn prepare(ctr: Container) -> Result<Prepared> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    prepare_in(paths, &store, ctr, None, None)
}

/// `prepare` in an open store, with the image when the caller has it already.
pub(super) fn prepare_in(
    paths: Paths,
    store: &Store,
    ctr: Container,
    image: Option<ImageRecord>,
    init_copy: Option<crate::run::reaper::InitCopy>,
) -> Result<Prepared> {
    let config = Config::load(&paths).context("load berth's configuration")?;
    paths
        .ensure_runtime()
        .context("prepare the runtime directory")?;
    let ContainerPlan {
        opts,
        plan,
        seccomp,
        supported,
        layers,
        health,
    } = container_plan_with(store, &ctr, image)?;
    let mut plan = plan;
    if crate::run::sdnotify::wants_container_socket(&opts) {
        crate::run::sdnotify::add_container_socket(&mut plan, &ctr.etc_dir());
        let dir = ctr.etc_dir().join(crate::run::sdnotify::SOCKET_DIR);
        std::fs::create_dir_all(&dir).with_context(|| format!("create `{}`", dir.display()))?;
    }
    let init_copy = match (plan.process.init, init_copy) {
        (false, _) => None,
        (true, Some(copy)) => Some(copy),
        (true, None) => Some(begin_init_copy()?),
    };
    write_etc_files(store.root(), &ctr, &plan, &opts)
        .context("write the container's /etc files")?;
    let lowers = layers
        .iter()
        .rev()
        .map(|l| store.layer_link(l))
        .collect::<std::result::Result<Vec<PathBuf>, _>>()
        .context("find the image's layers")?;
    let overlay = OverlaySpec {
        layers_dir: store.layers_dir(),
        lowers,
        upper: ctr.upper(),
        work: ctr.work(),
        merged: ctr.merged(),
    };
    Ok(Prepared {
        paths,
        config,
        store_root: store.root().to_path_buf(),
        ctr,
        opts,
        plan,
        seccomp,
        overlay,
        supported,
        health,
        init_copy,
    })
}

/// Start copying berth for an `--init` container (see [`crate::run::reaper::InitCopy`]).
pub fn begin_init_copy() -> Result<crate::run::reaper::InitCopy> {
    let copy = crate::run::reaper::InitCopy::begin();
    // vm.memfd_noexec = 2 refuses executable memfds (EACCES) to this PID namespace.
    let noexec = copy
        .as_ref()
        .is_err_and(|e| e.raw_os_error() == Some(libc::EACCES))
        && std::fs::read_to_string("/proc/sys/vm/memfd_noexec").is_ok_and(|v| v.trim() == "2");
    copy.context("--init: start copying berth's own binary (`/proc/self/exe`) into a memfd")
        .map_err(|e| {
            if noexec {
                e.hint("vm.memfd_noexec is 2 here, which forbids the executable memfd berth's init runs from; run without --init")
            } else {
                e
            }
        })
}

/// The container's seccomp program, or `None` when it runs unconfined. Compiling the
/// default profile costs about a millisecond, a tenth of a container start, so the program
/// is cached in the runtime directory under a key made of the profile's bytes, the
/// capabilities and the kernel (a changed profile or kernel makes a new key).
pub fn seccomp_program(opts: &RunOptions, plan: &Plan) -> Result<Option<SeccompProgram>> {
    let path = match (&opts.seccomp, opts.privileged) {
        (SeccompChoice::Unconfined, _) | (SeccompChoice::Default, true) => return Ok(None),
        (SeccompChoice::Profile(p), _) => Some(p.clone()),
        (SeccompChoice::Default, false) => crate::seccomp::default_profile_path(),
    };
    let names = crate::run::caps::names(&plan.process.caps.bounding);
    let cache = seccomp_cache_path(path.as_deref(), &names);
    if let Some(program) = cache.as_deref().and_then(load_cached_program) {
        return Ok(Some(program));
    }
    let profile =
        crate::seccomp::load_profile(path.as_deref()).context("load the seccomp profile")?;
    let program =
        crate::seccomp::compile(&profile, &names).context("compile the seccomp profile")?;
    if let Some(cache) = cache {
        let bytes: Vec<u8> = program
            .instructions()
            .iter()
            .flat_map(|f| {
                let mut b = f.code.to_le_bytes().to_vec();
                b.push(f.jt);
                b.push(f.jf);
                b.extend_from_slice(&f.k.to_le_bytes());
                b
            })
            .collect();
        if let Some(dir) = cache.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::storage::atomic::write_atomic(
            &cache,
            &bytes,
            crate::storage::atomic::Durability::Unsynced,
        );
    }
    Ok(Some(program))
}

/// `$XDG_RUNTIME_DIR/berth/seccomp/<key>.bpf`, or `None` when the profile cannot be read
/// (compiling reports that).
fn seccomp_cache_path(profile: Option<&Path>, caps: &[String]) -> Option<PathBuf> {
    use sha2::{Digest, Sha256};
    let runtime = Paths::discover().ok()?.runtime;
    let mut hasher = Sha256::new();
    match profile {
        Some(p) => hasher.update(std::fs::read(p).ok()?),
        None => hasher.update(b"builtin"),
    }
    hasher.update(caps.join(",").as_bytes());
    let uts = nix::sys::utsname::uname().ok()?;
    hasher.update(uts.release().as_encoded_bytes());
    hasher.update(uts.machine().as_encoded_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    let key = hex::encode(&hasher.finalize()[..16]);
    Some(runtime.join("seccomp").join(format!("{key}.bpf")))
}

fn load_cached_program(path: &Path) -> Option<SeccompProgram> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.is_empty() || bytes.len() % 8 != 0 {
        return None;
    }
    Some(SeccompProgram(
        bytes
            .chunks_exact(8)
            .map(|c| libc::sock_filter {
                code: u16::from_le_bytes([c[0], c[1]]),
                jt: c[2],
                jf: c[3],
                k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect(),
    ))
}

/// The parts of the image config a container needs.
fn image_defaults(config: &oci_spec::image::ImageConfiguration) -> ImageDefaults {
    let Some(c) = config.config() else {
        return ImageDefaults::default();
    };
    ImageDefaults {
        entrypoint: c.entrypoint().clone().unwrap_or_default(),
        cmd: c.cmd().clone().unwrap_or_default(),
        env: c.env().clone().unwrap_or_default(),
        workdir: c.working_dir().clone(),
        user: c.user().clone(),
    }
}

fn write_etc_files(
    store_root: &Path,
    ctr: &Container,
    plan: &Plan,
    opts: &RunOptions,
) -> std::io::Result<()> {
    let dir = ctr.etc_dir();
    let (hosts, resolv) = match &opts.network {
        // podman's rule: a container on another's network uses its hosts and resolv.conf.
        crate::spec::NetworkMode::Container(key) => {
            let owner = container::find(store_root, key).map_err(std::io::Error::other)?;
            (
                std::fs::read_to_string(owner.etc_dir().join("hosts"))?,
                std::fs::read_to_string(owner.etc_dir().join("resolv.conf"))?,
            )
        }
        mode => crate::net::etc_files(mode, &opts.net, &plan.hostname, &ctr.config.name),
    };
    std::fs::write(dir.join("hosts"), hosts)?;
    std::fs::write(dir.join("hostname"), format!("{}\n", plan.hostname))?;
    std::fs::write(dir.join("resolv.conf"), resolv)?;
    std::fs::write(dir.join(plan::CONTAINERENV), containerenv(ctr, opts))?;
    Ok(())
}

/// /run/.containerenv, as podman writes it: empty, except in a privileged container, which
/// learns its engine, name, id, image and whether it is rootless.
fn containerenv(ctr: &Container, opts: &RunOptions) -> String {
    if !opts.privileged {
        return String::new();
    }
    // Rootless when uid 0 here is not uid 0 of the host.
    let rootless = std::fs::read_to_string("/proc/self/uid_map")
        .ok()
        .and_then(|m| {
            m.lines().find_map(|l| {
                let mut f = l.split_whitespace();
                (f.next() == Some("0")).then(|| f.next() != Some("0"))
            })
        })
        .unwrap_or(true);
    let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "engine=\"berth-{}\"\nname=\"{}\"\nid=\"{}\"\nimage=\"{}\"\nimageid=\"{}\"\nrootless={}\n",
        env!("CARGO_PKG_VERSION"),
        quote(&ctr.config.name),
        ctr.config.id,
        quote(&ctr.config.image_name),
        ctr.config.image_id,
        u8::from(rootless),
    )
}

/// `-P` (the image's EXPOSE and `--expose`) and free host ports for an empty host port,
/// chosen once at create and recorded, so `port` shows them and a restart reuses them.
fn publish_ports(opts: &mut RunOptions, image: &oci_spec::image::ImageConfiguration) -> Result<()> {
    use crate::net::ports;
    if opts.net.publish_all {
        let mut exposed = opts.net.expose.clone();
        let image_ports = image
            .config()
            .as_ref()
            .and_then(|c| c.exposed_ports().clone())
            .unwrap_or_default();
        exposed.extend(
            image_ports
                .iter()
                .filter_map(|p| ports::parse_expose(p))
                .flatten(),
        );
        ports::publish_all(&mut opts.net.ports, &exposed);
    }
    ports::assign_free(&mut opts.net.ports).context("publish the container's ports")
}
