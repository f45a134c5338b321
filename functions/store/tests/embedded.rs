//! The embedded store against the conformance suite, plus durability and tamper detection.

use plumbline_store::audit::{AuditEntry, AuditRecord, append_with, verify};
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

fn entry(n: usize) -> AuditEntry {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_audited_writes_leave_a_gap_free_chain() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(&dir.path().join("store.redb")).unwrap());
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move { append_with(store.as_ref(), Vec::new(), entry(n)).await.unwrap() })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let check = verify(store.as_ref()).await.unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.records, 200);
}

async fn chain_of_three() -> (tempfile::TempDir, EmbeddedStore, Vec<AuditRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("store.redb")).unwrap();
    let mut records = Vec::new();
    for n in 0..3 {
        records.push(append_with(&store, Vec::new(), entry(n)).await.unwrap());
    }
    (dir, store, records)
}

#[tokio::test]
async fn an_edited_record_is_detected() {
    let (_dir, store, records) = chain_of_three().await;
    let mut edited = records[1].clone();
    edited.reason = "quietly changed".into();
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
    store
        .transact(vec![Write::Delete {
            pk: keys::AUDIT.into(),
            sk: keys::audit_seq(3),
            condition: plumbline_store::Condition::None,
        }])
        .await
        .unwrap();
    assert!(!verify(&store).await.unwrap().ok, "deleted");
}
