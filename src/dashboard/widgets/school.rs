//! The widgets of the staff: a teacher's classes and marks to type, attendance, students
//! at risk, fee collection, class averages and the school's numbers. The whole school's
//! figures come from the analytics overview, computed once a minute for everyone.

use chrono::NaiveDate;
use serde::Serialize;

use super::Ask;
use crate::analytics::charts::ChartView;
use crate::auth::Role;
use crate::error::AppResult;

/// A teacher's classes this year.
#[derive(Debug, Serialize)]
pub struct ClassesW {
    pub year: Option<String>,
    pub classes: Vec<ClassLine>,
}

#[derive(Debug, Serialize)]
pub struct ClassLine {
    pub id: i64,
    pub name: String,
    pub students: i64,
    /// The subjects they teach in it.
    pub subjects: Vec<String>,
    /// They are its professeur principal.
    pub head: bool,
}

pub(super) async fn classes(ask: &Ask<'_>) -> AppResult<ClassesW> {
    let db = &ask.app.db;
    let year = crate::school::current_year(db).await?;
    let mut classes = Vec::new();
    if let Some(y) = &year {
        let subjects = crate::school::teacher_subjects(db, ask.user.id).await?;
        for c in crate::school::teacher_classes(db, y.id, ask.user.id).await? {
            classes.push(ClassLine {
                subjects: subjects
                    .iter()
                    .filter(|(id, _)| *id == c.id)
                    .map(|(_, s)| s.clone())
                    .collect(),
                head: c.head_teacher_user_id == Some(ask.user.id),
                id: c.id,
                name: c.name,
                students: c.student_count,
            });
        }
    }
    Ok(ClassesW {
        year: year.map(|y| y.label),
        classes,
    })
}

/// Evaluations already held whose marks are not all typed.
#[derive(Debug, Serialize)]
pub struct ToGradeW {
    pub evaluations: Vec<crate::grades::repo::Unmarked>,
}

pub(super) async fn to_grade(ask: &Ask<'_>) -> AppResult<ToGradeW> {
    let mut evaluations =
        crate::grades::repo::unmarked_of_teacher(&ask.app.db, ask.user.id, ask.app.clock.today())
            .await?;
    evaluations.truncate(6);
    Ok(ToGradeW { evaluations })
}

/// Attendance: of one class, or of the whole school.
#[derive(Debug, Serialize)]
pub struct AttendanceW {
    pub class: Option<String>,
    /// Over the year, hundredths of a percent.
    pub rate: Option<i64>,
    /// Each week's rate.
    pub weeks: Vec<WeekRate>,
    #[serde(skip)]
    pub chart: Option<ChartView>,
}

#[derive(Debug, Serialize)]
pub struct WeekRate {
    /// Its Monday.
    pub week: NaiveDate,
    pub rate: Option<i64>,
}

pub(super) async fn attendance(ask: &Ask<'_>) -> AppResult<AttendanceW> {
    use crate::analytics::dashboards as d;
    let db = &ask.app.db;
    let class = ask.class().await?;
    if ask.role == Role::Teacher && class.is_none() {
        return Ok(AttendanceW {
            class: None,
            rate: None,
            weeks: Vec::new(),
            chart: None,
        });
    }
    let mut weeks = d::attendance_by_week(db, class, None).await?;
    let (scheduled, missed) = weeks.iter().fold((0, 0), |a, w| (a.0 + w.1, a.1 + w.2));
    // The last eight weeks on a widget.
    let skip = weeks.len().saturating_sub(8);
    weeks.drain(..skip);
    let chart = (!weeks.is_empty()).then(|| d::attendance_chart(ask.t, "chart-attendance", &weeks));
    Ok(AttendanceW {
        class: match class {
            Some(c) => crate::school::class(db, c).await?.map(|c| c.name),
            None => None,
        },
        rate: d::rate(scheduled, missed),
        weeks: weeks
            .iter()
            .map(|(week, s, m)| WeekRate {
                week: *week,
                rate: d::rate(*s, *m),
            })
            .collect(),
        chart,
    })
}

/// Students at risk of failing.
#[derive(Debug, Serialize)]
pub struct RisksW {
    /// How many are at high risk.
    pub high: usize,
    /// The most at risk.
    pub students: Vec<RiskLine>,
    /// The list, for those who may open it.
    pub href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RiskLine {
    pub student_id: i64,
    pub name: String,
    pub class: String,
    /// 0 to 100.
    pub score: i64,
    /// low, medium, high.
    pub level: &'static str,
}

impl RiskLine {
    fn of(r: &crate::analytics::risk::Risk) -> RiskLine {
        RiskLine {
            student_id: r.student_id,
            name: r.name.clone(),
            class: r.class_name.clone(),
            score: r.score,
            level: r.level,
        }
    }
}

pub(super) async fn risks(ask: &Ask<'_>) -> AppResult<RisksW> {
    let app = ask.app;
    let mut classes = crate::analytics::routes::risk_classes(app, ask.user).await?;
    if let Some(c) = ask.class {
        // A class of one's own: a professeur principal's, or any for the administration.
        crate::authz::require(classes.contains(&c))?;
        classes = vec![c];
    } else if ask.role != Role::Teacher && crate::authz::may_follow_school_risks(ask.user) {
        let o = crate::analytics::routes::school_overview(app, ask.t).await?;
        return Ok(RisksW {
            high: o.high_risk,
            students: o.top_risks.iter().map(RiskLine::of).collect(),
            href: Some("/analytique/risques".into()),
        });
    } else if ask.role != Role::Teacher {
        classes.clear();
    }
    let mut all = crate::analytics::routes::risks_for(app, &classes).await?;
    all.retain(|r| r.level == "high");
    Ok(RisksW {
        high: all.len(),
        students: all.iter().take(5).map(RiskLine::of).collect(),
        href: (!classes.is_empty()).then(|| "/analytique/risques".into()),
    })
}

/// Fees collected against what has fallen due.
#[derive(Debug, Serialize)]
pub struct CollectionW {
    pub collected: i64,
    /// Fallen due by today, less discounts.
    pub due_to_date: i64,
    pub due_in_year: i64,
    /// Collected of what has fallen due, hundredths of a percent.
    pub rate: Option<i64>,
    #[serde(skip)]
    pub chart: Option<ChartView>,
}

pub(super) async fn collection(ask: &Ask<'_>) -> AppResult<CollectionW> {
    crate::authz::require(crate::authz::can_handle_money(ask.user))?;
    let o = crate::analytics::routes::school_overview(ask.app, ask.t).await?;
    Ok(CollectionW {
        collected: o.collected,
        due_to_date: o.due_to_date,
        due_in_year: o.due_in_year,
        rate: (o.due_to_date > 0).then(|| o.collected * 10_000 / o.due_to_date),
        chart: o.charts.iter().find(|c| c.id == "chart-fees").cloned(),
    })
}

/// Class averages this period: the school's classes, or one class's subjects.
#[derive(Debug, Serialize)]
pub struct AveragesW {
    pub class: Option<String>,
    /// (name, hundredths out of 20), best first: classes, or a class's subjects.
    pub lines: Vec<(String, Option<i64>)>,
    #[serde(skip)]
    pub chart: Option<ChartView>,
}

pub(super) async fn averages(ask: &Ask<'_>) -> AppResult<AveragesW> {
    use crate::analytics::dashboards as d;
    let app = ask.app;
    match ask.class().await? {
        Some(class) => {
            let name = crate::school::class(&app.db, class)
                .await?
                .map(|c| c.name)
                .unwrap_or_default();
            let today = app.clock.today();
            let Some((period, _)) = crate::analytics::risk::current_period(&app.db, today).await?
            else {
                return Ok(AveragesW {
                    class: Some(name),
                    lines: Vec::new(),
                    chart: None,
                });
            };
            let r = d::class_result(&app.db, class, name.clone(), period.id).await?;
            let (_, subjects) = d::averages_charts(ask.t, std::slice::from_ref(&r));
            let mut lines = r.subjects;
            lines.sort_by_key(|b| std::cmp::Reverse(b.1));
            Ok(AveragesW {
                class: Some(name),
                chart: (!subjects.is_empty()).then_some(subjects),
                lines,
            })
        }
        None if ask.role == Role::Teacher => Ok(AveragesW {
            class: None,
            lines: Vec::new(),
            chart: None,
        }),
        None => {
            let o = crate::analytics::routes::school_overview(app, ask.t).await?;
            let mut lines = o.top.clone();
            lines.extend(
                o.bottom
                    .iter()
                    .rev()
                    .filter(|b| !o.top.contains(b))
                    .cloned(),
            );
            Ok(AveragesW {
                class: None,
                lines,
                chart: o
                    .charts
                    .iter()
                    .find(|c| c.id == "chart-classes" && !c.is_empty())
                    .cloned(),
            })
        }
    }
}

/// The school's numbers.
#[derive(Debug, Serialize)]
pub struct CountsW {
    pub year: Option<String>,
    pub students: i64,
    pub girls: i64,
    pub classes: i64,
    pub staff: i64,
    pub guardians: i64,
}

pub(super) async fn counts(ask: &Ask<'_>) -> AppResult<CountsW> {
    let db = &ask.app.db;
    let year = crate::school::current_year(db).await?;
    let c = match &year {
        Some(y) => crate::school::counts(db, y.id).await?,
        None => Default::default(),
    };
    Ok(CountsW {
        year: year.map(|y| y.label),
        students: c.students,
        girls: c.girls,
        classes: c.classes,
        staff: c.staff,
        guardians: c.guardians,
    })
}
