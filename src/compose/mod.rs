//! Compose files: the Compose Specification's model ([`model`]), the variables it is
//! interpolated with ([`interp`]), loading, merging and checking a project ([`load`]), and
//! the pure plan of what `berth compose up` runs for each service ([`plan`]).
//!
//! Nothing here starts a container: `commands::compose` executes the plan by running berth's
//! own commands (`run -d`, `build`, `network create`…) as child processes.

pub mod interp;
pub mod load;
pub mod model;
pub mod plan;

use std::path::PathBuf;

/// What is wrong with a compose project. Each names the file (and key) to fix.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("no configuration file provided: not found")]
    NoFile,
    #[error("read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}`: {message}", path.display())]
    Yaml { path: PathBuf, message: String },
    #[error("`{}`: {key}: {message}", path.display())]
    Key {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("invalid project name `{0}`: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number")]
    ProjectName(String),
    #[error("project name from the directory `{}` is empty", .0.display())]
    EmptyName(PathBuf),
}
