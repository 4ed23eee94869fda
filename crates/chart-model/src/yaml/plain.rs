//! Whether a string may be written as a plain YAML scalar: go-yaml v2 quotes
//! every string that its own resolver would read back as something else
//! (`true`, `on`, `~`, `012`, `0x1F`, `1e3`, `.5`, `2001-12-14`, `1:20`).

/// Whether go-yaml v2's `resolve("", s)` gives `!!str` and `s` is not a
/// YAML 1.1 base-60 float: only then does its encoder write `s` unquoted.
pub(crate) fn resolves_as_string(s: &str) -> bool {
    !resolves_as_other(s) && !is_base60_float(s)
}

/// go-yaml's resolver, reduced to the question "is this not a string?".
fn resolves_as_other(s: &str) -> bool {
    let bytes = s.as_bytes();
    // The first byte hints at what the scalar might be; anything else is a string.
    let hint = match bytes.first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return false,
    };
    if is_special_word(s) {
        return true;
    }
    match hint {
        b'.' => parses_as_go_float(s),
        b'D' | b'S' => {
            if is_timestamp(s) {
                return true;
            }
            // go-yaml drops every underscore before trying the number parsers.
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if parse_go_int(&plain) || parse_go_uint(&plain).is_ok() {
                return true;
            }
            is_yaml_style_float(&plain) && plain.parse::<f64>().is_ok_and(f64::is_finite)
        }
        _ => false,
    }
}

/// The words go-yaml resolves through its table: booleans, nulls, infinities, NaN and the merge key.
fn is_special_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | ""
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// Go's `strconv.ParseInt(s, 0, 64)` succeeds.
fn parse_go_int(s: &str) -> bool {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    match parse_go_uint(digits) {
        Ok(n) => n < (1 << 63) || (negative && n == 1 << 63),
        Err(_) => false,
    }
}

/// Why `strconv.ParseUint(s, 0, 64)` failed.
#[derive(Debug, PartialEq, Eq)]
enum UintError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseUint(s, 0, 64)` for a string without underscores:
/// `0x`, `0o`, `0b` prefixes and a leading `0` for octal.
fn parse_go_uint(s: &str) -> Result<u64, UintError> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(UintError::Syntax);
    }
    let (base, digits): (u64, &[u8]) = if b[0] == b'0' {
        match b.get(1).map(|c| c | 0x20) {
            Some(b'b') if b.len() >= 3 => (2, &b[2..]),
            Some(b'o') if b.len() >= 3 => (8, &b[2..]),
            Some(b'x') if b.len() >= 3 => (16, &b[2..]),
            _ => (8, &b[1..]),
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            c if (c | 0x20).is_ascii_lowercase() => u64::from((c | 0x20) - b'a') + 10,
            _ => return Err(UintError::Syntax),
        };
        if d >= base {
            return Err(UintError::Syntax);
        }
        n = n.checked_mul(base).and_then(|n| n.checked_add(d)).ok_or(UintError::Range)?;
    }
    Ok(n)
}

/// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (v2 and v3 alike).
pub fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| -> usize {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` succeeds, for a string starting with `.`
/// (so neither hexadecimal nor `inf`/`nan`): digits with well-placed
/// underscores, an optional exponent, and no overflow.
fn parses_as_go_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut saw_dot = false;
    let mut saw_digits = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => {}
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    if i != b.len() || (s.contains('_') && !underscores_ok(s)) {
        return false;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    plain.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `underscoreOK` for a decimal number: every underscore sits between digits.
fn underscores_ok(s: &str) -> bool {
    let mut saw = b'^';
    for &c in s.trim_start_matches(['+', '-']).as_bytes() {
        if c.is_ascii_digit() {
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
    }
    saw != b'_'
}

/// go-yaml's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        // `[0-5]?[0-9]`: one digit, or two with the first at most 5.
        let first = b.get(i + 1).copied();
        let second = b.get(i + 2).copied();
        match (first, second) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 3,
            (Some(b'0'..=b'9'), _) => i += 2,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's `parseTimestamp`: Go's `time.Parse` with any of
/// `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // Every format starts with a four-digit year and a dash.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year = b[..4].iter().fold(0i32, |n, &c| n * 10 + i32::from(c - b'0'));
    let Some((month, day, rest)) = date(&b[5..]) else { return false };
    if month == 0 || month > 12 || day == 0 || day > days_in(month, year) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    match rest[0] {
        b'T' | b't' => time_of_day(&rest[1..], true),
        b' ' => time_of_day(trim_spaces(rest), false),
        _ => false,
    }
}

/// `1-2` of the layout: month, dash, day (one or two digits each); returns what follows.
fn date(b: &[u8]) -> Option<(u32, u32, &[u8])> {
    let (month, rest) = getnum(b)?;
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = getnum(rest)?;
    Some((month, day, rest))
}

/// `15:4:5.999999999` and, when `zone`, `Z07:00`; the input must end there.
fn time_of_day(b: &[u8], zone: bool) -> bool {
    let parsed = (|| {
        let (hour, rest) = getnum(b)?;
        let rest = rest.strip_prefix(b":")?;
        let (minute, rest) = getnum(rest)?;
        let rest = rest.strip_prefix(b":")?;
        let (second, mut rest) = getnum(rest)?;
        if hour >= 24 || minute >= 60 || second >= 60 {
            return None;
        }
        // Go takes a fractional second of any length after `.` or `,`.
        if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && rest[1].is_ascii_digit() {
            let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            rest = &rest[1 + digits..];
        }
        Some(rest)
    })();
    let Some(rest) = parsed else { return false };
    if !zone {
        return rest.is_empty();
    }
    if rest == b"Z" {
        return true;
    }
    // `-07:00`: sign, two-digit hours (at most 24), colon, two-digit minutes (at most 60).
    if rest.len() != 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
        return false;
    }
    let two = |x: &[u8]| -> Option<u32> {
        (x[0].is_ascii_digit() && x[1].is_ascii_digit()).then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
    };
    matches!((two(&rest[1..3]), two(&rest[4..6])), (Some(h), Some(m)) if h <= 24 && m <= 60)
}

/// Go's `time.skip` for a space in the layout: one or more spaces in the value.
fn trim_spaces(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ').count();
    &b[n..]
}

/// Go's `getnum(s, false)`: one digit, or two when two are there.
fn getnum(b: &[u8]) -> Option<(u32, &[u8])> {
    let first = *b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1) {
        Some(&second) if second.is_ascii_digit() => {
            Some((u32::from(first - b'0') * 10 + u32::from(second - b'0'), &b[2..]))
        }
        _ => Some((u32::from(first - b'0'), &b[1..])),
    }
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_reads_back_as_another_type() {
        for s in [
            "",
            "~",
            "null",
            "on",
            "Off",
            "y",
            "NO",
            "1",
            "-1",
            "+1",
            "012",
            "08",
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "1e3",
            "1.5",
            "-.5",
            ".5",
            ".5_5",
            "1.",
            "1:20",
            "-1:20:30.5",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-1-2T3:4:5Z",
            "99999999999999999999",
            "18446744073709551615",
            ".inf",
            "-.INF",
            ".NaN",
            "1_",
        ] {
            assert!(!resolves_as_string(s), "{s:?} must be quoted");
        }
        for s in [
            "a",
            "yes please",
            "0x",
            "0xG",
            "1e999",
            ".5e999",
            "._5",
            ".",
            "_1",
            "nan",
            "inf",
            "+inf",
            "1:60",
            "2001-13-01",
            "2001-02-30",
            "2001-12-14T21:59:43",
            "0x1FFFFFFFFFFFFFFFFF",
            "1.2.3",
            "<<",
            "-",
            "+",
            "-_",
        ] {
            assert!(resolves_as_string(s), "{s:?} may stay plain");
        }
    }
}
