//! The reminders before an assignment's due time, and assignments in the "à faire" list.

use chrono::Duration;

use super::repo as arepo;
use crate::app::AppState;
use crate::db::Pool;

/// Reminds the classes of assignments due within a day, once each (several nodes may
/// look at once); how many assignments were reminded.
pub async fn remind(app: &AppState) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let mut n = 0;
    for (lesson_id, course_id, class_id, due_at) in
        arepo::to_remind(&app.db, now, now + Duration::hours(super::REMIND_HOURS)).await?
    {
        let mut tx = crate::db::begin_write(&app.db).await?;
        if arepo::mark_reminded(&mut *tx, lesson_id, now).await? {
            crate::events::publish(
                &mut *tx,
                &crate::events::SchoolEvent::AssignmentDueSoon(crate::events::AssignmentDueSoon {
                    course_id,
                    lesson_id,
                    class_id,
                    due_at,
                }),
                None,
                now,
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// Who is told of an assignment due soon: (user, catalog key, arguments, link).
pub async fn reminder_notes(
    tx: &mut crate::db::Tx<'_>,
    d: &crate::events::AssignmentDueSoon,
) -> Result<Vec<(i64, &'static str, serde_json::Value, String)>, sqlx::Error> {
    let Some(title) = arepo::lesson_title(&mut **tx, d.lesson_id).await? else {
        return Ok(Vec::new());
    };
    Ok(arepo::reminder_audience(&mut **tx, d.lesson_id, d.class_id)
        .await?
        .into_iter()
        .map(|(user, student, parent)| {
            let link = if parent {
                format!("/parent/enfants/{student}/a-faire")
            } else {
                format!("/cours/lecons/{}", d.lesson_id)
            };
            let due = d.due_at.format("%d/%m %H:%M").to_string();
            let args = serde_json::json!({"title": title, "due": due});
            (user, "notif-assignment-due", args, link)
        })
        .collect())
}

/// Assignments' part of the "à faire" list.
pub fn todo_source(db: &Pool, ask: crate::todo::Ask) -> crate::todo::Pending<'_> {
    Box::pin(async move {
        let rows = arepo::due(db, ask.student_id, ask.class_id, ask.from, ask.to).await?;
        Ok(rows
            .into_iter()
            .map(|d| crate::todo::Item {
                due_on: d.due_at.date_naive(),
                subject: d.subject,
                what: d.title,
                teacher: d.teacher,
                kind_key: "todo-assignment",
                link: Some(format!("/cours/lecons/{}", d.lesson_id)),
            })
            .collect())
    })
}
