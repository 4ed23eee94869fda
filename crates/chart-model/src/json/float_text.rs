//! Go's shortest float formatting (`strconv.FormatFloat(f, fmt, -1, 64)`), which JSON and YAML output share.

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
    let text = format!("{:e}", f);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let negative = mantissa.starts_with('-');
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if digits.iter().all(|&d| d == b'0') {
        return Digits { negative, digits: Vec::new(), point: 0 };
    }
    Digits { negative, digits, point: exponent + 1 }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `1e+06`, `0.0001`, `1.5e-05`, `NaN`, `+Inf`.
pub(crate) fn format_g(f: f64) -> String {
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
    if let Some(special) = special(f) {
        return special.to_owned();
    }
    format_f_digits(&shortest_digits(f))
}

/// A float as `json.Marshal` writes it: `%f` between 1e-6 and 1e21, `%e` with a one-digit
/// negative exponent (`1e-7`) outside; `None` for NaN and infinities, which JSON cannot hold.
pub(crate) fn format_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let text = format_e(f);
        // Go trims the exponent's leading zero for negative exponents only: `e-07` becomes `e-7`.
        Some(match text.rsplit_once("e-0") {
            Some((mantissa, digit)) if digit.len() == 1 => format!("{mantissa}e-{digit}"),
            _ => text,
        })
    } else {
        Some(format_f(f))
    }
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
    }
}
