//! Gamification: points (XP) from school events and from teachers' hands, levels, badges,
//! leaderboards and challenges.
//!
//! Points come from two places. Rules react to school events (a subscriber of the events
//! outbox: a replayed event finds its award's source key taken and awards nothing) and to a
//! periodic check of finished weeks and months; teachers award points by hand for a
//! behaviour of the school's list. "À améliorer" behaviours are counted apart and never
//! shown to other students. Nothing is deleted: a reversal stamps the award and the log keeps it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use crate::db::{Pool, Tx};

pub mod api;
pub mod boards;
pub mod challenges;
pub mod repo;
pub mod routes;
mod rules;

pub use repo::awards::{hides_name, total_points};
pub use repo::catalog::{behaviours, rules};
pub use routes::router;
pub use rules::{Gamifier, run, sweep, tell, weighted_mean};

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

/// A behaviour a teacher may reward (or note as "à améliorer").
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Behaviour {
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

/// One award to write.
#[derive(Clone, Debug, Default)]
pub struct Award {
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

/// Whether a rule is measured against a threshold (a mark, a rise of average); the others
/// (a full week, homework on time) only happen or not.
pub fn has_threshold(code: &str) -> bool {
    !matches!(code, "perfect_week" | "homework_on_time")
}

/// Writes an award in the caller's transaction. Returns its id, or `None` when nothing was
/// written: its source was already awarded, its rule's daily cap is reached, or there is no
/// current school year.
pub async fn award(
    tx: &mut Tx<'_>,
    a: &Award,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let Some(year) = repo::awards::current_year(&mut **tx).await? else {
        return Ok(None);
    };
    if let Some(code) = a.rule_code {
        let cap = repo::catalog::daily_cap(&mut **tx, code)
            .await?
            .unwrap_or(0);
        if cap > 0 {
            let today =
                repo::awards::rule_awards_on(&mut **tx, a.student_id, code, a.awarded_on).await?;
            if today >= cap {
                return Ok(None);
            }
        }
    }
    let Some(id) = repo::awards::insert(&mut **tx, a, year, at).await? else {
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
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let student = repo::awards::revoke(&mut **tx, award_id, by, reason, at).await?;
    if student.is_some() {
        boards::changed();
    }
    Ok(student)
}

/// Withdraws the active award of a source, as the rules do when its cause went away.
async fn revoke_source(
    tx: &mut Tx<'_>,
    source: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = repo::awards::revoke_source(&mut **tx, source, reason, at).await?;
    if done {
        boards::changed();
    }
    Ok(done)
}

/// Gives back an award the rules had withdrawn (the mark was corrected, then corrected back).
async fn restore_source(tx: &mut Tx<'_>, source: &str) -> Result<bool, sqlx::Error> {
    let done = repo::awards::restore_source(&mut **tx, source).await?;
    if done {
        boards::changed();
    }
    Ok(done)
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
    let done =
        repo::awards::insert_badge_award(&mut **tx, badge_id, student_id, on, by, reason).await?;
    // A badge withdrawn earlier is given again only by a person.
    let again = !done
        && by.is_some()
        && repo::awards::reinstate_badge_award(&mut **tx, badge_id, student_id, on, by, reason)
            .await?;
    if done || again {
        boards::changed();
    }
    Ok(done || again)
}

/// Gives the automatic badge `code`.
async fn award_auto_badge(
    tx: &mut Tx<'_>,
    code: &str,
    student_id: i64,
    on: NaiveDate,
) -> Result<bool, sqlx::Error> {
    match repo::catalog::auto_badge(&mut **tx, code).await? {
        Some(id) => award_badge(tx, id, student_id, None, "", on).await,
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
    Ok(match repo::catalog::levels(db).await? {
        Some(v) => serde_json::from_str(&v).unwrap_or_default(),
        None => Levels::default(),
    })
}

/// Saves the school's levels.
pub async fn save_levels(db: &Pool, levels: &Levels) -> anyhow::Result<()> {
    crate::settings::store(db, "gamification_levels", levels).await?;
    Ok(())
}

/// Sets whether a student hides their name from boards other students see.
pub async fn set_hides_name(db: &Pool, student: i64, hide: bool) -> Result<(), sqlx::Error> {
    repo::awards::set_hides_name(db, student, hide).await?;
    boards::changed();
    Ok(())
}

/// The icons a badge may wear, each an SVG file in `static/badges/`. Every device draws
/// them; emoji showed as empty boxes on phones without an emoji font.
pub const BADGE_ICONS: [&str; 12] = [
    "star",
    "stars",
    "medal",
    "trophy",
    "target",
    "calendar",
    "ribbon",
    "team",
    "book",
    "heart",
    "lightbulb",
    "flag",
];

/// The icon of a badge as stored: the one it names, or for a badge stored with an emoji
/// (the automatic badges, badges made before icons were drawn) the drawing of that emoji,
/// else a star.
pub fn badge_icon(stored: &str) -> &'static str {
    let stored = stored.trim();
    if let Some(k) = BADGE_ICONS.iter().find(|k| **k == stored) {
        return k;
    }
    match stored.trim_end_matches('\u{fe0f}') {
        "🎯" => "target",
        "🏅" | "🥇" => "medal",
        "🏆" => "trophy",
        "📅" | "📆" => "calendar",
        "🌟" | "✨" => "stars",
        "🎖" | "🎗" | "🏵" => "ribbon",
        "🤝" | "👥" | "🫂" => "team",
        "📚" | "📖" | "📘" => "book",
        "❤" | "💚" | "💛" | "💙" => "heart",
        "💡" => "lightbulb",
        "🚩" | "🏁" => "flag",
        _ => "star",
    }
}

/// The address of a badge's icon.
pub fn badge_icon_src(stored: &str) -> String {
    format!("/static/badges/{}.svg", badge_icon(stored))
}

/// The Monday of `d`'s week.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Days::new(d.weekday().num_days_from_monday() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_badge_has_a_drawn_icon() {
        for k in BADGE_ICONS {
            assert_eq!(badge_icon(k), k);
            let file = format!("{}/static/badges/{k}.svg", env!("CARGO_MANIFEST_DIR"));
            let svg = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
                "{file}"
            );
        }
        // The automatic badges, stored with emoji, each have their own drawing.
        let auto = ["🎯", "🏅", "🏆", "📅", "⭐", "🌟"].map(badge_icon);
        assert_eq!(
            auto,
            ["target", "medal", "trophy", "calendar", "star", "stars"]
        );
        assert_eq!(badge_icon("🎖\u{fe0f}"), "ribbon");
        assert_eq!(badge_icon("?"), "star");
        assert_eq!(badge_icon_src("🏆"), "/static/badges/trophy.svg");
    }

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
