//! What the school set up: the rules, the behaviours teachers reward, the badges and the
//! levels.

use chrono::NaiveDate;
use sqlx::FromRow;

use crate::db::{Db, Pool};
use crate::gamification::{Behaviour, Rule};

pub async fn rules(db: impl sqlx::Executor<'_, Database = Db>) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, points, daily_cap, threshold, enabled FROM gamification_rules ORDER BY code",
    )
    .fetch_all(db)
    .await
}

/// The rule `code`, if it is enabled.
pub async fn enabled_rule(
    db: impl sqlx::Executor<'_, Database = Db>,
    code: &str,
) -> Result<Option<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, points, daily_cap, threshold, enabled FROM gamification_rules WHERE code = $1 AND enabled = TRUE",
    )
    .bind(code)
    .fetch_optional(db)
    .await
}

/// The awards per student per day the rule `code` allows (0: no cap), enabled or not.
pub async fn daily_cap(
    db: impl sqlx::Executor<'_, Database = Db>,
    code: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let cap: Option<(i64,)> =
        sqlx::query_as("SELECT daily_cap FROM gamification_rules WHERE code = $1")
            .bind(code)
            .fetch_optional(db)
            .await?;
    Ok(cap.map(|c| c.0))
}

pub async fn update_rule(
    db: impl sqlx::Executor<'_, Database = Db>,
    code: &str,
    points: i64,
    daily_cap: i64,
    threshold: i64,
    enabled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE gamification_rules SET points = $1, daily_cap = $2, threshold = $3, enabled = $4 WHERE code = $5",
    )
    .bind(points)
    .bind(daily_cap)
    .bind(threshold)
    .bind(enabled)
    .bind(code)
    .execute(db)
    .await?;
    Ok(())
}

/// The school's behaviours, positive ones first.
pub async fn behaviours(db: &Pool) -> Result<Vec<Behaviour>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, label, points, positive, active FROM behaviours ORDER BY positive DESC, label",
    )
    .fetch_all(db)
    .await
}

/// Adds a behaviour; returns false when one has that label already.
pub async fn insert_behaviour(
    db: &Pool,
    label: &str,
    points: i64,
    positive: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("INSERT INTO behaviours (label, points, positive) VALUES ($1, $2, $3) ON CONFLICT (label) DO NOTHING")
        .bind(label)
        .bind(points)
        .bind(positive)
        .execute(db)
        .await?
        .rows_affected();
    Ok(done > 0)
}

/// Offers a behaviour to teachers, or stops offering it; returns false when there is none.
pub async fn toggle_behaviour(db: &Pool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE behaviours SET active = NOT active WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected();
    Ok(done > 0)
}

/// A badge, with whether (and when) a student holds it.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct BadgeRow {
    pub id: i64,
    /// The automatic criterion, or `None` for a badge given by hand.
    pub code: Option<String>,
    /// The school's name (badges given by hand).
    pub name: String,
    /// The school's description.
    pub description: String,
    /// The icon: one of [`crate::gamification::BADGE_ICONS`], or an emoji stored before
    /// (see [`crate::gamification::badge_icon`]).
    pub icon: String,
    /// When the student got it.
    pub awarded_on: Option<NaiveDate>,
    /// How many students hold it.
    pub holders: i64,
}

impl BadgeRow {
    /// The address of its drawn icon.
    pub fn icon_src(&self) -> String {
        crate::gamification::badge_icon_src(&self.icon)
    }

    /// The name to show: the catalog's for automatic badges.
    pub fn title(&self, t: &crate::i18n::Tr) -> String {
        match &self.code {
            Some(c) => t.t(format!("badge-{c}")),
            None => self.name.clone(),
        }
    }

    /// What it takes.
    pub fn how(&self, t: &crate::i18n::Tr) -> String {
        match &self.code {
            Some(c) => t.t(format!("badge-{c}-how")),
            None if self.description.is_empty() => t.t("badge-by-hand"),
            None => self.description.clone(),
        }
    }
}

/// Every active badge, with `student`'s (0: nobody's) award date.
pub async fn badges(db: &Pool, student: i64) -> Result<Vec<BadgeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, b.code, b.name, b.description, b.icon, \
         (SELECT ba.awarded_on FROM badge_awards ba WHERE ba.badge_id = b.id AND ba.student_id = $1 AND ba.revoked_at IS NULL) AS awarded_on, \
         (SELECT COUNT(*) FROM badge_awards ba WHERE ba.badge_id = b.id AND ba.revoked_at IS NULL) AS holders \
         FROM badges b WHERE b.active = TRUE ORDER BY b.code IS NULL, b.id",
    )
    .bind(student)
    .fetch_all(db)
    .await
}

/// Creates a badge given by hand; returns its id.
pub async fn insert_badge(
    db: impl sqlx::Executor<'_, Database = Db>,
    name: &str,
    description: &str,
    icon: &str,
    by: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO badges (name, description, icon, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(description)
    .bind(icon)
    .bind(by)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The active automatic badge of criterion `code`.
pub async fn auto_badge(
    db: impl sqlx::Executor<'_, Database = Db>,
    code: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let badge: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM badges WHERE code = $1 AND active = TRUE")
            .bind(code)
            .fetch_optional(db)
            .await?;
    Ok(badge.map(|b| b.0))
}

/// The school's levels as stored (JSON), if stored.
pub async fn levels(db: &Pool) -> Result<Option<String>, sqlx::Error> {
    crate::settings::raw(db, "gamification_levels").await
}
