//! systemd integration: the `sd_notify` client the monitor uses (`notify`), and the unit
//! files berth writes for quadlet and `generate systemd` (`unit`, `quadlet`, `generate`),
//! all pure text work except the notify socket.

pub mod notify;
pub mod quadlet;
pub mod unit;
