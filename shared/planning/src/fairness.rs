//! Fairness of an allocation: quota against potential and history, and expected attainment.

use crate::model::PipelineDeal;
use crate::quota::{QuotaLine, SellerFacts, Simulation};
use crate::stats::{Distribution, Rng, quantile};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bounds on the yearly variation of a seller's recurring business, and the value assumed
/// without three months of history.
const MIN_VARIATION: f64 = 0.05;
const MAX_VARIATION: f64 = 0.5;
const UNKNOWN_VARIATION: f64 = 0.25;

/// Attainment buckets, as (label, lower bound inclusive); the last is open-ended.
const BUCKETS: [(&str, f64); 5] =
    [("under 70%", 0.0), ("70-85%", 0.7), ("85-100%", 0.85), ("100-115%", 1.0), ("115% and over", 1.15)];

/// One seller's fairness figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SellerFairness {
    /// The seller.
    pub person_id: String,
    /// Share of quota over share of potential (1 = in line; none without potential).
    pub quota_to_potential: Option<f64>,
    /// Share of quota over share of expected sales (1 = in line; none without either).
    pub quota_to_history: Option<f64>,
    /// Simulated attainment, 10th percentile (none without a quota).
    pub attainment_p10: Option<f64>,
    /// Simulated attainment, median.
    pub attainment_p50: Option<f64>,
    /// Simulated attainment, 90th percentile.
    pub attainment_p90: Option<f64>,
    /// Share of simulated years in which the seller reaches 100%.
    pub chance_of_target: Option<f64>,
}

/// Sellers whose median simulated attainment falls in one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttainmentBucket {
    /// E.g. `85-100%`.
    pub label: String,
    /// Number of sellers.
    pub sellers: usize,
}

/// The expected attainment distribution over sellers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AttainmentReport {
    /// Simulated years.
    pub runs: u32,
    /// Median over sellers of their median attainment.
    pub median: f64,
    /// 10th percentile over sellers of their median attainment.
    pub p10: f64,
    /// 90th percentile over sellers of their median attainment.
    pub p90: f64,
    /// Mean over simulated years of the share of sellers at or above 100%.
    pub expected_share_at_target: f64,
    /// Sellers by median attainment.
    pub buckets: Vec<AttainmentBucket>,
}

/// The fairness report of one allocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fairness {
    /// Distribution of quota share over potential share.
    pub quota_to_potential: Distribution,
    /// Distribution of quota share over expected-sales share.
    pub quota_to_history: Distribution,
    /// Expected attainment.
    pub attainment: AttainmentReport,
    /// Per seller, in request order.
    pub sellers: Vec<SellerFairness>,
}

/// Simulated plan-year sales per seller, shared by every allocation of one request so their
/// attainment is compared on the same simulated years.
#[derive(Debug, Clone)]
pub(crate) struct Outcomes {
    runs: u32,
    /// `sales[seller][run]`.
    sales: Vec<Vec<f64>>,
}

fn to_f64(d: Decimal) -> f64 {
    f64::try_from(d).unwrap_or(0.0)
}

impl Outcomes {
    /// Simulates each seller's plan year.
    ///
    /// The history forecast at this year's availability sets the expected total; the open pipeline
    /// explains the part of it that its probability-weighted value covers, deal by deal (each won
    /// with its stated probability), and the rest is recurring business with a triangular shock
    /// whose standard deviation is the seller's monthly variation over the square root of 12.
    pub(crate) fn simulate(facts: &[SellerFacts], pipeline: &[PipelineDeal], settings: &Simulation) -> Outcomes {
        let mut deals: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
        for d in pipeline {
            deals.entry(d.person_id.as_str()).or_default().push((f64::from(d.probability) / 100.0, to_f64(d.value)));
        }
        let mut rng = Rng::new(settings.seed);
        let sales = facts
            .iter()
            .map(|f| {
                let own = deals.get(f.person_id.as_str()).map_or(&[][..], Vec::as_slice);
                let recurring = (to_f64(f.expected) - to_f64(f.pipeline)).max(0.0);
                let sigma = if f.history.months >= 3 {
                    (f.history.monthly_variation / 12f64.sqrt()).clamp(MIN_VARIATION, MAX_VARIATION)
                } else {
                    UNKNOWN_VARIATION
                };
                // A triangular distribution on [-a, a] has standard deviation a / sqrt(6).
                let half_width = 6f64.sqrt() * sigma;
                (0..settings.runs)
                    .map(|_| {
                        let shock = half_width * (rng.uniform() + rng.uniform() - 1.0);
                        let won: f64 = own.iter().map(|(p, v)| if rng.uniform() < *p { *v } else { 0.0 }).sum();
                        (recurring * (1.0 + shock)).max(0.0) + won
                    })
                    .collect()
            })
            .collect();
        Outcomes { runs: settings.runs, sales }
    }
}

/// Each seller's share of `quota` over their share of `basis`, when both totals and their basis
/// are positive.
fn share_ratios(quotas: &[f64], basis: &[f64]) -> Vec<Option<f64>> {
    let (q_total, b_total): (f64, f64) = (quotas.iter().sum(), basis.iter().sum());
    quotas
        .iter()
        .zip(basis)
        .map(|(q, b)| (q_total > 0.0 && b_total > 0.0 && *b > 0.0).then(|| (q / q_total) / (b / b_total)))
        .collect()
}

/// The fairness report of `lines` against the sellers' facts and simulated years.
pub(crate) fn fairness(facts: &[SellerFacts], lines: &[QuotaLine], outcomes: &Outcomes) -> Fairness {
    let quotas: Vec<f64> = lines.iter().map(|l| to_f64(l.quota)).collect();
    let to_potential = share_ratios(&quotas, &facts.iter().map(|f| to_f64(f.potential)).collect::<Vec<_>>());
    let to_history = share_ratios(&quotas, &facts.iter().map(|f| to_f64(f.expected)).collect::<Vec<_>>());
    let mut at_target = vec![0usize; outcomes.runs as usize];
    let mut with_quota = 0usize;
    let sellers: Vec<SellerFairness> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let q = quotas[i];
            let mut attainment: Vec<f64> =
                if q > 0.0 { outcomes.sales[i].iter().map(|s| s / q).collect() } else { Vec::new() };
            if q > 0.0 {
                with_quota += 1;
                for (run, a) in attainment.iter().enumerate() {
                    at_target[run] += usize::from(*a >= 1.0);
                }
            }
            let chance = (!attainment.is_empty())
                .then(|| attainment.iter().filter(|a| **a >= 1.0).count() as f64 / attainment.len() as f64);
            attainment.sort_by(f64::total_cmp);
            let at = |p: f64| (!attainment.is_empty()).then(|| quantile(&attainment, p));
            SellerFairness {
                person_id: f.person_id.clone(),
                quota_to_potential: to_potential[i],
                quota_to_history: to_history[i],
                attainment_p10: at(0.1),
                attainment_p50: at(0.5),
                attainment_p90: at(0.9),
                chance_of_target: chance,
            }
        })
        .collect();
    let mut medians: Vec<f64> = sellers.iter().filter_map(|s| s.attainment_p50).collect();
    medians.sort_by(f64::total_cmp);
    let buckets = BUCKETS
        .iter()
        .enumerate()
        .map(|(b, (label, low))| {
            let high = BUCKETS.get(b + 1).map_or(f64::INFINITY, |next| next.1);
            AttainmentBucket {
                label: (*label).into(),
                sellers: medians.iter().filter(|m| **m >= *low && **m < high).count(),
            }
        })
        .collect();
    let expected_share_at_target = if with_quota == 0 || at_target.is_empty() {
        0.0
    } else {
        at_target.iter().map(|n| *n as f64 / with_quota as f64).sum::<f64>() / at_target.len() as f64
    };
    Fairness {
        quota_to_potential: Distribution::of(&to_potential.iter().flatten().copied().collect::<Vec<_>>()),
        quota_to_history: Distribution::of(&to_history.iter().flatten().copied().collect::<Vec<_>>()),
        attainment: AttainmentReport {
            runs: outcomes.runs,
            median: quantile(&medians, 0.5),
            p10: quantile(&medians, 0.1),
            p90: quantile(&medians, 0.9),
            expected_share_at_target,
            buckets,
        },
        sellers,
    }
}
