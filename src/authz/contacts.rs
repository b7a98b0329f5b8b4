//! Who may write to whom, as conditions the contact search and the check before a new
//! conversation share (chat asks here; the rule is a relationship, so it lives in authz).

use crate::auth::{CurrentUser, Role};
use crate::db::Pool;

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

/// The condition on `u` (the other user, `$1` the writer) under which the writer may start a
/// direct conversation with them, or `None` if they start none.
pub fn contact_rule(u: &CurrentUser) -> Option<String> {
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
pub fn known_children(u: &CurrentUser) -> &'static str {
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
