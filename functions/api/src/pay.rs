//! What the engine is fed for a payee: everything the store holds about them, gathered in
//! one place so statements and simulated cost impacts use the same inputs.

use crate::AppState;
use crate::error::ApiFailure;
use crate::routes::decode_all;
use chrono::NaiveDate;
use plumbline_engine::calc::{Assignment, year_start};
use plumbline_engine::credit::ReportingLine;
use plumbline_engine::plan::PLAN_CAP_ID;
use plumbline_engine::statement::LineKind;
use plumbline_engine::{PayeeInputs, Period, Plan, Statement, Transaction, statement_for_period};
use plumbline_firm::workflow::ManualAdjustment;
use plumbline_firm::{Person, PlanAssignment, Quota};
use plumbline_regulation::{LedgerEntry, RegulatedInputs, RegulatedPlan, RegulatedStatement, Regulation};
use plumbline_store::periods::{self, ClosedRange};
use plumbline_store::{StoreError, audit::hash_json, keys};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
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

/// A payee's statement for a period as the API serves it: the engine statement, the manual
/// adjustments it pays and, for a plan with regulated pay, the regulated statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayeeStatement {
    /// The engine statement.
    pub statement: Statement,
    /// Approved manual adjustments paid in it.
    pub adjustments: Vec<ManualAdjustment>,
    /// Deferral, vesting, malus and clawback, when the plan has regulated pay.
    pub regulated: Option<RegulatedStatement>,
}

/// What a period close froze for one payee (`PAID#{person}` / period; docs/store.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaidStatement {
    /// The statement as paid; a closed period's statement is served from here, unchanged.
    pub paid: PayeeStatement,
    /// Formula earnings paid for the plan year once this statement is paid, by component id
    /// (and `plan-cap` for the cut of a capped plan): the next statement's paid to date.
    pub paid_to_date: BTreeMap<String, Decimal>,
    /// Fingerprints (by id) of the transactions this statement counted, dated from the day
    /// after the payee's previous frozen statement of the plan year (or its first day) to
    /// the period's end. One missing here or changed since is late: the next open period
    /// pays it as an adjustment.
    pub seen: BTreeMap<String, String>,
}

/// A transaction's fingerprint: its stored form, hashed.
fn fingerprint(t: &Transaction) -> String {
    let value = serde_json::to_value(t).unwrap_or_default();
    hash_json(&value)[..16].to_string()
}

/// Formula earnings to date after `statement` is paid, by component (see [`PaidStatement`]).
pub fn paid_after(plan: &Plan, statement: &Statement) -> BTreeMap<String, Decimal> {
    let mut paid: BTreeMap<String, Decimal> = statement
        .lines
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Component | LineKind::PlanCap))
        .map(|l| (l.component_id.clone(), l.earned_to_date))
        .collect();
    if plan.cap_amount.is_some() || plan.cap_fixed_pay_multiple.is_some() {
        paid.entry(PLAN_CAP_ID.to_string()).or_default();
    }
    paid
}

/// A statement of an open period, and what a close of that period freezes.
pub struct OpenStatement {
    /// The statement.
    pub statement: PayeeStatement,
    /// The plan it was computed under.
    pub plan_id: String,
    /// Paid to date once it is paid.
    pub paid_to_date: BTreeMap<String, Decimal>,
    /// The transactions it counted (see [`PaidStatement::seen`]), when asked for.
    pub seen: BTreeMap<String, String>,
}

/// The statement of `person` for `period`: frozen when the period is closed (`None` when the
/// close had no statement for them), else computed.
pub async fn payee_statement(
    state: &AppState,
    person: &Person,
    people: &[Person],
    period: &Period,
) -> Result<PayeeStatement, ApiFailure> {
    let closed = periods::closed(state.store.as_ref()).await?.map(|c| c.range);
    if let Some(range) = closed.as_ref().filter(|r| r.contains(&period.label)) {
        let frozen: Option<PaidStatement> =
            periods::paid_for(state.store.as_ref(), range, &person.id, &period.label).await?;
        return frozen.map(|f| f.paid).ok_or_else(|| ApiFailure::Unprocessable {
            code: "not_paid",
            message: format!("{} had no statement when {} was closed", person.name, period.label),
        });
    }
    Ok(open_statement(state, person, people, period, closed.as_ref(), false).await?.statement)
}

/// The statement of an open period. Closed periods of the plan year bear on it twice: what
/// their frozen statements paid is the paid to date (open periods between the last close and
/// this one are counted as their statements would pay), and a transaction dated in them that
/// their statements did not count, or that changed since, is late: recorded the day after
/// the last closed period, so the first open statement pays it in an adjustment line naming it.
pub async fn open_statement(
    state: &AppState,
    person: &Person,
    people: &[Person],
    period: &Period,
    closed: Option<&ClosedRange>,
    with_seen: bool,
) -> Result<OpenStatement, ApiFailure> {
    let mut data = payee_data(state, person, people, period).await?;
    let first = year_start(&data.plan, period.end);
    let mut frozen: Vec<(String, PaidStatement)> = Vec::new();
    if let Some(range) = closed.filter(|r| r.last < period.label) {
        frozen = periods::paid_in(state.store.as_ref(), range, &person.id, &month_label(first)).await?;
    }
    let seen_from =
        frozen.last().and_then(|(label, _)| Period::parse_month(label)).and_then(|p| p.end.succ_opt()).unwrap_or(first);
    let seen = match with_seen {
        true => data
            .inputs
            .transactions
            .iter()
            .filter(|t| t.date >= seen_from && t.date <= period.end)
            .map(|t| (t.id.clone(), fingerprint(t)))
            .collect(),
        false => BTreeMap::new(),
    };
    if let (Some(range), Some(_)) = (closed, frozen.last()) {
        let last = Period::parse_month(&range.last).ok_or_else(|| StoreError::Decode {
            pk: keys::FIRM.into(),
            sk: keys::CLOSED_RANGE.into(),
            message: format!("closed period `{}` is not a month", range.last),
        })?;
        let counted: BTreeMap<&str, &str> =
            frozen.iter().flat_map(|(_, f)| f.seen.iter().map(|(id, fp)| (id.as_str(), fp.as_str()))).collect();
        let recorded = last.end.succ_opt().unwrap_or(last.end);
        let late: Vec<usize> = data
            .inputs
            .transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                t.date >= first && t.date <= last.end && counted.get(t.id.as_str()) != Some(&fingerprint(t).as_str())
            })
            .map(|(i, _)| i)
            .collect();
        if !late.is_empty() {
            let transactions = data.inputs.transactions.to_mut();
            for i in late {
                let t = &mut transactions[i];
                t.recorded_on = Some(t.known_on().max(recorded));
            }
        }
        // Paid to date: the last close's frozen figure when it paid this plan, then each open
        // period up to this one as its statement pays.
        if let Some((_, latest)) =
            frozen.last().filter(|(label, f)| *label == range.last && f.paid.statement.plan_id == data.plan.id)
        {
            data.inputs.paid_to_date = latest.paid_to_date.clone();
            let mut month = next_month(&last);
            while month.start < period.start {
                let adjustments = adjustments_due(state, &person.id, &month).await?;
                let statement = statement_with_adjustments(&data, &month, &adjustments)?;
                data.inputs.paid_to_date = paid_after(&data.plan, &statement);
                month = next_month(&month);
            }
        }
    }
    let adjustments = adjustments_due(state, &person.id, period).await?;
    let mut statement = statement_with_adjustments(&data, period, &adjustments)?;
    let mut regulated = regulated(state, &data, period, &adjustments).await?;
    if let Some(range) = closed.filter(|_| !frozen.is_empty()) {
        name_closed_periods(&mut statement, &data.inputs.transactions, range);
        if let Some(r) = regulated.as_mut() {
            name_closed_periods(&mut r.engine, &data.inputs.transactions, range);
        }
    }
    Ok(OpenStatement {
        paid_to_date: paid_after(&data.plan, &statement),
        plan_id: data.plan.id.clone(),
        statement: PayeeStatement { statement, adjustments, regulated },
        seen,
    })
}

/// Adds to each adjustment line paying late transactions the closed periods they are dated
/// in, whose statements stay as paid.
fn name_closed_periods(statement: &mut Statement, transactions: &[Transaction], closed: &ClosedRange) {
    for line in statement.lines.iter_mut().filter(|l| l.kind == LineKind::Adjustment) {
        let mut months: Vec<String> = line
            .credits
            .iter()
            .filter_map(|c| transactions.iter().find(|t| t.id == c.txn_id))
            .map(|t| month_label(t.date))
            .filter(|m| closed.contains(m))
            .collect();
        months.sort();
        months.dedup();
        let them = if line.credits.len() == 1 { "it" } else { "them" };
        let (periods, stay) = match months.len() {
            0 => continue,
            1 => ("period", "its statement stays"),
            _ => ("periods", "their statements stay"),
        };
        line.explanation
            .push_str(&format!(" The closed {periods} {} did not count {them}: {stay} as paid.", months.join(", ")));
    }
}

/// `YYYY-MM` of a date.
fn month_label(date: NaiveDate) -> String {
    Period::month_of(date).label
}

/// The month after `period`'s last day.
fn next_month(period: &Period) -> Period {
    Period::month_of(period.end.succ_opt().unwrap_or(period.end))
}

/// The regulated statement when the payee's plan has a regulation section: the same engine
/// inputs and adjustments, the payee's compliance events and the ledger stored up to the
/// period's end (entries this period's statement makes are recognised by id, not repeated).
async fn regulated(
    state: &AppState,
    data: &PayeeData,
    period: &Period,
    adjustments: &[ManualAdjustment],
) -> Result<Option<RegulatedStatement>, ApiFailure> {
    let Some(item) = state.store.get(keys::REGULATION, &data.plan.id).await? else { return Ok(None) };
    let regulation: Regulation = item.decode()?;
    let doc = RegulatedPlan { plan: data.plan.clone(), regulation };
    let payee = data.inputs.payee.to_string();
    let ledger: Vec<LedgerEntry> = decode_all(state, &keys::ledger(&payee), "").await?;
    let inputs = RegulatedInputs {
        inputs: inputs_with_adjustments(data, period, adjustments)?,
        conduct_events: decode_all(state, &keys::conduct(&payee), "").await?,
        cancellations: Vec::new(),
        ledger: ledger.into_iter().filter(|e| e.date <= period.end).collect(),
    };
    plumbline_regulation::regulated_statement(&doc, &inputs, period)
        .map(Some)
        .map_err(|e| ApiFailure::Unprocessable { code: "regulation_failed", message: e.to_string() })
}
