//! `berth kube play|down|generate`. The YAML is read and planned first (`crate::kube`, pure):
//! a bad document is one error naming the file, the document and the field, before anything
//! is made. The plan is then carried out with berth's own `volume create`, `pod create` and
//! `create` (as `pod` does, see `commands::pod`); a failure removes what the play made.

use std::ffi::OsString;

use crate::cli::kube::{KubeArgs, KubeCommand, KubeDownArgs, KubePlayArgs};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::kube::play::{Made, PlayOptions, PlayPlan, VolumeKind};
use crate::kube::Doc;

use super::pod::{berth, berth_str};

pub mod generate;

/// The label `kube play` puts on the claim volumes it makes (`kube down` removes those).
pub const CLAIM_LABEL: &str = "io.berth.kube.claim";

/// Run one `berth kube` subcommand.
pub fn execute(args: KubeArgs) -> Result<()> {
    match args.command {
        KubeCommand::Play(a) => play(&a),
        KubeCommand::Down(a) => down(&a),
        KubeCommand::Generate(a) => generate::execute(&a),
    }
}

/// Read `file` (`-` is stdin) as Kubernetes documents.
fn read_docs(file: &str) -> Result<Vec<Doc>> {
    let text = if file.starts_with("http://") || file.starts_with("https://") {
        // P0 may use the network (and threads); ureq's blocking client starts none.
        let mut response = ureq::get(file)
            .call()
            .map_err(|e| Error::from_source(format!("kube play: download `{file}`"), e))?;
        response
            .body_mut()
            .read_to_string()
            .map_err(|e| Error::from_source(format!("kube play: read `{file}`"), e))?
    } else if file == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("read stdin")?;
        s
    } else {
        std::fs::read_to_string(file).with_context(|| format!("read `{file}`"))?
    };
    crate::kube::parse(file, &text).map_err(|e| Error::msg(format!("kube play {e}")))
}

/// `berth kube play`.
pub fn play(args: &KubePlayArgs) -> Result<()> {
    if args.build == Some(true) {
        return Err(Error::msg(
            "berth: kube play --build is not supported yet: build the images with `berth build -t NAME DIR` first",
        ));
    }
    let mut docs = read_docs(&args.file)?;
    if args.down {
        return down_docs(&docs);
    }
    for file in &args.configmap {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("read the --configmap file `{}`", file.display()))?;
        let more = crate::kube::parse(&file.to_string_lossy(), &text)
            .map_err(|e| Error::msg(format!("kube play --configmap {e}")))?;
        for d in more {
            if !matches!(d.object, crate::kube::Object::Data(_)) {
                return Err(Error::msg(format!(
                    "kube play --configmap `{}`: document {}{}: only ConfigMaps and Secrets belong in a --configmap file",
                    d.file, d.index, d.label()
                )));
            }
            docs.push(d);
        }
    }
    let annotations = crate::commands::key_values(&args.annotation, "--annotation")?;
    for (k, v) in &annotations {
        if v.len() > crate::kube::play::ANNOTATION_MAX {
            return Err(Error::msg(format!(
                "annotation exceeds maximum size, {}, of kubernetes annotation: {k}={v}",
                crate::kube::play::ANNOTATION_MAX
            )));
        }
    }
    let opts = PlayOptions {
        network: args.network.clone(),
        publish: args.publish.clone(),
        log_driver: args.log_driver.clone(),
        annotations,
    };
    let plan =
        crate::kube::play::plan(&docs, &opts).map_err(|e| Error::msg(format!("kube play {e}")))?;
    // The notes come after what the play prints (podman's output starts with `Pod:`).
    let notes = || {
        for note in &plan.notes {
            eprintln!("{note}");
        }
    };
    if plan.pods.is_empty() && plan.volumes.is_empty() {
        return Err(Error::msg(format!(
            "kube play `{}`: nothing to play: no Pod, Deployment, DaemonSet or PersistentVolumeClaim",
            args.file
        )));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    if args.replace {
        let made =
            crate::kube::play::made(&docs).map_err(|e| Error::msg(format!("kube play {e}")))?;
        remove_made(&paths, &made, false)?;
    }
    for pod in &plan.pods {
        if crate::pod::find(&paths.data, &pod.name).is_ok_and(|p| p.config.name == pod.name) {
            return Err(Error::msg(format!(
                "kube play `{}`: pod `{}` already exists",
                args.file, pod.name
            ))
            .hint("remove it first (`berth kube down FILE`), or use --replace"));
        }
    }
    let mut done = Done::default();
    match carry_out(&paths, &plan, args.start, &mut done) {
        Ok(()) => {
            if !args.quiet {
                print_done(&done);
            }
            notes();
            Ok(())
        }
        Err(e) => {
            done.undo(&paths);
            notes();
            Err(e)
        }
    }
}

/// What a play has made so far (undone on failure).
#[derive(Default)]
struct Done {
    volumes: Vec<String>,
    /// Each pod's id and its containers' ids.
    pods: Vec<(String, Vec<String>)>,
}

impl Done {
    fn undo(&self, _paths: &Paths) {
        for (id, _) in self.pods.iter().rev() {
            let _ = berth_str(&["pod", "rm", "--force", "--time", "0", id.as_str()]);
        }
        for v in self.volumes.iter().rev() {
            let _ = berth_str(&["volume", "rm", "--force", v.as_str()]);
        }
    }
}

fn print_done(done: &Done) {
    for (pod, containers) in &done.pods {
        println!("Pod:\n{pod}\nContainers:");
        for c in containers {
            println!("{c}");
        }
        println!();
    }
}

fn carry_out(paths: &Paths, plan: &PlayPlan, start: bool, done: &mut Done) -> Result<()> {
    for dir in &plan.host_dirs {
        std::fs::create_dir_all(dir).with_context(|| format!("create the hostPath `{dir}`"))?;
    }
    for v in &plan.volumes {
        let exists = crate::storage::volume::find(&paths.data, &v.name).is_ok();
        if exists && v.kind == VolumeKind::Claim {
            continue;
        }
        if exists {
            return Err(
                Error::msg(format!("kube play: volume `{}` already exists", v.name))
                    .hint("remove it first (`berth volume rm`), or use --replace"),
            );
        }
        let mut a: Vec<OsString> = vec!["volume".into(), "create".into()];
        if v.kind == VolumeKind::Claim {
            a.push(format!("--label={CLAIM_LABEL}=true").into());
        }
        a.push(OsString::from(&v.name));
        berth(&a)?;
        done.volumes.push(v.name.clone());
        let data = crate::storage::volume::data_dir(
            &crate::storage::volume::volumes_dir(&paths.data),
            &v.name,
        );
        for (rel, bytes) in &v.files {
            let path = data.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("create `{}`", parent.display()))?;
            }
            std::fs::write(&path, bytes)
                .with_context(|| format!("write `{}` of volume `{}`", rel, v.name))?;
        }
    }
    for pod in &plan.pods {
        let mut a: Vec<OsString> = vec!["pod".into(), "create".into()];
        a.extend(pod.args.iter().map(OsString::from));
        let id = berth(&a)?.trim().to_string();
        done.pods.push((id, Vec::new()));
        for c in &pod.containers {
            let mut a: Vec<OsString> = vec!["create".into()];
            a.extend(c.args.iter().map(OsString::from));
            let id = berth(&a)?.trim().to_string();
            if let Some((_, ids)) = done.pods.last_mut() {
                ids.push(id);
            }
        }
    }
    if start {
        for pod in &plan.pods {
            berth_str(&["pod", "start", pod.name.as_str()])?;
        }
    }
    Ok(())
}

/// `berth kube down`.
pub fn down(args: &KubeDownArgs) -> Result<()> {
    let docs = read_docs(&args.file)?;
    down_docs(&docs)
}

fn down_docs(docs: &[Doc]) -> Result<()> {
    let made = crate::kube::play::made(docs).map_err(|e| Error::msg(format!("kube down {e}")))?;
    let paths = Paths::discover().context("find berth's directories")?;
    remove_made(&paths, &made, true)
}

/// Remove the pods of `made` that exist, then their owned volumes and the claim volumes a
/// play made (labelled) that no container uses any more. With `report`, podman's lines.
fn remove_made(paths: &Paths, made: &Made, report: bool) -> Result<()> {
    let mut ids = Vec::new();
    for name in &made.pods {
        if let Ok(p) = crate::pod::find(&paths.data, name) {
            if p.config.name == *name {
                ids.push(p.config.id);
            }
        }
    }
    if !ids.is_empty() {
        let mut a: Vec<OsString> = vec!["pod".into(), "rm".into(), "--force".into()];
        a.extend(ids.iter().map(OsString::from));
        berth(&a)?;
    }
    if report {
        println!("Pods stopped:");
        for id in &ids {
            println!("{id}");
        }
        println!("Pods removed:");
        for id in &ids {
            println!("{id}");
        }
    }
    let mut removed = Vec::new();
    for v in &made.owned_volumes {
        if crate::storage::volume::find(&paths.data, v).is_ok() {
            berth_str(&["volume", "rm", "--force", v.as_str()])?;
            removed.push(v.clone());
        }
    }
    for v in &made.claims {
        let ours = crate::storage::volume::find(&paths.data, v)
            .is_ok_and(|vol| vol.config.labels.contains_key(CLAIM_LABEL));
        let unused = crate::storage::volume::users(&paths.data, v).is_ok_and(|u| u.is_empty());
        if ours && unused {
            berth_str(&["volume", "rm", v.as_str()])?;
            removed.push(v.clone());
        }
    }
    if report && !removed.is_empty() {
        println!("Volumes removed:");
        for v in &removed {
            println!("{v}");
        }
    }
    Ok(())
}
