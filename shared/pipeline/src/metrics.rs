//! Scores of probabilistic predictions: Brier, AUC and a calibration table.

use serde::{Deserialize, Serialize};

/// Mean squared error of probabilities against outcomes.
pub fn brier(pairs: &[(f64, bool)]) -> f64 {
    let n = pairs.len().max(1) as f64;
    pairs.iter().map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2)).sum::<f64>() / n
}

/// Area under the ROC curve (ties count half); 0.5 when one class is absent.
pub fn auc(pairs: &[(f64, bool)]) -> f64 {
    let mut v: Vec<(f64, bool)> = pairs.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pos = v.iter().filter(|p| p.1).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    // Mann-Whitney U with mid-ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        let mid = (i + j + 1) as f64 / 2.0;
        rank_sum += mid * v[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// One bucket of predicted probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CalibrationBucket {
    /// Lower edge (inclusive).
    pub from: f64,
    /// Upper edge (exclusive, except the last).
    pub to: f64,
    /// Predictions in it.
    pub count: usize,
    /// Their mean prediction.
    pub mean_predicted: f64,
    /// The share that happened.
    pub observed: f64,
}

/// Ten equal-width buckets, empty ones left out.
pub fn calibration(pairs: &[(f64, bool)]) -> Vec<CalibrationBucket> {
    let mut sums = [(0usize, 0.0, 0.0); 10];
    for (p, y) in pairs {
        let b = ((p * 10.0).floor() as usize).min(9);
        sums[b].0 += 1;
        sums[b].1 += p;
        sums[b].2 += f64::from(u8::from(*y));
    }
    sums.iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(b, s)| CalibrationBucket {
            from: b as f64 / 10.0,
            to: (b + 1) as f64 / 10.0,
            count: s.0,
            mean_predicted: s.1 / s.0 as f64,
            observed: s.2 / s.0 as f64,
        })
        .collect()
}

/// The largest |predicted - observed| over buckets holding at least `min_count` predictions.
pub fn max_calibration_gap(buckets: &[CalibrationBucket], min_count: usize) -> f64 {
    buckets.iter().filter(|b| b.count >= min_count).map(|b| (b.mean_predicted - b.observed).abs()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example() {
        let pairs = [(0.9, true), (0.8, false), (0.3, true), (0.1, false)];
        // (0.01 + 0.64 + 0.49 + 0.01) / 4
        assert!((brier(&pairs) - 0.2875).abs() < 1e-12);
        // Positive-negative pairs ranked right: (0.9>0.8), (0.9>0.1), (0.3>0.1); wrong: (0.3<0.8).
        assert!((auc(&pairs) - 0.75).abs() < 1e-12);
        let table = calibration(&pairs);
        assert_eq!(table.len(), 4);
        assert_eq!(max_calibration_gap(&table, 1), 0.8);
    }
}
