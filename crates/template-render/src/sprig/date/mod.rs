//! Sprig's date functions: now, date, dateInZone, htmlDate, dateModify, ago, toDate, unixEpoch,
//! duration, durationRound; with Go's `time.Time` as a template value.

mod duration;
mod layout;
mod time;
mod zone;

pub use layout::parse as parse_in_location;
pub use time::{Time, same_time_value, time_arg};
pub use zone::Location;

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use GoType::{Any, String as Str};
use time::TIME;

/// The date functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("now", &[], now),
    Function::new("date", &[Str, Any], date),
    Function::new("dateInZone", &[Str, Any, Str], date_in_zone),
    Function::new("date_in_zone", &[Str, Any, Str], date_in_zone),
    Function::new("htmlDate", &[Any], html_date),
    Function::new("htmlDateInZone", &[Any, Str], html_date_in_zone),
    Function::new("dateModify", &[Str, TIME], date_modify),
    Function::new("date_modify", &[Str, TIME], date_modify),
    Function::new("mustDateModify", &[Str, TIME], must_date_modify),
    Function::new("must_date_modify", &[Str, TIME], must_date_modify),
    Function::new("ago", &[Any], ago),
    Function::new("toDate", &[Str, Str], to_date),
    Function::new("mustToDate", &[Str, Str], must_to_date),
    Function::new("unixEpoch", &[TIME], unix_epoch),
    Function::new("duration", &[Any], duration),
    Function::new("durationRound", &[Any], duration_round),
];

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

fn now(_: &mut CallContext<'_, '_>, _: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::object(Time::now()))
}

/// Sprig's reading of a date argument: a time, a pointer to one, or unix seconds as int,
/// int64 or int32; anything else is now.
fn date_value(v: &Value, pointer_ok: bool, int32_ok: bool) -> Time {
    if let Some(t) = time_arg(v) {
        return t;
    }
    match v {
        Value::Int(n) | Value::Int64(n) => Time::from_unix(*n),
        Value::Object(o) if pointer_ok && o.type_name() == "*time.Time" && !o.is_nil() => {
            o.elements().and_then(|e| e.first().and_then(time_arg)).unwrap_or_else(Time::now)
        }
        Value::Object(o) if int32_ok && o.type_name() == "int32" => Time::from_unix(o.int().unwrap_or(0)),
        _ => Time::now(),
    }
}

/// Sprig's `dateInZone`: an unknown zone is UTC.
fn in_zone(layout: &str, v: &Value, zone: &str) -> String {
    let t = date_value(v, true, true);
    let loc = Location::load(zone).unwrap_or_else(Location::utc);
    t.in_location(loc).format(layout)
}

fn date(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(in_zone(str_arg(a, 0), &a[1], "Local")))
}

fn date_in_zone(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(in_zone(str_arg(a, 0), &a[1], str_arg(a, 2))))
}

fn html_date(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(in_zone("2006-01-02", &a[0], "Local")))
}

fn html_date_in_zone(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(in_zone("2006-01-02", &a[0], str_arg(a, 1))))
}

fn time_param(a: &[Value], i: usize) -> Time {
    a.get(i).and_then(time_arg).unwrap_or_else(Time::zero)
}

fn date_modify(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let t = time_param(a, 1);
    Ok(Value::object(match duration::parse(str_arg(a, 0)) {
        Ok(d) => t.add(d),
        Err(_) => t,
    }))
}

fn must_date_modify(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let d = duration::parse(str_arg(a, 0))?;
    Ok(Value::object(time_param(a, 1).add(d)))
}

fn ago(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let t = date_value(&a[0], false, false);
    Ok(Value::from(duration::format(duration::round(t.since(), duration::SECOND))))
}

fn to_date(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let t = layout::parse(str_arg(a, 0), str_arg(a, 1), &Location::local()).unwrap_or_else(|_| Time::zero());
    Ok(Value::object(t))
}

fn must_to_date(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::object(layout::parse(str_arg(a, 0), str_arg(a, 1), &Location::local())?))
}

fn unix_epoch(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(time_param(a, 0).unix.to_string()))
}

/// Go's `strconv.ParseInt(s, 10, 64)` as Sprig uses it: errors give 0, except out of range,
/// which gives the nearest limit.
fn parse_int(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    let magnitude: i128 =
        digits.bytes().fold(0i128, |acc, c| (acc * 10 + i128::from(c - b'0')).min(i128::from(u64::MAX)));
    let n = if neg { -magnitude } else { magnitude };
    n.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

fn duration(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let n = match &a[0] {
        Value::String(s) => parse_int(s),
        Value::Int64(n) => *n,
        _ => 0,
    };
    Ok(Value::from(duration::format(n.wrapping_mul(duration::SECOND))))
}

fn duration_round(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let d = match &a[0] {
        Value::String(s) => duration::parse(s).unwrap_or(0),
        Value::Int64(n) => *n,
        v => time_arg(v).map_or(0, |t| t.since()),
    };
    let u = d.unsigned_abs();
    const HOUR: u64 = 3_600_000_000_000;
    let units: [(u64, &str); 6] = [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (unit, suffix) in units {
        if u > unit {
            return Ok(Value::from(format!("{}{suffix}", u / unit)));
        }
    }
    Ok(Value::from("0s"))
}
