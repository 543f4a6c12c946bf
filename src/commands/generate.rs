//! The hidden `berth __generate`: man pages and shell completions from the clap definitions,
//! so the help, the man pages and the completions always describe the same flags.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

use crate::cli::GenerateArgs;
use crate::error::{Context, Error, Result};

/// Errors writing the generated files.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("create `{path}`")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The completion files: shell and file name.
pub const COMPLETIONS: [(Shell, &str); 3] = [
    (Shell::Bash, "berth.bash"),
    (Shell::Zsh, "_berth"),
    (Shell::Fish, "berth.fish"),
];

/// Run `berth __generate`.
pub fn execute(args: GenerateArgs) -> Result<()> {
    if args.man.is_none() && args.completions.is_none() {
        return Err(Error::msg("nothing to generate")
            .hint("berth __generate --man man --completions completions"));
    }
    if let Some(dir) = &args.man {
        write_all(dir, &man_pages()?).context("generate man pages")?;
    }
    if let Some(dir) = &args.completions {
        write_all(dir, &completions()).context("generate completions")?;
    }
    Ok(())
}

/// One man page per visible command (`berth.1`, `berth-run.1`, …), as `(file name, text)`.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut root = crate::cli::command();
    // Building fills in the subcommands' display names (`berth-run`) and bin names.
    root.build();
    let mut out = Vec::new();
    add_pages(&root, &mut out)?;
    Ok(out)
}

fn add_pages(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let man = clap_mangen::Man::new(cmd.clone())
        .source(format!("berth {}", env!("CARGO_PKG_VERSION")))
        .manual("berth Manual");
    let mut text = Vec::new();
    man.render(&mut text)
        .map_err(|e| Error::msg(format!("render the man page `{}`: {e}", man.get_filename())))?;
    out.push((man.get_filename(), text));
    // clap's own `help` subcommand gets no page of its own.
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        add_pages(sub, out)?;
    }
    Ok(())
}

/// The completion scripts, as `(file name, text)`.
pub fn completions() -> Vec<(String, Vec<u8>)> {
    COMPLETIONS
        .iter()
        .map(|(shell, file)| {
            let mut cmd = without_hidden(&crate::cli::command());
            let mut text = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "berth", &mut text);
            ((*file).to_string(), text)
        })
        .collect()
}

/// A copy of `cmd` without hidden subcommands: clap_complete would offer them otherwise.
/// Takes an unbuilt command, whose arguments do not yet include the generated help and
/// version flags.
fn without_hidden(cmd: &clap::Command) -> clap::Command {
    let mut out = clap::Command::new(cmd.get_name().to_string())
        .propagate_version(cmd.is_propagate_version_set())
        .disable_help_flag(cmd.is_disable_help_flag_set())
        .disable_version_flag(cmd.is_disable_version_flag_set())
        .disable_help_subcommand(cmd.is_disable_help_subcommand_set())
        .subcommand_required(cmd.is_subcommand_required_set())
        .visible_aliases(
            cmd.get_visible_aliases()
                .map(str::to_string)
                .collect::<Vec<_>>(),
        );
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        out = out.long_about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_string());
    }
    for arg in cmd.get_arguments() {
        out = out.arg(arg.clone());
    }
    for group in cmd.get_groups() {
        out = out.group(group.clone());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(without_hidden(sub));
    }
    out
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), GenerateError> {
    std::fs::create_dir_all(dir).map_err(|source| GenerateError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| GenerateError::Write { path, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGENERATE: &str = "run `cargo run -- __generate --man man --completions completions`";

    fn check_dir(committed: &Path, files: &[(String, Vec<u8>)]) {
        for (name, text) in files {
            let path = committed.join(name);
            let on_disk = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("`{}` is missing ({e}): {REGENERATE}", path.display()));
            assert!(
                on_disk == *text,
                "`{}` is stale: {REGENERATE}",
                path.display()
            );
        }
        let mut listed: Vec<String> = std::fs::read_dir(committed)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        listed.sort();
        let mut expected: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        expected.sort();
        assert_eq!(
            listed,
            expected,
            "`{}` holds other files than berth generates: {REGENERATE}",
            committed.display()
        );
    }

    #[test]
    fn committed_files_are_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let tmp = tempfile::tempdir().unwrap();
        let man = man_pages().unwrap();
        let comp = completions();
        write_all(&tmp.path().join("man"), &man).unwrap();
        write_all(&tmp.path().join("completions"), &comp).unwrap();
        // What was written is what will be compared.
        for (name, text) in &man {
            assert_eq!(
                std::fs::read(tmp.path().join("man").join(name)).unwrap(),
                *text
            );
        }
        check_dir(&root.join("man"), &man);
        check_dir(&root.join("completions"), &comp);
    }

    #[test]
    fn completions_skip_hidden_commands() {
        for (name, text) in completions() {
            let text = String::from_utf8(text).unwrap();
            // Hidden commands are left out (`kube generate` is a visible one, so the hidden
            // `__generate` is checked with the other hidden names).
            for hidden in ["__unpack-image", "__probe-overlay", "__netns-holder"] {
                assert!(!text.contains(hidden), "{name}: {hidden}");
            }
            assert!(!text.contains(",__generate)"), "{name}");
            assert!(text.contains("images"), "{name}");
        }
    }

    #[test]
    fn pages_cover_visible_commands_only() {
        let names: Vec<String> = man_pages().unwrap().into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"berth.1".to_string()));
        assert!(names.contains(&"berth-run.1".to_string()));
        assert!(names.contains(&"berth-info.1".to_string()));
        assert!(names.contains(&"berth-generate-systemd.1".to_string()));
        assert!(
            !names.iter().any(|n| n.contains("__") || n.contains("help")),
            "{names:?}"
        );
    }
}
