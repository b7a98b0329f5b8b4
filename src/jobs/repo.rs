//! SQL of the job runner.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::JobView;
use crate::db::{Db, Pool};

/// Writes a queued job.
pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    kind: &str,
    payload: &str,
    by: Option<i64>,
    now: DateTime<Utc>,
    run_after: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (kind, payload, run_after, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(run_after)
    .bind(by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A job just claimed.
#[derive(Debug, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub kind: String,
    /// Payload (JSON).
    pub payload: String,
    /// Attempts including this one.
    pub attempts: i64,
    pub max_attempts: i64,
    /// Who asked for it.
    pub created_by: Option<i64>,
}

/// Claims the oldest due job (queued and due, or running with a lapsed lease). On
/// PostgreSQL, `SKIP LOCKED` lets several nodes claim different jobs at once; SQLite has a
/// single writer, so the statement is atomic as it is.
pub async fn claim(
    db: &Pool,
    worker: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    #[cfg(feature = "postgres")]
    const PICK: &str = "SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= $2) \
        OR (state = 'running' AND locked_until < $2) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";
    #[cfg(not(feature = "postgres"))]
    const PICK: &str = "SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= $2) \
        OR (state = 'running' AND locked_until < $2) ORDER BY id LIMIT 1";
    sqlx::query_as(crate::sql!(
        "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $3, attempts = attempts + 1 \
         WHERE id = ({PICK}) RETURNING id, kind, payload, attempts, max_attempts, created_by"
    ))
    .bind(worker)
    .bind(now)
    .bind(until)
    .fetch_optional(db)
    .await
}

/// Records progress and renews the lease; returns whether cancellation was asked.
pub async fn report(
    db: &Pool,
    id: i64,
    done: i64,
    total: i64,
    key: &str,
    args: &str,
    until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> = sqlx::query_as(
        "UPDATE jobs SET progress_done = $2, progress_total = $3, message_key = $4, message_args = $5, locked_until = $6 \
         WHERE id = $1 RETURNING cancel_requested",
    )
    .bind(id)
    .bind(done)
    .bind(total)
    .bind(key)
    .bind(args)
    .bind(until)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some_and(|r| r.0))
}

/// Renews the lease, if this worker still holds the job.
pub async fn extend(
    db: &Pool,
    id: i64,
    worker: &str,
    until: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE jobs SET locked_until = $3 WHERE id = $1 AND locked_by = $2 AND state = 'running'",
    )
    .bind(id)
    .bind(worker)
    .bind(until)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Ends a job, if this worker still holds it.
pub async fn finish(
    db: &Pool,
    id: i64,
    worker: &str,
    state: super::JobState,
    result: Option<&str>,
    error: Option<&str>,
    at: chrono::DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE jobs SET state = $3, result = $4, error = $5, finished_at = $6, locked_by = NULL, locked_until = NULL \
         WHERE id = $1 AND locked_by = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(state)
    .bind(result)
    .bind(error)
    .bind(at)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Puts a failed job back in the queue for later.
pub async fn retry(
    db: &Pool,
    id: i64,
    worker: &str,
    at: DateTime<Utc>,
    error: &str,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE jobs SET state = 'queued', run_after = $3, error = $4, locked_by = NULL, locked_until = NULL \
         WHERE id = $1 AND locked_by = $2",
    )
    .bind(id)
    .bind(worker)
    .bind(at)
    .bind(error)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Asks a job to stop: a queued job is cancelled at once, a running one at its next
/// progress report.
pub async fn cancel(db: &Pool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END, cancel_requested = TRUE \
         WHERE id = $1 AND state IN ('queued', 'running')",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// One job for display.
pub async fn view(db: &Pool, id: i64) -> Result<Option<JobView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, state, progress_done, progress_total, message_key, message_args, result, error, attempts, \
         created_by, created_at, cancel_requested FROM jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The latest jobs a user started whose kind begins with `prefix` ("export."), newest first.
pub async fn of_user(
    db: &Pool,
    user_id: i64,
    prefix: &str,
    limit: i64,
) -> Result<Vec<JobView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, state, progress_done, progress_total, message_key, message_args, result, error, attempts, \
         created_by, created_at, cancel_requested FROM jobs WHERE created_by = $1 AND kind LIKE $2 \
         ORDER BY id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(format!("{prefix}%"))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The finished jobs of a kind, oldest first: (id, payload).
pub async fn done_payloads(db: &Pool, kind: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, payload FROM jobs WHERE kind = $1 AND state = 'done' ORDER BY id")
        .bind(kind)
        .fetch_all(db)
        .await
}

/// Jobs of a kind queued or running (a scheduled job is not queued twice).
pub async fn pending_of_kind(db: &Pool, kind: &str) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state IN ('queued', 'running')",
    )
    .bind(kind)
    .fetch_one(db)
    .await?;
    Ok(n)
}
