//! `Timestamp`: `google.protobuf.Timestamp` on the wire, with the canonical JSON form of protobuf.
//!
//! `cargo xtask codegen` maps `.google.protobuf.Timestamp` here (for prost and pbjson) because
//! pbjson-types writes `+00:00`; protobuf's JSON mapping (and grpc-gateway) writes UTC with `Z`
//! and 0, 3, 6 or 9 fraction digits, and reads any RFC 3339 offset.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// Seconds of 0001-01-01T00:00:00Z, the earliest time protobuf allows.
const MIN_SECONDS: i64 = -62_135_596_800;
/// Seconds of 9999-12-31T23:59:59Z, the latest whole second protobuf allows.
const MAX_SECONDS: i64 = 253_402_300_799;
/// Nanoseconds in a second.
const NANOS_PER_SECOND: i32 = 1_000_000_000;

/// A point in time as `google.protobuf.Timestamp`: seconds since the Unix epoch and
/// non-negative nanoseconds within that second (negative seconds count back from the epoch).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Message)]
#[prost(skip_debug)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, 0 to 999,999,999.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl prost::Name for Timestamp {
    const NAME: &'static str = "Timestamp";
    const PACKAGE: &'static str = "google.protobuf";
}

impl Timestamp {
    /// The time `seconds` after the Unix epoch.
    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp { seconds, nanos: 0 }
    }

    /// The current time.
    pub fn now() -> Timestamp {
        SystemTime::now().into()
    }

    /// Fails unless the time is within 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999999999Z
    /// with nanos in 0..1e9, the range protobuf allows.
    fn check(&self) -> Result<()> {
        if (MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds) && (0..NANOS_PER_SECOND).contains(&self.nanos) {
            Ok(())
        } else {
            Err(self.out_of_range())
        }
    }

    fn out_of_range(&self) -> Error {
        Error::InvalidArgument(format!(
            "timestamp {}s {}ns is outside 0001-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z",
            self.seconds, self.nanos
        ))
    }

    /// The canonical JSON text: UTC, `Z`, and 0, 3, 6 or 9 fraction digits, as few as are exact.
    pub fn to_rfc3339(&self) -> Result<String> {
        self.check()?;
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut out =
            format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60);
        let fraction = match self.nanos {
            0 => String::new(),
            n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
            n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
            n => format!(".{n:09}"),
        };
        out.push_str(&fraction);
        out.push('Z');
        Ok(out)
    }

    /// Reads RFC 3339 text with any offset (`Z`, `+hh:mm`, `-hh:mm`) and up to nine fraction digits.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp> {
        let syntax = || {
            Error::InvalidArgument(format!(
                "invalid timestamp {text:?}: want RFC 3339, like \"1972-01-01T10:00:20.021Z\""
            ))
        };
        let b = text.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = b.get(range)?;
            part.iter().try_fold(0i64, |n, d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
        };
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
            (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19))
        else {
            return Err(syntax());
        };
        let separators = (b[4], b[7], b[10], b[13], b[16]);
        if !matches!(separators, (b'-', b'-', b'T' | b't', b':', b':')) {
            return Err(syntax());
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let valid_day =
            usize::try_from(month - 1).ok().and_then(|m| month_days.get(m)).is_some_and(|&n| (1..=n).contains(&day));
        if !valid_day || hour > 23 || minute > 59 || second > 59 {
            return Err(syntax());
        }
        let mut rest = &b[19..];
        let mut nanos = 0i32;
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
            if !(1..=9).contains(&digits) {
                return Err(syntax());
            }
            let (value, after) = fraction.split_at(digits);
            nanos = value.iter().fold(0, |n, d| n * 10 + i32::from(d - b'0')) * 10i32.pow(9 - digits as u32);
            rest = after;
        }
        let offset = match rest {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let two = |a: u8, b: u8| {
                    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from((a - b'0') * 10 + (b - b'0')))
                };
                let (Some(h), Some(m)) = (two(*h1, *h2), two(*m1, *m2)) else {
                    return Err(syntax());
                };
                if h > 23 || m > 59 {
                    return Err(syntax());
                }
                if *sign == b'-' { -(h * 3600 + m * 60) } else { h * 3600 + m * 60 }
            }
            _ => return Err(syntax()),
        };
        let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
        let timestamp = Timestamp { seconds: local - offset, nanos };
        timestamp.check()?;
        Ok(timestamp)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Ok(text) => write!(f, "Timestamp({text})"),
            Err(_) => write!(f, "Timestamp {{ seconds: {}, nanos: {} }}", self.seconds, self.nanos),
        }
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Timestamp::parse_rfc3339(text)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).unwrap_or(i64::MAX), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let seconds = i64::try_from(before.as_secs()).map_or(i64::MIN, |s| -s);
                match before.subsec_nanos() {
                    0 => (seconds, 0),
                    n => (seconds.saturating_sub(1), 1_000_000_000 - n),
                }
            }
        };
        Timestamp { seconds, nanos: i32::try_from(nanos).unwrap_or(0) }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = Error;

    fn try_from(t: Timestamp) -> Result<Self> {
        t.check()?;
        let nanos = Duration::from_nanos(u64::try_from(t.nanos).unwrap_or(0));
        let whole = Duration::from_secs(t.seconds.unsigned_abs());
        let time = if t.seconds >= 0 { UNIX_EPOCH.checked_add(whole) } else { UNIX_EPOCH.checked_sub(whole) };
        time.and_then(|s| s.checked_add(nanos)).ok_or_else(|| t.out_of_range())
    }
}

impl From<release_storage::Time> for Timestamp {
    fn from(time: release_storage::Time) -> Self {
        Timestamp { seconds: time.unix(), nanos: i32::try_from(time.nanos()).unwrap_or(0) }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339().map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<Timestamp, E> {
                Timestamp::parse_rfc3339(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (if month <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(seconds: i64, nanos: i32) -> String {
        Timestamp { seconds, nanos }.to_rfc3339().unwrap_or_else(|e| e.to_string())
    }

    fn parse(s: &str) -> (i64, i32) {
        let t = Timestamp::parse_rfc3339(s).unwrap();
        (t.seconds, t.nanos)
    }

    #[test]
    fn fraction_digits_are_0_3_6_or_9() {
        assert_eq!(text(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(text(63_108_020, 21_000_000), "1972-01-01T10:00:20.021Z");
        assert_eq!(text(1_700_000_000, 0), "2023-11-14T22:13:20Z");
        assert_eq!(text(1_700_000_000, 100_000_000), "2023-11-14T22:13:20.100Z");
        assert_eq!(text(1_700_000_000, 123_456_000), "2023-11-14T22:13:20.123456Z");
        assert_eq!(text(1_700_000_000, 1_000), "2023-11-14T22:13:20.000001Z");
        assert_eq!(text(1_700_000_000, 123_456_789), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(text(1_700_000_000, 42), "2023-11-14T22:13:20.000000042Z");
    }

    #[test]
    fn range_is_year_1_to_9999() {
        assert_eq!(text(-1, 500_000_000), "1969-12-31T23:59:59.500Z");
        assert_eq!(text(MIN_SECONDS, 0), "0001-01-01T00:00:00Z");
        assert_eq!(text(MAX_SECONDS, 999_999_999), "9999-12-31T23:59:59.999999999Z");
        assert_eq!(text(951_782_400, 0), "2000-02-29T00:00:00Z");
        assert!(Timestamp { seconds: MIN_SECONDS - 1, nanos: 0 }.to_rfc3339().is_err());
        assert!(Timestamp { seconds: MAX_SECONDS + 1, nanos: 0 }.to_rfc3339().is_err());
        assert!(Timestamp { seconds: 0, nanos: -1 }.to_rfc3339().is_err());
        assert!(Timestamp { seconds: 0, nanos: 1_000_000_000 }.to_rfc3339().is_err());
        assert!(serde_json::to_string(&Timestamp { seconds: i64::MAX, nanos: 0 }).is_err());
    }

    #[test]
    fn parses_any_offset_and_fraction() {
        assert_eq!(parse("1972-01-01T10:00:20.021Z"), (63_108_020, 21_000_000));
        assert_eq!(parse("2023-11-14T22:13:20+00:00"), (1_700_000_000, 0));
        assert_eq!(parse("2023-11-14T22:13:20-00:00"), (1_700_000_000, 0));
        assert_eq!(parse("2023-11-15T00:43:20.5+02:30"), (1_700_000_000, 500_000_000));
        assert_eq!(parse("2023-11-14T17:13:20.123456789-05:00"), (1_700_000_000, 123_456_789));
        assert_eq!(parse("2023-11-14t22:13:20.1z"), (1_700_000_000, 100_000_000));
        assert_eq!(parse("1969-12-31T23:59:59.5Z"), (-1, 500_000_000));
        assert_eq!(parse("0001-01-01T00:00:00Z"), (MIN_SECONDS, 0));
        assert_eq!(parse("9999-12-31T23:59:59.999999999Z"), (MAX_SECONDS, 999_999_999));
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14 22:13:20Z",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20.1234567891Z",
            "2023-11-14T22:13:20+0000",
            "2023-11-14T24:00:00Z",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "0000-12-31T00:00:00Z",
            "0001-01-01T00:00:00+01:00",
            "2023-11-14T22:13:20Zjunk",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serde_and_conversions() {
        let t = Timestamp { seconds: 1_700_000_000, nanos: 120_000_000 };
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"2023-11-14T22:13:20.120Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>("\"2023-11-14T23:13:20.12+01:00\"").unwrap(), t);
        assert!(serde_json::from_str::<Timestamp>("1700000000").is_err());
        let system = SystemTime::try_from(t).unwrap();
        assert_eq!(Timestamp::from(system), t);
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(Timestamp::from(before), Timestamp { seconds: -2, nanos: 500_000_000 });
        assert_eq!(SystemTime::try_from(Timestamp { seconds: -2, nanos: 500_000_000 }).unwrap(), before);
        let helm = release_storage::Time::from_unix(1_700_000_000, 42, 3600);
        assert_eq!(Timestamp::from(helm), Timestamp { seconds: 1_700_000_000, nanos: 42 });
        assert_eq!(format!("{t:?}"), "Timestamp(2023-11-14T22:13:20.120Z)");
        assert_eq!(
            prost::Message::encode_to_vec(&t),
            prost::Message::encode_to_vec(&pbjson_types::Timestamp { seconds: 1_700_000_000, nanos: 120_000_000 })
        );
    }
}
