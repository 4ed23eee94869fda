//! Go's shortest float formatting (`strconv.FormatFloat(f, fmt, -1, 64)`), which JSON and YAML output share.

use std::fmt::Write as _;

/// The shortest decimal digits that read back as a float, and where the decimal point goes.
struct Digits {
    negative: bool,
    /// Significant digits, no leading or trailing zeros (empty for zero).
    digits: Vec<u8>,
    /// Position of the decimal point relative to the first digit: the value is `0.DIGITS × 10^point`.
    point: i32,
}

/// Rust's `{:e}` prints the same shortest round-trip digits as Go's `FormatFloat(_, _, -1, 64)`.
fn shortest_digits(f: f64) -> Digits {
    // `{:e}` of a finite f64 is at most 24 bytes (`-1.7976931348623157e308`): written on the stack.
    let mut buf = StackText::default();
    let _ = write!(buf, "{:e}", f);
    let text = buf.as_str();
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let negative = mantissa.starts_with('-');
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if digits.iter().all(|&d| d == b'0') {
        return Digits { negative, digits: Vec::new(), point: 0 };
    }
    Digits { negative, digits, point: exponent + 1 }
}

/// A small text buffer on the stack for `{:e}`; text past its end is dropped (never for a float).
struct StackText {
    bytes: [u8; 40],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText { bytes: [0; 40], len: 0 }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(std::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Below 2^53 every whole float is an exact integer, and its shortest digits are that
/// integer's (any shorter decimal is another integer, at least 1 away, or longer).
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// `f` as an integer when it is whole, not negative zero and below 2^53 in magnitude: then Go's
/// `%f` (and `%g` below 1e6) shortest text is the integer's decimal text.
pub(crate) fn small_integer(f: f64) -> Option<i64> {
    if f.abs() < EXACT_INTEGERS && f.trunc() == f && !(f == 0.0 && f.is_sign_negative()) {
        Some(f as i64)
    } else {
        None
    }
}

/// Appends the decimal text of `n` (as Go's `strconv.FormatInt(n, 10)`) without going through `fmt`.
pub(crate) fn push_integer(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    // ASCII digits: pushed as they are, without a UTF-8 check.
    out.extend(buf[i..].iter().map(|&d| char::from(d)));
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `1e+06`, `0.0001`, `1.5e-05`, `NaN`, `+Inf`.
pub(crate) fn format_g(f: f64) -> String {
    if let Some(n) = small_integer(f).filter(|n| n.unsigned_abs() < 1_000_000) {
        let mut out = String::new();
        push_integer(&mut out, n);
        return out;
    }
    if let Some(special) = special(f) {
        return special.to_owned();
    }
    let d = shortest_digits(f);
    // Go switches to %e when the exponent is below -4 or at least the precision, which is 6 for
    // shortest formatting whatever the digit count.
    let exp = d.point - 1;
    let eprec = 6;
    if exp < -4 || exp >= eprec { format_e_digits(&d) } else { format_f_digits(&d) }
}

/// `strconv.FormatFloat(f, 'e', -1, 64)`: `1e+21`, `1.5e-07`.
pub(crate) fn format_e(f: f64) -> String {
    if let Some(special) = special(f) {
        return special.to_owned();
    }
    format_e_digits(&shortest_digits(f))
}

/// `strconv.FormatFloat(f, 'f', -1, 64)`: `100000000000000000000`, `0.000001`.
pub(crate) fn format_f(f: f64) -> String {
    if let Some(n) = small_integer(f) {
        let mut out = String::new();
        push_integer(&mut out, n);
        return out;
    }
    if let Some(special) = special(f) {
        return special.to_owned();
    }
    format_f_digits(&shortest_digits(f))
}

/// A float as `json.Marshal` writes it: `%f` between 1e-6 and 1e21, `%e` with a one-digit
/// negative exponent (`1e-7`) outside; `None` for NaN and infinities, which JSON cannot hold.
pub(crate) fn format_json(f: f64) -> Option<String> {
    let mut out = String::new();
    push_json(&mut out, f).then_some(out)
}

/// Appends `f` as `json.Marshal` writes it (see [`format_json`]); `false` (and nothing written)
/// for NaN and infinities.
pub(crate) fn push_json(out: &mut String, f: f64) -> bool {
    if let Some(n) = small_integer(f) {
        push_integer(out, n);
        return true;
    }
    if !f.is_finite() {
        return false;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format_e(f);
        // Go trims the exponent's leading zero for negative exponents only: `e-07` becomes `e-7`.
        match text.rsplit_once("e-0") {
            Some((mantissa, digit)) if digit.len() == 1 => {
                out.push_str(mantissa);
                out.push_str("e-");
                out.push_str(digit);
            }
            _ => out.push_str(&text),
        }
    } else {
        out.push_str(&format_f(f));
    }
    true
}

fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

fn format_e_digits(d: &Digits) -> String {
    let mut out = String::new();
    if d.negative {
        out.push('-');
    }
    let first = d.digits.first().copied().unwrap_or(b'0');
    out.push(char::from(first));
    if d.digits.len() > 1 {
        out.push('.');
        out.extend(d.digits[1..].iter().map(|&b| char::from(b)));
    }
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
    out
}

fn format_f_digits(d: &Digits) -> String {
    let mut out = String::new();
    if d.negative {
        out.push('-');
    }
    let digit = |i: i32| -> char {
        if i >= 0 && (i as usize) < d.digits.len() { char::from(d.digits[i as usize]) } else { '0' }
    };
    if d.point > 0 {
        for i in 0..d.point {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    let fraction = (d.digits.len() as i32 - d.point).max(0);
    if fraction > 0 {
        out.push('.');
        for i in 0..fraction {
            out.push(digit(d.point + i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_go() {
        let cases: &[(f64, &str, &str, &str)] = &[
            (0.0, "0", "0", "0e+00"),
            (-0.0, "-0", "-0", "-0e+00"),
            (1.0, "1", "1", "1e+00"),
            (1e6, "1e+06", "1000000", "1e+06"),
            (123456.0, "123456", "123456", "1.23456e+05"),
            (123456789.0, "1.23456789e+08", "123456789", "1.23456789e+08"),
            (0.0001, "0.0001", "0.0001", "1e-04"),
            (0.00001, "1e-05", "0.00001", "1e-05"),
            (1.5, "1.5", "1.5", "1.5e+00"),
            (-2.25e-7, "-2.25e-07", "-0.000000225", "-2.25e-07"),
            (1e21, "1e+21", "1000000000000000000000", "1e+21"),
            (1.7976931348623157e308, "1.7976931348623157e+308", "", "1.7976931348623157e+308"),
            (5e-324, "5e-324", "", "5e-324"),
        ];
        for &(f, g, fixed, e) in cases {
            assert_eq!(format_g(f), g, "g {f}");
            if !fixed.is_empty() {
                assert_eq!(format_f(f), fixed, "f {f}");
            }
            assert_eq!(format_e(f), e, "e {f}");
        }
        assert_eq!(format_json(1e-7).as_deref(), Some("1e-7"));
        assert_eq!(format_json(1.5e-10).as_deref(), Some("1.5e-10"));
        assert_eq!(format_json(1e21).as_deref(), Some("1e+21"));
        assert_eq!(format_json(1e20).as_deref(), Some("100000000000000000000"));
        assert_eq!(format_json(0.000001).as_deref(), Some("0.000001"));
        assert_eq!(format_json(f64::NAN), None);
        assert_eq!(format_json(-0.0).as_deref(), Some("-0"));
        assert_eq!(format_json(8000.0).as_deref(), Some("8000"));
        assert_eq!(format_json(-8000.0).as_deref(), Some("-8000"));
        assert_eq!(format_json(9007199254740991.0).as_deref(), Some("9007199254740991"));
        assert_eq!(format_json(1.2345678901234568e20).as_deref(), Some("123456789012345680000"));
        assert_eq!(format_g(999999.0), "999999");
        assert_eq!(format_g(-999999.0), "-999999");
        assert_eq!(format_g(-1e6), "-1e+06");
    }

    #[test]
    fn integral_fast_path_matches_digits() {
        let mut f = 1.0f64;
        let mut values = vec![0.0, 1.0, 7.0, 10.0, 8000.0, 123456.0, 999999.0, 1e6, 2f64.powi(52), 2f64.powi(53) - 1.0];
        for _ in 0..60 {
            f = f * 3.0 + 1.0;
            values.push(f);
        }
        for v in values {
            for v in [v, -v] {
                let slow = |x: f64| {
                    if small_integer(x).is_some() { format_f_digits(&shortest_digits(x)) } else { format_f(x) }
                };
                assert_eq!(format_f(v), slow(v), "f {v}");
                let d = shortest_digits(v);
                let exp = d.point - 1;
                let g = if !(-4..6).contains(&exp) { format_e_digits(&d) } else { format_f_digits(&d) };
                assert_eq!(format_g(v), g, "g {v}");
            }
        }
        let mut out = String::new();
        push_integer(&mut out, i64::MIN);
        assert_eq!(out, i64::MIN.to_string());
    }
}
