//! The audit log: who created, changed or deleted a mark, an absence, a fee or a payment,
//! when, and the old and new values. Written in the same transaction as the change.

use chrono::Utc;

use crate::db::Db;

/// Records one change.
pub async fn record<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    actor: Option<i64>,
    entity: &str,
    entity_id: &str,
    action: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, entity, entity_id, action, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Utc::now())
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
