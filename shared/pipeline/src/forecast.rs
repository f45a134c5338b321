//! Monte Carlo forecast over open deals: each trial decides, per deal, whether it is won and in
//! which period, adds business not yet in the pipeline, and sums per group and period in minor
//! units. P10/P50/P90 come from the trials.
//!
//! One 16-bit draw per deal and trial does both: a deal's per-period win probabilities are laid
//! end to end on [0, 1), and the period is the segment the draw lands in (past the last: not won
//! in the horizon). A per-trial "shock" scales every deal's probabilities together (a good or a
//! bad month for the whole firm), which is what makes the range honest: deals are not independent.

use crate::rng::Rng;
use crate::stats::sorted_quantile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An open deal as the forecast sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForecastDeal {
    /// The deal.
    pub id: String,
    /// Its account.
    pub account: String,
    /// Index into [`ForecastSpec::groups`] (team).
    pub group: usize,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Probability of being won in each period of the horizon; sums to at most 1.
    pub period_probs: Vec<f64>,
    /// Whether the rep calls it commit.
    pub commit: bool,
}

/// Business expected from deals not yet in the pipeline, in one group and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RunRate {
    /// Group index.
    pub group: usize,
    /// Period index.
    pub period: usize,
    /// Expected value in minor units.
    pub mean_minor: f64,
    /// Its standard deviation in minor units.
    pub sd_minor: f64,
}

/// What to forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForecastSpec {
    /// Period labels, e.g. "2026-12".
    pub periods: Vec<String>,
    /// Group (team) labels.
    pub groups: Vec<String>,
    /// Open deals.
    pub deals: Vec<ForecastDeal>,
    /// Business not yet in the pipeline.
    pub run_rates: Vec<RunRate>,
    /// Log-scale spread of the firm-wide shock on win probabilities (0: deals independent).
    pub shock_sigma: f64,
    /// Plan over the whole horizon in minor units, if any, for the downside gap.
    pub plan_minor: Option<i64>,
    /// Number of trials.
    pub trials: usize,
    /// Seed: the same seed gives the same forecast.
    pub seed: u64,
}

/// Percentiles of a simulated total, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Range {
    /// 10th percentile: 9 trials in 10 do at least this well.
    pub p10: i64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// Mean.
    pub mean: i64,
}

/// One group's forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupForecast {
    /// The group.
    pub group: String,
    /// Per period.
    pub periods: Vec<Range>,
    /// Over the horizon.
    pub total: Range,
}

/// A deal or account's part in the downside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RiskItem {
    /// Deal or account id.
    pub id: String,
    /// The account (for deals; the same as `id` for accounts).
    pub account: String,
    /// Amount at stake in minor units.
    pub amount_minor: i64,
    /// Probability of winning within the horizon (value-weighted for accounts).
    pub probability: f64,
    /// Expected shortfall against calling it won: amount x (1 - probability), minor units.
    pub expected_shortfall_minor: i64,
    /// Share of the forecast's variance (0-1).
    pub variance_share: f64,
}

/// How far below the call the forecast may land, and where that risk sits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Downside {
    /// Amount of deals called commit, minor units.
    pub commit_minor: i64,
    /// The plan, if given.
    pub plan_minor: Option<i64>,
    /// Commit (or plan, when larger) minus P10: positive means a 1-in-10 chance of missing it by this much.
    pub gap_to_p10_minor: i64,
    /// The same against the median.
    pub gap_to_p50_minor: i64,
    /// The deals carrying most risk, largest first.
    pub deals: Vec<RiskItem>,
    /// The accounts carrying most risk, largest first.
    pub accounts: Vec<RiskItem>,
}

/// The forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Forecast {
    /// Period labels.
    pub periods: Vec<String>,
    /// Firm total per period.
    pub firm: Vec<Range>,
    /// Firm total over the horizon.
    pub firm_total: Range,
    /// Per group.
    pub groups: Vec<GroupForecast>,
    /// Downside risk over the horizon.
    pub downside: Downside,
}

/// How many deals and accounts the downside lists.
const TOP: usize = 10;

/// Deals laid out for the inner loop: `W` cumulative thresholds per deal in 16-bit fixed point
/// (probabilities to 1/65536, far finer than any estimate of them), padded with `u32::MAX`.
struct Layout<const W: usize> {
    thresholds: Vec<[u32; W]>,
    slots: Vec<u32>,
    amounts: Vec<i64>,
}

const ONE: f64 = 65536.0;

fn layout<const W: usize>(spec: &ForecastSpec) -> Layout<W> {
    let p = spec.periods.len();
    let mut thresholds = Vec::with_capacity(spec.deals.len());
    for d in &spec.deals {
        let mut t = [u32::MAX; W];
        let mut cum = 0.0;
        for (k, slot) in t.iter_mut().enumerate().take(p) {
            cum += d.period_probs.get(k).copied().unwrap_or(0.0).max(0.0);
            *slot = (cum.min(1.0) * ONE).round() as u32;
        }
        thresholds.push(t);
    }
    Layout {
        thresholds,
        slots: spec.deals.iter().map(|d| (d.group * (p + 1)) as u32).collect(),
        amounts: spec.deals.iter().map(|d| d.amount_minor).collect(),
    }
}

/// Runs the trials; returns totals indexed `[trial][group * (periods + 1) + period]`, where the
/// extra period per group collects deals not won in the horizon (and is ignored).
fn trials<const W: usize>(spec: &ForecastSpec) -> Vec<i64> {
    let lay = layout::<W>(spec);
    let p = spec.periods.len();
    let width = spec.groups.len().max(1) * (p + 1);
    let mut out = vec![0i64; spec.trials * width];
    let mut shock_rng = Rng::new(spec.seed, 1);
    let mut extra_rng = Rng::new(spec.seed, 2);
    let mut rng = Rng::new(spec.seed, 3);
    let n = lay.amounts.len();
    for acc in out.chunks_exact_mut(width) {
        // Dividing the draw by m multiplies every win probability by m (capped at 1).
        let m = (spec.shock_sigma * shock_rng.normal() - spec.shock_sigma * spec.shock_sigma / 2.0).exp();
        let scale = (ONE / m).clamp(1.0, ONE * ONE) as u64;
        let mut place = |r16: u64, i: usize| {
            // At most 65535 * 2^32 >> 16 < u32::MAX, so padding is never passed.
            let r = ((r16 * scale) >> 16) as u32;
            let idx = lay.thresholds[i].iter().map(|c| usize::from(r >= *c)).sum::<usize>();
            acc[lay.slots[i] as usize + idx] += lay.amounts[i];
        };
        // Each 64-bit draw serves four deals, 16 bits each.
        let mut i = 0;
        while i + 4 <= n {
            let x = rng.next_u64();
            place(x & 0xFFFF, i);
            place((x >> 16) & 0xFFFF, i + 1);
            place((x >> 32) & 0xFFFF, i + 2);
            place(x >> 48, i + 3);
            i += 4;
        }
        let x = rng.next_u64();
        for (k, j) in (i..n).enumerate() {
            place((x >> (16 * k)) & 0xFFFF, j);
        }
        for rr in &spec.run_rates {
            acc[rr.group * (p + 1) + rr.period] += lognormal_draw(&mut extra_rng, rr.mean_minor, rr.sd_minor);
        }
    }
    out
}

/// A draw with the given mean and standard deviation, log-normal so it is never negative.
fn lognormal_draw(rng: &mut Rng, mean: f64, sd: f64) -> i64 {
    if mean <= 0.0 {
        return 0;
    }
    let s2 = (1.0 + (sd / mean).powi(2)).ln();
    (mean.ln() - s2 / 2.0 + s2.sqrt() * rng.normal()).exp().round() as i64
}

fn range(mut v: Vec<i64>) -> Range {
    if v.is_empty() {
        return Range { p10: 0, p50: 0, p90: 0, mean: 0 };
    }
    v.sort_unstable();
    let f: Vec<f64> = v.iter().map(|x| *x as f64).collect();
    let q = |x: f64| sorted_quantile(&f, x).round() as i64;
    let mean = (v.iter().map(|x| i128::from(*x)).sum::<i128>() / v.len() as i128) as i64;
    Range { p10: q(0.1), p50: q(0.5), p90: q(0.9), mean }
}

/// Runs the Monte Carlo forecast.
pub fn forecast(spec: &ForecastSpec) -> Forecast {
    let p = spec.periods.len();
    let totals = match p {
        0..=4 => trials::<4>(spec),
        5..=8 => trials::<8>(spec),
        9..=16 => trials::<16>(spec),
        _ => trials::<64>(spec),
    };
    let groups = spec.groups.len().max(1);
    let width = groups * (p + 1);
    let cell = |g: usize, k: usize| -> Vec<i64> { totals.chunks_exact(width).map(|t| t[g * (p + 1) + k]).collect() };
    let group_total = |g: usize| -> Vec<i64> {
        totals.chunks_exact(width).map(|t| t[g * (p + 1)..g * (p + 1) + p].iter().sum()).collect()
    };
    let firm_period = |k: usize| -> Vec<i64> {
        totals.chunks_exact(width).map(|t| (0..groups).map(|g| t[g * (p + 1) + k]).sum()).collect()
    };
    let firm_all: Vec<i64> = totals
        .chunks_exact(width)
        .map(|t| (0..groups).map(|g| t[g * (p + 1)..g * (p + 1) + p].iter().sum::<i64>()).sum())
        .collect();
    let firm_total = range(firm_all);
    Forecast {
        periods: spec.periods.clone(),
        firm: (0..p).map(|k| range(firm_period(k))).collect(),
        firm_total,
        groups: spec
            .groups
            .iter()
            .enumerate()
            .map(|(g, name)| GroupForecast {
                group: name.clone(),
                periods: (0..p).map(|k| range(cell(g, k))).collect(),
                total: range(group_total(g)),
            })
            .collect(),
        downside: downside(spec, &firm_total),
    }
}

fn downside(spec: &ForecastSpec, total: &Range) -> Downside {
    let commit_minor: i64 = spec.deals.iter().filter(|d| d.commit).map(|d| d.amount_minor).sum();
    let call = spec.plan_minor.map_or(commit_minor, |plan| plan.max(commit_minor));
    let items: Vec<(f64, RiskItem)> = spec
        .deals
        .iter()
        .map(|d| {
            let prob = d.period_probs.iter().sum::<f64>().clamp(0.0, 1.0);
            let amount = d.amount_minor as f64;
            let variance = amount * amount * prob * (1.0 - prob);
            let item = RiskItem {
                id: d.id.clone(),
                account: d.account.clone(),
                amount_minor: d.amount_minor,
                probability: prob,
                expected_shortfall_minor: (amount * (1.0 - prob)).round() as i64,
                variance_share: 0.0,
            };
            (variance, item)
        })
        .collect();
    let var_total: f64 = items.iter().map(|(v, _)| v).sum::<f64>().max(f64::MIN_POSITIVE);
    let mut deals: Vec<RiskItem> =
        items.iter().map(|(v, item)| RiskItem { variance_share: v / var_total, ..item.clone() }).collect();
    let mut by_account: BTreeMap<&str, (i64, f64, i64, f64)> = BTreeMap::new();
    for (v, d) in &items {
        let a = by_account.entry(&d.account).or_default();
        a.0 += d.amount_minor;
        a.1 += d.amount_minor as f64 * d.probability;
        a.2 += d.expected_shortfall_minor;
        a.3 += v;
    }
    let mut accounts: Vec<RiskItem> = by_account
        .into_iter()
        .map(|(acc, (amount, won, shortfall, v))| RiskItem {
            id: acc.to_string(),
            account: acc.to_string(),
            amount_minor: amount,
            probability: if amount > 0 { won / amount as f64 } else { 0.0 },
            expected_shortfall_minor: shortfall,
            variance_share: v / var_total,
        })
        .collect();
    let order = |a: &RiskItem, b: &RiskItem| {
        b.variance_share.total_cmp(&a.variance_share).then(b.expected_shortfall_minor.cmp(&a.expected_shortfall_minor))
    };
    deals.sort_by(order);
    accounts.sort_by(order);
    deals.truncate(TOP);
    accounts.truncate(TOP);
    Downside {
        commit_minor,
        plan_minor: spec.plan_minor,
        gap_to_p10_minor: call - total.p10,
        gap_to_p50_minor: call - total.p50,
        deals,
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(deals: Vec<ForecastDeal>, trials: usize) -> ForecastSpec {
        ForecastSpec {
            periods: vec!["P1".into(), "P2".into()],
            groups: vec!["team".into()],
            deals,
            run_rates: Vec::new(),
            shock_sigma: 0.0,
            plan_minor: None,
            trials,
            seed: 42,
        }
    }

    fn deal(id: &str, amount: i64, probs: Vec<f64>) -> ForecastDeal {
        ForecastDeal {
            id: id.into(),
            account: format!("acct-{id}"),
            group: 0,
            amount_minor: amount,
            period_probs: probs,
            commit: true,
        }
    }

    #[test]
    fn certain_deals_land_in_their_period() {
        let f = forecast(&spec(vec![deal("a", 100, vec![1.0, 0.0]), deal("b", 50, vec![0.0, 1.0])], 100));
        assert_eq!(f.firm[0], Range { p10: 100, p50: 100, p90: 100, mean: 100 });
        assert_eq!(f.firm[1], Range { p10: 50, p50: 50, p90: 50, mean: 50 });
        assert_eq!(f.downside.gap_to_p10_minor, 0);
    }

    #[test]
    fn frequencies_match_probabilities() {
        let f = forecast(&spec(vec![deal("a", 1, vec![0.3, 0.2])], 100_000));
        // Mean of a 0/1 outcome is its frequency; rounding of the mean to minor units is avoided by scale.
        let g = forecast(&spec(vec![deal("a", 1_000_000, vec![0.3, 0.2])], 100_000));
        assert!((g.firm[0].mean as f64 / 1e6 - 0.3).abs() < 0.005, "{:?}", g.firm[0]);
        assert!((g.firm[1].mean as f64 / 1e6 - 0.2).abs() < 0.005, "{:?}", g.firm[1]);
        assert_eq!(f.firm_total.p90, 1);
        assert_eq!(g.downside.deals[0].expected_shortfall_minor, 500_000);
    }

    #[test]
    fn same_seed_same_forecast() {
        let deals: Vec<ForecastDeal> = (0..50).map(|i| deal(&i.to_string(), 1000 + i, vec![0.2, 0.3])).collect();
        let mut s = spec(deals, 2000);
        s.shock_sigma = 0.2;
        assert_eq!(forecast(&s), forecast(&s));
    }
}
