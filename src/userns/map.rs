//! Id maps (pure): the session's mapping from /etc/subuid and /etc/subgid, and the mapping of
//! a nested user namespace for `--userns=keep-id`.

use super::subid::SubIdRange;

/// One line of `/proc/PID/uid_map`: `count` ids from `inside` map to ids from `outside`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdMapEntry {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}

/// The uid and gid maps of one user namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMaps {
    pub uids: Vec<IdMapEntry>,
    pub gids: Vec<IdMapEntry>,
}

/// The kernel accepts at most this many lines in one map.
pub const MAX_MAP_LINES: usize = 340;

impl IdMaps {
    /// Only the user's own ids are mapped (no subordinate ranges).
    pub fn is_single(&self) -> bool {
        Self::single(&self.uids) && Self::single(&self.gids)
    }

    /// Is this map one id wide?
    pub fn single(entries: &[IdMapEntry]) -> bool {
        entries.len() == 1 && entries[0].count == 1
    }

    /// How many uids exist inside (the ids are contiguous from 0 in a session map).
    pub fn uid_count(&self) -> u32 {
        count(&self.uids)
    }

    /// How many gids exist inside.
    pub fn gid_count(&self) -> u32 {
        count(&self.gids)
    }

    /// The text written to `/proc/PID/uid_map` or `gid_map`.
    pub fn to_proc_format(entries: &[IdMapEntry]) -> String {
        entries
            .iter()
            .map(|e| format!("{} {} {}\n", e.inside, e.outside, e.count))
            .collect()
    }

    /// The arguments of `newuidmap`/`newgidmap`: `PID inside outside count …`.
    pub fn helper_args(pid: i32, entries: &[IdMapEntry]) -> Vec<String> {
        let mut args = vec![pid.to_string()];
        for e in entries {
            args.extend([
                e.inside.to_string(),
                e.outside.to_string(),
                e.count.to_string(),
            ]);
        }
        args
    }
}

fn count(entries: &[IdMapEntry]) -> u32 {
    entries
        .iter()
        .map(|e| e.inside.saturating_add(e.count))
        .max()
        .unwrap_or(0)
}

/// The session's maps: inside 0 is the user's own id, and 1..N are the subordinate ranges in
/// file order, contiguous inside. Ranges that would overflow the id space or exceed the
/// kernel's line limit are left out. With no ranges: the single mapping `0 uid 1`.
pub fn session_maps(uid: u32, gid: u32, subuids: &[SubIdRange], subgids: &[SubIdRange]) -> IdMaps {
    IdMaps {
        uids: one_map(uid, subuids),
        gids: one_map(gid, subgids),
    }
}

fn one_map(own: u32, ranges: &[SubIdRange]) -> Vec<IdMapEntry> {
    let mut out = vec![IdMapEntry {
        inside: 0,
        outside: own,
        count: 1,
    }];
    let mut next: u32 = 1;
    for r in ranges {
        if out.len() == MAX_MAP_LINES || r.count == 0 {
            continue;
        }
        let Some(last) = r.start.checked_add(r.count - 1) else {
            continue;
        };
        // The kernel refuses overlapping outside ranges: a range that overlaps one already
        // mapped (the user's own id, or a duplicate line in /etc/subuid) is skipped whole.
        if out
            .iter()
            .any(|e| r.start <= e.outside.saturating_add(e.count - 1) && e.outside <= last)
        {
            continue;
        }
        // Inside ids stop below u32::MAX (which means "no id").
        let Some(end) = next.checked_add(r.count).filter(|e| *e < u32::MAX) else {
            continue;
        };
        out.push(IdMapEntry {
            inside: next,
            outside: r.start,
            count: r.count,
        });
        next = end;
    }
    out
}

/// The maps of a user namespace nested in the session (ids on the right are the session's
/// inside ids) so that the container sees the user's real ids: inside `uid` is session 0 (the
/// host user), inside 0..uid are session 1..=uid, and inside uid+1.. are session uid+1.., as
/// far as the session has ids. Same for gids.
pub fn keep_id_maps(session: &IdMaps, uid: u32, gid: u32) -> IdMaps {
    IdMaps {
        uids: keep_one(session.uid_count(), uid),
        gids: keep_one(session.gid_count(), gid),
    }
}

fn keep_one(available: u32, id: u32) -> Vec<IdMapEntry> {
    let mut out = Vec::new();
    if available == 0 {
        return out;
    }
    out.push(IdMapEntry {
        inside: id,
        outside: 0,
        count: 1,
    });
    // Below `id`: session ids 1..=id.
    let below = id.min(available - 1);
    if below > 0 {
        out.push(IdMapEntry {
            inside: 0,
            outside: 1,
            count: below,
        });
    }
    // Above `id`: the same numbers in the session.
    if let Some(first) = id.checked_add(1) {
        if available > first {
            out.push(IdMapEntry {
                inside: first,
                outside: first,
                count: available - first,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(inside: u32, outside: u32, count: u32) -> IdMapEntry {
        IdMapEntry {
            inside,
            outside,
            count,
        }
    }

    #[test]
    fn session_maps_from_ranges() {
        let sub = [
            SubIdRange {
                start: 100000,
                count: 65536,
            },
            SubIdRange {
                start: 300000,
                count: 10,
            },
        ];
        let m = session_maps(1001, 1002, &sub, &sub[..1]);
        assert_eq!(
            m.uids,
            vec![e(0, 1001, 1), e(1, 100000, 65536), e(65537, 300000, 10)]
        );
        assert_eq!(m.gids, vec![e(0, 1002, 1), e(1, 100000, 65536)]);
        assert_eq!(m.uid_count(), 65547);
        assert_eq!(m.gid_count(), 65537);
        assert!(!m.is_single());
        assert_eq!(
            IdMaps::to_proc_format(&m.gids),
            "0 1002 1\n1 100000 65536\n"
        );
        assert_eq!(
            IdMaps::helper_args(42, &m.gids),
            ["42", "0", "1002", "1", "1", "100000", "65536"]
        );
    }

    #[test]
    fn no_ranges_is_single() {
        let m = session_maps(1000, 1000, &[], &[]);
        assert_eq!(m.uids, vec![e(0, 1000, 1)]);
        assert!(m.is_single());
        assert_eq!(m.uid_count(), 1);
    }

    #[test]
    fn overlapping_and_overflowing_ranges_are_skipped() {
        let sub = [
            SubIdRange {
                start: 900,
                count: 200,
            },
            SubIdRange {
                start: 5000,
                count: u32::MAX - 10,
            },
            SubIdRange {
                start: 2000,
                count: 5,
            },
        ];
        let m = session_maps(1000, 1000, &sub, &[]);
        assert_eq!(m.uids, vec![e(0, 1000, 1), e(1, 2000, 5)]);
    }

    #[test]
    fn keep_id_maps_put_the_user_at_its_own_id() {
        let sub = [SubIdRange {
            start: 100000,
            count: 65536,
        }];
        let s = session_maps(1000, 1000, &sub, &sub);
        let k = keep_id_maps(&s, 1000, 1000);
        assert_eq!(
            k.uids,
            vec![e(1000, 0, 1), e(0, 1, 1000), e(1001, 1001, 64536)]
        );
        assert_eq!(k.uid_count(), 65537);
        // Root keeps identity.
        let k = keep_id_maps(&s, 0, 0);
        assert_eq!(k.uids, vec![e(0, 0, 1), e(1, 1, 65536)]);
        // Without subordinate ids only the user exists.
        let single = session_maps(1000, 1000, &[], &[]);
        let k = keep_id_maps(&single, 1000, 1000);
        assert_eq!(k.uids, vec![e(1000, 0, 1)]);
        // A uid above the session's range gets what is there below it.
        let small = session_maps(
            5,
            5,
            &[SubIdRange {
                start: 100,
                count: 10,
            }],
            &[],
        );
        let k = keep_id_maps(&small, 50, 50);
        assert_eq!(k.uids, vec![e(50, 0, 1), e(0, 1, 10)]);
        assert_eq!(k.gids, vec![e(50, 0, 1)]);
    }
}
