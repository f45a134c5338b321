//! Win probability: a regularised logistic regression on the firm's own history, anchored on
//! stage priors and recalibrated (Platt) on the most recent closed deals.
//!
//! Each training deal contributes snapshots (on opening, on each stage entry and every
//! `snapshot_every_days` while open), each described only by what was known on that day; a
//! deal's snapshots share a weight of one so long deals do not dominate. The stage prior is the
//! log-odds offset and every coefficient is penalised towards zero, so with little history the
//! model returns the stage's (smoothed) historical win rate.

use crate::data::Deal;
use crate::logistic::{Logistic, Row};
use crate::stats::{logit, shrunk_rate, sigmoid};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Settings of training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinModelConfig {
    /// L2 penalty per coefficient, in deals' worth of evidence.
    pub l2: f64,
    /// Days between snapshots of an open deal.
    pub snapshot_every_days: i64,
    /// Deals closed in this many days before the cut-off calibrate the model instead of fitting it.
    pub calibration_days: i64,
    /// Closed deals needed in that window for calibration; fewer and the fit uses them too.
    pub min_calibration_deals: usize,
    /// Pseudo-deals pulling rates (stage, rep, account) towards their prior.
    pub prior_strength: f64,
    /// Deals a product needs in training to get its own coefficient.
    pub min_product_deals: usize,
}

impl Default for WinModelConfig {
    fn default() -> Self {
        WinModelConfig {
            l2: 25.0,
            snapshot_every_days: 30,
            calibration_days: 91,
            min_calibration_deals: 100,
            prior_strength: 10.0,
            min_product_deals: 30,
        }
    }
}

/// Names of the numeric features, in order; products follow.
const NUMERIC: [&str; 9] = [
    "deal age",
    "time in stage",
    "close-date pushes",
    "size vs the rep's usual",
    "rep's win rate",
    "account's win rate",
    "deals closed with the account",
    "activity in the last 30 days",
    "days since last touch",
];

/// Outcomes by close date per key, for "known before this day" lookups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct Record {
    /// (close date, cumulative closed, cumulative won), by date.
    closes: Vec<(NaiveDate, u32, u32)>,
    /// (created, cumulative count, cumulative ln amount), by date.
    amounts: Vec<(NaiveDate, u32, f64)>,
}

impl Record {
    fn closed_before(&self, date: NaiveDate) -> (f64, f64) {
        let i = self.closes.partition_point(|c| c.0 < date);
        if i == 0 { (0.0, 0.0) } else { (f64::from(self.closes[i - 1].1), f64::from(self.closes[i - 1].2)) }
    }

    fn mean_ln_amount_before(&self, date: NaiveDate) -> Option<f64> {
        let i = self.amounts.partition_point(|c| c.0 < date);
        (i > 0).then(|| self.amounts[i - 1].2 / f64::from(self.amounts[i - 1].1))
    }
}

fn records<'a>(deals: &[&'a Deal], key: impl Fn(&'a Deal) -> &'a str) -> BTreeMap<String, Record> {
    let mut closes: BTreeMap<&str, Vec<(NaiveDate, bool)>> = BTreeMap::new();
    let mut amounts: BTreeMap<&str, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for d in deals {
        if let Some(c) = d.closed {
            closes.entry(key(d)).or_default().push((c.date, d.won()));
        }
        if d.amount_minor > 0 {
            amounts.entry(key(d)).or_default().push((d.created, (d.amount_minor as f64).ln()));
        }
    }
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    for (k, mut v) in closes {
        v.sort_by_key(|c| c.0);
        let (mut n, mut w) = (0, 0);
        out.entry(k.to_string()).or_default().closes = v
            .into_iter()
            .map(|(d, won)| {
                n += 1;
                w += u32::from(won);
                (d, n, w)
            })
            .collect();
    }
    for (k, mut v) in amounts {
        v.sort_by_key(|a| a.0);
        let (mut n, mut s) = (0, 0.0);
        out.entry(k.to_string()).or_default().amounts = v
            .into_iter()
            .map(|(d, ln)| {
                n += 1;
                s += ln;
                (d, n, s)
            })
            .collect();
    }
    out
}

/// A signal that moved a deal's probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Signal {
    /// What it is, e.g. "rep's win rate".
    pub name: String,
    /// The deal's raw value of it (days, count, log-ratio, rate).
    pub value: f64,
    /// Percentage points it added (negative: removed) against leaving it at the firm's average.
    pub effect_points: f64,
}

/// A deal's win probability and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinScore {
    /// The deal.
    pub deal_id: String,
    /// Calibrated probability of winning, 0-1.
    pub probability: f64,
    /// The historical win rate of its stage, 0-1, where the model starts.
    pub stage_prior: f64,
    /// The signals, largest effect first.
    pub signals: Vec<Signal>,
}

/// A trained win-probability model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WinModel {
    cutoff: NaiveDate,
    stage_priors: Vec<f64>,
    firm_rate: f64,
    products: Vec<String>,
    means: Vec<f64>,
    scales: Vec<f64>,
    fit: Logistic,
    /// Platt scaling (a, b): p = sigmoid(a + b * raw log-odds).
    platt: (f64, f64),
    reps: BTreeMap<String, Record>,
    accounts: BTreeMap<String, Record>,
    prior_strength: f64,
    /// Closed deals the model learned from.
    pub trained_on: usize,
    /// Closed deals it was calibrated on (0: not recalibrated).
    pub calibrated_on: usize,
}

/// The default prior of open stage `s` of `n`: later stages win more often.
fn default_stage_prior(s: usize, n: usize) -> f64 {
    if n <= 1 { 0.5 } else { 0.2 + 0.6 * s as f64 / (n - 1) as f64 }
}

impl WinModel {
    /// Trains on the deals of `deals` closed before `cutoff`; `stages` is the number of open stages.
    pub fn train(deals: &[Deal], cutoff: NaiveDate, stages: u8, config: &WinModelConfig) -> WinModel {
        let closed: Vec<&Deal> = deals.iter().filter(|d| d.closed.is_some_and(|c| c.date < cutoff)).collect();
        let n = closed.len() as f64;
        let won = closed.iter().filter(|d| d.won()).count() as f64;
        let firm_rate = shrunk_rate(won, n, 0.5, 2.0);
        let stages = usize::from(stages.max(1));
        let mut entered = vec![(0.0, 0.0); stages];
        for d in &closed {
            let mut seen = vec![false; stages];
            for e in &d.stages {
                let s = usize::from(e.stage).min(stages - 1);
                if !seen[s] {
                    seen[s] = true;
                    entered[s].0 += 1.0;
                    entered[s].1 += f64::from(u8::from(d.won()));
                }
            }
        }
        let stage_priors = (0..stages)
            .map(|s| shrunk_rate(entered[s].1, entered[s].0, default_stage_prior(s, stages), config.prior_strength))
            .collect();
        let mut by_product: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &closed {
            *by_product.entry(&d.product).or_default() += 1;
        }
        let products: Vec<String> = by_product
            .into_iter()
            .filter(|(_, c)| *c >= config.min_product_deals)
            .map(|(p, _)| p.to_string())
            .collect();
        // Rep and account history are what was known before the cut-off (only closed deals count).
        let all_before: Vec<&Deal> = deals.iter().filter(|d| d.created < cutoff).collect();
        let mut model = WinModel {
            cutoff,
            stage_priors,
            firm_rate,
            products,
            means: Vec::new(),
            scales: Vec::new(),
            fit: Logistic { intercept: 0.0, weights: Vec::new() },
            platt: (0.0, 1.0),
            reps: records(&all_before, |d| d.owner.as_str()),
            accounts: records(&all_before, |d| d.account.as_str()),
            prior_strength: config.prior_strength,
            trained_on: closed.len(),
            calibrated_on: 0,
        };
        let calib_from = cutoff - Days::new(config.calibration_days.max(0) as u64);
        let is_calib = |d: &Deal| d.closed.is_some_and(|c| c.date >= calib_from);
        let calib_count = closed.iter().filter(|d| is_calib(d)).count();
        let recalibrate = calib_count >= config.min_calibration_deals && closed.len() - calib_count >= calib_count / 2;
        let mut fit_rows = Vec::new();
        let mut calib_rows = Vec::new();
        for d in &closed {
            let rows = model.snapshots(d, config.snapshot_every_days);
            if recalibrate && is_calib(d) {
                calib_rows.extend(rows);
            } else {
                fit_rows.extend(rows);
            }
        }
        let k = model.feature_count();
        let mut sum = vec![0.0; k];
        let mut sq = vec![0.0; k];
        let total: f64 = fit_rows.iter().map(|r| r.weight).sum();
        for r in &fit_rows {
            for j in 0..k {
                sum[j] += r.weight * r.x[j];
                sq[j] += r.weight * r.x[j] * r.x[j];
            }
        }
        model.means = sum.iter().map(|s| if total > 0.0 { s / total } else { 0.0 }).collect();
        model.scales = (0..k)
            .map(|j| {
                let var = if total > 0.0 { sq[j] / total - model.means[j].powi(2) } else { 0.0 };
                // A feature without spread carries no information and gets no weight.
                if var > 1e-12 { 1.0 / var.sqrt() } else { 0.0 }
            })
            .collect();
        for r in fit_rows.iter_mut().chain(calib_rows.iter_mut()) {
            model.standardise(&mut r.x);
        }
        model.fit = Logistic::fit(&fit_rows, k, config.l2, &[]);
        if recalibrate {
            let scored: Vec<Row> = calib_rows
                .iter()
                .map(|r| Row { x: vec![model.fit.logit(&r.x, r.offset)], offset: 0.0, y: r.y, weight: r.weight })
                .collect();
            let platt = Logistic::fit(&scored, 1, 1.0, &[0.0, 1.0]);
            model.platt = (platt.intercept, platt.weights[0]);
            model.calibrated_on = calib_count;
        }
        model
    }

    fn feature_count(&self) -> usize {
        NUMERIC.len() + self.products.len()
    }

    fn standardise(&self, x: &mut [f64]) {
        for (j, v) in x.iter_mut().enumerate() {
            *v = (*v - self.means[j]) * self.scales[j];
        }
    }

    /// The historical (smoothed) win rate of deals that reached `stage`.
    pub fn stage_prior(&self, stage: u8) -> f64 {
        self.stage_priors[usize::from(stage).min(self.stage_priors.len() - 1)]
    }

    /// The day the model's history ends.
    pub fn cutoff(&self) -> NaiveDate {
        self.cutoff
    }

    fn rate(&self, rec: Option<&Record>, at: NaiveDate) -> (f64, f64) {
        let (n, w) = rec.map_or((0.0, 0.0), |r| r.closed_before(at.min(self.cutoff)));
        (logit(shrunk_rate(w, n, self.firm_rate, self.prior_strength)) - logit(self.firm_rate), n)
    }

    /// Raw features of `deal` on `at` and its stage.
    fn features(&self, deal: &Deal, at: NaiveDate) -> (Vec<f64>, u8) {
        let entry = deal.stage_at(at);
        let stage = entry.map_or(0, |e| e.stage);
        let days = |from: NaiveDate| ((at - from).num_days().max(0) as f64 + 1.0).ln();
        let size = self
            .reps
            .get(&deal.owner)
            .and_then(|r| r.mean_ln_amount_before(at))
            .filter(|_| deal.amount_minor > 0)
            .map_or(0.0, |m| (deal.amount_minor as f64).ln() - m);
        let (rep, _) = self.rate(self.reps.get(&deal.owner), at);
        let (account, account_n) = self.rate(self.accounts.get(&deal.account), at);
        let mut x = vec![
            days(deal.created),
            days(entry.map_or(deal.created, |e| e.date)),
            deal.pushes_by(at) as f64,
            size,
            rep,
            account,
            (account_n + 1.0).ln(),
            (deal.activities_within(at, 30) as f64 + 1.0).ln(),
            days(deal.last_touch(at)),
        ];
        x.extend(self.products.iter().map(|p| f64::from(u8::from(*p == deal.product))));
        (x, stage)
    }

    fn snapshots(&self, deal: &Deal, every: i64) -> Vec<Row> {
        let Some(closed) = deal.closed else { return Vec::new() };
        let mut days: Vec<NaiveDate> = vec![deal.created];
        days.extend(deal.stages.iter().map(|e| e.date));
        if every > 0 {
            let mut t = deal.created + Days::new(every as u64);
            while t < closed.date {
                days.push(t);
                t = t + Days::new(every as u64);
            }
        }
        days.retain(|d| *d < closed.date || *d == deal.created);
        days.sort();
        days.dedup();
        let weight = 1.0 / days.len() as f64;
        days.into_iter()
            .map(|at| {
                let (x, stage) = self.features(deal, at);
                Row { x, offset: logit(self.stage_prior(stage)), y: deal.won(), weight }
            })
            .collect()
    }

    /// The deal's calibrated probability of winning as things stood on `at`, with its signals.
    pub fn score(&self, deal: &Deal, at: NaiveDate) -> WinScore {
        let (raw, stage) = self.features(deal, at);
        let mut x = raw.clone();
        self.standardise(&mut x);
        let prior = self.stage_prior(stage);
        let (a, b) = self.platt;
        let z = a + b * self.fit.logit(&x, logit(prior));
        let probability = sigmoid(z);
        let names =
            NUMERIC.iter().map(|s| (*s).to_string()).chain(self.products.iter().map(|p| format!("product {p}")));
        let mut signals: Vec<Signal> = names
            .zip(raw.iter().zip(&x).zip(&self.fit.weights))
            .filter_map(|(name, ((value, std), w))| {
                let effect = b * w * std;
                let points = (probability - sigmoid(z - effect)) * 100.0;
                (points.abs() >= 0.05).then_some(Signal { name, value: *value, effect_points: points })
            })
            .collect();
        signals.sort_by(|p, q| q.effect_points.abs().total_cmp(&p.effect_points.abs()));
        WinScore { deal_id: deal.id.clone(), probability, stage_prior: prior, signals }
    }
}
