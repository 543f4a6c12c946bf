//! The container's capability sets (pure): podman's default set, changed by --cap-add,
//! --cap-drop and --privileged.

use caps::{Capability, CapsHashSet};

use crate::spec::RunOptions;

/// podman's default capabilities (DESIGN.md section 6).
pub const DEFAULT: [Capability; 11] = [
    Capability::CAP_CHOWN,
    Capability::CAP_DAC_OVERRIDE,
    Capability::CAP_FOWNER,
    Capability::CAP_FSETID,
    Capability::CAP_KILL,
    Capability::CAP_NET_BIND_SERVICE,
    Capability::CAP_SETFCAP,
    Capability::CAP_SETGID,
    Capability::CAP_SETPCAP,
    Capability::CAP_SETUID,
    Capability::CAP_SYS_CHROOT,
];

/// Every capability the running kernel knows.
pub fn all_supported() -> CapsHashSet {
    caps::runtime::thread_all_supported().into_iter().collect()
}

/// The container's bounding set. For uid 0 this is also its effective, permitted and
/// inheritable set; for other users only the explicitly added capabilities are raised
/// (as ambient), as podman does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapPlan {
    pub bounding: CapsHashSet,
    /// Capabilities named with --cap-add (raised for non-root users too).
    pub added: CapsHashSet,
}

/// Compute the sets from the options and the kernel's capabilities.
pub fn plan(opts: &RunOptions, supported: &CapsHashSet) -> CapPlan {
    let mut set: CapsHashSet = if opts.privileged {
        supported.clone()
    } else {
        DEFAULT.into_iter().collect()
    };
    if opts.cap_drop_all {
        set.clear();
    }
    for c in opts
        .cap_drop
        .iter()
        .filter_map(|n| n.parse::<Capability>().ok())
    {
        set.remove(&c);
    }
    let mut added: CapsHashSet = opts
        .cap_add
        .iter()
        .filter_map(|n| n.parse::<Capability>().ok())
        .collect();
    if opts.cap_add_all {
        added.extend(supported.iter().copied());
    }
    set.extend(added.iter().copied());
    set.retain(|c| supported.contains(c));
    added.retain(|c| supported.contains(c));
    CapPlan {
        bounding: set,
        added,
    }
}

/// `CAP_X` names, for the seccomp profile's include/exclude rules.
pub fn names(set: &CapsHashSet) -> Vec<String> {
    let mut out: Vec<String> = set.iter().map(ToString::to_string).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::run::RunArgs;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        run: RunArgs,
    }

    fn opts(argv: &[&str]) -> RunOptions {
        let mut full = vec!["t"];
        full.extend_from_slice(argv);
        full.push("img");
        RunOptions::from_args(T::try_parse_from(full).unwrap().run, |_| None).unwrap()
    }

    fn mask(set: &CapsHashSet) -> u64 {
        set.iter().fold(0, |m, c| m | c.bitmask())
    }

    fn supported() -> CapsHashSet {
        caps::all().into_iter().collect()
    }

    #[test]
    fn default_set_is_podmans() {
        let p = plan(&opts(&[]), &supported());
        assert_eq!(mask(&p.bounding), 0x8004_05fb);
        assert!(p.added.is_empty());
    }

    #[test]
    fn add_drop_and_all() {
        let p = plan(
            &opts(&["--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN"]),
            &supported(),
        );
        assert!(p.bounding.contains(&Capability::CAP_NET_ADMIN));
        assert!(!p.bounding.contains(&Capability::CAP_CHOWN));
        let p = plan(
            &opts(&["--cap-drop", "ALL", "--cap-add", "KILL"]),
            &supported(),
        );
        assert_eq!(names(&p.bounding), vec!["CAP_KILL"]);
    }

    #[test]
    fn privileged_is_everything_the_kernel_has() {
        let mut kernel = supported();
        kernel.remove(&Capability::CAP_CHECKPOINT_RESTORE);
        let p = plan(&opts(&["--privileged"]), &kernel);
        assert_eq!(p.bounding, kernel);
    }
}
