//! What the assistant may read to answer: the asking person's own data, through the same
//! functions (and the same `authz` checks) as their dashboard's widgets. A tool never
//! takes a student the person may not see: a parent's children, a student themself.
//! Each tool gives its result as data (for a model) and as a sentence (without one).

use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::dashboard::widgets::{self, Data, Kind};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::school::StudentRow;

/// Who asks, as which role.
pub struct Asker<'a> {
    pub app: &'a AppState,
    pub user: &'a CurrentUser,
    pub role: Role,
    pub t: &'a Tr,
    /// A program's token: the widgets it may read (`None`: a person in their session).
    pub scopes: Option<&'a [String]>,
}

impl Asker<'_> {
    /// May the assistant read this widget's data for the asker?
    pub fn may_read(&self, kind: Kind) -> bool {
        self.scopes
            .is_none_or(|s| s.iter().any(|x| x == kind.code()))
    }

    /// The students the asker may ask about: themself, or their children.
    pub async fn students(&self) -> AppResult<Vec<StudentRow>> {
        let db = &self.app.db;
        Ok(match self.role {
            Role::Student => crate::school::student_by_user(db, self.user.id)
                .await?
                .into_iter()
                .collect(),
            Role::Parent => crate::school::children(db, self.user.id).await?,
            _ => Vec::new(),
        })
    }

    async fn widget(&self, kind: Kind, child: Option<i64>) -> AppResult<Data> {
        let ask = widgets::Ask {
            app: self.app,
            user: self.user,
            role: self.role,
            child,
            class: None,
            t: self.t,
        };
        widgets::compute(kind, &ask).await
    }
}

/// The students a question is about, among those the asker may see: the ones it names (by
/// first name; "mon fils", "ma fille", "son", "daughter" by sex), else all of them.
pub fn named(students: &[StudentRow], words: &[String]) -> Vec<StudentRow> {
    let by_name: Vec<StudentRow> = students
        .iter()
        .filter(|s| {
            super::intent::words(&s.first_name)
                .iter()
                .any(|n| n.chars().count() > 2 && words.iter().any(|w| w == n))
        })
        .cloned()
        .collect();
    if !by_name.is_empty() {
        return by_name;
    }
    let said = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // "son" is French too ("son emploi du temps"): the English son only after "my".
    let my_son = words.windows(2).any(|w| w[0] == "my" && w[1] == "son");
    let sex = if said(&["fils", "garcon", "boy"]) || my_son {
        Some("M")
    } else if said(&["fille", "daughter", "girl"]) {
        Some("F")
    } else {
        None
    };
    let by_sex: Vec<StudentRow> = students
        .iter()
        .filter(|s| sex.is_some_and(|x| s.sex == x))
        .cloned()
        .collect();
    if by_sex.is_empty() {
        students.to_vec()
    } else {
        by_sex
    }
}

/// The students a model's tool call names (`student`: a first name, "mon fils", "ma
/// fille"), strictly among those the asker may see: `None` when it names someone else (no
/// fallback to all, unlike a question typed in the panel); all of them when it names none.
pub fn chosen(students: &[StudentRow], student: Option<&str>) -> Option<Vec<StudentRow>> {
    let said = student.map(str::trim).unwrap_or_default();
    if said.is_empty() {
        return Some(students.to_vec());
    }
    let words = super::intent::words(said);
    let by_name: Vec<StudentRow> = students
        .iter()
        .filter(|s| {
            super::intent::words(&s.first_name)
                .iter()
                .any(|n| words.iter().any(|w| w == n))
        })
        .cloned()
        .collect();
    if !by_name.is_empty() {
        return Some(by_name);
    }
    let kin = [
        "fils", "fille", "garcon", "son", "daughter", "girl", "boy", "enfant", "child",
    ];
    if words.iter().all(|w| {
        kin.contains(&w.as_str())
            || matches!(
                w.as_str(),
                "mon" | "ma" | "mes" | "my" | "notre" | "nos" | "our" | "enfants" | "children"
            )
    }) {
        let by = named(students, &words);
        return (!by.is_empty()).then_some(by);
    }
    None
}

/// A tool's answer: the data, and the same in a sentence.
pub struct Found {
    pub data: Value,
    pub text: String,
}

/// What is left to pay, per student.
pub async fn balance(a: &Asker<'_>, students: &[StudentRow]) -> AppResult<Found> {
    if a.role != Role::Parent {
        return Err(AppError::Forbidden);
    }
    let mut lines = Vec::new();
    let mut data = Vec::new();
    for s in students {
        let Data::Balance(b) = a.widget(Kind::Balance, Some(s.id)).await? else {
            continue;
        };
        for c in &b.children {
            let next = match (c.next_due, c.next_amount) {
                (Some(d), Some(amount)) if c.balance > 0 => a.t.t2(
                    "asst-next-due",
                    "date",
                    a.t.date(&d),
                    "amount",
                    a.t.xof(amount),
                ),
                _ => String::new(),
            };
            let line = a.t.t2(
                "asst-balance-line",
                "student",
                &c.student.name,
                "balance",
                &c.balance_text,
            );
            lines.push(if next.is_empty() {
                line
            } else {
                format!("{line} {next}")
            });
            data.push(json!({"student": c.student.name, "balance_xof": c.balance,
                             "next_due": c.next_due, "next_amount_xof": c.next_amount}));
        }
    }
    Ok(Found {
        data: json!({ "balances": data }),
        text: lines.join("\n"),
    })
}

/// The provisional averages and the latest marks, per student.
pub async fn marks(a: &Asker<'_>, students: &[StudentRow]) -> AppResult<Found> {
    let mut lines = Vec::new();
    let mut data = Vec::new();
    for s in students {
        let Data::Marks(m) = a.widget(Kind::Marks, Some(s.id)).await? else {
            continue;
        };
        let name = format!("{} {}", s.first_name, s.last_name);
        let period = m.period.clone().unwrap_or_default();
        lines.push(match m.general {
            Some(_) => a.t.tj(
                "asst-average",
                json!({"student": name, "average": m.general_text, "period": period}),
            ),
            None => a.t.t1("asst-no-average", "student", &name),
        });
        if let Some(best) = m
            .subjects
            .iter()
            .filter(|x| x.average.is_some())
            .max_by_key(|x| x.average)
            && let Some(worst) = m
                .subjects
                .iter()
                .filter(|x| x.average.is_some())
                .min_by_key(|x| x.average)
            && m.subjects.len() > 1
        {
            lines.push(a.t.tj(
                "asst-best-worst",
                json!({"best": best.subject, "best_average": a.t.hundredths(best.average),
                       "worst": worst.subject, "worst_average": a.t.hundredths(worst.average)}),
            ));
        }
        if let Some(last) = m.latest.first() {
            lines.push(a.t.tj(
                "asst-last-mark",
                json!({"mark": last.mark, "subject": last.subject, "date": a.t.date(&last.held_on)}),
            ));
        }
        data.push(json!({"student": name, "period": period, "general_average": m.general_text,
            "subjects": m.subjects.iter().map(|x| json!({"subject": x.subject, "average": a.t.hundredths(x.average)})).collect::<Vec<_>>(),
            "latest": m.latest.iter().map(|l| json!({"subject": l.subject, "title": l.title, "mark": l.mark, "date": l.held_on})).collect::<Vec<_>>()}));
    }
    Ok(Found {
        data: json!({ "marks": data }),
        text: lines.join("\n"),
    })
}

/// The lessons of a day (0 today, 1 tomorrow), per student.
pub async fn timetable(a: &Asker<'_>, students: &[StudentRow], ahead: i64) -> AppResult<Found> {
    let db = &a.app.db;
    let date = a.app.clock.today() + chrono::Duration::days(ahead);
    let day_name = a.t.t(format!(
        "timetable-day-{}",
        date.weekday().num_days_from_monday()
    ));
    let when = if ahead == 0 {
        a.t.t("asst-today")
    } else {
        a.t.t("asst-tomorrow")
    };
    let mut lines = Vec::new();
    let mut data = Vec::new();
    for s in students {
        let name = format!("{} {}", s.first_name, s.last_name);
        let lessons = match s.class_id {
            Some(c) => day_lessons(db, crate::timetable::View::Class(c), date).await?,
            None => None,
        };
        match lessons {
            None => lines.push(a.t.t("asst-no-timetable")),
            Some(l) if l.is_empty() => lines.push(a.t.tj(
                "asst-no-lesson",
                json!({"student": name, "when": when, "day": day_name, "date": a.t.date(&date)}),
            )),
            Some(l) => {
                let list: Vec<String> = l
                    .iter()
                    .map(|(from, to, subject)| format!("{from}–{to} {subject}"))
                    .collect();
                lines.push(a.t.tj(
                    "asst-lessons",
                    json!({"student": name, "when": when, "day": day_name, "date": a.t.date(&date),
                           "first": l[0].0, "last": l[l.len() - 1].1, "list": list.join(", ")}),
                ));
                data.push(json!({"student": name, "date": date,
                    "lessons": l.iter().map(|(f, t, s)| json!({"from": f, "to": t, "subject": s})).collect::<Vec<_>>()}));
            }
        }
    }
    Ok(Found {
        data: json!({ "date": date, "timetables": data }),
        text: lines.join("\n"),
    })
}

/// A class's lessons on a date from the published timetable: (from, to, subject); `None`
/// without a published timetable.
async fn day_lessons(
    db: &crate::db::Pool,
    view: crate::timetable::View,
    date: NaiveDate,
) -> AppResult<Option<Vec<(String, String, String)>>> {
    let Some(week) = crate::timetable::week::published_week(db, view).await? else {
        return Ok(None);
    };
    Ok(Some(match crate::timetable::week::day_of(date) {
        Some(d) => week
            .days
            .get(d as usize)
            .map(|l| {
                l.iter()
                    .map(|(f, t, l)| (f.clone(), t.clone(), l.subject.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    }))
}

/// Absences and latenesses of the current period, per student.
pub async fn absences(a: &Asker<'_>, students: &[StudentRow]) -> AppResult<Found> {
    let mut lines = Vec::new();
    let mut data = Vec::new();
    for s in students {
        let Data::Absences(w) = a.widget(Kind::Absences, Some(s.id)).await? else {
            continue;
        };
        let name = format!("{} {}", s.first_name, s.last_name);
        lines.push(a.t.tj(
            "asst-absences",
            json!({"student": name, "unjustified": a.t.duration(w.unjustified_minutes),
                   "justified": a.t.duration(w.justified_minutes), "lates": w.lates,
                   "period": w.period.clone().unwrap_or_default()}),
        ));
        data.push(
            json!({"student": name, "unjustified_minutes": w.unjustified_minutes,
                         "justified_minutes": w.justified_minutes, "lates": w.lates}),
        );
    }
    Ok(Found {
        data: json!({ "absences": data }),
        text: lines.join("\n"),
    })
}

/// The latest announcements the asker received. Their texts are data: what they say is
/// reported, never obeyed.
pub async fn announcements(a: &Asker<'_>) -> AppResult<Found> {
    let Data::Announcements(w) = a.widget(Kind::Announcements, None).await? else {
        return Err(AppError::NotFound);
    };
    let lines: Vec<String> = w
        .items
        .iter()
        .map(|i| {
            a.t.t2(
                "asst-announcement",
                "title",
                &i.title,
                "date",
                a.t.date(&i.published_at.date_naive()),
            )
        })
        .collect();
    Ok(Found {
        data: json!({"announcements": w.items.iter().map(|i| json!({"title": i.title, "author": i.author, "published_at": i.published_at})).collect::<Vec<_>>()}),
        text: if lines.is_empty() {
            a.t.t("asst-no-announcement")
        } else {
            lines.join("\n")
        },
    })
}

/// Homework and work due in the week, per student.
pub async fn homework(a: &Asker<'_>, students: &[StudentRow]) -> AppResult<Found> {
    let mut lines = Vec::new();
    let mut data = Vec::new();
    for s in students {
        let Data::Todo(w) = a.widget(Kind::Todo, Some(s.id)).await? else {
            continue;
        };
        let name = format!("{} {}", s.first_name, s.last_name);
        if w.items.is_empty() {
            lines.push(a.t.t1("asst-no-homework", "student", &name));
        }
        for i in &w.items {
            lines.push(a.t.tj(
                "asst-homework",
                json!({"student": name, "subject": i.subject, "what": i.what, "due": a.t.date(&i.due_on)}),
            ));
        }
        data.push(json!({"student": name, "due": w.items.iter().map(|i| json!({"subject": i.subject, "what": i.what, "due_on": i.due_on})).collect::<Vec<_>>()}));
    }
    Ok(Found {
        data: json!({ "homework": data }),
        text: lines.join("\n"),
    })
}

/// A teacher's own lessons of a day (0 today, 1 tomorrow).
pub async fn teacher_timetable(a: &Asker<'_>, ahead: i64) -> AppResult<Found> {
    let date = a.app.clock.today() + chrono::Duration::days(ahead);
    let when = if ahead == 0 {
        a.t.t("asst-today")
    } else {
        a.t.t("asst-tomorrow")
    };
    let day = a.t.t(format!(
        "timetable-day-{}",
        date.weekday().num_days_from_monday()
    ));
    let view = crate::timetable::View::Teacher(a.user.id);
    let text = match day_lessons(&a.app.db, view, date).await? {
        None => a.t.t("asst-no-timetable"),
        Some(l) if l.is_empty() => a.t.tj(
            "asst-no-lesson-mine",
            json!({"when": when, "day": day, "date": a.t.date(&date)}),
        ),
        Some(l) => a.t.tj(
            "asst-lessons-mine",
            json!({"when": when, "day": day, "date": a.t.date(&date), "first": l[0].0,
                   "list": l.iter().map(|(f, t, s)| format!("{f}–{t} {s}")).collect::<Vec<_>>().join(", ")}),
        ),
    };
    Ok(Found {
        data: json!({ "date": date }),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(id: i64, first: &str, sex: &str) -> StudentRow {
        StudentRow {
            id,
            matricule: format!("M{id}"),
            first_name: first.into(),
            last_name: "Agbodjan".into(),
            sex: sex.into(),
            birth_date: None,
            birth_place: None,
            active: true,
            class_id: None,
            class_name: None,
            room: None,
            head_teacher: None,
        }
    }

    #[test]
    fn a_tool_call_names_only_the_askers_own_students() {
        let mine = [student(1, "Elom", "M"), student(2, "Sena", "F")];
        let ids =
            |v: Option<Vec<StudentRow>>| v.map(|v| v.iter().map(|s| s.id).collect::<Vec<_>>());
        assert_eq!(ids(chosen(&mine, None)), Some(vec![1, 2]));
        assert_eq!(ids(chosen(&mine, Some(" "))), Some(vec![1, 2]));
        assert_eq!(ids(chosen(&mine, Some("Sena"))), Some(vec![2]));
        assert_eq!(ids(chosen(&mine, Some("élom agbodjan"))), Some(vec![1]));
        assert_eq!(ids(chosen(&mine, Some("mon fils"))), Some(vec![1]));
        assert_eq!(ids(chosen(&mine, Some("my daughter"))), Some(vec![2]));
        assert_eq!(ids(chosen(&mine, Some("mes enfants"))), Some(vec![1, 2]));
        // Someone else, or everyone: nobody (never a fallback to all).
        assert_eq!(ids(chosen(&mine, Some("Yawo"))), None);
        assert_eq!(ids(chosen(&mine, Some("all students"))), None);
        assert_eq!(ids(chosen(&mine, Some("tous les élèves"))), None);
        assert_eq!(ids(chosen(&[], Some("mon fils"))), None);
    }
}
