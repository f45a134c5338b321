//! Every route against every role, including reaching other people's records. The expected
//! outcomes are written out by hand below; a route in the table without a row here fails.

use crate::common::{Harness, harness};
use axum::http::StatusCode;
use plumbline_firm::{Division, Role};
use serde_json::{Value, json};

/// Callers, in the order of each row's letters.
const CALLERS: [&str; 8] = [
    "rep (self)",
    "rep (other division)",
    "manager of the rep",
    "other manager",
    "designer",
    "compliance",
    "admin",
    "leadership",
];

/// o = 200, f = 403, n = 404 (exists but not visible), v = 400/409/422 (reached the handler,
/// whose validation refused the deliberately incomplete body).
const EXPECTED: &[(&str, &str)] = &[
    ("GET /health", "oooooooo"),
    ("GET /openapi.json", "oooooooo"),
    ("GET /auth/personas", "oooooooo"),
    ("POST /auth/dev-token", "oooooooo"),
    ("GET /auth/jwks", "oooooooo"),
    ("GET /me", "oooooooo"),
    ("GET /people", "oooooooo"),
    ("POST /people", "ffffffvf"),
    ("GET /people/{person_id}", "ononoooo"),
    ("PUT /people/{person_id}", "ffffffvf"),
    ("GET /org", "oooooooo"),
    ("GET /teams", "oooooooo"),
    ("GET /plans", "oooooooo"),
    ("GET /plans/{plan_id}/versions", "onoooooo"),
    ("GET /plans/{plan_id}/versions/{version}", "onoooooo"),
    ("POST /plans/validate", "ffffofff"),
    ("POST /plans/simulate", "ffffvffv"),
    ("GET /people/{person_id}/assignments", "ononoooo"),
    ("POST /people/{person_id}/assignments", "ffffvfvf"),
    ("GET /people/{person_id}/quotas", "ononnono"),
    ("GET /people/{person_id}/transactions", "ononnono"),
    ("GET /statements/{person_id}", "ononnono"),
    ("GET /people/{person_id}/conduct", "ononnono"),
    ("GET /conduct", "oooooooo"),
    ("POST /conduct", "fffffvff"),
    ("GET /pipeline", "ononoooo"),
    ("GET /pipeline/hygiene", "oooooooo"),
    ("GET /approvals", "oooooooo"),
    ("POST /approvals", "ffvfvfff"),
    ("GET /approvals/{proposal_id}", "ononoono"),
    ("POST /approvals/{proposal_id}/decision", "fffnvfnf"),
    ("GET /approval-policy", "oooooooo"),
    ("PUT /approval-policy", "ffffffvf"),
    ("GET /disputes", "oooooooo"),
    ("POST /disputes", "vvvvvvvf"),
    ("GET /disputes/{dispute_id}", "ononnono"),
    ("POST /disputes/{dispute_id}/resolve", "ffvnffff"),
    ("GET /audit", "fffffooo"),
    ("GET /audit/verify", "fffffooo"),
    ("POST /imports/{kind}", "ffffffvf"),
    ("GET /imports/jobs/{job_id}", "ffffffnf"),
    ("POST /pay-decisions", "fffffvff"),
    ("POST /periods/{period}/close", "ffffffvf"),
    ("POST /planning/quotas", "ffffvffv"),
    ("POST /planning/territories", "ffffvffv"),
    ("POST /planning/quotas/proposals", "ffffvfff"),
    ("POST /planning/territories/proposals", "ffffvfff"),
    ("GET /coach/nudges/{person_id}", "ononnono"),
    ("GET /coach/interventions", "ffoofffo"),
    ("GET /coach/risk", "fffffffo"),
    ("GET /coach/reviews/{person_id}", "ononnono"),
    ("GET /coach/reviews/{person_id}/draft", "ffonffff"),
    ("POST /coach/reviews/{person_id}", "ffvnffff"),
    ("PUT /coach/reviews/{person_id}/{review_id}", "ffnnffff"),
];

struct World {
    rep: String,
    other_rep: String,
    manager: String,
    other_manager: String,
    proposal: String,
    dispute: String,
}

async fn world(h: &Harness) -> World {
    let rep = h.wealth_rep();
    let manager = rep.manager_id.clone().unwrap();
    let other_rep =
        h.firm.people.iter().find(|p| p.role == Role::Rep && p.division == Some(Division::AssetServicing)).unwrap();
    let other_manager =
        h.firm.people.iter().find(|p| p.role == Role::Manager && p.id != manager && !h.above(&p.id, rep)).unwrap();
    let manager_token = h.token(&manager).await;
    let proposal = h
        .post(
            "/api/approvals",
            &manager_token,
            json!({ "change": { "kind": "quota_change", "person_id": rep.id, "year_start": "2026-01-01", "amount": "500000" }, "reason": "matrix" }),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    let rep_token = h.token(&rep.id).await;
    let component = h.first_line(&rep_token, &rep.id, "2026-10").await;
    let dispute = h
        .post(
            "/api/disputes",
            &rep_token,
            json!({ "period": "2026-10", "component_id": component, "comment": "missing a deal" }),
        )
        .await;
    assert_eq!(dispute.status, StatusCode::OK, "{}", dispute.json);
    World {
        rep: rep.id.clone(),
        other_rep: other_rep.id.clone(),
        manager,
        other_manager: other_manager.id.clone(),
        proposal: proposal.json["id"].as_str().unwrap().to_string(),
        dispute: dispute.json["id"].as_str().unwrap().to_string(),
    }
}

fn body(route: &str, w: &World, h: &Harness) -> Option<Value> {
    let rep = h.person(&w.rep);
    Some(match route {
        "POST /auth/dev-token" => json!({ "person_id": w.rep }),
        "POST /people" => {
            let mut p = serde_json::to_value(rep).unwrap();
            p["id"] = json!("P-NEW");
            p["name"] = json!("");
            p
        }
        "PUT /people/{person_id}" => {
            let mut p = serde_json::to_value(rep).unwrap();
            p["id"] = json!("P-OTHER");
            p
        }
        "POST /plans/validate" => json!({}),
        "POST /plans/simulate" => json!({}),
        "POST /people/{person_id}/assignments" => {
            json!({ "plan_id": "no-such-plan", "plan_version": 1, "from": "2026-12-01", "reason": "matrix" })
        }
        "POST /conduct" => {
            json!({ "person_id": w.rep, "date": "2026-11-01", "kind": "overdue_training", "severity": "minor", "description": "" })
        }
        "POST /approvals" => {
            json!({ "change": { "kind": "quota_change", "person_id": w.rep, "year_start": "2026-01-01", "amount": "1" }, "reason": "" })
        }
        "POST /approvals/{proposal_id}/decision" => json!({ "approve": false, "comment": "" }),
        "PUT /approval-policy" => json!({ "chains": [] }),
        "POST /disputes" => json!({ "period": "2026-10", "component_id": "no-such-line", "comment": "wrong" }),
        "POST /disputes/{dispute_id}/resolve" => json!({ "type": "explanation", "text": "" }),
        // A mapping that is not one: refused before the import is accepted to run.
        "POST /imports/{kind}" => json!({ "file_name": "empty.csv", "content": "", "mapping": { "kind": 1 } }),
        "POST /coach/reviews/{person_id}" => json!({ "from": "2026-11-01", "to": "2026-10-01", "sections": [] }),
        "PUT /coach/reviews/{person_id}/{review_id}" => json!({ "version": 1, "sections": [], "reason": "matrix" }),
        _ => return None,
    })
}

fn uri(path: &str, w: &World) -> String {
    let path = path
        .replace("{person_id}", &w.rep)
        .replace("{plan_id}", "wm-adviser")
        .replace("{version}", "1")
        .replace("{proposal_id}", &w.proposal)
        .replace("{dispute_id}", &w.dispute)
        .replace("{kind}", "opportunities")
        .replace("{job_id}", "no-such-job")
        .replace("{review_id}", "no-such-review");
    let query = if path == "/pipeline" { format!("?owner={}", w.rep) } else { String::new() };
    format!("/api{path}{query}")
}

#[tokio::test]
async fn every_route_against_every_role() {
    let h = harness().await;
    let w = world(&h).await;
    let table = plumbline_api::table();
    let keys: Vec<String> = table.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    for key in &keys {
        assert!(EXPECTED.iter().any(|(k, _)| k == key), "route {key} has no row in the role matrix");
    }
    for (key, _) in EXPECTED {
        assert!(keys.contains(&key.to_string()), "matrix row {key} names no route");
    }
    let callers = [
        w.rep.clone(),
        w.other_rep.clone(),
        w.manager.clone(),
        w.other_manager.clone(),
        h.first(Role::Designer).id.clone(),
        h.first(Role::Compliance).id.clone(),
        h.first(Role::Admin).id.clone(),
        h.first(Role::Leadership).id.clone(),
    ];
    let mut tokens = Vec::new();
    for c in &callers {
        tokens.push(h.token(c).await);
    }
    let rep_name = h.person(&w.rep).name.clone();
    let mut failures = Vec::new();
    for route in &table {
        let key = format!("{} {}", route.method, route.path);
        let row = EXPECTED.iter().find(|(k, _)| *k == key).unwrap().1;
        let (method, _) = key.split_once(' ').unwrap();
        let target = uri(route.path, &w);
        let payload = body(&key, &w, &h);
        if matches!(route.access, plumbline_api::authz::Access::Roles(_)) {
            let anonymous = h.send(method, &target, None, payload.as_ref(), None).await;
            if anonymous.status != StatusCode::UNAUTHORIZED {
                failures.push(format!("{key} without a token: {}", anonymous.status));
            }
        }
        for (i, expected) in row.chars().enumerate() {
            let reply = h.send(method, &target, Some(&tokens[i]), payload.as_ref(), None).await;
            let s = reply.status;
            let ok = match expected {
                'o' => s == StatusCode::OK,
                'f' => s == StatusCode::FORBIDDEN,
                'n' => s == StatusCode::NOT_FOUND,
                'v' => [StatusCode::BAD_REQUEST, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY].contains(&s),
                other => panic!("unknown code {other}"),
            };
            if !ok {
                failures.push(format!("{key} as {}: expected {expected}, got {s}: {}", CALLERS[i], reply.json));
            }
            if matches!(expected, 'f' | 'n') && reply.json.to_string().contains(&rep_name) {
                failures.push(format!("{key} as {}: refusal leaks the rep's name", CALLERS[i]));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn lists_only_hold_what_the_caller_may_see() {
    let h = harness().await;
    let w = world(&h).await;
    let rep_token = h.token(&w.rep).await;
    let people = h.get("/api/people?limit=500", &rep_token).await;
    for p in people.json["items"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(id == w.rep || h.above(id, h.person(&w.rep)), "a rep sees {id}");
        assert!(id == w.rep || p.get("fixed_pay").is_none(), "a rep sees {id}'s pay");
    }
    let pipeline = h.get("/api/pipeline?limit=500", &rep_token).await;
    assert!(pipeline.json["items"].as_array().unwrap().iter().all(|o| o["owner_id"] == json!(w.rep)));
    let plans = h.get("/api/plans", &rep_token).await;
    assert_eq!(plans.json.as_array().unwrap().len(), 1, "a rep sees only their plan: {}", plans.json);
    let other_manager = h.token(&w.other_manager).await;
    let approvals = h.get("/api/approvals", &other_manager).await;
    assert!(approvals.json["items"].as_array().unwrap().is_empty(), "another manager sees no proposal about the rep");
    let disputes = h.get("/api/disputes", &other_manager).await;
    assert!(disputes.json["items"].as_array().unwrap().is_empty());
    let manager = h.token(&w.manager).await;
    let team = h.get("/api/pipeline?limit=500", &manager).await;
    for o in team.json["items"].as_array().unwrap() {
        let owner = o["owner_id"].as_str().unwrap();
        assert!(owner == w.manager || h.above(&w.manager, h.person(owner)), "manager sees {owner}'s pipeline");
    }
}
