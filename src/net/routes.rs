//! Early readiness for pasta. pasta configures the container's namespace (link, addresses,
//! default routes) first and then spends about 20 ms preparing its own buffers before it
//! writes its pid file. A container that publishes no ports need not wait for that: once
//! the default routes are in place its traffic only queues on the tap device until pasta
//! reads it. So S watches the namespace's route events (an rtnetlink socket made inside it,
//! see `sys::ns::new_netns`) and lets C go when the routes pasta will add are there.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// rtnetlink's RTM_NEWROUTE, the main table and a unicast route (linux/rtnetlink.h).
const RTM_NEWROUTE: u16 = 24;
const RT_TABLE_MAIN: u8 = 254;
const RTN_UNICAST: u8 = 1;
/// nlmsghdr and rtmsg sizes.
const NLMSG_HDR: usize = 16;
const RTMSG: usize = 12;

/// Default routes seen so far, and which ones are awaited.
#[derive(Debug)]
pub struct RouteWatch {
    sock: OwnedFd,
    need: Families,
    seen: Families,
}

/// A pair of flags, one per address family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Families {
    pub v4: bool,
    pub v6: bool,
}

impl RouteWatch {
    /// Watch `sock` until the default routes in `need` have been added. `None` when
    /// nothing is to be awaited (then only the helper's own readiness counts).
    pub fn new(sock: OwnedFd, need: Families) -> Option<RouteWatch> {
        (need.v4 || need.v6).then_some(RouteWatch {
            sock,
            need,
            seen: Families::default(),
        })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// Read the pending events; true once every awaited default route is there.
    pub fn update(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        loop {
            match nix::sys::socket::recv(
                std::os::fd::AsRawFd::as_raw_fd(&self.sock),
                &mut buf,
                nix::sys::socket::MsgFlags::MSG_DONTWAIT,
            ) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let found = default_routes(&buf[..n]);
                    self.seen.v4 |= found.v4;
                    self.seen.v6 |= found.v6;
                }
            }
        }
        (self.seen.v4 || !self.need.v4) && (self.seen.v6 || !self.need.v6)
    }
}

/// The default routes of the main table that a batch of rtnetlink messages adds.
pub fn default_routes(mut buf: &[u8]) -> Families {
    let mut found = Families::default();
    while buf.len() >= NLMSG_HDR {
        let len = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        let kind = u16::from_ne_bytes([buf[4], buf[5]]);
        if len < NLMSG_HDR || len > buf.len() {
            break;
        }
        if kind == RTM_NEWROUTE && len >= NLMSG_HDR + RTMSG {
            let rt = &buf[NLMSG_HDR..];
            let (family, dst_len, table, rtype) = (rt[0], rt[1], rt[4], rt[7]);
            if dst_len == 0 && table == RT_TABLE_MAIN && rtype == RTN_UNICAST {
                match i32::from(family) {
                    libc::AF_INET => found.v4 = true,
                    libc::AF_INET6 => found.v6 = true,
                    _ => {}
                }
            }
        }
        let step = (len + 3) & !3;
        buf = buf.get(step..).unwrap_or_default();
    }
    found
}

/// Does `/proc/net/ipv6_route` text have a usable default route (not a reject route, not
/// on `lo`)? pasta copies it into the container when there is one.
pub fn has_ipv6_default(text: &str) -> bool {
    const RTF_REJECT: u32 = 0x0200;
    text.lines().any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() == 10
            && f[0].bytes().all(|b| b == b'0')
            && f[1] == "00"
            && u32::from_str_radix(f[8], 16).is_ok_and(|flags| flags & RTF_REJECT == 0)
            && f[9] != "lo"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rtnetlink message: a header and an rtmsg.
    fn route_msg(kind: u16, family: u8, dst_len: u8, table: u8, rtype: u8) -> Vec<u8> {
        let len = (NLMSG_HDR + RTMSG + 8) as u32; // and one 8-byte attribute
        let mut m = Vec::new();
        m.extend_from_slice(&len.to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(&[family, dst_len, 0, 0, table, 4, 0, rtype, 0, 0, 0, 0]);
        m.extend_from_slice(&[8, 0, 1, 0, 10, 0, 0, 0]);
        m
    }

    #[test]
    fn finds_default_routes_of_each_family() {
        let v4 = libc::AF_INET as u8;
        let v6 = libc::AF_INET6 as u8;
        let mut batch = route_msg(RTM_NEWROUTE, v4, 24, RT_TABLE_MAIN, RTN_UNICAST);
        assert_eq!(default_routes(&batch), Families::default());
        batch.extend(route_msg(RTM_NEWROUTE, v4, 0, RT_TABLE_MAIN, RTN_UNICAST));
        assert_eq!(
            default_routes(&batch),
            Families {
                v4: true,
                v6: false
            }
        );
        // A deletion, the local table and a v6 default.
        batch.extend(route_msg(25, v6, 0, RT_TABLE_MAIN, RTN_UNICAST));
        batch.extend(route_msg(RTM_NEWROUTE, v6, 0, 255, RTN_UNICAST));
        assert!(!default_routes(&batch).v6);
        batch.extend(route_msg(RTM_NEWROUTE, v6, 0, RT_TABLE_MAIN, RTN_UNICAST));
        assert!(default_routes(&batch).v6);
        // A truncated message ends the walk without a panic.
        assert_eq!(default_routes(&batch[..20]), Families::default());
    }

    #[test]
    fn ipv6_default_route_of_the_host() {
        let text = "\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";
        assert!(has_ipv6_default(text));
        let only_reject = text.lines().nth(1).unwrap();
        assert!(!has_ipv6_default(only_reject));
        assert!(!has_ipv6_default(""));
    }
}
