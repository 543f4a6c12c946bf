//! `berth port`: the container's published ports, as podman prints them
//! (`80/tcp -> 0.0.0.0:8080`). Runs in P0: it only reads the container's record.

use crate::cli::port::PortArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::net::ports;

/// Run `berth port`.
pub fn execute(args: PortArgs) -> Result<()> {
    let filter = match &args.port {
        None => None,
        Some(p) => Some(ports::parse_port_filter(p).ok_or_else(|| {
            Error::msg(format!(
                "invalid port `{p}`: expected PORT[/PROTOCOL], such as 80 or 53/udp"
            ))
        })?),
    };
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = super::container::find(&paths, &args.container)?;
    let lines = ports::port_lines(&ctr.config.options.net.ports, filter);
    if lines.is_empty() {
        if let Some(p) = &args.port {
            // podman's words.
            return Err(Error::msg(format!("failed to find published port \"{p}\"")));
        }
    }
    for line in lines {
        println!("{line}");
    }
    Ok(())
}
