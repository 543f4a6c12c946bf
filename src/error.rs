//! Exit codes and error rendering: the one place that decides what berth prints when a
//! command fails and which status it exits with.
//!
//! Library modules return their own typed errors. The command layer wraps them with
//! [`Context::context`], which names the operation and the object; [`Error::hint`] adds a line
//! the user can act on. A container's own exit status travels as [`Error::Exit`] and is passed
//! through silently.

use std::fmt;

/// berth's own failure (podman's 125).
pub const EXIT_BERTH: i32 = 125;
/// The container command exists but cannot be invoked.
pub const EXIT_CANNOT_INVOKE: i32 = 126;
/// The container command was not found.
pub const EXIT_NOT_FOUND: i32 = 127;

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error a command returns to `main`.
#[derive(Debug)]
pub enum Error {
    /// The container (or an exec'd process) finished with this status: exit silently with it.
    Exit(i32),
    /// Something failed. `what` names the operation and its object, `source` says why.
    Failed {
        what: String,
        source: Option<Source>,
        hint: Option<String>,
        code: i32,
    },
}

impl Error {
    /// A failure with no underlying cause.
    pub fn msg(what: impl Into<String>) -> Self {
        Error::Failed {
            what: what.into(),
            source: None,
            hint: None,
            code: EXIT_BERTH,
        }
    }

    /// A failed lookup whose cause names the object and what is missing (``x: image not
    /// known``): printed as it is, with no operation in front, the shape podman's users and
    /// scripts match.
    pub fn not_found(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::from_source(String::new(), source)
    }

    /// A failure caused by a typed error.
    pub fn from_source(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Failed {
            what: what.into(),
            source: Some(Box::new(source)),
            hint: None,
            code: EXIT_BERTH,
        }
    }

    /// Attach a `hint:` line the user can act on.
    #[must_use]
    pub fn hint(self, text: impl Into<String>) -> Self {
        match self {
            Error::Failed {
                what, source, code, ..
            } => Error::Failed {
                what,
                source,
                hint: Some(text.into()),
                code,
            },
            other => other,
        }
    }

    /// Use another exit status than 125 (126 and 127 for commands that cannot run).
    #[must_use]
    pub fn with_code(self, new: i32) -> Self {
        match self {
            Error::Failed {
                what, source, hint, ..
            } => Error::Failed {
                what,
                source,
                hint,
                code: new,
            },
            other => other,
        }
    }

    /// The process exit status for this error.
    pub fn code(&self) -> i32 {
        match self {
            Error::Exit(code) => *code,
            Error::Failed { code, .. } => *code,
        }
    }

    /// Report this error as berth does when a command fails: its text on stderr (nothing
    /// for a silent pass-through exit), and the exit status to use.
    pub fn report(&self) -> i32 {
        if let Some(text) = self.render() {
            eprintln!("{text}");
        }
        self.code()
    }

    /// The text printed on stderr, or `None` for a silent pass-through exit.
    pub fn render(&self) -> Option<String> {
        match self {
            Error::Exit(_) => None,
            Error::Failed {
                what, source, hint, ..
            } => {
                let mut out = format!("Error: {what}");
                // With no operation (a lookup failure), the first cause starts the line.
                let bare = "Error: ".len();
                let mut cause: Option<&(dyn std::error::Error + 'static)> =
                    source.as_deref().map(|s| s as _);
                while let Some(err) = cause {
                    // An errno reads as its description once, without "(os error N)".
                    let text = match err.downcast_ref::<std::io::Error>() {
                        Some(io) => match io.raw_os_error() {
                            Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
                            None => io.to_string(),
                        },
                        None => err.to_string(),
                    };
                    // Avoid repeating a cause that is already spelled out by its parent.
                    if out.len() == bare {
                        out.push_str(&text);
                    } else if !out.ends_with(&text) {
                        out.push_str(": ");
                        out.push_str(&text);
                    }
                    cause = err.source();
                }
                // A runtime-directory refusal carries its fix, whatever context wraps it.
                let hint = hint.clone().or_else(|| config_hint(source.as_deref()));
                if let Some(hint) = hint {
                    out.push_str("\nhint: ");
                    out.push_str(&hint);
                }
                Some(out)
            }
        }
    }
}

/// The hint of a [`crate::config::ConfigError`] in a cause chain.
fn config_hint(source: Option<&(dyn std::error::Error + Send + Sync + 'static)>) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = source.map(|s| s as _);
    while let Some(err) = cause {
        if let Some(config) = err.downcast_ref::<crate::config::ConfigError>() {
            return config.hint();
        }
        cause = err.source();
    }
    None
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Some(text) => f.write_str(&text),
            None => write!(f, "exit status {}", self.code()),
        }
    }
}

impl std::error::Error for Error {}

/// Results at the command layer.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Give a typed module error its context: what berth was doing, and on what.
pub trait Context<T> {
    /// Wrap the error: `what` names the operation and its object, e.g.
    /// ``format!("importing `{path}`")``.
    fn context(self, what: impl Into<String>) -> Result<T>;
    /// Like [`Context::context`], computed only on failure.
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T>;
}

impl<T, E> Context<T> for std::result::Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::Failed {
            what: what.into(),
            source: Some(Box::new(e)),
            hint: None,
            code: EXIT_BERTH,
        })
    }

    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|e| Error::Failed {
            what: what().into(),
            source: Some(Box::new(e)),
            hint: None,
            code: EXIT_BERTH,
        })
    }
}

/// A typed error that knows a `hint:` line the user can act on.
pub trait Hint {
    /// The hint, if this error has one.
    fn hint(&self) -> Option<String>;
}

/// [`Context`] for errors that carry their own hint.
pub trait HintContext<T> {
    /// Wrap the error like [`Context::context`] and attach its hint.
    fn hinted_context(self, what: impl Into<String>) -> Result<T>;
}

impl<T, E> HintContext<T> for std::result::Result<T, E>
where
    E: std::error::Error + Hint + Send + Sync + 'static,
{
    fn hinted_context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|e| {
            let hint = e.hint();
            let err = Error::Failed {
                what: what.into(),
                source: Some(Box::new(e)),
                hint: None,
                code: EXIT_BERTH,
            };
            match hint {
                Some(h) => err.hint(h),
                None => err,
            }
        })
    }
}

/// An I/O error as podman (Go) words it: the errno's description in lower case
/// (`no such file or directory`), which scripts match.
pub fn io_text(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_lowercase(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_chain_and_hint() {
        let io = std::io::Error::from_raw_os_error(libc::ENOENT);
        let err = Err::<(), _>(io)
            .context("open `/etc/subuid`")
            .unwrap_err()
            .hint("add a line `user:100000:65536` to /etc/subuid");
        let text = err.render().unwrap();
        assert_eq!(
            text.lines().next().unwrap(),
            "Error: open `/etc/subuid`: No such file or directory"
        );
        assert!(text.ends_with("\nhint: add a line `user:100000:65536` to /etc/subuid"));
        assert_eq!(err.code(), 125);
    }

    #[test]
    fn a_lookup_failure_has_no_operation_in_front() {
        let io = std::io::Error::other("no such thing");
        let err = Error::not_found(io).with_code(1);
        assert_eq!(err.render().unwrap(), "Error: no such thing");
        assert_eq!(err.code(), 1);
    }

    #[test]
    fn container_exit_is_silent() {
        let err = Error::Exit(3);
        assert_eq!(err.code(), 3);
        assert!(err.render().is_none());
    }

    #[test]
    fn code_can_be_changed() {
        assert_eq!(Error::msg("exec `x`").with_code(127).code(), 127);
    }

    #[test]
    fn report_gives_the_exit_status() {
        assert_eq!(Error::Exit(3).report(), 3);
        assert_eq!(Error::msg("exec `x`").with_code(127).report(), 127);
    }
}
