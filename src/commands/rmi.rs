//! `berth rmi`: untag and delete images, and the layers nothing else uses.

use crate::cli::rmi::RmiArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, Container, ContainerState, Status};
use crate::storage::{find_image, Match, Store, StoreError};

/// podman's exit status when an image does not exist.
const EXIT_NOT_KNOWN: i32 = 1;
/// podman's exit status when an image is in use by a container.
const EXIT_IN_USE: i32 = 2;

/// Run `berth rmi`.
pub fn execute(args: RmiArgs) -> Result<()> {
    if args.all && !args.images.is_empty() {
        return Err(Error::msg("when using --all, specify no images"));
    }
    if !args.all && args.images.is_empty() {
        return Err(Error::msg("image name or ID must be specified"));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let lock = store.lock().context("lock the store")?;
    store
        .collect_garbage(&lock)
        .context("remove leftovers of interrupted commands")?;
    let images = store.images().context("read the image index")?;

    // Resolve every argument first, so an unknown image removes nothing.
    let mut targets: Vec<(String, Match)> = Vec::new();
    if args.all {
        targets.extend(images.iter().map(|i| (i.id.clone(), Match::Id)));
    }
    for query in &args.images {
        match find_image(&images, query) {
            Ok((n, m)) => targets.push((images[n].id.clone(), m)),
            Err(StoreError::ImageNotFound { .. }) if args.ignore => {}
            Err(e @ StoreError::ImageNotFound { .. }) => {
                return Err(Error::msg(e.to_string()).with_code(EXIT_NOT_KNOWN))
            }
            Err(e) => return Err(Error::msg(e.to_string())),
        }
    }

    let containers = container::list(store.root()).context("list the containers")?;
    let mut done: Vec<String> = Vec::new();
    for (id, how) in targets {
        if done.contains(&id) {
            continue;
        }
        let current = store.images().context("read the image index")?;
        let Some(image) = current.iter().find(|i| i.id == id) else {
            continue;
        };
        let untag: Vec<String> = match &how {
            Match::Name(name) if image.names.len() > 1 => {
                store
                    .untag(&lock, &id, name)
                    .with_context(|| format!("untag `{name}`"))?;
                println!("Untagged: {name}");
                continue;
            }
            Match::Name(name) => vec![name.clone()],
            Match::Id if image.names.len() > 1 && !args.force && !args.all => {
                return Err(Error::msg(format!(
                    "unable to delete image `{}` by id with more than one name ({}): please force removal",
                    &id[..12],
                    image.names.join(", ")
                )));
            }
            Match::Id => image.names.clone(),
        };
        let users: Vec<&Container> = containers
            .iter()
            .filter(|c| c.config.image_id == id)
            .collect();
        if let Some(first) = users.first() {
            if !args.force {
                return Err(Error::msg(format!(
                    "image `{}` is in use by container `{}` ({})",
                    &id[..12],
                    first.config.name,
                    &first.config.id[..12.min(first.config.id.len())]
                ))
                .hint("remove the container first, or use `berth rmi -f`")
                .with_code(EXIT_IN_USE));
            }
            for c in &users {
                if is_running(c) {
                    return Err(Error::msg(format!(
                        "image `{}` is in use by running container `{}`",
                        &id[..12],
                        c.config.name
                    ))
                    .hint("stop the container first")
                    .with_code(EXIT_IN_USE));
                }
            }
            for c in users {
                container::remove(store.root(), c)
                    .with_context(|| format!("remove container `{}`", c.config.name))?;
            }
        }
        for name in &untag {
            println!("Untagged: {name}");
        }
        store
            .delete_image(&lock, &id)
            .with_context(|| format!("delete image `{}`", &id[..12]))?;
        println!("Deleted: {id}");
        done.push(id);
    }
    drop(lock);
    Ok(())
}

fn is_running(c: &Container) -> bool {
    std::fs::read(c.dir.join("state.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<ContainerState>(&b).ok())
        .is_some_and(|s| s.status == Status::Running)
}
