//! The store: plain files under `$XDG_DATA_HOME/berth` (DESIGN.md section 3).

pub mod container;
pub mod overlay;
