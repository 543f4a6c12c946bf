//! The rootless user namespace: subordinate id ranges, id maps (pure), the setuid
//! newuidmap/newgidmap helpers, and the session re-exec.

pub mod map;
pub mod newidmap;
pub mod session;
pub mod subid;
