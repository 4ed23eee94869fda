//! The conversions Sprig leans on: spf13/cast's `ToInt64`/`ToFloat64`, Sprig's `strval`, Go's
//! `strconv` number parsing, and reflection helpers (slice elements, kind names, emptiness).

use crate::gofmt;
use crate::value::{Kind, Value};

/// Go's conversion of a float64 to an integer on amd64: truncation, with NaN and out-of-range
/// values becoming the "integer indefinite" value.
pub(crate) fn float_to_int(f: f64) -> i64 {
    // 2^63 is exactly representable; every float in [-2^63, 2^63) converts.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-TWO_63..TWO_63).contains(&f) { i64::MIN } else { f as i64 }
}

/// cast's `trimZeroDecimal`: `"12.000"` becomes `"12"`.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// spf13/cast's `ToInt64E`: `None` where cast fails (Sprig then uses 0).
pub(crate) fn try_int64(v: &Value) -> Option<i64> {
    match v {
        Value::Invalid | Value::Nil => Some(0),
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(n) | Value::Int64(n) => Some(*n),
        Value::Float64(f) => Some(float_to_int(*f)),
        Value::String(s) => parse_int(trim_zero_decimal(s)),
        Value::List(_) | Value::Map(_) => None,
        Value::Object(o) => match o.kind() {
            Kind::Int => o.int(),
            Kind::Uint => o.uint().map(|u| u as i64),
            Kind::Float => o.float().map(float_to_int),
            _ => None,
        },
    }
}

/// cast's `ToInt64`.
pub(crate) fn to_int64(v: &Value) -> i64 {
    try_int64(v).unwrap_or(0)
}

/// cast's `ToFloat64E`.
pub(crate) fn try_float64(v: &Value) -> Option<f64> {
    match v {
        Value::Invalid | Value::Nil => Some(0.0),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Int(n) | Value::Int64(n) => Some(*n as f64),
        Value::Float64(f) => Some(*f),
        Value::String(s) => parse_float(s),
        Value::List(_) | Value::Map(_) => None,
        Value::Object(o) => match o.kind() {
            Kind::Int => o.int().map(|n| n as f64),
            Kind::Uint => o.uint().map(|n| n as f64),
            Kind::Float => o.float(),
            _ => None,
        },
    }
}

/// cast's `ToFloat64`.
pub(crate) fn to_float64(v: &Value) -> f64 {
    try_float64(v).unwrap_or(0.0)
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, base prefixes (`0x`, `0o`, `0b`, a leading `0`
/// for octal) and underscores between digits when a prefix is given.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_uint_base0(body)?;
    if neg {
        if mag > 1u64 << 63 {
            return None;
        }
        Some((mag as i64).wrapping_neg())
    } else {
        i64::try_from(mag).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` without a sign.
fn parse_uint_base0(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let (base, digits) = if b[0] == b'0' && b.len() >= 2 {
        match b[1].to_ascii_lowercase() {
            b'x' if b.len() >= 3 => (16, &s[2..]),
            b'o' if b.len() >= 3 => (8, &s[2..]),
            b'b' if b.len() >= 3 => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.contains('_') && !underscores_ok(s) {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscores_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'x' | b'o' | b'b') {
        hex = b[1].eq_ignore_ascii_case(&b'x');
        i = 2;
        saw = b'0';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms templates meet: decimal, `inf`/`infinity`/`nan`
/// in any case, hexadecimal mantissas with a `p` exponent; out of range is a failure.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return None;
    }
    let neg = lower.starts_with('-');
    match unsigned {
        "inf" | "infinity" => return Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        "nan" if lower.len() == 3 => return Some(f64::NAN),
        _ => {}
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return parse_hex_float(hex).map(|f| if neg { -f } else { f });
    }
    let cleaned: String;
    let text = if s.contains('_') {
        if !underscores_ok(unsigned) {
            return None;
        }
        cleaned = s.replace('_', "");
        &cleaned
    } else {
        s
    };
    if !text.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    let f: f64 = text.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let s = s.replace('_', "");
    // Go requires the `p` exponent of a hexadecimal float.
    let i = s.find('p')?;
    let (mant, exp) = (&s[..i], s[i + 1..].parse::<i32>().ok()?);
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let f = v * 2f64.powi(exp);
    if f.is_infinite() { None } else { Some(f) }
}

/// Sprig's `strval`: a string as is, a Stringer or error through its method, anything else as `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Object(o) => match o.stringer() {
            Some(s) => s,
            None => gofmt::sprint(std::slice::from_ref(v)),
        },
        Value::Invalid | Value::Nil => "<nil>".to_owned(),
        _ => {
            let mut out = String::new();
            gofmt::print_value(v, &mut out);
            out
        }
    }
}

/// The elements of a value of slice or array kind, as `reflect.Value.Index(i).Interface()` gives them.
pub(crate) fn elements(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.as_ref().clone()),
        Value::Object(o) if o.kind() == Kind::Slice => Some(o.elements().unwrap_or_default()),
        _ => None,
    }
}

/// `reflect.Kind.String()` of a value's dynamic type (`reflect.TypeOf(v).Kind()`); `None` for nil,
/// where Go's `reflect.TypeOf(nil).Kind()` dereferences a nil pointer.
pub(crate) fn kind_name(v: &Value) -> Option<String> {
    Some(match v {
        Value::Invalid | Value::Nil => return None,
        Value::Bool(_) => "bool".to_owned(),
        Value::Int(_) => "int".to_owned(),
        Value::Int64(_) => "int64".to_owned(),
        Value::Float64(_) => "float64".to_owned(),
        Value::String(_) => "string".to_owned(),
        Value::List(_) => "slice".to_owned(),
        Value::Map(_) => "map".to_owned(),
        Value::Object(o) => match o.kind() {
            Kind::Bool => "bool".to_owned(),
            Kind::Int | Kind::Uint | Kind::Float | Kind::Complex => o.type_name().into_owned(),
            Kind::String => "string".to_owned(),
            Kind::Slice => "slice".to_owned(),
            Kind::Map => "map".to_owned(),
            Kind::Struct => "struct".to_owned(),
            Kind::Pointer => "ptr".to_owned(),
            Kind::Func => "func".to_owned(),
            Kind::Interface => "interface".to_owned(),
            Kind::Invalid => "invalid".to_owned(),
        },
    })
}

/// The message of Go's runtime panic on a nil dereference, which `reflect.TypeOf(nil).Kind()` raises.
pub(crate) const NIL_DEREFERENCE: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Sprig's `empty`: the zero value of its type, nil, or an empty string, slice or map.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Invalid | Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(n) | Value::Int64(n) => *n == 0,
        Value::Float64(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => match o.kind() {
            Kind::Struct => false,
            Kind::Slice | Kind::Map | Kind::String => v.is_empty(),
            Kind::Int => o.int() == Some(0),
            Kind::Uint => o.uint() == Some(0),
            Kind::Float => o.float() == Some(0.0),
            Kind::Bool => !v.is_true(),
            _ => o.is_nil(),
        },
    }
}

/// Bytes as text the way Go's JSON (and so the oracle) shows a string holding invalid UTF-8:
/// each byte that is not part of a valid character becomes U+FFFD. Go keeps the raw bytes;
/// our strings cannot.
pub(crate) fn lossy_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{FFFD}');
        }
    }
    out
}
