//! Plans, plan versions, validation and effective-dated plan assignments.

use super::{Body, Caller, decode_all, people, visible};
use crate::AppState;
use crate::auth::Principal;
use crate::authz;
use crate::error::ApiFailure;
use crate::write::{Change, Idempotency, commit, json, replace};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use plumbline_engine::Plan;
use plumbline_engine::plan::PlanProblem;
use plumbline_firm::PlanAssignment;
use plumbline_firm::api::{AssignmentRequest, PlanSummary, PlanValidation};
use plumbline_store::keys;
use std::collections::BTreeSet;

/// Every stored plan version, by plan id then version.
pub(crate) async fn all_plans(state: &AppState) -> Result<Vec<Plan>, ApiFailure> {
    decode_all(state, keys::PLANS, "").await
}

/// Plan ids the caller has ever been assigned.
async fn assigned_plans(state: &AppState, who: &Principal) -> Result<BTreeSet<String>, ApiFailure> {
    let mine: Vec<PlanAssignment> = decode_all(state, &keys::assignments(&who.person_id), "").await?;
    Ok(mine.into_iter().map(|a| a.plan_id).collect())
}

pub(super) async fn list(
    State(state): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<Vec<PlanSummary>>, ApiFailure> {
    let mine = assigned_plans(&state, &who).await?;
    let plans = all_plans(&state).await?;
    let mut out: Vec<PlanSummary> = Vec::new();
    for plan in plans.iter().filter(|p| authz::may_read_plan(&who, mine.contains(&p.id))) {
        match out.iter_mut().find(|s| s.id == plan.id) {
            Some(s) if plan.version > s.latest_version => {
                s.versions.push(plan.version);
                s.latest_version = plan.version;
                s.name = plan.name.clone();
                s.currency = plan.currency.clone();
                s.effective_from = plan.effective_from;
                s.effective_to = plan.effective_to;
            }
            Some(s) => s.versions.push(plan.version),
            None => out.push(PlanSummary {
                id: plan.id.clone(),
                name: plan.name.clone(),
                latest_version: plan.version,
                versions: vec![plan.version],
                currency: plan.currency.clone(),
                effective_from: plan.effective_from,
                effective_to: plan.effective_to,
            }),
        }
    }
    Ok(Json(out))
}

pub(super) async fn versions(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<Plan>>, ApiFailure> {
    let mine = assigned_plans(&state, &who).await?;
    let plans: Vec<Plan> = all_plans(&state).await?.into_iter().filter(|p| p.id == plan_id).collect();
    if plans.is_empty() || !authz::may_read_plan(&who, mine.contains(&plan_id)) {
        return Err(ApiFailure::not_found(format!("plan {plan_id}")));
    }
    Ok(Json(plans))
}

pub(super) async fn version(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((plan_id, version)): Path<(String, String)>,
) -> Result<Json<Plan>, ApiFailure> {
    let version: u32 = version
        .parse()
        .map_err(|_| ApiFailure::bad("version", format!("version must be a number, got `{version}`")))?;
    let mine = assigned_plans(&state, &who).await?;
    let not_found = || ApiFailure::not_found(format!("plan {plan_id} version {version}"));
    if !authz::may_read_plan(&who, mine.contains(&plan_id)) {
        return Err(not_found());
    }
    let item = state.store.get(keys::PLANS, &keys::plan_version(&plan_id, version)).await?.ok_or_else(not_found)?;
    Ok(Json(item.decode()?))
}

/// Parses and validates a plan document, every problem at its JSON path.
pub(crate) fn check_plan(document: &serde_json::Value) -> Result<Plan, Vec<PlanProblem>> {
    let plan: Plan = serde_path_to_error::deserialize(document)
        .map_err(|e| vec![PlanProblem { path: e.path().to_string(), message: e.into_inner().to_string() }])?;
    let problems = plan.validate();
    if problems.is_empty() { Ok(plan) } else { Err(problems) }
}

pub(super) async fn validate(Body(document): Body<serde_json::Value>) -> Json<PlanValidation> {
    match check_plan(&document) {
        Ok(_) => Json(PlanValidation { valid: true, problems: Vec::new() }),
        Err(problems) => Json(PlanValidation { valid: false, problems }),
    }
}

pub(super) async fn assignments(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<Vec<PlanAssignment>>, ApiFailure> {
    let people = people(&state).await?;
    let may = |p: &plumbline_firm::Person| authz::may_read_pay(&who, p, &people) || authz::may_assign_plans(&who);
    visible(&people, &person_id, "assignments", may)?;
    Ok(Json(decode_all(&state, &keys::assignments(&person_id), "").await?))
}

pub(super) async fn assign(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(person_id): Path<String>,
    Body(request): Body<AssignmentRequest>,
) -> Result<Json<Vec<PlanAssignment>>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("POST /people/{person_id}/assignments"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    let person = visible(&people, &person_id, "person", |_| authz::may_assign_plans(&who))?;
    let invalid = |field: &str, message: String| ApiFailure::Invalid { field: field.into(), message };
    let plan: Plan = state
        .store
        .get(keys::PLANS, &keys::plan_version(&request.plan_id, request.plan_version))
        .await?
        .ok_or_else(|| {
            invalid("plan_version", format!("no plan {} version {}", request.plan_id, request.plan_version))
        })?
        .decode()?;
    if request.from < plan.effective_from || plan.effective_to.is_some_and(|to| request.from > to) {
        return Err(invalid("from", format!("{} is outside the plan's effective dates", request.from)));
    }
    if request.to.is_some_and(|to| to < request.from) {
        return Err(invalid("to", "must not be before `from`".into()));
    }
    let pk = keys::assignments(&person_id);
    let items = plumbline_store::query_all(state.store.as_ref(), &pk, "").await?;
    let mut all: Vec<PlanAssignment> = Vec::new();
    let mut writes = Vec::new();
    for item in &items {
        let mut a: PlanAssignment = item.decode()?;
        if a.from >= request.from {
            return Err(invalid("from", format!("{} already has an assignment starting {}", person.name, a.from)));
        }
        if a.to.is_none_or(|to| to >= request.from) {
            a.to = request.from.pred_opt();
            writes.push(replace(&pk, a.from.to_string(), &a, Some(item.version))?);
        }
        all.push(a);
    }
    let new = PlanAssignment {
        person_id: person_id.clone(),
        plan_id: request.plan_id.clone(),
        plan_version: request.plan_version,
        from: request.from,
        to: request.to,
    };
    writes.push(replace(&pk, new.from.to_string(), &new, None)?);
    all.push(new.clone());
    let change = Change {
        who: &who,
        action: "assignment.created",
        entity: format!("assignment/{person_id}/{}", new.from),
        before: None,
        after: json(&new),
        reason: request.reason.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, all).await?))
}
