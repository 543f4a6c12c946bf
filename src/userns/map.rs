//! TEMP shim (replaced by the real module at merge).
use super::subid::SubIdRange;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdMapEntry {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMaps {
    pub uids: Vec<IdMapEntry>,
    pub gids: Vec<IdMapEntry>,
}
impl IdMaps {
    pub fn is_single(&self) -> bool {
        self.uids.len() == 1
    }
}
fn one(id: u32, r: &[SubIdRange]) -> Vec<IdMapEntry> {
    let mut v = vec![IdMapEntry {
        inside: 0,
        outside: id,
        count: 1,
    }];
    let mut next = 1;
    for x in r {
        v.push(IdMapEntry {
            inside: next,
            outside: x.start,
            count: x.count,
        });
        next += x.count;
    }
    v
}
pub fn session_maps(uid: u32, gid: u32, su: &[SubIdRange], sg: &[SubIdRange]) -> IdMaps {
    IdMaps {
        uids: one(uid, su),
        gids: one(gid, sg),
    }
}
fn keep(s: &[IdMapEntry], id: u32) -> Vec<IdMapEntry> {
    let total: u32 = s.iter().map(|e| e.count).sum();
    let mut v = vec![IdMapEntry {
        inside: id,
        outside: 0,
        count: 1,
    }];
    if id > 0 {
        v.push(IdMapEntry {
            inside: 0,
            outside: 1,
            count: id.min(total - 1),
        });
    }
    if total > id + 1 {
        v.push(IdMapEntry {
            inside: id + 1,
            outside: id + 1,
            count: total - id - 1,
        });
    }
    v
}
pub fn keep_id_maps(s: &IdMaps, uid: u32, gid: u32) -> IdMaps {
    IdMaps {
        uids: keep(&s.uids, uid),
        gids: keep(&s.gids, gid),
    }
}
pub fn to_proc_format(e: &[IdMapEntry]) -> String {
    e.iter()
        .map(|e| format!("{} {} {}\n", e.inside, e.outside, e.count))
        .collect()
}
pub fn parse_proc_format(t: &str) -> Vec<IdMapEntry> {
    t.lines()
        .filter_map(|l| {
            let f: Vec<u32> = l
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (f.len() == 3).then(|| IdMapEntry {
                inside: f[0],
                outside: f[1],
                count: f[2],
            })
        })
        .collect()
}
