//! The coaching routes over a seeded store: nudges, the weekly intervention list, the risk
//! summary, and reviews drafted, saved and edited with audit records.

use crate::common::harness;
use axum::http::StatusCode;
use plumbline_coach::api::{InterventionsResponse, NudgesResponse, RiskResponse};
use plumbline_coach::{Detail, ReviewDraft};
use plumbline_demo::{DemoOptions, generate};
use plumbline_firm::api::SavedReview;
use serde_json::json;

#[tokio::test]
async fn coaching_routes_serve_the_insights_and_reviews_are_saved_and_edited_with_audit() {
    let h = harness().await;
    let planted = generate(&DemoOptions { seed: 7, as_of: "2026-11-20".parse().unwrap() }).1;

    // A manager's weekly list names their planted intervention candidate, with the data.
    let candidate = h.person(&planted.intervention_candidates[0]);
    let manager = candidate.manager_id.clone().unwrap();
    let manager_token = h.token(&manager).await;
    let reply = h.get("/api/coach/interventions", &manager_token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let list: InterventionsResponse = reply.parse();
    assert_eq!(list.manager_id.as_deref(), Some(manager.as_str()));
    let mine = list.messages.iter().find(|m| m.finding.subject.as_ref().is_some_and(|s| s.person_id == candidate.id));
    let mine = mine.unwrap_or_else(|| panic!("{} not in {:?}", candidate.id, list.messages));
    assert!(mine.text.contains(&candidate.name) && mine.text.contains("Suggested action"), "{}", mine.text);
    assert!(mine.finding.evidence.get("open_pipeline").is_some());
    for m in &list.messages {
        assert!(h.above(&manager, h.person(&m.finding.subject.as_ref().unwrap().person_id)));
    }

    // A rep's nudges: stalling deals by money at stake, then progress to quota.
    let stale_deal = h.firm.opportunities.iter().find(|o| o.id == planted.stale_opportunities[0]).unwrap();
    let rep_token = h.token(&stale_deal.owner_id).await;
    let reply = h.get(&format!("/api/coach/nudges/{}", stale_deal.owner_id), &rep_token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let nudges: NudgesResponse = reply.parse();
    assert!(
        nudges
            .messages
            .iter()
            .any(|m| matches!(&m.finding.detail, Detail::StallingDeal { deal_id, .. } if *deal_id == stale_deal.id))
    );
    assert!(nudges.messages.iter().any(|m| matches!(m.finding.detail, Detail::QuotaProgress { .. })));

    // Leadership: the downside in words, the P10/P50/P90 forecasts and hygiene.
    let leader = h.token(&h.first(plumbline_firm::Role::Leadership).id).await;
    let reply = h.get("/api/coach/risk", &leader).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let risk: RiskResponse = reply.parse();
    assert_eq!(risk.messages.len(), risk.forecasts.len());
    for f in &risk.forecasts {
        let t = f.forecast.firm_total;
        assert!(t.p10 <= t.p50 && t.p50 <= t.p90, "{t:?}");
        assert!(!f.forecast.groups.is_empty());
    }
    // Every account and team the forecasts name has its display name, not its id.
    for f in &risk.forecasts {
        let ids =
            f.forecast.downside.accounts.iter().map(|a| &a.account).chain(f.forecast.groups.iter().map(|g| &g.group));
        for id in ids {
            let name = risk.names.get(id).unwrap_or_else(|| panic!("no name for {id}"));
            assert!(!name.is_empty() && name != id, "{id} is named {name:?}");
        }
    }
    assert!(risk.hygiene.flagged_deals >= planted.stale_opportunities.len());
    assert!(risk.messages.iter().all(|m| m.text.contains("Mitigation")));

    // Reviews: drafted from the evidence, saved with the manager's edit, edited again; audited.
    let person = &candidate.id;
    let reply =
        h.get(&format!("/api/coach/reviews/{person}/draft?from=2026-01-01&to=2026-11-20"), &manager_token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let draft: ReviewDraft = reply.parse();
    assert_eq!(draft.sections.len(), 4);
    let focus = "Rebuild the pipeline: two new qualified opportunities a week until the year end.";
    let reply = h
        .post(
            &format!("/api/coach/reviews/{person}"),
            &manager_token,
            json!({ "from": "2026-01-01", "to": "2026-11-20", "sections": [{ "key": "focus", "text": focus }] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let saved: SavedReview = reply.parse();
    assert_eq!(saved.version, 1);
    let saved_focus = saved.sections.iter().find(|s| s.key == "focus").unwrap();
    assert_eq!(saved_focus.text, focus);
    assert_eq!(saved_focus.drafted, draft.sections[3].text);
    assert_eq!(saved.sections[0].text, draft.sections[0].text);

    let bad = h
        .post(
            &format!("/api/coach/reviews/{person}"),
            &manager_token,
            json!({ "from": "2026-01-01", "to": "2026-11-20", "sections": [{ "key": "mood", "text": "x" }] }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["field"], json!("sections[0].key"), "{}", bad.json);

    let edit =
        json!({ "version": 1, "sections": [{ "key": "results", "text": "Below pace all year." }], "reason": "tone" });
    let uri = format!("/api/coach/reviews/{person}/{}", saved.id);
    let reply = h.send("PUT", &uri, Some(&manager_token), Some(&edit), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let edited: SavedReview = reply.parse();
    assert_eq!((edited.version, edited.sections[0].text.as_str()), (2, "Below pace all year."));
    assert_eq!(edited.edited_by.as_deref(), Some(manager.as_str()));
    let stale = h.send("PUT", &uri, Some(&manager_token), Some(&edit), None).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.json);

    // The person reads their saved review (the role matrix shows other managers cannot).
    let own = h.token(person).await;
    let list: Vec<SavedReview> = h.get(&format!("/api/coach/reviews/{person}"), &own).await.parse();
    assert_eq!(list, vec![edited.clone()]);

    let compliance = h.token(&h.first(plumbline_firm::Role::Compliance).id).await;
    let audit = h.get("/api/audit?limit=500", &compliance).await.json.to_string();
    assert!(audit.contains("review.saved") && audit.contains("review.edited"), "audit log lacks the review records");
    assert!(audit.contains(&format!("review/{}", saved.id)));

    // The weekly run stores every manager's list and the risk messages, audited.
    let store: std::sync::Arc<dyn plumbline_store::Store> = h.store.clone();
    let template = async |f, _: &[String]| plumbline_coach::api::CoachMessage::template(f);
    let run = plumbline_api::routes::coach::run_weekly(&store, template).await.unwrap();
    assert!(run.managers > 0 && run.interventions >= planted.intervention_candidates.len());
    let pk = plumbline_api::routes::coach::weekly_pk(run.as_of);
    let stored: InterventionsResponse =
        store.get(&pk, &format!("interventions#{manager}")).await.unwrap().unwrap().decode().unwrap();
    assert_eq!(stored.messages, list_now(&h, &manager_token).await);
    let audit = h.get("/api/audit?limit=500", &compliance).await.json.to_string();
    assert!(audit.contains("coach.weekly"));
}

async fn list_now(h: &crate::common::Harness, token: &str) -> Vec<plumbline_coach::api::CoachMessage> {
    h.get("/api/coach/interventions", token).await.parse::<InterventionsResponse>().messages
}
