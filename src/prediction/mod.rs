//! Success prediction: a model trained on the school's own history (and on past years
//! imported from spreadsheets) estimates each student's probability of failing the year,
//! with the reasons in words, behind the screens the hand-made risk index had (the risk
//! list, the class and student dashboards, the workflows). The director trains it, sees how
//! good it is, and chooses what it may use and who is alerted.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::Pool;

pub mod features;
pub mod import;
pub mod predict;
pub mod repo;
pub mod routes;
pub mod train;

/// Routes of success prediction.
pub fn router() -> axum::Router<crate::app::AppState> {
    routes::router().merge(import::router())
}

/// The school's choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PredictionSettings {
    /// How a past year's outcome is read.
    pub label: features::Label,
    /// The sensitive attributes the model may use.
    pub sensitive: features::Sensitive,
    /// The probability of failing (percent) from which a student raises an alert.
    pub alert_at: i64,
    /// Parents see their child's prediction.
    pub parents_see: bool,
    /// Parents are alerted too.
    pub parents_alerted: bool,
    /// Days after which the model is trained again (0: only on demand).
    pub retrain_days: i64,
}

impl Default for PredictionSettings {
    fn default() -> Self {
        PredictionSettings {
            label: features::Label::Decision,
            sensitive: features::Sensitive::default(),
            alert_at: 70,
            parents_see: false,
            parents_alerted: false,
            retrain_days: 30,
        }
    }
}

impl PredictionSettings {
    /// What is wrong, as (field, catalog key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut e = Vec::new();
        if !(5..=95).contains(&self.alert_at) {
            e.push(("alert_at", "ml-error-alert-at"));
        }
        if !(0..=365).contains(&self.retrain_days) {
            e.push(("retrain_days", "ml-error-retrain-days"));
        }
        if self.parents_alerted && !self.parents_see {
            e.push(("parents_alerted", "ml-error-parents"));
        }
        e
    }
}

/// The settings key.
pub const SETTINGS: &str = "prediction";

/// The school's choices (defaults when none are stored).
pub async fn settings(db: &Pool) -> anyhow::Result<PredictionSettings> {
    Ok(crate::settings::load(db, SETTINGS)
        .await?
        .unwrap_or_default())
}

/// The same, read inside a transaction.
pub async fn settings_in(tx: &mut crate::db::Tx<'_>) -> anyhow::Result<PredictionSettings> {
    Ok(match crate::settings::raw(&mut **tx, SETTINGS).await? {
        Some(v) => serde_json::from_str(&v)?,
        None => PredictionSettings::default(),
    })
}

/// The catalog key of a feature's name.
pub fn feature_key(name: &str) -> &'static str {
    match name {
        "stage" => "ml-feature-stage",
        "avg_p1" => "ml-feature-avg_p1",
        "rank_p1" => "ml-feature-rank_p1",
        "avg_last" => "ml-feature-avg_last",
        "trend" => "ml-feature-trend",
        "avg_litteraires" => "ml-feature-avg_litteraires",
        "avg_scientifiques" => "ml-feature-avg_scientifiques",
        "absence_unjustified_h" => "ml-feature-absence_unjustified_h",
        "absence_justified_h" => "ml-feature-absence_justified_h",
        "lateness" => "ml-feature-lateness",
        "missed_evaluations" => "ml-feature-missed_evaluations",
        "repeats" => "ml-feature-repeats",
        "age_gap" => "ml-feature-age_gap",
        "sex" => "ml-feature-sex",
        "guardians" => "ml-feature-guardians",
        "fees_paid" => "ml-feature-fees_paid",
        _ => "ml-feature-other",
    }
}

/// A reason in words: its catalog key and arguments ("moyenne du 1er trimestre 7,80").
pub fn reason_words(r: &predict::Reason) -> (&'static str, Value) {
    let mark = |v: f64| crate::grades::calc::fmt_hundredths((v * 100.0).round() as i64);
    let key = match r.feature.as_str() {
        "stage" => "ml-reason-stage",
        "avg_p1" => "ml-reason-avg_p1",
        "rank_p1" => "ml-reason-rank_p1",
        "avg_last" => "ml-reason-avg_last",
        "trend" => "ml-reason-trend",
        "avg_litteraires" => "ml-reason-avg_litteraires",
        "avg_scientifiques" => "ml-reason-avg_scientifiques",
        "absence_unjustified_h" => "ml-reason-absence_unjustified_h",
        "absence_justified_h" => "ml-reason-absence_justified_h",
        "lateness" => "ml-reason-lateness",
        "missed_evaluations" => "ml-reason-missed_evaluations",
        "repeats" => "ml-reason-repeats",
        "age_gap" => "ml-reason-age_gap",
        "sex" => "ml-reason-sex",
        "guardians" => "ml-reason-guardians",
        "fees_paid" => "ml-reason-fees_paid",
        _ => "ml-reason-other",
    };
    let v = r.value;
    let args = match r.feature.as_str() {
        "avg_p1" | "avg_last" | "avg_litteraires" | "avg_scientifiques" => {
            json!({ "value": if v.is_finite() { mark(v) } else { "—".into() } })
        }
        "trend" => json!({ "value": mark(v.abs()), "up": if v >= 0.0 { "yes" } else { "no" } }),
        "rank_p1" => json!({
            "part": if v >= 0.75 { "last" } else if v > 0.5 { "second" } else { "first" }
        }),
        "fees_paid" => json!({ "value": (v * 100.0).round() as i64 }),
        "age_gap" => {
            json!({ "value": format!("{:.1}", v.abs()).replace('.', ","), "older": if v >= 0.0 { "yes" } else { "no" } })
        }
        "sex" => json!({ "value": if v >= 0.5 { "M" } else { "F" } }),
        "absence_unjustified_h" | "absence_justified_h" => json!({ "value": v.round() as i64 }),
        _ => json!({ "value": if v.is_finite() { v.round() as i64 } else { 0 } }),
    };
    (key, args)
}

/// A class's risks from the current model's predictions, when the school has one: what the
/// hand-made index gave before, in the same form. `None` without a model.
pub async fn class_risks(
    db: &Pool,
    class_id: i64,
    s: &crate::analytics::risk::RiskSettings,
) -> anyhow::Result<Option<Vec<crate::analytics::risk::Risk>>> {
    if repo::current_model(db).await?.is_none() {
        return Ok(None);
    }
    let Some(year) = crate::school::current_year(db).await? else {
        return Ok(None);
    };
    let predictions = repo::class_predictions(db, year.id, class_id).await?;
    let students = crate::school::class_students_named(db, class_id).await?;
    let mut out = Vec::new();
    for (id, last, first, class_name) in students {
        let (score, reasons) = match predictions.iter().find(|p| p.student_id == id) {
            Some(p) => {
                let reasons: Vec<predict::Reason> =
                    serde_json::from_str(&p.reasons).unwrap_or_default();
                (
                    (p.probability + 50) / 100,
                    reasons.iter().map(reason_words).collect(),
                )
            }
            None => (0, Vec::new()),
        };
        out.push(crate::analytics::risk::Risk {
            student_id: id,
            name: format!("{} {first}", last.to_uppercase()),
            class_id,
            class_name,
            score,
            level: crate::analytics::risk::level(score, s),
            reasons,
            inputs: Default::default(),
        });
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    Ok(Some(out))
}
