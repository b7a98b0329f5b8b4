//! Calendar feeds: their tokens' hashes, revocation, last reading.

use chrono::{DateTime, Utc};

use crate::db::{Db, Pool};

/// Starts a feed, ending the owner's earlier ones for the same week.
pub async fn insert_feed<'e>(
    tx: &mut sqlx::Transaction<'e, Db>,
    user_id: i64,
    student_id: Option<i64>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    revoke_feeds(&mut **tx, user_id, student_id, now).await?;
    sqlx::query("INSERT INTO calendar_feeds (user_id, student_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(student_id)
        .bind(token_hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn revoke_feeds<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user_id: i64,
    student_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE calendar_feeds SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL \
         AND ((student_id IS NULL AND $3 IS NULL) OR student_id = $3)",
    )
    .bind(now)
    .bind(user_id)
    .bind(student_id)
    .execute(db)
    .await?
    .rows_affected())
}

/// A feed that works: (id, owner, student).
pub async fn live_feed(
    db: &Pool,
    token_hash: &str,
) -> Result<Option<(i64, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.user_id, f.student_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
         WHERE f.token_hash = $1 AND f.revoked_at IS NULL AND u.active",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// When the owner's feed was last read, if they have one working.
pub async fn feed_status(
    db: &Pool,
    user_id: i64,
    student_id: Option<i64>,
) -> Result<Option<(DateTime<Utc>, Option<DateTime<Utc>>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT created_at, last_used_at FROM calendar_feeds WHERE user_id = $1 AND revoked_at IS NULL \
         AND ((student_id IS NULL AND $2 IS NULL) OR student_id = $2) ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(student_id)
    .fetch_optional(db)
    .await
}

pub async fn touch_feed(db: &Pool, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE calendar_feeds SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The current school year's first and last days.
pub async fn year_span(
    db: &Pool,
    year_id: i64,
) -> Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>, sqlx::Error> {
    sqlx::query_as("SELECT starts_on, ends_on FROM school_years WHERE id = $1")
        .bind(year_id)
        .fetch_optional(db)
        .await
}
