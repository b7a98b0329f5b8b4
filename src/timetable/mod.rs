//! Timetables (emplois du temps): the week grid, weekly hours and constraints the censeur
//! sets, the solver that builds versions in a background job, manual moves checked against
//! the hard rules, publishing, and each person's week. The solver itself (`solver`) and the
//! interchange formats (`ctt`) know nothing of HTTP or the database.

pub mod build;
pub mod cli;
pub mod ctt;
mod describe;
pub mod edit;
mod feeds;
pub mod fet;
pub mod ical;
mod inputs;
mod job;
mod mine;
pub mod notify;
mod parallel;
pub mod repo;
mod routes;
mod rules;
pub mod solver;
mod views;
pub mod week;

pub use describe::{describe, describe_plain};
pub use job::{Generate, GenerateJob, generate_with};
/// The timetable pages: versions, each person's week, and the solver's inputs.
pub fn router() -> axum::Router<crate::app::AppState> {
    routes::router()
        .merge(inputs::router())
        .merge(parallel::router())
        .merge(feeds::router())
}

crate::text_enum! {
    /// Where a version stands.
    pub enum State {
        /// The solver is at work.
        Generating = "generating",
        /// Made, not shown to anyone but the administration.
        Draft = "draft",
        /// The school's timetable.
        Published = "published",
        /// Published once, replaced since.
        Archived = "archived",
        /// The solver proved no timetable can exist (the report says why).
        Failed = "failed",
    }
}

crate::text_enum! {
    /// The kinds of constraint the censeur sets.
    pub enum ConstraintKind {
        Unavailable = "unavailable",
        MaxPerDay = "max_per_day",
        MaxInRow = "max_in_row",
        MaxGapsDay = "max_gaps_day",
        MaxGapsWeek = "max_gaps_week",
        MinDays = "min_days",
        NotIn = "not_in",
    }
}

crate::text_enum! {
    /// Whom a constraint binds.
    pub enum Target {
        Teacher = "teacher",
        Class = "class",
        Subject = "subject",
        AllTeachers = "all_teachers",
        AllClasses = "all_classes",
    }
}

/// One person's or place's timetable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Class(i64),
    Teacher(i64),
    Room(i64),
}

#[cfg(test)]
mod tests {
    use crate::db::text_enum::{checked_words, migrations_text};

    #[test]
    fn the_enums_are_those_the_database_allows() {
        let m = migrations_text();
        let words = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            checked_words(&m, "timetables", "state"),
            words(
                &super::State::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
            )
        );
        assert_eq!(
            checked_words(&m, "timetable_constraints", "kind"),
            words(
                &super::ConstraintKind::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
            )
        );
        assert_eq!(
            checked_words(&m, "timetable_constraints", "applies_to"),
            words(
                &super::Target::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
            )
        );
    }
}
