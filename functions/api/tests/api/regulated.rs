//! Regulated pay through the API (issue 4): on the demo firm, a conduct-flagged adviser's
//! statement carries the regulated statement (conduct gate, deferral, clawback) built from the
//! seeded regulation, ledger and conduct events, and other people's statements are unchanged.

use crate::common::{harness_regulated, planted, regulation};
use axum::http::StatusCode;
use plumbline_firm::api::StatementResponse;
use plumbline_regulation::api::{PayDecisionResponse, RegulatedStatementResponse};
use plumbline_regulation::{LineKind, regulated_statement};
use rust_decimal::Decimal;

#[tokio::test]
async fn a_conduct_flagged_advisers_statement_shows_conduct_deferral_and_clawback() {
    let h = harness_regulated().await;
    let (demo, _) = regulation();
    let claw = &demo.clawback;
    let payee = claw.decision.payee.as_str();
    assert!(planted().conduct_flagged_reps.iter().any(|r| r == payee), "{payee} is conduct-flagged");

    // The adviser reads their own statement for the month of the finding.
    let token = h.token(payee).await;
    let reply = h.get(&format!("/api/statements/{payee}?period={}", claw.period.label), &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    // Old clients still decode the response they knew.
    let plain: StatementResponse = reply.parse();
    assert_eq!(plain.person.person_id, payee);
    let response: RegulatedStatementResponse = reply.parse();
    let regulated = response.regulated.expect("the adviser's plan is regulated");
    let line = |kind| regulated.lines.iter().find(|l| l.kind == kind).unwrap_or_else(|| panic!("no {kind:?} line"));

    let conduct = line(LineKind::Conduct);
    assert_eq!(conduct.reference, claw.event_id);
    assert!(conduct.amount < Decimal::ZERO, "{conduct:?}");
    assert!(conduct.explanation.contains("minor-breach"), "{}", conduct.explanation);

    let deferral = line(LineKind::Deferral);
    assert!(deferral.amount < Decimal::ZERO, "{deferral:?}");
    assert_eq!(-deferral.amount, regulated.deferred);

    let clawback = line(LineKind::Clawback);
    assert_eq!(clawback.amount, -claw.decision.amount);
    assert!(clawback.explanation.contains(&claw.decision.id), "{}", clawback.explanation);

    let sum: Decimal = regulated.lines.iter().map(|l| l.amount).sum();
    assert_eq!(sum, regulated.paid_now);
    assert!(regulated.unvested_total >= regulated.deferred && regulated.deferred > Decimal::ZERO);
    assert!(regulated.summary.contains("clawed back"), "{}", regulated.summary);

    // The store-fed statement is the one the library computes from the firm's records directly.
    let inputs = plumbline_demo::regulated_inputs(h.firm, &demo.plan, payee, &claw.period, claw.ledger.clone());
    let direct = regulated_statement(&demo.plan, &inputs, &claw.period).unwrap();
    assert_eq!(regulated.lines, direct.lines);
    assert_eq!(regulated.paid_now, direct.paid_now);
    assert_eq!(regulated.unvested, direct.unvested);
}

#[tokio::test]
async fn statements_of_unregulated_plans_have_no_regulated_part() {
    let h = harness_regulated().await;
    let (demo, _) = regulation();
    let on_plan: Vec<&str> =
        h.firm.assignments.iter().filter(|a| a.plan_id == demo.plan.plan.id).map(|a| a.person_id.as_str()).collect();
    let other = h
        .firm
        .assignments
        .iter()
        .find(|a| !on_plan.contains(&a.person_id.as_str()) && a.to.is_none())
        .expect("someone on another plan");
    let token = h.token(&h.first(plumbline_firm::Role::Compliance).id).await;
    let reply = h.get(&format!("/api/statements/{}?period=2026-10", other.person_id), &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    assert!(reply.json.get("regulated").is_none(), "{}", reply.json);
    assert!(reply.json.get("statement").is_some());
}

#[tokio::test]
async fn compliance_decides_malus_and_clawback_and_the_statement_shows_them() {
    let h = harness_regulated().await;
    let (demo, _) = regulation();
    let payee = demo.clawback.decision.payee.as_str();
    let compliance = h.token(&h.first(plumbline_firm::Role::Compliance).id).await;

    // Clawback of £100.00 today (2026-11-20), from the most recently paid item.
    let body = serde_json::json!({ "kind": "clawback", "person_id": payee, "amount": "100.00",
                                   "reason": "File review: unsuitable advice in October" });
    let reply = h.post("/api/pay-decisions", &compliance, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let claw: PayDecisionResponse = reply.parse();
    assert_eq!(claw.entries.iter().map(|e| e.date).max(), Some("2026-11-20".parse().unwrap()));

    // Malus of £50.00 on unvested deferred pay; more than is unvested is refused at `amount`.
    let body = serde_json::json!({ "kind": "malus", "person_id": payee, "amount": "50.00", "reason": "Same finding" });
    let reply = h.post("/api/pay-decisions", &compliance, body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let malus: PayDecisionResponse = reply.parse();
    assert!(!malus.entries.is_empty());
    let body =
        serde_json::json!({ "kind": "malus", "person_id": payee, "amount": "99999999.00", "reason": "Too much" });
    let reply = h.post("/api/pay-decisions", &compliance, body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
    assert_eq!(reply.json["field"], "amount");

    // November's statement recovers the £100.00 and records the malus; the lines still sum.
    let reply = h.get(&format!("/api/statements/{payee}?period=2026-11"), &compliance).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let regulated = reply.parse::<RegulatedStatementResponse>().regulated.unwrap();
    let of = |kind, id: &str| regulated.lines.iter().filter(|l| l.kind == kind && l.explanation.contains(id)).count();
    assert!(of(LineKind::Clawback, &claw.decision.id) > 0, "{:?}", regulated.lines);
    assert!(of(LineKind::Malus, &malus.decision.id) > 0, "{:?}", regulated.lines);
    let clawed: Decimal = regulated
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::Clawback && l.explanation.contains(&claw.decision.id))
        .map(|l| l.amount)
        .sum();
    assert_eq!(clawed, Decimal::new(-10_000, 2));
    assert_eq!(regulated.lines.iter().map(|l| l.amount).sum::<Decimal>(), regulated.paid_now);

    // Unregulated payees have no ledger: a manual adjustment proposal is the way.
    let on_plan: Vec<&str> =
        h.firm.assignments.iter().filter(|a| a.plan_id == demo.plan.plan.id).map(|a| a.person_id.as_str()).collect();
    let other = h.firm.assignments.iter().find(|a| !on_plan.contains(&a.person_id.as_str()) && a.to.is_none()).unwrap();
    let body = serde_json::json!({ "kind": "clawback", "person_id": other.person_id, "amount": "1.00", "reason": "x" });
    let reply = h.post("/api/pay-decisions", &compliance, body).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
    assert_eq!(reply.json["code"], "not_regulated");
}
