//! Reading a Sprig function's arguments, already converted to its Go signature by the executor.

use crate::gofmt;
use crate::value::Value;

/// The string argument at `i`.
pub(crate) fn str(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

/// The integer argument at `i`.
pub(crate) fn int(a: &[Value], i: usize) -> i64 {
    a.get(i).and_then(Value::as_int).unwrap_or(0)
}

/// Whether an `interface{}` argument is nil (`v == nil` in Go; a typed nil is not).
pub(crate) fn is_nil(v: &Value) -> bool {
    matches!(v, Value::Nil | Value::Invalid)
}

/// `fmt.Sprintf("%v", v)`.
pub(crate) fn sprint_v(v: &Value) -> String {
    gofmt::sprintf("%v", std::slice::from_ref(v))
}
