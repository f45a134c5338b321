//! Quota allocation: a top-down target split over sellers by documented methods, beside the
//! "last year + x%" allocation, each with a fairness report.

use crate::capacity::{Capacity, Ramp, capacity};
use crate::error::PlanningError;
use crate::fairness::{Fairness, Outcomes, fairness};
use crate::history::{HistoryForecast, forecast, scope_seasonality};
use crate::model::{Account, MonthlyResult, PipelineDeal, PriorQuota, Seller};
use chrono::NaiveDate;
use plumbline_engine::money::allocate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Digits weights are rounded to before the split: enough to tell any two sellers apart, small
/// enough that amount times weight stays well inside 128-bit integers.
const WEIGHT_DIGITS: u32 = 12;

/// How the target is split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// In proportion to the potential of each seller's accounts, times their capacity.
    Potential,
    /// In proportion to each seller's history forecast (run rate and trend), times availability.
    History,
    /// In proportion to capacity alone: the same per full-time, fully ramped seller.
    Capacity,
    /// A weighted blend of the three shares.
    Blend {
        /// Weight of the potential share.
        potential: Decimal,
        /// Weight of the history share.
        history: Decimal,
        /// Weight of the capacity share.
        capacity: Decimal,
    },
}

impl Method {
    /// The (potential, history, capacity) weights.
    fn weights(&self) -> [Decimal; 3] {
        match self {
            Method::Potential => [Decimal::ONE, Decimal::ZERO, Decimal::ZERO],
            Method::History => [Decimal::ZERO, Decimal::ONE, Decimal::ZERO],
            Method::Capacity => [Decimal::ZERO, Decimal::ZERO, Decimal::ONE],
            Method::Blend { potential, history, capacity } => [*potential, *history, *capacity],
        }
    }

    /// Plain-language name.
    pub fn label(&self) -> String {
        match self {
            Method::Potential => "potential".into(),
            Method::History => "history".into(),
            Method::Capacity => "capacity".into(),
            Method::Blend { potential, history, capacity } => {
                format!("blend (potential {potential}, history {history}, capacity {capacity})")
            }
        }
    }
}

impl Default for Method {
    fn default() -> Self {
        Method::Blend { potential: Decimal::new(5, 1), history: Decimal::new(4, 1), capacity: Decimal::new(1, 1) }
    }
}

/// A manual quota for one seller, recorded with who asked and why (approval is the backend's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Override {
    /// The seller.
    pub person_id: String,
    /// The quota they get.
    pub amount: Decimal,
    /// Why.
    pub reason: String,
    /// Who asked for it.
    #[serde(default)]
    pub requested_by: String,
}

/// Settings of the attainment simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Simulation {
    /// Simulated plan years.
    pub runs: u32,
    /// Seed: the same seed gives the same report everywhere.
    pub seed: u64,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation { runs: 1000, seed: 1 }
    }
}

/// Everything needed to allocate quotas for one team, division or firm: one call, plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuotaRequest {
    /// The top-down target to split.
    pub target: Decimal,
    /// Digits of the currency's minor unit (2 for pounds and dollars).
    #[serde(default = "two")]
    pub minor_digits: u32,
    /// First day of the plan year.
    pub plan_year_start: NaiveDate,
    /// First month not in the history: history is the 24 months before it.
    pub history_end: NaiveDate,
    /// The sellers in scope.
    pub sellers: Vec<Seller>,
    /// Their accounts (potential by owner).
    pub accounts: Vec<Account>,
    /// Their monthly results.
    pub history: Vec<MonthlyResult>,
    /// Their open pipeline.
    #[serde(default)]
    pub pipeline: Vec<PipelineDeal>,
    /// Last year's quotas, for "last year + x%".
    #[serde(default)]
    pub prior_quotas: Vec<PriorQuota>,
    /// The data-driven method.
    #[serde(default)]
    pub method: Method,
    /// New hires' ramp.
    #[serde(default)]
    pub ramp: Ramp,
    /// Manual quotas, applied to the data-driven allocation.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Attainment simulation settings.
    #[serde(default)]
    pub simulation: Simulation,
}

fn two() -> u32 {
    2
}

/// What the data says about one seller, shared by both allocations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SellerFacts {
    /// The seller.
    pub person_id: String,
    /// Display name.
    pub name: String,
    /// Accounts owned.
    pub accounts: usize,
    /// Total potential of those accounts.
    pub potential: Decimal,
    /// Capacity for the plan year.
    pub capacity: Capacity,
    /// History forecast.
    pub history: HistoryForecast,
    /// Expected sales at this year's availability: the history forecast (or, without history,
    /// the scope's sales per unit of potential applied to theirs) times availability.
    pub expected: Decimal,
    /// Probability-weighted open pipeline.
    pub pipeline: Decimal,
    /// Last year's quota, if any.
    pub prior_quota: Option<Decimal>,
}

/// An override as applied, beside what the method alone would have given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppliedOverride {
    /// The override.
    pub requested: Override,
    /// The method's quota without any override.
    pub computed: Decimal,
    /// `requested.amount - computed`.
    pub difference: Decimal,
}

/// One seller's quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuotaLine {
    /// The seller.
    pub person_id: String,
    /// Annual quota.
    pub quota: Decimal,
    /// The quota by month of the plan year, phased by seasonality; sums to `quota`.
    pub monthly: Vec<Decimal>,
    /// Share of the amount split by the method (0 for overridden sellers).
    pub weight: Decimal,
    /// The override applied, if any.
    pub applied_override: Option<AppliedOverride>,
    /// How the number was reached, in a sentence.
    pub explanation: String,
}

/// One allocation of the target and its fairness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Allocation {
    /// What produced it.
    pub label: String,
    /// One line per seller, in request order; quotas sum exactly to the target.
    pub lines: Vec<QuotaLine>,
    /// The fairness report.
    pub fairness: Fairness,
}

/// One seller in the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ComparisonRow {
    /// The seller.
    pub person_id: String,
    /// Display name.
    pub name: String,
    /// Data-driven quota.
    pub data_driven: Decimal,
    /// "Last year + x%" quota.
    pub spread_around: Decimal,
    /// `data_driven - spread_around`.
    pub difference: Decimal,
}

/// One fairness figure for both allocations, for a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ComparisonMetric {
    /// Stable key, e.g. `gini_quota_to_potential`.
    pub key: String,
    /// Plain-language name.
    pub label: String,
    /// Data-driven value.
    pub data_driven: f64,
    /// "Last year + x%" value.
    pub spread_around: f64,
    /// Whether a lower value is fairer or better.
    pub lower_is_better: bool,
}

/// Both allocations side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// Per seller, in request order.
    pub rows: Vec<ComparisonRow>,
    /// Summary figures.
    pub metrics: Vec<ComparisonMetric>,
}

/// The answer to a [`QuotaRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuotaPlan {
    /// The target split.
    pub target: Decimal,
    /// What the data says about each seller, in request order.
    pub sellers: Vec<SellerFacts>,
    /// The data-driven allocation (with overrides applied).
    pub data_driven: Allocation,
    /// "Last year + x%": each seller's prior quota (or run rate) raised by one common uplift.
    pub spread_around: Allocation,
    /// The uplift x that makes "last year + x%" add up to the target.
    pub implied_uplift: Decimal,
    /// Both side by side.
    pub comparison: Comparison,
}

fn validate(req: &QuotaRequest) -> Result<(), PlanningError> {
    if req.target < Decimal::ZERO {
        return Err(PlanningError::NegativeTarget(req.target));
    }
    crate::validate_people(&req.sellers, &req.accounts)?;
    if req.method.weights().iter().any(|w| *w < Decimal::ZERO) || req.method.weights().iter().all(|w| w.is_zero()) {
        return Err(PlanningError::BadWeights);
    }
    if let Some((index, d)) = req.pipeline.iter().enumerate().find(|(_, d)| d.probability > 100) {
        return Err(PlanningError::BadProbability { index, probability: d.probability });
    }
    let mut seen = Vec::new();
    for (index, o) in req.overrides.iter().enumerate() {
        if !req.sellers.iter().any(|s| s.id == o.person_id) {
            return Err(PlanningError::UnknownOverride { index, person_id: o.person_id.clone() });
        }
        if o.reason.trim().is_empty() {
            return Err(PlanningError::MissingReason { index });
        }
        if o.amount < Decimal::ZERO {
            return Err(PlanningError::NegativeOverride { index, amount: o.amount });
        }
        if seen.contains(&&o.person_id) {
            return Err(PlanningError::DuplicateOverride { index, person_id: o.person_id.clone() });
        }
        seen.push(&o.person_id);
    }
    let total: Decimal = req.overrides.iter().map(|o| o.amount).sum();
    if total > req.target {
        return Err(PlanningError::OverridesExceedTarget { total, target: req.target });
    }
    Ok(())
}

/// What the data says about every seller in the request.
fn facts(req: &QuotaRequest) -> Vec<SellerFacts> {
    let scope = scope_seasonality(&req.history, req.history_end);
    let mut potential: BTreeMap<&str, (usize, Decimal)> = BTreeMap::new();
    for a in &req.accounts {
        let entry = potential.entry(a.owner_id.as_str()).or_default();
        entry.0 += 1;
        entry.1 += a.potential;
    }
    let mut pipeline: BTreeMap<&str, Decimal> = BTreeMap::new();
    for d in &req.pipeline {
        *pipeline.entry(d.person_id.as_str()).or_default() +=
            d.value * Decimal::from(d.probability) / Decimal::ONE_HUNDRED;
    }
    let mut facts: Vec<SellerFacts> = req
        .sellers
        .iter()
        .map(|s| {
            let (accounts, potential) = potential.get(s.id.as_str()).copied().unwrap_or_default();
            let capacity = capacity(s, req.plan_year_start, &req.ramp);
            let history = forecast(&req.history, &s.id, s.hire_date, req.history_end, req.plan_year_start, &scope);
            SellerFacts {
                person_id: s.id.clone(),
                name: s.name.clone(),
                accounts,
                potential,
                expected: (history.forecast * capacity.availability).round_dp(2),
                history,
                capacity,
                pipeline: pipeline.get(s.id.as_str()).copied().unwrap_or_default().round_dp(2),
                prior_quota: req.prior_quotas.iter().find(|q| q.person_id == s.id).map(|q| q.amount),
            }
        })
        .collect();
    // Sellers without history are expected to sell what their peers sell per unit of potential.
    let (sold, of_potential) = facts
        .iter()
        .filter(|f| f.history.months > 0)
        .fold((Decimal::ZERO, Decimal::ZERO), |(s, p), f| (s + f.history.forecast, p + f.potential));
    if of_potential > Decimal::ZERO {
        for f in facts.iter_mut().filter(|f| f.history.months == 0) {
            f.expected = (f.potential * sold / of_potential * f.capacity.availability).round_dp(2);
        }
    }
    facts
}

/// Shares of a total, rounded for the split; all zero when the total is zero.
fn shares(scores: &[Decimal]) -> Vec<Decimal> {
    let total: Decimal = scores.iter().sum();
    scores.iter().map(|s| if total.is_zero() { Decimal::ZERO } else { (s / total).round_dp(WEIGHT_DIGITS) }).collect()
}

fn percent(share: Decimal) -> String {
    format!("{}%", (share * Decimal::ONE_HUNDRED).round_dp(1))
}

/// The data-driven weights of every seller: the blend of their potential, history and capacity
/// shares among `included` sellers, with the component shares for the explanation.
fn blend(method: &Method, facts: &[SellerFacts], included: &[bool]) -> (Vec<Decimal>, [Vec<Decimal>; 3]) {
    let pick = |score: fn(&SellerFacts) -> Decimal| -> Vec<Decimal> {
        facts
            .iter()
            .zip(included)
            .map(|(f, inc)| if *inc { score(f).max(Decimal::ZERO) } else { Decimal::ZERO })
            .collect()
    };
    let components = [
        shares(&pick(|f| f.potential * f.capacity.total)),
        shares(&pick(|f| f.expected)),
        shares(&pick(|f| f.capacity.total)),
    ];
    // A component nobody scores on (no accounts, no history) drops out rather than
    // shrinking everyone's weight.
    let weights = method.weights();
    let active: Decimal =
        weights.iter().zip(&components).filter(|(_, c)| c.iter().any(|s| !s.is_zero())).map(|(w, _)| *w).sum();
    let blended = (0..facts.len())
        .map(|i| {
            if active.is_zero() {
                return Decimal::ZERO;
            }
            let sum: Decimal = weights.iter().zip(&components).map(|(w, c)| w * c[i]).sum();
            (sum / active).round_dp(WEIGHT_DIGITS)
        })
        .collect();
    (blended, components)
}

/// Splits `amount` by `weights`, exactly, or says why it cannot.
fn split(amount: Decimal, weights: &[Decimal], digits: u32, method: &str) -> Result<Vec<Decimal>, PlanningError> {
    if weights.iter().all(|w| w.is_zero()) {
        if amount.is_zero() {
            return Ok(vec![Decimal::ZERO; weights.len()]);
        }
        return Err(PlanningError::NothingToAllocateBy { method: method.to_string(), amount });
    }
    Ok(allocate(amount, weights, digits))
}

/// The quota phased over the plan year's months by the seller's seasonality.
fn phase(quota: Decimal, facts: &SellerFacts, digits: u32) -> Vec<Decimal> {
    allocate(quota, &facts.history.seasonality, digits)
}

fn capacity_note(c: &Capacity) -> String {
    let mut notes = Vec::new();
    if c.employed < Decimal::ONE {
        notes.push(format!("employed {} of the year", percent(c.employed)));
    }
    if !c.ramp_loss.is_zero() {
        notes.push(format!("ramping ({} lost)", percent(c.ramp_loss)));
    }
    if !c.leave_loss.is_zero() {
        notes.push(format!("leave ({} lost)", percent(c.leave_loss)));
    }
    if c.fte != Decimal::ONE {
        notes.push(format!("{} FTE", c.fte));
    }
    if notes.is_empty() { "full capacity".into() } else { format!("capacity {} ({})", c.total, notes.join(", ")) }
}

/// The data-driven allocation, overrides applied.
fn data_driven(req: &QuotaRequest, facts: &[SellerFacts], outcomes: &Outcomes) -> Result<Allocation, PlanningError> {
    let label = req.method.label();
    let everyone = vec![true; facts.len()];
    let (weights, _) = blend(&req.method, facts, &everyone);
    let computed = split(req.target, &weights, req.minor_digits, &label)?;
    let overridden: Vec<Option<&Override>> =
        facts.iter().map(|f| req.overrides.iter().find(|o| o.person_id == f.person_id)).collect();
    let included: Vec<bool> = overridden.iter().map(Option::is_none).collect();
    let (weights, components) = blend(&req.method, facts, &included);
    let rest = req.target - req.overrides.iter().map(|o| o.amount).sum::<Decimal>();
    let quotas = split(rest, &weights, req.minor_digits, &label)?;
    let [wp, wh, wc] = req.method.weights();
    let split_what =
        if req.overrides.is_empty() { format!("the target {rest}") } else { format!("{rest} left after overrides") };
    let lines = facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (quota, applied_override, explanation) = match overridden[i] {
                Some(o) => (
                    o.amount,
                    Some(AppliedOverride {
                        requested: o.clone(),
                        computed: computed[i],
                        difference: o.amount - computed[i],
                    }),
                    format!(
                        "{}: {} set by override (the method gave {}): {}",
                        f.name, o.amount, computed[i], o.reason
                    ),
                ),
                None => (
                    quotas[i],
                    None,
                    format!(
                        "{}: {} of {} by {}: potential share {} (weight {wp}), history share {} (weight {wh}), capacity share {} (weight {wc}); {}",
                        f.name,
                        percent(weights[i]),
                        split_what,
                        label,
                        percent(components[0][i]),
                        percent(components[1][i]),
                        percent(components[2][i]),
                        capacity_note(&f.capacity)
                    ),
                ),
            };
            QuotaLine {
                person_id: f.person_id.clone(),
                monthly: phase(quota, f, req.minor_digits),
                quota,
                weight: weights[i],
                applied_override,
                explanation,
            }
        })
        .collect::<Vec<_>>();
    let fairness = fairness(facts, &lines, outcomes);
    Ok(Allocation { label, lines, fairness })
}

/// "Last year + x%": prior quota, else last year's run rate at this year's availability, else the
/// median of everyone else's basis times capacity; then one common uplift to reach the target.
fn spread_around(
    req: &QuotaRequest,
    facts: &[SellerFacts],
    outcomes: &Outcomes,
) -> Result<(Allocation, Decimal), PlanningError> {
    let known: Vec<Option<(Decimal, String)>> = facts
        .iter()
        .map(|f| match f.prior_quota {
            Some(q) => Some((q, format!("last year's quota {q}"))),
            None if f.history.months > 0 => {
                let basis = (f.history.run_rate * f.capacity.availability).round_dp(2);
                Some((
                    basis,
                    format!("no prior quota: last year's run rate {} at this year's availability", f.history.run_rate),
                ))
            }
            None => None,
        })
        .collect();
    let mut sorted: Vec<Decimal> = known.iter().flatten().map(|(b, _)| *b).collect();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    let bases: Vec<(Decimal, String)> = known
        .into_iter()
        .zip(facts)
        .map(|(k, f)| {
            k.unwrap_or_else(|| {
                let basis = (median * f.capacity.total).round_dp(2);
                (
                    basis,
                    format!("no prior quota or history: the median basis {median} times capacity {}", f.capacity.total),
                )
            })
        })
        .collect();
    let mut total: Decimal = bases.iter().map(|(b, _)| *b).sum();
    // Nobody has a quota or history to raise: the only even-handed split left is by capacity.
    let bases = if total.is_zero() {
        total = facts.iter().map(|f| f.capacity.total).sum();
        facts
            .iter()
            .map(|f| (f.capacity.total, format!("nobody has a prior quota or history: capacity {}", f.capacity.total)))
            .collect()
    } else {
        bases
    };
    let uplift = if total.is_zero() { Decimal::ZERO } else { (req.target / total - Decimal::ONE).round_dp(4) };
    let weights: Vec<Decimal> = bases.iter().map(|(b, _)| b.max(&Decimal::ZERO).round_dp(6)).collect();
    let label = "last year + x%".to_string();
    let quotas = split(req.target, &weights, req.minor_digits, &label)?;
    let lines = facts
        .iter()
        .zip(bases)
        .zip(quotas)
        .map(|((f, (basis, why)), quota)| QuotaLine {
            person_id: f.person_id.clone(),
            monthly: phase(quota, f, req.minor_digits),
            quota,
            weight: if total.is_zero() { Decimal::ZERO } else { (basis / total).round_dp(WEIGHT_DIGITS) },
            applied_override: None,
            explanation: format!("{}: {why}, plus the common uplift {} (basis {basis})", f.name, percent(uplift)),
        })
        .collect::<Vec<_>>();
    let fairness = fairness(facts, &lines, outcomes);
    Ok((Allocation { label, lines, fairness }, uplift))
}

fn metric(key: &str, label: &str, dd: f64, sa: f64, lower_is_better: bool) -> ComparisonMetric {
    ComparisonMetric { key: key.into(), label: label.into(), data_driven: dd, spread_around: sa, lower_is_better }
}

/// Allocates the target by the request's method and by "last year + x%", with fairness reports
/// and a comparison: the one call an API route or the browser makes.
pub fn plan_quotas(req: &QuotaRequest) -> Result<QuotaPlan, PlanningError> {
    validate(req)?;
    let facts = facts(req);
    let outcomes = Outcomes::simulate(&facts, &req.pipeline, &req.simulation);
    let dd = data_driven(req, &facts, &outcomes)?;
    let (sa, implied_uplift) = spread_around(req, &facts, &outcomes)?;
    let rows = facts
        .iter()
        .zip(dd.lines.iter().zip(&sa.lines))
        .map(|(f, (d, s))| ComparisonRow {
            person_id: f.person_id.clone(),
            name: f.name.clone(),
            data_driven: d.quota,
            spread_around: s.quota,
            difference: d.quota - s.quota,
        })
        .collect();
    let (a, b) = (&dd.fairness, &sa.fairness);
    let metrics = vec![
        metric(
            "gini_quota_to_potential",
            "Gini of quota / potential",
            a.quota_to_potential.gini,
            b.quota_to_potential.gini,
            true,
        ),
        metric(
            "gini_quota_to_history",
            "Gini of quota / history",
            a.quota_to_history.gini,
            b.quota_to_history.gini,
            true,
        ),
        metric("median_attainment", "Median expected attainment", a.attainment.median, b.attainment.median, false),
        metric(
            "attainment_spread",
            "Spread of expected attainment (p90 - p10 of sellers' medians)",
            a.attainment.p90 - a.attainment.p10,
            b.attainment.p90 - b.attainment.p10,
            true,
        ),
        metric(
            "expected_share_at_target",
            "Expected share of sellers reaching 100%",
            a.attainment.expected_share_at_target,
            b.attainment.expected_share_at_target,
            false,
        ),
    ];
    Ok(QuotaPlan {
        target: req.target,
        sellers: facts,
        comparison: Comparison { rows, metrics },
        data_driven: dd,
        spread_around: sa,
        implied_uplift,
    })
}
