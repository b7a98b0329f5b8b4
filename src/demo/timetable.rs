//! The demo school's timetable: the Togolese week grid, each level's weekly hours, the
//! censeur's usual constraints, and a version made by the solver and published, so that
//! "today" on the homes and the roll call of the hour work from the start.

use std::collections::HashMap;

use chrono::Utc;

use crate::db::{Pool, Tx};
use crate::timetable::repo::{self, NewConstraint, SubjectHoursRow};

/// Periods: 55 minutes, a break at 9:45, mornings 7:00–11:55, afternoons 15:00–16:50.
const PERIODS: &[(&str, &str)] = &[
    ("07:00", "07:55"),
    ("07:55", "08:50"),
    ("08:50", "09:45"),
    ("10:05", "11:00"),
    ("11:00", "11:55"),
    ("15:00", "15:55"),
    ("15:55", "16:50"),
];

/// (subject, hours, double periods, room kind preferred).
type Hours = &'static [(&'static str, i64, i64, Option<&'static str>)];

const PRIMARY: Hours = &[("ENS", 28, 8, None)];
const COLLEGE: Hours = &[
    ("FR", 6, 1, None),
    ("MATH", 5, 1, None),
    ("ANG", 4, 0, None),
    ("HG", 3, 0, None),
    ("SVT", 2, 0, None),
    ("PC", 3, 0, None),
    ("ECM", 1, 0, None),
    ("EPS", 2, 1, Some("sports")),
];
const SECONDE: Hours = &[
    ("FR", 5, 1, None),
    ("MATH", 5, 1, None),
    ("ANG", 3, 0, None),
    ("HG", 3, 0, None),
    ("SVT", 3, 0, None),
    ("PC", 4, 1, Some("lab")),
    ("ALL", 3, 0, None),
    ("EPS", 2, 1, Some("sports")),
];
const A4: Hours = &[
    ("FR", 5, 1, None),
    ("PHILO", 4, 1, None),
    ("ANG", 4, 0, None),
    ("HG", 4, 0, None),
    ("MATH", 3, 0, None),
    ("SVT", 2, 0, None),
    ("PC", 2, 0, Some("lab")),
    ("EPS", 2, 1, Some("sports")),
];
const C: Hours = &[
    ("MATH", 6, 1, None),
    ("PC", 5, 1, Some("lab")),
    ("SVT", 2, 0, None),
    ("FR", 4, 0, None),
    ("ANG", 3, 0, None),
    ("HG", 2, 0, None),
    ("PHILO", 2, 0, None),
    ("EPS", 2, 1, Some("sports")),
];
const D: Hours = &[
    ("MATH", 5, 1, None),
    ("PC", 4, 1, Some("lab")),
    ("SVT", 5, 1, None),
    ("FR", 4, 0, None),
    ("ANG", 3, 0, None),
    ("HG", 2, 0, None),
    ("PHILO", 2, 0, None),
    ("EPS", 2, 1, Some("sports")),
];

/// The grid, the hours and the constraints (in the demo's transaction).
pub(super) async fn seed(
    tx: &mut Tx<'_>,
    subjects: &HashMap<&str, i64>,
    series: &HashMap<&str, i64>,
    busy_teachers: &[i64],
) -> anyhow::Result<()> {
    let periods: Vec<(i64, String, String)> = PERIODS
        .iter()
        .enumerate()
        .map(|(i, (a, b))| (i as i64, a.to_string(), b.to_string()))
        .collect();
    // Wednesday and Saturday afternoons are free.
    let closed: Vec<(i64, i64)> = [2i64, 5].iter().flat_map(|&d| [(d, 5), (d, 6)]).collect();
    repo::set_grid(tx, &periods, &closed).await?;
    let levels: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, code, cycle FROM levels")
        .fetch_all(&mut **tx)
        .await?;
    for (level_id, code, cycle) in levels {
        let tables: Vec<(i64, Hours)> = match (cycle.as_str(), code.as_str()) {
            ("primaire", _) => vec![(0, PRIMARY)],
            ("college", _) => vec![(0, COLLEGE)],
            (_, "2nde") => vec![(0, SECONDE)],
            _ => vec![(series["A4"], A4), (series["C"], C), (series["D"], D)],
        };
        for (series_key, hours) in tables {
            for &(subject, h, doubles, kind) in hours {
                repo::upsert_subject_hours(
                    &mut **tx,
                    &SubjectHoursRow {
                        level_id,
                        series_key,
                        subject_id: subjects[subject],
                        hours: h,
                        doubles,
                        room_kind: kind.map(str::to_string),
                        room_required: kind == Some("sports"),
                    },
                )
                .await?;
            }
        }
    }
    let now = Utc::now();
    let rule = |kind: &str, applies_to: &str, value: i64, slots: &str, weight: Option<i64>| {
        NewConstraint {
            kind: kind.into(),
            applies_to: applies_to.into(),
            teacher_user_id: None,
            class_id: None,
            subject_id: None,
            value,
            slots: slots.into(),
            weight,
        }
    };
    let mut rules = vec![
        // No hole in a class's day; teachers at most 6 hours a day and few gaps.
        rule("max_gaps_day", "all_classes", 0, "", Some(10)),
        // Balanced days: a class has at most six hours a day where it can.
        rule("max_per_day", "all_classes", 6, "", Some(5)),
        rule("max_per_day", "all_teachers", 6, "", None),
        rule("max_gaps_day", "all_teachers", 2, "", Some(2)),
    ];
    // A subject's lessons on different days (not the instituteur's: one teacher, every day).
    for code in ["FR", "MATH", "ANG", "HG", "SVT", "PC", "PHILO", "ALL"] {
        let mut spread = rule("min_days", "subject", 1, "", Some(3));
        spread.subject_id = Some(subjects[code]);
        rules.push(spread);
    }
    // PE not in the hot afternoon.
    let mut pe = rule(
        "not_in",
        "subject",
        0,
        "0.5,0.6,1.5,1.6,3.5,3.6,4.5,4.6",
        Some(5),
    );
    pe.subject_id = Some(subjects["EPS"]);
    rules.push(pe);
    // A few teachers are away half a day (another school, training).
    for (i, &t) in busy_teachers.iter().enumerate() {
        let day = [3, 1, 4][i % 3];
        let mut away = rule(
            "unavailable",
            "teacher",
            0,
            &(0..5)
                .map(|p| format!("{day}.{p}"))
                .collect::<Vec<_>>()
                .join(","),
            None,
        );
        away.teacher_user_id = Some(t);
        rules.push(away);
    }
    for r in &rules {
        repo::insert_constraint(&mut **tx, r, now).await?;
    }
    Ok(())
}

/// Solves and publishes the first version (after the demo's records are committed).
pub(super) async fn publish_first(db: &Pool, year_id: i64) -> anyhow::Result<()> {
    let now = Utc::now();
    parallel_english(db, year_id).await?;
    let id = repo::insert_timetable(
        db,
        &repo::NewTimetable {
            year_id,
            name: "Version de rentrée",
            seed: 1,
            seconds: 60,
            based_on: None,
            by: None,
        },
        now,
    )
    .await?;
    let i18n = std::sync::Arc::new(crate::i18n::I18n::load()?);
    // A fixed number of moves: the same timetable on every machine, in a few seconds.
    let opts = crate::timetable::solver::Options {
        seed: 1,
        time_limit: std::time::Duration::from_secs(120),
        max_iterations: Some(DEMO_MOVES),
    };
    crate::timetable::generate_with(db, &i18n, id, Some(opts), None).await?;
    let t = repo::timetable(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo's timetable is gone"))?;
    anyhow::ensure!(
        t.cost_hard == Some(0),
        "the demo's timetable breaks a hard rule: {:?}",
        t.report
    );
    let mut tx = crate::db::begin_write(db).await?;
    repo::publish(&mut tx, year_id, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// English in the two 2nde D classes, taught by two teachers at the same hours: the
/// students are regrouped by level, the stronger with one teacher, the others with the
/// second.
async fn parallel_english(db: &Pool, year_id: i64) -> anyhow::Result<()> {
    let classes = repo::classes(db, year_id).await?;
    let mut members: Vec<(i64, i64)> = Vec::new();
    let mut teachers: Vec<i64> = Vec::new();
    for a in repo::assignments(db, year_id).await? {
        let seconde_d = classes
            .iter()
            .any(|c| c.id == a.class_id && c.name.starts_with("2nde D"));
        if seconde_d && a.subject == "Anglais" && !teachers.contains(&a.teacher_user_id) {
            teachers.push(a.teacher_user_id);
            members.push((a.class_id, a.subject_id));
        }
    }
    if members.len() >= 2 {
        let mut tx = crate::db::begin_write(db).await?;
        repo::insert_parallel(&mut tx, &members[..2], Utc::now()).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Moves the demo's solver makes: enough for a valid timetable with few gaps.
const DEMO_MOVES: u64 = 400_000;
