//! `plumbline eval-pipeline`: the win-probability model and the monthly bookings forecast
//! scored on a CRM export in the shape of the Maven "CRM Sales Opportunities" sample
//! (sales_pipeline.csv, products.csv, sales_teams.csv).
//!
//! Win probability: trained on deals closed before the cut-off, scored on deals closed on or
//! after it, each as of the day it was engaged, against the stage prior (the historical win rate).
//! Forecast: at the start of each month from the cut-off, from the deals open then, the
//! Monte Carlo range of the month's won value against what was won, and against the
//! seasonal-naive forecast (the same month of the previous quarter).

use chrono::{Datelike, NaiveDate};
use plumbline_pipeline::metrics::{CalibrationBucket, auc, brier, calibration, max_calibration_gap};
use plumbline_pipeline::timing::{add_months, month_start};
use plumbline_pipeline::{
    Closed, Deal, ForecastDeal, ForecastSpec, NewBusiness, Outcome, RunRate, StageEntry, TimingModel, WinModel,
    WinModelConfig, forecast,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why the data could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file could not be read or parsed as CSV.
    #[error("{file}: {source}")]
    Csv {
        /// The file.
        file: PathBuf,
        /// The reader's error.
        source: csv::Error,
    },
    /// A field held a value we cannot use.
    #[error("{file} row {row}, field {field}: {message}")]
    Field {
        /// The file.
        file: PathBuf,
        /// 1-based data row.
        row: usize,
        /// The column.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Nothing to evaluate on one side of the cut-off.
    #[error("no closed deals {0} the cut-off")]
    Empty(&'static str),
}

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Folder with the CSV files.
    pub data: PathBuf,
    /// Train before, test on and after.
    pub cutoff: NaiveDate,
    /// Last month start of the forecast backtest.
    pub last_month: NaiveDate,
    /// Monte Carlo trials per month.
    pub trials: usize,
}

impl EvalOptions {
    /// The split: cut-off 2017-07-01, months July to December 2017.
    pub fn new(data: PathBuf) -> EvalOptions {
        EvalOptions {
            data,
            cutoff: NaiveDate::from_ymd_opt(2017, 7, 1).expect("valid"),
            last_month: NaiveDate::from_ymd_opt(2017, 12, 1).expect("valid"),
            trials: 10_000,
        }
    }
}

/// One month of the forecast backtest (money in whole currency units, as in the data).
#[derive(Debug, Clone, Serialize)]
pub struct MonthResult {
    /// "2017-07".
    pub month: String,
    /// Open deals at its start.
    pub open_deals: usize,
    /// Forecast P10, P50 (the point forecast), P90.
    pub p10: i64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// Mean of the trials.
    pub mean: i64,
    /// Won in the month.
    pub actual: i64,
    /// The same month of the previous quarter.
    pub seasonal_naive: i64,
    /// Whether P10 <= actual <= P90.
    pub in_range: bool,
    /// Expected won value from business not yet in the pipeline.
    pub new_business: i64,
    /// The correction applied to the pipeline's win probabilities.
    pub conversion_factor: f64,
    /// The firm-wide shock's log-scale spread.
    pub shock_sigma: f64,
}

/// The evaluation's results.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Closed deals trained on.
    pub train_deals: usize,
    /// Closed deals tested on.
    pub test_deals: usize,
    /// Win rate of the test deals.
    pub test_win_rate: f64,
    /// Brier score of the model.
    pub brier_model: f64,
    /// Brier score of the stage prior.
    pub brier_baseline: f64,
    /// AUC of the model.
    pub auc_model: f64,
    /// AUC of the stage prior (0.5: one stage).
    pub auc_baseline: f64,
    /// Calibration of the model on the test deals.
    pub calibration: Vec<CalibrationBucket>,
    /// Largest |predicted - observed| over buckets of at least 100 deals.
    pub calibration_max_gap: f64,
    /// Per month.
    pub months: Vec<MonthResult>,
    /// Mean absolute percentage error of the P50 forecast.
    pub forecast_mape: f64,
    /// The same for the mean of the trials.
    pub forecast_mape_mean: f64,
    /// The same for the seasonal-naive forecast.
    pub seasonal_naive_mape: f64,
    /// Months whose actual fell within P10-P90.
    pub range_hits: usize,
    /// Months forecast.
    pub range_months: usize,
}

fn date(file: &Path, row: usize, field: &'static str, s: &str) -> Result<Option<NaiveDate>, EvalError> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|e| EvalError::Field {
        file: file.to_path_buf(),
        row,
        field,
        message: format!("{s:?} is not a date: {e}"),
    })
}

fn money(file: &Path, row: usize, field: &'static str, s: &str) -> Result<i64, EvalError> {
    if s.is_empty() {
        return Ok(0);
    }
    s.parse::<i64>().map_err(|e| EvalError::Field {
        file: file.to_path_buf(),
        row,
        field,
        message: format!("{s:?} is not a whole amount: {e}"),
    })
}

fn rows(path: &Path) -> Result<Vec<BTreeMap<String, String>>, EvalError> {
    let err = |source| EvalError::Csv { file: path.to_path_buf(), source };
    let mut r = csv::Reader::from_path(path).map_err(err)?;
    let headers = r.headers().map_err(err)?.clone();
    r.records()
        .map(|rec| {
            let rec = rec.map_err(err)?;
            Ok(headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        })
        .collect()
}

/// A deal of the export with its actual value (close_value; 0 unless won).
struct CrmDeal {
    deal: Deal,
    actual: i64,
}

fn load(dir: &Path) -> Result<Vec<CrmDeal>, EvalError> {
    let products_file = dir.join("products.csv");
    let mut price: BTreeMap<String, i64> = BTreeMap::new();
    for (i, r) in rows(&products_file)?.iter().enumerate() {
        let name = r.get("product").cloned().unwrap_or_default();
        price.insert(name.replace(' ', ""), money(&products_file, i + 1, "sales_price", &r["sales_price"])?);
    }
    let teams_file = dir.join("sales_teams.csv");
    let manager: BTreeMap<String, String> =
        rows(&teams_file)?.into_iter().map(|r| (r["sales_agent"].clone(), r["manager"].clone())).collect();
    let file = dir.join("sales_pipeline.csv");
    let mut out = Vec::new();
    for (i, r) in rows(&file)?.iter().enumerate() {
        let row = i + 1;
        let field = |name: &'static str| -> Result<&str, EvalError> {
            r.get(name).map(String::as_str).ok_or_else(|| EvalError::Field {
                file: file.clone(),
                row,
                field: name,
                message: "missing column".into(),
            })
        };
        // Prospects were never engaged: no date to age them from, so they are outside the model.
        let Some(engaged) = date(&file, row, "engage_date", field("engage_date")?)? else { continue };
        let closed_on = date(&file, row, "close_date", field("close_date")?)?;
        let closed = match (field("deal_stage")?, closed_on) {
            ("Won", Some(d)) => Some(Closed { date: d, outcome: Outcome::Won }),
            ("Lost", Some(d)) => Some(Closed { date: d, outcome: Outcome::Lost }),
            ("Won" | "Lost", None) => {
                return Err(EvalError::Field {
                    file: file.clone(),
                    row,
                    field: "close_date",
                    message: "a closed deal needs a close date".into(),
                });
            }
            _ => None,
        };
        let product = field("product")?.to_string();
        let list = *price.get(&product.replace(' ', "")).ok_or_else(|| EvalError::Field {
            file: file.clone(),
            row,
            field: "product",
            message: format!("{product:?} is not in products.csv"),
        })?;
        let agent = field("sales_agent")?.to_string();
        out.push(CrmDeal {
            actual: money(&file, row, "close_value", field("close_value")?)?,
            deal: Deal {
                id: field("opportunity_id")?.to_string(),
                team: manager.get(&agent).cloned().unwrap_or_default(),
                owner: agent,
                account: field("account")?.to_string(),
                product,
                segment: String::new(),
                currency: "USD".into(),
                // What is at stake before the outcome is known: the list price, in cents.
                amount_minor: list * 100,
                created: engaged,
                stages: vec![StageEntry { date: engaged, stage: 0 }],
                expected_close: None,
                close_date_changes: Vec::new(),
                closed,
                stated_probability: None,
                commit: false,
                activities: Vec::new(),
            },
        });
    }
    Ok(out)
}

/// Won value (whole units) per month start.
fn won_by_month(deals: &[CrmDeal]) -> BTreeMap<NaiveDate, i64> {
    let mut out = BTreeMap::new();
    for d in deals {
        if let Some(c) = d.deal.closed.filter(|c| c.outcome == Outcome::Won) {
            *out.entry(month_start(c.date)).or_default() += d.actual;
        }
    }
    out
}

/// Months of history the timing model and the run rate learn from: one quarter, so each month
/// of the quarter is seen once and the most recent rhythm dominates.
const WINDOW_MONTHS: u32 = 3;

/// The pipeline's part of a month's forecast: expected won value (cents) from the open deals.
fn pipeline_expectation(deals: &[Deal], month: NaiveDate, data_start: NaiveDate) -> (f64, Vec<(usize, Vec<f64>)>) {
    let timing = TimingModel::learn(deals, month, WINDOW_MONTHS, Some(data_start));
    let mut expected = 0.0;
    let mut probs = Vec::new();
    for (i, d) in deals.iter().enumerate() {
        if d.created < month && d.is_open_at(month) {
            let p = timing.won_by_month(d, month, 1, 1.0);
            expected += p[0] * d.amount_minor as f64;
            probs.push((i, p));
        }
    }
    (expected, probs)
}

/// Runs the evaluation.
pub fn run(opts: &EvalOptions) -> Result<EvalReport, EvalError> {
    let crm = load(&opts.data)?;
    let deals: Vec<Deal> = crm.iter().map(|c| c.deal.clone()).collect();

    // Win probability.
    let model = WinModel::train(&deals, opts.cutoff, 1, &WinModelConfig::default());
    let test: Vec<&Deal> = deals.iter().filter(|d| d.closed.is_some_and(|c| c.date >= opts.cutoff)).collect();
    if model.trained_on == 0 {
        return Err(EvalError::Empty("before"));
    }
    if test.is_empty() {
        return Err(EvalError::Empty("on or after"));
    }
    let scored: Vec<(f64, bool)> = test.iter().map(|d| (model.score(d, d.created).probability, d.won())).collect();
    let baseline: Vec<(f64, bool)> = test.iter().map(|d| (model.stage_prior(0), d.won())).collect();
    let table = calibration(&scored);

    // Forecast backtest. Closes before the export's first close month are missing from it.
    let data_start = deals.iter().filter_map(|d| d.closed.map(|c| month_start(c.date))).min().expect("non-empty");
    let actual = won_by_month(&crm);
    let mut months = Vec::new();
    let mut month = month_start(opts.cutoff);
    while month <= opts.last_month {
        months.push(month_result(&deals, &actual, month, data_start, opts.trials));
        month = add_months(month, 1);
    }
    let mape = |f: fn(&MonthResult) -> i64| {
        months.iter().map(|m| (f(m) - m.actual).abs() as f64 / m.actual.max(1) as f64).sum::<f64>()
            / months.len().max(1) as f64
    };
    Ok(EvalReport {
        train_deals: model.trained_on,
        test_deals: test.len(),
        test_win_rate: test.iter().filter(|d| d.won()).count() as f64 / test.len() as f64,
        brier_model: brier(&scored),
        brier_baseline: brier(&baseline),
        auc_model: auc(&scored),
        auc_baseline: auc(&baseline),
        calibration_max_gap: max_calibration_gap(&table, 100),
        calibration: table,
        forecast_mape: mape(|m| m.p50),
        forecast_mape_mean: mape(|m| m.mean),
        seasonal_naive_mape: mape(|m| m.seasonal_naive),
        range_hits: months.iter().filter(|m| m.in_range).count(),
        range_months: months.len(),
        months,
    })
}

/// The forecast for the month starting `month`, made at its start.
fn month_result(
    deals: &[Deal],
    actual: &BTreeMap<NaiveDate, i64>,
    month: NaiveDate,
    data_start: NaiveDate,
    trials: usize,
) -> MonthResult {
    let (_, probs) = pipeline_expectation(deals, month, data_start);
    // How the pipeline converted at earlier forecasts, (won - new business) / pipeline
    // expectation, all known by this month's start.
    let mut ratios = Vec::new();
    let mut past = add_months(month, -1);
    while past > data_start {
        let (exp_past, _) = pipeline_expectation(deals, past, data_start);
        let new_past = NewBusiness::learn(deals, past, WINDOW_MONTHS, Some(data_start)).expect(past);
        if let (Some((new_mean, _)), Some(won)) = (new_past, actual.get(&past))
            && exp_past > 0.0
        {
            let same = (month.month0() % 3) == (past.month0() % 3);
            ratios.push((same, ((*won as f64 * 100.0 - new_mean) / exp_past).max(0.05)));
        }
        past = add_months(past, -1);
    }
    // The same month of the quarter converts alike; before one has been seen, all months.
    let same: Vec<f64> = ratios.iter().filter(|r| r.0).map(|r| r.1).collect();
    let ratios = if same.is_empty() { ratios.iter().map(|r| r.1).collect() } else { same };
    let factor = if ratios.is_empty() { 1.0 } else { ratios.iter().sum::<f64>() / ratios.len() as f64 };
    // The spread of those ratios is the firm-wide shock; a floor keeps one lucky quarter from
    // claiming certainty.
    let shock_sigma = if ratios.len() > 1 {
        let logs: Vec<f64> = ratios.iter().map(|r| r.ln()).collect();
        let m = logs.iter().sum::<f64>() / logs.len() as f64;
        (logs.iter().map(|l| (l - m).powi(2)).sum::<f64>() / (logs.len() - 1) as f64).sqrt()
    } else {
        0.15
    }
    .max(0.1);
    let teams: Vec<String> = probs
        .iter()
        .map(|(i, _)| deals[*i].team.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let spec = ForecastSpec {
        periods: vec![month.format("%Y-%m").to_string()],
        groups: teams.clone(),
        deals: probs
            .iter()
            .map(|(i, p)| ForecastDeal {
                id: deals[*i].id.clone(),
                account: deals[*i].account.clone(),
                group: teams.iter().position(|t| *t == deals[*i].team).unwrap_or(0),
                amount_minor: deals[*i].amount_minor,
                period_probs: p.iter().map(|x| (x * factor).min(1.0)).collect(),
                commit: false,
            })
            .collect(),
        run_rates: NewBusiness::learn(deals, month, WINDOW_MONTHS, Some(data_start))
            .expect(month)
            .map(|(mean, sd)| vec![RunRate { group: 0, period: 0, mean_minor: mean, sd_minor: sd }])
            .unwrap_or_default(),
        shock_sigma,
        plan_minor: None,
        trials,
        seed: 2017,
    };
    let f = forecast(&spec);
    let range = f.firm[0];
    let actual_won = actual.get(&month).copied().unwrap_or(0);
    let (p10, p50, p90, mean) = (range.p10 / 100, range.p50 / 100, range.p90 / 100, range.mean / 100);
    MonthResult {
        month: month.format("%Y-%m").to_string(),
        open_deals: spec.deals.len(),
        p10,
        p50,
        p90,
        mean,
        actual: actual_won,
        seasonal_naive: actual.get(&add_months(month, -3)).copied().unwrap_or(0),
        in_range: p10 <= actual_won && actual_won <= p90,
        new_business: spec.run_rates.first().map_or(0, |r| (r.mean_minor / 100.0).round() as i64),
        conversion_factor: factor,
        shock_sigma,
    }
}

/// The report as text: scores, calibration table and the monthly backtest.
pub fn render(r: &EvalReport) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Win probability: trained on {} closed deals, tested on {} (win rate {:.1}%)\n",
        r.train_deals,
        r.test_deals,
        r.test_win_rate * 100.0
    ));
    s.push_str(&format!("  model:       Brier {:.4}  AUC {:.3}\n", r.brier_model, r.auc_model));
    s.push_str(&format!("  stage prior: Brier {:.4}  AUC {:.3}\n", r.brier_baseline, r.auc_baseline));
    s.push_str("  calibration (predicted -> observed):\n");
    for b in &r.calibration {
        s.push_str(&format!(
            "    {:.1}-{:.1}  n={:<5} predicted {:5.1}%  observed {:5.1}%\n",
            b.from,
            b.to,
            b.count,
            b.mean_predicted * 100.0,
            b.observed * 100.0
        ));
    }
    s.push_str(&format!("  largest gap (buckets of 100+): {:.1} points\n", r.calibration_max_gap * 100.0));
    s.push_str("Monthly bookings forecast (made at each month's start):\n");
    s.push_str("  month    open   P10        P50        P90        actual     seasonal-naive  in range  new biz   conversion\n");
    for m in &r.months {
        s.push_str(&format!(
            "  {}  {:<5}  {:<9}  {:<9}  {:<9}  {:<9}  {:<14}  {:<8}  {:<8}  x{:.2}\n",
            m.month,
            m.open_deals,
            m.p10,
            m.p50,
            m.p90,
            m.actual,
            m.seasonal_naive,
            if m.in_range { "yes" } else { "no" },
            m.new_business,
            m.conversion_factor
        ));
    }
    s.push_str(&format!(
        "  MAPE {:.1}% of P50, {:.1}% of the mean (seasonal-naive {:.1}%); P10-P90 held the actual in {} of {} months\n",
        r.forecast_mape * 100.0,
        r.forecast_mape_mean * 100.0,
        r.seasonal_naive_mape * 100.0,
        r.range_hits,
        r.range_months
    ));
    s
}
