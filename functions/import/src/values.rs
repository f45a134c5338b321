//! Parsing single values: dates and exact money. Each error says what was expected.

use chrono::{DateTime, NaiveDate};
use plumbline_engine::Currency;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Which signs an amount may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    /// Zero or more (opportunity values, balances).
    NonNegative,
    /// More than zero (flows, whose direction is a separate field).
    Positive,
    /// Any (finance transactions, where reversals are negative).
    Any,
}

/// A date as `YYYY-MM-DD`, an ISO 8601 timestamp (its UTC date), or in `format` when given.
pub(crate) fn parse_date(text: &str, format: Option<&str>) -> Result<NaiveDate, String> {
    if let Some(format) = format {
        return NaiveDate::parse_from_str(text, format)
            .map_err(|e| format!("not a date in the mapping's format {format}: {e}"));
    }
    if text.len() > 10 && text.as_bytes()[10] == b'T' {
        // Salesforce writes 2024-01-15T10:00:00.000+0000; RFC 3339 has a colon in the offset.
        return DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .map(|t| t.naive_utc().date())
            .map_err(|_| "not a timestamp: expected e.g. 2024-01-15T10:00:00Z".to_string());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| "not a date: expected YYYY-MM-DD, a real calendar day".to_string())
}

/// An exact decimal amount with no more decimals than the currency's minor unit.
pub(crate) fn parse_money(text: &str, currency: Option<&Currency>, sign: Sign) -> Result<Decimal, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty());
    if !plain {
        return Err("not an amount: write digits with an optional '.' and decimals, no separators or symbols".into());
    }
    let value = Decimal::from_str(text).map_err(|e| format!("not an amount: {e}"))?;
    if let Some(currency) = currency {
        let places = currency.minor_digits();
        if value.normalize().scale() > places {
            return Err(format!("has more than {places} decimal places, the minor unit of {currency}"));
        }
    }
    match sign {
        Sign::NonNegative if value.is_sign_negative() && !value.is_zero() => Err("must not be negative".into()),
        Sign::Positive if value <= Decimal::ZERO => Err("must be more than zero".into()),
        _ => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_accepted_shapes() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        assert_eq!(parse_date("2024-01-15", None), Ok(d));
        assert_eq!(parse_date("2024-01-15T10:00:00.000+0000", None), Ok(d));
        assert_eq!(parse_date("2024-01-15T23:30:00-02:00", None), Ok(d.succ_opt().unwrap()));
        assert_eq!(parse_date("15/01/2024", Some("%d/%m/%Y")), Ok(d));
        assert!(parse_date("2017-02-30", None).is_err());
        assert!(parse_date("2024-1-5", None).is_err());
        assert!(parse_date("15/01/2024", None).is_err());
    }

    #[test]
    fn money_is_exact_and_in_minor_units() {
        let usd = Currency::new("USD");
        let jpy = Currency::new("JPY");
        assert_eq!(parse_money("1054", Some(&usd), Sign::NonNegative), Ok(Decimal::new(1054, 0)));
        assert_eq!(parse_money("0.10", Some(&usd), Sign::Any), Ok(Decimal::new(10, 2)));
        assert_eq!(parse_money("-12.5", Some(&usd), Sign::Any), Ok(Decimal::new(-125, 1)));
        assert!(parse_money("0.105", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("1.5", Some(&jpy), Sign::Any).is_err());
        assert!(parse_money("1,000", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("$10", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("1e3", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("1_000", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("12.", Some(&usd), Sign::Any).is_err());
        assert!(parse_money("-1", Some(&usd), Sign::NonNegative).is_err());
        assert!(parse_money("0", Some(&usd), Sign::Positive).is_err());
    }
}
