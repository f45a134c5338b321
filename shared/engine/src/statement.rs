//! Statements: lines that sum exactly to the total, each explaining itself.

use crate::credit::Credit;
use crate::money::Currency;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A pay period: inclusive start and end dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        let start = date.with_day(1).expect("day 1 exists in every month");
        let next = if start.month() == 12 {
            NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
        }
        .expect("first of next month exists");
        Period {
            start,
            end: next.pred_opt().expect("a day before exists"),
            label: format!("{:04}-{:02}", start.year(), start.month()),
        }
    }

    /// Parses a `YYYY-MM` month label.
    pub fn parse_month(label: &str) -> Option<Period> {
        let date = NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok()?;
        (label.len() == 7).then(|| Period::month_of(date))
    }
}

/// One band of a tiered component, as applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One statement line: a component's pay for the period and everything behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
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
    /// Earnings to date, rounded by the plan's rule.
    pub earned_to_date: Decimal,
    /// Earnings to the end of the previous period, rounded the same way.
    pub paid_before: Decimal,
    /// This period's pay: earned_to_date - paid_before.
    pub amount: Decimal,
    /// Credits dated within the period.
    pub credits: Vec<Credit>,
    /// Number of credits from the start of the plan year to the period end.
    pub ytd_credit_count: usize,
    /// The plain-language explanation.
    pub explanation: String,
}

/// A payee's statement for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
