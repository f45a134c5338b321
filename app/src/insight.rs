//! What the rep's views compute in the browser with the shared engine: the month-by-month
//! trend, the payout curve with "you are here", the year-end projection and the what-if.
//!
//! Pure functions over the plan and the payee's inputs, so they are tested natively and run
//! unchanged in WASM; the figures agree to the cent with the server's statements because both
//! call `plumbline_engine::statement_for_period`.

use chrono::{Months, NaiveDate};
use plumbline_engine::simulate::{Change, SimError, WhatIf, simulate};
use plumbline_engine::{PayeeInputs, Period, Plan, Statement, StatementLine, statement_for_period};
use rust_decimal::Decimal;

/// Everything the browser needs to recompute a payee's statements.
#[derive(Debug, Clone, PartialEq)]
pub struct PayeeModel {
    /// The plan version the payee is on.
    pub plan: Plan,
    /// Quota, transactions and the rest.
    pub inputs: PayeeInputs<'static>,
    /// The period on screen (the current month unless chosen).
    pub period: Period,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthPoint {
    /// The month.
    pub period: Period,
    /// Year-to-date attainment of the main quota component at the month's end, if any.
    pub attainment: Option<Decimal>,
    /// The month's pay.
    pub total: Decimal,
}

/// The line the gauge and payout curve describe: the first with a quota and attainment.
pub fn main_line(statement: &Statement) -> Option<&StatementLine> {
    statement.lines.iter().find(|l| l.quota.is_some() && l.attainment.is_some())
}

/// Sum of what every line has earned in the plan year so far.
pub fn earned_to_date(statement: &Statement) -> Decimal {
    statement.lines.iter().map(|l| l.earned_to_date).sum()
}

/// The statement of each month from the plan year's start to `model.period`.
pub fn trend(model: &PayeeModel, year_start: NaiveDate) -> Result<Vec<MonthPoint>, String> {
    let mut out = Vec::new();
    let mut month = year_start;
    while month <= model.period.start && out.len() < 12 {
        let period = Period::month_of(month);
        let statement = statement_for_period(&model.plan, &model.inputs, &period).map_err(|e| e.to_string())?;
        let attainment = main_line(&statement).and_then(|l| l.attainment);
        out.push(MonthPoint { period, attainment, total: statement.total });
        month = month + Months::new(1);
    }
    Ok(out)
}

/// Months of the plan year elapsed by the end of `period` (1 to 12).
pub fn months_elapsed(year_start: NaiveDate, period: &Period) -> u32 {
    let mut n = 1;
    let mut month = year_start;
    while month + Months::new(1) <= period.start && n < 12 {
        month = month + Months::new(1);
        n += 1;
    }
    n
}

/// One point of the payout curve: year-to-date attainment and what the main line has earned
/// by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    /// Attainment as a fraction of quota.
    pub attainment: Decimal,
    /// Earned to date on the main line at that attainment.
    pub earned: Decimal,
}

/// The main line's earnings at other attainments, computed by the engine by scaling the
/// payee's own measured transactions (so caps, gates and tiers all apply as they would).
/// `None` when the plan has no quota component or nothing is measured yet to scale.
pub fn payout_curve(model: &PayeeModel, points: &[Decimal]) -> Option<Vec<CurvePoint>> {
    let statement = statement_for_period(&model.plan, &model.inputs, &model.period).ok()?;
    let line = main_line(&statement)?;
    let now = line.attainment?;
    if now <= Decimal::ZERO {
        return None;
    }
    let kinds = model.plan.component(&line.component_id)?.measure()?.kinds.clone();
    let id = line.component_id.clone();
    points
        .iter()
        .map(|&attainment| {
            let factor = (attainment / now).round_dp(12);
            let change = Change::Scale { factor, kinds: kinds.clone(), from: None };
            let whatif = simulate(&model.plan, &model.inputs, &model.period, &[change]).ok()?;
            let earned =
                whatif.after.lines.iter().find(|l| l.component_id == id).map_or(Decimal::ZERO, |l| l.earned_to_date);
            Some(CurvePoint { attainment: line_attainment(&whatif.after, &id).unwrap_or(attainment), earned })
        })
        .collect()
}

fn line_attainment(statement: &Statement, id: &str) -> Option<Decimal> {
    statement.lines.iter().find(|l| l.component_id == id).and_then(|l| l.attainment)
}

/// Attainment at the plan year's end if the year continues at its pace so far.
pub fn projected_attainment(attainment: Decimal, elapsed: u32) -> Decimal {
    attainment * Decimal::from(12) / Decimal::from(elapsed.max(1))
}

/// The rep's what-if: the period's statement with and without `changes`.
pub fn what_if(model: &PayeeModel, changes: &[Change]) -> Result<WhatIf, SimError> {
    simulate(&model.plan, &model.inputs, &model.period, changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumbline_engine::{Currency, Party, Transaction, TxnKind};

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn model() -> PayeeModel {
        let plan = Plan::from_json(
            r#"{"id":"p","version":1,"name":"P","currency":"GBP","effective_from":"2026-01-01",
                "components":[{"type":"tiered","id":"nna","name":"Bookings","measure":{"kinds":["booking"]},
                "method":"marginal","tiers":[{"up_to":"1","rate":"0.01"},{"rate":"0.02"}]}]}"#,
        )
        .expect("plan");
        let txn = |id: &str, date: &str, amount: &str| Transaction {
            id: id.into(),
            date: date.parse().unwrap(),
            kind: TxnKind::Booking,
            amount: d(amount),
            currency: Currency::new("GBP"),
            product: None,
            client_id: None,
            channel: None,
            origin: None,
            recorded_on: None,
            parties: vec![Party { payee: "R1".into(), role: "owner".into() }],
        };
        let txns = vec![txn("t1", "2026-01-10", "40000"), txn("t2", "2026-02-10", "10000")];
        let inputs = PayeeInputs { annual_quota: Some(d("100000")), ..PayeeInputs::new("R1", &txns) }.into_owned();
        PayeeModel { plan, inputs, period: Period::parse_month("2026-03").unwrap() }
    }

    #[test]
    fn trend_has_one_point_per_month_to_the_period() {
        let m = model();
        let points = trend(&m, d_date("2026-01-01")).expect("trend");
        assert_eq!(points.len(), 3);
        assert_eq!(points[1].attainment, Some(d("0.5")));
        assert_eq!(months_elapsed(d_date("2026-01-01"), &m.period), 3);
        assert_eq!(projected_attainment(d("0.5"), 3), d("2"));
    }

    #[test]
    fn what_if_adds_a_deal_and_the_curve_passes_through_you_are_here() {
        let m = model();
        let deal =
            Transaction { id: "whatif-1".into(), date: d_date("2026-03-15"), ..m.inputs.transactions[0].clone() };
        let result = what_if(&m, &[Change::AddTransaction { transaction: deal }]).expect("what-if");
        assert!(result.delta > Decimal::ZERO);
        let curve = payout_curve(&m, &[d("0.5"), d("1")]).expect("curve");
        let here = earned_to_date(&result.before);
        assert_eq!(curve[0].earned, here);
        assert_eq!(curve[0].attainment, d("0.5"));
        assert!(curve[1].earned > curve[0].earned);
    }

    fn d_date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }
}
