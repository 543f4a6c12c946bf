//! A container's use of a named or anonymous volume.

use serde::{Deserialize, Serialize};

/// One use of a volume by a container (`-v NAME:/path`, `--mount type=volume`, or an image's
/// VOLUME).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeMount {
    pub name: String,
    /// Absolute path inside the container.
    pub target: String,
    pub readonly: bool,
    /// `:U`: chown the volume to the container's user.
    #[serde(default)]
    pub chown: bool,
    /// Copy the image's content into a new empty volume (off with `nocopy`).
    #[serde(default = "yes")]
    pub copy_up: bool,
    /// Created for this container; removed with it by `rm -v` and `--rm`.
    #[serde(default)]
    pub anonymous: bool,
}

fn yes() -> bool {
    true
}
