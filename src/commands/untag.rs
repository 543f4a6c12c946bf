//! `berth untag`: remove names from an image (all of them when none is given).

use crate::cli::tag::UntagArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::image::reference::{lookup_candidates, Reference};
use crate::storage::Store;

/// Run `berth untag`.
pub fn execute(args: UntagArgs) -> Result<()> {
    let paths = Paths::discover().context("find berth's directories")?;
    let store = Store::open(&paths).context("open the store")?;
    let lock = store.lock().context("lock the store")?;
    let image = store
        .resolve_image(&args.image)
        .map_err(|e| e.into_lookup_error(&format!("untag `{}`", args.image)))?;
    let remove: Vec<String> = if args.names.is_empty() {
        image.names.clone()
    } else {
        let mut out = Vec::new();
        for text in &args.names {
            let r = Reference::parse(text).map_err(|e| Error::msg(e.to_string()))?;
            let found = lookup_candidates(&r)
                .into_iter()
                .find(|c| image.names.contains(c))
                .ok_or_else(|| {
                    // podman's words, matched exactly by scripts (so no hint line).
                    Error::msg(format!("{text}: tag not known"))
                })?;
            out.push(found);
        }
        out
    };
    for name in remove {
        store
            .untag(&lock, &image.id, &name)
            .with_context(|| format!("untag `{name}`"))?;
        crate::storage::events::record(&crate::storage::events::Event::image(
            "untag", &image.id, &name,
        ));
    }
    Ok(())
}
