//! SQL of notifications.

use crate::db::Db;

/// The members of a challenge and whether they won (`None`: not decided). The table is
/// gamification's; the read stays here until gamification answers for its own audience.
pub async fn challenge_members<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    challenge_id: i64,
) -> Result<Vec<(i64, Option<bool>)>, sqlx::Error> {
    sqlx::query_as("SELECT student_id, won FROM challenge_members WHERE challenge_id = $1")
        .bind(challenge_id)
        .fetch_all(db)
        .await
}
