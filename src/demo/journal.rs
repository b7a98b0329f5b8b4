//! The demo school's journal: the last weeks' marks and roll calls as the teachers who
//! entered them would have left them in the log, and a few marks corrected afterwards,
//! so that the director's journal reads like a real school's.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::db::Tx;
use crate::grades::model::show_points;

/// One line of the log to insert.
struct Line {
    at: DateTime<Utc>,
    actor: i64,
    entity: &'static str,
    entity_id: String,
    action: &'static str,
    old: Option<String>,
    new: Option<String>,
}

/// A mark of the last weeks, with who entered it.
#[derive(sqlx::FromRow)]
struct MarkEntered {
    evaluation_id: i64,
    student_id: i64,
    points: Option<i64>,
    status: String,
    scale: i64,
    teacher_user_id: i64,
    held_on: NaiveDate,
}

/// Writes the log of the `days` before `today`.
pub async fn history(tx: &mut Tx<'_>, today: NaiveDate, days: i64) -> anyhow::Result<()> {
    let since = today - Duration::days(days);
    let mut lines = Vec::new();
    let marks: Vec<MarkEntered> = sqlx::query_as(
        "SELECT m.evaluation_id, m.student_id, m.points, m.status, e.scale, t.teacher_user_id, e.held_on \
         FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         JOIN teaching_assignments t ON t.class_id = e.class_id AND t.subject_id = e.subject_id \
         WHERE e.held_on >= $1 ORDER BY e.held_on, m.evaluation_id, m.student_id",
    )
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    let shown = |points: Option<i64>, status: &str, scale: i64| match (status, points) {
        ("score", Some(p)) => format!("{}/{scale}", show_points(p)),
        ("excused", _) => format!("disp/{scale}"),
        _ => format!("abs/{scale}"),
    };
    for (i, m) in marks.iter().enumerate() {
        let (eval, student, points, scale, teacher, held) = (
            &m.evaluation_id,
            &m.student_id,
            &m.points,
            &m.scale,
            &m.teacher_user_id,
            &m.held_on,
        );
        let status = m.status.as_str();
        // Entered two days after the test, in the evening, a few seconds apart.
        let at = (*held + Duration::days(2))
            .and_hms_opt(18, 0, 0)
            .expect("a time")
            .and_utc()
            + Duration::seconds((i % 60) as i64 * 7);
        let new = shown(*points, status, *scale);
        lines.push(Line {
            at,
            actor: *teacher,
            entity: "mark",
            entity_id: format!("{eval}:{student}"),
            action: "create",
            old: None,
            new: Some(new.clone()),
        });
        // One mark in forty was corrected the next day (a sum added up again).
        if i % 40 == 17
            && let Some(p) = points
        {
            lines.push(Line {
                at: at + Duration::days(1),
                actor: *teacher,
                entity: "mark",
                entity_id: format!("{eval}:{student}"),
                action: "update",
                old: Some(format!("{}/{scale}", show_points((p - 100).max(0)))),
                new: Some(new),
            });
        }
    }
    let absences: Vec<(i64, i64, String, i64, NaiveDate, String)> = sqlx::query_as(
        "SELECT a.id, r.taken_by, a.kind, a.minutes, r.held_on, r.starts_at FROM absences a \
         JOIN roll_calls r ON r.id = a.roll_call_id WHERE r.held_on >= $1 ORDER BY r.held_on, a.id",
    )
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    for (id, by, kind, minutes, day, starts) in absences {
        // Noted in the first minutes of the session.
        let start =
            chrono::NaiveTime::parse_from_str(&starts, "%H:%M").unwrap_or(chrono::NaiveTime::MIN);
        lines.push(Line {
            at: day.and_time(start).and_utc() + Duration::minutes(6),
            actor: by,
            entity: "absence",
            entity_id: id.to_string(),
            action: "create",
            old: None,
            new: Some(format!("{kind} {minutes} min")),
        });
    }
    lines.sort_by_key(|l| l.at);
    // Many rows per statement: the demo must be quick on PostgreSQL too.
    for chunk in lines.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO audit_log (at, actor_user_id, entity, entity_id, action, old_value, new_value) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 7;
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for l in chunk {
            q = q
                .bind(l.at)
                .bind(l.actor)
                .bind(l.entity)
                .bind(&l.entity_id)
                .bind(l.action)
                .bind(&l.old)
                .bind(&l.new);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
