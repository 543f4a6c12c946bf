//! A fluent builder for one berth invocation, and the assertions on its result.
//!
//! Every failed assertion panics with a report: the command line, its environment, the exit
//! status, stdout and stderr. A command that succeeds with something on stderr fails the test
//! unless the test called [`Cmd::expect_stderr`] (unexpected warnings are bugs).

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long any bounded wait in the tests may last before it counts as a hang.
pub const WAIT: Duration = Duration::from_secs(20);

/// One berth command, not yet run.
#[must_use]
pub struct Cmd {
    pub(crate) program: PathBuf,
    /// Arguments placed before berth's own path (the `setpriv` prefix when the test is root).
    pub(crate) prefix: Vec<OsString>,
    pub(crate) args: Vec<OsString>,
    pub(crate) envs: Vec<(OsString, OsString)>,
    pub(crate) dir: PathBuf,
    stdin: Option<Vec<u8>>,
    expect_stderr: bool,
}

impl Cmd {
    pub(crate) fn new(
        program: PathBuf,
        prefix: Vec<OsString>,
        envs: Vec<(OsString, OsString)>,
        dir: PathBuf,
    ) -> Self {
        Cmd {
            program,
            prefix,
            args: Vec::new(),
            envs,
            dir,
            stdin: None,
            expect_stderr: false,
        }
    }

    /// Append one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Append arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Feed these bytes on stdin (the default is /dev/null).
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    /// Set one more environment variable for berth.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Leave one variable of the harness's environment out (e.g. `XDG_RUNTIME_DIR`).
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.envs.retain(|(k, _)| k != key.as_ref());
        self
    }

    /// This test expects output on stderr even when the command succeeds.
    pub fn expect_stderr(mut self) -> Self {
        self.expect_stderr = true;
        self
    }

    /// The full command line as the shell would show it.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for part in self
            .prefix
            .iter()
            .map(OsString::as_os_str)
            .chain(std::iter::once(self.program.as_os_str()))
            .chain(self.args.iter().map(OsString::as_os_str))
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&shell_quote(&part.to_string_lossy()));
        }
        out
    }

    fn display_env(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.envs {
            let _ = writeln!(out, "    {}={}", k.to_string_lossy(), v.to_string_lossy());
        }
        out
    }

    /// The std command this stands for, with stdio not yet chosen.
    pub fn command(&self) -> Command {
        let mut cmd = match self.prefix.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(&self.program);
                c
            }
            None => Command::new(&self.program),
        };
        cmd.args(&self.args)
            .env_clear()
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.dir);
        cmd
    }

    /// Run to completion (bounded by [`WAIT`] times three) and collect the output.
    pub fn output(self) -> Output {
        let mut cmd = self.command();
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn `{}`: {e}", self.display()));
        if let Some(data) = self.stdin.clone() {
            let mut pipe = child.stdin.take().expect("stdin pipe");
            // A writer thread, so a command that does not read stdin cannot deadlock us.
            thread::spawn(move || {
                let _ = pipe.write_all(&data);
            });
        }
        let out_rx = drain(child.stdout.take().expect("stdout pipe"));
        let err_rx = drain(child.stderr.take().expect("stderr pipe"));
        let status = wait_bounded(&mut child, WAIT * 3, &self.display());
        let stdout = out_rx.recv().unwrap_or_default();
        let stderr = err_rx.recv().unwrap_or_default();
        self.finish(status, stdout, stderr)
    }

    /// Start in the background with piped stdout and stderr, for tests that interact
    /// with a running berth (signals). stdin is /dev/null.
    pub fn spawn(self) -> Running {
        let mut cmd = self.command();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn `{}`: {e}", self.display()));
        let lines = line_reader(child.stdout.take().expect("stdout pipe"));
        let err_rx = drain(child.stderr.take().expect("stderr pipe"));
        Running {
            cmd: self,
            child,
            lines,
            seen: Vec::new(),
            err_rx,
        }
    }

    pub(crate) fn finish(&self, status: ExitStatus, stdout: Vec<u8>, stderr: Vec<u8>) -> Output {
        let out = Output {
            cmdline: self.display(),
            envs: self.display_env(),
            status,
            stdout,
            stderr,
        };
        // Against a reference binary (BERTH_IT_BIN, e.g. podman) its chatter is not judged.
        if status.success()
            && !self.expect_stderr
            && !out.stderr.is_empty()
            && !super::reference_mode()
        {
            out.fail(
                "the command succeeded but wrote to stderr (call .expect_stderr() if intended)",
            );
        }
        out
    }
}

/// A berth started with [`Cmd::spawn`].
pub struct Running {
    cmd: Cmd,
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<u8>,
    err_rx: mpsc::Receiver<Vec<u8>>,
}

impl Running {
    /// The pid of berth itself (setpriv execs it, so it is the child's pid).
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid fits i32")
    }

    /// Wait (bounded) until stdout has printed a line equal to `line`.
    pub fn wait_for_line(&mut self, line: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(got) => {
                    self.seen.extend_from_slice(got.as_bytes());
                    self.seen.push(b'\n');
                    if got == line {
                        return;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    let out = self.collect_after_kill();
                    out.fail(&format!("stdout never printed the line {line:?}"));
                }
            }
        }
    }

    /// Send a signal to berth.
    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), sig)
            .unwrap_or_else(|e| panic!("kill({}, {sig}): {e}", self.pid()));
    }

    /// Wait (bounded) for berth to exit and collect the rest of its output.
    pub fn wait(mut self) -> Output {
        let status = wait_bounded(&mut self.child, WAIT, &self.cmd.display());
        self.collect(status)
    }

    fn collect_after_kill(&mut self) -> Output {
        let status = self.child.wait().expect("wait for killed child");
        self.collect(status)
    }

    fn collect(&mut self, status: ExitStatus) -> Output {
        let mut stdout = std::mem::take(&mut self.seen);
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            stdout.extend_from_slice(line.as_bytes());
            stdout.push(b'\n');
        }
        let stderr = self.err_rx.recv_timeout(WAIT).unwrap_or_default();
        self.cmd.finish(status, stdout, stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Wait for a child, killing it and panicking when it takes longer than `limit`.
pub fn wait_bounded(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`{what}` did not finish within {limit:?}; killed it");
            }
            Err(e) => panic!("wait for `{what}`: {e}"),
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    rx
}

fn line_reader(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The result of a finished berth command.
pub struct Output {
    cmdline: String,
    envs: String,
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// Panic with the full report.
    pub fn fail(&self, why: &str) -> ! {
        panic!("\n{why}\n{}", self.report());
    }

    /// Command, environment, status, stdout and stderr, for failure messages.
    pub fn report(&self) -> String {
        format!(
            "command: {}\nenvironment:\n{}status:  {}\nstdout:\n{}\nstderr:\n{}\n",
            self.cmdline,
            self.envs,
            describe(self.status),
            indent(&String::from_utf8_lossy(&self.stdout)),
            indent(&String::from_utf8_lossy(&self.stderr)),
        )
    }

    /// The command exited 0.
    #[track_caller]
    pub fn success(&self) -> &Self {
        if !self.status.success() {
            self.fail("expected success");
        }
        self
    }

    /// The command exited with exactly this code.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        if self.status.code() != Some(code) {
            self.fail(&format!("expected exit code {code}"));
        }
        self
    }

    /// stdout as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// stderr as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// stdout's lines.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout().lines().map(str::to_owned).collect()
    }

    /// stdout is exactly this text.
    #[track_caller]
    pub fn stdout_eq(&self, want: &str) -> &Self {
        if self.stdout() != want {
            self.fail(&format!("expected stdout to be exactly {want:?}"));
        }
        self
    }

    /// stdout contains this text.
    #[track_caller]
    pub fn stdout_contains(&self, want: &str) -> &Self {
        if !self.stdout().contains(want) {
            self.fail(&format!("expected stdout to contain {want:?}"));
        }
        self
    }

    /// stdout does not contain this text.
    #[track_caller]
    pub fn stdout_lacks(&self, unwanted: &str) -> &Self {
        if self.stdout().contains(unwanted) {
            self.fail(&format!("expected stdout not to contain {unwanted:?}"));
        }
        self
    }

    /// stderr contains this text.
    #[track_caller]
    pub fn stderr_contains(&self, want: &str) -> &Self {
        if !self.stderr().contains(want) {
            self.fail(&format!("expected stderr to contain {want:?}"));
        }
        self
    }

    /// stderr is exactly one line, `Error: …`, as berth renders its own failures.
    #[track_caller]
    pub fn stderr_is_one_error(&self) -> &Self {
        let text = self.stderr();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() != 1 || !lines[0].starts_with("Error: ") {
            self.fail("expected stderr to be exactly one `Error: …` line");
        }
        self
    }

    /// A custom check with the report on failure.
    #[track_caller]
    pub fn check(&self, ok: bool, why: &str) -> &Self {
        if !ok {
            self.fail(why);
        }
        self
    }
}

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => format!("{status}"),
    }
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "    (empty)".to_owned();
    }
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Quote a word for display the way a POSIX shell would need it.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
