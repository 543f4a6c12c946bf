//! `berth quadlet` arguments: the systemd generator, and podman 5's install/list/print/rm.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Arguments of `berth quadlet`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct QuadletArgs {
    #[command(subcommand)]
    pub command: Option<QuadletCommand>,
    /// The systemd generator: read the user's quadlet directories (without it, the system's)
    #[arg(long)]
    pub user: bool,
    /// Print the generated units on stdout instead of writing them
    #[arg(long)]
    pub dryrun: bool,
    /// Accepted for podman's generator (berth logs to stderr only)
    #[arg(long)]
    pub no_kmsg_log: bool,
    /// Print each file as it is read
    #[arg(short, long)]
    pub verbose: bool,
    /// systemd's generator directories: normal, early, late (the units go into the first)
    #[arg(value_name = "DIR", num_args = 0..=3)]
    pub dirs: Vec<PathBuf>,
}

/// The `quadlet` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum QuadletCommand {
    /// Copy quadlet files into the user's quadlet directory
    Install(QuadletInstallArgs),
    /// List the quadlet files berth reads
    #[command(visible_alias = "ls")]
    List(QuadletListArgs),
    /// Print a quadlet file
    Print(QuadletPrintArgs),
    /// Remove quadlet files
    #[command(visible_alias = "remove")]
    Rm(QuadletRmArgs),
}

/// Arguments of `berth quadlet install`.
#[derive(Debug, Clone, Args)]
pub struct QuadletInstallArgs {
    /// Overwrite files that are installed already
    #[arg(long)]
    pub replace: bool,
    /// Run `systemctl --user daemon-reload` afterwards
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub reload_systemd: bool,
    /// The quadlet files (or directories holding them)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `berth quadlet list`.
#[derive(Debug, Clone, Args)]
pub struct QuadletListArgs {
    /// A Go template such as `{{.Name}}`, or json
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

/// Arguments of `berth quadlet print`.
#[derive(Debug, Clone, Args)]
pub struct QuadletPrintArgs {
    /// The quadlet file's name (`web.container`)
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// Arguments of `berth quadlet rm`.
#[derive(Debug, Clone, Args)]
pub struct QuadletRmArgs {
    /// Remove every quadlet file of the user's quadlet directory
    #[arg(short, long)]
    pub all: bool,
    /// Stop the units of running quadlets first
    #[arg(short, long)]
    pub force: bool,
    /// Succeed when a quadlet does not exist
    #[arg(short, long)]
    pub ignore: bool,
    /// Run `systemctl --user daemon-reload` afterwards
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub reload_systemd: bool,
    /// The quadlet files' names
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    fn argv(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_generator_link_runs_the_generator() {
        assert_eq!(
            crate::cli::generator_argv(argv(&[
                "/usr/lib/systemd/user-generators/berth-user-generator",
                "/run/user/1000/systemd/generator",
                "/e",
                "/l"
            ])),
            argv(&[
                "/usr/lib/systemd/user-generators/berth-user-generator",
                "quadlet",
                "--user",
                "/run/user/1000/systemd/generator",
                "/e",
                "/l"
            ])
        );
        assert_eq!(
            crate::cli::generator_argv(argv(&["berth-generator", "/a"])),
            argv(&["berth-generator", "quadlet", "/a"])
        );
        assert_eq!(
            crate::cli::generator_argv(argv(&["berth", "ps"])),
            argv(&["berth", "ps"])
        );
        assert_eq!(
            crate::cli::generator_argv(argv(&["berth", "quadlet", "-dryrun", "-user"])),
            argv(&["berth", "quadlet", "--dryrun", "--user"])
        );
        assert_eq!(
            crate::cli::generator_argv(argv(&["berth", "run", "-user"])),
            argv(&["berth", "run", "-user"])
        );
        let cli = crate::cli::parse_from(crate::cli::generator_argv(argv(&[
            "berth-user-generator",
            "/n",
            "/e",
            "/l",
        ])))
        .unwrap();
        let crate::cli::Command::Quadlet(q) = cli.command else {
            panic!("not quadlet")
        };
        assert!(q.user && q.command.is_none() && q.dirs.len() == 3);
    }
}
