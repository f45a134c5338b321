//! The plain data planning works on: sellers, accounts, their history and pipeline.
//!
//! Every type is serde data independent of where it came from, so an API route, the browser
//! and the CLI can all build it; [`crate::firm`] builds it from a firm's records.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A seller who can carry a quota and own accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Seller {
    /// Stable id, e.g. `P0042`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team, if any.
    #[serde(default)]
    pub team_id: Option<String>,
    /// Regions the seller may cover (territory balancing only moves an account to a seller
    /// covering its region).
    pub regions: Vec<String>,
    /// Licences or permissions held, e.g. `regulated-advice`.
    #[serde(default)]
    pub licences: Vec<String>,
    /// First day of employment.
    pub hire_date: NaiveDate,
    /// Full-time equivalent: 1 for full time, 0.6 for three days a week.
    #[serde(default = "one")]
    pub fte: Decimal,
    /// Working days of planned leave (parental, sabbatical) in the plan year, beyond normal holiday.
    #[serde(default)]
    pub leave_days: u32,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// An account or client, with what it could be worth and what it costs to serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Account {
    /// Stable id, e.g. `C00017`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The seller who owns the relationship today.
    pub owner_id: String,
    /// Region of the account.
    pub region: String,
    /// Potential: the wallet estimate (investable assets or fee pool) in the plan currency.
    pub potential: Decimal,
    /// Effort to serve it: activities logged over the last year, or any consistent unit.
    pub workload: Decimal,
    /// Licences a seller must hold to own it.
    #[serde(default)]
    pub required_licences: Vec<String>,
    /// A named account that must stay with its owner.
    #[serde(default)]
    pub locked: bool,
}

/// What a seller achieved in one calendar month (the measure the quota is set on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonthlyResult {
    /// The seller.
    pub person_id: String,
    /// Any day of the month; only year and month are read.
    pub month: NaiveDate,
    /// Amount credited in the month.
    pub amount: Decimal,
}

/// An open opportunity, valued in the quota's measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PipelineDeal {
    /// Stable id.
    pub id: String,
    /// The seller who owns it.
    pub person_id: String,
    /// What winning it adds to the quota measure in the plan year.
    pub value: Decimal,
    /// Chance of winning, 0-100.
    pub probability: u8,
}

/// A seller's quota for the year before the plan year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PriorQuota {
    /// The seller.
    pub person_id: String,
    /// Last year's annual quota.
    pub amount: Decimal,
}
