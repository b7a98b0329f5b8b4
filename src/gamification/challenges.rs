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

use super::repo;
use crate::app::AppState;
use crate::db::{Pool, Tx};

pub use repo::challenges::{get, members};

/// What a challenge measures.
pub const METRICS: [&str; 3] = ["attendance", "average_gain", "points"];

crate::text_enum! {
    pub enum ChallengeState {
        /// Running, or waiting for its settlement after its last day.
        Open = "open",
        /// Measured once after its last day, its winners rewarded.
        Settled = "settled",
        Cancelled = "cancelled",
    }
}

impl ChallengeState {
    /// The catalog key of the state's name.
    pub fn label_key(self) -> String {
        format!("gam-state-{self}")
    }
}

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
    pub state: ChallengeState,
    /// Who made it.
    pub created_by: i64,
    /// The one student, when it is an individual challenge.
    pub student_id: Option<i64>,
    /// That student's name.
    pub student_name: Option<String>,
}

/// The challenges of some classes (the administration: every class), newest first.
pub async fn of_classes(db: &Pool, classes: Option<&[i64]>) -> Result<Vec<Challenge>, sqlx::Error> {
    let all = repo::challenges::not_cancelled(db).await?;
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
    let id = repo::challenges::insert(&mut *tx, n, at).await?;
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
        repo::challenges::insert_member(&mut *tx, id, *s, team).await?;
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
    let done = repo::challenges::cancel(&mut *tx, id).await?;
    if done {
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
    Ok(done)
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
    match c.metric.as_str() {
        "attendance" => {
            // Scheduled minutes of the class's roll calls for these students, and the minutes
            // they missed (absences; lateness counts as presence).
            let scheduled =
                repo::challenges::scheduled_minutes(db, c.class_id, c.starts_on, to).await?;
            if scheduled == 0 {
                return Ok(None);
            }
            let missed =
                repo::challenges::missed_minutes(db, c.class_id, c.starts_on, to, students).await?;
            let total = scheduled * students.len() as i64;
            Ok(Some((total - missed.min(total)) * 10_000 / total))
        }
        "average_gain" => {
            // Each member's mean mark during the challenge against their mean before it
            // this year; the unit's gain is the mean of its members' gains.
            let rows = crate::grades::repo::scored_marks_of_year(db, to, students).await?;
            let mut gains = Vec::new();
            for s in students {
                let side = |during: bool| {
                    super::weighted_mean(
                        rows.iter()
                            .filter(|r| r.student_id == *s && (r.held_on >= c.starts_on) == during)
                            .map(|r| (crate::grades::calc::to_twenty(r.points, r.scale), r.weight)),
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
            let points = repo::challenges::points(db, c.starts_on, to, students).await?;
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
    let due = repo::challenges::due(&app.db, today).await?;
    let mut rewarded = Vec::new();
    for id in due {
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
    if c.state != ChallengeState::Open {
        return Ok(Vec::new());
    }
    let results = progress(db, &c, today).await?;
    let members = members(db, id).await?;
    let mut tx: Tx<'_> = crate::db::begin_write(db).await?;
    // Only one settlement: the state changes first, inside the transaction.
    if !repo::challenges::claim_settlement(&mut *tx, id, at).await? {
        return Ok(Vec::new());
    }
    let mut winners = Vec::new();
    for m in &members {
        let won = results.iter().any(|r| r.team == m.team && r.reached);
        repo::challenges::set_won(&mut *tx, id, m.student_id, won).await?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_states_are_those_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = super::ChallengeState::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(
            checked_words(&migrations_text(), "challenges", "state"),
            words
        );
    }

    #[test]
    fn every_state_has_a_name_in_each_language() {
        for lang in ["fr", "en"] {
            let file = format!(
                "{}/locales/{lang}/gamification.ftl",
                env!("CARGO_MANIFEST_DIR")
            );
            let catalog = std::fs::read_to_string(&file).unwrap_or_default();
            for s in super::ChallengeState::ALL {
                let key = format!("\n{} = ", s.label_key());
                assert!(catalog.contains(&key), "{file}: {}", s.label_key());
            }
        }
    }
}
