//! Approvals (proposals through a configurable chain) and disputes of statement lines.

use super::pay::month;
use super::{Body, Caller, Params, cursor_in, cursor_out, decode_all, page_size, people, settings};
use crate::AppState;
use crate::auth::Principal;
use crate::authz;
use crate::error::ApiFailure;
use crate::pay::{payee_data, statement_with_adjustments, year_to_date};
use crate::routes::plans::{all_plans, check_plan};
use crate::write::{Change, Idempotency, commit, create, json, new_id, now, replace};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use plumbline_engine::simulate::compare;
use plumbline_engine::statement::LineKind;
use plumbline_engine::{PayeeInputs, Period, Plan};
use plumbline_firm::api::{DecisionRequest, DisputeRequest, Page, ProposalRequest, ResolveRequest};
use plumbline_firm::workflow::{
    AllocatedQuota, ApprovalPolicy, CostImpact, Decision, Dispute, DisputeStatus, ManualAdjustment, OwnerChange,
    Proposal, ProposalKind, ProposalStatus, ProposedChange, Resolution,
};
use plumbline_firm::{Client, Person, PlanAssignment, Quota, Role};
use plumbline_store::{Condition, Item, Write, keys};
use rust_decimal::Decimal;
use serde::Deserialize;

async fn load_policy(state: &AppState) -> Result<(ApprovalPolicy, Option<u64>), ApiFailure> {
    Ok(match state.store.get(keys::FIRM, keys::APPROVAL_POLICY).await? {
        Some(item) => (item.decode()?, Some(item.version)),
        None => (ApprovalPolicy::default(), None),
    })
}

pub(super) async fn policy(State(state): State<AppState>) -> Result<Json<ApprovalPolicy>, ApiFailure> {
    Ok(Json(load_policy(&state).await?.0))
}

fn check_policy(policy: &ApprovalPolicy) -> Result<(), ApiFailure> {
    let invalid = |field: String, message: &str| ApiFailure::Invalid { field, message: message.into() };
    for kind in ProposalKind::ALL {
        let n = policy.chains.iter().filter(|c| c.kind == kind).count();
        if n != 1 {
            return Err(invalid("chains".into(), &format!("needs exactly one chain for {kind:?}, found {n}")));
        }
    }
    for (c, chain) in policy.chains.iter().enumerate() {
        if chain.steps.is_empty() {
            return Err(invalid(format!("chains[{c}].steps"), "needs at least one step"));
        }
        for (s, step) in chain.steps.iter().enumerate() {
            if step.roles.is_empty() || step.roles.iter().any(|r| matches!(r, Role::Rep | Role::Leadership)) {
                return Err(invalid(
                    format!("chains[{c}].steps[{s}].roles"),
                    "needs at least one role; reps and leadership (read-only) cannot approve",
                ));
            }
        }
    }
    Ok(())
}

pub(super) async fn set_policy(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(policy): Body<ApprovalPolicy>,
) -> Result<Json<ApprovalPolicy>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "PUT /approval-policy", &policy)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    if !authz::may_set_policy(&who) {
        return Err(ApiFailure::forbidden("change the approval chains"));
    }
    check_policy(&policy)?;
    let (before, version) = load_policy(&state).await?;
    let writes = vec![replace(keys::FIRM, keys::APPROVAL_POLICY, &policy, version)?];
    let change = Change {
        who: &who,
        action: "approval_policy.set",
        entity: "approval-policy".into(),
        before: json(&before),
        after: json(&policy),
        reason: "approval chains changed".into(),
    };
    Ok(Json(commit(&state, &idem, writes, change, policy).await?))
}

fn subject<'a>(change: &ProposedChange, people: &'a [Person]) -> Result<Option<&'a Person>, ApiFailure> {
    match change.subject() {
        None => Ok(None),
        Some(id) => people.iter().find(|p| p.id == id).map(Some).ok_or_else(|| ApiFailure::Invalid {
            field: "change.person_id".into(),
            message: format!("no person {id}"),
        }),
    }
}

/// Checks a proposed change against the data and simulates its cost.
async fn evaluate(
    state: &AppState,
    change: &ProposedChange,
    subject: Option<&Person>,
    people: &[Person],
) -> Result<Option<CostImpact>, ApiFailure> {
    let invalid = |field: &str, message: String| ApiFailure::Invalid { field: field.into(), message };
    let today = settings(state).await?.as_of;
    match (change, subject) {
        (ProposedChange::PlanVersion { plan }, _) => {
            let document = serde_json::to_value(plan).map_err(|e| invalid("change.plan", e.to_string()))?;
            if let Err(problems) = check_plan(&document) {
                let first = &problems[0];
                let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
                return Err(invalid(&format!("change.plan.{}", first.path), all.join("; ")));
            }
            let versions: Vec<Plan> = all_plans(state).await?.into_iter().filter(|p| p.id == plan.id).collect();
            let latest = versions.iter().max_by_key(|p| p.version);
            let expected = latest.map_or(1, |p| p.version + 1);
            if plan.version != expected {
                return Err(invalid("change.plan.version", format!("must be {expected}, the next version")));
            }
            let Some(latest) = latest else { return Ok(None) };
            plan_cost(state, latest, plan, people, today).await.map(Some)
        }
        (ProposedChange::QuotaChange { year_start, amount, .. }, Some(person)) => {
            if amount.is_sign_negative() {
                return Err(invalid("change.amount", "must not be negative".into()));
            }
            let period = Period::month_of(today);
            let mut data = payee_data(state, person, people, &period).await?;
            let ytd = year_to_date(&data.plan, &period);
            if ytd.start != *year_start {
                return Err(invalid(
                    "change.year_start",
                    format!("the current plan year of {} starts {}", person.name, ytd.start),
                ));
            }
            let before = statement_with_adjustments(&data, &ytd, &[])?.total;
            data.inputs.annual_quota = Some(*amount);
            let after = statement_with_adjustments(&data, &ytd, &[])?.total;
            Ok(Some(CostImpact {
                basis: format!("{}'s pay for the plan year to {}, with the new quota", person.name, period.label),
                payees: 1,
                before,
                after,
                delta: after - before,
                currency: data.plan.currency.0.clone(),
            }))
        }
        (ProposedChange::ManualAdjustment { component_id, period, amount, .. }, Some(person)) => {
            let period = month(Some(period), today, "change.period")?;
            let data = payee_data(state, person, people, &period).await?;
            if data.plan.component(component_id).is_none() {
                return Err(invalid(
                    "change.component_id",
                    format!("plan {} has no component {component_id}", data.plan.id),
                ));
            }
            if amount.is_zero() {
                return Err(invalid("change.amount", "must not be zero".into()));
            }
            Ok(Some(CostImpact {
                basis: format!("paid once to {} in the next statement", person.name),
                payees: 1,
                before: Decimal::ZERO,
                after: *amount,
                delta: *amount,
                currency: data.plan.currency.0.clone(),
            }))
        }
        (ProposedChange::QuotaAllocation { year_start, quotas, .. }, _) => {
            allocation_cost(state, *year_start, quotas, people, today).await.map(Some)
        }
        (ProposedChange::TerritoryMap { year_start, moves, .. }, _) => {
            check_moves(state, *year_start, moves, people, today).await.map(|()| None)
        }
        (_, None) => Err(invalid("change.person_id", "names no person".into())),
    }
}

/// Most sellers or moves one proposal may carry: applying it is one store transaction
/// (100 writes, with the proposal, its audit record and the idempotency record).
const MAX_APPLIED: usize = 90;

/// Checks a quota allocation and costs it: the sellers' pay for this plan year to date with
/// the allocated quotas instead of their current ones (how sensitive pay is to the change).
async fn allocation_cost(
    state: &AppState,
    year_start: chrono::NaiveDate,
    quotas: &[AllocatedQuota],
    people: &[Person],
    today: chrono::NaiveDate,
) -> Result<CostImpact, ApiFailure> {
    let invalid = |field: String, message: String| ApiFailure::Invalid { field, message };
    if quotas.is_empty() || quotas.len() > MAX_APPLIED {
        return Err(invalid(
            "change.quotas".into(),
            format!(
                "{} sellers; an allocation names 1 to {MAX_APPLIED} (it is applied in one transaction): propose by team",
                quotas.len()
            ),
        ));
    }
    if year_start <= today {
        return Err(invalid("change.year_start".into(), format!("must be a plan year after {today}")));
    }
    let period = Period::month_of(today);
    let (mut before, mut after, mut currency) = (Decimal::ZERO, Decimal::ZERO, String::new());
    for (i, q) in quotas.iter().enumerate() {
        let field = |name: &str| format!("change.quotas[{i}].{name}");
        let Some(person) = people.iter().find(|p| p.id == q.person_id && p.role == Role::Rep) else {
            return Err(invalid(field("person_id"), format!("{} is not a seller", q.person_id)));
        };
        if quotas[..i].iter().any(|o| o.person_id == q.person_id) {
            return Err(invalid(field("person_id"), format!("{} appears twice", q.person_id)));
        }
        if q.amount.is_sign_negative() {
            return Err(invalid(field("amount"), "must not be negative".into()));
        }
        let mut data = payee_data(state, person, people, &period).await?;
        if !currency.is_empty() && currency != data.plan.currency.0 {
            return Err(invalid(field("person_id"), "sellers of one allocation share a currency".into()));
        }
        currency = data.plan.currency.0.clone();
        let ytd = year_to_date(&data.plan, &period);
        before += statement_with_adjustments(&data, &ytd, &[])?.total;
        data.inputs.annual_quota = Some(q.amount);
        after += statement_with_adjustments(&data, &ytd, &[])?.total;
    }
    Ok(CostImpact {
        basis: format!(
            "{} sellers' pay for this plan year to {}, with the allocated quotas in place of their current ones",
            quotas.len(),
            period.label
        ),
        payees: quotas.len(),
        before,
        after,
        delta: after - before,
        currency,
    })
}

/// Checks a territory map: each account is owned by `from` today and `to` is another seller.
async fn check_moves(
    state: &AppState,
    year_start: chrono::NaiveDate,
    moves: &[OwnerChange],
    people: &[Person],
    today: chrono::NaiveDate,
) -> Result<(), ApiFailure> {
    let invalid = |field: String, message: String| ApiFailure::Invalid { field, message };
    // Each move is two writes (the account leaves one owner's partition for another's).
    if moves.is_empty() || moves.len() > MAX_APPLIED / 2 {
        return Err(invalid(
            "change.moves".into(),
            format!(
                "{} accounts move; a territory map moves 1 to {} (it is applied in one transaction): lower max_moved_share or propose by team",
                moves.len(),
                MAX_APPLIED / 2
            ),
        ));
    }
    if year_start <= today {
        return Err(invalid("change.year_start".into(), format!("must be a plan year after {today}")));
    }
    for (i, m) in moves.iter().enumerate() {
        let field = |name: &str| format!("change.moves[{i}].{name}");
        if moves[..i].iter().any(|o| o.client_id == m.client_id) {
            return Err(invalid(field("client_id"), format!("{} moves twice", m.client_id)));
        }
        if state.store.get(&keys::clients(&m.from), &m.client_id).await?.is_none() {
            return Err(invalid(field("from"), format!("{} does not own {}", m.from, m.client_id)));
        }
        if m.to == m.from || !people.iter().any(|p| p.id == m.to && p.role == Role::Rep) {
            return Err(invalid(field("to"), format!("{} is not another seller", m.to)));
        }
    }
    Ok(())
}

/// The new version against the latest over everyone assigned the plan this year, year to date.
async fn plan_cost(
    state: &AppState,
    latest: &Plan,
    proposed: &Plan,
    people: &[Person],
    today: chrono::NaiveDate,
) -> Result<CostImpact, ApiFailure> {
    let month = Period::month_of(today);
    let ytd = year_to_date(latest, &month);
    let mut payees: Vec<PayeeInputs<'static>> = Vec::new();
    for person in people {
        let assignments: Vec<PlanAssignment> = decode_all(state, &keys::assignments(&person.id), "").await?;
        if crate::pay::assignment_in(&assignments, ytd.start, ytd.end).is_some_and(|a| a.plan_id == latest.id) {
            payees.push(payee_data(state, person, people, &month).await?.inputs);
        }
    }
    let comparison = compare(latest, proposed, &payees, std::slice::from_ref(&ytd), &[])
        .map_err(|e| ApiFailure::Unprocessable { code: "simulation_failed", message: e.to_string() })?;
    Ok(CostImpact {
        basis: format!(
            "{} payees on {}, plan year to {}, version {} against {}",
            payees.len(),
            latest.id,
            month.label,
            proposed.version,
            latest.version
        ),
        payees: payees.len(),
        before: comparison.a.total_cost,
        after: comparison.b.total_cost,
        delta: comparison.total_delta,
        currency: latest.currency.0.clone(),
    })
}

/// A new proposal; when the proposer qualifies for the first step of a longer chain, proposing
/// counts as that step (a manager proposing for their own report), never as the last.
async fn new_proposal(
    state: &AppState,
    who: &Principal,
    request: &ProposalRequest,
    people: &[Person],
) -> Result<Proposal, ApiFailure> {
    let subject = subject(&request.change, people)?;
    if !authz::may_propose(who, &request.change, subject, people) {
        return Err(ApiFailure::forbidden(format!("propose a {:?} here", request.change.kind())));
    }
    if request.reason.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "reason".into(), message: "must say why".into() });
    }
    let cost_impact = evaluate(state, &request.change, subject, people).await?;
    let (policy, _) = load_policy(state).await?;
    let at = now();
    let mut proposal = Proposal {
        id: new_id("PR"),
        change: request.change.clone(),
        reason: request.reason.clone(),
        proposed_by: who.person_id.clone(),
        proposer_role: who.role,
        proposed_at: at.clone(),
        steps: policy.steps(request.change.kind()).to_vec(),
        decisions: Vec::new(),
        status: ProposalStatus::Pending,
        cost_impact,
    };
    let first_is_mine = proposal.steps.first().is_some_and(|s| {
        s.roles.contains(&who.role)
            && (who.role != Role::Manager || subject.is_none_or(|s| authz::manages(&who.person_id, s, people)))
    });
    if proposal.steps.len() > 1 && first_is_mine {
        proposal.decisions.push(Decision {
            by: who.person_id.clone(),
            role: who.role,
            approve: true,
            comment: "proposed".into(),
            at,
        });
    }
    Ok(proposal)
}

pub(super) async fn propose(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<ProposalRequest>,
) -> Result<Json<Proposal>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /approvals", &request)?;
    Ok(Json(submit(&state, &who, &idem, &request).await?))
}

/// Creates a proposal (checked, costed, its chain copied from the policy) with its audit
/// record; a replayed idempotency key returns the first proposal.
pub(super) async fn submit(
    state: &AppState,
    who: &Principal,
    idem: &Idempotency,
    request: &ProposalRequest,
) -> Result<Proposal, ApiFailure> {
    if let Some(done) = idem.replay(state).await? {
        return Ok(done);
    }
    let people = people(state).await?;
    let proposal = new_proposal(state, who, request, &people).await?;
    let writes = vec![create(keys::PROPOSALS, &proposal.id, &proposal)?];
    let change = Change {
        who,
        action: "proposal.created",
        entity: format!("proposal/{}", proposal.id),
        before: None,
        after: json(&proposal),
        reason: proposal.reason.clone(),
    };
    commit(state, idem, writes, change, proposal).await
}

async fn load_proposal(state: &AppState, id: &str) -> Result<(Proposal, u64), ApiFailure> {
    let item =
        state.store.get(keys::PROPOSALS, id).await?.ok_or_else(|| ApiFailure::not_found(format!("proposal {id}")))?;
    Ok((item.decode()?, item.version))
}

fn readable(who: &Principal, p: &Proposal, people: &[Person]) -> bool {
    let subject = p.change.subject().and_then(|id| people.iter().find(|x| x.id == id));
    authz::may_read_proposal(who, p, subject, people)
}

pub(super) async fn get_proposal(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Json<Proposal>, ApiFailure> {
    let (proposal, _) = load_proposal(&state, &id).await?;
    if !readable(&who, &proposal, &people(&state).await?) {
        return Err(ApiFailure::not_found(format!("proposal {id}")));
    }
    Ok(Json(proposal))
}

#[derive(Debug, Deserialize)]
pub(super) struct ProposalQuery {
    status: Option<ProposalStatus>,
    waiting_on_me: Option<bool>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn list_proposals(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<ProposalQuery>,
) -> Result<Json<Page<Proposal>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let people = people(&state).await?;
    let cursor = cursor_in(q.cursor.as_deref())?;
    let all: Vec<Proposal> = decode_all(&state, keys::PROPOSALS, "").await?;
    let mut matching = all.into_iter().filter(|p| {
        let subject = p.change.subject().and_then(|id| people.iter().find(|x| x.id == id));
        cursor.as_ref().is_none_or(|c| &p.id > c)
            && q.status.is_none_or(|s| s == p.status)
            && (q.waiting_on_me != Some(true) || authz::may_decide(&who, p, subject, &people))
            && readable(&who, p, &people)
    });
    let items: Vec<Proposal> = matching.by_ref().take(limit).collect();
    let next = matching.next().and(items.last().map(|p| cursor_out(&p.id)));
    // Named here because a reader may decide a proposal by someone outside their directory view.
    let names = items
        .iter()
        .flat_map(Proposal::mentions)
        .filter_map(|id| people.iter().find(|p| p.id == id).map(|p| (p.id.clone(), p.name.clone())))
        .collect();
    Ok(Json(Page { items, next, names }))
}

/// The write that sets a person's quota for a plan year (in the currency of the quota it
/// replaces, else the person's).
async fn quota_write(
    state: &AppState,
    person_id: &str,
    year_start: chrono::NaiveDate,
    amount: Decimal,
    people: &[Person],
) -> Result<Write, ApiFailure> {
    let pk = keys::quotas(person_id);
    let existing = state.store.get(&pk, &year_start.to_string()).await?;
    let currency =
        match &existing {
            Some(item) => item.decode::<Quota>()?.currency,
            None => people.iter().find(|p| p.id == person_id).map(|p| p.currency.clone()).ok_or_else(|| {
                ApiFailure::Unprocessable { code: "no_person", message: format!("{person_id} is gone") }
            })?,
        };
    let quota = Quota { person_id: person_id.to_string(), year_start, amount, currency };
    replace(&pk, year_start.to_string(), &quota, existing.map(|i| i.version))
}

/// The writes that apply an approved change.
async fn apply(state: &AppState, proposal: &Proposal, people: &[Person]) -> Result<Vec<Write>, ApiFailure> {
    match &proposal.change {
        ProposedChange::PlanVersion { plan } => {
            Ok(vec![create(keys::PLANS, keys::plan_version(&plan.id, plan.version), plan.as_ref())?])
        }
        ProposedChange::QuotaChange { person_id, year_start, amount } => {
            Ok(vec![quota_write(state, person_id, *year_start, *amount, people).await?])
        }
        ProposedChange::ManualAdjustment { person_id, component_id, period, amount, dispute_id } => {
            let today = settings(state).await?.as_of;
            let about = month(Some(period), today, "change.period")?;
            let following = about.end.succ_opt().map_or(about.clone(), Period::month_of);
            let current = Period::month_of(today);
            let pays = if following.start > current.start { following } else { current };
            let adjustment = ManualAdjustment {
                id: proposal.id.clone(),
                person_id: person_id.clone(),
                component_id: component_id.clone(),
                about_period: period.clone(),
                pay_period: pays.label.clone(),
                amount: *amount,
                reason: proposal.reason.clone(),
                dispute_id: dispute_id.clone(),
            };
            let mut writes =
                vec![create(keys::adjustments(person_id), keys::adjustment(&pays.label, &proposal.id), &adjustment)?];
            if let Some(id) = dispute_id {
                let (mut dispute, version) = load_dispute(state, id).await?;
                dispute.status = DisputeStatus::Resolved;
                writes.push(replace(keys::DISPUTES, id, &dispute, Some(version))?);
            }
            Ok(writes)
        }
        ProposedChange::QuotaAllocation { year_start, quotas, .. } => {
            let mut writes = Vec::new();
            for q in quotas {
                writes.push(quota_write(state, &q.person_id, *year_start, q.amount, people).await?);
            }
            Ok(writes)
        }
        ProposedChange::TerritoryMap { moves, .. } => {
            let mut writes = Vec::new();
            for m in moves {
                let gone = || ApiFailure::Conflict {
                    code: "conflict",
                    message: format!("{} is no longer owned by {}; propose the map again", m.client_id, m.from),
                };
                let item = state.store.get(&keys::clients(&m.from), &m.client_id).await?.ok_or_else(gone)?;
                let mut client: Client = item.decode()?;
                client.owner_id = m.to.clone();
                writes.push(Write::Delete {
                    pk: keys::clients(&m.from),
                    sk: m.client_id.clone(),
                    condition: Condition::VersionIs(item.version),
                });
                writes.push(create(keys::clients(&m.to), &m.client_id, &client)?);
            }
            Ok(writes)
        }
    }
}

pub(super) async fn decide(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(request): Body<DecisionRequest>,
) -> Result<Json<Proposal>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("POST /approvals/{id}/decision"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    let (mut proposal, version) = load_proposal(&state, &id).await?;
    if !readable(&who, &proposal, &people) {
        return Err(ApiFailure::not_found(format!("proposal {id}")));
    }
    let subject = proposal.change.subject().and_then(|s| people.iter().find(|p| p.id == s));
    if proposal.status != ProposalStatus::Pending {
        return Err(ApiFailure::Conflict {
            code: "decided",
            message: format!("proposal {id} is already {:?}", proposal.status),
        });
    }
    if !authz::may_decide(&who, &proposal, subject, &people) {
        return Err(ApiFailure::forbidden("decide this step (it waits on another role or person)"));
    }
    if !request.approve && request.comment.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "comment".into(), message: "say why it is rejected".into() });
    }
    let before = json(&proposal);
    proposal.decisions.push(Decision {
        by: who.person_id.clone(),
        role: who.role,
        approve: request.approve,
        comment: request.comment.clone(),
        at: now(),
    });
    let mut writes = Vec::new();
    let action = if !request.approve {
        proposal.status = ProposalStatus::Rejected;
        if let ProposedChange::ManualAdjustment { dispute_id: Some(d), .. } = &proposal.change {
            let (mut dispute, dv) = load_dispute(&state, d).await?;
            dispute.status = DisputeStatus::Reopened;
            writes.push(replace(keys::DISPUTES, d, &dispute, Some(dv))?);
        }
        "proposal.rejected"
    } else if proposal.decisions.len() == proposal.steps.len() {
        proposal.status = ProposalStatus::Approved;
        writes.extend(apply(&state, &proposal, &people).await?);
        "proposal.approved"
    } else {
        "proposal.step_approved"
    };
    writes.insert(0, replace(keys::PROPOSALS, &id, &proposal, Some(version))?);
    let change = Change {
        who: &who,
        action,
        entity: format!("proposal/{id}"),
        before,
        after: json(&proposal),
        reason: if request.comment.is_empty() { "approved".into() } else { request.comment.clone() },
    };
    Ok(Json(commit(&state, &idem, writes, change, proposal).await?))
}

async fn load_dispute(state: &AppState, id: &str) -> Result<(Dispute, u64), ApiFailure> {
    let item =
        state.store.get(keys::DISPUTES, id).await?.ok_or_else(|| ApiFailure::not_found(format!("dispute {id}")))?;
    Ok((item.decode()?, item.version))
}

pub(super) async fn raise_dispute(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(request): Body<DisputeRequest>,
) -> Result<Json<Dispute>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /disputes", &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let today = settings(&state).await?.as_of;
    let period = month(Some(&request.period), today, "period")?;
    let people = people(&state).await?;
    let me = people.iter().find(|p| p.id == who.person_id).ok_or_else(|| ApiFailure::not_found("person"))?;
    if !authz::may_raise_dispute(&who, me) {
        return Err(ApiFailure::forbidden("dispute another person's statement"));
    }
    if request.comment.trim().is_empty() {
        return Err(ApiFailure::Invalid { field: "comment".into(), message: "say what is wrong".into() });
    }
    let data = payee_data(&state, me, &people, &period).await?;
    let statement = statement_with_adjustments(&data, &period, &[])?;
    if !statement.lines.iter().any(|l| l.component_id == request.component_id && l.kind != LineKind::Draw) {
        return Err(ApiFailure::Invalid {
            field: "component_id".into(),
            message: format!("your {} statement has no line {}", period.label, request.component_id),
        });
    }
    let dispute = Dispute {
        id: new_id("DS"),
        person_id: me.id.clone(),
        period: period.label.clone(),
        component_id: request.component_id.clone(),
        comment: request.comment.clone(),
        assigned_to: me.manager_id.clone(),
        raised_at: now(),
        status: DisputeStatus::Open,
        resolution: None,
        resolved_by: None,
    };
    let writes = vec![create(keys::DISPUTES, &dispute.id, &dispute)?];
    let change = Change {
        who: &who,
        action: "dispute.raised",
        entity: format!("dispute/{}", dispute.id),
        before: None,
        after: json(&dispute),
        reason: dispute.comment.clone(),
    };
    Ok(Json(commit(&state, &idem, writes, change, dispute).await?))
}

#[derive(Debug, Deserialize)]
pub(super) struct DisputeQuery {
    status: Option<DisputeStatus>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn list_disputes(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<DisputeQuery>,
) -> Result<Json<Page<Dispute>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let people = people(&state).await?;
    let cursor = cursor_in(q.cursor.as_deref())?;
    let all: Vec<Dispute> = decode_all(&state, keys::DISPUTES, "").await?;
    let mut matching = all.into_iter().filter(|d| {
        cursor.as_ref().is_none_or(|c| &d.id > c)
            && q.status.is_none_or(|s| s == d.status)
            && authz::may_read_dispute(&who, d, &people)
    });
    let items: Vec<Dispute> = matching.by_ref().take(limit).collect();
    let next = matching.next().and(items.last().map(|d| cursor_out(&d.id)));
    Ok(Json(Page::new(items, next)))
}

pub(super) async fn get_dispute(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(id): Path<String>,
) -> Result<Json<Dispute>, ApiFailure> {
    let (dispute, _) = load_dispute(&state, &id).await?;
    if !authz::may_read_dispute(&who, &dispute, &people(&state).await?) {
        return Err(ApiFailure::not_found(format!("dispute {id}")));
    }
    Ok(Json(dispute))
}

pub(super) async fn resolve_dispute(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(request): Body<ResolveRequest>,
) -> Result<Json<Dispute>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("POST /disputes/{id}/resolve"), &request)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    let (mut dispute, version) = load_dispute(&state, &id).await?;
    if !authz::may_read_dispute(&who, &dispute, &people) {
        return Err(ApiFailure::not_found(format!("dispute {id}")));
    }
    if !authz::may_resolve_dispute(&who, &dispute, &people) {
        return Err(ApiFailure::forbidden("resolve a dispute outside your reporting line"));
    }
    if !matches!(dispute.status, DisputeStatus::Open | DisputeStatus::Reopened) {
        return Err(ApiFailure::Conflict {
            code: "not_open",
            message: format!("dispute {id} is {:?}", dispute.status),
        });
    }
    let before = json(&dispute);
    let mut writes = Vec::new();
    let action = match &request {
        ResolveRequest::Explanation { text } => {
            if text.trim().is_empty() {
                return Err(ApiFailure::Invalid { field: "text".into(), message: "explain the statement".into() });
            }
            dispute.status = DisputeStatus::Resolved;
            dispute.resolution = Some(Resolution::Explanation { text: text.clone() });
            "dispute.explained"
        }
        ResolveRequest::Adjustment { amount, text } => {
            let proposal_request = ProposalRequest {
                change: ProposedChange::ManualAdjustment {
                    person_id: dispute.person_id.clone(),
                    component_id: dispute.component_id.clone(),
                    period: dispute.period.clone(),
                    amount: *amount,
                    dispute_id: Some(dispute.id.clone()),
                },
                reason: text.clone(),
            };
            let proposal = new_proposal(&state, &who, &proposal_request, &people).await?;
            dispute.status = DisputeStatus::AdjustmentProposed;
            dispute.resolution =
                Some(Resolution::Adjustment { amount: *amount, text: text.clone(), proposal_id: proposal.id.clone() });
            writes.push(Write::Put {
                item: Item::new(keys::PROPOSALS, &proposal.id, &proposal)?,
                condition: plumbline_store::Condition::NotExists,
            });
            "dispute.adjustment_proposed"
        }
    };
    dispute.resolved_by = Some(who.person_id.clone());
    writes.insert(0, replace(keys::DISPUTES, &id, &dispute, Some(version))?);
    let reason = match &request {
        ResolveRequest::Explanation { text } | ResolveRequest::Adjustment { text, .. } => text.clone(),
    };
    let change = Change { who: &who, action, entity: format!("dispute/{id}"), before, after: json(&dispute), reason };
    Ok(Json(commit(&state, &idem, writes, change, dispute).await?))
}
