//! C, the container init: the numbered steps of DESIGN.md section 2, run in the child that
//! `clone3` made with new PID, mount, UTS, IPC and network namespaces. It reports a failure
//! as structured data over the sync socket and `_exit`s; on success it ends in `execve`.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use caps::CapSet;
use nix::mount::{MntFlags, MsFlags};

use super::plan::{Mount, MountFlags, MountKind, Plan, DEVICES, DEV_SYMLINKS};
use super::sync::{FromInit, InitFailure, Step, ToInit};
use crate::sys::channel::Channel;
use crate::sys::mount::{self as m, Kind};

/// What C needs besides the plan.
pub struct InitContext<'a> {
    pub plan: &'a Plan,
    pub rootfs: &'a Path,
    pub chan: Channel,
    pub seccomp: Option<&'a crate::seccomp::SeccompProgram>,
    pub supported_caps: &'a caps::CapsHashSet,
    /// The user's terminal size, applied to the pty before the command starts (so that a
    /// quick `stty size` never sees 0x0).
    pub winsize: Option<crate::sys::tty::WinSize>,
    /// Pipes to the monitor of a detached (or logged) container; `None` passes the session's
    /// own stdio through.
    pub stdio: Option<Stdio>,
    /// A network namespace made ahead of the clone (with pasta already starting in it),
    /// joined first; otherwise C was cloned into a new one, or shares S's.
    pub netns: Option<std::os::fd::BorrowedFd<'a>>,
    /// `--init`: the session's sealed copy of berth, which PID 1 re-executes as the reaper.
    pub init_copy: Option<std::os::fd::BorrowedFd<'a>>,
}

/// A container's standard streams when its monitor handles them.
pub struct Stdio {
    /// `-d -i`: the read end of a pipe the monitor feeds from `attach`.
    pub stdin: Option<OwnedFd>,
    pub stdout: OwnedFd,
    pub stderr: OwnedFd,
}

/// The result of an init step.
pub type StepResult<T = ()> = Result<T, InitFailure>;

fn fail(step: Step, what: impl Into<String>, err: &io::Error) -> InitFailure {
    InitFailure {
        step,
        what: what.into(),
        errno: err.raw_os_error(),
    }
}

fn nix_fail(step: Step, what: impl Into<String>, err: nix::errno::Errno) -> InitFailure {
    InitFailure {
        step,
        what: what.into(),
        errno: Some(err as i32),
    }
}

/// C's main: never returns.
pub fn container_main(ctx: InitContext<'_>) -> ! {
    crate::sys::process::set_name("berth:[init]");
    let err = match run_steps(&ctx) {
        Ok(never) => match never {},
        Err(e) => e,
    };
    let code = err.exit_code();
    let _ = ctx.chan.send(&FromInit::Failed(err));
    crate::sys::process::exit_now(code)
}

/// A step sequence that only returns on failure.
pub enum Never {}

fn run_steps(ctx: &InitContext<'_>) -> StepResult<Never> {
    let plan = ctx.plan;

    // 1. Death signal first, so C never outlives S; then wait for Go (S writes keep-id maps
    //    and records the container before it sends Go).
    crate::sys::process::set_parent_death_signal(nix::sys::signal::Signal::SIGKILL)
        .map_err(|e| fail(Step::WaitForGo, "set the parent death signal", &e))?;
    if let Some(netns) = ctx.netns {
        nix::sched::setns(netns, nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| fail(Step::WaitForGo, "join the network namespace", &e.into()))?;
    }
    match ctx.chan.recv::<ToInit>() {
        Ok(Some(ToInit::Go)) => {}
        Ok(Some(ToInit::NetReady)) => {
            return Err(fail(
                Step::WaitForGo,
                "read from the session",
                &std::io::Error::from(std::io::ErrorKind::InvalidData),
            ))
        }
        Ok(None) => crate::sys::process::exit_now(crate::error::EXIT_BERTH),
        Err(e) => return Err(fail(Step::WaitForGo, "read from the session", &e)),
    }
    if plan.keep_id {
        // In the nested namespace we start as the user's own id; act as its root, so that
        // what the init creates (tmpfs, mount points) belongs to root as usual.
        crate::sys::process::set_ids(0, 0, &[])
            .map_err(|e| fail(Step::WaitForGo, "become root in the keep-id namespace", &e))?;
        // The id change cleared the parent-death signal (step 1); set it again.
        crate::sys::process::set_parent_death_signal(nix::sys::signal::Signal::SIGKILL)
            .map_err(|e| fail(Step::WaitForGo, "set the parent death signal", &e))?;
    }

    // 1b. --init: fork. This process stays PID 1 and becomes berth's reaper, re-executed
    //     from a sealed copy of berth (reaper.rs); the child goes on with the steps and
    //     becomes the command.
    let reaper = match (plan.process.init, ctx.init_copy) {
        (false, _) => None,
        (true, Some(copy)) => Some(super::reaper::split(&ctx.chan, ctx.supported_caps, copy)?),
        (true, None) => {
            return Err(InitFailure {
                step: Step::Init,
                what: "--init without berth's sealed copy".into(),
                errno: None,
            })
        }
    };

    // 2. Our mounts must not propagate back to the session; the rootfs must be a mount
    //    point of its own for pivot_root.
    nix::mount::mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_SLAVE,
        None::<&str>,
    )
    .map_err(|e| nix_fail(Step::BindRootfs, "make `/` a slave mount", e))?;
    nix::mount::mount(
        Some(ctx.rootfs),
        ctx.rootfs,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|e| {
        nix_fail(
            Step::BindRootfs,
            format!("bind `{}`", ctx.rootfs.display()),
            e,
        )
    })?;
    let root = m::open_root(ctx.rootfs).map_err(|e| {
        fail(
            Step::BindRootfs,
            format!("open `{}`", ctx.rootfs.display()),
            &e,
        )
    })?;

    // The image's own /etc gets podman's mtab link, before any volume or bind is mounted
    // over /etc (a user's volume must not get it).
    etc_mtab(&root)?;

    // 3. Mounts, each target resolved inside the rootfs.
    let mut deferred_readonly: Vec<String> = Vec::new();
    for mount in &plan.mounts {
        do_mount(&root, mount, plan.new_net)?;
        if mount.readonly && !mount_is_born_readonly(mount) {
            deferred_readonly.push(mount.target.clone());
        }
    }

    // 4. Device nodes from the host (mknod is impossible in a user namespace) and links.
    for name in DEVICES {
        let target = format!("/dev/{name}");
        let fd = m::ensure_in_root(&root, Path::new(&target), Kind::File)
            .map_err(|e| fail(Step::Devices, format!("create `{target}`"), &e))?;
        m::mount_at(Some(Path::new(&target)), &fd, None, MsFlags::MS_BIND, None)
            .map_err(|e| fail(Step::Devices, format!("bind `{target}`"), &e))?;
    }
    let dev = m::open_in_root(&root, Path::new("/dev"))
        .map_err(|e| fail(Step::Devices, "open `/dev`", &e))?;
    for (link, target) in DEV_SYMLINKS {
        let name = link.trim_start_matches("/dev/");
        match nix::unistd::symlinkat(target, Some(dev.as_raw_fd()), name) {
            Ok(()) | Err(nix::errno::Errno::EEXIST) => {}
            Err(e) => return Err(nix_fail(Step::Devices, format!("symlink `{link}`"), e)),
        }
    }
    drop(dev);
    drop(root);

    // 5. pivot_root into the rootfs and detach the old root. With --init, first wait until
    //    PID 1 runs its sealed copy of berth: it loads berth's libraries from the host's
    //    root, and pivot_root moves its root into the container.
    if let Some(reaper) = reaper {
        reaper.wait_running()?;
    }
    nix::unistd::chdir(ctx.rootfs).map_err(|e| {
        nix_fail(
            Step::PivotRoot,
            format!("chdir `{}`", ctx.rootfs.display()),
            e,
        )
    })?;
    nix::unistd::pivot_root(".", ".").map_err(|e| nix_fail(Step::PivotRoot, "pivot_root", e))?;
    nix::mount::umount2(".", MntFlags::MNT_DETACH)
        .map_err(|e| nix_fail(Step::PivotRoot, "detach the old root", e))?;
    nix::unistd::chdir("/").map_err(|e| nix_fail(Step::PivotRoot, "chdir `/`", e))?;

    // 6. Namespaced kernel parameters (while /proc/sys is still writable), then masked
    //    paths and read-only paths.
    for (key, value) in &plan.sysctls {
        let path = PathBuf::from("/proc/sys").join(key.replace('.', "/"));
        std::fs::write(&path, value).map_err(|e| {
            fail(
                Step::MaskPaths,
                format!("set sysctl `{key}` (`{}`)", path.display()),
                &e,
            )
        })?;
    }
    for path in &plan.masked {
        mask(path)?;
    }
    for path in &plan.readonly_paths {
        let p = Path::new(path);
        if !p.exists() {
            continue;
        }
        nix::mount::mount(
            Some(p),
            p,
            None::<&str>,
            MsFlags::MS_BIND | MsFlags::MS_REC,
            None::<&str>,
        )
        .map_err(|e| nix_fail(Step::MaskPaths, format!("bind `{path}`"), e))?;
        m::remount_readonly(p, true)
            .map_err(|e| fail(Step::MaskPaths, format!("remount `{path}` read-only"), &e))?;
    }

    // 7. Restricting remounts (`-v …:noexec`), then deferred read-only remounts, each
    //    keeping the flags the kernel locked.
    for (target, flags) in &plan.restricted {
        m::remount_restricted(Path::new(target), flags_of(*flags)).map_err(|e| {
            fail(
                Step::ReadonlyRemount,
                format!("remount `{target}` with nosuid, nodev or noexec"),
                &e,
            )
        })?;
    }
    if plan.readonly_rootfs {
        m::remount_readonly(Path::new("/"), false)
            .map_err(|e| fail(Step::ReadonlyRemount, "remount `/` read-only", &e))?;
    }
    for target in &deferred_readonly {
        m::remount_readonly(Path::new(target), true).map_err(|e| {
            fail(
                Step::ReadonlyRemount,
                format!("remount `{target}` read-only"),
                &e,
            )
        })?;
    }

    // 8. Hostname (in a UTS namespace of our own), and loopback up in our own network
    //    namespace.
    if plan.uts == crate::spec::UtsMode::Private {
        nix::unistd::sethostname(&plan.hostname).map_err(|e| {
            nix_fail(
                Step::Hostname,
                format!("set hostname `{}`", plan.hostname),
                e,
            )
        })?;
    }
    if plan.new_net {
        crate::sys::net::loopback_up().map_err(|e| fail(Step::Hostname, "bring up `lo`", &e))?;
    }

    // 9. The terminal, or stdio.
    setup_stdio(ctx)?;

    // 9b. The network helper started while we mounted; the command starts with the
    //     network up.
    match ctx.chan.recv::<ToInit>() {
        Ok(Some(ToInit::NetReady)) => {}
        Ok(None) => crate::sys::process::exit_now(crate::error::EXIT_BERTH),
        Ok(Some(ToInit::Go)) => {
            return Err(fail(
                Step::WaitForNetwork,
                "read from the session",
                &std::io::Error::from(std::io::ErrorKind::InvalidData),
            ))
        }
        Err(e) => return Err(fail(Step::WaitForNetwork, "read from the session", &e)),
    }

    become_process(&plan.process, ctx.seccomp, ctx.supported_caps)
}

/// podman's /etc/mtab: a link to /proc/mounts when the image has none (and has a writable
/// /etc directory; a read-only one, such as a user's bind, keeps what it has).
fn etc_mtab(root: &OwnedFd) -> StepResult {
    use nix::errno::Errno;
    let Ok(etc) = m::open_in_root(root, Path::new("/etc")) else {
        return Ok(());
    };
    match nix::unistd::symlinkat("/proc/mounts", Some(etc.as_raw_fd()), "mtab") {
        Ok(()) | Err(Errno::EEXIST | Errno::EROFS | Errno::ENOTDIR) => Ok(()),
        Err(e) => Err(nix_fail(Step::Devices, "symlink `/etc/mtab`", e)),
    }
}

/// Steps 10 to 15: resolve the user, change directory, set ids, capabilities, no_new_privs
/// and seccomp, and exec the process. The container init runs them after its mounts; `exec`
/// runs them after joining a running container's namespaces.
pub fn become_process(
    process: &super::plan::Process,
    seccomp: Option<&crate::seccomp::SeccompProgram>,
    supported_caps: &caps::CapsHashSet,
) -> StepResult<Never> {
    // 10. The user, from the container's own /etc/passwd and /etc/group.
    // (After pivot_root, or setns for exec, `/` is the container's root.)
    let db = super::user::UserDb::read(Path::new("/")).map_err(|e| {
        let errno = match &e {
            crate::sys::fs::RootFileError::Io { source, .. } => source.raw_os_error(),
            _ => None,
        };
        InitFailure {
            step: Step::ResolveUser,
            what: e.to_string(),
            errno,
        }
    })?;
    let (passwd, group) = (db.passwd, db.group);
    let mut user = super::user::resolve(process.user.as_ref(), passwd.as_deref(), group.as_deref())
        .map_err(|e| InitFailure {
            step: Step::ResolveUser,
            what: e.to_string(),
            errno: None,
        })?;
    for extra in &process.extra_groups {
        let gid = super::user::group_id(extra, group.as_deref()).map_err(|e| InitFailure {
            step: Step::ResolveUser,
            what: e.to_string(),
            errno: None,
        })?;
        if gid != user.gid && !user.groups.contains(&gid) {
            user.groups.push(gid);
        }
    }
    for (name, soft, hard) in &process.rlimits {
        set_rlimit(name, *soft, *hard)?;
    }

    // 11. The working directory (created when missing, as podman does).
    let cwd = Path::new(&process.cwd);
    if let Err(e) = std::env::set_current_dir(cwd) {
        if e.kind() != io::ErrorKind::NotFound {
            return Err(fail(Step::Chdir, format!("chdir `{}`", cwd.display()), &e));
        }
        if !process.create_cwd {
            let what = format!("workdir \"{}\" does not exist on container", cwd.display());
            return Err(fail(Step::Chdir, what, &e));
        }
        std::fs::create_dir_all(cwd)
            .and_then(|()| std::env::set_current_dir(cwd))
            .map_err(|e| fail(Step::Chdir, format!("create `{}`", cwd.display()), &e))?;
    }

    // 12. Nothing but stdio crosses into the container.
    crate::sys::process::cloexec_from(3).map_err(|e| fail(Step::CloseFds, "close_range", &e))?;

    // 13. Bounding set (needs CAP_SETPCAP, so before the id change), then groups and ids,
    //     keeping the permitted set across the change away from uid 0.
    let caps_plan = &process.caps;
    for cap in supported_caps {
        if !caps_plan.bounding.contains(cap) {
            caps::drop(None, CapSet::Bounding, *cap).map_err(|e| InitFailure {
                step: Step::Capabilities,
                what: format!("drop `{cap}` from the bounding set: {e}"),
                errno: None,
            })?;
        }
    }
    crate::sys::process::set_keep_caps(true)
        .map_err(|e| fail(Step::SetIds, "set keep-caps", &e))?;
    // The kernel clears the parent-death signal when the effective ids change (keep-id, -u):
    // set it again, or a container would outlive a killed monitor.
    let death_signal = crate::sys::process::parent_death_signal()
        .map_err(|e| fail(Step::SetIds, "read the parent death signal", &e))?;
    crate::sys::process::set_ids(user.uid, user.gid, &user.groups).map_err(|e| {
        fail(
            Step::SetIds,
            format!("set uid {} gid {}", user.uid, user.gid),
            &e,
        )
    })?;
    if let Some(sig) = death_signal {
        crate::sys::process::set_parent_death_signal(sig)
            .map_err(|e| fail(Step::SetIds, "set the parent death signal", &e))?;
    }
    // The id change cleared the effective set; take it back for the seccomp load.
    let permitted = caps::read(None, CapSet::Permitted).map_err(cap_err)?;
    caps::set(None, CapSet::Effective, &permitted).map_err(cap_err)?;

    // 15a. no_new_privs when asked, then the seccomp filter: without no_new_privs loading a
    //      filter needs CAP_SYS_ADMIN, which we still hold here and drop in 14.
    if process.no_new_privs {
        crate::sys::process::set_no_new_privs()
            .map_err(|e| fail(Step::NoNewPrivs, "prctl(PR_SET_NO_NEW_PRIVS)", &e))?;
    }
    if let Some(program) = seccomp {
        crate::sys::seccomp::install(program.instructions())
            .map_err(|e| fail(Step::Seccomp, "seccomp(SECCOMP_SET_MODE_FILTER)", &e))?;
    }

    // 14. The final capability sets: uid 0 keeps the bounding set; other users get only
    //     what --cap-add named, raised as ambient so that it survives execve.
    let final_set: caps::CapsHashSet = if user.uid == 0 {
        caps_plan.bounding.iter().copied().collect()
    } else {
        caps_plan.added.iter().copied().collect()
    };
    // podman leaves the inheritable set empty for root; ambient capabilities need theirs.
    let inheritable = if user.uid == 0 {
        caps::CapsHashSet::new()
    } else {
        final_set.clone()
    };
    caps::set(None, CapSet::Inheritable, &inheritable).map_err(cap_err)?;
    for set in [CapSet::Effective, CapSet::Permitted] {
        caps::set(None, set, &final_set).map_err(cap_err)?;
    }
    if user.uid != 0 {
        for cap in &final_set {
            caps::raise(None, CapSet::Ambient, *cap).map_err(cap_err)?;
        }
    }
    crate::sys::process::set_keep_caps(false)
        .map_err(|e| fail(Step::SetIds, "clear keep-caps", &e))?;

    // 15b. A pod's infra: no command to exec; berth's pause holds the namespaces.
    if process.pause {
        pause();
    }

    // 15c. execve (with --init, as the child of berth's reaper: step 1b).
    let mut env: Vec<(String, String)> = process.env.clone();
    if !env.iter().any(|(k, _)| k == "HOME") {
        env.push((
            "HOME".into(),
            user.home.clone().unwrap_or_else(|| "/".into()),
        ));
    }
    let path_var = env
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let program = &process.args[0];
    let exe = find_executable(program, &path_var).ok_or_else(|| InitFailure {
        step: Step::Exec,
        what: format!("executable file `{program}` not found in $PATH"),
        errno: Some(libc::ENOENT),
    })?;
    let argv = cstrings(process.args.iter().map(String::as_str), Step::Exec)?;
    let envp = cstrings(
        env.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
        Step::Exec,
    )?;
    let path = CString::new(exe.as_os_str().as_encoded_bytes()).map_err(|_| InitFailure {
        step: Step::Exec,
        what: format!("executable `{program}` contains a NUL byte"),
        errno: None,
    })?;

    crate::sys::process::reset_signals();
    let err = crate::sys::process::execve(&path, &argv, &envp);
    Err(fail(Step::Exec, format!("exec `{program}`"), &err))
}

/// Step 15b for a pod's infra: berth's pause. Close every descriptor but stdio (the sync
/// socket's EOF tells S that the process is in place, as an `execve` would), then wait for
/// a terminating signal and exit 0. The signals are blocked and taken with `sigwait`: a
/// blocked signal reaches PID 1 of a PID namespace even without a handler.
fn pause() -> ! {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal};
    crate::sys::process::set_name("pause");
    let _ = crate::sys::process::close_from(3);
    let mut set = SigSet::empty();
    for sig in [
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGHUP,
        Signal::SIGQUIT,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
    ] {
        set.add(sig);
    }
    let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&set), None);
    loop {
        if set.wait().is_ok() {
            crate::sys::process::exit_now(0);
        }
    }
}

/// `--ulimit`: set one resource limit (names as in podman, validated by the options).
fn set_rlimit(name: &str, soft: u64, hard: u64) -> StepResult {
    use nix::sys::resource::{setrlimit, Resource};
    let resource = match name {
        "core" => Resource::RLIMIT_CORE,
        "cpu" => Resource::RLIMIT_CPU,
        "data" => Resource::RLIMIT_DATA,
        "fsize" => Resource::RLIMIT_FSIZE,
        "locks" => Resource::RLIMIT_LOCKS,
        "memlock" => Resource::RLIMIT_MEMLOCK,
        "msgqueue" => Resource::RLIMIT_MSGQUEUE,
        "nice" => Resource::RLIMIT_NICE,
        "nofile" => Resource::RLIMIT_NOFILE,
        "nproc" => Resource::RLIMIT_NPROC,
        "rss" => Resource::RLIMIT_RSS,
        "rtprio" => Resource::RLIMIT_RTPRIO,
        "rttime" => Resource::RLIMIT_RTTIME,
        "sigpending" => Resource::RLIMIT_SIGPENDING,
        _ => Resource::RLIMIT_STACK,
    };
    setrlimit(resource, soft, hard).map_err(|e| {
        nix_fail(
            Step::SetIds,
            format!("set the `{name}` limit to {soft}:{hard}"),
            e,
        )
    })
}

fn cap_err(e: caps::errors::CapsError) -> InitFailure {
    InitFailure {
        step: Step::Capabilities,
        what: e.to_string(),
        errno: None,
    }
}

fn cstrings<'a>(items: impl Iterator<Item = &'a str>, step: Step) -> StepResult<Vec<CString>> {
    items
        .map(|s| {
            CString::new(s).map_err(|_| InitFailure {
                step,
                what: format!("argument `{}` contains a NUL byte", s.replace('\0', "\\0")),
                errno: None,
            })
        })
        .collect()
}

/// Search PATH (in the container's environment) as execvp would.
fn find_executable(program: &str, path_var: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    let mut fallback = None;
    for dir in path_var.split(':').filter(|d| !d.is_empty()) {
        let candidate = Path::new(dir).join(program);
        if let Ok(meta) = std::fs::metadata(&candidate) {
            use std::os::unix::fs::PermissionsExt;
            if meta.is_file() && meta.permissions().mode() & 0o111 != 0 {
                return Some(candidate);
            }
            // Remember a match that exists but is not executable: exec reports EACCES (126).
            fallback.get_or_insert(candidate);
        }
    }
    fallback
}

fn mount_is_born_readonly(mount: &Mount) -> bool {
    matches!(mount.kind, MountKind::Sysfs | MountKind::Tmpfs { .. })
}

fn flags_of(f: MountFlags) -> MsFlags {
    let mut out = MsFlags::empty();
    if f.nosuid {
        out |= MsFlags::MS_NOSUID;
    }
    if f.nodev {
        out |= MsFlags::MS_NODEV;
    }
    if f.noexec {
        out |= MsFlags::MS_NOEXEC;
    }
    out
}

fn do_mount(root: &OwnedFd, mount: &Mount, new_net: bool) -> StepResult {
    let target = Path::new(&mount.target);
    let kind = if mount.file { Kind::File } else { Kind::Dir };
    let fd = m::ensure_in_root(root, target, kind).map_err(|e| {
        fail(
            Step::Mount,
            format!("create mount point `{}`", mount.target),
            &e,
        )
    })?;
    let nsd = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    let (source, fstype, flags, data): (PathBuf, Option<&str>, MsFlags, Option<String>) =
        match &mount.kind {
            MountKind::Proc => ("proc".into(), Some("proc"), nsd | MsFlags::MS_NOEXEC, None),
            MountKind::DevTmpfs => (
                "tmpfs".into(),
                Some("tmpfs"),
                MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
                Some("mode=755,size=65536k".into()),
            ),
            MountKind::Devpts => (
                "devpts".into(),
                Some("devpts"),
                MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
                Some("newinstance,ptmxmode=0666,mode=0620,gid=5".into()),
            ),
            MountKind::Mqueue => (
                "mqueue".into(),
                Some("mqueue"),
                nsd | MsFlags::MS_NOEXEC,
                None,
            ),
            MountKind::Sysfs => {
                let ro = if mount.readonly {
                    MsFlags::MS_RDONLY
                } else {
                    MsFlags::empty()
                };
                (
                    "sysfs".into(),
                    Some("sysfs"),
                    nsd | MsFlags::MS_NOEXEC | ro,
                    None,
                )
            }
            MountKind::Tmpfs { data, flags } => {
                let ro = if mount.readonly {
                    MsFlags::MS_RDONLY
                } else {
                    MsFlags::empty()
                };
                (
                    "tmpfs".into(),
                    Some("tmpfs"),
                    flags_of(*flags) | ro,
                    (!data.is_empty()).then(|| data.clone()),
                )
            }
            MountKind::Bind { source } => (
                source.clone(),
                None,
                MsFlags::MS_BIND | MsFlags::MS_REC,
                None,
            ),
        };
    let _ = new_net;
    let result = m::mount_at(Some(&source), &fd, fstype, flags, data.as_deref());
    match (result, &mount.kind) {
        (Ok(()), _) => Ok(()),
        // gid 5 (tty) is not mapped in a single-mapping namespace: mount without it.
        (Err(e), MountKind::Devpts) if e.raw_os_error() == Some(libc::EINVAL) => m::mount_at(
            Some(&source),
            &fd,
            fstype,
            flags,
            Some("newinstance,ptmxmode=0666,mode=0620"),
        )
        .map_err(|e| {
            fail(
                Step::Mount,
                format!("mount `devpts` on `{}`", mount.target),
                &e,
            )
        }),
        (Err(e), _) => Err(fail(
            Step::Mount,
            format!("mount `{}` on `{}`", source.display(), mount.target),
            &e,
        )),
    }
}

/// Hide a path: /dev/null over a file, an empty read-only tmpfs over a directory.
fn mask(path: &str) -> StepResult {
    let p = Path::new(path);
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return Ok(());
    };
    let result = if meta.is_dir() {
        nix::mount::mount(
            Some("tmpfs"),
            p,
            Some("tmpfs"),
            MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
            Some("size=0"),
        )
    } else {
        nix::mount::mount(
            Some("/dev/null"),
            p,
            None::<&str>,
            MsFlags::MS_BIND,
            None::<&str>,
        )
    };
    result.map_err(|e| nix_fail(Step::MaskPaths, format!("mask `{path}`"), e))
}

fn setup_stdio(ctx: &InitContext<'_>) -> StepResult {
    let process = &ctx.plan.process;
    if process.terminal {
        let (master, slave) = crate::sys::tty::open_pty()
            .map_err(|e| fail(Step::Terminal, "open a pty from `/dev/ptmx`", &e))?;
        if let Some(size) = ctx.winsize {
            crate::sys::tty::set_winsize(slave.as_fd(), size)
                .map_err(|e| fail(Step::Terminal, "set the pty's window size", &e))?;
        }
        ctx.chan
            .send_with_fd(&FromInit::Pty, master.as_fd())
            .map_err(|e| fail(Step::Terminal, "send the pty to the session", &e))?;
        drop(master);
        nix::unistd::setsid().map_err(|e| nix_fail(Step::Terminal, "setsid", e))?;
        crate::sys::tty::set_controlling_terminal(slave.as_fd())
            .map_err(|e| fail(Step::Terminal, "make the pty the controlling terminal", &e))?;
        for target in 0..=2 {
            dup_onto(&slave, target)?;
        }
    } else {
        if let Some(stdio) = &ctx.stdio {
            dup_onto(&stdio.stdout, 1)?;
            dup_onto(&stdio.stderr, 2)?;
            if let Some(input) = &stdio.stdin {
                dup_onto(input, 0)?;
            }
        }
        // Without -i there is nothing to read from, as podman has it; a detached container
        // reads only from its monitor's pipe.
        let piped_stdin = ctx.stdio.as_ref().is_some_and(|s| s.stdin.is_some());
        if !piped_stdin && (!process.stdin || ctx.stdio.is_some()) {
            let null = std::fs::File::open("/dev/null")
                .map_err(|e| fail(Step::Terminal, "open `/dev/null`", &e))?;
            dup_onto(&OwnedFd::from(null), 0)?;
        }
    }
    Ok(())
}

fn dup_onto(fd: &OwnedFd, target: i32) -> StepResult {
    nix::unistd::dup2(fd.as_raw_fd(), target)
        .map(|_| ())
        .map_err(|e| nix_fail(Step::Terminal, format!("dup2 onto {target}"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executable_lookup() {
        assert_eq!(find_executable("/x/y", ""), Some(PathBuf::from("/x/y")));
        assert_eq!(
            find_executable("sh", "/nonexistent:/bin"),
            Some(PathBuf::from("/bin/sh"))
        );
        assert_eq!(
            find_executable("no-such-program-xyz", "/bin:/usr/bin"),
            None
        );
    }
}
