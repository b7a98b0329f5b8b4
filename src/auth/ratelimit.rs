//! Login rate limiting, kept in the database so that it holds across restarts and nodes.
//!
//! Failures are counted three ways within a sliding window: for one account from one
//! address (the usual guesser), for one account from every address (guessing spread over
//! many), and from one address over every account (a high limit: a whole school may reach
//! the portal through one address, and must not lock itself out).
//!
//! An attempt is *reserved* before its password is checked, in one transaction with the
//! count: however many attempts arrive at once, no more than the limit get to the password
//! check (checking, then hashing, then counting let twenty through). A refused attempt
//! leaves nothing; a successful one takes its rows back and clears the account's failures;
//! a failed one leaves them, as the failure's record.

use chrono::{DateTime, Utc};

use super::repo;
use crate::db::Pool;

/// Why a login attempt is refused before the password is even checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Too many failures for this account; retry after this many minutes.
    Account(i64),
    /// Too many failures from this address; retry after this many minutes.
    Ip(i64),
}

/// The limits in force.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Failures for one account from one address.
    pub per_pair: i64,
    /// Failures for one account from every address.
    pub per_account: i64,
    /// Failures from one address, every account together.
    pub per_ip: i64,
    /// The window, in seconds.
    pub window: i64,
}

/// An attempt that may go on to the password check.
#[derive(Debug)]
#[must_use = "an attempt ends as a success or a failure"]
pub struct Reservation {
    ids: Vec<i64>,
    account: String,
    pair: String,
}

fn pair_key(account: &str, ip: &str) -> String {
    format!("{ip} {account}")
}

/// Reserves an attempt for `account` from `ip`, or says why it must wait. The attempt's
/// rows are written and counted in one transaction that holds the counters' keys (SQLite's
/// single writer; on PostgreSQL a transaction lock per key, taken in one order): attempts
/// for the same keys queue there, so the count each sees is exact.
pub async fn reserve(
    db: &Pool,
    limits: Limits,
    account: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Result<Reservation, Limited>, sqlx::Error> {
    let now = now.timestamp();
    let pair = pair_key(account, ip);
    let scopes = [
        ("pair", pair.as_str(), limits.per_pair),
        ("account", account, limits.per_account),
        ("ip", ip, limits.per_ip),
    ];
    let mut tx = crate::db::begin_write(db).await?;
    let mut keys: Vec<String> = scopes.iter().map(|(s, k, _)| format!("{s} {k}")).collect();
    keys.sort();
    repo::lock_attempt_keys(&mut tx, &keys).await?;
    let mut ids = Vec::with_capacity(3);
    for (scope, key, max) in scopes {
        ids.push(repo::insert_attempt(&mut *tx, scope, key, now).await?);
        let (count, oldest) =
            repo::attempts_since(&mut *tx, scope, key, now - limits.window).await?;
        if count > max {
            tx.rollback().await?;
            let wait = (oldest.unwrap_or(now) + limits.window - now).max(60);
            let minutes = (wait + 59) / 60;
            return Ok(Err(if scope == "ip" {
                Limited::Ip(minutes)
            } else {
                Limited::Account(minutes)
            }));
        }
    }
    repo::forget_attempts_before(&mut *tx, now - 86_400).await?;
    tx.commit().await?;
    Ok(Ok(Reservation {
        ids,
        account: account.to_string(),
        pair,
    }))
}

impl Reservation {
    /// The password was right: the attempt is not a failure, and the account's past
    /// failures are forgiven (the address's are not: they may be another account's).
    pub async fn succeeded(self, db: &Pool) -> Result<(), sqlx::Error> {
        let mut tx = crate::db::begin_write(db).await?;
        for id in &self.ids {
            repo::forget_attempt(&mut *tx, *id).await?;
        }
        repo::forgive_account(&mut *tx, &self.account, &self.pair).await?;
        tx.commit().await
    }

    /// The password was wrong: the reservation stays, as the failure's record.
    pub fn failed(self) {}
}
