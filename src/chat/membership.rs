//! Open sockets follow the school's relationships as they change. A class's channels are
//! read by its students, its teachers and the parents of its students; when an enrollment,
//! a guardian, a teaching assignment, a head teacher or a withdrawal changes, the open tabs
//! of the people concerned leave the channels they may no longer read and join the ones
//! they now may, on every node, without waiting for a reconnection.

use crate::app::AppState;
use crate::db::Pool;

/// The class a student is enrolled in this year, if any.
pub async fn current_class(db: &Pool, student: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT e.class_id FROM enrollments e JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         WHERE e.student_id = $1",
    )
    .bind(student)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0))
}

/// After a change about `student`: their own account and their guardians' (and `others`,
/// such as a guardian just unlinked) follow, for the student's class now and `before`.
pub async fn student_changed(app: &AppState, student: i64, others: &[i64], before: Option<i64>) {
    let result = async {
        let mut users: Vec<(i64,)> = sqlx::query_as(
            "SELECT user_id FROM students WHERE id = $1 AND user_id IS NOT NULL \
             UNION SELECT user_id FROM student_guardians WHERE student_id = $1",
        )
        .bind(student)
        .fetch_all(&app.db)
        .await?;
        users.extend(others.iter().map(|u| (*u,)));
        let mut classes: Vec<i64> = before.into_iter().collect();
        classes.extend(current_class(&app.db, student).await?);
        let users: Vec<i64> = users.into_iter().map(|u| u.0).collect();
        refresh(app, &users, &classes).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, student, "open sockets could not follow a change");
    }
}

/// After a change of a class's teachers: `teachers` (those before and after) follow.
pub async fn teachers_changed(app: &AppState, class: i64, teachers: &[i64]) {
    if let Err(e) = refresh(app, teachers, &[class]).await {
        tracing::warn!(error = %e, class, "open sockets could not follow a change");
    }
}

/// The open tabs of `users` leave the channels of `classes` they may no longer read and
/// join every conversation they may.
pub async fn refresh(app: &AppState, users: &[i64], classes: &[i64]) -> Result<(), sqlx::Error> {
    // Keys built from integers: safe to inline.
    let keys: Vec<String> = classes
        .iter()
        .flat_map(|c| [format!("'class:{c}'"), format!("'parents:{c}'")])
        .collect();
    let channels: Vec<(i64,)> = if keys.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(crate::sql!(
            "SELECT id FROM conversations WHERE key IN ({})",
            keys.join(",")
        ))
        .fetch_all(&app.db)
        .await?
    };
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for user in users {
        let (admin,): (bool,) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role IN ('director', 'bursar', 'secretary'))",
        )
        .bind(user)
        .fetch_one(&app.db)
        .await?;
        let allowed =
            super::repo::my_conversation_ids(&app.db, user, admin, app.clock.now()).await?;
        let leave = channels
            .iter()
            .map(|c| c.0)
            .filter(|c| !allowed.contains(c))
            .collect();
        app.realtime.move_user(user, allowed, leave).await;
    }
    Ok(())
}
