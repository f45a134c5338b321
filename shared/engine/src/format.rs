//! Plain-language formatting of money and percentages for explanations.

use crate::money::Currency;
use rust_decimal::Decimal;

/// `£1,234,567.89`, with the currency's minor digits; negatives as `-£12.00`.
pub fn money(amount: Decimal, currency: &Currency) -> String {
    let digits = currency.minor_digits();
    let rounded = amount.round_dp(digits);
    let text = format!("{:.*}", digits as usize, rounded.abs());
    let (whole, frac) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{}{grouped}.{f}", currency.symbol()),
        None => format!("{sign}{}{grouped}", currency.symbol()),
    }
}

/// The text with its first letter upper-case: `close date passed` -> `Close date passed`.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A fraction as a percentage with up to one decimal: 0.825 -> `82.5%`, 0.02 -> `2%`.
pub fn percent(fraction: Decimal) -> String {
    let p = (fraction * Decimal::ONE_HUNDRED).round_dp(2).normalize();
    format!("{p}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_groups_thousands() {
        let gbp = Currency::new("GBP");
        assert_eq!(money(dec!(1234567.891), &gbp), "£1,234,567.89");
        assert_eq!(money(dec!(-12), &gbp), "-£12.00");
        assert_eq!(money(dec!(999), &Currency::new("JPY")), "¥999");
        assert_eq!(percent(dec!(0.825)), "82.5%");
        assert_eq!(percent(dec!(0.0075)), "0.75%");
    }
}
