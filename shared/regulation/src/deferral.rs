//! Deferral: a share of variable pay held back and vesting over years, by marginal bands.

use chrono::{Months, NaiveDate};
use plumbline_engine::format::{money, percent};
use plumbline_engine::money::{Currency, RoundingRule, allocate};
use plumbline_engine::plan::PlanProblem;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A band of the year's variable pay and the share of it deferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeferralBand {
    /// Upper edge of the band in money; the last band has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Decimal>,
    /// Share of the pay in this band that is deferred, between 0 and 1.
    pub share: Decimal,
}

/// How a deferred award vests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Vesting {
    /// Equal tranches on each anniversary from `first_vest_year` to `years`.
    ProRata,
    /// All at once on the last anniversary.
    Cliff,
}

/// A deferral schedule: which part of a year's variable pay is deferred and how it vests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeferralSchedule {
    /// Pack id, when shipped as a pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name shown on statements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The rule it implements, for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Currency the band edges are in; the plan's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// When the year's variable pay is at most this, nothing is deferred; above it the bands
    /// apply from the first pound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Decimal>,
    /// Marginal bands in increasing order.
    pub bands: Vec<DeferralBand>,
    /// Years over which the award vests.
    pub years: u32,
    /// Pro rata or cliff.
    pub vesting: Vesting,
    /// First anniversary on which a pro-rata tranche vests; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_vest_year: Option<u32>,
}

/// One band as applied to a year's variable pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BandUse {
    /// Lower edge.
    pub from: Decimal,
    /// Upper edge, if bounded.
    pub to: Option<Decimal>,
    /// Share deferred.
    pub share: Decimal,
    /// Pay falling in the band.
    pub pay: Decimal,
    /// Deferred from it, exact.
    pub deferred: Decimal,
}

/// The split of a year's variable pay into paid now and deferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DeferralSplit {
    /// The variable pay split.
    pub variable_pay: Decimal,
    /// Whether the threshold (if any) is passed, so the bands apply.
    pub applies: bool,
    /// The bands as applied.
    pub bands: Vec<BandUse>,
    /// Deferred, rounded to the minor unit.
    pub deferred: Decimal,
    /// Paid now: variable pay - deferred.
    pub paid_now: Decimal,
}

/// One vesting instalment of a deferred award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tranche {
    /// The day it vests.
    pub vests_on: NaiveDate,
    /// Amount.
    pub amount: Decimal,
}

impl DeferralSchedule {
    /// Problems with the schedule, with paths relative to it.
    pub fn validate(&self) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        let mut add = |path: String, message: &str| out.push(PlanProblem { path, message: message.into() });
        if self.bands.is_empty() {
            add("bands".into(), "must have at least one band");
        }
        let mut previous = Decimal::ZERO;
        for (i, band) in self.bands.iter().enumerate() {
            if !(Decimal::ZERO..=Decimal::ONE).contains(&band.share) {
                add(format!("bands[{i}].share"), "must be between 0 and 1");
            }
            match band.up_to {
                Some(up_to) if up_to <= previous => {
                    add(format!("bands[{i}].up_to"), "must be greater than the previous band's up_to")
                }
                Some(up_to) => previous = up_to,
                None if i + 1 < self.bands.len() => {
                    add(format!("bands[{i}].up_to"), "only the last band may be open-ended")
                }
                None => {}
            }
        }
        if self.threshold.is_some_and(|t| t < Decimal::ZERO) {
            add("threshold".into(), "must not be negative");
        }
        if self.years == 0 || self.years > 30 {
            add("years".into(), "must be from 1 to 30");
        }
        if let Some(first) = self.first_vest_year {
            if self.vesting == Vesting::Cliff {
                add("first_vest_year".into(), "a cliff vests once, on the last anniversary: leave it out");
            } else if first == 0 || first > self.years {
                add("first_vest_year".into(), "must be from 1 to years");
            }
        }
        out
    }

    /// Name for statements.
    pub fn label(&self) -> &str {
        self.name.as_deref().or(self.id.as_deref()).unwrap_or("the plan's deferral schedule")
    }

    /// Splits a year's variable pay: each band's pay at its share, summed and rounded once.
    pub fn split(&self, variable_pay: Decimal, digits: u32, rounding: RoundingRule) -> DeferralSplit {
        let applies = variable_pay > Decimal::ZERO && self.threshold.is_none_or(|t| variable_pay > t);
        let mut bands = Vec::new();
        let mut from = Decimal::ZERO;
        if applies {
            for band in &self.bands {
                let top = band.up_to.map_or(variable_pay, |u| u.min(variable_pay));
                let pay = (top - from).max(Decimal::ZERO);
                bands.push(BandUse { from, to: band.up_to, share: band.share, pay, deferred: pay * band.share });
                match band.up_to {
                    Some(u) if u < variable_pay => from = u,
                    _ => break,
                }
            }
        }
        let deferred = rounding.round(bands.iter().map(|b| b.deferred).sum(), digits);
        DeferralSplit { variable_pay, applies, bands, deferred, paid_now: variable_pay - deferred }
    }

    /// The anniversaries on which an award granted on `granted_on` vests.
    pub fn vesting_dates(&self, granted_on: NaiveDate) -> Vec<NaiveDate> {
        let first = match self.vesting {
            Vesting::ProRata => self.first_vest_year.unwrap_or(1),
            Vesting::Cliff => self.years,
        };
        (first..=self.years)
            .map(|y| granted_on.checked_add_months(Months::new(12 * y)).unwrap_or(NaiveDate::MAX))
            .collect()
    }

    /// The vesting schedule of an award: equal tranches in whole minor units that sum to it
    /// exactly (the spare units go to the earliest tranches); none for nothing deferred.
    pub fn tranches(&self, amount: Decimal, granted_on: NaiveDate, digits: u32) -> Vec<Tranche> {
        if amount.is_zero() {
            return Vec::new();
        }
        let dates = self.vesting_dates(granted_on);
        let parts = allocate(amount, &vec![Decimal::ONE; dates.len()], digits);
        dates.into_iter().zip(parts).map(|(vests_on, amount)| Tranche { vests_on, amount }).collect()
    }

    /// The bands' working in words, e.g. `40% of £660,000.00 = £264,000.00; 60% of £140,000.00 = £84,000.00`.
    pub fn working(&self, split: &DeferralSplit, currency: &Currency) -> String {
        if !split.applies {
            return match self.threshold {
                Some(t) if split.variable_pay > Decimal::ZERO => format!(
                    "the year's variable pay of {} is not above the {} threshold, so nothing is deferred",
                    money(split.variable_pay, currency),
                    money(t, currency)
                ),
                _ => "there is no variable pay to defer".to_string(),
            };
        }
        split
            .bands
            .iter()
            .map(|b| format!("{} of {} = {}", percent(b.share), money(b.pay, currency), exact(b.deferred, currency)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Money with all its digits when finer than the minor unit (e.g. `£33.334`), so the working
/// shows the exact figure before rounding.
pub(crate) fn exact(amount: Decimal, currency: &Currency) -> String {
    let digits = currency.minor_digits();
    let exact = amount.normalize();
    let shown = money(exact.trunc_with_scale(digits), currency);
    let finer = exact.to_string();
    match finer.split_once('.') {
        Some((_, fraction)) if fraction.len() > digits as usize => format!("{shown}{}", &fraction[digits as usize..]),
        _ => shown,
    }
}
