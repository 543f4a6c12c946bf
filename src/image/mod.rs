//! Image references, manifests and configs.

pub mod change;
pub mod config;
pub mod reference;
