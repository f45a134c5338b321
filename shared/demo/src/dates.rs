//! Calendar helpers.

use crate::rng::Rng;
use chrono::{Datelike, NaiveDate, TimeDelta};

/// A date from parts that are known to be valid.
pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// `d` moved by `n` days.
pub(crate) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + TimeDelta::days(n)
}

/// Days from `a` to `b`.
pub(crate) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// First day of the month `n` months after the month of `d` (negative goes back).
pub(crate) fn month_start_offset(d: NaiveDate, n: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + n;
    ymd(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1)
}

/// Last day of the month containing `d`.
pub(crate) fn month_end(d: NaiveDate) -> NaiveDate {
    add_days(month_start_offset(d, 1), -1)
}

/// Last day of the calendar quarter containing `d`.
pub(crate) fn quarter_end(d: NaiveDate) -> NaiveDate {
    let last_month = (d.month0() / 3) * 3 + 3;
    month_end(ymd(d.year(), last_month, 1))
}

/// A uniformly random day in [lo, hi]; `lo` when the range is empty.
pub(crate) fn random_day(rng: &mut Rng, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
    add_days(lo, rng.int(0, days_between(lo, hi).max(0)))
}

/// One calendar month of the simulation window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Month {
    /// First day.
    pub start: NaiveDate,
    /// Last day of the calendar month.
    pub end: NaiveDate,
    /// Whether the month runs past the as-of date (no month-end yet).
    pub partial: bool,
}

/// The months from the month of `from` to the month of `as_of`.
pub(crate) fn months(from: NaiveDate, as_of: NaiveDate) -> Vec<Month> {
    let mut out = Vec::new();
    let mut start = month_start_offset(from, 0);
    while start <= as_of {
        let end = month_end(start);
        out.push(Month { start, end, partial: end > as_of });
        start = month_start_offset(start, 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_and_quarter_ends() {
        assert_eq!(month_end(ymd(2024, 2, 10)), ymd(2024, 2, 29));
        assert_eq!(month_end(ymd(2026, 12, 1)), ymd(2026, 12, 31));
        assert_eq!(quarter_end(ymd(2026, 11, 20)), ymd(2026, 12, 31));
        assert_eq!(quarter_end(ymd(2026, 4, 1)), ymd(2026, 6, 30));
        assert_eq!(month_start_offset(ymd(2026, 11, 20), -23), ymd(2024, 12, 1));
        let ms = months(ymd(2024, 12, 1), ymd(2026, 11, 20));
        assert_eq!(ms.len(), 24);
        assert!(ms[23].partial && !ms[22].partial);
    }
}
