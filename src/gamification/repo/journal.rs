//! What the school's journal names of gamification's records.

use crate::db::Pool;

/// (student, points) of an award.
pub async fn award(db: &Pool, id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT student_id, points FROM point_awards WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn badge_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one(db, "SELECT name FROM badges WHERE id = $1", id).await
}

pub async fn challenge_title(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one(db, "SELECT title FROM challenges WHERE id = $1", id).await
}

pub async fn behaviour_label(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one(db, "SELECT label FROM behaviours WHERE id = $1", id).await
}

async fn one(db: &Pool, sql: &'static str, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(sql).bind(id).fetch_optional(db).await?;
    Ok(row.map(|r| r.0))
}
