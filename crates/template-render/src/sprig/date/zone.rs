//! Time zones as Go's `time.Location`: UTC, Local, IANA zones by name (from the tz database bundled
//! in the binary, so no system files are needed) and fixed offsets.

use std::sync::{Arc, OnceLock};

use jiff::tz::TimeZone;

/// A Go `*time.Location`.
#[derive(Clone, Debug)]
pub struct Location(Arc<Zone>);

#[derive(Debug)]
enum Zone {
    Utc,
    /// A zone from the tz database, with the name it was loaded by (`Local` for the local zone).
    Db(String, TimeZone),
    /// `time.FixedZone(name, offset)`.
    Fixed(String, i32),
}

impl Location {
    /// `time.UTC`.
    pub fn utc() -> Location {
        static UTC: OnceLock<Location> = OnceLock::new();
        UTC.get_or_init(|| Location(Arc::new(Zone::Utc))).clone()
    }

    /// `time.Local`: the zone of `$TZ` (empty or unknown meaning UTC, as Go), else the system's zone.
    pub fn local() -> Location {
        static LOCAL: OnceLock<Location> = OnceLock::new();
        LOCAL
            .get_or_init(|| {
                let tz = match std::env::var("TZ") {
                    Ok(name) if name.is_empty() => TimeZone::UTC,
                    Ok(name) => TimeZone::get(name.trim_start_matches(':')).unwrap_or(TimeZone::UTC),
                    Err(_) => TimeZone::try_system().unwrap_or(TimeZone::UTC),
                };
                Location(Arc::new(Zone::Db("Local".to_owned(), tz)))
            })
            .clone()
    }

    /// `time.FixedZone(name, offset)`.
    pub fn fixed(name: &str, offset: i32) -> Location {
        Location(Arc::new(Zone::Fixed(name.to_owned(), offset)))
    }

    /// `time.LoadLocation(name)`: None when Go would fail.
    pub fn load(name: &str) -> Option<Location> {
        match name {
            "" | "UTC" => return Some(Location::utc()),
            "Local" => return Some(Location::local()),
            _ => {}
        }
        if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
            return None;
        }
        let tz = TimeZone::get(name).ok()?;
        // Go reads files by name, so names are case-sensitive.
        if tz.iana_name() != Some(name) {
            return None;
        }
        Some(Location(Arc::new(Zone::Db(name.to_owned(), tz))))
    }

    /// The name Go prints for the location.
    pub fn name(&self) -> &str {
        match self.0.as_ref() {
            Zone::Utc => "UTC",
            Zone::Db(name, _) | Zone::Fixed(name, _) => name,
        }
    }

    /// Whether this is a fixed zone.
    pub fn is_fixed(&self) -> bool {
        matches!(self.0.as_ref(), Zone::Fixed(..))
    }

    /// The zone abbreviation and offset east of UTC, in seconds, in effect at the instant `unix`.
    pub fn lookup(&self, unix: i64) -> (String, i32) {
        match self.0.as_ref() {
            Zone::Utc => ("UTC".to_owned(), 0),
            Zone::Fixed(name, offset) => (name.clone(), *offset),
            Zone::Db(_, tz) => {
                let clamped = unix.clamp(jiff::Timestamp::MIN.as_second(), jiff::Timestamp::MAX.as_second());
                let ts = jiff::Timestamp::from_second(clamped).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let info = tz.to_offset_info(ts);
                (info.abbreviation().to_owned(), info.offset().seconds())
            }
        }
    }

    /// The offset of the zone named `abbrev` around `unix`, if the zone uses that name then (Go's `lookupName`).
    pub fn lookup_name(&self, abbrev: &str, unix: i64) -> Option<i32> {
        // Go first tries the zone in effect at unix minus each offset; the zone's own names at
        // that instant and a day either side cover the cases charts meet.
        for probe in [unix, unix - 86_400 * 183, unix + 86_400 * 183] {
            let (name, offset) = self.lookup(probe);
            if name == abbrev {
                let (at, _) = self.lookup(unix - i64::from(offset));
                if at == abbrev {
                    return Some(offset);
                }
            }
        }
        None
    }
}
