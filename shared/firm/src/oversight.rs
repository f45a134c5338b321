//! Wire types of the oversight views: a designer's plan simulation over last year, pipeline
//! hygiene per person for a manager's team table, and the firm-wide conduct list with each
//! event's pay effect.

use crate::records::ComplianceEvent;
use chrono::NaiveDate;
use plumbline_engine::simulate::Comparison;
use plumbline_engine::{Currency, Period};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Run a candidate plan against a stored plan over a past plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SimulationRequest {
    /// The candidate plan document; problems come back at `plan.<JSON path>`.
    pub plan: serde_json::Value,
    /// The plan to compare with, and whose payees to run; the candidate's id when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_id: Option<String>,
    /// The baseline's version; its latest when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_version: Option<u32>,
    /// First day of the plan year to run; the last full plan year before the firm's today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_start: Option<NaiveDate>,
}

/// How many payees fall in one band of a distribution, under each plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistogramBin {
    /// Lower bound, included.
    pub from: Decimal,
    /// Upper bound, excluded (included in the last band).
    pub to: Decimal,
    /// Payees in the band under the baseline.
    pub count_a: usize,
    /// Payees in the band under the candidate.
    pub count_b: usize,
}

/// The candidate against the baseline over every payee of the baseline in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SimulationResponse {
    /// The period run, one statement per payee (the whole plan year, or to today if it is not over).
    pub period: Period,
    /// The plans' currency.
    pub currency: Currency,
    /// Payee id to name, for the winners and losers.
    pub names: BTreeMap<String, String>,
    /// Pay per payee in bands of equal width, under each plan.
    pub payout_histogram: Vec<HistogramBin>,
    /// Attainment at the period's end (a fraction of quota) in bands, under each plan.
    pub attainment_histogram: Vec<HistogramBin>,
    /// The engine's comparison: totals, cost of sales, deciles and every payee's delta.
    pub comparison: Comparison,
}

/// Hygiene flags on one person's open deals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonHygiene {
    /// The deals' owner.
    pub person_id: String,
    /// Open deals they own.
    pub open_deals: usize,
    /// Of which with at least one flag.
    pub flagged_deals: usize,
    /// Flags per rule: `stale`, `close_date_passed`, `close_date_too_soon`, `repeatedly_pushed`.
    pub by_rule: BTreeMap<String, usize>,
    /// Whether their record says they are over-optimistic, and why (with the numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_optimistic: Option<String>,
}

/// `GET /api/pipeline/hygiene`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HygieneResponse {
    /// The data's as-of date.
    pub as_of: NaiveDate,
    /// Every seller the caller may see (in the team asked for), by id.
    pub people: Vec<PersonHygiene>,
}

/// What a conduct event did to pay in one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConductEffectLine {
    /// The statement's month, `YYYY-MM`.
    pub period: String,
    /// The conduct line's amount (a reduction is negative).
    pub amount: Decimal,
    /// The line's explanation.
    pub explanation: String,
}

/// A conduct event's effect on the person's regulated pay, from their statements' conduct lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayEffect {
    /// The plan's currency.
    pub currency: Currency,
    /// The sum of the lines (negative for a reduction).
    pub total: Decimal,
    /// The conduct rule applied (`none` when no rule of the plan matches the event).
    pub rule: String,
    /// One line per statement month the event reaches, up to the firm's current month.
    pub lines: Vec<ConductEffectLine>,
}

/// One conduct event in the firm-wide list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConductEventView {
    /// The event.
    pub event: ComplianceEvent,
    /// The person's name.
    pub person_name: String,
    /// Its pay effect; absent when the person's plan has no regulated pay (no conduct rules)
    /// or the caller may not read their pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_effect: Option<PayEffect>,
    /// Why there is no pay effect, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_effect: Option<String>,
}
