//! `berth volume`: create, list, inspect, remove and prune named volumes. Subcommands that
//! write the store (`create`, `rm`, `prune`) run in the session, because a volume's data
//! belong to the mapped ids once a container has written into it.

use std::collections::BTreeMap;
use std::io::BufRead as _;

use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::Value;

use crate::cli::volume::{
    VolumeArgs, VolumeCommand, VolumeCreateArgs, VolumeExistsArgs, VolumeExportArgs,
    VolumeImportArgs, VolumeInspectArgs, VolumeLsArgs, VolumePruneArgs, VolumeRmArgs,
};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{table, Template};
use crate::storage::volume::{self, Filter, Volume, VolumeError};

/// podman's status when a named volume does not exist.
const EXIT_NO_SUCH: i32 = 1;

/// Run `berth volume …`.
pub fn execute(args: VolumeArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    match args.command {
        VolumeCommand::Create(a) => create(&paths, a),
        VolumeCommand::Ls(a) => ls(&paths, a),
        VolumeCommand::Inspect(a) => inspect(&paths, a),
        VolumeCommand::Rm(a) => rm(&paths, a),
        VolumeCommand::Prune(a) => prune(&paths, a),
        VolumeCommand::Exists(a) => exists(&paths, &a),
        VolumeCommand::Export(a) => export(&paths, &a),
        VolumeCommand::Import(a) => import(&paths, &a),
        VolumeCommand::Mount(_) | VolumeCommand::Unmount(_) => Err(Error::msg(
            "cannot run command \"berth volume mount\" in rootless mode, must execute `berth unshare` first",
        )
        .hint("a volume's data are a directory already: `berth volume inspect --format '{{.Mountpoint}}' NAME`")),
    }
}

/// The directory holding `name`'s content, for `export` and `import`.
fn content_dir(paths: &Paths, name: &str, what: &str) -> Result<std::path::PathBuf> {
    let v = match volume::find(&paths.data, name) {
        Ok(v) => v,
        Err(e @ VolumeError::NotFound(_)) => return Err(Error::not_found(e)),
        Err(e) => return Err(Error::from_source(format!("{what} volume `{name}`"), e)),
    };
    v.mount_source().ok_or_else(|| {
        Error::msg(format!(
            "{what} volume `{name}`: it is a tmpfs, whose content lives only in a running container"
        ))
    })
}

/// `volume export`: the volume's content as a plain tar (runs in the session, which can
/// read files owned by any of the container's ids). The walk never follows a symlink.
fn export(paths: &Paths, args: &VolumeExportArgs) -> Result<()> {
    use crate::storage::changes::{Archiver, TarMode};
    use std::os::fd::AsFd as _;
    let dir = content_dir(paths, &args.name, "export")?;
    if args.output.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::msg("refusing to export to a terminal")
            .hint("use --output FILE, or redirect the output"));
    }
    let what = || format!("export volume `{}`", args.name);
    let root = std::fs::File::open(&dir).with_context(|| format!("open `{}`", dir.display()))?;
    let output = args.output.as_deref().map(std::path::Path::new);
    super::write_output(output, |out| {
        let mut archiver = Archiver::new(out, TarMode::Plain);
        archiver
            .add_contents(root.as_fd(), std::path::Path::new(""), &dir)
            .with_context(what)?;
        archiver.finish().with_context(what).map(drop)
    })
}

/// `volume import`: unpack a tar (a file, or `-` for standard input) into the volume, each
/// path resolved inside it; what the volume held stays unless the archive replaces it.
fn import(paths: &Paths, args: &VolumeImportArgs) -> Result<()> {
    let dir = content_dir(paths, &args.name, "import into")?;
    let input: Box<dyn std::io::Read> = if args.source == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.source).with_context(|| format!("open `{}`", args.source))?,
        )
    };
    let mut warn = |w: String| eprintln!("warning: volume import {}: {w}", args.name);
    crate::storage::layer::unpack(std::io::BufReader::new(input), &dir, &mut warn)
        .with_context(|| format!("import `{}` into volume `{}`", args.source, args.name))?;
    Ok(())
}

fn create(paths: &Paths, args: VolumeCreateArgs) -> Result<()> {
    if args.driver != volume::DRIVER {
        return Err(Error::msg(format!(
            "invalid volume driver `{}`: berth has only `local`",
            args.driver
        )));
    }
    let labels = super::key_values(&args.label, "label")?;
    let options = super::key_values(&args.opt, "volume option")?;
    match volume::create(&paths.data, args.name.as_deref(), labels, options, false) {
        Ok(v) => {
            volume_event("create", &v.config.name);
            println!("{}", v.config.name);
            Ok(())
        }
        Err(VolumeError::Exists(name)) if args.ignore => {
            println!("{name}");
            Ok(())
        }
        // podman's words whole: `invalid volume option device for driver 'local': …`.
        Err(e @ VolumeError::BadOption(_)) => Err(Error::msg(e.to_string())),
        Err(e) => Err(Error::from_source("create volume", e)),
    }
}

/// podman's volume JSON (`volume inspect`, `volume ls --format json`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VolumeJson<'a> {
    name: &'a str,
    driver: &'a str,
    mountpoint: String,
    created_at: String,
    labels: &'a BTreeMap<String, String>,
    scope: &'static str,
    options: &'a BTreeMap<String, String>,
    mount_count: u32,
    needs_copy_up: bool,
    needs_chown: bool,
    anonymous: bool,
}

fn to_json(v: &Volume) -> VolumeJson<'_> {
    VolumeJson {
        name: &v.config.name,
        driver: &v.config.driver,
        mountpoint: v.data().to_string_lossy().into_owned(),
        created_at: v
            .config
            .created
            .with_timezone(&chrono::Local)
            .to_rfc3339_opts(SecondsFormat::Nanos, true),
        labels: &v.config.labels,
        scope: "local",
        options: &v.config.options,
        mount_count: 0,
        needs_copy_up: v.config.needs_copy_up,
        needs_chown: v.config.needs_chown,
        anonymous: v.config.anonymous,
    }
}

/// How `ls` and `inspect` print.
#[derive(Debug, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Template(Template),
}

fn parse_format(text: Option<&str>, default: Format) -> Result<Format> {
    let bad = |t: &str, e: crate::format::TemplateError| {
        Error::msg(format!("invalid --format `{t}`: {e}")).hint(format!(
            "the fields are {}",
            FIELDS.map(|k| format!(".{k}")).join(", ")
        ))
    };
    match text {
        None => Ok(default),
        Some("table") => Ok(Format::Table),
        Some("json") => Ok(Format::Json),
        Some(t) if !t.contains("{{") => Err(Error::msg(format!(
            "invalid --format `{t}`: berth supports `json`, `table` and templates such as `{{{{.Name}}}}`"
        ))),
        Some(t) => {
            let template = Template::parse(t).map_err(|e| bad(t, e))?;
            // Check the fields now, so that a typo fails before any output.
            template.check_fields(&FIELDS).map_err(|e| bad(t, e))?;
            Ok(Format::Template(template))
        }
    }
}

/// The fields a template may use: those of the JSON.
const FIELDS: [&str; 11] = [
    "Name",
    "Driver",
    "Mountpoint",
    "CreatedAt",
    "Labels",
    "Scope",
    "Options",
    "MountCount",
    "NeedsCopyUp",
    "NeedsChown",
    "Anonymous",
];

/// A volume as a template sees it: its JSON.
fn template_value(v: &Volume) -> Value {
    serde_json::to_value(to_json(v)).unwrap_or(Value::Null)
}

/// Print `rows` through `t` (a `table` template gets podman's headings).
fn print_template(t: &Template, volumes: &[Volume], heading: bool) -> Result<()> {
    let rows: Vec<Value> = volumes.iter().map(template_value).collect();
    let head = |f: &str| match f {
        "Name" => "VOLUME NAME".to_string(),
        other => other.to_uppercase(),
    };
    print!(
        "{}",
        t.render_rows(&rows, &head, heading)
            .map_err(|e| Error::msg(format!("render --format: {e}")))?
    );
    Ok(())
}

fn ls(paths: &Paths, args: VolumeLsArgs) -> Result<()> {
    let format = parse_format(args.format.as_deref(), Format::Table)?;
    let filters = super::parse_filters(
        &args.filter,
        Filter::parse,
        "berth supports name=, label=, dangling= and driver=",
    )?;
    let mut volumes = volume::list(&paths.data).context("list volumes")?;
    if !filters.is_empty() {
        let in_use = volume::names_in_use(&paths.data).context("list volumes")?;
        volumes.retain(|v| {
            let used = in_use.contains(&v.config.name);
            filters.iter().all(|f| f.matches(&v.config, used))
        });
    }
    if args.quiet {
        for v in &volumes {
            println!("{}", v.config.name);
        }
        return Ok(());
    }
    match format {
        Format::Json => {
            let rows: Vec<VolumeJson<'_>> = volumes.iter().map(to_json).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).context("render JSON")?
            );
        }
        Format::Template(t) => print_template(&t, &volumes, !args.no_heading)?,
        Format::Table => {
            let mut rows = Vec::new();
            if !args.no_heading {
                rows.push(vec!["DRIVER".to_string(), "VOLUME NAME".to_string()]);
            }
            for v in &volumes {
                rows.push(vec![v.config.driver.clone(), v.config.name.clone()]);
            }
            if !rows.is_empty() {
                print!("{}", table(&rows));
            }
        }
    }
    Ok(())
}

fn inspect(paths: &Paths, args: VolumeInspectArgs) -> Result<()> {
    let format = parse_format(args.format.as_deref(), Format::Json)?;
    if format == Format::Table {
        return Err(Error::msg(
            "invalid --format `table`: `volume inspect` prints JSON or a template",
        ));
    }
    let mut found = Vec::new();
    let mut missing = None;
    if args.all {
        found = volume::list(&paths.data).context("list volumes")?;
    }
    for name in &args.names {
        match volume::find(&paths.data, name) {
            Ok(v) => found.push(v),
            Err(e @ VolumeError::NotFound(_)) => {
                missing.get_or_insert(Error::from_source("inspect volume", e));
            }
            Err(e) => return Err(Error::from_source("inspect volume", e)),
        }
    }
    match format {
        Format::Template(t) => print_template(&t, &found, true)?,
        _ => {
            let rows: Vec<VolumeJson<'_>> = found.iter().map(to_json).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).context("render JSON")?
            );
        }
    }
    missing.map_or(Ok(()), Err)
}

fn rm(paths: &Paths, args: VolumeRmArgs) -> Result<()> {
    let targets: Vec<(String, std::result::Result<Volume, VolumeError>)> = if args.all {
        volume::list(&paths.data)
            .context("list volumes")?
            .into_iter()
            .map(|v| (v.config.name.clone(), Ok(v)))
            .collect()
    } else {
        args.names
            .iter()
            .map(|n| (n.clone(), volume::find(&paths.data, n)))
            .collect()
    };
    super::remove_each(targets, |found| {
        Some(match found {
            // podman: --force skips a volume that is not there, silently.
            Err(VolumeError::NotFound(_)) if args.force => return None,
            Err(e @ VolumeError::NotFound(_)) => Err(Error::not_found(e).with_code(EXIT_NO_SUCH)),
            Err(e) => Err(Error::from_source("remove volume", e)),
            Ok(v) => remove_one(paths, &v, args.force),
        })
    })
}

fn remove_one(paths: &Paths, v: &Volume, force: bool) -> Result<()> {
    let name = &v.config.name;
    let users =
        volume::users(&paths.data, name).with_context(|| format!("remove volume `{name}`"))?;
    super::remove_users(paths, "volume", name, &users, force)?;
    volume::remove(&paths.data, v).with_context(|| format!("remove volume `{name}`"))?;
    volume_event("remove", name);
    Ok(())
}

fn prune(paths: &Paths, args: VolumePruneArgs) -> Result<()> {
    let filters = super::parse_filters(
        &args.filter,
        |f| Filter::parse(f).filter(|f| matches!(f, Filter::Label(..) | Filter::Name(_))),
        "`volume prune` supports label= and name=",
    )?;
    if !args.force {
        eprintln!(
            "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:"
        );
    }
    let in_use = volume::names_in_use(&paths.data).context("prune volumes")?;
    let unused: Vec<Volume> = volume::list(&paths.data)
        .context("prune volumes")?
        .into_iter()
        .filter(|v| !in_use.contains(&v.config.name))
        .filter(|v| filters.iter().all(|f| f.matches(&v.config, false)))
        .collect();
    if !args.force {
        for v in &unused {
            eprintln!("{}", v.config.name);
        }
        eprint!("Are you sure you want to continue? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            return Ok(());
        }
    }
    for v in &unused {
        volume::remove(&paths.data, v)
            .with_context(|| format!("remove volume `{}`", v.config.name))?;
        volume_event("remove", &v.config.name);
        println!("{}", v.config.name);
    }
    Ok(())
}

/// Record a volume event (podman names the volume only).
fn volume_event(status: &str, name: &str) {
    use crate::storage::events;
    events::record(&events::Event {
        name: name.to_string(),
        ..events::Event::new("volume", status)
    });
}

fn exists(paths: &Paths, args: &VolumeExistsArgs) -> Result<()> {
    match volume::find(&paths.data, &args.name) {
        Ok(_) => Ok(()),
        Err(VolumeError::NotFound(_)) => Err(Error::Exit(EXIT_NO_SUCH)),
        Err(e) => Err(Error::from_source("look up volume", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        assert_eq!(parse_format(None, Format::Table).unwrap(), Format::Table);
        assert_eq!(
            parse_format(Some("json"), Format::Table).unwrap(),
            Format::Json
        );
        assert!(parse_format(Some("{{.Nope}}"), Format::Table).is_err());
        assert!(parse_format(Some("yaml"), Format::Table).is_err());
        assert!(parse_format(Some("{{.Name"), Format::Table).is_err());
        let Format::Template(t) =
            parse_format(Some("{{.Name}}\\t{{ .Driver }}"), Format::Table).unwrap()
        else {
            panic!("not a template")
        };
        assert_eq!(
            t.render(&json!({"Name": "v", "Driver": "local"})).unwrap(),
            "v\tlocal"
        );
    }

    #[test]
    fn labels_and_options() {
        let m =
            super::super::key_values(&["a=1".into(), "b".into(), "c=x=y".into()], "label").unwrap();
        assert_eq!(m["a"], "1");
        assert_eq!(m["b"], "");
        assert_eq!(m["c"], "x=y");
        assert!(super::super::key_values(&["=1".into()], "label").is_err());
    }
}
