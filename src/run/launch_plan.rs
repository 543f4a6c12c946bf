//! The session's launch plan: how one start of a container runs, decided once from its spec
//! and its Plan before anything is mounted or cloned. Pure data; `spawn` carries it out.
//!
//! - **Namespaces**: which new namespaces C's `clone3` asks for.
//! - **Network**: where C's network namespace comes from (the host's, one the clone makes,
//!   one made ahead of the clone with pasta started on it, or another container's or a
//!   path's, joined by S first), and whether user networks are wired after the clone.
//! - **I/O**: whether C's output goes straight to berth's stdio, through pipes into the log
//!   and berth's stdio, or (detached) into the log only; a pty with `-t`.
//! - **Supervision**: who waits for C: the foreground relay (with the detach keys of
//!   `run -it`), the log-copying foreground monitor, or the detached monitor (restarts,
//!   healthchecks, attach socket).

use std::path::PathBuf;

use crate::spec::{LogDriver, NetworkMode, RunOptions};

/// Where C's network namespace comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkPlan {
    /// The host's (`--network host`): C stays in S's network namespace.
    Host,
    /// A new namespace that `clone3` makes; the helper (if any) attaches after the clone.
    Cloned,
    /// A new namespace S makes before the clone, with pasta started on it at once, so that
    /// pasta's start overlaps the mounts and the clone (the first launch, not keep-id).
    Early,
    /// Another running container's (`--network container:X`): S joins it before the clone.
    JoinContainer(String),
    /// The namespace at a path (`--network ns:PATH`): S joins it before the clone.
    JoinPath(PathBuf),
}

/// Where C's stdio goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoPlan {
    /// berth's own stdio, or a pty relayed to it with `-t`.
    Direct { tty: bool },
    /// Pipes that S copies into the k8s-file log and to berth's stdout and stderr; stdin
    /// passed through with `-i`.
    Logged { stdin: bool },
    /// Detached: pipes (or the pty with `-t`) into the log; with `-i` and no pty, a pipe
    /// that `attach` writes to.
    Monitored { tty: bool, stdin_pipe: bool },
}

/// Who waits for C.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supervision {
    /// Relay signals (and the pty) until C exits; `detach_keys` (with `run -it`) turn the
    /// session into the container's monitor.
    Relay { detach_keys: Option<Vec<u8>> },
    /// Copy C's output into the log until it exits.
    LogCopy,
    /// The detached monitor: log, attach socket, healthchecks, restart policy.
    Monitor,
}

/// One start of a container, decided before anything runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchPlan {
    /// `clone3` makes a network namespace for C.
    pub clone_netns: bool,
    /// `clone3` makes a (keep-id) user namespace for C.
    pub clone_userns: bool,
    pub network: NetworkPlan,
    /// Wire C into its user networks after the clone (veths, published ports).
    pub bridge: bool,
    pub io: IoPlan,
    pub supervision: Supervision,
}

impl LaunchPlan {
    /// The plan for starting a container with spec `opts` (`new_net` and `keep_id` come
    /// from its Plan). `first` is false for a restart by the monitor: its network helper
    /// then starts after the clone, as it must re-publish ports that are free again only
    /// once the old helper is gone.
    pub fn new(opts: &RunOptions, new_net: bool, keep_id: bool, detach: bool, first: bool) -> Self {
        let network = match &opts.network {
            NetworkMode::Host => NetworkPlan::Host,
            NetworkMode::Container(key) => NetworkPlan::JoinContainer(key.clone()),
            NetworkMode::Ns(path) => NetworkPlan::JoinPath(path.clone()),
            NetworkMode::Pasta(_) if new_net && !keep_id && first => NetworkPlan::Early,
            NetworkMode::None
            | NetworkMode::Pasta(_)
            | NetworkMode::Slirp4netns(_)
            | NetworkMode::Bridge => NetworkPlan::Cloned,
        };
        let (io, supervision) = if detach {
            (
                IoPlan::Monitored {
                    tty: opts.tty,
                    stdin_pipe: opts.interactive && !opts.tty,
                },
                Supervision::Monitor,
            )
        } else if foreground_logged(opts) {
            (
                IoPlan::Logged {
                    stdin: opts.interactive,
                },
                Supervision::LogCopy,
            )
        } else {
            let keys = opts.tty && opts.interactive && !opts.extras.detach_keys.is_empty();
            (
                IoPlan::Direct { tty: opts.tty },
                Supervision::Relay {
                    detach_keys: keys.then(|| opts.extras.detach_keys.clone()),
                },
            )
        };
        LaunchPlan {
            clone_netns: new_net && network == NetworkPlan::Cloned,
            clone_userns: keep_id,
            network,
            bridge: opts.network == NetworkMode::Bridge,
            io,
            supervision,
        }
    }

    /// The same container started again by its monitor.
    pub fn restart(&self) -> Self {
        let mut next = self.clone();
        if next.network == NetworkPlan::Early {
            next.network = NetworkPlan::Cloned;
            next.clone_netns = true;
        }
        next
    }
}

/// A foreground container's output is logged too (so `logs` works afterwards, as with
/// podman), unless it is removed at exit anyway, has a pty, or a driver says otherwise.
fn foreground_logged(opts: &RunOptions) -> bool {
    let wanted = match opts.extras.log_driver {
        Some(LogDriver::K8sFile) => true,
        None => !opts.rm,
        Some(LogDriver::None | LogDriver::Passthrough) => false,
    };
    wanted && !opts.tty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{PastaOptions, SlirpOptions};

    fn spec(network: NetworkMode) -> RunOptions {
        RunOptions {
            image: "img".into(),
            network,
            ..RunOptions::default()
        }
    }

    #[test]
    fn network_plans() {
        let pasta = spec(NetworkMode::Pasta(PastaOptions::default()));
        let p = LaunchPlan::new(&pasta, true, false, false, true);
        assert_eq!(p.network, NetworkPlan::Early);
        assert!(!p.clone_netns, "the early namespace replaces the clone's");
        // keep-id and restarts take the plain order.
        assert_eq!(
            LaunchPlan::new(&pasta, true, true, false, true).network,
            NetworkPlan::Cloned
        );
        let again = p.restart();
        assert_eq!(again.network, NetworkPlan::Cloned);
        assert!(again.clone_netns);

        let slirp = spec(NetworkMode::Slirp4netns(SlirpOptions::default()));
        let p = LaunchPlan::new(&slirp, true, false, false, true);
        assert_eq!(p.network, NetworkPlan::Cloned);
        assert!(p.clone_netns && !p.bridge);

        let host = LaunchPlan::new(&spec(NetworkMode::Host), false, false, false, true);
        assert_eq!(host.network, NetworkPlan::Host);
        assert!(!host.clone_netns);

        let joined = LaunchPlan::new(
            &spec(NetworkMode::Container("db".into())),
            false,
            false,
            false,
            true,
        );
        assert_eq!(joined.network, NetworkPlan::JoinContainer("db".into()));
        assert!(!joined.clone_netns);
        let path = LaunchPlan::new(
            &spec(NetworkMode::Ns("/proc/1/ns/net".into())),
            false,
            false,
            false,
            true,
        );
        assert_eq!(path.network, NetworkPlan::JoinPath("/proc/1/ns/net".into()));

        let bridge = LaunchPlan::new(&spec(NetworkMode::Bridge), true, false, false, true);
        assert!(bridge.bridge && bridge.clone_netns);
        assert!(LaunchPlan::new(&spec(NetworkMode::None), true, true, false, true).clone_userns);
    }

    #[test]
    fn io_and_supervision() {
        let mut o = spec(NetworkMode::None);
        // `run IMG`: logged through pipes.
        let p = LaunchPlan::new(&o, true, false, false, true);
        assert_eq!(p.io, IoPlan::Logged { stdin: false });
        assert_eq!(p.supervision, Supervision::LogCopy);
        // `run --rm IMG`: straight through, no log.
        o.rm = true;
        let p = LaunchPlan::new(&o, true, false, false, true);
        assert_eq!(p.io, IoPlan::Direct { tty: false });
        assert_eq!(p.supervision, Supervision::Relay { detach_keys: None });
        // `run --rm -it IMG`: a pty, and the detach keys.
        o.tty = true;
        o.interactive = true;
        let p = LaunchPlan::new(&o, true, false, false, true);
        assert_eq!(p.io, IoPlan::Direct { tty: true });
        assert_eq!(
            p.supervision,
            Supervision::Relay {
                detach_keys: Some(vec![16, 17])
            }
        );
        // `--detach-keys ""` turns detaching off.
        o.extras.detach_keys.clear();
        assert_eq!(
            LaunchPlan::new(&o, true, false, false, true).supervision,
            Supervision::Relay { detach_keys: None }
        );
        // A log driver decides for a foreground container without a pty.
        let mut o = spec(NetworkMode::None);
        o.rm = true;
        o.extras.log_driver = Some(LogDriver::K8sFile);
        assert_eq!(
            LaunchPlan::new(&o, true, false, false, true).supervision,
            Supervision::LogCopy
        );
        o.rm = false;
        o.extras.log_driver = Some(LogDriver::Passthrough);
        assert_eq!(
            LaunchPlan::new(&o, true, false, false, true).io,
            IoPlan::Direct { tty: false }
        );
        // Detached: the monitor, with a stdin pipe for `-i` without a pty.
        let mut o = spec(NetworkMode::None);
        o.interactive = true;
        let p = LaunchPlan::new(&o, true, false, true, true);
        assert_eq!(
            p.io,
            IoPlan::Monitored {
                tty: false,
                stdin_pipe: true
            }
        );
        assert_eq!(p.supervision, Supervision::Monitor);
        o.tty = true;
        assert_eq!(
            LaunchPlan::new(&o, true, false, true, true).io,
            IoPlan::Monitored {
                tty: true,
                stdin_pipe: false
            }
        );
    }
}
