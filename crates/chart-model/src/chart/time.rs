//! Chart.lock's `generated` time, read as Go's `time.Time` JSON decoding reads it
//! and kept in the text Go's JSON encoding writes back (RFC 3339 with nanoseconds).

/// Go's zero time as `encoding/json` writes it, for a lock without `generated`.
pub(crate) const ZERO: &str = "0001-01-01T00:00:00Z";

const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";

/// Parses RFC 3339 text as `time.Time.UnmarshalJSON`, returning Go's
/// `RFC3339Nano` rendering of it (trailing zeros of the fraction dropped,
/// a zero offset written `Z`), or Go's parse error.
pub(crate) fn parse_rfc3339(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let fail = |rest: &str, elem: &str| {
        Err(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            crate::semver::go_quote(s),
            crate::semver::go_quote(LAYOUT),
            crate::semver::go_quote(rest),
            crate::semver::go_quote(elem)
        ))
    };
    let digits = |from: usize, n: usize| b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit);
    // The fixed part: each element with the layout text Go names when it does not match.
    let steps: [(usize, usize, &str); 11] = [
        (0, 4, "2006"),
        (4, 0, "-"),
        (5, 2, "01"),
        (7, 0, "-"),
        (8, 2, "02"),
        (10, 0, "T"),
        (11, 2, "15"),
        (13, 0, ":"),
        (14, 2, "04"),
        (16, 0, ":"),
        (17, 2, "05"),
    ];
    for (at, n, elem) in steps {
        let rest = s.get(at..).unwrap_or("");
        let ok = if n == 0 { rest.starts_with(elem) || (elem == "T" && rest.starts_with('t')) } else { digits(at, n) };
        if !ok {
            return fail(rest, elem);
        }
    }
    let num = |from: usize, n: usize| s.get(from..from + n).and_then(|t| t.parse::<u32>().ok()).unwrap_or(0);
    let range_error = |what: &str| Err(format!("parsing time {}: {what} out of range", crate::semver::go_quote(s)));
    let (month, day, hour, minute, second) = (num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2));
    if !(1..=12).contains(&month) {
        return range_error("month");
    }
    let leap = {
        let y = num(0, 4);
        y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
    };
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if day < 1 || day > days[(month - 1) as usize] {
        return range_error("day");
    }
    if hour > 23 {
        return range_error("hour");
    }
    if minute > 59 {
        return range_error("minute");
    }
    if second > 59 {
        return range_error("second");
    }
    let mut i = 19;
    let mut fraction = String::new();
    if i < b.len() && (b[i] == b'.' || b[i] == b',') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        fraction = s[start..i.min(start + 9)].trim_end_matches('0').to_owned();
    }
    let rest = &s[i..];
    let zone = if rest == "Z" || rest == "z" {
        "Z".to_owned()
    } else if rest.len() == 6
        && (rest.starts_with('+') || rest.starts_with('-'))
        && digits(i + 1, 2)
        && &rest[3..4] == ":"
        && digits(i + 4, 2)
    {
        if &rest[1..] == "00:00" { "Z".to_owned() } else { rest.to_owned() }
    } else {
        return fail(rest, "Z07:00");
    };
    let frac = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    Ok(format!("{}{frac}{zone}", &s[..19]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_rendering() {
        assert_eq!(parse_rfc3339("2020-01-02T03:04:05.500Z").as_deref(), Ok("2020-01-02T03:04:05.5Z"));
        assert_eq!(parse_rfc3339("2020-01-02T03:04:05+00:00").as_deref(), Ok("2020-01-02T03:04:05Z"));
        assert!(parse_rfc3339("2020-13-02T03:04:05Z").is_err());
    }
}
