//! The parsed form of a Dockerfile: the contract between the parser (`parse.rs`, pure) and
//! the executor. Words are kept as written (quotes and `$` references intact) wherever docker
//! expands variables at build time; the executor expands them with `vars::expand_word` /
//! `vars::expand_words` against the environment the step can see.

/// Where an instruction starts in its file (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// A whole Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// The escape character from `# escape=` (`\` by default).
    pub escape: char,
    /// `ARG`s that appear before the first `FROM`; they are visible to `FROM` lines and, when
    /// redeclared without a value inside a stage, to that stage.
    pub global_args: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
}

/// One `FROM` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 0-based position among the stages.
    pub index: usize,
    /// The `AS name`, lower-cased as docker does.
    pub name: Option<String>,
    /// The image reference as written (`scratch`, `busybox`, `${BASE}:1`, or an earlier
    /// stage's name); expanded against the global args only.
    pub base: String,
    /// `--platform=` as written.
    pub platform: Option<String>,
    /// The `FROM` line itself.
    pub from: Instruction,
    pub instructions: Vec<Instruction>,
}

/// One instruction with its source position and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub location: Location,
    /// The instruction as written, continuations joined into one line and comments inside
    /// continuations dropped: `RUN apk add x`. Joined as BuildKit joins them: the escape at
    /// the end of a line is removed and the next line appended as it is (its indentation
    /// kept), so `RUN a \` + `    b` is `RUN a     b`, as docker and podman show it in the
    /// history. Leading and trailing blanks are trimmed. Used in `STEP n/m:` output, history
    /// `created_by`, and cache keys.
    pub original: String,
    pub kind: InstructionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstructionKind {
    /// `FROM` (only ever in `Stage::from`).
    From,
    Run(Run),
    Cmd(CommandForm),
    Entrypoint(CommandForm),
    /// `SHELL ["sh", "-c"]`: exec form only.
    Shell(Vec<String>),
    /// `ENV k=v k2=v2` or the legacy `ENV k v w`; values raw (expand at build time, in
    /// order, each pair seeing the ones before it on the same line only after the line).
    Env(Vec<(String, String)>),
    Arg(Vec<ArgDecl>),
    /// Keys and values raw.
    Label(Vec<(String, String)>),
    /// Raw words, e.g. `80/tcp`, `${PORT}`.
    Expose(Vec<String>),
    Workdir(String),
    User(String),
    /// Raw paths, from the JSON or the plain form.
    Volume(Vec<String>),
    StopSignal(String),
    Healthcheck(Healthcheck),
    /// The trigger instruction; never itself `Onbuild`, `From` or `Maintainer`.
    Onbuild(Box<Instruction>),
    Copy(CopyArgs),
    Add(CopyArgs),
    Maintainer(String),
}

/// The two ways a command can be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandForm {
    /// `["a", "b"]`: run as is, no variable expansion.
    Exec(Vec<String>),
    /// `a b`: handed to the stage's SHELL as one string, as written.
    Shell(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub command: CommandForm,
    /// `RUN <<EOF` bodies, in the order their markers appear.
    pub heredocs: Vec<Heredoc>,
    /// `--mount=...` values, raw.
    pub mounts: Vec<String>,
    /// `--network=...`.
    pub network: Option<String>,
    /// `--security=...`.
    pub security: Option<String>,
}

/// A here-document attached to a RUN, COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The marker word without quotes or `-`: `EOF`.
    pub name: String,
    /// The body, each line ending in `\n`, the terminator line excluded; with `<<-` leading
    /// tabs already stripped.
    pub content: String,
    /// False when the marker was quoted (`<<'EOF'`, `<<"EOF"`): no expansion in the body.
    pub expand: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyArgs {
    /// Raw source words (may be globs, URLs for ADD, or heredoc markers `<<EOF`).
    pub sources: Vec<String>,
    /// Raw destination word.
    pub dest: String,
    /// Bodies for sources written as `<<NAME`.
    pub heredocs: Vec<Heredoc>,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    /// ADD `--checksum=sha256:...`.
    pub checksum: Option<String>,
    /// ADD `--keep-git-dir`.
    pub keep_git_dir: bool,
    /// COPY/ADD `--exclude=` patterns.
    pub excludes: Vec<String>,
    /// COPY `--parents`.
    pub parents: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`.
    None,
    Check {
        /// `CMD ["a"]` or `CMD a b` (the shell form becomes `CMD-SHELL` in the image).
        test: CommandForm,
        /// The option values as written (`30s`, `1m30s`); the executor parses them.
        interval: Option<String>,
        timeout: Option<String>,
        start_period: Option<String>,
        start_interval: Option<String>,
        retries: Option<String>,
    },
}

/// `ARG name` or `ARG name=default` (default raw).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
}

/// A parse failure with its place: rendered `Dockerfile:3:1: unknown instruction "FORM"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}
