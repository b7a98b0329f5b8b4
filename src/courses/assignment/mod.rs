//! Assignments: a lesson that asks for work by a due time. Students hand in text, files
//! (PDF or photos of their copy, recognised from their content) or both, until the teacher
//! marks it; past the due time the late policy decides (accepted, accepted with a penalty
//! per day, or refused). The teacher marks with a rubric and written feedback, and the marks
//! can go to the gradebook. The class is reminded the day before; handing in publishes a
//! school event that says whether it was on time.

pub mod manage;
pub mod remind;
pub mod repo;
pub mod routes;

/// The student's and the teacher's pages.
pub fn router() -> axum::Router<crate::app::AppState> {
    routes::router().merge(manage::router())
}

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest text handed in, and how many files a submission may hold.
pub const MAX_TEXT: usize = 20_000;
pub const MAX_FILES: usize = 3;
/// The reminder goes this long before the due time.
pub const REMIND_HOURS: i64 = 24;
/// What the files of submissions belong to.
pub const FILE_OWNER: &str = "assignment_submission";

/// What happens to work handed in after the due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatePolicy {
    Accept,
    Penalty,
    Refuse,
}

impl LatePolicy {
    pub fn parse(s: &str) -> Option<LatePolicy> {
        Some(match s {
            "accept" => LatePolicy::Accept,
            "penalty" => LatePolicy::Penalty,
            "refuse" => LatePolicy::Refuse,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            LatePolicy::Accept => "accept",
            LatePolicy::Penalty => "penalty",
            LatePolicy::Refuse => "refuse",
        }
    }
}

/// A criterion of the rubric and the points it is worth.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub points: i64,
}

/// A rubric typed one criterion per line, "Name : points" ("Raisonnement : 8"); None for
/// a line that is not one. An empty text is one criterion, "Note", out of 20.
pub fn parse_rubric(text: &str) -> Option<Vec<Criterion>> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, points) = line.rsplit_once([':', '='])?;
        let points: i64 = points.trim().parse().ok()?;
        let name = name.trim();
        if name.is_empty() || !(1..=100).contains(&points) {
            return None;
        }
        out.push(Criterion {
            name: name.to_string(),
            points,
        });
    }
    if out.len() > 12 {
        return None;
    }
    if out.is_empty() {
        out.push(Criterion {
            name: "Note".into(),
            points: 20,
        });
    }
    Some(out)
}

/// The rubric as the form shows it.
pub fn rubric_text(rubric: &[Criterion]) -> String {
    rubric
        .iter()
        .map(|c| format!("{} : {}", c.name, c.points))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whole days late (a started day counts), 0 when on time.
pub fn late_days(due: DateTime<Utc>, at: DateTime<Utc>) -> i64 {
    if at <= due {
        0
    } else {
        let secs = (at - due).num_seconds();
        (secs + 86_399) / 86_400
    }
}

/// The mark out of 20 (hundredths) from the points given per criterion, less the penalty
/// for lateness under the penalty policy; never below zero.
pub fn mark(
    rubric: &[Criterion],
    scores: &[i64],
    late_days: i64,
    policy: LatePolicy,
    penalty_per_day: i64,
) -> i64 {
    let total: i64 = rubric.iter().map(|c| c.points).sum::<i64>().max(1);
    let got: i64 = rubric
        .iter()
        .zip(scores)
        .map(|(c, s)| (*s).clamp(0, c.points))
        .sum();
    let raw = crate::grades::calc::div_round(got * 2000, total);
    let off = if policy == LatePolicy::Penalty {
        (late_days * penalty_per_day).clamp(0, 100)
    } else {
        0
    };
    raw * (100 - off) / 100
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rubrics_are_read_from_lines() {
        let r = parse_rubric("Raisonnement : 8\nCalculs = 8\n\nPrésentation: 4").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[1],
            Criterion {
                name: "Calculs".into(),
                points: 8
            }
        );
        assert_eq!(
            rubric_text(&r),
            "Raisonnement : 8\nCalculs : 8\nPrésentation : 4"
        );
        assert_eq!(parse_rubric("").unwrap()[0].points, 20);
        assert!(parse_rubric("Raisonnement").is_none());
        assert!(parse_rubric("Raisonnement : 0").is_none());
        assert!(parse_rubric(": 5").is_none());
    }

    #[test]
    fn a_started_day_late_counts() {
        let due = Utc.with_ymd_and_hms(2026, 12, 4, 18, 0, 0).unwrap();
        assert_eq!(late_days(due, due), 0);
        assert_eq!(late_days(due, due + chrono::Duration::minutes(1)), 1);
        assert_eq!(late_days(due, due + chrono::Duration::hours(24)), 1);
        assert_eq!(late_days(due, due + chrono::Duration::hours(25)), 2);
        assert_eq!(late_days(due, due - chrono::Duration::hours(3)), 0);
    }

    #[test]
    fn marks_follow_the_rubric_and_the_late_policy() {
        let r = parse_rubric("Raisonnement : 8\nCalculs : 8\nPrésentation : 4").unwrap();
        assert_eq!(mark(&r, &[8, 8, 4], 0, LatePolicy::Penalty, 10), 2000);
        assert_eq!(mark(&r, &[6, 4, 3], 0, LatePolicy::Penalty, 10), 1300);
        // Two days late at 10 % a day.
        assert_eq!(mark(&r, &[6, 4, 3], 2, LatePolicy::Penalty, 10), 1040);
        // Accepted late: no penalty. Scores above a criterion's points are capped.
        assert_eq!(mark(&r, &[6, 4, 3], 2, LatePolicy::Accept, 10), 1300);
        assert_eq!(mark(&r, &[80, 8, 4], 0, LatePolicy::Accept, 0), 2000);
        // Never below zero, whatever the lateness.
        assert_eq!(mark(&r, &[8, 8, 4], 30, LatePolicy::Penalty, 10), 0);
        // Missing scores count as nothing.
        assert_eq!(mark(&r, &[8], 0, LatePolicy::Accept, 0), 800);
    }
}
