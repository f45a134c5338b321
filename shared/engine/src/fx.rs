//! Currency conversion with a dated rate table, explained and never silent.
//!
//! A row `(date, from, to, rate)` means that on `date` one unit of `from` was worth `rate`
//! units of `to` (`2026-03-31, USD, GBP, 0.79012`: US$1 = £0.79012, written `0.79012 USD/GBP`).
//!
//! - **As of the transaction date**: the latest rate dated on or before the transaction.
//! - **Period average**: the arithmetic mean of the rates dated within the period (both ends
//!   included), computed exactly (the sum is exact in `Decimal`; the one division is rounded
//!   once) to [`DERIVED_RATE_DECIMALS`] places, half away from zero.
//! - **Inverse rates are derived**: when the table has no `from`/`to` rate but has `to`/`from`,
//!   the rate used is `1 / rate`, rounded once to [`DERIVED_RATE_DECIMALS`] places, half away
//!   from zero. A direct rate is preferred to an inverse one of the same date; otherwise the
//!   latest wins. For averages, direct rates in the period are averaged if there are any;
//!   otherwise the reverse rates are averaged and that mean inverted (`count / sum`, one
//!   rounding). There is no triangulation through a third currency: a missing pair is an
//!   error naming the pair and the date.
//!
//! The converted amount is rounded to the target currency's minor unit by the caller's
//! [`RoundingRule`], and every conversion carries a sentence stating the rate used.

use crate::format;
use crate::money::{Currency, RoundingRule};
use crate::statement::Period;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Decimal places of derived rates (inverses and averages): for amounts under a hundred
/// million, the rate's own rounding moves the unrounded result by less than half a cent.
pub const DERIVED_RATE_DECIMALS: u32 = 10;

/// One quoted rate: on `date`, one `from` is worth `rate` `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FxRate {
    /// The day the rate applies from.
    pub date: NaiveDate,
    /// The currency converted from.
    pub from: Currency,
    /// The currency converted to.
    pub to: Currency,
    /// Units of `to` per unit of `from`; positive.
    pub rate: Decimal,
}

/// Which rate converts an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversionMethod {
    /// The latest rate dated on or before the transaction date.
    AsOfTransactionDate,
    /// The mean of the rates dated within the period; the transaction date must lie in it.
    PeriodAverage(Period),
}

/// How the rate applied was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    /// Both currencies are the same; the rate is 1.
    SameCurrency,
    /// A rate quoted in the table for this pair.
    Quoted {
        /// The quote's date.
        date: NaiveDate,
    },
    /// `1 / quoted` from the table's reverse pair.
    Inverted {
        /// The quote's date.
        date: NaiveDate,
        /// The reverse pair's rate that was inverted.
        quoted: Decimal,
    },
    /// The mean of the rates dated in a period.
    Average {
        /// The period averaged over.
        period: Period,
        /// How many rates were averaged.
        count: usize,
        /// For an inverted average, the mean of the reverse pair's rates before inversion.
        inverted_mean: Option<Decimal>,
    },
}

/// A rate ready to apply, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppliedRate {
    /// The currency converted from.
    pub from: Currency,
    /// The currency converted to.
    pub to: Currency,
    /// Units of `to` per unit of `from`.
    pub rate: Decimal,
    /// How the rate was obtained.
    pub source: RateSource,
}

/// A converted amount and the rate behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Conversion {
    /// The amount in the target currency, rounded to its minor unit.
    pub amount: Decimal,
    /// `source amount x rate` before rounding.
    pub unrounded: Decimal,
    /// The rate applied.
    pub rate: AppliedRate,
    /// A sentence such as "converted $1,000.00 to £790.12 at 0.79012 USD/GBP as of 2026-03-31".
    pub explanation: String,
}

/// Why a rate table could not be built or a conversion made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    /// No rate for the pair (or its reverse) on or before the date.
    #[error("no {from}/{to} rate (or {to}/{from} rate to invert) on or before {date}")]
    NoRate {
        /// The currency converted from.
        from: Currency,
        /// The currency converted to.
        to: Currency,
        /// The transaction date.
        date: NaiveDate,
    },
    /// No rate for the pair (or its reverse) dated within the averaging period.
    #[error("no {from}/{to} rate (or {to}/{from} rate to invert) from {start} to {end} to average")]
    NoRateInPeriod {
        /// The currency converted from.
        from: Currency,
        /// The currency converted to.
        to: Currency,
        /// First day of the period.
        start: NaiveDate,
        /// Last day of the period.
        end: NaiveDate,
    },
    /// The transaction date lies outside the averaging period.
    #[error("transaction date {date} is outside the averaging period {start} to {end}")]
    DateOutsidePeriod {
        /// The transaction date.
        date: NaiveDate,
        /// First day of the period.
        start: NaiveDate,
        /// Last day of the period.
        end: NaiveDate,
    },
    /// A table row with a zero or negative rate.
    #[error("rate table: the {from}/{to} rate on {date} must be positive, got {rate}")]
    NonPositiveRate {
        /// The row's date.
        date: NaiveDate,
        /// Its from currency.
        from: Currency,
        /// Its to currency.
        to: Currency,
        /// The rate given.
        rate: Decimal,
    },
    /// Two table rows for the same pair and date with different rates.
    #[error("rate table: the {from}/{to} rate on {date} is given twice, as {first} and {second}")]
    ConflictingRates {
        /// The rows' date.
        date: NaiveDate,
        /// Their from currency.
        from: Currency,
        /// Their to currency.
        to: Currency,
        /// The first rate.
        first: Decimal,
        /// The second rate.
        second: Decimal,
    },
    /// A table row converting a currency to itself.
    #[error("rate table: a rate from {currency} to itself on {date}")]
    SameCurrency {
        /// The currency.
        currency: Currency,
        /// The row's date.
        date: NaiveDate,
    },
    /// An inverse or average rate that cannot be stated in [`DERIVED_RATE_DECIMALS`] places
    /// (it rounds to zero, or the quoted rates are too large to add up).
    #[error("the {from}/{to} rate derived from {quoted} cannot be stated in 10 decimal places")]
    RateOutOfRange {
        /// The currency converted from.
        from: Currency,
        /// The currency converted to.
        to: Currency,
        /// The quoted rate, or the sum of the quoted rates, it was derived from.
        quoted: Decimal,
    },
    /// A converted amount too large for a decimal.
    #[error("converting {amount} {from} to {to} at {rate} is too large to calculate")]
    Overflow {
        /// The amount.
        amount: Decimal,
        /// The currency converted from.
        from: Currency,
        /// The currency converted to.
        to: Currency,
        /// The rate, or the rate being derived.
        rate: Decimal,
    },
}

/// Rates by currency pair and date; serialised as its rows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "Vec<FxRate>", into = "Vec<FxRate>")]
pub struct RateTable {
    pairs: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, Decimal>>,
}

impl TryFrom<Vec<FxRate>> for RateTable {
    type Error = FxError;

    fn try_from(rows: Vec<FxRate>) -> Result<RateTable, FxError> {
        RateTable::new(rows)
    }
}

impl From<RateTable> for Vec<FxRate> {
    fn from(table: RateTable) -> Vec<FxRate> {
        table.rows()
    }
}

impl RateTable {
    /// Builds a table, refusing non-positive rates, rates from a currency to itself and two
    /// different rates for one pair on one date (a repeated identical row is harmless).
    /// Currency codes are upper-cased.
    pub fn new(rows: impl IntoIterator<Item = FxRate>) -> Result<RateTable, FxError> {
        let mut pairs: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
        for row in rows {
            let (from, to, date, rate) = (Currency::new(&row.from.0), Currency::new(&row.to.0), row.date, row.rate);
            if from == to {
                return Err(FxError::SameCurrency { currency: from, date });
            }
            if rate <= Decimal::ZERO {
                return Err(FxError::NonPositiveRate { date, from, to, rate });
            }
            let dates = pairs.entry((from.clone(), to.clone())).or_default();
            match dates.insert(date, rate) {
                Some(first) if first != rate => {
                    return Err(FxError::ConflictingRates { date, from, to, first, second: rate });
                }
                _ => {}
            }
        }
        Ok(RateTable { pairs })
    }

    /// The rows, ordered by pair then date.
    pub fn rows(&self) -> Vec<FxRate> {
        let rows = self.pairs.iter().flat_map(|((from, to), dates)| {
            dates.iter().map(|(date, rate)| FxRate { date: *date, from: from.clone(), to: to.clone(), rate: *rate })
        });
        rows.collect()
    }

    /// The rate converting `from` to `to` for a transaction on `date` by `method`.
    pub fn rate(
        &self,
        from: &Currency,
        to: &Currency,
        date: NaiveDate,
        method: &ConversionMethod,
    ) -> Result<AppliedRate, FxError> {
        let (from, to) = (Currency::new(&from.0), Currency::new(&to.0));
        let applied = |rate, source| AppliedRate { from: from.clone(), to: to.clone(), rate, source };
        if from == to {
            return Ok(applied(Decimal::ONE, RateSource::SameCurrency));
        }
        let out_of_range = |quoted| FxError::RateOutOfRange { from: from.clone(), to: to.clone(), quoted };
        let direct = self.pairs.get(&(from.clone(), to.clone()));
        let reverse = self.pairs.get(&(to.clone(), from.clone()));
        match method {
            ConversionMethod::AsOfTransactionDate => {
                let latest = |dates: Option<&BTreeMap<NaiveDate, Decimal>>| {
                    dates.and_then(|d| d.range(..=date).next_back()).map(|(d, r)| (*d, *r))
                };
                let (direct, reverse) = (latest(direct), latest(reverse));
                match (direct, reverse) {
                    // The latest quote wins; on the same date the direct one.
                    (Some((on, rate)), _) if reverse.is_none_or(|(inverse_on, _)| on >= inverse_on) => {
                        Ok(applied(rate, RateSource::Quoted { date: on }))
                    }
                    (_, Some((on, quoted))) => {
                        let rate = rounded_quotient(Decimal::ONE, quoted).ok_or_else(|| out_of_range(quoted))?;
                        Ok(applied(rate, RateSource::Inverted { date: on, quoted }))
                    }
                    _ => Err(FxError::NoRate { from, to, date }),
                }
            }
            ConversionMethod::PeriodAverage(period) => {
                let (start, end) = (period.start, period.end);
                if date < start || date > end {
                    return Err(FxError::DateOutsidePeriod { date, start, end });
                }
                let within = |dates: Option<&BTreeMap<NaiveDate, Decimal>>| -> Vec<Decimal> {
                    dates.map(|d| d.range(start..=end).map(|(_, r)| *r).collect()).unwrap_or_default()
                };
                let (rates, inverted) = match (within(direct), within(reverse)) {
                    (rates, _) if !rates.is_empty() => (rates, false),
                    (_, rates) if !rates.is_empty() => (rates, true),
                    _ => return Err(FxError::NoRateInPeriod { from, to, start, end }),
                };
                let sum = rates.iter().try_fold(Decimal::ZERO, |s, r| s.checked_add(*r));
                let sum = sum.ok_or_else(|| out_of_range(rates.iter().copied().max().unwrap_or_default()))?;
                let count = Decimal::from(rates.len());
                // mean = sum / count; its inverse is count / sum: either way a single rounding.
                let (rate, inverted_mean) = if inverted {
                    let mean = rounded_quotient(sum, count).ok_or_else(|| out_of_range(sum))?;
                    (rounded_quotient(count, sum).ok_or_else(|| out_of_range(sum))?, Some(mean))
                } else {
                    (rounded_quotient(sum, count).ok_or_else(|| out_of_range(sum))?, None)
                };
                Ok(applied(rate, RateSource::Average { period: period.clone(), count: rates.len(), inverted_mean }))
            }
        }
    }

    /// Converts `amount` from `from` to `to` for a transaction on `date`, rounding the result
    /// to `to`'s minor unit by `rounding`, and explains the rate used.
    pub fn convert(
        &self,
        amount: Decimal,
        from: &Currency,
        to: &Currency,
        date: NaiveDate,
        method: &ConversionMethod,
        rounding: RoundingRule,
    ) -> Result<Conversion, FxError> {
        let rate = self.rate(from, to, date, method)?;
        let unrounded = amount.checked_mul(rate.rate).ok_or_else(|| FxError::Overflow {
            amount,
            from: rate.from.clone(),
            to: rate.to.clone(),
            rate: rate.rate,
        })?;
        let converted = rounding.round(unrounded, rate.to.minor_digits());
        let explanation = explain(amount, converted, &rate, date);
        Ok(Conversion { amount: converted, unrounded, rate, explanation })
    }
}

/// `numerator / denominator` (both positive) rounded once, half away from zero, to
/// [`DERIVED_RATE_DECIMALS`] places, by exact integer arithmetic on the mantissas: Decimal
/// division would round to 28 significant digits first, and rounding twice can differ from
/// rounding once. None if the numbers are too large for the exact method or the result
/// rounds to zero.
fn rounded_quotient(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    let (n, d) = (numerator.mantissa(), denominator.mantissa());
    if n < 0 || d <= 0 {
        return None;
    }
    // numerator / denominator x 10^places = n x 10^(d_scale + places - n_scale) / d.
    let shift = i64::from(denominator.scale()) + i64::from(DERIVED_RATE_DECIMALS) - i64::from(numerator.scale());
    let power = |e: i64| u32::try_from(e).ok().and_then(|e| 10i128.checked_pow(e));
    let (n, d) = if shift >= 0 { (n.checked_mul(power(shift)?)?, d) } else { (n, d.checked_mul(power(-shift)?)?) };
    let (quotient, remainder) = (n / d, n % d);
    let rounded = if remainder >= d - remainder { quotient.checked_add(1)? } else { quotient };
    // A rate that rounds to zero would silently convert everything to nothing.
    let rate = Decimal::try_from_i128_with_scale(rounded, DERIVED_RATE_DECIMALS).ok()?;
    (!rate.is_zero()).then(|| rate.normalize())
}

fn explain(amount: Decimal, converted: Decimal, rate: &AppliedRate, date: NaiveDate) -> String {
    let (from, to) = (&rate.from, &rate.to);
    if rate.source == RateSource::SameCurrency {
        return format!("{} is already in {from}; no conversion", format::money(amount, from));
    }
    let pair = |a: &Currency, b: &Currency| format!("{a}/{b}");
    let latest = |on: &NaiveDate| {
        if *on == date { String::new() } else { format!(" (the latest rate on or before {date})") }
    };
    let basis = match &rate.source {
        RateSource::SameCurrency => String::new(),
        RateSource::Quoted { date: on } => format!(" as of {on}{}", latest(on)),
        RateSource::Inverted { date: on, quoted } => {
            format!(" (1 / {} {}) as of {on}{}", quoted.normalize(), pair(to, from), latest(on))
        }
        RateSource::Average { period, count, inverted_mean } => {
            let rates = if *count == 1 { "rate" } else { "rates" };
            let over = format!("from {} to {} ({})", period.start, period.end, period.label);
            match inverted_mean {
                None => format!(", the average of {count} {rates} {over}"),
                Some(mean) => {
                    let reverse = pair(to, from);
                    format!(" (1 / {}, the average of {count} {reverse} {rates} {over})", mean.normalize())
                }
            }
        }
    };
    format!(
        "converted {} to {} at {} {}{basis}",
        format::money(amount, from),
        format::money(converted, to),
        rate.rate.normalize(),
        pair(from, to)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn row(date: &str, from: &str, to: &str, rate: Decimal) -> FxRate {
        FxRate { date: d(date), from: Currency::new(from), to: Currency::new(to), rate }
    }

    fn table() -> RateTable {
        RateTable::new([
            row("2026-03-02", "USD", "GBP", dec!(0.79)),
            row("2026-03-16", "USD", "GBP", dec!(0.7905)),
            row("2026-03-31", "USD", "GBP", dec!(0.79012)),
            row("2026-03-31", "EUR", "GBP", dec!(0.8543)),
            row("2026-03-02", "GBP", "JPY", dec!(190)),
            row("2026-03-20", "GBP", "JPY", dec!(191)),
            row("2026-03-27", "GBP", "JPY", dec!(192)),
        ])
        .expect("valid table")
    }

    fn march() -> Period {
        Period { start: d("2026-03-01"), end: d("2026-03-31"), label: "2026-03".into() }
    }

    fn usd() -> Currency {
        Currency::new("USD")
    }

    fn gbp() -> Currency {
        Currency::new("GBP")
    }

    const AS_OF: ConversionMethod = ConversionMethod::AsOfTransactionDate;
    const HALF_UP: RoundingRule = RoundingRule::HalfAwayFromZero;

    #[test]
    fn as_of_uses_the_rate_of_the_day() {
        let c = table().convert(dec!(1000), &usd(), &gbp(), d("2026-03-31"), &AS_OF, HALF_UP).unwrap();
        // 1000 x 0.79012 = 790.12 exactly.
        assert_eq!((c.amount, c.unrounded), (dec!(790.12), dec!(790.12000)));
        assert_eq!(c.explanation, "converted $1,000.00 to £790.12 at 0.79012 USD/GBP as of 2026-03-31");
        assert_eq!(c.rate.source, RateSource::Quoted { date: d("2026-03-31") });
    }

    #[test]
    fn as_of_takes_the_latest_rate_on_or_before_the_date() {
        // 1234.57 x 0.7905 = 975.927585 -> 975.93.
        let c = table().convert(dec!(1234.57), &usd(), &gbp(), d("2026-03-30"), &AS_OF, HALF_UP).unwrap();
        assert_eq!((c.amount, c.unrounded), (dec!(975.93), dec!(975.927585)));
        assert_eq!(
            c.explanation,
            "converted $1,234.57 to £975.93 at 0.7905 USD/GBP as of 2026-03-16 (the latest rate on or before 2026-03-30)"
        );
    }

    #[test]
    fn a_missing_rate_names_the_pair_and_date() {
        let err = table().convert(dec!(10), &usd(), &gbp(), d("2026-03-01"), &AS_OF, HALF_UP).unwrap_err();
        assert_eq!(err, FxError::NoRate { from: usd(), to: gbp(), date: d("2026-03-01") });
        assert_eq!(err.to_string(), "no USD/GBP rate (or GBP/USD rate to invert) on or before 2026-03-01");
        let chf = Currency::new("CHF");
        let err = table().convert(dec!(10), &chf, &usd(), d("2026-03-31"), &AS_OF, HALF_UP).unwrap_err();
        assert_eq!(err.to_string(), "no CHF/USD rate (or USD/CHF rate to invert) on or before 2026-03-31");
    }

    #[test]
    fn inverse_rates_are_derived_to_ten_places() {
        // 1 / 0.79012 = 1.265630536... -> 1.2656305371 (10 places, the 11th digit is 5...);
        // £1,000 x 1.2656305371 = 1265.6305371 -> $1,265.63.
        let c = table().convert(dec!(1000), &gbp(), &usd(), d("2026-04-02"), &AS_OF, HALF_UP).unwrap();
        assert_eq!(c.rate.rate, dec!(1.2656305371));
        assert_eq!(c.amount, dec!(1265.63));
        assert_eq!(
            c.explanation,
            "converted £1,000.00 to $1,265.63 at 1.2656305371 GBP/USD (1 / 0.79012 USD/GBP) as of 2026-03-31 \
             (the latest rate on or before 2026-04-02)"
        );
        // 1 / 192 = 0.005208333333... -> 0.0052083333; ¥100,000 -> £520.83333 -> £520.83.
        let jpy = Currency::new("JPY");
        let c = table().convert(dec!(100000), &jpy, &gbp(), d("2026-03-31"), &AS_OF, HALF_UP).unwrap();
        assert_eq!((c.rate.rate, c.amount), (dec!(0.0052083333), dec!(520.83)));
    }

    #[test]
    fn a_direct_rate_beats_an_older_or_equal_inverse_but_not_a_newer_one() {
        let t = RateTable::new([
            row("2026-03-01", "USD", "GBP", dec!(0.8)),
            row("2026-03-10", "GBP", "USD", dec!(1.25)),
            row("2026-03-10", "USD", "GBP", dec!(0.79)),
        ])
        .unwrap();
        assert_eq!(t.rate(&usd(), &gbp(), d("2026-03-10"), &AS_OF).unwrap().rate, dec!(0.79));
        let t =
            RateTable::new([row("2026-03-01", "USD", "GBP", dec!(0.8)), row("2026-03-10", "GBP", "USD", dec!(1.28))])
                .unwrap();
        // From 10 March the newer GBP/USD quote wins: 1 / 1.28 = 0.78125.
        assert_eq!(t.rate(&usd(), &gbp(), d("2026-03-09"), &AS_OF).unwrap().rate, dec!(0.8));
        assert_eq!(t.rate(&usd(), &gbp(), d("2026-03-10"), &AS_OF).unwrap().rate, dec!(0.78125));
        assert_eq!(t.rate(&usd(), &gbp(), d("2026-03-11"), &AS_OF).unwrap().rate, dec!(0.78125));
    }

    #[test]
    fn period_average_is_the_exact_mean_rounded_once() {
        // (0.79 + 0.7905 + 0.79012) / 3 = 2.37062 / 3 = 0.790206666... -> 0.7902066667.
        // $1,000 x 0.7902066667 = 790.2066667 -> £790.21.
        let method = ConversionMethod::PeriodAverage(march());
        let c = table().convert(dec!(1000), &usd(), &gbp(), d("2026-03-15"), &method, HALF_UP).unwrap();
        assert_eq!((c.rate.rate, c.amount), (dec!(0.7902066667), dec!(790.21)));
        assert_eq!(
            c.explanation,
            "converted $1,000.00 to £790.21 at 0.7902066667 USD/GBP, the average of 3 rates from 2026-03-01 to \
             2026-03-31 (2026-03)"
        );
        // JPY/GBP from GBP/JPY: mean (190 + 191 + 192) / 3 = 191; 3 / 573 = 0.00523560209... -> 0.0052356021.
        let jpy = Currency::new("JPY");
        let c = table().convert(dec!(1000000), &jpy, &gbp(), d("2026-03-15"), &method, HALF_UP).unwrap();
        assert_eq!((c.rate.rate, c.amount), (dec!(0.0052356021), dec!(5235.60)));
        assert_eq!(
            c.explanation,
            "converted ¥1,000,000 to £5,235.60 at 0.0052356021 JPY/GBP (1 / 191, the average of 3 GBP/JPY rates \
             from 2026-03-01 to 2026-03-31 (2026-03))"
        );
    }

    #[test]
    fn period_average_errors_name_the_pair_and_period() {
        let april = Period { start: d("2026-04-01"), end: d("2026-04-30"), label: "2026-04".into() };
        let method = ConversionMethod::PeriodAverage(april);
        let err = table().convert(dec!(1), &usd(), &gbp(), d("2026-04-10"), &method, HALF_UP).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no USD/GBP rate (or GBP/USD rate to invert) from 2026-04-01 to 2026-04-30 to average"
        );
        let err = table().convert(dec!(1), &usd(), &gbp(), d("2026-03-31"), &method, HALF_UP).unwrap_err();
        assert_eq!(
            err.to_string(),
            "transaction date 2026-03-31 is outside the averaging period 2026-04-01 to 2026-04-30"
        );
    }

    #[test]
    fn the_rounding_rule_decides_ties_in_the_target_currency() {
        // $1.50 x 0.79 = £1.185: half away gives 1.19, banker's 1.18.
        let t = table();
        let on = d("2026-03-02");
        let at = |amount, rule| t.convert(amount, &usd(), &gbp(), on, &AS_OF, rule).unwrap().amount;
        assert_eq!(at(dec!(1.50), RoundingRule::HalfAwayFromZero), dec!(1.19));
        assert_eq!(at(dec!(1.50), RoundingRule::HalfEven), dec!(1.18));
        assert_eq!(at(dec!(-1.50), RoundingRule::HalfAwayFromZero), dec!(-1.19));
        let jpy = Currency::new("JPY");
        // £10.25 x 190 = ¥1947.5 -> ¥1948 (no minor unit).
        let c = t.convert(dec!(10.25), &gbp(), &jpy, on, &AS_OF, HALF_UP).unwrap();
        assert_eq!(
            (c.amount, c.explanation.as_str()),
            (dec!(1948), "converted £10.25 to ¥1,948 at 190 GBP/JPY as of 2026-03-02")
        );
    }

    #[test]
    fn same_currency_needs_no_rate() {
        let c =
            RateTable::default().convert(dec!(12.5), &gbp(), &Currency::new("gbp"), d("2026-01-01"), &AS_OF, HALF_UP);
        let c = c.unwrap();
        assert_eq!((c.amount, c.rate.rate), (dec!(12.50), Decimal::ONE));
        assert_eq!(c.explanation, "£12.50 is already in GBP; no conversion");
    }

    #[test]
    fn bad_tables_are_refused_with_the_row() {
        let err = RateTable::new([row("2026-03-02", "USD", "GBP", dec!(0))]).unwrap_err();
        assert_eq!(err.to_string(), "rate table: the USD/GBP rate on 2026-03-02 must be positive, got 0");
        let err = RateTable::new([row("2026-03-02", "USD", "usd", dec!(1))]).unwrap_err();
        assert_eq!(err.to_string(), "rate table: a rate from USD to itself on 2026-03-02");
        let twice = [row("2026-03-02", "USD", "GBP", dec!(0.79)), row("2026-03-02", "usd", "GBP", dec!(0.80))];
        let err = RateTable::new(twice).unwrap_err();
        assert_eq!(err.to_string(), "rate table: the USD/GBP rate on 2026-03-02 is given twice, as 0.79 and 0.80");
        assert!(
            RateTable::new([row("2026-03-02", "USD", "GBP", dec!(0.79)), row("2026-03-02", "USD", "GBP", dec!(0.790))])
                .is_ok()
        );
    }

    #[test]
    fn tables_round_trip_as_rows() {
        let json = r#"[{"date":"2026-03-31","from":"USD","to":"GBP","rate":"0.79012"}]"#;
        let t: RateTable = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), json);
        let bad = r#"[{"date":"2026-03-31","from":"USD","to":"GBP","rate":"-1"}]"#;
        assert!(serde_json::from_str::<RateTable>(bad).unwrap_err().to_string().contains("must be positive"));
        let method: ConversionMethod =
            serde_json::from_str(r#"{"period_average":{"start":"2026-03-01","end":"2026-03-31","label":"2026-03"}}"#)
                .unwrap();
        assert_eq!(method, ConversionMethod::PeriodAverage(march()));
        assert_eq!(serde_json::to_string(&AS_OF).unwrap(), r#""as_of_transaction_date""#);
    }

    #[test]
    fn huge_amounts_are_errors_not_panics() {
        let err = table().convert(Decimal::MAX, &gbp(), &Currency::new("JPY"), d("2026-03-31"), &AS_OF, HALF_UP);
        assert!(matches!(err, Err(FxError::Overflow { .. })), "{err:?}");
        let t = RateTable::new([
            row("2026-03-02", "USD", "GBP", Decimal::MAX),
            row("2026-03-03", "USD", "GBP", Decimal::MAX),
        ])
        .unwrap();
        let method = ConversionMethod::PeriodAverage(march());
        let err = t.rate(&usd(), &gbp(), d("2026-03-15"), &method).unwrap_err();
        assert_eq!(err, FxError::RateOutOfRange { from: usd(), to: gbp(), quoted: Decimal::MAX });
        // 1 / 7.9 x 10^28 rounds to zero in 10 places: refused rather than converting to nothing.
        let err = t.rate(&gbp(), &usd(), d("2026-03-15"), &AS_OF).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the GBP/USD rate derived from 79228162514264337593543950335 cannot be stated in 10 decimal places"
        );
    }
}
