//! The command line itself: help, version, usage errors, info.

use crate::util::Env;

#[test]
fn help_lists_the_commands() {
    let Some(env) = Env::cli() else { return };
    let out = env.berth(["--help"]).output();
    out.success();
    for cmd in ["run", "import", "images", "rmi", "info", "version"] {
        out.stdout_contains(cmd);
    }
    out.stdout_lacks("__generate");
}

#[test]
fn help_run_lists_its_flags() {
    let Some(env) = Env::cli() else { return };
    let out = env.berth(["help", "run"]).output();
    out.success();
    for flag in [
        "--rm",
        "--name",
        "--interactive",
        "--tty",
        "--env",
        "--env-file",
        "--workdir",
        "--user",
        "--entrypoint",
        "--hostname",
        "--volume",
        "--tmpfs",
        "--read-only",
        "--init",
        "--privileged",
        "--cap-add",
        "--cap-drop",
        "--security-opt",
        "--userns",
        "--network",
    ] {
        out.stdout_contains(flag);
    }
    // `run --help` says the same.
    let again = env.berth(["run", "--help"]).output();
    again.success().stdout_eq(&out.stdout());
}

#[test]
fn version_command_and_flag() {
    let Some(env) = Env::cli() else { return };
    let version = env!("CARGO_PKG_VERSION");
    env.berth(["version"])
        .output()
        .success()
        .stdout_contains(version);
    env.berth(["--version"])
        .output()
        .success()
        .stdout_contains(version);
}

#[test]
fn bad_flag_exits_125() {
    let Some(env) = Env::cli() else { return };
    let out = env.berth(["--no-such-flag"]).output();
    out.code(125).stderr_contains("--no-such-flag");
    let out = env
        .berth(["run", "--no-such-flag", "busybox", "true"])
        .output();
    out.code(125).stderr_contains("--no-such-flag");
    out.check(
        out.stdout.is_empty(),
        "a usage error prints nothing on stdout",
    );
}

#[test]
fn unknown_command_exits_125() {
    let Some(env) = Env::cli() else { return };
    env.berth(["frobnicate"])
        .output()
        .code(125)
        .stderr_contains("frobnicate");
}

#[test]
fn run_without_image_exits_125() {
    let Some(env) = Env::cli() else { return };
    env.berth(["run"]).expect_stderr().output().code(125);
}

#[test]
fn info_plain_and_json() {
    let Some(env) = Env::rootless() else { return };
    let out = env.berth(["info"]).output();
    out.success();
    out.check(!out.stdout.is_empty(), "info prints a report");
    let out = env.berth(["info", "--format", "json"]).output();
    out.success();
    let value: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| out.fail(&format!("info --format json is not JSON: {e}")));
    out.check(
        value.is_object(),
        "info --format json prints one JSON object",
    );
}
