//! `berth image SUBCOMMAND`, and `image prune`.

use crate::cli::image::{ImageArgs, ImageCommand, PruneArgs};
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container;
use crate::storage::{ImageSummary, Store, StoreError};

/// Run `berth image SUBCOMMAND`.
pub fn execute(args: ImageArgs) -> Result<()> {
    match args.command {
        ImageCommand::Ls(a) => super::images::execute(a),
        ImageCommand::Rm(a) => super::rmi::execute(a),
        ImageCommand::Pull(a) => super::pull::execute(a),
        ImageCommand::Push(a) => super::push::execute(a),
        ImageCommand::Tag(a) => super::tag::execute(a),
        ImageCommand::Untag(a) => super::untag::execute(a),
        ImageCommand::History(a) => super::history::execute(a),
        ImageCommand::Prune(a) => prune(&a),
        ImageCommand::Save(a) => super::save::execute(a),
        ImageCommand::Load(a) => super::load::execute(a),
        ImageCommand::Import(a) => super::import::execute(a),
        // P0's half is run by `commands::execute`; this is the session's.
        ImageCommand::Build(a) => super::build::in_session(&a),
        ImageCommand::Inspect(a) => super::inspect::execute(a.into()),
        ImageCommand::Exists(a) => exists(&a.image),
    }
}

/// `berth image exists`: exit 0 or 1, print nothing.
fn exists(name: &str) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    match store.resolve_image(name) {
        Ok(_) => Ok(()),
        Err(StoreError::ImageNotFound { .. }) => Err(Error::Exit(1)),
        Err(e) => Err(e).with_context(|| format!("look up image `{name}`")),
    }
}

/// The images `prune` removes (pure): dangling ones (no name), or with `all` every one,
/// never one a container uses.
pub fn prunable<'a>(
    images: &'a [ImageSummary],
    used: &[String],
    all: bool,
) -> Vec<&'a ImageSummary> {
    images
        .iter()
        .filter(|i| all || i.names.is_empty())
        .filter(|i| !used.contains(&i.id))
        .collect()
}

/// Run `berth image prune` (in the session).
pub fn prune(args: &PruneArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let used: Vec<String> = container::list(store.root())
        .context("list the containers")?
        .into_iter()
        .map(|c| c.config.image_id)
        .collect();
    let lock = store.lock().context("lock the store")?;
    let images = store.images().context("read the image index")?;
    for image in prunable(&images, &used, args.all) {
        store
            .delete_image(&lock, &image.id)
            .with_context(|| format!("remove image `{}`", &image.id[..12]))?;
        println!("{}", image.id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, names: &[&str]) -> ImageSummary {
        ImageSummary {
            id: id.into(),
            names: names.iter().map(|s| s.to_string()).collect(),
            digest: String::new(),
            created: chrono::Utc::now(),
            size: 0,
            layers: Vec::new(),
        }
    }

    #[test]
    fn prune_spares_named_and_used_images() {
        let images = [image("a", &[]), image("b", &["x"]), image("c", &[])];
        let used = vec!["c".to_string()];
        let ids = |v: Vec<&ImageSummary>| v.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(prunable(&images, &used, false)), ["a"]);
        assert_eq!(ids(prunable(&images, &used, true)), ["a", "b"]);
    }
}
