//! Weighted, L2-regularised logistic regression fitted by Newton's method (IRLS).
//!
//! Written here rather than taken from linfa-logistic or smartcore: the models have at most a few
//! dozen features, where Newton's method converges in a handful of steps with a Cholesky solve of
//! a small matrix, and both libraries bring ndarray and an optimiser stack (linfa-logistic: about
//! 50 crates including argmin) into a workspace whose CI is near its time budget. See
//! docs/pipeline.md for the measured cost.

use crate::stats::sigmoid;
use serde::{Deserialize, Serialize};

/// A fitted model: `p = sigmoid(offset + intercept + weights . x)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Logistic {
    /// The intercept.
    pub intercept: f64,
    /// One weight per feature.
    pub weights: Vec<f64>,
}

/// One training row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Features.
    pub x: Vec<f64>,
    /// A fixed offset on the log-odds (e.g. a prior), not fitted.
    pub offset: f64,
    /// The label.
    pub y: bool,
    /// The row's weight.
    pub weight: f64,
}

impl Logistic {
    /// The log-odds for features `x` with `offset`.
    pub fn logit(&self, x: &[f64], offset: f64) -> f64 {
        offset + self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }

    /// Fits `rows` with penalty `l2 * |beta - centre|^2` on every coefficient, the intercept
    /// first in `centre`. With few rows the coefficients stay near `centre`.
    pub fn fit(rows: &[Row], features: usize, l2: f64, centre: &[f64]) -> Logistic {
        let k = features + 1;
        let centre: Vec<f64> = (0..k).map(|j| centre.get(j).copied().unwrap_or(0.0)).collect();
        let mut beta = centre.clone();
        for _ in 0..50 {
            let mut h = vec![0.0; k * k];
            let mut g = vec![0.0; k];
            for j in 0..k {
                h[j * k + j] += l2;
                g[j] -= l2 * (beta[j] - centre[j]);
            }
            for r in rows {
                let z = r.offset + beta[0] + beta[1..].iter().zip(&r.x).map(|(b, v)| b * v).sum::<f64>();
                let p = sigmoid(z);
                let w = r.weight * (p * (1.0 - p)).max(1e-9);
                let resid = r.weight * (f64::from(u8::from(r.y)) - p);
                let xi = |j: usize| if j == 0 { 1.0 } else { r.x[j - 1] };
                for a in 0..k {
                    let xa = xi(a);
                    g[a] += resid * xa;
                    for b in 0..=a {
                        h[a * k + b] += w * xa * xi(b);
                    }
                }
            }
            for a in 0..k {
                for b in 0..a {
                    h[b * k + a] = h[a * k + b];
                }
            }
            let Some(step) = solve_spd(&h, &g, k) else { break };
            let size: f64 = step.iter().map(|s| s.abs()).fold(0.0, f64::max);
            beta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
            if size < 1e-8 {
                break;
            }
        }
        Logistic { intercept: beta[0], weights: beta[1..].to_vec() }
    }
}

/// Solves `a x = b` for a symmetric positive definite `a` (n x n, row-major) by Cholesky.
fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|k| l[i * n + k] * y[k]).sum::<f64>()) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k * n + i] * x[k]).sum::<f64>()) / l[i * n + i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_model() {
        // Deterministic grid: p = sigmoid(-0.5 + 1.5 x), labels in exact proportion.
        let mut rows = Vec::new();
        for i in 0..21 {
            let x = -2.0 + 0.2 * f64::from(i);
            let p = sigmoid(-0.5 + 1.5 * x);
            rows.push(Row { x: vec![x], offset: 0.0, y: true, weight: p });
            rows.push(Row { x: vec![x], offset: 0.0, y: false, weight: 1.0 - p });
        }
        let m = Logistic::fit(&rows, 1, 1e-9, &[]);
        assert!((m.intercept + 0.5).abs() < 1e-4, "{m:?}");
        assert!((m.weights[0] - 1.5).abs() < 1e-4, "{m:?}");
    }

    #[test]
    fn no_data_keeps_the_centre() {
        let m = Logistic::fit(&[], 2, 1.0, &[0.3, 0.0, 1.0]);
        assert_eq!(m, Logistic { intercept: 0.3, weights: vec![0.0, 1.0] });
    }
}
