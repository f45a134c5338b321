//! Period close over the demo firm: a closed month's statements are frozen as paid, and a
//! transaction dated in it that arrives later is paid in the next open month as an
//! adjustment line naming it and the closed month.

use crate::common::harness;
use axum::http::StatusCode;
use plumbline_engine::statement::{LineKind, Statement};
use plumbline_firm::{Division, Role};
use rust_decimal::Decimal;
use serde_json::json;

/// The wealth plan's fee-revenue earnings to date on `measured` against `quota`, worked from
/// its definition: marginal tiers of 2% to half of quota, 4% to quota, 7% above, capped at
/// 8% of quota, rounded half away from zero to the penny.
fn fee_earnings(measured: Decimal, quota: Decimal) -> Decimal {
    let half = quota / Decimal::TWO;
    let band = |from: Decimal, to: Option<Decimal>| {
        let top = to.map_or(measured, |t| measured.min(t));
        (top - from).max(Decimal::ZERO)
    };
    let earned = band(Decimal::ZERO, Some(half)) * Decimal::new(2, 2)
        + band(half, Some(quota)) * Decimal::new(4, 2)
        + band(quota, None) * Decimal::new(7, 2);
    earned
        .min(quota * Decimal::new(8, 2))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn fee_line(statement: &Statement, kind: LineKind) -> Option<&plumbline_engine::statement::StatementLine> {
    statement.lines.iter().find(|l| l.kind == kind && l.component_id == "fee-revenue")
}

#[tokio::test]
async fn a_late_transaction_in_a_closed_month_is_paid_next_month_as_an_adjustment_and_the_closed_statement_stays() {
    let h = harness().await;
    let admin = h.token(&h.first(Role::Admin).id).await;
    let leadership = h.token(&h.first(Role::Leadership).id).await;
    let year_start: chrono::NaiveDate = "2026-01-01".parse().unwrap();
    let (rep, client) = h
        .firm
        .people
        .iter()
        .filter(|p| p.role == Role::Rep && p.division == Some(Division::Wealth) && p.hire_date < year_start)
        .find_map(|p| h.firm.clients.iter().find(|c| c.owner_id == p.id).map(|c| (p, c)))
        .unwrap();
    let statement_of = |period: &str| format!("/api/statements/{}?period={period}", rep.id);

    let october = h.get(&statement_of("2026-10"), &leadership).await;
    assert_eq!(october.status, StatusCode::OK, "{}", october.json);

    // Only admins close, with a reason; a month not yet over cannot close.
    let designer = h.token(&h.first(Role::Designer).id).await;
    let refused = h.post("/api/periods/2026-10/close", &designer, json!({ "reason": "payroll" })).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let no_reason = h.post("/api/periods/2026-10/close", &admin, json!({ "reason": " " })).await;
    assert_eq!(
        (no_reason.status, no_reason.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let open = h.post("/api/periods/2026-11/close", &admin, json!({ "reason": "payroll" })).await;
    assert_eq!((open.status, open.json["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("period_not_ended")));

    let body = json!({ "reason": "October payroll" });
    let close_october = || h.send("POST", "/api/periods/2026-10/close", Some(&admin), Some(&body), Some("close-oct"));
    let closed = close_october().await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.json);
    let payee = closed.json["payees"].as_array().unwrap().iter().find(|p| p["person_id"] == json!(rep.id)).unwrap();
    assert_eq!(payee["total"], october.json["statement"]["total"], "the close pays the statement as it stood");
    let replay = close_october().await;
    assert_eq!(
        (replay.status, &replay.json),
        (StatusCode::OK, &closed.json),
        "a resent request gets the first response"
    );
    let twice = h.post("/api/periods/2026-10/close", &admin, json!({ "reason": "again" })).await;
    assert_eq!(
        (twice.status, twice.json["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_closed")),
        "{}",
        twice.json
    );
    let out_of_order = h.post("/api/periods/2026-08/close", &admin, json!({ "reason": "late" })).await;
    assert_eq!((out_of_order.status, out_of_order.json["code"].as_str()), (StatusCode::CONFLICT, Some("not_next")));

    // A fee of £1,000.00 dated 15 October arrives after the close.
    let csv = format!(
        "id,date,kind,amount,currency,product,client_id,parties,channel,origin,recorded_on\n\
         LATE-1,2026-10-15,fee_revenue,1000.00,GBP,,{},{}:owner,,,\n",
        client.id, rep.id
    );
    // Through the import library the import route runs (the route answers before it is done).
    let actor = plumbline_firm::imports::Actor { id: h.first(Role::Admin).id.clone(), role: Role::Admin };
    let request = plumbline_import::ImportRequest {
        kind: plumbline_firm::imports::ImportKind::Transactions,
        file_name: "late.csv",
        bytes: csv.as_bytes(),
        mapping: None,
        at: chrono::Utc::now(),
    };
    let report = plumbline_import::run(h.store.as_ref(), &actor, &request, &plumbline_import::NoProgress).await;
    assert!(report.is_ok(), "{report:?}");

    let october_again = h.get(&statement_of("2026-10"), &leadership).await;
    assert_eq!(october_again.json["statement"], october.json["statement"], "the closed statement is unchanged");

    let november = h.get(&statement_of("2026-11"), &leadership).await;
    assert_eq!(november.status, StatusCode::OK, "{}", november.json);
    let november: Statement = serde_json::from_value(november.json["statement"].clone()).unwrap();
    let october: Statement = serde_json::from_value(october.json["statement"].clone()).unwrap();
    let paid = fee_line(&october, LineKind::Component).unwrap();
    let quota = paid.quota.unwrap();
    assert_eq!(fee_earnings(paid.measure_ytd, quota), paid.earned_to_date, "the hand formula reproduces October");
    let expected = fee_earnings(paid.measure_ytd + Decimal::from(1000), quota) - paid.earned_to_date;
    assert!(expected > Decimal::ZERO);
    let adjustment = fee_line(&november, LineKind::Adjustment).expect("an adjustment line");
    assert_eq!(adjustment.amount, expected, "recalculated to 31 October minus what October paid");
    assert_eq!(adjustment.paid_before, paid.earned_to_date, "paid to date is what the closed statement paid");
    assert_eq!(adjustment.credits.iter().map(|c| c.txn_id.as_str()).collect::<Vec<_>>(), ["LATE-1"]);
    assert_eq!(adjustment.credits[0].amount, Decimal::from(1000));
    assert!(adjustment.explanation.contains("LATE-1"), "{}", adjustment.explanation);
    assert!(adjustment.explanation.contains("2026-10"), "names the closed month: {}", adjustment.explanation);
    assert_eq!(november.lines.iter().map(|l| l.amount).sum::<Decimal>(), november.total);

    // Paid once: December counts November as paying it, so no second adjustment.
    let december = h.get(&statement_of("2026-12"), &leadership).await;
    assert_eq!(december.status, StatusCode::OK, "{}", december.json);
    let december: Statement = serde_json::from_value(december.json["statement"].clone()).unwrap();
    assert!(fee_line(&december, LineKind::Adjustment).is_none(), "{:?}", december.lines);

    let audit = h.get("/api/audit?limit=500", &admin).await;
    let closes: Vec<_> =
        audit.json["items"].as_array().unwrap().iter().filter(|r| r["action"] == json!("period.closed")).collect();
    assert_eq!(closes.len(), 1, "one audit record for one close");
    assert_eq!(closes[0]["entity"], json!("period/2026-10"));
    assert_eq!(closes[0]["reason"], json!("October payroll"));
    let verify = h.get("/api/audit/verify", &admin).await;
    assert_eq!(verify.json["ok"], json!(true), "{}", verify.json);
}
