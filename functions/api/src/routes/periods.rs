//! Period close: `POST /periods/{period}/close` freezes every payee's statement for a month
//! as paid. Later statements take what it paid as paid to date, and a transaction dated in
//! it that it did not count is paid in the next open period as an adjustment line.

use super::{Body, Caller, people, settings};
use crate::AppState;
use crate::error::ApiFailure;
use crate::pay::{PaidStatement, open_statement};
use crate::write::{Change, Idempotency, commit, json, new_id, now};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use plumbline_engine::{Currency, Period};
use plumbline_store::audit::hash_json;
use plumbline_store::periods;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST /periods/{period}/close`: why the period is closed, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosePeriodRequest {
    /// Why, e.g. `October payroll sent to the bank`.
    pub reason: String,
}

/// One payee's statement as the close froze it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClosedPayee {
    /// The payee.
    pub person_id: String,
    /// The plan paid under.
    pub plan_id: String,
    /// The statement's currency.
    pub currency: Currency,
    /// The statement's total.
    pub total: Decimal,
    /// Cash paid now, for a plan with regulated pay (the rest is deferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_now: Option<Decimal>,
    /// SHA-256 of the frozen statement, so the audited close vouches for each one.
    pub statement_hash: String,
}

/// A closed period (`CLOSE` / period; docs/store.md), and the route's response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeriodClose {
    /// The close's id, naming its frozen statements.
    pub id: String,
    /// The month closed.
    pub period: Period,
    /// The firm's date when it was closed.
    pub closed_on: NaiveDate,
    /// When, to the millisecond (UTC).
    pub closed_at: String,
    /// Who closed it.
    pub closed_by: String,
    /// Why.
    pub reason: String,
    /// Every payee with a plan in the period, in id order.
    pub payees: Vec<ClosedPayee>,
    /// Statement totals by currency.
    pub totals: BTreeMap<String, Decimal>,
}

pub(super) async fn close(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(label): Path<String>,
    Body(request): Body<ClosePeriodRequest>,
) -> Result<Json<PeriodClose>, ApiFailure> {
    let period = Period::parse_month(&label)
        .ok_or_else(|| ApiFailure::bad("period", format!("period must be a month as YYYY-MM, got `{label}`")))?;
    let idem = Idempotency::new(&headers, &who, &format!("POST /periods/{label}/close"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    if request.reason.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "reason".into(), message: "must not be empty".into() });
    }
    let today = settings(&state).await?.as_of;
    if period.end >= today {
        return Err(ApiFailure::Unprocessable {
            code: "period_not_ended",
            message: format!(
                "{label} ends on {}; a period closes after its last day (the firm's today is {today})",
                period.end
            ),
        });
    }
    let closed = periods::closed(state.store.as_ref()).await?;
    if let Some(c) = &closed {
        if c.range.contains(&label) {
            return Err(ApiFailure::Conflict {
                code: "already_closed",
                message: format!(
                    "{label} is already closed; its statements stay as paid, and a late or corrected transaction dated in it is paid as an adjustment in the next open period"
                ),
            });
        }
        let next = Period::parse_month(&c.range.last).and_then(|p| p.end.succ_opt()).map(Period::month_of);
        if next.as_ref().is_none_or(|n| n.label != label) {
            let next = next.map_or_else(|| "?".to_string(), |n| n.label);
            return Err(ApiFailure::Conflict {
                code: "not_next",
                message: format!(
                    "periods close in order: {} is the last closed, so {next} closes next, not {label}",
                    c.range.last
                ),
            });
        }
    }
    let range = closed.as_ref().map(|c| &c.range);
    let people = people(&state).await?;
    let mut frozen: Vec<(String, PaidStatement)> = Vec::new();
    let mut failed = Vec::new();
    for person in &people {
        match open_statement(&state, person, &people, &period, range, true).await {
            Ok(open) => {
                let paid = PaidStatement { paid: open.statement, paid_to_date: open.paid_to_date, seen: open.seen };
                frozen.push((person.id.clone(), paid));
            }
            // Not a payee this month: nothing to freeze.
            Err(ApiFailure::Unprocessable { code: "no_plan", .. }) => {}
            Err(ApiFailure::Store(e)) => return Err(e.into()),
            Err(e) => failed.push(serde_json::json!({ "person_id": person.id, "message": e.to_string() })),
        }
    }
    if !failed.is_empty() {
        return Err(ApiFailure::Rejected {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "statements_failed",
            message: format!("{} statements for {label} could not be calculated; nothing was closed", failed.len()),
            field: None,
            details: serde_json::Value::Array(failed),
        });
    }
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    let payees: Vec<ClosedPayee> = frozen
        .iter()
        .map(|(person_id, f)| {
            let s = &f.paid.statement;
            *totals.entry(s.currency.0.clone()).or_default() += s.total;
            ClosedPayee {
                person_id: person_id.clone(),
                plan_id: s.plan_id.clone(),
                currency: s.currency.clone(),
                total: s.total,
                paid_now: f.paid.regulated.as_ref().map(|r| r.paid_now),
                statement_hash: hash_json(&serde_json::to_value(f).unwrap_or_default()),
            }
        })
        .collect();
    let record = PeriodClose {
        id: new_id("CL"),
        period,
        closed_on: today,
        closed_at: now(),
        closed_by: who.person_id.clone(),
        reason: request.reason.clone(),
        payees,
        totals,
    };
    periods::stage_paid(state.store.as_ref(), &label, &record.id, &frozen).await?;
    let writes = periods::close_writes(&label, &record.id, &record, closed.as_ref())?;
    let change = Change {
        who: &who,
        action: "period.closed",
        entity: format!("period/{label}"),
        before: None,
        after: json(&record),
        reason: request.reason.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, record).await?))
}
