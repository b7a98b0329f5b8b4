//! A week as pages show it: rows of periods, a column per day, each lesson in the cell
//! where it starts spanning its periods; and "today" for the homes.

use chrono::{Datelike, NaiveDate};

use super::View;
use super::build::DAYS;
use super::repo::{self, LessonRow, PeriodRow};
use crate::db::Pool;

#[derive(Clone, Debug)]
pub struct Cell {
    pub day: i64,
    pub ordinal: i64,
    pub closed: bool,
    /// Lessons starting here (more than one only in a draft with clashes).
    pub lessons: Vec<LessonRow>,
    /// Periods the first lesson covers.
    pub span: i64,
    /// Covered by a lesson above: no cell of its own.
    pub covered: bool,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub period: PeriodRow,
    pub cells: Vec<Cell>,
    /// A break follows this period (drawn as a thin line).
    pub break_after: bool,
}

#[derive(Clone, Debug)]
pub struct Week {
    pub rows: Vec<Row>,
    /// Per day, its lessons in order with their times (the phone's list).
    pub days: Vec<Vec<(String, String, LessonRow)>>,
}

impl Week {
    pub fn new(periods: &[PeriodRow], closed: &[(i64, i64)], lessons: &[LessonRow]) -> Week {
        let mut rows: Vec<Row> = periods
            .iter()
            .enumerate()
            .map(|(i, p)| Row {
                period: p.clone(),
                cells: (0..DAYS as i64)
                    .map(|d| Cell {
                        day: d,
                        ordinal: p.ordinal,
                        closed: closed.contains(&(d, p.ordinal)),
                        lessons: Vec::new(),
                        span: 1,
                        covered: false,
                    })
                    .collect(),
                break_after: periods.get(i + 1).is_some_and(|n| {
                    super::build::minutes(&n.starts_at) - super::build::minutes(&p.ends_at) > 20
                }),
            })
            .collect();
        let index = |ordinal: i64| periods.iter().position(|p| p.ordinal == ordinal);
        let mut sorted = lessons.to_vec();
        sorted.sort_by_key(|l| (l.day, index(l.period), std::cmp::Reverse(l.duration)));
        for l in &sorted {
            let (Some(i), Ok(d)) = (index(l.period), usize::try_from(l.day)) else {
                continue;
            };
            if d >= DAYS {
                continue;
            }
            // A lesson starting in a covered cell joins the lesson covering it (a clash).
            let mut at = i;
            while at > 0 && rows[at].cells[d].covered {
                at -= 1;
            }
            let n = rows.len();
            let cell = &mut rows[at].cells[d];
            if cell.lessons.is_empty() && at == i {
                cell.span = l.duration.min((n - i) as i64).max(1);
                for k in 1..cell.span as usize {
                    rows[i + k].cells[d].covered = true;
                }
                rows[i].cells[d].lessons.push(l.clone());
            } else {
                cell.lessons.push(l.clone());
            }
        }
        let days = (0..DAYS as i64)
            .map(|d| {
                sorted
                    .iter()
                    .filter(|l| l.day == d)
                    .filter_map(|l| {
                        let i = index(l.period)?;
                        let last = (i + l.duration.max(1) as usize - 1).min(periods.len() - 1);
                        Some((
                            periods[i].starts_at.clone(),
                            periods[last].ends_at.clone(),
                            l.clone(),
                        ))
                    })
                    .collect()
            })
            .collect();
        Week { rows, days }
    }

    pub fn is_empty(&self) -> bool {
        self.days.iter().all(|d| d.is_empty())
    }
}

/// Monday 0 … Saturday 5; Sunday has no lessons.
pub fn day_of(date: NaiveDate) -> Option<i64> {
    let d = date.weekday().num_days_from_monday() as i64;
    (d < DAYS as i64).then_some(d)
}

/// The published week of a class, teacher or room, if the school has published one.
pub async fn published_week(db: &Pool, view: View) -> Result<Option<Week>, sqlx::Error> {
    let Some(year) = crate::school::current_year(db).await? else {
        return Ok(None);
    };
    let Some(t) = repo::published(db, year.id).await? else {
        return Ok(None);
    };
    let lessons = repo::lessons_of(db, t.id, view).await?;
    let periods = repo::periods(db).await?;
    let closed = repo::closed(db).await?;
    Ok(Some(Week::new(&periods, &closed, &lessons)))
}

/// The lessons of `date` in the published timetable (start, end, lesson), in order.
pub async fn day(
    db: &Pool,
    view: View,
    date: NaiveDate,
) -> Result<Vec<(String, String, LessonRow)>, sqlx::Error> {
    let Some(d) = day_of(date) else {
        return Ok(Vec::new());
    };
    Ok(published_week(db, view)
        .await?
        .map(|w| w.days[d as usize].clone())
        .unwrap_or_default())
}

/// The lesson a teacher gives at `time` ("HH:MM") on `date`, or the next one within the
/// following quarter of an hour: the roll call opens on it.
pub async fn lesson_now(
    db: &Pool,
    teacher: i64,
    date: NaiveDate,
    time: &str,
) -> Result<Option<(String, String, LessonRow)>, sqlx::Error> {
    let now = super::build::minutes(time);
    Ok(day(db, View::Teacher(teacher), date)
        .await?
        .into_iter()
        .find(|(start, end, _)| {
            super::build::minutes(start) - 15 <= now && now < super::build::minutes(end)
        }))
}

/// The lessons of today, or of the next day that has some, for a home page.
#[derive(Clone, Debug)]
pub struct Upcoming {
    pub date: NaiveDate,
    pub is_today: bool,
    pub lessons: Vec<(String, String, LessonRow)>,
    /// The whole week's page.
    pub href: String,
}

impl Upcoming {
    /// Monday 0 … Saturday 5.
    pub fn weekday(&self) -> i64 {
        day_of(self.date).unwrap_or(0)
    }
}

pub async fn upcoming(
    db: &Pool,
    view: View,
    today: NaiveDate,
    href: String,
) -> Result<Option<Upcoming>, sqlx::Error> {
    let Some(week) = published_week(db, view).await? else {
        return Ok(None);
    };
    for ahead in 0..7 {
        let date = today + chrono::Duration::days(ahead);
        if let Some(d) = day_of(date)
            && !week.days[d as usize].is_empty()
        {
            return Ok(Some(Upcoming {
                date,
                is_today: ahead == 0,
                lessons: week.days[d as usize].clone(),
                href,
            }));
        }
    }
    Ok(Some(Upcoming {
        date: today,
        is_today: true,
        lessons: Vec::new(),
        href,
    }))
}

/// Minutes from one "HH:MM" to another.
pub fn minutes_between(from: &str, to: &str) -> i64 {
    (super::build::minutes(to) - super::build::minutes(from)).max(0)
}

impl Week {
    /// The week as a table for the export engine (PDF A4 landscape, XLSX, CSV): a row per
    /// period, a column per day; a double lesson fills both of its rows.
    pub fn table(
        &self,
        t: &crate::i18n::Tr,
        title: String,
        subtitle: String,
        view: View,
    ) -> crate::export::Table {
        use crate::export::table::Column;
        use crate::export::{Cell, Table};
        let mut columns = vec![Column {
            label: t.t("timetable-hour"),
        }];
        columns.extend((0..DAYS).map(|d| Column {
            label: t.t(format!("timetable-day-{d}")),
        }));
        let label = |l: &LessonRow| {
            let who = match view {
                View::Class(_) => l.teacher.clone(),
                View::Teacher(_) => l.class_name.clone(),
                View::Room(_) => format!("{} · {}", l.class_name, l.teacher),
            };
            let mut s = format!("{} · {who}", l.subject);
            if let (Some(r), false) = (&l.room, matches!(view, View::Room(_))) {
                s.push_str(" · ");
                s.push_str(r);
            }
            s
        };
        // The lesson covering each cell, following a double down its rows.
        let mut covering: Vec<Vec<Option<String>>> = vec![vec![None; DAYS]; self.rows.len()];
        for (i, row) in self.rows.iter().enumerate() {
            for (d, cell) in row.cells.iter().enumerate() {
                if cell.lessons.is_empty() {
                    continue;
                }
                let text = cell
                    .lessons
                    .iter()
                    .map(label)
                    .collect::<Vec<_>>()
                    .join(" / ");
                for k in 0..cell.span.max(1) as usize {
                    if let Some(c) = covering.get_mut(i + k) {
                        c[d] = Some(text.clone());
                    }
                }
            }
        }
        let rows = self
            .rows
            .iter()
            .zip(covering)
            .map(|(row, cells)| {
                let mut r = vec![Cell::Text(format!(
                    "{}–{}",
                    row.period.starts_at, row.period.ends_at
                ))];
                r.extend(row.cells.iter().zip(cells).map(|(c, text)| match text {
                    Some(s) => Cell::Text(s),
                    None if c.closed => Cell::Text("—".into()),
                    None => Cell::Empty,
                }));
                r
            })
            .collect();
        Table {
            title,
            subtitle,
            columns,
            rows,
            ..Default::default()
        }
    }
}
