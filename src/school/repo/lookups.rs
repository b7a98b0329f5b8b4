//! Single lookups other features name records with (a subject's, a level's, a period's
//! name), and the current year's classes and students as plain lists.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::db::Pool;

/// Names of single records, as the journal writes them.
pub async fn subject_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one_name(db, "SELECT name FROM subjects WHERE id = $1", id).await
}

pub async fn level_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one_name(db, "SELECT name FROM levels WHERE id = $1", id).await
}

pub async fn series_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    one_name(db, "SELECT name FROM series WHERE id = $1", id).await
}

async fn one_name(db: &Pool, sql: &'static str, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(sql).bind(id).fetch_optional(db).await?;
    Ok(row.map(|r| r.0))
}

/// (kind, ordinal, year label) of a period: ("trimestre", 1, "2026-2027").
pub async fn period_label(
    db: &Pool,
    id: i64,
) -> Result<Option<(String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.kind, p.ordinal, y.label FROM periods p JOIN school_years y ON y.id = p.school_year_id \
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Active students of the current year by level and sex: (level, ordinal, sex, count, code).
pub async fn enrollment_by_level_and_sex(
    db: &Pool,
) -> Result<Vec<(String, i64, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.name, l.ordinal, s.sex, COUNT(*), l.code FROM enrollments e JOIN classes c ON c.id = e.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE JOIN levels l ON l.id = c.level_id \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE GROUP BY l.name, l.ordinal, s.sex, l.code ORDER BY l.ordinal",
    )
    .fetch_all(db)
    .await
}

/// The classes of the current year in level order: (id, name).
pub async fn current_classes_in_order(db: &Pool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN levels l ON l.id = c.level_id ORDER BY l.ordinal, c.name",
    )
    .fetch_all(db)
    .await
}

/// Every student enrolled in a class, by id.
pub async fn class_student_ids(db: &Pool, class: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT student_id FROM enrollments WHERE class_id = $1 ORDER BY student_id",
    )
    .bind(class)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub async fn current_year_start(db: &Pool) -> Result<Option<NaiveDate>, sqlx::Error> {
    let row: Option<(NaiveDate,)> =
        sqlx::query_as("SELECT starts_on FROM school_years WHERE current = TRUE")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

/// The active students of a class: (id, surname, given names, class name), by name.
pub async fn class_students_named(
    db: &Pool,
    class: i64,
) -> Result<Vec<(i64, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT st.id, st.last_name, st.first_name, c.name FROM enrollments e JOIN students st ON st.id = e.student_id \
         JOIN classes c ON c.id = e.class_id WHERE e.class_id = $1 AND st.active = TRUE ORDER BY st.sort_name",
    )
    .bind(class)
    .fetch_all(db)
    .await
}

/// The current year's classes in level order: every one when `all`, else those `head` heads.
pub async fn current_classes_headed(
    db: &Pool,
    all: bool,
    head: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         JOIN levels l ON l.id = c.level_id WHERE $1 OR c.head_teacher_user_id = $2 ORDER BY l.ordinal, c.name",
    )
    .bind(all)
    .bind(head)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Every student's matricule.
pub async fn all_matricules(db: &Pool) -> Result<Vec<(String,)>, sqlx::Error> {
    sqlx::query_as("SELECT matricule FROM students")
        .fetch_all(db)
        .await
}

/// Every account's phone and e-mail: (id, phone, e-mail).
pub async fn user_contacts(
    db: &Pool,
) -> Result<Vec<(i64, Option<String>, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, phone, email FROM users")
        .fetch_all(db)
        .await
}

/// A student of a year's list, with what a school list shows of them.
#[derive(Clone, Debug, FromRow)]
pub struct YearStudent {
    pub id: i64,
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    /// F or M.
    pub sex: String,
    /// Date de naissance.
    pub birth_date: Option<NaiveDate>,
    /// Lieu de naissance.
    pub birth_place: Option<String>,
    /// The class that year.
    pub class_id: i64,
    pub class_name: String,
    /// Its level's name.
    pub level_name: String,
    /// A guardian's name (the first by relationship).
    pub guardian: Option<String>,
    /// A guardian's phone.
    pub phone: Option<String>,
    /// Still at the school.
    pub active: bool,
}

/// The students enrolled in a year, by class then name; optionally of one class or level.
pub async fn year_students(
    db: &Pool,
    year_id: i64,
    class_id: Option<i64>,
    level_id: Option<i64>,
) -> Result<Vec<YearStudent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.matricule, s.first_name, s.last_name, s.sex, s.birth_date, s.birth_place, \
           c.id AS class_id, c.name AS class_name, l.name AS level_name, \
           (SELECT u.first_name || ' ' || u.last_name FROM student_guardians g JOIN users u ON u.id = g.user_id \
              WHERE g.student_id = s.id ORDER BY g.relationship LIMIT 1) AS guardian, \
           (SELECT u.phone FROM student_guardians g JOIN users u ON u.id = g.user_id \
              WHERE g.student_id = s.id AND u.phone IS NOT NULL ORDER BY g.relationship LIMIT 1) AS phone, \
           s.active \
         FROM enrollments e JOIN students s ON s.id = e.student_id JOIN classes c ON c.id = e.class_id \
         JOIN levels l ON l.id = c.level_id \
         WHERE e.school_year_id = $1 AND ($2 IS NULL OR c.id = $2) AND ($3 IS NULL OR c.level_id = $3) \
         ORDER BY c.name, s.sort_name, s.id",
    )
    .bind(year_id)
    .bind(class_id)
    .bind(level_id)
    .fetch_all(db)
    .await
}

/// The level of a class.
pub async fn class_level(db: &Pool, class_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(class_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// A class of a period's year with the number of its active students (those who get a
/// bulletin).
#[derive(Clone, Debug, FromRow)]
pub struct ClassSize {
    pub id: i64,
    /// "6e A".
    pub name: String,
    /// Active students enrolled.
    pub students: i64,
}

/// Every class of a period's year with its active students, in level order.
pub async fn period_class_sizes(db: &Pool, period_id: i64) -> Result<Vec<ClassSize>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, (SELECT COUNT(*) FROM enrollments e JOIN students s ON s.id = e.student_id \
           WHERE e.class_id = c.id AND s.active = TRUE) AS students \
         FROM periods p JOIN classes c ON c.school_year_id = p.school_year_id JOIN levels l ON l.id = c.level_id \
         WHERE p.id = $1 ORDER BY l.ordinal, c.name",
    )
    .bind(period_id)
    .fetch_all(db)
    .await
}

/// The subjects taught in each class of a period's year: (class, subject, subject's name).
pub async fn period_assignments(
    db: &Pool,
    period_id: i64,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.class_id, s.id, s.name FROM periods p JOIN classes c ON c.school_year_id = p.school_year_id \
         JOIN teaching_assignments t ON t.class_id = c.id JOIN subjects s ON s.id = t.subject_id \
         WHERE p.id = $1 ORDER BY s.name",
    )
    .bind(period_id)
    .fetch_all(db)
    .await
}
