//! `berth attach`: connect to a detached container's monitor, show its output, send it
//! input, and leave it running on the detach keys.

use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::net::UnixStream;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::Signal;

use crate::cli::lifecycle::AttachArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::run::attach::{frame, parse_detach_keys, socket_path, Decoder, DetachKeys, Kind};
use crate::storage::container::{self, Status};

/// Run `berth attach`.
pub fn execute(args: AttachArgs) -> Result<()> {
    let keys = parse_detach_keys(&args.detach_keys).ok_or_else(|| {
        Error::msg(format!(
            "invalid --detach-keys `{}`: expected keys such as ctrl-p,ctrl-q",
            args.detach_keys
        ))
    })?;
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = container::find(&paths.data, &args.container)
        .map_err(|e| e.into_lookup_error("find container"))?;
    let state = ctr.state().context("read the container's state")?;
    if state.status != Status::Running {
        return Err(Error::msg(format!(
            "cannot attach to container `{}`: it is not running",
            ctr.config.name
        )));
    }
    let path = socket_path(&paths.runtime, &ctr.config.id);
    let mut sock = UnixStream::connect(&path)
        .with_context(|| format!("connect to the monitor of `{}`", ctr.config.name))
        .map_err(|e| {
            e.hint("containers started in the foreground cannot be attached to; start them with -d")
        })?;

    let sfd = crate::sys::process::block_signals(&[Signal::SIGWINCH]).context("block SIGWINCH")?;

    let stdin = std::io::stdin();
    let tty = crate::sys::tty::is_tty(stdin.as_fd());
    let _raw = tty
        .then(|| crate::sys::tty::RawMode::enable(stdin.as_fd()).ok())
        .flatten();
    let send_size = |sock: &mut UnixStream| {
        if let Ok(size) = crate::sys::tty::get_winsize(stdin.as_fd()) {
            let mut payload = size.rows.to_be_bytes().to_vec();
            payload.extend_from_slice(&size.cols.to_be_bytes());
            let _ = sock.write_all(&frame(Kind::Resize, &payload));
        }
    };
    if tty {
        send_size(&mut sock);
    }

    let mut decoder = Decoder::default();
    let mut stdin_open = !args.no_stdin;
    let mut detach = DetachKeys::new(keys);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let mut fds = vec![
            PollFd::new(sock.as_fd(), PollFlags::POLLIN),
            PollFd::new(sfd.as_fd(), PollFlags::POLLIN),
        ];
        if stdin_open {
            fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut fds, PollTimeout::NONE) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(std::io::Error::from(e)).context("poll"),
        }
        let ready: Vec<bool> = fds
            .iter()
            .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
            .collect();
        drop(fds);
        if ready[1] {
            while let Ok(Some(_)) = sfd.read_signal() {}
            send_size(&mut sock);
        }
        if ready[0] {
            let n = sock.read(&mut buf).context("read from the monitor")?;
            if n == 0 {
                // The monitor went away without an exit frame.
                return Ok(());
            }
            let frames = decoder
                .push(&buf[..n])
                .ok_or_else(|| Error::msg("the monitor sent a malformed message"))?;
            for (kind, payload) in frames {
                match kind {
                    Kind::Stdout => {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(&payload).and_then(|()| out.flush());
                    }
                    Kind::Stderr => {
                        let _ = std::io::stderr().write_all(&payload);
                    }
                    Kind::Exit => {
                        let code = payload
                            .get(..4)
                            .and_then(|b| b.try_into().ok())
                            .map_or(0, i32::from_be_bytes);
                        return if code == 0 {
                            Ok(())
                        } else {
                            Err(Error::Exit(code))
                        };
                    }
                    Kind::Stdin | Kind::Resize => {}
                }
            }
        }
        if stdin_open && ready.get(2).copied().unwrap_or(false) {
            let n = nix::unistd::read(stdin.as_raw_fd(), &mut buf).unwrap_or(0);
            if n == 0 {
                // End of our input closes the container's (when it reads from a pipe).
                stdin_open = false;
                let _ = sock.write_all(&frame(Kind::Stdin, &[]));
                continue;
            }
            let mut forward = Vec::with_capacity(n);
            if detach.feed(&buf[..n], &mut forward) {
                // Detached: the container keeps running.
                return Ok(());
            }
            if !forward.is_empty() {
                sock.write_all(&frame(Kind::Stdin, &forward))
                    .context("send input to the container")?;
            }
        }
    }
}
