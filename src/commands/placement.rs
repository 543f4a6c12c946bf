//! Where each command runs: P0 (the host process, the real user) or a session (uid 0 of the
//! user namespace mapped from /etc/subuid). One exhaustive match, so a new command does not
//! compile until it is placed here.

use crate::cli::build::{BuilderCommand, BuildxCommand};
use crate::cli::container::ContainerCommand;
use crate::cli::image::ImageCommand;
use crate::cli::network::NetworkCommand;
use crate::cli::system::SystemCommand;
use crate::cli::volume::VolumeCommand;
use crate::cli::Command;

/// Where a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In P0 only: it reads the store, or reaches a running container from P0 (which owns
    /// every session's user namespace), or talks to a registry.
    Host,
    /// In a session of its own, straight away, with the same command line: it writes the
    /// store or reads files owned by subordinate ids.
    Session,
    /// P0 runs the command's host half first (validate, pull, resolve the user namespace to
    /// join, ask for confirmation, join a running container) and gets from it the session
    /// to hand the rest to, or none when P0 finished the command itself. `pull`, `start`
    /// and `restart` run their sessions (unpack, one per container) from their host half.
    HostThenSession,
}

/// Where `command` runs.
pub fn placement(command: &Command) -> Placement {
    use Placement::{Host, HostThenSession, Session};
    match command {
        Command::Run(_)
        | Command::Create(_)
        | Command::Start(_)
        | Command::Restart(_)
        | Command::Pull(_)
        | Command::Diff(_)
        | Command::Export(_)
        | Command::Commit(_)
        | Command::Cp(_)
        | Command::Build(_) => HostThenSession,
        Command::Stop(_)
        | Command::Kill(_)
        | Command::Wait(_)
        | Command::Logs(_)
        | Command::Attach(_)
        | Command::Healthcheck(_)
        | Command::Pause(_)
        | Command::Unpause(_)
        | Command::Push(_)
        | Command::Login(_)
        | Command::Logout(_)
        | Command::Tag(_)
        | Command::Untag(_)
        | Command::Save(_)
        | Command::History(_)
        | Command::Images(_)
        | Command::Ps(_)
        | Command::Exec(_)
        | Command::Top(_)
        | Command::Inspect(_)
        | Command::Rename(_)
        | Command::Port(_)
        | Command::Info(_)
        | Command::Version(_)
        | Command::Generate(_) => Host,
        Command::Import(_)
        | Command::UnpackImage(_)
        | Command::Load(_)
        | Command::Rmi(_)
        | Command::Rm(_)
        | Command::ProbeOverlay
        | Command::NetnsHolder => Session,
        Command::Image(a) => match &a.command {
            ImageCommand::Pull(_) | ImageCommand::Build(_) => HostThenSession,
            ImageCommand::Rm(_)
            | ImageCommand::Prune(_)
            | ImageCommand::Load(_)
            | ImageCommand::Import(_) => Session,
            ImageCommand::Ls(_)
            | ImageCommand::Push(_)
            | ImageCommand::Tag(_)
            | ImageCommand::Untag(_)
            | ImageCommand::History(_)
            | ImageCommand::Save(_)
            | ImageCommand::Inspect(_)
            | ImageCommand::Exists(_) => Host,
        },
        Command::Container(a) => match &a.command {
            ContainerCommand::Run(_)
            | ContainerCommand::Prune(_)
            | ContainerCommand::Diff(_)
            | ContainerCommand::Export(_)
            | ContainerCommand::Commit(_)
            | ContainerCommand::Cp(_) => HostThenSession,
            ContainerCommand::Rm(_) => Session,
            ContainerCommand::Ls(_)
            | ContainerCommand::Inspect(_)
            | ContainerCommand::Rename(_)
            | ContainerCommand::Exists(_) => Host,
        },
        Command::System(a) => match &a.command {
            SystemCommand::Check(_) | SystemCommand::Prune(_) => Session,
        },
        Command::Volume(a) => match &a.command {
            VolumeCommand::Create(_) | VolumeCommand::Rm(_) | VolumeCommand::Prune(_) => Session,
            VolumeCommand::Ls(_) | VolumeCommand::Inspect(_) | VolumeCommand::Exists(_) => Host,
        },
        Command::Network(a) => match &a.command {
            // Removing a network may remove the containers on it.
            NetworkCommand::Rm(_) => Session,
            // The session joins the holder's user namespace when the container is running
            // on user networks: P0 finds that out.
            NetworkCommand::Connect(_) | NetworkCommand::Disconnect(_) => HostThenSession,
            NetworkCommand::Create(_)
            | NetworkCommand::Ls(_)
            | NetworkCommand::Inspect(_)
            | NetworkCommand::Prune(_)
            | NetworkCommand::Exists(_) => Host,
        },
        Command::Buildx(a) => match &a.command {
            BuildxCommand::Build(_) => HostThenSession,
        },
        Command::Builder(a) => match &a.command {
            BuilderCommand::Prune(_) => Session,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(line: &str) -> Placement {
        let args = std::iter::once("berth")
            .chain(line.split_whitespace())
            .map(std::ffi::OsString::from);
        let cli = crate::cli::parse_from(args).expect("a valid command line");
        placement(&cli.command)
    }

    #[test]
    fn readers_stay_in_p0() {
        for line in [
            "ps -a",
            "images",
            "inspect c",
            "logs c",
            "info",
            "version",
            "exec c true",
            "top c",
            "stop c",
            "kill c",
            "image ls",
            "image exists busybox",
            "container ls",
            "container exists c",
            "volume ls",
            "network ls",
            "network create n",
        ] {
            assert_eq!(place(line), Placement::Host, "{line}");
        }
    }

    #[test]
    fn writers_go_to_a_session() {
        for line in [
            "rm -f c",
            "container rm c",
            "rmi busybox",
            "image rm busybox",
            "image prune",
            "import x.tar",
            "load -i x.tar",
            "system check",
            "volume create v",
            "volume rm v",
            "network rm n",
            "builder prune",
            "__probe-overlay",
            "__netns-holder",
        ] {
            assert_eq!(place(line), Placement::Session, "{line}");
        }
    }

    #[test]
    fn host_half_first() {
        for line in [
            "run busybox true",
            "container run busybox true",
            "create busybox",
            "start c",
            "restart c",
            "pull busybox",
            "image pull busybox",
            "build .",
            "image build .",
            "buildx build .",
            "cp c:/etc/hosts .",
            "container cp c:/etc/hosts .",
            "export -o x.tar c",
            "diff c",
            "commit c img",
            "container prune -f",
            "network connect n c",
            "network disconnect n c",
        ] {
            assert_eq!(place(line), Placement::HostThenSession, "{line}");
        }
    }

    #[test]
    fn subcommands_are_placed_one_by_one() {
        // The same group, three places: the decision is per subcommand, not per group.
        assert_eq!(place("network ls"), Placement::Host);
        assert_eq!(place("network rm n"), Placement::Session);
        assert_eq!(place("network connect n c"), Placement::HostThenSession);
        assert_eq!(place("image inspect busybox"), Placement::Host);
        assert_eq!(place("image load -i x.tar"), Placement::Session);
        assert_eq!(place("image build ."), Placement::HostThenSession);
    }
}
