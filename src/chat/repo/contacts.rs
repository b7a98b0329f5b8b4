//! Whom a person may write to directly, found by name (or, for a parent, by a child's
//! name), with what tells them apart: a parent's children, a teacher's subjects.

use sqlx::FromRow;

use crate::auth::{CurrentUser, Role};
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

// Who may start a direct conversation with whom, by the roles the writer holds:
// a parent writes to the teachers of their children and to the administration; a teacher
// to the staff and to the parents of the students they teach; the administration to the
// staff and to every parent. Students write in their class channel only.
const ADMIN_STAFF: &str = "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('director', 'secretary', 'bursar'))";
const ALL_STAFF: &str = "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ('director', 'secretary', 'bursar', 'teacher'))";
const ALL_PARENTS: &str =
    "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'parent')";
const MY_CHILDREN_TEACHERS: &str = "u.id IN (SELECT t.teacher_user_id FROM teaching_assignments t \
      JOIN enrollments e ON e.class_id = t.class_id JOIN student_guardians g ON g.student_id = e.student_id \
      JOIN students s ON s.id = e.student_id AND s.active = TRUE \
      JOIN classes c ON c.id = e.class_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
      WHERE g.user_id = $1 \
    UNION SELECT c.head_teacher_user_id FROM classes c JOIN enrollments e ON e.class_id = c.id \
      JOIN student_guardians g ON g.student_id = e.student_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
      JOIN students s ON s.id = e.student_id AND s.active = TRUE \
      WHERE g.user_id = $1 AND c.head_teacher_user_id IS NOT NULL)";
const MY_STUDENTS_PARENTS: &str = "u.id IN (SELECT g.user_id FROM student_guardians g \
      JOIN students s ON s.id = g.student_id AND s.active = TRUE \
      JOIN enrollments e ON e.student_id = g.student_id JOIN classes c ON c.id = e.class_id \
      JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
      WHERE c.head_teacher_user_id = $1 OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1))";

fn contact_rule(u: &CurrentUser) -> Option<String> {
    let mut rules: Vec<&str> = Vec::new();
    if u.is_admin() {
        rules.extend([ALL_STAFF, ALL_PARENTS]);
    }
    if u.has(Role::Teacher) {
        rules.extend([ALL_STAFF, MY_STUDENTS_PARENTS]);
    }
    if u.has(Role::Parent) {
        rules.extend([ADMIN_STAFF, MY_CHILDREN_TEACHERS]);
    }
    (!rules.is_empty()).then(|| format!("({})", rules.join(" OR ")))
}

/// Which children of a parent the writer `$1` may be told of (`s` is the student): every
/// one for the administration, those they teach or head for a teacher, none otherwise.
fn known_children(u: &CurrentUser) -> &'static str {
    if u.is_admin() {
        "TRUE"
    } else if u.has(Role::Teacher) {
        "EXISTS (SELECT 1 FROM enrollments ke JOIN classes kc ON kc.id = ke.class_id \
           JOIN school_years ky ON ky.id = kc.school_year_id AND ky.current = TRUE \
           WHERE ke.student_id = s.id AND (kc.head_teacher_user_id = $1 OR EXISTS \
           (SELECT 1 FROM teaching_assignments kt WHERE kt.class_id = kc.id AND kt.teacher_user_id = $1)))"
    } else {
        "FALSE"
    }
}

/// The people `u` may write to (see [`contact_rule`]) matching `q`, by name, at most `limit`.
pub async fn contacts(
    db: &Pool,
    u: &CurrentUser,
    q: &str,
    limit: i64,
) -> Result<Vec<Contact>, sqlx::Error> {
    let Some(rule) = contact_rule(u) else {
        return Ok(Vec::new());
    };
    let known = known_children(u);
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
    let known = known_children(u);
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

/// May `u` start a conversation with user `other`?
pub async fn may_contact(db: &Pool, u: &CurrentUser, other: i64) -> Result<bool, sqlx::Error> {
    let Some(rule) = contact_rule(u) else {
        return Ok(false);
    };
    let row = sqlx::query(crate::sql!(
        "SELECT 1 FROM users u WHERE u.active = TRUE AND u.id <> $1 AND u.id = $2 AND {rule}"
    ))
    .bind(u.id)
    .bind(other)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}
