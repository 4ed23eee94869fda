//! Go's `time.Time` as a template value: an instant, a location and maybe a monotonic reading,
//! with the methods charts call (`.Unix`, `.Format`, `.UTC`, `.Year`...).

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::duration::{DURATION, Duration, SECOND};
use super::layout;
use super::zone::Location;
use crate::value::{GoType, Kind, Object, Signature, Value};

/// A Go `time.Time`.
#[derive(Clone, Debug)]
pub struct Time {
    /// Seconds since the Unix epoch.
    pub unix: i64,
    /// Nanoseconds within the second, 0..1e9.
    pub nsec: u32,
    /// The location the time is shown in.
    pub loc: Location,
    /// The monotonic clock reading of `time.Now()`, in nanoseconds since the process started.
    pub mono: Option<i64>,
}

/// The parameter type `time.Time`.
pub const TIME: GoType = GoType::Named(&crate::value::NamedType { name: "time.Time", kind: Kind::Struct });

/// Seconds from 0001-01-01 to 1970-01-01, for Go's zero time.
const ZERO_UNIX: i64 = -62_135_596_800;

fn process_start() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// The civil date of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a civil date (month 1..12).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in a month of a year.
pub fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The broken-down fields of a time in its location.
#[derive(Clone, Debug)]
pub struct Fields {
    /// The year.
    pub year: i64,
    /// The month, 1..12.
    pub month: u32,
    /// The day of the month.
    pub day: u32,
    /// The hour.
    pub hour: u32,
    /// The minute.
    pub minute: u32,
    /// The second.
    pub second: u32,
    /// Nanoseconds.
    pub nsec: u32,
    /// Day of the week, Sunday = 0.
    pub weekday: u32,
    /// Day of the year, 1..366.
    pub yday: u32,
    /// The zone abbreviation.
    pub zone: String,
    /// The zone offset in seconds east of UTC.
    pub offset: i32,
}

/// Go's `time.Date`: normalises out-of-range fields, then places the wall time in `loc`.
#[allow(clippy::too_many_arguments)]
pub fn date(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64, nsec: i64, loc: &Location) -> Time {
    // Go wraps around far outside its range; staying inside keeps every step free of overflow.
    const LIMIT: i64 = 1 << 40;
    let clamp = |n: i64| n.clamp(-LIMIT, LIMIT);
    let (year, month, day, hour, min, sec) =
        (clamp(year), clamp(month), clamp(day), clamp(hour), clamp(min), clamp(sec));
    let m0 = month - 1;
    let year = year + m0.div_euclid(12);
    let month = (m0.rem_euclid(12) + 1) as u32;
    let sec = sec + nsec.div_euclid(SECOND);
    let nsec = nsec.rem_euclid(SECOND) as u32;
    let days = days_from_civil(year, month, 1) + day - 1;
    let local = days * 86_400 + hour * 3_600 + min * 60 + sec;
    let (_, offset) = loc.lookup(local);
    let mut unix = local;
    if offset != 0 {
        let utc = local - i64::from(offset);
        let (_, at_utc) = loc.lookup(utc);
        unix = local - i64::from(if at_utc != offset { at_utc } else { offset });
    }
    Time { unix, nsec, loc: loc.clone(), mono: None }
}

impl Time {
    /// `time.Now()`, with its monotonic reading.
    pub fn now() -> Time {
        let start = process_start();
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let mono = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
        Time { unix: wall.as_secs() as i64, nsec: wall.subsec_nanos(), loc: Location::local(), mono: Some(mono) }
    }

    /// `time.Unix(sec, 0)` in the local zone.
    pub fn from_unix(sec: i64) -> Time {
        Time { unix: sec, nsec: 0, loc: Location::local(), mono: None }
    }

    /// Go's zero `time.Time`.
    pub fn zero() -> Time {
        Time { unix: ZERO_UNIX, nsec: 0, loc: Location::utc(), mono: None }
    }

    /// The same instant shown in `loc` (the monotonic reading is dropped, as Go's `In`).
    pub fn in_location(&self, loc: Location) -> Time {
        Time { unix: self.unix, nsec: self.nsec, loc, mono: None }
    }

    /// Nanoseconds since the epoch as i128 (no overflow).
    fn nanos(&self) -> i128 {
        i128::from(self.unix) * i128::from(SECOND) + i128::from(self.nsec)
    }

    /// `t.Add(d)`.
    pub fn add(&self, d: i64) -> Time {
        let n = self.nanos() + i128::from(d);
        let unix = n.div_euclid(i128::from(SECOND)) as i64;
        let nsec = n.rem_euclid(i128::from(SECOND)) as u32;
        Time { unix, nsec, loc: self.loc.clone(), mono: self.mono.map(|m| m.wrapping_add(d)) }
    }

    /// `t.Sub(u)`, saturating as Go does.
    pub fn sub(&self, u: &Time) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let d = self.nanos() - u.nanos();
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// `time.Since(t)`.
    pub fn since(&self) -> i64 {
        Time::now().sub(self)
    }

    /// The broken-down fields in the time's location.
    pub fn fields(&self) -> Fields {
        let (zone, offset) = self.loc.lookup(self.unix);
        let local = i128::from(self.unix) + i128::from(offset);
        let days = local.div_euclid(86_400) as i64;
        let secs = local.rem_euclid(86_400) as u32;
        let (year, month, day) = civil(days);
        let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
        Fields {
            year,
            month,
            day,
            hour: secs / 3_600,
            minute: secs / 60 % 60,
            second: secs % 60,
            nsec: self.nsec,
            weekday: (days + 4).rem_euclid(7) as u32,
            yday,
            zone,
            offset,
        }
    }

    /// `t.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        layout::format(&self.fields(), layout)
    }

    /// `t.String()`.
    pub fn string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m = m.unsigned_abs();
            s.push_str(&format!(" m={sign}{}.{:09}", m / 1_000_000_000, m % 1_000_000_000));
        }
        s
    }

    /// `t.AddDate(years, months, days)`.
    fn add_date(&self, years: i64, months: i64, days: i64) -> Time {
        let f = self.fields();
        let mut t = date(
            f.year.saturating_add(years),
            i64::from(f.month).saturating_add(months),
            i64::from(f.day).saturating_add(days),
            i64::from(f.hour),
            i64::from(f.minute),
            i64::from(f.second),
            i64::from(f.nsec),
            &self.loc,
        );
        t.mono = None;
        t
    }
}

/// A Go `time.Month` or `time.Weekday`: an int that prints as its English name.
#[derive(Clone, Copy, Debug)]
struct Named {
    type_name: &'static str,
    n: i64,
    name: &'static str,
}

impl Object for Named {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        Kind::Int
    }
    fn int(&self) -> Option<i64> {
        Some(self.n)
    }
    fn stringer(&self) -> Option<String> {
        Some(self.name.to_owned())
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "String").then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, _: &str, _: &[Value]) -> Result<Value, String> {
        Ok(Value::from(self.name))
    }
}

/// A Go `*time.Location`, printed by name.
struct LocationValue(Location);

impl Object for LocationValue {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("*time.Location")
    }
    fn kind(&self) -> Kind {
        Kind::Pointer
    }
    fn stringer(&self) -> Option<String> {
        Some(self.0.name().to_owned())
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "String").then_some(Signature { params: &[], variadic: None })
    }
    fn call_method(&self, _: &str, _: &[Value]) -> Result<Value, String> {
        Ok(Value::from(self.0.name()))
    }
}

/// The name of a method no template can call (it is not an identifier): it hands a time's state
/// to the Rust side, since host objects cannot be downcast.
const STATE: &str = "#state";

/// The name of the hidden method that answers Go's `MarshalJSON` text (a quoted RFC 3339 time),
/// for the JSON and YAML writers: `o.call_method("#json", &[])`.
pub const JSON: &str = "#json";

/// The time inside a `time.Time` argument.
pub fn time_arg(v: &Value) -> Option<Time> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    let state = o.call_method(STATE, &[]).ok()?;
    let Value::List(items) = state else { return None };
    let [unix, nsec, offset, name, mono] = items.as_slice() else { return None };
    let (unix, nsec, offset) = (unix.as_int()?, nsec.as_int()? as u32, offset.as_int()? as i32);
    let name = name.as_str().unwrap_or("");
    let fixed = matches!(mono, Value::Bool(true));
    let loc = if fixed { Location::fixed(name, offset) } else { Location::load(name).unwrap_or_else(Location::utc) };
    Some(Time { unix, nsec, loc, mono: if fixed { None } else { mono.as_int() } })
}

/// `reflect.DeepEqual` of two `time.Time`: the same instant, monotonic reading and location
/// pointer. `UTC` and `Local` are single locations; every fixed zone a parse makes, and every
/// zone loaded by name, is a location of its own, so such times are never deeply equal.
pub fn same_time_value(a: &Value, b: &Value) -> bool {
    let (Some(x), Some(y)) = (time_arg(a), time_arg(b)) else { return false };
    let shared_location = |t: &Time| !t.loc.is_fixed() && matches!(t.loc.name(), "UTC" | "Local");
    x.unix == y.unix
        && x.nsec == y.nsec
        && x.mono == y.mono
        && shared_location(&x)
        && shared_location(&y)
        && x.loc.name() == y.loc.name()
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

/// English month names.
pub fn month_name(m: u32) -> &'static str {
    MONTHS.get(m.wrapping_sub(1) as usize).copied().unwrap_or("%!Month()")
}

/// English weekday names.
pub fn day_name(d: u32) -> &'static str {
    DAYS.get(d as usize).copied().unwrap_or("%!Weekday()")
}

impl Object for Time {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("time.Time")
    }
    fn stringer(&self) -> Option<String> {
        Some(self.string())
    }
    fn has_field(&self, name: &str) -> bool {
        // Go's time.Time has only these unexported fields.
        matches!(name, "wall" | "ext" | "loc")
    }
    fn method(&self, name: &str) -> Option<Signature> {
        let params: &'static [GoType] = match name {
            "String" | "Unix" | "UnixNano" | "UnixMilli" | "UnixMicro" | "UTC" | "Local" | "Year" | "Month" | "Day"
            | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay" | "Weekday" | "IsZero" | "Location" => &[],
            "Format" => &[GoType::String],
            "Add" | "Round" | "Truncate" => &[DURATION],
            "AddDate" => &[GoType::Int, GoType::Int, GoType::Int],
            "Sub" | "Before" | "After" | "Equal" | "Compare" => &[TIME],
            JSON => &[],
            _ => return None,
        };
        Some(Signature { params, variadic: None })
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let int = |i: usize| args.get(i).and_then(Value::as_int).unwrap_or(0);
        let other = || args.first().and_then(time_arg).ok_or_else(|| "expected time.Time".to_owned());
        Ok(match name {
            "String" => Value::from(self.string()),
            "Unix" => Value::Int64(self.unix),
            "UnixNano" => Value::Int64((self.nanos() as i64).wrapping_add(0)),
            "UnixMilli" => Value::Int64(self.nanos().div_euclid(1_000_000) as i64),
            "UnixMicro" => Value::Int64(self.nanos().div_euclid(1_000) as i64),
            "UTC" => Value::object(self.in_location(Location::utc())),
            "Local" => Value::object(self.in_location(Location::local())),
            "Year" => Value::Int(self.fields().year),
            "Month" => {
                let m = self.fields().month;
                Value::object(Named { type_name: "time.Month", n: i64::from(m), name: month_name(m) })
            }
            "Day" => Value::Int(i64::from(self.fields().day)),
            "Hour" => Value::Int(i64::from(self.fields().hour)),
            "Minute" => Value::Int(i64::from(self.fields().minute)),
            "Second" => Value::Int(i64::from(self.fields().second)),
            "Nanosecond" => Value::Int(i64::from(self.nsec)),
            "YearDay" => Value::Int(i64::from(self.fields().yday)),
            "Weekday" => {
                let d = self.fields().weekday;
                Value::object(Named { type_name: "time.Weekday", n: i64::from(d), name: day_name(d) })
            }
            "IsZero" => Value::Bool(self.unix == ZERO_UNIX && self.nsec == 0),
            "Location" => Value::object(LocationValue(self.loc.clone())),
            STATE => Value::list(vec![
                Value::Int64(self.unix),
                Value::Int(i64::from(self.nsec)),
                Value::Int(i64::from(self.fields().offset)),
                Value::from(self.loc.name()),
                if self.loc.is_fixed() { Value::Bool(true) } else { self.mono.map_or(Value::Nil, Value::Int64) },
            ]),
            JSON => {
                let year = self.fields().year;
                if !(0..=9999).contains(&year) {
                    return Err("Time.MarshalJSON: year outside of range [0,9999]".to_owned());
                }
                Value::from(format!("\"{}\"", self.format("2006-01-02T15:04:05.999999999Z07:00")))
            }
            "Format" => Value::from(self.format(args.first().and_then(Value::as_str).unwrap_or(""))),
            "Add" => Value::object(self.add(int(0))),
            "Round" | "Truncate" => {
                let d = int(0);
                let mut t = self.in_location(self.loc.clone());
                if d > 0 {
                    // Go rounds the time since the zero time; d divides a day's worth of seconds in practice.
                    let since_zero = self.nanos() - i128::from(ZERO_UNIX) * i128::from(SECOND);
                    let r = since_zero.rem_euclid(i128::from(d)) as i64;
                    let down = name == "Truncate" || (r as u64).wrapping_add(r as u64) < d as u64;
                    t = if down { t.add(-r) } else { t.add(d - r) };
                }
                Value::object(t)
            }
            "AddDate" => Value::object(self.add_date(int(0), int(1), int(2))),
            "Sub" => Value::object(Duration(self.sub(&other()?))),
            "Before" => Value::Bool(self.nanos() < other()?.nanos()),
            "After" => Value::Bool(self.nanos() > other()?.nanos()),
            "Equal" => Value::Bool(self.nanos() == other()?.nanos()),
            "Compare" => Value::Int(match self.nanos().cmp(&other()?.nanos()) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }),
            _ => return Err(format!("no method {name}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_json() {
        let t = Time { unix: 1_614_827_167, nsec: 500_000_000, loc: Location::fixed("", 7_200), mono: None };
        assert_eq!(t.string(), "2021-03-04 05:06:07.5 +0200 +0200");
        let json = t.call_method(JSON, &[]).unwrap();
        assert_eq!(json.as_str(), Some("\"2021-03-04T05:06:07.5+02:00\""));
        let utc = t.in_location(Location::utc());
        assert_eq!(utc.call_method(JSON, &[]).unwrap().as_str(), Some("\"2021-03-04T03:06:07.5Z\""));
        assert!(Time::zero().call_method("IsZero", &[]).unwrap().is_true());
        assert_eq!(Time::zero().string(), "0001-01-01 00:00:00 +0000 UTC");
        assert!(Time::now().string().contains(" m=+"));
    }

    #[test]
    fn civil_dates() {
        for days in [-719_468, -1, 0, 1, 59, 365, 11_016, 2_932_896] {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }
}
