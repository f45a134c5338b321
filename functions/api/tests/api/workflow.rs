//! Approvals, disputes, idempotency, pagination, the OpenAPI document and the audit chain,
//! end to end through the router over a seeded demo firm.

use crate::common::{Harness, harness};
use axum::http::StatusCode;
use plumbline_firm::{Person, Role};
use plumbline_store::audit::{AuditRecord, verify};
use plumbline_store::{Item, Store, keys};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}"))).unwrap()
}

async fn audit_actions(h: &Harness) -> Vec<String> {
    let token = h.token(&h.first(Role::Compliance).id).await;
    let mut actions = Vec::new();
    let mut uri = "/api/audit?limit=50".to_string();
    loop {
        let page = h.get(&uri, &token).await;
        assert_eq!(page.status, StatusCode::OK);
        for r in page.json["items"].as_array().unwrap() {
            actions.push(r["action"].as_str().unwrap().to_string());
        }
        match page.json["next"].as_str() {
            Some(next) => uri = format!("/api/audit?limit=50&cursor={next}"),
            None => return actions,
        }
    }
}

#[tokio::test]
async fn a_disputed_line_settled_by_an_approved_adjustment_is_paid_in_the_next_statement() {
    let h = harness().await;
    let rep = h.wealth_rep();
    let manager = rep.manager_id.clone().unwrap();
    let (rep_t, manager_t) = (h.token(&rep.id).await, h.token(&manager).await);
    let designer_t = h.token(&h.first(Role::Designer).id).await;
    let component = h.first_line(&rep_t, &rep.id, "2026-10").await;
    let before = h.get(&format!("/api/statements/{}?period=2026-11", rep.id), &rep_t).await;
    let before_total = dec(&before.json["statement"]["total"]);

    let dispute = h
        .post(
            "/api/disputes",
            &rep_t,
            json!({ "period": "2026-10", "component_id": component, "comment": "the Okafor mandate is missing" }),
        )
        .await;
    assert_eq!(dispute.status, StatusCode::OK, "{}", dispute.json);
    assert_eq!(dispute.json["assigned_to"], json!(manager), "routed to the rep's manager");
    let id = dispute.json["id"].as_str().unwrap().to_string();

    let resolved = h
        .post(
            &format!("/api/disputes/{id}/resolve"),
            &manager_t,
            json!({ "type": "adjustment", "amount": "123.45", "text": "mandate booked late" }),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.json);
    assert_eq!(resolved.json["status"], json!("adjustment_proposed"));
    let proposal_id = resolved.json["resolution"]["proposal_id"].as_str().unwrap().to_string();
    let proposal = h.get(&format!("/api/approvals/{proposal_id}"), &designer_t).await;
    assert_eq!(dec(&proposal.json["cost_impact"]["delta"]), Decimal::from_str("123.45").unwrap());
    assert_eq!(proposal.json["decisions"].as_array().unwrap().len(), 1, "the manager's step is their proposal");

    let unchanged = h.get(&format!("/api/statements/{}?period=2026-11", rep.id), &rep_t).await;
    assert_eq!(dec(&unchanged.json["statement"]["total"]), before_total, "nothing is paid before approval");
    let own = h.post(&format!("/api/approvals/{proposal_id}/decision"), &manager_t, json!({ "approve": true })).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "the proposer cannot approve their own proposal");

    let approved = h
        .post(
            &format!("/api/approvals/{proposal_id}/decision"),
            &designer_t,
            json!({ "approve": true, "comment": "agreed" }),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
    assert_eq!(approved.json["status"], json!("approved"));
    let again =
        h.post(&format!("/api/approvals/{proposal_id}/decision"), &designer_t, json!({ "approve": true })).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a decided proposal stays decided");
    let dispute = h.get(&format!("/api/disputes/{id}"), &rep_t).await;
    assert_eq!(dispute.json["status"], json!("resolved"));

    let after = h.get(&format!("/api/statements/{}?period=2026-11", rep.id), &rep_t).await;
    let statement = &after.json["statement"];
    let total = dec(&statement["total"]);
    assert_eq!(total - before_total, Decimal::from_str("123.45").unwrap(), "paid exactly once, in the next statement");
    let lines = statement["lines"].as_array().unwrap();
    assert_eq!(lines.iter().map(|l| dec(&l["amount"])).sum::<Decimal>(), total, "lines still sum to the total");
    assert!(lines.iter().any(|l| l["kind"] == json!("adjustment") && l["component_id"] == json!(component)));
    assert_eq!(after.json["adjustments"][0]["dispute_id"], json!(id), "the statement names the dispute it settles");
    let december = h.get(&format!("/api/statements/{}?period=2026-10", rep.id), &rep_t).await;
    assert!(december.json.get("adjustments").is_none(), "the disputed month itself is not rewritten");

    let actions = audit_actions(&h).await;
    for a in ["dispute.raised", "dispute.adjustment_proposed", "proposal.approved"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    assert!(verify(h.store.as_ref()).await.unwrap().ok);
}

#[tokio::test]
async fn disputes_close_with_an_explanation_or_reopen_when_the_adjustment_is_rejected() {
    let h = harness().await;
    let rep = h.wealth_rep();
    let manager = rep.manager_id.clone().unwrap();
    let (rep_t, manager_t) = (h.token(&rep.id).await, h.token(&manager).await);
    let designer_t = h.token(&h.first(Role::Designer).id).await;
    let component = h.first_line(&rep_t, &rep.id, "2026-09").await;
    let raise = |comment: &'static str| {
        let (h, rep_t, component) = (&h, &rep_t, component.clone());
        async move {
            let r = h
                .post(
                    "/api/disputes",
                    rep_t,
                    json!({ "period": "2026-09", "component_id": component, "comment": comment }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
            r.json["id"].as_str().unwrap().to_string()
        }
    };
    let first = raise("tier looks wrong").await;
    let explained = h
        .post(
            &format!("/api/disputes/{first}/resolve"),
            &manager_t,
            json!({ "type": "explanation", "text": "the second tier starts at 100% of quota" }),
        )
        .await;
    assert_eq!(explained.json["status"], json!("resolved"));
    let twice = h
        .post(&format!("/api/disputes/{first}/resolve"), &manager_t, json!({ "type": "explanation", "text": "again" }))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    let second = raise("missing trail").await;
    let proposed = h
        .post(
            &format!("/api/disputes/{second}/resolve"),
            &manager_t,
            json!({ "type": "adjustment", "amount": "50", "text": "trail" }),
        )
        .await;
    let proposal = proposed.json["resolution"]["proposal_id"].as_str().unwrap().to_string();
    let no_reason =
        h.post(&format!("/api/approvals/{proposal}/decision"), &designer_t, json!({ "approve": false })).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "a rejection says why");
    assert_eq!(no_reason.json["field"], json!("comment"));
    let rejected = h
        .post(
            &format!("/api/approvals/{proposal}/decision"),
            &designer_t,
            json!({ "approve": false, "comment": "trail was paid in August" }),
        )
        .await;
    assert_eq!(rejected.json["status"], json!("rejected"));
    assert_eq!(h.get(&format!("/api/disputes/{second}"), &rep_t).await.json["status"], json!("reopened"));
    let wrong_line =
        h.post("/api/disputes", &rep_t, json!({ "period": "2026-09", "component_id": "nope", "comment": "x" })).await;
    assert_eq!(
        (wrong_line.status, wrong_line.json["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("component_id"))
    );
}

#[tokio::test]
async fn a_quota_change_shows_its_cost_and_applies_only_when_approved() {
    let h = harness().await;
    let rep = h.wealth_rep();
    let manager_t = h.token(rep.manager_id.as_deref().unwrap()).await;
    let designer_t = h.token(&h.first(Role::Designer).id).await;
    let quotas = h.get(&format!("/api/people/{}/quotas", rep.id), &manager_t).await;
    let current =
        quotas.json.as_array().unwrap().iter().find(|q| q["year_start"] == json!("2026-01-01")).unwrap().clone();
    let lower = (dec(&current["amount"]) / Decimal::from(2)).round_dp(2);
    let proposal = h
        .post(
            "/api/approvals",
            &manager_t,
            json!({ "change": { "kind": "quota_change", "person_id": rep.id, "year_start": "2026-01-01", "amount": lower.to_string() }, "reason": "territory halved" }),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    let impact = &proposal.json["cost_impact"];
    assert!(dec(&impact["delta"]) > Decimal::ZERO, "a lower quota costs more: {impact}");
    assert_eq!(dec(&impact["after"]) - dec(&impact["before"]), dec(&impact["delta"]));
    let unchanged = h.get(&format!("/api/people/{}/quotas", rep.id), &manager_t).await;
    assert!(unchanged.json.as_array().unwrap().contains(&current), "pending changes nothing");
    let id = proposal.json["id"].as_str().unwrap();
    let approved = h.post(&format!("/api/approvals/{id}/decision"), &designer_t, json!({ "approve": true })).await;
    assert_eq!(approved.json["status"], json!("approved"), "{}", approved.json);
    let changed = h.get(&format!("/api/people/{}/quotas", rep.id), &manager_t).await;
    let now = changed.json.as_array().unwrap().iter().find(|q| q["year_start"] == json!("2026-01-01")).unwrap().clone();
    assert_eq!(dec(&now["amount"]), lower);
    let wrong_year = h
        .post(
            "/api/approvals",
            &manager_t,
            json!({ "change": { "kind": "quota_change", "person_id": rep.id, "year_start": "2026-02-01", "amount": "1" }, "reason": "x" }),
        )
        .await;
    assert_eq!(wrong_year.json["field"], json!("change.year_start"));
}

#[tokio::test]
async fn a_plan_version_is_validated_simulated_and_approved_by_manager_then_compliance() {
    let h = harness().await;
    let designer_t = h.token(&h.first(Role::Designer).id).await;
    let v1 = h.get("/api/plans/wm-adviser/versions/1", &designer_t).await.json;
    let mut bad = v1.clone();
    bad["version"] = json!(2);
    bad["components"][0]["tiers"][0]["rate"] = json!("5");
    let refused = h
        .post(
            "/api/approvals",
            &designer_t,
            json!({ "change": { "kind": "plan_version", "plan": bad }, "reason": "x" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert_eq!(refused.json["field"], json!("change.plan.components[0].tiers[0].rate"));
    let validation = h.post("/api/plans/validate", &designer_t, bad.clone()).await;
    assert_eq!(validation.json["valid"], json!(false));
    assert_eq!(validation.json["problems"][0]["path"], json!("components[0].tiers[0].rate"));
    let mut malformed = v1.clone();
    malformed["components"][0]["tiers"] = json!("lots");
    let parse = h.post("/api/plans/validate", &designer_t, malformed).await;
    // Components are a tagged enum, whose inner path serde cannot see: the path stops at the component.
    assert_eq!(parse.json["problems"][0]["path"], json!("components[0]"), "{}", parse.json);
    assert!(parse.json["problems"][0]["message"].as_str().unwrap().contains("expected a sequence"));

    let mut v2 = v1.clone();
    v2["version"] = json!(2);
    v2["name"] = json!("Wealth Adviser Plan 2027");
    let skipped = {
        let mut v3 = v2.clone();
        v3["version"] = json!(3);
        h.post(
            "/api/approvals",
            &designer_t,
            json!({ "change": { "kind": "plan_version", "plan": v3 }, "reason": "x" }),
        )
        .await
    };
    assert_eq!(skipped.json["field"], json!("change.plan.version"));
    let proposal = h
        .post(
            "/api/approvals",
            &designer_t,
            json!({ "change": { "kind": "plan_version", "plan": v2 }, "reason": "renamed for 2027" }),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    let impact = &proposal.json["cost_impact"];
    assert!(impact["payees"].as_u64().unwrap() > 10, "{impact}");
    assert_eq!(dec(&impact["delta"]), Decimal::ZERO, "same rules, same cost");
    let id = proposal.json["id"].as_str().unwrap();
    let manager = h.token(&h.first(Role::Manager).id).await;
    let compliance = h.token(&h.first(Role::Compliance).id).await;
    let early = h.post(&format!("/api/approvals/{id}/decision"), &compliance, json!({ "approve": true })).await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "compliance waits for the manager step");
    let step = h.post(&format!("/api/approvals/{id}/decision"), &manager, json!({ "approve": true })).await;
    assert_eq!(step.json["status"], json!("pending"));
    // The compliance officer deciding next sees the proposer and the manager by name, though the
    // manager sees the designer, who is outside their part of the directory, only here.
    let (designer, manager_person) = (h.first(Role::Designer), h.first(Role::Manager));
    let directory = h.get("/api/people?limit=500", &manager).await.json;
    assert!(!directory["items"].as_array().unwrap().iter().any(|p| p["id"] == json!(designer.id)));
    for (reader, what) in [(&manager, "the manager"), (&compliance, "compliance")] {
        let listed = h.get("/api/approvals", reader).await.json;
        assert!(listed["items"].as_array().unwrap().iter().any(|p| p["id"] == json!(id)), "{what}: {listed}");
        assert_eq!(listed["names"][&designer.id], json!(designer.name), "{what} sees the proposer's name");
        assert_eq!(listed["names"][&manager_person.id], json!(manager_person.name), "{what} sees the decider's name");
    }
    assert_eq!(h.get("/api/plans/wm-adviser/versions", &designer_t).await.json.as_array().unwrap().len(), 1);
    let last = h.post(&format!("/api/approvals/{id}/decision"), &compliance, json!({ "approve": true })).await;
    assert_eq!(last.json["status"], json!("approved"), "{}", last.json);
    let versions = h.get("/api/plans/wm-adviser/versions", &designer_t).await;
    assert_eq!(versions.json[1]["name"], json!("Wealth Adviser Plan 2027"));
    let actions = audit_actions(&h).await;
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("proposal.")).count(),
        3,
        "created, step, approved: {actions:?}"
    );
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_result_and_refuse_a_different_body() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Compliance).id).await;
    let person = h.wealth_rep().id.clone();
    let body = json!({ "person_id": person, "date": "2026-11-02", "kind": "overdue_training", "severity": "minor", "description": "AML module" });
    let records = || async { verify(h.store.as_ref()).await.unwrap().records };
    let start = records().await;
    let first = h.send("POST", "/api/conduct", Some(&token), Some(&body), Some("k-1")).await;
    let second = h.send("POST", "/api/conduct", Some(&token), Some(&body), Some("k-1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json, second.json, "the same key and body return the first result");
    assert_eq!(records().await, start + 1, "and change nothing the second time");
    let mut other = body.clone();
    other["description"] = json!("different");
    let conflict = h.send("POST", "/api/conduct", Some(&token), Some(&other), Some("k-1")).await;
    assert_eq!(
        (conflict.status, conflict.json["code"].clone()),
        (StatusCode::CONFLICT, json!("idempotency_key_reused"))
    );
    let events = h.get(&format!("/api/people/{person}/conduct"), &token).await;
    let mine = events.json.as_array().unwrap().iter().filter(|e| e["description"] == json!("AML module")).count();
    assert_eq!(mine, 1);
    let without_key = h.send("POST", "/api/conduct", Some(&token), Some(&body), None).await;
    assert_ne!(without_key.json["id"], first.json["id"], "without a key each call is a new write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_audited_writes_through_the_api_leave_a_gap_free_chain() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Compliance).id).await;
    let person = h.wealth_rep().id.clone();
    let start = verify(h.store.as_ref()).await.unwrap().records;
    let tasks: Vec<_> = (0..1000)
        .map(|n| {
            let (app, token, person) = (h.app.clone(), token.clone(), person.clone());
            tokio::spawn(async move {
                use tower::ServiceExt;
                let body = json!({ "person_id": person, "date": "2026-11-03", "kind": "overdue_training", "severity": "minor", "description": format!("event {n}") });
                let request = axum::http::Request::post("/api/conduct")
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap();
                app.oneshot(request).await.unwrap().status()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let check = verify(h.store.as_ref()).await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.records, start + 1000, "one record per write, no gap, no fork");
}

#[tokio::test]
async fn the_verify_endpoint_names_the_first_tampered_record() {
    let h = harness().await;
    let token = h.token(&h.first(Role::Compliance).id).await;
    let body = json!({ "person_id": h.wealth_rep().id, "date": "2026-11-02", "kind": "overdue_training", "severity": "minor", "description": "one" });
    for _ in 0..3 {
        assert_eq!(h.post("/api/conduct", &token, body.clone()).await.status, StatusCode::OK);
    }
    let ok = h.get("/api/audit/verify", &token).await;
    assert_eq!((ok.json["ok"].clone(), ok.json["records"].clone()), (json!(true), json!(4)));
    let item = h.store.get(keys::AUDIT, &keys::audit_seq(3)).await.unwrap().unwrap();
    let mut record: AuditRecord = item.decode().unwrap();
    record.entry.actor = "someone-else".into();
    h.store.put_many(vec![Item::new(keys::AUDIT, keys::audit_seq(3), &record).unwrap()]).await.unwrap();
    let broken = h.get("/api/audit/verify", &token).await;
    assert_eq!(broken.json["ok"], json!(false));
    assert_eq!(broken.json["first_broken"]["seq"], json!(3));
}

#[tokio::test]
async fn long_lists_page_without_gaps_or_repeats_and_filter() {
    let h = harness().await;
    let rep = h.wealth_rep();
    let token = h.token(&h.first(Role::Leadership).id).await;
    let whole = h.get(&format!("/api/people/{}/transactions?period=2026&limit=500", rep.id), &token).await;
    let all: Vec<Value> = whole.json["items"].as_array().unwrap().clone();
    assert!(all.len() > 20 && whole.json.get("next").is_none(), "{} transactions", all.len());
    let mut paged = Vec::new();
    let mut uri = format!("/api/people/{}/transactions?period=2026&limit=7", rep.id);
    loop {
        let page = h.get(&uri, &token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.json);
        paged.extend(page.json["items"].as_array().unwrap().iter().cloned());
        assert!(paged.len() <= all.len(), "paging repeats items");
        match page.json["next"].as_str() {
            Some(next) => uri = format!("/api/people/{}/transactions?period=2026&limit=7&cursor={next}", rep.id),
            None => break,
        }
    }
    assert_eq!(paged, all, "pages cover the list exactly once, in order");
    assert!(all.iter().all(|t| t["transaction"]["date"].as_str().unwrap().starts_with("2026")));
    assert!(all.iter().any(|t| !t["credits"].as_array().unwrap().is_empty()), "credits come with the transactions");
    let kind = all[0]["transaction"]["kind"].clone();
    let filtered = h
        .get(
            &format!("/api/people/{}/transactions?period=2026&limit=500&kind={}", rep.id, kind.as_str().unwrap()),
            &token,
        )
        .await;
    let n = all.iter().filter(|t| t["transaction"]["kind"] == kind).count();
    assert_eq!(filtered.json["items"].as_array().unwrap().len(), n);
    let bad = h.get(&format!("/api/people/{}/transactions?kind=gift", rep.id), &token).await;
    assert_eq!((bad.status, bad.json["field"].clone()), (StatusCode::BAD_REQUEST, json!("kind")));

    let manager = h.token(rep.manager_id.as_deref().unwrap()).await;
    let open = h.get("/api/pipeline?open=true&limit=500", &manager).await;
    assert!(open.json.get("next").is_none(), "one page holds the team's open pipeline");
    let everything: Vec<Value> = open.json["items"].as_array().unwrap().clone();
    assert!(everything.len() > 9, "{} open opportunities", everything.len());
    assert!(everything.iter().all(|o| !["closed_won", "closed_lost"].contains(&o["stage"].as_str().unwrap())));
    let mut seen: Vec<Value> = Vec::new();
    let mut uri = "/api/pipeline?open=true&limit=9".to_string();
    loop {
        let page = h.get(&uri, &manager).await;
        seen.extend(page.json["items"].as_array().unwrap().iter().cloned());
        assert!(seen.len() <= everything.len(), "paging repeats opportunities");
        match page.json["next"].as_str() {
            Some(next) => uri = format!("/api/pipeline?open=true&limit=9&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, everything, "pages cover the list exactly once, in order");
    let bad = h.get("/api/pipeline?cursor=%%%", &manager).await;
    assert_eq!(bad.json["field"], json!("cursor"));

    let org = h.get("/api/org?as_of=2025-01-01", &token).await;
    let hired: Vec<&Person> = h.firm.people.iter().filter(|p| p.hire_date <= "2025-01-01".parse().unwrap()).collect();
    assert_eq!(org.json["people"].as_array().unwrap().len(), hired.len(), "only people employed on the date");
}
