//! User networks (`berth network …`, `run --network NAME`): the network configuration store,
//! subnet choice and address allocation. See docs/design-notes.md, "User networks".

pub mod attach;
pub mod dns;
pub mod forward;
pub mod holder;
pub mod ipam;
pub mod link;
pub mod netopts;
pub mod store;
pub mod subnet;
