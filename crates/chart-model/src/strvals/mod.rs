//! `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal`
//! parsing, as Helm's pkg/strvals: the same types, the same edge cases and
//! the same error messages.
//!
//! Each function applies one flag's line (`a=1,b.c[0]=x`) to an existing
//! values map, as Helm applies its flags in turn to the values read from
//! `-f` files.

pub(crate) mod json_scan;
mod parser;
pub(crate) mod quote;

use std::error::Error as StdError;

use crate::value::{Map, Value};
use parser::{Mode, Parser, typed_val};
use quote::{go_quote, go_quote_runes};

/// The largest list index a line may set (Helm's `MaxIndex`).
pub const MAX_INDEX: i64 = 65536;

/// How deeply names may nest with dots (Helm's `MaxNestedNameLevel`).
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// An error reading a `--set` line; its message is Helm's.
#[derive(Debug, thiserror::Error)]
pub enum StrvalsError {
    /// A key at the end of the line with no `=`.
    #[error("key {} has no value", go_quote(.0))]
    KeyHasNoValue(String),
    /// A key followed by a comma instead of `=`.
    #[error("key {} has no value (cannot end with ,)", go_quote(.0))]
    KeyEndsWithComma(String),
    /// `a.` with nothing set under `a`.
    #[error("key map {} has no value", go_quote(.0))]
    KeyMapHasNoValue(String),
    /// More than [`MAX_NESTED_NAME_LEVEL`] dots in a name.
    #[error("value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}")]
    NestedTooDeep,
    /// Lists nested more than a hundred deep (`a[0][0]...`); Helm has no such limit.
    #[error("value name nested list level is greater than maximum supported level of 100")]
    ListsNestedTooDeep,
    /// The text between `[` and `]` is not an index.
    #[error("error parsing index: {0}")]
    Index(IndexError),
    /// A negative list index.
    #[error("negative {0} index not allowed")]
    NegativeIndex(i64),
    /// A list index above [`MAX_INDEX`].
    #[error("index of {0} is greater than maximum supported index of {MAX_INDEX}")]
    IndexTooLarge(i64),
    /// Text between `]` and the next `[`, `.` or `=`.
    #[error("unexpected data at end of array index: {}", go_quote_runes(.0))]
    UnexpectedDataAfterIndex(String),
    /// A `{a,b` list with no closing brace.
    #[error("list must terminate with '}}'")]
    ListNotTerminated,
    /// A name used both as a map or list and as something else (Helm
    /// recovers from the failed Go type assertion and reports it this way).
    #[error("unable to parse key: interface conversion: interface {{}} is {found}, not {wanted}")]
    TypeMismatch {
        /// The Go type found (`nil`, `string`, `[]interface {}`...).
        found: &'static str,
        /// The Go type the name needed.
        wanted: &'static str,
    },
    /// A `--set-json` value that is not JSON; Go's `encoding/json` message.
    #[error("{0}")]
    Json(String),
    /// The reader of a `--set-file` value failed.
    #[error("{0}")]
    ReadValue(Box<dyn StdError + Send + Sync>),
}

/// Why the text of a list index was refused (Go's `strconv.Atoi` and `io.EOF` messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The line ended before `]`.
    #[error("EOF")]
    Eof,
    /// Not a decimal integer.
    #[error("strconv.Atoi: parsing {}: invalid syntax", go_quote(.0))]
    Syntax(String),
    /// Beyond a 64-bit integer.
    #[error("strconv.Atoi: parsing {}: value out of range", go_quote(.0))]
    Range(String),
}

/// `--set`: Helm's `strvals.ParseInto`. Values are typed as Helm types them:
/// `true`/`false` (any case) are bools, `null` is nil, decimal integers
/// without a leading zero are `int64`, everything else is a string;
/// `{a,b}` is a list.
pub fn parse_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    let mut reader = |rs: &str| Ok(typed_val(rs, false));
    Parser::new(line, Mode::Values(&mut reader)).parse(dest)
}

/// `--set-string`: Helm's `strvals.ParseIntoString`; every value is a string.
pub fn parse_into_string(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    let mut reader = |rs: &str| Ok(typed_val(rs, true));
    Parser::new(line, Mode::Values(&mut reader)).parse(dest)
}

/// `--set-json`: Helm's `strvals.ParseJSON`; each value is one JSON
/// document (numbers are `float64`), an empty value is nil.
pub fn parse_json(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Mode::Json).parse(dest)
}

/// `--set-file`: Helm's `strvals.ParseIntoFile`. Each value (`key=path`, or
/// each item of `key={p1,p2}`) is handed to `reader`, which returns the value
/// to store (Helm's CLI reads the file and stores its text as a string).
pub fn parse_into_file<F>(line: &str, dest: &mut Map, mut reader: F) -> Result<(), StrvalsError>
where
    F: FnMut(&str) -> Result<Value, Box<dyn StdError + Send + Sync>>,
{
    let mut reader = |rs: &str| reader(rs).map_err(StrvalsError::ReadValue);
    Parser::new(line, Mode::Values(&mut reader)).parse(dest)
}

/// `--set-literal`: Helm's `strvals.ParseLiteralInto`; one key, and the
/// whole rest of the line is its string value (commas and backslashes included).
pub fn parse_literal_into(line: &str, dest: &mut Map) -> Result<(), StrvalsError> {
    Parser::new(line, Mode::Literal).parse(dest)
}

#[cfg(test)]
mod tests;
