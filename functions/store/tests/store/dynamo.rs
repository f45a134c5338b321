//! The DynamoDB store against the conformance suite, on a local DynamoDB-compatible server.
//!
//! These tests start nothing: they use the server at `PLUMBLINE_DYNAMODB_ENDPOINT`, which
//! scripts/test.sh sets after starting moto. By hand:
//!
//! ```text
//! eval "$(bash scripts/dynamodb-local.sh start)"
//! cargo test -p plumbline-store --test store dynamo::
//! bash scripts/dynamodb-local.sh stop
//! ```
//!
//! Without the variable every test fails, unless `PLUMBLINE_SKIP_DYNAMO=1` says to skip them.
//! Each test works in its own, uniquely named table.

use plumbline_store::{DynamoStore, EmbeddedStore, Item, Store, conformance};
use serde_json::json;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const ENDPOINT: &str = "PLUMBLINE_DYNAMODB_ENDPOINT";
const SKIP: &str = "PLUMBLINE_SKIP_DYNAMO";

/// The endpoint, or `None` when skipping was asked for; fails the test otherwise.
fn endpoint(test: &str) -> Option<String> {
    if let Ok(endpoint) = std::env::var(ENDPOINT)
        && !endpoint.trim().is_empty()
    {
        return Some(endpoint.trim().to_string());
    }
    if std::env::var(SKIP).as_deref() == Ok("1") {
        // Straight to the stream, past the test harness's output capture, so it is seen.
        let notice = format!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED {test}: {SKIP}=1 and {ENDPOINT} is unset.\n\
             !!! The DynamoDB store was NOT tested. Run: bash scripts/test.sh\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
        let _ = std::io::stderr().write_all(notice.as_bytes());
        return None;
    }
    panic!(
        "{ENDPOINT} is not set, so the DynamoDB store cannot be tested.\n\
         scripts/test.sh starts a local server (moto) and sets it. By hand:\n\
         \x20 eval \"$(bash scripts/dynamodb-local.sh start)\"\n\
         \x20 cargo test -p plumbline-store --test store dynamo::\n\
         \x20 bash scripts/dynamodb-local.sh stop\n\
         To skip these tests knowingly, set {SKIP}=1."
    );
}

/// A store over a new, empty table named after the test; `None` when skipping.
async fn fresh_store(test: &str) -> Option<DynamoStore> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let endpoint = endpoint(test)?;
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
    let table =
        format!("plumbline-test-{test}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let client = DynamoStore::local_client(&endpoint);
    if let Err(e) = DynamoStore::create_table(&client, &table).await {
        panic!("could not create table {table} at {endpoint} ({e}); is the server running? See tests/store/dynamo.rs.");
    }
    Some(DynamoStore::new(client, table))
}

/// Drops the test's table (only reached when the test passed, so a failure can be inspected).
async fn drop_table(store: &DynamoStore) {
    let _ = store.client().delete_table().table_name(store.table()).send().await;
}

#[tokio::test]
async fn dynamo_store_meets_the_contract() {
    let Some(store) = fresh_store("contract").await else { return };
    conformance::run_all(&store).await;
    drop_table(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_audited_writes_leave_a_gap_free_chain() {
    let Some(store) = fresh_store("concurrent").await else { return };
    let store = Arc::new(store);
    // One process's writers take turns at the store's append gate. 200 here (1,000 runs on the
    // embedded store and through the API): 1,000 took 70 s on moto, whose every transaction
    // deep-copies the table.
    conformance::concurrent_appends_leave_a_gap_free_chain(store.clone(), 200).await;
    drop_table(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_racing_without_the_gate_are_kept_apart_by_the_head_condition() {
    let Some(store) = fresh_store("race").await else { return };
    let store = Arc::new(store);
    // As separate processes would race. 100, not more: moto serialises transactions behind one
    // lock and deep-copies the table on each, so every loser's retry costs a table copy.
    let ungated = conformance::Ungated(store.clone() as Arc<dyn plumbline_store::Store>);
    conformance::concurrent_appends_leave_a_gap_free_chain(Arc::new(ungated), 100).await;
    drop_table(&store).await;
}

/// Runs the same queries on the DynamoDB store and on the embedded store and compares pages,
/// for the edges the conformance suite does not reach.
#[tokio::test]
async fn query_edges_match_the_embedded_store() {
    let Some(dynamo) = fresh_store("edges").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let embedded = EmbeddedStore::open(&dir.path().join("store.redb")).unwrap();
    let mut items: Vec<Item> = Vec::new();
    for (i, sk) in
        ["2025-12-31#a", "2026-01", "2026-01-01#a", "2026-01-01#b", "2026-01-02#a", "2026-010", "2026-02-01#a"]
            .iter()
            .enumerate()
    {
        items.push(Item { pk: "E".into(), sk: sk.to_string(), version: 1, data: json!({ "i": i }) });
    }
    // More than one batch of 25, with a key written twice: the last copy wins.
    for i in 0..60 {
        items.push(Item { pk: "F".into(), sk: format!("{i:03}"), version: 1, data: json!(i) });
    }
    items.push(Item { pk: "F".into(), sk: "007".into(), version: 2, data: json!("again") });
    items.push(Item { pk: "E0".into(), sk: "2026-01-01#z".into(), version: 1, data: json!(null) });
    dynamo.put_many(items.clone()).await.unwrap();
    embedded.put_many(items).await.unwrap();
    assert_eq!(dynamo.get("F", "007").await.unwrap().unwrap().version, 2, "the last copy of a key wins");

    let cases: &[(&str, &str, usize, Option<&str>)] = &[
        ("E", "2026-01", 2, None),
        ("E", "2026-01", 10, None),
        ("E", "2026-01", 3, Some("2026-01-01#a")),
        ("E", "2026-01", 10, Some("2026-01-01#b")),
        ("E", "2026-01", 10, Some("2026-01-01#aa")),
        ("E", "2026-01", 10, Some("2026-010")),
        ("E", "2026-01", 10, Some("2025")),
        ("E", "2026-01", 10, Some("2026-02")),
        ("E", "2026-01", 10, Some("2026-01")),
        ("E", "", 3, None),
        ("E", "", 100, Some("2026-01-02#a")),
        ("E", "2026-01", 0, None),
        ("E", "2027", 5, None),
        ("nobody", "", 5, None),
        ("F", "", 25, Some("010")),
        ("F", "0", 1000, None),
    ];
    for &(pk, prefix, limit, after) in cases {
        let want = embedded.query(pk, prefix, limit, after).await.unwrap();
        let got = dynamo.query(pk, prefix, limit, after).await.unwrap();
        assert_eq!(got, want, "query({pk:?}, {prefix:?}, {limit}, {after:?})");
    }
    drop_table(&dynamo).await;
}

/// DynamoDB returns at most 1 MB per response; a page larger than that must still be whole.
#[tokio::test]
async fn pages_beyond_one_megabyte_are_followed() {
    let Some(store) = fresh_store("large").await else { return };
    let body = "x".repeat(100_000);
    let items: Vec<Item> = (0..30).map(|i| Item::new("L", format!("{i:02}"), &body).unwrap()).collect();
    store.put_many(items).await.unwrap();
    let page = store.query("L", "", 25, None).await.unwrap();
    assert_eq!(page.items.len(), 25, "one page of 25 items, about 2.5 MB");
    assert_eq!(page.next.as_deref(), Some("24"));
    let rest = store.query("L", "", 25, page.next.as_deref()).await.unwrap();
    assert_eq!((rest.items.len(), rest.next), (5, None));
    // The same through the kind index, over several partitions.
    let items: Vec<Item> =
        (0..30).map(|i| Item::new(format!("L#{}", i % 3), format!("{i:02}"), &body).unwrap()).collect();
    store.put_many(items).await.unwrap();
    let page = store.query_kind("L", 25, None).await.unwrap();
    assert_eq!(page.items.len(), 25, "one page of 25 items read by kind");
    let rest = store.query_kind("L", 25, page.next.as_deref()).await.unwrap();
    assert_eq!((rest.items.len(), rest.next), (5, None));
    drop_table(&store).await;
}
