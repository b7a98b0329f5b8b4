//! SQL of the cahier de textes: lessons and homework.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

/// A lesson as the log lists it, with the homework given in it, if any.
#[derive(Clone, Debug, FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub class_id: i64,
    pub subject_id: i64,
    pub teacher_user_id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub content: String,
    pub subject: String,
    pub teacher: String,
    pub due_on: Option<NaiveDate>,
    pub instructions: Option<String>,
}

const LESSON: &str = "SELECT l.id, l.class_id, l.subject_id, l.teacher_user_id, l.held_on, l.title, l.content, \
     j.name AS subject, u.first_name || ' ' || u.last_name AS teacher, h.due_on, h.instructions \
     FROM lessons l JOIN subjects j ON j.id = l.subject_id JOIN users u ON u.id = l.teacher_user_id \
     LEFT JOIN homework h ON h.lesson_id = l.id";

/// The lessons of a class in a subject, the latest first.
pub async fn of_class_subject(
    db: &Pool,
    class_id: i64,
    subject_id: i64,
    limit: i64,
) -> Result<Vec<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.class_id = $1 AND l.subject_id = $2 ORDER BY l.held_on DESC, l.id DESC LIMIT $3"
    ))
    .bind(class_id)
    .bind(subject_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The lessons of a class in every subject between two days, the latest first.
pub async fn of_class(
    db: &Pool,
    class_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.class_id = $1 AND l.held_on BETWEEN $2 AND $3 ORDER BY l.held_on DESC, l.id DESC"
    ))
    .bind(class_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

pub async fn lesson(db: &Pool, id: i64) -> Result<Option<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{LESSON} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A lesson to write, with its homework.
#[derive(Clone, Debug)]
pub struct NewLesson {
    pub class_id: i64,
    pub subject_id: i64,
    pub teacher_user_id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub content: String,
    /// The day it is due and what to do.
    pub homework: Option<(NaiveDate, String)>,
}

pub async fn insert(
    tx: &mut crate::db::Tx<'_>,
    l: &NewLesson,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO lessons (class_id, subject_id, teacher_user_id, held_on, title, content, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(l.class_id)
    .bind(l.subject_id)
    .bind(l.teacher_user_id)
    .bind(l.held_on)
    .bind(&l.title)
    .bind(&l.content)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    set_homework(tx, id, l, now).await?;
    Ok(id)
}

/// Rewrites a lesson and its homework (the class, subject and teacher stay).
pub async fn update(
    tx: &mut crate::db::Tx<'_>,
    id: i64,
    l: &NewLesson,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE lessons SET held_on = $1, title = $2, content = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(l.held_on)
    .bind(&l.title)
    .bind(&l.content)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    set_homework(tx, id, l, now).await
}

async fn set_homework(
    tx: &mut crate::db::Tx<'_>,
    lesson: i64,
    l: &NewLesson,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM homework WHERE lesson_id = $1")
        .bind(lesson)
        .execute(&mut **tx)
        .await?;
    if let Some((due_on, instructions)) = &l.homework {
        sqlx::query(
            "INSERT INTO homework (lesson_id, class_id, subject_id, teacher_user_id, given_on, due_on, instructions, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(lesson)
        .bind(l.class_id)
        .bind(l.subject_id)
        .bind(l.teacher_user_id)
        .bind(l.held_on)
        .bind(due_on)
        .bind(instructions)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Removes a lesson and its homework.
pub async fn delete<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM lessons WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

/// Homework due in a class between two days.
#[derive(Clone, Debug, FromRow)]
pub struct DueRow {
    pub id: i64,
    pub lesson_id: Option<i64>,
    pub given_on: NaiveDate,
    pub due_on: NaiveDate,
    pub instructions: String,
    pub subject: String,
    pub teacher: String,
}

pub async fn due(
    db: &Pool,
    class_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DueRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT h.id, h.lesson_id, h.given_on, h.due_on, h.instructions, j.name AS subject, \
           u.first_name || ' ' || u.last_name AS teacher \
         FROM homework h JOIN subjects j ON j.id = h.subject_id JOIN users u ON u.id = h.teacher_user_id \
         WHERE h.class_id = $1 AND h.due_on BETWEEN $2 AND $3 ORDER BY h.due_on, j.name, h.id",
    )
    .bind(class_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// The other classes of the same level, this year, where `teacher` teaches `subject`: where
/// a lesson may be copied.
pub async fn sister_classes(
    db: &Pool,
    class_id: i64,
    subject_id: i64,
    teacher: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name FROM classes c JOIN classes me ON me.id = $1 \
         JOIN teaching_assignments t ON t.class_id = c.id AND t.subject_id = $2 AND t.teacher_user_id = $3 \
         WHERE c.level_id = me.level_id AND c.school_year_id = me.school_year_id AND c.id <> me.id \
         ORDER BY c.name",
    )
    .bind(class_id)
    .bind(subject_id)
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// Where a class's log stands in one subject: its last lesson and how many in a window.
#[derive(Clone, Debug, FromRow)]
pub struct LogStatus {
    pub class_id: i64,
    pub class_name: String,
    pub subject_id: i64,
    pub subject: String,
    pub teacher: String,
    pub last_on: Option<NaiveDate>,
    /// Lessons logged since the window's first day.
    pub recent: i64,
}

/// Every teaching assignment of the current year with where its log stands, the lessons
/// counted from `since`.
pub async fn log_status(db: &Pool, since: NaiveDate) -> Result<Vec<LogStatus>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id AS class_id, c.name AS class_name, j.id AS subject_id, j.name AS subject, \
           u.first_name || ' ' || u.last_name AS teacher, \
           (SELECT MAX(l.held_on) FROM lessons l WHERE l.class_id = c.id AND l.subject_id = j.id) AS last_on, \
           (SELECT COUNT(*) FROM lessons l WHERE l.class_id = c.id AND l.subject_id = j.id AND l.held_on >= $1) AS recent \
         FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN subjects j ON j.id = t.subject_id JOIN users u ON u.id = t.teacher_user_id \
         JOIN levels lv ON lv.id = c.level_id \
         ORDER BY lv.ordinal, c.name, j.name",
    )
    .bind(since)
    .fetch_all(db)
    .await
}
