//! Commission chargebacks: a cancellation or early surrender within the plan's window
//! reverses the commission paid on the transaction, pro rata if the plan says so.

use crate::document::{ChargebackRule, RegulationError};
use crate::statement::{LineKind, RegulatedLine};
use chrono::{Datelike, NaiveDate};
use plumbline_engine::calc::PayeeInputs;
use plumbline_engine::format::{money, percent};
use plumbline_engine::plan::Plan;
use plumbline_engine::statement::{Figure, FigureUnit, LineKind as EngineKind, Period, Statement};
use plumbline_engine::statement_for_period;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A client's cancellation or early surrender of the business behind a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// The transaction the commission was paid on.
    pub txn_id: String,
    /// The day the client cancelled or surrendered.
    pub cancelled_on: NaiveDate,
    /// Which.
    pub kind: CancellationKind,
}

/// Cancellation or early surrender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CancellationKind {
    /// The client cancelled the contract.
    Cancellation,
    /// The client surrendered the policy or product early.
    EarlySurrender,
}

impl CancellationKind {
    fn label(self) -> &'static str {
        match self {
            CancellationKind::Cancellation => "cancelled",
            CancellationKind::EarlySurrender => "surrendered early",
        }
    }
}

/// Whole months from `from` to `to` (a month counts once its day-of-month is reached).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let months = if to.day() < from.day() { months - 1 } else { months };
    months.max(0) as u32
}

/// Earnings to date at a period's end over components and the plan cap.
fn earned(statement: &Statement) -> Decimal {
    statement
        .lines
        .iter()
        .filter(|l| matches!(l.kind, EngineKind::Component | EngineKind::PlanCap))
        .map(|l| l.earned_to_date)
        .sum()
}

/// Chargeback lines for cancellations dated in `period`.
pub fn chargeback_lines(
    plan: &Plan,
    rule: Option<&ChargebackRule>,
    inputs: &PayeeInputs,
    cancellations: &[Cancellation],
    period: &Period,
) -> Result<Vec<RegulatedLine>, RegulationError> {
    let currency = &plan.currency;
    let mut out = Vec::new();
    let mut ours: Vec<&Cancellation> =
        cancellations.iter().filter(|c| period.start <= c.cancelled_on && c.cancelled_on <= period.end).collect();
    ours.sort_by(|a, b| (a.cancelled_on, &a.txn_id).cmp(&(b.cancelled_on, &b.txn_id)));
    if ours.is_empty() {
        return Ok(out);
    }
    let rule = rule.ok_or_else(|| RegulationError::NoChargebackRule { plan: plan.id.clone() })?;
    for c in ours {
        let txn = inputs.transactions.iter().find(|t| t.id == c.txn_id).ok_or_else(|| {
            RegulationError::UnknownTransaction { payee: inputs.payee.to_string(), txn: c.txn_id.clone() }
        })?;
        if c.cancelled_on < txn.date {
            return Err(RegulationError::CancelledBeforeDate {
                txn: txn.id.clone(),
                cancelled_on: c.cancelled_on,
                date: txn.date,
            });
        }
        let what = format!(
            "Transaction {} ({} {} on {}) was {} on {}",
            txn.id,
            txn.kind.label(),
            money(txn.amount, currency),
            txn.date.format("%-d %b %Y"),
            c.kind.label(),
            c.cancelled_on.format("%-d %b %Y")
        );
        let in_force = whole_months(txn.date, c.cancelled_on);
        let mut line = RegulatedLine {
            kind: LineKind::Chargeback,
            reference: txn.id.clone(),
            rule: format!(
                "chargeback within {} months{}",
                rule.window_months,
                if rule.pro_rata { ", pro rata" } else { "" }
            ),
            amount: Decimal::ZERO,
            figures: Vec::new(),
            explanation: String::new(),
        };
        if !rule.kinds.is_empty() && !rule.kinds.contains(&txn.kind) {
            line.explanation =
                format!("{what}; {} are not subject to chargeback under this plan: no change.", txn.kind.label());
            out.push(line);
            continue;
        }
        if in_force >= rule.window_months {
            line.explanation = format!(
                "{what}, after {in_force} whole months in force, outside the plan's {}-month chargeback window: the commission stands.",
                rule.window_months
            );
            out.push(line);
            continue;
        }
        // The commission paid on it: what the plan earned to the end of the month it was paid
        // in, with the transaction and without it.
        let paid_in = Period::month_of(txn.known_on());
        let with = statement_for_period(plan, inputs, &paid_in)?;
        let without_txns: Vec<_> = inputs.transactions.iter().filter(|t| t.id != txn.id).cloned().collect();
        let without_inputs = PayeeInputs { transactions: Cow::Owned(without_txns), ..inputs.clone() };
        let without = statement_for_period(plan, &without_inputs, &paid_in)?;
        let (earned_with, earned_without) = (earned(&with), earned(&without));
        let commission = earned_with - earned_without;
        let fraction = if rule.pro_rata {
            Decimal::from(rule.window_months - in_force) / Decimal::from(rule.window_months)
        } else {
            Decimal::ONE
        };
        let reversed = plan.rounding.round(commission * fraction, currency.minor_digits());
        line.amount = -reversed;
        line.figures = vec![
            Figure {
                label: format!("Earned to {} with it", paid_in.label),
                value: earned_with,
                unit: FigureUnit::Money,
            },
            Figure {
                label: format!("Earned to {} without it", paid_in.label),
                value: earned_without,
                unit: FigureUnit::Money,
            },
            Figure { label: "Commission paid on it".into(), value: commission, unit: FigureUnit::Money },
            Figure { label: "Whole months in force".into(), value: in_force.into(), unit: FigureUnit::Number },
            Figure { label: "Share reversed".into(), value: fraction, unit: FigureUnit::Fraction },
        ];
        let share = if rule.pro_rata {
            format!(
                "pro rata for the {} of {} months not completed: {} x ({} - {}) / {} = {}",
                rule.window_months - in_force,
                rule.window_months,
                money(commission, currency),
                rule.window_months,
                in_force,
                rule.window_months,
                money(reversed, currency)
            )
        } else {
            format!("in full: {}", money(reversed, currency))
        };
        line.explanation = format!(
            "{what}, after {in_force} whole months in force, within the plan's {}-month chargeback window. \
             The commission paid on it was {} (earnings to {} of {} with it, {} without it); reversed {share} ({}). This line: {}.",
            rule.window_months,
            money(commission, currency),
            paid_in.label,
            money(earned_with, currency),
            money(earned_without, currency),
            percent(fraction),
            money(-reversed, currency)
        );
        out.push(line);
    }
    Ok(out)
}
