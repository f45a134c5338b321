//! The period calculation: cumulative year to date, with a true-up against what was paid.
//!
//! Each statement recomputes the plan year from its first day: earnings to the period's end
//! minus earnings to the previous period's end, per component. The rules behind the inputs
//! (the long form, with examples, is `docs/plans.md`):
//!
//! - **Proration.** Quotas, target incentives and fixed pay are full-year figures. When the
//!   payee's `assignments` do not cover the whole plan year, each is multiplied by days
//!   assigned / days in the plan year and rounded to the currency's minor unit by the plan's
//!   rule; credits dated on days the payee was not assigned do not count.
//! - **Late and corrected transactions.** A statement counts only transactions recorded by
//!   its period's end, so re-running a closed period reproduces what was paid. A transaction
//!   dated in a closed period but recorded later (a correction is such a transaction carrying
//!   the difference, or a reversal and a replacement) changes what closed periods earned: the
//!   next statement pays `recalculated earnings to the previous period's end - what earlier
//!   statements paid` as an explicit adjustment line naming it. What was paid is
//!   `paid_to_date` when given, else the earlier statement recomputed as it was.
//! - **Draws.** Month by month from the plan year's start (period by period under a weekly
//!   fiscal calendar, as AUM fees are): a recoverable draw advances the shortfall of a
//!   month's pay below the draw and recovers the balance from later months' pay above it; a
//!   guarantee tops a month up to its amount and is never recovered.

pub mod eval;
mod explain;

use crate::calendar::{CalendarError, FiscalCalendar, FiscalPeriod};
use crate::credit::{Credit, Crediter, OrgChart, ROLLUP_ROLE, ReportingLine, Source};
use crate::fx::{Conversion, ConversionMethod, FxError, FxRate, RateTable};
use crate::plan::{Component, DrawKind, MAX_AMOUNT, PLAN_CAP_ID, Plan, PlanProblem, beyond_max_amount};
use crate::statement::{Period, Statement};
use crate::transaction::{Transaction, TxnKind, same_text};
use chrono::{Datelike, Months, NaiveDate};
use eval::{AumMonth, Evaluation, Measured, ScoreBook, Slots, Terms, aum_fee, day_basis, prorate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// What one payee brings to a calculation. Annual figures are for a full plan year; the
/// engine prorates them when `assignments` cover less.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PayeeInputs<'a> {
    /// The payee's id.
    pub payee: Cow<'a, str>,
    /// Annual quota, used by every component that needs one unless `quotas` names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_quota: Option<Decimal>,
    /// Annual quota by component id, or target by financial KPI id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quotas: BTreeMap<String, Decimal>,
    /// Annual target incentive by component id, overriding the plan's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub target_incentives: BTreeMap<String, Decimal>,
    /// Annual fixed pay (salary), for a plan capped at a multiple of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_pay: Option<Decimal>,
    /// Scores of non-financial KPIs, dated; the latest on or before a date counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
    /// Recoverable draw still owed at the plan year's start, carried from the year before.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub draw_balance: Decimal,
    /// When the payee is on this plan; the whole plan year when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<Assignment>,
    /// Reporting lines for roll-up credit; a manager's transactions must include their reports'.
    #[serde(default, skip_serializing_if = "no_lines")]
    pub org: Cow<'a, [ReportingLine]>,
    /// What earlier statements of this plan year paid, by component id (and `plan-cap`),
    /// up to the end of the previous period.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paid_to_date: BTreeMap<String, Decimal>,
    /// Transactions that may credit the payee, in any order.
    #[serde(default)]
    pub transactions: Cow<'a, [Transaction]>,
    /// Exchange rates converting transactions in other currencies to the plan's; without
    /// them such a transaction is an error, never silently mixed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fx: Option<FxInputs>,
}

/// Rates for converting transactions to the plan's currency, and which rate applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FxInputs {
    /// Quoted rates (a reverse quote is inverted when the pair is missing).
    pub rates: Vec<FxRate>,
    /// As of the transaction date (the default) or the average over its month.
    #[serde(default)]
    pub method: FxMethod,
}

/// Which rate converts a transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FxMethod {
    /// The latest rate dated on or before the transaction date.
    #[default]
    AsOfTransactionDate,
    /// The mean of the rates dated in the calendar month of the transaction.
    MonthlyAverage,
}

fn no_lines(lines: &[ReportingLine]) -> bool {
    lines.is_empty()
}

impl<'a> PayeeInputs<'a> {
    /// Inputs naming only the payee and their transactions; set other fields as needed.
    pub fn new(payee: &'a str, transactions: &'a [Transaction]) -> PayeeInputs<'a> {
        PayeeInputs { payee: Cow::Borrowed(payee), transactions: Cow::Borrowed(transactions), ..PayeeInputs::default() }
    }

    /// A copy that owns everything it refers to.
    pub fn into_owned(self) -> PayeeInputs<'static> {
        PayeeInputs {
            payee: Cow::Owned(self.payee.into_owned()),
            org: Cow::Owned(self.org.into_owned()),
            transactions: Cow::Owned(self.transactions.into_owned()),
            annual_quota: self.annual_quota,
            quotas: self.quotas,
            target_incentives: self.target_incentives,
            fixed_pay: self.fixed_pay,
            scores: self.scores,
            draw_balance: self.draw_balance,
            assignments: self.assignments,
            paid_to_date: self.paid_to_date,
            fx: self.fx,
        }
    }
}

/// A span of days on the plan, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// First day.
    pub from: NaiveDate,
    /// Last day, if it has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// A non-financial KPI's score, on the KPI's scale (0 to `scale`, 0 to 1 by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// The KPI's id.
    pub kpi: String,
    /// The score given.
    pub score: Decimal,
    /// The day it was assessed.
    pub as_of: NaiveDate,
}

/// Why a statement could not be calculated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// The plan breaks its rules; every problem is listed.
    #[error("plan is invalid: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidPlan(Vec<PlanProblem>),
    /// The period ends before it starts.
    #[error("the period from {start} to {end} ends before it starts")]
    InvalidPeriod {
        /// First day given.
        start: NaiveDate,
        /// Last day given.
        end: NaiveDate,
    },
    /// A component (or a gate or KPI) needs a quota and the payee has none.
    #[error("component `{component}` needs an annual quota for payee {payee}, and none was given")]
    MissingQuota {
        /// The payee.
        payee: String,
        /// The component or KPI.
        component: String,
    },
    /// A quota of zero or less cannot define attainment.
    #[error("quota for `{component}` of payee {payee} must be positive, got {quota}")]
    NonPositiveQuota {
        /// The payee.
        payee: String,
        /// The component or KPI.
        component: String,
        /// The quota, after any proration.
        quota: Decimal,
    },
    /// A quota bonus or scorecard needs a target incentive and neither plan nor payee gives one.
    #[error("component `{component}` needs a target incentive for payee {payee}, and none was given")]
    MissingTarget {
        /// The payee.
        payee: String,
        /// The component.
        component: String,
    },
    /// The plan caps pay at a multiple of fixed pay and the payee has none.
    #[error("plan `{plan}` caps pay at a multiple of fixed pay, and payee {payee} has none")]
    MissingFixedPay {
        /// The payee.
        payee: String,
        /// The plan.
        plan: String,
    },
    /// A transaction is in a currency other than the plan's.
    #[error("transaction {txn} is in {found}, but plan `{plan}` pays in {expected}")]
    CurrencyMismatch {
        /// The transaction.
        txn: String,
        /// Its currency.
        found: String,
        /// The plan's currency.
        expected: String,
        /// The plan.
        plan: String,
    },
    /// An amount is beyond what the engine accepts (a quadrillion either way) or negative
    /// where it cannot be.
    #[error("{what} is {value}, outside the accepted range")]
    OutOfRange {
        /// Which input, e.g. `transaction T1 amount`.
        what: String,
        /// The value given.
        value: Decimal,
    },
    /// A KPI score is below zero or above the KPI's scale.
    #[error("score {score} for KPI `{kpi}` of payee {payee} is outside 0 to {scale}")]
    ScoreOutOfRange {
        /// The payee.
        payee: String,
        /// The KPI.
        kpi: String,
        /// The score given.
        score: Decimal,
        /// The top of the KPI's scale.
        scale: Decimal,
    },
    /// Two scores for one KPI on one day: which counts would depend on their order.
    #[error("KPI `{kpi}` of payee {payee} has two scores dated {as_of}")]
    DuplicateScore {
        /// The payee.
        payee: String,
        /// The KPI.
        kpi: String,
        /// The shared date.
        as_of: NaiveDate,
    },
    /// An assignment ends before it starts.
    #[error("assignment of payee {payee} from {from} ends on {to}, before it starts")]
    InvalidAssignment {
        /// The payee.
        payee: String,
        /// First day given.
        from: NaiveDate,
        /// Last day given.
        to: NaiveDate,
    },
    /// The fiscal calendar cannot place the period (e.g. a month number out of range).
    #[error("fiscal calendar: {0}")]
    Calendar(Box<CalendarError>),
    /// The exchange rates given cannot form a table (e.g. two rates for one pair and day).
    #[error("exchange rates: {0}")]
    FxRates(Box<FxError>),
    /// A transaction in another currency cannot be converted (e.g. no rate for its date).
    #[error("transaction {txn} cannot be converted to the plan's currency: {source}")]
    Fx {
        /// The transaction.
        txn: String,
        /// Why (boxed: a conversion error carries its data).
        source: Box<FxError>,
    },
    /// A formula cannot be evaluated with the payee's numbers (e.g. it divides by zero).
    #[error("component `{component}` for payee {payee} to {cutoff}: {source}")]
    Formula {
        /// The payee.
        payee: String,
        /// The formula's component.
        component: String,
        /// The day up to which the year was being evaluated.
        cutoff: NaiveDate,
        /// Why, with the character it points at.
        source: Box<crate::expr::ExprError>,
    },
    /// The payee's assignments do not touch the plan year.
    #[error("payee {payee} is not assigned to the plan in the plan year starting {year_start}")]
    NotAssigned {
        /// The payee.
        payee: String,
        /// The plan year's first day.
        year_start: NaiveDate,
    },
}

/// First day of the plan year containing `date`.
pub fn year_start(plan: &Plan, date: NaiveDate) -> NaiveDate {
    let m = plan.year_start_month.clamp(1, 12);
    let year = if date.month() >= m { date.year() } else { date.year() - 1 };
    NaiveDate::from_ymd_opt(year, m, 1).unwrap_or(date)
}

/// Last day of the plan year starting `start`.
fn year_end(start: NaiveDate) -> NaiveDate {
    start.checked_add_months(Months::new(12)).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
}

/// A point at which earnings are evaluated: credits dated by `cutoff` and recorded by `known_by`.
#[derive(Debug, Clone, Copy)]
struct Point {
    cutoff: NaiveDate,
    known_by: NaiveDate,
}

/// One credit to the payee, with its transaction; names are borrowed, not copied. Kept to 64
/// bytes (a statement holds one per credited transaction, and measuring reads them all twice):
/// the role is the party's index and the sign the transaction's kind.
#[derive(Debug)]
struct Item<'i> {
    txn: &'i Transaction,
    amount: Decimal,
    share: Decimal,
    /// The signed amount in units of `10^-fixed_scale` (see [`Run::fixed_scale`]).
    fixed: i64,
    /// The transaction's date, copied so that measuring does not chase the pointer to it.
    date: NaiveDate,
    known: NaiveDate,
    /// For a converted transaction, its index in [`Converted`]; else [`NOT_CONVERTED`].
    conversion: u32,
    /// The party credited (an index into the transaction's parties), or [`ROLLED_UP`].
    party: u32,
}

const _: () = assert!(std::mem::size_of::<Item>() <= 64);

/// [`Item::conversion`] of a transaction in the plan's own currency.
const NOT_CONVERTED: u32 = u32::MAX;

/// [`Item::party`] of roll-up credit.
const ROLLED_UP: u32 = u32::MAX;

impl Item<'_> {
    /// The crediting role.
    fn role(&self) -> &str {
        match self.party {
            ROLLED_UP => ROLLUP_ROLE,
            i => self.txn.parties.get(i as usize).map_or("", |p| p.role.as_str()),
        }
    }

    /// The item as a credit to `payee`, for a statement line.
    fn credit(&self, payee: &str) -> Credit {
        Credit {
            txn_id: self.txn.id.clone(),
            payee: payee.to_string(),
            role: self.role().to_string(),
            amount: self.amount,
            share: self.share,
        }
    }

    /// The credited amount with its sign: outflows count against.
    fn signed(&self) -> Decimal {
        if self.txn.kind == TxnKind::Outflow { -self.amount } else { self.amount }
    }
}

/// A calculation in progress: the payee's terms and credited items for one plan year.
struct Run<'p, 'i> {
    plan: &'p Plan,
    inputs: &'i PayeeInputs<'i>,
    digits: u32,
    year_start: NaiveDate,
    /// The plan year's periods, first to last day: calendar months, or a weekly fiscal
    /// calendar's periods. Draws and AUM fees step by them.
    steps: Vec<(NaiveDate, NaiveDate)>,
    assigned: Vec<(NaiveDate, NaiveDate)>,
    terms: Terms,
    slots: Slots<'p>,
    scores: ScoreBook,
    /// Credited items, in the order the transactions were given (see [`Run::in_order`]).
    items: Vec<Item<'i>>,
    /// Per slot, the items it counts, in ascending item index.
    members: Vec<Vec<u32>>,
    /// The items dated in the statement's period, sorted once in statement order (see
    /// [`Run::listed`]).
    listing: Vec<u32>,
    /// Per listed item, in `listing`'s order, the slots counting it: a bit per slot, in
    /// [`Run::mask_words`] words.
    listing_slots: Vec<u64>,
    /// The items dated before the statement's period but recorded in or after it, in
    /// statement order.
    late: Vec<u32>,
    /// Per slot, whether it pays per unit (so credit shares are summed too).
    per_unit: Vec<bool>,
    /// The scale every item's `fixed` amount is on, when every amount fits in integers; else
    /// measures sum `Decimal`s.
    fixed_scale: Option<u32>,
    /// Transactions in other currencies, converted to the plan's.
    converted: &'i Converted,
}

/// Transactions converted to the plan's currency, each with its conversion.
#[derive(Debug, Default)]
struct Converted {
    txns: Vec<Transaction>,
    conversions: Vec<Conversion>,
}

/// Converts every transaction in another currency that the statement could count; a
/// missing rate is an error naming the transaction. Nothing to do without rates.
fn convert_foreign(
    plan: &Plan,
    inputs: &PayeeInputs,
    period: &Period,
    first: NaiveDate,
) -> Result<Converted, CalcError> {
    let mut converted = Converted::default();
    let Some(fx) = &inputs.fx else { return Ok(converted) };
    let table = RateTable::new(fx.rates.iter().cloned()).map_err(|e| CalcError::FxRates(Box::new(e)))?;
    let specs = Slots::new(plan).specs;
    for txn in inputs.transactions.iter() {
        let relevant = txn.date >= first && txn.date <= period.end && txn.known_on() <= period.end;
        let measured = || {
            specs.iter().any(|s| s.measure.counts(txn.kind, txn.product.as_deref(), txn.channel.as_deref(), txn.origin))
        };
        if txn.currency == plan.currency || !relevant || !measured() {
            continue;
        }
        let method = match plan.fx_method.unwrap_or(fx.method) {
            FxMethod::AsOfTransactionDate => ConversionMethod::AsOfTransactionDate,
            FxMethod::MonthlyAverage => ConversionMethod::PeriodAverage(Period::month_of(txn.date)),
        };
        let conversion = table
            .convert(txn.amount, &txn.currency, &plan.currency, txn.date, &method, plan.rounding)
            .map_err(|source| CalcError::Fx { txn: txn.id.clone(), source: Box::new(source) })?;
        converted.txns.push(Transaction { amount: conversion.amount, currency: plan.currency.clone(), ..txn.clone() });
        converted.conversions.push(conversion);
    }
    Ok(converted)
}

impl<'p, 'i> Run<'p, 'i> {
    fn new(
        plan: &'p Plan,
        inputs: &'i PayeeInputs<'i>,
        converted: &'i Converted,
        period: &Period,
        steps: Vec<(NaiveDate, NaiveDate)>,
    ) -> Result<Run<'p, 'i>, CalcError> {
        let (year_start, year_end) = year_of(&steps);
        let problems = plan.validate();
        if !problems.is_empty() {
            return Err(CalcError::InvalidPlan(problems));
        }
        if period.start > period.end {
            return Err(CalcError::InvalidPeriod { start: period.start, end: period.end });
        }
        check_amounts(inputs)?;
        let digits = plan.currency.minor_digits();
        let assigned = assigned_spans(inputs, year_start, year_end)?;
        let terms = terms(plan, inputs, &assigned, year_start, year_end, digits)?;
        let scores = scores(plan, inputs)?;
        let slots = Slots::new(plan);
        let mut run = Run {
            plan,
            inputs,
            digits,
            year_start,
            steps,
            assigned,
            terms,
            slots,
            scores,
            items: Vec::new(),
            members: Vec::new(),
            listing: Vec::new(),
            listing_slots: Vec::new(),
            late: Vec::new(),
            per_unit: Vec::new(),
            fixed_scale: None,
            converted,
        };
        run.credit(period)?;
        Ok(run)
    }

    /// Credits every relevant transaction of the plan year to the payee. Items are kept in
    /// input order: sums do not depend on it, and lines list their credits through
    /// [`Run::in_order`], so statements are identical however the input was ordered.
    fn credit(&mut self, period: &Period) -> Result<(), CalcError> {
        let (plan, inputs) = (self.plan, self.inputs);
        let org_chart = OrgChart::new(&inputs.org);
        let specs = &self.slots.specs;
        let mut crediter = Crediter::new(&plan.crediting, self.digits);
        let mut parts = Vec::new();
        let mut counting = Vec::with_capacity(specs.len());
        let (mut listing, mut late, mut listing_slots) = (Vec::new(), Vec::new(), Vec::new());
        let words = self.mask_words();
        let mut members: Vec<Vec<u32>> = specs.iter().map(|_| Vec::with_capacity(inputs.transactions.len())).collect();
        self.items.reserve(inputs.transactions.len());
        let mut finer = false;
        let mut wide = false;
        // The slots measuring each kind, with whether they filter further (product, channel,
        // origin): most transactions are ruled out, or counted, by their kind alone.
        let mut by_kind: Vec<Vec<(usize, bool)>> = Vec::new();
        for (s, spec) in specs.iter().enumerate() {
            for &kind in &spec.measure.kinds {
                let k = kind as usize;
                by_kind.resize_with(by_kind.len().max(k + 1), Vec::new);
                if !by_kind[k].iter().any(|&(t, _)| t == s) {
                    by_kind[k].push((s, spec.measure.filters_attributes()));
                }
            }
        }
        // Slots counting every credit of the transactions they measure: no role filter, no window.
        let every_credit: Vec<bool> = specs.iter().map(|s| s.measure.roles.is_none() && s.window.is_none()).collect();
        let converting = inputs.fx.is_some();
        let given = inputs.transactions.len();
        for (t, txn) in inputs.transactions.iter().chain(&self.converted.txns).enumerate() {
            let (date, known) = (txn.date, txn.known_on());
            if date < self.year_start || date > period.end || known > period.end {
                continue;
            }
            // A transaction no measure counts cannot change the statement, whatever its currency.
            counting.clear();
            for &(s, filtered) in by_kind.get(txn.kind as usize).map_or(&[][..], Vec::as_slice) {
                let measure = &specs[s].measure;
                if !filtered || measure.counts_attributes(txn.product.as_deref(), txn.channel.as_deref(), txn.origin) {
                    counting.push(s);
                }
            }
            if counting.is_empty() || !self.assigned_on(date) {
                continue;
            }
            if !same_text(&txn.currency.0, &plan.currency.0) {
                if converting {
                    // Credited through its converted copy, later in this loop.
                    continue;
                }
                return Err(CalcError::CurrencyMismatch {
                    txn: txn.id.clone(),
                    found: txn.currency.0.clone(),
                    expected: plan.currency.0.clone(),
                    plan: plan.id.clone(),
                });
            }
            if beyond_max_amount(txn.amount) || (txn.kind == TxnKind::Aum && txn.amount < Decimal::ZERO) {
                return Err(CalcError::OutOfRange {
                    what: format!("transaction {} amount", txn.id),
                    value: txn.amount,
                });
            }
            let outflow = txn.kind == TxnKind::Outflow;
            let conversion = t.checked_sub(given).map_or(NOT_CONVERTED, |c| c as u32);
            parts.clear();
            crediter.parts_to(txn, &inputs.payee, &org_chart, &mut parts);
            let listed = date >= period.start;
            for part in &parts {
                let index = self.items.len() as u32;
                let mask_at = listing_slots.len();
                if listed {
                    listing_slots.resize(mask_at + words, 0);
                }
                for &s in &counting {
                    let counts = || {
                        let window = specs[s].window;
                        specs[s].measure.counts_role(part.role(txn))
                            && window.is_none_or(|(f, t)| f <= date && date <= t)
                    };
                    if every_credit[s] || counts() {
                        members[s].push(index);
                        if listed {
                            listing_slots[mask_at + s / 64] |= 1 << (s % 64);
                        }
                    }
                }
                let amount = part.amount;
                // Amounts in minor units now; the rare finer amount puts every item on its scale below.
                let fixed = match amount.scale() <= self.digits {
                    true => minor_units(amount, self.digits).unwrap_or_else(|| {
                        wide = true;
                        0
                    }),
                    false => 0,
                };
                finer |= amount.scale() > self.digits;
                let fixed = if outflow { -fixed } else { fixed };
                let party = match part.source {
                    Source::Party(i) => i as u32,
                    Source::Rollup => ROLLED_UP,
                };
                let share = part.share;
                self.items.push(Item { txn, amount, share, fixed, date, known, conversion, party });
                if listed {
                    listing.push(index);
                } else if known >= period.start {
                    late.push(index);
                }
            }
        }
        self.members = members;
        let order = self.in_order(&listing);
        self.listing = order.iter().map(|&p| listing[p as usize]).collect();
        self.listing_slots =
            order.iter().flat_map(|&p| &listing_slots[p as usize * words..][..words]).copied().collect();
        self.late = self.in_order(&late).iter().map(|&p| late[p as usize]).collect();
        self.per_unit = (0..specs.len()).map(|_| false).collect();
        for (c, component) in plan.components.iter().enumerate() {
            if let (Component::Spif { per_unit: Some(_), .. }, Some(s)) = (component, self.slots.component[c]) {
                self.per_unit[s] = true;
            }
        }
        if wide {
            // Some amount does not fit 64 bits: measures sum `Decimal`s.
        } else if finer {
            self.fix_amounts();
        } else {
            self.fixed_scale = Some(self.digits);
        }
        Ok(())
    }

    /// Puts every item's signed amount on the finest scale among them, so measures add
    /// integers; leaves `fixed_scale` unset when an amount would not fit.
    fn fix_amounts(&mut self) {
        let scale = self.items.iter().map(|i| i.amount.scale()).max().unwrap_or(0);
        for item in &mut self.items {
            let value = item.signed();
            let fixed = 10i128.checked_pow(scale - value.scale()).and_then(|f| value.mantissa().checked_mul(f));
            match fixed.and_then(|f| i64::try_from(f).ok()) {
                Some(fixed) => item.fixed = fixed,
                None => return,
            }
        }
        self.fixed_scale = Some(scale);
    }

    /// How item `i`'s transaction was converted to the plan's currency, if it was.
    fn conversion(&self, i: usize) -> Option<&Conversion> {
        self.converted.conversions.get(self.items[i].conversion as usize)
    }

    /// Words of a bit mask with a bit per slot.
    fn mask_words(&self) -> usize {
        self.slots.specs.len().div_ceil(64)
    }

    /// The items dated in the statement's period that any of `slots` counts, in statement
    /// order: picked from the listing sorted once, not sorted again per line.
    fn listed(&self, slots: &[usize]) -> Vec<u32> {
        let words = self.mask_words();
        let mut wanted = vec![0u64; words];
        for &s in slots {
            wanted[s / 64] |= 1 << (s % 64);
        }
        let counted = |slots: &[u64]| slots.iter().zip(&wanted).any(|(a, b)| a & b != 0);
        let listed = self.listing.iter().zip(self.listing_slots.chunks_exact(words));
        listed.filter(|(_, slots)| counted(slots)).map(|(&i, _)| i).collect()
    }

    /// The positions of `indices` (item indices) in the order statements list their items:
    /// by date, then transaction, role and the rest, so the listing does not depend on the
    /// input order.
    fn in_order(&self, indices: &[u32]) -> Vec<u32> {
        // Sorted as plain numbers: the date, the id's first 8 bytes and the position, which
        // orders items as the full key does wherever date or prefix differ; only runs of equal
        // date and prefix are then sorted by the full key, reading the items and their ids.
        let number = |p: usize| {
            let item = &self.items[indices[p] as usize];
            // Flipping the sign bit keeps the order of days before the common era too.
            let day = u128::from(item.date.num_days_from_ce().cast_unsigned() ^ 0x8000_0000);
            (day << 96) | ((text_prefix(&item.txn.id) >> 64) << 32) | p as u128
        };
        let mut keyed: Vec<u128> = (0..indices.len()).map(number).collect();
        keyed.sort_unstable();
        let item = |key: &u128| item_key(&self.items[indices[*key as u32 as usize] as usize]);
        for run in keyed.chunk_by_mut(|a, b| a >> 32 == b >> 32).filter(|run| run.len() > 1) {
            run.sort_unstable_by(|a, b| item(a).cmp(&item(b)));
        }
        keyed.into_iter().map(|key| key as u32).collect()
    }

    /// Every component's earnings at a point; nothing before the plan year starts. A formula
    /// that cannot be evaluated refuses the calculation.
    fn evaluate(&self, point: Point) -> Result<Evaluation, CalcError> {
        if point.cutoff < self.year_start {
            return Ok(Evaluation::nothing(self.plan));
        }
        let measured: Vec<Measured> = (0..self.slots.specs.len()).map(|s| self.measure(s, point)).collect();
        let evaluation = eval::evaluate(
            self.plan,
            &self.terms,
            &self.slots,
            &measured,
            &self.scores,
            self.year_start,
            point.cutoff,
            self.digits,
        );
        if let Some((c, error)) = evaluation.formula_error() {
            return Err(CalcError::Formula {
                payee: self.inputs.payee.to_string(),
                component: self.plan.components[c].id().to_string(),
                cutoff: point.cutoff,
                source: Box::new(error.clone()),
            });
        }
        Ok(evaluation)
    }

    /// The items of slot `s` counted at `point`.
    fn counted(&self, s: usize, point: Point) -> impl Iterator<Item = &Item<'i>> + '_ {
        self.members[s]
            .iter()
            .map(|&i| &self.items[i as usize])
            .filter(move |item| item.date <= point.cutoff && item.known <= point.known_by)
    }

    fn measure(&self, s: usize, point: Point) -> Measured {
        if let Some(fee) = &self.slots.specs[s].measure.aum_fee {
            let months = self.aum_months(s, point, fee.bps, fee.day_count);
            return Measured { amount: months.iter().map(|m| m.fee).sum(), units: Decimal::ZERO, months };
        }
        let mut measured = Measured { amount: self.sum(s, point), ..Measured::default() };
        if self.per_unit[s] {
            for item in self.counted(s, point) {
                measured.units += if item.txn.kind == TxnKind::Outflow { -item.share } else { item.share };
            }
        }
        measured
    }

    /// The signed sum of slot `s`'s credits at `point`, with the scale a `Decimal` sum would
    /// have (the largest of the amounts'), in integers when they fit.
    fn sum(&self, s: usize, point: Point) -> Decimal {
        if let Some(fixed_scale) = self.fixed_scale {
            // 64-bit amounts, fewer than 2^64 of them: the 128-bit total cannot overflow.
            let mut total: i128 = 0;
            let mut scale = 0;
            for item in self.counted(s, point) {
                total += i128::from(item.fixed);
                scale = scale.max(item.amount.scale());
            }
            let exact = Decimal::try_from_i128_with_scale(total / 10i128.pow(fixed_scale - scale), scale).ok();
            if let Some(exact) = exact {
                return exact;
            }
        }
        self.counted(s, point).map(Item::signed).sum()
    }

    /// Period by period (see [`Run::steps`]): average credited AUM (per client, the mean of
    /// its balances dated in the period; summed over clients) x bps x days / (10,000 x basis).
    fn aum_months(&self, s: usize, point: Point, bps: Decimal, day_count: crate::plan::DayCount) -> Vec<AumMonth> {
        let mut months = Vec::new();
        for &(from, last) in self.steps.iter().take_while(|(from, _)| *from <= point.cutoff) {
            let to = last.min(point.cutoff);
            let mut clients: BTreeMap<&str, BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
            for item in self.counted(s, point).filter(|i| i.txn.date >= from && i.txn.date <= to) {
                let client = item.txn.client_id.as_deref().unwrap_or(&item.txn.id);
                *clients.entry(client).or_default().entry(item.txn.date).or_default() += item.amount;
            }
            let average: Decimal = clients
                .values()
                .map(|days| days.values().copied().sum::<Decimal>() / Decimal::from(days.len() as u64))
                .sum();
            let days = (to - from).num_days() + 1;
            let basis = day_basis(day_count, from.year());
            months.push(AumMonth { from, days, basis, average, fee: aum_fee(average, bps, days, basis) });
        }
        months
    }

    /// Whether the plan year steps by calendar months (not a weekly calendar's periods).
    fn monthly(&self) -> bool {
        self.steps.iter().all(|(from, _)| from.day() == 1)
    }

    /// What earlier statements paid for a line: the input, else the earlier statement as it
    /// was computed (`as_known`), else the recalculation.
    fn paid(&self, id: &str, as_known: Option<Decimal>, recalculated: Decimal) -> Decimal {
        self.inputs.paid_to_date.get(id).copied().or(as_known).unwrap_or(recalculated)
    }

    /// Whether the payee is assigned on `day`.
    fn assigned_on(&self, day: NaiveDate) -> bool {
        self.assigned_between(day, day)
    }

    /// Whether the payee is assigned on any day from `from` to `to`.
    fn assigned_between(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.assigned.is_empty() || self.assigned.iter().any(|(f, t)| *f <= to && from <= *t)
    }
}

/// `amount` (of at most `digits` places) in minor units of `digits` places, if that fits 64 bits.
fn minor_units(amount: Decimal, digits: u32) -> Option<i64> {
    // Powers of ten by table: crediting converts every credit.
    const POWERS: [i64; 19] = {
        let mut powers = [1i64; 19];
        let mut i = 1;
        while i < 19 {
            powers[i] = powers[i - 1] * 10;
            i += 1;
        }
        powers
    };
    let mantissa = i64::try_from(amount.mantissa()).ok()?;
    mantissa.checked_mul(*POWERS.get(digits.checked_sub(amount.scale())? as usize)?)
}

/// The first 16 bytes of a text as a number ordered as the texts are (shorter texts padded
/// with zeros): texts whose numbers differ compare the same way, equal numbers need the full
/// comparison.
fn text_prefix(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = text.len().min(16);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// An item's place within its day: transaction, role, then anything that could tell two
/// items with the same id apart.
fn item_key<'a>(i: &'a Item) -> (&'a str, &'a str, Decimal, NaiveDate, TxnKind) {
    (&i.txn.id, i.role(), i.amount, i.known, i.txn.kind)
}

/// Refuses amounts the engine cannot hold safely (transactions are checked when credited).
fn check_amounts(inputs: &PayeeInputs) -> Result<(), CalcError> {
    let named = |what: &str, key: &str| format!("{what} `{key}`");
    let mut amounts: Vec<(String, Decimal, bool)> = Vec::new();
    if let Some(q) = inputs.annual_quota {
        amounts.push(("annual quota".into(), q, false));
    }
    amounts.extend(inputs.quotas.iter().map(|(k, v)| (named("quota", k), *v, false)));
    amounts.extend(inputs.target_incentives.iter().map(|(k, v)| (named("target incentive", k), *v, true)));
    if let Some(f) = inputs.fixed_pay {
        amounts.push(("fixed pay".into(), f, true));
    }
    amounts.push(("draw balance".into(), inputs.draw_balance, true));
    amounts.extend(inputs.paid_to_date.iter().map(|(k, v)| (named("paid to date", k), *v, false)));
    amounts.extend(inputs.scores.iter().map(|s| (named("score", &s.kpi), s.score, false)));
    for (what, value, not_negative) in amounts {
        if value.abs() > MAX_AMOUNT || (not_negative && value < Decimal::ZERO) {
            return Err(CalcError::OutOfRange { what, value });
        }
    }
    Ok(())
}

/// The payee's assigned days within the plan year, merged; empty when not restricted.
fn assigned_spans(
    inputs: &PayeeInputs,
    year_start: NaiveDate,
    year_end: NaiveDate,
) -> Result<Vec<(NaiveDate, NaiveDate)>, CalcError> {
    if inputs.assignments.is_empty() {
        return Ok(Vec::new());
    }
    let mut spans = Vec::new();
    for a in &inputs.assignments {
        let to = a.to.unwrap_or(NaiveDate::MAX);
        if to < a.from {
            return Err(CalcError::InvalidAssignment { payee: inputs.payee.to_string(), from: a.from, to });
        }
        let (from, to) = (a.from.max(year_start), to.min(year_end));
        if from <= to {
            spans.push((from, to));
        }
    }
    spans.sort();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    if merged.is_empty() {
        return Err(CalcError::NotAssigned { payee: inputs.payee.to_string(), year_start });
    }
    Ok(merged)
}

/// Quotas, targets and fixed pay for the plan year, prorated; refuses what is missing.
pub(crate) fn terms(
    plan: &Plan,
    inputs: &PayeeInputs,
    assigned: &[(NaiveDate, NaiveDate)],
    year_start: NaiveDate,
    year_end: NaiveDate,
    digits: u32,
) -> Result<Terms, CalcError> {
    let payee = || inputs.payee.to_string();
    let year_days = (year_end - year_start).num_days() + 1;
    let days: i64 = assigned.iter().map(|(f, t)| (*t - *f).num_days() + 1).sum();
    let proration = (!assigned.is_empty() && days < year_days).then_some((days, year_days));
    let prorated = |annual: Decimal| prorate(annual, proration, plan.rounding, digits);
    let positive = |id: &str, annual: Decimal| {
        let p = prorated(annual);
        if annual <= Decimal::ZERO || p.value <= Decimal::ZERO {
            Err(CalcError::NonPositiveQuota { payee: payee(), component: id.to_string(), quota: p.value })
        } else {
            Ok(p)
        }
    };
    let gated: BTreeSet<&str> = plan
        .components
        .iter()
        .filter_map(|c| c.gate())
        .filter(|g| g.min_attainment.is_some())
        .map(|g| g.component.as_str())
        .collect();
    let mut terms = Terms { proration, ..Terms::default() };
    for component in &plan.components {
        let id = component.id();
        let quota = if component.needs_quota() || gated.contains(id) {
            let annual = inputs.quotas.get(id).copied().or(inputs.annual_quota);
            let annual = annual.ok_or_else(|| CalcError::MissingQuota { payee: payee(), component: id.to_string() })?;
            Some(positive(id, annual)?)
        } else {
            None
        };
        terms.quotas.push(quota);
        let target = match component.target_incentive() {
            Some(from_plan) => {
                let annual = inputs.target_incentives.get(id).copied().or(from_plan);
                let annual =
                    annual.ok_or_else(|| CalcError::MissingTarget { payee: payee(), component: id.to_string() })?;
                Some(prorated(annual))
            }
            None => None,
        };
        terms.targets.push(target);
        let mut kpi_targets = Vec::new();
        if let Component::Scorecard { kpis, .. } = component {
            for kpi in kpis {
                kpi_targets.push(match &kpi.measure {
                    Some(_) => {
                        let annual = inputs.quotas.get(&kpi.id).copied().or(kpi.target);
                        let annual = annual
                            .ok_or_else(|| CalcError::MissingQuota { payee: payee(), component: kpi.id.clone() })?;
                        Some(positive(&kpi.id, annual)?)
                    }
                    None => None,
                });
            }
        }
        terms.kpi_targets.push(kpi_targets);
    }
    if plan.cap_fixed_pay_multiple.is_some() {
        let fixed =
            inputs.fixed_pay.ok_or_else(|| CalcError::MissingFixedPay { payee: payee(), plan: plan.id.clone() })?;
        terms.fixed_pay = Some(prorated(fixed));
    }
    Ok(terms)
}

/// The payee's scores of this plan's scored KPIs, checked against each KPI's scale.
fn scores(plan: &Plan, inputs: &PayeeInputs) -> Result<ScoreBook, CalcError> {
    let scales: BTreeMap<&str, Decimal> = plan
        .components
        .iter()
        .filter_map(|c| match c {
            Component::Scorecard { kpis, .. } => Some(kpis),
            _ => None,
        })
        .flatten()
        .filter(|k| k.measure.is_none())
        .map(|k| (k.id.as_str(), k.scale.unwrap_or(Decimal::ONE)))
        .collect();
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    for s in &inputs.scores {
        let Some(scale) = scales.get(s.kpi.as_str()) else { continue };
        if s.score < Decimal::ZERO || s.score > *scale {
            return Err(CalcError::ScoreOutOfRange {
                payee: inputs.payee.to_string(),
                kpi: s.kpi.clone(),
                score: s.score,
                scale: *scale,
            });
        }
        if !seen.insert((s.kpi.as_str(), s.as_of)) {
            return Err(CalcError::DuplicateScore {
                payee: inputs.payee.to_string(),
                kpi: s.kpi.clone(),
                as_of: s.as_of,
            });
        }
        kept.push((s.kpi.clone(), s.as_of, s.score));
    }
    Ok(ScoreBook::new(kept))
}

/// Computes the payee's statement for `period`: per component, earnings to date minus
/// earnings to the end of the previous period, each line explained; then the plan cap,
/// adjustments for closed periods, and the draw or guarantee, each as its own line.
pub fn statement_for_period(plan: &Plan, inputs: &PayeeInputs, period: &Period) -> Result<Statement, CalcError> {
    let first = year_start(plan, period.end);
    let months = (0..12)
        .filter_map(|m| {
            let from = first.checked_add_months(Months::new(m))?;
            Some((from, from.checked_add_months(Months::new(1))?.pred_opt()?))
        })
        .collect::<Vec<_>>();
    let months = if months.len() == 12 { months } else { vec![(first, year_end(first))] };
    statement_in_year(plan, inputs, period, months)
}

/// First and last day of the year made of `steps`.
fn year_of(steps: &[(NaiveDate, NaiveDate)]) -> (NaiveDate, NaiveDate) {
    (steps.first().map_or(NaiveDate::MIN, |s| s.0), steps.last().map_or(NaiveDate::MAX, |s| s.1))
}

/// The statement for one period of a fiscal calendar (`calendar.rs`: April-March years,
/// 4-4-5 weeks, ...): the year to date runs from the first day of the calendar's fiscal year
/// (not `year_start_month`) and proration counts that year's days, so a 52-week year has 364.
/// Draws and AUM fees step by the calendar's periods (4, 4 and 5 weeks, ...).
pub fn statement_for_fiscal_period(
    plan: &Plan,
    inputs: &PayeeInputs,
    calendar: &FiscalCalendar,
    period: &FiscalPeriod,
) -> Result<Statement, CalcError> {
    let calendar_error = |e| CalcError::Calendar(Box::new(e));
    let year = calendar.periods_of_year(period.fiscal_year).map_err(calendar_error)?;
    if year.is_empty() {
        return Err(calendar_error(CalendarError::YearOutOfRange { fiscal_year: period.fiscal_year }));
    }
    statement_in_year(plan, inputs, &period.to_period(), year.iter().map(|p| (p.start, p.end)).collect())
}

/// The statement for `period` within the plan year made of `steps` (its periods, in order).
fn statement_in_year(
    plan: &Plan,
    inputs: &PayeeInputs,
    period: &Period,
    steps: Vec<(NaiveDate, NaiveDate)>,
) -> Result<Statement, CalcError> {
    let converted = convert_foreign(plan, inputs, period, year_of(&steps).0)?;
    let run = Run::new(plan, inputs, &converted, period, steps)?;
    let end = Point { cutoff: period.end, known_by: period.end };
    let now = run.evaluate(end)?;
    let previous_end = period.start.pred_opt().unwrap_or(period.start);
    let before = if period.start > run.year_start {
        run.evaluate(Point { cutoff: previous_end, known_by: period.end })?
    } else {
        Evaluation::nothing(plan)
    };
    let late = &run.late;
    let as_known = (!late.is_empty() && period.start > run.year_start)
        .then(|| run.evaluate(Point { cutoff: previous_end, known_by: previous_end }))
        .transpose()?;

    let mut lines = Vec::new();
    let mut adjustments = Vec::new();
    for (c, component) in plan.components.iter().enumerate() {
        lines.push(explain::component_line(&run, c, &now, &before));
        let recalculated = before.outcomes[c].earned;
        let paid = run.paid(component.id(), as_known.as_ref().map(|k| k.outcomes[c].earned), recalculated);
        if paid != recalculated {
            let late_here: Vec<&Item> = late
                .iter()
                .filter(|&&i| run.slots.of_component(c).any(|s| run.members[s].binary_search(&i).is_ok()))
                .map(|&i| &run.items[i as usize])
                .collect();
            let adjustment = explain::adjustment_line(
                &run,
                component.id(),
                component.name(),
                recalculated,
                paid,
                &late_here,
                period,
            );
            adjustments.push(adjustment);
        }
    }
    if let (Some(cap_now), Some(cap_before)) = (now.plan_cap, before.plan_cap) {
        let recalculated = cap_before.reduction;
        let paid = run.paid(PLAN_CAP_ID, as_known.as_ref().map(Evaluation::plan_cap_reduction), recalculated);
        if !cap_now.reduction.is_zero() || !recalculated.is_zero() || !paid.is_zero() {
            lines.push(explain::plan_cap_line(&run, cap_now, cap_before, period));
        }
        if paid != recalculated {
            let late_all: Vec<&Item> = late.iter().map(|&i| &run.items[i as usize]).collect();
            adjustments.push(explain::adjustment_line(
                &run,
                PLAN_CAP_ID,
                "Plan cap",
                recalculated,
                paid,
                &late_all,
                period,
            ));
        }
    }
    lines.extend(adjustments);
    if let Some(draw) = &plan.draw {
        let before_draw: Decimal = lines.iter().map(|l| l.amount).sum();
        let months = draw_months(&run, period, &now, before_draw)?;
        lines.push(explain::draw_line(&run, draw, &months, &now, period));
    }
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(Statement {
        payee: inputs.payee.to_string(),
        plan_id: plan.id.clone(),
        plan_version: plan.version,
        plan_name: plan.name.clone(),
        currency: plan.currency.clone(),
        period: period.clone(),
        year_start: run.year_start,
        lines,
        total,
    })
}

/// One month (or weekly fiscal period) of a draw or guarantee.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DrawMonth {
    /// First day of the month.
    from: NaiveDate,
    /// Last day of the month, or of the period when it ends first.
    to: NaiveDate,
    /// Whether the month falls in the statement's period.
    in_period: bool,
    /// Whether the draw applies (window and assignment).
    applies: bool,
    /// The month's pay before the draw.
    earned: Decimal,
    /// Advanced (positive) or recovered (negative); for a guarantee, the top-up.
    effect: Decimal,
    /// Recoverable balance after the month.
    balance: Decimal,
}

/// The draw month by month from the plan year's start to the period's end. A month's pay
/// before the draw is the change in plan earnings to date over the month as known at its
/// end; the period's months start from what was actually paid before it (its pre-draw lines
/// sum to `in_period_total`).
fn draw_months(
    run: &Run,
    period: &Period,
    now: &Evaluation,
    in_period_total: Decimal,
) -> Result<Vec<DrawMonth>, CalcError> {
    let Some(draw) = &run.plan.draw else { return Ok(Vec::new()) };
    let kind = draw.kind;
    let mut months = Vec::new();
    let mut balance = run.inputs.draw_balance;
    let mut previous_total = Decimal::ZERO;
    let mut in_period_base: Option<Decimal> = None;
    for &(from, last) in run.steps.iter().take_while(|(from, _)| *from <= period.end) {
        let last = last.min(period.end);
        let in_period = last >= period.start;
        let earned = if !in_period {
            let total = run.evaluate(Point { cutoff: last, known_by: last })?.total();
            let earned = total - previous_total;
            previous_total = total;
            earned
        } else {
            // The period's pre-draw pay, split over its months as known at the period's end.
            let base = *in_period_base.get_or_insert(now.total() - in_period_total);
            let total = if last == period.end {
                now.total()
            } else {
                run.evaluate(Point { cutoff: last, known_by: period.end })?.total()
            };
            in_period_base = Some(total);
            total - base
        };
        let applies = draw.from.is_none_or(|f| f <= last)
            && draw.to.is_none_or(|t| from <= t)
            && run.assigned_between(from, last);
        let effect = match (kind, applies) {
            (DrawKind::NonRecoverable, true) => (draw.amount - earned).max(Decimal::ZERO),
            (DrawKind::NonRecoverable, false) => Decimal::ZERO,
            (DrawKind::Recoverable, true) if earned < draw.amount => draw.amount - earned,
            (DrawKind::Recoverable, true) => -balance.min(earned - draw.amount),
            // Outside the draw's months, the balance is recovered from whatever the month pays.
            (DrawKind::Recoverable, false) => -balance.min(earned.max(Decimal::ZERO)),
        };
        if kind == DrawKind::Recoverable {
            balance += effect;
        }
        months.push(DrawMonth { from, to: last, in_period, applies, earned, effect, balance });
    }
    Ok(months)
}

#[cfg(test)]
mod tests;
