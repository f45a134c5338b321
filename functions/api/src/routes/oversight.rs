//! Oversight lists across people: pipeline hygiene flags per seller (a manager's team table)
//! and the firm-wide conduct events with each one's effect on regulated pay.

use super::{Caller, Params, cursor_in, cursor_out, decode_all, page_size, people, settings, teams, visible};
use crate::AppState;
use crate::authz;
use crate::error::ApiFailure;
use crate::pay::{assignment_in, payee_statement};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use plumbline_coach::insights::flag_kind;
use plumbline_engine::Period;
use plumbline_firm::api::Page;
use plumbline_firm::oversight::{ConductEffectLine, ConductEventView, HygieneResponse, PayEffect, PersonHygiene};
use plumbline_firm::{ComplianceEvent, ComplianceKind, Person, PlanAssignment, Role};
use plumbline_regulation::Regulation;
use plumbline_regulation::statement::LineKind;
use plumbline_store::keys;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
pub(super) struct HygieneQuery {
    team: Option<String>,
}

/// Hygiene flags per seller the caller may see (a manager: their subtree), from the same
/// analysis as the coaching routes.
pub(super) async fn hygiene(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<HygieneQuery>,
) -> Result<Json<HygieneResponse>, ApiFailure> {
    let people = people(&state).await?;
    if let Some(team) = &q.team
        && !teams(&state).await?.iter().any(|t| &t.id == team)
    {
        return Err(ApiFailure::not_found(format!("team {team}")));
    }
    let ctx = super::coach::prepared(&state.store, state.clock).await?;
    let owners: BTreeSet<&str> = ctx.pipeline.open_deals().map(|d| d.owner.as_str()).collect();
    let out = people
        .iter()
        .filter(|p| p.role == Role::Rep || owners.contains(p.id.as_str()))
        .filter(|p| q.team.is_none() || p.team_id == q.team)
        .filter(|p| authz::may_read_business(&who, p, &people))
        .map(|p| {
            let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
            let mut flagged = BTreeSet::new();
            for f in ctx.analysis.flags.iter().filter(|f| f.owner == p.id) {
                *by_rule.entry(flag_kind(&f.evidence).to_string()).or_default() += 1;
                flagged.insert(f.deal_id.as_str());
            }
            PersonHygiene {
                person_id: p.id.clone(),
                open_deals: ctx.pipeline.open_deals().filter(|d| d.owner == p.id).count(),
                flagged_deals: flagged.len(),
                by_rule,
                over_optimistic: ctx
                    .analysis
                    .reps
                    .iter()
                    .find(|r| r.rep == p.id && r.over_optimistic)
                    .map(|r| r.reason.clone()),
            }
        })
        .collect();
    Ok(Json(HygieneResponse { as_of: ctx.as_of(), people: out }))
}

#[derive(Debug, Deserialize)]
pub(super) struct ConductQuery {
    person: Option<String>,
    kind: Option<ComplianceKind>,
    cursor: Option<String>,
    limit: Option<usize>,
}

/// Conduct events of everyone the caller may read (compliance and leadership: the firm),
/// newest first, with each event's pay effect from the person's regulated statements.
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<ConductQuery>,
) -> Result<Json<Page<ConductEventView>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let people = people(&state).await?;
    let may = |p: &Person| authz::may_read_conduct(&who, p, &people);
    let targets: Vec<&Person> = match &q.person {
        Some(id) => vec![visible(&people, id, "conduct events", may)?],
        None => people.iter().filter(|p| may(p)).collect(),
    };
    let mut events: Vec<ComplianceEvent> = Vec::new();
    for p in targets {
        let theirs: Vec<ComplianceEvent> = decode_all(&state, &keys::conduct(&p.id), "").await?;
        events.extend(theirs.into_iter().filter(|e| q.kind.is_none_or(|k| k == e.kind)));
    }
    events.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    // The cursor is the last event's `date|id`; the list resumes strictly after it.
    if let Some(after) = cursor_in(q.cursor.as_deref())? {
        let bad = || ApiFailure::bad("cursor", "not a cursor this list returned");
        let (date, id) = after.split_once('|').ok_or_else(bad)?;
        let date: NaiveDate = date.parse().map_err(|_| bad())?;
        events.retain(|e| e.date < date || (e.date == date && e.id.as_str() > id));
    }
    let next =
        (events.len() > limit).then(|| cursor_out(&format!("{}|{}", events[limit - 1].date, events[limit - 1].id)));
    events.truncate(limit);
    let today = settings(&state).await?.as_of;
    let mut items = Vec::with_capacity(events.len());
    for event in events {
        let person = people.iter().find(|p| p.id == event.person_id).expect("listed from their partition");
        let (pay_effect, no_effect) = if authz::may_read_pay(&who, person, &people) {
            match pay_effect(&state, &event, person, &people, today).await? {
                Ok(effect) => (Some(effect), None),
                Err(why) => (None, Some(why)),
            }
        } else {
            (None, Some("your role may not read this person's pay".to_string()))
        };
        items.push(ConductEventView { person_name: person.name.clone(), event, pay_effect, no_effect });
    }
    Ok(Json(Page::new(items, next)))
}

/// The conduct lines the event puts on the person's regulated statements as the API serves
/// them (frozen once the period is closed), month by month
/// from the event's month for as many periods as its rule reaches, up to `today`'s month; or
/// why there are none.
async fn pay_effect(
    state: &AppState,
    event: &ComplianceEvent,
    person: &Person,
    people: &[Person],
    today: NaiveDate,
) -> Result<Result<PayEffect, String>, ApiFailure> {
    let first = Period::month_of(event.date);
    let assignments: Vec<PlanAssignment> = decode_all(state, &keys::assignments(&person.id), "").await?;
    let Some(on) = assignment_in(&assignments, first.start, first.end) else {
        return Ok(Err(format!("{} had no plan in {}", person.name, first.label)));
    };
    let Some(item) = state.store.get(keys::REGULATION, &on.plan_id).await? else {
        return Ok(Err(format!("plan {} has no regulated pay, so conduct does not change pay", on.plan_id)));
    };
    let regulation: Regulation = item.decode()?;
    let reach = plumbline_regulation::conduct::rule_for(&regulation.conduct, event).map_or(1, |r| r.periods);
    let mut lines = Vec::new();
    let currency = crate::pay::plan(state, &on.plan_id, on.plan_version).await?.currency;
    let mut rule = "none".to_string();
    let mut period: Period = first;
    for _ in 0..reach {
        if period.start > today {
            break;
        }
        let statement = match payee_statement(state, person, people, &period).await {
            Ok(s) => s,
            Err(ApiFailure::Unprocessable { message, .. }) => return Ok(Err(message)),
            Err(e) => return Err(e),
        };
        if let Some(regulated) = statement.regulated {
            for line in regulated.lines.iter().filter(|l| l.kind == LineKind::Conduct && l.reference == event.id) {
                rule.clone_from(&line.rule);
                lines.push(ConductEffectLine {
                    period: period.label.clone(),
                    amount: line.amount,
                    explanation: line.explanation.clone(),
                });
            }
        }
        let Some(next) = period.end.succ_opt() else { break };
        period = Period::month_of(next);
    }
    Ok(Ok(PayEffect { currency, total: lines.iter().map(|l| l.amount).sum(), rule, lines }))
}
