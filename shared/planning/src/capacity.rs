//! Capacity: how much of a full year a seller can sell, after start date, ramp, part-time and leave.

use crate::model::Seller;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Working days in a year, to turn leave into a share of the year.
const WORKING_DAYS_PER_YEAR: u32 = 260;

/// How new hires ramp up: productivity rises in a straight line from `start` to 100% over `months`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ramp {
    /// Months until a new hire is fully productive (0: no ramp).
    pub months: u32,
    /// Productivity in the first month of employment, as a share (0.5 = half).
    pub start: Decimal,
}

impl Default for Ramp {
    fn default() -> Self {
        Ramp { months: 6, start: Decimal::new(5, 1) }
    }
}

/// A seller's capacity for the plan year and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Capacity {
    /// Share of the plan year employed.
    pub employed: Decimal,
    /// Share of the year lost to the ramp.
    pub ramp_loss: Decimal,
    /// Share of the year lost to planned leave.
    pub leave_loss: Decimal,
    /// Employed minus ramp and leave losses: the share of a full year available to sell.
    pub availability: Decimal,
    /// Full-time equivalent.
    pub fte: Decimal,
    /// `availability` times `fte`: the seller's capacity against a full-time, full-year seller.
    pub total: Decimal,
}

/// First day of the month `n` months after `start`'s month.
pub(crate) fn month_start(start: NaiveDate, n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).expect("day 1 exists");
    first + Months::new(n)
}

/// Whole months from the hire date to `day` (0 in the month of hire).
fn months_since(hire: NaiveDate, day: NaiveDate) -> u32 {
    let months = (day.year() - hire.year()) * 12 + day.month() as i32 - hire.month() as i32;
    months.max(0) as u32
}

/// The seller's capacity in the twelve months from `year_start`.
///
/// Each month counts its days employed, weighted by ramp productivity in that month; leave is
/// taken off at full productivity.
pub fn capacity(seller: &Seller, year_start: NaiveDate, ramp: &Ramp) -> Capacity {
    let year_end = month_start(year_start, 12);
    let year_days = Decimal::from((year_end - year_start).num_days());
    let mut employed = Decimal::ZERO;
    let mut productive = Decimal::ZERO;
    for m in 0..12 {
        let (from, to) = (month_start(year_start, m), month_start(year_start, m + 1));
        let days = Decimal::from((to - from.max(seller.hire_date)).num_days().max(0));
        let since = months_since(seller.hire_date, from);
        let productivity = if since < ramp.months {
            ramp.start + (Decimal::ONE - ramp.start) * Decimal::from(since) / Decimal::from(ramp.months)
        } else {
            Decimal::ONE
        };
        employed += days / year_days;
        productive += days * productivity / year_days;
    }
    let leave_loss = (Decimal::from(seller.leave_days) / Decimal::from(WORKING_DAYS_PER_YEAR)).min(productive);
    let availability = (productive - leave_loss).round_dp(6).normalize();
    Capacity {
        employed: employed.round_dp(6).normalize(),
        ramp_loss: (employed - productive).round_dp(6).normalize(),
        leave_loss: leave_loss.round_dp(6).normalize(),
        availability,
        fte: seller.fte.normalize(),
        total: (availability * seller.fte).round_dp(6).normalize(),
    }
}
