//! The demo firm's regulated pay: the wealth advisers' plan under conduct gates, the UK
//! banking deferral pack and a clawback window, the deferral ledger their monthly statements
//! build, and a clawback decided by compliance for one conduct-flagged adviser.
//!
//! Everything is derived from the generated firm by pure functions, so the same seed gives
//! the same decisions and ledgers.

use crate::comp::WEALTH_PLAN;
use chrono::Datelike;
use plumbline_engine::calc::{Assignment, PayeeInputs};
use plumbline_engine::statement::Period;
use plumbline_firm::{Firm, Role, Severity};
use plumbline_regulation::document::{ClawbackRule, ConductAction, ConductRule, RegulatedRole, Regulation};
use plumbline_regulation::ledger::{Decision, Entry, LedgerEntry, apply_clawback};
use plumbline_regulation::{LineKind, RegulatedInputs, RegulatedPlan, RegulationError, regulated_statement};
use std::borrow::Cow;

/// The shipped deferral pack the demo firm applies to its advisers.
pub const DEMO_DEFERRAL_PACK: &str = "uk-banking-2025";

/// The demo firm's regulated plan and the clawback planted in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRegulation {
    /// The wealth advisers' plan with its financial-services rules.
    pub plan: RegulatedPlan,
    /// A clawback decided when an adviser's conduct event was recorded.
    pub clawback: PlantedClawback,
}

/// A clawback decision planted for a conduct-flagged adviser, and where it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedClawback {
    /// The compliance event that prompted it.
    pub event_id: String,
    /// The decision.
    pub decision: Decision,
    /// The statement period that shows the conduct line, the deferral and the clawback.
    pub period: Period,
    /// The adviser's ledger before that period's statement, the clawback entries included.
    pub ledger: Vec<LedgerEntry>,
}

/// The wealth advisers' plan (as assigned in the firm) with the firm's conduct gates, the UK
/// deferral pack and a seven-year clawback look-back.
pub fn regulated_plan(firm: &Firm) -> Option<RegulatedPlan> {
    let plan = firm.plans.iter().find(|p| p.id == WEALTH_PLAN)?.clone();
    let fee_component = plan.components.first()?.id().to_string();
    let regulation = Regulation {
        role: RegulatedRole {
            name: "Wealth adviser (FCA-regulated, client-facing)".into(),
            ..RegulatedRole::default()
        },
        on_target: Default::default(),
        conduct: vec![
            ConductRule {
                id: "minor-breach".into(),
                name: "Minor breach: 25% off the period's fee-revenue commission".into(),
                severity: Severity::Minor,
                kinds: Vec::new(),
                action: ConductAction::ReduceComponent {
                    component: fee_component,
                    fraction: rust_decimal::Decimal::new(25, 2),
                },
                periods: 1,
            },
            ConductRule {
                id: "major-breach".into(),
                name: "Major breach: the period's variable pay is forfeited".into(),
                severity: Severity::Major,
                kinds: Vec::new(),
                action: ConductAction::ForfeitVariablePay,
                periods: 1,
            },
        ],
        deferral_pack: Some(DEMO_DEFERRAL_PACK.into()),
        deferral: None,
        chargeback: None,
        clawback: Some(ClawbackRule { look_back_months: 84 }),
        third_party_kinds: vec![plumbline_engine::TxnKind::Trail],
    };
    Some(RegulatedPlan { plan, regulation })
}

/// A payee's inputs to the regulated statement for `period`: the plan year's quota, fixed
/// pay, assignments to the plan, every transaction they are a party to, their compliance
/// events and the ledger given.
pub fn regulated_inputs(
    firm: &Firm,
    doc: &RegulatedPlan,
    person_id: &str,
    period: &Period,
    ledger: Vec<LedgerEntry>,
) -> RegulatedInputs<'static> {
    let year = plumbline_engine::calc::year_start(&doc.plan, period.end);
    let person = firm.people.iter().find(|p| p.id == person_id);
    let inputs = PayeeInputs {
        payee: Cow::Owned(person_id.to_string()),
        annual_quota: firm.quotas.iter().find(|q| q.person_id == person_id && q.year_start == year).map(|q| q.amount),
        fixed_pay: person.map(|p| p.fixed_pay),
        assignments: firm
            .assignments
            .iter()
            .filter(|a| a.person_id == person_id && a.plan_id == doc.plan.id)
            .map(|a| Assignment { from: a.from, to: a.to })
            .collect(),
        transactions: Cow::Owned(
            firm.transactions.iter().filter(|t| t.parties.iter().any(|p| p.payee == person_id)).cloned().collect(),
        ),
        ..PayeeInputs::default()
    };
    RegulatedInputs {
        inputs,
        conduct_events: firm.compliance_events.iter().filter(|e| e.person_id == person_id).cloned().collect(),
        cancellations: Vec::new(),
        ledger,
    }
}

/// The months from `first`'s to `last`'s, inclusive.
fn months(first: chrono::NaiveDate, last: chrono::NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    let mut month = Period::month_of(first);
    while month.start <= last {
        let next = month.end.succ_opt().map(Period::month_of);
        out.push(month);
        match next {
            Some(n) => month = n,
            None => break,
        }
    }
    out
}

/// The ledger a payee's monthly statements store, from the plan's start up to (not
/// including) `until`, as if each month's statement was run and its entries kept.
pub fn ledger_until(
    firm: &Firm,
    doc: &RegulatedPlan,
    person_id: &str,
    until: &Period,
) -> Result<Vec<LedgerEntry>, RegulationError> {
    let mut ledger = Vec::new();
    let hired = firm.people.iter().find(|p| p.id == person_id).map_or(doc.plan.effective_from, |p| p.hire_date);
    let first = doc.plan.effective_from.max(hired);
    for month in months(first, until.start).into_iter().filter(|m| m.end < until.start) {
        let inputs = regulated_inputs(firm, doc, person_id, &month, ledger.clone());
        let statement = regulated_statement(doc, &inputs, &month)?;
        ledger.extend(statement.new_entries);
    }
    Ok(ledger)
}

/// The demo's planted clawback: the first minor conduct event this plan year (advice findings
/// before training, then by date) of a wealth adviser whose month still pays after the gate; compliance's head decides, on the
/// event's day, to recover the cash paid for the month before. Its statement shows the
/// conduct line, the deferral and the clawback.
pub fn regulation(firm: &Firm) -> Result<Option<DemoRegulation>, RegulationError> {
    let Some(doc) = regulated_plan(firm) else { return Ok(None) };
    let as_of = firm.settings.as_of;
    let year = plumbline_engine::calc::year_start(&doc.plan, as_of);
    let head = firm.people.iter().find(|p| p.role == Role::Compliance).map_or("compliance", |p| p.id.as_str());
    let advisers: Vec<&str> =
        firm.assignments.iter().filter(|a| a.plan_id == doc.plan.id).map(|a| a.person_id.as_str()).collect();
    let mut events: Vec<_> = firm
        .compliance_events
        .iter()
        .filter(|e| {
            e.date >= year
                && e.date <= as_of
                && e.severity == Severity::Minor
                && advisers.contains(&e.person_id.as_str())
        })
        .collect();
    // A finding about advice (complaint, file review) justifies recovering pay before a missed
    // training deadline does.
    let training = |e: &&plumbline_firm::ComplianceEvent| e.kind == plumbline_firm::ComplianceKind::OverdueTraining;
    events.sort_by(|a, b| (training(a), a.date, &a.id).cmp(&(training(b), b.date, &b.id)));
    for event in events {
        let period = Period::month_of(event.date);
        let mut ledger = ledger_until(firm, &doc, &event.person_id, &period)?;
        let previous = Period::month_of(period.start.pred_opt().unwrap_or(period.start));
        let Some((reference, amount)) = ledger.iter().find_map(|e| match &e.entry {
            Entry::CashPaid { period: p, amount } if *p == previous.label => Some((e.id.clone(), *amount)),
            _ => None,
        }) else {
            continue;
        };
        let decision = Decision {
            id: format!("CLAW-{}", event.id),
            payee: event.person_id.clone(),
            decided_by: head.to_string(),
            authority: Role::Compliance,
            decided_on: event.date,
            reason: format!(
                "{} ({}): the commission paid for {} {} is recovered",
                event.description,
                event.id,
                previous.start.format("%B"),
                previous.start.year()
            ),
            amount,
            target: Some(reference),
        };
        let rule = doc.regulation.clawback.clone().unwrap_or(ClawbackRule { look_back_months: 84 });
        let Ok(entries) = apply_clawback(&decision, &ledger, &rule, &doc.plan.currency) else { continue };
        ledger.extend(entries);
        let inputs = regulated_inputs(firm, &doc, &event.person_id, &period, ledger.clone());
        let statement = regulated_statement(&doc, &inputs, &period)?;
        let shows = |kind| statement.lines.iter().any(|l| l.kind == kind && l.amount < rust_decimal::Decimal::ZERO);
        if shows(LineKind::Conduct) && shows(LineKind::Deferral) && shows(LineKind::Clawback) {
            let clawback = PlantedClawback { event_id: event.id.clone(), decision, period, ledger };
            return Ok(Some(DemoRegulation { plan: doc, clawback }));
        }
    }
    Ok(None)
}
