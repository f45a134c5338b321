//! Routes and their handlers. Handlers are ordinary async functions over [`AppState`].

use crate::AppState;
use crate::auth::Principal;
use crate::authz;
use crate::error::ApiFailure;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use plumbline_engine::calc::year_start;
use plumbline_engine::{PayeeInputs, Period, Plan, Transaction, statement_for_period};
use plumbline_firm::api::{DevTokenRequest, Persona, StatementResponse, TokenResponse};
use plumbline_firm::{FirmSettings, Person, PlanAssignment, Quota, Team};
use plumbline_store::{keys, query_all};
use serde::Deserialize;

/// The API's routes, nested under `/api`; unknown `/api/...` paths get a JSON 404.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/auth/personas", get(personas))
        .route("/auth/dev-token", post(dev_token))
        .route("/auth/jwks", get(jwks))
        .route("/me", get(me))
        .route("/statements/{person_id}", get(statement))
        .fallback(not_found)
        .with_state(state);
    Router::new().nest("/api", api)
}

async fn not_found() -> ApiFailure {
    ApiFailure::NotFound { what: "route".into() }
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiFailure> {
    let value = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    state.auth.principal(value)
}

async fn settings(state: &AppState) -> Result<FirmSettings, ApiFailure> {
    let item = state.store.get(keys::FIRM, keys::FIRM_SETTINGS).await?;
    let item = item.ok_or(ApiFailure::Unprocessable { code: "no_firm", message: "no firm is loaded yet".into() })?;
    Ok(item.decode()?)
}

async fn people(state: &AppState) -> Result<Vec<Person>, ApiFailure> {
    let items = query_all(state.store.as_ref(), keys::PEOPLE, "").await?;
    Ok(items.iter().map(|i| i.decode()).collect::<Result<_, _>>()?)
}

async fn teams(state: &AppState) -> Result<Vec<Team>, ApiFailure> {
    let items = query_all(state.store.as_ref(), keys::TEAMS, "").await?;
    Ok(items.iter().map(|i| i.decode()).collect::<Result<_, _>>()?)
}

fn persona(person: &Person, teams: &[Team]) -> Persona {
    Persona {
        person_id: person.id.clone(),
        name: person.name.clone(),
        role: person.role,
        title: person.title.clone(),
        division: person.division,
        team: person.team_id.as_ref().and_then(|t| teams.iter().find(|x| &x.id == t)).map(|t| t.name.clone()),
    }
}

fn dev_only(state: &AppState) -> Result<&crate::auth::DevIssuer, ApiFailure> {
    state.auth.dev_issuer.as_ref().ok_or(ApiFailure::NotFound { what: "route".into() })
}

async fn personas(State(state): State<AppState>) -> Result<Json<Vec<Persona>>, ApiFailure> {
    dev_only(&state)?;
    let teams = teams(&state).await?;
    Ok(Json(people(&state).await?.iter().map(|p| persona(p, &teams)).collect()))
}

async fn dev_token(
    State(state): State<AppState>,
    Json(request): Json<DevTokenRequest>,
) -> Result<Json<TokenResponse>, ApiFailure> {
    let issuer = dev_only(&state)?;
    let item = state.store.get(keys::PEOPLE, &request.person_id).await?;
    let person: Person = item
        .ok_or_else(|| ApiFailure::BadRequest {
            field: "person_id".into(),
            message: format!("no person with id {}", request.person_id),
        })?
        .decode()?;
    let teams = teams(&state).await?;
    Ok(Json(TokenResponse { token: issuer.sign(&person), persona: persona(&person, &teams) }))
}

async fn jwks(State(state): State<AppState>) -> Result<Json<jsonwebtoken::jwk::JwkSet>, ApiFailure> {
    Ok(Json(dev_only(&state)?.jwks()))
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Persona>, ApiFailure> {
    let who = principal(&state, &headers)?;
    let person: Person = state
        .store
        .get(keys::PEOPLE, &who.person_id)
        .await?
        .ok_or(ApiFailure::Unauthenticated("the token names no current person".into()))?
        .decode()?;
    Ok(Json(persona(&person, &teams(&state).await?)))
}

#[derive(Debug, Deserialize)]
struct StatementQuery {
    period: Option<String>,
}

async fn statement(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(person_id): Path<String>,
    Query(query): Query<StatementQuery>,
) -> Result<Json<StatementResponse>, ApiFailure> {
    let who = principal(&state, &headers)?;
    let settings = settings(&state).await?;
    let period = match &query.period {
        Some(label) => Period::parse_month(label).ok_or_else(|| ApiFailure::BadRequest {
            field: "period".into(),
            message: format!("period must be a month as YYYY-MM, got `{label}`"),
        })?,
        None => Period::month_of(settings.as_of),
    };
    let people = people(&state).await?;
    let not_found = || ApiFailure::NotFound { what: format!("statement for {person_id}") };
    let target = people.iter().find(|p| p.id == person_id).ok_or_else(not_found)?;
    if !authz::may_read_pay(&who, target, &people) {
        return Err(not_found());
    }
    let assignments: Vec<PlanAssignment> = query_all(state.store.as_ref(), &keys::assignments(&person_id), "")
        .await?
        .iter()
        .map(|i| i.decode())
        .collect::<Result<_, _>>()?;
    let assignment =
        assignments.iter().rev().find(|a| a.from <= period.end && a.to.is_none_or(|to| to >= period.start)).ok_or(
            ApiFailure::Unprocessable {
                code: "no_plan",
                message: format!("{} has no plan in {}", target.name, period.label),
            },
        )?;
    let plan: Plan = state
        .store
        .get(keys::PLANS, &keys::plan_version(&assignment.plan_id, assignment.plan_version))
        .await?
        .ok_or(ApiFailure::Unprocessable {
            code: "plan_missing",
            message: format!("plan {} is not loaded", assignment.plan_id),
        })?
        .decode()?;
    let year = year_start(&plan, period.end);
    let quota: Option<Quota> =
        state.store.get(&keys::quotas(&person_id), &year.to_string()).await?.map(|i| i.decode()).transpose()?;
    let transactions: Vec<Transaction> = query_all(state.store.as_ref(), &keys::transactions(&person_id), "")
        .await?
        .iter()
        .map(|i| i.decode())
        .collect::<Result<_, _>>()?;
    // The demo's quotas already cover the part of the year a joiner is employed, so the
    // assignment is not passed for proration.
    let inputs = PayeeInputs { annual_quota: quota.map(|q| q.amount), ..PayeeInputs::new(&person_id, &transactions) };
    let statement = statement_for_period(&plan, &inputs, &period)
        .map_err(|e| ApiFailure::Unprocessable { code: "calculation_failed", message: e.to_string() })?;
    let teams = teams(&state).await?;
    Ok(Json(StatementResponse { person: persona(target, &teams), as_of: settings.as_of, statement }))
}
