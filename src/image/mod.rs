//! Image references, manifests and configs.

pub mod archive;
pub mod change;
pub mod config;
pub mod reference;
