//! Helm's rewriting of template errors (`cleanupParseError`, `cleanupExecError` in engine.go):
//! the location first, and for `required` and `fail` only the chart author's message.

use crate::error::Error;
use crate::helm::{WARN_END, WARN_START};

/// `parse error at (NAME:LINE): message`, keeping only the last `: `-separated part of Go's message.
pub fn cleanup_parse_error(filename: &str, message: &str) -> String {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {message}");
    }
    format!("parse error at ({}): {}", tokens[1], tokens[tokens.len() - 1])
}

/// Go's execution error unchanged, unless it carries a `required`/`fail` message: then
/// `execution error at (NAME:LINE:COL): message`.
pub fn cleanup_exec_error(filename: &str, err: &Error) -> String {
    let message = err.to_string();
    if !matches!(err, Error::Exec(_)) {
        return message;
    }
    let tokens: Vec<&str> = message.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {message}");
    }
    if let Some(start) = tokens[2].find(WARN_START)
        && let Some(end) = tokens[2].rfind(WARN_END)
        && end >= start + WARN_START.len()
    {
        return format!("execution error at ({}): {}", tokens[1], &tokens[2][start + WARN_START.len()..end]);
    }
    message
}
