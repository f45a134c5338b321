//! The API over a seeded demo firm, called in-process through the router.

use crate::common::{Reply, harness};
use axum::http::StatusCode;
use plumbline_firm::Role;
use plumbline_firm::api::{ApiError, Persona, StatementResponse};
use rust_decimal::Decimal;
use serde_json::json;

#[tokio::test]
async fn statements_are_visible_to_the_rep_their_managers_and_oversight_only() {
    let h = harness().await;
    let rep = h.firm.people.iter().find(|p| p.role == Role::Rep && p.manager_id.is_some()).unwrap();
    let other_rep = h.firm.people.iter().find(|p| p.role == Role::Rep && p.team_id != rep.team_id).unwrap();
    let manager = rep.manager_id.clone().unwrap();
    let other_manager = h.firm.people.iter().find(|p| p.role == Role::Manager && p.id != manager).unwrap().id.clone();
    let uri = format!("/api/statements/{}", rep.id);
    let cases = [
        (rep.id.clone(), StatusCode::OK),
        (manager, StatusCode::OK),
        (h.first(Role::Leadership).id.clone(), StatusCode::OK),
        (h.first(Role::Compliance).id.clone(), StatusCode::OK),
        (other_rep.id.clone(), StatusCode::NOT_FOUND),
        (other_manager, StatusCode::NOT_FOUND),
        (h.first(Role::Designer).id.clone(), StatusCode::NOT_FOUND),
        (h.first(Role::Admin).id.clone(), StatusCode::NOT_FOUND),
    ];
    for (caller, expected) in cases {
        let token = h.token(&caller).await;
        let Reply { status, json: body } = h.send("GET", &uri, Some(&token), None, None).await;
        assert_eq!(status, expected, "{caller} reading {}", rep.id);
        if status == StatusCode::NOT_FOUND {
            let error: ApiError = serde_json::from_value(body.clone()).unwrap();
            assert_eq!(error.code, "not_found");
            assert!(!body.to_string().contains("total"), "no statement data leaks");
        }
    }
}

#[tokio::test]
async fn a_statement_is_exact_and_its_lines_sum_to_the_total() {
    let h = harness().await;
    let rep = h.first(Role::Rep);
    let token = h.token(&rep.id).await;
    let Reply { status, json: body } =
        h.send("GET", &format!("/api/statements/{}?period=2026-11", rep.id), Some(&token), None, None).await;
    assert_eq!(status, StatusCode::OK, "{}", body);
    let response: StatementResponse = serde_json::from_value(body.clone()).unwrap();
    let statement = response.statement;
    assert_eq!(statement.period.label, "2026-11");
    assert!(!statement.lines.is_empty());
    assert_eq!(statement.lines.iter().map(|l| l.amount).sum::<Decimal>(), statement.total);
    assert_eq!(statement.total.round_dp(2), statement.total, "whole pence");
    assert!(body["statement"]["total"].is_string(), "money travels as a decimal string, never a float");
}

#[tokio::test]
async fn bad_requests_get_json_errors_that_name_the_field() {
    let h = harness().await;
    let rep = h.first(Role::Rep);
    let token = h.token(&rep.id).await;
    let Reply { status, json: body } =
        h.send("GET", &format!("/api/statements/{}?period=2026-13", rep.id), Some(&token), None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: ApiError = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(error.field.as_deref(), Some("period"));

    let Reply { status, json: body } = h.send("GET", &format!("/api/statements/{}", rep.id), None, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(serde_json::from_value::<ApiError>(body.clone()).unwrap().code, "unauthenticated");

    let status = h.send("GET", &format!("/api/statements/{}", rep.id), Some("not.a.jwt"), None, None).await.status;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let Reply { status, json: body } =
        h.send("POST", "/api/auth/dev-token", None, Some(&json!({ "person_id": "P9999" })), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(serde_json::from_value::<ApiError>(body.clone()).unwrap().field.as_deref(), Some("person_id"));

    let Reply { status, json: body } = h.send("GET", "/api/no-such-route", None, None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_value::<ApiError>(body.clone()).unwrap().code, "not_found");
}

#[tokio::test]
async fn personas_cover_every_role() {
    let h = harness().await;
    let Reply { status, json: body } = h.send("GET", "/api/auth/personas", None, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let personas: Vec<Persona> = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(personas.len(), h.firm.people.len());
    for role in Role::ALL {
        assert!(personas.iter().any(|p| p.role == role), "a {role:?} persona");
    }
}

#[tokio::test]
async fn a_token_from_another_issuer_is_rejected() {
    let h = harness().await;
    let stranger = plumbline_api::auth::DevIssuer::generate("plumbline-dev", "plumbline-local");
    let rep = h.first(Role::Rep);
    let forged = stranger.sign(rep);
    let status = h.send("GET", &format!("/api/statements/{}", rep.id), Some(&forged), None, None).await.status;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_rep_in_the_demo_firm_has_a_statement_for_the_current_month() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Leadership).id).await;
    for rep in h.firm.people.iter().filter(|p| p.role == Role::Rep) {
        let Reply { status, json: body } =
            h.send("GET", &format!("/api/statements/{}", rep.id), Some(&token), None, None).await;
        assert_eq!(status, StatusCode::OK, "{}: {}", rep.id, body);
    }
}

/// A joiner's stored quota is the full-year figure and the statement prorates it once, by the
/// days they are on the plan. Worked by hand from the demo's documented rule: a wealth
/// joiner's first-year quota is 60% (ramp) of the run-rate revenue of the book they brought
/// (their clients' `Transfer In` inflows at 0.85% a year), rounded to £1,000, at least
/// £10,000. The engine then takes days on the plan / days in the year of it, to the penny.
#[tokio::test]
async fn a_joiners_quota_is_the_full_year_figure_prorated_once_by_days_on_the_plan() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Leadership).id).await;
    let year_start: chrono::NaiveDate = "2026-01-01".parse().unwrap();
    let year_end: chrono::NaiveDate = "2026-12-31".parse().unwrap();
    let joiners: Vec<_> = h
        .firm
        .people
        .iter()
        .filter(|p| {
            p.role == Role::Rep && p.division == Some(plumbline_firm::Division::Wealth) && p.hire_date > year_start
        })
        .collect();
    assert!(!joiners.is_empty(), "the demo firm has wealth joiners this year");
    for joiner in joiners {
        let book: Decimal = h
            .firm
            .transactions
            .iter()
            .filter(|t| t.kind == plumbline_engine::TxnKind::Inflow && t.product.as_deref() == Some("Transfer In"))
            .filter(|t| {
                let client = t.client_id.as_deref();
                h.firm.clients.iter().any(|c| Some(c.id.as_str()) == client && c.owner_id == joiner.id)
            })
            .map(|t| t.amount)
            .sum();
        let ramp = book * Decimal::new(85, 4) * Decimal::new(6, 1);
        let full_year = ((ramp / Decimal::from(1000)).round() * Decimal::from(1000)).max(Decimal::from(10_000));
        let days = Decimal::from((year_end - joiner.hire_date).num_days() + 1);
        let expected = (full_year * days / Decimal::from(365))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);

        let Reply { status, json: body } =
            h.send("GET", &format!("/api/people/{}/quotas", joiner.id), Some(&token), None, None).await;
        assert_eq!(status, StatusCode::OK);
        let quotas: Vec<plumbline_firm::Quota> = serde_json::from_value(body.clone()).unwrap();
        let stored = quotas.iter().find(|q| q.year_start == year_start).expect("a quota this year").amount;
        assert_eq!(
            stored, full_year,
            "{} (joined {}): the store holds the full-year quota",
            joiner.id, joiner.hire_date
        );

        let uri = format!("/api/statements/{}?period=2026-11", joiner.id);
        let Reply { status, json: body } = h.send("GET", &uri, Some(&token), None, None).await;
        assert_eq!(status, StatusCode::OK, "{}", body);
        let statement = serde_json::from_value::<StatementResponse>(body.clone()).unwrap().statement;
        let line = statement.lines.iter().find(|l| l.component_id == "fee-revenue").unwrap();
        assert_eq!(
            line.quota,
            Some(expected),
            "{} joined {}: {full_year} x {days}/365 = {expected}, prorated once",
            joiner.id,
            joiner.hire_date
        );
    }
}
