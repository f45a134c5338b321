//! The numbers: each component's year-to-date earnings from measured values, with no text.
//!
//! Statements and the batch path both call [`evaluate`], so they agree to the cent. Nothing
//! here can fail: everything that can be missing or wrong is checked when [`Terms`] are built,
//! except a formula whose numbers break it (a division by zero): its outcome carries the
//! error ([`Evaluation::formula_error`]) for the caller to refuse the calculation.

use crate::expr::{ExprError, Formula};
use crate::money::RoundingRule;
use crate::plan::{
    Component, CurvePoint, DayCount, EARNED_PREFIX, Gate, MAX_AMOUNT, MEASURED_PREFIX, Measure, Plan, Tier, TierMethod,
};
use crate::statement::BandResult;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// An annual amount and the part of it that applies after proration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prorated {
    /// The full-year figure given.
    pub annual: Decimal,
    /// The figure used: prorated by days assigned and rounded, or the annual one.
    pub value: Decimal,
}

/// Per payee and plan year, everything the maths needs besides measured values.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// Days on the plan within the plan year, and days in the plan year, when prorating.
    pub proration: Option<(i64, i64)>,
    /// Quota by component, where the component (or a gate on it) needs one.
    pub quotas: Vec<Option<Prorated>>,
    /// Target incentive by component (quota bonus and scorecard).
    pub targets: Vec<Option<Prorated>>,
    /// Target by component and KPI (financial KPIs).
    pub kpi_targets: Vec<Vec<Option<Prorated>>>,
    /// Fixed pay, when the plan caps earnings at a multiple of it.
    pub fixed_pay: Option<Prorated>,
}

/// What one slot (a component's or a financial KPI's measure) measures, and when.
#[derive(Debug, Clone, Copy)]
pub struct SlotSpec<'p> {
    /// The measure.
    pub measure: &'p Measure,
    /// A SPIF's window: only credits dated inside count.
    pub window: Option<(NaiveDate, NaiveDate)>,
}

/// The measured values a plan needs, and which component or KPI each belongs to.
#[derive(Debug, Clone)]
pub struct Slots<'p> {
    /// Every measure, in plan order: a component's own, then its KPIs'.
    pub specs: Vec<SlotSpec<'p>>,
    /// Slot of each component's own measure.
    pub component: Vec<Option<usize>>,
    /// Slot of each component's KPIs' measures.
    pub kpi: Vec<Vec<Option<usize>>>,
}

impl<'p> Slots<'p> {
    /// Lays out the plan's measures.
    pub fn new(plan: &'p Plan) -> Slots<'p> {
        let mut slots = Slots { specs: Vec::new(), component: Vec::new(), kpi: Vec::new() };
        for component in &plan.components {
            let window = match component {
                Component::Spif { from, to, .. } => Some((*from, *to)),
                _ => None,
            };
            let own = component.measure().map(|measure| {
                slots.specs.push(SlotSpec { measure, window });
                slots.specs.len() - 1
            });
            slots.component.push(own);
            let kpis = match component {
                Component::Scorecard { kpis, .. } => kpis
                    .iter()
                    .map(|k| {
                        k.measure.as_ref().map(|measure| {
                            slots.specs.push(SlotSpec { measure, window: None });
                            slots.specs.len() - 1
                        })
                    })
                    .collect(),
                _ => Vec::new(),
            };
            slots.kpi.push(kpis);
        }
        slots
    }

    /// Every slot that feeds component `c` (its own measure or its KPIs').
    pub fn of_component(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        self.component[c].into_iter().chain(self.kpi[c].iter().flatten().copied())
    }
}

/// A slot's value at one point in time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measured {
    /// Signed sum of credited amounts, or for an AUM measure the fee.
    pub amount: Decimal,
    /// Signed sum of credit shares: the units a per-unit SPIF pays on.
    pub units: Decimal,
    /// An AUM fee's working, month by month.
    pub months: Vec<AumMonth>,
}

impl Measured {
    /// A plain amount.
    pub fn amount(amount: Decimal) -> Measured {
        Measured { amount, ..Measured::default() }
    }
}

/// One month of an AUM fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AumMonth {
    /// First day counted.
    pub from: NaiveDate,
    /// Days counted.
    pub days: i64,
    /// Days in the year under the day count.
    pub basis: i64,
    /// Average credited AUM over the month.
    pub average: Decimal,
    /// average x bps / 10,000 x days / basis.
    pub fee: Decimal,
}

/// `average x bps x days / (10,000 x basis)`, multiplying before the single division so the
/// result is the exact quotient to 28 digits.
pub fn aum_fee(average: Decimal, bps: Decimal, days: i64, basis: i64) -> Decimal {
    average * bps * Decimal::from(days) / (Decimal::from(10_000) * Decimal::from(basis))
}

/// Days in the year for a day count, for a month of calendar year `year`.
pub fn day_basis(day_count: DayCount, year: i32) -> i64 {
    match day_count {
        DayCount::Actual365Fixed => 365,
        DayCount::Actual360 => 360,
        DayCount::ActualActual => {
            if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
                366
            } else {
                365
            }
        }
    }
}

/// Dated KPI scores, latest first per KPI, as given on the rating scale.
#[derive(Debug, Clone, Default)]
pub struct ScoreBook {
    by_kpi: BTreeMap<String, Vec<(NaiveDate, Decimal)>>,
}

impl ScoreBook {
    /// Files scores by KPI; `(kpi, as_of, score)` triples, duplicates already refused.
    pub fn new(scores: impl IntoIterator<Item = (String, NaiveDate, Decimal)>) -> ScoreBook {
        let mut by_kpi: BTreeMap<String, Vec<(NaiveDate, Decimal)>> = BTreeMap::new();
        for (kpi, as_of, score) in scores {
            by_kpi.entry(kpi).or_default().push((as_of, score));
        }
        for list in by_kpi.values_mut() {
            list.sort_by_key(|(day, _)| std::cmp::Reverse(*day));
        }
        ScoreBook { by_kpi }
    }

    /// The latest score dated from `since` to `cutoff`.
    pub fn at(&self, kpi: &str, since: NaiveDate, cutoff: NaiveDate) -> Option<(NaiveDate, Decimal)> {
        self.by_kpi.get(kpi)?.iter().find(|(d, _)| *d <= cutoff && *d >= since).copied()
    }
}

/// A threshold or gate, as tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The component's own attainment must reach `min`.
    Threshold {
        /// The bar.
        min: Decimal,
        /// Attainment reached.
        attainment: Decimal,
        /// Whether it is met.
        met: bool,
    },
    /// Another component's measure must reach a bar.
    Gate {
        /// The gating component's index.
        component: usize,
        /// The gate as written.
        gate: Gate,
        /// That component's measured amount.
        amount: Decimal,
        /// Its attainment, when the gate needs one.
        attainment: Option<Decimal>,
        /// Whether it is met.
        met: bool,
    },
}

impl Check {
    /// Whether the condition is met.
    pub fn met(&self) -> bool {
        match self {
            Check::Threshold { met, .. } | Check::Gate { met, .. } => *met,
        }
    }
}

/// Which cap bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapSource {
    /// A multiple of the quota.
    QuotaMultiple(Decimal),
    /// A fixed amount.
    Amount,
}

/// A scored KPI, as used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiScore {
    /// For a financial KPI, the measured amount.
    pub measured: Option<Decimal>,
    /// The score given (on the KPI's scale) or, for a financial KPI, the attainment; none
    /// when not scored yet.
    pub score: Option<Decimal>,
    /// When a scored KPI was assessed.
    pub as_of: Option<NaiveDate>,
    /// The score on a 0-1 scale, limited to the scorecard's maximum.
    pub normalised: Decimal,
    /// weight x normalised score.
    pub contribution: Decimal,
}

/// Component-specific working.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Detail {
    /// Nothing beyond the bands and the measure.
    #[default]
    Plain,
    /// A quota bonus: the curve's payout fraction and the points around the attainment.
    Curve {
        /// Target incentive used.
        target: Decimal,
        /// Fraction of target paid.
        fraction: Decimal,
        /// The point at or below the attainment.
        lower: Option<CurvePoint>,
        /// The point above it.
        upper: Option<CurvePoint>,
    },
    /// A scorecard: each KPI's score and the weighted total.
    Scorecard {
        /// Target incentive used.
        target: Decimal,
        /// Per KPI, in plan order.
        kpis: Vec<KpiScore>,
        /// Sum of contributions.
        weighted: Decimal,
    },
    /// A formula: the value of each name it reads, and why it failed if it did (it then gives 0).
    Formula {
        /// Each name the formula reads, alphabetically, with its value.
        bindings: Vec<(String, Decimal)>,
        /// Why the formula could not be evaluated with these values.
        error: Option<ExprError>,
    },
}

/// One component's year-to-date result at one point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The measured value (zero for a scorecard).
    pub measured: Decimal,
    /// Units measured (per-unit SPIFs).
    pub units: Decimal,
    /// The quota used, if the component measures attainment.
    pub quota: Option<Decimal>,
    /// measured / quota.
    pub attainment: Option<Decimal>,
    /// Bands applied (tiered components).
    pub bands: Vec<BandResult>,
    /// What the rule gives before conditions, floor and caps.
    pub formula: Decimal,
    /// Thresholds and gates tested.
    pub checks: Vec<Check>,
    /// Whether the floor held earnings up.
    pub floored: bool,
    /// The cap that bit: its limit and kind.
    pub cap: Option<(Decimal, CapSource)>,
    /// Component-specific working.
    pub detail: Detail,
    /// An AUM fee's month-by-month working.
    pub months: Vec<AumMonth>,
    /// Year-to-date earnings before rounding.
    pub unrounded: Decimal,
    /// Year-to-date earnings, rounded by the plan's rule.
    pub earned: Decimal,
}

/// The plan-level cap, when the plan has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanCapUse {
    /// The cap used: the lower of the amount and the fixed-pay multiple, rounded.
    pub limit: Decimal,
    /// Components' earnings to date before the cap.
    pub earned: Decimal,
    /// The cut (zero or negative): `min(0, limit - earned)`.
    pub reduction: Decimal,
}

/// All components' results at one point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evaluation {
    /// One per component, in plan order.
    pub outcomes: Vec<Outcome>,
    /// The plan cap, if the plan has one.
    pub plan_cap: Option<PlanCapUse>,
}

impl Evaluation {
    /// Nothing earned: the point before the plan year starts.
    pub fn nothing(plan: &Plan) -> Evaluation {
        let plan_cap = (plan.cap_amount.is_some() || plan.cap_fixed_pay_multiple.is_some()).then_some(PlanCapUse {
            limit: Decimal::ZERO,
            earned: Decimal::ZERO,
            reduction: Decimal::ZERO,
        });
        Evaluation { outcomes: vec![Outcome::default(); plan.components.len()], plan_cap }
    }

    /// Earnings to date over the whole plan, after the plan cap.
    pub fn total(&self) -> Decimal {
        self.outcomes.iter().map(|o| o.earned).sum::<Decimal>() + self.plan_cap.map_or(Decimal::ZERO, |c| c.reduction)
    }

    /// The plan cap's cut to date (zero without a cap).
    pub fn plan_cap_reduction(&self) -> Decimal {
        self.plan_cap.map_or(Decimal::ZERO, |c| c.reduction)
    }

    /// The first formula that could not be evaluated: its component's index and why.
    pub fn formula_error(&self) -> Option<(usize, &ExprError)> {
        self.outcomes.iter().enumerate().find_map(|(c, o)| match &o.detail {
            Detail::Formula { error: Some(e), .. } => Some((c, e)),
            _ => None,
        })
    }
}

/// Every component's earnings at `cutoff`, from the slots' measured values.
///
/// Order within a component: the rule (rate, bands, curve, scores), then thresholds and
/// gates (unmet: nothing), then the floor, then the lowest cap, then rounding. The plan cap
/// applies to the rounded sum.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    plan: &Plan,
    terms: &Terms,
    slots: &Slots,
    measured: &[Measured],
    scores: &ScoreBook,
    year_start: NaiveDate,
    cutoff: NaiveDate,
    digits: u32,
) -> Evaluation {
    let zero = Measured::default();
    let slot = |s: Option<usize>| s.and_then(|s| measured.get(s)).unwrap_or(&zero);
    let quota = |c: usize| terms.quotas.get(c).copied().flatten().map(|q| q.value);
    let target = |c: usize| terms.targets.get(c).copied().flatten().map_or(Decimal::ZERO, |t| t.value);
    let mut outcomes = Vec::with_capacity(plan.components.len());
    for (c, component) in plan.components.iter().enumerate() {
        let m = slot(slots.component[c]);
        let mut out = Outcome { measured: m.amount, units: m.units, months: m.months.clone(), ..Outcome::default() };
        match component {
            Component::Flat { rate, .. } => out.formula = m.amount * rate,
            Component::Tiered { method, tiers, threshold, .. } => {
                let q = quota(c).unwrap_or(Decimal::ZERO);
                out.bands = match method {
                    TierMethod::Marginal => marginal(tiers, m.amount, q),
                    TierMethod::Retroactive => retroactive(tiers, m.amount, q),
                };
                out.formula = out.bands.iter().map(|b| b.earned).sum();
                let attainment = ratio(m.amount, q);
                if let Some(min) = threshold {
                    out.checks.push(Check::Threshold { min: *min, attainment, met: attainment >= *min });
                }
                out.quota = Some(q);
                out.attainment = Some(attainment);
            }
            Component::QuotaBonus { curve, .. } => {
                let q = quota(c).unwrap_or(Decimal::ZERO);
                let attainment = ratio(m.amount, q);
                let (fraction, lower, upper) = curve_fraction(curve, attainment);
                let target = target(c);
                out.formula = target * fraction;
                out.detail = Detail::Curve { target, fraction, lower, upper };
                out.quota = Some(q);
                out.attainment = Some(attainment);
            }
            Component::Scorecard { kpis, max_score, .. } => {
                let max = max_score.unwrap_or(Decimal::ONE);
                let scored: Vec<KpiScore> = kpis
                    .iter()
                    .enumerate()
                    .map(|(k, kpi)| {
                        let mut measured = None;
                        let (score, as_of, normalised) = match slots.kpi[c].get(k).copied().flatten() {
                            Some(s) => {
                                let t = terms.kpi_targets[c][k].map_or(Decimal::ZERO, |t| t.value);
                                let amount = slot(Some(s)).amount;
                                measured = Some(amount);
                                let a = ratio(amount, t);
                                (Some(a), None, a)
                            }
                            None => match scores.at(&kpi.id, year_start, cutoff) {
                                Some((as_of, score)) => {
                                    (Some(score), Some(as_of), score / kpi.scale.unwrap_or(Decimal::ONE))
                                }
                                None => (None, None, Decimal::ZERO),
                            },
                        };
                        let normalised = normalised.clamp(Decimal::ZERO, max);
                        KpiScore { measured, score, as_of, normalised, contribution: kpi.weight * normalised }
                    })
                    .collect();
                let weighted: Decimal = scored.iter().map(|k| k.contribution).sum();
                let target = target(c);
                out.formula = target * weighted;
                out.detail = Detail::Scorecard { target, kpis: scored, weighted };
            }
            Component::Spif { rate, per_unit, .. } => {
                out.formula = match (rate, per_unit) {
                    (Some(r), _) => m.amount * r,
                    (None, Some(u)) => m.units * u,
                    (None, None) => Decimal::ZERO,
                };
            }
            Component::Formula { expression, .. } => {
                // Terms hold a quota exactly when the formula reads quota or attainment.
                let q = quota(c);
                let attainment = q.map(|q| ratio(m.amount, q));
                let index_of = |id: &str| plan.components.iter().position(|o| o.id() == id);
                let value_of = |name: &str| match name {
                    "measured" => Some(m.amount),
                    "quota" => q,
                    "attainment" => attainment,
                    "target_incentive" => Some(target(c)),
                    _ => match (name.strip_prefix(MEASURED_PREFIX), name.strip_prefix(EARNED_PREFIX)) {
                        (Some(id), _) => index_of(id).map(|g| slot(slots.component[g]).amount),
                        // Only earlier components' outcomes exist yet; validation allows no others.
                        (_, Some(id)) => index_of(id).and_then(|g| outcomes.get(g)).map(|o: &Outcome| o.earned),
                        _ => None,
                    },
                };
                let (value, detail) = formula(expression, value_of);
                out.formula = value;
                out.detail = detail;
                if component.needs_quota() {
                    out.quota = q;
                    out.attainment = attainment;
                }
            }
        }
        if let Some(gate) = component.gate() {
            out.checks.push(check_gate(plan, gate, |g| slot(slots.component[g]).amount, quota));
        }
        let mut value = if out.checks.iter().all(Check::met) { out.formula } else { Decimal::ZERO };
        if let Component::Flat { floor: Some(floor), .. } = component
            && value < *floor
        {
            value = *floor;
            out.floored = true;
        }
        let by_quota = match component {
            Component::Tiered { cap_quota_multiple: Some(m), .. } => {
                Some((m * quota(c).unwrap_or(Decimal::ZERO), CapSource::QuotaMultiple(*m)))
            }
            _ => None,
        };
        let by_amount = component.cap_amount().map(|a| (a, CapSource::Amount));
        let lowest = [by_quota, by_amount].into_iter().flatten().min_by(|a, b| a.0.cmp(&b.0));
        if let Some((limit, source)) = lowest
            && value > limit
        {
            value = limit;
            out.cap = Some((limit, source));
        }
        out.unrounded = value;
        out.earned = plan.rounding.round(value, digits);
        outcomes.push(out);
    }
    let plan_cap = plan_cap(plan, terms, &outcomes, digits);
    Evaluation { outcomes, plan_cap }
}

/// A formula's value with the names it reads; zero and the error when it cannot be evaluated
/// (validation refuses plans with a formula that does not parse or reads an unknown name).
fn formula(expression: &Formula, value_of: impl Fn(&str) -> Option<Decimal>) -> (Decimal, Detail) {
    let expr = match expression.expr() {
        Ok(expr) => expr,
        Err(e) => return (Decimal::ZERO, Detail::Formula { bindings: Vec::new(), error: Some(e.clone()) }),
    };
    let bindings: Vec<(String, Decimal)> =
        expr.variables().into_iter().filter_map(|n| value_of(n).map(|v| (n.to_string(), v))).collect();
    let result = expr.eval_with(|n| bindings.iter().find(|(k, _)| k == n).map(|(_, v)| *v)).and_then(|v| {
        // Beyond the largest amount a plan may state, sums of earnings could overflow.
        if v.abs() > MAX_AMOUNT { Err(ExprError::OutOfRange { value: v, limit: MAX_AMOUNT }) } else { Ok(v) }
    });
    match result {
        Ok(value) => (value, Detail::Formula { bindings, error: None }),
        Err(e) => (Decimal::ZERO, Detail::Formula { bindings, error: Some(e) }),
    }
}

fn check_gate(
    plan: &Plan,
    gate: &Gate,
    amount_of: impl Fn(usize) -> Decimal,
    quota: impl Fn(usize) -> Option<Decimal>,
) -> Check {
    let g = plan.components.iter().position(|c| c.id() == gate.component).unwrap_or(0);
    let amount = amount_of(g);
    let attainment = gate.min_attainment.map(|_| ratio(amount, quota(g).unwrap_or(Decimal::ZERO)));
    let met = gate.min_amount.is_none_or(|min| amount >= min)
        && gate.min_attainment.is_none_or(|min| attainment.is_some_and(|a| a >= min));
    Check::Gate { component: g, gate: gate.clone(), amount, attainment, met }
}

fn plan_cap(plan: &Plan, terms: &Terms, outcomes: &[Outcome], digits: u32) -> Option<PlanCapUse> {
    let by_fixed = plan.cap_fixed_pay_multiple.map(|m| m * terms.fixed_pay.map_or(Decimal::ZERO, |f| f.value));
    let limit = [plan.cap_amount, by_fixed].into_iter().flatten().min()?;
    let limit = plan.rounding.round(limit, digits);
    let earned: Decimal = outcomes.iter().map(|o| o.earned).sum();
    Some(PlanCapUse { limit, earned, reduction: (limit - earned).min(Decimal::ZERO) })
}

/// `amount / quota`, or zero when there is no positive quota (terms refuse that for
/// components that need one; this keeps the maths total).
fn ratio(amount: Decimal, quota: Decimal) -> Decimal {
    if quota > Decimal::ZERO { amount / quota } else { Decimal::ZERO }
}

/// The curve's payout fraction at `attainment`: zero below the first point, linear between
/// points, the last point's payout beyond it. Also returns the points used.
pub fn curve_fraction(curve: &[CurvePoint], attainment: Decimal) -> (Decimal, Option<CurvePoint>, Option<CurvePoint>) {
    match curve.iter().position(|p| attainment < p.attainment) {
        Some(0) => (Decimal::ZERO, None, curve.first().cloned()),
        Some(i) => {
            let (lo, hi) = (&curve[i - 1], &curve[i]);
            let fraction =
                lo.payout + (attainment - lo.attainment) * (hi.payout - lo.payout) / (hi.attainment - lo.attainment);
            (fraction, Some(lo.clone()), Some(hi.clone()))
        }
        None => (curve.last().map_or(Decimal::ZERO, |p| p.payout), curve.last().cloned(), None),
    }
}

fn band_edges(tiers: &[Tier], quota: Decimal) -> impl Iterator<Item = (Decimal, Option<Decimal>, Decimal)> + '_ {
    let mut from = Decimal::ZERO;
    tiers.iter().map(move |t| {
        let to = t.up_to.map(|u| u * quota);
        let band = (from, to, t.rate);
        if let Some(to) = to {
            from = to;
        }
        band
    })
}

fn marginal(tiers: &[Tier], measured: Decimal, quota: Decimal) -> Vec<BandResult> {
    band_edges(tiers, quota)
        .map(|(from, to, rate)| {
            let upper = to.map_or(measured, |t| measured.min(t));
            let inside = (upper - from).max(Decimal::ZERO);
            BandResult { from, to, rate, measured: inside, earned: inside * rate }
        })
        .collect()
}

fn retroactive(tiers: &[Tier], measured: Decimal, quota: Decimal) -> Vec<BandResult> {
    let reached = band_edges(tiers, quota)
        .position(|(_, to, _)| to.is_none_or(|t| measured <= t))
        .unwrap_or(tiers.len().saturating_sub(1));
    band_edges(tiers, quota)
        .enumerate()
        .map(|(i, (from, to, rate))| {
            let whole = if i == reached { measured.max(Decimal::ZERO) } else { Decimal::ZERO };
            BandResult { from, to, rate, measured: whole, earned: whole * rate }
        })
        .collect()
}

/// Rounds an annual figure prorated by `days / of`, or returns it as given without proration.
pub fn prorate(annual: Decimal, proration: Option<(i64, i64)>, rounding: RoundingRule, digits: u32) -> Prorated {
    let value = match proration {
        Some((days, of)) if of > 0 => rounding.round(annual * Decimal::from(days) / Decimal::from(of), digits),
        _ => annual,
    };
    Prorated { annual, value }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn point(attainment: Decimal, payout: Decimal) -> CurvePoint {
        CurvePoint { attainment, payout }
    }

    #[test]
    fn curves_interpolate_between_points_and_hold_beyond_the_last() {
        let curve = [point(dec!(0.5), dec!(0.25)), point(dec!(1), dec!(1)), point(dec!(1.5), dec!(2))];
        assert_eq!(curve_fraction(&curve, dec!(0.49)).0, dec!(0));
        assert_eq!(curve_fraction(&curve, dec!(0.5)).0, dec!(0.25));
        assert_eq!(curve_fraction(&curve, dec!(0.875)).0, dec!(0.8125));
        assert_eq!(curve_fraction(&curve, dec!(1.25)).0, dec!(1.5));
        assert_eq!(curve_fraction(&curve, dec!(3)).0, dec!(2));
    }

    #[test]
    fn fees_multiply_before_dividing() {
        // 12,000,000 x 50 x 31 / (10,000 x 365) = 18,600,000,000 / 3,650,000 = 5,095.890410958904109589041096
        assert_eq!(aum_fee(dec!(12000000), dec!(50), 31, 365).round_dp(2), dec!(5095.89));
        assert_eq!(day_basis(DayCount::ActualActual, 2028), 366);
    }
}
