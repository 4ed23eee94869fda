//! Writing values as Go's `json.Marshal` does.

use std::collections::btree_map;

use crate::json::JsonError;
use crate::json::float_text::{format_g, push_integer, push_json};
use crate::value::Value;

/// See [`crate::json::to_string`].
///
/// The walk keeps its own stack rather than recursing, so that a deeply
/// nested value (Go has no depth limit here) cannot overflow ours.
pub(crate) fn to_string(value: &Value) -> Result<String, JsonError> {
    enum Frame<'a> {
        List(std::slice::Iter<'a, Value>, bool),
        Map(btree_map::Iter<'a, String, Value>, bool),
    }
    let mut out = String::new();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut next = Some(value);
    loop {
        if let Some(v) = next.take() {
            match v {
                Value::Null => out.push_str("null"),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Int(n) | Value::Int64(n) => push_integer(&mut out, *n),
                Value::Float64(f) => {
                    if !push_json(&mut out, *f) {
                        return Err(unsupported_float(*f));
                    }
                }
                Value::String(s) => write_string(&mut out, s),
                Value::List(items) => {
                    out.push('[');
                    stack.push(Frame::List(items.iter(), true));
                }
                Value::Map(map) => {
                    out.push('{');
                    stack.push(Frame::Map(map.iter(), true));
                }
            }
        }
        match stack.last_mut() {
            None => break,
            Some(Frame::List(items, first)) => match items.next() {
                Some(item) => {
                    if !std::mem::replace(first, false) {
                        out.push(',');
                    }
                    next = Some(item);
                }
                None => {
                    out.push(']');
                    stack.pop();
                }
            },
            Some(Frame::Map(entries, first)) => match entries.next() {
                Some((key, item)) => {
                    if !std::mem::replace(first, false) {
                        out.push(',');
                    }
                    write_string(&mut out, key);
                    out.push(':');
                    next = Some(item);
                }
                None => {
                    out.push('}');
                    stack.pop();
                }
            },
        }
    }
    Ok(out)
}

/// The error `json.Marshal` gives for NaN and infinities.
pub(crate) fn unsupported_float(f: f64) -> JsonError {
    JsonError::new(format!("json: unsupported value: {}", format_g(f)))
}

/// A JSON string as Go writes it with HTML escaping on.
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Control characters, and the HTML-sensitive characters `json.Marshal` escapes so
            // that its output can be embedded in a page.
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            // Line and paragraph separators break JSONP, so Go always escapes them.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    #[test]
    fn writes_as_go() {
        let mut m = Map::new();
        m.insert("b".into(), Value::List(vec![Value::Int(1), Value::Float64(1.5), Value::Null]));
        m.insert("a<".into(), Value::String("x&\u{2028}\u{1}".into()));
        m.insert("c".into(), Value::Map(Map::new()));
        assert_eq!(
            to_string(&Value::Map(m)).as_deref(),
            Ok(r#"{"a\u003c":"x\u0026\u2028\u0001","b":[1,1.5,null],"c":{}}"#)
        );
        assert_eq!(
            to_string(&Value::Float64(f64::NAN)).map_err(|e| e.to_string()),
            Err("json: unsupported value: NaN".into())
        );
    }
}
