//! The audit log: who created, changed or deleted a mark, an absence, a fee or a payment,
//! when, and the old and new values. Written in the same transaction as the change.

use chrono::Utc;

use crate::db::Db;

/// Records one change.
#[allow(clippy::too_many_arguments)]
pub async fn record<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    actor: Option<i64>,
    entity: &str,
    entity_id: &str,
    action: &str,
    old: Option<&str>,
    new: Option<&str>,
    at: chrono::DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, entity, entity_id, action, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(actor)
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(old)
    .bind(new)
    .execute(db)
    .await?;
    Ok(())
}

/// One line of the log as the director reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    /// When.
    pub at: chrono::DateTime<Utc>,
    /// Who, as "Prénom Nom".
    pub actor: Option<String>,
    /// mark, period, coefficient…
    pub entity: String,
    /// Which one.
    pub entity_id: String,
    /// create, update, delete…
    pub action: String,
    /// Before.
    pub old_value: Option<String>,
    /// After.
    pub new_value: Option<String>,
}

/// A page of the log, newest first, optionally for one kind of record.
pub async fn page(
    db: &crate::db::Pool,
    entity: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Entry>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT a.at, (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = a.actor_user_id) AS actor, \
         a.entity, a.entity_id, a.action, a.old_value, a.new_value FROM audit_log a \
         WHERE ($1 IS NULL OR a.entity = $1) ORDER BY a.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(entity)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE ($1 IS NULL OR entity = $1)")
            .bind(entity)
            .fetch_one(db)
            .await?;
    Ok((rows, total))
}

/// The kinds of records the log filters on.
pub const ENTITIES: [&str; 6] = ["mark", "absence", "period", "coefficient", "fee", "payment"];
