//! The behaviour every [`Store`] must have. Each backend's tests call [`run_all`] on a fresh,
//! empty store, so the embedded and DynamoDB stores are held to the same contract.

use crate::audit::{AuditEntry, append_with, verify};
use crate::{Condition, Item, Store, StoreError, Write, periods, query_all};
use serde_json::json;

fn item(pk: &str, sk: &str, n: i64) -> Item {
    Item { pk: pk.into(), sk: sk.into(), version: 1, data: json!({ "n": n }) }
}

fn put(i: Item, condition: Condition) -> Write {
    Write::Put { item: i, condition }
}

/// Runs every check; panics with a message naming the failed property.
pub async fn run_all(store: &dyn Store) {
    get_missing_is_none(store).await;
    put_then_get_round_trips(store).await;
    conditions_guard_writes(store).await;
    failed_transactions_change_nothing(store).await;
    queries_page_in_sort_order(store).await;
    kind_queries_read_every_partition_of_a_kind_in_pages(store).await;
    transaction_limits_are_enforced(store).await;
    audit_appends_form_a_chain(store).await;
    periods_close_once_in_order_and_staged_statements_count_only_when_closed(store).await;
}

async fn get_missing_is_none(store: &dyn Store) {
    assert!(store.get("C#missing", "x").await.unwrap().is_none(), "a missing item reads as None");
}

async fn put_then_get_round_trips(store: &dyn Store) {
    store.transact(vec![put(item("C#rt", "a", 1), Condition::None)]).await.unwrap();
    assert_eq!(store.get("C#rt", "a").await.unwrap(), Some(item("C#rt", "a", 1)), "put then get");
}

async fn conditions_guard_writes(store: &dyn Store) {
    store.transact(vec![put(item("C#cond", "a", 1), Condition::NotExists)]).await.unwrap();
    let again = store.transact(vec![put(item("C#cond", "a", 2), Condition::NotExists)]).await;
    assert!(matches!(again, Err(StoreError::ConditionFailed { .. })), "NotExists fails on an existing item");
    let mut v2 = item("C#cond", "a", 2);
    v2.version = 2;
    store.transact(vec![put(v2.clone(), Condition::VersionIs(1))]).await.unwrap();
    let stale = store.transact(vec![put(item("C#cond", "a", 3), Condition::VersionIs(1))]).await;
    assert!(matches!(stale, Err(StoreError::ConditionFailed { .. })), "VersionIs fails on a stale version");
    assert_eq!(store.get("C#cond", "a").await.unwrap(), Some(v2), "the stale write changed nothing");
    let gone = store
        .transact(vec![Write::Delete { pk: "C#cond".into(), sk: "a".into(), condition: Condition::VersionIs(2) }])
        .await;
    assert!(gone.is_ok(), "conditional delete at the right version");
    assert!(store.get("C#cond", "a").await.unwrap().is_none(), "deleted");
}

async fn failed_transactions_change_nothing(store: &dyn Store) {
    store.transact(vec![put(item("C#atomic", "exists", 0), Condition::None)]).await.unwrap();
    let result = store
        .transact(vec![
            put(item("C#atomic", "new-1", 1), Condition::None),
            put(item("C#atomic", "new-2", 2), Condition::NotExists),
            put(item("C#atomic", "exists", 9), Condition::NotExists),
        ])
        .await;
    assert!(matches!(result, Err(StoreError::ConditionFailed { .. })), "the last condition fails");
    assert!(store.get("C#atomic", "new-1").await.unwrap().is_none(), "no write of a failed transaction applies");
    assert!(store.get("C#atomic", "new-2").await.unwrap().is_none(), "no write of a failed transaction applies");
    let dup = store
        .transact(vec![put(item("C#atomic", "d", 1), Condition::None), put(item("C#atomic", "d", 2), Condition::None)])
        .await;
    assert!(matches!(dup, Err(StoreError::DuplicateKey { .. })), "one key twice is refused");
}

async fn queries_page_in_sort_order(store: &dyn Store) {
    let items: Vec<Item> = (0..25).rev().map(|i| item("C#q", &format!("2026-01-{:02}#x", i + 1), i)).collect();
    store.put_many(items).await.unwrap();
    store.put_many(vec![item("C#q", "2026-02-01#x", 99), item("C#q2", "2026-01-01#x", 0)]).await.unwrap();
    let first = store.query("C#q", "2026-01", 10, None).await.unwrap();
    assert_eq!(first.items.len(), 10, "page size");
    assert_eq!(first.items[0].sk, "2026-01-01#x", "sort-key order");
    let second = store.query("C#q", "2026-01", 10, first.next.as_deref()).await.unwrap();
    assert_eq!(second.items[0].sk, "2026-01-11#x", "second page continues after the first");
    let all = query_all(store, "C#q", "2026-01").await.unwrap();
    assert_eq!(all.len(), 25, "prefix selects only January, other partitions excluded");
    assert!(all.windows(2).all(|w| w[0].sk < w[1].sk), "ascending");
    let last = store.query("C#q", "2026-01", 25, None).await.unwrap();
    assert!(last.next.is_none(), "no next page when everything fitted");
}

async fn kind_queries_read_every_partition_of_a_kind_in_pages(store: &dyn Store) {
    // Partitions of kind `K` in a scrambled order, their neighbours in key order, one written
    // by a transaction and one deleted again.
    let keys = [("K#2", "a"), ("K#10", "a"), ("K#1", "b"), ("K#1", "a"), ("K#1", "a#x"), ("K#3", "gone")];
    store.put_many(keys.iter().enumerate().map(|(n, (pk, sk))| item(pk, sk, n as i64)).collect()).await.unwrap();
    store
        .put_many(vec![item("K", "lone", 0), item("KA#1", "a", 0), item("J#1", "a", 0), item("C#K#1", "a", 0)])
        .await
        .unwrap();
    store.transact(vec![put(item("K#11", "t", 7), Condition::NotExists)]).await.unwrap();
    store
        .transact(vec![Write::Delete { pk: "K#3".into(), sk: "gone".into(), condition: Condition::None }])
        .await
        .unwrap();
    let expected = [("K#1", "a"), ("K#1", "a#x"), ("K#1", "b"), ("K#10", "a"), ("K#11", "t"), ("K#2", "a")];
    let all = crate::query_kind_all(store, "K").await.unwrap();
    let got: Vec<(&str, &str)> = all.iter().map(|i| (i.pk.as_str(), i.sk.as_str())).collect();
    assert_eq!(got, expected, "every partition of the kind, partition then sort key, nothing else");
    assert_eq!(all[4].data, json!({ "n": 7 }), "bodies come back whole");
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.query_kind("K", 4, after.as_deref()).await.unwrap();
        assert!(page.items.len() <= 4, "page size");
        paged.extend(page.items.into_iter().map(|i| (i.pk, i.sk)));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let paged: Vec<(&str, &str)> = paged.iter().map(|(p, s)| (p.as_str(), s.as_str())).collect();
    assert_eq!(paged, expected, "pages of 4 continue where the last stopped");
    let exact = store.query_kind("K", 6, None).await.unwrap();
    assert!(exact.next.is_none(), "no next page when everything fitted");
    assert!(store.query_kind("NOSUCH", 10, None).await.unwrap().items.is_empty());
}

async fn transaction_limits_are_enforced(store: &dyn Store) {
    let writes: Vec<Write> = (0..101).map(|i| put(item("C#big", &i.to_string(), i), Condition::None)).collect();
    assert!(matches!(store.transact(writes).await, Err(StoreError::TooManyWrites(101))), "over 100 writes refused");
}

async fn audit_appends_form_a_chain(store: &dyn Store) {
    for n in 0..3 {
        let change = put(item("C#audited", &n.to_string(), n), Condition::NotExists);
        let entry = AuditEntry {
            at: format!("2026-11-20T10:00:0{n}Z"),
            actor: "P0001".into(),
            role: "admin".into(),
            action: "test.write".into(),
            entity: format!("test/{n}"),
            before_hash: None,
            after_hash: None,
            reason: "conformance".into(),
        };
        let record = append_with(store, vec![change], entry).await.unwrap();
        assert_eq!(record.seq, n as u64 + 1, "sequence increments");
    }
    let check = verify(store).await.unwrap();
    assert!(check.ok && check.records == 3, "chain verifies: {check:?}");
    let failing = append_with(
        store,
        vec![put(item("C#audited", "0", 0), Condition::NotExists)],
        AuditEntry {
            at: "2026-11-20T10:00:09Z".into(),
            actor: "P0001".into(),
            role: "admin".into(),
            action: "test.write".into(),
            entity: "test/dup".into(),
            before_hash: None,
            after_hash: None,
            reason: "must fail".into(),
        },
    )
    .await;
    assert!(failing.is_err(), "a failed change is not audited");
    assert_eq!(verify(store).await.unwrap().records, 3, "and leaves no audit record");
}

async fn periods_close_once_in_order_and_staged_statements_count_only_when_closed(store: &dyn Store) {
    let entry = |period: &str| AuditEntry {
        at: "2026-11-21T10:00:00Z".into(),
        actor: "P0003".into(),
        role: "admin".into(),
        action: "period.closed".into(),
        entity: format!("period/{period}"),
        before_hash: None,
        after_hash: None,
        reason: "conformance".into(),
    };
    let frozen = |total: &str| json!({ "total": total });
    let audited = verify(store).await.unwrap().records;
    assert!(periods::closed(store).await.unwrap().is_none(), "nothing closed yet");
    let october = vec![("P1".to_string(), frozen("10.00")), ("P2".to_string(), frozen("20.00"))];
    periods::stage_paid(store, "2026-10", "C1", &october).await.unwrap();
    // A losing attempt's statements, staged over the same people and period.
    periods::stage_paid(store, "2026-10", "C0", &[("P2".to_string(), frozen("99.00"))]).await.unwrap();

    let writes = periods::close_writes("2026-10", "C1", &json!({ "period": "2026-10" }), None).unwrap();
    append_with(store, writes, entry("2026-10")).await.unwrap();
    let closed = periods::closed(store).await.unwrap().expect("closed");
    assert_eq!((closed.range.first.as_str(), closed.range.last.as_str()), ("2026-10", "2026-10"));
    assert!(closed.range.contains("2026-10") && !closed.range.contains("2026-09") && !closed.range.contains("2026-11"));
    let paid: Vec<(String, serde_json::Value)> = periods::paid_in(store, &closed.range, "P2", "").await.unwrap();
    assert_eq!(paid, vec![("2026-10".to_string(), frozen("20.00"))], "only the committed close's statement counts");
    let one: Option<serde_json::Value> = periods::paid_for(store, &closed.range, "P1", "2026-10").await.unwrap();
    assert_eq!(one, Some(frozen("10.00")));
    let none: Option<serde_json::Value> = periods::paid_for(store, &closed.range, "P3", "2026-10").await.unwrap();
    assert_eq!(none, None, "no statement frozen for someone the close did not pay");
    let record: Option<serde_json::Value> = periods::close_record(store, "2026-10").await.unwrap();
    assert_eq!(record, Some(json!({ "period": "2026-10" })));

    let twice = periods::close_writes("2026-10", "C2", &json!({ "period": "2026-10" }), Some(&closed)).unwrap();
    let again = append_with(store, twice, entry("2026-10")).await;
    assert!(matches!(again, Err(StoreError::ConditionFailed { .. })), "a period closes once");
    let stale = periods::close_writes("2026-11", "C3", &json!({ "period": "2026-11" }), None).unwrap();
    let raced = append_with(store, stale, entry("2026-11")).await;
    assert!(matches!(raced, Err(StoreError::ConditionFailed { .. })), "a close that read an old range is refused");

    periods::stage_paid(store, "2026-11", "C4", &[("P2".to_string(), frozen("5.00"))]).await.unwrap();
    let writes = periods::close_writes("2026-11", "C4", &json!({ "period": "2026-11" }), Some(&closed)).unwrap();
    append_with(store, writes, entry("2026-11")).await.unwrap();
    let closed = periods::closed(store).await.unwrap().expect("closed");
    assert_eq!((closed.range.first.as_str(), closed.range.last.as_str()), ("2026-10", "2026-11"));
    let all: Vec<(String, serde_json::Value)> = periods::paid_in(store, &closed.range, "P2", "").await.unwrap();
    assert_eq!(all.len(), 2, "both closed periods");
    let later: Vec<(String, serde_json::Value)> =
        periods::paid_in(store, &closed.range, "P2", "2026-11").await.unwrap();
    assert_eq!(later, vec![("2026-11".to_string(), frozen("5.00"))], "from a period on");
    assert_eq!(verify(store).await.unwrap().records, audited + 2, "each close audited once, refusals not at all");
}

/// A sample audit entry for load checks; `n` makes each one distinct.
pub fn sample_entry(n: usize) -> AuditEntry {
    AuditEntry {
        at: "2026-11-20T10:00:00Z".into(),
        actor: format!("P{n:04}"),
        role: "rep".into(),
        action: "test.concurrent".into(),
        entity: format!("thing/{n}"),
        before_hash: None,
        after_hash: None,
        reason: "load".into(),
    }
}

/// `count` audited appends at once: each gets its own sequence number and the chain verifies
/// with no gap or fork. Call it from a multi-threaded runtime so the writers really race.
pub async fn concurrent_appends_leave_a_gap_free_chain(store: std::sync::Arc<dyn Store>, count: usize) {
    let tasks: Vec<_> = (0..count)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { append_with(store.as_ref(), Vec::new(), sample_entry(n)).await.unwrap() })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=count as u64).collect::<Vec<u64>>(), "every append got its own sequence number");
    let check = verify(store.as_ref()).await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.records, count as u64);
}

/// A store seen without its in-process append gate, as a separate process would see it: its
/// audited writers race for the chain head and only the version condition keeps them apart.
pub struct Ungated(pub std::sync::Arc<dyn Store>);

#[async_trait::async_trait]
impl Store for Ungated {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        self.0.get(pk, sk).await
    }

    async fn query(
        &self,
        pk: &str,
        prefix: &str,
        limit: usize,
        after: Option<&str>,
    ) -> Result<crate::Page, StoreError> {
        self.0.query(pk, prefix, limit, after).await
    }

    async fn query_kind(&self, kind: &str, limit: usize, after: Option<&str>) -> Result<crate::Page, StoreError> {
        self.0.query_kind(kind, limit, after).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        self.0.transact(writes).await
    }

    async fn put_many(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.0.put_many(items).await
    }
}
