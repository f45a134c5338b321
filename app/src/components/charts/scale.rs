use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Maps a value domain onto a pixel range (either direction), rounding to whole pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    lo: Decimal,
    hi: Decimal,
    from: i32,
    to: i32,
}

impl Scale {
    /// A scale from `[lo, hi]` onto `[from, to]`; an empty domain is widened by one.
    pub fn new(lo: Decimal, hi: Decimal, from: i32, to: i32) -> Scale {
        let hi = if hi <= lo { lo + Decimal::ONE } else { hi };
        Scale { lo, hi, from, to }
    }

    /// The pixel for `value` (values outside the domain land outside the range).
    pub fn at(&self, value: Decimal) -> i32 {
        let t = (value - self.lo) / (self.hi - self.lo);
        let span = Decimal::from(self.to - self.from);
        self.from + (t * span).round().to_i32().unwrap_or(0)
    }
}

/// Round tick values covering `[lo, hi]` in about `count` steps of 1, 2 or 5 x 10^k; the first
/// and last ticks are the domain to draw.
pub fn ticks(lo: Decimal, hi: Decimal, count: u32) -> Vec<Decimal> {
    let (lo, hi) = if hi <= lo { (lo, lo + Decimal::ONE) } else { (lo, hi) };
    let raw = (hi - lo) / Decimal::from(count.max(1));
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= raw {
        magnitude *= Decimal::TEN;
    }
    while magnitude > raw && magnitude > Decimal::new(1, 6) {
        magnitude /= Decimal::TEN;
    }
    let step = [1, 2, 5, 10].iter().map(|m| magnitude * Decimal::from(*m)).find(|s| *s >= raw).unwrap_or(magnitude);
    let first = (lo / step).floor() * step;
    let mut out = vec![first];
    let mut tick = first;
    while tick < hi && out.len() < 50 {
        tick += step;
        out.push(tick);
    }
    out
}

/// `12.5k`, `1.2m`, `950`: short axis labels.
pub fn compact(value: Decimal) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= Decimal::from(1_000_000) {
        (value / Decimal::from(1_000_000), "m")
    } else if abs >= Decimal::from(1_000) {
        (value / Decimal::from(1_000), "k")
    } else {
        (value, "")
    };
    format!("{}{suffix}", scaled.round_dp(1).normalize())
}

/// `85%` for 0.85, with at most one decimal.
pub fn percent_label(fraction: Decimal) -> String {
    format!("{}%", (fraction * Decimal::ONE_HUNDRED).round_dp(1).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn ticks_are_round_and_cover_the_domain() {
        assert_eq!(ticks(d("0"), d("87"), 4), [d("0"), d("50"), d("100")]);
        assert_eq!(ticks(d("0"), d("1.3"), 4), [d("0"), d("0.5"), d("1.0"), d("1.5")]);
        assert_eq!(
            ticks(d("-120"), d("340"), 5),
            [d("-200"), d("-100"), d("0"), d("100"), d("200"), d("300"), d("400")]
        );
    }

    #[test]
    fn scale_maps_ends_and_middle() {
        let s = Scale::new(d("0"), d("100"), 200, 0);
        assert_eq!((s.at(d("0")), s.at(d("50")), s.at(d("100"))), (200, 100, 0));
        assert_eq!(compact(d("12500")), "12.5k");
        assert_eq!(compact(d("-1250000")), "-1.2m");
        assert_eq!(percent_label(d("0.855")), "85.5%");
    }
}
