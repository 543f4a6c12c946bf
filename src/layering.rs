//! The module layering (DESIGN.md section 7, docs/design-notes.md "Layers"), checked: every
//! `crate::MODULE` path in the non-test code of a module must name a module below it in
//! [`LAYERS`]. A new top-level module fails the test until it is placed in the table, and
//! the table itself must be a DAG.
//!
//! Test code (from a `#[cfg(test)]` line to the end of the file, where berth keeps its test
//! modules) may use any module: tests drive a layer from above.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module, lowest first, with the modules it may use.
const LAYERS: &[(&str, &[&str])] = &[
    ("spec", &[]),
    ("sys", &[]),
    ("config", &["spec", "sys"]),
    ("error", &["config"]),
    ("format", &["error"]),
    ("systemd", &["config", "error", "spec"]),
    ("userns", &["config", "error", "sys"]),
    ("image", &["config", "error", "spec", "sys"]),
    ("cgroup", &["config", "error", "spec", "sys"]),
    (
        "storage",
        &["cgroup", "config", "error", "image", "spec", "sys"],
    ),
    ("registry", &["config", "error", "image", "storage"]),
    ("pod", &["spec", "storage"]),
    ("kube", &[]),
    ("seccomp", &["error", "spec", "sys"]),
    (
        "net",
        &["config", "error", "spec", "storage", "sys", "userns"],
    ),
    (
        "run",
        &[
            "cgroup", "config", "error", "format", "image", "net", "pod", "seccomp", "spec",
            "storage", "sys", "systemd", "userns",
        ],
    ),
    (
        "build",
        &[
            "cgroup", "config", "error", "image", "net", "registry", "run", "seccomp", "spec",
            "storage", "sys", "userns",
        ],
    ),
    ("compose", &["spec"]),
    (
        "cli",
        &[
            "cgroup", "config", "error", "format", "image", "net", "run", "spec", "storage",
        ],
    ),
    (
        "commands",
        &[
            "build", "cli", "cgroup", "compose", "config", "error", "format", "image", "kube",
            "net", "pod", "registry", "run", "seccomp", "spec", "storage", "sys", "systemd",
            "userns",
        ],
    ),
];

/// The `crate::X` names in the non-test code of `text`, comments left out.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if line.starts_with("//") {
            continue;
        }
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            // `berth::crate` or `$crate::` are not ours; `foo_crate::` is another path.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source directory") {
        let path = entry.expect("read a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_layer_table_is_a_dag_in_order() {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (module, deps) in LAYERS {
        for d in *deps {
            assert!(
                seen.contains(d),
                "`{module}` may use `{d}`, which is not below it in LAYERS"
            );
        }
        assert!(seen.insert(module), "`{module}` is listed twice");
    }
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let table: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap()
            .trim_end_matches(".rs");
        if matches!(top, "lib" | "main" | "layering") {
            continue;
        }
        let Some(allowed) = table.get(top) else {
            wrong.push(format!("module `{top}` is not in LAYERS (src/layering.rs)"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for used in crate_paths(&text) {
            if used != top && !allowed.contains(&used.as_str()) {
                wrong.push(format!("{}: `{top}` uses `crate::{used}`", rel.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "edges outside the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn paths_are_found_in_code_not_in_comments_or_tests() {
    let text = "use crate::a::B;\n// crate::hidden\nlet x = crate::c::d(); // crate::e\n\
                let y = $crate::f;\n#[cfg(test)]\nuse crate::g;\n";
    let found: Vec<String> = crate_paths(text).into_iter().collect();
    assert_eq!(found, ["a", "c"]);
}
