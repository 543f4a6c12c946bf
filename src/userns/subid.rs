//! TEMP shim (replaced by the real module at merge).
use std::path::Path;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubIdRange {
    pub start: u32,
    pub count: u32,
}
pub fn lookup(path: &Path, user: &str, uid: u32) -> std::io::Result<Vec<SubIdRange>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    Ok(text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() == 3 && (f[0] == user || f[0] == uid.to_string()) {
                Some(SubIdRange {
                    start: f[1].parse().ok()?,
                    count: f[2].parse().ok()?,
                })
            } else {
                None
            }
        })
        .collect())
}
