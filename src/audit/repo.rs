//! The audit log's table.

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
    pub at: chrono::DateTime<Utc>,
    /// Who, as "Prénom Nom".
    pub actor: Option<String>,
    /// mark, period, coefficient…
    pub entity: String,
    pub entity_id: String,
    /// create, update, delete…
    pub action: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// What the log is filtered on; every part optional.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// One kind of record.
    pub entity: Option<String>,
    /// One person's changes.
    pub actor: Option<i64>,
    /// From this moment.
    pub from: Option<chrono::DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<chrono::DateTime<Utc>>,
}

/// A page of the log, newest first, and the count of lines matching the filter.
pub async fn page(
    db: &crate::db::Pool,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Entry>, i64), sqlx::Error> {
    const WHERE: &str = "($1 IS NULL OR a.entity = $1) AND ($2 IS NULL OR a.actor_user_id = $2) \
         AND ($3 IS NULL OR a.at >= $3) AND ($4 IS NULL OR a.at < $4)";
    // Only constant text is put together here: the filters are bound.
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.at, (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = a.actor_user_id) AS actor, \
         a.entity, a.entity_id, a.action, a.old_value, a.new_value FROM audit_log a \
         WHERE {WHERE} ORDER BY a.id DESC LIMIT $5 OFFSET $6"
    )))
    .bind(f.entity.as_deref())
    .bind(f.actor)
    .bind(f.from)
    .bind(f.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_log a WHERE {WHERE}"
    )))
    .bind(f.entity.as_deref())
    .bind(f.actor)
    .bind(f.from)
    .bind(f.until)
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}

/// The people who appear in the log, by name: (id, "Prénom Nom").
pub async fn actors(db: &crate::db::Pool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.first_name || ' ' || u.last_name FROM users u \
         WHERE EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_user_id = u.id) \
         ORDER BY u.last_name, u.first_name, u.id",
    )
    .fetch_all(db)
    .await
}
