//! Store-level scenarios, run on the embedded store (tests/import/imports.rs) and DynamoDB
//! (tests/import/dynamo.rs).
#![allow(dead_code)] // each test crate runs some of them

use crate::support::{dump, history, test_firm};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use plumbline_firm::{OpportunityField, Role};
use plumbline_import::{Actor, ImportKind, ImportRejected, ImportReport, ImportRequest, NoProgress};
use plumbline_store::{Item, Page, Store, StoreError, Write, audit, keys, query_all, seed};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A golden file of tests/fixtures.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn at() -> DateTime<Utc> {
    "2026-11-20T12:00:00Z".parse().unwrap()
}

fn admin() -> Actor {
    Actor { id: "P1".into(), role: Role::Admin }
}

async fn import(store: &dyn Store, kind: ImportKind, name: &str, bytes: &[u8]) -> Result<ImportReport, ImportRejected> {
    let request = ImportRequest { kind, file_name: name, bytes, mapping: None, at: at() };
    plumbline_import::run(store, &admin(), &request, &NoProgress).await
}

async fn ids(store: &dyn Store, pk: &str) -> Vec<String> {
    query_all(store, pk, "").await.unwrap().into_iter().map(|i| i.sk).collect()
}

/// Import, re-send, a rejected file and an incremental update, with hand-counted results.
pub async fn apply_resend_reject_and_update(store: &dyn Store) {
    seed::seed_firm(store, &test_firm(), "2026-11-20T00:00:00Z", "test firm").await.unwrap();
    let opportunity_ids: BTreeSet<String> = ["O1", "O2", "006A1", "006A2", "006A3", "006A4", "006A5", "006B1", "006B2"]
        .iter()
        .map(|s| s.to_string())
        .collect();

    let sf = fixture("opportunities_salesforce.csv");
    let report = import(store, ImportKind::Opportunities, "sf.csv", &sf).await.expect("imported");
    // Four new opportunities, one "arrived in stage" entry each, plus the batch record.
    assert_eq!((report.rows, report.records), (4, 4));
    assert_eq!(
        (report.counts.created, report.counts.updated, report.counts.unchanged, report.counts.history),
        (4, 0, 0, 4)
    );
    assert_eq!((report.writes, report.transactions, report.audit_seqs), (9, 1, (2, 2)));
    assert!(!report.already_imported);
    assert_eq!(
        history(store, "006A3").await,
        [("2026-10-31".into(), OpportunityField::Stage, String::new(), "closed_won".into())]
    );

    let before = dump(store, &opportunity_ids).await;
    let again = import(store, ImportKind::Opportunities, "sf-copy.csv", &sf).await.expect("re-sent");
    assert!(again.already_imported);
    assert_eq!(again.file, "sf.csv"); // the report of the first import
    assert_eq!(dump(store, &opportunity_ids).await, before, "re-sending changed the store");

    let bad = import(store, ImportKind::Opportunities, "bad.csv", &fixture("opportunities_bad.csv")).await;
    let Err(ImportRejected::Invalid { problems, .. }) = bad else { panic!("rejected: {bad:?}") };
    assert_eq!(problems.len(), 9);
    assert_eq!(dump(store, &opportunity_ids).await, before, "a rejected batch changed the store");

    let update = fixture("opportunities_salesforce_update.csv");
    let report = import(store, ImportKind::Opportunities, "sf-update.csv", &update).await.expect("updated");
    // 006A1 changes stage and close date (2 entries); 006A2 changes owner only (its item
    // moves: a delete and a put, no entry); 006A5 is new (1 entry); 006A3 and 006A4 are as
    // stored. Writes: 3 + 2 + 2 + the batch record.
    assert_eq!(
        (report.counts.created, report.counts.updated, report.counts.unchanged, report.counts.history),
        (1, 2, 2, 3)
    );
    assert_eq!((report.writes, report.transactions), (8, 1));
    assert_eq!(
        history(store, "006A1").await,
        [
            ("2026-09-01".into(), OpportunityField::Stage, String::new(), "prospecting".into()),
            ("2026-11-10".into(), OpportunityField::Stage, "prospecting".into(), "qualification".into()),
            ("2026-11-10".into(), OpportunityField::CloseDate, "2026-12-31".into(), "2027-01-31".into()),
        ]
    );
    assert_eq!(ids(store, &keys::opportunities("P2")).await, ["006A1", "006A2", "006A4", "O1"]);
    assert_eq!(ids(store, &keys::opportunities("P3")).await, ["006A3", "006A5", "O2"]);

    let verified = audit::verify(store).await.unwrap();
    assert!(verified.ok, "{verified:?}");
    assert_eq!(verified.records, 3); // seed, first import, update; nothing for the re-send or the rejection
    let records = query_all(store, keys::AUDIT, keys::AUDIT_SEQ_PREFIX).await.unwrap();
    let last: audit::AuditRecord = records[2].decode().unwrap();
    assert_eq!((last.entry.actor.as_str(), last.entry.action.as_str()), ("P1", "import.opportunities"));
    assert!(last.entry.reason.starts_with("sf-update.csv (sha256 "), "{}", last.entry.reason);
    assert!(last.entry.before_hash.is_some() && last.entry.after_hash.is_some());
}

/// A store that fails every transaction after the first `ok` ones: a crash mid-apply.
struct FailAfter<'a> {
    inner: &'a dyn Store,
    ok: AtomicUsize,
}

#[async_trait]
impl Store for FailAfter<'_> {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        self.inner.get(pk, sk).await
    }
    async fn query(&self, pk: &str, prefix: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        self.inner.query(pk, prefix, limit, after).await
    }
    async fn query_kind(&self, kind: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        self.inner.query_kind(kind, limit, after).await
    }
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        if self.ok.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
            return Err(StoreError::Backend("simulated crash".into()));
        }
        self.inner.transact(writes).await
    }
    async fn put_many(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.inner.put_many(items).await
    }
}

/// 250 new opportunities in our own columns: 2 writes each, 48 per transaction.
fn large_file() -> Vec<u8> {
    let mut csv = String::from("id,owner_id,client_id,stage,amount,created,close_date\n");
    for i in 0..250 {
        let (owner, client) = if i % 2 == 0 { ("P2", "C1") } else { ("P3", "C2") };
        csv.push_str(&format!("L{i:03},{owner},{client},proposal,{}.{:02},2026-03-01,2026-12-31\n", 1000 + i, i % 100));
    }
    csv.into_bytes()
}

/// Without the audit chain and batch records, which differ by design.
fn records_only(items: Vec<Item>) -> Vec<Item> {
    items.into_iter().filter(|i| i.pk != keys::AUDIT && i.pk != plumbline_import::IMPORTS).collect()
}

/// A crash after two of six transactions; re-sending completes the batch, and the result is
/// the same as a clean import into another store.
pub async fn interrupted_batch_is_completed_by_resending(store: &dyn Store, clean: &dyn Store) {
    for s in [store, clean] {
        seed::seed_firm(s, &test_firm(), "2026-11-20T00:00:00Z", "test firm").await.unwrap();
    }
    let file = large_file();
    let failing = FailAfter { inner: store, ok: AtomicUsize::new(2) };
    let result = import(&failing, ImportKind::Opportunities, "large.csv", &file).await;
    let Err(ImportRejected::Interrupted { applied_writes, .. }) = result else { panic!("interrupted: {result:?}") };
    assert_eq!(applied_writes, 2 * 96);

    let report = import(store, ImportKind::Opportunities, "large.csv", &file).await.expect("completed");
    assert_eq!((report.counts.created, report.counts.unchanged, report.counts.history), (154, 96, 154));
    assert_eq!(report.transactions, 4); // 48 + 48 + 48 + 10 records

    let full = import(clean, ImportKind::Opportunities, "large.csv", &file).await.expect("clean");
    assert_eq!((full.counts.created, full.transactions), (250, 6));

    let ids: BTreeSet<String> = (0..250).map(|i| format!("L{i:03}")).collect();
    assert_eq!(records_only(dump(store, &ids).await), records_only(dump(clean, &ids).await));
    let verified = audit::verify(store).await.unwrap();
    assert!(verified.ok && verified.records == 1 + 2 + 4, "{verified:?}");
}

/// Records every progress step.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<plumbline_import::Step>>);

impl plumbline_import::Progress for Recorder {
    fn update(&self, step: &plumbline_import::Step) {
        self.0.lock().unwrap().push(step.clone());
    }
}

/// Roster, transactions (one stored copy per payee) and calendar activities, with a
/// correction that moves a transaction's date: its old copies are deleted, not duplicated.
pub async fn other_kinds_apply_and_move_by_identity(store: &dyn Store) {
    use plumbline_import::Step;
    seed::seed_firm(store, &test_firm(), "2026-11-20T00:00:00Z", "test firm").await.unwrap();

    let recorder = Recorder::default();
    let bytes = fixture("people.csv");
    let request =
        ImportRequest { kind: ImportKind::People, file_name: "people.csv", bytes: &bytes, mapping: None, at: at() };
    let people = plumbline_import::run(store, &admin(), &request, &recorder).await.expect("roster");
    // P4 and P5 are new; P2's title and written pay (90000.00) differ from the stored record.
    assert_eq!((people.counts.created, people.counts.updated, people.counts.unchanged), (2, 1, 0));
    let steps = recorder.0.lock().unwrap().clone();
    assert_eq!(
        steps,
        [
            Step::Loading,
            Step::Validated { rows: 3, records: 3 },
            Step::Applying { records: 3, of: 3, written: 4, total: 4 },
            Step::Done
        ]
    );
    assert_eq!(ids(store, keys::PEOPLE).await, ["P1", "P2", "P3", "P4", "P5"]);

    let txns =
        import(store, ImportKind::Transactions, "transactions.csv", &fixture("transactions.csv")).await.expect("txns");
    // BK-2 has two payees, so four items for three transactions.
    assert_eq!((txns.counts.created, txns.writes), (3, 5));
    assert_eq!(ids(store, &keys::transactions("P3")).await, ["2026-10-31#BK-1", "2026-11-05#BK-2"]);
    let corrected =
        String::from_utf8(fixture("transactions.csv")).unwrap().replace("BK-2,2026-11-05", "BK-2,2026-11-06");
    let fix = import(store, ImportKind::Transactions, "transactions-fix.csv", corrected.as_bytes()).await.expect("fix");
    assert_eq!((fix.counts.updated, fix.counts.unchanged, fix.writes), (1, 2, 5)); // 2 deletes, 2 puts, batch record
    assert_eq!(ids(store, &keys::transactions("P2")).await, ["2026-11-06#BK-2", "2026-11-30#FR-1"]);
    assert_eq!(ids(store, &keys::transactions("P3")).await, ["2026-10-31#BK-1", "2026-11-06#BK-2"]);

    let cal = import(store, ImportKind::Calendar, "week.ics", &fixture("calendar.ics")).await.expect("calendar");
    assert_eq!((cal.rows, cal.records, cal.counts.created), (4, 2, 2));
    assert_eq!(ids(store, &keys::activities("P2")).await, ["2026-11-03#evt-1@firm.example"]);
    assert!(audit::verify(store).await.unwrap().ok);
}

/// An empty store loads a firm in the documented order (settings, plan, teams, people,
/// clients, quotas, assignments); a bad assignments file and a changed plan version are refused
/// without writing; a re-sent file changes nothing; only admins load the firm's definition.
pub async fn an_empty_store_loads_settings_plans_quotas_and_assignments(store: &dyn Store) {
    use plumbline_firm::{PlanAssignment, Quota, StoredSettings};
    let none = BTreeSet::new();
    let settings = br#"{ "name": "Test Firm", "base_currency": "USD", "fiscal_year_start_month": 1 }"#;
    let report = import(store, ImportKind::Settings, "firm.json", settings).await.expect("settings");
    assert_eq!((report.rows, report.records, report.counts.created, report.audit_seqs), (1, 1, 1, (1, 1)));
    let stored: StoredSettings = store.get(keys::FIRM, keys::FIRM_SETTINGS).await.unwrap().unwrap().decode().unwrap();
    assert_eq!(stored.as_of, None, "no as_of: the firm's today is the clock's");
    let plan = fixture("plan_as_seller.json");
    assert_eq!(import(store, ImportKind::Plans, "as-seller-v1.json", &plan).await.expect("plan").counts.created, 1);
    let teams = "id,name,division,region,manager_id\nT1,New York,asset_servicing,New York,P1\n";
    import(store, ImportKind::Teams, "teams.csv", teams.as_bytes()).await.expect("teams");
    let roster = "id,name,email,role,title,division,team_id,manager_id,region,hire_date,fixed_pay,currency,regulated\n\
                  P1,Mia Manager,mia@firm.example,manager,Head of Sales,asset_servicing,T1,,New York,2019-03-01,150000,,false\n\
                  P2,Rob Rep,rob@firm.example,rep,Sales Executive,asset_servicing,T1,P1,New York,2020-01-06,90000,,true\n";
    import(store, ImportKind::People, "people.csv", roster.as_bytes()).await.expect("people");
    let clients = "id,name,division,segment,owner_id,region,domain,since,wallet_estimate,currency\n\
                   C1,Acme Pension,asset_servicing,pension fund,P2,New York,acme.example,2015-01-01,1000000.00,\n";
    import(store, ImportKind::Clients, "clients.csv", clients.as_bytes()).await.expect("clients");
    assert_eq!(ids(store, &keys::clients("P2")).await, ["C1"]);
    let quotas = "person_id,year_start,amount,currency\nP2,2026-01-01,1000000.00,\n";
    import(store, ImportKind::Quotas, "quotas.csv", quotas.as_bytes()).await.expect("quotas");
    let quota: Quota = store.get(&keys::quotas("P2"), "2026-01-01").await.unwrap().unwrap().decode().unwrap();
    assert_eq!(quota.currency.to_string(), "USD", "a blank currency is the base currency just imported");
    let assignments = "person_id,plan_id,plan_version,from,to\nP2,as-seller,1,2026-01-01,\n";
    import(store, ImportKind::Assignments, "assignments.csv", assignments.as_bytes()).await.expect("assignments");
    let assigned: PlanAssignment =
        store.get(&keys::assignments("P2"), "2026-01-01").await.unwrap().unwrap().decode().unwrap();
    assert_eq!((assigned.plan_id.as_str(), assigned.plan_version, assigned.to), ("as-seller", 1, None));

    let before = dump(store, &none).await;
    let bad = "person_id,plan_id,plan_version,from,to\n\
               P9,as-seller,1,2026-01-01,\n\
               P2,as-seller,2,2026-02-01,\n\
               P2,as-seller,one,2026-03-01,2026-02-28\n";
    let rejected = import(store, ImportKind::Assignments, "bad.csv", bad.as_bytes()).await;
    let Err(ImportRejected::Invalid { problems, .. }) = rejected else { panic!("rejected: {rejected:?}") };
    let found: Vec<(Option<u64>, Option<&str>)> = problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("person_id")),
            (Some(3), Some("plan_id")),
            (Some(4), Some("plan_version")),
            (Some(4), Some("to"))
        ]
    );
    let renamed = String::from_utf8(plan.clone()).unwrap().replace("Asset Servicing Sales Plan", "Renamed");
    let changed = import(store, ImportKind::Plans, "renamed.json", renamed.as_bytes()).await;
    let Err(ImportRejected::Invalid { problems, .. }) = changed else { panic!("refused: {changed:?}") };
    assert_eq!(problems[0].column.as_deref(), Some("version"), "{problems:?}");
    let again = import(store, ImportKind::Settings, "firm-again.json", settings).await.expect("re-sent");
    assert!(again.already_imported);
    let compliance = Actor { id: "P1".into(), role: Role::Compliance };
    let request = ImportRequest { kind: ImportKind::Plans, file_name: "p.json", bytes: &plan, mapping: None, at: at() };
    let refused = plumbline_import::run(store, &compliance, &request, &NoProgress).await;
    assert!(matches!(refused, Err(ImportRejected::Forbidden { .. })), "{refused:?}");
    assert_eq!(dump(store, &none).await, before, "refused files changed the store");

    let settings_audit: audit::AuditRecord =
        store.get(keys::AUDIT, &keys::audit_seq(1)).await.unwrap().unwrap().decode().unwrap();
    assert_eq!((settings_audit.entry.actor.as_str(), settings_audit.entry.action.as_str()), ("P1", "import.settings"));
    assert!(audit::verify(store).await.unwrap().ok);
}
