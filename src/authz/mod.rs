//! Authorization: the one place that answers "may this user see or act on this record?",
//! from the school's relationships (guardian of, teaches, enrolled in, administration role).
//! Every handler that touches a student or a class asks here.

mod access;
mod contacts;
mod relations;

pub use access::{Allow, DIRECTOR, FEES, MONEY, RECORDS, Rule, SCHOOL_RISKS, STAFF, Viewer};
pub use contacts::{contact_rule, known_children, may_contact};
pub use relations::{known_students, own_students, related_classes, taught_classes};

use crate::auth::CurrentUser;
use crate::db::Pool;
use crate::error::{AppError, AppResult};

async fn exists(db: &Pool, sql: &'static str, a: i64, b: i64) -> Result<bool, sqlx::Error> {
    // Only whether a row exists matters; nothing is decoded, so the literal's type is moot.
    let row = sqlx::query(sql).bind(a).bind(b).fetch_optional(db).await?;
    Ok(row.is_some())
}

/// Is `u` a guardian of student `student_id`? (A parent acts for their own children only:
/// justifying an absence, paying.)
pub async fn is_guardian_of(
    db: &Pool,
    u: &CurrentUser,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    exists(
        db,
        "SELECT 1 FROM student_guardians WHERE student_id = $1 AND user_id = $2",
        student_id,
        u.id,
    )
    .await
}

/// May the account `user_id` follow student `student_id`'s week from outside a session (a
/// calendar feed)? The student's own account, or a guardian's.
pub async fn may_follow_student(
    db: &Pool,
    user_id: i64,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    if exists(
        db,
        "SELECT 1 FROM students WHERE id = $1 AND user_id = $2",
        student_id,
        user_id,
    )
    .await?
    {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM student_guardians WHERE student_id = $1 AND user_id = $2",
        student_id,
        user_id,
    )
    .await
}

/// May `u` see student `student_id`? The administration sees everyone; a parent their own
/// children; a student themself; a teacher the students of the classes they teach or head.
pub async fn can_see_student(
    db: &Pool,
    u: &CurrentUser,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    if u.is_admin() {
        return Ok(true);
    }
    if exists(
        db,
        "SELECT 1 FROM student_guardians WHERE student_id = $1 AND user_id = $2",
        student_id,
        u.id,
    )
    .await?
    {
        return Ok(true);
    }
    if exists(
        db,
        "SELECT 1 FROM students WHERE id = $1 AND user_id = $2",
        student_id,
        u.id,
    )
    .await?
    {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM enrollments e JOIN classes c ON c.id = e.class_id \
         WHERE e.student_id = $1 AND (c.head_teacher_user_id = $2 OR EXISTS \
         (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2))",
        student_id,
        u.id,
    )
    .await
}

/// May `u` see a student's school documents (certificates, card, photo)? The
/// administration, the student's guardians and the student; not their teachers.
pub async fn can_see_documents(
    db: &Pool,
    u: &CurrentUser,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    if u.is_admin() {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM students s WHERE s.id = $1 AND (s.user_id = $2 OR EXISTS \
         (SELECT 1 FROM student_guardians g WHERE g.student_id = s.id AND g.user_id = $2))",
        student_id,
        u.id,
    )
    .await
}

/// May `u` see class `class_id` (its roster and teachers)? The administration, its teachers
/// and professeur principal, its students, and the parents of its students.
pub async fn can_see_class(db: &Pool, u: &CurrentUser, class_id: i64) -> Result<bool, sqlx::Error> {
    if u.is_admin() {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM classes c WHERE c.id = $1 AND (c.head_teacher_user_id = $2 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id \
                    WHERE e.class_id = c.id AND s.user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
                    WHERE e.class_id = c.id AND g.user_id = $2))",
        class_id,
        u.id,
    )
    .await
}

/// May `u` see the class roster with the students' details? Staff only: the administration
/// and the class's teachers (students and parents see the class, not their classmates' data).
pub async fn can_see_roster(
    db: &Pool,
    u: &CurrentUser,
    class_id: i64,
) -> Result<bool, sqlx::Error> {
    if u.is_admin() {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM classes c WHERE c.id = $1 AND (c.head_teacher_user_id = $2 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2))",
        class_id,
        u.id,
    )
    .await
}

/// The roles among which the conseil de classe is held: the director, and a teacher who
/// heads the class (which `may_hold_council` asks of the class).
pub const COUNCIL: &[crate::auth::Role] =
    &[crate::auth::Role::Director, crate::auth::Role::Teacher];

/// May `u` hold the conseil de classe of a class headed by `head_teacher` (its sheet, its
/// annual results)? The director and the class's professeur principal.
pub fn may_hold_council(u: &CurrentUser, head_teacher: Option<i64>) -> bool {
    u.has(crate::auth::Role::Director) || head_teacher == Some(u.id)
}

/// May `u` follow the students at risk of the whole school (the risk list of every class,
/// its thresholds)? The director and the secretary; a professeur principal follows their
/// own classes' (see `analytics`), the bursar none.
pub fn may_follow_school_risks(u: &CurrentUser) -> bool {
    SCHOOL_RISKS.iter().any(|r| u.has(*r))
}

/// May `u` download a leaderboard (Excel, CSV, PDF)? Staff and parents; not a student: a
/// board is for seeing one's place, not for passing classmates' names around.
pub fn may_export_boards(u: &CurrentUser) -> bool {
    u.active_role != crate::auth::Role::Student
}

/// Turns a "no" into 403, for handlers.
pub fn require(allowed: bool) -> AppResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// May `u` manage people and classes (create, edit, deactivate)? The director and the
/// secretary; the bursar manages money, not records.
pub fn can_manage_records(u: &CurrentUser) -> bool {
    RECORDS.iter().any(|r| u.has(*r))
}

/// May `u` give role `r` to an account (a new one, or by editing one)? The director gives
/// any role. Another manager of records gives the roles outside the administration
/// (teacher, parent, student), and an administration role only if they hold it themselves:
/// nobody makes an account stronger than their own.
pub fn may_grant(u: &CurrentUser, r: crate::auth::Role) -> bool {
    use crate::auth::Role;
    if u.has(Role::Director) {
        return true;
    }
    can_manage_records(u) && (!r.is_admin() || u.has(r))
}

/// May `u` change the record of a person who holds `roles` (name, login e-mail or phone)?
/// Only someone who could have given that person every role they hold: changing a
/// director's login is taking over the director's account.
pub fn may_edit_person(u: &CurrentUser, roles: &[crate::auth::Role]) -> bool {
    can_manage_records(u) && roles.iter().all(|r| may_grant(u, *r))
}

/// May `u` manage accounts (reset passwords, roles, deactivation)? The director only.
pub fn can_manage_accounts(u: &CurrentUser) -> bool {
    u.has(crate::auth::Role::Director)
}

/// May `u` enter marks for `subject_id` in `class_id`? Only the teacher assigned to that
/// subject in that class.
pub async fn can_grade(
    db: &Pool,
    u: &CurrentUser,
    class_id: i64,
    subject_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 FROM teaching_assignments WHERE class_id = $1 AND subject_id = $2 AND teacher_user_id = $3",
    )
    .bind(class_id)
    .bind(subject_id)
    .bind(u.id)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// Does `u` teach `subject_id` in some class (its question bank is theirs to fill)?
pub async fn teaches_subject(
    db: &Pool,
    u: &CurrentUser,
    subject_id: i64,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT 1 FROM teaching_assignments WHERE subject_id = $1 AND teacher_user_id = $2 LIMIT 1",
    )
    .bind(subject_id)
    .bind(u.id)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// May `u` record payments, grant discounts, reverse receipts and set fees? The bursar
/// and the director; the secretary reads accounts but does not handle money.
pub fn can_handle_money(u: &CurrentUser) -> bool {
    MONEY.iter().any(|r| u.has(*r))
}

/// May `u` see the fees account and receipts of `student_id`? The administration and the
/// student's guardians. Students themselves do not see fees.
pub async fn can_see_fees(
    db: &Pool,
    u: &CurrentUser,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    if u.is_admin() {
        return Ok(true);
    }
    exists(
        db,
        "SELECT 1 FROM student_guardians WHERE student_id = $1 AND user_id = $2",
        student_id,
        u.id,
    )
    .await
}
