//! JSON as Go's `encoding/json` reads and writes it for Helm (`toJson`, `fromJson`, `--set-json`).
//!
//! Writing is `json.Marshal`: keys sorted bytewise, `<`, `>`, `&`, U+2028 and
//! U+2029 escaped, floats in Go's format, NaN and infinities refused. Reading
//! is `json.Unmarshal` into an `interface{}`: every number is a `float64`, a
//! repeated key keeps its last value, and errors carry Go's messages.

mod error;
pub(crate) mod float_text;
mod read;
mod write;

pub use error::JsonError;
pub(crate) use write::{first_unsupported_float, unsupported_float};

use crate::value::Value;

/// Parses JSON as `json.Unmarshal` into an `interface{}`: numbers are `float64`.
pub fn from_slice(data: &[u8]) -> Result<Value, JsonError> {
    read::from_slice(data)
}

/// Writes a value as `json.Marshal` does: sorted keys, HTML-safe escapes, Go's float format.
pub fn to_string(value: &Value) -> Result<String, JsonError> {
    write::to_string(value)
}
