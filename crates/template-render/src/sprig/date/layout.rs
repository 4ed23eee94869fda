//! Go's layout strings (reference time `Mon Jan 2 15:04:05 MST 2006`): `Time.Format` and
//! `time.ParseInLocation`, with Go's error messages.

use super::duration::quote;
use super::time::{Fields, Time, date, day_name, days_in, is_leap, month_name};
use super::zone::Location;

/// One element of a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm,
    PmLower,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// Fixed fractional seconds: separator and digit count.
    FracSecond0(u8, usize),
    /// Trimmed fractional seconds: separator and digit count.
    FracSecond9(u8, usize),
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `nextStdChunk`: the literal prefix, the element and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let n = b.len();
    let has = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s);
    for i in 0..n {
        let (std, len) = match b[i] {
            b'J' if has(i, "Jan") => {
                if has(i, "January") {
                    (Std::LongMonth, 7)
                } else {
                    (Std::Month, 3)
                }
            }
            b'M' if has(i, "Mon") => {
                if has(i, "Monday") {
                    (Std::LongWeekDay, 6)
                } else {
                    (Std::WeekDay, 3)
                }
            }
            b'M' if has(i, "MST") => (Std::Tz, 3),
            b'0' if i + 1 < n && (b'1'..=b'6').contains(&b[i + 1]) => {
                let std = [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year]
                    [usize::from(b[i + 1] - b'1')];
                (std, 2)
            }
            b'0' if has(i, "002") => (Std::ZeroYearDay, 3),
            b'1' if has(i, "15") => (Std::Hour, 2),
            b'1' => (Std::NumMonth, 1),
            b'2' if has(i, "2006") => (Std::LongYear, 4),
            b'2' => (Std::Day, 1),
            b'_' if i + 1 < n && b[i + 1] == b'2' => {
                if has(i + 1, "2006") {
                    return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                }
                (Std::UnderDay, 2)
            }
            b'_' if has(i, "__2") => (Std::UnderYearDay, 3),
            b'3' => (Std::Hour12, 1),
            b'4' => (Std::Minute, 1),
            b'5' => (Std::Second, 1),
            b'P' if has(i, "PM") => (Std::Pm, 2),
            b'p' if has(i, "pm") => (Std::PmLower, 2),
            b'-' if has(i, "-070000") => (Std::NumSecondsTz, 7),
            b'-' if has(i, "-07:00:00") => (Std::NumColonSecondsTz, 9),
            b'-' if has(i, "-0700") => (Std::NumTz, 5),
            b'-' if has(i, "-07:00") => (Std::NumColonTz, 6),
            b'-' if has(i, "-07") => (Std::NumShortTz, 3),
            b'Z' if has(i, "Z070000") => (Std::Iso8601SecondsTz, 7),
            b'Z' if has(i, "Z07:00:00") => (Std::Iso8601ColonSecondsTz, 9),
            b'Z' if has(i, "Z0700") => (Std::Iso8601Tz, 5),
            b'Z' if has(i, "Z07:00") => (Std::Iso8601ColonTz, 6),
            b'Z' if has(i, "Z07") => (Std::Iso8601ShortTz, 3),
            b'.' | b',' if i + 1 < n && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < n && b[j] == ch {
                    j += 1;
                }
                if is_digit(b, j) {
                    continue;
                }
                let digits = j - (i + 1);
                let std = if ch == b'0' { Std::FracSecond0(b[i], digits) } else { Std::FracSecond9(b[i], digits) };
                (std, j - i)
            }
            _ => continue,
        };
        return (&layout[..i], Some(std), &layout[i + len..]);
    }
    (layout, None, "")
}

fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
    }
    let digits = n.unsigned_abs().to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// `Time.Format` on broken-down fields.
pub fn format(f: &Fields, layout: &str) -> String {
    let mut out = String::with_capacity(layout.len() + 10);
    let mut rest = layout;
    loop {
        let (prefix, std, suffix) = next_chunk(rest);
        out.push_str(prefix);
        let Some(std) = std else { break };
        rest = suffix;
        let hour12 = match f.hour % 12 {
            0 => 12,
            h => h,
        };
        match std {
            Std::Year => pad(&mut out, (f.year % 100).abs(), 2),
            Std::LongYear => pad(&mut out, f.year, 4),
            Std::Month => out.push_str(&month_name(f.month)[..3]),
            Std::LongMonth => out.push_str(month_name(f.month)),
            Std::NumMonth => pad(&mut out, i64::from(f.month), 0),
            Std::ZeroMonth => pad(&mut out, i64::from(f.month), 2),
            Std::WeekDay => out.push_str(&day_name(f.weekday)[..3]),
            Std::LongWeekDay => out.push_str(day_name(f.weekday)),
            Std::Day => pad(&mut out, i64::from(f.day), 0),
            Std::UnderDay => {
                if f.day < 10 {
                    out.push(' ');
                }
                pad(&mut out, i64::from(f.day), 0);
            }
            Std::ZeroDay => pad(&mut out, i64::from(f.day), 2),
            Std::UnderYearDay => {
                if f.yday < 100 {
                    out.push(' ');
                    if f.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(&mut out, i64::from(f.yday), 0);
            }
            Std::ZeroYearDay => pad(&mut out, i64::from(f.yday), 3),
            Std::Hour => pad(&mut out, i64::from(f.hour), 2),
            Std::Hour12 => pad(&mut out, i64::from(hour12), 0),
            Std::ZeroHour12 => pad(&mut out, i64::from(hour12), 2),
            Std::Minute => pad(&mut out, i64::from(f.minute), 0),
            Std::ZeroMinute => pad(&mut out, i64::from(f.minute), 2),
            Std::Second => pad(&mut out, i64::from(f.second), 0),
            Std::ZeroSecond => pad(&mut out, i64::from(f.second), 2),
            Std::Pm => out.push_str(if f.hour >= 12 { "PM" } else { "AM" }),
            Std::PmLower => out.push_str(if f.hour >= 12 { "pm" } else { "am" }),
            Std::Iso8601Tz
            | Std::Iso8601ColonTz
            | Std::Iso8601SecondsTz
            | Std::Iso8601ShortTz
            | Std::Iso8601ColonSecondsTz
            | Std::NumTz
            | Std::NumColonTz
            | Std::NumSecondsTz
            | Std::NumShortTz
            | Std::NumColonSecondsTz => {
                let iso = matches!(
                    std,
                    Std::Iso8601Tz
                        | Std::Iso8601ColonTz
                        | Std::Iso8601SecondsTz
                        | Std::Iso8601ShortTz
                        | Std::Iso8601ColonSecondsTz
                );
                if iso && f.offset == 0 {
                    out.push('Z');
                    continue;
                }
                let mut zone = f.offset / 60;
                let mut abs = f.offset;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                    abs = -abs;
                } else {
                    out.push('+');
                }
                pad(&mut out, i64::from(zone / 60), 2);
                let colon = matches!(
                    std,
                    Std::Iso8601ColonTz | Std::NumColonTz | Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz
                );
                if colon {
                    out.push(':');
                }
                if !matches!(std, Std::NumShortTz | Std::Iso8601ShortTz) {
                    pad(&mut out, i64::from(zone % 60), 2);
                }
                if matches!(
                    std,
                    Std::Iso8601SecondsTz | Std::NumSecondsTz | Std::NumColonSecondsTz | Std::Iso8601ColonSecondsTz
                ) {
                    if colon {
                        out.push(':');
                    }
                    pad(&mut out, i64::from(abs % 60), 2);
                }
            }
            Std::Tz => {
                if !f.zone.is_empty() {
                    out.push_str(&f.zone);
                } else {
                    let zone = f.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    pad(&mut out, i64::from(zone.abs() / 60), 2);
                    pad(&mut out, i64::from(zone.abs() % 60), 2);
                }
            }
            Std::FracSecond0(sep, digits) | Std::FracSecond9(sep, digits) => {
                let trim = matches!(std, Std::FracSecond9(..));
                let text = format!("{:09}", f.nsec);
                let mut frac = &text[..digits.min(9)];
                if trim {
                    frac = frac.trim_end_matches('0');
                    if frac.is_empty() {
                        continue;
                    }
                }
                out.push(char::from(sep));
                out.push_str(frac);
            }
        }
    }
    out
}

/// Go's `ParseError`.
struct ParseError<'a> {
    layout: &'a str,
    value: &'a str,
    layout_elem: &'a str,
    value_elem: &'a str,
    message: String,
}

impl ParseError<'_> {
    fn text(&self) -> String {
        if self.message.is_empty() {
            format!(
                "parsing time {} as {}: cannot parse {} as {}",
                quote(self.value),
                quote(self.layout),
                quote(self.value_elem),
                quote(self.layout_elem)
            )
        } else {
            format!("parsing time {}{}", quote(self.value), self.message)
        }
    }
}

fn cut_space(s: &str) -> &str {
    s.trim_start_matches(' ')
}

/// Go's `skip`: matches the literal `prefix`, where runs of spaces match runs of spaces.
fn skip<'v>(mut value: &'v str, mut prefix: &str) -> Result<&'v str, &'v str> {
    while let Some(&p) = prefix.as_bytes().first() {
        if p == b' ' {
            if value.as_bytes().first().is_some_and(|c| *c != b' ') {
                return Err(value);
            }
            prefix = cut_space(prefix);
            value = cut_space(value);
            continue;
        }
        if value.as_bytes().first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if !is_digit(b, 0) {
        return None;
    }
    if !is_digit(b, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'), &s[2..]))
}

/// Go's `getnum3`: up to three digits (exactly three when `fixed`).
fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(b, i) {
        n = n * 10 + i64::from(b[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

/// Go's `atoi` in the time package: an optional sign and digits, nothing else.
fn atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) || digits.len() > 18 {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Go's `lookup`: a case-insensitive prefix from `names` (shortened to `len` when given).
fn lookup<'v>(names: &[&str], short: bool, value: &'v str) -> Option<(usize, &'v str)> {
    for (i, name) in names.iter().enumerate() {
        let name = if short { &name[..3] } else { name };
        if value.len() >= name.len() && value.as_bytes()[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some((i, &value[name.len()..]));
        }
    }
    None
}

/// Go's `parseNanoseconds`: the value starts with the separator.
fn parse_nanoseconds(value: &str, mut nbytes: usize) -> Result<(i64, &'static str), ()> {
    let b = value.as_bytes();
    if !matches!(b.first(), Some(b'.' | b',')) {
        return Err(());
    }
    if nbytes > 10 {
        nbytes = 10;
    }
    let mut ns = atoi(value.get(1..nbytes).ok_or(())?).ok_or(())?;
    if ns < 0 {
        return Ok((0, "fractional second"));
    }
    for _ in 0..10 - nbytes {
        ns *= 10;
    }
    Ok((ns, ""))
}

/// Go's `parseSignedOffset`: the length of `+hh` or `-h` (hours up to 12), or 0.
fn parse_signed_offset(value: &str) -> usize {
    let b = value.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return 0;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 18 {
        return 0;
    }
    match value[1..1 + digits].parse::<u64>() {
        Ok(x) if x <= 12 => 1 + digits,
        _ => 0,
    }
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        return Some(3 + if rest.is_empty() { 0 } else { parse_signed_offset(rest) });
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let upper = b.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Days before the start of each month in a non-leap year.
const DAYS_BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/// `time.ParseInLocation(layout, value, local)`.
pub fn parse(layout: &str, value: &str, local: &Location) -> Result<Time, String> {
    let (alayout, avalue) = (layout, value);
    let err = |layout_elem: &str, value_elem: &str, message: String| {
        ParseError { layout: alayout, value: avalue, layout_elem, value_elem, message }.text()
    };
    let mut layout = layout;
    let mut value = value;
    let (mut am, mut pm) = (false, false);
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Location> = None;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = "";
    loop {
        let (prefix, std, suffix) = next_chunk(layout);
        let std_str = &layout[prefix.len()..layout.len() - suffix.len()];
        value = skip(value, prefix).map_err(|v| err(prefix, v, String::new()))?;
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(err("", value, format!(": extra text: {}", quote(value))));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range = "";
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    let p = value.get(..2)?;
                    value = &value[2..];
                    year = atoi(p)?;
                    year += if year >= 69 { 1900 } else { 2000 };
                }
                Std::LongYear => {
                    if value.len() < 4 || !is_digit(value.as_bytes(), 0) {
                        return None;
                    }
                    let p = value.get(..4)?;
                    value = &value[4..];
                    year = atoi(p)?;
                }
                Std::Month | Std::LongMonth => {
                    let (m, rest) = lookup(&MONTHS, std == Std::Month, value)?;
                    month = m as i64 + 1;
                    value = rest;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, rest) = getnum(value, std == Std::ZeroMonth)?;
                    (month, value) = (m, rest);
                    if !(1..=12).contains(&month) {
                        range = "month";
                    }
                }
                Std::WeekDay | Std::LongWeekDay => {
                    value = lookup(&DAYS, std == Std::WeekDay, value)?.1;
                }
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                    (day, value) = getnum(value, std == Std::ZeroDay)?;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay && value.starts_with(' ') {
                            value = &value[1..];
                        }
                    }
                    (yday, value) = getnum3(value, std == Std::ZeroYearDay)?;
                }
                Std::Hour => {
                    (hour, value) = getnum(value, false)?;
                    if !(0..24).contains(&hour) {
                        range = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    (hour, value) = getnum(value, std == Std::ZeroHour12)?;
                    if !(0..=12).contains(&hour) {
                        range = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    (min, value) = getnum(value, std == Std::ZeroMinute)?;
                    if !(0..60).contains(&min) {
                        range = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    (sec, value) = getnum(value, std == Std::ZeroSecond)?;
                    if !(0..60).contains(&sec) {
                        range = "second";
                        return Some(());
                    }
                    let b = value.as_bytes();
                    if b.len() >= 2 && matches!(b[0], b'.' | b',') && is_digit(b, 1) {
                        if matches!(next_chunk(layout).1, Some(Std::FracSecond0(..) | Std::FracSecond9(..))) {
                            return Some(());
                        }
                        let mut n = 2;
                        while is_digit(b, n) {
                            n += 1;
                        }
                        let (ns, r) = parse_nanoseconds(value, n).ok()?;
                        (nsec, range) = (ns, r);
                        value = &value[n..];
                    }
                }
                Std::Pm | Std::PmLower => {
                    let p = value.get(..2)?;
                    value = &value[2..];
                    let (upper, lower) = if std == Std::Pm { ("PM", "AM") } else { ("pm", "am") };
                    if p == upper {
                        pm = true;
                    } else if p == lower {
                        am = true;
                    } else {
                        return None;
                    }
                }
                Std::Iso8601Tz
                | Std::Iso8601ShortTz
                | Std::Iso8601ColonTz
                | Std::Iso8601SecondsTz
                | Std::Iso8601ColonSecondsTz
                | Std::NumTz
                | Std::NumShortTz
                | Std::NumColonTz
                | Std::NumSecondsTz
                | Std::NumColonSecondsTz => {
                    let iso = matches!(
                        std,
                        Std::Iso8601Tz
                            | Std::Iso8601ShortTz
                            | Std::Iso8601ColonTz
                            | Std::Iso8601SecondsTz
                            | Std::Iso8601ColonSecondsTz
                    );
                    if iso && value.starts_with('Z') {
                        value = &value[1..];
                        z = Some(Location::utc());
                        return Some(());
                    }
                    let b = value.as_bytes();
                    let (sign, h, m, s, rest) = match std {
                        Std::Iso8601ColonTz | Std::NumColonTz => {
                            if b.len() < 6 || b[3] != b':' {
                                return None;
                            }
                            (&value[..1], value.get(1..3)?, value.get(4..6)?, "00", &value[6..])
                        }
                        Std::NumShortTz | Std::Iso8601ShortTz => {
                            if b.len() < 3 {
                                return None;
                            }
                            (&value[..1], value.get(1..3)?, "00", "00", &value[3..])
                        }
                        Std::Iso8601ColonSecondsTz | Std::NumColonSecondsTz => {
                            if b.len() < 9 || b[3] != b':' || b[6] != b':' {
                                return None;
                            }
                            (&value[..1], value.get(1..3)?, value.get(4..6)?, value.get(7..9)?, &value[9..])
                        }
                        Std::Iso8601SecondsTz | Std::NumSecondsTz => {
                            if b.len() < 7 {
                                return None;
                            }
                            (&value[..1], value.get(1..3)?, value.get(3..5)?, value.get(5..7)?, &value[7..])
                        }
                        _ => {
                            if b.len() < 5 {
                                return None;
                            }
                            (&value[..1], value.get(1..3)?, value.get(3..5)?, "00", &value[5..])
                        }
                    };
                    value = rest;
                    let hr = getnum(h, true)?.0;
                    let mm = getnum(m, true)?.0;
                    let ss = getnum(s, true)?.0;
                    if hr > 24 {
                        range = "time zone offset hour";
                    }
                    if mm > 60 {
                        range = "time zone offset minute";
                    }
                    if ss > 60 {
                        range = "time zone offset second";
                    }
                    let off = ((hr * 60 + mm) * 60 + ss) as i32;
                    zone_offset = Some(match sign {
                        "+" => off,
                        "-" => -off,
                        _ => return None,
                    });
                }
                Std::Tz => {
                    if value.starts_with("UTC") {
                        z = Some(Location::utc());
                        value = &value[3..];
                        return Some(());
                    }
                    let n = parse_time_zone(value)?;
                    (zone_name, value) = (&value[..n], &value[n..]);
                }
                Std::FracSecond0(_, digits) => {
                    let ndigit = 1 + digits;
                    if value.len() < ndigit {
                        return None;
                    }
                    let (ns, r) = parse_nanoseconds(value, ndigit).ok()?;
                    (nsec, range) = (ns, r);
                    value = &value[ndigit..];
                }
                Std::FracSecond9(..) => {
                    let b = value.as_bytes();
                    if b.len() < 2 || !matches!(b[0], b'.' | b',') || !b[1].is_ascii_digit() {
                        return Some(());
                    }
                    let mut i = 0;
                    while i + 1 < b.len() && b[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    let (ns, r) = parse_nanoseconds(value, 1 + i).ok()?;
                    (nsec, range) = (ns, r);
                    value = &value[1 + i..];
                }
            }
            Some(())
        })();
        if !range.is_empty() {
            return Err(err(std_str, value, format!(": {range} out of range")));
        }
        if ok.is_none() {
            return Err(err(std_str, hold, String::new()));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (mut d, mut m) = (0i64, 0i64);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(err("", value, ": day-of-year out of range".to_owned()));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if DAYS_BEFORE[m as usize] < yday {
                m += 1;
            }
            d = yday - DAYS_BEFORE[m as usize - 1];
        }
        if month >= 0 && month != m {
            return Err(err("", value, ": day-of-year does not match month".to_owned()));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(err("", value, ": day-of-year does not match day".to_owned()));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > i64::from(days_in(month as u32, year)) {
        return Err(err("", value, ": day out of range".to_owned()));
    }
    if let Some(z) = z {
        return Ok(date(year, month, day, hour, min, sec, nsec, &z));
    }
    if let Some(offset) = zone_offset {
        let mut t = date(year, month, day, hour, min, sec, nsec, &Location::utc());
        t.unix -= i64::from(offset);
        let (name, local_offset) = local.lookup(t.unix);
        if local_offset == offset && (zone_name.is_empty() || name == zone_name) {
            return Ok(t.in_location(local.clone()));
        }
        return Ok(t.in_location(Location::fixed(zone_name, offset)));
    }
    if !zone_name.is_empty() {
        let mut t = date(year, month, day, hour, min, sec, nsec, &Location::utc());
        if let Some(offset) = local.lookup_name(zone_name, t.unix) {
            t.unix -= i64::from(offset);
            return Ok(t.in_location(local.clone()));
        }
        let mut offset = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = atoi(&zone_name[3..]).unwrap_or(0) as i32 * 3600;
        }
        return Ok(t.in_location(Location::fixed(zone_name, offset)));
    }
    Ok(date(year, month, day, hour, min, sec, nsec, local))
}
