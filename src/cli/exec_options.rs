//! `berth exec`'s command line into the exec's validated options.

use super::exec::ExecArgs;
use super::run_options::{env_of, OptionsError};
use crate::run::exec::ExecOptions;
use crate::spec::UserSpec;

impl ExecOptions {
    /// Check and convert `berth exec`'s arguments. `host_env` looks up `-e KEY` values.
    pub fn from_args(
        args: ExecArgs,
        host_env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OptionsError> {
        let mut rest = args.container_and_command.into_iter();
        let container = rest.next().unwrap_or_default();
        let command: Vec<String> = rest.collect();
        if args.detach && args.tty {
            return Err(OptionsError::ExecDetachTty);
        }
        let env = env_of(&args.env_file, &args.env, &host_env)?;
        let user = match args.user {
            Some(u) => Some(UserSpec::parse(&u).ok_or(OptionsError::User(u))?),
            None => None,
        };
        if let Some(w) = &args.workdir {
            if !w.starts_with('/') {
                return Err(OptionsError::Workdir(w.clone()));
            }
        }
        Ok(ExecOptions {
            container,
            command,
            interactive: args.interactive,
            tty: args.tty,
            detach: args.detach,
            privileged: args.privileged,
            env,
            user,
            workdir: args.workdir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> ExecArgs {
        let cli =
            crate::cli::Cli::try_parse_from(["berth", "exec"].iter().chain(argv.iter()).copied())
                .expect("parse");
        match cli.command {
            crate::cli::Command::Exec(a) => a,
            other => panic!("parsed as {other:?}"),
        }
    }

    fn opts(argv: &[&str]) -> Result<ExecOptions, OptionsError> {
        ExecOptions::from_args(args(argv), |k| (k == "HOSTVAR").then(|| "host".to_string()))
    }

    #[test]
    fn options_from_args() {
        let o = opts(&[
            "-it",
            "-e",
            "A=1",
            "-e",
            "HOSTVAR",
            "-e",
            "MISSING",
            "-u",
            "tester:extra",
            "-w",
            "/tmp",
            "ctr",
            "sh",
            "-c",
            "echo -n hi",
        ])
        .unwrap();
        assert_eq!(o.container, "ctr");
        assert_eq!(o.command, ["sh", "-c", "echo -n hi"]);
        assert!(o.interactive && o.tty && !o.detach && !o.privileged);
        assert_eq!(
            o.env,
            [("A".into(), "1".into()), ("HOSTVAR".into(), "host".into())]
        );
        assert_eq!(
            o.user,
            Some(UserSpec {
                user: "tester".into(),
                group: Some("extra".into())
            })
        );
        assert_eq!(o.workdir.as_deref(), Some("/tmp"));
    }

    #[test]
    fn env_file_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env");
        std::fs::write(&file, "# c\n\nA=file\nB=file\n").unwrap();
        let o = opts(&[
            "--env-file",
            file.to_str().unwrap(),
            "-e",
            "A=flag",
            "c",
            "true",
        ])
        .unwrap();
        assert_eq!(
            o.env,
            [("B".into(), "file".into()), ("A".into(), "flag".into())]
        );
        let missing = dir.path().join("missing");
        assert!(matches!(
            opts(&["--env-file", missing.to_str().unwrap(), "c", "true"]),
            Err(OptionsError::EnvFile { .. })
        ));
    }

    #[test]
    fn invalid_options() {
        assert!(matches!(
            opts(&["-w", "relative", "c", "true"]),
            Err(OptionsError::Workdir(_))
        ));
        assert!(matches!(
            opts(&["-u", "a:", "c", "true"]),
            Err(OptionsError::User(_))
        ));
        assert!(matches!(
            opts(&["-e", "=x", "c", "true"]),
            Err(OptionsError::Env(_))
        ));
        assert!(matches!(
            opts(&["-d", "-t", "c", "true"]),
            Err(OptionsError::ExecDetachTty)
        ));
        // A container and a command are both required.
        assert!(crate::cli::Cli::try_parse_from(["berth", "exec", "ctr"]).is_err());
    }
}
