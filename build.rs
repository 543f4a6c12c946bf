//! Build facts `berth version` reports: when the binary was built and by which compiler.
//! SOURCE_DATE_EPOCH (reproducible builds) wins over the clock; BERTH_RUSTC_VERSION, when a
//! packager sets it, over asking `$RUSTC -V`.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-env-changed=BERTH_RUSTC_VERSION");
    let built = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    println!("cargo:rustc-env=BERTH_BUILT={built}");
    let rustc = std::env::var("BERTH_RUSTC_VERSION")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            let compiler = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
            let out = Command::new(compiler).arg("-V").output().ok()?;
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (out.status.success() && !text.is_empty()).then_some(text)
        })
        .unwrap_or_default();
    println!("cargo:rustc-env=BERTH_RUSTC_VERSION={rustc}");
}
