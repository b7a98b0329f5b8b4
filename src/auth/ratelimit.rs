//! Login rate limiting, per account and per client address, kept in the database so that it
//! holds across restarts and nodes.

use chrono::Utc;

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
    /// Failures per account within the window.
    pub per_account: i64,
    /// Failures per address within the window.
    pub per_ip: i64,
    /// The window, in seconds.
    pub window: i64,
}

/// Checks both counters. The wait is counted from the oldest failure still in the window.
pub async fn check(
    db: &Pool,
    limits: Limits,
    account: &str,
    ip: &str,
) -> Result<Option<Limited>, sqlx::Error> {
    let now = Utc::now().timestamp();
    for (scope, key, max) in [
        ("account", account, limits.per_account),
        ("ip", ip, limits.per_ip),
    ] {
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE scope = $1 AND key = $2 AND at > $3",
        )
        .bind(scope)
        .bind(key)
        .bind(now - limits.window)
        .fetch_one(db)
        .await?;
        if count >= max {
            let wait = (oldest.unwrap_or(now) + limits.window - now).max(60);
            let minutes = (wait + 59) / 60;
            return Ok(Some(if scope == "account" {
                Limited::Account(minutes)
            } else {
                Limited::Ip(minutes)
            }));
        }
    }
    Ok(None)
}

/// Records a failed attempt against both counters, and forgets failures older than a day.
pub async fn record_failure(db: &Pool, account: &str, ip: &str) -> Result<(), sqlx::Error> {
    let now = Utc::now().timestamp();
    let mut tx = db.begin().await?;
    for (scope, key) in [("account", account), ("ip", ip)] {
        sqlx::query("INSERT INTO login_attempts (scope, key, at) VALUES ($1, $2, $3)")
            .bind(scope)
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(now - 86_400)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Clears an account's failures after a successful login.
pub async fn clear_account(db: &Pool, account: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_attempts WHERE scope = 'account' AND key = $1")
        .bind(account)
        .execute(db)
        .await?;
    Ok(())
}
