//! Creating classes, and who teaches what in them.

use crate::db::Pool;

/// A new class of the given year.
#[derive(Clone, Debug)]
pub struct ClassInput {
    /// The school year.
    pub year_id: i64,
    pub level_id: i64,
    /// The série (lycée).
    pub series_id: Option<i64>,
    /// The group ("A", "2").
    pub grp: String,
    /// The full name ("1ère D 2").
    pub name: String,
    pub room: Option<String>,
    pub head_teacher: Option<i64>,
}

/// Inserts a class; returns its id.
pub async fn insert_class(db: &Pool, c: &ClassInput) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room, head_teacher_user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(c.year_id)
    .bind(c.level_id)
    .bind(c.series_id)
    .bind(&c.grp)
    .bind(&c.name)
    .bind(&c.room)
    .bind(c.head_teacher)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Sets a class's room and professeur principal.
pub async fn update_class(
    db: &Pool,
    id: i64,
    room: Option<&str>,
    head: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("UPDATE classes SET room = $1, head_teacher_user_id = $2 WHERE id = $3")
        .bind(room)
        .bind(head)
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// Gives a subject of a class to a teacher (replacing the previous teacher of it).
pub async fn assign(
    db: &Pool,
    class_id: i64,
    subject_id: i64,
    teacher: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) VALUES ($1, $2, $3) \
         ON CONFLICT (class_id, subject_id) DO UPDATE SET teacher_user_id = excluded.teacher_user_id",
    )
    .bind(class_id)
    .bind(subject_id)
    .bind(teacher)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a subject's teacher from a class.
pub async fn unassign(db: &Pool, class_id: i64, subject_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM teaching_assignments WHERE class_id = $1 AND subject_id = $2")
        .bind(class_id)
        .bind(subject_id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}
