//! SQL of what authors and moderators do to messages once written: corrections, deletions,
//! reports, mutes.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// The author's correction; 0 rows when the message is not theirs or was deleted.
pub async fn edit_message<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    message_id: i64,
    author_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE messages SET body = $1, edited_at = $2 WHERE id = $3 AND author_id = $4 AND deleted_at IS NULL",
    )
    .bind(body)
    .bind(now)
    .bind(message_id)
    .bind(author_id)
    .execute(db)
    .await?
    .rows_affected())
}

/// Hides a message (its text is kept), once.
pub async fn hide_message<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    message_id: i64,
    by_user: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE messages SET deleted_at = $1, deleted_by = $2 WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(now)
    .bind(by_user)
    .bind(message_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn is_reported(db: &Pool, message_id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 FROM message_reports WHERE message_id = $1")
            .bind(message_id)
            .fetch_optional(db)
            .await?
            .is_some(),
    )
}

/// Closes the open reports of a message.
pub async fn resolve_reports(
    db: &Pool,
    message_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE message_reports SET resolved_at = $1 WHERE message_id = $2 AND resolved_at IS NULL",
    )
    .bind(now)
    .bind(message_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a report; a second one by the same person is ignored.
pub async fn insert_report<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    message_id: i64,
    reporter_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO message_reports (message_id, reporter_id, reason, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (message_id, reporter_id) DO NOTHING",
    )
    .bind(message_id)
    .bind(reporter_id)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Mutes `user_id` in a conversation until `until` (a past time lifts it).
pub async fn mute<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    conversation: i64,
    user_id: i64,
    until: DateTime<Utc>,
    by_user: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO conversation_mutes (conversation_id, user_id, until, by_user_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET until = excluded.until, by_user_id = excluded.by_user_id",
    )
    .bind(conversation)
    .bind(user_id)
    .bind(until)
    .bind(by_user)
    .execute(db)
    .await?;
    Ok(())
}

/// A reported message, for the administration.
#[derive(Debug, FromRow)]
pub struct Report {
    pub message_id: i64,
    pub author: String,
    pub body: String,
    pub reporter: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
}

/// The latest reports, newest first.
pub async fn reports(db: &Pool) -> Result<Vec<Report>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id AS message_id, a.first_name || ' ' || a.last_name AS author, m.body, \
           r2.first_name || ' ' || r2.last_name AS reporter, p.reason, p.created_at, (m.deleted_at IS NOT NULL) AS deleted \
         FROM message_reports p JOIN messages m ON m.id = p.message_id JOIN users a ON a.id = m.author_id \
         JOIN users r2 ON r2.id = p.reporter_id ORDER BY p.id DESC LIMIT 200",
    )
    .fetch_all(db)
    .await
}
