//! Who is related to which class and student, as the boards and challenges need it.

use std::collections::HashSet;

use sqlx::FromRow;

use crate::db::Pool;

/// A class the viewer is related to, in the current year.
#[derive(Clone, Debug, FromRow)]
pub struct ClassRef {
    pub id: i64,
    pub name: String,
    pub level_id: i64,
    pub level_name: String,
}

/// The current year's classes `user` teaches or heads, or where their children or they
/// themselves are enrolled; every class when `all`.
pub async fn visible_classes(
    db: &Pool,
    all: bool,
    user: i64,
) -> Result<Vec<ClassRef>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.name, c.level_id, l.name AS level_name FROM classes c \
         JOIN levels l ON l.id = c.level_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE $1 OR c.head_teacher_user_id = $2 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = c.id AND s.user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
                    WHERE e.class_id = c.id AND g.user_id = $2) \
         ORDER BY l.ordinal, c.name",
    )
    .bind(all)
    .bind(user)
    .fetch_all(db)
    .await
}

/// `user` themself, their children, and the students of the current year's classes they
/// teach or head.
pub async fn known_students(db: &Pool, user: i64) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT s.id FROM students s WHERE s.user_id = $1 \
         UNION SELECT g.student_id FROM student_guardians g WHERE g.user_id = $1 \
         UNION SELECT e.student_id FROM enrollments e JOIN classes c ON c.id = e.class_id \
           JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
           WHERE c.head_teacher_user_id = $1 OR EXISTS (SELECT 1 FROM teaching_assignments t \
           WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// `user` themself if a student, and their children.
pub async fn own_students(db: &Pool, user: i64) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM students WHERE user_id = $1 UNION SELECT student_id FROM student_guardians WHERE user_id = $1",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The classes, of any year, `user` teaches or heads.
pub async fn teacher_class_ids(db: &Pool, user: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM classes c WHERE c.head_teacher_user_id = $1 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The student's own account, if any, and their guardians' accounts.
pub async fn accounts_of(db: &Pool, student: i64) -> Result<Vec<i64>, sqlx::Error> {
    let users: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM students WHERE id = $1 AND user_id IS NOT NULL \
         UNION SELECT user_id FROM student_guardians WHERE student_id = $1",
    )
    .bind(student)
    .fetch_all(db)
    .await?;
    Ok(users.into_iter().map(|u| u.0).collect())
}
