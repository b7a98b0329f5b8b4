//! Challenges (défis): a goal for a class, one student, or teams of a class, measured from
//! the school's own records over a period, with a reward for those who reach it.
//!
//! Progress is measured, never typed in: attendance from the roll calls, the rise of the
//! mean mark from the marks, points from the awards. When the last day is past, the
//! challenge is settled once: each winning member gets the reward (an award with its own
//! source key, so a second settlement gives nothing).

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use sqlx::FromRow;

use crate::app::AppState;
use crate::db::{Pool, Tx};

/// What a challenge measures.
pub const METRICS: [&str; 3] = ["attendance", "average_gain", "points"];

/// A challenge as stored.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Challenge {
    pub id: i64,
    pub title: String,
    /// What it is about.
    pub description: String,
    pub class_id: i64,
    /// The class's name.
    pub class_name: String,
    /// 0: the class or the one student as a whole; n: the class in n teams.
    pub teams: i64,
    /// `attendance`, `average_gain` or `points`.
    pub metric: String,
    /// Attendance in hundredths of a percent, a rise in hundredths of a point, or points per student.
    pub target: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Points to each winner.
    pub reward_points: i64,
    /// Badge to each winner.
    pub reward_badge_id: Option<i64>,
    /// `open`, `settled` or `cancelled`.
    pub state: String,
    /// Who made it.
    pub created_by: i64,
    /// The one student, when it is an individual challenge.
    pub student_id: Option<i64>,
    /// That student's name.
    pub student_name: Option<String>,
}

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

/// The challenges of some classes (the administration: every class), newest first.
pub async fn of_classes(db: &Pool, classes: Option<&[i64]>) -> Result<Vec<Challenge>, sqlx::Error> {
    let all: Vec<Challenge> = sqlx::query_as(crate::sql!(
        "{SELECT} WHERE ch.state <> 'cancelled' ORDER BY ch.ends_on DESC, ch.id DESC LIMIT 500"
    ))
    .fetch_all(db)
    .await?;
    Ok(all
        .into_iter()
        .filter(|c| classes.is_none_or(|cs| cs.contains(&c.class_id)))
        .collect())
}

/// A challenge to create.
#[derive(Clone, Debug)]
pub struct NewChallenge {
    pub title: String,
    pub description: String,
    pub class_id: i64,
    /// One student of the class, for an individual challenge.
    pub student_id: Option<i64>,
    /// 0 or 2..=10 teams.
    pub teams: i64,
    /// What is measured.
    pub metric: &'static str,
    pub target: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Points to each winner.
    pub reward_points: i64,
    /// Badge to each winner.
    pub reward_badge_id: Option<i64>,
    pub created_by: i64,
}

/// Writes a challenge and its members: the student, or the class (split into teams in
/// list order, one each in turn, so that teams are even).
pub async fn create(
    db: &Pool,
    n: &NewChallenge,
    at: chrono::DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
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
    .fetch_one(&mut *tx)
    .await?;
    let members: Vec<i64> = match n.student_id {
        Some(s) => vec![s],
        None => crate::school::roster(db, n.class_id)
            .await?
            .into_iter()
            .filter(|s| s.active)
            .map(|s| s.id)
            .collect(),
    };
    for (i, s) in members.iter().enumerate() {
        let team = if n.teams >= 2 {
            (i as i64 % n.teams) + 1
        } else {
            0
        };
        sqlx::query(
            "INSERT INTO challenge_members (challenge_id, student_id, team) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(s)
        .bind(team)
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::record(
        &mut *tx,
        Some(n.created_by),
        "challenge",
        &id.to_string(),
        "create",
        None,
        Some(&n.title),
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Cancels an open challenge. Returns whether it was open.
pub async fn cancel(
    db: &Pool,
    id: i64,
    by: i64,
    at: chrono::DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let done =
        sqlx::query("UPDATE challenges SET state = 'cancelled' WHERE id = $1 AND state = 'open'")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if done > 0 {
        crate::audit::record(
            &mut *tx,
            Some(by),
            "challenge",
            &id.to_string(),
            "cancel",
            None,
            None,
            at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done > 0)
}

/// A member of a challenge.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Member {
    pub student_id: i64,
    /// "NOM Prénom".
    pub name: String,
    /// 0 or the team number.
    pub team: i64,
    /// Set once settled.
    pub won: Option<bool>,
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

/// The progress of one unit (the whole, or a team).
#[derive(Clone, Debug, Serialize)]
pub struct Progress {
    /// 0 for the whole, else the team number.
    pub team: i64,
    /// Members in it.
    pub size: usize,
    /// The measured value (same unit as the target), `None` before there is anything to measure.
    pub value: Option<i64>,
    /// Percent of the target reached, 0 to 100.
    pub percent: i64,
    /// The target is reached.
    pub reached: bool,
}

/// Measures each unit of a challenge from its first day to `today` (or its last day).
pub async fn progress(db: &Pool, c: &Challenge, today: NaiveDate) -> anyhow::Result<Vec<Progress>> {
    let members = members(db, c.id).await?;
    let to = today.min(c.ends_on);
    let mut teams: Vec<i64> = members.iter().map(|m| m.team).collect();
    teams.sort_unstable();
    teams.dedup();
    let mut out = Vec::new();
    for team in teams {
        let ids: Vec<i64> = members
            .iter()
            .filter(|m| m.team == team)
            .map(|m| m.student_id)
            .collect();
        let value = if to < c.starts_on {
            None
        } else {
            measure(db, c, &ids, to).await?
        };
        let percent = value
            .map(|v| (v.max(0) * 100 / c.target.max(1)).clamp(0, 100))
            .unwrap_or(0);
        out.push(Progress {
            team,
            size: ids.len(),
            value,
            percent,
            reached: value.is_some_and(|v| v >= c.target),
        });
    }
    Ok(out)
}

async fn measure(
    db: &Pool,
    c: &Challenge,
    students: &[i64],
    to: NaiveDate,
) -> anyhow::Result<Option<i64>> {
    if students.is_empty() {
        return Ok(None);
    }
    let list = students
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",");
    match c.metric.as_str() {
        "attendance" => {
            // Scheduled minutes of the class's roll calls for these students, and the minutes
            // they missed (absences; lateness counts as presence).
            let (scheduled,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) FROM roll_calls \
                 WHERE class_id = $1 AND held_on BETWEEN $2 AND $3",
            )
            .bind(c.class_id)
            .bind(c.starts_on)
            .bind(to)
            .fetch_one(db)
            .await?;
            if scheduled == 0 {
                return Ok(None);
            }
            let (missed,): (i64,) = sqlx::query_as(crate::sql!(
                "SELECT CAST(COALESCE(SUM(a.minutes), 0) AS BIGINT) FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
                 WHERE r.class_id = $1 AND r.held_on BETWEEN $2 AND $3 AND a.kind = 'absence' AND a.student_id IN ({list})"
            ))
            .bind(c.class_id)
            .bind(c.starts_on)
            .bind(to)
            .fetch_one(db)
            .await?;
            let total = scheduled * students.len() as i64;
            Ok(Some((total - missed.min(total)) * 10_000 / total))
        }
        "average_gain" => {
            // Each member's mean mark during the challenge against their mean before it
            // this year; the unit's gain is the mean of its members' gains.
            let rows: Vec<(i64, NaiveDate, i64, i64, i64)> = sqlx::query_as(crate::sql!(
                "SELECT m.student_id, e.held_on, m.points, e.scale, e.weight FROM marks m \
                 JOIN evaluations e ON e.id = m.evaluation_id JOIN classes c ON c.id = e.class_id \
                 JOIN school_years y ON y.id = c.school_year_id \
                 WHERE m.status = 'score' AND m.points IS NOT NULL AND e.held_on BETWEEN y.starts_on AND $1 \
                 AND m.student_id IN ({list})"
            ))
            .bind(to)
            .fetch_all(db)
            .await?;
            let mut gains = Vec::new();
            for s in students {
                let side = |during: bool| {
                    super::weighted_mean(
                        rows.iter()
                            .filter(|r| r.0 == *s && (r.1 >= c.starts_on) == during)
                            .map(|r| (crate::grades::calc::to_twenty(r.2, r.3), r.4)),
                    )
                };
                if let (Some(now), Some(before)) = (side(true), side(false)) {
                    gains.push(now - before);
                }
            }
            if gains.is_empty() {
                return Ok(None);
            }
            Ok(Some(crate::grades::calc::div_round(
                gains.iter().sum(),
                gains.len() as i64,
            )))
        }
        _ => {
            let (points,): (i64,) = sqlx::query_as(crate::sql!(
                "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards \
                 WHERE positive = TRUE AND revoked_at IS NULL AND challenge_id IS NULL \
                 AND awarded_on BETWEEN $1 AND $2 AND student_id IN ({list})"
            ))
            .bind(c.starts_on)
            .bind(to)
            .fetch_one(db)
            .await?;
            Ok(Some(crate::grades::calc::div_round(
                points,
                students.len() as i64,
            )))
        }
    }
}

/// Settles every open challenge whose last day is before `today`. Returns the students
/// rewarded.
pub async fn settle_due(app: &AppState, today: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let due: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM challenges WHERE state = 'open' AND ends_on < $1")
            .bind(today)
            .fetch_all(&app.db)
            .await?;
    let mut rewarded = Vec::new();
    for (id,) in due {
        rewarded.extend(settle(&app.db, id, today, app.clock.now()).await?);
    }
    Ok(rewarded)
}

/// Settles one challenge: marks each member won or not, rewards the winners, and
/// announces the result as a school event.
pub async fn settle(
    db: &Pool,
    id: i64,
    today: NaiveDate,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let Some(c) = get(db, id).await? else {
        return Ok(Vec::new());
    };
    if c.state != "open" {
        return Ok(Vec::new());
    }
    let results = progress(db, &c, today).await?;
    let members = members(db, id).await?;
    let mut tx: Tx<'_> = crate::db::begin_write(db).await?;
    // Only one settlement: the state changes first, inside the transaction.
    let claimed = sqlx::query(
        "UPDATE challenges SET state = 'settled', settled_at = $1 WHERE id = $2 AND state = 'open'",
    )
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(Vec::new());
    }
    let mut winners = Vec::new();
    for m in &members {
        let won = results.iter().any(|r| r.team == m.team && r.reached);
        sqlx::query(
            "UPDATE challenge_members SET won = $1 WHERE challenge_id = $2 AND student_id = $3",
        )
        .bind(won)
        .bind(id)
        .bind(m.student_id)
        .execute(&mut *tx)
        .await?;
        if !won {
            continue;
        }
        winners.push(m.student_id);
        if c.reward_points > 0 {
            super::award(
                &mut tx,
                &super::Award {
                    student_id: m.student_id,
                    points: c.reward_points,
                    positive: true,
                    challenge_id: Some(id),
                    source_key: Some(format!("challenge:{id}:{}", m.student_id)),
                    awarded_on: c.ends_on,
                    ..Default::default()
                },
                at,
            )
            .await?;
        }
        if let Some(badge) = c.reward_badge_id {
            super::award_badge(&mut tx, badge, m.student_id, None, &c.title, c.ends_on).await?;
        }
    }
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::ChallengeSettled(crate::events::ChallengeSettled {
            challenge_id: id,
            class_id: c.class_id,
            title: c.title.clone(),
            winners: winners.len() as i64,
        }),
        None,
        at,
    )
    .await?;
    tx.commit().await?;
    super::boards::changed();
    Ok(members.into_iter().map(|m| m.student_id).collect())
}
