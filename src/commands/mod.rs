//! One file per command: orchestration only. Each takes validated options and calls into the
//! engine modules.

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::userns::session::Stage;

pub mod attach;
pub mod build;
pub mod commit;
pub mod container;
pub mod cp;
pub mod diff;
pub mod exec;
pub mod export;
pub mod generate;
pub mod healthcheck;
pub mod history;
pub mod image;
pub mod images;
pub mod import;
pub mod info;
pub mod inspect;
pub mod lifecycle;
pub mod load;
pub mod login;
pub mod logout;
pub mod logs;
pub mod network;
pub mod pause;
pub mod port;
pub mod probe_overlay;
pub mod ps;
pub mod pull;
pub mod push;
pub mod rename;
pub mod rm;
pub mod rmi;
pub mod run;
pub mod save;
pub mod system;
pub mod tag;
pub mod top;
pub mod untag;
pub mod version;
pub mod volume;

/// Run one parsed command line. A command that needs the session user namespace is handed to
/// a re-executed session process when we are still the host process (P0).
pub fn execute(cli: Cli, stage: Stage) -> Result<()> {
    // `run` validates its options before it enters the session (as do the commands that
    // take the stage); the other session commands go straight in.
    if cli.command.needs_session()
        && !matches!(
            cli.command,
            Command::Run(_)
                | Command::Create(_)
                | Command::Start(_)
                | Command::Rm(_)
                | Command::Container(_)
                | Command::Diff(_)
                | Command::Export(_)
                | Command::Commit(_)
                | Command::Cp(_)
                | Command::Build(_)
                | Command::Buildx(_)
        )
    {
        if let Stage::Host = stage {
            if let Command::Network(n) = &cli.command {
                network::before_session(n);
            }
            return crate::userns::session::run_in_session();
        }
    }
    match cli.command {
        Command::Image(crate::cli::image::ImageArgs {
            command: crate::cli::image::ImageCommand::Build(args),
        }) => build::execute(*args, stage),
        Command::Run(args) => run::execute(*args, stage),
        Command::Create(args) => lifecycle::create(*args, stage),
        Command::Start(args) => lifecycle::start(args, stage),
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
        Command::Rm(args) => rm::execute(args, stage),
        Command::Exec(args) => exec::execute(args),
        Command::Top(args) => top::execute(args),
        Command::Inspect(args) => inspect::execute(args),
        Command::Rename(args) => rename::execute(args),
        Command::Port(args) => port::execute(args),
        Command::Container(args) => container::execute(args, stage),
        Command::Diff(args) => diff::execute(args, stage),
        Command::Export(args) => export::execute(args, stage),
        Command::Commit(args) => commit::execute(args, stage),
        Command::Cp(args) => cp::execute(args, stage),
        Command::Info(args) => info::execute(args),
        Command::Version(args) => version::execute(args),
        Command::Volume(args) => volume::execute(args),
        Command::Network(args) => network::execute(args),
        Command::Generate(args) => generate::execute(args),
        Command::ProbeOverlay => probe_overlay::execute(),
        Command::Build(args) => build::execute(*args, stage),
        Command::Buildx(args) => match args.command {
            crate::cli::build::BuildxCommand::Build(a) => build::execute(a, stage),
        },
        Command::Builder(args) => build::builder(&args),
        Command::NetnsHolder => match stage {
            Stage::Session(link) => crate::net::bridge::holder::run(&link),
            Stage::Host => crate::userns::session::run_in_session(),
        },
    }
}

/// Run one command line inside a session forked from P0 (see `userns::session`): parse it
/// again and execute it as the session. Returns the exit status.
pub fn run_in_forked_session(args: Vec<std::ffi::OsString>, stage: Stage) -> i32 {
    match crate::cli::parse_session_args(args) {
        Ok(cli) => match execute(cli, stage) {
            Ok(()) => 0,
            Err(err) => err.report(),
        },
        Err(code) => code,
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
