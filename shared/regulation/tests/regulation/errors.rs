//! Bad input is refused with an error naming where it is and what is wrong.

use plumbline_engine::statement::Period;
use plumbline_regulation::ledger::{Decision, LedgerError, apply_malus, award_entry};
use plumbline_regulation::{RegulatedInputs, RegulatedPlan, RegulationError, packs, regulated_statement};
use serde_json::json;

fn document(regulation: serde_json::Value) -> String {
    json!({
        "plan": {"id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01",
                 "components": [{"type": "flat", "id": "fees", "name": "Fees", "measure": {"kinds": ["booking"]}, "rate": "0.05"}]},
        "regulation": regulation
    })
    .to_string()
}

fn inputs(value: serde_json::Value) -> RegulatedInputs<'static> {
    serde_json::from_value(value).expect("inputs parse")
}

#[test]
fn malformed_documents_name_line_and_column_and_unknown_fields_are_refused() {
    let err = RegulatedPlan::from_json("{\n \"plan\": }").unwrap_err();
    assert!(matches!(err, RegulationError::Malformed { line: 2, .. }), "{err}");
    let typo = document(json!({"role": {"name": "Adviser", "us_brokerdealer": true}}));
    let err = RegulatedPlan::from_json(&typo).unwrap_err();
    assert!(err.to_string().contains("unknown field `us_brokerdealer`"), "{err}");
}

#[test]
fn engine_plan_problems_keep_their_path_under_plan() {
    let bad = document(json!({"role": {"name": "Adviser"}})).replace("\"0.05\"", "\"5\"");
    let err = RegulatedPlan::from_json(&bad).unwrap_err();
    assert_eq!(err.to_string(), "regulated plan is invalid: plan.components[0].rate: must be between 0 and 1");
}

#[test]
fn deferral_schedules_written_out_are_validated_with_paths() {
    let bad = document(json!({"role": {"name": "Adviser"}, "deferral_pack": "uk-banking-2025", "deferral": {
        "bands": [{"share": "0.4"}, {"up_to": "100", "share": "1.4"}], "years": 0, "vesting": "cliff", "first_vest_year": 2}}));
    let err = RegulatedPlan::from_json(&bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "regulated plan is invalid: regulation.deferral: give either deferral_pack or deferral, not both"
    );
    let bad = document(json!({"role": {"name": "Adviser"}, "currency": "USD", "deferral": {
        "currency": "USD", "bands": [{"share": "0.4"}, {"up_to": "100", "share": "1.4"}], "years": 0, "vesting": "cliff", "first_vest_year": 2}}));
    assert!(RegulatedPlan::from_json(&bad).unwrap_err().to_string().contains("unknown field `currency`"));
    let bad = document(json!({"role": {"name": ""}, "chargeback": {"window_months": 0}, "deferral": {
        "currency": "USD", "bands": [{"share": "0.4"}, {"up_to": "100", "share": "1.4"}], "years": 0, "vesting": "cliff", "first_vest_year": 2}}));
    assert_eq!(
        RegulatedPlan::from_json(&bad).unwrap_err().to_string(),
        "regulated plan is invalid: regulation.role.name: must not be empty; \
         regulation.deferral.bands[0].up_to: only the last band may be open-ended; \
         regulation.deferral.bands[1].share: must be between 0 and 1; \
         regulation.deferral.years: must be from 1 to 30; \
         regulation.deferral.first_vest_year: a cliff vests once, on the last anniversary: leave it out; \
         regulation.deferral.currency: the schedule is in USD, the plan pays in GBP; \
         regulation.chargeback.window_months: must be 1 or more"
    );
}

#[test]
fn cancellations_must_name_a_known_transaction_after_its_date_under_a_rule() {
    let with_rule =
        RegulatedPlan::from_json(&document(json!({"role": {"name": "Adviser"}, "chargeback": {"window_months": 12}})))
            .unwrap();
    let without = RegulatedPlan::from_json(&document(json!({"role": {"name": "Adviser"}}))).unwrap();
    let may = Period::parse_month("2026-05").unwrap();
    let txns = json!([{"id": "B1", "date": "2026-05-15", "kind": "booking", "amount": "1000", "currency": "GBP",
                        "parties": [{"payee": "R1", "role": "owner"}]}]);
    let cancel = |txn: &str, on: &str| {
        inputs(json!({"inputs": {"payee": "R1", "transactions": txns},
        "cancellations": [{"txn_id": txn, "cancelled_on": on, "kind": "cancellation"}]}))
    };
    let err = regulated_statement(&with_rule, &cancel("B9", "2026-05-20"), &may).unwrap_err();
    assert_eq!(err.to_string(), "cancellation of transaction B9 for payee R1: no such transaction in the inputs");
    let err = regulated_statement(&with_rule, &cancel("B1", "2026-05-10"), &may).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cancellation of transaction B1 is dated 2026-05-10, before the transaction (2026-05-15)"
    );
    let err = regulated_statement(&without, &cancel("B1", "2026-05-20"), &may).unwrap_err();
    assert_eq!(err.to_string(), "cancellations were given but plan `p` has no chargeback rule");
    let ok = regulated_statement(&with_rule, &cancel("B1", "2026-05-20"), &may).unwrap();
    assert_eq!(ok.variable_pay, rust_decimal::Decimal::ZERO, "50.00 earned and 50.00 charged back in the same month");
}

#[test]
fn a_decision_is_applied_once_and_needs_a_reason_and_whole_pennies() {
    let pack = packs::get("uk-banking-2025").unwrap();
    let gbp = plumbline_engine::Currency::new("GBP");
    let award = award_entry(
        &pack,
        "A1".into(),
        "R1",
        "2026-01",
        "2026-01-31".parse().unwrap(),
        "400.00".parse().unwrap(),
        &gbp,
    );
    let mut decision = Decision {
        id: "M1".into(),
        payee: "R1".into(),
        decided_by: "C1".into(),
        authority: plumbline_firm::Role::Compliance,
        decided_on: "2026-06-01".parse().unwrap(),
        reason: "Complaint upheld".into(),
        amount: "10.00".parse().unwrap(),
        target: Some("A1".into()),
    };
    let mut ledger = vec![award];
    ledger.extend(apply_malus(&decision, &ledger).unwrap());
    assert_eq!(apply_malus(&decision, &ledger), Err(LedgerError::AlreadyApplied { id: "M1".into() }));
    decision.id = "M2".into();
    decision.amount = "0.005".parse().unwrap();
    assert!(matches!(apply_malus(&decision, &ledger), Err(LedgerError::BadAmount { .. })));
    decision.amount = "1".parse().unwrap();
    decision.reason = " ".into();
    assert_eq!(apply_malus(&decision, &ledger), Err(LedgerError::MissingReason { id: "M2".into() }));
    decision.reason = "ok".into();
    decision.target = Some("A9".into());
    assert_eq!(apply_malus(&decision, &ledger).unwrap_err().to_string(), "payee R1 has no award A9");
}

#[test]
fn an_invalid_document_is_refused_by_the_statement_too() {
    let mut doc = RegulatedPlan::from_json(&document(json!({"role": {"name": "Adviser"}}))).unwrap();
    doc.regulation.role.max_variable_to_fixed = Some("1".parse().unwrap());
    let err =
        regulated_statement(&doc, &RegulatedInputs::default(), &Period::parse_month("2026-05").unwrap()).unwrap_err();
    assert!(matches!(err, RegulationError::Invalid(_)), "{err}");
}
