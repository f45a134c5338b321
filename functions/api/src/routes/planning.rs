//! Quota allocation and territory balancing (issue 9) over the firm's records: the request
//! names a scope and the designer's choices, the server reads the rest from the store and
//! calls `plumbline-planning`, which computes and never applies anything.

use super::coach::load_firm;
use super::workflow::submit;
use super::{Body, Caller};
use crate::AppState;
use crate::error::ApiFailure;
use crate::write::Idempotency;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use plumbline_firm::Firm;
use plumbline_firm::api::ProposalRequest;
use plumbline_firm::workflow::Proposal;
use plumbline_planning::api::{
    QuotaPlanRequest, QuotaProposalRequest, TerritoryPlanRequest, TerritoryProposalRequest, quota_change,
    territory_change,
};
use plumbline_planning::{
    PlanningError, QuotaPlan, QuotaRequest, TerritoryProposal, TerritoryRequest, balance_territories, plan_quotas,
};
use plumbline_store::keys;

/// The firm's records the planning requests read: the coaching snapshot plus month-end AUM
/// (the wealth pipeline is valued at the scope's fee rate over AUM).
async fn planning_firm(state: &AppState) -> Result<Firm, ApiFailure> {
    let mut firm = load_firm(state.store.as_ref(), state.clock).await?;
    for c in &firm.clients {
        firm.aum.extend(super::decode_all(state, &keys::aum(&c.id), "").await?);
    }
    Ok(firm)
}

/// A refused request as `422 invalid` at the JSON path the library names.
fn refused(e: PlanningError) -> ApiFailure {
    let text = e.to_string();
    match text.split_once(": ") {
        Some((path, message)) => ApiFailure::Invalid { field: path.to_string(), message: message.to_string() },
        None => ApiFailure::Invalid { field: String::new(), message: text },
    }
}

/// Runs the pure computation off the async executor: a division's simulation takes a while.
async fn compute<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PlanningError> + Send + 'static,
) -> Result<T, ApiFailure> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiFailure::Unprocessable { code: "planning_failed", message: format!("planning: {e}") })?
        .map_err(refused)
}

/// Both allocations of next plan year's quotas for the scope, with the comparison, and the
/// library request they came from.
async fn quota_plan(state: &AppState, request: &QuotaPlanRequest) -> Result<(QuotaRequest, QuotaPlan), ApiFailure> {
    let full = request.build(&planning_firm(state).await?);
    let input = full.clone();
    let plan = compute(move || plan_quotas(&input)).await?;
    Ok((full, plan))
}

/// The rebalanced territories for the scope, and the library request they came from.
async fn territory_plan(
    state: &AppState,
    request: &TerritoryPlanRequest,
) -> Result<(TerritoryRequest, TerritoryProposal), ApiFailure> {
    let full = request.build(&planning_firm(state).await?);
    let input = full.clone();
    let proposal = compute(move || balance_territories(&input)).await?;
    Ok((full, proposal))
}

pub(super) async fn quotas(
    State(state): State<AppState>,
    Body(request): Body<QuotaPlanRequest>,
) -> Result<Json<QuotaPlan>, ApiFailure> {
    Ok(Json(quota_plan(&state, &request).await?.1))
}

pub(super) async fn territories(
    State(state): State<AppState>,
    Body(request): Body<TerritoryPlanRequest>,
) -> Result<Json<TerritoryProposal>, ApiFailure> {
    Ok(Json(territory_plan(&state, &request).await?.1))
}

pub(super) async fn propose_quotas(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<QuotaProposalRequest>,
) -> Result<Json<Proposal>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /planning/quotas/proposals", &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let (full, plan) = quota_plan(&state, &request.plan).await?;
    let change = quota_change(&full, &plan, &request.plan.scope, request.allocation);
    let proposal = ProposalRequest { change, reason: request.reason.clone() };
    Ok(Json(submit(&state, &who, &idem, &proposal).await?))
}

pub(super) async fn propose_territories(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<TerritoryProposalRequest>,
) -> Result<Json<Proposal>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /planning/territories/proposals", &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let (full, balanced) = territory_plan(&state, &request.plan).await?;
    if balanced.moves.is_empty() {
        return Err(ApiFailure::Unprocessable {
            code: "nothing_to_move",
            message: "the territories are already as balanced as the limits allow; nothing to propose".into(),
        });
    }
    let change = territory_change(&full, &balanced, &request.plan.scope);
    let proposal = ProposalRequest { change, reason: request.reason.clone() };
    Ok(Json(submit(&state, &who, &idem, &proposal).await?))
}
