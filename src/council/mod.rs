//! The conseil de classe: each teacher's appreciation of their subject, and per student
//! and period the conduct mark, the professeur principal's and the council's
//! appreciations; at the end of the year the annual average (the mean of the period
//! averages) and the council's decision: passe, redouble or exclu.

use std::collections::HashMap;

use crate::db::Pool;
use crate::grades::calc::{self, Rank};
use crate::grades::repo::PeriodRow;

pub mod repo;
pub mod routes;

pub use routes::router;

/// Decisions the council may take at the end of the year.
pub const DECISIONS: [&str; 3] = ["passe", "redouble", "exclu"];

/// A student's year: the moyenne générale of each period, the annual average and its rank.
#[derive(Clone, Debug, Default)]
pub struct Year {
    /// One per period of the year, in order.
    pub periods: Vec<Option<i64>>,
    /// The mean of the period averages (equal weights), hundredths.
    pub annual: Option<i64>,
    /// How it was computed.
    pub explanation: String,
    /// Rank in class on the annual average.
    pub rank: Option<Rank>,
    /// The school's pass mark (hundredths).
    pub pass_mark: i64,
}

impl Year {
    /// The decision proposed to the council: passe at 10 or more, else redouble.
    pub fn proposed(&self) -> Option<&'static str> {
        self.annual.map(|a| {
            if a >= self.pass_mark {
                "passe"
            } else {
                "redouble"
            }
        })
    }
}

/// The year of every student of a class (in the order given), from every period's bulletins.
pub async fn class_year(
    db: &Pool,
    class_id: i64,
    students: &[i64],
) -> Result<(Vec<PeriodRow>, Vec<Year>), sqlx::Error> {
    let periods = crate::grades::repo::periods(db).await?;
    let pass_mark = crate::settings::grading(db)
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("grading settings: {e}")))?
        .pass_mark;
    let mut per_student: HashMap<i64, Vec<Option<i64>>> = HashMap::new();
    for p in &periods {
        let (_, computed) = crate::bulletins::for_class(db, class_id, p.id, students).await?;
        for b in computed.bulletins {
            per_student.entry(b.student_id).or_default().push(b.general);
        }
    }
    let mut years: Vec<Year> = students
        .iter()
        .map(|s| {
            let periods = per_student.remove(s).unwrap_or_default();
            let weighted: Vec<(Option<i64>, i64)> = periods.iter().map(|v| (*v, 1)).collect();
            let (annual, explanation) = match calc::annual_average(&weighted) {
                Some((a, e)) => (Some(a), e),
                None => (None, String::new()),
            };
            Year {
                periods,
                annual,
                explanation,
                rank: None,
                pass_mark,
            }
        })
        .collect();
    let ranks = calc::ranks(&years.iter().map(|y| y.annual).collect::<Vec<_>>());
    for (y, r) in years.iter_mut().zip(ranks) {
        y.rank = r;
    }
    Ok((periods, years))
}

/// Parses a conduct mark out of 20 ("16", "15,5"), in hundredths; empty is none.
pub fn parse_conduct(input: &str) -> Result<Option<i64>, &'static str> {
    match crate::grades::model::parse_mark(input, 20)? {
        crate::grades::model::MarkInput::Clear => Ok(None),
        crate::grades::model::MarkInput::Set(calc::MarkValue::Score(p)) => Ok(Some(p)),
        _ => Err("error-mark-format"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn conduct_marks() {
        assert_eq!(super::parse_conduct("16"), Ok(Some(1600)));
        assert_eq!(super::parse_conduct("15,5"), Ok(Some(1550)));
        assert_eq!(super::parse_conduct(""), Ok(None));
        assert_eq!(super::parse_conduct("21"), Err("error-mark-range"));
        assert_eq!(super::parse_conduct("abs"), Err("error-mark-format"));
    }

    #[test]
    fn proposal_follows_the_annual_average() {
        let y = |a| super::Year {
            annual: a,
            pass_mark: 1000,
            ..Default::default()
        };
        assert_eq!(y(Some(1000)).proposed(), Some("passe"));
        assert_eq!(y(Some(999)).proposed(), Some("redouble"));
        assert_eq!(y(None).proposed(), None);
    }
}
