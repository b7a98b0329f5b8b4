//! Challenges, their members, and the records their progress is measured from.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::{Db, Pool};
use crate::gamification::challenges::{Challenge, Member, NewChallenge};

const SELECT: &str = "SELECT ch.id, ch.title, ch.description, ch.class_id, c.name AS class_name, ch.teams, ch.metric, \
    ch.target, ch.starts_on, ch.ends_on, ch.reward_points, ch.reward_badge_id, ch.state, ch.created_by, ch.student_id, \
    CASE WHEN s.id IS NULL THEN NULL ELSE UPPER(s.last_name) || ' ' || s.first_name END AS student_name \
    FROM challenges ch JOIN classes c ON c.id = ch.class_id LEFT JOIN students s ON s.id = ch.student_id";

pub async fn get(db: &Pool, id: i64) -> Result<Option<Challenge>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{SELECT} WHERE ch.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The last 500 challenges not cancelled, newest first.
pub async fn not_cancelled(db: &Pool) -> Result<Vec<Challenge>, sqlx::Error> {
    sqlx::query_as(crate::sql!(
        "{SELECT} WHERE ch.state <> 'cancelled' ORDER BY ch.ends_on DESC, ch.id DESC LIMIT 500"
    ))
    .fetch_all(db)
    .await
}

/// Writes a challenge without its members; returns its id.
pub async fn insert(
    db: impl sqlx::Executor<'_, Database = Db>,
    n: &NewChallenge,
    at: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO challenges (title, description, class_id, teams, metric, target, starts_on, ends_on, \
         reward_points, reward_badge_id, created_by, created_at, student_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(&n.title)
    .bind(&n.description)
    .bind(n.class_id)
    .bind(n.teams)
    .bind(n.metric)
    .bind(n.target)
    .bind(n.starts_on)
    .bind(n.ends_on)
    .bind(n.reward_points)
    .bind(n.reward_badge_id)
    .bind(n.created_by)
    .bind(at)
    .bind(n.student_id)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// Adds a member to a challenge, in team `team` (0: no teams).
pub async fn insert_member(
    db: impl sqlx::Executor<'_, Database = Db>,
    challenge: i64,
    student: i64,
    team: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO challenge_members (challenge_id, student_id, team) VALUES ($1, $2, $3)",
    )
    .bind(challenge)
    .bind(student)
    .bind(team)
    .execute(db)
    .await?;
    Ok(())
}

/// Cancels a challenge if it is open; returns whether it was.
pub async fn cancel(
    db: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE challenges SET state = 'cancelled' WHERE id = $1 AND state = 'open'")
            .bind(id)
            .execute(db)
            .await?
            .rows_affected();
    Ok(done > 0)
}

/// The members, by team then name.
pub async fn members(db: &Pool, id: i64) -> Result<Vec<Member>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, Option<bool>)> = sqlx::query_as(
        "SELECT s.id, s.last_name, s.first_name, cm.team, cm.won FROM challenge_members cm \
         JOIN students s ON s.id = cm.student_id WHERE cm.challenge_id = $1 ORDER BY cm.team, s.sort_name",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, l, f, team, won)| Member {
            student_id: id,
            name: format!("{} {f}", l.to_uppercase()),
            team,
            won,
        })
        .collect())
}

/// The challenges a user takes part in, or their children do.
pub async fn of_family(db: &Pool, user: i64) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT cm.challenge_id FROM challenge_members cm \
         JOIN student_guardians g ON g.student_id = cm.student_id WHERE g.user_id = $1 \
         UNION SELECT cm.challenge_id FROM challenge_members cm JOIN students s ON s.id = cm.student_id WHERE s.user_id = $1",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// The open challenges a student takes part in, the soonest to end first.
pub async fn open_of_student(db: &Pool, student: i64) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT ch.id FROM challenges ch JOIN challenge_members cm ON cm.challenge_id = ch.id \
         WHERE cm.student_id = $1 AND ch.state = 'open' ORDER BY ch.ends_on",
    )
    .bind(student)
    .fetch_all(db)
    .await?;
    Ok(ids.into_iter().map(|i| i.0).collect())
}

/// The open challenges whose last day is before `today`.
pub async fn due(db: &Pool, today: NaiveDate) -> Result<Vec<i64>, sqlx::Error> {
    let due: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM challenges WHERE state = 'open' AND ends_on < $1")
            .bind(today)
            .fetch_all(db)
            .await?;
    Ok(due.into_iter().map(|d| d.0).collect())
}

/// Marks an open challenge settled; returns false when it was not open (settled by another).
pub async fn claim_settlement(
    db: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE challenges SET state = 'settled', settled_at = $1 WHERE id = $2 AND state = 'open'",
    )
    .bind(at)
    .bind(id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(claimed > 0)
}

pub async fn set_won(
    db: impl sqlx::Executor<'_, Database = Db>,
    id: i64,
    student: i64,
    won: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE challenge_members SET won = $1 WHERE challenge_id = $2 AND student_id = $3",
    )
    .bind(won)
    .bind(id)
    .bind(student)
    .execute(db)
    .await?;
    Ok(())
}

/// The students as a list for `IN (…)`: ids are integers, so nothing typed gets in.
fn id_list(students: &[i64]) -> String {
    students
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub use crate::attendance::repo::{missed_minutes, scheduled_minutes};

/// The positive points these students got between two days, neither withdrawn nor
/// rewards of a challenge.
pub async fn points(
    db: &Pool,
    from: NaiveDate,
    to: NaiveDate,
    students: &[i64],
) -> Result<i64, sqlx::Error> {
    let list = id_list(students);
    let (points,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards \
         WHERE positive = TRUE AND revoked_at IS NULL AND challenge_id IS NULL \
         AND awarded_on BETWEEN $1 AND $2 AND student_id IN ({list})"
    ))
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    Ok(points)
}
