//! The forecast benchmark's book, shared by the criterion bench and the WASM module.

use plumbline_pipeline::rng::Rng;
use plumbline_pipeline::{ForecastDeal, ForecastSpec};

/// A reproducible book: amounts log-spread around 50k, probabilities over up to four quarters.
pub fn spec(deals: usize, trials: usize) -> ForecastSpec {
    let mut rng = Rng::new(1, 0);
    let deals = (0..deals)
        .map(|i| {
            let win = 0.1 + 0.8 * rng.f64();
            let first = (rng.f64() * 3.0) as usize;
            let mut probs = vec![0.0; 4];
            // Timing uncertainty: the expected quarter and a slip into the next ones.
            probs[first] = win * 0.6;
            probs[first + 1] = win * 0.3;
            if first + 2 < 4 {
                probs[first + 2] = win * 0.1;
            }
            ForecastDeal {
                id: format!("D{i}"),
                account: format!("A{}", i % 700),
                group: i % 12,
                amount_minor: (5_000_000.0 * (rng.normal() * 0.8).exp()) as i64,
                period_probs: probs,
                commit: rng.f64() < 0.3,
            }
        })
        .collect();
    ForecastSpec {
        periods: vec!["Q1".into(), "Q2".into(), "Q3".into(), "Q4".into()],
        groups: (0..12).map(|g| format!("team {g}")).collect(),
        deals,
        run_rates: Vec::new(),
        shock_sigma: 0.1,
        plan_minor: None,
        trials,
        seed: 7,
    }
}
