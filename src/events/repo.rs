//! The outbox's tables: school_events, event_deliveries and event_cursors.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool, Tx};

/// An outbox row as stored.
#[derive(Clone, Debug, FromRow)]
pub struct Row {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub actor_user_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
}

pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    kind: &str,
    payload: &str,
    actor: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_events (kind, payload, actor_user_id, occurred_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(actor)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Up to `batch` events after `watermark` that `subscriber` has not been handed, oldest first.
pub async fn pending(
    db: &Pool,
    watermark: i64,
    subscriber: &str,
    batch: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.id, e.kind, e.payload, e.actor_user_id, e.occurred_at FROM school_events e \
         WHERE e.id > $1 AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.subscriber = $2 AND d.event_id = e.id) \
         ORDER BY e.id LIMIT $3",
    )
    .bind(watermark)
    .bind(subscriber)
    .bind(batch)
    .fetch_all(db)
    .await
}

/// Records the delivery of `event` to `subscriber`; false if another dispatcher has it.
pub async fn claim(
    tx: &mut Tx<'_>,
    subscriber: &str,
    event: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO event_deliveries (subscriber, event_id, delivered_at) VALUES ($1, $2, $3) \
         ON CONFLICT (subscriber, event_id) DO NOTHING",
    )
    .bind(subscriber)
    .bind(event)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(claimed > 0)
}

/// Gives `subscriber` a cursor at the latest event, unless it has one.
/// (`WHERE TRUE` lets SQLite tell the upsert clause from a join of the SELECT.)
pub async fn start_cursor(db: &Pool, subscriber: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO event_cursors (subscriber, watermark) \
         SELECT $1, COALESCE(MAX(id), 0) FROM school_events WHERE TRUE \
         ON CONFLICT (subscriber) DO NOTHING",
    )
    .bind(subscriber)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn watermark(db: &Pool, subscriber: &str) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT watermark FROM event_cursors WHERE subscriber = $1")
            .bind(subscriber)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0).unwrap_or(0))
}

/// The first event after `current` that `subscriber` has not been handed, or that occurred
/// after `settled`.
pub async fn first_unsettled(
    db: &Pool,
    current: i64,
    settled: DateTime<Utc>,
    subscriber: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT e.id FROM school_events e WHERE e.id > $1 AND (e.occurred_at > $2 OR NOT EXISTS \
         (SELECT 1 FROM event_deliveries d WHERE d.subscriber = $3 AND d.event_id = e.id)) ORDER BY e.id LIMIT 1",
    )
    .bind(current)
    .bind(settled)
    .bind(subscriber)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

pub async fn last_id(db: &Pool) -> Result<Option<i64>, sqlx::Error> {
    let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM school_events")
        .fetch_one(db)
        .await?;
    Ok(max)
}

/// Moves the cursor of `subscriber` to `mark` and forgets the deliveries up to it.
pub async fn move_cursor(tx: &mut Tx<'_>, subscriber: &str, mark: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO event_cursors (subscriber, watermark) VALUES ($1, $2) \
         ON CONFLICT (subscriber) DO UPDATE SET watermark = excluded.watermark",
    )
    .bind(subscriber)
    .bind(mark)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM event_deliveries WHERE subscriber = $1 AND event_id <= $2")
        .bind(subscriber)
        .bind(mark)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One event.
pub async fn row(db: &Pool, id: i64) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, payload, actor_user_id, occurred_at FROM school_events WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The latest events of a kind still kept: (id, when).
pub async fn recent_of_kind(
    db: &Pool,
    kind: &str,
    limit: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, occurred_at FROM school_events WHERE kind = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(kind)
    .bind(limit)
    .fetch_all(db)
    .await
}
