//! Exact money: decimal amounts, ISO currency codes, stated rounding, exact allocation.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code such as `GBP`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(pub String);

impl Currency {
    /// Builds a currency from its code.
    pub fn new(code: &str) -> Self {
        Currency(code.to_ascii_uppercase())
    }

    /// Digits after the decimal point in this currency's minor unit.
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "CLP" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    /// The symbol used in plain-language explanations.
    pub fn symbol(&self) -> &str {
        match self.0.as_str() {
            "GBP" => "£",
            "USD" => "$",
            "EUR" => "€",
            "JPY" => "¥",
            "CHF" => "CHF ",
            other => other,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a plan rounds money to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingRule {
    /// 0.005 becomes 0.01 and -0.005 becomes -0.01 (the default).
    #[default]
    HalfAwayFromZero,
    /// Banker's rounding: ties go to the even digit.
    HalfEven,
}

impl RoundingRule {
    /// Rounds `amount` to `digits` decimal places with this rule.
    pub fn round(self, amount: Decimal, digits: u32) -> Decimal {
        let strategy = match self {
            RoundingRule::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingRule::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        amount.round_dp_with_strategy(digits, strategy)
    }
}

/// Splits `amount` by `weights` into parts of whole minor units that sum to `amount` exactly.
///
/// Rule (largest remainder on the magnitude): each part first gets its exact share truncated
/// toward zero; the minor units left over go one each to the parts with the largest truncated
/// remainders, ties to the earlier part. For two parties this equals rounding the first share
/// half away from zero and giving the second the remainder. Weights need not sum to one; they
/// are rescaled. Returns all zeros when the weights sum to zero.
pub fn allocate(amount: Decimal, weights: &[Decimal], digits: u32) -> Vec<Decimal> {
    let total_weight: Decimal = weights.iter().copied().sum();
    if weights.is_empty() || total_weight.is_zero() {
        return vec![Decimal::ZERO; weights.len()];
    }
    let negative = amount.is_sign_negative();
    let magnitude = amount.abs();
    let unit = Decimal::new(1, digits);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for w in weights {
        let exact = magnitude * *w / total_weight;
        let truncated = exact.trunc_with_scale(digits);
        parts.push(truncated);
        remainders.push(exact - truncated);
    }
    let allocated: Decimal = parts.iter().copied().sum();
    let mut left = ((magnitude - allocated) / unit).round();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Stable sort keeps the earlier part first among equal remainders.
    order.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]));
    let mut i = 0;
    while left > Decimal::ZERO {
        parts[order[i % order.len()]] += unit;
        left -= Decimal::ONE;
        i += 1;
    }
    if negative {
        parts.iter_mut().for_each(|p| *p = -*p);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn seventy_thirty_rounds_owner_half_away_from_zero() {
        assert_eq!(allocate(dec!(0.05), &[dec!(0.7), dec!(0.3)], 2), vec![dec!(0.04), dec!(0.01)]);
        assert_eq!(allocate(dec!(-0.05), &[dec!(0.7), dec!(0.3)], 2), vec![dec!(-0.04), dec!(-0.01)]);
        assert_eq!(allocate(dec!(100.00), &[dec!(0.6), dec!(0.3), dec!(0.1)], 2), vec![dec!(60), dec!(30), dec!(10)]);
    }

    #[test]
    fn thirds_give_the_spare_cent_to_the_first_party() {
        assert_eq!(allocate(dec!(100), &[dec!(1), dec!(1), dec!(1)], 2), vec![dec!(33.34), dec!(33.33), dec!(33.33)]);
    }

    #[test]
    fn banker_rounding_differs_from_half_away_only_on_ties() {
        assert_eq!(RoundingRule::HalfEven.round(dec!(2.345), 2), dec!(2.34));
        assert_eq!(RoundingRule::HalfAwayFromZero.round(dec!(2.345), 2), dec!(2.35));
        assert_eq!(RoundingRule::HalfAwayFromZero.round(dec!(-2.345), 2), dec!(-2.35));
    }

    proptest! {
        #[test]
        fn parts_always_sum_to_the_amount(cents in -10_000_000_000i64..10_000_000_000i64,
                                          weights in proptest::collection::vec(1u32..1000, 1..8)) {
            let amount = Decimal::new(cents, 2);
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            let parts = allocate(amount, &weights, 2);
            prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), amount);
            for p in &parts {
                prop_assert_eq!(p.round_dp(2), *p);
            }
        }
    }
}
