//! A small regularised logistic regression, written here so that the simplest model has no
//! dependency and every number it produces can be explained.
//!
//! Numeric features are standardised with the training rows' mean and standard deviation, and
//! missing values are replaced by that mean (0 after standardising). Categorical features are
//! one-hot encoded, each indicator centred by its training frequency, so a missing category also
//! contributes 0. The weights carry an L2 penalty (the intercept does not) and are fitted by
//! Newton–Raphson (IRLS), solving the small linear system with a Cholesky factorisation.
//! Because every design column is centred, a feature's contribution to a prediction is its
//! term of the linear predictor relative to the training average.

use super::dataset::{Dataset, Kind, level_index};
use serde::{Deserialize, Serialize};

/// The default L2 penalty on the weights.
pub const LAMBDA: f64 = 1.0;

const MAX_ITERATIONS: usize = 50;
const TOLERANCE: f64 = 1e-8;

/// How one design column is computed from an original feature.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Column {
    /// (value - mean) / sd; missing = 0.
    Numeric { feature: usize, mean: f64, sd: f64 },
    /// 1{value == level} - freq; missing or unknown = 0.
    Level {
        feature: usize,
        level: usize,
        levels: usize,
        freq: f64,
    },
}

impl Column {
    fn feature(&self) -> usize {
        match self {
            Column::Numeric { feature, .. } | Column::Level { feature, .. } => *feature,
        }
    }

    fn value(&self, x: &[f64]) -> f64 {
        let v = x.get(self.feature()).copied().unwrap_or(f64::NAN);
        match *self {
            Column::Numeric { mean, sd, .. } if v.is_finite() => (v - mean) / sd,
            Column::Numeric { .. } => 0.0,
            Column::Level {
                level,
                levels,
                freq,
                ..
            } => match level_index(v, levels) {
                Some(l) if l == level => 1.0 - freq,
                Some(_) => -freq,
                None => 0.0,
            },
        }
    }
}

/// A fitted logistic regression: P(y = 1) = sigmoid(intercept + sum of weight × design value).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Logistic {
    columns: Vec<Column>,
    weights: Vec<f64>,
    intercept: f64,
    features: usize,
}

impl Logistic {
    /// Fits the model on the given rows of `data` with L2 penalty `lambda` on the weights.
    /// Fails if the data set is inconsistent, `rows` is empty or out of range, or the system
    /// cannot be solved.
    pub fn fit(data: &Dataset, rows: &[usize], lambda: f64) -> Result<Logistic, String> {
        data.check()?;
        if rows.is_empty() {
            return Err("no training rows".to_string());
        }
        if rows.iter().any(|&r| r >= data.rows()) {
            return Err("a training row is out of range".to_string());
        }
        let lambda = if lambda.is_finite() {
            lambda.max(0.0)
        } else {
            LAMBDA
        };
        let columns = design_columns(data, rows);
        let design: Vec<Vec<f64>> = rows
            .iter()
            .map(|&r| {
                let x = data.x.get(r).map_or(&[][..], Vec::as_slice);
                let mut z = Vec::with_capacity(columns.len() + 1);
                z.push(1.0);
                z.extend(columns.iter().map(|c| c.value(x)));
                z
            })
            .collect();
        let y: Vec<f64> = rows
            .iter()
            .map(|&r| data.y.get(r).copied().unwrap_or(0.0))
            .collect();
        let beta = irls(&design, &y, lambda)?;
        let intercept = beta.first().copied().unwrap_or(0.0);
        Ok(Logistic {
            weights: beta.get(1..).unwrap_or_default().to_vec(),
            columns,
            intercept,
            features: data.features.len(),
        })
    }

    /// The probability that y = 1 for one row of feature values (missing values may be NaN).
    pub fn predict(&self, x: &[f64]) -> f64 {
        sigmoid(self.intercept + self.contributions(x).iter().sum::<f64>())
    }

    /// One value per original feature: its term of the linear predictor relative to the
    /// training average, in log-odds toward y = 1 (one-hot columns summed back to their feature).
    pub fn contributions(&self, x: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.features];
        for (column, w) in self.columns.iter().zip(&self.weights) {
            if let Some(slot) = out.get_mut(column.feature()) {
                *slot += w * column.value(x);
            }
        }
        out
    }
}

/// The logistic function.
pub(crate) fn sigmoid(t: f64) -> f64 {
    1.0 / (1.0 + (-t).exp())
}

/// The design columns learned from the training rows; constant columns are left out.
fn design_columns(data: &Dataset, rows: &[usize]) -> Vec<Column> {
    let mut columns = Vec::new();
    for (f, feature) in data.features.iter().enumerate() {
        let values: Vec<f64> = rows
            .iter()
            .filter_map(|&r| data.x.get(r).and_then(|x| x.get(f)).copied())
            .filter(|v| !v.is_nan())
            .collect();
        let n = values.len() as f64;
        if values.is_empty() {
            continue;
        }
        match &feature.kind {
            Kind::Numeric => {
                let mean = values.iter().sum::<f64>() / n;
                let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
                let sd = var.sqrt();
                if sd > 1e-12 && sd.is_finite() {
                    columns.push(Column::Numeric {
                        feature: f,
                        mean,
                        sd,
                    });
                }
            }
            Kind::Categorical { levels } => {
                let mut counts = vec![0usize; levels.len()];
                for v in &values {
                    if let Some(slot) =
                        level_index(*v, levels.len()).and_then(|l| counts.get_mut(l))
                    {
                        *slot += 1;
                    }
                }
                for (level, &count) in counts.iter().enumerate() {
                    if count > 0 && count < values.len() {
                        columns.push(Column::Level {
                            feature: f,
                            level,
                            levels: levels.len(),
                            freq: count as f64 / n,
                        });
                    }
                }
            }
        }
    }
    columns
}

/// The penalised log-likelihood (to be maximised).
fn objective(design: &[Vec<f64>], y: &[f64], beta: &[f64], lambda: f64) -> f64 {
    let mut ll = 0.0;
    for (z, &t) in design.iter().zip(y) {
        let eta: f64 = z.iter().zip(beta).map(|(a, b)| a * b).sum();
        // log(1 + e^eta) computed stably.
        let softplus = if eta > 0.0 {
            eta + (-eta).exp().ln_1p()
        } else {
            eta.exp().ln_1p()
        };
        ll += t * eta - softplus;
    }
    let penalty: f64 = beta.iter().skip(1).map(|b| b * b).sum();
    ll - 0.5 * lambda * penalty
}

/// Newton–Raphson on the penalised log-likelihood, with step halving when a step makes it worse.
fn irls(design: &[Vec<f64>], y: &[f64], lambda: f64) -> Result<Vec<f64>, String> {
    let p = design.first().map_or(1, Vec::len);
    let mut beta = vec![0.0; p];
    let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
    let mean = mean.clamp(1e-6, 1.0 - 1e-6);
    if let Some(b0) = beta.first_mut() {
        *b0 = (mean / (1.0 - mean)).ln();
    }
    let mut current = objective(design, y, &beta, lambda);
    for _ in 0..MAX_ITERATIONS {
        let mut grad = vec![0.0; p];
        let mut hess = vec![vec![0.0; p]; p];
        for (z, &t) in design.iter().zip(y) {
            let eta: f64 = z.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = sigmoid(eta);
            let w = (mu * (1.0 - mu)).max(1e-10);
            for (i, &zi) in z.iter().enumerate() {
                if let Some(g) = grad.get_mut(i) {
                    *g += (t - mu) * zi;
                }
                if let Some(row) = hess.get_mut(i) {
                    for (h, &zj) in row.iter_mut().zip(z).take(i + 1) {
                        *h += w * zi * zj;
                    }
                }
            }
        }
        for i in 1..p {
            if let (Some(g), Some(b)) = (grad.get_mut(i), beta.get(i)) {
                *g -= lambda * b;
            }
            if let Some(h) = hess.get_mut(i).and_then(|row| row.get_mut(i)) {
                *h += lambda;
            }
        }
        let step = solve_spd(&hess, &grad)?;
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..20 {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + scale * s).collect();
            let value = objective(design, y, &trial, lambda);
            if value.is_finite() && value >= current - 1e-12 * current.abs().max(1.0) {
                beta = trial;
                current = value;
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        let change = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        if !accepted || change < TOLERANCE {
            break;
        }
    }
    if beta.iter().all(|b| b.is_finite()) {
        Ok(beta)
    } else {
        Err("logistic regression did not converge".to_string())
    }
}

/// Solves H x = g for a symmetric matrix given by its lower triangle, by Cholesky. If H is not
/// positive definite, a growing multiple of its mean diagonal is added until it is.
fn solve_spd(h: &[Vec<f64>], g: &[f64]) -> Result<Vec<f64>, String> {
    let p = g.len();
    let at = |i: usize, j: usize| h.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0);
    let mean_diag = ((0..p).map(|i| at(i, i).abs()).sum::<f64>() / p.max(1) as f64).max(1e-12);
    let mut jitter = 0.0;
    for _ in 0..12 {
        if let Some(x) = cholesky_solve(p, &at, jitter, g) {
            return Ok(x);
        }
        jitter = if jitter == 0.0 {
            1e-10 * mean_diag
        } else {
            jitter * 100.0
        };
    }
    Err("the logistic regression system is singular".to_string())
}

/// Cholesky factorisation of (H + jitter I) followed by forward and back substitution.
fn cholesky_solve(
    p: usize,
    at: &dyn Fn(usize, usize) -> f64,
    jitter: f64,
    g: &[f64],
) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let mut sum = at(i, j) + if i == j { jitter } else { 0.0 };
            for k in 0..j {
                sum -= l.get(i * p + k)? * l.get(j * p + k)?;
            }
            if i == j {
                if !(sum > 0.0 && sum.is_finite()) {
                    return None;
                }
                *l.get_mut(i * p + i)? = sum.sqrt();
            } else {
                *l.get_mut(i * p + j)? = sum / l.get(j * p + j)?;
            }
        }
    }
    let mut z = vec![0.0; p];
    for i in 0..p {
        let mut sum = *g.get(i)?;
        for k in 0..i {
            sum -= l.get(i * p + k)? * z.get(k)?;
        }
        *z.get_mut(i)? = sum / l.get(i * p + i)?;
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let mut sum = *z.get(i)?;
        for k in i + 1..p {
            sum -= l.get(k * p + i)? * x.get(k)?;
        }
        *x.get_mut(i)? = sum / l.get(i * p + i)?;
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}
