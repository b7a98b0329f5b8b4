//! The numbers behind each role's dashboard, from the school's own records: the bulletin
//! computation for averages (one computation, shown on the bulletin and here), the roll
//! calls for attendance, the invoices and receipts for fees.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::charts::{self, ChartView, Unit, h};
use crate::db::Pool;
use crate::i18n::Tr;

/// Attendance by week: (Monday, scheduled student-minutes, minutes missed).
pub async fn attendance_by_week(
    db: &Pool,
    class: Option<i64>,
    student: Option<i64>,
) -> anyhow::Result<Vec<(NaiveDate, i64, i64)>> {
    let calls = crate::attendance::repo::roll_calls_with_size(db, class).await?;
    let missed = crate::attendance::repo::missed_minutes_by_roll_call(db, student).await?;
    let missed: HashMap<i64, i64> = missed.into_iter().collect();
    let mut weeks: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for (id, day, minutes, size) in calls {
        let w = weeks
            .entry(crate::gamification::monday_of(day))
            .or_default();
        w.0 += minutes * if student.is_some() { 1 } else { size };
        w.1 += missed.get(&id).copied().unwrap_or(0);
    }
    Ok(weeks.into_iter().map(|(k, (a, b))| (k, a, b)).collect())
}

/// Attendance rate in hundredths of a percent.
pub fn rate(scheduled: i64, missed: i64) -> Option<i64> {
    (scheduled > 0).then(|| (scheduled - missed.min(scheduled)) * 10_000 / scheduled)
}

/// The attendance chart: the rate per week.
pub fn attendance_chart(t: &Tr, id: &str, weeks: &[(NaiveDate, i64, i64)]) -> ChartView {
    let cats: Vec<String> = weeks
        .iter()
        .map(|w| w.0.format("%d/%m").to_string())
        .collect();
    let rates: Vec<Option<i64>> = weeks.iter().map(|w| rate(w.1, w.2)).collect();
    // From a little under the lowest week, so that a fall shows.
    let lowest = rates.iter().flatten().min().copied().unwrap_or(0);
    let floor = ((lowest / 100 - 5) / 5 * 5).max(0) as f64;
    ChartView {
        id: id.into(),
        unit: Unit::Percent,
        title: t.t("an-attendance-by-week"),
        option: charts::lines(
            Unit::Percent,
            &cats,
            &[(
                t.t("an-attendance-rate"),
                rates.iter().map(|r| r.map(|v| v as f64 / 100.0)).collect(),
            )],
            Some(floor),
            Some(100.0),
        ),
        head: vec![
            t.t("an-week-of"),
            t.t("an-attendance-rate"),
            t.t("an-hours-missed"),
        ],
        rows: weeks
            .iter()
            .zip(&rates)
            .map(|(w, r)| {
                vec![
                    t.date(&w.0),
                    r.map(|v| t.percent_hundredths(v))
                        .unwrap_or_else(|| "—".into()),
                    t.int(w.2 / 60),
                ]
            })
            .collect(),
    }
}

/// Enrollment by level and sex.
pub async fn enrollment_chart(db: &Pool, t: &Tr) -> anyhow::Result<(ChartView, i64)> {
    let rows = crate::school::enrollment_by_level_and_sex(db).await?;
    let mut levels: Vec<String> = Vec::new();
    for r in &rows {
        if !levels.contains(&r.0) {
            levels.push(r.0.clone());
        }
    }
    let count = |level: &str, sex: &str| {
        rows.iter()
            .find(|r| r.0 == level && r.2 == sex)
            .map(|r| r.3)
            .unwrap_or(0)
    };
    // The chart's axis has room for codes ("6e"), the table for names.
    let codes: Vec<String> = levels
        .iter()
        .map(|l| {
            rows.iter()
                .find(|r| &r.0 == l)
                .map(|r| r.4.clone())
                .unwrap_or_default()
        })
        .collect();
    let girls: Vec<i64> = levels.iter().map(|l| count(l, "F")).collect();
    let boys: Vec<i64> = levels.iter().map(|l| count(l, "M")).collect();
    let total: i64 = girls.iter().chain(&boys).sum();
    Ok((
        ChartView {
            id: "chart-enrollment".into(),
            unit: Unit::Count,
            title: t.t("an-enrollment"),
            option: charts::bars(
                Unit::Count,
                &codes,
                &[
                    (
                        t.t("an-girls"),
                        girls.iter().map(|v| Some(*v as f64)).collect(),
                    ),
                    (
                        t.t("an-boys"),
                        boys.iter().map(|v| Some(*v as f64)).collect(),
                    ),
                ],
                true,
                None,
            ),
            head: vec![
                t.t("an-level"),
                t.t("an-girls"),
                t.t("an-boys"),
                t.t("an-total"),
            ],
            rows: levels
                .iter()
                .zip(girls.iter().zip(&boys))
                .map(|(l, (g, b))| vec![l.clone(), t.int(*g), t.int(*b), t.int(g + b)])
                .collect(),
        },
        total,
    ))
}

/// One class's results for a period, from the bulletin computation.
#[derive(Clone, Debug)]
pub struct ClassResult {
    pub class_id: i64,
    pub name: String,
    /// Mean of the general averages.
    pub mean: Option<i64>,
    /// Mean per subject name.
    pub subjects: Vec<(String, Option<i64>)>,
}

/// Every class's results for the period.
pub async fn class_results(db: &Pool, period: i64) -> anyhow::Result<Vec<ClassResult>> {
    let classes = crate::school::current_classes_in_order(db).await?;
    let mut out = Vec::new();
    for (id, name) in classes {
        out.push(class_result(db, id, name, period).await?);
    }
    Ok(out)
}

/// One class's results for the period.
pub async fn class_result(
    db: &Pool,
    id: i64,
    name: String,
    period: i64,
) -> anyhow::Result<ClassResult> {
    let students = crate::school::class_student_ids(db, id).await?;
    let (subjects, computed) = crate::bulletins::for_class(db, id, period, &students).await?;
    Ok(ClassResult {
        class_id: id,
        name,
        mean: computed.general_stats.mean,
        subjects: subjects
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    computed.subject_stats.get(&s.id).and_then(|x| x.mean),
                )
            })
            .collect(),
    })
}

/// Averages by class (bars), and by subject across the school.
pub fn averages_charts(t: &Tr, results: &[ClassResult]) -> (ChartView, ChartView) {
    let with: Vec<&ClassResult> = results.iter().filter(|r| r.mean.is_some()).collect();
    let names: Vec<String> = with.iter().map(|r| r.name.clone()).collect();
    let classes = ChartView {
        id: "chart-classes".into(),
        unit: Unit::Mark,
        title: t.t("an-class-averages"),
        option: charts::bars(
            Unit::Mark,
            &names,
            &[(
                t.t("an-average"),
                with.iter().map(|r| r.mean.map(h)).collect(),
            )],
            false,
            Some(20.0),
        ),
        head: vec![t.t("class"), t.t("an-average")],
        rows: with
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.mean.map(|v| t.hundredths(v)).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let mut by_subject: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in results {
        for (s, m) in &r.subjects {
            if let Some(m) = m {
                let e = by_subject.entry(s.clone()).or_default();
                e.0 += m;
                e.1 += 1;
            }
        }
    }
    let subjects: Vec<(String, i64)> = by_subject
        .into_iter()
        .map(|(s, (sum, n))| (s, crate::grades::calc::div_round(sum, n)))
        .collect();
    let names: Vec<String> = subjects.iter().map(|s| s.0.clone()).collect();
    let subjects_view = ChartView {
        id: "chart-subjects".into(),
        unit: Unit::Mark,
        title: t.t("an-subject-averages"),
        option: charts::bars(
            Unit::Mark,
            &names,
            &[(
                t.t("an-average"),
                subjects.iter().map(|s| Some(h(s.1))).collect(),
            )],
            false,
            Some(20.0),
        ),
        head: vec![t.t("an-subject"), t.t("an-average")],
        rows: subjects
            .iter()
            .map(|s| vec![s.0.clone(), t.hundredths(s.1)])
            .collect(),
    };
    (classes, subjects_view)
}

/// The year's fees month by month: what falls due (each invoice at its due month, less
/// the discounts granted on it, so that the cumulated line never goes down), and what was
/// collected (receipts, reversals taken off).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeesByMonth {
    /// (year, month, cumulated due, cumulated collected).
    pub months: Vec<(i32, u32, i64, i64)>,
    /// Due on or before today: what the school could have collected by now.
    pub due_to_date: i64,
    /// Due over the whole year.
    pub due_in_year: i64,
    /// Collected so far.
    pub collected: i64,
}

/// Cumulates invoices (due date, net amount) and payments (day, amount) by month.
pub fn fees_by_month(
    due: &[(NaiveDate, i64)],
    paid: &[(NaiveDate, i64)],
    today: NaiveDate,
) -> FeesByMonth {
    let month = |d: NaiveDate| (d.year(), d.month());
    let mut months: BTreeMap<(i32, u32), (i64, i64)> = BTreeMap::new();
    for (d, a) in due {
        months.entry(month(*d)).or_default().0 += a;
    }
    for (d, a) in paid {
        months.entry(month(*d)).or_default().1 += a;
    }
    let (mut e, mut g) = (0i64, 0i64);
    let mut out = FeesByMonth {
        due_to_date: due
            .iter()
            .filter(|(d, _)| *d <= today)
            .map(|(_, a)| a)
            .sum(),
        ..FeesByMonth::default()
    };
    for ((y, m), (de, dg)) in months {
        e += de;
        g += dg;
        out.months.push((y, m, e, g));
    }
    out.due_in_year = e;
    out.collected = g;
    out
}

/// The fees chart and its table. Returns the chart and the year's figures.
pub async fn fees_chart(
    db: &Pool,
    t: &Tr,
    today: NaiveDate,
) -> anyhow::Result<(ChartView, FeesByMonth)> {
    let due = crate::fees::repo::due_by_day_net_of_discounts(db).await?;
    let start = crate::school::current_year_start(db)
        .await?
        .unwrap_or(NaiveDate::MIN);
    let paid = crate::fees::repo::payments_received(db).await?;
    let paid: Vec<(NaiveDate, i64)> = paid
        .into_iter()
        .map(|(at, a)| (at.date_naive(), a))
        .filter(|(d, _)| *d >= start)
        .collect();
    let fees = fees_by_month(&due, &paid, today);
    let mut cats = Vec::new();
    let (mut exp, mut got) = (Vec::new(), Vec::new());
    let mut rows = Vec::new();
    for (y, m, e, g) in &fees.months {
        let label = format!("{m:02}/{y}");
        rows.push(vec![
            label.clone(),
            t.xof(*e),
            t.xof(*g),
            t.percent_hundredths(if *e > 0 { g * 10_000 / e } else { 0 }),
        ]);
        cats.push(label);
        exp.push(Some(*e as f64));
        got.push(Some(*g as f64));
    }
    Ok((
        ChartView {
            id: "chart-fees".into(),
            unit: Unit::Money,
            title: t.t("an-fees"),
            option: charts::lines(
                Unit::Money,
                &cats,
                &[
                    (t.t("an-fees-expected"), exp),
                    (t.t("an-fees-collected"), got),
                ],
                Some(0.0),
                None,
            ),
            head: vec![
                t.t("an-month"),
                t.t("an-fees-expected"),
                t.t("an-fees-collected"),
                t.t("an-fees-rate"),
            ],
            rows,
        },
        fees,
    ))
}

/// The distribution of one evaluation's marks in bands of the /20 scale.
pub fn distribution_chart(t: &Tr, title: &str, marks: &[i64]) -> ChartView {
    const BANDS: [(i64, i64); 7] = [
        (0, 500),
        (500, 800),
        (800, 1000),
        (1000, 1200),
        (1200, 1400),
        (1400, 1600),
        (1600, 2001),
    ];
    let labels: Vec<String> = BANDS
        .iter()
        .map(|(a, b)| format!("{}–{}", a / 100, (b - 1).min(2000) / 100))
        .collect();
    let counts: Vec<i64> = BANDS
        .iter()
        .map(|(a, b)| marks.iter().filter(|m| **m >= *a && **m < *b).count() as i64)
        .collect();
    ChartView {
        id: "chart-distribution".into(),
        unit: Unit::Count,
        title: format!("{} · {title}", t.t("an-distribution")),
        option: charts::bars(
            Unit::Count,
            &labels,
            &[(
                t.t("an-students"),
                counts.iter().map(|c| Some(*c as f64)).collect(),
            )],
            false,
            None,
        ),
        head: vec![t.t("an-band"), t.t("an-students")],
        rows: labels
            .iter()
            .zip(&counts)
            .map(|(l, c)| vec![l.clone(), t.int(*c)])
            .collect(),
    }
}

/// A class's mean mark per subject, month by month.
pub async fn subject_trend_chart(db: &Pool, t: &Tr, class: i64) -> anyhow::Result<ChartView> {
    let rows = crate::grades::repo::class_scores(db, class).await?;
    let mut months: Vec<(i32, u32)> = rows.iter().map(|r| (r.1.year(), r.1.month())).collect();
    months.sort_unstable();
    months.dedup();
    let mut subjects: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    let cell = |s: &str, m: (i32, u32)| {
        crate::gamification::weighted_mean(
            rows.iter()
                .filter(|r| r.0 == s && (r.1.year(), r.1.month()) == m)
                .map(|r| (crate::grades::calc::to_twenty(r.2, r.3), r.4)),
        )
    };
    let cats: Vec<String> = months.iter().map(|(y, m)| format!("{m:02}/{y}")).collect();
    let series: Vec<(String, Vec<Option<f64>>)> = subjects
        .iter()
        .map(|s| {
            (
                s.clone(),
                months.iter().map(|m| cell(s, *m).map(h)).collect(),
            )
        })
        .collect();
    let mut head = vec![t.t("an-subject")];
    head.extend(cats.iter().cloned());
    Ok(ChartView {
        id: "chart-subject-trend".into(),
        unit: Unit::Mark,
        title: t.t("an-subject-trend"),
        option: charts::lines(Unit::Mark, &cats, &series, Some(0.0), Some(20.0)),
        head,
        rows: subjects
            .iter()
            .map(|s| {
                let mut r = vec![s.clone()];
                r.extend(months.iter().map(|m| {
                    cell(s, *m)
                        .map(|v| t.hundredths(v))
                        .unwrap_or_else(|| "—".into())
                }));
                r
            })
            .collect(),
    })
}

/// A student's subject averages against their class's, from the bulletin computation.
pub async fn child_subjects_chart(
    db: &Pool,
    t: &Tr,
    class: i64,
    period: i64,
    student: i64,
) -> anyhow::Result<ChartView> {
    let ids = crate::school::class_student_ids(db, class).await?;
    let (subjects, computed) = crate::bulletins::for_class(db, class, period, &ids).await?;
    let mine = ids
        .iter()
        .position(|s| *s == student)
        .and_then(|k| computed.bulletins.get(k));
    let names: Vec<String> = subjects.iter().map(|s| s.name.clone()).collect();
    let own: Vec<Option<i64>> = subjects
        .iter()
        .map(|s| {
            mine.and_then(|b| b.lines.iter().find(|l| l.subject.id == s.id))
                .and_then(|l| l.average)
        })
        .collect();
    let class_mean: Vec<Option<i64>> = subjects
        .iter()
        .map(|s| computed.subject_stats.get(&s.id).and_then(|x| x.mean))
        .collect();
    let f = |v: &Option<i64>| v.map(|v| t.hundredths(v)).unwrap_or_else(|| "—".into());
    Ok(ChartView {
        id: "chart-child-subjects".into(),
        unit: Unit::Mark,
        title: t.t("an-child-subjects"),
        option: charts::bars(
            Unit::Mark,
            &names,
            &[
                (t.t("an-child"), own.iter().map(|v| v.map(h)).collect()),
                (
                    t.t("an-class-mean"),
                    class_mean.iter().map(|v| v.map(h)).collect(),
                ),
            ],
            false,
            Some(20.0),
        ),
        head: vec![t.t("an-subject"), t.t("an-child"), t.t("an-class-mean")],
        rows: names
            .iter()
            .zip(own.iter().zip(&class_mean))
            .map(|(n, (a, b))| vec![n.clone(), f(a), f(b)])
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn fees_due_never_go_down_and_today_splits_the_year() {
        // Two tranches (October, January), the second discounted by 10 000 in December:
        // the discount lowers January's due, not December's, so the line only rises.
        let due = [(d("2026-10-05"), 300_000), (d("2027-01-05"), 190_000)];
        let paid = [
            (d("2026-09-20"), 100_000),
            (d("2026-11-02"), 150_000),
            (d("2026-11-03"), -50_000),
        ];
        let f = fees_by_month(&due, &paid, d("2026-12-02"));
        assert_eq!(
            f.months,
            vec![
                (2026, 9, 0, 100_000),
                (2026, 10, 300_000, 100_000),
                (2026, 11, 300_000, 200_000),
                (2027, 1, 490_000, 200_000),
            ]
        );
        assert!(f.months.windows(2).all(|w| w[0].2 <= w[1].2));
        assert_eq!(f.due_to_date, 300_000);
        assert_eq!(f.due_in_year, 490_000);
        assert_eq!(f.collected, 200_000);
    }
}
