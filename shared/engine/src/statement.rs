//! Statements: lines that sum exactly to the total, each explaining itself.

use crate::credit::Credit;
use crate::money::Currency;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A pay period: inclusive start and end dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Short label such as `2026-11`.
    pub label: String,
}

impl Period {
    /// The calendar month containing `date`.
    pub fn month_of(date: NaiveDate) -> Period {
        let start = date.with_day(1).unwrap_or(date);
        // The last representable month has no next month; it then ends on the last date.
        let end =
            start.checked_add_months(chrono::Months::new(1)).and_then(|next| next.pred_opt()).unwrap_or(NaiveDate::MAX);
        Period { start, end, label: format!("{:04}-{:02}", start.year(), start.month()) }
    }

    /// Parses a `YYYY-MM` month label.
    pub fn parse_month(label: &str) -> Option<Period> {
        let date = NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok()?;
        (label.len() == 7).then(|| Period::month_of(date))
    }
}

/// One band of a tiered component, as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BandResult {
    /// Lower edge in money.
    pub from: Decimal,
    /// Upper edge in money, if bounded.
    pub to: Option<Decimal>,
    /// Rate applied.
    pub rate: Decimal,
    /// Measured amount falling in the band (marginal) or the whole amount (retroactive band reached).
    pub measured: Decimal,
    /// Unrounded earnings from this band.
    pub earned: Decimal,
}

/// What a statement line pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A component's earnings for the period.
    #[default]
    Component,
    /// A change to what closed periods earned (late or corrected transactions, or a paid
    /// amount that differs from the recalculation), paid now rather than rewriting history.
    Adjustment,
    /// The plan-level cap holding the year's earnings down.
    PlanCap,
    /// A recoverable draw: advanced when earnings fall short, recovered from later excess.
    Draw,
    /// A non-recoverable guarantee: a top-up to the guaranteed amount.
    Guarantee,
}

/// How a figure's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FigureUnit {
    /// An amount in the statement's currency.
    Money,
    /// A fraction shown as a percentage (0.5 is 50%).
    Fraction,
    /// A plain number: days, units, basis points, a rating.
    Number,
}

/// An intermediate number behind a line, e.g. the prorated quota or the curve's payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Figure {
    /// What it is, in plain words.
    pub label: String,
    /// The exact value.
    pub value: Decimal,
    /// How to read it.
    pub unit: FigureUnit,
}

/// A condition for paying (a threshold or a gate), and whether it is met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Condition {
    /// The condition in plain words, with the value reached.
    pub text: String,
    /// Whether it is met now.
    pub met: bool,
}

/// One statement line: a component's pay for the period and everything behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementLine {
    /// Component pay, an adjustment to closed periods, the plan cap, or a draw or guarantee.
    #[serde(default)]
    pub kind: LineKind,
    /// The plan component.
    pub component_id: String,
    /// Its display name.
    pub component_name: String,
    /// The rule applied, in short form.
    pub rule: String,
    /// What was measured, e.g. `fee revenue`.
    pub measure_label: String,
    /// Measured value from the start of the plan year to the period end.
    pub measure_ytd: Decimal,
    /// Measured value within the period.
    pub measure_period: Decimal,
    /// The annual quota used, if the component needs one.
    pub quota: Option<Decimal>,
    /// measure_ytd / quota, if there is a quota.
    pub attainment: Option<Decimal>,
    /// Bands applied (tiered components).
    pub bands: Vec<BandResult>,
    /// Whether the cap limited the earnings.
    pub capped: bool,
    /// Whether the floor held the earnings up.
    pub floored: bool,
    /// Thresholds and gates, each met or not.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// The intermediate numbers, in the order the calculation uses them.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Earnings to date, rounded by the plan's rule.
    pub earned_to_date: Decimal,
    /// What earlier periods account for: earnings to the end of the previous period,
    /// recalculated (on an adjustment line, what earlier statements actually paid).
    pub paid_before: Decimal,
    /// This period's pay: earned_to_date - paid_before.
    pub amount: Decimal,
    /// Credits dated within the period (on an adjustment line, the late transactions' credits).
    pub credits: Vec<Credit>,
    /// Number of credits from the start of the plan year to the period end.
    pub ytd_credit_count: usize,
    /// The plain-language explanation.
    pub explanation: String,
}

/// A payee's statement for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    /// Who is paid.
    pub payee: String,
    /// The plan applied.
    pub plan_id: String,
    /// Its version.
    pub plan_version: u32,
    /// Its display name.
    pub plan_name: String,
    /// Currency of every amount.
    pub currency: Currency,
    /// The period paid.
    pub period: Period,
    /// First day of the plan year containing the period.
    pub year_start: NaiveDate,
    /// The lines; they sum exactly to `total`.
    pub lines: Vec<StatementLine>,
    /// This period's pay.
    pub total: Decimal,
}
