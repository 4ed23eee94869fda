//! Go's `encoding/json` marshalling of template values, for Sprig's `toPrettyJson`, `toRawJson`
//! and the `mustTo*Json` functions: compact or indented, HTML-escaped or not.

use std::sync::Arc;

use crate::value::{Kind, SharedMap, Value};

use super::cast::elements;

/// How to write: `json.Marshal`, `json.MarshalIndent(v, "", "  ")`, or an Encoder without HTML escaping.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    /// Two-space indentation.
    pub(crate) indent: bool,
    /// `<`, `>` and `&` as `\u003c`...
    pub(crate) escape_html: bool,
}

/// `json.Marshal`'s style.
pub(crate) const COMPACT: Style = Style { indent: false, escape_html: true };

/// Compact, without HTML escaping: how a host struct writes its own text, which the writer
/// escapes afterwards when it escapes HTML (as Go's encoder compacts a `MarshalJSON` result).
pub(crate) const RAW: Style = Style { indent: false, escape_html: false };

/// Writes `v` as Go's `encoding/json`; the error is Go's (`json: unsupported value: NaN`).
pub(crate) fn marshal(v: &Value, style: Style) -> Result<String, String> {
    let mut out = String::new();
    let mut open = Vec::new();
    write(&mut out, v, style, 0, &mut open)?;
    Ok(out)
}

/// Go's error for a map that contains itself (`set $d "self" $d`).
const CYCLE: &str = "json: unsupported value: encountered a cycle via map[string]interface {}";

fn newline(out: &mut String, style: Style, depth: usize) {
    if style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

fn write_float(out: &mut String, f: f64) -> Result<(), String> {
    chart_model::json::write_float(out, f).map_err(|e| e.to_string())
}

/// The maps being written, outermost first, to find cycles.
type Open = Vec<*const SharedMap>;

fn write(out: &mut String, v: &Value, style: Style, depth: usize, open: &mut Open) -> Result<(), String> {
    super::deep::grow(|| write_value(out, v, style, depth, open))
}

fn write_value(out: &mut String, v: &Value, style: Style, depth: usize, open: &mut Open) -> Result<(), String> {
    match v {
        Value::Invalid | Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) | Value::Int64(n) => chart_model::json::write_integer(out, *n),
        Value::Float64(f) => write_float(out, *f)?,
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::List(l) => write_list(out, l, style, depth, open)?,
        Value::Map(m) => {
            let ptr = Arc::as_ptr(m);
            if open.contains(&ptr) {
                return Err(CYCLE.to_owned());
            }
            open.push(ptr);
            // A map never written is borrowed as it is; a written one is copied first, so that
            // no lock is held while its values are written.
            let result = match m.frozen() {
                Some(entries) => write_map(out, entries.iter().map(|(k, v)| (&**k, v)), style, depth, open),
                None => {
                    let entries = m.snapshot();
                    write_map(out, entries.iter().map(|(k, v)| (&**k, v)), style, depth, open)
                }
            };
            open.pop();
            result?;
        }
        Value::Object(o) => {
            if let Some(written) = crate::helm::marshal::write_own(v, out, style.indent, style.escape_html, depth) {
                return written;
            }
            if o.is_nil() && matches!(o.kind(), Kind::Slice | Kind::Map | Kind::Pointer) {
                out.push_str("null");
                return Ok(());
            }
            match o.kind() {
                // encoding/json writes a []byte as base64 text.
                Kind::Slice if o.type_name() == "[]uint8" => {
                    use base64::Engine as _;
                    let bytes: Vec<u8> = elements(v)
                        .unwrap_or_default()
                        .iter()
                        .map(|e| e.as_uint().and_then(|b| u8::try_from(b).ok()).unwrap_or(0))
                        .collect();
                    write_string(out, &base64::engine::general_purpose::STANDARD.encode(bytes), style.escape_html);
                }
                Kind::Slice => write_list(out, &elements(v).unwrap_or_default(), style, depth, open)?,
                Kind::Map => {
                    let mut entries: Vec<(String, Value)> =
                        o.fields().into_iter().map(|(k, v)| (k.into_owned(), v)).collect();
                    entries.sort_by(|a, b| a.0.cmp(&b.0));
                    write_map(out, entries.iter().map(|(k, v)| (k.as_str(), v)), style, depth, open)?;
                }
                Kind::Int => out.push_str(&o.int().unwrap_or(0).to_string()),
                Kind::Uint => out.push_str(&o.uint().unwrap_or(0).to_string()),
                Kind::Float => write_float(out, o.float().unwrap_or(0.0))?,
                Kind::String => write_string(out, o.str().unwrap_or(""), style.escape_html),
                Kind::Bool => out.push_str(if v.is_true() { "true" } else { "false" }),
                _ => match o.stringer() {
                    Some(s) => write_string(out, &s, style.escape_html),
                    None => out.push_str("{}"),
                },
            }
        }
    }
    Ok(())
}

fn write_list(out: &mut String, items: &[Value], style: Style, depth: usize, open: &mut Open) -> Result<(), String> {
    out.push('[');
    if items.is_empty() {
        out.push(']');
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, style, depth + 1);
        write(out, item, style, depth + 1, open)?;
    }
    newline(out, style, depth);
    out.push(']');
    Ok(())
}

fn write_map<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
    style: Style,
    depth: usize,
    open: &mut Open,
) -> Result<(), String> {
    out.push('{');
    let mut empty = true;
    for (i, (k, item)) in entries.enumerate() {
        empty = false;
        if i > 0 {
            out.push(',');
        }
        newline(out, style, depth + 1);
        write_string(out, k, style.escape_html);
        out.push(':');
        if style.indent {
            out.push(' ');
        }
        write(out, item, style, depth + 1, open)?;
    }
    if !empty {
        newline(out, style, depth);
    }
    out.push('}');
    Ok(())
}

/// The bytes `write_string` stops at: ASCII bytes that need an escape, and 0xE2, which starts
/// U+2028 and U+2029 (escaped as in Go) among other characters.
const fn stops(html: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[0xE2] = true;
    if html {
        table[b'<' as usize] = true;
        table[b'>' as usize] = true;
        table[b'&' as usize] = true;
    }
    table
}

const STOPS: [bool; 256] = stops(false);
const STOPS_HTML: [bool; 256] = stops(true);

/// Go's JSON string escaping.
fn write_string(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let stops = if escape_html { &STOPS_HTML } else { &STOPS };
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs of bytes that need no escape are copied at once.
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if !stops[usize::from(b)] {
            i += 1;
            continue;
        }
        let escape: &str = match b {
            0xE2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0xA8)) => "\\u2028",
                (Some(0x80), Some(0xA9)) => "\\u2029",
                _ => {
                    i += 1;
                    continue;
                }
            },
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            _ => "",
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            // `\u00XX` for control characters and, with HTML escaping, `<`, `>` and `&`.
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
            i += 1;
        } else {
            out.push_str(escape);
            i += if b == 0xE2 { 3 } else { 1 };
        }
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_go() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\n\r\t\u{8}\u{c}<>&\u{1}\u{1f}\u{2028}\u{2029}é", true);
        assert_eq!(out, r#""a\"b\\c\n\r\t\b\f\u003c\u003e\u0026\u0001\u001f\u2028\u2029é""#);
        out.clear();
        write_string(&mut out, "<&>", false);
        assert_eq!(out, r#""<&>""#);
    }
}
