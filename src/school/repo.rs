//! SQL of the school's structure and people.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::db::{Db, Pool};

mod audiences;
mod classes;
mod lookups;
pub mod rooms;
pub mod years;

pub use audiences::*;
pub use classes::*;
pub use lookups::*;

/// The school year marked current, if any.
#[derive(Clone, Debug, FromRow)]
pub struct Year {
    pub id: i64,
    /// "2026-2027".
    pub label: String,
}

/// The current school year.
pub async fn current_year(db: &Pool) -> Result<Option<Year>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, label FROM school_years WHERE current = TRUE ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// A class with its level, professeur principal and head count.
#[derive(Clone, Debug, FromRow)]
pub struct ClassRow {
    pub id: i64,
    /// "1ère D 2".
    pub name: String,
    /// Level name ("Première").
    pub level_name: String,
    /// primaire, college or lycee.
    pub cycle: String,
    /// The room, if fixed.
    pub room: Option<String>,
    /// Professeur principal's user id.
    pub head_teacher_user_id: Option<i64>,
    /// Professeur principal's name.
    pub head_teacher: Option<String>,
    pub student_count: i64,
    pub capacity: i64,
}

const CLASS_SELECT: &str = "SELECT c.id, c.name, l.name AS level_name, l.cycle, c.room, \
    c.head_teacher_user_id, \
    (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = c.head_teacher_user_id) AS head_teacher, \
    (SELECT COUNT(*) FROM enrollments e WHERE e.class_id = c.id) AS student_count, c.capacity \
    FROM classes c JOIN levels l ON l.id = c.level_id";

pub async fn class(db: &Pool, id: i64) -> Result<Option<ClassRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{CLASS_SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every class of a year, in level order.
pub async fn classes(db: &Pool, year_id: i64) -> Result<Vec<ClassRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{CLASS_SELECT} WHERE c.school_year_id = $1 ORDER BY l.ordinal, c.name"
    ))
    .bind(year_id)
    .fetch_all(db)
    .await
}

/// The classes a teacher teaches in or heads this year.
pub async fn teacher_classes(
    db: &Pool,
    year_id: i64,
    teacher: i64,
) -> Result<Vec<ClassRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{CLASS_SELECT} WHERE c.school_year_id = $1 AND (c.head_teacher_user_id = $2 OR EXISTS \
         (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2)) \
         ORDER BY l.ordinal, c.name"
    ))
    .bind(year_id)
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// A subject taught in a class, and by whom.
#[derive(Clone, Debug, FromRow)]
pub struct TeacherOfClass {
    /// The subject's id.
    pub subject_id: i64,
    /// The subject's name.
    pub subject: String,
    /// The teacher's user id.
    pub teacher_user_id: i64,
    /// The teacher's name.
    pub teacher: String,
    /// The teacher's phone, for parents.
    pub phone: Option<String>,
}

/// The subjects and teachers of a class.
pub async fn class_teachers(db: &Pool, class_id: i64) -> Result<Vec<TeacherOfClass>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS subject_id, s.name AS subject, u.id AS teacher_user_id, u.first_name || ' ' || u.last_name AS teacher, u.phone \
         FROM teaching_assignments t JOIN subjects s ON s.id = t.subject_id JOIN users u ON u.id = t.teacher_user_id \
         WHERE t.class_id = $1 ORDER BY s.name",
    )
    .bind(class_id)
    .fetch_all(db)
    .await
}

/// The subjects a teacher teaches, as (class id, subject name), in one query for all
/// their classes.
pub async fn teacher_subjects(db: &Pool, teacher: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.class_id, s.name FROM teaching_assignments t JOIN subjects s ON s.id = t.subject_id \
         WHERE t.teacher_user_id = $1 ORDER BY s.name",
    )
    .bind(teacher)
    .fetch_all(db)
    .await
}

/// The classes of the current year where a teacher teaches a subject: (id, name), in level
/// order.
pub async fn classes_teaching(
    db: &Pool,
    teacher: i64,
    subject: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name FROM teaching_assignments t JOIN classes c ON c.id = t.class_id \
         JOIN levels l ON l.id = c.level_id JOIN school_years y ON y.id = c.school_year_id \
         WHERE t.teacher_user_id = $1 AND t.subject_id = $2 AND y.current = TRUE \
         ORDER BY l.ordinal, c.name",
    )
    .bind(teacher)
    .bind(subject)
    .fetch_all(db)
    .await
}

/// A student with their class of the current year.
#[derive(Clone, Debug, FromRow)]
pub struct StudentRow {
    pub id: i64,
    /// The school's registration number.
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    /// F or M.
    pub sex: String,
    /// Date de naissance.
    pub birth_date: Option<NaiveDate>,
    /// Lieu de naissance.
    pub birth_place: Option<String>,
    /// Still at the school.
    pub active: bool,
    /// The current class.
    pub class_id: Option<i64>,
    /// The current class's name.
    pub class_name: Option<String>,
    /// The current class's room.
    pub room: Option<String>,
    /// The current class's professeur principal.
    pub head_teacher: Option<String>,
}

impl StudentRow {
    /// "NOM Prénom", as class lists write it.
    pub fn list_name(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }
}

const STUDENT_SELECT: &str = "SELECT s.id, s.matricule, s.first_name, s.last_name, s.sex, s.birth_date, \
    s.birth_place, s.active, c.id AS class_id, c.name AS class_name, c.room, \
    (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = c.head_teacher_user_id) AS head_teacher \
    FROM students s \
    LEFT JOIN enrollments e ON e.student_id = s.id \
      AND e.school_year_id = (SELECT y.id FROM school_years y WHERE y.current = TRUE ORDER BY y.id DESC LIMIT 1) \
    LEFT JOIN classes c ON c.id = e.class_id";

pub async fn student(db: &Pool, id: i64) -> Result<Option<StudentRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{STUDENT_SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The student whose login is `user_id`.
pub async fn student_by_user(db: &Pool, user_id: i64) -> Result<Option<StudentRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{STUDENT_SELECT} WHERE s.user_id = $1"))
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// The student with this matricule (any case).
pub async fn student_by_matricule(
    db: &Pool,
    matricule: &str,
) -> Result<Option<StudentRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{STUDENT_SELECT} WHERE UPPER(s.matricule) = $1"
    ))
    .bind(matricule.to_uppercase())
    .fetch_optional(db)
    .await
}

/// The next free matricule in the school's own pattern, to suggest when a student is
/// created: the pattern of the last student created ("LUM-26042": a prefix and a number of
/// five digits), and the number after the highest of that pattern ("LUM-28001"). `None`
/// when the school has no student yet or its matricules end with no number.
pub async fn next_matricule(db: &Pool) -> Result<Option<String>, sqlx::Error> {
    let latest: Option<(String,)> = sqlx::query_as(
        "SELECT matricule FROM students WHERE active = TRUE ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    let Some((latest,)) = latest else {
        return Ok(None);
    };
    let Some((prefix, _)) = matricule_parts(&latest) else {
        return Ok(None);
    };
    // Only the matricules that start the same way: a few thousand at most, each short.
    let same: Vec<(String,)> =
        sqlx::query_as("SELECT matricule FROM students WHERE UPPER(SUBSTR(matricule, 1, $1)) = $2")
            .bind(prefix.chars().count() as i32)
            .bind(prefix.to_uppercase())
            .fetch_all(db)
            .await?;
    let same: Vec<String> = same.into_iter().map(|r| r.0).collect();
    Ok(matricule_after(&latest, &same))
}

/// A matricule as what comes before its final number, and that number's digits:
/// "LUM-26042" is ("LUM-", "26042"); "T-001" is ("T-", "001"). `None` without a number
/// at the end.
pub fn matricule_parts(m: &str) -> Option<(&str, &str)> {
    let m = m.trim();
    let start = m
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    Some((&m[..start], &m[start..]))
}

/// The matricule after the highest of `existing` written like `latest` (the same prefix,
/// any case), its number as wide as `latest`'s ("T-009" → "T-010"). `None` when it would
/// not fit the 20 characters of a matricule.
pub fn matricule_after(latest: &str, existing: &[String]) -> Option<String> {
    let (prefix, digits) = matricule_parts(latest)?;
    let highest = existing
        .iter()
        .chain(std::iter::once(&latest.to_string()))
        .filter_map(|m| {
            let (p, d) = matricule_parts(m)?;
            p.eq_ignore_ascii_case(prefix)
                .then(|| d.parse::<u64>().ok())
                .flatten()
        })
        .max()?;
    let next = format!(
        "{}{:0width$}",
        prefix.to_uppercase(),
        highest.checked_add(1)?,
        width = digits.len()
    );
    (next.chars().count() <= 20).then_some(next)
}

/// The children of a guardian, in the family's order (see [`family_order`]).
pub async fn children(db: &Pool, guardian: i64) -> Result<Vec<StudentRow>, sqlx::Error> {
    let mut list: Vec<StudentRow> = sqlx::query_as(crate::sql!(
        "{STUDENT_SELECT} JOIN student_guardians g ON g.student_id = s.id \
         WHERE g.user_id = $1 AND s.active = TRUE"
    ))
    .bind(guardian)
    .fetch_all(db)
    .await?;
    // Sorted here, not in SQL: the two databases put an unknown birth date at opposite ends.
    list.sort_by(|a, b| family_order(a).cmp(&family_order(b)));
    Ok(list)
}

/// The order of a family's children: the eldest first, those without a birth date last,
/// then by first name, then by id, so that two equal children never swap.
pub fn family_order(s: &StudentRow) -> (bool, Option<NaiveDate>, &str, i64) {
    (s.birth_date.is_none(), s.birth_date, &s.first_name, s.id)
}

/// The child a family's pages open on when none is named: the first in the family's order.
/// The parent's home, the progress page and the JSON API all ask this one function, so they
/// never open on different children.
pub fn default_child(children: &[StudentRow]) -> Option<&StudentRow> {
    children
        .iter()
        .min_by(|a, b| family_order(a).cmp(&family_order(b)))
}

/// The student a user's own pages are about when none is named: themself for a student,
/// else their [`default_child`].
pub async fn default_student(db: &Pool, user_id: i64) -> Result<Option<StudentRow>, sqlx::Error> {
    if let Some(s) = student_by_user(db, user_id).await? {
        return Ok(Some(s));
    }
    Ok(default_child(&children(db, user_id).await?).cloned())
}

/// The students of a class, in list order.
pub async fn roster(db: &Pool, class_id: i64) -> Result<Vec<StudentRow>, sqlx::Error> {
    // From the class's enrollments (indexed), not from every student: a class list must
    // not cost a scan of the school.
    sqlx::query_as(
        "SELECT s.id, s.matricule, s.first_name, s.last_name, s.sex, s.birth_date, s.birth_place, s.active, \
         c.id AS class_id, c.name AS class_name, c.room, \
         (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = c.head_teacher_user_id) AS head_teacher \
         FROM enrollments e JOIN students s ON s.id = e.student_id JOIN classes c ON c.id = e.class_id \
         WHERE e.class_id = $1 AND s.active = TRUE ORDER BY s.sort_name, s.id",
    )
    .bind(class_id)
    .fetch_all(db)
    .await
}

/// A page of students matching a search (name or matricule) and an optional class.
pub async fn search_students(
    db: &Pool,
    like: &str,
    class_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<StudentRow>, i64), sqlx::Error> {
    // Former students (gone, not enrolled this year) are not listed.
    let filter = "WHERE s.search_key LIKE $1 AND ($2 IS NULL OR c.id = $2) AND (s.active = TRUE OR e.id IS NOT NULL)";
    let rows = sqlx::query_as(crate::sql!(
        "{STUDENT_SELECT} {filter} ORDER BY s.sort_name, s.id LIMIT $3 OFFSET $4"
    ))
    .bind(like)
    .bind(class_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    let (total,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(*) FROM ({STUDENT_SELECT} {filter}) AS x"
    ))
    .bind(like)
    .bind(class_id)
    .fetch_one(db)
    .await?;
    Ok((rows, total))
}

/// A guardian of a student.
#[derive(Clone, Debug, FromRow)]
pub struct GuardianRow {
    /// The guardian's user id.
    pub user_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// pere, mere or tuteur.
    pub relationship: String,
}

/// The guardians of a student.
pub async fn guardians_of(db: &Pool, student_id: i64) -> Result<Vec<GuardianRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.first_name || ' ' || u.last_name AS name, u.phone, u.email, g.relationship \
         FROM student_guardians g JOIN users u ON u.id = g.user_id WHERE g.student_id = $1 ORDER BY u.last_name",
    )
    .bind(student_id)
    .fetch_all(db)
    .await
}

/// Fields of a new or edited student.
#[derive(Clone, Debug)]
pub struct StudentInput {
    pub matricule: String,
    pub first_name: String,
    pub last_name: String,
    /// F or M.
    pub sex: &'static str,
    /// Date de naissance.
    pub birth_date: Option<NaiveDate>,
    /// Lieu de naissance.
    pub birth_place: Option<String>,
}

impl StudentInput {
    /// What a search on this student matches: names in both orders and the matricule.
    pub fn search_key(&self) -> String {
        crate::domain::search_key(&self.last_name, &self.first_name, &[&self.matricule])
    }
}

/// Inserts a student; returns the id.
pub async fn insert_student<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    s: &StudentInput,
    user_id: Option<i64>,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO students (matricule, first_name, last_name, sex, birth_date, birth_place, user_id, active, created_at, \
         sort_name, search_key) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9, $10) RETURNING id",
    )
    .bind(&s.matricule)
    .bind(&s.first_name)
    .bind(&s.last_name)
    .bind(s.sex)
    .bind(s.birth_date)
    .bind(&s.birth_place)
    .bind(user_id)
    .bind(at)
    .bind(crate::domain::sort_name(&s.last_name, &s.first_name))
    .bind(s.search_key())
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Updates a student's identity.
pub async fn update_student<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    s: &StudentInput,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE students SET matricule = $1, first_name = $2, last_name = $3, sex = $4, birth_date = $5, birth_place = $6, \
         sort_name = $7, search_key = $8 WHERE id = $9",
    )
    .bind(&s.matricule)
    .bind(&s.first_name)
    .bind(&s.last_name)
    .bind(s.sex)
    .bind(s.birth_date)
    .bind(&s.birth_place)
    .bind(crate::domain::sort_name(&s.last_name, &s.first_name))
    .bind(s.search_key())
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Marks a student as gone or back.
pub async fn set_student_active(db: &Pool, id: i64, active: bool) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("UPDATE students SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// Enrolls a student in a class for the class's year, replacing an enrollment of that year.
pub async fn enroll<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
    class_id: i64,
    at: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO enrollments (student_id, class_id, school_year_id, enrolled_on) \
         SELECT $1, c.id, c.school_year_id, $3 FROM classes c WHERE c.id = $2 \
         ON CONFLICT (student_id, school_year_id) DO UPDATE SET class_id = excluded.class_id",
    )
    .bind(student_id)
    .bind(class_id)
    .bind(at.date_naive())
    .execute(db)
    .await?;
    Ok(r.rows_affected())
}

/// Links a guardian to a student (or updates the relationship).
pub async fn link_guardian<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student_id: i64,
    user_id: i64,
    relationship: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO student_guardians (student_id, user_id, relationship) VALUES ($1, $2, $3) \
         ON CONFLICT (student_id, user_id) DO UPDATE SET relationship = excluded.relationship",
    )
    .bind(student_id)
    .bind(user_id)
    .bind(relationship)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes a guardian link.
pub async fn unlink_guardian(db: &Pool, student_id: i64, user_id: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query("DELETE FROM student_guardians WHERE student_id = $1 AND user_id = $2")
        .bind(student_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(r.rows_affected())
}

/// Headline counts for the administration's home.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub students: i64,
    /// Girls among them.
    pub girls: i64,
    /// Classes this year.
    pub classes: i64,
    pub staff: i64,
    pub guardians: i64,
    /// Students per cycle: (cycle, count).
    pub per_cycle: Vec<(String, i64)>,
}

/// Counts for the dashboard.
pub async fn counts(db: &Pool, year_id: i64) -> Result<Counts, sqlx::Error> {
    let (students, girls): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN sex = 'F' THEN 1 ELSE 0 END), 0) FROM students WHERE active = TRUE",
    )
    .fetch_one(db)
    .await?;
    let (classes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM classes WHERE school_year_id = $1")
            .bind(year_id)
            .fetch_one(db)
            .await?;
    let (staff,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff")
        .fetch_one(db)
        .await?;
    let (guardians,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM user_roles WHERE role = 'parent'")
            .fetch_one(db)
            .await?;
    let per_cycle: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.cycle, COUNT(*) FROM enrollments e JOIN classes c ON c.id = e.class_id \
         JOIN levels l ON l.id = c.level_id WHERE e.school_year_id = $1 GROUP BY l.cycle ORDER BY MIN(l.ordinal)",
    )
    .bind(year_id)
    .fetch_all(db)
    .await?;
    Ok(Counts {
        students,
        girls,
        classes,
        staff,
        guardians,
        per_cycle,
    })
}

/// An id and a label, for pickers.
#[derive(Clone, Debug, FromRow)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// Levels in order.
pub async fn levels(db: &Pool) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM levels ORDER BY ordinal")
        .fetch_all(db)
        .await
}

/// The code ("6e", "1ère") and cycle ("college") of a level.
pub async fn level_code(db: &Pool, id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT code, cycle FROM levels WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Séries as "C — Mathématiques…", with their code apart.
#[derive(Clone, Debug, FromRow)]
pub struct Serie {
    pub id: i64,
    /// "C".
    pub code: String,
    /// "Mathématiques et sciences physiques".
    pub name: String,
}

pub async fn series(db: &Pool) -> Result<Vec<Serie>, sqlx::Error> {
    sqlx::query_as("SELECT id, code, name FROM series ORDER BY code")
        .fetch_all(db)
        .await
}

/// Every subject, by name.
pub async fn subjects(db: &Pool) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM subjects ORDER BY name")
        .fetch_all(db)
        .await
}

/// "Prénom Nom" of a user.
pub async fn user_name(db: &Pool, id: i64) -> Result<Option<String>, sqlx::Error> {
    user_name_in(db, id).await
}

/// "Prénom Nom" of a user, on any connection.
pub async fn user_name_in<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT first_name || ' ' || last_name FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| r.0))
}

#[cfg(test)]
mod matricule_tests {
    use super::*;

    #[test]
    fn the_next_matricule_follows_the_schools_pattern() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            matricule_after("T-003", &list(&["T-001", "T-002", "T-003"])),
            Some("T-004".into())
        );
        // The highest, not the latest: a student created out of order.
        assert_eq!(
            matricule_after("LUM-26002", &list(&["LUM-26002", "LUM-28000", "lum-26001"])),
            Some("LUM-28001".into())
        );
        // Another pattern of the school's past does not count.
        assert_eq!(
            matricule_after("2026-0041", &list(&["2026-0041", "2025-0999", "X-77777"])),
            Some("2026-0042".into())
        );
        assert_eq!(
            matricule_after("T-009", &list(&["T-009"])),
            Some("T-010".into())
        );
        assert_eq!(
            matricule_after("T-999", &list(&["T-999"])),
            Some("T-1000".into())
        );
        assert_eq!(
            matricule_after("1234", &list(&["1234"])),
            Some("1235".into())
        );
        assert_eq!(matricule_after("ABC", &list(&["ABC"])), None);
        assert_eq!(
            matricule_after("ABCDEFGHIJKLMNOPQR99", &list(&["ABCDEFGHIJKLMNOPQR99"])),
            None
        );
        assert_eq!(matricule_parts("LUM-26042"), Some(("LUM-", "26042")));
        assert_eq!(matricule_parts("LUM-"), None);
    }
}
