//! Statistics over ratios (not money): Gini coefficient, quantiles and a seeded random source.

use serde::{Deserialize, Serialize};

/// Gini coefficient of non-negative values: 0 when all are equal, towards 1 when one holds all.
///
/// Mean absolute difference over twice the mean, computed on sorted values as
/// `sum((2i - n - 1) * x_i) / (n * sum(x))` with `i` from 1.
pub fn gini(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().map(|v| v.max(0.0)).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let total: f64 = sorted.iter().sum();
    if sorted.is_empty() || total == 0.0 {
        return 0.0;
    }
    let weighted: f64 = sorted.iter().enumerate().map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x).sum();
    weighted / (n * total)
}

/// Value at quantile `q` (0-1) of sorted values, by linear interpolation between ranks.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// Summary of a distribution of ratios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Distribution {
    /// Values summarised.
    pub count: usize,
    /// Smallest value.
    pub min: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Largest value.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation over the mean (population).
    pub variation: f64,
    /// Gini coefficient.
    pub gini: f64,
}

impl Distribution {
    /// Summarises `values` (any order).
    pub fn of(values: &[f64]) -> Distribution {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mean = if n == 0 { 0.0 } else { sorted.iter().sum::<f64>() / n as f64 };
        let var = if n == 0 { 0.0 } else { sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64 };
        Distribution {
            count: n,
            min: sorted.first().copied().unwrap_or(0.0),
            p10: quantile(&sorted, 0.1),
            median: quantile(&sorted, 0.5),
            p90: quantile(&sorted, 0.9),
            max: sorted.last().copied().unwrap_or(0.0),
            mean,
            variation: if mean == 0.0 { 0.0 } else { var.sqrt() / mean },
            gini: gini(&sorted),
        }
    }
}

/// SplitMix64: tiny, seeded and identical on every platform, so a simulation in the browser gives
/// the same numbers as on the server.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
