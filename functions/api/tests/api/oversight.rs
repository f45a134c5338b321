//! The designer's plan simulation over last year, hygiene flags per seller and the firm-wide
//! conduct list, on the demo firm. The simulation is checked against the engine run directly
//! on the generator's records (not the store's), the hygiene counts against the leadership
//! summary, and the conduct pay effects against the regulation library.

use crate::common::{Harness, harness_regulated, planted, regulation};
use axum::http::StatusCode;
use plumbline_engine::calc::Assignment;
use plumbline_engine::simulate::{Comparison, compare};
use plumbline_engine::{PayeeInputs, Period, Plan, TxnKind};
use plumbline_firm::api::Page;
use plumbline_firm::oversight::{ConductEventView, HygieneResponse, SimulationResponse};
use plumbline_firm::{ComplianceKind, Role};
use plumbline_regulation::{LineKind, regulated_statement};
use plumbline_store::{Store, keys};
use rust_decimal::Decimal;
use serde_json::json;
use std::borrow::Cow;
use std::collections::BTreeMap;

const PLAN: &str = "wm-adviser";

/// The plan's stored version 1 with a sharper top tier, as version 2.
fn candidate(h: &Harness) -> Plan {
    let mut plan = h.firm.plans.iter().find(|p| p.id == PLAN).unwrap().clone();
    plan.version = 2;
    let mut doc = serde_json::to_value(&plan).unwrap();
    doc["components"][0]["tiers"][2]["rate"] = json!("0.075");
    serde_json::from_value(doc).unwrap()
}

/// Everyone on the plan in 2025 with their 2025 inputs, straight from the generator's records.
fn last_year(h: &Harness) -> Vec<PayeeInputs<'static>> {
    let (from, to) = ("2025-01-01".parse().unwrap(), "2025-12-31".parse().unwrap());
    let mut out = Vec::new();
    for person in &h.firm.people {
        let mine: Vec<_> = h.firm.assignments.iter().filter(|a| a.person_id == person.id).collect();
        let current = mine.iter().rev().find(|a| a.from <= to && a.to.is_none_or(|end| end >= from));
        if current.is_none_or(|a| a.plan_id != PLAN) {
            continue;
        }
        let quota = h.firm.quotas.iter().find(|q| q.person_id == person.id && q.year_start == from);
        out.push(PayeeInputs {
            payee: Cow::Owned(person.id.clone()),
            annual_quota: quota.map(|q| q.amount),
            fixed_pay: Some(person.fixed_pay),
            assignments: mine
                .iter()
                .filter(|a| a.plan_id == PLAN)
                .map(|a| Assignment { from: a.from, to: a.to })
                .collect(),
            transactions: Cow::Owned(
                h.firm
                    .transactions
                    .iter()
                    .filter(|t| t.parties.iter().any(|p| p.payee == person.id))
                    .cloned()
                    .collect(),
            ),
            ..PayeeInputs::default()
        });
    }
    out
}

#[tokio::test]
async fn a_designer_simulates_a_candidate_plan_against_last_year() {
    let h = harness_regulated().await;
    let designer = h.token(&h.first(Role::Designer).id).await;
    let plan = candidate(&h);
    let head = h.store.get(keys::AUDIT, keys::AUDIT_HEAD).await.unwrap().map(|i| i.version);

    let reply = h.post("/api/plans/simulate", &designer, json!({ "plan": plan })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
    let sim: SimulationResponse = reply.parse();
    let year =
        Period { start: "2025-01-01".parse().unwrap(), end: "2025-12-31".parse().unwrap(), label: String::new() };
    assert_eq!((sim.period.start, sim.period.end), (year.start, year.end), "the last full plan year");
    assert_eq!(sim.currency.0, "GBP");

    // The engine, run directly on the generator's records, gives the same comparison to the cent.
    let stored = h.firm.plans.iter().find(|p| p.id == PLAN).unwrap();
    let payees = last_year(&h);
    let revenue = [TxnKind::Booking, TxnKind::FeeRevenue, TxnKind::Trail];
    let direct: Comparison = compare(stored, &plan, &payees, &[year], &revenue).unwrap();
    assert_eq!(sim.comparison, direct);
    assert!(payees.len() > 10, "{} advisers", payees.len());
    assert_eq!(sim.names.len(), payees.len());
    // A higher rate above 100% of quota pays more only to those above quota (unless their cap
    // binds) and never less to anyone.
    assert!(sim.comparison.total_delta > Decimal::ZERO && sim.comparison.winners > 0, "{:?}", sim.comparison.b);
    assert_eq!(sim.comparison.losers, 0);
    for p in sim.comparison.payees.iter().filter(|p| p.delta > Decimal::ZERO) {
        assert!(p.attainment_a.is_some_and(|a| a > Decimal::ONE), "{p:?}");
    }

    // The histograms count every payee once per plan, each in its band.
    for (bins, n) in [
        (&sim.payout_histogram, payees.len()),
        (&sim.attainment_histogram, direct.payees.iter().filter(|p| p.attainment_a.is_some()).count()),
    ] {
        assert_eq!(bins.iter().map(|b| b.count_a).sum::<usize>(), n);
        assert_eq!(bins.iter().map(|b| b.count_b).sum::<usize>(), n);
        assert!(bins.windows(2).all(|w| w[0].to == w[1].from && w[0].to - w[0].from == w[1].to - w[1].from));
    }
    for p in &sim.comparison.payees {
        let bin = sim.payout_histogram.iter().position(|b| b.from <= p.pay_b && p.pay_b < b.to).unwrap();
        assert!(sim.payout_histogram[bin].count_b > 0);
    }

    // Leadership may run it too; neither run changes anything.
    let leader = h.token(&h.first(Role::Leadership).id).await;
    let again = h.post("/api/plans/simulate", &leader, json!({ "plan": plan, "year_start": "2026-01-01" })).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    let this_year: SimulationResponse = again.parse();
    assert_eq!(this_year.period.end.to_string(), "2026-11-20", "the year not over runs to today");
    assert_eq!(h.store.get(keys::AUDIT, keys::AUDIT_HEAD).await.unwrap().map(|i| i.version), head);
}

#[tokio::test]
async fn a_bad_candidate_is_refused_at_its_json_paths() {
    let h = harness_regulated().await;
    let designer = h.token(&h.first(Role::Designer).id).await;
    let mut doc = serde_json::to_value(candidate(&h)).unwrap();
    doc["components"][0]["tiers"][2]["rate"] = json!("1.5");
    doc["components"][1]["rate"] = json!("-0.1");
    let reply = h.post("/api/plans/simulate", &designer, json!({ "plan": doc })).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
    assert_eq!(reply.json["code"], "invalid");
    assert_eq!(reply.json["field"], "plan.components[0].tiers[2].rate");
    let paths: Vec<&str> =
        reply.json["details"]["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["plan.components[0].tiers[2].rate", "plan.components[1].rate"]);

    let mut malformed = serde_json::to_value(candidate(&h)).unwrap();
    malformed["components"][0]["tiers"] = json!("none");
    let reply = h.post("/api/plans/simulate", &designer, json!({ "plan": malformed })).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
    assert!(reply.json["field"].as_str().unwrap().starts_with("plan.components[0]"), "{}", reply.json);

    let cases = [
        (json!({ "plan": candidate(&h), "baseline_id": "no-such-plan" }), "baseline_id"),
        (json!({ "plan": candidate(&h), "baseline_version": 9 }), "baseline_version"),
        (json!({ "plan": candidate(&h), "year_start": "2025-02-01" }), "year_start"),
        (json!({ "plan": candidate(&h), "year_start": "2027-01-01" }), "year_start"),
    ];
    for (body, field) in cases {
        let reply = h.post("/api/plans/simulate", &designer, body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.json);
        assert_eq!(reply.json["field"], field, "{}", reply.json);
    }
    let mut dollars = serde_json::to_value(candidate(&h)).unwrap();
    dollars["currency"] = json!("USD");
    let reply = h.post("/api/plans/simulate", &designer, json!({ "plan": dollars })).await;
    assert_eq!(reply.json["field"], "plan.currency", "{}", reply.json);
}

#[tokio::test]
async fn hygiene_flags_per_seller_add_up_to_the_firms_and_stay_in_the_managers_subtree() {
    let h = harness_regulated().await;
    let leader = h.token(&h.first(Role::Leadership).id).await;
    let firm: HygieneResponse = h.get("/api/pipeline/hygiene", &leader).await.parse();
    let risk = h.get("/api/coach/risk", &leader).await;
    assert_eq!(risk.status, StatusCode::OK, "{}", risk.json);
    let summary = &risk.json["hygiene"];
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for p in &firm.people {
        for (rule, n) in &p.by_rule {
            *by_rule.entry(rule.clone()).or_default() += n;
        }
    }
    assert_eq!(serde_json::to_value(&by_rule).unwrap(), summary["by_rule"]);
    assert_eq!(
        firm.people.iter().map(|p| p.flagged_deals).sum::<usize>(),
        summary["flagged_deals"].as_u64().unwrap() as usize
    );
    assert_eq!(
        firm.people.iter().map(|p| p.open_deals).sum::<usize>(),
        summary["open_deals"].as_u64().unwrap() as usize
    );
    // The demo's planted problems show on their owners' rows.
    for rep in &planted().over_optimistic_reps {
        let row = firm.people.iter().find(|p| &p.person_id == rep).unwrap();
        assert!(row.over_optimistic.as_deref().is_some_and(|r| r.contains("closed")), "{row:?}");
    }
    let opportunity = |id: &str| h.firm.opportunities.iter().find(|o| o.id == id).unwrap();
    for id in &planted().stale_opportunities {
        let row = firm.people.iter().find(|p| p.person_id == opportunity(id).owner_id).unwrap();
        assert!(row.by_rule.get("stale").is_some_and(|n| *n >= 1), "{row:?}");
    }

    // A manager sees their subtree only; a team filter narrows it; a rep sees themself.
    let manager = h.first(Role::Manager);
    let token = h.token(&manager.id).await;
    let mine: HygieneResponse = h.get("/api/pipeline/hygiene", &token).await.parse();
    assert!(!mine.people.is_empty());
    assert!(mine.people.iter().all(|p| h.above(&manager.id, h.person(&p.person_id))));
    let team = h.person(&mine.people[0].person_id).team_id.clone().unwrap();
    let one: HygieneResponse = h.get(&format!("/api/pipeline/hygiene?team={team}"), &token).await.parse();
    assert!(
        !one.people.is_empty() && one.people.iter().all(|p| h.person(&p.person_id).team_id.as_deref() == Some(&team))
    );
    assert_eq!(h.get("/api/pipeline/hygiene?team=no-such-team", &token).await.status, StatusCode::NOT_FOUND);
    let rep = &mine.people[0].person_id;
    let own: HygieneResponse = h.get("/api/pipeline/hygiene", &h.token(rep).await).await.parse();
    assert_eq!(own.people.iter().map(|p| p.person_id.as_str()).collect::<Vec<_>>(), [rep.as_str()]);
}

#[tokio::test]
async fn compliance_lists_every_conduct_event_with_its_pay_effect() {
    let h = harness_regulated().await;
    let officer = h.token(&h.first(Role::Compliance).id).await;
    let all: Page<ConductEventView> = h.get("/api/conduct?limit=500", &officer).await.parse();
    assert_eq!(all.items.len(), h.firm.compliance_events.len());
    assert!(all.items.windows(2).all(|w| w[0].event.date >= w[1].event.date), "newest first");
    // Pages of five hold the same events in the same order.
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Page<ConductEventView> = h.get(&format!("/api/conduct?limit=5{cursor}"), &officer).await.parse();
        paged.extend(page.items.into_iter().map(|e| e.event.id));
        match page.next {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(paged, all.items.iter().map(|e| e.event.id.clone()).collect::<Vec<_>>());

    // The planted clawback's event: its pay effect is the conduct line of the adviser's
    // regulated statement for that month, as the library computes it from the firm's records.
    let (demo, _) = regulation();
    let claw = &demo.clawback;
    let view = all.items.iter().find(|e| e.event.id == claw.event_id).unwrap();
    let effect = view.pay_effect.as_ref().expect("a regulated adviser");
    let inputs =
        plumbline_demo::regulated_inputs(h.firm, &demo.plan, &claw.decision.payee, &claw.period, claw.ledger.clone());
    let direct = regulated_statement(&demo.plan, &inputs, &claw.period).unwrap();
    let line = direct.lines.iter().find(|l| l.kind == LineKind::Conduct && l.reference == claw.event_id).unwrap();
    assert_eq!(effect.lines.len(), 1);
    assert_eq!((effect.total, effect.lines[0].period.as_str()), (line.amount, claw.period.label.as_str()));
    assert!(effect.total < Decimal::ZERO && effect.rule == "minor-breach", "{effect:?}");
    // Asset-servicing sellers' plan has no regulated pay: no effect, and why.
    let servicing = all
        .items
        .iter()
        .find(|e| h.person(&e.event.person_id).division == Some(plumbline_firm::Division::AssetServicing));
    if let Some(e) = servicing {
        assert!(
            e.pay_effect.is_none() && e.no_effect.as_deref().is_some_and(|w| w.contains("no regulated pay")),
            "{e:?}"
        );
    }

    // Filters by person and kind; a rep sees their own events only.
    let person = &claw.decision.payee;
    let theirs: Page<ConductEventView> = h.get(&format!("/api/conduct?person={person}"), &officer).await.parse();
    assert_eq!(theirs.items.len(), h.firm.compliance_events.iter().filter(|e| &e.person_id == person).count());
    let training: Page<ConductEventView> =
        h.get("/api/conduct?kind=overdue_training&limit=500", &officer).await.parse();
    assert!(training.items.iter().all(|e| e.event.kind == ComplianceKind::OverdueTraining));
    assert_eq!(
        training.items.len(),
        h.firm.compliance_events.iter().filter(|e| e.kind == ComplianceKind::OverdueTraining).count()
    );
    let own: Page<ConductEventView> = h.get("/api/conduct", &h.token(person).await).await.parse();
    assert!(own.items.iter().all(|e| &e.event.person_id == person) && !own.items.is_empty());
    let other = h.firm.people.iter().find(|p| p.role == Role::Rep && &p.id != person).unwrap();
    assert_eq!(
        h.get(&format!("/api/conduct?person={}", other.id), &h.token(person).await).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(h.get("/api/conduct?kind=speeding", &officer).await.status, StatusCode::BAD_REQUEST);
}
