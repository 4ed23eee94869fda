//! Scalar resolution as go-yaml v2's `resolve`: YAML 1.1 booleans, Go-syntax integers, floats, nulls, tags.

/// The long form of the YAML core tags, as the parser reports `!!x`.
pub(crate) const LONG_TAG_PREFIX: &str = "tag:yaml.org,2002:";
pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub(crate) const INT_TAG: &str = "tag:yaml.org,2002:int";
pub(crate) const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub(crate) const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub(crate) const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub(crate) const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// A scalar after resolution: the Go value go-yaml v2 stores in an `interface{}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    /// Go `int` (go-yaml picks `int` whenever the value fits, which is always on 64-bit platforms).
    Int(i64),
    /// Go `uint64`: integers above `int64` range.
    Uint(u64),
    Float(f64),
    /// Go `string`; bytes because `!!binary` can hold anything.
    Str(Vec<u8>),
}

/// What `resolve` decided: the resolved tag and value.
struct Resolved {
    tag: &'static str,
    value: Scalar,
}

/// Resolves a scalar's text with its tag (`""` when untagged and plain) as go-yaml v2 does when
/// decoding into an `interface{}`; the error is go-yaml's message without the `yaml: ` prefix.
pub(crate) fn resolve_scalar(tag: &str, implicit: bool, value: &str) -> Result<Scalar, String> {
    // A quoted scalar with no tag is always a string.
    if tag.is_empty() && !implicit {
        return Ok(Scalar::Str(value.as_bytes().to_vec()));
    }
    if tag == BINARY_TAG {
        return match decode_base64(value) {
            Some(bytes) => Ok(Scalar::Str(bytes)),
            None => Err("!!binary value contains invalid base64 data".to_owned()),
        };
    }
    if !resolvable(tag) {
        // Unknown and non-specific tags keep the text as a string.
        return Ok(Scalar::Str(value.as_bytes().to_vec()));
    }
    let resolved = resolve_plain(tag, value);
    if tag.is_empty() || tag == resolved.tag || tag == STR_TAG {
        // Timestamps stay strings in an interface{} (go-yaml v2 keeps them so for compatibility).
        if resolved.tag == TIMESTAMP_TAG {
            return Ok(Scalar::Str(value.as_bytes().to_vec()));
        }
        return Ok(resolved.value);
    }
    if tag == FLOAT_TAG
        && resolved.tag == INT_TAG
        && let Scalar::Int(i) = resolved.value
    {
        return Ok(Scalar::Float(i as f64));
    }
    Err(format!("cannot decode {} `{}` as a {}", short_tag(resolved.tag), value, short_tag(tag)))
}

/// `!!x` for a core tag, the tag itself otherwise.
pub(crate) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG_TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_owned(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(tag, "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG)
}

/// The fixed words of YAML 1.1 that go-yaml v2 knows, in all the spellings it accepts.
fn lookup_word(s: &str) -> Option<Resolved> {
    let (tag, value) = match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL_TAG, Scalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL_TAG, Scalar::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL_TAG, Scalar::Null),
        ".nan" | ".NaN" | ".NAN" => (FLOAT_TAG, Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => (FLOAT_TAG, Scalar::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT_TAG, Scalar::Float(f64::NEG_INFINITY)),
        "<<" => (MERGE_TAG, Scalar::Str(b"<<".to_vec())),
        _ => return None,
    };
    Some(Resolved { tag, value })
}

fn resolve_plain(tag: &str, s: &str) -> Resolved {
    let string = || Resolved { tag: STR_TAG, value: Scalar::Str(s.as_bytes().to_vec()) };
    // The first byte hints at what the scalar may be; anything else is a string.
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return string(),
    };
    if tag == STR_TAG {
        return string();
    }
    if let Some(word) = lookup_word(s) {
        return word;
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(s) {
                return Resolved { tag: FLOAT_TAG, value: Scalar::Float(f) };
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(s) {
                return Resolved { tag: TIMESTAMP_TAG, value: Scalar::Str(s.as_bytes().to_vec()) };
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain, 0) {
                return Resolved { tag: INT_TAG, value: Scalar::Int(i) };
            }
            if let Some(u) = go_parse_uint(&plain, 0) {
                return Resolved { tag: INT_TAG, value: Scalar::Uint(u) };
            }
            if super::plain::is_yaml_style_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return Resolved { tag: FLOAT_TAG, value: Scalar::Float(f) };
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                // go-yaml re-parses in base 2 with the sign allowed after the prefix (`0b-1`).
                if let Some(i) = go_parse_int(rest, 2) {
                    return Resolved { tag: INT_TAG, value: Scalar::Int(i) };
                }
                if let Some(u) = go_parse_uint(rest, 2) {
                    return Resolved { tag: INT_TAG, value: Scalar::Uint(u) };
                }
            } else if let Some(rest) = plain.strip_prefix("-0b")
                && let Some(i) = go_parse_int(&format!("-{rest}"), 2)
            {
                return Resolved { tag: INT_TAG, value: Scalar::Int(i) };
            }
        }
        _ => {}
    }
    string()
}

/// Go's `strconv.ParseUint(s, base, 64)` for base 0 (Go prefixes, leading-zero octal) or an explicit base;
/// `s` holds no underscores here except where Go would reject them anyway.
pub(crate) fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (digits, base) = if base == 0 {
        let b = s.as_bytes();
        if b[0] == b'0' {
            match b.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if s.len() >= 3 => (&s[2..], 2),
                Some(b'o') if s.len() >= 3 => (&s[2..], 8),
                Some(b'x') if s.len() >= 3 => (&s[2..], 16),
                _ => (&s[1..], 8),
            }
        } else {
            (s, 10)
        }
    } else {
        (s, base)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`.
pub(crate) fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = go_parse_uint(rest, base)?;
    if negative {
        if u > 1 << 63 {
            return None;
        }
        Some((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms a YAML scalar can reach here; `None` on
/// syntax errors and on overflow (Go reports `ErrRange`), underflow gives zero as in Go.
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = body.as_bytes();
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_')) {
        return None;
    }
    let text = if s.contains('_') {
        if !underscores_ok(s) {
            return None;
        }
        s.replace('_', "")
    } else {
        s.to_owned()
    };
    // Go's grammar: digits with at most one point, at least one digit, optional exponent with digits.
    if !is_go_decimal_float(&text) {
        return None;
    }
    let f: f64 = text.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

fn is_go_decimal_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    let mut seen_point = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => mantissa_digits += 1,
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// Go's `underscoreOK`: underscores only between digits (or after a base prefix).
fn underscores_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(rest) = b.strip_prefix(b"+").or_else(|| b.strip_prefix(b"-")) {
        b = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
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

/// go-yaml v2's `parseTimestamp`: the layouts it tries with Go's `time.Parse`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.len() == 4 || b[4] != b'-' {
        return false;
    }
    parse_time(b, Some(b'T'), true)
        || parse_time(b, Some(b't'), true)
        || parse_time(b, Some(b' '), false)
        || parse_time(b, None, false)
}

/// One of go-yaml's layouts: `2006-1-2`, then if `sep` is given `15:4:5.999999999`, then `Z07:00` if `zone`.
fn parse_time(b: &[u8], sep: Option<u8>, zone: bool) -> bool {
    let mut p = 4;
    let year: u32 = b[..4].iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
    let expect = |p: &mut usize, c: u8| -> bool {
        if b.get(*p) == Some(&c) {
            *p += 1;
            true
        } else {
            false
        }
    };
    // Go's getnum without `fixed`: one digit, or two when the second is a digit too.
    let num = |p: &mut usize| -> Option<u32> {
        let d0 = *b.get(*p).filter(|c| c.is_ascii_digit())?;
        *p += 1;
        match b.get(*p).filter(|c| c.is_ascii_digit()) {
            Some(&d1) => {
                *p += 1;
                Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
            }
            None => Some(u32::from(d0 - b'0')),
        }
    };
    if !expect(&mut p, b'-') {
        return false;
    }
    let Some(month) = num(&mut p) else { return false };
    if !(1..=12).contains(&month) || !expect(&mut p, b'-') {
        return false;
    }
    let Some(day) = num(&mut p) else { return false };
    if let Some(sep) = sep {
        if !expect(&mut p, sep) {
            return false;
        }
        let Some(hour) = num(&mut p) else { return false };
        if hour >= 24 || !expect(&mut p, b':') {
            return false;
        }
        let Some(minute) = num(&mut p) else { return false };
        if minute >= 60 || !expect(&mut p, b':') {
            return false;
        }
        let Some(second) = num(&mut p) else { return false };
        if second >= 60 {
            return false;
        }
        // An optional fraction: a period or comma followed by digits.
        if matches!(b.get(p), Some(b'.' | b',')) && b.get(p + 1).is_some_and(u8::is_ascii_digit) {
            p += 1;
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
        }
        if zone {
            if b.get(p) == Some(&b'Z') {
                p += 1;
            } else {
                let z = &b[p.min(b.len())..];
                if z.len() < 6 || !matches!(z[0], b'+' | b'-') || z[3] != b':' {
                    return false;
                }
                let two = |x: &[u8]| x.iter().all(u8::is_ascii_digit).then(|| (x[0] - b'0') * 10 + (x[1] - b'0'));
                match (two(&z[1..3]), two(&z[4..6])) {
                    (Some(h), Some(m)) if h <= 24 && m <= 60 => p += 6,
                    _ => return false,
                }
            }
        }
    }
    p == b.len() && day >= 1 && day <= days_in(month, year)
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let chars: Vec<u8> = s.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    let quanta = chars.len() / 4;
    for (q, quantum) in chars.chunks(4).enumerate() {
        let pads = quantum.iter().rev().take_while(|&&c| c == b'=').count();
        if pads > 0 && q + 1 != quanta || pads > 2 {
            return None;
        }
        let mut n = 0u32;
        for &c in &quantum[..4 - pads] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * pads as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pads]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Scalar) {
        assert_eq!(resolve_scalar("", true, text), Ok(expected), "{text}");
    }

    #[test]
    fn plain_scalars() {
        check("yes", Scalar::Bool(true));
        check("Off", Scalar::Bool(false));
        check("yEs", Scalar::Str(b"yEs".to_vec()));
        check("0x1F", Scalar::Int(31));
        check("012", Scalar::Int(10));
        check("08", Scalar::Float(8.0));
        check("0b101", Scalar::Int(5));
        check("0b-101", Scalar::Int(-5));
        check("1_000", Scalar::Int(1000));
        check("18446744073709551615", Scalar::Uint(u64::MAX));
        check("1e400", Scalar::Str(b"1e400".to_vec()));
        check(".5_5", Scalar::Float(0.55));
        check("2001-12-14", Scalar::Str(b"2001-12-14".to_vec()));
        check("~", Scalar::Null);
        check("<<", Scalar::Str(b"<<".to_vec()));
    }

    #[test]
    fn tags() {
        assert_eq!(resolve_scalar(FLOAT_TAG, false, "1"), Ok(Scalar::Float(1.0)));
        assert_eq!(resolve_scalar(INT_TAG, false, "a"), Err("cannot decode !!str `a` as a !!int".to_owned()));
        assert_eq!(resolve_scalar(BINARY_TAG, false, "aGk=\n"), Ok(Scalar::Str(b"hi".to_vec())));
        assert!(resolve_scalar(TIMESTAMP_TAG, false, "2001-02-29").is_err());
        assert!(resolve_scalar(TIMESTAMP_TAG, false, "2001-2-3T4:05:06.5+01:00").is_ok());
    }
}
