//! Golden fixtures (tests/fixtures) with hand-counted expectations: parsing and validation of
//! every kind, then applying to the embedded store (the store scenarios also run on DynamoDB
//! in tests/import/dynamo.rs).

use crate::scenarios::{self, fixture};
use crate::support;
use plumbline_engine::Currency;
use plumbline_firm::{ActivityKind, ForecastCategory, Role, Stage};
use plumbline_import::{
    Actor, FirmIndex, ImportKind, ImportRejected, ImportRequest, Mapping, NoProgress, ProblemCode, Records, parse,
};
use plumbline_store::EmbeddedStore;
use rust_decimal::Decimal;
use std::str::FromStr;

fn index() -> FirmIndex {
    let f = support::test_firm();
    FirmIndex::new(Some(Currency::new("USD")), f.people, f.teams, f.clients, f.opportunities)
}

fn problems(result: Result<plumbline_import::Batch, ImportRejected>) -> Vec<plumbline_import::Problem> {
    match result {
        Err(ImportRejected::Invalid { problems, .. }) => problems,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// (row, column, code) of each problem, for compact comparison.
fn located(problems: &[plumbline_import::Problem]) -> Vec<(Option<u64>, Option<String>, ProblemCode)> {
    problems.iter().map(|p| (p.row, p.column.clone(), p.code)).collect()
}

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn a_salesforce_export_is_read_with_the_built_in_mapping() {
    let batch = parse(ImportKind::Opportunities, "sf.csv", &fixture("opportunities_salesforce.csv"), None, &index())
        .expect("valid");
    let Records::Opportunities(rows) = &batch.records else { panic!("opportunities") };
    assert_eq!(rows.len(), 4);
    let (line, o) = &rows[1];
    assert_eq!(*line, 3);
    assert_eq!(o.record.id, "006A2");
    assert_eq!(o.record.stage, Stage::Negotiation);
    assert_eq!(o.record.probability, 75); // written 75.0
    assert_eq!(o.record.forecast_category, ForecastCategory::BestCase);
    assert_eq!(o.record.created, d("2026-07-14"));
    assert_eq!(o.modified, Some(d("2026-11-02")));
    assert_eq!(o.record.amount, Decimal::new(80_000, 0));
    let won = &rows[2].1.record;
    assert_eq!((won.stage, won.forecast_category), (Stage::ClosedWon, ForecastCategory::Commit));
    assert_eq!(won.amount, Decimal::from_str("42000.50").unwrap());
    assert_eq!(rows[3].1.record.stage, Stage::ClosedLost);
}

#[test]
fn a_bad_file_reports_every_problem_in_file_order() {
    let expected: serde_json::Value =
        serde_json::from_slice(&fixture("opportunities_bad.expected.json")).expect("expected json");
    let found =
        problems(parse(ImportKind::Opportunities, "bad.csv", &fixture("opportunities_bad.csv"), None, &index()));
    let found: Vec<serde_json::Value> = found
        .iter()
        .map(|p| {
            assert_eq!(p.file, "bad.csv");
            assert!(!p.message.is_empty());
            serde_json::json!({ "row": p.row, "column": p.column, "code": p.code, "value": p.value })
        })
        .collect();
    assert_eq!(serde_json::Value::Array(found), expected["problems"]);
}

#[test]
fn missing_columns_are_reported_once_with_the_header_row() {
    let found = problems(parse(
        ImportKind::Opportunities,
        "cut.csv",
        &fixture("opportunities_missing_columns.csv"),
        None,
        &index(),
    ));
    assert_eq!(
        located(&found),
        vec![
            (Some(1), Some("Amount".into()), ProblemCode::MissingColumn),
            (Some(1), Some("CloseDate".into()), ProblemCode::MissingColumn),
        ]
    );
    assert_eq!(
        found[0].to_string(),
        "cut.csv, row 1, column Amount: required column is missing from the header (the mapping's column for amount)"
    );
}

#[test]
fn the_sales_pipeline_shape_is_read_through_a_mapping() {
    let mapping = Mapping::from_json("m.json", &fixture("pipeline_small.mapping.json")).expect("mapping");
    let batch = parse(ImportKind::Opportunities, "p.csv", &fixture("pipeline_small.csv"), Some(&mapping), &index())
        .expect("valid");
    // K3 has no account (row 4) and K5 no engage date (row 6): skipped by the mapping.
    assert_eq!(batch.rows, 5);
    let Records::Opportunities(rows) = &batch.records else { panic!("opportunities") };
    let ids: Vec<&str> = rows.iter().map(|(_, o)| o.record.id.as_str()).collect();
    assert_eq!(ids, ["K1", "K2", "K4"]);
    let skipped: Vec<(&str, usize, &[u64])> =
        batch.skipped.iter().map(|s| (s.reason.as_str(), s.count, s.first_rows.as_slice())).collect();
    assert_eq!(skipped, [("client_id", 1, &[4u64][..]), ("created", 1, &[6u64][..])]);
    let k1 = &rows[0].1.record;
    assert_eq!((k1.owner_id.as_str(), k1.client_id.as_str(), k1.product.as_str()), ("P2", "C1", "GTX Pro"));
    assert_eq!((k1.stage, k1.amount, k1.probability), (Stage::ClosedWon, Decimal::new(4514, 0), 100));
    // An open deal: no close date or value in the source, so the mapping's fallbacks apply.
    let k4 = &rows[2].1.record;
    assert_eq!((k4.stage, k4.close_date, k4.amount), (Stage::Qualification, d("2017-12-31"), Decimal::new(550, 0)));
    assert_eq!(k4.currency, Currency::new("USD"));
    assert_eq!(k4.name, "K4"); // no name column: the id
}

#[test]
fn a_mapping_naming_unknown_fields_or_both_column_and_value_is_rejected() {
    let bad = br#"{ "kind": "opportunities", "fields": { "stage_name": { "column": "S" }, "amount": { "column": "A", "value": "1" } } }"#;
    let Err(ImportRejected::Invalid { problems, .. }) = Mapping::from_json("m.json", bad) else { panic!("rejected") };
    let columns: Vec<_> = problems.iter().map(|p| p.column.clone().unwrap_or_default()).collect();
    assert_eq!(columns, ["fields.amount", "fields.stage_name"]);
    let Err(ImportRejected::Invalid { problems, .. }) =
        Mapping::from_json("m.json", b"{ \"kind\": \"opportunities\",\n \"fields\": [ }")
    else {
        panic!("rejected")
    };
    assert_eq!((problems[0].row, problems[0].code), (Some(2), ProblemCode::BadMapping));
}

#[test]
fn the_hr_roster_accepts_managers_later_in_the_file() {
    let batch = parse(ImportKind::People, "people.csv", &fixture("people.csv"), None, &index()).expect("valid");
    let Records::People(rows) = &batch.records else { panic!("people") };
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].1.manager_id.as_deref(), Some("P5"));
    assert_eq!(rows[0].1.fixed_pay, Decimal::from_str("85000.00").unwrap());
}

#[test]
fn the_hr_roster_rejects_cycles_unknown_teams_and_duplicate_emails() {
    let found = problems(parse(ImportKind::People, "people_bad.csv", &fixture("people_bad.csv"), None, &index()));
    assert_eq!(
        located(&found),
        vec![
            // P1 reports to P2, who reports to P1 in the firm.
            (Some(2), Some("manager_id".into()), ProblemCode::HierarchyCycle),
            (Some(3), Some("team_id".into()), ProblemCode::UnknownReference),
            (Some(3), Some("hire_date".into()), ProblemCode::BadDate),
            (Some(3), Some("regulated".into()), ProblemCode::BadValue),
            // E-mails compare case-insensitively: row 5 repeats row 4's.
            (Some(5), Some("email".into()), ProblemCode::DuplicateId),
            (Some(5), Some("role".into()), ProblemCode::BadValue),
            (Some(5), Some("fixed_pay".into()), ProblemCode::BadAmount),
        ]
    );
}

#[test]
fn finance_compliance_and_activity_files_are_read() {
    let i = index();
    let read = |kind, name: &str| parse(kind, name, &fixture(name), None, &i).expect(name).records;
    let Records::Transactions(t) = read(ImportKind::Transactions, "transactions.csv") else { panic!() };
    assert_eq!(t.len(), 3);
    assert_eq!(t[1].1.parties.len(), 2);
    assert_eq!(t[2].1.amount, Decimal::from_str("-250.00").unwrap()); // a reversal
    let Records::Aum(a) = read(ImportKind::Aum, "aum.csv") else { panic!() };
    assert_eq!(a.iter().map(|(_, s)| s.aum).sum::<Decimal>(), Decimal::from_str("3825000.10").unwrap());
    let Records::Flows(f) = read(ImportKind::Flows, "flows.csv") else { panic!() };
    assert_eq!(f.len(), 2);
    let Records::Compliance(c) = read(ImportKind::Compliance, "compliance.csv") else { panic!() };
    assert_eq!(c[1].1.description, "");
    let Records::Activities(acts) = read(ImportKind::Activities, "activities.csv") else { panic!() };
    assert_eq!(acts.iter().filter(|(_, a)| a.opportunity_id.is_some()).count(), 2);
}

#[test]
fn calendar_events_link_to_clients_by_domain_or_explicit_ids() {
    let batch = parse(ImportKind::Calendar, "week.ics", &fixture("calendar.ics"), None, &index()).expect("valid");
    assert_eq!(batch.rows, 4);
    let Records::Activities(acts) = &batch.records else { panic!("activities") };
    let got: Vec<_> = acts
        .iter()
        .map(|(line, a)| {
            (
                *line,
                a.id.as_str(),
                a.date,
                a.person_id.as_str(),
                a.client_id.as_str(),
                a.opportunity_id.as_deref(),
                a.kind,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // Rob's zoom call with jane@acme.example: Acme by domain, O1 as Rob's only open deal there.
            (4, "evt-1@firm.example", d("2026-11-03"), "P2", "C1", Some("O1"), ActivityKind::Call),
            // Explicit ids in the description and X-PLUMBLINE-KIND.
            (30, "evt-4@firm.example", d("2026-11-06"), "P3", "C2", Some("O2"), ActivityKind::Review),
        ]
    );
    let skipped: Vec<(&str, usize)> = batch.skipped.iter().map(|s| (s.reason.as_str(), s.count)).collect();
    assert_eq!(skipped, [("cancelled event", 1), ("no outside attendee (internal meeting)", 1)]);
}

#[test]
fn calendar_problems_name_the_event_line_and_property() {
    let found = problems(parse(ImportKind::Calendar, "bad.ics", &fixture("calendar_bad.ics"), None, &index()));
    assert_eq!(
        located(&found),
        vec![
            (Some(2), Some("UID".into()), ProblemCode::Blank),
            (Some(7), Some("DTSTART".into()), ProblemCode::BadDate),
            (Some(7), Some("ATTENDEE".into()), ProblemCode::UnknownReference),
        ]
    );
}

fn embedded() -> (tempfile::TempDir, EmbeddedStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("store.redb")).unwrap();
    (dir, store)
}

#[tokio::test]
async fn embedded_apply_resend_and_rejection_leave_the_right_state() {
    let (_dir, store) = embedded();
    scenarios::apply_resend_reject_and_update(&store).await;
}

#[tokio::test]
async fn embedded_large_batch_interrupted_then_completed_by_resending() {
    let (_d1, store) = embedded();
    let (_d2, clean) = embedded();
    scenarios::interrupted_batch_is_completed_by_resending(&store, &clean).await;
}

#[tokio::test]
async fn embedded_roster_transactions_and_calendar_apply_by_identity() {
    let (_dir, store) = embedded();
    scenarios::other_kinds_apply_and_move_by_identity(&store).await;
}

#[tokio::test]
async fn embedded_an_empty_store_loads_settings_plans_quotas_and_assignments() {
    let (_dir, store) = embedded();
    scenarios::an_empty_store_loads_settings_plans_quotas_and_assignments(&store).await;
}

#[test]
fn settings_and_plan_documents_are_rejected_at_their_json_paths() {
    let at = |kind, bytes: &str| {
        let found = problems(parse(kind, "doc.json", bytes.as_bytes(), None, &index()));
        found.into_iter().map(|p| (p.row, p.column, p.code)).collect::<Vec<_>>()
    };
    let settings = r#"{ "name": " ", "base_currency": "pounds", "fiscal_year_start_month": 13, "as_of": "2026-02-30", "fiscal_year": 4 }"#;
    assert_eq!(
        at(ImportKind::Settings, settings),
        [
            (None, Some("fiscal_year".into()), ProblemCode::BadValue),
            (None, Some("name".into()), ProblemCode::Blank),
            (None, Some("base_currency".into()), ProblemCode::BadValue),
            (None, Some("fiscal_year_start_month".into()), ProblemCode::BadValue),
            (None, Some("as_of".into()), ProblemCode::BadDate),
        ]
    );
    assert_eq!(at(ImportKind::Settings, "{\n  \"name\": \"x\",\n  oops"), [(Some(3), None, ProblemCode::Malformed)]);
    let plan = String::from_utf8(fixture("plan_as_seller.json")).unwrap();
    let broken = plan.replace("\"rate\": \"0.12\"", "\"rate\": \"1.5\"").replace("\"version\": 1", "\"version\": 0");
    assert_eq!(
        at(ImportKind::Plans, &broken),
        [
            (None, Some("version".into()), ProblemCode::BadValue),
            (None, Some("components[0].tiers[1].rate".into()), ProblemCode::BadValue),
        ]
    );
    let mapping = Mapping::identity(ImportKind::Plans);
    let with_mapping = parse(ImportKind::Plans, "p.json", plan.as_bytes(), Some(&mapping), &index());
    assert_eq!(located(&problems(with_mapping)), [(None, None, ProblemCode::BadMapping)]);
    // A plan assignment names a plan version in the firm; this index holds none.
    let assignment = "person_id,plan_id,plan_version,from,to\nP2,as-seller,1,2026-01-01,\n";
    assert_eq!(
        at(ImportKind::Assignments, assignment),
        [(Some(2), Some("plan_id".into()), ProblemCode::UnknownReference)]
    );
    let quotas = "person_id,year_start,amount,currency\nP2,2026-01-01,10.001,\nP2,2026-01-01,5,\nP7,2026-01-01,5,\n";
    assert_eq!(
        at(ImportKind::Quotas, quotas),
        [
            (Some(2), Some("amount".into()), ProblemCode::BadAmount),
            (Some(3), Some("year_start".into()), ProblemCode::DuplicateId),
            (Some(4), Some("person_id".into()), ProblemCode::UnknownReference),
        ]
    );
}

#[tokio::test]
async fn only_admins_and_compliance_officers_may_import() {
    let (_dir, store) = embedded();
    let rep = Actor { id: "P2".into(), role: Role::Rep };
    let request = ImportRequest {
        kind: ImportKind::Opportunities,
        file_name: "sf.csv",
        bytes: b"",
        mapping: None,
        at: "2026-11-20T12:00:00Z".parse().unwrap(),
    };
    let result = plumbline_import::run(&store, &rep, &request, &NoProgress).await;
    assert!(matches!(result, Err(ImportRejected::Forbidden { .. })), "{result:?}");
    assert!(ImportKind::Compliance.allows(Role::Compliance));
    assert!(!ImportKind::People.allows(Role::Compliance));
    for kind in [ImportKind::Settings, ImportKind::Plans, ImportKind::Quotas, ImportKind::Assignments] {
        assert!(kind.allows(Role::Admin) && Role::ALL.iter().all(|r| *r == Role::Admin || !kind.allows(*r)), "{kind}");
    }
    assert!(!ImportKind::Opportunities.allows(Role::Leadership));
}
