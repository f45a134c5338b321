//! Plans are data: a versioned JSON document that a comp designer can read.
//!
//! The JSON reference, with an example of every component, is in `docs/plans.md`.

use crate::calc::FxMethod;
use crate::calendar::{CalendarError, FiscalCalendar};
use crate::expr::ExprError;
use crate::money::{Currency, RoundingRule};
use crate::transaction::{MoneyOrigin, TxnKind, same_text};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest money amount a plan or an input may state (a quadrillion). Bounding inputs keeps
/// every product and sum far inside `Decimal`'s range, so the engine never overflows.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// Whether `amount` is beyond [`MAX_AMOUNT`] either way, compared on the mantissa so the
/// per-transaction check costs no rescaling.
pub fn beyond_max_amount(amount: Decimal) -> bool {
    // From scale 14 up, 10^(15 + scale) exceeds any 96-bit mantissa. The limits are a table:
    // crediting checks every transaction, and a 128-bit power is a loop of multiplications.
    const LIMITS: [u128; 14] = {
        let mut limits = [0u128; 14];
        let mut i = 0;
        while i < 14 {
            limits[i] = 10u128.pow(15 + i as u32);
            i += 1;
        }
        limits
    };
    let scale = amount.scale() as usize;
    scale < 14 && amount.mantissa().unsigned_abs() > LIMITS[scale]
}

/// Largest multiple or tier edge a plan may state (attainment 1000 = 100,000%).
const MAX_MULTIPLE: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// Component id of the plan-level cap's line; components may not use it.
pub const PLAN_CAP_ID: &str = "plan-cap";

/// Component id of the draw or guarantee line; components may not use it.
pub const DRAW_ID: &str = "draw";

/// An incentive plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Stable id shared by all versions of this plan.
    pub id: String,
    /// Version number, starting at 1.
    pub version: u32,
    /// Name shown on statements.
    pub name: String,
    /// Currency the plan pays in.
    pub currency: Currency,
    /// First day the plan applies.
    pub effective_from: NaiveDate,
    /// Last day the plan applies, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// Month (1-12) in which the plan year starts; 4 for a UK April-March year.
    #[serde(default = "default_year_start")]
    pub year_start_month: u32,
    /// How money is rounded; applied to each cumulative component earning per period.
    #[serde(default)]
    pub rounding: RoundingRule,
    /// Who gets credit for a transaction.
    #[serde(default)]
    pub crediting: Crediting,
    /// What the plan pays for.
    pub components: Vec<Component>,
    /// The year's incentive earnings over all components never exceed this amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_amount: Option<Decimal>,
    /// The year's incentive earnings never exceed this multiple of the payee's fixed pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_fixed_pay_multiple: Option<Decimal>,
    /// A monthly draw or guarantee, paid when the month's earnings fall short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<Draw>,
    /// The fiscal calendar the plan's periods follow (4-4-5 weeks, ...); without one,
    /// calendar months in years starting in `year_start_month` (see [`Plan::fiscal_calendar`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<FiscalCalendar>,
    /// Which rate converts amounts in other currencies; without it, the method of the
    /// payee inputs' rate table (as of the transaction date unless it says otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx_method: Option<FxMethod>,
}

fn default_year_start() -> u32 {
    1
}

/// Crediting rules: shares by role, overlay roles credited in full, roll-up to managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Crediting {
    /// Share of a transaction by crediting role. The shares of the roles present on a
    /// transaction are rescaled to sum to one, so an owner alone receives the whole amount.
    pub splits: BTreeMap<String, Decimal>,
    /// Roles credited 100% on top of the split, without reducing anyone else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<String>,
    /// Credit to the managers of split parties, as of the transaction date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollup: Option<Rollup>,
}

impl Default for Crediting {
    fn default() -> Self {
        Crediting { splits: BTreeMap::from([("owner".to_string(), Decimal::ONE)]), overlays: Vec::new(), rollup: None }
    }
}

/// Roll-up: each manager above a split party is credited, in the role `rollup`, with the
/// sum of their reports' split credits on the transaction, without reducing anyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rollup {
    /// Split roles whose credit rolls up; every split role when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// How many levels of management are credited (1 = direct managers); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<u32>,
}

/// Which credited transactions a component measures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Transaction kinds counted; outflows count negatively.
    pub kinds: Vec<TxnKind>,
    /// Only these products, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<String>>,
    /// Only these sales channels, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// Only new, or only existing, money when given; transactions of unknown origin are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<MoneyOrigin>,
    /// Only credits in these crediting roles (e.g. `rollup` for a manager), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Measure a fee on average AUM instead of summing amounts (kinds must be `["aum"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aum_fee: Option<AumFee>,
}

impl Measure {
    /// A measure of these kinds with no filters.
    pub fn of(kinds: &[TxnKind]) -> Measure {
        Measure { kinds: kinds.to_vec(), ..Measure::default() }
    }

    /// Whether a transaction's kind, product, channel and origin pass this measure's filters
    /// (the role filter applies to credits, see [`Measure::counts_role`]).
    pub fn counts(
        &self,
        kind: TxnKind,
        product: Option<&str>,
        channel: Option<&str>,
        origin: Option<MoneyOrigin>,
    ) -> bool {
        self.kinds.contains(&kind) && self.counts_attributes(product, channel, origin)
    }

    /// Whether a transaction's product, channel and origin pass this measure's filters; its
    /// kind is not checked.
    pub(crate) fn counts_attributes(
        &self,
        product: Option<&str>,
        channel: Option<&str>,
        origin: Option<MoneyOrigin>,
    ) -> bool {
        let listed = |list: &Option<Vec<String>>, value: Option<&str>| {
            list.as_ref().is_none_or(|xs| value.is_some_and(|v| xs.iter().any(|x| same_text(x, v))))
        };
        listed(&self.products, product)
            && listed(&self.channels, channel)
            && self.origin.is_none_or(|o| origin == Some(o))
    }

    /// Whether the measure filters by product, channel or origin (beyond kind).
    pub(crate) fn filters_attributes(&self) -> bool {
        self.products.is_some() || self.channels.is_some() || self.origin.is_some()
    }

    /// Whether credit in this role counts.
    pub fn counts_role(&self, role: &str) -> bool {
        self.roles.as_ref().is_none_or(|rs| rs.iter().any(|r| r == role))
    }
}

/// A fee on assets under management: `bps / 10,000 x average AUM x days / basis` per month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AumFee {
    /// Annual fee in basis points (50 = 0.5% a year).
    pub bps: Decimal,
    /// How days are counted; actual/365 fixed by default.
    #[serde(default)]
    pub day_count: DayCount,
}

/// Day-count convention for fees accrued on balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DayCount {
    /// Actual days in the month over 365, leap years included (the default).
    #[default]
    #[serde(rename = "actual_365_fixed")]
    Actual365Fixed,
    /// Actual days in the month over 360.
    #[serde(rename = "actual_360")]
    Actual360,
    /// Actual days in the month over the days in its calendar year (365 or 366).
    #[serde(rename = "actual_actual")]
    ActualActual,
}

impl DayCount {
    /// The convention's usual name, for explanations.
    pub fn label(self) -> &'static str {
        match self {
            DayCount::Actual365Fixed => "actual/365 fixed",
            DayCount::Actual360 => "actual/360",
            DayCount::ActualActual => "actual/actual",
        }
    }
}

/// How tier rates apply to the measured amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TierMethod {
    /// Each band of the amount pays its own rate.
    Marginal,
    /// The whole amount pays the rate of the highest band reached.
    Retroactive,
}

/// A band of attainment (measure / quota) and its rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper edge of the band as a fraction of quota; the last band has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Decimal>,
    /// Rate paid on the measured amount in this band, between 0 and 1.
    pub rate: Decimal,
}

/// A condition on another component's measure: until it is met, nothing is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The component whose year-to-date measure is tested.
    pub component: String,
    /// Attainment (measure / that component's quota) needed, e.g. 0.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_attainment: Option<Decimal>,
    /// Measured amount needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_amount: Option<Decimal>,
}

/// A point of a quota-bonus curve: at this attainment, this fraction of target is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    /// Attainment as a fraction of quota.
    pub attainment: Decimal,
    /// Payout as a fraction of the target incentive.
    pub payout: Decimal,
}

/// One weighted KPI of a scorecard: financial (a measure against a target) or scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// Stable id, unique within the plan; scores and quotas are keyed by it.
    pub id: String,
    /// Name shown on statements.
    pub name: String,
    /// Weight; a scorecard's weights sum to 1.
    pub weight: Decimal,
    /// For a financial KPI: what is measured. Its score is the attainment against `target`
    /// (or the payee's quota under the KPI's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
    /// Annual target of a financial KPI, unless the payee's inputs give one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Decimal>,
    /// For a scored (non-financial) KPI: the top of its rating scale, e.g. 5 for ratings
    /// 0-5; a score is divided by it. 1 (scores given as fractions) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Decimal>,
}

/// Whether a draw is advanced against later earnings or is a guarantee never recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DrawKind {
    /// A shortfall below the draw is advanced and recovered from later months' excess.
    Recoverable,
    /// A shortfall below the guaranteed amount is topped up and never recovered.
    NonRecoverable,
}

/// A monthly draw or guarantee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Draw {
    /// Recoverable or not.
    #[serde(rename = "type")]
    pub kind: DrawKind,
    /// Amount per month.
    pub amount: Decimal,
    /// First day it applies (months overlapping the window count in full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// One thing the plan pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    /// A single rate on the year-to-date measure.
    Flat {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured.
        measure: Measure,
        /// Rate between 0 and 1.
        rate: Decimal,
        /// Year-to-date earnings never fall below this (e.g. 0, so net outflows earn nothing
        /// rather than owing pay back).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Decimal>,
        /// Nothing is paid until another component's measure reaches a bar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gate: Option<Gate>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
    /// Rates by attainment band against the annual quota; rising rates accelerate, falling
    /// rates decelerate.
    Tiered {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured.
        measure: Measure,
        /// Marginal or retroactive.
        method: TierMethod,
        /// Bands in increasing order.
        tiers: Vec<Tier>,
        /// Below this attainment nothing is paid; at or above it the bands pay in full.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<Decimal>,
        /// Nothing is paid until another component's measure reaches a bar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gate: Option<Gate>,
        /// Cap on the year's earnings from this component as a fraction of the annual quota.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_quota_multiple: Option<Decimal>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
    /// Target incentive x a payout curve of attainment, linear between points.
    QuotaBonus {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured against the quota.
        measure: Measure,
        /// Annual target incentive, unless the payee's inputs give one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_incentive: Option<Decimal>,
        /// Points in increasing attainment. Below the first nothing is paid; above the last
        /// its payout holds.
        curve: Vec<CurvePoint>,
        /// Nothing is paid until another component's measure reaches a bar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gate: Option<Gate>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
    /// Target incentive x the weighted score of KPIs (MBO), financial or not.
    Scorecard {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// Annual target incentive, unless the payee's inputs give one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_incentive: Option<Decimal>,
        /// The KPIs; their weights sum to 1.
        kpis: Vec<Kpi>,
        /// Highest normalised score a KPI counts for (1 when absent; 1.2 lets a KPI pay 120%).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_score: Option<Decimal>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
    /// A sales incentive for a time box: credits dated `from`..=`to` pay a rate or an amount
    /// per unit (per transaction, times the payee's credit share).
    Spif {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured, usually with a product filter.
        measure: Measure,
        /// First day of the window.
        from: NaiveDate,
        /// Last day of the window.
        to: NaiveDate,
        /// Rate on the measured amount, between 0 and 1; or give `per_unit`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rate: Option<Decimal>,
        /// Amount per qualifying transaction, times the credit share; or give `rate`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        per_unit: Option<Decimal>,
        /// Nothing is paid until another component's measure reaches a bar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gate: Option<Gate>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
    /// Pays what a formula (`docs/expressions.md`) gives from year-to-date figures: the
    /// measure, quota, attainment, target incentive and other components' measures and
    /// earnings.
    Formula {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured (`measured` in the formula).
        measure: Measure,
        /// The formula, e.g. `min(attainment, 1.5) * target_incentive`.
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        expression: crate::expr::Formula,
        /// Annual target incentive (`target_incentive` in the formula), unless the payee's
        /// inputs give one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_incentive: Option<Decimal>,
        /// Nothing is paid until another component's measure reaches a bar.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gate: Option<Gate>,
        /// Cap on the year's earnings from this component.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_amount: Option<Decimal>,
    },
}

/// Names a formula reads whatever the plan: the component's own measure, quota and target.
pub const FORMULA_NAMES: [&str; 4] = ["measured", "quota", "attainment", "target_incentive"];

/// Prefix of the name of another component's measure in a formula (`measured_fees`).
pub const MEASURED_PREFIX: &str = "measured_";

/// Prefix of the name of an earlier component's earnings in a formula (`earned_fees`).
pub const EARNED_PREFIX: &str = "earned_";

impl Component {
    /// The component's stable id.
    pub fn id(&self) -> &str {
        match self {
            Component::Flat { id, .. }
            | Component::Tiered { id, .. }
            | Component::QuotaBonus { id, .. }
            | Component::Scorecard { id, .. }
            | Component::Spif { id, .. }
            | Component::Formula { id, .. } => id,
        }
    }

    /// The component's display name.
    pub fn name(&self) -> &str {
        match self {
            Component::Flat { name, .. }
            | Component::Tiered { name, .. }
            | Component::QuotaBonus { name, .. }
            | Component::Scorecard { name, .. }
            | Component::Spif { name, .. }
            | Component::Formula { name, .. } => name,
        }
    }

    /// What the component measures; a scorecard measures through its KPIs instead.
    pub fn measure(&self) -> Option<&Measure> {
        match self {
            Component::Flat { measure, .. }
            | Component::Tiered { measure, .. }
            | Component::QuotaBonus { measure, .. }
            | Component::Spif { measure, .. }
            | Component::Formula { measure, .. } => Some(measure),
            Component::Scorecard { .. } => None,
        }
    }

    /// The gate on another component's measure, if any.
    pub fn gate(&self) -> Option<&Gate> {
        match self {
            Component::Flat { gate, .. }
            | Component::Tiered { gate, .. }
            | Component::QuotaBonus { gate, .. }
            | Component::Spif { gate, .. }
            | Component::Formula { gate, .. } => gate.as_ref(),
            Component::Scorecard { .. } => None,
        }
    }

    /// The cap on the year's earnings from this component, in money.
    pub fn cap_amount(&self) -> Option<Decimal> {
        match self {
            Component::Flat { cap_amount, .. }
            | Component::Tiered { cap_amount, .. }
            | Component::QuotaBonus { cap_amount, .. }
            | Component::Scorecard { cap_amount, .. }
            | Component::Spif { cap_amount, .. }
            | Component::Formula { cap_amount, .. } => *cap_amount,
        }
    }

    /// Whether the component measures attainment against a quota.
    pub fn needs_quota(&self) -> bool {
        match self {
            Component::Tiered { .. } | Component::QuotaBonus { .. } => true,
            Component::Formula { expression, .. } => {
                expression.expr().is_ok_and(|e| e.variables().iter().any(|v| ["quota", "attainment"].contains(v)))
            }
            _ => false,
        }
    }

    /// For a component paid against a target incentive, the plan's figure (the payee's
    /// inputs may give it instead); `None` when the component has no target.
    pub fn target_incentive(&self) -> Option<Option<Decimal>> {
        match self {
            Component::QuotaBonus { target_incentive, .. } | Component::Scorecard { target_incentive, .. } => {
                Some(*target_incentive)
            }
            Component::Formula { expression, target_incentive, .. }
                if expression.expr().is_ok_and(|e| e.variables().contains("target_incentive")) =>
            {
                Some(*target_incentive)
            }
            _ => None,
        }
    }

    /// Whether the component has a decelerator: a tier whose rate is lower than the one
    /// before, a curve point paying less than the one before, or a formula (which is not
    /// analysed). Without one, more measured credit never pays less.
    pub fn has_decelerator(&self) -> bool {
        match self {
            Component::Tiered { tiers, .. } => tiers.windows(2).any(|w| w[1].rate < w[0].rate),
            Component::QuotaBonus { curve, .. } => curve.windows(2).any(|w| w[1].payout < w[0].payout),
            // A formula is not analysed: it may pay less for more (`if(measured > x, 0, ...)`).
            Component::Formula { .. } => true,
            _ => false,
        }
    }
}

/// One problem found in a plan, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanProblem {
    /// Where the problem is, e.g. `components[2].tiers[1].rate`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a plan could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The document is not valid JSON for a plan.
    #[error("plan JSON is malformed at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The plan parsed but breaks rules; every problem is listed.
    #[error("plan is invalid: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PlanProblem>),
}

/// Collects problems as validation walks the plan.
#[derive(Default)]
struct Problems(Vec<PlanProblem>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(PlanProblem { path: path.into(), message: message.into() });
    }

    /// A money amount: not negative, not beyond [`MAX_AMOUNT`].
    fn amount(&mut self, path: impl Into<String>, value: Option<Decimal>) {
        if let Some(v) = value {
            if v < Decimal::ZERO {
                self.add(path, "must not be negative");
            } else if v > MAX_AMOUNT {
                self.add(path, "must be at most 1,000,000,000,000,000");
            }
        }
    }

    /// A multiple or attainment: not negative, at most 1000.
    fn multiple(&mut self, path: impl Into<String>, value: Option<Decimal>) {
        if let Some(v) = value
            && (v < Decimal::ZERO || v > MAX_MULTIPLE)
        {
            self.add(path, "must be between 0 and 1000");
        }
    }

    /// A rate: between 0 and 1.
    fn rate(&mut self, path: impl Into<String>, value: Decimal) {
        if !(Decimal::ZERO..=Decimal::ONE).contains(&value) {
            self.add(path, "must be between 0 and 1");
        }
    }

    /// A list filter that is given must name something.
    fn list(&mut self, path: impl Into<String>, value: &Option<Vec<String>>) {
        if value.as_ref().is_some_and(|v| v.is_empty()) {
            self.add(path, "must name at least one value, or be left out");
        }
    }
}

impl Plan {
    /// The fiscal calendar the plan follows: its own, else calendar months from
    /// `year_start_month`.
    pub fn fiscal_calendar(&self) -> FiscalCalendar {
        self.calendar.clone().unwrap_or_else(|| FiscalCalendar::monthly(self.year_start_month))
    }

    /// Parses and validates a plan document.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let plan: Plan = serde_json::from_str(text).map_err(|e| PlanError::Malformed {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let problems = plan.validate();
        if problems.is_empty() { Ok(plan) } else { Err(PlanError::Invalid(problems)) }
    }

    /// Whether any component can pay less for more attainment (see [`Component::has_decelerator`]).
    pub fn has_decelerator(&self) -> bool {
        self.components.iter().any(Component::has_decelerator)
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id() == id)
    }

    /// Every rule the plan breaks, each with its JSON path; empty when the plan is valid.
    pub fn validate(&self) -> Vec<PlanProblem> {
        let mut p = Problems::default();
        if self.id.trim().is_empty() {
            p.add("id", "must not be empty");
        }
        if self.version == 0 {
            p.add("version", "must be 1 or more");
        }
        if self.currency.0.len() != 3 || !self.currency.0.chars().all(|c| c.is_ascii_uppercase()) {
            p.add("currency", "must be a three-letter ISO 4217 code such as GBP");
        }
        if !(1..=12).contains(&self.year_start_month) {
            p.add("year_start_month", "must be a month number from 1 to 12");
        }
        if let Some(Err(CalendarError::InvalidMonth { field, month })) =
            self.calendar.as_ref().map(FiscalCalendar::validate)
        {
            p.add(format!("calendar.{field}"), format!("must be a month number from 1 to 12, got {month}"));
        }
        if let Some(to) = self.effective_to
            && to < self.effective_from
        {
            p.add("effective_to", "must not be before effective_from");
        }
        self.validate_crediting(&mut p);
        if self.components.is_empty() {
            p.add("components", "must have at least one component");
        }
        // Component and KPI ids share one namespace: quotas, scores and paid amounts are keyed by them.
        let mut seen = BTreeSet::new();
        for (c, component) in self.components.iter().enumerate() {
            let at = format!("components[{c}]");
            let mut id = |path: String, id: &str| {
                if id.trim().is_empty() {
                    p.add(path, "must not be empty");
                } else if id == PLAN_CAP_ID || id == DRAW_ID {
                    p.add(path, format!("`{id}` is reserved for the plan's own lines"));
                } else if !seen.insert(id.to_string()) {
                    p.add(path, "must be unique within the plan (component and KPI ids share one namespace)");
                }
            };
            id(format!("{at}.id"), component.id());
            if let Component::Scorecard { kpis, .. } = component {
                for (k, kpi) in kpis.iter().enumerate() {
                    id(format!("{at}.kpis[{k}].id"), &kpi.id);
                }
            }
            self.validate_component(&mut p, c, &at, component);
        }
        p.amount("cap_amount", self.cap_amount);
        p.multiple("cap_fixed_pay_multiple", self.cap_fixed_pay_multiple);
        if let Some(draw) = &self.draw {
            p.amount("draw.amount", Some(draw.amount));
            if let (Some(from), Some(to)) = (draw.from, draw.to)
                && to < from
            {
                p.add("draw.to", "must not be before draw.from");
            }
        }
        p.0
    }

    /// The names a formula in component `c` reads (`docs/plans.md`, "Formula"): its own
    /// figures, `measured_<id>` of every other component with a measure, and `earned_<id>`
    /// of the components before it. Only ids that are formula names (lower case, digits and
    /// `_`) can be named.
    pub fn formula_names(&self, c: usize) -> Vec<String> {
        let mut names: Vec<String> = FORMULA_NAMES.iter().map(|n| n.to_string()).collect();
        let nameable = |id: &str| {
            !id.is_empty() && id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        };
        for (g, other) in self.components.iter().enumerate().filter(|(g, o)| *g != c && nameable(o.id())) {
            if other.measure().is_some() {
                names.push(format!("{MEASURED_PREFIX}{}", other.id()));
            }
            if g < c {
                names.push(format!("{EARNED_PREFIX}{}", other.id()));
            }
        }
        names
    }

    /// The message for a name a formula cannot read, saying what it can.
    fn unknown_name(&self, c: usize, error: &ExprError, known: &[&str]) -> String {
        if let ExprError::UnknownVariable { column, text } = error
            && let Some(id) = text.strip_prefix(EARNED_PREFIX)
            && self.components.iter().skip(c).any(|other| other.id() == id)
        {
            return format!(
                "at char {column}: '{text}' is the earnings of this component or a later one; a formula can use the earnings of components listed before it"
            );
        }
        format!("{error}; the names available here are {}", known.join(", "))
    }

    fn validate_crediting(&self, p: &mut Problems) {
        let crediting = &self.crediting;
        if crediting.splits.is_empty() {
            p.add("crediting.splits", "must name at least one role");
        }
        for (role, share) in &crediting.splits {
            if *share <= Decimal::ZERO || *share > Decimal::ONE {
                p.add(format!("crediting.splits.{role}"), "must be more than 0 and at most 1");
            }
        }
        for (i, role) in crediting.overlays.iter().enumerate() {
            if crediting.splits.contains_key(role) {
                p.add(format!("crediting.overlays[{i}]"), "a role cannot be both split and overlay");
            }
        }
        if let Some(rollup) = &crediting.rollup {
            for (i, role) in rollup.roles.iter().enumerate() {
                if !crediting.splits.contains_key(role) {
                    p.add(format!("crediting.rollup.roles[{i}]"), "must be one of the split roles");
                }
            }
            if rollup.levels == Some(0) {
                p.add("crediting.rollup.levels", "must be 1 or more, or left out for every level");
            }
            if crediting.splits.contains_key("rollup") || crediting.overlays.iter().any(|r| r == "rollup") {
                p.add("crediting.rollup", "the role `rollup` is reserved for roll-up credit");
            }
        }
    }

    fn validate_measure(&self, p: &mut Problems, at: &str, measure: &Measure) {
        if measure.kinds.is_empty() {
            p.add(format!("{at}.kinds"), "must name at least one transaction kind");
        }
        p.list(format!("{at}.products"), &measure.products);
        p.list(format!("{at}.channels"), &measure.channels);
        p.list(format!("{at}.roles"), &measure.roles);
        let aum = measure.kinds.contains(&TxnKind::Aum);
        match &measure.aum_fee {
            Some(fee) => {
                if measure.kinds != [TxnKind::Aum] {
                    p.add(format!("{at}.kinds"), "an aum_fee measure reads balances only: kinds must be [\"aum\"]");
                }
                if fee.bps < Decimal::ZERO || fee.bps > Decimal::from(10_000) {
                    p.add(format!("{at}.aum_fee.bps"), "must be between 0 and 10000");
                }
            }
            None if aum => p.add(
                format!("{at}.kinds"),
                "AUM balances cannot be summed; measure them with aum_fee (a fee on average AUM)",
            ),
            None => {}
        }
    }

    fn validate_gate(&self, p: &mut Problems, at: &str, own_id: &str, gate: &Gate) {
        let at = format!("{at}.gate");
        match self.component(&gate.component) {
            None => p.add(format!("{at}.component"), format!("no component has the id `{}`", gate.component)),
            Some(c) if c.id() == own_id => p.add(format!("{at}.component"), "a component cannot gate itself"),
            Some(c) if c.measure().is_none() => {
                p.add(format!("{at}.component"), "must be a component with a measure (not a scorecard)")
            }
            Some(_) => {}
        }
        if gate.min_attainment.is_none() && gate.min_amount.is_none() {
            p.add(at.clone(), "must give min_attainment, min_amount or both");
        }
        p.multiple(format!("{at}.min_attainment"), gate.min_attainment);
        if let Some(amount) = gate.min_amount
            && amount.abs() > MAX_AMOUNT
        {
            p.add(format!("{at}.min_amount"), "must be at most 1,000,000,000,000,000 either way");
        }
    }

    fn validate_component(&self, p: &mut Problems, c: usize, at: &str, component: &Component) {
        if let Some(measure) = component.measure() {
            self.validate_measure(p, &format!("{at}.measure"), measure);
        }
        if let Some(gate) = component.gate() {
            self.validate_gate(p, at, component.id(), gate);
        }
        p.amount(format!("{at}.cap_amount"), component.cap_amount());
        match component {
            Component::Flat { rate, floor, .. } => {
                p.rate(format!("{at}.rate"), *rate);
                if let Some(f) = floor
                    && f.abs() > MAX_AMOUNT
                {
                    p.add(format!("{at}.floor"), "must be at most 1,000,000,000,000,000 either way");
                }
            }
            Component::Tiered { tiers, cap_quota_multiple, threshold, .. } => {
                if tiers.is_empty() {
                    p.add(format!("{at}.tiers"), "must have at least one tier");
                }
                let mut previous = Decimal::ZERO;
                for (t, tier) in tiers.iter().enumerate() {
                    p.rate(format!("{at}.tiers[{t}].rate"), tier.rate);
                    let last = t + 1 == tiers.len();
                    match (tier.up_to, last) {
                        (Some(up_to), _) if up_to <= previous => {
                            p.add(format!("{at}.tiers[{t}].up_to"), "must be greater than the previous tier's up_to")
                        }
                        (Some(up_to), _) if up_to > MAX_MULTIPLE => {
                            p.add(format!("{at}.tiers[{t}].up_to"), "must be at most 1000")
                        }
                        (Some(up_to), _) => previous = up_to,
                        (None, false) => {
                            p.add(format!("{at}.tiers[{t}].up_to"), "only the last tier may be open-ended")
                        }
                        (None, true) => {}
                    }
                }
                if cap_quota_multiple.is_some_and(|c| c < Decimal::ZERO) {
                    p.add(format!("{at}.cap_quota_multiple"), "must not be negative");
                } else {
                    p.multiple(format!("{at}.cap_quota_multiple"), *cap_quota_multiple);
                }
                p.multiple(format!("{at}.threshold"), *threshold);
            }
            Component::QuotaBonus { target_incentive, curve, .. } => {
                p.amount(format!("{at}.target_incentive"), *target_incentive);
                if curve.is_empty() {
                    p.add(format!("{at}.curve"), "must have at least one point");
                }
                for (i, point) in curve.iter().enumerate() {
                    p.multiple(format!("{at}.curve[{i}].attainment"), Some(point.attainment));
                    p.multiple(format!("{at}.curve[{i}].payout"), Some(point.payout));
                    if i > 0 && point.attainment <= curve[i - 1].attainment {
                        p.add(
                            format!("{at}.curve[{i}].attainment"),
                            "must be greater than the previous point's attainment",
                        );
                    }
                }
            }
            Component::Scorecard { target_incentive, kpis, max_score, .. } => {
                p.amount(format!("{at}.target_incentive"), *target_incentive);
                if kpis.is_empty() {
                    p.add(format!("{at}.kpis"), "must have at least one KPI");
                }
                let total: Decimal = kpis.iter().map(|k| k.weight).sum();
                if !kpis.is_empty() && total != Decimal::ONE {
                    p.add(format!("{at}.kpis"), format!("weights must sum to 1, they sum to {}", total.normalize()));
                }
                if max_score.is_some_and(|m| m <= Decimal::ZERO) {
                    p.add(format!("{at}.max_score"), "must be more than 0");
                } else {
                    p.multiple(format!("{at}.max_score"), *max_score);
                }
                for (k, kpi) in kpis.iter().enumerate() {
                    let at = format!("{at}.kpis[{k}]");
                    if kpi.weight <= Decimal::ZERO || kpi.weight > Decimal::ONE {
                        p.add(format!("{at}.weight"), "must be more than 0 and at most 1");
                    }
                    match &kpi.measure {
                        Some(measure) => {
                            self.validate_measure(p, &format!("{at}.measure"), measure);
                            if kpi.scale.is_some() {
                                p.add(format!("{at}.scale"), "a financial KPI is scored by attainment, not a scale");
                            }
                            if kpi.target.is_some_and(|t| t <= Decimal::ZERO) {
                                p.add(format!("{at}.target"), "must be more than 0");
                            } else {
                                p.amount(format!("{at}.target"), kpi.target);
                            }
                        }
                        None => {
                            if kpi.target.is_some() {
                                p.add(format!("{at}.target"), "only a financial KPI (with a measure) has a target");
                            }
                            if kpi.scale.is_some_and(|s| s <= Decimal::ZERO) {
                                p.add(format!("{at}.scale"), "must be more than 0");
                            } else {
                                p.multiple(format!("{at}.scale"), kpi.scale);
                            }
                        }
                    }
                }
            }
            Component::Spif { from, to, rate, per_unit, .. } => {
                if to < from {
                    p.add(format!("{at}.to"), "must not be before from");
                }
                match (rate, per_unit) {
                    (Some(r), None) => p.rate(format!("{at}.rate"), *r),
                    (None, Some(u)) => p.amount(format!("{at}.per_unit"), Some(*u)),
                    _ => p.add(at.to_string(), "must give exactly one of rate and per_unit"),
                }
            }
            Component::Formula { expression, target_incentive, .. } => {
                let path = format!("{at}.expression");
                match expression.expr() {
                    Err(e) => p.add(path, e.to_string()),
                    Ok(expr) => {
                        let names = self.formula_names(c);
                        let known: Vec<&str> = names.iter().map(String::as_str).collect();
                        if let Err(e) = expr.check_variables(&known) {
                            p.add(path, self.unknown_name(c, &e, &known));
                        }
                        if target_incentive.is_some() && !expr.variables().contains("target_incentive") {
                            p.add(
                                format!("{at}.target_incentive"),
                                "is given but the formula does not use target_incentive",
                            );
                        }
                    }
                }
                p.amount(format!("{at}.target_incentive"), *target_incentive);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01",
        "components": [{"type": "tiered", "id": "c", "name": "C", "measure": {"kinds": ["booking"]},
            "method": "marginal", "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"rate": "0.04"}]}]
    }"#;

    fn problems(text: &str) -> Vec<String> {
        match Plan::from_json(text) {
            Err(PlanError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
            other => panic!("expected validation problems, got {other:?}"),
        }
    }

    #[test]
    fn a_good_plan_parses() {
        let plan = Plan::from_json(GOOD).unwrap();
        assert_eq!(plan.crediting.splits.len(), 1);
        assert_eq!(MAX_AMOUNT, Decimal::from(1_000_000_000_000_000i64));
    }

    #[test]
    fn the_plan_names_its_calendar_and_conversion_method() {
        let plan = Plan::from_json(GOOD).unwrap();
        assert_eq!((plan.calendar.as_ref(), plan.fx_method), (None, None));
        assert_eq!(plan.fiscal_calendar(), FiscalCalendar::monthly(1));
        let fields = r#""calendar": {"type": "weekly", "pattern": "4-4-5", "end_month": 3, "end_weekday": "Sat",
            "year_end": "last_in_month"}, "fx_method": "monthly_average", "components""#;
        let plan = Plan::from_json(&GOOD.replace("\"components\"", fields)).unwrap();
        assert_eq!(plan.fx_method, Some(FxMethod::MonthlyAverage));
        assert!(matches!(plan.fiscal_calendar(), FiscalCalendar::Weekly { end_month: 3, .. }));
        let bad = GOOD.replace("\"components\"", &fields.replace("\"end_month\": 3", "\"end_month\": 13"));
        assert_eq!(problems(&bad), ["calendar.end_month: must be a month number from 1 to 12, got 13"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let bad = GOOD.replace("\"0.04\"", "\"1.5\"").replace("\"0.5\"", "\"-1\"");
        assert_eq!(
            problems(&bad),
            vec![
                "components[0].tiers[0].up_to: must be greater than the previous tier's up_to",
                "components[0].tiers[1].rate: must be between 0 and 1",
            ]
        );
    }

    #[test]
    fn new_components_are_validated_with_paths() {
        let bad = r#"{"id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01",
            "cap_amount": "-1", "draw": {"type": "recoverable", "amount": "100", "from": "2026-05-01", "to": "2026-04-01"},
            "crediting": {"splits": {"owner": "1"}, "rollup": {"roles": ["manager"], "levels": 0}},
            "components": [
              {"type": "flat", "id": "a", "name": "A", "measure": {"kinds": ["aum"]}, "rate": "0.1",
               "gate": {"component": "a"}},
              {"type": "quota_bonus", "id": "b", "name": "B", "measure": {"kinds": ["booking"]},
               "curve": [{"attainment": "1", "payout": "1"}, {"attainment": "0.5", "payout": "0.5"}]},
              {"type": "scorecard", "id": "s", "name": "S", "kpis": [
                {"id": "b", "name": "dup", "weight": "0.5"}, {"id": "k", "name": "K", "weight": "0.4", "scale": "0"}]},
              {"type": "spif", "id": "draw", "name": "X", "measure": {"kinds": ["booking"], "products": []},
               "from": "2026-06-01", "to": "2026-05-01", "rate": "0.1", "per_unit": "5"}
            ]}"#;
        assert_eq!(
            problems(bad),
            vec![
                "crediting.rollup.roles[0]: must be one of the split roles",
                "crediting.rollup.levels: must be 1 or more, or left out for every level",
                "components[0].measure.kinds: AUM balances cannot be summed; measure them with aum_fee (a fee on average AUM)",
                "components[0].gate.component: a component cannot gate itself",
                "components[0].gate: must give min_attainment, min_amount or both",
                "components[1].curve[1].attainment: must be greater than the previous point's attainment",
                "components[2].kpis[0].id: must be unique within the plan (component and KPI ids share one namespace)",
                "components[2].kpis: weights must sum to 1, they sum to 0.9",
                "components[2].kpis[1].scale: must be more than 0",
                "components[3].id: `draw` is reserved for the plan's own lines",
                "components[3].measure.products: must name at least one value, or be left out",
                "components[3].to: must not be before from",
                "components[3]: must give exactly one of rate and per_unit",
                "cap_amount: must not be negative",
                "draw.to: must not be before draw.from",
            ]
        );
    }

    #[test]
    fn formula_mistakes_name_the_json_path_and_the_character() {
        let formula = |id: &str, expression: &str, extra: &str| {
            format!(
                r#"{{"type": "formula", "id": "{id}", "name": "F", "measure": {{"kinds": ["booking"]}}, "expression": {expression:?}{extra}}}"#
            )
        };
        let components = [
            r#"{"type": "flat", "id": "fees", "name": "Fees", "measure": {"kinds": ["booking"]}, "rate": "0.01"}"#
                .to_string(),
            formula("a", "(measured * 2", ""),
            formula("b", "measured * bonus", ""),
            formula("c", "earned_later + 1", r#", "target_incentive": "100""#),
            formula("later", "if(measured, 1, 0)", r#", "target_incentive": "-5""#),
            formula("e", "(measured > 0) * 5", ""),
            formula("f", " ", ""),
        ];
        let plan = GOOD.replacen(
            &GOOD[GOOD.find("[{\"type\"").unwrap()..GOOD.rfind(']').unwrap() + 1],
            &format!("[{}]", components.join(", ")),
            1,
        );
        assert_eq!(
            problems(&plan),
            vec![
                "components[1].expression: at char 14: the formula ends too early; expected ')'",
                "components[2].expression: at char 12: unknown variable 'bonus'; the names available here are measured, quota, attainment, target_incentive, measured_fees, earned_fees, measured_a, earned_a, measured_c, measured_later, measured_e, measured_f",
                "components[3].expression: at char 1: 'earned_later' is the earnings of this component or a later one; a formula can use the earnings of components listed before it",
                "components[3].target_incentive: is given but the formula does not use target_incentive",
                "components[4].expression: at char 4: 'measured' is a number, but a yes/no condition is needed here",
                "components[4].target_incentive: must not be negative",
                "components[5].expression: at char 1: '(measured > 0)' is a yes/no condition, but a number is needed here",
                "components[6].expression: the formula is empty",
            ]
        );
    }

    #[test]
    fn a_good_formula_reads_its_names_and_round_trips() {
        let text = GOOD.replace(
            r#"{"type": "tiered""#,
            r#"{"type": "formula", "id": "bonus", "name": "Bonus", "measure": {"kinds": ["booking"]},
                "expression": "min(attainment, 1.5) * target_incentive + earned_c", "target_incentive": "1000"},
               {"type": "tiered""#,
        );
        // `earned_c` is the later component's: refused; reordered, the same formula is fine.
        assert_eq!(problems(&text).len(), 1);
        let plan = Plan::from_json(&text.replace("+ earned_c", "+ measured_c")).unwrap();
        assert!(plan.components[0].needs_quota());
        assert_eq!(plan.components[0].target_incentive(), Some(Some(Decimal::from(1000))));
        assert!(plan.has_decelerator());
        let json = serde_json::to_string(&plan).unwrap();
        assert!(json.contains(r#""expression":"min(attainment, 1.5) * target_incentive + measured_c""#), "{json}");
        assert_eq!(Plan::from_json(&json).unwrap(), plan);
    }

    #[test]
    fn unknown_fields_are_refused_not_ignored() {
        let typo = GOOD.replace("\"method\"", "\"cap_quota_multipl\": \"0.1\", \"method\"");
        assert!(matches!(Plan::from_json(&typo), Err(PlanError::Malformed { .. })));
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = Plan::from_json("{\n  \"id\": }").unwrap_err();
        assert!(matches!(err, PlanError::Malformed { line: 2, .. }), "{err}");
    }

    #[test]
    fn decelerators_are_falling_rates_or_curves() {
        assert!(!Plan::from_json(GOOD).unwrap().has_decelerator());
        assert!(Plan::from_json(&GOOD.replace("\"0.04\"", "\"0.01\"")).unwrap().has_decelerator());
    }
}
