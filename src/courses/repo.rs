//! SQL of online courses: courses, their modules and lessons, and students' progress.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool, Tx};

/// A course, with its class and subject names.
#[derive(Clone, Debug, FromRow)]
pub struct CourseRow {
    pub id: i64,
    pub class_id: i64,
    pub subject_id: i64,
    pub title: String,
    pub summary: String,
    pub class_name: String,
    pub subject: String,
}

const COURSE: &str = "SELECT c.id, c.class_id, c.subject_id, c.title, c.summary, k.name AS class_name, s.name AS subject \
     FROM courses c JOIN classes k ON k.id = c.class_id JOIN subjects s ON s.id = c.subject_id";

#[derive(Clone, Debug, FromRow)]
pub struct ModuleRow {
    pub id: i64,
    pub course_id: i64,
    pub position: i64,
    pub title: String,
    pub published: bool,
    pub available_from: Option<NaiveDate>,
}

const MODULE: &str =
    "SELECT id, course_id, position, title, published, available_from FROM course_modules";

#[derive(Clone, Debug, FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub module_id: i64,
    pub position: i64,
    pub title: String,
    pub body: String,
    pub published: bool,
    pub available_from: Option<NaiveDate>,
    pub prerequisite_id: Option<i64>,
}

const LESSON: &str = "SELECT l.id, l.module_id, l.position, l.title, l.body, l.published, l.available_from, l.prerequisite_id \
     FROM course_lessons l";

pub async fn course(db: &Pool, id: i64) -> Result<Option<CourseRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{COURSE} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The courses of a class, by subject.
pub async fn of_class(db: &Pool, class_id: i64) -> Result<Vec<CourseRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{COURSE} WHERE c.class_id = $1 ORDER BY s.name, c.title, c.id"
    ))
    .bind(class_id)
    .fetch_all(db)
    .await
}

/// The courses of the subjects a teacher teaches this year, by class then subject.
pub async fn of_teacher(db: &Pool, teacher: i64) -> Result<Vec<CourseRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{COURSE} JOIN teaching_assignments t ON t.class_id = c.class_id AND t.subject_id = c.subject_id \
         JOIN levels l ON l.id = k.level_id JOIN school_years y ON y.id = k.school_year_id \
         WHERE t.teacher_user_id = $1 AND y.current = TRUE ORDER BY l.ordinal, k.name, s.name, c.id"
    ))
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// The class × subject pairs a teacher teaches this year: (class id, class, subject id,
/// subject), in level order.
pub async fn teachings(
    db: &Pool,
    teacher: i64,
) -> Result<Vec<(i64, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, s.id, s.name FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN subjects s ON s.id = t.subject_id JOIN levels l ON l.id = c.level_id \
         JOIN school_years y ON y.id = c.school_year_id \
         WHERE t.teacher_user_id = $1 AND y.current = TRUE ORDER BY l.ordinal, c.name, s.name",
    )
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// The classes, of any year not past, where the teacher teaches `subject`, except
/// `except`: where a course may be copied. (id, name and year.)
pub async fn copy_targets(
    db: &Pool,
    teacher: i64,
    subject: i64,
    except: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, y.label FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN levels l ON l.id = c.level_id JOIN school_years y ON y.id = c.school_year_id \
         JOIN school_years cur ON cur.current = TRUE \
         WHERE t.teacher_user_id = $1 AND t.subject_id = $2 AND c.id <> $3 AND y.starts_on >= cur.starts_on \
         ORDER BY y.starts_on, l.ordinal, c.name",
    )
    .bind(teacher)
    .bind(subject)
    .bind(except)
    .fetch_all(db)
    .await
}

pub async fn insert_course(
    tx: &mut Tx<'_>,
    class_id: i64,
    subject_id: i64,
    title: &str,
    summary: &str,
    by: i64,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO courses (class_id, subject_id, title, summary, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(class_id)
    .bind(subject_id)
    .bind(title)
    .bind(summary)
    .bind(by)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn update_course(
    db: &Pool,
    id: i64,
    title: &str,
    summary: &str,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE courses SET title = $2, summary = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(title)
            .bind(summary)
            .bind(at)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Removes a course with its modules, lessons and progress.
pub async fn delete_course(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM courses WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

// ---------------------------------------------------------------- modules

pub async fn modules(db: &Pool, course_id: i64) -> Result<Vec<ModuleRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{MODULE} WHERE course_id = $1 ORDER BY position, id"
    ))
    .bind(course_id)
    .fetch_all(db)
    .await
}

pub async fn module(db: &Pool, id: i64) -> Result<Option<ModuleRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{MODULE} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Adds a module at the end of a course.
pub async fn insert_module<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    course_id: i64,
    title: &str,
    published: bool,
    available_from: Option<NaiveDate>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO course_modules (course_id, position, title, published, available_from) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM course_modules WHERE course_id = $1), $2, $3, $4) \
         RETURNING id",
    )
    .bind(course_id)
    .bind(title)
    .bind(published)
    .bind(available_from)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn update_module(
    db: &Pool,
    id: i64,
    title: &str,
    published: bool,
    available_from: Option<NaiveDate>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE course_modules SET title = $2, published = $3, available_from = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(title)
    .bind(published)
    .bind(available_from)
    .execute(db)
    .await?
    .rows_affected())
}

pub async fn delete_module(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM course_modules WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

/// Swaps a row of `table` (modules or lessons) with its neighbour before (`up`) or after it
/// among the rows sharing its `parent` column; false when it is already first or last.
async fn swap(
    db: &Pool,
    table: &'static str,
    parent: &'static str,
    id: i64,
    up: bool,
) -> Result<bool, sqlx::Error> {
    let (cmp, order) = if up { ("<", "DESC") } else { (">", "ASC") };
    let mut tx = crate::db::begin_write(db).await?;
    let me: Option<(i64, i64)> = sqlx::query_as(crate::sql!(
        "SELECT {parent}, position FROM {table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((owner, position)) = me else {
        return Ok(false);
    };
    let other: Option<(i64, i64)> = sqlx::query_as(crate::sql!(
        "SELECT id, position FROM {table} WHERE {parent} = $1 AND position {cmp} $2 \
         ORDER BY position {order} LIMIT 1"
    ))
    .bind(owner)
    .bind(position)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((other_id, other_position)) = other else {
        return Ok(false);
    };
    for (row, pos) in [(id, other_position), (other_id, position)] {
        sqlx::query(crate::sql!(
            "UPDATE {table} SET position = $2 WHERE id = $1"
        ))
        .bind(row)
        .bind(pos)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn move_module(db: &Pool, id: i64, up: bool) -> Result<bool, sqlx::Error> {
    swap(db, "course_modules", "course_id", id, up).await
}

pub async fn move_lesson(db: &Pool, id: i64, up: bool) -> Result<bool, sqlx::Error> {
    swap(db, "course_lessons", "module_id", id, up).await
}

// ---------------------------------------------------------------- lessons

/// The lessons of a course, in the order of its modules then their own.
pub async fn lessons(db: &Pool, course_id: i64) -> Result<Vec<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} JOIN course_modules m ON m.id = l.module_id WHERE m.course_id = $1 \
         ORDER BY m.position, m.id, l.position, l.id"
    ))
    .bind(course_id)
    .fetch_all(db)
    .await
}

pub async fn lesson(db: &Pool, id: i64) -> Result<Option<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{LESSON} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A lesson's fields as written by its teacher.
#[derive(Clone, Debug)]
pub struct NewLesson {
    pub title: String,
    pub body: String,
    pub published: bool,
    pub available_from: Option<NaiveDate>,
    pub prerequisite_id: Option<i64>,
}

/// Adds a lesson at the end of a module.
pub async fn insert_lesson<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    module_id: i64,
    l: &NewLesson,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO course_lessons (module_id, position, title, body, published, available_from, prerequisite_id, created_at, updated_at) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM course_lessons WHERE module_id = $1), $2, $3, $4, $5, $6, $7, $7) \
         RETURNING id",
    )
    .bind(module_id)
    .bind(&l.title)
    .bind(&l.body)
    .bind(l.published)
    .bind(l.available_from)
    .bind(l.prerequisite_id)
    .bind(at)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn update_lesson<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    l: &NewLesson,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE course_lessons SET title = $2, body = $3, published = $4, available_from = $5, \
         prerequisite_id = $6, updated_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(&l.title)
    .bind(&l.body)
    .bind(l.published)
    .bind(l.available_from)
    .bind(l.prerequisite_id)
    .bind(at)
    .execute(db)
    .await?
    .rows_affected())
}

/// Points a lesson at its prerequisite (a copy, once both exist).
pub async fn set_prerequisite<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    prerequisite: Option<i64>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE course_lessons SET prerequisite_id = $2 WHERE id = $1")
            .bind(id)
            .bind(prerequisite)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

pub async fn delete_lesson(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM course_lessons WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected())
}

// ---------------------------------------------------------------- progress

/// A student's progress in one lesson.
#[derive(Clone, Debug, FromRow)]
pub struct ProgressRow {
    pub lesson_id: i64,
    pub student_id: i64,
    pub last_viewed_at: DateTime<Utc>,
    pub views: i64,
    pub completed_at: Option<DateTime<Utc>>,
    /// The share of the lesson's video watched, once played.
    pub video_percent: Option<i64>,
}

const PROGRESS: &str = "SELECT p.lesson_id, p.student_id, p.last_viewed_at, p.views, p.completed_at, \
     p.video_percent \
     FROM course_progress p JOIN course_lessons l ON l.id = p.lesson_id \
     JOIN course_modules m ON m.id = l.module_id";

/// Notes that a student opened a lesson.
pub async fn record_view<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    lesson_id: i64,
    student_id: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO course_progress (lesson_id, student_id, first_viewed_at, last_viewed_at, views) \
         VALUES ($1, $2, $3, $3, 1) ON CONFLICT (lesson_id, student_id) \
         DO UPDATE SET last_viewed_at = excluded.last_viewed_at, views = course_progress.views + 1",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks a viewed lesson completed; false when it already was.
pub async fn complete(
    tx: &mut Tx<'_>,
    lesson_id: i64,
    student_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    record_view(&mut **tx, lesson_id, student_id, at).await?;
    Ok(sqlx::query(
        "UPDATE course_progress SET completed_at = $3 \
         WHERE lesson_id = $1 AND student_id = $2 AND completed_at IS NULL",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(at)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// A student's progress in a course's lessons.
pub async fn progress_of(
    db: &Pool,
    course_id: i64,
    student_id: i64,
) -> Result<Vec<ProgressRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{PROGRESS} WHERE m.course_id = $1 AND p.student_id = $2"
    ))
    .bind(course_id)
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// Every student's progress in a course's lessons.
pub async fn progress_of_course(
    db: &Pool,
    course_id: i64,
) -> Result<Vec<ProgressRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{PROGRESS} WHERE m.course_id = $1"))
        .bind(course_id)
        .fetch_all(db)
        .await
}
