//! `berth quadlet`: the systemd generator (reads the quadlet directories and writes a
//! service per `.container`, `.volume` and `.network` file, see `systemd::quadlet`), and
//! podman 5's `quadlet install|list|print|rm`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::cli::quadlet::{
    QuadletArgs, QuadletCommand, QuadletInstallArgs, QuadletListArgs, QuadletPrintArgs,
    QuadletRmArgs,
};
use crate::error::{Context, Error, Result};
use crate::storage::atomic::{write_atomic, Durability};
use crate::systemd::quadlet::{self, Kind};

/// Run `berth quadlet`.
pub fn execute(args: QuadletArgs) -> Result<()> {
    match args.command {
        Some(QuadletCommand::Install(a)) => install(a),
        Some(QuadletCommand::List(a)) => list(&a),
        Some(QuadletCommand::Print(a)) => print(&a),
        Some(QuadletCommand::Rm(a)) => rm(&a),
        None => generate(&args),
    }
}

/// The directories quadlet files are read from, first one first: `QUADLET_UNIT_DIRS`
/// (colon-separated) when set, else podman's user directories and berth's own
/// (`--user`), or podman's system directories.
pub fn unit_dirs(user: bool) -> Vec<PathBuf> {
    if let Some(dirs) = std::env::var_os("QUADLET_UNIT_DIRS").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&dirs).collect();
    }
    if !user {
        return [
            "/run/containers/systemd",
            "/etc/containers/systemd",
            "/usr/share/containers/systemd",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
    }
    let mut dirs = Vec::new();
    if let Some(config) = config_home() {
        dirs.push(config.join("containers/systemd"));
        dirs.push(config.join("berth/systemd"));
    }
    let uid = nix::unistd::getuid().as_raw();
    dirs.push(PathBuf::from(format!(
        "/etc/containers/systemd/users/{uid}"
    )));
    dirs.push(PathBuf::from("/etc/containers/systemd/users"));
    dirs
}

fn config_home() -> Option<PathBuf> {
    crate::config::Paths::discover()
        .ok()
        .and_then(|p| p.config.parent().map(Path::to_path_buf))
}

/// The directory `install` writes to: the user's podman quadlet directory.
fn install_dir() -> Result<PathBuf> {
    config_home()
        .map(|c| c.join("containers/systemd"))
        .ok_or_else(|| {
            Error::msg("find the quadlet directory: neither XDG_CONFIG_HOME nor HOME is set")
        })
}

/// A quadlet file found in the directories.
#[derive(Debug, Clone)]
struct Found {
    name: String,
    path: PathBuf,
    kind: Kind,
}

/// Every quadlet file in `dirs` (and their subdirectories), by name; the first directory
/// that has a name wins, as podman's generator does. Other files are left alone.
fn find_files(dirs: &[PathBuf]) -> Vec<Found> {
    let mut by_name: BTreeMap<String, Found> = BTreeMap::new();
    for dir in dirs {
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            let mut entries: Vec<_> = rd.filter_map(std::result::Result::ok).collect();
            entries.sort_by_key(std::fs::DirEntry::file_name);
            for e in entries {
                let path = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                // users/<uid>/ belongs to that user only: it is listed on its own.
                if path.is_dir() {
                    if !(d.ends_with("users") && name.bytes().all(|b| b.is_ascii_digit())) {
                        stack.push(path);
                    }
                    continue;
                }
                if let Some(kind) = Kind::of(&name) {
                    by_name
                        .entry(name.clone())
                        .or_insert(Found { name, path, kind });
                }
            }
        }
    }
    let mut all: Vec<Found> = by_name.into_values().collect();
    all.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    all
}

/// The berth binary the units run: this one.
fn berth_path() -> Result<String> {
    let exe = std::env::current_exe().context("find berth's own path (/proc/self/exe)")?;
    Ok(exe.to_string_lossy().into_owned())
}

/// The generator: convert every file; a file that fails is reported (path and line) and
/// the others are still written. Exits 125 when any failed.
fn generate(args: &QuadletArgs) -> Result<()> {
    let out_dir = match (args.dryrun, args.dirs.first()) {
        (true, _) => None,
        (false, Some(d)) => Some(d.clone()),
        (false, None) => {
            return Err(Error::msg("no output directory given")
                .hint("berth quadlet [--user] NORMAL_DIR [EARLY_DIR LATE_DIR], or --dryrun"))
        }
    };
    let files = find_files(&unit_dirs(args.user));
    let berth = berth_path()?;
    let mut texts = Vec::new();
    let mut resources = BTreeMap::new();
    let mut failed = false;
    for f in &files {
        if args.verbose {
            eprintln!("berth quadlet: loading `{}`", f.path.display());
        }
        match std::fs::read_to_string(&f.path) {
            Ok(text) => {
                if let Ok(unit) = crate::systemd::unit::Unit::parse(&text) {
                    if let Some(name) = quadlet::resource_name(f.kind, &f.name, &unit) {
                        resources.insert(f.name.clone(), name);
                    }
                }
                texts.push((f, text));
            }
            Err(e) => {
                eprintln!("berth quadlet: read `{}`: {e}", f.path.display());
                failed = true;
            }
        }
    }
    let cx = quadlet::Context {
        berth: &berth,
        resources: &resources,
    };
    for (f, text) in texts {
        let generated = match quadlet::convert(&f.name, &f.path, &text, &cx) {
            Ok(g) => g,
            Err(e) => {
                let at = if e.line > 0 {
                    format!("{}:{}", f.path.display(), e.line)
                } else {
                    f.path.display().to_string()
                };
                eprintln!("berth quadlet: {at}: {}", e.reason);
                failed = true;
                continue;
            }
        };
        match &out_dir {
            None => print!("---{}---\n{}\n", generated.service_name, generated.text()),
            Some(dir) => write_unit(dir, &generated)
                .with_context(|| format!("write the unit of `{}`", f.path.display()))?,
        }
    }
    if failed {
        return Err(Error::Exit(crate::error::EXIT_BERTH));
    }
    Ok(())
}

/// Write a unit into the generator's directory, with its `WantedBy=`/`RequiredBy=` links.
fn write_unit(dir: &Path, g: &quadlet::Generated) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("create `{}`", dir.display()))?;
    let path = dir.join(&g.service_name);
    write_atomic(&path, g.text().as_bytes(), Durability::Unsynced)
        .with_context(|| format!("write `{}`", path.display()))?;
    for (targets, suffix) in [(&g.wanted_by, "wants"), (&g.required_by, "requires")] {
        for t in targets {
            let link_dir = dir.join(format!("{t}.{suffix}"));
            std::fs::create_dir_all(&link_dir)
                .with_context(|| format!("create `{}`", link_dir.display()))?;
            let link = link_dir.join(&g.service_name);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(Path::new("..").join(&g.service_name), &link)
                .with_context(|| format!("link `{}`", link.display()))?;
        }
    }
    Ok(())
}

/// `systemctl --user ARGS`; its output, or why it could not run.
fn systemctl(args: &[&str]) -> std::result::Result<std::process::Output, String> {
    std::process::Command::new("systemctl")
        .arg("--user")
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("run `systemctl --user {}`: {e}", args.join(" ")))
}

fn reload() -> Result<()> {
    match systemctl(&["daemon-reload"]) {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(Error::msg(format!(
            "systemctl --user daemon-reload: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ))
        .hint("pass --reload-systemd=false when no user service manager runs")),
        Err(e) => {
            Err(Error::msg(e).hint("pass --reload-systemd=false when systemd is not installed"))
        }
    }
}

fn install(args: QuadletInstallArgs) -> Result<()> {
    let dir = install_dir()?;
    let mut sources = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("read `{}`", p.display()))?
                .filter_map(std::result::Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file())
                .collect();
            found.sort();
            sources.extend(found);
        } else {
            sources.push(p.clone());
        }
    }
    // Check everything before writing anything.
    let mut plan = Vec::new();
    for src in &sources {
        let name = src
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if Kind::of(&name).is_none()
            && src
                .parent()
                .is_some_and(|d| args.paths.contains(&d.to_path_buf()))
        {
            // A directory's other files (configuration the units use) go along.
        } else if Kind::of(&name).is_none() {
            return Err(Error::msg(format!(
                "`{}` is not a quadlet file: expected .container, .volume, .network, .pod, .kube, .image or .build",
                src.display()
            )));
        }
        let text = std::fs::read(src).with_context(|| format!("read `{}`", src.display()))?;
        let dest = dir.join(&name);
        if dest.exists() && !args.replace {
            return Err(Error::msg(format!(
                "quadlet `{name}` is installed already (`{}`)",
                dest.display()
            ))
            .hint("pass --replace to overwrite it"));
        }
        plan.push((dest, text));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("create `{}`", dir.display()))?;
    for (dest, text) in plan {
        write_atomic(&dest, &text, Durability::Synced)
            .with_context(|| format!("write `{}`", dest.display()))?;
        println!("{}", dest.display());
    }
    if args.reload_systemd {
        reload()?;
    }
    Ok(())
}

/// A quadlet's unit state from `systemctl --user is-active`, or podman's `Not loaded`.
fn status(service: &str) -> String {
    match systemctl(&["is-active", service]) {
        Ok(o) => {
            let s = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if s.is_empty() {
                "Not loaded".into()
            } else {
                s
            }
        }
        Err(_) => "Not loaded".into(),
    }
}

fn list(args: &QuadletListArgs) -> Result<()> {
    let files = find_files(&unit_dirs(true));
    let rows: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            let unit = f.kind.service_name(&f.name);
            json!({
                "Name": f.name,
                "UnitName": unit,
                "Path": f.path.display().to_string(),
                "Status": status(&unit),
            })
        })
        .collect();
    match args.format.as_deref() {
        Some("json") => {
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).context("render JSON")?
            );
        }
        Some(t) => {
            let template = crate::format::Template::parse(t)
                .map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?;
            let head = |f: &str| f.to_uppercase();
            print!(
                "{}",
                template
                    .render_rows(&rows, &head, true)
                    .map_err(|e| Error::msg(format!("render --format: {e}")))?
            );
        }
        None => {
            let mut table = vec![vec![
                "NAME".to_string(),
                "UNIT NAME".to_string(),
                "PATH ON DISK".to_string(),
                "STATUS".to_string(),
            ]];
            for r in &rows {
                table.push(
                    ["Name", "UnitName", "Path", "Status"]
                        .iter()
                        .map(|k| r[*k].as_str().unwrap_or_default().to_string())
                        .collect(),
                );
            }
            print!("{}", crate::format::table(&table));
        }
    }
    Ok(())
}

fn find_one(name: &str) -> Option<Found> {
    find_files(&unit_dirs(true))
        .into_iter()
        .find(|f| f.name == name)
}

fn print(args: &QuadletPrintArgs) -> Result<()> {
    let f = find_one(&args.name)
        .ok_or_else(|| Error::msg(format!("quadlet `{}` not found", args.name)))?;
    let text =
        std::fs::read_to_string(&f.path).with_context(|| format!("read `{}`", f.path.display()))?;
    print!("{text}");
    Ok(())
}

fn rm(args: &QuadletRmArgs) -> Result<()> {
    if args.all && !args.names.is_empty() {
        return Err(Error::msg("no arguments are needed with --all"));
    }
    if !args.all && args.names.is_empty() {
        return Err(Error::msg("you must name at least one quadlet").hint("or use --all"));
    }
    let dir = install_dir()?;
    let names: Vec<String> = if args.all {
        find_files(std::slice::from_ref(&dir))
            .into_iter()
            .map(|f| f.name)
            .collect()
    } else {
        args.names.clone()
    };
    let targets = names.into_iter().map(|n| (n.clone(), n));
    let result = super::remove_each(targets, |name| {
        let Some(f) = find_one(&name).filter(|f| f.path.starts_with(&dir)) else {
            return (!args.ignore).then(|| {
                Err(Error::msg(format!(
                    "quadlet `{name}` not found in `{}`",
                    dir.display()
                )))
            });
        };
        let unit = f.kind.service_name(&f.name);
        if status(&unit) == "active" {
            if !args.force {
                return Some(Err(Error::msg(format!(
                    "quadlet `{name}` is running (unit `{unit}`)"
                ))
                .hint("stop it, or pass --force")));
            }
            if let Err(e) = systemctl(&["stop", &unit]) {
                return Some(Err(Error::msg(e)));
            }
        }
        Some(
            std::fs::remove_file(&f.path).with_context(|| format!("remove `{}`", f.path.display())),
        )
    });
    if args.reload_systemd {
        reload()?;
    }
    result
}
