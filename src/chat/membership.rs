//! Open sockets follow the school's relationships as they change. A class's channels are
//! read by its students, its teachers and the parents of its students; when an enrollment,
//! a guardian, a teaching assignment, a head teacher or a withdrawal changes, the open tabs
//! of the people concerned leave the channels they may no longer read and join the ones
//! they now may, on every node, without waiting for a reconnection.

use super::repo;
use crate::app::AppState;

pub use repo::current_class;

/// After a change about `student`: their own account and their guardians' (and `others`,
/// such as a guardian just unlinked) follow, for the student's class now and `before`.
pub async fn student_changed(app: &AppState, student: i64, others: &[i64], before: Option<i64>) {
    let result = async {
        let mut users = repo::student_and_guardians(&app.db, student).await?;
        users.extend_from_slice(others);
        let mut classes: Vec<i64> = before.into_iter().collect();
        classes.extend(current_class(&app.db, student).await?);
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
    let channels = repo::class_channels(&app.db, classes).await?;
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for user in users {
        let admin = repo::is_admin(&app.db, user).await?;
        let allowed = repo::my_conversation_ids(&app.db, user, admin, app.clock.now()).await?;
        let leave = channels
            .iter()
            .copied()
            .filter(|c| !allowed.contains(c))
            .collect();
        app.realtime.move_user(user, allowed, leave).await;
    }
    Ok(())
}
