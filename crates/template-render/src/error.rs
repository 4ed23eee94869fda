//! The errors of template-render.

use std::sync::Arc;

/// A template that does not parse, with Go's message.
///
/// It prints as Go's `text/template` does: `template: NAME:LINE: message`
/// (Helm later rewrites this as `parse error at (NAME:LINE): message`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {message}")]
pub struct ParseError {
    /// The name of the file being parsed.
    pub name: Arc<str>,
    /// The line Go reports: that of the last token read.
    pub line: usize,
    /// Go's message, without the location.
    pub message: String,
}

/// A template that fails while executing, with Go's message
/// (`template: NAME:LINE:COL: executing "NAME" at <NODE>: message`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExecError {
    /// The name of the template that was executing.
    pub name: Arc<str>,
    /// Go's whole message, location included.
    pub message: String,
}

/// Everything that can go wrong in template-render.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A template does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A template fails while executing.
    #[error(transparent)]
    Exec(#[from] ExecError),
    /// A chart's templates failed to parse or execute; the message is Helm's, after its cleanup.
    #[error("{0}")]
    Render(String),
    /// The chart's values could not be computed (dependencies, coalescing, schema); Helm's message.
    #[error("{0}")]
    Values(String),
}

/// The result type of template-render.
pub type Result<T, E = Error> = std::result::Result<T, E>;
