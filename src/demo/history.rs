//! Three past school years, so that success prediction has a history to learn from: the same
//! classes each year, their students (former students, no longer enrolled today), a
//! composition per subject and term, roll calls with absences and latenesses, and the
//! council's decision at the end of each year. Students who pass move up a level the next
//! year, most of those who fail repeat it, the others leave; new students fill the classes.
//! A student's results follow their ability, its drift over the year and their absences, so
//! a model finds real signal in the records.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::Names;
use crate::db::Tx;

/// A value to bind in a bulk insert.
enum Val {
    I(i64),
    OI(Option<i64>),
    S(String),
    D(NaiveDate),
    T(DateTime<Utc>),
    B(bool),
}

/// Inserts rows many at a time: the demo must be quick on PostgreSQL too.
async fn bulk(tx: &mut Tx<'_>, head: &str, rows: Vec<Vec<Val>>) -> anyhow::Result<()> {
    for chunk in rows.chunks(400) {
        let mut sql = String::from(head);
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { " VALUES (" } else { ", (" });
            for k in 0..row.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if k == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for v in row {
                q = match v {
                    Val::I(x) => q.bind(*x),
                    Val::OI(x) => q.bind(*x),
                    Val::S(x) => q.bind(x.clone()),
                    Val::D(x) => q.bind(*x),
                    Val::T(x) => q.bind(*x),
                    Val::B(x) => q.bind(*x),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A student of the history.
#[derive(Clone)]
struct Former {
    id: i64,
    /// Level of marks out of 20 they tend to.
    ability: f64,
    /// Share of sessions missed.
    truancy: f64,
}

/// A class of the current year, copied into each past year.
struct Model {
    id: i64,
    level_ord: i64,
    size: usize,
}

fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    super::grades::normal(rng, mean, sd)
}

/// Seeds the three years before the current one.
pub(super) async fn seed(
    tx: &mut Tx<'_>,
    n: &mut Names,
    current_year: i64,
    director: i64,
) -> anyhow::Result<()> {
    let models: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT c.id, l.ordinal, (SELECT COUNT(*) FROM enrollments e WHERE e.class_id = c.id) \
         FROM classes c JOIN levels l ON l.id = c.level_id WHERE c.school_year_id = $1 ORDER BY l.ordinal, c.name",
    )
    .bind(current_year)
    .fetch_all(&mut **tx)
    .await?;
    let models: Vec<Model> = models
        .into_iter()
        .map(|(id, level_ord, size)| Model {
            id,
            level_ord,
            size: size.max(20) as usize,
        })
        .collect();
    let top = models.iter().map(|m| m.level_ord).max().unwrap_or(0);
    // Students carried into the next year: (level, student).
    let mut carried: Vec<(i64, Former)> = Vec::new();
    let mut matricule = 0;
    for start in [2023, 2024, 2025] {
        let d = |y: i32, m: u32, dd: u32| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
        let (year,): (i64,) = sqlx::query_as(
            "INSERT INTO school_years (label, starts_on, ends_on, current) VALUES ($1, $2, $3, FALSE) RETURNING id",
        )
        .bind(format!("{start}-{}", start + 1))
        .bind(d(start, 10, 2))
        .bind(d(start + 1, 7, 1))
        .fetch_one(&mut **tx)
        .await?;
        let terms = [
            (d(start, 10, 2), d(start, 12, 20)),
            (d(start + 1, 1, 5), d(start + 1, 3, 28)),
            (d(start + 1, 4, 8), d(start + 1, 7, 1)),
        ];
        let mut periods = Vec::new();
        for (i, (s, e)) in terms.iter().enumerate() {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO periods (school_year_id, ordinal, kind, starts_on, ends_on, closed, published) \
                 VALUES ($1, $2, 'trimestre', $3, $4, TRUE, TRUE) RETURNING id",
            )
            .bind(year)
            .bind(i as i64 + 1)
            .bind(s)
            .bind(e)
            .fetch_one(&mut **tx)
            .await?;
            periods.push(id);
        }
        // The classes and their teachers, as this year's.
        let mut class_of: HashMap<i64, i64> = HashMap::new();
        for m in &models {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO classes (school_year_id, level_id, series_id, grp, name, room, head_teacher_user_id) \
                 SELECT $1, level_id, series_id, grp, name, room, head_teacher_user_id FROM classes WHERE id = $2 RETURNING id",
            )
            .bind(year)
            .bind(m.id)
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO teaching_assignments (class_id, subject_id, teacher_user_id) \
                 SELECT $1, subject_id, teacher_user_id FROM teaching_assignments WHERE class_id = $2",
            )
            .bind(id)
            .bind(m.id)
            .execute(&mut **tx)
            .await?;
            class_of.insert(m.id, id);
        }
        // Rosters: those carried from last year at their level, then new students.
        let mut roster: HashMap<i64, Vec<Former>> = HashMap::new();
        let mut by_level: HashMap<i64, Vec<Former>> = HashMap::new();
        for (level, s) in carried.drain(..) {
            by_level.entry(level).or_default().push(s);
        }
        let mut new_students: Vec<Vec<Val>> = Vec::new();
        let mut pending: Vec<(i64, String, f64, f64)> = Vec::new();
        for m in &models {
            let pool = by_level.entry(m.level_ord).or_default();
            let take = pool.len().min(m.size);
            let mut members: Vec<Former> = pool.drain(..take).collect();
            while members.len() + pending.iter().filter(|p| p.0 == m.id).count() < m.size {
                let girl = n.rng.random_bool(0.5);
                let first = n.given(girl);
                let last = n.pick(super::names::SURNAMES).to_string();
                matricule += 1;
                let code = format!("A{}-{matricule:05}", start % 100);
                // Age for the level, a year more for some who started late.
                let age = 6 + m.level_ord + i64::from(n.rng.random_bool(0.15));
                let birth = d(
                    start - age as i32,
                    n.rng.random_range(1..=12),
                    n.rng.random_range(1..=28),
                );
                new_students.push(vec![
                    Val::S(code.clone()),
                    Val::S(first.clone()),
                    Val::S(last.clone()),
                    Val::S(crate::domain::sort_name(&last, &first)),
                    Val::S(crate::domain::search_key(&last, &first, &[&code])),
                    Val::D(birth),
                    Val::S(if girl { "F" } else { "M" }.into()),
                    Val::B(false),
                    Val::T(Utc::now()),
                ]);
                let ability = normal(&mut n.rng, 11.6, 2.6).clamp(3.0, 18.5);
                // Most students are nearly always there; one in fifteen is often away, the
                // weaker ones more often (as this year's roll calls have it).
                let often = (1.0 / 15.0 * (1.0 + (11.0 - ability) / 3.0)).clamp(0.02, 0.3);
                let truancy = if n.rng.random_bool(often) {
                    n.rng.random_range(0.08..0.2)
                } else {
                    n.rng.random_range(0.0..0.035)
                };
                pending.push((m.id, code, ability, truancy));
            }
            members.truncate(m.size);
            roster.insert(m.id, members);
        }
        bulk(
            tx,
            "INSERT INTO students (matricule, first_name, last_name, sort_name, search_key, birth_date, sex, active, created_at)",
            new_students,
        )
        .await?;
        let ids: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
            "SELECT matricule, id FROM students WHERE matricule LIKE $1",
        )
        .bind(format!("A{}-%", start % 100))
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
        for (class, code, ability, truancy) in pending {
            if let (Some(id), Some(r)) = (ids.get(&code), roster.get_mut(&class)) {
                r.push(Former {
                    id: *id,
                    ability,
                    truancy,
                });
            }
        }
        // Enrolments.
        let mut rows = Vec::new();
        for m in &models {
            for s in &roster[&m.id] {
                rows.push(vec![
                    Val::I(s.id),
                    Val::I(class_of[&m.id]),
                    Val::I(year),
                    Val::D(terms[0].0),
                ]);
            }
        }
        bulk(
            tx,
            "INSERT INTO enrollments (student_id, class_id, school_year_id, enrolled_on)",
            rows,
        )
        .await?;
        let outcomes = year_records(
            tx, n, &models, &roster, &class_of, &periods, &terms, director,
        )
        .await?;
        for m in &models {
            for s in &roster[&m.id] {
                let Some(passed) = outcomes.get(&s.id) else {
                    continue;
                };
                let mut next = s.clone();
                next.ability = (next.ability + normal(&mut n.rng, 0.2, 0.8)).clamp(2.0, 19.0);
                if *passed && m.level_ord < top {
                    carried.push((m.level_ord + 1, next));
                } else if !*passed && n.rng.random_bool(0.75) {
                    next.ability += 0.6;
                    carried.push((m.level_ord, next));
                }
            }
        }
    }
    Ok(())
}

/// A year's marks, roll calls and decisions; each student's outcome (passed).
#[allow(clippy::too_many_arguments)]
async fn year_records(
    tx: &mut Tx<'_>,
    n: &mut Names,
    models: &[Model],
    roster: &HashMap<i64, Vec<Former>>,
    class_of: &HashMap<i64, i64>,
    periods: &[i64],
    terms: &[(NaiveDate, NaiveDate); 3],
    director: i64,
) -> anyhow::Result<HashMap<i64, bool>> {
    let mut marks = Vec::new();
    let mut absences = Vec::new();
    let mut sums: HashMap<i64, (f64, f64)> = HashMap::new();
    // How each student's year goes: some slide, some recover.
    let drift: HashMap<i64, f64> = roster
        .values()
        .flatten()
        .map(|s| (s.id, normal(&mut n.rng, -0.1, 1.3)))
        .collect();
    for m in models {
        let class = class_of[&m.id];
        let subjects: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT subject_id, teacher_user_id FROM teaching_assignments WHERE class_id = $1 ORDER BY subject_id",
        )
        .bind(class)
        .fetch_all(&mut **tx)
        .await?;
        let students = &roster[&m.id];
        for (t, (period, (from, to))) in periods.iter().zip(terms.iter()).enumerate() {
            for (subject, teacher) in &subjects {
                let held = *to - Duration::days(10);
                let (eval,): (i64,) = sqlx::query_as(
                    "INSERT INTO evaluations (class_id, subject_id, period_id, kind, title, held_on, scale, weight, created_by, created_at) \
                     VALUES ($1, $2, $3, 'composition', 'Composition', $4, 20, 1, $5, $6) RETURNING id",
                )
                .bind(class)
                .bind(subject)
                .bind(period)
                .bind(held)
                .bind(teacher)
                .bind(Utc::now())
                .fetch_one(&mut **tx)
                .await?;
                let subject_bias = normal(&mut n.rng, 0.0, 0.8);
                for s in students {
                    if n.rng.random_bool((0.01 + s.truancy * 0.25).min(0.5)) {
                        marks.push(vec![
                            Val::I(eval),
                            Val::I(s.id),
                            Val::OI(None),
                            Val::S("absent".into()),
                            Val::I(*teacher),
                            Val::T(Utc::now()),
                        ]);
                        let e = sums.entry(s.id).or_default();
                        e.1 += 1.0;
                        continue;
                    }
                    let level =
                        s.ability + drift[&s.id] * t as f64 - s.truancy * 12.0 + subject_bias;
                    let v = normal(&mut n.rng, level, 2.3).clamp(0.0, 20.0);
                    let points = ((v * 4.0).round() as i64) * 25;
                    let e = sums.entry(s.id).or_default();
                    e.0 += points as f64 / 100.0;
                    e.1 += 1.0;
                    marks.push(vec![
                        Val::I(eval),
                        Val::I(s.id),
                        Val::OI(Some(points)),
                        Val::S("score".into()),
                        Val::I(*teacher),
                        Val::T(Utc::now()),
                    ]);
                }
            }
            // A roll call every school day, as this year's.
            let head = subjects.first().map_or(director, |s| s.1);
            let days: Vec<NaiveDate> = from
                .iter_days()
                .take_while(|d| d <= to)
                .filter(|d| d.weekday().num_days_from_monday() < 5)
                .collect();
            let calls: Vec<Vec<Val>> = days
                .iter()
                .map(|d| {
                    vec![
                        Val::I(class),
                        Val::D(*d),
                        Val::S("07:30".into()),
                        Val::I(300),
                        Val::I(head),
                        Val::T(Utc::now()),
                    ]
                })
                .collect();
            bulk(
                tx,
                "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at)",
                calls,
            )
            .await?;
            let ids: Vec<(i64,)> = sqlx::query_as(
                "SELECT id FROM roll_calls WHERE class_id = $1 AND held_on >= $2 AND held_on <= $3 ORDER BY held_on",
            )
            .bind(class)
            .bind(from)
            .bind(to)
            .fetch_all(&mut **tx)
            .await?;
            for (rc,) in ids {
                for s in students {
                    let r: f64 = n.rng.random_range(0.0..1.0);
                    if r < s.truancy {
                        let state = if n.rng.random_bool(0.5) {
                            "accepted"
                        } else {
                            "none"
                        };
                        absences.push(vec![
                            Val::I(rc),
                            Val::I(s.id),
                            Val::S("absence".into()),
                            Val::I(300),
                            Val::S(state.into()),
                        ]);
                    } else if r < s.truancy + 0.02 {
                        absences.push(vec![
                            Val::I(rc),
                            Val::I(s.id),
                            Val::S("retard".into()),
                            Val::I(15),
                            Val::S("none".into()),
                        ]);
                    }
                }
            }
        }
    }
    bulk(
        tx,
        "INSERT INTO marks (evaluation_id, student_id, points, status, updated_by, updated_at)",
        marks,
    )
    .await?;
    bulk(
        tx,
        "INSERT INTO absences (roll_call_id, student_id, kind, minutes, state)",
        absences,
    )
    .await?;
    // The council's decision at the end of the year.
    let mut outcomes = HashMap::new();
    let mut decisions = Vec::new();
    let last = periods.last().copied().unwrap_or_default();
    for s in roster.values().flatten() {
        let (sum, count) = sums.get(&s.id).copied().unwrap_or_default();
        let annual = if count > 0.0 { sum / count } else { 0.0 };
        let passed = annual >= 10.0 || (annual >= 9.5 && n.rng.random_bool(0.5));
        let decision = if passed {
            "passe"
        } else if annual < 6.0 && n.rng.random_bool(0.3) {
            "exclu"
        } else {
            "redouble"
        };
        outcomes.insert(s.id, passed);
        decisions.push(vec![
            Val::I(s.id),
            Val::I(last),
            Val::S(decision.into()),
            Val::I(director),
            Val::T(Utc::now()),
        ]);
    }
    bulk(
        tx,
        "INSERT INTO council_records (student_id, period_id, decision, updated_by, updated_at)",
        decisions,
    )
    .await?;
    Ok(outcomes)
}
