//! Progress to quota and to the next accelerator tier, from the engine's own statements.

use chrono::{Datelike, Months, NaiveDate};
use plumbline_engine::calc::Assignment;
use plumbline_engine::calc::year_start;
use plumbline_engine::{Component, PayeeInputs, Period, Plan, Statement, Transaction, statement_for_period};
use plumbline_firm::Firm;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The next band of a tiered component and what it takes to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NextTier {
    /// Attainment (fraction of quota) where the band starts.
    pub at_attainment: Decimal,
    /// That as money.
    pub threshold: Decimal,
    /// Still to measure to reach it.
    pub needed: Decimal,
    /// Rate paid now (the current band).
    pub rate_now: Decimal,
    /// Rate paid from the threshold.
    pub rate_next: Decimal,
}

/// A person's year to date on their main quota-carrying component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Progress {
    /// The person.
    pub person_id: String,
    /// The plan's display name.
    pub plan_name: String,
    /// The component measured.
    pub component_name: String,
    /// What it measures, e.g. `fee revenue`.
    pub measure_label: String,
    /// The statement period (the as-of month).
    pub period: String,
    /// Currency of every amount.
    pub currency: String,
    /// The quota used by the statement (annual, prorated where the engine prorates).
    pub quota: Decimal,
    /// Measured from the plan year's start to the period's end.
    pub measure_ytd: Decimal,
    /// measure_ytd / quota.
    pub attainment: Decimal,
    /// Share of the plan year elapsed at the as-of date.
    pub year_elapsed: Decimal,
    /// Attainment against the elapsed share of quota (1 is on track).
    pub pace: Decimal,
    /// Still to measure to reach quota (0 once reached).
    pub to_quota: Decimal,
    /// Attainment at the end of each earlier month of the plan year, oldest first, then now.
    pub trend: Vec<(String, Decimal)>,
    /// The next accelerator band, if the component is tiered and one is ahead.
    pub next_tier: Option<NextTier>,
    /// Earned to date on the component.
    pub earned_ytd: Decimal,
}

/// Progress for every person with a plan assignment and a quota, as of `as_of`, with an
/// attainment trend of up to `trend_months` month ends. People the engine cannot calculate are
/// returned with the engine's message instead.
pub fn firm_progress(
    firm: &Firm,
    as_of: NaiveDate,
    trend_months: u32,
) -> (BTreeMap<String, Progress>, Vec<(String, String)>) {
    let mut by_payee: BTreeMap<&str, Vec<Transaction>> = BTreeMap::new();
    for t in &firm.transactions {
        for p in &t.parties {
            by_payee.entry(&p.payee).or_default().push(t.clone());
        }
    }
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for person in &firm.people {
        let Some(assignment) = firm
            .assignments
            .iter()
            .rev()
            .find(|a| a.person_id == person.id && a.from <= as_of && a.to.is_none_or(|t| t >= as_of))
        else {
            continue;
        };
        let Some(plan) = firm.plans.iter().find(|p| p.id == assignment.plan_id && p.version == assignment.plan_version)
        else {
            continue;
        };
        let start = year_start(plan, as_of);
        let Some(quota) = firm.quotas.iter().find(|q| q.person_id == person.id && q.year_start == start) else {
            continue;
        };
        // The engine refuses transactions in another currency than the plan's.
        let txns: Vec<Transaction> = by_payee
            .get(person.id.as_str())
            .into_iter()
            .flatten()
            .filter(|t| t.currency == plan.currency)
            .cloned()
            .collect();
        // Days on the plan prorate the full-year quota, as on the statement, so a joiner's
        // progress is measured against what they can reach.
        let on_plan: Vec<Assignment> = firm
            .assignments
            .iter()
            .filter(|a| a.person_id == person.id && a.plan_id == plan.id)
            .map(|a| Assignment { from: a.from, to: a.to })
            .collect();
        let inputs = PayeeInputs {
            annual_quota: Some(quota.amount),
            assignments: on_plan,
            ..PayeeInputs::new(&person.id, &txns)
        };
        match progress(plan, &inputs, as_of, trend_months) {
            Ok(Some(p)) => {
                out.insert(person.id.clone(), p);
            }
            Ok(None) => {}
            Err(e) => problems.push((person.id.clone(), e)),
        }
    }
    (out, problems)
}

/// Progress of one payee from their plan and engine inputs; `None` when no line has a quota.
pub fn progress(
    plan: &Plan,
    inputs: &PayeeInputs,
    as_of: NaiveDate,
    trend_months: u32,
) -> Result<Option<Progress>, String> {
    let start = year_start(plan, as_of);
    let calc = |period: &Period| statement_for_period(plan, inputs, period).map_err(|e| e.to_string());
    let now = calc(&Period::month_of(as_of))?;
    let Some(line) = main_line(&now) else { return Ok(None) };
    let (Some(quota), Some(attainment)) = (line.quota, line.attainment) else { return Ok(None) };
    let mut trend = Vec::new();
    for back in (1..=trend_months).rev() {
        let Some(month) = as_of.with_day(1).and_then(|d| d.checked_sub_months(Months::new(back))) else { continue };
        if month < start {
            continue;
        }
        let period = Period::month_of(month);
        if let Some(a) = main_line(&calc(&period)?).and_then(|l| l.attainment) {
            trend.push((period.label, a.round_dp(4)));
        }
    }
    trend.push((now.period.label.clone(), attainment.round_dp(4)));
    let year_end = start.checked_add_months(Months::new(12)).unwrap_or(start);
    let days = Decimal::from((year_end - start).num_days().max(1));
    let year_elapsed = (Decimal::from((as_of - start).num_days() + 1) / days).round_dp(4);
    let pace = if year_elapsed.is_zero() { Decimal::ZERO } else { (attainment / year_elapsed).round_dp(4) };
    let component = plan.components.iter().find(|c| c.id() == line.component_id);
    let next_tier = match component {
        Some(Component::Tiered { tiers, .. }) => tiers.windows(2).find_map(|w| {
            let at = w[0].up_to?;
            let threshold = (at * quota).round_dp(2);
            (threshold > line.measure_ytd).then(|| NextTier {
                at_attainment: at,
                threshold,
                needed: threshold - line.measure_ytd,
                rate_now: w[0].rate,
                rate_next: w[1].rate,
            })
        }),
        _ => None,
    };
    Ok(Some(Progress {
        person_id: inputs.payee.to_string(),
        plan_name: now.plan_name.clone(),
        component_name: line.component_name.clone(),
        measure_label: line.measure_label.clone(),
        period: now.period.label.clone(),
        currency: now.currency.0.clone(),
        quota,
        measure_ytd: line.measure_ytd,
        attainment: attainment.round_dp(4),
        year_elapsed,
        pace,
        to_quota: (quota - line.measure_ytd).max(Decimal::ZERO),
        trend,
        next_tier,
        earned_ytd: line.earned_to_date,
    }))
}

fn main_line(statement: &Statement) -> Option<&plumbline_engine::StatementLine> {
    statement.lines.iter().find(|l| l.kind == plumbline_engine::statement::LineKind::Component && l.quota.is_some())
}
