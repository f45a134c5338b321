//! A seeded demo firm and a client that calls the router in-process.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use plumbline_api::{AppState, Clock, auth::Auth, router};
use plumbline_firm::api::TokenResponse;
use plumbline_firm::{Division, Firm, Person, Role};
use plumbline_store::{EmbeddedStore, Store, seed};
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// The demo firm and what it plants, generated once per test binary.
fn demo() -> &'static (Firm, plumbline_demo::Planted) {
    static DEMO: std::sync::OnceLock<(Firm, plumbline_demo::Planted)> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| {
        let options = plumbline_demo::DemoOptions { seed: 7, as_of: "2026-11-20".parse().unwrap() };
        plumbline_demo::generate(&options)
    })
}

/// The demo firm.
pub fn firm() -> &'static Firm {
    &demo().0
}

/// What the demo firm plants (conduct-flagged reps, stalling deals, ...).
pub fn planted() -> &'static plumbline_demo::Planted {
    &demo().1
}

/// A fresh store seeded with the demo firm, and the app over it.
pub struct Harness {
    pub app: axum::Router,
    pub store: Arc<EmbeddedStore>,
    pub firm: &'static Firm,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

pub async fn harness() -> Harness {
    harness_with(false).await
}

/// The demo firm's regulated pay (the advisers' plan, the planted clawback) and how it is seeded.
pub fn regulation() -> &'static (plumbline_demo::DemoRegulation, seed::RegulationSeed) {
    static REGULATION: std::sync::OnceLock<(plumbline_demo::DemoRegulation, seed::RegulationSeed)> =
        std::sync::OnceLock::new();
    REGULATION.get_or_init(|| {
        let demo = plumbline_demo::regulation(firm()).unwrap().expect("the demo firm plants a clawback");
        let seed = seed::RegulationSeed {
            regulations: vec![(demo.plan.plan.id.clone(), demo.plan.regulation.clone())],
            ledger: demo.clawback.ledger.clone(),
            decisions: vec![demo.clawback.decision.clone()],
        };
        (demo, seed)
    })
}

/// [`harness`] with the demo firm's regulated pay seeded too.
pub async fn harness_regulated() -> Harness {
    harness_with(true).await
}

async fn harness_with(regulated: bool) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.redb");
    std::fs::write(&path, seeded(regulated).await).unwrap();
    let store = Arc::new(EmbeddedStore::open(&path).unwrap());
    let state =
        AppState { store: store.clone() as Arc<dyn Store>, auth: Arc::new(Auth::development()), clock: Clock::System };
    Harness { app: router(state.clone()), store, firm: firm(), state, _dir: dir }
}

/// The store file seeded with the demo firm (and its regulated pay when `regulated`), seeded once
/// per test binary for each: every harness starts from a copy of it, which takes milliseconds
/// where seeding takes seconds, and still owns its store.
async fn seeded(regulated: bool) -> &'static [u8] {
    static PLAIN: OnceCell<Vec<u8>> = OnceCell::const_new();
    static REGULATED: OnceCell<Vec<u8>> = OnceCell::const_new();
    let (cell, regulation) =
        if regulated { (&REGULATED, regulation().1.clone()) } else { (&PLAIN, seed::RegulationSeed::default()) };
    cell.get_or_init(|| async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        let store = EmbeddedStore::open(&path).unwrap();
        seed::seed_firm_regulated(&store, firm(), &regulation, "2026-11-20T00:00:00Z", "test").await.unwrap();
        // Closed before it is read, so the copy is a cleanly shut-down file.
        drop(store);
        std::fs::read(&path).unwrap()
    })
    .await
}

/// A response: status and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub json: serde_json::Value,
}

impl Reply {
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.json.clone()).unwrap_or_else(|e| panic!("{e}: {}", self.json))
    }
}

impl Harness {
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
        key: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(k) = key {
            request = request.header("Idempotency-Key", k);
        }
        let body = match body {
            Some(b) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let response = self.app.clone().oneshot(request.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Reply { status, json: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null) }
    }

    pub async fn get(&self, uri: &str, token: &str) -> Reply {
        self.send("GET", uri, Some(token), None, None).await
    }

    pub async fn post(&self, uri: &str, token: &str, body: serde_json::Value) -> Reply {
        self.send("POST", uri, Some(token), Some(&body), None).await
    }

    pub async fn token(&self, person_id: &str) -> String {
        let reply = self
            .send("POST", "/api/auth/dev-token", None, Some(&serde_json::json!({ "person_id": person_id })), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        reply.parse::<TokenResponse>().token
    }

    pub fn first(&self, role: Role) -> &'static Person {
        self.firm.people.iter().find(|p| p.role == role).unwrap()
    }

    /// A wealth rep whose direct manager is a manager.
    pub fn wealth_rep(&self) -> &'static Person {
        self.firm
            .people
            .iter()
            .find(|p| {
                p.role == Role::Rep
                    && p.division == Some(Division::Wealth)
                    && p.manager_id.as_ref().is_some_and(|m| self.person(m).role == Role::Manager)
            })
            .unwrap()
    }

    /// The component of the first line of `person`'s statement for `period`, as `token` reads it.
    pub async fn first_line(&self, token: &str, person: &str, period: &str) -> String {
        let s = self.get(&format!("/api/statements/{person}?period={period}"), token).await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.json);
        s.json["statement"]["lines"][0]["component_id"].as_str().unwrap().to_string()
    }

    pub fn person(&self, id: &str) -> &'static Person {
        self.firm.people.iter().find(|p| p.id == id).unwrap()
    }

    /// Whether `manager` is above `person` (the test's own walk, independent of the API's).
    pub fn above(&self, manager: &str, person: &Person) -> bool {
        let mut current = person.manager_id.clone();
        while let Some(m) = current {
            if m == manager {
                return true;
            }
            current = self.person(&m).manager_id.clone();
        }
        false
    }
}
