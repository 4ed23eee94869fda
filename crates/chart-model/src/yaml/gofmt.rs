//! Go's text for decoded YAML values where Helm's messages show it: `%#v`, and `strconv.FormatFloat(f, 'g', -1, n)`.

use crate::yaml::decode::GoValue;
use crate::yaml::resolve::Scalar;

/// Deeper values are cut short in messages; Go would print them whole.
const MAX_PRINT_DEPTH: usize = 100;

/// `fmt.Sprintf("%#v", v)` (and `%+#v`, the same for these types) of a value at the top level.
pub(crate) fn sharp_v(value: &GoValue) -> String {
    match value {
        GoValue::Scalar(Scalar::Null) => "<nil>".to_owned(),
        _ => {
            let mut out = String::new();
            write_sharp_v(&mut out, value, 0);
            out
        }
    }
}

/// `%s` of `reflect.TypeOf(v)` for a scalar, as sigs.k8s.io/yaml names an unsupported key.
pub(crate) fn type_name(value: &GoValue) -> &'static str {
    match value {
        GoValue::Scalar(Scalar::Null) => "%!s(<nil>)",
        GoValue::Scalar(Scalar::Bool(_)) => "bool",
        GoValue::Scalar(Scalar::Int(_)) => "int",
        GoValue::Scalar(Scalar::Uint(_)) => "uint64",
        GoValue::Scalar(Scalar::Float(_)) => "float64",
        GoValue::Scalar(Scalar::Str(_)) => "string",
        GoValue::Seq(_) => "[]interface {}",
        GoValue::Map(_) => "map[interface {}]interface {}",
    }
}

fn write_sharp_v(out: &mut String, value: &GoValue, depth: usize) {
    if depth > MAX_PRINT_DEPTH {
        out.push_str("...");
        return;
    }
    match value {
        GoValue::Scalar(s) => write_scalar(out, s),
        GoValue::Seq(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_sharp_v(out, item, depth + 1);
            }
            out.push('}');
        }
        GoValue::Map(pairs) => {
            // fmt prints maps sorted by key.
            let mut sorted: Vec<&(GoValue, GoValue)> = pairs.iter().collect();
            sorted.sort_by(|a, b| key_order(&a.0).partial_cmp(&key_order(&b.0)).unwrap_or(std::cmp::Ordering::Equal));
            out.push_str("map[interface {}]interface {}{");
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_sharp_v(out, k, depth + 1);
                out.push(':');
                write_sharp_v(out, v, depth + 1);
            }
            out.push('}');
        }
    }
}

/// Keys of one type sort by value; different types in an arbitrary but fixed order.
#[derive(PartialEq, PartialOrd)]
enum KeyOrder<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'a [u8]),
    Other,
}

fn key_order(key: &GoValue) -> KeyOrder<'_> {
    match key {
        GoValue::Scalar(Scalar::Null) => KeyOrder::Null,
        GoValue::Scalar(Scalar::Bool(b)) => KeyOrder::Bool(*b),
        GoValue::Scalar(Scalar::Int(i)) => KeyOrder::Int(*i),
        GoValue::Scalar(Scalar::Uint(u)) => KeyOrder::Uint(*u),
        GoValue::Scalar(Scalar::Float(f)) => KeyOrder::Float(if f.is_nan() { f64::NEG_INFINITY } else { *f }),
        GoValue::Scalar(Scalar::Str(s)) => KeyOrder::Str(s),
        _ => KeyOrder::Other,
    }
}

fn write_scalar(out: &mut String, scalar: &Scalar) {
    match scalar {
        Scalar::Null => out.push_str("interface {}(nil)"),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Int(i) => out.push_str(&i.to_string()),
        Scalar::Uint(u) => out.push_str(&format!("{u:#x}")),
        Scalar::Float(f) => out.push_str(&format_g(*f, false)),
        Scalar::Str(s) => out.push_str(&quote(s)),
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, or with `bits32` `strconv.FormatFloat(f, 'g', -1, 32)`,
/// which first rounds to float32.
pub(crate) fn format_g(f: f64, bits32: bool) -> String {
    let f = if bits32 { f64::from(f as f32) } else { f };
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    // Shortest digits that read back as the same number, in scientific form: "-1.25e-7".
    let sci = if bits32 { format!("{:e}", f as f32) } else { format!("{f:e}") };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
    } else {
        let point = exp + 1;
        if point <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if point >= digits.len() {
                out.push_str(&digits);
                out.push_str(&"0".repeat(point - digits.len()));
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    }
    out
}

/// `strconv.Quote` of Go string bytes.
fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    let mut rest = bytes;
    while !rest.is_empty() {
        let (c, width) = decode_rune(rest);
        match c {
            None => out.push_str(&format!("\\x{:02x}", rest[0])),
            Some('"') => out.push_str("\\\""),
            Some('\\') => out.push_str("\\\\"),
            Some('\u{7}') => out.push_str("\\a"),
            Some('\u{8}') => out.push_str("\\b"),
            Some('\u{c}') => out.push_str("\\f"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some('\t') => out.push_str("\\t"),
            Some('\u{b}') => out.push_str("\\v"),
            Some(c) if c == ' ' || !(c.is_control() || c.is_whitespace() || ('\u{e000}'..='\u{f8ff}').contains(&c)) => {
                out.push(c);
            }
            Some(c) if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            Some(c) if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            Some(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
        rest = &rest[width..];
    }
    out.push('"');
    out
}

/// Go's `utf8.DecodeRune`: one character, or `None` and width 1 for an invalid byte.
pub(crate) fn decode_rune(bytes: &[u8]) -> (Option<char>, usize) {
    let width = match bytes.first() {
        None => return (None, 0),
        Some(b) if *b < 0x80 => 1,
        Some(b) if b & 0xE0 == 0xC0 => 2,
        Some(b) if b & 0xF0 == 0xE0 => 3,
        Some(b) if b & 0xF8 == 0xF0 => 4,
        Some(_) => return (None, 1),
    };
    match bytes.get(..width).and_then(|b| std::str::from_utf8(b).ok()).and_then(|s| s.chars().next()) {
        Some(c) => (Some(c), width),
        None => (None, 1),
    }
}

/// Go's conversion of string bytes to valid UTF-8 as `encoding/json` writes them: each invalid byte
/// becomes U+FFFD.
pub(crate) fn lossy_utf8(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len());
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let (c, width) = decode_rune(rest);
                out.push(c.unwrap_or('\u{FFFD}'));
                rest = &rest[width.max(1)..];
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_prints_them() {
        assert_eq!(format_g(1.0, false), "1");
        assert_eq!(format_g(1e6, false), "1e+06");
        assert_eq!(format_g(123456.0, false), "123456");
        assert_eq!(format_g(0.0001, false), "0.0001");
        assert_eq!(format_g(0.00001, false), "1e-05");
        assert_eq!(format_g(-0.0, false), "-0");
        assert_eq!(format_g(0.1234567891, true), "0.12345679");
        assert_eq!(format_g(1e300, true), "+Inf");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(b"a\"b\n\xff\x01"), "\"a\\\"b\\n\\xff\\x01\"");
        assert_eq!(lossy_utf8(b"a\xe2\x82b".to_vec()), "a\u{FFFD}\u{FFFD}b");
    }
}
