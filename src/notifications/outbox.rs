//! What the e-mail and push outboxes share: rows are claimed before they are sent (another
//! node looking at the same moment skips them, and a crash between the send and its record
//! only delays a retry), failures back off, and a row that keeps failing is kept, with its
//! last error, but no longer tried.

use chrono::{DateTime, Duration, Utc};

use super::repo;
use crate::db::Pool;

/// After this many failures a row is no longer tried (about three days of backoff).
pub const MAX_ATTEMPTS: i64 = 20;

/// The wait before attempt `n + 1`: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> Duration {
    Duration::minutes((1i64 << attempts.clamp(0, 20)).min(360))
}

/// One of the outbox tables (the name is never user input).
#[derive(Clone, Copy, Debug)]
pub struct Outbox(pub &'static str);

impl Outbox {
    /// Claims a due row for five minutes; false when another sender has it or it was sent.
    pub async fn claim(self, db: &Pool, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
        repo::claim(db, self.0, id, now + Duration::minutes(5), now).await
    }

    /// Records a successful send.
    pub async fn sent(self, db: &Pool, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
        repo::sent(db, self.0, id, now).await
    }

    /// Puts a row off until `next`, with its attempts and (if any) the error of this one.
    pub async fn postpone(
        self,
        db: &Pool,
        id: i64,
        attempts: i64,
        next: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<(), sqlx::Error> {
        repo::postpone(db, self.0, id, attempts, next, error).await
    }

    /// A failed attempt: tried again after the backoff.
    pub async fn failed(
        self,
        db: &Pool,
        id: i64,
        attempts: i64,
        error: String,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let next = now + backoff(attempts);
        self.postpone(db, id, attempts + 1, next, Some(error)).await
    }

    /// Takes a due row for sending: claimed, still worth trying, and its reader not in
    /// quiet hours (then it waits ten minutes). False: leave it.
    pub async fn take(
        self,
        db: &Pool,
        id: i64,
        attempts: i64,
        user: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, sqlx::Error> {
        if !self.claim(db, id, now).await? {
            return Ok(false);
        }
        if attempts >= MAX_ATTEMPTS {
            self.give_up(db, id, None, now).await?;
            return Ok(false);
        }
        if super::quiet_now(db, user, now).await?.is_some() {
            self.postpone(db, id, attempts, now + Duration::minutes(10), None)
                .await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Kept for the administration to see, never tried again.
    pub async fn give_up(
        self,
        db: &Pool,
        id: i64,
        error: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let never = now + Duration::days(3650);
        self.postpone(db, id, MAX_ATTEMPTS, never, error).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(super::backoff(0).num_minutes(), 1);
        assert_eq!(super::backoff(3).num_minutes(), 8);
        assert_eq!(super::backoff(30).num_minutes(), 360);
    }
}
