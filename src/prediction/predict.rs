//! Predictions: every current student's calibrated probability of failing the year, with the
//! features that push it most, made by the school's current model after training, after new
//! marks and when a period begins. A student crossing the alert threshold raises one alert
//! (a school event: the notification layer tells the professeur principal, the directors and,
//! if the school chooses, the parents); falling back under it closes the alert, so the next
//! crossing raises a new one. Opening pages never predicts nor alerts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{features, repo};
use crate::app::AppState;
use crate::events::{RiskRaised, SchoolEvent};
use crate::ml;

/// One reason of a prediction: a feature and this student's value of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub value: f64,
}

/// How many reasons a prediction keeps.
pub const REASONS: usize = 3;

/// Predicts every student of the current year with the current model and raises or closes
/// their alerts; how many were predicted (0 without a model).
pub async fn predict_current(app: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let db = &app.db;
    let Some((model_id, json)) = repo::current_weights(db).await? else {
        return Ok(0);
    };
    let Some(year) = crate::school::years::list(db)
        .await?
        .into_iter()
        .find(|y| y.current)
    else {
        return Ok(0);
    };
    let trained: ml::Trained = serde_json::from_str(&json)?;
    let s = super::settings(db).await?;
    let pass_mark = crate::settings::grading(db).await?.pass_mark;
    let today = app.clock.today();
    let stage = stage_today(db, year.id, today).await?;
    let records = features::read_year(db, year.id, year.starts_on, stage, true).await?;
    let rows: Vec<features::Row> = records
        .rows(db, stage, today, s.label, pass_mark)
        .await?
        .into_iter()
        // Nothing to go on before a first mark.
        .filter(|r| r.values.get("avg_last").is_some_and(|v| v.is_finite()))
        .collect();
    let x: Vec<Vec<f64>> = rows.iter().map(|r| r.vector(&trained.features)).collect();
    let (p, contributions, names) = tokio::task::spawn_blocking(move || {
        let p = trained.predict(&x);
        let c = trained.model.contributions(&x);
        let names: Vec<String> = trained.features.iter().map(|f| f.name.clone()).collect();
        (p, c, (names, x))
    })
    .await?;
    let (names, x) = names;
    let threshold = s.alert_at * 100;
    let mut tx = crate::db::begin_write(db).await?;
    repo::clear_predictions(&mut *tx, year.id).await?;
    for (i, r) in rows.iter().enumerate() {
        let pass = p.get(i).copied().unwrap_or(0.5);
        let fail = ((1.0 - pass) * 10_000.0).round().clamp(0.0, 10_000.0) as i64;
        let reasons: Vec<Reason> = contributions
            .get(i)
            .map(|c| ml::reasons(c, names.len()))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, _)| {
                Some(Reason {
                    feature: names.get(k)?.clone(),
                    value: *x.get(i)?.get(k)?,
                })
            })
            .filter(telling)
            .fold(Vec::new(), |mut kept: Vec<Reason>, r| {
                // The first term's average is the latest one in the first term: said once.
                let said = kept.iter().any(|k| {
                    k.feature.starts_with("avg_")
                        && r.feature.starts_with("avg_")
                        && k.value == r.value
                });
                if !said && kept.len() < REASONS {
                    kept.push(r);
                }
                kept
            });
        repo::upsert_prediction(
            &mut *tx,
            year.id,
            &repo::PredictionRow {
                student_id: r.student_id,
                class_id: r.class_id,
                model_id,
                probability: fail,
                stage: stage as i64,
                reasons: serde_json::to_string(&reasons)?,
                computed_at: now,
            },
        )
        .await?;
        let open = repo::open_alert(&mut *tx, r.student_id, year.id).await?;
        match open {
            None if fail >= threshold => {
                let Some(alert_id) =
                    repo::raise_alert(&mut *tx, r.student_id, year.id, fail, now).await?
                else {
                    continue;
                };
                crate::events::publish(
                    &mut *tx,
                    &SchoolEvent::RiskRaised(RiskRaised {
                        alert_id,
                        student_id: r.student_id,
                        school_year_id: year.id,
                        class_id: r.class_id,
                        probability: fail,
                    }),
                    None,
                    now,
                )
                .await?;
            }
            Some((id, _)) if fail < threshold => repo::clear_alert(&mut *tx, id, now).await?,
            _ => {}
        }
    }
    repo::clear_orphan_alerts(&mut *tx, year.id, now).await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// The stage of the current year today, as the model learnt stages: the periods that have
/// ended or have marks, at least one, at most the stages a past year gives (the last
/// period's marks wait for the council).
pub async fn stage_today(
    db: &crate::db::Pool,
    year: i64,
    today: chrono::NaiveDate,
) -> anyhow::Result<usize> {
    let periods = repo::periods_of_year(db, year).await?;
    let marked = repo::periods_with_marks(db, year).await?;
    let known = periods
        .iter()
        .filter(|p| p.ends_on < today || marked.contains(&p.id))
        .count();
    Ok(known
        .max(1)
        .min(*features::training_stages(periods.len()).end()))
}

/// Whether a reason says something to a person: a value that is there, and that is not
/// the ordinary (no absence, the usual age, no repeat).
fn telling(r: &Reason) -> bool {
    let v = r.value;
    v.is_finite()
        && match r.feature.as_str() {
            "age_gap" => v.abs() >= 0.5,
            "rank_p1" => v > 0.5,
            "absence_unjustified_h" | "absence_justified_h" => v >= 1.0,
            "lateness" | "missed_evaluations" | "repeats" => v >= 1.0,
            "stage" | "guardians" => false,
            _ => true,
        }
}

/// Predicts again when marks changed since the last predictions, or a period began: what
/// the server checks every few minutes. How many were predicted.
pub async fn refresh_if_stale(app: &AppState) -> anyhow::Result<usize> {
    let db = &app.db;
    if repo::current_model(db).await?.is_none() {
        return Ok(0);
    }
    let Some(year) = crate::school::current_year(db).await? else {
        return Ok(0);
    };
    let (marks, made) = repo::staleness(db, year.id).await?;
    let stage = stage_today(db, year.id, app.clock.today()).await? as i64;
    let stale = match (marks, made) {
        (_, None) => true,
        (Some(m), Some(p)) => m > p,
        (None, Some(_)) => false,
    } || repo::stage_changed(db, year.id, stage).await?
        || repo::stale_model(db, year.id).await?;
    if !stale {
        return Ok(0);
    }
    predict_current(app, app.clock.now()).await
}

/// Who is told of a student's alert, and what: (user, catalog key, arguments, link).
pub async fn alert_notes(
    tx: &mut crate::db::Tx<'_>,
    r: &RiskRaised,
) -> anyhow::Result<Vec<(i64, &'static str, serde_json::Value, String)>> {
    let parents = super::settings_in(tx).await?.parents_alerted;
    let Some((student, class)) =
        repo::student_in_year(&mut **tx, r.student_id, r.school_year_id).await?
    else {
        return Ok(Vec::new());
    };
    let args = serde_json::json!({
        "student": student,
        "class": class,
        "percent": (r.probability + 50) / 100,
    });
    Ok(
        repo::alert_audience(&mut **tx, r.student_id, r.school_year_id, parents)
            .await?
            .into_iter()
            .map(|(user, guardian)| {
                let key = if guardian {
                    "notif-risk-raised-parent"
                } else {
                    "notif-risk-raised"
                };
                (
                    user,
                    key,
                    args.clone(),
                    format!("/analytique/eleves/{}", r.student_id),
                )
            })
            .collect(),
    )
}
