//! Go's literal syntax as the template parser checks it: `strconv.Unquote`, `UnquoteChar`,
//! `ParseInt`/`ParseUint` with base 0 and `ParseFloat`, and the number node's values.

use std::sync::Arc;

use crate::lex::scan_number_at;
use crate::quote::go_quote;

/// The value of a number literal, as Go's `NumberNode` holds it: each reading that fits.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct NumberValue {
    /// The literal is an integer that fits in `int64`.
    pub is_int: bool,
    /// The literal is an integer that fits in `uint64`.
    pub is_uint: bool,
    /// The literal has a floating-point value.
    pub is_float: bool,
    /// The literal is complex (imaginary).
    pub is_complex: bool,
    /// The `int64` value.
    pub int64: i64,
    /// The `uint64` value.
    pub uint64: u64,
    /// The `float64` value.
    pub float64: f64,
    /// The complex value as (real, imaginary).
    pub complex: (f64, f64),
}

/// Go's `strconv.ErrSyntax` text.
pub const INVALID_SYNTAX: &str = "invalid syntax";

/// Go's `strconv.Unquote` for a string literal in backquotes or double quotes.
///
/// Go strings are bytes; an escape such as `\xff` can make invalid UTF-8, which is
/// replaced here by U+FFFD.
pub fn unquote(s: &str) -> Result<String, &'static str> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(INVALID_SYNTAX);
    }
    let quote = b[0];
    if b[b.len() - 1] != quote {
        return Err(INVALID_SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(INVALID_SYNTAX);
            }
            Ok(body.replace('\r', ""))
        }
        b'"' => {
            if !body.contains('\\') && !body.contains('\n') && !body.contains('"') {
                return Ok(body.to_owned());
            }
            let mut out = Vec::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                if rest.starts_with('\n') {
                    return Err(INVALID_SYNTAX);
                }
                let (value, multibyte, tail) = unquote_char(rest, b'"')?;
                push_rune(&mut out, value, multibyte);
                rest = tail;
            }
            Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// [`unquote`] into a shared string, with no intermediate copy when nothing is escaped.
pub fn unquote_shared(s: &str) -> Result<Arc<str>, &'static str> {
    let b = s.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b[0] {
        match b[0] {
            b'"' => {
                let body = &s[1..s.len() - 1];
                if !body.contains(['\\', '\n', '"']) {
                    return Ok(Arc::from(body));
                }
            }
            b'`' => {
                let body = &s[1..s.len() - 1];
                if !body.contains(['`', '\r']) {
                    return Ok(Arc::from(body));
                }
            }
            _ => {}
        }
    }
    unquote(s).map(Arc::from)
}

fn push_rune(out: &mut Vec<u8>, value: u32, multibyte: bool) {
    if value < 0x80 || !multibyte {
        // A single byte, possibly not UTF-8 (from \x or octal escapes).
        out.push(value as u8);
    } else {
        let c = char::from_u32(value).unwrap_or('\u{fffd}');
        let mut buf = [0; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// Go's `strconv.UnquoteChar`: the first character of `s` (an escape or a rune), whether
/// it is a multibyte rune, and the rest.
pub fn unquote_char(s: &str, quote: u8) -> Result<(u32, bool, &str), &'static str> {
    let b = s.as_bytes();
    let Some(&c) = b.first() else { return Err(INVALID_SYNTAX) };
    if c == quote && (quote == b'\'' || quote == b'"') {
        return Err(INVALID_SYNTAX);
    }
    if c >= 0x80 {
        let ch = s.chars().next().ok_or(INVALID_SYNTAX)?;
        return Ok((u32::from(ch), true, &s[ch.len_utf8()..]));
    }
    if c != b'\\' {
        return Ok((u32::from(c), false, &s[1..]));
    }
    let Some(&e) = b.get(1) else { return Err(INVALID_SYNTAX) };
    let rest = &s[2..];
    let simple = |v: u8| Ok((u32::from(v), false, rest));
    match e {
        b'a' => simple(0x07),
        b'b' => simple(0x08),
        b'f' => simple(0x0c),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(0x0b),
        b'\\' => simple(b'\\'),
        b'\'' | b'"' if e == quote => simple(e),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.as_bytes().get(..n).ok_or(INVALID_SYNTAX)?;
            let mut v: u32 = 0;
            for &d in digits {
                let x = (d as char).to_digit(16).ok_or(INVALID_SYNTAX)?;
                v = v << 4 | x;
            }
            let tail = &rest[n..];
            if e == b'x' {
                return Ok((v, false, tail));
            }
            if char::from_u32(v).is_none() {
                return Err(INVALID_SYNTAX);
            }
            Ok((v, true, tail))
        }
        b'0'..=b'7' => {
            let mut v = u32::from(e - b'0');
            let digits = rest.as_bytes().get(..2).ok_or(INVALID_SYNTAX)?;
            for &d in digits {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(INVALID_SYNTAX);
                }
                v = v << 3 | u32::from(d - b'0');
            }
            if v > 255 {
                return Err(INVALID_SYNTAX);
            }
            Ok((v, false, &rest[2..]))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// Go's `underscoreOK`: underscores only between digits, or between a base prefix and a digit.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'-' | b'+') = b.first() {
        b = &b[1..];
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

/// Go's `strconv.ParseUint(s, 0, 64)`; `None` on a syntax or range error.
pub fn parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (base, digits): (u32, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut underscores = false;
    let mut n: u64 = 0;
    for &c in digits {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = (c as char).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    if underscores && !underscore_ok(s) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)`; `None` on a syntax or range error.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest)?;
    if neg {
        if un > 1 << 63 {
            return None;
        }
        Some((un as i64).wrapping_neg())
    } else {
        i64::try_from(un).ok()
    }
}

/// Go's `strconv.ParseFloat(s, 64)`; `None` on a syntax error or an overflow to infinity.
pub fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    match b.first() {
        Some(b'+') => i += 1,
        Some(b'-') => {
            i += 1;
            neg = true;
        }
        _ => {}
    }
    let lower = s[i..].to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity") {
        return Some(if neg { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if lower == "nan" && i == 0 {
        return Some(f64::NAN);
    }
    let hex = i + 2 < b.len() && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x');
    if hex {
        i += 2;
    }
    // Syntax, as Go's readFloat: digits with one dot, then an exponent
    // (mandatory for hex), underscores checked at the end.
    let mut underscores = false;
    let mut saw_dot = false;
    let mut saw_digits = false;
    let mut mantissa_text = Vec::with_capacity(b.len());
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if saw_dot {
                break;
            }
            saw_dot = true;
            mantissa_text.push(c);
        } else if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw_digits = true;
            mantissa_text.push(c);
        } else {
            break;
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    let mut exp: i64 = 0;
    let mut exp_text = String::new();
    if i < b.len() && b[i].to_ascii_lowercase() == exp_char {
        i += 1;
        let mut sign = 1;
        match b.get(i) {
            Some(b'+') => i += 1,
            Some(b'-') => {
                i += 1;
                sign = -1;
            }
            _ => {}
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else {
                exp_text.push(b[i] as char);
                if exp < 10000 {
                    exp = exp * 10 + i64::from(b[i] - b'0');
                }
            }
            i += 1;
        }
        exp *= sign;
    } else if hex {
        return None;
    }
    if i != b.len() {
        return None;
    }
    if underscores && !underscore_ok(&s[..i]) {
        return None;
    }
    let value = if hex {
        hex_float(&mantissa_text, exp, neg)
    } else {
        let mut text = String::with_capacity(mantissa_text.len() + 8);
        if neg {
            text.push('-');
        }
        if mantissa_text.first() == Some(&b'.') {
            text.push('0');
        }
        text.extend(mantissa_text.iter().map(|&c| c as char));
        if text.ends_with('.') {
            text.push('0');
        }
        if exp != 0 {
            text.push('e');
            text.push_str(&exp.to_string());
        }
        text.parse::<f64>().ok()?
    };
    if value.is_infinite() { None } else { Some(value) }
}

/// A hexadecimal mantissa (digits and maybe a dot) times 2^exp, correctly rounded as Go's `atofHex`.
fn hex_float(mantissa_text: &[u8], exp: i64, neg: bool) -> f64 {
    const MANT_BITS: u32 = 52;
    const BIAS: i64 = -1023;
    let mut mantissa: u64 = 0;
    let mut trunc = false;
    let mut nd: i64 = 0;
    let mut nd_mant: i64 = 0;
    let mut dp: i64 = 0;
    let mut saw_dot = false;
    for &c in mantissa_text {
        if c == b'.' {
            saw_dot = true;
            dp = nd;
            continue;
        }
        let d = u64::from((c as char).to_digit(16).unwrap_or(0));
        if d == 0 && nd == 0 && c == b'0' {
            dp -= 1;
            continue;
        }
        nd += 1;
        if nd_mant < 16 {
            mantissa = mantissa * 16 + d;
            nd_mant += 1;
        } else if d != 0 {
            trunc = true;
        }
    }
    if !saw_dot {
        dp = nd;
    }
    dp *= 4;
    nd_mant *= 4;
    let mut e = if mantissa != 0 { dp + exp - nd_mant } else { 0 };
    let max_exp: i64 = (1 << 11) + BIAS - 2;
    let min_exp: i64 = BIAS + 1;
    e += i64::from(MANT_BITS);
    while mantissa != 0 && mantissa >> (MANT_BITS + 2) == 0 {
        mantissa <<= 1;
        e -= 1;
    }
    if trunc {
        mantissa |= 1;
    }
    while mantissa >> (1 + MANT_BITS + 2) != 0 {
        mantissa = mantissa >> 1 | mantissa & 1;
        e += 1;
    }
    while mantissa > 1 && e < min_exp - 2 {
        mantissa = mantissa >> 1 | mantissa & 1;
        e += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    e += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + MANT_BITS) {
            mantissa >>= 1;
            e += 1;
        }
    }
    if mantissa >> MANT_BITS == 0 {
        e = BIAS;
    }
    if e > max_exp {
        return if neg { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let mut bits = mantissa & ((1 << MANT_BITS) - 1);
    bits |= (((e - BIAS) & ((1 << 11) - 1)) as u64) << MANT_BITS;
    if neg {
        bits |= 1 << 63;
    }
    f64::from_bits(bits)
}

/// The values of a number literal (Go's `newNumber`), or the parser's error message.
pub fn number_value(text: &str, is_char: bool, is_complex: bool) -> Result<NumberValue, String> {
    if !is_char
        && !is_complex
        && let Some(n) = small_decimal(text)
    {
        return Ok(n);
    }
    number_value_parsed(text, is_char, is_complex)
}

/// The values of the usual literal, a short decimal integer (`4`, `-1`, `63`): what the general
/// parse gives, without it. Leading zeros (octal in Go) and separators are left to it.
fn small_decimal(text: &str) -> Option<NumberValue> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let b = digits.as_bytes();
    if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let magnitude = b.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let negative = digits.len() < text.len();
    let int64 = if negative { -magnitude } else { magnitude };
    Some(NumberValue {
        is_int: true,
        // A negative number is no uint64, except -0.
        is_uint: !negative || magnitude == 0,
        is_float: true,
        is_complex: false,
        int64,
        uint64: if negative { 0 } else { magnitude.unsigned_abs() },
        float64: int64 as f64,
        complex: (0.0, 0.0),
    })
}

fn number_value_parsed(text: &str, is_char: bool, is_complex: bool) -> Result<NumberValue, String> {
    let mut n = NumberValue::default();
    if is_char {
        let (rune, _, tail) = unquote_char(&text[1..], b'\'').map_err(str::to_owned)?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        n.int64 = i64::from(rune);
        n.uint64 = u64::from(rune);
        n.float64 = f64::from(rune);
        return Ok(n);
    }
    if is_complex {
        let (re, im) = parse_complex(text).ok_or_else(|| format!("expected complex number: {text}"))?;
        n.is_complex = true;
        n.complex = (re, im);
        simplify_complex(&mut n);
        return Ok(n);
    }
    if let Some(body) = text.strip_suffix('i')
        && let Some(f) = parse_float(body)
    {
        n.is_complex = true;
        n.complex = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            // In case of -0.
            n.is_uint = true;
            n.uint64 = u.unwrap_or(0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", go_quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if fits_int64(f) {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if fits_uint64(f) {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", go_quote(text)));
    }
    Ok(n)
}

/// Whether `float64(int64(f)) == f` holds in Go on amd64.
fn fits_int64(f: f64) -> bool {
    f.trunc() == f && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
}

/// Whether `float64(uint64(f)) == f` holds in Go on amd64.
fn fits_uint64(f: f64) -> bool {
    f.trunc() == f && (0.0..18_446_744_073_709_551_616.0).contains(&f)
}

fn simplify_complex(n: &mut NumberValue) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        let f = n.complex.0;
        n.float64 = f;
        n.is_int = fits_int64(f);
        if n.is_int {
            n.int64 = f as i64;
        }
        n.is_uint = fits_uint64(f);
        if n.is_uint {
            n.uint64 = f as u64;
        }
    }
}

/// A complex literal `a+bi` or `a-bi`, split where the lexer saw the second number start.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let mut pos = 0;
    if !scan_number_at(text, &mut pos) {
        return None;
    }
    let re = parse_float(&text[..pos])?;
    let im = parse_float(text[pos..].strip_suffix('i')?)?;
    Some((re, im))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_as_go() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int("089"), None);
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_uint("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_uint("18446744073709551616"), None);
    }

    #[test]
    fn floats_as_go() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1."), Some(1.0));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("0x1"), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("1e-400"), Some(0.0));
    }

    #[test]
    fn unquotes_as_go() {
        assert_eq!(unquote(r#""a\tb\u00e9\x41\101""#).as_deref(), Ok("a\tbéAA"));
        assert_eq!(unquote("`a\\n`").as_deref(), Ok("a\\n"));
        assert_eq!(unquote(r#""\'""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\400""#), Err(INVALID_SYNTAX));
        assert_eq!(unquote(r#""\uD800""#), Err(INVALID_SYNTAX));
    }

    #[test]
    fn short_decimals_take_the_general_parses_values() {
        let mut texts: Vec<String> =
            ["0", "-0", "1", "-1", "9", "10", "63", "-63", "999999999999999999", "-999999999999999999"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
        texts.extend((0..2000).map(|i| (i * 7919 % 100_003).to_string()));
        for t in &texts {
            let fast = small_decimal(t).expect("a short decimal");
            assert_eq!(Ok(fast), number_value_parsed(t, false, false), "{t}");
        }
        for t in ["007", "1_0", "0x1", "1.5", "1e3", "-", "", "1234567890123456789"] {
            assert!(small_decimal(t).is_none(), "{t}");
        }
    }
}
