//! Go's `strconv.FormatFloat(f, 'g', -1, 32)`, the text sigs.k8s.io/yaml gives a YAML float read into a string.

/// Formats `f` as float32 with the shortest digits that read back, in Go's `%g` layout.
pub(crate) fn format_g32(f: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let x = f as f32;
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf".to_owned() } else { "-Inf".to_owned() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0".to_owned() } else { "0".to_owned() };
    }
    // Rust's `{:e}` prints the shortest round-trip digits: `d.ddde<exp>`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{exp_sign}{:02}", exp.abs());
    }
    // Plain notation: the decimal point sits after `exp + 1` digits.
    let point = exp + 1;
    let text = if point <= 0 {
        format!("0.{}{}", "0".repeat(point.unsigned_abs() as usize), digits)
    } else {
        let point = point as usize;
        if digits.len() <= point {
            format!("{digits}{}", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::format_g32;

    #[test]
    fn matches_go() {
        for (f, want) in [
            (1.5, "1.5"),
            (1.1, "1.1"),
            (123.456_78, "123.45678"),
            (1000.0, "1000"),
            (1000000.5, "1.0000005e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (f64::INFINITY, "+Inf"),
            (-2.5, "-2.5"),
            (123456.0, "123456"),
        ] {
            assert_eq!(format_g32(f), want, "{f}");
        }
    }
}
