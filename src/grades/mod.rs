//! Grades: evaluations and marks (the teacher's gradebook), and the arithmetic of the
//! bulletin. Recording a mark writes the mark, its audit line and a `mark.recorded` school
//! event in one transaction.

use crate::db::Pool;

pub mod calc;
mod copy;
pub mod model;
pub mod repo;
pub mod routes;

pub use routes::router;

use calc::MarkValue;
use model::MarkInput;
use repo::{EvalRow, MarkRow};

/// Why a mark could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    /// The period is closed by the administration.
    #[error("period closed")]
    Closed,
    /// The student is not in the evaluation's class.
    #[error("student not in class")]
    NotInClass,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Records (or clears) one student's mark on an evaluation, with its audit line and school
/// event, all in one transaction. Returns the mark as now stored.
pub async fn record_mark(
    db: &Pool,
    by: i64,
    eval: &EvalRow,
    student_id: i64,
    input: MarkInput,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<MarkRow>, MarkError> {
    let mut tx = crate::db::begin_write(db).await?;
    let new = record_mark_in(&mut tx, by, eval, student_id, input, at).await?;
    tx.commit().await?;
    Ok(new)
}

/// Records a whole column of marks in one transaction: all of them, or none.
pub async fn record_marks(
    db: &Pool,
    by: i64,
    eval: &EvalRow,
    marks: &[(i64, MarkInput)],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), MarkError> {
    let mut tx = crate::db::begin_write(db).await?;
    for (student_id, input) in marks {
        record_mark_in(&mut tx, by, eval, *student_id, *input, at).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// [`record_mark`] inside the caller's transaction.
pub async fn record_mark_in(
    tx: &mut crate::db::Tx<'_>,
    by: i64,
    eval: &EvalRow,
    student_id: i64,
    input: MarkInput,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<MarkRow>, MarkError> {
    // Read the lock inside the transaction, so a period closed meanwhile is honoured.
    if repo::period_closed(&mut **tx, eval.period_id).await? {
        return Err(MarkError::Closed);
    }
    if !repo::is_enrolled(&mut **tx, student_id, eval.class_id).await? {
        return Err(MarkError::NotInClass);
    }
    let old = repo::mark(&mut **tx, eval.id, student_id).await?;
    let new = match input {
        MarkInput::Clear => {
            repo::delete_mark(&mut **tx, eval.id, student_id).await?;
            None
        }
        MarkInput::Set(value) => {
            repo::upsert_mark(&mut **tx, eval.id, student_id, value, by, at).await?;
            let (status, points) = match value {
                MarkValue::Score(p) => ("score", Some(p)),
                MarkValue::Absent => ("absent", None),
                MarkValue::Excused => ("excused", None),
            };
            Some(MarkRow {
                evaluation_id: eval.id,
                student_id,
                status: status.into(),
                points,
            })
        }
    };
    if old != new {
        // "12,5/20", or "abs" alone: an absence has no scale.
        let show = |m: &Option<MarkRow>| {
            m.as_ref().map(|m| match m.value() {
                MarkValue::Score(_) => format!("{}/{}", m.display(), eval.scale),
                _ => m.display(),
            })
        };
        let action = match (&old, &new) {
            (None, _) => "create",
            (_, None) => "delete",
            _ => "update",
        };
        crate::audit::record(
            &mut **tx,
            Some(by),
            "mark",
            &format!("{}:{}", eval.id, student_id),
            action,
            show(&old).as_deref(),
            show(&new).as_deref(),
            at,
        )
        .await?;
        use crate::events::{MarkRecorded, MarkStatus, SchoolEvent};
        let status = new.as_ref().map(|m| match m.status.as_str() {
            "absent" => MarkStatus::Absent,
            "excused" => MarkStatus::Excused,
            _ => MarkStatus::Score,
        });
        let event = SchoolEvent::MarkRecorded(MarkRecorded {
            evaluation_id: eval.id,
            student_id,
            class_id: eval.class_id,
            subject_id: eval.subject_id,
            period_id: eval.period_id,
            status,
            points: new.as_ref().and_then(|m| m.points),
            scale: eval.scale,
        });
        crate::events::publish(&mut **tx, &event, Some(by), at).await?;
    }
    Ok(new)
}

/// A student's subject average for a period from the marks of its evaluations.
pub fn average_of(
    evals: &[EvalRow],
    marks: &[&MarkRow],
    rule: calc::AverageRule,
) -> calc::SubjectAverage {
    let list: Vec<calc::Mark> = marks
        .iter()
        .filter_map(|m| {
            let e = evals.iter().find(|e| e.id == m.evaluation_id)?;
            let value = match m.value() {
                MarkValue::Score(p) => MarkValue::Score(calc::to_twenty(p, e.scale)),
                other => other,
            };
            Some(calc::Mark {
                kind: e.eval_kind(),
                weight: e.weight,
                value,
            })
        })
        .collect();
    calc::subject_average(&list, rule)
}

/// One mark of a student, as families see it.
#[derive(Clone, Debug)]
pub struct FamilyMark {
    /// The evaluation's title.
    pub title: String,
    /// The catalog key of its kind.
    pub kind_key: String,
    /// The day it was held.
    pub held_on: chrono::NaiveDate,
    /// The mark, on the evaluation's scale.
    pub value: MarkValue,
    /// The evaluation's scale.
    pub scale: i64,
    /// How the class did (when enough of it was marked).
    pub class: Option<calc::Spread>,
}

impl FamilyMark {
    /// "Classe : moyenne 11,5 · plus basse 4 · plus haute 18", when the class was marked.
    pub fn class_text(&self, t: &crate::i18n::Tr) -> Option<String> {
        self.class.map(|c| {
            t.tj(
                "marks-class-spread",
                serde_json::json!({
                    "mean": model::points_text(t, c.mean),
                    "min": model::points_text(t, c.min),
                    "max": model::points_text(t, c.max),
                }),
            )
        })
    }

    /// The points in the reader's locale, or `None` for an absence or an excused student
    /// (whose word goes without "/20": [`FamilyMark::word_key`]).
    pub fn points(&self, t: &crate::i18n::Tr) -> Option<String> {
        match self.value {
            MarkValue::Score(p) => Some(model::points_text(t, p)),
            _ => None,
        }
    }

    /// The catalog key of "Absent" or "Dispensé" ("" for a score).
    pub fn word_key(&self) -> &'static str {
        model::mark_word_key(self.value).unwrap_or_default()
    }
}

/// One subject's marks for a student and period, as families see them.
#[derive(Clone, Debug)]
pub struct SubjectMarks {
    pub subject_id: i64,
    /// The subject's name.
    pub subject: String,
    /// Each mark, in the order of the evaluations.
    pub marks: Vec<FamilyMark>,
    /// The subject average so far, in hundredths out of 20.
    pub average: Option<i64>,
    /// How the average was computed.
    pub explanation: String,
}

/// Families see how the class did on an evaluation once this many students were marked.
pub const FAMILY_SPREAD_MIN: i64 = 5;

/// A student's marks of a period, by subject, with the averages so far.
pub async fn student_marks(
    db: &Pool,
    student_id: i64,
    period_id: i64,
) -> Result<Vec<SubjectMarks>, sqlx::Error> {
    let rows = repo::student_marks(db, student_id, period_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.evaluation_id).collect();
    let spreads: std::collections::HashMap<i64, calc::Spread> = repo::score_spread(db, &ids)
        .await?
        .into_iter()
        .filter_map(|(id, sum, min, max, n)| {
            calc::Spread::of(sum, min, max, n, FAMILY_SPREAD_MIN).map(|s| (id, s))
        })
        .collect();
    let rule = crate::settings::grading(db)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("grading settings: {e}")))?
        .rule();
    let mut out: Vec<(i64, SubjectMarks, Vec<calc::Mark>)> = Vec::new();
    for r in rows {
        let value = match (r.status.as_str(), r.points) {
            ("score", Some(p)) => MarkValue::Score(p),
            ("excused", _) => MarkValue::Excused,
            _ => MarkValue::Absent,
        };
        let on_twenty = match value {
            MarkValue::Score(p) => MarkValue::Score(calc::to_twenty(p, r.scale)),
            other => other,
        };
        let mark = calc::Mark {
            kind: calc::EvalKind::parse(&r.kind).unwrap_or(calc::EvalKind::Devoir),
            weight: r.weight,
            value: on_twenty,
        };
        let entry = FamilyMark {
            title: r.title,
            kind_key: format!("kind-{}", r.kind),
            held_on: r.held_on,
            value,
            scale: r.scale,
            class: spreads.get(&r.evaluation_id).copied(),
        };
        match out.iter_mut().find(|(id, _, _)| *id == r.subject_id) {
            Some((_, s, marks)) => {
                s.marks.push(entry);
                marks.push(mark);
            }
            None => out.push((
                r.subject_id,
                SubjectMarks {
                    subject_id: r.subject_id,
                    subject: r.subject,
                    marks: vec![entry],
                    average: None,
                    explanation: String::new(),
                },
                vec![mark],
            )),
        }
    }
    Ok(out
        .into_iter()
        .map(|(_, mut s, marks)| {
            let avg = calc::subject_average(&marks, rule);
            s.average = avg.value;
            s.explanation = avg.explanation;
            s
        })
        .collect())
}
