//! Course results into the gradebook: one evaluation of the course's class and subject,
//! created the first time and updated after, its marks recorded like a teacher's (audit line
//! and `mark.recorded` event each), all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::repo::CourseRow;
use crate::app::AppState;
use crate::db::{Pool, Tx};
use crate::error::AppResult;
use crate::grades::calc::{EvalKind, MarkValue};
use crate::grades::model::MarkInput;
use crate::grades::repo::{self as grades, NewEvaluation};
use crate::web::Ctx;

/// Why results could not go to the gradebook (a catalog key each).
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("no period")]
    NoPeriod,
    #[error("period closed")]
    Closed,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl SendError {
    pub fn key(&self) -> &'static str {
        match self {
            SendError::NoPeriod => "course-error-no-period",
            SendError::Closed => "course-error-period-closed",
            SendError::Db(_) => "error-internal",
        }
    }
}

/// What to send: the evaluation already fed (if it still exists), its title and kind, and
/// the marks in hundredths out of 20 by student.
pub struct Results<'a> {
    pub existing: Option<i64>,
    pub title: &'a str,
    pub kind: EvalKind,
    pub marks: &'a [(i64, i64)],
}

/// What fed the gradebook, which keeps the evaluation's id to update it next time.
pub enum Source {
    Quiz(i64),
    Assignment(i64),
}

/// Sends the results and keeps the evaluation's id on their source, in one transaction; the
/// teacher is told how many marks went, or why none did.
pub async fn send_told(
    app: &AppState,
    ctx: &Ctx,
    course: &CourseRow,
    r: &Results<'_>,
    by: i64,
    source: Source,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    match send(&app.db, &mut tx, course, r, by, ctx.today(), ctx.now).await {
        Ok(eval) => {
            match source {
                Source::Quiz(id) => super::quiz::repo::set_evaluation(&mut *tx, id, eval).await?,
                Source::Assignment(id) => {
                    super::assignment::repo::set_evaluation(&mut *tx, id, eval).await?
                }
            }
            tx.commit().await?;
            let n = ctx.t.count("quiz-sent-to-gradebook", r.marks.len() as i64);
            ctx.flash_text("success", n).await?;
        }
        Err(SendError::Db(e)) => return Err(e.into()),
        Err(e) => {
            drop(tx);
            ctx.flash("error", e.key()).await?;
        }
    }
    Ok(())
}

/// Writes the results inside `tx`; the evaluation's id.
async fn send(
    db: &Pool,
    tx: &mut Tx<'_>,
    course: &CourseRow,
    r: &Results<'_>,
    by: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i64, SendError> {
    let existing = match r.existing {
        Some(id) => grades::evaluation(db, id).await?,
        None => None,
    };
    let eval = match existing {
        Some(e) => e,
        None => {
            let periods = grades::periods(db).await?;
            let period = grades::default_period(&periods, today).ok_or(SendError::NoPeriod)?;
            let id = grades::insert_evaluation(
                &mut **tx,
                &NewEvaluation {
                    class_id: course.class_id,
                    subject_id: course.subject_id,
                    period_id: period.id,
                    kind: r.kind,
                    title: r.title.to_string(),
                    held_on: today,
                    scale: 20,
                    weight: 1,
                },
                by,
                now,
            )
            .await?;
            crate::grades::repo::EvalRow {
                id,
                class_id: course.class_id,
                subject_id: course.subject_id,
                period_id: period.id,
                kind: r.kind.code().into(),
                title: r.title.to_string(),
                held_on: today,
                scale: 20,
                weight: 1,
                closed: period.closed,
            }
        }
    };
    for (student, hundredths) in r.marks {
        let input = MarkInput::Set(MarkValue::Score((*hundredths).clamp(0, 2000)));
        match crate::grades::record_mark_in(tx, by, &eval, *student, input, now).await {
            Ok(_) => {}
            Err(crate::grades::MarkError::Closed) => return Err(SendError::Closed),
            // A student who left the class keeps no mark here.
            Err(crate::grades::MarkError::NotInClass) => {}
            Err(crate::grades::MarkError::Db(e)) => return Err(e.into()),
        }
    }
    Ok(eval.id)
}
