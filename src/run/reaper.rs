//! `--init`: berth's own reaping init, run from a sealed copy of berth so that nothing of the
//! host's berth binary is reachable from inside the container.
//!
//! The session copies berth into a sealed memfd while it prepares the container
//! ([`InitCopy`]: a child of the session copies, so the copy overlaps the session's own
//! work, and the session keeps the memfd for restarts). Right after Go (step 1b), C forks.
//! The child carries on with the init steps and becomes the command. C stays PID 1 and,
//! while the host's root is still its root, keeps only CAP_KILL and re-executes itself from
//! the memfd as `berth-init __init-reaper CHILD FD` with an empty environment. The new
//! image maps berth's libraries from the host's root, so the child waits for its "running"
//! report before `pivot_root` (step 5), which then moves PID 1's root and working directory
//! into the container with its own (pivot_root(2) does that for every process of the mount
//! namespace whose root is the old root). `/proc/1/exe` is then the memfd, which is sealed
//! against writes and is no file of the host; the mapped libraries are reachable only
//! through `/proc/1/map_files`, which needs CAP_SYS_ADMIN in the host's user namespace.
//!
//! The reaper forwards every signal to the command, reaps every zombie, and exits with the
//! command's status (128+N for a signal). The blocked signal mask and pending signals
//! survive the `execve`, so nothing sent while it re-executes is lost.

use std::cell::Cell;
use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io::{self, Read as _};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::FileExt as _;

use caps::{CapSet, Capability, CapsHashSet};
use nix::fcntl::{fcntl, FcntlArg, FdFlag};
use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;

use super::sync::{InitFailure, Step};
use crate::sys::channel::Channel;
use crate::sys::process::{clone3, exit_now, Forked};

/// The hidden first argument of the re-executed reaper.
pub const REAPER_ARG: &str = "__init-reaper";
/// The reaper's name: its memfd's, its `argv[0]` and its `comm`.
const NAME: &str = "berth-init";

/// berth's sealed copy for `--init` containers, made by a child of the session (the
/// "copier") while the session records and mounts the container: copying the binary is most
/// of what `--init` costs. The session keeps it open for the container's life, so a restart
/// copies nothing and the pages are freed after the session has reported the exit.
pub struct InitCopy {
    memfd: OwnedFd,
    /// The copier's pidfd, until it is reaped.
    copier: Cell<Option<OwnedFd>>,
}

impl InitCopy {
    /// Make the memfd and start the copier.
    pub fn begin() -> io::Result<InitCopy> {
        let memfd = crate::sys::memfd::create_executable(NAME)?;
        match clone3(0)? {
            Forked::Child => {
                crate::sys::process::set_name("berth:[copy]");
                let _ = crate::sys::process::set_parent_death_signal(Signal::SIGKILL);
                // Whoever reads the session's output waits for no copier.
                crate::sys::process::silence_stdio();
                let code = match copy_self(&memfd).and_then(|()| crate::sys::memfd::seal(&memfd)) {
                    Ok(()) => 0,
                    // The errno as the exit status (0 would read as success).
                    Err(e) => e
                        .raw_os_error()
                        .filter(|n| (1..=255).contains(n))
                        .unwrap_or(255),
                };
                exit_now(code)
            }
            Forked::Parent { pidfd, .. } => Ok(InitCopy {
                memfd,
                copier: Cell::new(Some(pidfd)),
            }),
        }
    }

    /// The finished copy: waits for the copier the first time, and checks the seals every
    /// time (only a finished copy is sealed).
    pub fn sealed(&self) -> io::Result<BorrowedFd<'_>> {
        let mut failed = None;
        if let Some(pidfd) = self.copier.take() {
            // A failed wait leaves the seals to tell.
            if let Ok(WaitStatus::Exited(_, code)) = crate::sys::process::wait_pidfd(&pidfd) {
                failed = (1..255).contains(&code).then_some(code);
            }
        }
        let seals = crate::sys::memfd::seals(&self.memfd)?;
        if seals != crate::sys::memfd::FINAL_SEALS {
            return Err(failed.map_or_else(
                || io::Error::other("the copy was not finished"),
                io::Error::from_raw_os_error,
            ));
        }
        Ok(self.memfd.as_fd())
    }
}

impl Drop for InitCopy {
    fn drop(&mut self) {
        if let Some(pidfd) = self.copier.take() {
            let _ = crate::sys::process::pidfd_kill(&pidfd, libc::SIGKILL);
            let _ = crate::sys::process::wait_pidfd(&pidfd);
        }
    }
}

/// The command's side of the split: the pipe PID 1 reports on.
pub struct Split {
    report: OwnedFd,
}

/// Fork the command's process (step 1b). Returns in the child, which goes on with the init
/// steps; the parent becomes the reaper, run from `copy` (the session's [`InitCopy`]), and
/// never returns.
pub fn split(
    chan: &Channel,
    supported_caps: &CapsHashSet,
    copy: BorrowedFd<'_>,
) -> Result<Split, InitFailure> {
    let fail = |what: &str, errno: Option<i32>| InitFailure {
        step: Step::Init,
        what: what.into(),
        errno,
    };
    // Blocked before the fork, so that no signal for the command is lost: the reaper reads
    // them from a signalfd, and the child unblocks them right before its execve.
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&SigSet::all()), None)
        .map_err(|e| fail("block signals", Some(e as i32)))?;
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| fail("make the init's start pipe", Some(e as i32)))?;
    let forked = clone3(0).map_err(|e| fail("fork the command", e.raw_os_error()))?;
    match forked {
        Forked::Child => {
            drop(write);
            // The command never holds berth's copy (it is close-on-exec as well). The
            // descriptor belongs to the session's memory, which this process never returns
            // to.
            let _ = nix::unistd::close(copy.as_raw_fd());
            // Our parent is PID 1 now: when it goes, so does the whole PID namespace, but
            // say so in the process too.
            crate::sys::process::set_parent_death_signal(Signal::SIGKILL)
                .map_err(|e| fail("set the parent death signal", e.raw_os_error()))?;
            Ok(Split { report: read })
        }
        Forked::Parent { pid, pidfd } => {
            drop((read, pidfd));
            become_reaper(Pid::from_raw(pid), &write, chan, supported_caps, copy)
        }
    }
}

impl Split {
    /// Wait until PID 1 runs its sealed copy of berth (before pivot_root takes the host's
    /// root away from it); its failure, with the step and errno, becomes this one's.
    pub fn wait_running(self) -> Result<(), InitFailure> {
        let mut buf = [0u8; REPORT_LEN];
        let mut file = File::from(self.report);
        let report = match file.read(&mut buf) {
            Ok(n) => Report::decode(&buf[..n]),
            Err(e) => {
                return Err(InitFailure {
                    step: Step::Init,
                    what: "read the init's start report".into(),
                    errno: e.raw_os_error(),
                })
            }
        };
        match report {
            Some(Report::Running) => Ok(()),
            Some(Report::Failed(stage, errno)) => Err(InitFailure {
                step: Step::Init,
                what: stage.what().into(),
                errno,
            }),
            None => Err(InitFailure {
                step: Step::Init,
                what: "the init exited before it started".into(),
                errno: None,
            }),
        }
    }
}

/// PID 1 before its `execve`: report a failure to the child and pass its exit on.
fn become_reaper(
    child: Pid,
    report: &OwnedFd,
    chan: &Channel,
    supported_caps: &CapsHashSet,
    copy: BorrowedFd<'_>,
) -> ! {
    // The session learns that the command started from end of file on this socket; only
    // the child's copy may keep it open, until its execve.
    let _ = nix::unistd::close(chan.as_fd().as_raw_fd());
    crate::sys::process::set_name(NAME);
    // Nothing of the session's stdio (the user's terminal, say) stays in the container.
    crate::sys::process::silence_stdio();
    let (stage, err) = exec_sealed_copy(child, report, supported_caps, copy);
    exit_now(fail_and_wait(report, stage, &err, child))
}

/// Exec berth's sealed copy. Returns only on failure.
fn exec_sealed_copy(
    child: Pid,
    report: &OwnedFd,
    supported_caps: &CapsHashSet,
    copy: BorrowedFd<'_>,
) -> (Stage, io::Error) {
    macro_rules! attempt {
        ($stage:expr, $e:expr) => {
            match $e {
                Ok(v) => v,
                Err(err) => return ($stage, io::Error::from(err)),
            }
        };
    }
    // pivot_root moves our root and directory into the container only while they are the
    // old root.
    attempt!(Stage::Chdir, nix::unistd::chdir("/"));
    attempt!(Stage::Capabilities, keep_only_kill(supported_caps));
    attempt!(Stage::Capabilities, crate::sys::process::set_no_new_privs());
    // Only the report pipe crosses the execve (the memfd is close-on-exec; the command's
    // process closed its copy right after the fork).
    attempt!(Stage::Exec, crate::sys::process::cloexec_from(3));
    attempt!(
        Stage::Exec,
        fcntl(report.as_raw_fd(), FcntlArg::F_SETFD(FdFlag::empty()))
    );
    let argv: Vec<CString> = [
        NAME.to_owned(),
        REAPER_ARG.to_owned(),
        child.as_raw().to_string(),
        report.as_raw_fd().to_string(),
    ]
    .into_iter()
    .filter_map(|a| CString::new(a).ok())
    .collect();
    // An empty environment: the session's (the user's) has no business in the container.
    let err = crate::sys::memfd::exec_fd(copy, &argv, &[]);
    (Stage::Exec, err)
}

/// Copy the running binary (`/proc/self/exe`, the exact file we run, even if its path now
/// names another) into `memfd`: as much of it as exec and the dynamic loader read.
fn copy_self(memfd: &OwnedFd) -> io::Result<()> {
    let exe = File::open("/proc/self/exe")?;
    let len = exe.metadata()?.len();
    let mut head = vec![0u8; 4096];
    let n = exe.read_at(&mut head, 0)?;
    head.truncate(n);
    let want = loaded_extent(&head, len).unwrap_or(len);
    let mut out = File::from(memfd.try_clone()?);
    let copied = io::copy(&mut (&exe).take(want), &mut out)?;
    if copied != want {
        return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
    }
    Ok(())
}

/// Leave the reaper only CAP_KILL (to signal the command whatever its user), from the
/// bounding set down, so that the execve as uid 0 grants nothing more.
fn keep_only_kill(supported: &CapsHashSet) -> io::Result<()> {
    let to_io = |e: caps::errors::CapsError| io::Error::other(e.to_string());
    for cap in supported {
        if *cap != Capability::CAP_KILL {
            caps::drop(None, CapSet::Bounding, *cap).map_err(to_io)?;
        }
    }
    caps::clear(None, CapSet::Ambient).map_err(to_io)?;
    caps::clear(None, CapSet::Inheritable).map_err(to_io)?;
    let kill: CapsHashSet = [Capability::CAP_KILL].into_iter().collect();
    caps::set(None, CapSet::Effective, &kill).map_err(to_io)?;
    caps::set(None, CapSet::Permitted, &kill).map_err(to_io)?;
    Ok(())
}

/// Tell the child which stage failed, then wait for it (it reports to the session and
/// exits; leaving first would kill it with the PID namespace) and return its status.
fn fail_and_wait(report: &OwnedFd, stage: Stage, err: &io::Error, child: Pid) -> i32 {
    let msg = Report::Failed(stage, err.raw_os_error()).encode();
    let _ = nix::unistd::write(report, &msg);
    loop {
        match waitpid(None, None) {
            Ok(status @ (WaitStatus::Exited(pid, _) | WaitStatus::Signaled(pid, _, _)))
                if pid == child =>
            {
                return super::relay::status_code(status);
            }
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return crate::error::EXIT_BERTH,
        }
    }
}

/// The sealed copy's entry point, first thing in `main`: as PID 1 with the command line
/// `berth-init __init-reaper CHILD FD`, supervise and exit. Any other process or command
/// line returns at once (so `berth __init-reaper` typed by a user is an unknown command).
pub fn dispatch() {
    let args: Vec<OsString> = std::env::args_os().take(5).collect();
    if args.get(1).map(OsString::as_os_str) != Some(OsStr::new(REAPER_ARG))
        || std::process::id() != 1
    {
        return;
    }
    let number = |i: usize| {
        args.get(i)
            .and_then(|a| a.to_str())
            .and_then(|a| a.parse::<i32>().ok())
    };
    let (Some(child), Some(report)) = (number(2), number(3).and_then(crate::sys::inherit::take_fd))
    else {
        exit_now(crate::error::EXIT_BERTH)
    };
    exit_now(reap_until_done(Pid::from_raw(child), report))
}

fn reap_until_done(child: Pid, report: OwnedFd) -> i32 {
    crate::sys::process::set_name(NAME);
    let _ = crate::sys::process::set_parent_death_signal(Signal::SIGKILL);
    // The mask survived the execve; block again so that a change there cannot lose a signal.
    let all = SigSet::all();
    let sfd = nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&all), None)
        .and_then(|()| SignalFd::with_flags(&all, SfdFlags::SFD_CLOEXEC));
    let sfd = match sfd {
        Ok(sfd) => sfd,
        Err(e) => return fail_and_wait(&report, Stage::Signals, &io::Error::from(e), child),
    };
    // Running: the child may pivot_root now. (If it already failed and left, the write
    // fails with EPIPE, SIGPIPE being blocked; its exit is reaped below.)
    let _ = nix::unistd::write(&report, &Report::Running.encode());
    drop(report);
    // The command may have ended while we re-executed: its SIGCHLD is pending, but reap
    // once now all the same.
    if let Some(code) = reap(child) {
        return code;
    }
    loop {
        let info = match sfd.read_signal() {
            Ok(Some(info)) => info,
            Ok(None) | Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) => continue,
            Err(_) => return crate::error::EXIT_BERTH,
        };
        let signo = i32::try_from(info.ssi_signo).unwrap_or(0);
        if signo == libc::SIGCHLD {
            if let Some(code) = reap(child) {
                return code;
            }
        } else if let Ok(sig) = Signal::try_from(signo) {
            let _ = nix::sys::signal::kill(child, sig);
        }
    }
}

/// Reap every exited child; the command's status when it was among them.
fn reap(child: Pid) -> Option<i32> {
    let mut result = None;
    loop {
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(status @ (WaitStatus::Exited(pid, _) | WaitStatus::Signaled(pid, _, _)))
                if pid == child =>
            {
                result = Some(super::relay::status_code(status));
            }
            Ok(WaitStatus::StillAlive) | Err(_) => return result,
            Ok(_) => {}
        }
    }
}

/// Which part of becoming the reaper failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Chdir = 1,
    Capabilities,
    Exec,
    Signals,
}

impl Stage {
    const ALL: [Stage; 4] = [
        Stage::Chdir,
        Stage::Capabilities,
        Stage::Exec,
        Stage::Signals,
    ];

    fn what(self) -> &'static str {
        match self {
            Stage::Chdir => "--init: change to `/`",
            Stage::Capabilities => "--init: drop the init's capabilities",
            Stage::Exec => "--init: exec berth's sealed copy",
            Stage::Signals => "--init: open the init's signalfd",
        }
    }
}

const REPORT_LEN: usize = 5;

/// PID 1's word to the child on the start pipe: one byte (0 for running, else the
/// [`Stage`]) and the errno, little-endian (0 for none). Under PIPE_BUF, so one write is
/// one read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    Running,
    Failed(Stage, Option<i32>),
}

impl Report {
    fn encode(self) -> [u8; REPORT_LEN] {
        let (kind, errno) = match self {
            Report::Running => (0, 0),
            Report::Failed(stage, errno) => (stage as u8, errno.unwrap_or(0)),
        };
        let e = errno.to_le_bytes();
        [kind, e[0], e[1], e[2], e[3]]
    }

    /// `None` for end of file (PID 1 left without a word) or a garbled message.
    fn decode(bytes: &[u8]) -> Option<Report> {
        let [kind, a, b, c, d] = <[u8; REPORT_LEN]>::try_from(bytes).ok()?;
        let errno = i32::from_le_bytes([a, b, c, d]);
        if kind == 0 {
            return Some(Report::Running);
        }
        let stage = Stage::ALL.into_iter().find(|s| *s as u8 == kind)?;
        Some(Report::Failed(stage, (errno != 0).then_some(errno)))
    }
}

/// How much of an ELF file exec and the dynamic loader read: the ELF header, the program
/// headers and every segment's bytes. What follows (debug sections, the section headers)
/// is not needed to run it: a debug build of berth is five times its loaded size. `None`
/// when `head` (the file's first bytes) is not an ELF header understood here, its program
/// headers lie beyond `head`, or a segment beyond `file_len`; then copy the whole file.
pub fn loaded_extent(head: &[u8], file_len: u64) -> Option<u64> {
    if head.get(..4)? != b"\x7fELF" {
        return None;
    }
    let wide = match head.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let big = match head.get(5)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let int = |at: usize, len: usize| -> Option<u64> {
        let bytes = head.get(at..at.checked_add(len)?)?;
        let push = |v: u64, b: &u8| (v << 8) | u64::from(*b);
        Some(if big {
            bytes.iter().fold(0, push)
        } else {
            bytes.iter().rev().fold(0, push)
        })
    };
    let word = if wide { 8 } else { 4 };
    // e_phoff, e_ehsize, e_phentsize, e_phnum
    let (phoff, ehsize, phentsize, phnum) = if wide {
        (int(0x20, 8)?, int(0x34, 2)?, int(0x36, 2)?, int(0x38, 2)?)
    } else {
        (int(0x1c, 4)?, int(0x28, 2)?, int(0x2a, 2)?, int(0x2c, 2)?)
    };
    // PN_XNUM: the count lives in a section header; not for us.
    if phnum == 0xffff || phentsize < if wide { 56 } else { 32 } {
        return None;
    }
    let table_end = phoff.checked_add(phentsize.checked_mul(phnum)?)?;
    let mut end = ehsize.max(table_end);
    for i in 0..phnum {
        let at = usize::try_from(phoff.checked_add(i.checked_mul(phentsize)?)?).ok()?;
        // p_offset and p_filesz
        let (offset, filesz) = if wide {
            (int(at + 8, word)?, int(at + 32, word)?)
        } else {
            (int(at + 4, word)?, int(at + 16, word)?)
        };
        end = end.max(offset.checked_add(filesz)?);
    }
    (end <= file_len).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ELF header with program headers (offset, filesz) right after it.
    fn elf(wide: bool, big: bool, segments: &[(u64, u64)]) -> Vec<u8> {
        let (ehsize, phentsize) = if wide { (64, 56) } else { (52, 32) };
        let mut b = vec![0u8; ehsize + phentsize * segments.len()];
        let mut put = |at: usize, len: usize, v: u64| {
            let bytes = v.to_be_bytes();
            let field = &bytes[8 - len..];
            for (i, byte) in field.iter().enumerate() {
                let to = if big { at + i } else { at + len - 1 - i };
                b[to] = *byte;
            }
        };
        let n = segments.len() as u64;
        if wide {
            put(0x20, 8, ehsize as u64);
            put(0x34, 2, ehsize as u64);
            put(0x36, 2, phentsize as u64);
            put(0x38, 2, n);
        } else {
            put(0x1c, 4, ehsize as u64);
            put(0x28, 2, ehsize as u64);
            put(0x2a, 2, phentsize as u64);
            put(0x2c, 2, n);
        }
        for (i, (offset, filesz)) in segments.iter().enumerate() {
            let at = ehsize + phentsize * i;
            put(at, 4, 1); // PT_LOAD
            if wide {
                put(at + 8, 8, *offset);
                put(at + 32, 8, *filesz);
            } else {
                put(at + 4, 4, *offset);
                put(at + 16, 4, *filesz);
            }
        }
        b[..6].copy_from_slice(&[
            0x7f,
            b'E',
            b'L',
            b'F',
            if wide { 2 } else { 1 },
            if big { 2 } else { 1 },
        ]);
        b
    }

    #[test]
    fn the_extent_ends_with_the_last_segment() {
        let head = elf(
            true,
            false,
            &[(0, 0x1000), (0x1000, 0x5000), (0x8000, 0x20)],
        );
        assert_eq!(loaded_extent(&head, 0x10_0000), Some(0x8020));
        let head = elf(false, true, &[(0, 0x300), (0x2000, 0x10)]);
        assert_eq!(loaded_extent(&head, 0x2010), Some(0x2010));
        // No segment: the headers themselves.
        assert_eq!(loaded_extent(&elf(true, false, &[]), 100), Some(64));
    }

    #[test]
    fn what_is_not_understood_is_copied_whole() {
        assert_eq!(loaded_extent(b"#!/bin/sh\n", 10), None);
        assert_eq!(loaded_extent(b"\x7fEL", 3), None);
        // A segment past the end of the file.
        let head = elf(true, false, &[(0x1000, 0x1000)]);
        assert_eq!(loaded_extent(&head, 0x1fff), None);
        // Program headers past what was read.
        let mut head = elf(true, false, &[(0, 0x10), (0, 0x10)]);
        head.truncate(64 + 56);
        assert_eq!(loaded_extent(&head, 0x1000), None);
        // An offset that overflows.
        let head = elf(true, false, &[(u64::MAX, 2)]);
        assert_eq!(loaded_extent(&head, u64::MAX), None);
    }

    #[test]
    fn this_test_binary_has_an_extent_within_it() {
        let exe = File::open("/proc/self/exe").expect("open /proc/self/exe");
        let len = exe.metadata().expect("stat").len();
        let mut head = vec![0u8; 4096];
        let n = exe.read_at(&mut head, 0).expect("read");
        head.truncate(n);
        let extent = loaded_extent(&head, len).expect("our own binary is understood");
        assert!(extent > 64 && extent <= len, "{extent} of {len}");
    }

    #[test]
    fn reports_round_trip() {
        let all = Stage::ALL
            .into_iter()
            .flat_map(|s| {
                [
                    Report::Failed(s, None),
                    Report::Failed(s, Some(libc::EACCES)),
                ]
            })
            .chain([Report::Running]);
        for report in all {
            assert_eq!(Report::decode(&report.encode()), Some(report));
        }
        assert_eq!(Report::decode(&[]), None, "end of file");
        assert_eq!(Report::decode(&[99, 0, 0, 0, 0]), None, "unknown stage");
        assert_eq!(Report::decode(&[0, 0]), None, "short");
    }
}
