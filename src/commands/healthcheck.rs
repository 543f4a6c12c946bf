//! `berth healthcheck run`: run a container's healthcheck once, now.

use crate::cli::lifecycle::HealthcheckArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::storage::container::{self, Status};

/// Run `berth healthcheck run CONTAINER`: exit 0 when healthy, 1 when not (podman's
/// statuses), printing `unhealthy` in that case.
pub fn execute(args: HealthcheckArgs) -> Result<()> {
    let crate::cli::lifecycle::HealthcheckCommand::Run { container: name } = args.command;
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr =
        container::find(&paths.data, &name).map_err(|e| e.into_lookup_error("find container"))?;
    if ctr.state().context("read the container's state")?.status != Status::Running {
        return Err(Error::msg(format!("container `{name}` is not running")));
    }
    let store = crate::storage::Store::open(&paths).context("open the store")?;
    let plan = crate::run::spawn::container_plan(&store, &ctr)?;
    let Some(cfg) = plan.health else {
        return Err(Error::msg(format!(
            "container `{name}` has no healthcheck defined"
        )));
    };
    let result = crate::run::health::run_check(&ctr.config.id, &cfg);
    let healthy = result.exit_code == 0;
    let mut state = crate::run::health::load(&ctr.dir).unwrap_or_default();
    state.record(result, cfg.retries, false);
    crate::run::health::save(&ctr.dir, &state).context("record the health")?;
    if healthy {
        Ok(())
    } else {
        println!("unhealthy");
        Err(Error::Exit(1))
    }
}
