//! Properties of the win model: probabilities stay in (0, 1), with no history it returns the
//! stage priors, and on data without signal it predicts the base rate (calibrated on average).

use chrono::{Days, NaiveDate};
use plumbline_pipeline::rng::Rng;
use plumbline_pipeline::{Closed, Deal, Outcome, StageEntry, WinModel, WinModelConfig};
use proptest::prelude::*;

fn deal(i: usize, rng: &mut Rng, win: bool) -> Deal {
    let created = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new((i % 300) as u64);
    let length = 5 + (rng.f64() * 60.0) as u64;
    Deal {
        id: format!("D{i}"),
        owner: format!("rep-{}", i % 7),
        team: "T".into(),
        account: format!("acct-{}", i % 23),
        product: ["a", "b", "c"][i % 3].into(),
        segment: "S".into(),
        currency: "GBP".into(),
        amount_minor: 100_000 + (rng.f64() * 1_000_000.0) as i64,
        created,
        stages: vec![StageEntry { date: created, stage: 0 }],
        expected_close: None,
        close_date_changes: Vec::new(),
        closed: Some(Closed {
            date: created + Days::new(length),
            outcome: if win { Outcome::Won } else { Outcome::Lost },
        }),
        stated_probability: None,
        commit: false,
        activities: (0..(rng.f64() * 4.0) as u64).map(|k| created + Days::new(k * 3)).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn no_signal_means_the_base_rate(seed in 0u64..1000, rate in 0.2f64..0.8, n in 300usize..800) {
        let mut rng = Rng::new(seed, 0);
        let deals: Vec<Deal> = (0..n).map(|i| { let win = rng.f64() < rate; deal(i, &mut rng, win) }).collect();
        let observed = deals.iter().filter(|d| d.won()).count() as f64 / n as f64;
        let cutoff = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let model = WinModel::train(&deals, cutoff, 1, &WinModelConfig::default());
        let probs: Vec<f64> = deals.iter().map(|d| model.score(d, d.created).probability).collect();
        prop_assert!(probs.iter().all(|p| *p > 0.0 && *p < 1.0));
        let mean = probs.iter().sum::<f64>() / n as f64;
        prop_assert!((mean - observed).abs() < 0.05, "mean prediction {} vs observed {}", mean, observed);
        // Without signal the bulk of deals stays near the base rate. Not every deal: a rep or an
        // account with ~30 deals shows chance streaks the model partly believes (one deal in 3,000
        // runs landed 0.35 away), while the 90th percentile never passed 0.16 in those runs.
        let near = probs.iter().filter(|p| (*p - observed).abs() < 0.2).count();
        prop_assert!(near * 10 >= n * 9, "only {} of {} deals within 0.2 of the base rate", near, n);
    }
}

#[test]
fn without_history_the_stage_prior_is_returned() {
    let mut rng = Rng::new(1, 0);
    let mut open = deal(0, &mut rng, true);
    open.closed = None;
    open.stages.push(StageEntry { date: open.created + Days::new(3), stage: 2 });
    let model = WinModel::train(std::slice::from_ref(&open), open.created, 4, &WinModelConfig::default());
    let score = model.score(&open, open.created + Days::new(5));
    // Default prior of stage 2 of 4: 0.2 + 0.6 * 2/3 = 0.6.
    assert!((score.probability - 0.6).abs() < 1e-9, "{score:?}");
    assert!((score.stage_prior - 0.6).abs() < 1e-9);
    assert!(score.signals.is_empty());
}
