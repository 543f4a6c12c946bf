//! One file per command: orchestration only. Each takes validated options and calls into the
//! engine modules.

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::userns::session::{SessionLink, SessionRequest, Stage};

pub use placement::{placement, HostHalf, Placement};

pub mod attach;
pub mod auto_update;
pub mod build;
pub mod commit;
pub mod compose;
pub mod container;
pub mod cp;
pub mod df;
pub mod diff;
pub mod events;
pub mod exec;
pub mod export;
pub mod generate;
pub mod generate_systemd;
pub mod healthcheck;
pub mod history;
pub mod image;
pub mod images;
pub mod import;
pub mod info;
pub mod inspect;
pub mod kube;
pub mod lifecycle;
pub mod load;
pub mod login;
pub mod logout;
pub mod logs;
pub mod network;
pub mod pause;
pub mod placement;
pub mod pod;
pub mod port;
pub mod probe_overlay;
pub mod ps;
pub mod pull;
pub mod push;
pub mod quadlet;
pub mod rename;
pub mod rm;
pub mod rmi;
pub mod run;
pub mod save;
pub mod stats;
pub mod system;
pub mod tag;
pub mod top;
pub mod unshare;
pub mod untag;
pub mod update;
pub mod version;
pub mod volume;

/// Run one parsed command line. In P0, [`placement`] says where it runs: here, in a session
/// straight away, or after its host half, which gives the session to run. In a session, the
/// command (or its session half) runs here.
pub fn execute(cli: Cli, stage: Stage) -> Result<()> {
    let link = match stage {
        Stage::Session(link) => link,
        Stage::Host => {
            let handoff = match placement::placement(&cli.command) {
                Placement::Host => return dispatch(cli.command, None),
                Placement::Session => Handoff::from(SessionRequest::same_command_line()),
                Placement::HostThenSession(half) => match host_half(half)? {
                    Some(handoff) => handoff,
                    None => return Ok(()),
                },
            };
            let result = launch_parsed(&handoff.request, cli);
            if let Some(path) = handoff.remove_after {
                build::remove_saved(&path);
            }
            return result;
        }
    };
    dispatch(cli.command, Some(&link))
}

/// P0: run one session as `request` says, which parses its command line afresh. With
/// [`launch_parsed`], the only caller of `userns::session::run_in_session`; host halves that run
/// several sessions (`start`, `restart`, a pull's unpack, the network holder) run each
/// through here.
pub fn launch(request: &SessionRequest) -> Result<()> {
    crate::userns::session::run_in_session(request, run_in_forked_session)
}

/// P0: [`launch`], except that a forked session that runs this process's own command line
/// takes `cli`, P0's parse of it, instead of parsing it again.
fn launch_parsed(request: &SessionRequest, cli: Cli) -> Result<()> {
    if request.args != SessionRequest::same_command_line().args {
        return launch(request);
    }
    crate::userns::session::run_in_session(request, move |_, stage| {
        exit_status(execute(cli, stage))
    })
}

/// What P0 hands on to the session of a command.
#[derive(Debug)]
struct Handoff {
    request: SessionRequest,
    /// A file or directory P0 wrote for the session (a Dockerfile read from stdin), removed
    /// after it.
    remove_after: Option<std::path::PathBuf>,
}

impl From<SessionRequest> for Handoff {
    fn from(request: SessionRequest) -> Self {
        Handoff {
            request,
            remove_after: None,
        }
    }
}

/// P0's half of a [`Placement::HostThenSession`] command: what it does before the session,
/// and the session it hands the rest to (`None` when it finished the command here).
fn host_half(half: HostHalf<'_>) -> Result<Option<Handoff>> {
    let done = |r: Result<()>| r.map(|()| None);
    let request = match half {
        HostHalf::Run(a) => run::host_half(a.clone()).map(Some),
        HostHalf::Create(a) => lifecycle::create_host_half(a.clone()).map(Some),
        HostHalf::Start(a) => done(lifecycle::start(a)),
        HostHalf::Restart(a) => done(lifecycle::restart(a.clone())),
        HostHalf::Rm(a) => rm::host_half(a),
        HostHalf::NetworkRm(a) => network::rm_host_half(a),
        HostHalf::Pull(a) => done(pull::execute(a.clone())),
        HostHalf::Diff(a) => diff::host_half(a),
        HostHalf::Export(a) => export::host_half(a.clone()),
        HostHalf::Commit(a) => commit::host_half(a.clone()),
        HostHalf::Cp(a) => cp::host_half(a.clone()),
        HostHalf::ContainerPrune(a) => container::prune_host_half(a),
        HostHalf::Build(a) => {
            return build::host_half(a).map(|(request, remove_after)| {
                Some(Handoff {
                    request,
                    remove_after,
                })
            })
        }
        HostHalf::NetworkJoin(a) => Ok(Some(network::session_request(a))),
    };
    request.map(|r| r.map(Handoff::from))
}

/// Run a command in this process: in P0 (`link` is `None`) for a command placed there, or
/// in a session, the command or its session half.
fn dispatch(command: Command, link: Option<&SessionLink>) -> Result<()> {
    match command {
        Command::Run(args) => run::in_session(*args, session_link(link)?),
        Command::Create(args) => lifecycle::create_in_session(*args),
        Command::Start(args) => lifecycle::start_in_session(&args, session_link(link)?),
        Command::Stop(args) => lifecycle::stop(args),
        Command::Kill(args) => lifecycle::kill(args),
        Command::Restart(args) => lifecycle::restart(args),
        Command::Wait(args) => lifecycle::wait(args),
        Command::Logs(args) => logs::execute(args),
        Command::Attach(args) => attach::execute(args),
        Command::Healthcheck(args) => healthcheck::execute(args),
        Command::Pause(args) => pause::execute(&args, "pause"),
        Command::Unpause(args) => pause::execute(&args, "unpause"),
        Command::Import(args) => import::execute(args),
        Command::Pull(args) => pull::execute(args),
        Command::UnpackImage(args) => pull::unpack(args),
        Command::Push(args) => push::execute(args),
        Command::Login(args) => login::execute(args),
        Command::Logout(args) => logout::execute(args),
        Command::Tag(args) => tag::execute(args),
        Command::Untag(args) => untag::execute(args),
        Command::Save(args) => save::execute(args),
        Command::Load(args) => load::execute(args),
        Command::History(args) => history::execute(args),
        Command::Image(args) => image::execute(args),
        Command::System(args) => system::execute(args),
        Command::Images(args) => images::execute(args),
        Command::Rmi(args) => rmi::execute(args),
        Command::Ps(args) => ps::execute(args),
        Command::Rm(args) => rm::execute(args),
        Command::Exec(args) => exec::execute(args),
        Command::Top(args) => top::execute(args),
        Command::Inspect(args) => inspect::execute(args),
        Command::Rename(args) => rename::execute(args),
        Command::Port(args) => port::execute(args),
        Command::Container(args) => container::execute(args, link),
        Command::Diff(args) => diff::in_session(&args),
        Command::Export(args) => export::in_session(&args),
        Command::Commit(args) => commit::in_session(args),
        Command::Cp(args) => cp::in_session(&args),
        Command::Info(args) => info::execute(args),
        Command::Events(args) => events::execute(args),
        Command::Version(args) => version::execute(args),
        Command::Volume(args) => volume::execute(args),
        Command::Unshare(args) => unshare::execute(args),
        Command::Network(args) => network::execute(args),
        Command::Compose(args) => compose::execute(*args),
        Command::Pod(args) => pod::execute(args),
        Command::Kube(args) => kube::execute(args),
        Command::Play(args) => match args.command {
            crate::cli::kube::PlayCommand::Kube(a) => kube::play(&a),
        },
        Command::Generate(args) => generate::execute(args),
        Command::Quadlet(args) => quadlet::execute(args),
        Command::GenerateUnits(args) => generate_systemd::execute(args),
        Command::AutoUpdate(args) => auto_update::execute(args),
        Command::ProbeOverlay => probe_overlay::execute(),
        Command::Build(args) => build::in_session(&args),
        Command::Buildx(args) => match args.command {
            crate::cli::build::BuildxCommand::Build(a) => build::in_session(&a),
        },
        Command::Builder(args) => build::builder(&args),
        Command::NetnsHolder => crate::net::bridge::holder::run(session_link(link)?),
        Command::Stats(args) => stats::execute(&args),
        Command::Update(args) => update::execute(&args),
    }
}

/// The session's link to P0, for a command that only runs in a session.
pub(crate) fn session_link(link: Option<&SessionLink>) -> Result<&SessionLink> {
    link.ok_or_else(|| {
        crate::error::Error::msg("internal error: a session command ran outside the session")
    })
}

/// Run one command line inside a session forked from P0 (see `userns::session`): parse it
/// again and execute it as the session. Returns the exit status.
pub fn run_in_forked_session(args: Vec<std::ffi::OsString>, stage: Stage) -> i32 {
    let line = std::iter::once(std::ffi::OsString::from("berth")).chain(args);
    match crate::cli::parse_from(line) {
        Ok(cli) => exit_status(execute(cli, stage)),
        Err(code) => code,
    }
}

/// A command's result as an exit status, with its error reported.
fn exit_status(result: Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(err) => err.report(),
    }
}

/// Split `KEY=VALUE` items (a bare KEY has an empty value, as in podman).
pub(crate) fn key_values(
    items: &[String],
    what: &str,
) -> crate::error::Result<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for item in items {
        let (k, v) = item.split_once('=').unwrap_or((item.as_str(), ""));
        if k.is_empty() {
            return Err(crate::error::Error::msg(format!(
                "invalid {what} `{item}`: expected KEY=VALUE"
            )));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// podman's `rm` reporting: run `one` on each target, print the key of each success, report
/// every failure, and return the first one's status. `one` gives `None` to skip a target.
pub(crate) fn remove_each<T>(
    targets: impl IntoIterator<Item = (String, T)>,
    mut one: impl FnMut(T) -> Option<Result<()>>,
) -> Result<()> {
    let mut first_error: Option<crate::error::Error> = None;
    for (key, target) in targets {
        match one(target) {
            None => {}
            Some(Ok(())) => println!("{key}"),
            Some(Err(e)) => {
                first_error.get_or_insert(crate::error::Error::Exit(e.report()));
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// `--filter` values, each turned into a filter by `parse`; one it refuses is an error
/// that ends with what is `supported`.
pub(crate) fn parse_filters<T>(
    texts: &[String],
    parse: impl Fn(&str) -> Option<T>,
    supported: &str,
) -> Result<Vec<T>> {
    texts
        .iter()
        .map(|f| {
            parse(f).ok_or_else(|| {
                crate::error::Error::msg(format!("invalid --filter `{f}`: {supported}"))
            })
        })
        .collect()
}

/// Write a command's archive to `path` or, with none, to standard output. A file is written
/// under a temporary name beside it and renamed into place, so a failed write leaves no half
/// file (and an existing file stays as it was).
pub(crate) fn write_output(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    use crate::error::Context as _;
    use std::io::Write as _;
    let Some(path) = path else {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write(&mut out)?;
        return out.flush().context("write standard output");
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(crate::storage::atomic::temp_name(
        name.as_deref().unwrap_or("output"),
    ));
    let result = (|| {
        let file =
            std::fs::File::create(&tmp).with_context(|| format!("create `{}`", tmp.display()))?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        out.flush()
            .with_context(|| format!("write `{}`", path.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("rename to `{}`", path.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `volume rm` / `network rm` of an object containers use: refused (exit 2, as podman)
/// unless `force`, which removes those containers first.
pub(crate) fn remove_users(
    paths: &crate::config::Paths,
    kind: &str,
    name: &str,
    users: &[crate::storage::container::Container],
    force: bool,
) -> crate::error::Result<()> {
    use crate::error::Context as _;
    if users.is_empty() {
        return Ok(());
    }
    if !force && kind == "volume" {
        // podman's words, which scripts match whole (so no hint line here).
        let ids: Vec<&str> = users.iter().map(|c| c.config.id.as_str()).collect();
        return Err(crate::error::Error::msg(format!(
            "volume {name} is being used by the following container(s): {}: volume is being used",
            ids.join(", ")
        ))
        .with_code(2));
    }
    if !force {
        let list: Vec<&str> = users.iter().map(|c| c.config.name.as_str()).collect();
        return Err(crate::error::Error::msg(format!(
            "cannot remove {kind} `{name}`: it is used by container {}",
            list.join(", ")
        ))
        .hint(format!(
            "remove the containers first, or use `berth {kind} rm -f`"
        ))
        .with_code(2));
    }
    for c in users {
        rm::remove_one(paths, c, true).with_context(|| format!("remove {kind} `{name}`"))?;
    }
    Ok(())
}
