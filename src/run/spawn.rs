//! The session's side of `berth run`, `create` and `start`: record the container, mount its
//! rootfs, clone C with its namespaces, start it, and supervise it until it exits. A
//! detached container keeps its session as its monitor (berth's conmon): it writes the logs,
//! records the exit, and applies `--rm` and the restart policy.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use chrono::Utc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::CloneFlags;
use nix::sys::signalfd::SignalFd;

use super::init::Stdio;
use super::logs::{LogDriver, LogWriter, Stream};
use super::options::{NetworkMode, RunOptions, SeccompChoice, UserSpec, UsernsMode};
use super::plan::{self, ImageDefaults, Plan, PlanInput};
use super::relay::{drain, forward_signals, write_all};
use super::sync::{FromInit, ToInit};
use crate::config::{Config, Paths};
use crate::error::{Context, Error, HintContext, Result};
use crate::seccomp::SeccompProgram;
use crate::storage::container::{self, Container, ContainerConfig, ContainerState, Status};
use crate::storage::overlay::{self, OverlaySpec};
use crate::storage::volume;
use crate::storage::{ImageRecord, Store};
use crate::sys::channel::Channel;
use crate::sys::process::{clone3, Forked};
use crate::userns::session::{SessionLink, FORWARDED_AND_CHLD};

/// The file in a container's directory that says `stop` ended it (no restart).
pub const STOPPED_MARK: &str = "stopped-by-user";

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
    pub health: Option<super::health::HealthConfig>,
}

/// `berth run`: create the container and start it, in the foreground or detached.
pub fn run(opts: &RunOptions, link: &SessionLink) -> Result<i32> {
    // The start path is hot: find the directories, open the store and resolve the image
    // once, for both halves.
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let (ctr, image) = create_in(&store, opts)?;
    let prepared = match prepare_in(paths, &store, ctr.clone(), Some(image)) {
        Ok(p) => p,
        Err(e) => {
            finish(&ctr, opts.rm, None, &Paths::discover().ok());
            return Err(e);
        }
    };
    let id = prepared.ctr.config.id.clone();
    start(prepared, opts.detach, link, &id, None)
}

/// Record a new container (status `created`) from validated options.
pub fn create(opts: &RunOptions) -> Result<Container> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    Ok(create_in(&store, opts)?.0)
}

/// `create` in an open store; also returns the image, which `run` needs next.
fn create_in(store: &Store, opts: &RunOptions) -> Result<(Container, ImageRecord)> {
    // The store's message names the image already: ``image not known: `x` ``.
    let image = store
        .resolve_image(&opts.image)
        .map_err(|e| Error::msg(e.to_string()))?;
    let defaults = image_defaults(&image.config);
    let command = plan::process_args(opts, &defaults).context("plan the container")?;
    let mut opts = opts.clone();
    volume::attach(&mut opts, &image.config).context("name the image's volumes")?;
    publish_ports(&mut opts, &image.config)?;
    let opts = &opts;
    let options_json = serde_json::to_value(opts).context("record the run options")?;
    let image_name = image
        .names
        .first()
        .cloned()
        .unwrap_or_else(|| image.id.clone());
    if let Some(path) = &opts.extras.cidfile {
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
            options: options_json.clone(),
        }
    })
    .context("create the container")?;
    if let Err(e) = volume::ensure(store.root(), &opts.named_volumes) {
        let _ = container::remove(store.root(), &ctr);
        return Err(e).context("create the container's volumes");
    }
    if let Some(path) = &opts.extras.cidfile {
        std::fs::write(path, &ctr.config.id)
            .with_context(|| format!("write the container id file `{}`", path.display()))?;
    }
    Ok((ctr, image))
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
    pub health: Option<super::health::HealthConfig>,
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
    let opts: RunOptions = serde_json::from_value(ctr.config.options.clone())
        .with_context(|| format!("read the options of container `{}`", ctr.config.name))?;
    let image = match image {
        Some(image) => image,
        None => store
            .resolve_image(&ctr.config.image_id)
            .with_context(|| format!("resolve image `{}`", ctr.config.image_name))?,
    };
    let supported: caps::CapsHashSet = super::caps::all_supported();
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
            if !plan.process.env.iter().any(|(key, _)| *key == k) {
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
    let health = super::health::resolve(&opts.extras.health, image_health.as_ref());
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
    prepare_in(paths, &store, ctr, None)
}

/// `prepare` in an open store, with the image when the caller has it already.
fn prepare_in(
    paths: Paths,
    store: &Store,
    ctr: Container,
    image: Option<ImageRecord>,
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
    let names = super::caps::names(&plan.process.caps.bounding);
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
        let _ = container::write_atomic(&cache, &bytes);
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

/// Start a prepared container: in the foreground (stdio passed straight through), or
/// detached (this session becomes the container's monitor, and P0 returns once the command
/// has been exec'd, after `announce` is printed).
pub fn start(
    p: Prepared,
    detach: bool,
    link: &SessionLink,
    announce: &str,
    lock: Option<container::ContainerLock>,
) -> Result<i32> {
    // The container's lock (from `start`) is held until the container is launched, so that
    // two starts at once give one container; the monitor does not keep it.
    let mut lock = lock;
    let _ = std::fs::remove_file(p.ctr.dir.join(STOPPED_MARK));
    let mut guard = Guard {
        store_root: p.store_root.clone(),
        container: p.ctr.clone(),
        rm: p.opts.rm,
        mounted: false,
        exit_code: None,
        link: (!detach).then_some(link),
    };
    // A taken host port fails here, before anything is mounted or started.
    crate::net::ports::check_free(&p.opts.net.ports)
        .context("start the container")
        .map_err(|e| e.hint("choose another host port with -p, or stop what listens there"))?;
    // pasta starts now, in a network namespace made for C, and gets ready while the rootfs
    // is mounted and C is cloned (the first launch only; a restart takes the plain order).
    let mut early_net = if p.plan.new_net && !p.plan.keep_id {
        crate::net::begin_early(
            &p.opts.network,
            &p.opts.net.ports,
            &crate::net::helper_dir(&p.paths.runtime, &p.ctr.config.id),
        )
        .context("set up the container's network")
        .map_err(|e| e.hint(NET_HINT))?
    } else {
        None
    };
    overlay::mount(&p.overlay, p.config.storage.overlay, &p.paths.runtime)
        .hinted_context("mount the container's rootfs")?;
    guard.mounted = true;
    volume::prepare_volumes(
        &p.store_root,
        &p.opts.named_volumes,
        &p.ctr.merged(),
        p.plan.process.user.as_ref(),
        p.plan.keep_id,
    )
    .context("prepare the container's volumes")?;
    // User networks: addresses, hosts and resolv.conf; freed when this returns.
    let _networks =
        crate::net::bridge::attach::Attachment::claim(&p.paths, &p.ctr, &p.opts, &p.plan.hostname)?;
    // Blocked before any clone; C resets its mask right before execve.
    let sfd = crate::sys::process::block_signals(&FORWARDED_AND_CHLD).context("block signals")?;

    let driver = p.opts.extras.log_driver;
    let log_path = p.ctr.dir.join(super::logs::LOG_FILE);
    // In the foreground the output is logged too (so `logs` works afterwards, as with
    // podman), unless the container is removed at exit anyway or a driver says otherwise.
    let log_foreground = match driver {
        Some(LogDriver::K8sFile) => true,
        None => !p.opts.rm,
        Some(LogDriver::None | LogDriver::Passthrough) => false,
    };
    if !detach && log_foreground && !p.opts.tty {
        // Copy the output through pipes into the log and to our own stdio.
        let mut log = LogWriter::open(
            &log_path,
            LogDriver::K8sFile,
            p.opts.extras.log_max_size,
            true,
        )
        .context("open the container log")?;
        let (out_r, out_w) = pipe().context("create the stdout pipe")?;
        let (err_r, err_w) = pipe().context("create the stderr pipe")?;
        let stdin = if p.opts.interactive {
            Some(
                std::io::stdin()
                    .as_fd()
                    .try_clone_to_owned()
                    .context("duplicate stdin")?,
            )
        } else {
            None
        };
        let stdio = Stdio {
            stdin,
            stdout: out_w,
            stderr: err_w,
        };
        let launched = launch(&p, Some(stdio), false, &sfd, 0, early_net.take())?;
        drop(lock.take());
        let (code, _) = monitor(
            &launched,
            &sfd,
            out_r,
            err_r,
            MonitorIo {
                log: &mut log,
                server: None,
                stdin_pipe: None,
                health: None,
            },
        );
        launched.disarm();
        guard.exit_code = Some(code);
        return Ok(code);
    }
    if !detach {
        let launched = launch(&p, None, p.opts.tty, &sfd, 0, early_net.take())?;
        drop(lock.take());
        // `run -it`: the detach keys leave the container running, with this session as
        // its monitor from then on.
        let mut keys = (p.opts.tty && p.opts.interactive && !p.opts.extras.detach_keys.is_empty())
            .then(|| super::attach::DetachKeys::new(p.opts.extras.detach_keys.clone()));
        let relayed = super::relay::relay(
            &launched.pidfd,
            &sfd,
            launched.master.as_ref(),
            p.opts.interactive,
            keys.as_mut(),
        )
        .context("supervise the container")?;
        let code = match relayed {
            super::relay::Relayed::Exited(code) => code,
            super::relay::Relayed::Detached => {
                guard.link = None;
                link.detached()
                    .context("tell berth the container was detached")?;
                silence_stdio();
                monitor_detached(&p, &launched, &sfd, &log_path)?
            }
        };
        launched.disarm();
        guard.exit_code = Some(code);
        return Ok(code);
    }

    let (mut log, mut server) = monitor_outputs(&p, &log_path)?;
    let mut restarts: u32 = 0;
    let mut first = true;
    loop {
        let (out_r, out_w) = pipe().context("create the stdout pipe")?;
        let (err_r, err_w) = pipe().context("create the stderr pipe")?;
        let (stdin_r, stdin_w) = if p.opts.interactive && !p.opts.tty {
            let (r, w) = pipe().context("create the stdin pipe")?;
            (Some(r), Some(w))
        } else {
            (None, None)
        };
        let stdio = (!p.opts.tty).then_some(Stdio {
            stdin: stdin_r,
            stdout: out_w,
            stderr: err_w,
        });
        let launched = match launch(&p, stdio, p.opts.tty, &sfd, restarts, early_net.take()) {
            Ok(l) => l,
            Err(e) if first => return Err(e),
            Err(e) => {
                // A restart failed: record it in the log, then stop trying.
                let _ = log.write(Stream::Stderr, format!("{e}\n").as_bytes());
                guard.exit_code = Some(e.code());
                break;
            }
        };
        drop(lock.take());
        if first {
            first = false;
            println!("{announce}");
            use std::io::Write as _;
            let _ = std::io::stdout().flush();
            link.detached()
                .context("tell berth the container started")?;
            silence_stdio();
        }
        if p.health.is_some() {
            let _ = super::health::save(&p.ctr.dir, &super::health::HealthState::default());
        }
        let (code, health_restart) = monitor(
            &launched,
            &sfd,
            out_r,
            err_r,
            MonitorIo {
                log: &mut log,
                server: server.as_mut(),
                stdin_pipe: stdin_w,
                health: p.health.as_ref().map(|cfg| HealthRun {
                    cfg,
                    dir: &p.ctr.dir,
                    id: &p.ctr.config.id,
                }),
            },
        );
        if let Some(net) = launched.disarm() {
            // Its ports must be free before a restart publishes them again.
            net.stop();
        }
        let stopped = p.ctr.dir.join(STOPPED_MARK).exists();
        if !health_restart && !p.opts.restart.should_restart(code, restarts, stopped) {
            guard.exit_code = Some(code);
            break;
        }
        restarts += 1;
        record_exit(&p.ctr, Some(code), restarts);
        // Back off a little on a container that keeps failing.
        std::thread::sleep(std::time::Duration::from_millis(
            (100 * u64::from(restarts)).min(2000),
        ));
    }
    Ok(guard.exit_code.unwrap_or(0))
}

/// A monitor's log, and its attach socket (`berth attach` connects there; without the
/// socket the container still runs).
fn monitor_outputs(
    p: &Prepared,
    log_path: &Path,
) -> Result<(LogWriter, Option<super::attach::Server>)> {
    let log = LogWriter::open(
        log_path,
        p.opts.extras.log_driver.unwrap_or(LogDriver::K8sFile),
        p.opts.extras.log_max_size,
        false,
    )
    .context("open the container log")?;
    let server = super::attach::Server::bind(&super::attach::socket_path(
        &p.paths.runtime,
        &p.ctr.config.id,
    ))
    .ok();
    Ok((log, server))
}

/// Watch a container that was started in the foreground and then detached from: log its
/// output, serve `attach`, and return its status when it exits.
fn monitor_detached(
    p: &Prepared,
    launched: &Launched,
    sfd: &SignalFd,
    log_path: &Path,
) -> Result<i32> {
    let (mut log, mut server) = monitor_outputs(p, log_path)?;
    // With a pty the monitor reads only the master; these pipes stay empty.
    let (out_r, _out_w) = pipe().context("create the stdout pipe")?;
    let (err_r, _err_w) = pipe().context("create the stderr pipe")?;
    let (code, _) = monitor(
        launched,
        sfd,
        out_r,
        err_r,
        MonitorIo {
            log: &mut log,
            server: server.as_mut(),
            stdin_pipe: None,
            health: p.health.as_ref().map(|cfg| HealthRun {
                cfg,
                dir: &p.ctr.dir,
                id: &p.ctr.config.id,
            }),
        },
    );
    Ok(code)
}

/// A started container.
struct Launched {
    pidfd: OwnedFd,
    master: Option<OwnedFd>,
    guard: ChildGuard,
    /// The network helper; dropped (stopped) with the container.
    _net: Option<crate::net::Helper>,
    /// The published-port forwarder of a container on user networks.
    _bridge_ports: Option<crate::net::bridge::forward::Forwarder>,
}

impl Launched {
    /// C has been reaped: nothing left to kill. Returns the network helper, for a caller
    /// that must wait until it is gone (a dropped helper is killed without waiting).
    fn disarm(mut self) -> Option<crate::net::Helper> {
        self.guard.pidfd = None;
        self._net.take()
    }
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    Ok(nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?)
}

/// Point this process's stdio at /dev/null, so that whoever reads berth's output (a shell's
/// `$(berth run -d …)`) sees its end when P0 exits.
fn silence_stdio() {
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..=2 {
            let _ = nix::unistd::dup2(null.as_raw_fd(), fd);
        }
    }
}

/// Clone C, record the container as running, let it go, and wait until its command has
/// been exec'd (or report why it could not be).
/// What a failed network start should point at.
const NET_HINT: &str = "check `berth info` for pasta, slirp4netns and /dev/net/tun";

fn launch(
    p: &Prepared,
    stdio: Option<Stdio>,
    tty: bool,
    sfd: &SignalFd,
    restarts: u32,
    early_net: Option<crate::net::EarlyNet>,
) -> Result<Launched> {
    let plan = &p.plan;
    let mut flags = CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC;
    if plan.new_net && early_net.is_none() {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    if plan.keep_id {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    let winsize = if tty && stdio.is_none() {
        crate::sys::tty::get_winsize(std::io::stdin().as_fd()).ok()
    } else {
        None
    };
    // The signalfd stays open in C until it execs (it is close-on-exec).
    let _ = sfd;
    if let super::options::NetworkMode::Ns(path) = &p.opts.network {
        // As below, for a path: S is in the user namespace that owns it.
        let netns = std::fs::File::open(path)
            .with_context(|| format!("open the network namespace `{}`", path.display()))?;
        nix::sched::setns(&netns, CloneFlags::CLONE_NEWNET)
            .map_err(std::io::Error::from)
            .with_context(|| format!("join the network namespace `{}`", path.display()))?;
    }
    if let super::options::NetworkMode::Container(key) = &p.opts.network {
        // C is cloned into X's network namespace: S enters it first (S is in X's user
        // namespace, which owns it; see `commands::run::join_network_owner`).
        let (_, owner) = crate::net::network_owner(&p.store_root, key)?;
        let netns = std::fs::File::open(format!("/proc/{owner}/ns/net"))
            .with_context(|| format!("open the network namespace of container `{key}`"))?;
        nix::sched::setns(&netns, CloneFlags::CLONE_NEWNET)
            .map_err(std::io::Error::from)
            .with_context(|| format!("join the network namespace of container `{key}`"))
            .map_err(|e| {
                e.hint("the container must have been started after this one's session joined it; start this container again")
            })?;
    }
    let rootfs = p.ctr.merged();
    let (early_netns, early_pending) = match early_net {
        Some(e) => (Some(e.netns), Some(e.pending)),
        None => (None, None),
    };
    let (pid, pidfd, parent_end, guard) = clone_init(
        plan,
        &rootfs,
        p.seccomp.as_ref(),
        &p.supported,
        winsize,
        stdio,
        flags,
        early_netns.as_ref().map(AsFd::as_fd),
    )?;

    if plan.keep_id {
        write_keep_id_maps(pid).context("write the keep-id maps")?;
    }
    // The network helper attaches to C's namespace now; C mounts meanwhile and waits for
    // NetReady before it execs, so the command starts with its network up. The helper is
    // stopped when `Launched` goes (or on any early return).
    let pending = match early_pending {
        Some(pending) => Some(pending),
        None => crate::net::begin_helper(
            &p.opts.network,
            &p.opts.net.ports,
            pid,
            &crate::net::helper_dir(&p.paths.runtime, &p.ctr.config.id),
        )
        .context("set up the container's network")
        .map_err(|e| e.hint(NET_HINT))?,
    };
    // User networks: veths from the rootless namespace's bridges, and published ports.
    let bridge_ports = if p.opts.network == NetworkMode::Bridge {
        crate::net::bridge::attach::connect(
            &p.paths,
            &p.ctr.config.id,
            &p.opts.user_networks,
            &p.opts.net.ports,
            pid,
        )?
    } else {
        None
    };
    // Let C go first and record it while C sets up its mounts: the two overlap. The start
    // time is read before, while C cannot have exited yet.
    let pid_start = container::process_start_time(pid);
    parent_end
        .send(&ToInit::Go)
        .context("start the container")?;
    p.ctr
        .write_state(&ContainerState {
            status: Status::Running,
            pid: Some(pid),
            pid_start,
            monitor: {
                let me = std::process::id().cast_signed();
                container::process_start_time(me).map(|start| (me, start))
            },
            started_at: Some(Utc::now()),
            restart_count: restarts,
            ..ContainerState::created()
        })
        .context("record the container as running")?;
    if let Some(path) = &p.opts.extras.pidfile {
        std::fs::write(path, pid.to_string())
            .with_context(|| format!("write the pid file `{}`", path.display()))?;
    }
    let net = match pending {
        Some(pending) => Some(
            pending
                .wait()
                .context("set up the container's network")
                .map_err(|e| e.hint(NET_HINT))?,
        ),
        None => None,
    };
    // C may already have failed (its message follows below); a lost NetReady is no error.
    let _ = parent_end.send(&ToInit::NetReady);

    let master = await_exec(&parent_end)?;
    Ok(Launched {
        pidfd,
        master,
        guard,
        _net: net,
        _bridge_ports: bridge_ports,
    })
}

/// Clone C into its namespaces (`flags`) to carry out `plan` on `rootfs`; returns its pid,
/// pidfd, the parent's end of the sync socket and a guard that kills C unless disarmed.
#[allow(clippy::too_many_arguments)]
fn clone_init(
    plan: &Plan,
    rootfs: &Path,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    winsize: Option<crate::sys::tty::WinSize>,
    stdio: Option<Stdio>,
    flags: CloneFlags,
    netns: Option<BorrowedFd<'_>>,
) -> Result<(i32, OwnedFd, Channel, ChildGuard)> {
    let (parent_end, child_end) = Channel::pair().context("create the init's sync socket")?;
    let forked = clone3(flags.bits() as u64)
        .context("create the container's namespaces")
        .map_err(|e| {
            e.hint("check `berth info`: user namespaces may be limited on this machine")
        })?;
    let (pid, pidfd) = match forked {
        Forked::Child => {
            drop(parent_end);
            super::init::container_main(super::init::InitContext {
                plan,
                rootfs,
                chan: child_end,
                seccomp,
                supported_caps: supported,
                winsize,
                stdio,
                netns,
            })
        }
        Forked::Parent { pid, pidfd } => (pid, pidfd),
    };
    drop(child_end);
    drop(stdio);
    let guard = ChildGuard {
        pidfd: Some(pidfd.try_clone().context("duplicate the pidfd")?),
    };
    Ok((pid, pidfd, parent_end, guard))
}

/// Read from C until end of file (its command was exec'd): the pty (with -t), or the
/// reason it failed.
fn await_exec(parent_end: &Channel) -> Result<Option<OwnedFd>> {
    let mut master: Option<OwnedFd> = None;
    loop {
        match parent_end.recv_with_fd::<FromInit>() {
            Ok(Some((FromInit::Pty, fd))) => master = fd,
            Ok(Some((FromInit::Failed(failure), _))) => {
                let code = failure.exit_code();
                // An exec failure speaks for itself; other steps name the init's step.
                let what = match failure.step {
                    super::sync::Step::Exec => failure.to_string(),
                    step => format!("container init: {}: {failure}", step.name()),
                };
                return Err(Error::Failed {
                    what,
                    source: None,
                    hint: None,
                    code,
                });
            }
            Ok(None) => break,
            Err(e) => return Err(e).context("read from the container init"),
        }
    }
    Ok(master)
}

/// Run `plan` once on an already mounted `rootfs` that is no recorded container (a build's
/// RUN step): clone C, let it go, and wait for its status while forwarding signals. The
/// process is in no `ps` listing; the caller owns the rootfs's mount. `stdio` `None`
/// passes berth's own stdout and stderr through (stdin is /dev/null).
pub fn run_transient(
    plan: &Plan,
    rootfs: &Path,
    seccomp: Option<&SeccompProgram>,
    supported: &caps::CapsHashSet,
    stdio: Option<Stdio>,
    network: (&NetworkMode, &Path),
) -> Result<i32> {
    let sfd = crate::sys::process::block_signals(&FORWARDED_AND_CHLD).context("block signals")?;
    let mut flags = CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC;
    if plan.new_net {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    let (pid, pidfd, parent_end, mut guard) =
        clone_init(plan, rootfs, seccomp, supported, None, stdio, flags, None)?;
    // pasta or slirp4netns (`build --network`), as for a container; `_net` stops it.
    let (mode, helper_dir) = network;
    let pending = crate::net::begin_helper(mode, &[], pid, helper_dir)
        .context("set up the RUN step's network")
        .map_err(|e| e.hint(NET_HINT))?;
    parent_end
        .send(&ToInit::Go)
        .context("start the container")?;
    let _net = match pending {
        Some(p) => Some(
            p.wait()
                .context("set up the RUN step's network")
                .map_err(|e| e.hint(NET_HINT))?,
        ),
        None => None,
    };
    let _ = parent_end.send(&ToInit::NetReady);
    await_exec(&parent_end)?;
    // No detach keys: the relay ends only when the process exits.
    let code = match super::relay::relay(&pidfd, &sfd, None, false, None)
        .context("wait for the process")?
    {
        super::relay::Relayed::Exited(code) => code,
        super::relay::Relayed::Detached => crate::error::EXIT_BERTH,
    };
    guard.pidfd = None;
    // Between steps a signal acts on berth itself again (Ctrl-C stops the build).
    let mut mask = nix::sys::signal::SigSet::empty();
    for sig in FORWARDED_AND_CHLD {
        mask.add(sig);
    }
    let _ =
        nix::sys::signal::sigprocmask(nix::sys::signal::SigmaskHow::SIG_UNBLOCK, Some(&mask), None);
    Ok(code)
}

/// A detached container's monitor loop: copy its output into the log and forward signals
/// until it exits; return its status.
/// What a monitor loop writes to and reads from besides the container.
struct MonitorIo<'a> {
    log: &'a mut LogWriter,
    server: Option<&'a mut super::attach::Server>,
    /// `-d -i`: the write end of the container's stdin.
    stdin_pipe: Option<OwnedFd>,
    health: Option<HealthRun<'a>>,
}

/// A healthcheck the monitor runs on a timer.
struct HealthRun<'a> {
    cfg: &'a super::health::HealthConfig,
    dir: &'a Path,
    id: &'a str,
}

/// The monitor's healthcheck timer and the check running now (a child of the monitor).
struct HealthTimer {
    next: std::time::Instant,
    started: std::time::Instant,
    checker: Option<OwnedFd>,
    /// SIGKILL after a `stop` action's timeout.
    kill_at: Option<std::time::Instant>,
}

/// Returns the container's status, and whether a healthcheck asked for a restart.
fn monitor(
    launched: &Launched,
    sfd: &SignalFd,
    out: OwnedFd,
    err: OwnedFd,
    io: MonitorIo<'_>,
) -> (i32, bool) {
    let MonitorIo {
        log,
        mut server,
        mut stdin_pipe,
        health,
    } = io;
    let mut timer = health.as_ref().map(|h| HealthTimer {
        next: std::time::Instant::now() + h.cfg.interval,
        started: std::time::Instant::now(),
        checker: None,
        kill_at: None,
    });
    let mut health_restart = false;
    let pidfd = &launched.pidfd;
    // With a pty, everything arrives on the master, as stdout.
    let mut sources: Vec<(BorrowedFd<'_>, Stream)> = match &launched.master {
        Some(m) => vec![(m.as_fd(), Stream::Stdout)],
        None => vec![(out.as_fd(), Stream::Stdout), (err.as_fd(), Stream::Stderr)],
    };
    let mut buf = vec![0u8; 16 * 1024];
    let record = |log: &mut LogWriter,
                  server: &mut Option<&mut super::attach::Server>,
                  stream: Stream,
                  data: &[u8]| {
        let _ = log.write(stream, data);
        if let Some(s) = server.as_deref_mut() {
            let kind = match stream {
                Stream::Stdout => super::attach::Kind::Stdout,
                Stream::Stderr => super::attach::Kind::Stderr,
            };
            s.broadcast(kind, data);
        }
    };
    loop {
        let mut fds = vec![
            PollFd::new(pidfd.as_fd(), PollFlags::POLLIN),
            PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
        ];
        fds.extend(
            sources
                .iter()
                .map(|(fd, _)| PollFd::new(*fd, PollFlags::POLLIN)),
        );
        let attach_fds: Vec<BorrowedFd<'_>> = server.as_ref().map(|s| s.fds()).unwrap_or_default();
        let attach_base = fds.len();
        fds.extend(
            attach_fds
                .iter()
                .map(|fd| PollFd::new(*fd, PollFlags::POLLIN)),
        );
        let checker_index = fds.len();
        if let Some(c) = timer.as_ref().and_then(|t| t.checker.as_ref()) {
            fds.push(PollFd::new(c.as_fd(), PollFlags::POLLIN));
        }
        let timeout = timer.as_ref().map_or(PollTimeout::NONE, |t| {
            let now = std::time::Instant::now();
            let mut due = if t.checker.is_some() {
                None
            } else {
                Some(t.next)
            };
            if let Some(k) = t.kill_at {
                due = Some(due.map_or(k, |d| d.min(k)));
            }
            due.map_or(PollTimeout::NONE, |d| {
                let ms = d.saturating_duration_since(now).as_millis().min(60_000);
                PollTimeout::from(u16::try_from(ms).unwrap_or(u16::MAX))
            })
        });
        match poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return (crate::error::EXIT_BERTH, false),
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        drop(fds);
        drop(attach_fds);
        if ready[1] {
            forward_signals(sfd, pidfd, None);
        }
        let mut closed = Vec::new();
        for (i, (fd, stream)) in sources.iter().enumerate() {
            if ready[i + 2] {
                match nix::unistd::read(fd.as_raw_fd(), &mut buf) {
                    Ok(0) | Err(_) => closed.push(i),
                    Ok(n) => record(log, &mut server, *stream, &buf[..n]),
                }
            }
        }
        for i in closed.into_iter().rev() {
            sources.remove(i);
        }
        if let Some(s) = server.as_deref_mut() {
            let req = s.serve(&ready[attach_base..]);
            // Input goes to the pty, or to the stdin pipe of a `-d -i` container.
            let input = launched
                .master
                .as_ref()
                .map(AsFd::as_fd)
                .or(stdin_pipe.as_ref().map(AsFd::as_fd));
            if let Some(fd) = input {
                if !req.input.is_empty() {
                    write_all(fd, &req.input);
                }
                if let (Some((rows, cols)), Some(m)) = (req.resize, &launched.master) {
                    let _ = crate::sys::tty::set_winsize(
                        m.as_fd(),
                        crate::sys::tty::WinSize { rows, cols },
                    );
                }
            }
            if req.eof {
                stdin_pipe = None;
            }
        }
        if let (Some(t), Some(h)) = (timer.as_mut(), health.as_ref()) {
            let checker_done =
                t.checker.is_some() && ready.get(checker_index).copied().unwrap_or(false);
            if checker_done {
                if let Some(c) = t.checker.take() {
                    let _ = crate::sys::process::wait_pidfd(&c);
                }
                t.next = std::time::Instant::now() + h.cfg.interval;
                let unhealthy = super::health::load(h.dir).is_some_and(|s| s.status == "unhealthy");
                if unhealthy {
                    act_on_unhealthy(h, t, pidfd, &mut health_restart);
                }
            }
            let now = std::time::Instant::now();
            if t.kill_at.is_some_and(|k| now >= k) {
                let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
                t.kill_at = None;
            }
            if t.checker.is_none() && now >= t.next && !ready[0] {
                let in_start_period = t.started.elapsed() < h.cfg.start_period;
                t.checker = start_health_check(h, in_start_period);
                if t.checker.is_none() {
                    t.next = now + h.cfg.interval;
                }
            }
        }
        if ready[0] {
            for (fd, stream) in &sources {
                drain(*fd, |data| record(log, &mut server, *stream, data));
            }
            let code = crate::sys::process::wait_pidfd(pidfd)
                .map_or(crate::error::EXIT_BERTH, super::relay::status_code);
            if let Some(s) = server.as_deref_mut() {
                s.exit(code);
            }
            if let Some(c) = timer.and_then(|t| t.checker) {
                let _ = crate::sys::process::pidfd_kill(&c, libc::SIGKILL);
                let _ = crate::sys::process::wait_pidfd(&c);
            }
            return (code, health_restart);
        }
    }
}

/// `--health-on-failure`: what the monitor does once the container is unhealthy.
fn act_on_unhealthy(
    h: &HealthRun<'_>,
    t: &mut HealthTimer,
    pidfd: &OwnedFd,
    health_restart: &mut bool,
) {
    use super::health::OnFailure;
    match h.cfg.on_failure {
        OnFailure::None => {}
        OnFailure::Kill => {
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
        }
        OnFailure::Restart => {
            *health_restart = true;
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
        }
        OnFailure::Stop => {
            let _ = std::fs::write(h.dir.join(STOPPED_MARK), b"");
            let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGTERM);
            t.kill_at = Some(std::time::Instant::now() + std::time::Duration::from_secs(10));
        }
    }
}

/// Run one healthcheck in a child of the monitor (it may take up to its timeout; the
/// monitor keeps copying output meanwhile). The child records the result in health.json.
fn start_health_check(h: &HealthRun<'_>, in_start_period: bool) -> Option<OwnedFd> {
    match clone3(0).ok()? {
        Forked::Child => {
            crate::sys::process::reset_signals();
            let result = super::health::run_check(h.id, h.cfg);
            let mut state = super::health::load(h.dir).unwrap_or_default();
            state.record(result, h.cfg.retries, in_start_period);
            let _ = super::health::save(h.dir, &state);
            crate::sys::process::exit_now(0)
        }
        Forked::Parent { pidfd, .. } => Some(pidfd),
    }
}

/// Record an exit in state.json, keeping when it started and how often it restarted.
fn record_exit(ctr: &Container, code: Option<i32>, restarts: u32) {
    let previous = ctr.state().ok();
    let _ = ctr.write_state(&ContainerState {
        status: Status::Exited,
        exit_code: code,
        started_at: previous.as_ref().and_then(|s| s.started_at),
        finished_at: Some(Utc::now()),
        restart_count: restarts,
        ..ContainerState::created()
    });
}

/// Finalise a container that will not run again: remove it (--rm) or record its exit.
fn finish(ctr: &Container, rm: bool, code: Option<i32>, paths: &Option<Paths>) {
    if rm {
        if let Some(paths) = paths {
            let _ = container::remove(&paths.data, ctr);
            let _ = volume::remove_anonymous(&paths.data, &volume::mounts_of(ctr));
        }
    } else {
        let restarts = ctr.state().map(|s| s.restart_count).unwrap_or(0);
        record_exit(ctr, code, restarts);
    }
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
        super::options::NetworkMode::Container(key) => {
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
    Ok(())
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

/// Finalises a container on every way out of `start`: unmounts its rootfs, records its
/// exit, and removes it with --rm.
struct Guard<'a> {
    store_root: PathBuf,
    container: Container,
    rm: bool,
    mounted: bool,
    exit_code: Option<i32>,
    /// P0, waiting for a foreground container's status.
    link: Option<&'a SessionLink>,
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if self.mounted {
            let _ = overlay::unmount(&self.container.merged());
        }
        if self.rm {
            // Deleting the files is the slowest part of a short container's life: once the
            // container is out of the store, tell P0 its status and let it go, and delete
            // the files after (a crash in between leaves `.trash-*`, which `system check`
            // removes).
            let Ok(trash) = container::retire(&self.store_root, &self.container) else {
                return;
            };
            // Anonymous volumes go before the report: a caller may list volumes next.
            let _ = volume::remove_anonymous(&self.store_root, &volume::mounts_of(&self.container));
            if let (Some(link), Some(code)) = (self.link, self.exit_code) {
                if link.exited(code).is_ok() {
                    silence_stdio();
                }
            }
            let _ = container::purge(&trash);
        } else {
            let restarts = self.container.state().map(|s| s.restart_count).unwrap_or(0);
            record_exit(&self.container, self.exit_code, restarts);
        }
    }
}

/// Kills and reaps C unless disarmed.
struct ChildGuard {
    pidfd: Option<OwnedFd>,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(fd) = self.pidfd.take() {
            let _ = crate::sys::process::pidfd_kill(&fd, libc::SIGKILL);
            let _ = crate::sys::process::wait_pidfd(&fd);
        }
    }
}

/// The ids keep-id gives the container's process: the user's own, seen from the host (in
/// the session, what its 0 maps to).
fn keep_id_ids() -> std::io::Result<(u32, u32)> {
    if nix::unistd::getuid().is_root() {
        host_ids()
    } else {
        Ok((
            nix::unistd::getuid().as_raw(),
            nix::unistd::getgid().as_raw(),
        ))
    }
}

/// The user's host uid and gid: what the session's 0 maps to.
fn host_ids() -> std::io::Result<(u32, u32)> {
    let uids = read_proc_maps(Path::new("/proc/self/uid_map"))?;
    let gids = read_proc_maps(Path::new("/proc/self/gid_map"))?;
    let uid = uids.iter().find(|e| e.inside == 0).map_or(0, |e| e.outside);
    let gid = gids.iter().find(|e| e.inside == 0).map_or(0, |e| e.outside);
    Ok((uid, gid))
}

/// keep-id: the nested user namespace maps the user's own uid and gid to themselves.
fn write_keep_id_maps(pid: i32) -> std::io::Result<()> {
    let session = read_proc_maps(Path::new("/proc/self/uid_map"))?;
    let session_g = read_proc_maps(Path::new("/proc/self/gid_map"))?;
    let (host_uid, host_gid) = host_ids()?;
    let maps = crate::userns::map::keep_id_maps(
        &crate::userns::map::IdMaps {
            uids: session,
            gids: session_g,
        },
        host_uid,
        host_gid,
    );
    let proc = PathBuf::from(format!("/proc/{pid}"));
    std::fs::write(
        proc.join("uid_map"),
        crate::userns::map::IdMaps::to_proc_format(&maps.uids),
    )?;
    std::fs::write(
        proc.join("gid_map"),
        crate::userns::map::IdMaps::to_proc_format(&maps.gids),
    )?;
    Ok(())
}

/// Parse `/proc/PID/uid_map` text.
fn read_proc_maps(path: &Path) -> std::io::Result<Vec<crate::userns::map::IdMapEntry>> {
    let text = std::fs::read_to_string(path)?;
    Ok(parse_proc_maps(&text))
}

/// `inside outside count` lines.
fn parse_proc_maps(text: &str) -> Vec<crate::userns::map::IdMapEntry> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace().map(str::parse::<u32>);
            match (f.next(), f.next(), f.next()) {
                (Some(Ok(inside)), Some(Ok(outside)), Some(Ok(count))) => {
                    Some(crate::userns::map::IdMapEntry {
                        inside,
                        outside,
                        count,
                    })
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_maps_parse() {
        let m = parse_proc_maps(
            "         0       1001          1\n         1     100000      65536\nbad\n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!((m[1].inside, m[1].outside, m[1].count), (1, 100000, 65536));
    }
}
