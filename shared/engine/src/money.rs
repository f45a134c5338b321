//! Exact money: decimal amounts, ISO currency codes, stated rounding, exact allocation.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code such as `GBP`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
/// remainders; on equal remainders the larger weight first, then the earlier part. So the
/// result does not depend on the order parties are listed in (unless their weights are equal),
/// and for two parties it equals rounding the larger share half away from zero and giving the
/// other the remainder. Weights need not sum to one; they
/// are rescaled. An amount finer than `digits` is split in its own finer unit, so the parts
/// still sum to it. Returns all zeros when the weights sum to zero.
pub fn allocate(amount: Decimal, weights: &[Decimal], digits: u32) -> Vec<Decimal> {
    let mut parts = Vec::with_capacity(weights.len());
    allocate_into(amount, &integer_weights(weights), digits, &mut parts, &mut Scratch::default());
    parts
}

/// Buffers reused across [`allocate_into`] calls so a hot loop does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    parts: Vec<i128>,
    remainders: Vec<i128>,
}

/// [`allocate`] with integer weights (see [`integer_weights`]), writing into `out`.
pub fn allocate_into(amount: Decimal, weights: &[i128], digits: u32, out: &mut Vec<Decimal>, scratch: &mut Scratch) {
    let digits = digits.max(amount.scale());
    let minor = amount.mantissa() * 10i128.pow(digits - amount.scale());
    // A part that fits in 64 bits (all of them, in practice) becomes a `Decimal` without
    // 128-bit arithmetic.
    let decimal = |p: i128| {
        i64::try_from(p).map_or_else(|_| Decimal::from_i128_with_scale(p, digits), |p| Decimal::new(p, digits))
    };
    out.clear();
    let n = weights.len();
    if n <= FEW {
        let (mut parts, mut remainders) = ([0i128; FEW], [0i128; FEW]);
        split(minor, weights, &mut parts[..n], &mut remainders[..n]);
        out.extend(parts[..n].iter().map(|&p| decimal(p)));
        return;
    }
    allocate_minor_into(minor, weights, &mut scratch.parts, &mut scratch.remainders);
    out.extend(scratch.parts.iter().map(|&p| decimal(p)));
}

/// Decimal weights as integers on one common scale (0.7 and 0.3 become 7 and 3); negative
/// weights count as zero.
pub fn integer_weights(weights: &[Decimal]) -> Vec<i128> {
    let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    weights.iter().map(|w| (w.mantissa() * 10i128.pow(scale - w.scale())).max(0)).collect()
}

/// [`allocate`] on integer minor units: the one implementation of the split rule.
pub fn allocate_minor(amount: i128, weights: &[i128]) -> Vec<i128> {
    let mut parts = Vec::with_capacity(weights.len());
    allocate_minor_into(amount, weights, &mut parts, &mut Vec::new());
    parts
}

/// Up to this many parties split on the stack, without touching the buffers.
const FEW: usize = 8;

/// [`allocate_minor`] writing into `parts`, with `remainders` as scratch, so hot loops do not
/// allocate.
pub fn allocate_minor_into(amount: i128, weights: &[i128], parts: &mut Vec<i128>, remainders: &mut Vec<i128>) {
    parts.clear();
    parts.resize(weights.len(), 0);
    remainders.clear();
    remainders.resize(weights.len(), 0);
    split(amount, weights, parts, remainders);
}

/// The split rule of [`allocate`] on minor units: fills `parts` (one per weight, all zero
/// when the weights sum to zero), using `remainders` (as long) as scratch.
fn split(amount: i128, weights: &[i128], parts: &mut [i128], remainders: &mut [i128]) {
    let total: i128 = weights.iter().sum();
    if weights.is_empty() || total == 0 {
        parts.fill(0);
        return;
    }
    let magnitude = amount.abs();
    // 64-bit division is several times faster than 128-bit; use it whenever nothing overflows.
    let narrow = magnitude < i128::from(i64::MAX) && weights.iter().all(|w| magnitude * w < i128::from(i64::MAX));
    for (i, w) in weights.iter().enumerate() {
        let exact = magnitude * w;
        (parts[i], remainders[i]) = if narrow {
            let (e, t) = (exact as i64, total as i64);
            (i128::from(e / t), i128::from(e % t))
        } else {
            (exact / total, exact % total)
        };
    }
    let mut left = magnitude - parts.iter().sum::<i128>();
    while left > 0 {
        // The part with the largest remainder, then the largest weight, then the earliest;
        // it is then out of the running. Parties are few, so a scan beats a sort.
        let mut best = usize::MAX;
        for i in 0..weights.len() {
            if remainders[i] >= 0
                && (best == usize::MAX || (remainders[i], weights[i]) > (remainders[best], weights[best]))
            {
                best = i;
            }
        }
        parts[best] += 1;
        remainders[best] = -1;
        left -= 1;
    }
    if amount < 0 {
        parts.iter_mut().for_each(|p| *p = -*p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_larger_share_wins_a_tie_whatever_the_order() {
        assert_eq!(allocate(dec!(0.05), &[dec!(0.3), dec!(0.7)], 2), vec![dec!(0.01), dec!(0.04)]);
    }

    #[test]
    fn seventy_thirty_rounds_owner_half_away_from_zero() {
        assert_eq!(allocate(dec!(0.05), &[dec!(0.7), dec!(0.3)], 2), vec![dec!(0.04), dec!(0.01)]);
        assert_eq!(allocate(dec!(-0.05), &[dec!(0.7), dec!(0.3)], 2), vec![dec!(-0.04), dec!(-0.01)]);
        assert_eq!(allocate(dec!(100.00), &[dec!(0.6), dec!(0.3), dec!(0.1)], 2), vec![dec!(60), dec!(30), dec!(10)]);
    }

    #[test]
    fn an_amount_finer_than_the_currency_still_splits_exactly() {
        assert_eq!(allocate(dec!(0.005), &[dec!(0.7), dec!(0.3)], 2), vec![dec!(0.004), dec!(0.001)]);
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

        #[test]
        fn two_party_split_is_round_half_up_then_remainder(cents in -10_000_000i64..10_000_000i64, share in 50u32..100) {
            // The rule comp teams write in SQL: round(amount x share, 2) to the larger share, the
            // rest to the other, whichever order the two are listed in.
            let amount = Decimal::new(cents, 2);
            let share = Decimal::new(share.into(), 2);
            let larger = RoundingRule::HalfAwayFromZero.round(amount * share, 2);
            let parts = allocate(amount, &[share, Decimal::ONE - share], 2);
            prop_assert_eq!(parts, vec![larger, amount - larger]);
            if share > Decimal::new(5, 1) {
                let reversed = allocate(amount, &[Decimal::ONE - share, share], 2);
                prop_assert_eq!(reversed, vec![amount - larger, larger]);
            }
        }
    }
}
