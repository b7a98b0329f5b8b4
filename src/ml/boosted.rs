//! Gradient-boosted decision trees, using the `perpetual` crate.
//!
//! Trees catch what the logistic regression cannot: thresholds ("below 8 the risk jumps") and
//! interactions. Perpetual needs no hyperparameter search: one `budget` controls how much it
//! learns, and it stops by itself when more trees stop helping.
//!
//! Notes on how perpetual 3.0.0-rc.2 is used here:
//! - Categorical features are ONE-HOT encoded (one 0/1 column per level, all NaN when the value
//!   is missing or unknown) rather than passed with `set_categorical_features`. Perpetual's
//!   native categorical support reads a value by casting it to `u16` (so it must be a whole
//!   number in 0..65,536, which our level indices are), but in this release it degenerates:
//!   on a 16,000-row test it grew trees of 9,999 nodes (its node cap) made of thousands of
//!   repeated splits on one 5-level feature, and one fit took 10–20 s instead of 1–2 s. The
//!   contributions of a feature's one-hot columns are summed back to the feature.
//! - Perpetual by default re-weights the classes of an imbalanced binary target
//!   (`auto_class_weights`, when one class is 2.5 times the other). That would bend its
//!   probabilities away from the observed pass rate, so it is switched off: the models are
//!   compared on honest probabilities and the chosen one is calibrated afterwards anyway.
//! - Perpetual keeps growing trees after its best iteration and then truncates to the best
//!   one, so most of its time can go into trees it throws away. A cap of [`ITERATION_LIMIT`]
//!   rounds and [`MAX_BIN`] histogram bins keep a fit on 16,000 rows × 20 features near 1.5 s
//!   on two cores with no measurable loss of AUC. (A wall-clock `timeout` is not used: it would
//!   make results depend on machine load.)
//! - `Matrix::new` takes the data column by column (column-major).

use super::dataset::{Dataset, Kind, level_index};
use perpetual::objective::Objective;
use perpetual::{ContributionsMethod, Matrix, PerpetualBooster};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The default perpetual budget: higher learns more (and takes longer). With the iteration
/// cap below, 1.0 was as fast as 0.5 and at least as accurate on synthetic school data.
pub const BUDGET: f32 = 1.0;

/// The most boosting rounds perpetual may run.
pub const ITERATION_LIMIT: usize = 30;

/// The number of histogram bins per numeric feature (perpetual's default is 256).
pub const MAX_BIN: u16 = 64;

/// A fitted gradient-boosted tree ensemble for P(y = 1).
#[derive(Clone, Serialize, Deserialize)]
pub struct Boosted {
    /// Boxed so that [`super::Model`]'s variants stay of similar size (the booster is large).
    booster: Box<PerpetualBooster>,
    cols: usize,
    /// For each feature, the number of levels if it is categorical (one-hot encoded).
    levels: Vec<Option<usize>>,
}

impl fmt::Debug for Boosted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Boosted")
            .field("cols", &self.cols)
            .field("trees", &self.booster.get_prediction_trees().len())
            .field("budget", &self.booster.cfg.budget)
            .finish()
    }
}

impl Boosted {
    /// Fits the ensemble on the given rows of `data` with the given perpetual `budget` and
    /// random `seed`. Fails if the data set is inconsistent, `rows` is empty or out of range,
    /// the training rows hold only one outcome, or perpetual reports an error.
    pub fn fit(data: &Dataset, rows: &[usize], budget: f32, seed: u64) -> Result<Boosted, String> {
        data.check()?;
        if rows.is_empty() {
            return Err("no training rows".to_string());
        }
        if rows.iter().any(|&r| r >= data.rows()) {
            return Err("a training row is out of range".to_string());
        }
        let y: Vec<f64> = rows
            .iter()
            .map(|&r| data.y.get(r).copied().unwrap_or(0.0))
            .collect();
        if y.iter().all(|&v| v == 1.0) || y.iter().all(|&v| v == 0.0) {
            return Err("the training rows hold only one outcome".to_string());
        }
        if !(budget.is_finite() && budget > 0.0) {
            return Err(format!("invalid budget {budget}"));
        }
        let levels: Vec<Option<usize>> = data
            .features
            .iter()
            .map(|f| match &f.kind {
                Kind::Numeric => None,
                Kind::Categorical { levels } => Some(levels.len()),
            })
            .collect();
        let mut model = Boosted {
            booster: Box::default(),
            cols: data.features.len(),
            levels,
        };
        if model.width() == 0 {
            return Err("no feature to learn from".to_string());
        }
        let x: Vec<&Vec<f64>> = rows.iter().filter_map(|&r| data.x.get(r)).collect();
        let matrix_data = model.column_major(&x);
        let matrix = Matrix::new(&matrix_data, x.len(), model.width());
        let mut booster = PerpetualBooster::default()
            .set_objective(Objective::LogLoss)
            .set_budget(budget)
            .set_max_bin(MAX_BIN)
            .set_iteration_limit(Some(ITERATION_LIMIT))
            .set_missing(f64::NAN)
            .set_num_threads(None)
            .set_seed(seed);
        booster.cfg.auto_class_weights = false;
        booster
            .fit(&matrix, &y, None, None)
            .map_err(|e| format!("gradient boosting failed: {e}"))?;
        model.booster = Box::new(booster);
        Ok(model)
    }

    /// The probability that y = 1 for each row (perpetual's own, uncalibrated probabilities).
    pub fn predict_many(&self, x: &[Vec<f64>]) -> Vec<f64> {
        if x.is_empty() {
            return Vec::new();
        }
        let rows: Vec<&Vec<f64>> = x.iter().collect();
        let data = self.column_major(&rows);
        let matrix = Matrix::new(&data, rows.len(), self.width());
        self.booster.predict_proba(&matrix, true, false)
    }

    /// For each row, one value per feature: how much it moves the prediction, in log-odds toward
    /// y = 1 (perpetual's "Average" contributions, with the bias term dropped).
    pub fn contributions_many(&self, x: &[Vec<f64>]) -> Vec<Vec<f64>> {
        if x.is_empty() {
            return Vec::new();
        }
        let rows: Vec<&Vec<f64>> = x.iter().collect();
        let data = self.column_major(&rows);
        let width = self.width();
        let matrix = Matrix::new(&data, rows.len(), width);
        let flat = self
            .booster
            .predict_contributions(&matrix, ContributionsMethod::Average, true);
        let mut out: Vec<Vec<f64>> = flat
            .chunks(width + 1)
            .map(|encoded| {
                let mut start = 0;
                (0..self.cols)
                    .map(|f| {
                        let n = self.encoded_width(f);
                        let sum = encoded
                            .get(start..start + n)
                            .map_or(0.0, |c| c.iter().sum());
                        start += n;
                        sum
                    })
                    .collect()
            })
            .collect();
        out.resize(rows.len(), vec![0.0; self.cols]);
        out
    }

    /// The number of encoded columns of feature `f` (its levels if categorical, else 1).
    fn encoded_width(&self, f: usize) -> usize {
        self.levels.get(f).copied().flatten().unwrap_or(1)
    }

    /// The number of columns of the encoded matrix.
    fn width(&self) -> usize {
        (0..self.cols).map(|f| self.encoded_width(f)).sum()
    }

    /// The rows laid out column by column: numeric values as they are (non-finite or absent =
    /// missing), categorical values one-hot encoded (missing or unknown = NaN in every column).
    fn column_major(&self, rows: &[&Vec<f64>]) -> Vec<f64> {
        let mut data = Vec::with_capacity(rows.len() * self.width());
        for f in 0..self.cols {
            let value = |row: &&Vec<f64>| row.get(f).copied().unwrap_or(f64::NAN);
            match self.levels.get(f).copied().flatten() {
                None => data.extend(rows.iter().map(|row| {
                    let v = value(row);
                    if v.is_finite() { v } else { f64::NAN }
                })),
                Some(n) => {
                    for level in 0..n {
                        data.extend(rows.iter().map(|row| match level_index(value(row), n) {
                            Some(l) if l == level => 1.0,
                            Some(_) => 0.0,
                            None => f64::NAN,
                        }));
                    }
                }
            }
        }
        data
    }
}
