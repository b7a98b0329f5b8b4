//! The risk of each student, behind the risk list, the dashboards and the workflows: the
//! school's trained model's predictions (`crate::prediction`) once it has one, else this
//! hand-made score for the current period, from the general average (the bulletin's own
//! computation), its trend, unjustified absences and missing marks, with the reasons in
//! words. The thresholds are school settings; with a model the score is the probability of
//! failing the year, in percent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::Pool;
use crate::grades::repo::PeriodRow;

/// The school's thresholds. Marks in hundredths out of 20.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RiskSettings {
    /// A general average below this counts.
    pub average_below: i64,
    /// A fall of the average of at least this much counts.
    pub drop: i64,
    /// Unjustified absence hours from which absences count.
    pub absence_hours: i64,
    /// Missed evaluations from which they count.
    pub missing: i64,
    /// Score from which the risk is "moyen".
    pub medium: i64,
    /// Score from which the risk is "élevé".
    pub high: i64,
}

impl Default for RiskSettings {
    fn default() -> Self {
        RiskSettings {
            average_below: 1000,
            drop: 100,
            absence_hours: 6,
            missing: 2,
            medium: 30,
            high: 60,
        }
    }
}

impl RiskSettings {
    /// What is wrong, as (field, catalog key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut e = Vec::new();
        if !(1..=2000).contains(&self.average_below) {
            e.push(("average_below", "risk-error-mark"));
        }
        if !(1..=2000).contains(&self.drop) {
            e.push(("drop", "risk-error-mark"));
        }
        if !(1..=500).contains(&self.absence_hours) {
            e.push(("absence_hours", "risk-error-hours"));
        }
        if !(1..=50).contains(&self.missing) {
            e.push(("missing", "risk-error-missing"));
        }
        if !(1..=100).contains(&self.medium)
            || !(1..=100).contains(&self.high)
            || self.medium >= self.high
        {
            e.push(("high", "risk-error-levels"));
        }
        e
    }
}

/// The school's thresholds (defaults when none are stored).
pub async fn settings(db: &Pool) -> anyhow::Result<RiskSettings> {
    Ok(crate::settings::load(db, "risk").await?.unwrap_or_default())
}

/// What the score is made from, for one student.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// General average of the period so far.
    pub general: Option<i64>,
    /// Its change since the previous period (or within the period), in hundredths.
    pub trend: Option<i64>,
    /// Unjustified absence, in minutes.
    pub absence_minutes: i64,
    /// Evaluations missed without excuse.
    pub missing: i64,
}

/// A student's risk.
#[derive(Clone, Debug, Serialize)]
pub struct Risk {
    pub student_id: i64,
    /// "NOM Prénom".
    pub name: String,
    pub class_id: i64,
    pub class_name: String,
    /// 0 to 100.
    pub score: i64,
    /// `low`, `medium` or `high`.
    pub level: &'static str,
    /// Catalog keys and their arguments, most weighty first.
    pub reasons: Vec<(&'static str, Value)>,
    /// The inputs, for the table.
    #[serde(skip)]
    pub inputs: Inputs,
}

/// The score and its reasons.
pub fn score(i: &Inputs, s: &RiskSettings) -> (i64, Vec<(i64, &'static str, Value)>) {
    let mut parts = Vec::new();
    if let Some(g) = i.general
        && g < s.average_below
    {
        // Five points under the line weigh the most an average can.
        let p = ((s.average_below - g) * 40 / 500).clamp(1, 40);
        parts.push((
            p,
            "risk-reason-average",
            json!({ "average": fmt(g), "line": fmt(s.average_below) }),
        ));
    }
    if let Some(t) = i.trend
        && -t >= s.drop
    {
        let p = (-t * 25 / 300).clamp(1, 25);
        parts.push((p, "risk-reason-trend", json!({ "drop": fmt(-t) })));
    }
    let hours = i.absence_minutes / 60;
    if hours >= s.absence_hours {
        let p = (hours * 25 / (s.absence_hours * 3)).clamp(1, 25);
        parts.push((p, "risk-reason-absence", json!({ "hours": hours })));
    }
    if i.missing >= s.missing {
        let p = (i.missing * 3).clamp(1, 10);
        parts.push((p, "risk-reason-missing", json!({ "count": i.missing })));
    }
    parts.sort_by_key(|p| std::cmp::Reverse(p.0));
    (parts.iter().map(|p| p.0).sum::<i64>().min(100), parts)
}

fn fmt(h: i64) -> String {
    crate::grades::calc::fmt_hundredths(h)
}

/// The level of a score.
pub fn level(score: i64, s: &RiskSettings) -> &'static str {
    if score >= s.high {
        "high"
    } else if score >= s.medium {
        "medium"
    } else {
        "low"
    }
}

/// The period today falls in (else the last one started) and the one before it.
pub async fn current_period(
    db: &Pool,
    today: NaiveDate,
) -> anyhow::Result<Option<(PeriodRow, Option<PeriodRow>)>> {
    let periods = crate::grades::repo::periods(db).await?;
    let Some(i) = periods
        .iter()
        .rposition(|p| p.starts_on <= today)
        .or(if periods.is_empty() { None } else { Some(0) })
    else {
        return Ok(None);
    };
    let prev = i.checked_sub(1).map(|j| periods[j].clone());
    Ok(Some((periods[i].clone(), prev)))
}

/// Every student's risk in a class for `period`, highest first.
pub async fn class_risks(
    db: &Pool,
    class_id: i64,
    period: &PeriodRow,
    previous: Option<&PeriodRow>,
    today: NaiveDate,
    s: &RiskSettings,
) -> anyhow::Result<Vec<Risk>> {
    if let Some(predicted) = crate::prediction::class_risks(db, class_id, s).await? {
        return Ok(predicted);
    }
    let students = crate::school::class_students_named(db, class_id).await?;
    let ids: Vec<i64> = students.iter().map(|s| s.0).collect();
    let (_, now) = crate::bulletins::for_class(db, class_id, period.id, &ids).await?;
    let before = match previous {
        Some(p) => Some(
            crate::bulletins::for_class(db, class_id, p.id, &ids)
                .await?
                .1,
        ),
        None => None,
    };
    // Within a first period: the later half of its marks against the earlier half.
    let end = today.min(period.ends_on);
    let mid = period.starts_on
        + chrono::Days::new(((end - period.starts_on).num_days().max(0) / 2) as u64);
    let marks = crate::grades::repo::class_period_marks(db, class_id, period.id).await?;
    let absences =
        crate::attendance::repo::unexcused_minutes(db, class_id, period.starts_on, period.ends_on)
            .await?;
    let evaluations = crate::grades::repo::evaluations_held(db, class_id, period.id, today).await?;
    let mut out = Vec::new();
    for (k, (id, last, first, class_name)) in students.into_iter().enumerate() {
        let general = now.bulletins.get(k).and_then(|b| b.general);
        let trend = match &before {
            Some(b) => match (general, b.bulletins.get(k).and_then(|x| x.general)) {
                (Some(g), Some(p)) => Some(g - p),
                _ => None,
            },
            None => {
                let mine = marks.iter().filter(|m| m.0 == id && m.5 == "score");
                let side = |later: bool| {
                    crate::gamification::weighted_mean(
                        mine.clone()
                            .filter(|m| (m.1 > mid) == later)
                            .filter_map(|m| {
                                m.2.map(|p| (crate::grades::calc::to_twenty(p, m.3), m.4))
                            }),
                    )
                };
                match (side(true), side(false)) {
                    (Some(a), Some(b)) => Some(a - b),
                    _ => None,
                }
            }
        };
        let marked = marks.iter().filter(|m| m.0 == id).count() as i64;
        let unexcused = marks
            .iter()
            .filter(|m| m.0 == id && m.5 == "absent")
            .count() as i64;
        let missing = unexcused + (evaluations.len() as i64 - marked).max(0);
        let inputs = Inputs {
            general,
            trend,
            absence_minutes: absences
                .iter()
                .find(|a| a.0 == id)
                .map(|a| a.1)
                .unwrap_or(0),
            missing,
        };
        let (score, parts) = score(&inputs, s);
        out.push(Risk {
            student_id: id,
            name: format!("{} {first}", last.to_uppercase()),
            class_id,
            class_name,
            score,
            level: level(score, s),
            reasons: parts.into_iter().map(|(_, k, v)| (k, v)).collect(),
            inputs,
        });
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> RiskSettings {
        RiskSettings::default()
    }

    #[test]
    fn a_good_steady_student_is_not_at_risk() {
        let i = Inputs {
            general: Some(1450),
            trend: Some(30),
            absence_minutes: 120,
            missing: 0,
        };
        let (score, reasons) = score(&i, &s());
        assert_eq!(score, 0);
        assert!(reasons.is_empty());
        assert_eq!(level(score, &s()), "low");
    }

    #[test]
    fn a_falling_average_and_absences_give_their_reasons_in_order() {
        // 7,50 (2,50 under 10), down 2,10 points, 14 h of unjustified absence, 3 missed.
        let i = Inputs {
            general: Some(750),
            trend: Some(-210),
            absence_minutes: 14 * 60,
            missing: 3,
        };
        let (score, reasons) = score(&i, &s());
        // 250*40/500 = 20; 210*25/300 = 17; 14*25/18 = 19; 3*3 = 9.
        assert_eq!(score, 20 + 17 + 19 + 9);
        assert_eq!(level(score, &s()), "high");
        let keys: Vec<&str> = reasons.iter().map(|r| r.1).collect();
        assert_eq!(
            keys,
            [
                "risk-reason-average",
                "risk-reason-absence",
                "risk-reason-trend",
                "risk-reason-missing"
            ]
        );
        assert_eq!(reasons[2].2["drop"], "2,10");
        assert_eq!(reasons[1].2["hours"], 14);
    }

    #[test]
    fn each_part_is_capped_and_the_thresholds_are_the_schools() {
        let worst = Inputs {
            general: Some(0),
            trend: Some(-2000),
            absence_minutes: 500 * 60,
            missing: 40,
        };
        assert_eq!(score(&worst, &s()).0, 100);
        let lenient = RiskSettings {
            average_below: 700,
            ..s()
        };
        let i = Inputs {
            general: Some(800),
            ..Default::default()
        };
        assert_eq!(score(&i, &lenient).0, 0);
        assert!(score(&i, &s()).0 > 0);
        assert_eq!(RiskSettings::default().validate(), vec![]);
        let bad = RiskSettings {
            medium: 70,
            high: 60,
            ..s()
        };
        assert_eq!(bad.validate(), vec![("high", "risk-error-levels")]);
    }
}
