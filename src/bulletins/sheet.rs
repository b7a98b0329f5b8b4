//! Everything a printed bulletin shows, gathered once for a class and a period: the screen
//! and the PDF both render these sheets, so both show the very same numbers.

use std::collections::HashMap;

use super::compute::{Bulletin, ClassBulletins, GroupTotal, Stats};
use crate::db::Pool;
use crate::grades::repo::PeriodRow;
use crate::school::{self, ClassRow, StudentRow};

/// One student's bulletin with what surrounds it.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub student: StudentRow,
    /// The computed bulletin.
    pub bulletin: Bulletin,
    /// The teachers' appreciations, one per line of the bulletin.
    pub appreciations: Vec<String>,
    /// Subtotals per subject group, each with the index of its last line.
    pub groups: Vec<(usize, GroupTotal)>,
    /// Absences and lateness over the period.
    pub absences: crate::attendance::Totals,
    /// What the council recorded.
    pub record: Option<crate::council::repo::Record>,
    /// At the last period: the student's year.
    pub annual: Option<crate::council::Year>,
}

/// The bulletins of a class for a period.
#[derive(Clone, Debug)]
pub struct ClassSheets {
    pub class: ClassRow,
    pub period: PeriodRow,
    /// Every period of the year, when `period` is the last (for the annual block).
    pub year_periods: Option<Vec<PeriodRow>>,
    /// "2026-2027".
    pub year: String,
    /// Class statistics per subject, in the order of the lines.
    pub stats: Vec<Stats>,
    /// Statistics of the moyenne générale.
    pub general_stats: Stats,
    /// How many students have a moyenne générale.
    pub ranked: i64,
    /// The sheets asked for, in the class's order.
    pub sheets: Vec<Sheet>,
}

/// Gathers the bulletins of a class for a period: every student's, or only `only`'s (the
/// ranks and statistics are the class's either way). `None` when the class or the period
/// does not exist.
pub async fn class_sheets(
    db: &Pool,
    class_id: i64,
    period_id: i64,
    only: Option<i64>,
) -> Result<Option<ClassSheets>, sqlx::Error> {
    let Some(class) = school::class(db, class_id).await? else {
        return Ok(None);
    };
    let periods = crate::grades::repo::periods(db).await?;
    let Some(period) = periods.iter().find(|p| p.id == period_id).cloned() else {
        return Ok(None);
    };
    let roster_rows = school::roster(db, class_id).await?;
    let roster: Vec<i64> = roster_rows.iter().map(|s| s.id).collect();
    let (subjects, computed) = super::for_class(db, class_id, period_id, &roster).await?;
    let ClassBulletins {
        bulletins,
        subject_stats,
        general_stats,
        ranked,
    } = computed;
    let stats = subjects
        .iter()
        .map(|s| subject_stats.get(&s.id).copied().unwrap_or_default())
        .collect();
    let year = school::current_year(db)
        .await?
        .map(|y| y.label)
        .unwrap_or_default();
    let last = periods.last().is_some_and(|p| p.id == period_id);
    let mut years = if last {
        let (_, years) = crate::council::class_year(db, class_id, &roster).await?;
        years.into_iter().map(Some).collect()
    } else {
        vec![None; roster.len()]
    };
    let mut appreciations = class_appreciations(db, class_id, period_id).await?;
    let mut records = crate::council::repo::class_records(db, class_id, period_id).await?;
    let mut absences =
        crate::attendance::class_totals(db, class_id, period.starts_on, period.ends_on).await?;
    let mut sheets = Vec::new();
    for ((student, bulletin), annual) in roster_rows
        .into_iter()
        .zip(bulletins)
        .zip(years.iter_mut().map(Option::take))
    {
        if only.is_some_and(|o| o != student.id) {
            continue;
        }
        let absences = absences.remove(&student.id).unwrap_or_default();
        let apps = bulletin
            .lines
            .iter()
            .map(|l| {
                appreciations
                    .remove(&(student.id, l.subject.id))
                    .unwrap_or_default()
            })
            .collect();
        sheets.push(Sheet {
            groups: super::compute::group_totals(&bulletin.lines),
            appreciations: apps,
            record: records.remove(&student.id),
            annual,
            absences,
            bulletin,
            student,
        });
    }
    Ok(Some(ClassSheets {
        class,
        year_periods: last.then_some(periods),
        period,
        year,
        stats,
        general_stats,
        ranked: ranked as i64,
        sheets,
    }))
}

/// Every appreciation of a class's students for a period, by (student, subject).
async fn class_appreciations(
    db: &Pool,
    class_id: i64,
    period_id: i64,
) -> Result<HashMap<(i64, i64), String>, sqlx::Error> {
    let rows = crate::council::repo::class_appreciations(db, class_id, period_id).await?;
    Ok(rows.into_iter().map(|(s, j, t)| ((s, j), t)).collect())
}
