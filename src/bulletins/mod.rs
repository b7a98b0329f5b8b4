//! Bulletins: the report card of each student for a period, computed for a whole class at
//! once (ranks need the class), shown on screen and printed from the same numbers.

use crate::db::Pool;
use crate::grades::calc::{EvalKind, MarkValue};

pub mod compute;
mod entry;
pub mod pdf;
pub mod readiness;
pub mod repo;
pub mod routes;
pub mod school;
pub mod sheet;

pub use routes::router;

use compute::{ClassBulletins, StudentMark, Subject};

/// Computes every bulletin of a class for a period.
pub async fn for_class(
    db: &Pool,
    class_id: i64,
    period_id: i64,
    students: &[i64],
) -> Result<(Vec<Subject>, ClassBulletins), sqlx::Error> {
    let rules = crate::settings::grading(db)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("grading settings: {e}")))?;
    let mut conn = db.acquire().await?;
    compute_on(&mut conn, class_id, period_id, students, &rules).await
}

/// The same computation inside a transaction, with the grading rules already read.
pub async fn for_class_in(
    tx: &mut crate::db::Tx<'_>,
    class_id: i64,
    period_id: i64,
    students: &[i64],
    rules: &crate::settings::GradingSettings,
) -> Result<(Vec<Subject>, ClassBulletins), sqlx::Error> {
    compute_on(tx, class_id, period_id, students, rules).await
}

async fn compute_on(
    conn: &mut <crate::db::Db as sqlx::Database>::Connection,
    class_id: i64,
    period_id: i64,
    students: &[i64],
    rules: &crate::settings::GradingSettings,
) -> Result<(Vec<Subject>, ClassBulletins), sqlx::Error> {
    let subjects = repo::class_subjects(&mut *conn, class_id).await?;
    let marks: Vec<StudentMark> = repo::class_marks(&mut *conn, class_id, period_id)
        .await?
        .into_iter()
        .map(|m| {
            let value = match (m.status.as_str(), m.points) {
                ("score", Some(p)) => MarkValue::Score(p),
                ("excused", _) => MarkValue::Excused,
                _ => MarkValue::Absent,
            };
            StudentMark {
                student_id: m.student_id,
                subject_id: m.subject_id,
                mark: compute::to_mark(
                    EvalKind::parse(&m.kind).unwrap_or(EvalKind::Devoir),
                    m.weight,
                    value,
                    m.scale,
                ),
            }
        })
        .collect();
    let computed = compute::compute(
        students,
        &subjects,
        &marks,
        rules.rule(),
        rules.thresholds(),
    );
    Ok((subjects, computed))
}
