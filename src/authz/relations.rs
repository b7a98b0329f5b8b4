//! Who is related to which class and student: the relationship questions that lists and
//! boards ask in bulk (the yes-or-no questions are in `authz`'s root).

use std::collections::HashSet;

use crate::auth::CurrentUser;
use crate::db::Pool;

/// The ids of the current year's classes `u` teaches or heads, or where their children or
/// they themselves are enrolled.
pub async fn related_classes(db: &Pool, u: &CurrentUser) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM classes c JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE c.head_teacher_user_id = $1 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = c.id AND s.user_id = $1) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
                    WHERE e.class_id = c.id AND g.user_id = $1)",
    )
    .bind(u.id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// `u` themself, their children, and the students of the current year's classes they
/// teach or head.
pub async fn known_students(db: &Pool, u: &CurrentUser) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT s.id FROM students s WHERE s.user_id = $1 \
         UNION SELECT g.student_id FROM student_guardians g WHERE g.user_id = $1 \
         UNION SELECT e.student_id FROM enrollments e JOIN classes c ON c.id = e.class_id \
           JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
           WHERE c.head_teacher_user_id = $1 OR EXISTS (SELECT 1 FROM teaching_assignments t \
           WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(u.id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// `u` themself if a student, and their children.
pub async fn own_students(db: &Pool, u: &CurrentUser) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM students WHERE user_id = $1 UNION SELECT student_id FROM student_guardians WHERE user_id = $1",
    )
    .bind(u.id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The classes, of any year, `user` teaches or heads.
pub async fn taught_classes(db: &Pool, user: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM classes c WHERE c.head_teacher_user_id = $1 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
