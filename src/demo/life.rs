//! The demo school's days so far: a roll call per class and school day (with the absences
//! and lateness of real classes: most students always there, a few often missing), and the
//! gamification that followed (points for good marks and full weeks, behaviours noted by
//! teachers, badges, challenges running and one already settled).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Utc, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::db::Tx;

/// One point award to insert.
struct Award {
    student: i64,
    points: i64,
    positive: bool,
    rule: Option<&'static str>,
    behaviour: Option<i64>,
    challenge: Option<i64>,
    reason: String,
    source: Option<String>,
    by: Option<i64>,
    on: NaiveDate,
}

async fn insert_awards(tx: &mut Tx<'_>, year: i64, rows: &[Award]) -> anyhow::Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO point_awards (student_id, school_year_id, points, positive, rule_code, behaviour_id, \
             challenge_id, reason, source_key, awarded_by, awarded_on, created_at) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 12;
            let cols: Vec<String> = (1..=12).map(|k| format!("${}", b + k)).collect();
            sql.push_str(&format!("({})", cols.join(", ")));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in chunk {
            q = q
                .bind(a.student)
                .bind(year)
                .bind(a.points)
                .bind(a.positive)
                .bind(a.rule)
                .bind(a.behaviour)
                .bind(a.challenge)
                .bind(&a.reason)
                .bind(&a.source)
                .bind(a.by)
                .bind(a.on)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

fn school_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        // Toussaint.
        .filter(|d| !(d.month() == 11 && d.day() == 1))
        .collect()
}

/// Roll calls and absences from the start of the year to yesterday (within the first term).
pub(super) async fn attendance(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let start = NaiveDate::from_ymd_opt(2026, 10, 5).expect("date");
    let end =
        (today - chrono::Days::new(1)).min(NaiveDate::from_ymd_opt(2026, 12, 18).expect("date"));
    let days = school_days(start, end);
    let classes: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, head_teacher_user_id FROM classes ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
    let enrolled: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT class_id, student_id FROM enrollments ORDER BY class_id, student_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let (fallback,): (i64,) =
        sqlx::query_as("SELECT MIN(user_id) FROM user_roles WHERE role = 'teacher'")
            .fetch_one(&mut **tx)
            .await?;
    // Most students are nearly always there; one in fifteen is often away.
    let mut habit: HashMap<i64, f64> = HashMap::new();
    for (_, s) in &enrolled {
        let p = if rng.random_bool(1.0 / 15.0) {
            rng.random_range(0.08..0.2)
        } else {
            rng.random_range(0.0..0.035)
        };
        habit.insert(*s, p);
    }
    let now = Utc::now();
    let mut absences: Vec<(i64, i64, &'static str, i64, &'static str)> = Vec::new();
    for (class, head) in classes {
        let students: Vec<i64> = enrolled
            .iter()
            .filter(|(c, _)| *c == class)
            .map(|(_, s)| *s)
            .collect();
        for day in &days {
            let (call,): (i64,) = sqlx::query_as(
                "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at) \
                 VALUES ($1, $2, '07:30', 300, $3, $4) RETURNING id",
            )
            .bind(class)
            .bind(day)
            .bind(head.unwrap_or(fallback))
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            for s in &students {
                let r: f64 = rng.random_range(0.0..1.0);
                if r < habit[s] {
                    // Most absences get a justification from the family, some accepted.
                    let state = match rng.random_range(0..10) {
                        0..=4 => "accepted",
                        5 => "submitted",
                        6 => "refused",
                        _ => "none",
                    };
                    absences.push((call, *s, "absence", 300, state));
                } else if r < habit[s] + 0.02 {
                    absences.push((call, *s, "retard", rng.random_range(5..40), "none"));
                }
            }
        }
    }
    for chunk in absences.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO absences (roll_call_id, student_id, kind, minutes, state, reason) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 6;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (call, student, kind, minutes, state) in chunk {
            let reason = (*state != "none").then_some("Malade (certificat médical)");
            q = q
                .bind(call)
                .bind(student)
                .bind(*kind)
                .bind(minutes)
                .bind(*state)
                .bind(reason);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Points, badges and challenges that the term's marks, roll calls and teachers gave.
pub(super) async fn gamification(
    tx: &mut Tx<'_>,
    rng: &mut ChaCha8Rng,
    today: NaiveDate,
    demo_teacher: Option<i64>,
) -> anyhow::Result<()> {
    let (year,): (i64,) = sqlx::query_as("SELECT id FROM school_years WHERE current = TRUE")
        .fetch_one(&mut **tx)
        .await?;
    let mut awards: Vec<Award> = Vec::new();
    // Good marks (the rule's threshold, at most three a day).
    let marks: Vec<(i64, i64, i64, NaiveDate, String, String)> = sqlx::query_as(
        "SELECT m.evaluation_id, m.student_id, m.points, e.held_on, e.title, su.name FROM marks m \
         JOIN evaluations e ON e.id = m.evaluation_id JOIN subjects su ON su.id = e.subject_id \
         WHERE m.status = 'score' AND m.points >= 1600 ORDER BY e.held_on, m.student_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut per_day: HashMap<(i64, NaiveDate), i64> = HashMap::new();
    let mut perfect: HashMap<i64, NaiveDate> = HashMap::new();
    for (eval, student, points, on, title, subject) in marks {
        if points >= 2000 {
            perfect.entry(student).or_insert(on);
        }
        let n = per_day.entry((student, on)).or_default();
        if *n >= 3 {
            continue;
        }
        *n += 1;
        awards.push(Award {
            student,
            points: 10,
            positive: true,
            rule: Some("mark_high"),
            behaviour: None,
            challenge: None,
            reason: format!("{subject} · {title}"),
            source: Some(format!("mark:{eval}:{student}")),
            by: None,
            on,
        });
    }
    // Full weeks: students never absent nor late in a week of roll calls.
    let monday = crate::gamification::monday_of(today);
    let absent: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT a.student_id, r.held_on FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let away: HashSet<(i64, NaiveDate)> = absent
        .iter()
        .map(|(s, d)| (*s, crate::gamification::monday_of(*d)))
        .collect();
    let weeks: Vec<(i64, NaiveDate)> = sqlx::query_as(
        "SELECT DISTINCT e.student_id, r.held_on FROM roll_calls r JOIN enrollments e ON e.class_id = r.class_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut done: HashSet<(i64, NaiveDate)> = HashSet::new();
    for (student, day) in weeks {
        let w = crate::gamification::monday_of(day);
        if w >= monday || away.contains(&(student, w)) || !done.insert((student, w)) {
            continue;
        }
        let sunday = w + chrono::Days::new(6);
        awards.push(Award {
            student,
            points: 5,
            positive: true,
            rule: Some("perfect_week"),
            behaviour: None,
            challenge: None,
            reason: format!("{} – {}", w.format("%d/%m"), sunday.format("%d/%m")),
            source: Some(format!("week:{student}:{w}")),
            by: None,
            on: sunday,
        });
    }
    // Behaviours noted by the teachers of each class, mostly positive.
    let behaviours: Vec<(i64, i64, bool)> =
        sqlx::query_as("SELECT id, points, positive FROM behaviours ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
    let taught: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.student_id, MIN(t.teacher_user_id) FROM enrollments e \
         JOIN teaching_assignments t ON t.class_id = e.class_id GROUP BY e.student_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let days = school_days(
        NaiveDate::from_ymd_opt(2026, 10, 5).expect("date"),
        (today - chrono::Days::new(1)).min(NaiveDate::from_ymd_opt(2026, 12, 18).expect("date")),
    );
    if !days.is_empty() {
        for (student, teacher) in &taught {
            for _ in 0..rng.random_range(0..6) {
                let positive = rng.random_bool(0.8);
                let pool: Vec<&(i64, i64, bool)> =
                    behaviours.iter().filter(|b| b.2 == positive).collect();
                let Some(b) = pool.get(rng.random_range(0..pool.len().max(1))) else {
                    continue;
                };
                awards.push(Award {
                    student: *student,
                    points: b.1,
                    positive,
                    rule: None,
                    behaviour: Some(b.0),
                    challenge: None,
                    reason: String::new(),
                    source: None,
                    by: Some(*teacher),
                    on: days[rng.random_range(0..days.len())],
                });
            }
        }
    }
    // A challenge settled in October in some classes: the winners' reward.
    let classes: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, head_teacher_user_id FROM classes ORDER BY id")
            .fetch_all(&mut **tx)
            .await?;
    let now = Utc::now();
    let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).expect("date");
    for (i, (class, head)) in classes.iter().enumerate() {
        let Some(head) = head else { continue };
        let students: Vec<(i64,)> = sqlx::query_as(
            "SELECT student_id FROM enrollments WHERE class_id = $1 ORDER BY student_id",
        )
        .bind(class)
        .fetch_all(&mut **tx)
        .await?;
        // Some classes took a challenge in October; it is settled by the real
        // settlement once the demo is written (see `settle`).
        if i % 3 == 0 && today > d(10, 30) {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO challenges (title, description, class_id, teams, metric, target, starts_on, ends_on, \
                 reward_points, created_by, created_at) \
                 VALUES ('Rentrée assidue', 'Trois semaines à 96 % de présence.', $1, 0, 'attendance', 9600, $2, $3, 15, $4, $5) RETURNING id",
            )
            .bind(class)
            .bind(d(10, 5))
            .bind(d(10, 23))
            .bind(head)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            for (s,) in &students {
                sqlx::query("INSERT INTO challenge_members (challenge_id, student_id, team) VALUES ($1, $2, 0)")
                    .bind(id)
                    .bind(s)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        // This fortnight: every class has an attendance challenge running; the demo
        // teacher's classes also race in teams for points.
        let teams = if Some(*head) == demo_teacher { 3 } else { 0 };
        let (metric, target, title) = if teams > 0 {
            ("points", 20, "Course aux points")
        } else {
            ("attendance", 9500, "Classe assidue")
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO challenges (title, description, class_id, teams, metric, target, starts_on, ends_on, \
             reward_points, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 10, $9, $10) RETURNING id",
        )
        .bind(title)
        .bind("Deux semaines pour montrer ce que la classe sait faire.")
        .bind(class)
        .bind(teams)
        .bind(metric)
        .bind(target)
        .bind(monday - chrono::Days::new(7))
        .bind(monday + chrono::Days::new(11))
        .bind(head)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        for (k, (s,)) in students.iter().enumerate() {
            let team = if teams > 0 { (k as i64 % teams) + 1 } else { 0 };
            sqlx::query("INSERT INTO challenge_members (challenge_id, student_id, team) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(s)
                .bind(team)
                .execute(&mut **tx)
                .await?;
        }
    }
    insert_awards(tx, year, &awards).await?;
    // Badges that follow: a first 20/20, a perfect October, 100 and 500 points.
    let ids: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM badges WHERE code IS NOT NULL")
            .fetch_all(&mut **tx)
            .await?;
    let id_of = |code: &str| ids.iter().find(|(_, c)| c == code).map(|(i, _)| *i);
    let mut given: Vec<(i64, i64, NaiveDate)> = Vec::new();
    if let Some(b) = id_of("first_perfect") {
        given.extend(perfect.iter().map(|(s, on)| (b, *s, *on)));
    }
    let totals: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT student_id, CAST(SUM(points) AS BIGINT) FROM point_awards WHERE positive = TRUE GROUP BY student_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (code, needed) in [("points_100", 100), ("points_500", 500)] {
        if let Some(b) = id_of(code) {
            given.extend(
                totals
                    .iter()
                    .filter(|(_, t)| *t >= needed)
                    .map(|(s, _)| (b, *s, today.min(d(12, 18)))),
            );
        }
    }
    if let Some(b) = id_of("full_month")
        && today > d(10, 31)
    {
        let october: HashSet<i64> = absent
            .iter()
            .filter(|(_, day)| day.month() == 10)
            .map(|(s, _)| *s)
            .collect();
        let everyone: Vec<(i64,)> = sqlx::query_as("SELECT student_id FROM enrollments")
            .fetch_all(&mut **tx)
            .await?;
        given.extend(
            everyone
                .iter()
                .filter(|(s,)| !october.contains(s))
                .map(|(s,)| (b, *s, d(10, 31))),
        );
    }
    // A badge of the school's own, given by hand to class delegates.
    let (delegate,): (i64,) = sqlx::query_as(
        "INSERT INTO badges (name, description, icon) VALUES ('Délégué de classe', 'Élu par ses camarades pour représenter la classe.', 'ribbon') RETURNING id",
    )
    .fetch_one(&mut **tx)
    .await?;
    for (class, head) in &classes {
        let first: Option<(i64,)> = sqlx::query_as(
            "SELECT student_id FROM enrollments WHERE class_id = $1 ORDER BY student_id LIMIT 1",
        )
        .bind(class)
        .fetch_optional(&mut **tx)
        .await?;
        if let (Some((s,)), Some(_)) = (first, head) {
            given.push((delegate, s, d(10, 16)));
        }
    }
    for chunk in given.chunks(500) {
        let mut sql =
            String::from("INSERT INTO badge_awards (badge_id, student_id, awarded_on) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (b, s, on) in chunk {
            q = q.bind(b).bind(s).bind(on);
        }
        q.execute(&mut **tx).await?;
    }
    // One student in twenty hides their name from other students.
    let all: Vec<(i64,)> = sqlx::query_as("SELECT id FROM students ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    for (s,) in all {
        if rng.random_bool(0.05) {
            sqlx::query(
                "INSERT INTO gamification_privacy (student_id, hide_name) VALUES ($1, TRUE)",
            )
            .bind(s)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Settles the demo's finished challenges the way the portal does.
pub(super) async fn settle(db: &crate::db::Pool, today: NaiveDate) -> anyhow::Result<()> {
    let due: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM challenges WHERE state = 'open' AND ends_on < $1")
            .bind(today)
            .fetch_all(db)
            .await?;
    for (id,) in due {
        crate::gamification::challenges::settle(db, id, today, chrono::Utc::now()).await?;
    }
    Ok(())
}
