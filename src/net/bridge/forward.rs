//! Published ports (`-p`) of a container on user networks, as podman's rootlessport does
//! it: a forwarder process, `berth:[ports]`, binds the host ports in the host's network
//! namespace first, then joins the rootless network namespace, where the container's
//! address is routable. Sockets keep the namespace they were made in, so the one process
//! accepts on the host and connects inside.
//!
//! TCP: each accepted connection is copied both ways by a child of the forwarder (so one
//! slow peer stalls only its own connection). UDP: one socket towards the container per
//! client address, forgotten after a minute of silence.
//!
//! The forwarder dies with its session (parent-death signal) and is killed by the
//! [`Forwarder`] guard when the container ends.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsFd as _, OwnedFd};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout};

use crate::error::{Context, Result};
use crate::spec::{PortMapping, Protocol};
use crate::sys::process::{clone3, Forked};

/// How long a UDP client may stay silent before its socket is closed.
const UDP_IDLE: Duration = Duration::from_secs(60);
/// How long a connection to the container may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One bound host port and where it goes.
enum Listener {
    Tcp(TcpListener, SocketAddr),
    Udp(UdpSocket, SocketAddr),
}

/// The running forwarder; dropping it stops it.
pub struct Forwarder {
    pidfd: Option<OwnedFd>,
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        if let Some(fd) = self.pidfd.take() {
            let _ = crate::sys::process::pidfd_kill(&fd, libc::SIGKILL);
            let _ = crate::sys::process::wait_pidfd(&fd);
        }
    }
}

/// Start forwarding `ports` to `target` (the container's address) inside the network
/// namespace at `netns` (the holder's). `None` when nothing is published.
pub fn start(ports: &[PortMapping], target: IpAddr, netns: &str) -> Result<Option<Forwarder>> {
    if ports.is_empty() {
        return Ok(None);
    }
    // Bound here, in the host's namespace, so that a taken port fails the start.
    let mut listeners = Vec::new();
    for m in ports {
        for (host, inside) in m.pairs() {
            let bind =
                SocketAddr::new(m.host_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), host);
            let to = SocketAddr::new(target, inside);
            let what = || format!("publish {}/{}", bind, m.protocol.name());
            listeners.push(match m.protocol {
                Protocol::Tcp => Listener::Tcp(TcpListener::bind(bind).with_context(what)?, to),
                Protocol::Udp => Listener::Udp(UdpSocket::bind(bind).with_context(what)?, to),
            });
        }
    }
    let ns = std::fs::File::open(netns).with_context(|| format!("open `{netns}`"))?;
    match clone3(0).context("start the port forwarder")? {
        Forked::Child => {
            let _ = crate::sys::process::set_parent_death_signal(nix::sys::signal::Signal::SIGKILL);
            crate::sys::process::set_name("berth:[ports]");
            // Not berth's output: whoever reads `$(berth run -d …)` must see its end.
            crate::sys::process::silence_stdio();
            if nix::sched::setns(ns, nix::sched::CloneFlags::CLONE_NEWNET).is_err() {
                crate::sys::process::exit_now(1);
            }
            serve(&listeners);
            crate::sys::process::exit_now(0)
        }
        Forked::Parent { pidfd, .. } => Ok(Some(Forwarder { pidfd: Some(pidfd) })),
    }
}

/// A UDP client's socket towards the container.
struct UdpFlow {
    listener: usize,
    client: SocketAddr,
    sock: UdpSocket,
    last: Instant,
}

/// The forwarder's loop (never returns while its sockets work).
fn serve(listeners: &[Listener]) {
    let mut flows: Vec<UdpFlow> = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        // Reap finished connection children.
        while let Ok(status) =
            nix::sys::wait::waitpid(None, Some(nix::sys::wait::WaitPidFlag::WNOHANG))
        {
            if status == nix::sys::wait::WaitStatus::StillAlive {
                break;
            }
        }
        flows.retain(|f| f.last.elapsed() < UDP_IDLE);
        let mut by_client: HashMap<(usize, SocketAddr), usize> = flows
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.listener, f.client), i))
            .collect();
        let ready: Vec<bool> = {
            let mut fds: Vec<PollFd<'_>> = listeners
                .iter()
                .map(|l| match l {
                    Listener::Tcp(s, _) => PollFd::new(s.as_fd(), PollFlags::POLLIN),
                    Listener::Udp(s, _) => PollFd::new(s.as_fd(), PollFlags::POLLIN),
                })
                .chain(
                    flows
                        .iter()
                        .map(|f| PollFd::new(f.sock.as_fd(), PollFlags::POLLIN)),
                )
                .collect();
            match nix::poll::poll(&mut fds, PollTimeout::from(1000u16)) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(_) => return,
            }
            fds.iter()
                .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                .collect()
        };
        for (i, l) in listeners.iter().enumerate() {
            if !ready[i] {
                continue;
            }
            match l {
                Listener::Tcp(s, to) => {
                    if let Ok((client, _)) = s.accept() {
                        tcp_connection(client, *to);
                    }
                }
                Listener::Udp(s, to) => {
                    let Ok((n, client)) = s.recv_from(&mut buf) else {
                        continue;
                    };
                    let idx = match by_client.get(&(i, client)) {
                        Some(&idx) => idx,
                        None => {
                            let any = if to.is_ipv6() {
                                IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED)
                            } else {
                                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                            };
                            let Ok(sock) = UdpSocket::bind((any, 0)) else {
                                continue;
                            };
                            if sock.connect(to).is_err() {
                                continue;
                            }
                            flows.push(UdpFlow {
                                listener: i,
                                client,
                                sock,
                                last: Instant::now(),
                            });
                            by_client.insert((i, client), flows.len() - 1);
                            flows.len() - 1
                        }
                    };
                    let flow = &mut flows[idx];
                    flow.last = Instant::now();
                    let _ = flow.sock.send(&buf[..n]);
                }
            }
        }
        for (j, flow) in flows.iter_mut().enumerate() {
            if !ready.get(listeners.len() + j).copied().unwrap_or(false) {
                continue;
            }
            if let Ok(n) = flow.sock.recv(&mut buf) {
                flow.last = Instant::now();
                if let Listener::Udp(s, _) = &listeners[flow.listener] {
                    let _ = s.send_to(&buf[..n], flow.client);
                }
            }
        }
    }
}

/// Connect to the container and copy both ways in a child; the parent keeps no copy.
fn tcp_connection(client: TcpStream, to: SocketAddr) {
    let Ok(Forked::Child) = clone3(0) else {
        // The parent (or a failed fork) drops the client: closed on our side.
        return;
    };
    let code = match TcpStream::connect_timeout(&to, CONNECT_TIMEOUT) {
        Ok(upstream) => i32::from(copy_both(client, upstream).is_err()),
        Err(_) => 1,
    };
    crate::sys::process::exit_now(code)
}

/// Copy bytes both ways until both directions are closed.
fn copy_both(mut a: TcpStream, mut b: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 65536];
    let (mut a_open, mut b_open) = (true, true);
    while a_open || b_open {
        let (ra, rb) = {
            let mut fds = Vec::new();
            if a_open {
                fds.push(PollFd::new(a.as_fd(), PollFlags::POLLIN));
            }
            if b_open {
                fds.push(PollFd::new(b.as_fd(), PollFlags::POLLIN));
            }
            match nix::poll::poll(&mut fds, PollTimeout::NONE) {
                Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
            let ready = |f: &PollFd<'_>| f.revents().is_some_and(|r| !r.is_empty());
            let ra = a_open && ready(&fds[0]);
            let rb = b_open && ready(&fds[usize::from(a_open)]);
            (ra, rb)
        };
        if ra {
            let n = a.read(&mut buf)?;
            if n == 0 {
                a_open = false;
                let _ = b.shutdown(std::net::Shutdown::Write);
            } else {
                b.write_all(&buf[..n])?;
            }
        }
        if rb {
            let n = b.read(&mut buf)?;
            if n == 0 {
                b_open = false;
                let _ = a.shutdown(std::net::Shutdown::Write);
            } else {
                a.write_all(&buf[..n])?;
            }
        }
    }
    Ok(())
}
