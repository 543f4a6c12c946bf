//! Networking.

pub mod bridge;
