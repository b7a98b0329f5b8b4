//! Whom a person may write to directly, found by name (or, for a parent, by a child's
//! name), with what tells them apart: a parent's children, a teacher's subjects.

use sqlx::FromRow;

use crate::auth::{CurrentUser, Role};
use crate::authz;
use crate::db::Pool;

/// Someone the user may write to directly.
#[derive(Clone, Debug, FromRow)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    /// Their roles, comma-separated codes.
    pub roles: String,
    /// For a parent, the children the writer may know of, "GABA Dodzi (1ère D 1)": two
    /// parents may share a name, their children tell them apart.
    #[sqlx(skip)]
    pub children: Vec<String>,
    /// For a teacher, the subjects they teach (to the writer's children, for a parent).
    #[sqlx(skip)]
    pub subjects: Vec<String>,
}

/// The people `u` may write to (see [`authz::contact_rule`]) matching `q`, by name, at most
/// `limit`.
pub async fn contacts(
    db: &Pool,
    u: &CurrentUser,
    q: &str,
    limit: i64,
) -> Result<Vec<Contact>, sqlx::Error> {
    let Some(rule) = authz::contact_rule(u) else {
        return Ok(Vec::new());
    };
    let known = authz::known_children(u);
    sqlx::query_as(crate::sql!(
        "SELECT u.id, u.first_name || ' ' || u.last_name AS name, \
           COALESCE((SELECT string_agg(r.role, ',') FROM user_roles r WHERE r.user_id = u.id), '') AS roles \
         FROM users u WHERE u.active = TRUE AND u.id <> $1 AND {rule} \
         AND (u.search_key LIKE $2 OR EXISTS (SELECT 1 FROM student_guardians g \
              JOIN students s ON s.id = g.student_id AND s.active = TRUE \
              WHERE g.user_id = u.id AND s.search_key LIKE $2 AND {known})) \
         ORDER BY u.sort_name LIMIT $3"
    ))
    .bind(u.id)
    .bind(crate::domain::search_pattern(q))
    .bind(limit)
    .fetch_all(db)
    .await
}

/// `$2, $3…` for `n` ids bound after the writer's id.
fn id_params(n: usize) -> String {
    (0..n)
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The children of the parents `users` that `u` may be told of: (parent, last name, first
/// name, class this year), in name order.
pub async fn children_of_contacts(
    db: &Pool,
    u: &CurrentUser,
    users: &[i64],
) -> Result<Vec<(i64, String, String, Option<String>)>, sqlx::Error> {
    let known = authz::known_children(u);
    let ids = id_params(users.len());
    let sql = crate::sql!(
        "SELECT g.user_id, s.last_name, s.first_name, c.name FROM student_guardians g \
         JOIN students s ON s.id = g.student_id AND s.active = TRUE \
         LEFT JOIN enrollments e ON e.student_id = s.id \
           AND e.school_year_id = (SELECT y.id FROM school_years y WHERE y.current = TRUE ORDER BY y.id DESC LIMIT 1) \
         LEFT JOIN classes c ON c.id = e.class_id \
         WHERE g.user_id IN ({ids}) AND {known} ORDER BY s.sort_name, s.id"
    );
    let mut q = sqlx::query_as::<_, (i64, String, String, Option<String>)>(sql).bind(u.id);
    for id in users {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}

/// The subjects the teachers `users` teach this year, as (teacher, subject), by subject.
pub async fn subjects_of_contacts(
    db: &Pool,
    u: &CurrentUser,
    users: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    // A parent is told the subjects taught to their own children; staff, every subject.
    let taught = if u.is_admin() || u.has(Role::Teacher) {
        "TRUE"
    } else {
        "EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
           WHERE e.class_id = c.id AND g.user_id = $1)"
    };
    let ids = id_params(users.len());
    let sql = crate::sql!(
        "SELECT DISTINCT t.teacher_user_id, j.name FROM teaching_assignments t \
         JOIN subjects j ON j.id = t.subject_id JOIN classes c ON c.id = t.class_id \
         JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE t.teacher_user_id IN ({ids}) AND {taught} ORDER BY j.name"
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(sql).bind(u.id);
    for id in users {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}
