//! Schedules: cron patterns (minute, hour, day of month, month, day of week) read in the
//! school's time, Africa/Lome, which is UTC all year. "30 7 * * 1-5" is every weekday at
//! 07:30; "0 7 1 * *" the 1st of each month at 07:00.

use std::str::FromStr as _;

use chrono::{DateTime, Duration, Utc};
use croner::Cron;

/// The longest pattern taken.
const MAX_LEN: usize = 100;

/// Reads a pattern; the catalog key of the problem otherwise.
pub fn parse(pattern: &str) -> Result<Cron, &'static str> {
    let p = pattern.trim();
    if p.is_empty() || p.len() > MAX_LEN {
        return Err("wf-error-schedule");
    }
    // Five fields: no seconds, no years.
    if p.split_whitespace().count() != 5 {
        return Err("wf-error-schedule");
    }
    Cron::from_str(p).map_err(|_| "wf-error-schedule")
}

/// The latest occurrence in (from, to], if any. After a long stop only the latest one
/// fires: a school does not want a week of morning reminders at once.
pub fn latest_in(cron: &Cron, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if to <= from {
        return None;
    }
    let last = cron.find_previous_occurrence(&to, true).ok()?;
    (last > from).then_some(last)
}

/// The next `n` occurrences after `from` (for the editor).
pub fn upcoming(cron: &Cron, from: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
    let mut out = Vec::with_capacity(n);
    let mut at = from;
    while out.len() < n {
        match cron.find_next_occurrence(&at, false) {
            Ok(next) => {
                out.push(next);
                at = next + Duration::seconds(1);
            }
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    #[test]
    fn weekday_mornings_fire_at_their_minute() {
        let c = parse("30 7 * * 1-5").unwrap();
        // Wednesday 2 December 2026.
        assert_eq!(latest_in(&c, at(2, 7, 0), at(2, 7, 29)), None);
        assert_eq!(
            latest_in(&c, at(2, 7, 29), at(2, 7, 31)),
            Some(at(2, 7, 30))
        );
        assert_eq!(latest_in(&c, at(2, 7, 30), at(2, 7, 40)), None, "once");
        // Saturday 5 and Sunday 6: nothing; Monday 7 again.
        assert_eq!(latest_in(&c, at(5, 0, 0), at(6, 23, 0)), None);
        assert_eq!(
            upcoming(&c, at(4, 8, 0), 2),
            vec![at(7, 7, 30), at(8, 7, 30)]
        );
    }

    #[test]
    fn patterns_are_checked() {
        assert!(parse("").is_err());
        assert!(parse("* * *").is_err());
        assert!(parse("0 30 7 * * 1-5").is_err(), "no seconds");
        assert!(parse("61 7 * * *").is_err());
        assert!(parse("0 7 1 * *").is_ok());
    }
}
