//! Training: the school's history as a data set (every past year's students after each term
//! but the last, and the years imported from spreadsheets), every model cross-validated with
//! folds by student, the best kept as the school's current model, then today's predictions.
//! It runs as a background job with its progress bar, on demand or on the school's schedule.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::features::{self, Row};
use super::{PredictionSettings, repo};
use crate::db::Pool;
use crate::jobs::{Fatal, Job, JobCtx, Payload};
use crate::ml::{self, Algorithm, Dataset, Feature};

/// Folds of the school's cross-validation.
pub const FOLDS: usize = 5;
/// The seed: the same history gives the same model.
pub const SEED: u64 = 2026;

/// What a training says of itself, stored with the model and shown to the director.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Every model's cross-validated evaluation, the chosen first.
    pub evaluations: Vec<ml::cv::Evaluation>,
    /// Always predicting the most frequent outcome.
    pub baseline: Option<ml::cv::Evaluation>,
    /// The hand-made index the model replaced, on the same rows.
    pub handmade: Option<ml::cv::Evaluation>,
    /// The features used, by name.
    pub features: Vec<String>,
    /// The sensitive ones among them.
    pub sensitive: Vec<String>,
    /// How the outcome was read.
    pub label: features::Label,
    /// The school years learnt from, and the rows imported.
    pub years: Vec<String>,
    pub imported: usize,
    /// Share of the rows that passed.
    pub pass_rate: f64,
    /// The chosen model's reliability once calibrated (its out-of-fold predictions through
    /// the calibration).
    #[serde(default)]
    pub calibrated: Vec<ml::metrics::Bin>,
}

/// The school's history as a data set: the rows and their students.
pub struct History {
    pub data: Dataset,
    pub years: Vec<String>,
    pub imported: usize,
    /// The school's own rows (for the hand-made index).
    pub own: Vec<Row>,
}

/// Reads every past year's rows (with an outcome) and the imported ones.
pub async fn history(db: &Pool, s: &PredictionSettings) -> anyhow::Result<History> {
    let pass_mark = crate::settings::grading(db).await?.pass_mark;
    let years = crate::school::years::list(db).await?;
    let current_start = years.iter().find(|y| y.current).map(|y| y.starts_on);
    let columns = features::columns(&s.sensitive);
    let mut data = Dataset {
        features: columns.clone(),
        ..Default::default()
    };
    let mut own = Vec::new();
    let mut labels = Vec::new();
    for y in &years {
        if y.current || current_start.is_some_and(|c| y.starts_on >= c) {
            continue;
        }
        let periods = repo::periods_of_year(db, y.id).await?;
        let year = features::read_year(db, y.id, y.starts_on, periods.len(), false).await?;
        let mut any = false;
        for stage in features::training_stages(periods.len()) {
            let Some(until) = periods.get(stage - 1).map(|p| p.ends_on) else {
                continue;
            };
            for r in year.rows(db, stage, until, s.label, pass_mark).await? {
                if let Some(passed) = r.passed {
                    data.x.push(r.vector(&columns));
                    data.y.push(if passed { 1.0 } else { 0.0 });
                    data.groups.push(r.student_id as u64);
                    own.push(r);
                    any = true;
                }
            }
        }
        if any {
            labels.push(y.label.clone());
        }
    }
    let imported = repo::history(db).await?;
    for (json, passed, key) in &imported {
        // A row that does not read back is left out, not learnt as all-missing.
        let Ok(values) = serde_json::from_str::<std::collections::HashMap<String, f64>>(json)
        else {
            continue;
        };
        data.x.push(
            columns
                .iter()
                .map(|f| values.get(&f.name).copied().unwrap_or(f64::NAN))
                .collect(),
        );
        data.y.push(if *passed { 1.0 } else { 0.0 });
        // Imported students are told apart from ours by their key.
        data.groups.push(group_of_key(key));
    }
    Ok(History {
        data,
        years: labels,
        imported: imported.len(),
        own,
    })
}

/// An imported student's group: a hash of their key, with the top bit set so that it never
/// meets one of our student ids.
fn group_of_key(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.trim().to_lowercase().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h | (1 << 63)
}

/// The hand-made index on the school's own rows, as a probability of passing.
fn handmade(own: &[Row], settings: &crate::analytics::risk::RiskSettings) -> Vec<f64> {
    own.iter()
        .map(|r| {
            let get = |k: &str| r.values.get(k).copied().filter(|v| v.is_finite());
            let inputs = crate::analytics::risk::Inputs {
                general: get("avg_last").map(|v| (v * 100.0).round() as i64),
                trend: get("trend").map(|v| (v * 100.0).round() as i64),
                absence_minutes: get("absence_unjustified_h").map_or(0, |h| (h * 60.0) as i64),
                missing: get("missed_evaluations").map_or(0, |m| m as i64),
            };
            1.0 - crate::analytics::risk::score(&inputs, settings).0 as f64 / 100.0
        })
        .collect()
}

/// Trains on the school's history and keeps the best model as the current one; returns its
/// id. `progress(done, total)` follows the cross-validation.
pub async fn train_and_store(
    db: Pool,
    by: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
    progress: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
) -> anyhow::Result<Result<i64, &'static str>> {
    let db = &db;
    let s = super::settings(db).await?;
    let h = history(db, &s).await?;
    if h.data.rows() < super::routes::MIN_ROWS {
        return Ok(Err("ml-error-too-little-history"));
    }
    if h.data.y.iter().all(|y| *y == 1.0) || h.data.y.iter().all(|y| *y == 0.0) {
        return Ok(Err("ml-error-one-outcome"));
    }
    let risk_settings = crate::analytics::risk::settings(db).await?;
    let hand = handmade(&h.own, &risk_settings);
    let hand_y: Vec<f64> = h
        .own
        .iter()
        .map(|r| if r.passed == Some(true) { 1.0 } else { 0.0 })
        .collect();
    let data = h.data;
    let (trained, data) = tokio::task::spawn_blocking(move || {
        let mut report = |done: usize, all: usize| {
            progress.store(done, Ordering::Relaxed);
            total.store(all, Ordering::Relaxed);
        };
        let t = ml::train(&data, &Algorithm::ALL, FOLDS, SEED, &mut report);
        (t, data)
    })
    .await?;
    let trained = trained.map_err(|e| anyhow::anyhow!("training: {e}"))?;
    let students = {
        let mut g = data.groups.clone();
        g.sort_unstable();
        g.dedup();
        g.len()
    };
    let mut evaluations = trained.evaluations.clone();
    let chosen = trained.chosen().model.clone();
    let calibrated_oof: Vec<f64> = trained
        .chosen()
        .oof
        .iter()
        .map(|p| trained.calibration.apply(*p))
        .collect();
    let calibrated = ml::metrics::reliability(&calibrated_oof, &data.y);
    evaluations.sort_by_key(|e| e.model != chosen);
    let summary = Summary {
        evaluations,
        baseline: Some(trained.baseline.clone()),
        handmade: (!hand.is_empty()).then(|| {
            ml::cv::Evaluation::from_predictions("handmade_index", hand.clone(), &hand_y, 0)
        }),
        features: data.features.iter().map(|f| f.name.clone()).collect(),
        sensitive: s.sensitive.names().iter().map(|n| n.to_string()).collect(),
        label: s.label,
        years: h.years,
        imported: h.imported,
        pass_rate: data.y.iter().sum::<f64>() / data.rows().max(1) as f64,
        calibrated,
    };
    let model = serde_json::to_string(&trained)?;
    let summary_json = serde_json::to_string(&summary)?;
    let mut tx = crate::db::begin_write(db).await?;
    let id = repo::insert_current(
        &mut tx,
        &repo::NewModel {
            trained_at: now,
            trained_by: by,
            algorithm: &chosen,
            rows_used: data.rows() as i64,
            students: students as i64,
            summary: &summary_json,
            model: &model,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// The features of a stored model.
pub fn model_features(trained: &ml::Trained) -> &[Feature] {
    &trained.features
}

/// The job kind.
pub const KIND: &str = TrainModel::KIND;

/// Train the school's model (then predict).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TrainModel {}

impl Payload for TrainModel {
    const KIND: &'static str = "prediction.train";
}

/// Trains the school's model on the job runner.
pub struct TrainJob;

#[async_trait::async_trait]
impl Job for TrainJob {
    type Payload = TrainModel;

    async fn run(&self, ctx: &JobCtx, _: TrainModel) -> anyhow::Result<Value> {
        let db = ctx.app.db.clone();
        let now = ctx.app.clock.now();
        let (done, total) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(1)));
        ctx.progress(0, 1, "job-msg-ml-reading", json!({})).await?;
        let work = tokio::spawn(train_and_store(
            db.clone(),
            ctx.by,
            now,
            done.clone(),
            total.clone(),
        ));
        tokio::pin!(work);
        let id = loop {
            tokio::select! {
                r = &mut work => break r??,
                _ = tokio::time::sleep(std::time::Duration::from_millis(300)) => {
                    let (d, t) = (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
                    // The last step is the predictions.
                    ctx.progress(d as i64, t as i64 + 1, "job-msg-ml-training", json!({})).await?;
                }
            }
        };
        let id = match id {
            Ok(id) => id,
            Err(key) => return Err(Fatal(key.into()).into()),
        };
        let n = super::predict::predict_current(&ctx.app, now).await?;
        Ok(json!({
            "href": "/admin/prediction",
            "label": "ml-model-see",
            "model": id,
            "predicted": n,
        }))
    }
}
