//! Quota allocation and territory balancing through the API (issue 9), on the demo firm: both
//! computations, and both results submitted into the approvals flow and applied on approval.

use crate::common::{Harness, harness};
use axum::http::StatusCode;
use plumbline_firm::workflow::{Proposal, ProposalStatus, ProposedChange};
use plumbline_firm::{Client, Division, Quota, Role};
use plumbline_planning::{QuotaPlan, TerritoryProposal};
use plumbline_store::{Store, keys};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A wealth team with sellers: the scope of every test here.
fn team(h: &Harness) -> String {
    h.firm
        .people
        .iter()
        .find(|p| p.role == Role::Rep && p.division == Some(Division::Wealth))
        .unwrap()
        .team_id
        .clone()
        .unwrap()
}

fn quota_body(team: &str) -> Value {
    json!({ "scope": { "kind": "team", "id": team }, "method": { "kind": "blend", "potential": "0.5", "history": "0.4", "capacity": "0.1" } })
}

#[tokio::test]
async fn designers_and_leadership_run_both_allocations_and_the_comparison() {
    let h = harness().await;
    let team = team(&h);
    for role in [Role::Designer, Role::Leadership] {
        let token = h.token(&h.first(role).id).await;
        let reply = h.post("/api/planning/quotas", &token, quota_body(&team)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let plan: QuotaPlan = reply.parse();
        let sellers =
            h.firm.people.iter().filter(|p| p.role == Role::Rep && p.team_id.as_deref() == Some(&team)).count();
        assert_eq!(plan.sellers.len(), sellers);
        for allocation in [&plan.data_driven, &plan.spread_around] {
            assert_eq!(allocation.lines.iter().map(|l| l.quota).sum::<Decimal>(), plan.target);
        }
        assert_eq!(plan.comparison.rows.len(), sellers);
    }

    // A chosen target and an override: the override is kept with its reason.
    let token = h.token(&h.first(Role::Designer).id).await;
    let seller = h.firm.people.iter().find(|p| p.role == Role::Rep && p.team_id.as_deref() == Some(&team)).unwrap();
    let mut body = quota_body(&team);
    body["target"] = json!("5000000.00");
    body["overrides"] =
        json!([{ "person_id": seller.id, "amount": "400000.00", "reason": "Parental leave from June" }]);
    let plan: QuotaPlan = h.post("/api/planning/quotas", &token, body.clone()).await.parse();
    assert_eq!(plan.target, Decimal::new(500_000_000, 2));
    let line = plan.data_driven.lines.iter().find(|l| l.person_id == seller.id).unwrap();
    assert_eq!(line.quota, Decimal::new(40_000_000, 2));
    assert!(line.applied_override.is_some());

    // An override without a reason is refused at its path.
    body["overrides"][0]["reason"] = json!("");
    let reply = h.post("/api/planning/quotas", &token, body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
    assert_eq!(reply.json["field"], "overrides[0].reason", "{}", reply.json);
}

#[tokio::test]
async fn territories_are_balanced_within_the_move_cap() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Designer).id).await;
    let body = json!({ "scope": { "kind": "team", "id": team(&h) }, "max_moved_share": "0.2" });
    let reply = h.post("/api/planning/territories", &token, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let proposal: TerritoryProposal = reply.parse();
    assert_eq!(proposal.assignments.len(), proposal.summary.accounts);
    assert_eq!(proposal.moves.len(), proposal.summary.moved);
    assert!(proposal.summary.moved <= proposal.summary.max_moves);
    assert!(proposal.summary.objective_after <= proposal.summary.objective_before);
}

/// Approves the step waiting on `person` and returns the proposal.
async fn approve(h: &Harness, person: &str, id: &str) -> Proposal {
    let token = h.token(person).await;
    let queue: Value = h.get("/api/approvals?waiting_on_me=true", &token).await.json;
    assert!(queue["items"].as_array().unwrap().iter().any(|p| p["id"] == id), "{id} waits on {person}: {queue}");
    let reply =
        h.post(&format!("/api/approvals/{id}/decision"), &token, json!({ "approve": true, "comment": "" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    reply.parse()
}

#[tokio::test]
async fn an_approved_quota_allocation_stores_the_quotas() {
    let h = harness().await;
    let designer = h.token(&h.first(Role::Designer).id).await;
    let body = json!({ "plan": quota_body(&team(&h)), "allocation": "data_driven", "reason": "Next year's quotas from the data" });
    let reply = h.post("/api/planning/quotas/proposals", &designer, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let proposal: Proposal = reply.parse();
    assert_eq!(proposal.status, ProposalStatus::Pending);
    let ProposedChange::QuotaAllocation { year_start, quotas, .. } = &proposal.change else { panic!("{proposal:?}") };
    let cost = proposal.cost_impact.as_ref().expect("costed");
    assert_eq!(cost.payees, quotas.len());
    assert_eq!(cost.delta, cost.after - cost.before);

    let manager = &h.first(Role::Manager).id;
    assert_eq!(approve(&h, manager, &proposal.id).await.status, ProposalStatus::Pending);
    let done = approve(&h, &h.first(Role::Compliance).id, &proposal.id).await;
    assert_eq!(done.status, ProposalStatus::Approved);
    for q in quotas {
        let stored: Quota =
            h.store.get(&keys::quotas(&q.person_id), &year_start.to_string()).await.unwrap().unwrap().decode().unwrap();
        assert_eq!(stored.amount, q.amount);
    }
    let audit = h.get("/api/audit?limit=500", &h.token(&h.first(Role::Compliance).id).await).await.json;
    assert!(audit["items"].as_array().unwrap().iter().any(|r| r["action"] == "proposal.approved"), "{audit}");
}

#[tokio::test]
async fn an_approved_territory_map_moves_the_accounts() {
    let h = harness().await;
    let designer = h.token(&h.first(Role::Designer).id).await;
    let plan = json!({ "scope": { "kind": "team", "id": team(&h) }, "max_moved_share": "0.05" });
    let reply =
        h.post("/api/planning/territories/proposals", &designer, json!({ "plan": plan, "reason": "Even books" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let proposal: Proposal = reply.parse();
    let ProposedChange::TerritoryMap { moves, .. } = &proposal.change else { panic!("{proposal:?}") };
    assert!(!moves.is_empty());
    approve(&h, &h.first(Role::Manager).id, &proposal.id).await;
    assert_eq!(approve(&h, &h.first(Role::Compliance).id, &proposal.id).await.status, ProposalStatus::Approved);
    for m in moves {
        assert!(h.store.get(&keys::clients(&m.from), &m.client_id).await.unwrap().is_none());
        let client: Client = h.store.get(&keys::clients(&m.to), &m.client_id).await.unwrap().unwrap().decode().unwrap();
        assert_eq!(client.owner_id, m.to);
    }
}
