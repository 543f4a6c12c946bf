//! `berth tag`: give an image more names (a name moves from any image that had it).

use crate::cli::tag::TagArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::reference::Reference;
use crate::storage::Store;

/// Normalise a name as podman does for local names (`x` → `localhost/x:latest`); a digest
/// is not a name.
pub fn full_name(text: &str) -> Result<String> {
    let r = Reference::parse_local(text).map_err(|e| Error::msg(e.to_string()))?;
    if r.digest().is_some() {
        return Err(Error::msg(format!(
            "invalid name `{text}`: a tag name cannot have a digest"
        )));
    }
    Ok(r.to_string())
}

/// Run `berth tag`.
pub fn execute(args: TagArgs) -> Result<()> {
    let names: Vec<String> = args
        .targets
        .iter()
        .map(|t| full_name(t))
        .collect::<Result<_>>()?;
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let lock = store.lock().context("lock the store")?;
    let image = store
        .resolve_image(&args.image)
        .map_err(|e| e.into_lookup_error(&format!("tag `{}`", args.image)))?;
    for (name, given) in names.iter().zip(&args.targets) {
        store
            .tag(&lock, &image.id, name)
            .with_context(|| format!("tag `{}` as `{name}`", args.image))?;
        crate::storage::events::record(&crate::storage::events::Event::image(
            "tag", &image.id, given,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_local() {
        assert_eq!(full_name("x").unwrap(), "localhost/x:latest");
        assert_eq!(full_name("quay.io/a/b:2").unwrap(), "quay.io/a/b:2");
        assert!(full_name("X").is_err());
        assert!(full_name(&format!("a@sha256:{}", "0".repeat(64))).is_err());
    }
}
