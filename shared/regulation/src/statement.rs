//! The regulated statement: the engine's statement, then conduct, chargebacks, the deferral
//! split, vesting, malus and clawback, each line explained in words.

use crate::attribution;
use crate::chargeback::{Cancellation, chargeback_lines};
use crate::conduct::conduct_lines;
use crate::deferral::exact;
use crate::document::{RegulatedPlan, RegulationError};
use crate::ledger::{self, Entry, LedgerEntry, Unvested};
use plumbline_engine::calc::{PayeeInputs, year_start};
use plumbline_engine::format::money;
use plumbline_engine::statement::{Figure, FigureUnit, Period, Statement};
use plumbline_engine::{Currency, statement_for_period};
use plumbline_firm::ComplianceEvent;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What a regulated statement line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A line of the engine's statement (component pay, adjustment, cap, draw).
    Pay,
    /// A conduct gate reducing or forfeiting the period's variable pay.
    Conduct,
    /// A commission reversed on cancellation or early surrender.
    Chargeback,
    /// Third-party payments credited to clients (MiFID II); always zero.
    ClientAttribution,
    /// Variable pay deferred (negative: held back from this period).
    Deferral,
    /// A deferred tranche vesting and paid.
    Vesting,
    /// Malus on unvested awards (no cash effect this period; shown for the record).
    Malus,
    /// Paid pay recovered.
    Clawback,
}

/// One line of a regulated statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegulatedLine {
    /// What it is.
    pub kind: LineKind,
    /// What it is about: a component, event, transaction, award or decision id.
    pub reference: String,
    /// The rule applied.
    pub rule: String,
    /// Its effect on this period's pay.
    pub amount: Decimal,
    /// The numbers behind it.
    pub figures: Vec<Figure>,
    /// The line in words.
    pub explanation: String,
}

/// A payee's inputs to a regulated statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegulatedInputs<'a> {
    /// The engine inputs (`docs/plans.md`).
    pub inputs: PayeeInputs<'a>,
    /// Compliance events (any payee's; only the payee's count).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conduct_events: Vec<ComplianceEvent>,
    /// Cancellations and early surrenders of the payee's business.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancellations: Vec<Cancellation>,
    /// The payee's ledger: awards, cash paid, malus and clawback entries stored so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<LedgerEntry>,
}

/// A payee's regulated statement for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegulatedStatement {
    /// Who is paid.
    pub payee: String,
    /// The role the plan is for.
    pub role: String,
    /// The period.
    pub period: Period,
    /// Currency of every amount.
    pub currency: Currency,
    /// The engine's statement, unchanged (on the transactions the payee may be credited with).
    pub engine: Statement,
    /// Every line; they sum exactly to `paid_now`.
    pub lines: Vec<RegulatedLine>,
    /// The period's variable pay after conduct and chargebacks.
    pub variable_pay: Decimal,
    /// Deferred from it.
    pub deferred: Decimal,
    /// Paid this period: variable pay - deferred + vesting - clawback.
    pub paid_now: Decimal,
    /// Ledger entries this statement creates (the award deferred and the cash paid); ids are
    /// stable, so storing them again on a re-run changes nothing.
    pub new_entries: Vec<LedgerEntry>,
    /// The payee's unvested tranches at the period's end, after this statement.
    pub unvested: Vec<Unvested>,
    /// Their total.
    pub unvested_total: Decimal,
    /// The statement in one sentence: variable pay, deferred, vested, recovered, paid.
    pub summary: String,
}

/// One period's variable pay: the engine statement, conduct and chargeback lines.
struct PeriodPay {
    engine: Statement,
    lines: Vec<RegulatedLine>,
    variable: Decimal,
}

fn period_pay(
    doc: &RegulatedPlan,
    inputs: &PayeeInputs,
    extra: &RegulatedInputs,
    period: &Period,
) -> Result<PeriodPay, RegulationError> {
    let engine = statement_for_period(&doc.plan, inputs, period)?;
    let mut lines: Vec<RegulatedLine> = engine
        .lines
        .iter()
        .map(|l| RegulatedLine {
            kind: LineKind::Pay,
            reference: l.component_id.clone(),
            rule: l.rule.clone(),
            amount: l.amount,
            figures: l.figures.clone(),
            explanation: l.explanation.clone(),
        })
        .collect();
    lines.extend(conduct_lines(&doc.plan, &doc.regulation.conduct, &extra.conduct_events, period, &engine));
    lines.extend(chargeback_lines(
        &doc.plan,
        doc.regulation.chargeback.as_ref(),
        inputs,
        &extra.cancellations,
        period,
    )?);
    let variable = lines.iter().map(|l| l.amount).sum();
    Ok(PeriodPay { engine, lines, variable })
}

/// The months of the plan year before `period`.
fn earlier_months(doc: &RegulatedPlan, period: &Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut month = Period::month_of(year_start(&doc.plan, period.end));
    while month.end < period.start {
        let next = month.end.succ_opt().map(Period::month_of);
        out.push(month);
        match next {
            Some(n) => month = n,
            None => break,
        }
    }
    out
}

/// The payee's regulated statement for `period`: the engine statement on the transactions
/// the payee may be credited with (MiFID II attribution applied), conduct gates, chargebacks,
/// the deferral split of the year's variable pay, tranches vesting, malus and clawback from
/// the ledger. Lines sum exactly to `paid_now`.
pub fn regulated_statement(
    doc: &RegulatedPlan,
    inputs: &RegulatedInputs,
    period: &Period,
) -> Result<RegulatedStatement, RegulationError> {
    doc.check()?;
    let plan = &doc.plan;
    let currency = &plan.currency;
    let digits = currency.minor_digits();
    let payee = inputs.inputs.payee.to_string();
    let credited = attribution::payee_transactions(&doc.regulation, &inputs.inputs.transactions);
    let engine_inputs = PayeeInputs { transactions: Cow::Owned(credited), ..inputs.inputs.clone() };

    // Earlier months are recomputed as they were: `paid_to_date` speaks for this period only.
    let as_they_were = PayeeInputs { paid_to_date: Default::default(), ..engine_inputs.clone() };
    let mut history = Vec::new();
    for month in earlier_months(doc, period) {
        history.push(period_pay(doc, &as_they_were, inputs, &month)?.variable);
    }
    let now = period_pay(doc, &engine_inputs, inputs, period)?;
    let mut lines = now.lines;
    if let Some(line) =
        attribution::attribution_line(&doc.regulation, &payee, &inputs.inputs.transactions, period, currency)
    {
        lines.push(line);
    }
    let variable_pay = now.variable;

    let mut new_entries = Vec::new();
    let mut deferred = Decimal::ZERO;
    if let Some(schedule) = doc.deferral_schedule() {
        // The bands apply to the year's variable pay to date; each period defers what the
        // year to date calls for beyond what earlier periods deferred, never more than its own pay.
        let mut ytd = Decimal::ZERO;
        let mut deferred_before = Decimal::ZERO;
        for v in &history {
            ytd += *v;
            let target = schedule.split(ytd, digits, plan.rounding).deferred;
            deferred_before += (target - deferred_before).clamp(Decimal::ZERO, (*v).max(Decimal::ZERO));
        }
        ytd += variable_pay;
        let split = schedule.split(ytd, digits, plan.rounding);
        deferred = (split.deferred - deferred_before).clamp(Decimal::ZERO, variable_pay.max(Decimal::ZERO));
        let award_id = format!("{}/{}/{}", plan.id, payee, period.label);
        let award =
            ledger::award_entry(&schedule, award_id.clone(), &payee, &period.label, period.end, deferred, currency);
        let vesting = match &award.entry {
            Entry::Award { tranches, .. } if !deferred.is_zero() => format!(
                " It vests in {} on {}.",
                if tranches.len() == 1 { "one tranche".to_string() } else { format!("{} tranches", tranches.len()) },
                tranches
                    .iter()
                    .map(|t| format!("{} ({})", t.vests_on.format("%-d %b %Y"), money(t.amount, currency)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        lines.push(RegulatedLine {
            kind: LineKind::Deferral,
            reference: award_id,
            rule: schedule.label().to_string(),
            amount: -deferred,
            figures: vec![
                Figure { label: "Variable pay this plan year to date".into(), value: ytd, unit: FigureUnit::Money },
                Figure { label: "Deferred to date by the schedule".into(), value: split.deferred, unit: FigureUnit::Money },
                Figure { label: "Deferred in earlier periods".into(), value: deferred_before, unit: FigureUnit::Money },
                Figure { label: "Deferred from this period".into(), value: deferred, unit: FigureUnit::Money },
            ],
            explanation: format!(
                "Deferral under {}: variable pay this plan year to date is {}; {} = {} deferred to date (rounded), of which {} in earlier periods, so {} of this period's {} is deferred and {} paid now.{vesting}",
                schedule.label(),
                money(ytd, currency),
                schedule.working(&split, currency),
                money(split.deferred, currency),
                money(deferred_before, currency),
                money(deferred, currency),
                money(variable_pay, currency),
                money(variable_pay - deferred, currency),
            ),
        });
        if !deferred.is_zero() {
            new_entries.push(award);
        }
    }
    if variable_pay - deferred > Decimal::ZERO {
        new_entries.push(LedgerEntry {
            id: format!("{}/{}/{}/cash", plan.id, payee, period.label),
            payee: payee.clone(),
            date: period.end,
            currency: currency.clone(),
            entry: Entry::CashPaid { period: period.label.clone(), amount: variable_pay - deferred },
        });
    }
    lines.extend(ledger_lines(&inputs.ledger, &payee, period, currency));
    let paid_now = lines.iter().map(|l| l.amount).sum();
    let mut ledger_after = inputs.ledger.clone();
    ledger_after.extend(new_entries.iter().filter(|e| !inputs.ledger.iter().any(|s| s.id == e.id)).cloned());
    let unvested = ledger::unvested(&ledger_after, &payee, period.end);
    let unvested_total = unvested.iter().map(|u| u.amount).sum();
    let summary = summary(&lines, variable_pay, deferred, paid_now, unvested_total, currency);
    Ok(RegulatedStatement {
        payee,
        role: doc.regulation.role.name.clone(),
        period: period.clone(),
        currency: currency.clone(),
        engine: now.engine,
        lines,
        variable_pay,
        deferred,
        paid_now,
        new_entries,
        unvested,
        unvested_total,
        summary,
    })
}

/// The statement in one sentence, e.g. `Variable pay £300.00; £150.00 deferred; £400.00 vested;
/// £250.00 clawed back; paid now £300.00. Unvested deferred pay: £650.00.`
fn summary(
    lines: &[RegulatedLine],
    variable_pay: Decimal,
    deferred: Decimal,
    paid_now: Decimal,
    unvested_total: Decimal,
    currency: &Currency,
) -> String {
    let total = |kind| lines.iter().filter(|l| l.kind == kind).map(|l| l.amount).sum::<Decimal>();
    let mut text = format!("Variable pay {}", money(variable_pay, currency));
    let (conduct, chargebacks) = (-total(LineKind::Conduct), -total(LineKind::Chargeback));
    let after: Vec<String> = [(conduct, "conduct reductions"), (chargebacks, "chargebacks")]
        .iter()
        .filter(|(amount, _)| !amount.is_zero())
        .map(|(amount, what)| format!("{} of {what}", money(*amount, currency)))
        .collect();
    if !after.is_empty() {
        text.push_str(&format!(" after {}", after.join(" and ")));
    }
    for (amount, what) in
        [(deferred, "deferred"), (total(LineKind::Vesting), "vested"), (-total(LineKind::Clawback), "clawed back")]
    {
        if !amount.is_zero() {
            text.push_str(&format!("; {} {what}", money(amount, currency)));
        }
    }
    text.push_str(&format!("; paid now {}.", money(paid_now, currency)));
    if !unvested_total.is_zero() {
        text.push_str(&format!(" Unvested deferred pay: {}.", money(unvested_total, currency)));
    }
    text
}

/// Vesting, malus and clawback lines from the ledger for the period.
fn ledger_lines(entries: &[LedgerEntry], payee: &str, period: &Period, currency: &Currency) -> Vec<RegulatedLine> {
    let mut out = Vec::new();
    for t in ledger::vesting_between(entries, payee, period.start, period.end) {
        out.push(RegulatedLine {
            kind: LineKind::Vesting,
            reference: format!("{}@{}", t.award_id, t.vests_on),
            rule: "deferred award vesting".into(),
            amount: t.amount,
            figures: vec![Figure {
                label: "Tranche vesting, after any malus".into(),
                value: t.amount,
                unit: FigureUnit::Money,
            }],
            explanation: format!(
                "Deferred award {} has a tranche vesting on {}: {} is paid now.",
                t.award_id,
                t.vests_on.format("%-d %b %Y"),
                money(t.amount, currency)
            ),
        });
    }
    for e in entries.iter().filter(|e| e.payee == payee && period.start <= e.date && e.date <= period.end) {
        match &e.entry {
            Entry::Malus { award_id, vests_on, amount, decision } => out.push(RegulatedLine {
                kind: LineKind::Malus,
                reference: decision.id.clone(),
                rule: "malus".into(),
                amount: Decimal::ZERO,
                figures: vec![Figure { label: "Removed from the unvested tranche".into(), value: *amount, unit: FigureUnit::Money }],
                explanation: format!(
                    "Malus, {}: {} removed from the unvested tranche of award {award_id} due on {}. Nothing paid this period changes; the tranche will pay less.",
                    ledger::describe(decision, currency),
                    exact(*amount, currency),
                    vests_on.format("%-d %b %Y")
                ),
            }),
            Entry::Clawback { reference, paid_on, amount, decision } => out.push(RegulatedLine {
                kind: LineKind::Clawback,
                reference: decision.id.clone(),
                rule: "clawback".into(),
                amount: -*amount,
                figures: vec![Figure { label: "Recovered".into(), value: *amount, unit: FigureUnit::Money }],
                explanation: format!(
                    "Clawback, {}: {} recovered of {reference}, paid on {}, deducted from this statement.",
                    ledger::describe(decision, currency),
                    money(*amount, currency),
                    paid_on.format("%-d %b %Y")
                ),
            }),
            _ => {}
        }
    }
    out
}
