//! The classes and people the boards and challenges list (who is related to which is asked of
//! `authz`).

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

/// The current year's classes among `ids`, in the order of levels and names; every current
/// class when `all`.
pub async fn classes(db: &Pool, all: bool, ids: &[i64]) -> Result<Vec<ClassRef>, sqlx::Error> {
    let list = if ids.is_empty() {
        "NULL".to_string()
    } else {
        (2..ids.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = crate::sql!(
        "SELECT c.id, c.name, c.level_id, l.name AS level_name FROM classes c \
         JOIN levels l ON l.id = c.level_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE $1 OR c.id IN ({list}) ORDER BY l.ordinal, c.name"
    );
    let mut q = sqlx::query_as(sql).bind(all);
    for id in ids {
        q = q.bind(*id);
    }
    q.fetch_all(db).await
}
