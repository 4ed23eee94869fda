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
pub(crate) use write::unsupported_float;

use crate::value::Value;

/// Parses JSON as `json.Unmarshal` into an `interface{}`: numbers are `float64`.
pub fn from_slice(data: &[u8]) -> Result<Value, JsonError> {
    read::from_slice(data)
}

/// Appends a float as `json.Marshal` writes a `float64` (`8000`, `1.5`, `1e-7`, `1e+21`);
/// NaN and infinities are refused with Go's error, and nothing is written.
pub fn write_float(out: &mut String, f: f64) -> Result<(), JsonError> {
    if float_text::push_json(out, f) { Ok(()) } else { Err(unsupported_float(f)) }
}

/// Appends an integer's decimal text (`strconv.FormatInt(n, 10)`), without `fmt`.
pub fn write_integer(out: &mut String, n: i64) {
    float_text::push_integer(out, n);
}

/// Writes a value as `json.Marshal` does: sorted keys, HTML-safe escapes, Go's float format.
pub fn to_string(value: &Value) -> Result<String, JsonError> {
    write::to_string(value)
}
