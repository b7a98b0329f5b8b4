//! The timetable pages' templates.

use askama::Template;

use super::repo::{LessonRow, TimetableRow};
use super::week::Week;
use super::{State, View};
use crate::web::{Ctx, FormErrors};

/// A picker entry: (value, label).
pub type Pick = (String, String);

#[derive(Template)]
#[template(path = "timetable/index.html")]
pub struct IndexPage<'a> {
    pub ctx: &'a Ctx,
    pub versions: Vec<TimetableRow>,
    pub summary: Summary,
    pub form: GenerateForm,
    pub errors: FormErrors,
}

/// What the solver will work from.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub classes: usize,
    pub teachers: usize,
    pub rooms: usize,
    pub lessons: usize,
    pub hours: usize,
    pub slots: usize,
    pub rules: usize,
    /// Conflicts that make any timetable impossible, found before solving.
    pub impossible: Vec<String>,
}

impl Summary {
    pub fn text(&self, ctx: &Ctx) -> String {
        ctx.t.tj(
            "timetable-inputs-summary",
            serde_json::json!({
                "classes": self.classes, "teachers": self.teachers, "rooms": self.rooms,
                "lessons": self.lessons, "hours": self.hours, "slots": self.slots, "rules": self.rules,
            }),
        )
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct GenerateForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub seconds: String,
    #[serde(default)]
    pub seed: String,
    #[serde(default)]
    pub based_on: String,
}

impl GenerateForm {
    pub fn based(&self, id: &i64) -> bool {
        self.based_on == id.to_string()
    }
}

#[derive(Template)]
#[template(path = "timetable/show.html")]
pub struct ShowPage<'a> {
    pub ctx: &'a Ctx,
    pub t: TimetableRow,
    pub grid: GridPart<'a>,
    pub classes: Vec<Pick>,
    pub teachers: Vec<Pick>,
    pub rooms: Vec<Pick>,
    /// What stops publishing (hard rules broken), in words.
    pub problems: Vec<String>,
    /// What the solver said, in the reader's language.
    pub conflicts: Vec<String>,
    /// The soft cost over time: SVG polyline points.
    pub chart: Option<Chart>,
    pub others: Vec<TimetableRow>,
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub points: String,
    pub seconds: String,
    pub first: i64,
    pub last: i64,
}

impl Chart {
    pub fn caption(&self, ctx: &Ctx) -> String {
        ctx.t.tj(
            "timetable-cost-chart-caption",
            serde_json::json!({ "first": self.first, "last": self.last, "seconds": self.seconds }),
        )
    }
}

/// The week of one view, editable or not: what the grid fragment needs.
#[derive(Template)]
#[template(path = "timetable/_grid.html")]
pub struct GridPart<'a> {
    pub ctx: &'a Ctx,
    pub t_id: i64,
    pub editable: bool,
    pub view: View,
    pub view_key: String,
    pub title: String,
    pub week: Week,
    /// A move refused, and why.
    pub refused: Vec<String>,
    pub moved: bool,
    pub rooms: Vec<Pick>,
}

impl GridPart<'_> {
    pub fn label(&self, l: &LessonRow) -> String {
        match self.view {
            View::Class(_) => format!("{} · {}", l.subject, l.teacher),
            View::Teacher(_) => format!("{} · {}", l.subject, l.class_name),
            View::Room(_) => format!("{} · {} · {}", l.subject, l.class_name, l.teacher),
        }
    }

    /// Who else the lesson involves: the teacher for a class, the class for a teacher.
    pub fn with(&self, l: &LessonRow) -> String {
        match self.view {
            View::Class(_) => l.teacher.clone(),
            View::Teacher(_) => l.class_name.clone(),
            View::Room(_) => format!("{} · {}", l.class_name, l.teacher),
        }
    }

    pub fn place(&self, l: &LessonRow) -> String {
        match self.view {
            View::Room(_) => String::new(),
            _ => l
                .room
                .clone()
                .unwrap_or_else(|| self.ctx.t.t("timetable-no-room")),
        }
    }

    pub fn day_name(&self, d: &i64) -> String {
        self.ctx.t.t(format!("timetable-day-{d}"))
    }

    /// This week's page with `format=` (the admin's version page keeps its view).
    pub fn export_href(&self, format: &str) -> String {
        if self.editable || self.ctx.path.starts_with("/admin/") {
            format!(
                "/admin/emplois-du-temps/{}?{}&format={format}",
                self.t_id, self.view_key
            )
        } else {
            format!("{}?format={format}", self.ctx.path)
        }
    }

    /// The hidden fields that keep the view after a move.
    pub fn view_field(&self) -> (&'static str, i64) {
        match self.view {
            View::Class(id) => ("classe", id),
            View::Teacher(id) => ("enseignant", id),
            View::Room(id) => ("salle", id),
        }
    }

    pub fn periods(&self) -> Vec<(i64, String)> {
        self.week
            .rows
            .iter()
            .map(|r| {
                (
                    r.period.ordinal,
                    format!("{}–{}", r.period.starts_at, r.period.ends_at),
                )
            })
            .collect()
    }

    pub fn days(&self) -> Vec<i64> {
        (0..super::build::DAYS as i64).collect()
    }
}

#[derive(Template)]
#[template(path = "timetable/compare.html")]
pub struct ComparePage<'a> {
    pub ctx: &'a Ctx,
    pub t: TimetableRow,
    pub other: TimetableRow,
    pub changes: Vec<super::edit::Change>,
    pub periods: Vec<super::repo::PeriodRow>,
}

impl ComparePage<'_> {
    /// "mardi 08:50, Salle 12".
    pub fn place(&self, p: &Option<(i64, i64, Option<String>)>) -> String {
        match p {
            None => "—".into(),
            Some((day, period, room)) => {
                let time = self
                    .periods
                    .iter()
                    .find(|x| x.ordinal == *period)
                    .map(|x| x.starts_at.clone())
                    .unwrap_or_default();
                let mut s = format!("{} {time}", self.ctx.t.t(format!("timetable-day-{day}")));
                if let Some(r) = room {
                    s.push_str(", ");
                    s.push_str(r);
                }
                s
            }
        }
    }
}

#[derive(Template)]
#[template(path = "timetable/mine.html")]
pub struct MinePage<'a> {
    pub ctx: &'a Ctx,
    /// The calendar feed's form: whose week (a student, or the teacher's own), and the
    /// working feed's (created, last read) if there is one.
    pub feed_student: Option<i64>,
    pub feed: Option<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    )>,
    pub grid: Option<GridPart<'a>>,
    /// For a parent: their children, to switch.
    pub children: Vec<Pick>,
}

pub fn state_key(s: &State) -> String {
    format!("timetable-state-{s}")
}
