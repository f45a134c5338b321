//! Batch calculation for a whole sales force: monthly payouts with a year-to-date true-up.
//!
//! Transactions are credited and summed in integer minor units per payee, component and
//! month of the plan year (an [`Accumulator`]: cheap to fill in parallel and to merge); then
//! each payee's year is evaluated month by month with the same component maths and rounding
//! as statements ([`crate::calc::eval::evaluate`]). A month appears in the output when the
//! payee had any credit in it.
//!
//! Batch crediting reads a transaction's kind and product only, so it runs plans whose
//! components are flat or tiered (thresholds, gates and caps included) with no channel,
//! origin, role or AUM filters, no roll-up and no draw; [`unsupported`] names what stops
//! any other plan, and `plumbline calc` then runs it through the statement engine instead.

use crate::calc::eval::{Measured, ScoreBook, Slots, evaluate};
use crate::calc::{CalcError, PayeeInputs, terms};
use crate::money::{allocate_minor_into, integer_weights};
use crate::plan::{Component, Plan, PlanProblem};
use crate::transaction::TxnKind;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// The plan compiled for fast crediting: integer split weights and measure membership.
#[derive(Debug, Clone)]
pub struct CompiledPlan {
    /// Roles that share a transaction, with integer weights on one scale.
    pub split_roles: Vec<(String, i128)>,
    /// Roles credited in full on top of the split.
    pub overlay_roles: Vec<String>,
    /// The plan's first month (1-12).
    pub year_start_month: u32,
    /// The currency's minor digits.
    pub digits: u32,
}

impl CompiledPlan {
    /// Compiles a validated plan.
    pub fn new(plan: &Plan) -> CompiledPlan {
        let roles: Vec<&String> = plan.crediting.splits.keys().collect();
        let weights = integer_weights(&plan.crediting.splits.values().copied().collect::<Vec<_>>());
        CompiledPlan {
            split_roles: roles.into_iter().cloned().zip(weights).collect(),
            overlay_roles: plan.crediting.overlays.clone(),
            year_start_month: plan.year_start_month,
            digits: plan.currency.minor_digits(),
        }
    }

    /// How a role takes part in crediting under this plan.
    pub fn share(&self, role: &str) -> RoleShare {
        if let Some((_, w)) = self.split_roles.iter().find(|(r, _)| r == role) {
            RoleShare::Split(*w)
        } else if self.overlay_roles.iter().any(|r| r == role) {
            RoleShare::Overlay
        } else {
            RoleShare::None
        }
    }

    /// Index (0-11) of `date`'s month within its plan year, and the plan year's first day.
    pub fn month_index(&self, date: NaiveDate) -> (usize, i32) {
        let m = date.month();
        let (index, year) = if m >= self.year_start_month {
            (m - self.year_start_month, date.year())
        } else {
            (m + 12 - self.year_start_month, date.year() - 1)
        };
        (index as usize, year)
    }
}

/// A role's part in crediting: a weight in the split, full overlay credit, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleShare {
    /// Shares the amount with the other split roles present, by this integer weight.
    Split(i128),
    /// Credited the whole amount on top of the split.
    Overlay,
    /// Not credited by this plan.
    None,
}

/// Which components count a transaction of this kind and product, and with which sign.
pub fn counting_components(plan: &Plan, kind: TxnKind, product: Option<&str>) -> Vec<(usize, i64)> {
    plan.components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.measure().is_some_and(|m| m.counts(kind, product, None, None)))
        .map(|(i, _)| (i, if kind == TxnKind::Outflow { -1 } else { 1 }))
        .collect()
}

/// Buffers reused across [`Accumulator::credit`] calls so crediting does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    weights: Vec<i128>,
    payees: Vec<usize>,
    parts: Vec<i128>,
    remainders: Vec<i128>,
}

/// Credited sums in minor units per payee, component and month of one plan year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accumulator {
    components: usize,
    sums: Vec<i64>,
    seen: Vec<bool>,
}

impl Accumulator {
    /// An empty accumulator for `payees` payees and `components` components.
    pub fn new(payees: usize, components: usize) -> Accumulator {
        Accumulator { components, sums: vec![0; payees * components * 12], seen: vec![false; payees * 12] }
    }

    /// Grows to hold `payees` payees.
    pub fn ensure_payees(&mut self, payees: usize) {
        if payees * 12 > self.seen.len() {
            self.sums.resize(payees * self.components * 12, 0);
            self.seen.resize(payees * 12, false);
        }
    }

    /// Number of payees held.
    pub fn payees(&self) -> usize {
        self.seen.len() / 12
    }

    /// Adds one credited amount for a payee in a month to the given components.
    #[inline]
    pub fn add(&mut self, payee: usize, month: usize, amount: i64, components: &[(usize, i64)]) {
        self.seen[payee * 12 + month] = true;
        for &(c, sign) in components {
            self.sums[(payee * self.components + c) * 12 + month] += sign * amount;
        }
    }

    /// Credits one transaction: `parties` are (payee, share) pairs, the share looked up once
    /// per role with [`CompiledPlan::share`]; splits in exact minor units.
    pub fn credit(
        &mut self,
        parties: &[(usize, RoleShare)],
        month: usize,
        amount: i64,
        components: &[(usize, i64)],
        scratch: &mut Scratch,
    ) {
        scratch.weights.clear();
        scratch.payees.clear();
        for &(payee, share) in parties {
            match share {
                RoleShare::Split(w) => {
                    scratch.weights.push(w);
                    scratch.payees.push(payee);
                }
                RoleShare::Overlay => self.add(payee, month, amount, components),
                RoleShare::None => {}
            }
        }
        if let [only] = scratch.payees[..] {
            self.add(only, month, amount, components);
        } else if !scratch.payees.is_empty() {
            allocate_minor_into(amount.into(), &scratch.weights, &mut scratch.parts, &mut scratch.remainders);
            for i in 0..scratch.payees.len() {
                self.add(scratch.payees[i], month, scratch.parts[i] as i64, components);
            }
        }
    }

    /// Adds another accumulator's sums (same shape, or fewer payees) into this one.
    pub fn merge(&mut self, other: &Accumulator) {
        self.ensure_payees(other.payees());
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.seen.iter_mut().zip(&other.seen) {
            *a |= b;
        }
    }
}

/// One payout row: a payee's pay for one month of the plan year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRow {
    /// Index of the payee, as used in the accumulator.
    pub payee: usize,
    /// Calendar month number (1-12).
    pub month: u32,
    /// Earned to date minus earned to the payee's previous month with credit, over all components.
    pub payout: Decimal,
}

/// Why payouts could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// A payee has credit, the plan needs a quota, and none was given.
    #[error("payee {payee} has credit but no annual quota, which component `{component}` needs")]
    MissingQuota {
        /// The payee's id.
        payee: String,
        /// The component needing it.
        component: String,
    },
    /// The plan breaks its rules.
    #[error("plan is invalid: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidPlan(Vec<PlanProblem>),
    /// The plan uses something batch crediting cannot do; statements can.
    #[error("`{part}` cannot run in batch: {reason}")]
    Unsupported {
        /// The component id, or the plan field.
        part: String,
        /// Why.
        reason: &'static str,
    },
    /// A payee's terms could not be set (e.g. a quota of zero).
    #[error("payee {payee}: {source}")]
    Payee {
        /// The payee's id.
        payee: String,
        /// What is wrong.
        source: CalcError,
    },
}

/// The first part of the plan that batch crediting cannot run, and why.
pub fn unsupported(plan: &Plan) -> Option<BatchError> {
    let refuse = |part: &str, reason| Some(BatchError::Unsupported { part: part.to_string(), reason });
    if plan.crediting.rollup.is_some() {
        return refuse("crediting.rollup", "roll-up needs the org chart on each transaction's date");
    }
    if plan.draw.is_some() {
        return refuse("draw", "draws run month by month on statements");
    }
    if plan.cap_fixed_pay_multiple.is_some() {
        return refuse("cap_fixed_pay_multiple", "batch inputs carry no fixed pay");
    }
    for component in &plan.components {
        if !matches!(component, Component::Flat { .. } | Component::Tiered { .. }) {
            return refuse(component.id(), "only flat and tiered components run in batch");
        }
        if let Some(m) = component.measure()
            && (m.channels.is_some() || m.origin.is_some() || m.roles.is_some() || m.aum_fee.is_some())
        {
            return refuse(component.id(), "batch crediting filters by kind and product only");
        }
    }
    None
}

/// Evaluates every payee's months: cumulative earnings per component, rounded by the plan's
/// rule each month (then the plan cap), paid as the difference from the previous month with
/// credit.
pub fn payouts(
    plan: &Plan,
    acc: &Accumulator,
    payee_names: &[String],
    quotas: &[Option<Decimal>],
) -> Result<Vec<PayoutRow>, BatchError> {
    let problems = plan.validate();
    if !problems.is_empty() {
        return Err(BatchError::InvalidPlan(problems));
    }
    if let Some(refused) = unsupported(plan) {
        return Err(refused);
    }
    let digits = plan.currency.minor_digits();
    let n = plan.components.len();
    let slots = Slots::new(plan);
    let (start, end) = (NaiveDate::MIN, NaiveDate::MIN);
    let scores = ScoreBook::default();
    let mut rows = Vec::new();
    let mut ytd = vec![0i64; n];
    let mut measured = vec![Measured::default(); n];
    for (payee, name) in payee_names.iter().enumerate().take(acc.payees()) {
        if !acc.seen[payee * 12..payee * 12 + 12].iter().any(|s| *s) {
            continue;
        }
        let inputs = PayeeInputs { annual_quota: quotas.get(payee).copied().flatten(), ..PayeeInputs::new(name, &[]) };
        let terms = terms(plan, &inputs, &[], start, end, digits).map_err(|e| match e {
            CalcError::MissingQuota { payee, component } => BatchError::MissingQuota { payee, component },
            source => BatchError::Payee { payee: name.clone(), source },
        })?;
        ytd.iter_mut().for_each(|y| *y = 0);
        let mut paid = Decimal::ZERO;
        for month in 0..12 {
            for (c, y) in ytd.iter_mut().enumerate() {
                *y += acc.sums[(payee * n + c) * 12 + month];
            }
            if !acc.seen[payee * 12 + month] {
                continue;
            }
            for (c, m) in measured.iter_mut().enumerate() {
                m.amount = Decimal::new(ytd[c], digits);
            }
            let earned = evaluate(plan, &terms, &slots, &measured, &scores, start, end, digits).total();
            let calendar = (plan.year_start_month - 1 + month as u32) % 12 + 1;
            rows.push(PayoutRow { payee, month: calendar, payout: earned - paid });
            paid = earned;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::{PayeeInputs, statement_for_period};
    use crate::money::Currency;
    use crate::statement::Period;
    use crate::transaction::{Party, Transaction};
    use proptest::prelude::*;

    fn plan() -> Plan {
        Plan::from_json(
            r#"{"id": "batch", "version": 1, "name": "Batch", "currency": "USD", "effective_from": "2026-01-01",
                "crediting": {"splits": {"owner": "0.7", "co_owner": "0.3"}},
                "components": [{"type": "tiered", "id": "commission", "name": "Commission",
                  "measure": {"kinds": ["booking"]}, "method": "marginal", "cap_quota_multiple": "0.12",
                  "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"up_to": "1", "rate": "0.04"}, {"rate": "0.08"}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn plans_batch_cannot_run_are_refused_by_name() {
        let mut plan = plan();
        plan.draw = Some(crate::plan::Draw {
            kind: crate::plan::DrawKind::Recoverable,
            amount: Decimal::ONE,
            from: None,
            to: None,
        });
        let err = payouts(&plan, &Accumulator::new(0, 1), &[], &[]).unwrap_err();
        assert_eq!(
            err,
            BatchError::Unsupported { part: "draw".into(), reason: "draws run month by month on statements" }
        );
    }

    proptest! {
        /// The batch path and the statement path are two routes to the same cents.
        #[test]
        fn batch_payouts_equal_statement_totals(
            rows in proptest::collection::vec((0usize..3, proptest::option::of(0usize..3), 1u32..=12, 0i64..2_000_000), 1..60)
        ) {
            let plan = plan();
            let compiled = CompiledPlan::new(&plan);
            let names: Vec<String> = (0..3).map(|i| format!("P{i}")).collect();
            let quotas = vec![Some(Decimal::new(50_000, 0)); 3];
            let components = counting_components(&plan, TxnKind::Booking, None);
            let mut acc = Accumulator::new(3, 1);
            let mut scratch = Scratch::default();
            let mut txns = Vec::new();
            for (i, (owner, co, month, cents)) in rows.iter().enumerate() {
                let date = NaiveDate::from_ymd_opt(2026, *month, 10).unwrap();
                let mut parties = vec![(*owner, compiled.share("owner"))];
                let mut engine_parties = vec![Party { payee: names[*owner].clone(), role: "owner".into() }];
                if let Some(co) = co {
                    parties.push((*co, compiled.share("co_owner")));
                    engine_parties.push(Party { payee: names[*co].clone(), role: "co_owner".into() });
                }
                acc.credit(&parties, compiled.month_index(date).0, *cents, &components, &mut scratch);
                txns.push(Transaction { id: format!("T{i}"), date, kind: TxnKind::Booking, amount: Decimal::new(*cents, 2),
                    currency: Currency::new("USD"), product: None, client_id: None, channel: None, origin: None,
                    recorded_on: None, parties: engine_parties });
            }
            let rows = payouts(&plan, &acc, &names, &quotas).unwrap();
            for row in rows {
                let period = Period::month_of(NaiveDate::from_ymd_opt(2026, row.month, 1).unwrap());
                let inputs = PayeeInputs { annual_quota: quotas[row.payee], ..PayeeInputs::new(&names[row.payee], &txns) };
                let statement = statement_for_period(&plan, &inputs, &period).unwrap();
                prop_assert_eq!(statement.total, row.payout);
            }
        }
    }
}
