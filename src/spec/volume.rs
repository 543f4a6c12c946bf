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
    /// `noexec`, `nosuid`, `nodev` from the mount's options.
    #[serde(default, skip_serializing_if = "MountRestrictions::is_none")]
    pub restrict: MountRestrictions,
}

/// The restricting mount options a user may add to a bind or a volume (`-v SRC:DST:noexec`).
/// Their opposites (`exec`, `suid`, `dev`) are the default and clear them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountRestrictions {
    #[serde(default)]
    pub noexec: bool,
    #[serde(default)]
    pub nosuid: bool,
    #[serde(default)]
    pub nodev: bool,
}

impl MountRestrictions {
    /// No restriction asked for.
    pub fn is_none(&self) -> bool {
        *self == MountRestrictions::default()
    }

    /// Apply one option word; false when `opt` is not one of them.
    pub fn apply(&mut self, opt: &str) -> bool {
        match opt {
            "noexec" => self.noexec = true,
            "exec" => self.noexec = false,
            "nosuid" => self.nosuid = true,
            "suid" => self.nosuid = false,
            "nodev" => self.nodev = true,
            "dev" => self.nodev = false,
            _ => return false,
        }
        true
    }
}

fn yes() -> bool {
    true
}

/// podman's `image_volume_mode` and `--image-volume`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageVolumeMode {
    /// An anonymous volume per VOLUME path.
    #[default]
    Bind,
    /// A tmpfs per VOLUME path.
    Tmpfs,
    /// Nothing is mounted there.
    Ignore,
}

impl ImageVolumeMode {
    /// Parse podman's words.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "bind" => Some(Self::Bind),
            "tmpfs" => Some(Self::Tmpfs),
            "ignore" => Some(Self::Ignore),
            _ => None,
        }
    }
}
