//! Sign-in, the caller, people, the org chart and teams.

use super::{Body, Caller, Params, cursor_in, cursor_out, page_size, people, settings, teams, visible};
use crate::AppState;
use crate::authz;
use crate::error::ApiFailure;
use crate::write::{Change, Idempotency, commit, json, replace};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use plumbline_firm::api::{DevTokenRequest, OrgNode, OrgResponse, Page, PersonView, Persona, TokenResponse};
use plumbline_firm::{Person, Team};
use plumbline_store::keys;
use serde::Deserialize;

pub(super) async fn health() -> Json<plumbline_firm::api::Health> {
    Json(plumbline_firm::api::Health { status: "ok".into() })
}

/// A person as a sign-in persona.
pub(crate) fn persona(person: &Person, teams: &[Team]) -> Persona {
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
    state.auth.dev_issuer.as_ref().ok_or(ApiFailure::not_found("route"))
}

pub(super) async fn personas(State(state): State<AppState>) -> Result<Json<Vec<Persona>>, ApiFailure> {
    dev_only(&state)?;
    let teams = teams(&state).await?;
    Ok(Json(people(&state).await?.iter().map(|p| persona(p, &teams)).collect()))
}

pub(super) async fn dev_token(
    State(state): State<AppState>,
    Body(request): Body<DevTokenRequest>,
) -> Result<Json<TokenResponse>, ApiFailure> {
    let issuer = dev_only(&state)?;
    let item = state.store.get(keys::PEOPLE, &request.person_id).await?;
    let person: Person = item
        .ok_or_else(|| ApiFailure::bad("person_id", format!("no person with id {}", request.person_id)))?
        .decode()?;
    let teams = teams(&state).await?;
    Ok(Json(TokenResponse { token: issuer.sign(&person), persona: persona(&person, &teams) }))
}

pub(super) async fn jwks(State(state): State<AppState>) -> Result<Json<jsonwebtoken::jwk::JwkSet>, ApiFailure> {
    Ok(Json(dev_only(&state)?.jwks()))
}

pub(super) async fn me(State(state): State<AppState>, Caller(who): Caller) -> Result<Json<Persona>, ApiFailure> {
    let person: Person = state
        .store
        .get(keys::PEOPLE, &who.person_id)
        .await?
        .ok_or(ApiFailure::Unauthenticated("the token names no current person".into()))?
        .decode()?;
    Ok(Json(persona(&person, &teams(&state).await?)))
}

/// A person as this caller may see them: fixed pay only where they may read pay (or administer people).
pub(crate) fn view(who: &crate::auth::Principal, person: &Person, people: &[Person]) -> PersonView {
    let pay = authz::may_read_pay(who, person, people) || authz::may_manage_people(who);
    PersonView {
        id: person.id.clone(),
        name: person.name.clone(),
        email: person.email.clone(),
        role: person.role,
        title: person.title.clone(),
        division: person.division,
        team_id: person.team_id.clone(),
        manager_id: person.manager_id.clone(),
        region: person.region.clone(),
        hire_date: person.hire_date,
        regulated: person.regulated,
        fixed_pay: pay.then_some(person.fixed_pay),
        currency: person.currency.clone(),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PeopleQuery {
    as_of: Option<NaiveDate>,
    team: Option<String>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn list_people(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<PeopleQuery>,
) -> Result<Json<Page<PersonView>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let as_of = match q.as_of {
        Some(d) => d,
        None => settings(&state).await?.as_of,
    };
    let cursor = cursor_in(q.cursor.as_deref())?;
    let people = people(&state).await?;
    let mut matching = people
        .iter()
        .filter(|p| p.hire_date <= as_of)
        .filter(|p| q.team.as_ref().is_none_or(|t| p.team_id.as_ref() == Some(t)))
        .filter(|p| cursor.as_ref().is_none_or(|c| &p.id > c))
        .filter(|p| authz::may_see_person(&who, p, &people));
    let items: Vec<PersonView> = matching.by_ref().take(limit).map(|p| view(&who, p, &people)).collect();
    let next = if matching.next().is_some() { items.last().map(|p| cursor_out(&p.id)) } else { None };
    Ok(Json(Page::new(items, next)))
}

pub(super) async fn get_person(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(person_id): Path<String>,
) -> Result<Json<PersonView>, ApiFailure> {
    let people = people(&state).await?;
    let person = visible(&people, &person_id, "person", |p| authz::may_see_person(&who, p, &people))?;
    Ok(Json(view(&who, person, &people)))
}

fn check_person(person: &Person, people: &[Person], teams: &[Team]) -> Result<(), ApiFailure> {
    let invalid = |field: &str, message: String| ApiFailure::Invalid { field: field.into(), message };
    if person.id.trim().is_empty() || person.id.contains('#') {
        return Err(invalid("id", "must be non-empty and must not contain `#`".into()));
    }
    if person.name.trim().is_empty() {
        return Err(invalid("name", "must not be empty".into()));
    }
    if let Some(m) = &person.manager_id {
        let manager =
            people.iter().find(|p| &p.id == m).ok_or_else(|| invalid("manager_id", format!("no person {m}")))?;
        if manager.id == person.id || authz::manages(&person.id, manager, people) {
            return Err(invalid("manager_id", format!("{m} reports to {}: that would be a cycle", person.id)));
        }
    }
    if let Some(t) = &person.team_id
        && !teams.iter().any(|x| &x.id == t)
    {
        return Err(invalid("team_id", format!("no team {t}")));
    }
    if person.fixed_pay.is_sign_negative() {
        return Err(invalid("fixed_pay", "must not be negative".into()));
    }
    Ok(())
}

pub(super) async fn create_person(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Body(person): Body<Person>,
) -> Result<Json<PersonView>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, "POST /people", &person)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    let people = people(&state).await?;
    if people.iter().any(|p| p.id == person.id) {
        return Err(ApiFailure::Conflict { code: "exists", message: format!("person {} already exists", person.id) });
    }
    check_person(&person, &people, &teams(&state).await?)?;
    let writes = vec![replace(keys::PEOPLE, &person.id, &person, None)?];
    let change = Change {
        who: &who,
        action: "person.created",
        entity: format!("person/{}", person.id),
        before: None,
        after: json(&person),
        reason: format!("added {}", person.name),
    };
    Ok(Json(commit(&state, &idem, writes, change, view(&who, &person, &people)).await?))
}

pub(super) async fn update_person(
    State(state): State<AppState>,
    Caller(who): Caller,
    headers: HeaderMap,
    Path(person_id): Path<String>,
    Body(person): Body<Person>,
) -> Result<Json<PersonView>, ApiFailure> {
    let idem = Idempotency::new(&headers, &who, &format!("PUT /people/{person_id}"), &person)?;
    if let Some(done) = idem.replay(&state).await? {
        return Ok(Json(done));
    }
    if person.id != person_id {
        return Err(ApiFailure::Invalid { field: "id".into(), message: "must match the path".into() });
    }
    let item = state.store.get(keys::PEOPLE, &person_id).await?.ok_or(ApiFailure::not_found("person"))?;
    let before: Person = item.decode()?;
    let people = people(&state).await?;
    check_person(&person, &people, &teams(&state).await?)?;
    let writes = vec![replace(keys::PEOPLE, &person.id, &person, Some(item.version))?];
    let change = Change {
        who: &who,
        action: "person.updated",
        entity: format!("person/{}", person.id),
        before: json(&before),
        after: json(&person),
        reason: format!("updated {}", person.name),
    };
    Ok(Json(commit(&state, &idem, writes, change, view(&who, &person, &people)).await?))
}

#[derive(Debug, Deserialize)]
pub(super) struct OrgQuery {
    as_of: Option<NaiveDate>,
}

pub(super) async fn org(
    State(state): State<AppState>,
    Caller(who): Caller,
    Params(q): Params<OrgQuery>,
) -> Result<Json<OrgResponse>, ApiFailure> {
    let as_of = match q.as_of {
        Some(d) => d,
        None => settings(&state).await?.as_of,
    };
    let people = people(&state).await?;
    let shown: Vec<&Person> =
        people.iter().filter(|p| p.hire_date <= as_of && authz::may_see_person(&who, p, &people)).collect();
    let shown_ids: Vec<&str> = shown.iter().map(|p| p.id.as_str()).collect();
    let mut nodes: Vec<OrgNode> = shown
        .iter()
        .map(|p| OrgNode {
            person_id: p.id.clone(),
            name: p.name.clone(),
            title: p.title.clone(),
            role: p.role,
            team_id: p.team_id.clone(),
            manager_id: p.manager_id.clone().filter(|m| shown_ids.contains(&m.as_str())),
            reports: shown.iter().filter(|r| r.manager_id.as_ref() == Some(&p.id)).map(|r| r.id.clone()).collect(),
        })
        .collect();
    // Managers before reports: order by depth in the chart, then id.
    let depth = |id: &str| {
        let mut d = 0;
        let mut current = people.iter().find(|p| p.id == id).and_then(|p| p.manager_id.clone());
        while let Some(m) = current.filter(|_| d < people.len()) {
            d += 1;
            current = people.iter().find(|p| p.id == m).and_then(|p| p.manager_id.clone());
        }
        d
    };
    nodes.sort_by_cached_key(|n| (depth(&n.person_id), n.person_id.clone()));
    Ok(Json(OrgResponse { as_of, people: nodes }))
}

pub(super) async fn teams_route(State(state): State<AppState>) -> Result<Json<Vec<Team>>, ApiFailure> {
    Ok(Json(teams(&state).await?))
}
