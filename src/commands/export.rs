//! `berth export`: a container's root filesystem as a tarball. Runs in the session: a stopped
//! container's overlay is mounted there, and a running one's is reached in its monitor's
//! mount namespace. The walk never follows a symlink.

use std::os::fd::AsFd;
use std::path::Path;

use crate::cli::export::ExportArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::changes::{Archiver, TarMode};
use crate::userns::session::SessionRequest;

/// P0's half of `berth export`: refuse a terminal; export from here after joining a
/// running container's namespaces, or hand the export to a session.
pub fn host_half(args: ExportArgs) -> Result<Option<SessionRequest>> {
    if args.output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::msg("refusing to export to a terminal")
            .hint("use -o FILE, or redirect the output"));
    }
    if !super::container::join_running(&args.container)? {
        return Ok(Some(SessionRequest::same_command_line()));
    }
    in_session(&args).map(|()| None)
}

/// Export, with the container's rootfs reachable from this process: in the session (a
/// stopped container), or in P0 joined to a running one.
pub fn in_session(args: &ExportArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = super::container::find(&paths, &args.container)?;
    let rootfs = super::container::open_rootfs(&paths, &ctr)?;
    let what = || format!("export container `{}`", ctr.config.name);
    super::write_output(args.output.as_deref(), |out| {
        let mut archiver = Archiver::new(out, TarMode::Plain);
        archiver
            .add_contents(rootfs.fd.as_fd(), Path::new(""), &rootfs.path)
            .with_context(what)?;
        archiver.finish().with_context(what).map(drop)
    })
}
