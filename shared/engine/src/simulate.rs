//! Simulation: a rep's what-if on their own statement, and a designer's plan A against plan B.
//!
//! Both run the same statement calculation as the official statements, so a simulated figure
//! and the statement it anticipates agree to the cent. Everything is exact `Decimal`.

use crate::calc::{CalcError, PayeeInputs, statement_for_period};
use crate::credit::{OrgChart, credit_with_org};
use crate::plan::{MAX_AMOUNT, Plan};
use crate::statement::{LineKind, Period, Statement};
use crate::transaction::{Transaction, TxnKind};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A hypothetical change to a payee's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A transaction that has not happened, e.g. "if this £300k deal closes in June".
    AddTransaction {
        /// The transaction, dated when it would happen.
        transaction: Transaction,
    },
    /// An existing transaction on another date, e.g. a deal slipping a quarter.
    MoveTransaction {
        /// The transaction's id.
        id: String,
        /// The new date.
        date: NaiveDate,
    },
    /// Amounts of some kinds (AUM and flows unless given) dated on or after `from`, times a
    /// growth factor, rounded to the currency's minor unit by the plan's rule.
    Scale {
        /// The factor, e.g. 1.1 for 10% growth; from 0 to 1000.
        factor: Decimal,
        /// Kinds scaled; AUM, inflows and outflows when empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        kinds: Vec<TxnKind>,
        /// First date scaled; all when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<NaiveDate>,
    },
}

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A statement could not be calculated.
    #[error("payee {payee} on plan `{plan}`: {source}")]
    Calc {
        /// The payee.
        payee: String,
        /// The plan.
        plan: String,
        /// Why (boxed: a calculation error carries its data).
        source: Box<CalcError>,
    },
    /// A change names a transaction the payee does not have.
    #[error("no transaction has the id `{id}`")]
    UnknownTransaction {
        /// The id given.
        id: String,
    },
    /// A growth factor is negative or beyond 1000.
    #[error("growth factor {factor} must be between 0 and 1000")]
    InvalidFactor {
        /// The factor given.
        factor: Decimal,
    },
    /// A comparison needs at least one period.
    #[error("a comparison needs at least one period")]
    NoPeriods,
}

/// One line's pay with and without the changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LineDelta {
    /// The line's component (or `plan-cap`, `draw`).
    pub component_id: String,
    /// What the line pays.
    pub kind: LineKind,
    /// Pay without the changes.
    pub before: Decimal,
    /// Pay with them.
    pub after: Decimal,
    /// after - before.
    pub delta: Decimal,
}

/// A rep's what-if: the statement as it stands, the statement with the changes, and the difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WhatIf {
    /// The statement from the inputs as given.
    pub before: Statement,
    /// The statement with the changes applied.
    pub after: Statement,
    /// after.total - before.total.
    pub delta: Decimal,
    /// Per line, in the changed statement's order (lines only in the original come last).
    pub lines: Vec<LineDelta>,
}

/// Applies changes to a copy of the inputs.
pub fn apply(plan: &Plan, inputs: &PayeeInputs, changes: &[Change]) -> Result<PayeeInputs<'static>, SimError> {
    let mut txns: Vec<Transaction> = inputs.transactions.to_vec();
    let digits = plan.currency.minor_digits();
    for change in changes {
        match change {
            Change::AddTransaction { transaction } => txns.push(transaction.clone()),
            Change::MoveTransaction { id, date } => {
                let mut found = false;
                for t in txns.iter_mut().filter(|t| &t.id == id) {
                    t.date = *date;
                    found = true;
                }
                if !found {
                    return Err(SimError::UnknownTransaction { id: id.clone() });
                }
            }
            Change::Scale { factor, kinds, from } => {
                if *factor < Decimal::ZERO || *factor > Decimal::from(1000) {
                    return Err(SimError::InvalidFactor { factor: *factor });
                }
                let kinds: &[TxnKind] =
                    if kinds.is_empty() { &[TxnKind::Aum, TxnKind::Inflow, TxnKind::Outflow] } else { kinds };
                for t in txns.iter_mut().filter(|t| kinds.contains(&t.kind) && from.is_none_or(|f| t.date >= f)) {
                    // Amounts beyond the engine's range are left for the statement to refuse.
                    if t.amount.abs() <= MAX_AMOUNT {
                        t.amount = plan.rounding.round(t.amount * factor, digits);
                    }
                }
            }
        }
    }
    let mut changed = inputs.clone().into_owned();
    changed.transactions = Cow::Owned(txns);
    Ok(changed)
}

fn statement(plan: &Plan, inputs: &PayeeInputs, period: &Period) -> Result<Statement, SimError> {
    statement_for_period(plan, inputs, period).map_err(|source| SimError::Calc {
        payee: inputs.payee.to_string(),
        plan: plan.id.clone(),
        source: Box::new(source),
    })
}

/// A rep's question: the statement for `period` with and without `changes`, and the difference.
pub fn simulate(plan: &Plan, inputs: &PayeeInputs, period: &Period, changes: &[Change]) -> Result<WhatIf, SimError> {
    let before = statement(plan, inputs, period)?;
    let after = statement(plan, &apply(plan, inputs, changes)?, period)?;
    let key = |l: &crate::statement::StatementLine| (l.kind, l.component_id.clone());
    let mut lines: Vec<LineDelta> = after
        .lines
        .iter()
        .map(|l| {
            let was = before.lines.iter().find(|b| key(b) == key(l)).map_or(Decimal::ZERO, |b| b.amount);
            LineDelta {
                component_id: l.component_id.clone(),
                kind: l.kind,
                before: was,
                after: l.amount,
                delta: l.amount - was,
            }
        })
        .collect();
    lines.extend(before.lines.iter().filter(|b| !after.lines.iter().any(|l| key(l) == key(b))).map(|b| LineDelta {
        component_id: b.component_id.clone(),
        kind: b.kind,
        before: b.amount,
        after: Decimal::ZERO,
        delta: -b.amount,
    }));
    Ok(WhatIf { delta: after.total - before.total, before, after, lines })
}

/// One plan's results over the payees and periods compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanResult {
    /// The plan's id.
    pub plan_id: String,
    /// Its version.
    pub plan_version: u32,
    /// Total pay over every payee and period.
    pub total_cost: Decimal,
    /// Revenue credited to the payees under this plan's crediting, over the periods.
    pub credited_revenue: Decimal,
    /// total_cost / credited_revenue (exact), when revenue is positive.
    pub cost_of_sales: Option<Decimal>,
    /// Per-payee pay at the 10th, 20th, ..., 90th percentiles (nearest rank).
    pub payout_deciles: Vec<Decimal>,
    /// Attainment at the last period (first component with a quota) at the same percentiles;
    /// payees without a quota-based component are left out.
    pub attainment_deciles: Vec<Decimal>,
}

/// One payee's pay under both plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayeeDelta {
    /// The payee.
    pub payee: String,
    /// Pay under plan A.
    pub pay_a: Decimal,
    /// Pay under plan B.
    pub pay_b: Decimal,
    /// pay_b - pay_a.
    pub delta: Decimal,
    /// Attainment under A at the last period, if A measures one.
    pub attainment_a: Option<Decimal>,
    /// Attainment under B at the last period, if B measures one.
    pub attainment_b: Option<Decimal>,
}

/// A designer's comparison of plan A and plan B over the same payees and periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// Plan A's results.
    pub a: PlanResult,
    /// Plan B's results.
    pub b: PlanResult,
    /// B's total cost minus A's.
    pub total_delta: Decimal,
    /// Every payee, biggest gain under B first, biggest loss last (ties by payee id).
    pub payees: Vec<PayeeDelta>,
    /// Payees paid more under B.
    pub winners: usize,
    /// Payees paid less under B.
    pub losers: usize,
}

/// Values at the 10th to 90th percentiles by nearest rank: the `ceil(k x n / 10)`-th smallest.
pub fn deciles(values: &[Decimal]) -> Vec<Decimal> {
    let mut sorted = values.to_vec();
    sorted.sort();
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    (1..=9).map(|k| sorted[(k * n).div_ceil(10) - 1]).collect()
}

struct PayeeRun {
    pay: Decimal,
    attainment: Option<Decimal>,
    revenue: Decimal,
}

fn run_payee(
    plan: &Plan,
    inputs: &PayeeInputs,
    periods: &[Period],
    revenue_kinds: &[TxnKind],
) -> Result<PayeeRun, SimError> {
    let mut pay = Decimal::ZERO;
    let mut attainment = None;
    for period in periods {
        let s = statement(plan, inputs, period)?;
        pay += s.total;
        attainment = s.lines.iter().filter(|l| l.kind == LineKind::Component).find_map(|l| l.attainment);
    }
    let from = periods.iter().map(|p| p.start).min().unwrap_or(NaiveDate::MIN);
    let to = periods.iter().map(|p| p.end).max().unwrap_or(NaiveDate::MIN);
    let org = OrgChart::new(&inputs.org);
    let digits = plan.currency.minor_digits();
    let mut revenue = Decimal::ZERO;
    for t in inputs
        .transactions
        .iter()
        .filter(|t| revenue_kinds.contains(&t.kind) && t.currency == plan.currency && t.date >= from && t.date <= to)
    {
        let sign = if t.kind == TxnKind::Outflow { Decimal::NEGATIVE_ONE } else { Decimal::ONE };
        for credit in credit_with_org(&plan.crediting, t, &org, digits).iter().filter(|c| c.payee == inputs.payee) {
            revenue += sign * credit.amount;
        }
    }
    Ok(PayeeRun { pay, attainment, revenue })
}

fn plan_result(plan: &Plan, runs: &[PayeeRun]) -> PlanResult {
    let total_cost: Decimal = runs.iter().map(|r| r.pay).sum();
    let credited_revenue: Decimal = runs.iter().map(|r| r.revenue).sum();
    let pays: Vec<Decimal> = runs.iter().map(|r| r.pay).collect();
    let attainments: Vec<Decimal> = runs.iter().filter_map(|r| r.attainment).collect();
    PlanResult {
        plan_id: plan.id.clone(),
        plan_version: plan.version,
        total_cost,
        credited_revenue,
        cost_of_sales: (credited_revenue > Decimal::ZERO).then(|| total_cost / credited_revenue),
        payout_deciles: deciles(&pays),
        attainment_deciles: deciles(&attainments),
    }
}

/// A designer's question: plan A against plan B for these payees over these periods (e.g. the
/// twelve months of last year). Pay is the sum of each period's statement total; revenue is
/// what each plan's crediting credits the payees in `revenue_kinds` over the periods' span.
pub fn compare(
    plan_a: &Plan,
    plan_b: &Plan,
    payees: &[PayeeInputs],
    periods: &[Period],
    revenue_kinds: &[TxnKind],
) -> Result<Comparison, SimError> {
    if periods.is_empty() {
        return Err(SimError::NoPeriods);
    }
    let runs = |plan: &Plan| -> Result<Vec<PayeeRun>, SimError> {
        payees.iter().map(|p| run_payee(plan, p, periods, revenue_kinds)).collect()
    };
    let (runs_a, runs_b) = (runs(plan_a)?, runs(plan_b)?);
    let mut deltas: Vec<PayeeDelta> = payees
        .iter()
        .zip(runs_a.iter().zip(&runs_b))
        .map(|(p, (a, b))| PayeeDelta {
            payee: p.payee.to_string(),
            pay_a: a.pay,
            pay_b: b.pay,
            delta: b.pay - a.pay,
            attainment_a: a.attainment,
            attainment_b: b.attainment,
        })
        .collect();
    deltas.sort_by(|x, y| y.delta.cmp(&x.delta).then_with(|| x.payee.cmp(&y.payee)));
    let (a, b) = (plan_result(plan_a, &runs_a), plan_result(plan_b, &runs_b));
    Ok(Comparison {
        total_delta: b.total_cost - a.total_cost,
        winners: deltas.iter().filter(|d| d.delta > Decimal::ZERO).count(),
        losers: deltas.iter().filter(|d| d.delta < Decimal::ZERO).count(),
        payees: deltas,
        a,
        b,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::transaction::Party;
    use rust_decimal_macros::dec;

    fn txn(id: &str, payee: &str, date: &str, kind: TxnKind, amount: Decimal) -> Transaction {
        Transaction {
            id: id.into(),
            date: date.parse().unwrap(),
            kind,
            amount,
            currency: Currency::new("GBP"),
            product: None,
            client_id: None,
            channel: None,
            origin: None,
            recorded_on: None,
            parties: vec![Party { payee: payee.into(), role: "owner".into() }],
        }
    }

    fn plan(components: &str, extra: &str) -> Plan {
        Plan::from_json(&format!(
            r#"{{"id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01"{extra},
                "components": [{components}]}}"#
        ))
        .unwrap()
    }

    fn month(label: &str) -> Period {
        Period::parse_month(label).unwrap()
    }

    const TIERED: &str = r#"{"type": "tiered", "id": "bookings", "name": "Bookings", "measure": {"kinds": ["booking"]},
        "method": "marginal", "tiers": [{"up_to": "1", "rate": "0.05"}, {"rate": "0.10"}]}"#;

    #[test]
    fn a_rep_asks_what_a_300k_deal_in_june_would_pay() {
        // Quota 1,000,000; 900,000 booked in May earned 45,000.00 by May. With 300,000 more
        // in June: 1,000,000 x 5% + 200,000 x 10% = 70,000.00 to date, so June pays 25,000.00.
        let txns = vec![txn("B1", "R1", "2026-05-10", TxnKind::Booking, dec!(900000))];
        let inputs = PayeeInputs { annual_quota: Some(dec!(1000000)), ..PayeeInputs::new("R1", &txns) };
        let deal = txn("DEAL", "R1", "2026-06-15", TxnKind::Booking, dec!(300000));
        let what_if =
            simulate(&plan(TIERED, ""), &inputs, &month("2026-06"), &[Change::AddTransaction { transaction: deal }])
                .unwrap();
        assert_eq!(
            (what_if.before.total, what_if.after.total, what_if.delta),
            (dec!(0), dec!(25000.00), dec!(25000.00))
        );
        assert_eq!(what_if.lines[0].delta, dec!(25000.00));
        // Slipping May's deal to July takes May's pay away: May would pay 0.00 instead of 45,000.00.
        let moved = Change::MoveTransaction { id: "B1".into(), date: "2026-07-01".parse().unwrap() };
        let may = simulate(&plan(TIERED, ""), &inputs, &month("2026-05"), &[moved]).unwrap();
        assert_eq!(may.delta, dec!(-45000.00));
        let unknown = Change::MoveTransaction { id: "NOPE".into(), date: "2026-07-01".parse().unwrap() };
        let err = simulate(&plan(TIERED, ""), &inputs, &month("2026-05"), &[unknown]).unwrap_err();
        assert_eq!(err, SimError::UnknownTransaction { id: "NOPE".into() });
    }

    #[test]
    fn growth_scales_flows_and_rounds_to_the_penny() {
        // NNA 0.1%: inflow 100,000.05 x 1.1 = 110,000.055 -> 110,000.06 (half away from zero);
        // outflow 10,000 x 1.1 = 11,000. NNA 99,000.06 x 0.1% = 99.00006 -> 99.00, against 90.00.
        let nna = r#"{"type": "flat", "id": "nna", "name": "NNA", "measure": {"kinds": ["inflow", "outflow"]}, "rate": "0.001"}"#;
        let txns = vec![
            txn("I1", "R1", "2026-03-01", TxnKind::Inflow, dec!(100000.05)),
            txn("O1", "R1", "2026-03-02", TxnKind::Outflow, dec!(10000)),
        ];
        let grow = Change::Scale { factor: dec!(1.1), kinds: vec![], from: None };
        let what_if = simulate(&plan(nna, ""), &PayeeInputs::new("R1", &txns), &month("2026-03"), &[grow]).unwrap();
        assert_eq!((what_if.before.total, what_if.after.total), (dec!(90.00), dec!(99.00)));
        let bad = Change::Scale { factor: dec!(-1), kinds: vec![], from: None };
        assert!(matches!(
            apply(&plan(nna, ""), &PayeeInputs::new("R1", &txns), &[bad]),
            Err(SimError::InvalidFactor { .. })
        ));
    }

    #[test]
    fn a_designer_compares_plan_b_with_plan_a() {
        // A: 10% of fees. B: 12% of fees capped at 10,000.00 a year.
        // P1 100,000 of fees: A 10,000.00; B 12,000.00 capped at 10,000.00; no change.
        // P2 50,000: A 5,000.00; B 6,000.00; +1,000.00. Totals 15,000.00 and 16,000.00.
        let a = plan(
            r#"{"type": "flat", "id": "fees", "name": "Fees", "measure": {"kinds": ["fee_revenue"]}, "rate": "0.10"}"#,
            "",
        );
        let b = plan(
            r#"{"type": "flat", "id": "fees", "name": "Fees", "measure": {"kinds": ["fee_revenue"]}, "rate": "0.12", "cap_amount": "10000"}"#,
            "",
        );
        let t1 = vec![txn("F1", "P1", "2026-01-20", TxnKind::FeeRevenue, dec!(100000))];
        let t2 = vec![txn("F2", "P2", "2026-02-20", TxnKind::FeeRevenue, dec!(50000))];
        let payees = [PayeeInputs::new("P1", &t1), PayeeInputs::new("P2", &t2)];
        let periods = [month("2026-01"), month("2026-02"), month("2026-03")];
        let c = compare(&a, &b, &payees, &periods, &[TxnKind::FeeRevenue, TxnKind::Trail]).unwrap();
        assert_eq!((c.a.total_cost, c.b.total_cost, c.total_delta), (dec!(15000.00), dec!(16000.00), dec!(1000.00)));
        assert_eq!(
            c.payees.iter().map(|p| (p.payee.as_str(), p.delta)).collect::<Vec<_>>(),
            [("P2", dec!(1000.00)), ("P1", dec!(0))]
        );
        assert_eq!((c.winners, c.losers), (1, 0));
        // Revenue 150,000: A costs 10%, B 16,000 / 150,000 = 0.10666...
        assert_eq!(c.a.cost_of_sales, Some(dec!(0.1)));
        assert_eq!(c.b.cost_of_sales.map(|x| x.round_dp(6)), Some(dec!(0.106667)));
        // Two payees: deciles 1-5 are the lower pay, 6-9 the higher.
        let mut expected = vec![dec!(5000.00); 5];
        expected.extend([dec!(10000.00); 4]);
        assert_eq!(c.a.payout_deciles, expected);
        assert!(c.a.attainment_deciles.is_empty(), "flat components measure no attainment");
        assert_eq!(compare(&a, &b, &payees, &[], &[]).unwrap_err(), SimError::NoPeriods);
    }

    #[test]
    fn deciles_are_nearest_rank() {
        let values: Vec<Decimal> = (1..=20).map(Decimal::from).collect();
        assert_eq!(deciles(&values), [2, 4, 6, 8, 10, 12, 14, 16, 18].map(Decimal::from).to_vec());
        assert_eq!(deciles(&[dec!(5)]), vec![dec!(5); 9]);
        assert!(deciles(&[]).is_empty());
        let three = [dec!(3), dec!(1), dec!(2)];
        // ceil(k x 3 / 10): ranks 1,1,1,2,2,2,3,3,3.
        assert_eq!(deciles(&three), [1, 1, 1, 2, 2, 2, 3, 3, 3].map(Decimal::from).to_vec());
    }
}
