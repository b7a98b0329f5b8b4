//! What the model learns from: one row per student and school year, as the year stood after
//! its first `stage` periods (a past year gives a row after its first term and one after its
//! second; the current year one as it stands today). Everything comes from Suku's records:
//! the bulletins' own averages and ranks, absences and latenesses, missed evaluations,
//! repeats and age. Sex, family and fees are used only when the school turns them on.

use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::repo;
use crate::db::Pool;
use crate::grades::repo::PeriodRow;
use crate::ml::{Feature, Kind};

/// The features every model uses, in order (names are stable: stored models and imported
/// spreadsheets refer to them).
pub const BASE: [&str; 13] = [
    "stage",
    "avg_p1",
    "rank_p1",
    "avg_last",
    "trend",
    "avg_litteraires",
    "avg_scientifiques",
    "absence_unjustified_h",
    "absence_justified_h",
    "lateness",
    "missed_evaluations",
    "repeats",
    "age_gap",
];

/// The sensitive attributes, off unless the school turns them on.
pub const SENSITIVE: [&str; 3] = ["sex", "guardians", "fees_paid"];

/// Which sensitive attributes the school lets the model use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sensitive {
    pub sex: bool,
    /// The family: how many guardians are on record.
    pub family: bool,
    /// The share of the fees paid so far.
    pub fees: bool,
}

impl Sensitive {
    /// The sensitive features turned on, by name.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.sex, "sex"),
            (self.family, "guardians"),
            (self.fees, "fees_paid"),
        ]
        .into_iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect()
    }
}

/// The model's columns: the base features, then the sensitive ones turned on.
pub fn columns(s: &Sensitive) -> Vec<Feature> {
    BASE.iter()
        .chain(s.names().iter())
        .map(|n| Feature {
            name: n.to_string(),
            kind: if *n == "sex" {
                Kind::Categorical {
                    levels: vec!["F".into(), "M".into()],
                }
            } else {
                Kind::Numeric
            },
        })
        .collect()
}

/// One student's year as of a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub student_id: i64,
    pub class_id: i64,
    /// Periods of the year the row knows (the last may be under way).
    pub stage: usize,
    /// By feature name: base and sensitive alike (the model takes the ones it uses).
    pub values: HashMap<&'static str, f64>,
    /// How the year ended, when it has.
    pub passed: Option<bool>,
}

impl Row {
    /// The values in the order of `features` (missing: NaN).
    pub fn vector(&self, features: &[Feature]) -> Vec<f64> {
        features
            .iter()
            .map(|f| {
                self.values
                    .iter()
                    .find(|(k, _)| **k == f.name)
                    .map_or(f64::NAN, |(_, v)| *v)
            })
            .collect()
    }
}

/// How a past year's outcome is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// The council's decision (passe), else the annual average.
    #[default]
    Decision,
    /// The annual average at the pass mark or above.
    Average,
}

/// A student's results in one period.
#[derive(Clone, Debug, Default)]
struct PeriodResult {
    general: Option<i64>,
    /// (position, students ranked).
    rank: Option<(usize, usize)>,
    /// By subject group: (sum of average × coefficient, sum of coefficients).
    groups: HashMap<String, (i64, i64)>,
}

/// Every student's bulletin results for a period, computed class by class as the bulletin
/// computes them.
async fn period_results(
    db: &Pool,
    by_class: &HashMap<i64, Vec<i64>>,
    period: i64,
) -> anyhow::Result<HashMap<i64, PeriodResult>> {
    let mut out = HashMap::new();
    for (class, ids) in by_class {
        let (_, computed) = crate::bulletins::for_class(db, *class, period, ids).await?;
        for b in computed.bulletins {
            let mut groups: HashMap<String, (i64, i64)> = HashMap::new();
            for l in &b.lines {
                if let Some(a) = l.average {
                    let g = groups.entry(l.subject.group.clone()).or_default();
                    g.0 += a * l.subject.coefficient;
                    g.1 += l.subject.coefficient;
                }
            }
            out.insert(
                b.student_id,
                PeriodResult {
                    general: b.general,
                    rank: b.rank.map(|r| (r.position, computed.ranked)),
                    groups,
                },
            );
        }
    }
    Ok(out)
}

/// A year's records, read once for all its stages.
pub struct Year {
    pub id: i64,
    pub starts_on: NaiveDate,
    pub periods: Vec<PeriodRow>,
    enrolled: Vec<repo::Enrolled>,
    results: Vec<HashMap<i64, PeriodResult>>,
    decisions: HashMap<i64, String>,
    /// Median age (years) at the start of the year, by level.
    median_age: HashMap<i64, f64>,
}

/// Years between a birth date and a day, with the fraction.
fn age(birth: NaiveDate, on: NaiveDate) -> f64 {
    (on - birth).num_days() as f64 / 365.25
}

/// Reads a year's records: its periods and, up to `periods` of them, every student's results.
pub async fn read_year(
    db: &Pool,
    id: i64,
    starts_on: NaiveDate,
    periods: usize,
    active_only: bool,
) -> anyhow::Result<Year> {
    let all = repo::periods_of_year(db, id).await?;
    let enrolled = repo::enrolled(db, id, active_only).await?;
    let mut by_class: HashMap<i64, Vec<i64>> = HashMap::new();
    for e in &enrolled {
        by_class.entry(e.class_id).or_default().push(e.student_id);
    }
    let mut results = Vec::new();
    for p in all.iter().take(periods) {
        results.push(period_results(db, &by_class, p.id).await?);
    }
    let mut decisions = HashMap::new();
    for (s, d) in repo::decisions(db, id).await? {
        decisions.entry(s).or_insert(d);
    }
    let mut ages: HashMap<i64, Vec<f64>> = HashMap::new();
    for e in &enrolled {
        if let Some(b) = e.birth_date {
            ages.entry(e.level_id).or_default().push(age(b, starts_on));
        }
    }
    let median_age = ages
        .into_iter()
        .map(|(l, mut v)| {
            v.sort_by(f64::total_cmp);
            (l, v[v.len() / 2])
        })
        .collect();
    Ok(Year {
        id,
        starts_on,
        periods: all,
        enrolled,
        results,
        decisions,
        median_age,
    })
}

impl Year {
    /// The rows as of `stage` periods, the records counted up to `until`.
    pub async fn rows(
        &self,
        db: &Pool,
        stage: usize,
        until: NaiveDate,
        label: Label,
        pass_mark: i64,
    ) -> anyhow::Result<Vec<Row>> {
        let absences: HashMap<i64, (i64, i64, i64)> = repo::absences(db, self.id, until)
            .await?
            .into_iter()
            .map(|(s, u, j, l)| (s, (u, j, l)))
            .collect();
        let missed: HashMap<i64, i64> = repo::missed(db, self.id, until)
            .await?
            .into_iter()
            .collect();
        let start = Utc.from_utc_datetime(&self.starts_on.and_hms_opt(0, 0, 0).unwrap_or_default());
        let end = Utc.from_utc_datetime(&until.and_hms_opt(23, 59, 59).unwrap_or_default());
        let fees: HashMap<i64, (i64, i64)> = repo::fees(db, self.id, start, end)
            .await?
            .into_iter()
            .map(|(s, due, paid)| (s, (due, paid)))
            .collect();
        let stage = stage.min(self.results.len());
        let mut out = Vec::with_capacity(self.enrolled.len());
        for e in &self.enrolled {
            let id = e.student_id;
            let r: Vec<Option<&PeriodResult>> = self.results.iter().map(|p| p.get(&id)).collect();
            let general = |k: usize| r.get(k).copied().flatten().and_then(|x| x.general);
            let mut v: HashMap<&'static str, f64> = HashMap::new();
            let mut put = |k: &'static str, x: Option<f64>| {
                v.insert(k, x.unwrap_or(f64::NAN));
            };
            put("stage", Some(stage as f64));
            put("avg_p1", general(0).map(on20));
            put(
                "rank_p1",
                r.first()
                    .copied()
                    .flatten()
                    .and_then(|x| x.rank)
                    .filter(|x| x.1 > 0)
                    .map(|(p, n)| p as f64 / n as f64),
            );
            let last = (0..stage).rev().find_map(|k| general(k).map(|g| (k, g)));
            put("avg_last", last.map(|x| on20(x.1)));
            put(
                "trend",
                last.and_then(|(k, g)| {
                    k.checked_sub(1)
                        .and_then(general)
                        .map(|p| on20(g) - on20(p))
                }),
            );
            for (name, group) in [
                ("avg_litteraires", "litteraires"),
                ("avg_scientifiques", "scientifiques"),
            ] {
                let (sum, coef) = r
                    .iter()
                    .take(stage)
                    .flatten()
                    .filter_map(|x| x.groups.get(group))
                    .fold((0, 0), |a, g| (a.0 + g.0, a.1 + g.1));
                put(name, (coef > 0).then(|| sum as f64 / coef as f64 / 100.0));
            }
            let (unjust, just, late) = absences.get(&id).copied().unwrap_or_default();
            put("absence_unjustified_h", Some(unjust as f64 / 60.0));
            put("absence_justified_h", Some(just as f64 / 60.0));
            put("lateness", Some(late as f64));
            put(
                "missed_evaluations",
                Some(missed.get(&id).copied().unwrap_or(0) as f64),
            );
            put("repeats", Some(e.repeats as f64));
            put(
                "age_gap",
                e.birth_date.and_then(|b| {
                    self.median_age
                        .get(&e.level_id)
                        .map(|m| age(b, self.starts_on) - m)
                }),
            );
            put("sex", Some(if e.sex == "M" { 1.0 } else { 0.0 }));
            put("guardians", Some(e.guardians as f64));
            put(
                "fees_paid",
                fees.get(&id)
                    .filter(|f| f.0 > 0)
                    .map(|f| (f.1 as f64 / f.0 as f64).clamp(0.0, 1.0)),
            );
            // The council's own annual average (equal weights, missing periods left out).
            let annual = crate::grades::calc::annual_average(
                &(0..self.periods.len())
                    .map(|k| (general(k), 1))
                    .collect::<Vec<_>>(),
            )
            .map(|(a, _)| a);
            // Only a year read whole has an outcome.
            let whole = !self.periods.is_empty() && self.results.len() == self.periods.len();
            let passed = match (label, self.decisions.get(&id).map(String::as_str)) {
                _ if !whole => None,
                (Label::Decision, Some(d)) => Some(d == "passe"),
                _ => annual.map(|a| a >= pass_mark),
            };
            out.push(Row {
                student_id: id,
                class_id: e.class_id,
                stage,
                values: v,
                passed,
            });
        }
        Ok(out)
    }
}

/// Hundredths out of 20 as a mark out of 20.
fn on20(h: i64) -> f64 {
    h as f64 / 100.0
}

/// The stages a past year gives rows for: after each period but the last (its end makes
/// the outcome nearly certain, and the point is to know early).
pub fn training_stages(periods: usize) -> std::ops::RangeInclusive<usize> {
    1..=periods.saturating_sub(1).max(1)
}
