//! Bulletins: the report card of each student for a period, computed for a whole class at
//! once (ranks need the class), shown on screen and printed from the same numbers.

use crate::db::Pool;
use crate::grades::calc::{EvalKind, MarkValue};

pub mod compute;
pub mod repo;
pub mod routes;
pub mod school;

pub use routes::router;

use compute::{ClassBulletins, StudentMark, Subject};

/// Computes every bulletin of a class for a period.
pub async fn for_class(
    db: &Pool,
    class_id: i64,
    period_id: i64,
    students: &[i64],
) -> Result<(Vec<Subject>, ClassBulletins), sqlx::Error> {
    let subjects = repo::class_subjects(db, class_id).await?;
    let marks: Vec<StudentMark> = repo::class_marks(db, class_id, period_id)
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
    let rules = crate::settings::grading(db)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("grading settings: {e}")))?;
    let computed = compute::compute(
        students,
        &subjects,
        &marks,
        rules.rule(),
        rules.thresholds(),
    );
    Ok((subjects, computed))
}
