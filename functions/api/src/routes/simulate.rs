//! A designer's simulation: a candidate plan against a stored plan over a past plan year, on the
//! firm's stored transactions, quotas and assignments, for everyone on the stored plan then.
//! It computes and changes nothing, so it writes no audit record.

use super::plans::{all_plans, check_plan};
use super::{Body, decode_all, people, settings};
use crate::AppState;
use crate::error::ApiFailure;
use crate::pay::{assignment_in, payee_data};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Months, NaiveDate};
use plumbline_engine::calc::year_start;
use plumbline_engine::plan::PlanProblem;
use plumbline_engine::simulate::compare;
use plumbline_engine::{PayeeInputs, Period, Plan, TxnKind};
use plumbline_firm::PlanAssignment;
use plumbline_firm::oversight::{HistogramBin, SimulationRequest, SimulationResponse};
use plumbline_store::keys;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Revenue for cost of sales: what the firm earns, not the assets that move (flows, AUM).
const REVENUE: &[TxnKind] = &[TxnKind::Booking, TxnKind::FeeRevenue, TxnKind::Trail];

/// Bands in each distribution (about: the width is rounded to 1, 2 or 5 x 10^k).
const BANDS: u32 = 8;

fn invalid(field: &str, message: String) -> ApiFailure {
    ApiFailure::Invalid { field: field.into(), message }
}

fn failed(message: String) -> ApiFailure {
    ApiFailure::Unprocessable { code: "simulation_failed", message }
}

/// Every problem of the candidate at `plan.<path>`: the first as `field`, all in `details`.
fn refused(problems: Vec<PlanProblem>) -> ApiFailure {
    let problems: Vec<PlanProblem> = problems
        .into_iter()
        .map(|p| PlanProblem {
            path: if p.path == "." { "plan".into() } else { format!("plan.{}", p.path) },
            message: p.message,
        })
        .collect();
    ApiFailure::Rejected {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid",
        message: problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        field: problems.first().map(|p| p.path.clone()),
        details: serde_json::json!({ "problems": problems }),
    }
}

/// The plan year of `plan` starting `asked`, or the last one that ended before `today`; cut at
/// `today` when it is not over.
fn plan_year(plan: &Plan, asked: Option<NaiveDate>, today: NaiveDate) -> Result<Period, ApiFailure> {
    let start = match asked {
        Some(d) if year_start(plan, d) != d => {
            return Err(invalid(
                "year_start",
                format!(
                    "{d} does not start a plan year of {}: its years start on 1 of month {}",
                    plan.id, plan.year_start_month
                ),
            ));
        }
        Some(d) if d > today => return Err(invalid("year_start", format!("{d} is after the firm's today, {today}"))),
        Some(d) => d,
        None => {
            let this_year = year_start(plan, today);
            year_start(plan, this_year.pred_opt().unwrap_or(this_year))
        }
    };
    let end = start.checked_add_months(Months::new(12)).and_then(|d| d.pred_opt()).unwrap_or(start).min(today);
    Ok(Period { start, end, label: format!("{start} to {end}") })
}

/// Counts of `a` and `b` in bands of one round width covering both.
pub(crate) fn histogram(a: &[Decimal], b: &[Decimal]) -> Vec<HistogramBin> {
    let all = a.iter().chain(b);
    let (Some(lo), Some(hi)) = (all.clone().min(), all.max()) else { return Vec::new() };
    let raw = (hi - lo) / Decimal::from(BANDS);
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= raw {
        magnitude *= Decimal::TEN;
    }
    while magnitude > raw && magnitude > Decimal::new(1, 4) {
        magnitude /= Decimal::TEN;
    }
    let width = [1, 2, 5, 10].iter().map(|m| magnitude * Decimal::from(*m)).find(|w| *w >= raw && !w.is_zero());
    let width = width.unwrap_or(Decimal::ONE);
    let first = (*lo / width).floor() * width;
    let band = |v: &Decimal| ((*v - first) / width).floor().try_into().unwrap_or(0usize);
    let mut bins: Vec<HistogramBin> = (0..=band(hi))
        .map(|i| {
            let from = first + width * Decimal::from(i);
            HistogramBin { from, to: from + width, count_a: 0, count_b: 0 }
        })
        .collect();
    for v in a {
        bins[band(v)].count_a += 1;
    }
    for v in b {
        bins[band(v)].count_b += 1;
    }
    bins
}

pub(super) async fn simulate(
    State(state): State<AppState>,
    Body(request): Body<SimulationRequest>,
) -> Result<Json<SimulationResponse>, ApiFailure> {
    let candidate = check_plan(&request.plan).map_err(refused)?;
    let baseline_id = request.baseline_id.clone().unwrap_or_else(|| candidate.id.clone());
    let field = if request.baseline_id.is_some() { "baseline_id" } else { "plan.id" };
    let versions: Vec<Plan> = all_plans(&state).await?.into_iter().filter(|p| p.id == baseline_id).collect();
    if versions.is_empty() {
        return Err(invalid(field, format!("no stored plan {baseline_id} to compare with: name one in baseline_id")));
    }
    let baseline = match request.baseline_version {
        Some(v) => versions
            .into_iter()
            .find(|p| p.version == v)
            .ok_or_else(|| invalid("baseline_version", format!("plan {baseline_id} has no version {v}")))?,
        None => versions.into_iter().max_by_key(|p| p.version).expect("not empty"),
    };
    if candidate.currency != baseline.currency {
        return Err(invalid(
            "plan.currency",
            format!("must be {}, the currency of {baseline_id}, so the costs compare", baseline.currency.0),
        ));
    }
    let today = settings(&state).await?.as_of;
    let period = plan_year(&baseline, request.year_start, today)?;
    let people = people(&state).await?;
    let mut payees: Vec<PayeeInputs<'static>> = Vec::new();
    let mut names = BTreeMap::new();
    for person in &people {
        let assignments: Vec<PlanAssignment> = decode_all(&state, &keys::assignments(&person.id), "").await?;
        if assignment_in(&assignments, period.start, period.end).is_some_and(|a| a.plan_id == baseline.id) {
            payees.push(payee_data(&state, person, &people, &period).await?.inputs);
            names.insert(person.id.clone(), person.name.clone());
        }
    }
    if payees.is_empty() {
        return Err(ApiFailure::Unprocessable {
            code: "no_payees",
            message: format!("nobody was on {baseline_id} from {} to {}", period.start, period.end),
        });
    }
    let currency = baseline.currency.clone();
    let periods = vec![period.clone()];
    // A year of statements for every payee, twice: off the async workers.
    let comparison = tokio::task::spawn_blocking(move || compare(&baseline, &candidate, &payees, &periods, REVENUE))
        .await
        .map_err(|e| failed(e.to_string()))?
        .map_err(|e| failed(e.to_string()))?;
    let pays =
        |b: bool| -> Vec<Decimal> { comparison.payees.iter().map(|p| if b { p.pay_b } else { p.pay_a }).collect() };
    let attainments = |b: bool| -> Vec<Decimal> {
        comparison.payees.iter().filter_map(|p| if b { p.attainment_b } else { p.attainment_a }).collect()
    };
    Ok(Json(SimulationResponse {
        currency,
        period,
        names,
        payout_histogram: histogram(&pays(false), &pays(true)),
        attainment_histogram: histogram(&attainments(false), &attainments(true)),
        comparison,
    }))
}
