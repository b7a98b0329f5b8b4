//! The widgets about one student, for the student and their family: today's lessons, the
//! marks, the balance, absences and work to do.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Ask, Who};
use crate::auth::Role;
use crate::error::AppResult;

/// Today's lessons (or the next school day's).
#[derive(Debug, Serialize)]
pub struct TodayW {
    pub student: Option<Who>,
    /// No published timetable.
    pub none: bool,
    pub date: NaiveDate,
    /// "Aujourd’hui", or the day as people write it.
    pub date_text: String,
    pub is_today: bool,
    pub lessons: Vec<Lesson>,
    /// The week's page.
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct Lesson {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The teacher (for a family), or the class (for a teacher).
    pub with: String,
    pub class_id: i64,
    pub room: Option<String>,
}

pub(super) async fn today(ask: &Ask<'_>) -> AppResult<TodayW> {
    let today = ask.app.clock.today();
    let (student, view, href) = if ask.role == Role::Teacher {
        (
            None,
            Some(crate::timetable::View::Teacher(ask.user.id)),
            "/enseignant/emploi-du-temps".to_string(),
        )
    } else {
        let s = ask.student().await?;
        let href = match (&s, ask.role) {
            (Some(s), Role::Parent) => format!("/parent/enfants/{}/emploi-du-temps", s.id),
            _ => "/eleve/emploi-du-temps".into(),
        };
        let view = s
            .as_ref()
            .and_then(|s| s.class_id)
            .map(crate::timetable::View::Class);
        (s, view, href)
    };
    let up = match view {
        Some(v) => crate::timetable::week::upcoming(&ask.app.db, v, today, href.clone()).await?,
        None => None,
    };
    let teacher = ask.role == Role::Teacher;
    let date = up.as_ref().map_or(today, |u| u.date);
    Ok(TodayW {
        student: student.as_ref().map(Who::of),
        none: up.is_none(),
        date_text: if date == today {
            ask.t.t("timetable-today")
        } else {
            ask.t.date(&date)
        },
        date,
        is_today: up.as_ref().is_none_or(|u| u.is_today),
        lessons: up
            .map(|u| u.lessons)
            .unwrap_or_default()
            .into_iter()
            .map(|(from, to, l)| Lesson {
                from,
                to,
                subject: l.subject,
                with: if teacher { l.class_name } else { l.teacher },
                class_id: l.class_id,
                room: l.room,
            })
            .collect(),
        href,
    })
}

impl TodayW {
    /// Monday 0 … Saturday 5.
    pub fn weekday(&self) -> i64 {
        chrono::Datelike::weekday(&self.date).num_days_from_monday() as i64
    }
}

/// The latest marks and the averages so far.
#[derive(Debug, Serialize)]
pub struct MarksW {
    pub student: Option<Who>,
    /// The period's name ("1er trimestre").
    pub period: Option<String>,
    /// Its bulletin is out.
    pub bulletin: Option<String>,
    /// The moyenne générale so far, hundredths out of 20.
    pub general: Option<i64>,
    /// The same, as people write it ("12,25").
    pub general_text: String,
    pub subjects: Vec<SubjectAverage>,
    /// The five latest marks, newest first.
    pub latest: Vec<LatestMark>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct SubjectAverage {
    pub subject: String,
    /// Hundredths out of 20.
    pub average: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct LatestMark {
    pub held_on: NaiveDate,
    pub subject: String,
    pub title: String,
    /// "14,5/20", or "Absent".
    pub mark: String,
    /// Hundredths out of 20, for a score.
    pub score: Option<i64>,
}

/// The period the family pages open on today, with its name.
async fn current_period(
    ask: &Ask<'_>,
) -> AppResult<Option<(crate::grades::repo::PeriodRow, String)>> {
    let periods = ask.app.settings.periods(&ask.app.db).await?;
    Ok(
        crate::grades::repo::default_period(&periods, ask.app.clock.today()).map(|p| {
            let name = ask.t.tn(p.label_key(), "n", p.ordinal);
            (p.clone(), name)
        }),
    )
}

fn student_href(ask: &Ask<'_>, id: i64, page: &str) -> String {
    if ask.role == Role::Parent {
        format!("/parent/enfants/{id}{page}")
    } else {
        format!("/eleve/notes{page}")
    }
}

pub(super) async fn marks(ask: &Ask<'_>) -> AppResult<MarksW> {
    let student = ask.student().await?;
    let mut w = MarksW {
        student: student.as_ref().map(Who::of),
        period: None,
        bulletin: None,
        general: None,
        general_text: "—".into(),
        subjects: Vec::new(),
        latest: Vec::new(),
        href: "/eleve/notes".into(),
    };
    let Some(s) = student else {
        return Ok(w);
    };
    w.href = student_href(ask, s.id, "#marks");
    let db = &ask.app.db;
    let Some((period, name)) = current_period(ask).await? else {
        return Ok(w);
    };
    w.period = Some(name);
    if period.published {
        w.bulletin = Some(format!("/bulletins/{}/{}", s.id, period.id));
    }
    let subjects = crate::grades::student_marks(db, s.id, period.id).await?;
    let coefficients = match s.class_id {
        Some(c) => crate::bulletins::repo::class_subjects(db, c).await?,
        None => Vec::new(),
    };
    let coefficient = |subject: i64| {
        coefficients
            .iter()
            .find(|c| c.id == subject)
            .map_or(1, |c| c.coefficient)
    };
    w.general = crate::grades::calc::general_average(
        &subjects
            .iter()
            .map(|x| (x.average, coefficient(x.subject_id)))
            .collect::<Vec<_>>(),
    )
    .map(|g| g.0);
    w.general_text = ask.t.hundredths(w.general);
    let mut latest: Vec<LatestMark> = subjects
        .iter()
        .flat_map(|x| {
            x.marks.iter().map(|m| LatestMark {
                held_on: m.held_on,
                subject: x.subject.clone(),
                title: m.title.clone(),
                mark: crate::grades::model::mark_text(ask.t, m.value, m.scale),
                score: match m.value {
                    crate::grades::calc::MarkValue::Score(p) => Some(p),
                    _ => None,
                },
            })
        })
        .collect();
    latest.sort_by_key(|b| std::cmp::Reverse(b.held_on));
    latest.truncate(5);
    w.latest = latest;
    w.subjects = subjects
        .into_iter()
        .filter(|x| x.average.is_some())
        .map(|x| SubjectAverage {
            subject: x.subject,
            average: x.average,
        })
        .collect();
    Ok(w)
}

/// What the family owes: for one child, or for every child.
#[derive(Debug, Serialize)]
pub struct BalanceW {
    pub children: Vec<ChildBalance>,
    /// The sum still owed (credits left out).
    pub total: i64,
    /// The same, as people write it ("76 000 FCFA").
    pub total_text: String,
}

#[derive(Debug, Serialize)]
pub struct ChildBalance {
    pub student: Who,
    /// Negative: in credit.
    pub balance: i64,
    /// "55 000 FCFA", "À jour", or the credit.
    pub balance_text: String,
    /// The next instalment still to pay.
    pub next_due: Option<NaiveDate>,
    pub next_amount: Option<i64>,
    /// Where to pay by mobile money, when the school takes it and something is owed.
    pub pay: Option<String>,
    pub href: String,
}

pub(super) async fn balance(ask: &Ask<'_>) -> AppResult<BalanceW> {
    let db = &ask.app.db;
    let children = match ask.child {
        Some(_) => ask.student().await?.into_iter().collect(),
        None => crate::school::children(db, ask.user.id).await?,
    };
    let mut out = Vec::new();
    for c in children {
        let balance = crate::fees::repo::balance(db, c.id).await?;
        let next = crate::fees::repo::invoices_of(db, c.id)
            .await?
            .into_iter()
            .find(|i| i.remaining > 0);
        out.push(ChildBalance {
            student: Who::of(&c),
            balance_text: match balance {
                b if b > 0 => ask.t.xof(b),
                0 => ask.t.t("dash-paid-up"),
                b => ask.t.t1("dash-credit", "amount", ask.t.xof(-b)),
            },
            balance,
            next_due: next.as_ref().map(|i| i.due_on),
            next_amount: next.as_ref().map(|i| i.remaining),
            pay: (ask.app.momo.is_some() && balance > 0)
                .then(|| format!("/parent/enfants/{}/paiement", c.id)),
            href: format!("/parent/enfants/{}#fees", c.id),
        });
    }
    let total = out.iter().map(|c| c.balance.max(0)).sum();
    Ok(BalanceW {
        total,
        total_text: ask.t.xof(total),
        children: out,
    })
}

/// Absences and latenesses of the current period.
#[derive(Debug, Serialize)]
pub struct AbsencesW {
    pub student: Option<Who>,
    pub period: Option<String>,
    pub unjustified_minutes: i64,
    pub justified_minutes: i64,
    pub lates: i64,
    /// The latest ones, newest first.
    pub recent: Vec<Absence>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct Absence {
    pub day: NaiveDate,
    /// absence, retard.
    pub kind: String,
    pub minutes: i64,
    pub justified: bool,
}

pub(super) async fn absences(ask: &Ask<'_>) -> AppResult<AbsencesW> {
    let student = ask.student().await?;
    let mut w = AbsencesW {
        student: student.as_ref().map(Who::of),
        period: None,
        unjustified_minutes: 0,
        justified_minutes: 0,
        lates: 0,
        recent: Vec::new(),
        href: "/eleve/notes#absences".into(),
    };
    let Some(s) = student else {
        return Ok(w);
    };
    w.href = student_href(ask, s.id, "#absences");
    let db = &ask.app.db;
    let Some((period, name)) = current_period(ask).await? else {
        return Ok(w);
    };
    w.period = Some(name);
    let (rows, totals) =
        crate::attendance::student_summary(db, s.id, period.starts_on, period.ends_on).await?;
    w.unjustified_minutes = totals.unjustified_minutes;
    w.justified_minutes = totals.justified_minutes;
    w.lates = totals.lates;
    let mut recent: Vec<Absence> = rows
        .iter()
        .map(|r| Absence {
            day: r.held_on,
            kind: r.kind.clone(),
            minutes: r.minutes,
            justified: r.state == crate::attendance::repo::Justification::Accepted,
        })
        .collect();
    recent.sort_by_key(|b| std::cmp::Reverse(b.day));
    recent.truncate(3);
    w.recent = recent;
    Ok(w)
}

/// The next week's work.
#[derive(Debug, Serialize)]
pub struct TodoW {
    pub student: Option<Who>,
    pub items: Vec<Todo>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct Todo {
    pub due_on: NaiveDate,
    /// "pour le 08/12/2026".
    pub due_text: String,
    pub subject: String,
    pub what: String,
    /// The catalog key of the kind of work.
    #[serde(skip)]
    pub kind_key: &'static str,
    pub kind: String,
    pub link: Option<String>,
}

pub(super) async fn todo(ask: &Ask<'_>) -> AppResult<TodoW> {
    let student = ask.student().await?;
    let href = match (&student, ask.role) {
        (Some(s), Role::Parent) => format!("/parent/enfants/{}/a-faire", s.id),
        _ => "/eleve/a-faire".into(),
    };
    let mut items = Vec::new();
    if let Some((student_id, class_id)) =
        student.as_ref().and_then(|s| s.class_id.map(|c| (s.id, c)))
    {
        let from = ask.app.clock.today();
        let ask_todo = crate::todo::Ask {
            student_id,
            class_id,
            from,
            to: from + chrono::Duration::days(7),
        };
        items = crate::todo::for_student(&ask.app.db, ask_todo)
            .await?
            .into_iter()
            .take(5)
            .map(|i| Todo {
                due_text: ask.t.t1("dash-due", "date", ask.t.date(&i.due_on)),
                due_on: i.due_on,
                subject: i.subject,
                what: i.what,
                kind: ask.t.t(i.kind_key),
                kind_key: i.kind_key,
                link: i.link,
            })
            .collect();
    }
    Ok(TodoW {
        student: student.as_ref().map(Who::of),
        items,
        href,
    })
}
