//! The audit function, run on a schedule: recomputes the whole hash chain and fails (so the
//! error metric and its alarm fire) when a link is broken, naming the first broken record.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use plumbline_store::audit;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    plumbline_lambda::init_tracing();
    let store = plumbline_lambda::store_from_env().await?;
    let store = &store;
    lambda_runtime::run(service_fn(move |_: LambdaEvent<Value>| async move {
        let check = audit::verify(store).await?;
        match &check.first_broken {
            None => {
                tracing::info!(records = check.records, "audit chain verified");
                Ok::<_, lambda_runtime::Error>(serde_json::to_value(&check)?)
            }
            Some(broken) => {
                tracing::error!(seq = broken.seq, reason = %broken.reason, "audit chain broken");
                Err(format!("audit chain broken at record {}: {}", broken.seq, broken.reason).into())
            }
        }
    }))
    .await
}
