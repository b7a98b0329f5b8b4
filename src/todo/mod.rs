//! "Travail à faire": what a student has to do, day by day, gathered from every feature that
//! gives work. Each such feature adds a [`Source`] to [`SOURCES`]: the cahier de textes
//! gives homework, e-learning its assignments. The list, the
//! student's and parents' pages and the home cards read only [`for_student`].

use chrono::NaiveDate;
use std::future::Future;
use std::pin::Pin;

use crate::db::Pool;

/// One thing to do.
#[derive(Clone, Debug)]
pub struct Item {
    pub due_on: NaiveDate,
    pub subject: String,
    /// What to do, as the teacher wrote it.
    pub what: String,
    /// Who gave it.
    pub teacher: String,
    /// The catalog key of the kind of work ("todo-homework").
    pub kind_key: &'static str,
    /// A page with more (the lesson it was given in), if any.
    pub link: Option<String>,
}

/// Whose list, and over which days.
#[derive(Clone, Copy, Debug)]
pub struct Ask {
    pub student_id: i64,
    /// The student's class this year.
    pub class_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A feature's part of the list.
pub type Source = for<'a> fn(&'a Pool, Ask) -> Pending<'a>;

/// A source's answer, on its way.
pub type Pending<'a> = Pin<Box<dyn Future<Output = Result<Vec<Item>, sqlx::Error>> + Send + 'a>>;

/// Every feature that gives work.
pub const SOURCES: &[Source] = &[
    crate::lessons::todo_source,
    crate::courses::assignment::remind::todo_source,
];

/// The student's work due between the two days of `ask`, by due day then subject.
pub async fn for_student(db: &Pool, ask: Ask) -> Result<Vec<Item>, sqlx::Error> {
    let mut items = Vec::new();
    for source in SOURCES {
        items.extend(source(db, ask).await?);
    }
    items.sort_by(|a, b| (a.due_on, &a.subject).cmp(&(b.due_on, &b.subject)));
    Ok(items)
}

/// The items grouped by due day, in order.
pub fn by_day(items: &[Item]) -> Vec<(NaiveDate, Vec<&Item>)> {
    let mut out: Vec<(NaiveDate, Vec<&Item>)> = Vec::new();
    for i in items {
        match out.last_mut() {
            Some((d, v)) if *d == i.due_on => v.push(i),
            _ => out.push((i.due_on, vec![i])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(d: u32, s: &str) -> Item {
        Item {
            due_on: NaiveDate::from_ymd_opt(2026, 12, d).unwrap(),
            subject: s.into(),
            what: String::new(),
            teacher: String::new(),
            kind_key: "todo-homework",
            link: None,
        }
    }

    #[test]
    fn items_are_grouped_by_due_day() {
        let items = [item(3, "Maths"), item(3, "SVT"), item(7, "Anglais")];
        let days = by_day(&items);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].1.len(), 2);
        assert_eq!(days[1].1[0].subject, "Anglais");
    }
}
