//! Parallel groups: courses (a class's subject) whose lessons start together.

use chrono::{DateTime, Utc};

use crate::db::{Db, Pool};

/// A member of a group: a class's subject.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ParallelRow {
    pub group_id: i64,
    pub class_id: i64,
    pub subject_id: i64,
}

pub async fn parallel(db: &Pool) -> Result<Vec<ParallelRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT group_id, class_id, subject_id FROM timetable_parallel_members \
         ORDER BY group_id, class_id, subject_id",
    )
    .fetch_all(db)
    .await
}

/// A new group of courses (class, subject).
pub async fn insert_parallel(
    tx: &mut sqlx::Transaction<'_, Db>,
    members: &[(i64, i64)],
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO timetable_parallel_groups (created_at) VALUES ($1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for &(class_id, subject_id) in members {
        sqlx::query(
            "INSERT INTO timetable_parallel_members (group_id, class_id, subject_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(class_id)
        .bind(subject_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

pub async fn delete_parallel(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM timetable_parallel_groups WHERE id = $1")
            .bind(id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
