//! Quota allocation and territory balancing (issue 9) over the firm's records: the request
//! names a scope and the designer's choices, the server reads the rest from the store and
//! calls `plumbline-planning`, which computes and never applies anything.

use super::coach::load_firm;
use super::{Body, Caller};
use crate::AppState;
use crate::error::ApiFailure;
use axum::Json;
use axum::extract::State;
use plumbline_firm::Firm;
use plumbline_planning::api::{QuotaPlanRequest, TerritoryPlanRequest};
use plumbline_planning::{PlanningError, QuotaPlan, TerritoryProposal, balance_territories, plan_quotas};
use plumbline_store::keys;

/// The firm's records the planning requests read: the coaching snapshot plus month-end AUM
/// (the wealth pipeline is valued at the scope's fee rate over AUM).
async fn planning_firm(state: &AppState) -> Result<Firm, ApiFailure> {
    let mut firm = load_firm(state.store.as_ref()).await?;
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

/// Both allocations of next plan year's quotas for the scope, with the comparison.
pub(crate) async fn quota_plan(state: &AppState, request: &QuotaPlanRequest) -> Result<QuotaPlan, ApiFailure> {
    let full = request.build(&planning_firm(state).await?);
    compute(move || plan_quotas(&full)).await
}

/// The rebalanced territories for the scope.
pub(crate) async fn territory_plan(
    state: &AppState,
    request: &TerritoryPlanRequest,
) -> Result<TerritoryProposal, ApiFailure> {
    let full = request.build(&planning_firm(state).await?);
    compute(move || balance_territories(&full)).await
}

pub(super) async fn quotas(
    State(state): State<AppState>,
    Caller(_): Caller,
    Body(request): Body<QuotaPlanRequest>,
) -> Result<Json<QuotaPlan>, ApiFailure> {
    Ok(Json(quota_plan(&state, &request).await?))
}

pub(super) async fn territories(
    State(state): State<AppState>,
    Caller(_): Caller,
    Body(request): Body<TerritoryPlanRequest>,
) -> Result<Json<TerritoryProposal>, ApiFailure> {
    Ok(Json(territory_plan(&state, &request).await?))
}
