//! JSON as Go's `encoding/json` reads and writes it for Helm (`toJson`, `fromJson`, `--set-json`).

use crate::value::Value;

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
}

/// Parses JSON as `json.Unmarshal` into an `interface{}`: numbers are `float64`.
pub fn from_slice(data: &[u8]) -> Result<Value, JsonError> {
    let _ = data;
    Err(JsonError::new("json reading is not built yet"))
}

/// Writes a value as `json.Marshal` does: sorted keys, HTML-safe escapes, Go's float format.
pub fn to_string(value: &Value) -> Result<String, JsonError> {
    let _ = value;
    Err(JsonError::new("json writing is not built yet"))
}
