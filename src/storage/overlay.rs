//! The container rootfs: kernel overlayfs mounted inside the session user namespace, or
//! fuse-overlayfs where the kernel refuses. The choice is remembered per boot in the runtime
//! directory, so that only the first container after a reboot pays for the probe.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use nix::mount::{MntFlags, MsFlags};

use crate::config::OverlayMode;

/// Which implementation mounted a rootfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayKind {
    Kernel,
    Fuse,
}

impl OverlayKind {
    pub fn name(self) -> &'static str {
        match self {
            OverlayKind::Kernel => "kernel",
            OverlayKind::Fuse => "fuse",
        }
    }
}

/// Why a rootfs could not be mounted.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error("mount kernel overlay on `{merged}`")]
    Kernel {
        merged: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("run fuse-overlayfs for `{merged}`")]
    FuseSpawn {
        merged: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("fuse-overlayfs failed for `{merged}`: {stderr}")]
    Fuse { merged: PathBuf, stderr: String },
    #[error("the kernel refused overlay ({kernel}) and fuse-overlayfs is not installed")]
    NoFallback { kernel: io::Error },
    #[error("the overlay mount options for `{merged}` are longer than a page ({len} bytes)")]
    TooLong { merged: PathBuf, len: usize },
}

/// An overlay to mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlaySpec {
    /// The store's layers directory; lower dirs are relative to it (`l/<short>`).
    pub layers_dir: PathBuf,
    /// Lower layers, top first, relative to `layers_dir`.
    pub lowers: Vec<PathBuf>,
    pub upper: PathBuf,
    pub work: PathBuf,
    pub merged: PathBuf,
}

impl OverlaySpec {
    /// The kernel mount data (relative lower dirs keep it short).
    pub fn kernel_data(&self) -> String {
        let lowers: Vec<String> = self
            .lowers
            .iter()
            .map(|l| escape(&l.to_string_lossy()))
            .collect();
        format!(
            "lowerdir={},upperdir={},workdir={},userxattr",
            lowers.join(":"),
            escape(&self.upper.to_string_lossy()),
            escape(&self.work.to_string_lossy()),
        )
    }

    /// fuse-overlayfs options (absolute lower dirs).
    pub fn fuse_data(&self) -> String {
        let lowers: Vec<String> = self
            .lowers
            .iter()
            .map(|l| escape(&self.layers_dir.join(l).to_string_lossy()))
            .collect();
        format!(
            "lowerdir={},upperdir={},workdir={}",
            lowers.join(":"),
            escape(&self.upper.to_string_lossy()),
            escape(&self.work.to_string_lossy()),
        )
    }
}

/// Escape the characters overlay's option parser treats specially.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(':', "\\:")
        .replace(',', "\\,")
}

const CACHE_FILE: &str = "overlay-kind";

/// Mount `spec` (in the session, as uid 0 of the user namespace) and return what did it.
pub fn mount(
    spec: &OverlaySpec,
    mode: OverlayMode,
    runtime_dir: &Path,
) -> Result<OverlayKind, OverlayError> {
    let cache = runtime_dir.join(CACHE_FILE);
    let cached = std::fs::read_to_string(&cache).ok();
    let kind = match mode {
        OverlayMode::Kernel => {
            mount_kernel(spec)?;
            OverlayKind::Kernel
        }
        OverlayMode::Fuse => {
            mount_fuse(spec)?;
            OverlayKind::Fuse
        }
        OverlayMode::Auto if cached.as_deref() == Some("fuse") => {
            mount_fuse(spec)?;
            OverlayKind::Fuse
        }
        OverlayMode::Auto => match mount_kernel(spec) {
            Ok(()) => OverlayKind::Kernel,
            Err(OverlayError::Kernel { source, .. }) if kernel_refused(&source) => {
                if which("fuse-overlayfs").is_none() {
                    return Err(OverlayError::NoFallback { kernel: source });
                }
                mount_fuse(spec)?;
                OverlayKind::Fuse
            }
            Err(e) => return Err(e),
        },
    };
    if mode == OverlayMode::Auto && cached.as_deref() != Some(kind.name()) {
        let _ = std::fs::write(&cache, kind.name());
    }
    Ok(kind)
}

impl crate::error::Hint for OverlayError {
    fn hint(&self) -> Option<String> {
        match self {
            OverlayError::Fuse { stderr, .. } if stderr.contains("/dev/fuse") => Some(
                "make /dev/fuse usable by your user (sudo chmod 0666 /dev/fuse), or use the kernel overlay".into(),
            ),
            OverlayError::NoFallback { .. } | OverlayError::FuseSpawn { .. } => {
                Some("install fuse-overlayfs: sudo apt-get install fuse-overlayfs".into())
            }
            OverlayError::Kernel { .. } => Some(
                "set `overlay = \"fuse\"` under [storage] in berth.toml to use fuse-overlayfs".into(),
            ),
            _ => None,
        }
    }
}

/// fuse-overlayfs's stderr as one line, without its noise about ignored options.
fn one_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("unknown argument ignored"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn kernel_refused(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EPERM | libc::EINVAL | libc::ENODEV | libc::EOPNOTSUPP)
    )
}

fn mount_kernel(spec: &OverlaySpec) -> Result<(), OverlayError> {
    let data = spec.kernel_data();
    let page = 4096;
    if data.len() >= page {
        return Err(OverlayError::TooLong {
            merged: spec.merged.clone(),
            len: data.len(),
        });
    }
    let err = |source: io::Error| OverlayError::Kernel {
        merged: spec.merged.clone(),
        source,
    };
    // Lower dirs are relative to the layers directory: mount from there.
    let cwd = std::env::current_dir().ok();
    std::env::set_current_dir(&spec.layers_dir).map_err(err)?;
    let result = nix::mount::mount(
        Some("overlay"),
        &spec.merged,
        Some("overlay"),
        MsFlags::empty(),
        Some(data.as_str()),
    );
    if let Some(cwd) = cwd {
        let _ = std::env::set_current_dir(cwd);
    }
    result.map_err(|e| err(e.into()))
}

fn mount_fuse(spec: &OverlaySpec) -> Result<(), OverlayError> {
    let out = Command::new("fuse-overlayfs")
        .arg("-o")
        .arg(spec.fuse_data())
        .arg(&spec.merged)
        .output()
        .map_err(|source| OverlayError::FuseSpawn {
            merged: spec.merged.clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(OverlayError::Fuse {
            merged: spec.merged.clone(),
            stderr: one_line(&out.stderr),
        });
    }
    Ok(())
}

/// Unmount a rootfs (lazily: the container's processes are gone, but a fuse daemon may be
/// finishing).
pub fn unmount(merged: &Path) -> io::Result<()> {
    match nix::mount::umount2(merged, MntFlags::MNT_DETACH) {
        Ok(()) | Err(nix::errno::Errno::EINVAL | nix::errno::Errno::ENOENT) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Mount and unmount a tiny overlay under `runtime_dir` to learn which implementation
/// works here (for `berth info`).
pub fn probe(mode: OverlayMode, runtime_dir: &Path) -> Result<OverlayKind, OverlayError> {
    let base = runtime_dir.join(format!("overlay-probe-{}", std::process::id()));
    let mk = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| OverlayError::Kernel {
            merged: p.to_path_buf(),
            source,
        })
    };
    let spec = OverlaySpec {
        layers_dir: base.clone(),
        lowers: vec![PathBuf::from("lower")],
        upper: base.join("upper"),
        work: base.join("work"),
        merged: base.join("merged"),
    };
    for p in [&base.join("lower"), &spec.upper, &spec.work, &spec.merged] {
        mk(p)?;
    }
    let result = mount(&spec, mode, runtime_dir);
    if result.is_ok() {
        let _ = unmount(&spec.merged);
    }
    let _ = std::fs::remove_dir_all(&base);
    result
}

/// Find a program on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_data_is_relative_and_escaped() {
        let spec = OverlaySpec {
            layers_dir: "/s/layers".into(),
            lowers: vec!["l/AAA".into(), "l/BBB".into()],
            upper: "/s/c/up,per".into(),
            work: "/s/c/work".into(),
            merged: "/s/c/merged".into(),
        };
        assert_eq!(
            spec.kernel_data(),
            "lowerdir=l/AAA:l/BBB,upperdir=/s/c/up\\,per,workdir=/s/c/work,userxattr"
        );
        assert!(spec
            .fuse_data()
            .starts_with("lowerdir=/s/layers/l/AAA:/s/layers/l/BBB,"));
    }
}
