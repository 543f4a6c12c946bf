//! The session re-exec (DESIGN.md section 2). P0, the host process, spawns S — this same
//! binary, with the same arguments, an environment marker and one inherited SOCK_SEQPACKET
//! socket. S's first act is `unshare(USER|NS)`; it asks P0 for its id maps, which only P0
//! writes, with newgidmap and newuidmap. S then runs the command as uid 0 of the session,
//! while P0 forwards signals to it and passes its exit status on.

use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::process::Command;

use nix::sched::CloneFlags;
use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, HintContext, Result};
use crate::sys::channel::Channel;

/// The environment marker of a re-executed session.
const STAGE_ENV: &str = "BERTH_STAGE";

/// Which process this is.
#[derive(Debug)]
pub enum Stage {
    /// P0, the host process, running as the real user.
    Host,
    /// S, inside the session user namespace as uid 0.
    Session(SessionLink),
}

/// S's link to P0.
#[derive(Debug)]
pub struct SessionLink {
    chan: Channel,
}

impl SessionLink {
    /// Tell P0 that a detached container is running: P0 exits 0 and leaves this session
    /// behind as the container's monitor.
    pub fn detached(&self) -> std::io::Result<()> {
        self.chan.send(&ToHost::Detached)
    }

    /// Tell P0 the command's exit status before this session finishes its clean-up.
    pub fn exited(&self, code: i32) -> std::io::Result<()> {
        self.chan.send(&ToHost::Exited(code))
    }
}

/// S to P0.
#[derive(Debug, Serialize, Deserialize)]
enum ToHost {
    /// The user namespace exists: write its maps.
    Unshared,
    /// S joined a running container's user namespace (`--network container:`), whose maps
    /// are written already.
    Joined,
    /// The session stays behind as a detached container's monitor.
    Detached,
    /// The command is done with this status; the session only cleans up after it.
    Exited(i32),
}

/// P0 to S.
#[derive(Debug, Serialize, Deserialize)]
enum ToSession {
    /// The maps are written.
    Mapped,
}

/// The signals berth forwards to what it supervises (P0 to S, S to the container, exec to
/// its process), and SIGCHLD: what a supervising process reads from its signalfd.
pub const FORWARDED_AND_CHLD: [Signal; 9] = [
    Signal::SIGTERM,
    Signal::SIGINT,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGWINCH,
    Signal::SIGCONT,
    Signal::SIGCHLD,
];

/// Stage dispatch: the first call in `main`, while the process is single-threaded.
pub fn dispatch() -> Stage {
    crate::sys::process::default_sigpipe();
    match std::env::var_os(STAGE_ENV) {
        Some(v) if v == "session" => match enter_session() {
            Ok(link) => Stage::Session(link),
            Err(err) => crate::sys::process::exit_now(err.report()),
        },
        _ => {
            // Every process of this invocation uses the runtime directory P0 resolves.
            crate::config::runtime::pin_for_children();
            Stage::Host
        }
    }
}

/// The environment marker of a re-executed session that joins a running container's user
/// namespace (its init's pid).
const JOIN_ENV: &str = "BERTH_JOIN_USERNS";

/// What P0 asks of a session: the command line it runs, and whose user namespace it is in.
/// Computed in P0 by `commands::execute` (or a command's host half) and handed to
/// [`run_in_session`]; a re-executed session gets it from its arguments and environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    /// berth's arguments, without the program name.
    pub args: Vec<std::ffi::OsString>,
    /// Join the user namespace of this process (a running container's init, or the holder
    /// of the user networks) instead of creating one: its maps are the session's already,
    /// and that namespace owns the network namespace the container joins.
    pub join_userns_of: Option<i32>,
}

impl SessionRequest {
    /// A session of its own that runs `args`.
    pub fn new(args: Vec<std::ffi::OsString>) -> Self {
        SessionRequest {
            args,
            join_userns_of: None,
        }
    }

    /// A session of its own that runs this process's own command line.
    pub fn same_command_line() -> Self {
        Self::new(std::env::args_os().skip(1).collect())
    }

    /// The same request, in the user namespace of `pid` when there is one.
    #[must_use]
    pub fn joining(self, pid: Option<i32>) -> Self {
        SessionRequest {
            join_userns_of: pid,
            ..self
        }
    }
}

/// P0's way to run a session, for code below `commands` that starts one (the holder of the
/// user networks): `commands::launch`.
pub type Launch = fn(&SessionRequest) -> Result<()>;

/// S: create the user and mount namespaces, wait for the maps, become uid 0.
fn enter_session() -> Result<SessionLink> {
    std::env::remove_var(STAGE_ENV);
    let join = std::env::var(JOIN_ENV).ok().and_then(|p| p.parse().ok());
    std::env::remove_var(JOIN_ENV);
    let fd = crate::sys::inherit::take_sync_fd()
        .ok_or_else(|| Error::msg("start the session: no sync socket was inherited"))?;
    enter_session_on(Channel::from_fd(fd), join)
}

/// S, joining: enter the user namespace of `pid` (the same id maps as every session, so
/// ownership on disk stays the same), then a mount namespace of our own.
fn join_session(chan: &Channel, pid: i32) -> Result<()> {
    let userns = std::fs::File::open(format!("/proc/{pid}/ns/user"))
        .with_context(|| format!("open the user namespace of process {pid}"))?;
    nix::sched::setns(&userns, CloneFlags::CLONE_NEWUSER)
        .map_err(std::io::Error::from)
        .with_context(|| format!("join the user namespace of process {pid}"))?;
    nix::sched::unshare(CloneFlags::CLONE_NEWNS)
        .map_err(std::io::Error::from)
        .context("create the session's mount namespace")?;
    chan.send(&ToHost::Joined)
        .context("tell berth the user namespace is joined")?;
    Ok(())
}

/// S, after the fork or re-exec: unshare, wait for the maps, become root in the session.
fn enter_session_on(chan: Channel, join: Option<i32>) -> Result<SessionLink> {
    debug_assert_eq!(crate::sys::process::thread_count(), 1);
    crate::sys::process::set_name("berth:[session]");
    // Our own session: terminal signals reach only P0, which forwards each exactly once.
    let _ = nix::unistd::setsid();
    if let Some(pid) = join {
        join_session(&chan, pid)?;
        return finish_session(chan);
    }
    nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS).map_err(|e| {
        let err = Err::<(), _>(std::io::Error::from(e))
            .context("create the user namespace")
            .unwrap_err();
        match super::newidmap::userns_disabled_hint() {
            Some(hint) => err.hint(hint),
            None => err,
        }
    })?;
    chan.send(&ToHost::Unshared)
        .context("tell berth the user namespace exists")?;
    match chan.recv::<ToSession>() {
        Ok(Some(ToSession::Mapped)) => {}
        // P0 failed to write the maps and says why itself.
        _ => crate::sys::process::exit_now(crate::error::EXIT_BERTH),
    }
    finish_session(chan)
}

/// S, in its user namespace: become uid 0 and make `/` private.
fn finish_session(chan: Channel) -> Result<SessionLink> {
    crate::sys::process::set_ids(0, 0, &[]).context("become root in the user namespace")?;
    nix::mount::mount(
        None::<&str>,
        "/",
        None::<&str>,
        nix::mount::MsFlags::MS_REC | nix::mount::MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(std::io::Error::from)
    .context("make `/` private in the session")?;
    Ok(SessionLink { chan })
}

/// The session's id maps for the current user, with the warning podman users would want
/// when there is no subordinate range.
pub fn host_maps() -> Result<super::map::IdMaps> {
    let user = super::subid::current_user().context("look up the current user")?;
    let subuids = super::subid::lookup(std::path::Path::new("/etc/subuid"), &user.name, user.uid)
        .context("read `/etc/subuid`")?;
    let subgids = super::subid::lookup(std::path::Path::new("/etc/subgid"), &user.name, user.uid)
        .context("read `/etc/subgid`")?;
    let maps = super::map::session_maps(user.uid, user.gid, &subuids, &subgids);
    if maps.is_single() {
        crate::config::global::warn(format_args!(
            "no subordinate ids for `{0}` in /etc/subuid and /etc/subgid, so only uid {1} is mapped (hint: sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {0})",
            user.name, user.uid
        ));
    }
    Ok(maps)
}

/// P0: run a session as `request` says, and return its exit status as ours. Forked, the
/// session calls `session_main` with the request's arguments and returns what it returns
/// as its exit status; re-executed (this process has threads), it runs `main` instead.
pub fn run_in_session<F>(request: &SessionRequest, session_main: F) -> Result<()>
where
    F: FnOnce(Vec<std::ffi::OsString>, Stage) -> i32,
{
    let join = request.join_userns_of;
    let args = request.args.clone();
    let maps = host_maps()?;

    // The forwarded signals and SIGCHLD, blocked before the child exists so none is lost.
    let sfd = crate::sys::process::block_signals(&FORWARDED_AND_CHLD).context("block signals")?;

    let (host_end, session_end) = Channel::pair().context("create the sync socket")?;
    let mut child = if crate::sys::process::thread_count() == 1 {
        // Fork: the child is a copy of this single-threaded process, so it can unshare at
        // once, and it saves an exec and a second start of the binary (a tenth of a
        // container start). It runs the same command line as S, with P0's parse of it.
        match crate::sys::process::clone3(0).context("start the session process")? {
            crate::sys::process::Forked::Child => {
                drop(host_end);
                drop(sfd);
                let _ = nix::sys::signal::sigprocmask(
                    SigmaskHow::SIG_SETMASK,
                    Some(&SigSet::empty()),
                    None,
                );
                let code = match enter_session_on(session_end, join) {
                    Ok(link) => session_main(args, Stage::Session(link)),
                    Err(err) => err.report(),
                };
                use std::io::Write as _;
                let _ = std::io::stdout().flush();
                crate::sys::process::exit_now(code)
            }
            crate::sys::process::Forked::Parent { pid, pidfd } => {
                drop(session_end);
                SessionChild::Forked { pid, pidfd }
            }
        }
    } else {
        // A process with threads (a pull's downloads) must not fork: exec afresh.
        let mut cmd = Command::new("/proc/self/exe");
        cmd.args(args).env(STAGE_ENV, "session");
        if let Some(pid) = join {
            cmd.env(JOIN_ENV, pid.to_string());
        }
        cmd.arg0(std::env::args_os().next().unwrap_or_else(|| "berth".into()));
        SessionChild::Spawned(
            crate::sys::inherit::spawn_with_fd(&mut cmd, &session_end.into_fd())
                .context("start the session process")?,
        )
    };
    let pid = child.pid();

    match host_end.recv::<ToHost>() {
        Ok(Some(ToHost::Unshared)) => {
            if let Err(e) = super::newidmap::write_maps(pid, &maps) {
                child.kill();
                return Err(e).hinted_context("write the session's id maps");
            }
            host_end
                .send(&ToSession::Mapped)
                .context("tell the session its maps are written")?;
        }
        // Joined a running container's namespace: its maps are written.
        Ok(Some(ToHost::Joined)) => {}
        // The session failed before unsharing and said why on stderr.
        Ok(Some(ToHost::Detached | ToHost::Exited(_)) | None) | Err(_) => {}
    }

    // Wait for the session to exit, or to say it stays behind as a monitor; forward
    // signals meanwhile.
    let mut link_open = true;
    loop {
        if let Some(status) = child.try_wait().context("wait for the session")? {
            return exit_result(status);
        }
        let mut fds = vec![nix::poll::PollFd::new(
            sfd.as_fd(),
            nix::poll::PollFlags::POLLIN,
        )];
        if link_open {
            fds.push(nix::poll::PollFd::new(
                host_end.as_fd(),
                nix::poll::PollFlags::POLLIN,
            ));
        }
        match nix::poll::poll(&mut fds, nix::poll::PollTimeout::NONE) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(std::io::Error::from(e)).context("poll"),
        }
        let link_ready = fds
            .get(1)
            .and_then(|f| f.revents())
            .is_some_and(|r| !r.is_empty());
        drop(fds);
        if link_ready {
            match host_end.recv::<ToHost>() {
                Ok(Some(ToHost::Detached | ToHost::Exited(0))) => return Ok(()),
                Ok(Some(ToHost::Exited(code))) => return Err(Error::Exit(code)),
                Ok(Some(ToHost::Unshared | ToHost::Joined)) => {}
                Ok(None) | Err(_) => link_open = false,
            }
        }
        while let Ok(Some(info)) = sfd.read_signal() {
            let signo = i32::try_from(info.ssi_signo).unwrap_or(0);
            if signo != libc::SIGCHLD {
                if let Ok(sig) = Signal::try_from(signo) {
                    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig);
                }
            }
        }
    }
}

/// The session process, forked or re-executed.
enum SessionChild {
    Forked {
        pid: i32,
        pidfd: std::os::fd::OwnedFd,
    },
    Spawned(std::process::Child),
}

impl SessionChild {
    fn pid(&self) -> i32 {
        match self {
            SessionChild::Forked { pid, .. } => *pid,
            SessionChild::Spawned(c) => i32::try_from(c.id()).unwrap_or(-1),
        }
    }

    /// The status if the session has exited (exit code, or signal).
    fn try_wait(&mut self) -> std::io::Result<Option<(Option<i32>, Option<i32>)>> {
        use std::os::unix::process::ExitStatusExt;
        match self {
            SessionChild::Spawned(c) => Ok(c.try_wait()?.map(|s| (s.code(), s.signal()))),
            SessionChild::Forked { pidfd, .. } => {
                let mut fds = [nix::poll::PollFd::new(
                    pidfd.as_fd(),
                    nix::poll::PollFlags::POLLIN,
                )];
                if nix::poll::poll(&mut fds, nix::poll::PollTimeout::ZERO).unwrap_or(0) == 0 {
                    return Ok(None);
                }
                Ok(Some(match crate::sys::process::wait_pidfd(pidfd)? {
                    nix::sys::wait::WaitStatus::Exited(_, code) => (Some(code), None),
                    nix::sys::wait::WaitStatus::Signaled(_, sig, _) => (None, Some(sig as i32)),
                    _ => (None, None),
                }))
            }
        }
    }

    fn kill(&mut self) {
        match self {
            SessionChild::Spawned(c) => {
                let _ = c.kill();
                let _ = c.wait();
            }
            SessionChild::Forked { pidfd, .. } => {
                let _ = crate::sys::process::pidfd_kill(pidfd, libc::SIGKILL);
                let _ = crate::sys::process::wait_pidfd(pidfd);
            }
        }
    }
}

fn exit_result(status: (Option<i32>, Option<i32>)) -> Result<()> {
    match status {
        // Whoever read our output went away (`berth export c | head`): quietly, as any
        // Unix filter.
        (None, Some(libc::SIGPIPE)) => Err(Error::Exit(128 + libc::SIGPIPE)),
        (Some(0), _) => Ok(()),
        (Some(code), _) => Err(Error::Exit(code)),
        (None, Some(sig)) => Err(Error::msg(format!(
            "the session process was killed by signal {sig}"
        ))),
        (None, None) => Err(Error::msg("the session process ended without a status")),
    }
}

impl crate::error::Hint for super::subid::UsernsError {
    fn hint(&self) -> Option<String> {
        super::subid::UsernsError::hint(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_joins_only_when_told() {
        let own = SessionRequest::new(vec!["__netns-holder".into()]);
        assert_eq!(own.join_userns_of, None);
        let joined = own.clone().joining(Some(42));
        assert_eq!(joined.join_userns_of, Some(42));
        assert_eq!(joined.args, own.args);
        assert_eq!(joined.joining(None), own);
    }
}
