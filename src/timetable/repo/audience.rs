//! Who hears of a class's timetable.

use sqlx::FromRow;

use crate::db::Db;

/// Someone told about a class's timetable: a student of the class or a guardian of one.
#[derive(Clone, Debug, FromRow)]
pub struct ClassConcerned {
    pub user_id: i64,
    pub student_id: i64,
    pub is_guardian: bool,
}

/// The class's students with an account, and their guardians.
pub async fn class_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    class_id: i64,
) -> Result<Vec<ClassConcerned>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, s.id AS student_id, FALSE AS is_guardian FROM enrollments e \
           JOIN students s ON s.id = e.student_id WHERE e.class_id = $1 AND s.user_id IS NOT NULL AND s.active \
         UNION SELECT g.user_id, s.id, TRUE FROM enrollments e JOIN students s ON s.id = e.student_id \
           JOIN student_guardians g ON g.student_id = s.id WHERE e.class_id = $1 AND s.active",
    )
    .bind(class_id)
    .fetch_all(db)
    .await
}

/// A lesson's class, subject and period start, for a notification.
pub async fn lesson_facts<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.name, j.name FROM timetable_lessons l JOIN classes c ON c.id = l.class_id \
         JOIN subjects j ON j.id = l.subject_id WHERE l.id = $1",
    )
    .bind(lesson_id)
    .fetch_optional(db)
    .await
}

pub async fn period_start<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    ordinal: i64,
) -> Result<String, sqlx::Error> {
    Ok(
        sqlx::query_as::<_, (String,)>(
            "SELECT starts_at FROM timetable_periods WHERE ordinal = $1",
        )
        .bind(ordinal)
        .fetch_optional(db)
        .await?
        .map(|r| r.0)
        .unwrap_or_default(),
    )
}
