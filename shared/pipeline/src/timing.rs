//! When open deals close: a discrete-time (calendar-month) hazard model, and the run rate of
//! business that is opened and won within the same month.
//!
//! The hazard of a deal being won in a month, given it is open at the month's start, is learned
//! per (stage, months since opened, month of the quarter) from the deal-months of a recent window,
//! shrunk towards (stage, months since opened), then the stage, then the whole window. The month
//! of the quarter matters: many firms close at quarter ends. Months before `data_start` are left
//! out (deals that closed before it are missing from an export, so those months look too quiet).

use crate::data::Deal;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Months since opened are capped here (older deals share one bucket).
const AGE_CAP: u32 = 6;
/// Pseudo-observations pulling a cell towards its parent.
const SHRINK: f64 = 5.0;

/// The first day of `date`'s month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("day 1 exists")
}

/// `months` calendar months after the month of `date` (first day).
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let d = month_start(date);
    if months >= 0 { d + Months::new(months as u32) } else { d - Months::new(months.unsigned_abs()) }
}

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    m.max(0) as u32
}

fn month_of_quarter(date: NaiveDate) -> u8 {
    ((date.month() - 1) % 3) as u8
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct Cell {
    open: f64,
    won: f64,
    closed: f64,
}

impl Cell {
    fn add(&mut self, c: Cell) {
        self.open += c.open;
        self.won += c.won;
        self.closed += c.closed;
    }

    /// (won hazard, close hazard) shrunk towards `parent`.
    fn rates(&self, parent: (f64, f64)) -> (f64, f64) {
        (
            (self.won + SHRINK * parent.0) / (self.open + SHRINK),
            (self.closed + SHRINK * parent.1) / (self.open + SHRINK),
        )
    }
}

/// Monthly win and close hazards learned from history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimingModel {
    cells: BTreeMap<(u8, u32, u8), Cell>,
    by_age: BTreeMap<(u8, u32), Cell>,
    by_stage: BTreeMap<u8, Cell>,
    all: Cell,
    /// Deal-months observed.
    pub observations: usize,
}

impl TimingModel {
    /// Learns from the deal-months that ended by `origin` (a month start), within `window_months`
    /// before it and not before `data_start`.
    pub fn learn(deals: &[Deal], origin: NaiveDate, window_months: u32, data_start: Option<NaiveDate>) -> TimingModel {
        let origin = month_start(origin);
        let mut from = add_months(origin, -(window_months as i32));
        if let Some(start) = data_start {
            from = from.max(month_start(start));
        }
        let mut model = TimingModel {
            cells: BTreeMap::new(),
            by_age: BTreeMap::new(),
            by_stage: BTreeMap::new(),
            all: Cell::default(),
            observations: 0,
        };
        for d in deals {
            // Months that started after the deal opened, in the window, and ended by the origin.
            let mut s = add_months(d.created, 1).max(from);
            while s < origin && d.is_open_at(s) {
                let end = add_months(s, 1);
                let (won, closed) = match d.closed {
                    Some(c) if c.date < end => (d.won(), true),
                    _ => (false, false),
                };
                let stage = d.stage_at(s).map_or(0, |e| e.stage);
                let age = months_between(d.created, s).min(AGE_CAP);
                let c = Cell { open: 1.0, won: f64::from(u8::from(won)), closed: f64::from(u8::from(closed)) };
                model.cells.entry((stage, age, month_of_quarter(s))).or_default().add(c);
                model.by_age.entry((stage, age)).or_default().add(c);
                model.by_stage.entry(stage).or_default().add(c);
                model.all.add(c);
                model.observations += 1;
                s = end;
            }
        }
        model
    }

    /// (won, close) hazards for a deal in `stage`, `age` months old, in the month starting `month`.
    fn hazards(&self, stage: u8, age: u32, month: NaiveDate) -> (f64, f64) {
        let age = age.min(AGE_CAP);
        let base = if self.all.open > 0.0 {
            (self.all.won / self.all.open, self.all.closed / self.all.open)
        } else {
            (0.0, 0.0)
        };
        let st = self.by_stage.get(&stage).copied().unwrap_or_default().rates(base);
        let ag = self.by_age.get(&(stage, age)).copied().unwrap_or_default().rates(st);
        self.cells.get(&(stage, age, month_of_quarter(month))).copied().unwrap_or_default().rates(ag)
    }

    /// Probability the deal is won in each of the `months` months from `origin`, given it is open
    /// then, with the win hazard scaled by `relative` (the deal's odds against its stage's norm).
    /// The stage is held where it is; age and the month of the quarter move on.
    pub fn won_by_month(&self, deal: &Deal, origin: NaiveDate, months: usize, relative: f64) -> Vec<f64> {
        let origin = month_start(origin);
        let stage = deal.stage_at(origin).map_or(0, |e| e.stage);
        let mut survive = 1.0;
        let mut out = Vec::with_capacity(months);
        for k in 0..months {
            let month = add_months(origin, k as i32);
            let (won, close) = self.hazards(stage, months_between(deal.created, month), month);
            let won = (won * relative).min(1.0);
            let close = close.max(won).min(1.0);
            out.push(survive * won);
            survive *= 1.0 - close;
        }
        out
    }
}

/// Value won from deals opened and won within one month, learned per month of the quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewBusiness {
    /// Per month of the quarter: the months seen (month start, value in minor units).
    pub samples: [Vec<(NaiveDate, i64)>; 3],
}

impl NewBusiness {
    /// Learns from the months in `window_months` before `origin` (not before `data_start`).
    pub fn learn(deals: &[Deal], origin: NaiveDate, window_months: u32, data_start: Option<NaiveDate>) -> NewBusiness {
        let origin = month_start(origin);
        let mut from = add_months(origin, -(window_months as i32));
        if let Some(start) = data_start {
            from = from.max(month_start(start));
        }
        let mut by_month: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        let mut m = from;
        while m < origin {
            by_month.insert(m, 0);
            m = add_months(m, 1);
        }
        for d in deals {
            if let Some(c) = d.closed.filter(|_| d.won()) {
                let m = month_start(d.created);
                if month_start(c.date) == m
                    && let Some(v) = by_month.get_mut(&m)
                {
                    *v += d.amount_minor;
                }
            }
        }
        let mut samples: [Vec<(NaiveDate, i64)>; 3] = Default::default();
        for (m, v) in by_month {
            samples[usize::from(month_of_quarter(m))].push((m, v));
        }
        NewBusiness { samples }
    }

    /// Expected value and spread for the month starting `month`: the mean of the same month of
    /// the quarter, with the spread of those months (a quarter of the mean when only one is known).
    pub fn expect(&self, month: NaiveDate) -> Option<(f64, f64)> {
        let s = &self.samples[usize::from(month_of_quarter(month))];
        if s.is_empty() {
            return None;
        }
        let n = s.len() as f64;
        let mean = s.iter().map(|x| x.1 as f64).sum::<f64>() / n;
        let sd = if s.len() > 1 {
            (s.iter().map(|x| (x.1 as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            mean * 0.25
        };
        Some((mean, sd.max(mean * 0.1)))
    }
}
