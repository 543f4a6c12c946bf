//! `berth generate systemd`: a service unit for an existing container (`berth start` /
//! `stop` it), or with `--new` one that creates the container afresh at each start from
//! the command line that created it, and removes it at stop. Podman 4's layout; the
//! container's monitor is the service's main process and tells systemd when it is ready
//! (`--sdnotify=conmon`, see `run::sdnotify`).

use std::collections::BTreeMap;

use crate::cli::generate_systemd::{GenerateCommand, GenerateSystemdArgs, GenerateUnitsArgs};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::Container;

/// Run `berth generate`.
pub fn execute(args: GenerateUnitsArgs) -> Result<()> {
    match args.command {
        GenerateCommand::Systemd(a) => systemd(&a),
        GenerateCommand::Kube(a) => super::kube::generate::execute(&a),
    }
}

const RESTART_POLICIES: [&str; 7] = [
    "no",
    "on-success",
    "on-failure",
    "on-abnormal",
    "on-watchdog",
    "on-abort",
    "always",
];

fn systemd(args: &GenerateSystemdArgs) -> Result<()> {
    if !RESTART_POLICIES.contains(&args.restart_policy.as_str()) {
        return Err(Error::msg(format!(
            "invalid --restart-policy `{}`: expected one of {}",
            args.restart_policy,
            RESTART_POLICIES.join(", ")
        )));
    }
    if let Some(f) = args.format.as_deref().filter(|f| *f != "json") {
        return Err(Error::msg(format!(
            "invalid --format `{f}`: berth supports json"
        )));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = match crate::storage::container::find(&paths.data, &args.container) {
        Ok(c) => c,
        Err(crate::storage::container::ContainerError::NotFound(_)) => {
            return Err(Error::msg(format!(
                "{}: no such container (berth: pods are not supported yet)",
                args.container
            )))
        }
        Err(e) => return Err(Error::from_source("find the container", e)),
    };
    let berth = std::env::current_exe()
        .context("find berth's own path (/proc/self/exe)")?
        .to_string_lossy()
        .into_owned();
    let unit = Unit::of(&ctr, args, &berth, &paths)?;
    let text = unit.render(args);
    if args.files {
        let cwd = std::env::current_dir().context("find the current directory")?;
        let path = cwd.join(format!("{}.service", unit.service));
        crate::storage::atomic::write_atomic(
            &path,
            text.as_bytes(),
            crate::storage::atomic::Durability::Synced,
        )
        .with_context(|| format!("write `{}`", path.display()))?;
        println!("{}", path.display());
    } else if args.format.is_some() {
        let mut map = BTreeMap::new();
        map.insert(unit.service.clone(), text);
        println!(
            "{}",
            serde_json::to_string_pretty(&map).context("render JSON")?
        );
    } else {
        print!("{text}");
    }
    Ok(())
}

/// What goes into one container's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unit {
    /// `container-web` (without `.service`).
    service: String,
    requires_mounts_for: String,
    stop_timeout: u32,
    exec_start: Vec<Vec<String>>,
    exec_stop: Vec<Vec<String>>,
    exec_stop_post: Vec<Vec<String>>,
}

impl Unit {
    fn of(ctr: &Container, args: &GenerateSystemdArgs, berth: &str, paths: &Paths) -> Result<Unit> {
        let key = if args.name || args.new {
            ctr.config.name.clone()
        } else {
            ctr.config.id.clone()
        };
        let service = format!("{}{}{key}", args.container_prefix, args.separator);
        let stop_timeout = args.time.or(ctr.config.options.stop_timeout).unwrap_or(10);
        let t = stop_timeout.to_string();
        let w = |items: &[&str]| items.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        if args.new {
            let rest = new_run_args(&ctr.config.options.extras.create_command)
                .map_err(|e| Error::msg(format!("generate systemd --new `{key}`: {e}")))?;
            let cid = "--cidfile=%t/%n.ctr-id";
            Ok(Unit {
                service,
                requires_mounts_for: "%t/berth".into(),
                stop_timeout,
                exec_start: vec![
                    w(&[berth, "run"]),
                    w(&[cid]),
                    w(&["--rm"]),
                    w(&["--sdnotify=conmon"]),
                    w(&["--replace"]),
                    w(&["-d"]),
                    rest,
                ],
                exec_stop: vec![w(&[berth, "stop"]), w(&["--ignore", "-t", &t]), w(&[cid])],
                exec_stop_post: vec![
                    w(&[berth, "rm"]),
                    w(&["-f"]),
                    w(&["--ignore", "-t", &t]),
                    w(&[cid]),
                ],
            })
        } else {
            Ok(Unit {
                service,
                requires_mounts_for: paths.runtime.display().to_string(),
                stop_timeout,
                exec_start: vec![w(&[berth, "start", &key])],
                exec_stop: vec![w(&[berth, "stop"]), w(&["-t", &t, &key])],
                exec_stop_post: vec![w(&[berth, "stop"]), w(&["-t", &t, &key])],
            })
        }
    }

    fn render(&self, args: &GenerateSystemdArgs) -> String {
        use std::fmt::Write as _;
        let name = format!("{}.service", self.service);
        let mut out = String::new();
        if !args.no_header {
            let _ = write!(
                out,
                "# {name}\n# autogenerated by berth {}\n# {}\n\n",
                env!("CARGO_PKG_VERSION"),
                chrono::Local::now().format("%a %b %e %H:%M:%S %Z %Y")
            );
        }
        let _ = writeln!(out, "[Unit]\nDescription=berth {name}");
        let _ = writeln!(out, "Documentation=man:berth-generate-systemd(1)");
        for u in &args.wants {
            let _ = writeln!(out, "Wants={u}");
        }
        for u in &args.after {
            let _ = writeln!(out, "After={u}");
        }
        for u in &args.requires {
            let _ = writeln!(out, "Requires={u}");
        }
        let _ = writeln!(out, "RequiresMountsFor={}", self.requires_mounts_for);
        let _ = writeln!(out, "\n[Service]\nEnvironment=PODMAN_SYSTEMD_UNIT=%n");
        let _ = writeln!(out, "Restart={}", args.restart_policy);
        if let Some(s) = args.restart_sec {
            let _ = writeln!(out, "RestartSec={s}");
        }
        if let Some(s) = args.start_timeout {
            let _ = writeln!(out, "TimeoutStartSec={s}");
        }
        let _ = writeln!(out, "TimeoutStopSec={}", self.stop_timeout + 60);
        let _ = writeln!(out, "ExecStart={}", lines(&self.exec_start));
        let _ = writeln!(out, "ExecStop={}", lines(&self.exec_stop));
        let _ = writeln!(out, "ExecStopPost={}", lines(&self.exec_stop_post));
        let _ = writeln!(out, "Type=notify\nNotifyAccess=all");
        let _ = writeln!(out, "\n[Install]\nWantedBy=default.target");
        out
    }
}

/// A command line in podman's layout: groups of words, one group a line.
fn lines(groups: &[Vec<String>]) -> String {
    groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| crate::systemd::unit::command_line(g))
        .collect::<Vec<_>>()
        .join(" \\\n\t")
}

/// Flags of the recorded command line that the unit sets itself.
const DROPPED_BOOLS: [&str; 4] = ["-d", "--detach", "--replace", "--rm"];
const DROPPED_VALUED: [&str; 3] = ["--cidfile", "--sdnotify", "--cgroups"];

/// The recorded create command's run arguments (after `run`/`create`), without the flags
/// the unit sets itself, `%` and `$` escaped for systemd.
fn new_run_args(create_command: &[String]) -> std::result::Result<Vec<String>, String> {
    let pos = create_command
        .iter()
        .position(|a| a == "run" || a == "create")
        .ok_or("the container has no recorded create command (it was created by an older berth): create it again")?;
    let cmd = crate::cli::command();
    let run = cmd
        .find_subcommand("run")
        .ok_or("internal error: no run command")?;
    let takes_value = |flag: &str| -> bool {
        run.get_arguments().any(|a| {
            let long = flag
                .strip_prefix("--")
                .is_some_and(|l| a.get_long() == Some(l));
            let short =
                flag.len() == 2 && flag.starts_with('-') && a.get_short() == flag.chars().nth(1);
            (long || short) && a.get_action().takes_values()
        })
    };
    let mut out = Vec::new();
    let mut args = create_command[pos + 1..].iter();
    while let Some(a) = args.next() {
        if a == "--" || !a.starts_with('-') {
            // The image and the command: kept as they are.
            out.push(a.clone());
            out.extend(args.by_ref().cloned());
            break;
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (a.as_str(), None),
        };
        if DROPPED_BOOLS.contains(&flag) {
            continue;
        }
        if DROPPED_VALUED.contains(&flag) {
            if inline.is_none() {
                args.next();
            }
            continue;
        }
        // A cluster of short flags (`-dit`) loses its `d`.
        if !a.starts_with("--") && a.len() > 2 && a.contains('d') && !takes_value(&a[..2]) {
            let kept: String = a[1..].chars().filter(|c| *c != 'd').collect();
            out.push(format!("-{kept}"));
            continue;
        }
        out.push(a.clone());
        if inline.is_none() && takes_value(flag) {
            if let Some(v) = args.next() {
                out.push(v.clone());
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|w| w.replace('%', "%%").replace('$', "$$"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn new_keeps_the_users_flags_and_drops_the_units_own() {
        let got = new_run_args(&s(&[
            "berth",
            "run",
            "-d",
            "--name",
            "web",
            "--cidfile",
            "/x",
            "--rm",
            "-p",
            "8080:80",
            "--sdnotify=ignore",
            "-dit",
            "-e",
            "A=100%",
            "busybox",
            "sh",
            "-c",
            "echo $HOME -d",
        ]))
        .unwrap();
        assert_eq!(
            got,
            s(&[
                "--name",
                "web",
                "-p",
                "8080:80",
                "-it",
                "-e",
                "A=100%%",
                "busybox",
                "sh",
                "-c",
                "echo $$HOME -d"
            ])
        );
        assert!(new_run_args(&s(&["berth"])).is_err());
    }

    #[test]
    fn lines_are_continued_as_podman_does() {
        assert_eq!(
            lines(&[
                s(&["/b", "run"]),
                s(&["--rm"]),
                s(&["busybox", "sh", "-c", "a b"])
            ]),
            "/b run \\\n\t--rm \\\n\tbusybox sh -c \"a b\""
        );
    }
}
