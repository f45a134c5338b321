//! Statements, transactions and credits, quotas, conduct events and the pipeline.

use super::{Body, Caller, Params, cursor_in, cursor_out, decode_all, page_size, people, settings, teams, visible};
use crate::AppState;
use crate::authz;
use crate::error::ApiFailure;
use crate::pay::{assignment_in, payee_statement, plan};
use crate::routes::directory::persona;
use crate::write::{Change, Idempotency, commit, create, json, new_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use plumbline_engine::{Period, Transaction, TxnKind, credit_transaction};
use plumbline_firm::api::{ConductRequest, Page, StatementResponse, TransactionView};
use plumbline_firm::{ComplianceEvent, Opportunity, Person, PlanAssignment, Quota, Stage};
use plumbline_regulation::api::{DecisionKind, PayDecisionRequest, PayDecisionResponse, RegulatedStatementResponse};
use plumbline_regulation::{Decision, LedgerEntry, Regulation, apply_clawback, apply_malus};
use plumbline_store::keys;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub(super) struct StatementQuery {
    period: Option<String>,
}

/// A month from the query, or the firm's current month.
pub(crate) fn month(label: Option<&str>, today: NaiveDate, field: &str) -> Result<Period, ApiFailure> {
    match label {
        Some(label) => Period::parse_month(label)
            .ok_or_else(|| ApiFailure::bad(field, format!("{field} must be a month as YYYY-MM, got `{label}`"))),
        None => Ok(Period::month_of(today)),
    }
}

pub(super) async fn statement(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
    Params(query): Params<StatementQuery>,
) -> Result<Json<RegulatedStatementResponse>, ApiFailure> {
    let settings = settings(&state).await?;
    let period = month(query.period.as_deref(), settings.as_of, "period")?;
    let people = people(&state).await?;
    let target = visible(&people, &person_id, "statement", |p| authz::may_read_pay(&who, p, &people))?;
    let paid = payee_statement(&state, target, &people, &period).await?;
    let teams = teams(&state).await?;
    let response = StatementResponse {
        person: persona(target, &teams),
        as_of: settings.as_of,
        statement: paid.statement,
        adjustments: paid.adjustments,
    };
    Ok(Json(RegulatedStatementResponse { response, regulated: paid.regulated }))
}

pub(super) async fn quotas(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<Vec<Quota>>, ApiFailure> {
    let people = people(&state).await?;
    visible(&people, &person_id, "quotas", |p| authz::may_read_pay(&who, p, &people))?;
    Ok(Json(decode_all(&state, &keys::quotas(&person_id), "").await?))
}

#[derive(Debug, Deserialize)]
pub(super) struct TransactionQuery {
    period: Option<String>,
    kind: Option<TxnKind>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn transactions(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
    Params(q): Params<TransactionQuery>,
) -> Result<Json<Page<TransactionView>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let prefix = match q.period.as_deref() {
        None => String::new(),
        Some(p) if (p.len() == 7 && Period::parse_month(p).is_some()) || (p.len() == 4 && p.parse::<u16>().is_ok()) => {
            p.to_string()
        }
        Some(p) => return Err(ApiFailure::bad("period", format!("period must be YYYY-MM or YYYY, got `{p}`"))),
    };
    let people = people(&state).await?;
    visible(&people, &person_id, "transactions", |p| authz::may_read_pay(&who, p, &people))?;
    let assignments: Vec<PlanAssignment> = decode_all(&state, &keys::assignments(&person_id), "").await?;
    let pk = keys::transactions(&person_id);
    let mut found: Vec<(String, Transaction)> = Vec::new();
    let mut after = cursor_in(q.cursor.as_deref())?;
    let mut more = true;
    // Filtering by kind happens on our side, so read pages until this one is full.
    while found.len() <= limit && more {
        let page = state.store.query(&pk, &prefix, 500, after.as_deref()).await?;
        more = page.next.is_some();
        after = page.next;
        for item in page.items {
            let t: Transaction = item.decode()?;
            if q.kind.is_none_or(|k| k == t.kind) {
                found.push((item.sk, t));
            }
        }
    }
    let next = (found.len() > limit).then(|| cursor_out(&found[limit - 1].0));
    found.truncate(limit);
    let mut plans = BTreeMap::new();
    let mut items = Vec::with_capacity(found.len());
    for (_, t) in found {
        let mut credits = Vec::new();
        if let Some(a) = assignment_in(&assignments, t.date, t.date) {
            let key = (a.plan_id.clone(), a.plan_version);
            if !plans.contains_key(&key) {
                plans.insert(key.clone(), plan(&state, &a.plan_id, a.plan_version).await?);
            }
            let plan = &plans[&key];
            credits = credit_transaction(&plan.crediting, &t, plan.currency.minor_digits())
                .into_iter()
                .filter(|c| c.payee == person_id)
                .collect();
        }
        items.push(TransactionView { transaction: t, credits });
    }
    Ok(Json(Page::new(items, next)))
}

pub(super) async fn conduct(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<Vec<ComplianceEvent>>, ApiFailure> {
    let people = people(&state).await?;
    visible(&people, &person_id, "conduct events", |p| authz::may_read_conduct(&who, p, &people))?;
    Ok(Json(decode_all(&state, &keys::conduct(&person_id), "").await?))
}

pub(super) async fn record_conduct(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<ConductRequest>,
) -> Result<Json<ComplianceEvent>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /conduct", &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    if !authz::may_record_conduct(&who) {
        return Err(ApiFailure::forbidden("record conduct events"));
    }
    if state.store.get(keys::PEOPLE, &request.person_id).await?.is_none() {
        return Err(ApiFailure::Invalid {
            field: "person_id".into(),
            message: format!("no person {}", request.person_id),
        });
    }
    if request.description.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "description".into(), message: "must not be empty".into() });
    }
    let event = ComplianceEvent {
        id: new_id("CE"),
        person_id: request.person_id.clone(),
        date: request.date,
        kind: request.kind,
        severity: request.severity,
        description: request.description.clone(),
    };
    let writes = vec![create(keys::conduct(&event.person_id), keys::dated(event.date, &event.id), &event)?];
    let change = Change {
        who: &who,
        action: "conduct.recorded",
        entity: format!("conduct/{}", event.id),
        before: None,
        after: json(&event),
        reason: event.description.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, event).await?))
}

/// Compliance decides malus or clawback on a payee of a regulated plan: the library turns the
/// decision and the stored ledger into entries, stored with the decision and the audit record
/// in one transaction. The statement of the decision's month shows them.
pub(super) async fn decide_pay(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<PayDecisionRequest>,
) -> Result<Json<PayDecisionResponse>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /pay-decisions", &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let invalid = |field: &str, message: String| ApiFailure::Invalid { field: field.into(), message };
    let people = people(&state).await?;
    let Some(person) = people.iter().find(|p| p.id == request.person_id) else {
        return Err(invalid("person_id", format!("no person {}", request.person_id)));
    };
    let decided_on = request.decided_on.unwrap_or(settings(&state).await?.as_of);
    let assignments: Vec<PlanAssignment> = decode_all(&state, &keys::assignments(&person.id), "").await?;
    let current = assignment_in(&assignments, decided_on, decided_on)
        .ok_or_else(|| invalid("person_id", format!("{} has no plan on {decided_on}", person.name)))?;
    let plan = plan(&state, &current.plan_id, current.plan_version).await?;
    let not_regulated = || ApiFailure::Unprocessable {
        code: "not_regulated",
        message: format!(
            "plan {} has no regulated pay (no deferral ledger); propose a manual adjustment instead",
            plan.id
        ),
    };
    let regulation: Regulation =
        state.store.get(keys::REGULATION, &plan.id).await?.ok_or_else(not_regulated)?.decode()?;
    let ledger: Vec<LedgerEntry> = decode_all(&state, &keys::ledger(&person.id), "").await?;
    let decision = Decision {
        id: new_id("PD"),
        payee: person.id.clone(),
        decided_by: who.person_id.clone(),
        authority: who.role,
        decided_on,
        reason: request.reason.clone(),
        amount: request.amount,
        target: request.target.clone(),
    };
    let entries = match request.kind {
        DecisionKind::Malus => apply_malus(&decision, &ledger),
        DecisionKind::Clawback => {
            let rule = regulation.clawback.as_ref().ok_or_else(|| ApiFailure::Unprocessable {
                code: "no_clawback_rule",
                message: format!("plan {} has no clawback rule", plan.id),
            })?;
            apply_clawback(&decision, &ledger, rule, &plan.currency)
        }
    }
    .map_err(|e| invalid("amount", e.to_string()))?;
    let mut writes = vec![create(keys::pay_decisions(&person.id), keys::dated(decided_on, &decision.id), &decision)?];
    for e in &entries {
        writes.push(create(keys::ledger(&person.id), keys::dated(e.date, &e.id), e)?);
    }
    let response = PayDecisionResponse { kind: request.kind, decision, entries };
    let change = Change {
        who: &who,
        action: match request.kind {
            DecisionKind::Malus => "pay.malus",
            DecisionKind::Clawback => "pay.clawback",
        },
        entity: format!("pay-decision/{}", response.decision.id),
        before: None,
        after: json(&response),
        reason: request.reason.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, response).await?))
}

#[derive(Debug, Deserialize)]
pub(super) struct PipelineQuery {
    owner: Option<String>,
    stage: Option<Stage>,
    open: Option<bool>,
    close_from: Option<NaiveDate>,
    close_to: Option<NaiveDate>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn pipeline(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<PipelineQuery>,
) -> Result<Json<Page<Opportunity>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let people = people(&state).await?;
    let owners: Vec<&Person> = match &q.owner {
        Some(owner) => vec![visible(&people, owner, "pipeline", |p| authz::may_read_business(&who, p, &people))?],
        None => people.iter().filter(|p| authz::may_read_business(&who, p, &people)).collect(),
    };
    // The cursor is `owner|opportunity`: owners in id order, each one's opportunities in id order.
    let cursor = cursor_in(q.cursor.as_deref())?;
    let (after_owner, after_opp) = match cursor.as_deref().map(|c| c.split_once('|')) {
        None => (None, None),
        Some(Some((o, id))) => (Some(o), Some(id)),
        Some(None) => return Err(ApiFailure::bad("cursor", "not a cursor this list returned")),
    };
    let mut items: Vec<Opportunity> = Vec::new();
    for owner in owners.iter().filter(|o| after_owner.is_none_or(|a| o.id.as_str() >= a)) {
        let resume = after_owner.filter(|a| *a == owner.id).and(after_opp);
        let opportunities: Vec<Opportunity> = decode_all(&state, &keys::opportunities(&owner.id), "").await?;
        items.extend(opportunities.into_iter().filter(|o| {
            resume.is_none_or(|r| o.id.as_str() > r)
                && q.stage.is_none_or(|s| s == o.stage)
                && q.open.is_none_or(|open| open == o.stage.is_open())
                && q.close_from.is_none_or(|d| o.close_date >= d)
                && q.close_to.is_none_or(|d| o.close_date <= d)
        }));
        if items.len() > limit {
            break;
        }
    }
    let next =
        (items.len() > limit).then(|| cursor_out(&format!("{}|{}", items[limit - 1].owner_id, items[limit - 1].id)));
    items.truncate(limit);
    Ok(Json(Page::new(items, next)))
}
