//! berth's entry point: stage dispatch, parse, run one command, render the error, exit.

use std::process::ExitCode;

use berth::config::global::{log, LogLevel};

fn main() -> ExitCode {
    // The re-executed `--init` reaper (PID 1 of a container, from a sealed copy of berth)
    // supervises and exits here, before anything else runs.
    berth::run::reaper::dispatch();
    // Stage dispatch comes first: a re-executed session must unshare its user namespace
    // while the process is still single-threaded, before anything else runs.
    let stage = berth::userns::session::dispatch();
    let host = matches!(stage, berth::userns::session::Stage::Host);
    let code = match berth::cli::parse() {
        Ok(cli) => match berth::cli::apply_globals(&cli) {
            Ok(()) => {
                if host {
                    log_start(&cli);
                }
                match berth::commands::execute(cli, stage) {
                    Ok(()) => 0,
                    Err(err) => err.report(),
                }
            }
            Err(code) => code,
        },
        Err(code) => code,
    };
    ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX))
}

/// P0's first log lines: the level, the command line, and the directories it works in.
fn log_start(cli: &berth::cli::Cli) {
    let level = LogLevel::current();
    log(
        LogLevel::Info,
        format_args!("berth filtering at log level {}", level.name()),
    );
    let argv: Vec<String> = std::env::args().collect();
    log(LogLevel::Trace, format_args!("command line: {argv:?}"));
    if let Some(manager) = &cli.global.cgroup_manager {
        log(
            LogLevel::Debug,
            format_args!("cgroup manager {manager}: berth manages its containers' cgroups itself (cgroupfs), in the delegated subtree"),
        );
    }
    if !berth::config::global::log_enabled(LogLevel::Debug) {
        return;
    }
    match berth::config::Paths::discover() {
        Ok(paths) => log(
            LogLevel::Debug,
            format_args!(
                "store `{}`, runtime directory `{}`, configuration `{}`",
                paths.data.display(),
                paths.runtime.display(),
                paths.config.display()
            ),
        ),
        Err(e) => log(LogLevel::Debug, format_args!("berth's directories: {e}")),
    }
}
