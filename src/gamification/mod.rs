//! Gamification: points (XP) from school events and from teachers' hands, levels, badges,
//! leaderboards and challenges.
//!
//! Points come from two places. Rules react to school events (a subscriber of the events
//! outbox: a replayed event finds its award's source key taken and awards nothing) and to a
//! periodic check of finished weeks and months; teachers award points by hand for a
//! behaviour of the school's list. "À améliorer" behaviours are counted apart and never
//! shown to other students. Nothing is deleted: a reversal stamps the award and the log keeps it.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::app::AppState;
use crate::db::{Db, Pool, Tx};
use crate::events::{Event, Subscriber};

pub mod api;
pub mod boards;
pub mod challenges;
pub mod routes;

pub use routes::router;

/// The rules the events and checks apply, as the administration set them.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Rule {
    /// `mark_high`, `average_up` or `perfect_week`.
    pub code: String,
    /// Points per award.
    pub points: i64,
    /// Awards per student per day; 0 for no cap.
    pub daily_cap: i64,
    /// The rule's measure, in hundredths out of 20.
    pub threshold: i64,
    /// Applied at all.
    pub enabled: bool,
}

/// Every rule.
pub async fn rules<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<Vec<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, points, daily_cap, threshold, enabled FROM gamification_rules ORDER BY code",
    )
    .fetch_all(db)
    .await
}

async fn rule(tx: &mut Tx<'_>, code: &str) -> Result<Option<Rule>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, points, daily_cap, threshold, enabled FROM gamification_rules WHERE code = $1 AND enabled = TRUE",
    )
    .bind(code)
    .fetch_optional(&mut **tx)
    .await
}

/// A behaviour a teacher may reward (or note as "à améliorer").
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Behaviour {
    /// Id.
    pub id: i64,
    /// The school's words for it.
    pub label: String,
    /// Points per award.
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    /// Offered to teachers.
    pub active: bool,
}

/// The school's behaviours, positive ones first.
pub async fn behaviours(db: &Pool) -> Result<Vec<Behaviour>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, label, points, positive, active FROM behaviours ORDER BY positive DESC, label",
    )
    .fetch_all(db)
    .await
}

/// One award to write.
#[derive(Clone, Debug, Default)]
pub struct Award {
    /// To whom.
    pub student_id: i64,
    /// How many points (positive).
    pub points: i64,
    /// False for "à améliorer" points.
    pub positive: bool,
    /// The rule that made it.
    pub rule_code: Option<&'static str>,
    /// The behaviour it rewards.
    pub behaviour_id: Option<i64>,
    /// The challenge it rewards.
    pub challenge_id: Option<i64>,
    /// What for, in words.
    pub reason: String,
    /// The source it came from: an award from a source is made once.
    pub source_key: Option<String>,
    /// Who gave it by hand.
    pub awarded_by: Option<i64>,
    /// The school day it counts for.
    pub awarded_on: NaiveDate,
}

/// Writes an award in the caller's transaction. Returns its id, or `None` when nothing was
/// written: its source was already awarded, its rule's daily cap is reached, or there is no
/// current school year.
pub async fn award(tx: &mut Tx<'_>, a: &Award) -> Result<Option<i64>, sqlx::Error> {
    let Some((year,)): Option<(i64,)> =
        sqlx::query_as("SELECT id FROM school_years WHERE current = TRUE ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(None);
    };
    if let Some(code) = a.rule_code {
        let cap: Option<(i64,)> =
            sqlx::query_as("SELECT daily_cap FROM gamification_rules WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut **tx)
                .await?;
        let cap = cap.map(|c| c.0).unwrap_or(0);
        if cap > 0 {
            let (today,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM point_awards WHERE student_id = $1 AND rule_code = $2 \
                 AND awarded_on = $3 AND revoked_at IS NULL",
            )
            .bind(a.student_id)
            .bind(code)
            .bind(a.awarded_on)
            .fetch_one(&mut **tx)
            .await?;
            if today >= cap {
                return Ok(None);
            }
        }
    }
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO point_awards (student_id, school_year_id, points, positive, rule_code, behaviour_id, \
         challenge_id, reason, source_key, awarded_by, awarded_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (source_key) DO NOTHING RETURNING id",
    )
    .bind(a.student_id)
    .bind(year)
    .bind(a.points)
    .bind(a.positive)
    .bind(a.rule_code)
    .bind(a.behaviour_id)
    .bind(a.challenge_id)
    .bind(&a.reason)
    .bind(&a.source_key)
    .bind(a.awarded_by)
    .bind(a.awarded_on)
    .bind(Utc::now())
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id,)) = id else {
        return Ok(None);
    };
    if a.positive {
        milestones(tx, a.student_id, a.awarded_on).await?;
    }
    boards::changed();
    Ok(Some(id))
}

/// Withdraws an award (by a person, or by the rules when `by` is `None`). Returns the
/// student when it was active.
pub async fn revoke(
    tx: &mut Tx<'_>,
    award_id: i64,
    by: Option<i64>,
    reason: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE point_awards SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 \
         WHERE id = $4 AND revoked_at IS NULL RETURNING student_id",
    )
    .bind(Utc::now())
    .bind(by)
    .bind(reason)
    .bind(award_id)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        boards::changed();
    }
    Ok(row.map(|r| r.0))
}

/// Withdraws the active award of a source, as the rules do when its cause went away.
async fn revoke_source(tx: &mut Tx<'_>, source: &str, reason: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE point_awards SET revoked_at = $1, revoke_reason = $2 WHERE source_key = $3 AND revoked_at IS NULL",
    )
    .bind(Utc::now())
    .bind(reason)
    .bind(source)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done > 0 {
        boards::changed();
    }
    Ok(done > 0)
}

/// Gives back an award the rules had withdrawn (the mark was corrected, then corrected back).
async fn restore_source(tx: &mut Tx<'_>, source: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE point_awards SET revoked_at = NULL, revoke_reason = NULL \
         WHERE source_key = $1 AND revoked_at IS NOT NULL AND revoked_by IS NULL",
    )
    .bind(source)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done > 0 {
        boards::changed();
    }
    Ok(done > 0)
}

/// Gives a badge (once: a student holds a badge or not). Returns true when newly given.
pub async fn award_badge(
    tx: &mut Tx<'_>,
    badge_id: i64,
    student_id: i64,
    by: Option<i64>,
    reason: &str,
    on: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO badge_awards (badge_id, student_id, awarded_on, awarded_by, reason) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (badge_id, student_id) DO NOTHING",
    )
    .bind(badge_id)
    .bind(student_id)
    .bind(on)
    .bind(by)
    .bind(reason)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    // A badge withdrawn earlier is given again only by a person.
    let again = if done == 0 && by.is_some() {
        sqlx::query(
            "UPDATE badge_awards SET revoked_at = NULL, revoked_by = NULL, awarded_on = $1, awarded_by = $2, reason = $3 \
             WHERE badge_id = $4 AND student_id = $5 AND revoked_at IS NOT NULL",
        )
        .bind(on)
        .bind(by)
        .bind(reason)
        .bind(badge_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
    } else {
        0
    };
    if done + again > 0 {
        boards::changed();
    }
    Ok(done + again > 0)
}

/// Gives the automatic badge `code`.
async fn award_auto_badge(
    tx: &mut Tx<'_>,
    code: &str,
    student_id: i64,
    on: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let badge: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM badges WHERE code = $1 AND active = TRUE")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await?;
    match badge {
        Some((id,)) => award_badge(tx, id, student_id, None, "", on).await,
        None => Ok(false),
    }
}

/// The points milestones badges.
async fn milestones(tx: &mut Tx<'_>, student: i64, on: NaiveDate) -> Result<(), sqlx::Error> {
    let total = total_points(&mut **tx, student).await?;
    for (code, needed) in [("points_100", 100), ("points_500", 500)] {
        if total >= needed {
            award_auto_badge(tx, code, student, on).await?;
        }
    }
    Ok(())
}

/// A student's points of all time (positive, not withdrawn): what the level counts.
pub async fn total_points<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards \
         WHERE student_id = $1 AND positive = TRUE AND revoked_at IS NULL",
    )
    .bind(student)
    .fetch_one(db)
    .await?;
    Ok(n)
}

/// One level: from how many points, and its name (empty: the catalog's name for its rank).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Level {
    /// Points from which it is reached.
    pub min: i64,
    /// The school's name for it; empty for the default name.
    #[serde(default)]
    pub name: String,
}

/// The school's levels, in increasing order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Levels(pub Vec<Level>);

impl Default for Levels {
    fn default() -> Self {
        Levels(
            [0, 50, 150, 300, 600, 1000]
                .into_iter()
                .map(|min| Level {
                    min,
                    name: String::new(),
                })
                .collect(),
        )
    }
}

/// Where a student stands: their level and the way to the next.
#[derive(Clone, Debug, Serialize)]
pub struct Standing {
    /// 1-based rank of the level.
    pub rank: usize,
    /// Its display name.
    pub name: String,
    /// Points the level starts at.
    pub min: i64,
    /// Points the next level starts at, if any.
    pub next_min: Option<i64>,
    /// Percent of the way to the next level (100 at the top).
    pub percent: i64,
}

impl Levels {
    /// Checks levels an administrator typed: the first from 0, strictly increasing, names short.
    pub fn validate(&self) -> Option<&'static str> {
        if self.0.is_empty() || self.0.len() > 12 {
            return Some("gam-error-levels-count");
        }
        if self.0[0].min != 0 {
            return Some("gam-error-levels-first");
        }
        if self.0.windows(2).any(|w| w[1].min <= w[0].min) {
            return Some("gam-error-levels-order");
        }
        if self.0.iter().any(|l| l.name.chars().count() > 40) {
            return Some("error-too-long");
        }
        None
    }

    /// The standing at `points`, its name from `name_of` when the school gave none.
    pub fn standing(&self, points: i64, name_of: impl Fn(usize) -> String) -> Standing {
        let i = self
            .0
            .iter()
            .rposition(|l| points >= l.min)
            .unwrap_or_default();
        let level = &self.0[i];
        let next_min = self.0.get(i + 1).map(|l| l.min);
        let percent = match next_min {
            Some(n) if n > level.min => {
                ((points - level.min) * 100 / (n - level.min)).clamp(0, 100)
            }
            _ => 100,
        };
        Standing {
            rank: i + 1,
            name: if level.name.trim().is_empty() {
                name_of(i + 1)
            } else {
                level.name.clone()
            },
            min: level.min,
            next_min,
            percent,
        }
    }
}

/// The school's levels (the defaults when none are stored).
pub async fn levels(db: &Pool) -> anyhow::Result<Levels> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'gamification_levels'")
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((v,)) => serde_json::from_str(&v).unwrap_or_default(),
        None => Levels::default(),
    })
}

/// Saves the school's levels.
pub async fn save_levels(db: &Pool, levels: &Levels) -> anyhow::Result<()> {
    crate::settings::store(db, "gamification_levels", levels).await?;
    Ok(())
}

/// Whether a student hides their name from boards other students see.
pub async fn hides_name(db: &Pool, student: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> =
        sqlx::query_as("SELECT hide_name FROM gamification_privacy WHERE student_id = $1")
            .bind(student)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some_and(|r| r.0))
}

/// Sets that choice.
pub async fn set_hides_name(db: &Pool, student: i64, hide: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO gamification_privacy (student_id, hide_name) VALUES ($1, $2) \
         ON CONFLICT (student_id) DO UPDATE SET hide_name = excluded.hide_name",
    )
    .bind(student)
    .bind(hide)
    .execute(db)
    .await?;
    boards::changed();
    Ok(())
}

/// The day it is at the school (Lomé is on UTC all year).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The Monday of `d`'s week.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Days::new(d.weekday().num_days_from_monday() as u64)
}

/// A mark on /20 in hundredths, from points in hundredths on `scale`.
fn on_twenty(points: i64, scale: i64) -> i64 {
    crate::grades::calc::to_twenty(points, scale)
}

/// The subscriber that applies the rules to school events.
#[derive(Default)]
pub struct Gamifier {
    touched: Mutex<Vec<i64>>,
}

impl Gamifier {
    fn touch(&self, student: i64) {
        self.touched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(student);
    }

    /// The students whose points changed since the last call.
    pub fn take_touched(&self) -> Vec<i64> {
        let mut v = std::mem::take(&mut *self.touched.lock().unwrap_or_else(|e| e.into_inner()));
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn int(p: &serde_json::Value, key: &str) -> Option<i64> {
    p.get(key).and_then(|v| v.as_i64())
}

#[async_trait::async_trait]
impl Subscriber for Gamifier {
    fn name(&self) -> &'static str {
        "gamification"
    }

    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()> {
        let p = event.json();
        let on = event.occurred_at.date_naive();
        match event.kind.as_str() {
            "mark.recorded" => {
                let (Some(student), Some(eval), Some(scale)) = (
                    int(&p, "student_id"),
                    int(&p, "evaluation_id"),
                    int(&p, "scale"),
                ) else {
                    return Ok(());
                };
                let score = match (p.get("status").and_then(|s| s.as_str()), int(&p, "points")) {
                    (Some("score"), Some(points)) => Some(points),
                    _ => None,
                };
                if self.on_mark(tx, student, eval, scale, score, on).await? {
                    self.touch(student);
                }
                if let (Some(subject), Some(period)) = (int(&p, "subject_id"), int(&p, "period_id"))
                    && self.on_average(tx, student, subject, period, on).await?
                {
                    self.touch(student);
                }
            }
            "absence.recorded" => {
                // A perfect week given before a late roll call of that week is taken back.
                let (Some(student), Some(day)) = (
                    int(&p, "student_id"),
                    p.get("held_on")
                        .and_then(|d| d.as_str())
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                ) else {
                    return Ok(());
                };
                let source = format!("week:{student}:{}", monday_of(day));
                if revoke_source(tx, &source, "absence").await? {
                    self.touch(student);
                }
            }
            "bulletin.published" => {
                if let Some(period) = int(&p, "period_id") {
                    for s in honour_roll(tx, period, on).await? {
                        self.touch(s);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl Gamifier {
    /// A mark at or above the rule's threshold earns points once per mark; corrected below,
    /// the award is withdrawn, and given back if corrected up again. A first 20/20 earns
    /// its badge.
    async fn on_mark(
        &self,
        tx: &mut Tx<'_>,
        student: i64,
        eval: i64,
        scale: i64,
        score: Option<i64>,
        on: NaiveDate,
    ) -> anyhow::Result<bool> {
        let source = format!("mark:{eval}:{student}");
        let mut changed = false;
        if let Some(points) = score
            && points >= scale * 100
        {
            changed |= award_auto_badge(tx, "first_perfect", student, on).await?;
        }
        let Some(rule) = rule(tx, "mark_high").await? else {
            return Ok(changed);
        };
        let high = score.is_some_and(|p| on_twenty(p, scale) >= rule.threshold);
        if !high {
            changed |= revoke_source(tx, &source, "mark-corrected").await?;
            return Ok(changed);
        }
        if restore_source(tx, &source).await? {
            return Ok(true);
        }
        let reason: Option<(String, String)> = sqlx::query_as(
            "SELECT e.title, su.name FROM evaluations e JOIN subjects su ON su.id = e.subject_id WHERE e.id = $1",
        )
        .bind(eval)
        .fetch_optional(&mut **tx)
        .await?;
        let award = Award {
            student_id: student,
            points: rule.points,
            positive: true,
            rule_code: Some("mark_high"),
            reason: reason
                .map(|(t, s)| format!("{s} · {t}"))
                .unwrap_or_default(),
            source_key: Some(source),
            awarded_on: on,
            ..Default::default()
        };
        Ok(changed | self::award(tx, &award).await?.is_some())
    }

    /// A subject average that rose by the rule's threshold since the previous period earns
    /// points once per subject and period.
    async fn on_average(
        &self,
        tx: &mut Tx<'_>,
        student: i64,
        subject: i64,
        period: i64,
        on: NaiveDate,
    ) -> anyhow::Result<bool> {
        let Some(rule) = rule(tx, "average_up").await? else {
            return Ok(false);
        };
        let previous: Option<(i64,)> = sqlx::query_as(
            "SELECT p2.id FROM periods p JOIN periods p2 ON p2.school_year_id = p.school_year_id \
             AND p2.ordinal = p.ordinal - 1 WHERE p.id = $1",
        )
        .bind(period)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((previous,)) = previous else {
            return Ok(false);
        };
        let (Some(now), Some(before)) = (
            subject_average(tx, student, subject, period).await?,
            subject_average(tx, student, subject, previous).await?,
        ) else {
            return Ok(false);
        };
        if now - before < rule.threshold.max(1) {
            return Ok(false);
        }
        let name: Option<(String,)> = sqlx::query_as("SELECT name FROM subjects WHERE id = $1")
            .bind(subject)
            .fetch_optional(&mut **tx)
            .await?;
        let award = Award {
            student_id: student,
            points: rule.points,
            positive: true,
            rule_code: Some("average_up"),
            reason: format!(
                "{} : {} → {}",
                name.map(|n| n.0).unwrap_or_default(),
                crate::grades::calc::fmt_hundredths(before),
                crate::grades::calc::fmt_hundredths(now)
            ),
            source_key: Some(format!("avg:{student}:{subject}:{period}")),
            awarded_on: on,
            ..Default::default()
        };
        Ok(self::award(tx, &award).await?.is_some())
    }
}

/// The weighted mean of a student's marks in a subject over a period, on /20 in hundredths.
async fn subject_average(
    tx: &mut Tx<'_>,
    student: i64,
    subject: i64,
    period: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT m.points, e.scale, e.weight FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         WHERE m.student_id = $1 AND e.subject_id = $2 AND e.period_id = $3 AND m.status = 'score' AND m.points IS NOT NULL",
    )
    .bind(student)
    .bind(subject)
    .bind(period)
    .fetch_all(&mut **tx)
    .await?;
    Ok(weighted_mean(
        rows.iter().map(|(p, s, w)| (on_twenty(*p, *s), *w)),
    ))
}

/// The weighted mean of (value, weight) pairs, rounded half up; `None` without weight.
pub fn weighted_mean(values: impl Iterator<Item = (i64, i64)>) -> Option<i64> {
    let (sum, weight) = values.fold((0i64, 0i64), |(s, w), (v, k)| (s + v * k, w + k));
    (weight > 0).then(|| crate::grades::calc::div_round(sum, weight))
}

/// The honour roll badges once a period's bulletins are published: "honour_1" the first
/// time a student's general average reaches the school's honour roll, "honour_3" after
/// three periods of the year on it. Returns the students given a badge.
async fn honour_roll(tx: &mut Tx<'_>, period: i64, on: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let year: Option<(i64,)> = sqlx::query_as("SELECT school_year_id FROM periods WHERE id = $1")
        .bind(period)
        .fetch_optional(&mut **tx)
        .await?;
    let Some((year,)) = year else {
        return Ok(Vec::new());
    };
    let periods: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM periods WHERE school_year_id = $1 AND (published = TRUE OR id = $2) ORDER BY ordinal",
    )
    .bind(year)
    .bind(period)
    .fetch_all(&mut **tx)
    .await?;
    let classes: Vec<(i64,)> = sqlx::query_as("SELECT id FROM classes WHERE school_year_id = $1")
        .bind(year)
        .fetch_all(&mut **tx)
        .await?;
    // The grading rules in force, read in this transaction (a pooled read could wait on it).
    let rules: crate::settings::GradingSettings = {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE key = 'grading'")
                .fetch_optional(&mut **tx)
                .await?;
        row.and_then(|r| serde_json::from_str(&r.0).ok())
            .unwrap_or_default()
    };
    let mut on_roll: std::collections::HashMap<i64, usize> = Default::default();
    for (class,) in classes {
        let students: Vec<(i64,)> =
            sqlx::query_as("SELECT student_id FROM enrollments WHERE class_id = $1")
                .bind(class)
                .fetch_all(&mut **tx)
                .await?;
        let students: Vec<i64> = students.into_iter().map(|s| s.0).collect();
        for (p,) in &periods {
            let computed = crate::bulletins::for_class_in(tx, class, *p, &students, &rules).await?;
            for b in computed.1.bulletins {
                if b.general.is_some_and(|g| g >= rules.honour_roll) {
                    *on_roll.entry(b.student_id).or_default() += 1;
                }
            }
        }
    }
    let mut given = Vec::new();
    for (student, n) in on_roll {
        let mut got = award_auto_badge(tx, "honour_1", student, on).await?;
        if n >= 3 {
            got |= award_auto_badge(tx, "honour_3", student, on).await?;
        }
        if got {
            given.push(student);
        }
    }
    Ok(given)
}

/// The checks of finished weeks and months, and of finished challenges. Idempotent: each
/// award has its source key, each badge is given once.
pub async fn sweep(app: &AppState, today: NaiveDate) -> anyhow::Result<Vec<i64>> {
    let mut touched = Vec::new();
    let db = &app.db;
    let mut tx = crate::db::begin_write(db).await?;
    // The week before this one.
    let monday = monday_of(today) - chrono::Days::new(7);
    let sunday = monday + chrono::Days::new(6);
    if let Some(rule) = rule(&mut tx, "perfect_week").await? {
        for student in present_throughout(&mut tx, monday, sunday, 1).await? {
            let a = Award {
                student_id: student,
                points: rule.points,
                positive: true,
                rule_code: Some("perfect_week"),
                reason: format!("{} – {}", monday.format("%d/%m"), sunday.format("%d/%m")),
                source_key: Some(format!("week:{student}:{monday}")),
                awarded_on: sunday,
                ..Default::default()
            };
            if award(&mut tx, &a).await?.is_some() {
                touched.push(student);
            }
        }
    }
    // The month before this one: a real month of school, at least ten days of roll calls.
    let first = today.with_day(1).unwrap_or(today);
    let last = first - chrono::Days::new(1);
    let month_start = last.with_day(1).unwrap_or(last);
    for student in present_throughout(&mut tx, month_start, last, 10).await? {
        if award_auto_badge(&mut tx, "full_month", student, last).await? {
            touched.push(student);
        }
    }
    tx.commit().await?;
    touched.extend(challenges::settle_due(app, today).await?);
    Ok(touched)
}

/// Students of the current year whose class held roll calls on at least `min_days` days
/// between `from` and `to`, and who were never absent nor late at them.
async fn present_throughout(
    tx: &mut Tx<'_>,
    from: NaiveDate,
    to: NaiveDate,
    min_days: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT e.student_id FROM enrollments e \
         JOIN school_years y ON y.id = e.school_year_id AND y.current = TRUE \
         JOIN students s ON s.id = e.student_id AND s.active = TRUE \
         WHERE (SELECT COUNT(DISTINCT r.held_on) FROM roll_calls r WHERE r.class_id = e.class_id \
                AND r.held_on BETWEEN $1 AND $2) >= $3 \
         AND NOT EXISTS (SELECT 1 FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
                WHERE a.student_id = e.student_id AND r.held_on BETWEEN $1 AND $2)",
    )
    .bind(from)
    .bind(to)
    .bind(min_days)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Tells the students whose points changed, and their parents, on their open pages.
pub async fn tell(app: &AppState, students: &[i64]) {
    for &s in students {
        let users: Result<Vec<(i64,)>, _> = sqlx::query_as(
            "SELECT user_id FROM students WHERE id = $1 AND user_id IS NOT NULL \
             UNION SELECT user_id FROM student_guardians WHERE student_id = $1",
        )
        .bind(s)
        .fetch_all(&app.db)
        .await;
        for (u,) in users.unwrap_or_default() {
            app.realtime
                .to_user(u, "points", &serde_json::json!({ "student": s }));
        }
    }
}

/// Applies the rules to new school events, checks finished weeks and challenges every
/// ten minutes, and tells open pages. Runs until the process stops.
pub async fn run(app: AppState) {
    let gamifier = Gamifier::default();
    while let Err(e) = crate::events::subscribe_from_now(&app.db, gamifier.name()).await {
        tracing::warn!(error = %e, "gamification: cannot start");
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    let mut next_sweep = std::time::Instant::now();
    loop {
        let handled = match crate::events::dispatch(&app.db, &gamifier, 200).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "gamification: dispatch failed");
                0
            }
        };
        let mut touched = gamifier.take_touched();
        if std::time::Instant::now() >= next_sweep {
            match sweep(&app, today()).await {
                Ok(t) => {
                    touched.extend(t);
                    next_sweep = std::time::Instant::now() + Duration::from_secs(600);
                }
                // Tried again in half a minute.
                Err(e) => {
                    tracing::warn!(error = %e, "gamification: sweep failed");
                    next_sweep = std::time::Instant::now() + Duration::from_secs(30);
                }
            }
        }
        tell(&app, &touched).await;
        if handled < 200 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_give_the_way_to_the_next() {
        let l = Levels::default();
        let s = l.standing(0, |i| format!("N{i}"));
        assert_eq!(
            (s.rank, s.name.as_str(), s.next_min, s.percent),
            (1, "N1", Some(50), 0)
        );
        let s = l.standing(100, |i| format!("N{i}"));
        assert_eq!(
            (s.rank, s.min, s.next_min, s.percent),
            (2, 50, Some(150), 50)
        );
        let s = l.standing(5000, |i| format!("N{i}"));
        assert_eq!((s.rank, s.next_min, s.percent), (6, None, 100));
        let named = Levels(vec![
            Level {
                min: 0,
                name: "Graine".into(),
            },
            Level {
                min: 10,
                name: String::new(),
            },
        ]);
        assert_eq!(named.standing(3, |_| "x".into()).name, "Graine");
        assert_eq!(named.standing(10, |i| format!("N{i}")).name, "N2");
    }

    #[test]
    fn levels_are_checked() {
        assert_eq!(Levels::default().validate(), None);
        let bad = |v: Vec<i64>| {
            Levels(
                v.into_iter()
                    .map(|min| Level {
                        min,
                        name: String::new(),
                    })
                    .collect(),
            )
            .validate()
        };
        assert_eq!(bad(vec![]), Some("gam-error-levels-count"));
        assert_eq!(bad(vec![5, 10]), Some("gam-error-levels-first"));
        assert_eq!(bad(vec![0, 10, 10]), Some("gam-error-levels-order"));
    }

    #[test]
    fn weeks_start_on_monday_and_means_are_weighted() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(monday_of(d), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(monday_of(monday_of(d)), monday_of(d));
        assert_eq!(
            weighted_mean([(1200, 1), (1500, 2)].into_iter()),
            Some(1400)
        );
        assert_eq!(weighted_mean(std::iter::empty()), None);
    }
}
