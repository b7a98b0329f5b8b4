//! The demo school's grades: coefficients by level and série, and a first term of marks.

use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::db::Tx;

/// Coefficients as Togolese schools use them: by level for the collège, by série in the
/// lycée (maths 5 in C, 4 in D, 2 in A4…).
pub(super) async fn coefficients(
    tx: &mut Tx<'_>,
    subjects: &std::collections::HashMap<&str, i64>,
    series: &std::collections::HashMap<&str, i64>,
) -> anyhow::Result<()> {
    let levels: Vec<(i64, String)> = sqlx::query_as("SELECT id, cycle FROM levels")
        .fetch_all(&mut **tx)
        .await?;
    for (level_id, cycle) in levels {
        let table: Vec<(i64, &[(&str, i64)])> = match cycle.as_str() {
            "primaire" => vec![(0, &[("ENS", 1)])],
            "college" => vec![(
                0,
                &[
                    ("FR", 3),
                    ("MATH", 3),
                    ("ANG", 2),
                    ("HG", 2),
                    ("SVT", 2),
                    ("PC", 2),
                    ("ECM", 1),
                    ("EPS", 1),
                ],
            )],
            _ => {
                vec![
                    (
                        series["A4"],
                        &[
                            ("FR", 4),
                            ("PHILO", 4),
                            ("ANG", 3),
                            ("HG", 3),
                            ("ALL", 2),
                            ("MATH", 2),
                            ("SVT", 1),
                            ("PC", 1),
                            ("EPS", 1),
                        ],
                    ),
                    (
                        series["C"],
                        &[
                            ("MATH", 5),
                            ("PC", 5),
                            ("SVT", 2),
                            ("FR", 2),
                            ("PHILO", 2),
                            ("ANG", 2),
                            ("HG", 2),
                            ("ALL", 1),
                            ("EPS", 1),
                        ],
                    ),
                    (
                        series["D"],
                        &[
                            ("MATH", 4),
                            ("PC", 4),
                            ("SVT", 4),
                            ("FR", 2),
                            ("PHILO", 2),
                            ("ANG", 2),
                            ("HG", 2),
                            ("ALL", 1),
                            ("EPS", 1),
                        ],
                    ),
                ]
            }
        };
        for (series_key, coefs) in table {
            for (code, coef) in coefs {
                let group = match *code {
                    "FR" | "PHILO" | "ANG" | "HG" | "ALL" | "ECM" => "litteraires",
                    "MATH" | "PC" | "SVT" => "scientifiques",
                    _ => "autres",
                };
                sqlx::query(
                    "INSERT INTO subject_coefficients (level_id, series_key, subject_id, coefficient, subject_group) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(level_id)
                .bind(series_key)
                .bind(subjects[code])
                .bind(coef)
                .bind(group)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}

/// A normal draw (Box–Muller), for marks that spread like real ones.
pub(super) fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Marks of the first trimester so far: two devoirs and an interrogation per subject and
/// class, the composition still to come. Each student has a level of their own, so
/// averages and ranks look like a real class's.
pub(super) async fn first_term_marks(tx: &mut Tx<'_>, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
    let (period,): (i64,) =
        sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1 ORDER BY id LIMIT 1")
            .fetch_one(&mut **tx)
            .await?;
    let assignments: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT class_id, subject_id, teacher_user_id FROM teaching_assignments ORDER BY class_id, subject_id")
            .fetch_all(&mut **tx)
            .await?;
    let enrolled: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT class_id, student_id FROM enrollments ORDER BY class_id, student_id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut ability = std::collections::HashMap::new();
    for (_, s) in &enrolled {
        ability.insert(*s, normal(rng, 11.0, 2.6).clamp(3.0, 18.5));
    }
    let now = chrono::Utc::now();
    let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).expect("valid demo date");
    let evaluations = [
        ("devoir", "Devoir n° 1", d(10, 23)),
        ("interrogation", "Interrogation écrite", d(11, 6)),
        ("devoir", "Devoir n° 2", d(11, 20)),
    ];
    let mut rows: Vec<(i64, i64, Option<i64>, &'static str, i64)> = Vec::new();
    let mut eval_subject = std::collections::HashMap::new();
    for (class_id, subject_id, teacher) in assignments {
        for (kind, title, day) in evaluations {
            let (eval,): (i64,) = sqlx::query_as(
                "INSERT INTO evaluations (class_id, subject_id, period_id, kind, title, held_on, scale, weight, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 20, 1, $7, $8) RETURNING id",
            )
            .bind(class_id)
            .bind(subject_id)
            .bind(period)
            .bind(kind)
            .bind(title)
            .bind(day)
            .bind(teacher)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            eval_subject.insert(eval, subject_id);
            for (_, student) in enrolled.iter().filter(|(c, _)| *c == class_id) {
                if rng.random_bool(0.03) {
                    rows.push((eval, *student, None, "absent", teacher));
                    continue;
                }
                let v = normal(rng, ability[student], 2.4).clamp(0.0, 20.0);
                // Teachers mark to the quarter point.
                let points = ((v * 4.0).round() as i64) * 25;
                rows.push((eval, *student, Some(points), "score", teacher));
            }
        }
    }
    // Many rows per statement: the demo must be quick on PostgreSQL too.
    for chunk in rows.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO marks (evaluation_id, student_id, points, status, updated_by, updated_at) VALUES ",
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
        for (eval, student, points, status, by) in chunk {
            q = q
                .bind(eval)
                .bind(student)
                .bind(points)
                .bind(*status)
                .bind(by)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    appreciations(tx, period, &rows, &eval_subject, now).await
}

/// Each teacher's word on each student of the term so far, from the student's average in
/// the subject, as teachers write them.
async fn appreciations(
    tx: &mut Tx<'_>,
    period: i64,
    rows: &[(i64, i64, Option<i64>, &'static str, i64)],
    eval_subject: &std::collections::HashMap<i64, i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut sums: std::collections::BTreeMap<(i64, i64), (i64, i64, i64)> = Default::default();
    for (eval, student, points, _, teacher) in rows {
        let e = sums
            .entry((*student, eval_subject[eval]))
            .or_insert((0, 0, *teacher));
        if let Some(p) = points {
            e.0 += p;
            e.1 += 1;
        }
    }
    let words = |avg: i64| match avg {
        ..=799 => "Travail insuffisant : des efforts réguliers s’imposent.",
        800..=999 => "Résultats fragiles. Il faut persévérer et revoir les leçons.",
        1000..=1199 => "Assez bien. Peut mieux faire avec plus de régularité.",
        1200..=1399 => "Bon travail. Continuez ainsi.",
        1400..=1599 => "Très bon trimestre, travail sérieux.",
        _ => "Excellent travail. Félicitations !",
    };
    let list: Vec<_> = sums.into_iter().filter(|(_, (_, n, _))| *n > 0).collect();
    for chunk in list.chunks(400) {
        let mut sql = String::from(
            "INSERT INTO appreciations (student_id, period_id, subject_id, text, author_id, updated_at) VALUES ",
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
        for ((student, subject), (sum, n, teacher)) in chunk {
            q = q
                .bind(student)
                .bind(period)
                .bind(subject)
                .bind(words(sum / n))
                .bind(teacher)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
