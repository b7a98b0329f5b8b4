//! SQL of timetables: the grid, weekly hours, constraints, versions and their lessons; and
//! what the solver reads of the school's records (classes, assignments, rooms).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

mod audience;
mod feeds;
mod parallel;

pub use audience::*;
pub use feeds::*;
pub use parallel::*;

#[derive(Clone, Debug, FromRow)]
pub struct PeriodRow {
    pub ordinal: i64,
    /// "07:00".
    pub starts_at: String,
    pub ends_at: String,
}

pub async fn periods(db: &Pool) -> Result<Vec<PeriodRow>, sqlx::Error> {
    sqlx::query_as("SELECT ordinal, starts_at, ends_at FROM timetable_periods ORDER BY ordinal")
        .fetch_all(db)
        .await
}

pub async fn closed(db: &Pool) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT day, ordinal FROM timetable_closed ORDER BY day, ordinal")
        .fetch_all(db)
        .await
}

/// Replaces the week grid.
pub async fn set_grid<'e>(
    tx: &mut sqlx::Transaction<'e, Db>,
    periods: &[(i64, String, String)],
    closed: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM timetable_closed")
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM timetable_periods")
        .execute(&mut **tx)
        .await?;
    for (ordinal, starts, ends) in periods {
        sqlx::query(
            "INSERT INTO timetable_periods (ordinal, starts_at, ends_at) VALUES ($1, $2, $3)",
        )
        .bind(ordinal)
        .bind(starts)
        .bind(ends)
        .execute(&mut **tx)
        .await?;
    }
    for (day, ordinal) in closed {
        sqlx::query("INSERT INTO timetable_closed (day, ordinal) VALUES ($1, $2)")
            .bind(day)
            .bind(ordinal)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A class as the solver sees it.
#[derive(Clone, Debug, FromRow)]
pub struct ClassIn {
    pub id: i64,
    pub name: String,
    pub level_id: i64,
    pub series_id: Option<i64>,
    pub room: Option<String>,
    pub students: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct AssignmentIn {
    pub class_id: i64,
    pub subject_id: i64,
    pub subject: String,
    pub teacher_user_id: i64,
    pub teacher: String,
}

#[derive(Clone, Debug, FromRow)]
pub struct SubjectHoursRow {
    pub level_id: i64,
    pub series_key: i64,
    pub subject_id: i64,
    pub hours: i64,
    pub doubles: i64,
    pub room_kind: Option<String>,
    pub room_required: bool,
}

#[derive(Clone, Debug, FromRow)]
pub struct ClassHoursRow {
    pub class_id: i64,
    pub subject_id: i64,
    pub hours: i64,
    pub doubles: i64,
}

#[derive(Clone, Debug, FromRow)]
pub struct RoomIn {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub capacity: Option<i64>,
}

#[derive(Clone, Debug, FromRow)]
pub struct ConstraintRow {
    pub id: i64,
    pub kind: String,
    pub applies_to: String,
    pub teacher_user_id: Option<i64>,
    pub class_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub value: i64,
    pub slots: String,
    pub weight: Option<i64>,
}

pub async fn classes(db: &Pool, year_id: i64) -> Result<Vec<ClassIn>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.level_id, c.series_id, c.room, \
         (SELECT COUNT(*) FROM enrollments e WHERE e.class_id = c.id) AS students \
         FROM classes c JOIN levels l ON l.id = c.level_id \
         WHERE c.school_year_id = $1 ORDER BY l.ordinal, c.name",
    )
    .bind(year_id)
    .fetch_all(db)
    .await
}

pub async fn assignments(db: &Pool, year_id: i64) -> Result<Vec<AssignmentIn>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.class_id, a.subject_id, j.name AS subject, a.teacher_user_id, \
         u.first_name || ' ' || u.last_name AS teacher \
         FROM teaching_assignments a JOIN classes c ON c.id = a.class_id \
         JOIN subjects j ON j.id = a.subject_id JOIN users u ON u.id = a.teacher_user_id \
         WHERE c.school_year_id = $1 ORDER BY a.class_id, a.subject_id",
    )
    .bind(year_id)
    .fetch_all(db)
    .await
}

pub async fn subject_hours(db: &Pool) -> Result<Vec<SubjectHoursRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT level_id, series_key, subject_id, hours, doubles, room_kind, room_required \
         FROM subject_hours ORDER BY level_id, series_key, subject_id",
    )
    .fetch_all(db)
    .await
}

pub async fn class_hours(db: &Pool) -> Result<Vec<ClassHoursRow>, sqlx::Error> {
    sqlx::query_as("SELECT class_id, subject_id, hours, doubles FROM class_subject_hours")
        .fetch_all(db)
        .await
}

pub async fn rooms(db: &Pool) -> Result<Vec<RoomIn>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, kind, CAST(capacity AS BIGINT) AS capacity FROM rooms WHERE active ORDER BY name")
        .fetch_all(db)
        .await
}

pub async fn constraints(db: &Pool) -> Result<Vec<ConstraintRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, applies_to, teacher_user_id, class_id, subject_id, value, slots, weight \
         FROM timetable_constraints ORDER BY id",
    )
    .fetch_all(db)
    .await
}

/// Sets the hours of a subject for a level (and série).
pub async fn upsert_subject_hours<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    h: &SubjectHoursRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subject_hours (level_id, series_key, subject_id, hours, doubles, room_kind, room_required) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (level_id, series_key, subject_id) DO UPDATE SET hours = excluded.hours, \
         doubles = excluded.doubles, room_kind = excluded.room_kind, room_required = excluded.room_required",
    )
    .bind(h.level_id)
    .bind(h.series_key)
    .bind(h.subject_id)
    .bind(h.hours)
    .bind(h.doubles)
    .bind(&h.room_kind)
    .bind(h.room_required)
    .execute(db)
    .await?;
    Ok(())
}

/// Sets (or with `None`, removes) a class's own hours for a subject.
pub async fn set_class_hours<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    class_id: i64,
    subject_id: i64,
    hours: Option<(i64, i64)>,
) -> Result<(), sqlx::Error> {
    match hours {
        Some((hours, doubles)) => sqlx::query(
            "INSERT INTO class_subject_hours (class_id, subject_id, hours, doubles) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (class_id, subject_id) DO UPDATE SET hours = excluded.hours, doubles = excluded.doubles",
        )
        .bind(class_id)
        .bind(subject_id)
        .bind(hours)
        .bind(doubles)
        .execute(db)
        .await
        .map(|_| ()),
        None => sqlx::query("DELETE FROM class_subject_hours WHERE class_id = $1 AND subject_id = $2")
            .bind(class_id)
            .bind(subject_id)
            .execute(db)
            .await
            .map(|_| ()),
    }
}

#[derive(Clone, Debug)]
pub struct NewConstraint {
    pub kind: String,
    pub applies_to: String,
    pub teacher_user_id: Option<i64>,
    pub class_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub value: i64,
    pub slots: String,
    pub weight: Option<i64>,
}

pub async fn insert_constraint<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    c: &NewConstraint,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO timetable_constraints (kind, applies_to, teacher_user_id, class_id, subject_id, value, slots, weight, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&c.kind)
    .bind(&c.applies_to)
    .bind(c.teacher_user_id)
    .bind(c.class_id)
    .bind(c.subject_id)
    .bind(c.value)
    .bind(&c.slots)
    .bind(c.weight)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn delete_constraint(db: &Pool, id: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM timetable_constraints WHERE id = $1")
            .bind(id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// A version of the timetable.
#[derive(Clone, Debug, FromRow)]
pub struct TimetableRow {
    pub id: i64,
    pub school_year_id: i64,
    pub name: String,
    pub state: super::State,
    pub seed: i64,
    pub seconds: i64,
    pub based_on: Option<i64>,
    pub job_id: Option<i64>,
    pub cost_hard: Option<i64>,
    pub cost_soft: Option<i64>,
    pub report: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub lessons: i64,
}

const TIMETABLE: &str = "SELECT t.id, t.school_year_id, t.name, t.state, t.seed, t.seconds, t.based_on, t.job_id, \
     t.cost_hard, t.cost_soft, t.report, t.created_by, t.created_at, t.published_at, \
     (SELECT COUNT(*) FROM timetable_lessons l WHERE l.timetable_id = t.id) AS lessons \
     FROM timetables t";

pub async fn timetables(db: &Pool, year_id: i64) -> Result<Vec<TimetableRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{TIMETABLE} WHERE t.school_year_id = $1 ORDER BY t.id DESC"
    ))
    .bind(year_id)
    .fetch_all(db)
    .await
}

pub async fn timetable(db: &Pool, id: i64) -> Result<Option<TimetableRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{TIMETABLE} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The published timetable of the year, if any.
pub async fn published(db: &Pool, year_id: i64) -> Result<Option<TimetableRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{TIMETABLE} WHERE t.school_year_id = $1 AND t.state = 'published' ORDER BY t.id DESC LIMIT 1"
    ))
    .bind(year_id)
    .fetch_optional(db)
    .await
}

pub struct NewTimetable<'a> {
    pub year_id: i64,
    pub name: &'a str,
    pub seed: i64,
    pub seconds: i64,
    pub based_on: Option<i64>,
    pub by: Option<i64>,
}

pub async fn insert_timetable<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    t: &NewTimetable<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO timetables (school_year_id, name, state, seed, seconds, based_on, created_by, created_at) \
         VALUES ($1, $2, 'generating', $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(t.year_id)
    .bind(t.name)
    .bind(t.seed)
    .bind(t.seconds)
    .bind(t.based_on)
    .bind(t.by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

pub async fn set_job<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    job_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE timetables SET job_id = $1 WHERE id = $2")
        .bind(job_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Records the solver's outcome.
pub async fn finish<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    state: super::State,
    cost: Option<(i64, i64)>,
    report: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE timetables SET state = $1, cost_hard = $2, cost_soft = $3, report = $4 WHERE id = $5")
        .bind(state)
        .bind(cost.map(|c| c.0))
        .bind(cost.map(|c| c.1))
        .bind(report)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_cost<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    hard: i64,
    soft: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE timetables SET cost_hard = $1, cost_soft = $2 WHERE id = $3")
        .bind(hard)
        .bind(soft)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Publishes a version: the one published before it is archived.
pub async fn publish<'e>(
    tx: &mut sqlx::Transaction<'e, Db>,
    year_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let previous: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM timetables WHERE school_year_id = $1 AND state = 'published' AND id <> $2",
    )
    .bind(year_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    sqlx::query("UPDATE timetables SET state = 'archived' WHERE school_year_id = $1 AND state = 'published' AND id <> $2")
        .bind(year_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE timetables SET state = 'published', published_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(previous.map(|p| p.0))
}

/// A lesson of a version, with the names the grid shows.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct LessonRow {
    pub id: i64,
    pub class_id: i64,
    pub class_name: String,
    pub subject_id: i64,
    pub subject: String,
    pub teacher_user_id: i64,
    pub teacher: String,
    pub room_id: Option<i64>,
    pub room: Option<String>,
    pub day: i64,
    pub period: i64,
    pub duration: i64,
    pub locked: bool,
}

const LESSON: &str = "SELECT l.id, l.class_id, c.name AS class_name, l.subject_id, j.name AS subject, \
     l.teacher_user_id, u.first_name || ' ' || u.last_name AS teacher, l.room_id, r.name AS room, \
     l.day, l.period, l.duration, l.locked \
     FROM timetable_lessons l JOIN classes c ON c.id = l.class_id JOIN subjects j ON j.id = l.subject_id \
     JOIN users u ON u.id = l.teacher_user_id LEFT JOIN rooms r ON r.id = l.room_id";

pub async fn lessons(db: &Pool, timetable_id: i64) -> Result<Vec<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.timetable_id = $1 ORDER BY l.day, l.period, c.name"
    ))
    .bind(timetable_id)
    .fetch_all(db)
    .await
}

pub async fn lesson(
    db: &Pool,
    timetable_id: i64,
    id: i64,
) -> Result<Option<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.timetable_id = $1 AND l.id = $2"
    ))
    .bind(timetable_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The lessons of one class, teacher or room in a version.
pub async fn lessons_of(
    db: &Pool,
    timetable_id: i64,
    view: super::View,
) -> Result<Vec<LessonRow>, sqlx::Error> {
    let (column, id) = match view {
        super::View::Class(id) => ("l.class_id", id),
        super::View::Teacher(id) => ("l.teacher_user_id", id),
        super::View::Room(id) => ("l.room_id", id),
    };
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.timetable_id = $1 AND {column} = $2 ORDER BY l.day, l.period"
    ))
    .bind(timetable_id)
    .bind(id)
    .fetch_all(db)
    .await
}

#[derive(Clone, Debug)]
pub struct NewLesson {
    pub class_id: i64,
    pub subject_id: i64,
    pub teacher_user_id: i64,
    pub room_id: Option<i64>,
    pub day: i64,
    pub period: i64,
    pub duration: i64,
    pub locked: bool,
}

/// Writes a version's lessons, replacing any it had, many rows per statement.
pub async fn replace_lessons<'e>(
    tx: &mut sqlx::Transaction<'e, Db>,
    timetable_id: i64,
    lessons: &[NewLesson],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM timetable_lessons WHERE timetable_id = $1")
        .bind(timetable_id)
        .execute(&mut **tx)
        .await?;
    for chunk in lessons.chunks(100) {
        let mut qb: sqlx::QueryBuilder<Db> = sqlx::QueryBuilder::new(
            "INSERT INTO timetable_lessons (timetable_id, class_id, subject_id, teacher_user_id, room_id, day, period, duration, locked) ",
        );
        qb.push_values(chunk, |mut b, l| {
            b.push_bind(timetable_id)
                .push_bind(l.class_id)
                .push_bind(l.subject_id)
                .push_bind(l.teacher_user_id)
                .push_bind(l.room_id)
                .push_bind(l.day)
                .push_bind(l.period)
                .push_bind(l.duration)
                .push_bind(l.locked);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Moves a lesson (a manual edit, checked before).
pub async fn move_lesson<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    day: i64,
    period: i64,
    room_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE timetable_lessons SET day = $1, period = $2, room_id = $3 WHERE id = $4")
        .bind(day)
        .bind(period)
        .bind(room_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_locked(
    db: &Pool,
    timetable_id: i64,
    id: i64,
    locked: bool,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE timetable_lessons SET locked = $1 WHERE timetable_id = $2 AND id = $3")
            .bind(locked)
            .bind(timetable_id)
            .bind(id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// The current class of a student this year.
pub async fn class_of_student(
    db: &Pool,
    student_id: i64,
    year_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    Ok(sqlx::query_as::<_, (i64,)>(
        "SELECT class_id FROM enrollments WHERE student_id = $1 AND school_year_id = $2",
    )
    .bind(student_id)
    .bind(year_id)
    .fetch_optional(db)
    .await?
    .map(|r| r.0))
}

/// A version's lessons, in a transaction (for the changes a publication brings).
pub async fn lessons_in<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    timetable_id: i64,
) -> Result<Vec<LessonRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{LESSON} WHERE l.timetable_id = $1 ORDER BY l.day, l.period, c.name"
    ))
    .bind(timetable_id)
    .fetch_all(db)
    .await
}
