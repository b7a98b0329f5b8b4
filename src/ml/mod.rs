//! The machine-learning core of the portal: predicting whether a student will pass, and why.
//!
//! Two models are offered behind one [`Model`] type: a regularised logistic regression
//! (simple, stable, easy to explain) and gradient-boosted trees (which catch thresholds and
//! interactions). [`train`] cross-validates each of them against the majority baseline, keeps
//! the best, fits it on every row and calibrates its probabilities (Platt scaling) on its own
//! out-of-fold predictions, so that "70 %" means 70 %. [`reasons`] turns a prediction's
//! per-feature contributions into the few factors that push a student toward failure.
//!
//! Everything is deterministic given the seed, and nothing here prints or panics on bad input:
//! problems come back as `Err`.

pub mod boosted;
pub mod cli;
pub mod cv;
pub mod dataset;
pub mod logistic;
pub mod metrics;

#[cfg(test)]
mod tests;

pub use dataset::{Dataset, Feature, Kind, TableError, TableErrorKind, from_table};

use logistic::sigmoid;
use serde::{Deserialize, Serialize};

/// The learning algorithms available.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// Regularised logistic regression ([`logistic::Logistic`]).
    Logistic,
    /// Gradient-boosted trees ([`boosted::Boosted`]).
    Boosted,
}

impl Algorithm {
    /// Every algorithm, simplest first.
    pub const ALL: [Algorithm; 2] = [Algorithm::Logistic, Algorithm::Boosted];

    /// The algorithm's stable name, as used in reports and saved models.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Logistic => "logistic_regression",
            Algorithm::Boosted => "gradient_boosting",
        }
    }

    /// The algorithm with the given name (trimmed, case-insensitive), if any.
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
    }
}

/// A fitted model of either kind.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Model {
    /// A logistic regression.
    Logistic(logistic::Logistic),
    /// A gradient-boosted tree ensemble.
    Boosted(boosted::Boosted),
}

impl Model {
    /// Fits the algorithm on the given rows of `data` with the default settings
    /// ([`logistic::LAMBDA`], [`boosted::BUDGET`]).
    pub fn fit(alg: Algorithm, data: &Dataset, rows: &[usize], seed: u64) -> Result<Model, String> {
        match alg {
            Algorithm::Logistic => {
                logistic::Logistic::fit(data, rows, logistic::LAMBDA).map(Model::Logistic)
            }
            Algorithm::Boosted => {
                boosted::Boosted::fit(data, rows, boosted::BUDGET, seed).map(Model::Boosted)
            }
        }
    }

    /// The algorithm the model was fitted with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Model::Logistic(_) => Algorithm::Logistic,
            Model::Boosted(_) => Algorithm::Boosted,
        }
    }

    /// The raw (uncalibrated) probability that y = 1 for each row.
    pub fn predict(&self, x: &[Vec<f64>]) -> Vec<f64> {
        match self {
            Model::Logistic(m) => x.iter().map(|row| m.predict(row)).collect(),
            Model::Boosted(m) => m.predict_many(x),
        }
    }

    /// For each row, one value per feature: how much it pushes the prediction toward y = 1,
    /// in log-odds (negative = toward failure).
    pub fn contributions(&self, x: &[Vec<f64>]) -> Vec<Vec<f64>> {
        match self {
            Model::Logistic(m) => x.iter().map(|row| m.contributions(row)).collect(),
            Model::Boosted(m) => m.contributions_many(x),
        }
    }
}

/// Platt scaling: p' = sigmoid(a * logit(p) + b), fitted on out-of-fold predictions (clamp p to [1e-6, 1-1e-6]); small L2 on a-1 and b for stability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// The slope on the logit of the raw probability (below 1 tempers overconfidence).
    pub a: f64,
    /// The shift of the logit.
    pub b: f64,
}

/// The L2 penalty pulling Platt's `a` toward 1 and `b` toward 0.
const PLATT_PENALTY: f64 = 1.0;

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

impl Platt {
    /// The calibration that changes nothing (beyond clamping p to [1e-6, 1 - 1e-6]).
    pub const IDENTITY: Platt = Platt { a: 1.0, b: 0.0 };

    /// Fits the scaling by penalised maximum likelihood (Newton's method) on predictions `p`
    /// and labels `y` (pairs with a NaN prediction are skipped). Returns [`Platt::IDENTITY`]
    /// when there is nothing to fit.
    pub fn fit(p: &[f64], y: &[f64]) -> Platt {
        let pairs: Vec<(f64, f64)> = p
            .iter()
            .zip(y)
            .filter(|(pi, _)| !pi.is_nan())
            .map(|(&pi, &yi)| (logit(pi), if yi == 1.0 { 1.0 } else { 0.0 }))
            .collect();
        if pairs.is_empty() {
            return Platt::IDENTITY;
        }
        let (mut a, mut b) = (1.0, 0.0);
        let loss = |a: f64, b: f64| -> f64 {
            let nll: f64 = pairs
                .iter()
                .map(|&(z, t)| {
                    let eta = a * z + b;
                    let softplus = if eta > 0.0 {
                        eta + (-eta).exp().ln_1p()
                    } else {
                        eta.exp().ln_1p()
                    };
                    softplus - t * eta
                })
                .sum();
            nll + 0.5 * PLATT_PENALTY * ((a - 1.0).powi(2) + b * b)
        };
        let mut current = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb) = (PLATT_PENALTY * (a - 1.0), PLATT_PENALTY * b);
            let (mut haa, mut hab, mut hbb) = (PLATT_PENALTY, 0.0, PLATT_PENALTY);
            for &(z, t) in &pairs {
                let mu = sigmoid(a * z + b);
                let w = mu * (1.0 - mu);
                ga += (mu - t) * z;
                gb += mu - t;
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            if !(det.is_finite() && det > 1e-12) {
                break;
            }
            let da = (hbb * ga - hab * gb) / det;
            let db = (haa * gb - hab * ga) / det;
            let mut scale = 1.0;
            let mut improved = false;
            for _ in 0..30 {
                let (na, nb) = (a - scale * da, b - scale * db);
                let value = loss(na, nb);
                if value.is_finite() && value <= current {
                    (a, b, current) = (na, nb, value);
                    improved = true;
                    break;
                }
                scale *= 0.5;
            }
            if !improved || (scale * da).abs().max((scale * db).abs()) < 1e-10 {
                break;
            }
        }
        if a.is_finite() && b.is_finite() {
            Platt { a, b }
        } else {
            Platt::IDENTITY
        }
    }

    /// The calibrated probability for a raw probability `p` (NaN stays NaN).
    pub fn apply(&self, p: f64) -> f64 {
        if p.is_nan() {
            return p;
        }
        sigmoid(self.a * logit(p) + self.b)
    }
}

/// The features pushing this row most toward y = 0 (failure): (feature index, contribution), most negative first, only negative ones, at most `k`.
pub fn reasons(contributions: &[f64], k: usize) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = contributions
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, c)| c < 0.0 && c.is_finite())
        .collect();
    out.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    out.truncate(k);
    out
}

/// A trained, chosen model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Trained {
    /// The features the model expects, in order.
    pub features: Vec<Feature>,
    /// The chosen model, fitted on every row.
    pub model: Model,
    /// The calibration of the model's probabilities.
    pub calibration: Platt,
    /// The cross-validated performance of every algorithm tried.
    pub evaluations: Vec<cv::Evaluation>,
    /// The cross-validated performance of the majority baseline.
    pub baseline: cv::Evaluation,
}

impl Trained {
    /// The evaluation of the chosen model (the baseline's if it cannot be found).
    pub fn chosen(&self) -> &cv::Evaluation {
        let name = self.model.algorithm().name();
        self.evaluations
            .iter()
            .find(|e| e.model == name)
            .unwrap_or(&self.baseline)
    }

    /// The calibrated probability that y = 1 (passing) for each row.
    pub fn predict(&self, x: &[Vec<f64>]) -> Vec<f64> {
        self.model
            .predict(x)
            .into_iter()
            .map(|p| self.calibration.apply(p))
            .collect()
    }
}

/// Cross-validates each algorithm (and the majority baseline), picks the best by AUC then balanced accuracy, fits it on every row, calibrates it on its own out-of-fold predictions. progress(done, total) is called after each fold fit (total = algorithms.len()*k + 1).
///
/// `k` is clamped as in [`cv::group_folds`] and `total` uses the clamped value; an algorithm
/// listed twice is tried once. Fails if the data set is inconsistent, holds one outcome only,
/// or some fold's training rows hold one outcome only (too few of the rarer outcome).
pub fn train(
    data: &Dataset,
    algorithms: &[Algorithm],
    k: usize,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Trained, String> {
    data.check()?;
    let mut algs: Vec<Algorithm> = Vec::new();
    for &a in algorithms {
        if !algs.contains(&a) {
            algs.push(a);
        }
    }
    if algs.is_empty() {
        return Err("no algorithm to train".to_string());
    }
    let passed = data.y.iter().filter(|&&v| v == 1.0).count();
    if passed == 0 || passed == data.rows() {
        return Err("every row has the same outcome: there is nothing to learn".to_string());
    }
    let folds = cv::group_folds(&data.groups, k, seed)?;
    let k = folds.iter().max().map_or(0, |m| m + 1);
    for f in 0..k {
        let train_pass = folds
            .iter()
            .zip(&data.y)
            .filter(|&(&fold, &y)| fold != f && y == 1.0)
            .count();
        let train_rows = folds.iter().filter(|&&fold| fold != f).count();
        if train_pass == 0 || train_pass == train_rows {
            return Err(format!(
                "too few rows of the rarer outcome to cross-validate with {k} folds"
            ));
        }
    }
    let total = algs.len() * k + 1;
    let mut done = 0;
    let mut tick = || {
        done += 1;
        progress(done, total);
    };
    let mut evaluations = Vec::with_capacity(algs.len());
    for &alg in &algs {
        evaluations.push(cv::cross_validate(alg, data, &folds, seed, &mut tick)?);
    }
    let baseline = cv::majority(data, &folds);
    let best = algs
        .iter()
        .zip(&evaluations)
        .reduce(|best, next| {
            let better = next.1.auc.total_cmp(&best.1.auc).then(
                next.1
                    .balanced_accuracy
                    .total_cmp(&best.1.balanced_accuracy),
            );
            if better.is_gt() { next } else { best }
        })
        .map(|(&alg, e)| (alg, Platt::fit(&e.oof, &data.y)));
    let Some((alg, calibration)) = best else {
        return Err("no algorithm to train".to_string());
    };
    let all: Vec<usize> = (0..data.rows()).collect();
    let model = Model::fit(alg, data, &all, seed)?;
    tick();
    Ok(Trained {
        features: data.features.clone(),
        model,
        calibration,
        evaluations,
        baseline,
    })
}
