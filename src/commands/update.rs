//! `berth update`: change a container's resource limits. The new values are written into a
//! running container's cgroup at once and recorded in its config, so a restart keeps them.
//! Runs in the session, which writes the store.

use crate::cgroup::{Leaf, LimitPlan};
use crate::cli::update::UpdateArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::spec::Limits;
use crate::storage::container;

/// `new` over `old`: every limit given in `new` replaces the old one.
fn merge(old: &Limits, new: &Limits) -> Limits {
    fn pick<T: Clone>(new: &Option<T>, old: &Option<T>) -> Option<T> {
        new.clone().or_else(|| old.clone())
    }
    fn list<T: Clone>(new: &[T], old: &[T]) -> Vec<T> {
        if new.is_empty() {
            old.to_vec()
        } else {
            new.to_vec()
        }
    }
    Limits {
        memory: pick(&new.memory, &old.memory),
        memory_reservation: pick(&new.memory_reservation, &old.memory_reservation),
        memory_swap: pick(&new.memory_swap, &old.memory_swap),
        memory_swappiness: pick(&new.memory_swappiness, &old.memory_swappiness),
        oom_kill_disable: old.oom_kill_disable,
        cpu_quota: pick(&new.cpu_quota, &old.cpu_quota),
        cpu_period: pick(&new.cpu_period, &old.cpu_period),
        cpu_shares: pick(&new.cpu_shares, &old.cpu_shares),
        cpuset_cpus: pick(&new.cpuset_cpus, &old.cpuset_cpus),
        cpuset_mems: pick(&new.cpuset_mems, &old.cpuset_mems),
        pids_limit: pick(&new.pids_limit, &old.pids_limit),
        blkio_weight: pick(&new.blkio_weight, &old.blkio_weight),
        device_read_bps: list(&new.device_read_bps, &old.device_read_bps),
        device_write_bps: list(&new.device_write_bps, &old.device_write_bps),
        device_read_iops: list(&new.device_read_iops, &old.device_read_iops),
        device_write_iops: list(&new.device_write_iops, &old.device_write_iops),
        conf: old.conf.clone(),
    }
}

/// Run `berth update`.
pub fn execute(args: &UpdateArgs) -> Result<()> {
    let asked =
        crate::cli::cgroup_options::limits(&args.limits).context("invalid update options")?;
    if asked.is_empty() {
        return Err(Error::msg(
            "berth update: give at least one limit to change (such as --memory or --pids-limit)",
        ));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let ctr = container::find(&paths.data, &args.container).map_err(super::lifecycle::no_such)?;
    let _lock = ctr.lock().context("lock the container")?;
    let spec = &ctr.config.options.extras.cgroup;
    let Some(dir) = &spec.dir else {
        return Err(Error::msg(format!(
            "cannot update container `{}`: it has no cgroup of its own",
            ctr.config.name
        ))
        .hint("berth gives containers a cgroup where it has a delegated cgroup v2 subtree (see `berth info`)"));
    };
    let err = |e| crate::cgroup::into_error(format!("update container `{}`", ctr.config.name), e);
    // Only what was asked is written now; the check names a controller that is missing.
    let plan = LimitPlan::of(&asked, &crate::cgroup::plan::block_device).map_err(err)?;
    crate::cgroup::host::check_controllers(dir, &plan.controllers()).map_err(err)?;
    if let Some(leaf) = spec.leaf(&ctr.config.id).map(Leaf::at).filter(Leaf::exists) {
        leaf.apply(&plan).map_err(err)?;
    }
    let mut config = ctr.config.clone();
    config.options.extras.cgroup.limits = merge(&spec.limits, &asked);
    ctr.write_config(&config)
        .context("record the container's new limits")?;
    println!("{}", ctr.config.id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_limits_replace_old_ones_and_the_rest_stay() {
        let old = Limits {
            memory: Some(64 << 20),
            pids_limit: Some(10),
            ..Limits::default()
        };
        let new = Limits {
            pids_limit: Some(20),
            ..Limits::default()
        };
        let m = merge(&old, &new);
        assert_eq!((m.memory, m.pids_limit), (Some(64 << 20), Some(20)));
    }
}
