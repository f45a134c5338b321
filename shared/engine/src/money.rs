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
    let (minor, digits) = to_minor(amount, digits);
    let mut parts = Vec::with_capacity(weights.len());
    Splitter::new(&integer_weights(weights)).split(minor, &mut parts);
    parts.into_iter().map(|p| from_minor(p, digits)).collect()
}

/// `amount` in minor units of `digits` decimal places, or of its own scale when that is
/// finer (so nothing is lost), with the number of places used.
pub fn to_minor(amount: Decimal, digits: u32) -> (i128, u32) {
    let digits = digits.max(amount.scale());
    let minor = match digits - amount.scale() {
        0 => amount.mantissa(),
        shift => amount.mantissa() * 10i128.pow(shift),
    };
    (minor, digits)
}

/// Minor units of `digits` places back to a `Decimal` of that scale; a part that fits in 64
/// bits (all of them, in practice) without 128-bit arithmetic.
pub fn from_minor(minor: i128, digits: u32) -> Decimal {
    i64::try_from(minor).map_or_else(|_| Decimal::from_i128_with_scale(minor, digits), |p| Decimal::new(p, digits))
}

/// Integer weights prepared for splitting many amounts by [`allocate`]'s rule.
///
/// Weights are first divided by their common factor (which changes no part: every exact
/// share and remainder scales alike). When the parties are few and the total weight is then
/// small, the split of every amount below the total is worked out once, and an amount `m`
/// splits as `m / total` times each weight plus the split of `m % total`. That is exact, not
/// an approximation: `m`'s truncated remainders and the minor units left over are those of
/// `m % total`, so they go to the same parties. A split then costs one division.
#[derive(Debug, Clone)]
pub struct Splitter {
    weights: Vec<i128>,
    total: i128,
    /// The parts of each amount `r` below `total`, at `r * n..(r + 1) * n`; empty when not
    /// tabulated.
    table: Vec<i64>,
    remainders: Vec<i128>,
}

/// Largest total weight (after dividing out common factors) whose splits are tabulated:
/// 60/30/10 is 6:3:1, a total of 10.
const TABULATED: i128 = 100;

impl Splitter {
    /// Prepares `weights` (integers on one scale, see [`integer_weights`]).
    pub fn new(weights: &[i128]) -> Splitter {
        let common = weights.iter().fold(0u128, |g, w| gcd(g, w.unsigned_abs()));
        let weights: Vec<i128> = match i128::try_from(common) {
            Ok(g) if g > 1 => weights.iter().map(|w| w / g).collect(),
            _ => weights.to_vec(),
        };
        let total = weights.iter().sum();
        let mut splitter = Splitter { weights, total, table: Vec::new(), remainders: Vec::new() };
        let n = splitter.weights.len();
        if n <= FEW && (1..=TABULATED).contains(&total) && splitter.weights.iter().all(|&w| w >= 0) {
            let (mut parts, mut remainders) = (Vec::with_capacity(n), Vec::with_capacity(n));
            for r in 0..total {
                allocate_minor_into(r, &splitter.weights, &mut parts, &mut remainders);
                splitter.table.extend(parts.iter().map(|&p| p as i64));
            }
        }
        splitter
    }

    /// Splits `amount` minor units into `parts`, one per weight, summing exactly to it.
    pub fn split(&mut self, amount: i128, parts: &mut Vec<i128>) {
        parts.clear();
        if self.table.is_empty() {
            allocate_minor_into(amount, &self.weights, parts, &mut self.remainders);
            return;
        }
        parts.extend((0..self.weights.len()).map(|k| self.tabulated_part(amount, k).unwrap_or_default()));
    }

    /// Whether the splits are tabulated (see [`Splitter::tabulated_part`]).
    pub fn is_tabulated(&self) -> bool {
        !self.table.is_empty()
    }

    /// Part `k` of `amount` by [`Splitter::split`]'s rule, computed alone from the table;
    /// `None` when the splits are not tabulated (split the whole amount instead).
    #[inline]
    pub fn tabulated_part(&self, amount: i128, k: usize) -> Option<i128> {
        let n = self.weights.len();
        let weight = *self.weights.get(k)?;
        let row = |rest: usize| self.table.get(rest * n + k).copied();
        match i64::try_from(amount.unsigned_abs()) {
            // No part exceeds the amount, so when it fits in 64 bits every product here does
            // too (tabulated weights are at most `TABULATED`); 64-bit division is the fast one.
            Ok(m) => {
                let total = self.total as i64;
                let part = (m / total) * weight as i64 + row((m % total) as usize)?;
                Some(i128::from(if amount < 0 { -part } else { part }))
            }
            Err(_) => {
                let (magnitude, total) = (amount.unsigned_abs(), self.total as u128);
                let part = (magnitude / total) as i128 * weight + i128::from(row((magnitude % total) as usize)?);
                Some(if amount < 0 { -part } else { part })
            }
        }
    }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
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

/// Up to this many parties have their splits tabulated (see [`Splitter`]).
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
        fn a_prepared_splitter_splits_as_the_rule_does(amount in prop_oneof![
                                                           -10_000_000_000_000i128..10_000_000_000_000i128,
                                                           (i128::from(i64::MIN) * 4)..(i128::from(i64::MAX) * 4),
                                                       ],
                                                       weights in proptest::collection::vec(0i128..40, 1..10),
                                                       factor in 1i128..5) {
            // Tabulated (small totals) or not, with common factors or not, amounts beyond 64
            // bits or not: the same parts.
            let weights: Vec<i128> = weights.into_iter().map(|w| w * factor).collect();
            let mut parts = Vec::new();
            Splitter::new(&weights).split(amount, &mut parts);
            prop_assert_eq!(parts, allocate_minor(amount, &weights));
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
