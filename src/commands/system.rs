//! `berth system check [--repair]` (in the session): find what killed commands left
//! half-written in the store, and remove it with `--repair`.

use std::path::{Path, PathBuf};

use crate::cli::system::{CheckArgs, SystemArgs, SystemCommand, SystemPruneArgs};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::{Store, StoreLock};

/// One problem in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A `.tmp-*`, `.partial-*` or `.trash-*` file or directory of a writer that is gone
    /// (or of unknown owner); the work of a running berth is not a problem.
    Leftover(PathBuf),
    /// A layer directory without its layer.json.
    HalfLayer(PathBuf),
    /// A short link whose layer is gone, or a container name whose container is gone.
    DanglingLink(PathBuf),
    /// An index entry whose config or layers are missing.
    BrokenImage { id: String, missing: PathBuf },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Leftover(p) => write!(f, "half-written file `{}`", p.display()),
            Finding::HalfLayer(p) => write!(f, "layer without layer.json `{}`", p.display()),
            Finding::DanglingLink(p) => write!(f, "dangling layer link `{}`", p.display()),
            Finding::BrokenImage { id, missing } => write!(
                f,
                "image `{}` lacks `{}`",
                &id[..id.len().min(12)],
                missing.display()
            ),
        }
    }
}

/// Is `name` a leftover of an interrupted write (pure)?
pub fn is_leftover(name: &str) -> bool {
    name.starts_with(".tmp-") || name.starts_with(".trash-") || name.starts_with(".partial-")
}

fn entries(dir: &Path) -> Vec<std::fs::DirEntry> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(std::result::Result::ok).collect())
        .unwrap_or_default()
}

/// Look through the store (with its lock held). Ordinary commands remove the leftovers of
/// writers that are gone when they open the store, so after one of them this finds none.
pub fn check(store: &Store, lock: &StoreLock) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for leftover in store.leftovers(lock) {
        let path = leftover.path;
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        out.push(if is_link {
            Finding::DanglingLink(path)
        } else {
            Finding::Leftover(path)
        });
    }
    for e in entries(&store.layers_dir()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "l" || is_leftover(&name) {
            continue;
        }
        if !e.path().join("layer.json").is_file() {
            out.push(Finding::HalfLayer(e.path()));
        }
    }
    for image in store.images().context("read the image index")? {
        let config = store.images_dir().join(&image.id).join("config.json");
        let mut missing = (!config.is_file()).then_some(config);
        if missing.is_none() {
            for chain in &image.layers {
                let hex = chain.split_once(':').map_or(chain.as_str(), |(_, h)| h);
                let json = store.layers_dir().join(hex).join("layer.json");
                if !json.is_file() {
                    missing = Some(json);
                    break;
                }
            }
        }
        if let Some(missing) = missing {
            out.push(Finding::BrokenImage {
                id: image.id,
                missing,
            });
        }
    }
    Ok(out)
}

fn remove(path: &Path) -> std::io::Result<()> {
    crate::storage::cleanup::remove_any(path)
}

/// Run `berth system SUBCOMMAND`.
pub fn execute(args: SystemArgs) -> Result<()> {
    match args.command {
        SystemCommand::Check(a) => run_check(&a),
        SystemCommand::Prune(a) => prune(&a),
        SystemCommand::Events(a) => super::events::execute(a),
        SystemCommand::Df(a) => super::df::execute(&a),
    }
}

/// `berth system prune` (in the session): stopped containers, then the images nothing uses
/// (dangling ones, or with --all every one), the build cache, and with --volumes the unused
/// volumes.
fn prune(args: &SystemPruneArgs) -> Result<()> {
    if !args.force {
        use std::io::{BufRead, Write};
        let images = if args.all {
            "all images without at least one container associated to them"
        } else {
            "all dangling images"
        };
        let volumes = if args.volumes {
            "\t- all volumes not used by at least one container\n"
        } else {
            ""
        };
        print!(
            "WARNING! This command removes:\n\t- all stopped containers\n{volumes}\t- {images}\n\t- all build cache\n\nAre you sure you want to continue? [y/N] "
        );
        std::io::stdout().flush().context("write the prompt")?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .context("read the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            return Ok(());
        }
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let containers =
        crate::storage::container::list(store.root()).context("list the containers")?;
    let stopped = super::container::prunable(containers);
    if !stopped.is_empty() {
        println!("Deleted Containers");
    }
    for c in stopped {
        crate::storage::container::remove(store.root(), &c)
            .with_context(|| format!("remove container `{}`", c.config.name))?;
        println!("{}", c.config.id);
    }
    if args.volumes {
        super::volume::execute(crate::cli::volume::VolumeArgs {
            command: crate::cli::volume::VolumeCommand::Prune(
                crate::cli::volume::VolumePruneArgs {
                    force: true,
                    filter: Vec::new(),
                },
            ),
        })?;
    }
    let used: Vec<String> = crate::storage::container::list(store.root())
        .context("list the containers")?
        .into_iter()
        .map(|c| c.config.image_id)
        .collect();
    {
        let lock = store.lock().context("lock the store")?;
        let images = store.images().context("read the image index")?;
        let gone = super::image::prunable(&images, &used, args.all);
        if !gone.is_empty() {
            println!("Deleted Images");
        }
        for image in gone {
            store
                .delete_image(&lock, &image.id)
                .with_context(|| format!("remove image `{}`", &image.id[..12]))?;
            println!("{}", image.id);
        }
    }
    let n = crate::build::cache::Cache::new(store.root())
        .prune(&store)
        .context("prune the build cache")?;
    if n > 0 {
        println!("Deleted build cache entries: {n}");
    }
    Ok(())
}

fn run_check(args: &CheckArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open_unchanged(&paths).context("open the store")?;
    let lock = store.lock().context("lock the store")?;
    let findings = check(&store, &lock)?;
    for f in &findings {
        println!("{f}");
    }
    if findings.is_empty() {
        println!("no problems found");
        return Ok(());
    }
    if !args.repair {
        return Err(
            Error::msg(format!("the store has {} problem(s)", findings.len()))
                .hint("remove them with `berth system check --repair`")
                .with_code(1),
        );
    }
    for f in &findings {
        match f {
            Finding::Leftover(p) | Finding::HalfLayer(p) | Finding::DanglingLink(p) => {
                remove(p).with_context(|| format!("remove `{}`", p.display()))?;
            }
            Finding::BrokenImage { id, .. } => store
                .delete_image(&lock, id)
                .with_context(|| format!("remove image `{}`", &id[..id.len().min(12)]))?,
        }
    }
    println!("repaired {} problem(s)", findings.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_by_name() {
        assert!(is_leftover(".tmp-abc"));
        assert!(is_leftover(".partial-0123"));
        assert!(is_leftover(".trash-x"));
        assert!(!is_leftover("abc"));
        assert!(!is_leftover("l"));
    }

    #[test]
    fn check_finds_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_at(dir.path()).unwrap();
        std::fs::write(store.blobs_dir().join(".tmp-x"), b"x").unwrap();
        std::fs::create_dir(store.layers_dir().join("abcd")).unwrap();
        std::os::unix::fs::symlink("../gone/diff", store.layers_dir().join("l/SHORT")).unwrap();
        let lock = store.lock().unwrap();
        let found = check(&store, &lock).unwrap();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found.contains(&Finding::Leftover(store.blobs_dir().join(".tmp-x"))));
        assert!(found.contains(&Finding::HalfLayer(store.layers_dir().join("abcd"))));
    }
}
