//! Who is concerned by something that happens to a student: the people school events are
//! told to, as the owners of those events ask.

use sqlx::FromRow;

use crate::db::Db;

/// Someone told about a student: the student's own account, or a guardian's.
#[derive(Clone, Debug, FromRow)]
pub struct Concerned {
    pub user_id: i64,
    /// A guardian; false for the student's own account.
    pub is_guardian: bool,
    /// The student's first name.
    pub student_name: String,
}

/// A student's own account (if they have one) and their guardians'.
pub async fn concerned<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Vec<Concerned>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.user_id, TRUE AS is_guardian, s.first_name AS student_name FROM student_guardians g \
           JOIN students s ON s.id = g.student_id WHERE g.student_id = $1 \
         UNION SELECT s.user_id, FALSE, s.first_name FROM students s WHERE s.id = $1 AND s.user_id IS NOT NULL",
    )
    .bind(student)
    .fetch_all(db)
    .await
}

/// A student's guardians, as told about them.
pub async fn guardians_concerned<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Vec<Concerned>, sqlx::Error> {
    let mut all = concerned(db, student).await?;
    all.retain(|c| c.is_guardian);
    Ok(all)
}

pub async fn student_first_name<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<String, sqlx::Error> {
    let (name,): (String,) = sqlx::query_as("SELECT first_name FROM students WHERE id = $1")
        .bind(student)
        .fetch_one(db)
        .await?;
    Ok(name)
}

/// The active bursars' accounts.
pub async fn bursars<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'bursar' WHERE u.active = TRUE",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The active accounts of the administration that keeps the records (the director, the
/// secretary): who reads what is flagged to the school.
pub async fn records_staff<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id \
         AND r.role IN ('director', 'secretary') WHERE u.active = TRUE ORDER BY u.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Where and in which language to write to a user.
#[derive(Clone, Debug, FromRow)]
pub struct Addressee {
    pub email: Option<String>,
    /// A catalog locale ("fr", "en").
    pub locale: String,
}

/// The e-mail address and language of an active user (`None` once deactivated).
pub async fn addressee<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
) -> Result<Option<Addressee>, sqlx::Error> {
    sqlx::query_as("SELECT email, locale FROM users WHERE id = $1 AND active = TRUE")
        .bind(user)
        .fetch_optional(db)
        .await
}

/// The directors' accounts (active), who hear of what concerns the whole school.
pub async fn directors<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'director' \
         WHERE u.active = TRUE ORDER BY u.id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The phone of an active account, if it has one.
pub async fn user_phone<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    user: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT phone FROM users WHERE id = $1 AND active = TRUE")
            .bind(user)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|r| r.0))
}

/// A student with their class of the current year, as the workflows read an event about
/// them.
#[derive(Clone, Debug, FromRow)]
pub struct StudentContext {
    pub student_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub class_id: Option<i64>,
    pub class_name: Option<String>,
    /// The level's code ("3e", "Tle").
    pub level: Option<String>,
    /// The série's code, for the lycée.
    pub serie: Option<String>,
    /// The class's professeur principal.
    pub head_teacher_user_id: Option<i64>,
    /// The student's own account.
    pub user_id: Option<i64>,
}

pub async fn student_context<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<Option<StudentContext>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS student_id, s.first_name, s.last_name, c.id AS class_id, c.name AS class_name, \
           l.code AS level, se.code AS serie, c.head_teacher_user_id, s.user_id \
         FROM students s \
         LEFT JOIN enrollments e ON e.student_id = s.id \
           AND e.school_year_id = (SELECT y.id FROM school_years y WHERE y.current = TRUE ORDER BY y.id DESC LIMIT 1) \
         LEFT JOIN classes c ON c.id = e.class_id LEFT JOIN levels l ON l.id = c.level_id \
         LEFT JOIN series se ON se.id = c.series_id WHERE s.id = $1",
    )
    .bind(student)
    .fetch_optional(db)
    .await
}
