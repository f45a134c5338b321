//! The route table and the router built from it. Handlers are ordinary async functions over
//! [`AppState`]; every route's access rule sits beside it in [`table`], and one middleware
//! applies it before any handler runs, so a route cannot be added without one.

mod audit;
pub mod coach;
mod directory;
mod imports;
mod oversight;
mod pay;
pub(crate) mod periods;
mod planning;
mod plans;
mod simulate;
mod workflow;

use crate::auth::Principal;
use crate::authz::{self, ANYONE, AUDITORS, Access, WRITERS};
use crate::error::ApiFailure;
use crate::{AppState, Clock};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::{Method, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use axum::{Json, Router};
use plumbline_firm::{FirmSettings, Person, Role, StoredSettings, Team};
use plumbline_store::{Store, keys, query_all};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One route: method, path under `/api`, who may call it, and what it is for.
pub struct RouteDef {
    /// HTTP method.
    pub method: Method,
    /// Path under `/api`, with `{name}` parameters.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// One line for the OpenAPI document.
    pub summary: &'static str,
    /// Query parameters: name and meaning.
    pub query: &'static [(&'static str, &'static str)],
    /// Request body type in `plumbline_firm::api` (or elsewhere), if any.
    pub request: Option<&'static str>,
    /// Response body type.
    pub response: &'static str,
    /// Status of a successful response: 200, or 202 for work accepted to run in the background.
    pub status: u16,
    handler: MethodRouter<AppState>,
}

impl RouteDef {
    /// Marks a route that answers 202 Accepted and finishes the work in the background.
    fn accepted(self) -> RouteDef {
        RouteDef { status: 202, ..self }
    }
}

#[allow(clippy::too_many_arguments)]
fn route(
    method: Method,
    path: &'static str,
    access: Access,
    summary: &'static str,
    query: &'static [(&'static str, &'static str)],
    request: Option<&'static str>,
    response: &'static str,
    handler: MethodRouter<AppState>,
) -> RouteDef {
    RouteDef { method, path, access, summary, query, request, response, status: 200, handler }
}

const DESIGNER: &[Role] = &[Role::Designer];
const ADMIN: &[Role] = &[Role::Admin];
const COMPLIANCE: &[Role] = &[Role::Compliance];
const ASSIGNERS: &[Role] = &[Role::Designer, Role::Admin];
const PROPOSERS: &[Role] = &[Role::Manager, Role::Designer, Role::Compliance];
const DECIDERS: &[Role] = &[Role::Manager, Role::Designer, Role::Compliance, Role::Admin];
const RESOLVERS: &[Role] = &[Role::Manager];
const COACHES: &[Role] = &[Role::Manager, Role::Leadership];
const LEADERSHIP: &[Role] = &[Role::Leadership];
const PLANNERS: &[Role] = &[Role::Designer, Role::Leadership];

/// Every route of the API, in one table: the router, the access middleware, the OpenAPI
/// document and the role-matrix test are all built from it.
pub fn table() -> Vec<RouteDef> {
    use Access::{Development, Public, Roles};
    let (g, p, u) = (Method::GET, Method::POST, Method::PUT);
    vec![
        route(g.clone(), "/health", Public, "Liveness check", &[], None, "Health", get(directory::health)),
        route(
            g.clone(),
            "/openapi.json",
            Public,
            "This API's OpenAPI 3.1 document",
            &[],
            None,
            "OpenApi",
            get(openapi),
        ),
        route(
            g.clone(),
            "/auth/personas",
            Development,
            "Demo personas (local only)",
            &[],
            None,
            "Vec<Persona>",
            get(directory::personas),
        ),
        route(
            p.clone(),
            "/auth/dev-token",
            Development,
            "Sign in as a persona (local only)",
            &[],
            Some("DevTokenRequest"),
            "TokenResponse",
            post(directory::dev_token),
        ),
        route(
            g.clone(),
            "/auth/jwks",
            Development,
            "The development issuer's public keys (local only)",
            &[],
            None,
            "JwkSet",
            get(directory::jwks),
        ),
        route(g.clone(), "/me", Roles(ANYONE), "The signed-in person", &[], None, "Persona", get(directory::me)),
        route(
            g.clone(),
            "/people",
            Roles(ANYONE),
            "People the caller may see, employed on a date",
            &[
                ("as_of", "date, default the firm's today"),
                ("team", "team id"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<PersonView>",
            get(directory::list_people),
        ),
        route(
            p.clone(),
            "/people",
            Roles(ADMIN),
            "Add a person (audited)",
            &[],
            Some("Person"),
            "PersonView",
            post(directory::create_person),
        ),
        route(
            g.clone(),
            "/people/{person_id}",
            Roles(ANYONE),
            "One person",
            &[],
            None,
            "PersonView",
            get(directory::get_person),
        ),
        route(
            u.clone(),
            "/people/{person_id}",
            Roles(ADMIN),
            "Replace a person's record (audited)",
            &[],
            Some("Person"),
            "PersonView",
            put(directory::update_person),
        ),
        route(
            g.clone(),
            "/org",
            Roles(ANYONE),
            "The org chart as of a date, as far as the caller may see",
            &[("as_of", "date, default the firm's today")],
            None,
            "OrgResponse",
            get(directory::org),
        ),
        route(g.clone(), "/teams", Roles(ANYONE), "Teams", &[], None, "Vec<Team>", get(directory::teams_route)),
        route(
            g.clone(),
            "/plans",
            Roles(ANYONE),
            "Plans the caller may read, with their versions",
            &[],
            None,
            "Vec<PlanSummary>",
            get(plans::list),
        ),
        route(
            g.clone(),
            "/plans/{plan_id}/versions",
            Roles(ANYONE),
            "Every version of a plan",
            &[],
            None,
            "Vec<Plan>",
            get(plans::versions),
        ),
        route(
            g.clone(),
            "/plans/{plan_id}/versions/{version}",
            Roles(ANYONE),
            "One plan version",
            &[],
            None,
            "Plan",
            get(plans::version),
        ),
        route(
            p.clone(),
            "/plans/validate",
            Roles(DESIGNER),
            "Validate a plan document; problems at JSON paths",
            &[],
            Some("Plan"),
            "PlanValidation",
            post(plans::validate),
        ),
        route(
            p.clone(),
            "/plans/simulate",
            Roles(PLANNERS),
            "Run a candidate plan against a stored one over a past plan year for everyone on it: totals, cost of sales, pay and attainment distributions, each payee's delta (computes, changes nothing)",
            &[],
            Some("SimulationRequest"),
            "SimulationResponse",
            post(simulate::simulate),
        ),
        route(
            g.clone(),
            "/people/{person_id}/assignments",
            Roles(ANYONE),
            "A person's effective-dated plan assignments",
            &[],
            None,
            "Vec<PlanAssignment>",
            get(plans::assignments),
        ),
        route(
            p.clone(),
            "/people/{person_id}/assignments",
            Roles(ASSIGNERS),
            "Assign a plan version from a date (audited)",
            &[],
            Some("AssignmentRequest"),
            "Vec<PlanAssignment>",
            post(plans::assign),
        ),
        route(
            g.clone(),
            "/people/{person_id}/quotas",
            Roles(ANYONE),
            "A person's annual quotas",
            &[],
            None,
            "Vec<Quota>",
            get(pay::quotas),
        ),
        route(
            g.clone(),
            "/people/{person_id}/transactions",
            Roles(ANYONE),
            "A person's transactions and their credits",
            &[
                ("period", "YYYY-MM or YYYY"),
                ("kind", "transaction kind, e.g. booking"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<TransactionView>",
            get(pay::transactions),
        ),
        route(
            g.clone(),
            "/statements/{person_id}",
            Roles(ANYONE),
            "A person's explained statement for a month",
            &[("period", "YYYY-MM, default the firm's current month")],
            None,
            "RegulatedStatementResponse",
            get(pay::statement),
        ),
        route(
            g.clone(),
            "/people/{person_id}/conduct",
            Roles(ANYONE),
            "A person's conduct events",
            &[],
            None,
            "Vec<ComplianceEvent>",
            get(pay::conduct),
        ),
        route(
            g.clone(),
            "/conduct",
            Roles(ANYONE),
            "Conduct events of everyone the caller may read, newest first, each with its effect on regulated pay",
            &[
                ("person", "person id"),
                ("kind", "complaint_upheld, file_review_failure, mis_selling or overdue_training"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<ConductEventView>",
            get(oversight::list),
        ),
        route(
            p.clone(),
            "/conduct",
            Roles(COMPLIANCE),
            "Record a conduct event (audited)",
            &[],
            Some("ConductRequest"),
            "ComplianceEvent",
            post(pay::record_conduct),
        ),
        route(
            g.clone(),
            "/pipeline",
            Roles(ANYONE),
            "Opportunities the caller may see",
            &[
                ("owner", "owner's person id"),
                ("stage", "stage, e.g. proposal"),
                ("open", "true for open only"),
                ("close_from", "date"),
                ("close_to", "date"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<Opportunity>",
            get(pay::pipeline),
        ),
        route(
            g.clone(),
            "/pipeline/hygiene",
            Roles(ANYONE),
            "Hygiene flags on each seller's open deals (stale, close date passed or too soon, repeatedly pushed) and over-optimism, for the sellers the caller may see",
            &[("team", "team id")],
            None,
            "HygieneResponse",
            get(oversight::hygiene),
        ),
        route(
            g.clone(),
            "/approvals",
            Roles(ANYONE),
            "Proposals the caller may read",
            &[
                ("status", "pending, approved or rejected"),
                ("waiting_on_me", "true for those the caller may decide now"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<Proposal>",
            get(workflow::list_proposals),
        ),
        route(
            p.clone(),
            "/approvals",
            Roles(PROPOSERS),
            "Propose a plan version, quota change or manual adjustment (audited, with simulated cost)",
            &[],
            Some("ProposalRequest"),
            "Proposal",
            post(workflow::propose),
        ),
        route(
            g.clone(),
            "/approvals/{proposal_id}",
            Roles(ANYONE),
            "One proposal",
            &[],
            None,
            "Proposal",
            get(workflow::get_proposal),
        ),
        route(
            p.clone(),
            "/approvals/{proposal_id}/decision",
            Roles(DECIDERS),
            "Approve or reject the waiting step (audited); the last approval applies the change",
            &[],
            Some("DecisionRequest"),
            "Proposal",
            post(workflow::decide),
        ),
        route(
            g.clone(),
            "/approval-policy",
            Roles(ANYONE),
            "The approval chains",
            &[],
            None,
            "ApprovalPolicy",
            get(workflow::policy),
        ),
        route(
            u.clone(),
            "/approval-policy",
            Roles(ADMIN),
            "Replace the approval chains (audited)",
            &[],
            Some("ApprovalPolicy"),
            "ApprovalPolicy",
            put(workflow::set_policy),
        ),
        route(
            g.clone(),
            "/disputes",
            Roles(ANYONE),
            "Disputes the caller may read",
            &[
                ("status", "open, adjustment_proposed, resolved or reopened"),
                ("cursor", "`next` from the previous page"),
                ("limit", "page size"),
            ],
            None,
            "Page<Dispute>",
            get(workflow::list_disputes),
        ),
        route(
            p.clone(),
            "/disputes",
            Roles(WRITERS),
            "Dispute a line of one's own statement (audited)",
            &[],
            Some("DisputeRequest"),
            "Dispute",
            post(workflow::raise_dispute),
        ),
        route(
            g.clone(),
            "/disputes/{dispute_id}",
            Roles(ANYONE),
            "One dispute",
            &[],
            None,
            "Dispute",
            get(workflow::get_dispute),
        ),
        route(
            p.clone(),
            "/disputes/{dispute_id}/resolve",
            Roles(RESOLVERS),
            "Resolve with an explanation or propose an adjustment (audited)",
            &[],
            Some("ResolveRequest"),
            "Dispute",
            post(workflow::resolve_dispute),
        ),
        route(
            g.clone(),
            "/audit",
            Roles(AUDITORS),
            "The audit log in chain order, or newest first with order=newest",
            &[
                ("after", "sequence number to start after (chain order)"),
                ("before", "sequence number to start below (order=newest)"),
                ("order", "chain (default) or newest"),
                ("cursor", "the next page's cursor"),
                ("limit", "page size"),
            ],
            None,
            "Page<AuditRecord>",
            get(audit::list),
        ),
        route(
            g.clone(),
            "/audit/verify",
            Roles(AUDITORS),
            "Recompute the hash chain; the first broken link",
            &[],
            None,
            "Verification",
            get(audit::verify),
        ),
        route(
            g.clone(),
            "/coach/nudges/{person_id}",
            Roles(ANYONE),
            "A person's coaching nudges: stalling deals by money at stake, progress to quota and the next tier",
            &[],
            None,
            "NudgesResponse",
            get(coach::nudges),
        ),
        route(
            g.clone(),
            "/coach/interventions",
            Roles(COACHES),
            "The people who need intervention this week, with the data and a suggested action",
            &[("manager", "manager's person id; a manager's own subtree by default, the firm for leadership")],
            None,
            "InterventionsResponse",
            get(coach::interventions),
        ),
        route(
            g.clone(),
            "/coach/risk",
            Roles(LEADERSHIP),
            "Forecast downside and where it sits, the P10/P50/P90 forecasts and pipeline hygiene",
            &[],
            None,
            "RiskResponse",
            get(coach::risk),
        ),
        route(
            g.clone(),
            "/coach/reviews/{person_id}",
            Roles(ANYONE),
            "A person's saved performance reviews",
            &[],
            None,
            "Vec<SavedReview>",
            get(coach::list_reviews),
        ),
        route(
            g.clone(),
            "/coach/reviews/{person_id}/draft",
            Roles(RESOLVERS),
            "Draft a performance review from the period's results, behaviours and conduct",
            &[("from", "date, default 1 January of `to`'s year"), ("to", "date, default the firm's today")],
            None,
            "ReviewDraft",
            get(coach::draft),
        ),
        route(
            p.clone(),
            "/coach/reviews/{person_id}",
            Roles(RESOLVERS),
            "Save a drafted review with the manager's edits (audited)",
            &[],
            Some("SaveReviewRequest"),
            "SavedReview",
            post(coach::save_review),
        ),
        route(
            u.clone(),
            "/coach/reviews/{person_id}/{review_id}",
            Roles(RESOLVERS),
            "Edit a saved review (audited, with the version read)",
            &[],
            Some("EditReviewRequest"),
            "SavedReview",
            put(coach::edit_review),
        ),
        route(
            p.clone(),
            "/imports/{kind}",
            Roles(ADMIN),
            "Accept a file (settings, plans, teams, people, clients, quotas, assignments, transactions, aum, flows, opportunities, activities, calendar, compliance) and import it in the background: validated completely, then applied with audit records; re-sending changes nothing. Poll the job for progress",
            &[],
            Some("ImportUpload"),
            "ImportJob",
            post(imports::start).layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .accepted(),
        route(
            g.clone(),
            "/imports/jobs/{job_id}",
            Roles(ADMIN),
            "An import's progress (step, records and writes done of the totals), then its report or every problem at its row and column",
            &[],
            None,
            "ImportJob",
            get(imports::job),
        ),
        route(
            p.clone(),
            "/pay-decisions",
            Roles(COMPLIANCE),
            "Decide malus (unvested deferred pay) or clawback (paid pay) on a regulated payee; writes the ledger entries and the decision (audited)",
            &[],
            Some("PayDecisionRequest"),
            "PayDecisionResponse",
            post(pay::decide_pay),
        ),
        route(
            p.clone(),
            "/periods/{period}/close",
            Roles(ADMIN),
            "Close a month: freeze every payee's statement as paid (audited, once, in order); later statements pay late or corrected transactions dated in it as adjustment lines",
            &[],
            Some("ClosePeriodRequest"),
            "PeriodClose",
            post(periods::close),
        ),
        route(
            p.clone(),
            "/planning/quotas",
            Roles(PLANNERS),
            "Next plan year's quotas for a scope: the data-driven allocation, last year + x%, and the comparison (computes, changes nothing)",
            &[],
            Some("QuotaPlanRequest"),
            "QuotaPlan",
            post(planning::quotas),
        ),
        route(
            p.clone(),
            "/planning/territories",
            Roles(PLANNERS),
            "Rebalanced territories for a scope: every account's owner before and after, the moves and why (computes, changes nothing)",
            &[],
            Some("TerritoryPlanRequest"),
            "TerritoryProposal",
            post(planning::territories),
        ),
        route(
            p.clone(),
            "/planning/quotas/proposals",
            Roles(DESIGNER),
            "Run the quota allocation and submit the chosen allocation for approval (a quota_allocation proposal, audited); approved, the quotas are stored",
            &[],
            Some("QuotaProposalRequest"),
            "Proposal",
            post(planning::propose_quotas),
        ),
        route(
            p.clone(),
            "/planning/territories/proposals",
            Roles(DESIGNER),
            "Balance the territories and submit the moves for approval (a territory_map proposal, audited); approved, the accounts get their new owners",
            &[],
            Some("TerritoryProposalRequest"),
            "Proposal",
            post(planning::propose_territories),
        ),
    ]
}

/// The API's routes, nested under `/api`; unknown `/api/...` paths get a JSON 404.
pub fn router(state: AppState) -> Router {
    let routes = table();
    let access: AccessTable = Arc::new(routes.iter().map(|r| (r.method.clone(), r.path, r.access)).collect());
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for r in routes {
        let merged = match by_path.remove(r.path) {
            Some(existing) => existing.merge(r.handler),
            None => r.handler,
        };
        by_path.insert(r.path, merged);
    }
    let mut api = Router::new();
    for (path, handler) in by_path {
        api = api.route(path, handler);
    }
    let api = api
        .route_layer(axum::middleware::from_fn_with_state((state.clone(), access), guard))
        .fallback(not_found)
        .with_state(state);
    Router::new().nest("/api", api)
}

/// Each route's method, path and access rule, for the middleware.
type AccessTable = Arc<Vec<(Method, &'static str, Access)>>;

/// Applies the route's access rule and hands the handler the caller.
async fn guard(
    State((state, access)): State<(AppState, AccessTable)>,
    matched: MatchedPath,
    mut request: Request,
    next: Next,
) -> Response {
    let path = matched.as_str().strip_prefix("/api").unwrap_or(matched.as_str());
    let rule = access.iter().find(|(m, p, _)| m == request.method() && *p == path).map(|(_, _, a)| *a);
    // A method the table does not list is answered by axum's 405 without reaching a handler.
    let Some(rule) = rule else { return next.run(request).await };
    match rule {
        Access::Public => next.run(request).await,
        Access::Development if state.auth.dev_issuer.is_none() => not_found().await.into_response(),
        Access::Development => next.run(request).await,
        Access::Roles(_) => {
            let header = request.headers().get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
            match state.auth.principal(header) {
                Err(e) => e.into_response(),
                Ok(who) if !authz::route_allows(rule, &who) => {
                    ApiFailure::forbidden(format!("call {} {}", request.method(), matched.as_str())).into_response()
                }
                Ok(who) => {
                    request.extensions_mut().insert(who);
                    next.run(request).await
                }
            }
        }
    }
}

async fn not_found() -> ApiFailure {
    ApiFailure::not_found("route")
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document(&table()))
}

/// The caller, as established by [`guard`].
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| ApiFailure::Unauthenticated("sign in first: no bearer token".into()))
    }
}

/// A JSON body whose errors come back as JSON naming the field (`body` when unknown).
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiFailure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiFailure::bad("body", format!("could not read the body: {e}")))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de).map(Body).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { "body".to_string() } else { path };
            ApiFailure::bad(&field, format!("invalid request body: {}", e.into_inner()))
        })
    }
}

/// Query parameters whose errors come back as JSON naming the parameter.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Params).map_err(|e| {
            let field = e.path().to_string();
            ApiFailure::bad(if field == "." { "query" } else { &field }, format!("invalid query: {}", e.into_inner()))
        })
    }
}

/// The firm's settings; every route but sign-in needs a loaded firm.
pub(crate) async fn settings(state: &AppState) -> Result<FirmSettings, ApiFailure> {
    firm_settings(state.store.as_ref(), state.clock).await
}

/// The firm's settings with its "today": the stored `as_of`, else the clock's date.
pub(crate) async fn firm_settings(store: &dyn Store, clock: Clock) -> Result<FirmSettings, ApiFailure> {
    let item = store.get(keys::FIRM, keys::FIRM_SETTINGS).await?;
    let item = item.ok_or(ApiFailure::Unprocessable { code: "no_firm", message: "no firm is loaded yet".into() })?;
    Ok(item.decode::<StoredSettings>()?.resolve(clock.today()))
}

/// Everyone, sorted by id.
pub(crate) async fn people(state: &AppState) -> Result<Vec<Person>, ApiFailure> {
    decode_all(state, keys::PEOPLE, "").await
}

/// Every team.
pub(crate) async fn teams(state: &AppState) -> Result<Vec<Team>, ApiFailure> {
    decode_all(state, keys::TEAMS, "").await
}

/// Every record of a partition with a sort-key prefix.
pub(crate) async fn decode_all<T: DeserializeOwned>(
    state: &AppState,
    pk: &str,
    prefix: &str,
) -> Result<Vec<T>, ApiFailure> {
    let items = query_all(state.store.as_ref(), pk, prefix).await?;
    Ok(items.iter().map(|i| i.decode()).collect::<Result<_, _>>()?)
}

/// A page size from the query: 100 unless given, at most 500.
pub(crate) fn page_size(limit: Option<usize>) -> Result<usize, ApiFailure> {
    match limit {
        None => Ok(100),
        Some(n @ 1..=500) => Ok(n),
        Some(n) => Err(ApiFailure::bad("limit", format!("limit must be from 1 to 500, got {n}"))),
    }
}

/// A page cursor: opaque and URL-safe, whatever the sort key holds (`#`, `|`, spaces).
pub(crate) fn cursor_out(position: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(position)
}

/// Reads a cursor made by [`cursor_out`].
pub(crate) fn cursor_in(cursor: Option<&str>) -> Result<Option<String>, ApiFailure> {
    use base64::Engine as _;
    let bad = || ApiFailure::bad("cursor", "not a cursor this list returned");
    cursor
        .map(|c| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
            String::from_utf8(bytes).map_err(|_| bad())
        })
        .transpose()
}

/// The person with this id, if the caller may see them by `rule`; otherwise not found.
pub(crate) fn visible<'a>(
    people: &'a [Person],
    person_id: &str,
    what: &str,
    rule: impl Fn(&Person) -> bool,
) -> Result<&'a Person, ApiFailure> {
    people
        .iter()
        .find(|p| p.id == person_id && rule(p))
        .ok_or_else(|| ApiFailure::not_found(format!("{what} for {person_id}")))
}
