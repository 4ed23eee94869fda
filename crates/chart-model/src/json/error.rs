//! `JsonError`: JSON Go would refuse to read or write, with Go's message.

/// An error reading or writing JSON; its message is the one Go gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    message: String,
}

impl JsonError {
    /// An error with Go's message text.
    pub fn new(message: impl Into<String>) -> Self {
        JsonError { message: message.into() }
    }

    /// The message, as Go prints it.
    pub fn message(&self) -> &str {
        &self.message
    }
}
