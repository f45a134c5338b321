//! The API over a seeded demo firm, called in-process through the router.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use plumbline_api::{AppState, Clock, auth::Auth, router};
use plumbline_firm::api::{ApiError, Persona, StatementResponse, TokenResponse};
use plumbline_firm::{Firm, Role};
use plumbline_store::{EmbeddedStore, Store, seed};
use rust_decimal::Decimal;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower::ServiceExt;

struct Harness {
    app: axum::Router,
    firm: &'static Firm,
}

/// The demo firm, generated and seeded once for every test in this file.
async fn seeded() -> &'static (tempfile::TempDir, EmbeddedStore, Firm) {
    static SEEDED: OnceCell<(tempfile::TempDir, EmbeddedStore, Firm)> = OnceCell::const_new();
    SEEDED
        .get_or_init(|| async {
            let dir = tempfile::tempdir().unwrap();
            let store = EmbeddedStore::open(&dir.path().join("s.redb")).unwrap();
            let options = plumbline_demo::DemoOptions { seed: 7, as_of: "2026-11-20".parse().unwrap() };
            let (firm, _) = plumbline_demo::generate(&options);
            seed::seed_firm(&store, &firm, "2026-11-20T00:00:00Z", "test").await.unwrap();
            (dir, store, firm)
        })
        .await
}

async fn harness() -> Harness {
    let (_, store, firm) = seeded().await;
    let state = AppState {
        store: Arc::new(store.clone()) as Arc<dyn Store>,
        auth: Arc::new(Auth::development()),
        clock: Clock::System,
    };
    Harness { app: router(state), firm }
}

impl Harness {
    async fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let response =
            self.app.clone().oneshot(request.body(Body::from(body.unwrap_or_default())).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, bytes.to_vec())
    }

    async fn token(&self, person_id: &str) -> String {
        let (status, body) =
            self.call("POST", "/api/auth/dev-token", None, Some(format!(r#"{{"person_id":"{person_id}"}}"#))).await;
        assert_eq!(status, StatusCode::OK);
        serde_json::from_slice::<TokenResponse>(&body).unwrap().token
    }

    fn first(&self, role: Role) -> &plumbline_firm::Person {
        self.firm.people.iter().find(|p| p.role == role).unwrap()
    }
}

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
        let (status, body) = h.call("GET", &uri, Some(&token), None).await;
        assert_eq!(status, expected, "{caller} reading {}", rep.id);
        if status == StatusCode::NOT_FOUND {
            let error: ApiError = serde_json::from_slice(&body).unwrap();
            assert_eq!(error.code, "not_found");
            assert!(!String::from_utf8_lossy(&body).contains("total"), "no statement data leaks");
        }
    }
}

#[tokio::test]
async fn a_statement_is_exact_and_its_lines_sum_to_the_total() {
    let h = harness().await;
    let rep = h.first(Role::Rep);
    let token = h.token(&rep.id).await;
    let (status, body) = h.call("GET", &format!("/api/statements/{}?period=2026-11", rep.id), Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let response: StatementResponse = serde_json::from_slice(&body).unwrap();
    let statement = response.statement;
    assert_eq!(statement.period.label, "2026-11");
    assert!(!statement.lines.is_empty());
    assert_eq!(statement.lines.iter().map(|l| l.amount).sum::<Decimal>(), statement.total);
    assert_eq!(statement.total.round_dp(2), statement.total, "whole pence");
    let raw: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(raw["statement"]["total"].is_string(), "money travels as a decimal string, never a float");
}

#[tokio::test]
async fn bad_requests_get_json_errors_that_name_the_field() {
    let h = harness().await;
    let rep = h.first(Role::Rep);
    let token = h.token(&rep.id).await;
    let (status, body) = h.call("GET", &format!("/api/statements/{}?period=2026-13", rep.id), Some(&token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error: ApiError = serde_json::from_slice(&body).unwrap();
    assert_eq!(error.field.as_deref(), Some("period"));

    let (status, body) = h.call("GET", &format!("/api/statements/{}", rep.id), None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(serde_json::from_slice::<ApiError>(&body).unwrap().code, "unauthenticated");

    let (status, _) = h.call("GET", &format!("/api/statements/{}", rep.id), Some("not.a.jwt"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = h.call("POST", "/api/auth/dev-token", None, Some(r#"{"person_id":"P9999"}"#.into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(serde_json::from_slice::<ApiError>(&body).unwrap().field.as_deref(), Some("person_id"));

    let (status, body) = h.call("GET", "/api/no-such-route", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_slice::<ApiError>(&body).unwrap().code, "not_found");
}

#[tokio::test]
async fn personas_cover_every_role() {
    let h = harness().await;
    let (status, body) = h.call("GET", "/api/auth/personas", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let personas: Vec<Persona> = serde_json::from_slice(&body).unwrap();
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
    let (status, _) = h.call("GET", &format!("/api/statements/{}", rep.id), Some(&forged), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_rep_in_the_demo_firm_has_a_statement_for_the_current_month() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Leadership).id).await;
    for rep in h.firm.people.iter().filter(|p| p.role == Role::Rep) {
        let (status, body) = h.call("GET", &format!("/api/statements/{}", rep.id), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{}: {}", rep.id, String::from_utf8_lossy(&body));
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

        let (status, body) = h.call("GET", &format!("/api/people/{}/quotas", joiner.id), Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        let quotas: Vec<plumbline_firm::Quota> = serde_json::from_slice(&body).unwrap();
        let stored = quotas.iter().find(|q| q.year_start == year_start).expect("a quota this year").amount;
        assert_eq!(
            stored, full_year,
            "{} (joined {}): the store holds the full-year quota",
            joiner.id, joiner.hire_date
        );

        let uri = format!("/api/statements/{}?period=2026-11", joiner.id);
        let (status, body) = h.call("GET", &uri, Some(&token), None).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        let statement = serde_json::from_slice::<StatementResponse>(&body).unwrap().statement;
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
