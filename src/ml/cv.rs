//! Cross-validation: an honest estimate of how well a model predicts students it has not seen.
//!
//! The rows are split into k folds; each fold is predicted by a model trained on the other
//! folds only, giving one out-of-fold prediction per row. A student has one row per school year,
//! and his years are alike, so all the rows of a group (person) go to the same fold: otherwise
//! the model would be tested on students it already knows and look better than it is.
//! The majority baseline (always predict the training folds' pass rate) shows what a model
//! must beat to be of any use.

use super::dataset::Dataset;
use super::metrics;
use super::{Algorithm, Model};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The name of the majority baseline in an [`Evaluation`].
pub const BASELINE: &str = "majority_baseline";

/// The fold (0..k) of each row; every row of a group in the same fold; groups shuffled with the seed then each
/// given to the fold with the fewest rows so far (largest groups first after the shuffle is fine too). k is
/// clamped to the number of groups and to >= 2. Errors if fewer than 2 groups.
pub fn group_folds(groups: &[u64], k: usize, seed: u64) -> Result<Vec<usize>, String> {
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut sizes: Vec<(u64, usize)> = Vec::new();
    for &g in groups {
        let next = sizes.len();
        let i = *index.entry(g).or_insert(next);
        if i == next {
            sizes.push((g, 0));
        }
        if let Some(slot) = sizes.get_mut(i) {
            slot.1 += 1;
        }
    }
    if sizes.len() < 2 {
        return Err(format!(
            "cross-validation needs at least 2 people (groups), found {}",
            sizes.len()
        ));
    }
    let k = k.max(2).min(sizes.len());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    sizes.shuffle(&mut rng);
    // Stable sort: equal-sized groups keep their shuffled order.
    sizes.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut fold_rows = vec![0usize; k];
    let mut fold_of: HashMap<u64, usize> = HashMap::with_capacity(sizes.len());
    for (g, size) in sizes {
        let (fold, _) = fold_rows
            .iter()
            .enumerate()
            .min_by_key(|&(f, &rows)| (rows, f))
            .unwrap_or((0, &0));
        if let Some(rows) = fold_rows.get_mut(fold) {
            *rows += size;
        }
        fold_of.insert(g, fold);
    }
    Ok(groups
        .iter()
        .map(|g| fold_of.get(g).copied().unwrap_or(0))
        .collect())
}

/// The cross-validated performance of one model (or of the majority baseline).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The algorithm's name (see [`Algorithm::name`]) or "majority_baseline".
    pub model: String,
    /// The share of rows predicted correctly at threshold 0.5.
    pub accuracy: f64,
    /// The mean of the pass and fail detection rates at threshold 0.5.
    pub balanced_accuracy: f64,
    /// The area under the ROC curve.
    pub auc: f64,
    /// The number of rows evaluated.
    pub rows: usize,
    /// The number of folds.
    pub folds: usize,
    /// Counts of rows as `[actual][predicted]`, index 1 = y = 1.
    pub confusion: [[u64; 2]; 2],
    /// The reliability table of the out-of-fold predictions.
    pub reliability: Vec<metrics::Bin>,
    /// The out-of-fold probability of y = 1 for each row (not saved).
    #[serde(skip)]
    pub oof: Vec<f64>,
}

impl Evaluation {
    /// Computes every measure from out-of-fold predictions.
    pub fn from_predictions(model: &str, oof: Vec<f64>, y: &[f64], folds: usize) -> Evaluation {
        Evaluation {
            model: model.to_string(),
            accuracy: metrics::accuracy(&oof, y),
            balanced_accuracy: metrics::balanced_accuracy(&oof, y),
            auc: metrics::auc(&oof, y),
            rows: oof.len().min(y.len()),
            folds,
            confusion: metrics::confusion(&oof, y),
            reliability: metrics::reliability(&oof, y),
            oof,
        }
    }
}

/// The number of folds in a fold assignment, checked against the data set.
fn fold_count(data: &Dataset, folds: &[usize]) -> Result<usize, String> {
    if folds.len() != data.rows() {
        return Err(format!(
            "{} fold numbers for {} rows",
            folds.len(),
            data.rows()
        ));
    }
    Ok(folds.iter().max().map_or(0, |m| m + 1))
}

/// Cross-validates one algorithm: for each fold f, fits on the rows not in f and predicts the
/// rows in f. `progress` is called after each fold's fit.
pub fn cross_validate(
    alg: Algorithm,
    data: &Dataset,
    folds: &[usize],
    seed: u64,
    progress: &mut dyn FnMut(),
) -> Result<Evaluation, String> {
    data.check()?;
    let k = fold_count(data, folds)?;
    let mut oof = vec![f64::NAN; data.rows()];
    for f in 0..k {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..data.rows()).partition(|&r| folds.get(r) == Some(&f));
        if test.is_empty() {
            continue;
        }
        let model = Model::fit(alg, data, &train, seed)?;
        progress();
        let x: Vec<Vec<f64>> = test
            .iter()
            .filter_map(|&r| data.x.get(r).cloned())
            .collect();
        for (&r, p) in test.iter().zip(model.predict(&x)) {
            if let Some(slot) = oof.get_mut(r) {
                *slot = p;
            }
        }
    }
    Ok(Evaluation::from_predictions(alg.name(), oof, &data.y, k))
}

/// The majority baseline: predicts each test fold with the training folds' pass rate.
pub fn majority(data: &Dataset, folds: &[usize]) -> Evaluation {
    let n = data.rows().min(folds.len());
    let k = folds.iter().take(n).max().map_or(0, |m| m + 1);
    let mut oof = vec![0.5; n];
    for f in 0..k {
        let (mut passed, mut total) = (0.0, 0usize);
        for (&fold, &y) in folds.iter().zip(&data.y).take(n) {
            if fold != f {
                passed += y;
                total += 1;
            }
        }
        let rate = if total == 0 {
            0.5
        } else {
            passed / total as f64
        };
        for (slot, &fold) in oof.iter_mut().zip(folds) {
            if fold == f {
                *slot = rate;
            }
        }
    }
    Evaluation::from_predictions(BASELINE, oof, &data.y, k)
}
