//! `berth auto-update`: for each running container labelled `io.containers.autoupdate`
//! (`registry`: the registry serves a newer image for its name; `local`: the local image of
//! that name changed), restart its systemd unit (`PODMAN_SYSTEMD_UNIT`) with
//! `systemctl --user restart`, and, when the restart fails, tag the old image back and
//! restart again (`--rollback`, the default). The pull and tag run as `berth` commands.

use serde_json::{json, Value};

use crate::cli::auto_update::AutoUpdateArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, Container, Status};

/// The label that asks for updates.
pub const AUTO_UPDATE_LABEL: &str = "io.containers.autoupdate";
/// The label naming the unit (set by berth when `PODMAN_SYSTEMD_UNIT` is in its environment).
pub const UNIT_LABEL: &str = "PODMAN_SYSTEMD_UNIT";

/// The update policy of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Registry,
    Local,
}

impl Policy {
    fn parse(text: &str) -> Option<Policy> {
        match text {
            "registry" | "image" => Some(Policy::Registry),
            "local" => Some(Policy::Local),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Policy::Registry => "registry",
            Policy::Local => "local",
        }
    }
}

/// One row of the report.
struct Report {
    unit: String,
    id: String,
    name: String,
    image: String,
    policy: Policy,
    updated: String,
}

/// Run `berth auto-update`.
pub fn execute(args: AutoUpdateArgs) -> Result<()> {
    if let Some(f) = args.format.as_deref() {
        if f != "json" && !f.contains("{{") {
            return Err(Error::msg(format!(
                "invalid --format `{f}`: berth supports json and templates such as `{{{{.Unit}}}}`"
            )));
        }
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let mut all = container::list(&paths.data).context("list containers")?;
    all.sort_by_key(|c| c.config.created);
    let mut reports = Vec::new();
    let mut first_error: Option<Error> = None;
    for c in all {
        let labels = &c.config.options.extras.labels;
        let Some(policy_text) = labels.get(AUTO_UPDATE_LABEL) else {
            continue;
        };
        if !c.state().is_ok_and(|s| s.status == Status::Running) {
            continue;
        }
        match update_one(&c, policy_text, &args) {
            Ok(r) => reports.push(r),
            Err(e) => {
                let e = wrap(
                    &format!("auto-updating container `{}`", &c.config.id[..12]),
                    &e,
                );
                if first_error.is_some() {
                    e.report();
                } else {
                    first_error = Some(e);
                }
            }
        }
    }
    print_reports(&reports, args.format.as_deref())?;
    first_error.map_or(Ok(()), Err)
}

fn update_one(c: &Container, policy_text: &str, args: &AutoUpdateArgs) -> Result<Report> {
    let policy = Policy::parse(policy_text).ok_or_else(|| {
        Error::msg(format!(
            "invalid {AUTO_UPDATE_LABEL} `{policy_text}`: expected registry or local"
        ))
    })?;
    let unit = c
        .config
        .options
        .extras
        .labels
        .get(UNIT_LABEL)
        .cloned()
        .ok_or_else(|| {
            Error::msg(format!("no {UNIT_LABEL} label found"))
                .hint("run it from a systemd unit (berth quadlet, berth generate systemd)")
        })?;
    let image = c.config.image_name.clone();
    if policy == Policy::Registry
        && crate::image::reference::Reference::parse(&image).map_or(true, |r| r.domain().is_none())
    {
        return Err(Error::msg(format!(
            "image `{image}` is not a fully qualified reference: the registry policy needs one such as registry.example/app:latest"
        )));
    }
    let old_id = c.config.image_id.clone();
    let mut report = Report {
        unit: unit.clone(),
        id: c.config.id.clone(),
        name: c.config.name.clone(),
        image: image.clone(),
        policy,
        updated: "false".into(),
    };
    let changed = match (policy, args.dry_run) {
        (Policy::Registry, true) => crate::commands::pull::registry_differs(
            &image,
            &old_id,
            args.tls_verify,
            args.authfile.as_deref(),
        )?,
        (Policy::Registry, false) => pull(&image, args)? != old_id,
        (Policy::Local, _) => local_id(&image)?.is_some_and(|id| id != old_id),
    };
    if !changed {
        return Ok(report);
    }
    if args.dry_run {
        report.updated = "pending".into();
        return Ok(report);
    }
    if restart(&unit).is_ok() {
        report.updated = "true".into();
        return Ok(report);
    }
    if !args.rollback {
        report.updated = "failed".into();
        return Ok(report);
    }
    berth(&["tag", &old_id, &image]).map_err(|e| wrap("roll back: tag the previous image", &e))?;
    restart(&unit).map_err(|e| wrap("roll back: restart the unit on the previous image", &e))?;
    report.updated = "rolled back".into();
    Ok(report)
}

/// `e` as the cause of `what` (its own text, hint included, after `what: `).
fn wrap(what: &str, e: &Error) -> Error {
    let text = e.render().unwrap_or_default();
    Error::msg(format!(
        "{what}: {}",
        text.strip_prefix("Error: ").unwrap_or(&text)
    ))
}

/// Run this berth with `args`; its stdout, or an error with its stderr.
fn berth(args: &[&str]) -> Result<String> {
    let exe = std::env::current_exe().context("find berth's own path (/proc/self/exe)")?;
    let out = std::process::Command::new(exe)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .with_context(|| format!("run `berth {}`", args.join(" ")))?;
    if !out.status.success() {
        return Err(Error::msg(format!(
            "`berth {}`: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Pull `image`; the id it names now.
fn pull(image: &str, args: &AutoUpdateArgs) -> Result<String> {
    let mut a = vec!["pull".to_string(), "-q".to_string()];
    if let Some(t) = args.tls_verify {
        a.push(format!("--tls-verify={t}"));
    }
    if let Some(f) = &args.authfile {
        a.push(format!("--authfile={}", f.display()));
    }
    a.push(image.to_string());
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    berth(&refs)
}

/// The id of the local image named `image`, if any.
fn local_id(image: &str) -> Result<Option<String>> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = crate::storage::Store::open(&paths).context("open the store")?;
    Ok(store.resolve_image(image).ok().map(|i| i.id))
}

/// `systemctl --user restart UNIT`.
fn restart(unit: &str) -> Result<()> {
    let out = std::process::Command::new("systemctl")
        .args(["--user", "restart", unit])
        .stdin(std::process::Stdio::null())
        .output()
        .context("run `systemctl --user restart`")?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "systemctl --user restart {unit}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

fn row(r: &Report) -> Value {
    json!({
        "Unit": r.unit,
        "Container": format!("{} ({})", &r.id[..12], r.name),
        "ContainerID": r.id,
        "ContainerName": r.name,
        "Image": r.image,
        "Policy": r.policy.as_str(),
        "Updated": r.updated,
    })
}

fn print_reports(reports: &[Report], format: Option<&str>) -> Result<()> {
    let rows: Vec<Value> = reports.iter().map(row).collect();
    match format {
        Some("json") => println!(
            "{}",
            serde_json::to_string_pretty(&rows).context("render JSON")?
        ),
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
            let keys = ["Unit", "Container", "Image", "Policy", "Updated"];
            let mut table = vec![keys.iter().map(|k| k.to_uppercase()).collect::<Vec<_>>()];
            for r in &rows {
                table.push(
                    keys.iter()
                        .map(|k| r[*k].as_str().unwrap_or_default().to_string())
                        .collect(),
                );
            }
            print!("{}", crate::format::table(&table));
        }
    }
    Ok(())
}
