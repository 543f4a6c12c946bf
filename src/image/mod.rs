//! Image references, manifests and configs.

pub mod archive;
pub mod blob;
pub mod change;
pub mod config;
pub mod manifest;
pub mod reference;
