//! berth's entry point: stage dispatch, parse, run one command, render the error, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    // The re-executed `--init` reaper (PID 1 of a container, from a sealed copy of berth)
    // supervises and exits here, before anything else runs.
    berth::run::reaper::dispatch();
    // Stage dispatch comes first: a re-executed session must unshare its user namespace
    // while the process is still single-threaded, before anything else runs.
    let stage = berth::userns::session::dispatch();
    let code = match berth::cli::parse() {
        Ok(cli) => match berth::commands::execute(cli, stage) {
            Ok(()) => 0,
            Err(err) => err.report(),
        },
        Err(code) => code,
    };
    ExitCode::from(u8::try_from(code).unwrap_or(u8::MAX))
}
