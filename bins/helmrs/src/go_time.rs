//! Go's time layouts that Helm prints: `time.ANSIC` and `2006-01-02 15:04:05.999999999 -0700 MST`.

use release_storage::Time;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

struct Civil {
    year: i64,
    month: usize,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    weekday: usize,
}

fn civil(t: &Time) -> Civil {
    let local = t.unix() + i64::from(t.offset_seconds());
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month: usize::try_from(month - 1).unwrap_or(0),
        day,
        hour: secs / 3600,
        minute: secs % 3600 / 60,
        second: secs % 60,
        weekday: usize::try_from(days.rem_euclid(7)).unwrap_or(0),
    }
}

fn zone(t: &Time) -> (String, String) {
    let off = t.offset_seconds();
    let sign = if off < 0 { '-' } else { '+' };
    let abs = off.unsigned_abs();
    let numeric = format!("{sign}{:02}{:02}", abs / 3600, abs % 3600 / 60);
    let name = if off == 0 { "UTC".to_owned() } else { numeric.clone() };
    (numeric, name)
}

/// `time.ANSIC`: `Mon Jan _2 15:04:05 2006`.
pub fn ansic(t: &Time) -> String {
    let c = civil(t);
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        DAYS[c.weekday], MONTHS[c.month], c.day, c.hour, c.minute, c.second, c.year
    )
}

/// Helm list's `2006-01-02 15:04:05.999999999 -0700 MST` (trailing zeros of the fraction dropped).
pub fn list_time(t: &Time) -> String {
    let c = civil(t);
    let mut fraction = format!("{:09}", t.nanos());
    while fraction.ends_with('0') {
        fraction.pop();
    }
    let fraction = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    let (numeric, name) = zone(t);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}{fraction} {numeric} {name}",
        c.year,
        c.month + 1,
        c.day,
        c.hour,
        c.minute,
        c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let t = Time::from_unix(1_796_081_969, 992_370_886, 0);
        assert_eq!(ansic(&t), "Mon Nov 30 23:39:29 2026");
        assert_eq!(list_time(&t), "2026-11-30 23:39:29.992370886 +0000 UTC");
        let t = Time::from_unix(0, 500_000_000, 0);
        assert_eq!(list_time(&t), "1970-01-01 00:00:00.5 +0000 UTC");
        assert_eq!(ansic(&t), "Thu Jan  1 00:00:00 1970");
    }
}
