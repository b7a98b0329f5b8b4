//! The cahier de textes: for each class and subject, what was done in each lesson (its day,
//! title, content and an attached file) and the homework given, with the day it is due.
//! The teacher of the subject writes it (and copies an entry to their other classes of the
//! same level); the class's students and their parents read it, and its homework is their
//! "travail à faire" (see [`crate::todo`]); the director sees whose logs are behind.

pub mod repo;
pub mod routes;

pub use routes::router;

use chrono::NaiveDate;

/// The longest title and content of a lesson, and of homework instructions.
pub const MAX_TITLE: usize = 120;
pub const MAX_CONTENT: usize = 5000;
pub const MAX_INSTRUCTIONS: usize = 1000;
/// A log with no lesson for this many days is behind.
pub const BEHIND_DAYS: i64 = 10;

/// The cahier de textes' part of the "à faire" list: the homework of the student's class.
pub fn todo_source(db: &crate::db::Pool, ask: crate::todo::Ask) -> crate::todo::Pending<'_> {
    Box::pin(async move {
        let rows = repo::due(db, ask.class_id, ask.from, ask.to).await?;
        Ok(rows
            .into_iter()
            .map(|h| crate::todo::Item {
                due_on: h.due_on,
                subject: h.subject,
                what: h.instructions,
                teacher: h.teacher,
                kind_key: "todo-homework",
                link: h.lesson_id.map(|l| format!("#lecon-{l}")),
            })
            .collect())
    })
}

/// Whether a log whose last lesson was on `last` is behind on `today`.
pub fn behind(last: Option<NaiveDate>, today: NaiveDate) -> bool {
    last.is_none_or(|d| (today - d).num_days() > BEHIND_DAYS)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[test]
    fn a_log_is_behind_after_ten_days_without_a_lesson() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert!(super::behind(None, d(2)));
        assert!(!super::behind(Some(d(1)), d(11)));
        assert!(super::behind(Some(d(1)), d(12)));
    }
}
