//! The store scenarios of tests/import/imports.rs on DynamoDB, through the real client against the
//! local server at `PLUMBLINE_DYNAMODB_ENDPOINT` (scripts/test.sh starts moto and sets it).
//! Without the variable the tests fail, unless `PLUMBLINE_SKIP_DYNAMO=1`, as in the store's
//! own DynamoDB tests.

use crate::scenarios;
use plumbline_store::DynamoStore;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

async fn fresh_store(test: &str) -> Option<DynamoStore> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let endpoint = match std::env::var("PLUMBLINE_DYNAMODB_ENDPOINT") {
        Ok(e) if !e.trim().is_empty() => e.trim().to_string(),
        _ if std::env::var("PLUMBLINE_SKIP_DYNAMO").as_deref() == Ok("1") => {
            eprintln!("SKIPPED {test}: PLUMBLINE_SKIP_DYNAMO=1; imports were NOT tested on DynamoDB");
            return None;
        }
        _ => panic!(
            "PLUMBLINE_DYNAMODB_ENDPOINT is not set. Run: eval \"$(bash scripts/dynamodb-local.sh start)\", \
             or set PLUMBLINE_SKIP_DYNAMO=1 to skip knowingly."
        ),
    };
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
    let table =
        format!("plumbline-import-{test}-{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let client = DynamoStore::local_client(&endpoint);
    DynamoStore::create_table(&client, &table).await.unwrap_or_else(|e| panic!("creating {table} at {endpoint}: {e}"));
    Some(DynamoStore::new(client, table))
}

async fn drop_table(store: &DynamoStore) {
    let _ = store.client().delete_table().table_name(store.table()).send().await;
}

#[tokio::test]
async fn dynamo_apply_resend_and_rejection_leave_the_right_state() {
    let Some(store) = fresh_store("apply").await else { return };
    scenarios::apply_resend_reject_and_update(&store).await;
    drop_table(&store).await;
}

#[tokio::test]
async fn dynamo_large_batch_interrupted_then_completed_by_resending() {
    let Some(store) = fresh_store("crash").await else { return };
    let Some(clean) = fresh_store("clean").await else { return };
    scenarios::interrupted_batch_is_completed_by_resending(&store, &clean).await;
    drop_table(&store).await;
    drop_table(&clean).await;
}

#[tokio::test]
async fn dynamo_roster_transactions_and_calendar_apply_by_identity() {
    let Some(store) = fresh_store("kinds").await else { return };
    scenarios::other_kinds_apply_and_move_by_identity(&store).await;
    drop_table(&store).await;
}

#[tokio::test]
async fn dynamo_an_empty_table_loads_settings_plans_quotas_and_assignments() {
    let Some(store) = fresh_store("firm").await else { return };
    scenarios::an_empty_store_loads_settings_plans_quotas_and_assignments(&store).await;
    drop_table(&store).await;
}
