//! A typed message channel over one `SOCK_SEQPACKET` socket pair, able to carry a file
//! descriptor with a message. Each packet is one JSON message; end of file means the peer
//! is gone (for a container init: its `execve` succeeded, since the socket is close-on-exec).

use std::io;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use nix::sys::socket::{
    recvmsg, sendmsg, socketpair, AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags,
    SockFlag, SockType,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The largest message we accept.
const MAX_MESSAGE: usize = 64 * 1024;

/// One end of a parent/child channel.
#[derive(Debug)]
pub struct Channel {
    fd: OwnedFd,
}

impl Channel {
    /// A connected pair, both ends close-on-exec.
    pub fn pair() -> io::Result<(Channel, Channel)> {
        let (a, b) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )?;
        Ok((Channel { fd: a }, Channel { fd: b }))
    }

    /// Wrap a descriptor we own.
    pub fn from_fd(fd: OwnedFd) -> Self {
        Channel { fd }
    }

    /// Give up the channel, keeping its descriptor.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// Send one message.
    pub fn send<T: Serialize>(&self, msg: &T) -> io::Result<()> {
        self.send_inner(msg, None)
    }

    /// Send one message with a descriptor attached.
    pub fn send_with_fd<T: Serialize>(&self, msg: &T, fd: BorrowedFd<'_>) -> io::Result<()> {
        self.send_inner(msg, Some(fd))
    }

    fn send_inner<T: Serialize>(&self, msg: &T, fd: Option<BorrowedFd<'_>>) -> io::Result<()> {
        let bytes = serde_json::to_vec(msg).map_err(io::Error::other)?;
        if bytes.len() > MAX_MESSAGE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "sync message too large",
            ));
        }
        let iov = [IoSlice::new(&bytes)];
        let raw: [RawFd; 1] = [fd.map_or(-1, |f| f.as_raw_fd())];
        let cmsgs: Vec<ControlMessage<'_>> = if fd.is_some() {
            vec![ControlMessage::ScmRights(&raw)]
        } else {
            Vec::new()
        };
        loop {
            match sendmsg::<()>(
                self.fd.as_raw_fd(),
                &iov,
                &cmsgs,
                MsgFlags::MSG_NOSIGNAL,
                None,
            ) {
                Ok(_) => return Ok(()),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Receive one message; `Ok(None)` at end of file.
    pub fn recv<T: DeserializeOwned>(&self) -> io::Result<Option<T>> {
        Ok(self.recv_with_fd()?.map(|(msg, _)| msg))
    }

    /// Receive one message and the descriptor sent with it, if any.
    pub fn recv_with_fd<T: DeserializeOwned>(&self) -> io::Result<Option<(T, Option<OwnedFd>)>> {
        let mut buf = vec![0u8; MAX_MESSAGE];
        let mut cmsg_space = nix::cmsg_space!([RawFd; 1]);
        let (len, fd) = loop {
            let mut iov = [IoSliceMut::new(&mut buf)];
            match recvmsg::<()>(
                self.fd.as_raw_fd(),
                &mut iov,
                Some(&mut cmsg_space),
                MsgFlags::MSG_CMSG_CLOEXEC,
            ) {
                Ok(msg) => {
                    let mut fd = None;
                    for cmsg in msg.cmsgs()? {
                        if let ControlMessageOwned::ScmRights(fds) = cmsg {
                            for raw in fds {
                                // SAFETY: SCM_RIGHTS delivered a new descriptor that nothing
                                // else in this process owns.
                                let owned = unsafe { OwnedFd::from_raw_fd(raw) };
                                fd.get_or_insert(owned);
                            }
                        }
                    }
                    break (msg.bytes, fd);
                }
                Err(nix::errno::Errno::EINTR) => continue,
                // The peer died: same as end of file.
                Err(nix::errno::Errno::ECONNRESET) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        };
        if len == 0 {
            return Ok(None);
        }
        let msg = serde_json::from_slice(&buf[..len])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Some((msg, fd)))
    }
}

impl AsFd for Channel {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
    enum Msg {
        Go,
        Failed { errno: i32, cause: Vec<String> },
    }

    #[test]
    fn round_trip_and_eof() {
        let (a, b) = Channel::pair().unwrap();
        a.send(&Msg::Go).unwrap();
        let failed = Msg::Failed {
            errno: 2,
            cause: vec!["x".into()],
        };
        a.send(&failed).unwrap();
        assert_eq!(b.recv::<Msg>().unwrap(), Some(Msg::Go));
        assert_eq!(b.recv::<Msg>().unwrap(), Some(failed));
        drop(a);
        assert_eq!(b.recv::<Msg>().unwrap(), None);
    }

    #[test]
    fn carries_a_descriptor() {
        let (a, b) = Channel::pair().unwrap();
        let file = std::fs::File::open("/proc/self/status").unwrap();
        a.send_with_fd(&Msg::Go, file.as_fd()).unwrap();
        let (msg, fd) = b.recv_with_fd::<Msg>().unwrap().unwrap();
        assert_eq!(msg, Msg::Go);
        assert!(fd.is_some());
    }
}
