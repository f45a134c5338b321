//! History: each seller's run rate, trend and seasonality from their monthly results.

use crate::capacity::month_start;
use crate::model::MonthlyResult;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How far the year-on-year trend is trusted: half of it, at most 25% either way.
const TREND_DAMPING: Decimal = Decimal::from_parts(5, 0, 0, false, 1);
const TREND_LIMIT: Decimal = Decimal::from_parts(25, 0, 0, false, 2);

/// What a seller's history says about the plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryForecast {
    /// Full months employed in the last twelve months of history.
    pub months: u32,
    /// Results of those months.
    pub last_year: Decimal,
    /// `last_year` scaled to twelve months.
    pub run_rate: Decimal,
    /// Damped, capped year-on-year growth applied to the run rate (0 without two full years).
    pub trend: Decimal,
    /// `run_rate * (1 + trend)`: what the seller would sell in a full plan year at full capacity.
    pub forecast: Decimal,
    /// Standard deviation of monthly results over their mean (0 with fewer than 3 months).
    pub monthly_variation: f64,
    /// Share of the year's results in each month of the plan year (sums to 1).
    pub seasonality: Vec<Decimal>,
}

/// Monthly results of one seller over the 24 months before `history_end`: index 0 is the oldest.
fn months_of(results: &[MonthlyResult], person_id: &str, history_end: NaiveDate) -> [Decimal; 24] {
    let first = month_start(history_end, 0) - chrono::Months::new(24);
    let mut months = [Decimal::ZERO; 24];
    for r in results.iter().filter(|r| r.person_id == person_id) {
        let index = (r.month.year() - first.year()) * 12 + r.month.month() as i32 - first.month() as i32;
        if (0..24).contains(&index) {
            months[index as usize] += r.amount;
        }
    }
    months
}

/// Each calendar month's share of all results in the window (January first), for a scope.
pub fn scope_seasonality(results: &[MonthlyResult], history_end: NaiveDate) -> [Decimal; 12] {
    let first = month_start(history_end, 0) - chrono::Months::new(24);
    let mut by_month = [Decimal::ZERO; 12];
    for r in results {
        let start = NaiveDate::from_ymd_opt(r.month.year(), r.month.month(), 1).expect("day 1 exists");
        if start >= first && start < month_start(history_end, 0) {
            by_month[r.month.month0() as usize] += r.amount.max(Decimal::ZERO);
        }
    }
    shares(&by_month)
}

fn shares(values: &[Decimal; 12]) -> [Decimal; 12] {
    let total: Decimal = values.iter().sum();
    if total <= Decimal::ZERO {
        return [(Decimal::ONE / Decimal::from(12)).round_dp(9); 12];
    }
    values.map(|v| (v / total).round_dp(9))
}

/// A seller's forecast from the 24 months before `history_end` (the first month not in history).
///
/// Only months that start on or after the hire date count, so a joiner's partial first month does
/// not drag their run rate down. The seller's own seasonality is blended with the scope's,
/// trusting their own more the more months they have (a quarter weight per year, at most half),
/// because one or two observations per calendar month are noisy.
pub fn forecast(
    results: &[MonthlyResult],
    person_id: &str,
    hire_date: NaiveDate,
    history_end: NaiveDate,
    plan_year_start: NaiveDate,
    scope: &[Decimal; 12],
) -> HistoryForecast {
    let months = months_of(results, person_id, history_end);
    let first = month_start(history_end, 0) - chrono::Months::new(24);
    let employed: Vec<bool> = (0..24).map(|i| month_start(first, i) >= hire_date).collect();
    let counted = |range: std::ops::Range<usize>| range.filter(|i| employed[*i]).map(|i| months[i]).collect::<Vec<_>>();
    let (previous, last) = (counted(0..12), counted(12..24));
    let last_year: Decimal = last.iter().sum();
    let n = last.len() as u32;
    let run_rate = if n == 0 { Decimal::ZERO } else { (last_year * Decimal::from(12) / Decimal::from(n)).round_dp(2) };
    let previous_total: Decimal = previous.iter().sum();
    let trend = if previous.len() == 12 && previous_total > Decimal::ZERO {
        ((last_year / previous_total - Decimal::ONE) * TREND_DAMPING)
            .clamp(-TREND_LIMIT, TREND_LIMIT)
            .round_dp(4)
            .normalize()
    } else {
        Decimal::ZERO
    };
    let all: Vec<Decimal> = previous.iter().chain(&last).copied().collect();
    let own_weight = (Decimal::from(all.len() as u32) / Decimal::from(48)).min(Decimal::new(5, 1));
    let mut own = [Decimal::ZERO; 12];
    for (i, m) in months.iter().enumerate() {
        if employed[i] {
            own[month_start(first, i as u32).month0() as usize] += m.max(&Decimal::ZERO);
        }
    }
    let own = shares(&own);
    let blended: Vec<Decimal> = (0..12)
        .map(|k| {
            let calendar = month_start(plan_year_start, k).month0() as usize;
            (own[calendar] * own_weight + scope[calendar] * (Decimal::ONE - own_weight)).round_dp(9)
        })
        .collect();
    HistoryForecast {
        months: n,
        last_year,
        run_rate,
        trend,
        forecast: (run_rate * (Decimal::ONE + trend)).round_dp(2),
        monthly_variation: variation(&last),
        seasonality: blended,
    }
}

/// Coefficient of variation of monthly results, as a statistic (not money).
fn variation(months: &[Decimal]) -> f64 {
    if months.len() < 3 {
        return 0.0;
    }
    let values: Vec<f64> = months.iter().map(|m| f64::try_from(*m).unwrap_or(0.0)).collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    if mean <= 0.0 {
        return 0.0;
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64;
    var.sqrt() / mean
}
