//! Pipeline intelligence: an honest pipeline and a forecast with a range.
//!
//! Pure functions over plain data ([`Pipeline`], [`Deal`]); [`pipeline_from_firm`] converts the
//! firm's records. Three parts:
//! - [`hygiene`]: stale deals, unrealistic close dates and over-optimistic reps, with the numbers
//!   behind each flag, against norms learned from the firm's own history;
//! - [`model`]: a calibrated win probability per deal with the signals that moved it (a small
//!   IRLS logistic regression of our own: see [`logistic`] for why not linfa or smartcore);
//! - [`forecast`]: a seeded Monte Carlo over open deals giving P10/P50/P90 per period, team and
//!   firm, and where the downside sits; [`timing`] says when deals close.
//!
//! [`analyse`] runs all of it for "today". Probabilities are `f64`; money is `i64` minor units.
//! docs/pipeline.md describes the models and their limits.

pub mod data;
pub mod firm;
pub mod forecast;
pub mod hygiene;
pub mod logistic;
pub mod metrics;
pub mod model;
pub mod rng;
pub mod stats;
pub mod timing;

pub use data::{CloseDateChange, Closed, Deal, Outcome, Pipeline, StageEntry};
pub use firm::pipeline_from_firm;
pub use forecast::{Downside, Forecast, ForecastDeal, ForecastSpec, Range, RiskItem, RunRate, forecast};
pub use hygiene::{DealEvidence, DealFlag, HygieneConfig, Norms, RepOptimism, deal_flags, rep_optimism};
pub use model::{Signal, WinModel, WinModelConfig, WinScore};
pub use timing::{NewBusiness, TimingModel};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Settings of [`analyse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnalysisOptions {
    /// Hygiene thresholds.
    pub hygiene: HygieneConfig,
    /// Win-model training.
    pub model: WinModelConfig,
    /// Months forecast, starting with the as-of month.
    pub months: usize,
    /// Months of history the timing model learns from.
    pub timing_window_months: u32,
    /// Firm-wide shock on win probabilities (log-scale spread).
    pub shock_sigma: f64,
    /// Monte Carlo trials.
    pub trials: usize,
    /// Seed.
    pub seed: u64,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            hygiene: HygieneConfig::default(),
            model: WinModelConfig::default(),
            months: 3,
            timing_window_months: 12,
            shock_sigma: 0.15,
            trials: 5_000,
            seed: 7,
        }
    }
}

/// A forecast in one currency (teams never mix currencies; the firm total is per currency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CurrencyForecast {
    /// ISO code.
    pub currency: String,
    /// The forecast of that currency's deals.
    pub forecast: Forecast,
}

/// Everything [`analyse`] finds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Analysis {
    /// Deal hygiene flags.
    pub flags: Vec<DealFlag>,
    /// Every rep's optimism record (see `over_optimistic`).
    pub reps: Vec<RepOptimism>,
    /// Win probability of every open deal.
    pub scores: Vec<WinScore>,
    /// Forecasts, one per currency.
    pub forecasts: Vec<CurrencyForecast>,
}

/// Hygiene, win probabilities and the forecast of `pipeline` as of its as-of date.
pub fn analyse(pipeline: &Pipeline, options: &AnalysisOptions) -> Analysis {
    let as_of = pipeline.as_of;
    let norms = Norms::learn(&pipeline.deals, as_of, &options.hygiene);
    let flags = deal_flags(pipeline, &norms, &options.hygiene);
    let reps = rep_optimism(pipeline, &options.hygiene);
    let stages = pipeline.stage_names.len().clamp(1, 255) as u8;
    let model = WinModel::train(&pipeline.deals, as_of + chrono::Days::new(1), stages, &options.model);
    let timing = TimingModel::learn(&pipeline.deals, as_of, options.timing_window_months, None);
    let open: Vec<&Deal> = pipeline.open_deals().collect();
    let scores: Vec<WinScore> = open.iter().map(|d| model.score(d, as_of)).collect();
    let currencies: BTreeSet<&str> = open.iter().map(|d| d.currency.as_str()).collect();
    let periods: Vec<String> =
        (0..options.months).map(|k| timing::add_months(as_of, k as i32).format("%Y-%m").to_string()).collect();
    let forecasts = currencies
        .into_iter()
        .map(|currency| {
            let mine: Vec<(&Deal, &WinScore)> =
                open.iter().copied().zip(&scores).filter(|(d, _)| d.currency == currency).collect();
            let groups: Vec<String> =
                mine.iter().map(|(d, _)| d.team.clone()).collect::<BTreeSet<_>>().into_iter().collect();
            let deals = mine
                .iter()
                .map(|(d, s)| {
                    let stage_prior = model.stage_prior(d.stage_at(as_of).map_or(0, |e| e.stage));
                    let relative = (s.probability / stage_prior).clamp(0.2, 5.0);
                    ForecastDeal {
                        id: d.id.clone(),
                        account: d.account.clone(),
                        group: groups.iter().position(|g| *g == d.team).unwrap_or(0),
                        amount_minor: d.amount_minor,
                        period_probs: timing.won_by_month(d, as_of, options.months, relative),
                        commit: d.commit,
                    }
                })
                .collect();
            let spec = ForecastSpec {
                periods: periods.clone(),
                groups,
                deals,
                run_rates: Vec::new(),
                shock_sigma: options.shock_sigma,
                plan_minor: None,
                trials: options.trials,
                seed: options.seed,
            };
            CurrencyForecast { currency: currency.to_string(), forecast: forecast(&spec) }
        })
        .collect();
    Analysis { flags, reps, scores, forecasts }
}
