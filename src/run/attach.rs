//! Attaching to a detached container. Its monitor listens on a unix socket in the runtime
//! directory; `berth attach` connects, receives the container's output as it is logged, and
//! sends its input (to the pty, or to the stdin pipe of a `-d -i` container) and window
//! size. Each message is a frame: one kind byte, a 32-bit big-endian length, the payload.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// What a frame carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Stdout = 0,
    Stderr = 1,
    Stdin = 2,
    /// rows and cols, two big-endian u16.
    Resize = 3,
    /// The container exited: a big-endian i32 status. The last frame.
    Exit = 4,
}

impl Kind {
    fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            0 => Kind::Stdout,
            1 => Kind::Stderr,
            2 => Kind::Stdin,
            3 => Kind::Resize,
            4 => Kind::Exit,
            _ => return None,
        })
    }
}

/// Encode one frame.
pub fn frame(kind: Kind, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 5);
    out.push(kind as u8);
    out.extend_from_slice(
        &u32::try_from(payload.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(payload);
    out
}

/// Splits a byte stream into frames.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
}

impl Decoder {
    /// Add bytes; return the complete frames, or `None` on a malformed stream.
    pub fn push(&mut self, data: &[u8]) -> Option<Vec<(Kind, Vec<u8>)>> {
        self.buf.extend_from_slice(data);
        let mut out = Vec::new();
        loop {
            if self.buf.len() < 5 {
                return Some(out);
            }
            let kind = Kind::from_byte(self.buf[0])?;
            let len = u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]]);
            let len = usize::try_from(len).ok()?;
            if len > 1 << 20 {
                return None;
            }
            if self.buf.len() < 5 + len {
                return Some(out);
            }
            let payload = self.buf[5..5 + len].to_vec();
            self.buf.drain(..5 + len);
            out.push((kind, payload));
        }
    }
}

/// The attach socket of a container (short, for the 108-byte socket path limit).
pub fn socket_path(runtime_dir: &Path, id: &str) -> PathBuf {
    runtime_dir
        .join("attach")
        .join(format!("{}.sock", &id[..id.len().min(12)]))
}

/// Parse `--detach-keys` (podman's syntax: `ctrl-p,ctrl-q`, `a`, `ctrl-@`…); empty turns
/// detaching off.
pub fn parse_detach_keys(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split(',')
        .map(|k| {
            if let Some(c) = k.strip_prefix("ctrl-") {
                let c = c.as_bytes();
                if c.len() != 1 {
                    return None;
                }
                match c[0] {
                    b'a'..=b'z' => Some(c[0] - b'a' + 1),
                    b'@' => Some(0),
                    b'[' => Some(27),
                    b'\\' => Some(28),
                    b']' => Some(29),
                    b'^' => Some(30),
                    b'_' => Some(31),
                    _ => None,
                }
            } else if k.len() == 1 {
                Some(k.as_bytes()[0])
            } else {
                None
            }
        })
        .collect()
}

/// Watches typed input for the detach keys. Input is passed on as typed, except the keys
/// themselves; a partial match that breaks off is passed on.
#[derive(Debug, Clone)]
pub struct DetachKeys {
    keys: Vec<u8>,
    matched: usize,
}

impl DetachKeys {
    pub fn new(keys: Vec<u8>) -> Self {
        DetachKeys { keys, matched: 0 }
    }

    /// Append to `forward` what of `input` goes on to the container; true when the whole
    /// sequence has been typed (what follows it is dropped).
    pub fn feed(&mut self, input: &[u8], forward: &mut Vec<u8>) -> bool {
        for &b in input {
            if !self.keys.is_empty() && b == self.keys[self.matched] {
                self.matched += 1;
                if self.matched == self.keys.len() {
                    self.matched = 0;
                    return true;
                }
                continue;
            }
            forward.extend_from_slice(&self.keys[..self.matched]);
            self.matched = 0;
            if !self.keys.is_empty() && b == self.keys[0] {
                self.matched = 1;
                continue;
            }
            forward.push(b);
        }
        false
    }
}

/// The monitor's side: a listener and its connected clients.
#[derive(Debug)]
pub struct Server {
    listener: UnixListener,
    path: PathBuf,
    clients: Vec<(UnixStream, Decoder)>,
}

/// What attached clients asked for.
#[derive(Debug, Default)]
pub struct Requests {
    pub input: Vec<u8>,
    pub resize: Option<(u16, u16)>,
    /// A client's stdin ended (an empty stdin frame).
    pub eof: bool,
}

impl Server {
    /// Listen at `path` (a stale socket from a dead monitor is replaced).
    pub fn bind(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let _ = std::fs::remove_file(path);
        let listener = UnixListener::bind(path)?;
        listener.set_nonblocking(true)?;
        Ok(Server {
            listener,
            path: path.to_path_buf(),
            clients: Vec::new(),
        })
    }

    /// Descriptors to poll: the listener, then each client.
    pub fn fds(&self) -> Vec<BorrowedFd<'_>> {
        std::iter::once(self.listener.as_fd())
            .chain(self.clients.iter().map(|(c, _)| c.as_fd()))
            .collect()
    }

    /// Handle readiness: `ready[0]` for the listener, then one per client.
    pub fn serve(&mut self, ready: &[bool]) -> Requests {
        let mut req = Requests::default();
        let mut gone = Vec::new();
        for (i, (client, decoder)) in self.clients.iter_mut().enumerate() {
            if !ready.get(i + 1).copied().unwrap_or(false) {
                continue;
            }
            let mut buf = [0u8; 8192];
            match client.read(&mut buf) {
                Ok(0) | Err(_) => gone.push(i),
                Ok(n) => match decoder.push(&buf[..n]) {
                    None => gone.push(i),
                    Some(frames) => {
                        for (kind, payload) in frames {
                            match kind {
                                Kind::Stdin if payload.is_empty() => req.eof = true,
                                Kind::Stdin => req.input.extend_from_slice(&payload),
                                Kind::Resize if payload.len() == 4 => {
                                    req.resize = Some((
                                        u16::from_be_bytes([payload[0], payload[1]]),
                                        u16::from_be_bytes([payload[2], payload[3]]),
                                    ));
                                }
                                _ => {}
                            }
                        }
                    }
                },
            }
        }
        for i in gone.into_iter().rev() {
            self.clients.remove(i);
        }
        if ready.first().copied().unwrap_or(false) {
            while let Ok((stream, _)) = self.listener.accept() {
                if stream.set_nonblocking(false).is_ok() {
                    self.clients.push((stream, Decoder::default()));
                }
            }
        }
        req
    }

    /// Send output to every client (a client that cannot keep up is dropped).
    pub fn broadcast(&mut self, kind: Kind, data: &[u8]) {
        let bytes = frame(kind, data);
        self.clients
            .retain_mut(|(c, _)| c.write_all(&bytes).is_ok());
    }

    /// Tell every client the container exited.
    pub fn exit(&mut self, code: i32) {
        self.broadcast(Kind::Exit, &code.to_be_bytes());
        self.clients.clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_in_pieces() {
        let mut bytes = frame(Kind::Stdout, b"hello");
        bytes.extend(frame(Kind::Exit, &3i32.to_be_bytes()));
        let mut d = Decoder::default();
        let mut got = Vec::new();
        for chunk in bytes.chunks(3) {
            got.extend(d.push(chunk).unwrap());
        }
        assert_eq!(got[0], (Kind::Stdout, b"hello".to_vec()));
        assert_eq!(got[1].0, Kind::Exit);
        assert!(Decoder::default().push(&[9, 0, 0, 0, 0]).is_none());
    }

    #[test]
    fn detach_keys_are_found_across_reads() {
        let mut d = DetachKeys::new(vec![16, 17]);
        let mut out = Vec::new();
        assert!(!d.feed(b"ab\x10", &mut out));
        assert_eq!(out, b"ab");
        assert!(!d.feed(b"c", &mut out), "a broken sequence is passed on");
        assert_eq!(out, b"ab\x10c");
        out.clear();
        assert!(!d.feed(b"\x10\x10", &mut out));
        assert!(d.feed(b"\x11rest", &mut out));
        assert_eq!(out, b"\x10");
        let mut off = DetachKeys::new(vec![]);
        out.clear();
        assert!(!off.feed(b"\x10\x11", &mut out));
        assert_eq!(out, b"\x10\x11");
    }

    #[test]
    fn detach_keys() {
        assert_eq!(parse_detach_keys("ctrl-p,ctrl-q"), Some(vec![16, 17]));
        assert_eq!(parse_detach_keys("a,ctrl-@"), Some(vec![b'a', 0]));
        assert_eq!(parse_detach_keys(""), Some(vec![]));
        assert_eq!(parse_detach_keys("ctrl-pp"), None);
        assert_eq!(parse_detach_keys("alt-x"), None);
    }
}
