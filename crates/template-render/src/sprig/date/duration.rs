//! Go's `time.Duration`: its `String()` text, `time.ParseDuration`, and the template value.

use std::borrow::Cow;

use crate::value::{GoType, Kind, Object, Signature, Value};

/// Nanoseconds in each unit.
pub const SECOND: i64 = 1_000_000_000;

/// A Go `time.Duration` value, printed with its `String()` method.
#[derive(Clone, Copy, Debug)]
pub struct Duration(pub i64);

impl Object for Duration {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("time.Duration")
    }
    fn kind(&self) -> Kind {
        Kind::Int
    }
    fn int(&self) -> Option<i64> {
        Some(self.0)
    }
    fn stringer(&self) -> Option<String> {
        Some(format(self.0))
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let params: &'static [GoType] = match name {
            "String" | "Hours" | "Minutes" | "Seconds" | "Milliseconds" | "Microseconds" | "Nanoseconds" | "Abs" => &[],
            "Round" | "Truncate" => &[DURATION],
            _ => return None,
        };
        Some(Signature { params, variadic: None })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let d = self.0;
        let m = args.first().and_then(Value::as_int).unwrap_or(0);
        Ok(match name {
            "String" => Value::from(format(d)),
            "Hours" => Value::Float64(split(d, 3600 * SECOND)),
            "Minutes" => Value::Float64(split(d, 60 * SECOND)),
            "Seconds" => Value::Float64(split(d, SECOND)),
            "Milliseconds" => Value::Int64(d / 1_000_000),
            "Microseconds" => Value::Int64(d / 1_000),
            "Nanoseconds" => Value::Int64(d),
            "Abs" => Value::object(Duration(if d >= 0 {
                d
            } else if d == i64::MIN {
                i64::MAX
            } else {
                -d
            })),
            "Round" => Value::object(Duration(round(d, m))),
            "Truncate" => Value::object(Duration(if m <= 0 { d } else { d - d % m })),
            _ => return Err(format!("no method {name}")),
        })
    }
}

/// The parameter type `time.Duration`.
pub const DURATION: GoType = GoType::Named(&crate::value::NamedType { name: "time.Duration", kind: Kind::Int });

/// `d` in units of `unit`, as Go's `Hours()` and friends compute it.
fn split(d: i64, unit: i64) -> f64 {
    let whole = d / unit;
    let rest = d % unit;
    whole as f64 + rest as f64 / unit as f64
}

/// Go's `Duration.Round(m)`.
pub fn round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64| (x as u64).wrapping_add(x as u64) < m as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        return if d1 < d { d1 } else { i64::MIN };
    }
    if less_than_half(r) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d { d1 } else { i64::MAX }
}

/// The fraction of `v / 10^prec` as `.123` (trailing zeros dropped, nothing when zero), and the integer part.
fn frac(out: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
    let mut digits = Vec::new();
    let mut printed = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        printed = printed || digit != 0;
        if printed {
            digits.push(b'0' + digit);
        }
        v /= 10;
    }
    if printed {
        digits.push(b'.');
    }
    out.extend(digits);
    v
}

fn int(out: &mut Vec<u8>, v: u64) {
    out.extend(v.to_string().bytes().rev());
}

/// Go's `Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn format(d: i64) -> String {
    // Built back to front, as Go does.
    let mut out: Vec<u8> = Vec::new();
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    if u < SECOND as u64 {
        out.push(b's');
        let prec = if u == 0 {
            return "0s".to_owned();
        } else if u < 1_000 {
            out.push(b'n');
            0
        } else if u < 1_000_000 {
            // "µ" reversed.
            out.extend([0xb5, 0xc2]);
            3
        } else {
            out.push(b'm');
            6
        };
        u = frac(&mut out, u, prec);
        int(&mut out, u);
    } else {
        out.push(b's');
        u = frac(&mut out, u, 9);
        int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                int(&mut out, u);
            }
        }
    }
    if neg {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Go's `time` package quoting of input in error messages.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c < ' ' || !c.is_ascii() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `leadingInt`: the leading digits of `s` and what follows, or None on overflow.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let mut x: u64 = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        if x > (1 << 63) / 10 {
            return None;
        }
        x = x * 10 + u64::from(bytes[i] - b'0');
        if x > 1 << 63 {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// Go's `leadingFraction`: digits after a period as a number and its scale.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let bytes = s.as_bytes();
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        if !overflow {
            if x > (i64::MAX as u64) / 10 {
                overflow = true;
            } else {
                let y = x * 10 + u64::from(bytes[i] - b'0');
                if y > 1 << 63 {
                    overflow = true;
                } else {
                    x = y;
                    scale *= 10.0;
                }
            }
        }
        i += 1;
    }
    (x, scale, &s[i..])
}

/// Go's `time.ParseDuration`, with its error messages.
pub fn parse(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next()
        && (c == '-' || c == '+')
    {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        if !(c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            let (x, sc, rest) = leading_fraction(rest);
            (f, scale, s) = (x, sc, rest);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s.bytes().position(|c| c == b'.' || c.is_ascii_digit()).unwrap_or(s.len());
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let u = &s[..i];
        s = &s[i..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {} in duration {}", quote(u), quote(orig))),
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(d as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(format(0), "0s");
        assert_eq!(format(1), "1ns");
        assert_eq!(format(1_100), "1.1µs");
        assert_eq!(format(2_200_000), "2.2ms");
        assert_eq!(format(3_723_000_000_000), "1h2m3s");
        assert_eq!(format(-90 * SECOND), "-1m30s");
        assert_eq!(format(i64::MIN), "-2562047h47m16.854775808s");
        assert_eq!(format(1_500_000_000), "1.5s");
    }

    #[test]
    fn parsing() {
        assert_eq!(parse("1h30m"), Ok(5_400 * SECOND));
        assert_eq!(parse("-1.5h"), Ok(-5_400 * SECOND));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("1").unwrap_err(), "time: missing unit in duration \"1\"");
        assert_eq!(parse("1x").unwrap_err(), "time: unknown unit \"x\" in duration \"1x\"");
        assert_eq!(parse("").unwrap_err(), "time: invalid duration \"\"");
    }
}
