//! `berth rmi`: untag and delete images, and the layers nothing else uses.

use crate::cli::rmi::RmiArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, Container};
use crate::storage::{find_image, ImageSummary, Match, Store, StoreError};

/// podman's exit status when an image does not exist.
const EXIT_NOT_KNOWN: i32 = 1;
/// podman's exit status when an image is in use by a container.
const EXIT_IN_USE: i32 = 2;

/// One thing `rmi` does to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Remove one name; the image keeps others.
    Untag { id: String, name: String },
    /// Remove the image, after untagging the names it still has.
    Delete { id: String, names: Vec<String> },
}

/// Decide what `rmi` does, before anything changes (pure). `targets` are the resolved
/// arguments in order; an image named twice is handled once.
pub fn plan(
    images: &[ImageSummary],
    targets: &[(String, Match)],
    force: bool,
) -> Result<Vec<Step>> {
    let mut names: Vec<(String, Vec<String>)> = images
        .iter()
        .map(|i| (i.id.clone(), i.names.clone()))
        .collect();
    let mut steps = Vec::new();
    for (id, how) in targets {
        let Some((_, left)) = names.iter_mut().find(|(i, _)| i == id) else {
            continue;
        };
        if steps
            .iter()
            .any(|s| matches!(s, Step::Delete { id: d, .. } if d == id))
        {
            continue;
        }
        match how {
            Match::Name(name) if left.len() > 1 => {
                left.retain(|n| n != name);
                steps.push(Step::Untag {
                    id: id.clone(),
                    name: name.clone(),
                });
            }
            Match::Id if left.len() > 1 && !force => {
                return Err(Error::msg(format!(
                    "unable to delete image `{}` by id with more than one name ({}): please force removal",
                    short(id),
                    left.join(", ")
                )));
            }
            Match::Name(_) | Match::Id => steps.push(Step::Delete {
                id: id.clone(),
                names: std::mem::take(left),
            }),
        }
    }
    Ok(steps)
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

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
            // podman: --force (like --ignore) skips a name that is not there, silently.
            Err(StoreError::ImageNotFound { .. }) if args.ignore || args.force => {}
            Err(e @ StoreError::ImageNotFound { .. }) => {
                return Err(Error::msg(e.to_string()).with_code(EXIT_NOT_KNOWN))
            }
            Err(e) => return Err(Error::msg(e.to_string())),
        }
    }
    let steps = plan(&images, &targets, args.force || args.all)?;

    // Containers block a deletion unless -f, which removes them.
    let containers = container::list(store.root()).context("list the containers")?;
    let mut doomed: Vec<&Container> = Vec::new();
    for step in &steps {
        let Step::Delete { id, .. } = step else {
            continue;
        };
        for c in containers.iter().filter(|c| &c.config.image_id == id) {
            if !args.force {
                return Err(Error::msg(format!(
                    "image `{}` is in use by container `{}` ({})",
                    short(id),
                    c.config.name,
                    short(&c.config.id)
                ))
                .hint("remove the container first, or use `berth rmi -f`")
                .with_code(EXIT_IN_USE));
            }
            doomed.push(c);
        }
    }
    // podman: -f removes the containers that use the image, running ones too (killed).
    for c in doomed {
        crate::commands::rm::remove_one(&paths, c, true)?;
    }

    for step in steps {
        match step {
            Step::Untag { id, name } => {
                store
                    .untag(&lock, &id, &name)
                    .with_context(|| format!("untag `{name}`"))?;
                crate::storage::events::record(&crate::storage::events::Event::image(
                    "untag", &id, &name,
                ));
                println!("Untagged: {name}");
            }
            Step::Delete { id, names } => {
                for name in &names {
                    crate::storage::events::record(&crate::storage::events::Event::image(
                        "untag", &id, name,
                    ));
                    println!("Untagged: {name}");
                }
                store
                    .delete_image(&lock, &id)
                    .with_context(|| format!("delete image `{}`", short(&id)))?;
                crate::storage::events::record(&crate::storage::events::Event::image(
                    "remove", &id, &id,
                ));
                println!("Deleted: {id}");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: char, names: &[&str]) -> ImageSummary {
        ImageSummary {
            id: id.to_string().repeat(64),
            names: names.iter().map(|s| s.to_string()).collect(),
            digest: String::new(),
            created: chrono::Utc::now(),
            size: 0,
            layers: vec![],
        }
    }

    fn by_name(id: char, name: &str) -> (String, Match) {
        (id.to_string().repeat(64), Match::Name(name.into()))
    }

    #[test]
    fn names_untag_until_the_last_deletes() {
        let images = vec![image('a', &["x:1", "x:2"])];
        let steps = plan(&images, &[by_name('a', "x:1"), by_name('a', "x:2")], false).unwrap();
        assert_eq!(
            steps,
            [
                Step::Untag {
                    id: "a".repeat(64),
                    name: "x:1".into()
                },
                Step::Delete {
                    id: "a".repeat(64),
                    names: vec!["x:2".into()]
                }
            ]
        );
    }

    #[test]
    fn by_id_with_several_names_needs_force() {
        let images = vec![image('a', &["x:1", "x:2"]), image('b', &[])];
        let target = [("a".repeat(64), Match::Id)];
        let err = plan(&images, &target, false).unwrap_err();
        assert!(err.render().unwrap().contains("please force removal"));
        let steps = plan(&images, &target, true).unwrap();
        assert_eq!(
            steps,
            [Step::Delete {
                id: "a".repeat(64),
                names: vec!["x:1".into(), "x:2".into()]
            }]
        );
        // An untagged image by id, named twice, is deleted once.
        let twice = [("b".repeat(64), Match::Id), ("b".repeat(64), Match::Id)];
        assert_eq!(plan(&images, &twice, false).unwrap().len(), 1);
    }
}
