//! Coaching routes: a person's nudges, a manager's weekly intervention list, leadership's risk
//! summary with the forecast and hygiene, and drafted performance reviews that managers edit
//! and save (audited).
//!
//! The insights (`plumbline-coach`) need the whole firm: it is read from the store once and
//! analysed, then kept in memory until the audit chain's head moves (every audited write moves
//! it), so repeated calls are served from the same analysis.

use super::{Body, Caller, Params, decode_all, firm_settings, people, settings, visible};
use crate::authz;
use crate::error::ApiFailure;
use crate::write::{Change, Idempotency, commit, create, json, new_id, now, replace};
use crate::{AppState, Clock};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::{Datelike, NaiveDate};
use plumbline_coach::api::{
    CoachMessage, InterventionsResponse, NudgesResponse, RiskResponse, forecast_names, hygiene_summary,
};
use plumbline_coach::{
    CoachConfig, Context, Finding, ReviewDraft, ReviewPeriod, leadership_risk, rep_nudges, review_draft,
    weekly_interventions,
};
use plumbline_engine::{Plan, Transaction};
use plumbline_firm::api::{EditReviewRequest, ReviewSectionText, SaveReviewRequest, SavedReview, SavedReviewSection};
use plumbline_firm::{Firm, Person, Role};
use plumbline_pipeline::AnalysisOptions;
use plumbline_store::{Condition, Item, Store, Write, keys, query_all, query_kind_all};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// Partition of a person's saved reviews.
fn reviews_pk(person_id: &str) -> String {
    format!("REVIEW#{person_id}")
}

/// The last analysis, keyed by store, audit head and as-of date.
static PREPARED: Mutex<Option<(String, Arc<Context>)>> = Mutex::new(None);

/// Every record of a partition.
async fn all<T: DeserializeOwned>(store: &dyn Store, pk: &str) -> Result<Vec<T>, ApiFailure> {
    let items = query_all(store, pk, "").await?;
    Ok(items.iter().map(|i| i.decode()).collect::<Result<_, _>>()?)
}

/// Every record of a kind, whoever it is filed under.
async fn of_kind<T: DeserializeOwned>(store: &dyn Store, kind: &str) -> Result<Vec<T>, ApiFailure> {
    let items = query_kind_all(store, kind).await?;
    Ok(items.iter().map(|i| i.decode()).collect::<Result<_, _>>()?)
}

/// Reads every record the insights use from the store.
pub(super) async fn load_firm(store: &dyn Store, clock: Clock) -> Result<Firm, ApiFailure> {
    let settings = firm_settings(store, clock).await?;
    let mut firm = Firm {
        settings,
        people: all(store, keys::PEOPLE).await?,
        teams: all(store, keys::TEAMS).await?,
        clients: Vec::new(),
        aum: Vec::new(),
        flows: Vec::new(),
        transactions: Vec::new(),
        opportunities: Vec::new(),
        opportunity_history: Vec::new(),
        activities: Vec::new(),
        compliance_events: Vec::new(),
        quotas: Vec::new(),
        plans: all::<Plan>(store, keys::PLANS).await?,
        assignments: Vec::new(),
    };
    // Each kind firm-wide, a page at a time (docs/store.md, "The by_kind index").
    firm.clients = of_kind(store, keys::kind::CLIENTS).await?;
    firm.opportunities = of_kind(store, keys::kind::OPPORTUNITIES).await?;
    firm.opportunity_history = of_kind(store, keys::kind::OPPORTUNITY_HISTORY).await?;
    firm.activities = of_kind(store, keys::kind::ACTIVITIES).await?;
    firm.compliance_events = of_kind(store, keys::kind::CONDUCT).await?;
    firm.quotas = of_kind(store, keys::kind::QUOTAS).await?;
    firm.assignments = of_kind(store, keys::kind::ASSIGNMENTS).await?;
    // A transaction is stored under each party; the firm holds it once.
    let mut seen = BTreeSet::new();
    for t in of_kind::<Transaction>(store, keys::kind::TRANSACTIONS).await? {
        if seen.insert(t.id.clone()) {
            firm.transactions.push(t);
        }
    }
    firm.compliance_events.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    Ok(firm)
}

/// The firm analysed for coaching, from memory while nothing audited has changed and the
/// firm's "today" is the same.
pub async fn prepared(store: &Arc<dyn Store>, clock: Clock) -> Result<Arc<Context>, ApiFailure> {
    let head = store.get(keys::AUDIT, keys::AUDIT_HEAD).await?;
    let settings = firm_settings(store.as_ref(), clock).await?;
    let key = format!(
        "{:p}|{}|{}|{settings:?}",
        Arc::as_ptr(store) as *const (),
        head.as_ref().map_or(0, |h| h.version),
        head.as_ref().map(|h| h.data.to_string()).unwrap_or_default(),
    );
    // A panic elsewhere cannot leave the cache half-written: it holds one value or none.
    if let Some((k, ctx)) = PREPARED.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
        && *k == key
    {
        return Ok(ctx.clone());
    }
    let firm = Arc::new(load_firm(store.as_ref(), clock).await?);
    let ctx = tokio::task::spawn_blocking(move || Arc::new(analyse(firm))).await.map_err(|e| {
        ApiFailure::Unprocessable { code: "coaching_failed", message: format!("coaching analysis: {e}") }
    })?;
    *PREPARED.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, ctx.clone()));
    Ok(ctx)
}

/// The analysis the routes and the weekly job use.
pub fn analyse(firm: Arc<Firm>) -> Context {
    Context::new(firm, &AnalysisOptions { trials: 2_000, ..AnalysisOptions::default() }, CoachConfig::default())
}

pub(super) async fn nudges(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<NudgesResponse>, ApiFailure> {
    let people = people(&state).await?;
    visible(&people, &person_id, "coaching", |p| authz::may_read_pay(&who, p, &people))?;
    let ctx = prepared(&state.store, state.clock).await?;
    let messages = rep_nudges(&ctx, &person_id).into_iter().map(CoachMessage::template).collect();
    Ok(Json(NudgesResponse { person_id, as_of: ctx.as_of(), messages }))
}

/// Query of the intervention list.
#[derive(Deserialize)]
pub(super) struct InterventionsQuery {
    manager: Option<String>,
}

pub(super) async fn interventions(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(query): Params<InterventionsQuery>,
) -> Result<Json<InterventionsResponse>, ApiFailure> {
    let people = people(&state).await?;
    let manager_id = match (who.role, query.manager) {
        (Role::Manager, None) => Some(who.person_id.clone()),
        (Role::Manager, Some(m)) if m == who.person_id => Some(m),
        (Role::Manager, Some(m)) => {
            visible(&people, &m, "team", |p| authz::manages(&who.person_id, p, &people))?;
            Some(m)
        }
        (_, Some(m)) => Some(visible(&people, &m, "team", |_| true)?.id.clone()),
        (_, None) => None,
    };
    let ctx = prepared(&state.store, state.clock).await?;
    let messages = weekly_interventions(&ctx, manager_id.as_deref()).into_iter().map(CoachMessage::template).collect();
    Ok(Json(InterventionsResponse { manager_id, as_of: ctx.as_of(), messages }))
}

pub(super) async fn risk(State(state): State<AppState>) -> Result<Json<RiskResponse>, ApiFailure> {
    let ctx = prepared(&state.store, state.clock).await?;
    Ok(Json(RiskResponse {
        as_of: ctx.as_of(),
        messages: leadership_risk(&ctx).into_iter().map(CoachMessage::template).collect(),
        forecasts: ctx.analysis.forecasts.clone(),
        hygiene: hygiene_summary(&ctx),
        names: forecast_names(&ctx),
    }))
}

/// The period of a review: `from` and `to`, by default the calendar year to the as-of date.
#[derive(Deserialize)]
pub(super) struct PeriodQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

fn review_period(from: Option<NaiveDate>, to: Option<NaiveDate>, as_of: NaiveDate) -> Result<ReviewPeriod, ApiFailure> {
    let to = to.unwrap_or(as_of);
    let from = from.or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1)).unwrap_or(to);
    if from > to {
        return Err(ApiFailure::Invalid { field: "from".into(), message: format!("{from} is after {to}") });
    }
    Ok(ReviewPeriod { from, to })
}

/// The person, if the caller manages them; otherwise not found.
fn managed<'a>(who: &crate::auth::Principal, people: &'a [Person], person_id: &str) -> Result<&'a Person, ApiFailure> {
    visible(people, person_id, "review", |p| authz::manages(&who.person_id, p, people))
}

pub(super) async fn draft(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
    Params(query): Params<PeriodQuery>,
) -> Result<Json<ReviewDraft>, ApiFailure> {
    let people = people(&state).await?;
    managed(&who, &people, &person_id)?;
    let ctx = prepared(&state.store, state.clock).await?;
    let period = review_period(query.from, query.to, ctx.as_of())?;
    review_draft(&ctx, &person_id, &period)
        .map(Json)
        .ok_or_else(|| ApiFailure::not_found(format!("review for {person_id}")))
}

pub(super) async fn list_reviews(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<Vec<SavedReview>>, ApiFailure> {
    let people = people(&state).await?;
    visible(&people, &person_id, "reviews", |p| authz::may_read_pay(&who, p, &people))?;
    Ok(Json(decode_all(&state, &reviews_pk(&person_id), "").await?))
}

/// Applies the manager's texts to the sections; an unknown key names its place in the body.
fn apply(sections: &mut [SavedReviewSection], edits: &[ReviewSectionText]) -> Result<(), ApiFailure> {
    for (i, e) in edits.iter().enumerate() {
        let s = sections.iter_mut().find(|s| s.key == e.key).ok_or_else(|| ApiFailure::Invalid {
            field: format!("sections[{i}].key"),
            message: format!("no section `{}`: use results, behaviours, conduct or focus", e.key),
        })?;
        if e.text.trim().is_empty() {
            return Err(ApiFailure::Invalid {
                field: format!("sections[{i}].text"),
                message: "must not be empty".into(),
            });
        }
        s.text = e.text.clone();
    }
    Ok(())
}

pub(super) async fn save_review(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
    headers: HeaderMap,
    Body(request): Body<SaveReviewRequest>,
) -> Result<Json<SavedReview>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("POST /coach/reviews/{person_id}"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    managed(&who, &people, &person_id)?;
    let as_of = settings(&state).await?.as_of;
    let period = review_period(Some(request.from), Some(request.to), as_of)?;
    let ctx = prepared(&state.store, state.clock).await?;
    let draft = review_draft(&ctx, &person_id, &period)
        .ok_or_else(|| ApiFailure::not_found(format!("review for {person_id}")))?;
    let mut sections: Vec<SavedReviewSection> = draft
        .sections
        .into_iter()
        .map(|s| SavedReviewSection {
            key: s.key,
            heading: s.heading,
            text: s.text.clone(),
            drafted: s.text,
            records: s.evidence.records.iter().map(|r| format!("{}:{}", record_kind(r.kind), r.id)).collect(),
        })
        .collect();
    apply(&mut sections, &request.sections)?;
    let review = SavedReview {
        id: new_id("RV"),
        person_id: person_id.clone(),
        from: period.from,
        to: period.to,
        sections,
        version: 1,
        saved_by: who.person_id.clone(),
        saved_at: now(),
        edited_by: None,
        edited_at: None,
    };
    let writes = vec![create(reviews_pk(&person_id), &review.id, &review)?];
    let change = Change {
        who: &who,
        action: "review.saved",
        entity: format!("review/{}", review.id),
        before: None,
        after: json(&review),
        reason: format!("review of {person_id} for {} to {}", period.from, period.to),
    };
    Ok(Json(commit(&state, &idem, writes, change, review).await?))
}

fn record_kind(kind: plumbline_coach::RecordKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub(super) async fn edit_review(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path((person_id, review_id)): Path<(String, String)>,
    headers: HeaderMap,
    Body(request): Body<EditReviewRequest>,
) -> Result<Json<SavedReview>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("PUT /coach/reviews/{person_id}/{review_id}"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    managed(&who, &people, &person_id)?;
    let item = state
        .store
        .get(&reviews_pk(&person_id), &review_id)
        .await?
        .ok_or_else(|| ApiFailure::not_found(format!("review {review_id}")))?;
    let before: SavedReview = item.decode()?;
    if request.version != item.version {
        return Err(ApiFailure::Conflict {
            code: "stale_version",
            message: format!(
                "review {review_id} is at version {}, not {}; reload and edit again",
                item.version, request.version
            ),
        });
    }
    if request.reason.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "reason".into(), message: "say why the review changes".into() });
    }
    let mut review = before.clone();
    apply(&mut review.sections, &request.sections)?;
    review.version = item.version + 1;
    review.edited_by = Some(who.person_id.clone());
    review.edited_at = Some(now());
    let writes = vec![replace(reviews_pk(&person_id), &review_id, &review, Some(item.version))?];
    let change = Change {
        who: &who,
        action: "review.edited",
        entity: format!("review/{review_id}"),
        before: json(&before),
        after: json(&review),
        reason: request.reason.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, review).await?))
}

/// What the weekly run stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyRun {
    /// The data's as-of date (the partition `COACH#<as_of>`).
    pub as_of: NaiveDate,
    /// Managers whose intervention list was stored.
    pub managers: usize,
    /// People on those lists (a person appears once per manager above them).
    pub interventions: usize,
    /// Risk messages stored.
    pub risk_messages: usize,
}

/// Partition of the weekly coaching results for an as-of date.
pub fn weekly_pk(as_of: NaiveDate) -> String {
    format!("COACH#{as_of}")
}

/// The weekly coaching run: every manager's intervention list (sort key
/// `interventions#<manager id>`) and leadership's risk messages (`risk`), stored with one
/// audit record in one transaction; a re-run for the same as-of date replaces them. `word`
/// turns a finding into its message, given the directory's names (for a guardrail): the
/// template writer ([`CoachMessage::template`]) or a model behind the guardrail.
pub async fn run_weekly(
    store: &Arc<dyn Store>,
    word: impl AsyncFn(Finding, &[String]) -> CoachMessage,
) -> Result<WeeklyRun, ApiFailure> {
    run_weekly_at(store, Clock::System, word).await
}

/// [`run_weekly`] with the firm's "today" from `clock` when its settings fix none.
pub async fn run_weekly_at(
    store: &Arc<dyn Store>,
    clock: Clock,
    word: impl AsyncFn(Finding, &[String]) -> CoachMessage,
) -> Result<WeeklyRun, ApiFailure> {
    let ctx = prepared(store, clock).await?;
    let as_of = ctx.as_of();
    let pk = weekly_pk(as_of);
    let mut writes = Vec::new();
    let mut interventions = 0;
    let managers: Vec<&Person> = ctx.firm.people.iter().filter(|p| p.role == Role::Manager).collect();
    let names: Vec<String> =
        ctx.firm.people.iter().map(|p| p.name.clone()).chain(ctx.firm.clients.iter().map(|c| c.name.clone())).collect();
    for m in &managers {
        let mut messages = Vec::new();
        for f in weekly_interventions(&ctx, Some(&m.id)) {
            messages.push(word(f, &names).await);
        }
        interventions += messages.len();
        let list = InterventionsResponse { manager_id: Some(m.id.clone()), as_of, messages };
        writes.push(Write::Put {
            item: Item::new(pk.clone(), format!("interventions#{}", m.id), &list)?,
            condition: Condition::None,
        });
    }
    let mut risk = Vec::new();
    for f in leadership_risk(&ctx) {
        risk.push(word(f, &names).await);
    }
    let run = WeeklyRun { as_of, managers: managers.len(), interventions, risk_messages: risk.len() };
    writes.push(Write::Put { item: Item::new(pk.clone(), "risk", &risk)?, condition: Condition::None });
    let entry = plumbline_store::audit::AuditEntry {
        at: now(),
        actor: "system".into(),
        role: "system".into(),
        action: "coach.weekly".into(),
        entity: format!("coach/{as_of}"),
        before_hash: None,
        after_hash: Some(plumbline_store::audit::hash_json(&serde_json::to_value(&run).unwrap_or_default())),
        reason: "weekly coaching run".into(),
    };
    plumbline_store::audit::append_with(store.as_ref(), writes, entry).await?;
    Ok(run)
}
