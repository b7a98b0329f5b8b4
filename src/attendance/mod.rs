//! Attendance: the teacher's roll call per class session (everyone present until marked
//! otherwise), absences and lateness, the family's justification and the school's
//! validation, and the totals the bulletin prints.

use crate::events::{AbsenceKind, AbsenceRecorded, SchoolEvent};
use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Pool;

pub mod repo;
pub mod routes;

pub use routes::router;

/// What a student missed in a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Minutes of absence not (or not yet) justified.
    pub unjustified_minutes: i64,
    /// Minutes of absence with an accepted justification.
    pub justified_minutes: i64,
    pub lates: i64,
}

impl Totals {
    /// Adds up a list of absences.
    pub fn of(rows: &[repo::AbsenceRow]) -> Totals {
        let mut t = Totals::default();
        for r in rows {
            match (r.kind.as_str(), r.state) {
                ("retard", _) => t.lates += 1,
                (_, repo::Justification::Accepted) => t.justified_minutes += r.minutes,
                _ => t.unjustified_minutes += r.minutes,
            }
        }
        t
    }

    /// Hours as the bulletin prints them: whole hours, rounded half up.
    pub fn hours(minutes: i64) -> i64 {
        (minutes + 30) / 60
    }

    pub fn unjustified_hours(&self) -> i64 {
        Self::hours(self.unjustified_minutes)
    }

    pub fn justified_hours(&self) -> i64 {
        Self::hours(self.justified_minutes)
    }
}

/// The totals between two days of every student of a class, by student (those without
/// an absence are left out): one query for a class's bulletins, counted as [`Totals::of`]
/// counts a list.
pub async fn class_totals(
    db: &Pool,
    class_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashMap<i64, Totals>, sqlx::Error> {
    let rows = repo::class_totals(db, class_id, from, to).await?;
    Ok(rows
        .into_iter()
        .map(|(student, unjustified, justified, lates)| {
            (
                student,
                Totals {
                    unjustified_minutes: unjustified,
                    justified_minutes: justified,
                    lates,
                },
            )
        })
        .collect())
}

/// A student's absences and totals between two days.
pub async fn student_summary(
    db: &Pool,
    student_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<repo::AbsenceRow>, Totals), sqlx::Error> {
    let rows = repo::of_student(db, student_id, from, to).await?;
    let totals = Totals::of(&rows);
    Ok((rows, totals))
}

/// One student's state in a roll call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Present,
    /// Absent for the whole session.
    Absent,
    /// Late by so many minutes.
    Late(i64),
}

/// Why a roll call was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RollCallError {
    /// A roll call already exists for this class, day and time.
    #[error("already taken")]
    AlreadyTaken,
    /// The database failed.
    #[error(transparent)]
    Db(sqlx::Error),
}

/// Why the school's entry was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    /// The student is already marked for that hour.
    #[error("already noted")]
    AlreadyNoted,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The school notes one student's absence or lateness outside a teacher's roll call (the
/// surveillant at the gate), with its event and audit line, in one transaction. Returns
/// the absence id.
pub async fn note_absence(
    db: &Pool,
    by: i64,
    call: &repo::NewRollCall,
    student: i64,
    presence: Presence,
    at: DateTime<Utc>,
) -> Result<i64, NoteError> {
    let (kind, minutes) = match presence {
        Presence::Absent => (AbsenceKind::Absence, call.minutes),
        Presence::Late(m) => (AbsenceKind::Retard, m),
        Presence::Present => return Err(NoteError::AlreadyNoted),
    };
    let mut tx = crate::db::begin_write(db).await?;
    let roll_call = match repo::slot(&mut *tx, call).await? {
        Some((id, _)) => id,
        None => repo::insert_surveillance(&mut *tx, call, by, at).await?,
    };
    if repo::marked(&mut *tx, roll_call).await?.contains(&student) {
        return Err(NoteError::AlreadyNoted);
    }
    let absence = repo::insert_absence(&mut *tx, roll_call, student, kind.code(), minutes).await?;
    let event = SchoolEvent::AbsenceRecorded(AbsenceRecorded {
        absence_id: absence,
        student_id: student,
        class_id: call.class_id,
        kind,
        minutes,
        held_on: call.held_on,
    });
    crate::events::publish(&mut *tx, &event, Some(by), at).await?;
    crate::audit::record(
        &mut *tx,
        Some(by),
        "absence",
        &absence.to_string(),
        "create",
        None,
        Some(&format!("{} {minutes} min (surveillance)", kind.code())),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(absence)
}

/// Records a roll call and its absences, each with an `absence.recorded` school event and
/// an audit line, in one transaction.
pub async fn record_roll_call(
    db: &Pool,
    by: i64,
    call: &repo::NewRollCall,
    marks: &[(i64, Presence)],
    at: DateTime<Utc>,
) -> Result<i64, RollCallError> {
    let mut tx = crate::db::begin_write(db)
        .await
        .map_err(RollCallError::Db)?;
    // The school may have noted absences for this hour already (at the gate): the teacher's
    // roll call takes that one over and keeps what it holds.
    let (id, already) = match repo::slot(&mut *tx, call)
        .await
        .map_err(RollCallError::Db)?
    {
        Some((_, source)) if source == "teacher" => return Err(RollCallError::AlreadyTaken),
        Some((id, _)) => {
            repo::take_over(&mut *tx, id, call, by, at)
                .await
                .map_err(RollCallError::Db)?;
            (
                id,
                repo::marked(&mut *tx, id)
                    .await
                    .map_err(RollCallError::Db)?,
            )
        }
        None => match repo::insert_roll_call(&mut *tx, call, by, at).await {
            Ok(id) => (id, Vec::new()),
            Err(e) if crate::db::is_unique_violation(&e) => {
                return Err(RollCallError::AlreadyTaken);
            }
            Err(e) => return Err(RollCallError::Db(e)),
        },
    };
    for (student, presence) in marks {
        if already.contains(student) {
            continue;
        }
        let (kind, minutes) = match presence {
            Presence::Present => continue,
            Presence::Absent => (AbsenceKind::Absence, call.minutes),
            Presence::Late(m) => (AbsenceKind::Retard, *m),
        };
        let absence = repo::insert_absence(&mut *tx, id, *student, kind.code(), minutes)
            .await
            .map_err(RollCallError::Db)?;
        let event = SchoolEvent::AbsenceRecorded(AbsenceRecorded {
            absence_id: absence,
            student_id: *student,
            class_id: call.class_id,
            kind,
            minutes,
            held_on: call.held_on,
        });
        crate::events::publish(&mut *tx, &event, Some(by), at)
            .await
            .map_err(RollCallError::Db)?;
        crate::audit::record(
            &mut *tx,
            Some(by),
            "absence",
            &absence.to_string(),
            "create",
            None,
            Some(&format!("{} {minutes} min", kind.code())),
            at,
        )
        .await
        .map_err(RollCallError::Db)?;
    }
    tx.commit().await.map_err(RollCallError::Db)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, minutes: i64, state: &str) -> repo::AbsenceRow {
        repo::AbsenceRow {
            id: 1,
            student_id: 1,
            student: String::new(),
            class_name: String::new(),
            held_on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            starts_at: "07:00".into(),
            subject: None,
            kind: kind.into(),
            minutes,
            state: state.parse().unwrap(),
            reason: None,
            photo_id: None,
        }
    }

    #[test]
    fn the_justification_states_are_those_the_database_allows() {
        let words: Vec<&str> = repo::Justification::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        let checked = crate::db::text_enum::checked_words(
            &crate::db::text_enum::migrations_text(),
            "absences",
            "state",
        );
        assert_eq!(words, checked);
    }

    #[test]
    fn totals_separate_justified_hours_and_lateness() {
        let t = Totals::of(&[
            row("absence", 55, "none"),
            row("absence", 55, "submitted"),
            row("absence", 120, "accepted"),
            row("retard", 10, "none"),
        ]);
        assert_eq!(
            t,
            Totals {
                unjustified_minutes: 110,
                justified_minutes: 120,
                lates: 1
            }
        );
        assert_eq!(t.unjustified_hours(), 2);
        assert_eq!(t.justified_hours(), 2);
        assert_eq!(Totals::hours(29), 0);
        assert_eq!(Totals::hours(30), 1);
    }
}
