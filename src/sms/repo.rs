//! SQL of the SMS outbox.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// Segments queued or sent since `since` (a refused message counts too: the provider
/// charged the attempt, or the school asked for it).
pub async fn segments_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(segments), 0) AS BIGINT) FROM sms_outbox WHERE created_at >= $1",
    )
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// Messages queued for `user` since `since`, reset codes aside.
pub async fn count_to_user_since<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sms_outbox WHERE user_id = $1 AND created_at >= $2 AND purpose <> 'reset'",
    )
    .bind(user)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(n)
}

pub async fn insert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: Option<i64>,
    to: &str,
    body: &str,
    segments: i64,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sms_outbox (user_id, to_phone, body, segments, purpose, created_at, next_try_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(user)
    .bind(to)
    .bind(body)
    .bind(segments)
    .bind(purpose)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// A message of the outbox.
#[derive(Clone, Debug, FromRow)]
pub struct Pending {
    pub id: i64,
    pub user_id: Option<i64>,
    pub to_phone: String,
    pub body: String,
    pub purpose: String,
    pub attempts: i64,
}

/// Messages due for sending, oldest first; reset codes before anything else.
pub async fn due(db: &Pool, now: DateTime<Utc>, limit: i64) -> Result<Vec<Pending>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, to_phone, body, purpose, attempts FROM sms_outbox \
         WHERE sent_at IS NULL AND next_try_at <= $1 \
         ORDER BY CASE WHEN purpose = 'reset' THEN 0 ELSE 1 END, next_try_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn set_student<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    student: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sms_outbox SET student_id = $1 WHERE id = $2")
        .bind(student)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// When each of these students' families was last sent a fees reminder, since `since`.
pub async fn last_reminders(
    db: &Pool,
    since: DateTime<Utc>,
) -> Result<std::collections::HashMap<i64, DateTime<Utc>>, sqlx::Error> {
    let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT student_id, MAX(created_at) FROM sms_outbox \
         WHERE purpose = 'reminder' AND student_id IS NOT NULL AND created_at >= $1 GROUP BY student_id",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().collect())
}

pub async fn set_reference(db: &Pool, id: i64, reference: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sms_outbox SET provider_ref = $1 WHERE id = $2")
        .bind(reference)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A message as the administration's page lists it.
#[derive(Clone, Debug, FromRow)]
pub struct Logged {
    pub id: i64,
    pub to_phone: String,
    pub name: Option<String>,
    pub body: String,
    pub segments: i64,
    pub purpose: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

impl Logged {
    /// Sent, waiting, or given up (kept with its error, no longer tried).
    pub fn state_key(&self) -> &'static str {
        if self.sent_at.is_some() {
            "sms-state-sent"
        } else if self.attempts >= crate::notifications::outbox::MAX_ATTEMPTS {
            "sms-state-failed"
        } else {
            "sms-state-waiting"
        }
    }
}

/// The latest messages; a reset code's text is never shown (it would let whoever reads
/// the page use it).
pub async fn latest(db: &Pool, limit: i64) -> Result<Vec<Logged>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.to_phone, u.first_name || ' ' || u.last_name AS name, \
           CASE WHEN o.purpose = 'reset' THEN '' ELSE o.body END AS body, o.segments, o.purpose, \
           o.created_at, o.sent_at, o.attempts, o.last_error \
         FROM sms_outbox o LEFT JOIN users u ON u.id = o.user_id ORDER BY o.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await
}
