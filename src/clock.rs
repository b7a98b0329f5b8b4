//! The school's clock. Everything that asks "what time is it?" asks the [`Clock`] in the
//! application state, never the system directly: the tests start it on a fixed school day
//! (so that a rule about "this week" gives the same answer on a Sunday in December and on a
//! Wednesday in March), and move it forward when they need a deadline to pass.
//!
//! Time still flows from the chosen start, at the system's pace: leases, retries and
//! windows measured in seconds behave as they do in production.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A clock that runs at the system's pace from a chosen start (the system time by default).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Microseconds added to the system time.
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        let c = Clock::default();
        c.set(at);
        c
    }

    /// Moves the clock so that it reads `at` now.
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = (at - Utc::now()).num_microseconds().unwrap_or(0);
        self.offset.store(offset, Ordering::Relaxed);
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        self.offset
            .fetch_add(by.num_microseconds().unwrap_or(0), Ordering::Relaxed);
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::microseconds(self.offset.load(Ordering::Relaxed))
    }

    /// The day it is at the school. Lomé is on UTC all year, without summer time.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The outside world's time, for exchanges whose other side checks it with its own clock:
/// the timestamp of a provider's signed webhook, the expiry of a push service's token.
/// Never for the school's calendar, which is [`Clock`]'s.
pub fn wall() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_started_on_a_day_reads_that_day_and_runs_on() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 18)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc();
        let c = Clock::starting_at(start);
        let read = c.now();
        assert!(read >= start && read - start < Duration::seconds(5));
        assert_eq!(c.today(), start.date_naive());
        let copy = c.clone();
        c.advance(Duration::days(2));
        assert_eq!(copy.today(), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        assert!((Clock::system().now() - Utc::now()).num_seconds().abs() < 5);
    }
}
