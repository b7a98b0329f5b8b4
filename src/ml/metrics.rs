//! Measures of how good a set of predicted probabilities is, against the true 0/1 labels.
//!
//! Accuracy alone flatters a model when most students pass, so balanced accuracy (the mean of
//! the pass and fail detection rates) and AUC (how well the model ranks a failing student below
//! a passing one) are reported too, with the confusion matrix and a reliability table showing
//! whether "70 %" really means 70 %. All functions pair predictions and labels by position and
//! ignore any surplus when the lengths differ; a label is positive when it equals 1.0.

use serde::{Deserialize, Serialize};

/// The number of equal-width bins in a reliability table.
pub const BINS: usize = 10;

/// The probability at or above which a row is predicted positive (y = 1).
pub const THRESHOLD: f64 = 0.5;

fn positive(y: f64) -> bool {
    y == 1.0
}

/// Counts of rows as `[actual][predicted]`, index 1 = y = 1, predicting 1 when p >= 0.5.
pub fn confusion(p: &[f64], y: &[f64]) -> [[u64; 2]; 2] {
    let mut c = [[0u64; 2]; 2];
    for (&pi, &yi) in p.iter().zip(y) {
        let actual = usize::from(positive(yi));
        let predicted = usize::from(pi >= THRESHOLD);
        c[actual][predicted] += 1;
    }
    c
}

/// The share of rows predicted correctly at threshold 0.5 (0 when there are no rows).
pub fn accuracy(p: &[f64], y: &[f64]) -> f64 {
    let c = confusion(p, y);
    let total = c[0][0] + c[0][1] + c[1][0] + c[1][1];
    if total == 0 {
        0.0
    } else {
        (c[0][0] + c[1][1]) as f64 / total as f64
    }
}

/// The mean of the true positive rate and the true negative rate at threshold 0.5. When one
/// class is absent, the rate of the other is returned (0 when there are no rows).
pub fn balanced_accuracy(p: &[f64], y: &[f64]) -> f64 {
    let c = confusion(p, y);
    let negatives = c[0][0] + c[0][1];
    let positives = c[1][0] + c[1][1];
    let tnr = (negatives > 0).then(|| c[0][0] as f64 / negatives as f64);
    let tpr = (positives > 0).then(|| c[1][1] as f64 / positives as f64);
    match (tpr, tnr) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => 0.0,
    }
}

/// The area under the ROC curve, by the Mann–Whitney statistic with average ranks for tied
/// predictions: the chance that a random positive row is scored above a random negative one.
/// 0.5 when one class is absent.
pub fn auc(p: &[f64], y: &[f64]) -> f64 {
    let n = p.len().min(y.len());
    let mut order: Vec<usize> = (0..n).collect();
    let score = |i: usize| p.get(i).copied().unwrap_or(f64::NAN);
    order.sort_by(|&a, &b| score(a).total_cmp(&score(b)));
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let value = order.get(start).map_or(f64::NAN, |&i| score(i));
        let mut end = start + 1;
        while end < order.len()
            && order
                .get(end)
                .is_some_and(|&i| score(i).total_cmp(&value).is_eq())
        {
            end += 1;
        }
        // Ranks start..end (0-based) share the average 1-based rank.
        let average = (start + end + 1) as f64 / 2.0;
        let tied_positives = order
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(|&&i| y.get(i).copied().is_some_and(positive))
            .count();
        rank_sum += average * tied_positives as f64;
        start = end;
    }
    let n1 = y.iter().take(n).filter(|&&v| positive(v)).count() as f64;
    let n0 = n as f64 - n1;
    if n1 == 0.0 || n0 == 0.0 {
        return 0.5;
    }
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// One bin of a reliability table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    /// The lowest predicted probability of the bin.
    pub lower: f64,
    /// The highest predicted probability of the bin (excluded, except 1.0 for the last bin).
    pub upper: f64,
    /// The mean predicted probability of the rows in the bin.
    pub predicted: f64,
    /// The share of rows in the bin with y = 1.
    pub observed: f64,
    /// The number of rows in the bin.
    pub count: usize,
}

/// The reliability table: rows grouped into 10 equal-width bins of predicted probability, with
/// the mean prediction and the observed rate of y = 1 in each. Empty bins are left out; rows
/// with a NaN prediction are ignored.
pub fn reliability(p: &[f64], y: &[f64]) -> Vec<Bin> {
    let mut sums = [(0.0f64, 0.0f64, 0usize); BINS];
    for (&pi, &yi) in p.iter().zip(y) {
        if pi.is_nan() {
            continue;
        }
        let index = ((pi.clamp(0.0, 1.0) * BINS as f64).floor() as usize).min(BINS - 1);
        if let Some(slot) = sums.get_mut(index) {
            slot.0 += pi;
            slot.1 += if positive(yi) { 1.0 } else { 0.0 };
            slot.2 += 1;
        }
    }
    sums.iter()
        .enumerate()
        .filter(|(_, s)| s.2 > 0)
        .map(|(i, &(predicted, observed, count))| Bin {
            lower: i as f64 / BINS as f64,
            upper: (i + 1) as f64 / BINS as f64,
            predicted: predicted / count as f64,
            observed: observed / count as f64,
            count,
        })
        .collect()
}
