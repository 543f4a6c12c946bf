//! Run berth on a pseudo-terminal the test owns: `setsid --ctty` makes the pty berth's
//! controlling terminal, the test sets the window size and reads and writes the master side.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::command::{wait_bounded, Cmd, WAIT};
use super::find_in_path;

/// A berth running on a pty.
pub struct PtyRun {
    display: String,
    /// The slave's path (`/dev/pts/N`), for `stty -F` when the test resizes the window.
    slave_path: std::path::PathBuf,
    child: Child,
    master: File,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<thread::JoinHandle<()>>,
}

impl PtyRun {
    /// Start `cmd` with a new pty of `rows` x `cols` as its controlling terminal and stdio.
    pub fn spawn(cmd: &Cmd, rows: u16, cols: u16) -> PtyRun {
        let size = nix::pty::Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
        let slave_path = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd()))
            .expect("name of the pty slave");
        let setsid = find_in_path("setsid").expect("setsid (util-linux)");
        let mut argv: Vec<OsString> = vec!["--ctty".into()];
        argv.extend(cmd.prefix.iter().cloned());
        argv.push(cmd.program.clone().into());
        argv.extend(cmd.args.iter().cloned());
        let mut command = std::process::Command::new(&setsid);
        command
            .args(&argv)
            .env_clear()
            .envs(cmd.envs.iter().map(|(k, v)| (k, v)))
            .current_dir(&cmd.dir);
        let slave = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup pty slave"));
        command
            .stdin(slave(&pty.slave))
            .stdout(slave(&pty.slave))
            .stderr(slave(&pty.slave));
        let display = format!("setsid --ctty {}", cmd.display());
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("spawn `{display}`: {e}"));
        // Only berth may hold the slave now, so the master sees EOF (EIO) when it is done.
        drop(pty.slave);
        let master = File::from(pty.master);
        let output = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let mut m = master.try_clone().expect("dup pty master");
            let out = Arc::clone(&output);
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                // Ends on EIO once every slave fd is closed.
                while let Ok(n) = m.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    out.lock().expect("pty buffer").extend_from_slice(&buf[..n]);
                }
            })
        };
        PtyRun {
            display,
            slave_path,
            child,
            master,
            output,
            reader: Some(reader),
        }
    }

    /// Everything read from the terminal so far, with `\r` removed.
    pub fn text(&self) -> String {
        let raw = self.output.lock().expect("pty buffer").clone();
        String::from_utf8_lossy(&raw).replace('\r', "")
    }

    /// Wait (bounded) until the terminal output contains `needle`.
    pub fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.text().contains(needle) {
            if Instant::now() >= deadline || matches!(self.child.try_wait(), Ok(Some(_))) {
                if self.text().contains(needle) {
                    return;
                }
                let _ = self.child.kill();
                panic!(
                    "`{}`: the terminal never showed {needle:?}\nterminal output:\n{}",
                    self.display,
                    self.text()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Type bytes into the terminal.
    pub fn write(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty master");
    }

    /// Change the window size, as a terminal emulator does: the kernel sends SIGWINCH to
    /// the terminal's foreground process group (berth), which must pass the size on.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        let status = std::process::Command::new("stty")
            .arg("-F")
            .arg(&self.slave_path)
            .args(["rows", &rows.to_string(), "cols", &cols.to_string()])
            .status()
            .expect("run stty");
        assert!(
            status.success(),
            "stty -F {} failed",
            self.slave_path.display()
        );
    }

    /// Wait (bounded) for berth to exit; returns its status and the terminal output.
    pub fn wait(mut self) -> (ExitStatus, String) {
        let status = wait_bounded(&mut self.child, WAIT, &self.display);
        if let Some(reader) = self.reader.take() {
            // The reader ends when the last slave fd closes; a container process that kept
            // the terminal open past berth's exit would hang here, so bound it.
            let deadline = Instant::now() + Duration::from_secs(5);
            while !reader.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
            if reader.is_finished() {
                let _ = reader.join();
            }
        }
        let text = self.text();
        (status, text)
    }

    /// The command line, for failure messages.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for PtyRun {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
