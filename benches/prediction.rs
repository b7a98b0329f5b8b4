//! Benchmark: success prediction.
//!
//! 1. Training: every model cross-validated (5 folds by student) then the best fitted and
//!    calibrated, on 20,000 student-years shaped like the school's rows (the 13 base features,
//!    one to three rows per student, missing values), against one fit of the boosted trees on
//!    the same rows (the baseline measured in the same run). Budget: under 30 s.
//! 2. Predicting a school of 2,000: `predict_current` on the demo school (the records read
//!    with the bulletins' own computation, the model applied, reasons kept, predictions and
//!    alerts written in one transaction), against the model alone on the same 2,000 rows.
//!    Budget: under 1 s.
//! 3. Quality on the demo's three past years: accuracy, balanced accuracy and AUC of each
//!    model, cross-validated by student, and of the hand-made index it replaced on the same
//!    rows, as ratios to the index.
//!
//! Run with `scripts/bench-prediction` or `cargo bench --bench prediction`.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use suku::ml::{self, Algorithm, Dataset};

/// Rows shaped like the school's: averages that persist and drift, absences that go with
/// them, a few repeats; the outcome from the year's true level.
fn synthetic(rows: usize, seed: u64) -> Dataset {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let features = suku::prediction::features::columns(&Default::default());
    let mut d = Dataset {
        features,
        ..Default::default()
    };
    let mut student = 0u64;
    while d.rows() < rows {
        student += 1;
        let years = rng.random_range(1..=3);
        let mut repeats = 0.0;
        for _ in 0..years {
            let ability: f64 = rng.random_range(4.0..17.0);
            let truant = rng.random_bool((0.05 + (11.0 - ability).max(0.0) * 0.03).min(0.5));
            let absence = if truant {
                rng.random_range(10.0..60.0)
            } else {
                rng.random_range(0.0..8.0)
            };
            let p1 = (ability + rng.random_range(-2.0..2.0) - absence / 30.0).clamp(0.0, 20.0);
            let drift: f64 = rng.random_range(-1.5..1.5);
            let p2 = (p1 + drift + rng.random_range(-1.0..1.0)).clamp(0.0, 20.0);
            let annual = (p1 + p2 + p2 + drift) / 3.0;
            let passed = if annual + rng.random_range(-0.8..0.8) >= 10.0 {
                1.0
            } else {
                0.0
            };
            for stage in 1..=2 {
                let last = if stage == 1 { p1 } else { p2 };
                let miss = |rng: &mut rand_chacha::ChaCha8Rng, v: f64| {
                    if rng.random_bool(0.03) { f64::NAN } else { v }
                };
                let (lit, sci, age) = (
                    last + rng.random_range(-1.5..1.5),
                    last + rng.random_range(-1.5..1.5),
                    repeats + rng.random_range(-0.8..0.8),
                );
                let row = vec![
                    stage as f64,
                    p1,
                    rng.random_range(0.0..1.0f64).min(1.0 - p1 / 20.0 + 0.1),
                    last,
                    if stage == 1 { f64::NAN } else { p2 - p1 },
                    miss(&mut rng, lit),
                    miss(&mut rng, sci),
                    absence * stage as f64 / 2.0,
                    rng.random_range(0.0..6.0),
                    rng.random_range(0.0..5.0f64).floor(),
                    (absence / 15.0).floor(),
                    repeats,
                    miss(&mut rng, age),
                ];
                d.x.push(row);
                d.y.push(passed);
                d.groups.push(student);
            }
            if passed == 0.0 {
                repeats += 1.0;
            }
        }
    }
    d.x.truncate(rows);
    d.y.truncate(rows);
    d.groups.truncate(rows);
    d
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("{:.2}", a / b)
    } else {
        "—".into()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    // 1. Training.
    let data = synthetic(n, 7);
    let all: Vec<usize> = (0..data.rows()).collect();
    let t = Instant::now();
    let one = ml::Model::fit(Algorithm::Boosted, &data, &all, 1).map_err(anyhow::Error::msg)?;
    let one_fit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let trained =
        ml::train(&data, &Algorithm::ALL, 5, 1, &mut |_, _| {}).map_err(anyhow::Error::msg)?;
    let train = t.elapsed().as_secs_f64();
    println!(
        "training on {} student-years ({} students): {train:.2} s (budget 30 s: {}), one boosted fit {one_fit:.2} s, ratio {}",
        data.rows(),
        {
            let mut g = data.groups.clone();
            g.dedup();
            g.len()
        },
        if train < 30.0 { "met" } else { "MISSED" },
        ratio(train, one_fit)
    );
    for e in &trained.evaluations {
        println!(
            "  {:<22} accuracy {:.3}  balanced {:.3}  AUC {:.3}",
            e.model, e.accuracy, e.balanced_accuracy, e.auc
        );
    }
    drop(one);

    // 2 and 3: the demo school.
    let dir = tempfile::tempdir()?;
    #[cfg(not(feature = "postgres"))]
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    #[cfg(feature = "postgres")]
    let url = std::env::var("SUKU_BENCH_PG_URL")?;
    let _ = &dir;
    let pool = suku::db::connect(&url, 8).await?;
    suku::db::migrate(&pool).await?;
    suku::demo::generate(&pool).await?;
    let now = chrono::Utc::now();
    let t = Instant::now();
    let (done, total) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let id = suku::prediction::train::train_and_store(pool.clone(), None, now, done, total)
        .await?
        .map_err(anyhow::Error::msg)?;
    let demo_train = t.elapsed().as_secs_f64();
    let config = suku::config::Config::new(url.clone());
    let state = suku::app::AppState::new(pool.clone(), config)?;
    let t = Instant::now();
    let predicted = suku::prediction::predict::predict_current(&state, now).await?;
    let predict = t.elapsed().as_secs_f64();
    let (_, json): (i64, String) =
        sqlx::query_as("SELECT id, model FROM prediction_models WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await?;
    let model: ml::Trained = serde_json::from_str(&json)?;
    let x: Vec<Vec<f64>> = data.x.iter().take(predicted).cloned().collect();
    let t = Instant::now();
    let p = model.predict(&x);
    let c = model.model.contributions(&x);
    let alone = t.elapsed().as_secs_f64();
    assert_eq!(p.len(), c.len());
    println!(
        "predicting the demo school's {predicted} students: {predict:.3} s (budget 1 s: {}), the model alone on as many rows {alone:.4} s, ratio {}",
        if predict < 1.0 { "met" } else { "MISSED" },
        ratio(predict, alone)
    );
    println!("training on the demo's history (records read, 5-fold CV, fit): {demo_train:.1} s");
    let (summary,): (String,) =
        sqlx::query_as("SELECT summary FROM prediction_models WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await?;
    let s: suku::prediction::train::Summary = serde_json::from_str(&summary)?;
    let hand = s
        .handmade
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no hand-made index"))?;
    println!(
        "quality on the demo's {} past years ({} rows), against the hand-made index:",
        s.years.len(),
        hand.rows
    );
    for e in s
        .evaluations
        .iter()
        .chain(s.baseline.iter())
        .chain(std::iter::once(&hand))
    {
        println!(
            "  {:<22} accuracy {:.3} (×{})  balanced {:.3} (×{})  AUC {:.3} (×{})",
            e.model,
            e.accuracy,
            ratio(e.accuracy, hand.accuracy),
            e.balanced_accuracy,
            ratio(e.balanced_accuracy, hand.balanced_accuracy),
            e.auc,
            ratio(e.auc, hand.auc)
        );
    }
    Ok(())
}
