//! `berth build`: Dockerfiles to images.
//!
//! - `ast`: the parsed Dockerfile (the contract between parser and executor).
//! - `parse`: Dockerfile text to `ast::Dockerfile` (pure).
//! - `vars`: docker's word expansion (`$VAR`, `${VAR:-x}`, quotes) (pure).
//! - `ignore`: `.dockerignore` / `.containerignore` matching (pure).
//! - `context`: walking the build context, resolving COPY sources, content digests.
//! - `stages`: which stages to build for `--target`, and ARG scoping (pure).
//! - `copy`: COPY/ADD destinations as a plan, `--chmod` and `--chown` (pure).
//! - `frontend`: the executor's one door to the pure modules.
//! - `config`: the image config as the steps change it (pure).
//! - `cache`: cache keys (pure) and the cache directory.
//! - `fsops`: writes into a step's rootfs, resolved inside it.
//! - `executor`: runs the stages (in the session).
//! - `mounts`: `RUN --mount=` values and their defaults (pure).

pub mod ast;
pub mod cache;
pub mod config;
pub mod context;
pub mod copy;
pub mod executor;
pub mod frontend;
pub mod fsops;
pub mod ignore;
pub mod mounts;
pub mod parse;
pub mod stages;
pub mod vars;
