//! `berth build`: Dockerfiles to images.
//!
//! - `ast`: the parsed Dockerfile (the contract between parser and executor).
//! - `parse`: Dockerfile text to `ast::Dockerfile` (pure).
//! - `vars`: docker's word expansion (`$VAR`, `${VAR:-x}`, quotes) (pure).
//! - `ignore`: `.dockerignore` / `.containerignore` matching (pure).
//! - `context`: walking the build context, resolving COPY sources, content digests.
//! - `stages`: which stages to build for `--target`, and ARG scoping (pure).
//! - `copy`: COPY/ADD destinations as a plan, `--chmod` and `--chown` (pure).
//! - `mounts`: `RUN --mount=` values and their defaults (pure).

pub mod ast;
pub mod context;
pub mod copy;
pub mod ignore;
pub mod mounts;
pub mod parse;
pub mod stages;
pub mod vars;
