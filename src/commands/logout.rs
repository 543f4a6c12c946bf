//! `berth logout`: forget a registry's credentials (or all of them).

use crate::cli::login::LogoutArgs;
use crate::config::auth::AuthFiles;
use crate::error::{Context, Error, Result};

/// Run `berth logout`.
pub fn execute(args: LogoutArgs) -> Result<()> {
    let auth = AuthFiles::discover(args.authfile.as_deref()).context("find the auth file")?;
    if args.all {
        auth.logout_all().context("remove the credentials")?;
        println!("Removed login credentials for all registries");
        return Ok(());
    }
    let Some(registry) = args.registry else {
        return Err(Error::msg("log out: name a registry, or pass --all"));
    };
    if auth
        .logout(&registry)
        .with_context(|| format!("log out of `{registry}`"))?
    {
        println!("Removed login credentials for {registry}");
        Ok(())
    } else {
        Err(Error::msg(format!("not logged into `{registry}`")))
    }
}
