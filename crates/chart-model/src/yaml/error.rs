//! `YamlError`: a YAML document Helm would refuse, with Helm's message.

/// An error reading or writing YAML; its message is the one Helm gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    message: String,
}

impl YamlError {
    /// An error with Helm's message text.
    pub fn new(message: impl Into<String>) -> Self {
        YamlError { message: message.into() }
    }

    /// The message, as Helm prints it.
    pub fn message(&self) -> &str {
        &self.message
    }
}
