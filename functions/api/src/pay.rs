//! What the engine is fed for a payee: everything the store holds about them, gathered in
//! one place so statements and simulated cost impacts use the same inputs.

use crate::AppState;
use crate::error::ApiFailure;
use crate::routes::decode_all;
use chrono::NaiveDate;
use plumbline_engine::calc::{Assignment, year_start};
use plumbline_engine::credit::ReportingLine;
use plumbline_engine::statement::LineKind;
use plumbline_engine::{PayeeInputs, Period, Plan, Statement, Transaction, statement_for_period};
use plumbline_firm::workflow::ManualAdjustment;
use plumbline_firm::{Person, PlanAssignment, Quota};
use plumbline_store::keys;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A payee's plan and engine inputs for a period.
pub struct PayeeData {
    /// The plan version assigned in the period.
    pub plan: Plan,
    /// Quota, fixed pay, assignments, reporting lines and transactions.
    pub inputs: PayeeInputs<'static>,
}

fn no_plan(person: &Person, label: &str) -> ApiFailure {
    ApiFailure::Unprocessable { code: "no_plan", message: format!("{} has no plan in {label}", person.name) }
}

/// The plan assignment in force for some of `from..=to`, the latest first.
pub fn assignment_in(assignments: &[PlanAssignment], from: NaiveDate, to: NaiveDate) -> Option<&PlanAssignment> {
    assignments.iter().rev().find(|a| a.from <= to && a.to.is_none_or(|end| end >= from))
}

/// Loads a plan version.
pub async fn plan(state: &AppState, plan_id: &str, version: u32) -> Result<Plan, ApiFailure> {
    Ok(state
        .store
        .get(keys::PLANS, &keys::plan_version(plan_id, version))
        .await?
        .ok_or_else(|| ApiFailure::Unprocessable {
            code: "plan_missing",
            message: format!("plan {plan_id} is not loaded"),
        })?
        .decode()?)
}

/// Gathers the engine inputs for `person` in `period`: the plan assigned then, the annual
/// quota of that plan year, fixed pay, the assignment dates of that plan (so the engine
/// prorates a part year and ignores days off the plan), reporting lines and the reports'
/// transactions for a roll-up plan, and every transaction the person is a party to.
pub async fn payee_data(
    state: &AppState,
    person: &Person,
    people: &[Person],
    period: &Period,
) -> Result<PayeeData, ApiFailure> {
    let assignments: Vec<PlanAssignment> = decode_all(state, &keys::assignments(&person.id), "").await?;
    let current =
        assignment_in(&assignments, period.start, period.end).ok_or_else(|| no_plan(person, &period.label))?;
    let plan = plan(state, &current.plan_id, current.plan_version).await?;
    let year = year_start(&plan, period.end);
    let quota: Option<Quota> =
        state.store.get(&keys::quotas(&person.id), &year.to_string()).await?.map(|i| i.decode()).transpose()?;
    let on_plan: Vec<Assignment> = assignments
        .iter()
        .filter(|a| a.plan_id == current.plan_id)
        .map(|a| Assignment { from: a.from, to: a.to })
        .collect();
    let mut transactions: Vec<Transaction> = decode_all(state, &keys::transactions(&person.id), "").await?;
    let mut org = Vec::new();
    if plan.crediting.rollup.is_some() {
        org = people
            .iter()
            .filter_map(|p| {
                p.manager_id.as_ref().map(|m| ReportingLine {
                    manager: m.clone(),
                    report: p.id.clone(),
                    from: p.hire_date,
                    to: None,
                })
            })
            .collect();
        for report in people.iter().filter(|p| crate::authz::manages(&person.id, p, people)) {
            let theirs: Vec<Transaction> = decode_all(state, &keys::transactions(&report.id), "").await?;
            transactions.extend(theirs.into_iter().filter(|t| !t.parties.iter().any(|p| p.payee == person.id)));
        }
    }
    let inputs = PayeeInputs {
        payee: Cow::Owned(person.id.clone()),
        annual_quota: quota.map(|q| q.amount),
        fixed_pay: Some(person.fixed_pay),
        assignments: on_plan,
        org: Cow::Owned(org),
        transactions: Cow::Owned(transactions),
        ..PayeeInputs::default()
    };
    Ok(PayeeData { plan, inputs })
}

fn calc(plan: &Plan, inputs: &PayeeInputs, period: &Period) -> Result<Statement, ApiFailure> {
    statement_for_period(plan, inputs, period)
        .map_err(|e| ApiFailure::Unprocessable { code: "calculation_failed", message: e.to_string() })
}

/// The statement for `period`, paying the approved manual adjustments due in it.
///
/// The engine pays `recalculated earnings to the previous period's end - what earlier
/// statements paid` as an adjustment line. A manual adjustment is money owed on top of the
/// formula, so it is passed as that much less paid to date on its component; the engine's
/// adjustment line then carries it, explained, and the total stays the sum of the lines.
pub fn statement_with_adjustments(
    data: &PayeeData,
    period: &Period,
    adjustments: &[ManualAdjustment],
) -> Result<Statement, ApiFailure> {
    let inputs = inputs_with_adjustments(data, period, adjustments)?;
    calc(&data.plan, &inputs, period)
}

/// The payee's inputs with the approved manual adjustments due in `period` passed as less
/// paid to date (see [`statement_with_adjustments`]), so every statement built on them pays them.
pub fn inputs_with_adjustments(
    data: &PayeeData,
    period: &Period,
    adjustments: &[ManualAdjustment],
) -> Result<PayeeInputs<'static>, ApiFailure> {
    if adjustments.is_empty() {
        return Ok(data.inputs.clone());
    }
    let base = calc(&data.plan, &data.inputs, period)?;
    let mut owed: BTreeMap<String, Decimal> = BTreeMap::new();
    for a in adjustments {
        *owed.entry(a.component_id.clone()).or_default() += a.amount;
    }
    let mut inputs = data.inputs.clone();
    for (component, amount) in owed {
        let line = |kind| base.lines.iter().find(|l| l.kind == kind && l.component_id == component);
        // What earlier statements paid: the adjustment line's figure when there is one
        // (late transactions), else the recalculated earnings to the previous period's end.
        let paid = line(LineKind::Adjustment).or(line(LineKind::Component)).map_or(Decimal::ZERO, |l| l.paid_before);
        inputs.paid_to_date.insert(component, paid - amount);
    }
    Ok(inputs)
}

/// The approved manual adjustments paid in `period`'s statement.
pub async fn adjustments_due(
    state: &AppState,
    person_id: &str,
    period: &Period,
) -> Result<Vec<ManualAdjustment>, ApiFailure> {
    decode_all(state, &keys::adjustments(person_id), &format!("{}#", period.label)).await
}

/// The whole plan year to the end of `period`, as one period: its statement pays the
/// year's earnings to date.
pub fn year_to_date(plan: &Plan, period: &Period) -> Period {
    Period { start: year_start(plan, period.end), end: period.end, label: format!("year to {}", period.label) }
}
