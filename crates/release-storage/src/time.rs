//! `Time`: an instant with a UTC offset, written and read as Go's `time.Time` in JSON.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds from Go's zero time (0001-01-01T00:00:00Z) to the Unix epoch.
const ZERO_UNIX: i64 = -62_135_596_800;

/// An instant and the UTC offset it is shown in, as Go's `time.Time`.
///
/// Helm's release times (`helm.sh/helm/v3/pkg/time.Time`) write the zero
/// time as `""`; other times are RFC 3339 with up to nine fraction digits
/// (trailing zeros dropped) and `Z` for a zero offset, as Go writes them.
/// Equality compares the instant and the offset, as Go's `==` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    unix: i64,
    nanos: u32,
    offset: i32,
}

impl Default for Time {
    fn default() -> Self {
        Time::ZERO
    }
}

impl Time {
    /// Go's zero time, which Helm writes as `""`.
    pub const ZERO: Time = Time { unix: ZERO_UNIX, nanos: 0, offset: 0 };

    /// The current time in UTC.
    pub fn now() -> Time {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => Time { unix: d.as_secs() as i64, nanos: d.subsec_nanos(), offset: 0 },
            Err(e) => {
                let d = e.duration();
                let (mut unix, mut nanos) = (-(d.as_secs() as i64), d.subsec_nanos());
                if nanos > 0 {
                    unix -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                Time { unix, nanos, offset: 0 }
            }
        }
    }

    /// A time from Unix seconds and nanoseconds, shown with `offset_seconds` east of UTC.
    /// Nanoseconds beyond a second carry into the seconds.
    pub fn from_unix(unix: i64, nanos: u32, offset_seconds: i32) -> Time {
        Time {
            unix: unix.saturating_add(i64::from(nanos / 1_000_000_000)),
            nanos: nanos % 1_000_000_000,
            offset: offset_seconds,
        }
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// Nanoseconds within the second.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }

    /// The offset from UTC in seconds, east positive.
    pub fn offset_seconds(&self) -> i32 {
        self.offset
    }

    /// Whether this is Go's zero instant (whatever its offset), as `IsZero`.
    pub fn is_zero(&self) -> bool {
        self.unix == ZERO_UNIX && self.nanos == 0
    }

    /// The same instant shown in UTC.
    pub fn utc(&self) -> Time {
        Time { offset: 0, ..*self }
    }

    /// The RFC 3339 text Go's `time.Time.MarshalJSON` writes (without quotes),
    /// or Go's error for a year outside 0..=9999.
    pub fn to_rfc3339(&self) -> Result<String, String> {
        let local = self.unix + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return Err("Time.MarshalJSON: year outside of range [0,9999]".to_owned());
        }
        let mut out =
            format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let minutes = self.offset.unsigned_abs() / 60;
            if minutes / 60 >= 24 {
                return Err("Time.MarshalJSON: timezone hour outside of range [0,23]".to_owned());
            }
            let sign = if self.offset < 0 { '-' } else { '+' };
            out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        }
        Ok(out)
    }

    /// Parses RFC 3339 text as Go's `time.Time.UnmarshalJSON` does (strictly:
    /// `T`, two-digit fields, `.` before the fraction, `Z` or `±hh:mm`).
    pub fn parse_rfc3339(s: &str) -> Result<Time, String> {
        let error = || format!("parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse {s:?} as RFC 3339");
        let b = s.as_bytes();
        if b.len() < 20 {
            return Err(error());
        }
        let num = |from: usize, to: usize| -> Option<i64> {
            let part = &b[from..to];
            if part.iter().all(u8::is_ascii_digit) {
                Some(part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
            } else {
                None
            }
        };
        let fields = (num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19));
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields else {
            return Err(error());
        };
        if !(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':') {
            return Err(error());
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if !(1..=12).contains(&month) {
            return Err(format!("parsing time \"{s}\": month out of range"));
        }
        let out_of_range = |what: &str| Err(format!("parsing time \"{s}\": {what} out of range"));
        if day < 1 || day > month_days[(month - 1) as usize] {
            return out_of_range("day");
        }
        if hour > 23 {
            return out_of_range("hour");
        }
        if minute > 59 {
            return out_of_range("minute");
        }
        if second > 59 {
            return out_of_range("second");
        }
        let mut rest = &b[19..];
        let mut nanos = 0u32;
        if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
            let mut n = 1;
            while n < rest.len() && rest[n].is_ascii_digit() {
                n += 1;
            }
            // Go keeps nine digits and ignores the rest.
            let digits = rest[1..n].iter().map(|d| u32::from(d - b'0')).chain(std::iter::repeat(0));
            for d in digits.take(9) {
                nanos = nanos * 10 + d;
            }
            rest = &rest[n..];
        }
        let offset = if rest == b"Z" {
            0
        } else if rest.len() == 6 && (rest[0] == b'+' || rest[0] == b'-') && rest[3] == b':' {
            let base = b.len() - 6;
            let (Some(h), Some(m)) = (num(base + 1, base + 3), num(base + 4, base + 6)) else {
                return Err(error());
            };
            if h > 23 || m > 59 {
                return Err(error());
            }
            let o = (h * 3600 + m * 60) as i32;
            if rest[0] == b'-' { -o } else { o }
        } else {
            return Err(error());
        };
        let local = days_from_civil(year, month as u32, day as u32) * 86_400 + hour * 3600 + minute * 60 + second;
        Ok(Time { unix: local - i64::from(offset), nanos, offset })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> String {
        Time::parse_rfc3339(s).and_then(|t| t.to_rfc3339()).unwrap_or_else(|e| e)
    }

    #[test]
    fn go_text() {
        assert_eq!(round("2024-01-02T03:04:05.123456789+02:00"), "2024-01-02T03:04:05.123456789+02:00");
        assert_eq!(round("2024-01-02T03:04:05.500Z"), "2024-01-02T03:04:05.5Z");
        assert_eq!(round("2024-01-02T03:04:05-00:00"), "2024-01-02T03:04:05Z");
        assert_eq!(round("2024-02-29T23:59:59.1234567891Z"), "2024-02-29T23:59:59.123456789Z");
        assert_eq!(round("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z");
        assert!(Time::parse_rfc3339("0001-01-01T00:00:00Z").is_ok_and(|t| t.is_zero()));
        assert!(Time::parse_rfc3339("0001-01-01T01:00:00+01:00").is_ok_and(|t| t.is_zero()));
        assert!(Time::parse_rfc3339("2023-02-29T00:00:00Z").is_err());
        assert!(Time::parse_rfc3339("2023-02-01 00:00:00Z").is_err());
        assert!(Time::parse_rfc3339("2023-02-01T00:00:00").is_err());
        assert_eq!(Time::from_unix(0, 0, 0).to_rfc3339().as_deref(), Ok("1970-01-01T00:00:00Z"));
        assert_eq!(Time::from_unix(-1, 0, -3600).to_rfc3339().as_deref(), Ok("1969-12-31T22:59:59-01:00"));
        assert!(Time::now().unix() > 1_600_000_000);
    }
}
