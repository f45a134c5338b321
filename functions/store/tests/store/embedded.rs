//! The embedded store against the conformance suite, plus durability and tamper detection.

use plumbline_store::audit::{AuditRecord, append_with, verify};
use plumbline_store::{EmbeddedStore, Item, Store, Write, conformance, keys};
use std::sync::Arc;

#[tokio::test]
async fn embedded_store_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("store.redb")).unwrap();
    conformance::run_all(&store).await;
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    {
        let store = EmbeddedStore::open(&path).unwrap();
        let item = Item::new("P", "1", &"kept").unwrap();
        store.transact(vec![Write::Put { item, condition: plumbline_store::Condition::None }]).await.unwrap();
    }
    let store = EmbeddedStore::open(&path).unwrap();
    assert_eq!(store.get("P", "1").await.unwrap().unwrap().decode::<String>().unwrap(), "kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_audited_writes_leave_a_gap_free_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(&dir.path().join("store.redb")).unwrap());
    conformance::concurrent_appends_leave_a_gap_free_chain(store, 1000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_racing_without_the_gate_are_kept_apart_by_the_head_condition() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(EmbeddedStore::open(&dir.path().join("store.redb")).unwrap());
    conformance::concurrent_appends_leave_a_gap_free_chain(Arc::new(conformance::Ungated(store)), 200).await;
}

async fn chain_of_three() -> (tempfile::TempDir, EmbeddedStore, Vec<AuditRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("store.redb")).unwrap();
    let mut records = Vec::new();
    for n in 0..3 {
        records.push(append_with(&store, Vec::new(), conformance::sample_entry(n)).await.unwrap());
    }
    (dir, store, records)
}

/// Removes one audit record behind the chain's back, as someone with table access could.
async fn delete_audit_record(store: &EmbeddedStore, seq: u64) {
    let sk = keys::audit_seq(seq);
    let delete = Write::Delete { pk: keys::AUDIT.into(), sk, condition: plumbline_store::Condition::None };
    store.transact(vec![delete]).await.unwrap();
}

#[tokio::test]
async fn an_edited_record_is_detected() {
    let (_dir, store, records) = chain_of_three().await;
    let mut edited = records[1].clone();
    edited.entry.reason = "quietly changed".into();
    store.put_many(vec![Item::new(keys::AUDIT, keys::audit_seq(2), &edited).unwrap()]).await.unwrap();
    let check = verify(&store).await.unwrap();
    assert_eq!(check.first_broken.unwrap().seq, 2);
}

#[tokio::test]
async fn a_deleted_or_reordered_record_is_detected() {
    let (_dir, store, records) = chain_of_three().await;
    store
        .put_many(vec![
            Item::new(keys::AUDIT, keys::audit_seq(2), &records[2]).unwrap(),
            Item::new(keys::AUDIT, keys::audit_seq(3), &records[1]).unwrap(),
        ])
        .await
        .unwrap();
    assert_eq!(verify(&store).await.unwrap().first_broken.unwrap().seq, 2, "reordered");
    delete_audit_record(&store, 3).await;
    assert!(!verify(&store).await.unwrap().ok, "deleted");
}

#[tokio::test]
async fn a_record_deleted_from_the_middle_is_detected() {
    let (_dir, store, _) = chain_of_three().await;
    delete_audit_record(&store, 2).await;
    let check = verify(&store).await.unwrap();
    assert_eq!(check.first_broken.unwrap().seq, 2, "record 3 now sits where record 2 should");
}

#[tokio::test]
async fn a_rewritten_chain_is_caught_by_the_head() {
    let (_dir, store, records) = chain_of_three().await;
    // Dropping the last record and leaving the rest intact still disagrees with the head.
    delete_audit_record(&store, 3).await;
    let check = verify(&store).await.unwrap();
    assert_eq!(check.first_broken.unwrap().seq, 3);
    assert_eq!(records.len(), 3);
}
