//! Where each command runs: P0 (the host process, the real user) or a session (uid 0 of the
//! user namespace mapped from /etc/subuid). One exhaustive match, so a new command does not
//! compile until it is placed here; a command with a host half names it here too, so
//! `commands::execute` runs it with no fallback arm.

use crate::cli::build::{BuildArgs, BuilderCommand, BuildxCommand};
use crate::cli::commit::CommitArgs;
use crate::cli::container::{ContainerCommand, PruneArgs};
use crate::cli::cp::CpArgs;
use crate::cli::diff::DiffArgs;
use crate::cli::export::ExportArgs;
use crate::cli::image::ImageCommand;
use crate::cli::lifecycle::{RestartArgs, StartArgs};
use crate::cli::network::{NetworkArgs, NetworkCommand, NetworkRmArgs};
use crate::cli::pull::PullArgs;
use crate::cli::rm::RmArgs;
use crate::cli::run::RunArgs;
use crate::cli::system::SystemCommand;
use crate::cli::volume::VolumeCommand;
use crate::cli::Command;

/// Where a command runs.
#[derive(Debug, Clone, Copy)]
pub enum Placement<'a> {
    /// In P0 only: it reads the store, or reaches a running container from P0 (which owns
    /// every session's user namespace), or talks to a registry.
    Host,
    /// In a session of its own, straight away, with the same command line: it writes the
    /// store or reads files owned by subordinate ids.
    Session,
    /// P0 runs the command's host half first (validate, pull, resolve the user namespace to
    /// join, ask for confirmation, join a running container) and gets from it the session
    /// to hand the rest to, or none when P0 finished the command itself.
    HostThenSession(HostHalf<'a>),
}

/// The host half of a [`Placement::HostThenSession`] command, with its arguments.
#[derive(Debug, Clone, Copy)]
pub enum HostHalf<'a> {
    /// Validate and pull; the session creates and runs the container.
    Run(&'a RunArgs),
    /// Validate and pull; the session records the container.
    Create(&'a RunArgs),
    /// One session per container, each in the user namespace its network needs.
    Start(&'a StartArgs),
    /// Stop from P0, then one session per container, as `start`.
    Restart(&'a RestartArgs),
    /// With `-f`, stop the running targets (P0 can signal any container's processes); the
    /// session removes them. Nothing to remove: no session.
    Rm(&'a RmArgs),
    /// With `-f`, stop the running containers on the networks, as `rm`; the session
    /// removes them and the networks.
    NetworkRm(&'a NetworkRmArgs),
    /// Download in P0 (threads, no session yet); unpack in a session of its own.
    Pull(&'a PullArgs),
    /// Resolve the container and its storage; the session reads the layers.
    Diff(&'a DiffArgs),
    /// As `diff`, writing the archive.
    Export(&'a ExportArgs),
    /// As `diff`; the session writes the image.
    Commit(&'a CommitArgs),
    /// Resolve both ends; join a running container, or a session for a stopped one.
    Cp(&'a CpArgs),
    /// Ask for confirmation in P0.
    ContainerPrune(&'a PruneArgs),
    /// Read a Dockerfile from stdin, log in, pull the bases.
    Build(&'a BuildArgs),
    /// `network connect`/`disconnect`: find the holder's user namespace to join.
    NetworkJoin(&'a NetworkArgs),
}

impl Placement<'_> {
    /// Where, without the host half's arguments.
    pub fn kind(&self) -> PlacementKind {
        match self {
            Placement::Host => PlacementKind::Host,
            Placement::Session => PlacementKind::Session,
            Placement::HostThenSession(_) => PlacementKind::HostThenSession,
        }
    }
}

/// [`Placement`] without its data, for tests and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementKind {
    Host,
    Session,
    HostThenSession,
}

/// Where `command` runs.
pub fn placement(command: &Command) -> Placement<'_> {
    use HostHalf as H;
    use Placement::{Host, HostThenSession as Then, Session};
    match command {
        Command::Run(a) => Then(H::Run(a)),
        Command::Create(a) => Then(H::Create(a)),
        Command::Start(a) => Then(H::Start(a)),
        Command::Restart(a) => Then(H::Restart(a)),
        Command::Pull(a) => Then(H::Pull(a)),
        Command::Diff(a) => Then(H::Diff(a)),
        Command::Export(a) => Then(H::Export(a)),
        Command::Commit(a) => Then(H::Commit(a)),
        Command::Cp(a) => Then(H::Cp(a)),
        Command::Build(a) => Then(H::Build(a)),
        Command::Rm(a) => Then(H::Rm(a)),
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
        | Command::Events(_)
        | Command::Version(_)
        | Command::Generate(_)
        | Command::Quadlet(_)
        | Command::GenerateUnits(_)
        | Command::AutoUpdate(_)
        | Command::Stats(_)
        | Command::Compose(_)
        | Command::Pod(_)
        | Command::Kube(_)
        | Command::Play(_) => Host,
        Command::Import(_)
        | Command::UnpackImage(_)
        | Command::Load(_)
        | Command::Rmi(_)
        | Command::ProbeOverlay
        | Command::NetnsHolder
        | Command::Update(_) => Session,
        Command::Image(a) => match &a.command {
            ImageCommand::Pull(a) => Then(H::Pull(a)),
            ImageCommand::Build(a) => Then(H::Build(a)),
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
            ContainerCommand::Run(a) => Then(H::Run(a)),
            ContainerCommand::Prune(a) => Then(H::ContainerPrune(a)),
            ContainerCommand::Diff(a) => Then(H::Diff(a)),
            ContainerCommand::Export(a) => Then(H::Export(a)),
            ContainerCommand::Commit(a) => Then(H::Commit(a)),
            ContainerCommand::Cp(a) => Then(H::Cp(a)),
            ContainerCommand::Rm(a) => Then(H::Rm(a)),
            ContainerCommand::Update(_) => Session,
            ContainerCommand::Ls(_)
            | ContainerCommand::Inspect(_)
            | ContainerCommand::Rename(_)
            | ContainerCommand::Exists(_)
            | ContainerCommand::Stop(_)
            | ContainerCommand::Kill(_)
            | ContainerCommand::Wait(_)
            | ContainerCommand::Logs(_)
            | ContainerCommand::Pause(_)
            | ContainerCommand::Unpause(_)
            | ContainerCommand::Stats(_)
            | ContainerCommand::Top(_)
            | ContainerCommand::Port(_) => Host,
        },
        Command::System(a) => match &a.command {
            // `df` reads container layers and volumes, owned by subordinate ids.
            SystemCommand::Check(_) | SystemCommand::Prune(_) | SystemCommand::Df(_) => Session,
            SystemCommand::Events(_) => Host,
        },
        Command::Unshare(_) => Session,
        Command::Volume(a) => match &a.command {
            VolumeCommand::Create(_)
            | VolumeCommand::Rm(_)
            | VolumeCommand::Prune(_)
            | VolumeCommand::Export(_)
            | VolumeCommand::Import(_) => Session,
            VolumeCommand::Ls(_)
            | VolumeCommand::Inspect(_)
            | VolumeCommand::Exists(_)
            | VolumeCommand::Mount(_)
            | VolumeCommand::Unmount(_) => Host,
        },
        Command::Network(n) => match &n.command {
            // Removing a network may remove the containers on it.
            NetworkCommand::Rm(a) => Then(H::NetworkRm(a)),
            // The session joins the holder's user namespace when the container is running
            // on user networks: P0 finds that out.
            NetworkCommand::Connect(_) | NetworkCommand::Disconnect(_) => Then(H::NetworkJoin(n)),
            NetworkCommand::Create(_)
            | NetworkCommand::Ls(_)
            | NetworkCommand::Inspect(_)
            | NetworkCommand::Prune(_)
            | NetworkCommand::Exists(_) => Host,
        },
        Command::Buildx(a) => match &a.command {
            BuildxCommand::Build(a) => Then(H::Build(a)),
        },
        Command::Builder(a) => match &a.command {
            BuilderCommand::Prune(_) => Session,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(line: &str) -> PlacementKind {
        let args = std::iter::once("berth")
            .chain(line.split_whitespace())
            .map(std::ffi::OsString::from);
        let cli = crate::cli::parse_from(args).expect("a valid command line");
        placement(&cli.command).kind()
    }

    #[test]
    fn readers_stay_in_p0() {
        for line in [
            "ps -a",
            "images",
            "inspect c",
            "logs c",
            "info",
            "events --stream=false",
            "system events",
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
            assert_eq!(place(line), PlacementKind::Host, "{line}");
        }
    }

    #[test]
    fn writers_go_to_a_session() {
        for line in [
            "rmi busybox",
            "image rm busybox",
            "image prune",
            "import x.tar",
            "load -i x.tar",
            "system check",
            "system df",
            "volume create v",
            "volume rm v",
            "builder prune",
            "__probe-overlay",
            "__netns-holder",
        ] {
            assert_eq!(place(line), PlacementKind::Session, "{line}");
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
            "rm -f c",
            "container rm c",
            "network rm n",
        ] {
            assert_eq!(place(line), PlacementKind::HostThenSession, "{line}");
        }
    }

    #[test]
    fn subcommands_are_placed_one_by_one() {
        // The same group, different places: the decision is per subcommand, not per group.
        assert_eq!(place("network ls"), PlacementKind::Host);
        assert_eq!(place("network rm n"), PlacementKind::HostThenSession);
        assert_eq!(place("network connect n c"), PlacementKind::HostThenSession);
        assert_eq!(place("image inspect busybox"), PlacementKind::Host);
        assert_eq!(place("image load -i x.tar"), PlacementKind::Session);
        assert_eq!(place("image build ."), PlacementKind::HostThenSession);
    }
}
